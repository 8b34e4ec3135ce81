"""The completion rule, the tutor's override (audited), certificates and the feedback survey."""

from datetime import timedelta
from http import HTTPStatus

import pytest

from django.utils import translation

from courses import selectors, services
from courses.factories import CohortFactory, EnrolmentFactory, ReadingProgressFactory, start_for_week
from courses.models import Certificate, CourseAuditEntry, Enrolment, FeedbackResponse
from lms.errors import PermissionDenied, ServiceError

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_week_cohort(course):
    return CohortFactory(course=course, start_date=start_for_week(6))


@pytest.fixture
def graduate(last_week_cohort):
    return EnrolmentFactory(cohort=last_week_cohort)


def read_everything(enrolment, readings):
    for number, week in enumerate(readings, start=1):
        for page in week:
            ReadingProgressFactory(enrolment=enrolment, reading=page, week=number)


def post_in(posts, enrolment, weeks):
    cohort = enrolment.cohort
    for week in weeks:
        day = cohort.start_date + timedelta(days=7 * (week - 1) + 1)
        posts[(enrolment.user_id, day)] = posts.get((enrolment.user_id, day), 0) + 1


def test_rule_needs_every_reading_and_enough_posts_in_enough_weeks(graduate, readings, course, posts):
    course.min_posts, course.min_post_weeks = 3, 2
    course.save()
    graduate.cohort.course = course
    status = selectors.completion_status(graduate)
    assert (status.readings_done, status.readings_total, status.met) == (0, 12, False)

    read_everything(graduate, readings)
    post_in(posts, graduate, [1, 1, 1])
    status = selectors.completion_status(graduate)
    assert status.readings_ok and status.posts_ok and not status.weeks_ok and not status.met

    post_in(posts, graduate, [4])
    assert selectors.completion_status(graduate).met


def test_trainee_completes_by_the_rule_and_gets_a_certificate(graduate, readings, client):
    with pytest.raises(ServiceError, match="not met"):
        services.enrolment_complete_self(user=graduate.user, cohort=graduate.cohort)
    read_everything(graduate, readings)
    client.force_login(graduate.user)
    dashboard = client.get(f"/en/cohorts/{graduate.cohort.slug}/")
    assert "Complete the course and get my certificate" in dashboard.text
    response = client.post(f"/en/cohorts/{graduate.cohort.slug}/complete/", follow=True)
    assert "you have completed the course" in response.text
    graduate.refresh_from_db()
    assert graduate.status == Enrolment.Status.COMPLETED and graduate.completed_at
    assert graduate.certificate.code in response.text
    # No override was used, so nothing to audit.
    assert not CourseAuditEntry.objects.exists()


def test_trainees_cannot_complete_before_the_last_week(cohort, trainee_enrolment, readings):
    read_everything(trainee_enrolment, readings)
    with pytest.raises(PermissionDenied):
        services.enrolment_complete_self(user=trainee_enrolment.user, cohort=cohort)


def test_tutor_override_needs_a_reason_and_is_audited(cohort, tutor, trainee_enrolment):
    with pytest.raises(ServiceError) as error:
        services.enrolment_complete(actor=tutor, enrolment=trainee_enrolment, reason="  ")
    assert error.value.code == "reason_required"
    services.enrolment_complete(
        actor=tutor, enrolment=trainee_enrolment, reason="Read everything offline during a field mission."
    )
    trainee_enrolment.refresh_from_db()
    assert trainee_enrolment.status == Enrolment.Status.COMPLETED
    assert trainee_enrolment.completion_override_reason == "Read everything offline during a field mission."
    entry = CourseAuditEntry.objects.get()
    assert (entry.actor, entry.enrolment, entry.action, entry.cohort) == (
        tutor,
        trainee_enrolment,
        "complete_override",
        cohort,
    )
    assert "field mission" in entry.reason
    assert Certificate.objects.filter(enrolment=trainee_enrolment).exists()
    # Completing again changes nothing.
    services.enrolment_complete(actor=tutor, enrolment=trainee_enrolment, reason="again")
    assert CourseAuditEntry.objects.count() == 1


def test_override_through_the_completion_page(cohort, tutor, trainee_enrolment, client):
    client.force_login(tutor)
    url = f"/en/cohorts/{cohort.slug}/roster/{trainee_enrolment.pk}/completion/"
    page = client.get(url)
    assert "The rule is not met" in page.text
    response = client.post(url, {"reason": ""})
    assert response.status_code == HTTPStatus.OK
    assert "Give a reason for overriding the completion rule." in response.text
    response = client.post(url, {"reason": "Attended the in-person workshop instead."})
    assert response["Location"] == f"/en/cohorts/{cohort.slug}/roster/"
    assert CourseAuditEntry.objects.get().reason == "Attended the in-person workshop instead."


def test_only_tutors_override_and_only_trainees_complete(cohort, trainee_enrolment, tutor):
    other = EnrolmentFactory(cohort=cohort)
    with pytest.raises(PermissionDenied):
        services.enrolment_complete(actor=other.user, enrolment=trainee_enrolment, reason="friend")
    tutor_enrolment = Enrolment.objects.get(user=tutor)
    with pytest.raises(ServiceError, match="Only trainees"):
        services.enrolment_complete(actor=tutor, enrolment=tutor_enrolment, reason="x")


def test_roster_shows_completion_and_who_is_behind(cohort, tutor, trainee_enrolment, readings, client, posts):
    ahead = EnrolmentFactory(cohort=cohort)
    for page in readings[0]:
        ReadingProgressFactory(enrolment=ahead, reading=page, week=1)
    post_in(posts, ahead, [1])
    roster = selectors.roster(cohort)
    rows = {row.enrolment.pk: row for row in roster.rows}
    assert rows[trainee_enrolment.pk].unread_weeks == [1] and rows[trainee_enrolment.pk].silent
    assert not rows[ahead.pk].behind
    assert rows[ahead.pk].cells[0].readings_done == 2 and rows[ahead.pk].cells[0].posts == 1
    assert roster.behind_count == 1

    client.force_login(tutor)
    page = client.get(f"/en/cohorts/{cohort.slug}/roster/")
    assert "Falling behind:" in page.text and "unread in week 1" in page.text
    assert "2/2 read" in page.text and "1 post" in page.text
    assert 'scope="col"' in page.text and 'scope="row"' in page.text


def test_nudge_sends_an_email_and_is_logged(
    cohort, tutor, trainee_enrolment, client, django_capture_on_commit_callbacks
):
    from django.core import mail

    client.force_login(tutor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/cohorts/{cohort.slug}/roster/{trainee_enrolment.pk}/nudge/")
    assert response.status_code == HTTPStatus.FOUND
    assert mail.outbox[0].to == [trainee_enrolment.user.email]
    assert "Leila Benali, your tutor" in mail.outbox[0].body
    assert CourseAuditEntry.objects.get().action == "nudge"


# ---- Certificates -----------------------------------------------------------------------------


@pytest.fixture
def certificate(cohort, trainee_enrolment, tutor):
    services.enrolment_complete(actor=tutor, enrolment=trainee_enrolment, reason="Demo")
    return Certificate.objects.get(enrolment=trainee_enrolment)


def test_certificate_pdf_for_its_owner_and_the_cohort_tutors_only(
    certificate, trainee, tutor, client, course
):
    url = f"/en/certificates/{certificate.code}/"
    for person in (trainee, tutor):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert certificate.code in response["Content-Disposition"]
    other_cohort = CohortFactory(course=course)
    for outsider in (
        EnrolmentFactory(cohort=certificate.enrolment.cohort).user,
        EnrolmentFactory(cohort=other_cohort, role=Enrolment.Role.TUTOR).user,
    ):
        client.force_login(outsider)
        assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    client.logout()
    assert client.get(url).status_code == HTTPStatus.FOUND
    client.force_login(trainee)
    assert client.get("/en/certificates/NOPE-NOPE-NOPE/").status_code == HTTPStatus.NOT_FOUND


def test_certificate_pdf_renders_names_outside_latin_1(certificate):
    from courses.certificates import render_certificate_pdf

    user = certificate.enrolment.user
    user.display_name = "Ирина Волкова"
    user.save()
    pdf = render_certificate_pdf(certificate, verify_url="https://legis.example/verify/X/", language="ru")
    assert pdf.startswith(b"%PDF")
    assert render_certificate_pdf(certificate, verify_url="https://x/", language="ar").startswith(b"%PDF")


def test_a_certificate_asked_for_in_arabic_is_printed_in_arabic(certificate):
    """Letters joined by HarfBuzz, lines laid out right to left (fpdf2's text shaping):
    the certificate no longer falls back to English for Arabic."""
    import re
    import zlib

    from courses.certificates import render_certificate_pdf

    user = certificate.enrolment.user
    user.display_name = "ليلى بنعلي"
    user.save()
    pdf = render_certificate_pdf(certificate, verify_url="https://legis.example/verify/X/", language="ar")
    with translation.override("ar"):
        title = translation.gettext("Certificate of completion")
    assert title != "Certificate of completion"
    # The document's title, in Arabic (a hex string: UTF-16 with its byte-order mark).
    assert b"/Title <feff" + title.encode("utf-16-be").hex().encode() + b">" in pdf
    streams = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            streams.append(zlib.decompressobj().decompress(raw))
        except zlib.error:
            streams.append(raw)
    glyph_maps = b"".join(s for s in streams if b"beginbfchar" in s or b"beginbfrange" in s)
    for letter in "لىبنع":  # the name's letters are in the embedded font, not replaced
        assert f"{ord(letter):04X}".encode() in glyph_maps.upper()


def test_verification_page_confirms_a_code_without_exposing_anything_else(certificate, client):
    enrolment = certificate.enrolment
    response = client.get(f"/en/verify/{certificate.code.lower()}/")
    assert response.status_code == HTTPStatus.OK
    assert "This certificate is valid" in response.text
    assert "Amina Haddad" in response.text
    assert enrolment.cohort.course.title in response.text
    for private in (enrolment.user.email, enrolment.cohort.slug, "JO"):
        assert private not in response.text

    response = client.get("/en/verify/", {"code": certificate.code})
    assert response["Location"] == f"/en/verify/{certificate.code}/"

    response = client.get("/en/verify/ABCD-EFGH-JKLM/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "No certificate matches this code" in response.text

    # A certificate whose holder was later removed no longer verifies.
    enrolment.status = Enrolment.Status.REMOVED
    enrolment.save()
    assert client.get(f"/en/verify/{certificate.code}/").status_code == HTTPStatus.NOT_FOUND


def test_verification_lookups_are_rate_limited(client, db):
    from courses.views import VERIFY_LOOKUPS_PER_IP

    for _ in range(VERIFY_LOOKUPS_PER_IP):
        client.get("/en/verify/ABCD-EFGH-JKLM/")
    response = client.get("/en/verify/ABCD-EFGH-JKLM/")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


# ---- Feedback ---------------------------------------------------------------------------------

ANSWERS = {
    "relevance": "5",
    "impact_prosecuting": "4",
    "impact_cooperating": "5",
    "comments": "The cases were close to my daily work.",
}


def test_feedback_opens_in_the_last_week_and_is_answered_once(graduate, client, cohort, trainee):
    client.force_login(trainee)  # a trainee of a cohort in its second week
    assert client.get(f"/en/cohorts/{cohort.slug}/feedback/").status_code == HTTPStatus.FORBIDDEN

    url = f"/en/cohorts/{graduate.cohort.slug}/feedback/"
    client.force_login(graduate.user)
    form = client.get(url)
    assert form.status_code == HTTPStatus.OK and "<legend" in form.text
    response = client.post(url, ANSWERS)
    assert response["Location"] == f"/en/cohorts/{graduate.cohort.slug}/"
    answer = FeedbackResponse.objects.get(enrolment=graduate)
    assert (answer.relevance, answer.impact_prosecuting, answer.impact_adjudicating) == (5, 4, None)

    again = client.get(url)
    assert "You have already answered this survey" in again.text
    client.post(url, {**ANSWERS, "relevance": "1"})
    assert FeedbackResponse.objects.filter(enrolment=graduate).count() == 1
    with pytest.raises(ServiceError, match="already answered"):
        services.feedback_submit(user=graduate.user, cohort=graduate.cohort, data={"relevance": 3})


def test_feedback_requires_relevance(graduate, client):
    client.force_login(graduate.user)
    response = client.post(f"/en/cohorts/{graduate.cohort.slug}/feedback/", {"comments": "hi"})
    assert response.status_code == HTTPStatus.OK
    assert not FeedbackResponse.objects.exists()
