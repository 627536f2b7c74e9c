from django.urls import reverse

from engagement.meetings.models import Meeting


def test_withdraw_view_requires_a_reason(client, officer, meeting):
    client.force_login(officer)
    url = reverse("meetings:meeting-withdraw", args=[meeting.uuid])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Give a reason for withdrawing the meeting." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SUBMITTED

    response = client.post(url, {"reason": "Logged twice"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.WITHDRAWN


def test_colleague_who_is_not_the_author_cannot_withdraw(client, colleague, meeting):
    client.force_login(colleague)
    url = reverse("meetings:meeting-withdraw", args=[meeting.uuid])
    assert client.post(url, {"reason": "Mine now"}).status_code == 404


def test_admin_can_withdraw(client, admin_user, meeting):
    client.force_login(admin_user)
    url = reverse("meetings:meeting-withdraw", args=[meeting.uuid])
    assert client.post(url, {"reason": "Entered in error"}).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.WITHDRAWN
