"""The officer's meeting list under 10 concurrent clients, beside a bare Django view.

A benchmark, not a test: it prints figures and never fails on them. It empties the
database (a temporary SQLite file, or the one in DATABASE_URL), loads
`generate_volume --meetings N` (100,000 unless told), and serves the app with gunicorn:
sync workers, twice the cores plus one, DEBUG off (bench/settings.py). Then 10 clients
(threads, each with its own connection and its own session of the officer who sees the
most meetings) ask for /meetings/ as fast as they are answered for a fixed time, and
then 10 anonymous clients do the same with the bare view. Only requests completed within
the time count. After a short warm-up of each, it measures in rounds (list, then bare,
twice by default) so a change in the machine's load touches both, and prints the
requests per second of each, the median server time and round trip under load, and
list ÷ bare (target 0.5 or more).

    scripts/with-postgres .venv/bin/python bench/throughput.py                # 100,000
    scripts/with-postgres .venv/bin/python bench/throughput.py 10000 --seconds 10
"""

import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import server
from bench.server import BARE, BenchError, Connection, Reply, Server

server.setup()

from engagement.accounts.models import Role  # noqa: E402

LIST = "/meetings/"
CLIENTS = 10
SECONDS = 15
ROUNDS = 2
WARM_SECONDS = 3


@dataclass(frozen=True)
class Load:
    replies: list[Reply]
    seconds: float

    @property
    def rate(self) -> float:
        return len(self.replies) / self.seconds

    def summary(self) -> str:
        server_ms = statistics.median(reply.server_ms for reply in self.replies)
        round_trip = statistics.median(reply.round_trip_ms for reply in self.replies)
        return (
            f"{self.rate:8.1f} requests/s ({len(self.replies):,} in {self.seconds:.0f} s);"
            f" median server {server_ms:.1f} ms, round trip {round_trip:.1f} ms"
        )


def load(app: Server, url: str, cookies: list[str | None], seconds: float) -> Load:
    """Each cookie's client asks for the URL again as soon as it is answered until the
    time is up; the replies that came back within it."""
    deadline = 0.0

    def start() -> None:  # run once, when every client is ready
        nonlocal deadline
        deadline = time.perf_counter() + seconds

    ready = threading.Barrier(len(cookies) + 1, action=start, timeout=60)
    replies: list[list[Reply]] = [[] for _ in cookies]
    errors: list[str] = []

    def client(index: int, cookie: str | None) -> None:
        connection = Connection(app.port, cookie)
        try:
            ready.wait()
            while True:
                reply = connection.get(url)
                if time.perf_counter() > deadline:
                    return
                if reply.status != 200:
                    errors.append(f"{url} answered {reply.status}")
                    return
                replies[index].append(reply)
        except Exception as error:  # reported by the main thread
            errors.append(f"{url}: {error!r}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=client, args=(index, cookie), daemon=True)
        for index, cookie in enumerate(cookies)
    ]
    for thread in threads:
        thread.start()
    ready.wait()
    for thread in threads:
        thread.join()
    if errors:
        raise BenchError(f"{errors[0]} ({len(errors)} clients failed):\n{app.log_tail()}")
    return Load([reply for client_replies in replies for reply in client_replies], seconds)


def main(meetings: int, clients: int, seconds: float, rounds: int) -> None:
    workers = 2 * (os.cpu_count() or 1) + 1
    print(
        f"database: {server.database()}; gunicorn, {workers} sync workers (2 × {os.cpu_count()}"
        f" cores + 1), DEBUG off; {clients} concurrent clients, {seconds:g} s a run,"
        f" {rounds} round(s) of the list then the bare view"
    )
    print(f"machine: {server.machine()}")
    print(f"\n{meetings:,} meetings")
    server.build(meetings)
    officer = server.person(Role.OFFICER)
    print(f"  officer: {officer.username}, sees {server.visible_meetings(officer):,} meetings")
    signed_in: list[str | None] = [server.sign_in(officer) for _ in range(clients)]
    anonymous: list[str | None] = [None] * clients
    lists, bares = [], []
    with Server(workers=workers) as app:
        load(app, LIST, signed_in, WARM_SECONDS)
        load(app, BARE, anonymous, WARM_SECONDS)
        for number in range(1, rounds + 1):
            lists.append(load(app, LIST, signed_in, seconds))
            print(f"  round {number}: list {lists[-1].summary()}")
            bares.append(load(app, BARE, anonymous, seconds))
            print(f"  round {number}: bare {bares[-1].summary()}")
    print(f"  machine after the rounds: {server.machine()}")
    list_load = Load([reply for run in lists for reply in run.replies], seconds * rounds)
    bare_load = Load([reply for run in bares for reply in run.replies], seconds * rounds)
    print(f"\nthe officer's list {list_load.summary()}")
    print(f"the bare view      {bare_load.summary()}")
    print(f"\nlist ÷ bare = {list_load.rate / bare_load.rate:.2f} (target ≥ 0.5)")


if __name__ == "__main__":
    parser = server.one_size_parser(__doc__, default=100_000)
    parser.add_argument("--clients", type=server.count, default=CLIENTS, help="default %(default)s")
    parser.add_argument(
        "--seconds", type=server.count, default=SECONDS, help="of each run (default %(default)s)"
    )
    parser.add_argument("--rounds", type=server.count, default=ROUNDS, help="default %(default)s")
    arguments = parser.parse_args()
    try:
        main(arguments.meetings, arguments.clients, arguments.seconds, arguments.rounds)
    except BenchError as error:
        sys.exit(f"bench/throughput.py: {error}")
