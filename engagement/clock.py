"""The time services record: now, unless a caller has set it for what they replay.

seed_demo replays a year of meetings through the real services, each step at the
moment it happened, so the demo's histories read in order. Nothing else sets it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_replaying_at: ContextVar[datetime | None] = ContextVar("replaying_at", default=None)


def now() -> datetime:
    return _replaying_at.get() or timezone.now()


def today() -> date:
    return timezone.localdate(now())


def is_replaying() -> bool:
    return _replaying_at.get() is not None


@contextmanager
def replaying_at(moment: datetime) -> Iterator[None]:
    token = _replaying_at.set(moment)
    try:
        yield
    finally:
        _replaying_at.reset(token)
