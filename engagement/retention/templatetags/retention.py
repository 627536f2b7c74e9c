"""What the meeting page shows of retention review, decided here rather than in the page."""

import datetime
from dataclasses import dataclass

from django import template

from engagement import clock
from engagement.accounts.models import Role
from engagement.meetings.models import Meeting
from engagement.retention import schedule

register = template.Library()

# Who sees a meeting's review-by date: the police and the admins, not the liaisons.
SEES_REVIEW_BY = (Role.OFFICER, Role.ADMIN)


@dataclass(frozen=True)
class RetentionSummary:
    review_by: datetime.date
    due: bool
    # An admin may open the decision page from the meeting.
    may_decide: bool


@register.simple_tag
def retention_summary(meeting: Meeting, user) -> RetentionSummary | None:
    """The meeting's review-by date for the police and admins; None for anyone else, and
    for a disposed meeting, which has no further review."""
    if not user.is_authenticated or user.role not in SEES_REVIEW_BY:
        return None
    review_by = schedule.review_by(meeting)
    if review_by is None:
        return None
    return RetentionSummary(
        review_by=review_by,
        due=review_by <= clock.today(),
        may_decide=user.role == Role.ADMIN,
    )
