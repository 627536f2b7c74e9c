"""services.review and the transition table: a review confirms or disputes, and how a
dispute ends (resolved, disputed again, lapsed, escalated) — never as a confirmation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from engagement.audit.models import AuditEvent
from engagement.meetings.models import Disclosure, DisclosureConfirmation, Dispute, Meeting, Review
from engagement.meetings.services import StaleEdit
from engagement.meetings.services import review as services
from engagement.meetings.services.transitions import (
    DISPUTE_TRANSITIONS,
    MEETING_TRANSITIONS,
    NOT_ALLOWED_ERROR,
    allowed_transitions,
    check_transition,
)
from tests.factories import DisclosureFactory, MeetingFactory, make_liaison
from tests.meetings.review_steps import answers, correct, review

A = DisclosureConfirmation.Answer
NOTE = "The officer's role is now recorded as partly disclosed, as the group remembers."


def names(table, record, user) -> set[str]:
    return {t.name for t in allowed_transitions(table, record, user)}


@pytest.fixture
def two_officer_meeting(officer, colleague, unit, area, group):
    """A submitted meeting where `officer` disclosed fully and `colleague` partly."""
    meeting = MeetingFactory(author=officer, unit=unit, area=area, groups=[group])
    DisclosureFactory(meeting=meeting, officer=officer)
    DisclosureFactory(
        meeting=meeting,
        officer=colleague,
        level=Disclosure.Level.PARTIAL,
        reason="Introduced as neighbourhood police by the chair.",
    )
    return meeting


def review_event(meeting) -> AuditEvent:
    return AuditEvent.objects.filter(meeting=meeting, action=AuditEvent.Action.REVIEW).latest("pk")


# A review confirms or disputes ---------------------------------------------------------


def test_accurate_review_confirming_every_full_disclosure_marks_the_meeting_reviewed(
    two_officer_meeting, liaison
):
    meeting = two_officer_meeting
    done = review(meeting, liaison, confirmations=answers(meeting, colleague=A.NO))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.REVIEWED
    assert not Dispute.objects.exists()
    assert done.meeting_version == meeting.version
    assert sorted(done.confirmations.values_list("answer", flat=True)) == ["no", "yes"]
    event = review_event(meeting)
    assert event.actor == liaison
    assert event.record_id == str(meeting.uuid)
    assert event.detail == {"review": str(done.uuid)}
    assert event.changes["status"] == ["Submitted", "Reviewed"]
    assert event.changes["accuracy"] == ["", "Accurate"]
    assert event.changes["role made clear: Sam Okafor"][1] == "Yes"
    # A partial disclosure answered "no" agrees with the record: not a dispute.
    assert event.changes["role made clear: Priya Shah"] == [
        "Partial – said they were police, not counter-terrorism",
        "No",
    ]
    assert "dispute" not in event.changes


@pytest.mark.parametrize("answer", [A.PARTLY, A.NO, A.UNSURE])
def test_anything_but_yes_for_a_full_disclosure_disputes_the_meeting(
    two_officer_meeting, liaison, answer
):
    meeting = two_officer_meeting
    done = review(meeting, liaison, confirmations=answers(meeting, officer=answer))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DISPUTED
    dispute = Dispute.objects.get(meeting=meeting)
    assert dispute.status == Dispute.Status.OPEN
    assert dispute.opened_by == done
    assert dispute.opened_at == done.created_at
    event = review_event(meeting)
    assert event.changes["status"] == ["Submitted", "Disputed"]
    assert event.changes["dispute"] == ["", "Awaiting the officer's correction"]


@pytest.mark.parametrize(
    "accuracy", [Review.Accuracy.NEEDS_CORRECTIONS, Review.Accuracy.INACCURATE]
)
def test_a_record_not_accurate_is_disputed_even_when_every_role_is_confirmed(
    meeting, liaison, accuracy
):
    review(meeting, liaison, accuracy=accuracy)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DISPUTED
    assert Dispute.objects.get(meeting=meeting).status == Dispute.Status.OPEN


def test_a_second_liaison_may_review_the_same_revision(meeting, liaison, group):
    second = make_liaison(group, username="second-liaison")
    review(meeting, liaison)
    review(meeting, second)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.REVIEWED
    assert meeting.reviews.count() == 2
    # The second review changed no status: its event says so by leaving status out.
    assert "status" not in review_event(meeting).changes


def test_a_second_liaison_may_dispute_a_reviewed_meeting(meeting, liaison, group):
    second = make_liaison(group, username="second-liaison")
    review(meeting, liaison)
    review(meeting, second, confirmations=answers(meeting, officer=A.UNSURE))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DISPUTED
    assert review_event(meeting).changes["status"] == ["Reviewed", "Disputed"]


def test_the_same_liaison_cannot_review_one_revision_twice(meeting, liaison):
    review(meeting, liaison)
    with pytest.raises(ValidationError, match=services.ALREADY_REVIEWED_ERROR):
        review(meeting, liaison)
    assert meeting.reviews.count() == 1


def test_a_liaison_of_another_group_cannot_review(meeting, other_liaison):
    with pytest.raises(ValidationError, match=NOT_ALLOWED_ERROR):
        review(meeting, other_liaison)
    assert not Review.objects.exists()


@pytest.mark.parametrize("status", [Meeting.Status.DRAFT, Meeting.Status.WITHDRAWN])
def test_drafts_and_withdrawn_meetings_cannot_be_reviewed(meeting, liaison, status):
    Meeting.objects.filter(pk=meeting.pk).update(status=status, withdrawal_reason="Duplicate")
    with pytest.raises(ValidationError, match=NOT_ALLOWED_ERROR):
        review(meeting, liaison)
    assert not Review.objects.exists()


def test_a_disputed_meeting_cannot_be_reviewed_until_corrected(meeting, liaison, group):
    review(meeting, liaison, accuracy=Review.Accuracy.INACCURATE)
    second = make_liaison(group, username="second-liaison")
    with pytest.raises(ValidationError, match=NOT_ALLOWED_ERROR):
        review(meeting, second)
    assert meeting.reviews.count() == 1


def test_a_review_of_an_older_version_is_refused_and_saves_nothing(meeting, liaison):
    seen = meeting.version
    Meeting.objects.filter(pk=meeting.pk).update(version=seen + 1)
    with pytest.raises(StaleEdit, match="changed this meeting while you were reviewing") as caught:
        services.review_submit(
            meeting=meeting,
            by=liaison,
            accuracy=Review.Accuracy.ACCURATE,
            trust_effect=Review.TrustEffect.IMPROVED,
            comments="",
            confirmations=answers(meeting),
            expected_version=seen,
        )
    assert caught.value.current.version == seen + 1
    assert not Review.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVIEW).exists()


def test_every_officer_must_be_answered_for(two_officer_meeting, liaison):
    meeting = two_officer_meeting
    partial = dict(list(answers(meeting).items())[:1])
    with pytest.raises(ValidationError, match="Answer for every officer"):
        review(meeting, liaison, confirmations=partial)
    assert not Review.objects.exists()


# How a dispute ends ---------------------------------------------------------------------


def test_dispute_correction_and_a_confirming_review_resolve_it(meeting, officer, liaison):
    review(meeting, liaison, confirmations=answers(meeting, officer=A.NO), comments="Not said.")
    dispute = Dispute.objects.get()
    corrected = correct(
        meeting,
        officer,
        note=NOTE,
        disclosures={"officer": {"level": "partial", "reason": "Said police only."}},
    )
    assert corrected.status == Meeting.Status.SUBMITTED
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.CORRECTED
    assert dispute.correction_note == NOTE
    assert dispute.corrected_at is not None

    settled = review(meeting, liaison, confirmations=answers(meeting, officer=A.YES))
    meeting.refresh_from_db()
    dispute.refresh_from_db()
    assert meeting.status == Meeting.Status.REVIEWED
    assert dispute.status == Dispute.Status.RESOLVED
    assert dispute.closed_by == liaison
    assert dispute.closed_at == settled.created_at
    actions = list(
        AuditEvent.objects.filter(meeting=meeting)
        .exclude(action=AuditEvent.Action.VIEW)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["review", "update", "correct", "review"]
    correction = AuditEvent.objects.get(meeting=meeting, action=AuditEvent.Action.CORRECT)
    assert correction.reason == NOTE
    assert correction.changes == {"status": ["Disputed", "Submitted"]}
    update = AuditEvent.objects.get(meeting=meeting, action=AuditEvent.Action.UPDATE)
    assert update.changes["disclosure: Sam Okafor"][1].startswith("Partial")
    assert review_event(meeting).changes["dispute"] == [
        "Corrected, awaiting a new review",
        "Resolved",
    ]


def test_dispute_correction_and_another_dispute_reopen_the_same_dispute(meeting, officer, liaison):
    first = review(meeting, liaison, accuracy=Review.Accuracy.INACCURATE)
    correct(meeting, officer, note=NOTE, summary="A corrected summary.")
    again = review(meeting, liaison, accuracy=Review.Accuracy.NEEDS_CORRECTIONS)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DISPUTED
    dispute = Dispute.objects.get()  # still one dispute
    assert dispute.status == Dispute.Status.OPEN
    assert dispute.opened_by == again
    assert dispute.opened_at == first.created_at
    assert dispute.closed_at is None
    assert review_event(meeting).changes["dispute"] == [
        "Corrected, awaiting a new review",
        "Awaiting the officer's correction",
    ]


def test_a_corrected_dispute_lapses_without_a_new_review_and_is_never_a_confirmation(
    meeting, officer, liaison, settings
):
    settings.DISPUTE_LAPSE_DAYS = 10
    review(meeting, liaison, confirmations=answers(meeting, officer=A.UNSURE))
    correct(meeting, officer, note=NOTE, summary="Corrected.")
    dispute = Dispute.objects.get()
    corrected_at = dispute.corrected_at

    assert services.disputes_lapse(now=corrected_at + datetime.timedelta(days=9)) == 0
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.CORRECTED

    later = corrected_at + datetime.timedelta(days=10, minutes=1)
    assert services.disputes_lapse(now=later) == 1
    dispute.refresh_from_db()
    meeting.refresh_from_db()
    assert dispute.status == Dispute.Status.LAPSED
    assert dispute.closed_at == later
    assert dispute.closed_by is None
    # Not a confirmation: the meeting is still awaiting review, and the only answer on
    # record for the officer's full disclosure is the liaison's "unsure".
    assert meeting.status == Meeting.Status.SUBMITTED
    assert list(DisclosureConfirmation.objects.values_list("answer", flat=True)) == ["unsure"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.LAPSE)
    assert event.actor is None
    assert event.meeting == meeting
    assert event.changes == {"dispute": ["Corrected, awaiting a new review", "Lapsed"]}
    assert "10 days" in event.reason
    # Running again changes nothing.
    assert services.disputes_lapse(now=later + datetime.timedelta(days=1)) == 0


def test_an_open_dispute_never_lapses(meeting, liaison, settings):
    review(meeting, liaison, accuracy=Review.Accuracy.INACCURATE)
    far = timezone.now() + datetime.timedelta(days=settings.DISPUTE_LAPSE_DAYS * 3)
    assert services.disputes_lapse(now=far) == 0
    assert Dispute.objects.get().status == Dispute.Status.OPEN


@pytest.mark.parametrize("who", ["officer", "liaison"])
def test_a_party_escalates_with_a_reason(request, meeting, liaison, who):
    review(meeting, liaison, accuracy=Review.Accuracy.INACCURATE)
    dispute = Dispute.objects.get()
    by = request.getfixturevalue(who)
    escalated = services.dispute_escalate(dispute=dispute, by=by, reason="We disagree still.")
    assert escalated.status == Dispute.Status.ESCALATED
    assert escalated.closed_by == by
    assert escalated.closed_at is not None
    assert escalated.escalation_reason == "We disagree still."
    event = AuditEvent.objects.get(action=AuditEvent.Action.ESCALATE)
    assert event.actor == by
    assert event.meeting == meeting
    assert event.reason == "We disagree still."
    assert event.changes == {"dispute": ["Awaiting the officer's correction", "Escalated"]}
    assert event.detail == {"dispute": str(dispute.uuid)}
    meeting.refresh_from_db()
    # The community's account is kept: the disputing review stays, and nothing confirms.
    assert meeting.status == Meeting.Status.DISPUTED


def test_escalating_needs_a_reason(meeting, officer, liaison):
    review(meeting, liaison, accuracy=Review.Accuracy.INACCURATE)
    with pytest.raises(ValidationError, match=services.ESCALATION_REASON_ERROR):
        services.dispute_escalate(dispute=Dispute.objects.get(), by=officer, reason="  ")
    assert Dispute.objects.get().status == Dispute.Status.OPEN
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ESCALATE).exists()


def test_an_admin_is_not_a_party_and_cannot_escalate(meeting, liaison, admin_user):
    review(meeting, liaison, accuracy=Review.Accuracy.INACCURATE)
    with pytest.raises(ValidationError, match=NOT_ALLOWED_ERROR):
        services.dispute_escalate(dispute=Dispute.objects.get(), by=admin_user, reason="No.")


def test_an_ended_dispute_cannot_be_escalated(meeting, officer, liaison):
    review(meeting, liaison, accuracy=Review.Accuracy.INACCURATE)
    dispute = Dispute.objects.get()
    services.dispute_escalate(dispute=dispute, by=officer, reason="Unresolved.")
    with pytest.raises(ValidationError, match=NOT_ALLOWED_ERROR):
        services.dispute_escalate(dispute=dispute, by=liaison, reason="Again.")


# The transition table, as the pages ask it --------------------------------------------


def test_the_table_offers_a_review_to_the_liaisons_of_the_meeting_until_they_review(
    meeting, liaison, other_liaison, officer, admin_user
):
    assert names(MEETING_TRANSITIONS, meeting, liaison) == {"confirm", "dispute"}
    assert names(MEETING_TRANSITIONS, meeting, other_liaison) == set()
    assert not names(MEETING_TRANSITIONS, meeting, officer) & {"confirm", "dispute"}
    assert not names(MEETING_TRANSITIONS, meeting, admin_user) & {"confirm", "dispute"}
    review(meeting, liaison)
    meeting.refresh_from_db()
    assert names(MEETING_TRANSITIONS, meeting, liaison) == set()


def test_the_table_offers_the_officer_a_correction_of_a_disputed_meeting(meeting, liaison, officer):
    assert "correct" not in names(MEETING_TRANSITIONS, meeting, officer)
    review(meeting, liaison, accuracy=Review.Accuracy.INACCURATE)
    meeting.refresh_from_db()
    assert "correct" in names(MEETING_TRANSITIONS, meeting, officer)
    assert names(MEETING_TRANSITIONS, meeting, liaison) == set()


def test_the_table_offers_escalation_to_the_parties_only(
    meeting, officer, liaison, other_liaison, admin_user
):
    review(meeting, liaison, accuracy=Review.Accuracy.INACCURATE)
    dispute = Dispute.objects.get()
    assert names(DISPUTE_TRANSITIONS, dispute, officer) == {"correct", "escalate"}
    assert names(DISPUTE_TRANSITIONS, dispute, liaison) == {"escalate"}
    assert names(DISPUTE_TRANSITIONS, dispute, other_liaison) == set()
    assert names(DISPUTE_TRANSITIONS, dispute, admin_user) == set()
    # Once corrected, a review settles it; only the system lets it lapse.
    correct(meeting, officer, note=NOTE, summary="Corrected.")
    dispute.refresh_from_db()
    assert names(DISPUTE_TRANSITIONS, dispute, officer) == {"escalate"}
    assert names(DISPUTE_TRANSITIONS, dispute, liaison) == {"redispute", "resolve", "escalate"}
    assert check_transition(DISPUTE_TRANSITIONS, "lapse", dispute, None).target == "lapsed"
    with pytest.raises(ValidationError, match=NOT_ALLOWED_ERROR):
        check_transition(DISPUTE_TRANSITIONS, "lapse", dispute, officer)


def test_each_answer_keeps_the_level_the_officer_had_recorded(officer, liaison, meeting):
    disclosure = meeting.disclosures.get()
    services.review_submit(
        meeting=meeting,
        by=liaison,
        accuracy="accurate",
        trust_effect="unchanged",
        comments="",
        confirmations={disclosure.pk: "no"},
        expected_version=meeting.version,
    )
    Disclosure.objects.filter(pk=disclosure.pk).update(level="partial", reason="Corrected")
    confirmation = DisclosureConfirmation.objects.get()
    assert (confirmation.recorded_level, confirmation.answer) == ("full", "no")
