"""Nothing typed is lost when a session expires mid-form.

An officer may spend longer than the inactivity limit writing up a meeting. When their
save arrives signed out, the sign-in page carries what they typed (signed, so it cannot
be altered in transit); once the same officer signs in again the form comes back filled
in, for them to check and save. Another person signing in on that device gets nothing.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import QueryDict
from django.shortcuts import render

from engagement.accounts.forms import SignInForm

SALT = "engagement.pending-form"
MAX_AGE_SECONDS = 12 * 60 * 60
SESSION_KEY = "pending_form"
TYPED_BY_FIELD = "typed_by"
SESSION_EXPIRED_MESSAGE = (
    "You were signed out because the page was left for a while. Sign in again: what you "
    "typed has been kept, and you can check it and save."
)
RESTORED_MESSAGE = "This is what you typed before you were signed out. It has not been saved yet."
TOO_LARGE_MESSAGE = (
    "You were signed out because the page was left for a while. What you typed was too "
    "large to keep while you sign in, so it has not been kept or saved: sign in and enter "
    "it again."
)
# At most this many characters typed (names and values) are held through sign-in. The
# largest meeting form a person can send, every text at its longest with 20 officers and
# 20 follow-ups, is about 52,000; a review is far smaller. Past this nothing is held: a
# signed-out 1 MB POST must not come back as a 1 MB hidden field, nor sit in a session.
# Signed and compressed, what is held is at most about 270 kB even in text that
# compresses worst (random characters from a large script), and ~100 kB in English.
MAX_HELD_CHARACTERS = 100_000


def keep_post_through_sign_in(view):
    """Like login_required, but a signed-out POST is held while its author signs in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated or request.method != "POST":
            return login_required(view)(request, *args, **kwargs)
        data = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
        if typed_characters(data) > MAX_HELD_CHARACTERS:
            blob = ""
            messages.warning(request, TOO_LARGE_MESSAGE)
        else:
            blob = signing.dumps({"path": request.path, "data": data}, salt=SALT, compress=True)
            messages.info(request, SESSION_EXPIRED_MESSAGE)
        context = {
            "form": SignInForm(request),
            "next": request.path,
            "pending": blob,
            "errors": [],
        }
        return render(request, "accounts/sign_in.html", context)

    return wrapper


def typed_characters(data: dict[str, list[str]]) -> int:
    return sum(len(key) + sum(len(value) for value in values) for key, values in data.items())


def hold_for(request, user, blob: str) -> None:
    """After sign-in: keep the held form if this user is the one who typed it."""
    try:
        pending = signing.loads(blob, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return
    typed_by = pending.get("data", {}).get(TYPED_BY_FIELD, [""])[0]
    if typed_by == str(user.pk):
        request.session[SESSION_KEY] = pending


def take_held_form(request) -> QueryDict | None:
    """The form data held for this page, once; None if there is none."""
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    data = QueryDict(mutable=True)
    for key, values in pending["data"].items():
        data.setlist(key, values)
    return data
