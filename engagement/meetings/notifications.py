"""Who is told when something owed to them changes: enqueued after commit, sent by a worker.

Email never goes out inside a person's request, and an SMTP outage never fails, slows
or rolls back a save.
"""

from engagement.meetings.models import FollowUpAction, Meeting, Review
from engagement.meetings.services.transitions import Transition


def meeting_disputed(*, meeting: Meeting, review: Review) -> None:
    """Tell the meeting's author that a liaison disputed it."""


def follow_up_changed(*, action: FollowUpAction, transition: Transition) -> None:
    """Tell the liaisons of the group an action is owed to that its state changed."""
