from django.contrib import admin
from django.urls import include, path

from engagement.health import healthz
from engagement.home.views import home

admin.site.site_header = "Engagement Log reference data"
admin.site.site_title = "Engagement Log admin"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("engagement.accounts.urls")),
    path("", include("engagement.meetings.urls")),
    path("dashboards/", include("engagement.dashboards.urls")),
    path("reports/", include("engagement.dashboards.report_urls")),
    path("retention/", include("engagement.retention.urls")),
    path("audit/", include("engagement.audit.urls")),
    path("admin/", admin.site.urls),
]

# The app's own 503 page when the database cannot be reached (engagement/unavailable.py);
# any other error keeps Django's 400 and 500 pages.
handler400 = "engagement.unavailable.bad_request"
handler500 = "engagement.unavailable.server_error"
