"""Amendments to a motion: its changes in the standard wording ("Line 14: delete 'all' and
insert 'every'"), checked against the motion, and the motion as amended with them marked."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Discriminator, Field, Tag

from toolkit.context import (
    DocumentContext,
    Revision,
    common_context,
    count_words,
    format_date,
    label_overrides,
)
from toolkit.document import YAML_SUFFIXES, LoadedDocument, data_file, place_of
from toolkit.errors import InputError, Problem
from toolkit.kinds.base import Kind, Section, Variant
from toolkit.kinds.resolution import (
    SECTION_KEYS,
    Headings,
    MotionPart,
    Resolution,
    motion_context,
    motion_parts,
    number_lines,
)
from toolkit.loader import Loaded
from toolkit.markdown import DELETE_END, DELETE_START, accepted, inserted, original, to_plain
from toolkit.messages import catalogue
from toolkit.model import Document, IsoDate, Line, Markdown, Strict

_LINES = re.compile(r"\s*(\d+)\s*(?:[-–—]|to)?\s*(\d+)?\s*")
# A quoted phrase is found whatever quotes and runs of spaces it was typed with.
_QUOTES = str.maketrans({"‘": "'", "’": "'", "ʼ": "'", "“": '"', "”": '"', "„": '"', "«": '"',
                         "»": '"'})  # fmt: skip
# New text after a phrase takes a space before it, unless it starts with punctuation.
_CLOSING = tuple(",.;:!?)]»’”")
# Long deleted passages are quoted by their first and last words.
QUOTED_WORDS = 12


def _line_range(value: Any) -> Any:
    text = str(value)
    match = _LINES.fullmatch(text)
    if not match:
        raise ValueError("write the lines as FIRST-LAST, e.g. 14-16 (or one line: 14)")
    first, last = int(match[1]), int(match[2] or match[1])
    if not 1 <= first <= last:
        raise ValueError(f"{text!r}: the first line must be 1 or more and not after the last")
    return f"{first}-{last}"


Points = Annotated[list[Markdown], Field(min_length=1, max_length=50)]


class AddTo(Strict):
    """New points at the end of a section (a new section, if the motion has none of that
    kind)."""

    add_to: Line
    """The section: its key (`resolves`, `calls_on`, ...) or its heading as printed."""
    points: Points
    """The new points, one Markdown item each."""


class InsertAfter(Strict):
    """Words inserted after a phrase of the motion."""

    insert_after: Line
    """The phrase, exactly as the motion prints it (it must occur once)."""
    text: Line
    """The words to insert."""


class Delete(Strict):
    """A phrase of the motion deleted."""

    delete: Line
    """The phrase, exactly as the motion prints it (it must occur once)."""


class Replace(Strict):
    """A phrase of the motion replaced."""

    replace: Line
    """The phrase, exactly as the motion prints it (it must occur once)."""
    with_: Line = Field(alias="with")
    """The words that replace it."""


class DeleteLines(Strict):
    """Whole lines of the motion deleted, by the numbers its PDF prints."""

    delete_lines: Annotated[str, BeforeValidator(_line_range)]
    """The lines, e.g. 14-16 (or one line: 14)."""


class InsertAtLine(Strict):
    """Words inserted at the beginning of a line of the motion."""

    insert_at_line: Annotated[int, Field(ge=1)]
    """The line, by the number the motion's PDF prints."""
    text: Line
    """The words to insert."""


OPERATIONS: dict[str, type[Strict]] = {
    "add_to": AddTo,
    "insert_after": InsertAfter,
    "delete": Delete,
    "replace": Replace,
    "delete_lines": DeleteLines,
    "insert_at_line": InsertAtLine,
}


def _one_operation(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    found = [key for key in OPERATIONS if key in value]
    if len(found) != 1:
        what = " and ".join(found) if found else "none of them"
        raise ValueError(
            f"each change is one of {', '.join(OPERATIONS)} ({what} given): write one change"
            " per item"
        )
    return value


def _operation(value: Any) -> str:
    if isinstance(value, dict):
        return next((key for key in OPERATIONS if key in value), "add_to")
    return "add_to"


Change = Annotated[
    Annotated[AddTo, Tag("add_to")]
    | Annotated[InsertAfter, Tag("insert_after")]
    | Annotated[Delete, Tag("delete")]
    | Annotated[Replace, Tag("replace")]
    | Annotated[DeleteLines, Tag("delete_lines")]
    | Annotated[InsertAtLine, Tag("insert_at_line")],
    Discriminator(_operation),
    BeforeValidator(_one_operation),
]


def _yaml_name(value: str) -> str:
    if Path(value).suffix.lower() not in YAML_SUFFIXES:
        raise ValueError("give the motion's .yaml file, e.g. motion.yaml")
    return value


class Amendment(Document):
    """An amendment to a motion, moved by a branch: its changes in the standard wording;
    `build --amended` also writes the motion as amended, its changes marked."""

    amends: Annotated[Line, AfterValidator(_yaml_name)]
    """The motion's YAML file (relative to this file, in its folder or below)."""
    reference: Line | None = None
    """The amendment's number on the agenda, e.g. "Amendment 14.1"."""
    moved_by: Line
    """Who moves it, e.g. "Offshore Energy Branch": the author of the tracked changes."""
    seconded_by: Line | None = None
    """Who seconds it."""
    date: IsoDate | None = None
    """The amendment's date, as YYYY-MM-DD; the tracked changes carry it (default: the day
    it is built)."""
    changes: Annotated[list[Change], Field(min_length=1, max_length=50)]
    """What it changes, each one of: `{add_to: SECTION, points: [...]}`,
    `{insert_after: "phrase", text: "..."}`, `{delete: "phrase"}`,
    `{replace: "phrase", with: "..."}`, `{delete_lines: "14-16"}`,
    `{insert_at_line: 14, text: "..."}`. Phrases are quoted as the motion prints them and
    must occur once; lines are the numbers its PDF prints."""


# -- reading the motion ------------------------------------------------------------------------
def read_motion(model: Document, loaded: Loaded) -> LoadedDocument:
    """The motion an amendment amends, read and checked like any document."""
    from toolkit.build import load

    assert isinstance(model, Amendment)
    where = place_of(loaded, ("amends",))
    path = data_file(model.amends, loaded.file, where, own_tree=True)
    if not path.is_file():
        raise where.problem(f"motion {model.amends!r} not found next to this amendment")
    motion = load(path)
    if not isinstance(motion.model, Resolution):
        raise where.problem(
            f"{model.amends!r} is not a motion (it is a {motion.kind.name} document): name the"
            " motion's .yaml file"
        )
    return motion


def motion_file(model: Document, folder: Path) -> list[Path]:
    """The motion and the files it names (its campaign file): the amendment is made from
    them."""
    from toolkit.build import named_files

    assert isinstance(model, Amendment)
    motion = folder / model.amends
    return [motion, *sorted(named_files(motion))]


# -- the motion's text ------------------------------------------------------------------------
@dataclass
class Point:
    """One point of the motion: its Markdown, its printed text, and the changes on it."""

    part: int
    index: int
    source: str
    plain: str
    starts: list[int]
    edits: list[tuple[int, int, str, int]]
    """(plain start, plain end, inserted text, change number): a deletion when start < end,
    an insertion (of the text) at start otherwise."""

    def word_id(self, offset: int) -> str:
        """The id the layout gives the word at `offset` (as `word_ids` counts them)."""
        word = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        return f"s{self.part + 1}-p{self.index}-{word}"


def _normal(text: str) -> tuple[str, list[int]]:
    """`text` with runs of spaces made one and quotes made plain, and where each of its
    characters came from."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text.translate(_QUOTES)):
        if char.isspace():
            if out and out[-1] == " ":
                continue
            char = " "
        out.append(char)
        where.append(index)
    return "".join(out), where


class Motion:
    """A motion's points and lines, as the amendment's changes find them."""

    def __init__(self, parts: list[MotionPart], context: DocumentContext) -> None:
        self.parts = parts
        self.sections = context.values["sections"]
        numbering = context.values.get("line_numbers") or {}
        self.lines: dict[str, int] = numbering.get("words", {})
        self.line_count = int(numbering.get("count", 0))
        self.points: list[Point] = []
        for part_index, part in enumerate(parts):
            for index, source in enumerate(part.points):
                plain = to_plain(source)
                starts = [m.start() for m in re.finditer(r"\S+", plain)]
                self.points.append(Point(part_index, index, source, plain, starts, []))

    def find(self, phrase: str) -> list[tuple[Point, int, int]]:
        """Every place `phrase` occurs in the points, as (point, plain start, plain end)."""
        wanted, _ = _normal(phrase.strip())
        found = []
        for point in self.points:
            text, where = _normal(point.plain)
            at = text.find(wanted)
            while at >= 0 and wanted:
                end = where[at + len(wanted) - 1] + 1
                found.append((point, where[at], end))
                at = text.find(wanted, at + 1)
        return found

    def line_of(self, point: Point, offset: int) -> int | None:
        return self.lines.get(point.word_id(offset))

    def words_on(self, first: int, last: int) -> list[tuple[str, int]]:
        """The words (ids) on lines `first` to `last`, with their lines, in order."""
        return [(word, line) for word, line in self.lines.items() if first <= line <= last]

    def point_of(self, word: str) -> tuple[Point, int] | None:
        """The point a word id belongs to and the word's plain offset (None: a heading)."""
        match = re.fullmatch(r"s(\d+)-p(\d+)-(\d+)", word)
        if match is None:
            return None
        part, index, number = (int(group) for group in match.groups())
        point = next(p for p in self.points if p.part == part - 1 and p.index == index)
        return point, point.starts[number]

    def last_line(self, part: int) -> int | None:
        """The last line of section `part`."""
        ids = [w for w in self.lines if w.startswith(f"s{part + 1}-")]
        return max((self.lines[w] for w in ids), default=None)


# -- the changes --------------------------------------------------------------------------------
class Wording:
    """The standard wording of changes, in the amendment's language."""

    def __init__(self, language: str) -> None:
        entry = catalogue(language)["amendment_wording"]
        assert isinstance(entry, dict)
        self.forms = entry

    def quote(self, text: str) -> str:
        return self.forms["quote"].format(text=" ".join(to_plain(text).split()))

    def located(
        self, change: str, lines: tuple[int | None, int | None], section: str, point: int
    ) -> str:
        first, last = lines
        if first is None or last is None:
            quoted = self.quote(section)
            return self.forms["point"].format(section=quoted, point=point, change=change)
        if first == last:
            return self.forms["line"].format(line=first, change=change)
        return self.forms["lines"].format(first=first, last=last, change=change)


def _quoted_passage(words: list[str]) -> str:
    if len(words) <= QUOTED_WORDS:
        return " ".join(words)
    return " ".join(words[:5]) + " … " + " ".join(words[-5:])


@dataclass
class Changes:
    """What an amendment does to a motion: each change's wording, and the points it marks."""

    motion: Motion
    wording: Wording
    headings: list[str]
    printed: list[dict[str, Any]]
    added: dict[int, list[str]]
    new_parts: list[MotionPart]

    def place(self, index: int) -> tuple[str | int, ...]:
        return ("changes", index)


def _find_once(
    motion: Motion, phrase: str, where: tuple[str | int, ...], loaded: Loaded
) -> tuple[Point, int, int]:
    found = motion.find(phrase)
    place = place_of(loaded, where)
    if not found:
        raise place.problem(
            f"{phrase!r} is not in the motion: quote the words exactly as the motion prints"
            " them (Markdown's ** and links left out)"
        )
    if len(found) > 1:
        lines = sorted({motion.line_of(p, start) or 0 for p, start, _ in found} - {0})
        at = f" (lines {', '.join(map(str, lines))})" if lines else ""
        raise place.problem(
            f"{phrase!r} occurs {len(found)} times in the motion{at}: quote more words, so that"
            " it occurs once"
        )
    return found[0]


def _spaced_deletion(point: Point, start: int, end: int) -> tuple[int, int]:
    """Widen a deletion by one neighbouring space, so that no double space is left."""
    text = point.plain
    if end < len(text) and text[end] == " " and (start == 0 or text[start - 1] == " "):
        return start, end + 1
    if start > 0 and text[start - 1] == " ":
        return start - 1, end
    return start, end


def _add(point: Point, edit: tuple[int, int, str, int], place: Any) -> None:
    start, end = edit[0], edit[1]
    for other in point.edits:
        if (start < other[1] and other[0] < end) or (start == end and other[0] < start < other[1]):
            raise place.problem(f"this change overlaps change {other[3] + 1}: make them one change")
    point.edits.append(edit)


def read_changes(model: Amendment, motion: Motion, wording: Wording, loaded: Loaded) -> Changes:
    """Find every change in the motion, check it, and word it; raises `InputError` with
    every change that cannot be made."""
    changes = Changes(motion, wording, [s["heading"] for s in motion.sections], [], {}, [])
    problems: list[Problem] = []
    for index, change in enumerate(model.changes):
        try:
            changes.printed.append(_one_change(changes, index, change, loaded))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems=problems)
    return changes


def _one_change(changes: Changes, index: int, change: Any, loaded: Loaded) -> dict[str, Any]:
    motion, wording = changes.motion, changes.wording
    path = changes.place(index)
    place = place_of(loaded, path)
    forms = wording.forms
    printed: dict[str, Any] = {"text": "", "heading": None, "points": [], "start": 1}

    def located(point: Point, start: int, end: int, text: str) -> str:
        first = motion.line_of(point, start)
        last = motion.line_of(point, max(start, end - 1))
        heading = changes.headings[point.part]
        return wording.located(text, (first, last), heading, point.index + 1)

    if isinstance(change, Delete | Replace | InsertAfter):
        phrase = (
            change.delete
            if isinstance(change, Delete)
            else change.replace
            if isinstance(change, Replace)
            else change.insert_after
        )
        key = {Delete: "delete", Replace: "replace", InsertAfter: "insert_after"}[type(change)]
        point, start, end = _find_once(motion, phrase, (*path, key), loaded)
        old = wording.quote(point.plain[start:end])
        if isinstance(change, Delete):
            _add(point, (*_spaced_deletion(point, start, end), "", index), place)
            text = forms["delete"].format(old=old)
        elif isinstance(change, Replace):
            _add(point, (start, end, "", index), place)
            _add(point, (end, end, change.with_, index), place)
            text = forms["replace"].format(old=old, new=wording.quote(change.with_))
        else:
            new = change.text if change.text.startswith(_CLOSING) else " " + change.text
            _add(point, (end, end, new, index), place)
            text = forms["insert_after"].format(old=old, new=wording.quote(change.text))
        printed["text"] = located(point, start, end, text)
        return printed
    if isinstance(change, DeleteLines | InsertAtLine):
        return _line_change(changes, index, change, loaded, printed)
    assert isinstance(change, AddTo)
    return _add_points(changes, index, change, loaded, printed)


def _line_change(
    changes: Changes,
    index: int,
    change: DeleteLines | InsertAtLine,
    loaded: Loaded,
    printed: dict[str, Any],
) -> dict[str, Any]:
    motion, forms = changes.motion, changes.wording.forms
    key = "delete_lines" if isinstance(change, DeleteLines) else "insert_at_line"
    place = place_of(loaded, (*changes.place(index), key))
    if not motion.line_count:
        raise place.problem(
            "the motion does not number its lines: add `line_numbers: true` to the motion, or"
            " quote its words instead (delete:, replace:, insert_after:)"
        )
    if isinstance(change, DeleteLines):
        first, last = (int(n) for n in change.delete_lines.split("-"))
    else:
        first = last = change.insert_at_line
    if last > motion.line_count:
        raise place.problem(f"the motion has {motion.line_count} lines, not {last}")
    words = motion.words_on(first, last)
    points = [motion.point_of(word) for word, _ in words]
    if not words or any(found is None for found in points):
        heading_lines = sorted({line for (word, line), p in zip(words, points, strict=True)
                                if p is None})  # fmt: skip
        raise place.problem(
            f"line {heading_lines[0] if heading_lines else first} is a section's heading: an"
            " amendment changes the points (use add_to: for a new section)"
        )
    if isinstance(change, InsertAtLine):
        found = points[0]
        assert found is not None
        point, offset = found
        _add(point, (offset, offset, change.text + " ", index), place)
        text = forms["insert_start"].format(new=changes.wording.quote(change.text))
        printed["text"] = changes.wording.located(text, (first, first), "", 0)
        return printed
    deleted: list[str] = []
    by_point: dict[int, list[int]] = {}
    for found in points:
        assert found is not None
        point, offset = found
        by_point.setdefault(id(point), []).append(offset)
    for point in motion.points:
        offsets = by_point.get(id(point))
        if not offsets:
            continue
        start = min(offsets)
        after = point.plain.find(" ", max(offsets))
        end = len(point.plain.rstrip()) if after < 0 else after
        deleted += point.plain[start:end].split()
        if start == 0 and end >= len(point.plain.rstrip()):
            edit = (0, end, "", index)
        else:
            edit = (*_spaced_deletion(point, start, end), "", index)
        _add(point, edit, place)
    text = forms["delete"].format(old=changes.wording.quote(_quoted_passage(deleted)))
    printed["text"] = changes.wording.located(text, (first, last), "", 0)
    return printed


def _add_points(
    changes: Changes, index: int, change: AddTo, loaded: Loaded, printed: dict[str, Any]
) -> dict[str, Any]:
    motion, wording, forms = changes.motion, changes.wording, changes.wording.forms
    wanted = " ".join(change.add_to.split()).casefold()
    matches = [
        number
        for number, (part, heading) in enumerate(zip(motion.parts, changes.headings, strict=True))
        if part.key == change.add_to or " ".join(heading.split()).casefold() == wanted
    ]
    last_line = max(motion.lines.values(), default=None)
    if matches:
        number = matches[-1]
        part = motion.parts[number]
        section = motion.sections[number]
        changes.added.setdefault(number, []).extend(change.points)
        text = forms["add_points"].format(section=wording.quote(changes.headings[number]))
        line = motion.last_line(number)
        printed["start"] = (
            section["start"] + len(part.points) + len(changes.added[number][: -len(change.points)])
        )
    elif change.add_to in SECTION_KEYS:
        part = MotionPart(change.add_to, None, None, tuple(change.points), (), inserted=True)
        changes.new_parts.append(part)
        text = forms["add_section"]
        line = last_line
        printed["heading"] = part
    else:
        names = [p.key or h for p, h in zip(motion.parts, changes.headings, strict=True)]
        raise place_of(loaded, (*changes.place(index), "add_to")).problem(
            f"the motion has no section {change.add_to!r}: its sections are"
            f" {', '.join(names)}; or name a new one by its key ({', '.join(SECTION_KEYS)})"
        )
    printed["points"] = list(change.points)
    if line is not None:
        printed["text"] = forms["after_line"].format(line=line, change=text)
    else:
        printed["text"] = text[:1].upper() + text[1:]
    return printed


# -- marking the motion ------------------------------------------------------------------------
def _source_positions(source: str, plain: str) -> list[int] | None:
    """Where each character of the printed text stands in the Markdown source (markup is
    skipped); None when they cannot be lined up."""
    positions: list[int] = []
    at = 0
    for char in plain:
        while at < len(source) and not (
            source[at] == char or (char == " " and source[at].isspace())
        ):
            at += 1
        if at >= len(source):
            if char.isspace():
                positions.append(len(source))
                continue
            return None
        positions.append(at)
        at += 1
    return positions


def marked_point(point: Point) -> str | None:
    """The point's Markdown with its changes marked; None when markup hides the place."""
    if not point.edits:
        return point.source
    positions = _source_positions(point.source, point.plain)
    if positions is None:
        return None
    size = len(point.source)

    def at(offset: int, *, after: bool) -> int:
        if offset >= len(positions):
            return size
        return positions[offset - 1] + 1 if after and offset > 0 else positions[offset]

    marks: list[tuple[int, int, str]] = []
    for order, (start, end, text, _) in enumerate(point.edits):
        if start < end:
            marks.append((at(start, after=False), order, DELETE_START))
            marks.append((at(end, after=True), order, DELETE_END))
        else:
            where = at(start, after=True) if start else at(0, after=False)
            marks.append((where, order, inserted(text)))
    out = point.source
    for where, _, text in sorted(marks, reverse=True):
        out = out[:where] + text + out[where:]
    # Read with its marks, the point must still say what it said, around the changes.
    if " ".join(original(to_plain(out)).split()) != " ".join(point.plain.split()):
        return None
    return out


def amended_parts(changes: Changes, loaded: Loaded) -> list[MotionPart]:
    """The motion's sections as the amendment leaves them, its changes marked."""
    motion = changes.motion
    problems: list[Problem] = []
    parts = []
    for number, part in enumerate(motion.parts):
        points = []
        for point in (p for p in motion.points if p.part == number):
            marked = marked_point(point)
            if marked is None:
                change = point.edits[0][3]
                path = changes.place(change)
                problems.append(
                    Problem(
                        loaded.file,
                        loaded.line_of(path),
                        ".".join(map(str, path)),
                        "cannot mark this change inside the point's formatting (a link or"
                        " emphasis): quote words outside it",
                    )
                )
                marked = point.source
            points.append(marked)
        points += [inserted(p) for p in changes.added.get(number, [])]
        parts.append(replace(part, points=tuple(points)))
    if problems:
        raise InputError(problems=problems)
    parts += [replace(p, points=tuple(inserted(x) for x in p.points)) for p in changes.new_parts]
    return parts


# -- the context -------------------------------------------------------------------------------
def build_context(doc: LoadedDocument) -> DocumentContext:
    """An amendment's context: the motion checked and laid out (for its line numbers), every
    change found and worded, and the motion as amended (for `--amended`)."""
    from toolkit.build import context_of, fit_to_pages

    model = doc.model
    motion_doc = doc.linked
    assert isinstance(model, Amendment) and isinstance(motion_doc, LoadedDocument)
    motion = context_of(motion_doc)
    if motion.print.line_numbers:
        # A numbered motion's lines are those of its PDF: laid out (and fitted) as it is.
        number_lines(motion, fit_to_pages(motion_doc, motion)[0])
    if model.campaign is None:
        doc = replace(
            doc,
            campaign=motion_doc.campaign,
            campaign_folder=motion_doc.campaign_folder,
            logo_place=motion_doc.logo_place,
        )
    if model.language is None and motion_doc.model.language is not None:
        doc = replace(doc, model=model.model_copy(update={"language": motion.language}))
    motion_model = motion_doc.model
    assert isinstance(motion_model, Resolution)
    context = common_context(doc, "", model.moved_by)
    labels = context.values["labels"]
    context.title = labels["amendment_title"].format(motion=motion_model.title)
    context.values["title"] = context.title
    wording = Wording(motion.language)
    parts = motion_parts(motion_model)
    changes = read_changes(model, Motion(parts, motion), wording, doc.source)
    amended = amended_parts(changes, doc.source)
    headings = Headings(motion_model, motion.language, label_overrides(motion_doc))
    for change in changes.printed:
        if isinstance(change["heading"], MotionPart):
            change["heading"] = headings.of(change["heading"])
    context.values.update(
        {
            "reference": model.reference,
            "motion": {
                "title": motion_model.title,
                "reference": motion_model.reference,
                "submitted_by": motion.values["submitted_by"],
            },
            "moved_by": model.moved_by,
            "seconded_by": model.seconded_by,
            "date": format_date(model.date, context.language) if model.date else None,
            "changes": changes.printed,
            "amended": [
                {
                    "key": p.key,
                    "heading": p.heading,
                    "to": p.to,
                    "points": list(p.points),
                    "inserted": p.inserted,
                }
                for p in amended
            ],
        }
    )
    return context


def amended_motion(document: LoadedDocument, context: DocumentContext) -> Variant:
    """The motion as amended, each change marked: inserted words underlined and deleted
    words struck through in the PDF, Word tracked changes by the mover in the DOCX."""
    from toolkit.clock import creation_date

    model = document.model
    motion_doc = document.linked
    assert isinstance(model, Amendment) and isinstance(motion_doc, LoadedDocument)
    motion_model = motion_doc.model
    assert isinstance(motion_model, Resolution)
    parts = [
        MotionPart(p["key"], p["heading"], p["to"], tuple(p["points"]), (), p["inserted"])
        for p in context.values["amended"]
    ]
    # The marked copy is for reading and editing, not for citing lines.
    plain_motion = replace(
        motion_doc, model=motion_model.model_copy(update={"line_numbers": False})
    )
    marked = motion_context(plain_motion, parts, word_limit=False)
    marked.warnings = []
    labels = marked.values["labels"]
    labels["resolution"] = labels["as_amended"]
    words = count_words(
        [accepted(s["heading"]) for s in marked.values["sections"]]
        + [accepted(p) for s in marked.values["sections"] for p in s["points"]]
    )
    limit = marked.values["word_limit"]
    marked.values["word_count"] = words
    marked.values["word_count_text"] = (
        labels["word_count_limit"].format(count=words, limit=limit)
        if limit
        else labels["word_count"].format(count=words)
    )
    when = creation_date()
    if model.date is not None:
        when = datetime(model.date.year, model.date.month, model.date.day, tzinfo=UTC)
    marked.revision = Revision(model.moved_by, when)
    return Variant(plain_motion, marked)


def describe(document: LoadedDocument, context: DocumentContext) -> str:
    """How many changes, to which motion."""
    model = document.model
    assert isinstance(model, Amendment)
    count = len(context.values["changes"])
    return f"{count} change{'s' if count != 1 else ''} to {model.amends}"


KIND = Kind(
    name="amendment",
    model=Amendment,
    build_context=build_context,
    values=frozenset(
        {"reference", "motion", "moved_by", "seconded_by", "date", "changes", "amended"}
    ),
    sections=(Section("Amendment (`template: amendment`)", Amendment, own_only=True),),
    link=read_motion,
    dependencies=motion_file,
    describe=describe,
    companions=(("resolution", "motion.yaml"),),
    name_fields=("amends",),
    variants={"amended": amended_motion},
)
