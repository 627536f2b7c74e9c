import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from engagement.accounts.models import OfficerProfile, Role, Unit, User
from engagement.community.models import Area, CommunityGroup
from engagement.meetings.models import (
    Disclosure,
    DisclosureConfirmation,
    FollowUpAction,
    Meeting,
    ReportBackConfirmation,
    Review,
)

PASSWORD = "correct-horse-battery"


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Area {n}")
    code = factory.Sequence(lambda n: f"A{n}")
    risk_level = Area.RiskLevel.STANDARD


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Unit {n}")
    area = factory.SubFactory(AreaFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if extracted and create:
            user.groups.add(Group.objects.get_or_create(name=extracted)[0])


class OfficerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficerProfile

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    collar_number = factory.Sequence(lambda n: f"C{n:04d}")
    role_title = "CT engagement officer"


def make_officer(*, unit: Unit, **kwargs) -> User:
    user = UserFactory(role=Role.OFFICER, **kwargs)
    OfficerProfileFactory(user=user, unit=unit)
    return user


def make_liaison(*groups: CommunityGroup, **kwargs) -> User:
    user = UserFactory(role=Role.LIAISON, **kwargs)
    for group in groups:
        group.liaisons.add(user)
    return user


def make_admin(**kwargs) -> User:
    return UserFactory(role=Role.ADMIN, **kwargs)


class CommunityGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityGroup

    name = factory.Sequence(lambda n: f"Community group {n}")
    kind = CommunityGroup.Kind.FAITH
    area = factory.SubFactory(AreaFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A submitted meeting; pass `groups=[...]` and `officers=[...]` for its parts."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    start_time = datetime.time(18, 30)
    duration_minutes = 60
    venue_kind = Meeting.VenueKind.COMMUNITY_VENUE
    area = factory.SubFactory(AreaFactory)
    unit = factory.SubFactory(UnitFactory)
    initiated_by = Meeting.InitiatedBy.COMMUNITY
    focus = Meeting.Focus.COMMUNITY_FOCUSED
    purpose = factory.Sequence(lambda n: f"Community meeting number {n}")
    topics = "hate crime, reporting"
    attendee_count = 12
    under_25_count = 3
    under_18_count = 0
    information_shared = "How to report hate crime."
    summary = "A friendly meeting about reporting hate crime."
    internal_notes = "Secret internal note for police eyes only."
    passed_on = False
    status = Meeting.Status.SUBMITTED
    author = factory.SubFactory(UserFactory)
    first_submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def groups(meeting, create, extracted, **kwargs):
        if create and extracted:
            meeting.groups.set(extracted)

    @factory.post_generation
    def officers(meeting, create, extracted, **kwargs):
        if create and extracted:
            for officer in extracted:
                DisclosureFactory(meeting=meeting, officer=officer)


class DisclosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disclosure

    meeting = factory.SubFactory(MeetingFactory)
    officer = factory.SubFactory(UserFactory)
    level = Disclosure.Level.FULL
    method = Disclosure.Method.VERBAL
    timing = Disclosure.Timing.START
    reason = ""


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpAction

    meeting = factory.SubFactory(MeetingFactory)
    description = "Send the reporting leaflet"
    owner = factory.SubFactory(UserFactory)
    owed_to = factory.SubFactory(CommunityGroupFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    meeting = factory.SubFactory(MeetingFactory)
    liaison = factory.SubFactory(UserFactory)
    meeting_version = 1
    accuracy = Review.Accuracy.ACCURATE
    trust_effect = Review.TrustEffect.IMPROVED


class ConfirmationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisclosureConfirmation

    review = factory.SubFactory(ReviewFactory)
    disclosure = factory.SubFactory(DisclosureFactory)
    answer = DisclosureConfirmation.Answer.YES
    recorded_level = factory.SelfAttribute("disclosure.level")


class ReportBackConfirmationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportBackConfirmation

    follow_up = factory.SubFactory(FollowUpFactory)
    liaison = factory.SubFactory(UserFactory)
    follow_up_version = factory.SelfAttribute("follow_up.version")
    reported_back_on = factory.LazyFunction(timezone.localdate)
    answer = ReportBackConfirmation.Answer.YES
