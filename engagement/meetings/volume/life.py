"""One meeting's life, from creation to today, as the rows the services would have written.

seed_demo's DemoBuilder replays each meeting through the services; this replays the same
life with the same proportions but writes the rows itself: a service call per record
would take hours at a million meetings. Every status change asks the transition table
where it leads (`_step`), and each audit event carries the changes its service records,
so the history pages read as they would. tests/meetings/test_generate_volume.py holds the
rows to the models' validation and replays their histories through the transition table.

Written for speed, since at a million meetings this is half the run (about 90 µs a
meeting): plain strings rather than enum members, indexes into tuples rather than
random.choice, moments in UTC, the JSON of the audit changes assembled from cached pieces.
"""

import itertools
import json
import math
import operator
import random
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from uuid import UUID

from django.conf import settings

from engagement.audit.models import AuditEvent
from engagement.community.models import Area
from engagement.meetings import rules
from engagement.meetings.management.commands.seed_demo import (
    CONFIRMATION_WEIGHTS,
    NOT_FULL_REASONS,
    PROMISES,
    PURPOSES,
    TOPICS,
)
from engagement.meetings.models import (
    Disclosure,
    DisclosureConfirmation,
    Dispute,
    FollowUpAction,
    Meeting,
    ReportBackConfirmation,
    Review,
)
from engagement.meetings.services.meeting import MEETING_FIELDS
from engagement.meetings.services.transitions import (
    DISPUTE_TRANSITIONS,
    FOLLOW_UP_TRANSITIONS,
    MEETING_TRANSITIONS,
    Transition,
)
from engagement.meetings.volume.load import (
    AUDIT,
    CONFIRMATIONS,
    DISCLOSURES,
    DISPUTES,
    FOLLOW_UPS,
    MEETING_GROUPS,
    MEETINGS,
    REPORT_BACKS,
    REVIEWS,
    TABLES,
)
from engagement.meetings.volume.world import AreaRef, GroupRef, OfficerRef, World

WITHDRAWAL_REASON = "Logged twice by mistake."
CANCEL_REASON = "The group asked us not to go ahead."
OUTCOME = "Done and shared with the group."
REMAINING = "Waiting for the partner agency to reply; the rest is done."
REPORT_BACK_COMMENT = "Not everyone in the group heard."
CORRECTION_NOTE = "The role was explained during the meeting, not at the start."
ESCALATION_REASON = "We and the group remember the introductions differently."
ACCURATE_COMMENT = "Matches our notes of the meeting."
DISPUTING_COMMENT = "Some points are not how we remember them."
INFORMATION_SHARED = (
    "Explained the team's role, how to report concerns and how information from meetings "
    "like this one is handled."
)
SURVEILLANCE_CONCERNS = (
    "Worries about being watched and about young people being referred without their "
    "families knowing."
)
PASSED_ON_REASON = "A safeguarding concern about a vulnerable adult."
SUMMARY = (
    "A constructive meeting. The group asked for clearer information on how to report hate "
    "incidents and for regular updates."
)
INTERNAL_NOTES = "Relationship improving; keep the same officers where possible."

# Plain strings: an enum member costs a descriptor call each time it is read.
DRAFT, SUBMITTED, REVIEWED, DISPUTED, WITHDRAWN = (
    str(s.value) for s in (Meeting.Status.DRAFT, Meeting.Status.SUBMITTED, Meeting.Status.REVIEWED,
                           Meeting.Status.DISPUTED, Meeting.Status.WITHDRAWN)
)  # fmt: skip
FULL, PARTIAL, NONE = (str(level.value) for level in Disclosure.Level)
DURING = str(Disclosure.Timing.DURING.value)
START = str(Disclosure.Timing.START.value)
OPEN_DISPUTE = str(Dispute.Status.OPEN.value)
ACTIVE_DISPUTE = frozenset(str(s) for s in Dispute.ACTIVE_STATUSES)
FOLLOW_UP_OPEN = str(FollowUpAction.Status.OPEN.value)
HIGH_RISK = str(Area.RiskLevel.HIGH.value)
COMMUNITY_FOCUSED = str(Meeting.Focus.COMMUNITY_FOCUSED.value)
TARGETED = str(Meeting.Focus.TARGETED.value)
YES = str(DisclosureConfirmation.Answer.YES.value)
ACCURATE = str(Review.Accuracy.ACCURATE.value)

VENUES = tuple(Meeting.VenueKind.values)
INITIATORS = tuple(Meeting.InitiatedBy.values)
PASSED_ON_KINDS = tuple(Meeting.PassedOnKind.values)
CONCERNS = tuple(Meeting.ConcernTopic.values)
METHODS = tuple(Disclosure.Method.values)
TIMINGS = (START, START, DURING)  # seed_demo's: most say it at the start
ANSWERS = tuple(DisclosureConfirmation.Answer.values)
ACCURACIES = tuple(Review.Accuracy.values)
TRUST_EFFECTS = tuple(Review.TrustEffect.values)
REPORT_BACK_ANSWERS = tuple(ReportBackConfirmation.Answer.values)
START_HOURS = (10, 13, 17, 18, 19)
DURATIONS = (45, 60, 60, 90, 120)
START_TIMES = tuple(time(hour, minute) for hour in START_HOURS for minute in (0, 30))


def _labels(choices) -> dict[str, str]:
    return {str(choice.value): str(choice.label) for choice in choices}


MEETING_STATUS = _labels(Meeting.Status)
DISPUTE_STATUS = _labels(Dispute.Status)
FOLLOW_UP_STATUS = _labels(FollowUpAction.Status)
LEVEL_LABEL = _labels(Disclosure.Level)
METHOD_LABEL = _labels(Disclosure.Method)
TIMING_LABEL = _labels(Disclosure.Timing)
ANSWER_LABEL = _labels(DisclosureConfirmation.Answer)
REPORT_BACK_LABEL = _labels(ReportBackConfirmation.Answer)
ACCURACY_LABEL = _labels(Review.Accuracy)
TRUST_LABEL = _labels(Review.TrustEffect)
CONCERN_LABEL = _labels(Meeting.ConcernTopic)
# The audit's names for the follow-up's fields: their verbose names, as services use.
FOLLOW_UP_LABEL = {
    name: str(getattr(FollowUpAction._meta.get_field(name), "verbose_name", name))
    for name in (
        "outcome",
        "completed_on",
        "reported_back_on",
        "cancellation_reason",
        "remaining",
        "due_date",
    )
}
# The meeting's fields whose display value in a history is their choice's label.
MEETING_CHOICE_LABELS = {
    name: {str(value): str(label) for value, label in choices}
    for name in MEETING_FIELDS
    if (choices := getattr(Meeting._meta.get_field(name), "choices", None))
}


def _blocks(names: Sequence[str], starts: Sequence[str]) -> list[tuple[str, ...]]:
    blocks: list[list[str]] = [[]]
    for name in names:
        if name in starts and blocks[-1]:
            blocks.append([])
        blocks[-1].append(name)
    return [tuple(block) for block in blocks]


# The meeting's fields in runs whose JSON is cached together: each run takes a few
# thousand values at most, so the first save's changes are seven lookups, not thirty.
FIELD_BLOCKS = _blocks(
    MEETING_FIELDS,
    ("start_time", "area", "initiated_by", "attendee_count", "information_shared", "passed_on"),
)
FIELD_BLOCK_GETTERS = [(operator.itemgetter(*block), len(block) == 1) for block in FIELD_BLOCKS]

# seed_demo's weights, as cumulative sums for bisect-free lookups below.
CONFIRMATION_CUM = {
    str(level): list(itertools.accumulate(weights))
    for level, weights in CONFIRMATION_WEIGHTS.items()
}
ACCURACY_CUM = list(itertools.accumulate([80, 15, 5]))
TRUST_CUM = list(itertools.accumulate([45, 45, 10]))
REPORT_BACK_CUM = list(itertools.accumulate([75, 15, 10]))

EMPTY_JSON = "{}"
# uuid.UUID(version=4)'s bits: the version nibble 4 and the RFC 4122 variant.
VERSION_MASK = ~(0xF000 << 64 | 0xC000 << 48)
VERSION_4 = 0x4000 << 64 | 0x8000 << 48
ONE_DAY = timedelta(days=1)


def _weighted(values: Sequence[str], cumulative: list[int], roll: float) -> str:
    target = roll * cumulative[-1]
    for value, bound in zip(values, cumulative, strict=True):
        if target < bound:
            return value
    return values[-1]


def _step(table: Mapping[str, Transition], name: str, status: str) -> str:
    """Where transition `name` takes a record now in `status`, as the table says."""
    transition = table[name]
    if status not in transition.sources:
        raise AssertionError(f"{name} cannot start from {status}")  # a bug here, not data
    return transition.target or status


def _status_changes(labels: dict[str, str], before: str, after: str) -> dict:
    return {"status": [labels[before], labels[after]]} if before != after else {}


def _dumps(value) -> str:
    return json.dumps(value)


def _json_text(text: str) -> str:
    """`text` as it stands inside a JSON string."""
    return json.dumps(text)[1:-1]


def _status_json(labels: dict[str, str]) -> dict[tuple[str, str], str]:
    """The JSON of every status change of a kind of record, written once."""
    return {
        (before, after): _dumps(_status_changes(labels, before, after))
        for before in labels
        for after in labels
    }


MEETING_STATUS_JSON = _status_json(MEETING_STATUS)
DISPUTE_CHANGE_JSON = {
    (before, after): _dumps({"dispute": [DISPUTE_STATUS[before], DISPUTE_STATUS[after]]})
    for before in DISPUTE_STATUS
    for after in DISPUTE_STATUS
}
FOLLOW_UP_STATUS_FRAGMENT = {
    key: changes[1:-1] for key, changes in _status_json(FOLLOW_UP_STATUS).items()
}


def _change(name: str, before: str, after: str) -> str:
    """A follow-up field's change as a JSON fragment; `before` and `after` are dates."""
    return f'"{FOLLOW_UP_LABEL_JSON[name]}": ["{before}", "{after}"]'


FOLLOW_UP_LABEL_JSON = {name: _json_text(label) for name, label in FOLLOW_UP_LABEL.items()}
CANCELLED_FRAGMENT = _dumps({FOLLOW_UP_LABEL["cancellation_reason"]: ["", CANCEL_REASON]})[1:-1]
REMAINING_FRAGMENT = _dumps({FOLLOW_UP_LABEL["remaining"]: ["", REMAINING]})[1:-1]
OUTCOME_FRAGMENT = _dumps({FOLLOW_UP_LABEL["outcome"]: ["", OUTCOME]})[1:-1]
REPORT_BACK_JSON = {
    answer: _dumps({"reached the group": ["", label]})
    for answer, label in REPORT_BACK_LABEL.items()
}


class Moments:
    """Times as seed_demo takes them: local wall-clock hours of a day, never after now;
    kept in UTC, the offset of each day looked up once."""

    def __init__(self, now: datetime, zone: tzinfo) -> None:
        self.now = now.astimezone(UTC)
        self.zone = zone
        self.offsets: dict[date, timedelta] = {}

    def local(self, day: date, hour: int) -> datetime:
        offset = self.offsets.get(day)
        if offset is None:
            offset = datetime.combine(day, time(12), tzinfo=self.zone).utcoffset() or timedelta()
            self.offsets[day] = offset
        return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - offset

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


class Action:
    """A follow-up action as it changes."""

    __slots__ = (
        "answers_concern", "cancellation_reason", "completed_on", "created_at",
        "description", "due_date", "id", "outcome", "owed_to", "owner", "remaining",
        "reported_back_on", "status", "updated_at", "uuid", "version",
    )  # fmt: skip

    def __init__(self, id, uuid, description, owner, owed_to, due_date, created_at, concern=""):
        self.id = id
        self.uuid = uuid
        self.description = description
        self.owner: OfficerRef = owner
        self.owed_to: GroupRef = owed_to
        self.answers_concern = concern
        self.due_date: date = due_date
        self.created_at = self.updated_at = created_at
        self.status = FOLLOW_UP_OPEN
        self.remaining = self.outcome = self.cancellation_reason = ""
        self.completed_on: date | None = None
        self.reported_back_on: date | None = None
        self.version = 1

    def row(self, meeting_id: int) -> tuple:
        return (
            self.id, self.uuid, meeting_id, self.description, self.owner.id, self.owed_to.id,
            self.answers_concern, self.due_date, self.status, self.remaining,
            self.completed_on, self.outcome, self.reported_back_on, self.cancellation_reason,
            self.created_at, self.updated_at, self.version,
        )  # fmt: skip


class Generator:
    """Invents meetings, chunk by chunk, into lists of rows per table."""

    def __init__(
        self,
        *,
        world: World,
        rng: random.Random,
        now: datetime,
        zone: tzinfo,
        years: int,
        first_ids: dict[str, int],
    ) -> None:
        self.world = world
        self.rng = rng
        self.random = rng.random
        self.moments = Moments(now, zone)
        self.now = self.moments.now
        self.today = now.astimezone(zone).date()
        self.span_days = years * 365
        self.days_ago = [self.today - timedelta(days=age) for age in range(self.span_days)]
        self.next_id = dict(first_ids)
        self.lapse_days = timedelta(days=settings.DISPUTE_LAPSE_DAYS)
        self.lapse_reason = (
            f"No new review within {settings.DISPUTE_LAPSE_DAYS} days of the correction."
        )
        self.fragments: dict[tuple[str, str], str] = {}
        self.field_fragments: dict[tuple, str] = {}
        self.block_fragments: list[dict[tuple, str]] = [{} for _ in FIELD_BLOCKS]
        self.rows: dict[str, list[tuple]] = {}

    def meetings(self, count: int) -> dict[str, list[tuple]]:
        self.rows = {table.key: [] for table in TABLES}
        for _ in range(count):
            MeetingLife(self).run()
        return self.rows

    # Small helpers on the hot path.

    def ids(self, key: str) -> int:
        value = self.next_id[key]
        self.next_id[key] = value + 1
        return value

    def uuid(self) -> UUID:
        """A version 4 UUID from the seeded generator, so runs repeat."""
        return UUID(int=self.rng.getrandbits(128) & VERSION_MASK | VERSION_4)

    def randint(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def pick(self, values: Sequence):
        return values[int(self.random() * len(values))]

    def when(self, day: date, *, latest_days_after: int) -> datetime:
        moment = self.moments.local(
            day + timedelta(days=self.randint(0, latest_days_after)), 9 + self.randint(0, 10)
        )
        return moment if moment < self.now else self.now

    def later(self, moment: datetime, *, days: int) -> datetime:
        moment = moment + timedelta(days=self.randint(1, days))
        return moment if moment < self.now else self.now

    def moment(self, day: date, *, after: datetime) -> datetime:
        """Late afternoon of `day`, but never before `after` nor after now."""
        at = self.moments.local(day, 16)
        at = at if at > after else after
        return at if at < self.now else self.now

    def age(self) -> int:
        """Days before today: meetings grow steadily, twice as many now as `years` ago."""
        recency = -1 + math.sqrt(1 + 3 * self.random())
        return min(self.span_days - 1, int((1 - recency) * self.span_days))

    def stage_for(self, age_days: int) -> str:
        """seed_demo's stages by age."""
        roll = self.random()
        if age_days <= 21 and roll < 0.25:
            return "draft"
        if age_days <= 10 or (age_days <= 60 and roll < 0.30) or roll < 0.05:
            return "submitted"
        if roll > 0.98:
            return "withdrawn"
        return "reviewed"

    def fragment(self, name: str, text: str) -> str:
        """`"name": ["", "text"]`: one field given a value, as JSON, cached."""
        key = (name, text)
        cached = self.fragments.get(key)
        if cached is None:
            cached = _dumps({name: ["", text]})[1:-1]
            if len(self.fragments) < 100_000:
                self.fragments[key] = cached
        return cached

    def block_fragment(self, index: int, values: tuple) -> str:
        """The fragments of a run of the meeting's fields (FIELD_BLOCKS), cached."""
        cache = self.block_fragments[index]
        cached = cache.get(values)
        if cached is None:
            names = FIELD_BLOCKS[index]
            parts = (self.field_fragment(n, v) for n, v in zip(names, values, strict=True))
            cached = ", ".join(part for part in parts if part)
            if len(cache) < 200_000:
                cache[values] = cached
        return cached

    def field_fragment(self, name: str, value) -> str:
        """The fragment of one of the meeting's fields as services.meeting's snapshot
        shows it (choices by their label, yes/no, ISO dates), or "" when it is empty."""
        key = (name, value)
        cached = self.field_fragments.get(key)
        if cached is not None:
            return cached
        if value is None or value == "" or value == ():
            text = ""
        elif name in MEETING_CHOICE_LABELS:
            text = MEETING_CHOICE_LABELS[name][value]
        elif value is True or value is False:
            text = "Yes" if value else "No"
        elif isinstance(value, AreaRef):
            text = value.name
        elif isinstance(value, tuple):
            text = ", ".join(sorted(value))
        elif isinstance(value, date | time):
            text = value.isoformat()
        else:
            text = str(value)
        cached = self.fragment(name, text) if text else ""
        self.field_fragments[key] = cached
        return cached


class MeetingLife:
    """One meeting: created, perhaps submitted, worked on, reviewed, disputed, withdrawn."""

    def __init__(self, gen: Generator) -> None:
        self.gen = gen
        self.events = gen.rows[AUDIT.key]

    def event(
        self,
        at: datetime,
        actor: int | None,
        action: str,
        changes: str,
        *,
        kind: str = "meeting",
        record_id: str = "",
        reason: str = "",
        detail: str = EMPTY_JSON,
    ) -> None:
        """An audit event as record_event writes it; `changes` and `detail` as JSON."""
        self.events.append(
            (
                self.gen.ids(AUDIT.key), at, actor, action, kind, record_id or self.uuid_text,
                self.id, changes, reason, detail,
            )
        )  # fmt: skip

    def run(self) -> None:
        gen = self.gen
        random = gen.random
        unit = gen.pick(gen.world.units)
        area = unit.area
        age = gen.age()
        day = gen.days_ago[age]
        groups = area.groups
        self.chosen: list[GroupRef] = gen.rng.sample(
            groups, k=min(len(groups), 2 if random() < 0.25 else 1)
        )
        officers = unit.officers
        self.author = author = gen.pick(officers)
        self.attending: list[OfficerRef] = [author]
        if random() < 1 / 3:
            self.attending.append(gen.pick([o for o in officers if o is not author]))
        self.unit_id = unit.id
        self.day = day
        stage = gen.stage_for(age)
        created = gen.when(day, latest_days_after=2)

        self.id = gen.ids(MEETINGS.key)
        self.uuid = gen.uuid()
        self.uuid_text = str(self.uuid)
        self.status = DRAFT
        self.version = 1
        self.fields = self.meeting_fields(day, area)
        # [id, officer, level, method, timing, reason], changed in place by a correction.
        self.disclosures = [self.disclosure(officer) for officer in self.attending]
        self.actions: list[Action] = []
        if random() < 0.5:
            self.promises(created)
        self.ask_for_a_response(created)
        self.created_at = self.updated_at = created
        self.first_submitted_at: datetime | None = None
        self.withdrawn_at: datetime | None = None
        self.withdrawal_reason = ""
        self.dispute: list | None = None
        self.event(created, author.id, AuditEvent.Action.CREATE.value, self.create_changes(area))

        if stage != "draft":
            submitted = gen.when(day, latest_days_after=6)
            submitted = submitted if submitted > created else created
            # The form saved again with "submit", nothing changed: no update event.
            self.version += 1
            self.updated_at = self.first_submitted_at = submitted
            self.move("submit", submitted, author.id)
            if stage == "withdrawn":
                at = gen.later(submitted, days=10)
                self.withdrawn_at = self.updated_at = at
                self.withdrawal_reason = WITHDRAWAL_REASON
                self.version += 1
                self.move("withdraw", at, author.id, reason=WITHDRAWAL_REASON)
            else:
                self.work_on_follow_ups(after=submitted)
                if stage == "reviewed":
                    reviewed = gen.later(submitted, days=25)
                    if self.review(reviewed) and self.status == DISPUTED:
                        self.answer_dispute(reviewed)
        self.write()

    def move(self, name: str, at: datetime, actor: int, *, reason: str = "") -> None:
        before = self.status
        self.status = _step(MEETING_TRANSITIONS, name, before)
        self.event(
            at,
            actor,
            MEETING_TRANSITIONS[name].action.value,
            MEETING_STATUS_JSON[before, self.status],
            reason=reason,
        )

    # What the meeting says: seed_demo's fields and proportions.

    def meeting_fields(self, day: date, area: AreaRef) -> dict:
        gen = self.gen
        random = gen.random
        attendees = gen.randint(3, 40)
        under_25 = gen.randint(0, attendees) if random() < 0.4 else 0
        under_18 = gen.randint(0, under_25) if under_25 and random() < 0.5 else 0
        passed_on = random() < 0.12
        concerns = {topic: random() < 0.15 for topic in CONCERNS}
        if area.risk_level == HIGH_RISK and random() < 0.3:
            concerns["concern_surveillance"] = True
        return {
            "date": day,
            "start_time": gen.pick(START_TIMES),
            "duration_minutes": gen.pick(DURATIONS),
            "venue_kind": gen.pick(VENUES),
            "area": area,
            "initiated_by": gen.pick(INITIATORS),
            "focus": COMMUNITY_FOCUSED if random() < 0.7 else TARGETED,
            "purpose": gen.pick(PURPOSES),
            "topics": gen.pick(TOPICS),
            "attendee_count": attendees,
            "under_25_count": under_25,
            "under_18_count": under_18,
            "responsible_adult_present": (random() < 0.9) if under_18 else None,
            "information_shared": INFORMATION_SHARED,
            "concerns_raised": SURVEILLANCE_CONCERNS if concerns["concern_surveillance"] else "",
            **concerns,
            "concerns_needing_response": (),
            "passed_on": passed_on,
            "passed_on_kind": gen.pick(PASSED_ON_KINDS) if passed_on else "",
            "passed_on_reason": PASSED_ON_REASON if passed_on else "",
            "community_told_passed_on": (random() < 0.6) if passed_on else None,
            "summary": SUMMARY,
            "internal_notes": INTERNAL_NOTES,
        }

    def disclosure(self, officer: OfficerRef) -> list:
        gen = self.gen
        roll = gen.random()
        level = FULL if roll < 0.65 else PARTIAL if roll < 0.9 else NONE
        return [
            gen.ids(DISCLOSURES.key),
            officer,
            level,
            gen.pick(METHODS),
            gen.pick(TIMINGS),
            "" if level == FULL else gen.pick(NOT_FULL_REASONS),
        ]

    def promises(self, created: datetime) -> None:
        gen = self.gen
        for _ in range(2 if gen.random() < 1 / 3 else 1):
            self.actions.append(
                Action(
                    gen.ids(FOLLOW_UPS.key),
                    gen.uuid(),
                    gen.pick(PROMISES),
                    gen.pick(self.attending),
                    gen.pick(self.chosen),
                    self.day + timedelta(days=gen.randint(7, 60)),
                    created,
                )
            )

    def ask_for_a_response(self, created: datetime) -> None:
        """Now and then the group asks for an answer to a concern, and one is promised."""
        gen = self.gen
        fields = self.fields
        raised = [topic for topic in CONCERNS if fields[topic]]
        if not raised or gen.random() >= 0.4:
            return
        topic = raised[0]
        fields["concerns_needing_response"] = (topic,)
        self.actions.append(
            Action(
                gen.ids(FOLLOW_UPS.key),
                gen.uuid(),
                f"Answer the group's concern about {CONCERN_LABEL[topic].lower()} in writing",
                self.attending[0],
                self.chosen[0],
                self.day + timedelta(days=gen.randint(7, 30)),
                created,
                concern=topic,
            )
        )

    # The audit's account of the first save: each field given, as services.meeting's
    # snapshot shows it, then the disclosures and follow-ups.

    def create_changes(self, area: AreaRef) -> str:
        fields = self.fields
        block_fragment = self.gen.block_fragment
        parts = [
            block_fragment(index, (get(fields),) if single else get(fields))
            for index, (get, single) in enumerate(FIELD_BLOCK_GETTERS)
        ]
        parts.append(
            self.gen.fragment("groups", ", ".join(sorted(group.name for group in self.chosen)))
        )
        for d in self.disclosures:
            parts.append(self.gen.fragment(f"disclosure: {d[1].name}", self.disclosure_summary(d)))
        for action in self.actions:
            text = (
                f"{action.description} · {action.owner.name} · {action.owed_to.name} · "
                f"due {action.due_date.isoformat()}"
            )
            if action.answers_concern:
                label = CONCERN_LABEL[action.answers_concern].lower()
                text += f" · answers the concern about {label}"
            parts.append(f'"follow-up {action.uuid}": ["", "{_json_text(text)}"]')
        return "{" + ", ".join(part for part in parts if part) + "}"

    @staticmethod
    def disclosure_summary(d: list) -> str:
        text = f"{LEVEL_LABEL[d[2]]} · {METHOD_LABEL[d[3]]} · {TIMING_LABEL[d[4]]}"
        return f"{text} · {d[5]}" if d[5] else text

    # Follow-ups: done, cancelled, partly done, reported back and confirmed.

    def follow_up_change(
        self, action: Action, name: str, at: datetime, *changes: str, reason: str = ""
    ) -> None:
        """A follow-up service's change; `changes` are the JSON fragments of its fields."""
        before = action.status
        action.status = _step(FOLLOW_UP_TRANSITIONS, name, before)
        action.version += 1
        action.updated_at = at
        status = FOLLOW_UP_STATUS_FRAGMENT[before, action.status]
        self.event(
            at,
            action.owner.id,
            FOLLOW_UP_TRANSITIONS[name].action.value,
            "{" + ", ".join((status, *changes) if status else changes) + "}",
            kind="followupaction",
            record_id=str(action.uuid),
            reason=reason,
        )

    def work_on_follow_ups(self, *, after: datetime) -> None:
        """seed_demo's owners: past its due date, an action is done (and most of those
        reported back), cancelled, or left open; and here some are partly done."""
        gen = self.gen
        for action in self.actions:
            roll = gen.random()
            if action.due_date >= gen.today or roll >= 0.8:
                continue
            if roll >= 0.7:
                action.cancellation_reason = CANCEL_REASON
                self.follow_up_change(
                    action,
                    "cancel",
                    gen.moment(action.due_date, after=after),
                    CANCELLED_FRAGMENT,
                    reason=CANCEL_REASON,
                )
                continue
            if roll >= 0.65:
                # Part done by its due date; a new date set from that day on.
                at = gen.moment(action.due_date, after=after)
                before = action.due_date
                action.remaining = REMAINING
                action.due_date = gen.moments.local_date(at) + timedelta(days=gen.randint(14, 60))
                self.follow_up_change(
                    action,
                    "partly_done",
                    at,
                    REMAINING_FRAGMENT,
                    _change("due_date", before.isoformat(), action.due_date.isoformat()),
                )
                continue
            completed_on = action.due_date + timedelta(days=gen.randint(-10, 8))
            completed_on = min(max(completed_on, self.day), gen.today)
            action.completed_on = completed_on
            action.outcome = OUTCOME
            self.follow_up_change(
                action,
                "complete",
                gen.moment(completed_on, after=after),
                OUTCOME_FRAGMENT,
                _change("completed_on", "", completed_on.isoformat()),
            )
            if gen.random() >= 0.6:
                continue
            reported = min(completed_on + timedelta(days=gen.randint(0, 14)), gen.today)
            action.reported_back_on = reported
            at = gen.moment(reported, after=after)
            self.follow_up_change(
                action, "report_back", at, _change("reported_back_on", "", reported.isoformat())
            )
            liaisons = action.owed_to.liaisons
            if liaisons and gen.random() < 0.7:
                self.confirm_report_back(action, gen.pick(liaisons), gen.later(at, days=10))

    def confirm_report_back(self, action: Action, liaison: int, at: datetime) -> None:
        gen = self.gen
        answer = _weighted(REPORT_BACK_ANSWERS, REPORT_BACK_CUM, gen.random())
        gen.rows[REPORT_BACKS.key].append(
            (
                gen.ids(REPORT_BACKS.key), action.id, liaison, action.version,
                action.reported_back_on, answer,
                "" if answer == YES else REPORT_BACK_COMMENT, at,
            )
        )  # fmt: skip
        self.event(
            at,
            liaison,
            AuditEvent.Action.CONFIRM_REPORT_BACK.value,
            REPORT_BACK_JSON[answer],
            kind="followupaction",
            record_id=str(action.uuid),
        )

    # Reviews and the disputes they open, as services.review records them.

    def review(self, at: datetime) -> bool:
        gen = self.gen
        random = gen.random
        liaisons = [liaison for group in self.chosen for liaison in group.liaisons]
        if not liaisons:
            return False
        accuracy = _weighted(ACCURACIES, ACCURACY_CUM, random())
        trust = _weighted(TRUST_EFFECTS, TRUST_CUM, random())
        liaison = gen.pick(liaisons)
        answers = [_weighted(ANSWERS, CONFIRMATION_CUM[d[2]], random()) for d in self.disclosures]
        full_answers = [
            answer for d, answer in zip(self.disclosures, answers, strict=True) if d[2] == FULL
        ]
        disputes = rules.review_disputes_record(accuracy, full_answers)
        name = "dispute" if disputes else "confirm"
        review_id = gen.ids(REVIEWS.key)
        review_uuid = gen.uuid()
        gen.rows[REVIEWS.key].append(
            (
                review_id, review_uuid, self.id, liaison, self.version, accuracy, trust,
                ACCURATE_COMMENT if accuracy == ACCURATE else DISPUTING_COMMENT, at,
            )
        )  # fmt: skip
        before = self.status
        self.status = _step(MEETING_TRANSITIONS, name, before)
        changes = _status_changes(MEETING_STATUS, before, self.status)
        changes["accuracy"] = ["", ACCURACY_LABEL[accuracy]]
        changes["effect on trust"] = ["", TRUST_LABEL[trust]]
        confirmations = gen.rows[CONFIRMATIONS.key]
        for d, answer in zip(self.disclosures, answers, strict=True):
            confirmations.append((gen.ids(CONFIRMATIONS.key), review_id, d[0], answer, d[2]))
            changes[f"role made clear: {d[1].name}"] = [LEVEL_LABEL[d[2]], ANSWER_LABEL[answer]]
        dispute = self.dispute
        if dispute is None or dispute[5] not in ACTIVE_DISPUTE:
            if disputes:
                # id, uuid, meeting, opened_by, opened_at, status, corrected_at,
                # correction_note, closed_at, closed_by, escalation_reason
                self.dispute = [
                    gen.ids(DISPUTES.key), gen.uuid(), self.id, review_id, at, OPEN_DISPUTE,
                    None, "", None, None, "",
                ]  # fmt: skip
                changes["dispute"] = ["", DISPUTE_STATUS[OPEN_DISPUTE]]
        else:
            before_dispute = dispute[5]
            dispute[5] = _step(
                DISPUTE_TRANSITIONS, "redispute" if disputes else "resolve", before_dispute
            )
            if disputes:
                dispute[3] = review_id
            else:
                dispute[8] = at
                dispute[9] = liaison
            changes["dispute"] = [DISPUTE_STATUS[before_dispute], DISPUTE_STATUS[dispute[5]]]
        self.event(
            at,
            liaison,
            MEETING_TRANSITIONS[name].action.value,
            _dumps(changes),
            detail=f'{{"review": "{review_uuid}"}}',
        )
        return True

    def answer_dispute(self, disputed_at: datetime) -> None:
        """seed_demo's officers: most correct the record, and most corrections are
        reviewed again; some disputes are escalated, some wait."""
        gen = self.gen
        dispute = self.dispute
        assert dispute is not None
        roll = gen.random()
        if roll < 0.25 or disputed_at > gen.now - timedelta(days=5):
            return  # still waiting for the officer
        if roll < 0.35:
            at = gen.later(disputed_at, days=10)
            before = dispute[5]
            dispute[5] = _step(DISPUTE_TRANSITIONS, "escalate", before)
            dispute[8] = at
            dispute[9] = self.author.id
            dispute[10] = ESCALATION_REASON
            self.event(
                at,
                self.author.id,
                DISPUTE_TRANSITIONS["escalate"].action.value,
                DISPUTE_CHANGE_JSON[before, dispute[5]],
                reason=ESCALATION_REASON,
                detail=f'{{"dispute": "{dispute[1]}"}}',
            )
            return
        # The correction: the full disclosures were made during the meeting, not at its
        # start; one save of the form, an update event if that changed anything, then
        # the correction itself.
        corrected = gen.later(disputed_at, days=7)
        changes = {}
        for d in self.disclosures:
            if d[2] == FULL and d[4] != DURING:
                before_text = self.disclosure_summary(d)
                d[4] = DURING
                changes[f"disclosure: {d[1].name}"] = [before_text, self.disclosure_summary(d)]
        self.version += 1
        self.updated_at = corrected
        if changes:
            self.event(corrected, self.author.id, AuditEvent.Action.UPDATE.value, _dumps(changes))
        self.move("correct", corrected, self.author.id, reason=CORRECTION_NOTE)
        dispute[5] = _step(DISPUTE_TRANSITIONS, "correct", dispute[5])
        dispute[6] = corrected
        dispute[7] = CORRECTION_NOTE
        if roll < 0.8:
            self.review(gen.later(corrected, days=10))
        else:
            self.lapse_if_due(dispute, corrected)

    def lapse_if_due(self, dispute: list, corrected: datetime) -> None:
        """send_reminders, run each morning, lapses a correction nobody reviewed in time."""
        gen = self.gen
        due = gen.moments.local_date(corrected + gen.lapse_days) + ONE_DAY
        at = gen.moments.local(due, 7)
        if at > gen.now:
            return
        before = dispute[5]
        dispute[5] = _step(DISPUTE_TRANSITIONS, "lapse", before)
        dispute[8] = at
        self.event(
            at,
            None,
            DISPUTE_TRANSITIONS["lapse"].action.value,
            DISPUTE_CHANGE_JSON[before, dispute[5]],
            reason=gen.lapse_reason,
            detail=f'{{"dispute": "{dispute[1]}"}}',
        )

    # The rows, once the meeting's life is over.

    def write(self) -> None:
        gen, f, rows = self.gen, self.fields, self.gen.rows
        rows[MEETINGS.key].append(
            (
                self.id, self.uuid, f["date"], f["start_time"], f["duration_minutes"],
                f["venue_kind"], f["area"].id, self.unit_id, f["initiated_by"], f["focus"],
                f["purpose"], f["topics"], f["attendee_count"], f["under_25_count"],
                f["under_18_count"], f["responsible_adult_present"], f["information_shared"],
                f["concerns_raised"], f["concern_surveillance"], f["concern_prevent"],
                f["concern_stop_and_search"], f["concern_hate_crime"],
                f["concern_young_people"], f["concern_other"],
                _dumps(list(f["concerns_needing_response"])) if f["concerns_needing_response"] else "[]", f["passed_on"], f["passed_on_kind"],
                f["passed_on_reason"], f["community_told_passed_on"], f["summary"],
                f["internal_notes"], self.status, self.author.id, self.created_at,
                self.updated_at, self.first_submitted_at, self.withdrawn_at,
                self.withdrawal_reason, self.version,
            )
        )  # fmt: skip
        groups = rows[MEETING_GROUPS.key]
        for group in self.chosen:
            groups.append((gen.ids(MEETING_GROUPS.key), self.id, group.id))
        disclosures = rows[DISCLOSURES.key]
        for d in self.disclosures:
            disclosures.append((d[0], self.id, d[1].id, d[2], d[3], d[4], d[5]))
        actions = rows[FOLLOW_UPS.key]
        for action in self.actions:
            actions.append(action.row(self.id))
        if self.dispute is not None:
            rows[DISPUTES.key].append(tuple(self.dispute))
