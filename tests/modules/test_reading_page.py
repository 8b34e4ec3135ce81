from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.factories import (
    CaseDigestFactory,
    GlossaryTermFactory,
    LegalInstrumentFactory,
    heading,
    make_reading,
    paragraph,
)

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def test_every_passage_renders_with_its_block_uuid_as_anchor(client, module):
    reading = make_reading(module, passages=4, extra_blocks=[heading("A heading")])
    response = client.get(reading.url)
    assert response.status_code == HTTPStatus.OK
    rendered = [el["id"] for el in soup(response).select(".reading-body > .passage")]
    assert rendered == [f"p-{block.id}" for block in reading.body]


def test_anchor_survives_edit_and_reordering(client, module):
    reading = make_reading(module, passages=3)
    first, second, third = (block.id for block in reading.body)
    raw = list(reading.body.raw_data)
    raw.reverse()
    raw[0]["value"] = "<p>Revised passage, same anchor.</p>"
    reading.body = raw
    reading.save_revision().publish()
    page = soup(client.get(reading.url))
    assert [el["id"] for el in page.select(".passage")] == [
        f"p-{third}",
        f"p-{second}",
        f"p-{first}",
    ]
    assert "Revised passage" in page.select_one(f"#p-{third}").get_text()


def test_glossary_link_gets_language_prefix_and_popover_hook(client, module):
    term = GlossaryTermFactory(slug="dual-criminality", term="Dual criminality")
    reading = make_reading(
        module,
        passages=0,
        extra_blocks=[
            paragraph('<p>Ask about <a href="/glossary/dual-criminality/">dual criminality</a>.</p>')
        ],
    )
    link = soup(client.get(reading.url)).select_one("a.term-link")
    assert link["href"] == "/en/glossary/dual-criminality/"
    assert link["data-term"] == term.slug
    assert client.get(link["href"]).status_code == HTTPStatus.OK


def test_cited_by_lists_live_readings_that_link_here(client, module):
    target = make_reading(module, title="Extradition basics")
    make_reading(
        module,
        title="Citing reading",
        passages=0,
        extra_blocks=[paragraph(f'<p>See <a linktype="page" id="{target.pk}">extradition</a>.</p>')],
    )
    draft = make_reading(
        module,
        title="Draft citing reading",
        passages=0,
        extra_blocks=[paragraph(f'<p>Also <a linktype="page" id="{target.pk}">this</a>.</p>')],
    )
    draft.unpublish()
    cited = [a.get_text() for a in soup(client.get(target.url)).select(".cited-by a")]
    assert cited == ["Citing reading"]


def test_instrument_block_links_and_instrument_page_lists_citing_readings(client, module):
    instrument = LegalInstrumentFactory(slug="financing-convention-1999", title="Financing Convention")
    reading = make_reading(
        module,
        title="Financing offence",
        extra_blocks=[{"type": "instrument", "value": {"instrument": instrument.pk, "note": "Art. 2."}}],
    )
    page = soup(client.get(reading.url))
    assert page.select_one("a.instrument-link")["href"] == "/en/instruments/financing-convention-1999/"
    instrument_page = soup(client.get("/en/instruments/financing-convention-1999/"))
    assert [a.get_text() for a in instrument_page.select(".cited-by a")] == ["Financing offence"]


def test_case_study_block_shows_case_and_prompt(client, module):
    case = CaseDigestFactory(title="Prosecutor v. Q (fictional)")
    reading = make_reading(
        module,
        extra_blocks=[{"type": "case_study", "value": {"case": case.pk, "prompt": "Would you extradite?"}}],
    )
    text = soup(client.get(reading.url)).select_one(".case-study").get_text()
    assert "Prosecutor v. Q (fictional)" in text
    assert "Would you extradite?" in text


def test_previous_and_next_reading_follow_module_order(client, module):
    first = make_reading(module, title="One")
    second = make_reading(module, title="Two")
    third = make_reading(module, title="Three")
    page = soup(client.get(second.url))
    assert page.select_one("a[rel=prev]")["href"] == first.url
    assert page.select_one("a[rel=next]")["href"] == third.url


def test_unknown_snippet_slug_is_a_404(client, home):
    assert client.get("/en/glossary/no-such-term/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/en/instruments/no-such/").status_code == HTTPStatus.NOT_FOUND


def test_reading_query_count_does_not_grow_with_passages(client, module, settings):
    settings.PAGE_CACHE_SECONDS = 0  # count the queries of rendering, not of a shared copy
    small = make_reading(module, passages=2)
    large = make_reading(module, passages=40)
    client.get(small.url)  # warm per-process caches (site root paths, locales)
    with CaptureQueriesContext(connection) as small_q:
        client.get(small.url)
    with CaptureQueriesContext(connection) as large_q:
        client.get(large.url)
    assert len(large_q.captured_queries) == len(small_q.captured_queries)
