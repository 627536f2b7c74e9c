"""Sign-in lockout (django-axes): repeated failures lock the account for a while, the
person is told plainly until when and what to do, admins unlock, and both are audited."""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse

from engagement.accounts.services import NOT_LOCKED_MESSAGE, UNLOCKED_MESSAGE
from engagement.accounts.views import (
    HELD_FORM_LOST,
    LOCKED_OUT_ASK_ADMIN,
    duration_in_words,
)
from engagement.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parent.parent.parent
SIGN_IN = reverse("accounts:sign-in")
HOME = reverse("home")
USERS = "/admin/accounts/user/"
LONDON = ZoneInfo("Europe/London")
# 14:00 in London (summer time): the lockout page gives times as the person reads them.
START = datetime.datetime(2026, 6, 1, 14, 0, tzinfo=LONDON)


def sign_in(client, username, password):
    return client.post(SIGN_IN, {"username": username, "password": password})


def fail(client, username, times):
    return [sign_in(client, username, "wrong-password").status_code for _ in range(times)]


def page(response):
    return response.content.decode()


@pytest.fixture
def at_start():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def as_superuser(client, superuser):
    client.force_login(superuser)
    return client


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_refused(
    client, officer, at_start
):
    assert fail(client, "officer", 4) == [200] * 4
    locking = sign_in(client, "officer", "wrong-password")
    assert locking.status_code == 429

    response = sign_in(client, "officer", PASSWORD)

    assert response.status_code == 429
    html = page(response)
    assert "You cannot sign in for 15 minutes" in html
    assert "There were 5 failed attempts to sign in as <strong>officer</strong>" in html
    assert "You can sign in again at 14:15." in html
    assert LOCKED_OUT_ASK_ADMIN in html
    assert "Traceback" not in html
    assert response["Retry-After"] == str(15 * 60)
    assert "no-store" in response["Cache-Control"]
    # Not signed in.
    assert client.get(HOME).status_code == 302


def test_tries_while_locked_do_not_extend_it_and_the_page_counts_down(client, officer, at_start):
    fail(client, "officer", 5)
    at_start.shift(datetime.timedelta(minutes=10))

    response = sign_in(client, "officer", PASSWORD)

    assert response.status_code == 429
    assert "You cannot sign in for 5 minutes" in page(response)
    assert "You can sign in again at 14:15." in page(response)
    assert response["Retry-After"] == str(5 * 60)


def test_after_the_lockout_time_the_right_password_works(client, officer, at_start):
    fail(client, "officer", 5)
    at_start.shift(datetime.timedelta(minutes=15, seconds=1))

    response = sign_in(client, "officer", PASSWORD)

    assert response.status_code == 302
    assert response.url == HOME


def test_other_accounts_are_unaffected(client, officer, colleague, at_start):
    fail(client, "officer", 5)

    response = sign_in(client, "colleague", PASSWORD)

    assert response.status_code == 302
    assert client.get(HOME).status_code == 200


def test_a_successful_sign_in_forgets_earlier_failures(client, officer, at_start):
    fail(client, "officer", 4)
    assert sign_in(client, "officer", PASSWORD).status_code == 302
    client.post(reverse("accounts:sign-out"))

    assert fail(client, "officer", 4) == [200] * 4
    assert sign_in(client, "officer", PASSWORD).status_code == 302


def test_the_lockout_is_audited_once_with_the_username_tried(client, officer, at_start):
    fail(client, "officer", 5)
    sign_in(client, "officer", PASSWORD)
    fail(client, "officer", 2)

    event = AuditEvent.objects.get(action=AuditEvent.Action.LOCKED_OUT)
    assert event.actor is None
    assert (event.record_kind, event.record_id) == ("user", str(officer.pk))
    assert event.detail == {"username": "officer", "failures": 5, "minutes": 15}
    # Every try is a failed sign-in, the refused right password too; never the password.
    failed = AuditEvent.objects.filter(action=AuditEvent.Action.FAILED_SIGN_IN)
    assert failed.count() == 8
    assert not AuditEvent.objects.filter(detail__icontains=PASSWORD).exists()


def test_a_username_with_no_account_is_locked_and_audited_too(client, db, at_start):
    assert fail(client, "nobody", 5)[-1] == 429

    event = AuditEvent.objects.get(action=AuditEvent.Action.LOCKED_OUT)
    assert (event.record_kind, event.record_id) == ("user", "")
    assert event.detail["username"] == "nobody"


def test_axes_keeps_neither_the_password_nor_a_held_form(client, officer, at_start):
    client.post(
        SIGN_IN,
        {"username": "officer", "password": "secret-guess", "pending": "police-only-notes"},
    )
    attempt = AccessAttempt.objects.get()
    assert "secret-guess" not in attempt.post_data
    assert "police-only-notes" not in attempt.post_data


def test_a_form_held_through_sign_in_is_said_to_be_lost_on_the_lockout_page(
    client, officer, at_start
):
    fail(client, "officer", 4)
    response = client.post(
        SIGN_IN, {"username": "officer", "password": "wrong", "pending": "a-held-form"}
    )
    assert response.status_code == 429
    assert HELD_FORM_LOST in page(response)


def test_the_django_admin_sign_in_is_locked_too(client, superuser, at_start):
    for _ in range(5):
        response = client.post(
            "/admin/login/", {"username": "root", "password": "wrong", "next": "/admin/"}
        )
    assert response.status_code == 429
    response = client.post(
        "/admin/login/", {"username": "root", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 429
    assert "You cannot sign in for 15 minutes" in page(response)


def test_an_admin_finds_locked_accounts_in_the_user_list(
    client, as_superuser, officer, colleague, at_start, django_assert_max_num_queries
):
    anonymous = type(client)()
    fail(anonymous, "officer", 5)
    fail(anonymous, "colleague", 2)

    with django_assert_max_num_queries(12):
        response = as_superuser.get(USERS, {"sign_in": "locked"})

    html = page(response)
    assert response.status_code == 200
    assert f'href="/admin/accounts/user/{officer.pk}/change/' in html
    assert f'href="/admin/accounts/user/{colleague.pk}/change/' not in html
    assert "Locked until 1 Jun 2026, 14:15" in html
    # Expired lockouts are not listed.
    at_start.shift(datetime.timedelta(minutes=16))
    html = page(as_superuser.get(USERS, {"sign_in": "locked"}))
    assert f'href="/admin/accounts/user/{officer.pk}/change/' not in html


def test_the_user_list_query_count_does_not_grow_with_locked_accounts(
    client, as_superuser, db, at_start, django_assert_max_num_queries
):
    anonymous = type(client)()
    for number in range(8):
        UserFactory(username=f"user{number}")
        fail(anonymous, f"user{number}", 5)
    with django_assert_max_num_queries(12):
        response = as_superuser.get(USERS)
    assert page(response).count("Locked until") == 8


def test_an_admin_unlocks_and_the_right_password_then_works(
    client, as_superuser, superuser, officer, at_start
):
    anonymous = type(client)()
    fail(anonymous, "officer", 5)

    response = as_superuser.post(
        USERS, {"action": "unlock_sign_in", "_selected_action": [officer.pk]}, follow=True
    )

    assert UNLOCKED_MESSAGE.format(names="officer") in page(response)
    assert sign_in(anonymous, "officer", PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.UNLOCK)
    assert event.actor == superuser
    assert (event.record_kind, event.record_id) == ("user", str(officer.pk))
    assert event.detail == {"username": "officer", "was_locked_until": "2026-06-01T14:15+01:00"}


def test_unlocking_an_account_that_is_not_locked_says_so_and_records_nothing(
    as_superuser, officer, at_start
):
    response = as_superuser.post(
        USERS, {"action": "unlock_sign_in", "_selected_action": [officer.pk]}, follow=True
    )
    assert NOT_LOCKED_MESSAGE.format(names="officer") in page(response)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UNLOCK).exists()


def test_only_the_admin_site_can_unlock(client, officer, colleague, at_start):
    fail(client, "colleague", 5)
    client.force_login(officer)
    response = client.post(USERS, {"action": "unlock_sign_in", "_selected_action": [colleague.pk]})
    assert response.status_code == 302
    assert "/admin/login/" in response.url
    assert sign_in(type(client)(), "colleague", PASSWORD).status_code == 429


def test_the_limit_and_the_lockout_time_are_settings(client, officer, settings, at_start):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=90)

    assert fail(client, "officer", 3) == [200, 200, 429]
    html = page(sign_in(client, "officer", PASSWORD))
    assert "You cannot sign in for 1 hour 30 minutes" in html
    assert "You can sign in again at 15:30." in html


def test_a_lockout_past_midnight_gives_the_date(client, officer, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(hours=2)
    with time_machine.travel(datetime.datetime(2026, 6, 1, 23, 30, tzinfo=LONDON), tick=False):
        fail(client, "officer", 5)
        html = page(sign_in(client, "officer", PASSWORD))
    assert "You can sign in again at 01:30 on 2 June 2026." in html


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (1, "1 minute"),
        (15, "15 minutes"),
        (60, "1 hour"),
        (61, "1 hour 1 minute"),
        (150, "2 hours 30 minutes"),
    ],
)
def test_durations_read_as_words(minutes, words):
    assert duration_in_words(minutes) == words


def settings_in_a_fresh_process(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SIGN_IN_")}
    environment |= {"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "engagement.settings", **env}
    code = (
        "from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()), "
        "s.AXES_LOCKOUT_PARAMETERS, s.AUTHENTICATION_BACKENDS[0], s.MIDDLEWARE[-1])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_limit_and_the_lockout_time_come_from_the_environment():
    default = settings_in_a_fresh_process()
    assert default.stdout.split() == [
        "5",
        "900",
        "['username']",
        "axes.backends.AxesStandaloneBackend",
        "axes.middleware.AxesMiddleware",
    ], default.stderr
    chosen = settings_in_a_fresh_process(SIGN_IN_FAILURE_LIMIT="3", SIGN_IN_LOCKOUT_MINUTES="60")
    assert chosen.stdout.split()[:2] == ["3", "3600"], chosen.stderr


@pytest.mark.parametrize(
    "env",
    [
        {"SIGN_IN_FAILURE_LIMIT": "0"},
        {"SIGN_IN_LOCKOUT_MINUTES": "0"},
        {"SIGN_IN_FAILURE_LIMIT": "five"},
    ],
)
def test_a_bad_lockout_setting_stops_the_start(env):
    result = settings_in_a_fresh_process(**env)
    assert result.returncode != 0
    assert "SIGN_IN_" in result.stderr
