"""Shared fixtures: two units in two areas, a group in each, and one account per role.

`officer` belongs to `unit`, in `area`; `other_unit_officer` to `other_unit`. `liaison`
speaks for `group` (in `area`); `other_liaison` for `other_group` only.
"""

import pytest

from tests.factories import (
    AreaFactory,
    CommunityGroupFactory,
    MeetingFactory,
    UnitFactory,
    make_admin,
    make_liaison,
    make_officer,
)


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
