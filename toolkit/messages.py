"""The fixed words templates print, per language, kept in one place."""

from __future__ import annotations

# Translations for ru, kk, uk and fr arrive with the languages work; until then they fall
# back to English word by word, so a missing entry never breaks a build.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "resolution": "Model resolution",
        "branch": "Branch",
        "union": "Union",
        "meeting_date": "Meeting date",
        "notes": "This branch notes",
        "believes": "This branch believes",
        "resolves": "This branch resolves",
        "send_to": "Once passed, please send this resolution to",
        "proposed_by": "Proposed by",
        "seconded_by": "Seconded by",
        "chair_or_secretary": "Chair or secretary",
        "date": "Date",
        "signature": "Signature",
        "word_count": "{count} words",
        "word_count_limit": "{count} of {limit} words allowed",
        "page": "Page",
        "of": "of",
    },
}


def labels_for(language: str) -> dict[str, str]:
    """The labels for `language`, completed from English where a word is missing."""
    return {**LABELS["en"], **LABELS.get(language, {})}
