"""Writes for institutions: nominations, cohort set-up, the trainer track, sections and
their editors, adaptations and programmes.

Each function checks permission through `academies.policies`, writes in one transaction
and reports refusals as `ServiceError`s whose message can be shown as it is. Invitations and
places in cohorts go through `courses.services`, so every cohort rule (capacity, removal,
audit) holds here too.
"""

import csv
import io
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wagtail.models import GroupPagePermission, Locale, Page

from accounts.models import User
from courses import policies as course_policies
from courses import services as course_services
from courses.models import Cohort, Enrolment, Institution
from home.models import HomePage
from lms.errors import PermissionDenied, ServiceError
from modules.models import ModulePage, ReadingPage

from . import adaptation, policies, selectors
from .models import (
    AdaptedReadingPage,
    CohortSettings,
    FocalPoint,
    InstitutionSectionPage,
    InstitutionWorkspace,
    LocalUnitPage,
    Nomination,
    PassageReconciliation,
    Programme,
    ProgrammeUnit,
    TrainerPromotion,
)

SECTION_PERMISSIONS = ("add_page", "change_page", "publish_page")


def _email(address: str, subject: str, template: str, context: dict, language: str) -> None:
    """Send after commit, in `language`."""
    context = {**context, "site_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/")}

    def send() -> None:
        with translation.override(language or settings.LANGUAGE_CODE):
            send_mail(str(subject), render_to_string(template, context), None, [address])

    transaction.on_commit(send)


def _user_by_email(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ServiceError(
            "no_account",
            _("Nobody has an account with that e-mail address. Ask them to sign up first."),
        )
    return user


# ---- Nominations ---------------------------------------------------------------------------------


@transaction.atomic
def nomination_create(
    *,
    actor: User,
    cohort: Cohort,
    name: str,
    email: str,
    professional_role: str,
    agency: str,
    note: str = "",
    institution: Institution | None = None,
) -> Nomination:
    """Nominate an official for a cohort on behalf of an institution the actor speaks for."""
    standing = policies.standing(actor)
    cohort_settings = policies.settings_of(cohort)
    allowed = policies.nominating_institutions(standing, cohort, cohort_settings)
    if institution is None and len(allowed) == 1:
        institution = Institution.objects.get(pk=next(iter(allowed)))
    if institution is None or not policies.can_nominate(standing, cohort, cohort_settings, institution.pk):
        raise PermissionDenied(
            _("Only the admins and focal points of an institution may nominate for this cohort.")
        )
    nomination = Nomination(
        cohort=cohort,
        institution=institution,
        nominated_by=actor,
        name=name.strip(),
        email=email.strip().lower(),
        professional_role=professional_role.strip(),
        agency=agency.strip(),
        note=note.strip(),
    )
    if Nomination.objects.standing().filter(cohort=cohort, email__iexact=nomination.email).exists():
        raise ServiceError("already_nominated", _("This person has already been nominated for this cohort."))
    if Enrolment.objects.filter(
        cohort=cohort, user__email__iexact=nomination.email, status__in=Enrolment.PARTICIPATING
    ).exists():
        raise ServiceError("already_enrolled", _("This person already has a place in this cohort."))
    try:
        nomination.full_clean()
    except ValidationError as error:
        raise ServiceError("invalid", " ".join(error.messages)) from error
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError as error:  # a double submit raced us
        raise ServiceError(
            "already_nominated", _("This person has already been nominated for this cohort.")
        ) from error
    _notify_tutors(nomination)
    return nomination


def _notify_tutors(nomination: Nomination) -> None:
    cohort = nomination.cohort
    tutors = User.objects.filter(
        enrolments__cohort=cohort,
        enrolments__role=Enrolment.Role.TUTOR,
        enrolments__status__in=Enrolment.PARTICIPATING,
        is_active=True,
    ).exclude(pk=nomination.nominated_by_id)
    for tutor in tutors:
        _email(
            tutor.email,
            _("New nomination for %(cohort)s") % {"cohort": cohort.title},
            "academies/email/nomination_received.txt",
            {"nomination": nomination, "url": reverse("academies:nominations", args=[cohort.slug])},
            tutor.preferred_language or cohort.language,
        )


@transaction.atomic
def nomination_decide(
    *, actor: User, nomination: Nomination, accept: bool, reason: str = "", base_url: str = ""
) -> Nomination:
    """A tutor of the cohort accepts (the nominee is invited by e-mail) or declines."""
    nomination = (
        Nomination.objects.select_for_update().select_related("cohort", "institution").get(pk=nomination.pk)
    )
    cohort = nomination.cohort
    access = course_policies.cohort_access(actor, cohort)
    if nomination.status != Nomination.Status.PENDING:
        raise ServiceError("not_pending", _("This nomination has already been decided."))
    if not policies.can_decide_nomination(access, nomination, actor.pk):
        if nomination.nominated_by_id == actor.pk and course_policies.can_tutor(access):
            raise PermissionDenied(_("Another tutor must decide on a nomination you made yourself."))
        raise PermissionDenied(_("Only the cohort's tutors decide on nominations."))
    if accept and cohort.state() == Cohort.State.ENDED:
        raise ServiceError("closed", _("This cohort has ended."))
    nomination.status = Nomination.Status.ACCEPTED if accept else Nomination.Status.DECLINED
    nomination.decided_by = actor
    nomination.decided_at = timezone.now()
    nomination.decision_reason = reason.strip()
    if accept:
        nomination.invitation = _invite(actor, nomination, base_url)
    nomination.save()
    if nomination.nominated_by_id and nomination.nominated_by.is_active:
        _email(
            nomination.nominated_by.email,
            _("Your nomination for %(cohort)s") % {"cohort": cohort.title},
            "academies/email/nomination_decided.txt",
            {"nomination": nomination, "accepted": accept},
            nomination.nominated_by.preferred_language or cohort.language,
        )
    return nomination


def _invite(actor: User, nomination: Nomination, base_url: str):
    """A personal invitation through courses' own invitation service (its e-mail, its audit)."""
    row = io.StringIO()
    csv.writer(row).writerow([nomination.email, nomination.name, nomination.institution.country])
    report = course_services.invitations_bulk_create(
        actor=actor, cohort=nomination.cohort, text=row.getvalue(), base_url=base_url
    )
    if report.errors:
        raise ServiceError("invitation_failed", report.errors[0][1])
    return nomination.cohort.invitations.get(email=nomination.email)


@transaction.atomic
def nomination_withdraw(*, actor: User, nomination: Nomination) -> Nomination:
    if not policies.can_withdraw_nomination(policies.standing(actor), nomination):
        raise PermissionDenied(_("Only the institution that nominated may withdraw a nomination."))
    nomination.status = Nomination.Status.WITHDRAWN
    nomination.decided_at = timezone.now()
    nomination.save(update_fields=["status", "decided_at"])
    return nomination


def application_refusal(user: User, cohort: Cohort) -> str | None:
    """Registered with `courses.extensions`: a cohort that requires a nomination refuses
    self-applications from people no institution has nominated for it."""
    cohort_settings = policies.settings_of(cohort)
    if not cohort_settings.requires_nomination:
        return None
    if policies.may_apply_without_nomination(
        cohort_settings, selectors.has_standing_nomination(cohort, user.email)
    ):
        return None
    return _(
        "This cohort takes applications only from officials their institution has nominated. "
        "Ask your institution's admin or national focal point to nominate you."
    )


# ---- Cohort set-up and the trainer track ---------------------------------------------------------


@transaction.atomic
def cohort_settings_update(
    *,
    actor: User,
    cohort: Cohort,
    requires_nomination: bool,
    training_of_trainers: bool,
    open_to_all_institutions: bool = False,
) -> CohortSettings:
    access = course_policies.cohort_access(actor, cohort)
    if not policies.can_configure_cohort(access):
        raise PermissionDenied(_("Only the owning institution's admins and programme staff set up a cohort."))
    if open_to_all_institutions and (cohort.institution_id or not access.is_staff):
        raise ServiceError(
            "not_open", _("Only programme staff open a cohort no institution owns to every institution.")
        )
    cohort_settings, _created = CohortSettings.objects.select_for_update().get_or_create(cohort=cohort)
    cohort_settings.requires_nomination = requires_nomination
    cohort_settings.training_of_trainers = training_of_trainers
    cohort_settings.open_to_all_institutions = open_to_all_institutions
    cohort_settings.full_clean()
    cohort_settings.save()
    return cohort_settings


@transaction.atomic
def trainer_promote(
    *, actor: User, institution: Institution, graduation: Enrolment, cohort: Cohort
) -> Enrolment:
    """Make a graduate of a training-of-trainers cohort a co-tutor of one of the institution's cohorts."""
    if not policies.can_promote_trainers(policies.standing(actor), institution.pk):
        raise PermissionDenied(_("Only the institution's admins make its graduates co-tutors."))
    if graduation.pk not in {e.pk for e in selectors.trainer_pool(institution)}:
        raise ServiceError(
            "not_graduate",
            _("Only graduates of this institution's training-of-trainers cohorts can be made co-tutors."),
        )
    if cohort.institution_id != institution.pk:
        raise PermissionDenied(_("A graduate can be made co-tutor only of their own institution's cohorts."))
    if cohort.state() == Cohort.State.ENDED:
        raise ServiceError("closed", _("This cohort has ended."))
    user = graduation.user
    existing = Enrolment.objects.filter(user=user, cohort=cohort).first()
    if existing is not None and existing.is_participating and existing.role == Enrolment.Role.TUTOR:
        return existing
    if existing is not None and existing.is_participating:
        raise ServiceError(
            "already_member",
            _("%(name)s already takes part in this cohort as %(role)s.")
            % {"name": user.public_name, "role": existing.get_role_display().lower()},
        )
    if existing is not None:
        # A past application or withdrawal: courses' enrolment rules would keep the old role.
        raise ServiceError(
            "had_place", _("This person had a place in this cohort before. Ask programme staff.")
        )
    enrolment = course_services.enrolment_place(
        user=user, cohort=cohort, role=Enrolment.Role.TUTOR, source="trainer-track"
    )
    TrainerPromotion.objects.create(
        institution=institution, graduation=graduation, tutor_enrolment=enrolment, promoted_by=actor
    )
    return enrolment


# ---- Focal points, editors and the section --------------------------------------------------------


def _require_manager(actor: User | None, institution: Institution) -> None:
    if actor is not None and not policies.can_manage_institution(policies.standing(actor), institution.pk):
        raise PermissionDenied(_("Only the institution's admins and programme staff may do this."))


@transaction.atomic
def focal_point_add(*, actor: User, institution: Institution, email: str) -> FocalPoint:
    _require_manager(actor, institution)
    focal_point, _created = FocalPoint.objects.get_or_create(
        institution=institution, user=_user_by_email(email)
    )
    return focal_point


@transaction.atomic
def focal_point_remove(*, actor: User, focal_point: FocalPoint) -> None:
    _require_manager(actor, focal_point.institution)
    focal_point.delete()


def _grant(group: Group, page: Page, *codenames: str) -> None:
    for codename in codenames:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


@transaction.atomic
def section_ensure(*, actor: User | None, institution: Institution) -> InstitutionSectionPage:
    """The institution's section under the home page and the Wagtail group that edits it
    (page permissions on the section alone). `actor` None: the system (demo, management)."""
    _require_manager(actor, institution)
    workspace = (
        InstitutionWorkspace.objects.filter(institution=institution).select_related("editors_group").first()
    )
    if workspace is None:
        name = _group_name(institution)
        group, _created = Group.objects.get_or_create(name=name)
        workspace = InstitutionWorkspace.objects.create(institution=institution, editors_group=group)
    group = workspace.editors_group
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    section = selectors.section_of(institution)
    if section is None:
        home = HomePage.objects.filter(locale=Locale.get_default()).first()
        if home is None:
            raise ServiceError("no_home", _("The site has no home page yet."))
        section = InstitutionSectionPage(
            title=institution.name,
            slug=_free_slug(home, slugify(institution.name) or "institution"),
            institution=institution,
        )
        home.add_child(instance=section)
        section.save_revision(user=actor, log_action=False).publish(user=actor, log_action=False)
    _grant(group, section, *SECTION_PERMISSIONS)
    return section


def _group_name(institution: Institution) -> str:
    return f"{institution.name[:120]} editors (#{institution.pk})"


def _free_slug(parent: Page, slug: str) -> str:
    taken = set(Page.objects.child_of(parent).values_list("slug", flat=True))
    candidate, n = slug[:70], 2
    while candidate in taken:
        candidate, n = f"{slug[:66]}-{n}", n + 1
    return candidate


@transaction.atomic
def editor_add(
    *, actor: User | None, institution: Institution, email: str = "", user: User | None = None
) -> User:
    """Put someone in the institution's editors group (setting the section up if need be)."""
    _require_manager(actor, institution)
    user = user or _user_by_email(email)
    section_ensure(actor=actor, institution=institution)
    institution.workspace.editors_group.user_set.add(user)
    return user


@transaction.atomic
def editor_remove(*, actor: User, institution: Institution, user: User) -> None:
    _require_manager(actor, institution)
    workspace = InstitutionWorkspace.objects.filter(institution=institution).first()
    if workspace is not None:
        workspace.editors_group.user_set.remove(user)


# ---- Adaptations -------------------------------------------------------------------------------------


def _publish_if_allowed(page: Page, revision, actor: User | None, was_clean: bool) -> bool:
    """Publish a revision the service made, unless that would also publish someone's pending
    draft or skip a workflow: then it stays a draft for the editors to publish."""
    can_publish = actor is None or page.permissions_for_user(actor).can_publish()
    if was_clean and can_publish and not page.workflow_in_progress:
        revision.publish(user=actor)
        return True
    return False


@transaction.atomic
def adaptation_create(
    *, actor: User | None, section: InstitutionSectionPage, master: ReadingPage, title: str = ""
) -> AdaptedReadingPage:
    """An adapted copy of a shared reading in the institution's section: the master's published
    body with the same passage ids, remembering the master and the revision it came from."""
    if actor is not None and not policies.can_add_to_section(actor, section):
        raise PermissionDenied(_("Only the institution's editors add pages to its section."))
    master = ReadingPage.objects.get(pk=master.pk)
    revision = master.live_revision
    if not master.live or revision is None:
        raise ServiceError("not_published", _("Only a published reading can be adapted."))
    if AdaptedReadingPage.objects.child_of(section).filter(master=master).exists():
        raise ServiceError(
            "already_adapted", _("Your institution already has an adapted copy of this reading.")
        )
    page = AdaptedReadingPage(
        title=title.strip() or master.title,
        slug=_free_slug(section, master.slug),
        master=master,
        master_revision=revision,
        intro=master.intro,
        estimated_minutes=master.estimated_minutes,
        body=[{"type": b["type"], "value": b["value"], "id": b["id"]} for b in master.body.raw_data],
    )
    section.add_child(instance=page)
    new_revision = page.save_revision(user=actor, log_action=True)
    if actor is None or section.permissions_for_user(actor).can_publish_subpage():
        new_revision.publish(user=actor)
    return page


def _settle(page: AdaptedReadingPage, block_id: str, report, actor: User, decision: str) -> None:
    PassageReconciliation.objects.update_or_create(
        page=page,
        block_id=block_id,
        defaults={"master_revision": report.current_revision, "decision": decision, "decided_by": actor},
    )


def _changed_passage(actor: User, page: AdaptedReadingPage, block_id: str):
    if not policies.can_edit_page(actor, page):
        raise PermissionDenied(_("Only the institution's editors change its adapted readings."))
    report = adaptation.report(page)
    change = report.change_for(block_id)
    if change is None:
        raise ServiceError("not_changed", _("The master has not changed this passage since you adapted it."))
    return report, change


@transaction.atomic
def passage_take_master(*, actor: User, page: AdaptedReadingPage, block_id: str) -> AdaptedReadingPage:
    """Replace one passage of the copy with the master's current version (same id), as a new
    revision — published at once if nothing else was waiting to be published."""
    page = AdaptedReadingPage.objects.select_for_update().get(pk=page.pk)
    report, _change = _changed_passage(actor, page, block_id)
    was_clean = page.live and not page.has_unpublished_changes
    draft = page.get_latest_revision_as_object()
    draft.body = adaptation.with_master_passage(
        [dict(block) for block in draft.body.raw_data], block_id, report.master_blocks
    )
    revision = draft.save_revision(user=actor, log_action=True)
    _publish_if_allowed(page, revision, actor, was_clean)
    _settle(page, block_id, report, actor, PassageReconciliation.Decision.TOOK_MASTER)
    return AdaptedReadingPage.objects.get(pk=page.pk)


@transaction.atomic
def passage_keep_own(*, actor: User, page: AdaptedReadingPage, block_id: str) -> PassageReconciliation:
    """Keep the copy's version of a passage the master changed: it stops being reported until
    the master changes it again."""
    report, _change = _changed_passage(actor, page, block_id)
    _settle(page, block_id, report, actor, PassageReconciliation.Decision.KEPT_OWN)
    return PassageReconciliation.objects.get(page=page, block_id=block_id)


# ---- Programmes ------------------------------------------------------------------------------------


def _require_programme_editor(actor: User | None, institution: Institution) -> None:
    if actor is None:
        return
    section = selectors.section_of(institution)
    if not policies.can_edit_programmes(policies.standing(actor), institution.pk, actor, section):
        raise PermissionDenied(_("Only the institution's admins and editors build its programmes."))


def _programme_slug(institution: Institution, title: str, exclude: int | None = None) -> str:
    base = slugify(title)[:70] or "programme"
    taken = set(
        Programme.objects.filter(institution=institution).exclude(pk=exclude).values_list("slug", flat=True)
    )
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base[:66]}-{n}", n + 1
    return candidate


@transaction.atomic
def programme_create(
    *,
    actor: User | None,
    institution: Institution,
    title: str,
    target_audience: str,
    summary: str = "",
    is_public: bool = True,
) -> Programme:
    _require_programme_editor(actor, institution)
    programme = Programme(
        institution=institution,
        title=title.strip(),
        slug=_programme_slug(institution, title),
        summary=summary.strip(),
        target_audience=target_audience.strip(),
        is_public=is_public,
    )
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def programme_update(
    *, actor: User, programme: Programme, title: str, target_audience: str, summary: str, is_public: bool
) -> Programme:
    _require_programme_editor(actor, programme.institution)
    programme.title = title.strip()
    programme.target_audience = target_audience.strip()
    programme.summary = summary.strip()
    programme.is_public = is_public
    programme.full_clean()
    programme.save()
    return programme


def _check_unit_page(programme: Programme, page: Page) -> Page:
    """Shared modules and readings (live, default language), or the institution's own units."""
    page = page.specific
    if isinstance(page, (ModulePage, ReadingPage)):
        if not page.live or page.locale_id != Locale.get_default().pk:
            raise ServiceError("not_available", _("Only published modules and readings can be added."))
        return page
    if isinstance(page, (LocalUnitPage, AdaptedReadingPage)):
        section = selectors.section_of(programme.institution_id)
        if section is None or not page.is_descendant_of(section):
            raise PermissionDenied(_("Only your institution's own units can be added."))
        return page
    raise ServiceError("not_a_unit", _("Only modules, readings and local units can be programme units."))


def _check_hours(hours: Decimal) -> Decimal:
    hours = Decimal(hours)
    if hours <= 0 or hours > 999 or (hours * 2) % 1:
        raise ServiceError("bad_hours", _("Give the hours in half hours, between 0.5 and 999."))
    return hours


@transaction.atomic
def programme_unit_add(
    *, actor: User | None, programme: Programme, page: Page, hours: Decimal, note: str = ""
) -> ProgrammeUnit:
    _require_programme_editor(actor, programme.institution)
    page = _check_unit_page(programme, page)
    hours = _check_hours(hours)
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    if programme.units.filter(page=page).exists():
        raise ServiceError("already_in", _("This unit is already in the programme."))
    last = programme.units.aggregate(last=Max("position"))["last"]
    unit = ProgrammeUnit(
        programme=programme,
        page=page,
        hours=hours,
        note=note.strip(),
        position=0 if last is None else last + 1,
    )
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def programme_unit_update(
    *, actor: User, unit: ProgrammeUnit, hours: Decimal, note: str = ""
) -> ProgrammeUnit:
    _require_programme_editor(actor, unit.programme.institution)
    unit.hours = _check_hours(hours)
    unit.note = note.strip()
    unit.full_clean()
    unit.save(update_fields=["hours", "note"])
    return unit


def _renumber(units: list[ProgrammeUnit]) -> None:
    for position, unit in enumerate(units):
        unit.position = position
    ProgrammeUnit.objects.bulk_update(units, ["position"])


@transaction.atomic
def programme_unit_move(*, actor: User, unit: ProgrammeUnit, to: int) -> list[ProgrammeUnit]:
    """Move a unit to position `to` (0-based, clamped), the others closing up around it."""
    _require_programme_editor(actor, unit.programme.institution)
    Programme.objects.select_for_update().filter(pk=unit.programme_id).first()
    units = [u for u in ProgrammeUnit.objects.filter(programme_id=unit.programme_id) if u.pk != unit.pk]
    units.insert(max(0, min(to, len(units))), unit)
    _renumber(units)
    return units


@transaction.atomic
def programme_unit_remove(*, actor: User, unit: ProgrammeUnit) -> None:
    _require_programme_editor(actor, unit.programme.institution)
    programme_id = unit.programme_id
    unit.delete()
    _renumber(list(ProgrammeUnit.objects.filter(programme_id=programme_id)))


@transaction.atomic
def local_unit_create(
    *,
    actor: User | None,
    section: InstitutionSectionPage,
    title: str,
    intro: str,
    body: list[dict],
    slug: str = "",
) -> LocalUnitPage:
    """A local unit in the section (the demo's; editors write theirs in the Wagtail admin)."""
    if actor is not None and not policies.can_add_to_section(actor, section):
        raise PermissionDenied(_("Only the institution's editors add pages to its section."))
    page = LocalUnitPage(
        title=title, slug=_free_slug(section, slug or slugify(title)), intro=intro, body=body
    )
    section.add_child(instance=page)
    page.save_revision(user=actor, log_action=True).publish(user=actor)
    return page
