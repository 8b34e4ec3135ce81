"""Adapted copies of shared readings: same passage ids, a link to the master revision, and a
per-passage report of what the master changed since, which editors take or keep."""

from http import HTTPStatus

import pytest

from academies import adaptation, services
from academies.models import AdaptedReadingPage, PassageReconciliation
from lms.errors import PermissionDenied, ServiceError
from modules.factories import heading, make_reading, paragraph
from modules.models import ReadingPage

pytestmark = pytest.mark.django_db

P1, P2, P3, P4 = (f"aaaaaaaa-0000-4000-8000-00000000000{n}" for n in range(1, 5))


@pytest.fixture
def master(module):
    reading = make_reading(
        module,
        title="Extradition basics",
        slug="extradition-basics",
        passages=0,
        extra_blocks=[
            heading("The duty to extradite or prosecute", P1),
            paragraph(
                "<p>A State must either extradite the suspect or submit the case to prosecution.</p>", P2
            ),
            paragraph("<p>Political offence exceptions are excluded by the later conventions.</p>", P3),
        ],
    )
    return ReadingPage.objects.get(pk=reading.pk)


@pytest.fixture
def copy(master, section_a, editor_a):
    return services.adaptation_create(actor=editor_a, section=section_a, master=master)


def revise(page, edit):
    """Publish a new revision of the master with `edit(blocks)` applied to its raw body."""
    page = type(page).objects.get(pk=page.pk)
    blocks = [dict(b) for b in page.body.raw_data]
    page.body = edit(blocks)
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def set_passage(block_id, html):
    def edit(blocks):
        return [{**b, "value": html} if b["id"] == block_id else b for b in blocks]

    return edit


def test_the_copy_keeps_the_master_passage_ids_and_revision(master, copy, section_a):
    assert copy.get_parent().pk == section_a.pk
    assert copy.master_id == master.pk
    assert copy.master_revision_id == master.live_revision_id
    assert [b.id for b in copy.body] == [P1, P2, P3]
    assert copy.live
    assert not adaptation.report(copy).master_changed


@pytest.mark.parametrize(("role", "allowed"), [("editor_a", True), ("editor_b", False), ("admin_b", False)])
def test_only_the_section_editors_adapt_into_it(request, master, section_a, role, allowed):
    actor = request.getfixturevalue(role)
    if allowed:
        assert (
            services.adaptation_create(actor=actor, section=section_a, master=master).master_id == master.pk
        )
    else:
        with pytest.raises(PermissionDenied):
            services.adaptation_create(actor=actor, section=section_a, master=master)
        assert not AdaptedReadingPage.objects.exists()


def test_a_revised_master_reports_exactly_the_changed_passages_with_a_diff(master, copy):
    revise(
        master, set_passage(P3, "<p>Political offence exceptions are excluded by most later conventions.</p>")
    )

    report = adaptation.report(AdaptedReadingPage.objects.get(pk=copy.pk))
    assert report.master_changed
    assert [c.block_id for c in report.changes] == [P3]
    change = report.changes[0]
    assert change.kind == "changed"
    assert change.master_then == "Political offence exceptions are excluded by the later conventions."
    assert change.master_now == "Political offence exceptions are excluded by most later conventions."
    assert [(s.op, s.text) for s in change.master_diff if s.op != "equal"] == [
        ("delete", "the"),
        ("insert", "most"),
    ]
    unified = adaptation.unified_diff(
        change.master_then, change.master_now, before_label="then", after_label="now"
    )
    assert "-Political offence exceptions are excluded by the later conventions." in unified
    assert "+Political offence exceptions are excluded by most later conventions." in unified


def test_new_and_removed_master_passages_are_reported_too(master, copy):
    def edit(blocks):
        kept = [b for b in blocks if b["id"] != P2]
        return [*kept, paragraph("<p>A new paragraph on dual criminality.</p>", P4)]

    revise(master, edit)
    report = adaptation.report(AdaptedReadingPage.objects.get(pk=copy.pk))
    assert {(c.block_id, c.kind) for c in report.changes} == {(P4, "added"), (P2, "removed")}


def test_taking_the_master_version_of_one_passage_updates_only_that_passage(master, copy, editor_a):
    # The institution adapted two passages; the master then revises both.
    copy = AdaptedReadingPage.objects.get(pk=copy.pk)
    copy.body = [
        {**b, "value": b["value"].replace("prosecution", "prosecution under article 12 of our code")}
        if b["id"] == P2
        else b
        for b in copy.body.raw_data
    ]
    copy.save_revision(user=editor_a).publish()
    revise(
        master,
        lambda blocks: set_passage(
            P2, "<p>A State must extradite the suspect or prosecute without delay.</p>"
        )(set_passage(P3, "<p>Political offence exceptions no longer apply.</p>")(blocks)),
    )
    page = AdaptedReadingPage.objects.get(pk=copy.pk)
    assert [c.block_id for c in adaptation.report(page).changes] == [P2, P3]

    services.passage_take_master(actor=editor_a, page=page, block_id=P3)

    page = AdaptedReadingPage.objects.get(pk=copy.pk)
    texts = {b["id"]: adaptation.passage_text(b) for b in page.body.raw_data}
    assert texts[P3] == "Political offence exceptions no longer apply."  # taken
    assert "article 12 of our code" in texts[P2]  # ours, untouched
    assert not page.has_unpublished_changes  # published at once: nothing else was pending
    report = adaptation.report(page)
    assert [c.block_id for c in report.changes] == [P2]  # only the passage still to settle
    assert PassageReconciliation.objects.get(page=page, block_id=P3).decision == "took_master"

    services.passage_keep_own(actor=editor_a, page=page, block_id=P2)
    assert not adaptation.report(AdaptedReadingPage.objects.get(pk=copy.pk)).master_changed
    assert "article 12 of our code" in adaptation.passage_text(
        next(b for b in AdaptedReadingPage.objects.get(pk=copy.pk).body.raw_data if b["id"] == P2)
    )

    # A later master change to a settled passage is reported again.
    revise(master, set_passage(P2, "<p>A State must extradite or prosecute, without exception.</p>"))
    assert [c.block_id for c in adaptation.report(AdaptedReadingPage.objects.get(pk=copy.pk)).changes] == [P2]


def test_taking_a_new_master_passage_inserts_it_after_its_predecessor(master, copy, editor_a):
    revise(master, lambda blocks: [blocks[0], blocks[1], paragraph("<p>Inserted.</p>", P4), blocks[2]])
    services.passage_take_master(actor=editor_a, page=copy, block_id=P4)
    page = AdaptedReadingPage.objects.get(pk=copy.pk)
    assert [b["id"] for b in page.body.raw_data] == [P1, P2, P4, P3]


def test_unchanged_passages_cannot_be_taken_and_other_editors_cannot_act(master, copy, editor_a, editor_b):
    revise(master, set_passage(P3, "<p>Changed.</p>"))
    with pytest.raises(PermissionDenied):
        services.passage_take_master(actor=editor_b, page=copy, block_id=P3)
    with pytest.raises(ServiceError, match="has not changed"):
        services.passage_keep_own(actor=editor_a, page=copy, block_id=P1)


def test_the_review_page_shows_the_diff_and_takes_a_passage(client, master, copy, editor_a, editor_b):
    revise(
        master, set_passage(P3, "<p>Political offence exceptions are excluded by most later conventions.</p>")
    )
    url = f"/en/academies/adaptations/{copy.pk}/"

    client.force_login(editor_b)
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert client.post(url, {"passage": P3, "choice": "take"}).status_code == HTTPStatus.FORBIDDEN

    client.force_login(editor_a)
    html = client.get(url).content.decode()
    assert "Master changed since you adapted it: 1 passage." in html
    assert 'the<span class="visually-hidden">]</span></del>' in html  # word-level diff
    assert 'most<span class="visually-hidden">]</span></ins>' in html

    # The copy itself tells its editors, and only them.
    assert "Master changed since you adapted it" in client.get(copy.url).content.decode()
    client.logout()
    assert "Master changed since you adapted it" not in client.get(copy.url).content.decode()

    client.force_login(editor_a)
    response = client.post(url, {"passage": P3, "choice": "take"}, follow=True)
    assert "The master&#x27;s version of the passage is now in your copy." in response.content.decode()
    assert "Your copy is up to date with the master" in response.content.decode()


def test_an_editor_adapts_a_reading_from_the_site(client, master, section_a, editor_a, editor_b, outsider):
    client.force_login(editor_a)
    response = client.get("/en/academies/readings/adapt/", {"reading": master.pk})
    assert response["Location"] == f"/en/academies/readings/{master.pk}/adapt/"
    response = client.post(response["Location"], {"section": section_a.pk, "title": "Extradition at home"})
    copy = AdaptedReadingPage.objects.get()
    assert response["Location"] == f"/en/academies/adaptations/{copy.pk}/"
    assert (copy.title, copy.master_id, copy.get_parent().pk) == (
        "Extradition at home",
        master.pk,
        section_a.pk,
    )
    again = client.post(f"/en/academies/readings/{master.pk}/adapt/", {"section": section_a.pk, "title": ""})
    assert "already has an adapted copy" in again.content.decode()

    client.force_login(outsider)  # edits no section at all
    assert client.get(f"/en/academies/readings/{master.pk}/adapt/").status_code == HTTPStatus.FORBIDDEN
    client.force_login(editor_b)  # may not pick A's section
    response = client.post(f"/en/academies/readings/{master.pk}/adapt/", {"section": section_a.pk})
    assert response.status_code == HTTPStatus.OK and "Select a valid choice" in response.content.decode()
    assert AdaptedReadingPage.objects.count() == 1
