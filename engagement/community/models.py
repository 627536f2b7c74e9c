import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone


class Area(models.Model):
    class RiskLevel(models.TextChoices):
        STANDARD = "standard", "Standard"
        ELEVATED = "elevated", "Elevated"
        HIGH = "high", "High"

    name = models.CharField(max_length=120, unique=True)
    code = models.CharField(max_length=12, unique=True)
    risk_level = models.CharField(
        max_length=10, choices=RiskLevel.choices, default=RiskLevel.STANDARD
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommunityGroup(models.Model):
    class Kind(models.TextChoices):
        FAITH = "faith", "Faith"
        YOUTH = "youth", "Youth"
        WOMENS = "womens", "Women's"
        EDUCATION = "education", "Education"
        RESIDENTS = "residents", "Residents"
        BUSINESS = "business", "Business"
        OTHER = "other", "Other"

    DEFAULT_CADENCE_DAYS = 90

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="groups")
    liaisons = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="liaison_groups"
    )
    active = models.BooleanField(default=True)
    contact_cadence_days = models.PositiveSmallIntegerField(
        "agreed contact cadence (days)",
        default=DEFAULT_CADENCE_DAYS,
        validators=[MinValueValidator(1)],
        help_text="How often the group has agreed to meet, in days.",
    )
    declined_engagement_from = models.DateField(
        "declined counter-terrorism engagement from",
        null=True,
        blank=True,
        help_text="The date from which the group has said no to counter-terrorism "
        "engagement. Meetings after it are flagged.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact_cadence_days__gte=1), name="group_cadence_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def has_declined_by(self, day) -> bool:
        return self.declined_engagement_from is not None and day >= self.declined_engagement_from

    @property
    def has_declined(self) -> bool:
        """For templates, which cannot pass a day: declined as of today."""
        return self.has_declined_by(timezone.localdate())
