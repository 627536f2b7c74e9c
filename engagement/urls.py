from django.contrib import admin
from django.urls import include, path

from engagement.accounts import views as account_views

admin.site.site_header = "Engagement Log reference data"
admin.site.site_title = "Engagement Log admin"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("engagement.accounts.urls")),
    path("meetings/", include("engagement.meetings.urls")),
    path("admin/", admin.site.urls),
]
