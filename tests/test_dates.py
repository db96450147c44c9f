"""Dates as people type them, one reading per column, said out loud."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from toolkit.dates import DateError, column_order, parse_date, parse_datetime


@pytest.mark.parametrize(
    ("written", "order", "expected", "how"),
    [
        ("2024-06-01", None, date(2024, 6, 1), ""),
        ("01/06/2024", None, date(2024, 6, 1), "day first"),
        ("01/06/2024", "month-first", date(2024, 1, 6), "month first"),
        ("13/06/2024", None, date(2024, 6, 13), ""),
        ("1.6.2024", None, date(2024, 6, 1), "day first"),
        ("01-06-24", None, date(2024, 6, 1), "day first"),
        ("1 June 2024", None, date(2024, 6, 1), ""),
        ("June 1st, 2024", None, date(2024, 6, 1), ""),
        ("1er juin 2024", None, date(2024, 6, 1), ""),
        ("16 декабря 2011 г.", None, date(2011, 12, 16), ""),
        ("16 грудня 2011", None, date(2011, 12, 16), ""),
        ("2011 ж. 16 желтоқсан", None, date(2011, 12, 16), ""),
    ],
)
def test_written_dates(written: str, order: str | None, expected: date, how: str) -> None:
    reading = parse_date(written, order)  # type: ignore[arg-type]
    assert (reading.value, reading.how) == (expected, how)


def test_excel_numbers_only_in_tables_and_errors_repeat_the_value() -> None:
    assert parse_date("45444", table=True).value == date(2024, 6, 1)
    assert parse_date("45444.75", table=True).value == date(2024, 6, 1)
    with pytest.raises(DateError, match="'45444' is not a date"):
        parse_date("45444")
    with pytest.raises(
        DateError,
        match=r"^06/13/2024 is not a real date read day first: if"
        r" you meant 13 June 2024, write 2024-06-13$",
    ):
        parse_date("06/13/2024")
    with pytest.raises(DateError, match=r"^2024-02-30 is not a real date"):
        parse_date("2024-02-30")


def test_a_column_is_read_one_way_by_its_own_evidence() -> None:
    assert column_order(["01/06/2024", "15/06/2024"])[0] == "day-first"
    assert column_order(["06/01/2024", "12/25/2024"])[0] == "month-first"
    assert column_order(["06/01/2024"]) == (
        "day-first",
        "as British and European dates are written",
    )
    assert column_order(["12/25/2024"], "day-first")[1] == "as asked on the command line"


def test_form_timestamps() -> None:
    assert parse_datetime("2024/06/01 3:04:05 PM GMT+1") == datetime(2024, 6, 1, 15, 4, 5)
    assert parse_datetime("20/11/2013 10:00:00") == datetime(2013, 11, 20, 10, 0)
    assert parse_datetime("2024-06-01T10:03:12Z") == datetime(2024, 6, 1, 10, 3, 12)
    assert parse_datetime("not a time") is None
