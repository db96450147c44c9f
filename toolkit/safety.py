"""What an output may carry: the allow-lists a DOCX (and the Word template it is made from) and
a PDF are checked against, so that a received template cannot plant remote or active content
in the files unionkit writes."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit
from xml.etree import ElementTree

# A Word template (or an output) larger than this, or with more parts, is not a document.
MAX_DOCX_PARTS = 400
MAX_DOCX_UNCOMPRESSED = 60 * 1024 * 1024
MAX_PART_RATIO = 200  # how much one part may grow when unzipped

_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
# The relationships a document of text, tables, pictures, headers and links needs.
ALLOWED_RELATIONSHIPS = frozenset(
    {
        _OFFICE + name
        for name in (
            "officeDocument", "styles", "stylesWithEffects", "settings", "webSettings",
            "fontTable", "numbering", "theme", "header", "footer", "footnotes", "endnotes",
            "image", "hyperlink", "extended-properties", "custom-properties", "comments",
            "customXml", "customXmlProps", "font",
        )
    }
    | {_PACKAGE + "core-properties", _PACKAGE + "thumbnail"}
    | {
        "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
        "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
        "http://schemas.microsoft.com/office/2011/relationships/people",
        "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
        "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible",
    }
)  # fmt: skip
# Content types of parts; anything else (macros, OLE objects, ActiveX, embedded packages,
# alternative-format chunks) is refused.
_ALLOWED_TYPES = re.compile(
    r"application/vnd\.openxmlformats-(officedocument\.(wordprocessingml\.(document\.main|"
    r"styles|settings|webSettings|fontTable|numbering|header|footer|footnotes|endnotes|"
    r"comments|template\.main)|theme|extended-properties|custom-properties|customXmlProperties"
    r")|package\.(core-properties|relationships))\+xml"
    r"|application/vnd\.openxmlformats-officedocument\.obfuscatedFont"
    r"|application/vnd\.ms-word\.(stylesWithEffects|commentsExtended|people|commentsIds|"
    r"commentsExtensible)\+xml"
    r"|application/xml|text/xml|image/(png|jpeg|gif|bmp|tiff|x-emf|x-wmf|svg\+xml)"
)
# Word fields that only number, date or refer within the document.
ALLOWED_FIELDS = frozenset(
    {"PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "DATE", "TIME", "CREATEDATE", "SAVEDATE",
     "PRINTDATE", "PAGEREF", "REF", "NOTEREF", "SEQ", "STYLEREF", "TOC", "LISTNUM"}
)  # fmt: skip
# Elements that fetch, embed or run something, by their local name.
_ACTIVE_ELEMENTS = {
    "altChunk": "an embedded foreign document (altChunk)",
    "attachedTemplate": "an attached template (Word fetches it when the file opens)",
    "subDoc": "a linked sub-document",
    "OLEObject": "an embedded or linked OLE object",
    "object": "an embedded object",
    "control": "an ActiveX control",
    "frameset": "a frameset",
    "mailMerge": "a mail-merge data source",
    "dataBinding": "a data binding",
}
_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_LINK = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}link"
_HREF = re.compile(r"https?://[^\s<>\"']+$", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """Something a file carries that it must not: where it is and what it is."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def safe_link(target: str) -> str | None:
    """Why a link target may not be printed or followed (None when it may): only web
    addresses, and mailto with one address and at most a subject and a body."""
    text = target.strip()
    lowered = text.lower()
    if lowered.startswith(("https://", "http://")):
        return None if _HREF.match(text) else "a web address with spaces or quotes in it"
    if lowered.startswith("mailto:"):
        return mailto_problem(text)
    scheme = lowered.split(":", 1)[0] if ":" in lowered else ""
    return f"a {scheme}: link" if scheme else "a link to a file or a place on this computer"


_ADDRESS = re.compile(r"[^@\s?,;:<>()\[\]\"'\\/]+@[\w-]+(\.[\w-]+)+")


def mailto_problem(link: str) -> str | None:
    """Why a mailto: link is refused (None when it is one address with at most a subject
    and a body): `cc`, `bcc` and `attach` add readers or files the reader did not choose."""
    parts = urlsplit(link)
    addresses = [a for a in unquote(parts.path).split(",") if a.strip()]
    if len(addresses) != 1 or not _ADDRESS.fullmatch(addresses[0].strip()):
        return "a mailto: link must name exactly one email address"
    for key, _ in parse_qsl(parts.query, keep_blank_values=True):
        if key.lower() not in ("subject", "body"):
            return f"a mailto: link may carry only a subject and a body, not {key!r}"
    return None


def _zip_members(data: bytes, where: str) -> tuple[zipfile.ZipFile | None, list[Finding]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return None, [Finding(where, "is not a Word document (not a zip file)")]
    infos = archive.infolist()
    if len(infos) > MAX_DOCX_PARTS:
        return None, [Finding(where, f"has {len(infos)} parts, more than a document needs")]
    total = sum(info.file_size for info in infos)
    if total > MAX_DOCX_UNCOMPRESSED:
        return None, [Finding(where, f"unpacks to {total // 1_000_000} MB: a zip bomb?")]
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > MAX_PART_RATIO:
            return None, [Finding(f"{where}/{info.filename}", "is packed like a zip bomb")]
    return archive, []


def docx_findings(data: bytes, where: str) -> list[Finding]:
    """Everything in a DOCX (a template or an output) outside the allow-lists: part types,
    relationships (external ones only web and mail links), fields, and elements that
    fetch, embed or run something."""
    archive, findings = _zip_members(data, where)
    if archive is None:
        return findings
    names = archive.namelist()
    for name in names:
        lowered = name.lower()
        if lowered.endswith((".bin", ".vba", ".exe", ".dll", ".js", ".ocx")) or "vba" in lowered:
            findings.append(Finding(f"{where}/{name}", "macros or a program"))
        if lowered.startswith(("word/embeddings/", "word/activex/")):
            findings.append(Finding(f"{where}/{name}", "an embedded object"))
    findings += _content_types(archive, where)
    for name in names:
        if name.endswith(".rels"):
            findings += _relationships(archive.read(name), f"{where}/{name}")
        elif _STORY.fullmatch(name):
            data = archive.read(name)
            # Most parts (styles run to hundreds of kilobytes) hold none of these: only a
            # part that mentions one is parsed.
            if _SUSPECT.search(data):
                findings += _word_part(data, f"{where}/{name}")
    return findings


# The parts that hold text, fields and objects (styles, numbering and themes cannot).
_STORY = re.compile(
    r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments|settings|webSettings"
    r"|glossary/document)\.xml"
)
_SUSPECT = re.compile(
    rb"instrText|fldSimple|altChunk|attachedTemplate|subDoc|OLEObject|<w:object|<w:control"
    rb"|frameset|mailMerge|dataBinding|:link="
)


def _content_types(archive: zipfile.ZipFile, where: str) -> list[Finding]:
    try:
        root = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    except (KeyError, ElementTree.ParseError):
        return [Finding(where, "has no readable [Content_Types].xml")]
    findings = []
    for element in root:
        kind = element.get("ContentType", "")
        if not _ALLOWED_TYPES.fullmatch(kind):
            place = element.get("PartName") or f"*.{element.get('Extension', '')}"
            findings.append(Finding(f"{where}{place}", f"a part of type {kind[:100]!r}"))
    return findings


def _relationships(xml: bytes, where: str) -> list[Finding]:
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return [Finding(where, "is not readable XML")]
    findings = []
    for relation in root.iter(f"{{{_RELS}}}Relationship"):
        kind = relation.get("Type", "")
        target = relation.get("Target", "")
        external = relation.get("TargetMode", "").lower() == "external"
        name = kind.rsplit("/", 1)[-1]
        if kind not in ALLOWED_RELATIONSHIPS:
            findings.append(Finding(where, f"a relationship of type {name!r} ({target[:80]})"))
        elif external and name != "hyperlink":
            findings.append(Finding(where, f"a {name} fetched from {target[:80]!r}"))
        elif external and (why := safe_link(target)):
            findings.append(Finding(where, f"{why} ({target[:80]!r})"))
    return findings


def _word_part(xml: bytes, where: str) -> list[Finding]:
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return [Finding(where, "is not readable XML")]
    findings = []
    instruction: list[str] = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in _ACTIVE_ELEMENTS and (tag not in ("object", "control") or _WORD in element.tag):
            findings.append(Finding(where, _ACTIVE_ELEMENTS[tag]))
        if element.get(_R_LINK):
            findings.append(Finding(where, "a picture linked from outside the document"))
        if tag == "fldSimple":
            findings += _field(element.get(f"{{{_WORD}}}instr", ""), where)
        elif tag == "fldChar":
            kind = element.get(f"{{{_WORD}}}fldCharType")
            if kind == "begin":
                instruction = []
            elif kind in ("separate", "end") and instruction:
                findings += _field("".join(instruction), where)
                instruction = []
        elif tag == "instrText":
            instruction.append(element.text or "")
    return findings


def _field(instruction: str, where: str) -> list[Finding]:
    words = instruction.strip().split()
    name = words[0].upper() if words else ""
    if name and name not in ALLOWED_FIELDS:
        return [Finding(where, f"a {name} field ({instruction.strip()[:60]!r})")]
    return []


def check_docx_template(path: Path) -> list[Finding]:
    """A Word template's findings, read with its size checked first."""
    try:
        size = path.stat().st_size
        if size > MAX_DOCX_UNCOMPRESSED:
            return [Finding(str(path), f"is {size // 1_000_000} MB: not a template")]
        data = path.read_bytes()
    except OSError as exc:
        return [Finding(str(path), f"cannot be read: {exc.strerror}")]
    return docx_findings(data, str(path))


# -- PDF ----------------------------------------------------------------------------------------
# Keys of the document catalogue that run or fetch something when the file opens.
_CATALOGUE_ACTIONS = ("/OpenAction", "/AA", "/AcroForm", "/Collection")
_NAME_TREES = ("/JavaScript", "/EmbeddedFiles")
_LINK_ANNOTATION = 2  # FPDF_ANNOT_LINK
_ACTION_NAMES = {1: "go to", 2: "open another PDF", 3: "open", 4: "launch a program",
                 5: "open an embedded file"}  # fmt: skip


def catalogue_findings(catalogue: Any) -> list[Finding]:
    """What the document catalogue WeasyPrint is about to write would do on opening: run
    an action, hold scripts, attachments or a form."""
    names = catalogue.get("Names") or {}
    found = [Finding("the catalogue", key) for key in _CATALOGUE_ACTIONS if key[1:] in catalogue]
    return found + [Finding("the catalogue", key) for key in _NAME_TREES if key[1:] in names]


def pdf_findings(data: bytes) -> list[Finding]:
    """Everything on the pages of a written PDF beyond what unionkit writes: attachments,
    scripts, page actions, annotations other than links, links other than to web addresses,
    one email address and places in the document. pdfium reads the pages (fast, whatever
    the length); the catalogue is checked as it is written (`catalogue_findings`)."""
    import pypdfium2

    from toolkit.pdfium import opened

    try:
        with opened(data) as document:
            return _page_findings(document)
    except pypdfium2.PdfiumError:
        return [Finding("the PDF", "cannot be read back")]


def _page_findings(document: Any) -> list[Finding]:
    """What `pdf_findings` finds in an opened document (PDFium's lock held)."""
    import ctypes

    import pypdfium2.raw as pdfium

    findings: list[Finding] = []
    if pdfium.FPDFDoc_GetAttachmentCount(document.raw) > 0:
        findings.append(Finding("the PDF", "an attached file"))
    if pdfium.FPDFDoc_GetJavaScriptActionCount(document.raw) > 0:
        findings.append(Finding("the PDF", "JavaScript"))
    for number in range(len(document)):
        page = document[number]
        where = f"page {number + 1}"
        for trigger in (0, 1):  # the page's open and close actions
            if pdfium.FPDF_GetPageAAction(page.raw, trigger):
                findings.append(Finding(where, "an action when the page opens or closes"))
        for index in range(pdfium.FPDFPage_GetAnnotCount(page.raw)):
            annotation = pdfium.FPDFPage_GetAnnot(page.raw, index)
            kind = pdfium.FPDFAnnot_GetSubtype(annotation)
            pdfium.FPDFPage_CloseAnnot(annotation)
            if kind != _LINK_ANNOTATION:
                findings.append(Finding(where, f"an annotation of type {kind}"))
        position = ctypes.c_int(0)
        link = pdfium.FPDF_LINK()
        while pdfium.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
            action = pdfium.FPDFLink_GetAction(link)
            if not action:
                continue  # a destination in this document
            kind = pdfium.FPDFAction_GetType(action)
            if kind == 1:
                continue
            if kind != 3:
                name = _ACTION_NAMES.get(kind, "do something")
                findings.append(Finding(where, f"a link that would {name}"))
                continue
            size = pdfium.FPDFAction_GetURIPath(document.raw, action, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pdfium.FPDFAction_GetURIPath(document.raw, action, buffer, size)
            target = buffer.value.decode("utf-8", errors="replace")
            why = safe_link(target)
            if why:
                findings.append(Finding(where, f"{why} ({target[:80]!r})"))
        page.close()
    return findings


def layout_link_findings(pages: list[Any]) -> list[Finding]:
    """The links of laid-out pages that may not be written: attachments, targets other than
    web, mail and places in the document (a relative link would become a `file:` path that
    shows the builder's folders), and areas larger than the words or picture they sit on
    (an invisible link over the page)."""
    from weasyprint.formatting_structure import boxes

    findings = []
    for number, page in enumerate(pages, 1):
        where = f"page {number}"
        for kind, target, rectangle, box in page.links:
            # A file's name, never its folders (which would show the builder's disk).
            shown = str(target)
            if shown.startswith("file:"):
                shown = Path(unquote(urlsplit(shown).path)).name
            if kind == "attachment":
                findings.append(Finding(where, f"an attached file ({shown[:80]!r})"))
                continue
            if kind == "external" and (why := safe_link(str(target))):
                findings.append(Finding(where, f"{why} ({shown[:80]!r})"))
                continue
            inked = [
                (child.position_x, child.position_y, child.width, child.height)
                for child in [box, *(box.descendants() if hasattr(box, "descendants") else ())]
                if isinstance(child, boxes.TextBox | boxes.ReplacedBox) and child.width
            ]
            if not inked:
                findings.append(Finding(where, "a link with no words or picture to click on"))
                continue
            left = min(x for x, _, _, _ in inked)
            top = min(y for _, y, _, _ in inked)
            right = max(x + w for x, _, w, _ in inked)
            bottom = max(y + h for _, y, _, h in inked)
            slack = max(4.0, 0.5 * (bottom - top))
            # WeasyPrint gives the link's corners: (left, top, right, bottom).
            x1, y1, x2, y2 = rectangle
            if x1 < left - slack or y1 < top - slack or x2 > right + slack or y2 > bottom + slack:
                findings.append(
                    Finding(where, "a link area larger than the words or picture it is on")
                )
    return findings
