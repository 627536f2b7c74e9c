from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from engagement.accounts.models import OfficerProfile, Role, Unit, User
from engagement.admin_lists import CheckedListAdmin


class OfficerProfileInline(admin.StackedInline):
    model = OfficerProfile
    can_delete = False


@admin.register(User)
class EngagementUserAdmin(CheckedListAdmin, UserAdmin):
    inlines = [OfficerProfileInline]
    list_display = ["username", "first_name", "last_name", "is_active", "role_names"]
    list_filter = ["groups", "is_active"]

    @admin.display(description="Role")
    def role_names(self, user):
        return ", ".join(group.name for group in user.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted: meetings and the audit log point at them.
        return False


@admin.register(Unit)
class UnitAdmin(CheckedListAdmin):
    list_display = ["name", "area"]
    list_select_related = ["area"]
    search_fields = ["name"]


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(CheckedListAdmin, GroupAdmin):
    """The Officer, Liaison and Admin groups are the roles: renaming or deleting one would
    take every member's role away at a click."""

    def get_readonly_fields(self, request, obj=None):
        return ["name"] if _is_role(obj) else []

    def has_delete_permission(self, request, obj=None):
        return not _is_role(obj) and super().has_delete_permission(request, obj)


def _is_role(group: Group | None) -> bool:
    return group is not None and group.name in Role.values
