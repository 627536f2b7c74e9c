from django.urls import path

from engagement.dashboards import measure_views, views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("measures/<slug:key>/", measure_views.measure_detail, name="measure"),
]
