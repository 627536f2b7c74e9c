"""The transparency report's one choice: its period (the last 12 months unless asked)."""

import datetime

from django.http import QueryDict

from engagement.accounts.models import User
from engagement.dashboards.forms import DashboardFilterForm

# The dashboard's filters that never apply to a report: it is over every record.
NOT_FOR_A_REPORT = ("area", "risk_level", "unit", "group")


class ReportPeriodForm(DashboardFilterForm):
    """The dashboard's period, with its defaults and its checks, and nothing else."""

    def __init__(self, data: QueryDict, *, user: User, today: datetime.date):
        super().__init__(data, user=user, today=today)
        for name in NOT_FOR_A_REPORT:
            self.fields.pop(name, None)
