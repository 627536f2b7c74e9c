"""Sign-in events go to the audit log: the one place this project uses signals."""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from engagement.accounts.lockout import storable
from engagement.accounts.models import User
from engagement.audit.models import AuditEvent
from engagement.audit.services import record_event


@receiver(user_logged_in)
def audit_sign_in(sender, request, user, **kwargs):
    record_event(actor=user, action=AuditEvent.Action.SIGN_IN, record=user, record_kind="user")


@receiver(user_logged_out)
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(actor=user, action=AuditEvent.Action.SIGN_OUT, record=user, record_kind="user")


@receiver(user_login_failed)
def audit_failed_sign_in(sender, credentials, request=None, **kwargs):
    # The username tried is kept (never the password) so repeated guessing shows up.
    record_event(
        actor=None,
        action=AuditEvent.Action.FAILED_SIGN_IN,
        record_kind="user",
        detail={"username": storable(str(credentials.get("username", "")))[:150]},
    )


@receiver(user_locked_out)
def audit_lockout(sender, request, username, **kwargs):
    """The failure that locked an account out. django-axes sends this signal again for
    every try while the account is locked; those tries are failed sign-ins already, and
    axes counts failures (`axes_failures_since_start`) only on the one that locked it."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return
    username = storable(str(username or ""))[:150]
    record_event(
        actor=None,
        action=AuditEvent.Action.LOCKED_OUT,
        # The account, where there is one, so its history shows the lockout.
        record=User.objects.filter(username=username).first(),
        record_kind="user",
        detail={
            "username": username,
            "failures": failures,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )
