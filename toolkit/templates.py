"""Find a template folder (a path beside the document, else a built-in) and read its manifest."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from toolkit.errors import TemplateError
from toolkit.loader import load_yaml
from toolkit.model import KINDS, Line, Strict

MANIFEST = "manifest.yaml"


class Manifest(Strict):
    """What a template folder declares about itself in `manifest.yaml`."""

    name: Line
    """The template's name, as listed by `unionkit templates`."""
    description: Line
    """One line saying what the template makes."""
    kind: Literal["resolution", "letter", "sign-on-sheet", "leaflet"]
    """The document kind it fills; decides which fields a document may use."""
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


def read_template(folder: Path, *, builtin: bool = False) -> Template:
    """Read and check a template folder's manifest."""
    manifest_file = folder / MANIFEST
    if not manifest_file.is_file():
        raise TemplateError(f"not a template folder: it has no {MANIFEST}", file=folder)
    loaded = load_yaml(manifest_file)
    try:
        manifest = Manifest.model_validate(loaded.data)
    except ValidationError as exc:
        from toolkit.validate import problems_from

        raise TemplateError(problems=problems_from(exc, loaded, Manifest)) from None
    assert manifest.kind in KINDS
    for key, name in (("html", manifest.html), ("docx", manifest.docx)):
        target = (folder / name).resolve()
        line = loaded.line_of((key,))
        if not target.is_relative_to(folder.resolve()):
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
    names = builtin_names()
    if name in names:
        return read_template(builtin_folder() / name, builtin=True)
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise TemplateError(
        f"unknown template {name!r}: {hint}built-in templates are {', '.join(names)},"
        " or give the path of a template folder"
    )
