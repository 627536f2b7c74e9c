"""Every measure of the dashboards, in the order the page and the JSON show them.

One list per family of measure (a module of engagement/dashboards/queries/), gathered
here once: the dashboard page, its JSON and the data dictionary all read this registry,
so a measure added to its module's MEASURES appears everywhere with its stable key.
"""

from dataclasses import dataclass

from engagement.dashboards.queries import engagement, follow_ups, transparency
from engagement.dashboards.queries.base import Breakdown, Figure, Measure, Scope


@dataclass(frozen=True)
class Section:
    """A family of measures, shown under one heading."""

    key: str
    title: str
    measures: list[Measure]


SECTIONS: list[Section] = [
    Section("transparency", "Transparency", transparency.MEASURES),
    Section("engagement", "Engagement", engagement.MEASURES),
    Section("follow_ups", "Follow-ups", follow_ups.MEASURES),
]

ALL_MEASURES: list[Measure] = transparency.MEASURES + engagement.MEASURES + follow_ups.MEASURES


def duplicate_keys(measures: list[Measure]) -> list[str]:
    """Keys used by more than one measure: the JSON and the data dictionary need none."""
    seen: set[str] = set()
    duplicates = []
    for measure in measures:
        if measure.key in seen and measure.key not in duplicates:
            duplicates.append(measure.key)
        seen.add(measure.key)
    return duplicates


def measure_by_key(key: str) -> Measure:
    """The measure with this key; LookupError when there is none."""
    for measure in ALL_MEASURES:
        if measure.key == key:
            return measure
    raise LookupError(f"No measure has the key {key!r}")


@dataclass(frozen=True)
class SectionFigures:
    section: Section
    figures: list[tuple[Measure, Figure | Breakdown]]


def compute(scope: Scope) -> list[SectionFigures]:
    """Every measure's figure for `scope`, section by section, each computed once."""
    return [
        SectionFigures(section, [(measure, measure.compute(scope)) for measure in section.measures])
        for section in SECTIONS
        if section.measures
    ]
