"""The follow-up forms: one for each change the owner may make, and the liaison's answer.

Each form's fields are named as its service's arguments, so the view hands them over as
they are; the services' messages are the forms' "required" messages, and the services
apply every rule again as the guard. A hidden version field carries the version the
person saw.
"""

from typing import Self

from crispy_forms_gds.layout import Field
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict

from engagement import clock
from engagement.gds import inner_form_helper, radios_without_blank
from engagement.meetings.models import (
    NO_PERSONAL_DETAILS,
    SEEN_BY_LIAISONS,
    SHORT_TEXT,
    FollowUpAction,
    ReportBackConfirmation,
)
from engagement.meetings.services import follow_up as services

INVALID_DATE_ERROR = "Enter a real date, for example 27 3 2025."
TOO_LONG_ERROR = "Enter {max} characters or fewer."


def _date_field(label: str, *, help_text: str, required_error: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        widget=forms.DateInput(
            attrs={"type": "date", "class": "govuk-input govuk-input--width-10"},
            format="%Y-%m-%d",
        ),
        error_messages={"required": required_error, "invalid": INVALID_DATE_ERROR},
    )


def _text_field(label: str, *, help_text: str, required_error: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=bool(required_error),
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": required_error,
            "max_length": TOO_LONG_ERROR.format(max=f"{SHORT_TEXT:,}"),
        },
    )


def _label(name: str) -> str:
    field = FollowUpAction._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.verbose_name)


class VersionedForm(forms.Form):
    """A change to one action, checked against the version the person saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # The page's heading, its button and what the person is told once it is saved.
    heading = ""
    button = ""
    saved_message = ""

    def __init__(self, data=None, *, action: FollowUpAction):
        self.action = action
        super().__init__(data, initial={"version": action.version, **self.initial_for(action)})
        self.helper = inner_form_helper(*self.layout())

    def initial_for(self, action: FollowUpAction) -> dict:
        return {}

    def layout(self) -> list:
        return []

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def service_arguments(self) -> dict:
        """What the person gave, keyed as the service's arguments."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def add_service_error(self, error: ValidationError) -> None:
        """A service's refusal, next to the field it names when the form has that field."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                field = name if name in self.fields else None
                for field_error in errors:
                    self.add_error(field, field_error)
        else:
            for message in error.messages:
                self.add_error(None, message)

    def with_current_version(self, current: FollowUpAction, message: str) -> Self:
        """After a stale save: what was typed, now against the action as it is, and why.

        Saving again is then a deliberate choice made with the current action in view.
        """
        data = QueryDict(mutable=True)
        data.update(self.data)
        data["version"] = str(current.version)
        form = type(self)(data, action=current)
        form.is_valid()
        form.add_error(None, message)
        return form


class PartlyDoneForm(VersionedForm):
    heading = "Mark this action as partly done"
    button = "Mark as partly done"
    saved_message = "Marked as partly done. The new due date is saved."

    remaining = _text_field(
        _label("remaining"),
        help_text=NO_PERSONAL_DETAILS + " " + SEEN_BY_LIAISONS,
        required_error=services.REMAINING_ERROR,
    )
    due_date = _date_field(
        "New due date",
        help_text="Today or later. " + SEEN_BY_LIAISONS,
        required_error=services.NEW_DUE_DATE_ERROR,
    )

    def initial_for(self, action: FollowUpAction) -> dict:
        return {"remaining": action.remaining}

    def layout(self) -> list:
        return [
            Field.textarea("remaining", rows=4, max_characters=SHORT_TEXT),
            Field.text("due_date"),
        ]


class CompleteForm(VersionedForm):
    heading = "Mark this action as done"
    button = "Mark as done"
    saved_message = "Marked as done. Record when the outcome is reported back to the group."

    outcome = _text_field(
        "What was the outcome?",
        help_text="What was done. " + NO_PERSONAL_DETAILS + " " + SEEN_BY_LIAISONS,
        required_error=services.OUTCOME_ERROR,
    )
    completed_on = _date_field(
        _label("completed_on"),
        help_text="Today or earlier. " + SEEN_BY_LIAISONS,
        required_error=services.COMPLETED_ON_ERROR,
    )

    def initial_for(self, action: FollowUpAction) -> dict:
        return {"completed_on": clock.today()}

    def layout(self) -> list:
        return [
            Field.textarea("outcome", rows=4, max_characters=SHORT_TEXT),
            Field.text("completed_on"),
        ]


class ReportBackForm(VersionedForm):
    heading = "Record that the outcome was reported back"
    button = "Record the report-back"
    saved_message = (
        "Recorded as reported back. The group’s liaisons will be asked whether it reached them."
    )

    reported_back_on = _date_field(
        "When was the outcome reported back to the group?",
        help_text="On or after the date it was done, and not in the future. "
        "The group’s liaisons will be asked whether it reached the group.",
        required_error=services.REPORTED_BACK_ON_ERROR,
    )

    def initial_for(self, action: FollowUpAction) -> dict:
        return {"reported_back_on": clock.today()}

    def layout(self) -> list:
        return [Field.text("reported_back_on")]


class CancelForm(VersionedForm):
    heading = "Cancel this action"
    button = "Cancel the action"
    saved_message = "Action cancelled. The reason is kept with it."

    reason = _text_field(
        "Why is it cancelled?",
        help_text=NO_PERSONAL_DETAILS + " " + SEEN_BY_LIAISONS,
        required_error=services.CANCEL_REASON_ERROR,
    )

    def layout(self) -> list:
        return [Field.textarea("reason", rows=4, max_characters=SHORT_TEXT)]


class ReopenForm(VersionedForm):
    heading = "Reopen this action"
    button = "Reopen the action"
    saved_message = "Action reopened. Its earlier outcome is kept in its history."

    reason = _text_field(
        "Why is it reopened?",
        help_text="Shown in the action’s history. The outcome and report-back recorded "
        "so far are cleared from the action and kept in its history. "
        + NO_PERSONAL_DETAILS
        + " "
        + SEEN_BY_LIAISONS,
        required_error=services.REOPEN_REASON_ERROR,
    )

    def layout(self) -> list:
        return [Field.textarea("reason", rows=4, max_characters=SHORT_TEXT)]


# The form for each transition of FOLLOW_UP_TRANSITIONS, by its name.
TRANSITION_FORMS: dict[str, type[VersionedForm]] = {
    "partly_done": PartlyDoneForm,
    "complete": CompleteForm,
    "report_back": ReportBackForm,
    "cancel": CancelForm,
    "reopen": ReopenForm,
}


class ReportBackConfirmForm(VersionedForm):
    heading = "Confirm the report-back"
    button = "Send your answer"
    saved_message = "Thank you: your answer is recorded."

    answer = forms.ChoiceField(
        label="Did the outcome reach the group?",
        choices=ReportBackConfirmation.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": services.ANSWER_ERROR},
    )
    comment = _text_field(
        "Comment (optional)",
        help_text="For example, who heard about it, or what is still missing. "
        + NO_PERSONAL_DETAILS
        + " Seen by the police.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        radios_without_blank(self, "answer")
        self.fields["answer"].error_messages["required"] = services.ANSWER_ERROR

    def layout(self) -> list:
        return [
            Field.radios("answer", legend_size="m"),
            Field.textarea("comment", rows=3, max_characters=SHORT_TEXT),
        ]
