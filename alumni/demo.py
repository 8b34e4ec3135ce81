"""Demo alumni community for `make run`: the pilot cohort's trainees (courses/demo.py) are
alumni, with a few posts in the alumni rooms, some directory profiles opted in, theme
subscriptions and one update per theme. Idempotent: what exists is left alone."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from courses.models import Cohort, Enrolment
from forums import services as forum_services
from forums.models import Post, Thread

from . import services
from .models import AlumniRoom, DirectoryProfile, Subscription, Theme, Update

A = Enrolment.AgencyType
POSTS = [
    # (room key, author e-mail, days ago, text)
    (
        "general",
        "tutor2@example.org",
        30,
        "Welcome to the alumni community! This room is open to everyone who finished a cohort, "
        "and to every tutor. Tell us what you are working on now.",
    ),
    (
        "general",
        "trainee1@example.org",
        29,
        "Hello again from Amman. Since the pilot I have used the checklist from week 3 in two "
        "**mutual legal assistance** requests; both came back within the month.",
    ),
    (
        "general",
        "alumnus01@example.org",
        27,
        "Good to see you here, Amina. In Maputo we are drafting a model request for subscriber "
        "information; I will share it once it is cleared.",
    ),
    (
        "cooperation",
        "alumnus04@example.org",
        20,
        "Has anyone had a request refused for lack of *dual criminality* when the conduct was "
        "financing of a foreign terrorist fighter's travel?",
    ),
    (
        "cooperation",
        "alumnus03@example.org",
        19,
        "Yes, once. We answered with the offence as defined in both laws, not its label, and the "
        "request went through on the second try.",
    ),
    (
        "financing",
        "alumnus05@example.org",
        12,
        "Our unit now receives virtual-asset reports. Which of you already has case law on "
        "freezing them without delay?",
    ),
]
PROFILES = [
    # e-mail, visible, role, languages, themes, expertise
    (
        "trainee1@example.org",
        True,
        "Public prosecutor, terrorist financing",
        ["ar", "en", "fr"],
        [Theme.FINANCING, Theme.COOPERATION],
        "Financing cases; requests to Gulf and European central authorities.",
    ),
    (
        "alumnus01@example.org",
        True,
        "Prosecutor, central authority",
        ["pt", "en"],
        [Theme.COOPERATION, Theme.INTERNET],
        "Mutual legal assistance and electronic evidence.",
    ),
    (
        "alumnus03@example.org",
        True,
        "Investigating judge",
        ["fr", "en"],
        [Theme.COOPERATION],
        "Extradition and joint investigation teams in West Africa.",
    ),
    (
        "alumnus05@example.org",
        True,
        "Analyst, financial intelligence unit",
        ["en"],
        [Theme.FINANCING],
        "Virtual assets and suspicious transaction reports.",
    ),
    # Hidden: nothing of it is visible to anyone else.
    ("alumnus02@example.org", False, "Police investigator", ["ru", "kk", "en"], [Theme.CBRN], ""),
]
UPDATES = [
    (
        Theme.FINANCING,
        Update.Kind.RESOLUTION,
        "Security Council renews the sanctions monitoring mandate",
        "The monitoring team's mandate is renewed with new language on **virtual assets** and "
        "crowdfunding. Useful when a court asks what 'funds' covers.",
    ),
    (
        Theme.CBRN,
        Update.Kind.RATIFICATION,
        "Two more States ratify the amended nuclear material convention",
        "The amendment now binds more parties: the offences of smuggling nuclear material and "
        "sabotage of facilities apply between them.",
    ),
    (
        Theme.TRANSPORT,
        Update.Kind.INSTRUMENT,
        "Aviation protocol on unruly and dangerous passengers enters into force for new parties",
        "Jurisdiction of the State of landing is extended: check your code's jurisdiction clauses.",
    ),
    (
        Theme.INTERNET,
        Update.Kind.JUDGMENT,
        "Appeal court rules on authentication of messages obtained from a foreign provider",
        "A fictional summary for the demo: the court accepted a provider's certificate with a "
        "hash log, without a witness from the provider.",
    ),
    (
        Theme.COOPERATION,
        Update.Kind.OTHER,
        "New model request for preservation of electronic data",
        "The central authorities' network published a model form. Tutors will discuss it in the "
        "cooperation room next month.",
    ),
]


def _users() -> dict[str, User]:
    return {u.email: u for u in User.objects.filter(email__endswith="@example.org")}


def _post(room: AlumniRoom, author: User, days_ago: int, text: str) -> None:
    thread = room.space.threads.get(kind=Thread.Kind.GENERAL)
    thread.space = room.space
    post = forum_services.post_create(user=author, thread=thread, body=text, language="en")
    when = timezone.now() - timedelta(days=days_ago, hours=post.pk % 7)
    Post.objects.filter(pk=post.pk).update(created_at=when)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=when)


@transaction.atomic
def load_demo_alumni() -> int:
    """Returns how many posts were made (0 when the demo community was already there)."""
    rooms = {room.key: room for room in services.alumni_rooms_ensure()}
    pilot = Cohort.objects.filter(slug="cooperation-pilot").first()
    if pilot is None:
        return 0
    users = _users()
    made = 0
    if not Post.objects.filter(space__alumni_room__isnull=False).exists():
        for key, email, days_ago, text in POSTS:
            if email in users:
                _post(rooms[key], users[email], days_ago, text)
                made += 1
    enrolments = {e.user.email: e for e in pilot.enrolments.select_related("user")}
    for email, visible, role, languages, themes, expertise in PROFILES:
        user = users.get(email)
        if user is None or DirectoryProfile.objects.filter(user=user).exists():
            continue
        enrolment = enrolments.get(email)
        services.profile_save(
            user=user,
            display_name=user.public_name,
            visibility=(
                DirectoryProfile.Visibility.COMMUNITY if visible else DirectoryProfile.Visibility.HIDDEN
            ),
            country=user.country,
            agency_type=enrolment.agency_type if enrolment else "",
            role=role,
            expertise=expertise,
            languages=languages,
            themes=themes,
        )
    for email, themes, digest in (
        ("trainee1@example.org", [Theme.FINANCING, Theme.COOPERATION], Subscription.Digest.DAILY),
        ("alumnus01@example.org", list(Theme.values), Subscription.Digest.WEEKLY),
    ):
        if email in users and not Subscription.objects.filter(user=users[email]).exists():
            services.subscription_set(user=users[email], themes=themes, digest=digest)
    publisher = users.get("tutor2@example.org")
    if publisher is not None and not Update.objects.exists():
        for days_ago, (theme, kind, title, body) in enumerate(UPDATES, start=1):
            update = services.update_publish(
                actor=users.get("editor@example.org", publisher) if theme == Theme.INTERNET else publisher,
                theme=theme,
                kind=kind,
                title=title,
                body=body,
                language="en",
            )
            Update.objects.filter(pk=update.pk).update(
                published_at=timezone.now() - timedelta(days=days_ago * 2)
            )
    return made
