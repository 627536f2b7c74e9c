"""`/healthz`: whether this instance can answer, for a load balancer or an orchestrator.

It asks every configured database for one row, and answers 200 or 503 with a word per
database and nothing else: no version, no host, no error text. Not behind sign-in, never
cached, and not a read of anyone's records, so not in the audit log.
"""

from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from engagement.audit.reads import not_a_read

UP, DOWN = "ok", "unavailable"


def database_answers(alias: str) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


@not_a_read
@never_cache
@require_safe
def healthz(request):
    databases = {alias: UP if database_answers(alias) else DOWN for alias in connections}
    healthy = all(state == UP for state in databases.values())
    return JsonResponse(
        {"status": UP if healthy else DOWN, "databases": databases}, status=200 if healthy else 503
    )
