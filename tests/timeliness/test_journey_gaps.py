"""Clock gaps across the journey, at the timeliness level (events published as the cases services publish them):
an event dated before a clock started cannot stop it; a plan completed before the plan clock opened stops it at
once; a transfer moves open clocks to the new provider type and closes the former holders' alerts."""

from datetime import date

import pytest
from django.db import transaction

from cases import events
from cases.models import Disposal, SentencePlan
from tests import factories
from timeliness.models import Alert, Clock
from timeliness.services import alerts_raise

pytestmark = pytest.mark.django_db

# Monday 8 June 2026: no bank holiday in the weeks around it.
MONDAY = date(2026, 6, 8)


def publish(name, case, subject, on, by, **kwargs):
    with transaction.atomic():
        events.publish(name, case=case, subject=subject, on=on, by=by, **kwargs)


def clock(case, code) -> Clock | None:
    return Clock.objects.filter(case=case, service_level=code).first()


def completed_plan(sentence, on: date) -> SentencePlan:
    return factories.SentencePlanFactory(
        sentence=sentence, status=SentencePlan.Status.COMPLETED, completed_on=on, involvement="yes"
    )


@pytest.fixture
def nps_case(org):
    return factories.CaseFactory(responsible_officer=org.officer)


def released(case, by, *, on: date):
    sentence = factories.SentenceFactory(
        case=case, disposal=Disposal.CUSTODY, sentence_date=date(2025, 12, 1), length_months=12, released_on=on
    )
    publish(events.RELEASED, case, f"release:{sentence.pk}", on, by, disposal=Disposal.CUSTODY)
    return sentence


class TestStopEventsBeforeTheStart:
    def test_an_appointment_dated_before_release_does_not_stop_the_release_clock(self, org, nps_case):
        sentence = released(nps_case, org.officer, on=MONDAY)

        publish(
            events.APPOINTMENT_ATTENDED,
            nps_case,
            f"sentence:{sentence.pk}",
            date(2026, 6, 3),
            org.officer,
            disposal=Disposal.CUSTODY,
            in_custody=True,
        )

        release_clock = clock(nps_case, "NPS SL004R")
        assert (release_clock.status, release_clock.stopped_on) == (Clock.Status.OPEN, None)

    def test_an_appointment_on_the_start_day_still_stops_it(self, org, nps_case):
        sentence = released(nps_case, org.officer, on=MONDAY)

        publish(
            events.APPOINTMENT_ATTENDED,
            nps_case,
            f"sentence:{sentence.pk}",
            MONDAY,
            org.colleague,
            disposal=Disposal.CUSTODY,
        )

        release_clock = clock(nps_case, "NPS SL004R")
        assert (release_clock.status, release_clock.stopped_on, release_clock.stopped_by) == (
            Clock.Status.MET,
            MONDAY,
            org.colleague,
        )


class TestPlanCompletedBeforeThePlanClock:
    def test_a_plan_completed_before_the_first_appointment_stops_the_new_clock_as_met(self, org, nps_case):
        sentence = factories.SentenceFactory(case=nps_case, sentence_date=date(2026, 6, 1))
        completed_plan(sentence, date(2026, 6, 4))

        publish(
            events.APPOINTMENT_ATTENDED,
            nps_case,
            f"sentence:{sentence.pk}",
            MONDAY,
            org.officer,
            disposal=Disposal.COMMUNITY_ORDER,
        )

        plan_clock = clock(nps_case, "NPS SL005R")
        assert (plan_clock.status, plan_clock.started_on, plan_clock.stopped_on, plan_clock.stopped_by) == (
            Clock.Status.MET,
            MONDAY,
            MONDAY,
            org.officer,
        )
        assert Clock.objects.filter(case=nps_case, status=Clock.Status.OPEN).count() == 0

    def test_a_plan_completed_after_the_appointment_but_before_it_was_recorded_keeps_its_date(self, org, nps_case):
        sentence = factories.SentenceFactory(case=nps_case, sentence_date=date(2026, 6, 1))
        completed_plan(sentence, date(2026, 6, 30))  # the plan is due on 22 June (10 working days)

        publish(
            events.APPOINTMENT_ATTENDED,
            nps_case,
            f"sentence:{sentence.pk}",
            MONDAY,
            org.officer,
            disposal=Disposal.COMMUNITY_ORDER,
        )

        plan_clock = clock(nps_case, "NPS SL005R")
        assert (plan_clock.due_on, plan_clock.stopped_on, plan_clock.status) == (
            date(2026, 6, 22),
            date(2026, 6, 30),
            Clock.Status.MISSED,
        )

    def test_a_draft_plan_or_another_sentences_plan_leaves_the_clock_open(self, org, nps_case):
        old = factories.SentenceFactory(case=nps_case, sentence_date=date(2025, 1, 6), status="completed")
        completed_plan(old, date(2025, 1, 20))
        sentence = factories.SentenceFactory(case=nps_case, sentence_date=date(2026, 6, 1))
        factories.SentencePlanFactory(sentence=sentence)  # a draft

        publish(
            events.APPOINTMENT_ATTENDED,
            nps_case,
            f"sentence:{sentence.pk}",
            MONDAY,
            org.officer,
            disposal=Disposal.COMMUNITY_ORDER,
        )

        assert clock(nps_case, "NPS SL005R").status == Clock.Status.OPEN

    def test_crc_plan_clock_too(self, org):
        case = factories.CaseFactory(responsible_officer=org.other_provider_officer)
        sentence = factories.SentenceFactory(case=case, sentence_date=date(2026, 6, 1))
        completed_plan(sentence, MONDAY)

        publish(
            events.APPOINTMENT_ATTENDED,
            case,
            f"sentence:{sentence.pk}",
            MONDAY,
            org.other_provider_officer,
            disposal=Disposal.COMMUNITY_ORDER,
        )

        assert clock(case, "CRC SL003").status == Clock.Status.MET

    def test_after_release_only_a_plan_completed_on_or_after_release_counts(self, org, nps_case):
        sentence = released(nps_case, org.officer, on=MONDAY)
        completed_plan(sentence, date(2026, 5, 1))  # made in custody

        publish(
            events.APPOINTMENT_ATTENDED,
            nps_case,
            f"sentence:{sentence.pk}",
            date(2026, 6, 9),
            org.officer,
            disposal=Disposal.CUSTODY,
        )

        assert clock(nps_case, "NPS SL006R").status == Clock.Status.OPEN

    def test_after_release_a_plan_completed_on_the_release_day_stops_it(self, org, nps_case):
        sentence = released(nps_case, org.officer, on=MONDAY)
        completed_plan(sentence, MONDAY)

        publish(
            events.APPOINTMENT_ATTENDED,
            nps_case,
            f"sentence:{sentence.pk}",
            date(2026, 6, 9),
            org.officer,
            disposal=Disposal.CUSTODY,
        )

        plan_clock = clock(nps_case, "NPS SL006R")
        assert (plan_clock.status, plan_clock.stopped_on) == (Clock.Status.MET, date(2026, 6, 9))


class TestTransferred:
    def _overdue_clock(self, case):
        return factories.ClockFactory(case=case, started_on=date(2026, 6, 1), due_on=date(2026, 6, 5))

    def test_open_clocks_take_the_new_provider_type_and_stopped_ones_keep_theirs(self, org, nps_case):
        open_clock = self._overdue_clock(nps_case)
        stopped = factories.ClockFactory(
            case=nps_case,
            service_level="NPS SL002",
            started_on=date(2026, 5, 1),
            due_on=date(2026, 5, 5),
            stopped_on=date(2026, 5, 4),
            status=Clock.Status.MET,
        )
        nps_case.provider, nps_case.team, nps_case.responsible_officer = (
            org.crc,
            org.team_b,
            org.other_provider_officer,
        )
        nps_case.save()

        publish(events.TRANSFERRED, nps_case, f"case:{nps_case.pk}", MONDAY, org.manager)

        open_clock.refresh_from_db()
        stopped.refresh_from_db()
        assert (open_clock.provider_type, open_clock.status) == ("crc", Clock.Status.OPEN)
        assert stopped.provider_type == "nps_division"
        latest = open_clock.history.first()
        assert (latest.history_user, latest.history_change_reason) == (
            org.manager,
            "Case transferred to another provider",
        )

    def test_the_former_holders_alerts_close_and_the_next_scan_alerts_the_new_ones(self, org, nps_case):
        open_clock = self._overdue_clock(nps_case)
        alerts_raise(today=MONDAY)
        assert set(Alert.objects.filter(closed_at__isnull=True).values_list("recipient__username", flat=True)) == {
            "olivia",
            "maya",
        }
        nps_case.provider, nps_case.team, nps_case.responsible_officer = (
            org.crc,
            org.team_b,
            org.other_provider_officer,
        )
        nps_case.save()

        publish(events.TRANSFERRED, nps_case, f"case:{nps_case.pk}", MONDAY, org.manager)

        assert not Alert.objects.filter(closed_at__isnull=True).exists()
        alerts_raise(today=MONDAY)
        open_alerts = Alert.objects.filter(clock=open_clock, closed_at__isnull=True)
        assert sorted(open_alerts.values_list("recipient__username", "kind")) == [
            ("bethan", "overdue"),
            ("huw", "overdue"),
        ]

    def test_between_officers_of_a_team_the_managers_overdue_alert_stays(self, org, nps_case):
        self._overdue_clock(nps_case)
        alerts_raise(today=MONDAY)
        nps_case.responsible_officer = org.colleague
        nps_case.save()

        publish(events.TRANSFERRED, nps_case, f"case:{nps_case.pk}", MONDAY, org.manager)

        assert sorted(Alert.objects.filter(closed_at__isnull=True).values_list("recipient__username", "kind")) == [
            ("maya", "overdue")
        ]
        assert Alert.objects.get(recipient=org.officer).closed_at is not None


class TestHeldAgain:
    def test_a_case_transferred_back_alerts_its_officer_again_unread(self, org, nps_case):
        """A closed alert on a still-open clock opens again (unread) when its recipient holds the case again,
        without a second row: the unique constraint stays the idempotence guarantee."""
        open_clock = factories.ClockFactory(case=nps_case, started_on=date(2026, 6, 1), due_on=date(2026, 6, 5))
        alerts_raise(today=MONDAY)
        first = Alert.objects.get(clock=open_clock, recipient=org.officer)
        first.read_at = first.created_at
        first.save()
        for officer in (org.colleague, org.officer):
            nps_case.responsible_officer = officer
            nps_case.save()
            publish(events.TRANSFERRED, nps_case, f"case:{nps_case.pk}", MONDAY, org.manager)
            alerts_raise(today=MONDAY)

        again = Alert.objects.get(clock=open_clock, recipient=org.officer, kind=Alert.Kind.OVERDUE)
        assert again.pk == first.pk
        assert (again.closed_at, again.read_at) == (None, None)
        assert Alert.objects.get(clock=open_clock, recipient=org.colleague).closed_at is not None
        assert alerts_raise(today=MONDAY) == {"due_soon": 0, "overdue": 0}
