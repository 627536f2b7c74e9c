"""The meeting form's markup written in Python (engagement/govuk_html.py) is the markup
Django's widget templates and crispy-forms-gds write; its selects are read once a page,
for every row, and never kept from one page to the next."""

import datetime
from pathlib import Path

import pytest
from crispy_forms.utils import default_field_template, render_crispy_form
from django.db import connection
from django.forms.renderers import get_default_renderer
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagement.govuk_html import GOVUK_FORM_RENDERER, SharedOptions
from engagement.meetings.forms.bundle import MeetingFormBundle
from engagement.meetings.forms.meeting import REMOVE_OFFICER_LABEL
from engagement.meetings.models import Meeting
from tests.factories import (
    CommunityGroupFactory,
    DisclosureFactory,
    FollowUpFactory,
    MeetingFactory,
    make_officer,
)
from tests.meetings.form_data import disclosure, management, meeting_data
from tests.meetings.form_page import Element, errors_next_to, page, parse

CREATE_URL = reverse("meetings:meeting-create")


def edit_url(meeting) -> str:
    return reverse("meetings:meeting-edit", args=[meeting.uuid])


def markup(html: str) -> list[tuple]:
    """The elements, attributes and words of `html` in order, as a browser reads them:
    whitespace between tags and inside text does not count, nor its amount inside a
    list of classes or of ids."""

    def walk(element: Element):
        lists = ("class", "aria-describedby")
        attrs = tuple(
            (name, " ".join((value or "").split()) if name in lists else value)
            for name, value in element.attrs.items()
        )
        yield ("<", element.tag, attrs)
        for child in element.children:
            if isinstance(child, str):
                if words := " ".join(child.split()):
                    yield ("text", words)
            else:
                yield from walk(child)
        yield (">", element.tag)

    return list(walk(parse(html)))


def forms_of(bundle: MeetingFormBundle) -> list:
    return [bundle.form, *bundle.disclosures.forms, *bundle.follow_ups.forms]


def as_django_writes_it(form):
    """`form` rendered by Django's own widget templates, selects included."""
    form.renderer = get_default_renderer()
    for field in form.fields.values():
        if isinstance(
            field.widget.choices if hasattr(field.widget, "choices") else (), SharedOptions
        ):
            field.widget.choices = list(field.widget.choices)
    return form


@pytest.fixture
def meeting_with_rows(officer, colleague, unit, area, group, second_group):
    """A meeting with three officers (one who did not fully disclose) and two follow-ups."""
    meeting = MeetingFactory(
        author=officer, unit=unit, area=area, groups=[group, second_group], officers=[officer]
    )
    DisclosureFactory(meeting=meeting, officer=colleague, level="partial", reason="Late <b>")
    DisclosureFactory(meeting=meeting, officer=make_officer(unit=unit), level="none", reason="x")
    due = timezone.localdate() + datetime.timedelta(days=7)
    FollowUpFactory(meeting=meeting, owner=officer, owed_to=group, due_date=due)
    FollowUpFactory(meeting=meeting, owner=colleague, owed_to=second_group, due_date=due)
    return meeting


@pytest.fixture
def bundles(officer, colleague, area, group, other_group, meeting_with_rows):
    """Each way the form is shown: a new meeting, one with rows, the rows with errors,
    one more row asked for (errors not shown), a disputed meeting's correction."""
    rejected = meeting_data(
        area=area,
        groups=[group, other_group],  # another area's group: to be confirmed
        officers=[officer, (colleague, "partial", "")],
        follow_ups=[(officer, group, timezone.localdate() - datetime.timedelta(days=9))],
        attendee_count="many",
        purpose="",
        under_25_count="3",
    )
    disputed = MeetingFactory(
        author=officer, area=area, groups=[group], officers=[officer], status="disputed"
    )

    def rejected_bundle():
        bundle = MeetingFormBundle.from_post(rejected, user=officer)
        assert not bundle.is_valid()
        return bundle

    return {
        "new": lambda: MeetingFormBundle(user=officer),
        "with rows": lambda: MeetingFormBundle(meeting=meeting_with_rows, user=officer),
        "rejected": rejected_bundle,
        "row added": lambda: MeetingFormBundle.from_post(
            rejected | {"add_officer": "1"}, user=officer
        ),
        "disputed": lambda: MeetingFormBundle(meeting=disputed, user=officer),
    }


@pytest.mark.parametrize("shown", ["new", "with rows", "rejected", "row added", "disputed"])
def test_the_widgets_are_written_as_djangos_templates_write_them(bundles, shown):
    attrs_given = [None, {"aria-describedby": "x_hint", "class": 'a "b" <c>', "required": True}]
    bundle = bundles[shown]()
    for formset in (bundle.disclosures, bundle.follow_ups):
        management = formset.management_form
        assert management.render() == management.render(renderer=get_default_renderer())
    compared = 0
    for form in forms_of(bundle):
        for field in form:
            widget = field.field.widget
            for attrs in attrs_given:
                ours = widget.render(field.html_name, field.value(), attrs, GOVUK_FORM_RENDERER)
                if isinstance(getattr(widget, "choices", None), SharedOptions):
                    plain = type(widget).__mro__[1](widget.attrs, list(widget.choices))
                else:
                    plain = widget
                django = plain.render(field.html_name, field.value(), attrs, get_default_renderer())
                assert ours == django, field.html_name
                compared += 1
    assert compared > 40


@pytest.mark.parametrize("shown", ["new", "with rows", "rejected", "row added", "disputed"])
def test_the_layout_is_written_as_crispy_forms_gds_writes_it(bundles, shown):
    ours = [form.as_govuk() for form in forms_of(bundles[shown]())]
    # A second bundle: crispy-forms-gds sets attributes on the widgets it renders.
    theirs = [render_crispy_form(as_django_writes_it(form)) for form in forms_of(bundles[shown]())]

    assert len(ours) == len(theirs) > 1
    for mine, crispy in zip(ours, theirs, strict=True):
        assert markup(mine) == markup(crispy)


def crispy_forms_gds_own_templates(tmp_path):
    """The template settings with templates/ but for templates/gds/, so crispy-forms-gds
    uses its own."""
    from django.conf import settings

    (engine,) = settings.TEMPLATES
    (ours,) = engine["DIRS"]
    for folder in Path(ours).iterdir():
        if folder.name != "gds":
            (tmp_path / folder.name).symlink_to(folder)
    return override_settings(TEMPLATES=[{**engine, "DIRS": [tmp_path]}])


@pytest.mark.parametrize("shown", ["with rows", "rejected", "row added"])
def test_the_lean_templates_write_what_crispy_forms_gds_writes(bundles, shown, tmp_path):
    """templates/gds/ writes crispy-forms-gds's markup with fewer templates, but for the
    inline radios, to which it adds the base class GOV.UK Frontend needs."""
    ours = [render_crispy_form(form) for form in forms_of(bundles[shown]())]
    default_field_template.cache_clear()  # crispy-forms keeps the field template it found
    try:
        with crispy_forms_gds_own_templates(tmp_path):
            theirs = [render_crispy_form(form) for form in forms_of(bundles[shown]())]
    finally:
        default_field_template.cache_clear()

    fixed = 'class="govuk-radios govuk-radios--inline'
    assert any(fixed in html for html in ours)
    for mine, original in zip(ours, theirs, strict=True):
        original = original.replace('class="govuk-radios--inline', fixed)
        assert markup(mine) == markup(original)


# The selects of every row: read once a page, for all the rows.


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_edit_form_reads_the_officers_once_however_many_rows(client, officer, unit, meeting):
    client.force_login(officer)
    one_row = count_queries(client, edit_url(meeting))
    for _ in range(4):
        DisclosureFactory(meeting=meeting, officer=make_officer(unit=unit))
    FollowUpFactory(meeting=meeting, owner=officer, owed_to=meeting.groups.get())

    assert count_queries(client, edit_url(meeting)) == one_row


def test_more_rows_asked_for_do_not_read_the_officers_again(
    client, officer, area, group, django_assert_max_num_queries
):
    client.force_login(officer)
    data = meeting_data(area=area, groups=[group], officers=[officer], submit=False)
    data.pop("save")
    with django_assert_max_num_queries(60) as one_more:
        client.post(CREATE_URL, data | {"add_officer": "1"})
    data |= management("disclosures", 6)
    with django_assert_max_num_queries(len(one_more.captured_queries)):
        response = client.post(CREATE_URL, data | {"add_officer": "1"})
    assert len(page(response).find_all("select", name="disclosures-6-officer")) == 1


def test_posted_follow_ups_are_not_looked_up_again_row_by_row(
    client, officer, colleague, area, group
):
    """Each row's owner and group is one the page read, once for all rows: re-showing the
    form with an error reads no more for four follow-ups than for one."""
    client.force_login(officer)
    due = timezone.localdate() + datetime.timedelta(days=7)

    def rejected(rows: int) -> int:
        actions = [(officer if n % 2 else colleague, group, due) for n in range(rows)]
        data = meeting_data(
            area=area, groups=[group], officers=[officer], follow_ups=actions, purpose=""
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.post(CREATE_URL, data).status_code == 400
        return len(queries)

    assert rejected(4) == rejected(1)


def option_labels(document: Element, name: str) -> list[str]:
    (select,) = document.find_all("select", name=name)
    return [option.text for option in select.find_all("option")]


def test_each_page_offers_the_officers_and_groups_there_are_now(client, officer, unit, area):
    """What one page read is not offered on the next: a group added or closed, an
    officer posted in, show on the next page."""
    client.force_login(officer)
    closing = CommunityGroupFactory(area=area, name="Closing Youth Club")
    before = page(client.get(CREATE_URL))
    assert "Closing Youth Club" in option_labels(before, "follow_ups-0-owed_to")

    CommunityGroupFactory(area=area, name="Riverside Allotment Society")
    closing.active = False
    closing.save()
    make_officer(unit=unit, first_name="Newly", last_name="Posted")
    after = page(client.get(CREATE_URL))

    groups = option_labels(after, "follow_ups-0-owed_to")
    assert "Riverside Allotment Society" in groups
    assert "Closing Youth Club" not in groups
    for name in ("disclosures-0-officer", "disclosures-2-officer", "follow_ups-0-owner"):
        assert any(label.startswith("Newly Posted") for label in option_labels(after, name))


def test_two_pages_do_not_share_their_options(officer):
    first, second = MeetingFormBundle(user=officer), MeetingFormBundle(user=officer)
    ours = first.disclosures.forms[0].fields["officer"].choices
    assert ours is first.disclosures.forms[1].fields["officer"].choices  # one list a page
    assert ours is not second.disclosures.forms[0].fields["officer"].choices


def test_a_posted_officer_must_be_one_the_page_offered(client, officer, liaison, area, group):
    client.force_login(officer)
    data = meeting_data(area=area, groups=[group], officers=[officer])
    data["disclosures-0-officer"] = str(liaison.pk)

    response = client.post(CREATE_URL, data)

    assert response.status_code == 400
    assert errors_next_to(page(response), "id_disclosures-0-officer") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not Meeting.objects.exists()


def test_a_posted_choice_is_the_record_offered(officer, colleague, area, group):
    data = meeting_data(area=area, groups=[group], officers=[officer, colleague])
    bundle = MeetingFormBundle.from_post(data, user=officer)
    assert bundle.is_valid()
    officers = [form.cleaned_data["officer"] for form in bundle.disclosures.forms]
    assert officers == [officer, colleague]
    offered = bundle.disclosures.forms[0].fields["officer"].choices.by_key
    assert officers[1] is offered[str(colleague.pk)]


# Removing an officer who was saved with the meeting.


def test_a_saved_officer_can_be_removed(client, officer, colleague, meeting, area, group):
    DisclosureFactory(meeting=meeting, officer=colleague)
    client.force_login(officer)
    document = page(client.get(edit_url(meeting)))
    boxes = document.find_all("input", type="checkbox", name="disclosures-1-DELETE")
    assert len(boxes) == 1
    label = document.find_all("label", **{"for": "id_disclosures-1-DELETE"})
    assert [element.text for element in label] == [REMOVE_OFFICER_LABEL]
    assert not document.find_all("input", name="disclosures-2-DELETE")  # the blank row

    saved = list(meeting.disclosures.order_by("pk"))
    data = meeting_data(area=area, groups=[group], officers=[], submit=False)
    data |= management("disclosures", 2, initial=2)
    for index, row in enumerate(saved):
        data |= disclosure(index, row.officer) | {
            f"disclosures-{index}-id": str(row.pk),
            f"disclosures-{index}-meeting": str(meeting.pk),
        }
    data |= {"disclosures-1-DELETE": "on", "version": str(meeting.version)}
    data |= management("follow_ups", 0)
    response = client.post(edit_url(meeting), data)

    assert response.status_code == 302
    assert [d.officer for d in meeting.disclosures.all()] == [officer]
