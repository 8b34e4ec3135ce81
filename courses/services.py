"""Writes for courses: enrolment, progress, completion, certificates, feedback.

Each function checks what it needs, writes in one transaction and says what went
wrong with a `ServiceError` whose message can be shown as it is.
"""

import csv
import io
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from lms import ratelimit
from lms.errors import PermissionDenied, ServiceError
from reports import services as report_services

from . import extensions, policies, selectors
from .models import (
    Certificate,
    Cohort,
    CourseAuditEntry,
    Enrolment,
    FeedbackResponse,
    Invitation,
    ReadingProgress,
)

CODE_ATTEMPTS_PER_USER = 10
CODE_ATTEMPTS_PER_IP = 30
CODE_WINDOW_SECONDS = 15 * 60


def _email(
    user_or_address: User | str, subject: str, template: str, context: dict, language: str = ""
) -> None:
    """Send after commit, in the recipient's language."""
    address = user_or_address if isinstance(user_or_address, str) else user_or_address.email
    language = language or getattr(user_or_address, "preferred_language", "") or settings.LANGUAGE_CODE

    context = {**context, "site_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/")}

    def send() -> None:
        with translation.override(language):
            body = render_to_string(template, context)
            send_mail(str(subject), body, None, [address])

    transaction.on_commit(send)


def _audit(
    actor: User | None, cohort: Cohort, action: str, enrolment: Enrolment | None = None, reason: str = ""
) -> None:
    CourseAuditEntry.objects.create(
        actor=actor, cohort=cohort, enrolment=enrolment, action=action, reason=reason
    )


def _check_capacity(cohort: Cohort) -> None:
    taken = cohort.enrolments.filter(role=Enrolment.Role.TRAINEE, status__in=Enrolment.PARTICIPATING).count()
    if taken >= cohort.capacity:
        raise ServiceError("cohort_full", _("This cohort is full."))


def _lock(cohort: Cohort) -> Cohort:
    """Serialise enrolments into one cohort so capacity holds under concurrent requests.

    PostgreSQL: a row lock. SQLite: every transaction already begins IMMEDIATE
    (settings), which serialises writers.
    """
    return Cohort.objects.select_for_update().get(pk=cohort.pk)


def _record_profile(enrolment: Enrolment, gender: str | None, professional_role: str | None) -> None:
    """Write the reports' gender and role when this path asked for them.

    `None` means the caller did not ask (tutors placed by staff, LTI launches, the demo);
    an empty answer from a trainee is refused (`reports.services.check_profile_answers`).
    """
    if gender is None and professional_role is None:
        return
    report_services.participant_profile_record(
        enrolment=enrolment, gender=gender or "", professional_role=professional_role or ""
    )


@transaction.atomic
def enrolment_join_with_code(
    *,
    user: User,
    code: str,
    ip: str = "",
    country: str = "",
    agency_type: str = "",
    gender: str | None = None,
    professional_role: str | None = None,
) -> Enrolment:
    if not ratelimit.allow(
        "code-user", user.pk, limit=CODE_ATTEMPTS_PER_USER, window=CODE_WINDOW_SECONDS
    ) or (ip and not ratelimit.allow("code-ip", ip, limit=CODE_ATTEMPTS_PER_IP, window=CODE_WINDOW_SECONDS)):
        raise ServiceError("rate_limited", _("Too many attempts. Please wait a few minutes and try again."))
    code = code.strip().upper()
    cohort = (
        Cohort.objects.filter(invitation_code=code, accepts_codes=True).exclude(invitation_code="").first()
    )
    if cohort is None or cohort.state() == Cohort.State.ENDED:
        raise ServiceError("bad_code", _("That code does not match an open cohort. Check it and try again."))
    if gender is not None or professional_role is not None:  # refuse before taking a place
        report_services.check_profile_answers(gender=gender or "", professional_role=professional_role or "")
    enrolment = _enrol(user=user, cohort=cohort, country=country, agency_type=agency_type)
    _record_profile(enrolment, gender, professional_role)
    return enrolment


def _enrol(
    *, user: User, cohort: Cohort, country: str, agency_type: str, role: str = Enrolment.Role.TRAINEE
) -> Enrolment:
    cohort = _lock(cohort)
    existing = Enrolment.objects.filter(user=user, cohort=cohort).first()
    if existing and existing.is_participating:
        return existing
    if existing and existing.status == Enrolment.Status.REMOVED:
        raise PermissionDenied(_("You were removed from this cohort. Contact its tutors."))
    if role == Enrolment.Role.TRAINEE:
        _check_capacity(cohort)
    enrolment = existing or Enrolment(user=user, cohort=cohort)
    enrolment.role = role
    enrolment.status = Enrolment.Status.ACTIVE
    enrolment.country = country or user.country
    enrolment.agency_type = agency_type
    enrolment.decided_at = timezone.now()
    enrolment.full_clean(exclude=["user", "cohort"])
    enrolment.save()
    return enrolment


@transaction.atomic
def enrolment_apply(
    *,
    user: User,
    cohort: Cohort,
    statement: str,
    country: str = "",
    agency_type: str = "",
    gender: str | None = None,
    professional_role: str | None = None,
) -> Enrolment:
    if not cohort.accepts_applications or cohort.state() == Cohort.State.ENDED:
        raise ServiceError("closed", _("This cohort does not take applications."))
    refusal = extensions.application_refusal(user, cohort)
    if refusal:
        raise ServiceError("application_refused", refusal)
    if not statement.strip():
        raise ServiceError("statement_required", _("Please say briefly why you want to join."))
    if gender is not None or professional_role is not None:
        report_services.check_profile_answers(gender=gender or "", professional_role=professional_role or "")
    try:
        enrolment, created = Enrolment.objects.get_or_create(
            user=user,
            cohort=cohort,
            defaults={
                "status": Enrolment.Status.APPLIED,
                "statement": statement.strip()[:4000],
                "country": country or user.country,
                "agency_type": agency_type,
            },
        )
    except IntegrityError:  # a double submit raced us
        enrolment, created = Enrolment.objects.get(user=user, cohort=cohort), False
    if created:
        _record_profile(enrolment, gender, professional_role)
        return enrolment
    if enrolment.status == Enrolment.Status.DECLINED:
        raise ServiceError("declined", _("Your application to this cohort was declined."))
    if enrolment.status != Enrolment.Status.APPLIED:
        raise ServiceError("already_enrolled", _("You already have a place in this cohort."))
    # A second application before the decision replaces the first statement.
    enrolment.statement = statement.strip()[:4000]
    enrolment.agency_type = agency_type or enrolment.agency_type
    enrolment.country = country or enrolment.country
    enrolment.save(update_fields=["statement", "agency_type", "country"])
    _record_profile(enrolment, gender, professional_role)
    return enrolment


@transaction.atomic
def enrolment_decide(*, actor: User, enrolment: Enrolment, accept: bool) -> Enrolment:
    if not policies.can_tutor(policies.cohort_access(actor, enrolment.cohort)):
        raise PermissionDenied()
    if enrolment.status != Enrolment.Status.APPLIED:
        raise ServiceError("not_pending", _("This application has already been decided."))
    if accept:
        enrolment = _enrol(
            user=enrolment.user,
            cohort=enrolment.cohort,
            country=enrolment.country,
            agency_type=enrolment.agency_type,
        )
    else:
        enrolment.status = Enrolment.Status.DECLINED
        enrolment.decided_at = timezone.now()
        enrolment.save(update_fields=["status", "decided_at"])
    _audit(actor, enrolment.cohort, "accept" if accept else "decline", enrolment)
    _email(
        enrolment.user,
        _("Your application to %(cohort)s") % {"cohort": enrolment.cohort.title},
        "courses/email/application_decided.txt",
        {"enrolment": enrolment, "accepted": accept},
    )
    return enrolment


@dataclass
class BulkInvitationReport:
    invited: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


@transaction.atomic
def invitations_bulk_create(
    *, actor: User, cohort: Cohort, text: str, base_url: str = ""
) -> BulkInvitationReport:
    """One invitation per good row of `email[,name[,country]]`; bad rows are reported by line."""
    if not policies.can_tutor(policies.cohort_access(actor, cohort)):
        raise PermissionDenied()
    report = BulkInvitationReport()
    for line_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in row]
        if not cells or not any(cells) or cells[0].lower() == "email":
            continue
        email, name, country = (cells + ["", ""])[:3]
        try:
            validate_email(email)
        except ValidationError:
            report.errors.append((line_number, _("“%(value)s” is not an e-mail address.") % {"value": email}))
            continue
        if country and (len(country) != 2 or not country.isalpha()):
            report.errors.append((line_number, _("Country must be a two-letter code, like KE.")))
            continue
        invitation, created = Invitation.objects.get_or_create(
            cohort=cohort,
            email=email.lower(),
            defaults={"name": name, "country": country.upper(), "invited_by": actor},
        )
        if not created:
            report.already.append(invitation.email)
            continue
        report.invited.append(invitation.email)
        _email(
            invitation.email,
            _("Invitation: %(cohort)s") % {"cohort": cohort.title},
            "courses/email/invitation.txt",
            {
                "invitation": invitation,
                "url": base_url + reverse("courses:invitation", args=[invitation.token]),
            },
            language=cohort.language,
        )
    _audit(
        actor, cohort, "bulk_invite", reason=f"{len(report.invited)} invited, {len(report.errors)} rejected"
    )
    return report


@transaction.atomic
def invitation_accept(
    *, user: User, token: str, gender: str | None = None, professional_role: str | None = None
) -> Enrolment:
    invitation = Invitation.objects.select_related("cohort").filter(token=token).first()
    if invitation is None:
        raise ServiceError("bad_invitation", _("This invitation link is not valid."))
    if invitation.email.lower() != user.email.lower():
        raise ServiceError(
            "wrong_account",
            _("This invitation was sent to another e-mail address. Log in with that address."),
        )
    if invitation.cohort.state() == Cohort.State.ENDED:
        raise ServiceError("closed", _("This cohort has ended."))
    if gender is not None or professional_role is not None:
        report_services.check_profile_answers(gender=gender or "", professional_role=professional_role or "")
    enrolment = _enrol(user=user, cohort=invitation.cohort, country=invitation.country, agency_type="")
    _record_profile(enrolment, gender, professional_role)
    if invitation.accepted_at is None:
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return enrolment


@transaction.atomic
def reading_mark_done(*, user: User, cohort: Cohort, reading_id: int) -> ReadingProgress:
    access = policies.cohort_access(user, cohort)
    if not policies.can_mark_progress(access):
        raise PermissionDenied(_("Only trainees of this cohort record reading progress."))
    week = selectors.week_of_reading(cohort, reading_id)
    if week is None:
        raise ServiceError("not_in_syllabus", _("That reading is not part of this course."))
    if not policies.can_open_week(access, week):
        raise ServiceError("locked", _("That week has not started yet."))
    progress, _created = ReadingProgress.objects.get_or_create(
        enrolment=access.enrolment, reading_id=reading_id, defaults={"week": week}
    )
    return progress


@transaction.atomic
def enrolment_complete(*, actor: User | None, enrolment: Enrolment, reason: str = "") -> Enrolment:
    """Mark a trainee completed and issue the certificate.

    The rule decides (`actor` None: the trainee, or the system). A tutor may also
    complete a trainee who has not met the rule — an override, which needs a reason
    and is written to the audit log. Completing twice changes nothing.
    """
    cohort = enrolment.cohort
    if actor is not None and not policies.can_tutor(policies.cohort_access(actor, cohort)):
        raise PermissionDenied()
    if enrolment.role != Enrolment.Role.TRAINEE:
        raise ServiceError("not_trainee", _("Only trainees complete a course."))
    if enrolment.status == Enrolment.Status.COMPLETED:
        return enrolment
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ServiceError("not_active", _("Only a trainee with an active place can complete the course."))
    reason = reason.strip()
    if selectors.completion_status(enrolment).met:
        if actor is not None:
            _audit(actor, cohort, "complete", enrolment, reason)
    elif actor is None:
        raise ServiceError("rule_not_met", _("The completion rule is not met yet."))
    elif not reason:
        raise ServiceError("reason_required", _("Give a reason for overriding the completion rule."))
    else:
        enrolment.completion_override_reason = reason
        _audit(actor, cohort, "complete_override", enrolment, reason)
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["status", "completed_at", "completion_override_reason"])
    certificate_issue(enrolment=enrolment)
    return enrolment


@transaction.atomic
def enrolment_complete_self(*, user: User, cohort: Cohort) -> Enrolment:
    """A trainee completes their own course once the rule is met (from the last week on)."""
    access = policies.cohort_access(user, cohort)
    if not policies.can_complete(access):
        raise PermissionDenied(_("Only trainees of this cohort complete it, from its last week on."))
    return enrolment_complete(actor=None, enrolment=access.enrolment)


def _certificate_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@transaction.atomic
def certificate_issue(*, enrolment: Enrolment) -> Certificate:
    if enrolment.status != Enrolment.Status.COMPLETED:
        raise ServiceError("not_completed", _("A certificate is issued once the course is completed."))
    certificate, _created = Certificate.objects.get_or_create(
        enrolment=enrolment, defaults={"code": _certificate_code()}
    )
    return certificate


@transaction.atomic
def feedback_submit(*, user: User, cohort: Cohort, data: dict) -> FeedbackResponse:
    access = policies.cohort_access(user, cohort)
    if not policies.can_give_feedback(access):
        raise PermissionDenied(_("The survey opens in the last week of the course, for its trainees."))
    if FeedbackResponse.objects.filter(enrolment=access.enrolment).exists():
        raise ServiceError("already_answered", _("You have already answered this survey. Thank you."))
    response = FeedbackResponse(enrolment=access.enrolment, **data)
    response.full_clean(exclude=["enrolment"])
    response.save()
    return response


@transaction.atomic
def nudge_send(*, actor: User, enrolment: Enrolment, message: str = "") -> None:
    if not policies.can_tutor(policies.cohort_access(actor, enrolment.cohort)):
        raise PermissionDenied()
    _audit(actor, enrolment.cohort, "nudge", enrolment)
    _email(
        enrolment.user,
        _("Your course: %(cohort)s") % {"cohort": enrolment.cohort.title},
        "courses/email/nudge.txt",
        {"enrolment": enrolment, "tutor": actor, "message": message.strip()},
    )


@transaction.atomic
def enrolment_place(*, user: User, cohort: Cohort, role: str, source: str) -> Enrolment:
    """Give `user` a place that another system vouches for (an LTI launch from the LMS mapped to
    this cohort): the same rules as any enrolment (capacity, removal), audited with its source."""
    existing = Enrolment.objects.filter(user=user, cohort=cohort).first()
    enrolment = _enrol(user=user, cohort=cohort, country="", agency_type="", role=role)
    if existing is None or not existing.is_participating:
        _audit(None, cohort, f"placed:{source}"[:40], enrolment)
    return enrolment
