"""The retention decision form and the queue's filters."""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError

from engagement import clock
from engagement.accounts.models import Unit
from engagement.community.models import Area
from engagement.gds import (
    GovukFilterForm,
    inner_form_helper,
    select_widget,
    too_long_message,
    with_character_count,
)
from engagement.retention.models import (
    NEXT_REVIEW_IN_FUTURE_ERROR,
    NEXT_REVIEW_REQUIRED_ERROR,
    RATIONALE_ERROR,
    RATIONALE_MAX,
    RetentionDecision,
)
from engagement.retention.queries import QueueFilters

DECISION_ERROR = "Choose whether to keep the meeting or dispose of it."
CONFIRM_DISPOSAL_ERROR = (
    "Confirm that you understand the meeting’s content will be removed for good."
)
INVALID_DATE_ERROR = "Enter a real date, for example 27 3 2032."
CONFIRM_DISPOSAL_LABEL = (
    "I understand that disposing of this meeting removes everything typed into it and "
    "what hangs off it, for good. Its counts stay for the measures."
)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="What is your decision?",
        choices=RetentionDecision.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": DECISION_ERROR, "invalid_choice": DECISION_ERROR},
    )
    next_review_on = forms.DateField(
        label="Date of the next review",
        help_text="If you keep it: when it should be reviewed again, after today.",
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "class": "govuk-input govuk-input--width-10"},
            format="%Y-%m-%d",
        ),
        error_messages={"invalid": INVALID_DATE_ERROR},
    )
    rationale = forms.CharField(
        label="Rationale",
        help_text="Why it should be kept or disposed of, under the Code of Practice. Kept "
        "with the decision and in the audit log. Do not record anyone’s name, religion or "
        "ethnicity.",
        max_length=RATIONALE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": RATIONALE_ERROR,
            "max_length": too_long_message(RATIONALE_MAX),
        },
    )
    confirm_disposal = forms.BooleanField(
        label=CONFIRM_DISPOSAL_LABEL,
        help_text="Only if you dispose of it.",
        required=False,
    )
    # What the admin saw: the meeting's version and its latest decision (0: none).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    latest_decision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inner_form_helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field("next_review_on"),
            with_character_count(self, "rationale"),
            Field.checkbox("confirm_disposal"),
            Field("version"),
            Field("latest_decision"),
        )

    def clean_rationale(self) -> str:
        rationale = self.cleaned_data["rationale"].strip()
        if not rationale:
            raise ValidationError(RATIONALE_ERROR)
        return rationale

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        decision = cleaned.get("decision")
        next_review_on = cleaned.get("next_review_on")
        if decision == RetentionDecision.Decision.KEEP and "next_review_on" not in self.errors:
            if next_review_on is None:
                self.add_error("next_review_on", NEXT_REVIEW_REQUIRED_ERROR)
            elif next_review_on <= clock.today():
                self.add_error("next_review_on", NEXT_REVIEW_IN_FUTURE_ERROR)
        if decision == RetentionDecision.Decision.DISPOSE and not cleaned.get("confirm_disposal"):
            self.add_error("confirm_disposal", CONFIRM_DISPOSAL_ERROR)
        return cleaned

    @property
    def expected_decision(self) -> int | None:
        return self.cleaned_data.get("latest_decision") or None

    def add_service_error(self, error: ValidationError) -> None:
        """A service's refusal, next to the field it names when the form has that field."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                for field_error in errors:
                    self.add_error(name if name in self.fields else None, field_error)
        else:
            for message in error.messages:
                self.add_error(None, message)


class QueueFilterForm(GovukFilterForm):
    area = forms.ModelChoiceField(
        queryset=Area.objects.order_by("name"),
        required=False,
        empty_label="Any area",
        widget=select_widget(),
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.order_by("name"),
        required=False,
        empty_label="Any unit",
        widget=select_widget(),
    )

    def filters(self) -> QueueFilters:
        """The filters chosen; none when the form has errors (the errors say why)."""
        if not self.is_valid():
            return QueueFilters()
        return QueueFilters(area=self.cleaned_data["area"], unit=self.cleaned_data["unit"])
