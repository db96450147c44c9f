"""Context + docxtpl template -> DOCX bytes, with Markdown as real Word runs, links and lists."""

from __future__ import annotations

import copy
import io
import itertools
import re
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

from markdown_it.token import Token

from toolkit.cache import ENVIRONMENTS, PICTURES, read_file
from toolkit.clock import creation_date
from toolkit.context import DocumentContext, ImageRef, PrintSetup
from toolkit.errors import RenderError
from toolkit.markdown import block_tokens
from toolkit.render.jinja_errors import template_error
from toolkit.render.pdf import fill_in_blank
from toolkit.sandbox import make_environment, time_limit, with_filters
from toolkit.templates import Template

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.text.paragraph import Paragraph
    from docxtpl import DocxTemplate

# The colour the built-in Word templates use for accents; swapped for the campaign colour.
TEMPLATE_ACCENT = "B3121B"


class WordBlock:
    """Paragraphs for a docxtpl `{{p ...}}` tag, built straight in XML: docxtpl's own
    subdocuments open a whole Word package each time, which a batch cannot afford."""

    def __init__(self) -> None:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        self._body = parse_xml(f"<w:body {nsdecls('w', 'r')}/>")

    def add_paragraph(self) -> Paragraph:
        from docx.text.paragraph import Paragraph

        # No story part of its own: docxtpl copies these paragraphs into the template's.
        return Paragraph(self._body.add_p(), None)  # type: ignore[arg-type]

    def __str__(self) -> str:
        from lxml import etree

        xml = etree.tostring(self._body, encoding="unicode")
        return re.sub(r"</?w:body[^>]*>", "", xml)

    def __html__(self) -> str:
        return str(self)


class MarkdownToWord:
    """Writes Markdown into docxtpl subdocuments using the template's own styles and lists."""

    def __init__(self, tpl: DocxTemplate, accent: str) -> None:
        self.tpl = tpl
        self.master: WordDocument = tpl.get_docx()
        self.accent = accent
        self._style_ids: dict[str, str | None] = {}

    # -- filters the DOCX template calls ------------------------------------------------
    def markdown(self, text: str | None, style: str = "Normal") -> WordBlock:
        """A block of Markdown as Word paragraphs in the template's paragraph `style`."""
        subdoc = WordBlock()
        if text:
            self._blocks(subdoc, block_tokens(text), depth=0, plain_style=style)
        return subdoc

    def numbered_list(
        self, items: list[str], start: Any = 1, lines: Any = None, keep: Any = False
    ) -> WordBlock:
        """Markdown items as one Word numbered list from `start` (Word numbers a motion's
        lines itself, so `lines` means nothing here). With `keep`, the last item is kept
        whole and on the page of what follows it (a motion's last point, with the
        signatures)."""
        subdoc = WordBlock()
        num_id = self._restarted_num("List Number", int(start))
        for index, item in enumerate(items):
            before = len(subdoc._body)
            self._blocks(subdoc, block_tokens(item), depth=1, number=num_id)
            if keep and index == len(items) - 1:
                for paragraph in list(subdoc._body)[before:]:
                    _keep_with_next(paragraph)
        return subdoc

    def name_columns(
        self, people: list[dict[str, str]], columns: int = 1, run_in: bool = False
    ) -> WordBlock:
        """Signatories in a Word section of `columns` columns: a paragraph each, or (`run_in`)
        one paragraph with the names running on, for lists of hundreds."""
        from docx.shared import Pt

        subdoc = WordBlock()
        columns = max(1, min(int(columns), 4))
        if columns > 1:
            # A section's layout lives in its last paragraph: close the one-column part above.
            self._end_section(subdoc.add_paragraph(), columns=1, keep_title_page=True)
        paragraph = None
        for index, person in enumerate(people):
            if paragraph is None or not run_in:
                paragraph = subdoc.add_paragraph()
                self._set_style(paragraph, "Unionkit Name", None)
            elif index:
                paragraph.add_run(" · ")
            runs = [paragraph.add_run(str(person["name"]))]
            runs[0].bold = True
            if person.get("details"):
                runs.append(paragraph.add_run(f", {person['details']}"))
            if run_in:
                for run in runs:
                    run.font.size = Pt(7)
        if columns > 1 and paragraph is not None:
            self._end_section(paragraph, columns=columns, keep_title_page=False)
        return subdoc

    def _end_section(self, paragraph: Paragraph, *, columns: int, keep_title_page: bool) -> None:
        """Make `paragraph` end a continuous section laid out in `columns` columns."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        section = copy.deepcopy(self.master.sections[-1]._sectPr)
        kind = section.find(qn("w:type"))
        if kind is None:
            kind = OxmlElement("w:type")
            section.insert(0, kind)
        kind.set(qn("w:val"), "continuous")
        cols = section.find(qn("w:cols"))
        if cols is None:
            cols = OxmlElement("w:cols")
            section.append(cols)
        cols.set(qn("w:num"), str(columns))
        cols.set(qn("w:space"), "340")
        if not keep_title_page:
            for title_page in section.findall(qn("w:titlePg")):
                section.remove(title_page)
        paragraph._p.get_or_add_pPr().append(section)

    # -- block level -----------------------------------------------------------------------
    def _blocks(
        self,
        subdoc: WordBlock,
        tokens: list[Token],
        depth: int,
        number: int | None = None,
        plain_style: str = "Normal",
    ) -> None:
        """Write paragraphs; `number` (a list instance) numbers the first one, as in a motion."""
        lists: list[tuple[str, int | None]] = []  # (style, numId) of each open list
        item_starts = False
        for token in tokens:
            kind = token.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                ordered = kind == "ordered_list_open"
                style = _list_style("List Number" if ordered else "List Bullet", len(lists) + depth)
                lists.append((style, self._restarted_num(style) if ordered else None))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "list_item_open":
                item_starts = True
            elif kind == "inline":
                num_id: int | None = None
                if lists and item_starts:
                    style, num_id = lists[-1]
                elif lists:
                    style = _list_style("List Continue", len(lists) + depth - 1)
                elif number is not None:
                    style, num_id, number = "List Number", number, None
                else:
                    style = "List Continue" if depth else plain_style
                item_starts = False
                paragraph = subdoc.add_paragraph()
                self._set_style(paragraph, style, num_id)
                self._inline(paragraph, token.children or [])

    def _style_id(self, style_name: str) -> str | None:
        if style_name not in self._style_ids:
            styles = self.master.styles
            found = styles[style_name].style_id if style_name in styles else None
            self._style_ids[style_name] = found
        return self._style_ids[style_name]

    def _set_style(self, paragraph: Paragraph, style_name: str, num_id: int | None) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        # A fresh paragraph: pStyle then numPr is the schema's order, so append directly
        # (python-docx's ordered inserts cost more than the rest of the paragraph).
        style_id = self._style_id(style_name)
        ppr = paragraph._p.get_or_add_pPr()
        if style_id and style_name != "Normal":
            ppr.append(OxmlElement("w:pStyle", {qn("w:val"): style_id}))
        if num_id is not None:
            numbering = OxmlElement("w:numPr")
            numbering.append(OxmlElement("w:ilvl", {qn("w:val"): "0"}))
            numbering.append(OxmlElement("w:numId", {qn("w:val"): str(num_id)}))
            ppr.append(numbering)

    def _restarted_num(self, style_name: str, start: int = 1) -> int | None:
        """A new Word list instance of the style's numbering, starting again at `start`."""
        styles = self.master.styles
        if style_name not in styles:
            return None
        ppr = styles[style_name].element.pPr
        if ppr is None or ppr.numPr is None or ppr.numPr.numId is None:
            return None
        numbering = self.master.part.numbering_part.element
        abstract_id = numbering.num_having_numId(ppr.numPr.numId.val).abstractNumId.val
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(start)
        return int(num.numId)

    # -- inline level -----------------------------------------------------------------------
    def _inline(self, paragraph: Paragraph, children: list[Token]) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import RGBColor

        bold = italic = False
        link: BaseOxmlElement | None = None
        for child in children:
            kind = child.type
            if kind == "strong_open":
                bold = True
            elif kind == "strong_close":
                bold = False
            elif kind == "em_open":
                italic = True
            elif kind == "em_close":
                italic = False
            elif kind == "link_open":
                href = str(child.attrGet("href") or "")
                rel_id = self.master.part.relate_to(
                    href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True
                )
                link = OxmlElement("w:hyperlink")
                link.set(qn("r:id"), rel_id)
                paragraph._p.append(link)
            elif kind == "link_close":
                link = None
            elif kind == "hardbreak":
                paragraph.add_run().add_break()
            elif kind in ("text", "code_inline", "softbreak"):
                text = " " if kind == "softbreak" else child.content
                run = paragraph.add_run(text)
                run.bold = bold or None
                run.italic = italic or None
                if kind == "code_inline":
                    run.font.name = "Courier New"
                if link is not None:
                    run.font.underline = True
                    run.font.color.rgb = RGBColor.from_string(self.accent)
                    link.append(run._r)


def _keep_with_next(paragraph: BaseOxmlElement) -> None:
    """Keep a paragraph (`w:p`) whole and on the page of the one after it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph.get_or_add_pPr()
    # The schema orders keepNext and keepLines straight after the style.
    at = 1 if ppr.find(qn("w:pStyle")) is not None else 0
    for name in ("w:keepLines", "w:keepNext"):
        if ppr.find(qn(name)) is None:
            ppr.insert(at, OxmlElement(name))


def svg_to_png(path: Path, dpi: int = 200) -> io.BytesIO:
    """A PNG drawing of an SVG image, drawn once per process while the file is unchanged
    (a batch of leaflets shares one picture)."""
    return io.BytesIO(PICTURES.for_file(path, lambda: _svg_png(path, dpi), dpi))


def _svg_png(path: Path, dpi: int) -> bytes:
    """WeasyPrint draws the SVG, pdfium turns it into pixels."""
    from weasyprint import HTML

    from toolkit.pdfium import opened
    from toolkit.render.pdf import LocalFetcher

    fetcher = LocalFetcher([], [path])
    html = (
        "<style>@page { size: auto; margin: 0 } html, body { margin: 0 }"
        " img { display: block }</style>"
        f'<img src="{path.resolve().as_uri()}">'
    )
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    with opened(pdf) as document:
        page = document[0].render(scale=dpi / 72).to_pil().convert("RGB")
    # The drawing sits at the top left of a blank page: keep only the drawing.
    from PIL import ImageChops

    blank = page.point(lambda _: 255)
    box = ImageChops.difference(page, blank).getbbox()
    picture = io.BytesIO()
    (page.crop(box) if box else page).save(picture, format="PNG")
    return picture.getvalue()


class HighlightedRun:
    """A Word run with the yellow highlighter on, for `{{r ...}}` (docxtpl only shades)."""

    def __init__(self, text: str) -> None:
        self._xml = (
            '<w:r><w:rPr><w:highlight w:val="yellow"/></w:rPr>'
            f'<w:t xml:space="preserve">{xml_escape(text)}</w:t></w:r>'
        )

    def __str__(self) -> str:
        return self._xml

    def __html__(self) -> str:
        return self._xml


def _list_style(base: str, level: int) -> str:
    """Word's built-in list styles go three deep: "List Bullet", "List Bullet 2", ..."""
    level = min(level, 2)
    return base if level == 0 else f"{base} {level + 1}"


_RENDERS = itertools.count(1)


def warm() -> None:
    """Load docxtpl and python-docx now rather than at the first document."""
    import docxtpl  # noqa: F401


def _docx_environment(template: Template) -> Any:
    """One sandboxed environment per Word template, kept while the file is unchanged; it
    keeps the compiled parts, and each render overlays its own filters."""
    return ENVIRONMENTS.for_file(template.docx_file, make_environment, "docx")


def render_docx(context: DocumentContext, template: Template) -> bytes:
    """Fill the template's DOCX with the context, in the sandbox, and return the file's bytes."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage, RichText

    tpl = DocxTemplate(io.BytesIO(read_file(template.docx_file)))
    accent = str(context.values["campaign"]["colour"]).lstrip("#").upper()
    if len(accent) == 3:
        accent = "".join(c * 2 for c in accent)
    writer = MarkdownToWord(tpl, accent)

    def fill_in(value: Any, width: Any = 24) -> RichText | HighlightedRun:
        if value is None or value == "":
            return HighlightedRun(fill_in_blank(width))
        return RichText(str(value))

    text_width_mm = _text_width_mm(context.print) if context.layout.own_paper else None

    def image(ref: ImageRef | None, height_mm: float = 20, max_width_mm: float = 0) -> Any:
        if ref is None:
            return ""
        height = float(height_mm)
        path = ref.path()
        # A picture made ready for print, else the file; Word cannot place an SVG on its
        # own, so it gets a drawing of it.
        prepared = context.prepared.get(path)
        if prepared is not None:
            source: Any = io.BytesIO(prepared)
        elif path.suffix.lower() == ".svg":
            source = svg_to_png(path)
        else:
            source = str(path)
        widest = float(max_width_mm) * (context.print.type_scale if text_width_mm else 1.0)
        if text_width_mm is not None:
            widest = min(widest or text_width_mm, text_width_mm)
        if widest:
            # Never wider than its room: a wide picture gets shorter instead.
            aspect = _aspect(source)
            height = min(height, widest / aspect) if aspect else height
            if hasattr(source, "seek"):
                source.seek(0)
        return InlineImage(tpl, source, height=Mm(height))

    def qr_code(link: str | None, size_mm: float = 25) -> Any:
        if not link:
            return ""
        import segno

        picture = io.BytesIO()
        segno.make(str(link), error="m").save(picture, kind="png", scale=12, border=2)
        picture.seek(0)
        size = max(10.0, min(float(size_mm), 80.0))
        return InlineImage(tpl, picture, width=Mm(size), height=Mm(size))

    env = with_filters(
        _docx_environment(template),
        {
            "markdown": writer.markdown,
            "numbered_list": writer.numbered_list,
            "numbered_words": lambda text, lines=None: text,
            "name_columns": writer.name_columns,
            "fill_in": fill_in,
            "image": image,
            "qr_code": qr_code,
        },
    )
    try:
        with time_limit():
            tpl.render(context.values, jinja_env=env, autoescape=True)
    except Exception as exc:  # noqa: BLE001 - any template failure is the template's error
        raise template_error(exc, template.docx_file) from None
    document = tpl.docx
    _apply_accent(document, accent)
    if context.layout.own_paper:
        scale = float(context.values.get("fit", {}).get("scale", 1.0))
        _fit_page(document, context.print, scale)
        _embed_fonts(document, tpl)
    else:
        fit = context.values.get("fit", {})
        _fit_type(document, float(fit.get("scale", 1.0)), tight=int(fit.get("step", 0)) > 0)
    if context.print.line_numbers:
        _number_lines(document, context.print.line_numbers)
    if context.revision is not None:
        from toolkit.render.changes import track_changes

        track_changes(document.element.body, context.revision)
    _set_language(document, context.language)
    _set_properties(document, context)
    buffer = io.BytesIO()
    tpl.save(buffer)
    data = fix_zip_dates(buffer.getvalue())
    from toolkit.safety import docx_findings

    findings = docx_findings(data, "the DOCX")
    if findings:
        raise RenderError(
            "the DOCX would carry "
            + "; ".join(f"{f.what} ({f.where.removeprefix('the DOCX/')})" for f in findings[:5])
            + ": unionkit does not write it",
            file=template.docx_file,
        )
    # docxtpl leaves reference cycles behind; collect now and then so long batches stay flat.
    if next(_RENDERS) % 25 == 0:
        import gc

        gc.collect()
    return data


_LOCAL_HEADER = b"PK\x03\x04"
_CENTRAL_HEADER = b"PK\x01\x02"
_END_OF_DIRECTORY = b"PK\x05\x06"


def fix_zip_dates(data: bytes) -> bytes:
    """The same zip with every entry dated by the build's date instead of the clock, so that
    with `SOURCE_DATE_EPOCH` two builds of the same input are byte for byte the same. The
    dates are rewritten in place (the compressed data and checksums do not cover them)."""
    when = creation_date()
    year = min(max(when.year, 1980), 2107)
    dos_date = ((year - 1980) << 9) | (when.month << 5) | when.day
    dos_time = (when.hour << 11) | (when.minute << 5) | (when.second // 2)
    stamp = struct.pack("<HH", dos_time, dos_date)
    out = bytearray(data)
    end = out.rfind(_END_OF_DIRECTORY)
    if end < 0:
        raise ValueError("not a zip file")
    entries, _size, offset = struct.unpack_from("<HII", out, end + 10)
    for _ in range(entries):
        if out[offset : offset + 4] != _CENTRAL_HEADER:
            raise ValueError("damaged zip directory")
        out[offset + 12 : offset + 16] = stamp
        (local,) = struct.unpack_from("<I", out, offset + 42)
        if out[local : local + 4] != _LOCAL_HEADER:
            raise ValueError("damaged zip entry")
        out[local + 10 : local + 14] = stamp
        names, extra, comment = struct.unpack_from("<HHH", out, offset + 28)
        offset += 46 + names + extra + comment
    return bytes(out)


def _stories(document: WordDocument) -> list[Any]:
    """The styles, the body, and every header and footer, as XML elements. Headers and
    footers are found through the relationships: docxtpl replaces their parts when it
    renders them, and python-docx's sections would still hand out the old ones."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    elements = [document.styles.element, document.element.body]
    for rel in document.part.rels.values():
        if rel.reltype in (RELATIONSHIP_TYPE.HEADER, RELATIONSHIP_TYPE.FOOTER):
            elements.append(rel.target_part.element)
    return elements


def _apply_accent(document: WordDocument, accent: str) -> None:
    """Recolour the template's accent — in styles, text, borders and shading — to the
    campaign colour."""
    from docx.oxml.ns import qn

    if accent == TEMPLATE_ACCENT:
        return
    parts = _stories(document)
    attributes = [qn("w:val"), qn("w:color"), qn("w:fill")]
    for part in parts:
        for element in part.iter():
            for attribute in attributes:
                if element.get(attribute, "").upper() == TEMPLATE_ACCENT:
                    element.set(attribute, accent)


PAPER_MM = {"A4": (210, 297), "A5": (148, 210), "A6": (105, 148)}
# The Word templates of documents with their own paper are drawn for A5 with these margins.
TEMPLATE_MARGIN_MM = 8.0
TEMPLATE_TEXT_WIDTH_MM = 148 - 2 * TEMPLATE_MARGIN_MM


def _paper_mm(setup: PrintSetup) -> tuple[float, float]:
    width, height = PAPER_MM[setup.size]
    return (height, width) if setup.orientation == "landscape" else (width, height)


def _text_width_mm(setup: PrintSetup) -> float:
    return _paper_mm(setup)[0] - 2 * TEMPLATE_MARGIN_MM * setup.type_scale


def _aspect(source: Any) -> float | None:
    """Width ÷ height of a picture (a path or a file-like object)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(source) as picture:
            return picture.width / picture.height if picture.height else None
    except (OSError, UnidentifiedImageError):
        return None


def _fit_page(document: WordDocument, setup: PrintSetup, scale: float) -> None:
    """Give the document its paper size and scale its type, margins and tables with the page,
    and its type by the fitting scale too, as the PDF does."""
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm

    width, height = _paper_mm(setup)
    factor = setup.type_scale
    for section in document.sections:
        section.orientation = (
            WD_ORIENT.LANDSCAPE if setup.orientation == "landscape" else WD_ORIENT.PORTRAIT
        )
        section.page_width, section.page_height = Mm(width), Mm(height)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, int(getattr(section, side) * factor))
        for side in ("header_distance", "footer_distance"):
            setattr(section, side, int(getattr(section, side) * factor))
    type_factor = factor * scale
    smallest = round(setup.min_type_pt * 2)
    parts = _stories(document)
    if type_factor != 1.0:
        # Sizes are in half points, in styles and in runs alike.
        for part in parts:
            for element in part.iter(qn("w:sz"), qn("w:szCs")):
                if element.getparent() is not None and element.getparent().tag == qn("w:rPr"):
                    size = int(element.get(qn("w:val"), "0"))
                    element.set(qn("w:val"), str(max(smallest, 8, round(size * type_factor))))
            # Spacing before and after paragraphs, and exact leading (twentieths of a point),
            # go with the type.
            for element in part.iter(qn("w:spacing")):
                keys = [qn("w:before"), qn("w:after")]
                if element.get(qn("w:lineRule")) in ("exact", "atLeast"):
                    keys.append(qn("w:line"))
                for key in keys:
                    value = element.get(key)
                    if value is not None and value.isdigit():
                        element.set(key, str(round(int(value) * type_factor)))
    # Tables keep their proportions across the text width.
    ratio = _text_width_mm(setup) / TEMPLATE_TEXT_WIDTH_MM
    for part in parts:
        for element in part.iter(qn("w:gridCol"), qn("w:tcW"), qn("w:tblW")):
            value = element.get(qn("w:w"))
            if value is not None and value.isdigit():
                element.set(qn("w:w"), str(round(int(value) * ratio)))


# The fonts a document with its own paper carries, so Word and LibreOffice lay it out with
# the PDF's metrics (and it looks the same on a computer without Noto).
EMBEDDED_FACES = {
    "Noto Sans": {"Regular": "NotoSans-Regular", "Bold": "NotoSans-Bold"},
    "Noto Serif": {
        "Regular": "NotoSerif-Regular",
        "Bold": "NotoSerif-Bold",
        "Italic": "NotoSerif-Italic",
        "BoldItalic": "NotoSerif-BoldItalic",
    },
}
FONT_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"


def _obfuscated(font: bytes, key: str) -> bytes:
    """A font as Word embeds it (ECMA-376 part 2, 10.2.1): its first 32 bytes XORed with the
    font key's GUID, read backwards."""
    digits = key.strip("{}").replace("-", "")
    mask = bytes(int(digits[i : i + 2], 16) for i in range(0, 32, 2))[::-1]
    head = bytes(font[i] ^ mask[i % 16] for i in range(32))
    return head + font[32:]


def _embed_fonts(document: WordDocument, tpl: Any) -> None:
    """Embed the shipped Noto faces the template uses in the DOCX's font table."""
    import hashlib

    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from lxml import etree

    from toolkit.fonts import FONTS

    table_part = next(
        (rel.target_part for rel in document.part.rels.values()
         if rel.reltype == RELATIONSHIP_TYPE.FONT_TABLE),
        None,
    )  # fmt: skip
    if table_part is None:
        return
    root = etree.fromstring(table_part.blob)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    number = 0
    for family, faces in EMBEDDED_FACES.items():
        font = root.find(f"{w}font[@{w}name='{family}']")
        if font is None:
            font = etree.SubElement(root, f"{w}font", {f"{w}name": family})
        for face, stem in faces.items():
            data = read_file(FONTS / f"{stem}.ttf")
            # A key derived from the font, so the same input gives the same file.
            digest = hashlib.sha256(data).hexdigest().upper()
            key = f"{{{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}}}"
            number += 1
            part = Part(
                PackURI(f"/word/fonts/font{number}.odttf"),
                OBFUSCATED_FONT,
                _obfuscated(data, key),
                document.part.package,
            )
            rel_id = table_part.relate_to(part, FONT_RELATIONSHIP)
            etree.SubElement(
                font,
                f"{w}embed{face}",
                {
                    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id": (
                        rel_id
                    ),
                    f"{w}fontKey": key,
                },
            )
    table_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    settings = document.settings.element
    if settings.find(qn("w:embedTrueTypeFonts")) is None:
        settings.insert(0, OxmlElement("w:embedTrueTypeFonts"))


def _fit_type(document: WordDocument, scale: float, *, tight: bool) -> None:
    """Follow the PDF's fitting: spacing between paragraphs tightened (`tight`), then type
    scaled down, so the DOCX takes the pages the PDF does."""
    from docx.oxml.ns import qn

    if not tight and scale >= 1.0:
        return
    parts = (document.styles.element, document.element.body)
    for part in parts:
        if tight:
            for element in part.iter(qn("w:spacing")):
                for side in (qn("w:before"), qn("w:after")):
                    value = element.get(side)
                    if value is not None:
                        element.set(side, str(round(int(value) * TIGHT_SPACING)))
        if scale < 1.0:
            for element in part.iter(qn("w:sz"), qn("w:szCs")):
                size = int(element.get(qn("w:val"), "0"))
                element.set(qn("w:val"), str(max(8, round(size * scale))))


# How much of the space between paragraphs a tightened layout keeps (the PDF's templates
# tighten theirs at the same fitting step).
TIGHT_SPACING = 0.6


def _number_lines(document: WordDocument, every: int) -> None:
    """Turn on Word's own line numbering (every `every` lines) in each section; paragraphs
    the template marks `suppressLineNumbers` are not counted."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    # What may follow lnNumType in a section's properties, in the schema's order.
    after = {qn(f"w:{name}") for name in (
        "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection",
        "bidi", "rtlGutter", "docGrid", "printerSettings",
    )}  # fmt: skip
    for section in document.sections:
        properties = section._sectPr
        for old in properties.findall(qn("w:lnNumType")):
            properties.remove(old)
        numbering = OxmlElement(
            "w:lnNumType",
            {
                qn("w:countBy"): str(every),
                qn("w:restart"): "continuous",
                qn("w:distance"): str(int(4 * 56.7)),  # 4 mm, in twentieths of a point
            },
        )
        following = next((child for child in properties if child.tag in after), None)
        if following is None:
            properties.append(numbering)
        else:
            following.addprevious(numbering)


# Word's language tags: the region decides spelling and hyphenation rules.
WORD_LANGUAGE = {"en": "en-GB", "ru": "ru-RU", "kk": "kk-KZ", "uk": "uk-UA", "fr": "fr-FR"}


def _set_language(document: WordDocument, language: str) -> None:
    """Mark all text as `language` so Word spell-checks and hyphenates it correctly."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    tag = WORD_LANGUAGE.get(language, language)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:bidi"), tag)
    # Styles that name their own language would override the default.
    for element in styles.iter(qn("w:lang")):
        if element is not lang:
            element.set(qn("w:val"), tag)


def _cap(text: str, limit: int = 255) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"
DC_TERMS = "http://purl.org/dc/terms/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _set_properties(document: WordDocument, context: DocumentContext) -> None:
    """Core properties: title, author, language and dates (honouring `SOURCE_DATE_EPOCH`).
    Written as a new element with its namespaces spelt out: docxtpl's import changes the
    namespace python-docx would use for them, for the whole process."""
    from lxml import etree

    when = creation_date().strftime("%Y-%m-%dT%H:%M:%SZ")
    cp, dc, dcterms = f"{{{CORE_PROPERTIES}}}", f"{{{DUBLIN_CORE}}}", f"{{{DC_TERMS}}}"
    root = etree.Element(
        f"{cp}coreProperties",
        nsmap={"cp": CORE_PROPERTIES, "dc": DUBLIN_CORE, "dcterms": DC_TERMS, "xsi": XSI},
    )
    # Word's core properties hold at most 255 characters.
    for tag, value in (
        (f"{dc}title", _cap(context.title)),
        (f"{dc}creator", _cap(context.author)),
        (f"{cp}lastModifiedBy", _cap(context.author)),
        (f"{dc}language", context.language),
        (f"{dc}description", "Made with unionkit"),
        (f"{cp}revision", "1"),
    ):
        etree.SubElement(root, tag).text = value
    for tag in ("created", "modified"):
        element = etree.SubElement(root, f"{dcterms}{tag}")
        element.set(f"{{{XSI}}}type", "dcterms:W3CDTF")
        element.text = when
    part = document.part.package._core_properties_part
    part._element = root
