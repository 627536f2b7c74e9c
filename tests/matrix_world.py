"""The people and records the permission matrix (tests/test_permission_matrix.py) asks
every URL about, and how each URL pattern's arguments are filled from them.

One record of each kind, each in the state where its page means something: a submitted
meeting a liaison may review, a disputed meeting with an open dispute, an open follow-up
its owner may complete, a reported-back one its group's liaison may confirm, an approved
transparency report. All of `unit` and `group` (tests/conftest.py), so the roles divide
cleanly into those who should see them and those who should not.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_tasks_db.models import DBTaskResult, get_date_max

from engagement import clock
from engagement.accounts.models import Role, Unit, User
from engagement.community.models import Area, CommunityGroup
from engagement.dashboards import registry
from engagement.dashboards import services as report_services
from engagement.dashboards.models import TransparencyReport
from engagement.dashboards.queries.base import Period
from engagement.meetings.models import DisclosureConfirmation, Dispute, FollowUpAction, Meeting
from engagement.meetings.services import follow_up as follow_up_services
from engagement.meetings.services import meeting as meeting_services
from engagement.retention import services as retention_services
from tests.factories import FollowUpFactory, MeetingFactory, UserFactory, make_admin
from tests.meetings.review_steps import answers, review

# The matrix's columns, in its order: the fixture that signs in as each (None: nobody).
# `staff` may enter the Django admin but holds no model permission; `superuser` is how
# the project lets its admins manage reference data there (seed_demo's admin account).
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "officer": "officer",
    "colleague": "colleague",
    "other unit's officer": "other_unit_officer",
    "liaison": "liaison",
    "other group's liaison": "other_liaison",
    "admin": "admin_user",
    "staff": "staff",
    "superuser": "superuser",
}

# Where each URL's arguments come from, by URL name (or route, for an unnamed one).
# Admin pages of a model are filled from `World.admin_objects` instead. A key with a
# variant in brackets asks the same URL about another record, in another state.
ARGUMENTS: dict[str, Callable[["World"], dict[str, Any]]] = {
    "accounts:unlock": lambda w: {"pk": w.officer.pk},
    "meetings:meeting-detail": lambda w: {"uuid": w.meeting.uuid},
    "meetings:meeting-detail [draft]": lambda w: {"uuid": w.draft.uuid},
    "meetings:meeting-detail [withdrawn]": lambda w: {"uuid": w.withdrawn.uuid},
    "meetings:meeting-detail [another unit's, the officer attended]": lambda w: {
        "uuid": w.attended_elsewhere.uuid
    },
    "meetings:meeting-detail [disposed]": lambda w: {"uuid": w.disposed.uuid},
    "meetings:meeting-edit": lambda w: {"uuid": w.meeting.uuid},
    "meetings:meeting-edit [reviewed]": lambda w: {"uuid": w.reviewed.uuid},
    "meetings:meeting-edit [another unit's, the officer attended]": lambda w: {
        "uuid": w.attended_elsewhere.uuid
    },
    "meetings:meeting-edit [disposed]": lambda w: {"uuid": w.disposed.uuid},
    "meetings:meeting-withdraw": lambda w: {"uuid": w.meeting.uuid},
    "meetings:meeting-withdraw [withdrawn]": lambda w: {"uuid": w.withdrawn.uuid},
    "meetings:meeting-withdraw [disposed]": lambda w: {"uuid": w.disposed.uuid},
    "meetings:review-create": lambda w: {"uuid": w.meeting.uuid},
    "meetings:review-create [draft]": lambda w: {"uuid": w.draft.uuid},
    "meetings:review-create [reviewed by the liaison]": lambda w: {"uuid": w.reviewed.uuid},
    "meetings:review-create [disposed]": lambda w: {"uuid": w.disposed.uuid},
    "meetings:dispute-escalate": lambda w: {"uuid": w.dispute.uuid},
    "meetings:follow-up-detail": lambda w: {"uuid": w.follow_up.uuid},
    "meetings:follow-up-detail [of a withdrawn meeting]": lambda w: {
        "uuid": w.withdrawn_follow_up.uuid
    },
    "meetings:follow-up-transition": lambda w: {
        "uuid": w.follow_up.uuid,
        "transition": "complete",
    },
    "meetings:report-back-confirm": lambda w: {"uuid": w.reported_back.uuid},
    "meetings:group-detail": lambda w: {"uuid": w.group.uuid},
    "dashboards:measure": lambda w: {"key": registry.ALL_MEASURES[0].key},
    "reports:report-detail": lambda w: {
        "start": w.report.period_start,
        "end": w.report.period_end,
        "version": w.report.version,
    },
    "retention:retention-decide": lambda w: {"uuid": w.due_for_review.uuid},
    "retention:retention-decide [disposed]": lambda w: {"uuid": w.disposed.uuid},
    "admin:app_list": lambda w: {"app_label": "accounts"},
    "admin:auth_user_password_change": lambda w: {"id": w.officer.pk},
    "admin:view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(Meeting).pk,
        "object_id": w.meeting.pk,
    },
    "/admin/(?P<url>.*)$": lambda w: {"url": "no-such-page/"},
}


@dataclass
class World:
    users: dict[str, User | None]
    meeting: Meeting
    draft: Meeting
    withdrawn: Meeting
    reviewed: Meeting
    attended_elsewhere: Meeting
    due_for_review: Meeting
    disposed: Meeting
    disputed: Meeting
    dispute: Dispute
    follow_up: FollowUpAction
    reported_back: FollowUpAction
    withdrawn_follow_up: FollowUpAction
    group: CommunityGroup
    report: TransparencyReport
    admin_objects: dict[type[Model], Model] = field(default_factory=dict)

    @property
    def officer(self) -> User:
        user = self.users["officer"]
        assert user is not None
        return user


def build_world(request) -> World:
    """Everything the matrix needs, from the shared fixtures and a few records more."""
    fixture = request.getfixturevalue
    officer, liaison, group = fixture("officer"), fixture("liaison"), fixture("group")
    unit, area = fixture("unit"), fixture("area")
    users = {column: fixture(name) if name else None for column, name in ROLES.items()}
    meeting = fixture("meeting")  # submitted, of `unit` and `group`, written by `officer`
    ours = {"author": officer, "unit": unit, "area": area, "groups": [group], "officers": [officer]}
    draft = MeetingFactory(**ours, status=Meeting.Status.DRAFT, first_submitted_at=None)
    withdrawn = meeting_services.meeting_withdraw(
        meeting=MeetingFactory(**ours), by=officer, reason="Logged twice."
    )
    reviewed = MeetingFactory(**ours)
    review(reviewed, liaison)
    other_unit_officer = fixture("other_unit_officer")
    attended_elsewhere = MeetingFactory(
        author=other_unit_officer,
        unit=fixture("other_unit"),
        area=fixture("other_area"),
        groups=[fixture("other_group")],
        officers=[other_unit_officer, officer],
    )
    # Older than the retention period (6 years by default): in the admins' review queue.
    long_ago = clock.today().replace(year=clock.today().year - 10, day=1)
    due_for_review = MeetingFactory(**ours, date=long_ago)
    disposed = MeetingFactory(**ours, date=long_ago)
    retention_services.retention_dispose(
        meeting=disposed,
        by=users["admin"],
        rationale="Past its retention period; nothing calls for keeping it.",
        expected_version=disposed.version,
        expected_decision=None,
    )
    disposed.refresh_from_db()

    disputed = MeetingFactory(**ours)
    review(disputed, liaison, confirmations=answers(disputed, DisclosureConfirmation.Answer.NO))
    dispute = Dispute.objects.get(meeting=disputed, status=Dispute.Status.OPEN)

    follow_up = FollowUpFactory(meeting=meeting, owner=officer, owed_to=group)
    reported_back = _reported_back(FollowUpFactory(meeting=meeting, owner=officer, owed_to=group))
    withdrawn_follow_up = FollowUpFactory(meeting=withdrawn, owner=officer, owed_to=group)

    report = report_services.report_approve(
        period=Period.last_twelve_months(clock.today()), by=users["admin"]
    )
    task_result = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="engagement.meetings.tasks.send_reminder",
        backend_name="default",
        run_after=get_date_max(),
    )
    world = World(
        users=users,
        meeting=meeting,
        draft=draft,
        withdrawn=withdrawn,
        reviewed=reviewed,
        attended_elsewhere=attended_elsewhere,
        due_for_review=due_for_review,
        disposed=disposed,
        disputed=disputed,
        dispute=dispute,
        follow_up=follow_up,
        reported_back=reported_back,
        withdrawn_follow_up=withdrawn_follow_up,
        group=group,
        report=report,
    )
    world.admin_objects = {
        User: officer,
        Unit: unit,
        # A role group: the admin refuses to delete it (tests/accounts/test_admin_site.py).
        Group: Group.objects.get(name=Role.OFFICER),
        Area: area,
        CommunityGroup: group,
        DBTaskResult: task_result,
    }
    return world


def _reported_back(action: FollowUpAction) -> FollowUpAction:
    owner = action.owner
    day = action.meeting.date
    action = follow_up_services.follow_up_complete(
        action=action,
        by=owner,
        outcome="Leaflets handed over.",
        completed_on=day,
        expected_version=action.version,
    )
    return follow_up_services.follow_up_report_back(
        action=action,
        by=owner,
        reported_back_on=day + datetime.timedelta(days=1),
        expected_version=action.version,
    )


def make_staff() -> User:
    """May enter the Django admin, holds no model permission there."""
    return make_admin(username="staff", is_staff=True)


def make_superuser() -> User:
    return UserFactory(username="superuser", is_staff=True, is_superuser=True)


# The URLconf ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: its key in the matrix (name, or route when unnamed)."""

    key: str
    route: str
    pattern: URLPattern
    model: type[Model] | None  # the model of a Django admin page of one model


def routes() -> list[Route]:
    """Every URL pattern of the project, the Django admin's included."""
    admin_models = {
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/": model
        for model in admin.site._registry
    }
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                route = prefix + str(pattern.pattern)
                key = f"{namespace}{pattern.name}" if pattern.name else route
                model = next(
                    (m for start, m in admin_models.items() if route.startswith(start)), None
                )
                found.append(Route(key=key, route=route, pattern=pattern, model=model))

    walk(get_resolver().url_patterns, "/", "")
    return found


class MissingArguments(LookupError):
    pass


def arguments_for(route: Route, world: World, key: str) -> dict[str, Any]:
    """The arguments of `route` (asked as `key`, itself or a variant) from the world's
    records; MissingArguments says what to add."""
    if key in ARGUMENTS:
        return ARGUMENTS[key](world)
    if key != route.key:
        raise MissingArguments(
            f"{key!r} is a variant of {route.key!r}: add the record it asks about to "
            "ARGUMENTS in tests/matrix_world.py."
        )
    wanted = set(route.pattern.pattern.regex.groupindex)
    if not wanted:
        return {}
    if route.model is not None and wanted == {"object_id"}:
        record = world.admin_objects.get(route.model)
        if record is None:
            raise MissingArguments(
                f"The Django admin page {route.key!r} needs a {route.model.__name__}: add one "
                "to `world.admin_objects` in build_world (tests/matrix_world.py)."
            )
        return {"object_id": record.pk}
    raise MissingArguments(
        f"{route.key!r} ({route.route}) takes {sorted(wanted)}: add how to fill them to "
        "ARGUMENTS in tests/matrix_world.py, from a record of build_world in the state "
        "where its page means something."
    )


def url_of(route: Route, arguments: dict[str, Any]) -> str:
    if route.pattern.name:
        return reverse(route.key, kwargs=arguments)
    # An unnamed pattern cannot be reversed: its arguments are written into its route.
    converters = route.pattern.pattern.converters

    def argument(match: re.Match) -> str:
        name = match["route"] or match["regex"]
        value = arguments[name]
        return str(converters[name].to_url(value) if name in converters else value)

    url = re.sub(r"<(?:\w+:)?(?P<route>\w+)>|\(\?P<(?P<regex>\w+)>[^)]*\)", argument, route.route)
    return url.replace("^", "").replace("$", "")
