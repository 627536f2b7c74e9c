from django.db.models import QuerySet

from engagement.accounts.models import Role, User


def officers() -> QuerySet[User]:
    """Accounts that can attend a meeting and own follow-ups."""
    return (
        User.objects.filter(
            is_active=True, groups__name=Role.OFFICER, officer_profile__isnull=False
        )
        .select_related("officer_profile")
        .order_by("last_name", "first_name", "username")
    )
