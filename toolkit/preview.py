"""`unionkit preview`: one page of a document's PDF as a PNG, to look at without a PDF viewer;
a page the content runs off is drawn all the same, with a red band where it leaves it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from toolkit.build import Job, Outcome, preview_in_worker
from toolkit.errors import Problem
from toolkit.output import safe_stem, write_atomically

MM = 72 / 25.4
OVERFLOW_RED = (220, 20, 30)
# A 300 dpi A3 page is 17 million pixels; far more is a page no printer takes.
MAX_PREVIEW_PIXELS = 40_000_000


def preview_page(
    source: Path, page: int, dpi: int, target: Path | None
) -> tuple[Outcome, Path | None]:
    """Render page `page` (from 1) of `source` at `dpi` to `target` (default out/NAME-PAGE.png)."""
    from toolkit.pdfium import opened

    outcome, pdf, overflow = preview_in_worker(Job(source, Path("out") / safe_stem(source.stem)))
    if pdf is None:
        return outcome, None
    with opened(pdf) as document:
        if page > len(document):
            outcome.problems.append(
                Problem(source, None, "", f"has {len(document)} pages, so there is no page {page}")
            )
            return outcome, None
        pdf_page = document[page - 1]
        width, height = pdf_page.get_size()
        if width * height * (dpi / 72) ** 2 > MAX_PREVIEW_PIXELS:
            fits = int(72 * (MAX_PREVIEW_PIXELS / (width * height)) ** 0.5)
            outcome.problems.append(
                Problem(
                    source,
                    None,
                    "",
                    f"page {page} is too large to draw at {dpi} dpi: use --dpi {max(fits, 1)}"
                    " or less",
                )
            )
            return outcome, None
        picture = pdf_page.render(scale=dpi / 72).to_pil().convert("RGB")
        cuts = [mm for index, mm in (overflow.cuts if overflow else []) if index == page - 1]
        if cuts:
            _mark_overflow(picture, pdf_page, cuts, dpi)
    target = target or Path("out") / f"{safe_stem(source.stem)}-{page}.png"
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    write_atomically(target, buffer.getvalue())
    return outcome, target


def first_page_picture(pdf: bytes | Path, width: int) -> Any:
    """The first page of a PDF drawn `width` pixels wide (a PIL image, RGB): the site's
    thumbnails and the web form's live preview."""
    from toolkit.pdfium import opened

    with opened(pdf) as document:
        page = document[0]
        page_width, _ = page.get_size()
        return page.render(scale=width / page_width).to_pil().convert("RGB")


def _mark_overflow(picture: Any, pdf_page: Any, cuts: list[float], dpi: int) -> None:
    """A red band across the page where the content leaves it, and a red tint below it:
    everything under the band is what does not fit."""
    from PIL import Image, ImageDraw

    scale = dpi / 72
    _, _, _, media_top = pdf_page.get_mediabox()
    _, _, _, trim_top = pdf_page.get_trimbox()
    for mm in cuts:
        y = round((media_top - trim_top + mm * MM) * scale)
        band = max(3, round(1.5 * MM * scale))
        tint = Image.new("RGB", picture.size, OVERFLOW_RED)
        mask = Image.new("L", picture.size, 0)
        ImageDraw.Draw(mask).rectangle((0, y, picture.width, picture.height), fill=60)
        picture.paste(tint, (0, 0), mask)
        ImageDraw.Draw(picture).rectangle(
            (0, y - band // 2, picture.width, y + band // 2), fill=OVERFLOW_RED
        )
