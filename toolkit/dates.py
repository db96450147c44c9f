"""Dates as people type them (2024-06-01, 01/06/2024, 1.6.2024, 1 June 2024, Excel's 45444),
read one way for a whole column, with the reading said out loud."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from toolkit.cache import memo

if TYPE_CHECKING:
    from toolkit.errors import Problem
    from toolkit.loader import Loaded

Order = Literal["day-first", "month-first"]
# Every language unionkit prints writes the day first (British English included).
DEFAULT_ORDER: Order = "day-first"
EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug
# Serial numbers from 1954 to 2119: what a meeting or signing date can be.
EXCEL_SERIALS = range(20_000, 80_000)

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})")
_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")
_TIME = re.compile(
    r"\s*(?:T|\s)\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?"
    r"\s*((?:[A-Z]{1,5}(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2}))?$"
)
_OFFSET = re.compile(r"([A-Z]{1,5})?(?:([+-])(\d{1,2})(?::?(\d{2}))?)?")
# Zones forms and spreadsheets write by name, as hours from UTC. Others are not guessed.
_ZONES = {
    "Z": 0, "UTC": 0, "GMT": 0, "WET": 0, "BST": 1, "WEST": 1, "CET": 1, "CEST": 2,
    "EET": 2, "EEST": 3, "MSK": 3, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
    "MDT": -6, "PST": -8, "PDT": -7,
}  # fmt: skip
# A time written without a zone may be in any of them: from UTC-12 to UTC+14.
UNKNOWN_ZONE = timedelta(hours=14)
_WORDS = re.compile(r"[^\W\d_]+\.?|\d+", re.UNICODE)
_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th|er|e|re)?$", re.IGNORECASE)


class DateError(ValueError):
    """A text that is not a date, with a message that repeats it and suggests the ISO form."""


@dataclass(frozen=True)
class Reading:
    """How a written date was read."""

    value: date
    written: str
    how: str = ""
    """Empty for an unambiguous date; else how it was read, e.g. "day first"."""


def iso_hint(value: date) -> str:
    return value.isoformat()


@memo(16)
def _month_names() -> dict[str, int]:
    """Month names and abbreviations in unionkit's languages (from Babel), case-folded."""
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for locale in ("en_GB", "en_US", "fr", "ru", "uk", "kk"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    key = name.casefold().rstrip(".")
                    names.setdefault(key, number)
    names.setdefault("sept", 9)
    return names


def _real(year: int, month: int, day: int, written: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(
            f"{written} is not a real date: check the day and month (YYYY-MM-DD)"
        ) from None


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def ambiguous(text: str) -> bool:
    """Whether a numeric date reads differently day-first and month-first (01/06/2024)."""
    match = _NUMERIC.fullmatch(text.strip())
    if not match:
        return False
    first, second = int(match[1]), int(match[3])
    return first != second and first <= 12 and second <= 12


def numeric_order(text: str) -> Order | None:
    """The only order in which a numeric date makes sense (13/06/2024: day first), if it
    tells."""
    match = _NUMERIC.fullmatch(text.strip())
    if not match:
        return None
    first, second = int(match[1]), int(match[3])
    if first > 12 >= second:
        return "day-first"
    if second > 12 >= first:
        return "month-first"
    return None


def parse_date(text: str, order: Order | None = None, *, table: bool = False) -> Reading:
    """A date from what people type: ISO (2024-06-01), day and month in numbers in `order`
    (default day first: 01/06/2024, 1.6.2024, 01-06-24), a month written out in one of
    unionkit's languages (1 June 2024, June 1, 2024, 1 июня 2024), and in a `table`, an
    Excel serial number (45444). Raises `DateError` repeating the value and saying what to
    write instead."""
    written = " ".join(str(text).split())
    if not written:
        raise DateError("is empty: write a date such as 2026-12-16")
    order = order or DEFAULT_ORDER
    if match := _ISO.fullmatch(written):
        return Reading(_real(int(match[1]), int(match[2]), int(match[3]), written), written)
    if match := _NUMERIC.fullmatch(written):
        first, second, year = int(match[1]), int(match[3]), _year(match[4])
        day, month = (first, second) if order == "day-first" else (second, first)
        try:
            value = date(year, month, day)
        except ValueError:
            swapped = _swapped(year, day, month)
            if swapped is None:
                raise DateError(
                    f"{written} is not a real date: check the day and month (YYYY-MM-DD)"
                ) from None
            other = "month" if order == "day-first" else "day"
            flag = f" (or read the whole column {other} first with --{other}-first)"
            raise DateError(
                f"{written} is not a real date read {order.replace('-', ' ')}: if you meant"
                f" {_long(swapped)}, write {swapped.isoformat()}{flag if table else ''}"
            ) from None
        how = order.replace("-", " ") if ambiguous(written) else ""
        return Reading(value, written, how)
    if table and (match := _SERIAL.fullmatch(written)) and int(match[1]) in EXCEL_SERIALS:
        value = EXCEL_EPOCH + timedelta(days=int(match[1]))
        return Reading(value, written, "an Excel date number")
    words = _WORDS.findall(written.casefold())
    months = _month_names()
    found = [(i, months[w.rstrip(".")]) for i, w in enumerate(words) if w.rstrip(".") in months]
    numbers = [(i, w) for i, w in enumerate(words) if _ORDINAL.match(w) or w.isdigit()]
    if len(found) == 1 and len(numbers) >= 2:
        years = [w for _, w in numbers if len(w) == 4 and w.isdigit()]
        days = [int(m[1]) for _, w in numbers if (m := _ORDINAL.match(w)) and len(w) <= 4]
        if len(years) == 1 and days:
            return Reading(_real(int(years[0]), found[0][1], days[0], written), written)
    raise DateError(
        f"{written!r} is not a date unionkit can read: write it as YYYY-MM-DD, for example"
        " 2026-12-16"
    )


def _swapped(year: int, day: int, month: int) -> date | None:
    try:
        return date(year, day, month)
    except ValueError:
        return None


def _long(value: date) -> str:
    return f"{value.day} {value.strftime('%B')} {value.year}"


def parse_datetime(text: str, order: Order | None = None) -> datetime | None:
    """A form's timestamp (2013/11/20 10:00:00 AM GMT, 20/11/2013 10:00, 2024-06-01T10:03:12Z),
    or None when it is not one. Only for ordering answers: the zone is ignored."""
    written = " ".join(text.split())
    if not written:
        return None
    time_part = _TIME.search(written)
    head = written[: time_part.start()] if time_part else written
    try:
        day = parse_date(head, order).value
    except DateError:
        return None
    hours = minutes = seconds = 0
    if time_part:
        hours, minutes = int(time_part[1]), int(time_part[2])
        seconds = int(time_part[3] or 0)
        meridiem = (time_part[4] or "").lower().replace(".", "")
        if meridiem == "pm" and hours < 12:
            hours += 12
        elif meridiem == "am" and hours == 12:
            hours = 0
        if hours > 23 or minutes > 59 or seconds > 59:
            return None
    return datetime(day.year, day.month, day.day, hours, minutes, seconds)


@dataclass(frozen=True)
class Moment:
    """When a form says an answer was given, as far as what it wrote can tell: each way the
    time reads (one, or two for a date such as 06/07/2024 in a column whose order is a
    guess: the column's reading first), in UTC when the time had a zone (`zoned`), else in
    the form's own unknown zone."""

    readings: tuple[datetime, ...]
    zoned: bool

    def later_than(self, other: Moment, *, same_column: bool = False) -> bool | None:
        """Whether this moment is surely after `other` (True), surely before (False), or
        whether that cannot be told (None): two readings that disagree, or times too close
        for a zone that is not known (one written with a zone, one without). `same_column`:
        both read from one column, so both read the same way round."""
        slack = UNKNOWN_ZONE if self.zoned != other.zoned else timedelta(0)
        if same_column and len(self.readings) == len(other.readings):
            pairs = list(zip(self.readings, other.readings, strict=True))
        else:
            pairs = [(mine, theirs) for mine in self.readings for theirs in other.readings]
        said = {
            True if mine - theirs > slack else False if theirs - mine > slack else None
            for mine, theirs in pairs
        }
        return said.pop() if len(said) == 1 else None


def _offset(zone: str) -> timedelta | None:
    """How far a written zone (GMT+1, +01:00, Z, UTC, BST) is ahead of UTC; None if unknown."""
    match = _OFFSET.fullmatch(zone.strip())
    if not match or not zone.strip():
        return None
    name, sign, hours, minutes = match.groups()
    base = 0
    if name is not None:
        if name not in _ZONES:
            return None
        base = _ZONES[name]
    offset = timedelta(hours=base)
    if sign:
        shift = timedelta(hours=int(hours), minutes=int(minutes or 0))
        offset += shift if sign == "+" else -shift
    return offset


def parse_moment(
    text: str, order: Order | None = None, *, guessed: bool = False, utc: bool = False
) -> Moment | None:
    """When an answer was given, from a form's timestamp in any shape real exports write:
    Google's `2024/06/01 2:03:22 PM GMT+1`, Microsoft's `6/1/24 14:03:22`, ISO with or
    without a zone, `dd/mm/yyyy hh:mm`, Excel's serial number `45444.585`. The zone, where
    written (or where the column says UTC: `utc`), is taken into account. `guessed`: the
    column's order of day and month is a guess, so a date that reads both ways (06/07/2024)
    may be either. None when it is not a time."""
    written = " ".join(text.split())
    if not written:
        return None
    if (match := _SERIAL.fullmatch(written)) and int(match[1]) in EXCEL_SERIALS:
        when = datetime.combine(EXCEL_EPOCH, datetime.min.time()) + timedelta(days=float(written))
        return Moment((when.replace(microsecond=0),), utc)
    readings = [parse_datetime(written, order)]
    time_part = _TIME.search(written)
    head = written[: time_part.start()] if time_part else written
    if guessed and ambiguous(head):
        other: Order = "month-first" if (order or DEFAULT_ORDER) == "day-first" else "day-first"
        readings.append(parse_datetime(written, other))
    found = [r for r in readings if r is not None]
    if not found:
        return None
    offset = _offset(time_part[5]) if time_part and time_part[5] else None
    zoned = utc or offset is not None
    return Moment(tuple(dict.fromkeys(r - (offset or timedelta(0)) for r in found)), zoned)


def told_order(values: Iterable[str]) -> Order | None:
    """The order a column's own numeric dates show (13/06/2024 can only be day first), or
    None when they read either way (or disagree)."""
    votes = {numeric_order(value.strip().split(" ")[0]) for value in values} - {None}
    return votes.pop() if len(votes) == 1 else None


def column_order(values: Iterable[str], fallback: Order | None = None) -> tuple[Order, str]:
    """The order to read a column's numeric dates in, and why: what its own dates show
    (13/06/2024 can only be day first), else `fallback` (a command-line choice), else day
    first, as every language unionkit prints writes dates."""
    votes: dict[Order, str] = {}
    for value in values:
        head = value.strip().split(" ")[0]
        told = numeric_order(head)
        if told is not None:
            votes.setdefault(told, head)
    if fallback is not None:
        return fallback, "as asked on the command line"
    if len(votes) == 1:
        ((order, example),) = votes.items()
        return order, f"since {example} can only be read that way"
    return DEFAULT_ORDER, "as British and European dates are written"


def in_words(value: date) -> str:
    """A date for messages, unmistakable in any order: 1 June 2024."""
    return _long(value)


def written_dates(
    value: object, path: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], date]]:
    """Every date in a validated model that was typed in a form read one way of two
    (01/06/2024), with its field path: to say how it was read."""
    from pydantic import BaseModel

    from toolkit.model import WrittenDate

    found: list[tuple[tuple[str | int, ...], date]] = []
    if isinstance(value, WrittenDate):
        found.append((path, value))
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            found += written_dates(getattr(value, name), (*path, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found += written_dates(item, (*path, index))
    return found


def reading_warnings(model: object, loaded: Loaded) -> list[Problem]:
    """A warning for each date typed in a form that reads two ways (01/06/2024), saying how
    it was read and what to write to be sure."""
    from toolkit.errors import Problem

    warnings = []
    for path, value in written_dates(model):
        how = getattr(value, "how", "")
        written = getattr(value, "written", "")
        warnings.append(
            Problem(
                loaded.file,
                loaded.line_of(path),
                ".".join(map(str, path)),
                f"{written} read {how}, as {in_words(value)}: write {value.isoformat()} to be sure",
                warning=True,
            )
        )
    return warnings
