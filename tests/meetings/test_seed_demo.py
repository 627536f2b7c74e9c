from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from engagement.accounts.models import User
from engagement.community.models import Area, CommunityGroup
from engagement.meetings.models import Disclosure, FollowUpAction, Meeting, Review


def seed(**options):
    call_command("seed_demo", meetings=120, allow_production=True, stdout=StringIO(), **options)


def test_seed_demo_builds_a_believable_world(db):
    seed()
    assert set(Area.objects.values_list("risk_level", flat=True)) == {
        "standard",
        "elevated",
        "high",
    }
    assert CommunityGroup.objects.count() >= 29
    assert Meeting.objects.count() == 120
    levels = set(Disclosure.objects.values_list("level", flat=True))
    assert levels == {"full", "partial", "none"}
    statuses = set(Meeting.objects.values_list("status", flat=True))
    assert {"submitted", "reviewed", "disputed"} <= statuses
    assert FollowUpAction.objects.filter(reported_back_on__isnull=False).exists()
    assert Review.objects.exists()
    for username in ("officer", "liaison", "admin"):
        assert User.objects.get(username=username).check_password(f"{username}-demo-pass")
    # Non-full disclosures always carry their reason.
    assert not Disclosure.objects.exclude(level="full").filter(reason="").exists()
    # Every meeting has at least one officer.
    assert not Meeting.objects.annotate(n=Count("disclosures")).filter(n=0).exists()


def test_seed_demo_twice_does_not_duplicate(db):
    seed()
    counts = (User.objects.count(), CommunityGroup.objects.count(), Meeting.objects.count())
    seed()
    assert (User.objects.count(), CommunityGroup.objects.count(), Meeting.objects.count()) == counts


def test_seed_demo_refuses_production_without_the_flag(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("seed_demo", meetings=1)
    assert not Meeting.objects.exists()
