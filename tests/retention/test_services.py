"""Keep and dispose: each one transaction, audited, checked against what the admin saw;
a disposal leaves a tombstone that no one can change again."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from engagement.audit.models import AuditEvent
from engagement.meetings import search
from engagement.meetings.models import (
    Disclosure,
    Dispute,
    FollowUpAction,
    Meeting,
    ReportBackConfirmation,
    Review,
)
from engagement.meetings.queries.home import awaiting_review_by
from engagement.meetings.services import StaleEdit
from engagement.meetings.services.follow_up import follow_up_complete, may_confirm_report_back
from engagement.meetings.services.meeting import NOT_EDITABLE_ERROR, meeting_update
from engagement.meetings.services.review import dispute_escalate, disputes_lapse, review_submit
from engagement.meetings.services.transitions import (
    DISPUTE_TRANSITIONS,
    FOLLOW_UP_TRANSITIONS,
    MEETING_TRANSITIONS,
    NOT_ALLOWED_ERROR,
    allowed_transitions,
)
from engagement.retention import services
from engagement.retention.models import NEXT_REVIEW_IN_FUTURE_ERROR, RetentionDecision
from engagement.retention.services import (
    ALREADY_DISPOSED_ERROR,
    NOT_AN_ADMIN_ERROR,
    REMOVED_FIELDS,
    REMOVED_TEXT,
    STALE_DECISION_ERROR,
)
from tests.factories import (
    ConfirmationFactory,
    DisclosureFactory,
    FollowUpFactory,
    MeetingFactory,
    ReportBackConfirmationFactory,
    ReviewFactory,
)
from tests.meetings.review_steps import answers, parts_of
from tests.retention.conftest import DUE_DATE, NOW, TODAY

NEXT_YEAR = datetime.date(2027, 6, 15)

# Text fields a disposal keeps, and why (the rest of the text is REMOVED_FIELDS; fields
# with choices are categories, not text). A new free-text field must be put in one.
KEPT_TEXT = {
    (Meeting, "purpose"),  # one line naming no one, what the record was; lists show it
}


def keep(meeting, by, **arguments) -> RetentionDecision:
    return services.retention_keep(
        **{
            "meeting": meeting,
            "by": by,
            "rationale": "Still relevant to an open review of engagement in the area.",
            "next_review_on": NEXT_YEAR,
            "expected_version": meeting.version,
            "expected_decision": None,
        }
        | arguments
    )


def dispose(meeting, by, **arguments) -> RetentionDecision:
    return services.retention_dispose(
        **{
            "meeting": meeting,
            "by": by,
            "rationale": "No longer needed for a policing purpose.",
            "expected_version": meeting.version,
            "expected_decision": None,
        }
        | arguments
    )


@pytest.fixture
def full_meeting(officer, colleague, liaison, unit, area, group):
    """A due meeting with text in every field a disposal removes."""
    meeting = MeetingFactory(
        date=DUE_DATE,
        author=officer,
        unit=unit,
        area=area,
        groups=[group],
        concerns_raised="Worried about cameras outside the centre.",
        concern_surveillance=True,
        passed_on=True,
        passed_on_kind=Meeting.PassedOnKind.SAFEGUARDING,
        passed_on_reason="A safeguarding concern about a young person.",
        community_told_passed_on=True,
        status=Meeting.Status.DISPUTED,
    )
    full = DisclosureFactory(meeting=meeting, officer=officer)
    partial = DisclosureFactory(
        meeting=meeting,
        officer=colleague,
        level=Disclosure.Level.PARTIAL,
        reason="Introduced late by the chair.",
    )
    review = ReviewFactory(
        meeting=meeting,
        liaison=liaison,
        accuracy=Review.Accuracy.INACCURATE,
        comments="The summary leaves out what the chair said.",
    )
    ConfirmationFactory(review=review, disclosure=full, answer="no")
    ConfirmationFactory(review=review, disclosure=partial, answer="partly")
    Dispute.objects.create(
        meeting=meeting,
        opened_by=review,
        status=Dispute.Status.ESCALATED,
        correction_note="Added the chair's point.",
        corrected_at=NOW,
        closed_at=NOW,
        escalation_reason="The community's account differs.",
    )
    FollowUpFactory(
        meeting=meeting,
        owner=officer,
        owed_to=group,
        due_date=DUE_DATE,
        status=FollowUpAction.Status.CANCELLED,
        cancellation_reason="The group asked us not to.",
    )
    FollowUpFactory(
        meeting=meeting,
        owner=officer,
        owed_to=group,
        due_date=DUE_DATE,
        status=FollowUpAction.Status.PARTLY_DONE,
        remaining="Two leaflets to deliver.",
    )
    done = FollowUpFactory(
        meeting=meeting,
        owner=officer,
        owed_to=group,
        due_date=DUE_DATE,
        status=FollowUpAction.Status.DONE,
        completed_on=DUE_DATE,
        outcome="Met the youth leader.",
        reported_back_on=DUE_DATE,
    )
    ReportBackConfirmationFactory(
        follow_up=done, liaison=liaison, reported_back_on=DUE_DATE, comment="It reached us."
    )
    return meeting


def _rows_of(meeting: Meeting) -> dict[type, models.QuerySet]:
    return {
        Meeting: Meeting.objects.filter(pk=meeting.pk),
        Disclosure: Disclosure.objects.filter(meeting=meeting),
        FollowUpAction: FollowUpAction.objects.filter(meeting=meeting),
        Review: Review.objects.filter(meeting=meeting),
        ReportBackConfirmation: ReportBackConfirmation.objects.filter(follow_up__meeting=meeting),
        Dispute: Dispute.objects.filter(meeting=meeting),
    }


def _kept_values(meeting: Meeting) -> dict:
    """Every value a disposal must not change, row by row."""
    skip = {"search", "disposed_at", "retention_kept_until"}
    values = {}
    for model, rows in _rows_of(meeting).items():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if f.name not in REMOVED_FIELDS[model] and f.name not in skip
        ]
        values[model] = list(rows.order_by("pk").values(*names))
    values["groups"] = list(meeting.groups.order_by("pk").values_list("pk", flat=True))
    return values


# --- dispose --------------------------------------------------------------------------------


def test_every_free_text_field_is_removed_or_kept_knowingly():
    for model in REMOVED_FIELDS:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                removed = field.name in REMOVED_FIELDS[model]
                assert removed or (model, field.name) in KEPT_TEXT, (model, field.name)


def test_dispose_replaces_every_free_text_and_keeps_everything_else(full_meeting, admin_user):
    before = _kept_values(full_meeting)
    dispose(full_meeting, admin_user)
    replaced = 0
    for model, rows in _rows_of(full_meeting).items():
        for row in rows.values(*REMOVED_FIELDS[model]):
            for name, value in row.items():
                assert value in ("", REMOVED_TEXT), (model, name, value)
                replaced += value == REMOVED_TEXT
    # The fixture's every text: 6 of the meeting; 1 disclosure's reason; 3 follow-ups'
    # descriptions and a reason, what remains and an outcome; 1 review's, 1 answer's and
    # the dispute's 2.
    assert replaced == 6 + 1 + 6 + 1 + 1 + 2
    assert _kept_values(full_meeting) == before
    full_meeting.refresh_from_db()
    assert full_meeting.disposed_at == NOW
    assert full_meeting.purpose  # kept, as the record's name


def test_dispose_records_the_decision_and_its_audit_event(full_meeting, admin_user):
    decision = dispose(full_meeting, admin_user, rationale="  Past its retention period.  ")
    assert decision.decision == RetentionDecision.Decision.DISPOSE
    assert decision.rationale == "Past its retention period."
    assert (decision.decided_by, decision.decided_at) == (admin_user, NOW)
    assert decision.next_review_on is None
    event = AuditEvent.objects.get(action=AuditEvent.Action.RETENTION_DISPOSE)
    assert (event.actor, event.meeting, event.reason) == (
        admin_user,
        full_meeting,
        "Past its retention period.",
    )
    assert event.record_id == str(full_meeting.uuid)


def test_a_disposed_meeting_is_no_longer_found_by_its_removed_words(full_meeting, admin_user):
    def found(word):
        return search.search_meetings(Meeting.objects.all(), [word]).filter(pk=full_meeting.pk)

    search.refresh_search_vector(full_meeting)  # as the services that write it do
    assert found("friendly").exists()  # from the summary
    dispose(full_meeting, admin_user)
    assert not found("friendly").exists()
    purpose_word = full_meeting.purpose.split()[-1]
    assert found(purpose_word).exists()


def test_nothing_is_deleted(full_meeting, admin_user):
    counts = {model: rows.count() for model, rows in _rows_of(full_meeting).items()}
    events = AuditEvent.objects.filter(meeting=full_meeting).count()
    dispose(full_meeting, admin_user)
    assert {model: rows.count() for model, rows in _rows_of(full_meeting).items()} == counts
    assert AuditEvent.objects.filter(meeting=full_meeting).count() == events + 1


# --- after disposal: a tombstone ------------------------------------------------------------


def test_a_disposed_meeting_offers_no_change_to_anyone(due_meeting, officer, liaison, admin_user):
    due_meeting.status = Meeting.Status.SUBMITTED
    action = FollowUpFactory(meeting=due_meeting, owner=officer, due_date=DUE_DATE)
    assert allowed_transitions(MEETING_TRANSITIONS, due_meeting, liaison)
    assert allowed_transitions(FOLLOW_UP_TRANSITIONS, action, officer)
    dispose(due_meeting, admin_user)
    due_meeting.refresh_from_db()
    action.refresh_from_db()
    for user in (officer, liaison, admin_user):
        assert allowed_transitions(MEETING_TRANSITIONS, due_meeting, user) == []
        assert allowed_transitions(FOLLOW_UP_TRANSITIONS, action, user) == []
    assert not due_meeting.is_editable


def test_a_disposed_meeting_cannot_be_edited_reviewed_or_its_actions_done(
    due_meeting, officer, liaison, admin_user
):
    action = FollowUpFactory(meeting=due_meeting, owner=officer, due_date=DUE_DATE)
    dispose(due_meeting, admin_user)
    due_meeting.refresh_from_db()
    with pytest.raises(ValidationError, match=NOT_EDITABLE_ERROR):
        meeting_update(
            meeting=due_meeting,
            by=officer,
            parts=parts_of(due_meeting),
            expected_version=due_meeting.version,
        )
    with pytest.raises(ValidationError, match=NOT_ALLOWED_ERROR):
        review_submit(
            meeting=due_meeting,
            by=liaison,
            accuracy=Review.Accuracy.ACCURATE,
            trust_effect=Review.TrustEffect.IMPROVED,
            comments="",
            confirmations=answers(due_meeting),
            expected_version=due_meeting.version,
        )
    with pytest.raises(ValidationError, match=NOT_ALLOWED_ERROR):
        follow_up_complete(
            action=action,
            by=officer,
            outcome="Done.",
            completed_on=TODAY,
            expected_version=action.version,
        )
    assert not Review.objects.exists()
    action.refresh_from_db()
    assert action.status == FollowUpAction.Status.OPEN


def test_a_disposed_meetings_dispute_cannot_be_escalated_but_still_lapses(
    due_meeting, officer, liaison, admin_user, settings
):
    review = ReviewFactory(meeting=due_meeting, liaison=liaison, accuracy="inaccurate")
    corrected = Dispute.objects.create(
        meeting=due_meeting,
        opened_by=review,
        status=Dispute.Status.CORRECTED,
        corrected_at=NOW - datetime.timedelta(days=settings.DISPUTE_LAPSE_DAYS + 1),
    )
    dispose(due_meeting, admin_user)
    corrected.refresh_from_db()
    assert allowed_transitions(DISPUTE_TRANSITIONS, corrected, liaison) == []
    with pytest.raises(ValidationError, match=NOT_ALLOWED_ERROR):
        dispute_escalate(dispute=corrected, by=officer, reason="Unresolved.")
    # No one can review it again, so the system still ends it, as for any other.
    assert disputes_lapse() == 1
    corrected.refresh_from_db()
    assert corrected.status == Dispute.Status.LAPSED


def test_a_meeting_is_disposed_of_only_once(due_meeting, admin_user):
    first = dispose(due_meeting, admin_user)
    with pytest.raises(ValidationError, match=ALREADY_DISPOSED_ERROR):
        dispose(due_meeting, admin_user, expected_decision=first.pk)
    with pytest.raises(ValidationError, match=ALREADY_DISPOSED_ERROR):
        keep(due_meeting, admin_user, expected_decision=first.pk)
    assert RetentionDecision.objects.count() == 1


# --- keep -----------------------------------------------------------------------------------


def test_keep_sets_the_next_review_and_is_audited(due_meeting, admin_user):
    decision = keep(due_meeting, admin_user)
    due_meeting.refresh_from_db()
    assert due_meeting.retention_kept_until == NEXT_YEAR
    assert due_meeting.disposed_at is None
    assert due_meeting.summary == "A friendly meeting about reporting hate crime."
    assert (decision.decision, decision.next_review_on) == ("keep", NEXT_YEAR)
    event = AuditEvent.objects.get(action=AuditEvent.Action.RETENTION_KEEP)
    assert (event.actor, event.meeting, event.reason) == (
        admin_user,
        due_meeting,
        decision.rationale,
    )
    assert event.changes == {"next retention review": ["", "2027-06-15"]}


def test_keep_refuses_a_next_review_today_and_saves_nothing(due_meeting, admin_user):
    with pytest.raises(ValidationError, match=NEXT_REVIEW_IN_FUTURE_ERROR):
        keep(due_meeting, admin_user, next_review_on=TODAY)
    due_meeting.refresh_from_db()
    assert due_meeting.retention_kept_until is None
    assert not RetentionDecision.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.RETENTION_KEEP).exists()


def test_only_an_admin_decides(due_meeting, officer):
    with pytest.raises(ValidationError, match=NOT_AN_ADMIN_ERROR):
        dispose(due_meeting, officer)
    with pytest.raises(ValidationError, match=NOT_AN_ADMIN_ERROR):
        keep(due_meeting, officer)
    due_meeting.refresh_from_db()
    assert due_meeting.disposed_at is None
    assert not RetentionDecision.objects.exists()


# --- two admins at once ---------------------------------------------------------------------


def test_a_decision_made_meanwhile_makes_the_second_stale(due_meeting, admin_user):
    first = keep(due_meeting, admin_user)
    with pytest.raises(StaleEdit, match=STALE_DECISION_ERROR):
        dispose(due_meeting, admin_user, expected_decision=None)
    due_meeting.refresh_from_db()
    assert due_meeting.disposed_at is None
    # Decided again with the first in view, it is taken.
    dispose(due_meeting, admin_user, expected_decision=first.pk)
    due_meeting.refresh_from_db()
    assert due_meeting.disposed_at is not None


def test_a_meeting_changed_meanwhile_makes_the_decision_stale(due_meeting, admin_user):
    seen = due_meeting.version
    Meeting.objects.filter(pk=due_meeting.pk).update(version=seen + 1)
    with pytest.raises(StaleEdit, match=STALE_DECISION_ERROR):
        dispose(due_meeting, admin_user, expected_version=seen)
    due_meeting.refresh_from_db()
    assert due_meeting.disposed_at is None
    assert due_meeting.summary != REMOVED_TEXT


def test_a_disposed_meeting_asks_its_liaison_for_nothing(
    due_meeting, officer, liaison, group, admin_user
):
    action = FollowUpFactory(
        meeting=due_meeting,
        owner=officer,
        owed_to=group,
        due_date=DUE_DATE,
        status=FollowUpAction.Status.DONE,
        completed_on=DUE_DATE,
        outcome="Done.",
        reported_back_on=DUE_DATE,
    )
    assert may_confirm_report_back(liaison, action)
    assert list(awaiting_review_by(liaison)) == [due_meeting]
    dispose(due_meeting, admin_user)
    action.refresh_from_db()
    assert not may_confirm_report_back(liaison, action)
    assert list(awaiting_review_by(liaison)) == []
