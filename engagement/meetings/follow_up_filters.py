"""The follow-ups list's filters: whose, status, owed to, due-date range and sort."""

from datetime import date

import django_filters
from django.db.models import QuerySet

from engagement.accounts.models import Role, User
from engagement.community.models import CommunityGroup
from engagement.gds import GovukFilterForm, date_widget, select_widget
from engagement.meetings.models import FollowUpAction
from engagement.meetings.queries import follow_up as queries
from engagement.meetings.queries.choices import groups_to_choose

DUE_RANGE_ERROR = "Enter a date the same as or after the ‘Due from’ date"

WHOSE_MINE = "mine"
WHOSE_UNIT = "unit"
# Only officers own actions: the choice is theirs. Liaisons see the actions owed to their
# groups and admins everything, so for them the list is already "theirs".
OFFICER_WHOSE_CHOICES = [(WHOSE_MINE, "Mine"), (WHOSE_UNIT, "My unit’s meetings")]

OVERDUE = "overdue"
FS = FollowUpAction.Status
STATUS_CHOICES = [
    (FS.OPEN, FS.OPEN.label),
    (OVERDUE, "Overdue"),
    (FS.PARTLY_DONE, FS.PARTLY_DONE.label),
    (FS.DONE, FS.DONE.label),
    (FS.CANCELLED, FS.CANCELLED.label),
]

SORT_CHOICES = [("due_date", "Due soonest first"), ("-due_date", "Due latest first")]
SORT_ORDER_BY = {
    "due_date": ("due_date", "pk"),
    "-due_date": ("-due_date", "-pk"),
}


class FollowUpFilterForm(GovukFilterForm):
    date_ranges = [("due_from", "due_to", DUE_RANGE_ERROR)]


class FollowUpFilter(django_filters.FilterSet):
    whose = django_filters.ChoiceFilter(
        label="Whose",
        choices=OFFICER_WHOSE_CHOICES,
        empty_label="Everything I can see",
        method="filter_whose",
        widget=select_widget(),
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES,
        empty_label="Any status",
        method="filter_status",
        help_text="Overdue: open or partly done, and past its due date.",
        widget=select_widget(),
    )
    owed_to = django_filters.ModelChoiceFilter(
        label="Owed to",
        queryset=CommunityGroup.objects.none(),
        empty_label="Any group",
        widget=select_widget(),
    )
    due_from = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label="Due from", widget=date_widget()
    )
    due_to = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label="Due to", widget=date_widget()
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=SORT_CHOICES,
        empty_label=None,
        method="sort_by",
        widget=select_widget(),
    )

    class Meta:
        model = FollowUpAction
        fields: list[str] = []
        form = FollowUpFilterForm

    def __init__(self, data=None, *, user: User, today: date, **kwargs):
        if user.role == Role.OFFICER and data is not None and "whose" not in data:
            # An officer's list opens on their own actions.
            data = data.copy()
            data["whose"] = WHOSE_MINE
        super().__init__(data, **kwargs)
        self.user = user
        self.today = today
        if user.role != Role.OFFICER:
            del self.filters["whose"]
        groups = groups_to_choose(user)
        self.filters["owed_to"].queryset = groups
        self.form.fields["owed_to"].queryset = groups.order_by("name")

    def filter_whose(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == WHOSE_MINE:
            return queries.mine(queryset, user=self.user)
        return queries.of_my_unit(queryset, user=self.user)

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == OVERDUE:
            return queries.overdue(queryset, today=self.today)
        return queryset.filter(status=value)

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*SORT_ORDER_BY[value])

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*SORT_ORDER_BY["due_date"])
        return queryset
