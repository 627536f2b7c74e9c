from django.urls import path

from engagement.dashboards import export, measure_views, views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", export.dashboard_export, name="dashboard-export"),
    path("measures/<slug:key>/", measure_views.measure_detail, name="measure"),
]
