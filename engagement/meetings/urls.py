from django.urls import path

from engagement.meetings.views import export, follow_up, group, meeting, review

app_name = "meetings"
urlpatterns = [
    path("meetings/", meeting.meeting_list, name="meeting-list"),
    path("meetings/new/", meeting.meeting_create, name="meeting-create"),
    path("meetings/export/", export.meeting_export, name="meeting-export"),
    path("meetings/<uuid:uuid>/", meeting.meeting_detail, name="meeting-detail"),
    path("meetings/<uuid:uuid>/edit/", meeting.meeting_edit, name="meeting-edit"),
    path("meetings/<uuid:uuid>/withdraw/", meeting.meeting_withdraw, name="meeting-withdraw"),
    path("meetings/<uuid:uuid>/review/", review.review_create, name="review-create"),
    path("disputes/escalated/", review.escalated_list, name="dispute-escalated-list"),
    path("disputes/<uuid:uuid>/escalate/", review.dispute_escalate, name="dispute-escalate"),
    path("follow-ups/", follow_up.follow_up_list, name="follow-up-list"),
    path("follow-ups/<uuid:uuid>/", follow_up.follow_up_detail, name="follow-up-detail"),
    path(
        "follow-ups/<uuid:uuid>/confirm/",
        follow_up.report_back_confirm,
        name="report-back-confirm",
    ),
    path(
        "follow-ups/<uuid:uuid>/<slug:transition>/",
        follow_up.follow_up_transition,
        name="follow-up-transition",
    ),
    path("groups/", group.group_list, name="group-list"),
    path("groups/<uuid:uuid>/", group.group_detail, name="group-detail"),
]
