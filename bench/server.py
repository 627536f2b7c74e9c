"""The benchmarks' harness: the data, the served app, signed-in people and timed requests.

A benchmark script calls `setup()` first (it configures Django in its own process, where
it generates the data and signs people in), then `build(N)`, then serves the app with
`Server(workers=...)`: gunicorn on a free port of 127.0.0.1 with bench/settings.py
(DEBUG off, the same database), started and stopped by the script, also when it fails.
`sign_in(user)` makes a session in the database as Django's test client does and returns
its cookie; a `Connection` sends GETs with it over HTTP and returns, for each, the status,
the body, the round-trip time and what bench/middleware.py reported: the server's time
and the queries the request sent.
"""

import argparse
import atexit
import html
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BARE = "/bench-bare/"
HOST = "127.0.0.1"
# A page at 1,000,000 meetings may take seconds; gunicorn's default 30 s would kill it.
WORKER_TIMEOUT = 600
START_TIMEOUT = 120
NEXT_LINK = re.compile(r'href="([^"]*)" rel="next"')


class BenchError(Exception):
    """The benchmark cannot go on (the server did not start, a page did not answer 200)."""


def setup() -> None:
    """Configure Django in this process: DEBUG on (generate_volume asks for it), a
    SECRET_KEY shared with the served app (the sessions made here are signed with it), and
    without DATABASE_URL a temporary SQLite file that both use."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagement.settings")
    os.environ.setdefault("DEBUG", "true")
    # Stopped by SIGTERM, leave as on Ctrl-C: through `finally`, stopping gunicorn.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    if not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    if not os.environ.get("DATABASE_URL") and not os.environ.get("SQLITE_PATH"):
        folder = tempfile.mkdtemp(prefix="bench-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        os.environ["SQLITE_PATH"] = str(Path(folder) / "bench.sqlite3")

    import django

    django.setup()


def count(value: str) -> int:
    """A whole number of at least 1 as typed (100000, 100_000 or 100,000), for argparse:
    anything else is refused with a message and exit status 2."""
    number = int(value.replace("_", "").replace(",", ""))
    if number < 1:
        raise ValueError(value)
    return number


def one_size_parser(doc: str, *, default: int) -> argparse.ArgumentParser:
    """The command line of a benchmark run at one size (MEETINGS, `default` unless told);
    the benchmark adds its own options."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument(
        "meetings",
        nargs="?",
        type=count,
        default=default,
        metavar="MEETINGS",
        help=f"how many meetings to generate (default {default})",
    )
    return parser


def run_over_sizes(main: Callable[[list[int]], None], *, doc: str, prog: str) -> None:
    """Run a benchmark's `main` over the sizes typed (default 10,000 and 1,000,000),
    ending with the benchmark's own message and status 1 on a BenchError."""
    parser = argparse.ArgumentParser(prog=prog, description=doc.split("\n\n")[0])
    parser.add_argument(
        "sizes",
        nargs="*",
        type=count,
        default=[10_000, 1_000_000],
        metavar="MEETINGS",
        help="sizes to measure side by side (default: 10000 1000000)",
    )
    try:
        main(parser.parse_args().sizes)
    except BenchError as error:
        sys.exit(f"{prog}: {error}")


def machine() -> str:
    """The cores and how busy they already are: other work on the machine slows the
    server and the clients alike, and every figure with them."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.1f} (1 min), {five:.1f} (5 min)"


def database() -> str:
    from django.db import connection

    return connection.vendor


def build(meetings: int) -> None:
    """Empty the database and load `generate_volume --meetings N`. Refuses a database
    holding meetings people logged (generate_volume's own rule), before emptying it."""
    from django.core.management import call_command

    from engagement.meetings.volume import meetings_not_generated

    call_command("migrate", verbosity=0)
    if meetings_not_generated().exists():
        raise BenchError(
            "the database holds meetings people logged, and a benchmark empties it:"
            " run it on a throwaway database (scripts/with-postgres, or no DATABASE_URL)"
        )
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("generate_volume", meetings=meetings, stdout=StringIO(), stderr=StringIO())
    print(f"  generated {meetings:,} meetings in {time.perf_counter() - started:.0f} s")
    # As cron does in production every few minutes: the admins' dashboard computed ahead.
    started = time.perf_counter()
    call_command("refresh_dashboards", stdout=StringIO())
    print(f"  refresh_dashboards (4 views) took {time.perf_counter() - started:.0f} s")


def person(role: Any) -> Any:
    """The generated account of this role that sees the most meetings (an admin: any)."""
    from engagement.accounts.models import Role, User

    people = User.objects.filter(groups__name=role, email__contains="volume").order_by("pk")
    if role == Role.ADMIN:
        return people.first()
    return max(people[:20], key=visible_meetings)


def visible_meetings(user: Any) -> int:
    from engagement.meetings.queries.meeting import meetings_visible_to

    return meetings_visible_to(user).count()


def sign_in(user: Any) -> str:
    """A new session for this person, as the sign-in page would make it: its cookie
    ("sessionid=...")."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    round_trip_ms: float
    server_ms: float
    queries: int
    database_ms: float


class Connection:
    """One client's HTTP connection (http.client, kept alive where the server allows it;
    gunicorn's sync workers close it after each response and it is opened again)."""

    def __init__(self, port: int, cookie: str | None = None) -> None:
        from bench.middleware import DATABASE_MS, QUERIES, SERVER_MS

        self.headers = {"Cookie": cookie} if cookie else {}
        self.http = http.client.HTTPConnection(HOST, port, timeout=WORKER_TIMEOUT)
        self.names = (SERVER_MS, QUERIES, DATABASE_MS)

    def get(self, url: str) -> Reply:
        started = time.perf_counter()
        try:
            self.http.request("GET", url, headers=self.headers)
            response = self.http.getresponse()
            body = response.read()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # A connection the server closed while idle: send the GET again on a new one.
            self.http.close()
            started = time.perf_counter()
            self.http.request("GET", url, headers=self.headers)
            response = self.http.getresponse()
            body = response.read()
        round_trip = (time.perf_counter() - started) * 1000
        server_ms, queries, database_ms = (response.getheader(name) for name in self.names)
        return Reply(
            status=response.status,
            body=body,
            round_trip_ms=round_trip,
            server_ms=float(server_ms or "nan"),
            queries=int(queries or -1),
            database_ms=float(database_ms or "nan"),
        )

    def close(self) -> None:
        self.http.close()


def next_link(url: str, body: bytes) -> str | None:
    """The URL of the page's "Next" link, or None on the last page."""
    found = NEXT_LINK.search(body.decode())
    if not found:
        return None
    return url.split("?")[0] + html.unescape(found.group(1))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving bench/settings.py (or `settings`) on a free port, for a `with`
    block."""

    def __init__(self, workers: int = 1, settings: str = "bench.settings") -> None:
        self.workers = workers
        self.settings = settings
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.log_path: Path | None = None

    def __enter__(self) -> "Server":
        self.start()
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self.stop(keep_log=error is not None)

    def start(self) -> None:
        self.port = free_port()
        handle, log_path = tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")
        self.log_path = Path(log_path)
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": self.settings,
            "DEBUG": "false",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "engagement.wsgi:application",
            f"--bind={HOST}:{self.port}",
            f"--workers={self.workers}",
            "--worker-class=sync",
            f"--timeout={WORKER_TIMEOUT}",
            "--graceful-timeout=10",
            f"--chdir={ROOT}",
        ]
        with os.fdopen(handle, "w") as log:
            self.process = subprocess.Popen(
                command, env=environment, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
            )
        try:
            self.wait_until_answering()
        except BaseException:
            self.stop(keep_log=True)
            raise

    def wait_until_answering(self) -> None:
        """Ask for the bare view until it answers 200: refused while gunicorn starts;
        once it listens, the request waits for a worker. Fails if gunicorn exits."""
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                reply = Connection(self.port).get(BARE)
            except ConnectionRefusedError:
                if time.monotonic() > deadline:
                    raise BenchError(f"gunicorn did not answer in {START_TIMEOUT} s") from None
                try:
                    # Wait a moment for the next try, or for gunicorn to exit.
                    self.process.wait(timeout=0.1)
                except subprocess.TimeoutExpired:
                    continue
                raise BenchError(
                    f"gunicorn exited with status {self.process.returncode}:\n{self.log_tail()}"
                ) from None
            if reply.status != 200:
                raise BenchError(f"the bare view answered {reply.status}:\n{self.log_tail()}")
            return

    def stop(self, keep_log: bool = False) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.log_path is not None:
            if keep_log:
                print(f"gunicorn's log: {self.log_path}", file=sys.stderr)
            else:
                self.log_path.unlink(missing_ok=True)
                self.log_path = None

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def check(self, url: str, reply: Reply) -> Reply:
        """The reply, if it is a 200; otherwise stop with the status and gunicorn's log."""
        if reply.status != 200:
            raise BenchError(f"{url} answered {reply.status}:\n{self.log_tail()}")
        return reply
