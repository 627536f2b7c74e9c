"""The home page, "my work": what this person should do next, by role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from engagement.accounts.models import Role
from engagement.meetings.queries import meeting as queries

HOME_LIST_LIMIT = 10


def first_few(queryset, limit: int = HOME_LIST_LIMIT) -> dict:
    """The first `limit` rows and whether there are more, in one query."""
    rows = list(queryset[: limit + 1])
    return {"rows": rows[:limit], "more": len(rows) > limit}


@login_required
def home(request):
    """ "My work": what this person should do next, by role."""
    user = request.user
    context = {"today": timezone.localdate()}
    if user.role == Role.OFFICER:
        context |= {
            "drafts": first_few(queries.drafts_of(user)),
            "disputes": first_few(queries.disputes_for(user)),
            "follow_ups": first_few(queries.open_follow_ups_of(user)),
        }
    elif user.role == Role.LIAISON:
        context |= {"awaiting_review": first_few(queries.awaiting_review_for(user))}
    return render(request, "meetings/home.html", context)
