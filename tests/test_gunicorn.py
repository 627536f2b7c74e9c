"""gunicorn as production runs it (`gunicorn engagement.wsgi` in the project folder,
which reads gunicorn.conf.py) over real HTTP: its `Server` header names neither gunicorn
nor a version, and a body too large for Django is a 400."""

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import gunicorn
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
START_TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    log_path = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    environment = {
        **os.environ,
        "DEBUG": "true",
        "SQLITE_PATH": str(log_path.parent / "empty.sqlite3"),
        "DATABASE_URL": "",
        "DATABASE_REPLICA_URL": "",
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "engagement.wsgi:application",
                f"--bind={HOST}:{port}",
                "--workers=1",
            ],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answering(process, port, log_path)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_answering(process, port, log_path):
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            request(port, "GET", "/accounts/sign-in/")
            return
        except ConnectionRefusedError:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer in {START_TIMEOUT} s")
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.2)


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def names_the_server(text: str) -> bool:
    return "gunicorn" in text.lower() or gunicorn.__version__ in text


def test_the_server_header_names_no_software_or_version(server):
    response, _body = request(server, "GET", "/accounts/sign-in/")

    assert response.status == 200
    assert response.getheader("Server") == "Engagement Log"
    assert not any(names_the_server(f"{name}: {value}") for name, value in response.getheaders())


def test_gunicorns_own_error_answer_names_nothing_either(server):
    with socket.create_connection((HOST, server), timeout=60) as raw:
        raw.sendall(b"NOT A REQUEST\r\n\r\n")
        answer = raw.recv(65536).decode("latin-1")
    assert answer.startswith("HTTP/1.1 400")
    assert not names_the_server(answer)


def test_a_body_too_large_for_django_is_a_400_over_http(server):
    page, html = request(server, "GET", "/accounts/sign-in/")
    cookie = page.getheader("Set-Cookie").split(";")[0]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
    body = f"csrfmiddlewaretoken={token}&summary=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response, _ = request(
        server,
        "POST",
        "/accounts/sign-in/",
        body=body.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Origin": f"http://{HOST}:{server}",
        },
    )

    assert response.status == 400
    assert response.getheader("Server") == "Engagement Log"
