from django.contrib.auth import views as auth_views
from django.views.decorators.http import require_POST

from engagement.accounts import pending
from engagement.accounts.forms import SignInForm
from engagement.gds import error_summary


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
sign_out = require_POST(auth_views.LogoutView.as_view())
