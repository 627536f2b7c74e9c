"""Reads of reviews and disputes: what the community said, and where each dispute stands.

Every dispute is reached through the meeting it belongs to, so `disputes_visible_to`
follows `meetings_visible_to`: a dispute you may not see is a 404.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from engagement.accounts.models import User
from engagement.audit.models import AuditEvent
from engagement.audit.queries import field_label
from engagement.community.models import CommunityGroup
from engagement.meetings.models import (
    Disclosure,
    DisclosureConfirmation,
    Dispute,
    Meeting,
    Review,
)
from engagement.meetings.queries.meeting import meetings_visible_to


def _confirmations() -> Prefetch:
    return Prefetch(
        "confirmations",
        queryset=DisclosureConfirmation.objects.select_related("disclosure__officer").order_by(
            "disclosure_id"
        ),
    )


def reviews_for_detail(*, meeting: Meeting) -> list[Review]:
    """Every review of the meeting, oldest first, with each officer's confirmation.

    Each is numbered (`number`, from 1) in that order, as the page names them.
    """
    reviews = list(
        Review.objects.filter(meeting=meeting)
        .select_related("liaison")
        .prefetch_related(_confirmations())
        .order_by("created_at", "pk")
    )
    for number, review in enumerate(reviews, start=1):
        review.number = number  # type: ignore[attr-defined]
    return reviews


def disputes_of(*, meeting: Meeting) -> list[Dispute]:
    """The meeting's disputes, newest first; at most one is active (open or corrected)."""
    return list(Dispute.objects.filter(meeting=meeting).select_related("closed_by"))


def active_dispute_of(*, meeting: Meeting, disputes: list[Dispute] | None = None) -> Dispute | None:
    """The open or corrected dispute of the meeting, if any (from `disputes` if given)."""
    if disputes is None:
        return (
            Dispute.objects.filter(meeting=meeting, status__in=Dispute.ACTIVE_STATUSES)
            .select_related("closed_by")
            .first()
        )
    return next((dispute for dispute in disputes if dispute.is_active), None)


def disputing_reviews(*, dispute: Dispute, reviews: list[Review]) -> list[Review]:
    """The reviews that make up `dispute`, oldest first, from the meeting's reviews.

    A dispute opens with a review; while it is open nobody may review, and after the
    officer's correction a review either disputes it again (and belongs to it) or
    resolves it (and ends it). So the reviews from its opening until it ended are
    exactly the ones that disputed the record.
    """
    return [
        review
        for review in reviews
        if review.created_at >= dispute.opened_at
        and (dispute.closed_at is None or review.created_at < dispute.closed_at)
    ]


def not_confirmed(review: Review) -> list[DisclosureConfirmation]:
    """A review's answers other than a plain yes: what it did not confirm."""
    return [c for c in review.confirmations.all() if c.answer != DisclosureConfirmation.Answer.YES]


def disputes_visible_to(user: User) -> QuerySet[Dispute]:
    return Dispute.objects.filter(meeting__in=meetings_visible_to(user))


def dispute_for_escalation(user: User, uuid) -> Dispute | None:
    """A dispute the user can see, with its meeting and the review that disputed it."""
    return (
        disputes_visible_to(user)
        .select_related("meeting", "opened_by__liaison")
        .prefetch_related(
            Prefetch("opened_by__confirmations", queryset=_confirmations().queryset),
        )
        .filter(uuid=uuid)
        .first()
    )


def escalated_disputes() -> QuerySet[Dispute]:
    """Escalated disputes, most recently escalated first, with both accounts.

    The community's: the review that last disputed the record (its verdict, comments and
    answers). The officer's: what they recorded for each officer and their correction note.
    """
    return (
        Dispute.objects.filter(status=Dispute.Status.ESCALATED)
        .select_related("meeting__area", "meeting__unit", "opened_by__liaison", "closed_by")
        .prefetch_related(
            Prefetch("opened_by__confirmations", queryset=_confirmations().queryset),
            Prefetch(
                "meeting__disclosures",
                queryset=Disclosure.objects.select_related("officer").order_by("pk"),
            ),
            Prefetch("meeting__groups", queryset=CommunityGroup.objects.order_by("name")),
        )
        .order_by("-closed_at", "-pk")
    )


@dataclass
class ChangedField:
    label: str
    old: str
    new: str


@dataclass
class ChangesSince:
    """What the officers changed in a meeting since a moment, as the liaisons may see it."""

    fields: list[ChangedField] = field(default_factory=list)
    # The audit's keys of the changed fields ("summary", "disclosure: Sam Okafor", …).
    names: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def touches(self, *names: str) -> bool:
        return any(name in self.names for name in names)

    @property
    def concern_topics(self) -> bool:
        return self.touches(*Meeting.ConcernTopic.values, "concerns_needing_response")

    @property
    def passed_on(self) -> bool:
        return self.touches("passed_on", "community_told_passed_on")


def changes_since(*, meeting: Meeting, since: datetime) -> ChangesSince:
    """Every field the meeting's edits changed after `since`: first old → latest new.

    Police-only fields never appear: this is shown to the community's liaisons.
    """
    events = AuditEvent.objects.filter(
        meeting=meeting, action=AuditEvent.Action.UPDATE, at__gte=since
    ).order_by("at", "pk")
    first_old: dict[str, str] = {}
    latest_new: dict[str, str] = {}
    for changes in events.values_list("changes", flat=True):
        for name, (old, new) in changes.items():
            if name in Meeting.POLICE_ONLY_FIELDS:
                continue
            first_old.setdefault(name, old)
            latest_new[name] = new
    result = ChangesSince()
    for name, old in first_old.items():
        new = latest_new[name]
        if old == new:
            # Changed, then changed back: nothing for the liaison to check.
            continue
        result.fields.append(ChangedField(label=field_label(name), old=old, new=new))
        result.names.add(name)
    return result


def meeting_for_review(user: User, uuid) -> Meeting | None:
    """A meeting the user can see, with what the review form shows beside its questions."""
    return (
        meetings_visible_to(user)
        .select_related("area")
        .prefetch_related(
            Prefetch("groups", queryset=CommunityGroup.objects.order_by("name")),
            Prefetch(
                "disclosures",
                queryset=Disclosure.objects.select_related("officer").order_by("pk"),
            ),
        )
        .filter(uuid=uuid)
        .first()
    )
