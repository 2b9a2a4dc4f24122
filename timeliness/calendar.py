"""Working days in England and Wales: Monday to Friday except bank holidays.

Bank holidays come from the `holidays` package, subdivision ENG (Wales has the same bank holidays), so no
network is needed. The package knows the years BANK_HOLIDAY_YEARS (1872 to 2100); outside them there are no
bank holidays. Counting is closed form (whole weeks, then the bank holidays in range, cached per year), so a
span of thousands of years costs no more than a span of days.
"""

from bisect import bisect_right
from datetime import date, timedelta
from functools import cache

import holidays

_SOURCE = holidays.country_holidays("GB", subdiv="ENG")
BANK_HOLIDAY_YEARS = range(_SOURCE.start_year, _SOURCE.end_year + 1)


@cache
def _known_bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]).keys())


def _bank_holidays(year: int) -> frozenset[date]:
    return _known_bank_holidays(year) if year in BANK_HOLIDAY_YEARS else frozenset()


@cache
def _weekday_bank_holidays(year: int) -> tuple[date, ...]:
    """The year's bank holidays that fall Monday to Friday, in order (a bank holiday at a weekend changes
    nothing: its substitute day is listed separately)."""
    return tuple(sorted(day for day in _bank_holidays(year) if day.weekday() < 5))


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def _weekdays_through(day: date) -> int:
    """Monday to Friday days from 1 January of year 1 (a Monday) up to and including `day`."""
    ordinal = day.toordinal()  # 1 January of year 1 is ordinal 1, a Monday
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _weekday_bank_holidays_between(start: date, end: date) -> int:
    """Bank holidays on Monday to Friday after `start` up to and including `end` (start < end)."""
    first = max(start.year, BANK_HOLIDAY_YEARS.start)
    last = min(end.year, BANK_HOLIDAY_YEARS.stop - 1)
    count = 0
    for year in range(first, last + 1):
        days = _weekday_bank_holidays(year)
        if start.year < year < end.year:
            count += len(days)
            continue
        low = bisect_right(days, start) if year == start.year else 0
        high = bisect_right(days, end) if year == end.year else len(days)
        count += max(high - low, 0)
    return count


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    return _weekdays_through(end) - _weekdays_through(start) - _weekday_bank_holidays_between(start, end)


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days after `start` (the start day itself never counts).

    Sentenced on Thursday 2 April 2026, 2 working days later is Wednesday 8 April: Good Friday (3 April) and
    Easter Monday (6 April) are bank holidays. With `days=0` the result is `start` itself.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    # Jump whole weeks while more than a week's working days remain: a jump of n weeks holds at most 5n working
    # days, fewer than `remaining`, so it never passes the answer; then step a day at a time to land on it.
    while remaining > 5:
        target = day + timedelta(weeks=(remaining - 1) // 5)
        remaining -= working_days_between(day, target)
        day = target
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def add_days(start: date, days: int, *, working: bool) -> date:
    """`days` after `start`, counting working days or calendar days."""
    return add_working_days(start, days) if working else start + timedelta(days=days)
