"""Clocks open and stop through published case events (cases.events), as the cases services publish them."""

from datetime import date

import pytest
from django.db import transaction

from cases import events
from tests import factories
from timeliness.models import Alert, Clock

pytestmark = pytest.mark.django_db


def publish(name, case, subject, on, by, **kwargs):
    with transaction.atomic():
        events.publish(name, case=case, subject=subject, on=on, by=by, **kwargs)


def clocks(case):
    return {clock.service_level: clock for clock in Clock.objects.filter(case=case)}


@pytest.fixture
def nps_case(org):
    return factories.CaseFactory(responsible_officer=org.officer)


@pytest.fixture
def crc_case(org):
    return factories.CaseFactory(responsible_officer=org.other_provider_officer)


class TestReports:
    def test_requested_opens_sl001_with_the_courts_date(self, org, nps_case):
        publish(events.REPORT_REQUESTED, nps_case, "report:1", date(2026, 6, 1), org.officer, due_on=date(2026, 6, 15))

        clock = Clock.objects.get()
        assert (clock.service_level, clock.subject, clock.status) == ("NPS SL001", "report:1", Clock.Status.OPEN)
        assert (clock.started_on, clock.due_on, clock.provider_type) == (
            date(2026, 6, 1),
            date(2026, 6, 15),
            "nps_division",
        )
        assert clock.opened_by == org.officer
        assert clock.history.get().history_user == org.officer

    def test_delivered_on_time_is_met(self, org, nps_case):
        publish(events.REPORT_REQUESTED, nps_case, "report:1", date(2026, 6, 1), org.officer, due_on=date(2026, 6, 15))
        publish(events.REPORT_DELIVERED, nps_case, "report:1", date(2026, 6, 15), org.colleague)

        clock = Clock.objects.get()
        assert (clock.status, clock.stopped_on, clock.stopped_by) == (
            Clock.Status.MET,
            date(2026, 6, 15),
            org.colleague,
        )
        assert clock.history.first().history_user == org.colleague

    def test_delivered_late_is_missed(self, org, nps_case):
        publish(events.REPORT_REQUESTED, nps_case, "report:1", date(2026, 6, 1), org.officer, due_on=date(2026, 6, 15))
        publish(events.REPORT_DELIVERED, nps_case, "report:1", date(2026, 6, 16), org.officer)

        assert Clock.objects.get().status == Clock.Status.MISSED

    def test_withdrawn_is_cancelled(self, org, nps_case):
        publish(events.REPORT_REQUESTED, nps_case, "report:1", date(2026, 6, 1), org.officer, due_on=date(2026, 6, 15))
        publish(events.REPORT_WITHDRAWN, nps_case, "report:1", date(2026, 6, 20), org.officer)

        clock = Clock.objects.get()
        assert (clock.status, clock.stopped_on) == (Clock.Status.CANCELLED, date(2026, 6, 20))
        assert clock.get_status_display() == "No longer applies"

    def test_delivering_one_report_leaves_another_reports_clock_running(self, org, nps_case):
        publish(events.REPORT_REQUESTED, nps_case, "report:1", date(2026, 6, 1), org.officer, due_on=date(2026, 6, 15))
        publish(events.REPORT_REQUESTED, nps_case, "report:2", date(2026, 6, 2), org.officer, due_on=date(2026, 6, 20))
        publish(events.REPORT_DELIVERED, nps_case, "report:2", date(2026, 6, 10), org.officer)

        statuses = dict(Clock.objects.values_list("subject", "status"))
        assert statuses == {"report:1": Clock.Status.OPEN, "report:2": Clock.Status.MET}

    def test_withdrawing_one_report_leaves_the_other_running(self, org, nps_case):
        publish(events.REPORT_REQUESTED, nps_case, "report:1", date(2026, 6, 1), org.officer, due_on=date(2026, 6, 15))
        publish(events.REPORT_REQUESTED, nps_case, "report:2", date(2026, 6, 2), org.officer, due_on=date(2026, 6, 20))
        publish(events.REPORT_WITHDRAWN, nps_case, "report:1", date(2026, 6, 3), org.officer)

        statuses = dict(Clock.objects.values_list("subject", "status"))
        assert statuses == {"report:1": Clock.Status.CANCELLED, "report:2": Clock.Status.OPEN}


class TestSentenceToPlan:
    def test_sentenced_opens_sl002_stopped_by_allocation(self, org, nps_case):
        # Sentenced on Thursday 2 April 2026: due by the end of Wednesday 8 April (Easter).
        publish(events.SENTENCED, nps_case, "sentence:7", date(2026, 4, 2), org.manager, disposal="community_order")
        assert clocks(nps_case)["NPS SL002"].due_on == date(2026, 4, 8)

        publish(events.ALLOCATED, nps_case, "sentence:7", date(2026, 4, 8), org.manager, disposal="community_order")

        found = clocks(nps_case)
        assert found["NPS SL002"].status == Clock.Status.MET
        # Allocation starts the first-appointment clock: 5 working days.
        assert found["NPS SL003R"].status == Clock.Status.OPEN
        assert found["NPS SL003R"].due_on == date(2026, 4, 15)

    def test_allocated_late_is_missed(self, org, nps_case):
        publish(events.SENTENCED, nps_case, "sentence:7", date(2026, 4, 2), org.manager, disposal="community_order")
        publish(events.ALLOCATED, nps_case, "sentence:7", date(2026, 4, 9), org.manager, disposal="community_order")

        assert clocks(nps_case)["NPS SL002"].status == Clock.Status.MISSED

    def test_allocated_to_a_crc_opens_the_crc_clock(self, org, crc_case):
        publish(events.ALLOCATED, crc_case, "sentence:8", date(2026, 6, 1), org.manager, disposal="community_order")

        assert set(clocks(crc_case)) == {"CRC SL001"}
        assert clocks(crc_case)["CRC SL001"].provider_type == "crc"

    def test_attended_stops_first_appointment_and_opens_the_plan_clock(self, org, settings, nps_case):
        settings.SENTENCE_PLAN_DAYS = 15
        publish(events.ALLOCATED, nps_case, "sentence:7", date(2026, 6, 1), org.manager, disposal="community_order")
        publish(
            events.APPOINTMENT_ATTENDED,
            nps_case,
            "sentence:7",
            date(2026, 6, 4),
            org.officer,
            disposal="community_order",
        )

        found = clocks(nps_case)
        assert found["NPS SL003R"].status == Clock.Status.MET
        assert found["NPS SL005R"].status == Clock.Status.OPEN
        assert found["NPS SL005R"].due_on == date(2026, 6, 25)  # 15 working days

    def test_plan_completed_stops_the_plan_clock(self, org, nps_case):
        publish(
            events.APPOINTMENT_ATTENDED,
            nps_case,
            "sentence:7",
            date(2026, 6, 1),
            org.officer,
            disposal="community_order",
        )
        due = clocks(nps_case)["NPS SL005R"].due_on
        publish(events.SENTENCE_PLAN_COMPLETED, nps_case, "sentence:7", due, org.officer)

        assert clocks(nps_case)["NPS SL005R"].status == Clock.Status.MET

    def test_a_second_appointment_opens_no_second_plan_clock(self, org, nps_case):
        for day in (date(2026, 6, 1), date(2026, 6, 8)):
            publish(events.APPOINTMENT_ATTENDED, nps_case, "sentence:7", day, org.officer, disposal="community_order")

        assert Clock.objects.filter(case=nps_case, service_level="NPS SL005R").count() == 1

    def test_a_second_publish_of_the_same_start_event_opens_nothing_new(self, org, nps_case):
        for _ in range(2):
            publish(events.SENTENCED, nps_case, "sentence:7", date(2026, 6, 1), org.manager, disposal="custody")

        assert Clock.objects.filter(case=nps_case).count() == 1

    def test_a_concurrent_duplicate_is_ignored_not_an_error(self, org, nps_case, monkeypatch):
        """Another request opened the same clock between the existence check and the insert."""
        from timeliness import registry, services

        publish(events.SENTENCED, nps_case, "sentence:7", date(2026, 6, 1), org.manager, disposal="custody")
        real_filter = Clock.objects.filter

        class _Missing:
            def exists(self):
                return False

        calls = []

        def filter_once(*args, **kwargs):
            calls.append(kwargs)
            return _Missing() if len(calls) == 1 else real_filter(*args, **kwargs)

        monkeypatch.setattr(Clock.objects, "filter", filter_once)
        event = events.CaseEvent(
            name=events.SENTENCED, case=nps_case, subject="sentence:7", on=date(2026, 6, 1), by=org.manager
        )
        with transaction.atomic():
            assert services.clock_open(level=registry.service_level("NPS SL002"), event=event) is None
        monkeypatch.undo()
        assert Clock.objects.filter(case=nps_case).count() == 1


class TestCustody:
    def test_released_opens_sl004r_stopped_by_attendance(self, org, nps_case):
        publish(events.RELEASED, nps_case, "release:7", date(2026, 12, 24), org.officer, disposal="custody")
        clock = clocks(nps_case)["NPS SL004R"]
        assert clock.due_on == date(2026, 12, 29)

        publish(events.APPOINTMENT_ATTENDED, nps_case, "release:7", date(2026, 12, 30), org.officer, disposal="custody")

        found = clocks(nps_case)
        assert found["NPS SL004R"].status == Clock.Status.MISSED
        # First contact after release starts the post-release plan clock.
        assert found["NPS SL006R"].status == Clock.Status.OPEN

    def test_crc_release(self, org, crc_case):
        publish(
            events.RELEASED, crc_case, "release:8", date(2026, 6, 1), org.other_provider_officer, disposal="custody"
        )
        publish(
            events.APPOINTMENT_ATTENDED,
            crc_case,
            "release:8",
            date(2026, 6, 2),
            org.other_provider_officer,
            disposal="custody",
        )

        found = clocks(crc_case)
        assert found["CRC SL002"].status == Clock.Status.MET
        assert found["CRC SL004"].status == Clock.Status.OPEN

    def test_screening_opens_sl013_stopped_by_the_resettlement_plan(self, org, crc_case):
        by = org.other_provider_officer
        publish(events.CUSTODY_SCREENING_COMPLETED, crc_case, "resettlement:8", date(2026, 6, 1), by)
        assert clocks(crc_case)["CRC SL013"].due_on == date(2026, 6, 8)

        publish(events.RESETTLEMENT_PLAN_COMPLETED, crc_case, "resettlement:8", date(2026, 6, 8), by)

        assert clocks(crc_case)["CRC SL013"].status == Clock.Status.MET


class TestEndsAndProviders:
    def test_case_ended_cancels_every_open_clock_and_keeps_stopped_ones(self, org, nps_case):
        publish(events.REPORT_REQUESTED, nps_case, "report:1", date(2026, 6, 1), org.officer, due_on=date(2026, 6, 5))
        publish(events.REPORT_DELIVERED, nps_case, "report:1", date(2026, 6, 5), org.officer)
        publish(events.SENTENCED, nps_case, "sentence:7", date(2026, 6, 5), org.manager, disposal="custody")
        publish(events.RELEASED, nps_case, "release:7", date(2026, 6, 5), org.officer, disposal="custody")

        publish(events.CASE_ENDED, nps_case, "sentence:7", date(2026, 6, 6), org.manager)

        statuses = {code: clock.status for code, clock in clocks(nps_case).items()}
        assert statuses == {
            "NPS SL001": Clock.Status.MET,
            "NPS SL002": Clock.Status.CANCELLED,
            "NPS SL004R": Clock.Status.CANCELLED,
        }
        assert Clock.objects.get(service_level="NPS SL002").stopped_by == org.manager

    def test_a_youth_offending_team_case_opens_no_nps_or_crc_clock(self, org):
        yot_team = factories.TeamFactory(provider=factories.ProviderFactory(yot=True))
        case = factories.CaseFactory(responsible_officer=factories.OfficerFactory(team=yot_team))
        by = case.responsible_officer
        publish(events.REPORT_REQUESTED, case, "report:3", date(2026, 6, 1), by, due_on=date(2026, 6, 8))
        publish(events.SENTENCED, case, "sentence:9", date(2026, 6, 8), by, disposal="referral_order")
        publish(events.ALLOCATED, case, "sentence:9", date(2026, 6, 8), by, disposal="referral_order")
        publish(events.APPOINTMENT_ATTENDED, case, "sentence:9", date(2026, 6, 9), by, disposal="referral_order")
        publish(events.CUSTODY_SCREENING_COMPLETED, case, "resettlement:9", date(2026, 6, 9), by)

        assert not Clock.objects.exists()

    def test_events_on_other_cases_do_not_stop_a_clock(self, org, nps_case):
        other = factories.CaseFactory(responsible_officer=org.colleague)
        publish(events.ALLOCATED, nps_case, "sentence:7", date(2026, 6, 1), org.manager, disposal="community_order")
        publish(events.APPOINTMENT_ATTENDED, other, "sentence:70", date(2026, 6, 2), org.colleague, disposal="custody")

        assert clocks(nps_case)["NPS SL003R"].status == Clock.Status.OPEN


class TestAlertsCloseWhenTheClockStops:
    def test_stop_closes_open_alerts(self, org, nps_case):
        publish(events.ALLOCATED, nps_case, "sentence:7", date(2026, 6, 1), org.manager, disposal="community_order")
        clock = Clock.objects.get()
        alert = Alert.objects.create(
            clock=clock, recipient=org.officer, kind="due_soon", created_at="2026-06-05T09:00Z"
        )

        publish(
            events.APPOINTMENT_ATTENDED,
            nps_case,
            "sentence:7",
            date(2026, 6, 5),
            org.officer,
            disposal="community_order",
        )

        alert.refresh_from_db()
        assert alert.closed_at is not None
