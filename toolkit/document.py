"""Read a document YAML into its validated model, template and merged campaign."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from toolkit.data import DataRow, apply_row
from toolkit.errors import InputError, Problem, UnionkitError
from toolkit.loader import Loaded, Path_, load_yaml, read_text
from toolkit.model import KINDS, Campaign, Document, Letter, SignOnSheet
from toolkit.signatories import MergeReport, Signatory, merge_duplicates, read_signatories, tidy
from toolkit.templates import Template, find_template
from toolkit.validate import problems_from

_TEMPLATE_KEY = re.compile(r"^template\s*:", re.MULTILINE)
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Place:
    """Where a value was written: file, line and field path, for reporting problems with it."""

    file: Path
    line: int
    field: str

    def problem(self, message: str) -> InputError:
        return InputError(message, file=self.file, line=self.line, field=self.field)


@dataclass(frozen=True)
class LoadedDocument:
    """A document ready for the context builder: model, template, campaign and their places."""

    source: Loaded
    model: Document
    template: Template
    campaign: Campaign
    campaign_folder: Path
    logo_place: Place | None = None
    signatories: MergeReport | None = None
    """A letter's signatories, read and merged (with warnings for skipped rows)."""
    letter: Letter | None = None
    """A sign-on sheet's letter."""


def is_document(path: Path) -> bool:
    """Whether a YAML file is a document (it has a top-level `template:` line)."""
    try:
        return bool(_TEMPLATE_KEY.search(read_text(path)))
    except UnionkitError:
        return False


def template_kind(path: Path) -> str:
    """The kind of document a YAML file is, from its template (for checking `--data` columns)."""
    return _template_of(load_yaml(path)).manifest.kind


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


def load_document(
    path: Path, overrides: dict[str, str] | None = None, row: DataRow | None = None
) -> LoadedDocument:
    """Load, validate and resolve one document; raise `InputError` with every problem found.

    `overrides` are command-line values (e.g. `per_sheet`) for the document kinds that have
    that field; `row` is a `--data` row whose values replace the document's at their field
    paths. Both are checked like values written in the file, and a problem with a row's value
    is reported at the row's line in its table.
    """
    problems: list[Problem] = []
    loaded = load_yaml(path, collect=problems)
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
    model_class = KINDS[template.manifest.kind]
    for key, value in (overrides or {}).items():
        if key in model_class.model_fields:
            data[key] = value
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
    signatories: MergeReport | None = None
    letter: Letter | None = None
    try:
        campaign, folder, logo_place = _campaign_of(model, loaded)
    except UnionkitError as exc:
        problems.extend(exc.problems)
    try:
        if isinstance(model, Letter):
            people, warnings = _signatories_of(model, loaded)
            signatories = merge_duplicates(people)
            signatories.warnings[:0] = warnings
            if people and not signatories.kept:
                raise _place(loaded, ("signatories",)).problem(
                    "no signatory has a name: check that the file has a Name column"
                )
        if isinstance(model, SignOnSheet):
            letter = _letter_of(model, loaded)
    except UnionkitError as exc:
        problems.extend(exc.problems)
    if problems:
        raise fail()
    return LoadedDocument(
        loaded, model, template, campaign, folder, logo_place, signatories, letter
    )


SIGNATORY_SUFFIXES = (".csv", ".tsv", ".txt", ".yaml", ".yml")


def _signatories_of(model: Letter, loaded: Loaded) -> tuple[list[Signatory], list[Problem]]:
    """The letter's signatories as written (its own list, or every row of its file), with
    warnings about rows read."""
    if isinstance(model.signatories, list):
        return [
            tidy(
                Signatory(
                    name=entry.name,
                    role=entry.role or "",
                    organisation=entry.organisation or "",
                    group=entry.group or "",
                    email=entry.email or "",
                    file=loaded.file,
                    line=loaded.line_of(("signatories", index)),
                )
            )
            for index, entry in enumerate(model.signatories)
        ], []
    where = _place(loaded, ("signatories",))
    path = _data_file(model.signatories, loaded.file, where, own_tree=True)
    if path.suffix.lower() not in SIGNATORY_SUFFIXES:
        raise where.problem(
            f"{model.signatories!r} should be a .csv, .tsv, .txt or .yaml file of signatories"
        )
    if not path.is_file():
        raise where.problem(f"signatories file {model.signatories!r} not found next to this file")
    return read_signatories(path)


def _letter_of(model: SignOnSheet, loaded: Loaded) -> Letter:
    """The open letter a sign-on sheet collects signatures for."""
    where = _place(loaded, ("letter",))
    path = _data_file(model.letter, loaded.file, where, own_tree=True)
    if path.suffix.lower() not in YAML_SUFFIXES or not path.is_file():
        raise where.problem(f"letter {model.letter!r} not found: give the letter's .yaml file")
    letter_data = load_yaml(path)
    if not isinstance(letter_data.data, dict):
        raise where.problem(f"{model.letter!r} is not a letter document")
    try:
        return Letter.model_validate(letter_data.data)
    except ValidationError as exc:
        raise InputError(problems=problems_from(exc, letter_data, Letter)) from None


def _data_file(written: str, document: Path, where: Place, *, own_tree: bool) -> Path:
    """The file a document names, refused if it resolves (through symlinks) outside the
    folder it is written in, or, with `own_tree`, outside the document's own folder tree —
    so a downloaded document cannot pull the user's other files into a PDF."""
    path = Path(os.path.normpath(document.parent / written))
    resolved = path.resolve()
    if not resolved.is_relative_to(path.parent.resolve()):
        raise where.problem(f"{written!r} is a link to a file elsewhere: copy the file here")
    if own_tree and not resolved.is_relative_to(document.parent.resolve()):
        raise where.problem(
            f"{written!r} lies outside this document's folder: copy it next to the document"
        )
    return path


def _place(loaded: Loaded, path: Path_) -> Place:
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
    inline_logo = _place(loaded, ("campaign", "logo"))
    if file_name is None:
        return Campaign.model_validate(inline), here, inline_logo
    where = _place(loaded, ("campaign",) if isinstance(ref, str) else ("campaign", "file"))
    # A campaign file may sit in a parent folder, shared by a campaign's documents.
    campaign_path = _data_file(file_name, loaded.file, where, own_tree=False)
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
        raise _place(campaign_data, ("file",)).problem(
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
    return merged, campaign_path.parent, _place(campaign_data, ("logo",))
