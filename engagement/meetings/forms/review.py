"""The liaison's review of a meeting, and marking a dispute as unresolved."""

from collections.abc import Iterable

from crispy_forms_gds.layout import HTML, Field, Size
from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from engagement.gds import inner_form_helper
from engagement.meetings.models import (
    NO_PERSONAL_DETAILS,
    SHORT_TEXT,
    Disclosure,
    DisclosureConfirmation,
    Review,
)
from engagement.meetings.services.review import ESCALATION_REASON_ERROR

ACCURACY_REQUIRED_ERROR = "Choose whether the record of the meeting is accurate."
TRUST_REQUIRED_ERROR = "Choose the effect the meeting had on trust."
CONFIRMATION_REQUIRED_ERROR = "Answer whether {officer}’s counter-terrorism role was made clear."

CONFIRMATION_PREFIX = "disclosure_"
CHANGED_TAG = mark_safe(
    '<strong class="govuk-tag govuk-tag--yellow">Changed since the dispute</strong> '
)


def confirmation_label(disclosure: Disclosure) -> str:
    # crispy-forms-gds marks labels safe: the officer's name is escaped here.
    return format_html(
        "Was {}’s counter-terrorism role made clear to the group?", str(disclosure.officer)
    )


def _recorded(disclosure: Disclosure, *, changed: bool) -> str:
    """What the officers recorded for this officer, as the hint beside the question."""
    parts = [
        ("What the officers recorded", disclosure.get_level_display()),
        ("How", disclosure.get_method_display()),
        ("When", disclosure.get_timing_display()),
    ]
    if disclosure.reason:
        parts.append(("Reason given", disclosure.reason))
    flag = CHANGED_TAG if changed else ""
    # crispy-forms-gds marks hints safe: every value is escaped here.
    return format_html(
        "{}{}", flag, format_html_join(" ", "{}: {}.", ((k, v.rstrip(".")) for k, v in parts))
    )


class ReviewForm(forms.Form):
    """Accuracy, one answer per officer's disclosure, effect on trust and comments.

    The hidden version is the revision the liaison read: a review of an older one is
    refused (services.review.review_submit raises StaleEdit).
    """

    accuracy = forms.ChoiceField(
        label=Review._meta.get_field("accuracy").verbose_name,
        choices=Review.Accuracy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": ACCURACY_REQUIRED_ERROR},
    )
    trust_effect = forms.ChoiceField(
        label=Review._meta.get_field("trust_effect").verbose_name,
        choices=Review.TrustEffect.choices,
        widget=forms.RadioSelect,
        error_messages={"required": TRUST_REQUIRED_ERROR},
    )
    comments = forms.CharField(
        label=Review._meta.get_field("comments").verbose_name,
        help_text=Review._meta.get_field("comments").help_text,
        max_length=Review._meta.get_field("comments").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        data=None,
        *,
        disclosures: Iterable[Disclosure],
        version: int,
        changed: Iterable[str] = (),
    ):
        super().__init__(data, initial={"version": version})
        self.current_version = version
        self.disclosures = list(disclosures)
        changed = set(changed)
        names = []
        for disclosure in self.disclosures:
            name = f"{CONFIRMATION_PREFIX}{disclosure.pk}"
            self.fields[name] = forms.ChoiceField(
                label=confirmation_label(disclosure),
                help_text=_recorded(
                    disclosure, changed=f"disclosure: {disclosure.officer}" in changed
                ),
                choices=DisclosureConfirmation.Answer.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": CONFIRMATION_REQUIRED_ERROR.format(officer=disclosure.officer)
                },
            )
            names.append(name)
        self.helper = inner_form_helper(
            Field.radios("accuracy", legend_size=Size.MEDIUM),
            HTML(
                '<h2 class="govuk-heading-m">Each officer’s counter-terrorism role</h2>'
                '<p class="govuk-body">For each officer, say whether the group understood they '
                "work in counter-terrorism. “Unsure” and “partly” are not a confirmation.</p>"
            ),
            *(Field.radios(name, small=True, inline=True) for name in names),
            Field.radios("trust_effect", legend_size=Size.MEDIUM),
            Field.textarea("comments", rows=5, max_characters=SHORT_TEXT * 2),
            "version",
        )

    def is_stale(self) -> bool:
        """Sent from an older version of the meeting than the one this form is for."""
        return self.is_bound and self.data.get("version") != str(self.current_version)

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def confirmations(self) -> dict[int, str]:
        """{disclosure id: answer}, as services.review.review_submit takes them."""
        return {d.pk: self.cleaned_data[f"{CONFIRMATION_PREFIX}{d.pk}"] for d in self.disclosures}


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label="Why is the dispute unresolved?",
        help_text="The admins read this beside the community's account and the officer's; "
        "so do the officers and liaisons of the meeting. " + NO_PERSONAL_DETAILS,
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": ESCALATION_REASON_ERROR},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inner_form_helper(Field.textarea("reason", rows=4, max_characters=SHORT_TEXT))
