"""The demo data holds meetings due for retention review, so the queue has something in it."""

from io import StringIO

from django.core.management import call_command

from engagement.retention.queries import due_count
from tests.retention.conftest import TODAY


def test_seed_demo_leaves_meetings_due_for_review(db):
    call_command("seed_demo", meetings=20, allow_production=True, stdout=StringIO())
    assert due_count(today=TODAY) == (2, False)
