"""Demo courses and cohorts for `make run`, built from the demo curriculum (modules/demo.py).

Idempotent, and dated from today: each run moves the cohorts' start dates so the demo
is always in the same state — cohort A in its second week, cohort B in its third, an
upcoming cohort taking applications, and a pilot cohort that has ended. Courses are
created once and then left alone, so an editor's changes survive a re-run.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.demo import ensure_user
from accounts.models import User
from modules.models import ReadingPage
from reports import services as report_services
from reports.models import ParticipantProfile

from . import services
from .models import (
    Cohort,
    Course,
    CourseWeek,
    Enrolment,
    FeedbackResponse,
    Institution,
    ReadingProgress,
)

# Fixed, documented codes (docs/cohorts.md, README): eight characters from models.new_code's alphabet.
COHORT_A_CODE = "LEGALA26"
COHORT_B_CODE = "LEGALB26"
PROMPT_NAMESPACE = uuid.UUID("2b0c8f5e-9d7a-4c61-8e3f-5a1d2c3b4e70")

Week = tuple[str, list[str], list[str], str]  # title, reading slugs, prompts, assignment

GENERAL_WEEKS: list[Week] = [
    (
        "The universal instruments",
        ["universal-instruments", "rule-of-law-and-human-rights"],
        [
            "Which of the universal instruments has your country ratified, and which has it not? "
            "What difference has that made to a case you know?",
            "Where does the duty to extradite or prosecute leave a judge who doubts the fairness "
            "of the requesting state's courts?",
        ],
        "Introduce yourself in the cohort room: your role, your country, and one question you bring.",
    ),
    (
        "Financing of terrorism",
        ["financing-offence", "freezing-and-confiscation"],
        [
            "The financing offence does not require that the funds were actually used. "
            "How would you prove the intention or knowledge the Convention asks for?",
            "Who in your system may freeze assets without delay, and on what evidence?",
        ],
        "Describe, in a short post, how a suspicious transaction report reaches a prosecutor "
        "in your country.",
    ),
    (
        "Chemical, biological, radiological and nuclear terrorism",
        ["nuclear-and-radiological-terrorism", "chemical-and-biological-terrorism"],
        [
            "Which offences would you charge for the unlawful possession of a radioactive source "
            "that was never used?",
            "What expert evidence would your court need in a case involving a precursor chemical?",
        ],
        "",
    ),
    (
        "Aviation and the sea",
        ["civil-aviation-instruments", "maritime-navigation-and-fixed-platforms"],
        [
            "A hijacked aircraft lands in your country. Which state may prosecute, and which should?",
            "How would evidence gathered on a foreign-flagged ship reach your court?",
        ],
        "",
    ),
    (
        "Terrorist use of the internet",
        ["terrorist-use-of-the-internet", "online-propaganda-and-incitement"],
        [
            "Where is the line between protected expression and incitement in your law?",
            "Which data can you obtain from a provider abroad without a mutual legal assistance request?",
        ],
        "Share one anonymised example of online evidence you had to authenticate, and how you did it.",
    ),
    (
        "Cooperation and trial",
        ["international-cooperation", "prosecuting-cbrn-offences"],
        [
            "What would you change in your country's practice after this course?",
            "Which contact from this cohort would you call first in a cross-border case, and why?",
        ],
        "Write a short reflection on what the course will change in your work.",
    ),
]

COOPERATION_WEEKS: list[Week] = [
    (
        "Foundations of cooperation",
        ["universal-instruments", "international-cooperation"],
        [
            "Which legal basis do you use most often for a request: a treaty, the universal "
            "instruments, or reciprocity?",
            "What is the most common reason a request from your office comes back unanswered?",
        ],
        "Introduce yourself and the central authority you work with most.",
    ),
    (
        "Safeguards",
        ["rule-of-law-and-human-rights"],
        [
            "When may a court refuse extradition on human-rights grounds, and who bears the burden of proof?",
            "How do assurances from the requesting state work in practice?",
        ],
        "",
    ),
    (
        "Following the money across borders",
        ["financial-intelligence-and-evidence", "freezing-and-confiscation"],
        [
            "How does financial intelligence from a foreign unit become admissible evidence in your court?",
            "Who decides on sharing confiscated assets with another state?",
        ],
        "",
    ),
    (
        "Electronic evidence",
        ["digital-evidence-across-borders", "online-propaganda-and-incitement"],
        [
            "How long does a preservation order take to reach a provider abroad from your office?",
            "What would a model request for subscriber information look like?",
        ],
        "Draft, in outline, a preservation request for data held abroad.",
    ),
    (
        "Jurisdiction in transport cases",
        ["jurisdiction-and-investigation-in-transport-cases", "civil-aviation-instruments"],
        [
            "Two states claim jurisdiction over the same attack. How should they decide who prosecutes?",
            "What would a joint investigation team add in a maritime case?",
        ],
        "",
    ),
    (
        "Prosecuting together",
        ["prosecuting-cbrn-offences", "financing-offence"],
        [
            "What did the cohort teach you about how other systems work?",
            "Which contact from this cohort would you call first in a cross-border case?",
        ],
        "Write a short reflection on what the course will change in your work.",
    ),
]


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    country: str
    agency: str


def _people(prefix: str, rows: list[tuple[str, str, str]]) -> list[Person]:
    return [
        Person(f"{prefix}{n:02d}", name, country, agency) for n, (name, country, agency) in enumerate(rows, 1)
    ]


A = Enrolment.AgencyType
COHORT_A_PEOPLE = _people(
    "participant",
    [
        ("Fatou Diallo", "SN", A.PROSECUTION),
        ("Kwame Mensah", "GH", A.JUDICIARY),
        ("Nguyen Thi Lan", "VN", A.POLICE),
        ("Ahmed El-Sayed", "EG", A.PROSECUTION),
        ("Sofia Rossi", "IT", A.JUDICIARY),
        ("Juan Pablo Ortiz", "CO", A.POLICE),
        ("Aigerim Bekova", "KZ", A.FIU),
        ("Rahul Sharma", "IN", A.PROSECUTION),
        ("Olena Petrenko", "UA", A.DEFENCE),
        ("Samuel Otieno", "KE", A.CORRECTIONS),
        ("Maria Santos", "PH", A.JUDICIARY),
        ("Youssef Ben Ali", "TN", A.MINISTRY),
    ],
)
COHORT_B_PEOPLE = _people(
    "njatrainee",
    [
        ("Grace Wanjiru", "KE", A.JUDICIARY),
        ("Peter Kamau", "KE", A.PROSECUTION),
        ("Mercy Achieng", "KE", A.JUDICIARY),
        ("David Kiprop", "KE", A.POLICE),
    ],
)
APPLICANTS = _people(
    "applicant",
    [
        ("Lucía Fernández", "AR", A.PROSECUTION),
        ("Tariq Hussain", "PK", A.JUDICIARY),
    ],
)
ALUMNI = _people(
    "alumnus",
    [
        ("Ana Lima", "MZ", A.PROSECUTION),
        ("Bakhyt Nurlanov", "KZ", A.POLICE),
        ("Claire Martin", "BF", A.JUDICIARY),
        ("Dmitri Orlov", "AM", A.PROSECUTION),
        ("Esther Mwale", "ZM", A.FIU),
    ],
)


# Gender and professional role as the demo trainees answered them at enrolment.
DEMO_WOMEN = {
    "Amina Haddad", "Irina Volkova", "Fatou Diallo", "Nguyen Thi Lan", "Sofia Rossi", "Aigerim Bekova",
    "Olena Petrenko", "Maria Santos", "Grace Wanjiru", "Mercy Achieng", "Lucía Fernández", "Ana Lima",
    "Claire Martin", "Esther Mwale",
}  # fmt: skip
DEMO_UNDISCLOSED = {"Youssef Ben Ali"}  # someone always prefers not to say
G, R = ParticipantProfile.Gender, ParticipantProfile.ProfessionalRole
ROLE_BY_AGENCY = {
    A.JUDICIARY: R.JUDGE,
    A.PROSECUTION: R.PROSECUTOR,
    A.POLICE: R.INVESTIGATOR,
    A.DEFENCE: R.DEFENCE,
    A.CORRECTIONS: R.PRISON,
    A.MINISTRY: R.CENTRAL_AUTHORITY,
}


def _answer_profile(enrolment: Enrolment) -> None:
    """The demo trainee's answers, unless they already changed them (the demo reloads on every run)."""
    if ParticipantProfile.objects.filter(enrolment=enrolment).exists():
        return
    name = enrolment.user.display_name
    gender = G.UNDISCLOSED if name in DEMO_UNDISCLOSED else G.WOMAN if name in DEMO_WOMEN else G.MAN
    report_services.participant_profile_record(
        enrolment=enrolment,
        gender=gender,
        professional_role=ROLE_BY_AGENCY.get(enrolment.agency_type, R.OTHER),
    )


def _local_today(time_zone: str) -> date:
    return timezone.localdate(timezone=ZoneInfo(time_zone))


def _readings_by_slug() -> dict[str, ReadingPage]:
    return {page.slug: page for page in ReadingPage.objects.filter(locale__language_code="en")}


def ensure_course(slug: str, title: str, description: str, weeks: list[Week]) -> Course:
    course = Course.objects.filter(slug=slug).first()
    if course is not None:
        return course
    pages = _readings_by_slug()
    course = Course.objects.create(slug=slug, title=title, description=description, hours=30)
    for order, (week_title, reading_slugs, prompts, assignment) in enumerate(weeks):
        CourseWeek.objects.create(
            course=course,
            sort_order=order,
            title=week_title,
            readings=[("reading", pages[s]) for s in reading_slugs if s in pages],
            prompts=[
                {
                    "type": "prompt",
                    "value": text,
                    "id": str(uuid.uuid5(PROMPT_NAMESPACE, f"{slug}:{order}:{i}")),
                }
                for i, text in enumerate(prompts)
            ],
            assignment=assignment,
        )
    return course


def ensure_cohort(slug: str, *, start_offset_days: int, **fields: object) -> Cohort:
    """Create or re-date a cohort so that it started `start_offset_days` ago (negative: in the future)."""
    cohort = Cohort.objects.filter(slug=slug).first() or Cohort(slug=slug, **fields)
    cohort.start_date = _local_today(str(fields["time_zone"])) - timedelta(days=start_offset_days)
    cohort.full_clean(exclude=["starts_at", "ends_at"])  # derived in save()
    cohort.save()
    return cohort


def _person_user(person: Person) -> User:
    user, _ = ensure_user(f"{person.key}@example.org", display_name=person.name, country=person.country)
    return user


def _enrol(
    user: User,
    cohort: Cohort,
    *,
    role: str = Enrolment.Role.TRAINEE,
    status: str = Enrolment.Status.ACTIVE,
    agency: str = "",
    statement: str = "",
) -> Enrolment:
    enrolment, _ = Enrolment.objects.get_or_create(
        user=user,
        cohort=cohort,
        defaults={
            "role": role,
            "status": status,
            "country": user.country,
            "agency_type": agency,
            "statement": statement,
            "decided_at": None if status == Enrolment.Status.APPLIED else timezone.now(),
        },
    )
    if role == Enrolment.Role.TRAINEE:
        _answer_profile(enrolment)
    return enrolment


def _read(enrolment: Enrolment, course: Course, done_per_week: list[int]) -> None:
    """Mark the first n readings of each week read (n from `done_per_week`)."""
    weeks = list(course.weeks.order_by("sort_order"))
    for number, (week, count) in enumerate(zip(weeks, done_per_week, strict=False), start=1):
        for reading_id in week.reading_ids[:count]:
            ReadingProgress.objects.get_or_create(
                enrolment=enrolment, reading_id=reading_id, defaults={"week": number}
            )


@transaction.atomic
def load_demo_cohorts() -> dict[str, Cohort]:
    users = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    general = ensure_course(
        "general-course",
        "The universal legal framework against terrorism",
        "Six weeks on the universal instruments and how criminal-justice officials apply them: "
        "financing, CBRN, transport and the internet, with human rights and international "
        "cooperation throughout.",
        GENERAL_WEEKS,
    )
    cooperation = ensure_course(
        "international-cooperation",
        "International cooperation in criminal matters related to terrorism",
        "Six weeks on extradition, mutual legal assistance, financial intelligence and "
        "electronic evidence across borders, for prosecutors, judges and central authorities.",
        COOPERATION_WEEKS,
    )
    academy, _ = Institution.objects.get_or_create(
        name="National Judicial Academy",
        defaults={"country": "KE", "kind": Institution.Kind.JUDICIAL_ACADEMY},
    )
    academy.admins.add(users["academy@example.org"])

    cohort_a = ensure_cohort(
        "general-cohort-a",
        start_offset_days=9,  # day 10: week 2
        course=general,
        title="Universal framework, cohort A",
        time_zone="Europe/Vienna",
        capacity=30,
        invitation_code=COHORT_A_CODE,
        accepts_codes=True,
    )
    cohort_b = ensure_cohort(
        "cooperation-cohort-b",
        start_offset_days=16,  # day 17: week 3
        course=cooperation,
        title="International cooperation, cohort B (National Judicial Academy)",
        time_zone="Africa/Nairobi",
        capacity=20,
        institution=academy,
        invitation_code=COHORT_B_CODE,
        accepts_codes=True,
    )
    upcoming = ensure_cohort(
        "general-cohort-c",
        start_offset_days=-24,
        course=general,
        title="Universal framework, cohort C",
        time_zone="America/Bogota",
        language="es",
        capacity=25,
        accepts_codes=False,
        accepts_applications=True,
    )
    pilot = ensure_cohort(
        "cooperation-pilot",
        start_offset_days=84,  # ended six weeks ago
        course=cooperation,
        title="International cooperation, pilot cohort",
        time_zone="UTC",
        capacity=20,
        accepts_codes=False,
    )

    tutor1, tutor2 = users["tutor1@example.org"], users["tutor2@example.org"]
    _enrol(tutor1, cohort_a, role=Enrolment.Role.TUTOR)
    _enrol(tutor1, upcoming, role=Enrolment.Role.TUTOR)
    _enrol(tutor2, cohort_b, role=Enrolment.Role.TUTOR)
    _enrol(tutor2, pilot, role=Enrolment.Role.TUTOR)

    # Cohort A: the named demo trainees and a dozen from around the world, some ahead, some behind.
    _read(_enrol(users["trainee1@example.org"], cohort_a, agency=A.PROSECUTION), general, [1])
    _read(_enrol(users["trainee2@example.org"], cohort_a, agency=A.JUDICIARY), general, [2])
    rng = random.Random(26)  # fixed seed: the same demo every time
    for person in COHORT_A_PEOPLE:
        enrolment = _enrol(_person_user(person), cohort_a, agency=person.agency)
        _read(enrolment, general, [rng.choice([0, 1, 2, 2, 2]), rng.choice([0, 0, 1, 2])])

    _read(_enrol(users["trainee3@example.org"], cohort_b, agency=A.JUDICIARY), cooperation, [2, 1])
    for person, done in zip(COHORT_B_PEOPLE, [[2, 1, 1], [2, 1], [1], [2, 1, 2]], strict=True):
        _read(_enrol(_person_user(person), cohort_b, agency=person.agency), cooperation, done)

    for person in APPLICANTS:
        _enrol(
            _person_user(person),
            upcoming,
            status=Enrolment.Status.APPLIED,
            agency=person.agency,
            statement="I prosecute terrorism cases and want to understand the universal instruments better "
            "before a large trial next year.",
        )

    # The pilot: everyone finished, with certificates (trainee1 is an alumna too).
    alumni = [(users["trainee1@example.org"], A.PROSECUTION)] + [(_person_user(p), p.agency) for p in ALUMNI]
    for n, (user, agency) in enumerate(alumni):
        enrolment = _enrol(user, pilot, agency=agency)
        _read(enrolment, cooperation, [9] * 6)
        services.enrolment_complete(
            actor=tutor2,
            enrolment=enrolment,
            reason="Completed the pilot run (demo data, before posts were counted).",
        )
        if n % 2 == 0:
            FeedbackResponse.objects.get_or_create(
                enrolment=enrolment,
                defaults={
                    "relevance": 5 - n % 2,
                    "impact_prosecuting": 4,
                    "impact_cooperating": 5,
                    "comments": "The discussions with colleagues from other countries "
                    "were the most useful part.",
                },
            )
    return {"a": cohort_a, "b": cohort_b, "upcoming": upcoming, "ended": pilot}
