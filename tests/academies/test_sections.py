"""An institution's section of the page tree: its editors group holds Wagtail page
permissions there and nowhere else."""

from http import HTTPStatus

import pytest

from django.contrib.auth.models import Group

from wagtail.models import GroupPagePermission
from wagtail.test.utils import WagtailPageTestCase

from academies import services
from academies.models import AdaptedReadingPage, InstitutionSectionPage, InstitutionWorkspace, LocalUnitPage
from courses.factories import UserFactory
from home.models import HomePage
from lms.errors import PermissionDenied
from modules.factories import paragraph
from modules.models import ModulePage, ReadingPage

pytestmark = pytest.mark.django_db


def _unit(section, title="Local law"):
    return services.local_unit_create(
        actor=None, section=section, title=title, intro="", body=[paragraph("<p>Our law.</p>")]
    )


def test_setting_up_a_section_makes_one_group_with_permissions_on_that_page_only(section_a, academy_a, home):
    group = InstitutionWorkspace.objects.get(institution=academy_a).editors_group
    assert section_a.get_parent().specific == home
    assert section_a.live and section_a.institution == academy_a
    granted = GroupPagePermission.objects.filter(group=group)
    assert {p.page_id for p in granted} == {section_a.pk}
    assert {p.permission.codename for p in granted} == {"add_page", "change_page", "publish_page"}
    assert group.permissions.filter(codename="access_admin").exists()
    # Idempotent: a second call changes nothing.
    assert services.section_ensure(actor=None, institution=academy_a).pk == section_a.pk
    assert Group.objects.filter(institution_workspace__institution=academy_a).count() == 1
    assert GroupPagePermission.objects.filter(group=group).count() == 3


@pytest.mark.parametrize(
    ("editor", "section", "can_edit"),
    [
        ("editor_a", "section_a", True),
        ("editor_a", "section_b", False),  # A's editor cannot touch B's section
        ("editor_b", "section_b", True),
        ("editor_b", "section_a", False),
    ],
)
def test_an_editor_edits_only_their_own_institution_section(request, editor, section, can_edit):
    user = request.getfixturevalue(editor)
    page = request.getfixturevalue(section)
    unit = _unit(page)
    assert page.permissions_for_user(user).can_edit() is can_edit
    assert page.permissions_for_user(user).can_add_subpage() is can_edit
    assert unit.permissions_for_user(user).can_edit() is can_edit
    assert unit.permissions_for_user(user).can_publish() is can_edit


def test_section_editors_cannot_edit_the_shared_curriculum_or_the_home_page(editor_a, shared_readings, home):
    assert not shared_readings[0].permissions_for_user(editor_a).can_edit()
    assert not home.permissions_for_user(editor_a).can_edit()


def test_the_admin_refuses_another_institution_section(client, editor_a, section_a, section_b):
    unit_b = _unit(section_b, "B's law")
    client.force_login(editor_a)
    own = client.get(f"/admin/pages/{section_a.pk}/edit/")
    assert own.status_code == HTTPStatus.OK
    for page in (section_b, unit_b):
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
        if response.status_code == HTTPStatus.FOUND:
            assert f"/admin/pages/{page.pk}/edit/" not in response["Location"]
    add_b = client.get(f"/admin/pages/add/academies/localunitpage/{section_b.pk}/")
    assert add_b.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)


@pytest.mark.parametrize(
    ("role", "allowed"), [("admin_a", True), ("staff", True), ("admin_b", False), ("focal_a", False)]
)
def test_who_may_add_editors(people, academy_a, section_a, role, allowed):
    newcomer = UserFactory(email="newcomer@example.org")
    if allowed:
        services.editor_add(actor=people[role], institution=academy_a, email="Newcomer@example.org")
        assert section_a.permissions_for_user(newcomer).can_edit()
    else:
        with pytest.raises(PermissionDenied):
            services.editor_add(actor=people[role], institution=academy_a, email="newcomer@example.org")
        assert not section_a.permissions_for_user(newcomer).can_edit()


def test_removing_an_editor_takes_the_page_permission_away(admin_a, academy_a, section_a, editor_a):
    services.editor_remove(actor=admin_a, institution=academy_a, user=editor_a)
    editor_a = type(editor_a).objects.get(pk=editor_a.pk)  # fresh permission caches
    assert not section_a.permissions_for_user(editor_a).can_edit()


def test_section_pages_render(client, section_a):
    unit = _unit(section_a, "Local law")
    response = client.get(section_a.url)
    assert response.status_code == HTTPStatus.OK
    assert "Local law" in response.content.decode()
    response = client.get(unit.url)
    assert response.status_code == HTTPStatus.OK
    assert "Our law." in response.content.decode()


class TestPageRules(WagtailPageTestCase):
    def test_where_institution_pages_go(self):
        self.assertCanCreateAt(HomePage, InstitutionSectionPage)
        self.assertAllowedSubpageTypes(InstitutionSectionPage, {LocalUnitPage, AdaptedReadingPage})
        self.assertAllowedParentPageTypes(LocalUnitPage, {InstitutionSectionPage})
        self.assertAllowedParentPageTypes(AdaptedReadingPage, {InstitutionSectionPage})
        self.assertCanNotCreateAt(ModulePage, LocalUnitPage)
        self.assertCanNotCreateAt(InstitutionSectionPage, ReadingPage)
