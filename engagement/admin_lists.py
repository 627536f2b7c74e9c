"""The base of the project's Django admins: bad lookups answered, every change audited.

Lists answer bad lookups with their own message, never a 500.

Django turns a lookup it cannot build into "incorrect lookup parameters", but one that
fails only when the query runs (`?date_joined__year=10000`: a year past 9999) escaped as
a 500. Raised as IncorrectLookupParameters, the admin answers it like any other.

A change made in the admin is a change like any other: besides Django's own LogEntry, it
goes to the audit log, where the audit screens find it.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList

from engagement.audit.models import AuditEvent
from engagement.audit.services import record_event


class CheckedChangeList(ChangeList):
    def get_results(self, request):
        try:
            super().get_results(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class CheckedListAdmin(admin.ModelAdmin):
    """The base of every admin of the project (a mixin before Django's own admin class)."""

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def log_addition(self, request, obj, message):
        record_admin_change(request, obj, AuditEvent.Action.ADMIN_ADD, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        record_admin_change(request, obj, AuditEvent.Action.ADMIN_CHANGE, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            record_admin_change(request, obj, AuditEvent.Action.ADMIN_DELETE, "")
        return super().log_deletions(request, queryset)


def record_admin_change(request, obj, action: AuditEvent.Action, message) -> None:
    """`message` is Django's change message: a list of what was added or changed."""
    record_event(
        actor=request.user,
        action=action,
        record=obj,
        detail={"object": str(obj), "message": message or []},
    )
