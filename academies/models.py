"""Institutions as trainers of trainers: nominations, training-of-trainers cohorts, national
programmes, and the institution's own section of the page tree (local units, adapted readings).

`courses` owns institutions, cohorts and enrolments; everything here hangs off them by
foreign key, so `courses` never needs to know this app exists.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.models import Cohort, Enrolment, Institution, Invitation
from modules.blocks import ReadingBodyBlock


class FocalPoint(models.Model):
    """A national focal point: someone an institution names to nominate its officials for
    cohorts. Nominating is all the role allows; it gives no tutor or editor rights."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="focal_points")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="focal_point_roles"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("national focal point")
        verbose_name_plural = _("national focal points")
        constraints = [
            models.UniqueConstraint(fields=["institution", "user"], name="one_focal_point_role_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.institution})"


class InstitutionWorkspace(models.Model):
    """What an institution holds on the platform besides its cohorts: the Wagtail group of the
    people who edit its section of the page tree (the group is the permission, not this row)."""

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, primary_key=True, related_name="workspace"
    )
    editors_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="institution_workspace"
    )

    def __str__(self) -> str:
        return str(self.institution)


class CohortSettings(models.Model):
    """What an institution's way of running a cohort adds to it: vetted entry and the trainer track."""

    cohort = models.OneToOneField(
        Cohort, on_delete=models.CASCADE, primary_key=True, related_name="academy_settings"
    )
    requires_nomination = models.BooleanField(
        _("self-applications need a nomination"),
        default=False,
        help_text=_("Only officials their institution has nominated may apply."),
    )
    training_of_trainers = models.BooleanField(
        _("training-of-trainers cohort"),
        default=False,
        help_text=_("Its graduates can be made co-tutors of their institution's cohorts."),
    )
    open_to_all_institutions = models.BooleanField(
        _("any institution may nominate"),
        default=False,
        help_text=_(
            "For cohorts no institution owns: every institution's admins and focal points may nominate."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cohort settings (institutions)")
        verbose_name_plural = _("cohort settings (institutions)")

    def __str__(self) -> str:
        return str(self.cohort)


class NominationQuerySet(models.QuerySet):
    def pending(self) -> "NominationQuerySet":
        return self.filter(status=Nomination.Status.PENDING)

    def standing(self) -> "NominationQuerySet":
        """Nominations that still count: awaiting a decision or accepted."""
        return self.filter(status__in=Nomination.STANDING)


class Nomination(models.Model):
    """An institution puts an official forward for a cohort; the cohort's tutors accept or decline.

    Accepting sends the nominee a personal invitation (`courses.Invitation`), through which
    they take their place like any invitee.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    STANDING = (Status.PENDING, Status.ACCEPTED)

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="nominations")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="nominations")
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    professional_role = models.CharField(
        _("professional role"), max_length=200, help_text=_("For example: investigating judge.")
    )
    agency = models.CharField(_("agency"), max_length=200, help_text=_("Court, office or service."))
    note = models.TextField(_("note to the tutors"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="nominations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Declined and withdrawn nominations stay on record; a person may be nominated again.
            models.UniqueConstraint(
                "cohort",
                Lower("email"),
                condition=models.Q(status__in=["pending", "accepted"]),
                name="one_standing_nomination_per_email",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "status"])]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> → {self.cohort} ({self.status})"


class TrainerPromotion(models.Model):
    """A graduate of a training-of-trainers cohort made co-tutor of one of their institution's
    cohorts: who did it, and on the strength of which graduation."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="trainer_promotions")
    graduation = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    tutor_enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="promotion")
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.tutor_enrolment}"


# ---- The institution's section of the page tree ----------------------------------------------


class InstitutionSectionPage(Page):
    """An institution's own part of the site: the local units and adapted readings it writes.

    Its editors group holds Wagtail page permissions on this page alone, so they edit
    what is under it and nothing else (academies.services.section_ensure sets it up).
    """

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="sections")
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *Page.content_panels,
        FieldPanel("institution", permission="courses.change_institution"),
        FieldPanel("intro"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["academies.LocalUnitPage", "academies.AdaptedReadingPage"]

    class Meta:
        verbose_name = _("institution section")

    def clean(self) -> None:
        super().clean()
        others = InstitutionSectionPage.objects.filter(
            institution_id=self.institution_id, locale_id=self.locale_id
        )
        if self.pk:
            others = others.exclude(pk=self.pk)
        if self.institution_id and others.exists():
            raise ValidationError({"institution": _("This institution already has a section.")})

    def get_context(self, request, *args, **kwargs):
        from .selectors import section_contents  # selectors import models

        context = super().get_context(request, *args, **kwargs)
        context.update(section_contents(self))
        return context


class LocalUnitPage(Page):
    """A unit a national institution writes itself for its programme: its own law, cases and practice."""

    intro = models.TextField(blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(default=30)
    body = StreamField(ReadingBodyBlock())

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["academies.InstitutionSectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("local unit")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["section"] = self.get_parent().specific
        return context


class AdaptedReadingPage(Page):
    """An institution's own copy of a shared reading, adapted to national law and practice.

    It starts as the master's body with the same passage ids, and remembers the master and
    the master's revision it was taken from, so the passages the master has changed since
    can be shown with a diff (academies.adaptation).
    """

    master = models.ForeignKey(
        "modules.ReadingPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="adaptations"
    )
    master_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    intro = models.TextField(blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(default=20)
    body = StreamField(ReadingBodyBlock())

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["academies.InstitutionSectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("adapted reading")

    def get_context(self, request, *args, **kwargs):
        from . import adaptation  # it imports models

        context = super().get_context(request, *args, **kwargs)
        context["section"] = self.get_parent().specific
        can_edit = request.user.is_authenticated and self.permissions_for_user(request.user).can_edit()
        context["can_edit_adaptation"] = can_edit
        context["adaptation_report"] = adaptation.report(self) if can_edit else None
        return context


class PassageReconciliation(models.Model):
    """An editor settled one passage of an adapted reading against a revision of its master:
    took the master's text, or kept their own. Later master changes to it show again."""

    class Decision(models.TextChoices):
        TOOK_MASTER = "took_master", _("Took the master's version")
        KEPT_OWN = "kept_own", _("Kept our version")

    page = models.ForeignKey(AdaptedReadingPage, on_delete=models.CASCADE, related_name="reconciliations")
    block_id = models.CharField(max_length=64)
    master_revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=12, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "block_id"], name="one_reconciliation_per_passage"),
        ]

    def __str__(self) -> str:
        return f"{self.page_id}#{self.block_id}: {self.decision}"


# ---- National programmes ----------------------------------------------------------------------


class Programme(models.Model):
    """A national programme: shared modules and readings and the institution's own units, in
    order, with the hours each takes, for a stated audience."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="programmes")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80)
    summary = models.TextField(_("summary"), blank=True)
    target_audience = models.TextField(
        _("target audience"), help_text=_("Who the programme is for, for example: newly appointed judges.")
    )
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Public programmes are shown to everyone; others to the institution's people only."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "slug"], name="one_programme_slug_per_institution"
            ),
        ]

    def __str__(self) -> str:
        return self.title


HOURS_STEP = Decimal("0.5")


class ProgrammeUnit(models.Model):
    """One unit of a programme: a shared module or reading, or a local unit or adapted reading
    from the institution's section, with its hours."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="units")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(HOURS_STEP), MaxValueValidator(Decimal("999"))],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "page"], name="one_unit_per_page_and_programme"),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="unit_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.position}: {self.page_id}"
