"""RetentionDecision: a record written once, whose rules the database holds too."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from engagement.retention.models import (
    DECISIONS_ARE_RECORDS_ERROR,
    NEXT_REVIEW_IN_FUTURE_ERROR,
    NEXT_REVIEW_NOT_FOR_DISPOSAL_ERROR,
    NEXT_REVIEW_REQUIRED_ERROR,
    RATIONALE_ERROR,
    RetentionDecision,
)
from tests.retention.conftest import TODAY

KEEP = RetentionDecision.Decision.KEEP
DISPOSE = RetentionDecision.Decision.DISPOSE
NEXT_YEAR = datetime.date(2027, 6, 15)


def decision(meeting, by, **fields) -> RetentionDecision:
    values = {"decision": KEEP, "rationale": "Still needed.", "next_review_on": NEXT_YEAR}
    return RetentionDecision(meeting=meeting, decided_by=by, **(values | fields))


def test_a_decision_is_written_once(due_meeting, admin_user):
    kept = decision(due_meeting, admin_user)
    kept.save()
    kept.rationale = "Changed my mind."
    with pytest.raises(PermissionError, match=DECISIONS_ARE_RECORDS_ERROR):
        kept.save()
    with pytest.raises(PermissionError, match=DECISIONS_ARE_RECORDS_ERROR):
        kept.delete()
    with pytest.raises(PermissionError, match=DECISIONS_ARE_RECORDS_ERROR):
        RetentionDecision.objects.filter(pk=kept.pk).update(rationale="x")
    with pytest.raises(PermissionError, match=DECISIONS_ARE_RECORDS_ERROR):
        RetentionDecision.objects.all().delete()
    assert RetentionDecision.objects.get().rationale == "Still needed."


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"rationale": "   "}, "rationale", RATIONALE_ERROR),
        ({"next_review_on": None}, "next_review_on", NEXT_REVIEW_REQUIRED_ERROR),
        ({"next_review_on": TODAY}, "next_review_on", NEXT_REVIEW_IN_FUTURE_ERROR),
        (
            {"decision": DISPOSE, "next_review_on": NEXT_YEAR},
            "next_review_on",
            NEXT_REVIEW_NOT_FOR_DISPOSAL_ERROR,
        ),
    ],
)
def test_clean_refuses(due_meeting, admin_user, fields, field, message):
    with pytest.raises(ValidationError, match=message) as refused:
        decision(due_meeting, admin_user, **fields).full_clean()
    assert field in refused.value.message_dict


def test_a_keep_for_a_later_date_and_a_disposal_are_valid(due_meeting, admin_user):
    decision(due_meeting, admin_user).full_clean()
    decision(due_meeting, admin_user, decision=DISPOSE, next_review_on=None).full_clean()


@pytest.mark.parametrize(
    "fields",
    [
        {"next_review_on": None},
        {"decision": DISPOSE},
        {"rationale": ""},
    ],
)
def test_the_database_refuses_what_clean_refuses(due_meeting, admin_user, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        decision(due_meeting, admin_user, **fields).save()


def test_a_meeting_is_disposed_of_once(due_meeting, admin_user):
    decision(due_meeting, admin_user, decision=DISPOSE, next_review_on=None).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        decision(due_meeting, admin_user, decision=DISPOSE, next_review_on=None).save()
