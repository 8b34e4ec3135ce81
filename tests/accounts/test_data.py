"""Downloading one's data, and deleting the account while the discussions stay whole."""

import json
from http import HTTPStatus

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import selectors
from accounts.models import SecurityEvent, User
from courses.models import Enrolment
from forums import services as forum_services
from forums.events import author_payload
from forums.models import Post, Reaction, Thread

from .conftest import PASSWORD, enrol, give_totp, make_cohort, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussion(home):
    cohort = make_cohort("cohort-a")
    space = forum_services.cohort_space_ensure(cohort)
    general = space.threads.get(kind=Thread.Kind.GENERAL)
    passage = Thread.objects.create(
        space=space, kind=Thread.Kind.PASSAGE, title="Passage", anchor_block="b-1"
    )
    amina, carlos = user("amina@example.org"), user("carlos@example.org")
    enrol(amina, cohort)
    enrol(carlos, cohort)
    mine = forum_services.post_create(user=amina, thread=general, body="Amina's point on extradition")
    forum_services.post_create(user=amina, thread=passage, body="Amina's passage comment")
    theirs = forum_services.post_create(
        user=carlos, thread=general, body="Carlos replies, privately sensitive"
    )
    forum_services.reaction_toggle(user=amina, post=theirs, kind="agree")
    topic = forum_services.thread_create(
        user=carlos, space=space, title="Carlos's own topic", body="Topic body"
    )
    forum_services.post_create(user=amina, thread=topic, body="Amina in Carlos's topic")
    return {
        "cohort": cohort,
        "amina": amina,
        "carlos": carlos,
        "mine": mine,
        "theirs": theirs,
        "topic": topic,
    }


def download(client) -> dict:
    response = client.post("/en/accounts/data/export/")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


def test_the_download_holds_my_posts_and_no_one_elses_data(client, discussion):
    client.force_login(discussion["amina"])
    data = download(client)
    assert data["profile"]["email"] == "amina@example.org"
    assert [e["cohort"] for e in data["enrolments"]] == ["Cohort cohort-a"]
    assert {p["body"] for p in data["posts"]} == {"Amina's point on extradition", "Amina in Carlos's topic"}
    assert [c["body"] for c in data["comments"]] == ["Amina's passage comment"]
    assert data["comments"][0]["passage"]["block"] == "b-1"
    assert data["reactions"] == [{"post_id": discussion["theirs"].pk, "kind": "agree"}]
    text = json.dumps(data)
    for foreign in ("carlos", "Carlos replies", "Carlos's own topic", "Topic body"):
        assert foreign not in text, foreign
    assert SecurityEvent.objects.filter(kind="data_export", user=discussion["amina"]).count() == 1


def test_the_download_needs_a_post_and_a_login(client, discussion):
    assert client.post("/en/accounts/data/export/").status_code == HTTPStatus.FOUND  # to login
    client.force_login(discussion["amina"])
    assert client.get("/en/accounts/data/export/").status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_downloads_are_limited_per_hour(client, discussion):
    client.force_login(discussion["amina"])
    for _ in range(5):
        download(client)
    assert client.post("/en/accounts/data/export/").status_code == HTTPStatus.FOUND


def test_building_the_download_takes_the_same_queries_for_more_data(discussion):
    amina, carlos = discussion["amina"], discussion["carlos"]

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.user_data(User.objects.get(pk=amina.pk))
        return len(ctx.captured_queries)

    small = count()
    general = discussion["mine"].thread
    for n in range(3):
        cohort = make_cohort(f"more-{n}")
        enrol(amina, cohort)
        space = forum_services.cohort_space_ensure(cohort)
        thread = space.threads.get(kind=Thread.Kind.GENERAL)
        for i in range(5):  # straight to the table: the posting rate limit is not under test
            post = Post.objects.create(
                thread=thread, space=space, author=amina, body_source=f"post {n}-{i}", body_html="<p>x</p>"
            )
            Reaction.objects.create(post=post, user=amina, kind="thanks")
        Post.objects.create(
            thread=general, space=general.space, author=carlos, body_source=f"other {n}", body_html="<p>x</p>"
        )
    assert count() == small


def test_deleting_the_account_keeps_the_discussion_whole(client, discussion):
    amina, carlos, cohort = discussion["amina"], discussion["carlos"], discussion["cohort"]
    posts_before = Post.objects.count()
    client.force_login(amina)
    assert client.get("/en/accounts/delete/").status_code == HTTPStatus.OK
    response = client.post("/en/accounts/delete/", {"password": "wrong", "confirm": "on"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert User.objects.filter(pk=amina.pk).exists()

    response = client.post("/en/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(email="amina@example.org").exists()
    assert not Enrolment.objects.filter(cohort=cohort, user_id=amina.pk).exists()
    assert Post.objects.count() == posts_before  # every post is still there
    kept = Post.objects.get(pk=discussion["mine"].pk)
    assert kept.author is None and kept.body_source == "Amina's point on extradition"
    assert author_payload(kept.author)["name"] == "Former participant"

    # Carlos still reads the whole thread, Amina's part shown as by a former participant.
    reader = type(client)()
    reader.force_login(carlos)
    room = reader.get(f"/en/cohorts/{cohort.slug}/room/threads/{kept.thread_id}/")
    assert room.status_code == HTTPStatus.OK
    html = room.content.decode()
    assert "Amina&#x27;s point on extradition" in html or "Amina's point on extradition" in html
    assert "Former participant" in html

    event = SecurityEvent.objects.get(kind="deleted")
    assert event.user is None and event.user_label == f"deleted account #{amina.pk}"
    assert not SecurityEvent.objects.filter(user_label="amina@example.org").exists()
    assert client.get("/en/accounts/profile/").status_code == HTTPStatus.FOUND  # signed out


def test_superusers_are_removed_by_another_superuser(client, home):
    admin = user("admin@example.org")
    admin.is_superuser = True
    admin.save()
    give_totp(admin)
    client.force_login(admin)
    assert client.get("/en/accounts/delete/").status_code == HTTPStatus.FORBIDDEN
    response = client.post("/en/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert User.objects.filter(pk=admin.pk).exists()
