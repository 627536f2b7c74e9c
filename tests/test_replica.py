"""Lists and dashboards read from a PostgreSQL streaming replica; a person's own write is
theirs to see at once. Run with a real primary and replica (`scripts/with-postgres
--replica`, as CI does); without a replica there is nothing to route and these are
skipped.

To tell which server answered, the replica is paused in replaying the primary's log
(`pg_wal_replay_pause`): a row committed on the primary meanwhile is on the primary only.
"""

import contextlib
import time

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagement.meetings.models import Meeting
from engagement.replica import (
    OWN_WRITE_POSITION,
    REPLICA,
    primary_position,
    reading_from_replica,
)
from tests.factories import MeetingFactory
from tests.meetings.form_data import meeting_data

pytestmark = [
    pytest.mark.skipif(
        REPLICA not in settings.DATABASES,
        reason="needs a streaming replica: scripts/with-postgres --replica",
    ),
    # What the replica shows is what the primary has committed.
    pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA]),
]
REPLAY_DEADLINE_SECONDS = 120


def replica_answers(sql: str, parameters=()):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(sql, parameters)
        return cursor.fetchone()[0]


def wait_for_replay() -> None:
    """Until the replica has replayed everything committed on the primary so far."""
    position = primary_position()
    deadline = time.monotonic() + REPLAY_DEADLINE_SECONDS
    while not replica_answers("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position]):
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


@contextlib.contextmanager
def replay_paused():
    wait_for_replay()
    replica_answers("SELECT pg_wal_replay_pause()::text")
    try:
        yield
    finally:
        replica_answers("SELECT pg_wal_replay_resume()::text")


def meetings_counted(client) -> int:
    answer = client.get(reverse("dashboards:dashboard"), {"format": "json"})
    assert answer.status_code == 200
    return answer.json()["measures"]["focus_community"]["denominator"]


def test_the_replica_is_a_standby_of_the_primary():
    assert replica_answers("SELECT pg_is_in_recovery()") is True
    assert (
        replica_answers("SELECT current_database()")
        == connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    )


def test_a_dashboard_is_read_from_the_replica(client, admin_user, unit, area, group):
    MeetingFactory(unit=unit, area=area, groups=[group])
    client.force_login(admin_user)

    with replay_paused():
        # Committed on the primary, not yet on the replica.
        MeetingFactory(unit=unit, area=area, groups=[group])
        with CaptureQueriesContext(connections[REPLICA]) as on_the_replica:
            assert meetings_counted(client) == 1
    assert any("meetings_meeting" in query["sql"] for query in on_the_replica.captured_queries)

    wait_for_replay()
    assert meetings_counted(client) == 2


def test_a_persons_own_write_is_theirs_to_see_at_once(client, officer, colleague, area, group):
    client.force_login(officer)
    purpose = "Logged while the replica is behind"

    with replay_paused():
        saved = client.post(
            reverse("meetings:meeting-create"),
            meeting_data(area=area, groups=[group], officers=[officer], purpose=purpose),
        )
        assert saved.status_code == 302
        assert Meeting.objects.filter(purpose=purpose).exists()

        # Its author's list comes from the primary ...
        assert purpose in client.get(reverse("meetings:meeting-list")).text
        # ... while a colleague's comes from the replica, which has not replayed it yet.
        client.force_login(colleague)
        assert purpose not in client.get(reverse("meetings:meeting-list")).text

    wait_for_replay()
    assert purpose in client.get(reverse("meetings:meeting-list")).text


def test_once_the_replica_has_the_write_the_author_reads_from_it_again(
    client, officer, area, group
):
    client.force_login(officer)
    client.post(
        reverse("meetings:meeting-create"),
        meeting_data(area=area, groups=[group], officers=[officer]),
    )
    assert OWN_WRITE_POSITION in client.session

    wait_for_replay()
    with CaptureQueriesContext(connections[REPLICA]) as on_the_replica:
        assert client.get(reverse("meetings:meeting-list")).status_code == 200

    assert OWN_WRITE_POSITION not in client.session
    assert any("meetings_meeting" in query["sql"] for query in on_the_replica.captured_queries)


def test_a_read_inside_a_transaction_on_the_primary_stays_there(officer, unit, area, group):
    with transaction.atomic():
        meeting = MeetingFactory(unit=unit, area=area, groups=[group])
        token = reading_from_replica.set(True)
        try:
            assert Meeting.objects.filter(pk=meeting.pk).exists()
        finally:
            reading_from_replica.reset(token)
