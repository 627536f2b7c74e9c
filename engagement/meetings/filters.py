import django_filters
from django import forms
from django.db.models import Q

from engagement.community.models import Area, CommunityGroup
from engagement.gds import GovukFilterForm, date_widget, select_widget
from engagement.meetings.models import Meeting

DATE_RANGE_ERROR = "Enter a date the same as or after the ‘From’ date"


class MeetingFilterForm(GovukFilterForm):
    date_ranges = [("date_from", "date_to", DATE_RANGE_ERROR)]


SORT_CHOICES = [
    ("-date", "Newest first"),
    ("date", "Oldest first"),
    ("purpose", "Purpose A to Z"),
    ("area", "Area A to Z"),
    ("status", "Status"),
]
SORT_ORDER_BY = {
    "-date": ("-date", "-start_time", "-pk"),
    "date": ("date", "start_time", "pk"),
    "purpose": ("purpose", "-date", "pk"),
    "area": ("area__name", "-date", "pk"),
    "status": ("status", "-date", "pk"),
}


class MeetingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        help_text="Words in the purpose, topics or summary.",
        widget=forms.TextInput(attrs={"class": "govuk-input", "type": "search"}),
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label="From", widget=date_widget()
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label="To", widget=date_widget()
    )
    area = django_filters.ModelChoiceFilter(
        queryset=Area.objects.order_by("name"), empty_label="Any area", widget=select_widget()
    )
    group = django_filters.ModelChoiceFilter(
        field_name="groups",
        queryset=CommunityGroup.objects.none(),
        empty_label="Any group",
        widget=select_widget(),
    )
    status = django_filters.ChoiceFilter(
        choices=Meeting.Status.choices,
        empty_label="Any but withdrawn",
        method="filter_status",
        widget=select_widget(),
    )
    focus = django_filters.ChoiceFilter(
        choices=Meeting.Focus.choices, empty_label="Any focus", widget=select_widget()
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=SORT_CHOICES,
        empty_label=None,
        method="sort_by",
        widget=select_widget(),
    )

    class Meta:
        model = Meeting
        fields: list[str] = []
        form = MeetingFilterForm

    def __init__(self, data=None, *, groups, **kwargs):
        super().__init__(data, **kwargs)
        self.filters["group"].queryset = groups
        self.form.fields["group"].queryset = groups.order_by("name")

    def search(self, queryset, name, value):
        words = value.split()[:8]
        for word in words:
            queryset = queryset.filter(
                Q(purpose__icontains=word) | Q(topics__icontains=word) | Q(summary__icontains=word)
            )
        return queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDER_BY[value])

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data if self.is_bound else {}
        if not data.get("status"):
            # Withdrawn meetings keep their history but drop out of lists by default.
            queryset = queryset.exclude(status=Meeting.Status.WITHDRAWN)
        queryset = super().filter_queryset(queryset)
        if not data.get("sort"):
            queryset = queryset.order_by(*SORT_ORDER_BY["-date"])
        return queryset
