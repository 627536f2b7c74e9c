from django.urls import path

from engagement.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.retention_queue, name="retention-queue"),
    path("<uuid:uuid>/", views.retention_decide, name="retention-decide"),
]
