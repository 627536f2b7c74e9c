"""Compute the admins' dashboard ahead: run it every few minutes from cron (see the README)."""

from django.core.management.base import BaseCommand, CommandError

from engagement import clock
from engagement.accounts.models import Role, User
from engagement.dashboards.queries.base import Period
from engagement.dashboards.services import snapshot_refresh
from engagement.dashboards.snapshots import SNAPSHOT_FILTERS

NO_ADMIN_ERROR = "There is no active admin account to compute the admins' figures as."
DONE_MESSAGE = "{view}: computed in {seconds:.1f} s."


class Command(BaseCommand):
    help = (
        "Compute the admins' dashboard for the last twelve months, whole and for each area "
        "risk level, and keep it for the page to show with the time it was computed: an "
        "admin's figures cover every meeting in the nation and take time that grows with "
        "it. Run it every few minutes, more often than DASHBOARD_SNAPSHOT_MAX_AGE_MINUTES."
    )

    def handle(self, *args, **options) -> None:
        admin = User.objects.filter(groups__name=Role.ADMIN, is_active=True).order_by("pk").first()
        if admin is None:
            raise CommandError(NO_ADMIN_ERROR)
        period = Period.last_twelve_months(clock.today())
        for filters in SNAPSHOT_FILTERS:
            snapshot = snapshot_refresh(
                admin=admin, period=period, filters=filters, now=clock.now()
            )
            view = snapshot.filters_key or "whole dashboard"
            self.stdout.write(DONE_MESSAGE.format(view=view, seconds=snapshot.seconds))
