"""The alumni rooms are forums' room pages: what an alumnus and a moderator see and do there
stays within the alumni room's own addresses, with plain forms."""

from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from forums import services as forum_services
from forums.models import Post

from .conftest import general_thread

pytestmark = pytest.mark.django_db


def page(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return BeautifulSoup(response.content, "html.parser")


def test_every_form_and_link_of_an_alumni_room_stays_in_the_alumni_room(client, home, rooms, alumnus, tutor):
    post = forum_services.post_create(user=alumnus, thread=general_thread(rooms["cbrn"]), body="On dual use")
    for person in (alumnus, tutor):
        client.force_login(person)
        html = page(client, "/en/alumni/cbrn/room/")
        crumbs = [a["href"] for a in html.select(".breadcrumbs a")]
        assert crumbs == ["/en/alumni/", "/en/alumni/cbrn/room/"]
        targets = [form["action"] for form in html.select(".room form[action], template form[action]")]
        targets += [a["href"] for a in html.select("#thread-list a, .room__threads a.button")]
        assert targets and all(t.startswith("/en/alumni/cbrn/room/") for t in targets), targets
        assert html.select_one("[data-room]")["data-post-url-template"] == (
            "/en/alumni/cbrn/room/posts/0/ACTION/"
        )
    # The moderator's plain hide form, as the page gives it, hides the post.
    hide = html.select_one(f"#post-{post.pk} form[data-ws-action=hide]")["action"]
    response = client.post(hide, {"reason": "off topic"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/en/alumni/cbrn/room/#post-{post.pk}"
    post.refresh_from_db()
    assert post.status == Post.Status.HIDDEN


def test_marking_notable_is_not_an_alumni_room_action(client, home, rooms, alumnus, tutor):
    post = forum_services.post_create(user=alumnus, thread=general_thread(rooms["general"]), body="Hello")
    client.force_login(tutor)
    response = client.post(f"/en/alumni/general/room/posts/{post.pk}/notable/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    post.refresh_from_db()
    assert not post.notable


def test_the_moderation_page_is_framed_as_the_alumni_room(client, home, rooms, tutor):
    client.force_login(tutor)
    html = page(client, "/en/alumni/general/room/moderation/")
    assert html.select_one("h1").get_text() == "Moderation: General room"
    assert [a["href"] for a in html.select(".breadcrumbs a")] == ["/en/alumni/", "/en/alumni/general/room/"]
    assert html.select_one('link[href*="alumni/alumni.css"]')
