import pytest

from forums.sanitize import clean_html, render_post

HOSTILE = [
    ("<script>alert(1)</script>hello", ["<script", "alert(1)</script"]),
    ('<img src=x onerror="alert(1)">', ["<img", "onerror"]),
    ('<a href="javascript:alert(1)">x</a>', ["javascript:"]),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', ["data:"]),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', ["javascript", "JaVaScRiPt"]),
    ("<svg><script>alert(1)</script></svg>", ["<svg", "<script"]),
    ('<svg onload="alert(1)"/>', ["<svg", "onload"]),
    (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        ["<math", "<img", "onerror", "<style"],
    ),
    ('<p style="background:url(javascript:alert(1))">x</p>', ["style=", "javascript"]),
    ('<div style="width: expression(alert(1))">x</div>', ["expression", "style="]),
    ('<iframe src="https://evil.example"></iframe>', ["<iframe"]),
    ('<form action="https://evil.example"><input></form>', ["<form", "<input"]),
    ("<b><i>unclosed <a href='https://ok.example'>link", ["<script"]),
    ('<a href="https://ok.example" onclick="steal()">ok</a>', ["onclick"]),
    ("<<script>script>alert(1)<</script>/script>", ["<script"]),
    ('<object data="x.swf"></object><embed src="x">', ["<object", "<embed"]),
]


@pytest.mark.parametrize(("hostile", "forbidden"), HOSTILE)
def test_hostile_html_is_neutralised_in_both_entry_points(hostile, forbidden):
    for output in (clean_html(hostile), render_post(hostile)):
        lowered = output.lower()
        for needle in forbidden:
            assert needle.lower() not in lowered, (hostile, output)


def test_markdown_subset_renders_and_links_get_rel():
    html = render_post("**bold** and *it*\n\n- one\n- two\n\n> quoted\n\n[site](https://example.org)")
    assert "<strong>bold</strong>" in html
    assert "<em>it</em>" in html
    assert "<li>one</li>" in html
    assert "<blockquote>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow noopener"' in html


def test_bare_urls_become_safe_links():
    html = render_post("see https://example.org/page")
    assert '<a href="https://example.org/page" rel="nofollow noopener">' in html


def test_author_cannot_override_rel():
    html = clean_html('<a href="https://example.org" rel="opener">x</a>')
    assert 'rel="nofollow noopener"' in html
