from django.urls import path

from engagement.meetings.views import meeting as views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("new/", views.meeting_create, name="meeting-create"),
    path("<uuid:uuid>/", views.meeting_detail, name="meeting-detail"),
    path("<uuid:uuid>/edit/", views.meeting_edit, name="meeting-edit"),
    path("<uuid:uuid>/withdraw/", views.meeting_withdraw, name="meeting-withdraw"),
]
