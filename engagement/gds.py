"""GOV.UK Design System helpers for Django forms, in one place.

The error summary (one (link, message) list, whichever form it is for), crispy layouts
without their own <form> tag, radios without a blank choice, yes/no questions, free text
with a character count, and the widgets GOV.UK wants for numbers, dates and selects.
"""

from collections.abc import Iterable
from typing import Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms

from engagement.govuk_html import GOVUK_FORM_RENDERER

ErrorEntries = list[tuple[str, str]]


def field_error_entries(
    form: forms.BaseForm, *, with_labels: bool = False, prefix: str = ""
) -> ErrorEntries:
    entries = []
    for field in form:
        if not field.errors:
            continue
        # Radios and checkboxes have no element with the field's own id: point at the first.
        multiple = isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
        anchor = f"id_{field.html_name}_1" if multiple else field.auto_id
        # A field may name itself differently in the summary (`summary_label`).
        named = getattr(field.field, "summary_label", field.label)
        label = f"{named}: " if with_labels else ""
        entries += [(f"#{anchor}", f"{prefix}{label}{error}") for error in field.errors]
    return entries


def error_summary(
    form: forms.BaseForm,
    *,
    non_field_anchor: str | None = None,
    with_labels: bool = False,
    prefix: str = "",
) -> ErrorEntries:
    """Every error of `form`, non-field errors first, linked to where they are fixed.

    `with_labels` names the field in each message, for forms whose messages alone would
    be ambiguous (two date filters both saying "Enter a valid date"). `prefix` names the
    record a row of a formset is about ("Officer 2: "), for forms repeated on one page.
    """
    first = next(iter(form.visible_fields()), None)
    anchor = non_field_anchor or (f"#{first.auto_id}" if first else "#main-content")
    entries = [(anchor, f"{prefix}{error}") for error in form.non_field_errors()]
    return entries + field_error_entries(form, with_labels=with_labels, prefix=prefix)


YES_NO = [("True", "Yes"), ("False", "No")]
CHOOSE_ONE = "Choose one of the options."


def yes_no_field(model_field, *, required: bool) -> forms.TypedChoiceField:
    """A yes/no question as radios, with no answer picked until the officer picks one."""
    return forms.TypedChoiceField(
        label=model_field.verbose_name,
        help_text=model_field.help_text,
        choices=YES_NO,
        coerce=lambda value: value == "True",
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": f"Answer: {model_field.verbose_name}"},
    )


def radios_without_blank(form: forms.BaseForm | type[forms.BaseForm], *names: str) -> None:
    """Model choice fields offer a blank '---------' radio; a GOV.UK radio group has none.

    Given a form class, its fields are set up once, for every form made from it."""
    fields = form.base_fields if isinstance(form, type) else form.fields  # type: ignore[attr-defined]
    for name in names:
        field = fields[name]
        assert isinstance(field, forms.ChoiceField)
        choices = cast(Iterable[tuple[Any, str]], field.choices)
        field.choices = [(value, label) for value, label in choices if value != ""]
        field.widget = forms.RadioSelect(choices=field.choices)
        field.error_messages["required"] = f"Choose: {str(field.label).lower()}"


def inner_form_helper(*fields) -> FormHelper:
    """Crispy renders the fields; the page template owns the <form> and its CSRF token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


TOO_LONG_ERROR = "Enter no more than {limit:,} characters: shorten what you typed."


def too_long_message(limit: int) -> str:
    return TOO_LONG_ERROR.format(limit=limit)


def with_character_count(form: forms.BaseForm, name: str) -> Field:
    """A free-text field limited to its max_length (the model's), with a GOV.UK character
    count. The browser lets a person type past the limit (no maxlength attribute, which
    would cut a paste short without a word); the count shows the excess as they type, and
    the server refuses it with a message next to the field, keeping what was typed."""
    field = form.fields[name]
    assert isinstance(field, forms.CharField) and field.max_length is not None
    field.widget.attrs.pop("maxlength", None)
    # On the widget itself, so crispy-forms-gds points aria-describedby at the count.
    classes = field.widget.attrs.get("class", "")
    field.widget.attrs["class"] = f"{classes} govuk-js-character-count".strip()
    field.error_messages["max_length"] = too_long_message(field.max_length)
    return Field(name, context={"max_characters": field.max_length})


def number_input(**attrs) -> forms.TextInput:
    # crispy-forms-gds leaves number inputs unstyled; GOV.UK wants a text input with
    # a numeric keypad on phones.
    return forms.TextInput(
        attrs={
            "class": "govuk-input govuk-input--width-4",
            "inputmode": "numeric",
            "spellcheck": "false",
            **attrs,
        }
    )


def date_widget():
    return forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})


def select_widget():
    return forms.Select(attrs={"class": "govuk-select"})


class GovukFilterForm(forms.Form):
    """A filter form whose fields point screen readers at their hint and their error.

    GOV.UK Frontend gives a field's hint the id `<field id>-hint` and its error
    `<field id>-error`; Django's own `aria-describedby` (`<field id>_helptext`) would
    point at nothing, so each widget is told the ids the template really renders, and
    a field with an error is styled as GOV.UK's errored input or select.
    """

    # Selects written in Python: an admin's lists of areas and groups are the nation's.
    default_renderer = GOVUK_FORM_RENDERER

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self:
            if bound.help_text:
                _describe(bound, f"{bound.auto_id}-hint")

    # (from field, to field, message): a range whose start is after its end is refused.
    date_ranges: list[tuple[str, str, str]] = []

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        for start_name, end_name, message in self.date_ranges:
            start, end = cleaned.get(start_name), cleaned.get(end_name)
            if start and end and start > end:
                # Neither date applies until the range makes sense; the error says why.
                self.add_error(end_name, message)
                cleaned.pop(start_name, None)
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        for bound in self:
            if bound.errors:
                _describe(bound, f"{bound.auto_id}-error")
                _add_class(bound.field.widget, _error_class(bound.field.widget))


def _describe(bound: forms.BoundField, element_id: str) -> None:
    attrs = bound.field.widget.attrs
    ids = attrs.get("aria-describedby", "").split()
    if element_id not in ids:
        attrs["aria-describedby"] = " ".join([*ids, element_id])


def _error_class(widget: forms.Widget) -> str:
    return "govuk-select--error" if isinstance(widget, forms.Select) else "govuk-input--error"


def _add_class(widget: forms.Widget, name: str) -> None:
    classes = widget.attrs.get("class", "").split()
    if name not in classes:
        widget.attrs["class"] = " ".join([*classes, name])
