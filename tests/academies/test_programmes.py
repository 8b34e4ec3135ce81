"""National programmes: shared modules and readings plus the institution's own units, in order,
with hours; built by the institution's admins and section editors; shown publicly or to members."""

from decimal import Decimal
from http import HTTPStatus

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from academies import selectors, services
from academies.models import ProgrammeUnit
from courses.factories import EnrolmentFactory, UserFactory
from lms.errors import PermissionDenied, ServiceError
from modules.factories import make_reading, paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_unit(section_a):
    return services.local_unit_create(
        actor=None, section=section_a, title="Our penal code", intro="", body=[paragraph("<p>Local.</p>")]
    )


@pytest.fixture
def programme(academy_a):
    return services.programme_create(
        actor=None, institution=academy_a, title="Induction for judges", target_audience="New judges"
    )


def titles(programme):
    return [u.page.title for u in selectors.programme_view(programme).units]


def test_units_keep_their_order_and_the_hours_add_up(admin_a, programme, shared_readings, local_unit, module):
    one, two = shared_readings
    services.programme_unit_add(actor=admin_a, programme=programme, page=one, hours=Decimal("2"))
    services.programme_unit_add(actor=admin_a, programme=programme, page=local_unit, hours=Decimal("4.5"))
    services.programme_unit_add(
        actor=admin_a, programme=programme, page=two, hours=Decimal("1.5"), note="Online"
    )
    services.programme_unit_add(actor=admin_a, programme=programme, page=module, hours=Decimal("3"))
    assert titles(programme) == ["Shared reading one", "Our penal code", "Shared reading two", "Foundations"]
    view = selectors.programme_view(programme)
    assert view.total_hours == Decimal("11")
    assert [u.kind for u in view.units] == ["Shared reading", "Local unit", "Shared reading", "Shared module"]

    units = {u.page_id: u for u in programme.units.all()}
    services.programme_unit_move(actor=admin_a, unit=units[two.pk], to=0)
    assert titles(programme) == ["Shared reading two", "Shared reading one", "Our penal code", "Foundations"]
    services.programme_unit_move(actor=admin_a, unit=units[two.pk], to=99)  # clamped to the end
    assert titles(programme) == ["Shared reading one", "Our penal code", "Foundations", "Shared reading two"]

    services.programme_unit_update(
        actor=admin_a, unit=units[local_unit.pk], hours=Decimal("6"), note="At the Academy"
    )
    services.programme_unit_remove(actor=admin_a, unit=units[one.pk])
    assert titles(programme) == ["Our penal code", "Foundations", "Shared reading two"]
    assert list(programme.units.values_list("position", flat=True)) == [0, 1, 2]
    assert selectors.programme_view(programme).total_hours == Decimal("10.5")


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("-1"), Decimal("0.3"), Decimal("1000")])
def test_hours_are_positive_half_hours(admin_a, programme, shared_readings, hours):
    with pytest.raises(ServiceError, match="half hours"):
        services.programme_unit_add(actor=admin_a, programme=programme, page=shared_readings[0], hours=hours)
    assert not ProgrammeUnit.objects.exists()


def test_a_unit_appears_once_and_only_allowed_pages_are_units(
    admin_a, programme, shared_readings, section_b, home
):
    services.programme_unit_add(
        actor=admin_a, programme=programme, page=shared_readings[0], hours=Decimal("1")
    )
    with pytest.raises(ServiceError, match="already in the programme"):
        services.programme_unit_add(
            actor=admin_a, programme=programme, page=shared_readings[0], hours=Decimal("1")
        )
    b_unit = services.local_unit_create(
        actor=None, section=section_b, title="B's own", intro="", body=[paragraph("<p>B.</p>")]
    )
    with pytest.raises(PermissionDenied, match="own units"):
        services.programme_unit_add(actor=admin_a, programme=programme, page=b_unit, hours=Decimal("1"))
    with pytest.raises(ServiceError, match="Only modules, readings and local units"):
        services.programme_unit_add(actor=admin_a, programme=programme, page=home, hours=Decimal("1"))


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin_a", True),
        ("editor_a", True),  # the section's Wagtail group
        ("staff", True),
        ("admin_b", False),
        ("editor_b", False),
        ("focal_a", False),
        ("tutor", False),
        ("trainee", False),
    ],
)
def test_who_builds_an_institution_programme(request, people, academy_a, shared_readings, role, allowed):
    actor = people.get(role) or request.getfixturevalue(role)
    if allowed:
        programme = services.programme_create(
            actor=actor, institution=academy_a, title="P", target_audience="All"
        )
        services.programme_unit_add(
            actor=actor, programme=programme, page=shared_readings[0], hours=Decimal("1")
        )
        assert programme.units.count() == 1
    else:
        with pytest.raises(PermissionDenied):
            services.programme_create(actor=actor, institution=academy_a, title="P", target_audience="All")


def test_addable_pages_offer_shared_content_and_own_units_only(
    academy_a, programme, shared_readings, local_unit, section_b
):
    services.local_unit_create(actor=None, section=section_b, title="B's own", intro="", body=[])
    groups = dict(selectors.addable_pages(academy_a, programme))
    assert [c.label for c in groups["Shared modules"]] == ["Foundations"]
    assert [c.label for c in groups["Shared readings"]] == [
        "Foundations › Shared reading one",
        "Foundations › Shared reading two",
    ]
    assert [c.label for c in groups["Our own units"]] == ["Our penal code"]


def _fill(programme, module, n):
    for i in range(n):
        reading = make_reading(module, title=f"Reading {i}", slug=f"bulk-{programme.pk}-{i}", passages=1)
        services.programme_unit_add(actor=None, programme=programme, page=reading, hours=Decimal("1"))


def test_the_programme_page_makes_the_same_queries_for_3_or_12_units(client, academy_a, module, local_unit):
    counts = []
    for size in (3, 12):
        programme = services.programme_create(
            actor=None, institution=academy_a, title=f"Size {size}", target_audience="Judges"
        )
        _fill(programme, module, size - 1)
        services.programme_unit_add(actor=None, programme=programme, page=local_unit, hours=Decimal("2"))
        url = f"/en/academies/institutions/{academy_a.pk}/programmes/{programme.slug}/"
        client.get(url)  # warm the per-process caches (site root paths, content types)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert response.content.decode().count('<th scope="row"><a href=') == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("admin_b", False),
        ("admin_a", True),
        ("focal_a", True),
        ("editor_a", True),
        ("member", True),  # enrolled in one of A's cohorts
    ],
)
def test_a_members_only_programme(client, request, people, academy_a, cohort, programme, who, sees):
    programme.is_public = False
    programme.save()
    if who == "member":
        client.force_login(EnrolmentFactory(cohort=cohort, user=UserFactory()).user)
    elif who == "editor_a":
        client.force_login(request.getfixturevalue("editor_a"))
    elif who != "anonymous":
        client.force_login(people[who])
    response = client.get(f"/en/academies/institutions/{academy_a.pk}/programmes/{programme.slug}/")
    if sees:
        assert response.status_code == HTTPStatus.OK
        assert "Induction for judges" in response.content.decode()
    elif who == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN


def test_a_public_programme_is_public_and_listed(client, academy_a, programme, shared_readings):
    services.programme_unit_add(
        actor=None, programme=programme, page=shared_readings[0], hours=Decimal("2.5")
    )
    response = client.get(f"/en/academies/institutions/{academy_a.pk}/programmes/{programme.slug}/")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "New judges" in html and "Shared reading one" in html and "2.5" in html
    assert "Induction for judges" in client.get("/en/academies/").content.decode()


def test_the_builder_page_adds_moves_and_saves_hours(client, admin_a, academy_a, programme, shared_readings):
    client.force_login(admin_a)
    edit = f"/en/academies/institutions/{academy_a.pk}/programmes/{programme.slug}/edit/"
    assert client.get(edit).status_code == HTTPStatus.OK
    for reading in shared_readings:
        response = client.post(edit, {"action": "add", "page": reading.pk, "hours": "2", "note": ""})
        assert response.status_code == HTTPStatus.FOUND
    second = programme.units.get(page=shared_readings[1])
    unit_url = f"/en/academies/institutions/{academy_a.pk}/programmes/{programme.slug}/units/{second.pk}/"
    client.post(unit_url, {"action": "up"})
    client.post(unit_url, {"action": "update", f"u{second.pk}-hours": "3.5", f"u{second.pk}-note": "Seminar"})
    assert titles(programme) == ["Shared reading two", "Shared reading one"]
    second.refresh_from_db()
    assert (second.hours, second.note) == (Decimal("3.5"), "Seminar")

    client.force_login(UserFactory())
    assert client.get(edit).status_code == HTTPStatus.FORBIDDEN
    assert client.post(unit_url, {"action": "remove"}).status_code == HTTPStatus.FORBIDDEN
    assert programme.units.count() == 2
