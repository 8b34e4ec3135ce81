"""In Chromium, against a real daphne with two-factor enforcement on: a new tutor is stopped
at the set-up page, adds a security key (Chromium's virtual authenticator: WebAuthn needs no
outside service), and signs in with it afterwards."""

import pytest

from tests.browser.conftest import ARTIFACTS, DaphneServer, assert_no_axe_violations

from .conftest import PASSWORD, enrol, make_cohort, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def enforcing_server(django_db_setup, django_db_blocker):
    server = DaphneServer(env_extra={"ACCOUNTS_MFA_ENFORCED": "true"})
    yield server
    server.stop()


def sign_in(page, email: str) -> None:
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state()


def test_a_new_tutor_adds_a_security_key_and_signs_in_with_it(browser, enforcing_server):
    tutor = user("tutor@example.org")
    enrol(tutor, make_cohort("cohort-a"), "tutor")
    # WebAuthn refuses IP addresses as the relying party: use the host name.
    context = browser.new_context(base_url=enforcing_server.url.replace("127.0.0.1", "localhost"))
    context.set_default_timeout(10_000)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    key = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    try:
        sign_in(page, tutor.email)
        page.goto("/en/cohorts/")
        assert "/accounts/security/required/" in page.url
        assert page.locator("h1").inner_text() == "Set up two-factor authentication first"
        assert_no_axe_violations(page)
        page.screenshot(path=str(ARTIFACTS / "accounts-mfa-required.png"), full_page=True)

        page.click("text=Add a security key")
        page.fill("input[name=password]", PASSWORD)  # allauth asks for the password again
        page.click("form.stack-form button[type=submit]")
        page.wait_for_url("**/2fa/webauthn/add/")
        page.click("#mfa_webauthn_add")
        page.wait_for_url("**/2fa/recovery-codes/")
        assert (
            len(
                cdp.send("WebAuthn.getCredentials", {"authenticatorId": key["authenticatorId"]})[
                    "credentials"
                ]
            )
            == 1
        )
        page.goto("/en/cohorts/")
        assert "/accounts/security/required/" not in page.url

        page.goto("/en/accounts/logout/")
        page.click("form.stack-form button[type=submit]")
        sign_in(page, tutor.email)
        assert page.url.endswith("/en/accounts/2fa/authenticate/")
        page.click("text=Use a security key")
        page.wait_for_url("**/en/")
        page.goto("/en/cohorts/")
        assert page.url.endswith("/en/cohorts/")
    finally:
        context.close()
