"""An engagement admin, not only a superuser in the Django admin, finds locked accounts
and unlocks them; no one else may."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from engagement.accounts.services import (
    NOT_AN_ADMIN_ERROR,
    NOT_LOCKED_MESSAGE,
    UNLOCKED_MESSAGE,
    sign_in_unlock,
)
from engagement.audit.models import AuditEvent
from tests.accounts.test_lockout import START, fail, page, sign_in
from tests.factories import PASSWORD

LIST_URL = reverse("accounts:locked-list")


@pytest.fixture
def at_start():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def unlock_url(account):
    return reverse("accounts:unlock", args=[account.pk])


def test_an_admin_sees_who_is_locked_and_until_when(
    client, admin_user, officer, colleague, at_start
):
    fail(type(client)(), "officer", 5)
    fail(type(client)(), "colleague", 2)  # not yet locked
    client.force_login(admin_user)
    html = page(client.get(LIST_URL))
    assert "(officer)" in html and "(colleague)" not in html
    assert "1 Jun 2026, 14:15" in html


def test_an_admin_unlocks_from_the_page_and_it_is_audited(client, admin_user, officer, at_start):
    anonymous = type(client)()
    fail(anonymous, "officer", 5)
    client.force_login(admin_user)
    response = client.post(unlock_url(officer), follow=True)
    assert UNLOCKED_MESSAGE.format(names="officer") in page(response)
    assert "No account is locked." in page(response)
    assert sign_in(anonymous, "officer", PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.UNLOCK)
    assert (event.actor, event.record_id) == (admin_user, str(officer.pk))


def test_unlocking_one_not_locked_says_so(client, admin_user, officer):
    client.force_login(admin_user)
    response = client.post(unlock_url(officer), follow=True)
    assert NOT_LOCKED_MESSAGE.format(names="officer") in page(response)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UNLOCK).exists()


@pytest.mark.parametrize("who", ["officer", "liaison"])
def test_no_one_else_sees_or_unlocks(client, request, who, colleague, at_start):
    fail(type(client)(), "colleague", 5)
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST_URL).status_code == 404
    assert client.post(unlock_url(colleague)).status_code == 404
    assert sign_in(type(client)(), "colleague", PASSWORD).status_code == 429
    with pytest.raises(PermissionDenied, match=NOT_AN_ADMIN_ERROR):
        sign_in_unlock(account=colleague, by=request.getfixturevalue(who))


def test_the_page_needs_sign_in_and_unlocking_a_post(client, admin_user, officer):
    assert client.get(LIST_URL).status_code == 302
    client.force_login(admin_user)
    assert client.get(unlock_url(officer)).status_code == 405
    assert client.post(reverse("accounts:unlock", args=[999999])).status_code == 404


def test_the_page_takes_fixed_queries(client, admin_user, at_start, django_assert_max_num_queries):
    from tests.factories import UserFactory

    for n in range(4):
        UserFactory(username=f"locked{n}")
        fail(type(client)(), f"locked{n}", 5)
    client.force_login(admin_user)
    with django_assert_max_num_queries(8):
        assert client.get(LIST_URL).status_code == 200
