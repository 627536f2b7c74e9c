from django.urls import path

from engagement.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_list, name="audit-list"),
    path("export/", views.audit_export, name="audit-export"),
]
