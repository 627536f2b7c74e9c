"""The meetings list as a CSV file, with the list's own filters, through the same
visibility function and filterset as the list; audited with a reason and a recipient."""

from django.contrib.auth.decorators import login_required
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from engagement import clock
from engagement.csv_export import (
    Export,
    described_filters,
    export_view,
    filter_error_messages,
    given_filters,
    refuse_filters,
)
from engagement.meetings.filters import MeetingFilter
from engagement.meetings.queries import export as queries
from engagement.pagination import count_up_to

BACK_TEXT = "Back to the meetings"


@login_required
@require_http_methods(["GET", "POST"])
def meeting_export(request) -> HttpResponseBase:
    user = request.user
    query = request.GET.copy()
    query.pop("page", None)
    list_url = reverse("meetings:meeting-list")
    back_url = f"{list_url}?{query.urlencode()}" if query else list_url
    filterset = MeetingFilter(query, queryset=queries.meetings_for_export(user), user=user)
    if not filterset.is_valid():
        return refuse_filters(
            request,
            what="meetings",
            messages=filter_error_messages(filterset.form),
            back_url=back_url,
            back_text=BACK_TEXT,
        )
    meetings = filterset.qs
    in_words = described_filters(filterset.form)
    if not filterset.form.cleaned_data.get("status"):
        # The list leaves withdrawn meetings out unless a status is chosen: say so.
        any_status = dict(filterset.form.fields["status"].choices)[""]
        in_words.append((str(filterset.form["status"].label), str(any_status)))
    return export_view(
        request,
        Export(
            what="meetings",
            record_kind="meetings",
            filename=f"meetings-{clock.today():%Y-%m-%d}.csv",
            filters=given_filters(query),
            filters_in_words=in_words,
            columns=queries.export_columns(user),
            count=meetings.count,
            count_shown=lambda: count_up_to(meetings),
            rows=lambda: queries.export_rows(meetings),
            meetings=lambda: meetings,
            back_url=back_url,
            back_text=BACK_TEXT,
            row_noun=("meeting", "meetings"),
        ),
    )
