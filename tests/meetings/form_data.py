"""POST data for the meeting form, as a browser would send it."""

import datetime

from django.utils import timezone


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
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


def follow_up(
    index: int,
    owner,
    group,
    due_date,
    description="Send the hate crime leaflet",
    answers_concern="",
):
    prefix = f"follow_ups-{index}"
    return {
        f"{prefix}-description": description,
        f"{prefix}-owner": str(owner.pk),
        f"{prefix}-owed_to": str(group.pk),
        f"{prefix}-answers_concern": answers_concern,
        f"{prefix}-due_date": due_date.isoformat(),
    }


def blank_disclosure(index: int, officer=None) -> dict:
    """A row as the browser sends it untouched: the first offers the signed-in officer."""
    prefix = f"disclosures-{index}"
    return {
        f"{prefix}-officer": str(officer.pk) if officer else "",
        f"{prefix}-level": "",
        f"{prefix}-method": "",
        f"{prefix}-timing": "",
        f"{prefix}-reason": "",
    }


def partial_draft(*, group, officer, day=None, submit=False, **overrides) -> dict:
    """The form as an interrupted officer leaves it: a date, one group, nothing else.

    The first officer row still offers the signed-in officer, as the page does."""
    day = day or timezone.localdate() - datetime.timedelta(days=1)
    data = {
        "date": day.isoformat(),
        "groups": [str(group.pk)],
        "version": "",
        **management("disclosures", 3),
        **blank_disclosure(0, officer),
        **blank_disclosure(1),
        **blank_disclosure(2),
        **management("follow_ups", 1),
        "follow_ups-0-description": "",
        "follow_ups-0-owner": "",
        "follow_ups-0-owed_to": "",
        "follow_ups-0-answers_concern": "",
        "follow_ups-0-due_date": "",
        ("submit" if submit else "save"): "1",
    }
    return data | overrides


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
