"""Meetings and what hangs off them, one module per record family."""

from engagement.meetings.models.follow_up import (
    FOLLOW_UP_STATUS_COLOURS,
    FollowUpAction,
    ReportBackConfirmation,
)
from engagement.meetings.models.meeting import (
    DISCLOSURE_REASON_ERROR,
    FUTURE_DATE_ERROR,
    LONG_TEXT,
    NO_PERSONAL_DETAILS,
    PASSED_ON_KIND_ERROR,
    PASSED_ON_REASON_ERROR,
    PASSED_ON_TOLD_ERROR,
    POLICE_ONLY,
    RESPONSIBLE_ADULT_ERROR,
    SEEN_BY_LIAISONS,
    SHORT_TEXT,
    STATUS_COLOURS,
    UNDER_18_ERROR,
    UNDER_25_ERROR,
    Disclosure,
    Meeting,
)
from engagement.meetings.models.notification import ReminderSent
from engagement.meetings.models.review import DisclosureConfirmation, Dispute, Review

__all__ = [
    "DISCLOSURE_REASON_ERROR",
    "FOLLOW_UP_STATUS_COLOURS",
    "FUTURE_DATE_ERROR",
    "LONG_TEXT",
    "NO_PERSONAL_DETAILS",
    "PASSED_ON_KIND_ERROR",
    "PASSED_ON_REASON_ERROR",
    "PASSED_ON_TOLD_ERROR",
    "POLICE_ONLY",
    "RESPONSIBLE_ADULT_ERROR",
    "SEEN_BY_LIAISONS",
    "SHORT_TEXT",
    "STATUS_COLOURS",
    "UNDER_18_ERROR",
    "UNDER_25_ERROR",
    "Disclosure",
    "DisclosureConfirmation",
    "Dispute",
    "FollowUpAction",
    "Meeting",
    "ReminderSent",
    "ReportBackConfirmation",
    "Review",
]
