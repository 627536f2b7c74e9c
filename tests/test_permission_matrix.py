"""The permission matrix: every URL pattern of the URLconf, the Django admin's included,
asked by every role, against the answer written below (issue 13).

MATRIX holds one row per URL (its name; its route when it has none) and, in ROLES'
order, what a GET answers each role; a row "<name> [variant]" asks the same URL about
another record, in another state. A URL with no row fails, and so does a row whose
URL is gone. A record someone may not see is a 404 whatever the method: every cell whose
GET is refused (404, 403 or a redirect to sign in) is POSTed too, with an empty body, and
must be refused the same way (or 405), never answered 200, redirected to a success or 500.

The records asked about, and how each URL's arguments are filled, are in
tests/matrix_world.py.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tests.matrix_world import (
    ARGUMENTS,
    ROLES,
    MissingArguments,
    Route,
    arguments_for,
    build_world,
    make_staff,
    make_superuser,
    routes,
    url_of,
)

# The answers. A number is the status; "302 <URL name>" a redirect there.
SIGN_IN = "302 accounts:sign-in"  # with ?next= the page asked for
ADMIN_IN = "302 admin:login"  # the Django admin's sign-in, with ?next= the page
# Back to the meeting's page, saying why the page asked for is not open to them now.
TO_MEETING = "302 meetings:meeting-detail"
# A signed-out POST to a form is answered with the sign-in page itself, holding what was
# sent until its author signs in again (engagement/accounts/pending.py).
SIGN_IN_PAGE = "200 the sign-in page"
# The Django admin lets in staff only, whatever their role: everyone else, signed in or
# not, is sent to its sign-in page.
NOT_STAFF = (ADMIN_IN,) * 7

# fmt: off
MATRIX: dict[str, tuple[int | str, ...]] = {
    #                                 anonymous officer colleague other-unit liaison other-liaison admin staff superuser
    "home":                           (SIGN_IN, 200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:sign-in":               (200, "302 home", "302 home", "302 home", "302 home", "302 home", "302 home", "302 home", "302 home"),
    "accounts:sign-out":              (405, 405, 405, 405, 405, 405, 405, 405, 405),  # POST only
    "healthz":                        (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:locked-list":           (SIGN_IN, 404, 404, 404, 404, 404, 200, 200, 200),
    "accounts:unlock":                (SIGN_IN, 404, 404, 404, 404, 404, 405, 405, 405),  # POST only
    # Meetings: officers see their unit's, liaisons their groups' submitted ones.
    "meetings:meeting-list":          (SIGN_IN, 200, 200, 200, 200, 200, 200, 200, 200),
    "meetings:meeting-create":        (SIGN_IN, 200, 200, 200, 404, 404, 404, 404, 404),
    "meetings:meeting-export":        (SIGN_IN, 200, 200, 200, 200, 200, 200, 200, 200),
    "meetings:meeting-detail":        (SIGN_IN, 200, 200, 404, 200, 404, 200, 200, 200),
    "meetings:meeting-detail [draft]": (SIGN_IN, 200, 200, 404, 404, 404, 200, 200, 200),
    "meetings:meeting-detail [withdrawn]": (SIGN_IN, 200, 200, 404, 404, 404, 200, 200, 200),
    "meetings:meeting-detail [another unit's, the officer attended]": (SIGN_IN, 200, 404, 200, 404, 200, 200, 200, 200),
    "meetings:meeting-detail [disposed]": (SIGN_IN, 200, 200, 404, 200, 404, 200, 200, 200),  # its tombstone
    "meetings:meeting-edit":          (SIGN_IN, 200, 200, 404, 404, 404, 404, 404, 404),
    "meetings:meeting-edit [reviewed]": (SIGN_IN, TO_MEETING, TO_MEETING, 404, 404, 404, 404, 404, 404),
    "meetings:meeting-edit [another unit's, the officer attended]": (SIGN_IN, 200, 404, 200, 404, 404, 404, 404, 404),
    "meetings:meeting-edit [disposed]": (SIGN_IN, TO_MEETING, TO_MEETING, 404, 404, 404, 404, 404, 404),
    "meetings:meeting-withdraw":      (SIGN_IN, 200, 404, 404, 404, 404, 200, 200, 200),  # its author, or an admin
    "meetings:meeting-withdraw [withdrawn]": (SIGN_IN, 404, 404, 404, 404, 404, 404, 404, 404),
    "meetings:meeting-withdraw [disposed]": (SIGN_IN, 404, 404, 404, 404, 404, 404, 404, 404),
    "meetings:review-create":         (SIGN_IN, 404, 404, 404, 200, 404, 404, 404, 404),
    "meetings:review-create [draft]": (SIGN_IN, 404, 404, 404, 404, 404, 404, 404, 404),
    "meetings:review-create [reviewed by the liaison]": (SIGN_IN, 404, 404, 404, TO_MEETING, 404, 404, 404, 404),
    "meetings:review-create [disposed]": (SIGN_IN, 404, 404, 404, TO_MEETING, 404, 404, 404, 404),
    "meetings:dispute-escalated-list": (SIGN_IN, 404, 404, 404, 404, 404, 200, 200, 200),
    "meetings:dispute-escalate":      (SIGN_IN, 200, 200, 404, 200, 404, 404, 404, 404),  # the parties to it
    "meetings:follow-up-list":        (SIGN_IN, 200, 200, 200, 200, 200, 200, 200, 200),
    "meetings:follow-up-detail":      (SIGN_IN, 200, 200, 404, 200, 404, 200, 200, 200),
    "meetings:follow-up-detail [of a withdrawn meeting]": (SIGN_IN, 200, 200, 404, 404, 404, 200, 200, 200),
    "meetings:follow-up-transition":  (SIGN_IN, 200, 404, 404, 404, 404, 404, 404, 404),  # its owner
    "meetings:report-back-confirm":   (SIGN_IN, 404, 404, 404, 200, 404, 404, 404, 404),
    "meetings:group-list":            (SIGN_IN, 200, 200, 200, 200, 200, 200, 200, 200),
    "meetings:group-detail":          (SIGN_IN, 200, 200, 200, 200, 404, 200, 200, 200),
    # Dashboards and the transparency report: figures for the viewer's own scope.
    "dashboards:dashboard":           (SIGN_IN, 200, 200, 200, 200, 200, 200, 200, 200),
    "dashboards:dashboard-export":    (SIGN_IN, 200, 200, 200, 200, 200, 200, 200, 200),
    "dashboards:measure":             (SIGN_IN, 200, 200, 200, 200, 200, 200, 200, 200),
    "reports:report-list":            (SIGN_IN, 200, 200, 200, 200, 200, 200, 200, 200),
    "reports:report-draft":           (SIGN_IN, 404, 404, 404, 404, 404, 200, 200, 200),
    "reports:report-approve":         (SIGN_IN, 404, 404, 404, 404, 404, 405, 405, 405),  # POST only
    "reports:report-detail":          (SIGN_IN, 200, 200, 200, 200, 200, 200, 200, 200),
    # The audit log and the retention review: admins only.
    "audit:audit-list":               (SIGN_IN, 404, 404, 404, 404, 404, 200, 200, 200),
    "audit:audit-export":             (SIGN_IN, 404, 404, 404, 404, 404, 200, 200, 200),
    "retention:retention-queue":      (SIGN_IN, 404, 404, 404, 404, 404, 200, 200, 200),
    "retention:retention-decide":     (SIGN_IN, 404, 404, 404, 404, 404, 200, 200, 200),
    "retention:retention-decide [disposed]": (SIGN_IN, 404, 404, 404, 404, 404, 200, 200, 200),
    # The Django admin's own pages.
    "admin:index":                    (*NOT_STAFF, 200, 200),
    "admin:login":                    (200, 200, 200, 200, 200, 200, 200, "302 admin:index", "302 admin:index"),
    "admin:logout":                   ("302 admin:index",) * 7 + (405, 405),  # POST only
    "admin:password_change":          (*NOT_STAFF, 200, 200),
    "admin:password_change_done":     (*NOT_STAFF, 200, 200),
    "admin:autocomplete":             (*NOT_STAFF, 403, 403),  # no admin has autocomplete fields
    "admin:jsi18n":                   (*NOT_STAFF, 200, 200),
    "admin:view_on_site":             (*NOT_STAFF, "302 meetings:meeting-detail", "302 meetings:meeting-detail"),
    "admin:app_list":                 (*NOT_STAFF, 404, 200),
    "/admin/(?P<url>.*)$":            (*NOT_STAFF, 404, 404),
    # Accounts: deactivated, never deleted.
    "admin:accounts_user_changelist": (*NOT_STAFF, 403, 200),
    "admin:accounts_user_add":        (*NOT_STAFF, 403, 200),
    "admin:accounts_user_change":     (*NOT_STAFF, 403, 200),
    "admin:accounts_user_history":    (*NOT_STAFF, 403, 200),
    "admin:accounts_user_delete":     (*NOT_STAFF, 403, 403),
    "admin:auth_user_password_change": (*NOT_STAFF, 403, 200),
    "/admin/accounts/user/<path:object_id>/": (*NOT_STAFF, "302 admin:accounts_user_change", "302 admin:accounts_user_change"),
    "admin:accounts_unit_changelist": (*NOT_STAFF, 403, 200),
    "admin:accounts_unit_add":        (*NOT_STAFF, 403, 200),
    "admin:accounts_unit_change":     (*NOT_STAFF, 403, 200),
    "admin:accounts_unit_history":    (*NOT_STAFF, 403, 200),
    "admin:accounts_unit_delete":     (*NOT_STAFF, 403, 200),
    "/admin/accounts/unit/<path:object_id>/": (*NOT_STAFF, "302 admin:accounts_unit_change", "302 admin:accounts_unit_change"),
    # The role groups: neither deleted nor renamed.
    "admin:auth_group_changelist":    (*NOT_STAFF, 403, 200),
    "admin:auth_group_add":           (*NOT_STAFF, 403, 200),
    "admin:auth_group_change":        (*NOT_STAFF, 403, 200),
    "admin:auth_group_history":       (*NOT_STAFF, 403, 200),
    "admin:auth_group_delete":        (*NOT_STAFF, 403, 403),
    "/admin/auth/group/<path:object_id>/": (*NOT_STAFF, "302 admin:auth_group_change", "302 admin:auth_group_change"),
    "admin:community_area_changelist": (*NOT_STAFF, 403, 200),
    "admin:community_area_add":       (*NOT_STAFF, 403, 200),
    "admin:community_area_change":    (*NOT_STAFF, 403, 200),
    "admin:community_area_history":   (*NOT_STAFF, 403, 200),
    "admin:community_area_delete":    (*NOT_STAFF, 403, 200),
    "/admin/community/area/<path:object_id>/": (*NOT_STAFF, "302 admin:community_area_change", "302 admin:community_area_change"),
    # Community groups: made inactive, never deleted.
    "admin:community_communitygroup_changelist": (*NOT_STAFF, 403, 200),
    "admin:community_communitygroup_add":        (*NOT_STAFF, 403, 200),
    "admin:community_communitygroup_change":     (*NOT_STAFF, 403, 200),
    "admin:community_communitygroup_history":    (*NOT_STAFF, 403, 200),
    "admin:community_communitygroup_delete":     (*NOT_STAFF, 403, 403),
    "/admin/community/communitygroup/<path:object_id>/": (*NOT_STAFF, "302 admin:community_communitygroup_change", "302 admin:community_communitygroup_change"),
    # The email task queue: read only.
    "admin:django_tasks_database_dbtaskresult_changelist": (*NOT_STAFF, 403, 200),
    "admin:django_tasks_database_dbtaskresult_add":        (*NOT_STAFF, 403, 403),
    "admin:django_tasks_database_dbtaskresult_change":     (*NOT_STAFF, 403, 200),
    "admin:django_tasks_database_dbtaskresult_history":    (*NOT_STAFF, 403, 200),
    "admin:django_tasks_database_dbtaskresult_delete":     (*NOT_STAFF, 403, 403),
    "/admin/django_tasks_database/dbtaskresult/<path:object_id>/": (*NOT_STAFF, "302 admin:django_tasks_database_dbtaskresult_change", "302 admin:django_tasks_database_dbtaskresult_change"),
}
# fmt: on

# A GET refused one way must refuse a POST the same way, or answer 405.
REFUSALS: dict[int | str, frozenset[int | str]] = {
    404: frozenset({404, 405}),
    403: frozenset({403, 405}),
    SIGN_IN: frozenset({SIGN_IN, SIGN_IN_PAGE, 405}),
    ADMIN_IN: frozenset({ADMIN_IN, 405}),
}


def row_template(key: str) -> str:
    return f'    "{key}": ({", ".join(ROLES)}),'


def missing_row_message(missing: list[Route]) -> str:
    lines = "\n".join(f"{row_template(r.key)}  # GET {r.route}" for r in missing)
    return (
        "These URLs have no row in MATRIX (tests/test_permission_matrix.py). Add a row for "
        "each, giving what a GET answers each role in the order below; an answer is 200, "
        '403, 404, 405, SIGN_IN, ADMIN_IN or "302 <URL name it redirects to>" '
        "(test_every_url_answers_as_the_matrix_says prints what each answers now):\n"
        f"{lines}"
    )


def base_key(key: str) -> str:
    """The URL a row asks about: "meetings:meeting-detail [draft]" asks meeting-detail."""
    return key.split(" [")[0]


def test_every_url_has_a_row():
    missing = [route for route in routes() if route.key not in MATRIX]
    assert not missing, missing_row_message(missing)


def test_every_variant_with_arguments_has_a_row():
    unasked = sorted(key for key in ARGUMENTS if key not in MATRIX and " [" in key)
    assert not unasked, f"Variants in tests/matrix_world.py ARGUMENTS with no row: {unasked}"


def test_every_row_is_a_url_that_still_exists():
    keys = {route.key for route in routes()}
    gone = sorted(key for key in MATRIX if base_key(key) not in keys)
    assert not gone, f"MATRIX has rows for URLs the URLconf no longer has; remove them: {gone}"


def test_every_row_answers_each_role_once():
    wrong = {key: len(answers) for key, answers in MATRIX.items() if len(answers) != len(ROLES)}
    assert not wrong, f"Each row needs {len(ROLES)} answers ({', '.join(ROLES)}): {wrong}"
    for answers in MATRIX.values():
        for answer in answers:
            parse(answer)


def parse(answer: int | str) -> tuple[int, str | None]:
    """(status, the URL name a redirect goes to)."""
    if isinstance(answer, int):
        assert answer in (200, 403, 404, 405), answer
        return answer, None
    status, name = answer.split(" ")
    assert status == "302", answer
    return 302, name


# The answers ---------------------------------------------------------------------------


@pytest.fixture
def staff(db):
    return make_staff()


@pytest.fixture
def superuser(db):
    return make_superuser()


def observed(response, url: str) -> int | str:
    """The answer as the matrix writes it."""
    posted = response.request["REQUEST_METHOD"] == "POST"
    templates = {template.name for template in response.templates}
    if response.status_code == 200 and posted and "accounts/sign_in.html" in templates:
        return SIGN_IN_PAGE
    if response.status_code != 302:
        return response.status_code
    location = urlsplit(response["Location"])
    try:
        name = resolve(location.path).view_name
    except Resolver404:
        return f"302 {location.path}"
    if name in (SIGN_IN[4:], ADMIN_IN[4:]) and parse_qs(location.query).get("next") != [url]:
        return f"302 {name} (next: {parse_qs(location.query).get('next')})"
    return f"302 {name}"


def as_token(answer: int | str) -> str:
    names: dict[int | str, str] = {SIGN_IN: "SIGN_IN", ADMIN_IN: "ADMIN_IN"}
    return names.get(answer, repr(answer))


def test_every_url_answers_as_the_matrix_says(db, request, capsys):
    world = build_world(request)
    clients = {}
    for role, user in world.users.items():
        # A view that raises is a 500 in its cell, reported with every other failure.
        clients[role] = Client(raise_request_exception=False)
        if user is not None:
            clients[role].force_login(user)

    # (key, URL): every route once, and again for each variant of it in the matrix.
    pages: list[tuple[str, str]] = []
    failures: list[str] = []
    for route in routes():
        variants = [key for key in MATRIX if key != route.key and base_key(key) == route.key]
        for key in [route.key, *variants]:
            try:
                pages.append((key, url_of(route, arguments_for(route, world, key))))
            except MissingArguments as missing:
                failures.append(str(missing))

    answers: dict[tuple[str, str], int | str] = {}
    for key, url in pages:
        for role, client in clients.items():
            answers[key, role] = observed(client.get(url), url)

    gets = posts = 0
    unlisted = []
    for key, url in pages:
        if key not in MATRIX:
            row = ", ".join(as_token(answers[key, role]) for role in ROLES)
            unlisted.append(f'    "{key}": ({row}),')
            continue
        for role, expected in zip(ROLES, MATRIX[key], strict=True):
            gets += 1
            got = answers[key, role]
            if got != expected:
                failures.append(f"GET {url} as {role}: {got}, not {expected} ({key})")
            if expected in REFUSALS:
                posts += 1
                got = observed(clients[role].post(url), url)
                if got not in REFUSALS[expected]:
                    failures.append(
                        f"POST {url} as {role}: {got}, where GET is refused with {expected} ({key})"
                    )
    if unlisted:
        failures.append(
            "URLs with no row in MATRIX, as they answer now (check every answer before "
            "adding the row):\n" + "\n".join(unlisted)
        )
    with capsys.disabled():
        print(
            f"\npermission matrix: {len(pages)} URLs and variants x {len(ROLES)} roles: "
            f"{gets} GET cells and {posts} POST cells, {gets + posts} checked"
        )
    assert not failures, "\n".join(failures)
