"""Selectors: scoped to the cases the user may see, one query each whatever the number of rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from timeliness import selectors, services
from timeliness.models import Alert

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.ALERT_DUE_SOON_WORKING_DAYS = 2


def _clock(case, due_on, started_on=date(2026, 5, 1), **kwargs):
    return factories.ClockFactory(case=case, started_on=started_on, due_on=due_on, **kwargs)


def test_overdue_clocks_are_scoped_and_longest_overdue_first(org):
    own = factories.CaseFactory(responsible_officer=org.officer)
    other_team = factories.CaseFactory(responsible_officer=org.other_team_officer)
    elsewhere = factories.CaseFactory(responsible_officer=org.other_provider_officer)
    late = _clock(own, date(2026, 5, 29))
    later = _clock(own, date(2026, 5, 20))
    _clock(own, date(2026, 6, 1))  # due today: not overdue
    _clock(own, date(2026, 5, 20), status="missed", stopped_on=date(2026, 5, 21))
    other_team_late = _clock(other_team, date(2026, 5, 28))
    _clock(elsewhere, date(2026, 5, 28))

    assert list(selectors.overdue_clocks(org.officer, today=TODAY)) == [later, late]
    assert list(selectors.overdue_clocks(org.manager, today=TODAY)) == [later, other_team_late, late]
    assert list(selectors.overdue_clocks(org.court_user, today=TODAY)) == []


def test_clocks_for_case_only_in_scope(org):
    case = factories.CaseFactory(responsible_officer=org.officer)
    first = _clock(case, date(2026, 6, 5), started_on=date(2026, 5, 2))
    second = _clock(case, date(2026, 6, 5), started_on=date(2026, 5, 3))
    _clock(factories.CaseFactory(responsible_officer=org.officer), date(2026, 6, 5))

    assert list(selectors.clocks_for_case(org.officer, case)) == [first, second]
    assert list(selectors.clocks_for_case(org.other_provider_officer, case)) == []


def test_alert_counts_is_one_query(org):
    for due in (date(2026, 5, 28), date(2026, 5, 29), date(2026, 6, 2)):
        _clock(factories.CaseFactory(responsible_officer=org.officer), due)
    services.alerts_raise(today=TODAY)
    services.alert_mark_read(by=org.officer, alert=Alert.objects.filter(kind="overdue", recipient=org.officer)[0])

    with CaptureQueriesContext(connection) as captured:
        counts = selectors.alert_counts(org.officer)

    assert (counts.overdue, counts.due_soon, counts.total) == (1, 1, 2)
    assert len(captured) == 1


def test_open_alerts_one_query_overdue_first_then_soonest_due(org):
    cases = [factories.CaseFactory(responsible_officer=org.officer) for _ in range(4)]
    soon_later = _clock(cases[0], date(2026, 6, 3))
    soon = _clock(cases[1], date(2026, 6, 2))
    overdue_recent = _clock(cases[2], date(2026, 5, 29))
    overdue_old = _clock(cases[3], date(2026, 5, 20))
    services.alerts_raise(today=TODAY)

    with CaptureQueriesContext(connection) as captured:
        rows = [(alert.kind, alert.clock, alert.clock.case.person.crn) for alert in selectors.open_alerts(org.officer)]

    assert [(kind, clock) for kind, clock, _crn in rows] == [
        ("overdue", overdue_old),
        ("overdue", overdue_recent),
        ("due_soon", soon),
        ("due_soon", soon_later),
    ]
    assert len(captured) == 1


@pytest.mark.parametrize(
    ("due_on", "today", "text"),
    [
        (date(2026, 6, 1), date(2026, 6, 1), "Due today"),
        (date(2026, 6, 2), date(2026, 6, 1), "Due in 1 working day"),
        (date(2026, 6, 8), date(2026, 6, 4), "Due in 2 working days"),
        (date(2026, 5, 29), date(2026, 6, 1), "Overdue by 1 working day"),
        (date(2026, 5, 22), date(2026, 5, 26), "Overdue by 1 working day"),  # over the Spring bank holiday
        (date(2026, 5, 29), date(2026, 5, 30), "Overdue by 1 day"),  # a Saturday: no working day yet
    ],
)
def test_timing_text(org, due_on, today, text):
    clock = _clock(factories.CaseFactory(), due_on)

    assert selectors.timing_text(clock, today=today) == text


@pytest.mark.parametrize(
    ("due_on", "today", "working", "text"),
    [
        # Working days (timeliness.calendar): weekends and bank holidays do not count.
        (date(2026, 6, 1), date(2026, 6, 1), True, "Due today"),
        (date(2026, 6, 2), date(2026, 6, 1), True, "Due in 1 working day"),
        (date(2026, 6, 8), date(2026, 6, 4), True, "Due in 2 working days"),  # Thursday to Monday
        (date(2026, 5, 29), date(2026, 6, 1), True, "Overdue by 1 working day"),  # Friday, seen on Monday
        (date(2026, 5, 22), date(2026, 5, 27), True, "Overdue by 2 working days"),  # over the Spring bank holiday
        (date(2026, 5, 18), date(2026, 6, 1), True, "Overdue by 9 working days"),
        # No working day between: calendar days instead.
        (date(2026, 5, 29), date(2026, 5, 30), True, "Overdue by 1 day"),  # Friday, seen on Saturday
        (date(2026, 5, 29), date(2026, 5, 31), True, "Overdue by 2 days"),  # Friday, seen on Sunday
        (date(2026, 5, 31), date(2026, 5, 30), True, "Due in 1 day"),  # Sunday, seen on Saturday
        # Calendar days.
        (date(2026, 6, 1), date(2026, 6, 1), False, "Due today"),
        (date(2026, 6, 2), date(2026, 6, 1), False, "Due in 1 day"),
        (date(2026, 6, 8), date(2026, 6, 4), False, "Due in 4 days"),
        (date(2026, 5, 31), date(2026, 6, 1), False, "Overdue by 1 day"),
        (date(2026, 5, 22), date(2026, 5, 27), False, "Overdue by 5 days"),
    ],
)
def test_due_timing_text(due_on, today, working, text):
    assert selectors.due_timing_text(due_on, working=working, today=today) == text
