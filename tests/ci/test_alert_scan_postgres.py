"""Two alert scans at once on PostgreSQL create each alert exactly once.

Each scan runs in its own thread, so its own database connection and transaction; a barrier starts them
together. The unique constraint alert_one_per_clock_recipient_kind with INSERT ... ON CONFLICT DO NOTHING makes
the second wait for the first and then insert nothing. In CI (CI=true) a missing PostgreSQL fails the test;
elsewhere it skips (run it with DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres).
"""

import threading
from datetime import date

import pytest
from django.db import connection, connections, transaction

from conftest import service_required
from tests import factories
from timeliness import services
from timeliness.models import Alert

TODAY = date(2026, 6, 1)  # a Monday: due soon means due 1 to 3 June


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_scans_create_each_alert_once(settings):
    service_required(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    settings.ALERT_DUE_SOON_WORKING_DAYS = 2
    team = factories.TeamFactory()
    officer = factories.OfficerFactory(team=team)
    factories.ManagerFactory(team=team)
    for index in range(60):
        case = factories.CaseFactory(responsible_officer=officer)
        due = date(2026, 5, 29) if index % 2 else date(2026, 6, 2)  # overdue / due soon
        factories.ClockFactory(case=case, started_on=date(2026, 5, 20), due_on=due)
    waiting = factories.CaseFactory(awaiting_allocation=True, provider=team.provider)
    factories.ClockFactory(case=waiting, started_on=date(2026, 5, 20), due_on=date(2026, 5, 29))
    # 30 overdue clocks x (officer + manager) + 1 unallocated overdue clock x manager; 30 due soon x officer.
    expected = {"due_soon": 30, "overdue": 61}

    barrier = threading.Barrier(2, timeout=30)
    results, errors = [], []

    def scan():
        try:
            with transaction.atomic():
                barrier.wait()
                results.append(services.alerts_raise(today=TODAY))
        except Exception as error:  # reported below, with the thread's own traceback
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert len(results) == 2
    # Between them the two scans created every alert once: one did the work, the other found it done
    # (or they shared it), never both.
    assert {kind: sum(result[kind] for result in results) for kind in expected} == expected
    assert Alert.objects.filter(kind="due_soon").count() == 30
    assert Alert.objects.filter(kind="overdue").count() == 61
    # A third scan afterwards finds nothing to do.
    assert services.alerts_raise(today=TODAY) == {"due_soon": 0, "overdue": 0}
