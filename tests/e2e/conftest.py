"""Fixtures for the real-browser journeys: system Chromium, a live server, page checks.

Playwright's sync API runs an event loop in this thread, so Django refuses ORM calls
from test code unless told that is safe here (it is: the loop is Playwright's own).
"""

import os

import pytest

from tests.e2e.axe import PageChecker

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 900}


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
    """A fresh page per test (new browser context), with a short default timeout so a
    missing label fails fast instead of hanging for 30 seconds."""
    page.set_default_timeout(5_000)
    return page


@pytest.fixture
def check_page(request):
    """Check a page with axe at desktop and phone widths, with screenshots; see axe.py."""
    return PageChecker(request.node.originalname)
