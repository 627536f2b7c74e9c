"""Who is told when something owed to them changes: enqueued after commit, sent by a worker.

Email never goes out inside a person's request, and an SMTP outage never fails, slows
or rolls back a save: a hook only asks, once the save has committed, for a task
(engagement.meetings.tasks) that the worker (`manage.py db_worker`) runs and retries.

Every email is built from what its reader may open (the visibility queries decide who
is told, and about what), says what happened and links to it. None carries internal
notes or the police-only passed-on details.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from engagement import clock
from engagement.accounts.models import Role, User
from engagement.audit.models import AuditEvent
from engagement.meetings.models import FollowUpAction, Meeting, ReminderSent, Review
from engagement.meetings.queries.home import awaiting_review_by, outstanding_follow_ups_of
from engagement.meetings.queries.meeting import follow_ups_visible_to, meetings_visible_to
from engagement.meetings.services.transitions import FOLLOW_UP_TRANSITIONS, Transition

# send_reminders: an officer's actions due within this many days (and overdue); a
# liaison's meetings waiting longer than this many days for their review.
DUE_WITHIN_DAYS = 3
REVIEW_WAITING_DAYS = 7

SUBJECT_PREFIX = "Engagement Log: "


# The hooks the services call, inside their transaction.


def meeting_disputed(*, meeting: Meeting, review: Review) -> None:
    """Tell the meeting's author, and the officers who attended it, that a liaison disputed it."""
    if clock.is_replaying():
        return  # seed_demo replaying the past: nobody is told about last year today.
    review_id = review.pk

    def enqueue() -> None:
        from engagement.meetings import tasks

        review = Review.objects.select_related("meeting").get(pk=review_id)
        recipient_ids = [user.pk for user in dispute_recipients(review.meeting)]
        if recipient_ids:
            tasks.send_meeting_disputed.enqueue(review_id=review_id, recipient_ids=recipient_ids)

    transaction.on_commit(enqueue, robust=True)


def follow_up_changed(*, action: FollowUpAction, transition: Transition) -> None:
    """Tell the liaisons of the group an action is owed to that its state changed."""
    if clock.is_replaying():
        return
    action_id, name = action.pk, transition.name

    def enqueue() -> None:
        from engagement.meetings import tasks

        action = FollowUpAction.objects.select_related("meeting", "owed_to").get(pk=action_id)
        recipient_ids = [user.pk for user in follow_up_recipients(action)]
        if recipient_ids:
            tasks.send_follow_up_changed.enqueue(
                action_id=action_id, transition=name, recipient_ids=recipient_ids
            )

    transaction.on_commit(enqueue, robust=True)


# Who is told: people with an address, each only about a record they may open.


def _reachable(users: QuerySet[User]) -> QuerySet[User]:
    return users.filter(is_active=True).exclude(email="").distinct().order_by("pk")


def _who_may_open(
    users: QuerySet[User], visible_to: Callable[[User], QuerySet], record
) -> list[User]:
    return [user for user in users if visible_to(user).filter(pk=record.pk).exists()]


def dispute_recipients(meeting: Meeting) -> list[User]:
    """The meeting's author and the officers who attended it."""
    officers = User.objects.filter(groups__name=Role.OFFICER).filter(
        Q(pk=meeting.author_id) | Q(disclosures__meeting=meeting)
    )
    return _who_may_open(_reachable(officers), meetings_visible_to, meeting)


def follow_up_recipients(action: FollowUpAction) -> list[User]:
    """The liaisons of the group the action is owed to."""
    liaisons = action.owed_to.liaisons.filter(groups__name=Role.LIAISON)
    return _who_may_open(_reachable(liaisons), follow_ups_visible_to, action)


# What they are told.


def absolute_url(record) -> str:
    return settings.SITE_URL + record.get_absolute_url()


def _email(*, to: User, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    context = {**context, "recipient": to, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        # One line, however the record's text was typed.
        subject=" ".join((SUBJECT_PREFIX + subject).split()),
        body=render_to_string(f"emails/{template}.txt", context),
        to=[to.email],
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    return message


def follow_up_changed_email(
    *, action: FollowUpAction, transition: Transition, to: User
) -> EmailMultiAlternatives:
    what = AuditEvent.Action(transition.action).label
    reason = ""
    if "reason" in transition.requires:
        event = (
            AuditEvent.objects.filter(
                record_kind="followupaction", record_id=str(action.uuid), action=transition.action
            )
            .order_by("-at", "-pk")
            .first()
        )
        reason = event.reason if event else ""
    return _email(
        to=to,
        subject=f"{what}: {action.description}",
        template="follow_up_changed",
        context={
            "action": action,
            "what": what,
            "reason": reason,
            "ask_to_confirm": transition.name == "report_back",
            "url": absolute_url(action),
        },
    )


@dataclass(frozen=True)
class ConfirmationRow:
    officer: User
    recorded: str
    answer: str


def meeting_disputed_email(*, review: Review, to: User) -> EmailMultiAlternatives:
    meeting = review.meeting
    rows = [
        ConfirmationRow(
            officer=c.disclosure.officer,
            recorded=c.disclosure.get_level_display(),
            answer=c.get_answer_display(),
        )
        for c in review.confirmations.select_related("disclosure__officer").order_by(
            "disclosure__pk"
        )
    ]
    return _email(
        to=to,
        subject=f"Meeting disputed: {meeting}",
        template="meeting_disputed",
        context={
            "meeting": meeting,
            "review": review,
            "groups": ", ".join(group.name for group in meeting.groups.order_by("name")),
            "confirmations": rows,
            "url": absolute_url(meeting),
        },
    )


def load_follow_up_change(action_id: int, transition_name: str):
    """The action and its transition for the task, or (None, None) if either is gone."""
    action = (
        FollowUpAction.objects.select_related("meeting", "owed_to", "owner")
        .filter(pk=action_id)
        .first()
    )
    return action, FOLLOW_UP_TRANSITIONS.get(transition_name)


# Reminders: send_reminders runs daily; at most one email a person a day.


@dataclass(frozen=True)
class FollowUpRow:
    action: FollowUpAction
    overdue: bool
    url: str


@dataclass(frozen=True)
class ReviewRow:
    meeting: Meeting
    groups: str
    days_waiting: int
    url: str


@dataclass(frozen=True)
class Reminder:
    recipient: User
    follow_ups: list[FollowUpRow]
    reviews: list[ReviewRow]
    due_within: int

    def __bool__(self) -> bool:
        return bool(self.follow_ups or self.reviews)


def _due_by(today: date, due_within: int) -> date:
    return today + timedelta(days=due_within)


def _submitted_before(now: datetime, waiting_over: int) -> datetime:
    return now - timedelta(days=waiting_over)


def follow_ups_due_for(officer: User, *, today: date, due_within: int) -> list[FollowUpRow]:
    """The officer's outstanding actions overdue or due within `due_within` days."""
    actions = outstanding_follow_ups_of(officer).filter(due_date__lte=_due_by(today, due_within))
    return [
        FollowUpRow(action=a, overdue=a.is_overdue(today), url=absolute_url(a)) for a in actions
    ]


def reviews_waiting_for(liaison: User, *, now: datetime, waiting_over: int) -> list[ReviewRow]:
    """Meetings of the liaison's groups submitted over `waiting_over` days ago and not yet
    reviewed by them at their current version."""
    meetings = awaiting_review_by(liaison).filter(
        first_submitted_at__lt=_submitted_before(now, waiting_over)
    )
    today = timezone.localdate(now)
    return [
        ReviewRow(
            meeting=m,
            groups=", ".join(group.name for group in m.groups.all()),
            days_waiting=(today - timezone.localdate(m.first_submitted_at)).days,
            url=absolute_url(m),
        )
        for m in meetings
    ]


def reminder_for(user: User, *, now: datetime, due_within: int, waiting_over: int) -> Reminder:
    today = timezone.localdate(now)
    follow_ups = (
        follow_ups_due_for(user, today=today, due_within=due_within)
        if user.role == Role.OFFICER
        else []
    )
    reviews = (
        reviews_waiting_for(user, now=now, waiting_over=waiting_over)
        if user.role == Role.LIAISON
        else []
    )
    return Reminder(recipient=user, follow_ups=follow_ups, reviews=reviews, due_within=due_within)


def reminders_due(*, now: datetime, due_within: int, waiting_over: int) -> list[Reminder]:
    """Everyone with something to be reminded of who has had no reminder today."""
    today = timezone.localdate(now)
    due = FollowUpAction.objects.filter(
        owner=OuterRef("pk"),
        status__in=FollowUpAction.OUTSTANDING_STATUSES,
        due_date__lte=_due_by(today, due_within),
    ).exclude(meeting__status=Meeting.Status.WITHDRAWN)
    waiting = Meeting.objects.filter(
        groups__liaisons=OuterRef("pk"),
        status=Meeting.Status.SUBMITTED,
        first_submitted_at__lt=_submitted_before(now, waiting_over),
    )
    already = ReminderSent.objects.filter(recipient=OuterRef("pk"), day=today)
    candidates = _reachable(
        User.objects.filter(
            Q(Exists(due), groups__name=Role.OFFICER)
            | Q(Exists(waiting), groups__name=Role.LIAISON)
        ).exclude(Exists(already))
    )
    reminders = (
        reminder_for(user, now=now, due_within=due_within, waiting_over=waiting_over)
        for user in candidates
    )
    return [reminder for reminder in reminders if reminder]


def send_reminders(
    *,
    now: datetime,
    due_within: int = DUE_WITHIN_DAYS,
    waiting_over: int = REVIEW_WAITING_DAYS,
    dry_run: bool = False,
) -> list[Reminder]:
    """Record and enqueue today's reminders; the ones recorded (or, dry, that would be)."""
    reminders = reminders_due(now=now, due_within=due_within, waiting_over=waiting_over)
    if dry_run:
        return reminders
    today = timezone.localdate(now)
    sent = []
    for reminder in reminders:
        with transaction.atomic():
            _, created = ReminderSent.objects.get_or_create(
                recipient=reminder.recipient,
                day=today,
                defaults={
                    "follow_up_count": len(reminder.follow_ups),
                    "review_count": len(reminder.reviews),
                },
            )
            if not created:  # another run got there first
                continue
            _enqueue_reminder_on_commit(
                reminder.recipient.pk, now=now, due_within=due_within, waiting_over=waiting_over
            )
        sent.append(reminder)
    return sent


def _enqueue_reminder_on_commit(
    user_id: int, *, now: datetime, due_within: int, waiting_over: int
) -> None:
    def enqueue() -> None:
        from engagement.meetings import tasks

        tasks.send_reminder.enqueue(
            user_id=user_id,
            now=now.isoformat(),
            due_within=due_within,
            waiting_over=waiting_over,
        )

    transaction.on_commit(enqueue, robust=True)


def reminder_email(reminder: Reminder) -> EmailMultiAlternatives:
    counts = []
    if reminder.follow_ups:
        overdue = sum(row.overdue for row in reminder.follow_ups)
        counts.append(
            f"{len(reminder.follow_ups)} follow-up action"
            f"{'s' if len(reminder.follow_ups) != 1 else ''} due"
            + (f", {overdue} overdue" if overdue else "")
        )
    if reminder.reviews:
        counts.append(
            f"{len(reminder.reviews)} meeting{'s' if len(reminder.reviews) != 1 else ''} "
            "waiting for your review"
        )
    return _email(
        to=reminder.recipient,
        subject="; ".join(counts),
        template="reminder",
        context={
            "overdue": [row for row in reminder.follow_ups if row.overdue],
            "due_soon": [row for row in reminder.follow_ups if not row.overdue],
            "reviews": reminder.reviews,
            "due_within": reminder.due_within,
        },
    )
