"""The demo institution for `make run`: the National Judicial Academy (academy@example.org is
its admin and an editor of its section) with one local unit, a national programme mixing two
shared readings and the local unit, an adapted copy of a shared reading, and one nomination
awaiting cohort B's tutor.

Idempotent: everything is found before it is made, and an editor's later changes are kept.
The content is original writing about the Academy's own teaching, not about any real law.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from wagtail.models import Locale

from accounts.models import User
from courses.models import Cohort, Institution
from modules.models import ReadingPage

from . import services
from .models import AdaptedReadingPage, LocalUnitPage, Nomination, Programme

ACADEMY = "National Judicial Academy"
ADMIN_EMAIL = "academy@example.org"
LOCAL_UNIT_SLUG = "terrorism-cases-in-our-courts"
PROGRAMME_SLUG = "judges-induction-terrorism-cases"
ADAPTED_SLUG = "rule-of-law-and-human-rights"
DEMO_NAMESPACE = uuid.UUID("8d3c2b1a-7e6f-4a5b-9c8d-0e1f2a3b4c5d")


def _block(kind: str, value: object, n: int) -> dict:
    return {"type": kind, "value": value, "id": str(uuid.uuid5(DEMO_NAMESPACE, f"{LOCAL_UNIT_SLUG}:{n}"))}


LOCAL_UNIT_BODY = [
    _block("heading", "Why this unit", 0),
    _block(
        "paragraph",
        "<p>The shared readings explain what the universal instruments require of every State. "
        "This unit asks how those requirements arrive in our own courtrooms: which national "
        "provisions carry them, which procedural steps a judge controls, and where practice has "
        "run ahead of, or behind, the text.</p>",
        1,
    ),
    _block(
        "key_points",
        [
            "Trace one offence from the convention that defines it to the national provision "
            "that punishes it.",
            "List the decisions a trial judge takes alone, and those that need another authority.",
            "Bring one anonymised file from your own court to the seminar.",
        ],
        2,
    ),
    _block(
        "paragraph",
        "<p>The seminar is held at the Academy in the third week of the programme. Trainers work "
        "through the files participants bring, in small groups of five or six judges.</p>",
        3,
    ),
]

ADAPTED_NOTE = (
    "<p><strong>Academy note.</strong> In the induction programme this reading is discussed in "
    "the second seminar, together with the bench book's chapter on detention reviews.</p>"
)


@dataclass
class DemoAcademy:
    institution: Institution
    programme: Programme
    local_unit: LocalUnitPage
    adapted: AdaptedReadingPage


@transaction.atomic
def load_demo_academy() -> DemoAcademy | None:
    institution = Institution.objects.filter(name=ACADEMY).first()
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    default = Locale.get_default()
    readings = {
        r.slug: r
        for r in ReadingPage.objects.live().filter(
            locale=default,
            slug__in=["universal-instruments", "international-cooperation", ADAPTED_SLUG],
        )
    }
    if institution is None or admin is None or len(readings) < 3:
        return None  # the curriculum and cohorts demos come first

    section = services.section_ensure(actor=None, institution=institution)
    services.editor_add(actor=None, institution=institution, user=admin)
    if section.intro == "":
        section.intro = (
            "<p>The Academy's own units and adapted readings, and the national programmes it builds "
            "on the shared curriculum.</p>"
        )
        section.save_revision().publish()

    local_unit = LocalUnitPage.objects.child_of(section).filter(slug=LOCAL_UNIT_SLUG).first()
    if local_unit is None:
        local_unit = services.local_unit_create(
            actor=None,
            section=section,
            title="Terrorism cases in our courts: a case clinic",
            intro="A seminar on the files participants bring from their own courts.",
            body=LOCAL_UNIT_BODY,
            slug=LOCAL_UNIT_SLUG,
        )

    adapted = AdaptedReadingPage.objects.child_of(section).filter(master=readings[ADAPTED_SLUG]).first()
    if adapted is None:
        adapted = services.adaptation_create(actor=None, section=section, master=readings[ADAPTED_SLUG])
        body = [dict(block) for block in adapted.body.raw_data]
        body.insert(
            1, {"type": "paragraph", "value": ADAPTED_NOTE, "id": str(uuid.uuid5(DEMO_NAMESPACE, "note"))}
        )
        adapted.body = body
        adapted.intro = adapted.intro + " Adapted for the Academy's induction programme."
        adapted.save_revision().publish()

    programme = Programme.objects.filter(institution=institution, slug=PROGRAMME_SLUG).first()
    if programme is None:
        programme = services.programme_create(
            actor=None,
            institution=institution,
            title="Induction programme: terrorism cases for new judges",
            target_audience="Judges and magistrates in their first two years on the bench.",
            summary="Three units over three weeks: two shared readings online, "
            "then a case clinic at the Academy.",
        )
        programme.slug = PROGRAMME_SLUG
        programme.save(update_fields=["slug"])
        for page, hours, note in [
            (readings["universal-instruments"], Decimal("3"), "Online, week 1"),
            (readings["international-cooperation"], Decimal("3"), "Online, week 2"),
            (local_unit, Decimal("6"), "At the Academy, week 3"),
        ]:
            services.programme_unit_add(actor=None, programme=programme, page=page, hours=hours, note=note)

    cohort_b = Cohort.objects.filter(slug="cooperation-cohort-b", institution=institution).first()
    if cohort_b is not None:
        Nomination.objects.get_or_create(
            cohort=cohort_b,
            email="daniel.otieno@example.org",
            defaults={
                "institution": institution,
                "nominated_by": admin,
                "name": "Daniel Otieno",
                "professional_role": "Senior resident magistrate",
                "agency": "Magistrates' courts",
                "note": "Sits on the court that hears most of the region's terrorism-related "
                "bail applications.",
            },
        )
    return DemoAcademy(institution, programme, local_unit, adapted)
