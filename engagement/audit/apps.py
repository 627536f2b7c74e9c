from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "engagement.audit"

    def ready(self):
        from engagement.audit import reads  # noqa: F401 (registers its system check)
