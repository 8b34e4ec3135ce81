"""HTTP for institutions. Thin: every page asks `academies.policies` (and, for cohorts,
`courses.policies`; for pages, Wagtail's page permissions) whether the person may see it,
and every write goes through `academies.services`."""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wagtail.models import Page

from accounts.models import User
from courses import policies as course_policies
from courses.models import Cohort, Enrolment, Institution
from lms.errors import PermissionDenied, ServiceError
from modules.models import ReadingPage

from . import adaptation, policies, selectors, services
from .forms import (
    AdaptForm,
    CohortSettingsForm,
    DecisionForm,
    NominationForm,
    PersonForm,
    ProgrammeForm,
    PromotionForm,
    UnitAddForm,
    UnitUpdateForm,
)
from .models import (
    AdaptedReadingPage,
    FocalPoint,
    InstitutionSectionPage,
    Nomination,
    Programme,
    ProgrammeUnit,
)


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(request, "academies/forbidden.html", {"message": message}, status=HTTPStatus.FORBIDDEN)


def _standing(request: HttpRequest) -> policies.Standing:
    if not hasattr(request, "_academies_standing"):
        request._academies_standing = policies.standing(request.user)
    return request._academies_standing


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# ---- Overview ------------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    standing = _standing(request)
    mine: list[Institution] = []
    awaiting: list[Cohort] = []
    if request.user.is_authenticated:
        editor_of = Institution.objects.filter(workspace__editors_group__user=request.user).values_list(
            "pk", flat=True
        )
        ids = set(standing.nominates_for) | set(editor_of)
        mine = list(Institution.objects.filter(pk__in=ids).order_by("name"))
        awaiting = selectors.cohorts_awaiting_decisions(request.user)
    public = list(
        Programme.objects.filter(is_public=True)
        .select_related("institution")
        .order_by("institution__name", "title")
    )
    return render(
        request, "academies/index.html", {"mine": mine, "awaiting": awaiting, "public_programmes": public}
    )


def _institution_or_403(
    request: HttpRequest, pk: int
) -> tuple[Institution, InstitutionSectionPage | None] | None:
    institution = get_object_or_404(Institution, pk=pk)
    section = selectors.section_of(institution)
    is_editor = policies.is_section_editor(request.user, section)
    if not policies.can_view_institution(_standing(request), institution.pk, is_editor=is_editor):
        return None
    return institution, section


@require_GET
@login_required
def institution(request: HttpRequest, pk: int) -> HttpResponse:
    found = _institution_or_403(request, pk)
    if found is None:
        return forbidden(request, _("This page is for the institution's admins, focal points and editors."))
    institution, section = found
    standing = _standing(request)
    can_manage = policies.can_manage_institution(standing, institution.pk)
    return render(
        request,
        "academies/institution.html",
        {
            "institution": institution,
            "section": section,
            "cohorts": selectors.cohorts_for_institution(institution),
            "programmes": selectors.programmes_of(institution),
            "adaptations": selectors.adaptations_in(section) if section else [],
            "can_manage": can_manage,
            "can_nominate": institution.pk in standing.nominates_for,
            "can_edit_programmes": policies.can_edit_programmes(
                standing, institution.pk, request.user, section
            ),
            "editors": selectors.editors_of(institution) if can_manage else [],
            "focal_points": institution.focal_points.select_related("user") if can_manage else [],
            "shared_readings": selectors.shared_reading_choices() if section else [],
            "can_adapt": policies.can_add_to_section(request.user, section),
        },
    )


@require_POST
@login_required
def people(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or remove an editor or focal point, or set up the section (admins and staff)."""
    institution = get_object_or_404(Institution, pk=pk)
    if not policies.can_manage_institution(_standing(request), institution.pk):
        return forbidden(request, _("Only the institution's admins manage its people."))
    action = request.POST.get("action", "")
    try:
        if action in ("add_editor", "add_focal_point"):
            form = PersonForm(request.POST)
            if not form.is_valid():
                raise ServiceError("invalid", _("Enter a valid e-mail address."))
            email = form.cleaned_data["email"]
            if action == "add_editor":
                user = services.editor_add(actor=request.user, institution=institution, email=email)
                messages.success(
                    request,
                    _("%(name)s can now edit the institution's section.") % {"name": user.public_name},
                )
            else:
                point = services.focal_point_add(actor=request.user, institution=institution, email=email)
                messages.success(
                    request, _("%(name)s is now a national focal point.") % {"name": point.user.public_name}
                )
        elif action == "remove_editor":
            user = get_object_or_404(User, pk=request.POST.get("user"))
            services.editor_remove(actor=request.user, institution=institution, user=user)
            messages.success(request, _("%(name)s no longer edits the section.") % {"name": user.public_name})
        elif action == "remove_focal_point":
            point = get_object_or_404(FocalPoint, pk=request.POST.get("focal_point"), institution=institution)
            services.focal_point_remove(actor=request.user, focal_point=point)
            messages.success(request, _("Focal point removed."))
        elif action == "setup_section":
            services.section_ensure(actor=request.user, institution=institution)
            messages.success(request, _("The institution's section is ready."))
        else:
            messages.error(request, _("Unknown action."))
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("academies:institution", pk=institution.pk)


# ---- Nominations -----------------------------------------------------------------------------------


def _cohort(slug: str) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("course", "institution"), slug=slug)


@require_http_methods(["GET", "POST"])
@login_required
def nominations(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort(slug)
    standing = _standing(request)
    access = course_policies.cohort_access(request.user, cohort)
    cohort_settings = policies.settings_of(cohort)
    if not policies.can_view_nominations(standing, access, cohort_settings):
        return forbidden(
            request, _("Nominations are for the cohort's tutors and the institutions that nominate.")
        )
    allowed_ids = policies.nominating_institutions(standing, cohort, cohort_settings)
    can_nominate = policies.can_nominate(standing, cohort, cohort_settings)
    institutions = (
        list(Institution.objects.filter(pk__in=allowed_ids).order_by("name")) if can_nominate else []
    )
    form = NominationForm(institutions=institutions) if can_nominate else None
    status = HTTPStatus.OK
    if request.method == "POST":
        if not can_nominate:
            return forbidden(
                request, _("Only the admins and focal points of an institution may nominate for this cohort.")
            )
        form = NominationForm(request.POST, institutions=institutions)
        if form.is_valid():
            data = dict(form.cleaned_data)
            chosen = data.pop("institution", None)
            institution = next((i for i in institutions if str(i.pk) == str(chosen)), None)
            try:
                nomination = services.nomination_create(
                    actor=request.user, cohort=cohort, institution=institution, **data
                )
            except ServiceError as error:
                form.add_error(
                    "email" if error.code in ("already_nominated", "already_enrolled") else None,
                    error.message,
                )
                status = HTTPStatus.CONFLICT
            else:
                messages.success(
                    request,
                    _("%(name)s was nominated. The cohort's tutors will decide.") % {"name": nomination.name},
                )
                return redirect("academies:nominations", slug=cohort.slug)
        else:
            status = HTTPStatus.BAD_REQUEST
    visible = policies.visible_nomination_institutions(standing, access, cohort_settings)
    rows = [
        {
            "nomination": n,
            "can_decide": policies.can_decide_nomination(access, n, request.user.pk),
            "can_withdraw": policies.can_withdraw_nomination(standing, n),
        }
        for n in selectors.nominations_for(cohort, visible)
    ]
    return render(
        request,
        "academies/nominations.html",
        {
            "cohort": cohort,
            "settings": cohort_settings,
            "rows": rows,
            "form": form,
            "is_tutor": course_policies.can_tutor(access),
            "can_configure": policies.can_configure_cohort(access),
            "decision_form": DecisionForm(),
        },
        status=status,
    )


@require_POST
@login_required
def nomination_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort = _cohort(slug)
    nomination = get_object_or_404(
        Nomination.objects.select_related("cohort", "institution"), pk=pk, cohort=cohort
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or decline."))
        return redirect("academies:nominations", slug=cohort.slug)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.nomination_decide(
            actor=request.user,
            nomination=nomination,
            accept=accept,
            reason=form.cleaned_data["reason"],
            base_url=_base_url(request),
        )
    except PermissionDenied as error:
        return forbidden(request, error.message)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        template = (
            _("%(name)s was accepted and invited by e-mail.")
            if accept
            else _("The nomination of %(name)s was declined.")
        )
        messages.success(request, template % {"name": nomination.name})
    return redirect("academies:nominations", slug=cohort.slug)


@require_POST
@login_required
def nomination_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort = _cohort(slug)
    nomination = get_object_or_404(Nomination, pk=pk, cohort=cohort)
    try:
        services.nomination_withdraw(actor=request.user, nomination=nomination)
    except PermissionDenied as error:
        return forbidden(request, error.message)
    messages.success(request, _("The nomination of %(name)s was withdrawn.") % {"name": nomination.name})
    return redirect("academies:nominations", slug=cohort.slug)


@require_http_methods(["GET", "POST"])
@login_required
def cohort_settings(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = _cohort(slug)
    access = course_policies.cohort_access(request.user, cohort)
    if not policies.can_configure_cohort(access):
        return forbidden(
            request, _("Only the owning institution's admins and programme staff set up a cohort.")
        )
    current = policies.settings_of(cohort)
    show_open = access.is_staff and not cohort.institution_id
    if request.method == "POST":
        form = CohortSettingsForm(request.POST, show_open=show_open)
        if form.is_valid():
            try:
                services.cohort_settings_update(
                    actor=request.user,
                    cohort=cohort,
                    requires_nomination=form.cleaned_data["requires_nomination"],
                    training_of_trainers=form.cleaned_data["training_of_trainers"],
                    open_to_all_institutions=form.cleaned_data.get("open_to_all_institutions", False),
                )
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Cohort settings saved."))
                return redirect("academies:cohort_settings", slug=cohort.slug)
    else:
        form = CohortSettingsForm(
            initial={
                "requires_nomination": current.requires_nomination,
                "training_of_trainers": current.training_of_trainers,
                "open_to_all_institutions": current.open_to_all_institutions,
            },
            show_open=show_open,
        )
    return render(request, "academies/cohort_settings.html", {"cohort": cohort, "form": form})


# ---- Trainer track ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def trainers(request: HttpRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(Institution, pk=pk)
    if not policies.can_promote_trainers(_standing(request), institution.pk):
        return forbidden(request, _("Only the institution's admins make its graduates co-tutors."))
    cohorts = selectors.trainer_cohorts(institution)
    if request.method == "POST":
        form = PromotionForm(request.POST, cohorts=cohorts)
        if form.is_valid():
            graduation = get_object_or_404(
                Enrolment.objects.select_related("user", "cohort"), pk=form.cleaned_data["graduation"]
            )
            cohort = next(c for c in cohorts if str(c.pk) == form.cleaned_data["cohort"])
            try:
                services.trainer_promote(
                    actor=request.user, institution=institution, graduation=graduation, cohort=cohort
                )
            except PermissionDenied as error:
                return forbidden(request, error.message)
            except ServiceError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("%(name)s is now a co-tutor of %(cohort)s.")
                    % {"name": graduation.user.public_name, "cohort": cohort.title},
                )
        else:
            messages.error(request, _("Choose a cohort."))
        return redirect("academies:trainers", pk=institution.pk)
    pool = selectors.trainer_pool(institution)
    tutoring = selectors.tutor_cohorts_by_user([e.user_id for e in pool], [c.pk for c in cohorts])
    rows = [
        {
            "graduation": graduation,
            "tutoring": [c for c in cohorts if c.pk in tutoring.get(graduation.user_id, set())],
            "form": PromotionForm(
                initial={"graduation": graduation.pk},
                cohorts=[c for c in cohorts if c.pk not in tutoring.get(graduation.user_id, set())],
                auto_id=f"id_g{graduation.pk}_%s",
            ),
        }
        for graduation in pool
    ]
    return render(
        request, "academies/trainers.html", {"institution": institution, "rows": rows, "cohorts": cohorts}
    )


# ---- Programmes ------------------------------------------------------------------------------------


def _programme(pk: int, slug: str) -> Programme:
    return get_object_or_404(Programme.objects.select_related("institution"), institution_id=pk, slug=slug)


def _can_edit_programmes(request: HttpRequest, institution: Institution) -> bool:
    return policies.can_edit_programmes(
        _standing(request), institution.pk, request.user, selectors.section_of(institution)
    )


@require_GET
def programme_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    programme = _programme(pk, slug)
    if not programme.is_public:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        section = selectors.section_of(programme.institution)
        if not policies.can_view_programme(
            _standing(request),
            programme,
            is_editor=policies.is_section_editor(request.user, section),
            is_member=selectors.is_member_of_institution(request.user, programme.institution),
        ):
            return forbidden(request, _("This programme is shown to the institution's people only."))
    return render(
        request,
        "academies/programme.html",
        {"programme": programme, "view": selectors.programme_view(programme, request)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_new(request: HttpRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(Institution, pk=pk)
    if not _can_edit_programmes(request, institution):
        return forbidden(request, _("Only the institution's admins and editors build its programmes."))
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = services.programme_create(
            actor=request.user, institution=institution, **form.cleaned_data
        )
        messages.success(request, _("Programme created. Now add its units."))
        return redirect("academies:programme_edit", pk=institution.pk, slug=programme.slug)
    return render(request, "academies/programme_new.html", {"institution": institution, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def programme_edit(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    programme = _programme(pk, slug)
    institution = programme.institution
    if not _can_edit_programmes(request, institution):
        return forbidden(request, _("Only the institution's admins and editors build its programmes."))
    groups = selectors.addable_pages(institution, programme)
    meta_form = ProgrammeForm(
        initial={
            "title": programme.title,
            "target_audience": programme.target_audience,
            "summary": programme.summary,
            "is_public": programme.is_public,
        }
    )
    add_form = UnitAddForm(groups=groups)
    status = HTTPStatus.OK
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "details":
            meta_form = ProgrammeForm(request.POST)
            if meta_form.is_valid():
                services.programme_update(actor=request.user, programme=programme, **meta_form.cleaned_data)
                messages.success(request, _("Programme saved."))
                return redirect("academies:programme_edit", pk=institution.pk, slug=programme.slug)
        elif action == "add":
            add_form = UnitAddForm(request.POST, groups=groups)
            if add_form.is_valid():
                page = get_object_or_404(Page, pk=add_form.cleaned_data["page"])
                try:
                    unit = services.programme_unit_add(
                        actor=request.user,
                        programme=programme,
                        page=page,
                        hours=add_form.cleaned_data["hours"],
                        note=add_form.cleaned_data["note"],
                    )
                except ServiceError as error:
                    add_form.add_error(None, error.message)
                else:
                    messages.success(request, _("“%(title)s” added.") % {"title": unit.page.title})
                    return redirect("academies:programme_edit", pk=institution.pk, slug=programme.slug)
        status = HTTPStatus.BAD_REQUEST
    view = selectors.programme_view(programme, request)
    unit_forms = [
        (
            unit_view,
            UnitUpdateForm(
                initial={"hours": unit_view.unit.hours, "note": unit_view.unit.note},
                prefix=f"u{unit_view.unit.pk}",
            ),
        )
        for unit_view in view.units
    ]
    return render(
        request,
        "academies/programme_edit.html",
        {
            "programme": programme,
            "view": view,
            "unit_forms": unit_forms,
            "meta_form": meta_form,
            "add_form": add_form,
        },
        status=status,
    )


@require_POST
@login_required
def programme_unit(request: HttpRequest, pk: int, slug: str, unit_id: int) -> HttpResponse:
    programme = _programme(pk, slug)
    unit = get_object_or_404(
        ProgrammeUnit.objects.select_related("programme__institution", "page"),
        pk=unit_id,
        programme=programme,
    )
    back = redirect("academies:programme_edit", pk=programme.institution_id, slug=programme.slug)
    action = request.POST.get("action")
    try:
        if action == "up":
            services.programme_unit_move(actor=request.user, unit=unit, to=unit.position - 1)
        elif action == "down":
            services.programme_unit_move(actor=request.user, unit=unit, to=unit.position + 1)
        elif action == "remove":
            services.programme_unit_remove(actor=request.user, unit=unit)
            messages.success(request, _("“%(title)s” removed.") % {"title": unit.page.title})
        elif action == "update":
            form = UnitUpdateForm(request.POST, prefix=f"u{unit.pk}")
            if not form.is_valid():
                messages.error(request, _("Give the hours in half hours, between 0.5 and 999."))
                return back
            services.programme_unit_update(actor=request.user, unit=unit, **form.cleaned_data)
            messages.success(request, _("“%(title)s” saved.") % {"title": unit.page.title})
        else:
            messages.error(request, _("Unknown action."))
    except PermissionDenied as error:
        return forbidden(request, error.message)
    except ServiceError as error:
        messages.error(request, error.message)
    return back


# ---- Adaptations -----------------------------------------------------------------------------------


def _editable_sections(user) -> list[InstitutionSectionPage]:
    sections = InstitutionSectionPage.objects.select_related("institution").order_by("title")
    return [s for s in sections if policies.can_add_to_section(user, s)]


@require_GET
@login_required
def adapt_choose(request: HttpRequest) -> HttpResponse:
    """The no-script way from a list of readings to the adaptation form of one of them."""
    try:
        reading_id = int(request.GET.get("reading", ""))
    except ValueError:
        raise Http404 from None
    return redirect("academies:adapt", reading_id=reading_id)


@require_http_methods(["GET", "POST"])
@login_required
def adapt(request: HttpRequest, reading_id: int) -> HttpResponse:
    master = get_object_or_404(ReadingPage.objects.live(), pk=reading_id)
    sections = _editable_sections(request.user)
    if not sections:
        return forbidden(request, _("Adapted copies are made by the editors of an institution's section."))
    form = AdaptForm(request.POST or None, sections=sections)
    if request.method == "POST" and form.is_valid():
        section = next(s for s in sections if s.pk == form.cleaned_data["section"])
        try:
            page = services.adaptation_create(
                actor=request.user, section=section, master=master, title=form.cleaned_data["title"]
            )
        except PermissionDenied as error:
            return forbidden(request, error.message)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Adapted copy made. Edit it in the admin; its passages keep their anchors.")
            )
            return redirect("academies:adaptation", page_id=page.pk)
    return render(request, "academies/adapt.html", {"master": master, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def adaptation_review(request: HttpRequest, page_id: int) -> HttpResponse:
    page = get_object_or_404(AdaptedReadingPage.objects.select_related("master"), pk=page_id)
    if not policies.can_edit_page(request.user, page):
        return forbidden(
            request, _("Only the institution's editors compare its adapted readings with their masters.")
        )
    if request.method == "POST":
        block_id = request.POST.get("passage", "")
        choice = request.POST.get("choice")
        try:
            if choice == "take":
                page = services.passage_take_master(actor=request.user, page=page, block_id=block_id)
                messages.success(
                    request,
                    _("The master's version of the passage is now in your copy.")
                    if not page.has_unpublished_changes
                    else _("The master's version of the passage is in your draft; publish it in the admin."),
                )
            elif choice == "keep":
                services.passage_keep_own(actor=request.user, page=page, block_id=block_id)
                messages.success(request, _("Your version of the passage was kept."))
            else:
                raise Http404
        except PermissionDenied as error:
            return forbidden(request, error.message)
        except ServiceError as error:
            messages.error(request, error.message)
        return redirect("academies:adaptation", page_id=page.pk)
    return render(
        request,
        "academies/adaptation.html",
        {
            "page": page,
            "report": adaptation.report(page),
            "section": page.get_parent().specific,
            "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
        },
    )
