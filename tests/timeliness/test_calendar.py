"""Working days in England and Wales: weekends and bank holidays (from the `holidays` package) never count."""

from datetime import date

import pytest

from timeliness.calendar import add_days, add_working_days, is_bank_holiday, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        (date(2026, 4, 3), True),  # Good Friday
        (date(2026, 4, 6), True),  # Easter Monday
        (date(2026, 4, 7), False),
        (date(2026, 12, 25), True),  # Christmas Day, a Friday
        (date(2026, 12, 28), True),  # Boxing Day falls on Saturday: substitute Monday
        (date(2026, 12, 29), False),
        (date(2027, 12, 27), True),  # Christmas Day falls on Saturday: substitute Monday
        (date(2027, 12, 28), True),  # Boxing Day falls on Sunday: substitute Tuesday
        (date(2027, 12, 29), False),
        (date(2026, 5, 25), True),  # Spring bank holiday (late May)
        (date(2026, 8, 31), True),  # Summer bank holiday (late August)
        (date(2027, 5, 31), True),
        (date(2027, 8, 30), True),
    ],
)
def test_bank_holidays_of_england_and_wales(day, holiday):
    assert is_bank_holiday(day) is holiday
    assert is_working_day(day) is (not holiday and day.weekday() < 5)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Easter 2026: Thursday before Good Friday, two working days later skips Friday and Monday.
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2026, 4, 2), 2, date(2026, 4, 8)),
        # Easter 2027 (Good Friday 26 March, Easter Monday 29 March).
        (date(2027, 3, 25), 2, date(2027, 3, 31)),
        # Started on Good Friday itself: the start day never counts.
        (date(2026, 4, 3), 1, date(2026, 4, 7)),
        # Christmas 2026: Thursday 24 December + 1 is Tuesday 29 December (Fri 25, Sat, Sun, substitute Mon 28).
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        # ... and on over New Year's Day (Friday 1 January 2027).
        (date(2026, 12, 23), 5, date(2027, 1, 4)),
        # Christmas 2027: Friday 24 December + 1 is Wednesday 29 December (substitutes Monday 27 and Tuesday 28).
        (date(2027, 12, 24), 1, date(2027, 12, 29)),
        (date(2027, 12, 23), 2, date(2027, 12, 29)),
        # Bank holiday Mondays: late May and late August.
        (date(2026, 5, 22), 1, date(2026, 5, 26)),
        (date(2026, 8, 28), 1, date(2026, 9, 1)),
        (date(2027, 5, 28), 5, date(2027, 6, 7)),
        (date(2027, 8, 27), 1, date(2027, 8, 31)),
        # An ordinary week, and zero days.
        (date(2026, 6, 1), 5, date(2026, 6, 8)),
        (date(2026, 6, 6), 1, date(2026, 6, 8)),  # from a Saturday
        (date(2026, 6, 3), 0, date(2026, 6, 3)),
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected
    assert add_days(start, days, working=True) == expected


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_days(date(2026, 6, 1), -1)


def test_calendar_days_count_weekends_and_bank_holidays():
    assert add_days(date(2026, 4, 2), 2, working=False) == date(2026, 4, 4)
    assert add_days(date(2026, 12, 24), 5, working=False) == date(2026, 12, 29)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 4, 2), date(2026, 4, 8), 2),  # Easter
        (date(2026, 12, 24), date(2026, 12, 29), 1),  # Christmas 2026
        (date(2027, 12, 24), date(2027, 12, 31), 3),  # Christmas 2027: 29, 30, 31
        (date(2026, 8, 28), date(2026, 9, 1), 1),  # August bank holiday
        (date(2026, 6, 1), date(2026, 6, 1), 0),
        (date(2026, 6, 8), date(2026, 6, 1), 0),  # end before start
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected
