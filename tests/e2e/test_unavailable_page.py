"""The page shown while the database cannot be reached (engagement/unavailable.py) reads
well, by keyboard and at phone width, like every other page. Here a view raises the
database's own error, through the app's handler, so the browser gets what a lost
database gives: the 503 page with Retry-After."""

import pytest
from django.db import OperationalError
from django.urls import path
from playwright.sync_api import Page, expect

from engagement.unavailable import HEADING
from engagement.urls import urlpatterns as app_urlpatterns


def database_gone(request):
    raise OperationalError("connection to server failed: Connection refused")


# The app's pages too: the page's header links to them.
urlpatterns = [path("database-gone/", database_gone), *app_urlpatterns]
handler500 = "engagement.unavailable.server_error"


@pytest.mark.e2e
@pytest.mark.urls(__name__)
def test_the_unavailable_page_reads_well(page: Page, live_server, check_page):
    answer = page.goto(f"{live_server.url}/database-gone/")

    assert answer.status == 503
    assert answer.headers["retry-after"] == "30"
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADING)
    expect(page).to_have_title(f"{HEADING} – Engagement Log")
    assert "OperationalError" not in page.content()
    check_page(page, "service unavailable")
