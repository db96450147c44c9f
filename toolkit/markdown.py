"""Markdown in text fields: a small, safe subset (paragraphs, emphasis, links, lists)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from toolkit.cache import memo

# The marks an amended text carries around inserted and deleted words. They are rare
# punctuation (Unicode's "substitution markers"), so Markdown's emphasis rules treat them as
# punctuation, and renderers turn them into underlined and struck text (PDF) or tracked
# changes (DOCX) when the context says the text is marked.
INSERT_START, INSERT_END = "\u2e00", "\u2e01"
DELETE_START, DELETE_END = "\u2e02", "\u2e03"
CHANGE_MARKS = INSERT_START + INSERT_END + DELETE_START + DELETE_END
_SPACE = re.compile(r"(\s+)")


@memo(4)
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


def inserted(text: str) -> str:
    """`text` marked as inserted."""
    return f"{INSERT_START}{text}{INSERT_END}"


def plain_words(text: str) -> list[str]:
    """The words of Markdown `text` in reading order, as the line-numbering filters count
    them (a word is a run of characters between spaces)."""
    return to_plain(text).split()


def word_spans(
    words: Sequence[str], prefix: str, start: int, marks: Mapping[str, Sequence[float]]
) -> tuple[list[str], int]:
    """HTML for pieces of text: each word that starts (after a space) in a span with id
    `PREFIX-K`, K counting on from `start`, and a line number before those in `marks`."""
    html: list[str] = []
    count = start
    for piece in words:
        if not piece:
            continue
        if piece == " " or piece.isspace():
            html.append(str(escape(piece)))
            continue
        if piece.startswith("\0"):  # the rest of a word begun in an earlier piece
            html.append(str(escape(piece[1:])))
            continue
        name = f"{prefix}-{count}"
        count += 1
        number = ""
        if name in marks:
            # An empty, positioned inline at the start of the word holds the number: inside
            # the word it stays on the word's line, and being positioned it is drawn after
            # the text, so copying the text never picks it up inside a word.
            line, left = marks[name]
            style = f"left: {float(left):.2f}px"
            number = (
                f'<span class="line-anchor"><span class="line-number" style="{style}">'
                f"{int(line)}</span></span>"
            )
        html.append(f'<span class="w" id="{name}">{number}{escape(piece)}</span>')
    return html, count


def words_html(text: str, prefix: str, marks: Mapping[str, Sequence[float]]) -> Markup:
    """Markdown `text` as HTML with every word in a span whose id is `PREFIX-K` (K as in
    `plain_words`), so a layout can say where each word landed; the words in `marks`
    get their line number (`[number, left offset in px]`) before them."""
    tokens = block_tokens(text)
    count = 0
    for token in tokens:
        if token.type != "inline":
            continue
        in_word = False
        children: list[Token] = []
        for child in token.children or []:
            if child.type not in ("text", "code_inline"):
                if child.type in ("softbreak", "hardbreak"):
                    in_word = False
                children.append(child)
                continue
            pieces = []
            for piece in _SPACE.split(child.content):
                if not piece:
                    continue
                if piece.isspace():
                    in_word = False
                    pieces.append(piece)
                else:
                    pieces.append("\0" + piece if in_word else piece)
                    in_word = True
            html, count = word_spans(pieces, prefix, count, marks)
            content = "".join(html)
            if child.type == "code_inline":
                content = f"<code>{content}</code>"
            children.append(Token("html_inline", "", 0, content=content))
        token.children = children
    md = parser()
    return Markup(md.renderer.render(tokens, md.options, {}))


def heading_html(text: str, prefix: str, marks: Mapping[str, Sequence[float]]) -> Markup:
    """A plain-text heading with its words in spans, as `words_html` does for Markdown."""
    pieces = [piece for piece in _SPACE.split(text) if piece]
    return Markup("".join(word_spans(pieces, prefix, 0, marks)[0]))


_INSERTED = re.compile(f"{INSERT_START}.*?{INSERT_END}", re.DOTALL)
_DELETED = re.compile(f"{DELETE_START}.*?{DELETE_END}", re.DOTALL)


def accepted(text: str) -> str:
    """Marked text with its changes accepted: deleted words gone, inserted words kept."""
    return re.sub(f"[{CHANGE_MARKS}]", "", _DELETED.sub("", text))


def original(text: str) -> str:
    """Marked text with its changes rejected: the words as they were."""
    return re.sub(f"[{CHANGE_MARKS}]", "", _INSERTED.sub("", text))
