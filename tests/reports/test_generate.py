"""The results data generator: sizes, what it creates, and that a re-run replaces its set."""

import pytest

from django.core.management import call_command

from courses.factories import CohortFactory, make_course
from courses.models import Certificate, Cohort, Enrolment, FeedbackResponse, ReadingProgress
from forums.models import Post
from reports.models import ParticipantProfile

pytestmark = pytest.mark.django_db


def test_generates_cohorts_of_trainees_with_their_activity(module, capsys):
    make_course(module, weeks=6, readings_per_week=2)
    kept = CohortFactory(title="A real cohort")
    call_command("generate_results_data", cohorts=4, trainees=5, seed=3)
    generated = Cohort.objects.filter(slug__startswith="gen-")
    assert generated.count() == 4
    trainees = Enrolment.objects.filter(cohort__in=generated, role=Enrolment.Role.TRAINEE)
    assert trainees.count() == 20
    assert Enrolment.objects.filter(cohort__in=generated, role=Enrolment.Role.TUTOR).count() == 8
    assert ReadingProgress.objects.filter(enrolment__in=trainees).exists()
    assert Post.objects.filter(space__cohort__in=generated).exists()
    completed = trainees.filter(status=Enrolment.Status.COMPLETED)
    assert Certificate.objects.filter(enrolment__in=completed).count() == completed.count() > 0
    assert FeedbackResponse.objects.filter(enrolment__in=completed).exists()
    assert ParticipantProfile.objects.filter(enrolment__in=trainees).exists()
    # Posts keep their historical dates (not the moment of generation).
    oldest = Post.objects.filter(space__cohort__in=generated).order_by("created_at").first()
    assert oldest.created_at < generated.order_by("start_date").last().starts_at
    assert "Generated 4 cohorts, 20 trainees" in capsys.readouterr().out

    call_command("generate_results_data", cohorts=2, trainees=3, seed=3)
    assert Cohort.objects.filter(slug__startswith="gen-").count() == 2
    assert Enrolment.objects.filter(cohort__slug__startswith="gen-", role="trainee").count() == 6
    call_command("generate_results_data", clear=True)
    assert not Cohort.objects.filter(slug__startswith="gen-").exists()
    assert Cohort.objects.filter(pk=kept.pk).exists()


def test_without_readings_it_asks_for_the_curriculum(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="load_demo"):
        call_command("generate_results_data", cohorts=1, trainees=1)
