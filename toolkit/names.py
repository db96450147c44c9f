"""People's names for sorting: the real surname (particles, compound and surname-first names),
read with nameparser."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from toolkit.cache import memo

if TYPE_CHECKING:
    from nameparser import Parser

_CYRILLIC = re.compile("[\u0400-\u04ff]")
# Honorifics printed before a name on an open letter; Mr, Mrs, Ms, Miss and Mx are not.
PRINTED_HONORIFICS = frozenset(
    "dr prof professor cllr councillor rev revd sir dame lord lady baroness baron".split()
)
HONORIFICS = PRINTED_HONORIFICS | frozenset(
    "mr mrs ms miss mx м-р г-н г-жа m mme mlle monsieur madame".split()
)


def plain(text: str) -> str:
    """Lower case without accents or punctuation (O'Brien -> obrien), for comparing and
    sorting."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = re.sub(r"['’`]", "", bare)
    return " ".join(re.sub(r"[^\w]+", " ", bare).split())


def is_honorific(text: str) -> bool:
    """Whether a cell is a title such as Mr, Dr, Prof or Cllr (with or without a full stop)."""
    return plain(text) in HONORIFICS or text.strip().casefold().rstrip(".") in HONORIFICS


@memo(16)
def _parser(surname_first: bool) -> Parser:
    from nameparser import locales, parser_for

    # The East Slavic pack reads a patronymic ("Иван Петрович Сидоров", "Сидоров Иван
    # Петрович") whichever way round the name is written.
    return parser_for(locales.RU) if surname_first else parser_for()


def surname_first_expected(language: str) -> bool:
    """Whether names in a list for this language are usually written surname first."""
    return language in ("ru", "uk", "kk")


def sort_name(name: str, *, surname: str = "", surname_first: bool = False) -> tuple[str, str]:
    """(surname, the rest) to sort a person by, accents and case ignored.

    A surname column wins. Otherwise the name is parsed: titles and letters after the name
    are set aside; a lower-case particle is too ("van der Berg" under B, "de la Vega" under
    V) while a capitalised one belongs to the surname ("Di Maio", "De Souza"); O'Brien sorts
    under O. With `surname_first` (a ФИО column, or a Russian, Ukrainian or Kazakh list), a
    two-word Cyrillic name is read surname first ("Соколов Кирилл").
    """
    if surname.strip():
        return plain(surname), plain(name)
    cyrillic = bool(_CYRILLIC.search(name))
    parsed = _parser(surname_first and cyrillic).parse(name)
    family, given = parsed.family, " ".join(p for p in (parsed.given, parsed.middle) if p)
    if surname_first and cyrillic and not parsed.middle:
        words = [w for w in name.split() if plain(w) not in HONORIFICS]
        if len(words) == 2:
            family, given = words[0], words[1]
    particles = parsed.family_particles
    if particles and family.startswith(particles) and particles[:1].islower():
        family = family[len(particles) :].strip() + " " + particles
    return plain(family or name), plain(given)
