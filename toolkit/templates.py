"""Find a template folder (a path beside the document, else a built-in) and read its manifest."""

from __future__ import annotations

import difflib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationError

from toolkit import kinds
from toolkit.errors import Problem, TemplateError, UnionkitError
from toolkit.loader import load_yaml
from toolkit.model import Line, Strict
from toolkit.paths import is_inside

MANIFEST = "manifest.yaml"


def _known_kind(name: str) -> str:
    try:
        return kinds.canonical(name)
    except KeyError:
        raise ValueError(f"should be one of: {', '.join(kinds.names(aliases=True))}") from None


class Manifest(Strict):
    """What a template folder declares about itself in `manifest.yaml`."""

    name: Line
    """The template's name, as listed by `unionkit templates`."""
    description: Line
    """One line saying what the template makes."""
    kind: Annotated[str, AfterValidator(_known_kind)]
    """The document kind it fills; decides which fields a document may use."""
    fields: list[Line] = Field(default_factory=list)
    """The document values the template uses (documentation; `unionkit check` verifies
    what the template really uses)."""
    html: Line = "document.html.j2"
    """The HTML+CSS Jinja template for the PDF, inside the folder."""
    docx: Line = "document.docx"
    """The docxtpl Word template for the DOCX, inside the folder."""


@dataclass(frozen=True)
class Template:
    """A template folder and its manifest."""

    folder: Path
    manifest: Manifest
    builtin: bool

    @property
    def html_file(self) -> Path:
        return self.folder / self.manifest.html

    @property
    def docx_file(self) -> Path:
        return self.folder / self.manifest.docx


def builtin_folder() -> Path:
    """The built-in templates: inside the installed wheel, or the source tree's `templates/`."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_templates", package.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise TemplateError("the built-in templates are missing: reinstall unionkit")


def builtin_names() -> list[str]:
    """Names of the built-in templates, sorted."""
    root = builtin_folder()
    return sorted(p.name for p in root.iterdir() if (p / MANIFEST).is_file())


ENTRY_POINT_GROUP = "unionkit.templates"


@dataclass(frozen=True)
class Available:
    """A template that can be named in `template:`, and where it comes from."""

    name: str
    folder: Path
    source: str  # "built-in", "package <name>", or "local"


def installed_templates() -> list[Available]:
    """Templates from installed packs: packages with an entry point in `unionkit.templates`
    naming a module (its folder holds template folders) or a function returning a folder.
    Looked up again only when a folder on the import path changes (a pack installed)."""
    import sys

    from toolkit.cache import TEMPLATES, stamp

    stamps = []
    for entry in sys.path:
        try:
            stamps.append(stamp(Path(entry or ".")))
        except OSError:
            continue
    found = TEMPLATES.get(("installed packs", tuple(stamps)), _installed_templates)
    assert isinstance(found, list)
    return found


def _installed_templates() -> list[Available]:
    from importlib.metadata import entry_points

    found = []
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        source = f"package {entry.dist.name if entry.dist else entry.name}"
        try:
            target = entry.load()
            if callable(target):
                target = target()
            folder = Path(target.__file__).parent if hasattr(target, "__file__") else Path(target)
        except Exception as exc:  # noqa: BLE001 - a broken pack must not stop unionkit
            raise TemplateError(f"template pack {entry.name!r} failed to load: {exc}") from None
        folders = [folder] if (folder / MANIFEST).is_file() else sorted(folder.iterdir())
        found += [Available(f.name, f, source) for f in folders if (f / MANIFEST).is_file()]
    return found


def available_templates(here: Path | None = None) -> list[Available]:
    """Every template by name, first match wins: local folders in `here`, installed packs,
    built-ins."""
    local = []
    if here is not None and here.is_dir():
        local = [
            Available(f"./{f.name}", f, "local")
            for f in sorted(here.iterdir())
            if f.is_dir() and (f / MANIFEST).is_file()
        ]
    builtin = [Available(n, builtin_folder() / n, "built-in") for n in builtin_names()]
    return [*local, *installed_templates(), *builtin]


def copy_template(name: str, destination: Path) -> Path:
    """Copy a template folder (installed or built-in) to `destination` to adapt it."""
    import shutil

    matches = [t for t in available_templates() if t.name == name]
    if not matches:
        names = sorted({t.name for t in available_templates()})
        raise TemplateError(f"unknown template {name!r}: templates are {', '.join(names)}")
    if destination.is_symlink():
        raise TemplateError(
            "is a link: give the name of a new folder to copy into", file=destination
        )
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise TemplateError("is not empty: choose a new folder to copy into", file=destination)
    shutil.copytree(matches[0].folder, destination, dirs_exist_ok=True)
    return destination


def read_template(folder: Path, *, builtin: bool = False) -> Template:
    """Read and check a template folder's manifest (once per process while it is unchanged)."""
    from toolkit.cache import TEMPLATES, stamp

    try:
        # The Word template is checked when read: a new one is read again.
        word = stamp(folder / "document.docx")
    except OSError:
        word = None
    template = TEMPLATES.for_file(
        folder / MANIFEST, lambda: _read_template(folder, builtin=builtin), folder, builtin, word
    )
    assert isinstance(template, Template)
    return template


def is_site_template(folder: Path) -> bool:
    """Whether a template folder holds the campaign site's pages rather than a document's:
    its manifest has `site:` (the pages) where a document template has `kind:`."""
    try:
        data = load_yaml(folder / MANIFEST).data
    except UnionkitError:
        return False
    return isinstance(data, dict) and "site" in data


def listing(folder: Path) -> tuple[str, str]:
    """What `unionkit templates` says of a template folder: the kind it fills (or "site")
    and its one-line description."""
    if is_site_template(folder):
        from toolkit.site.theme import read_site_template

        return "site", read_site_template(folder).manifest.description
    manifest = read_template(folder).manifest
    return manifest.kind, manifest.description


def _read_template(folder: Path, *, builtin: bool = False) -> Template:
    manifest_file = folder / MANIFEST
    if not manifest_file.is_file():
        raise TemplateError(f"not a template folder: it has no {MANIFEST}", file=folder)
    loaded = load_yaml(manifest_file)
    if isinstance(loaded.data, dict) and "site" in loaded.data:
        raise TemplateError(
            "is a site template (for `unionkit site` and `unionkit serve`), not one a document"
            " can fill: name a document template such as resolution",
            file=manifest_file,
            line=loaded.line_of(("site",)),
            field="site",
        )
    try:
        manifest = Manifest.model_validate(loaded.data)
    except ValidationError as exc:
        from toolkit.validate import problems_from

        raise TemplateError(problems=problems_from(exc, loaded, Manifest)) from None
    known = kinds.get(manifest.kind).template_values
    for index, name in enumerate(manifest.fields):
        if name not in known:
            raise TemplateError(
                f"a {manifest.kind} has no value {name!r}; it has {', '.join(sorted(known))}",
                file=manifest_file,
                line=loaded.line_of(("fields", index)),
                field=f"fields.{index}",
            )
    for key, name in (("html", manifest.html), ("docx", manifest.docx)):
        target = folder / name
        line = loaded.line_of((key,))
        if not is_inside(target, folder):
            raise TemplateError(
                f"{name} lies outside the template folder", file=manifest_file, line=line, field=key
            )
        if not target.is_file():
            raise TemplateError(
                f"{name} is missing from the template folder",
                file=manifest_file,
                line=line,
                field=key,
            )
        if key == "docx" and not zipfile.is_zipfile(target):
            raise TemplateError(
                "is not a Word document (.docx): save it from Word or LibreOffice as .docx",
                file=target,
                line=1,
            )
        if key == "docx":
            from toolkit.safety import check_docx_template

            findings = check_docx_template(target)
            if findings:
                raise TemplateError(
                    problems=[
                        Problem(
                            target,
                            None,
                            finding.where.removeprefix(str(target)).lstrip("/"),
                            f"{finding.what}: unionkit does not pass this on to the documents it"
                            " makes; remove it from the Word template",
                        )
                        for finding in findings
                    ]
                )
    return Template(folder, manifest, builtin)


def find_template(name: str, document: Path) -> Template:
    """Resolve `template:` from a document: a folder relative to it, else a built-in name."""
    looks_like_path = "/" in name or "\\" in name or name.startswith(".")
    local = document.parent / name
    # A bare name is a local template only if that folder really is one, so an ordinary
    # folder that happens to be called "resolution" never hides the built-in.
    if looks_like_path or (local / MANIFEST).is_file():
        if not local.is_dir():
            raise TemplateError(f"template folder {name!r} not found next to this file")
        if not (local / MANIFEST).is_file():
            raise TemplateError(f"not a template folder: it has no {MANIFEST}")
        return read_template(local)
    # Installed packs come before the built-ins, so a pack can offer its own "letter".
    known = [*installed_templates()]
    known += [Available(n, builtin_folder() / n, "built-in") for n in builtin_names()]
    # A kind's other name (`template: motion`) means the template of that name's kind.
    for wanted in (name, kinds.ALIASES.get(name)):
        for entry in known:
            if entry.name == wanted:
                return read_template(entry.folder, builtin=entry.source == "built-in")
    names = sorted({entry.name for entry in known})
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise TemplateError(
        f"unknown template {name!r}: {hint}templates are {', '.join(names)},"
        " or give the path of a template folder"
    )
