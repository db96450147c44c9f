"""Context + HTML template -> PDF bytes, through WeasyPrint with a fetcher that stays local."""

from __future__ import annotations

import logging
import mimetypes
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from markupsafe import Markup, escape

from toolkit.cache import ENVIRONMENTS, PerThread, memo, read_file
from toolkit.clock import creation_date
from toolkit.context import DocumentContext, ImageRef
from toolkit.errors import Problem, RenderError
from toolkit.fonts import FONTS, font_face_css
from toolkit.markdown import (
    CHANGE_MARKS,
    DELETE_END,
    DELETE_START,
    INSERT_END,
    INSERT_START,
    heading_html,
    to_html,
    words_html,
)
from toolkit.paths import inside_any, real_path
from toolkit.render.jinja_errors import template_error
from toolkit.sandbox import make_environment, time_limit
from toolkit.templates import Template

MIN_FILL_IN = 12


def fill_in_blank(width: Any = 24) -> str:
    """A line of underscores (never fewer than 12) to write on by hand or in Word."""
    try:
        count = int(width)
    except (TypeError, ValueError):
        count = 24
    return "_" * min(max(count, MIN_FILL_IN), 80)


def fill_in(value: Any, width: Any = 24) -> Markup:
    """The value, or a fill-in blank for the branch to complete."""
    if value is None or value == "":
        return Markup('<span class="fill-in">{}</span>').format(fill_in_blank(width))
    return escape(value)


def markdown(text: str | None, style: str = "") -> Markup:
    """Markdown as HTML; `style` names a Word paragraph style and means nothing here."""
    return to_html(text) if text else Markup("")


def numbered_list(items: list[str], start: Any = 1, lines: Any = None, keep: Any = False) -> Markup:
    """A numbered list of Markdown items, numbered from `start`. With `lines` (a motion
    section's `{id, marks}`), each word is in a span the layout can find, and the words that
    begin numbered lines carry their numbers; with `keep`, the last item stays on the page
    of what follows it (a motion's last point, with the signatures)."""
    first = int(start)
    rendered = []
    for index, item in enumerate(items):
        html = (
            words_html(item, f"{lines['id']}-p{index}", lines["marks"]) if lines else to_html(item)
        )
        last = keep and index == len(items) - 1
        rendered.append(
            Markup('<li class="keep-with-next">{}</li>' if last else "<li>{}</li>").format(html)
        )
    # WeasyPrint reads no `start` attribute: the counter is reset to count on from it.
    start_attribute = (
        Markup(' start="{}" style="counter-reset: list-item {}"').format(first, first - 1)
        if first != 1
        else Markup("")
    )
    return Markup("<ol{}>{}</ol>").format(start_attribute, Markup("").join(rendered))


def numbered_words(text: str, lines: Any = None) -> Markup:
    """A heading of a line-numbered motion: its words in spans, as `numbered_list` does."""
    if not lines:
        return escape(text)
    return heading_html(str(text), f"{lines['id']}-h", lines["marks"])


def mark_changes(html: str) -> str:
    """Turn the change marks of an amended text into `<ins>` and `<del>` around each run of
    text they cover (a change may cross emphasis or paragraphs, so each text run is wrapped
    on its own)."""
    out: list[str] = []
    state = ""
    for piece in _TAGS.split(html):
        if piece.startswith("<") or (not state and not any(m in piece for m in CHANGE_MARKS)):
            out.append(piece)
            continue
        for part in _MARKS.split(piece):
            if part in (INSERT_START, DELETE_START):
                state = "ins" if part == INSERT_START else "del"
            elif part in (INSERT_END, DELETE_END):
                state = ""
            elif part:
                out.append(f'<{state} class="change">{part}</{state}>' if state else part)
    return "".join(out)


_TAGS = re.compile(r"(<[^>]*>)")
_MARKS = re.compile(f"([{re.escape(CHANGE_MARKS)}])")


def image(ref: ImageRef | None, height_mm: float = 20, max_width_mm: float = 0) -> Markup:
    """An `<img>` for a checked local image (`height_mm` 0: sized by the stylesheet;
    `max_width_mm` is for Word, where the stylesheet cannot limit a picture's width)."""
    if ref is None:
        return Markup("")
    height = float(height_mm)
    style = Markup(' style="height: {}mm"').format(height) if height > 0 else Markup("")
    return Markup('<img src="{}"{} alt="{}">').format(ref.path().as_uri(), style, ref.description())


def qr_code(link: str | None, size_mm: float = 25) -> Markup:
    """A vector QR code for `link`, `size_mm` wide, as an inline SVG image."""
    if not link:
        return Markup("")
    size = max(10.0, min(float(size_mm), 80.0))
    return Markup(
        '<img class="qr-code" src="data:image/svg+xml;base64,{}" style="width: {}mm; height: {}mm"'
        ' alt="{}">'
    ).format(_qr_svg(str(link)), size, size, link)


@memo(16)
def _qr_svg(link: str) -> str:
    # Kept: fitting a page fills the template several times with the same link.
    import base64

    import segno

    svg = segno.make(link, error="m").svg_inline(scale=1, border=2, omitsize=False)
    return base64.b64encode(svg.encode("utf-8")).decode("ascii")


FILTERS: dict[str, Callable[..., Any]] = {
    "markdown": markdown,
    "numbered_list": numbered_list,
    "numbered_words": numbered_words,
    "fill_in": fill_in,
    "image": image,
    "qr_code": qr_code,
}


def _html_environment(template: Template) -> Any:
    """One sandboxed environment per template folder, kept while its HTML file is unchanged:
    Jinja keeps each template compiled in it, so a batch compiles once."""
    return ENVIRONMENTS.for_file(
        template.html_file,
        lambda: make_environment(template.folder, filters=FILTERS),
        "html",
        str(template.folder),
    )


def _load_fonts() -> tuple[Any, Any]:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    fetcher = LocalFetcher([FONTS], [])
    return font_config, CSS(string=font_face_css(), font_config=font_config, url_fetcher=fetcher)


# The shipped fonts and the FontConfiguration WeasyPrint reuses across documents: one per
# thread, since a Pango font map must not be shared between threads.
_FONTS = PerThread(_load_fonts)


def warm() -> None:
    """Load WeasyPrint and the shipped fonts now rather than at the first document."""
    _FONTS.get()


def render_html(context: DocumentContext, template: Template) -> str:
    """Fill the template's HTML with the context, in the sandbox."""
    env = _html_environment(template)
    values = {
        **context.values,
        "meta": {
            "title": context.title,
            "author": context.author,
            "language": context.language,
            "created": creation_date().isoformat(),
        },
    }
    try:
        with time_limit():
            html = str(env.get_template(template.manifest.html).render(values))
    except Exception as exc:  # noqa: BLE001 - any template failure is the template's error
        raise template_error(exc, template.html_file) from None
    return mark_changes(html) if context.revision is not None else html


# -- WeasyPrint's log, per render --------------------------------------------------------------
_RECORDS: ContextVar[list[logging.LogRecord] | None] = ContextVar("weasyprint_log", default=None)


class _RenderLog(logging.Handler):
    """Hands each record WeasyPrint logs to the render running in the same thread (and
    nothing else): WeasyPrint has one logger for the process and no per-render one."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        records = _RECORDS.get()
        if records is not None:
            records.append(record)


def _install_log_router() -> None:
    logger = logging.getLogger("weasyprint")
    if not any(isinstance(handler, _RenderLog) for handler in logger.handlers):
        logger.addHandler(_RenderLog())


_install_log_router()


@contextmanager
def _captured(records: list[logging.LogRecord]) -> Iterator[None]:
    token = _RECORDS.set(records)
    try:
        yield
    finally:
        _RECORDS.reset(token)


# -- layout and writing ------------------------------------------------------------------------
@dataclass
class LaidOut:
    """A document's pages as WeasyPrint laid them out, with what its render fetched and
    logged, ready to be written as PDF."""

    document: Any
    fetcher: LocalFetcher
    records: list[logging.LogRecord] = field(default_factory=list)


def lay_out(context: DocumentContext, template: Template) -> LaidOut:
    """Lay the document out in pages; a refused resource or a WeasyPrint error fails it."""
    html = render_html(context, template)
    from weasyprint import HTML

    fetcher = LocalFetcher([template.folder, FONTS], context.allowed_files, context.prepared)
    records: list[logging.LogRecord] = []
    with _captured(records):
        font_config, fonts = _FONTS.get()
        folder = real_path(template.folder) or template.folder
        document = HTML(string=html, base_url=folder.as_uri() + "/", url_fetcher=fetcher)
        # Tagged, so screen readers follow headings, lists and tables.
        rendered = document.render(stylesheets=[fonts], font_config=font_config, pdf_tags=True)
    laid_out = LaidOut(rendered, fetcher, records)
    _raise_failures(laid_out, template)
    return laid_out


def _raise_failures(laid_out: LaidOut, template: Template) -> None:
    if laid_out.fetcher.refused:
        raise RenderError(
            "refused to load "
            + ", ".join(laid_out.fetcher.refused)
            + ": a template may only use files inside its own folder",
            file=template.html_file,
        )
    errors = [r.getMessage() for r in laid_out.records if r.levelno >= logging.ERROR]
    if errors:
        raise RenderError("; ".join(errors), file=template.html_file)


def render_pdf(
    context: DocumentContext, template: Template, laid_out: LaidOut | None = None
) -> bytes:
    """The document as PDF bytes (laid out now unless `laid_out` is given); copies imposed on
    A4 sheets and crop marks added when the document asks for them."""
    from toolkit.safety import catalogue_findings, layout_link_findings, pdf_findings

    laid_out = laid_out or lay_out(context, template)
    _refuse(layout_link_findings(laid_out.document.pages), template)
    catalogue: list[Any] = []

    def finish(document: Any, pdf: Any) -> None:
        catalogue.extend(catalogue_findings(pdf.catalog))

    variant = context.print.pdf_variant
    # A print file needs no structure for screen readers (and PDF/X no link annotations).
    for_press = bool(variant and variant.startswith("pdf/x"))
    with _captured(laid_out.records):
        pdf = laid_out.document.write_pdf(
            pdf_variant=variant, pdf_tags=not for_press, finisher=finish
        )
    _raise_failures(laid_out, template)
    _refuse([*catalogue, *pdf_findings(pdf)], template)
    context.warnings.extend(
        Problem(template.html_file, None, "", record.getMessage(), warning=True)
        for record in laid_out.records
        if record.levelno < logging.ERROR and not _said_already(record.getMessage())
    )
    assert isinstance(pdf, bytes)
    if for_press:
        from toolkit.render.pdfx import PdfxError, complete_pdfx

        try:
            pdf = complete_pdfx(pdf, str(variant))
        except PdfxError as exc:
            raise RenderError(str(exc), file=template.html_file) from None
    if context.print.per_sheet > 1:
        from toolkit.render.impose import impose_on_sheet

        pdf = impose_on_sheet(pdf, context.print)
    if context.print.crop_marks:
        from toolkit.render.impose import add_crop_marks

        pdf = add_crop_marks(pdf, context.print.bleed_mm)
    return pdf


def _refuse(findings: list[Any], template: Template) -> None:
    if findings:
        raise RenderError(
            "the PDF would carry "
            + "; ".join(f"{finding.what} ({finding.where})" for finding in findings[:5])
            + ": templates may link only to web addresses, one email address and places in"
            " the document, and attach nothing",
            file=template.html_file,
        )


def _said_already(message: str) -> bool:
    """WeasyPrint's notes that unionkit says better itself: missing glyphs (warned with
    the file and line of the text) and the slow font subsetter (warned once a run)."""
    return ".notdef glyph" in message or "HarfBuzz" in message


def _sniffed_type(data: bytes) -> str:
    return "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"


def _response(url: str, body: bytes, content_type: str) -> Any:
    from weasyprint.urls import URLFetcherResponse

    return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


class LocalFetcher:
    """A WeasyPrint URL fetcher, made for one render, that reads `data:` URLs, files inside
    `folders` and the listed `files`, and refuses (and remembers) everything else."""

    _fail_on_errors = False  # WeasyPrint reads this: a refusal is collected, not raised

    def __init__(
        self, folders: list[Path], files: list[Path], prepared: dict[Path, bytes] | None = None
    ) -> None:
        self.folders = tuple(folders)
        self.files = frozenset(real_path(path) for path in files)
        # Prepared copies served in place of files (a photo downsampled for print).
        self.prepared = {real_path(path): data for path, data in (prepared or {}).items()}
        self.refused: list[str] = []

    def __call__(self, url: str) -> Any:
        return self.fetch(url)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("data:"):
            from urllib.request import DataHandler, Request

            with DataHandler().data_open(Request(url)) as response:
                kind = response.headers.get("Content-Type", "application/octet-stream")
                return _response(url, response.read(), kind)
        parts = urlsplit(url)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path))
            real = real_path(path)
            if real in self.prepared:
                # Not a file: URL, or WeasyPrint would read the original file instead.
                data = self.prepared[real]
                return _response(f"unionkit:prepared/{path.name}", data, _sniffed_type(data))
            allowed = inside_any(path, self.folders) or real in self.files
            if allowed and path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return _response(url, read_file(path), kind)
        self.refused.append(url)
        raise ValueError(f"unionkit does not load {url}")
