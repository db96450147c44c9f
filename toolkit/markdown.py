"""Markdown in text fields: a small, safe subset (paragraphs, emphasis, links, lists)."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup


@cache
def parser() -> MarkdownIt:
    """The one Markdown parser: raw HTML and images are off, so text stays text."""
    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    md.enable(["emphasis", "link", "autolink", "list", "escape", "newline", "backticks"])
    md.validateLink = _safe_link  # type: ignore[method-assign]
    return md


def _safe_link(url: str) -> bool:
    # Only links a reader can follow from a printed page: web pages and one email address
    # (anything else prints as the text it is).
    from toolkit.safety import safe_link

    return safe_link(url) is None


def mail_links(text: str) -> list[str]:
    """The `mailto:` targets of the links written in `text`, as written."""
    found = []
    for token in MarkdownIt("zero").enable(["link", "autolink"]).parse(text):
        for child in token.children or []:
            href = str(child.attrGet("href") or "") if child.type == "link_open" else ""
            if href.strip().lower().startswith("mailto:"):
                found.append(href)
    return found


def block_tokens(text: str) -> list[Token]:
    """The block-level token stream of `text`."""
    return parser().parse(text)


def to_html(text: str) -> Markup:
    """Render `text` as HTML; anything that looks like HTML is escaped."""
    return Markup(parser().render(text))


def list_depth(text: str) -> int:
    """How deeply lists are nested in `text` (0: no list). The parser stops nesting at about
    nine levels and drops what lies deeper, so a limit below that catches every such case."""
    depth = deepest = 0
    for token in block_tokens(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            deepest = max(deepest, depth)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
    return deepest


def first_paragraph(text: str) -> str:
    """The Markdown source of the first paragraph of `text`."""
    for token in block_tokens(text):
        if token.type == "inline":
            return token.content
    return text


def to_plain(text: str) -> str:
    """The words of `text` without Markdown markup, for counting."""
    words: list[str] = []
    for token in block_tokens(text):
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
        if token.type == "paragraph_close":
            words.append(" ")
    return "".join(words)
