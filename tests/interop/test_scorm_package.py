"""The SCORM 1.2 export: a content-packaging manifest with one SCO whose launch page talks to
the LMS's runtime; every file declared; pages that stand alone."""

from http import HTTPStatus
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from django.urls import reverse

from .conftest import unzip

pytestmark = pytest.mark.django_db

CP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"


@pytest.fixture
def files(client, people, readings):
    client.force_login(people["editor"])
    url = reverse("interop:download_module", args=[readings[0].get_parent().pk])
    response = client.get(url, {"format": "scorm12", "language": "en"})
    assert response.status_code == HTTPStatus.OK
    assert 'filename="legis-foundations-en-scorm12.zip"' in response["Content-Disposition"]
    return unzip(response.content)


def test_the_manifest_declares_one_sco_launched_from_index_html(files):
    root = ET.fromstring(files["imsmanifest.xml"])
    assert root.tag == f"{CP}manifest" and root.get("identifier")
    metadata = root.find(f"{CP}metadata")
    assert metadata.findtext(f"{CP}schema") == "ADL SCORM"
    assert metadata.findtext(f"{CP}schemaversion") == "1.2"
    organizations = root.find(f"{CP}organizations")
    default = organizations.get("default")
    organization = organizations.find(f"{CP}organization")
    assert organization.get("identifier") == default
    assert organization.findtext(f"{CP}title") == "Foundations"
    item = organization.find(f"{CP}item")
    resources = root.find(f"{CP}resources").findall(f"{CP}resource")
    assert len(resources) == 1
    sco = resources[0]
    assert item.get("identifierref") == sco.get("identifier")
    assert sco.get(f"{ADLCP}scormtype") == "sco"
    assert sco.get("type") == "webcontent"
    assert sco.get("href") == "index.html"
    declared = {f.get("href") for f in sco.findall(f"{CP}file")}
    assert declared == set(files) - {"imsmanifest.xml"}


def test_the_launch_page_lists_the_readings_and_loads_only_package_files(files, readings):
    page = BeautifulSoup(files["index.html"], "html.parser")
    assert [a.get_text() for a in page.select("nav a")] == [r.title for r in readings]
    assert [a["href"] for a in page.select("nav a")] == ["pages/r01.html", "pages/r02.html", "pages/r03.html"]
    assert page.select_one("iframe#sco-content")["src"] == "pages/r01.html"
    assert page.select_one("iframe")["title"]
    assert [s["src"] for s in page.select("script")] == ["web_resources/sco.js"]
    # Every reading ends with the marker that completion waits for, and links to the next one.
    for n, reading in enumerate(readings, start=1):
        body = BeautifulSoup(files[f"pages/r{n:02d}.html"], "html.parser")
        assert body.select_one("#end-of-reading")
        assert [d["id"] for d in body.select("div.passage")] == [f"p-{b.id}" for b in reading.body]
        following = body.select_one("a[rel=next]")
        assert (following["href"] if following else None) == (f"r{n + 1:02d}.html" if n < 3 else None)
    script = files["web_resources/sco.js"].decode()
    for call in (
        "LMSInitialize",
        "LMSSetValue",
        "LMSCommit",
        "LMSFinish",
        "cmi.core.lesson_status",
        "cmi.core.lesson_location",
    ):
        assert call in script
