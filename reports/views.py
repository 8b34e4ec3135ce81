"""HTTP for the results reports. Thin: every view asks `policies.report_scope` who the viewer
is and reads only through the cohorts that scope allows (`selectors.selected_cohorts`)."""

import csv
from collections.abc import Callable, Iterator
from functools import wraps
from http import HTTPStatus

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import policies, selectors, tables
from .definitions import DEFINITIONS
from .forms import DrillForm, FilterForm, Filters
from .sources import impact_sources

RECORDS_PER_PAGE = 50
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def reports_view(view: Callable) -> Callable:
    """Log in first; then only programme managers and institution admins get through."""

    @wraps(view)
    @login_required
    @require_GET
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        scope = policies.report_scope(request.user)
        policies.remember_scope(request.user, scope)
        if not policies.can_view_reports(scope):
            return render(request, "reports/forbidden.html", status=HTTPStatus.FORBIDDEN)
        return view(request, scope, *args, **kwargs)

    return wrapper


def _filters(request: HttpRequest, scope: policies.ReportScope) -> tuple[FilterForm, Filters | None]:
    form = FilterForm(request.GET or None, scope=scope)
    if not request.GET:
        return form, Filters()
    if form.is_valid():
        return form, form.filters()
    return form, None


def _csv_cell(value: object) -> object:
    # A cell that starts like a formula is run by spreadsheets: neutralise it (CSV injection).
    if isinstance(value, str) and value.startswith(CSV_FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_response(filename: str, header: list[str], rows: Iterator[list]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # a byte-order mark, so spreadsheet programs read UTF-8 (Arabic, Chinese)
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_csv_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="legis-{filename}-{stamp}.csv"'
    return response


def _bad_filters(request: HttpRequest, form) -> HttpResponse:
    return render(request, "reports/bad_filters.html", {"form": form}, status=HTTPStatus.BAD_REQUEST)


@reports_view
def dashboard(request: HttpRequest, scope: policies.ReportScope) -> HttpResponse:
    form, filters = _filters(request, scope)
    context = {
        "form": form,
        "filters": filters,
        "scope": scope,
        "definitions": DEFINITIONS,
        "has_impact_sources": bool(impact_sources()),
    }
    if filters is not None:
        results = selectors.results(scope, filters)
        context.update(
            results=results,
            tables=tables.build(results, filters),
            querystring=filters.querystring(),
        )
    return render(request, "reports/dashboard.html", context)


@reports_view
def table_csv(request: HttpRequest, scope: policies.ReportScope, key: str) -> HttpResponse:
    form, filters = _filters(request, scope)
    if filters is None:
        return _bad_filters(request, form)
    results = selectors.results(scope, filters)
    built = tables.build(results, filters)
    if key not in built:
        raise Http404
    table = built[key]
    return _csv_response(key, [c.label for c in table.columns], ([c.csv for c in row] for row in table.rows))


def _records(request: HttpRequest, scope: policies.ReportScope, kind: str):
    if kind not in selectors.RECORDS:
        raise Http404
    form, filters = _filters(request, scope)
    drill_form = DrillForm(request.GET)
    if filters is None or not drill_form.is_valid():
        return form, None, None, None
    drill = drill_form.drill()
    cohorts = selectors.selected_cohorts(scope, filters)
    return form, filters, drill, selectors.RECORDS[kind](cohorts, drill)


@reports_view
def records(request: HttpRequest, scope: policies.ReportScope, kind: str) -> HttpResponse:
    form, filters, drill, queryset = _records(request, scope, kind)
    if queryset is None:
        return _bad_filters(request, form)
    page = Paginator(queryset, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    query = filters.querystring(**drill)
    return render(
        request,
        "reports/records.html",
        {
            "kind": kind,
            "table": tables.records_table(kind, page.object_list),
            "page": page,
            "filters": filters,
            "drill": tables.describe_drill(drill, filters),
            "records_query": query,
            "dashboard_query": filters.querystring(),
        },
    )


@reports_view
def records_csv(request: HttpRequest, scope: policies.ReportScope, kind: str) -> HttpResponse:
    form, _filters_, _drill, queryset = _records(request, scope, kind)
    if queryset is None:
        return _bad_filters(request, form)
    columns = tables.record_columns(kind)
    row = tables.RECORD_ROWS[kind]
    return _csv_response(
        kind,
        [c.label for c in columns],
        ([cell.csv for cell in row(obj)] for obj in queryset.iterator(chunk_size=2000)),
    )


def _print(request: HttpRequest, scope, filters: Filters, context: dict) -> HttpResponse:
    results = selectors.results(scope, filters)
    context.update(
        results=results,
        tables=tables.build(results, filters),
        filters=filters,
        printed_at=timezone.now(),
        definitions=DEFINITIONS,
    )
    return render(request, "reports/print.html", context)


@reports_view
def print_period(request: HttpRequest, scope: policies.ReportScope) -> HttpResponse:
    form, filters = _filters(request, scope)
    if filters is None:
        return _bad_filters(request, form)
    return _print(request, scope, filters, {"form": form, "cohort": None})


@reports_view
def print_cohort(request: HttpRequest, scope: policies.ReportScope, pk: int) -> HttpResponse:
    # Another institution's cohort is not found, rather than forbidden: its existence is not shown either.
    cohort = get_object_or_404(scope.cohorts().select_related("course", "institution"), pk=pk)
    return _print(
        request,
        scope,
        Filters(cohort=cohort),
        {"cohort": cohort, "tutors": selectors.cohort_tutors(cohort), "title": _("Cohort report")},
    )
