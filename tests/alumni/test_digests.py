"""New developments: tutors and editors publish per theme; followers see them in the app and get
one e-mail digest per period, in their own language (locmem backend)."""

import datetime as dt
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from django.core import mail
from django.core.management import call_command

from alumni import selectors, services
from alumni.models import DigestDelivery, Subscription, Update
from lms.errors import PermissionDenied, ServiceError

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 11)  # a Wednesday


def publish(actor, theme: str, title: str, when: dt.datetime) -> Update:
    update = services.update_publish(
        actor=actor, theme=theme, kind="ratification", title=title, body=f"About {title}."
    )
    Update.objects.filter(pk=update.pk).update(published_at=when)
    return update


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


@pytest.fixture
def day_with_three_updates(tutor, editor):
    publish(tutor, "financing", "Financing ratification", at(DAY, 8))
    publish(editor, "cbrn", "CBRN amendment in force", at(DAY, 12))
    publish(tutor, "cooperation", "New extradition treaty", at(DAY, 23))
    publish(tutor, "financing", "The day before", at(DAY - dt.timedelta(days=1), 10))
    publish(tutor, "financing", "The day after", at(DAY + dt.timedelta(days=1), 0))


def subscribe(person, themes, digest, language=""):
    person.preferred_language = language
    person.save(update_fields=["preferred_language"])
    return Subscription.objects.update_or_create(user=person, defaults={"themes": themes, "digest": digest})[
        0
    ]


def test_one_digest_per_subscriber_in_their_language(
    home, day_with_three_updates, alumnus, alumnus2, tutor, editor, participant, academy_alumnus
):
    subscribe(alumnus, ["financing", "cbrn"], "daily", "fr")
    subscribe(alumnus2, ["financing", "cbrn", "cooperation", "internet"], "daily", "ar")
    subscribe(tutor, ["internet"], "daily")  # nothing in their theme that day: no e-mail
    subscribe(editor, ["financing"], "weekly", "es")  # weekly: not in the daily run
    subscribe(participant, ["financing"], "daily", "ru")  # not an alumnus: no e-mail
    subscribe(academy_alumnus, ["cooperation"], "daily", "xx")  # an unknown language falls back to English
    services.member_remove(actor=tutor, user=academy_alumnus, reason="Removed")  # removed: no e-mail
    mail.outbox.clear()

    call_command("send_alumni_digests", frequency="daily", date=(DAY + dt.timedelta(days=1)).isoformat())

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == len(by_recipient) == 2
    assert set(by_recipient) == {alumnus.email, alumnus2.email}
    for person, language, titles in (
        (alumnus, "fr", ["Financing ratification", "CBRN amendment in force"]),
        (alumnus2, "ar", ["Financing ratification", "CBRN amendment in force", "New extradition treaty"]),
    ):
        message = by_recipient[person.email]
        assert message.extra_headers["Content-Language"] == language
        html = BeautifulSoup(message.alternatives[0][0], "html.parser")
        assert html.html["lang"] == language  # rendered inside translation.override(language)
        assert html.html["dir"] == ("rtl" if language == "ar" else "ltr")
        assert f"/{language}/alumni/updates/" in message.body  # links to the pages in their language
        for title in titles:
            assert title in message.body
        assert "The day before" not in message.body and "The day after" not in message.body
        assert "Financing ratification" in html.get_text()

    # Again for the same day: nothing more goes out.
    call_command("send_alumni_digests", frequency="daily", date=(DAY + dt.timedelta(days=1)).isoformat())
    assert len(mail.outbox) == 2
    assert DigestDelivery.objects.filter(frequency="daily", period_start=DAY).count() == 2


def test_weekly_digest_covers_the_week(home, day_with_three_updates, editor):
    subscribe(editor, ["financing", "cbrn"], "weekly", "es")
    mail.outbox.clear()
    week_start, _begins, _ends = selectors.period_bounds("weekly", DAY)
    report = services.digests_send(frequency="weekly", day=DAY)
    assert report.sent == 1
    (message,) = mail.outbox
    assert message.extra_headers["Content-Language"] == "es"
    for title in ("Financing ratification", "CBRN amendment in force", "The day before", "The day after"):
        assert title in message.body
    assert DigestDelivery.objects.get().period_start == week_start
    assert services.digests_send(frequency="weekly", day=DAY + dt.timedelta(days=2)).sent == 0


def test_a_failed_send_is_retried_next_run(home, day_with_three_updates, alumnus, monkeypatch):
    subscribe(alumnus, ["financing"], "daily", "en")
    from django.core.mail import EmailMultiAlternatives

    original = EmailMultiAlternatives.send

    def broken(self, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    with pytest.raises(OSError):
        services.digests_send(frequency="daily", day=DAY)
    assert not DigestDelivery.objects.exists()
    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    assert services.digests_send(frequency="daily", day=DAY).sent == 1


@pytest.mark.parametrize(
    "who, allowed",
    [("alumnus", False), ("stranger", False), ("tutor", True), ("other_tutor", True), ("editor", True)],
)
def test_who_publishes_updates(who, allowed, person):
    if allowed:
        update = services.update_publish(actor=person, theme="internet", kind="judgment", title="T", body="B")
        assert update.author == person
    else:
        with pytest.raises(PermissionDenied):
            services.update_publish(actor=person, theme="internet", kind="judgment", title="T", body="B")


def test_updates_refuse_bad_input(tutor):
    with pytest.raises(ServiceError):
        services.update_publish(actor=tutor, theme="astrology", kind="other", title="T", body="B")
    with pytest.raises(ServiceError):
        services.update_publish(actor=tutor, theme="cbrn", kind="other", title="", body="B")
    with pytest.raises(ServiceError):
        services.update_publish(actor=tutor, theme="cbrn", kind="other", title="T", body="write to x@y.org")


def test_updates_are_shown_in_the_app(client, home, rooms, tutor, alumnus):
    client.force_login(tutor)
    response = client.post(
        "/en/alumni/updates/new/",
        {
            "theme": "transport",
            "kind": "instrument",
            "title": "New aviation protocol",
            "body": "In **force**.",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    update = Update.objects.get(title="New aviation protocol")
    client.force_login(alumnus)
    client.post("/en/alumni/settings/", {"themes": ["transport"], "digest": "weekly"})
    subscription = Subscription.objects.get(user=alumnus)
    assert (subscription.themes, subscription.digest) == (["transport"], "weekly")
    for url in ("/en/alumni/", "/en/alumni/updates/?theme=transport", "/en/alumni/transport/room/"):
        assert b"New aviation protocol" in client.get(url).content, url
    assert b"New aviation protocol" not in client.get("/en/alumni/updates/?theme=cbrn").content
    detail = client.get(f"/en/alumni/updates/{update.pk}/")
    assert b"<strong>force</strong>" in detail.content
