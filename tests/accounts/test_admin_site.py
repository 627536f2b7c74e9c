"""The Django admin: bad list lookups answered, never a 500; the role groups kept."""

import pytest
from django.contrib.auth.models import Group

from engagement.accounts.models import Role
from tests.factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def as_superuser(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize(
    "query",
    [
        "date_joined__year=10000",
        "date_joined__year=-1",
        "last_login__year=99999999999999999999",
    ],
)
def test_a_list_lookup_that_fails_when_run_is_answered(as_superuser, query):
    response = as_superuser.get(f"/admin/accounts/user/?{query}")
    assert response.status_code == 302
    assert response.url.endswith("?e=1")  # the admin's own "incorrect lookup" message


@pytest.fixture
def officer_role(db):
    return Group.objects.get_or_create(name=Role.OFFICER)[0]


def test_a_role_group_cannot_be_deleted_or_renamed(as_superuser, officer_role):
    assert as_superuser.get(f"/admin/auth/group/{officer_role.pk}/delete/").status_code == 403
    page = as_superuser.get(f"/admin/auth/group/{officer_role.pk}/change/").content.decode()
    assert 'name="name"' not in page
    as_superuser.post(f"/admin/auth/group/{officer_role.pk}/change/", {"name": "Renamed"})
    officer_role.refresh_from_db()
    assert officer_role.name == Role.OFFICER


def test_deleting_selected_groups_spares_the_roles(as_superuser, officer_role):
    other = Group.objects.create(name="Old project team")
    delete = {"action": "delete_selected", "post": "yes"}
    # With a role among them, the admin refuses the whole selection.
    as_superuser.post(
        "/admin/auth/group/", {**delete, "_selected_action": [officer_role.pk, other.pk]}
    )
    assert Group.objects.filter(pk__in=[officer_role.pk, other.pk]).count() == 2
    # Another group goes as usual.
    as_superuser.post("/admin/auth/group/", {**delete, "_selected_action": [other.pk]})
    assert list(Group.objects.filter(pk__in=[officer_role.pk, other.pk])) == [officer_role]
