"""What changed in a shared reading since an institution adapted it, passage by passage.

A passage is a top-level block of the body, known by its block id, which the adapted copy
shares with its master. For each passage the baseline is the master's text at the revision
the copy was adapted from — or, once an editor has settled that passage (took the master's
version or kept theirs), the master revision they settled it against. A passage is reported
when the master's published text differs from its baseline; each report carries word-level
diffs built with difflib.
"""

import difflib
import html
import json
import re
from dataclasses import dataclass, field

from django.utils.html import strip_tags

from wagtail.models import Revision

from .models import AdaptedReadingPage, PassageReconciliation

Block = dict  # a raw stream block: {"type": ..., "value": ..., "id": ...}

_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|div)>|<br\s*/?>", re.IGNORECASE)
_TOKENS = re.compile(r"\s+|[^\s]+")


def _html_text(value: str) -> str:
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n", value)))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _flatten(value: object, key: str = "") -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = _html_text(value) if "<" in value else value.strip()
        return [text] if text else []
    if isinstance(value, dict):
        if "type" in value and "value" in value:  # a list item in Wagtail's raw format
            return _flatten(value["value"])
        return [line for name, item in value.items() for line in _flatten(item, name)]
    if isinstance(value, list):
        return [line for item in value for line in _flatten(item, key)]
    # Snippet, image and page references are ids: a changed reference is a changed passage.
    return [f"{key}: {value}" if key else str(value)]


def passage_text(block: Block | None) -> str:
    """A passage's words, one line per paragraph, list item or field."""
    return "" if block is None else "\n".join(_flatten(block.get("value")))


def stream_blocks(raw: object) -> list[Block]:
    """The body of a revision's content (a JSON string or a list) as raw blocks."""
    if isinstance(raw, str):
        raw = json.loads(raw or "[]")
    return [dict(block) for block in (raw or [])]


def revision_blocks(revision: Revision | None) -> dict[str, Block]:
    if revision is None:
        return {}
    return {block["id"]: block for block in stream_blocks(revision.content.get("body"))}


@dataclass(frozen=True)
class Segment:
    op: str  # "equal", "delete" or "insert"
    text: str


def word_diff(before: str, after: str) -> list[Segment]:
    """Word-level difference between two texts (difflib.SequenceMatcher on words and spaces)."""
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            segments.append(Segment("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(Segment("insert", "".join(b[j1:j2])))
    return segments


def unified_diff(before: str, after: str, *, before_label: str, after_label: str) -> str:
    """The same difference, line by line, as plain text (for e-mail, logs and tests)."""
    return "\n".join(
        difflib.unified_diff(
            before.splitlines(), after.splitlines(), fromfile=before_label, tofile=after_label, lineterm=""
        )
    )


@dataclass
class PassageChange:
    block_id: str
    kind: str  # "changed", "added" (new in the master) or "removed" (gone from the master)
    block_type: str
    master_then: str
    master_now: str
    ours: str | None  # None: the copy has no such passage
    master_diff: list[Segment] = field(default_factory=list)
    ours_to_master: list[Segment] = field(default_factory=list)

    @property
    def ours_matches_master(self) -> bool:
        return (self.ours or "") == self.master_now

    @property
    def label(self) -> str:
        text = (self.master_now or self.master_then).split("\n", 1)[0]
        return text if len(text) <= 80 else text[:79] + "…"


@dataclass
class AdaptationReport:
    page: AdaptedReadingPage
    master: object | None  # the master ReadingPage, None if it was deleted
    base_revision: Revision | None
    current_revision: Revision | None
    master_blocks: list[Block]  # the master's published passages, in order
    changes: list[PassageChange]

    @property
    def master_changed(self) -> bool:
        return bool(self.changes)

    def change_for(self, block_id: str) -> PassageChange | None:
        return next((change for change in self.changes if change.block_id == block_id), None)


def _our_blocks(page: AdaptedReadingPage) -> list[Block]:
    """The copy as its editors last saved it (a draft included)."""
    if page.latest_revision_id and page.latest_revision_id != page.live_revision_id:
        return stream_blocks(page.latest_revision.content.get("body"))
    return [dict(block) for block in page.body.raw_data]


def report(page: AdaptedReadingPage) -> AdaptationReport:
    """The passages the master changed since the copy was adapted (or they were last settled).
    A fixed handful of queries, whatever the number of passages."""
    master = page.master
    current = master.live_revision if master is not None and master.live else None
    if master is None or current is None:
        return AdaptationReport(page, master, page.master_revision, current, [], [])

    settled = {r.block_id: r.master_revision_id for r in PassageReconciliation.objects.filter(page=page)}
    revision_ids = {page.master_revision_id, *settled.values()} - {None}
    revisions = {r.pk: revision_blocks(r) for r in Revision.objects.filter(pk__in=revision_ids)}
    base = revisions.get(page.master_revision_id, {})
    now_blocks = [dict(block) for block in master.body.raw_data]
    now = {block["id"]: block for block in now_blocks}
    ours = {block["id"]: block for block in _our_blocks(page)}

    # The master's order first, then passages it has dropped since, in the baseline's order.
    ids = list(now) + [bid for bid in base if bid not in now]
    ids += [bid for bid in settled if bid not in now and bid not in base]
    changes = []
    for block_id in ids:
        baseline = revisions.get(settled[block_id], {}) if block_id in settled else base
        then_block, now_block = baseline.get(block_id), now.get(block_id)
        then_text, now_text = passage_text(then_block), passage_text(now_block)
        if then_block is None and now_block is None:
            continue
        if then_block is not None and now_block is not None and then_text == now_text:
            continue
        our_block = ours.get(block_id)
        our_text = passage_text(our_block) if our_block is not None else None
        changes.append(
            PassageChange(
                block_id=block_id,
                kind="added" if then_block is None else "removed" if now_block is None else "changed",
                block_type=(now_block or then_block)["type"],
                master_then=then_text,
                master_now=now_text,
                ours=our_text,
                master_diff=word_diff(then_text, now_text),
                ours_to_master=word_diff(our_text or "", now_text),
            )
        )
    return AdaptationReport(page, master, page.master_revision, current, now_blocks, changes)


def with_master_passage(ours: list[Block], block_id: str, master_blocks: list[Block]) -> list[Block]:
    """The copy's body with one passage replaced by the master's (same id), inserted after the
    nearest passage it follows in the master if the copy lacks it, or removed if the master
    dropped it."""
    master_block = next((block for block in master_blocks if block["id"] == block_id), None)
    result = [dict(block) for block in ours]
    index = next((i for i, block in enumerate(result) if block["id"] == block_id), None)
    if master_block is None:
        return [block for block in result if block["id"] != block_id]
    taken = {"type": master_block["type"], "value": master_block["value"], "id": block_id}
    if index is not None:
        result[index] = taken
        return result
    position = 0
    master_ids = [block["id"] for block in master_blocks]
    for previous_id in reversed(master_ids[: master_ids.index(block_id)]):
        found = next((i for i, block in enumerate(result) if block["id"] == previous_id), None)
        if found is not None:
            position = found + 1
            break
    result.insert(position, taken)
    return result
