"""The meeting form's group picker: groups listed by area, and the warnings it gives.

Without JavaScript every group is listed, under its area's name. static/js/meeting-form.js
narrows the list to the meeting's area and warns as a group is ticked; the server gives
the same warnings before it saves, and asks the officer to confirm them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.dateformat import format as format_date

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


@dataclass
class PickerArea:
    area: Area
    groups: list[PickerGroup] = field(default_factory=list)


def picker_areas(
    groups: Iterable[CommunityGroup], *, checked: Iterable[str], saved: Iterable[int]
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
            )
        )
    return areas
