"""`make run` serves as production would (scripts/serve): gunicorn with a worker per the
CPU count, DEBUG off, hashed and compressed static files from WhiteNoise, a secret made
once into a file only its owner reads, SQLite in write-ahead-log mode. Real processes,
real HTTP, on a SQLite file of its own."""

import contextlib
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_gunicorn import HOST, START_TIMEOUT, free_port, request, wait_until_answering

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    environment = {
        **{
            name: value for name, value in os.environ.items() if name not in {"SECRET_KEY", "DEBUG"}
        },
        "DATABASE_URL": "",
        "DATABASE_REPLICA_URL": "",
        "SQLITE_PATH": str(folder / "db.sqlite3"),
        "STATIC_ROOT": str(folder / "static"),
        "SECRET_KEY_FILE": str(folder / "local" / "secret_key"),
        "PYTHON_BIN": sys.executable,
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity=0"],
        cwd=ROOT,
        env={**environment, "DEBUG": "true", "SECRET_KEY_FILE": ""},
        check=True,
    )
    port = free_port()
    log_path = folder / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            ["scripts/serve", f"{HOST}:{port}"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_answering(process, port, log_path)
        yield port, folder, log_path
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_it_is_gunicorn_with_a_worker_per_core_and_a_spare(served):
    _port, _folder, log_path = served
    expected = 2 * (os.cpu_count() or 1) + 1
    deadline = time.monotonic() + START_TIMEOUT
    while len(re.findall(r"Booting worker", log_path.read_text())) < expected:
        assert time.monotonic() < deadline, log_path.read_text()[-3000:]
        time.sleep(0.2)
    assert len(re.findall(r"Booting worker", log_path.read_text())) == expected


def test_debug_is_off_so_an_unknown_address_is_the_apps_own_404(served):
    port, _folder, _log = served

    response, body = request(port, "GET", "/no-such-page/")

    assert response.status == 404
    assert b"Page not found" in body
    assert b"URLconf" not in body  # Django's DEBUG page lists the URL patterns


def test_static_files_have_hashed_names_and_are_cached_for_ever(served):
    port, _folder, _log = served
    _response, page = request(port, "GET", "/accounts/sign-in/")
    stylesheet = re.search(rb'href="(/static/vendor/application\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, page[:2000]

    response, body = request(
        port, "GET", stylesheet.group(1).decode(), headers={"Accept-Encoding": "gzip"}
    )

    assert response.status == 200
    assert "immutable" in response.getheader("Cache-Control")
    assert response.getheader("Content-Encoding") == "gzip"
    assert body


def test_the_secret_is_made_once_into_a_file_only_its_owner_reads(served):
    _port, folder, _log = served
    secret = folder / "local" / "secret_key"

    assert len(secret.read_text().strip()) >= 50
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_sqlite_is_in_write_ahead_log_mode(served):
    port, folder, _log = served
    response, _body = request(port, "GET", "/healthz")
    assert response.status == 200

    with contextlib.closing(sqlite3.connect(folder / "db.sqlite3")) as database:
        assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)
