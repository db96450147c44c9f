"""Errors that carry the place they happened: file, line and field path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# A message quotes what was written; a value pasted by mistake can be megabytes long.
MAX_MESSAGE = 1_000
MAX_SHOWN = 120


def shown(value: object, limit: int = 80) -> str:
    """A value as a message quotes it: repr, cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 2] + "…" + text[-1]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth saying) about an input, with its place."""

    file: Path | str
    line: int | None
    field: str
    message: str
    warning: bool = False

    def format(self) -> str:
        """Render as `FILE:LINE: field.path: message`, the one format users see."""
        place = str(self.file)
        if self.line is not None:
            place += f":{self.line}"
        field = f" {self.field[:MAX_SHOWN]}:" if self.field else ""
        kind = " warning:" if self.warning else ""
        message = self.message
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 1] + "…"
        return f"{place[: MAX_SHOWN * 4]}:{field}{kind} {message}"


class UnionkitError(Exception):
    """A failure that is reported to the user as one or more `Problem`s."""

    def __init__(
        self,
        message: str = "",
        *,
        file: Path | str = "",
        line: int | None = None,
        field: str = "",
        problems: list[Problem] | None = None,
    ) -> None:
        if problems is None:
            problems = [Problem(file, line, field, message)]
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


class InputError(UnionkitError):
    """The user's YAML, CSV or image is wrong; fixing the input fixes it."""


class TemplateError(UnionkitError):
    """A template folder is broken or does something it must not."""


class RenderError(UnionkitError):
    """A renderer failed on otherwise valid input."""


class UsageError(UnionkitError):
    """The command was given something it cannot use (an option naming a missing column):
    front ends report it as bad usage, not as a bad document."""
