import pytest

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Enrolment
from forums import services
from forums.models import Event, ModerationLog, Post, Reaction
from lms.errors import ServiceError

from .conftest import enrol, user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()


@pytest.fixture
def published(monkeypatch):
    sent: list[tuple[int, dict]] = []
    monkeypatch.setattr("forums.events.publish", lambda space_id, message: sent.append((space_id, message)))
    return sent


def test_post_is_sanitised_saved_and_published_once_after_commit(
    trainee, general, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post = services.post_create(user=trainee, thread=general, body="Hello <script>x()</script> **all**")
    assert published == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert "<script" not in post.body_html and "<strong>all</strong>" in post.body_html
    assert len(published) == 1
    space_id, message = published[0]
    assert space_id == general.space_id
    assert message["kind"] == "post.created"
    assert message["id"] == 1
    assert message["public"]["html"] == post.body_html


def test_event_ids_increase_per_space(trainee, general, other_cohort, django_capture_on_commit_callbacks):
    services.post_create(user=trainee, thread=general, body="one")
    services.post_create(user=trainee, thread=general, body="two")
    other_space = services.cohort_space_ensure(other_cohort)
    assert list(Event.objects.filter(space=general.space).values_list("seq", flat=True)) == [1, 2]
    assert not Event.objects.filter(space=other_space).exists()


def test_a_retry_is_answered_with_the_first_post_even_when_a_check_now_refuses(
    trainee, tutor, space, general
):
    """The first attempt landed but its acknowledgement was lost; meanwhile slow mode came
    on and the thread was locked. The retry gets the post, not an error about a post that exists."""
    first = services.post_create(user=trainee, thread=general, body="landed", client_msg_id="lost-ack")
    services.space_configure(actor=tutor, space=space, slow_mode_seconds=600, premoderated=None)
    services.thread_set(actor=tutor, thread=general, reason="calm down", locked=True)
    general.refresh_from_db()
    space.refresh_from_db()
    again = services.post_create(user=trainee, thread=general, body="landed", client_msg_id="lost-ack")
    assert again.pk == first.pk
    assert Post.objects.filter(author=trainee).count() == 1
    with pytest.raises(ServiceError) as refused:  # a new post is still refused
        services.post_create(user=trainee, thread=general, body="new", client_msg_id="new-one")
    assert refused.value.code in ("locked", "slow_mode")


def test_retry_with_same_client_id_lands_once(trainee, general):
    first = services.post_create(user=trainee, thread=general, body="once", client_msg_id="abc")
    again = services.post_create(user=trainee, thread=general, body="once", client_msg_id="abc")
    assert first.pk == again.pk
    assert Post.objects.count() == 1
    assert Event.objects.count() == 1


def _queries_for_one_post(trainee, general) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        services.post_create(user=trainee, thread=general, body="counted")
    return len(queries)


def test_query_count_per_post_does_not_grow_with_room_size(cohort, general, trainee):
    for n in range(4):
        enrol(user(f"member{n}@example.org"), cohort)
    services.post_create(user=trainee, thread=general, body="warm-up")
    small = _queries_for_one_post(trainee, general)
    for n in range(4, 150):
        enrol(user(f"member{n}@example.org"), cohort)
    large = _queries_for_one_post(trainee, general)
    assert small == large
    assert large <= 8


def test_outsider_and_tutor_of_other_cohort_cannot_post_or_moderate(general, trainee, outsider, other_tutor):
    post = services.post_create(user=trainee, thread=general, body="mine")
    for someone in (outsider, other_tutor):
        with pytest.raises(ServiceError) as exc:
            services.post_create(user=someone, thread=general, body="intrude")
        assert exc.value.code == "forbidden"
        with pytest.raises(ServiceError):
            services.post_hide(actor=someone, post=post, reason="no")
    assert Post.objects.count() == 1


def test_trainee_cannot_moderate(general, trainee, trainee2):
    post = services.post_create(user=trainee, thread=general, body="mine")
    with pytest.raises(ServiceError) as exc:
        services.post_hide(actor=trainee2, post=post, reason="no")
    assert exc.value.code == "forbidden"


def test_hide_needs_reason_and_is_logged_and_restorable(general, trainee, tutor):
    post = services.post_create(user=trainee, thread=general, body="hmm")
    with pytest.raises(ServiceError) as exc:
        services.post_hide(actor=tutor, post=post, reason=" ")
    assert exc.value.code == "reason_required"
    services.post_hide(actor=tutor, post=post, reason="off topic")
    post.refresh_from_db()
    assert post.status == Post.Status.HIDDEN
    services.post_restore(actor=tutor, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.VISIBLE
    log = list(ModerationLog.objects.order_by("created_at").values_list("action", "actor__email", "reason"))
    assert log == [("hidden", tutor.email, "off topic"), ("restored", tutor.email, "")]


def test_locked_thread_refuses_trainees_but_not_tutors(general, trainee, tutor):
    services.thread_set(actor=tutor, thread=general, locked=True)
    general.refresh_from_db()
    with pytest.raises(ServiceError) as exc:
        services.post_create(user=trainee, thread=general, body="late")
    assert exc.value.code == "locked"
    services.post_create(user=tutor, thread=general, body="tutor note")


def test_muted_participant_gets_a_clear_error(space, general, trainee, tutor):
    services.participant_mute(actor=tutor, space=space, user=trainee, minutes=30, reason="cooling off")
    with pytest.raises(ServiceError) as exc:
        services.post_create(user=trainee, thread=general, body="hello")
    assert exc.value.code == "muted"
    services.participant_mute(actor=tutor, space=space, user=trainee, minutes=0, reason="")
    services.post_create(user=trainee, thread=general, body="hello again")


def test_slow_mode_limits_trainees(space, general, trainee, tutor):
    services.space_configure(actor=tutor, space=space, slow_mode_seconds=60)
    space.refresh_from_db()
    general.space = space
    services.post_create(user=trainee, thread=general, body="first")
    with pytest.raises(ServiceError) as exc:
        services.post_create(user=trainee, thread=general, body="second")
    assert exc.value.code == "slow_mode"


def test_rate_limit_per_user(general, trainee):
    for n in range(services.POSTS_PER_MINUTE):
        services.post_create(user=trainee, thread=general, body=f"post {n}")
    with pytest.raises(ServiceError) as exc:
        services.post_create(user=trainee, thread=general, body="one too many")
    assert exc.value.code == "rate_limited"


def test_premoderation_holds_posts_until_approved(
    space, general, trainee, tutor, published, django_capture_on_commit_callbacks
):
    services.space_configure(actor=tutor, space=space, premoderated=True)
    space.refresh_from_db()
    general.space = space
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(user=trainee, thread=general, body="please approve")
    assert post.status == Post.Status.HELD
    message = published[-1][1]
    assert message["public"] is None  # others do not see it
    assert message["moderator"]["html"]
    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(actor=tutor, post=post)
    assert published[-1][1]["kind"] == "post.approved"
    assert published[-1][1]["public"]["html"]


def test_reaction_toggles_and_counts(general, trainee, trainee2):
    post = services.post_create(user=trainee, thread=general, body="agree?")
    assert services.reaction_toggle(user=trainee2, post=post, kind="agree") == {"agree": 1}
    assert services.reaction_toggle(user=trainee2, post=post, kind="agree") == {}
    with pytest.raises(ServiceError):
        services.reaction_toggle(user=trainee2, post=post, kind="evil")
    assert Reaction.objects.count() == 0


def test_flag_and_resolve(general, trainee, trainee2, tutor):
    post = services.post_create(user=trainee, thread=general, body="questionable")
    flag = services.post_flag(user=trainee2, post=post, reason="personal attack")
    with pytest.raises(ServiceError) as exc:
        services.post_flag(user=trainee2, post=post, reason="again")
    assert exc.value.code == "already_flagged"
    services.flag_resolve(actor=tutor, flag=flag, resolution="talked to author")
    flag.refresh_from_db()
    assert flag.resolved_by == tutor
    assert ModerationLog.objects.filter(action="resolve_flag").exists()


def test_author_edits_and_deletes_own_post_but_not_others(general, trainee, trainee2):
    post = services.post_create(user=trainee, thread=general, body="draft")
    services.post_edit(user=trainee, post=post, body="final")
    post.refresh_from_db()
    assert "final" in post.body_html and post.edited_at
    with pytest.raises(ServiceError):
        services.post_edit(user=trainee2, post=post, body="hijack")
    with pytest.raises(ServiceError):
        services.post_delete(user=trainee2, post=post)
    services.post_delete(user=trainee, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.DELETED


def test_empty_and_oversized_posts_are_refused_and_nothing_is_saved(general, trainee):
    for body, code in (("   ", "empty"), ("x" * 10_001, "too_long")):
        with pytest.raises(ServiceError) as exc:
            services.post_create(user=trainee, thread=general, body=body)
        assert exc.value.code == code
    assert not Post.objects.exists() and not Event.objects.exists()


def test_removed_trainee_loses_the_room(cohort, general, trainee):
    Enrolment.objects.filter(user=trainee, cohort=cohort).update(status=Enrolment.Status.REMOVED)
    with pytest.raises(ServiceError) as exc:
        services.post_create(user=trainee, thread=general, body="still here?")
    assert exc.value.code == "forbidden"


def test_cohort_space_has_general_and_one_thread_per_prompt(space, cohort):
    kinds = list(space.threads.values_list("kind", "week").order_by("week"))
    assert ("general", None) in kinds
    assert sorted(week for kind, week in kinds if kind == "prompt") == [1, 2, 3, 4, 5, 6]
    again = services.cohort_space_ensure(cohort)
    assert again.pk == space.pk and again.threads.count() == 7


def test_mentioning_a_member_emails_them_once_in_their_language(
    general, trainee, trainee2, outsider, django_capture_on_commit_callbacks
):
    from django.core import mail

    trainee2.preferred_language = "fr"
    trainee2.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(
            user=trainee, thread=general, body="Thanks @Carlos — and @Irina (not in this cohort), @Amina"
        )
    assert [m.to for m in mail.outbox] == [[trainee2.email]]
    assert f"/cohorts/{general.space.cohort.slug}/room/threads/{general.pk}/" in mail.outbox[0].body
    assert "Irina" not in mail.outbox[0].to[0]
