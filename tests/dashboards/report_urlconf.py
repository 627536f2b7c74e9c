"""The site's URLs with the transparency report's pages at `reports/`, for the report's
tests, until engagement/urls.py includes them itself (then this adds nothing)."""

from django.urls import include, path

from engagement import urls

urlpatterns = list(urls.urlpatterns)
if not any(getattr(pattern, "namespace", None) == "reports" for pattern in urlpatterns):
    urlpatterns.append(path("reports/", include("engagement.dashboards.report_urls")))
