"""The meeting form's group picker: groups listed by area, and the warnings it gives.

Without JavaScript every group is listed, under its area's name. static/js/meeting-form.js
narrows the list to the meeting's area and warns as a group is ticked; the server gives
the same warnings before it saves, and asks the officer to confirm them.

The picker is written in Python, not a template: an officer may choose among every group
of the force, and a template writes each of them ten times slower.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from html import escape

from crispy_forms_gds.layout import Field
from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString, mark_safe

from engagement.community.models import Area, CommunityGroup
from engagement.govuk_html import hint_and_errors

DECLINED_HINT = "Declined counter-terrorism engagement from {date}"
DECLINED_WARNING = (
    "{group} has declined counter-terrorism engagement from {date}. Check with the "
    "group's liaison before recording this meeting with them."
)
OTHER_AREA_WARNING = "{group} is in {group_area}, not {area}, the area of this meeting."
CONFIRM_GROUPS_LABEL = "I understand the warning, and these groups were at this meeting"
CONFIRM_GROUPS_ERROR = (
    "Confirm the groups you chose, or untick any group that was not at the meeting."
)


def long_date(day: date) -> str:
    return format_date(day, "j F Y")


def group_warnings(
    groups: Iterable[CommunityGroup], *, day: date | None, area: Area | None
) -> list[str]:
    """What the officer must confirm before a meeting is saved with these groups."""
    warnings = []
    for group in groups:
        declined = group.declined_engagement_from
        if day is not None and declined is not None and group.has_declined_by(day):
            warnings.append(DECLINED_WARNING.format(group=group.name, date=long_date(declined)))
        if area is not None and group.area_id != area.pk:
            warnings.append(
                OTHER_AREA_WARNING.format(group=group.name, group_area=group.area, area=area)
            )
    return warnings


@dataclass
class PickerGroup:
    group: CommunityGroup
    counter: int
    checked: bool
    saved: bool
    name: str = "groups"  # the checkboxes' name, their ids' stem

    @property
    def hint(self) -> str:
        declined = self.group.declined_engagement_from
        return DECLINED_HINT.format(date=long_date(declined)) if declined else ""

    @property
    def declined_warning(self) -> str:
        declined = self.group.declined_engagement_from
        if declined is None:
            return ""
        return DECLINED_WARNING.format(group=self.group.name, date=long_date(declined))

    @property
    def checkbox(self) -> str:
        """The group's GOV.UK checkbox, with what static/js/meeting-form.js reads from it."""
        box_id = escape(f"id_{self.name}_{self.counter}")
        name = escape(self.group.name)
        declined = self.group.declined_engagement_from
        hint = self.hint
        extra = hint_html = ""
        if hint:
            extra = (
                f' aria-describedby="{box_id}_hint"'
                f' data-declined-from="{declined.isoformat() if declined else ""}"'
                f' data-declined-warning="{escape(self.declined_warning)}"'
            )
            hint_html = (
                f'<div id="{box_id}_hint" class="govuk-hint govuk-checkboxes__hint">'
                f"{escape(hint)}</div>"
            )
        checked = " checked" if self.checked else ""
        saved = " data-saved" if self.saved else ""
        return (
            f'<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" '
            f'type="checkbox" name="{escape(self.name)}" id="{box_id}" value="{self.group.pk}"'
            f'{checked}{extra}{saved} data-group-name="{name}">'
            f'<label class="govuk-label govuk-checkboxes__label" for="{box_id}">{name}</label>'
            f"{hint_html}</div>"
        )


@dataclass
class PickerArea:
    area: Area
    groups: list[PickerGroup] = field(default_factory=list)


def picker_areas(
    groups: Iterable[CommunityGroup],
    *,
    checked: Iterable[str],
    saved: Iterable[int],
    name: str = "groups",
) -> list[PickerArea]:
    """The groups under their areas, in the order given (by area, then name).

    Checkbox ids count through the whole list, as Django's own widget numbers them, so
    an error links to the first box as #id_groups_1.
    """
    checked = {str(value) for value in checked}
    saved = set(saved)
    areas: list[PickerArea] = []
    for counter, group in enumerate(groups, start=1):
        if not areas or areas[-1].area.pk != group.area_id:
            areas.append(PickerArea(area=group.area))
        areas[-1].groups.append(
            PickerGroup(
                group=group,
                counter=counter,
                checked=str(group.pk) in checked,
                saved=group.pk in saved,
                name=name,
            )
        )
    return areas


class GroupPicker(Field):
    """The meeting's groups as GOV.UK checkboxes under their areas' names, a crispy-forms
    layout object: `GroupPicker("groups")` in a form whose `group_picker` lists them."""

    def render(self, form, context, template_pack="gds", **kwargs) -> SafeString:
        (name,) = self.fields
        field = form[name]
        auto_id = field.auto_id
        show_errors = context.get("form_show_errors")
        errors = field.errors if show_errors else []
        described = " ".join(
            [f"{auto_id}_hint", *(f"{auto_id}_{n}_error" for n in range(1, len(errors) + 1))]
        )
        areas = "".join(
            f'<div class="app-group-picker__area" data-area="{item.area.pk}" '
            f'data-area-name="{escape(item.area.name)}">'
            f'<p class="govuk-body govuk-!-font-weight-bold govuk-!-margin-top-3 '
            f'govuk-!-margin-bottom-2">{escape(item.area.name)}</p>'
            f'<div class="govuk-checkboxes govuk-checkboxes--small">'
            f"{''.join(choice.checkbox for choice in item.groups)}</div></div>"
            for item in form.group_picker
        )
        return mark_safe(
            f'<div id="div_{auto_id}" class="govuk-form-group'
            f'{" govuk-form-group--error" if errors else ""}" data-app-group-picker '
            f'data-other-area-warning="{escape(form.other_area_warning)}">'
            f'<fieldset class="govuk-fieldset" aria-describedby="{described}">'
            f'<legend class="govuk-fieldset__legend">{escape(str(field.label))}</legend>'
            f"{hint_and_errors(field, context)}"
            f'<p class="govuk-body" data-app-group-picker-status aria-live="polite" hidden></p>'
            f"{areas}</fieldset></div>"
        )
