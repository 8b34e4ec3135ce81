"""Named reads for accounts: the powers that make two-factor authentication compulsory,
and a person's own data for download.

`accounts.models` is the bottom layer every app imports; these reads sit on top and look at
`courses`, `forums` and Wagtail's groups, because the questions they answer (what may this
person do? what do we hold about them?) span every app.
"""

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db.models import Exists, OuterRef, Q

from courses.models import Enrolment, Institution
from forums.models import Flag, Post, Reaction, Thread
from modules.editorial import EDITORS, REVIEWERS

from .models import SecurityEvent, User

# A second factor is an authenticator app or a security key; recovery codes alone are not.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
EDITOR_GROUPS = (EDITORS, REVIEWERS)
# Permissions that open the Wagtail admin or give programme-wide powers over cohorts and spaces.
EDITOR_PERMISSIONS = Q(content_type__app_label="wagtailadmin", codename="access_admin")
STAFF_PERMISSIONS = Q(content_type__app_label="courses", codename="manage_any_cohort") | Q(
    content_type__app_label="forums", codename="moderate_any_space"
)


class Power:
    STAFF = "staff"
    TUTOR = "tutor"
    INSTITUTION_ADMIN = "institution_admin"
    EDITOR = "editor"


@dataclass(frozen=True)
class SecurityProfile:
    """What a person may do beyond a trainee's reach, and whether they hold a second factor."""

    powers: frozenset[str]
    has_second_factor: bool

    @property
    def mfa_required(self) -> bool:
        return bool(self.powers)

    @property
    def mfa_missing(self) -> bool:
        return self.mfa_required and not self.has_second_factor


def _holds_permission(perms: Q) -> Exists | Q:
    permissions = Permission.objects.filter(perms)
    via_group = Group.objects.filter(user=OuterRef("pk"), permissions__in=permissions)
    direct = User.user_permissions.through.objects.filter(user_id=OuterRef("pk"), permission__in=permissions)
    return Exists(via_group) | Exists(direct)


def security_profile(user: User | AnonymousUser) -> SecurityProfile:
    """One query, whatever the number of enrolments, groups or institutions."""
    if not user.is_authenticated:
        return SecurityProfile(frozenset(), False)
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            second_factor=Exists(Authenticator.objects.filter(user=OuterRef("pk"), type__in=SECOND_FACTORS)),
            tutor=Exists(
                Enrolment.objects.filter(
                    user=OuterRef("pk"), role=Enrolment.Role.TUTOR, status__in=Enrolment.PARTICIPATING
                )
            ),
            institution_admin=Exists(Institution.admins.through.objects.filter(user_id=OuterRef("pk"))),
            editor_group=Exists(Group.objects.filter(user=OuterRef("pk"), name__in=EDITOR_GROUPS)),
            editor_permission=_holds_permission(EDITOR_PERMISSIONS),
            staff_permission=_holds_permission(STAFF_PERMISSIONS),
        )
        .values(
            "is_staff",
            "is_superuser",
            "second_factor",
            "tutor",
            "institution_admin",
            "editor_group",
            "editor_permission",
            "staff_permission",
        )
        .first()
    )
    if row is None:
        return SecurityProfile(frozenset(), False)
    powers = set()
    if row["is_staff"] or row["is_superuser"] or row["staff_permission"]:
        powers.add(Power.STAFF)
    if row["tutor"]:
        powers.add(Power.TUTOR)
    if row["institution_admin"]:
        powers.add(Power.INSTITUTION_ADMIN)
    if row["editor_group"] or row["editor_permission"]:
        powers.add(Power.EDITOR)
    return SecurityProfile(frozenset(powers), row["second_factor"])


# ---- the person's own data ---------------------------------------------------------------------


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _thread_title(thread: Thread, user: User) -> str:
    """A thread's title is someone's writing: give it only if it is theirs or the platform's."""
    return thread.title if thread.author_id in (None, user.pk) else ""


def user_data(user: User) -> dict[str, Any]:
    """Everything Legis holds that this person wrote or that describes them, and nothing
    written by anyone else. A fixed number of queries, whatever the amount of data."""
    emails = list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary"))
    second_factors = sorted(
        {a.get_type_display() for a in Authenticator.objects.filter(user=user).only("type")}, key=str
    )
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("cohort__course", "certificate", "feedback")
        .prefetch_related("readings_done")
        .order_by("created_at")
    )
    posts = list(
        Post.objects.filter(author=user).select_related("thread", "space").order_by("created_at", "pk")
    )
    threads = list(Thread.objects.filter(author=user).select_related("space").order_by("created_at"))
    reactions = list(Reaction.objects.filter(user=user).values("post_id", "kind"))
    flags = list(Flag.objects.filter(reporter=user).values("post_id", "reason", "created_at"))
    events = list(SecurityEvent.objects.filter(user=user).values("kind", "created_at", "ip"))

    def enrolment_data(e: Enrolment) -> dict[str, Any]:
        certificate = getattr(e, "certificate", None)
        feedback = getattr(e, "feedback", None)
        return {
            "cohort": e.cohort.title,
            "course": e.cohort.course.title,
            "role": e.role,
            "status": e.status,
            "country": e.country,
            "agency_type": e.agency_type,
            "statement": e.statement,
            "enrolled_at": _when(e.created_at),
            "decided_at": _when(e.decided_at),
            "completed_at": _when(e.completed_at),
            "readings_done": [
                {"reading": p.reading_id, "week": p.week, "read_at": _when(p.read_at)}
                for p in sorted(e.readings_done.all(), key=lambda p: p.read_at)
            ],
            "certificate": {"code": certificate.code, "issued_at": _when(certificate.issued_at)}
            if certificate
            else None,
            "feedback": {
                "relevance": feedback.relevance,
                "impact_investigating": feedback.impact_investigating,
                "impact_prosecuting": feedback.impact_prosecuting,
                "impact_adjudicating": feedback.impact_adjudicating,
                "impact_cooperating": feedback.impact_cooperating,
                "comments": feedback.comments,
                "submitted_at": _when(feedback.submitted_at),
            }
            if feedback
            else None,
        }

    def post_data(p: Post) -> dict[str, Any]:
        data = {
            "id": p.pk,
            "space": p.space.title,
            "thread": {"id": p.thread_id, "kind": p.thread.kind, "title": _thread_title(p.thread, user)},
            "created_at": _when(p.created_at),
            "edited_at": _when(p.edited_at),
            "status": p.status,
            "language": p.language,
            "body": p.body_source,
            "notable": p.notable,
            "share_notable": p.share_notable,
        }
        if p.thread.kind == Thread.Kind.PASSAGE:
            data["passage"] = {"reading": p.thread.anchor_page_id, "block": p.thread.anchor_block}
        return data

    return {
        "format": "legis-user-data/1",
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "pseudonym": user.pseudonym,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "country": user.country,
            "preferred_language": user.preferred_language,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "email_addresses": emails,
            "second_factors": second_factors,
        },
        "enrolments": [enrolment_data(e) for e in enrolments],
        "posts": [post_data(p) for p in posts if p.thread.kind != Thread.Kind.PASSAGE],
        "comments": [post_data(p) for p in posts if p.thread.kind == Thread.Kind.PASSAGE],
        "threads_started": [
            {"id": t.pk, "space": t.space.title, "title": t.title, "created_at": _when(t.created_at)}
            for t in threads
        ],
        "reactions": reactions,
        "flags_raised": [{**f, "created_at": _when(f["created_at"])} for f in flags],
        "security_events": [{**e, "created_at": _when(e["created_at"])} for e in events],
    }
