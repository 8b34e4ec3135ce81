"""Cached passage discussions (forums.fragments): every reader sees what is true now, in the
version meant for them, with their own form tokens."""

from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from django.test import Client

from courses.models import CourseWeek
from forums import services
from forums.models import Post
from modules.factories import CurriculumIndexPageFactory, ModulePageFactory, make_reading

pytestmark = pytest.mark.django_db


@pytest.fixture
def reading(home, cohort):
    curriculum = CurriculumIndexPageFactory(parent=home)
    module = ModulePageFactory(parent=curriculum)
    page = make_reading(module, title="Extradition", passages=3)
    week = CourseWeek.objects.get(course=cohort.course, sort_order=0)
    week.readings = [{"type": "reading", "value": page.pk}]
    week.save()
    return page


@pytest.fixture
def comment(space, reading, trainee2):
    return services.passage_post_create(
        user=trainee2, space=space, reading=reading, block_id=reading.body[0].id, body="First thoughts"
    )


def signed_in(person, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(person)
    return client


def passage(client, cohort, reading) -> BeautifulSoup:
    response = client.get(f"/en/cohorts/{cohort.slug}/readings/{reading.pk}/")
    assert response.status_code == HTTPStatus.OK
    return BeautifulSoup(response.content, "html.parser").select_one(f"#d-{reading.body[0].id}")


def test_changes_to_a_comment_reach_the_next_reader(
    cohort, space, reading, comment, trainee, trainee2, tutor
):
    reader = signed_in(trainee)
    assert "First thoughts" in passage(reader, cohort, reading).get_text()  # now cached
    services.post_edit(user=trainee2, post=comment, body="Second thoughts")
    assert "Second thoughts" in passage(reader, cohort, reading).get_text()
    trainee2.display_name = "Renamed Author"
    trainee2.save()
    assert "Renamed Author" in passage(reader, cohort, reading).select_one(".post__author").get_text()
    services.post_hide(actor=tutor, post=Post.objects.get(pk=comment.pk), reason="Off topic")
    shown = passage(reader, cohort, reading)
    assert "Second thoughts" not in shown.get_text()
    assert shown.select_one(".discuss__count").get_text() == "0"


def test_tutors_and_members_each_get_their_own_version(cohort, space, reading, comment, trainee, tutor):
    member_view = passage(signed_in(trainee), cohort, reading)
    tutor_view = passage(signed_in(tutor), cohort, reading)
    assert member_view.select("[data-ws-action='hide'], [data-ws-action='notable']") == []
    assert tutor_view.select_one(".post__tools form[data-ws-action='hide']") is not None
    again = passage(signed_in(trainee), cohort, reading)
    assert again.select("[data-ws-action='hide'], [data-ws-action='notable']") == []


def test_the_author_and_another_member_share_one_version_and_the_page_carries_the_own_tools_once(
    cohort, space, reading, comment, trainee, trainee2
):
    """Edit and Delete are cloned by the page's script onto the viewer's own comments from
    one <template> (docs/realtime.md), so the author's copy of the discussion is the other
    members' copy and a page of 200 comments does not carry 200 copies of the tools."""
    author = signed_in(trainee2)
    author_view = passage(author, cohort, reading)
    member_view = passage(signed_in(trainee), cohort, reading)
    for view in (author_view, member_view):
        assert view.select_one(f"#c-{comment.pk} .tool--own") is None
        assert view.select_one(f"#c-{comment.pk}")["data-author-id"] == str(trainee2.pk)
    for view in (author_view, member_view):
        for token in view.select("input[name=csrfmiddlewaretoken], input[name=client_id]"):
            token.decompose()
    assert str(author_view) == str(member_view)
    page = author.get(f"/en/cohorts/{cohort.slug}/readings/{reading.pk}/").content.decode()
    assert f'data-user="{trainee2.pk}"' in page
    soup = BeautifulSoup(page, "html.parser")
    templates = soup.select("template#own-tools-template")
    assert len(templates) == 1
    tools = BeautifulSoup(templates[0].decode_contents(), "html.parser")
    assert tools.select_one("[data-edit-post]")["href"] == f"/en/cohorts/{cohort.slug}/room/posts/0/edit/"


def test_a_held_comment_shows_only_to_its_author(cohort, space, reading, trainee, trainee2):
    space.premoderated = True
    space.save()
    services.passage_post_create(
        user=trainee2, space=space, reading=reading, block_id=reading.body[0].id, body="Awaiting approval"
    )
    assert "Awaiting approval" in passage(signed_in(trainee2), cohort, reading).get_text()
    assert "Awaiting approval" not in passage(signed_in(trainee), cohort, reading).get_text()


def test_forms_in_a_cached_passage_carry_the_readers_own_tokens(cohort, space, reading, comment, tutor):
    first = signed_in(tutor, enforce_csrf_checks=True)
    passage(first, cohort, reading)  # rendered and cached with another session's tokens
    tutor_client = signed_in(tutor, enforce_csrf_checks=True)
    cached = passage(tutor_client, cohort, reading)
    client_ids = {
        passage(first, cohort, reading).select_one("input[name=client_id]")["value"],
        cached.select_one("input[name=client_id]")["value"],
    }
    assert len(client_ids) == 2  # one per page load, as when nothing was cached
    hide = cached.select_one(".post__tools form[data-ws-action='hide']")
    token = hide.select_one("input[name=csrfmiddlewaretoken]")["value"]
    response = tutor_client.post(hide["action"], {"csrfmiddlewaretoken": token, "reason": "Spam"})
    assert response.status_code == HTTPStatus.FOUND
    assert Post.objects.get(pk=comment.pk).status == Post.Status.HIDDEN
