"""The fixed words templates print, one reviewed YAML catalogue per language in messages/."""

from __future__ import annotations

from pathlib import Path

from toolkit.cache import memo
from toolkit.errors import UnionkitError
from toolkit.loader import load_yaml

CATALOGUES = Path(__file__).resolve().parent / "messages"
Entry = str | dict[str, str]
# Babel's locale per document language: dates, numbers and plural forms ("600 подписей");
# British usage for English ("16 December 2013").
BABEL_LOCALE = {"en": "en_GB", "ru": "ru", "kk": "kk", "uk": "uk", "fr": "fr"}


@memo(16)
def catalogue(language: str) -> dict[str, Entry]:
    """Every entry in `language`; a catalogue must have exactly the English keys."""
    english = _read("en")
    entries = _read(language)
    if set(entries) != set(english):
        missing = sorted(set(english) - set(entries))
        extra = sorted(set(entries) - set(english))
        raise UnionkitError(
            f"message catalogue out of step with en.yaml: missing {missing}, unknown {extra}",
            file=CATALOGUES / f"{language}.yaml",
        )
    return entries


def labels_for(language: str) -> dict[str, str]:
    """The plain labels in `language` (entries that do not change with a count)."""
    return {k: v for k, v in catalogue(language).items() if isinstance(v, str)}


def label_keys() -> frozenset[str]:
    """Every label a document's or campaign's `labels:` may set: the catalogue's fixed words
    and the ones kinds add (a motion's section headings)."""
    from toolkit import kinds

    extra = {key for kind in kinds.all_kinds() for key in kind.label_keys}
    return frozenset(labels_for("en")) | extra


def count_text(language: str, key: str, count: int) -> str:
    """`key` for `count` in the language's plural form, e.g. "600 signatories", "600 подписей"."""
    from babel import Locale
    from babel.numbers import format_decimal

    entry = catalogue(language)[key]
    number = format_decimal(count, locale=BABEL_LOCALE[language])
    if isinstance(entry, str):
        return entry.format(count=number)
    form = Locale.parse(BABEL_LOCALE[language]).plural_form(count)
    return entry.get(form, entry["other"]).format(count=number)


def _read(language: str) -> dict[str, Entry]:
    data = load_yaml(CATALOGUES / f"{language}.yaml").data
    assert isinstance(data, dict)
    return {
        str(key): {str(k): str(v) for k, v in value.items()}
        if isinstance(value, dict)
        else str(value)
        for key, value in data.items()
    }
