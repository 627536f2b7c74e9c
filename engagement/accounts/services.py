"""Writes about accounts: an admin unlocking a sign-in locked after failed attempts."""

from axes.utils import reset as axes_reset
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from engagement.accounts.models import Role, User
from engagement.accounts.queries import sign_in_locked_until
from engagement.audit.models import AuditEvent
from engagement.audit.services import record_event

NOT_AN_ADMIN_ERROR = "Only an admin can unlock a sign-in."
UNLOCKED_MESSAGE = "Sign-in unlocked for {names}: they can sign in now."
NOT_LOCKED_MESSAGE = "Not locked, nothing to unlock: {names}."


def sign_in_unlock(*, account: User, by: User) -> bool:
    """Forget the failed sign-ins counting against `account` (django-axes's reset), so it
    may sign in at once. Audited whenever there was anything to forget; returns whether
    the account was locked out. Only an admin may."""
    if by.role != Role.ADMIN:
        raise PermissionDenied(NOT_AN_ADMIN_ERROR)
    with transaction.atomic():
        locked_until = sign_in_locked_until(username=account.username)
        cleared = axes_reset(username=account.username)
        if cleared:
            record_event(
                actor=by,
                action=AuditEvent.Action.UNLOCK,
                record=account,
                record_kind="user",
                detail={
                    "username": account.username,
                    "was_locked_until": (
                        timezone.localtime(locked_until).isoformat(timespec="minutes")
                        if locked_until
                        else ""
                    ),
                },
            )
    return locked_until is not None
