from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums import services
from forums.models import ModerationLog, Post

from .conftest import enrol, user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(home):
    cache.clear()


def room_url(cohort, thread=None) -> str:
    if thread is None:
        return f"/en/cohorts/{cohort.slug}/room/"
    return f"/en/cohorts/{cohort.slug}/room/threads/{thread.pk}/"


def test_members_see_the_room_server_rendered(client, cohort, general, trainee, trainee2):
    services.post_create(user=trainee2, thread=general, body="**Welcome** everyone")
    client.force_login(trainee)
    response = client.get(room_url(cohort))
    assert response.status_code == HTTPStatus.OK
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("#posts .post__body strong").get_text() == "Welcome"
    assert len(page.select("#thread-list li")) == 7  # general + six weekly prompts
    assert page.select_one("form#composer textarea[name=body]")


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_tutor"])
def test_non_members_cannot_see_the_room(client, cohort, space, who, outsider, other_tutor):
    if who == "outsider":
        client.force_login(outsider)
    elif who == "other_tutor":
        client.force_login(other_tutor)
    response = client.get(room_url(cohort))
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.NOT_FOUND)
    assert b"General discussion" not in response.content


def test_posting_without_javascript(client, cohort, general, trainee):
    client.force_login(trainee)
    response = client.post(
        room_url(cohort, general) + "post/", {"body": "Plain form post", "client_id": "nojs1"}
    )
    assert response.status_code == HTTPStatus.FOUND
    post = Post.objects.get()
    assert response["Location"].endswith(f"#post-{post.pk}")
    assert "Plain form post" in client.get(response["Location"].split("#")[0]).content.decode()
    # A double submit of the same form lands once.
    client.post(room_url(cohort, general) + "post/", {"body": "Plain form post", "client_id": "nojs1"})
    assert Post.objects.count() == 1


def test_a_refused_post_keeps_what_was_written(client, cohort, general, trainee, tutor):
    services.thread_set(actor=tutor, thread=general, locked=True)
    client.force_login(trainee)
    response = client.post(
        room_url(cohort, general) + "post/", {"body": "My careful argument", "client_id": "x"}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("textarea[name=body]").get_text().strip() == "My careful argument"
    assert "locked" in page.select_one(".form-errors").get_text()


def test_tutor_hides_through_a_plain_form_and_it_is_logged(client, cohort, general, trainee, tutor):
    post = services.post_create(user=trainee, thread=general, body="regrettable")
    client.force_login(tutor)
    client.post(f"/en/cohorts/{cohort.slug}/room/posts/{post.pk}/hide/", {"reason": "personal data"})
    post.refresh_from_db()
    assert post.status == Post.Status.HIDDEN
    assert ModerationLog.objects.get().reason == "personal data"
    client.force_login(trainee)
    page = client.get(room_url(cohort)).content.decode()
    assert "regrettable" not in page and "Hidden by a moderator" in page


def test_trainee_cannot_use_moderation_urls(client, cohort, general, trainee, trainee2):
    post = services.post_create(user=trainee, thread=general, body="mine")
    client.force_login(trainee2)
    response = client.post(f"/en/cohorts/{cohort.slug}/room/posts/{post.pk}/hide/", {"reason": "x"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert client.get(f"/en/cohorts/{cohort.slug}/room/moderation/").status_code == HTTPStatus.FORBIDDEN
    post.refresh_from_db()
    assert post.status == Post.Status.VISIBLE


def test_moderation_page_lists_flags_and_log(client, cohort, general, trainee, trainee2, tutor):
    post = services.post_create(user=trainee, thread=general, body="questionable")
    services.post_flag(user=trainee2, post=post, reason="insulting")
    client.force_login(tutor)
    page = client.get(f"/en/cohorts/{cohort.slug}/room/moderation/").content.decode()
    assert "insulting" in page
    client.post(
        f"/en/cohorts/{cohort.slug}/room/moderation/", {"action": "configure", "slow_mode_seconds": 20}
    )
    cohort.space.refresh_from_db()
    assert cohort.space.slow_mode_seconds == 20


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(queries)


def test_room_query_count_does_not_grow_with_posts_or_members(client, cohort, general, trainee):
    client.force_login(trainee)
    services.post_create(user=trainee, thread=general, body="first")
    client.get(room_url(cohort))
    small = _count(client, room_url(cohort))
    others = [user(f"m{n}@example.org") for n in range(30)]
    for n, other in enumerate(others):
        enrol(other, cohort)
        cache.clear()
        services.post_create(user=other, thread=general, body=f"post {n}")
    large = _count(client, room_url(cohort))
    assert small == large


def test_pseudonyms_hide_real_names_from_peers_but_not_from_tutors(
    client, cohort, general, trainee, trainee2, tutor
):
    cohort.pseudonyms_allowed = True
    cohort.save()
    trainee2.pseudonym = "Prosecutor K."
    trainee2.save()
    services.post_create(user=trainee2, thread=general, body="Posting under a pseudonym")
    client.force_login(trainee)
    peer_view = BeautifulSoup(client.get(room_url(cohort)).content, "html.parser")
    assert peer_view.select_one(".post__author").get_text() == "Prosecutor K."
    assert "Carlos" not in peer_view.select_one("#posts").get_text()
    client.force_login(tutor)
    tutor_view = BeautifulSoup(client.get(room_url(cohort)).content, "html.parser")
    assert tutor_view.select_one(".post__author").get_text() == "Prosecutor K. (Carlos)"


def test_pseudonyms_in_live_events(
    cohort, general, trainee2, monkeypatch, django_capture_on_commit_callbacks
):
    cohort.pseudonyms_allowed = True
    cohort.save()
    trainee2.pseudonym = "Prosecutor K."
    trainee2.save()
    sent = []
    monkeypatch.setattr("forums.events.publish", lambda space_id, message: sent.append(message))
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(user=trainee2, thread=general, body="Live under a pseudonym")
    assert sent[0]["public"]["author"]["name"] == "Prosecutor K."
    assert sent[0]["moderator"]["author"]["name"] == "Prosecutor K. (Carlos)"
    assert "Carlos" not in str(sent[0]["public"]) and "Carlos" not in str(sent[0]["author_view"])
