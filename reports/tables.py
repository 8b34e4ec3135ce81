"""The figures as tables (with links to their records) and charts, for the pages and the CSV.

A `Table` is what the page shows beside a chart and what `tables/<key>.csv` writes, so
every table on the dashboard has its CSV and the two never disagree.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alumni.models import Wave
from courses.models import Cohort, Enrolment
from forums.models import Post

from . import charts as svg
from .forms import IMPACT_FIELDS, NOT_GIVEN, SCORES, DrillForm, Filters, impact_label
from .models import ParticipantProfile
from .regions import country_name, region_name, region_of, subregion_name
from .selectors import APPLIED, GroupRow, Results


@dataclass
class Column:
    label: str
    numeric: bool = False


@dataclass
class Cell:
    value: object
    text: str = ""
    href: str = ""

    @property
    def display(self) -> str:
        if self.text:
            return self.text
        if self.value is None:
            return "—"
        if isinstance(self.value, int | float) and not isinstance(self.value, bool):
            return number_format(self.value, force_grouping=True)
        return str(self.value)

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, int | float) and not isinstance(self.value, bool)

    @property
    def csv(self) -> object:
        return "" if self.value is None else self.value


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    charts: list[svg.Chart] = field(default_factory=list)
    note: str = ""
    csv_url: str = ""

    @property
    def is_long(self) -> bool:
        return len(self.rows) > 15


def percent(value: float | None) -> Cell:
    return Cell(value, text="—" if value is None else f"{number_format(value, 1)} %")


class Links:
    """URLs that carry the current filters, so a drill-down shows the records behind the figure."""

    def __init__(self, filters: Filters) -> None:
        self.filters = filters

    def records(self, kind: str, **drill: object) -> str:
        query = self.filters.querystring(**drill)
        return reverse("reports:records", kwargs={"kind": kind}) + (f"?{query}" if query else "")

    def csv(self, key: str) -> str:
        query = self.filters.querystring()
        return reverse("reports:table_csv", kwargs={"key": key}) + (f"?{query}" if query else "")


AGENCY_LABELS = dict(Enrolment.AgencyType.choices)
GENDER_LABELS = dict(ParticipantProfile.Gender.choices)
ROLE_LABELS = dict(ParticipantProfile.ProfessionalRole.choices)
STATE_LABELS = dict(Cohort.State.choices)


def _label(labels: dict, key: str) -> str:
    return str(labels.get(key, key)) if key else _("Not given")


def _breakdown(
    key: str,
    title: str,
    heading: str,
    rows: list[GroupRow],
    links: Links,
    param: str,
    label: "callable",
    *,
    chart_rows: int = 0,
    extra_columns: list[tuple[str, "callable"]] | None = None,
    drill: bool = True,
) -> Table:
    """Rows by `param`; `drill=False` leaves the numbers unlinked, for answers that are only
    ever reported as counts (gender, professional role): a list behind them would name people."""
    extra_columns = extra_columns or []
    columns = [Column(heading)]
    columns += [Column(name) for name, _fn in extra_columns]
    columns += [
        Column(_("Enrolled"), True),
        Column(_("Completed"), True),
        Column(_("Officials trained"), True),
    ]
    body = []
    for row in rows:
        value = row.key or NOT_GIVEN
        body.append(
            [
                Cell(label(row.key)),
                *[Cell(fn(row.key)) for _name, fn in extra_columns],
                Cell(row.enrolled, href=links.records("enrolments", **{param: value}) if drill else ""),
                Cell(
                    row.completed,
                    href=links.records("enrolments", measure="completed", **{param: value}) if drill else "",
                ),
                Cell(
                    row.trained,
                    href=links.records("enrolments", measure="completed", **{param: value}) if drill else "",
                ),
            ]
        )
    shown = rows[:chart_rows] if chart_rows else rows
    chart_title = _("Enrolled by %(what)s") % {"what": heading.lower()}
    if chart_rows and len(rows) > chart_rows:
        chart_title = _("Enrolled: the %(n)s largest") % {"n": chart_rows}
    chart = svg.row_chart(f"chart-{key}", chart_title, [(label(r.key), r.enrolled) for r in shown])
    return Table(key, title, columns, body, charts=[chart], csv_url=links.csv(key))


def summary_table(results: Results, links: Links) -> Table:
    h = results.headline
    rows = [
        [Cell(_("Cohorts")), Cell(h.cohorts, href="#table-cohorts")],
        [Cell(_("Enrolled")), Cell(h.enrolled, href=links.records("enrolments"))],
        [Cell(_("Completed")), Cell(h.completed, href=links.records("enrolments", measure="completed"))],
        [
            Cell(_("Officials trained")),
            Cell(h.trained, href=links.records("enrolments", measure="completed")),
        ],
        [
            Cell(_("Completion rate (ended cohorts)")),
            Cell(
                h.completion_rate,
                text=percent(h.completion_rate).display,
                href="#table-cohorts",
            ),
        ],
        [Cell(_("Countries reached")), Cell(h.countries, href="#table-countries")],
        [Cell(_("Withdrew")), Cell(h.withdrawn)],
    ]
    return Table(
        "summary",
        _("Summary"),
        [Column(_("Figure")), Column(_("Value"), True)],
        rows,
        csv_url=links.csv("summary"),
    )


def cohorts_table(results: Results, links: Links) -> Table:
    columns = [
        Column(_("Cohort")),
        Column(_("Course")),
        Column(_("Institution")),
        Column(_("Language")),
        Column(_("Starts")),
        Column(_("State")),
        Column(_("Enrolled"), True),
        Column(_("Completed"), True),
        Column(_("Completion rate"), True),
        Column(_("Feedback responses"), True),
        Column(_("One-page report")),
    ]
    rows = []
    for row in results.cohorts:
        cohort = row.cohort
        rate = percent(row.completion_rate)
        if not row.ended and row.completion_rate is not None:
            rate.text = _("%(rate)s (running)") % {"rate": rate.display}
        rows.append(
            [
                Cell(cohort.title),
                Cell(cohort.course.title),
                Cell(cohort.institution.name if cohort.institution else _("Central programme")),
                Cell(cohort.language, text=str(LANGUAGE_NAMES.get(cohort.language, cohort.language))),
                Cell(cohort.start_date, text=date_format(cohort.start_date, "SHORT_DATE_FORMAT")),
                Cell(str(STATE_LABELS[cohort.state()])),
                Cell(row.enrolled, href=links.records("enrolments", cohort=cohort.pk)),
                Cell(row.completed, href=links.records("enrolments", cohort=cohort.pk, measure="completed")),
                rate,
                Cell(row.feedback, href=links.records("feedback", cohort=cohort.pk)),
                Cell(
                    reverse("reports:print_cohort", kwargs={"pk": cohort.pk}),
                    text=_("Print"),
                    href=reverse("reports:print_cohort", kwargs={"pk": cohort.pk}),
                ),
            ]
        )
    return Table("cohorts", _("Completion per cohort"), columns, rows, csv_url=links.csv("cohorts"))


def courses_table(results: Results, links: Links) -> Table:
    columns = [
        Column(_("Course")),
        Column(_("Cohorts"), True),
        Column(_("Enrolled"), True),
        Column(_("Completed"), True),
        Column(_("Completion rate"), True),
    ]
    rows = [
        [
            Cell(row.label),
            Cell(row.cohorts),
            Cell(row.enrolled, href=links.records("enrolments", course=row.key)),
            Cell(row.completed, href=links.records("enrolments", course=row.key, measure="completed")),
            percent(row.completion_rate),
        ]
        for row in results.courses
    ]
    chart = svg.row_chart(
        "chart-courses",
        _("Completion rate per course"),
        [(row.label, row.completion_rate or 0) for row in results.courses],
        percent=True,
        label_width=160,
    )
    return Table(
        "courses",
        _("Completion per course"),
        columns,
        rows,
        charts=[chart],
        csv_url=links.csv("courses"),
        note=_("Rates here include running cohorts."),
    )


def quarters_table(results: Results, links: Links) -> Table:
    columns = [
        Column(_("Quarter")),
        Column(_("Cohorts started"), True),
        Column(_("Enrolled"), True),
        Column(_("Completed"), True),
        Column(_("Completion rate"), True),
    ]
    rows = [
        [
            Cell(row.key),
            Cell(row.cohorts),
            Cell(row.enrolled, href=links.records("enrolments", quarter=row.key)),
            Cell(row.completed, href=links.records("enrolments", quarter=row.key, measure="completed")),
            percent(row.completion_rate),
        ]
        for row in results.quarters
    ]
    points = [(row.key, row) for row in results.quarters]
    return Table(
        "quarters",
        _("Trends by quarter"),
        columns,
        rows,
        charts=[
            svg.column_chart(
                "chart-quarters-enrolled", _("Enrolled per quarter"), [(k, r.enrolled) for k, r in points]
            ),
            svg.column_chart(
                "chart-quarters-completed", _("Completed per quarter"), [(k, r.completed) for k, r in points]
            ),
        ],
        csv_url=links.csv("quarters"),
        note=_("Each cohort counts in the quarter it started."),
    )


def regions_table(results: Results, links: Links) -> Table:
    return _breakdown("regions", _("By region"), _("Region"), results.regions, links, "region", region_name)


def countries_table(results: Results, links: Links) -> Table:
    return _breakdown(
        "countries",
        _("By country"),
        _("Country"),
        results.countries,
        links,
        "country",
        country_name,
        chart_rows=10,
        extra_columns=[
            (_("Code"), lambda code: code),
            (_("Region"), lambda code: region_name(region_of(code)) if code else ""),
            (_("Sub-region"), subregion_name),
        ],
    )


def agencies_table(results: Results, links: Links) -> Table:
    return _breakdown(
        "agencies",
        _("By agency type"),
        _("Agency type"),
        results.agencies,
        links,
        "agency",
        lambda key: _label(AGENCY_LABELS, key),
    )


def genders_table(results: Results, links: Links) -> Table:
    return _breakdown(
        "genders",
        _("By gender"),
        _("Gender"),
        results.genders,
        links,
        "gender",
        lambda k: _label(GENDER_LABELS, k),
        drill=False,
    )


def roles_table(results: Results, links: Links) -> Table:
    return _breakdown(
        "roles",
        _("By professional role"),
        _("Professional role"),
        results.roles,
        links,
        "role",
        lambda key: _label(ROLE_LABELS, key),
        drill=False,
    )


def weeks_table(results: Results, links: Links) -> Table:
    columns = [
        Column(_("Course week")),
        Column(_("Readings read"), True),
        Column(_("Posts"), True),
        Column(_("Active participants"), True),
    ]
    rows = [
        [
            Cell(row.week, text=_("Week %(n)s") % {"n": row.week}),
            Cell(row.readings, href=links.records("readings", week=row.week)),
            Cell(row.posts, href=links.records("posts", week=row.week)),
            Cell(row.active, href=links.records("enrolments", measure="active", week=row.week)),
        ]
        for row in results.weeks
    ]
    labels = [str(row.week) for row in results.weeks]
    return Table(
        "weeks",
        _("Weekly engagement"),
        columns,
        rows,
        charts=[
            svg.column_chart(
                "chart-weeks-readings",
                _("Readings read per course week"),
                list(zip(labels, [r.readings for r in results.weeks], strict=True)),
            ),
            svg.column_chart(
                "chart-weeks-posts",
                _("Posts per course week"),
                list(zip(labels, [r.posts for r in results.weeks], strict=True)),
            ),
            svg.column_chart(
                "chart-weeks-active",
                _("Active participants per course week"),
                list(zip(labels, [r.active for r in results.weeks], strict=True)),
            ),
        ],
        csv_url=links.csv("weeks"),
    )


def relevance_table(results: Results, links: Links) -> Table:
    dist = results.feedback.relevance
    rows = [
        [Cell(score), Cell(dist.counts[score], href=links.records("feedback", relevance=score))]
        for score in SCORES
    ]
    average = "—" if dist.average is None else number_format(dist.average, 2)
    return Table(
        "relevance",
        _("Relevance of the course to the trainee's work"),
        [Column(_("Score (1 = not at all, 5 = very)")), Column(_("Responses"), True)],
        rows,
        charts=[
            svg.column_chart(
                "chart-relevance",
                _("Relevance: responses per score"),
                [(str(s), dist.counts[s]) for s in SCORES],
            )
        ],
        note=_("%(n)s responses; average %(avg)s.") % {"n": dist.responses, "avg": average},
        csv_url=links.csv("relevance"),
    )


def impact_table(results: Results, links: Links) -> Table:
    columns = [Column(_("Expected impact on")), *[Column(str(s), True) for s in SCORES]]
    columns += [Column(_("Responses"), True), Column(_("Average"), True)]
    rows = []
    chart_list = []
    for dist in results.feedback.impact:
        label = impact_label(dist.key)
        rows.append(
            [
                Cell(label),
                *[
                    Cell(dist.counts[s], href=links.records("feedback", dimension=dist.key, score=s))
                    for s in SCORES
                ],
                Cell(dist.responses),
                Cell(dist.average, text="—" if dist.average is None else number_format(dist.average, 2)),
            ]
        )
        chart_list.append(
            svg.column_chart(
                f"chart-impact-{dist.key}",
                label,
                [(str(s), dist.counts[s]) for s in SCORES],
                width=220,
                height=150,
            )
        )
    return Table(
        "impact",
        _("Expected impact on the trainee's work"),
        columns,
        rows,
        charts=chart_list,
        note=_(
            "Scores from 1 (none) to 5 (a great deal); a question left blank means it is not "
            "part of the trainee's work."
        ),
        csv_url=links.csv("impact"),
    )


BUILDERS = {
    "summary": summary_table,
    "cohorts": cohorts_table,
    "courses": courses_table,
    "quarters": quarters_table,
    "regions": regions_table,
    "countries": countries_table,
    "agencies": agencies_table,
    "genders": genders_table,
    "roles": roles_table,
    "weeks": weeks_table,
    "relevance": relevance_table,
    "impact": impact_table,
}


def build(results: Results, filters: Filters) -> dict[str, Table]:
    links = Links(filters)
    tables = {key: builder(results, links) for key, builder in BUILDERS.items()}
    for table in results.extra:
        table.csv_url = table.csv_url or links.csv(table.key)
        tables[table.key] = table
    return tables


# ---- Record lists -----------------------------------------------------------------------------

LANGUAGE_NAMES = dict(settings.LANGUAGES)
STATUS_LABELS = dict(Enrolment.Status.choices)
POST_STATUS_LABELS = dict(Post.Status.choices)


def _when(value) -> Cell:
    if value is None:
        return Cell(None)
    return Cell(value.isoformat(), text=date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT"))


def _person(user) -> Cell:
    return Cell(user.public_name if user else _("Deleted account"))


def _enrolment_row(e: Enrolment) -> list[Cell]:
    # Gender and professional role are never listed per person: they are reported as counts only.
    return [
        _person(e.user),
        Cell(e.cohort.title),
        Cell(e.cohort.course.title),
        Cell(e.cohort.institution.name if e.cohort.institution else _("Central programme")),
        Cell(e.country, text=country_name(e.country)),
        Cell(e.agency_type, text=_label(AGENCY_LABELS, e.agency_type)),
        Cell(e.status, text=str(STATUS_LABELS.get(e.status, e.status))),
        _when(e.completed_at),
    ]


def _reading_row(r) -> list[Cell]:
    return [
        _when(r.read_at),
        _person(r.enrolment.user),
        Cell(r.enrolment.cohort.title),
        Cell(r.reading.title),
        Cell(r.wk),
    ]


def _post_row(p: Post) -> list[Cell]:
    return [
        _when(p.created_at),
        _person(p.author),
        Cell(p.space.cohort.title),
        Cell(p.thread.title),
        Cell(p.wk),
        Cell(p.status, text=str(POST_STATUS_LABELS.get(p.status, p.status))),
    ]


def _yes_no(value: bool) -> Cell:
    return Cell(value, text=_("yes") if value else _("no"))


def _impact_row(r) -> list[Cell]:
    return [
        _when(r.submitted_at),
        _person(r.enrolment.user),
        Cell(r.enrolment.cohort.title),
        Cell(r.wave, text=str(Wave(r.wave).label)),
        _yes_no(r.applied_in_case),
        _yes_no(r.applied_in_request),
        _yes_no(r.applied_in_draft_law),
        Cell(r.comments),
    ]


def _feedback_row(f) -> list[Cell]:
    return [
        _when(f.submitted_at),
        _person(f.enrolment.user),
        Cell(f.enrolment.cohort.title),
        Cell(f.relevance),
        *[Cell(getattr(f, name)) for name in IMPACT_FIELDS],
        Cell(f.comments),
    ]


def record_columns(kind: str) -> list[Column]:
    if kind == "enrolments":
        return [
            Column(_("Trainee")),
            Column(_("Cohort")),
            Column(_("Course")),
            Column(_("Institution")),
            Column(_("Country")),
            Column(_("Agency type")),
            Column(_("Status")),
            Column(_("Completed on")),
        ]
    if kind == "readings":
        return [
            Column(_("Read on")),
            Column(_("Trainee")),
            Column(_("Cohort")),
            Column(_("Reading")),
            Column(_("Course week"), True),
        ]
    if kind == "posts":
        return [
            Column(_("Written on")),
            Column(_("Author")),
            Column(_("Cohort")),
            Column(_("Thread")),
            Column(_("Course week"), True),
            Column(_("Status")),
        ]
    if kind == "impact":
        return [
            Column(_("Submitted on")),
            Column(_("Trainee")),
            Column(_("Cohort")),
            Column(_("Follow-up")),
            *[Column(_("Applied %(where)s") % {"where": label()}) for _field, label in APPLIED.values()],
            Column(_("Comments")),
        ]
    return [
        Column(_("Submitted on")),
        Column(_("Trainee")),
        Column(_("Cohort")),
        Column(_("Relevance"), True),
        *[Column(impact_label(name), True) for name in IMPACT_FIELDS],
        Column(_("Comments")),
    ]


RECORD_ROWS = {
    "enrolments": _enrolment_row,
    "readings": _reading_row,
    "posts": _post_row,
    "feedback": _feedback_row,
    "impact": _impact_row,
}
RECORD_TITLES = {
    "enrolments": gettext_lazy("Enrolments"),
    "readings": gettext_lazy("Readings read"),
    "posts": gettext_lazy("Posts"),
    "feedback": gettext_lazy("Feedback responses"),
    "impact": gettext_lazy("Impact follow-up responses"),
}


def records_table(kind: str, objects) -> Table:
    return Table(
        kind, str(RECORD_TITLES[kind]), record_columns(kind), [RECORD_ROWS[kind](o) for o in objects]
    )


def describe_filters(filters: Filters) -> list[tuple[str, str]]:
    out = []
    if filters.date_from or filters.date_to:
        start = date_format(filters.date_from, "SHORT_DATE_FORMAT") if filters.date_from else "…"
        end = date_format(filters.date_to, "SHORT_DATE_FORMAT") if filters.date_to else "…"
        out.append((_("Cohorts started"), f"{start} – {end}"))
    if filters.course:
        out.append((_("Course"), filters.course.title))
    if filters.module:
        out.append((_("Module"), filters.module.title))
    if filters.institution_name:
        out.append((_("Institution"), filters.institution_name))
    if filters.cohort:
        out.append((_("Cohort"), filters.cohort.title))
    if filters.language:
        out.append((_("Language"), str(LANGUAGE_NAMES.get(filters.language, filters.language))))
    return out


def describe_drill(drill: dict, filters: Filters | None = None) -> list[tuple[str, str]]:
    """Filters and drill-down as (what, value) pairs people can read, for the records page heading."""
    measures = dict(DrillForm.MEASURES)
    out = describe_filters(filters) if filters else []
    for key, value in drill.items():
        if key == "measure":
            out.append((_("Counted as"), str(measures[value])))
        elif key == "country":
            out.append((_("Country"), _("Not given") if value == NOT_GIVEN else country_name(value)))
        elif key == "region":
            out.append((_("Region"), _("Not known") if value == NOT_GIVEN else region_name(value)))
        elif key == "agency":
            out.append((_("Agency type"), _label(AGENCY_LABELS, "" if value == NOT_GIVEN else value)))
        elif key == "quarter":
            out.append((_("Cohorts started in"), value))
        elif key == "week":
            out.append((_("Course week"), str(value)))
        elif key == "relevance":
            out.append((_("Relevance score"), str(value)))
        elif key == "wave":
            out.append((_("Follow-up"), str(Wave(value).label)))
        elif key == "applied":
            out.append((_("Applied"), str(APPLIED[value][1]())))
        elif key == "dimension":
            out.append((impact_label(value), str(drill.get("score"))))
    return out
