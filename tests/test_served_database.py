"""A served app (engagement/wsgi.py) on PostgreSQL takes its connections from psycopg's
pool and cancels a query that runs past 30 s; commands and tests keep Django's own
connection and no timeout. Checked in a process of its own that loads the app as
gunicorn does, against the tests' database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.test_two_instances import databases_in_use

ROOT = Path(__file__).resolve().parent.parent
SERVED = """
import json
import engagement.wsgi
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SHOW statement_timeout")
    timeout = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM meetings_meeting")
pool = connection.pool
print(json.dumps({
    "pool": type(pool).__name__ if pool else None,
    "max_size": pool.max_size if pool else None,
    "timeout": timeout,
}))
"""

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the pool is psycopg's"),
    pytest.mark.django_db(transaction=True),
]


def served(**env) -> dict:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("POSTGRES_POOL", "POSTGRES_STATEMENT"))
    }
    result = subprocess.run(
        [sys.executable, "-c", SERVED],
        cwd=ROOT,
        env=environment | {"DEBUG": "true", **databases_in_use(), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_served_app_pools_its_connections_and_times_out_long_queries():
    assert served() == {"pool": "ConnectionPool", "max_size": 4, "timeout": "30s"}


def test_the_pool_and_the_timeout_are_set_in_the_environment():
    assert served(POSTGRES_POOL_SIZE="10", POSTGRES_STATEMENT_TIMEOUT_MS="5000") == {
        "pool": "ConnectionPool",
        "max_size": 10,
        "timeout": "5s",
    }
    assert served(POSTGRES_POOL_SIZE="0")["pool"] is None


def test_commands_and_tests_keep_djangos_own_connection():
    assert connection.settings_dict["OPTIONS"].get("pool") is None
    assert connection.settings_dict["CONN_MAX_AGE"] == 60
