"""Consent to publication: what a signatory's answer means, and what of them may be printed.

Pure functions, shared by every way signatures arrive (files, the letter's own list, the
campaign site's form), so that one rule decides everywhere. Trade-union membership is
special-category personal data: when an answer is unclear, the name is held back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Publish = Literal["yes", "initials", "count", "no", "unclear", "blank"]
Policy = Literal["required", "assumed"]
POLICIES: tuple[Policy, ...] = ("required", "assumed")

# Words of an answer, lower case, in unionkit's five languages. Matching is by whole word
# (or, for the stems, by the start of a word), never inside a longer word.
_NO = frozenset(
    "no n nope nah not don't dont never false 0 ✗ ✘ ☒ non pas нет не ні нi жоқ емес"
    " anonymous anonymously анонимно анонімно анонім private н ж".split()
)
_YES = frozenset(
    "yes y yeah yep yup ok okay sure agree agreed happy fine certainly absolutely course"
    " true 1 ✓ ✔ ☑ oui da да так иә ия иа әрине конечно согласен согласна згоден згодна"
    " келісемін d'accord publish consent o д т".split()
)
_INITIALS_STEMS = ("initial", "инициал", "ініціал")
# "Count me but do not publish my name": counted in the total, never printed.
_COUNT_WORDS = frozenset("count counted counting compter comptez comptez-moi".split())
_COUNT_STEMS = ("посчита", "считайте", "учтите", "врахуй", "порахуй", "санаңыз", "санаңдар")
_ORGANISATION_STEMS = (
    "organi",  # organisation, organization, organisme
    "union",
    "branch",
    "employer",
    "workplace",
    "org",
    "организац",
    "профсоюз",
    "організац",
    "профспілк",
    "ұйым",
    "кәсіподақ",
    "syndicat",
    "section",
)
_TOKEN = re.compile(r"[\w'’✓✔☑✗✘☒]+", re.UNICODE)


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


def read_answer(text: str) -> Answer:
    """What an answer means: yes, initials only (with or without the organisation), count
    me without my name, no, or unclear; blank when nothing was written. "No thanks", "NO",
    "Only my initials please", "Count me but do not publish my name", "Oui", "Да", "Иә",
    "Так", "Y", "1" and "✓" all read as people mean them; anything that says both yes and
    no, or neither, is unclear (and so never printed)."""
    tokens = _tokens(text)
    if not tokens:
        return BLANK
    negative = any(t in _NO for t in tokens) or "do not" in " ".join(tokens)
    if any(t in _COUNT_WORDS for t in tokens) or _has_stem(tokens, _COUNT_STEMS):
        # "Don't count me" is a no; "count me, but do not publish my name" is not.
        opens_with_no = tokens[0] in _NO or " ".join(tokens[:2]) == "do not"
        return Answer("no") if opens_with_no else Answer("count")
    positive = any(t in _YES for t in tokens)
    mentions_organisation = _has_stem(tokens, _ORGANISATION_STEMS)
    if _has_stem(tokens, _INITIALS_STEMS):
        return Answer("initials", organisation=mentions_organisation and not negative)
    if positive and negative:
        # "Yes, but not my union": the name, without the organisation.
        if mentions_organisation:
            return Answer("yes", organisation=False)
        return Answer("unclear")
    if negative:
        return Answer("no")
    if positive:
        return Answer("yes")
    return Answer("unclear")


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
