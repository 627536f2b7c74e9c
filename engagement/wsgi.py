"""The served app (gunicorn engagement.wsgi). What differs from commands and tests: a
served process on PostgreSQL takes its connections from a pool, and cancels a query that
runs past the statement timeout rather than hold a worker; a migration or a command may
run long, and keeps Django's own connection. Either is set in the environment to change it.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagement.settings")
os.environ.setdefault("POSTGRES_POOL_SIZE", "4")
os.environ.setdefault("POSTGRES_STATEMENT_TIMEOUT_MS", "30000")
application = get_wsgi_application()
