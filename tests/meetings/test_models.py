import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from engagement.meetings.models import Disclosure, Meeting
from tests.factories import DisclosureFactory


def test_database_refuses_more_under_25s_than_attendees(meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(attendee_count=2, under_25_count=5)


def test_database_refuses_negative_counts(meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(attendee_count=-1)


def test_database_refuses_two_disclosures_for_one_officer(meeting, officer):
    with pytest.raises(IntegrityError), transaction.atomic():
        DisclosureFactory(meeting=meeting, officer=officer)


def test_database_refuses_a_partial_disclosure_without_reason(meeting, colleague):
    with pytest.raises(IntegrityError), transaction.atomic():
        Disclosure.objects.create(
            meeting=meeting, officer=colleague, level="partial", method="verbal", timing="start"
        )


def test_database_refuses_withdrawal_without_reason(meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.WITHDRAWN)


def test_clean_names_the_field_at_fault(meeting):
    meeting.under_18_count = 2
    meeting.under_25_count = 1
    meeting.responsible_adult_present = None
    with pytest.raises(ValidationError, match="cannot be more than the number under 25") as caught:
        meeting.clean()
    assert set(caught.value.message_dict) == {"under_18_count", "responsible_adult_present"}
