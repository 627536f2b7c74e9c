"""Every read is logged: one audit event for each signed-in request that shows something.

DPA 2018 Part 3 (s.62) asks that the log show who consulted each record and when. A view
that reads a record names it with `note_read` (a meeting's page, a follow-up, a group); any
other page, list, search, dashboard or JSON answer a signed-in person receives is logged
by its URL name with the query it was asked with, so a list's filters are kept too.

`LogReads` writes the one event after the view has answered, so a page costs one insert.
It is not a setting: a system check refuses to start the project without it.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import checks
from django.db import models
from django.http import HttpRequest, HttpResponseBase

from engagement.audit.models import AuditEvent
from engagement.audit.services import record_event

if TYPE_CHECKING:  # the log points at a meeting; the audit app never imports meetings
    from engagement.meetings.models import Meeting

MIDDLEWARE = "engagement.audit.reads.LogReads"
AFTER = "django.contrib.auth.middleware.AuthenticationMiddleware"
NOTE_ATTRIBUTE = "_audit_read"
# A query string is kept as asked, within bounds: a crafted URL cannot bloat the log.
MAX_PARAMETERS = 30
MAX_VALUES = 10
MAX_VALUE_CHARS = 200
SAFE_METHODS = ("GET", "HEAD")


@dataclass(frozen=True)
class Read:
    record: models.Model | None = None
    record_kind: str = ""
    meeting: "Meeting | None" = None
    detail: dict[str, Any] = field(default_factory=dict)


def note_read(
    request: HttpRequest,
    *,
    record: models.Model | None = None,
    record_kind: str = "",
    meeting: "Meeting | None" = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Name the record this request read; the one event is written once it is answered."""
    setattr(request, NOTE_ATTRIBUTE, Read(record, record_kind, meeting, detail or {}))


def not_a_read(view):
    """Mark a view that shows no one's records (a health check), so it is not logged."""
    view.not_a_read = True
    return view


def _shows_no_record(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and getattr(match.func, "not_a_read", False)


def query_asked(request: HttpRequest) -> dict[str, list[str]]:
    return {
        key[:MAX_VALUE_CHARS]: [value[:MAX_VALUE_CHARS] for value in values[:MAX_VALUES]]
        for key, values in list(request.GET.lists())[:MAX_PARAMETERS]
    }


def page_name(request: HttpRequest) -> str:
    match = request.resolver_match
    return match.view_name if match is not None else ""


def log_read(request: HttpRequest, read: Read) -> AuditEvent:
    detail: dict[str, Any] = {"page": page_name(request), "path": request.path}
    if query := query_asked(request):
        detail["query"] = query
    return record_event(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        record=read.record,
        record_kind=read.record_kind,
        meeting=read.meeting,
        detail=detail | read.detail,
    )


def read_to_log(request: HttpRequest, response: HttpResponseBase) -> Read | None:
    """A read named by its view, whatever the method (a form shown again with its errors
    still shows the record); otherwise any page a signed-in person was shown."""
    if not request.user.is_authenticated or response.status_code >= 500:
        return None
    if _shows_no_record(request):
        return None
    if noted := getattr(request, NOTE_ATTRIBUTE, None):
        return noted
    if request.method in SAFE_METHODS and response.status_code == 200:
        return Read(record_kind="page")
    return None


class LogReads:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if read := read_to_log(request, response):
            log_read(request, read)
        return response


@checks.register(checks.Tags.security)
def reads_are_logged(app_configs, **kwargs) -> list[checks.CheckMessage]:
    middleware = list(settings.MIDDLEWARE)
    if MIDDLEWARE in middleware and AFTER in middleware[: middleware.index(MIDDLEWARE)]:
        return []
    return [
        checks.Error(
            "Reads must be logged: the audit log is not optional.",
            hint=f"Put {MIDDLEWARE!r} in MIDDLEWARE after {AFTER!r}.",
            id="audit.E001",
        )
    ]
