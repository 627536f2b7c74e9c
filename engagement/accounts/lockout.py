"""What django-axes records of a sign-in, kept to what its tables can hold.

axes copies the username tried, the User-Agent and Accept headers and the path into
its records as they came. On PostgreSQL a username longer than its column (255) or a
NUL byte in a header was refused by the database, and the sign-in answered 500. Django's
sign-in form does not stop an overlong username (its length is only the input's
`maxlength`); no account's is longer than 150 characters, so nothing real is lost.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.http import HttpRequest

from engagement.accounts.models import User

USERNAME_LENGTH = User._meta.get_field("username").max_length or 150
# The request attributes axes fills from the headers and path and saves (their column
# lengths are axes's own, and it cuts them to fit).
REQUEST_TEXTS = ("axes_user_agent", "axes_http_accept", "axes_path_info")


def storable(text: str) -> str:
    return text.replace("\x00", "\ufffd")


def username_tried(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the username as axes counts and stores it, everywhere."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    if username is None:
        return None
    return storable(str(username))[:USERNAME_LENGTH]


def _make_storable(request: HttpRequest | None) -> None:
    for name in REQUEST_TEXTS:
        value = getattr(request, name, None)
        if isinstance(value, str):
            setattr(request, name, storable(value))


class DatabaseHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes's database handler, with the headers made storable first."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        _make_storable(request)
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        _make_storable(request)
        return super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        _make_storable(request)
        return super().user_logged_out(sender, request, user, **kwargs)
