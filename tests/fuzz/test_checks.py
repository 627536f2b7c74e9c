"""The fuzz checks themselves fail when a property breaks (a stub client answers)."""

import pytest
from django.http import HttpResponse, JsonResponse

from engagement.audit.models import AuditEvent
from engagement.audit.services import record_event
from tests.fuzz.strategies import IMG_ONERROR, SCRIPT


class Stub:
    def __init__(self, response: HttpResponse, effect=lambda: None):
        self.response = response
        self.effect = effect

    def get(self, url):
        self.effect()
        return self.response


@pytest.mark.parametrize("fragment", [SCRIPT, IMG_ONERROR])
def test_an_unescaped_echo_fails(fuzz, fragment):
    with pytest.raises(AssertionError, match="echoed"):
        fuzz.get("/", client=Stub(HttpResponse(f"<p>{fragment}</p>")))


def test_an_escaped_echo_passes(fuzz):
    fuzz.get("/", client=Stub(HttpResponse("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")))


def test_json_is_not_read_as_html(fuzz):
    fuzz.get("/", client=Stub(JsonResponse({"errors": [SCRIPT]})))


def test_a_500_fails(fuzz):
    with pytest.raises(AssertionError, match="answered 500"):
        fuzz.get("/", client=Stub(HttpResponse(status=500)))


def test_a_refusal_that_saved_something_fails(fuzz, officer):
    def save():
        record_event(actor=officer, action=AuditEvent.Action.UPDATE)

    with pytest.raises(AssertionError, match="changed what is saved"):
        fuzz.get("/", client=Stub(HttpResponse(status=400), effect=save))


def test_a_read_logged_is_not_a_change(fuzz, officer):
    def read():
        record_event(actor=officer, action=AuditEvent.Action.VIEW)

    fuzz.get("/", client=Stub(HttpResponse(status=400), effect=read))
