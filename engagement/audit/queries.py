from dataclasses import dataclass

from engagement.audit.models import AuditEvent

# Field names as a person reads them in a history.
FIELD_LABELS = {
    "duration_minutes": "Length in minutes",
    "venue_kind": "Venue",
    "initiated_by": "Who asked for the meeting",
    "attendee_count": "Community attendees",
    "under_25_count": "Attendees under 25",
    "under_18_count": "Attendees under 18",
    "responsible_adult_present": "Responsible adult present",
    "information_shared": "What the police shared",
    "concerns_raised": "Concerns raised",
    "passed_on": "Passed on",
    "passed_on_kind": "What kind was passed on",
    "passed_on_reason": "Why it was passed on",
    "community_told_passed_on": "Community told it would be passed on",
    "internal_notes": "Internal notes",
}


@dataclass
class HistoryEntry:
    event: AuditEvent
    changes: list[tuple[str, str, str]]

    @property
    def title(self) -> str:
        return self.event.get_action_display()

    @property
    def reason(self) -> str:
        return self.event.reason


def field_label(name: str) -> str:
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    if name.startswith("follow-up "):
        # Keyed by the action's id so two alike actions never share an entry.
        return "Follow-up"
    text = name.removeprefix("concern_").replace("_", " ")
    return text[:1].upper() + text[1:]


def meeting_history(*, meeting, police_only_fields: frozenset[str] | None) -> list[HistoryEntry]:
    """What happened to a meeting, newest first; reads are left out of the timeline.

    `police_only_fields` are hidden from the changes shown (pass the meeting's set for a
    liaison, None for police and admins).
    """
    events = (
        AuditEvent.objects.filter(meeting=meeting)
        .exclude(action=AuditEvent.Action.VIEW)
        .select_related("actor")
        .order_by("-at", "-pk")
    )
    hidden = police_only_fields or frozenset()
    return [
        HistoryEntry(
            event=event,
            changes=[
                (field_label(name), old, new)
                for name, (old, new) in event.changes.items()
                if name not in hidden
            ],
        )
        for event in events
    ]
