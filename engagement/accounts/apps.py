from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "engagement.accounts"

    def ready(self):
        from engagement.accounts import signals  # noqa: F401
