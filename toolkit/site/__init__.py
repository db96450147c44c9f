"""The campaign on the web: `unionkit site` writes its static pages, `unionkit serve` serves
them with the "Make it yours" form (see `toolkit.web`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from toolkit import api
from toolkit.site.catalogue import Catalogue, cache_folder, collect
from toolkit.site.pages import write_pages

__all__ = ["Catalogue", "build_site"]


def build_site(
    folder: Path,
    out: Path,
    *,
    cache: Path | None = None,
    on_outcome: Callable[[api.Outcome], None] | None = None,
) -> Catalogue:
    """Build every document of a campaign folder (only what changed, kept in `cache`) and
    write the static site into `out`: a page per language, the files, their first pages, the
    stylesheets and QR codes. Raises `UnionkitError` for a broken site template."""
    cache = cache or cache_folder("site", folder, out)
    catalogue = collect(folder, out, cache, on_outcome=on_outcome)
    write_pages(catalogue, out)
    return catalogue
