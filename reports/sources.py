"""Where follow-up results (the 3- and 6-month impact surveys) plug into the reports.

The surveys belong to `alumni`. `reports` may read alumni, but the surveys are not built
yet, so instead of importing a model that does not exist the dashboard asks this registry.
`alumni` registers a source in its AppConfig.ready():

    from reports.sources import register_impact_source
    register_impact_source(ImpactSurveySource())

A source receives the cohorts the viewer may see, already filtered (a QuerySet, so it
can aggregate in the database with `enrolment__cohort__in=cohorts`), and the filter
querystring for its links; it returns `reports.tables.Table`s, which the dashboard,
the print report and the CSV export show like every other table. It must run a fixed
number of queries, whatever the number of responses, and link only to lists that check
`reports.policies` (e.g. `reports:records` or a list of its own that does the same).
"""

from typing import Protocol

from django.db.models import QuerySet

from courses.models import Cohort


class ImpactSource(Protocol):
    key: str  # stable, used in CSV URLs: tables/<key>.csv

    def tables(self, cohorts: QuerySet[Cohort], querystring: str) -> list: ...


_sources: list[ImpactSource] = []


def register_impact_source(source: ImpactSource) -> None:
    if all(existing.key != source.key for existing in _sources):
        _sources.append(source)


def unregister_impact_source(key: str) -> None:
    _sources[:] = [s for s in _sources if s.key != key]


def impact_sources() -> list[ImpactSource]:
    return list(_sources)
