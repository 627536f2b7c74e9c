"""Disputes on the meeting page, escalating one (/disputes/<uuid>/escalate/) and the
admins' list of escalated disputes (/disputes/escalated/)."""

import pytest
from django.urls import reverse

from engagement.audit.models import AuditEvent
from engagement.meetings.models import Disclosure, DisclosureConfirmation, Dispute, Review
from engagement.meetings.services import review as review_services
from engagement.meetings.services.review import ESCALATION_REASON_ERROR
from engagement.meetings.views.review import ESCALATED_MESSAGE
from tests.factories import DisclosureFactory, MeetingFactory, make_liaison, make_officer
from tests.meetings.review_steps import answers, correct, review

A = DisclosureConfirmation.Answer
COMMENTS = "The officer never said they were counter-terrorism police."
NOTE = "Recorded Sam's disclosure as partial: he said police, not counter-terrorism."
REASON = "We still disagree about what was said at the start."


@pytest.fixture
def disputed(officer, colleague, unit, area, group, liaison):
    """`liaison` answered "no" for `officer` (full) and yes for `colleague` (partial)."""
    meeting = MeetingFactory(author=officer, unit=unit, area=area, groups=[group])
    DisclosureFactory(meeting=meeting, officer=officer)
    DisclosureFactory(
        meeting=meeting,
        officer=colleague,
        level=Disclosure.Level.PARTIAL,
        reason="Introduced as local police.",
    )
    review(
        meeting,
        liaison,
        accuracy=Review.Accuracy.NEEDS_CORRECTIONS,
        confirmations=answers(meeting, officer=A.NO),
        comments=COMMENTS,
    )
    meeting.refresh_from_db()
    return meeting


def dispute_block(html: str) -> str:
    return html.split('id="dispute-title"')[1].split('<h2 class="govuk-heading-m">')[0]


def escalate_url(dispute) -> str:
    return reverse("meetings:dispute-escalate", args=[dispute.uuid])


LIST_URL = reverse("meetings:dispute-escalated-list")


# On the meeting page ------------------------------------------------------------------


def test_the_officer_reads_exactly_what_was_disputed(client, officer, disputed):
    client.force_login(officer)
    html = client.get(disputed.get_absolute_url()).content.decode()
    block = dispute_block(html)
    assert "Awaiting the officer&#x27;s correction" in block
    assert "Needs corrections" in block
    assert COMMENTS in block
    # Only the answers that are not yes, beside what the officers recorded.
    assert '<th scope="row" class="govuk-table__header">Sam Okafor</th>' in block
    assert "Full – stated their counter-terrorism role plainly" in block
    assert ">No</td>" in block
    assert "Priya Shah" not in block
    edit = reverse("meetings:meeting-edit", args=[disputed.uuid])
    assert f'href="{edit}">Correct the meeting</a>' in block
    dispute = Dispute.objects.get()
    assert f'href="{escalate_url(dispute)}">Mark as unresolved and escalate</a>' in block


def test_the_liaison_may_escalate_but_not_correct_and_the_admin_neither(
    client, liaison, admin_user, disputed
):
    client.force_login(liaison)
    block = dispute_block(client.get(disputed.get_absolute_url()).content.decode())
    assert "Mark as unresolved and escalate" in block
    assert "Correct the meeting" not in block
    client.force_login(admin_user)
    block = dispute_block(client.get(disputed.get_absolute_url()).content.decode())
    assert COMMENTS in block
    assert "Mark as unresolved and escalate" not in block
    assert "Correct the meeting" not in block


def test_after_the_correction_the_page_shows_the_note_and_awaits_a_review(
    client, officer, disputed
):
    correct(disputed, officer, note=NOTE, summary="Corrected summary.")
    client.force_login(officer)
    block = dispute_block(client.get(disputed.get_absolute_url()).content.decode())
    assert "Corrected, awaiting a new review" in block
    assert NOTE.replace("'", "&#x27;") in block
    assert "Correct the meeting" not in block


def test_a_resolved_dispute_leaves_the_page_and_is_listed_as_ended(
    client, officer, liaison, disputed
):
    correct(disputed, officer, note=NOTE, summary="Corrected summary.")
    review(disputed, liaison)
    client.force_login(officer)
    html = client.get(disputed.get_absolute_url()).content.decode()
    assert 'id="dispute-title"' not in html
    assert "Earlier disputes" in html
    assert ": resolved on " in html


# Escalating ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "liaison"])
def test_a_party_opens_the_escalation_page(client, request, disputed, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(escalate_url(Dispute.objects.get()))
    assert response.status_code == 200
    html = response.content.decode()
    assert COMMENTS in html
    assert "Why is the dispute unresolved?" in html
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("pk")
    assert (event.actor, event.meeting) == (user, disputed)


def test_escalating_requires_sign_in(client, disputed):
    assert client.get(escalate_url(Dispute.objects.get())).status_code == 302


@pytest.mark.parametrize("who", ["other_liaison", "other_unit_officer", "admin_user"])
def test_people_not_party_to_the_dispute_get_404(client, request, disputed, who):
    client.force_login(request.getfixturevalue(who))
    url = escalate_url(Dispute.objects.get())
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": REASON}).status_code == 404
    assert Dispute.objects.get().status == Dispute.Status.OPEN


def test_an_ended_dispute_cannot_be_escalated_again(client, officer, disputed):
    dispute = Dispute.objects.get()
    review_services.dispute_escalate(dispute=dispute, by=officer, reason=REASON)
    client.force_login(officer)
    assert client.get(escalate_url(dispute)).status_code == 404


def test_a_reason_is_required(client, officer, disputed):
    client.force_login(officer)
    response = client.post(escalate_url(Dispute.objects.get()), {"reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert ESCALATION_REASON_ERROR in html
    assert Dispute.objects.get().status == Dispute.Status.OPEN


def test_escalating_sends_it_to_the_admins(client, liaison, disputed):
    client.force_login(liaison)
    response = client.post(escalate_url(Dispute.objects.get()), {"reason": REASON}, follow=True)
    assert response.redirect_chain == [(disputed.get_absolute_url(), 302)]
    assert ESCALATED_MESSAGE in response.content.decode()
    dispute = Dispute.objects.get()
    assert dispute.status == Dispute.Status.ESCALATED
    assert (dispute.closed_by, dispute.escalation_reason) == (liaison, REASON)
    assert AuditEvent.objects.get(action=AuditEvent.Action.ESCALATE).reason == REASON


# The admins' list ---------------------------------------------------------------------


def escalate(meeting, by, reason=REASON) -> Dispute:
    dispute = Dispute.objects.get(meeting=meeting)
    return review_services.dispute_escalate(dispute=dispute, by=by, reason=reason)


def test_the_list_keeps_the_communitys_account_beside_the_officers(
    client, admin_user, officer, disputed
):
    correct(disputed, officer, note=NOTE, summary="Corrected summary.")
    escalate(disputed, officer)
    client.force_login(admin_user)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    community = html.split("The community’s account")[1].split("The officers’ account")[0]
    assert "Needs corrections" in community
    assert COMMENTS in community
    assert ">No</td>" in community
    officers = html.split("The officers’ account")[1].split("</div>")[0]
    assert "<strong>Sam Okafor</strong>: Full – stated their counter-terrorism role plainly" in (
        officers
    )
    assert "<strong>Priya Shah</strong>: Partial" in officers
    assert NOTE in html
    assert REASON in html
    assert "by Sam Okafor" in html


def test_the_list_shows_escalated_disputes_only(client, admin_user, disputed, meeting, liaison):
    review(meeting, liaison, accuracy=Review.Accuracy.INACCURATE)  # open, not escalated
    client.force_login(admin_user)
    html = client.get(LIST_URL).content.decode()
    assert "No dispute has been escalated." in html
    assert disputed.purpose not in html


def test_the_list_requires_sign_in(client):
    assert client.get(LIST_URL).status_code == 302


@pytest.mark.parametrize("who", ["officer", "liaison"])
def test_the_list_is_for_admins_only(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST_URL).status_code == 404


def escalated_meetings(count, *, unit, area, group, liaison):
    author = make_officer(unit=unit)
    for _ in range(count):
        meeting = MeetingFactory(author=author, unit=unit, area=area, groups=[group])
        DisclosureFactory(meeting=meeting, officer=author)
        DisclosureFactory(meeting=meeting, officer=make_officer(unit=unit))
        review(meeting, liaison, confirmations=answers(meeting, default=A.UNSURE))
        escalate(meeting, author)


def test_the_list_is_paginated(client, admin_user, unit, area, group, liaison, settings):
    settings.PAGE_SIZE = 2
    escalated_meetings(3, unit=unit, area=area, group=group, liaison=liaison)
    client.force_login(admin_user)
    first = client.get(LIST_URL).content.decode()
    assert first.count('class="govuk-summary-card"') == 2
    assert "Page 1 of 2" in first
    second = client.get(LIST_URL, {"page": 2}).content.decode()
    assert second.count('class="govuk-summary-card"') == 1


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_query_count_is_bounded(
    client, admin_user, unit, area, group, count, django_assert_max_num_queries
):
    liaisons = [make_liaison(group) for _ in range(2)]
    escalated_meetings(count, unit=unit, area=area, group=group, liaison=liaisons[0])
    client.force_login(admin_user)
    with django_assert_max_num_queries(12):  # +1: the read log's insert
        assert client.get(LIST_URL).status_code == 200


@pytest.mark.parametrize("officers", [1, 6])
def test_the_escalation_page_query_count_is_bounded(
    client, officer, unit, area, group, liaison, officers, django_assert_max_num_queries
):
    meeting = MeetingFactory(author=officer, unit=unit, area=area, groups=[group])
    for _ in range(officers):
        DisclosureFactory(meeting=meeting, officer=make_officer(unit=unit))
    review(meeting, liaison, confirmations=answers(meeting, default=A.NO))
    client.force_login(officer)
    with django_assert_max_num_queries(11):
        assert client.get(escalate_url(Dispute.objects.get())).status_code == 200
