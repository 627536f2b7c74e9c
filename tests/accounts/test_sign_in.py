import datetime

from django.urls import reverse
from django.utils import timezone

from engagement.audit.models import AuditEvent
from engagement.meetings.models import Meeting
from tests.factories import PASSWORD, FollowUpFactory, MeetingFactory

SIGN_IN = reverse("accounts:sign-in")
SIGN_OUT = reverse("accounts:sign-out")


def test_sign_in_and_its_audit_event(client, officer):
    response = client.post(SIGN_IN, {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN, actor=officer).exists()


def test_failed_sign_in_says_so_keeps_the_username_and_is_audited(client, officer):
    response = client.post(SIGN_IN, {"username": "officer", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a correct username and password" in html
    assert 'value="officer"' in html
    event = AuditEvent.objects.get(action=AuditEvent.Action.FAILED_SIGN_IN)
    assert event.detail == {"username": "officer"}
    assert "wrong" not in str(event.detail)


def test_next_only_goes_to_this_site(client, officer):
    response = client.post(
        SIGN_IN + "?next=https://evil.example/", {"username": "officer", "password": PASSWORD}
    )
    assert response.url == reverse("home")


def test_sign_out_is_post_only(client, officer):
    client.force_login(officer)
    assert client.get(SIGN_OUT).status_code == 405
    response = client.post(SIGN_OUT)
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_home_requires_sign_in(client, db):
    response = client.get(reverse("home"))
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
    client.force_login(officer)
    html = client.get(reverse("home")).content.decode()
    assert draft.purpose in html
    assert disputed.purpose in html
    assert "Late promise" in html
    assert "Overdue" in html


def test_liaison_home_lists_meetings_awaiting_review(client, liaison, meeting, other_meeting):
    client.force_login(liaison)
    html = client.get(reverse("home")).content.decode()
    assert meeting.purpose in html
    assert other_meeting.purpose not in html


def test_home_query_count_is_bounded(
    client, officer, unit, area, group, django_assert_max_num_queries
):
    for _ in range(10):
        m = MeetingFactory(author=officer, unit=unit, area=area, groups=[group], status="draft")
        FollowUpFactory(meeting=m, owner=officer, owed_to=group)
    client.force_login(officer)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("home")).status_code == 200


def test_home_shows_the_first_ten_drafts_and_links_to_the_rest(client, officer, unit, area, group):
    for _ in range(12):
        MeetingFactory(author=officer, unit=unit, area=area, groups=[group], status="draft")
    client.force_login(officer)
    html = client.get(reverse("home")).content.decode()
    assert html.count("Community meeting number") == 10
    assert "All drafts" in html
