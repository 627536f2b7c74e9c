import pytest

from engagement.meetings.models import Meeting
from tests.factories import DisclosureFactory, FollowUpFactory, MeetingFactory, make_officer


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


@pytest.mark.parametrize("officers", [1, 8])
def test_query_count_is_bounded(
    client, officer, unit, area, group, officers, django_assert_max_num_queries
):
    meeting = MeetingFactory(author=officer, unit=unit, area=area, groups=[group])
    for _ in range(officers):
        attendee = make_officer(unit=unit)
        DisclosureFactory(meeting=meeting, officer=attendee)
        FollowUpFactory(meeting=meeting, owner=attendee, owed_to=group)
    client.force_login(officer)
    with django_assert_max_num_queries(16):
        assert client.get(meeting.get_absolute_url()).status_code == 200
