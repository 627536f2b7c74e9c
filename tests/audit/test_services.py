import datetime

from engagement.audit.models import AuditEvent
from engagement.audit.services import diff, display_value, record_event, snapshot


def test_values_read_as_a_person_reads_them(group, second_group):
    assert display_value(True) == "Yes"
    assert display_value(None) == ""
    assert display_value(datetime.date(2026, 3, 4)) == "2026-03-04"
    assert display_value([second_group, group]) == f"{group.name}, {second_group.name}"


def test_snapshot_shows_choice_labels_and_diff_keeps_only_changes(meeting):
    before = snapshot(meeting, ["venue_kind", "purpose"])
    assert before["venue_kind"] == "Community venue"
    meeting.purpose = "A new purpose"
    after = snapshot(meeting, ["venue_kind", "purpose"])
    assert diff(before, after) == {"purpose": [before["purpose"], "A new purpose"]}


def test_record_event_names_the_record_by_its_public_id(officer, meeting):
    event = record_event(actor=officer, action=AuditEvent.Action.VIEW, record=meeting)
    assert (event.record_kind, event.record_id) == ("meeting", str(meeting.uuid))
    assert event.actor == officer


def test_a_nul_in_what_is_recorded_is_kept_as_a_replacement_character(officer):
    # PostgreSQL refuses NUL in text and jsonb: a read of "?q=%00" answered 500 (fuzzing).
    event = record_event(
        actor=officer,
        action=AuditEvent.Action.VIEW,
        reason="a\x00b",
        changes={"purpose": ["x\x00", "y"]},
        detail={"query": {"q\x00": ["\x00", "ok"]}, "rows": 3},
    )
    event.refresh_from_db()
    assert event.reason == "a\ufffdb"
    assert event.changes == {"purpose": ["x\ufffd", "y"]}
    assert event.detail == {"query": {"q\ufffd": ["\ufffd", "ok"]}, "rows": 3}


def test_a_page_asked_for_with_a_nul_is_answered_and_its_read_logged(client, officer):
    client.force_login(officer)
    response = client.get("/meetings/?q=%00&x%00=1")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, actor=officer)
    assert event.detail["query"]["q"] == ["\ufffd"]
