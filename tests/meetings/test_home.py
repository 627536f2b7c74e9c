"""The home page, "my work", for each role."""

import datetime

from django.urls import reverse
from django.utils import timezone

from engagement.meetings.models import Dispute, FollowUpAction, Meeting
from tests.factories import (
    FollowUpFactory,
    MeetingFactory,
    ReportBackConfirmationFactory,
    ReviewFactory,
)

HOME = reverse("home")
SIGN_IN = reverse("accounts:sign-in")


def home_html(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_home_requires_sign_in(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


def test_officer_home_lists_drafts_disputes_and_overdue_follow_ups(
    client, officer, unit, area, group
):
    draft = MeetingFactory(
        author=officer, unit=unit, area=area, groups=[group], status=Meeting.Status.DRAFT,
        purpose="My unfinished draft",
    )  # fmt: skip
    disputed = MeetingFactory(
        author=officer, unit=unit, area=area, groups=[group], status=Meeting.Status.DISPUTED,
        purpose="The disputed one",
    )  # fmt: skip
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    FollowUpFactory(meeting=disputed, owner=officer, owed_to=group, due_date=yesterday,
                    description="Late promise")  # fmt: skip
    html = home_html(client, officer)
    assert draft.purpose in html
    assert disputed.purpose in html
    assert "Late promise" in html
    assert 'govuk-tag--red">Overdue' in html


def test_officer_home_lists_partly_done_actions_but_not_done_ones(client, officer, meeting, group):
    FollowUpFactory(meeting=meeting, owner=officer, owed_to=group, description="Half way",
                    status=FollowUpAction.Status.PARTLY_DONE, remaining="The second leaflet")  # fmt: skip
    FollowUpFactory(meeting=meeting, owner=officer, owed_to=group, description="All finished",
                    status=FollowUpAction.Status.DONE, completed_on=timezone.localdate())  # fmt: skip
    html = home_html(client, officer)
    assert "Half way" in html
    assert "All finished" not in html


def test_untitled_draft_is_listed_by_its_date(client, officer, unit, area, group):
    MeetingFactory(author=officer, unit=unit, area=area, groups=[group],
                   status=Meeting.Status.DRAFT, purpose="")  # fmt: skip
    assert "Untitled draft" in home_html(client, officer)


def test_liaison_home_lists_meetings_awaiting_review_with_days_waiting(
    client, liaison, meeting, other_meeting
):
    Meeting.objects.filter(pk=meeting.pk).update(
        first_submitted_at=timezone.now() - datetime.timedelta(days=9)
    )
    html = home_html(client, liaison)
    assert meeting.purpose in html
    assert "waiting 9 days" in html
    assert reverse("meetings:review-create", args=[meeting.uuid]) in html
    assert other_meeting.purpose not in html


def test_liaison_home_leaves_out_meetings_already_reviewed_at_this_version(
    client, liaison, meeting
):
    ReviewFactory(meeting=meeting, liaison=liaison, meeting_version=meeting.version)
    html = home_html(client, liaison)
    assert "No meeting of your groups is waiting for your review." in html


def test_liaison_home_shows_disputes_they_raised_and_where_they_stand(client, liaison, meeting):
    review = ReviewFactory(meeting=meeting, liaison=liaison, accuracy="inaccurate")
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.DISPUTED)
    Dispute.objects.create(meeting=meeting, opened_by=review)
    html = home_html(client, liaison)
    assert "Meetings you disputed" in html
    assert f"{meeting.purpose}</a> – Awaiting the officer&#x27;s correction" in html


def test_liaison_home_asks_to_confirm_report_backs_until_answered(
    client, liaison, officer, meeting, group
):
    done = FollowUpFactory(
        meeting=meeting, owner=officer, owed_to=group, description="Leaflet sent",
        status=FollowUpAction.Status.DONE, completed_on=timezone.localdate(),
        reported_back_on=timezone.localdate(),
    )  # fmt: skip
    html = home_html(client, liaison)
    assert "Leaflet sent" in html.split("Report-backs to confirm")[1].split("<h2")[0]

    ReportBackConfirmationFactory(
        follow_up=done, liaison=liaison, reported_back_on=done.reported_back_on
    )
    html = home_html(client, liaison)
    assert "Nothing is waiting for your answer." in html


def test_liaison_home_lists_actions_owed_to_their_groups_only(
    client, liaison, officer, other_unit_officer, meeting, other_meeting, group, other_group
):
    FollowUpFactory(meeting=meeting, owner=officer, owed_to=group, description="Ours")
    FollowUpFactory(meeting=other_meeting, owner=other_unit_officer, owed_to=other_group,
                    description="Theirs")  # fmt: skip
    html = home_html(client, liaison)
    assert "Ours" in html
    assert "Theirs" not in html


def test_admin_home_lists_escalated_disputes(client, admin_user, liaison, meeting):
    review = ReviewFactory(meeting=meeting, liaison=liaison, accuracy="inaccurate")
    Dispute.objects.create(
        meeting=meeting, opened_by=review, status=Dispute.Status.ESCALATED,
        closed_at=timezone.now(), escalation_reason="Still wrong",
    )  # fmt: skip
    html = home_html(client, admin_user)
    assert meeting.purpose in html.split("Escalated disputes")[1]


def test_home_query_count_is_bounded(
    client, officer, liaison, unit, area, group, django_assert_max_num_queries
):
    for _ in range(10):
        m = MeetingFactory(author=officer, unit=unit, area=area, groups=[group], status="draft")
        FollowUpFactory(meeting=m, owner=officer, owed_to=group)
        s = MeetingFactory(author=officer, unit=unit, area=area, groups=[group], officers=[officer])
        FollowUpFactory(meeting=s, owner=officer, owed_to=group, status="done",
                        completed_on=timezone.localdate(), reported_back_on=timezone.localdate())  # fmt: skip
    for user in (officer, liaison):
        client.force_login(user)
        with django_assert_max_num_queries(14):
            assert client.get(HOME).status_code == 200


def test_home_shows_the_first_ten_drafts_and_links_to_the_rest(client, officer, unit, area, group):
    for _ in range(12):
        MeetingFactory(author=officer, unit=unit, area=area, groups=[group], status="draft")
    html = home_html(client, officer)
    assert html.count("Community meeting number") == 10
    assert "All drafts" in html
