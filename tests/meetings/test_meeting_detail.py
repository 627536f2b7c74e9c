import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.audit.models import AuditEvent
from engagement.audit.services import record_event
from engagement.meetings.models import Dispute, Meeting, Review
from tests.factories import (
    ConfirmationFactory,
    DisclosureFactory,
    FollowUpFactory,
    MeetingFactory,
    ReviewFactory,
    make_liaison,
    make_officer,
)
from tests.meetings.review_steps import answers, review


def test_it_works(client, officer, meeting):
    client.force_login(officer)
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert meeting.purpose in html
    assert "Secret internal note" in html
    assert "Edit meeting" in html


def test_it_requires_sign_in(client, meeting):
    assert client.get(meeting.get_absolute_url()).status_code == 302


def test_reviewed_meeting_offers_no_edit(client, officer, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.REVIEWED)
    client.force_login(officer)
    assert "Edit meeting" not in client.get(meeting.get_absolute_url()).content.decode()


def test_meeting_after_group_declined_is_flagged(client, officer, meeting, group):
    group.declined_engagement_from = meeting.date
    group.save()
    client.force_login(officer)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "declined counter-terrorism engagement" in html


@pytest.mark.parametrize("rows", [1, 8])
def test_query_count_is_bounded(
    client, officer, liaison, unit, area, group, rows, django_assert_max_num_queries
):
    """As many officers, follow-ups and reviews (each answering for every officer) as
    `rows`, a dispute open and one ended: the page costs the same."""
    meeting = MeetingFactory(author=officer, unit=unit, area=area, groups=[group])
    for _ in range(rows):
        attendee = make_officer(unit=unit)
        DisclosureFactory(meeting=meeting, officer=attendee)
        FollowUpFactory(meeting=meeting, owner=attendee, owed_to=group)
        record_event(actor=attendee, action=AuditEvent.Action.VIEW, meeting=meeting)
    disclosures = list(meeting.disclosures.all())
    reviews = []
    for _ in range(rows):
        reviews.append(ReviewFactory(meeting=meeting, liaison=make_liaison(group)))
        for disclosure in disclosures:
            ConfirmationFactory(review=reviews[-1], disclosure=disclosure, answer="no")
    Dispute.objects.create(
        meeting=meeting,
        opened_by=reviews[0],
        status=Dispute.Status.RESOLVED,
        closed_at=timezone.now(),
        closed_by=liaison,
    )
    Dispute.objects.create(meeting=meeting, opened_by=reviews[-1], opened_at=reviews[0].created_at)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.DISPUTED)
    for viewer in (officer, liaison):
        client.force_login(viewer)
        # Who has opened it: opens, exports and the exports' needs, counted (3).
        with django_assert_max_num_queries(21):
            response = client.get(meeting.get_absolute_url())
        assert response.status_code == 200
        assert response.content.decode().count('class="govuk-summary-card"') == rows


def test_a_liaison_is_offered_the_review_until_they_have_reviewed(client, liaison, meeting):
    client.force_login(liaison)
    review_url = reverse("meetings:review-create", args=[meeting.uuid])
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{review_url}">Review this meeting</a>' in html
    review(meeting, liaison)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Review this meeting" not in html


def test_officers_and_admins_are_not_offered_a_review(client, officer, admin_user, meeting):
    for user in (officer, admin_user):
        client.force_login(user)
        assert "Review this meeting" not in client.get(meeting.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["officer", "liaison", "admin_user"])
def test_every_review_is_shown_in_order_beside_what_the_officers_recorded(
    client, request, meeting, officer, liaison, group, who
):
    second = make_liaison(group, first_name="Bilal", last_name="Hussain")
    review(meeting, liaison, comments="First look: fair.")
    review(
        meeting,
        second,
        accuracy=Review.Accuracy.INACCURATE,
        confirmations=answers(meeting, officer="unsure"),
        comments="Second look: not what we heard.",
    )
    client.force_login(request.getfixturevalue(who))
    html = client.get(meeting.get_absolute_url()).content.decode()
    section = html.split('id="reviews"')[1]
    first, later = section.split("2. Bilal Hussain")
    assert "1. Amina Rahman" in first
    assert "Accurate" in first
    assert "Unchanged" in first
    assert "First look: fair." in first
    assert ">Yes</td>" in first
    assert "Inaccurate" in later
    assert "Second look: not what we heard." in later
    assert "Full – stated their counter-terrorism role plainly</td>" in later
    assert ">Unsure</td>" in later


def test_a_meeting_without_reviews_says_so(client, officer, meeting):
    client.force_login(officer)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "No liaison has reviewed this meeting yet." in html


def test_liaison_gets_links_only_to_actions_owed_to_their_groups(
    client, liaison, officer, meeting, group, second_group
):
    meeting.groups.add(second_group)
    ours = FollowUpFactory(meeting=meeting, owner=officer, owed_to=group, description="Ours")
    theirs = FollowUpFactory(
        meeting=meeting, owner=officer, owed_to=second_group, description="Theirs"
    )
    client.force_login(liaison)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{ours.get_absolute_url()}">Ours</a>' in html
    assert theirs.get_absolute_url() not in html
    assert "Theirs" in html


def test_untitled_draft_has_a_heading(client, officer, unit, area, group):
    draft = MeetingFactory(author=officer, unit=unit, area=area, groups=[group],
                           status="draft", purpose="")  # fmt: skip
    client.force_login(officer)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert '<h1 class="govuk-heading-l">Untitled draft</h1>' in html


def test_liaison_sees_which_action_answers_each_concern_and_its_state(
    client, liaison, officer, meeting, group
):
    Meeting.objects.filter(pk=meeting.pk).update(
        concern_surveillance=True,
        concern_hate_crime=True,
        concerns_needing_response=["concern_surveillance", "concern_hate_crime"],
    )
    action = FollowUpFactory(
        meeting=meeting,
        owner=officer,
        owed_to=group,
        description="Explain how meeting notes are kept",
        answers_concern="concern_surveillance",
        status="partly_done",
        remaining="The written answer",
    )
    client.force_login(liaison)
    html = client.get(meeting.get_absolute_url()).content.decode()
    answers = html.split("Concerns the community asked the police to answer")[1].split("</dd>")[0]
    assert "<strong>Surveillance or covert observation</strong>" in answers
    assert f'href="{action.get_absolute_url()}">Explain how meeting notes are kept</a>' in answers
    assert "Partly done" in answers
    assert "<strong>Hate crime</strong>:" in answers
    assert "no follow-up action answers it yet" in answers
