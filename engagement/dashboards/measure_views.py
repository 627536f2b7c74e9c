from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from engagement import clock
from engagement.dashboards import registry
from engagement.dashboards.forms import MeasureFilterForm
from engagement.dashboards.queries.base import Breakdown, Scope
from engagement.dashboards.queries.breakdowns import broken_down, dimensions_for
from engagement.dashboards.snapshots import measure_figure
from engagement.dashboards.templatetags.dashboard_figures import rows_are_records
from engagement.gds import error_summary
from engagement.replica import reads_from_replica


@login_required
@require_safe
@reads_from_replica
def measure_detail(request, key: str):
    """One measure for the viewer's scope and filters, over time and by area risk level,
    area, unit or group, one dimension at a time; `?format=json` gives the same rows."""
    try:
        measure = registry.measure_by_key(key)
    except LookupError:
        raise Http404("No such measure") from None
    as_json = request.GET.get("format") == "json"
    dimensions = dimensions_for(measure, request.user)
    form = MeasureFilterForm(
        request.GET, user=request.user, today=clock.today(), dimensions=dimensions
    )
    if not form.is_valid():
        if as_json:
            errors = {name: list(messages) for name, messages in form.errors.items()}
            return JsonResponse({"errors": errors}, status=400)
        context = {
            "measure": measure,
            "form": form,
            "filter_errors": error_summary(form, with_labels=True),
        }
        return render(request, "dashboards/measure.html", context, status=400)

    scope = Scope(user=request.user, period=form.period(), filters=form.filters())
    figure, computed_at = measure_figure(measure, scope, now=clock.now())
    dimension = form.dimension()
    rows = (
        broken_down(measure, scope, dimension, page_number=request.GET.get("page"))
        if dimension is not None
        else None
    )
    # A table measure shown a page at a time when it has a row per group (or area, unit),
    # which grows with the nation; by month or risk level, whole. Its JSON is whole.
    if rows is None and isinstance(figure, Breakdown):
        per_page = settings.PAGE_SIZE if rows_are_records(measure.key) else len(figure.rows)
        table = Paginator(figure.rows, max(per_page, 1)).get_page(request.GET.get("page"))
    else:
        table = None
    if as_json:
        return JsonResponse(
            {
                "period": scope.period.as_json(),
                "filters": scope.filters.as_json(),
                "measure": {"key": measure.key, "label": measure.label},
                "figure": figure.as_json(),
                "computed_at": computed_at.isoformat() if computed_at else None,
                "by": rows.dimension.key if rows else None,
                "rows": rows.breakdown.as_json()["by"] if rows else None,
                "page": {"number": rows.page.number, "pages": rows.page.paginator.num_pages}
                if rows
                else None,
            }
        )
    return render(
        request,
        "dashboards/measure.html",
        {
            "measure": measure,
            "form": form,
            "filter_errors": [],
            "scope": scope,
            "figure": figure,
            "computed_at": computed_at,
            "rows": rows,
            "table_page": table,
            "table_rows": Breakdown(rows=list(table.object_list)) if table else None,
            "rows_caption": f"{measure.label} by {rows.dimension.label.lower()}" if rows else "",
            "dimension_links": [
                (dimension, form.query_with(by=dimension.key, page=None))
                for dimension in dimensions
            ],
            "page_query": form.query_with(page=None),
            "dashboard_query": form.query_with(by=None, page=None),
            "json_query": form.query_with(format="json"),
            "export_query": form.query_with(
                measure=measure.key, by=rows.dimension.key if rows else None, page=None
            ),
        },
    )
