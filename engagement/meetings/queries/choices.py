"""What a viewer's filters offer: the areas and groups whose meetings they could find.

An admin sees every meeting, so is offered every area and group. An officer is offered
their unit's area and the groups in it, and the areas and groups of the meetings they may
see; a liaison their own groups and those groups' areas. The nation's lists would make
every page with a filter grow with the number of forces, and any other choice could only
find nothing. Each is a subquery bounded by what the viewer sees, never a scan of it.
"""

from typing import Any

from django.db.models import Q, QuerySet

from engagement.accounts.models import Role, Unit, User
from engagement.accounts.queries import unit_id_of
from engagement.community.models import Area, CommunityGroup
from engagement.community.queries import groups_visible_to
from engagement.meetings.models import Meeting
from engagement.meetings.queries.meeting import meetings_visible_to


def areas_to_choose(user: User) -> QuerySet[Area]:
    areas = Area.objects.order_by("name")
    if user.role == Role.ADMIN:
        return areas
    if user.role == Role.OFFICER:
        met_in = meetings_visible_to(user).order_by().values("area_id")
        return areas.filter(Q(pk__in=met_in) | Q(pk__in=_unit_area(user)))
    return areas.filter(pk__in=groups_visible_to(user).order_by().values("area_id"))


def groups_to_choose(user: User) -> QuerySet[CommunityGroup]:
    groups = groups_visible_to(user)
    if user.role != Role.OFFICER:
        return groups
    met = Meeting.groups.through.objects.filter(
        meeting__in=meetings_visible_to(user).order_by().values("pk")
    ).values("communitygroup_id")
    return groups.filter(Q(pk__in=met) | Q(area_id__in=_unit_area(user)))


def _unit_area(officer: User) -> QuerySet[Unit, Any]:
    return Unit.objects.filter(pk__in=[unit_id_of(officer)]).values("area_id")
