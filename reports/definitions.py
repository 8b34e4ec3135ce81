"""What the results figures count: the one place the words are defined.

Selectors build their filters from these objects, and the dashboard prints
`DEFINITIONS` (whose text is made from the same constants), so the page and the
code cannot drift apart.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from courses.models import Cohort, Enrolment
from forums.models import Post

# Trainees only: tutors and observers are never counted.
COUNTED_ROLE = Enrolment.Role.TRAINEE
# A trainee who took a place, including those who later withdrew. Applicants, declined
# applicants and people removed by a tutor (usually enrolled by mistake) are not counted.
ENROLLED_STATUSES = (Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED, Enrolment.Status.WITHDRAWN)
COMPLETED_STATUS = Enrolment.Status.COMPLETED
# Posts that count as activity: everything written except what its author or a moderator deleted.
UNCOUNTED_POST_STATUSES = (Post.Status.DELETED,)
DAYS_PER_COURSE_WEEK = 7


def enrolled_q(prefix: str = "") -> Q:
    """Enrolments that count as "enrolled" (prefix: the path to the enrolment, e.g. "enrolment__")."""
    return Q(**{f"{prefix}role": COUNTED_ROLE, f"{prefix}status__in": ENROLLED_STATUSES})


def completed_q(prefix: str = "") -> Q:
    """Enrolments that count as "completed"; the person behind one counts as "trained"."""
    return Q(**{f"{prefix}role": COUNTED_ROLE, f"{prefix}status": COMPLETED_STATUS})


def counted_post_q(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}status__in": UNCOUNTED_POST_STATUSES})


def cohort_has_ended(cohort: Cohort, now: datetime | None = None) -> bool:
    """Completion rates are final only once a cohort has ended."""
    return cohort.ends_at <= (now or timezone.now())


def ended_cohort_q(prefix: str = "", now: datetime | None = None) -> Q:
    return Q(**{f"{prefix}ends_at__lte": now or timezone.now()})


def completion_rate(completed: int, enrolled: int) -> float | None:
    """Completed ÷ enrolled, as a percentage; None when nobody enrolled."""
    return round(100 * completed / enrolled, 1) if enrolled else None


def _labels(statuses: tuple[str, ...]) -> str:
    return ", ".join(str(Enrolment.Status(s).label).lower() for s in statuses)


_status_list = lazy(_labels, str)


@dataclass(frozen=True)
class Definition:
    key: str
    term: str
    text: str


DEFINITIONS = [
    Definition(
        "enrolled",
        _("Enrolled"),
        format_lazy(
            _(
                "A trainee who took a place in a cohort: status {statuses}. Applicants, declined "
                "applicants, people removed by a tutor, tutors and observers are not counted. "
                "A person in two cohorts counts twice."
            ),
            statuses=_status_list(ENROLLED_STATUSES),
        ),
    ),
    Definition(
        "completed",
        _("Completed"),
        _(
            "An enrolment whose status is completed: the trainee met the course's completion rule "
            "(every reading read and the required posts), or a tutor recorded a completion with a "
            "reason, and a certificate was issued."
        ),
    ),
    Definition(
        "trained",
        _("Officials trained"),
        _(
            "Different people with at least one completed enrolment. A person who completed two "
            "courses is one official trained and two completions."
        ),
    ),
    Definition(
        "completion_rate",
        _("Completion rate"),
        _(
            "Completed ÷ enrolled. The headline rate counts only cohorts that have ended, so running "
            "cohorts do not pull it down; per cohort it is shown for every cohort, marked while the "
            "cohort is still running."
        ),
    ),
    Definition(
        "active",
        _("Active"),
        format_lazy(
            _(
                "An enrolled trainee who, in a given course week, marked at least one reading read or "
                "wrote at least one post (room or passage comment; deleted posts do not count). Course "
                "week n runs from the cohort's start plus {days}·(n−1) days; posts written before the "
                "start count in week 1 and after the end in the last week, as on the tutor's roster."
            ),
            days=DAYS_PER_COURSE_WEEK,
        ),
    ),
    Definition(
        "period",
        _("Period"),
        _(
            "A cohort belongs to the period (and the quarter) in which it started; every figure about "
            "a cohort's trainees, readings, posts and feedback follows the cohort."
        ),
    ),
    Definition(
        "country",
        _("Country, region, agency"),
        _(
            "As the trainee gave them when enrolling in that cohort. Regions are the United Nations "
            "geoscheme (M49). Gender and professional role are counted where the trainee gave them."
        ),
    ),
]
