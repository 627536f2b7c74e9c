"""Every form, posted with generated input mutated from a valid post: never a 500,
nothing saved unless the post was accepted (a redirect, or the export's file), nothing
echoed unescaped.

Each test starts from what a browser sends for a valid answer, so hypothesis mixes
hostile values with valid ones: the other fields are right, and the one it broke must
be the reason for the refusal.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from engagement.audit.models import AuditEvent
from engagement.dashboards import registry
from engagement.dashboards.queries.base import Period
from engagement.dashboards.report import report_for
from engagement.meetings.models import Disclosure, DisclosureConfirmation, Review
from engagement.meetings.services import follow_up as follow_up_services
from engagement.meetings.views.follow_up import transition_slug
from tests.factories import PASSWORD, DisclosureFactory, FollowUpFactory, MeetingFactory
from tests.fuzz.checks import fuzz_settings, redirected
from tests.fuzz.strategies import BAD_DATES, hostile, mutated, pairs_of
from tests.meetings.form_data import disclosure, management, meeting_data
from tests.meetings.review_steps import answers, review

A = DisclosureConfirmation.Answer
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
FORMATS = ("json", "csv", "html")


def csv_file(response) -> bool:
    return response.status_code == 200 and response["Content-Type"].startswith("text/csv")


# The meeting form --------------------------------------------------------------------


@fuzz_settings()
@given(data=st.data())
def test_new_meeting(fuzz, officer, colleague, area, group, second_group, data):
    fuzz.sign_in(officer)
    due = (TODAY + datetime.timedelta(days=14)).isoformat()
    valid = meeting_data(
        area=area,
        groups=[group],
        officers=[officer, (colleague, "partial", "Introduced as local police.")],
        follow_ups=[(officer, group, TODAY + datetime.timedelta(days=14))],
        submit=data.draw(st.booleans()),
    )
    extra = ("add_officer", "add_follow_up", "confirm_groups", "concerns_needing_response")
    pairs = data.draw(mutated(valid, extra_keys=extra))
    if data.draw(st.booleans()):
        pairs += [("follow_ups-0-due_date", data.draw(hostile(due, *BAD_DATES)))]
    with fuzz.example():
        response = fuzz.post(reverse("meetings:meeting-create"), pairs, saved=redirected)
    assert response.status_code in (200, 302, 400)


@pytest.fixture
def editable(officer, unit, area, group):
    """A submitted meeting of the officer's with one disclosure and one open follow-up."""
    meeting = MeetingFactory(
        author=officer, unit=unit, area=area, groups=[group], officers=[officer]
    )
    FollowUpFactory(meeting=meeting, owner=officer, owed_to=group)
    return meeting


def edit_data(meeting, officer, area, group) -> dict:
    data = meeting_data(area=area, groups=[group], officers=[], submit=False)
    existing = meeting.disclosures.get()
    action = meeting.follow_ups.get()
    data |= management("disclosures", 2, initial=1) | disclosure(0, officer)
    data |= {
        "disclosures-0-id": str(existing.pk),
        "disclosures-0-meeting": str(meeting.pk),
        "disclosures-1-officer": "",
        "version": str(meeting.version),
    }
    data |= management("follow_ups", 1, initial=1)
    data |= {
        "follow_ups-0-id": str(action.pk),
        "follow_ups-0-meeting": str(meeting.pk),
        "follow_ups-0-description": action.description,
        "follow_ups-0-owner": str(officer.pk),
        "follow_ups-0-owed_to": str(group.pk),
        "follow_ups-0-answers_concern": "",
        "follow_ups-0-due_date": action.due_date.isoformat(),
    }
    return data


@fuzz_settings()
@given(data=st.data())
def test_edit_meeting(fuzz, officer, area, group, editable, data):
    fuzz.sign_in(officer)
    valid = edit_data(editable, officer, area, group)
    extra = ("disclosures-0-DELETE", "follow_ups-0-DELETE", "correction_note", "submit")
    pairs = data.draw(mutated(valid, extra_keys=extra))
    url = reverse("meetings:meeting-edit", args=[editable.uuid])
    with fuzz.example():
        response = fuzz.post(url, pairs, saved=redirected)
    assert response.status_code in (200, 302, 400)


@fuzz_settings()
@given(data=st.data())
def test_withdraw(fuzz, officer, editable, data):
    fuzz.sign_in(officer)
    pairs = data.draw(mutated({"reason": "Logged twice by mistake."}))
    url = reverse("meetings:meeting-withdraw", args=[editable.uuid])
    with fuzz.example():
        response = fuzz.post(url, pairs, saved=redirected)
    assert response.status_code in (200, 302, 400)


# The liaison's review and disputes -----------------------------------------------------


@pytest.fixture
def two_officers(colleague, editable):
    """The editable meeting with a second officer, who did not disclose their role."""
    DisclosureFactory(meeting=editable, officer=colleague, level=Disclosure.Level.NONE, reason="-")
    return editable


@fuzz_settings()
@given(data=st.data())
def test_review(fuzz, liaison, two_officers, data):
    editable = two_officers
    fuzz.sign_in(liaison)
    valid = {
        "accuracy": Review.Accuracy.ACCURATE,
        "trust_effect": Review.TrustEffect.IMPROVED,
        "comments": "A fair record of the meeting.",
        "version": str(editable.version),
        **{f"disclosure_{pk}": A.YES for pk in answers(editable)},
    }
    pairs = data.draw(mutated(valid, extra_keys=("disclosure_999999", "disclosure_x")))
    url = reverse("meetings:review-create", args=[editable.uuid])
    with fuzz.example():
        response = fuzz.post(url, pairs, saved=redirected)
    assert response.status_code in (200, 302, 400)


@pytest.fixture
def dispute(officer, liaison, editable):
    review(editable, liaison, accuracy=Review.Accuracy.INACCURATE, confirmations=answers(editable))
    return editable.disputes.get()


@pytest.mark.parametrize("who", ["officer", "liaison"])
@fuzz_settings()
@given(data=st.data())
def test_escalate_dispute(fuzz, request, who, dispute, data):
    fuzz.sign_in(request.getfixturevalue(who))
    pairs = data.draw(mutated({"reason": "We still disagree about what was said."}))
    url = reverse("meetings:dispute-escalate", args=[dispute.uuid])
    with fuzz.example():
        response = fuzz.post(url, pairs, saved=redirected)
    assert response.status_code in (200, 302, 400)


# Follow-up actions -----------------------------------------------------------------------


@pytest.fixture
def actions(officer, liaison, editable):
    """An open action, a done one and a cancelled one, and one reported back."""
    open_action = editable.follow_ups.get()
    group = open_action.owed_to

    def make(status: str):
        action = FollowUpFactory(meeting=editable, owner=officer, owed_to=group)
        if status in ("done", "reported"):
            follow_up_services.follow_up_complete(
                action=action, by=officer, outcome="Leaflets sent.", completed_on=TODAY,
                expected_version=action.version,
            )  # fmt: skip
        action.refresh_from_db()
        if status == "reported":
            follow_up_services.follow_up_report_back(
                action=action, by=officer, reported_back_on=TODAY, expected_version=action.version
            )
        if status == "cancelled":
            follow_up_services.follow_up_cancel(
                action=action,
                by=officer,
                reason="No longer needed.",
                expected_version=action.version,
            )
        action.refresh_from_db()
        return action

    return {
        "open": open_action,
        "done": make("done"),
        "cancelled": make("cancelled"),
        "reported": make("reported"),
    }


TRANSITION_DATA = {
    "partly_done": ("open", {"remaining": "The second leaflet.", "due_date": "+7"}),
    "complete": ("open", {"outcome": "Leaflets sent.", "completed_on": "0"}),
    "report_back": ("done", {"reported_back_on": "0"}),
    "cancel": ("open", {"reason": "The group asked us not to."}),
    "reopen": ("cancelled", {"reason": "The group asked again."}),
}


@pytest.mark.parametrize("transition", sorted(TRANSITION_DATA))
@fuzz_settings()
@given(data=st.data())
def test_follow_up_changes(fuzz, officer, actions, transition, data):
    which, fields = TRANSITION_DATA[transition]
    action = actions[which]
    fuzz.sign_in(officer)
    valid = {
        name: (TODAY + datetime.timedelta(days=int(value))).isoformat()
        if name.endswith(("date", "_on"))
        else value
        for name, value in fields.items()
    } | {"version": str(action.version)}
    pairs = data.draw(mutated(valid))
    url = reverse("meetings:follow-up-transition", args=[action.uuid, transition_slug(transition)])
    with fuzz.example():
        response = fuzz.post(url, pairs, saved=redirected)
    assert response.status_code in (200, 302, 400)


@fuzz_settings()
@given(data=st.data())
def test_confirm_report_back(fuzz, liaison, actions, data):
    action = actions["reported"]
    fuzz.sign_in(liaison)
    valid = {"answer": A.YES, "comment": "It reached us.", "version": str(action.version)}
    pairs = data.draw(mutated(valid))
    url = reverse("meetings:report-back-confirm", args=[action.uuid])
    with fuzz.example():
        response = fuzz.post(url, pairs, saved=redirected)
    assert response.status_code in (200, 302, 400)


# Exports ---------------------------------------------------------------------------------


EXPORT_ANSWER = {"reason": "Quarterly review with the force lead.", "recipient": "Force lead"}


@pytest.mark.parametrize("role", ["officer", "admin_user"])
@fuzz_settings()
@given(data=st.data())
def test_meetings_export_form(fuzz, request, role, editable, data):
    fuzz.sign_in(request.getfixturevalue(role))
    pairs = data.draw(mutated(EXPORT_ANSWER))
    filters = data.draw(st.sampled_from([[], [("status", "submitted")], [("q", "hate")]]))
    with fuzz.example():
        response = fuzz.post(
            reverse("meetings:meeting-export"), pairs, query=filters, saved=csv_file
        )
    assert response.status_code in (200, 400)


@fuzz_settings()
@given(data=st.data())
def test_dashboard_export_form(fuzz, admin_user, editable, data):
    fuzz.sign_in(admin_user)
    pairs = data.draw(mutated(EXPORT_ANSWER))
    keys = [m.key for s in registry.SECTIONS for m in s.measures]
    selector = data.draw(
        st.sampled_from([[], [("section", "transparency")], [("measure", keys[0])]])
    )
    with fuzz.example():
        response = fuzz.post(
            reverse("dashboards:dashboard-export"), pairs, query=selector, saved=csv_file
        )
    assert response.status_code in (200, 400)


# The transparency report -----------------------------------------------------------------


@fuzz_settings()
@given(data=st.data())
def test_report_draft_and_approve(fuzz, admin_user, editable, data):
    fuzz.sign_in(admin_user)
    period = Period.last_twelve_months(TODAY)
    valid = {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "digest": report_for(period=period, by=admin_user).digest,
    }
    pairs = data.draw(mutated(valid, extra_keys=("area", "unit", "group", "format")))
    with fuzz.example():
        if data.draw(st.booleans()):
            response = fuzz.post(reverse("reports:report-approve"), pairs, saved=redirected)
            assert response.status_code in (302, 400, 409)
        else:
            response = fuzz.get(reverse("reports:report-draft"), pairs)
            assert response.status_code in (200, 400)


# Sign-in ---------------------------------------------------------------------------------

SIGN_IN_EVENTS = (
    AuditEvent.Action.SIGN_IN,
    AuditEvent.Action.FAILED_SIGN_IN,
    AuditEvent.Action.LOCKED_OUT,
)


@fuzz_settings()
@given(data=st.data())
def test_sign_in(fuzz, officer, data):
    valid = {"username": officer.username, "password": PASSWORD, "next": "/meetings/"}
    pairs = data.draw(mutated(valid, extra_keys=("pending",)))
    with fuzz.example():
        response = fuzz.post(
            reverse("accounts:sign-in"),
            pairs,
            client=Client(raise_request_exception=False),
            audit_ignored=SIGN_IN_EVENTS,
        )
    assert response.status_code in (200, 302, 400, 403, 429)


@fuzz_settings()
@given(data=st.data())
def test_signed_out_post_is_held_through_sign_in(fuzz, officer, area, group, data):
    """A signed-out save comes back as the sign-in page, whatever was posted."""
    valid = meeting_data(area=area, groups=[group], officers=[officer])
    pairs = data.draw(mutated(valid))
    with fuzz.example():
        response = fuzz.post(
            reverse("meetings:meeting-create"), pairs, client=Client(raise_request_exception=False)
        )
    assert response.status_code in (200, 400, 413)


def test_the_valid_posts_are_valid(client, officer, area, group, editable):
    """The fuzz tests mutate these posts: each must be accepted as it stands, or the
    tests would only ever see refusals."""
    client.force_login(officer)
    url = reverse("meetings:meeting-edit", args=[editable.uuid])
    response = client.post(url, dict(_lists(pairs_of(edit_data(editable, officer, area, group)))))
    assert response.status_code == 302, response.content.decode()[:3000]


def _lists(pairs):
    merged: dict[str, list[str]] = {}
    for key, value in pairs:
        merged.setdefault(key, []).append(value)
    return merged.items()
