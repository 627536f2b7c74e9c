"""The audit log's filter form: a person and a record typed as an admin knows them (a
name, a link to a meeting) resolved here to the account or record the log names, with an
error next to the field when they name none, or several."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from engagement.accounts.models import User
from engagement.audit.queries import (
    UUID_IN_TEXT,
    accounts_matching,
    exports_holding,
    kind_label,
    record_reference,
)
from engagement.gds import GovukFilterForm, too_long_message

DATE_RANGE_ERROR = "Enter a date the same as or after the ‘From’ date"
# Enough to choose from in a list of links; more is a sign to type more of the name.
MOST_PEOPLE = 20
PERSON_NOT_FOUND = "No account matches ‘{text}’: enter a name or a username."
PERSON_SEVERAL = "{count} accounts match ‘{text}’: choose one below, or enter more of the name."
PERSON_TOO_MANY = "More than {most} accounts match ‘{text}’: enter more of the name."
MEETING_NOT_FOUND = (
    "No meeting has the reference ‘{text}’: paste the link to the meeting's page or the "
    "code at its end."
)
RECORD_NEEDED = "Enter the reference of the {kind} to find, or choose Meeting."
MOST_TYPED = 200


@dataclass(frozen=True)
class RecordSearch:
    """A record the log is searched for: one meeting (found through its visibility
    function), or a record of another kind by its id."""

    meeting: Model | None = None
    # The export events that held the meeting.
    exports: tuple[int, ...] = ()
    kind: str = ""
    record_id: str = ""

    def __str__(self) -> str:
        if self.meeting is not None:
            return str(self.meeting)
        return f"{kind_label(self.kind)} {self.record_id}"


class AuditFilterForm(GovukFilterForm):
    date_ranges = [("date_from", "date_to", DATE_RANGE_ERROR)]
    # The meetings the viewer may see (meetings_visible_to): set by the filter set.
    meetings: QuerySet | None = None
    # When a name matches several accounts: them, to choose from.
    person_matches: list[User]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person_matches = []
        for name in ("person", "record"):
            if name in self.fields:
                self.fields[name].error_messages["max_length"] = too_long_message(MOST_TYPED)

    def clean_person(self) -> User | None:
        text = (self.cleaned_data.get("person") or "").strip()
        if not text:
            return None
        matches = accounts_matching(text=text, most=MOST_PEOPLE)
        if not matches:
            raise ValidationError(PERSON_NOT_FOUND.format(text=text))
        if len(matches) > MOST_PEOPLE:
            raise ValidationError(PERSON_TOO_MANY.format(most=MOST_PEOPLE, text=text))
        if len(matches) > 1:
            self.person_matches = matches
            raise ValidationError(PERSON_SEVERAL.format(count=len(matches), text=text))
        return matches[0]

    def clean(self) -> dict:
        cleaned = super().clean()
        if "record" not in cleaned:  # too long: its error is said already
            return cleaned
        text = (cleaned.get("record") or "").strip()
        kind = cleaned.get("record_kind") or "meeting"
        if not text:
            cleaned["record"] = None
            if kind != "meeting":
                self.add_error("record", RECORD_NEEDED.format(kind=kind_label(kind).lower()))
            return cleaned
        reference = record_reference(text)
        if kind != "meeting":
            cleaned["record"] = RecordSearch(kind=kind, record_id=reference)
            return cleaned
        meeting = None
        if UUID_IN_TEXT.search(text) and self.meetings is not None:
            meeting = self.meetings.filter(uuid=reference).first()
        if meeting is None:
            self.add_error("record", MEETING_NOT_FOUND.format(text=text))
        else:
            exports = tuple(exports_holding(meeting_id=meeting.pk))
            cleaned["record"] = RecordSearch(meeting=meeting, exports=exports)
        return cleaned
