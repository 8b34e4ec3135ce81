"""The dashboard's query count does not grow with the data: 2 cohorts of 3 trainees and
20 cohorts of 12, each with readings, posts, feedback and profiles from the generator."""

from http import HTTPStatus

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.factories import InstitutionFactory, UserFactory, make_course
from courses.models import Institution
from reports.management.commands.generate_results_data import clear_generated, generate

pytestmark = pytest.mark.django_db

PAGES = [
    "/en/reports/",
    "/en/reports/print/",
    "/en/reports/records/enrolments/",
    "/en/reports/records/posts/",
]


def count(client, url: str) -> int:
    client.get(url)  # warm what is cached per process (content types, site, locale)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(queries)


@pytest.mark.parametrize("viewer", ["superuser", "institution_admin"])
def test_query_count_is_the_same_for_small_and_large_data(client, module, viewer):
    make_course(module, weeks=6, readings_per_week=2)
    admin = UserFactory()
    if viewer == "superuser":
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
    else:
        client.force_login(admin)
    counts = {}
    for cohorts, trainees in [(2, 3), (20, 12)]:
        clear_generated()
        generated = generate(cohorts=cohorts, trainees=trainees, seed=7)
        assert generated["cohorts"] == cohorts
        for institution in Institution.objects.filter(name__startswith="Generated "):
            institution.admins.add(admin)
        counts[cohorts] = [count(client, url) for url in PAGES]
    print(f"{viewer}: queries per page at 2 cohorts {counts[2]}, at 20 cohorts {counts[20]}")
    assert counts[2] == counts[20]
    assert counts[20][0] <= 25


def test_dashboard_filters_do_not_add_queries_per_row(client, module):
    make_course(module, weeks=6, readings_per_week=2)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    generate(cohorts=3, trainees=3, seed=1)
    institution = InstitutionFactory()
    url = f"/en/reports/?language=en&institution={institution.pk}&module={module.pk}&date_from=2020-01-01"
    small = count(client, url)
    clear_generated()
    generate(cohorts=12, trainees=6, seed=1)
    assert count(client, url) == small
