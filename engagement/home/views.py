"""The home page, "my work": what this person should do next, by role; and for an officer,
their own disclosure record beside their unit's."""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from engagement import clock
from engagement.accounts.models import Role, User
from engagement.audit.access import access_period, access_to
from engagement.dashboards.queries.base import Filters, Period, Scope
from engagement.dashboards.queries.own_record import disclosure_record, side_by_side, unit_of
from engagement.meetings.queries import home as queries
from engagement.meetings.queries.meeting import meetings_visible_to

HOME_LIST_LIMIT = 10


def first_few(queryset, limit: int = HOME_LIST_LIMIT) -> dict:
    """The first `limit` rows and whether there are more, in one query."""
    rows = list(queryset[: limit + 1])
    return {"rows": rows[:limit], "more": len(rows) > limit}


def own_record(officer: User) -> dict:
    """The officer's disclosures over the last 12 months, and their unit's (every
    officer's disclosures on the unit's meetings, theirs included) beside them."""
    period = Period.last_twelve_months(clock.today())
    unit = unit_of(officer)
    mine = disclosure_record(Scope(user=officer, period=period), officer=officer)
    confirmed = {"you": mine.confirmed_by_month}
    theirs = None
    if unit is not None:
        theirs = disclosure_record(Scope(user=officer, period=period, filters=Filters(unit=unit)))
        confirmed["your unit"] = theirs.confirmed_by_month
    return {
        "period": period,
        "unit": unit,
        "mine": mine,
        "theirs": theirs,
        "confirmed_by_month": side_by_side(confirmed),
    }


def _officer_work(request) -> dict:
    user = request.user
    return {
        "disputes": first_few(queries.disputes_for(user)),
        "drafts": first_few(queries.drafts_of(user)),
        "follow_ups": first_few(queries.outstanding_follow_ups_of(user)),
        "record": own_record(user),
    }


def _access_to_groups_of(request) -> dict:
    """How often the liaison's groups' meetings were opened and exported, over a period
    they choose."""
    form, days = access_period(request.GET)
    since = clock.now() - datetime.timedelta(days=days)
    return {
        "access_form": form,
        "access": access_to(meetings_visible_to(request.user), since=since),
    }


def _liaison_work(request) -> dict:
    user = request.user
    today = timezone.localdate()
    awaiting = first_few(queries.awaiting_review_by(user))
    for meeting in awaiting["rows"]:
        meeting.days_waiting = (today - timezone.localdate(meeting.first_submitted_at)).days
    return {
        "awaiting_review": awaiting,
        "my_disputes": first_few(queries.disputes_raised_by(user)),
        "to_confirm": first_few(queries.report_backs_to_confirm(user)),
        "owed": first_few(queries.follow_ups_owed_to_groups_of(user)),
        **_access_to_groups_of(request),
    }


def _admin_work(request) -> dict:
    return {"escalated": first_few(queries.escalated_disputes())}


WORK_BY_ROLE = {Role.OFFICER: _officer_work, Role.LIAISON: _liaison_work, Role.ADMIN: _admin_work}


@login_required
@require_safe
def home(request):
    """ "My work": what this person should do next, by role."""
    work = WORK_BY_ROLE.get(request.user.role)
    context = work(request) if work else {}
    return render(request, "home/home.html", context)
