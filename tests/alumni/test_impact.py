"""The impact follow-up: three and six months after a cohort ends its alumni are invited once per
wave, and answer once per wave (alumni.ImpactResponse, read by the results reports)."""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine

from django.core import mail
from django.core.management import call_command

from alumni import selectors, services
from alumni.models import ImpactInvitation, ImpactResponse
from courses.models import Enrolment
from lms.errors import PermissionDenied, ServiceError

pytestmark = pytest.mark.django_db

ANSWERS = {
    "applied_in_case": "yes",
    "applied_in_request": "no",
    "applied_in_draft_law": "yes",
    "comments": "A bail case.",
}


def travel(cohort, months: int, days: int = 1):
    moment = selectors.add_months(cohort.ends_at, months) + dt.timedelta(days=days)
    return time_machine.travel(moment, tick=False)


def test_invitations_go_out_once_per_wave_to_alumni_only(
    home, ended_cohort, alumnus, alumnus2, participant, tutor, django_capture_on_commit_callbacks
):
    alumnus.preferred_language = "fr"
    alumnus.save(update_fields=["preferred_language"])
    services.member_remove(actor=tutor, user=alumnus2, reason="Left")  # removed: not invited
    with django_capture_on_commit_callbacks(execute=True):
        assert services.impact_invitations_send() == 0  # ended ten days ago: too early
    with travel(ended_cohort, 3), django_capture_on_commit_callbacks(execute=True):
        call_command("send_impact_invitations")
        assert services.impact_invitations_send() == 0  # a second run sends nothing more
    (message,) = mail.outbox
    assert message.to == [alumnus.email]
    enrolment = Enrolment.objects.get(user=alumnus, cohort=ended_cohort)
    assert f"/fr/alumni/impact/{enrolment.pk}/3/" in message.body
    assert message.extra_headers["Content-Language"] == "fr"
    with travel(ended_cohort, 6), django_capture_on_commit_callbacks(execute=True):
        assert services.impact_invitations_send() == 1
    assert set(ImpactInvitation.objects.values_list("wave", flat=True)) == {3, 6}
    with travel(ended_cohort, 9, days=2), django_capture_on_commit_callbacks(execute=True):
        assert services.impact_invitations_send() == 0  # both waves closed


def test_the_tutors_choice_brings_participants_into_the_survey(ended_cohort, participant, tutor):
    services.cohort_alumni_setting_set(actor=tutor, cohort=ended_cohort, include_all_participants=True)
    with travel(ended_cohort, 3):
        assert services.impact_invitations_send() == 1


def test_one_response_per_alumnus_and_wave(client, home, ended_cohort, alumnus, alumnus2):
    enrolment = Enrolment.objects.get(user=alumnus, cohort=ended_cohort)
    url = f"/en/alumni/impact/{enrolment.pk}/3/"
    client.force_login(alumnus)
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN  # not open yet
    with travel(ended_cohort, 3):
        client.force_login(alumnus)
        assert url.encode() in client.get("/en/alumni/").content  # the home page points to it
        assert client.get(url).status_code == HTTPStatus.OK
        assert client.post(url, ANSWERS).status_code == HTTPStatus.FOUND
        response = ImpactResponse.objects.get()
        assert (
            response.wave,
            response.applied_in_case,
            response.applied_in_request,
            response.applied_in_draft_law,
        ) == (
            3,
            True,
            False,
            True,
        )
        assert response.comments == "A bail case."
        client.post(url, {**ANSWERS, "applied_in_case": "no"})
        assert ImpactResponse.objects.count() == 1
        assert b"You have answered this survey" in client.get(url).content
        with pytest.raises(ServiceError):
            services.impact_response_submit(
                user=alumnus,
                enrolment=enrolment,
                wave=3,
                applied_in_case=False,
                applied_in_request=False,
                applied_in_draft_law=False,
            )
        # Someone else's survey is not found; their own wave 6 is not open yet.
        client.force_login(alumnus2)
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND
        with pytest.raises(PermissionDenied):
            services.impact_response_submit(
                user=alumnus,
                enrolment=enrolment,
                wave=6,
                applied_in_case=True,
                applied_in_request=True,
                applied_in_draft_law=True,
            )
    with travel(ended_cohort, 6):
        services.impact_response_submit(
            user=alumnus,
            enrolment=enrolment,
            wave=6,
            applied_in_case=True,
            applied_in_request=True,
            applied_in_draft_law=False,
        )
    assert sorted(ImpactResponse.objects.values_list("wave", flat=True)) == [3, 6]


def test_missing_answers_keep_the_form(client, home, ended_cohort, alumnus):
    enrolment = Enrolment.objects.get(user=alumnus, cohort=ended_cohort)
    with travel(ended_cohort, 3):
        client.force_login(alumnus)
        response = client.post(f"/en/alumni/impact/{enrolment.pk}/3/", {"comments": "Only a comment"})
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert b"Only a comment" in response.content
        assert not ImpactResponse.objects.exists()
