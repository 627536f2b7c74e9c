from django.db.models import QuerySet

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
