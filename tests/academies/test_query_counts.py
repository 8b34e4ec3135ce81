"""The list pages make the same number of queries whatever the number of rows."""

from http import HTTPStatus

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from academies.models import CohortSettings
from courses.factories import CohortFactory, start_for_week

from .conftest import graduate, nominate

pytestmark = pytest.mark.django_db


def count(client, url):
    client.get(url)  # warm per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(queries), response.content.decode()


def test_nominations_page_is_flat(client, people, cohort):
    client.force_login(people["tutor"])
    url = f"/en/academies/cohorts/{cohort.slug}/nominations/"
    counts = []
    made = 0
    for size in (3, 12):
        while made < size:
            nominate(people["focal_a" if made % 2 else "admin_a"], cohort, email=f"n{made}@example.org")
            made += 1
        queries, html = count(client, url)
        assert html.count("@example.org</span></th>") == size
        counts.append(queries)
    assert counts[0] == counts[1], counts


def test_trainers_page_is_flat(client, admin_a, academy_a, course, cohort):
    tot = CohortFactory(course=course, institution=academy_a, slug="tot", start_date=start_for_week(12))
    CohortSettings.objects.create(cohort=tot, training_of_trainers=True)
    client.force_login(admin_a)
    url = f"/en/academies/institutions/{academy_a.pk}/trainers/"
    counts = []
    made = 0
    for size in (2, 9):
        while made < size:
            graduate(tot, email=f"g{made}@example.org")
            made += 1
        queries, html = count(client, url)
        assert html.count("Make co-tutor<span") == size
        counts.append(queries)
    assert counts[0] == counts[1], counts


def test_institution_page_is_flat(client, admin_a, academy_a, course, section_a, focal_a):
    client.force_login(admin_a)
    url = f"/en/academies/institutions/{academy_a.pk}/"
    counts = []
    made = 0
    for size in (2, 8):
        while made < size:
            cohort = CohortFactory(
                course=course, institution=academy_a, slug=f"c{made}", start_date=start_for_week(-1)
            )
            CohortSettings.objects.create(cohort=cohort, requires_nomination=bool(made % 2))
            nominate(admin_a, cohort, email=f"x{made}@example.org")
            made += 1
        queries, html = count(client, url)
        assert html.count("Nominations<span") == size
        counts.append(queries)
    assert counts[0] == counts[1], counts
