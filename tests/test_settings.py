"""Settings come from the environment, and a production start without a secret fails."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    environment |= env
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_refuses_to_start():
    result = run_check(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_bad_boolean_is_a_clear_error():
    result = run_check(DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_a_non_postgres_database_url_is_a_clear_error():
    result = run_check(DEBUG="true", DATABASE_URL="mysql://somewhere/db")
    assert result.returncode != 0
    assert "DATABASE_URL must be a postgres:// URL" in result.stderr


def test_development_mode_starts_with_defaults():
    result = run_check(DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_postgres_sessions_take_jit_work_mem_and_timeout_from_the_environment(monkeypatch):
    from engagement.settings import postgres_session_options

    for name in ("POSTGRES_JIT", "POSTGRES_WORK_MEM", "POSTGRES_STATEMENT_TIMEOUT_MS"):
        monkeypatch.delenv(name, raising=False)
    assert postgres_session_options() == "-c jit=off -c work_mem=16MB -c statement_timeout=0"
    monkeypatch.setenv("POSTGRES_WORK_MEM", "64MB")
    monkeypatch.setenv("POSTGRES_STATEMENT_TIMEOUT_MS", "30000")
    assert postgres_session_options() == "-c jit=off -c work_mem=64MB -c statement_timeout=30000"


def test_a_work_mem_with_a_space_is_a_clear_error():
    result = run_check(
        DEBUG="true", DATABASE_URL="postgres://x@localhost/db", POSTGRES_WORK_MEM="64MB -c x=1"
    )
    assert result.returncode != 0
    assert "work_mem for PostgreSQL must be one word" in result.stderr


def test_the_apps_postgres_connections_run_without_jit(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no JIT; CI's PostgreSQL phase runs this")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone() == ("16MB",)
