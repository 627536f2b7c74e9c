import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

# Every field's hint says who will read it, so an officer never has to guess.
SEEN_BY_LIAISONS = "Seen by the community liaisons."
POLICE_ONLY = "Police only: community liaisons never see this."
NO_PERSONAL_DETAILS = (
    "Do not record anyone's name, religion or ethnicity: the group is the unit of record."
)

FUTURE_DATE_ERROR = "The date of the meeting must be today or in the past."
UNDER_25_ERROR = "The number under 25 cannot be more than the number of community attendees."
UNDER_18_ERROR = "The number under 18 cannot be more than the number under 25."
RESPONSIBLE_ADULT_ERROR = "Say whether a responsible adult from the group was there."
PASSED_ON_TOLD_ERROR = (
    "Say whether the community was told at the meeting that it would be passed on."
)
PASSED_ON_KIND_ERROR = "Say what kind of information was passed on."
PASSED_ON_REASON_ERROR = "Say why it was passed on."
DISCLOSURE_REASON_ERROR = "Give a reason when the role was not fully disclosed."


def _more(count, *, than) -> bool:
    return count is not None and than is not None and count > than


class Meeting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        REVIEWED = "reviewed", "Reviewed"
        DISPUTED = "disputed", "Disputed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # In scope for every measure; drafts and withdrawn meetings never count.
    IN_SCOPE_STATUSES = (Status.SUBMITTED, Status.REVIEWED, Status.DISPUTED)
    # Reviewed meetings are settled; withdrawn ones are closed.
    EDITABLE_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.DISPUTED)

    class VenueKind(models.TextChoices):
        COMMUNITY_VENUE = "community_venue", "Community venue"
        PLACE_OF_WORSHIP = "place_of_worship", "Place of worship"
        SCHOOL = "school", "School or college"
        POLICE_PREMISES = "police_premises", "Police premises"
        ONLINE = "online", "Online"
        OTHER = "other", "Other"

    class InitiatedBy(models.TextChoices):
        POLICE = "police", "Police"
        COMMUNITY = "community", "Community"
        PARTNER = "partner", "Partner agency"

    class Focus(models.TextChoices):
        COMMUNITY_FOCUSED = "community", "Community-focused"
        TARGETED = "targeted", "Targeted"

    class PassedOnKind(models.TextChoices):
        INTELLIGENCE = "intelligence", "Intelligence report"
        SAFEGUARDING = "safeguarding", "Safeguarding referral"
        PREVENT = "prevent", "Prevent referral"
        CRIME = "crime", "Crime report"
        OTHER = "other", "Other"

    class ConcernTopic(models.TextChoices):
        # Values are the names of the boolean fields below.
        SURVEILLANCE = "concern_surveillance", "Surveillance or covert observation"
        PREVENT = "concern_prevent", "Prevent and referrals"
        STOP_AND_SEARCH = "concern_stop_and_search", "Stop and search"
        HATE_CRIME = "concern_hate_crime", "Hate crime"
        YOUNG_PEOPLE = "concern_young_people", "Young people and schools"
        OTHER = "concern_other", "Other"

    # Fields the community liaisons never see, in any page, history or export.
    POLICE_ONLY_FIELDS = frozenset({"internal_notes", "passed_on_kind", "passed_on_reason"})

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    date = models.DateField("Date of the meeting", help_text=SEEN_BY_LIAISONS)
    start_time = models.TimeField("Start time", help_text="For example, 18:30. " + SEEN_BY_LIAISONS)
    duration_minutes = models.PositiveSmallIntegerField(
        "Length in minutes",
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=SEEN_BY_LIAISONS,
    )
    venue_kind = models.CharField(
        "Venue", max_length=20, choices=VenueKind.choices, help_text=SEEN_BY_LIAISONS
    )
    area = models.ForeignKey(
        "community.Area",
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text=SEEN_BY_LIAISONS,
    )
    groups = models.ManyToManyField(
        "community.CommunityGroup",
        related_name="meetings",
        verbose_name="Community groups",
        help_text="Every group represented at the meeting. " + SEEN_BY_LIAISONS,
    )
    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="meetings", editable=False
    )
    initiated_by = models.CharField(
        "Who asked for the meeting",
        max_length=12,
        choices=InitiatedBy.choices,
        help_text=SEEN_BY_LIAISONS,
    )
    focus = models.CharField(
        "Focus",
        max_length=12,
        choices=Focus.choices,
        help_text="Community-focused: led by the community's own concerns and building the "
        "relationship. Targeted: aimed at a specific risk, place or intervention the police "
        "have identified. " + SEEN_BY_LIAISONS,
    )
    purpose = models.CharField("Purpose", max_length=300, help_text="One line. " + SEEN_BY_LIAISONS)
    topics = models.CharField(
        "Topics discussed",
        max_length=300,
        blank=True,
        help_text="Separate topics with commas. " + SEEN_BY_LIAISONS,
    )

    attendee_count = models.PositiveIntegerField(
        "Community attendees", help_text="A count, never names. " + SEEN_BY_LIAISONS
    )
    under_25_count = models.PositiveIntegerField(
        "Attendees under 25", default=0, help_text=SEEN_BY_LIAISONS
    )
    under_18_count = models.PositiveIntegerField(
        "Attendees under 18", default=0, help_text="Also counted as under 25. " + SEEN_BY_LIAISONS
    )
    responsible_adult_present = models.BooleanField(
        "Was a responsible adult from the group there?",
        null=True,
        blank=True,
        help_text="Required when anyone under 18 attended. " + SEEN_BY_LIAISONS,
    )

    information_shared = models.TextField(
        "What the police shared",
        help_text=NO_PERSONAL_DETAILS + " " + SEEN_BY_LIAISONS,
    )
    concerns_raised = models.TextField(
        "Concerns the community raised",
        blank=True,
        help_text=NO_PERSONAL_DETAILS + " " + SEEN_BY_LIAISONS,
    )
    concern_surveillance = models.BooleanField(default=False)
    concern_prevent = models.BooleanField(default=False)
    concern_stop_and_search = models.BooleanField(default=False)
    concern_hate_crime = models.BooleanField(default=False)
    concern_young_people = models.BooleanField(default=False)
    concern_other = models.BooleanField(default=False)

    passed_on = models.BooleanField(
        "Was anything from the meeting passed to other police systems?",
        null=True,
        help_text="For example as intelligence. " + SEEN_BY_LIAISONS,
    )
    passed_on_kind = models.CharField(
        "What kind", max_length=14, choices=PassedOnKind.choices, blank=True, help_text=POLICE_ONLY
    )
    passed_on_reason = models.TextField(
        "Why it was passed on", blank=True, help_text=NO_PERSONAL_DETAILS + " " + POLICE_ONLY
    )
    community_told_passed_on = models.BooleanField(
        "Was the community told at the meeting that it would be passed on?",
        null=True,
        blank=True,
        help_text=SEEN_BY_LIAISONS,
    )

    summary = models.TextField(
        "Summary for the community liaisons",
        help_text=NO_PERSONAL_DETAILS + " " + SEEN_BY_LIAISONS,
    )
    internal_notes = models.TextField(
        "Internal notes", blank=True, help_text=NO_PERSONAL_DETAILS + " " + POLICE_ONLY
    )

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_meetings"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    # Raised by every save; an edit based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-date", "-start_time"]
        indexes = [
            models.Index(fields=["status", "date"], name="meeting_status_date"),
            models.Index(fields=["unit", "date"], name="meeting_unit_date"),
            models.Index(fields=["area", "date"], name="meeting_area_date"),
            models.Index(fields=["author", "status"], name="meeting_author_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(under_25_count__lte=F("attendee_count")),
                name="meeting_under_25_within_attendees",
            ),
            models.CheckConstraint(
                condition=Q(under_18_count__lte=F("under_25_count")),
                name="meeting_under_18_within_under_25",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1), name="meeting_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(under_18_count=0) | Q(responsible_adult_present__isnull=False),
                name="meeting_responsible_adult_answered",
            ),
            models.CheckConstraint(
                condition=~Q(passed_on=True) | Q(community_told_passed_on__isnull=False),
                name="meeting_passed_on_told_answered",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawal_reason=""),
                name="meeting_withdrawal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y} – {self.purpose}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting-detail", args=[self.uuid])

    @property
    def concern_topics(self) -> list[str]:
        return [c.value for c in self.ConcernTopic if getattr(self, c.value)]

    @property
    def concern_topic_labels(self) -> list[str]:
        return [c.label for c in self.ConcernTopic if getattr(self, c.value)]

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    def clean(self) -> None:
        errors = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = FUTURE_DATE_ERROR
        if _more(self.under_25_count, than=self.attendee_count):
            errors["under_25_count"] = UNDER_25_ERROR
        if _more(self.under_18_count, than=self.under_25_count):
            errors["under_18_count"] = UNDER_18_ERROR
        if self.under_18_count and self.responsible_adult_present is None:
            errors["responsible_adult_present"] = RESPONSIBLE_ADULT_ERROR
        if self.passed_on:
            if self.community_told_passed_on is None:
                errors["community_told_passed_on"] = PASSED_ON_TOLD_ERROR
            if not self.passed_on_kind:
                errors["passed_on_kind"] = PASSED_ON_KIND_ERROR
            if not self.passed_on_reason.strip():
                errors["passed_on_reason"] = PASSED_ON_REASON_ERROR
        if errors:
            raise ValidationError(errors)


class Disclosure(models.Model):
    """What one officer said about their counter-terrorism role at one meeting."""

    class Level(models.TextChoices):
        FULL = "full", "Full – stated their counter-terrorism role plainly"
        PARTIAL = "partial", "Partial – said they were police, not counter-terrorism"
        NONE = "none", "None – did not say"

    class Method(models.TextChoices):
        VERBAL = "verbal", "Said it out loud"
        WRITTEN = "written", "In writing"
        LIAISON = "liaison", "Introduced by the liaison"
        ALREADY_KNOWN = "known", "Already known to the group"

    class Timing(models.TextChoices):
        START = "start", "At the start"
        DURING = "during", "During the meeting"
        END = "end", "At the end"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="disclosures")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disclosures"
    )
    level = models.CharField(
        "How much of their role they disclosed",
        max_length=8,
        choices=Level.choices,
        help_text=SEEN_BY_LIAISONS,
    )
    method = models.CharField(
        "How", max_length=8, choices=Method.choices, help_text=SEEN_BY_LIAISONS
    )
    timing = models.CharField(
        "When", max_length=8, choices=Timing.choices, help_text=SEEN_BY_LIAISONS
    )
    reason = models.TextField(
        "Reason, if not full",
        blank=True,
        help_text="Required unless the role was fully disclosed. " + SEEN_BY_LIAISONS,
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "officer"], name="disclosure_one_per_officer_per_meeting"
            ),
            models.CheckConstraint(
                condition=Q(level="full") | ~Q(reason=""), name="disclosure_reason_unless_full"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer}: {self.get_level_display()}"

    def clean(self) -> None:
        if self.level and self.level != self.Level.FULL and not self.reason.strip():
            raise ValidationError({"reason": DISCLOSURE_REASON_ERROR})


class FollowUpAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="follow_ups")
    description = models.CharField("What was promised", max_length=300, help_text=SEEN_BY_LIAISONS)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name="Owner",
        help_text="The officer who will do it. " + SEEN_BY_LIAISONS,
    )
    owed_to = models.ForeignKey(
        "community.CommunityGroup",
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name="Owed to",
        help_text="One of the meeting's groups. " + SEEN_BY_LIAISONS,
    )
    due_date = models.DateField(
        "Due date", help_text="On or after the date of the meeting. " + SEEN_BY_LIAISONS
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True, help_text=SEEN_BY_LIAISONS)
    reported_back_on = models.DateField(
        "Date the outcome was reported back to the community", null=True, blank=True
    )
    cancellation_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["owner", "status", "due_date"], name="followup_owner_status_due"),
            models.Index(fields=["status", "due_date"], name="followup_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="followup_done_has_completion_date",
            ),
            models.CheckConstraint(
                condition=Q(reported_back_on__isnull=True) | Q(status="done"),
                name="followup_reported_back_only_when_done",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.due_date < today


class Review(models.Model):
    """A liaison's check of one revision of a meeting, from the community's side."""

    class Accuracy(models.TextChoices):
        ACCURATE = "accurate", "Accurate"
        NEEDS_CORRECTIONS = "corrections", "Needs corrections"
        INACCURATE = "inaccurate", "Inaccurate"

    class TrustEffect(models.TextChoices):
        IMPROVED = "improved", "Improved"
        UNCHANGED = "unchanged", "Unchanged"
        WORSENED = "worsened", "Worsened"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="reviews")
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    meeting_version = models.PositiveIntegerField()
    accuracy = models.CharField(max_length=12, choices=Accuracy.choices)
    trust_effect = models.CharField("Effect on trust", max_length=10, choices=TrustEffect.choices)
    comments = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["meeting", "created_at"], name="review_meeting_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "liaison", "meeting_version"],
                name="review_one_per_liaison_per_revision",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.meeting} by {self.liaison}"


class DisclosureConfirmation(models.Model):
    """Whether the community says an officer's CT role was made clear to them."""

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"
        UNSURE = "unsure", "Unsure"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="confirmations")
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.PROTECT, related_name="confirmations"
    )
    answer = models.CharField(max_length=8, choices=Answer.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "disclosure"], name="confirmation_one_per_disclosure_per_review"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.disclosure.officer}: {self.get_answer_display()}"
