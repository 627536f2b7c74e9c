from engagement.audit.models import AuditEvent
from engagement.audit.queries import meeting_history
from engagement.audit.services import record_event
from engagement.meetings.models import Meeting


def test_history_hides_police_only_changes_from_liaisons_and_leaves_out_reads(officer, meeting):
    record_event(
        actor=officer,
        action=AuditEvent.Action.UPDATE,
        record=meeting,
        meeting=meeting,
        changes={"internal_notes": ["old secret", "new secret"], "purpose": ["Old", "New"]},
    )
    record_event(actor=officer, action=AuditEvent.Action.VIEW, record=meeting, meeting=meeting)

    for_liaison = meeting_history(meeting=meeting, police_only_fields=Meeting.POLICE_ONLY_FIELDS)
    for_police = meeting_history(meeting=meeting, police_only_fields=None)

    assert [entry.event.action for entry in for_police] == [AuditEvent.Action.UPDATE]
    assert for_liaison[0].changes == [("Purpose", "Old", "New")]
    assert ("Internal notes", "old secret", "new secret") in for_police[0].changes
