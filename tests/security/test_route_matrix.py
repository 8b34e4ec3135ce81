"""Who may reach every route of the platform — HTTP and WebSocket — as a matrix of roles
in the demo world. A route added without its row here fails `test_every_route_has_a_row`.

Roles: anonymous; trainee (trainee1: cohort A, and an alumna of the pilot); trainee of
another cohort (trainee3: cohort B); tutor (tutor1: cohort A); tutor of another cohort
(tutor2: cohort B); admin of another institution (academy@: National Judicial Academy,
which owns cohort B, not A); editor (curriculum editor); staff (superuser).

"Allowed" means the role gets the page or its action is processed (any status but
403/404 and a redirect to log in); "refused" means 403, 404 or a redirect to log in.
A server error is always a failure.
"""

import asyncio
from http import HTTPStatus

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from courses.models import Certificate, Cohort, Enrolment, Invitation
from courses.selectors import syllabus
from forums.models import Post, Thread
from lms.asgi import application
from lms.routing import websocket_urlpatterns
from modules.models import ModulePage

from .routes import own_routes

ROLES = {
    "anonymous": None,
    "trainee": "trainee1@example.org",
    "trainee_other": "trainee3@example.org",
    "tutor": "tutor1@example.org",
    "tutor_other": "tutor2@example.org",
    "institution_other": "academy@example.org",
    "editor": "editor@example.org",
    "staff": "admin@example.org",
}
ALL = frozenset(ROLES)
SIGNED_IN = ALL - {"anonymous"}
NOBODY: frozenset[str] = frozenset()
A_MEMBERS = frozenset({"trainee", "tutor", "staff"})
A_TUTORS = frozenset({"tutor", "staff"})
B_TUTORS = frozenset({"tutor_other", "institution_other", "staff"})
STAFF = frozenset({"staff"})
# Alumni (trainee1 finished the pilot) and tutors, editors and institution admins anywhere.
ALUMNI_COMMUNITY = frozenset({"trainee", "tutor", "tutor_other", "institution_other", "editor", "staff"})
EXPORTERS = frozenset({"editor", "institution_other", "staff"})  # curriculum editors, academies, staff
REPORT_READERS = frozenset({"institution_other", "staff"})
ALUMNI_MODERATORS = frozenset({"tutor", "tutor_other", "institution_other", "editor", "staff"})
NJA_ADMINS = frozenset({"institution_other", "staff"})
PILOT_TUTORS = frozenset({"tutor_other", "staff"})

# route name -> (method, params from the world, who is allowed[, form data])
MATRIX: dict[str, tuple] = {
    # curriculum: public
    "modules:glossary": ("get", "", ALL),
    "modules:term": ("get", "slug=term", ALL),
    "modules:instruments": ("get", "", ALL),
    "modules:instrument": ("get", "slug=instrument", ALL),
    "modules:cases": ("get", "", ALL),
    "modules:case": ("get", "slug=case", ALL),
    "modules:search": ("get", "", ALL),
    "modules:translation_request": ("post", "page_id=reading", SIGNED_IN),
    "healthz": ("get", "", ALL),
    "javascript-catalog": ("get", "", ALL),
    # cohorts
    "courses:my_courses": ("get", "", SIGNED_IN),
    "courses:join": ("get", "", SIGNED_IN),
    "courses:open_cohorts": ("get", "", ALL),
    "courses:dashboard": ("get", "slug=cohort_a", A_MEMBERS),
    "courses:apply": ("get", "slug=cohort_upcoming", SIGNED_IN),
    "courses:week": ("get", "slug=cohort_a,number=1", A_MEMBERS),
    "courses:reading": ("get", "slug=cohort_a,reading_id=reading", A_MEMBERS),
    "courses:reading_done": ("post", "slug=cohort_a,reading_id=reading", frozenset({"trainee"})),
    # Cohort A is in week 2: completing and the survey open only in the last week (tests/courses).
    "courses:complete_self": ("post", "slug=cohort_a", NOBODY),
    "courses:feedback": ("get", "slug=cohort_a", NOBODY),
    "courses:roster": ("get", "slug=cohort_a", A_TUTORS),
    "courses:nudge": ("post", "slug=cohort_a,enrolment_id=a_trainee_enrolment", A_TUTORS),
    "courses:completion": ("get", "slug=cohort_a,enrolment_id=a_trainee_enrolment", A_TUTORS),
    "courses:applications": ("get", "slug=cohort_upcoming", frozenset({"tutor", "staff"})),
    "courses:decide": ("post", "slug=cohort_upcoming,enrolment_id=applicant", frozenset({"tutor", "staff"})),
    "courses:invitations": ("get", "slug=cohort_a", A_TUTORS),
    "courses:invitation": ("get", "token=invitation", SIGNED_IN),
    "courses:certificate": ("get", "code=certificate", frozenset({"trainee", "tutor_other", "staff"})),
    "courses:verify": ("get", "", ALL),
    "courses:verify_code": ("get", "code=certificate", ALL),
    "courses:profile_answers": ("get", "", SIGNED_IN),
    # cohort discussion
    "forums:room": ("get", "cohort_slug=cohort_a", A_MEMBERS),
    "forums:thread": ("get", "cohort_slug=cohort_a,thread_id=thread", A_MEMBERS),
    "forums:thread_create": ("post", "cohort_slug=cohort_a", A_MEMBERS),
    "forums:post_create": ("post", "cohort_slug=cohort_a,thread_id=thread", A_MEMBERS),
    "forums:thread_state": ("post", "cohort_slug=cohort_a,thread_id=thread", A_TUTORS),
    "forums:post_action": ("post", "cohort_slug=cohort_a,post_id=post,action=hide", A_TUTORS),
    "forums:moderation": ("get", "cohort_slug=cohort_a", A_TUTORS),
    "forums:passage_post": ("post", "cohort_slug=cohort_a,reading_id=reading,block_id=block", A_MEMBERS),
    "forums:seed_question": ("post", "cohort_slug=cohort_a,reading_id=reading,block_id=block", A_TUTORS),
    # alumni community
    "alumni:home": ("get", "", SIGNED_IN),
    "alumni:updates": ("get", "", ALUMNI_COMMUNITY),
    "alumni:update_new": ("get", "", ALUMNI_MODERATORS),
    "alumni:update": ("get", "update_id=update", ALUMNI_COMMUNITY),
    "alumni:settings": ("get", "", ALUMNI_COMMUNITY),
    "alumni:directory": ("get", "", ALUMNI_COMMUNITY),
    "alumni:my_profile": ("get", "", ALUMNI_COMMUNITY),
    "alumni:profile": ("get", "profile_id=profile", ALUMNI_COMMUNITY),
    "alumni:contact_request": ("post", "profile_id=profile", ALUMNI_COMMUNITY),
    "alumni:contacts": ("get", "", ALUMNI_COMMUNITY),
    "alumni:contact_decide": ("post", "request_id=contact", NOBODY),
    "alumni:impact": ("get", "enrolment_id=pilot_enrolment,wave=3", NOBODY),
    "alumni:cohort": ("get", "slug=pilot", PILOT_TUTORS),
    "alumni:room": ("get", "key=general", ALUMNI_COMMUNITY),
    "alumni:thread": ("get", "key=general,thread_id=alumni_thread", ALUMNI_COMMUNITY),
    "alumni:thread_create": ("post", "key=general", ALUMNI_COMMUNITY),
    "alumni:post_create": ("post", "key=general,thread_id=alumni_thread", ALUMNI_COMMUNITY),
    "alumni:thread_state": ("post", "key=general,thread_id=alumni_thread", ALUMNI_MODERATORS),
    "alumni:post_action": ("post", "key=general,post_id=alumni_post,action=hide", ALUMNI_MODERATORS),
    "alumni:moderation": ("get", "key=general", ALUMNI_MODERATORS),
    # results reports
    "reports:dashboard": ("get", "", REPORT_READERS),
    "reports:table_csv": ("get", "key=cohorts", REPORT_READERS),
    "reports:records": ("get", "kind=enrolments", REPORT_READERS),
    "reports:records_csv": ("get", "kind=enrolments", REPORT_READERS),
    "reports:print_period": ("get", "", REPORT_READERS),
    "reports:print_cohort": ("get", "pk=cohort_a_pk", STAFF),
    # exports and LTI
    "interop:export_index": ("get", "", EXPORTERS),
    "interop:export_module": ("get", "page_id=module", EXPORTERS),
    "interop:download_module": ("get", "page_id=module", EXPORTERS),
    "interop:export_programme": ("get", "slug=course", EXPORTERS),
    "interop:download_programme": ("get", "slug=course", EXPORTERS),
    "interop:discuss": ("get", "reading_id=reading", SIGNED_IN),
    "interop:lti_jwks": ("get", "", ALL),
    "interop:lti_login": ("get", "", NOBODY),
    "interop:lti_launch": ("post", "", ALL),
    "interop:lti_deep_link": ("post", "", NOBODY),
    "interop:lti_continue": ("get", "token=nonsense", NOBODY),
    # institutions and national programmes
    "academies:index": ("get", "", ALL),
    "academies:institution": ("get", "pk=institution", NJA_ADMINS),
    "academies:people": (
        "post",
        "pk=institution",
        NJA_ADMINS,
        {"action": "add_editor", "email": "new-editor@example.org"},
    ),
    "academies:trainers": ("get", "pk=institution", NJA_ADMINS),
    "academies:programme_new": ("get", "pk=institution", NJA_ADMINS),
    "academies:programme": ("get", "pk=institution,slug=programme", ALL),
    "academies:programme_edit": ("get", "pk=institution,slug=programme", NJA_ADMINS),
    "academies:programme_unit": (
        "post",
        "pk=institution,slug=programme,unit_id=unit",
        NJA_ADMINS,
        {"action": "down"},
    ),
    "academies:nominations": ("get", "slug=cohort_b", B_TUTORS),
    "academies:nomination_decide": (
        "post",
        "slug=cohort_b,pk=nomination",
        frozenset({"tutor_other", "staff"}),  # the cohort's tutors, not the nominating admin
        {"decision": "decline", "reason": "matrix"},
    ),
    "academies:nomination_withdraw": (
        "post",
        "slug=cohort_b,pk=nomination",
        frozenset({"institution_other"}),
    ),
    "academies:cohort_settings": ("get", "slug=cohort_b", NJA_ADMINS),
    # A no-script redirect to the adaptation form; the form itself is for section editors.
    "academies:adapt_choose": ("get", "", SIGNED_IN, {"reading": "1"}),
    "academies:adapt": ("get", "reading_id=adaptable", NJA_ADMINS),
    "academies:adaptation": ("get", "page_id=adaptation", NJA_ADMINS),
    # accounts
    "accounts:profile": ("get", "", SIGNED_IN),
    "accounts:data": ("get", "", SIGNED_IN),
    "accounts:data_export": ("get", "", SIGNED_IN),
    "accounts:delete": ("get", "", SIGNED_IN - STAFF),
    "accounts:mfa_required": ("get", "", SIGNED_IN),
    "accounts:session_end": ("post", "pk=session", NOBODY),
}


def world() -> dict[str, object]:
    call_command("load_demo", verbosity=0)
    cohort_a = Cohort.objects.get(slug="general-cohort-a")
    reading = syllabus(cohort_a)[0].readings[0]
    space = cohort_a.space
    thread = space.threads.get(kind=Thread.Kind.GENERAL)
    other_trainee = (
        cohort_a.enrolments.filter(role=Enrolment.Role.TRAINEE)
        .exclude(user__email__startswith="trainee")
        .first()
    )
    applicant = Enrolment.objects.filter(status=Enrolment.Status.APPLIED).select_related("cohort").first()
    invitation = Invitation.objects.create(cohort=cohort_a, email="invitee@example.org")
    certificate = Certificate.objects.get(enrolment__user__email="trainee1@example.org")
    from academies.models import AdaptedReadingPage, Nomination, Programme
    from alumni.models import AlumniRoom, ContactRequest, DirectoryProfile, Update
    from modules.models import CaseDigest, GlossaryTerm, LegalInstrument

    cohort_b = Cohort.objects.get(slug="cooperation-cohort-b")
    alumni_space = AlumniRoom.objects.get(key="general").space
    alumni_thread = alumni_space.threads.first()
    programme = Programme.objects.select_related("institution").first()
    academy_admin = User.objects.get(email="academy@example.org")

    def fresh_nomination() -> int:
        # Each role decides its own pending nomination: one role's decision must not
        # change what the next role is asked.
        return Nomination.objects.create(
            cohort=cohort_b,
            institution=cohort_b.institution,
            name="Nominee",
            agency="Court",
            email=f"nominee{Nomination.objects.count()}@example.org",
            nominated_by=academy_admin,
        ).pk

    from allauth.usersessions.models import UserSession

    session = UserSession.objects.filter(user__email="trainee1@example.org").first()
    return {
        "cohort_b": cohort_b.slug,
        "cohort_a_pk": cohort_a.pk,
        "pilot": "cooperation-pilot",
        "pilot_enrolment": Enrolment.objects.get(
            cohort__slug="cooperation-pilot", user__email="trainee1@example.org"
        ).pk,
        "update": Update.objects.first().pk,
        "profile": DirectoryProfile.objects.filter(visibility="community")
        .exclude(user__email="trainee1@example.org")
        .first()
        .pk,
        "contact": (ContactRequest.objects.first() or DirectoryProfile.objects.first()).pk,
        "alumni_thread": alumni_thread.pk,
        "alumni_post": alumni_space.posts.first().pk,
        "course": cohort_a.course.slug,
        "institution": programme.institution.pk,
        "programme": programme.slug,
        "unit": programme.units.first().pk,
        "nomination": fresh_nomination,
        "adaptable": reading.pk,
        "adaptation": AdaptedReadingPage.objects.first().pk,
        "session": session.pk if session else 999999,
        "cohort_a": cohort_a.slug,
        "cohort_upcoming": applicant.cohort.slug,
        "applicant": applicant.pk,
        "reading": reading.pk,
        "block": reading.body[1].id,
        "thread": thread.pk,
        "post": Post.objects.filter(space=space).first().pk,
        "a_trainee_enrolment": other_trainee.pk,
        "invitation": invitation.token,
        "certificate": certificate.code,
        "term": GlossaryTerm.objects.first().slug,
        "instrument": LegalInstrument.objects.first().slug,
        "case": CaseDigest.objects.first().slug,
        "module": ModulePage.objects.filter(locale__language_code="en").first().pk,
        "space_a": space.pk,
    }


def url_for(name: str, params: str, values: dict) -> str:
    kwargs = {}
    for pair in filter(None, params.split(",")):
        key, source = pair.split("=")
        value = values.get(source, source)
        kwargs[key] = value() if callable(value) else value
    return reverse(name, kwargs=kwargs)


def refused(response) -> bool:
    if response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND):
        return True
    return response.status_code == HTTPStatus.FOUND and "/login/" in response.get("Location", "")


def test_every_route_has_a_row():
    missing = sorted(set(own_routes()) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(own_routes()))
    assert missing == [], f"routes without a row in the permission matrix: {missing}"
    assert stale == [], f"rows for routes that no longer exist: {stale}"


@pytest.mark.django_db(transaction=True)
def test_route_matrix():
    values = world()
    clients = {}
    for role, email in ROLES.items():
        clients[role] = Client()
        if email:
            clients[role].force_login(User.objects.get(email=email))
    wrong = []
    for name, (method, params, allowed, *data) in sorted(MATRIX.items()):
        for role, client in clients.items():
            url = url_for(name, params, values)
            response = getattr(client, method)(url, *data)
            assert response.status_code < 500, (name, role, response.status_code)
            if refused(response) == (role in allowed):
                wrong.append(f"{name} {method.upper()} as {role}: {response.status_code}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db(transaction=True)
def test_websocket_routes_follow_the_same_policy():
    """The one WebSocket route: cohort A's room admits its members only."""
    assert [str(p.pattern) for p in websocket_urlpatterns] == ["ws/spaces/<int:space_id>/"]
    values = world()

    async def connects(email: str | None) -> bool:
        headers = [(b"origin", b"http://testserver")]
        if email:
            client = Client()
            await sync_to_async(client.force_login)(await User.objects.aget(email=email))
            headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
        communicator = WebsocketCommunicator(application, f"/ws/spaces/{values['space_a']}/", headers=headers)
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    async def check() -> dict[str, bool]:
        return {role: await connects(email) for role, email in ROLES.items()}

    admitted = {role for role, ok in asyncio.run(check()).items() if ok}
    assert admitted == A_MEMBERS
