"""Follow-up actions as work: the list, one action's page, its changes and the answer.

Each view fetches the action through `follow_ups_visible_to` (404 for the rest); the
transition table decides which changes are offered and to whom; the services write.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from engagement.accounts.decorators import role_required
from engagement.accounts.models import Role
from engagement.audit.reads import note_read
from engagement.gds import error_summary
from engagement.http import require_GET_or_POST
from engagement.meetings.follow_up_filters import FollowUpFilter
from engagement.meetings.forms.follow_up import (
    TRANSITION_FORMS,
    ReportBackConfirmForm,
    VersionedForm,
)
from engagement.meetings.models import FollowUpAction, Meeting
from engagement.meetings.queries import follow_up as queries
from engagement.meetings.services import StaleEdit
from engagement.meetings.services import follow_up as services
from engagement.meetings.services.transitions import FOLLOW_UP_TRANSITIONS, allowed_transitions
from engagement.pagination import CappedPaginator
from engagement.replica import reads_from_replica

# The service that makes each transition; its keyword arguments are the form's fields.
TRANSITION_SERVICES: dict[str, Callable[..., FollowUpAction]] = {
    "partly_done": services.follow_up_mark_partly_done,
    "complete": services.follow_up_complete,
    "report_back": services.follow_up_report_back,
    "cancel": services.follow_up_cancel,
    "reopen": services.follow_up_reopen,
}


def transition_slug(name: str) -> str:
    return name.replace("_", "-")


TRANSITIONS_BY_SLUG = {transition_slug(name): name for name in FOLLOW_UP_TRANSITIONS}


def _get_visible_action(request, uuid) -> FollowUpAction:
    action = queries.follow_up_for_page(request.user, uuid)
    if action is None:
        raise Http404("No such follow-up action")
    return action


@login_required
@require_safe
@reads_from_replica
def follow_up_list(request):
    filterset = FollowUpFilter(
        request.GET,
        queryset=queries.follow_up_list(request.user),
        user=request.user,
        today=timezone.localdate(),
    )
    page = CappedPaginator(filterset.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "follow_ups/follow_up_list.html",
        {
            "filter": filterset,
            "filter_errors": error_summary(filterset.form, with_labels=True),
            "page": page,
            "rows": queries.with_latest_answers(page.object_list),
            "query": query.urlencode(),
        },
    )


@login_required
@require_safe
def follow_up_detail(request, uuid):
    action = _get_visible_action(request, uuid)
    note_read(request, record=action, meeting=action.meeting)
    changes = [
        (t, reverse("meetings:follow-up-transition", args=[action.uuid, transition_slug(t.name)]))
        for t in allowed_transitions(FOLLOW_UP_TRANSITIONS, action, request.user)
    ]
    return render(
        request,
        "follow_ups/follow_up_detail.html",
        {
            "action": action,
            "meeting_withdrawn": action.meeting.status == Meeting.Status.WITHDRAWN,
            "changes": changes,
            "may_confirm": services.may_confirm_report_back(request.user, action),
            "latest_answers": queries.answers_to_latest_report_back(action),
            "answers": list(action.report_back_confirmations.all()),
            "history": queries.follow_up_history(action=action),
        },
    )


def _render_form(request, action: FollowUpAction, form: VersionedForm, *, status: int = 200):
    return render(
        request,
        "follow_ups/follow_up_form.html",
        {
            "action": action,
            "form": form,
            "errors": error_summary(form, non_field_anchor="#follow-up-form")
            if form.errors
            else [],
        },
        status=status,
    )


@login_required
@require_GET_or_POST
def follow_up_transition(request, uuid, transition):
    name = TRANSITIONS_BY_SLUG.get(transition)
    if name is None:
        raise Http404("No such change")
    action = _get_visible_action(request, uuid)
    step = FOLLOW_UP_TRANSITIONS[name]
    if not step.may(request.user, action):
        raise Http404("No such change")
    form_class = TRANSITION_FORMS[name]
    if request.method != "POST":
        # Only the changes the page offers; a POST may arrive after the action moved on,
        # and then the service explains, keeping what was typed.
        if not step.starts_from(action):
            raise Http404("No such change")
        note_read(request, record=action, meeting=action.meeting)
        return _render_form(request, action, form_class(action=action))
    return _save(
        request, action, form_class(request.POST, action=action), TRANSITION_SERVICES[name]
    )


@role_required(Role.LIAISON)
@require_GET_or_POST
def report_back_confirm(request, uuid):
    action = _get_visible_action(request, uuid)
    if request.method != "POST":
        if not services.may_confirm_report_back(request.user, action):
            raise Http404("Nothing to answer")
        note_read(request, record=action, meeting=action.meeting)
        return _render_form(request, action, ReportBackConfirmForm(action=action))
    form = ReportBackConfirmForm(request.POST, action=action)
    return _save(request, action, form, services.report_back_confirm)


def _save(request, action: FollowUpAction, form: VersionedForm, service):
    """One posted change: saved and back to the action, or the form again, nothing lost."""
    if form.is_valid():
        try:
            service(
                action=action,
                by=request.user,
                expected_version=form.expected_version,
                **form.service_arguments(),
            )
        except StaleEdit as error:
            action = error.current
            form = form.with_current_version(action, str(error))
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, form.saved_message)
            return redirect(action)
    return _render_form(request, action, form, status=400)
