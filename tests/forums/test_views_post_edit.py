"""Editing and deleting one's own post through the room's plain forms (no JavaScript), and
which posts offer the author's tools."""

from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from django.core.cache import cache

from courses.models import CourseWeek
from forums import services
from forums.models import Event, Post
from modules.factories import CurriculumIndexPageFactory, ModulePageFactory, make_reading

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(home):
    cache.clear()


def edit_url(cohort, post) -> str:
    return f"/en/cohorts/{cohort.slug}/room/posts/{post.pk}/edit/"


def test_the_edit_control_is_on_the_viewers_own_posts_only(client, cohort, general, trainee, trainee2):
    mine = services.post_create(user=trainee, thread=general, body="mine")
    theirs = services.post_create(user=trainee2, thread=general, body="theirs")
    client.force_login(trainee)
    page = BeautifulSoup(client.get(f"/en/cohorts/{cohort.slug}/room/").content, "html.parser")
    own_edit = page.select_one(f"#post-{mine.pk} a.tool--edit")
    assert own_edit is not None and not own_edit.has_attr("hidden")
    assert own_edit["href"] == edit_url(cohort, mine)
    assert page.select_one(f"#post-{theirs.pk} a.tool--edit").has_attr("hidden")
    assert page.select_one(f"#post-{theirs.pk} details.tool--own-delete").has_attr("hidden")
    # The template that live posts are built from starts with the author's tools hidden.
    template = BeautifulSoup(page.select_one("#post-tools-template").decode_contents(), "html.parser")
    assert template.select_one("a.tool--edit").has_attr("hidden")


def test_the_author_edits_without_javascript(client, cohort, general, trainee):
    post = services.post_create(user=trainee, thread=general, body="**First** draft")
    client.force_login(trainee)
    page = BeautifulSoup(client.get(edit_url(cohort, post)).content, "html.parser")
    assert page.select_one("textarea[name=body]").get_text().strip() == "**First** draft"

    response = client.post(edit_url(cohort, post), {"body": "Second *draft*"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith(f"#post-{post.pk}")
    post.refresh_from_db()
    assert post.body_source == "Second *draft*" and "<em>draft</em>" in post.body_html
    assert Event.objects.filter(space=post.space, kind="post.edited").count() == 1
    room = BeautifulSoup(client.get(response["Location"].split("#")[0]).content, "html.parser")
    assert not room.select_one(f"#post-{post.pk} .post__edited").has_attr("hidden")


def test_a_refused_edit_keeps_the_text_and_says_why(client, cohort, general, trainee, tutor):
    post = services.post_create(user=trainee, thread=general, body="original")
    client.force_login(trainee)
    assert client.get(edit_url(cohort, post)).status_code == HTTPStatus.OK
    services.thread_set(actor=tutor, thread=general, locked=True)  # while the author was writing

    response = client.post(edit_url(cohort, post), {"body": "My careful correction"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("textarea[name=body]").get_text().strip() == "My careful correction"
    assert "This thread is locked." in page.select_one(".form-errors").get_text()
    post.refresh_from_db()
    assert post.body_source == "original" and post.edited_at is None
    # Once locked, the room no longer offers "Edit", and the edit page is closed.
    room = BeautifulSoup(client.get(f"/en/cohorts/{cohort.slug}/room/").content, "html.parser")
    assert room.select_one(f"#post-{post.pk} a.tool--edit").has_attr("hidden")
    assert client.get(edit_url(cohort, post)).status_code == HTTPStatus.FORBIDDEN


def test_an_empty_edit_is_refused_on_the_page(client, cohort, general, trainee):
    post = services.post_create(user=trainee, thread=general, body="original")
    client.force_login(trainee)
    response = client.post(edit_url(cohort, post), {"body": "   "})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Write something, or delete the post instead." in response.content.decode()


def test_nobody_else_can_read_the_source_or_edit(client, cohort, general, trainee, trainee2, tutor):
    post = services.post_create(user=trainee, thread=general, body="only *mine*")
    for other in (trainee2, tutor):
        client.force_login(other)
        assert client.get(edit_url(cohort, post)).status_code == HTTPStatus.FORBIDDEN
        json = client.get(edit_url(cohort, post), headers={"accept": "application/json"})
        assert json.status_code == HTTPStatus.FORBIDDEN
        assert client.post(edit_url(cohort, post), {"body": "hijack"}).status_code == HTTPStatus.FORBIDDEN
    post.refresh_from_db()
    assert post.body_source == "only *mine*"

    client.force_login(trainee)
    json = client.get(edit_url(cohort, post), headers={"accept": "application/json"})
    assert json.json() == {"post": post.pk, "body": "only *mine*"}


def test_the_author_deletes_their_post_with_the_plain_form(client, cohort, general, trainee, trainee2):
    post = services.post_create(user=trainee, thread=general, body="second thoughts")
    client.force_login(trainee2)
    response = client.post(f"/en/cohorts/{cohort.slug}/room/posts/{post.pk}/delete/")
    assert response.status_code == HTTPStatus.FORBIDDEN
    client.force_login(trainee)
    response = client.post(f"/en/cohorts/{cohort.slug}/room/posts/{post.pk}/delete/")
    assert response.status_code == HTTPStatus.FOUND
    post.refresh_from_db()
    assert post.status == Post.Status.DELETED
    room = client.get(f"/en/cohorts/{cohort.slug}/room/").content.decode()
    assert "second thoughts" not in room and "Deleted." in room


def test_other_post_actions_still_need_a_post(client, cohort, general, trainee):
    post = services.post_create(user=trainee, thread=general, body="x")
    client.force_login(trainee)
    response = client.get(f"/en/cohorts/{cohort.slug}/room/posts/{post.pk}/delete/")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_a_passage_comment_edited_without_javascript_returns_to_its_reading(
    client, home, cohort, space, trainee
):
    module = ModulePageFactory(parent=CurriculumIndexPageFactory(parent=home))
    reading = make_reading(module, title="Extradition", passages=2)
    week = CourseWeek.objects.get(course=cohort.course, sort_order=0)
    week.readings = [{"type": "reading", "value": reading.pk}]
    week.save()
    post = services.passage_post_create(
        user=trainee, space=space, reading=reading, block_id=reading.body[0].id, body="First thoughts"
    )
    client.force_login(trainee)
    reading_url = f"/en/cohorts/{cohort.slug}/readings/{reading.pk}/"
    page = BeautifulSoup(client.get(edit_url(cohort, post)).content, "html.parser")
    assert page.select_one(".button-row a")["href"] == f"{reading_url}#c-{post.pk}"
    response = client.post(edit_url(cohort, post), {"body": "Second thoughts"})
    assert response["Location"] == f"{reading_url}#c-{post.pk}"
    shown = BeautifulSoup(client.get(reading_url).content, "html.parser").select_one(f"#c-{post.pk}")
    assert "Second thoughts" in shown.select_one(".post__body").get_text()
    assert not shown.select_one(".post__edited").has_attr("hidden")
