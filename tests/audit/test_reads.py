"""Every read is logged, once per request, and cannot be switched off."""

import pytest
from django.contrib import admin
from django.core import checks
from django.test import override_settings
from django.urls import reverse

from engagement.admin_lists import CheckedListAdmin
from engagement.audit import reads
from engagement.audit.models import AuditEvent
from engagement.community.models import Area
from tests.factories import FollowUpFactory

VIEW = AuditEvent.Action.VIEW


def reads_by(user):
    return list(AuditEvent.objects.filter(actor=user, action=VIEW).order_by("pk"))


def test_a_list_read_is_logged_with_its_filters(client, officer, group):
    client.force_login(officer)
    url = reverse("meetings:meeting-list")
    assert client.get(url, {"q": "youth club", "group": str(group.pk)}).status_code == 200
    [event] = reads_by(officer)
    assert (event.record_kind, event.meeting) == ("page", None)
    assert event.detail == {
        "page": "meetings:meeting-list",
        "path": url,
        "query": {"q": ["youth club"], "group": [str(group.pk)]},
    }


def test_a_meetings_page_is_one_read_of_that_meeting(client, officer, meeting):
    client.force_login(officer)
    assert client.get(meeting.get_absolute_url()).status_code == 200
    [event] = reads_by(officer)
    assert (event.record_kind, event.record_id, event.meeting) == (
        "meeting",
        str(meeting.uuid),
        meeting,
    )
    assert event.detail["page"] == "meetings:meeting-detail"


def test_the_reader_is_kept_as_their_role_and_unit_then(client, officer, unit, liaison, meeting):
    client.force_login(officer)
    client.get(meeting.get_absolute_url())
    [event] = reads_by(officer)
    assert (event.actor_role, event.actor_unit) == ("Officer", unit)
    client.force_login(liaison)
    client.get(reverse("home"))
    [event] = reads_by(liaison)
    assert (event.actor_role, event.actor_unit) == ("Liaison", None)


def test_a_follow_up_read_points_at_its_meeting(client, officer, meeting):
    action = FollowUpFactory(meeting=meeting, owner=officer)
    client.force_login(officer)
    assert client.get(reverse("meetings:follow-up-detail", args=[action.uuid])).status_code == 200
    [event] = reads_by(officer)
    assert (event.record_kind, event.record_id, event.meeting) == (
        "followupaction",
        str(action.uuid),
        meeting,
    )


def test_json_answers_are_reads(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("dashboards:dashboard"), {"format": "json"})
    assert response["Content-Type"].startswith("application/json")
    [event] = reads_by(admin_user)
    assert event.detail["query"] == {"format": ["json"]}


def test_the_django_admin_is_read_and_changed_on_the_record(client, admin_user, area):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    change_url = reverse("admin:community_area_change", args=[area.pk])
    assert client.get(change_url).status_code == 200
    [read] = reads_by(admin_user)
    assert read.detail["page"] == "admin:community_area_change"
    fields = {"code": area.code, "risk_level": area.risk_level}
    response = client.post(change_url, {"name": "Renamed area", **fields})
    assert response.status_code == 302
    change = AuditEvent.objects.get(action=AuditEvent.Action.ADMIN_CHANGE)
    assert (change.actor, change.record_kind, change.record_id) == (
        admin_user,
        "area",
        str(area.pk),
    )
    assert change.detail["object"] == "Renamed area"
    assert change.detail["message"] == [{"changed": {"fields": ["Name"]}}]
    added = client.post(
        reverse("admin:community_area_add"),
        {"name": "New area", "code": "NEW", "risk_level": "standard"},
    )
    assert added.status_code == 302
    new = Area.objects.get(name="New area")
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ADMIN_ADD, record_id=str(new.pk)
    ).exists()


def test_every_admin_of_the_site_audits_its_changes():
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, CheckedListAdmin)
    ]
    assert unaudited == []


@pytest.mark.parametrize(
    "how",
    ["signed_out", "not_found", "redirected_after_a_change"],
)
def test_nothing_is_logged_that_was_not_read(client, officer, other_meeting, how):
    if how == "signed_out":
        response = client.get(reverse("meetings:meeting-list"))
        assert response.status_code == 302
    else:
        client.force_login(officer)
    if how == "not_found":
        assert client.get(other_meeting.get_absolute_url()).status_code == 404
    if how == "redirected_after_a_change":
        assert client.post(reverse("accounts:sign-out")).status_code == 302
    assert not AuditEvent.objects.filter(action=VIEW).exists()


def test_a_long_query_is_kept_within_bounds(client, officer):
    client.force_login(officer)
    query = {f"p{n}": ["x" * 1000] * 20 for n in range(50)}
    assert client.get(reverse("meetings:meeting-list"), query).status_code == 200
    [event] = reads_by(officer)
    kept = event.detail["query"]
    assert len(kept) == reads.MAX_PARAMETERS
    assert all(len(values) == reads.MAX_VALUES for values in kept.values())
    assert all(len(value) == reads.MAX_VALUE_CHARS for values in kept.values() for value in values)


def test_the_project_will_not_run_without_the_read_log(settings):
    assert reads.reads_are_logged(None) == []
    without = [name for name in settings.MIDDLEWARE if name != reads.MIDDLEWARE]
    with override_settings(MIDDLEWARE=without):
        errors = checks.run_checks(tags=[checks.Tags.security])
    assert "audit.E001" in [error.id for error in errors]
    # Before sign-in is known, it would log no one.
    first = [reads.MIDDLEWARE, *without]
    with override_settings(MIDDLEWARE=first):
        assert [error.id for error in reads.reads_are_logged(None)] == ["audit.E001"]
