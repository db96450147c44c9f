"""The fixed words templates print, one reviewed YAML catalogue per language in messages/."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from toolkit.errors import UnionkitError
from toolkit.loader import load_yaml

CATALOGUES = Path(__file__).resolve().parent / "messages"


@cache
def labels_for(language: str) -> dict[str, str]:
    """Every label in `language`; a catalogue must have exactly the English keys."""
    english = _read("en")
    labels = _read(language)
    if set(labels) != set(english):
        missing = sorted(set(english) - set(labels))
        extra = sorted(set(labels) - set(english))
        raise UnionkitError(
            f"message catalogue out of step with en.yaml: missing {missing}, unknown {extra}",
            file=CATALOGUES / f"{language}.yaml",
        )
    return labels


def _read(language: str) -> dict[str, str]:
    data = load_yaml(CATALOGUES / f"{language}.yaml").data
    assert isinstance(data, dict)
    return {str(key): str(value) for key, value in data.items()}
