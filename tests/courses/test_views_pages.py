"""The trainee's pages: dashboard, weeks, the cohort reading view and marking a reading read."""

from http import HTTPStatus

import pytest

from courses.factories import (
    CohortFactory,
    EnrolmentFactory,
    InstitutionFactory,
    ReadingProgressFactory,
    UserFactory,
    start_for_week,
)
from courses.models import ReadingProgress

pytestmark = pytest.mark.django_db


def test_dashboard_shows_this_week_progress_locked_weeks_and_the_room(client, cohort, trainee, readings):
    ReadingProgressFactory(enrolment=trainee.enrolments.get(), reading=readings[0][0], week=1)
    client.force_login(trainee)
    response = client.get(f"/en/cohorts/{cohort.slug}/")
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert "This week: week 2, Week 2 topic" in text
    for page in readings[1]:
        assert f"/en/cohorts/{cohort.slug}/readings/{page.pk}/" in text
    assert "Not read yet" in text
    assert f'href="/en/cohorts/{cohort.slug}/room/"' in text
    # Course progress: 1 of 12 readings → 8 %; week 1: 1 of 2 → 50 %.
    assert 'id="progress-course" max="100" value="8"' in text
    assert 'id="progress-week-1" max="100" value="50"' in text
    assert "1 of 12 readings read" in text
    # Locked weeks: title and opening date, no link.
    week3 = cohort.week_unlocks_at(3)
    assert "Week 3: Week 3 topic" in text
    assert f"Opens on {week3:%b}. {week3.day}, {week3.year}" in text
    assert f"/en/cohorts/{cohort.slug}/weeks/3/" not in text
    assert readings[2][0].title in text  # not linked, but the title is not secret


def test_dashboard_in_arabic_is_right_to_left(client, cohort, trainee):
    client.force_login(trainee)
    response = client.get(f"/ar/cohorts/{cohort.slug}/")
    assert response.status_code == HTTPStatus.OK
    assert 'dir="rtl"' in response.text


def test_tutor_sees_every_week_in_advance(client, cohort, tutor, readings):
    client.force_login(tutor)
    response = client.get(f"/en/cohorts/{cohort.slug}/")
    assert f"/en/cohorts/{cohort.slug}/weeks/6/" in response.text
    assert "Roster" in response.text and "Applications" in response.text
    week6 = client.get(f"/en/cohorts/{cohort.slug}/weeks/6/")
    assert week6.status_code == HTTPStatus.OK
    assert "Not yet open to trainees." in week6.text
    reading = client.get(f"/en/cohorts/{cohort.slug}/readings/{readings[5][0].pk}/")
    assert reading.status_code == HTTPStatus.OK and "Passage 1" in reading.text
    assert "Mark as read" not in reading.text


def test_locked_week_page_names_the_date_and_lists_titles_only(client, cohort, trainee, readings):
    client.force_login(trainee)
    response = client.get(f"/en/cohorts/{cohort.slug}/weeks/4/")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "This week opens on" in response.text and "(UTC time)" in response.text
    assert readings[3][0].title in response.text
    assert f"/readings/{readings[3][0].pk}/" not in response.text


def test_locked_reading_leaks_no_text(client, cohort, trainee, readings):
    client.force_login(trainee)
    response = client.get(f"/en/cohorts/{cohort.slug}/readings/{readings[2][1].pk}/")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert readings[2][1].title in response.text
    assert "which opens on" in response.text
    assert "Passage" not in response.text and "An introduction." not in response.text


def test_reading_renders_passages_with_their_anchors_and_a_form_that_needs_no_javascript(
    client, cohort, trainee, readings
):
    page = readings[1][0]
    url = f"/en/cohorts/{cohort.slug}/readings/{page.pk}/"
    client.force_login(trainee)
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    for block in page.body:
        assert f'id="p-{block.id}"' in response.text
    assert f'action="/en/cohorts/{cohort.slug}/readings/{page.pk}/done/"' in response.text
    assert "courses/reading-progress.js" in response.text

    done = client.post(f"{url}done/", {"next": url})
    assert done.status_code == HTTPStatus.FOUND and done["Location"] == url
    assert ReadingProgress.objects.get(reading=page).week == 2
    again = client.get(url)
    assert "You have marked this reading as read." in again.text
    assert "courses/reading-progress.js" not in again.text
    board = client.get(f"/en/cohorts/{cohort.slug}/")
    assert 'id="progress-this-week" max="100" value="50"' in board.text


def test_marking_read_answers_json_for_the_script(client, cohort, trainee, readings):
    client.force_login(trainee)
    response = client.post(
        f"/en/cohorts/{cohort.slug}/readings/{readings[0][1].pk}/done/", HTTP_ACCEPT="application/json"
    )
    assert response.json() == {
        "done": True,
        "reading": readings[0][1].pk,
        "week": 1,
        "week_done": 1,
        "week_total": 2,
        "course_done": 1,
        "course_total": 12,
    }


def test_marking_a_locked_reading_is_refused(client, cohort, trainee, readings):
    client.force_login(trainee)
    url = f"/en/cohorts/{cohort.slug}/readings/{readings[4][0].pk}/done/"
    response = client.post(url, HTTP_ACCEPT="application/json")
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["error"] == "locked"
    assert not ReadingProgress.objects.exists()


def test_the_next_parameter_cannot_redirect_off_site(client, cohort, trainee, readings):
    client.force_login(trainee)
    page = readings[0][0]
    response = client.post(
        f"/en/cohorts/{cohort.slug}/readings/{page.pk}/done/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == f"/en/cohorts/{cohort.slug}/readings/{page.pk}/"


def test_readings_outside_the_syllabus_are_404(client, cohort, trainee, module):
    from modules.factories import make_reading

    stray = make_reading(module, title="Not in this course")
    client.force_login(trainee)
    assert client.get(f"/en/cohorts/{cohort.slug}/readings/{stray.pk}/").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"/en/cohorts/{cohort.slug}/weeks/9/").status_code == HTTPStatus.NOT_FOUND


def test_my_courses_lists_places_applications_and_institution_cohorts(client, cohort, trainee, course):
    upcoming = CohortFactory(course=course, start_date=start_for_week(-1), accepts_applications=True)
    EnrolmentFactory(cohort=upcoming, user=trainee, status="applied", statement="Please")
    owned = CohortFactory(course=course, institution=InstitutionFactory(name="Kenya Judiciary Academy"))
    owned.institution.admins.add(trainee)
    client.force_login(trainee)
    response = client.get("/en/cohorts/")
    assert f'href="/en/cohorts/{cohort.slug}/"' in response.text
    assert upcoming.title in response.text and "waiting for a decision" in response.text
    assert f'href="/en/cohorts/{upcoming.slug}/"' not in response.text
    assert owned.title in response.text and "Your institution runs this cohort." in response.text
    nav = client.get("/en/")
    assert 'href="/en/cohorts/"' in nav.text  # "My courses" in the header


def test_staff_see_every_current_cohort(client, cohort):
    client.force_login(UserFactory(is_superuser=True))
    response = client.get("/en/cohorts/")
    assert "All current and upcoming cohorts" in response.text and cohort.title in response.text
