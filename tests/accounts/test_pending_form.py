"""A save that arrives after the session expired is held until its author signs in."""

import re
from html import unescape

from django.urls import reverse

from engagement.accounts.pending import RESTORED_MESSAGE, SESSION_EXPIRED_MESSAGE
from engagement.meetings.models import Meeting
from tests.factories import PASSWORD
from tests.meetings.form_data import meeting_data

CREATE_URL = reverse("meetings:meeting-create")
SIGN_IN = reverse("accounts:sign-in")


def post_signed_out(client, officer, area, group):
    data = meeting_data(area=area, groups=[group], officers=[officer], purpose="Typed at length")
    data["typed_by"] = str(officer.pk)
    response = client.post(CREATE_URL, data)
    html = unescape(response.content.decode())
    blob = re.search(r'name="pending" value="([^"]+)"', html).group(1)
    return response, html, blob


def test_signed_out_save_shows_sign_in_and_keeps_the_data(client, officer, area, group):
    response, html, blob = post_signed_out(client, officer, area, group)
    assert response.status_code == 200
    assert SESSION_EXPIRED_MESSAGE in html
    assert f'name="next" value="{CREATE_URL}"' in html
    assert not Meeting.objects.exists()

    response = client.post(
        SIGN_IN, {"username": "officer", "password": PASSWORD, "next": CREATE_URL, "pending": blob}
    )
    assert response.url == CREATE_URL
    html = unescape(client.get(CREATE_URL).content.decode())
    assert RESTORED_MESSAGE in html
    assert 'value="Typed at length"' in html
    assert not Meeting.objects.exists()
    # Shown once: the next visit is a fresh form.
    assert "Typed at length" not in client.get(CREATE_URL).content.decode()


def test_a_mistyped_password_keeps_the_held_form(client, officer, area, group):
    _, _, blob = post_signed_out(client, officer, area, group)
    html = client.post(
        SIGN_IN, {"username": "officer", "password": "wrong", "next": CREATE_URL, "pending": blob}
    ).content.decode()
    assert f'name="pending" value="{blob}"' in html


def test_someone_else_signing_in_does_not_get_the_form(client, officer, colleague, area, group):
    _, _, blob = post_signed_out(client, officer, area, group)
    client.post(
        SIGN_IN,
        {"username": "colleague", "password": PASSWORD, "next": CREATE_URL, "pending": blob},
    )
    assert "Typed at length" not in client.get(CREATE_URL).content.decode()


def test_a_tampered_held_form_is_ignored(client, officer):
    response = client.post(
        SIGN_IN,
        {"username": "officer", "password": PASSWORD, "next": CREATE_URL, "pending": "forged:x"},
    )
    assert response.status_code == 302
    assert client.get(CREATE_URL).status_code == 200
