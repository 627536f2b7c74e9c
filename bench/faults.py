"""Faults under load: PostgreSQL stopped for 10 s, and gunicorn workers killed mid-request.

PostgreSQL only (it stops and starts the server): on SQLite it says so and exits 2. It
empties the database, loads `generate_volume --meetings N` (10,000 unless told) and serves
the app with gunicorn (sync workers, twice the cores plus one, DEBUG off, bench/settings.py).

1. The database stopped for 10 s under load. Clients (threads) ask again and again for
   the officer's meeting list and one meeting (signed in) and /healthz (not signed in, as
   a load balancer asks). PostgreSQL is stopped (`pg_ctl stop -m fast`), left down for
   10 s, and started again with the options it was started with (postmaster.opts), while
   gunicorn goes on. Every answer is counted by when it was asked: while the database is
   down each must be the app's own 503 page (/healthz: its own 503); never a 500 or a
   traceback, anywhere. After the start, it measures how long until every page answers
   200 again, without restarting gunicorn (CONN_HEALTH_CHECKS reconnects the workers).
2. Workers killed mid-request. Clients post complete new meetings, each with a marker in
   its purpose, while a gunicorn worker is SIGKILLed every second or so (its master
   starts another). Then every meeting answered 302 must be in the database, and every
   meeting in the database with a marker whole: its groups, its disclosure, its audit
   events "created" and "submitted" (a meeting without them is a half-committed write).
   A post cut by a kill may or may not have committed; one that did must be whole.

It exits 1, saying why, on a 500, a traceback, a wrong answer while the database is down,
no recovery within 60 s, or a lost or partial write.

    scripts/with-postgres .venv/bin/python bench/faults.py            # 10,000 meetings
    scripts/with-postgres .venv/bin/python bench/faults.py 100000
"""

import http.client
import importlib
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import server
from bench.server import HOST, BenchError, Server

POSTGRES_ONLY = "bench/faults.py stops and starts PostgreSQL: run it under scripts/with-postgres"
if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    print(f"faults: {POSTGRES_ONLY}.", file=sys.stderr)
    sys.exit(2)

server.setup()

from django.db import connection  # noqa: E402

from engagement import unavailable  # noqa: E402
from engagement.accounts.models import Role  # noqa: E402
from engagement.audit.models import AuditEvent  # noqa: E402
from engagement.community.queries import groups_visible_to  # noqa: E402
from engagement.meetings.models import Meeting  # noqa: E402
from engagement.meetings.queries.meeting import meetings_visible_to  # noqa: E402
from tests.meetings.form_data import meeting_data  # noqa: E402

SETTINGS = "bench.settings"
READERS = 8
WRITERS = 6
BASELINE_SECONDS = 3
OUTAGE_SECONDS = 10
RECOVERY_LIMIT_SECONDS = 60
# Recovered: every page has answered 200 since the last failure, and that for this long.
STEADY_SECONDS = 5
KILLS = 8
REQUEST_TIMEOUT = 60
PAGE = unavailable.HEADING.encode()
TRACEBACK = b"Traceback"
ERROR_HANDLERS = {
    400: "engagement.unavailable.bad_request",
    500: "engagement.unavailable.server_error",
}
# What a page may answer around an outage: the page, or the app's 503 (/healthz its own).
EXPECTED = {"200", "503 page", "503 healthz"}


@dataclass(frozen=True)
class Answer:
    url: str
    started: float
    ended: float
    kind: str  # "200", "302", "503 page", "503 healthz", "500", "no answer", …
    traceback: bool
    location: str = ""
    body: bytes = b""


def ask(port: int, method: str, url: str, cookies: str | None, form: dict | None = None):
    """One request on a new connection (gunicorn's sync workers close each one anyway),
    never sent again: a connection cut without an answer is counted as "no answer"."""
    headers = {"Cookie": cookies} if cookies else {}
    body = None
    if form is not None:
        body = urlencode(form, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.monotonic()
    link = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        link.request(method, url, body=body, headers=headers)
        response = link.getresponse()
        content = response.read()
    except (OSError, http.client.HTTPException):
        return Answer(url, started, time.monotonic(), "no answer", False), None
    finally:
        link.close()
    kind = str(response.status)
    if response.status == 503:
        if PAGE in content and response.getheader("Retry-After"):
            kind = "503 page"
        elif url == "/healthz" and healthz_says_unavailable(content):
            kind = "503 healthz"
    answer = Answer(
        url,
        started,
        time.monotonic(),
        kind,
        TRACEBACK in content,
        response.getheader("Location") or "",
        content if response.status not in (200, 302) else b"",
    )
    return answer, response


def healthz_says_unavailable(content: bytes) -> bool:
    try:
        return json.loads(content).get("status") == "unavailable"
    except ValueError:
        return False


def error_handlers_served() -> dict[int, str]:
    """The handler400 and handler500 of the URLconf the served settings name."""
    from django.urls import get_resolver

    resolver = get_resolver(importlib.import_module(SETTINGS).ROOT_URLCONF)
    return {
        status: f"{handler.__module__}.{handler.__name__}"
        for status in (400, 500)
        if (handler := resolver.resolve_error_handler(status))
    }


class Postgres:
    """The cluster this script runs against, stopped and started by pg_ctl as the user
    that owns it (the postgres OS user when this runs as root)."""

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SHOW data_directory")
            (self.data,) = cursor.fetchone()
        words = shlex.split(Path(self.data, "postmaster.opts").read_text())
        options = words[1:]  # after the postgres binary: its options but the data folder
        if "-D" in options:
            at = options.index("-D")
            del options[at : at + 2]
        self.options = shlex.join(options)
        self.log = Path(self.data).parent / "postgres.log"
        self.pg_ctl = shutil.which("pg_ctl")
        if self.pg_ctl is None:
            raise BenchError("pg_ctl is not on PATH (scripts/with-postgres puts it there)")
        self.down = False

    def pg_ctl_run(self, *arguments: str) -> None:
        command = [self.pg_ctl, "-D", self.data, "-w", "-t", "60", *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(
            command, cwd=Path(self.data).parent, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise BenchError(f"pg_ctl {arguments[-1]} failed:\n{done.stdout}{done.stderr}")

    def stop(self) -> None:
        connection.close()  # this script's own
        self.down = True
        self.pg_ctl_run("-m", "fast", "stop")

    def start(self) -> None:
        self.pg_ctl_run("-l", str(self.log), "-o", self.options, "start")
        self.down = False


def workers_of(app: Server) -> set[int]:
    """The pids of gunicorn's workers: the children of its master."""
    assert app.process is not None
    master = str(app.process.pid)
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if fields[1] == master:
            children.add(int(entry.name))
    return children


def client(body, number: int, crashed: list[str]) -> threading.Thread:
    """A client thread running `body(number)`; a failure of the script's own is kept."""

    def run() -> None:
        try:
            body(number)
        except Exception as error:
            crashed.append(f"client {number} failed: {error!r}")

    return threading.Thread(target=run, daemon=True)


def counts(answers: list[Answer]) -> str:
    found = Counter(answer.kind for answer in answers)
    return ", ".join(f"{kind}: {number:,}" for kind, number in sorted(found.items())) or "none"


def database_stopped(app: Server, pages: list[tuple[str, str | None]]) -> list[str]:
    """Part 1; the problems found."""
    postgres = Postgres()
    answers: list[Answer] = []
    crashed: list[str] = []
    done = threading.Event()

    def reader(first: int) -> None:
        turn = first
        while not done.is_set():
            url, cookies = pages[turn % len(pages)]
            answers.append(ask(app.port, "GET", url, cookies)[0])
            turn += 1

    workers_before = workers_of(app)
    threads = [client(reader, n, crashed) for n in range(READERS)]
    for thread in threads:
        thread.start()
    moments: dict[str, float] = {}
    try:
        time.sleep(BASELINE_SECONDS)  # load before the fault, for the figures
        moments["stop"] = time.monotonic()
        postgres.stop()
        moments["stopped"] = time.monotonic()
        time.sleep(OUTAGE_SECONDS)  # the outage itself
        moments["start"] = time.monotonic()
        postgres.start()
        moments["started"] = time.monotonic()
        recovered = recovery(answers, pages, moments["started"])
    finally:
        done.set()
        for thread in threads:
            thread.join()
        if postgres.down:
            postgres.start()
    stop, stopped, start, started = (moments[name] for name in moments)
    windows = {
        "before the stop": [a for a in answers if a.ended < stop],
        "while stopping": [a for a in answers if a.ended >= stop and a.started < stopped],
        "while stopped": [a for a in answers if stopped <= a.started < start],
        "while starting": [a for a in answers if start <= a.started < started],
        "after the start": [a for a in answers if a.started >= started],
    }
    spans = {
        "before the stop": stop - min(answer.started for answer in answers),
        "while stopping": stopped - stop,
        "while stopped": start - stopped,
        "while starting": started - start,
        "after the start": max(answer.ended for answer in answers) - started,
    }
    print(f"  {len(answers):,} answers; by when they were asked:")
    for name, in_window in windows.items():
        print(f"    {name:16} {spans[name]:5.1f} s  {counts(in_window)}")
    problems = []
    if recovered is None:
        problems.append(f"the pages did not all answer 200 within {RECOVERY_LIMIT_SECONDS} s")
    else:
        print(
            f"  every page answered 200 again {recovered - started:.1f} s after PostgreSQL"
            f" accepted connections ({recovered - start:.1f} s after it was told to start),"
            " gunicorn not restarted"
        )
    logged = app.log_path.read_text(errors="replace") if app.log_path else ""
    service_unavailable = logged.count("Service Unavailable: ")
    print(
        f"  gunicorn's log: {service_unavailable:,} errors 'Service Unavailable: <path>'"
        " (the pages' with the exception's traceback, /healthz's without),"
        f" {logged.count('Internal Server Error: '):,} 'Internal Server Error: <path>'"
    )
    if workers_of(app) == workers_before:
        print(f"  the same {len(workers_before)} gunicorn workers served throughout")
    else:
        problems.append("a gunicorn worker died or was replaced during the outage")
    if waited := answered_once_back(windows["while stopped"], started):
        print(
            f"  {len(waited):,} asked while it was stopped waited for a connection from the pool"
            " and answered 200 once it was back"
        )
    problems += wrong_answers(
        answers, windows["while stopped"], windows["before the stop"], back=started
    )
    return problems + crashed


def recovery(answers: list[Answer], pages: list[tuple[str, str | None]], started: float):
    """When every page had answered 200 after the last failure, once that has held for
    STEADY_SECONDS; None if not within RECOVERY_LIMIT_SECONDS."""
    urls = {url for url, _ in pages}
    deadline = started + RECOVERY_LIMIT_SECONDS
    while time.monotonic() < deadline:
        after = [answer for answer in list(answers) if answer.started >= started]
        last_failure = max((a.ended for a in after if a.kind != "200"), default=started)
        since = [a for a in after if a.started > last_failure]
        if {a.url for a in since} == urls and time.monotonic() - last_failure >= STEADY_SECONDS:
            return last_failure
        time.sleep(0.2)
    return None


def answered_once_back(while_stopped, back: float) -> list:
    """Answers to requests asked during the outage that waited (for a connection from the
    pool, up to POSTGRES_POOL_TIMEOUT) and were served once the database was back: better
    than the 503 page, not a fault."""
    return [a for a in while_stopped if a.kind == "200" and a.ended >= back]


def wrong_answers(answers, while_stopped, before, *, back: float) -> list[str]:
    problems = []
    waited = answered_once_back(while_stopped, back)
    if failed := [a for a in answers if a.kind == "500"]:
        problems.append(f"{len(failed)} answers were 500, e.g. {failed[0].url}")
    if traced := [a for a in answers if a.traceback]:
        problems.append(f"{len(traced)} answers showed a traceback, e.g. {traced[0].url}")
    if cut := [a for a in answers if a.kind == "no answer"]:
        problems.append(f"{len(cut)} requests had no answer (connection cut), e.g. {cut[0].url}")
    if wrong := [
        a for a in while_stopped if a.kind not in ("503 page", "503 healthz") and a not in waited
    ]:
        example = wrong[0]
        problems.append(
            f"{len(wrong)} answers while the database was stopped were not the 503 page,"
            f" e.g. {example.url}: {example.kind} {example.body[:300]!r}"
        )
    if wrong := [a for a in before if a.kind != "200"]:
        problems.append(f"{len(wrong)} answers before the stop were not 200: {counts(wrong)}")
    if wrong := [a for a in answers if a.kind not in EXPECTED | {"500", "no answer"}]:
        example = wrong[0]
        problems.append(
            f"{len(wrong)} answers were neither 200 nor the 503 page: {counts(wrong)},"
            f" e.g. {example.url}: {example.body[:300]!r}"
        )
    return problems


def csrf(app: Server, cookies: str) -> tuple[str, str]:
    """The CSRF token to post with (the cookie's secret, which Django takes as the form's
    token too) and the cookies to send with it."""
    answer, response = ask(app.port, "GET", "/meetings/new/", cookies)
    if answer.kind != "200" or response is None:
        raise BenchError(f"/meetings/new/ answered {answer.kind}:\n{app.log_tail()}")
    jar = SimpleCookie()
    for header in response.msg.get_all("Set-Cookie") or []:
        jar.load(header)
    token = jar.get("csrftoken")
    if token is None:
        raise BenchError("/meetings/new/ set no CSRF cookie")
    return token.value, f"{cookies}; csrftoken={token.value}"


def workers_killed(app: Server, officer, cookies: str) -> list[str]:
    """Part 2; the problems found."""
    run = uuid.uuid4().hex[:8]
    marker = f"fault-bench {run}"
    group = groups_visible_to(officer).filter(active=True, area=officer.officer_profile.unit.area)
    form = meeting_data(
        area=officer.officer_profile.unit.area,
        groups=[group.order_by("pk").first()],
        officers=[officer],
        confirm_groups="on",
    )
    token, with_csrf = csrf(app, cookies)
    answers: list[Answer] = []
    done = threading.Event()

    def writer(number: int) -> None:
        sent = 0
        while not done.is_set():
            data = form | {"csrfmiddlewaretoken": token, "purpose": f"{marker} {number}-{sent}"}
            answers.append(ask(app.port, "POST", "/meetings/new/", with_csrf, data)[0])
            sent += 1

    crashed: list[str] = []
    threads = [client(writer, n, crashed) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    killed = []
    try:
        time.sleep(2)  # writes under way before the first kill
        for _ in range(KILLS):
            workers = workers_of(app)
            victim = random.choice(sorted(workers))
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
            wait_for_replacement(app, victim, len(workers))
            time.sleep(random.uniform(0.5, 1.5))
        time.sleep(1)
    finally:
        done.set()
        for thread in threads:
            thread.join()
    print(f"  {len(killed)} workers killed (SIGKILL), each replaced by gunicorn's master")
    print(f"  {len(answers):,} meetings posted: {counts(answers)}")
    problems = []
    if wrong := [a for a in answers if a.kind not in ("302", "no answer")]:
        problems.append(f"{len(wrong)} posts answered {wrong[0].kind}: {wrong[0].body[:300]!r}")
    answered = {a.location.rstrip("/").rsplit("/", 1)[-1] for a in answers if a.kind == "302"}
    return problems + crashed + writes_kept(marker, answered)


def wait_for_replacement(app: Server, victim: int, workers: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = workers_of(app)
        if victim not in now and len(now) >= workers:
            return
        time.sleep(0.05)
    raise BenchError(f"gunicorn did not replace worker {victim} within 30 s:\n{app.log_tail()}")


def writes_kept(marker: str, answered: set[str]) -> list[str]:
    stored = Meeting.objects.filter(purpose__startswith=marker + " ")
    kept = {str(uuid_) for uuid_ in stored.values_list("uuid", flat=True)}
    lost = answered - kept
    partial = []
    for meeting in stored.prefetch_related("groups", "disclosures", "audit_events"):
        actions = {event.action for event in meeting.audit_events.all()}
        whole = (
            len(meeting.groups.all()) == 1
            and len(meeting.disclosures.all()) == 1
            and {AuditEvent.Action.CREATE, AuditEvent.Action.SUBMIT} <= actions
            and meeting.status == Meeting.Status.SUBMITTED
        )
        if not whole:
            partial.append(str(meeting.uuid))
    print(
        f"  in the database: {len(kept):,} meetings with the marker for {len(answered):,}"
        f" answered 302 ({len(kept - answered):,} committed whose answer was cut);"
        f" {len(lost)} lost, {len(partial)} partial"
    )
    problems = []
    if lost:
        problems.append(f"{len(lost)} meetings answered 302 are not in the database: {lost}")
    if partial:
        problems.append(f"{len(partial)} meetings were written in part: {partial[:5]}")
    return problems


def main(meetings: int) -> None:
    if error_handlers_served() != ERROR_HANDLERS:
        raise BenchError(
            f"the served URLconf's error handlers are {error_handlers_served()}, not the"
            f" app's own 503 page's {ERROR_HANDLERS}: a stopped database would answer 500"
        )
    workers = 2 * (os.cpu_count() or 1) + 1
    print(
        f"database: {server.database()}; gunicorn, {workers} sync workers, DEBUG off;"
        f" machine: {server.machine()}"
    )
    print(f"\n{meetings:,} meetings")
    server.build(meetings)
    officer = server.person(Role.OFFICER)
    meeting = meetings_visible_to(officer).order_by("pk").first()
    assert meeting is not None
    cookies = server.sign_in(officer)
    pages = [("/meetings/", cookies), (meeting.get_absolute_url(), cookies), ("/healthz", None)]
    problems = []
    with Server(workers=workers, settings=SETTINGS) as app:
        for url, page_cookies in pages:
            app.check(url, server.Connection(app.port, page_cookies).get(url))
        print(
            f"\n1. PostgreSQL stopped for {OUTAGE_SECONDS} s under load ({READERS} clients:"
            f" {', '.join(url for url, _ in pages)})"
        )
        problems += database_stopped(app, pages)
        print(f"\n2. workers killed while {WRITERS} clients post new meetings")
        problems += workers_killed(app, officer, cookies)
    if problems:
        raise BenchError("\n  ".join(["something went wrong:", *problems]))
    print("\nno 500, no traceback, the 503 page throughout the outage, recovered; no write lost")


if __name__ == "__main__":
    parser = server.one_size_parser(__doc__, default=10_000)
    try:
        main(parser.parse_args().meetings)
    except BenchError as error:
        sys.exit(f"faults: {error}")
