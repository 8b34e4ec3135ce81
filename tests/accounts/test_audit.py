"""The security audit log: what it records, and that only superusers read it (read-only)."""

from http import HTTPStatus

import pytest

from django.contrib.auth.models import Group, Permission

from accounts.models import SecurityEvent
from courses.models import Enrolment, Institution
from forums import services as forum_services
from forums.models import Thread
from modules.editorial import EDITORS

from .conftest import (
    enrol,
    give_totp,
    make_cohort,
    make_person,
    password_login,
    reauthenticate,
    totp_code,
    user,
)

pytestmark = pytest.mark.django_db


def kinds(person) -> list[str]:
    return list(SecurityEvent.objects.filter(user=person).values_list("kind", flat=True))


def test_a_login_and_a_failed_login_are_recorded_with_the_address(client, home):
    person = user("someone@example.org")
    password_login(client, person.email, "wrong", REMOTE_ADDR="192.0.2.10")
    password_login(client, person.email, REMOTE_ADDR="192.0.2.10")
    failed, login = SecurityEvent.objects.filter(user=person).order_by("created_at", "pk")
    assert (failed.kind, failed.ip, failed.actor) == ("login_failed", "192.0.2.10", None)
    assert (login.kind, login.ip, login.actor, login.detail["methods"]) == (
        "login",
        "192.0.2.10",
        person,
        "password",
    )


def test_a_login_with_a_second_factor_records_both_methods(client, home):
    person = user("someone@example.org")
    secret = give_totp(person)
    password_login(client, person.email)
    assert "login" not in kinds(person)  # not yet: the code is still to come
    client.post("/en/accounts/2fa/authenticate/", {"code": "123456"})
    client.post("/en/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    login = SecurityEvent.objects.get(user=person, kind="login")
    assert login.detail["methods"] == "mfa, password"
    assert "mfa_failed" in kinds(person)


def test_adding_and_removing_an_authenticator_app_is_recorded(
    client, home, django_capture_on_commit_callbacks
):
    person = user("someone@example.org")
    password_login(client, person.email)
    reauthenticate(client)
    secret = client.get("/en/accounts/2fa/totp/activate/").context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals after commit
        client.post("/en/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    added = SecurityEvent.objects.filter(user=person, kind="mfa_added")
    assert set(added.values_list("detail__authenticator", flat=True)) == {"totp", "recovery_codes"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/2fa/totp/deactivate/", {})
    removed = SecurityEvent.objects.filter(user=person, kind="mfa_removed")
    assert "totp" in set(removed.values_list("detail__authenticator", flat=True))


def test_role_changes_are_recorded_with_who_made_them(home):
    cohort = make_cohort("cohort-a")
    person = user("someone@example.org")
    editors = Group.objects.create(name=EDITORS)
    person.groups.add(editors)
    editors.user_set.remove(person)
    institution = Institution.objects.create(name="Academy", country="KE")
    institution.admins.add(person)
    person.administered_institutions.clear()
    enrolment = enrol(person, cohort)  # a trainee place is not a power
    enrolment.role = Enrolment.Role.TUTOR
    enrolment.save()
    enrolment.status = Enrolment.Status.REMOVED
    enrolment.save()
    rows = list(
        SecurityEvent.objects.filter(user=person).order_by("created_at", "pk").values_list("kind", "detail")
    )
    assert rows == [
        ("role_granted", {"role": "group", "group": EDITORS}),
        ("role_revoked", {"role": "group", "group": EDITORS}),
        ("role_granted", {"role": "institution_admin", "institution": "Academy"}),
        ("role_revoked", {"role": "institution_admin", "institution": "Academy"}),
        ("role_granted", {"role": "tutor", "cohort": "Cohort cohort-a"}),
        ("role_revoked", {"role": "tutor", "cohort": "Cohort cohort-a"}),
    ]


def test_a_group_change_in_the_wagtail_admin_names_the_admin(client, home):
    admin = make_person("superuser", None)
    give_totp(admin)
    person = user("someone@example.org")
    editors = Group.objects.create(name=EDITORS)
    client.force_login(admin)
    edit = f"/admin/users/edit/{person.pk}/"
    data = {
        "email": person.email,
        "username": person.username,
        "first_name": "Some",
        "last_name": "One",
        "is_active": "on",
        "groups": [editors.pk],
    }
    response = client.post(edit, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    event = SecurityEvent.objects.get(user=person, kind="role_granted")
    assert event.actor == admin and event.detail["group"] == EDITORS


def test_moderation_is_in_the_moderation_log_beside_it(client, home):
    cohort = make_cohort("cohort-a")
    space = forum_services.cohort_space_ensure(cohort)
    trainee, tutor = user("t@example.org"), user("tutor@example.org")
    enrol(trainee, cohort)
    enrol(tutor, cohort, Enrolment.Role.TUTOR)
    post = forum_services.post_create(
        user=trainee, thread=space.threads.get(kind=Thread.Kind.GENERAL), body="x"
    )
    forum_services.post_hide(actor=tutor, post=post, reason="names a witness")
    admin = make_person("superuser", None)
    give_totp(admin)
    client.force_login(admin)
    page = client.get("/admin/moderation-log/").content.decode()
    assert "names a witness" in page


@pytest.mark.parametrize(
    ("kind", "sees"),
    [
        ("superuser", True),
        ("staff", False),
        ("editor", False),
        ("admin_group_member", False),
        ("trainee", False),
    ],
)
def test_only_superusers_read_the_log(client, home, kind, sees):
    person = make_person(kind, make_cohort("cohort-a"))
    if kind == "staff":
        person.user_permissions.add(Permission.objects.get(codename="access_admin"))
    give_totp(person)
    SecurityEvent.objects.create(kind="login", user_label="someone@example.org", ip="192.0.2.1")
    client.force_login(person)
    for url in ("/admin/security-events/", "/admin/moderation-log/"):
        response = client.get(url)
        if sees:
            assert response.status_code == HTTPStatus.OK, url
        else:
            assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN), url
            assert b"someone@example.org" not in response.content
    menu = client.get("/admin/").content.decode() if kind != "trainee" else ""
    assert ("/admin/security-events/" in menu) is sees


def test_the_log_is_filterable_and_cannot_be_edited(client, home):
    admin = make_person("superuser", None)
    give_totp(admin)
    SecurityEvent.objects.create(kind="login", user_label="alice@example.org", ip="192.0.2.1")
    event = SecurityEvent.objects.create(kind="login_failed", user_label="bob@example.org", ip="192.0.2.2")
    client.force_login(admin)
    page = client.get("/admin/security-events/", {"kind": "login_failed"}).content.decode()
    assert "bob@example.org" in page and "alice@example.org" not in page
    page = client.get("/admin/security-events/", {"user_label": "alice"}).content.decode()
    assert "alice@example.org" in page and "bob@example.org" not in page
    assert client.get(f"/admin/security-events/inspect/{event.pk}/").status_code == HTTPStatus.OK
    for url in (
        "/admin/security-events/new/",
        f"/admin/security-events/edit/{event.pk}/",
        f"/admin/security-events/delete/{event.pk}/",
    ):
        assert client.get(url, follow=True).status_code == HTTPStatus.NOT_FOUND
