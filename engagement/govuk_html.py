"""GOV.UK form markup written in Python: the same HTML the templates write, faster.

Django renders every widget through templates (an <input> is three template renders, each
<option> of a select two more), and crispy-forms-gds renders every field through its
template machinery (a flattened copy of the page's context, a template per field and per
fieldset, and a lookup that fails, and raises, for each optional setting a field does not
use). The meeting form has some sixty fields, most of them in repeated rows with selects
of every officer and group: rendering them cost some 150 ms a page.

Two pieces write the same markup directly:

- GovukFormRenderer writes the plain widgets (inputs, textareas, selects) as Django's own
  templates in django/forms/templates/django/forms/widgets/ write them, and hands any
  other template to Django;
- GovukLayoutForm.as_govuk() writes a form's crispy-forms-gds layout (Fieldset, HTML,
  Field) as `{% crispy form %}` with the templates under templates/gds/ writes it, and
  hands any other layout object to crispy-forms-gds.

tests/meetings/test_meeting_form_render.py renders with both and compares the two, so an
upgrade of Django or crispy-forms-gds that changes their markup is noticed.
"""

import html
from collections.abc import Callable
from typing import Any, cast

from crispy_forms_gds.layout import HTML, Field, Fieldset, Size
from django import forms
from django.conf import settings
from django.forms.renderers import BaseRenderer, DjangoTemplates
from django.template import Context
from django.template.loader import get_template
from django.utils.choices import BaseChoiceIterator
from django.utils.formats import localize
from django.utils.safestring import SafeData, SafeString, mark_safe

# django.utils.html.escape is html.escape behind a wrapper for lazy strings; the values
# written here are never lazy once passed through str().
_escape = html.escape


def _esc(value: Any) -> str:
    return _escape(str(value))


def _attribute_value(value: Any) -> str:
    # As `{{ value|stringformat:'s' }}` does: escaped unless already marked safe.
    return str(value) if isinstance(value, SafeData) else _escape(str(value))


def _text(value: Any) -> str:
    # As `{{ value }}` does: localised, then escaped unless already marked safe.
    value = localize(value)
    return value.__html__() if hasattr(value, "__html__") else _escape(str(value))


def _unlocalized(value: Any) -> str:
    # As `{{ value|unlocalize }}` does: a string, not localised, escaped.
    return _escape(str(localize(value, use_l10n=False)))


# Widgets ---------------------------------------------------------------------------------


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: True is a bare attribute, False none at all."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_esc(name)}")
        else:
            parts.append(f' {_esc(name)}="{_attribute_value(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    value_attr = "" if value is None else f' value="{_attribute_value(value)}"'
    return (
        f'<input type="{_esc(widget["type"])}" name="{_esc(widget["name"])}"'
        f"{value_attr}{_attrs(widget['attrs'])}>"
    )


def _option(value: Any, label: Any, attrs: dict[str, Any]) -> str:
    # select_option.html ends with a newline, which {% include %} keeps.
    return f'\n  <option value="{_attribute_value(value)}"{_attrs(attrs)}>{_text(label)}</option>\n'


def _select_tag(name: str, attrs: dict[str, Any], inner: str) -> str:
    return f'<select name="{_esc(name)}"{_attrs(attrs)}>{inner}\n</select>'


class _NotPlain(Exception):
    """A select whose options have a template of their own: Django renders it."""


def _select(widget: dict) -> str:
    parts = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                raise _NotPlain
            parts.append(_option(option["value"], option["label"], option["attrs"]))
        if group_name:
            parts.append("\n  </optgroup>")
    return _select_tag(widget["name"], widget["attrs"], "".join(parts))


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_esc(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>"
    )


PLAIN_WIDGETS: dict[str, Callable[[dict], str]] = {
    **{
        f"django/forms/widgets/{name}.html": _input
        for name in ("text", "number", "email", "url", "password", "hidden", "date", "time")
    },
    "django/forms/widgets/checkbox.html": _input,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
}


class GovukFormRenderer(DjangoTemplates):
    """Django's default form renderer, with the plain widgets written in Python, and a
    form of hidden fields only (a formset's management form) written as django/forms/
    div.html writes it when it has no errors: its fields one after another.

    A form opts in with `default_renderer = GOVUK_FORM_RENDERER`.
    """

    def render(self, template_name, context, request=None):
        write = PLAIN_WIDGETS.get(template_name)
        if write is not None and set(context) == {"widget"}:
            try:
                return write(context["widget"]).strip()
            except _NotPlain:
                pass
        if (
            template_name == "django/forms/div.html"
            and not context.get("fields")
            and not context.get("errors")
            and "hidden_fields" in context
        ):
            return "".join(str(field) for field in context["hidden_fields"])
        return super().render(template_name, context, request=request)


GOVUK_FORM_RENDERER = GovukFormRenderer()


class SharedOptions(BaseChoiceIterator):
    """A model choice field's options worked out once and offered by many fields.

    Each option's HTML is written once too, chosen or not, so a select of a hundred
    officers repeated on every row of a form costs a join a row, not a hundred options.
    """

    def __init__(self, field: forms.ModelChoiceField, objects: list) -> None:
        iterator = field.iterator(field)
        self.options = [("", field.empty_label), *(iterator.choice(obj) for obj in objects)]
        self.by_key = {str(obj.pk): obj for obj in objects}
        self.html = [_option(value, label, {}) for value, label in self.options]
        self.keys = [str(value) for value, _label in self.options]

    def __iter__(self):
        return iter(self.options)

    def __len__(self) -> int:
        return len(self.options)


class Select(forms.Select):
    """A select whose options may be SharedOptions: then written from their HTML, as
    Django's select.html writes them. (Named Select: crispy-forms-gds gives a widget its
    GOV.UK classes by the name of its class.)"""

    def render(self, name, value, attrs=None, renderer=None):
        options = self.choices
        if not isinstance(options, SharedOptions):
            return super().render(name, value, attrs, renderer)
        parts = options.html
        # As Select.optgroups: the first option with the value is the one selected.
        chosen = set(self.format_value(value))
        index = next((i for i, key in enumerate(options.keys) if key in chosen), None)
        if index is not None:
            option, label = options.options[index]
            parts = [
                *parts[:index],
                _option(option, label, {"selected": True}),
                *parts[index + 1 :],
            ]
        return mark_safe(_select_tag(name, self.build_attrs(self.attrs, attrs), "".join(parts)))


# Layouts ---------------------------------------------------------------------------------

_GDS_FIELD_TEMPLATE = "%s/field.html"
_GDS_FIELDSET_TEMPLATE = "%s/layout/fieldset.html"


def render_layout(form: forms.BaseForm) -> SafeString:
    """`form.helper.layout` as `{% crispy form %}` renders it, for a helper without a
    <form> tag, CSRF token or buttons (engagement.gds.inner_form_helper)."""
    helper = form.helper  # type: ignore[attr-defined]
    assert not helper.form_tag and helper.disable_csrf and not helper.inputs
    context = helper.get_attributes(template_pack="gds")
    if helper.field_template:  # a field template of the form's own: crispy renders it
        return helper.render_layout(form, Context(context), template_pack="gds")
    # As crispy-forms-gds does: browser validation would pre-empt the GOV.UK messages.
    form.use_required_attribute = False
    if helper.label_size:
        context["label_size"] = Size.for_label(helper.label_size)
    if helper.legend_size:
        context["legend_size"] = Size.for_legend(helper.legend_size)
    return mark_safe("".join(_render_object(item, form, context) for item in helper.layout.fields))


def _render_object(item: Any, form: forms.BaseForm, context: dict) -> str:
    if isinstance(item, str):
        return _render_field(form, item, context)
    kind = type(item)
    if kind is Field and item.template == _GDS_FIELD_TEMPLATE:
        extra = {**context, **item.context}
        return "".join(_render_field(form, name, extra, item.attrs) for name in item.fields)
    if kind is Field:  # a field with a template of its own
        extra = {**context, **item.context}
        template = get_template(item.get_template_name("gds"))
        return "".join(
            template.render({**extra, "field": bound})
            for name in item.fields
            if (bound := _bound_field(form, name, item.attrs)) is not None
        )
    if kind is Fieldset and item.template == _GDS_FIELDSET_TEMPLATE:
        return _render_fieldset(item, form, context)
    if kind is HTML and "{" not in str(item.html):
        return str(item.html)
    # Anything else as crispy-forms-gds renders it.
    return item.render(form, Context(context), template_pack="gds")


def _render_fieldset(fieldset: Fieldset, form: forms.BaseForm, context: dict) -> str:
    """gds/layout/fieldset.html."""
    own = fieldset.context
    parts = ["<fieldset"]
    if fieldset.css_id:
        parts.append(f' id="{_esc(fieldset.css_id)}"')
    if fieldset.css_class:
        parts.append(f' class="{_esc(fieldset.css_class)}"')
    parts.append(f"{fieldset.flat_attrs}>")
    if legend := own.get("legend"):
        parts.append(_legend(legend, own.get("legend_size"), own.get("legend_tag")))
    parts.extend(_render_object(item, form, context) for item in fieldset.fields)
    parts.append("</fieldset>")
    return "\n".join(parts)


def _legend(text: Any, size: str | None, tag: str | None) -> str:
    # Legends and labels are not escaped: crispy-forms-gds marks them safe.
    inner = f'<{tag} class="govuk-fieldset__heading">{text}</{tag}>' if tag else str(text)
    size_class = f" {size}" if size else ""
    return f'<legend class="govuk-fieldset__legend{size_class}">{inner}</legend>'


def _bound_field(form: forms.BaseForm, name: str, attrs: dict) -> forms.BoundField | None:
    """The field, with the layout's attributes on its widget, as crispy's render_field."""
    if name not in form.fields:
        return None  # as crispy-forms: a field the form does not have is left out
    bound = form[name]
    if attrs:
        if attrs.get("type") == "hidden":
            bound.field.widget = bound.field.hidden_widget(attrs)
        else:
            bound.field.widget.attrs.update(attrs)
    return bound


class _Bound:
    """What a field's markup reads many times, read once."""

    __slots__ = ("auto_id", "errors", "field", "help_text", "label", "name")

    def __init__(self, bound: forms.BoundField) -> None:
        self.field = bound
        self.auto_id = bound.auto_id
        self.errors = bound.errors
        self.help_text = bound.help_text
        self.label = bound.label
        self.name = _esc(bound.html_name)


_CLASS_CONVERTERS = {
    "checkboxinput": "govuk-checkboxes__input",
    "select": "govuk-select",
    "textinput": "govuk-input",
    "emailinput": "govuk-input",
    "passwordinput": "govuk-input",
    "textarea": "govuk-textarea",
    "clearablefileinput": "govuk-file-upload",
}


def _widget(field: _Bound) -> str:
    """`{% crispy_gds_field field %}`: the widget with its GOV.UK classes, pointed at its
    hint, its character count and its errors."""
    widget = field.field.field.widget
    attrs = widget.attrs
    kind = type(widget).__name__
    converters = {**_CLASS_CONVERTERS, **getattr(settings, "CRISPY_CLASS_CONVERTERS", {})}
    class_name = converters.get(kind.lower(), kind.lower())
    classes = class_name.split()
    classes += [name for name in attrs.get("class", "").split() if name not in classes]
    css_class = " ".join(classes)
    if hasattr(widget, "input_type") and "input_type" in attrs:
        widget.input_type = attrs.pop("input_type")
    if field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_hint"
    if "govuk-js-character-count" in attrs.get("class", ""):
        described = attrs.get("aria-describedby")
        info = f"{field.auto_id}-info"
        attrs["aria-describedby"] = f"{described} {info}" if described else info
    if field.errors:
        if kind in ("Select", "TextInput", "Textarea"):
            css_class += " govuk-input--error"
        elif kind in ("FileInput", "ClearableFileInput"):
            css_class += " govuk-file-upload--error"
        described = attrs.get("aria-describedby", "") if field.help_text else ""
        for number in range(1, len(field.errors) + 1):
            error_id = f"{field.auto_id}_{number}_error"
            described = f"{described} {error_id}" if described else error_id
        attrs["aria-describedby"] = described
    attrs["class"] = css_class
    return str(field.field)


def _render_field(form: forms.BaseForm, name: str, context: dict, attrs: dict | None = None) -> str:
    """templates/gds/field.html."""
    bound = _bound_field(form, name, attrs or {})
    if bound is None:
        return ""
    if bound.is_hidden:
        return str(bound)
    widget = bound.field.widget
    if isinstance(widget, forms.MultiWidget):
        return get_template(_GDS_FIELD_TEMPLATE % "gds").render({**context, "field": bound})
    field = _Bound(bound)
    max_characters = context.get("max_characters")
    max_words = context.get("max_words")
    counted = max_characters or max_words
    parts = []
    if counted:
        limit = (
            f' data-maxlength="{max_characters}"'
            if max_characters
            else f' data-maxwords="{max_words}"'
        )
        if threshold := context.get("threshold"):
            limit += f' data-threshold="{threshold}"'
        parts.append(
            f'<div class="govuk-character-count" data-module="govuk-character-count"{limit}>'
        )
    tag = context.get("tag") or "div"
    group_class = "govuk-form-group"
    if context.get("form_show_errors") and field.errors:
        group_class += " govuk-form-group--error"
    if wrapper_class := context.get("wrapper_class"):
        group_class += f" {wrapper_class}"
    if css_classes := bound.css_classes():
        group_class += f" {css_classes}"
    parts.append(f'<{tag} id="div_{field.auto_id}" class="{_esc(group_class)}">')
    if isinstance(widget, forms.CheckboxSelectMultiple) and widget.input_type == "checkbox":
        parts.append(_choices_fieldset(field, context, _checkbox_items))
    elif isinstance(widget, forms.RadioSelect) and widget.input_type == "radio":
        parts.append(_choices_fieldset(field, context, _radio_items))
    else:
        checkbox = isinstance(widget, forms.CheckboxInput)
        show_labels = context.get("form_show_labels")
        if field.label and not checkbox and show_labels:
            size = context.get("label_size")
            label = (
                f'<label for="{bound.id_for_label}" class="govuk-label'
                f'{f" {size}" if size else ""}">{field.label}</label>'
            )
            if label_tag := context.get("label_tag"):
                label = f'<{label_tag} class="govuk-label-wrapper">{label}</{label_tag}>'
            parts.append(label)
        parts.append(_hint_and_errors(field, context))
        if checkbox and show_labels:
            small = " govuk-checkboxes--small" if context.get("checkboxes_small") else ""
            parts.append(
                f'<div class="govuk-checkboxes{small}"><div class="govuk-checkboxes__item">'
                f'{_widget(field)}<label class="govuk-label govuk-checkboxes__label" '
                f'for="{bound.id_for_label}">{field.label}</label></div></div>'
            )
        else:
            parts.append(_widget(field))
            if counted:
                count = (
                    f"You can enter up to {max_characters} characters"
                    if max_characters
                    else f"You can enter up to {max_words} words"
                )
                parts.append(
                    f'<span id="{bound.id_for_label}-info" '
                    f'class="govuk-hint govuk-character-count__message" '
                    f'aria-live="polite">{count}</span>'
                )
    parts.append(f"</{tag}>")
    if counted:
        parts.append("</div>")
    return "\n".join(parts)


def hint_and_errors(bound: forms.BoundField, context: Any) -> str:
    """A field's GOV.UK hint and error messages, for markup of a field's own."""
    return _hint_and_errors(_Bound(bound), context)


def _hint_and_errors(field: _Bound, context: Any) -> str:
    """templates/gds/layout/help_text_and_errors.html. Hints are not escaped: crispy-forms-gds
    marks them safe."""
    parts = []
    inline_hint = context.get("help_text_inline")
    if field.help_text and (not inline_hint or not context.get("error_text_inline")):
        tag = "span" if inline_hint else "div"
        parts.append(
            f'<{tag} id="{field.auto_id}_hint" class="govuk-hint">{field.help_text}</{tag}>'
        )
    if context.get("form_show_errors"):
        for number, error in enumerate(field.errors, start=1):
            parts.append(
                f'<span id="{field.auto_id}_{number}_error" class="govuk-error-message">'
                f'<span class="govuk-visually-hidden">Error:</span> {_text(error)}</span>'
            )
    return "\n".join(parts)


def _choices_fieldset(field: _Bound, context: dict, items: Callable[[_Bound, dict], str]) -> str:
    """templates/gds/layout/radios.html and checkboxes.html: the fieldset around them.

    As there, the fieldset points at its errors even when they are not shown."""
    parts = ['<fieldset class="govuk-fieldset"']
    if field.help_text or field.errors:
        described = [f"{field.auto_id}_hint"] if field.help_text else []
        described += [f"{field.auto_id}_{n}_error" for n in range(1, len(field.errors) + 1)]
        parts.append(f' aria-describedby="{" ".join(described)}"')
    parts.append(">")
    if field.label:
        parts.append(_legend(field.label, context.get("legend_size"), context.get("legend_tag")))
    parts.append(_hint_and_errors(field, context))
    parts.append(items(field, context))
    parts.append("</fieldset>")
    return "\n".join(parts)


def _choice_extras(choice: Any, item_id: str, kind: str) -> tuple[str, str, str]:
    """A choice's hint (aria-describedby, the hint) and divider: crispy-forms-gds's Choice."""
    hint = getattr(choice, "hint", None)
    divider = getattr(choice, "divider", None)
    if hint:
        described = f' aria-describedby="{item_id}_hint"'
        hint_html = (
            f'<span id="{item_id}_hint" class="govuk-hint govuk-{kind}__hint">{_text(hint)}</span>'
        )
    else:
        described = hint_html = ""
    divider_html = f'<div class="govuk-{kind}__divider">{_text(divider)}</div>' if divider else ""
    return described, hint_html, divider_html


def _radio_items(field: _Bound, context: dict) -> str:
    classes = "govuk-radios"
    if context.get("radios_inline"):
        classes += " govuk-radios--inline"
    if context.get("radios_small"):
        classes += " govuk-radios--small"
    name = field.name
    value = f"{field.field.value()}"
    parts = [f'<div class="{classes}">']
    for number, choice in enumerate(_choices(field), start=1):
        item_id = f"id_{name}_{number}"
        checked = ' checked="checked"' if f"{choice[0]}" == value else ""
        described, hint, divider = _choice_extras(choice, item_id, "radios")
        parts.append(
            f'<div class="govuk-radios__item"><input type="radio" name="{name}" '
            f'class="govuk-radios__input" id="{item_id}" value="{_unlocalized(choice[0])}"'
            f'{checked}{described}><label class="govuk-label govuk-radios__label" '
            f'for="{item_id}">{_unlocalized(choice[1])}</label>{hint}</div>{divider}'
        )
    parts.append("</div>")
    return "\n".join(parts)


def _checkbox_items(field: _Bound, context: dict) -> str:
    classes = "govuk-checkboxes"
    if context.get("inline"):
        classes += "--inline"  # sic: crispy-forms-gds 2.0.1 writes it without the base class
    if context.get("checkboxes_small"):
        classes += " govuk-checkboxes--small"
    name = field.name
    values = field.field.value()
    parts = [f'<div class="{classes}">']
    for number, choice in enumerate(_choices(field), start=1):
        item_id = f"id_{name}_{number}"
        checked = ' checked="checked"' if _contains(values, choice[0]) else ""
        described, hint, divider = _choice_extras(choice, item_id, "checkboxes")
        parts.append(
            f'<div class="govuk-checkboxes__item"><input type="checkbox" name="{name}" '
            f'class="govuk-checkboxes__input" id="{item_id}" value="{_unlocalized(choice[0])}"'
            f'{checked}{described}><label class="govuk-label govuk-checkboxes__label" '
            f'for="{item_id}">{_unlocalized(choice[1])}</label>{hint}</div>{divider}'
        )
    parts.append("</div>")
    return "\n".join(parts)


def _choices(field: _Bound) -> Any:
    return cast(forms.ChoiceField, field.field.field).choices


def _contains(values: Any, value: Any) -> bool:
    # `{% if choice.0 in value or choice.0|stringformat:"s" in value %}`
    try:
        return value in values or f"{value}" in values
    except TypeError:
        return False


class GovukLayoutForm:
    """A form whose crispy-forms-gds layout is written in Python: `{{ form.as_govuk }}`
    writes what `{% crispy form %}` would, and its plain widgets are written in Python
    too (GovukFormRenderer)."""

    default_renderer: BaseRenderer | type[BaseRenderer] | None = GOVUK_FORM_RENDERER

    def as_govuk(self) -> SafeString:
        return render_layout(cast(forms.BaseForm, self))
