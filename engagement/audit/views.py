"""The audit log for admins: searched by person, record, action and dates, a page at a
time newest first (keyset pages, a count that stops at 10,000), and exported as CSV with
a reason and a recipient, itself an audited export."""

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from engagement import clock
from engagement.accounts.decorators import role_required
from engagement.accounts.models import Role, User
from engagement.audit import queries
from engagement.audit.filters import AuditFilter
from engagement.csv_export import (
    Column,
    Export,
    described_filters,
    export_view,
    filter_error_messages,
    given_filters,
    refuse_filters,
)
from engagement.gds import error_summary
from engagement.http import require_GET_or_POST
from engagement.pagination import count_up_to
from engagement.replica import reads_from_replica

BACK_TEXT = "Back to the audit log"
EXPORT_WHAT = "audit events"
EXPORT_RECORD_KIND = "audit events"
PAGING = ("cursor",)


def _filterset(user: User, query: QueryDict) -> AuditFilter:
    return AuditFilter(query, queryset=queries.audit_log(), user=user)


def _without_paging(request: HttpRequest) -> QueryDict:
    query = request.GET.copy()
    for name in PAGING:
        query.pop(name, None)
    return query


def _choose_person_links(filterset: AuditFilter, query: QueryDict) -> list[tuple[str, str]]:
    """When a name matches several accounts: each, linked to the log narrowed to them."""
    links = []
    for account in filterset.form.person_matches:
        narrowed = query.copy()
        narrowed["person"] = account.username
        links.append((queries.account_in_words(account), narrowed.urlencode()))
    return links


@role_required(Role.ADMIN)
@require_safe
@reads_from_replica
def audit_list(request):
    query = _without_paging(request)
    filterset = _filterset(request.user, query)
    record = filterset.record_found
    page = queries.log_page(
        filterset.qs,
        cursor=request.GET.get("cursor"),
        per_page=settings.PAGE_SIZE,
        meeting_id=filterset.meeting_id,
        exports=record.exports if record is not None else (),
    )
    person = filterset.person_found
    return render(
        request,
        "audit/audit_list.html",
        {
            "filter": filterset,
            "filter_errors": error_summary(filterset.form, with_labels=True),
            "page": page,
            "rows": queries.log_rows(page.rows, meeting_id=filterset.meeting_id),
            "person": queries.account_in_words(person) if person else "",
            "record": record,
            "person_links": _choose_person_links(filterset, query),
            "query": query.urlencode(),
        },
    )


def _when(row: queries.LogRow) -> str:
    return timezone.localtime(row.event.at).isoformat(timespec="seconds")


EXPORT_COLUMNS: list[Column[queries.LogRow]] = [
    Column("When", _when),
    Column("Person", lambda row: row.who),
    Column("Username", lambda row: row.event.actor.username if row.event.actor else ""),
    Column("Role at the time", lambda row: row.role),
    Column("Unit at the time", lambda row: row.event.actor_unit or ""),
    Column("Action", lambda row: row.event.get_action_display()),
    Column("Record", lambda row: row.record),
    Column("Record reference", lambda row: row.event.record_id),
    Column("Meeting reference", lambda row: row.event.meeting.uuid if row.event.meeting else ""),
    Column("Reason", lambda row: row.reason),
    Column("Detail", lambda row: "; ".join(queries.detail_in_words(row.event))),
]


@role_required(Role.ADMIN)
@require_GET_or_POST
def audit_export(request) -> HttpResponseBase:
    query = _without_paging(request)
    list_url = reverse("audit:audit-list")
    back_url = f"{list_url}?{query.urlencode()}" if query else list_url
    filterset = _filterset(request.user, query)
    if not filterset.is_valid():
        return refuse_filters(
            request,
            what=EXPORT_WHAT,
            messages=filter_error_messages(filterset.form),
            back_url=back_url,
            back_text=BACK_TEXT,
        )
    events = filterset.events.order_by(*(key.order_by() for key in queries.LOG_ORDER))
    meeting_id = filterset.meeting_id
    return export_view(
        request,
        Export(
            what=EXPORT_WHAT,
            record_kind=EXPORT_RECORD_KIND,
            filename=f"audit-log-{clock.today():%Y-%m-%d}.csv",
            filters=given_filters(query),
            filters_in_words=_filters_in_words(filterset),
            columns=EXPORT_COLUMNS,
            count=events.count,
            count_shown=lambda: count_up_to(events),
            rows=lambda: _export_rows(events, meeting_id=meeting_id),
            back_url=back_url,
            back_text=BACK_TEXT,
            row_noun=("event", "events"),
        ),
    )


def _export_rows(events, *, meeting_id: int | None):
    # Read a chunk at a time as the file is sent, never the whole log at once.
    for event in events.iterator(chunk_size=2_000):
        yield queries.LogRow(event, held_meeting=queries.held(event, meeting_id=meeting_id))


def _filters_in_words(filterset: AuditFilter) -> list[tuple[str, str]]:
    form = filterset.form
    words = dict.fromkeys(("person", "record", "record_kind"))
    if person := filterset.person_found:
        words["person"] = queries.account_in_words(person)
    record = filterset.record_found
    if record is not None:
        words["record"] = str(record)
    if record is not None and record.meeting is None:
        # The kind of record says something only beside a record of another kind.
        words["record_kind"] = queries.kind_label(record.kind)
    labels = {str(form[name].label): name for name in words}
    described = []
    for label, value in described_filters(form):
        name = labels.get(label)
        if name is None:
            described.append((label, value))
        elif words[name]:
            described.append((label, str(words[name])))
    return described
