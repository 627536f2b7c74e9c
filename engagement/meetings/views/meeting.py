from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from engagement.accounts.decorators import role_required
from engagement.accounts.models import Role
from engagement.accounts.pending import (
    RESTORED_MESSAGE,
    keep_post_through_sign_in,
    take_held_form,
)
from engagement.audit.access import access_to
from engagement.audit.queries import meeting_history
from engagement.audit.reads import note_read
from engagement.gds import error_summary
from engagement.http import require_GET_or_POST
from engagement.meetings.filters import MeetingFilter
from engagement.meetings.forms.bundle import MeetingFormBundle
from engagement.meetings.forms.meeting import WithdrawForm
from engagement.meetings.models import Meeting
from engagement.meetings.queries import meeting as queries
from engagement.meetings.services import StaleEdit
from engagement.meetings.services import meeting as services
from engagement.meetings.services.transitions import MEETING_TRANSITIONS, allowed_transitions
from engagement.meetings.views import review as review_views
from engagement.pagination import seek_page
from engagement.replica import reads_from_replica


def _get_visible_meeting(request, uuid) -> Meeting:
    meeting = queries.meetings_visible_to(request.user).filter(uuid=uuid).first()
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def _may(user, meeting: Meeting, name: str) -> bool:
    return any(t.name == name for t in allowed_transitions(MEETING_TRANSITIONS, meeting, user))


@login_required
@require_safe
@reads_from_replica
def meeting_list(request):
    filterset = MeetingFilter(
        request.GET,
        queryset=queries.meeting_list(request.user),
        user=request.user,
    )
    page = seek_page(
        filterset.qs,
        filterset.order_keys(),
        cursor=request.GET.get("cursor"),
        per_page=settings.PAGE_SIZE,
    )
    query = request.GET.copy()
    for paging in ("cursor", "page"):  # "page": links from before the list had cursors
        query.pop(paging, None)
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
@require_safe
def meeting_detail(request, uuid):
    meeting = queries.meeting_for_detail(request.user, uuid)
    if meeting is None:
        raise Http404("No such meeting")
    note_read(request, record=meeting, meeting=meeting)
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
            "access": access_to([meeting.pk]),
            # A liaison opens only the actions owed to their own groups.
            "openable_follow_ups": set(
                queries.follow_ups_visible_to(user)
                .filter(meeting=meeting)
                .values_list("pk", flat=True)
            ),
            **review_views.detail_context(meeting=meeting, user=user, allowed=allowed),
        },
    )


def _render_form(request, bundle: MeetingFormBundle, status=200):
    # Submit (a draft) or submit a correction (a disputed meeting), as the table allows.
    send = next(
        (
            transition
            for transition in allowed_transitions(MEETING_TRANSITIONS, bundle.meeting, request.user)
            if transition.name in ("submit", "correct")
        ),
        None,
    )
    drafting = send is not None and send.name == "submit"
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "bundle": bundle,
            "meeting": bundle.meeting,
            "errors": bundle.error_summary(),
            "send": send,
            "drafting": drafting,
            "save_label": "Save as draft" if drafting else "Save changes",
        },
        status=status,
    )


def _render_held(request, bundle: MeetingFormBundle):
    """What was typed before a sign-out, checked but not saved: the officer saves it."""
    if bundle.row_added is None:
        bundle.is_valid()
    messages.info(request, RESTORED_MESSAGE)
    return _render_form(request, bundle)


def _handle_post(request, bundle: MeetingFormBundle, save: Callable[[], Meeting]):
    """The one flow of both views: one more row asked for, a refusal, or a save."""
    if bundle.row_added is not None:
        return _render_form(request, bundle)
    if bundle.is_valid():
        try:
            meeting = save()
        except StaleEdit as error:
            current = error.current
            changes = services.current_version_changes(current, bundle.parts())
            bundle.show_conflict(current=current, changes=changes)
        except ValidationError as error:
            bundle.add_error(error)
        else:
            messages.success(request, _saved_message(meeting, submit=bundle.submit))
            return redirect(meeting)
    return _render_form(request, bundle, status=400)


def _saved_message(meeting: Meeting, *, submit: bool) -> str:
    if submit and meeting.status == Meeting.Status.SUBMITTED:
        return "Meeting submitted for review."
    if meeting.status == Meeting.Status.DRAFT:
        return "Draft saved."
    return "Changes saved."


@keep_post_through_sign_in
@role_required(Role.OFFICER)
@require_GET_or_POST
def meeting_create(request):
    user = request.user
    if request.method != "POST":
        if held := take_held_form(request):
            return _render_held(request, MeetingFormBundle.from_post(held, user=user))
        return _render_form(request, MeetingFormBundle(user=user))
    bundle = MeetingFormBundle.from_post(request.POST, user=user)
    return _handle_post(
        request,
        bundle,
        lambda: services.meeting_create(by=user, parts=bundle.parts(), submit=bundle.submit),
    )


@keep_post_through_sign_in
@role_required(Role.OFFICER)
@require_GET_or_POST
def meeting_edit(request, uuid):
    user = request.user
    meeting = _get_visible_meeting(request, uuid)
    if not queries.can_edit(user, meeting):
        messages.info(request, services.NOT_EDITABLE_ERROR)
        return redirect(meeting)
    if request.method != "POST":
        # The edit form shows the whole record, internal notes included: that is a read.
        note_read(request, record=meeting, meeting=meeting)
        if held := take_held_form(request):
            bundle = MeetingFormBundle.from_post(held, meeting=meeting, user=user)
            return _render_held(request, bundle)
        return _render_form(request, MeetingFormBundle(meeting=meeting, user=user))
    bundle = MeetingFormBundle.from_post(request.POST, meeting=meeting, user=user)
    return _handle_post(
        request,
        bundle,
        lambda: services.meeting_update(
            meeting=meeting,
            by=user,
            parts=bundle.parts(),
            expected_version=bundle.expected_version,
            submit=bundle.submit,
            note=bundle.correction_note,
        ),
    )


@login_required
@require_GET_or_POST
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
