"""Working days in England and Wales: Monday to Friday except bank holidays.

Bank holidays come from the `holidays` package, subdivision ENG (Wales has the same bank holidays), so no
network is needed.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]).keys())


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days after `start` (the start day itself never counts).

    Sentenced on Thursday 2 April 2026, 2 working days later is Wednesday 8 April: Good Friday (3 April) and
    Easter Monday (6 April) are bank holidays. With `days=0` the result is `start` itself.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def add_days(start: date, days: int, *, working: bool) -> date:
    """`days` after `start`, counting working days or calendar days."""
    return add_working_days(start, days) if working else start + timedelta(days=days)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
