"""The site template: a template folder whose manifest names the campaign site's pages, its
stylesheet, script and words, read and checked like a document template's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from pydantic import ValidationError

from toolkit.errors import TemplateError
from toolkit.loader import load_yaml
from toolkit.model import LANGUAGES, Line, Strict
from toolkit.paths import is_inside
from toolkit.templates import MANIFEST, available_templates, builtin_folder

BUILTIN = "site"
Words = dict[str, str | dict[str, str]]


class SitePages(Strict):
    """The files of a site template, inside its folder."""

    index: Line = "index.html.j2"
    """The page of every document, one per language."""
    form: Line = "form.html.j2"
    """The "Make it yours" form (`unionkit serve`)."""
    error: Line = "error.html.j2"
    """The page shown for a page not found, a refused request or a failure."""
    stylesheet: Line = "site.css"
    """The stylesheet every page links to."""
    script: Line = "form.js"
    """The form's live preview (the form works without it)."""
    sign: Line = "sign.html.j2"
    """The sign-on page of an open letter that collects signatures (`unionkit serve`)."""
    organise: Line = "organise.html.j2"
    """The organisers' pages: login, moderation, find by email, the audit."""
    words: Line = "words"
    """A folder of `en.yaml`, `ru.yaml`, ...: every word the pages print."""


class SiteManifest(Strict):
    """What a site template folder declares in `manifest.yaml`."""

    name: Line
    """The template's name, as listed by `unionkit templates`."""
    description: Line
    """One line saying what the template makes."""
    site: SitePages
    """The pages (where a document template has `kind:`)."""


@dataclass(frozen=True)
class SiteTemplate:
    """A site template folder, its manifest and its words in every language."""

    folder: Path
    manifest: SiteManifest
    words: dict[str, Words]

    def file(self, name: str) -> Path:
        return self.folder / name


def read_site_template(folder: Path) -> SiteTemplate:
    """Read and check a site template folder (once per process while its manifest is
    unchanged): every file it names inside it, words for every language with the English
    keys."""
    from toolkit.cache import TEMPLATES

    template = TEMPLATES.for_file(folder / MANIFEST, lambda: _read(folder), "site")
    assert isinstance(template, SiteTemplate)
    return template


def _read(folder: Path) -> SiteTemplate:
    manifest_file = folder / MANIFEST
    if not manifest_file.is_file():
        raise TemplateError(f"not a template folder: it has no {MANIFEST}", file=folder)
    loaded = load_yaml(manifest_file)
    try:
        manifest = SiteManifest.model_validate(loaded.data)
    except ValidationError as exc:
        from toolkit.validate import problems_from

        raise TemplateError(problems=problems_from(exc, loaded, SiteManifest)) from None
    pages = manifest.site
    for key in ("index", "form", "error", "stylesheet", "script", "words", "sign", "organise"):
        name = getattr(pages, key)
        target = folder / name
        line = loaded.line_of(("site", key))
        # Templates copied before signatures were collected have no such pages: only a
        # campaign that collects needs them (`unionkit serve` says so then).
        optional = key in ("sign", "organise") and key not in manifest.site.model_fields_set
        if optional and not target.exists():
            continue
        if not is_inside(target, folder):
            raise TemplateError(
                f"{name} lies outside the template folder",
                file=manifest_file,
                line=line,
                field=f"site.{key}",
            )
        present = target.is_dir() if key == "words" else target.is_file()
        if not present:
            raise TemplateError(
                f"{name} is missing from the template folder",
                file=manifest_file,
                line=line,
                field=f"site.{key}",
            )
    words = {language: _words(folder / pages.words, language) for language in LANGUAGES}
    english = set(words["en"])
    for language, entries in words.items():
        if set(entries) != english:
            missing = sorted(english - set(entries))
            extra = sorted(set(entries) - english)
            raise TemplateError(
                f"out of step with en.yaml: missing {missing}, unknown {extra}",
                file=folder / pages.words / f"{language}.yaml",
            )
    return SiteTemplate(folder, manifest, words)


def _words(folder: Path, language: str) -> Words:
    file = folder / f"{language}.yaml"
    if not is_inside(file, folder) or not file.is_file():
        raise TemplateError(f"the site's words in {language} are missing", file=file)
    data = load_yaml(file).data
    if not isinstance(data, dict):
        raise TemplateError("a words file is a group of `key: words` lines", file=file, line=1)
    return {
        str(key): {str(k): str(v) for k, v in value.items()}
        if isinstance(value, dict)
        else str(value)
        for key, value in data.items()
    }


def find_site_template(name: str | None, campaign_folder: Path) -> SiteTemplate:
    """The site template a campaign names (a folder beside its campaign file, or an
    installed template's name), else the built-in one."""
    if name is None:
        return read_site_template(builtin_folder() / BUILTIN)
    if "/" in name or "\\" in name or name.startswith("."):
        folder = campaign_folder / name
        if not is_inside(folder, campaign_folder):
            raise TemplateError(
                f"site template {name!r} lies outside the campaign's folder: copy it there",
                field="site.template",
            )
        if not (folder / MANIFEST).is_file():
            raise TemplateError(
                f"site template folder {name!r} not found beside the campaign file (it needs a"
                f" {MANIFEST}); make one with `unionkit templates copy site {name}`",
                field="site.template",
            )
        return read_site_template(folder)
    for entry in available_templates():
        if entry.name == name:
            return read_site_template(entry.folder)
    raise TemplateError(f"unknown site template {name!r}", field="site.template")


def environment(template: SiteTemplate, filters: dict[str, Callable[..., Any]]) -> Any:
    """The sandboxed Jinja environment for a site template's pages (kept while the template's
    manifest is unchanged; each caller's filters overlay it)."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from toolkit.cache import ENVIRONMENTS
    from toolkit.sandbox import make_environment, with_filters

    base = ENVIRONMENTS.for_file(
        template.folder / MANIFEST, lambda: make_environment(template.folder), "site"
    )
    return with_filters(cast(ImmutableSandboxedEnvironment, base), filters)
