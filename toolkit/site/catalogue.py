"""Every document of a campaign folder built for the web (through the build API, with its
cache), its printings, first-page picture, page count and size: the catalogue both the
static site and the web app show."""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from toolkit import api
from toolkit.errors import Problem, UnionkitError
from toolkit.model import LANGUAGES

THUMBNAIL_WIDTH = 360
LOGO_MAX = 600
CATALOGUE_FILE = "catalogue.json"


@dataclass
class Printing:
    """One printing of a document (the document as written, the leaflet alone, copies on an
    office printer's sheet, a print shop's file) and its PDF on the site."""

    key: str
    facts: dict[str, str]
    pdf: str = ""
    """The PDF's path on the site (empty when it could not be made)."""
    pdf_bytes: int = 0
    pages: int = 0


@dataclass
class CampaignFacts:
    """What the pages show of a campaign (one per language: a translation may rename it)."""

    name: str = ""
    colour: str = "#b3121b"
    email: str = ""
    website: str = ""
    logo: str = ""
    """The logo's path on the site."""
    address: str = ""
    """Where the site is published (its QR codes lead there)."""


@dataclass
class Entry:
    """One document of the campaign on the site."""

    id: str
    """Its output path without suffix, relative to the campaign folder ("ru/model-resolution"):
    the only name a visitor's request may use to reach it."""
    source: str
    kind: str
    language: str
    title: str
    group: str
    """Documents of one kind and file name in different folders are one document in
    different languages."""
    printings: list[Printing] = field(default_factory=list)
    docx: str = ""
    docx_bytes: int = 0
    thumbnail: str = ""
    thumbnail_size: tuple[int, int] = (0, 0)
    note: str = ""
    form: bool = False
    """Whether its kind has a "Make it yours" form."""
    campaign: CampaignFacts = field(default_factory=CampaignFacts)
    ok: bool = True


@dataclass
class Catalogue:
    """The campaign's documents as the site shows them, and how the site is set up."""

    entries: list[Entry] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    default_language: str = "en"
    campaign_folder: str = ""
    site_template: str = ""
    """The site template folder."""
    editable: bool = False
    report_passed: bool = False
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    built: int = 0
    up_to_date: int = 0

    def entry(self, entry_id: str) -> Entry | None:
        return next((entry for entry in self.entries if entry.id == entry_id), None)

    def save(self, path: Path) -> None:
        data = asdict(self)
        data.pop("problems")
        data.pop("warnings")
        api.write(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))

    @classmethod
    def read(cls, path: Path) -> Catalogue:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        entries = []
        for raw in data.pop("entries"):
            raw["printings"] = [Printing(**p) for p in raw["printings"]]
            raw["campaign"] = CampaignFacts(**raw["campaign"])
            raw["thumbnail_size"] = tuple(raw["thumbnail_size"])
            entries.append(Entry(**raw))
        return cls(entries=entries, **data)


def cache_folder(kind: str, *paths: Path) -> Path:
    """A private folder for the builds behind a site (outside the campaign and the published
    folder, so no build record or local path is ever published): `UNIONKIT_CACHE`, else the
    user's cache folder."""
    base = os.environ.get("UNIONKIT_CACHE") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    key = hashlib.sha256("\0".join(str(p.resolve()) for p in paths).encode()).hexdigest()[:16]
    return root / "unionkit" / kind / key


def collect(
    folder: Path,
    public: Path,
    cache: Path,
    *,
    on_outcome: Callable[[api.Outcome], None] | None = None,
) -> Catalogue:
    """Build every document of `folder` (and each of its printings) into `cache`, incrementally,
    and copy what the site publishes into `public` (`files/`, `thumbs/`, `assets/`)."""

    files = cache / "files"
    plan = api.plan([folder], files)
    catalogue = Catalogue(campaign_folder=str(folder.resolve()))
    catalogue.problems.extend(plan.problems)
    loaded: dict[Path, api.LoadedDocument] = {}
    for job in plan.jobs:
        try:
            loaded[job.source] = api.load(job.source)
        except UnionkitError:
            continue  # the build reports it, with everything else wrong
    report = on_outcome or (lambda outcome: None)
    outcomes = {o.source: o for o in api.build_all(plan, api.Settings(), files, on_outcome=report)}
    catalogue.built += sum(1 for o in outcomes.values() if o.ok and not o.skipped)
    catalogue.up_to_date += sum(1 for o in outcomes.values() if o.skipped)

    # Other printings: one build per set of values, each into its own names.
    printings: dict[Path, list[tuple[Any, api.Job | None]]] = {}
    groups: dict[tuple[tuple[str, str | None], ...], list[api.Job]] = {}
    for job in plan.jobs:
        document = loaded.get(job.source)
        if document is None or document.kind.versions is None:
            continue
        for version in document.kind.versions(document.model):
            extra = None
            if version.values:
                stem = job.stem.with_name(f"{job.stem.name}.{version.key}")
                extra = api.Job(job.source, stem, out_dir=files)
                groups.setdefault(version.values, []).append(extra)
            printings.setdefault(job.source, []).append((version, extra))
    extra_outcomes: dict[Path, api.Outcome] = {}
    for values, jobs in groups.items():
        settings = api.Settings(formats=("pdf",), overrides=values)
        for job, outcome in zip(
            jobs,
            api.build_all(api.Plan(jobs=jobs), settings, files, on_outcome=report),
            strict=True,
        ):
            extra_outcomes[job.stem] = outcome

    public.mkdir(parents=True, exist_ok=True)
    thumbs_used: set[str] = set()
    for job in plan.jobs:
        document = loaded.get(job.source)
        built = outcomes.get(job.source)
        if document is None or built is None or not built.ok:
            continue
        relative = job.stem.relative_to(files)
        entry = _entry(document, relative, folder)
        catalogue.warnings.extend(built.warnings)
        main_pdf = _publish(job.stem.with_name(f"{job.stem.name}.pdf"), public, files)
        entry.docx, entry.docx_bytes = _publish_file(
            job.stem.with_name(f"{job.stem.name}.docx"), public, files
        )
        chosen = printings.get(job.source) or [(None, None)]
        for version, extra in chosen:
            key = version.key if version is not None else "document"
            facts = dict(version.facts) if version is not None else {}
            printing = Printing(key, facts)
            if extra is None:
                printing.pdf, printing.pdf_bytes, printing.pages = main_pdf
            else:
                result = extra_outcomes.get(extra.stem)
                if result is None or not result.ok:
                    catalogue.problems.extend(result.problems if result else [])
                    continue
                printing.pdf, printing.pdf_bytes, printing.pages = _publish(
                    extra.stem.with_name(f"{extra.stem.name}.pdf"), public, files
                )
            entry.printings.append(printing)
        if entry.printings:
            first = public / entry.printings[0].pdf
            entry.thumbnail, entry.thumbnail_size = _thumbnail(first, public)
            thumbs_used.add(entry.thumbnail)
        entry.note = _note(document)
        entry.campaign = _campaign(document, public)
        catalogue.entries.append(entry)
    for outcome in outcomes.values():
        catalogue.problems.extend(outcome.problems)
    _remove_old_thumbnails(public, thumbs_used)
    _settle(catalogue, loaded, folder)
    return catalogue


def _entry(document: api.LoadedDocument, relative: Path, folder: Path) -> Entry:
    model = document.model
    language = model.language or document.campaign.language or "en"
    return Entry(
        id=relative.as_posix(),
        source=str(document.source.file.resolve()),
        kind=document.kind.name,
        language=language,
        title=_title(document),
        group=f"{document.kind.name}/{relative.name}",
        form=bool(document.kind.form_fields),
    )


def _title(document: api.LoadedDocument) -> str:
    """What the document is called: its title, subject or headline (what its PDF records)."""
    model = document.model
    for name in ("title", "subject", "headline"):
        value = getattr(model, name, None)
        if isinstance(value, str) and value:
            return value
    linked = document.linked
    title = getattr(linked, "subject", None)
    return str(title) if title else document.source.file.stem


def _note(document: api.LoadedDocument) -> str:
    if document.kind.site_note is None:
        return ""
    try:
        checked = api.check(document)
    except UnionkitError:
        return ""
    return document.kind.site_note(checked.context) or ""


def _publish(built: Path, public: Path, files: Path) -> tuple[str, int, int]:
    """Copy a built PDF to the site; its path there, size and page count."""
    from toolkit.pdfium import opened

    path, size = _publish_file(built, public, files)
    if not path:
        return "", 0, 0
    with opened(public / path) as pdf:
        pages = len(pdf)
    return path, size, pages


def _publish_file(built: Path, public: Path, files: Path) -> tuple[str, int]:
    """Copy a built file to `public/files/...` when it differs from the copy there."""
    if not built.is_file():
        return "", 0
    relative = Path("files") / built.relative_to(files)
    target = public / relative
    data = built.read_bytes()
    if not (
        target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data
    ):
        api.write(target, data)
    return relative.as_posix(), len(data)


def _thumbnail(pdf: Path, public: Path) -> tuple[str, tuple[int, int]]:
    """The first page as a small JPEG, named by the PDF's hash (made once per version)."""
    from PIL import Image

    from toolkit.preview import first_page_picture

    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()[:16]
    relative = f"thumbs/{digest}.jpg"
    target = public / relative
    if not target.is_file():
        image = first_page_picture(pdf, THUMBNAIL_WIDTH)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
        api.write(target, buffer.getvalue())
    with Image.open(target) as picture:
        return relative, (picture.width, picture.height)


def _remove_old_thumbnails(public: Path, used: set[str]) -> None:
    """Pictures of earlier versions of the documents (only names the site writes)."""
    import re

    folder = public / "thumbs"
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        name = f"thumbs/{path.name}"
        if re.fullmatch(r"thumbs/[0-9a-f]{16}\.jpg", name) and name not in used:
            path.unlink(missing_ok=True)


def _campaign(document: api.LoadedDocument, public: Path) -> CampaignFacts:
    campaign = document.campaign
    site = campaign.site
    facts = CampaignFacts(
        name=campaign.name or "",
        colour=campaign.colour or CampaignFacts.colour,
        email=campaign.email or "",
        website=campaign.website or "",
        address=(site.address if site and site.address else "") or campaign.website or "",
    )
    if campaign.logo:
        facts.logo = _logo(
            document.campaign_folder / campaign.logo, document.campaign_folder, public
        )
    return facts


def _logo(path: Path, folder: Path, public: Path) -> str:
    """The campaign's logo for the pages: a PNG or JPEG inside the campaign's folder, drawn
    again as a small PNG (no metadata travels), named by its content."""
    from PIL import Image

    from toolkit.paths import is_inside

    if not is_inside(path, folder) or not path.is_file():
        return ""
    data = path.read_bytes()
    relative = f"assets/logo-{hashlib.sha256(data).hexdigest()[:12]}.png"
    target = public / relative
    if target.is_file():
        return relative
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG") or image.width * image.height > 2000 * 2000:
                return ""
            image.thumbnail((LOGO_MAX, LOGO_MAX))
            buffer = io.BytesIO()
            image.convert("RGBA").save(buffer, format="PNG", optimize=True)
    except (OSError, ValueError):
        return ""
    api.write(target, buffer.getvalue())
    return relative


def _settle(catalogue: Catalogue, loaded: dict[Path, api.LoadedDocument], folder: Path) -> None:
    """The site's languages (those of its documents, the campaign's first), the documents in
    the order the pages list them, and the campaign's site settings."""
    from toolkit import kinds
    from toolkit.site.theme import find_site_template

    order = {name: index for index, name in enumerate(kinds.names())}
    catalogue.entries.sort(key=lambda e: (order.get(e.kind, 99), e.group, e.id))
    present = {entry.language for entry in catalogue.entries}
    documents = sorted(
        loaded.values(),
        key=lambda d: (len(d.source.file.relative_to(folder).parts), str(d.source.file)),
    )
    # The campaign's settings come from a document that names the campaign (an amendment
    # may name none of its own): the first with site settings, else the first with a name.
    main = next(
        (d for d in documents if d.campaign.site is not None),
        next((d for d in documents if d.campaign.name), documents[0] if documents else None),
    )
    preferred = (main.campaign.language if main else None) or "en"
    catalogue.languages = [code for code in LANGUAGES if code in present] or ["en"]
    catalogue.default_language = (
        preferred if preferred in catalogue.languages else catalogue.languages[0]
    )
    site = main.campaign.site if main else None
    if site is not None:
        catalogue.editable = site.editable
        catalogue.report_passed = site.report_passed
    template = find_site_template(
        site.template if site else None, main.campaign_folder if main else folder
    )
    catalogue.site_template = str(template.folder)
