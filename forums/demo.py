"""Demo discussion for `make run`: cohort A's room and passage comments, dated over its
first weeks, so the roster, the room and the readings all have something to show.
Idempotent: a cohort whose room already has posts is left alone."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F

from courses.models import Cohort, Enrolment
from courses.selectors import syllabus

from . import services
from .models import Post, Thread

GENERAL = [
    (
        "tutor1@example.org",
        0,
        "Welcome to the cohort! Over six weeks we will read the universal instruments "
        "closely and test them against cases from your own practice. Please introduce yourself: "
        "your country, your role, and one question you bring to the course.",
    ),
    (
        "trainee1@example.org",
        0,
        "Hello from Amman. I am a public prosecutor working on terrorist financing "
        "files. My question: how do we prove intent when the money moved through several **intermediaries**?",
    ),
    (
        "trainee2@example.org",
        1,
        "Boa tarde from Brasília. I investigate online recruitment. I want to "
        "understand what we can request from a provider abroad, and how fast.",
    ),
    (
        "Fatou Diallo",
        1,
        "Prosecutor from Dakar. Our new law follows the 1999 Convention closely, but the "
        "courts still ask whether *funds* covers virtual assets. Curious how others have argued it.",
    ),
    (
        "Kwame Mensah",
        2,
        "High Court judge, Accra. I will be the sceptic in the room: I want to see how each "
        "safeguard works at trial, not only on paper.",
    ),
    (
        "tutor1@example.org",
        2,
        "Thank you all. A reminder that you can comment on any passage of the readings: "
        "open the **Discuss** control beside it. The best questions so far are already there.",
    ),
]
WEEK_ONE = [
    (
        "Sofia Rossi",
        3,
        "In our system the *aut dedere aut judicare* obligation is only as good as the "
        "jurisdiction rules behind it. Do the conventions require jurisdiction over offences "
        "by stateless persons?",
    ),
    (
        "tutor1@example.org",
        3,
        'Good point. Most instruments make it optional ("may also establish"). Check '
        "article 6(2) of the Terrorist Bombings Convention and compare it with article 6(1).",
    ),
    (
        "trainee2@example.org",
        4,
        "So the mandatory grounds are territory, flag, registration and nationality "
        "of the offender, and the rest depends on each State's choice. That explains some refusals we saw.",
    ),
]
PASSAGE_COMMENTS = [
    # (author, week, reading in that week, block position, day, text)
    (
        "trainee1@example.org",
        1,
        0,
        2,
        2,
        "This is the key point for our trial "
        "courts: the instruments define *offences*, not 'terrorism' as such.",
    ),
    (
        "Ahmed El-Sayed",
        1,
        0,
        2,
        3,
        "Agreed. It also avoids the political-offence "
        "debate in extradition, which the later conventions close explicitly.",
    ),
    (
        "trainee2@example.org",
        1,
        0,
        4,
        4,
        "Which of these instruments has the "
        "widest ratification today? That matters when choosing the legal basis for a request.",
    ),
    (
        "Nguyen Thi Lan",
        2,
        0,
        3,
        8,
        "In our files the hardest element to prove is knowledge of the "
        "purpose. Circumstantial evidence from messages has carried it so far.",
    ),
]
SEED = (
    1,
    0,
    1,
    "Which of these instruments has your State ratified, and which has it "
    "implemented in its criminal code? Are there gaps between the two?",
)


def _author(cohort: Cohort, key: str):
    enrolments = Enrolment.objects.filter(cohort=cohort).select_related("user")
    if "@" in key:
        return enrolments.get(user__email=key).user
    return enrolments.get(user__display_name=key).user


def _backdate(post: Post, cohort: Cohort, day: int) -> None:
    when = cohort.starts_at + timedelta(days=day, hours=9 + (post.pk % 8))
    Post.objects.filter(pk=post.pk).update(created_at=when)
    Thread.objects.filter(pk=post.thread_id).update(last_post_at=when)


@transaction.atomic
def load_demo_discussion() -> int:
    cohort = Cohort.objects.filter(slug="general-cohort-a").select_related("course").first()
    if cohort is None:
        return 0
    space = services.cohort_space_ensure(cohort)
    if space.posts.exists():
        return 0
    general = space.threads.get(kind=Thread.Kind.GENERAL)
    week_one = space.threads.filter(kind=Thread.Kind.PROMPT, week=1).first() or general
    made = 0
    for thread, rows in ((general, GENERAL), (week_one, WEEK_ONE)):
        for author, day, text in rows:
            post = services.post_create(user=_author(cohort, author), thread=thread, body=text)
            _backdate(post, cohort, day)
            made += 1
    weeks = syllabus(cohort)
    for author, week, index, position, day, text in PASSAGE_COMMENTS:
        reading = weeks[week - 1].readings[index]
        post = services.passage_post_create(
            user=_author(cohort, author),
            space=space,
            reading=reading,
            block_id=reading.body[position].id,
            body=text,
            language="en",
        )
        _backdate(post, cohort, day)
        made += 1
    week, index, position, question = SEED
    reading = weeks[week - 1].readings[index]
    services.seed_question_create(
        actor=_author(cohort, "tutor1@example.org"),
        course=cohort.course,
        reading=reading,
        block_id=reading.body[position].id,
        body=question,
    )
    Thread.objects.filter(space=space, last_post_at__isnull=True).update(last_post_at=F("created_at"))
    return made
