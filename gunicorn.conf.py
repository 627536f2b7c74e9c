"""gunicorn's settings for Engagement Log, read from the project folder by default
(`gunicorn engagement.wsgi`, as the README says to run it in production).

The `Server` header named gunicorn (and, before 23, its version) on every response:
telling a stranger which server software to look up weaknesses for helps no one here.
gunicorn has no setting for it; it writes the module value `gunicorn.http.wsgi.SERVER`
into each response, and `SERVER_SOFTWARE` into the WSGI environment. This file runs in
gunicorn's master before it starts any worker, so every worker answers with these.
"""

import os

import gunicorn
import gunicorn.arbiter
import gunicorn.http.wsgi

SERVER_NAME = "Engagement Log"

gunicorn.SERVER = SERVER_NAME
gunicorn.SERVER_SOFTWARE = SERVER_NAME
gunicorn.http.wsgi.SERVER = SERVER_NAME
gunicorn.http.wsgi.SERVER_SOFTWARE = SERVER_NAME
gunicorn.arbiter.SERVER_SOFTWARE = SERVER_NAME

# Sync workers, each serving one request at a time: twice the cores plus one keeps the
# cores busy while some wait on the database. WEB_CONCURRENCY (gunicorn's own variable)
# or --workers sets another number.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
# gunicorn 27's control socket sits at one path per user, which a second instance on the
# same machine would take over; the app is stopped and reloaded by signals instead.
control_socket_disable = True
