"""`/healthz` says whether the instance can reach its databases: 200 or 503, nothing
sensitive, open to a load balancer, never cached, never in the audit log."""

import pytest
from django.conf import settings
from django.db.utils import ConnectionHandler

from engagement import health
from engagement.audit.models import AuditEvent

URL = "/healthz"
# It asks every database, the replica's too when there is one.
pytestmark = pytest.mark.django_db(databases="__all__")


def test_it_answers_ok_when_every_database_answers(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    every_database = dict.fromkeys(settings.DATABASES, "ok")
    assert response.json() == {"status": "ok", "databases": every_database}
    assert "no-cache" in response["Cache-Control"]


def test_a_database_that_does_not_answer_is_a_503_saying_only_which(
    client, db, tmp_path, monkeypatch
):
    unreachable = str(tmp_path / "no-such-folder" / "db.sqlite3")
    handler = ConnectionHandler(
        {
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
            "replica": {"ENGINE": "django.db.backends.sqlite3", "NAME": unreachable},
        }
    )
    monkeypatch.setattr(health, "connections", handler)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "databases": {"default": "ok", "replica": "unavailable"},
    }
    assert "sqlite" not in response.content.decode().lower()
    handler.close_all()


@pytest.mark.parametrize("signed_in", [False, True])
def test_it_is_open_and_not_a_read_of_anyones_records(client, officer, signed_in):
    if signed_in:
        client.force_login(officer)
    assert client.get(URL).status_code == 200
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


def test_it_only_answers_get_and_head(client, db):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405
