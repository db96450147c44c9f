"""Lay several copies of a one-page PDF on A4 sheets with crop marks, for an office printer."""

from __future__ import annotations

import io
from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING

from toolkit.context import PrintSetup

if TYPE_CHECKING:
    from pypdf import PageObject

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
# Office printers cannot print the last few millimetres of a sheet: keep copies and marks
# clear of the edge, and leave a gutter for the marks between copies.
MARGIN = 8 * MM
GUTTER = 8 * MM
MARK_OFFSET = 1.5 * MM
MARK_LENGTH = 3.5 * MM


@dataclass(frozen=True)
class Layout:
    """Where copies go: the sheet size, the scale, and each copy's lower-left corner."""

    sheet: tuple[float, float]
    scale: float
    origins: list[tuple[float, float]]
    copy: tuple[float, float]


def plan_layout(copy: tuple[float, float], copies: int) -> Layout:
    """The A4 orientation and grid that print `copies` of a page the largest."""
    best: Layout | None = None
    for sheet, cols, rows in product((A4, A4[::-1]), range(1, 5), range(1, 5)):
        if cols * rows < copies or cols * rows > copies * 2:
            continue
        cell_w = (sheet[0] - 2 * MARGIN - (cols - 1) * GUTTER) / cols
        cell_h = (sheet[1] - 2 * MARGIN - (rows - 1) * GUTTER) / rows
        scale = min(cell_w / copy[0], cell_h / copy[1], 1.0)
        width, height = copy[0] * scale, copy[1] * scale
        # Centre the block of copies on the sheet.
        block_w = cols * width + (cols - 1) * GUTTER
        block_h = rows * height + (rows - 1) * GUTTER
        left, bottom = (sheet[0] - block_w) / 2, (sheet[1] - block_h) / 2
        origins = [
            (left + c * (width + GUTTER), bottom + (rows - 1 - r) * (height + GUTTER))
            for r in range(rows)
            for c in range(cols)
        ][:copies]
        layout = Layout(sheet, scale, origins, (width, height))
        if best is None or layout.scale > best.scale + 1e-6:
            best = layout
    assert best is not None
    return best


def crop_marks(layout: Layout, offset: float = MARK_OFFSET) -> bytes:
    """PDF drawing operators for thin L-shaped marks `offset` outside every copy's corners."""
    width, height = layout.copy
    lines: list[tuple[float, float, float, float]] = []
    for x, y in layout.origins:
        for cx, cy, dx, dy in (
            (x, y, -1, -1),
            (x + width, y, 1, -1),
            (x, y + height, -1, 1),
            (x + width, y + height, 1, 1),
        ):
            start_x = cx + dx * offset
            lines.append((start_x, cy, start_x + dx * MARK_LENGTH, cy))
            start_y = cy + dy * offset
            lines.append((cx, start_y, cx, start_y + dy * MARK_LENGTH))
    ops = ["q", "0.3 w", "0 0 0 RG"]
    ops += [f"{a:.2f} {b:.2f} m {c:.2f} {d:.2f} l S" for a, b, c, d in lines]
    ops.append("Q")
    return "\n".join(ops).encode("ascii")


def add_crop_marks(pdf: bytes, bleed_mm: float) -> bytes:
    """Grow every page's MediaBox beyond its bleed and draw crop marks there, at the trim
    corners, so the print shop sees where to cut; TrimBox and BleedBox stay exact."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    offset = bleed_mm * MM + MARK_OFFSET
    room = offset + MARK_LENGTH + 2 * MM
    for page in writer.pages:
        trim = page.trimbox
        left, bottom = float(trim.left), float(trim.bottom)
        right, top = float(trim.right), float(trim.top)
        media = ArrayObject(
            FloatObject(value) for value in (left - room, bottom - room, right + room, top + room)
        )
        page[NameObject("/MediaBox")] = media
        page[NameObject("/CropBox")] = media
        layout = Layout((0, 0), 1.0, [(left, bottom)], (right - left, top - bottom))
        page.merge_page(_drawing(crop_marks(layout, offset), page))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _drawing(operators: bytes, like: object) -> PageObject:
    """A page that only draws `operators`, to merge onto another."""
    from pypdf import PageObject
    from pypdf.generic import DecodedStreamObject, NameObject

    page: PageObject = PageObject.create_blank_page(width=1, height=1)
    stream = DecodedStreamObject()
    stream.set_data(operators)
    page[NameObject("/Contents")] = stream
    return page


def impose_on_sheet(pdf: bytes, setup: PrintSetup) -> bytes:
    """Every page of `pdf`, `setup.per_sheet` times on its own A4 sheet, with crop marks."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.generic import NameObject

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    for page in reader.pages:
        box = page.mediabox
        layout = plan_layout((float(box.width), float(box.height)), setup.per_sheet)
        sheet = writer.add_blank_page(*layout.sheet)
        for x, y in layout.origins:
            placement = Transformation().scale(layout.scale).translate(x, y)
            sheet.merge_transformed_page(page, placement)
        sheet.merge_page(_drawing(crop_marks(layout), sheet))
    if reader.metadata:
        writer.add_metadata(dict(reader.metadata))
    language = reader.root_object.get("/Lang")
    if language is not None:
        writer._root_object[NameObject("/Lang")] = language
    writer.compress_identical_objects()
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
