import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from engagement.audit.models import AuditEvent
from engagement.meetings.models import Disclosure, Meeting
from engagement.meetings.services import StaleEdit
from engagement.meetings.services import meeting as services
from engagement.meetings.services.meeting import MeetingParts
from tests.factories import ConfirmationFactory, ReviewFactory


def parts_for(area, groups, disclosures, follow_ups=(), **fields) -> MeetingParts:
    values = {
        "date": timezone.localdate() - datetime.timedelta(days=2),
        "start_time": datetime.time(18, 0),
        "duration_minutes": 60,
        "venue_kind": Meeting.VenueKind.PLACE_OF_WORSHIP,
        "area": area,
        "initiated_by": Meeting.InitiatedBy.POLICE,
        "focus": Meeting.Focus.COMMUNITY_FOCUSED,
        "purpose": "Listening session",
        "attendee_count": 10,
        "under_25_count": 2,
        "under_18_count": 0,
        "information_shared": "Who we are",
        "summary": "Summary for liaisons",
        "passed_on": False,
        **fields,
    }
    return MeetingParts(
        fields=values,
        groups=list(groups),
        disclosures=list(disclosures),
        follow_ups=list(follow_ups),
    )


def full(officer):
    return {
        "officer": officer,
        "level": "full",
        "method": "verbal",
        "timing": "start",
        "reason": "",
    }


def test_create_records_who_and_every_field(officer, area, group):
    meeting = services.meeting_create(
        by=officer, parts=parts_for(area, [group], [full(officer)]), submit=False
    )
    event = AuditEvent.objects.get(meeting=meeting)
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == officer
    assert event.record_id == str(meeting.uuid)
    assert event.changes["purpose"] == ["", "Listening session"]
    assert event.changes["groups"] == ["", group.name]
    assert event.changes[f"disclosure: {officer}"][1].startswith("Full")
    assert meeting.status == Meeting.Status.DRAFT


def test_update_records_old_and_new_values(officer, area, group):
    meeting = services.meeting_create(
        by=officer, parts=parts_for(area, [group], [full(officer)]), submit=False
    )
    updated = services.meeting_update(
        meeting=meeting,
        by=officer,
        parts=parts_for(area, [group], [full(officer)], purpose="Reassurance meeting"),
        expected_version=meeting.version,
    )
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).get()
    assert event.changes == {"purpose": ["Listening session", "Reassurance meeting"]}
    assert updated.version == meeting.version + 1


def test_saving_without_changes_records_nothing(officer, area, group):
    meeting = services.meeting_create(
        by=officer, parts=parts_for(area, [group], [full(officer)]), submit=False
    )
    services.meeting_update(
        meeting=meeting,
        by=officer,
        parts=parts_for(area, [group], [full(officer)]),
        expected_version=meeting.version,
    )
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_submit_sets_first_submission_once(officer, area, group):
    parts = parts_for(area, [group], [full(officer)])
    meeting = services.meeting_create(by=officer, parts=parts, submit=False)
    submitted = services.meeting_update(
        meeting=meeting, by=officer, parts=parts, expected_version=meeting.version, submit=True
    )
    assert submitted.status == Meeting.Status.SUBMITTED
    first = submitted.first_submitted_at
    assert first is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.SUBMIT)
    assert event.changes == {"status": ["Draft", "Submitted"]}
    again = services.meeting_update(
        meeting=submitted,
        by=officer,
        parts=parts_for(area, [group], [full(officer)], purpose="Changed after submitting"),
        expected_version=submitted.version,
        submit=True,
    )
    assert again.first_submitted_at == first
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SUBMIT).count() == 1


def test_correcting_a_disputed_meeting_needs_a_note_and_sends_it_back_for_review(
    officer, meeting, area, group
):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.DISPUTED)
    meeting.refresh_from_db()
    first = meeting.first_submitted_at
    parts = parts_for(area, [group], [full(officer)], purpose="Corrected purpose")
    with pytest.raises(ValidationError, match="Say what you corrected"):
        services.meeting_update(
            meeting=meeting, by=officer, parts=parts, expected_version=meeting.version, submit=True
        )
    corrected = services.meeting_update(
        meeting=meeting,
        by=officer,
        parts=parts,
        expected_version=meeting.version,
        submit=True,
        note="The purpose now says what the meeting was for.",
    )
    assert corrected.status == Meeting.Status.SUBMITTED
    assert corrected.first_submitted_at == first
    event = AuditEvent.objects.get(action=AuditEvent.Action.CORRECT)
    assert event.changes == {"status": ["Disputed", "Submitted"]}
    assert event.reason == "The purpose now says what the meeting was for."


def test_a_stale_edit_is_refused_and_changes_nothing(officer, colleague, area, group):
    meeting = services.meeting_create(
        by=officer, parts=parts_for(area, [group], [full(officer)]), submit=False
    )
    loaded_version = meeting.version
    services.meeting_update(
        meeting=meeting,
        by=colleague,
        parts=parts_for(area, [group], [full(officer)], purpose="Colleague's edit"),
        expected_version=loaded_version,
    )
    with pytest.raises(StaleEdit, match="Someone else saved this meeting") as caught:
        services.meeting_update(
            meeting=meeting,
            by=officer,
            parts=parts_for(area, [group], [full(officer)], purpose="My late edit"),
            expected_version=loaded_version,
        )
    meeting.refresh_from_db()
    assert meeting.purpose == "Colleague's edit"
    assert caught.value.current.purpose == "Colleague's edit"


def test_reviewed_meeting_cannot_be_updated(officer, meeting, area, group):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.REVIEWED)
    with pytest.raises(ValidationError, match=services.NOT_EDITABLE_ERROR):
        services.meeting_update(
            meeting=meeting,
            by=officer,
            parts=parts_for(area, [group], [full(officer)]),
            expected_version=meeting.version,
        )


def test_removing_an_officer_is_audited(officer, colleague, area, group):
    meeting = services.meeting_create(
        by=officer, parts=parts_for(area, [group], [full(officer), full(colleague)]), submit=False
    )
    services.meeting_update(
        meeting=meeting,
        by=officer,
        parts=parts_for(area, [group], [full(officer)]),
        expected_version=meeting.version,
    )
    assert list(meeting.disclosures.values_list("officer", flat=True)) == [officer.pk]
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.changes[f"disclosure: {colleague}"][1] == ""


def test_a_confirmed_disclosure_cannot_be_removed(officer, colleague, meeting, area, group):
    disclosure = Disclosure.objects.create(
        meeting=meeting, officer=colleague, level="full", method="verbal", timing="start"
    )
    ConfirmationFactory(review=ReviewFactory(meeting=meeting), disclosure=disclosure)
    with pytest.raises(ValidationError, match=services.CONFIRMED_DISCLOSURE_ERROR):
        services.meeting_update(
            meeting=meeting,
            by=officer,
            parts=parts_for(area, [group], [full(officer)]),
            expected_version=meeting.version,
        )
    assert meeting.disclosures.count() == 2


def test_withdraw_needs_a_reason_and_keeps_the_record(officer, meeting):
    with pytest.raises(ValidationError, match=services.WITHDRAW_REASON_ERROR):
        services.meeting_withdraw(meeting=meeting, by=officer, reason="  ")
    withdrawn = services.meeting_withdraw(meeting=meeting, by=officer, reason="Logged twice")
    assert withdrawn.status == Meeting.Status.WITHDRAWN
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.WITHDRAW)
    assert event.reason == "Logged twice"
    assert event.changes == {"status": ["Submitted", "Withdrawn"]}


def test_services_refuse_cross_record_mistakes(officer, area, group, second_group):
    with pytest.raises(ValidationError, match="at least one community group"):
        services.meeting_create(by=officer, parts=parts_for(area, [], [full(officer)]), submit=True)
    with pytest.raises(ValidationError, match="at least one attending officer"):
        services.meeting_create(by=officer, parts=parts_for(area, [group], []), submit=True)
    with pytest.raises(ValidationError, match="already listed"):
        services.meeting_create(
            by=officer, parts=parts_for(area, [group], [full(officer), full(officer)]), submit=True
        )
    assert not Meeting.objects.exists()
    assert not AuditEvent.objects.exists()


def test_only_officers_with_a_unit_can_log(liaison, area, group, officer):
    with pytest.raises(ValidationError, match=services.NOT_AN_OFFICER_ERROR):
        services.meeting_create(
            by=liaison, parts=parts_for(area, [group], [full(officer)]), submit=True
        )


def test_viewing_a_meeting_is_audited(client, liaison, meeting):
    client.force_login(liaison)
    client.get(meeting.get_absolute_url())
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.actor, event.meeting) == (liaison, meeting)
