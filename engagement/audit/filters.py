"""The audit log's filters. Each narrows the log by a column that leads one of
AuditEvent's indexes (the person, the meeting, the action, the record) or by the time
that ends them all, so whichever is given the database walks that index newest first
and stops after a page."""

import datetime

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from engagement.accounts.models import User
from engagement.audit.forms import MOST_TYPED, AuditFilterForm, RecordSearch
from engagement.audit.models import AuditEvent
from engagement.audit.queries import KINDS_WITH_IDS, events_of_meeting, kind_label
from engagement.gds import date_widget, select_widget
from engagement.meetings.queries.meeting import meetings_visible_to

PERSON_HINT = "Their name or username: whoever acted or read."
RECORD_HINT = (
    "A meeting's link or reference finds every read, change and export of it. For a "
    "record of another kind, choose its kind below."
)


def start_of(day: datetime.date) -> datetime.datetime | None:
    """Midnight at the start of `day` where the service is (None past the calendar)."""
    try:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    except (OverflowError, ValueError):
        return None


class AuditFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(
        label="Person",
        method="filter_person",
        max_length=MOST_TYPED,
        help_text=PERSON_HINT,
        widget=forms.TextInput(attrs={"class": "govuk-input", "spellcheck": "false"}),
    )
    record = django_filters.CharFilter(
        label="Record",
        method="filter_record",
        max_length=MOST_TYPED,
        help_text=RECORD_HINT,
        widget=forms.TextInput(attrs={"class": "govuk-input", "spellcheck": "false"}),
    )
    record_kind = django_filters.ChoiceFilter(
        label="Kind of record",
        choices=[(kind, kind_label(kind)) for kind in KINDS_WITH_IDS],
        empty_label=None,
        method="filter_nothing",  # the record's filter reads it
        widget=select_widget(),
    )
    action = django_filters.ChoiceFilter(
        choices=AuditEvent.Action.choices, empty_label="Any action", widget=select_widget()
    )
    date_from = django_filters.DateFilter(label="From", method="filter_from", widget=date_widget())
    date_to = django_filters.DateFilter(label="To", method="filter_to", widget=date_widget())

    class Meta:
        model = AuditEvent
        fields: list[str] = []
        form = AuditFilterForm

    def __init__(self, data=None, *, user: User, **kwargs):
        super().__init__(data, **kwargs)
        self.form.meetings = meetings_visible_to(user)

    @property
    def person_found(self) -> User | None:
        return self._cleaned("person")

    @property
    def record_found(self) -> RecordSearch | None:
        return self._cleaned("record")

    def _cleaned(self, name: str):
        """A filter's value as resolved by the form; None when not given or wrong."""
        if not self.is_bound or name in self.form.errors:
            return None
        return self.form.cleaned_data.get(name)

    def filter_person(self, queryset, name, value: User):
        return queryset.filter(actor=value)

    def filter_record(self, queryset, name, value: RecordSearch):
        if value.meeting is not None:
            # Left to `events` and to queries.log_page: a meeting's events and the exports
            # that held it are two lists, read one by one (see log_page).
            return queryset
        return queryset.filter(record_kind=value.kind, record_id=value.record_id)

    @property
    def events(self) -> QuerySet[AuditEvent]:
        """Every event the filters find, a meeting's exports included (`qs` leaves the
        meeting out: a page reads it through log_page)."""
        record = self.record_found
        if record is None or record.meeting is None:
            return self.qs
        return events_of_meeting(self.qs, meeting_id=record.meeting.pk, exports=record.exports)

    @property
    def meeting_id(self) -> int | None:
        record = self.record_found
        return record.meeting.pk if record is not None and record.meeting is not None else None

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_from(self, queryset, name, value: datetime.date):
        start = start_of(value)
        return queryset if start is None else queryset.filter(at__gte=start)

    def filter_to(self, queryset, name, value: datetime.date):
        end = start_of(value + datetime.timedelta(days=1)) if value < datetime.date.max else None
        return queryset if end is None else queryset.filter(at__lt=end)
