"""Strict YAML reading: every value stays the text the user wrote, with its line number."""

from __future__ import annotations

import codecs
import copy
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml
import yaml.reader
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    NodeEvent,
    ScalarEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from toolkit.errors import InputError, Problem

# Real documents are a few kilobytes; these bounds stop a hostile file long before memory does.
MAX_YAML_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 32
# A letter with 5,000 signatories written out in it runs to about 25,000 lines; a file with
# far more is refused before it is parsed, which would take seconds.
MAX_YAML_LINES = 60_000
# Values (scalars, lists, groups) in one file, counted as it is parsed.
MAX_NODES = 120_000

Path_ = tuple[str | int, ...]

_NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
# C0 controls except tab and newline, DEL, the C1 block and the noncharacters U+FFFE/U+FFFF
# break XML (DOCX) and PDF text; bidirectional overrides can make printed text lie.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Drop control characters and lone surrogates that no renderer can print."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL_CHARS.sub("", value)
    return _SURROGATES.sub("\ufffd", value)


@dataclass
class Loaded:
    """A parsed YAML file: plain data plus the line of every value in it."""

    file: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    has_lines: bool = True
    """False for a document given as a mapping (a form): its problems have no line."""

    def line_of(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        if not self.has_lines:
            return None
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


def _fastest_loader() -> type[yaml.SafeLoader]:
    """PyYAML's safe loader, with libyaml's parser under its composer where PyYAML was built
    with it: the same events, marks and errors, parsed about fifteen times faster."""
    if not getattr(yaml, "__with_libyaml__", False):
        return yaml.SafeLoader
    from yaml._yaml import CParser
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.resolver import Resolver

    class Loader(Composer, CParser, SafeConstructor, Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)

        def compose_scalar_node(self, anchor: Any) -> ScalarNode:
            node: ScalarNode = super().compose_scalar_node(anchor)
            node.style = node.style or None  # libyaml's plain style is "", PyYAML's None
            return node

    return cast("type[yaml.SafeLoader]", Loader)


if TYPE_CHECKING:
    _Loader = yaml.SafeLoader
else:
    _Loader = _fastest_loader()


class _StrictComposer(_Loader):
    """PyYAML's composer, refusing aliases, anchors, tags and deep nesting as it goes."""

    def __init__(self, stream: str, problems: list[Problem], file: Path) -> None:
        super().__init__(stream)
        self._problems = problems
        self._file = file
        self._depth = 0
        self._nodes = 0

    def _problem(self, event: Any, message: str) -> None:
        self._problems.append(Problem(self._file, event.start_mark.line + 1, "", message))

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.get_event()  # type: ignore[no-untyped-call]
            self._problem(
                event,
                f"YAML aliases (*{event.anchor}) are not allowed: write the value out in full",
            )
            return ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, NodeEvent) and event.anchor is not None:
            self._problem(
                event,
                f"YAML anchors (&{event.anchor}) are not allowed: write each value out in full",
            )
            event.anchor = None
        if _has_explicit_tag(event):
            self._problem(
                event,
                f"YAML tags ({event.tag.replace('tag:yaml.org,2002:', '!!')}) are not allowed:"
                " remove the tag and write plain text",
            )
        self._depth += 1
        self._nodes += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooDeep(event.start_mark.line + 1)
            if self._nodes > MAX_NODES:
                raise _TooMany(event.start_mark.line + 1)
            node: Node | None = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        return node


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _TooMany(_TooDeep):
    pass


def _has_explicit_tag(event: Any) -> bool:
    if isinstance(event, ScalarEvent):
        return event.tag not in (None, "!", "tag:yaml.org,2002:str") and not any(event.implicit)
    if isinstance(event, CollectionStartEvent):
        return event.tag is not None and not event.implicit
    return False


def read_bounded(path: Path, limit: int = MAX_YAML_BYTES) -> bytes:
    """A regular file's bytes, at most `limit` of them; any failure is an `InputError`."""
    try:
        if not path.exists():
            raise FileNotFoundError(path)
        if path.is_dir():
            raise InputError("is a folder, not a file", file=path)
        if not path.is_file():
            raise InputError("is not a regular file (a device or pipe?)", file=path)
        # Read one byte past the limit rather than trust the size the file system reports.
        with path.open("rb") as stream:
            raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise InputError(
                f"file is more than the {limit // 1024} KiB allowed; is this the right file?",
                file=path,
                line=1,
            )
    except FileNotFoundError:
        raise InputError("file not found: check the name and the folder", file=path) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=path) from None
    return raw


def read_text(path: Path, *, limit: int = MAX_YAML_BYTES) -> str:
    """Read a UTF-8 text file (BOM allowed; UTF-16 with its BOM too, as Windows Notepad saves
    "Unicode") with a size bound, as an `InputError` on failure."""
    raw = read_bounded(path, limit)
    encoding = "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1 if encoding != "utf-16" else 1
        raise InputError(
            "the file is not UTF-8 text: save it as UTF-8 in your editor", file=path, line=line
        ) from None


def load_yaml(path: Path, *, collect: list[Problem] | None = None) -> Loaded:
    """Parse one YAML document strictly; raise `InputError` listing every problem found.

    With `collect`, problems that still leave usable data (duplicate keys, anchors, tags) are
    appended to it instead, so the caller can report them with its own. A file parsed before
    and unchanged since is not parsed again (a batch reads its document and campaign once).
    """
    from toolkit.cache import PARSED_YAML

    parsed = PARSED_YAML.for_file(path, lambda: _parse(path))
    assert isinstance(parsed, tuple)
    loaded, problems = parsed
    # Each caller gets its own copy: a `--data` row changes the data it is given.
    fresh = Loaded(path, copy.deepcopy(loaded.data), dict(loaded.lines))
    return _finish(fresh, list(problems), collect)


def _finish(loaded: Loaded, problems: list[Problem], collect: list[Problem] | None) -> Loaded:
    # The same file may be named by two paths (`motion.yaml`, `./motion.yaml`): report each
    # problem under the name this caller used.
    problems = [replace(p, file=loaded.file) for p in problems]
    if problems and collect is None:
        raise InputError(problems=sorted(problems, key=lambda p: p.line or 0))
    if collect is not None:
        collect.extend(problems)
    return loaded


def _parse(path: Path) -> tuple[Loaded, list[Problem]]:
    text = read_text(path)
    lines = text.count("\n")
    if lines > MAX_YAML_LINES:
        raise InputError(
            f"the file has {lines:,} lines, more than the {MAX_YAML_LINES:,} a document or a"
            " list needs: is this the right file?",
            file=path,
            line=1,
        )
    problems: list[Problem] = []
    # Checked here, as PyYAML's own reader does, since libyaml's says less and counts bytes.
    control = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if control is not None:
        raise InputError(
            f"the file contains a control character (#x{ord(control.group()):04x}) that YAML"
            " does not allow: delete it",
            file=path,
            line=text[: control.start()].count("\n") + 1,
        )
    loader = _StrictComposer(text, problems, path)
    try:
        node = loader.get_single_node()
    except _TooMany as exc:
        raise InputError(
            f"more than {MAX_NODES:,} values in one file: is this the right file?",
            file=path,
            line=exc.line,
        ) from None
    except _TooDeep as exc:
        raise InputError(
            f"nested more than {MAX_DEPTH} levels deep: flatten the structure",
            file=path,
            line=exc.line,
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or exc.context or "not valid YAML"
        advice = "check indentation, colons and quotes"
        if mark is not None and "\t" in _indent(text, mark.line):
            advice = "this line is indented with a tab: YAML indents with spaces only"
        raise InputError(f"not valid YAML: {what} ({advice})", file=path, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=path) from None
    finally:
        loader.dispose()
    loaded = Loaded(path, None)
    if node is not None:
        loaded.data = _to_python(node, (), loaded, problems)
    return loaded, problems


def _indent(text: str, line: int) -> str:
    """The whitespace that starts line `line` (from 0) of `text`."""
    lines = text.split("\n", line + 1)
    row = lines[line] if line < len(lines) else ""
    return row[: len(row) - len(row.lstrip(" \t"))]


def _to_python(node: Node, path: Path_, loaded: Loaded, problems: list[Problem]) -> Any:
    loaded.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, ScalarNode):
        if node.style is None and node.value in _NULL_WORDS:
            return None
        return clean_text(node.value)
    if isinstance(node, SequenceNode):
        return [
            _to_python(item, (*path, index), loaded, problems)
            for index, item in enumerate(node.value)
        ]
    assert isinstance(node, MappingNode)
    result: dict[str, Any] = {}
    first_line: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        dotted = ".".join(str(p) for p in path)
        if not isinstance(key_node, ScalarNode):
            problems.append(Problem(loaded.file, line, dotted, "a key must be plain text"))
            continue
        key = clean_text(key_node.value)
        if key in first_line:
            problems.append(
                Problem(
                    loaded.file,
                    line,
                    ".".join(str(p) for p in (*path, key)),
                    f"duplicate key: first given on line {first_line[key]}, again on line {line};"
                    " keep one of them",
                )
            )
            continue
        first_line[key] = line
        loaded.lines[(*path, key)] = line
        result[key] = _to_python(value_node, (*path, key), loaded, problems)
    return result
