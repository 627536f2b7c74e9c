from django.contrib import admin

from engagement.admin_lists import CheckedListAdmin
from engagement.community.models import Area, CommunityGroup


@admin.register(Area)
class AreaAdmin(CheckedListAdmin):
    list_display = ["name", "code", "risk_level"]
    list_filter = ["risk_level"]
    search_fields = ["name", "code"]


@admin.register(CommunityGroup)
class CommunityGroupAdmin(CheckedListAdmin):
    list_display = ["name", "kind", "area", "active", "contact_cadence_days"]
    list_filter = ["kind", "active", "area"]
    list_select_related = ["area"]
    search_fields = ["name"]
    filter_horizontal = ["liaisons"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "liaisons":
            kwargs["queryset"] = db_field.related_model.objects.filter(groups__name="Liaison")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False
