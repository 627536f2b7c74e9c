from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "engagement.retention"
    verbose_name = "Retention review"
