"""Filters of the groups list: area, kind, liaison, active and agreed cadence."""

import django_filters
from django.db.models import QuerySet

from engagement.accounts.models import User
from engagement.community.models import Area, CommunityGroup
from engagement.gds import GovukFilterForm, select_widget

YES, NO = "yes", "no"
ACTIVE_CHOICES = [(YES, "Active"), (NO, "Not active")]
CADENCE_CHOICES = [(YES, "Past the agreed cadence"), (NO, "Within the agreed cadence")]


class GroupFilter(django_filters.FilterSet):
    area = django_filters.ModelChoiceFilter(
        queryset=Area.objects.order_by("name"), empty_label="Any area", widget=select_widget()
    )
    kind = django_filters.ChoiceFilter(
        choices=CommunityGroup.Kind.choices, empty_label="Any kind", widget=select_widget()
    )
    liaison = django_filters.ModelChoiceFilter(
        field_name="liaisons",
        queryset=User.objects.none(),
        empty_label="Any liaison",
        widget=select_widget(),
    )
    active = django_filters.ChoiceFilter(
        choices=ACTIVE_CHOICES,
        empty_label="Active or not",
        method="filter_active",
        widget=select_widget(),
    )
    cadence = django_filters.ChoiceFilter(
        label="Agreed cadence",
        choices=CADENCE_CHOICES,
        empty_label="Past it or not",
        method="filter_cadence",
        help_text="Past it: no meeting within the number of days agreed with the group.",
        widget=select_widget(),
    )

    class Meta:
        model = CommunityGroup
        fields: list[str] = []
        form = GovukFilterForm

    def __init__(self, data=None, *, liaisons: QuerySet[User] | None, **kwargs):
        """`liaisons` offered in the liaison filter; None leaves that filter out."""
        super().__init__(data, **kwargs)
        if liaisons is None:
            del self.filters["liaison"]
        else:
            self.filters["liaison"].queryset = liaisons

    def filter_active(self, queryset, name, value):
        return queryset.filter(active=value == YES)

    def filter_cadence(self, queryset, name, value):
        # `is_past_cadence` is annotated by queries.group.with_engagement.
        return queryset.filter(is_past_cadence=value == YES)
