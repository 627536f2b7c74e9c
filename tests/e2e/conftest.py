"""Fixtures for the real-browser journeys: system Chromium, a live server, page checks.

Playwright's sync API runs an event loop in this thread, so Django refuses ORM calls
from test code unless told that is safe here (it is: the loop is Playwright's own).
"""

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import PageChecker

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 900}
# How long a journey waits for a visible state before calling it missing.
PAGE_WAIT_MS = 60_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive the Debian package's Chromium: Playwright downloads no browser here."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-chromium (as root).")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
        "headless": True,
    }


@pytest.fixture(scope="session")
def base_url():
    """No base URL: the journeys start from live_server.url. (This also replaces
    pytest-playwright's own fixture, a method on a plugin class that pytest 9 warns
    about on every run.)"""
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB"}


@pytest.fixture
def page(page, live_server):
    """A fresh page per test (new browser context).

    Waits are for visible states, with a generous limit: CI's machine may be busy with
    other work (a load of 10 on 2 cores), and a slow page is not a broken one.

    Every console error fails the test (a script error, or anything the
    Content-Security-Policy blocked), and so does any static file that fails to load.
    Pages' own 4xx answers (a form with errors, a 404) are expected and are not errors.
    """
    page.set_default_timeout(PAGE_WAIT_MS)
    expect.set_options(timeout=PAGE_WAIT_MS)
    errors = []

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response):
        if "/static/" in response.url and response.status >= 400:
            errors.append(f"{response.status} for {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, "Errors in the browser console:\n" + "\n".join(errors)


@pytest.fixture
def check_page(request):
    """Check a page with axe at desktop and phone widths, with screenshots; see axe.py."""
    return PageChecker(request.node.originalname)
