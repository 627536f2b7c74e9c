"""The groups list and a group's page, each through the groups' visibility function."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from engagement.accounts.models import Role
from engagement.audit.reads import note_read
from engagement.community.queries import groups_visible_to, liaisons_of
from engagement.gds import error_summary
from engagement.meetings.group_filters import GroupFilter
from engagement.meetings.queries import group as queries
from engagement.replica import reads_from_replica

# Liaisons see only their own groups, so a filter by liaison would offer only themselves.
ROLES_FILTERING_BY_LIAISON = (Role.ADMIN, Role.OFFICER)


@login_required
@require_safe
@reads_from_replica
def group_list(request):
    user = request.user
    today = timezone.localdate()
    by_liaison = user.role in ROLES_FILTERING_BY_LIAISON
    filterset = GroupFilter(
        request.GET,
        queryset=queries.group_list(user=user, today=today),
        liaisons=liaisons_of(groups=groups_visible_to(user)) if by_liaison else None,
    )
    page = Paginator(filterset.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "groups/group_list.html",
        {
            "filter": filterset,
            "filter_errors": error_summary(filterset.form, with_labels=True),
            "page": page,
            "query": query.urlencode(),
        },
    )


@login_required
@require_safe
def group_detail(request, uuid):
    user = request.user
    today = timezone.localdate()
    group = queries.group_for_detail(user=user, uuid=uuid, today=today)
    if group is None:
        raise Http404("No such group")
    note_read(request, record=group)
    latest = queries.latest_meetings_with(group=group, user=user)
    meetings = list(latest[: queries.LATEST_MEETINGS_SHOWN + 1])
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "months": queries.meetings_by_month(group=group, user=user, today=today),
            "meetings": meetings[: queries.LATEST_MEETINGS_SHOWN],
            "more_meetings": len(meetings) > queries.LATEST_MEETINGS_SHOWN,
            "follow_ups": queries.outstanding_follow_ups_owed_to(group=group, user=user),
        },
    )
