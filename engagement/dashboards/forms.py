"""The dashboard's filters: a period (the last 12 months unless asked otherwise), area,
risk level, unit and group, as GET parameters so a view can be bookmarked and shared.

Each select offers only what the viewer may see: groups through groups_visible_to,
units all for admins, an officer's own unit for an officer, and none for a liaison
(whose figures are their groups' already). A value outside those is an error, never a
figure drawn from records the viewer may not see.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from engagement.accounts.models import Role, Unit, User
from engagement.accounts.queries import units_visible_to
from engagement.community.models import Area, CommunityGroup
from engagement.dashboards.queries.base import Filters, Period
from engagement.dashboards.queries.breakdowns import Dimension
from engagement.gds import GovukFilterForm, date_widget, select_widget
from engagement.meetings.filters import DATE_RANGE_ERROR
from engagement.meetings.queries.choices import areas_to_choose, groups_to_choose

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)
DATE_OUT_OF_RANGE_ERROR = "Enter a date from 2000 to 2099"
LONGEST_PERIOD_YEARS = 10
PERIOD_TOO_LONG_ERROR = f"Choose a period of {LONGEST_PERIOD_YEARS} years or less"


class DashboardFilterForm(GovukFilterForm):
    start = forms.DateField(label="From", required=False, widget=date_widget())
    end = forms.DateField(label="To", required=False, widget=date_widget())
    area = forms.ModelChoiceField(
        queryset=Area.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label="Any area",
        widget=select_widget(),
    )
    risk_level = forms.ChoiceField(
        label="Area risk level",
        choices=[("", "Any risk level"), *Area.RiskLevel.choices],
        required=False,
        widget=select_widget(),
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        empty_label="Any unit",
        widget=select_widget(),
    )
    group = forms.ModelChoiceField(
        queryset=CommunityGroup.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="Any group",
        widget=select_widget(),
    )

    date_ranges = [("start", "end", DATE_RANGE_ERROR)]

    def __init__(self, data: QueryDict, *, user: User, today: datetime.date):
        self.query = _with_default_period(data, today=today)
        super().__init__(self.query)
        if user.role == Role.LIAISON:
            # A liaison's figures are their own groups' already: no unit to choose.
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units_visible_to(user)  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas_to_choose(user)  # type: ignore[attr-defined]
        self.fields["group"].queryset = groups_to_choose(user).order_by("name")  # type: ignore[attr-defined]

    def _in_range(self, name: str) -> datetime.date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise ValidationError(DATE_OUT_OF_RANGE_ERROR)
        return day

    def clean_start(self) -> datetime.date | None:
        return self._in_range("start")

    def clean_end(self) -> datetime.date | None:
        return self._in_range("end")

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and _years_later(start, LONGEST_PERIOD_YEARS) <= end:
            self.add_error("start", PERIOD_TOO_LONG_ERROR)
        return cleaned

    def query_with(self, **extra: str | None) -> str:
        """The filters as given, the period's defaults filled in, and `extra` (a None
        leaves that parameter out), to link to."""
        query = self.query.copy()
        for name, value in extra.items():
            if value is None:
                query.pop(name, None)
            else:
                query[name] = value
        return query.urlencode()

    def period(self) -> Period:
        """For a valid form only."""
        return Period(start=self.cleaned_data["start"], end=self.cleaned_data["end"])

    def filters(self) -> Filters:
        """For a valid form only."""
        data = self.cleaned_data
        return Filters(
            area=data.get("area"),
            risk_level=data.get("risk_level", ""),
            unit=data.get("unit"),
            group=data.get("group"),
        )


def _with_default_period(data: QueryDict, *, today: datetime.date) -> QueryDict:
    """The GET parameters with the period's dates filled in where none were given, so the
    form shows the period the figures are for. A period given only its end is the 12
    months up to that end."""
    data = data.copy()
    if not data.get("end"):
        data["end"] = today.isoformat()
    if not data.get("start"):
        end = _parse_date(data.get("end") or "")
        default = Period.last_twelve_months(end if end and EARLIEST <= end <= LATEST else today)
        data["start"] = default.start.isoformat()
    return data


def _parse_date(value: str) -> datetime.date | None:
    try:
        return forms.DateField().clean(value)
    except ValidationError:
        return None


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class MeasureFilterForm(DashboardFilterForm):
    """The dashboard's filters and the dimension to break one measure down by (the first
    of `dimensions` unless another is asked for)."""

    by = forms.ChoiceField(label="Break down by", required=False, widget=select_widget())

    def __init__(
        self,
        data: QueryDict,
        *,
        user: User,
        today: datetime.date,
        dimensions: list[Dimension],
    ):
        super().__init__(data, user=user, today=today)
        self.dimensions = {dimension.key: dimension for dimension in dimensions}
        if dimensions:
            self.fields["by"].choices = [(d.key, d.label) for d in dimensions]  # type: ignore[attr-defined]
            self.fields["by"].initial = dimensions[0].key
        else:
            del self.fields["by"]

    def dimension(self) -> Dimension | None:
        """For a valid form only: the chosen dimension, None for a measure that is a table."""
        if not self.dimensions:
            return None
        return self.dimensions[self.cleaned_data.get("by") or self.fields["by"].initial]
