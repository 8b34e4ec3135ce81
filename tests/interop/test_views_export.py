"""Who may export: every export URL × every role, as one table; the module page's link;
the form's errors; flat query counts on the export index."""

from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.factories import CourseFactory
from modules.factories import ModulePageFactory

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "trainee",
    "tutor",
    "outsider",
    "editor",
    "reviewer",
    "staff",
    "institution_admin",
    "superuser",
)
OK, FOUND, FORBIDDEN = HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.FORBIDDEN
EXPORTERS = (FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK, OK, OK)

URLS = {
    "index": lambda w: reverse("interop:export_index"),
    "module": lambda w: reverse("interop:export_module", args=[w["module"].pk]),
    "module_cc": lambda w: (
        reverse("interop:download_module", args=[w["module"].pk]) + "?format=cc13&language=en"
    ),
    "module_scorm": lambda w: (
        reverse("interop:download_module", args=[w["module"].pk]) + "?format=scorm12&language=fr"
    ),
    "programme": lambda w: reverse("interop:export_programme", args=[w["course"].slug]),
    "programme_cc": lambda w: (
        reverse("interop:download_programme", args=[w["course"].slug]) + "?format=cc13&language=en"
    ),
    "programme_scorm": lambda w: (
        reverse("interop:download_programme", args=[w["course"].slug]) + "?format=scorm12&language=ar"
    ),
}


@pytest.fixture
def world(people, readings, course):
    return {"people": people, "module": readings[0].get_parent(), "course": course}


@pytest.mark.parametrize("url_name", URLS)
@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, EXPORTERS, strict=True)))
def test_export_permission_matrix(client, world, url_name, role, expected):
    if role != "anonymous":
        client.force_login(world["people"][role])
    response = client.get(URLS[url_name](world))
    assert response.status_code == expected
    if expected == FOUND:
        assert response["Location"].startswith(reverse("account_login"))
    if expected == OK and "_" in url_name:
        assert response["Content-Type"] == "application/zip"
        assert response.content[:2] == b"PK"


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, EXPORTERS, strict=True)))
def test_the_module_page_links_to_the_export_only_for_exporters(client, world, role, expected):
    if role != "anonymous":
        client.force_login(world["people"][role])
    page = BeautifulSoup(client.get(world["module"].url).content, "html.parser")
    link = page.select_one(".export-link a")
    if expected == OK:
        assert link["href"] == reverse("interop:export_module", args=[world["module"].pk])
    else:
        assert link is None


def test_the_export_page_offers_both_formats_and_every_language(client, world):
    client.force_login(world["people"]["editor"])
    page = BeautifulSoup(client.get(URLS["module"](world)).content, "html.parser")
    form = page.select_one("form.export-form")
    assert form["method"] == "get"
    assert form["action"] == reverse("interop:download_module", args=[world["module"].pk])
    assert [i["value"] for i in form.select("input[name=format]")] == ["cc13", "scorm12"]
    assert {o["value"] for o in form.select("select[name=language] option")} == {
        "ar",
        "zh-hans",
        "en",
        "fr",
        "ru",
        "es",
    }
    assert form.select_one("select[name=language] option[selected]")["value"] == "en"
    for field in form.select("input, select"):
        assert form.select_one(f"label[for={field['id']}]")


def test_a_bad_choice_shows_the_form_again_with_its_error(client, world):
    client.force_login(world["people"]["editor"])
    url = reverse("interop:download_module", args=[world["module"].pk])
    response = client.get(url, {"format": "pdf", "language": "xx"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = BeautifulSoup(response.content, "html.parser")
    errors = [alert.get_text(" ", strip=True) for alert in page.select("[role=alert]")]
    assert len(errors) == 2 and "pdf" in errors[0] and "xx" in errors[1]


def test_unknown_modules_and_programmes_are_not_found(client, world):
    client.force_login(world["people"]["superuser"])
    assert client.get(reverse("interop:export_module", args=[999999])).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("interop:export_programme", args=["nope"])).status_code == HTTPStatus.NOT_FOUND


def test_discuss_link_without_a_cohort_goes_to_the_public_reading(client, world, readings):
    client.force_login(world["people"]["outsider"])
    response = client.get(reverse("interop:discuss", args=[readings[0].pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == readings[0].url
    assert client.get(reverse("interop:discuss", args=[readings[0].pk])).status_code == HTTPStatus.FOUND
    client.logout()
    anonymous = client.get(reverse("interop:discuss", args=[readings[0].pk]))
    assert anonymous["Location"].startswith(reverse("account_login"))


def test_the_export_index_makes_the_same_queries_whatever_its_length(client, world, curriculum):
    client.force_login(world["people"]["institution_admin"])
    url = reverse("interop:export_index")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == HTTPStatus.OK
        return len(queries)

    small = count()
    for n in range(5):
        ModulePageFactory(parent=curriculum, title=f"Extra module {n}").save_revision().publish()
        CourseFactory(title=f"Extra course {n}")
    assert count() == small


@pytest.mark.parametrize("fmt", ["cc13", "scorm12"])
def test_a_download_makes_the_same_queries_whatever_the_number_of_readings(client, world, module, fmt):
    from modules.factories import make_reading

    client.force_login(world["people"]["editor"])
    url = reverse("interop:download_module", args=[module.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"format": fmt, "language": "fr"})
            assert response.status_code == HTTPStatus.OK
        return len(queries)

    count()
    small = count()
    for n in range(4):
        make_reading(module, title=f"Extra reading {n}", passages=3)
    assert count() == small
