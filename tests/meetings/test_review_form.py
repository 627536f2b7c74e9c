"""The liaison's review form: /meetings/<uuid>/review/."""

import re
from html import unescape

import pytest
from django.urls import reverse

from engagement.accounts.pending import RESTORED_MESSAGE, SESSION_EXPIRED_MESSAGE
from engagement.audit.models import AuditEvent
from engagement.meetings.forms.review import (
    ACCURACY_REQUIRED_ERROR,
    CONFIRMATION_REQUIRED_ERROR,
    TRUST_REQUIRED_ERROR,
)
from engagement.meetings.models import NO_PERSONAL_DETAILS, Disclosure, Meeting, Review
from engagement.meetings.services import review as review_services
from engagement.meetings.services.review import REVIEW_STALE_ERROR
from engagement.meetings.views.review import (
    ALREADY_REVIEWED_MESSAGE,
    AWAITING_CORRECTION_MESSAGE,
    DISPUTED_MESSAGE,
    REVIEWED_MESSAGE,
)
from tests.factories import PASSWORD, DisclosureFactory, MeetingFactory, make_liaison, make_officer
from tests.meetings.review_steps import correct, review

INTERNAL_NOTE = "Zebra-crossing-internal-7731"
PASSED_ON_REASON = "Quokka-reason-police-only-4410"


def url(meeting) -> str:
    return reverse("meetings:review-create", args=[meeting.uuid])


def post_data(meeting, *, accuracy="accurate", trust="improved", comments="", **answers):
    """The form as a browser sends it; `answers` by officer username, "yes" otherwise."""
    data = {"accuracy": accuracy, "trust_effect": trust, "comments": comments}
    data["version"] = str(meeting.version)
    for disclosure in meeting.disclosures.select_related("officer"):
        answer = answers.get(disclosure.officer.username, "yes")
        if answer is not None:
            data[f"disclosure_{disclosure.pk}"] = answer
    return {key: value for key, value in data.items() if value is not None}


def row(html: str, key: str) -> str:
    """The value of the first summary-list row named `key`."""
    return html.split(f'<dt class="govuk-summary-list__key">{key}</dt>')[1].split("</div>")[0]


def checked(html: str, name: str, value: str) -> bool:
    return re.search(rf'name="{name}"[^>]*value="{value}"\s*checked', html) is not None


@pytest.fixture
def signed_in(client, liaison):
    client.force_login(liaison)
    return client


@pytest.fixture
def passed_on_meeting(officer, colleague, unit, area, group):
    """Something was passed on, with police-only details, and two officers attended."""
    meeting = MeetingFactory(
        author=officer,
        unit=unit,
        area=area,
        groups=[group],
        internal_notes=INTERNAL_NOTE,
        passed_on=True,
        passed_on_kind=Meeting.PassedOnKind.SAFEGUARDING,
        passed_on_reason=PASSED_ON_REASON,
        community_told_passed_on=True,
        concerns_raised="Cameras outside the centre.",
        concern_surveillance=True,
        summary="The committee talked about the new cameras.",
        information_shared="Who the team are and how to complain.",
    )
    DisclosureFactory(meeting=meeting, officer=officer)
    DisclosureFactory(
        meeting=meeting,
        officer=colleague,
        level=Disclosure.Level.PARTIAL,
        method=Disclosure.Method.LIAISON,
        timing=Disclosure.Timing.DURING,
        reason="The chair introduced us as neighbourhood police.",
    )
    return meeting


# Healthchecks pattern ----------------------------------------------------------------


def test_it_shows_what_the_liaison_judges_beside_each_question(signed_in, passed_on_meeting):
    response = signed_in.get(url(passed_on_meeting))
    assert response.status_code == 200
    html = response.content.decode()
    for shown in (
        "The committee talked about the new cameras.",
        "Who the team are and how to complain.",
        "Cameras outside the centre.",
        "Surveillance or covert observation",
        "Yes; community told at the meeting: yes",
    ):
        assert shown in html
    assert "Was Sam Okafor’s counter-terrorism role made clear to the group?" in html
    assert (
        "What the officers recorded: Full – stated their counter-terrorism role plainly. "
        "How: Said it out loud. When: At the start." in html
    )
    assert (
        "What the officers recorded: Partial – said they were police, not counter-terrorism. "
        "How: Introduced by the liaison. When: During the meeting. "
        "Reason given: The chair introduced us as neighbourhood police." in html
    )
    assert NO_PERSONAL_DETAILS in html
    assert f'name="version" value="{passed_on_meeting.version}"' in html


def test_it_never_shows_internal_notes_or_what_was_passed_on_and_why(signed_in, passed_on_meeting):
    html = signed_in.get(url(passed_on_meeting)).content.decode()
    assert INTERNAL_NOTE not in html
    assert PASSED_ON_REASON not in html
    assert Meeting.PassedOnKind.SAFEGUARDING.label not in html


def test_opening_it_is_audited_as_a_read(signed_in, meeting, liaison):
    signed_in.get(url(meeting))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.actor, event.meeting) == (liaison, meeting)


def test_it_requires_sign_in(client, meeting):
    response = client.get(url(meeting))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


@pytest.mark.parametrize("who", ["officer", "admin_user", "other_liaison"])
def test_only_the_liaisons_of_the_meetings_groups_find_it(client, request, meeting, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(meeting)).status_code == 404
    assert client.post(url(meeting), post_data(meeting)).status_code == 404
    assert not Review.objects.exists()


@pytest.mark.parametrize("status", [Meeting.Status.DRAFT, Meeting.Status.WITHDRAWN])
def test_drafts_and_withdrawn_meetings_are_not_found(signed_in, meeting, status):
    Meeting.objects.filter(pk=meeting.pk).update(status=status, withdrawal_reason="Duplicate")
    assert signed_in.get(url(meeting)).status_code == 404


def test_a_disputed_meeting_says_it_awaits_the_correction(signed_in, meeting, group):
    other = make_liaison(group, username="second-liaison")
    review(meeting, other, accuracy=Review.Accuracy.INACCURATE)
    response = signed_in.get(url(meeting), follow=True)
    assert response.redirect_chain == [(meeting.get_absolute_url(), 302)]
    assert AWAITING_CORRECTION_MESSAGE in response.content.decode().replace("&#x27;", "'")


def test_a_revision_already_reviewed_by_this_liaison_says_so(signed_in, meeting, liaison):
    review(meeting, liaison)
    response = signed_in.get(url(meeting), follow=True)
    assert response.redirect_chain == [(meeting.get_absolute_url(), 302)]
    assert ALREADY_REVIEWED_MESSAGE in response.content.decode()
    response = signed_in.post(url(meeting), post_data(meeting))
    assert response.status_code == 302
    assert Review.objects.count() == 1


# Saving -----------------------------------------------------------------------------------


def test_confirming_everything_marks_the_meeting_reviewed(signed_in, meeting, liaison):
    response = signed_in.post(url(meeting), post_data(meeting, comments="A fair record."))
    assert response.status_code == 302
    assert response.url == meeting.get_absolute_url()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.REVIEWED
    saved = Review.objects.get()
    assert (saved.liaison, saved.accuracy, saved.comments) == (
        liaison,
        "accurate",
        "A fair record.",
    )
    assert list(saved.confirmations.values_list("answer", flat=True)) == ["yes"]
    page = signed_in.get(response.url).content.decode()
    assert REVIEWED_MESSAGE in page


def test_answering_no_for_a_full_disclosure_disputes_the_meeting(signed_in, meeting):
    response = signed_in.post(url(meeting), post_data(meeting, officer="no"), follow=True)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DISPUTED
    assert DISPUTED_MESSAGE in response.content.decode()


def test_missing_answers_are_refused_naming_the_officer_and_keeping_what_was_typed(
    signed_in, passed_on_meeting
):
    data = post_data(
        passed_on_meeting, accuracy=None, trust=None, comments="Kept comment", officer=None
    )
    response = signed_in.post(url(passed_on_meeting), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    for message in (
        ACCURACY_REQUIRED_ERROR,
        TRUST_REQUIRED_ERROR,
        CONFIRMATION_REQUIRED_ERROR.format(officer="Sam Okafor"),
    ):
        assert message in html
    assert CONFIRMATION_REQUIRED_ERROR.format(officer="Priya Shah") not in html
    assert "Kept comment</textarea>" in html
    colleague_disclosure = passed_on_meeting.disclosures.get(officer__username="colleague")
    assert checked(html, f"disclosure_{colleague_disclosure.pk}", "yes")
    assert not Review.objects.exists()


def test_a_comment_over_the_limit_is_refused(signed_in, meeting):
    response = signed_in.post(url(meeting), post_data(meeting, comments="x" * 2001))
    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    assert not Review.objects.exists()


def test_a_review_of_an_older_version_is_refused_with_the_answers_kept_and_can_be_resent(
    signed_in, meeting, officer, colleague
):
    data = post_data(meeting, accuracy="corrections", comments="My typed comment", officer="no")
    # Meanwhile the officer adds a colleague to the record.
    DisclosureFactory(meeting=meeting, officer=colleague)
    Meeting.objects.filter(pk=meeting.pk).update(version=meeting.version + 1)

    response = signed_in.post(url(meeting), data)
    assert response.status_code == 400
    html = response.content.decode().replace("&#x27;", "'")
    assert REVIEW_STALE_ERROR in html
    assert "My typed comment</textarea>" in html
    assert checked(html, "accuracy", "corrections")
    own = meeting.disclosures.get(officer=officer)
    assert checked(html, f"disclosure_{own.pk}", "no")
    # The page is the meeting as it is now: the new officer is asked about too.
    assert CONFIRMATION_REQUIRED_ERROR.format(officer="Priya Shah") in html
    assert f'name="version" value="{meeting.version + 1}"' in html
    assert not Review.objects.exists()

    meeting.refresh_from_db()
    resent = post_data(meeting, accuracy="corrections", officer="no")
    assert signed_in.post(url(meeting), resent).status_code == 302
    assert Review.objects.get().meeting_version == meeting.version


# Re-reviewing a correction -----------------------------------------------------------


def test_a_re_review_shows_the_correction_note_and_what_changed_but_no_police_only_change(
    signed_in, meeting, officer, other_liaison, liaison
):
    review(meeting, liaison, accuracy=Review.Accuracy.INACCURATE)
    correct(
        meeting,
        officer,
        note="Summary now says the cameras came up.",
        summary="The cameras came up.",
        internal_notes=INTERNAL_NOTE,
        disclosures={"officer": {"level": "partial", "reason": "Said police only."}},
    )
    response = signed_in.get(url(meeting))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Summary now says the cameras came up." in html
    changes = html.split("What changed since the dispute")[1].split("</ul>")[0]
    assert "<strong>Summary</strong>" in changes
    assert "The cameras came up." in changes
    assert "Disclosure: Sam Okafor" in changes
    assert "Internal notes" not in changes
    assert INTERNAL_NOTE not in html
    assert "Changed since the dispute" in row(html, "Summary")
    assert "Changed since the dispute" not in row(html, "What the police shared")


def test_a_first_review_shows_no_correction(signed_in, meeting):
    html = signed_in.get(url(meeting)).content.decode()
    assert "corrected the meeting" not in html
    assert "Changed since the dispute" not in html


@pytest.mark.parametrize("officers", [1, 8])
def test_query_count_is_bounded(
    client, liaison, unit, area, group, officers, django_assert_max_num_queries
):
    meeting = MeetingFactory(author=make_officer(unit=unit), unit=unit, area=area, groups=[group])
    for _ in range(officers):
        DisclosureFactory(meeting=meeting, officer=make_officer(unit=unit))
    client.force_login(liaison)
    with django_assert_max_num_queries(15):
        assert client.get(url(meeting)).status_code == 200


def test_an_edit_landing_while_the_review_is_saved_is_refused_too(signed_in, meeting, monkeypatch):
    """The officer saves between the page's check and the service's lock: the service's
    own check refuses it, and the page is the same as for any stale review."""
    real_submit = review_services.review_submit

    def officer_saves_first(**kwargs):
        Meeting.objects.filter(pk=meeting.pk).update(version=meeting.version + 1)
        return real_submit(**kwargs)

    monkeypatch.setattr(review_services, "review_submit", officer_saves_first)
    response = signed_in.post(url(meeting), post_data(meeting, comments="Typed before"))
    assert response.status_code == 400
    html = response.content.decode()
    assert REVIEW_STALE_ERROR in html
    assert "Typed before</textarea>" in html
    assert f'name="version" value="{meeting.version + 1}"' in html
    assert not Review.objects.exists()


def test_a_review_sent_after_the_session_expired_comes_back_after_sign_in(client, meeting, liaison):
    data = post_data(meeting, comments="Written slowly", officer="partly") | {
        "typed_by": str(liaison.pk)
    }
    html = unescape(client.post(url(meeting), data).content.decode())
    assert SESSION_EXPIRED_MESSAGE in html
    blob = re.search(r'name="pending" value="([^"]+)"', html).group(1)
    client.post(
        reverse("accounts:sign-in"),
        {"username": "liaison", "password": PASSWORD, "next": url(meeting), "pending": blob},
    )
    html = unescape(client.get(url(meeting)).content.decode())
    assert RESTORED_MESSAGE in html
    assert "Written slowly</textarea>" in html
    assert checked(html, f"disclosure_{meeting.disclosures.get().pk}", "partly")
    assert not Review.objects.exists()
