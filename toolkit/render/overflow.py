"""How far a laid-out document runs past its pages, read from WeasyPrint's boxes: lines and
words over, where the text leaves each page, and which marked parts take the most room.

Templates mark what they want measured: `data-page="NAME"` on each part that must fill one
page of its own (a leaflet's front and back; without any, the whole document must fit the
page target), and `data-part="FIELD"` on the blocks to name when it does not fit (the field
a user would shorten).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

PX_TO_MM = 25.4 / 96


@dataclass
class Overflow:
    """What did not fit, and what takes the room."""

    pages: int
    """Pages the document took."""
    target: int
    """Pages it should take."""
    lines: int = 0
    """Lines of text that fell past their page."""
    words: int = 0
    """Words in them."""
    over_mm: float = 0.0
    """The height of everything that fell past its page."""
    ratio: float = 0.0
    """Room needed ÷ room there is, for the fullest page (over 1: it does not fit)."""
    cuts: list[tuple[int, float]] = field(default_factory=list)
    """(page index, distance in mm from the top of the trimmed page) where content leaves
    a page it should have stayed on."""
    parts: list[tuple[str, float]] = field(default_factory=list)
    """Marked parts by the share of the page room they take, largest first."""
    overflowing: list[str] = field(default_factory=list)
    """The names of the one-page parts (`data-page`) that run past their page."""

    @property
    def fits(self) -> bool:
        return self.pages <= self.target and not self.cuts


def _walk(
    box: Any, page_part: str | None, part: str | None, skip: type
) -> Iterator[tuple[Any, str | None, str | None]]:
    """Every box under `box` (but not the margin boxes, `skip`), with the `data-page` and
    `data-part` marks of its nearest marked ancestors."""
    if isinstance(box, skip):
        return
    element = getattr(box, "element", None)
    if element is not None and getattr(box, "element_tag", None) and hasattr(element, "get"):
        page_part = element.get("data-page") or page_part
        part = element.get("data-part") or part
    yield box, page_part, part
    for child in getattr(box, "children", ()):
        yield from _walk(child, page_part, part, skip)


def _bottom(box: Any) -> float:
    return float(box.position_y) + float(box.margin_height())


def measure(document: Any, target: int) -> Overflow:
    """Measure a WeasyPrint `Document` against a target of `target` pages."""
    from weasyprint.formatting_structure.boxes import LineBox, MarginBox, ReplacedBox, TextBox

    pages = document.pages
    result = Overflow(pages=len(pages), target=target)
    home: dict[str | None, int] = {}
    room_px = 0.0
    part_heights: dict[str, float] = {}
    fullest = 0.0
    for index, page in enumerate(pages):
        page_box = page._page_box
        top = float(page_box.content_box_y())
        room = float(page_box.height)
        room_px = max(room_px, room)
        used: dict[str | None, float] = {}
        extents: dict[str, tuple[float, float]] = {}
        for box, page_part, part in _walk(page_box, None, None, MarginBox):
            if isinstance(box, LineBox | ReplacedBox):
                bottom = _bottom(box)
                used[page_part] = max(used.get(page_part, top), bottom)
                if part is not None:
                    # A part's extent on the page, so columns and nested boxes count once.
                    low, high = extents.get(part, (float(box.position_y), bottom))
                    extents[part] = (min(low, float(box.position_y)), max(high, bottom))
        for part, (low, high) in extents.items():
            part_heights[part] = part_heights.get(part, 0.0) + high - low
        for page_part, bottom in used.items():
            # A part of its own must stay on the page it starts on; the rest of the document
            # on the first `target` pages.
            first = home.setdefault(page_part, index) if page_part is not None else target - 1
            overflowing = index > first
            height = bottom - top
            if overflowing:
                result.over_mm += height * PX_TO_MM
                result.lines += sum(
                    1
                    for b, pp, _ in _walk(page_box, None, None, MarginBox)
                    if pp == page_part and isinstance(b, LineBox)
                )
                result.words += sum(
                    len(b.text.split())
                    for b, pp, _ in _walk(page_box, None, None, MarginBox)
                    if pp == page_part and isinstance(b, TextBox)
                )
                cut = (first, (top + room) * PX_TO_MM)
                if cut not in result.cuts:
                    result.cuts.append(cut)
                if page_part is not None and page_part not in result.overflowing:
                    result.overflowing.append(page_part)
            else:
                fullest = max(fullest, height / room if room else 0.0)
    needed = 1.0 + (result.over_mm / (room_px * PX_TO_MM) if room_px else 0.0)
    result.ratio = needed if result.cuts else fullest
    total = room_px * max(target, 1)
    if total:
        shares = [(name, height / total) for name, height in part_heights.items()]
        result.parts = sorted(shares, key=lambda item: -item[1])
    return result
