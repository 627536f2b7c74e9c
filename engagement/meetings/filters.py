import django_filters
from django import forms

from engagement.accounts.models import User
from engagement.community.models import Area, CommunityGroup
from engagement.gds import GovukFilterForm, date_widget, select_widget
from engagement.meetings import search
from engagement.meetings.models import Meeting
from engagement.meetings.queries.choices import areas_to_choose, groups_to_choose
from engagement.meetings.queries.meeting import DEFAULT_LIST_ORDER, LIST_ORDERS
from engagement.pagination import COUNT_CAP, Key, count_up_to

DATE_RANGE_ERROR = "Enter a date the same as or after the ‘From’ date"
SEARCH_HINT = (
    "Words from the purpose, topics, summary or group names. Every word must match; "
    "the start of a word is enough."
)


class MeetingFilterForm(GovukFilterForm):
    date_ranges = [("date_from", "date_to", DATE_RANGE_ERROR)]


# The sorts offered, each one of the list's orders (queries.meeting.LIST_ORDERS, each
# served by an index); a sort the orders no longer have is not offered.
SORT_LABELS = [
    ("-date", "Newest first"),
    ("date", "Oldest first"),
    ("purpose", "Purpose A to Z"),
    ("area", "Area A to Z"),
    ("status", "Status"),
]
SORT_CHOICES = [(value, label) for value, label in SORT_LABELS if value in LIST_ORDERS]
# With words to search for, the first sort offered, and the one given when none is chosen:
# the best matches first, the newest first among equals. A sort chosen is kept.
BEST_MATCH_LABEL = "Best match"
# Ranking reads every match; past this many (where the list stops counting too) the
# matches are shown newest first, read in index order, and the hint says so. This keeps a
# search for a word in half of a million meetings as quick as one in a hundred.
RANK_CAP = COUNT_CAP
TOO_MANY_TO_RANK = (
    "More than {cap:,} meetings match, so they are shown newest first. Add words or "
    "filters to see the best matches first."
)
BEST_MATCH_ORDER: list[Key] = [Key(search.RANK, descending=True), *LIST_ORDERS[DEFAULT_LIST_ORDER]]


class MeetingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        help_text=SEARCH_HINT,
        widget=forms.TextInput(attrs={"class": "govuk-input", "type": "search"}),
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label="From", widget=date_widget()
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label="To", widget=date_widget()
    )
    area = django_filters.ModelChoiceFilter(
        queryset=Area.objects.none(), empty_label="Any area", widget=select_widget()
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

    def __init__(self, data=None, *, user: User, **kwargs):
        super().__init__(data, **kwargs)
        groups = groups_to_choose(user)
        self.filters["group"].queryset = groups
        self.form.fields["group"].queryset = groups.order_by("name")
        areas = areas_to_choose(user)
        self.filters["area"].queryset = areas
        self.form.fields["area"].queryset = areas
        if search.search_words((data or {}).get("q") or ""):
            sort = self.form.fields["sort"]
            sort.choices = [("", BEST_MATCH_LABEL), *SORT_CHOICES]

    def filter_search(self, queryset, name, value):
        return search.search_meetings(queryset, search.search_words(value))

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value)

    def sort_by(self, queryset, name, value):
        # Ordered once, in filter_queryset, by order_keys().
        return queryset

    def order_keys(self) -> list[Key]:
        """The list's order: the sort chosen; else, when searching, the best matches
        first (unless there are too many to rank); else the newest first. The view pages
        by these keys."""
        if self._ranked is None:
            self.qs  # noqa: B018  filtering decides whether the matches are ranked
        data = self.form.cleaned_data if self.is_bound else {}
        if sort := data.get("sort"):
            return LIST_ORDERS[sort]
        if self._ranked:
            return BEST_MATCH_ORDER
        return LIST_ORDERS[DEFAULT_LIST_ORDER]

    _ranked: bool | None = None
    # (count, more than the cap) of the matches when they were counted to decide on
    # ranking; the page may reuse it rather than count again.
    counted: tuple[int, bool] | None = None

    def _rank(self, matches) -> bool:
        """Whether to show `matches` best first: searching, no sort chosen and few
        enough to rank (one capped count). Past the cap the hint says why not."""
        data = self.form.cleaned_data if self.is_bound else {}
        if data.get("sort") or not search.search_words(data.get("q") or ""):
            return False
        self.counted = count_up_to(matches, RANK_CAP)
        too_many = self.counted[1]
        if too_many:
            hint = f"{SEARCH_HINT} {TOO_MANY_TO_RANK.format(cap=RANK_CAP)}"
            # The form's bound field copied the hint when the form was made.
            self.form.fields["q"].help_text = self.form["q"].help_text = hint
        return not too_many

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data if self.is_bound else {}
        if not data.get("status"):
            # Withdrawn meetings keep their history but drop out of lists by default.
            queryset = queryset.exclude(status=Meeting.Status.WITHDRAWN)
        queryset = super().filter_queryset(queryset)
        self._ranked = self._rank(queryset)
        return queryset.order_by(*(key.order_by() for key in self.order_keys()))
