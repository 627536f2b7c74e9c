"""The community's side: a liaison reviews a meeting; a dispute is escalated to the admins."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from engagement.accounts.decorators import role_required
from engagement.accounts.models import Role, User
from engagement.accounts.pending import (
    RESTORED_MESSAGE,
    keep_post_through_sign_in,
    take_held_form,
)
from engagement.audit.reads import note_read
from engagement.gds import error_summary
from engagement.http import require_GET_or_POST
from engagement.meetings.forms.review import EscalateForm, ReviewForm
from engagement.meetings.models import Dispute, Meeting
from engagement.meetings.queries import review as queries
from engagement.meetings.services import StaleEdit
from engagement.meetings.services import review as services
from engagement.meetings.services.transitions import (
    DISPUTE_TRANSITIONS,
    MEETING_TRANSITIONS,
    allowed_transitions,
)
from engagement.replica import reads_from_replica

REVIEWED_MESSAGE = "Review saved. The meeting is now reviewed."
DISPUTED_MESSAGE = (
    "Review saved. The meeting is now disputed: the officers see what you disputed and "
    "must correct the record."
)
AWAITING_CORRECTION_MESSAGE = (
    "This meeting is disputed. It can be reviewed again once the officers have corrected it."
)
ALREADY_REVIEWED_MESSAGE = services.ALREADY_REVIEWED_ERROR
ESCALATED_MESSAGE = "Dispute escalated. The admins will look at both accounts."

REVIEW_TRANSITIONS = frozenset({"confirm", "dispute"})


def _may(table, record, user: User, names: frozenset[str]) -> bool:
    return any(t.name in names for t in allowed_transitions(table, record, user))


def detail_context(*, meeting: Meeting, user: User, allowed: set[str]) -> dict:
    """What the meeting page shows of its reviews and disputes, and which buttons.

    `allowed` names the meeting transitions the user may make now.
    """
    reviews = queries.reviews_for_detail(meeting=meeting)
    disputes = queries.disputes_of(meeting=meeting)
    dispute = queries.active_dispute_of(meeting=meeting, disputes=disputes)
    disputed = []
    if dispute is not None:
        disputed = [
            {"review": review, "unconfirmed": queries.not_confirmed(review)}
            for review in queries.disputing_reviews(dispute=dispute, reviews=reviews)
        ]
    return {
        "reviews": reviews,
        "dispute": dispute,
        "disputed_reviews": disputed,
        "ended_disputes": [d for d in disputes if not d.is_active],
        "can_review": bool(allowed & REVIEW_TRANSITIONS),
        "can_correct": "correct" in allowed,
        "can_escalate": dispute is not None
        and _may(DISPUTE_TRANSITIONS, dispute, user, frozenset({"escalate"})),
    }


def _why_not_reviewable(meeting: Meeting) -> str:
    if meeting.status == Meeting.Status.DISPUTED:
        return AWAITING_CORRECTION_MESSAGE
    return ALREADY_REVIEWED_MESSAGE


def _review_form(meeting: Meeting, data=None) -> tuple[ReviewForm, dict]:
    """The form for the meeting as it is now, and what it shows of a correction."""
    dispute = queries.active_dispute_of(meeting=meeting)
    correction = dispute if dispute and dispute.status == Dispute.Status.CORRECTED else None
    changes = (
        queries.changes_since(meeting=meeting, since=correction.opened_at)
        if correction
        else queries.ChangesSince()
    )
    form = ReviewForm(
        data,
        disclosures=meeting.disclosures.all(),
        version=meeting.version,
        changed=changes.names,
    )
    return form, {"correction": correction, "changes": changes}


def _render_review(request, meeting: Meeting, form: ReviewForm, extra: dict, status=200):
    errors = error_summary(form, non_field_anchor="#review-form") if form.is_bound else []
    return render(
        request,
        "meetings/review_form.html",
        {"meeting": meeting, "form": form, "errors": errors, **extra},
        status=status,
    )


@keep_post_through_sign_in
@role_required(Role.LIAISON)
@require_GET_or_POST
def review_create(request, uuid):
    meeting = queries.meeting_for_review(request.user, uuid)
    if meeting is None:
        raise Http404("No such meeting")
    if not _may(MEETING_TRANSITIONS, meeting, request.user, REVIEW_TRANSITIONS):
        messages.info(request, _why_not_reviewable(meeting))
        return redirect(meeting)
    if request.method != "POST":
        # The form shows the record the liaison judges: that is a read.
        note_read(request, record=meeting, meeting=meeting)
        if held := take_held_form(request):
            form, extra = _review_form(meeting, held)
            form.is_valid()
            messages.info(request, RESTORED_MESSAGE)
            return _render_review(request, meeting, form, extra)
        form, extra = _review_form(meeting)
        return _render_review(request, meeting, form, extra)
    form, extra = _review_form(meeting, request.POST)
    if form.is_stale():
        # Checked here too, so the liaison sees the meeting as it is now at once, even
        # when its officers changed and the answers no longer fit; the service is the guard.
        return _render_stale(request, meeting, services.REVIEW_STALE_ERROR)
    if form.is_valid():
        try:
            review = services.review_submit(
                meeting=meeting,
                by=request.user,
                accuracy=form.cleaned_data["accuracy"],
                trust_effect=form.cleaned_data["trust_effect"],
                comments=form.cleaned_data["comments"],
                confirmations=form.confirmations(),
                expected_version=form.expected_version,
            )
        except StaleEdit as error:
            current = queries.meeting_for_review(request.user, uuid)
            if current is None:
                raise Http404("No such meeting") from error
            return _render_stale(request, current, str(error))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            disputed = review.meeting.status == Meeting.Status.DISPUTED
            messages.success(request, DISPUTED_MESSAGE if disputed else REVIEWED_MESSAGE)
            return redirect(meeting)
    return _render_review(request, meeting, form, extra, status=400)


def _render_stale(request, meeting: Meeting, message: str):
    """The officers changed the meeting meanwhile: show it as it is now, answers kept."""
    data = request.POST.copy()
    data["version"] = str(meeting.version)
    form, extra = _review_form(meeting, data)
    form.is_valid()
    form.add_error(None, message)
    return _render_review(request, meeting, form, extra, status=400)


@login_required
@require_GET_or_POST
def dispute_escalate(request, uuid):
    dispute = queries.dispute_for_escalation(request.user, uuid)
    if dispute is None or not _may(
        DISPUTE_TRANSITIONS, dispute, request.user, frozenset({"escalate"})
    ):
        raise Http404("No such dispute")
    form = EscalateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.dispute_escalate(
                    dispute=dispute, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("reason", message)
            else:
                messages.success(request, ESCALATED_MESSAGE)
                return redirect(dispute.meeting)
    else:
        note_read(request, record=dispute.meeting, meeting=dispute.meeting)
    return render(
        request,
        "meetings/dispute_escalate.html",
        {
            "dispute": dispute,
            "meeting": dispute.meeting,
            "review": dispute.opened_by,
            "form": form,
            "errors": error_summary(form) if form.is_bound else [],
        },
        status=400 if form.is_bound else 200,
    )


@role_required(Role.ADMIN)
@require_safe
@reads_from_replica
def escalated_list(request):
    page = Paginator(queries.escalated_disputes(), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "meetings/escalated_list.html", {"page": page})
