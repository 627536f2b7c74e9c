"""Reads of community groups, starting with who may see which."""

from django.db.models import QuerySet

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
