"""Named reads for institutions: nominations, the trainer pool, programmes and sections.
Query counts do not grow with the number of nominations, graduates or units shown."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.models import Locale, Page

from accounts.models import User
from courses.models import Cohort, Enrolment, Institution
from modules.models import ModulePage, ReadingPage

from .models import (
    AdaptedReadingPage,
    InstitutionSectionPage,
    InstitutionWorkspace,
    LocalUnitPage,
    Nomination,
    Programme,
    ProgrammeUnit,
)

UNIT_KINDS = {
    ModulePage: _("Shared module"),
    ReadingPage: _("Shared reading"),
    LocalUnitPage: _("Local unit"),
    AdaptedReadingPage: _("Adapted reading"),
}


def section_of(institution: Institution | int) -> InstitutionSectionPage | None:
    """The institution's section in the default locale (None until it is set up)."""
    institution_id = getattr(institution, "pk", institution)
    return (
        InstitutionSectionPage.objects.filter(institution_id=institution_id, locale=Locale.get_default())
        .order_by("path")
        .first()
    )


def editors_of(institution: Institution) -> list[User]:
    workspace = InstitutionWorkspace.objects.filter(institution=institution).first()
    if workspace is None:
        return []
    return list(workspace.editors_group.user_set.order_by("display_name", "email"))


def nominations_for(cohort: Cohort, institution_ids: set[int] | None = None) -> QuerySet[Nomination]:
    """A cohort's nominations, newest first; only these institutions' when given."""
    qs = Nomination.objects.filter(cohort=cohort).select_related("institution", "nominated_by", "decided_by")
    if institution_ids is not None:
        qs = qs.filter(institution_id__in=institution_ids)
    return qs.order_by("status", "-created_at")


def has_standing_nomination(cohort: Cohort, email: str) -> bool:
    return Nomination.objects.standing().filter(cohort=cohort, email__iexact=email).exists()


def cohorts_for_institution(institution: Institution) -> list[Cohort]:
    """Its own cohorts and the unowned ones open to every institution's nominations, not ended,
    each with its number of pending nominations from this institution."""
    now = timezone.now()
    return list(
        Cohort.objects.filter(ends_at__gt=now)
        .filter(
            Q(institution=institution)
            | Q(institution__isnull=True, academy_settings__open_to_all_institutions=True)
        )
        .select_related("course", "academy_settings")
        .annotate(
            pending_nominations=Count(
                "nominations",
                filter=Q(nominations__status=Nomination.Status.PENDING, nominations__institution=institution),
            )
        )
        .order_by("start_date", "title")
    )


def cohorts_awaiting_decisions(user: User) -> list[Cohort]:
    """Cohorts this person tutors that have nominations awaiting a decision by someone else."""
    tutoring = Enrolment.objects.tutors().filter(user=user).values("cohort_id")
    admin_of = Institution.admins.through.objects.filter(user_id=user.pk).values("institution_id")
    return list(
        Cohort.objects.filter(Q(pk__in=tutoring) | Q(institution_id__in=admin_of))
        .annotate(
            pending_nominations=Count(
                "nominations",
                filter=Q(nominations__status=Nomination.Status.PENDING) & ~Q(nominations__nominated_by=user),
            )
        )
        .filter(pending_nominations__gt=0)
        .order_by("start_date")
    )


def trainer_pool(institution: Institution) -> list[Enrolment]:
    """Graduates of training-of-trainers cohorts who belong to this institution: completed
    trainees of its own such cohorts, and of unowned ones it nominated them for."""
    nominated = Nomination.objects.filter(
        cohort_id=OuterRef("cohort_id"),
        institution=institution,
        status=Nomination.Status.ACCEPTED,
        email__iexact=OuterRef("user__email"),
    )
    return list(
        Enrolment.objects.filter(
            role=Enrolment.Role.TRAINEE,
            status=Enrolment.Status.COMPLETED,
            cohort__academy_settings__training_of_trainers=True,
        )
        .filter(Q(cohort__institution=institution) | Q(Exists(nominated)))
        .select_related("user", "cohort")
        .order_by("user__display_name", "user__email", "-completed_at")
    )


def trainer_cohorts(institution: Institution) -> list[Cohort]:
    """The institution's cohorts a graduate may be made co-tutor of: those not yet ended."""
    return list(
        Cohort.objects.filter(institution=institution, ends_at__gt=timezone.now())
        .select_related("course")
        .order_by("start_date")
    )


def tutor_cohorts_by_user(user_ids: list[int], cohort_ids: list[int]) -> dict[int, set[int]]:
    """user id → the cohorts (of those given) where they already tutor: one query."""
    result: dict[int, set[int]] = {}
    for user_id, cohort_id in (
        Enrolment.objects.tutors()
        .filter(user_id__in=user_ids, cohort_id__in=cohort_ids)
        .values_list("user_id", "cohort_id")
    ):
        result.setdefault(user_id, set()).add(cohort_id)
    return result


# ---- Programmes -----------------------------------------------------------------------------------


@dataclass
class UnitView:
    unit: ProgrammeUnit
    page: Page  # in the reader's language where translated
    kind: str
    url: str
    fallback: bool  # a shared page shown in English for want of a translation

    @property
    def hours(self) -> Decimal:
        return self.unit.hours


@dataclass
class ProgrammeView:
    programme: Programme
    units: list[UnitView]

    @property
    def total_hours(self) -> Decimal:
        return sum((view.unit.hours for view in self.units), Decimal(0))


def _kind(content_type_id: int) -> str:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return str(UNIT_KINDS.get(model, _("Page")))


def programme_view(programme: Programme, request: HttpRequest | None = None) -> ProgrammeView:
    """The programme's units in order, each in the active language where a shared page has a
    translation: three queries, whatever the number of units."""
    units = list(ProgrammeUnit.objects.filter(programme=programme).select_related("page"))
    active, default = Locale.get_active(), Locale.get_default()
    shared_types = [ContentType.objects.get_for_model(m).pk for m in (ModulePage, ReadingPage)]
    translations: dict = {}
    wanted = [u.page.translation_key for u in units if u.page.content_type_id in shared_types]
    if wanted and active.pk != default.pk:
        translations = {
            page.translation_key: page
            for page in Page.objects.filter(translation_key__in=wanted, locale=active).live()
        }
    views = []
    for unit in units:
        page = translations.get(unit.page.translation_key, unit.page)
        shared = unit.page.content_type_id in shared_types
        views.append(
            UnitView(
                unit=unit,
                page=page,
                kind=_kind(unit.page.content_type_id),
                url=page.get_url(request) or "",
                fallback=shared and page is unit.page and active.pk != unit.page.locale_id,
            )
        )
    return ProgrammeView(programme, views)


def programmes_of(institution: Institution, *, public_only: bool = False) -> QuerySet[Programme]:
    qs = Programme.objects.filter(institution=institution)
    if public_only:
        qs = qs.filter(is_public=True)
    return qs.annotate(unit_count=Count("units")).order_by("title")


@dataclass
class Choice:
    page_id: int
    label: str


def shared_modules() -> list[ModulePage]:
    return list(ModulePage.objects.live().filter(locale=Locale.get_default()).order_by("path"))


def shared_reading_choices(modules: list[ModulePage] | None = None) -> list[Choice]:
    """Every published shared reading, labelled "Module › Reading", in curriculum order."""
    modules = shared_modules() if modules is None else modules
    module_titles = {m.path: m.title for m in modules}
    readings = ReadingPage.objects.live().filter(locale=Locale.get_default()).order_by("path")
    return [Choice(r.pk, f"{module_titles.get(r.path[: -Page.steplen], '')} › {r.title}") for r in readings]


def addable_pages(institution: Institution, programme: Programme) -> list[tuple[str, list[Choice]]]:
    """What may be added to a programme, grouped for a <select>: shared modules, shared readings
    (by module), and the institution's own local units and adapted readings. Four queries."""
    taken = set(programme.units.values_list("page_id", flat=True))
    modules = shared_modules()
    groups: list[tuple[str, list[Choice]]] = [
        (str(_("Shared modules")), [Choice(m.pk, m.title) for m in modules if m.pk not in taken]),
        (
            str(_("Shared readings")),
            [choice for choice in shared_reading_choices(modules) if choice.page_id not in taken],
        ),
    ]
    section = section_of(institution)
    if section is not None:
        own = Page.objects.child_of(section).order_by("path")
        groups.append((str(_("Our own units")), [Choice(p.pk, p.title) for p in own if p.pk not in taken]))
    return [(label, choices) for label, choices in groups if choices]


def section_contents(section: InstitutionSectionPage) -> dict:
    children = list(Page.objects.child_of(section).live().order_by("path").specific())
    return {
        "local_units": [p for p in children if isinstance(p, LocalUnitPage)],
        "adapted_readings": [p for p in children if isinstance(p, AdaptedReadingPage)],
        "programmes": list(programmes_of(section.institution, public_only=True)),
    }


def adaptations_in(section: InstitutionSectionPage) -> list[AdaptedReadingPage]:
    return list(AdaptedReadingPage.objects.child_of(section).select_related("master").order_by("path"))


def is_member_of_institution(user: User, institution: Institution) -> bool:
    """Enrolled (as anyone, participating) in one of the institution's cohorts."""
    if not user.is_authenticated:
        return False
    return Enrolment.objects.filter(
        user=user, cohort__institution=institution, status__in=Enrolment.PARTICIPATING
    ).exists()
