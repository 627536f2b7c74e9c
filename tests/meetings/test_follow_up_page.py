"""One follow-up action's page, the owner's change forms and the liaison's answer."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.html import escape

from engagement.audit.models import AuditEvent
from engagement.meetings.forms.follow_up import INVALID_DATE_ERROR
from engagement.meetings.models import FollowUpAction, ReportBackConfirmation
from engagement.meetings.queries.follow_up import PROMISED_TITLE
from engagement.meetings.services import follow_up as services
from engagement.meetings.services.meeting import MeetingParts, meeting_create, meeting_withdraw
from engagement.meetings.services.transitions import NOT_ALLOWED_ERROR
from tests.factories import FollowUpFactory, make_liaison

TODAY = datetime.date(2025, 6, 16)
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)
INTERNAL_NOTE = "Secret internal note for police eyes only."  # MeetingFactory's default


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(datetime.datetime(2025, 6, 16, 10, tzinfo=ZoneInfo("Europe/London")))


@pytest.fixture
def action(meeting, officer, group):
    return FollowUpFactory(
        meeting=meeting,
        owner=officer,
        owed_to=group,
        description="Send the hate crime reporting leaflet",
        answers_concern="concern_hate_crime",
    )


def fresh(action: FollowUpAction) -> FollowUpAction:
    return FollowUpAction.objects.get(pk=action.pk)


def url(action: FollowUpAction, transition: str) -> str:
    return reverse("meetings:follow-up-transition", args=[action.uuid, transition])


def confirm_url(action: FollowUpAction) -> str:
    return reverse("meetings:report-back-confirm", args=[action.uuid])


def done(action, officer, *, on=YESTERDAY) -> FollowUpAction:
    return services.follow_up_complete(
        action=action,
        by=officer,
        outcome="Leaflets handed out",
        completed_on=on,
        expected_version=action.version,
    )


def reported(action, officer) -> FollowUpAction:
    action = done(action, officer)
    return services.follow_up_report_back(
        action=action, by=officer, reported_back_on=TODAY, expected_version=action.version
    )


# The action's page


def test_it_works(client, officer, action, meeting):
    client.force_login(officer)
    response = client.get(action.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert action.description in html
    assert meeting.get_absolute_url() in html
    assert "Hate crime" in html  # the concern it answers
    assert '<strong class="govuk-tag govuk-tag--blue">Open</strong>' in html
    for label in ("Mark as partly done", "Mark as done", "Cancel"):
        assert label in html
    assert url(action, "complete") in html
    assert "Reopen" not in html


def test_it_requires_sign_in(client, action):
    assert client.get(action.get_absolute_url()).status_code == 302


def test_reading_it_is_audited(client, officer, action):
    client.force_login(officer)
    client.get(action.get_absolute_url())
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW)
    assert (event.actor, event.record_kind, event.record_id) == (
        officer,
        "followupaction",
        str(action.uuid),
    )


def test_an_overdue_action_says_so(client, officer, meeting, group):
    action = FollowUpFactory(meeting=meeting, owner=officer, owed_to=group, due_date=YESTERDAY)
    client.force_login(officer)
    html = client.get(action.get_absolute_url()).content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html


def test_it_hides_other_units_actions(client, other_unit_officer, action):
    client.force_login(other_unit_officer)
    assert client.get(action.get_absolute_url()).status_code == 404


def test_liaison_of_another_group_gets_404(client, other_liaison, action):
    client.force_login(other_liaison)
    assert client.get(action.get_absolute_url()).status_code == 404


def test_liaison_of_the_owed_group_sees_it_without_buttons_or_internal_notes(
    client, liaison, action
):
    client.force_login(liaison)
    response = client.get(action.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert action.description in html
    assert "Mark as done" not in html
    assert INTERNAL_NOTE not in html


def test_a_colleague_sees_it_but_may_not_change_it(client, colleague, action):
    client.force_login(colleague)
    html = client.get(action.get_absolute_url()).content.decode()
    assert action.description in html
    assert "Mark as done" not in html


def test_history_shows_changes_and_reasons_newest_first(client, officer, action):
    action = services.follow_up_cancel(
        action=action, by=officer, reason="The group closed", expected_version=1
    )
    services.follow_up_reopen(
        action=action, by=officer, reason="The group reopened", expected_version=2
    )
    client.force_login(officer)
    html = client.get(action.get_absolute_url()).content.decode()
    history = html[html.index(">History<") :]
    assert history.index("Reopened") < history.index("Cancelled")
    assert "Reason: The group reopened" in history
    assert "Reason: The group closed" in history
    assert "Viewed" not in history


def test_history_starts_with_the_promise_made_on_the_meeting_form(client, officer, area, group):
    # The meeting form is how actions are promised: its audit event names the action.
    parts = MeetingParts(
        fields={
            "date": YESTERDAY,
            "area": area,
            "passed_on": False,
            "internal_notes": INTERNAL_NOTE,
        },
        groups=[group],
        disclosures=[],
        follow_ups=[
            {
                "description": "Visit the youth club",
                "owner": officer,
                "owed_to": group,
                "due_date": TOMORROW,
            }
        ],
    )
    meeting_create(by=officer, parts=parts, submit=False)
    action = FollowUpAction.objects.get(description="Visit the youth club")
    client.force_login(officer)
    html = client.get(action.get_absolute_url()).content.decode()
    history = html[html.index(">History<") :]
    assert PROMISED_TITLE in history
    assert "Visit the youth club" in history
    assert INTERNAL_NOTE not in history


def test_an_action_of_a_withdrawn_meeting_offers_no_change(client, officer, action, meeting):
    meeting_withdraw(meeting=meeting, by=officer, reason="Logged twice")
    client.force_login(officer)
    html = client.get(action.get_absolute_url()).content.decode()
    assert "The meeting was withdrawn" in html
    assert "Mark as done" not in html
    assert client.get(url(action, "complete")).status_code == 404


@pytest.mark.parametrize("answers", [1, 6])
def test_query_count_is_bounded(
    client, officer, action, group, answers, django_assert_max_num_queries
):
    action = reported(action, officer)
    for _ in range(answers):
        ReportBackConfirmation.objects.create(
            follow_up=action,
            liaison=make_liaison(group),
            follow_up_version=action.version,
            reported_back_on=TODAY,
            answer=ReportBackConfirmation.Answer.YES,
        )
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        assert client.get(action.get_absolute_url()).status_code == 200


# The owner's changes


def test_each_change_opens_its_form(client, officer, action):
    client.force_login(officer)
    for slug, heading in [
        ("partly-done", "Mark this action as partly done"),
        ("complete", "Mark this action as done"),
        ("cancel", "Cancel this action"),
    ]:
        response = client.get(url(action, slug))
        assert response.status_code == 200
        html = response.content.decode()
        assert heading in html
        assert f'name="version" value="{action.version}"' in html
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).count() == 3


def test_an_unknown_change_is_404(client, officer, action):
    client.force_login(officer)
    assert client.get(url(action, "delete")).status_code == 404
    assert client.get(url(action, "partly_done")).status_code == 404


def test_a_change_not_offered_now_is_404(client, officer, action):
    client.force_login(officer)
    assert client.get(url(action, "report-back")).status_code == 404
    assert client.get(url(action, "reopen")).status_code == 404


@pytest.mark.parametrize("someone", ["colleague", "admin_user", "liaison", "other_liaison"])
def test_only_the_owner_may_change_it(client, request, action, someone):
    client.force_login(request.getfixturevalue(someone))
    assert client.get(url(action, "complete")).status_code == 404
    response = client.post(
        url(action, "complete"),
        {"outcome": "Done", "completed_on": TODAY.isoformat(), "version": "1"},
    )
    assert response.status_code == 404
    assert fresh(action).status == FollowUpAction.Status.OPEN


@pytest.mark.parametrize(
    ("slug", "data", "message"),
    [
        ("partly-done", {"due_date": TOMORROW.isoformat()}, services.REMAINING_ERROR),
        ("partly-done", {"remaining": "Half of them"}, services.NEW_DUE_DATE_ERROR),
        ("complete", {"completed_on": TODAY.isoformat()}, services.OUTCOME_ERROR),
        ("complete", {"outcome": "Leaflets handed out"}, services.COMPLETED_ON_ERROR),
        ("cancel", {"reason": ""}, services.CANCEL_REASON_ERROR),
    ],
)
def test_a_change_without_its_required_field_is_refused_and_keeps_what_was_typed(
    client, officer, action, slug, data, message
):
    client.force_login(officer)
    response = client.post(url(action, slug), {**data, "version": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert escape(message) in html
    assert "govuk-error-summary" in html
    assert "<title>Error: " in html
    for value in data.values():
        assert value in html
    assert fresh(action).version == 1
    changes = AuditEvent.objects.filter(record_kind="followupaction")
    assert not changes.exclude(action=AuditEvent.Action.VIEW).exists()


@pytest.mark.parametrize(
    ("slug", "data", "status"),
    [
        (
            "partly-done",
            {"remaining": "Half of them", "due_date": TOMORROW.isoformat()},
            FollowUpAction.Status.PARTLY_DONE,
        ),
        (
            "complete",
            {"outcome": "Leaflets handed out", "completed_on": TODAY.isoformat()},
            FollowUpAction.Status.DONE,
        ),
        ("cancel", {"reason": "The group closed"}, FollowUpAction.Status.CANCELLED),
    ],
)
def test_a_change_with_its_required_field_is_saved(client, officer, action, slug, data, status):
    client.force_login(officer)
    response = client.post(url(action, slug), {**data, "version": "1"})
    assert response.status_code == 302
    assert response.url == action.get_absolute_url()
    action = fresh(action)
    assert (action.status, action.version) == (status, 2)
    page = client.get(response.url).content.decode()
    assert "govuk-notification-banner--success" in page


def test_completed_date_in_the_future_is_refused(client, officer, action):
    client.force_login(officer)
    response = client.post(
        url(action, "complete"),
        {"outcome": "Leaflets handed out", "completed_on": TOMORROW.isoformat(), "version": "1"},
    )
    assert response.status_code == 400
    assert escape(services.COMPLETED_IN_FUTURE_ERROR) in response.content.decode()
    assert fresh(action).status == FollowUpAction.Status.OPEN


def test_a_date_that_does_not_exist_is_refused(client, officer, action):
    client.force_login(officer)
    response = client.post(
        url(action, "complete"),
        {"outcome": "Leaflets handed out", "completed_on": "2025-02-31", "version": "1"},
    )
    assert response.status_code == 400
    assert escape(INVALID_DATE_ERROR) in response.content.decode()


def test_report_back_needs_a_date_not_before_completion(client, officer, action):
    action = done(action, officer, on=YESTERDAY)
    client.force_login(officer)
    version = str(action.version)
    response = client.post(url(action, "report-back"), {"reported_back_on": "", "version": version})
    assert response.status_code == 400
    assert escape(services.REPORTED_BACK_ON_ERROR) in response.content.decode()
    before = (YESTERDAY - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        url(action, "report-back"), {"reported_back_on": before, "version": version}
    )
    assert response.status_code == 400
    assert escape(services.REPORTED_BEFORE_DONE_ERROR) in response.content.decode()
    assert fresh(action).reported_back_on is None
    response = client.post(
        url(action, "report-back"), {"reported_back_on": TODAY.isoformat(), "version": version}
    )
    assert response.status_code == 302
    assert fresh(action).reported_back_on == TODAY


def test_reopen_needs_a_visible_reason_and_clears_the_outcome(client, officer, liaison, action):
    action = reported(action, officer)
    client.force_login(officer)
    version = str(action.version)
    response = client.post(url(action, "reopen"), {"reason": "", "version": version})
    assert response.status_code == 400
    assert escape(services.REOPEN_REASON_ERROR) in response.content.decode()
    response = client.post(
        url(action, "reopen"), {"reason": "The leaflets never arrived", "version": version}
    )
    assert response.status_code == 302
    action = fresh(action)
    assert (action.status, action.outcome, action.reported_back_on) == ("open", "", None)
    client.force_login(liaison)
    history = client.get(action.get_absolute_url()).content.decode()
    assert "Reason: The leaflets never arrived" in history
    assert "Leaflets handed out" in history  # the cleared outcome, kept in the history


def test_a_stale_save_is_refused_without_loss_then_saved_deliberately(client, officer, action):
    client.force_login(officer)
    # Another tab marked it partly done after this form was loaded (version 1).
    services.follow_up_mark_partly_done(
        action=action, by=officer, remaining="Half of them", due_date=TOMORROW, expected_version=1
    )
    typed = {"outcome": "Every leaflet handed out", "completed_on": TODAY.isoformat()}
    response = client.post(url(action, "complete"), {**typed, "version": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert escape(services.FOLLOW_UP_STALE_ERROR) in html
    assert "Every leaflet handed out" in html
    assert "Half of them" in html  # the action as it is now
    assert 'name="version" value="2"' in html
    assert fresh(action).status == FollowUpAction.Status.PARTLY_DONE
    # Having seen the action as it is now, the officer saves again.
    response = client.post(url(action, "complete"), {**typed, "version": "2"})
    assert response.status_code == 302
    assert fresh(action).outcome == "Every leaflet handed out"


def test_a_change_no_longer_possible_is_explained(client, officer, action):
    client.force_login(officer)
    services.follow_up_cancel(action=action, by=officer, reason="Not needed", expected_version=1)
    response = client.post(url(action, "partly-done"), {"remaining": "Half", "version": "2"})
    assert response.status_code == 400
    assert escape(services.NEW_DUE_DATE_ERROR) in response.content.decode()
    response = client.post(
        url(action, "partly-done"),
        {"remaining": "Half", "due_date": TOMORROW.isoformat(), "version": "2"},
    )
    assert response.status_code == 400
    assert escape(NOT_ALLOWED_ERROR) in response.content.decode()


# The liaison's answer


def test_the_liaison_of_the_owed_group_is_asked_and_answers(client, officer, liaison, action):
    action = reported(action, officer)
    client.force_login(liaison)
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Did the outcome reach the group?</a>" in page
    assert confirm_url(action) in page
    assert "Not answered yet" in page
    assert "Yes, it reached the group" not in page  # unanswered is never shown as yes

    assert client.get(confirm_url(action)).status_code == 200
    response = client.post(
        confirm_url(action),
        {"answer": "yes", "comment": "Read out at Friday's meeting", "version": action.version},
    )
    assert response.status_code == 302
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Yes, it reached the group" in page
    assert "Read out at Friday&#x27;s meeting" in page
    assert confirm_url(action) not in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CONFIRM_REPORT_BACK).count() == 1


def test_the_answer_is_given_once_per_report_back(client, officer, liaison, action):
    action = reported(action, officer)
    client.force_login(liaison)
    data = {"answer": "partly", "version": action.version}
    assert client.post(confirm_url(action), data).status_code == 302
    assert client.get(confirm_url(action)).status_code == 404
    response = client.post(confirm_url(action), {**data, "answer": "yes"})
    assert response.status_code == 400
    assert escape(services.ALREADY_ANSWERED_ERROR) in response.content.decode()
    assert list(ReportBackConfirmation.objects.values_list("answer", flat=True)) == ["partly"]


def test_an_answer_is_required(client, officer, liaison, action):
    action = reported(action, officer)
    client.force_login(liaison)
    response = client.post(confirm_url(action), {"comment": "Hmm", "version": action.version})
    assert response.status_code == 400
    assert escape(services.ANSWER_ERROR) in response.content.decode()
    assert not ReportBackConfirmation.objects.exists()


def test_nothing_to_answer_before_the_report_back(client, officer, liaison, action):
    done(action, officer)
    client.force_login(liaison)
    assert "Did the outcome reach the group?</a>" not in (
        client.get(action.get_absolute_url()).content.decode()
    )
    assert client.get(confirm_url(action)).status_code == 404


@pytest.mark.parametrize("someone", ["officer", "admin_user", "other_liaison"])
def test_only_liaisons_of_the_owed_group_may_answer(client, request, officer, action, someone):
    action = reported(action, officer)
    client.force_login(request.getfixturevalue(someone))
    assert client.get(confirm_url(action)).status_code == 404
    response = client.post(confirm_url(action), {"answer": "yes", "version": action.version})
    assert response.status_code == 404
    assert not ReportBackConfirmation.objects.exists()


def test_answering_requires_sign_in(client, action):
    assert client.get(confirm_url(action)).status_code == 302
