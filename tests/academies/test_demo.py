"""academies.demo: the National Judicial Academy `make run` shows, loaded any number of times."""

from decimal import Decimal

import pytest

from academies import adaptation, selectors
from academies.demo import ADMIN_EMAIL, load_demo_academy
from academies.models import AdaptedReadingPage, LocalUnitPage, Nomination, Programme, ProgrammeUnit
from accounts.demo import load_demo_accounts
from accounts.models import User
from courses.demo import load_demo_cohorts
from modules.demo import load_curriculum

pytestmark = pytest.mark.django_db


def test_the_demo_academy_is_complete_and_loads_once(home):
    load_curriculum()
    load_demo_accounts()
    load_demo_cohorts()
    demo = load_demo_academy()
    again = load_demo_academy()

    assert demo.institution.name == "National Judicial Academy"
    assert again.programme.pk == demo.programme.pk
    assert (Programme.objects.count(), ProgrammeUnit.objects.count()) == (1, 3)
    assert LocalUnitPage.objects.count() == AdaptedReadingPage.objects.count() == 1
    assert Nomination.objects.filter(status=Nomination.Status.PENDING).count() == 1

    view = selectors.programme_view(demo.programme)
    assert [u.kind for u in view.units] == ["Shared reading", "Shared reading", "Local unit"]
    assert view.total_hours == Decimal("12")

    admin = User.objects.get(email=ADMIN_EMAIL)
    section = selectors.section_of(demo.institution)
    assert section.permissions_for_user(admin).can_edit()
    assert demo.adapted.master.slug == "rule-of-law-and-human-rights"
    assert not adaptation.report(AdaptedReadingPage.objects.get(pk=demo.adapted.pk)).master_changed
    master_ids = [b["id"] for b in demo.adapted.master.body.raw_data]
    copy_ids = [b["id"] for b in AdaptedReadingPage.objects.get(pk=demo.adapted.pk).body.raw_data]
    assert set(master_ids) < set(copy_ids)  # every master passage, plus the Academy's note
