"""What every response says beyond its page: 405 to a method a view does not take, and
no caching of anything shown to someone signed in."""

from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

# A page with a form: shown by GET (and HEAD), sent by POST.
require_GET_or_POST = require_http_methods(["GET", "HEAD", "POST"])


class NeverCacheSignedIn:
    """No signed-in page may be kept by a browser or a shared cache: police-only pages sent
    without Cache-Control stayed in the back button and in any cache between (issue 13)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
