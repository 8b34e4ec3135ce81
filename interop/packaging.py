"""Build export packages: IMS Common Cartridge 1.3 and SCORM 1.2.

Both hold the same pages: one HTML file per reading, its passages kept as
`<div class="passage" id="p-<block uuid>">`, the stylesheet inside the package, and
nothing loaded from any host. Links that lead back to Legis (the discussion of a
reading, glossary terms, instruments, cases) become absolute links to this platform;
links to other sites are kept as text only, so a package never sends its reader
elsewhere. The manifests carry no `xsi:schemaLocation`, for the same reason.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import slugify

from .selectors import ExportReading, ExportSection, ExportTree

ASSETS = Path(__file__).resolve().parent / "package_assets"
FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # zip entries carry no build time: same content, same bytes

CC_NS = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
CC_LOM_MANIFEST_NS = "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"
CC_WEBLINK_NS = "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3"
CC_WEBLINK_TYPE = "imswl_xmlv1p3"
SCORM_CP_NS = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
SCORM_ADLCP_NS = "http://www.adlnet.org/xsd/adlcp_rootv1p2"

FORMAT_CC = "cc13"
FORMAT_SCORM = "scorm12"
FORMATS = (FORMAT_CC, FORMAT_SCORM)


@dataclass
class Package:
    filename: str
    content_type: str
    data: bytes


@dataclass
class _Page:
    file: str  # name inside its folder, e.g. r01.html
    title: str
    reading: ExportReading
    section: ExportSection
    fallback: bool


def _direction(language: str) -> str:
    return "rtl" if translation.get_language_info(language)["bidi"] else "ltr"


_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.DOTALL | re.IGNORECASE)
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'\b(href|src|alt)="([^"]*)"', re.IGNORECASE)
_LOADING_ATTR = re.compile(r'\s(?:src|srcset|poster|data|action|formaction)="[^"]*"', re.IGNORECASE)


class _Linker:
    """Rewrites links in rendered HTML so the page stands alone inside the package."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.media: dict[str, bytes] = {}  # path in the package -> bytes

    def platform_url(self, path: str) -> str:
        return self.base_url + path

    def _anchor(self, match: re.Match[str]) -> str:
        attrs, inner = match.group(1), match.group(2)
        href = dict((k.lower(), v) for k, v in _ATTR.findall(attrs)).get("href")
        if href is None or href.startswith("#") or href.startswith("mailto:"):
            return match.group(0)
        if href.startswith("/") and not href.startswith("//"):
            new = escape(self.platform_url(href))
            attrs = attrs.replace(f'href="{href}"', f'href="{new}" target="_blank" rel="noopener"', 1)
            return f"<a{attrs}>{inner}</a>"
        if href.startswith(self.base_url + "/"):
            return match.group(0)
        if "://" not in href and not href.startswith("//") and ":" not in href.split("/", 1)[0]:
            return match.group(0)  # a file of the package
        return f'<span class="outside-link">{inner}</span>'

    def _image(self, match: re.Match[str]) -> str:
        attrs = dict((k.lower(), v) for k, v in _ATTR.findall(match.group(0)))
        src, alt = attrs.get("src", ""), attrs.get("alt", "")
        if src.startswith(settings.MEDIA_URL):
            name = src[len(settings.MEDIA_URL) :]
            if name and ".." not in name and default_storage.exists(name):
                with default_storage.open(name) as handle:
                    target = "web_resources/media/" + name.replace("/", "_")
                    self.media[target] = handle.read()
                return f'<img src="../{escape(target)}" alt="{escape(alt)}">'
        return f'<span class="image-alt">{escape(alt)}</span>' if alt else ""

    def rewrite(self, html: str) -> str:
        html = _IMG.sub(self._image, html)
        html = _ANCHOR.sub(self._anchor, html)

        # Anything else that would load from somewhere (embeds, forms) is dropped.
        def drop(match: re.Match[str]) -> str:
            value = match.group(0).split('"', 1)[1][:-1]
            is_local = not value.startswith("/") and "://" not in value and ":" not in value.split("/", 1)[0]
            return match.group(0) if is_local else ""

        return _LOADING_ATTR.sub(drop, html)


def _pages(tree: ExportTree) -> list[_Page]:
    pages = []
    for section in tree.sections:
        for reading in section.readings:
            n = len(pages) + 1
            pages.append(_Page(f"r{n:02d}.html", reading.page.title, reading, section, reading.fallback))
    return pages


def _discuss_url(linker: _Linker, language: str, reading: ExportReading) -> str:
    with translation.override(language):
        return linker.platform_url(reverse("interop:discuss", args=[reading.original_id]))


def _render_pages(tree: ExportTree, linker: _Linker) -> dict[str, bytes]:
    """{'r01.html': html bytes, ...} for every reading, in order."""
    pages = _pages(tree)
    files: dict[str, bytes] = {}
    direction = _direction(tree.language)
    with translation.override(tree.language):
        for i, page in enumerate(pages):
            html = render_to_string(
                "interop/package/reading.html",
                {
                    "tree": tree,
                    "section": page.section,
                    "reading": page.reading,
                    "language": tree.language,
                    "direction": direction,
                    "discuss_url": _discuss_url(linker, tree.language, page.reading),
                    "previous": pages[i - 1] if i > 0 else None,
                    "next": pages[i + 1] if i + 1 < len(pages) else None,
                },
            )
            files[page.file] = linker.rewrite(html).encode()
    return files


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files, key=lambda n: (n != "imsmanifest.xml", n)):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def _xml(root: ET.Element) -> bytes:
    # Names are written prefixed as they are ("lomimscc:lom") and the root declares the
    # namespaces itself: ElementTree cannot give a default namespace to a tree that has
    # unprefixed attributes, and its prefix registry is process-wide.
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def package_name(tree: ExportTree, fmt: str) -> str:
    slug = slugify(tree.slug) or tree.kind
    suffix = "imscc" if fmt == FORMAT_CC else "zip"
    return f"legis-{slug}-{tree.language}-{fmt}.{suffix}"


# --- IMS Common Cartridge 1.3 -------------------------------------------------------------


def _lom(tag: str) -> str:
    return f"lomimscc:{tag}"


def _weblink(title: str, url: str) -> bytes:
    root = ET.Element("webLink", {"xmlns": CC_WEBLINK_NS})
    ET.SubElement(root, "title").text = title
    ET.SubElement(root, "url", {"href": url, "target": "_blank", "windowFeatures": ""})
    return _xml(root)


def build_common_cartridge(tree: ExportTree, *, base_url: str) -> Package:
    """imsmanifest.xml (metadata, one rooted-hierarchy organisation, resources), reading pages as
    web content, a web link back to each reading's discussion, the stylesheet in web_resources/."""
    linker = _Linker(base_url)
    pages = _render_pages(tree, linker)
    page_by_reading = {id(p.reading): p for p in _pages(tree)}
    files: dict[str, bytes] = {"web_resources/legis.css": (ASSETS / "legis.css").read_bytes()}
    files.update({f"readings/{name}": data for name, data in pages.items()})
    direction = _direction(tree.language)

    manifest = ET.Element(
        "manifest",
        {
            "identifier": f"LEGIS_{tree.kind.upper()}_{tree.language.replace('-', '_')}",
            "xmlns": CC_NS,
            "xmlns:lomimscc": CC_LOM_MANIFEST_NS,
        },
    )
    metadata = ET.SubElement(manifest, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Common Cartridge"
    ET.SubElement(metadata, "schemaversion").text = "1.3.0"
    lom = ET.SubElement(metadata, _lom("lom"))
    general = ET.SubElement(lom, _lom("general"))
    title = ET.SubElement(general, _lom("title"))
    ET.SubElement(title, _lom("string"), {"language": tree.language}).text = tree.title
    ET.SubElement(general, _lom("language")).text = tree.language
    if tree.summary:
        description = ET.SubElement(general, _lom("description"))
        ET.SubElement(description, _lom("string"), {"language": tree.language}).text = tree.summary

    organizations = ET.SubElement(manifest, "organizations")
    organization = ET.SubElement(
        organizations, "organization", {"identifier": "ORG_1", "structure": "rooted-hierarchy"}
    )
    root_item = ET.SubElement(organization, "item", {"identifier": "ITEM_ROOT"})
    resources = ET.SubElement(manifest, "resources")
    ET.SubElement(
        ET.SubElement(resources, "resource", {"identifier": "RES_STYLE", "type": "webcontent"}),
        "file",
        {"href": "web_resources/legis.css"},
    )

    with translation.override(tree.language):
        for s, section in enumerate(tree.sections, start=1):
            folder = ET.SubElement(root_item, "item", {"identifier": f"ITEM_S{s}"})
            ET.SubElement(folder, "title").text = section.title
            if tree.kind == "programme" and (section.prompts or section.assignment):
                href = f"weeks/w{s:02d}.html"
                files[href] = render_to_string(
                    "interop/package/week.html",
                    {"tree": tree, "section": section, "language": tree.language, "direction": direction},
                ).encode()
                item = ET.SubElement(
                    folder, "item", {"identifier": f"ITEM_W{s}", "identifierref": f"RES_W{s}"}
                )
                ET.SubElement(item, "title").text = translation.gettext("Week overview")
                resource = ET.SubElement(
                    resources, "resource", {"identifier": f"RES_W{s}", "type": "webcontent", "href": href}
                )
                ET.SubElement(resource, "file", {"href": href})
                ET.SubElement(resource, "dependency", {"identifierref": "RES_STYLE"})
            for reading in section.readings:
                page = page_by_reading[id(reading)]
                n = page.file[1:3]
                href = f"readings/{page.file}"
                item = ET.SubElement(
                    folder, "item", {"identifier": f"ITEM_R{n}", "identifierref": f"RES_R{n}"}
                )
                ET.SubElement(item, "title").text = page.title
                resource = ET.SubElement(
                    resources, "resource", {"identifier": f"RES_R{n}", "type": "webcontent", "href": href}
                )
                ET.SubElement(resource, "file", {"href": href})
                ET.SubElement(resource, "dependency", {"identifierref": "RES_STYLE"})

                link_title = translation.gettext("Discussion: %(title)s") % {"title": page.title}
                link_href = f"links/d{n}.xml"
                files[link_href] = _weblink(link_title, _discuss_url(linker, tree.language, reading))
                item = ET.SubElement(
                    folder, "item", {"identifier": f"ITEM_D{n}", "identifierref": f"RES_D{n}"}
                )
                ET.SubElement(item, "title").text = link_title
                resource = ET.SubElement(
                    resources, "resource", {"identifier": f"RES_D{n}", "type": CC_WEBLINK_TYPE}
                )
                ET.SubElement(resource, "file", {"href": link_href})

    if linker.media:
        resource = ET.SubElement(resources, "resource", {"identifier": "RES_MEDIA", "type": "webcontent"})
        for path in sorted(linker.media):
            ET.SubElement(resource, "file", {"href": path})
        files.update(linker.media)
    files["imsmanifest.xml"] = _xml(manifest)
    return Package(package_name(tree, FORMAT_CC), "application/zip", _zip(files))


# --- SCORM 1.2 ----------------------------------------------------------------------------


def build_scorm(tree: ExportTree, *, base_url: str) -> Package:
    """One SCO: index.html (the launch page, which talks to the LMS) shows the readings in a frame."""
    linker = _Linker(base_url)
    pages = _pages(tree)
    rendered = _render_pages(tree, linker)
    files: dict[str, bytes] = {
        "web_resources/legis.css": (ASSETS / "legis.css").read_bytes(),
        "web_resources/sco.js": (ASSETS / "sco.js").read_bytes(),
    }
    files.update({f"pages/{name}": data for name, data in rendered.items()})
    files.update(linker.media)
    with translation.override(tree.language):
        files["index.html"] = render_to_string(
            "interop/package/scorm_index.html",
            {"tree": tree, "pages": pages, "language": tree.language, "direction": _direction(tree.language)},
        ).encode()

    manifest = ET.Element(
        "manifest",
        {
            "identifier": f"LEGIS_{tree.kind.upper()}_{tree.language.replace('-', '_')}",
            "version": "1.0",
            "xmlns": SCORM_CP_NS,
            "xmlns:adlcp": SCORM_ADLCP_NS,
        },
    )
    metadata = ET.SubElement(manifest, "metadata")
    ET.SubElement(metadata, "schema").text = "ADL SCORM"
    ET.SubElement(metadata, "schemaversion").text = "1.2"
    organizations = ET.SubElement(manifest, "organizations", {"default": "ORG_1"})
    organization = ET.SubElement(organizations, "organization", {"identifier": "ORG_1"})
    ET.SubElement(organization, "title").text = tree.title
    item = ET.SubElement(
        organization, "item", {"identifier": "ITEM_1", "identifierref": "SCO_1", "isvisible": "true"}
    )
    ET.SubElement(item, "title").text = tree.title
    resources = ET.SubElement(manifest, "resources")
    resource = ET.SubElement(
        resources,
        "resource",
        {
            "identifier": "SCO_1",
            "type": "webcontent",
            "adlcp:scormtype": "sco",
            "href": "index.html",
        },
    )
    for path in sorted(files):
        ET.SubElement(resource, "file", {"href": path})
    files["imsmanifest.xml"] = _xml(manifest)
    return Package(package_name(tree, FORMAT_SCORM), "application/zip", _zip(files))


def build(tree: ExportTree, fmt: str, *, base_url: str) -> Package:
    if fmt == FORMAT_SCORM:
        return build_scorm(tree, base_url=base_url)
    return build_common_cartridge(tree, base_url=base_url)
