"""Fixtures for the alumni community: an ended cohort with a completer, a participant who did
not complete, its tutor; a running cohort; an editor and a site moderator. Built on the
forums fixtures' helpers (`make_cohort`, `enrol`, `user`)."""

import datetime as dt

import pytest

from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.utils import timezone

from alumni import services
from alumni.models import AlumniRoom
from courses.models import Enrolment, Institution
from forums.models import Thread
from modules.editorial import EDITORS
from tests.forums.conftest import PASSWORD, enrol, make_cohort, user

__all__ = ["PASSWORD", "enrol", "make_cohort", "user", "ENDED_DAYS_AGO"]

ENDED_DAYS_AGO = 10


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_second_factor_gate(settings):
    # Tutors, editors and staff must enrol a second factor before using the site; that gate
    # is accounts' concern and tested there. Here it would only stand between them and the pages.
    settings.ACCOUNTS_MFA_ENFORCED = False


def ended_start(days_ago: int = ENDED_DAYS_AGO, weeks: int = 6) -> dt.date:
    """A start date such that a cohort of `weeks` weeks ended `days_ago` days ago."""
    return timezone.localdate() - dt.timedelta(days=7 * weeks + days_ago)


@pytest.fixture
def ended_cohort(db):
    return make_cohort("pilot", start=ended_start())


@pytest.fixture
def running_cohort(db):
    return make_cohort("running")


@pytest.fixture
def rooms(db) -> dict[str, AlumniRoom]:
    return {room.key: room for room in services.alumni_rooms_ensure()}


@pytest.fixture
def alumnus(ended_cohort):
    account = user("amina@example.org")
    enrol(account, ended_cohort, status=Enrolment.Status.COMPLETED)
    return account


@pytest.fixture
def alumnus2(ended_cohort):
    account = user("carlos@example.org")
    enrol(account, ended_cohort, status=Enrolment.Status.COMPLETED)
    return account


@pytest.fixture
def participant(ended_cohort):
    """Took part in the ended cohort but did not complete it."""
    account = user("paula@example.org")
    enrol(account, ended_cohort, status=Enrolment.Status.ACTIVE)
    return account


@pytest.fixture
def tutor(ended_cohort):
    account = user("tutor@example.org")
    enrol(account, ended_cohort, Enrolment.Role.TUTOR)
    return account


@pytest.fixture
def other_tutor(running_cohort):
    """Tutors a different, running cohort: still a member of the alumni community."""
    account = user("jean@example.org")
    enrol(account, running_cohort, Enrolment.Role.TUTOR)
    return account


@pytest.fixture
def current_trainee(running_cohort):
    account = user("irina@example.org")
    enrol(account, running_cohort)
    return account


@pytest.fixture
def stranger(db):
    return user("nobody@example.org")


@pytest.fixture
def editor(db):
    account = user("editor@example.org")
    account.groups.add(Group.objects.get_or_create(name=EDITORS)[0])
    return account


@pytest.fixture
def site_moderator(db):
    account = user("moderator@example.org")
    account.user_permissions.add(Permission.objects.get(codename="moderate_any_space"))
    return account


@pytest.fixture
def academy(db):
    return Institution.objects.create(name="National Judicial Academy", country="KE")


@pytest.fixture
def academy_cohort(academy):
    cohort = make_cohort("academy-pilot", start=ended_start())
    cohort.institution = academy
    cohort.save()
    return cohort


@pytest.fixture
def academy_alumnus(academy_cohort):
    account = user("grace@example.org")
    enrol(account, academy_cohort, status=Enrolment.Status.COMPLETED)
    return account


@pytest.fixture
def private_room(academy, db):
    from courses.factories import UserFactory

    admin = UserFactory(email="academy-admin@example.org")
    academy.admins.add(admin)
    return services.institution_room_ensure(actor=admin, institution=academy)


def general_thread(room: AlumniRoom) -> Thread:
    thread = room.space.threads.get(kind=Thread.Kind.GENERAL)
    thread.space = room.space
    return thread


PEOPLE = [
    "alumnus",
    "alumnus2",
    "participant",
    "tutor",
    "other_tutor",
    "current_trainee",
    "stranger",
    "editor",
    "site_moderator",
    "academy_alumnus",
]


@pytest.fixture
def person(request):
    """The fixture named by the test's `who` parameter (None for an anonymous visitor)."""
    who = request.node.callspec.params["who"]
    return None if who == "anonymous" else request.getfixturevalue(who)
