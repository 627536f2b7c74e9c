from django.db.models import QuerySet

from engagement.accounts.models import Role, Unit, User


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
