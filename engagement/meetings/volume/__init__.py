"""Invented meetings at any volume, for benchmarks: `manage.py generate_volume`.

The shape is seed_demo's, grown in proportion. One *force* for every
`meetings_per_force` meetings (25,000 by default, so 1,000,000 meetings make 40 forces,
about the 43 forces of England and Wales); a force is four copies of seed_demo's world
(world.py: 24 areas, 20 units, 116 community groups, 52 officers, 36 liaisons) and an
admin. Spread over five years, each unit logs about 1,250 meetings and each liaison's
groups a few hundred to two thousand: what one officer or liaison of a real force sees,
however large the database grows. Each meeting lives seed_demo's life with its
proportions (life.py), written as rows: COPY on PostgreSQL with the indexes and foreign
keys rebuilt after the load, executemany on SQLite (load.py).

Safe by default: the command runs only with DEBUG on (seed_demo's rule) and refuses a
database holding meetings people logged (`meetings_not_generated`).
"""

import importlib
import inspect
import queue
import random
import threading
import time as timer
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.management.base import OutputWrapper
from django.db import connection, models, transaction
from django.utils import timezone

from engagement import clock
from engagement.community.models import CommunityGroup
from engagement.meetings.management.commands.seed_demo import OFFICER_NAMES
from engagement.meetings.models import Meeting
from engagement.meetings.volume.life import Generator
from engagement.meetings.volume.load import (
    MEETING_GROUPS,
    MEETINGS,
    TABLES,
    Loader,
    PostgresLoader,
    SqliteLoader,
    VolumeError,
    plan_table,
)
from engagement.meetings.volume.world import (
    VOLUME_EMAIL_DOMAIN,
    VOLUME_USERNAME_PREFIX,
    build_world,
    next_force_number,
)

__all__ = [
    "MEETINGS_PER_FORCE",
    "TABLES",
    "VOLUME_EMAIL_DOMAIN",
    "VOLUME_USERNAME_PREFIX",
    "YEARS",
    "Report",
    "VolumeError",
    "forces_for",
    "generate",
    "meetings_not_generated",
]

MEETINGS_PER_FORCE = 25_000
YEARS = 5
# Meetings generated and written per round: big enough for COPY to stream, small enough
# to keep memory flat (about 60 MB of rows).
CHUNK = 20_000
# Analysed after the first chunk, so the search refresh's lookups are planned from
# statistics rather than guesses (a guess made it scan every group for every meeting).
REFRESH_TABLES = [
    model._meta.db_table for model in (Meeting, Meeting.groups.through, CommunityGroup)
]

PRODUCTION_ERROR = (
    "generate_volume fills the database with invented meetings: it runs only with "
    "DEBUG=true, or with --allow-production on a throwaway database."
)
REAL_DATA_ERROR = (
    "The database holds {count} meetings that neither generate_volume nor seed_demo made. "
    "Add invented meetings beside them only on purpose, with --allow-existing."
)
MEETINGS_ERROR = "--meetings must be a whole number of 1 or more."
PER_FORCE_ERROR = "--meetings-per-force must be a whole number of 1 or more."
YEARS_ERROR = "--years must be a whole number from 1 to 50."

# seed_demo's officers (with its example.org addresses): their meetings are demo data.
SEED_DEMO_OFFICERS = ["officer"] + [f"officer{i + 2}" for i in range(len(OFFICER_NAMES))]


def meetings_not_generated() -> models.QuerySet[Meeting]:
    """Meetings people logged: authored by neither this generator's accounts nor
    seed_demo's."""
    return Meeting.objects.exclude(author__email__endswith="@" + VOLUME_EMAIL_DOMAIN).exclude(
        author__username__in=SEED_DEMO_OFFICERS, author__email__endswith="@example.org"
    )


def forces_for(meetings: int, per_force: int) -> int:
    return max(1, round(meetings / per_force))


class Progress:
    """A bar redrawn on one line on a terminal; a line every tenth otherwise (logs, CI)."""

    def __init__(self, total: int, label: str, stream: OutputWrapper | None) -> None:
        self.total = max(total, 1)
        self.label = label
        self.stream = stream
        self.tty = stream is not None and stream.isatty()
        self.started = timer.perf_counter()
        self.tenths_shown = 0

    def show(self, done: int, total: int | None = None) -> None:
        if self.stream is None:
            return
        self.total = max(total or self.total, 1)
        share = min(done / self.total, 1)
        text = (
            f"{self.label} {done:>10,} / {self.total:,}  {share:6.1%}  "
            f"{timer.perf_counter() - self.started:6.1f} s"
        )
        if self.tty:
            filled = int(share * 30)
            ending = "\n" if done >= self.total else ""
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {text}", ending=ending)
        elif int(share * 10) > self.tenths_shown:
            self.tenths_shown = int(share * 10)
            self.stream.write(text)
        self.stream.flush()


@dataclass
class Report:
    forces: list[int]
    world: dict[str, int]
    rows: dict[str, int]
    seconds: dict[str, float]
    # Meetings whose search vector engagement.meetings.search refreshed; None when the
    # app has no such function.
    search_refreshed: int | None


class SearchRefresh:
    """The search's own refresh of the stored vectors (engagement.meetings.search), if the
    app has one: chunk by chunk while the next chunk is generated when it takes a
    queryset of meetings, else once at the end."""

    def __init__(self) -> None:
        try:
            module = importlib.import_module("engagement.meetings.search")
        except ModuleNotFoundError as error:
            if error.name != "engagement.meetings.search":
                raise
            module = None
        self.function: Callable | None = getattr(module, "refresh_search_vectors", None)
        parameters = inspect.signature(self.function).parameters if self.function else {}
        self.by_chunk = "meetings" in parameters
        self.takes_progress = "progress" in parameters
        self.refreshed: int | None = None if self.function is None else 0

    def chunk(self, first_id: int, last_id: int) -> None:
        if self.function is not None and self.by_chunk:
            chunk = Meeting.objects.filter(pk__gte=first_id, pk__lte=last_id)
            self.refreshed = (self.refreshed or 0) + (self.function(chunk) or 0)

    def rest(self, progress: Callable[[int, int], None]) -> None:
        if self.function is not None and not self.by_chunk:
            options = {"progress": progress} if self.takes_progress else {}
            self.refreshed = self.function(**options) or 0


class Chunks:
    """Meetings generated in a thread of their own, a chunk ahead of the writes: Python
    invents the next chunk on one core while the database takes this one on the other.
    The thread touches no database; it hands each chunk (or its error) over a queue."""

    def __init__(self, generator: Generator, total: int) -> None:
        self.generator = generator
        self.total = total
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._generate, name="generate_volume", daemon=True)

    def _put(self, item) -> None:
        while not self.stopping.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _generate(self) -> None:
        try:
            done = 0
            while done < self.total and not self.stopping.is_set():
                size = min(CHUNK, self.total - done)
                self._put((size, self.generator.meetings(size)))
                done += size
            self._put(None)
        except BaseException as error:  # raised again by the consuming thread
            self._put(error)

    def __iter__(self) -> Iterator[tuple[int, dict[str, list[tuple]]]]:
        self.thread.start()
        try:
            while (item := self.queue.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.stopping.set()
            self.thread.join()


def _first_ids() -> dict[str, int]:
    """Ids carry on from the highest in each table."""
    ids = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            db_table = connection.ops.quote_name(table.model._meta.db_table)
            cursor.execute(f"SELECT MAX(id) FROM {db_table}")
            ids[table.key] = (cursor.fetchone()[0] or 0) + 1
    return ids


def generate(
    *,
    meetings: int,
    meetings_per_force: int = MEETINGS_PER_FORCE,
    years: int = YEARS,
    seed: int = 2026,
    password: str | None = None,
    progress: OutputWrapper | None = None,
) -> Report:
    """Add `meetings` invented meetings, with their world and everything that hangs off
    them, in one transaction. The caller has checked that this database may take them."""
    plans = [plan_table(table) for table in TABLES]
    now = clock.now()
    seconds: dict[str, float] = {}
    counts = {table.key: 0 for table in TABLES}
    loader: Loader = (
        PostgresLoader(plans, keep_indexes_of=frozenset({MEETING_GROUPS.model._meta.db_table}))
        if connection.vendor == "postgresql"
        else SqliteLoader(plans)
    )
    search = SearchRefresh()
    rebuilds = isinstance(loader, PostgresLoader)
    # Outside any transaction the foreign keys can be checked, and the tables vacuumed,
    # after the commit (see PostgresLoader.analyze).
    after_commit = not connection.in_atomic_block

    def lap(name: str, since: float) -> float:
        seconds[name] = timer.perf_counter() - since
        return timer.perf_counter()

    started = mark = timer.perf_counter()
    with transaction.atomic():
        first_force = next_force_number()
        # The same seed on the same database makes the same rows; a second run on top of
        # a first (its forces numbered on) makes new ones, with new UUIDs.
        rng = random.Random(f"{seed}:{first_force}")
        world = build_world(
            first_force=first_force,
            forces=forces_for(meetings, meetings_per_force),
            rng=rng,
            today=timezone.localdate(now),
            password=password,
        )
        generator = Generator(
            world=world,
            rng=rng,
            now=now,
            zone=timezone.get_current_timezone(),
            years=years,
            first_ids=_first_ids(),
        )
        loader.before()
        mark = lap("areas, units, groups, accounts", mark)
        bar = Progress(meetings, "meetings", progress)
        done = 0
        for size, rows in Chunks(generator, meetings):
            loader.write_chunk(rows)
            if not done:
                loader.statistics(REFRESH_TABLES)
            search.chunk(rows[MEETINGS.key][0][0], rows[MEETINGS.key][-1][0])
            for key, batch in rows.items():
                counts[key] += len(batch)
            done += size
            bar.show(done)
        load = "generated and written"
        mark = lap(f"{load}, search vectors" if search.by_chunk and rebuilds else load, mark)
        loader.after(keep_for_last=MEETINGS.model._meta.db_table)
        if rebuilds:
            mark = lap("indexes", mark)
        # Before the meetings' own indexes are back, so they are not updated row by row;
        # after the others', which the refresh's lookups need.
        if search.function is not None and not search.by_chunk:
            search.rest(Progress(meetings, "search vectors", progress).show)
            mark = lap("search vectors", mark)
        loader.last(validate_later=after_commit)
        if rebuilds:
            mark = lap("meetings' indexes, foreign keys", mark)
        if not (after_commit and rebuilds):
            loader.analyze(vacuum=False)
    if after_commit and rebuilds:
        loader.analyze(vacuum=True)
        lap("after the commit: keys checked, vacuum", mark)
    else:
        lap("statistics, commit", mark)
    seconds["total"] = timer.perf_counter() - started
    return Report(
        forces=world.forces,
        world=world.counts,
        rows=counts,
        seconds=seconds,
        search_refreshed=search.refreshed,
    )
