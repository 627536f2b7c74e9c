"""Every list's filters, sort and page, every dashboard's and export's query parameters,
fed generated input: never a 500, nothing saved, nothing echoed unescaped."""

import base64
import json

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from engagement.community.models import Area, CommunityGroup
from engagement.dashboards import registry
from engagement.dashboards.queries.breakdowns import DIMENSIONS
from engagement.meetings.filters import SORT_CHOICES
from engagement.meetings.follow_up_filters import OFFICER_WHOSE_CHOICES
from engagement.meetings.follow_up_filters import SORT_CHOICES as FOLLOW_UP_SORTS
from engagement.meetings.follow_up_filters import STATUS_CHOICES as FOLLOW_UP_STATUSES
from engagement.meetings.group_filters import ACTIVE_CHOICES, CADENCE_CHOICES
from engagement.meetings.models import Meeting
from engagement.pagination import Cursor
from tests.factories import FollowUpFactory, MeetingFactory
from tests.fuzz.checks import fuzz_settings
from tests.fuzz.strategies import BAD_DATES, BAD_NUMBERS, query

ROLES = ["officer", "liaison", "admin_user"]
DATES = ("2025-01-01", "2026-06-30", *BAD_DATES)
PAGES = ("1", "2", "last", *BAD_NUMBERS)
FORMATS = ("json", "csv", "html", "JSON")
MEASURE_KEYS = tuple(m.key for s in registry.SECTIONS for m in s.measures)
SECTION_KEYS = tuple(s.key for s in registry.SECTIONS)
DIMENSION_KEYS = tuple(d.key for d in DIMENSIONS)


def values(choices) -> tuple[str, ...]:
    return tuple(str(value) for value, _ in choices)


@pytest.fixture
def world(settings, officer, colleague, liaison, meeting, other_meeting, group, unit, area):
    """A few meetings (more than a page) and follow-ups, seen by every role."""
    settings.PAGE_SIZE = 2
    for _ in range(3):
        MeetingFactory(author=officer, unit=unit, area=area, groups=[group], officers=[officer])
    FollowUpFactory(meeting=meeting, owner=officer, owed_to=group)
    FollowUpFactory(meeting=meeting, owner=colleague, owed_to=group)


def ids(model, field="pk") -> tuple[str, ...]:
    return tuple(str(value) for value in model.objects.values_list(field, flat=True))


def json_values() -> st.SearchStrategy:
    return st.recursive(
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**70), max_value=2**70)
        | st.floats()
        | st.text(max_size=12),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
        max_leaves=8,
    )


@st.composite
def cursors(draw) -> str:
    """What a page link's cursor could be made into: a real one, one with values of the
    wrong kind, or any JSON at all, base64-encoded as the list encodes its own."""
    kinds = st.sampled_from(["date", "datetime", "time", "decimal", "plain", "other"])
    value = st.tuples(kinds, st.one_of(st.sampled_from((*DATES, *BAD_NUMBERS)), json_values()))
    shaped = st.tuples(
        st.one_of(st.integers(min_value=-(2**70), max_value=2**70), json_values()),
        st.one_of(st.sampled_from([0, 1]), json_values()),
        st.lists(value.map(list), max_size=4),
    ).map(list)
    data = draw(st.one_of(shaped, json_values()))
    text = json.dumps(data, separators=(",", ":"), allow_nan=True)
    token = base64.urlsafe_b64encode(text.encode()).decode()
    return draw(st.sampled_from([token, token.rstrip("="), token[:-3], token + "!"]))


def real_cursor() -> str:
    return Cursor(values=("2025-01-01", 1), backwards=False, number=2).encode()


@pytest.mark.parametrize("role", ROLES)
@fuzz_settings()
@given(data=st.data())
def test_meetings_list(fuzz, world, request, role, data):
    fuzz.sign_in(request.getfixturevalue(role))
    params = {
        "q": ("hate crime", "reporting", "meeting number", "crime -hate"),
        "cursor": (real_cursor(),),
        "page": PAGES,
        "sort": values(SORT_CHOICES),
        "date_from": DATES,
        "date_to": DATES,
        "area": ids(Area),
        "group": ids(CommunityGroup),
        "status": values(Meeting.Status.choices),
        "focus": values(Meeting.Focus.choices),
    }
    pairs = data.draw(query(params))
    if data.draw(st.booleans()):
        pairs.append(("cursor", data.draw(cursors())))
    with fuzz.example():
        response = fuzz.get(reverse("meetings:meeting-list"), pairs)
    assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@fuzz_settings()
@given(data=st.data())
def test_follow_ups_list(fuzz, world, request, role, data):
    fuzz.sign_in(request.getfixturevalue(role))
    params = {
        "whose": values(OFFICER_WHOSE_CHOICES),
        "status": values(FOLLOW_UP_STATUSES),
        "owed_to": ids(CommunityGroup),
        "due_from": DATES,
        "due_to": DATES,
        "sort": values(FOLLOW_UP_SORTS),
        "page": PAGES,
    }
    with fuzz.example():
        response = fuzz.get(reverse("meetings:follow-up-list"), data.draw(query(params)))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@fuzz_settings()
@given(data=st.data())
def test_groups_directory(fuzz, world, request, role, data):
    user = request.getfixturevalue(role)
    fuzz.sign_in(user)
    params = {
        "area": ids(Area),
        "kind": values(CommunityGroup.Kind.choices),
        "liaison": (str(request.getfixturevalue("liaison").pk),),
        "active": values(ACTIVE_CHOICES),
        "cadence": values(CADENCE_CHOICES),
        "page": PAGES,
    }
    with fuzz.example():
        response = fuzz.get(reverse("meetings:group-list"), data.draw(query(params)))
    assert response.status_code == 200


@fuzz_settings()
@given(data=st.data())
def test_escalated_disputes_list(fuzz, world, admin_user, data):
    fuzz.sign_in(admin_user)
    with fuzz.example():
        response = fuzz.get(
            reverse("meetings:dispute-escalated-list"), data.draw(query({"page": PAGES}))
        )
    assert response.status_code == 200


def dashboard_params(request) -> dict[str, tuple[str, ...]]:
    return {
        "start": DATES,
        "end": DATES,
        "area": ids(Area, "code"),
        "risk_level": values(Area.RiskLevel.choices),
        "unit": (str(request.getfixturevalue("unit").pk),),
        "group": ids(CommunityGroup, "uuid"),
        "format": FORMATS,
    }


@pytest.mark.parametrize("role", ROLES)
@fuzz_settings()
@given(data=st.data())
def test_dashboard_and_its_json(fuzz, world, request, role, data):
    fuzz.sign_in(request.getfixturevalue(role))
    pairs = data.draw(query(dashboard_params(request)))
    if data.draw(st.booleans()):
        pairs.append(("format", "json"))
    with fuzz.example():
        response = fuzz.get(reverse("dashboards:dashboard"), pairs)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("role", ROLES)
@fuzz_settings()
@given(data=st.data())
def test_measure_pages(fuzz, world, request, role, data):
    fuzz.sign_in(request.getfixturevalue(role))
    key = data.draw(st.sampled_from(MEASURE_KEYS))
    params = dashboard_params(request) | {"by": DIMENSION_KEYS, "page": PAGES}
    with fuzz.example():
        response = fuzz.get(reverse("dashboards:measure", args=[key]), data.draw(query(params)))
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("role", ROLES)
@fuzz_settings()
@given(data=st.data())
def test_dashboard_export_page(fuzz, world, request, role, data):
    fuzz.sign_in(request.getfixturevalue(role))
    params = dashboard_params(request) | {
        "section": SECTION_KEYS,
        "measure": MEASURE_KEYS,
        "by": DIMENSION_KEYS,
    }
    with fuzz.example():
        response = fuzz.get(reverse("dashboards:dashboard-export"), data.draw(query(params)))
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("role", ROLES)
@fuzz_settings()
@given(data=st.data())
def test_meetings_export_page(fuzz, world, request, role, data):
    fuzz.sign_in(request.getfixturevalue(role))
    params = {
        "q": ("hate crime",),
        "page": PAGES,
        "sort": values(SORT_CHOICES),
        "date_from": DATES,
        "date_to": DATES,
        "area": ids(Area),
        "group": ids(CommunityGroup),
        "status": values(Meeting.Status.choices),
        "focus": values(Meeting.Focus.choices),
    }
    with fuzz.example():
        response = fuzz.get(reverse("meetings:meeting-export"), data.draw(query(params)))
    assert response.status_code in (200, 400)


@fuzz_settings()
@given(data=st.data())
def test_report_pages(fuzz, world, admin_user, data):
    fuzz.sign_in(admin_user)
    which = data.draw(st.sampled_from(["reports:report-list", "reports:report-draft"]))
    params = {"start": DATES, "end": DATES, "area": ("NF",), "format": FORMATS}
    with fuzz.example():
        response = fuzz.get(reverse(which), data.draw(query(params)))
    assert response.status_code in (200, 400)


DIGITS_DATE = st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z", fullmatch=True)


@fuzz_settings()
@given(
    start=st.one_of(st.sampled_from(DATES), DIGITS_DATE),
    end=st.one_of(st.sampled_from(DATES), DIGITS_DATE),
    version=st.one_of(st.integers(min_value=0, max_value=2**70), st.sampled_from(BAD_NUMBERS)),
)
def test_report_version_addresses(fuzz, world, officer, start, end, version):
    fuzz.sign_in(officer)
    with fuzz.example():
        response = fuzz.get(f"/reports/{start}_{end}/v{version}/")
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
@fuzz_settings(max_examples=10)
@given(pairs=query({"page": PAGES, "q": ("x",), "format": FORMATS}))
def test_home_page_ignores_its_parameters(fuzz, world, request, role, pairs):
    fuzz.sign_in(request.getfixturevalue(role))
    with fuzz.example():
        response = fuzz.get(reverse("home"), pairs)
    assert response.status_code == 200
