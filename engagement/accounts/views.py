import datetime
import math

from axes.conf import settings  # Django's settings, with django-axes's defaults
from axes.helpers import get_client_username
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST, require_safe

from engagement.accounts import pending, queries
from engagement.accounts.decorators import role_required
from engagement.accounts.forms import SignInForm
from engagement.accounts.models import Role, User
from engagement.accounts.queries import sign_in_locked_until
from engagement.accounts.services import NOT_LOCKED_MESSAGE, UNLOCKED_MESSAGE, sign_in_unlock
from engagement.gds import error_summary

LOCKED_OUT_TITLE = "Sign-in locked"
LOCKED_OUT_ASK_ADMIN = (
    "If you need to sign in sooner, ask an Engagement Log admin to unlock your account."
)
LOCKED_OUT_NOT_YOU = (
    "If you did not try to sign in, tell an admin: someone else may have been trying your account."
)
HELD_FORM_LOST = (
    "What you typed before you were signed out could not be kept. It has not been saved."
)


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True
    # Django's form views take PUT as POST: a sign-in is a POST only.
    http_method_names = ["get", "head", "post"]

    def form_valid(self, form):
        response = super().form_valid(form)
        if blob := self.request.POST.get("pending"):
            pending.hold_for(self.request, form.get_user(), blob)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        return context | {
            "errors": error_summary(form) if form.is_bound else [],
            # Kept through a mistyped password too.
            "pending": self.request.POST.get("pending", ""),
        }


sign_in = SignInView.as_view()


@role_required(Role.ADMIN)
@require_safe
def locked_list(request):
    """The accounts locked out after failed sign-ins, for an admin to unlock."""
    return render(request, "accounts/locked_list.html", {"accounts": queries.locked_accounts()})


@role_required(Role.ADMIN)
@require_POST
def unlock(request, pk):
    account = get_object_or_404(User, pk=pk)
    if sign_in_unlock(account=account, by=request.user):
        messages.success(request, UNLOCKED_MESSAGE.format(names=account.username))
    else:
        messages.info(request, NOT_LOCKED_MESSAGE.format(names=account.username))
    return redirect("accounts:locked-list")


sign_out = require_POST(auth_views.LogoutView.as_view())


def duration_in_words(minutes: int) -> str:
    """15 → "15 minutes", 60 → "1 hour", 90 → "1 hour 30 minutes"."""
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def time_in_words(moment: datetime.datetime, *, today: datetime.date) -> str:
    """14:32, or 14:32 on 3 June 2026 when not today."""
    if moment.date() == today:
        return f"{moment:%H:%M}"
    return f"{moment:%H:%M} on {moment.day} {moment:%B %Y}"


def locked_out(request, original_response=None, credentials=None):
    """django-axes's answer to a sign-in by a locked-out account (AXES_LOCKOUT_CALLABLE,
    called by its middleware in place of the sign-in page): what happened, until when,
    and what to do, with axes's status (429) and a Retry-After."""
    username = str(get_client_username(request, credentials) or "")
    now = timezone.now()
    until = sign_in_locked_until(username=username, now=now) or now + settings.AXES_COOLOFF_TIME
    seconds_left = max(1, math.ceil((until - now).total_seconds()))
    response = render(
        request,
        "accounts/locked_out.html",
        {
            "title": LOCKED_OUT_TITLE,
            "username": username,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "lockout_length": duration_in_words(
                int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            ),
            "until": time_in_words(timezone.localtime(until), today=timezone.localdate(now)),
            "time_left": duration_in_words(math.ceil(seconds_left / 60)),
            "ask_admin": LOCKED_OUT_ASK_ADMIN,
            "not_you": LOCKED_OUT_NOT_YOU,
            "held_form_lost": HELD_FORM_LOST if request.POST.get("pending") else "",
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(seconds_left)
    add_never_cache_headers(response)
    return response
