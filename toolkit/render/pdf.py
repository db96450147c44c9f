"""Context + HTML template -> PDF bytes, through WeasyPrint with a fetcher that stays local."""

from __future__ import annotations

import logging
import mimetypes
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2.exceptions import SecurityError
from markupsafe import Markup, escape

from toolkit.clock import creation_date
from toolkit.context import DocumentContext, ImageRef
from toolkit.errors import Problem, RenderError
from toolkit.fonts import FONTS, font_face_css
from toolkit.loader import read_cached
from toolkit.markdown import to_html
from toolkit.render.jinja_errors import template_error
from toolkit.sandbox import make_environment, time_limit
from toolkit.templates import Template

MIN_FILL_IN = 12
MAX_HTML_CHARS = 20_000_000


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


def numbered_list(items: list[str]) -> Markup:
    """A numbered list of Markdown items; each call starts again at 1."""
    return Markup("<ol>{}</ol>").format(
        Markup("").join(Markup("<li>{}</li>").format(to_html(item)) for item in items)
    )


def image(ref: ImageRef | None, height_mm: float = 20) -> Markup:
    """An `<img>` for a checked local image (`height_mm` 0: sized by the stylesheet)."""
    if ref is None:
        return Markup("")
    height = float(height_mm)
    style = Markup(' style="height: {}mm"').format(height) if height > 0 else Markup("")
    return Markup('<img src="{}"{} alt="{}">').format(ref.path().as_uri(), style, ref.description())


def qr_code(link: str | None, size_mm: float = 25) -> Markup:
    """A vector QR code for `link`, `size_mm` wide, as an inline SVG image."""
    if not link:
        return Markup("")
    import base64

    import segno

    svg = segno.make(str(link), error="m").svg_inline(scale=1, border=2, omitsize=False)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    size = max(10.0, min(float(size_mm), 80.0))
    return Markup(
        '<img class="qr-code" src="data:image/svg+xml;base64,{}" style="width: {}mm; height: {}mm"'
        ' alt="{}">'
    ).format(data, size, size, link)


@lru_cache(maxsize=32)
def _html_environment(folder: Path) -> Any:
    """One sandboxed environment per template folder and process: Jinja keeps each template
    compiled in it, so a batch compiles once."""
    return make_environment(
        folder,
        filters={
            "markdown": markdown,
            "numbered_list": numbered_list,
            "fill_in": fill_in,
            "image": image,
            "qr_code": qr_code,
        },
    )


@lru_cache(maxsize=1)
def _shipped_fonts() -> tuple[Any, Any]:
    """The shipped fonts, loaded once per process: the FontConfiguration WeasyPrint reuses
    across documents and the `@font-face` stylesheet registered in it."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    fetcher = local_fetcher([FONTS], [])
    return font_config, CSS(string=font_face_css(), font_config=font_config, url_fetcher=fetcher)


def render_html(context: DocumentContext, template: Template) -> str:
    """Fill the template's HTML with the context, in the sandbox."""
    env = _html_environment(template.folder)
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
        chunks: list[str] = []
        size = 0
        with time_limit():
            for chunk in env.get_template(template.manifest.html).generate(values):
                size += len(chunk)
                if size > MAX_HTML_CHARS:
                    raise SecurityError("the template produced more than 20 million characters")
                chunks.append(chunk)
        return "".join(chunks)
    except Exception as exc:  # noqa: BLE001 - any template failure is the template's error
        raise template_error(exc, template.html_file) from None


class _WeasyPrintLog(logging.Handler):
    """Collects what WeasyPrint logs while one document renders."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def render_pdf(context: DocumentContext, template: Template) -> bytes:
    """Render the document to PDF bytes; a refused resource or a WeasyPrint error fails it."""
    html = render_html(context, template)
    from weasyprint import HTML

    fetcher = local_fetcher([template.folder.resolve(), FONTS], context.allowed_files)
    log = _WeasyPrintLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(log)
    try:
        font_config, fonts = _shipped_fonts()
        document = HTML(
            string=html, base_url=template.folder.resolve().as_uri() + "/", url_fetcher=fetcher
        )
        # Tagged, so screen readers follow headings, lists and tables.
        rendered = document.render(stylesheets=[fonts], font_config=font_config, pdf_tags=True)
        if context.values.get("kind") == "leaflet" and len(rendered.pages) > 1:
            raise RenderError(
                f"the leaflet runs to {len(rendered.pages)} pages at {context.print.size}:"
                " shorten the body, drop an event or speaker, or choose a bigger size",
                file=context.source,
                line=1,
            )
        pdf = rendered.write_pdf(pdf_variant=context.print.pdf_variant, pdf_tags=True)
    finally:
        logger.removeHandler(log)
    if fetcher.refused:
        raise RenderError(
            "refused to load "
            + ", ".join(fetcher.refused)
            + ": a template may only use files inside its own folder",
            file=template.html_file,
        )
    errors = [r.getMessage() for r in log.records if r.levelno >= logging.ERROR]
    if errors:
        raise RenderError("; ".join(errors), file=template.html_file)
    context.warnings.extend(
        Problem(template.html_file, None, "", record.getMessage(), warning=True)
        for record in log.records
        if record.levelno < logging.ERROR and "HarfBuzz" not in record.getMessage()
    )
    if any("HarfBuzz" in record.getMessage() for record in log.records) and _first_time():
        context.warnings.append(
            Problem(
                "unionkit",
                None,
                "",
                "the HarfBuzz subsetter (libharfbuzz-subset) is missing, so PDFs take about four"
                " times longer to make: install it (Debian/Ubuntu: apt install"
                " libharfbuzz-subset0)",
                warning=True,
            )
        )
    assert isinstance(pdf, bytes)
    if context.print.per_sheet > 1:
        from toolkit.render.impose import impose_on_sheet

        pdf = impose_on_sheet(pdf, context.print)
    if context.print.crop_marks:
        from toolkit.render.impose import add_crop_marks

        pdf = add_crop_marks(pdf, context.print.bleed_mm)
    return pdf


_WARNED: list[bool] = []


def _first_time() -> bool:
    """True once per process, for warnings a batch should see once, not per document."""
    if _WARNED:
        return False
    _WARNED.append(True)
    return True


def local_fetcher(folders: list[Path], files: list[Path]) -> Any:
    """A WeasyPrint URL fetcher that reads `data:` URLs, files in `folders` and `files` only.
    Fetchers are kept per process (making one builds a whole urllib opener); each use starts
    with an empty list of what it refused."""
    fetcher = _fetcher(tuple(folders), tuple(files))
    fetcher.refused.clear()
    return fetcher


@lru_cache(maxsize=64)
def _fetcher(folders: tuple[Path, ...], files: tuple[Path, ...]) -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file", "data"})
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(unquote(parts.path)).resolve()
                inside = any(path.is_relative_to(folder) for folder in folders)
                if (inside or path in files) and path.is_file():
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        url, body=read_cached(path), headers={"Content-Type": kind}
                    )
            self.refused.append(url)
            raise ValueError(f"unionkit does not load {url}")

    return LocalFetcher()
