"""What django-axes records of a sign-in fits its tables: on PostgreSQL an overlong
username or a NUL byte in a header was a 500 (engagement/accounts/lockout.py)."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from engagement.accounts.lockout import username_tried
from engagement.audit.models import AuditEvent
from tests.factories import PASSWORD

SIGN_IN = reverse("accounts:sign-in")


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", [SIGN_IN, "/admin/login/"])
def test_an_overlong_username_is_a_failed_sign_in_not_a_500(browser, db, url):
    response = browser.post(url, {"username": "u" * 100_000, "password": "wrong"})

    assert response.status_code == 200
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "u" * 150
    event = AuditEvent.objects.get(action=AuditEvent.Action.FAILED_SIGN_IN)
    assert event.detail == {"username": "u" * 150}


def test_overlong_usernames_still_lock(browser, db):
    for _ in range(5):
        response = browser.post(SIGN_IN, {"username": "u" * 300, "password": "wrong"})
    assert response.status_code == 429
    assert "u" * 150 in response.content.decode()
    assert "u" * 151 not in response.content.decode()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Mozilla\x00/5.0"},
        {"HTTP_ACCEPT": "text/html\x00"},
        {"HTTP_USER_AGENT": "\u202e\u200b" * 1000},
    ],
)
def test_a_nul_byte_or_odd_text_in_a_header_is_stored_not_a_500(browser, officer, headers):
    response = browser.post(SIGN_IN, {"username": "officer", "password": "wrong"}, **headers)
    assert response.status_code == 200
    assert "\x00" not in AccessAttempt.objects.get().user_agent

    response = browser.post(SIGN_IN, {"username": "officer", "password": PASSWORD}, **headers)
    assert response.status_code == 302
    response = browser.post(reverse("accounts:sign-out"), **headers)
    assert response.status_code == 302


def test_the_username_counted_is_the_one_typed_up_to_an_accounts_length(rf):
    request = rf.post(SIGN_IN, {"username": "officer"})
    assert username_tried(request) == "officer"
    assert username_tried(request, {"username": "sam\x00"}) == "sam\ufffd"
    assert username_tried(request, {"username": "x" * 200}) == "x" * 150
    assert username_tried(rf.post(SIGN_IN, {})) is None
