"""Who may open which reports URL: every URL of the app, for every role.

An institution admin never sees another institution's figures — not in the page, the
CSV exports or the linked record lists — and the cohorts of the central programme are
for programme managers only.
"""

from http import HTTPStatus

import pytest

from reports.tables import BUILDERS

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "trainee", "tutor", "admin_a", "admin_b", "manager", "superuser"]
ACCOUNT = {"trainee": "u1", "tutor": "tutor", "admin_a": "admin_a", "admin_b": "admin_b"}
RECORD_KINDS = ["enrolments", "readings", "posts", "feedback", "impact"]
TABLE_KEYS = [*BUILDERS, "followup"]


def urls(world) -> list[str]:
    """Every reports URL, with the owned cohort A1 where a URL names a cohort."""
    out = ["/en/reports/", "/en/reports/print/", f"/en/reports/cohorts/{world.a1.pk}/print/"]
    out += [f"/en/reports/tables/{key}.csv" for key in TABLE_KEYS]
    out += [f"/en/reports/records/{kind}/" for kind in RECORD_KINDS]
    out += [f"/en/reports/records/{kind}.csv" for kind in RECORD_KINDS]
    out += ["/en/reports/records/enrolments/?measure=completed&country=KE"]
    return out


def login(client, world, role: str) -> None:
    if role != "anonymous":
        client.force_login(world.users[ACCOUNT.get(role, role)])


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


EXPECTED = {
    "anonymous": HTTPStatus.FOUND,
    "trainee": HTTPStatus.FORBIDDEN,
    "tutor": HTTPStatus.FORBIDDEN,
    "admin_a": HTTPStatus.OK,
    "admin_b": HTTPStatus.OK,
    "manager": HTTPStatus.OK,
    "superuser": HTTPStatus.OK,
}


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix_over_every_url(client, world, role):
    login(client, world, role)
    for url in urls(world):
        response = client.get(url)
        expected = EXPECTED[role]
        if role == "admin_b" and "/cohorts/" in url:
            expected = HTTPStatus.NOT_FOUND  # another institution's cohort: not even its existence
        assert response.status_code == expected, url
        if role == "anonymous":
            assert "/accounts/login/" in response["Location"]
        if role in ("trainee", "tutor"):
            assert "Uwe Two" not in body(response) and "Cohort A1" not in body(response)


@pytest.mark.parametrize("role", ["admin_a", "admin_b"])
def test_an_institution_admin_never_sees_another_institutions_figures(client, world, role):
    login(client, world, role)
    own, other = ("A", "B") if role == "admin_a" else ("B", "A")
    foreign = {
        "A": ["Cohort A1", "Cohort A2", "Una One", "Uwe Two", "Academy A"],
        "B": ["Cohort B1", "Zed Secret", "Academy B"],
    }[other] + ["Cohort C1", "Awa Eight", "Central programme (no institution)"]
    for url in urls(world):
        if "/cohorts/" in url:
            continue
        text = body(client.get(url))
        for secret in foreign:
            assert secret not in text, (url, secret)
    assert f"Cohort {own}1" in body(client.get("/en/reports/"))


@pytest.mark.parametrize(
    "query",
    ["cohort={b1}", "institution={academy_b}", "institution=central"],
)
def test_asking_for_another_institutions_cohorts_is_refused(client, world, query):
    client.force_login(world.users["admin_a"])
    query = query.format(b1=world.b1.pk, academy_b=world.academy_b.pk)
    page = client.get(f"/en/reports/?{query}")
    assert page.status_code == HTTPStatus.OK  # the form shows the error
    assert "Zed Secret" not in page.content.decode() and "Cohort B1" not in page.content.decode()
    assert "Select a valid choice" in page.content.decode()
    for url in ("/en/reports/records/enrolments/", "/en/reports/tables/cohorts.csv", "/en/reports/print/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == HTTPStatus.BAD_REQUEST, url
        assert "Zed Secret" not in body(response)
    assert client.get(f"/en/reports/cohorts/{world.b1.pk}/print/").status_code == HTTPStatus.NOT_FOUND


def test_a_programme_manager_sees_every_cohort(client, world):
    client.force_login(world.users["manager"])
    page = client.get("/en/reports/").content.decode()
    for title in ("Cohort A1", "Cohort A2", "Cohort B1", "Cohort C1"):
        assert title in page
    assert client.get(f"/en/reports/cohorts/{world.b1.pk}/print/").status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("role", "shown"), [(r, EXPECTED[r] == HTTPStatus.OK) for r in ROLES if r != "anonymous"]
)
def test_the_header_link_is_shown_to_those_who_may_open_the_reports(client, world, role, shown):
    login(client, world, role)
    page = client.get("/en/cohorts/").content.decode()
    assert ('href="/en/reports/"' in page) is shown


def test_an_inactive_manager_is_refused(client, world):
    manager = world.users["manager"]
    client.force_login(manager)
    manager.is_active = False
    manager.save()
    assert client.get("/en/reports/").status_code != HTTPStatus.OK
