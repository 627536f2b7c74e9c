from typing import cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_safe

from engagement import clock
from engagement.accounts.decorators import role_required
from engagement.accounts.models import Role
from engagement.audit.reads import note_read
from engagement.gds import error_summary
from engagement.http import require_GET_or_POST
from engagement.meetings.models import Meeting
from engagement.meetings.services import StaleEdit
from engagement.replica import reads_from_replica
from engagement.retention import queries, schedule, services
from engagement.retention.forms import DecisionForm, QueueFilterForm
from engagement.retention.models import RetentionDecision

KEPT_MESSAGE = "Decision recorded: the meeting is kept until its next review on {date}."
DISPOSED_MESSAGE = "Decision recorded: the meeting has been disposed of. Its tombstone is below."


@role_required(Role.ADMIN)
@require_safe
@reads_from_replica
def retention_queue(request):
    form = QueueFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else queries.QueueFilters()
    today = clock.today()
    page = queries.review_queue_page(
        today=today,
        filters=filters,
        cursor=request.GET.get("cursor"),
        per_page=settings.PAGE_SIZE,
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "retention/queue.html",
        {
            "form": form,
            "filter_errors": error_summary(form, with_labels=True) if form.is_bound else [],
            "page": page,
            "query": query.urlencode(),
            "rows": [(meeting, schedule.review_by(meeting)) for meeting in page.rows],
            "years": schedule.period_years(),
        },
    )


def _meeting(request, uuid) -> Meeting:
    meeting = queries.meeting_for_decision(request.user, uuid)
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def _initial(meeting: Meeting, decisions: list[RetentionDecision]) -> dict:
    return {
        "version": meeting.version,
        "latest_decision": queries.latest_decision_id(decisions) or 0,
    }


@role_required(Role.ADMIN)
@require_GET_or_POST
def retention_decide(request, uuid):
    meeting = _meeting(request, uuid)
    note_read(request, record=meeting, meeting=meeting)
    decisions = queries.decisions_of(meeting)
    if request.method != "POST":
        form = DecisionForm(initial=_initial(meeting, decisions))
        return _render(request, meeting, decisions, form)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        common = {
            "meeting": meeting,
            "by": request.user,
            "rationale": data["rationale"],
            "expected_version": data["version"],
            "expected_decision": form.expected_decision,
        }
        try:
            if data["decision"] == RetentionDecision.Decision.KEEP:
                services.retention_keep(next_review_on=data["next_review_on"], **common)
            else:
                services.retention_dispose(**common)
        except StaleEdit as error:
            # What was typed stays; the hidden fields now carry what is current, so
            # sending it again is a decision made with the new history in view.
            meeting = _meeting(request, uuid)
            decisions = queries.decisions_of(meeting)
            form = _with_current(form, meeting, decisions)
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if data["decision"] == RetentionDecision.Decision.KEEP:
                date = date_format(data["next_review_on"], "j F Y")
                messages.success(request, KEPT_MESSAGE.format(date=date))
                return redirect(reverse("retention:retention-queue"))
            messages.success(request, DISPOSED_MESSAGE)
            return redirect(meeting)
    return _render(request, meeting, decisions, form, status=400)


def _with_current(form: DecisionForm, meeting: Meeting, decisions) -> DecisionForm:
    data = cast(QueryDict, form.data).copy()  # the POST it was bound to
    for name, value in _initial(meeting, decisions).items():
        data[name] = str(value)
    current = DecisionForm(data)
    current.is_valid()
    return current


def _render(request, meeting: Meeting, decisions, form: DecisionForm, status: int = 200):
    today = clock.today()
    return render(
        request,
        "retention/decision.html",
        {
            "meeting": meeting,
            "decisions": decisions,
            "form": form,
            "errors": error_summary(form) if form.is_bound else [],
            "review_by": schedule.review_by(meeting),
            "due": schedule.is_due(meeting, today=today),
        },
        status=status,
    )
