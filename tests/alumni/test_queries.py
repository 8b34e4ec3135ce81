"""Query counts of the alumni pages do not grow with what they show: measured at two sizes."""

from http import HTTPStatus

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from alumni import services
from courses.models import Enrolment
from forums import services as forum_services

from .conftest import enrol, general_thread, user

pytestmark = pytest.mark.django_db
PRINT = False


def alumni(cohort, n: int, start: int = 0) -> list:
    people = []
    for i in range(start, start + n):
        person = user(f"alum{i}@example.org")
        enrol(person, cohort, status=Enrolment.Status.COMPLETED)
        people.append(person)
    return people


def count_queries(client, url: str) -> int:
    client.get(url)  # warm up: the first request of a session also stores the person's language
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    if PRINT:
        print(url, len(queries), *[q["sql"][:300] for q in queries], sep="\n  ")
    return len(queries)


def grow_directory(cohort, n: int, start: int) -> None:
    for i, person in enumerate(alumni(cohort, n, start)):
        services.profile_save(
            user=person,
            display_name=f"Alum {start + i}",
            visibility="community",
            country="KE" if i % 2 else "FR",
            languages=["en", "fr"] if i % 2 else ["ar"],
            themes=["financing", "cbrn"],
            role="Prosecutor",
        )


def test_directory_query_count_is_flat(client, home, ended_cohort, alumnus):
    services.profile_save(user=alumnus, display_name="Viewer", visibility="community")
    client.force_login(alumnus)
    grow_directory(ended_cohort, 3, 0)
    small = count_queries(client, "/en/alumni/directory/")
    small_search = count_queries(client, "/en/alumni/directory/?theme=financing&language=en")
    grow_directory(ended_cohort, 20, 100)
    services.contact_request_send(
        sender=alumnus, profile=user("alum100@example.org").directory_profile, message="hello"
    )
    large = count_queries(client, "/en/alumni/directory/")
    large_search = count_queries(client, "/en/alumni/directory/?theme=financing&language=en")
    assert large == small, (small, large)
    assert large_search == small_search
    assert b"Alum 119" in client.get("/en/alumni/directory/").content


def grow_room(room, cohort, n: int, start: int) -> None:
    thread = general_thread(room)
    for person in alumni(cohort, n, start):
        post = forum_services.post_create(user=person, thread=thread, body=f"Post by {person.pk}")
        forum_services.reaction_toggle(user=person, post=post, kind="agree")
    forum_services.thread_create(user=person, space=room.space, title=f"Topic {start}", body="Body")


def test_alumni_room_query_count_is_flat(client, home, rooms, ended_cohort, alumnus, tutor):
    client.force_login(alumnus)
    room = rooms["financing"]
    services.update_publish(actor=tutor, theme="financing", kind="other", title="U", body="B")
    grow_room(room, ended_cohort, 3, 0)
    small = count_queries(client, "/en/alumni/financing/room/")
    grow_room(room, ended_cohort, 25, 100)
    for n in range(4):
        services.update_publish(actor=tutor, theme="financing", kind="other", title=f"U{n}", body="B")
    large = count_queries(client, "/en/alumni/financing/room/")
    assert large == small, (small, large)


def test_alumni_home_query_count_is_flat(client, home, rooms, ended_cohort, alumnus, tutor):
    client.force_login(alumnus)
    grow_room(rooms["general"], ended_cohort, 2, 0)
    services.update_publish(actor=tutor, theme="cbrn", kind="other", title="One", body="B")
    small = count_queries(client, "/en/alumni/")
    grow_room(rooms["cbrn"], ended_cohort, 10, 100)
    for n in range(6):
        services.update_publish(actor=tutor, theme="internet", kind="other", title=f"More {n}", body="B")
    large = count_queries(client, "/en/alumni/")
    assert large == small, (small, large)
