"""What every view answers to a method it does not take: 405, never the page."""

from django.views.decorators.http import require_http_methods

# A page with a form: shown by GET (and HEAD), sent by POST.
require_GET_or_POST = require_http_methods(["GET", "HEAD", "POST"])
