"""The alert scan: who is alerted, when, once only, in a constant number of queries; and the Celery task."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from cases.models import PersonAccessLimit
from config.celery import app as celery_app
from tests import factories
from timeliness import selectors, services
from timeliness.models import Alert, Clock
from timeliness.tasks import scan_clocks

pytestmark = pytest.mark.django_db

# Monday 1 June 2026: with ALERT_DUE_SOON_WORKING_DAYS=2, due soon means due 1 to 3 June.
TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 7, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.ALERT_DUE_SOON_WORKING_DAYS = 2


def clock(case, due_on, started_on=date(2026, 5, 20), **kwargs):
    return factories.ClockFactory(case=case, started_on=started_on, due_on=due_on, **kwargs)


def alerts():
    """(service level, due date, recipient username, kind, open?) for every alert."""
    return {
        (a.clock.case_id, a.recipient.username, a.kind, a.closed_at is None)
        for a in Alert.objects.select_related("clock", "recipient")
    }


@pytest.fixture
def case(org):
    return factories.CaseFactory(responsible_officer=org.officer)


class TestRecipients:
    def test_due_soon_alerts_the_responsible_officer_only(self, org, case):
        clock(case, date(2026, 6, 3))  # 2 working days away: due soon

        assert services.alerts_raise(today=TODAY) == {"due_soon": 1, "overdue": 0}
        assert alerts() == {(case.pk, "olivia", "due_soon", True)}

    @pytest.mark.parametrize("due_on", [date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 3)])
    def test_due_soon_window_includes_today_and_the_horizon(self, org, case, due_on):
        clock(case, due_on)

        assert services.alerts_raise(today=TODAY)["due_soon"] == 1

    def test_not_yet_due_soon(self, org, case):
        clock(case, date(2026, 6, 4))

        assert services.alerts_raise(today=TODAY) == {"due_soon": 0, "overdue": 0}
        assert not Alert.objects.exists()

    def test_the_window_counts_working_days(self, org, case):
        """Friday 22 May 2026 + 2 working days is Wednesday 27 May (Monday 25 May is a bank holiday)."""
        clock(case, date(2026, 5, 27), started_on=date(2026, 5, 18))

        assert services.alerts_raise(today=date(2026, 5, 22))["due_soon"] == 1

    def test_the_window_is_a_setting(self, org, case, settings):
        settings.ALERT_DUE_SOON_WORKING_DAYS = 3
        clock(case, date(2026, 6, 4))

        assert services.alerts_raise(today=TODAY)["due_soon"] == 1

    def test_overdue_alerts_the_officer_and_the_active_managers_of_the_team(self, org, case):
        factories.ManagerFactory(username="former", team=org.team_a, is_active=False)
        factories.ManagerFactory(username="south", team=org.team_a2)  # another team of the same provider
        clock(case, date(2026, 5, 29))

        assert services.alerts_raise(today=TODAY) == {"due_soon": 0, "overdue": 2}
        assert alerts() == {(case.pk, "olivia", "overdue", True), (case.pk, "maya", "overdue", True)}

    def test_unallocated_case_alerts_every_active_manager_of_the_provider(self, org):
        waiting = factories.CaseFactory(awaiting_allocation=True, provider=org.nps)
        factories.ManagerFactory(username="south", team=org.team_a2)
        factories.ManagerFactory(username="former", team=org.team_a2, is_active=False)
        soon = clock(waiting, date(2026, 6, 2), service_level="NPS SL002")
        late = factories.ClockFactory(
            case=waiting, service_level="NPS SL001", started_on=date(2026, 5, 1), due_on=date(2026, 5, 28)
        )

        assert services.alerts_raise(today=TODAY) == {"due_soon": 2, "overdue": 2}
        got = {(a.clock_id, a.recipient.username, a.kind) for a in Alert.objects.select_related("recipient")}
        assert got == {
            (soon.pk, "maya", "due_soon"),
            (soon.pk, "south", "due_soon"),
            (late.pk, "maya", "overdue"),
            (late.pk, "south", "overdue"),
        }

    def test_stopped_clocks_and_ended_cases_raise_nothing(self, org, case):
        clock(case, date(2026, 5, 29), status=Clock.Status.MET, stopped_on=date(2026, 5, 28))
        clock(case, date(2026, 5, 29), status=Clock.Status.CANCELLED, stopped_on=date(2026, 5, 28))
        ended = factories.CaseFactory(responsible_officer=org.officer, ended=True)
        clock(ended, date(2026, 5, 29))

        assert services.alerts_raise(today=TODAY) == {"due_soon": 0, "overdue": 0}

    def test_an_inactive_officer_gets_nothing(self, org, case):
        org.officer.is_active = False
        org.officer.save()
        clock(case, date(2026, 6, 2))

        assert services.alerts_raise(today=TODAY) == {"due_soon": 0, "overdue": 0}

    def test_staff_excluded_from_the_person_are_not_alerted(self, org, case):
        PersonAccessLimit.objects.create(
            person=case.person, user=org.manager, kind="exclusion", reason="Manager's neighbour", added_by=org.officer
        )
        clock(case, date(2026, 5, 29))

        services.alerts_raise(today=TODAY)

        assert alerts() == {(case.pk, "olivia", "overdue", True)}

    def test_a_restriction_list_limits_who_is_alerted(self, org, case):
        PersonAccessLimit.objects.create(
            person=case.person, user=org.manager, kind="restriction", reason="High profile", added_by=org.manager
        )
        clock(case, date(2026, 5, 29))

        services.alerts_raise(today=TODAY)

        assert alerts() == {(case.pk, "maya", "overdue", True)}

    def test_created_at_is_now(self, org, case):
        clock(case, date(2026, 6, 2))

        with time_machine.travel(NOW, tick=False):
            services.alerts_raise(today=TODAY)

        assert Alert.objects.get().created_at == NOW


class TestOverdueSupersedesDueSoon:
    def test_due_soon_closes_when_the_clock_becomes_overdue(self, org, case):
        running = clock(case, date(2026, 6, 2))
        assert services.alerts_raise(today=TODAY) == {"due_soon": 1, "overdue": 0}

        assert services.alerts_raise(today=date(2026, 6, 3)) == {"due_soon": 0, "overdue": 2}

        by_kind = {(a.recipient.username, a.kind): a for a in Alert.objects.filter(clock=running)}
        assert by_kind[("olivia", "due_soon")].closed_at is not None
        assert by_kind[("olivia", "overdue")].closed_at is None
        assert by_kind[("maya", "overdue")].closed_at is None
        assert selectors.alert_counts(org.officer).overdue == 1
        assert selectors.alert_counts(org.officer).due_soon == 0

    def test_other_clocks_due_soon_alerts_stay_open(self, org, case):
        clock(case, date(2026, 6, 2))
        later = clock(case, date(2026, 6, 5))
        services.alerts_raise(today=TODAY)
        services.alerts_raise(today=date(2026, 6, 3))

        assert Alert.objects.get(clock=later, kind="due_soon").closed_at is None


class TestClockStops:
    def test_alerts_close_when_the_clock_stops(self, org, case):
        from cases import events

        running = clock(case, date(2026, 5, 29), subject="sentence:55")
        services.alerts_raise(today=TODAY)
        assert Alert.objects.filter(closed_at__isnull=True).count() == 2

        events.publish(
            events.APPOINTMENT_ATTENDED,
            case=case,
            subject="sentence:55",
            on=TODAY,
            by=org.officer,
            disposal="custody",
        )

        running.refresh_from_db()
        assert running.status == Clock.Status.MISSED
        assert Alert.objects.filter(closed_at__isnull=True).count() == 0
        assert selectors.alert_counts(org.officer).total == 0
        # A later scan raises nothing for the stopped clock.
        assert services.alerts_raise(today=date(2026, 6, 2)) == {"due_soon": 0, "overdue": 0}


class TestIdempotence:
    def test_running_twice_creates_each_alert_once(self, org, case):
        clock(case, date(2026, 6, 2))
        clock(case, date(2026, 5, 29))
        waiting = factories.CaseFactory(awaiting_allocation=True, provider=org.nps)
        clock(waiting, date(2026, 5, 29))

        first = services.alerts_raise(today=TODAY)
        count = Alert.objects.count()
        second = services.alerts_raise(today=TODAY)

        assert first == {"due_soon": 1, "overdue": 3}
        assert second == {"due_soon": 0, "overdue": 0}
        assert Alert.objects.count() == count == 4

    def test_a_read_alert_is_not_raised_again(self, org, case):
        clock(case, date(2026, 6, 2))
        services.alerts_raise(today=TODAY)
        services.alert_mark_read(by=org.officer, alert=Alert.objects.get())

        services.alerts_raise(today=TODAY)

        assert Alert.objects.get().read_at is not None


def test_query_count_does_not_grow_with_the_number_of_clocks(org):
    """Three INSERT ... SELECT statements and one UPDATE, in a savepoint: 6 queries for 10 clocks or 200."""
    officers = [org.officer, org.colleague]

    def make(count):
        for index in range(count):
            case = factories.CaseFactory(responsible_officer=officers[index % 2])
            clock(case, [date(2026, 5, 29), date(2026, 6, 2)][index % 2])

    counts = {}
    for size, more in ((10, 10), (200, 190)):
        make(more)
        with CaptureQueriesContext(connection) as captured:
            services.alerts_raise(today=TODAY)
        counts[size] = len(captured)
    assert counts[10] == counts[200] == 6
    # 100 overdue clocks (officer + Maya) and 100 due soon (officer).
    assert Alert.objects.filter(kind="overdue").count() == 200
    assert Alert.objects.filter(kind="due_soon").count() == 100


class TestMarkRead:
    @pytest.fixture
    def alert(self, org, case):
        clock(case, date(2026, 5, 29))
        services.alerts_raise(today=TODAY)
        return Alert.objects.get(recipient=org.officer)

    def test_recipient_marks_read(self, org, alert):
        with time_machine.travel(NOW, tick=False):
            services.alert_mark_read(by=org.officer, alert=alert)

        alert.refresh_from_db()
        assert alert.read_at == NOW
        assert selectors.alert_counts(org.officer).overdue == 0
        assert selectors.alert_counts(org.manager).overdue == 1

    def test_reading_again_keeps_the_first_time(self, org, alert):
        with time_machine.travel(NOW, tick=False):
            services.alert_mark_read(by=org.officer, alert=alert)
        with time_machine.travel(NOW + timedelta(hours=1), tick=False):
            services.alert_mark_read(by=org.officer, alert=alert.pk)

        alert.refresh_from_db()
        assert alert.read_at == NOW

    def test_another_users_alert_is_not_found(self, org, alert):
        with pytest.raises(Http404):
            services.alert_mark_read(by=org.colleague, alert=alert)
        with pytest.raises(Http404):
            services.alert_mark_read(by=org.manager, alert=alert.pk)

        alert.refresh_from_db()
        assert alert.read_at is None

    def test_mark_all_read_is_only_the_users_own(self, org, alert, case):
        clock(case, date(2026, 6, 2))
        services.alerts_raise(today=TODAY)

        assert services.alerts_mark_all_read(by=org.officer) == 2
        assert services.alerts_mark_all_read(by=org.officer) == 0
        assert selectors.alert_counts(org.officer).total == 0
        assert selectors.alert_counts(org.manager).total == 1


class TestTask:
    def test_scan_runs_through_celery_eager_mode(self, org, case):
        clock(case, date(2026, 6, 2))
        clock(case, date(2026, 5, 29))
        previous = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            with time_machine.travel(NOW, tick=False):
                result = scan_clocks.delay()
                again = scan_clocks.apply()
        finally:
            celery_app.conf.task_always_eager = previous

        assert result.get() == {"due_soon": 1, "overdue": 2}
        assert again.get() == {"due_soon": 0, "overdue": 0}
        assert Alert.objects.count() == 3

    def test_task_is_registered_under_its_beat_name(self):
        """A worker imports every app's tasks module (autodiscover) and finds the task by beat's name."""
        celery_app.loader.import_default_modules()

        assert scan_clocks.name == "timeliness.tasks.scan_clocks"
        assert celery_app.tasks["timeliness.tasks.scan_clocks"].run.__module__ == "timeliness.tasks"

    def test_beat_database_scheduler_schedules_the_scan(self, monkeypatch):
        """Beat runs with django-celery-beat's DatabaseScheduler, which copies CELERY_BEAT_SCHEDULE into
        its PeriodicTask table when it starts: the scan is scheduled every five minutes, like the heartbeat."""
        from django_celery_beat import schedulers
        from django_celery_beat.models import PeriodicTask

        # The scheduler closes "old" connections between ticks, which would close the test's transaction.
        monkeypatch.setattr(schedulers, "close_old_connections", lambda: None)
        scheduler = schedulers.DatabaseScheduler(app=celery_app)
        scheduler._finalize.cancel()  # no sync at interpreter exit, after the test database has gone

        task = PeriodicTask.objects.select_related("interval").get(name="service-level-alerts")
        assert task.task == "timeliness.tasks.scan_clocks"
        assert task.enabled
        assert (task.interval.every, task.interval.period) == (300, "seconds")
        assert scheduler.schedule["service-level-alerts"].task == "timeliness.tasks.scan_clocks"
        assert PeriodicTask.objects.get(name="worker-heartbeat").task == "config.tasks.heartbeat"
