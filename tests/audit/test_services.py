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
