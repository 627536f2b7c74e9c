"""The properties every fuzzed request must keep, checked in one place:

- never a 500 (nor any exception escaping a view);
- nothing saved from input that was refused: the meetings, disclosures, follow-ups,
  reviews, disputes, answers, reports and audit events (other than reads) are as they
  were, unless the request succeeded (`saved` says what success looks like);
- nothing echoed unescaped: no HTML page holds one of the script fragments as sent.
"""

import sys
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.contrib.auth.models import Group
from django.core.signals import got_request_exception
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from hypothesis import settings

from engagement.accounts.models import User
from engagement.audit.models import AuditEvent
from engagement.community.models import Area, CommunityGroup
from engagement.dashboards.models import TransparencyReport
from engagement.meetings.models import (
    Disclosure,
    DisclosureConfirmation,
    Dispute,
    FollowUpAction,
    Meeting,
    ReportBackConfirmation,
    Review,
)
from tests.fuzz.strategies import UNESCAPED_MARKERS, Pairs, encode

# Examples run, by test: printed at the end of the run (conftest.pytest_terminal_summary).
EXAMPLES_RUN: Counter[str] = Counter()

FORM = "application/x-www-form-urlencoded"


def fuzz_settings(**overrides) -> settings:
    """The suite's profile (registered by conftest.py), with any `overrides`."""
    return settings(settings.get_profile("fuzz"), **overrides)


def redirected(response: HttpResponse) -> bool:
    return 300 <= response.status_code < 400


def state(*, audit_ignored: tuple[str, ...] = ()) -> tuple:
    """What a refused request must leave as it was. Reads are logged, so VIEW events
    (and any other action in `audit_ignored`) are left out of the audit's count."""
    ignored = (AuditEvent.Action.VIEW, *audit_ignored)
    return (
        list(Meeting.objects.order_by("pk").values_list("pk", "version", "status")),
        list(FollowUpAction.objects.order_by("pk").values_list("pk", "version", "status")),
        list(Dispute.objects.order_by("pk").values_list("pk", "status")),
        Disclosure.objects.count(),
        Review.objects.count(),
        DisclosureConfirmation.objects.count(),
        ReportBackConfirmation.objects.count(),
        TransparencyReport.objects.count(),
        list(User.objects.order_by("pk").values_list("pk", "username", "is_active", "password")),
        Group.objects.count(),
        Area.objects.count(),
        CommunityGroup.objects.count(),
        AuditEvent.objects.exclude(action__in=ignored).count(),
    )


def body_of(response: HttpResponse) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content


class Fuzzer:
    """A test client that never raises a view's exception (it answers 500, which fails
    the example with the exception's traceback) and checks each example's properties."""

    def __init__(self, *, name: str):
        self.name = name
        self.client = Client(raise_request_exception=False)
        self.user: User | None = None
        self.exceptions: list[str] = []

    def sign_in(self, user: User) -> None:
        self.user = user
        self.client.force_login(user)

    @contextmanager
    def example(self) -> Iterator[None]:
        """One example, rolled back afterwards so the next starts from the fixtures."""
        EXAMPLES_RUN[self.name] += 1
        with transaction.atomic():
            yield
            transaction.set_rollback(True)

    def get(self, path: str, pairs: Pairs = (), **kwargs) -> HttpResponse:
        return self.send("get", path, query=pairs, **kwargs)

    def post(self, path: str, pairs: Pairs, *, query: Pairs = (), **kwargs) -> HttpResponse:
        return self.send("post", path, query=query, body=pairs, **kwargs)

    def send(
        self,
        method: str,
        path: str,
        *,
        query: Pairs = (),
        body: Pairs | None = None,
        saved: Callable[[HttpResponse], bool] | None = None,
        audit_ignored: tuple[str, ...] = (),
        client: Client | None = None,
    ) -> HttpResponse:
        """One request, checked: `saved` says which answers mean the input was accepted
        (only then may anything have changed); without it, nothing may change."""
        client = client or self.client
        before = state(audit_ignored=audit_ignored)
        url = f"{path}?{encode(list(query)).decode()}" if query else path
        self.exceptions.clear()
        got_request_exception.connect(self._keep_exception)
        try:
            if body is None:
                response = getattr(client, method)(url)
            else:
                response = getattr(client, method)(url, data=encode(body), content_type=FORM)
            content = body_of(response)
        finally:
            got_request_exception.disconnect(self._keep_exception)
        request = f"{method.upper()} {url[:300]}" + (
            f" body {encode(body)[:600]!r}" if body else ""
        )
        assert response.status_code != 500 and not self.exceptions, (
            f"{request} answered {response.status_code}:\n" + "\n".join(self.exceptions)
        )
        if "html" in response.get("Content-Type", ""):
            page = content.decode("utf-8", "replace")
            for marker in UNESCAPED_MARKERS:
                assert marker not in page, f"{request} echoed {marker!r} unescaped"
        if saved is None or not saved(response):
            assert state(audit_ignored=audit_ignored) == before, (
                f"{request} answered {response.status_code} but changed what is saved"
            )
        return response

    def _keep_exception(self, sender, request=None, **kwargs) -> None:
        self.exceptions.append("".join(traceback.format_exception(*sys.exc_info())))
