"""Measures (see base.py for the rules every measure follows)."""

from engagement.dashboards.queries.base import Measure

MEASURES: list[Measure] = []
