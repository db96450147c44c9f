"""Build the built-in DOCX templates (docxtpl) with python-docx, so they can be reviewed as code.

Run `make docx-templates` after changing this file; the .docx files it writes are committed.
"""

from __future__ import annotations

import sys
import typing
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from toolkit import kinds

ACCENT = RGBColor(0xB3, 0x12, 0x1B)  # toolkit.render.docx.TEMPLATE_ACCENT
INK = RGBColor(0x1D, 0x1D, 0x1F)
MUTED = RGBColor(0x5D, 0x5D, 0x63)
SERIF = "Noto Serif"
SANS = "Noto Sans"


def set_font(style_or_run: object, name: str) -> None:
    """Name the font for Latin, Cyrillic and complex scripts alike."""
    element = style_or_run.element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def bottom_border(paragraph: Paragraph, size_eighths: int, colour: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", str(size_eighths)),
        ("w:space", "4"),
        ("w:color", colour),
    ):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def styles(doc: WordDocument) -> None:
    normal = doc.styles["Normal"]
    set_font(normal, SERIF)
    normal.font.size = Pt(10.5)
    normal.font.color.rgb = INK
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.2

    title = doc.styles["Title"]
    set_font(title, SANS)
    title.font.size = Pt(21)
    title.font.bold = True
    title.font.color.rgb = INK
    title.paragraph_format.space_after = Pt(10)
    # Word's Title style draws its own rule; the masthead already has one.
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)

    heading = doc.styles["Heading 2"]
    set_font(heading, SANS)
    heading.font.size = Pt(10)
    heading.font.bold = True
    heading.font.all_caps = True
    heading.font.color.rgb = ACCENT
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(4)
    heading.paragraph_format.keep_with_next = True

    big = doc.styles["Heading 1"]
    set_font(big, SANS)
    big.font.size = Pt(13)
    big.font.bold = True
    big.font.color.rgb = INK
    big.paragraph_format.space_before = Pt(12)
    big.paragraph_format.space_after = Pt(8)
    big.paragraph_format.keep_with_next = True

    names = doc.styles.add_style("Unionkit Name", 1)
    names.base_style = normal
    names.font.size = Pt(8)
    names.paragraph_format.space_after = Pt(2)
    names.paragraph_format.line_spacing = 1.1
    names.paragraph_format.left_indent = Mm(3)
    names.paragraph_format.first_line_indent = Mm(-3)

    small = doc.styles["Heading 3"]
    set_font(small, SANS)
    small.font.size = Pt(9.5)
    small.font.bold = True
    small.font.color.rgb = INK
    small.paragraph_format.space_before = Pt(12)

    for name in (
        "List Number",
        "List Bullet",
        "List Continue",
        "List Number 2",
        "List Bullet 2",
        "List Continue 2",
        "List Number 3",
        "List Bullet 3",
        "List Continue 3",
    ):
        style = doc.styles[name]
        style.paragraph_format.space_after = Pt(5)
        pf = style.element.get_or_add_pPr()
        contextual = pf.find(qn("w:contextualSpacing"))
        if contextual is not None:
            pf.remove(contextual)

    caption = doc.styles.add_style("Unionkit Label", 1)
    caption.base_style = normal
    set_font(caption, SANS)
    caption.font.size = Pt(8)
    caption.font.color.rgb = MUTED
    caption.font.all_caps = True

    intro = doc.styles.add_style("Unionkit Intro", 1)
    intro.base_style = normal
    intro.font.italic = True
    intro.font.color.rgb = RGBColor(0x3A, 0x3A, 0x3F)
    intro.paragraph_format.left_indent = Mm(4)
    intro.paragraph_format.space_after = Pt(6)

    footer = doc.styles.add_style("Unionkit Footer", 1)
    footer.base_style = normal
    set_font(footer, SANS)
    footer.font.size = Pt(7.5)
    footer.font.color.rgb = MUTED

    kind = doc.styles.add_style("Unionkit Kind", 1)
    kind.base_style = normal
    set_font(kind, SANS)
    kind.font.size = Pt(8)
    kind.font.bold = True
    kind.font.all_caps = True
    kind.font.color.rgb = ACCENT


def page(doc: WordDocument) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(22)
    section.left_margin = section.right_margin = Mm(22)
    section.different_first_page_header_footer = True
    for footer in (section.footer, section.first_page_footer):
        line = footer.paragraphs[0]
        line.style = doc.styles["Unionkit Footer"]
        line.add_run("{{ campaign.contact_line }}")
        line.add_run("\t{{ labels.page }} ")
        page_field(line, "PAGE")
        line.add_run(" / ")
        page_field(line, "NUMPAGES")
        line.paragraph_format.tab_stops.add_tab_stop(Mm(166), alignment=2)
    # From page 2 on, the title at the top, so a signed sheet never loses its motion.
    header = section.header.paragraphs[0]
    header.style = doc.styles["Unionkit Footer"]
    header.add_run("{{ title }}")


def page_field(paragraph: Paragraph, field: str) -> None:
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {field} "
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(code)
    run._r.append(end)


def masthead(doc: WordDocument, kind_label: str) -> None:
    """Logo, campaign name and the document kind over a rule in the campaign colour."""
    body = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    body.text = "{%p if campaign.logo %}"
    doc.add_paragraph("{{ campaign.logo|image(16) }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if campaign.name %}")
    name = doc.add_paragraph("{{ campaign.name }}")
    set_font(name.runs[0], SANS)
    name.runs[0].bold = True
    name.runs[0].font.size = Pt(11)
    name.paragraph_format.space_after = Pt(0)
    doc.add_paragraph("{%p endif %}")
    kind = doc.add_paragraph("{{ labels." + kind_label + " }}", style="Unionkit Kind")
    bottom_border(kind, 18, "B3121B")
    kind.paragraph_format.space_after = Pt(14)


def resolution() -> WordDocument:
    doc = Document()
    styles(doc)
    page(doc)
    masthead(doc, "resolution")

    doc.add_paragraph("{{ title }}", style="Title")
    table = doc.add_table(rows=3, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Mm(46), Mm(120)
    fields = {"name": ("branch", 44), "union": ("union", 30), "meeting_date": ("meeting_date", 30)}
    for row, (key, (label_key, width)) in zip(table.rows, fields.items(), strict=True):
        label, value = row.cells
        label.width, value.width = Mm(46), Mm(120)
        label.paragraphs[0].text = "{{ labels." + label_key + " }}"
        label.paragraphs[0].style = doc.styles["Unionkit Label"]
        value.paragraphs[0].add_run(f"{{{{r branch.{key}|fill_in({width}) }}}}")

    doc.add_paragraph("{%p if intro %}")
    doc.add_paragraph("{{p intro|markdown('Unionkit Intro') }}")
    doc.add_paragraph("{%p endif %}")

    doc.add_paragraph("{%p for section in sections %}")
    doc.add_paragraph("{{ section.heading }}", style="Heading 2")
    doc.add_paragraph("{{p section.points|numbered_list }}")
    doc.add_paragraph("{%p endfor %}")

    count = doc.add_paragraph("{{ word_count_text }}", style="Unionkit Label")
    count.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    doc.add_paragraph("{%p if send_to %}")
    doc.add_paragraph("{{ labels.send_to }}", style="Heading 3")
    doc.add_paragraph("{%p for recipient in send_to %}")
    recipient = doc.add_paragraph(style="List Bullet")
    recipient.add_run("{{ recipient.name }}").bold = True
    recipient.add_run("{% if recipient.email %} — {{ recipient.email }}{% endif %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")

    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_before = Pt(18)
    signatures = doc.add_table(rows=2, cols=2)
    signatures.autofit = False
    for column in signatures.columns:
        column.width = Mm(83)
    for index, cell in enumerate(c for row in signatures.rows for c in row.cells):
        cell.width = Mm(83)
        line = cell.paragraphs[0]
        line.paragraph_format.space_before = Pt(24)
        bottom_border(line, 6, "1D1D1F")
        label = cell.add_paragraph(f"{{{{ signatures[{index}] }}}}", style="Unionkit Label")
        label.paragraph_format.space_after = Pt(12)
    return doc


def letter() -> WordDocument:
    doc = Document()
    styles(doc)
    page(doc)
    # Continuous, so the signatories' column sections flow on without a page break.
    doc.sections[0].start_type = WD_SECTION.CONTINUOUS
    masthead(doc, "open_letter")

    date = doc.add_paragraph("{{ date }}")
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("{%p if to %}")
    name = doc.add_paragraph()
    name.add_run("{{ to.name }}").bold = True
    name.paragraph_format.space_after = Pt(0)
    doc.add_paragraph("{%p if to.role %}")
    doc.add_paragraph("{{ to.role }}").paragraph_format.space_after = Pt(0)
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p for line in to.address %}")
    doc.add_paragraph("{{ line }}").paragraph_format.space_after = Pt(0)
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")

    subject = doc.add_paragraph("{{ subject }}", style="Heading 1")
    subject.paragraph_format.space_before = Pt(18)
    doc.add_paragraph("{%p if salutation %}")
    doc.add_paragraph("{{ salutation }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{{p body|markdown }}")
    closing = doc.add_paragraph("{{ closing }}")
    closing.paragraph_format.space_before = Pt(10)

    doc.add_paragraph("{%p if signatory_count %}")
    count = doc.add_paragraph("{{ signatory_count_text }}", style="Heading 2")
    count.paragraph_format.space_before = Pt(22)
    bottom_border(count, 6, "B3121B")
    doc.add_paragraph("{%p for group in signatory_groups %}")
    doc.add_paragraph("{%p if group.heading %}")
    heading = doc.add_paragraph(style="Heading 3")
    heading.add_run("{{ group.heading }}")
    heading.add_run(" ({{ group.count_text }})").bold = False
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{{p group.people|name_columns(signatory_columns, signatory_run_in) }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")
    return doc


def sign_on_sheet() -> WordDocument:
    doc = Document()
    styles(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(12)
    section.left_margin = section.right_margin = Mm(14)
    first = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    first.text = "{%p for page in pages %}"
    doc.add_paragraph("{%p if not loop.first %}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("{%p endif %}")
    kind = doc.add_paragraph(style="Unionkit Kind")
    kind.add_run("{{ labels.sign_on_sheet }}")
    kind.add_run("{% if campaign.name %} · {{ campaign.name }}{% endif %}")
    kind.paragraph_format.space_after = Pt(0)
    title = doc.add_paragraph("{{ labels.sign_on_intro }}: {{ subject }}", style="Heading 1")
    title.paragraph_format.space_before = Pt(2)
    bottom_border(title, 16, "B3121B")
    doc.add_paragraph("{{p summary|markdown }}")

    columns = ["#", "name", "role", "organisation", "email", "publish_consent", "signature"]
    widths = [8, 54, 34, 46, 46, 33, 46]
    table = doc.add_table(rows=4, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    header, loop_start, row, loop_end = table.rows
    for index, (cell, key) in enumerate(zip(header.cells, columns, strict=True)):
        cell.width = Mm(widths[index])
        cell.paragraphs[0].text = key if key == "#" else "{{ labels." + key + " }}"
        cell.paragraphs[0].style = doc.styles["Unionkit Label"]
    loop_start.cells[0].paragraphs[0].text = "{%tr for row in page.rows %}"
    row.cells[0].paragraphs[0].text = "{{ row + 1 }}"
    row.cells[0].paragraphs[0].style = doc.styles["Unionkit Label"]
    loop_end.cells[0].paragraphs[0].text = "{%tr endfor %}"
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(int(Mm(9).twips)))
    height.set(qn("w:hRule"), "atLeast")
    row._tr.get_or_add_trPr().append(height)
    repeat = OxmlElement("w:tblHeader")
    header._tr.get_or_add_trPr().append(repeat)

    note = doc.add_paragraph(style="Unionkit Footer")
    note.add_run("{{ consent_note }} {{ labels.email_note }} {{ campaign.contact_line }}")
    note.add_run("\t{{ labels.page }} {{ page.number }} / {{ pages|length }}")
    note.paragraph_format.tab_stops.add_tab_stop(Mm(269), alignment=2)
    doc.add_paragraph("{%p endfor %}")
    return doc


def shade(paragraph: Paragraph, colour: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    ppr.append(shading)


def leaflet() -> WordDocument:
    """An A5 leaflet; the renderer sets the real paper size and scales the type with it."""
    doc = Document()
    styles(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(148), Mm(210)
    section.top_margin = section.bottom_margin = Mm(12)
    section.left_margin = section.right_margin = Mm(12)

    band = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    band.text = ""
    band.add_run("{% if campaign.logo %}{{ campaign.logo|image(6) }}  {% endif %}")
    run = band.add_run("{{ campaign.name or '' }}")
    run.bold = True
    run.font.all_caps = True
    run.font.size = Pt(9.5)
    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    set_font(run, SANS)
    shade(band, "B3121B")
    band.paragraph_format.space_after = Pt(10)

    headline = doc.add_paragraph("{{ headline }}", style="Title")
    headline.runs[0].font.size = Pt(26)
    headline.paragraph_format.space_after = Pt(4)
    doc.add_paragraph("{%p if subheading %}")
    sub = doc.add_paragraph()
    sub_run = sub.add_run("{{ subheading }}")
    sub_run.bold = True
    sub_run.font.size = Pt(13)
    sub_run.font.color.rgb = ACCENT
    set_font(sub_run, SANS)
    doc.add_paragraph("{%p endif %}")

    doc.add_paragraph("{%p if image %}")
    picture = doc.add_paragraph("{{ image|image(34) }}")
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("{%p endif %}")

    doc.add_paragraph("{%p for event in events %}")
    doc.add_paragraph("{%p if event.title %}")
    doc.add_paragraph("{{ event.title }}", style="Unionkit Kind").paragraph_format.space_after = Pt(
        0
    )
    doc.add_paragraph("{%p endif %}")
    when = doc.add_paragraph()
    date_run = when.add_run("{{ event.date }}")
    date_run.bold = True
    date_run.font.size = Pt(15)
    set_font(date_run, SANS)
    time_run = when.add_run("{% if event.time %} {{ event.time }}{% endif %}")
    time_run.bold = True
    time_run.font.size = Pt(15)
    time_run.font.color.rgb = ACCENT
    set_font(time_run, SANS)
    when.paragraph_format.space_after = Pt(0)
    where = doc.add_paragraph()
    where.add_run("{{ event.venue or '' }}").bold = True
    where.add_run("{% if event.venue and event.address %}, {% endif %}{{ event.address or '' }}")
    where.paragraph_format.space_after = Pt(8)
    doc.add_paragraph("{%p endfor %}")

    doc.add_paragraph("{%p if body %}")
    doc.add_paragraph("{{p body|markdown }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p for speaker in speakers %}")
    speaker = doc.add_paragraph(style="List Bullet")
    speaker.add_run("{{ speaker.name }}").bold = True
    speaker.add_run("{% if speaker.role %}, {{ speaker.role }}{% endif %}")
    doc.add_paragraph("{%p endfor %}")

    foot = doc.add_table(rows=1, cols=2)
    foot.autofit = False
    foot.columns[0].width, foot.columns[1].width = Mm(30), Mm(94)
    code, text = foot.rows[0].cells
    code.width, text.width = Mm(30), Mm(94)
    code.paragraphs[0].text = "{% if link %}{{ link|qr_code(26) }}{% endif %}"
    link = text.paragraphs[0]
    link_run = link.add_run("{{ link_text or '' }}")
    link_run.bold = True
    set_font(link_run, SANS)
    organisers = text.add_paragraph("{{ organisers or '' }}")
    organisers.runs[0].font.size = Pt(8.5)
    contact = text.add_paragraph("{{ campaign.contact_line }}", style="Unionkit Footer")
    contact.paragraph_format.space_after = Pt(0)
    return doc


def builder(kind: str) -> Callable[[], WordDocument]:
    """The function here that builds a kind's Word template: named after the kind (a
    `sign-on-sheet` by `sign_on_sheet()`), so the list of templates is the registry's."""
    make = globals().get(kind.replace("-", "_"))
    if not callable(make):
        raise SystemExit(f"no Word template for the kind {kind!r}: add {kind.replace('-', '_')}()")
    return typing.cast(Callable[[], WordDocument], make)


def main() -> None:
    root = Path(__file__).resolve().parent.parent / "templates"
    for name in kinds.names():
        target = root / name / "document.docx"
        doc = builder(name)()
        props = doc.core_properties
        props.title = props.author = props.comments = props.subject = props.keywords = ""
        props.last_modified_by = "unionkit"
        doc.save(str(target))
        print(target, file=sys.stderr)


if __name__ == "__main__":
    main()
