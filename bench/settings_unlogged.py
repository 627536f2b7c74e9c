"""bench/settings.py without the read log, only for bench/accountability.py to measure
what logging every read costs a page. The project itself refuses to run without it
(audit.E001); nothing but that benchmark may serve these settings."""

from bench.settings import *  # noqa: F403
from bench.settings import MIDDLEWARE, SILENCED_SYSTEM_CHECKS

# engagement.audit.reads.MIDDLEWARE, named here: settings cannot import a models module.
READ_LOG = "engagement.audit.reads.LogReads"

MIDDLEWARE = [name for name in MIDDLEWARE if name != READ_LOG]
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "audit.E001"]
