from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from engagement.accounts.decorators import role_required
from engagement.accounts.models import Role
from engagement.accounts.pending import (
    RESTORED_MESSAGE,
    keep_post_through_sign_in,
    take_held_form,
)
from engagement.audit.queries import meeting_history
from engagement.community.queries import groups_visible_to
from engagement.gds import error_summary
from engagement.meetings.filters import MeetingFilter
from engagement.meetings.forms.meeting import (
    MeetingFormBundle,
    WithdrawForm,
    row_to_add,
    with_another_row,
)
from engagement.meetings.models import Meeting
from engagement.meetings.queries import meeting as queries
from engagement.meetings.services import StaleEdit
from engagement.meetings.services import meeting as services
from engagement.meetings.services.transitions import MEETING_TRANSITIONS, allowed_transitions
from engagement.meetings.views import review as review_views


def _get_visible_meeting(request, uuid) -> Meeting:
    meeting = queries.meetings_visible_to(request.user).filter(uuid=uuid).first()
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def _may(user, meeting: Meeting, name: str) -> bool:
    return any(t.name == name for t in allowed_transitions(MEETING_TRANSITIONS, meeting, user))


@login_required
def meeting_list(request):
    filterset = MeetingFilter(
        request.GET,
        queryset=queries.meeting_list(request.user),
        groups=groups_visible_to(request.user),
    )
    page = Paginator(filterset.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "filter": filterset,
            "filter_errors": error_summary(filterset.form, with_labels=True),
            "page": page,
            "query": query.urlencode(),
        },
    )


@login_required
def meeting_detail(request, uuid):
    meeting = queries.meeting_for_detail(request.user, uuid)
    if meeting is None:
        raise Http404("No such meeting")
    services.meeting_record_view(meeting=meeting, by=request.user)
    user = request.user
    show_internal = queries.can_see_internal_notes(user)
    history = meeting_history(
        meeting=meeting, police_only_fields=None if show_internal else Meeting.POLICE_ONLY_FIELDS
    )
    allowed = {t.name for t in allowed_transitions(MEETING_TRANSITIONS, meeting, user)}
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "history": history,
            "today": timezone.localdate(),
            "show_internal": show_internal,
            "can_edit": queries.can_edit(user, meeting),
            "can_withdraw": "withdraw" in allowed,
            **review_views.detail_context(meeting=meeting, user=user, allowed=allowed),
        },
    )


def _render_form(request, bundle: MeetingFormBundle, status=200):
    return render(
        request,
        "meetings/meeting_form.html",
        {"bundle": bundle, "meeting": bundle.meeting, "errors": bundle.error_summary()},
        status=status,
    )


def _render_held(request, bundle: MeetingFormBundle):
    """What was typed before a sign-out, checked but not saved: the officer saves it."""
    bundle.is_valid()
    messages.info(request, RESTORED_MESSAGE)
    return _render_form(request, bundle)


@keep_post_through_sign_in
@role_required(Role.OFFICER)
def meeting_create(request):
    if request.method != "POST":
        if held := take_held_form(request):
            return _render_held(request, MeetingFormBundle(held, user=request.user))
        return _render_form(request, MeetingFormBundle(user=request.user))
    if prefix := row_to_add(request.POST):
        data = with_another_row(request.POST, prefix)
        return _render_form(request, MeetingFormBundle(data, user=request.user).without_errors())
    bundle = MeetingFormBundle(request.POST, user=request.user)
    if bundle.is_valid():
        submit = "submit" in request.POST
        try:
            meeting = services.meeting_create(by=request.user, parts=bundle.parts(), submit=submit)
        except ValidationError as error:
            bundle.add_error(error)
        else:
            messages.success(request, "Meeting submitted for review." if submit else "Draft saved.")
            return redirect(meeting)
    return _render_form(request, bundle, status=400)


@keep_post_through_sign_in
@role_required(Role.OFFICER)
def meeting_edit(request, uuid):
    meeting = _get_visible_meeting(request, uuid)
    if not queries.can_edit(request.user, meeting):
        messages.info(request, services.NOT_EDITABLE_ERROR)
        return redirect(meeting)
    if request.method != "POST":
        # The edit form shows the whole record, internal notes included: that is a read.
        services.meeting_record_view(meeting=meeting, by=request.user)
        if held := take_held_form(request):
            return _render_held(
                request, MeetingFormBundle(held, meeting=meeting, user=request.user)
            )
        return _render_form(request, MeetingFormBundle(meeting=meeting, user=request.user))
    if prefix := row_to_add(request.POST):
        data = with_another_row(request.POST, prefix)
        bundle = MeetingFormBundle(data, meeting=meeting, user=request.user)
        return _render_form(request, bundle.without_errors())
    bundle = MeetingFormBundle(request.POST, meeting=meeting, user=request.user)
    if bundle.is_valid():
        submit = "submit" in request.POST
        try:
            meeting = services.meeting_update(
                meeting=meeting,
                by=request.user,
                parts=bundle.parts(),
                expected_version=bundle.expected_version,
                submit=submit,
                note=bundle.correction_note,
            )
        except StaleEdit as error:
            bundle.add_error(ValidationError(str(error)))
        except ValidationError as error:
            bundle.add_error(error)
        else:
            messages.success(request, _saved_message(meeting, submit))
            return redirect(meeting)
    return _render_form(request, bundle, status=400)


def _saved_message(meeting: Meeting, submit: bool) -> str:
    if submit and meeting.status == Meeting.Status.SUBMITTED:
        return "Meeting submitted for review."
    return "Changes saved."


@login_required
def meeting_withdraw(request, uuid):
    meeting = _get_visible_meeting(request, uuid)
    if not _may(request.user, meeting, "withdraw"):
        raise Http404("No such meeting")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.meeting_withdraw(
            meeting=meeting, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Meeting withdrawn. It keeps its history.")
        return redirect(meeting)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "meetings/meeting_withdraw.html",
        {"meeting": meeting, "form": form, "errors": error_summary(form) if form.is_bound else []},
        status=status,
    )
