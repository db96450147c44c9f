"""`unionkit preview`: one page of a document's PDF as a PNG, to look at without a PDF viewer."""

from __future__ import annotations

import io
from pathlib import Path

from toolkit.build import Job, Outcome, build_in_memory
from toolkit.errors import Problem
from toolkit.output import safe_stem, write_atomically

# A 300 dpi A3 page is 17 million pixels; far more is a page no printer takes.
MAX_PREVIEW_PIXELS = 40_000_000


def preview_page(
    source: Path, page: int, dpi: int, target: Path | None
) -> tuple[Outcome, Path | None]:
    """Render page `page` (from 1) of `source` at `dpi` to `target` (default out/NAME-PAGE.png)."""
    import pypdfium2

    outcome = build_in_memory(Job(source, Path("out") / safe_stem(source.stem)), ("pdf",))
    pdf = outcome.data.get("pdf")
    if pdf is None:
        return outcome, None
    document = pypdfium2.PdfDocument(pdf)
    try:
        if page > len(document):
            outcome.problems.append(
                Problem(source, None, "", f"has {len(document)} pages, so there is no page {page}")
            )
            return outcome, None
        width, height = document[page - 1].get_size()
        pixels = width * height * (dpi / 72) ** 2
        if pixels > MAX_PREVIEW_PIXELS:
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
        picture = document[page - 1].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    target = target or Path("out") / f"{safe_stem(source.stem)}-{page}.png"
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    write_atomically(target, buffer.getvalue())
    return outcome, target
