"""The app's URLs and a bare view: the least a Django request can cost on this server."""

from django.http import HttpResponse
from django.urls import path

from bench.server import BARE
from engagement.urls import handler400, handler500  # noqa: F401  the app's 503 page
from engagement.urls import urlpatterns as app_urlpatterns


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path(BARE.strip("/") + "/", bare), *app_urlpatterns]
