"""Model resolutions (motions): a branch adapts, debates, passes, signs and sends them on."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationError,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from toolkit.context import (
    DocumentContext,
    common_context,
    count_words,
    format_date,
    label_overrides,
)
from toolkit.document import LoadedDocument
from toolkit.errors import InputError, Problem
from toolkit.kinds.base import Kind, Layout, Section
from toolkit.messages import catalogue
from toolkit.model import Document, Email, IsoDate, Line, Markdown, Strict

# The sections a motion may have, as unions write them. Each prints as the voice's body and
# the section's verb ("Conference further resolves"), in the motion's language.
SectionKey = Literal[
    "notes",
    "further_notes",
    "believes",
    "further_believes",
    "recognises",
    "welcomes",
    "congratulates",
    "condemns",
    "affirms",
    "reaffirms",
    "declares",
    "supports",
    "agrees",
    "resolves",
    "further_resolves",
    "demands",
    "requests",
    "urges",
    "calls_on",
    "instructs",
    "pledges",
    "commits",
]
SECTION_KEYS: tuple[str, ...] = get_args(SectionKey)
# Sections that only set the scene; a motion needs at least one other, to do something.
PREAMBLE = ("notes", "further_notes", "believes", "further_believes")
ACTIONS = tuple(key for key in SECTION_KEYS if key not in PREAMBLE)
# Sections that can name whom they address: "Conference instructs the NEC to".
ADDRESSED = ("instructs", "calls_on", "urges", "requests")
VOICES = ("branch", "conference", "meeting", "committee", "council")
FILL_IN = "to fill in"
# Type sizes and spacing tried in turn to fit a motion on its page: full size, tighter
# spacing, then type down to 9.5 pt (the template's 10 pt times the scale), never below.
FIT_STEPS = (1.0, 0.975, 0.95)
# Room between a line number's right edge and the text, in CSS pixels (4 mm).
NUMBER_GAP_PX = 4 * 96 / 25.4
NUMBER_WIDTH_PX = 10 * 96 / 25.4

Points = Annotated[list[Markdown], Field(min_length=1, max_length=100)]


class Branch(Strict):
    """The branch that debates the motion. Anything left out prints as a fill-in blank."""

    name: Line | None = None
    """The branch's name, e.g. "Offshore Energy Branch". Left out: a fill-in blank."""
    union: Line | None = None
    """The union the branch belongs to, e.g. "RMT". Left out: a fill-in blank."""
    meeting_date: IsoDate | None = None
    """The date of the meeting that debates the motion, as YYYY-MM-DD. Left out: a fill-in
    blank."""


def _fill_in(value: Any) -> Any:
    if not isinstance(value, str) or " ".join(value.split()).lower() != FILL_IN:
        raise ValueError(
            f"write `branch: {FILL_IN}` to leave the branch for each branch to write in, or"
            " give `name`, `union` and `meeting_date` indented under `branch:`"
        )
    return FILL_IN


def _group_or_text(value: Any) -> str:
    return "text" if isinstance(value, str) else "group"


BranchField = Annotated[
    Annotated[Branch, Tag("group")] | Annotated[str, AfterValidator(_fill_in), Tag("text")],
    Discriminator(_group_or_text),
]


class Recipient(Strict):
    """Somebody the passed motion is sent to."""

    name: Line
    """Who receives the motion, e.g. "Union Solidarity International"."""
    email: Email | None = None
    """Their email address, printed beside the name."""


class Addressed(Strict):
    """A section written as a group, to say whom it addresses."""

    to: Line | None = None
    """Whom the section addresses, as it should print after the verb: "the National
    Executive Council" ("Conference instructs the National Executive Council to")."""
    points: Points
    """The section's points, one Markdown item each."""


def _points_or_group(value: Any) -> str:
    return "group" if isinstance(value, dict) else "points"


Part = Annotated[
    Annotated[Points, Tag("points")] | Annotated[Addressed, Tag("group")],
    Discriminator(_points_or_group),
]


class SectionItem(Strict):
    """One section of `sections:`: `heading:` in your own words, or `kind:` (a section key,
    printed in the motion's voice and language), with its `points:`."""

    heading: Line | None = None
    """The heading as it should print, e.g. "Conference applauds"."""
    kind: SectionKey | None = None
    """A section key (`notes`, `instructs`, `calls_on`, ...), instead of `heading`."""
    to: Line | None = None
    """With `kind: instructs`, `calls_on`, `urges` or `requests`: whom it addresses."""
    points: Points
    """The section's points, one Markdown item each."""

    @model_validator(mode="after")
    def _heading_or_kind(self) -> SectionItem:
        if (self.heading is None) == (self.kind is None):
            raise ValueError(
                "give each section either `heading:` (your own words) or `kind:` (one of"
                f" {', '.join(SECTION_KEYS)})"
            )
        return self


class Voice(Strict):
    """A body whose name is plural ("Delegates", «Збори»), for the verbs to agree with it."""

    name: Line
    """The body as it should print before the verb, e.g. "Delegates"."""
    plural: bool = False
    """Whether the name is plural, so that the verbs agree ("Delegates note")."""


class Submission(Strict):
    """Who submitted the motion, as a conference agenda prints it."""

    branch: Line | None = None
    """The branch (or body) that submitted it, e.g. "Offshore Energy Branch"."""
    region: Line | None = None
    """Its region or division, e.g. "Scotland"."""
    date: IsoDate | None = None
    """When it was submitted, as YYYY-MM-DD."""


class Resolution(Document):
    """A model resolution (motion) that a branch adapts, debates, passes and sends on.

    Its sections print in the order written: any of the section keys below at the top level,
    and `sections:` (a list, for headings of your own) wherever it stands among them."""

    title: Line
    """The motion's title, e.g. "Justice for the Zhanaozen oil workers"."""
    reference: Line | None = None
    """The motion's number on an agenda, e.g. "Motion 14", printed above the title."""
    submitted_by: Submission | None = None
    """Who submitted it: `branch`, `region`, `date`, printed under the title. Given without
    `branch:`, the branch's fill-in lines are left out."""
    contact: Line | None = None
    """Whom to ask about it, e.g. "Aigerim Bekova, branch secretary, 07700 900123"."""
    branch: BranchField = Branch()
    """The branch debating it: `name`, `union`, `meeting_date`; or `to fill in`, for a model
    motion whose blanks each branch fills in (no warning)."""
    voice: Line | Voice = "branch"
    """Whose voice the headings speak in: `branch` ("This branch notes"), `conference`
    ("Conference notes"), `meeting`, `committee`, `council`, or the body's own name ("This
    Trades Council"); `name` and `plural: true` for a plural name."""
    intro: Markdown | None = None
    """A short paragraph before the motion (Markdown), e.g. how to adapt it."""
    notes: Part | None = None
    """"This branch notes": the facts, one Markdown item each."""
    further_notes: Part | None = None
    """"This branch further notes"."""
    believes: Part | None = None
    """"This branch believes": the branch's view, one Markdown item each."""
    further_believes: Part | None = None
    """"This branch further believes"."""
    recognises: Part | None = None
    """"This branch recognises"."""
    welcomes: Part | None = None
    """"This branch welcomes"."""
    congratulates: Part | None = None
    """"This branch congratulates"."""
    condemns: Part | None = None
    """"This branch condemns"."""
    affirms: Part | None = None
    """"This branch affirms"."""
    reaffirms: Part | None = None
    """"This branch reaffirms"."""
    declares: Part | None = None
    """"This branch declares"."""
    supports: Part | None = None
    """"This branch supports"."""
    agrees: Part | None = None
    """"This branch agrees"."""
    resolves: Part | None = None
    """"This branch resolves": what the branch will do, one Markdown item each."""
    further_resolves: Part | None = None
    """"This branch further resolves"."""
    demands: Part | None = None
    """"This branch demands"."""
    requests: Part | None = None
    """"This branch requests" (may name whom: `to:`)."""
    urges: Part | None = None
    """"This branch urges" (may name whom: `to:`)."""
    calls_on: Part | None = None
    """"This branch calls on" (may name whom: `to:` and `points:`)."""
    instructs: Part | None = None
    """"This branch instructs" (may name whom: `to: the National Executive Council` and
    `points:`, printing "... instructs the National Executive Council to")."""
    pledges: Part | None = None
    """"This branch pledges"."""
    commits: Part | None = None
    """"This branch commits itself to"."""
    sections: list[SectionItem] = Field(default=[], max_length=40)
    """Sections in your own words or any order: a list of `heading:` (or `kind:`, `to:`)
    and `points:`, printed where `sections:` stands among the other sections."""
    numbering: Literal["by-section", "continuous"] = "by-section"
    """`by-section`: each section's points are numbered from 1; `continuous`: the numbers
    run on through the whole motion."""
    line_numbers: Annotated[int, Field(ge=0, le=10)] | bool = False
    """`true` prints a number in the margin of every line of the motion, `5` of every fifth
    line (the numbers amendments cite); the DOCX turns on Word's own line numbering."""
    send_to: list[Recipient] = []
    """Where to send the passed motion: a list of `name` and `email`."""
    word_limit: Annotated[int, Field(gt=0, le=100_000)] | None = None
    """A cap on the motion's words (conferences often set 250). `build` and `check` count the
    section headings and items (not the title or intro) and fail when there are too many."""

    _order: tuple[str, ...] = PrivateAttr(default=())

    def branch_name(self) -> str | None:
        """The branch's name, if given (the document's author in its properties)."""
        return self.branch.name if isinstance(self.branch, Branch) else None

    @model_validator(mode="wrap")
    @classmethod
    def _sections_in_order(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        # A motion must do something: reported with every other problem of the file.
        missing = []
        if isinstance(data, dict) and not any(
            data.get(key) is not None for key in (*ACTIONS, "sections")
        ):
            message = (
                "required: add `resolves:` with at least one item (a motion that only notes"
                " and believes does nothing; or instructs:, calls_on:, ...)"
            )
            missing.append(
                InitErrorDetails(
                    type=PydanticCustomError("motion_does_nothing", message),
                    loc=("resolves",),
                    input=data,
                )
            )
        try:
            model = handler(data)
        except ValidationError as exc:
            if not missing:
                raise
            found = [
                InitErrorDetails(
                    type=PydanticCustomError(e["type"], e["msg"], e.get("ctx")),
                    loc=e["loc"],
                    input=e["input"],
                )
                for e in exc.errors(include_url=False)
            ]
            raise ValidationError.from_exception_data(exc.title, [*found, *missing]) from None
        if missing:
            raise ValidationError.from_exception_data(cls.__name__, missing)
        # The sections print in the order they were written; the YAML loader keeps it.
        if isinstance(data, dict) and isinstance(model, Resolution):
            model._order = tuple(k for k in data if k in SECTION_KEYS or k == "sections")
        return model


@dataclass(frozen=True)
class MotionPart:
    """One section of a motion as written: its key or own heading, whom it addresses, its
    points, and where it was written (for problems)."""

    key: str | None
    heading: str | None
    to: str | None
    points: tuple[str, ...]
    path: tuple[str | int, ...]
    inserted: bool = False
    """Added by an amendment (its heading is marked as inserted)."""


def motion_parts(model: Resolution) -> list[MotionPart]:
    """The motion's sections in the order written."""
    parts: list[MotionPart] = []
    order = model._order or (*SECTION_KEYS, "sections")
    for key in order:
        if key == "sections":
            for index, item in enumerate(model.sections):
                path = ("sections", index)
                parts.append(MotionPart(item.kind, item.heading, item.to, tuple(item.points), path))
            continue
        value = getattr(model, key)
        if value is None:
            continue
        if isinstance(value, Addressed):
            parts.append(MotionPart(key, None, value.to, tuple(value.points), (key,)))
        else:
            parts.append(MotionPart(key, None, None, tuple(value), (key,)))
    return parts


def voice_of(model: Resolution, language: str) -> tuple[str, str]:
    """The body the headings speak for and the number its verbs take."""
    voice = model.voice
    if isinstance(voice, Voice):
        return voice.name, "plural" if voice.plural else "singular"
    if voice.lower() in VOICES:
        entry = catalogue(language)[f"voice_{voice.lower()}"]
        assert isinstance(entry, dict)
        return entry["body"], entry["number"]
    return voice, "singular"


class Headings:
    """A motion's section headings in its voice and language, with the document's and
    campaign's own labels winning."""

    def __init__(self, model: Resolution, language: str, overrides: dict[str, str]) -> None:
        self.entries = catalogue(language)
        self.body, self.number = voice_of(model, language)
        self.overrides = overrides
        form = self.entries["heading_form"]
        assert isinstance(form, dict)
        self.form = form

    def plain(self, key: str) -> str:
        """The heading of section `key` without an addressee."""
        if key in self.overrides:
            return self.overrides[key]
        verb = self.entries[f"verb_{key}"]
        assert isinstance(verb, dict)
        return self.form["plain"].format(body=self.body, verb=verb[self.number])

    def of(self, part: MotionPart) -> str:
        """The heading a part prints."""
        if part.key is None:
            assert part.heading is not None
            return part.heading
        if part.to is None:
            return self.plain(part.key)
        if part.key in self.overrides:
            return self.form["label_addressed"].format(
                label=self.overrides[part.key], addressee=part.to
            )
        verb = self.entries[f"verb_{part.key}"]
        assert isinstance(verb, dict)
        return self.form["addressed"].format(
            body=self.body, verb=verb[self.number], addressee=part.to
        )


def _check_parts(parts: list[MotionPart], doc: LoadedDocument) -> None:
    source = doc.source
    problems = []
    for part in parts:
        if part.to is not None and part.key not in ADDRESSED:
            path = (*part.path, "to")
            what = f"`{part.key}`" if part.key else "a section with its own heading"
            problems.append(
                Problem(
                    source.file,
                    source.line_of(path),
                    ".".join(map(str, path)),
                    f"{what} cannot name whom it addresses: only {', '.join(ADDRESSED)} take"
                    " `to:` (write the words into the heading or the points)",
                )
            )
    if problems:
        raise InputError(problems=problems)


def _branch_values(doc: LoadedDocument, context: DocumentContext) -> dict[str, str | None]:
    """The branch's lines, and a warning for each left out by accident: a model motion
    (`branch: to fill in`, or the campaign's `model: true` with no branch given) leaves
    them all for the branch without a word."""
    model = doc.model
    assert isinstance(model, Resolution)
    branch = model.branch if isinstance(model.branch, Branch) else Branch()
    values: dict[str, str | None] = {
        "name": branch.name,
        "union": branch.union,
        "meeting_date": (
            format_date(branch.meeting_date, context.language) if branch.meeting_date else None
        ),
    }
    meant = model.branch == FILL_IN or (
        doc.campaign.model and all(value is None for value in values.values())
    )
    hidden = model.submitted_by is not None and "branch" not in model.model_fields_set
    if meant or hidden:
        return values
    source = doc.source
    for key, value in values.items():
        if value is None:
            path = ("branch", key)
            context.warnings.append(
                Problem(
                    source.file,
                    source.line_of(path),
                    f"branch.{key}",
                    "left out: printed as a fill-in blank for the branch to complete (write"
                    f" `branch: {FILL_IN}` if the whole branch is meant to be filled in)",
                    warning=True,
                )
            )
    return values


def _submitted_by(model: Resolution, language: str) -> str | None:
    submission = model.submitted_by
    if submission is None:
        return None
    parts = [submission.branch, submission.region]
    if submission.date is not None:
        parts.append(format_date(submission.date, language))
    return ", ".join(part for part in parts if part) or None


def build_context(doc: LoadedDocument) -> DocumentContext:
    """A resolution's context; checks its sections and word limit and reports its fill-in
    blanks."""
    model = doc.model
    assert isinstance(model, Resolution)
    parts = motion_parts(model)
    _check_parts(parts, doc)
    return motion_context(doc, parts)


def motion_context(
    doc: LoadedDocument, parts: list[MotionPart], *, word_limit: bool = True
) -> DocumentContext:
    """The context of a motion with these sections (its own, or as an amendment leaves it)."""
    model = doc.model
    assert isinstance(model, Resolution)
    source = doc.source
    context = common_context(doc, model.title, model.branch_name())
    language, labels = context.language, context.values["labels"]
    overrides = label_overrides(doc)
    headings = Headings(model, language, overrides)
    for key in SECTION_KEYS:
        labels[key] = headings.plain(key)
    branch_voice = isinstance(model.voice, str) and model.voice.lower() == "branch"
    if not branch_voice and "resolution" not in overrides:
        # Spoken by a conference or a council, it is a motion, not a model for branches.
        labels["resolution"] = labels["motion"]
    numbers = int(model.line_numbers)
    context.print = replace(context.print, line_numbers=numbers)

    sections: list[dict[str, Any]] = []
    start = 1
    for index, part in enumerate(parts):
        if model.numbering == "by-section":
            start = 1
        heading = headings.of(part)
        if part.inserted:
            from toolkit.markdown import inserted

            heading = inserted(heading)
        sections.append(
            {
                "key": part.key or "own",
                "heading": heading,
                "points": list(part.points),
                "start": start,
                "lines": {"id": f"s{index + 1}", "marks": {}} if numbers else None,
            }
        )
        start += len(part.points)
    word_count = count_words(
        [s["heading"] for s in sections] + [point for s in sections for point in s["points"]]
    )
    if word_limit and model.word_limit is not None and word_count > model.word_limit:
        raise InputError(
            f"the motion has {word_count} words, {word_count - model.word_limit} more than the"
            f" limit of {model.word_limit}: shorten its sections",
            file=source.file,
            line=source.line_of(("word_limit",)),
            field="word_limit",
        )
    branch = _branch_values(doc, context)
    context.values.update(
        {
            "reference": model.reference,
            "submitted_by": _submitted_by(model, language),
            "contact": model.contact,
            "branch": branch,
            "branch_table": not (
                model.submitted_by is not None and "branch" not in model.model_fields_set
            ),
            "intro": model.intro,
            "sections": sections,
            "line_numbers": {"every": numbers} if numbers else None,
            "send_to": [{"name": r.name, "email": r.email} for r in model.send_to],
            "word_count": word_count,
            "word_limit": model.word_limit,
            "word_count_text": (
                labels["word_count_limit"].format(count=word_count, limit=model.word_limit)
                if model.word_limit
                else labels["word_count"].format(count=word_count)
            ),
            "signatures": [
                labels["proposed_by"],
                labels["seconded_by"],
                labels["chair_or_secretary"],
                labels["date"],
            ],
            "signature_fields": [labels["signed"], labels["name_in_capitals"]],
        }
    )
    return context


def word_ids(section: dict[str, Any]) -> list[str]:
    """The ids of a section's words in reading order, as the template's filters give them:
    `ID-h-K` for the heading's, `ID-pJ-K` for point J's."""
    from toolkit.markdown import plain_words

    sid = section["lines"]["id"]
    ids = [f"{sid}-h-{k}" for k in range(len(str(section["heading"]).split()))]
    for j, point in enumerate(section["points"]):
        ids += [f"{sid}-p{j}-{k}" for k in range(len(plain_words(point)))]
    return ids


def number_lines(context: DocumentContext, laid_out: Any) -> bool:
    """Find the motion's lines in its layout (where each word landed) and put a number in the
    margin of every Nth: the template's filters place them at the first word of each line,
    so a second layout draws them where the lines are."""
    every = context.print.line_numbers
    sections = context.values["sections"]
    if not every or not sections or sections[0]["lines"] is None:
        return False
    where: dict[str, tuple[int, float, float, float]] = {}
    for index, page in enumerate(laid_out.document.pages):
        for name, box in page.anchors.items():
            where[name] = (index, box[0], box[1], box[3])
    lines: dict[str, int] = {}
    starts: list[tuple[dict[str, Any], str, int]] = []
    previous: tuple[int, float, float, float] | None = None
    number = 0
    for section in sections:
        for word in word_ids(section):
            found = where.get(word)
            if found is None:
                continue
            page, x, top, _ = found
            if previous is None or page != previous[0] or x <= previous[1] or top >= previous[3]:
                number += 1
                starts.append((section, word, number))
            lines[word] = number
            previous = found
    if not starts:
        return False
    # The column sits just left of the motion's headings, which start at the text's edge.
    edge = min(where[word][1] for _, word, _ in starts)
    for section, word, line in starts:
        if line % every == 0 or every == 1:
            left = edge - NUMBER_GAP_PX - NUMBER_WIDTH_PX - where[word][1]
            section["lines"]["marks"][word] = [line, round(left, 2)]
    context.values["line_numbers"] = {"every": every, "count": number, "words": lines}
    return True


def describe(document: LoadedDocument, context: DocumentContext) -> str:
    """The word count, against the limit when there is one."""
    count, limit = context.values["word_count"], context.values["word_limit"]
    return f"{count} words" + (f" of {limit} allowed" if limit else "")


def _one_page(context: DocumentContext) -> int:
    return 1


KIND = Kind(
    name="resolution",
    model=Resolution,
    build_context=build_context,
    values=frozenset(
        {
            "reference",
            "submitted_by",
            "contact",
            "branch",
            "branch_table",
            "intro",
            "sections",
            "line_numbers",
            "send_to",
            "word_count",
            "word_limit",
            "word_count_text",
            "signatures",
            "signature_fields",
        }
    ),
    sections=(
        Section("Resolution (`template: resolution` or `motion`)", Resolution, own_only=True),
        Section("`branch:`", Branch),
        Section("`sections:` items", SectionItem),
        Section("`submitted_by:`", Submission),
        Section("`send_to:` items", Recipient),
    ),
    describe=describe,
    layout=Layout(fit_steps=FIT_STEPS, pages=_one_page, refine=number_lines),
    name_fields=("numbering", "line_numbers"),
    label_keys=frozenset(SECTION_KEYS),
    form_fields=("branch", "send_to"),
    editable_fields=("notes", "believes", "resolves"),
)
