import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.urls import NoReverseMatch, reverse

from engagement.accounts.models import User
from engagement.audit.models import APPEND_ONLY_ERROR, AuditEvent, ExportedMeeting


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


def test_an_exported_meeting_cannot_be_changed_or_deleted(meeting, other_meeting, admin_user):
    event = AuditEvent.objects.create(actor=admin_user, action=AuditEvent.Action.EXPORT)
    held = ExportedMeeting.objects.create(event=event, meeting=meeting)
    held.meeting = other_meeting
    with pytest.raises(PermissionError, match=APPEND_ONLY_ERROR):
        held.save()
    with pytest.raises(PermissionError, match=APPEND_ONLY_ERROR):
        held.delete()
    with pytest.raises(PermissionError, match=APPEND_ONLY_ERROR):
        ExportedMeeting.objects.filter(pk=held.pk).delete()
    with pytest.raises(PermissionError, match=APPEND_ONLY_ERROR):
        ExportedMeeting.objects.update(meeting=other_meeting)
    assert ExportedMeeting.objects.get().meeting == meeting


def test_saving_an_event_again_is_refused_even_unchanged(meeting, officer):
    event = AuditEvent.objects.create(actor=officer, action=AuditEvent.Action.VIEW, meeting=meeting)
    with pytest.raises(PermissionError, match=APPEND_ONLY_ERROR):
        AuditEvent.objects.get(pk=event.pk).save(update_fields=["reason"])
    with pytest.raises(PermissionError, match=APPEND_ONLY_ERROR):
        AuditEvent.objects.filter(meeting=meeting).update(reason="tampered")


@pytest.mark.parametrize("model", [AuditEvent, ExportedMeeting])
def test_the_django_admin_cannot_add_change_or_delete_the_log(rf, admin_user, model):
    """Left out of the Django admin (reference data only); if it is ever registered, it
    must be read-only there."""
    if not admin.site.is_registered(model):
        return
    model_admin = admin.site.get_model_admin(model)
    request = rf.get("/admin/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_django_admin_offers_no_page_of_the_log(client, db):
    superuser = User.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(superuser)
    for model in (AuditEvent, ExportedMeeting):
        name = f"{model._meta.app_label}_{model._meta.model_name}"
        for page in ("add", "changelist"):
            try:
                url = reverse(f"admin:{name}_{page}")
            except NoReverseMatch:
                continue  # not in the admin at all
            if page == "add":
                assert client.get(url).status_code == 403
            else:
                assert client.get(url).status_code == 200


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the trigger is PostgreSQL's; SQLite relies on the models' refusal",
)


@postgresql_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'tampered'",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_exportedmeeting SET meeting_id = meeting_id",
        "DELETE FROM audit_exportedmeeting",
    ],
)
def test_the_database_refuses_raw_updates_and_deletes(sql, meeting, admin_user):
    event = AuditEvent.objects.create(
        actor=admin_user, action=AuditEvent.Action.EXPORT, reason="kept"
    )
    ExportedMeeting.objects.create(event=event, meeting=meeting)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.get().reason == "kept"
    assert ExportedMeeting.objects.get().meeting_id == meeting.pk


@postgresql_only
def test_the_trigger_guards_both_tables(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table, event_manipulation FROM information_schema.triggers "
            "WHERE action_statement LIKE '%%audit_refuse_change%%'"
        )
        guarded = set(cursor.fetchall())
    assert guarded == {
        (table, manipulation)
        for table in ("audit_auditevent", "audit_exportedmeeting")
        for manipulation in ("UPDATE", "DELETE")
    }
