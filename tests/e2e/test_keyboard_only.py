"""Signing in and logging a whole meeting with the keyboard alone, focus always visible."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from engagement.meetings.models import Meeting
from tests.e2e.journeys import success_banner
from tests.e2e.keyboard import press, press_to_navigate, tab_to, type_date
from tests.factories import PASSWORD

PURPOSE = "Keyboard logged meeting about the summer festival"


def type_into(page: Page, name: str, text: str, *, within: str | None = None) -> None:
    tab_to(page, name, within=within)
    page.keyboard.press("ControlOrMeta+A")  # replace any default, such as a 0 count
    page.keyboard.type(text)


def choose_option(page: Page, name: str, option: str, *, within: str | None = None) -> None:
    """A closed <select> picks the first option starting with the letters typed."""
    tab_to(page, name, within=within)
    page.keyboard.type(option)
    chosen = page.evaluate("() => document.activeElement.selectedOptions[0].text")
    assert chosen.startswith(option), f"{name}: typed {option!r}, chose {chosen!r}"


def choose_radio(page: Page, group: str, first: str, arrow_presses: int = 0) -> dict:
    """Tab into a radio group (focus lands on its first radio), then move with the
    arrow keys, which also select; with no arrow presses, Space selects the first."""
    element = tab_to(page, first, within=group)
    if arrow_presses == 0:
        element = press(page, "Space")
    for _ in range(arrow_presses):
        element = press(page, "ArrowDown")
    assert element["checked"], element
    return element


def tick(page: Page, name: str, *, within: str | None = None) -> None:
    tab_to(page, name, within=within)
    assert press(page, "Space")["checked"]


@pytest.mark.e2e
def test_officer_logs_a_meeting_with_the_keyboard_alone(
    page: Page, live_server, check_page, officer, colleague, area, group, second_group
):
    # Dates whose day and month match type the same in any segment order (keyboard.py).
    last_year = timezone.localdate().year - 1
    meeting_date = datetime.date(last_year, 3, 3)
    due_date = datetime.date(last_year, 4, 4)

    page.goto(live_server.url)
    check_page(page, "sign-in")
    assert tab_to(page, "Skip to main content")["tag"] == "a"
    type_into(page, "Username", "officer")
    type_into(page, "Password", PASSWORD)
    press_to_navigate(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    check_page(page, "home")

    tab_to(page, "Log a meeting")
    press_to_navigate(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a meeting")
    check_page(page, "meeting-form")

    tab_to(page, "Date of the meeting")
    type_date(page, meeting_date)
    type_into(page, "Start time", "1830")
    type_into(page, "Length in minutes", "45")
    venue = choose_radio(page, "Venue", "Community venue", arrow_presses=2)
    assert venue["name"] == "School or college"
    choose_option(page, "Area", "Northfield")
    tick(page, "Northfield Youth Forum", within="Community groups")
    assert choose_radio(page, "Who asked for the meeting", "Police")["name"] == "Police"
    assert choose_radio(page, "Focus", "Community-focused", 1)["name"] == "Targeted"
    type_into(page, "Purpose", PURPOSE)
    type_into(page, "Topics discussed", "festival, safety")
    type_into(page, "Community attendees", "30")
    type_into(page, "Attendees under 25", "12")
    type_into(page, "What the police shared", "Festival safety advice and who to call.")
    tick(page, "Young people and schools", within="Topics of concern")
    type_into(page, "Summary for the community liaisons", "Useful planning for the festival.")
    passed_on = choose_radio(page, "Was anything from the meeting passed", "Yes", 1)
    assert passed_on["name"] == "No"
    type_into(page, "Internal notes", "Planned with the youth workers.")

    choose_radio(page, "Officer 1", "Full – stated their counter-terrorism role plainly")
    choose_radio(page, "Officer 1", "Said it out loud")
    choose_radio(page, "Officer 1", "At the start")
    choose_option(page, "Officer", "Priya", within="Officer 2")
    choose_radio(page, "Officer 2", "Full – stated their counter-terrorism role plainly", 2)
    choose_radio(page, "Officer 2", "Said it out loud", 3)
    choose_radio(page, "Officer 2", "At the start", 2)
    type_into(page, "Reason, if not full", "Off duty, attending as a parent.", within="Officer 2")

    type_into(page, "What was promised", "Share the festival contact card", within="Follow-up 1")
    choose_option(page, "Owner", "Priya", within="Follow-up 1")
    choose_option(page, "Owed to", "Northfield Youth", within="Follow-up 1")
    tab_to(page, "Due date", within="Follow-up 1")
    type_date(page, due_date)

    tab_to(page, "Submit for review")
    press_to_navigate(page)

    expect(success_banner(page)).to_contain_text("Meeting submitted for review.")
    expect(page.get_by_role("heading", level=1)).to_have_text(PURPOSE)
    check_page(page, "submitted")

    meeting = Meeting.objects.get(purpose=PURPOSE)
    assert meeting.status == Meeting.Status.SUBMITTED
    assert meeting.date == meeting_date
    assert meeting.venue_kind == Meeting.VenueKind.SCHOOL
    assert meeting.focus == Meeting.Focus.TARGETED
    assert meeting.passed_on is False
    assert meeting.concern_young_people
    assert list(meeting.groups.all()) == [second_group]
    levels = {d.officer: (d.level, d.method, d.timing) for d in meeting.disclosures.all()}
    assert levels == {
        officer: ("full", "verbal", "start"),
        colleague: ("none", "known", "end"),
    }
    (action,) = meeting.follow_ups.all()
    assert (action.owner, action.owed_to, action.due_date) == (colleague, second_group, due_date)
