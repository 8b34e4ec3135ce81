"""Parse every file of a package and list the URLs that would leave it.

Allowed: paths to files inside the package (which must exist), `#fragments`, and links
(never loads) to the platform itself (`platform`). Anything that loads — scripts,
stylesheets, images, frames, CSS `url()` and `@import` — must be a file of the package.
"""

import posixpath
import re
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

LOADING = {
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("iframe", "src"),
    ("frame", "src"),
    ("source", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("input", "src"),
    ("link", "href"),
}
LINKING = {("a", "href"), ("area", "href"), ("form", "action"), ("button", "formaction")}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
ABSOLUTE = re.compile(r"""(?i)\b(?:https?|ftp|wss?):/{2}[^\s'"<>)]+|(?<![:\w])//[a-z0-9.-]+\.[a-z]{2,}""")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []  # (kind, tag/attr, url)
        self.styles: list[str] = []
        self._in_style = False
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in LOADING:
                self.found.append(("load", f"{tag}[{name}]", value))
            elif (tag, name) in LINKING:
                self.found.append(("link", f"{tag}[{name}]", value))
            elif name == "style":
                self.styles.append(value)
            elif ABSOLUTE.search(value):
                self.found.append(("load", f"{tag}[{name}]", value))
        self._in_style = tag == "style"
        self._in_script = tag == "script" and not dict(attrs).get("src")

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        self._in_style = self._in_script = False


def _resolve(base_file: str, url: str) -> str:
    path = url.split("#", 1)[0].split("?", 1)[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_file), path))


def _is_package_path(url: str) -> bool:
    return not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) and not url.startswith(("/", "\\"))


def problems(files: dict[str, bytes], platform: str) -> list[str]:
    """Every URL in the package that leaves it, or points to a file it lacks."""
    found: list[str] = []
    platform = platform.rstrip("/") + "/"

    def check(name: str, kind: str, where: str, url: str) -> None:
        url = url.strip()
        if not url or url.startswith("#"):
            return
        if _is_package_path(url):
            target = _resolve(name, url)
            if url.split("#", 1)[0] and target not in files:
                found.append(f"{name}: {where} points to a missing file {url}")
            return
        if kind == "link" and url.startswith(platform):
            return
        found.append(f"{name}: {where} leaves the package: {url}")

    for name, data in files.items():
        if name.endswith(".html"):
            collector = _Collector()
            collector.feed(data.decode())
            for kind, where, url in collector.found:
                for part in url.split(",") if where.endswith("[srcset]") else [url]:
                    check(name, kind, where, part.strip().split(" ")[0])
            for css in collector.styles:
                for a, b in CSS_URL.findall(css):
                    check(name, "load", "style", a or b)
            if collector.inline_scripts:
                found.append(f"{name}: has inline scripts")
        elif name.endswith(".css"):
            text = data.decode()
            for a, b in CSS_URL.findall(text):
                check(name, "load", "url()", a or b)
            found += [f"{name}: {m}" for m in ABSOLUTE.findall(text)]
        elif name.endswith(".js"):
            found += [f"{name}: {m}" for m in ABSOLUTE.findall(data.decode())]
        elif name.endswith(".xml"):
            # Namespace names are identifiers, not addresses: the parser keeps them out of values.
            for element in ET.fromstring(data).iter():
                for attr, value in element.attrib.items():
                    if ABSOLUTE.search(value):
                        check(name, "link", f"{element.tag}@{attr}", value)
                if element.text and ABSOLUTE.search(element.text):
                    check(name, "link", f"{element.tag} text", element.text.strip())
        elif not name.lower().endswith((".png", ".jpg", ".jpeg", ".webp", ".gif")):
            found.append(f"{name}: unexpected kind of file")
    return found
