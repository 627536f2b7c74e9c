"""Email sent by the task worker (`manage.py db_worker`), never inside a request.

Each task is given ids, loads what it needs, and builds each email from what its reader
may open now (engagement.meetings.notifications). The backport has no retries of its
own, so when the mail server fails a task enqueues itself again for the people it could
not reach, after a growing delay, at most MAX_ATTEMPTS times in all.
"""

import contextlib
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from engagement.accounts.models import User
from engagement.meetings import notifications
from engagement.meetings.models import Review

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# The wait before attempt 2, 3, 4 and 5.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)


class EmailNotSent(Exception):
    """The mail server refused or could not be reached; the task's result records it."""


def deliver(messages: Mapping[int, EmailMessage]) -> list[int]:
    """Send each person's message over one connection; the ids of those not reached.

    A refused or unreachable server is an OSError (smtplib's errors included): it fails
    the messages it touches, never the caller.
    """
    if not messages:
        return []
    connection = get_connection()
    try:
        connection.open()
    except OSError as error:
        logger.warning("Could not connect to the mail server: %s", error)
        return list(messages)
    failed = []
    try:
        for user_id, message in messages.items():
            try:
                connection.send_messages([message])
            except OSError as error:
                logger.warning("Could not send email to user %s: %s", user_id, error)
                failed.append(user_id)
    finally:
        with contextlib.suppress(OSError):
            connection.close()
    return failed


def retry_or_give_up(the_task: Task, *, attempt: int, failed: list[int], **kwargs) -> None:
    """Enqueue the next attempt for the people not reached, then fail this attempt."""
    if attempt >= MAX_ATTEMPTS:
        logger.error(
            "Gave up emailing users %s after %s attempts (%s).", failed, attempt, the_task.name
        )
        raise EmailNotSent(f"Not sent to users {failed} after {attempt} attempts; giving up.")
    delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
    retry = the_task
    if the_task.get_backend().supports_defer:
        retry = the_task.using(run_after=timezone.now() + delay)
    retry.enqueue(**kwargs, attempt=attempt + 1)
    raise EmailNotSent(
        f"Not sent to users {failed} (attempt {attempt} of {MAX_ATTEMPTS}); retrying in {delay}."
    )


def _recipients(users: list[User], recipient_ids: list[int]) -> list[User]:
    """Those asked for who may still be told: a person who has lost access is not."""
    wanted = set(recipient_ids)
    return [user for user in users if user.pk in wanted]


@task()
def send_follow_up_changed(
    *, action_id: int, transition: str, recipient_ids: list[int], attempt: int = 1
) -> int:
    """Tell the liaisons of the group it is owed to that a follow-up action changed."""
    action, change = notifications.load_follow_up_change(action_id, transition)
    if action is None or change is None:
        return 0
    recipients = _recipients(notifications.follow_up_recipients(action), recipient_ids)
    messages = {
        user.pk: notifications.follow_up_changed_email(action=action, transition=change, to=user)
        for user in recipients
    }
    failed = deliver(messages)
    if failed:
        retry_or_give_up(
            send_follow_up_changed,
            attempt=attempt,
            failed=failed,
            action_id=action_id,
            transition=transition,
            recipient_ids=failed,
        )
    return len(messages)


@task()
def send_meeting_disputed(*, review_id: int, recipient_ids: list[int], attempt: int = 1) -> int:
    """Tell the meeting's author and attending officers that a liaison disputed it."""
    review = Review.objects.select_related("meeting", "liaison").filter(pk=review_id).first()
    if review is None:
        return 0
    recipients = _recipients(notifications.dispute_recipients(review.meeting), recipient_ids)
    messages = {
        user.pk: notifications.meeting_disputed_email(review=review, to=user) for user in recipients
    }
    failed = deliver(messages)
    if failed:
        retry_or_give_up(
            send_meeting_disputed,
            attempt=attempt,
            failed=failed,
            review_id=review_id,
            recipient_ids=failed,
        )
    return len(messages)


@task()
def send_reminder(
    *, user_id: int, now: str, due_within: int, waiting_over: int, attempt: int = 1
) -> int:
    """One person's daily reminder, as of the moment send_reminders ran (`now`)."""
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return 0
    reminder = notifications.reminder_for(
        user,
        now=datetime.fromisoformat(now),
        due_within=due_within,
        waiting_over=waiting_over,
    )
    if not reminder:  # all done since
        return 0
    failed = deliver({user.pk: notifications.reminder_email(reminder)})
    if failed:
        retry_or_give_up(
            send_reminder,
            attempt=attempt,
            failed=failed,
            user_id=user_id,
            now=now,
            due_within=due_within,
            waiting_over=waiting_over,
        )
    return 1
