from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from engagement import clock
from engagement.dashboards.forms import DashboardFilterForm
from engagement.dashboards.queries.base import Scope
from engagement.dashboards.snapshots import dashboard_figures
from engagement.gds import error_summary
from engagement.replica import reads_from_replica


@login_required
@require_safe
@reads_from_replica
def dashboard(request):
    """Every measure for the viewer's scope and the chosen filters; `?format=json` gives
    the same figures by their stable keys, for the force's own BI tools."""
    as_json = request.GET.get("format") == "json"
    form = DashboardFilterForm(request.GET, user=request.user, today=clock.today())
    if not form.is_valid():
        if as_json:
            errors = {name: list(messages) for name, messages in form.errors.items()}
            return JsonResponse({"errors": errors}, status=400)
        context = {"form": form, "filter_errors": error_summary(form, with_labels=True)}
        return render(request, "dashboards/dashboard.html", context, status=400)

    scope = Scope(user=request.user, period=form.period(), filters=form.filters())
    sections, computed_at = dashboard_figures(scope, now=clock.now())
    if as_json:
        measures = {
            measure.key: figure.as_json()
            for section in sections
            for measure, figure in section.figures
        }
        return JsonResponse(
            {
                "period": scope.period.as_json(),
                # When the figures were computed ahead; null when computed for this answer.
                "computed_at": computed_at.isoformat() if computed_at else None,
                "filters": scope.filters.as_json(),
                "measures": measures,
            }
        )
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "form": form,
            "filter_errors": [],
            "scope": scope,
            "sections": sections,
            "computed_at": computed_at,
            "json_query": form.query_with(format="json"),
            "filter_query": form.query_with(),
        },
    )
