"""The fuzz suite's shared hypothesis profile, its fixture and the examples count.

The profile is derandomised (the same examples on every run, so a CI failure reproduces
on any machine) and bounded so the whole suite runs in about a minute on SQLite:
FUZZ_EXAMPLES raises the bound for a longer hunt (`FUZZ_EXAMPLES=500 pytest tests/fuzz`).
Examples share the test's fixtures: each runs in a savepoint rolled back after it
(tests.fuzz.checks.Fuzzer.example), so no example sees what another saved.
"""

import logging
import os

import pytest
from hypothesis import HealthCheck, settings

from tests.fuzz.checks import EXAMPLES_RUN, Fuzzer

settings.register_profile(
    "fuzz",
    deadline=None,
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "10")),
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[
        # The fixtures are set up once per test on purpose; each example rolls back.
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


@pytest.fixture
def fuzz(request, db):
    return Fuzzer(name=request.node.nodeid)


def pytest_terminal_summary(terminalreporter):
    if not EXAMPLES_RUN:
        return
    terminalreporter.section("fuzz examples")
    for name, count in sorted(EXAMPLES_RUN.items()):
        terminalreporter.write_line(f"{count:6,}  {name}")
    total = sum(EXAMPLES_RUN.values())
    terminalreporter.write_line(f"{total:6,}  examples run in {len(EXAMPLES_RUN)} fuzz tests")


# django-axes logs every sign-in at INFO: thousands of lines over a fuzz run.
logging.getLogger("axes").setLevel(logging.WARNING)
