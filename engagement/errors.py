"""The GOV.UK error summary: one (link, message) list, whichever form it is for."""

from django import forms

ErrorEntries = list[tuple[str, str]]


def field_error_entries(form: forms.BaseForm, *, with_labels: bool = False) -> ErrorEntries:
    entries = []
    for field in form:
        if not field.errors:
            continue
        # Radios and checkboxes have no element with the field's own id: point at the first.
        multiple = isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
        anchor = f"id_{field.html_name}_1" if multiple else field.auto_id
        prefix = f"{field.label}: " if with_labels else ""
        entries += [(f"#{anchor}", prefix + error) for error in field.errors]
    return entries


def error_summary(
    form: forms.BaseForm, *, non_field_anchor: str | None = None, with_labels: bool = False
) -> ErrorEntries:
    """Every error of `form`, non-field errors first, linked to where they are fixed.

    `with_labels` names the field in each message, for forms whose messages alone would
    be ambiguous (two date filters both saying "Enter a valid date").
    """
    first = next(iter(form.visible_fields()), None)
    anchor = non_field_anchor or (f"#{first.auto_id}" if first else "#main-content")
    entries = [(anchor, error) for error in form.non_field_errors()]
    return entries + field_error_entries(form, with_labels=with_labels)
