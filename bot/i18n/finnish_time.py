"""Finnish time: every schedule, opening hour and report month in the bot is Helsinki time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def now_in_helsinki() -> dt.datetime:
    return dt.datetime.now(HELSINKI)
