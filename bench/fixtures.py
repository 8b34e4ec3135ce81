"""The Django side of the benchmarks, run as a subprocess against the benchmark database:

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=... \
        python -m bench.fixtures rooms --spec '[...]' --out f.json

`rooms`      cohorts with N members each, sessions for the first M (the ones who connect)
`reading`    a 5,000-word reading of 40 passages with 200 comments in one cohort (20 in another)
`queries`    query counts: per post (service call and whole WebSocket frame), per socket
             connect, reading page at 20 and 200 comments, anonymous reading page
`ormloop`    the pipeline baseline: the same ORM writes as a post, in a plain loop

Users are made in bulk with unusable passwords and logged in by writing their session
rows directly, so thousands of them take seconds.
"""

import argparse
import json
import os
import random
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from courses.models import Cohort, Course, CourseWeek, Enrolment  # noqa: E402
from forums import services  # noqa: E402
from forums.models import Event, Post, Space, Thread  # noqa: E402

BACKEND = "django.contrib.auth.backends.ModelBackend"
WORDS = (
    "state party shall establish jurisdiction over offences committed territory vessel aircraft "
    "national request extradition mutual legal assistance evidence financing terrorist act "
    "convention protocol court prosecutor judge investigation rights fair trial detention "
    "proportionality necessity legality cooperation central authority dual criminality "
    "political offence exception refusal grounds asset freezing designation listing review"
).split()


def _course(tag: str) -> Course:
    course, created = Course.objects.get_or_create(slug=f"bench-{tag}", defaults={"title": f"Bench {tag}"})
    if created:
        for n in range(6):
            CourseWeek.objects.create(
                course=course,
                sort_order=n,
                title=f"Week {n + 1}",
                prompts=[{"type": "prompt", "value": f"Prompt {n + 1}", "id": f"{tag}-prompt-{n}"}],
            )
    return course


def _cohort(course: Course, slug: str, capacity: int) -> Cohort:
    return Cohort.objects.create(
        course=course,
        title=f"Cohort {slug}",
        slug=slug,
        weeks=6,
        capacity=max(capacity, 30),
        start_date=timezone.localdate() - timedelta(days=8),
        time_zone="UTC",
    )


def _users(prefix: str, count: int) -> list[User]:
    batch = [
        User(
            username=f"{prefix}-{n}",
            email=f"{prefix}-{n}@bench.invalid",
            display_name=f"{prefix.title()} {n}",
            password="!unusable",
        )
        for n in range(count)
    ]
    User.objects.bulk_create(batch, batch_size=1000)
    return list(User.objects.filter(username__startswith=f"{prefix}-").order_by("pk"))


def _sessions(users: list[User]) -> list[str]:
    """Log users in by writing their session rows: the cookie values, in order."""
    store = SessionStore()
    expire = timezone.now() + timedelta(days=1)
    keys, rows = [], []
    for user in users:
        key = uuid.uuid4().hex
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: BACKEND,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        keys.append(key)
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys


def make_room(tag: str, *, members: int, online: int) -> dict:
    course = _course("rooms")
    cohort = _cohort(course, tag, members)
    people = _users(tag, members)
    Enrolment.objects.bulk_create(
        [
            Enrolment(user=u, cohort=cohort, role=Enrolment.Role.TRAINEE, status=Enrolment.Status.ACTIVE)
            for u in people
        ],
        batch_size=1000,
    )
    space = services.cohort_space_ensure(cohort)
    general = space.threads.get(kind=Thread.Kind.GENERAL)
    return {
        "tag": tag,
        "space": space.pk,
        "thread": general.pk,
        "members": members,
        "users": [u.pk for u in people[:online]],
        "cookies": _sessions(people[:online]),
    }


def cmd_rooms(args) -> object:
    rooms = []
    for item in json.loads(args.spec):
        rooms.append(
            make_room(item["tag"], members=item["members"], online=item.get("online", item["members"]))
        )
    return rooms


# ---- the reading page --------------------------------------------------------------------------


def _prose(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    chosen[0] = chosen[0].capitalize()
    sentences, out = 0, []
    for n, word in enumerate(chosen):
        out.append(word)
        if n % 17 == 16:
            out[-1] += "."
            sentences += 1
    text = " ".join(out).rstrip(".") + "."
    # A little markup, as real readings have.
    head, _sep, tail = text.partition(" ")
    return f"<p><b>{head}</b> {tail}</p>"


def make_reading(words: int = 5000, passages: int = 40, comments: int = 200, small: int = 20) -> dict:
    from home.services import ensure_site_home
    from modules.factories import CurriculumIndexPageFactory, ModulePageFactory, ReadingPageFactory, paragraph

    rng = random.Random(11)
    home = ensure_site_home()
    curriculum = CurriculumIndexPageFactory(parent=home, slug="bench-curriculum", title="Curriculum")
    module = ModulePageFactory(parent=curriculum, slug="bench-module", title="Bench module")
    module.save_revision().publish()
    body = [paragraph(_prose(rng, words // passages)) for _ in range(passages)]
    reading = ReadingPageFactory(
        parent=module, slug="bench-reading", title="Extradition in practice", body=body
    )
    reading.save_revision().publish()
    course = _course("reading")
    week = CourseWeek.objects.get(course=course, sort_order=0)
    week.readings = [{"type": "reading", "value": reading.pk}]
    week.save()
    result = {"reading": reading.pk, "public_url": reading.url, "words": words, "passages": passages}
    for label, count in (("large", comments), ("small", small)):
        cohort = _cohort(course, f"reading-{label}", 60)
        space = services.cohort_space_ensure(cohort)
        # Passage comments count twice against the 12-a-minute limit (passage_post_create and
        # post_create both check it): five comments each stays well under.
        people = _users(f"reader-{label}", 40)
        Enrolment.objects.bulk_create(
            [
                Enrolment(user=u, cohort=cohort, role=Enrolment.Role.TRAINEE, status=Enrolment.Status.ACTIVE)
                for u in people
            ]
        )
        blocks = [block.id for block in reading.body]
        for n in range(count):
            services.passage_post_create(
                user=people[n % len(people)],
                space=space,
                reading=reading,
                block_id=blocks[n % len(blocks)],
                body=f"Comment {n}: " + _prose(rng, 30)[3:-4],
                client_msg_id=f"c{n}",
            )
        result[label] = {
            "comments": count,
            "url": f"/en/cohorts/{cohort.slug}/readings/{reading.pk}/",
            "cookie": _sessions(people[:1])[0],
            "user": people[0].pk,
        }
    return result


def cmd_reading(args) -> object:
    return make_reading(args.words, args.passages, args.comments)


# ---- query counts ------------------------------------------------------------------------------

_counter = {"n": 0}


def _count(execute, sql, params, many, context):
    _counter["n"] += 1
    return execute(sql, params, many, context)


def _count_every_connection() -> None:
    """Count queries on every thread's connection (the consumer's run in a worker thread)."""

    def hook(sender, connection, **kwargs):
        if _count not in connection.execute_wrappers:
            connection.execute_wrappers.append(_count)

    connection_created.connect(hook, weak=False)
    connection.ensure_connection()
    if _count not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count)


def _page_queries(url: str, user_pk: int | None, *, page_cache: bool = False) -> tuple[int, int]:
    from django.test import override_settings

    with override_settings(PAGE_CACHE_SECONDS=300 if page_cache else 0):
        client = Client(SERVER_NAME="127.0.0.1")
        if user_pk:
            client.force_login(User.objects.get(pk=user_pk))
        client.get(url)  # warm caches (site root, locales; the page itself) as a running server has them
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
    return len(ctx.captured_queries), response.status_code


def cmd_queries(args) -> object:
    import asyncio

    from channels.testing import WebsocketCommunicator

    from lms.asgi import application

    _count_every_connection()
    result: dict = {}
    room = make_room(f"q{uuid.uuid4().hex[:6]}", members=3, online=3)
    user = User.objects.get(pk=room["users"][0])
    thread = Thread.objects.select_related("space").get(pk=room["thread"])
    with CaptureQueriesContext(connection) as ctx:
        services.post_create(user=user, thread=thread, body="warm-up", client_msg_id="warm")
    with CaptureQueriesContext(connection) as ctx:
        services.post_create(user=user, thread=thread, body="counted", client_msg_id="counted")
    result["service_post_create"] = len(ctx.captured_queries)
    result["service_post_create_sql"] = [q["sql"][:120] for q in ctx.captured_queries]
    with CaptureQueriesContext(connection) as ctx:
        services.post_create(user=user, thread=thread, body="counted", client_msg_id="counted")
    result["service_post_retry"] = len(ctx.captured_queries)

    async def over_socket() -> dict:
        cookie = room["cookies"][1]
        headers = [(b"cookie", f"sessionid={cookie}".encode()), (b"origin", b"http://127.0.0.1")]
        path = f"/ws/spaces/{room['space']}/"
        before = _counter["n"]
        ws = WebsocketCommunicator(application, path, headers=headers)
        connected, _code = await ws.connect()
        assert connected
        hello = await ws.receive_json_from(timeout=5)
        assert hello["type"] == "hello", hello
        await ws.receive_json_from(timeout=5)  # its own presence
        connect = _counter["n"] - before
        counts = []
        for n in range(3):
            before = _counter["n"]
            await ws.send_json_to(
                {"type": "post", "thread": room["thread"], "body": f"frame {n}", "client_id": f"f{n}"}
            )
            seen = set()
            while seen != {"ack", "event"}:
                frame = await ws.receive_json_from(timeout=5)
                seen.add(frame["type"])
            counts.append(_counter["n"] - before)
        before = _counter["n"]
        await ws.send_json_to({"type": "ping"})
        await ws.receive_json_from(timeout=5)
        ping = _counter["n"] - before
        before = _counter["n"]
        await ws.send_json_to({"type": "resume", "last_id": 0})
        while (await ws.receive_json_from(timeout=5))["type"] != "replay_done":
            pass
        resume = _counter["n"] - before
        await ws.disconnect()
        return {"ws_connect": connect, "ws_post_frame": min(counts), "ws_ping": ping, "ws_resume": resume}

    result.update(asyncio.run(over_socket()))
    if args.reading:
        reading = json.loads(Path(args.reading).read_text())
        for label in ("small", "large"):
            info = reading[label]
            result[f"reading_{label}_comments"] = info["comments"]
            result[f"reading_{label}_queries"], _status = _page_queries(info["url"], info["user"])
        result["reading_anonymous_queries"], _status = _page_queries(reading["public_url"], None)
        result["reading_anonymous_cached_queries"], _status = _page_queries(
            reading["public_url"], None, page_cache=True
        )
    return result


# ---- the pipeline baseline ---------------------------------------------------------------------


def _next_seq(space_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE forums_space SET last_event_id = last_event_id + 1 WHERE id = %s RETURNING last_event_id",
            [space_id],
        )
        return cursor.fetchone()[0]


def cmd_ormloop(args) -> object:
    """The writes of one post (post row, thread's last_post_at, the space's next event id and
    the event row) in one transaction, as fast as a plain loop goes."""
    room = json.loads(args.room)
    space, thread, author = room["space"], room["thread"], room["users"][0]
    Space.objects.get(pk=space)  # connect before the clock starts
    latencies = []
    started = time.perf_counter()
    deadline = started + args.seconds
    n = 0
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        with transaction.atomic():
            post = Post.objects.create(
                thread_id=thread,
                space_id=space,
                author_id=author,
                body_source=f"orm {n}",
                body_html=f"<p>orm {n}</p>",
                client_msg_id=f"orm-{uuid.uuid4().hex}",
            )
            Thread.objects.filter(pk=thread).update(last_post_at=post.created_at)
            Event.objects.create(space_id=space, seq=_next_seq(space), kind="post.created", post=post)
        latencies.append(time.perf_counter() - t0)
        n += 1
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "posts": n,
        "seconds": elapsed,
        "rate": n / elapsed,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    rooms = sub.add_parser("rooms")
    rooms.add_argument("--spec", required=True)
    reading = sub.add_parser("reading")
    reading.add_argument("--words", type=int, default=5000)
    reading.add_argument("--passages", type=int, default=40)
    reading.add_argument("--comments", type=int, default=200)
    queries = sub.add_parser("queries")
    queries.add_argument("--reading", help="the JSON that `reading` wrote")
    loop = sub.add_parser("ormloop")
    loop.add_argument("--room", required=True)
    loop.add_argument("--seconds", type=float, default=5)
    for p in (rooms, reading, queries, loop):
        p.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    result = {"rooms": cmd_rooms, "reading": cmd_reading, "queries": cmd_queries, "ormloop": cmd_ormloop}[
        args.cmd
    ](args)
    args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
