from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone

from engagement.accounts.models import OfficerProfile, Role, Unit, User


def officers() -> QuerySet[User]:
    """Accounts that can attend a meeting and own follow-ups."""
    return (
        User.objects.filter(
            is_active=True, groups__name=Role.OFFICER, officer_profile__isnull=False
        )
        .select_related("officer_profile")
        .order_by("last_name", "first_name", "username")
    )


def units_visible_to(user: User) -> QuerySet[Unit]:
    """The units a viewer may narrow figures to: every unit for an admin, an officer's own
    unit, none for a liaison (whose figures are their groups' already)."""
    units = Unit.objects.order_by("name")
    if user.role == Role.ADMIN:
        return units
    if user.role == Role.OFFICER:
        return units.filter(officers__user=user)
    return units.none()


def unit_id_of(user: User) -> int | None:
    """An officer's unit, read once per request: Django keeps the profile on the user,
    and a plain value lets the database use the unit's indexes, where a subquery per row
    would not. None for anyone else."""
    if user.role != Role.OFFICER:
        return None
    try:
        return user.officer_profile.unit_id
    except OfficerProfile.DoesNotExist:
        return None


def _failures_counting(*, now: datetime) -> QuerySet[AccessAttempt]:
    """django-axes's records of failed sign-ins that still count towards a lockout: as
    axes counts them, those whose latest failure is within the lockout time. One record
    per username, address and browser, so an account's failures are their sum."""
    return AccessAttempt.objects.filter(attempt_time__gte=now - settings.AXES_COOLOFF_TIME)


def sign_in_locked_until(*, username: str, now: datetime | None = None) -> datetime | None:
    """When the account `username` may sign in again; None if it is not locked out."""
    now = now or timezone.now()
    totals = (
        _failures_counting(now=now)
        .filter(username=username)
        .aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    )
    return lock_ends(failures=totals["failures"], last_failed_at=totals["last"])


def lock_ends(*, failures: int | None, last_failed_at: datetime | None) -> datetime | None:
    """The end of a lockout, from an account's failures still counting and the latest
    (tries while locked are not counted: the lockout runs from the failure that caused
    it). None when the failures are too few to lock it."""
    if not failures or failures < settings.AXES_FAILURE_LIMIT or last_failed_at is None:
        return None
    return last_failed_at + settings.AXES_COOLOFF_TIME


def with_sign_in_failures(users: QuerySet[User], *, now: datetime | None = None) -> QuerySet[User]:
    """Each account with `sign_in_failures` (still counting towards a lockout) and
    `sign_in_last_failed_at`: two subqueries by username, for a page of accounts."""
    now = now or timezone.now()
    own = _failures_counting(now=now).filter(username=OuterRef("username")).order_by()
    return users.annotate(
        sign_in_failures=Subquery(
            own.values("username").annotate(total=Sum("failures_since_start")).values("total")
        ),
        sign_in_last_failed_at=Subquery(
            own.values("username").annotate(last=Max("attempt_time")).values("last")
        ),
    )


def locked_accounts(*, now: datetime | None = None) -> list[tuple[User, datetime | None]]:
    """The accounts locked out now, by username, each with `sign_in_failures` and when
    its lockout ends."""
    accounts = with_sign_in_failures(User.objects.all(), now=now)
    # An annotation the stubs cannot see.
    locked = accounts.filter(sign_in_failures__gte=settings.AXES_FAILURE_LIMIT)  # type: ignore[misc]
    return [
        (
            account,
            lock_ends(
                failures=getattr(account, "sign_in_failures", None),
                last_failed_at=getattr(account, "sign_in_last_failed_at", None),
            ),
        )
        for account in locked.order_by("username")
    ]
