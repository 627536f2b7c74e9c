from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from engagement.accounts.models import User
from engagement.audit.models import AuditEvent
from engagement.community.models import Area, CommunityGroup
from engagement.meetings.models import (
    Disclosure,
    Dispute,
    FollowUpAction,
    Meeting,
    ReportBackConfirmation,
    Review,
)


def seed(meetings=120, **options):
    call_command(
        "seed_demo", meetings=meetings, allow_production=True, stdout=StringIO(), **options
    )


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
    seed(meetings=20)
    counts = (User.objects.count(), CommunityGroup.objects.count(), Meeting.objects.count())
    seed(meetings=20)
    assert (User.objects.count(), CommunityGroup.objects.count(), Meeting.objects.count()) == counts


def test_seed_demo_refuses_production_without_the_flag(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("seed_demo", meetings=1)
    assert not Meeting.objects.exists()


def test_seed_demo_replays_the_workflow_the_app_enforces(db):
    seed()
    # Histories read in the order things happened.
    for meeting in Meeting.objects.exclude(status="draft")[:60]:
        actions = list(
            AuditEvent.objects.filter(meeting=meeting)
            .order_by("at", "pk")
            .values_list("action", flat=True)
        )
        assert actions[:2] == ["create", "submit"], (meeting, actions)
        if meeting.status in ("reviewed", "disputed"):
            assert "review" in actions
    # Disputed and reviewed only as a review decided; disputes at every stage.
    for meeting in Meeting.objects.filter(status="disputed"):
        assert meeting.disputes.exists()
    assert set(Dispute.objects.values_list("status", flat=True)) >= {
        "open",
        "resolved",
        "escalated",
    }
    assert ReportBackConfirmation.objects.exists()
    assert (
        FollowUpAction.objects.filter(status="cancelled").exclude(cancellation_reason="").exists()
    )
    asked = Meeting.objects.exclude(concerns_needing_response=[])
    assert asked.exists()
    for meeting in asked:
        assert all(actions for _, actions in meeting.concern_responses)
    for meeting in Meeting.objects.exclude(status="draft"):
        meeting.full_clean()
