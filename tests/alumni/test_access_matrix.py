"""Who may read, post and moderate in each kind of alumni room, decided in alumni.policies and
asked through forums.policies — and what every alumni URL answers to every role."""

from http import HTTPStatus

import pytest

from alumni import services
from alumni.models import AlumniRemoval
from forums import policies as forum_policies
from forums import services as forum_services
from lms.errors import PermissionDenied

from .conftest import general_thread

pytestmark = pytest.mark.django_db

# who -> (read, post, moderate) in the general and theme rooms
SHARED = {
    "alumnus": (True, True, False),
    "participant": (False, False, False),  # took part, did not complete, tutor did not open it
    "tutor": (True, True, True),
    "other_tutor": (True, True, True),  # tutors of every cohort, running or not
    "current_trainee": (False, False, False),
    "stranger": (False, False, False),
    "editor": (True, True, True),
    "site_moderator": (True, True, True),
    "academy_alumnus": (True, True, False),
}
# who -> (read, post, moderate) in the academy's private room
PRIVATE = {
    "alumnus": (False, False, False),  # an alumnus of another institution's cohort
    "participant": (False, False, False),
    "tutor": (False, False, False),  # tutors of other institutions' cohorts
    "other_tutor": (False, False, False),
    "current_trainee": (False, False, False),
    "stranger": (False, False, False),
    "editor": (False, False, False),
    "site_moderator": (True, True, True),
    "academy_alumnus": (True, True, False),
}


@pytest.mark.parametrize("who", list(SHARED))
@pytest.mark.parametrize("key", ["general", "financing", "cooperation"])
def test_shared_rooms(who, key, person, rooms):
    access = forum_policies.space_access(person, rooms[key].space)
    assert (access.can_read, access.can_post, access.can_moderate) == SHARED[who]


@pytest.mark.parametrize("who", list(PRIVATE))
def test_private_institution_room(who, person, private_room):
    access = forum_policies.space_access(person, private_room.space)
    assert (access.can_read, access.can_post, access.can_moderate) == PRIVATE[who]


def test_private_room_admins_and_tutors_of_the_institution_moderate_it(private_room, academy_cohort):
    from courses.models import Enrolment

    from .conftest import enrol, user

    admin = private_room.institution.admins.get()
    assert forum_policies.space_access(admin, private_room.space).can_moderate
    academy_tutor = user("academy-tutor@example.org")
    enrol(academy_tutor, academy_cohort, Enrolment.Role.TUTOR)
    assert forum_policies.space_access(academy_tutor, private_room.space).can_moderate


def test_only_institution_admins_open_a_private_room(academy, alumnus, tutor):
    for actor in (alumnus, tutor):
        with pytest.raises(PermissionDenied):
            services.institution_room_ensure(actor=actor, institution=academy)


def test_removed_and_deactivated_people_have_no_access(rooms, alumnus, tutor):
    services.member_remove(actor=tutor, user=alumnus, reason="Shared a confidential file")
    assert AlumniRemoval.objects.filter(user=alumnus).exists()
    assert not forum_policies.space_access(alumnus, rooms["general"].space).can_read
    with pytest.raises(PermissionDenied):
        forum_services.post_create(user=alumnus, thread=general_thread(rooms["general"]), body="still here?")
    services.member_reinstate(actor=tutor, user=alumnus)
    assert forum_policies.space_access(alumnus, rooms["general"].space).can_post
    alumnus.is_active = False
    alumnus.save(update_fields=["is_active"])
    assert not forum_policies.space_access(alumnus, rooms["general"].space).can_read


def test_rooms_are_created_once(rooms):
    again = services.alumni_rooms_ensure()
    assert {r.pk for r in again} == {r.pk for r in rooms.values()}
    assert set(rooms) == {"general", "financing", "cbrn", "transport", "internet", "cooperation"}
    for room in rooms.values():
        assert room.space.kind == "alumni" and room.space.cohort_id is None
        assert room.space.threads.filter(kind="general").count() == 1


# ---- every URL, every role ----------------------------------------------------------------------

MEMBER_PAGES = [
    "/en/alumni/updates/",
    "/en/alumni/settings/",
    "/en/alumni/directory/",
    "/en/alumni/directory/me/",
    "/en/alumni/contacts/",
]
MEMBERS = {"alumnus", "tutor", "other_tutor", "editor", "site_moderator", "academy_alumnus"}


@pytest.mark.parametrize("who", ["anonymous", *SHARED])
def test_pages_per_role(client, home, who, person, rooms, private_room):
    if person is not None:
        client.force_login(person)
    expected_member = who in MEMBERS
    for url in MEMBER_PAGES:
        status = client.get(url).status_code
        if person is None:
            assert status == HTTPStatus.FOUND, url  # to the login page
        else:
            assert status == (HTTPStatus.OK if expected_member else HTTPStatus.FORBIDDEN), (url, status)
    home_status = client.get("/en/alumni/").status_code
    assert home_status == (HTTPStatus.FOUND if person is None else HTTPStatus.OK)
    room_status = client.get("/en/alumni/general/room/").status_code
    if person is None:
        assert room_status == HTTPStatus.FOUND
    else:
        assert room_status == (HTTPStatus.OK if SHARED[who][0] else HTTPStatus.NOT_FOUND)
    private_status = client.get(f"/en/alumni/{private_room.key}/room/").status_code
    if person is not None:
        assert private_status == (HTTPStatus.OK if PRIVATE[who][0] else HTTPStatus.NOT_FOUND)
    moderation_status = client.get("/en/alumni/general/room/moderation/").status_code
    if person is not None:
        read, _post, moderate = SHARED[who]
        assert moderation_status == (
            HTTPStatus.OK if moderate else HTTPStatus.FORBIDDEN if read else HTTPStatus.NOT_FOUND
        )
    publish_status = client.get("/en/alumni/updates/new/").status_code
    if person is not None:
        publishes = who in {"tutor", "other_tutor", "editor", "site_moderator"}
        assert publish_status == (HTTPStatus.OK if publishes else HTTPStatus.FORBIDDEN)


@pytest.mark.parametrize("who", ["alumnus", "stranger"])
def test_posting_in_a_room_without_javascript(client, home, who, person, rooms):
    client.force_login(person)
    thread = general_thread(rooms["transport"])
    response = client.post(
        f"/en/alumni/transport/room/threads/{thread.pk}/post/", {"body": "Plain form", "client_id": "nojs"}
    )
    if who == "alumnus":
        assert response.status_code == HTTPStatus.FOUND
        assert "Plain form" in client.get("/en/alumni/transport/room/").content.decode()
    else:
        assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_moderator_hides_and_removes_from_the_moderation_page(client, home, rooms, alumnus, tutor):
    thread = general_thread(rooms["general"])
    post = forum_services.post_create(user=alumnus, thread=thread, body="Spam spam")
    forum_services.post_flag(user=tutor, post=post, reason="spam")
    client.force_login(tutor)
    hidden = client.post(f"/en/alumni/general/room/posts/{post.pk}/hide/", {"reason": "spam"})
    assert hidden.status_code == HTTPStatus.FOUND
    post.refresh_from_db()
    assert post.status == "hidden"
    page = client.get("/en/alumni/general/room/moderation/")
    assert b"Remove the author from the alumni community" in page.content
    removed = client.post(
        "/en/alumni/general/room/moderation/",
        {"action": "remove_member", "user": alumnus.pk, "reason": "Repeated spam"},
    )
    assert removed.status_code == HTTPStatus.FOUND
    client.force_login(alumnus)
    assert client.get("/en/alumni/general/room/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/en/alumni/directory/").status_code == HTTPStatus.FORBIDDEN
