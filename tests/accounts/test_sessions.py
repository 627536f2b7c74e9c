"""Sessions: they end after 30 minutes without a request and when the browser closes;
the key changes at sign-in; sign-out is a POST and ends the session; Django's password
validators are on."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PASSWORD

SIGN_IN = reverse("accounts:sign-in")
SIGN_OUT = reverse("accounts:sign-out")
HOME = reverse("home")
START = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)


def sign_in(client):
    response = client.post(SIGN_IN, {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_the_session_ends_after_30_minutes_without_a_request(client, officer):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client)
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


def test_each_request_keeps_the_session_alive(client, officer):
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client)
        for _ in range(3):
            traveller.shift(datetime.timedelta(minutes=25))
            assert client.get(HOME).status_code == 200


def test_the_session_cookie_ends_when_the_browser_closes(client, officer):
    cookie = sign_in(client).cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_session_key_changes_at_sign_in(client, officer):
    before = client.session
    before["seen"] = True
    before.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key

    after = sign_in(client).cookies[settings.SESSION_COOKIE_NAME].value

    assert after != before.session_key
    assert not Session.objects.filter(session_key=before.session_key).exists()
    assert Session.objects.filter(session_key=after).exists()


def test_sign_out_is_a_post_that_ends_the_session(client, officer):
    sign_in(client)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(SIGN_OUT).status_code == 405
    assert Session.objects.filter(session_key=key).exists()

    response = client.post(SIGN_OUT)

    assert response.url == SIGN_IN
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(HOME).status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("8417529360", "entirely numeric"),
        ("SamOkafor1", "too similar"),
    ],
)
def test_the_password_validators_are_on(officer, password, message):
    with pytest.raises(ValidationError, match=message):
        validate_password(password, user=officer)
    validate_password(PASSWORD, user=officer)
