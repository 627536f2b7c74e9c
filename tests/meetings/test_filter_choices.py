"""What the filters offer each viewer: the areas and groups whose meetings they could find,
so a page's choice lists follow the viewer's work, not the size of the nation."""

import pytest
from django.urls import reverse

from engagement.meetings.queries.choices import areas_to_choose, groups_to_choose
from tests.factories import AreaFactory, CommunityGroupFactory, DisclosureFactory

LIST_URL = reverse("meetings:meeting-list")


@pytest.fixture
def far_away(db):
    """An area and group of another force: nobody here has met them."""
    area = AreaFactory(name="Farshire", code="FS")
    return area, CommunityGroupFactory(name="Farshire Faith Forum", area=area)


def names(queryset) -> list[str]:
    return sorted(str(item) for item in queryset)


def test_an_officer_is_offered_their_units_area_and_what_their_meetings_involve(
    officer, meeting, second_group, other_meeting, other_group, other_area, far_away
):
    # Their unit's area and its groups (met or not), nothing of another unit's meetings.
    assert names(areas_to_choose(officer)) == ["Northfield"]
    assert names(groups_to_choose(officer)) == [
        "Northfield Mosque Committee",
        "Northfield Youth Forum",
    ]
    # A meeting attended with another unit brings its area and group in.
    DisclosureFactory(meeting=other_meeting, officer=officer)
    next_request = type(officer).objects.get(pk=officer.pk)
    assert names(areas_to_choose(next_request)) == ["Northfield", "Southmoor"]
    assert other_group.name in names(groups_to_choose(next_request))


def test_a_liaison_is_offered_their_groups_and_their_areas(liaison, group, other_group, far_away):
    assert names(groups_to_choose(liaison)) == [group.name]
    assert names(areas_to_choose(liaison)) == ["Northfield"]


def test_an_admin_is_offered_every_area_and_group(admin_user, group, other_group, far_away):
    assert names(areas_to_choose(admin_user)) == ["Farshire", "Northfield", "Southmoor"]
    assert len(groups_to_choose(admin_user)) == 3


def test_the_list_offers_only_those_and_refuses_another_forces_group(
    client, officer, meeting, far_away
):
    _, group = far_away
    client.force_login(officer)
    html = client.get(LIST_URL).content.decode()
    assert "Northfield Mosque Committee</option>" in html
    assert "Farshire" not in html  # nor its group
    html = client.get(LIST_URL, {"group": group.pk}).content.decode()
    assert "Select a valid choice" in html
