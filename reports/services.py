"""Writes for the reports' own facts: a trainee's gender and professional role.

Both are asked when a trainee enrols (code, application, invitation) and may be changed
later by the trainee; nobody else writes them but programme staff in the Django admin.
Each is a required choice, and "prefers not to say" is always one of the choices.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Enrolment
from lms.errors import ServiceError

from .models import ParticipantProfile


def check_profile_answers(*, gender: str, professional_role: str) -> None:
    """Refuse a missing or unknown answer, naming which one (the form says the same per field)."""
    if gender not in ParticipantProfile.Gender.values:
        raise ServiceError("gender_required", _("Choose a gender, or “Prefer not to say”."))
    if professional_role not in ParticipantProfile.ProfessionalRole.values:
        raise ServiceError(
            "professional_role_required", _("Choose your professional role, or “Prefer not to say”.")
        )


def participant_profile_record(
    *, enrolment: Enrolment, gender: str, professional_role: str
) -> ParticipantProfile:
    """Set the answers for one enrolment (created or replaced): called inside the enrolment's transaction."""
    check_profile_answers(gender=gender, professional_role=professional_role)
    profile, _created = ParticipantProfile.objects.get_or_create(enrolment=enrolment)
    profile.gender = gender
    profile.professional_role = professional_role
    try:
        profile.full_clean()
    except ValidationError as error:  # the choices were checked above; this is a guard
        raise ServiceError("invalid", " ".join(error.messages)) from error
    profile.save()
    return profile


@transaction.atomic
def participant_profile_update_mine(*, user: User, gender: str, professional_role: str) -> int:
    """The trainee corrects their answers: every one of their trainee enrolments takes them.

    The answers describe the person, so a correction should reach every cohort's figures,
    not only the latest. Returns how many enrolments now carry them.
    """
    check_profile_answers(gender=gender, professional_role=professional_role)
    enrolments = list(Enrolment.objects.filter(user=user, role=Enrolment.Role.TRAINEE))
    for enrolment in enrolments:
        participant_profile_record(enrolment=enrolment, gender=gender, professional_role=professional_role)
    return len(enrolments)
