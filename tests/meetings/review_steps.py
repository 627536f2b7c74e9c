"""Steps of the review and dispute flow, taken through the services as a person would."""

from engagement.meetings.models import Disclosure, DisclosureConfirmation, Meeting, Review
from engagement.meetings.services import meeting as meeting_services
from engagement.meetings.services import review as review_services
from engagement.meetings.services.meeting import MEETING_FIELDS, MeetingParts

YES = DisclosureConfirmation.Answer.YES


def answers(meeting: Meeting, default: str = YES, **by_username: str) -> dict[int, str]:
    """{disclosure id: answer}: `default` for every officer, or the answer given by username."""
    return {
        d.pk: by_username.get(d.officer.username, default)
        for d in meeting.disclosures.select_related("officer")
    }


def review(
    meeting: Meeting,
    liaison,
    *,
    accuracy: str = Review.Accuracy.ACCURATE,
    confirmations: dict[int, str] | None = None,
    comments: str = "",
) -> Review:
    meeting.refresh_from_db()
    return review_services.review_submit(
        meeting=meeting,
        by=liaison,
        accuracy=accuracy,
        trust_effect=Review.TrustEffect.UNCHANGED,
        comments=comments,
        confirmations=answers(meeting) if confirmations is None else confirmations,
        expected_version=meeting.version,
    )


def parts_of(meeting: Meeting, *, disclosures: dict | None = None, **changes) -> MeetingParts:
    """The meeting as its form would send it back, with `changes` made.

    `disclosures` maps an officer's username to the disclosure fields to change.
    """
    disclosures = disclosures or {}
    return MeetingParts(
        fields={name: getattr(meeting, name) for name in MEETING_FIELDS} | changes,
        groups=list(meeting.groups.all()),
        disclosures=[
            {
                "officer": d.officer,
                "level": d.level,
                "method": d.method,
                "timing": d.timing,
                "reason": d.reason,
            }
            | disclosures.get(d.officer.username, {})
            for d in Disclosure.objects.filter(meeting=meeting).select_related("officer")
        ],
    )


def correct(meeting: Meeting, officer, *, note: str, **changes) -> Meeting:
    """The officer's correction of a disputed meeting, submitted with its note."""
    meeting.refresh_from_db()
    return meeting_services.meeting_update(
        meeting=meeting,
        by=officer,
        parts=parts_of(meeting, **changes),
        expected_version=meeting.version,
        submit=True,
        note=note,
    )
