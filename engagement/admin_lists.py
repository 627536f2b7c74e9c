"""The base of the project's Django admins: bad lookups answered, every change audited.

Lists answer bad lookups with their own message, never a 500.

Django turns a lookup it cannot build into "incorrect lookup parameters", but one that
fails only when the query runs (`?date_joined__year=10000`: a year past 9999) escaped as
a 500. Raised as IncorrectLookupParameters, the admin answers it like any other.
So did what fuzzing found: a search or a `field__contains=` of 100,000 characters
(SQLite: "LIKE pattern too complex", "expression tree too large"), a regular expression
that does not compile (`?username__regex=(`), a range (`?id__range=1`: its characters), and
on PostgreSQL a value it refuses. A filter value past LOOKUP_VALUE_MAX_CHARS is refused
as incorrect; a search past it is answered with a message and no rows.

A change made in the admin is a change like any other: besides Django's own LogEntry, it
goes to the audit log, where the audit screens find it.
"""

import re

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db import DataError

from engagement.audit.models import AuditEvent
from engagement.audit.services import record_event

# Longer filter values and searches are refused before they reach the database: SQLite
# fails on a LIKE pattern past 50,000 characters, and no real filter is this long.
LOOKUP_VALUE_MAX_CHARS = 200
REGEX_LOOKUPS = ("__regex", "__iregex")
RANGE_LOOKUP = "__range"


class CheckedChangeList(ChangeList):
    def get_filters(self, request):
        for key, values in self.get_filters_params().items():
            for value in values:
                _check_lookup_value(key, value)
        return super().get_filters(request)

    def get_results(self, request):
        try:
            super().get_results(request)
        # DataError: a value PostgreSQL refuses (a regular expression of its own dialect).
        except (ValueError, OverflowError, DataError) as error:
            raise IncorrectLookupParameters(error) from error


def _check_lookup_value(key: str, value: str) -> None:
    if len(value) > LOOKUP_VALUE_MAX_CHARS:
        raise IncorrectLookupParameters(f"{key}: more than {LOOKUP_VALUE_MAX_CHARS} characters")
    if "\x00" in value:  # PostgreSQL keeps no NUL in text
        raise IncorrectLookupParameters(f"{key}: a NUL character")
    if key.endswith(RANGE_LOOKUP):
        # The admin passes the text as it is, so a range is its characters: `?id__range=1`
        # failed when compiled, a longer one bound a parameter per character.
        raise IncorrectLookupParameters(f"{key}: a range cannot be given in the address")
    if key.endswith(REGEX_LOOKUPS):
        # SQLite runs Python's `re`; PostgreSQL's refusals are caught as a DataError.
        try:
            re.compile(value)
        except re.error as error:
            raise IncorrectLookupParameters(error) from error


SEARCH_MAX_CHARS = LOOKUP_VALUE_MAX_CHARS
SEARCH_TOO_LONG_ERROR = f"Search for {SEARCH_MAX_CHARS} characters or fewer."


class CheckedListAdmin(admin.ModelAdmin):
    """The base of every admin of the project (a mixin before Django's own admin class)."""

    def get_search_results(self, request, queryset, search_term):
        if len(search_term) > SEARCH_MAX_CHARS:
            messages.error(request, SEARCH_TOO_LONG_ERROR)
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

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
