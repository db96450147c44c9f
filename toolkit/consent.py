"""Consent to publication: what a signatory's answer means, and what of them may be printed.

Pure functions, shared by every way signatures arrive (files, the letter's own list, the
campaign site's form), so that one rule decides everywhere. Trade-union membership is
special-category personal data: when an answer is unclear, the name is held back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Publish = Literal["yes", "initials", "count", "no", "unclear", "blank"]
Policy = Literal["required", "assumed"]
POLICIES: tuple[Policy, ...] = ("required", "assumed")

# Words of an answer, lower case, in unionkit's five languages. Matching is by whole word
# (or, for the stems, by the start of a word), never inside a longer word.
_NO = frozenset(
    "no n nope nah not don't dont never false 0 ✗ ✘ ☒ ☐ ❌ ✕ ✖ × 👎 🚫 ⛔ non pas нет не ні нi"
    " жоқ емес anonymous anonymously анонимно анонімно анонім private н ж disagree refuse"
    " refused decline declined withhold withheld without sans без".split()
)
_YES = frozenset(
    "yes y yeah yep yup ok okay sure agree agreed happy fine certainly absolutely course"
    " true 1 ✓ ✔ ☑ ✅ 👍 oui da да так иә ия иа әрине конечно согласен согласна згоден згодна"
    " келісемін d'accord publish consent o д т".split()
)
# Starts of words that take an agreement back: "Consent withdrawn", "Please remove me".
_TAKEN_BACK = (
    "withdr",
    "remov",
    "delet",
    "revok",
    "retract",
    "cancel",
    "erase",
    "отозва",
    "отзыв",
    "удал",
    "відклик",
    "видал",
    "retir",
    "supprim",
    "annul",
    "өшір",
    "алып таста",
)
# Words that say "do not publish me" whichever way the question was asked ("Sign anonymously?"
# answered "Anonymous please" is a no, not a yes turned round).
_ABSOLUTE_NO = frozenset(
    "anonymous anonymously анонимно анонимный анонім анонімно анонимно anonyme anonymement"
    " private privately hide hidden withhold withheld".split()
)
# Words that make a clause speak about publishing itself, not answer the question's yes/no.
_PUBLISHING_STEMS = (
    "publish",
    "publi",  # publier, publication
    "print",
    "show",
    "display",
    "опублик",
    "публик",
    "оприлюд",
    "опублік",
    "публік",
    "жариял",
)
# Answers that only say the person has not made up their mind: never a yes, either way round.
_UNSURE = frozenset(
    "maybe perhaps unsure dunno idk possibly peut-être peut возможно может можливо мабуть"
    " мүмкін білмеймін".split()
)
_UNSURE_PHRASES = (
    "not sure",
    "don't know",
    "do not know",
    "не знаю",
    "не уверен",
    "не впевнен",
    "sais pas",
    "pas sûr",
    "білмеймін",
)
_NAME_STEMS = ("name", "nom", "имя", "имен", "ім'я", "імен", "імя", "аты", "фамил", "прізвищ")
# Words that qualify what came before: what follows them must be understood, or the whole
# answer is unclear ("Yes, but keep my name off").
_BUT = frozenset("but however except mais sauf но однако кроме але проте крім бірақ".split())
# Words that make an answer conditional ("Yes, if my branch agrees"): never a plain yes.
_IF = frozenset("if unless provided si если якщо егер".split())
_AND = frozenset("and et и і та және".split())
_INITIALS_STEMS = ("initial", "инициал", "ініціал")
# "Count me but do not publish my name": counted in the total, never printed.
_COUNT_WORDS = frozenset("count counted counting compter comptez comptez-moi".split())
_COUNT_STEMS = ("посчита", "считайте", "учтите", "врахуй", "порахуй", "санаңыз", "санаңдар")
_PLAIN_YES = frozenset("yes y oui да так иә ия true 1 ✓ ✔ ☑ ✅".split())
_PLAIN_NO = frozenset("no n non нет ні жоқ false 0 ✗ ✘ ☐ ❌".split())
# The person speaking of themself: "not me", "include me", "pas moi", "не меня".
_ME = frozenset("me moi меня мене мені мені мен".split())
# Starts of the words for a person's organisation in the five languages (an answer about
# it here; a column's header in toolkit.signatories).
ORGANISATION_WORDS = (
    "organi",  # organisation, organization, organisme
    "union",
    "branch",
    "employer",
    "workplace",
    "организац",
    "профсоюз",
    "організац",
    "профспілк",
    "ұйым",
    "кәсіподақ",
    "syndicat",
)
# In an answer, "org" and "section" (a "section syndicale") name it too.
_ORGANISATION_STEMS = (*ORGANISATION_WORDS, "org", "section")
_MARKS = "✓✔☑✅👍✗✘☒☐❌✕✖×👎🚫⛔"
_TOKEN = re.compile(rf"[\w'’{_MARKS}]+|[{_MARKS}]", re.UNICODE)
# What separates the parts of an answer: "Yes, but not my union"; "Don't publish my name;
# Publish my union" (a Google Forms checkbox answer); "Yes - Jane Roe".
_CLAUSE = re.compile(r"[,;.!?/()\[\]:|\n]+|\s[-–—]+\s|\s[-–—]+$|^[-–—]+\s")


@dataclass(frozen=True)
class Answer:
    """One answer to "May we publish your name?", as read."""

    publish: Publish
    organisation: bool = True
    """With initials (or a yes that says "not my union"): whether the organisation prints."""

    @property
    def given(self) -> bool:
        """Whether the person answered at all (a blank is no answer)."""
        return self.publish != "blank"


BLANK = Answer("blank")


def _tokens(text: str) -> list[str]:
    return [t.replace("’", "'") for t in _TOKEN.findall(text.casefold())]


def _has_stem(tokens: list[str], stems: tuple[str, ...]) -> bool:
    return any(token.startswith(stems) for token in tokens)


@dataclass(frozen=True)
class _Clause:
    """One part of an answer: what it says (1 yes, -1 no, 0 neither) and what about."""

    polarity: int
    contradicts: bool
    """It holds a plain yes and a plain no ("Yes → No", "Y N"): it says nothing for sure."""
    absolute: bool
    """It says what it means whichever way the question was asked (anonymous, publish it,
    my name, my initials, my union): never turned round."""
    initials: bool
    organisation: bool
    name: bool
    qualified: bool
    """It follows a "but": it must be understood, or the answer is unclear."""


def _clauses(text: str) -> list[_Clause]:
    clauses: list[_Clause] = []
    for piece in _CLAUSE.split(text.casefold()):
        qualified = False
        words: list[str] = []
        for token in _tokens(piece):
            # "and", "but" start a new part of the answer too.
            if token in _BUT or token in _AND:
                if words:
                    clauses.append(_clause(words, qualified))
                words, qualified = [], token in _BUT
                continue
            words.append(token)
        if words:
            clauses.append(_clause(words, qualified))
        elif qualified:
            clauses.append(_clause([], qualified))
    return clauses


# Two negatives that mean yes: "No problem", "Не против".
_YES_PHRASES = (
    "no problem",
    "not a problem",
    "no objection",
    "no objections",
    "no worries",
    "pas de problème",
    "sans problème",
    "aucun problème",
    "нет проблем",
    "без проблем",
    "не против",
    "не возражаю",
    "не проти",
    "немає проблем",
)


def _clause(words: list[str], qualified: bool) -> _Clause:
    padded = f" {' '.join(words)} "
    for phrase in _YES_PHRASES:
        padded = padded.replace(f" {phrase} ", " yes ")
    words = padded.split()
    joined = " ".join(words)
    negative = (
        any(w in _NO or w.endswith("n't") or w.startswith(_TAKEN_BACK) for w in words)
        or "do not" in joined
        or "did not" in joined
    )
    positive = any(w in _YES for w in words)
    initials = _has_stem(words, _INITIALS_STEMS)
    organisation = _has_stem(words, _ORGANISATION_STEMS)
    name = _has_stem(words, _NAME_STEMS)
    absolute = (
        initials
        or organisation
        or name
        or any(w in _ABSOLUTE_NO or w in _ME for w in words)
        or _has_stem(words, (*_PUBLISHING_STEMS, *_TAKEN_BACK))
    )
    # Within one part, a no wins: "не согласен", "don't publish", "not happy"; but a plain
    # yes beside a plain no ("Yes → No") says nothing.
    contradicts = bool(_PLAIN_YES.intersection(words)) and bool(_PLAIN_NO.intersection(words))
    polarity = -1 if negative else 1 if positive else 0
    return _Clause(polarity, contradicts, absolute, initials, organisation, name, qualified)


def _unsure(tokens: list[str]) -> bool:
    folded = " ".join(tokens)
    return any(t in _UNSURE for t in tokens) or any(p in folded for p in _UNSURE_PHRASES)


def read_answer(text: str, *, inverted: bool = False) -> Answer:
    """What an answer means: yes, initials only (with or without the organisation), no, or
    unclear; blank when nothing was written. "No thanks", "NO", "Only my initials please",
    "Oui", "Да", "Иә", "Так", "Y", "1" and "✓" all read as people mean them; anything that
    says both yes and no, or neither, or yes on a condition, is unclear (and so never
    printed). An answer in several parts is read part by part: what it says about the name
    decides ("Don't publish my name; publish my union" is a no; "Yes, but not my union" a
    yes without the organisation), and a no next to the initials is a no ("not even my
    initials").

    `inverted`: the question was asked the other way round ("Sign anonymously?", "Do not
    publish my name"), so a plain yes is a no and a plain no a yes; words that say what they
    mean ("anonymous", "publish it", "initials only") are read as they are."""
    if not text.strip():
        return BLANK
    tokens = _tokens(text)
    if not tokens:
        return Answer("unclear")  # a mark that is not a word: "-", "?", "…"
    if any(t in _COUNT_WORDS for t in tokens) or _has_stem(tokens, _COUNT_STEMS):
        # "Don't count me" is a no; "count me, but do not publish my name" is not.
        opens_with_no = tokens[0] in _NO or " ".join(tokens[:2]) == "do not"
        return Answer("no") if opens_with_no else Answer("count")
    if _unsure(tokens) or any(t in _IF for t in tokens):
        return Answer("unclear")
    clauses = _clauses(text)
    if any(c.contradicts for c in clauses):
        return Answer("unclear")

    def polarity(clause: _Clause) -> int:
        return -clause.polarity if inverted and not clause.absolute else clause.polarity

    organisation_no = any(c.organisation and not c.name and polarity(c) < 0 for c in clauses)
    if any(c.initials for c in clauses):
        if any(c.initials and c.polarity < 0 for c in clauses):
            return Answer("no")  # "No, not even my initials"
        return Answer(
            "initials",
            organisation=any(c.organisation for c in clauses) and not organisation_no,
        )
    if any(c.qualified and polarity(c) == 0 and not c.organisation for c in clauses):
        return Answer("unclear")  # "Yes, but keep my name off": the "but" is not understood
    about_name = {polarity(c) for c in clauses if not (c.organisation and not c.name)} - {0}
    if about_name == {1}:
        return Answer("yes", organisation=not organisation_no)
    if about_name == {-1}:
        return Answer("no")
    # Both, or nothing said about the name ("x", "Not my union"): held back, with a warning.
    return Answer("unclear")


def _caution(answer: Answer) -> int:
    """How much of a person an answer lets print, least first."""
    # "Count me but do not publish my name" prints nothing, like an unclear answer.
    ranks = {"no": 0, "unclear": 1, "blank": 1, "count": 1, "initials": 2, "yes": 4}
    prints_organisation = answer.organisation and answer.publish in ("initials", "yes")
    return ranks[answer.publish] + (1 if prints_organisation else 0)


def most_cautious(answers: Iterable[Answer]) -> Answer:
    """Of several answers (two consent questions; two answers whose order cannot be told),
    the one that prints least of the person; blank when none was given."""
    given = [answer for answer in answers if answer.given]
    return min(given, key=_caution) if given else BLANK


def read_organisation_answer(text: str) -> Answer:
    """An answer to a separate "May we publish your organisation?" question: yes or no
    (anything else: no)."""
    answer = read_answer(text)
    return Answer("yes") if answer.publish == "yes" else Answer("no")


Decision = Literal["full", "initials", "count", "held"]


def decide(answer: Answer, policy: Policy) -> tuple[Decision, str]:
    """What may be printed, and why when nothing may: "said no", "unclear answer", or
    "no answer" (a blank under the `required` policy). "count": counted in the total,
    never printed."""
    if answer.publish == "yes":
        return "full", ""
    if answer.publish == "initials":
        return "initials", ""
    if answer.publish == "count":
        return "count", ""
    if answer.publish == "no":
        return "held", "said no"
    if answer.publish == "unclear":
        return "held", "unclear answer"
    if policy == "assumed":
        return "full", ""
    return "held", "no answer"


def initials(name: str) -> str:
    """A name as initials: "Jane Roe" -> "J. R.", "Mary-Jane O'Brien" -> "M.-J. O.",
    "Кирилл Соколов" -> "К. С."."""
    parts = []
    for word in name.split():
        letters = [piece[0].upper() + "." for piece in word.split("-") if piece[:1].isalpha()]
        if letters:
            parts.append("-".join(letters))
    return " ".join(parts)


def normal_answer(answer: Answer) -> str:
    """How the cleaned list writes an answer, so that reading it back gives the same one."""
    if answer.publish == "initials":
        return "initials and organisation" if answer.organisation else "initials only"
    if answer.publish == "yes" and not answer.organisation:
        return "yes, but not my organisation"
    return {
        "yes": "yes",
        "count": "count me, do not publish my name",
        "no": "no",
        "unclear": "unclear",
        "blank": "",
    }[answer.publish]
