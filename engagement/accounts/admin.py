from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.formats import date_format

from engagement.accounts.models import OfficerProfile, Role, Unit, User
from engagement.accounts.queries import lock_ends, with_sign_in_failures
from engagement.accounts.services import NOT_LOCKED_MESSAGE, UNLOCKED_MESSAGE, sign_in_unlock
from engagement.admin_lists import CheckedListAdmin


class SignInLockedFilter(admin.SimpleListFilter):
    """Accounts locked out after failed sign-ins, for an admin to find and unlock."""

    title = "sign-in"
    parameter_name = "sign_in"

    def lookups(self, request, model_admin):
        return [("locked", "Locked after failed sign-ins")]

    def queryset(self, request, queryset):
        if self.value() == "locked":
            return queryset.filter(sign_in_failures__gte=settings.AXES_FAILURE_LIMIT)
        return queryset


class OfficerProfileInline(admin.StackedInline):
    model = OfficerProfile
    can_delete = False


@admin.register(User)
class EngagementUserAdmin(CheckedListAdmin, UserAdmin):
    inlines = [OfficerProfileInline]
    list_display = ["username", "first_name", "last_name", "is_active", "role_names", "sign_in"]
    list_filter = [SignInLockedFilter, "groups", "is_active"]
    actions = ["unlock_sign_in"]

    @admin.display(description="Role")
    def role_names(self, user):
        return ", ".join(group.name for group in user.groups.all())

    @admin.display(description="Sign-in")
    def sign_in(self, user):
        until = lock_ends(
            failures=getattr(user, "sign_in_failures", None),
            last_failed_at=getattr(user, "sign_in_last_failed_at", None),
        )
        if until is None:
            return ""
        return f"Locked until {date_format(timezone.localtime(until), 'j M Y, H:i')}"

    def get_queryset(self, request):
        return with_sign_in_failures(super().get_queryset(request).prefetch_related("groups"))

    @admin.action(description="Unlock sign-in", permissions=["change"])
    def unlock_sign_in(self, request, queryset):
        unlocked: list[str] = []
        not_locked: list[str] = []
        for account in queryset.order_by("username"):
            was_locked = sign_in_unlock(account=account, by=request.user)
            (unlocked if was_locked else not_locked).append(account.username)
        if unlocked:
            self.message_user(request, UNLOCKED_MESSAGE.format(names=", ".join(unlocked)))
        if not_locked:
            self.message_user(
                request, NOT_LOCKED_MESSAGE.format(names=", ".join(not_locked)), messages.WARNING
            )

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
