"""The 3- and 6-month impact follow-up (`alumni.ImpactResponse`) as a results source.

Registered in ReportsConfig.ready() through `reports.sources`, the same way any later
follow-up source would be: two aggregate queries for the selected cohorts, whatever the
number of responses, and links to `records/impact/`, which checks `reports.policies`.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from alumni.models import ImpactInvitation, Wave
from courses.models import Cohort

from . import charts as svg
from . import definitions as d
from .selectors import APPLIED, impact_responses
from .tables import Cell, Column, Table, percent


@dataclass
class WaveRow:
    wave: int
    invited: int = 0
    responses: int = 0
    applied: dict | None = None


def waves(cohorts: QuerySet[Cohort]) -> list[WaveRow]:
    counts = {key: Count("pk", filter=Q(**{field: True})) for key, (field, _label) in APPLIED.items()}
    answered = {
        row["wave"]: row for row in impact_responses(cohorts).values("wave").annotate(n=Count("pk"), **counts)
    }
    invited = dict(
        ImpactInvitation.objects.filter(d.enrolled_q("enrolment__"), enrolment__cohort__in=cohorts)
        .values_list("wave")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = []
    for wave in Wave.values:
        row = answered.get(wave, {})
        rows.append(
            WaveRow(
                wave=wave,
                invited=invited.get(wave, 0),
                responses=row.get("n", 0),
                applied={key: row.get(key, 0) for key in APPLIED},
            )
        )
    return rows


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


class AlumniImpactSource:
    key = "followup"

    def tables(self, cohorts: QuerySet[Cohort], querystring: str) -> list[Table]:
        def link(**drill: object) -> str:
            extra = "&".join(f"{k}={v}" for k, v in drill.items())
            query = "&".join(part for part in (querystring, extra) if part)
            return reverse("reports:records", kwargs={"kind": "impact"}) + (f"?{query}" if query else "")

        columns = [
            Column(_("Follow-up")),
            Column(_("Invited"), True),
            Column(_("Responses"), True),
            Column(_("Response rate"), True),
        ]
        columns += [
            Column(_("Applied %(where)s") % {"where": label()}, True) for _f, label in APPLIED.values()
        ]
        rows, points = [], []
        for row in waves(cohorts):
            label = _("After %(months)s months") % {"months": row.wave}
            cells = [
                Cell(label),
                Cell(row.invited),
                Cell(row.responses, href=link(wave=row.wave)),
                percent(_share(row.responses, row.invited)),
            ]
            for key, (_field, where) in APPLIED.items():
                share = _share(row.applied[key], row.responses)
                text = (
                    "—"
                    if share is None
                    else f"{number_format(row.applied[key])} ({number_format(share, 1)} %)"
                )
                cells.append(Cell(row.applied[key], text=text, href=link(wave=row.wave, applied=key)))
                points.append((f"{row.wave} · {where()}", share or 0))
            rows.append(cells)
        chart = svg.row_chart(
            "chart-followup",
            _("Respondents who applied the training, by months after the course"),
            points,
            percent=True,
            label_width=190,
        )
        return [
            Table(
                self.key,
                _("Impact follow-up at 3 and 6 months"),
                columns,
                rows,
                charts=[chart],
                note=_(
                    "Shares are of the responses to each follow-up; a respondent may answer yes to several."
                ),
            )
        ]
