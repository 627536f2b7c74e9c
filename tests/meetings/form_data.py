"""POST data for the meeting form, as a browser would send it."""

import datetime

from django.utils import timezone


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "1" if prefix == "disclosures" else "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def disclosure(index: int, officer, level="full", reason="", method="verbal", timing="start"):
    prefix = f"disclosures-{index}"
    return {
        f"{prefix}-officer": str(officer.pk),
        f"{prefix}-level": level,
        f"{prefix}-method": method,
        f"{prefix}-timing": timing,
        f"{prefix}-reason": reason,
    }


def follow_up(index: int, owner, group, due_date, description="Send the hate crime leaflet"):
    prefix = f"follow_ups-{index}"
    return {
        f"{prefix}-description": description,
        f"{prefix}-owner": str(owner.pk),
        f"{prefix}-owed_to": str(group.pk),
        f"{prefix}-due_date": due_date.isoformat(),
    }


def meeting_data(*, area, groups, officers, follow_ups=(), submit=True, **overrides) -> dict:
    """A valid meeting: `officers` is a list of (officer, level, reason) or officers."""
    day = timezone.localdate() - datetime.timedelta(days=1)
    data = {
        "date": day.isoformat(),
        "start_time": "18:30",
        "duration_minutes": "90",
        "venue_kind": "community_venue",
        "area": str(area.pk),
        "groups": [str(group.pk) for group in groups],
        "initiated_by": "community",
        "focus": "community",
        "purpose": "Reassurance after the bridge incident",
        "topics": "hate crime, reporting, festival safety",
        "attendee_count": "20",
        "under_25_count": "5",
        "under_18_count": "0",
        "information_shared": "How to report hate crime; who the team are.",
        "concerns_raised": "Worries about being watched.",
        "concern_topics": ["concern_surveillance", "concern_hate_crime"],
        "passed_on": "False",
        "summary": "Constructive meeting with the committee about reporting.",
        "internal_notes": "Keep the same officers.",
        "version": "",
    }
    rows = [item if isinstance(item, tuple) else (item, "full", "") for item in officers]
    data |= management("disclosures", max(len(rows), 1))
    for index, (officer, level, reason) in enumerate(rows):
        data |= disclosure(index, officer, level, reason)
    data |= management("follow_ups", max(len(follow_ups), 1))
    for index, (owner, group, due) in enumerate(follow_ups):
        data |= follow_up(index, owner, group, due)
    data |= {"submit": "1"} if submit else {"save": "1"}
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
