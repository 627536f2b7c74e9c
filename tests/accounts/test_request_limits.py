"""What a signed-out save holds through sign-in is bounded, and a body too large for
Django is a 400, never a 500."""

import random
import re
import secrets
from html import unescape

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from engagement.accounts.pending import (
    MAX_HELD_CHARACTERS,
    SESSION_EXPIRED_MESSAGE,
    TOO_LARGE_MESSAGE,
    typed_characters,
)
from engagement.meetings.forms.bundle import MAX_ROWS
from engagement.meetings.forms.meeting import DisclosureForm, FollowUpForm, MeetingForm
from engagement.meetings.models import Meeting
from tests.factories import PASSWORD

CREATE_URL = reverse("meetings:meeting-create")
SIGN_IN = reverse("accounts:sign-in")
HELD = re.compile(r'name="pending" value="([^"]*)"')
# Random characters from a large script: the text that compresses worst.
WORST_ALPHABET = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]


def text(length: int, rng: random.Random) -> str:
    return "".join(rng.choice(WORST_ALPHABET) for _ in range(length))


def longest_meeting_form(officer) -> dict[str, list[str]]:
    """The largest meeting form a person can send: every text field at its maximum
    length, as many officer and follow-up rows as the form allows."""
    rng = random.Random(13)
    data = {
        name: [text(field.max_length, rng)]
        for name, field in MeetingForm.base_fields.items()
        if getattr(field, "max_length", None)
    }
    for prefix, form in (("disclosures", DisclosureForm), ("follow_ups", FollowUpForm)):
        data[f"{prefix}-TOTAL_FORMS"] = [str(MAX_ROWS)]
        for row in range(MAX_ROWS):
            for name, field in form.base_fields.items():
                length = getattr(field, "max_length", None) or 10
                data[f"{prefix}-{row}-{name}"] = [text(length, rng)]
    data["typed_by"] = [str(officer.pk)]
    return data


def test_the_largest_meeting_form_is_held_with_room(client, officer):
    data = longest_meeting_form(officer)
    assert typed_characters(data) * 1.5 < MAX_HELD_CHARACTERS

    response = client.post(CREATE_URL, data)

    html = unescape(response.content.decode())
    assert SESSION_EXPIRED_MESSAGE in html
    blob = HELD.search(html).group(1)
    # Even in the worst text, the hidden field stays well short of what was typed x 3.
    assert len(blob) < 150_000
    client.post(
        SIGN_IN, {"username": "officer", "password": PASSWORD, "next": CREATE_URL, "pending": blob}
    )
    restored = unescape(client.get(CREATE_URL).content.decode())
    assert data["summary"][0] in restored


def test_a_signed_out_1_mb_post_is_not_held(client, officer):
    megabyte = secrets.token_hex(512 * 1024)
    response = client.post(CREATE_URL, {"summary": megabyte, "typed_by": str(officer.pk)})

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert TOO_LARGE_MESSAGE in html
    assert SESSION_EXPIRED_MESSAGE not in html
    assert 'name="pending"' not in html
    assert len(response.content) < 50_000
    assert not Meeting.objects.exists()
    # Signing in works, and nothing comes back.
    response = client.post(
        SIGN_IN, {"username": "officer", "password": PASSWORD, "next": CREATE_URL}
    )
    assert response.url == CREATE_URL
    assert megabyte[:100] not in client.get(CREATE_URL).content.decode()


def test_just_over_the_bound_is_not_held_and_just_under_is(client, officer):
    key_length = len("summary") + len("typed_by") + len(str(officer.pk))
    under = {"summary": "x" * (MAX_HELD_CHARACTERS - key_length), "typed_by": str(officer.pk)}
    html = unescape(client.post(CREATE_URL, under).content.decode())
    assert HELD.search(html)
    over = under | {"summary": under["summary"] + "x"}
    html = unescape(client.post(CREATE_URL, over).content.decode())
    assert not HELD.search(html)
    assert TOO_LARGE_MESSAGE in html


TOO_BIG = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)


@pytest.fixture
def checked_client():
    """A browser as it is: CSRF checked, its cookie and token sent; errors answered."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get(SIGN_IN)
    return client


def post_too_big(client, url):
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    return client.post(url, {"csrfmiddlewaretoken": token, "summary": TOO_BIG})


@pytest.mark.parametrize("url", [SIGN_IN, CREATE_URL])
def test_a_body_too_large_is_a_400_signed_out(checked_client, db, url):
    assert post_too_big(checked_client, url).status_code == 400


def test_a_body_too_large_is_a_400_signed_in(checked_client, officer):
    checked_client.force_login(officer)
    checked_client.get(CREATE_URL)
    response = post_too_big(checked_client, CREATE_URL)
    assert response.status_code == 400
    assert not Meeting.objects.exists()
