"""Reads of meetings and follow-ups, starting with who may see what.

Every view and export reaches a meeting through `meetings_visible_to`, so the rule lives
here once: officers see their unit's meetings (and any they attended), liaisons the
submitted meetings of their groups, admins everything.
"""

from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from engagement.accounts.models import Role, User
from engagement.accounts.queries import unit_id_of
from engagement.community.models import CommunityGroup
from engagement.meetings.models import Disclosure, FollowUpAction, Meeting
from engagement.pagination import Key

# Visibility answers for anyone, signed in or not: the signed-out see nothing.
AnyUser = User | AnonymousUser


def _role(user: AnyUser) -> Role | None:
    return user.role if user.is_authenticated else None


_ATTENDED_ELSEWHERE = "_meetings_attended_elsewhere"


def _attended_elsewhere(officer: User, unit_id: int | None) -> list[int]:
    """The meetings outside the officer's unit that they attended: few or none.

    Read once per account object and kept on it, as Django keeps the profile (and so the
    unit): the signed-in user is loaded afresh for each request, and no request of an
    officer's makes them attend another unit's meeting.
    """
    known = getattr(officer, _ATTENDED_ELSEWHERE, None)
    if known is None:
        attended = (
            Disclosure.objects.filter(officer=officer)
            .order_by()
            .values_list("meeting_id", flat=True)
        )
        if unit_id is not None:
            # A difference of two index-only reads, where excluding through a join would
            # fetch each attended meeting's row to read its unit.
            in_unit = (
                Meeting.objects.filter(unit_id=unit_id).order_by().values_list("pk", flat=True)
            )
            attended = attended.difference(in_unit)
        known = list(attended)
        setattr(officer, _ATTENDED_ELSEWHERE, known)
    return known


def _seen_by_officer(officer: User) -> Q:
    """The unit's meetings, and any the officer attended elsewhere, as two plain values.

    Read first and written into the query as values: `unit_id = X` alone lets the
    database walk the unit's index in the list's order and stop at a page, where
    `unit_id = X OR EXISTS (...)` made it filter the nation's meetings row by row.
    """
    unit_id = unit_id_of(officer)
    elsewhere = _attended_elsewhere(officer, unit_id)
    in_unit = Q(unit_id=unit_id) if unit_id is not None else Q(pk__in=[])
    return in_unit | Q(pk__in=elsewhere) if elsewhere else in_unit


def _involves_groups_of(liaison: User) -> Exists:
    return Exists(
        Meeting.groups.through.objects.filter(
            meeting_id=OuterRef("pk"), communitygroup__liaisons=liaison
        )
    )


def meetings_visible_to(user: AnyUser) -> QuerySet[Meeting]:
    meetings = Meeting.objects.all()
    if not isinstance(user, User):
        return meetings.none()
    role = user.role
    if role == Role.ADMIN:
        return meetings
    if role == Role.OFFICER:
        return meetings.filter(_seen_by_officer(user))
    if role == Role.LIAISON:
        return meetings.filter(status__in=Meeting.IN_SCOPE_STATUSES).filter(
            _involves_groups_of(user)
        )
    return meetings.none()


def meetings_editable_by(user: AnyUser) -> QuerySet[Meeting]:
    """Officers correct their unit's meetings until a liaison has reviewed them."""
    if _role(user) != Role.OFFICER:
        return Meeting.objects.none()
    return meetings_visible_to(user).filter(status__in=Meeting.EDITABLE_STATUSES)


def can_edit(user: User, meeting: Meeting) -> bool:
    """For a meeting already fetched through meetings_visible_to: no second query."""
    return _role(user) == Role.OFFICER and meeting.is_editable


def can_see_internal_notes(user: AnyUser) -> bool:
    return _role(user) in (Role.OFFICER, Role.ADMIN)


def follow_ups_visible_to(user: AnyUser) -> QuerySet[FollowUpAction]:
    actions = FollowUpAction.objects.all()
    if not isinstance(user, User):
        return actions.none()
    role = user.role
    if role == Role.ADMIN:
        return actions
    if role == Role.OFFICER:
        return actions.filter(meeting__in=meetings_visible_to(user))
    if role == Role.LIAISON:
        return actions.filter(owed_to__liaisons=user, meeting__status__in=Meeting.IN_SCOPE_STATUSES)
    return actions.none()


# The meetings list's orders, each served by an index of the same keys (see Meeting.Meta;
# oldest first reads the newest-first index backwards). No sort by area's name: no index
# can serve an order taken from another table, and the list filters by area instead.
LIST_ORDERS: dict[str, list[Key]] = {
    "-date": [
        Key("date", descending=True),
        Key("start_time", descending=True, nullable=True),
        Key("pk", descending=True),
    ],
    "date": [Key("date"), Key("start_time", nullable=True), Key("pk")],
    "purpose": [Key("purpose"), Key("date", descending=True), Key("pk")],
    "status": [Key("status"), Key("date", descending=True), Key("pk")],
}
DEFAULT_LIST_ORDER = "-date"


def meeting_list(user: AnyUser) -> QuerySet[Meeting]:
    """Visible meetings with what a list row shows, in a fixed number of queries."""
    return (
        meetings_visible_to(user)
        .defer("search")  # the search vector: never shown, and large
        .select_related("area", "unit", "author")
        .prefetch_related(Prefetch("groups", queryset=CommunityGroup.objects.order_by("name")))
    )


def meeting_for_detail(user: AnyUser, uuid: UUID) -> Meeting | None:
    meeting = (
        meetings_visible_to(user)
        .select_related("area", "unit", "author")
        .prefetch_related(
            Prefetch("groups", queryset=CommunityGroup.objects.order_by("name")),
            Prefetch(
                "disclosures",
                queryset=Disclosure.objects.select_related("officer__officer_profile"),
            ),
            Prefetch(
                "follow_ups",
                queryset=FollowUpAction.objects.select_related("owner", "owed_to"),
            ),
        )
        .filter(uuid=uuid)
        .first()
    )
    return meeting
