"""LTI 1.3 against a test platform that signs real JWTs with its own RSA key and serves its
JWKS over HTTP on loopback: login initiation, launch, just-in-time accounts, cohort places,
deep linking, frame headers, and every refusal with its clear error."""

import time
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from bs4 import BeautifulSoup

from django.test import Client
from django.urls import reverse

from courses.models import Enrolment
from interop.models import LtiCourseMapping, LtiLoginState, LtiPlatform, LtiUserLink

from .lti_platform import CLIENT_ID, DEPLOYMENT_ID, INSTRUCTOR, TestPlatform, new_key

pytestmark = pytest.mark.django_db

LAUNCH = "/en/lti/launch/"


@pytest.fixture
def test_platform():
    platform = TestPlatform()
    yield platform
    platform.stop()


@pytest.fixture
def registration(test_platform, institution, cohort):
    platform = LtiPlatform.objects.create(
        name="Academy Moodle",
        issuer=test_platform.issuer,
        client_id=CLIENT_ID,
        auth_login_url=test_platform.auth_url,
        jwks_url=test_platform.jwks_url,
        deployment_ids=f"{DEPLOYMENT_ID}\nother-deployment",
        institution=institution,
    )
    LtiCourseMapping.objects.create(platform=platform, context_id="COURSE-101", cohort=cohort)
    return platform


def start(
    client: Client, test_platform: TestPlatform, target: str = "http://testserver/en/lti/launch/"
) -> dict:
    """The platform's login initiation; returns what Legis sent to the platform's auth endpoint."""
    response = client.post(
        "/en/lti/login/",
        {
            "iss": test_platform.issuer,
            "login_hint": "lms-user-42",
            "target_link_uri": target,
            "client_id": CLIENT_ID,
            "lti_deployment_id": DEPLOYMENT_ID,
            "lti_message_hint": "hint-9",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content[:400]
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == test_platform.auth_url
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def launch(client: Client, token: str, state: str, **headers):
    return client.post(LAUNCH, {"id_token": token, "state": state}, **headers)


def csp(response) -> str:
    return response["Content-Security-Policy"]


def error_code(response) -> str:
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("[role=alert]").get_text(strip=True), "a clear message"
    return page.select_one(".meta").get_text().rsplit(":", 1)[-1].strip()


def test_login_initiation_sends_an_oidc_request_with_fresh_state_and_nonce(
    client, registration, test_platform
):
    sent = start(client, test_platform)
    assert sent["scope"] == "openid"
    assert sent["response_type"] == "id_token"
    assert sent["response_mode"] == "form_post"
    assert sent["prompt"] == "none"
    assert sent["client_id"] == CLIENT_ID
    assert sent["redirect_uri"] == "http://testserver/en/lti/launch/"
    assert sent["login_hint"] == "lms-user-42"
    assert sent["lti_message_hint"] == "hint-9"
    state = LtiLoginState.objects.get(state=sent["state"])
    assert state.nonce == sent["nonce"] and state.platform == registration
    assert client.cookies[f"legis_lti_{sent['state']}"].value == "1"
    other = start(client, test_platform)
    assert other["state"] != sent["state"] and other["nonce"] != sent["nonce"]


def test_a_good_launch_makes_the_account_places_it_in_the_cohort_and_opens_the_reading(
    client, registration, test_platform, cohort, readings
):
    sent = start(client, test_platform)
    token = test_platform.id_token(nonce=sent["nonce"], custom={"legis_page": str(readings[1].pk)})
    response = launch(client, token, sent["state"])
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/en/cohorts/{cohort.slug}/readings/{readings[1].pk}/"

    link = LtiUserLink.objects.get(platform=registration, subject="lms-user-42")
    user = link.user
    assert user.display_name == "Amina Haddad"
    assert link.email == "amina@academy.example"
    assert user.email != "amina@academy.example", "a platform's e-mail never names a Legis account"
    assert not user.has_usable_password()
    enrolment = Enrolment.objects.get(user=user, cohort=cohort)
    assert (enrolment.role, enrolment.status) == (Enrolment.Role.TRAINEE, Enrolment.Status.ACTIVE)
    # Signed in: the reading opens with its passage discussion.
    page = client.get(response["Location"])
    assert page.status_code == HTTPStatus.OK
    assert f'id="p-{readings[1].body[0].id}"' in page.content.decode()

    # A later launch of the same person reuses the account and the place.
    again = Client()
    sent = start(again, test_platform)
    assert (
        launch(again, test_platform.id_token(nonce=sent["nonce"]), sent["state"]).status_code
        == HTTPStatus.FOUND
    )
    assert LtiUserLink.objects.filter(platform=registration).count() == 1
    assert Enrolment.objects.filter(user=user).count() == 1


def test_instructors_join_as_tutors(client, registration, test_platform, cohort):
    sent = start(client, test_platform)
    token = test_platform.id_token(nonce=sent["nonce"], sub="teacher-1", roles=(INSTRUCTOR,))
    response = launch(client, token, sent["state"])
    assert response["Location"] == f"/en/cohorts/{cohort.slug}/"
    user = LtiUserLink.objects.get(subject="teacher-1").user
    assert Enrolment.objects.get(user=user, cohort=cohort).role == Enrolment.Role.TUTOR


def test_a_course_with_no_mapping_opens_the_module_without_a_cohort_place(
    client, registration, test_platform, readings
):
    sent = start(
        client, test_platform, target=f"http://testserver/en/lti/launch/?page={readings[0].get_parent().pk}"
    )
    token = test_platform.id_token(
        nonce=sent["nonce"],
        context_id="UNMAPPED",
        target=f"http://testserver/en/lti/launch/?page={readings[0].get_parent().pk}",
    )
    response = launch(client, token, sent["state"])
    assert response["Location"] == readings[0].get_parent().url
    assert not Enrolment.objects.filter(user__lti_links__subject="lms-user-42").exists()


def test_the_platforms_new_key_is_fetched_when_it_rotates(client, registration, test_platform):
    sent = start(client, test_platform)
    assert (
        launch(client, test_platform.id_token(nonce=sent["nonce"]), sent["state"]).status_code
        == HTTPStatus.FOUND
    )
    assert test_platform.jwks_requests == 1
    test_platform.rotate_key()
    other = Client()
    sent = start(other, test_platform)
    assert (
        launch(other, test_platform.id_token(nonce=sent["nonce"]), sent["state"]).status_code
        == HTTPStatus.FOUND
    )
    assert test_platform.jwks_requests == 2


REFUSALS = {
    # case: (what to change, expected status, expected code)
    "bad signature": ({"signing_key": "forged"}, HTTPStatus.FORBIDDEN, "bad_signature"),
    "key the platform does not publish": (
        {"signing_key": "forged", "kid": "unknown"},
        HTTPStatus.FORBIDDEN,
        "bad_signature",
    ),
    "wrong audience": ({"aud": "some-other-tool"}, HTTPStatus.FORBIDDEN, "wrong_audience"),
    "expired token": ({"issued": time.time() - 3600, "lifetime": 300}, HTTPStatus.FORBIDDEN, "expired"),
    "issued in the future": ({"issued": time.time() + 3600}, HTTPStatus.FORBIDDEN, "not_yet_valid"),
    "unknown deployment": (
        {"deployment_id": "stolen-deployment"},
        HTTPStatus.FORBIDDEN,
        "unknown_deployment",
    ),
    "wrong message type": (
        {"message_type": "LtiSubmissionReviewRequest"},
        HTTPStatus.BAD_REQUEST,
        "unsupported_message",
    ),
    "wrong nonce": ({"nonce": "not-the-one-issued"}, HTTPStatus.FORBIDDEN, "nonce_mismatch"),
    "wrong version": (
        {"extra": {"https://purl.imsglobal.org/spec/lti/claim/version": "1.1"}},
        HTTPStatus.BAD_REQUEST,
        "wrong_version",
    ),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_bad_launches_are_refused_with_a_clear_error(client, registration, test_platform, case):
    changes, status, code = REFUSALS[case]
    changes = dict(changes)
    if changes.get("signing_key") == "forged":
        changes["signing_key"] = new_key()
    sent = start(client, test_platform)
    changes.setdefault("nonce", sent["nonce"])
    response = launch(client, test_platform.id_token(**changes), sent["state"])
    assert response.status_code == status
    assert error_code(response) == code
    assert not LtiUserLink.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_replayed_launch_is_refused(client, registration, test_platform):
    sent = start(client, test_platform)
    token = test_platform.id_token(nonce=sent["nonce"])
    assert launch(client, token, sent["state"]).status_code == HTTPStatus.FOUND
    client.logout()
    # The same message posted again (same state and nonce)...
    replay = launch(client, token, sent["state"])
    assert replay.status_code == HTTPStatus.FORBIDDEN
    assert error_code(replay) == "replayed_nonce"
    # ...or slipped into a fresh login of its own.
    fresh = start(client, test_platform)
    replay = launch(client, token, fresh["state"])
    assert replay.status_code == HTTPStatus.FORBIDDEN
    assert error_code(replay) == "replayed_nonce"
    assert "_auth_user_id" not in client.session


def test_a_launch_from_another_browser_is_refused(client, registration, test_platform):
    sent = start(client, test_platform)
    response = launch(Client(), test_platform.id_token(nonce=sent["nonce"]), sent["state"])
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert error_code(response) == "state_mismatch"


def test_unknown_platforms_and_foreign_targets_are_refused_at_login(client, registration, test_platform):
    response = client.get("/en/lti/login/", {"iss": "https://unknown.example", "login_hint": "x"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert error_code(response) == "unknown_platform"
    response = client.get(
        "/en/lti/login/",
        {"iss": test_platform.issuer, "login_hint": "x", "target_link_uri": "https://evil.example/steal"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_code(response) == "bad_target"


def test_lti_views_alone_may_be_framed_by_the_platform(client, registration, test_platform, readings):
    sent = start(client, test_platform)
    login_response = client.get(
        "/en/lti/login/",
        {
            "iss": test_platform.issuer,
            "login_hint": "x",
            "target_link_uri": "http://testserver/en/lti/launch/",
        },
    )
    refused = launch(client, "not-a-token", sent["state"])
    for response in (login_response, refused):
        assert "X-Frame-Options" not in response
        assert f"frame-ancestors 'self' {test_platform.origin}" in csp(response)
        assert "script-src 'self'" in csp(response), "the rest of the site's policy stays"
    # Everything else keeps the site-wide refusal to be framed.
    for response in (client.get(readings[0].url), client.get(reverse("interop:lti_jwks"))):
        assert response["X-Frame-Options"] == "DENY"
        assert test_platform.origin not in response.get("Content-Security-Policy", "")


def test_a_framed_launch_continues_in_a_window_of_its_own(
    client, registration, test_platform, cohort, readings
):
    sent = start(client, test_platform)
    token = test_platform.id_token(nonce=sent["nonce"], custom={"legis_page": str(readings[0].pk)})
    response = launch(client, token, sent["state"], headers={"Sec-Fetch-Dest": "iframe"})
    assert response.status_code == HTTPStatus.OK
    assert "X-Frame-Options" not in response
    link = BeautifulSoup(response.content, "html.parser").select_one("a[target=_blank]")
    window = Client()
    opened = window.get(link["href"])
    assert opened["Location"] == f"/en/cohorts/{cohort.slug}/readings/{readings[0].pk}/"
    assert window.get(opened["Location"]).status_code == HTTPStatus.OK
    again = Client().get(link["href"])
    assert again.status_code == HTTPStatus.FORBIDDEN
    assert error_code(again) == "handoff_expired"


def test_deep_linking_returns_the_chosen_readings_signed_with_the_tools_key(
    client, registration, test_platform, readings
):
    sent = start(client, test_platform)
    token = test_platform.id_token(
        nonce=sent["nonce"], message_type="LtiDeepLinkingRequest", roles=(INSTRUCTOR,)
    )
    picker = launch(client, token, sent["state"])
    assert picker.status_code == HTTPStatus.OK
    assert "X-Frame-Options" not in picker
    form = BeautifulSoup(picker.content, "html.parser").select_one("form[action$='/lti/deep-link/']")
    choices = {i["value"] for i in form.select("input[name=page]")}
    assert {str(r.pk) for r in readings} <= choices
    chosen = [str(readings[0].pk), str(readings[2].pk)]
    returned = Client().post(
        form["action"], {"ticket": form.select_one("input[name=ticket]")["value"], "page": chosen}
    )
    assert returned.status_code == HTTPStatus.OK
    back = BeautifulSoup(returned.content, "html.parser").select_one("form[data-autosubmit]")
    assert back["action"] == f"{test_platform.origin}/deep-link-return"
    response_jwt = back.select_one("input[name=JWT]")["value"]
    assert f"form-action 'self' {test_platform.origin}" in csp(returned)
    assert f"frame-ancestors 'self' {test_platform.origin}" in csp(returned)

    # The platform checks it against the tool's published keys.
    keys = client.get(reverse("interop:lti_jwks")).json()["keys"]
    kid = jwt.get_unverified_header(response_jwt)["kid"]
    key = jwt.PyJWK(next(k for k in keys if k["kid"] == kid)).key
    claims = jwt.decode(response_jwt, key, algorithms=["RS256"], audience=test_platform.issuer)
    assert claims["iss"] == CLIENT_ID
    dl = "https://purl.imsglobal.org/spec/lti-dl/claim/"
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == DEPLOYMENT_ID
    assert claims[dl + "data"] == "opaque-platform-data"
    items = claims[dl + "content_items"]
    assert [i["title"] for i in items] == [readings[0].title, readings[2].title]
    assert [i["custom"]["legis_page"] for i in items] == chosen
    assert items[0]["url"] == f"http://testserver/en/lti/launch/?page={readings[0].pk}"

    # A forged ticket gets nothing signed.
    forged = Client().post(form["action"], {"ticket": "forged", "page": chosen})
    assert forged.status_code == HTTPStatus.FORBIDDEN


def test_a_mapping_takes_only_cohorts_of_the_platforms_institution(registration, course):
    from django.core.exceptions import ValidationError

    from courses.factories import CohortFactory, InstitutionFactory

    foreign = CohortFactory(course=course, institution=InstitutionFactory(name="Another academy"))
    mapping = LtiCourseMapping(platform=registration, context_id="COURSE-202", cohort=foreign)
    with pytest.raises(ValidationError) as refused:
        mapping.full_clean()
    assert "cohort" in refused.value.message_dict
    own = CohortFactory(course=course, institution=registration.institution)
    LtiCourseMapping(platform=registration, context_id="COURSE-202", cohort=own).full_clean()
