"""Reads of community groups, starting with who may see which."""

from django.db.models import Prefetch, QuerySet

from engagement.accounts.models import Role, User
from engagement.community.models import CommunityGroup


def groups_visible_to(user: User) -> QuerySet[CommunityGroup]:
    """Police and admins see every group; a liaison only the groups they speak for."""
    groups = CommunityGroup.objects.all()
    role = user.role if user.is_authenticated else None
    if role in (Role.ADMIN, Role.OFFICER):
        return groups
    if role == Role.LIAISON:
        return groups.filter(liaisons=user)
    return groups.none()


def liaisons_of(*, groups: QuerySet[CommunityGroup]) -> QuerySet[User]:
    """The accounts that speak for any of `groups`, each once, by name."""
    return (
        User.objects.filter(liaison_groups__in=groups.values("pk"))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def with_liaisons(*, groups: QuerySet[CommunityGroup]) -> QuerySet[CommunityGroup]:
    """`groups` with their area and their liaisons (by name) in a fixed number of queries."""
    return groups.select_related("area").prefetch_related(
        Prefetch("liaisons", queryset=User.objects.order_by("last_name", "first_name"))
    )
