from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    """One role per account, held as a Django group of the same name."""

    OFFICER = "Officer", "Officer"
    LIAISON = "Liaison", "Liaison"
    ADMIN = "Admin", "Admin"


class User(AbstractUser):
    _role: Role | None

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role(self) -> Role | None:
        """The account's role; superusers are admins. Cached on the instance."""
        if not hasattr(self, "_role"):
            if self.is_superuser:
                self._role = Role.ADMIN
            else:
                names = [group.name for group in self.groups.all()]
                self._role = next((Role(n) for n in names if n in Role.values), None)
        return self._role

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER

    @property
    def is_liaison(self) -> bool:
        return self.role == Role.LIAISON

    @property
    def is_engagement_admin(self) -> bool:
        return self.role == Role.ADMIN


class Unit(models.Model):
    name = models.CharField(max_length=120, unique=True)
    area = models.ForeignKey("community.Area", on_delete=models.PROTECT, related_name="units")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OfficerProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="officer_profile")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="officers")
    collar_number = models.CharField(max_length=12, unique=True)
    role_title = models.CharField(max_length=120, help_text="For example: CT engagement officer")

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return f"{self.user} ({self.collar_number})"
