"""An officer logs a meeting, corrects a mistake, submits it and finds it again; and,
interrupted, parks a half-written draft from a phone; and finds a way out of an edit
conflict."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from engagement.meetings.models import DISCLOSURE_REASON_ERROR, Meeting
from engagement.meetings.services import meeting as meeting_services
from tests.e2e.axe import PHONE
from tests.e2e.journeys import nav_link, sign_in, status_tag, success_banner
from tests.factories import CommunityGroupFactory
from tests.meetings.review_steps import parts_of

PURPOSE = "Reassurance after the Marlowbridge flooding"
REASON = "The chair asked us to keep introductions short; the role was explained afterwards."
PROMISE = "Send the flood safety leaflet in three languages"


@pytest.mark.e2e
def test_officer_logs_corrects_submits_and_finds_a_meeting(
    page: Page, live_server, check_page, officer, colleague, area, group, second_group
):
    meeting_date = timezone.localdate() - datetime.timedelta(days=2)
    due_date = timezone.localdate() + datetime.timedelta(days=14)

    page.goto(live_server.url)
    expect(page).to_have_title("Sign in – Engagement Log")
    # The stylesheet really loaded: GOV.UK Frontend compiled with Arial.
    font = page.get_by_role("heading", level=1).evaluate("el => getComputedStyle(el).fontFamily")
    assert "arial" in font.lower()
    check_page(page, "sign-in")
    sign_in(page, "officer")
    check_page(page, "home")

    page.get_by_role("link", name="Log a meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a meeting")
    check_page(page, "meeting-form")

    page.get_by_label("Date of the meeting").fill(meeting_date.isoformat())
    page.get_by_label("Start time").fill("18:30")
    page.get_by_label("Length in minutes").fill("90")
    page.get_by_role("group", name="Venue").get_by_label("Place of worship").check()
    page.get_by_label("Area", exact=True).select_option(label="Northfield")
    page.get_by_label("Northfield Mosque Committee").check()
    page.get_by_role("group", name="Who asked for the meeting").get_by_label("Community").check()
    page.get_by_label("Community-focused").check()
    page.get_by_label("Purpose").fill(PURPOSE)
    page.get_by_label("Topics discussed").fill("flooding, reporting, reassurance")
    page.get_by_label("Community attendees").fill("25")
    page.get_by_label("Attendees under 25").fill("6")
    page.get_by_label("What the police shared").fill("How to report hate crime after the floods.")
    page.get_by_label("Summary for the community liaisons").fill(
        "A calm meeting; the committee asked for regular updates."
    )
    page.get_by_role("group", name="passed to other police systems").get_by_label("No").check()
    page.get_by_label("Internal notes").fill("Follow up with the neighbourhood team.")

    officer_1 = page.get_by_role("group", name="Officer 1")
    expect(officer_1.get_by_label("Officer", exact=True)).to_have_value(str(officer.pk))
    officer_1.get_by_label("Full – stated their counter-terrorism role plainly").check()
    officer_1.get_by_label("Said it out loud").check()
    officer_1.get_by_label("At the start").check()

    officer_2 = page.get_by_role("group", name="Officer 2")
    officer_2.get_by_label("Officer", exact=True).select_option(
        label=f"Priya Shah ({colleague.officer_profile.collar_number})"
    )
    officer_2.get_by_label("Partial – said they were police, not counter-terrorism").check()
    officer_2.get_by_label("Introduced by the liaison").check()
    officer_2.get_by_label("During the meeting").check()
    # No reason given for the partial disclosure: the form must refuse it.

    follow_up = page.get_by_role("group", name="Follow-up 1")
    follow_up.get_by_label("What was promised").fill(PROMISE)
    follow_up.get_by_label("Owner").select_option(label="Sam Okafor")
    follow_up.get_by_label("Owed to").select_option(label="Northfield Mosque Committee")
    follow_up.get_by_label("Due date").fill(due_date.isoformat())

    page.get_by_role("button", name="Save as draft").click()

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    expect(page).to_have_title("Error: Log a meeting – Engagement Log")
    expect(summary.get_by_role("link", name=DISCLOSURE_REASON_ERROR)).to_be_visible()
    officer_2 = page.get_by_role("group", name="Officer 2")
    reason = officer_2.get_by_label("Reason, if not full")
    expect(officer_2.get_by_text(DISCLOSURE_REASON_ERROR)).to_be_visible()
    check_page(page, "meeting-form-with-errors")

    # Nothing typed is lost.
    expect(page.get_by_label("Purpose")).to_have_value(PURPOSE)
    expect(page.get_by_label("Date of the meeting")).to_have_value(meeting_date.isoformat())
    expect(page.get_by_label("Place of worship")).to_be_checked()
    expect(page.get_by_label("Northfield Mosque Committee")).to_be_checked()
    expect(page.get_by_label("Internal notes")).to_have_value(
        "Follow up with the neighbourhood team."
    )
    expect(officer_2.get_by_label("Officer", exact=True)).to_have_value(str(colleague.pk))
    expect(
        officer_2.get_by_label("Partial – said they were police, not counter-terrorism")
    ).to_be_checked()
    expect(
        page.get_by_role("group", name="Follow-up 1").get_by_label("What was promised")
    ).to_have_value(PROMISE)

    summary.get_by_role("link", name=DISCLOSURE_REASON_ERROR).click()
    expect(reason).to_be_focused()
    reason.fill(REASON)
    page.get_by_role("button", name="Save as draft").click()

    expect(success_banner(page)).to_contain_text("Draft saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text(PURPOSE)
    expect(status_tag(page, "Draft")).to_be_visible()

    page.get_by_role("link", name="Edit meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit meeting")
    expect(page.get_by_label("Purpose")).to_have_value(PURPOSE)
    check_page(page, "meeting-edit-form")
    page.get_by_role("button", name="Submit for review").click()

    expect(success_banner(page)).to_contain_text("Meeting submitted for review.")
    expect(status_tag(page, "Submitted")).to_be_visible()
    check_page(page, "meeting-submitted")

    nav_link(page, "Meetings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    check_page(page, "meetings-list")
    page.get_by_label("Search").fill("marlowbridge")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_have_text("1 meeting")
    check_page(page, "meetings-list-filtered")

    page.get_by_role("link", name=PURPOSE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PURPOSE)
    disclosures = page.get_by_role("table", name="What each officer said")
    expect(disclosures.get_by_role("row", name="Sam Okafor")).to_contain_text(
        "Full – stated their counter-terrorism role plainly"
    )
    colleague_row = disclosures.get_by_role("row", name="Priya Shah")
    expect(colleague_row).to_contain_text("Partial – said they were police, not counter-terrorism")
    expect(colleague_row).to_contain_text(REASON)
    follow_ups = page.get_by_role("table", name="What the police promised")
    expect(follow_ups.get_by_role("row", name=PROMISE)).to_contain_text(
        "Northfield Mosque Committee"
    )


@pytest.mark.e2e
def test_officer_parks_a_partial_draft_on_a_phone(
    page: Page, live_server, check_page, officer, group, other_group
):
    """Interrupted on the way out of a meeting: the date and the group, saved as a draft.

    On the way, the group picker shows the officer's area, the character count counts,
    and a group that declined counter-terrorism engagement is flagged before saving."""
    declined = CommunityGroupFactory(
        name="Northfield Women's Network",
        area=group.area,
        declined_engagement_from=timezone.localdate() - datetime.timedelta(days=30),
    )
    meeting_date = timezone.localdate() - datetime.timedelta(days=1)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url)
    sign_in(page, "officer")
    page.get_by_role("link", name="Log a meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a meeting")

    # The area comes from the officer's unit; only its groups are listed.
    expect(page.get_by_label("Area", exact=True)).to_have_value(str(group.area_id))
    groups = page.get_by_role("group", name="Community groups")
    expect(groups.get_by_label("Northfield Mosque Committee")).to_be_visible()
    expect(groups.get_by_label("Southmoor Residents")).to_be_hidden()
    groups.get_by_role("button", name="Show the groups of every area").click()
    expect(groups.get_by_label("Southmoor Residents")).to_be_visible()
    groups.get_by_role("button", name="Show only the groups in Northfield").click()
    expect(groups.get_by_label("Southmoor Residents")).to_be_hidden()

    # A group that declined is marked, and ticking it warns before anything is saved.
    expect(groups.get_by_text("Declined counter-terrorism engagement from")).to_be_visible()
    warning = page.locator("#div_id_confirm_groups")
    expect(warning).to_be_hidden()
    page.get_by_label("Date of the meeting").fill(meeting_date.isoformat())
    groups.get_by_label(declined.name).check()
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(f"{declined.name} has declined counter-terrorism engagement")
    groups.get_by_label(declined.name).uncheck()
    expect(warning).to_be_hidden()
    groups.get_by_label("Northfield Mosque Committee").check()

    # The character count counts as the officer types.
    summary = page.get_by_label("Summary for the community liaisons")
    summary.fill("Started on the bus.")
    count = page.locator("#div_id_summary").locator(".govuk-character-count__status")
    expect(count).to_have_text("You have 4,981 characters remaining")
    check_page(page, "phone-form-half-filled")

    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Save as draft").click()

    expect(success_banner(page)).to_contain_text("Draft saved.")
    expect(status_tag(page, "Draft")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Untitled draft")
    check_page(page, "phone-draft-saved")
    meeting = Meeting.objects.get()
    assert (meeting.status, meeting.date, meeting.summary) == (
        Meeting.Status.DRAFT,
        meeting_date,
        "Started on the bus.",
    )
    assert list(meeting.groups.all()) == [group]


@pytest.mark.e2e
def test_an_edit_conflict_has_a_way_out(
    page: Page, live_server, check_page, officer, colleague, meeting
):
    """A colleague saves while the officer is editing: the officer's save is refused
    with what the colleague changed, nothing typed is lost, and they save over it."""
    page.goto(live_server.url)
    sign_in(page, "officer")
    page.goto(live_server.url + meeting.get_absolute_url())
    page.get_by_role("link", name="Edit meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit meeting")
    page.get_by_label("Purpose").fill("Reassurance visit after the fire")

    meeting.refresh_from_db()
    meeting_services.meeting_update(
        meeting=meeting,
        by=colleague,
        parts=parts_of(meeting, purpose="Fire safety visit"),
        expected_version=meeting.version,
    )
    page.get_by_role("button", name="Save changes").click()

    conflict = page.get_by_role("region", name="Someone else saved this meeting")
    expect(conflict).to_be_visible()
    expect(conflict.get_by_role("listitem")).to_have_text(
        "Purpose: Fire safety visit → Reassurance visit after the fire"
    )
    expect(page.get_by_label("Purpose")).to_have_value("Reassurance visit after the fire")
    check_page(page, "edit-conflict")

    conflict.get_by_role("button", name="Save my version over theirs").click()
    expect(success_banner(page)).to_contain_text("Changes saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reassurance visit after the fire")
