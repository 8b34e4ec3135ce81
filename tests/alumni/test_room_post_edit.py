"""Editing one's own post works the same in an alumni room, at the alumni room's addresses."""

from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from forums import services as forum_services

from .conftest import general_thread

pytestmark = pytest.mark.django_db


def test_an_alumnus_edits_their_post_from_the_alumni_room(client, home, rooms, alumnus):
    post = forum_services.post_create(user=alumnus, thread=general_thread(rooms["cbrn"]), body="On dual use")
    client.force_login(alumnus)
    html = BeautifulSoup(client.get("/en/alumni/cbrn/room/").content, "html.parser")
    edit = html.select_one(f"#post-{post.pk} a.tool--edit")
    assert edit["href"] == f"/en/alumni/cbrn/room/posts/{post.pk}/edit/" and not edit.has_attr("hidden")
    response = client.post(edit["href"], {"body": "On dual-use goods"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/en/alumni/cbrn/room/#post-{post.pk}"
    post.refresh_from_db()
    assert post.body_source == "On dual-use goods"
