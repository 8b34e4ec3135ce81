"""When a cohort ends: who becomes an alumnus, the cohort room becomes a read-only archive its
members keep, and the alumni rooms open. Time-travelled past a real cohort's end."""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from bs4 import BeautifulSoup

from alumni import policies, services
from courses import services as course_services
from courses.models import Enrolment
from forums import policies as forum_policies
from forums import services as forum_services
from forums.models import Post, Thread
from lms.errors import PermissionDenied

from .conftest import enrol, general_thread, make_cohort, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(home, rooms):
    """A running cohort (week 2) with a tutor, a trainee who completes, one who does not, one who withdrew."""
    cohort = make_cohort("run")
    people = {
        "tutor": user("tutor@example.org"),
        "completer": user("amina@example.org"),
        "taker": user("paula@example.org"),
        "withdrawn": user("wanda@example.org"),
    }
    enrol(people["tutor"], cohort, Enrolment.Role.TUTOR)
    completer = enrol(people["completer"], cohort)
    enrol(people["taker"], cohort)
    enrol(people["withdrawn"], cohort, status=Enrolment.Status.WITHDRAWN)
    course_services.enrolment_complete(actor=people["tutor"], enrolment=completer, reason="Finished early")
    space = forum_services.cohort_space_ensure(cohort)
    general = space.threads.get(kind=Thread.Kind.GENERAL)
    forum_services.post_create(user=people["taker"], thread=general, body="My note from week two")
    return cohort, space, people


def after_end(cohort, **delta):
    return time_machine.travel(cohort.ends_at + dt.timedelta(minutes=1, **delta), tick=False)


def test_before_the_end_nobody_is_an_alumnus_and_the_room_is_live(run, rooms):
    cohort, space, people = run
    assert not policies.standing(people["completer"]).is_alumnus
    access = forum_policies.space_access(people["completer"], rooms["general"].space)
    assert not access.can_read
    assert forum_policies.space_access(people["completer"], space).can_post


def test_after_the_end_completers_are_alumni_and_the_room_is_a_read_only_archive(client, run, rooms):
    cohort, space, people = run
    with after_end(cohort):
        completer = policies.standing(people["completer"])
        assert completer.is_alumnus and cohort.pk in completer.alumnus_of
        assert not policies.standing(people["taker"]).is_alumnus
        assert not policies.standing(people["withdrawn"]).is_alumnus

        # The cohort room: members still read it, nobody posts, not even the tutor.
        for who in ("completer", "taker", "tutor"):
            access = forum_policies.space_access(people[who], space)
            assert access.can_read and not access.can_post, who
        assert not forum_policies.space_access(people["withdrawn"], space).can_read
        general = space.threads.get(kind=Thread.Kind.GENERAL)
        with pytest.raises(PermissionDenied):
            forum_services.post_create(user=people["completer"], thread=general, body="Too late")

        client.force_login(people["taker"])
        page = client.get(f"/en/cohorts/{cohort.slug}/room/")
        assert page.status_code == HTTPStatus.OK
        html = BeautifulSoup(page.content, "html.parser")
        assert html.select_one("form#composer") is None
        assert "read-only" in html.get_text()
        assert "My note from week two" in html.get_text()  # their own words stay with them
        refused = client.post(
            f"/en/cohorts/{cohort.slug}/room/threads/{general.pk}/post/", {"body": "late", "client_id": "x1"}
        )
        assert refused.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN)
        assert not Post.objects.filter(body_source="late").exists()

        # The alumni rooms open to the completer, not to the one who did not complete.
        client.force_login(people["completer"])
        room = client.get("/en/alumni/general/room/")
        assert room.status_code == HTTPStatus.OK
        assert BeautifulSoup(room.content, "html.parser").select_one("form#composer")
        posted = client.post(
            f"/en/alumni/general/room/threads/{general_thread(rooms['general']).pk}/post/",
            {"body": "Hello alumni", "client_id": "a1"},
        )
        assert posted.status_code == HTTPStatus.FOUND
        assert Post.objects.filter(space=rooms["general"].space, body_source="Hello alumni").exists()
        client.force_login(people["taker"])
        assert client.get("/en/alumni/general/room/").status_code == HTTPStatus.NOT_FOUND
        # ...who still has their archive, and is told why the community is not open yet.
        home = client.get("/en/alumni/")
        assert home.status_code == HTTPStatus.OK
        assert f"/en/cohorts/{cohort.slug}/room/" in home.content.decode()


def test_the_tutor_may_make_every_participant_an_alumnus(run, rooms):
    cohort, _space, people = run
    with pytest.raises(PermissionDenied):
        services.cohort_alumni_setting_set(
            actor=people["completer"], cohort=cohort, include_all_participants=True
        )
    services.cohort_alumni_setting_set(actor=people["tutor"], cohort=cohort, include_all_participants=True)
    assert not policies.standing(people["taker"]).is_alumnus  # not before the end
    with after_end(cohort):
        assert policies.standing(people["taker"]).is_alumnus
        assert not policies.standing(people["withdrawn"]).is_alumnus  # took part means stayed
        assert forum_policies.space_access(people["taker"], rooms["cbrn"].space).can_post
        services.cohort_alumni_setting_set(
            actor=people["tutor"], cohort=cohort, include_all_participants=False
        )
        assert not policies.standing(people["taker"]).is_alumnus


def test_tutor_sets_the_rule_through_the_page(client, run):
    cohort, _space, people = run
    client.force_login(people["completer"])
    assert client.get(f"/en/alumni/cohorts/{cohort.slug}/").status_code == HTTPStatus.FORBIDDEN
    client.force_login(people["tutor"])
    assert client.get(f"/en/alumni/cohorts/{cohort.slug}/").status_code == HTTPStatus.OK
    response = client.post(f"/en/alumni/cohorts/{cohort.slug}/", {"include_all_participants": "on"})
    assert response.status_code == HTTPStatus.FOUND
    assert cohort.alumni_setting.include_all_participants


def test_membership_lasts_beyond_the_end_and_rooms_outlive_cohorts(run, rooms):
    cohort, _space, people = run
    with after_end(cohort, days=400):
        assert policies.standing(people["completer"]).is_member
        assert forum_policies.space_access(people["completer"], rooms["internet"].space).can_post
