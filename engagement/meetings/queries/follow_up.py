"""Reads of follow-up actions: the list, one action's page, its history and its answers.

Every read starts from `follow_ups_visible_to` (in queries/meeting.py, beside the meeting
visibility it is built on), so who may see an action is decided once.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet

from engagement.accounts.models import User
from engagement.accounts.queries import unit_id_of
from engagement.audit.models import AuditEvent
from engagement.audit.queries import field_label
from engagement.meetings.models import FollowUpAction, Meeting, ReportBackConfirmation
from engagement.meetings.queries.meeting import follow_ups_visible_to

# How the services name a follow-up action in the audit log.
RECORD_KIND = "followupaction"
PROMISED_TITLE = "Promised at the meeting"
CHANGED_ON_MEETING_TITLE = "Changed on the meeting record"


@dataclass
class FollowUpHistoryEntry:
    event: AuditEvent
    title: str
    changes: list[tuple[str, str, str]]
    reason: str = ""


def _answers() -> Prefetch:
    return Prefetch(
        "report_back_confirmations",
        queryset=ReportBackConfirmation.objects.select_related("liaison").order_by(
            "created_at", "pk"
        ),
    )


def follow_up_list(user: User) -> QuerySet[FollowUpAction]:
    """Visible actions with what a list row shows; withdrawn meetings' actions left out."""
    return (
        follow_ups_visible_to(user)
        .exclude(meeting__status=Meeting.Status.WITHDRAWN)
        .select_related("meeting", "owner", "owed_to")
        .prefetch_related(_answers())
    )


def follow_up_for_page(user: User, uuid: UUID | str) -> FollowUpAction | None:
    return (
        follow_ups_visible_to(user)
        .select_related("meeting", "owner", "owed_to")
        .prefetch_related(_answers())
        .filter(uuid=uuid)
        .first()
    )


def mine(queryset: QuerySet[FollowUpAction], *, user: User) -> QuerySet[FollowUpAction]:
    return queryset.filter(owner=user)


def of_my_unit(queryset: QuerySet[FollowUpAction], *, user: User) -> QuerySet[FollowUpAction]:
    """Actions promised at the meetings of the officer's own unit."""
    unit_id = unit_id_of(user)
    return queryset.filter(meeting__unit_id=unit_id) if unit_id else queryset.none()


def overdue(queryset: QuerySet[FollowUpAction], *, today: date) -> QuerySet[FollowUpAction]:
    """Still owed (open or partly done) and past the due date: the model's `is_overdue`."""
    return queryset.filter(status__in=FollowUpAction.OUTSTANDING_STATUSES, due_date__lt=today)


def answers_to_latest_report_back(action: FollowUpAction) -> list[ReportBackConfirmation]:
    """The liaisons' answers about the report-back now recorded; none is not a yes.

    Reads the prefetched answers, so a list page costs no query per row.
    """
    if action.reported_back_on is None:
        return []
    return [
        answer
        for answer in action.report_back_confirmations.all()
        if answer.follow_up_version == action.version
    ]


def with_latest_answers(actions: Iterable[FollowUpAction]) -> list[FollowUpAction]:
    """The actions, each carrying `latest_answers` for the template to show."""
    rows = list(actions)
    for action in rows:
        # Per row, for the template; set, not a model field, so it is never saved.
        setattr(action, "latest_answers", answers_to_latest_report_back(action))  # noqa: B010
    return rows


def follow_up_history(*, action: FollowUpAction) -> list[FollowUpHistoryEntry]:
    """What happened to the action, newest first, with the reasons given; reads left out.

    Its own events (done, reported back, cancelled, the group's answers…) and the
    meeting saves that created or changed it, showing only the change to this action.
    """
    meeting_key = f"follow-up {action.uuid}"
    events = (
        AuditEvent.objects.filter(
            Q(record_kind=RECORD_KIND, record_id=str(action.uuid))
            | Q(meeting_id=action.meeting_id, changes__has_key=meeting_key)
        )
        .exclude(action=AuditEvent.Action.VIEW)
        .select_related("actor")
        .order_by("-at", "-pk")
    )
    entries = []
    for event in events:
        if event.record_kind == RECORD_KIND:
            changes = [(field_label(name), old, new) for name, (old, new) in event.changes.items()]
            entries.append(
                FollowUpHistoryEntry(
                    event=event,
                    title=event.get_action_display(),
                    changes=changes,
                    reason=event.reason,
                )
            )
        else:
            # A save of the meeting: the rest of what it changed, and its reason, belong to
            # the meeting's own history (some of it police only).
            old, new = event.changes[meeting_key]
            entries.append(
                FollowUpHistoryEntry(
                    event=event,
                    title=CHANGED_ON_MEETING_TITLE if old else PROMISED_TITLE,
                    changes=[("What was promised", old, new)],
                )
            )
    return entries
