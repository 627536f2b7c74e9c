"""`?next=` leads only to this site: after sign-in, and after a sign-in that carries a
form held through it (engagement/accounts/pending.py)."""

import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.factories import PASSWORD
from tests.meetings.form_data import meeting_data

SIGN_IN = reverse("accounts:sign-in")
HOME = reverse("home")
CREATE_URL = reverse("meetings:meeting-create")

ELSEWHERE = [
    "https://evil.example/",
    "http://evil.example/meetings/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "https:evil.example",
    " //evil.example/",
    "http://testserver@evil.example/",
]


@pytest.mark.parametrize("next_url", ELSEWHERE)
def test_next_elsewhere_is_ignored_after_sign_in(client, officer, next_url):
    response = client.post(SIGN_IN, {"username": "officer", "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response.url == HOME


@pytest.mark.parametrize("next_url", ELSEWHERE)
def test_next_elsewhere_in_the_address_is_ignored_too(client, officer, next_url):
    response = client.post(
        f"{SIGN_IN}?{_query(next_url)}", {"username": "officer", "password": PASSWORD}
    )
    assert response.url == HOME


@pytest.mark.parametrize("next_url", ELSEWHERE)
def test_the_sign_in_page_does_not_carry_a_next_elsewhere(client, db, next_url):
    html = unescape(client.get(f"{SIGN_IN}?{_query(next_url)}").content.decode())
    assert 'name="next" value=""' in html


def test_a_local_next_is_followed(client, officer):
    response = client.post(
        f"{SIGN_IN}?next={CREATE_URL}", {"username": "officer", "password": PASSWORD}
    )
    assert response.url == CREATE_URL
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize("next_url", ELSEWHERE)
def test_a_held_form_sign_in_ignores_a_next_elsewhere_and_keeps_the_form(
    client, officer, area, group, next_url
):
    data = meeting_data(area=area, groups=[group], officers=[officer], purpose="Kept safe")
    data["typed_by"] = str(officer.pk)
    held = unescape(client.post(CREATE_URL, data).content.decode())
    blob = re.search(r'name="pending" value="([^"]+)"', held).group(1)

    response = client.post(
        SIGN_IN,
        {"username": "officer", "password": PASSWORD, "next": next_url, "pending": blob},
    )

    assert response.status_code == 302
    assert response.url == HOME
    # The form is held for its own page, which the officer can still open.
    assert 'value="Kept safe"' in unescape(client.get(CREATE_URL).content.decode())


def _query(next_url: str) -> str:
    return urlencode({"next": next_url})
