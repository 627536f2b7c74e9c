"""Rules both the forms and the services apply, with their messages, written once.

Forms show these next to the fields; services apply them again as the guard.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError

from engagement.meetings.models import DisclosureConfirmation, Meeting, Review

NO_GROUP_ERROR = "Choose at least one community group."
NO_OFFICER_ERROR = "Add at least one attending officer and what they disclosed."
SAME_OFFICER_ERROR = "This officer is already listed: give one disclosure per officer."
DUE_BEFORE_MEETING_ERROR = "The due date cannot be before the date of the meeting."
OWED_TO_NOT_AT_MEETING_ERROR = "The group it is owed to must be one of the meeting's groups."
CONCERN_NOT_RAISED_ERROR = "Only a concern the community raised can need a response."
CONCERN_UNANSWERED_ERROR = (
    "Add a follow-up action that answers the concern about {topic}, or untick “needs a response”."
)
ANSWERS_CONCERN_NOT_NEEDED_ERROR = (
    "This concern is not marked as needing a response on this meeting."
)

# What a submitted meeting must say; a draft needs only its date and a group.
SUBMIT_REQUIRED = {
    "start_time": "Enter the time the meeting started.",
    "duration_minutes": "Enter how long the meeting lasted, in minutes.",
    "venue_kind": "Choose the venue.",
    "area": "Choose the area.",
    "initiated_by": "Choose who asked for the meeting.",
    "focus": "Choose the focus of the meeting.",
    "purpose": "Enter the purpose of the meeting.",
    "attendee_count": "Enter the number of community attendees.",
    "information_shared": "Enter what the police shared.",
    "passed_on": "Answer: was anything from the meeting passed to other police systems?",
    "summary": "Enter a summary for the community liaisons.",
}


def missing_for_submit(fields: dict) -> dict[str, str]:
    """{field: message} for each answer a submitted meeting must have and this lacks."""
    return {name: message for name, message in SUBMIT_REQUIRED.items() if _blank(fields.get(name))}


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_due_date(due_date: date | None, meeting_date: date | None) -> None:
    if due_date and meeting_date and due_date < meeting_date:
        raise ValidationError(DUE_BEFORE_MEETING_ERROR, code="due_before_meeting")


def check_owed_to(group, groups: Iterable) -> None:
    if group is not None and group not in groups:
        raise ValidationError(OWED_TO_NOT_AT_MEETING_ERROR, code="owed_to_not_at_meeting")


def check_concerns_needing_response(needing: Iterable[str], raised: Iterable[str]) -> None:
    if set(needing) - set(raised):
        raise ValidationError(CONCERN_NOT_RAISED_ERROR, code="concern_not_raised")


def unanswered_concerns(needing: Iterable[str], answered: Iterable[str]) -> list[str]:
    """Labels of the concerns marked as needing a response that no follow-up answers."""
    answered = set(answered)
    return [Meeting.ConcernTopic(topic).label for topic in needing if topic not in answered]


def unanswered_concern_message(topic_label: str) -> str:
    return CONCERN_UNANSWERED_ERROR.format(topic=topic_label.lower())


def review_disputes_record(accuracy: str, full_disclosure_answers: Iterable[str]) -> bool:
    """A review disputes the record when it is not accurate, or when any disclosure the
    officer recorded as full is not confirmed with a plain yes ("unsure" is not yes)."""
    if accuracy != Review.Accuracy.ACCURATE:
        return True
    return any(answer != DisclosureConfirmation.Answer.YES for answer in full_disclosure_answers)
