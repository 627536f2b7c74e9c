"""The community checks the record: a liaison disputes one officer's disclosure, the
officer reads exactly what was disputed and corrects it, the liaison confirms it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from engagement.meetings.models import Disclosure, DisclosureConfirmation, Dispute, Meeting, Review
from engagement.meetings.services.review import ESCALATION_REASON_ERROR
from engagement.meetings.views.review import DISPUTED_MESSAGE, ESCALATED_MESSAGE, REVIEWED_MESSAGE
from tests.e2e.journeys import nav_link, sign_in, sign_out, status_tag, success_banner
from tests.factories import DisclosureFactory, MeetingFactory
from tests.meetings.review_steps import answers, review

PURPOSE = "Listening session on the new CCTV cameras"
COMMENTS = "He was introduced as a neighbourhood officer; counter-terrorism never came up."
NOTE = "Sam's disclosure is now recorded as partial: he said police, not counter-terrorism."
REASON = "Introduced as neighbourhood police by the chair; CT role not mentioned."
SAM = "Was Sam Okafor’s counter-terrorism role made clear to the group?"
PRIYA = "Was Priya Shah’s counter-terrorism role made clear to the group?"
ESCALATION = "The group and the officers still remember the introductions differently."
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


@pytest.mark.e2e
def test_officer_escalates_a_dispute_and_the_admin_reads_both_accounts(
    page: Page, live_server, check_page, officer, unit, area, group, liaison, admin_user
):
    meeting = MeetingFactory(author=officer, unit=unit, area=area, groups=[group], purpose=PURPOSE)
    DisclosureFactory(meeting=meeting, officer=officer)
    review(
        meeting,
        liaison,
        accuracy=Review.Accuracy.INACCURATE,
        confirmations=answers(meeting, officer=DisclosureConfirmation.Answer.UNSURE),
        comments=COMMENTS,
    )

    page.goto(live_server.url)
    sign_in(page, "officer")
    open_meeting(page)
    page.get_by_role("link", name="Mark as unresolved and escalate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark the dispute as unresolved")
    expect(page.get_by_role("main")).to_contain_text(COMMENTS)
    check_page(page, "escalate")
    page.get_by_role("button", name="Escalate to the admins").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_contain_text(
        ESCALATION_REASON_ERROR
    )
    check_page(page, "escalate-with-error")
    page.get_by_label("Why is the dispute unresolved?").fill(ESCALATION)
    page.get_by_role("button", name="Escalate to the admins").click()
    expect(success_banner(page)).to_contain_text(ESCALATED_MESSAGE)
    expect(page.get_by_role("main")).to_contain_text("escalated on")
    sign_out(page)

    sign_in(page, "lead")
    page.goto(live_server.url + reverse("meetings:dispute-escalated-list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Escalated disputes")
    card = page.locator(".govuk-summary-card").filter(has_text=PURPOSE)
    expect(card).to_contain_text(COMMENTS)
    expect(card).to_contain_text(ESCALATION)
    expect(card.get_by_role("row", name="Sam Okafor")).to_contain_text("Unsure")
    check_page(page, "escalated-list")
