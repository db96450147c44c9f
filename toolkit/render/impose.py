"""Copies of a leaflet on A4 sheets for an office printer, and crop marks where a cutter needs
them: at the ends of every cut line, in registration black, outside the trim and the bleed."""

from __future__ import annotations

import io
from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING, Any

from toolkit.context import PrintSetup

if TYPE_CHECKING:
    from pypdf import PageObject, PdfWriter

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
# Crop marks as print shops expect them: 0.25 pt lines about 5 mm long, starting 3 mm from
# the trim (and clear of the bleed), so the cutter sees them and the cut never shows them.
MARK_OFFSET = 3 * MM
MARK_LENGTH = 5 * MM
MARK_WIDTH = 0.25
# Office printers cannot print the last 4-5 mm of a sheet: the marks stay at least this far
# inside it, so the copies keep clear of the edge by this plus the marks themselves.
PRINTABLE_EDGE = 5 * MM
SHEET_MARGIN = PRINTABLE_EDGE + MARK_LENGTH + MARK_OFFSET
# Between copies: each copy's background runs on 2 mm past its trim into this gap (the
# leaflet is laid out with a bleed for it), so a cut a little off the line shows no white
# sliver and none of the neighbour.
GUTTER = 4 * MM
COPY_BLEED_MM = 3.0
# The registration colour: ink on every plate, so marks show on each separation.
REGISTRATION = b"/UnionkitRegistration"

Box = tuple[float, float, float, float]  # left, bottom, right, top


@dataclass(frozen=True)
class Layout:
    """Where copies go: the sheet size, the scale, and each copy's lower-left trim corner."""

    sheet: tuple[float, float]
    scale: float
    origins: list[tuple[float, float]]
    copy: tuple[float, float]
    """A copy's trimmed size on the sheet (after scaling)."""

    def trims(self, *, mirrored: bool = False) -> list[Box]:
        """Each copy's trim box on the sheet; `mirrored` for the back of a duplex sheet,
        which is turned over about its vertical axis (long edge for a portrait sheet,
        short edge for a landscape one)."""
        width, height = self.copy
        boxes = []
        for x, y in self.origins:
            if mirrored:
                x = self.sheet[0] - x - width
            boxes.append((x, y, x + width, y + height))
        return boxes


def plan_layout(copy: tuple[float, float], copies: int) -> Layout:
    """The A4 orientation and grid that print `copies` of a page the largest, with room for
    crop marks the printer can reach."""
    best: Layout | None = None
    for sheet, cols, rows in product((A4, A4[::-1]), range(1, 5), range(1, 5)):
        if cols * rows < copies or cols * rows > copies * 2:
            continue
        cell_w = (sheet[0] - 2 * SHEET_MARGIN - (cols - 1) * GUTTER) / cols
        cell_h = (sheet[1] - 2 * SHEET_MARGIN - (rows - 1) * GUTTER) / rows
        scale = min(cell_w / copy[0], cell_h / copy[1], 1.0)
        width, height = copy[0] * scale, copy[1] * scale
        # Centre the block of copies on the sheet, so that front and back line up.
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


def imposed_scale(setup: PrintSetup, copy_mm: tuple[float, float]) -> float:
    """How much a copy shrinks on the office sheet (1.0 when printed alone)."""
    if setup.per_sheet <= 1:
        return 1.0
    return plan_layout((copy_mm[0] * MM, copy_mm[1] * MM), setup.per_sheet).scale


def cut_marks(trims: list[Box], offset: float = MARK_OFFSET) -> list[Box]:
    """Line segments (x0, y0, x1, y1) at both ends of every cut line through `trims`,
    outside the block of copies: `offset` from it, `MARK_LENGTH` long."""
    left = min(box[0] for box in trims)
    bottom = min(box[1] for box in trims)
    right = max(box[2] for box in trims)
    top = max(box[3] for box in trims)
    xs = sorted({round(x, 3) for box in trims for x in (box[0], box[2])})
    ys = sorted({round(y, 3) for box in trims for y in (box[1], box[3])})
    lines: list[Box] = []
    for x in xs:
        lines.append((x, top + offset, x, top + offset + MARK_LENGTH))
        lines.append((x, bottom - offset, x, bottom - offset - MARK_LENGTH))
    for y in ys:
        lines.append((left - offset, y, left - offset - MARK_LENGTH, y))
        lines.append((right + offset, y, right + offset + MARK_LENGTH, y))
    return lines


def _marks_operators(lines: list[Box]) -> bytes:
    ops = [b"q", REGISTRATION + b" CS 1 SCN", f"{MARK_WIDTH} w 0 J [] 0 d".encode()]
    ops += [f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S".encode() for a, b, c, d in lines]
    ops.append(b"Q")
    return b"\n".join(ops)


def _registration_space(writer: PdfWriter) -> object:
    """The Separation colour space "All" (every plate), with a CMYK 100/100/100/100 stand-in
    for viewers."""
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
    )

    def floats(*values: float) -> ArrayObject:
        return ArrayObject(FloatObject(v) for v in values)

    tint = DictionaryObject(
        {
            NameObject("/FunctionType"): NumberObject(2),
            NameObject("/Domain"): floats(0, 1),
            NameObject("/C0"): floats(0, 0, 0, 0),
            NameObject("/C1"): floats(1, 1, 1, 1),
            NameObject("/N"): NumberObject(1),
        }
    )
    space = ArrayObject(
        [NameObject("/Separation"), NameObject("/All"), NameObject("/DeviceCMYK"), tint]
    )
    return writer._add_object(space)


def _draw_over(page: PageObject, writer: PdfWriter, operators: bytes, registration: object) -> None:
    """Draw `operators` over the page's own content, in a graphics state of their own."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(b"\nQ\n" + operators + b"\n")
    contents = page.get("/Contents")
    parts: list[object] = [writer._add_object(before)]
    if contents is not None:
        resolved = contents.get_object()
        if isinstance(resolved, ArrayObject):
            parts.extend(resolved)
        else:
            parts.append(contents)
    parts.append(writer._add_object(after))
    page[NameObject("/Contents")] = ArrayObject(parts)
    found: Any = page.get("/Resources")
    if found is None:
        found = DictionaryObject()
        page[NameObject("/Resources")] = found
    resources: Any = found.get_object()
    spaces: Any = resources.get("/ColorSpace")
    if spaces is None:
        spaces = DictionaryObject()
        resources[NameObject("/ColorSpace")] = spaces
    spaces.get_object()[NameObject(REGISTRATION.decode())] = registration


def add_crop_marks(pdf: bytes, bleed_mm: float) -> bytes:
    """Grow every page's MediaBox beyond its bleed and draw crop marks there, at the ends of
    the trim lines, so the print shop sees where to cut; TrimBox and BleedBox stay exact."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # a PDF/X level fixes the version
    registration = _registration_space(writer)
    offset = max(MARK_OFFSET, (bleed_mm + 1) * MM)
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
        lines = cut_marks([(left, bottom, right, top)], offset)
        _draw_over(page, writer, _marks_operators(lines), registration)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _as_form(page: PageObject, writer: PdfWriter, clip: Box) -> Any:
    """The page's content as a Form XObject clipped to `clip` (in the page's units)."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        FloatObject,
        NameObject,
    )

    form = DecodedStreamObject()
    contents = page.get_contents()
    form.set_data(contents.get_data() if contents is not None else b"")
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in clip)
    resources = page.get("/Resources")
    if resources is not None:
        form[NameObject("/Resources")] = resources.get_object().clone(writer)
    return writer._add_object(form)


def impose_on_sheet(pdf: bytes, setup: PrintSetup) -> bytes:
    """`setup.per_sheet` copies of each page on its own A4 sheet, with crop marks. For a
    two-sided leaflet (`setup.sides == 2`) the pages are fronts and backs in turn, and each
    back sheet is mirrored so its copies land behind their fronts when printed duplex."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    registration = _registration_space(writer)
    for number, page in enumerate(reader.pages):
        trim = page.trimbox
        left, bottom = float(trim.left), float(trim.bottom)
        size = (float(trim.width), float(trim.height))
        layout = plan_layout(size, setup.per_sheet)
        # Each copy keeps half the gutter of its bleed, so neighbours meet and never overlap.
        spill = GUTTER / 2 / layout.scale
        form = _as_form(
            page,
            writer,
            (left - spill, bottom - spill, left + size[0] + spill, bottom + size[1] + spill),
        )
        sheet = writer.add_blank_page(*layout.sheet)
        trims = layout.trims(mirrored=setup.sides == 2 and number % 2 == 1)
        ops = []
        for x, y, _, _ in trims:
            s = layout.scale
            ops.append(
                f"q {s:.6f} 0 0 {s:.6f} {x - left * s:.3f} {y - bottom * s:.3f} cm /Copy Do Q"
            )
        content = DecodedStreamObject()
        content.set_data("\n".join(ops).encode("ascii"))
        sheet[NameObject("/Contents")] = writer._add_object(content)
        sheet[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/XObject"): DictionaryObject({NameObject("/Copy"): form})}
        )
        _draw_over(sheet, writer, _marks_operators(cut_marks(trims)), registration)
    if reader.metadata:
        writer.add_metadata(dict(reader.metadata))
    language = reader.root_object.get("/Lang")
    if language is not None:
        writer._root_object[NameObject("/Lang")] = language
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
