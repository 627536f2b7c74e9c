from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "engagement.meetings"

    def ready(self) -> None:
        # Connects search.refresh_group_meetings in every process (web, shell, commands):
        # a renamed group refreshes its meetings' search vectors.
        from engagement.meetings import search  # noqa: F401
