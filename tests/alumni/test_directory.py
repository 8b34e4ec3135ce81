"""The opt-in directory: nothing of a profile is visible until its owner opts in; search by
country, theme and language; contact requests whose details travel by e-mail only on
acceptance; and no e-mail address on any alumni page."""

import re
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from django.core import mail

from alumni import services
from alumni.models import ContactRequest, DirectoryProfile, Theme
from lms.errors import PermissionDenied, ServiceError

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def make_profile(owner, *, visible: bool, contact: str = "requests", **extra) -> DirectoryProfile:
    fields = {
        "display_name": "Amina H.",
        "country": "JO",
        "agency_type": "prosecution",
        "role": "Prosecutor",
        "expertise": "Terrorist financing files",
        "languages": ["ar", "en"],
        "themes": [Theme.FINANCING],
        "contact_note": "Office line +962 6 000 0000",
        **extra,
    }
    return services.profile_save(
        user=owner,
        visibility="community" if visible else "hidden",
        contact_preference=contact,
        **fields,
    )


# viewer -> may see a visible profile (a hidden one: only its owner)
VIEWERS = {
    "owner": True,
    "alumnus2": True,
    "tutor": True,
    "editor": True,
    "academy_alumnus": True,
    "participant": False,  # not (yet) an alumnus
    "current_trainee": False,
    "stranger": False,
    "anonymous": False,
}


@pytest.mark.parametrize("visible", [False, True], ids=["hidden", "visible"])
@pytest.mark.parametrize("contact", ["requests", "none"])
@pytest.mark.parametrize("who", list(VIEWERS))
def test_privacy_matrix(client, home, request, alumnus, visible, contact, who):
    profile = make_profile(alumnus, visible=visible, contact=contact)
    viewer = alumnus if who == "owner" else None if who == "anonymous" else request.getfixturevalue(who)
    if viewer is not None:
        client.force_login(viewer)
    listing = client.get("/en/alumni/directory/")
    detail = client.get(f"/en/alumni/directory/{profile.pk}/")
    searched = client.get("/en/alumni/directory/?country=JO&theme=financing&language=ar")
    if viewer is None:
        assert listing.status_code == detail.status_code == HTTPStatus.FOUND  # to the login page
        return
    sees = who == "owner" or (visible and VIEWERS[who])
    if not VIEWERS[who]:
        assert listing.status_code == detail.status_code == HTTPStatus.FORBIDDEN
        assert b"Amina H." not in listing.content + detail.content
        return
    assert listing.status_code == HTTPStatus.OK
    # The directory lists other people: the owner sees theirs through their own page.
    listed = b"Amina H." in listing.content
    assert listed == (visible and who != "owner")
    assert (b"Amina H." in searched.content) == (visible and who != "owner")
    assert detail.status_code == (HTTPStatus.OK if sees else HTTPStatus.NOT_FOUND)
    if sees:
        text = detail.content.decode()
        assert "Prosecutor" in text and "Terrorist financing files" in text
        assert "+962" not in text  # the note for accepted contacts is never on a page
        form = BeautifulSoup(detail.content, "html.parser").select_one("form[action$='/contact/']")
        # The owner's own visible profile must exist for a request; only alumnus2 has none here.
        assert form is None


def test_search_by_country_theme_and_language(client, home, alumnus, alumnus2, tutor, editor):
    make_profile(
        alumnus, visible=True, display_name="Amina H.", country="JO", languages=["ar"], themes=["financing"]
    )
    make_profile(
        alumnus2,
        visible=True,
        display_name="Carlos M.",
        country="BR",
        languages=["pt", "en"],
        themes=["internet"],
    )
    make_profile(
        tutor, visible=False, display_name="Hidden Tutor", country="BR", languages=["pt"], themes=["internet"]
    )
    client.force_login(editor)

    def names(query: str) -> set[str]:
        page = BeautifulSoup(client.get(f"/en/alumni/directory/?{query}").content, "html.parser")
        return {a.get_text(strip=True) for a in page.select(".directory-card h3 a")}

    assert names("") == {"Amina H.", "Carlos M."}
    assert names("country=BR") == {"Carlos M."}
    assert names("theme=financing") == {"Amina H."}
    assert names("language=pt") == {"Carlos M."}
    assert names("language=en&country=JO") == set()
    assert names("theme=internet&language=pt") == {"Carlos M."}  # never the hidden tutor


def test_a_profile_leaves_the_directory_with_its_owner(client, home, alumnus, alumnus2, tutor):
    profile = make_profile(alumnus, visible=True)
    client.force_login(alumnus2)
    assert client.get(f"/en/alumni/directory/{profile.pk}/").status_code == HTTPStatus.OK
    services.member_remove(actor=tutor, user=alumnus, reason="Left the service")
    assert client.get(f"/en/alumni/directory/{profile.pk}/").status_code == HTTPStatus.NOT_FOUND
    assert b"Amina H." not in client.get("/en/alumni/directory/").content


def test_email_addresses_are_refused_in_profiles_and_messages(alumnus, alumnus2):
    with pytest.raises(ServiceError) as refused:
        make_profile(alumnus, visible=True, expertise="write to amina@prosecution.example.jo")
    assert refused.value.code == "email_in_text"
    with pytest.raises(ServiceError):
        make_profile(alumnus, visible=True, contact_note="amina.h@example.org")
    profile = make_profile(alumnus, visible=True)
    make_profile(alumnus2, visible=True, display_name="Carlos M.")
    with pytest.raises(ServiceError):
        services.contact_request_send(sender=alumnus2, profile=profile, message="Mail me: carlos@example.org")


def test_outsiders_cannot_make_a_profile(stranger, participant):
    for person in (stranger, participant):
        with pytest.raises(PermissionDenied):
            make_profile(person, visible=True)


def test_contact_request_flow(client, home, alumnus, alumnus2, django_capture_on_commit_callbacks):
    amina = make_profile(alumnus, visible=True, contact_note="Office line +962 6 000 0000")
    carlos_hidden = make_profile(
        alumnus2, visible=False, display_name="Carlos M.", contact_note="Signal: +55 61 0"
    )
    client.force_login(alumnus2)

    # A hidden sender cannot ask: requests are reciprocal.
    page = client.get(f"/en/alumni/directory/{amina.pk}/")
    assert b"make your own profile visible first" in page.content
    with pytest.raises(ServiceError) as refused:
        services.contact_request_send(sender=alumnus2, profile=amina)
    assert refused.value.code == "own_profile_hidden"

    make_profile(alumnus2, visible=True, display_name="Carlos M.", contact_note="Signal: +55 61 0")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/alumni/directory/{amina.pk}/contact/",
            {"message": "We met in the pilot; a question on MLA."},
        )
    assert response.status_code == HTTPStatus.FOUND
    request = ContactRequest.objects.get()
    assert request.status == "pending" and request.recipient == alumnus
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == [alumnus.email]
    assert alumnus2.email not in notice.body and "+55" not in notice.body  # nothing shared yet
    assert "Carlos M." in notice.body

    # A second request is the same request.
    assert services.contact_request_send(sender=alumnus2, profile=amina).pk == request.pk
    # Only the recipient answers.
    with pytest.raises(PermissionDenied):
        services.contact_request_decide(user=alumnus2, request=request, accept=True)

    client.force_login(alumnus)
    box = client.get("/en/alumni/contacts/")
    assert b"We met in the pilot" in box.content and b"Carlos M." in box.content
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answered = client.post(f"/en/alumni/contacts/{request.pk}/", {"decision": "accept"})
    assert answered.status_code == HTTPStatus.FOUND
    request.refresh_from_db()
    assert request.status == "accepted"
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {alumnus.email, alumnus2.email}
    assert (
        alumnus2.email in by_recipient[alumnus.email].body and "+55 61 0" in by_recipient[alumnus.email].body
    )
    assert alumnus.email in by_recipient[alumnus2.email].body and "+962" in by_recipient[alumnus2.email].body
    # ...and still on no page.
    for who, url in (
        (alumnus, "/en/alumni/contacts/"),
        (alumnus2, "/en/alumni/contacts/"),
        (alumnus2, f"/en/alumni/directory/{amina.pk}/"),
        (alumnus, f"/en/alumni/directory/{carlos_hidden.pk}/"),
    ):
        client.force_login(who)
        text = client.get(url).content.decode()
        assert not EMAIL.search(text), (url, EMAIL.search(text))
        assert "+55" not in text and "+962" not in text
    with pytest.raises(PermissionDenied):
        services.contact_request_decide(user=alumnus, request=request, accept=False)


def test_declined_requests_share_nothing(alumnus, alumnus2, django_capture_on_commit_callbacks):
    amina = make_profile(alumnus, visible=True)
    make_profile(alumnus2, visible=True, display_name="Carlos M.")
    request = services.contact_request_send(sender=alumnus2, profile=amina)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_request_decide(user=alumnus, request=request, accept=False)
    assert mail.outbox == []


def test_no_requests_to_people_who_take_none(alumnus, alumnus2):
    amina = make_profile(alumnus, visible=True, contact="none")
    make_profile(alumnus2, visible=True, display_name="Carlos M.")
    with pytest.raises(ServiceError) as refused:
        services.contact_request_send(sender=alumnus2, profile=amina)
    assert refused.value.code == "not_accepting"
