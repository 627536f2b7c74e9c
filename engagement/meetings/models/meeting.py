import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
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

# Free-text limits, shown to the officer by a character count as they type.
LONG_TEXT = 5000
SHORT_TEXT = 1000


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
    # A draft needs only its date and a group, so an interrupted officer can park their
    # work; everything else is required on submit (rules.SUBMIT_REQUIRED and the
    # meeting_submitted_is_complete constraint).
    start_time = models.TimeField(
        "Start time", null=True, blank=True, help_text="For example, 18:30. " + SEEN_BY_LIAISONS
    )
    duration_minutes = models.PositiveSmallIntegerField(
        "Length in minutes",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=SEEN_BY_LIAISONS,
    )
    venue_kind = models.CharField(
        "Venue", max_length=20, choices=VenueKind.choices, blank=True, help_text=SEEN_BY_LIAISONS
    )
    area = models.ForeignKey(
        "community.Area",
        on_delete=models.PROTECT,
        related_name="meetings",
        null=True,
        blank=True,
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
        blank=True,
        help_text=SEEN_BY_LIAISONS,
    )
    focus = models.CharField(
        "Focus",
        max_length=12,
        choices=Focus.choices,
        blank=True,
        help_text="Community-focused: led by the community's own concerns and building the "
        "relationship. Targeted: aimed at a specific risk, place or intervention the police "
        "have identified. " + SEEN_BY_LIAISONS,
    )
    purpose = models.CharField(
        "Purpose",
        max_length=300,
        blank=True,
        help_text="One line. " + NO_PERSONAL_DETAILS + " " + SEEN_BY_LIAISONS,
    )
    topics = models.CharField(
        "Topics discussed",
        max_length=300,
        blank=True,
        help_text="Separate topics with commas. " + NO_PERSONAL_DETAILS + " " + SEEN_BY_LIAISONS,
    )

    attendee_count = models.PositiveIntegerField(
        "Community attendees",
        null=True,
        blank=True,
        help_text="A count, never names. " + SEEN_BY_LIAISONS,
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
        max_length=LONG_TEXT,
        blank=True,
        help_text=NO_PERSONAL_DETAILS + " " + SEEN_BY_LIAISONS,
    )
    concerns_raised = models.TextField(
        "Concerns the community raised",
        max_length=LONG_TEXT,
        blank=True,
        help_text=NO_PERSONAL_DETAILS + " " + SEEN_BY_LIAISONS,
    )
    concern_surveillance = models.BooleanField(default=False)
    concern_prevent = models.BooleanField(default=False)
    concern_stop_and_search = models.BooleanField(default=False)
    concern_hate_crime = models.BooleanField(default=False)
    concern_young_people = models.BooleanField(default=False)
    concern_other = models.BooleanField(default=False)
    # The concern topics the community asked the police to answer; each is answered by
    # a follow-up action whose `answers_concern` names it.
    concerns_needing_response = models.JSONField(
        "Concerns that need a response", default=list, blank=True
    )

    passed_on = models.BooleanField(
        "Was anything from the meeting passed to other police systems?",
        null=True,
        blank=True,
        help_text="For example as intelligence. " + SEEN_BY_LIAISONS,
    )
    passed_on_kind = models.CharField(
        "What kind", max_length=14, choices=PassedOnKind.choices, blank=True, help_text=POLICE_ONLY
    )
    passed_on_reason = models.TextField(
        "Why it was passed on",
        max_length=SHORT_TEXT,
        blank=True,
        help_text=NO_PERSONAL_DETAILS + " " + POLICE_ONLY,
    )
    community_told_passed_on = models.BooleanField(
        "Was the community told at the meeting that it would be passed on?",
        null=True,
        blank=True,
        help_text=SEEN_BY_LIAISONS,
    )

    summary = models.TextField(
        "Summary for the community liaisons",
        max_length=LONG_TEXT,
        blank=True,
        help_text=NO_PERSONAL_DETAILS + " " + SEEN_BY_LIAISONS,
    )
    internal_notes = models.TextField(
        "Internal notes",
        max_length=LONG_TEXT,
        blank=True,
        help_text=NO_PERSONAL_DETAILS + " " + POLICE_ONLY,
    )

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_meetings"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(max_length=SHORT_TEXT, blank=True)
    # Raised by every save; an edit based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    # Retention review (engagement.retention): when the meeting was disposed of, leaving a
    # tombstone, and the next review date its latest keep decision set. Both are written
    # only with a RetentionDecision, which is the record; they are here so that the
    # review queue reads one index and a disposed meeting refuses every change.
    disposed_at = models.DateTimeField(null=True, blank=True, editable=False)
    retention_kept_until = models.DateField(null=True, blank=True, editable=False)
    # The list's full-text search on PostgreSQL: purpose, topics, summary and the group
    # names, kept by engagement.meetings.search.refresh_search_vectors (a generated column
    # cannot read the groups). Always empty on SQLite, which searches the text directly.
    search = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-date", "-start_time"]
        indexes = [
            # The meetings list in each of its orders (queries.meeting.LIST_ORDERS), so a
            # page is read in order from the cursor, never sorted from every visible row;
            # the default list leaves withdrawn meetings out, and so do these.
            models.Index(
                F("date").desc(),
                F("start_time").desc(),
                F("id").desc(),
                name="meeting_list_newest",
                condition=~Q(status="withdrawn"),
            ),
            models.Index(
                "purpose",
                F("date").desc(),
                "id",
                name="meeting_list_purpose",
                condition=~Q(status="withdrawn"),
            ),
            # By status (the list's sort and filter) and the dashboards' status and period.
            models.Index(F("status"), F("date").desc(), F("id"), name="meeting_status_date_id"),
            # The same orders within an officer's unit, which is what an officer sees.
            models.Index(
                "unit",
                F("date").desc(),
                F("start_time").desc(),
                F("id").desc(),
                name="meeting_unit_newest",
                condition=~Q(status="withdrawn"),
            ),
            models.Index(
                "unit",
                "purpose",
                F("date").desc(),
                "id",
                name="meeting_unit_purpose",
                condition=~Q(status="withdrawn"),
            ),
            models.Index("unit", "status", F("date").desc(), "id", name="meeting_unit_status"),
            models.Index(fields=["area", "date"], name="meeting_area_date"),
            models.Index(fields=["author", "status"], name="meeting_author_status"),
            # A liaison's "awaiting your review", oldest first.
            models.Index(fields=["status", "first_submitted_at"], name="meeting_status_submitted"),
            # The retention review queue (engagement.retention.queries), oldest first: the
            # meetings never reviewed, due by their date (nationally, by unit, by area),
            # and the few kept at a review, due again on the date it set.
            *(
                models.Index(
                    fields=[*leading, "date", "id"],
                    name=f"meeting_retention_{name}",
                    condition=Q(disposed_at__isnull=True, retention_kept_until__isnull=True),
                )
                for name, leading in (("due", ()), ("unit_due", ("unit",)), ("area_due", ("area",)))
            ),
            models.Index(
                fields=["retention_kept_until", "date", "id"],
                name="meeting_retention_kept",
                condition=Q(disposed_at__isnull=True, retention_kept_until__isnull=False),
            ),
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
            models.CheckConstraint(
                condition=Q(status__in=["draft", "withdrawn"])
                | (
                    Q(start_time__isnull=False, duration_minutes__isnull=False)
                    & Q(area__isnull=False, attendee_count__isnull=False, passed_on__isnull=False)
                    & ~Q(venue_kind="")
                    & ~Q(initiated_by="")
                    & ~Q(focus="")
                    & ~Q(purpose="")
                    & ~Q(information_shared="")
                    & ~Q(summary="")
                ),
                name="meeting_submitted_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y} – {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting-detail", args=[self.uuid])

    @property
    def title(self) -> str:
        return self.purpose or "Untitled draft"

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def declined_groups(self) -> list:
        """The meeting's groups that had declined counter-terrorism engagement by its date."""
        return [group for group in self.groups.all() if group.has_declined_by(self.date)]

    @property
    def concern_topics(self) -> list[str]:
        return [c.value for c in self.ConcernTopic if getattr(self, c.value)]

    @property
    def concern_topic_labels(self) -> list[str]:
        return [c.label for c in self.ConcernTopic if getattr(self, c.value)]

    @property
    def concern_responses(self) -> list[tuple[str, list]]:
        """Each concern the community asked the police to answer, with the follow-up
        actions that answer it (read from the prefetched follow-ups)."""
        actions = list(self.follow_ups.all())
        return [
            (
                self.ConcernTopic(topic).label,
                [action for action in actions if action.answers_concern == topic],
            )
            for topic in self.concerns_needing_response
        ]

    @property
    def is_editable(self) -> bool:
        # A disposed meeting is a tombstone: its content is gone and it never changes.
        return self.status in self.EDITABLE_STATUSES and self.disposed_at is None

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


# GOV.UK tag colours, one per status, so no template decides them.
STATUS_COLOURS: dict[str, str] = {
    Meeting.Status.DRAFT: "grey",
    Meeting.Status.SUBMITTED: "blue",
    Meeting.Status.REVIEWED: "green",
    Meeting.Status.DISPUTED: "red",
    Meeting.Status.WITHDRAWN: "yellow",
}


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
        max_length=SHORT_TEXT,
        blank=True,
        help_text="Required unless the role was fully disclosed. "
        + NO_PERSONAL_DETAILS
        + " "
        + SEEN_BY_LIAISONS,
    )

    class Meta:
        ordering = ["pk"]
        # The meetings an officer attended (their visibility, their own record); the
        # unique constraint below serves the other way, an officer of a meeting.
        indexes = [models.Index(fields=["officer", "meeting"], name="disclosure_officer_meeting")]
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
