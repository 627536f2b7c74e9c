"""What the benchmarks read from every response: the server's own time and its queries."""

import time

from django.db import connection

SERVER_MS = "X-Bench-Server-Ms"
QUERIES = "X-Bench-Queries"
DATABASE_MS = "X-Bench-Database-Ms"


class QueryCounter:
    """An execute wrapper counting the statements a request sends and their time."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


class BenchMiddleware:
    """The outermost middleware: times everything Django does for a request, every other
    middleware included (the session's read and save, the CSP header), and counts its
    queries with an execute wrapper, so DEBUG can stay off. A streamed response's body is
    written after this returns and is not in the time."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        counter = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        response[SERVER_MS] = f"{elapsed * 1000:.3f}"
        response[QUERIES] = str(counter.count)
        response[DATABASE_MS] = f"{counter.seconds * 1000:.3f}"
        return response
