"""Who is emailed when a follow-up changes or a meeting is disputed, what they are told,
and that email waits for the commit and for the worker: a mail server that refuses never
fails, slows or rolls back a save, and the task tries again later."""

import datetime
import logging
import signal
import socket
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from engagement.meetings import tasks
from engagement.meetings.models import DisclosureConfirmation, FollowUpAction, Meeting, Review
from engagement.meetings.services import follow_up as follow_up_services
from engagement.meetings.services.review import review_submit
from tests.factories import FollowUpFactory, MeetingFactory, make_liaison

LONDON = ZoneInfo("Europe/London")
NOW = datetime.datetime(2025, 6, 16, 10, tzinfo=LONDON)
TODAY = NOW.date()
SITE_URL = "https://engagement.example.org"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

INTERNAL_NOTE = "UNIQUE-INTERNAL-NOTE-7f3a"
PASSED_ON_REASON = "UNIQUE-PASSED-ON-REASON-91c2"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def addresses(officer, colleague, other_unit_officer, liaison, other_liaison):
    for user in (officer, colleague, other_unit_officer, liaison, other_liaison):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


@pytest.fixture
def immediate(settings):
    """Tasks run as they are enqueued: what the worker would send, sent now."""
    settings.TASKS = IMMEDIATE


@pytest.fixture
def secret_meeting(officer, colleague, unit, area, group):
    """Submitted; attended by `officer` and `colleague`; with police-only details."""
    return MeetingFactory(
        author=officer,
        unit=unit,
        area=area,
        groups=[group],
        officers=[officer, colleague],
        internal_notes=INTERNAL_NOTE,
        passed_on=True,
        community_told_passed_on=False,
        passed_on_kind=Meeting.PassedOnKind.INTELLIGENCE,
        passed_on_reason=PASSED_ON_REASON,
    )


@pytest.fixture
def action(secret_meeting, officer, group):
    return FollowUpFactory(
        meeting=secret_meeting, owner=officer, owed_to=group, description="Send the leaflet"
    )


def complete(action, officer, outcome="Leaflets delivered to the committee"):
    return follow_up_services.follow_up_complete(
        action=action,
        by=officer,
        outcome=outcome,
        completed_on=TODAY,
        expected_version=action.version,
    )


def dispute(meeting, liaison, *, accuracy=Review.Accuracy.INACCURATE, answer="yes"):
    return review_submit(
        meeting=meeting,
        by=liaison,
        accuracy=accuracy,
        trust_effect=Review.TrustEffect.WORSENED,
        comments="",
        confirmations={d.pk: answer for d in meeting.disclosures.all()},
        expected_version=meeting.version,
    )


def html_of(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_refuses(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 1
    settings.EMAIL_USE_TLS = False


def run_worker() -> None:
    """What `manage.py db_worker` does, until no task is ready, then back to the test."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    levels = {name: logging.getLogger(name).level for name in ("django_tasks", "django_tasks_db")}
    try:
        call_command(
            "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval=0", verbosity=0
        )
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


# Follow-up changes tell the liaisons of the group it is owed to.


def test_completing_an_action_emails_the_liaisons_of_its_group_after_commit(
    immediate, addresses, action, officer, liaison, django_capture_on_commit_callbacks
):
    second_liaison = make_liaison(action.owed_to, username="second", email="second@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        complete(action, officer)
        assert mail.outbox == []  # nothing is sent inside the transaction
    assert sorted(m.to[0] for m in mail.outbox) == [liaison.email, second_liaison.email]
    message = mail.outbox[0]
    assert message.subject == "Engagement Log: Marked done: Send the leaflet"
    link = SITE_URL + action.get_absolute_url()
    assert "Outcome: Leaflets delivered to the committee" in message.body
    assert link in message.body
    assert f'<a href="{link}">' in html_of(message)


def test_liaisons_of_other_groups_and_officers_are_not_told(
    immediate,
    addresses,
    action,
    officer,
    colleague,
    other_liaison,
    second_group,
    django_capture_on_commit_callbacks,
):
    make_liaison(second_group, username="second-group-liaison", email="sg@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        complete(action, officer)
    assert [m.to for m in mail.outbox] == [["liaison@example.org"]]


def _partly_done(action, officer):
    follow_up_services.follow_up_mark_partly_done(
        action=action,
        by=officer,
        remaining="Half the leaflets still to go",
        due_date=TODAY + datetime.timedelta(days=5),
        expected_version=action.version,
    )


def _cancel(action, officer):
    follow_up_services.follow_up_cancel(
        action=action, by=officer, reason="The group asked us to stop", expected_version=1
    )


def _report_back(action, officer):
    action = complete(action, officer)
    follow_up_services.follow_up_report_back(
        action=action, by=officer, reported_back_on=TODAY, expected_version=action.version
    )


def _reopen(action, officer):
    action = complete(action, officer)
    follow_up_services.follow_up_reopen(
        action=action,
        by=officer,
        reason="The leaflets went to the wrong hall",
        expected_version=action.version,
    )


@pytest.mark.parametrize(
    ("change", "subject", "says"),
    [
        (_partly_done, "Marked partly done", "What remains to be done: Half the leaflets"),
        (_cancel, "Cancelled", "Reason given: The group asked us to stop"),
        (_report_back, "Recorded as reported back", "whether the outcome really reached"),
        (_reopen, "Reopened", "Reason given: The leaflets went to the wrong hall"),
    ],
)
def test_every_change_of_state_says_what_happened(
    immediate,
    addresses,
    action,
    officer,
    liaison,
    change,
    subject,
    says,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        change(action, officer)
    last = mail.outbox[-1]
    assert last.to == [liaison.email]
    assert last.subject == f"Engagement Log: {subject}: Send the leaflet"
    assert says in last.body
    assert says in html_of(last)


def test_follow_up_email_never_carries_police_only_details(
    immediate, addresses, action, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complete(action, officer)
    [message] = mail.outbox
    for part in (message.subject, message.body, html_of(message)):
        assert INTERNAL_NOTE not in part
        assert PASSED_ON_REASON not in part
        assert Meeting.PassedOnKind.INTELLIGENCE.label not in part


def test_no_task_when_no_one_owed_it_has_an_address(
    action, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complete(action, officer)
    assert not DBTaskResult.objects.exists()


def test_a_rolled_back_save_enqueues_and_sends_nothing(
    immediate, addresses, action, officer, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="the request failed"),
        transaction.atomic(),
    ):
        complete(action, officer)
        raise RuntimeError("the request failed")
    assert callbacks == []
    assert mail.outbox == []
    assert FollowUpAction.objects.get(pk=action.pk).status == FollowUpAction.Status.OPEN


def test_the_task_waits_in_the_queue_for_the_worker(
    addresses, action, officer, liaison, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complete(action, officer)
    [queued] = DBTaskResult.objects.all()
    assert queued.status == TaskResultStatus.READY
    assert queued.task_path == "engagement.meetings.tasks.send_follow_up_changed"
    # Ids, never model instances, go into the queue.
    assert queued.args_kwargs["kwargs"] == {
        "action_id": action.pk,
        "transition": "complete",
        "recipient_ids": [liaison.pk],
    }
    assert mail.outbox == []


def test_someone_who_lost_access_before_the_worker_ran_is_not_told(
    addresses, action, officer, liaison, group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complete(action, officer)
    group.liaisons.remove(liaison)
    [queued] = DBTaskResult.objects.all()
    assert tasks.send_follow_up_changed.call(**queued.args_kwargs["kwargs"]) == 0
    assert mail.outbox == []


# Disputes tell the officers of the meeting.


def test_a_dispute_emails_the_author_and_the_officers_who_attended(
    immediate,
    addresses,
    secret_meeting,
    officer,
    colleague,
    other_unit_officer,
    liaison,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        dispute(secret_meeting, liaison, accuracy=Review.Accuracy.NEEDS_CORRECTIONS)
        assert mail.outbox == []
    assert sorted(m.to[0] for m in mail.outbox) == [colleague.email, officer.email]
    message = mail.outbox[0]
    assert message.subject.startswith("Engagement Log: Meeting disputed: ")
    assert "Amina Rahman, a community liaison for Northfield Mosque Committee" in message.body
    assert "Is the record accurate? Needs corrections" in message.body
    link = SITE_URL + secret_meeting.get_absolute_url()
    assert link in message.body
    assert f'<a href="{link}">' in html_of(message)


def test_a_dispute_email_shows_each_officers_answer_and_no_police_only_details(
    immediate, addresses, secret_meeting, liaison, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dispute(
            secret_meeting,
            liaison,
            accuracy=Review.Accuracy.ACCURATE,
            answer=DisclosureConfirmation.Answer.PARTLY,
        )
    message = mail.outbox[0]
    assert 'Sam Okafor: recorded as "Full' in message.body
    assert 'the community answered "Partly"' in message.body
    for part in (message.subject, message.body, html_of(message)):
        assert INTERNAL_NOTE not in part
        assert PASSED_ON_REASON not in part
        assert Meeting.PassedOnKind.INTELLIGENCE.label not in part


def test_a_confirming_review_emails_no_one(
    immediate, addresses, secret_meeting, liaison, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dispute(secret_meeting, liaison, accuracy=Review.Accuracy.ACCURATE)
    assert Meeting.objects.get(pk=secret_meeting.pk).status == Meeting.Status.REVIEWED
    assert mail.outbox == []


# A mail server that refuses: the save stands, the worker tries again later.


@pytest.mark.django_db(transaction=True)
def test_smtp_outage_never_fails_or_rolls_back_a_save(
    smtp_refuses, addresses, action, officer, liaison
):
    saved = complete(action, officer)  # autocommit: the save commits, then the task is queued

    assert FollowUpAction.objects.get(pk=action.pk).status == FollowUpAction.Status.DONE
    assert saved.version == 2
    [queued] = DBTaskResult.objects.all()
    assert queued.status == TaskResultStatus.READY  # queued, not sent, in the request

    run_worker()

    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.FAILED
    assert queued.exception_class_path == "engagement.meetings.tasks.EmailNotSent"
    [retry] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"] == {
        "action_id": action.pk,
        "transition": "complete",
        "recipient_ids": [liaison.pk],
        "attempt": 2,
    }
    assert retry.run_after == NOW + tasks.RETRY_DELAYS[0]
    assert mail.outbox == []
    assert FollowUpAction.objects.get(pk=action.pk).status == FollowUpAction.Status.DONE


@pytest.mark.django_db(transaction=True)
def test_the_retry_sends_once_the_mail_server_is_back(
    smtp_refuses, settings, time_machine, addresses, action, officer, liaison
):
    complete(action, officer)
    run_worker()
    assert mail.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_worker()  # the retry waits for its time
    assert mail.outbox == []

    time_machine.move_to(NOW + tasks.RETRY_DELAYS[0], tick=False)
    run_worker()
    assert [m.to for m in mail.outbox] == [[liaison.email]]
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


@pytest.mark.django_db(transaction=True)
def test_retries_stop_after_the_last_attempt(
    smtp_refuses, time_machine, addresses, action, officer
):
    complete(action, officer)
    moment = NOW
    for delay in (datetime.timedelta(0), *tasks.RETRY_DELAYS, datetime.timedelta(days=1)):
        moment += delay
        time_machine.move_to(moment, tick=False)
        run_worker()
    attempts = DBTaskResult.objects.all()
    assert sorted(t.args_kwargs["kwargs"].get("attempt", 1) for t in attempts) == [1, 2, 3, 4, 5]
    assert {t.status for t in attempts} == {TaskResultStatus.FAILED}
    assert len(tasks.RETRY_DELAYS) == tasks.MAX_ATTEMPTS - 1


def test_only_the_people_not_reached_are_tried_again(
    settings, addresses, action, officer, liaison, monkeypatch
):
    second = make_liaison(action.owed_to, username="second", email="second@example.org")
    sent = []

    def send_messages(self, messages):
        if messages[0].to == [liaison.email]:
            raise ConnectionResetError("the server hung up")
        sent.extend(messages)
        return 1

    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", send_messages
    )
    with pytest.raises(tasks.EmailNotSent, match="attempt 1 of 5"):
        tasks.send_follow_up_changed.call(
            action_id=action.pk, transition="complete", recipient_ids=[liaison.pk, second.pk]
        )
    assert [m.to for m in sent] == [[second.email]]
    [retry] = DBTaskResult.objects.all()
    assert retry.args_kwargs["kwargs"]["recipient_ids"] == [liaison.pk]
