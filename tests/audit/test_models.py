import pytest

from engagement.audit.models import APPEND_ONLY_ERROR, AuditEvent


def test_audit_events_cannot_be_changed_or_deleted(meeting, officer):
    event = AuditEvent.objects.create(actor=officer, action=AuditEvent.Action.VIEW, meeting=meeting)
    event.reason = "tampered"
    with pytest.raises(PermissionError, match=APPEND_ONLY_ERROR):
        event.save()
    with pytest.raises(PermissionError, match=APPEND_ONLY_ERROR):
        event.delete()
    with pytest.raises(PermissionError, match=APPEND_ONLY_ERROR):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError, match=APPEND_ONLY_ERROR):
        AuditEvent.objects.update(reason="tampered")
    assert AuditEvent.objects.get().reason == ""
