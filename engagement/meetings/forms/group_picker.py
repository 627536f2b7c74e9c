"""The meeting form's group picker: groups listed by area, and the warnings it gives.

Without JavaScript every group is listed, under its area's name. static/js/meeting-form.js
narrows the list to the meeting's area and warns as a group is ticked; the server gives
the same warnings before it saves, and asks the officer to confirm them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from engagement.community.models import Area, CommunityGroup

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
    def checkbox(self) -> SafeString:
        """The group's GOV.UK checkbox, with what static/js/meeting-form.js reads from it.

        Written here rather than in the picker's template: an officer may choose among
        every group of the force, and a template writes each of them ten times slower."""
        box_id = f"id_{self.name}_{self.counter}"
        declined = self.group.declined_engagement_from
        hint = self.hint
        extra = ""
        if hint:
            extra = format_html(
                ' aria-describedby="{}_hint" data-declined-from="{}" data-declined-warning="{}"',
                box_id,
                declined.isoformat() if declined else "",
                self.declined_warning,
            )
        return format_html(
            '<div class="govuk-checkboxes__item">'
            '<input class="govuk-checkboxes__input" type="checkbox" name="{}" id="{}" '
            'value="{}"{}{}{} data-group-name="{}">'
            '<label class="govuk-label govuk-checkboxes__label" for="{}">{}</label>{}</div>',
            self.name,
            box_id,
            str(self.group.pk),
            mark_safe(" checked") if self.checked else "",
            extra,
            mark_safe(" data-saved") if self.saved else "",
            self.group.name,
            box_id,
            self.group.name,
            format_html(
                '<div id="{}_hint" class="govuk-hint govuk-checkboxes__hint">{}</div>', box_id, hint
            )
            if hint
            else "",
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
