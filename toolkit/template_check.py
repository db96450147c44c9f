"""Check what a template uses against what its document kind provides."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import nodes

from toolkit.errors import Problem
from toolkit.sandbox import make_environment
from toolkit.templates import Template

FILTERS = frozenset(
    {"markdown", "numbered_list", "numbered_words", "fill_in", "image", "qr_code", "name_columns"}
)
# docxtpl's paragraph, row, cell and run tags are Jinja tags with a letter after the brace.
_DOCXTPL_TAGS = re.compile(r"(\{%|\{\{)(p|tr|tc|r) ")


def docx_source(path: Path) -> str:
    """The Jinja text of a docxtpl template, as docxtpl itself prepares it."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(path))
    template.render_init()
    xml = template.patch_xml(template.get_xml())
    for part in (*template.get_headers_footers(template.HEADER_URI),
                 *template.get_headers_footers(template.FOOTER_URI)):  # fmt: skip
        xml += template.patch_xml(template.get_part_xml(part[1]))
    return _DOCXTPL_TAGS.sub(r"\1 ", re.sub(r"<[^>]+>", "", xml))


def unknown_names(source: str, known: frozenset[str]) -> list[tuple[str, int]]:
    """Names the template reads that are neither document values nor its own variables."""
    env = make_environment()
    tree = env.parse(source)
    assigned = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    assigned |= {"loop", "range"}
    found = []
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name not in known | assigned:
            found.append((name.name, name.lineno))
    unknown_filters = [(f.name, f.lineno) for f in tree.find_all(nodes.Filter)]
    found += [(f"|{n}", line) for n, line in unknown_filters
              if n not in FILTERS and n not in env.filters]  # fmt: skip
    return sorted(set(found), key=lambda item: item[1])


def check_template(template: Template) -> list[Problem]:
    """Problems with a template: values its kind does not have, unknown filters, syntax."""
    from jinja2 import TemplateSyntaxError

    from toolkit import kinds

    kind = template.manifest.kind
    known = kinds.get(kind).template_values
    problems = []
    for file in (template.html_file, template.docx_file):
        try:
            source = (
                docx_source(file) if file.suffix == ".docx" else file.read_text(encoding="utf-8")
            )
            names = unknown_names(source, known)
        except TemplateSyntaxError as exc:
            problems.append(Problem(file, exc.lineno, "", f"template syntax error: {exc.message}"))
            continue
        for name, line in names:
            what = f"filter {name[1:]!r}" if name.startswith("|") else f"{name!r}"
            problems.append(
                Problem(
                    file,
                    line,
                    name.lstrip("|"),
                    f"the template uses {what}, which a {kind} does not have; it has"
                    f" {', '.join(sorted(known))}",
                )
            )
    return problems
