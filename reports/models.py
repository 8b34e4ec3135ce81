"""What the results reports need that the enrolment does not record.

Gender and professional role are asked of trainees when they enrol (both required,
"prefer not to say" allowed; `reports/services.py`) and live here so that `courses`
stays as it is. Records from before the question show as "Not given". Individual
answers are only ever shown to the trainee who gave them; the reports show counts.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ParticipantProfileQuerySet(models.QuerySet):
    def latest_for(self, user) -> "ParticipantProfile | None":
        """The person's most recent answers (to pre-fill the next enrolment and the edit page)."""
        return (
            self.filter(enrolment__user=user)
            .exclude(gender="")
            .order_by("-enrolment__created_at", "-pk")
            .first()
        )


class ParticipantProfile(models.Model):
    """Optional facts about a trainee's place in a cohort, counted in the results reports.

    The model also carries the `reports.view_all_results` permission: holders are
    programme managers and see the results of every cohort (see `reports/policies.py`).
    """

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        ANOTHER = "another", _("Another gender")
        UNDISCLOSED = "undisclosed", _("Prefers not to say")

    class ProfessionalRole(models.TextChoices):
        JUDGE = "judge", _("Judge or magistrate")
        PROSECUTOR = "prosecutor", _("Prosecutor")
        INVESTIGATOR = "investigator", _("Investigator or police officer")
        DEFENCE = "defence", _("Defence lawyer")
        PRISON = "prison", _("Prison officer")
        CENTRAL_AUTHORITY = "central_authority", _("Central authority or ministry official")
        TRAINER = "trainer", _("Trainer")
        OTHER = "other", _("Other")
        UNDISCLOSED = "undisclosed", _("Prefers not to say")

    enrolment = models.OneToOneField(
        "courses.Enrolment", on_delete=models.CASCADE, related_name="report_profile"
    )
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    professional_role = models.CharField(
        _("professional role"), max_length=20, choices=ProfessionalRole.choices, blank=True
    )

    objects = ParticipantProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant profile")
        permissions = [("view_all_results", "Can see the results of every cohort (programme manager)")]

    def __str__(self) -> str:
        return f"Profile of enrolment {self.enrolment_id}"
