"""Writes about community groups that the meetings side makes: reads of a group's page."""

from engagement.accounts.models import User
from engagement.audit.models import AuditEvent
from engagement.audit.services import record_event
from engagement.community.models import CommunityGroup


def group_record_view(*, group: CommunityGroup, by: User) -> None:
    """Reads of a group's page are audited: it lists the group's meetings and actions."""
    record_event(
        actor=by, action=AuditEvent.Action.VIEW, record=group, record_kind="communitygroup"
    )
