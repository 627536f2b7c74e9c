"""The meeting form and its two inline formsets, judged and saved as one.

The bundle owns its rows: `MeetingFormBundle.from_post` knows whether the officer asked
for one more blank row (then nothing is judged or saved) or is saving a draft or
submitting (then the rules for that apply), so a view asks it one question and renders.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.utils.text import capfirst

from engagement.accounts.models import OfficerProfile, User
from engagement.gds import error_summary
from engagement.meetings import rules
from engagement.meetings.forms.meeting import (
    MeetingForm,
    RowChoices,
    disclosure_formset,
    follow_up_formset,
)
from engagement.meetings.models import FollowUpAction, Meeting
from engagement.meetings.services.meeting import (
    DISCLOSURE_FIELDS,
    FOLLOW_UP_FIELDS,
    STALE_EDIT_ERROR,
    MeetingParts,
)

# Buttons that ask for one more blank row (no JavaScript needed), by formset prefix.
ADD_ROW_BUTTONS = {"add_officer": "disclosures", "add_follow_up": "follow_ups"}
MAX_ROWS = 20
# How a row is named on the page, so each error says which officer or follow-up.
ROW_NAMES = {"disclosures": ("Officer", "officer"), "follow_ups": ("Follow-up", "follow-up")}


def _row_to_add(data: QueryDict) -> str | None:
    """The formset prefix whose "Add another" button was pressed, if any."""
    return next((prefix for button, prefix in ADD_ROW_BUTTONS.items() if button in data), None)


def _with_another_row(data: QueryDict, prefix: str) -> QueryDict:
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(min(max(total, 0) + 1, MAX_ROWS))
    return data


@dataclass
class ChangedAnswer:
    """One answer another person saved while this person was editing."""

    label: str
    theirs: str
    yours: str


def _changed_answer(name: str, theirs: str, yours: str) -> ChangedAnswer:
    if name in Meeting.ConcernTopic.values:
        label = f"Concern raised: {Meeting.ConcernTopic(name).label}"
    else:
        field = Meeting._meta.get_field(name)
        assert isinstance(field, models.Field)
        label = str(capfirst(field.verbose_name))
    if name == "concerns_needing_response":
        theirs, yours = _concern_labels(theirs), _concern_labels(yours)
    return ChangedAnswer(label=label, theirs=theirs, yours=yours)


def _concern_labels(values: str) -> str:
    topics = [value for value in values.split(", ") if value in Meeting.ConcernTopic.values]
    return ", ".join(Meeting.ConcernTopic(topic).label for topic in topics)


class MeetingFormBundle:
    """The meeting form with its two formsets, validated in order and saved as one."""

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        meeting: Meeting | None = None,
        user: User,
        row_added: str | None = None,
    ):
        self.meeting = meeting or Meeting()
        self.row_added = row_added
        self.show_errors = row_added is None
        # What another person saved meanwhile, when this save was refused as stale.
        self.conflict: list[ChangedAnswer] | None = None
        self.submit = data is not None and "submit" in data
        creating = self.meeting.pk is None
        self.submitting = self.submit or (
            not creating and self.meeting.status != Meeting.Status.DRAFT
        )
        self.form = MeetingForm(
            data,
            instance=self.meeting,
            user=user,
            submitting=self.submitting,
            initial=self._initial_meeting(user) if creating else None,
        )
        # The rows' officers and groups, read once for all of them.
        choices = RowChoices()
        has_officers = not creating and self.meeting.disclosures.exists()
        first_officer = [{"officer": user}] if user.is_officer and not has_officers else []
        self.disclosures = disclosure_formset(extra=1 if has_officers else 3)(
            data,
            instance=self.meeting,
            prefix="disclosures",
            initial=first_officer,
            form_kwargs={"submitting": self.submitting, "choices": choices},
        )
        self.disclosures.submitting = self.submitting
        self.follow_ups = follow_up_formset(extra=1)(
            data,
            instance=self.meeting,
            prefix="follow_ups",
            form_kwargs={"choices": choices},
            queryset=FollowUpAction.objects.filter(
                status=FollowUpAction.Status.OPEN
            ).select_related("owner", "owed_to"),
        )
        self.follow_ups.submitting = self.submitting
        if not self.show_errors:
            for form in [self.form, *self.disclosures.forms, *self.follow_ups.forms]:
                form.helper.form_show_errors = False

    @classmethod
    def from_post(
        cls, data: QueryDict, *, meeting: Meeting | None = None, user: User
    ) -> "MeetingFormBundle":
        """What was posted: a save or a submit, or a request for one more blank row."""
        if prefix := _row_to_add(data):
            return cls(
                _with_another_row(data, prefix), meeting=meeting, user=user, row_added=prefix
            )
        return cls(data, meeting=meeting, user=user)

    @staticmethod
    def _initial_meeting(user: User) -> dict:
        """A new meeting starts in the area of the officer's unit."""
        area = OfficerProfile.objects.filter(user=user).values_list("unit__area", flat=True)
        return {"area": area[0]} if area else {}

    @property
    def action(self) -> str:
        """The button pressed: "submit" or "save"; the conflict's button repeats it."""
        return "submit" if self.submit else "save"

    def is_valid(self) -> bool:
        form_ok = self.form.is_valid()
        cleaned = self.form.cleaned_data
        needing = list(cleaned.get("concerns_needing_response") or [])
        self.follow_ups.meeting_date = cleaned.get("date")
        self.follow_ups.meeting_groups = list(cleaned.get("groups") or [])
        self.follow_ups.concerns_needing_response = needing
        disclosures_ok = self.disclosures.is_valid()
        follow_ups_ok = self.follow_ups.is_valid()
        if self.submitting and follow_ups_ok and "concerns_needing_response" in cleaned:
            answered = [
                action.get("answers_concern") or "" for action in self._live(self.follow_ups)
            ]
            for label in rules.unanswered_concerns(needing, answered):
                self.form.add_error(
                    "concerns_needing_response", rules.unanswered_concern_message(label)
                )
        return form_ok and not self.form.errors and disclosures_ok and follow_ups_ok

    @property
    def expected_version(self) -> int | None:
        return self.form.cleaned_data.get("version")

    def parts(self) -> MeetingParts:
        disclosures = [
            {name: data[name] for name in ("officer", *DISCLOSURE_FIELDS)}
            for data in self._live(self.disclosures)
        ]
        follow_ups = [
            {**{name: data.get(name) for name in FOLLOW_UP_FIELDS}, "instance": data.get("id")}
            for data in self._live(self.follow_ups)
        ]
        return MeetingParts(
            fields=self.form.meeting_fields(),
            groups=list(self.form.cleaned_data["groups"]),
            disclosures=disclosures,
            follow_ups=follow_ups,
        )

    @staticmethod
    def _live(formset) -> list[dict]:
        return [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    @property
    def correction_note(self) -> str:
        return self.form.cleaned_data.get("correction_note", "")

    def add_error(self, error: ValidationError) -> None:
        """A service's refusal, next to the field it names when the form has that field."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                field = name if name in self.form.fields else None
                for each in errors:
                    self.form.add_error(field, each)
        else:
            for message in error.messages:
                self.form.add_error(None, message)

    def show_conflict(self, *, current: Meeting, changes: dict[str, list[str]]) -> None:
        """Someone saved first: show what they changed, keep everything typed, and let
        the next save be made over their version, deliberately (a third person's save
        in the meantime is refused again)."""
        self.conflict = [
            _changed_answer(name, theirs, yours) for name, (theirs, yours) in changes.items()
        ]
        assert isinstance(self.form.data, QueryDict)
        data = self.form.data.copy()
        data["version"] = str(current.version)
        self.form.data = data

    def error_summary(self) -> list[tuple[str, str]]:
        """(link, message) for the GOV.UK error summary, in page order; each names its
        field, and in the inline rows which officer or follow-up it is about."""
        if not self.show_errors or not self.form.is_bound:  # nothing posted, nothing wrong
            return []
        entries = [("#conflict", STALE_EDIT_ERROR)] if self.conflict is not None else []
        entries += error_summary(self.form, non_field_anchor="#meeting-form", with_labels=True)
        for formset in (self.disclosures, self.follow_ups):
            name, anchor = ROW_NAMES[formset.prefix]
            entries += [(f"#{formset.prefix}", error) for error in formset.non_form_errors()]
            for number, form in enumerate(formset.forms, start=1):
                entries += error_summary(
                    form,
                    non_field_anchor=f"#{anchor}-{number}",
                    with_labels=True,
                    prefix=f"{name} {number}: ",
                )
        return entries
