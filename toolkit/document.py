"""Read a document YAML into its validated model, template and merged campaign."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from toolkit.errors import InputError, Problem, UnionkitError
from toolkit.loader import Loaded, load_yaml
from toolkit.model import KINDS, Campaign, Document
from toolkit.templates import Template, find_template
from toolkit.validate import problems_from


@dataclass(frozen=True)
class LoadedDocument:
    """A document ready for the context builder: model, template, campaign and their places."""

    source: Loaded
    model: Document
    template: Template
    campaign: Campaign
    campaign_folder: Path


def is_document(path: Path) -> bool:
    """Whether a YAML file is a document (it names a `template:`), not a campaign or data file."""
    try:
        data = load_yaml(path).data
    except UnionkitError:
        return True  # broken files are documents too: their errors must be seen
    return isinstance(data, dict) and "template" in data


def load_document(path: Path) -> LoadedDocument:
    """Load, validate and resolve one document; raise `UnionkitError` with every problem."""
    loaded = load_yaml(path)
    data = loaded.data
    if not isinstance(data, dict):
        raise InputError(
            "a document must be a group of `name: value` lines (it starts with `template:`)",
            file=path,
            line=1,
        )
    template_name = data.get("template")
    if not isinstance(template_name, str) or not template_name.strip():
        raise InputError(
            "required: add `template: resolution` (or another template; see `unionkit templates`)",
            file=path,
            line=loaded.line_of(("template",)),
            field="template",
        )
    try:
        template = find_template(template_name.strip(), path)
    except UnionkitError as exc:
        raise InputError(
            problems=[
                Problem(path, loaded.line_of(("template",)), "template", p.message)
                if not p.file
                else p
                for p in exc.problems
            ]
        ) from None
    model_class = KINDS[template.manifest.kind]
    try:
        model = model_class.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems=problems_from(exc, loaded, model_class)) from None
    campaign, folder = _campaign_of(model, loaded)
    return LoadedDocument(loaded, model, template, campaign, folder)


def _campaign_of(model: Document, loaded: Loaded) -> tuple[Campaign, Path]:
    """The campaign for a document: its file, overlaid by what the document writes itself."""
    ref = model.campaign
    here = loaded.file.parent
    if ref is None:
        return Campaign(), here
    inline: dict[str, Any] = {}
    file_name = ref if isinstance(ref, str) else ref.file
    if isinstance(ref, Campaign):
        inline = ref.model_dump(exclude_unset=True, exclude={"file"})
    if file_name is None:
        return Campaign.model_validate(inline), here
    field = "campaign" if isinstance(ref, str) else "campaign.file"
    line = loaded.line_of(tuple(field.split(".")))
    campaign_path = here / file_name
    try:
        campaign_data = load_yaml(campaign_path)
    except InputError as exc:
        if not campaign_path.is_file():
            raise InputError(
                f"campaign file {file_name!r} not found next to this document",
                file=loaded.file,
                line=line,
                field=field,
            ) from None
        raise exc from None
    data = campaign_data.data if campaign_data.data is not None else {}
    if not isinstance(data, dict):
        raise InputError("a campaign file is a group of `name: value` lines", file=campaign_path)
    if "file" in data:
        raise InputError(
            "a campaign file cannot name another campaign file",
            file=campaign_path,
            line=campaign_data.line_of(("file",)),
            field="file",
        )
    try:
        Campaign.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems=problems_from(exc, campaign_data, Campaign)) from None
    merged = Campaign.model_validate({**data, **inline})
    # A logo path is relative to the file that names it.
    return merged, here if "logo" in inline else campaign_path.parent
