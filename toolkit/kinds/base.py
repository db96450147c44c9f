"""What a document kind declares about itself: the one place the pipeline learns about it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from toolkit.model import Document

if TYPE_CHECKING:
    from toolkit.context import DocumentContext
    from toolkit.document import LoadedDocument
    from toolkit.glyphs import PlacedText
    from toolkit.loader import Loaded

STARTERS = Path(__file__).resolve().parent.parent / "starter_files"
# The values every kind's template sees (context.common builds them; `meta` is the renderer's).
COMMON_VALUES = frozenset({"kind", "language", "labels", "title", "campaign", "meta", "fit"})
# Fields every document has whose values are names of things, never printed.
COMMON_NAME_FIELDS = ("template", "campaign", "language")


def _one_page(context: DocumentContext) -> int:
    return 1


@dataclass(frozen=True)
class Layout:
    """Rules about pages that only laying the document out can check. When a kind has a
    page target, `check` and `build` lay its PDF out (once, or once per fitting step) and
    the PDF is written from that layout."""

    one_page: bool = False
    """The document must fit its page target (`pages`): a document that still overflows at
    the last fitting step is refused with how far over it is. Without it, fitting is tried
    and a document that cannot fit simply runs on."""
    own_paper: bool = False
    """The document chooses its paper size, orientation and copies per sheet (the
    renderers follow `context.print`); otherwise it is A4 portrait."""
    fit_steps: tuple[float, ...] | Callable[[DocumentContext], tuple[float, ...]] = ()
    """Scales tried when the pages overflow at full size (type and pictures shrink by the
    template's use of `fit.scale`; `fit.step` counts from 1 for them), largest first, none
    below a legible floor; or a function of the context giving them (the floor may depend
    on the paper)."""
    pages: Callable[[DocumentContext], int] | None = None
    """How many pages the document should take (default: one when `one_page` is set); the
    layout is checked when this or `fit_steps` is set."""
    refine: Callable[[DocumentContext, Any], bool] | None = None
    """Looks at the chosen layout (`toolkit.render.pdf.LaidOut`) and records what it found
    in the context (a motion's line numbers); when it returns True the document is laid out
    once more, with those values, and written from that layout."""

    @property
    def checked(self) -> bool:
        """Whether the layout is checked at all."""
        return self.one_page or bool(self.fit_steps) or self.pages is not None

    def page_target(self, context: DocumentContext) -> int:
        return (self.pages or _one_page)(context)

    def steps(self, context: DocumentContext) -> tuple[float, ...]:
        """The fitting steps for this document (see `fit_steps`)."""
        return self.fit_steps(context) if callable(self.fit_steps) else self.fit_steps


@dataclass(frozen=True)
class Variant:
    """Another document made from a document: rendered with its own template and context,
    checked like any other."""

    document: LoadedDocument
    context: DocumentContext


@dataclass(frozen=True)
class Section:
    """One table of the README's field reference."""

    title: str
    model: type[BaseModel]
    own_only: bool = False
    """Leave out the fields every document has (they get a table of their own)."""


def _no_files(model: Document, folder: Path) -> list[Path]:
    return []


@dataclass(frozen=True)
class Version:
    """One printing of a document that the campaign site offers (a leaflet alone, copies on
    an office printer's sheet, a print shop's file)."""

    key: str
    """What it is for: the site template's words name it (e.g. "single", "office",
    "print-shop")."""
    values: tuple[tuple[str, str | None], ...] = ()
    """The fields it sets, by dotted path (None leaves one out); none: the document as
    written."""
    facts: tuple[tuple[str, str], ...] = ()
    """What the site says about it (paper size, copies to a sheet), for its words."""


@dataclass(frozen=True)
class Kind:
    """A document kind: its model, how its template data is built, and its rules."""

    name: str
    model: type[Document]
    build_context: Callable[[LoadedDocument], DocumentContext]
    values: frozenset[str]
    """The values its templates see besides `COMMON_VALUES` (a test holds the context
    builder to exactly these)."""
    sections: tuple[Section, ...]
    """Its tables in the README's field reference, its own fields first."""
    link: Callable[[Document, Loaded], object] | None = None
    """Reads the files a document names besides its campaign (a letter's signatories, a
    sheet's letter); the result is `LoadedDocument.linked`."""
    dependencies: Callable[[Document, Path], list[Path]] = _no_files
    """The files `link` reads, for rebuilding when they change (given the document's
    folder)."""
    linked_fingerprint: Callable[[object], str] | None = None
    """A digest of what `link` read that no file holds (a letter's signatures collected in
    a database), for rebuilding when it changes."""
    describe: Callable[[LoadedDocument, DocumentContext], str] | None = None
    """One line for the build summary after the kind's name."""
    notes: Callable[[LoadedDocument], list[str]] | None = None
    """Lines `check` (and `build -v`) print about how the files a document names were read
    (a letter's signatories: which column became which field)."""
    layout: Layout = Layout()
    companions: tuple[tuple[str, str], ...] = ()
    """Starters written beside this kind's starter when missing: (kind, file name)."""
    name_fields: tuple[str, ...] = ()
    """Its fields whose values name files or choices and are never printed as written."""
    linked_texts: Callable[[object], Iterable[PlacedText]] | None = None
    """The printed texts among what `link` read (a letter's signatories), with places."""
    form_fields: tuple[str, ...] = ()
    """Fields a branch fills in on the "Make it yours" form of `unionkit serve` (a kind
    without any has no form)."""
    editable_fields: tuple[str, ...] = ()
    """Lists of Markdown items the form also offers when the campaign's `site:` says
    `editable: true`: each item's text, and adding and removing items."""
    versions: Callable[[Document], tuple[Version, ...]] | None = None
    """The printings the campaign site offers, the first shown as its picture (default: the
    document as written)."""
    site_note: Callable[[DocumentContext], str | None] | None = None
    """A fact the campaign site shows beside the document, in its language (a letter's
    count of signatories)."""
    label_keys: frozenset[str] = frozenset()
    """Labels its context adds to the catalogue's, which `labels:` may also set."""
    variants: Mapping[str, Callable[[LoadedDocument, DocumentContext], Variant]] = field(
        default_factory=dict
    )
    """Other documents a build may write beside this one, by name (`--amended` writes an
    amendment's "amended" variant as NAME-amended.pdf/.docx): each is made from the
    document and its checked context."""

    @property
    def starter(self) -> Path:
        """The commented starter document `unionkit new` writes."""
        return STARTERS / f"{self.name}.yaml"

    @property
    def template_values(self) -> frozenset[str]:
        """Every value a template of this kind may use."""
        return COMMON_VALUES | self.values

    def printed_texts(self, document: LoadedDocument) -> Iterator[PlacedText]:
        """Every text of a document that will be printed, with where it was written: for
        checking that the fonts draw it."""
        from toolkit.glyphs import texts_of

        loaded, skip = document.source, {*COMMON_NAME_FIELDS, *self.name_fields}
        for path, text in texts_of(loaded.data):
            if path and path[0] not in skip:
                yield loaded.file, loaded.line_of(path), ".".join(map(str, path)), text
        campaign = document.campaign
        for key in ("name", "email", "website"):
            value = getattr(campaign, key)
            if value:
                yield loaded.file, loaded.line_of(("campaign",)), f"campaign.{key}", value
        if self.linked_texts is not None:
            yield from self.linked_texts(document.linked)

    def summary(self, document: LoadedDocument, context: DocumentContext) -> str:
        """What the build says about a document, e.g. "resolution, 270 words"."""
        parts = [self.name]
        if self.describe:
            parts.append(self.describe(document, context))
        scale = float(context.values.get("fit", {}).get("scale", 1.0))
        if scale < 1.0:
            parts.append(f"fitted to its page at {round(scale * 100)}% of full size")
        return ", ".join(part for part in parts if part)
