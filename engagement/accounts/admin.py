from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from engagement.accounts.models import OfficerProfile, Unit, User


class OfficerProfileInline(admin.StackedInline):
    model = OfficerProfile
    can_delete = False


@admin.register(User)
class EngagementUserAdmin(UserAdmin):
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
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "area"]
    list_select_related = ["area"]
    search_fields = ["name"]
