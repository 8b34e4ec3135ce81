"""Admins switch accounts off: sign-in refused, sessions ended, open sockets closed."""

from http import HTTPStatus

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from django.contrib.auth.models import Permission
from django.test import Client

from accounts import services
from accounts.models import SecurityEvent, User
from forums import services as forum_services
from lms.asgi import application
from lms.errors import PermissionDenied

from .conftest import PASSWORD, enrol, give_totp, make_cohort, password_login, totp_code, user


def signed_in_client(person) -> Client:
    client = Client()
    secret = give_totp(person) if person.is_superuser else None
    password_login(client, person.email)
    if secret:
        client.post("/en/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor_kind", "target_kind", "allowed"),
    [
        ("superuser", "trainee", True),
        ("superuser", "superuser", True),
        ("deactivator", "trainee", True),
        ("deactivator", "superuser", False),
        ("staff", "trainee", False),
        ("trainee", "trainee", False),
        ("self", "self", False),
    ],
)
def test_who_may_deactivate_whom(actor_kind, target_kind, allowed):
    def make(kind: str, email: str) -> User:
        person = user(email)
        if kind == "superuser":
            person.is_superuser = person.is_staff = True
        if kind == "staff":
            person.is_staff = True
        person.save()
        if kind == "deactivator":
            person.user_permissions.add(Permission.objects.get(codename="deactivate_user"))
            person = User.objects.get(pk=person.pk)  # fresh permission cache
        return person

    actor = make(actor_kind, "actor@example.org")
    target = actor if target_kind == "self" else make(target_kind, "target@example.org")
    if allowed:
        services.account_deactivate(actor=actor, user=target, reason="left the service")
        target.refresh_from_db()
        assert not target.is_active
        event = SecurityEvent.objects.get(kind="deactivated")
        assert (event.user, event.actor, event.detail["reason"]) == (target, actor, "left the service")
    else:
        with pytest.raises(PermissionDenied):
            services.account_deactivate(actor=actor, user=target)
        target.refresh_from_db()
        assert target.is_active


@pytest.mark.django_db
def test_a_deactivated_account_is_signed_out_everywhere_and_cannot_sign_in(home):
    admin = user("admin@example.org")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    person = user("someone@example.org")
    browser_a, browser_b = signed_in_client(person), signed_in_client(person)
    assert browser_a.get("/en/accounts/profile/").status_code == HTTPStatus.OK

    services.account_deactivate(actor=admin, user=person)
    for browser in (browser_a, browser_b):
        assert browser.get("/en/accounts/profile/").status_code == HTTPStatus.FOUND
    response = password_login(Client(), person.email)
    assert response["Location"] == "/en/accounts/inactive/"

    services.account_reactivate(actor=admin, user=person)
    assert password_login(Client(), person.email).status_code == HTTPStatus.FOUND
    assert list(SecurityEvent.objects.filter(user=person).values_list("kind", flat=True)[:2]) == [
        "login",
        "reactivated",
    ]


@pytest.mark.django_db
def test_unticking_active_in_the_wagtail_admin_has_the_same_effect(home):
    admin = user("admin@example.org")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    person = user("someone@example.org")
    browser = signed_in_client(person)
    admin_client = signed_in_client(admin)
    edit = f"/admin/users/edit/{person.pk}/"
    form = admin_client.get(edit).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update({"email": person.email, "first_name": "Some", "last_name": "One", "groups": []})
    data.pop("is_active", None)  # an unticked box sends nothing
    response = admin_client.post(edit, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    person.refresh_from_db()
    assert not person.is_active
    assert browser.get("/en/accounts/profile/").status_code == HTTPStatus.FOUND
    assert SecurityEvent.objects.filter(kind="deactivated", user=person, actor=admin).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_deactivation_closes_an_open_discussion_socket():
    cohort = await sync_to_async(make_cohort)("cohort-a")
    space = await sync_to_async(forum_services.cohort_space_ensure)(cohort)
    trainee = await sync_to_async(user)("amina@example.org")
    await sync_to_async(enrol)(trainee, cohort)
    admin = await sync_to_async(user)("admin@example.org")
    admin.is_superuser = True
    await sync_to_async(admin.save)()

    client = Client()
    await sync_to_async(password_login)(client, trainee.email, PASSWORD)
    cookie = client.cookies["sessionid"].value
    socket = WebsocketCommunicator(
        application,
        f"/ws/spaces/{space.pk}/",
        headers=[(b"origin", b"http://testserver"), (b"cookie", f"sessionid={cookie}".encode())],
    )
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "hello"

    # The socket sends nothing: only the after-commit notice can close it.
    await sync_to_async(services.account_deactivate)(actor=admin, user=trainee)
    frames = []
    while True:
        output = await socket.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            break
        frames.append(output)
    assert any('"revoked"' in f.get("text", "") for f in frames)
    assert output["code"] == 4403
    await socket.disconnect()


@pytest.mark.django_db
def test_the_django_admin_action_deactivates_through_the_service(home):
    admin = user("admin@example.org")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    give_totp(admin)
    people = [user("a@example.org"), user("b@example.org")]
    browsers = [signed_in_client(p) for p in people]
    admin_client = Client()
    admin_client.force_login(admin)
    response = admin_client.post(
        "/django-admin/accounts/user/",
        {"action": "deactivate", "_selected_action": [p.pk for p in people]},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(pk__in=[p.pk for p in people], is_active=True).exists()
    assert all(b.get("/en/accounts/profile/").status_code == HTTPStatus.FOUND for b in browsers)
    assert SecurityEvent.objects.filter(kind="deactivated", actor=admin).count() == 2


@pytest.mark.django_db
def test_reticking_active_in_the_wagtail_admin_is_recorded(home):
    admin = user("admin@example.org")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    give_totp(admin)
    person = user("someone@example.org")
    person.is_active = False
    person.save()
    admin_client = Client()
    admin_client.force_login(admin)
    data = {
        "email": person.email,
        "username": person.username,
        "first_name": "Some",
        "last_name": "One",
        "is_active": "on",
    }
    assert admin_client.post(f"/admin/users/edit/{person.pk}/", data).status_code == HTTPStatus.FOUND
    assert SecurityEvent.objects.filter(kind="reactivated", user=person, actor=admin).exists()
