"""Signatory lists: read from the files forms and spreadsheets export (columns recognised or named
by hand), merge duplicates, apply consent, group, sort, count and export."""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from toolkit.consent import (
    BLANK,
    ORGANISATION_WORDS,
    Answer,
    Policy,
    decide,
    initials,
    most_cautious,
    normal_answer,
    read_answer,
    read_organisation_answer,
)
from toolkit.dates import Moment, column_order, parse_datetime, parse_moment, told_order
from toolkit.errors import InputError, Problem
from toolkit.names import PRINTED_HONORIFICS, is_honorific, plain, sort_name
from toolkit.tables import ColumnMap, RawTable, find_header, header_key, read_raw, tidy_cell

FIELDS = ("name", "role", "organisation", "group", "email")
# Everything a column of a signatories file may hold (`columns:` names these).
COLUMN_FIELDS = (
    "name",
    "first_name",
    "last_name",
    "title",
    "role",
    "organisation",
    "group",
    "email",
    "consent",
    "consent_inverted",
    "organisation_consent",
    "timestamp",
    "source",
)
# The cleaned list `unionkit signatories -o` writes; a file with exactly this header is
# unionkit's own, and its protective apostrophes are taken off again when it is read.
EXPORT_COLUMNS = (
    "name",
    "surname",
    "title",
    "role",
    "organisation",
    "group",
    "email",
    "consent",
    "timestamp",
    "source",
)
SORTS = ("as-given", "surname", "name", "organisation")
_EMAIL = re.compile(r"[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+")
_WORD = re.compile(r"\w+")
_NAME_WITH_EMAIL = re.compile(r"^(.*?)\s*<\s*(\S+@\S+)\s*>\s*$")
# Letters after a name that do not make a different person.
_POST_NOMINALS = frozenset("mp mep msp ms am mla obe cbe mbe kc qc phd".split())
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What forms put in a Name or Email column when the person did not sign in (Microsoft Forms).
_NOBODY = frozenset({"anonymous", "anonyme", "аноним", "анонім"})

# -- recognising columns -------------------------------------------------------------------
# Exact headers (compared by `header_key`), best first: when two columns claim a field, the
# better-named one wins ("Full name" over Microsoft Forms' account "Name").
_EXACT: dict[str, tuple[str, ...]] = {
    "name": (
        "full name",
        "name as it should appear",
        "name as you d like it to appear",
        "name as you would like it to appear",
        "name as it should be printed",
        "signatory name",
        "signatory",
        "print name",
        "fullname",
        "nom complet",
        "nom et prénom",
        "name",
        "display name",
        "contact name",
        "имя и фамилия",
        "ім я та прізвище",
        "аты жөні",
    ),
    "first_name": (
        "first name",
        "firstname",
        "first",
        "given name",
        "given names",
        "forename",
        "forenames",
        "fname",
        "имя",
        "ім я",
        "імя",
        "аты",
        "prénom",
        "prenom",
    ),
    "last_name": (
        "last name",
        "lastname",
        "last",
        "surname",
        "family name",
        "lname",
        "фамилия",
        "прізвище",
        "тегі",
        "nom de famille",
        "nom",
    ),
    "title": ("title", "salutation", "honorific", "prefix", "civilité", "обращение"),
    "role": (
        "role",
        "job title",
        "position",
        "role in union",
        "union role",
        "position in union",
        "role position",
        "job",
        "post",
        "occupation",
        "должность",
        "посада",
        "лауазымы",
        "fonction",
        "poste",
    ),
    "organisation": (
        "organisation",
        "organization",
        "organisation union branch",
        "union or organisation",
        "union or organization",
        "organisation or union",
        "organisation name",
        "organization name",
        "trade union",
        "union",
        "union branch",
        "branch",
        "org",
        "employer",
        "company",
        "affiliation",
        "организация",
        "профсоюз",
        "організація",
        "профспілка",
        "ұйым",
        "кәсіподақ",
        "syndicat",
        "organisme",
    ),
    "group": (
        "group",
        "category",
        "type",
        "section",
        "группа",
        "категория",
        "група",
        "категорія",
        "топ",
        "санат",
        "catégorie",
        "groupe",
    ),
    "email": (
        "email",
        "email address",
        "e mail",
        "e mail address",
        "mail",
        "почта",
        "электронная почта",
        "пошта",
        "електронна пошта",
        "электрондық пошта",
        "courriel",
        "adresse e mail",
    ),
    # When the answer was given: the latest answer wins. Best first (Microsoft Forms' end time
    # over its start time; Mailchimp's last change over its first opt-in).
    "timestamp": (
        "timestamp",
        "submitted at",
        "submit date utc",
        "submit date",
        "date submitted",
        "completion time",
        "created date",
        "created at",
        "signed at",
        "date signed",
        "last changed",
        "confirm time",
        "optin time",
        "start time",
        "start date utc",
        "отметка времени",
        "позначка часу",
        "horodateur",
    ),
    "source": ("source",),
}
# Headers that mean the name is written surname first (ФИО: фамилия, имя, отчество).
_SURNAME_FIRST = frozenset(
    header_key(h)
    for h in (
        "ФИО",
        "Ф.И.О.",
        "ПІБ",
        "П.І.Б.",
        "Фамилия Имя Отчество",
        "Фамилия, имя",
        "Прізвище, ім'я",
        "Прізвище ім'я по батькові",
        "Тегі, аты",
        "Тегі аты-жөні",
        "Surname, first name",
        "Surname first name",
        "Last name, first name",
        "Nom Prénom",
    )
)
_RANK: dict[str, tuple[str, int]] = {}
for _field, _names in _EXACT.items():
    for _index, _alias in enumerate(_names):
        _RANK.setdefault(header_key(_alias), (_field, 100 - _index))

# Words (starts of words) that give a question away when its header is not a known one.
_MAILING = ("newsletter", "subscri", "updates", "mailing", "marketing", "sms", "keep me")
_EMAIL_WORDS = ("email", "e mail", "почт", "пошт", "courriel")
_PUBLISH = (
    "publish",
    "publication",
    "public",
    "consent",
    "опубликова",
    "публикова",
    "публику",
    "опублікува",
    "публікува",
    "оприлюдн",
    "жариял",
    "publier",
    "согласи",
    "згод",
    "келісім",
    "consentement",
)
# Details that identify or locate a person: never printed, even when the header also says
# "union" ("Union membership number").
_PRIVATE_WORDS = frozenset({"no", "id", "ni", "dob", "nin"})
_PRIVATE = (
    "number",
    "membership",
    "phone",
    "mobile",
    "postcode",
    "post code",
    "zip",
    "address",
    "date of birth",
    "payroll",
    "номер",
    "телефон",
    "адрес",
)
# A question asked the other way round: "Sign anonymously?", "Keep my name private",
# "Withhold my name", "Атымды жарияламаңыз" (Kazakh: do not publish my name).
_HIDING = (
    "anonym",
    "аноним",
    "анонім",
    "hide",
    "hidden",
    "withh",
    "private",
    "privately",
    "confidential",
    "keep my name off",
    "keep me off",
    "leave my name off",
    "leave me off",
    "unnamed",
    "not named",
    "жариялама",
    "жарияланба",
    "көрсетпе",
)
# Words that turn a question round when they come before its verb ("Do not publish my name",
# "Не публиковать", "Ne pas publier"); after it they do not ("...? Leave blank if not").
_NEGATIONS = frozenset({"not", "never", "dont", "ne", "pas", "не"})
# Verbs of a question about showing the name, beyond "publish": the question is the consent
# column when its answers are yes and no ("Show my name on the letter?", "Can we include
# your name?"), but "Name (please print)" full of names is still the name.
_SHOWING = (
    "show",
    "display",
    "appear",
    "print",
    "include",
    "list",
    "visible",
    "named",
    "add my name",
    "sign publicly",
    "on letter",
    "on the letter",
    "показ",
    "указ",
    "вказ",
    "көрсет",
    "afficher",
    "figurer",
)
# What consent to be contacted is about: not publication.
_CONTACT = ("contact", "email", "e mail", "newsletter", "updates", "mailing", "marketing", "sms")
# Headers of tick columns under a printed question ("May we publish your name?  Yes | No").
_YES_HEADERS = frozenset({"yes", "y", "oui", "да", "так", "иә"})
_NO_HEADERS = frozenset({"no", "n", "non", "нет", "ні", "жоқ"})
_TICKS = frozenset({"x", "✓", "✔", "☑", "☒", "✗", "✘", "✅", "•", "*", "+", "v", "y", "yes"})
_NAME_WORDS = ("name", "имя", "ім я", "фамили", "прізвищ", "аты", "nom")
# In a header, "Affiliation" and "Company" name the organisation column too.
_ORGANISATION_WORDS = (*ORGANISATION_WORDS, "affiliation", "company")
_ROLE_WORDS = ("role", "position", "job", "должност", "посад", "fonction", "лауазым")
_GROUP_WORDS = ("category", "group", "категор", "групп", "груп", "catégor")
_TITLE_WORDS = ("title", "salutation", "honorific")
_TIME_WORDS = ("timestamp", "submitted", "submit date", "completion")


def _has(key: str, words: tuple[str, ...]) -> bool:
    """Whether a header key has a word starting with one of `words` (or the phrase)."""
    padded = f" {key}"
    return any(f" {word}" in padded for word in words)


def _turned_round(key: str) -> bool:
    """Whether a question about publication asks it the other way round: a negation before
    its verb ("Do not publish my name", "Tick if you do NOT want your name published")."""
    words = key.split()
    negations = [
        i
        for i, word in enumerate(words)
        if word in _NEGATIONS or (word == "t" and i and words[i - 1].endswith("n"))
    ]
    if not negations:
        return False
    verbs = [
        i
        for i, word in enumerate(words)
        if word.startswith(("publi", *_PUBLISH, *_SHOWING)) or word in ("use", "name")
    ]
    return not verbs or negations[0] < verbs[0]


def classify_header(header: str) -> tuple[str | None, int, str]:
    """The field a column's header suggests, how sure (higher is surer) and, for a column
    left out on purpose, why ("a mailing-list opt-in, not consent to publish")."""
    key = header_key(header)
    if not key:
        return None, 0, ""
    if key in _SURNAME_FIRST:
        return "name", 100, ""
    if key in _RANK:
        name, rank = _RANK[key]
        return name, rank, ""
    if key.startswith(("full name", "name as", "signatory name")):
        return "name", 95, ""  # "Full name (as it should appear)": the form's own question
    if _has(key, _MAILING) and not _has(key, _PUBLISH) and not _has(key, _HIDING):
        return None, 0, "a mailing-list opt-in, not consent to publish"
    if _has(key, _EMAIL_WORDS) and not _has(key, _NAME_WORDS):
        return "email", 20, ""  # "What's your email? (we never publish it)"
    private = _has(key, _PRIVATE) or bool(_PRIVATE_WORDS & set(key.split()))
    if private and not _has(key, _PUBLISH):
        return None, 0, "personal details, never printed"
    if _has(key, _HIDING):
        return "consent_inverted", 30, ""
    if (
        _has(key, _CONTACT)
        and not _has(key, ("publish", "public", *_SHOWING))
        and not _has(key, _NAME_WORDS)
    ):
        return None, 0, "consent to be contacted, not to publish"
    if _has(key, _PUBLISH) or ("use" in key.split() and _has(key, _NAME_WORDS)):
        if _has(key, _ORGANISATION_WORDS) and not _has(key, _NAME_WORDS):
            return "organisation_consent", 30, ""
        return ("consent_inverted" if _turned_round(key) else "consent"), 30, ""
    if _has(key, _TIME_WORDS):
        return "timestamp", 10, ""
    if _has(key, _ROLE_WORDS):
        return "role", 20, ""
    if _has(key, _ORGANISATION_WORDS):
        return "organisation", 20, ""
    if _has(key, _GROUP_WORDS):
        return "group", 10, ""
    if _has(key, _TITLE_WORDS):
        return "title", 10, ""
    if _has(key, _NAME_WORDS):
        return "name", 10, ""
    return None, 0, ""


# Fields where a second column is worth a warning when it is left out.
_IMPORTANT = frozenset({"role", "consent", "organisation_consent", "group"})


def map_signatory_columns(
    table: RawTable, by_hand: Mapping[str, str] | None = None, where: str = "columns"
) -> tuple[ColumnMap, list[Problem]]:
    """Which column holds which field, with warnings for columns that look important but
    were left out. `by_hand` ({field: header}) wins over recognition; a header it names that
    the file lacks is an error."""
    header = table.header
    fields: list[str | None] = [None] * len(header)
    scores = [0] * len(header)
    reasons: dict[int, str] = {}
    warnings: list[Problem] = []
    hand: set[int] = set()
    for name, wanted in (by_hand or {}).items():
        if name not in COLUMN_FIELDS:
            close = difflib.get_close_matches(name, COLUMN_FIELDS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise InputError(
                f"{name!r} is not a signatory field: {hint}choose from {', '.join(COLUMN_FIELDS)}",
                file=table.file,
                line=table.header_line,
                field=f"{where}.{name}",
            )
        position = find_header(header, wanted)
        if position is None:
            close = difflib.get_close_matches(wanted, header, n=1, cutoff=0.5)
            hint = f'did you mean "{close[0]}"? ' if close else ""
            raise InputError(
                f'no column "{wanted}" in the first line: {hint}it has '
                + ", ".join(f'"{h}"' for h in header if h),
                file=table.file,
                line=table.header_line,
                field=f"{where}.{name}",
            )
        fields[position], scores[position] = name, 1000
        hand.add(position)
        guessed = classify_header(header[position])[0]
        if name in _CONSENT_FIELDS and guessed in _CONSENT_FIELDS and guessed != name:
            # By hand wins, but a question read against its own words prints the wrong people.
            other = "consent_inverted" if name == "consent" else "consent"
            warnings.append(
                Problem(
                    table.file,
                    table.header_line,
                    f"{where}.{name}",
                    f'"{header[position]}" reads as asked the other way round: named as'
                    f" `{name}`, a yes there is read as "
                    + ("publish" if name == "consent" else "do not publish")
                    + f"; if a yes means the opposite, name it as `{other}`",
                    warning=True,
                )
            )
    claimed = {fields[i] for i in hand}
    if claimed & _CONSENT_FIELDS:
        claimed |= _CONSENT_FIELDS  # the consent question named by hand: no other is guessed
    for position, text in enumerate(header):
        if position in hand:
            continue
        found, score, reason = classify_header(text)
        values = table.column(position)
        if found == "title" and not _mostly_honorifics(values):
            found = "role"  # a "Title" column holding job titles
        if found in ("name", "email") and _only_nobody(values):
            # Microsoft Forms' account columns on a form filled in without signing in.
            found, reason = None, 'only "anonymous" in it'
        if (
            score <= 10
            and found in (None, "name", "group", "title")
            and (not reason or _tick_column(text))
        ):
            # A question about showing the name, answered yes and no, is the consent column
            # even without the word "publish": never a losing name column, while everyone
            # is printed.
            asked = _asks_to_show(text, values)
            if asked is not None:
                found, score = asked, 25
        if found in claimed:
            reasons[position] = f"{found} set by hand"
            continue
        fields[position], scores[position] = found, score
        if reason:
            reasons[position] = reason
    # One column per field (the best named; organisation may come from several, joined; every
    # consent question is read, and the most cautious answer counts).
    for name in {f for f in fields if f and f != "organisation" and f not in _CONSENT_FIELDS}:
        positions = [i for i, f in enumerate(fields) if f == name]
        best = max(positions, key=lambda i: (scores[i], -i))
        for position in positions:
            if position == best:
                continue
            fields[position] = None
            reasons[position] = f'{_label(name)} comes from "{header[best]}"'
            if name in _IMPORTANT:
                warnings.append(
                    Problem(
                        table.file,
                        table.header_line,
                        "columns",
                        f'column "{header[position]}" ignored: {_label(name)} comes from'
                        f' "{header[best]}"; name the column you mean with'
                        f' `columns: {{{name}: "..."}}`',
                        warning=True,
                    )
                )
    return ColumnMap(header, fields, reasons, hand), warnings


_CONSENT_FIELDS = frozenset({"consent", "consent_inverted"})


def _asks_to_show(header: str, values: list[str]) -> str | None:
    """ "consent" (or "consent_inverted") for a column that asks whether the name may be
    shown and holds yes/no answers (or tick marks under a "Yes" or "No" heading); None for
    any other column."""
    key = header_key(header)
    filled = [v for v in values if v]
    if key in _YES_HEADERS | _NO_HEADERS:
        if filled and all(v.casefold() in _TICKS for v in filled):
            return "consent" if key in _YES_HEADERS else "consent_inverted"
        return None
    if not (
        _has(key, (*_SHOWING, *_HIDING))
        or (_has(key, _NAME_WORDS) and header.rstrip().endswith("?"))
        or key in ("y n", "yes no", "o n", "oui non", "да нет", "так ні", "иә жоқ")
    ):
        return None
    answers = sum(read_answer(v).publish in ("yes", "no", "initials") for v in filled)
    if filled and answers * 5 < len(filled) * 3:
        return None  # mostly not answers: names, say ("Name (please print)")
    if not filled and not header.rstrip().endswith("?"):
        return None  # nothing in it to tell, and not asked as a question
    inverted = _has(key, _HIDING) or _turned_round(key)
    return "consent_inverted" if inverted else "consent"


def _tick_column(header: str) -> bool:
    """A column headed "Yes" or "No" whose marks (x, ✓) are the answers."""
    return header_key(header) in _YES_HEADERS | _NO_HEADERS


def _label(name: str) -> str:
    return "consent" if name == "consent_inverted" else name


def _only_nobody(values: list[str]) -> bool:
    filled = [v for v in values if v]
    return bool(filled) and all(v.casefold() in _NOBODY for v in filled)


def _mostly_honorifics(values: list[str]) -> bool:
    filled = [v for v in values if v]
    return not filled or sum(is_honorific(v) for v in filled) * 2 >= len(filled)


# -- people ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Signatory:
    """One person (or body) who signed, where they were first read, and their answer to
    "May we publish your name?"."""

    name: str
    role: str = ""
    organisation: str = ""
    group: str = ""
    email: str = ""
    file: Path | None = None
    line: int | None = None
    title: str = ""
    """An honorific (Dr, Cllr, Mr): Dr, Prof, Cllr, Rev and the like print before the name."""
    surname: str = ""
    """From a surname column: what the list is sorted by."""
    surname_first: bool = False
    """The name is written surname first (a ФИО column; a Russian, Ukrainian or Kazakh list)."""
    answer: Answer = BLANK
    policy: Policy = "assumed"
    """What a blank answer means for this person (`consent:` of the letter or its file)."""
    timestamp: datetime | None = None
    """When the answer was given, as the form wrote it (for reports and the cleaned list)."""
    moment: Moment | None = None
    """The same, as far as it can be told (zone, day/month order): which answer is later."""
    source: str = ""
    """Where a cleaned list says the row first came from (file:line)."""
    order: int = 0
    """Position in the order read (files in turn, rows in order): "later" without a time."""

    @property
    def place(self) -> str:
        return f"{self.file}:{self.line}" if self.file else "the letter"

    @property
    def printed_name(self) -> str:
        """The name with an honorific worth printing (Dr Helen Marsh), never Mr or Ms."""
        title = self.title.strip()
        if (
            title
            and plain(title) in PRINTED_HONORIFICS
            and plain(self.name).split()[:1] != [plain(title)]
        ):
            return f"{title} {self.name}"
        return self.name


@dataclass
class SignatoryFile:
    """What one file gave: its rows as signatories, how its columns were read, warnings."""

    file: Path
    people: list[Signatory]
    mapping: ColumnMap
    warnings: list[Problem]
    has_consent: bool
    policy: Policy
    header_line: int = 1


@dataclass
class MergeReport:
    """What merging did: rows read, kept, merged (with their lines) and skipped; which later
    answers replaced earlier ones."""

    rows_read: int = 0
    kept: list[Signatory] = field(default_factory=list)
    merged: list[tuple[Signatory, Signatory]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: int = 0
    answers_changed: list[tuple[Signatory, Signatory]] = field(default_factory=list)
    """(the row whose answer lost, the row whose later answer counts) when they differ."""
    answers_doubtful: list[tuple[Signatory, Signatory]] = field(default_factory=list)
    """Two rows' different answers whose order cannot be told: the more cautious counts."""
    merged_into: list[int] = field(default_factory=list)
    """For each pair in `merged`, where the person is in `kept`."""
    files: list[SignatoryFile] = field(default_factory=list)
    publication: Publication = field(default_factory=lambda: Publication())
    """Who of those kept may be printed, and how many were held back."""
    sources: list[str] = field(default_factory=list)
    """What was read besides files (the signatures collected on the campaign's site), one
    line each, for `check` and `signatories` to print."""
    fingerprint: str = ""
    """A digest of what was read that no file holds (signatures in a database), so that a
    build notices when it changes."""


def name_key(name: str) -> str:
    """Who a name means: "Dr. Helen  Marsh MP" and "helen marsh" are the same person."""
    from toolkit.names import HONORIFICS

    words = plain(name).split()
    while words and words[0] in HONORIFICS:
        words.pop(0)
    while len(words) > 1 and words[-1] in _POST_NOMINALS:
        words.pop()
    return " ".join(words)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def person_key(person: Signatory) -> str:
    """Who a person without an email is, as `merge_duplicates` compares them: their name
    (titles, full stops and accents aside) and their organisation."""
    return f"{name_key(person.name)}|{_key(person.organisation)}"


def has_email(text: str) -> bool:
    """Whether an email address is written somewhere in `text` (never to be printed)."""
    return bool(_EMAIL.search(text))


def clean_email(value: str) -> str:
    """An email address as people paste it (`mailto:`, `<...>`, capitals), or "" if none."""
    value = value.strip().strip("<>").strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    value = value.strip().lower()
    return value if _EMAIL.fullmatch(value) else ""


def unprotect(value: str) -> str:
    """A cell of unionkit's own cleaned list without the apostrophe `formula_safe` put
    before it (only there: elsewhere an apostrophe is what the person typed)."""
    if value.startswith("'") and value[1:2] and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def read_signatories(
    path: Path,
    columns: Mapping[str, str] | None = None,
    *,
    consent: Policy | None = None,
    surname_first: bool = False,
    first: int = 0,
) -> SignatoryFile:
    """Every row of a CSV, TSV or YAML signatory file as signatories, unmerged, with how its
    columns were read and warnings. `consent` is what a blank answer means (default:
    `required` when the file has a consent column, else `assumed`); `first` numbers the
    rows after those of files read before it."""
    table = read_raw(path)
    own = tuple(table.header) == EXPORT_COLUMNS
    mapping, warnings = map_signatory_columns(table, columns)
    fields = mapping.fields
    if not any(fields):
        raise InputError(
            f"no known column in the first line ({len(table.header)} columns, none of them"
            " recognised): name the columns Name, Role, Organisation, Group, Email",
            file=path,
            line=table.header_line,
        )
    if not {"name", "first_name", "last_name"} & set(fields):
        raise InputError(
            "no name column: the first line should name a Name (or First name and Last name)"
            ' column, or say which column it is with `columns: {name: "..."}`'
            + (f" (columns read: {mapping.describe()})" if any(fields) else ""),
            file=path,
            line=table.header_line,
            field="name",
        )
    has_consent = bool({"consent", "consent_inverted"} & set(fields))
    policy: Policy = consent or ("required" if has_consent else "assumed")
    if not has_consent and consent is None:
        warnings.append(
            Problem(
                path,
                table.header_line,
                "consent",
                "no column says whether people agreed to their names being published,"
                ' so every name is printed; add one ("Can we publish your name?") or, for a'
                " list signed under a printed notice, write `consent: assumed` in the letter",
                warning=True,
            )
        )
    name_position = fields.index("name") if "name" in fields else None
    file_surname_first = surname_first or (
        name_position is not None and header_key(table.header[name_position]) in _SURNAME_FIRST
    )
    times = fields.index("timestamp") if "timestamp" in fields else None
    order = guessed = None
    utc = False
    if times is not None:
        stamps = table.column(times)
        order, guessed = column_order(stamps)[0], told_order(stamps) is None
        utc = bool({"utc", "gmt"} & set(header_key(table.header[times]).split()))
    questions = [
        (position, name == "consent_inverted", _tick_column(table.header[position]))
        for position, name in enumerate(fields)
        if name in _CONSENT_FIELDS
    ]
    people: list[Signatory] = []
    for index, (line, record) in enumerate(table.records):
        cells: dict[str, list[str]] = {}
        for position, name in enumerate(fields):
            if name is None or position >= len(record) or not record[position]:
                continue
            value = unprotect(record[position]) if own else record[position]
            cells.setdefault(name, []).append(value)

        def cell(name: str, cells: dict[str, list[str]] = cells) -> str:
            values = cells.get(name, [])
            return values[0] if values else ""

        person = _person(path, line, cells, cell, warnings)
        if person is None:
            continue
        answers: list[tuple[str, Answer]] = []
        for position, inverted, ticks in questions:
            said = record[position] if position < len(record) else ""
            # Under a "Yes" or "No" heading, any mark is a tick.
            meant = "yes" if ticks and said else said
            answers.append((said, read_answer(meant, inverted=inverted)))
        answer = most_cautious(a for _, a in answers)
        if "organisation_consent" in fields and answer.publish in ("yes", "initials"):
            # A blank here follows the file's rule, like a blank answer about the name.
            about = cell("organisation_consent")
            allowed = (
                read_organisation_answer(about).publish == "yes" if about else policy == "assumed"
            )
            answer = replace(answer, organisation=answer.organisation and allowed)
        if answer.publish == "unclear":
            unclear = next(w for w, a in answers if a.publish == "unclear")
            quoted = repr(unclear) if _quotable(unclear, person) else "(not repeated here)"
            warnings.append(
                Problem(
                    path,
                    line,
                    "consent",
                    f"the answer {quoted} says neither yes nor no: the name is held back;"
                    " change the answer in the file if the person agreed",
                    warning=True,
                )
            )
        when = cell("timestamp")
        people.append(
            replace(
                person,
                answer=answer,
                policy=policy,
                surname_first=file_surname_first,
                timestamp=parse_datetime(when, order) if times is not None else None,
                moment=(
                    parse_moment(when, order, guessed=bool(guessed), utc=utc)
                    if times is not None
                    else None
                ),
                source=cell("source") if own else "",
                order=first + index,
            )
        )
    return SignatoryFile(path, people, mapping, warnings, has_consent, policy, table.header_line)


def _quotable(answer: str, person: Signatory) -> bool:
    """Whether a warning may repeat an answer: short, and without a word of the person's
    name or email in it ("maybe - ask Fay Maybeask" is not repeated)."""
    theirs = {w for w in _WORD.findall(f"{person.name} {person.email}".casefold()) if len(w) > 1}
    return (
        len(answer) <= 40
        and "@" not in answer
        and not theirs & set(_WORD.findall(answer.casefold()))
    )


def _person(
    path: Path,
    line: int,
    cells: dict[str, list[str]],
    cell: Callable[[str], str],
    warnings: list[Problem],
) -> Signatory | None:
    """A row's person, cleaned so that no email can reach a printed line (None: skipped)."""

    def warn(name: str, message: str) -> None:
        warnings.append(Problem(path, line, name, message, warning=True))

    name = cell("name")
    if name.casefold() in _NOBODY:
        name = ""
    if not name:
        name = " ".join(part for part in (cell("first_name"), cell("last_name")) if part)
    email = cell("email")
    if email.casefold() in _NOBODY:
        email = ""
    if match := _NAME_WITH_EMAIL.match(name):
        name, email = match[1], email or match[2]
    if _EMAIL.fullmatch(name.strip("<> ")):
        warn("name", "the name is an email address; row skipped (emails are never printed)")
        return None
    parts: dict[str, str] = {}
    for column in ("role", "organisation", "group", "title"):
        # Several organisation columns (Branch, Union) print together: "Leeds branch, Unite".
        values = list(dict.fromkeys(cells.get(column, [])))
        value = ", ".join(values) if column == "organisation" else (values[0] if values else "")
        if _EMAIL.search(value):
            value = " ".join(_EMAIL.sub(" ", value).split()).strip(" ,;")
            warn(column, "an email address was removed from it: emails are never printed")
        parts[column] = value
    cleaned = clean_email(email)
    if email and not cleaned:
        # Not repeated: a name typed into the email column is still a name.
        warn("email", "not an email address: not used to merge duplicates")
    return Signatory(
        name=name,
        role=parts["role"],
        organisation=parts["organisation"],
        group=parts["group"],
        email=cleaned,
        file=path,
        line=line,
        title=parts["title"] if is_honorific(parts["title"]) else "",
        surname=cell("last_name"),
    )


def tidy(person: Signatory) -> Signatory:
    """A signatory typed into the letter YAML (or sent by a form), tidied like a row read
    from a file."""
    return replace(
        person,
        name=tidy_cell(person.name),
        role=tidy_cell(person.role),
        organisation=tidy_cell(person.organisation),
        group=tidy_cell(person.group),
        email=clean_email(tidy_cell(person.email)),
        title=tidy_cell(person.title),
    )


# -- merging -----------------------------------------------------------------------------------
def _casing_rank(name: str) -> int:
    """Properly cased beats all lower case beats ALL CAPITALS."""
    if name.isupper():
        return 0
    if name.islower():
        return 1
    return 2


def _better_name(kept: str, other: str) -> str:
    """A name written all in capitals (or all in lower case) loses to a properly cased one."""
    return other if other and _casing_rank(other) > _casing_rank(kept) else kept


def _later(first: Signatory, second: Signatory) -> bool | None:
    """Whether `second` answered after `first`: by their times when both have one (None
    when the times cannot tell: a date that reads two ways, a zone that is not known), else
    by the order they were read in."""
    if first.moment is not None and second.moment is not None:
        same_column = first.file is not None and first.file == second.file
        return second.moment.later_than(first.moment, same_column=same_column)
    return second.order > first.order


def _span(first: Moment | None, second: Moment | None) -> Moment | None:
    """Both moments as one, for an answer that stands for two whose order is not known."""
    if first is None or second is None:
        return first or second
    readings = tuple(dict.fromkeys((*first.readings, *second.readings)))
    return Moment(readings, first.zoned and second.zoned)


def _combined_answer(
    kept: Signatory, person: Signatory, report: MergeReport, *, cautious: bool = False
) -> Signatory:
    """`kept` with the answer that counts after merging it with `person`: the latest one
    given (a blank is no answer); the more cautious one when which is later cannot be told,
    or when `cautious` (two names under one email: perhaps two people)."""
    if not person.answer.given:
        return kept
    take = replace(kept, answer=person.answer, timestamp=person.timestamp, order=person.order)
    take = replace(take, moment=person.moment)
    if not kept.answer.given:
        return take
    later = None if cautious else _later(kept, person)
    if kept.answer == person.answer:
        return take if later else kept
    if later is None:
        if not cautious:  # two names under one email are warned about on their own
            report.answers_doubtful.append((kept, person))
        chosen = take if most_cautious([kept.answer, person.answer]) == person.answer else kept
        return replace(
            chosen, moment=_span(kept.moment, person.moment), order=max(kept.order, person.order)
        )
    if later:
        report.answers_changed.append((kept, person))
        return take
    report.answers_changed.append((person, kept))
    return kept


def merge_duplicates(signatories: Iterable[Signatory]) -> MergeReport:
    """One entry per person: same email, or (without one) same name and organisation.

    The first appearance keeps its place; blanks are filled from later duplicates; the
    latest answer to "May we publish your name?" wins (by the time it was given where the
    file says, else by the order the rows were read in). When that cannot be told, or one
    email brings two names, or one name and organisation come with two emails and two
    answers, the more cautious answer counts: in doubt, a name is held back. Messages name
    nobody whose answer, all merged, holds them back.
    """
    report = MergeReport()
    by_email: dict[str, int] = {}
    by_name: dict[tuple[str, str], int] = {}
    shared: list[tuple[int, Signatory, Signatory]] = []
    for person in signatories:
        report.rows_read += 1
        person = replace(person, email=clean_email(person.email))
        if not person.name:
            report.skipped += 1
            report.warnings.append(
                Problem(
                    person.file or "",
                    person.line,
                    "name",
                    "row without a name skipped: add the name or delete the row",
                    warning=True,
                )
            )
            continue
        key = (name_key(person.name), _key(person.organisation))
        index = by_email.get(person.email) if person.email else None
        two_names = index is not None and name_key(report.kept[index].name) != key[0]
        if index is not None and two_names:
            shared.append((index, report.kept[index], person))
        if index is None and key in by_name:
            candidate = by_name[key]
            existing_email = report.kept[candidate].email
            if not person.email or not existing_email or existing_email == person.email:
                index = candidate
        if index is None:
            by_name[key] = len(report.kept)
            if person.email:
                by_email[person.email] = len(report.kept)
            report.kept.append(person)
            continue
        kept = report.kept[index]
        answered = _combined_answer(kept, person, report, cautious=two_names)
        merged = replace(
            kept,
            name=_better_name(kept.name, person.name),
            role=kept.role or person.role,
            organisation=kept.organisation or person.organisation,
            group=kept.group or person.group,
            email=kept.email or person.email,
            title=kept.title or person.title,
            surname=kept.surname or person.surname,
            answer=answered.answer,
            timestamp=answered.timestamp,
            moment=answered.moment,
            order=answered.order,
            policy="required" if "required" in (kept.policy, person.policy) else "assumed",
        )
        report.kept[index] = merged
        report.merged.append((kept, person))
        report.merged_into.append(index)
        if merged.email:
            by_email.setdefault(merged.email, index)
        by_name.setdefault((name_key(merged.name), _key(merged.organisation)), index)
    _hold_namesakes(report)
    # Said once every answer is settled, so that a later "no" is never named.
    for index, other, person in shared:
        named = all(may_be_named(p) for p in (report.kept[index], other, person))
        report.warnings.append(
            Problem(
                person.file or "",
                person.line,
                "email",
                f"same email as {other.place} "
                + (
                    f"({other.name}) but another name ({person.name})"
                    if named
                    else "but another name (names held back)"
                )
                + ": merged as one person; check them (the more cautious answer counts)",
                warning=True,
            )
        )
    return report


def _hold_namesakes(report: MergeReport) -> None:
    """People with one name, the same organisation (or none given) and two emails, who
    answered differently, may be one person who used two addresses: the more cautious
    answer counts for them all (printed, the one who said yes would name the one who said
    no)."""
    groups: dict[str, list[int]] = {}
    for index, person in enumerate(report.kept):
        groups.setdefault(name_key(person.name), []).append(index)
    caution = ("held", "initials", "full")
    for indices in groups.values():
        if len(indices) < 2:
            continue
        before = {i: report.kept[i] for i in indices}
        for index in indices:
            person = before[index]
            # Same name and organisation, or one of them without an organisation.
            alike = [
                before[i]
                for i in indices
                if not person.organisation
                or not before[i].organisation
                or _key(before[i].organisation) == _key(person.organisation)
            ]
            if len({decide(p.answer, p.policy)[0] for p in alike}) < 2:
                continue
            cautious = min(alike, key=lambda p: caution.index(decide(p.answer, p.policy)[0]))
            report.kept[index] = replace(person, answer=cautious.answer, policy=cautious.policy)
            if person is alike[0]:
                continue  # said once, at the later of them
            others = ", ".join(p.place for p in alike if p is not person)
            report.warnings.append(
                Problem(
                    person.file or "",
                    person.line,
                    "consent",
                    f"same name as {others} with another email and another answer: the more"
                    " cautious answer counts; if they are one person, give both rows the same"
                    " email",
                    warning=True,
                )
            )


def merge_lines(report: MergeReport) -> list[str]:
    """A line for each row merged into another ("merged form.csv:4 (Jo Bloggs) into
    form.csv:2 (Jo Bloggs)"), naming them only where the merged person may be named."""
    lines = []
    for (kept, duplicate), index in zip(report.merged, report.merged_into, strict=True):
        named = all(may_be_named(p) for p in (report.kept[index], kept, duplicate))
        names = f" ({duplicate.name}) into {kept.place} ({kept.name})" if named else ""
        lines.append(f"merged {duplicate.place}{names or f' into {kept.place}'}")
    return lines


def may_be_named(person: Signatory) -> bool:
    """Whether a person's full name may appear anywhere outside their own file."""
    return decide(person.answer, person.policy)[0] == "full"


# -- consent -----------------------------------------------------------------------------------
@dataclass
class Publication:
    """Who may be printed (as they will print) and how many were held back, by reason."""

    printed: list[Signatory] = field(default_factory=list)
    held: Counter[str] = field(default_factory=Counter)
    as_initials: int = 0
    counted: int = 0
    """People who asked to be counted without their names: in the total, never printed."""
    details_held: list[Signatory] = field(default_factory=list)
    """People printed without a group, role or organisation that held the name of someone
    who may not be named ("Secretary to Jane Roe", a group heading that is a name)."""

    def details_text(self) -> str:
        """What was left out of printed lines for naming someone held back, or ""."""
        count = len(self.details_held)
        if not count:
            return ""
        return (
            f"{count} {'signatory' if count == 1 else 'signatories'} printed without a group,"
            " role or organisation that holds the name of someone who may not be named"
        )

    @property
    def held_total(self) -> int:
        return sum(self.held.values())

    @property
    def total(self) -> int:
        """Everyone the letter counts: those printed and those counted without a name."""
        return len(self.printed) + self.counted

    def held_text(self) -> str:
        """How many were held back and why ("4 held back: 3 said no, 1 no answer"), or ""."""
        if not self.held:
            return ""
        order = ("said no", "unclear answer", "no answer")
        reasons = ", ".join(
            f"{self.held[reason]} {reason}" for reason in order if self.held[reason]
        )
        return f"{self.held_total} held back: {reasons}"


def publish(people: Iterable[Signatory]) -> Publication:
    """Apply each person's answer: full names for a yes (or a blank where consent is
    assumed); initials (with the organisation only if they allowed it, and no role, which
    would name them) for "initials only"; a count and nothing printed for "count me but do
    not publish my name"; nothing at all for a no, an unclear answer, or a blank where
    consent is required."""
    result = Publication()
    people = list(people)
    # Full names that may not print anywhere: of those held back, and of those printed as
    # initials. Single words ("Unite") are not names enough to hunt for.
    hidden = {
        tuple(name_key(p.name).split())
        for p in people
        if decide(p.answer, p.policy)[0] != "full" and len(name_key(p.name).split()) > 1
    }
    lengths = sorted({len(name) for name in hidden})
    for person in people:
        decision, reason = decide(person.answer, person.policy)
        if decision == "held":
            result.held[reason] += 1
            continue
        if decision == "count":
            result.counted += 1
            continue
        if decision == "initials":
            result.as_initials += 1
            person = replace(
                person,
                name=initials(person.name),
                title="",
                surname=initials(person.surname),
                role="",
                organisation=person.organisation if person.answer.organisation else "",
            )
        elif not person.answer.organisation:
            person = replace(person, organisation="")
        if hidden:
            named = [
                _names_someone(text, hidden, lengths)
                for text in (person.group, person.role, person.organisation)
            ]
            if any(named):
                person = replace(
                    person,
                    group="" if named[0] else person.group,
                    role="" if named[1] else person.role,
                    organisation="" if named[2] else person.organisation,
                )
                result.details_held.append(person)
        result.printed.append(person)
    return result


def _names_someone(text: str, names: set[tuple[str, ...]], lengths: Iterable[int]) -> bool:
    """Whether `text` holds one of `names` (word for word, accents and case aside); `lengths`
    are the names' lengths in words. Each run of words of those lengths is looked up, rather
    than every name scanned for every person: thousands of signatories take a blink."""
    words = tuple(plain(text).split())
    return any(
        words[start : start + length] in names
        for length in lengths
        for start in range(len(words) - length + 1)
    )


# -- order -------------------------------------------------------------------------------------
def sort_key(
    sort: str, *, surname_first: bool = False
) -> Callable[[Signatory], tuple[str, ...]] | None:
    """The key function for `sort:` (accents, titles and lower-case particles ignored);
    `as-given` keeps the order of appearance. `surname_first`: the list's language writes
    names surname first (ru, uk, kk)."""
    if sort == "surname":
        return lambda s: sort_name(
            s.name, surname=s.surname, surname_first=s.surname_first or surname_first
        )
    if sort == "name":
        return lambda s: (name_key(s.name), "")
    if sort == "organisation":
        return lambda s: (plain(s.organisation), name_key(s.name))
    return None


def group_signatories(
    signatories: list[Signatory], order: list[str], sort: str, *, surname_first: bool = False
) -> list[tuple[str, list[Signatory]]]:
    """(heading, people) pairs: groups in `order`, then in order of first appearance;
    people without a group come last under an empty heading."""
    groups: dict[str, list[Signatory]] = {}
    wanted = {_key(g): g for g in order}
    for heading in order:
        groups.setdefault(heading, [])
    for person in signatories:
        heading = wanted.get(_key(person.group), person.group)
        groups.setdefault(heading, []).append(person)
    if "" in groups:
        groups[""] = groups.pop("")  # the ungrouped go last
    key = sort_key(sort, surname_first=surname_first)
    result = []
    for heading, people in groups.items():
        if key is not None:
            people = sorted(people, key=key)
        if people:
            result.append((heading, people))
    return result


# -- export ------------------------------------------------------------------------------------
def formula_safe(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(signatories: Iterable[Signatory]) -> bytes:
    """The printable list as UTF-8 CSV (with BOM, so Excel reads the accents), formula-safe:
    only people who may be published, as they will print (initials where asked), with their
    answer, when they gave it and where they came from. Nobody held back is ever written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    publication = publish(signatories)
    for person in publication.printed:
        values = {
            "name": person.name,
            "surname": person.surname,
            "title": person.title,
            "role": person.role,
            "organisation": person.organisation,
            "group": person.group,
            "email": person.email,
            # A blank where consent was assumed is written as such, so reading it back
            # (a file with a consent column: blanks mean no) prints the same people.
            "consent": normal_answer(person.answer) or "yes (assumed)",
            "timestamp": person.timestamp.isoformat(sep=" ") if person.timestamp else "",
            "source": person.source or person.place,
        }
        writer.writerow([formula_safe(values[name]) for name in EXPORT_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# -- reports -----------------------------------------------------------------------------------
def read_many(
    paths: Iterable[Path],
    columns: Mapping[str, str] | None = None,
    *,
    consent: Policy | None = None,
    surname_first: bool = False,
) -> tuple[list[SignatoryFile], list[Problem]]:
    """Several files read in turn as one list (rows numbered across them, so "later" holds
    across files); the problems of files that could not be read."""
    from toolkit.errors import UnionkitError

    files: list[SignatoryFile] = []
    problems: list[Problem] = []
    count = 0
    for path in paths:
        try:
            read = read_signatories(
                path, columns, consent=consent, surname_first=surname_first, first=count
            )
        except UnionkitError as exc:
            problems.extend(exc.problems)
            continue
        count += len(read.people)
        files.append(read)
    return files, problems


def merge_files(
    files: list[SignatoryFile], extra: Iterable[Signatory] = (), after: Iterable[Signatory] = ()
) -> MergeReport:
    """Every file's rows (and any typed into the letter before them, and any collected on
    the campaign's site after them) merged as one list, consent applied; the files'
    warnings first."""
    people = [person for read in files for person in read.people]
    # In the order they were read: a letter's own entries where the letter lists them; the
    # signatures collected on the campaign's site after every file.
    report = merge_duplicates([*sorted([*extra, *people], key=lambda p: p.order), *after])
    report.files = files
    report.warnings[:0] = [w for read in files for w in read.warnings]
    report.publication = publish(report.kept)
    return report


def _when(person: Signatory) -> str:
    if person.timestamp is not None:
        return person.timestamp.strftime("%Y-%m-%d %H:%M")
    return "read later"


def report_lines(report: MergeReport) -> list[str]:
    """What reading did, per file and in total, for the coordinator: how each file's columns
    were read, its rows, answers replaced by later ones, and how many are held back. Never
    the name of anyone held back."""
    lines: list[str] = []
    for read in report.files:
        lines.append(f"{read.file}:{read.header_line}: columns: {read.mapping.describe()}")
        held = Counter(
            reason
            for person in read.people
            for decision, reason in [decide(person.answer, person.policy)]
            if decision == "held" and person.name
        )
        blanks = "blank answers held back" if read.policy == "required" else "blank answers print"
        consent = f"; consent: {blanks}" if read.has_consent or read.policy == "required" else ""
        held_text = Publication(held=held).held_text()
        counted = sum(
            1 for person in read.people if decide(person.answer, person.policy)[0] == "count"
        )
        counted_text = f"; {counted} counted, names not published" if counted else ""
        lines.append(
            f"{read.file}: {len(read.people)} {'row' if len(read.people) == 1 else 'rows'} read"
            f"{consent}{'; ' + held_text if held_text else ''}{counted_text}"
        )
    lines.extend(report.sources)
    for loser, winner in report.answers_changed:
        lines.append(
            f"{winner.place}: consent: the later answer ({_when(winner)}) counts, not the one"
            f" at {loser.place}"
        )
    for first, second in report.answers_doubtful:
        lines.append(
            f"{second.place}: consent: cannot tell whether this answer ({_when(second)}) or"
            f" the one at {first.place} ({_when(first)}) came later: the more cautious counts"
        )
    return lines


def total_text(report: MergeReport) -> str:
    """One line: "25 signatories to print (40 rows read from 3 files, ...)"."""
    publication = report.publication
    files = len(report.files)
    source = f" from {files} files" if files > 1 else ""
    merged = len(report.merged)
    parts = [
        f"{report.rows_read} {'row' if report.rows_read == 1 else 'rows'} read{source},"
        f" {merged} {'duplicate' if merged == 1 else 'duplicates'} merged,"
        f" {report.skipped} skipped"
    ]
    if publication.held:
        parts.append(publication.held_text())
    if publication.as_initials:
        parts.append(f"{publication.as_initials} as initials")
    if publication.counted:
        parts.append(f"{publication.counted} counted, names not published")
    if publication.details_held:
        parts.append(f"{len(publication.details_held)} without a detail that names someone")
    count = publication.total
    return f"{count} {'signatory' if count == 1 else 'signatories'} ({'; '.join(parts)})"
