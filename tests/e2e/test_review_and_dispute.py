"""The community checks the record: a liaison disputes one officer's disclosure, the
officer reads exactly what was disputed and corrects it, the liaison confirms it."""

import re

import pytest
from playwright.sync_api import Page, expect

from engagement.meetings.models import Disclosure, Dispute, Meeting
from engagement.meetings.views.review import DISPUTED_MESSAGE, REVIEWED_MESSAGE
from tests.e2e.journeys import nav_link, sign_in, sign_out, status_tag, success_banner
from tests.factories import DisclosureFactory, MeetingFactory

PURPOSE = "Listening session on the new CCTV cameras"
COMMENTS = "He was introduced as a neighbourhood officer; counter-terrorism never came up."
NOTE = "Sam's disclosure is now recorded as partial: he said police, not counter-terrorism."
REASON = "Introduced as neighbourhood police by the chair; CT role not mentioned."
SAM = "Was Sam Okafor’s counter-terrorism role made clear to the group?"
PRIYA = "Was Priya Shah’s counter-terrorism role made clear to the group?"
ACCURACY = "Is the record of the meeting accurate?"
TRUST = "What effect did the meeting have on trust between the group and the police?"


def open_meeting(page: Page) -> None:
    nav_link(page, "Meetings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    page.get_by_role("link", name=PURPOSE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PURPOSE)


def answer(page: Page, question: str, label: str) -> None:
    page.get_by_role("group", name=question).get_by_label(label, exact=True).check()


@pytest.mark.e2e
def test_liaison_disputes_a_disclosure_officer_corrects_it_and_liaison_confirms(
    page: Page, live_server, check_page, officer, colleague, unit, area, group, liaison
):
    meeting = MeetingFactory(author=officer, unit=unit, area=area, groups=[group], purpose=PURPOSE)
    DisclosureFactory(meeting=meeting, officer=officer)
    DisclosureFactory(
        meeting=meeting,
        officer=colleague,
        level=Disclosure.Level.PARTIAL,
        reason="Came as the local neighbourhood sergeant.",
    )

    # The liaison reviews it and does not confirm Sam's full disclosure.
    page.goto(live_server.url)
    sign_in(page, "liaison")
    open_meeting(page)
    page.get_by_role("link", name="Review this meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review the meeting")
    expect(page.get_by_role("group", name=SAM)).to_contain_text(
        "What the officers recorded: Full – stated their counter-terrorism role plainly."
    )
    expect(page.get_by_role("main")).not_to_contain_text(meeting.internal_notes)
    check_page(page, "review-form")

    page.get_by_label("Comments").fill(COMMENTS)
    page.get_by_role("button", name="Send review").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Answer whether Sam Okafor’s counter-terrorism role")
    expect(page.get_by_label("Comments")).to_have_value(COMMENTS)
    check_page(page, "review-form-with-errors")

    answer(page, ACCURACY, "Accurate")
    answer(page, SAM, "No")
    answer(page, PRIYA, "Yes")
    answer(page, TRUST, "Unchanged")
    page.get_by_role("button", name="Send review").click()
    expect(success_banner(page)).to_contain_text(DISPUTED_MESSAGE)
    expect(status_tag(page, "Disputed")).to_be_visible()
    sign_out(page)

    # The officer reads exactly what was disputed, and corrects the record.
    sign_in(page, "officer")
    open_meeting(page)
    disputed = page.get_by_role("region", name="What was disputed")
    expect(disputed).to_contain_text("Dispute: Awaiting the officer's correction")
    expect(disputed).to_contain_text(COMMENTS)
    sam_row = disputed.get_by_role("row", name="Sam Okafor")
    expect(sam_row).to_contain_text("Full – stated their counter-terrorism role plainly")
    expect(sam_row).to_contain_text("No")
    expect(disputed.get_by_role("row", name="Priya Shah")).to_have_count(0)
    check_page(page, "meeting-disputed")

    disputed.get_by_role("link", name="Correct the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit meeting")
    officer_1 = page.get_by_role("group", name="Officer 1")
    officer_1.get_by_label("Partial – said they were police, not counter-terrorism").check()
    officer_1.get_by_label("Reason, if not full").fill(REASON)
    page.get_by_label("What did you correct?").fill(NOTE)
    page.get_by_role("button", name="Submit correction").click()
    expect(success_banner(page)).to_contain_text("Meeting submitted for review.")
    expect(status_tag(page, "Submitted")).to_be_visible()
    expect(page.get_by_role("region", name="What was disputed")).to_contain_text(
        "Corrected, awaiting a new review"
    )
    sign_out(page)

    # The liaison sees the note and what changed, and confirms everything.
    sign_in(page, "liaison")
    open_meeting(page)
    page.get_by_role("link", name="Review this meeting").click()
    correction = page.locator("#correction")
    expect(correction).to_contain_text(NOTE)
    expect(
        correction.get_by_role("listitem").filter(has_text="Disclosure: Sam Okafor")
    ).to_contain_text("Partial")
    expect(page.get_by_role("group", name=SAM)).to_contain_text("Changed since the dispute")
    expect(page.get_by_role("group", name=PRIYA)).not_to_contain_text("Changed since the dispute")
    check_page(page, "re-review-form")

    answer(page, ACCURACY, "Accurate")
    answer(page, SAM, "Yes")
    answer(page, PRIYA, "Yes")
    answer(page, TRUST, "Improved")
    page.get_by_role("button", name="Send review").click()
    expect(success_banner(page)).to_contain_text(REVIEWED_MESSAGE)
    expect(status_tag(page, "Reviewed")).to_be_visible()
    reviews = page.get_by_role("region", name=re.compile(r"^Answers in review \d by Amina Rahman"))
    expect(reviews).to_have_count(2)
    expect(reviews.nth(0).get_by_role("row", name="Sam Okafor")).to_contain_text("No")
    expect(reviews.nth(1).get_by_role("row", name="Sam Okafor")).to_contain_text("Yes")
    check_page(page, "meeting-reviewed")

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.REVIEWED
    assert Dispute.objects.get(meeting=meeting).status == Dispute.Status.RESOLVED
