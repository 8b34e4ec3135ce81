"""Passage-anchored discussion on cohort readings: layers, anchors, languages, budgets."""

from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Locale

from courses.models import CourseWeek
from forums import services
from forums.models import Post, SeedQuestion, Thread
from lms.errors import ServiceError
from modules.factories import CurriculumIndexPageFactory, ModulePageFactory, make_reading

from .conftest import enrol, make_cohort, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reading(home):
    curriculum = CurriculumIndexPageFactory(parent=home)
    module = ModulePageFactory(parent=curriculum)
    return make_reading(module, title="Extradition", passages=40)


@pytest.fixture
def course_with_reading(cohort, other_cohort, reading):
    week = CourseWeek.objects.get(course=cohort.course, sort_order=0)
    week.readings = [{"type": "reading", "value": reading.pk}]
    week.save()
    return cohort


def url(cohort, reading) -> str:
    return f"/en/cohorts/{cohort.slug}/readings/{reading.pk}/"


def page_of(client, cohort, reading) -> BeautifulSoup:
    response = client.get(url(cohort, reading))
    assert response.status_code == HTTPStatus.OK
    return BeautifulSoup(response.content, "html.parser")


def test_every_passage_has_a_discuss_control_with_this_cohorts_count(
    client, course_with_reading, space, reading, trainee, trainee2, other_cohort, outsider
):
    third = reading.body[2].id
    services.passage_post_create(
        user=trainee2, space=space, reading=reading, block_id=third, body="On point three"
    )
    other_space = services.cohort_space_ensure(other_cohort)
    week = CourseWeek.objects.get(course=other_cohort.course, sort_order=0)
    assert reading.pk in week.reading_ids  # both cohorts share the course
    services.passage_post_create(
        user=outsider, space=other_space, reading=reading, block_id=third, body="Other layer"
    )
    client.force_login(trainee)
    page = page_of(client, course_with_reading, reading)
    controls = page.select(".passage-discussion > summary")
    assert len(controls) == 40
    counts = {
        d["data-block"]: d.select_one(".discuss__count").get_text()
        for d in page.select(".passage-discussion")
    }
    assert counts[third] == "1"
    assert sum(int(c) for c in counts.values()) == 1  # the other cohort's layer is not counted
    text = page.get_text()
    assert "On point three" in text and "Other layer" not in text


def test_plain_form_comment_lands_on_its_passage(client, course_with_reading, space, reading, trainee):
    block = reading.body[5].id
    client.force_login(trainee)
    response = client.post(
        f"/en/cohorts/{course_with_reading.slug}/readings/{reading.pk}/passages/{block}/comment/",
        {"body": "A plain-form comment", "client_id": "pf1"},
    )
    post = Post.objects.get()
    assert response["Location"].endswith(f"#c-{post.pk}")
    assert post.thread.anchor_block == block and post.thread.kind == Thread.Kind.PASSAGE
    page = page_of(client, course_with_reading, reading)
    assert "A plain-form comment" in page.select_one(f"#d-{block}").get_text()


def test_outsider_cannot_post_in_another_cohorts_layer(client, course_with_reading, space, reading, outsider):
    with pytest.raises(ServiceError) as exc:
        services.passage_post_create(
            user=outsider, space=space, reading=reading, block_id=reading.body[0].id, body="x"
        )
    assert exc.value.code == "forbidden"
    client.force_login(outsider)
    response = client.post(
        f"/en/cohorts/{course_with_reading.slug}/readings/{reading.pk}/passages/{reading.body[0].id}/comment/",
        {"body": "intrude"},
    )
    assert response.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.FORBIDDEN)
    assert not Post.objects.exists()


def test_anonymous_visitors_see_no_comments(client, course_with_reading, space, reading, trainee):
    services.passage_post_create(
        user=trainee, space=space, reading=reading, block_id=reading.body[0].id, body="secret"
    )
    response = client.get(url(course_with_reading, reading))
    assert b"secret" not in response.content
    public = client.get(reading.url)
    assert public.status_code == HTTPStatus.OK and b"secret" not in public.content


def test_unknown_passage_and_locked_week_are_refused(course_with_reading, space, reading, trainee, cohort):
    with pytest.raises(ServiceError) as exc:
        services.passage_post_create(user=trainee, space=space, reading=reading, block_id="nope", body="x")
    assert exc.value.code == "no_passage"
    week = CourseWeek.objects.get(course=cohort.course, sort_order=0)
    later = CourseWeek.objects.get(course=cohort.course, sort_order=5)
    later.readings, week.readings = week.readings.raw_data, []
    later.save()
    week.save()
    with pytest.raises(ServiceError) as exc:
        services.passage_post_create(
            user=trainee, space=space, reading=reading, block_id=reading.body[0].id, body="x"
        )
    assert exc.value.code == "locked"


def test_thread_stays_on_its_block_through_reordering_and_is_kept_when_the_block_goes(
    client, course_with_reading, space, reading, trainee
):
    target = reading.body[3].id
    services.passage_post_create(
        user=trainee, space=space, reading=reading, block_id=target, body="Kept comment"
    )
    raw = list(reading.body.raw_data)
    raw.reverse()
    reading.body = raw
    reading.save_revision().publish()
    client.force_login(trainee)
    page = page_of(client, course_with_reading, reading)
    assert "Kept comment" in page.select_one(f"#d-{target}").get_text()

    reading.body = [b for b in reading.body.raw_data if b["id"] != target]
    reading.save_revision().publish()
    page = page_of(client, course_with_reading, reading)
    removed = page.select_one(".removed-passages")
    assert removed is not None
    assert "Passage 4 of the reading" in removed.select_one("blockquote").get_text()
    assert "Kept comment" in removed.get_text()


def test_comment_on_a_translation_shows_on_the_same_passage_of_the_original(
    client, course_with_reading, space, reading, trainee, trainee2
):
    french_locale, _ = Locale.objects.get_or_create(language_code="fr")
    french = reading.copy_for_translation(french_locale, copy_parents=True, alias=False)
    french.save_revision().publish()
    assert french.body[2].id == reading.body[2].id
    services.passage_post_create(
        user=trainee2,
        space=space,
        reading=french,
        block_id=french.body[2].id,
        body="Commentaire",
        language="fr",
    )
    client.force_login(trainee)
    details = page_of(client, course_with_reading, reading).select_one(f"#d-{reading.body[2].id}")
    assert "Commentaire" in details.get_text()
    assert details.select_one(".badge[lang=fr]").get_text() == "fr"


def test_seed_questions_carry_into_every_cohort_of_the_course(
    client, course_with_reading, space, reading, tutor, trainee, other_cohort, outsider
):
    block = reading.body[1].id
    services.seed_question_create(
        actor=tutor,
        course=course_with_reading.course,
        reading=reading,
        block_id=block,
        body="What would you ask the requested State?",
    )
    with pytest.raises(ServiceError):
        services.seed_question_create(
            actor=trainee, course=course_with_reading.course, reading=reading, block_id=block, body="x"
        )
    assert SeedQuestion.objects.count() == 1
    client.force_login(outsider)  # a trainee of another cohort of the same course
    services.cohort_space_ensure(other_cohort)
    page = page_of(client, other_cohort, reading)
    assert "What would you ask the requested State?" in page.select_one(f"#d-{block}").get_text()


def test_notable_comments_of_ended_cohorts_show_to_later_cohorts_when_the_tutor_allows(
    client, course_with_reading, space, reading, trainee, tutor
):
    import datetime as dt

    from django.utils import timezone

    past = make_cohort("past", start=timezone.localdate() - dt.timedelta(days=100))
    past_space = services.cohort_space_ensure(past)
    alumna = user("alumna@example.org")
    enrol(alumna, past)
    past_tutor = user("pt@example.org")
    enrol(past_tutor, past, "tutor")
    block = reading.body[0].id
    # Posted while the past cohort ran (its rooms are read-only archives now).
    thread = Thread.objects.create(
        space=past_space,
        kind="passage",
        title="x",
        anchor_key=reading.translation_key,
        anchor_block=block,
        anchor_page=reading,
    )
    shared = Post.objects.create(
        thread=thread,
        space=past_space,
        author=alumna,
        body_source="s",
        body_html="<p>Insight worth keeping</p>",
        notable=True,
    )
    Post.objects.create(
        thread=thread,
        space=past_space,
        author=alumna,
        body_source="p",
        body_html="<p>Opted out insight</p>",
        notable=True,
        share_notable=False,
    )
    client.force_login(trainee)
    assert "Insight worth keeping" not in page_of(client, course_with_reading, reading).get_text()
    services.space_configure(actor=tutor, space=space, premoderated=False)
    space.show_past_notable = True
    space.save()
    text = page_of(client, course_with_reading, reading).get_text()
    assert "Insight worth keeping" in text and "Opted out insight" not in text
    assert shared.pk


def _reading_queries(client, cohort, reading) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(cohort, reading)).status_code == HTTPStatus.OK
    return len(queries)


def test_reading_page_query_count_is_flat_in_comments_and_cohort_size(
    client, course_with_reading, space, reading, trainee, cohort
):
    client.force_login(trainee)
    client.get(url(cohort, reading))
    counts = {"0 comments": _reading_queries(client, cohort, reading)}
    blocks = [b.id for b in reading.body]
    posters = [trainee] + [user(f"p{n}@example.org") for n in range(4)]
    for other in posters[1:]:
        enrol(other, cohort)

    def add_comments(total: int) -> None:
        made = Post.objects.count()
        for n in range(made, total):
            author = posters[n % len(posters)]
            thread, _ = Thread.objects.get_or_create(
                space=space,
                anchor_key=reading.translation_key,
                anchor_block=blocks[n % 40],
                defaults={"kind": "passage", "title": "t", "anchor_page": reading},
            )
            Post.objects.create(
                thread=thread, space=space, author=author, body_source="c", body_html=f"<p>c{n}</p>"
            )

    add_comments(10)
    counts["10 comments"] = _reading_queries(client, cohort, reading)
    add_comments(500)
    counts["500 comments, cohort of 5"] = _reading_queries(client, cohort, reading)
    for n in range(150):
        enrol(user(f"big{n}@example.org"), cohort)
    counts["500 comments, cohort of 155"] = _reading_queries(client, cohort, reading)
    assert len(set(counts.values())) == 1, counts


def test_passages_revised_after_an_ended_cohort_are_marked_for_its_members(client, home, reading):
    import datetime as dt

    import time_machine

    from django.utils import timezone

    with time_machine.travel(timezone.now() - dt.timedelta(days=90)):
        past = make_cohort("archive", start=timezone.localdate() - dt.timedelta(days=1))
        week = CourseWeek.objects.get(course=past.course, sort_order=0)
        week.readings = [{"type": "reading", "value": reading.pk}]
        week.save()
        reading.save_revision().publish()  # the text as the cohort read it
    services.cohort_space_ensure(past)
    alumna = user("alumna2@example.org")
    enrol(alumna, past)
    raw = list(reading.body.raw_data)
    raw[4]["value"] = "<p>Passage 5, rewritten after the cohort ended.</p>"
    reading.body = raw
    reading.save_revision().publish()
    client.force_login(alumna)
    page = page_of(client, past, reading)
    marked = [p["id"] for p in page.select(".passage") if p.select_one(".changed-marker")]
    assert marked == [f"p-{reading.body[4].id}"]
