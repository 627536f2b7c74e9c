"""Who may see which community group, and the group reads built on it."""

from django.contrib.auth.models import AnonymousUser

from engagement.community.models import CommunityGroup
from engagement.community.queries import groups_visible_to, liaisons_of, with_liaisons
from tests.factories import UserFactory, make_liaison


def names(groups) -> set[str]:
    return {group.name for group in groups}


def test_officers_see_every_group(officer, group, second_group, other_group):
    assert names(groups_visible_to(officer)) == {group.name, second_group.name, other_group.name}


def test_admins_see_every_group(admin_user, group, other_group):
    assert names(groups_visible_to(admin_user)) == {group.name, other_group.name}


def test_a_liaison_sees_only_the_groups_they_speak_for(liaison, group, second_group, other_group):
    assert names(groups_visible_to(liaison)) == {group.name}


def test_a_liaison_of_two_groups_sees_both_once(group, second_group, other_group):
    both = make_liaison(group, second_group)
    make_liaison(group)  # another liaison of the same group adds no duplicate
    visible = groups_visible_to(both)
    assert visible.count() == 2
    assert names(visible) == {group.name, second_group.name}


def test_an_account_without_a_role_sees_no_group(db, group):
    assert not groups_visible_to(UserFactory()).exists()


def test_a_signed_out_visitor_sees_no_group(group):
    assert not groups_visible_to(AnonymousUser()).exists()


def test_liaisons_of_lists_each_liaison_once_by_name(group, second_group, other_group):
    zara = make_liaison(group, second_group, first_name="Zara", last_name="Adams")
    ben = make_liaison(group, first_name="Ben", last_name="Young")
    make_liaison(other_group, first_name="Omar", last_name="Khan")
    mine = CommunityGroup.objects.filter(pk__in=[group.pk, second_group.pk])
    assert list(liaisons_of(groups=mine)) == [zara, ben]


def test_with_liaisons_fetches_groups_areas_and_liaisons_in_two_queries(
    group, second_group, other_group, django_assert_num_queries
):
    make_liaison(group, first_name="Ben", last_name="Young")
    make_liaison(group, second_group, first_name="Zara", last_name="Adams")
    with django_assert_num_queries(2):
        shown = {
            g.name: (g.area.name, [str(u) for u in g.liaisons.all()])
            for g in with_liaisons(groups=CommunityGroup.objects.all())
        }
    assert shown[group.name] == ("Northfield", ["Zara Adams", "Ben Young"])
    assert shown[second_group.name] == ("Northfield", ["Zara Adams"])
    assert shown[other_group.name] == ("Southmoor", [])
