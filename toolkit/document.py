"""Read a document (a YAML file, or a mapping from a form) into its validated model, template,
kind and merged campaign."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from toolkit.data import DataRow, apply_row
from toolkit.errors import InputError, Problem, UnionkitError
from toolkit.loader import Loaded, Path_, clean_text, load_yaml, read_text
from toolkit.model import Campaign, Document
from toolkit.paths import is_inside
from toolkit.templates import Template, find_template
from toolkit.validate import problems_from

if TYPE_CHECKING:
    from toolkit.kinds.base import Kind

_TEMPLATE_KEY = re.compile(r"^template\s*:", re.MULTILINE)
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Place:
    """Where a value was written: file, line and field path, for reporting problems with it."""

    file: Path
    line: int | None
    field: str

    def problem(self, message: str) -> InputError:
        return InputError(message, file=self.file, line=self.line, field=self.field)


@dataclass(frozen=True)
class LoadedDocument:
    """A document ready for the context builder: model, kind, template, campaign, the files
    it links to, and where each was written."""

    source: Loaded
    model: Document
    kind: Kind
    template: Template
    campaign: Campaign
    campaign_folder: Path
    logo_place: Place | None = None
    linked: object = None
    """What the kind's `link` read: a letter's merged signatories, a sheet's letter."""


def is_document(path: Path) -> bool:
    """Whether a YAML file is a document (it has a top-level `template:` line)."""
    try:
        return bool(_TEMPLATE_KEY.search(read_text(path)))
    except UnionkitError:
        return False


def kind_of(path: Path) -> Kind:
    """The kind of document a YAML file is, from its template (for checking `--data`
    columns before any row is built)."""
    from toolkit import kinds

    return kinds.get(_template_of(load_yaml(path)).manifest.kind)


def _template_of(loaded: Loaded) -> Template:
    """The template a loaded document names, or an `InputError` placed on its `template:`."""
    path, data = loaded.file, loaded.data
    if not isinstance(data, dict):
        raise InputError(
            "a document is a group of `name: value` lines, starting with `template:`",
            file=path,
            line=1,
        )
    name = data.get("template")
    line = loaded.line_of(("template",))
    if not isinstance(name, str) or not name.strip():
        raise InputError(
            "required: add `template: resolution` (or another; see `unionkit templates`)",
            file=path,
            line=line,
            field="template",
        )
    try:
        return find_template(name.strip(), path)
    except UnionkitError as exc:
        raise InputError(
            problems=[
                p if p.file else Problem(path, line, "template", p.message) for p in exc.problems
            ]
        ) from None


def mapping_source(data: Mapping[str, Any], folder: Path, name: str = "form") -> Loaded:
    """A document given as a mapping (a web form has no YAML file) as if it were read from
    `folder/name`: its paths are relative to `folder`; its problems have no line. Values are
    cleaned like YAML text; anything but text, lists and groups is refused."""
    problems: list[Problem] = []
    file = folder / name

    def plain(value: Any, path: Path_) -> Any:
        if value is None or isinstance(value, str):
            return None if value is None else clean_text(value)
        if isinstance(value, bool | int | float):
            return str(value).lower() if isinstance(value, bool) else str(value)
        if isinstance(value, list | tuple):
            return [plain(item, (*path, index)) for index, item in enumerate(value)]
        if isinstance(value, Mapping):
            return {str(key): plain(item, (*path, str(key))) for key, item in value.items()}
        problems.append(Problem(file, None, ".".join(map(str, path)), "should be text"))
        return None

    loaded = Loaded(file, plain(data, ()), has_lines=False)
    if problems:
        raise InputError(problems=problems)
    return loaded


def load_document(
    source: Path | Loaded,
    overrides: Mapping[str, str | None] | None = None,
    row: DataRow | None = None,
) -> LoadedDocument:
    """Load, validate and resolve one document; raise `InputError` with every problem found.

    `source` is a YAML file or an already read mapping (`mapping_source`). `overrides` are
    command-line values (e.g. `per_sheet`) for the document kinds that have that field, by
    field path (`print.bleed`; None leaves a field out), as the campaign site's other printings
    of a leaflet set them; `row`
    is a `--data` row whose values replace the document's at their field paths. Both are
    checked like values written in the file, and a problem with a row's value is reported at
    the row's line in its table.
    """
    from toolkit import kinds

    problems: list[Problem] = []
    loaded = source if isinstance(source, Loaded) else load_yaml(source, collect=problems)
    path = loaded.file
    data = loaded.data

    def fail(*more: Problem) -> InputError:
        everything = [*problems, *more]
        return InputError(
            problems=sorted(everything, key=lambda p: (p.file != path, str(p.file), p.line or 0))
        )

    try:
        template = _template_of(loaded)
    except InputError as exc:
        raise fail(*exc.problems) from None
    assert isinstance(data, dict)
    kind = kinds.get(template.manifest.kind)
    model_class = kind.model
    for key, value in (overrides or {}).items():
        if key.split(".")[0] in model_class.model_fields:
            _set_field(data, key.split("."), value)
    if row is not None:
        apply_row(data, row)
    try:
        model = model_class.model_validate(data)
    except ValidationError as exc:
        # A value the loader already refused (a tag, an alias) needs no second message.
        refused = {p.line for p in problems}
        found = problems_from(exc, loaded, model_class)
        if row is not None:
            found = [
                replace(p, file=row.file, line=row.line) if row.covers(p.field) else p
                for p in found
            ]
        raise fail(*(p for p in found if p.line not in refused or p.file != path)) from None
    linked: object = None
    campaign, folder, logo_place = Campaign(), path.parent, None
    try:
        campaign, folder, logo_place = _campaign_of(model, loaded)
    except UnionkitError as exc:
        problems.extend(exc.problems)
    if kind.link is not None:
        try:
            linked = kind.link(model, loaded)
        except UnionkitError as exc:
            problems.extend(exc.problems)
    if problems:
        raise fail()
    return LoadedDocument(loaded, model, kind, template, campaign, folder, logo_place, linked)


def _set_field(data: dict[str, Any], path: list[str], value: str | None) -> None:
    """Set the value at a dotted field path, making the groups on the way."""
    node = data
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[path[-1]] = value


def data_file(written: str, document: Path, where: Place, *, own_tree: bool) -> Path:
    """The file a document names, refused if it resolves (through symlinks) outside the
    folder it is written in, or, with `own_tree`, outside the document's own folder tree —
    so a downloaded document cannot pull the user's other files into a PDF."""
    path = Path(os.path.normpath(document.parent / written))
    if not is_inside(path, path.parent):
        raise where.problem(f"{written!r} is a link to a file elsewhere: copy the file here")
    if own_tree and not is_inside(path, document.parent):
        raise where.problem(
            f"{written!r} lies outside this document's folder: copy it next to the document"
        )
    return path


def place_of(loaded: Loaded, path: Path_) -> Place:
    """The place of the value at `path` in a loaded document."""
    return Place(loaded.file, loaded.line_of(path), ".".join(str(p) for p in path))


def _campaign_of(model: Document, loaded: Loaded) -> tuple[Campaign, Path, Place | None]:
    """The campaign for a document: its file, overlaid by what the document writes itself."""
    ref = model.campaign
    here = loaded.file.parent
    if ref is None:
        return Campaign(), here, None
    inline: dict[str, Any] = {}
    file_name = ref if isinstance(ref, str) else ref.file
    if isinstance(ref, Campaign):
        inline = ref.model_dump(exclude_unset=True, exclude={"file"})
    inline_logo = place_of(loaded, ("campaign", "logo"))
    if file_name is None:
        return Campaign.model_validate(inline), here, inline_logo
    where = place_of(loaded, ("campaign",) if isinstance(ref, str) else ("campaign", "file"))
    campaign_path = data_file(file_name, loaded.file, where, own_tree=False)
    # A campaign file may sit in a parent folder, shared by a campaign's documents, but not
    # in some other tree: a received folder cannot print the user's other files.
    if not is_inside(here, campaign_path.parent):
        raise where.problem(
            f"{file_name!r} is neither in this document's folder nor in a folder above it:"
            " copy the campaign file here"
        )
    if campaign_path.suffix.lower() not in YAML_SUFFIXES:
        raise where.problem(f"the campaign file must be a .yaml file, not {file_name!r}")
    if not campaign_path.is_file():
        raise where.problem(f"campaign file {file_name!r} not found next to this document")
    campaign_data = load_yaml(campaign_path)
    data = campaign_data.data if campaign_data.data is not None else {}
    if not isinstance(data, dict):
        raise InputError(
            "a campaign file is a group of `name: value` lines", file=campaign_path, line=1
        )
    if "file" in data:
        raise place_of(campaign_data, ("file",)).problem(
            "a campaign file cannot name another campaign file"
        )
    try:
        Campaign.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems=problems_from(exc, campaign_data, Campaign)) from None
    merged = Campaign.model_validate({**data, **inline})
    # A logo path is relative to the file that names it.
    if "logo" in inline:
        return merged, here, inline_logo
    return merged, campaign_path.parent, place_of(campaign_data, ("logo",))


def campaign_file(model: Document, folder: Path) -> Path | None:
    """The campaign file a document names, if any (for rebuilding when it changes)."""
    campaign = model.campaign
    name = campaign if isinstance(campaign, str) else getattr(campaign, "file", None)
    return folder / name if name else None
