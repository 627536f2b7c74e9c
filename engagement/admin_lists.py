"""The Django admin's lists answer bad lookups with their own message, never a 500.

Django turns a lookup it cannot build into "incorrect lookup parameters", but one that
fails only when the query runs (`?date_joined__year=10000`: a year past 9999) escaped as
a 500. Raised as IncorrectLookupParameters, the admin answers it like any other.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


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
