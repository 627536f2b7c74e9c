"""`manage.py send_reminders`: each officer their actions overdue or due within 3 days,
each liaison their reviews waiting over 7 days; once a person a day however often it
runs, to the right people only, never with police-only details; and disputes lapse."""

import datetime
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import CommandError, call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from engagement.meetings import tasks
from engagement.meetings.management.commands import send_reminders as command
from engagement.meetings.models import Dispute, FollowUpAction, Meeting, ReminderSent
from tests.factories import FollowUpFactory, MeetingFactory, ReviewFactory, make_liaison

LONDON = ZoneInfo("Europe/London")
NOW = datetime.datetime(2025, 6, 16, 10, tzinfo=LONDON)
TODAY = NOW.date()
SITE_URL = "https://engagement.example.org"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
INTERNAL_NOTE = "UNIQUE-INTERNAL-NOTE-c41d"
PASSED_ON_REASON = "UNIQUE-PASSED-ON-REASON-5be0"


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def addresses(officer, colleague, other_unit_officer, liaison, other_liaison):
    for user in (officer, colleague, other_unit_officer, liaison, other_liaison):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the command as cron would; what it printed. Queued email is sent on commit."""

    def run(*args: str) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", *args, stdout=out)
        return out.getvalue()

    return run


def police_only(**kwargs):
    return {
        "internal_notes": INTERNAL_NOTE,
        "passed_on": True,
        "community_told_passed_on": False,
        "passed_on_kind": Meeting.PassedOnKind.PREVENT,
        "passed_on_reason": PASSED_ON_REASON,
    } | kwargs


@pytest.fixture
def unit_meeting(officer, unit, area, group):
    return MeetingFactory(
        author=officer, unit=unit, area=area, groups=[group], officers=[officer], **police_only()
    )


@pytest.fixture
def actions(unit_meeting, officer, group):
    """What `officer` owes, by name; only `overdue`, `due_today`, `due_in_3` and
    `partly_done_in_2` are due for a reminder today."""

    def make(description, due_in, **kwargs):
        return FollowUpFactory(
            meeting=kwargs.pop("meeting", unit_meeting),
            owner=officer,
            owed_to=group,
            description=description,
            due_date=TODAY + days(due_in),
            **kwargs,
        )

    withdrawn = MeetingFactory(
        author=officer,
        unit=unit_meeting.unit,
        area=unit_meeting.area,
        groups=[group],
        status=Meeting.Status.WITHDRAWN,
        withdrawal_reason="Logged twice",
    )
    return {
        "overdue": make("Overdue leaflet", -2),
        "due_today": make("Today's phone call", 0),
        "due_in_3": make("Letter within three days", 3),
        "partly_done_in_2": make(
            "Half-done poster run",
            2,
            status=FollowUpAction.Status.PARTLY_DONE,
            remaining="The second half",
        ),
        "due_in_4": make("Not yet: in four days", 4),
        "done": make(
            "Already done",
            -1,
            status=FollowUpAction.Status.DONE,
            completed_on=TODAY,
            outcome="Sent",
        ),
        "cancelled": make(
            "Cancelled one",
            -1,
            status=FollowUpAction.Status.CANCELLED,
            cancellation_reason="No longer wanted",
        ),
        "withdrawn": make("On a withdrawn meeting", -1, meeting=withdrawn),
    }


def waiting_meeting(officer, group, *, submitted_days_ago: int, **kwargs) -> Meeting:
    return MeetingFactory(
        author=officer,
        unit=kwargs.pop("unit", None) or officer.officer_profile.unit,
        area=group.area,
        groups=[group],
        officers=[officer],
        date=TODAY - days(submitted_days_ago + 1),
        first_submitted_at=NOW - days(submitted_days_ago),
        purpose=kwargs.pop("purpose"),
        **police_only(**kwargs),
    )


@pytest.fixture
def reviews(officer, group, liaison):
    """Meetings of `group`; only `waiting_8` and `waiting_30` await `liaison`'s review."""
    reviewed_by_them = waiting_meeting(
        officer, group, submitted_days_ago=9, purpose="Reviewed at this version already"
    )
    ReviewFactory(meeting=reviewed_by_them, liaison=liaison, meeting_version=1)
    return {
        "waiting_8": waiting_meeting(
            officer, group, submitted_days_ago=8, purpose="Youth forum, eight days"
        ),
        "waiting_30": waiting_meeting(
            officer, group, submitted_days_ago=30, purpose="Open evening, a month"
        ),
        "waiting_7": waiting_meeting(
            officer, group, submitted_days_ago=7, purpose="Not yet: seven days exactly"
        ),
        "reviewed": waiting_meeting(
            officer,
            group,
            submitted_days_ago=20,
            purpose="Reviewed by someone",
            status=Meeting.Status.REVIEWED,
        ),
        "draft": waiting_meeting(
            officer,
            group,
            submitted_days_ago=20,
            purpose="Draft, never submitted",
            status=Meeting.Status.DRAFT,
        ),
        "reviewed_by_them": reviewed_by_them,
    }


def sent_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def html_of(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


# What each person is sent.


def test_an_officer_is_reminded_of_actions_overdue_and_due_within_three_days(
    immediate, addresses, actions, officer, run
):
    run()
    [message] = sent_to(officer)
    assert message.subject == "Engagement Log: 4 follow-up actions due, 1 overdue"
    body, html = message.body, html_of(message)
    for name in ("overdue", "due_today", "due_in_3", "partly_done_in_2"):
        action = actions[name]
        assert action.description in body
        assert SITE_URL + action.get_absolute_url() in body
        assert f'<a href="{SITE_URL}{action.get_absolute_url()}">' in html
    for name in ("due_in_4", "done", "cancelled", "withdrawn"):
        assert actions[name].description not in body
        assert actions[name].description not in html
    overdue_part, due_part = body.split("Follow-up actions due within 3 days:")
    assert "Overdue leaflet" in overdue_part
    assert "Overdue leaflet" not in due_part


def test_a_liaison_is_reminded_of_meetings_waiting_over_seven_days_for_their_review(
    immediate, addresses, reviews, liaison, run
):
    run()
    [message] = sent_to(liaison)
    assert message.subject == "Engagement Log: 2 meetings waiting for your review"
    body = message.body
    assert "Open evening, a month (Northfield Mosque Committee)\n  Waiting 30 days" in body
    assert body.index("Open evening, a month") < body.index("Youth forum, eight days")
    assert SITE_URL + reviews["waiting_8"].get_absolute_url() in body
    for name in ("waiting_7", "reviewed", "draft", "reviewed_by_them"):
        assert reviews[name].purpose not in body


def test_reminders_never_carry_police_only_details(
    immediate, addresses, actions, reviews, officer, liaison, run
):
    run()
    assert {m.to[0] for m in mail.outbox} == {officer.email, liaison.email}
    for message in mail.outbox:
        for part in (message.subject, message.body, html_of(message)):
            assert INTERNAL_NOTE not in part
            assert PASSED_ON_REASON not in part
            assert Meeting.PassedOnKind.PREVENT.label not in part


# To the right people only.


def test_only_the_people_with_something_due_are_emailed(
    immediate,
    addresses,
    actions,
    reviews,
    officer,
    colleague,
    other_unit_officer,
    other_liaison,
    admin_user,
    run,
):
    admin_user.email = "lead@example.org"
    admin_user.save()
    run()
    assert sorted(m.to[0] for m in mail.outbox) == ["liaison@example.org", "officer@example.org"]


def test_each_person_hears_only_of_their_own_work(
    immediate,
    addresses,
    actions,
    reviews,
    officer,
    colleague,
    other_unit_officer,
    other_meeting,
    other_group,
    other_liaison,
    liaison,
    run,
):
    FollowUpFactory(
        meeting=other_meeting,
        owner=other_unit_officer,
        owed_to=other_group,
        description="Southmoor newsletter",
        due_date=TODAY + days(1),
    )
    FollowUpFactory(
        meeting=actions["overdue"].meeting,
        owner=colleague,
        owed_to=actions["overdue"].owed_to,
        description="Colleague's own promise",
        due_date=TODAY,
    )
    other_meeting.first_submitted_at = NOW - days(10)
    other_meeting.purpose = "Southmoor residents' evening"
    other_meeting.save()

    run()

    officer_body = sent_to(officer)[0].body
    assert "Southmoor newsletter" not in officer_body
    assert "Colleague's own promise" not in officer_body
    assert "Colleague's own promise" in sent_to(colleague)[0].body
    [southmoor] = sent_to(other_unit_officer)
    assert "Southmoor newsletter" in southmoor.body
    assert "Overdue leaflet" not in southmoor.body
    assert "Southmoor residents' evening" in sent_to(other_liaison)[0].body
    assert "Southmoor residents' evening" not in sent_to(liaison)[0].body
    assert "Open evening, a month" not in sent_to(other_liaison)[0].body


def test_people_without_an_address_or_no_longer_active_are_skipped(
    immediate, actions, reviews, officer, liaison, run
):
    liaison.email = "liaison@example.org"
    liaison.is_active = False
    liaison.save()  # and `officer` has no address at all
    out = run()
    assert mail.outbox == []
    assert command.SENT_MESSAGE.format(count=0) in out


# Once a person a day.


def test_running_twice_in_a_day_emails_each_person_once(
    immediate, addresses, actions, reviews, officer, liaison, run, time_machine
):
    first = run()
    time_machine.move_to(NOW + datetime.timedelta(hours=8), tick=False)
    second = run()

    assert command.SENT_MESSAGE.format(count=2) in first
    assert command.SENT_MESSAGE.format(count=0) in second
    assert sorted(m.to[0] for m in mail.outbox) == [liaison.email, officer.email]
    assert sorted(ReminderSent.objects.values_list("recipient__username", "day")) == [
        ("liaison", TODAY),
        ("officer", TODAY),
    ]

    time_machine.move_to(NOW + days(1), tick=False)
    run()
    assert len(mail.outbox) == 4
    assert ReminderSent.objects.filter(day=TODAY + days(1)).count() == 2


def test_the_command_only_queues_the_email_for_the_worker(addresses, actions, officer, run):
    run()
    assert mail.outbox == []
    [queued] = DBTaskResult.objects.all()
    assert queued.status == TaskResultStatus.READY
    assert queued.task_path == "engagement.meetings.tasks.send_reminder"
    assert queued.args_kwargs["kwargs"]["user_id"] == officer.pk


def test_work_done_before_the_worker_runs_is_not_nagged_about(addresses, actions, officer, run):
    run()
    FollowUpAction.objects.filter(owner=officer).update(
        status=FollowUpAction.Status.CANCELLED, cancellation_reason="Overtaken"
    )
    [queued] = DBTaskResult.objects.all()
    assert tasks.send_reminder.call(**queued.args_kwargs["kwargs"]) == 0
    assert mail.outbox == []


def test_dry_run_lists_who_would_be_emailed_and_changes_nothing(
    immediate, addresses, actions, reviews, corrected_long_ago, officer, run
):
    out = run("--dry-run")
    assert "Sam Okafor <officer@example.org>: 4 follow-up actions, 0 meetings to review" in out
    assert command.DRY_RUN_MESSAGE.format(count=2) in out
    assert command.DRY_RUN_LAPSE_MESSAGE in out
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()
    assert Dispute.objects.get(pk=corrected_long_ago.pk).status == Dispute.Status.CORRECTED


def test_options_change_the_windows(immediate, addresses, actions, reviews, officer, liaison, run):
    run("--due-within=4", "--waiting-over=10")
    assert "Not yet: in four days" in sent_to(officer)[0].body
    body = sent_to(liaison)[0].body
    assert "Open evening, a month" in body
    assert "Youth forum, eight days" not in body


# Disputes lapse.


@pytest.fixture
def corrected_long_ago(meeting, liaison):
    review = ReviewFactory(meeting=meeting, liaison=liaison)
    days_ago = django_settings.DISPUTE_LAPSE_DAYS + 1
    return Dispute.objects.create(
        meeting=meeting,
        opened_by=review,
        opened_at=NOW - days(days_ago + 5),
        status=Dispute.Status.CORRECTED,
        corrected_at=NOW - days(days_ago),
        correction_note="Fixed the date",
    )


def test_it_lapses_corrected_disputes_with_no_new_review_and_says_how_many(
    corrected_long_ago, meeting, liaison, run
):
    recent = Dispute.objects.create(
        meeting=MeetingFactory(groups=list(meeting.groups.all())),
        opened_by=ReviewFactory(meeting=meeting, liaison=liaison, meeting_version=2),
        status=Dispute.Status.CORRECTED,
        corrected_at=NOW - days(2),
    )
    out = run()
    assert command.LAPSED_MESSAGE.format(count=1) in out
    assert Dispute.objects.get(pk=corrected_long_ago.pk).status == Dispute.Status.LAPSED
    assert Dispute.objects.get(pk=recent.pk).status == Dispute.Status.CORRECTED
    assert command.LAPSED_MESSAGE.format(count=0) in run()


# Options.


@pytest.mark.parametrize("value", ["-1", "three", "366", "2.5"])
def test_a_bad_number_of_days_is_refused_clearly(value, db):
    with pytest.raises(CommandError, match=f"argument --due-within: {command.DAYS_ERROR}"):
        call_command("send_reminders", f"--due-within={value}")
    assert not ReminderSent.objects.exists()


def test_from_the_shell_a_bad_option_exits_non_zero_with_the_reason():
    manage = Path(django_settings.BASE_DIR) / "manage.py"
    result = subprocess.run(
        [sys.executable, str(manage), "send_reminders", "--waiting-over=soon"],
        capture_output=True,
        text=True,
        env=os.environ | {"DEBUG": "true"},
        timeout=120,
    )
    assert result.returncode != 0
    assert f"argument --waiting-over: {command.DAYS_ERROR}, not 'soon'" in result.stderr


def test_help_says_what_it_does_and_how_often():
    parser = command.Command().create_parser("manage.py", "send_reminders")
    text = " ".join(parser.format_help().split())
    assert "at most one email a person a day" in text
    assert "Run it daily" in text
    assert "--dry-run" in text
    assert "(default: 3)" in text
    assert "(default: 7)" in text


def test_a_second_liaison_of_the_group_has_their_own_reminder(
    immediate, addresses, reviews, group, liaison, run
):
    second = make_liaison(group, username="second", email="second@example.org")
    run()
    assert "Open evening, a month" in sent_to(second)[0].body
    assert "Open evening, a month" in sent_to(liaison)[0].body
