"""Pseudonymous display names.

A person may choose a pseudonym (one, for every cohort). It is shown instead of their
name wherever a cohort allows pseudonyms (`Cohort.pseudonyms_allowed`). The cohort's
tutors (and staff and the owning institution's admins, who hold tutor powers there) see
the real name beside it; the person themselves sees their pseudonym, as the others do.
Outside such cohorts, or with no pseudonym set, the ordinary public name shows.
"""

from django.utils.translation import gettext as _

from courses.models import Cohort
from courses.policies import cohort_access

from . import policies
from .models import User
from .policies import ANYONE


def former_participant() -> str:
    return _("Former participant")


def real_name(user: User) -> str:
    return user.display_name or user.get_full_name() or user.email.split("@", 1)[0]


def display_name_for(
    viewer: ANYONE,
    user: User | None,
    cohort: Cohort | None,
    *,
    viewer_is_tutor: bool | None = None,
) -> str:
    """The name `viewer` sees for `user` in `cohort` (None: outside any cohort).

    Pass `viewer_is_tutor` when listing many people (e.g. `SpaceAccess.can_moderate` or
    `CohortAccess.is_tutor`, computed once per page): then this makes no query at all.
    Without it, the viewer's access to the cohort is read (two queries) when a pseudonym
    is in play.
    """
    if user is None:  # the account was deleted; its posts stay
        return former_participant()
    pseudonym = user.pseudonym.strip()
    if cohort is None or not cohort.pseudonyms_allowed or not pseudonym:
        return user.public_name
    if viewer_is_tutor is None:
        viewer_is_tutor = cohort_access(viewer, cohort).is_tutor
    if policies.can_see_real_name(viewer_is_tutor=viewer_is_tutor):
        return _("%(pseudonym)s (%(name)s)") % {"pseudonym": pseudonym, "name": real_name(user)}
    return pseudonym
