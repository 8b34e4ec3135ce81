"""The IMS Common Cartridge 1.3 export, checked element by element against the structure the
specification fixes (no package in the registries ships the official CC 1.3 schema files):
the manifest's namespace, metadata, one rooted-hierarchy organisation, items, resources of the
CC types, files that exist, web links back to the discussion, and the chosen language."""

from collections import Counter
from http import HTTPStatus
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from interop import selectors
from interop.packaging import build_common_cartridge

from .conftest import PLATFORM, unzip
from .package_checks import problems

pytestmark = pytest.mark.django_db

CP = "{http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1}"
LOM = "{http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest}"
WL = "{http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3}"
NCNAME = r"^[A-Za-z_][A-Za-z0-9_.-]*$"
CC_RESOURCE_TYPES = {
    "webcontent",
    "imswl_xmlv1p3",
    "imsdt_xmlv1p3",
    "imsbasiclti_xmlv1p3",
    "imsqti_xmlv1p2/imscc_xmlv1p3/assessment",
    "imsqti_xmlv1p2/imscc_xmlv1p3/question-bank",
    "assignment_xmlv1p0",
    "associatedcontent/imscc_xmlv1p3/learning-application-resource",
}


def download(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == HTTPStatus.OK, response.content[:500]
    return unzip(response.content), response


@pytest.fixture
def module_package(client, people, readings, french):
    url = reverse("interop:download_module", args=[readings[0].get_parent().pk])
    files, response = download(client, people["editor"], url, format="cc13", language="fr")
    return files, response


def test_the_manifest_has_the_structure_cc_1_3_fixes(module_package, readings):
    import re

    files, response = module_package
    assert response["Content-Type"] == "application/zip"
    assert 'filename="legis-foundations-fr-cc13.imscc"' in response["Content-Disposition"]
    assert list(files)[0] == "imsmanifest.xml"
    root = ET.fromstring(files["imsmanifest.xml"])

    # <manifest identifier> in the CC 1.3 content-packaging namespace
    assert root.tag == f"{CP}manifest"
    assert re.match(NCNAME, root.get("identifier"))
    assert [child.tag for child in root] == [f"{CP}metadata", f"{CP}organizations", f"{CP}resources"]

    # <metadata>: schema, schemaversion 1.3.0, LOM general title and language
    metadata = root.find(f"{CP}metadata")
    assert metadata.findtext(f"{CP}schema") == "IMS Common Cartridge"
    assert metadata.findtext(f"{CP}schemaversion") == "1.3.0"
    general = metadata.find(f"{LOM}lom/{LOM}general")
    title = general.find(f"{LOM}title/{LOM}string")
    assert title.get("language") == "fr" and title.text == "Foundations"
    assert general.findtext(f"{LOM}language") == "fr"

    # <organizations>: exactly one organisation, rooted-hierarchy, one root item without a reference
    organizations = root.find(f"{CP}organizations")
    assert len(organizations) == 1
    organization = organizations[0]
    assert organization.tag == f"{CP}organization"
    assert organization.get("structure") == "rooted-hierarchy"
    assert len(organization.findall(f"{CP}item")) == 1
    root_item = organization.find(f"{CP}item")
    assert root_item.get("identifierref") is None
    assert root_item.find(f"{CP}title") is None

    resources = {r.get("identifier"): r for r in root.find(f"{CP}resources")}
    identifiers = [e.get("identifier") for e in root.iter() if e.get("identifier")]
    assert all(re.match(NCNAME, i) for i in identifiers)
    assert not [i for i, n in Counter(identifiers).items() if n > 1], "identifiers must be unique"

    # Items: folders carry a title and children; leaves a title and a reference to a resource.
    leaves = []
    for item in root_item.iter(f"{CP}item"):
        if item is root_item:
            continue
        assert item.findtext(f"{CP}title"), "every item below the root has a title"
        if item.get("identifierref"):
            assert item.get("identifierref") in resources
            assert item.find(f"{CP}item") is None, "a learning object is a leaf"
            leaves.append(item)
        else:
            assert item.find(f"{CP}item") is not None, "a folder holds items"
    module_folder = root_item.find(f"{CP}item")
    assert module_folder.findtext(f"{CP}title") == "Foundations"
    with translation.override("fr"):
        discussion = gettext("Discussion: %(title)s")
    assert discussion != "Discussion: %(title)s", "in the package's language"
    expected = []
    for title in ("Les instruments universels", "Rule of law", "International cooperation"):
        expected += [title, discussion % {"title": title}]
    assert [i.findtext(f"{CP}title") for i in module_folder.findall(f"{CP}item")] == expected

    # Resources: CC types; web content with an href that is one of its files; files exist;
    # dependencies resolve; every file of the package is declared by some resource.
    declared = set()
    for identifier, resource in resources.items():
        assert resource.tag == f"{CP}resource"
        kind = resource.get("type")
        assert kind in CC_RESOURCE_TYPES
        hrefs = [f.get("href") for f in resource.findall(f"{CP}file")]
        assert hrefs, f"{identifier} declares its files"
        for href in hrefs:
            assert href in files, f"{href} is in the package"
        declared.update(hrefs)
        for dependency in resource.findall(f"{CP}dependency"):
            assert dependency.get("identifierref") in resources
        if kind == "imswl_xmlv1p3":
            assert resource.get("href") is None and len(hrefs) == 1
        if kind == "webcontent" and any(i.get("identifierref") == identifier for i in leaves):
            assert resource.get("href") in hrefs
    assert declared == set(files) - {"imsmanifest.xml"}


def test_web_links_lead_back_to_each_readings_discussion(client, module_package, readings, people):
    files, _ = module_package
    links = sorted(name for name in files if name.startswith("links/"))
    assert len(links) == 3
    for name, reading in zip(links, readings, strict=True):
        web_link = ET.fromstring(files[name])
        assert web_link.tag == f"{WL}webLink"
        assert [child.tag for child in web_link] == [f"{WL}title", f"{WL}url"]
        url = web_link.find(f"{WL}url").get("href")
        assert url == f"{PLATFORM}/fr/discuss/{reading.pk}/"
    # The link takes a member of a cohort that reads it to the reading in that cohort.
    client.force_login(people["trainee"])
    response = client.get(f"/fr/discuss/{readings[0].pk}/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/fr/cohorts/academy-cohort/readings/{readings[0].pk}/"


def test_readings_keep_their_passage_anchors_in_the_chosen_language(module_package, readings, french):
    files, _ = module_package
    page = BeautifulSoup(files["readings/r01.html"], "html.parser")
    assert page.html["lang"] == "fr" and page.html["dir"] == "ltr"
    assert page.h1.get_text() == "Les instruments universels"
    assert [d["id"] for d in page.select("div.passage")] == [f"p-{block.id}" for block in french.body]
    assert page.select_one("link[rel=stylesheet]")["href"] == "../web_resources/legis.css"
    # Legis's own links become links to the platform; other sites' links stay as text only.
    term = page.select_one("a.term-link")
    assert term["href"] == f"{PLATFORM}/fr/glossary/aut-dedere/"
    assert page.select_one(".outside-link").get_text() == "the treaty text"
    assert "treaties.example.org" not in files["readings/r01.html"].decode()

    # Not yet translated: in English, marked as such, with a notice in the package's language.
    untranslated = BeautifulSoup(files["readings/r02.html"], "html.parser")
    assert untranslated.select_one("article")["lang"] == "en"
    assert untranslated.select_one(".notice")
    assert untranslated.h1.get_text() == "Rule of law"
    assert [d["id"] for d in untranslated.select("div.passage")] == [f"p-{b.id}" for b in readings[1].body]


def test_arabic_packages_read_right_to_left(client, people, readings):
    url = reverse("interop:download_module", args=[readings[0].get_parent().pk])
    files, _ = download(client, people["staff"], url, format="cc13", language="ar")
    page = BeautifulSoup(files["readings/r01.html"], "html.parser")
    assert page.html["lang"] == "ar" and page.html["dir"] == "rtl"
    # The package's own words are in Arabic too (the reading itself falls back to English).
    with translation.override("ar"):
        for selector, english in (
            ("#end-of-reading", "End of the reading."),
            (".notice", "This reading is not yet translated: it is shown in English."),
        ):
            assert gettext(english) != english, "the Arabic catalogue has it"
            assert page.select_one(selector).get_text() == gettext(english)
    assert (
        ET.fromstring(files["imsmanifest.xml"]).find(f"{CP}metadata/{LOM}lom/{LOM}general/{LOM}language").text
        == "ar"
    )


def test_a_programme_exports_its_weeks_as_folders(client, people, course, readings):
    url = reverse("interop:download_programme", args=[course.slug])
    files, response = download(client, people["institution_admin"], url, format="cc13", language="en")
    assert 'filename="legis-national-programme-en-cc13.imscc"' in response["Content-Disposition"]
    root = ET.fromstring(files["imsmanifest.xml"])
    weeks = root.find(f"{CP}organizations/{CP}organization/{CP}item").findall(f"{CP}item")
    assert [w.findtext(f"{CP}title") for w in weeks] == ["Week 1: the framework", "Week 2: cooperation"]
    assert [i.findtext(f"{CP}title") for i in weeks[0].findall(f"{CP}item")] == [
        "Week overview",
        "The universal instruments",
        "Discussion: The universal instruments",
        "Rule of law",
        "Discussion: Rule of law",
    ]
    overview = BeautifulSoup(files["weeks/w01.html"], "html.parser")
    assert "Which instrument applies?" in overview.get_text()
    assert "Write a short note." in overview.get_text()
    assert not problems(files, PLATFORM)


@pytest.mark.parametrize("fmt", ["cc13", "scorm12"])
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_packages_hold_no_outside_urls(client, people, readings, french, fmt, language):
    url = reverse("interop:download_module", args=[readings[0].get_parent().pk])
    files, _ = download(client, people["editor"], url, format=fmt, language=language)
    assert not problems(files, PLATFORM)
    # The checker itself catches what it is there to catch.
    tampered = {**files, "web_resources/legis.css": b"@import url(https://fonts.example.com/a.css);"}
    assert problems(tampered, PLATFORM)
    page = next(name for name in files if name.endswith("r01.html"))
    tampered = {
        **files,
        page: files[page].replace(b"</body>", b'<img src="https://cdn.example.com/x.png"></body>'),
    }
    assert problems(tampered, PLATFORM)


def test_the_package_is_the_same_bytes_for_the_same_content(rf, readings, french):
    tree = selectors.module_tree(readings[0].get_parent().specific, "fr")
    first = build_common_cartridge(tree, base_url=PLATFORM).data
    assert build_common_cartridge(tree, base_url=PLATFORM).data == first
