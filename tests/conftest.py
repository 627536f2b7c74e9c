"""Shared fixtures: two units in two areas, a group in each, and one account per role.

`officer` belongs to `unit`, in `area`; `other_unit_officer` to `other_unit`. `liaison`
speaks for `group` (in `area`); `other_liaison` for `other_group` only.
"""

import time

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

from engagement.replica import REPLICA
from tests.factories import (
    AreaFactory,
    CommunityGroupFactory,
    MeetingFactory,
    UnitFactory,
    make_admin,
    make_liaison,
    make_officer,
)

REPLICA_DEADLINE_SECONDS = 120
DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def pytest_collection_modifyitems(items):
    """With a replica, a test that uses the database may reach it too: /healthz asks it,
    and a list read outside a transaction reads it."""
    if REPLICA not in settings.DATABASES:
        return
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and not DATABASE_FIXTURES & set(item.fixturenames):
            continue
        arguments = dict(marker.kwargs) if marker else {}
        if "databases" not in arguments:
            arguments["databases"] = "__all__"
            item.add_marker(pytest.mark.django_db(**arguments), append=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """With a streaming replica (DATABASE_REPLICA_URL), the test runner makes the test
    database on the primary only, and points the replica's alias at the primary
    (`MIRROR`). The database reaches the replica by replication: point the alias back at
    the replica, in every thread (the live server's too), once the copy is there."""
    if REPLICA not in settings.DATABASES:
        yield
        return
    replica = settings.DATABASES[REPLICA]
    replica["NAME"] = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    connections[REPLICA].close()
    connections[REPLICA].settings_dict = replica
    with django_db_blocker.unblock():
        wait_until_the_replica_has_the_test_database()
    yield
    # Replaying the test database's removal waits for the replica's sessions to end.
    connections[REPLICA].close()


def wait_until_the_replica_has_the_test_database() -> None:
    deadline = time.monotonic() + REPLICA_DEADLINE_SECONDS
    while True:
        try:
            connections[REPLICA].ensure_connection()
            return
        except OperationalError:
            connections[REPLICA].close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture
def area(db):
    return AreaFactory(name="Northfield", code="NF", risk_level="high")


@pytest.fixture
def other_area(db):
    return AreaFactory(name="Southmoor", code="SM")


@pytest.fixture
def unit(area):
    return UnitFactory(name="Northfield Engagement Team", area=area)


@pytest.fixture
def other_unit(other_area):
    return UnitFactory(name="Southmoor Team", area=other_area)


@pytest.fixture
def group(area):
    return CommunityGroupFactory(name="Northfield Mosque Committee", area=area)


@pytest.fixture
def second_group(area):
    return CommunityGroupFactory(name="Northfield Youth Forum", area=area, kind="youth")


@pytest.fixture
def other_group(other_area):
    return CommunityGroupFactory(name="Southmoor Residents", area=other_area, kind="residents")


@pytest.fixture
def officer(unit):
    return make_officer(unit=unit, username="officer", first_name="Sam", last_name="Okafor")


@pytest.fixture
def colleague(unit):
    return make_officer(unit=unit, username="colleague", first_name="Priya", last_name="Shah")


@pytest.fixture
def other_unit_officer(other_unit):
    return make_officer(unit=other_unit, username="other-officer")


@pytest.fixture
def liaison(group):
    return make_liaison(group, username="liaison", first_name="Amina", last_name="Rahman")


@pytest.fixture
def other_liaison(other_group):
    return make_liaison(other_group, username="other-liaison")


@pytest.fixture
def admin_user(db):
    return make_admin(username="lead")


@pytest.fixture
def meeting(officer, unit, area, group):
    """A submitted meeting of `unit` with `group`, attended by `officer`."""
    return MeetingFactory(author=officer, unit=unit, area=area, groups=[group], officers=[officer])


@pytest.fixture
def other_meeting(other_unit_officer, other_unit, other_area, other_group):
    return MeetingFactory(
        author=other_unit_officer,
        unit=other_unit,
        area=other_area,
        groups=[other_group],
        officers=[other_unit_officer],
    )
