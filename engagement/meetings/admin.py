"""The meetings side's email tasks, in the admin with the project's checks and audit."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from engagement.admin_lists import CheckedListAdmin

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(CheckedListAdmin, DBTaskResultAdmin):
    pass
