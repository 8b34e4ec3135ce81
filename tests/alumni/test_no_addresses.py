"""No e-mail address on any alumni page, for any role, in a community full of data: profiles,
posts, updates, contact requests (pending and accepted), flags and surveys."""

import re
from http import HTTPStatus

import pytest
import time_machine

from alumni import selectors, services
from courses.models import Enrolment
from forums import services as forum_services

from .conftest import general_thread

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@pytest.fixture
def world(home, rooms, ended_cohort, alumnus, alumnus2, tutor, editor, academy_alumnus, private_room):
    # People without a display name: the pages fall back to something that is not their address.
    alumnus2.display_name = ""
    alumnus2.save(update_fields=["display_name"])
    amina = services.profile_save(
        user=alumnus, display_name="Amina H.", visibility="community", country="JO", languages=["ar"]
    )
    carlos = services.profile_save(
        user=alumnus2, display_name="Carlos M.", visibility="community", contact_note="+55 61 0000"
    )
    services.profile_save(user=tutor, display_name="Tutor", visibility="hidden")
    accepted = services.contact_request_send(sender=alumnus2, profile=amina, message="Hello")
    services.contact_request_decide(user=alumnus, request=accepted, accept=True)
    services.contact_request_send(
        sender=alumnus,
        profile=services.profile_save(user=academy_alumnus, display_name="Grace", visibility="community"),
        message="Hi Grace",
    )
    for key in ("general", "financing"):
        thread = general_thread(rooms[key])
        post = forum_services.post_create(user=alumnus2, thread=thread, body="From **Carlos**")
        forum_services.post_create(user=alumnus, thread=thread, body="From Amina")
        forum_services.post_flag(user=alumnus, post=post, reason="check this")
    forum_services.post_create(user=academy_alumnus, thread=general_thread(private_room), body="Private")
    update = services.update_publish(
        actor=editor, theme="financing", kind="judgment", title="Ruling", body="Text"
    )
    services.subscription_set(user=alumnus, themes=["financing"], digest="daily")
    return {"amina": amina, "carlos": carlos, "update": update, "private": private_room}


def pages(world, person) -> list[str]:
    urls = [
        "/en/alumni/",
        "/ar/alumni/",
        "/en/alumni/updates/",
        f"/en/alumni/updates/{world['update'].pk}/",
        "/en/alumni/settings/",
        "/en/alumni/directory/",
        "/en/alumni/directory/?language=ar",
        "/en/alumni/directory/me/",
        f"/en/alumni/directory/{world['amina'].pk}/",
        f"/en/alumni/directory/{world['carlos'].pk}/",
        "/en/alumni/contacts/",
        "/en/alumni/general/room/",
        "/en/alumni/financing/room/",
        "/en/alumni/general/room/moderation/",
        f"/en/alumni/{world['private'].key}/room/",
        "/en/alumni/cohorts/pilot/",
        "/en/alumni/updates/new/",
    ]
    urls += [f"/en/alumni/impact/{e.pk}/3/" for e in Enrolment.objects.filter(user=person)]
    return urls


@pytest.mark.parametrize("who", ["alumnus", "alumnus2", "tutor", "editor", "academy_alumnus", "stranger"])
def test_no_email_address_on_any_alumni_page(client, world, ended_cohort, who, person):
    client.force_login(person)
    seen = 0
    with time_machine.travel(selectors.add_months(ended_cohort.ends_at, 3), tick=False):
        client.force_login(person)
        for url in pages(world, person):
            response = client.get(url)
            assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, url
            text = response.content.decode()
            found = EMAIL.search(text)
            assert found is None, (url, found.group(0))
            seen += response.status_code == HTTPStatus.OK
    assert seen >= (1 if who == "stranger" else 12)
