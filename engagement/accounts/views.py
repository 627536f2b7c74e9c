from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from engagement.accounts import pending
from engagement.accounts.forms import SignInForm
from engagement.accounts.models import Role
from engagement.errors import error_summary
from engagement.meetings import queries


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

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
sign_out = require_POST(auth_views.LogoutView.as_view())


HOME_LIST_LIMIT = 10


def first_few(queryset, limit: int = HOME_LIST_LIMIT) -> dict:
    """The first `limit` rows and whether there are more, in one query."""
    rows = list(queryset[: limit + 1])
    return {"rows": rows[:limit], "more": len(rows) > limit}


@login_required
def home(request):
    """ "My work": what this person should do next, by role."""
    user = request.user
    context = {"today": timezone.localdate()}
    if user.role == Role.OFFICER:
        context |= {
            "drafts": first_few(queries.drafts_of(user)),
            "disputes": first_few(queries.disputes_for(user)),
            "follow_ups": first_few(queries.open_follow_ups_of(user)),
        }
    elif user.role == Role.LIAISON:
        context |= {"awaiting_review": first_few(queries.awaiting_review_for(user))}
    return render(request, "accounts/home.html", context)
