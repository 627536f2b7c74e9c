"""'My work': what each person should do next, by role. Every read starts from the
visibility function of its record kind."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from engagement.accounts.models import User
from engagement.meetings.models import (
    Disclosure,
    Dispute,
    FollowUpAction,
    Meeting,
    ReportBackConfirmation,
    Review,
)
from engagement.meetings.queries.meeting import follow_ups_visible_to, meetings_visible_to


def drafts_of(user: User) -> QuerySet[Meeting]:
    return (
        meetings_visible_to(user)
        .filter(author=user, status=Meeting.Status.DRAFT)
        .select_related("area")
        .prefetch_related("groups")
        .order_by("-updated_at")
    )


def disputes_for(user: User) -> QuerySet[Meeting]:
    """Disputed meetings an officer wrote or attended: theirs to answer, oldest first."""
    attended = Exists(Disclosure.objects.filter(meeting_id=OuterRef("pk"), officer=user))
    return (
        meetings_visible_to(user)
        .filter(status=Meeting.Status.DISPUTED)
        .filter(Q(author=user) | attended)
        .select_related("area")
        .prefetch_related("groups")
        .order_by("date", "pk")
    )


def outstanding_follow_ups_of(user: User) -> QuerySet[FollowUpAction]:
    """Actions an officer owns that are still owed, due soonest first."""
    return (
        follow_ups_visible_to(user)
        .filter(owner=user, status__in=FollowUpAction.OUTSTANDING_STATUSES)
        .exclude(meeting__status=Meeting.Status.WITHDRAWN)
        .select_related("meeting", "owed_to")
        .order_by("due_date", "pk")
    )


def awaiting_review_by(liaison: User) -> QuerySet[Meeting]:
    """Submitted meetings of the liaison's groups they have not reviewed, oldest first;
    not one disposed of at retention review, which no one can review."""
    reviewed = Exists(
        Review.objects.filter(
            meeting_id=OuterRef("pk"), liaison=liaison, meeting_version=OuterRef("version")
        )
    )
    return (
        meetings_visible_to(liaison)
        .filter(status=Meeting.Status.SUBMITTED, disposed_at=None)
        .exclude(reviewed)
        .select_related("area")
        .prefetch_related("groups")
        .order_by("first_submitted_at", "pk")
    )


def disputes_raised_by(liaison: User) -> QuerySet[Dispute]:
    """Disputes the liaison's reviews opened, newest first, and where each stands."""
    return (
        Dispute.objects.filter(opened_by__liaison=liaison, meeting__in=meetings_visible_to(liaison))
        .select_related("meeting")
        .order_by("-opened_at", "-pk")
    )


def follow_ups_owed_to_groups_of(liaison: User) -> QuerySet[FollowUpAction]:
    """Outstanding actions owed to the liaison's groups, due soonest first."""
    return (
        follow_ups_visible_to(liaison)
        .filter(status__in=FollowUpAction.OUTSTANDING_STATUSES)
        .select_related("meeting", "owed_to", "owner")
        .order_by("due_date", "pk")
    )


def report_backs_to_confirm(liaison: User) -> QuerySet[FollowUpAction]:
    """Done actions reported back to the liaison's groups that they have not answered."""
    answered = Exists(
        ReportBackConfirmation.objects.filter(
            follow_up_id=OuterRef("pk"),
            liaison=liaison,
            follow_up_version=OuterRef("version"),
        )
    )
    return (
        follow_ups_visible_to(liaison)
        .filter(status=FollowUpAction.Status.DONE, reported_back_on__isnull=False)
        .exclude(answered)
        .select_related("meeting", "owed_to", "owner")
        .order_by("reported_back_on", "pk")
    )


def escalated_disputes() -> QuerySet[Dispute]:
    """For admins: disputes escalated to them, newest first."""
    return (
        Dispute.objects.filter(status=Dispute.Status.ESCALATED)
        .select_related("meeting")
        .order_by("-closed_at", "-pk")
    )
