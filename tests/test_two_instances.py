"""Two app instances against one PostgreSQL, as behind a load balancer: nothing lives in
an instance, so a person signs in on one and carries on on the other, and a meeting
logged through one is found through the other. Real gunicorn, real HTTP."""

import os
import re
import subprocess
import sys
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.factories import PASSWORD
from tests.meetings.form_data import meeting_data
from tests.test_gunicorn import HOST, free_port, request, wait_until_answering

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="two instances share one PostgreSQL"
    ),
    # The instances read what the test has committed.
    pytest.mark.django_db(transaction=True),
]
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def databases_in_use() -> dict[str, str]:
    """The URLs of the database the tests run in (pytest-django's, not the configured
    one), on the primary and, when there is one, on its replica."""
    return {
        variable: urlunsplit(
            urlsplit(os.environ[variable])._replace(path=f"/{connection.settings_dict['NAME']}")
        )
        for variable in ("DATABASE_URL", "DATABASE_REPLICA_URL")
        if os.environ.get(variable)
    }


@pytest.fixture
def two_instances(tmp_path):
    """Two gunicorn instances on two ports, against the tests' database: their ports."""
    environment = {**os.environ, "DEBUG": "true", **databases_in_use()}
    started: list[tuple[subprocess.Popen, int]] = []
    try:
        for name in ("one", "other"):
            port = free_port()
            log_path = tmp_path / f"gunicorn-{name}.log"
            with log_path.open("w") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "engagement.wsgi:application",
                     f"--bind={HOST}:{port}", "--workers=1"],
                    env=environment, stdout=log, stderr=subprocess.STDOUT,
                )  # fmt: skip
            started.append((process, port))
            wait_until_answering(process, port, log_path)
        yield [port for _, port in started]
    finally:
        for process, _ in started:
            process.terminate()
            process.wait(timeout=30)


class Browser:
    """One person's cookies, whichever instance answers."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def send(self, port, method, path, data=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        response, content = request(port, method, path, body=body, headers=headers)
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";")[0].split("=", 1)
            self.cookies[name] = value
        return response, content

    def token(self, port, path) -> str:
        response, content = self.send(port, "GET", path)
        assert response.status == 200, content[:500]
        return TOKEN.search(content).group(1).decode()


def test_sign_in_on_one_carry_on_on_the_other(two_instances, officer, area, group):
    one, other = two_instances
    # The tests hash passwords with a fast hasher the served app does not accept.
    officer.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    officer.save()
    browser = Browser()
    token = browser.token(one, "/accounts/sign-in/")
    signed_in, _ = browser.send(
        one,
        "POST",
        "/accounts/sign-in/",
        {"csrfmiddlewaretoken": token, "username": officer.username, "password": PASSWORD},
    )
    assert signed_in.status == 302

    # The other instance knows the session: the form, and a meeting logged through it.
    token = browser.token(other, "/meetings/new/")
    purpose = "Logged through the second instance"
    data = meeting_data(area=area, groups=[group], officers=[officer], purpose=purpose)
    saved, content = browser.send(
        other, "POST", "/meetings/new/", data | {"csrfmiddlewaretoken": token}
    )
    assert saved.status == 302, content[:2000]

    # And the first instance finds it.
    listed, content = browser.send(one, "GET", "/meetings/")
    assert listed.status == 200
    assert purpose.encode() in content
