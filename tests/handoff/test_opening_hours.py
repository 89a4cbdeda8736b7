from __future__ import annotations

import datetime as dt

import pytest

from bot.handoff.opening_hours import OpeningHours, format_moment
from bot.i18n.finnish_time import HELSINKI

HOURS = OpeningHours.parse("mon-fri 09:00-16:00; sat 10:00-12:00")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    # 2026-11-23 is a Monday.
    return dt.datetime(2026, 11, 23 + day, hour, minute, tzinfo=HELSINKI)


def test_open_and_closed() -> None:
    assert HOURS.is_open(at(0, 9))
    assert not HOURS.is_open(at(0, 16))
    assert HOURS.is_open(at(5, 11))
    assert not HOURS.is_open(at(6, 11))  # Sunday


def test_next_opening() -> None:
    assert HOURS.next_opening(at(0, 7)) == at(0, 9)
    assert HOURS.next_opening(at(0, 10)) == at(0, 10)  # open now
    assert HOURS.next_opening(at(4, 17)) == at(5, 10)  # Friday evening -> Saturday
    assert HOURS.next_opening(at(5, 13)) == at(7, 9)  # Saturday afternoon -> Monday


def test_utc_input_is_read_in_helsinki_time() -> None:
    utc = dt.datetime(2026, 11, 23, 7, 30, tzinfo=dt.UTC)  # 09:30 in Helsinki
    assert HOURS.is_open(utc)


@pytest.mark.parametrize("bad", ["", "monday 9-16", "mon-fri 16:00-09:00", "fri-mon 09:00-10:00"])
def test_bad_configuration_says_what_to_write(bad: str) -> None:
    with pytest.raises(ValueError):
        OpeningHours.parse(bad)


def test_described_in_the_users_language() -> None:
    assert HOURS.describe("fi") == "ma–pe 9.00–16.00, la 10.00–12.00"
    assert HOURS.describe("en") == "Mon–Fri 09:00–16:00, Sat 10:00–12:00"
    assert "16" in HOURS.describe("so") and "Mon" not in HOURS.describe("so")
    assert format_moment(at(0, 9), "fi") == "maanantaina 23.11. 09:00"
