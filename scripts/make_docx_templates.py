"""Build the built-in DOCX templates (docxtpl) with python-docx, so they can be reviewed as code.

Run `make docx-templates` after changing this file; the .docx files it writes are committed.
`python scripts/make_docx_templates.py resolution` writes only the templates named.
"""

from __future__ import annotations

import sys
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
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
    heading.paragraph_format.line_spacing = Pt(22)
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


def paragraph_flag(target: Paragraph | BaseStyle, name: str, value: bool = True) -> None:
    """Set an on/off paragraph property (`w:keepNext`, `w:suppressLineNumbers`, ...) of a
    paragraph or a style."""
    element = target._p if isinstance(target, Paragraph) else target.element
    ppr = element.get_or_add_pPr()
    for old in ppr.findall(qn(name)):
        ppr.remove(old)
    flag = OxmlElement(name)
    if not value:
        flag.set(qn("w:val"), "0")
    # Properties follow the schema's order closely enough for Word when put after the style.
    style = ppr.find(qn("w:pStyle"))
    if style is not None:
        style.addnext(flag)
    else:
        ppr.insert(0, flag)


def cant_split(row: object) -> None:
    """A table row that never breaks across pages."""
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    properties.append(OxmlElement("w:cantSplit"))


def row_height(row: object, millimetres: float) -> None:
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(int(Mm(millimetres).twips)))
    height.set(qn("w:hRule"), "atLeast")
    row._tr.get_or_add_trPr().append(height)  # type: ignore[attr-defined]


# Word numbers the lines of a motion's headings and points (when the document asks for line
# numbers) and of nothing else: these styles are counted, all others are not.
MOTION_STYLES = (
    "Heading 2", "List Number", "List Continue", "List Bullet 2", "List Number 2",
    "List Continue 2", "List Bullet 3", "List Number 3", "List Continue 3",
)  # fmt: skip


def compact_masthead(doc: WordDocument, kind_label: str) -> None:
    """The logo beside the campaign name and the document kind, over a rule in the campaign
    colour: a motion needs its page for the motion."""
    first = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    first.text = "{%p if campaign.logo %}"
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    logo, text = table.rows[0].cells
    table.columns[0].width = logo.width = Mm(20)
    table.columns[1].width = text.width = Mm(146)
    logo.paragraphs[0].add_run("{% if campaign.logo %}{{ campaign.logo|image(14) }}{% endif %}")
    logo.paragraphs[0].paragraph_format.space_after = Pt(0)
    text.vertical_alignment = 1  # centre
    name = text.paragraphs[0]
    run = name.add_run("{{ campaign.name or '' }}")
    set_font(run, SANS)
    run.bold = True
    run.font.size = Pt(11)
    name.paragraph_format.space_after = Pt(0)
    text.add_paragraph("{{ labels." + kind_label + " }}", style="Unionkit Kind")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("{%p if campaign.name %}")
    alone = doc.add_paragraph()
    alone_run = alone.add_run("{{ campaign.name }}")
    set_font(alone_run, SANS)
    alone_run.bold = True
    alone_run.font.size = Pt(11)
    alone.paragraph_format.space_after = Pt(0)
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{{ labels." + kind_label + " }}", style="Unionkit Kind")
    doc.add_paragraph("{%p endif %}")
    rule = doc.add_paragraph()
    bottom_border(rule, 18, "B3121B")
    rule.paragraph_format.space_after = Pt(10)
    rule.paragraph_format.line_spacing = Pt(2)


def resolution() -> WordDocument:
    doc = Document()
    styles(doc)
    page(doc)
    # Denser than a letter: a motion of 300 words fits its page even where Word or
    # LibreOffice draws it in a wider font than Noto Serif.
    doc.styles["Normal"].font.size = Pt(10)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.1
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Mm(16), Mm(18)
    paragraph_flag(doc.styles["Normal"], "w:suppressLineNumbers")
    for name in MOTION_STYLES:
        paragraph_flag(doc.styles[name], "w:suppressLineNumbers", value=False)
    # Word's own style for line numbers (its built-in name is "line number"): small and grey.
    numbers = doc.styles.add_style("Line Number", WD_STYLE_TYPE.CHARACTER)
    numbers.element.name_val = "line number"
    numbers.element.attrib.pop(qn("w:customStyle"), None)
    set_font(numbers, SANS)
    numbers.font.size = Pt(7)
    numbers.font.color.rgb = MUTED
    compact_masthead(doc, "resolution")

    doc.add_paragraph("{%p if reference %}")
    reference = doc.add_paragraph()
    reference_run = reference.add_run("{{ reference }}")
    reference_run.bold = True
    reference_run.font.color.rgb = ACCENT
    set_font(reference_run, SANS)
    reference.paragraph_format.space_after = Pt(2)
    doc.add_paragraph("{%p endif %}")
    title = doc.add_paragraph("{{ title }}", style="Title")
    paragraph_flag(title, "w:suppressLineNumbers")
    doc.add_paragraph("{%p if submitted_by or contact %}")
    submission = doc.add_paragraph(style="Unionkit Footer")
    submission.add_run(
        "{% if submitted_by %}{{ labels.submitted_by }}: {{ submitted_by }}{% endif %}"
    )
    submission.add_run("{% if submitted_by and contact %} · {% endif %}")
    submission.add_run("{% if contact %}{{ labels.contact }}: {{ contact }}{% endif %}")
    submission.runs[0].font.size = submission.runs[2].font.size = Pt(8.5)
    submission.paragraph_format.space_after = Pt(10)
    doc.add_paragraph("{%p endif %}")

    doc.add_paragraph("{%p if branch_table %}")
    # The branch's lines, each with 8 mm of room to write by hand, captions beneath.
    table = doc.add_table(rows=2, cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    widths = (80, 43, 43)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    values, captions = table.rows
    row_height(values, 8)
    fields = {"name": ("branch", 36), "union": ("union", 16), "meeting_date": ("meeting_date", 16)}
    for index, (key, (label_key, width)) in enumerate(fields.items()):
        value, caption = values.cells[index], captions.cells[index]
        value.width = caption.width = Mm(widths[index])
        value.vertical_alignment = 3  # bottom
        value.paragraphs[0].add_run(f"{{{{r branch.{key}|fill_in({width}) }}}}")
        value.paragraphs[0].paragraph_format.space_after = Pt(1)
        caption.paragraphs[0].text = "{{ labels." + label_key + " }}"
        caption.paragraphs[0].style = doc.styles["Unionkit Label"]
        caption.paragraphs[0].paragraph_format.space_after = Pt(0)
    doc.add_paragraph("{%p endif %}")

    doc.add_paragraph("{%p if intro %}")
    doc.add_paragraph("{{p intro|markdown('Unionkit Intro') }}")
    doc.add_paragraph("{%p endif %}")

    doc.add_paragraph("{%p for section in sections %}")
    doc.add_paragraph("{{ section.heading }}", style="Heading 2")
    # The last point keeps with what follows, down to the signatures.
    doc.add_paragraph("{{p section.points|numbered_list(section.start, None, loop.last) }}")
    doc.add_paragraph("{%p endfor %}")

    count = doc.add_paragraph("{{ word_count_text }}", style="Unionkit Label")
    count.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    count.paragraph_format.keep_with_next = True

    doc.add_paragraph("{%p if send_to %}")
    send_to = doc.add_paragraph("{{ labels.send_to }}", style="Heading 3")
    send_to.paragraph_format.keep_with_next = True
    doc.add_paragraph("{%p for recipient in send_to %}")
    recipient = doc.add_paragraph(style="List Bullet")
    recipient.add_run("{{ recipient.name }}").bold = True
    recipient.add_run("{% if recipient.email %} — {{ recipient.email }}{% endif %}")
    recipient.paragraph_format.keep_with_next = True
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")

    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_before = Pt(10)
    spacer.paragraph_format.space_after = Pt(0)
    spacer.paragraph_format.keep_with_next = True
    # One row per role: the role, a line to sign and a line for the name in capitals (the
    # date's row has one line), 8.5 mm apart. Rows never split and keep together.
    signatures = doc.add_table(rows=5, cols=3)
    signatures.autofit = False
    widths = (40, 63, 63)
    for column, width in zip(signatures.columns, widths, strict=True):
        column.width = Mm(width)
    captions, loop_start, person, loop_end, date = signatures.rows
    loop_start.cells[0].paragraphs[0].text = "{%tr for label in signatures[:-1] %}"
    loop_end.cells[0].paragraphs[0].text = "{%tr endfor %}"
    for index, cell in enumerate(captions.cells):
        cell.width = Mm(widths[index])
        line = cell.paragraphs[0]
        line.style = doc.styles["Unionkit Label"]
        line.paragraph_format.keep_with_next = True
        line.paragraph_format.space_after = Pt(0)
        if index:
            line.add_run("{{ signature_fields[" + str(index - 1) + "] }}").font.all_caps = False
    cant_split(captions)
    for row, role, lines in ((person, "{{ label }}", 2), (date, "{{ signatures[-1] }}", 1)):
        cant_split(row)
        row_height(row, 8.5)
        for index, cell in enumerate(row.cells):
            cell.width = Mm(widths[index])
            cell.vertical_alignment = 3  # bottom
            line = cell.paragraphs[0]
            line.paragraph_format.keep_with_next = row is person
            line.paragraph_format.space_after = Pt(1)
            if index == 0:
                line.style = doc.styles["Unionkit Label"]
                line.add_run(role)
            elif index <= lines:
                line.paragraph_format.space_before = Pt(14)
                bottom_border(line, 6, "1D1D1F")
    return doc


def amendment() -> WordDocument:
    doc = Document()
    styles(doc)
    page(doc)
    compact_masthead(doc, "amendment")
    doc.add_paragraph("{%p if reference or motion.reference %}")
    reference = doc.add_paragraph()
    reference_run = reference.add_run(
        "{{ reference or '' }}{% if reference and motion.reference %} · {% endif %}"
        "{{ motion.reference or '' }}"
    )
    reference_run.bold = True
    reference_run.font.color.rgb = ACCENT
    set_font(reference_run, SANS)
    reference.paragraph_format.space_after = Pt(2)
    doc.add_paragraph("{%p endif %}")
    title = doc.add_paragraph("{{ title }}", style="Title")
    title.runs[0].font.size = Pt(18)

    # Who moves it, then the rows that are there only when given.
    movers = doc.add_table(rows=0, cols=2)
    movers.autofit = False
    movers.columns[0].width, movers.columns[1].width = Mm(50), Mm(116)

    def mover_row(label: str, value: str) -> None:
        row = movers.add_row()
        label_cell, value_cell = row.cells
        label_cell.width, value_cell.width = Mm(50), Mm(116)
        label_cell.paragraphs[0].text = "{{ " + label + " }}"
        label_cell.paragraphs[0].style = doc.styles["Unionkit Label"]
        value_cell.paragraphs[0].text = "{{ " + value + " }}"

    mover_row("labels.moved_by", "moved_by")
    for condition, label in (
        ("seconded_by", "labels.amendment_seconded_by"),
        ("date", "labels.date"),
        ("motion.submitted_by", "labels.motion ~ ': ' ~ labels.submitted_by"),
    ):
        movers.add_row().cells[0].paragraphs[0].text = f"{{%tr if {condition} %}}"
        mover_row(label, condition)
        movers.add_row().cells[0].paragraphs[0].text = "{%tr endif %}"

    doc.add_paragraph("{%p for change in changes %}")
    wording = doc.add_paragraph()
    wording.add_run("{{ change.text }}").bold = True
    wording.paragraph_format.space_before = Pt(10)
    wording.paragraph_format.keep_with_next = True
    doc.add_paragraph("{%p if change.heading %}")
    doc.add_paragraph("{{ change.heading }}", style="Heading 2")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if change.points %}")
    doc.add_paragraph("{{p change.points|numbered_list(change.start) }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endfor %}")
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


def cell_margins(table: object, mm: float) -> None:
    """Zero (or `mm`) padding in every cell, so widths mean what they say."""
    tbl_pr = table._tbl.tblPr  # type: ignore[attr-defined]
    margins = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(int(Mm(mm if side in ("left", "right") else 0).twips)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)


def fixed_layout(table: object) -> None:
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)  # type: ignore[attr-defined]


def leaflet_band(doc: WordDocument, paragraph: Paragraph, logo: bool) -> None:
    paragraph.text = ""
    if logo:
        paragraph.add_run(
            "{% if campaign.logo %}{{ campaign.logo|image(design.body_pt * fit.scale * 0.55) }}"
            "  {% endif %}"
        )
    run = paragraph.add_run("{{ campaign.name or '' }}")
    run.bold = True
    run.font.all_caps = True
    run.font.size = Pt(9)
    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    set_font(run, SANS)
    shade(paragraph, "B3121B")
    paragraph.paragraph_format.space_after = Pt(8)
    # Not exact: an exact line would clip the logo.
    paragraph.paragraph_format.line_spacing = 1.0


def leaflet_event(container: Any, doc: WordDocument, events: str) -> None:
    """The paragraphs of a loop over `events` in `container` (the body or a table cell)."""
    first: Paragraph | None = (
        container.paragraphs[0] if container is not doc and container.paragraphs else None
    )

    def add(text: str = "", style: str | None = None) -> Paragraph:
        nonlocal first
        if first is not None:
            paragraph, first = first, None
            paragraph.text = text
            if style:
                paragraph.style = doc.styles[style]
            return paragraph
        added: Paragraph = container.add_paragraph(text, style=style)
        return added

    add("{%p for event in " + events + " %}")
    add("{%p if event.title %}")
    title = add("{{ event.title }}", "Unionkit Kind")
    title.paragraph_format.space_after = Pt(0)
    title.paragraph_format.line_spacing = Pt(10.5)
    title.paragraph_format.keep_with_next = True
    add("{%p endif %}")
    when = add()
    date_run = when.add_run("{{ event.date }}")
    date_run.bold = True
    date_run.font.size = Pt(12.5)
    set_font(date_run, SANS)
    time_run = when.add_run("{% if event.time %} {{ event.time }}{% endif %}")
    time_run.bold = True
    time_run.font.size = Pt(12.5)
    time_run.font.color.rgb = ACCENT
    set_font(time_run, SANS)
    when.paragraph_format.space_after = Pt(0)
    when.paragraph_format.line_spacing = Pt(15)
    when.paragraph_format.keep_with_next = True
    where = add(style="Unionkit Leaflet Text")
    where.add_run("{{ event.venue or '' }}").bold = True
    where.add_run("{% if event.venue and event.address %}, {% endif %}{{ event.address or '' }}")
    where.paragraph_format.space_after = Pt(5)
    add("{%p endfor %}")


def leaflet_events(doc: WordDocument, events: str) -> None:
    """Events one under another, or side by side in two columns once the leaflet is being
    fitted (as the PDF sets them)."""
    doc.add_paragraph("{%p if fit.step >= 1 and " + events + "|length > 1 %}")
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    fixed_layout(table)
    cell_margins(table, 1.5)
    for cell, half in zip(table.rows[0].cells, ("[0::2]", "[1::2]"), strict=True):
        cell.width = Mm(66)
        leaflet_event(cell, doc, events + half)
    for column in table.columns:
        column.width = Mm(66)
    doc.add_paragraph("{%p else %}")
    leaflet_event(doc, doc, events)
    doc.add_paragraph("{%p endif %}")


def leaflet() -> WordDocument:
    """An A5 leaflet (front, and a back when there is one); the renderer sets the real paper
    size, scales type, tables and pictures with it, and embeds the fonts, so Word and
    LibreOffice lay it out as the PDF is."""
    doc = Document()
    styles(doc)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(3)
    # Exact leading, as the PDF's CSS sets it: Word's "single" for Noto is 1.36 lines.
    normal.paragraph_format.line_spacing = Pt(13.7)
    text = doc.styles.add_style("Unionkit Leaflet Text", 1)
    text.base_style = normal
    set_font(text, SANS)
    text.paragraph_format.line_spacing = Pt(13.2)
    small = doc.styles.add_style("Unionkit Leaflet Small", 1)
    small.base_style = normal
    set_font(small, SANS)
    small.font.size = Pt(8.5)
    small.font.color.rgb = MUTED
    small.paragraph_format.space_after = Pt(0)
    small.paragraph_format.line_spacing = Pt(10.2)
    for name in ("List Bullet", "List Number", "List Continue"):
        doc.styles[name].paragraph_format.space_after = Pt(1)

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(148), Mm(210)
    section.top_margin = Mm(5)
    section.bottom_margin = Mm(30)
    section.left_margin = section.right_margin = Mm(8)
    section.header_distance = Mm(4)
    section.footer_distance = Mm(4)
    # The front's foot (QR code, link, organisers) on page 1; the back's (contact) after.
    section.different_first_page_header_footer = True

    foot = section.first_page_footer
    table = foot.add_table(rows=1, cols=2, width=Mm(132))
    table.autofit = False
    fixed_layout(table)
    cell_margins(table, 0)
    table.columns[0].width, table.columns[1].width = Mm(30), Mm(102)
    code, words = table.rows[0].cells
    code.width, words.width = Mm(30), Mm(102)
    code.paragraphs[0].text = "{% if link %}{{ link|qr_code(design.qr_mm) }}{% endif %}"
    code.paragraphs[0].paragraph_format.line_spacing = 1.0
    words.paragraphs[0].paragraph_format.left_indent = Mm(2.5)
    link = words.paragraphs[0]
    link.style = doc.styles["Unionkit Leaflet Text"]
    link_run = link.add_run("{{ link_text or '' }}")
    link_run.bold = True
    link.paragraph_format.space_after = Pt(1)
    for line in ("{{ organisers or '' }}", "{{ campaign.contact_line }}"):
        words.add_paragraph(line, style="Unionkit Leaflet Small").paragraph_format.left_indent = Mm(
            2.5
        )
    # python-docx leaves an empty paragraph before the table: make it a hairline rule.
    rule = foot.paragraphs[0]
    bottom_border(rule, 8, "B3121B")
    rule.paragraph_format.space_after = Pt(3)
    rule.paragraph_format.line_spacing = Pt(2)
    back_foot = section.footer.paragraphs[0]
    back_foot.style = doc.styles["Unionkit Leaflet Small"]
    back_foot.add_run("{{ campaign.contact_line }}")

    band = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    leaflet_band(doc, band, logo=True)
    headline = doc.add_paragraph("{{ headline }}", style="Title")
    headline.runs[0].font.size = Pt(27)
    headline.paragraph_format.space_after = Pt(3)
    headline.paragraph_format.line_spacing = Pt(28.5)
    doc.add_paragraph("{%p if subheading %}")
    sub = doc.add_paragraph()
    sub_run = sub.add_run("{{ subheading }}")
    sub_run.bold = True
    sub_run.font.size = Pt(12.5)
    sub_run.font.color.rgb = ACCENT
    set_font(sub_run, SANS)
    sub.paragraph_format.space_after = Pt(6)
    sub.paragraph_format.line_spacing = Pt(15.5)
    doc.add_paragraph("{%p endif %}")

    doc.add_paragraph("{%p if image and fit.step < 2 %}")
    picture = doc.add_paragraph("{{ image|image(design.picture_mm * fit.scale * fit.scale) }}")
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.space_after = Pt(6)
    picture.paragraph_format.line_spacing = 1.0
    doc.add_paragraph("{%p endif %}")

    leaflet_events(doc, "events")

    # Under more pressure, the picture beside the body, as in the PDF.
    doc.add_paragraph("{%p if image and fit.step >= 2 %}")
    beside = doc.add_table(rows=1, cols=2)
    beside.autofit = False
    fixed_layout(beside)
    cell_margins(beside, 1.5)
    words_cell, picture_cell = beside.rows[0].cells
    words_cell.width, picture_cell.width = Mm(92), Mm(40)
    beside.columns[0].width, beside.columns[1].width = Mm(92), Mm(40)
    words_cell.paragraphs[0].text = "{{p body|markdown }}"
    picture_cell.paragraphs[0].text = "{{ image|image(design.picture_mm, 38) }}"
    picture_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    picture_cell.paragraphs[0].paragraph_format.line_spacing = 1.0
    doc.add_paragraph("{%p elif body %}")
    doc.add_paragraph("{{p body|markdown }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p for speaker in speakers %}")
    speaker = doc.add_paragraph(style="Unionkit Leaflet Text")
    speaker.add_run("▸ ").font.color.rgb = ACCENT
    speaker.add_run("{{ speaker.name }}").bold = True
    speaker.add_run("{% if speaker.role %}, {{ speaker.role }}{% endif %}")
    speaker.paragraph_format.space_after = Pt(1)
    doc.add_paragraph("{%p endfor %}")

    doc.add_paragraph("{%p if back %}")
    turn = doc.add_paragraph()
    turn.add_run().add_break(WD_BREAK.PAGE)
    turn.paragraph_format.space_after = Pt(0)
    back_band = doc.add_paragraph()
    leaflet_band(doc, back_band, logo=False)
    doc.add_paragraph("{%p if back.heading %}")
    heading = doc.add_paragraph("{{ back.heading }}", style="Title")
    heading.runs[0].font.size = Pt(20)
    heading.paragraph_format.space_after = Pt(4)
    heading.paragraph_format.line_spacing = Pt(22)
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if back.body %}")
    doc.add_paragraph("{{p back.body|markdown }}")
    doc.add_paragraph("{%p endif %}")
    leaflet_events(doc, "back.events")
    doc.add_paragraph("{%p if back.join %}")
    doc.add_paragraph("{{p back.join|markdown('Unionkit Leaflet Join') }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endif %}")

    join = doc.styles.add_style("Unionkit Leaflet Join", 1)
    join.base_style = text
    join.paragraph_format.left_indent = Mm(2)
    join.paragraph_format.space_after = Pt(2)
    ppr = join.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (
            ("w:val", "single"),
            ("w:sz", "12"),
            ("w:space", "4"),
            ("w:color", "B3121B"),
        ):
            edge.set(qn(key), value)
        borders.append(edge)
    ppr.append(borders)
    return doc


def builder(kind: str) -> Callable[[], WordDocument]:
    """The function here that builds a kind's Word template: named after the kind (a
    `sign-on-sheet` by `sign_on_sheet()`), so the list of templates is the registry's."""
    make = globals().get(kind.replace("-", "_"))
    if not callable(make):
        raise SystemExit(f"no Word template for the kind {kind!r}: add {kind.replace('-', '_')}()")
    return typing.cast(Callable[[], WordDocument], make)


def main(names: list[str]) -> None:
    """Write the named templates (default: all of them)."""
    root = Path(__file__).resolve().parent.parent / "templates"
    for name in kinds.names():
        if names and name not in names:
            continue
        target = root / name / "document.docx"
        doc = builder(name)()
        props = doc.core_properties
        props.title = props.author = props.comments = props.subject = props.keywords = ""
        props.last_modified_by = "unionkit"
        doc.save(str(target))
        print(target, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
