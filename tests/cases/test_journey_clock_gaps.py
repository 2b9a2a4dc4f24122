"""Clock gaps across the journey, through the cases services that publish the events: ending a case, recording
an attended appointment (custody judged on the appointment's day; nothing from before the sentence), sentencing
with a report still open or on a case already under supervision, transferring, and who an appointment is with."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases import events
from cases.models import Contact, Disposal, OfficerAssignment, PreSentenceReport
from cases.services import case_end
from cases.services import contacts as contact_services
from cases.services.allocation import case_transfer
from cases.services.sentencing import sentence_record
from tests import factories
from timeliness.models import Alert, Clock
from timeliness.services import alerts_raise

pytestmark = pytest.mark.django_db

# Tuesday 10 November 2026; every date used is before it.
NOW = datetime(2026, 11, 10, 11, 0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(timezone.make_aware(NOW), tick=False):
        yield


@pytest.fixture
def published():
    seen = []

    def receiver(sender, *, event, **kwargs):
        seen.append(event)

    events.case_event.connect(receiver, dispatch_uid="test_journey_clock_gaps")
    yield seen
    events.case_event.disconnect(dispatch_uid="test_journey_clock_gaps")


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def publish(name, case, subject, on, by, **kwargs):
    with transaction.atomic():
        events.publish(name, case=case, subject=subject, on=on, by=by, **kwargs)


def attend(org, case, day: date, by=None) -> Contact:
    contact = factories.ContactFactory(case=case, starts_at=at(day))
    return contact_services.appointment_record_outcome(
        by=by or org.officer, contact=contact, outcome=factories.contact_outcome("attended_complied")
    )


def clock(case, code) -> Clock | None:
    return Clock.objects.filter(case=case, service_level=code).first()


# 1. Ending a case ---------------------------------------------------------------------------------------------


class TestCaseEnd:
    def test_publishes_case_ended(self, org, published):
        case = factories.CaseFactory(responsible_officer=org.officer)

        case_end(by=org.manager, case=case, end_date=date(2026, 11, 2), outcome="completed_positively")

        assert [(e.name, e.subject, e.on, e.by) for e in published] == [
            (events.CASE_ENDED, f"case:{case.pk}", date(2026, 11, 2), org.manager)
        ]

    def test_cancels_open_clocks_and_closes_their_alerts(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer)
        overdue = factories.ClockFactory(case=case, started_on=date(2026, 10, 1), due_on=date(2026, 10, 8))
        met = factories.ClockFactory(
            case=case,
            service_level="NPS SL002",
            started_on=date(2026, 9, 1),
            due_on=date(2026, 9, 3),
            stopped_on=date(2026, 9, 2),
            status=Clock.Status.MET,
        )
        alerts_raise(today=date(2026, 11, 2))
        assert Alert.objects.filter(clock=overdue, closed_at__isnull=True).count() == 2  # officer and manager

        case_end(by=org.manager, case=case, end_date=date(2026, 11, 2), outcome="completed_positively")

        overdue.refresh_from_db()
        met.refresh_from_db()
        assert (overdue.status, overdue.stopped_on, overdue.stopped_by) == (
            Clock.Status.CANCELLED,
            date(2026, 11, 2),
            org.manager,
        )
        assert met.status == Clock.Status.MET
        assert not Alert.objects.filter(closed_at__isnull=True).exists()


# 2. Appointments before a clock's start -------------------------------------------------------------------------


class TestAppointmentDates:
    def test_an_appointment_before_the_sentence_opens_no_plan_clock_nor_stops_any(self, org, published):
        case = factories.CaseFactory(responsible_officer=org.officer)
        factories.SentenceFactory(case=case, sentence_date=date(2026, 11, 2))

        attend(org, case, date(2026, 10, 26))  # seen while the report was prepared

        assert [event.name for event in published] == [events.CONTACT_OUTCOME_RECORDED]
        assert not Clock.objects.filter(case=case).exists()

    def test_an_appointment_on_the_day_of_sentence_counts(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer)
        sentence = factories.SentenceFactory(case=case, sentence_date=date(2026, 11, 2))

        attend(org, case, date(2026, 11, 2))

        assert (clock(case, "NPS SL005R").subject, clock(case, "NPS SL005R").started_on) == (
            f"sentence:{sentence.pk}",
            date(2026, 11, 2),
        )

    def _released(self, org, case, on: date):
        sentence = factories.SentenceFactory(
            case=case, disposal=Disposal.CUSTODY, sentence_date=date(2026, 5, 4), length_months=12, released_on=on
        )
        publish(events.RELEASED, case, f"release:{sentence.pk}", on, org.officer, disposal=Disposal.CUSTODY)
        return sentence

    def test_a_prison_visit_recorded_after_release_is_in_custody(self, org, published):
        case = factories.CaseFactory(responsible_officer=org.officer)
        self._released(org, case, date(2026, 11, 4))

        attend(org, case, date(2026, 11, 2))  # a visit in prison before release, recorded afterwards

        assert published[-1].in_custody is True
        assert clock(case, "NPS SL006R") is None
        assert clock(case, "NPS SL004R").status == Clock.Status.OPEN

    def test_an_appointment_on_the_release_day_is_the_first_after_release(self, org, published):
        case = factories.CaseFactory(responsible_officer=org.officer)
        self._released(org, case, date(2026, 11, 4))

        attend(org, case, date(2026, 11, 4))

        assert published[-1].in_custody is False
        assert clock(case, "NPS SL004R").status == Clock.Status.MET
        assert clock(case, "NPS SL006R").started_on == date(2026, 11, 4)


# 3. Plan completed first (through the services) ---------------------------------------------------------------


def test_a_plan_completed_before_the_first_appointment_leaves_no_plan_clock_running(org):
    case = factories.CaseFactory(responsible_officer=org.officer)
    sentence = factories.SentenceFactory(case=case, sentence_date=date(2026, 11, 2))
    factories.SentencePlanFactory(
        sentence=sentence, status="completed", completed_on=date(2026, 11, 3), involvement="yes"
    )

    attend(org, case, date(2026, 11, 5))

    plan_clock = clock(case, "NPS SL005R")
    assert (plan_clock.status, plan_clock.stopped_on) == (Clock.Status.MET, date(2026, 11, 5))


# 4. Sentencing with a report still open -------------------------------------------------------------------------


def _awaiting_sentence_with_report(org):
    case = factories.CaseFactory(
        awaiting_sentence=True, responsible_officer=org.officer, person__date_of_birth=date(1990, 5, 1)
    )
    appearance = factories.CourtAppearanceFactory(
        case=case, court=factories.CourtFactory(region=org.region), appearance_date=date(2026, 10, 26)
    )
    report = factories.PreSentenceReportFactory(court_appearance=appearance, case=case)
    publish(
        events.REPORT_REQUESTED, case, f"report:{report.pk}", report.requested_on, org.officer, due_on=report.due_on
    )
    return case, appearance, report


class TestSentencingWithdrawsOpenReports:
    def test_an_open_report_is_withdrawn_and_its_clock_cancelled(self, org):
        case, appearance, report = _awaiting_sentence_with_report(org)

        sentence_record(
            by=org.manager,
            case=case,
            court_appearance=appearance,
            disposal=Disposal.COMMUNITY_ORDER,
            sentence_date=date(2026, 11, 2),
            length_months=12,
            requirements=[{"requirement_type": "rar", "maximum_days": 10}],
        )

        report.refresh_from_db()
        assert (report.status, report.withdrawn_reason) == (
            PreSentenceReport.Status.WITHDRAWN,
            "Sentenced before the report was delivered",
        )
        assert report.history.first().history_user == org.manager
        report_clock = clock(case, "NPS SL001")
        assert (report_clock.status, report_clock.stopped_on, report_clock.stopped_by) == (
            Clock.Status.CANCELLED,
            date(2026, 11, 2),
            org.manager,
        )
        assert clock(case, "NPS SL002").status == Clock.Status.OPEN

    def test_a_delivered_report_is_left_alone(self, org):
        case, appearance, report = _awaiting_sentence_with_report(org)
        report.status, report.delivered_on = PreSentenceReport.Status.DELIVERED, date(2026, 10, 30)
        report.save()
        publish(events.REPORT_DELIVERED, case, f"report:{report.pk}", date(2026, 10, 30), org.officer)

        sentence_record(
            by=org.manager,
            case=case,
            court_appearance=appearance,
            disposal=Disposal.COMMUNITY_ORDER,
            sentence_date=date(2026, 11, 2),
            length_months=12,
            requirements=[{"requirement_type": "rar", "maximum_days": 10}],
        )

        report.refresh_from_db()
        assert (report.status, report.withdrawn_reason) == (PreSentenceReport.Status.DELIVERED, "")
        assert clock(case, "NPS SL001").status == Clock.Status.MET


# 5. A new order while under supervision ---------------------------------------------------------------------------


def test_sentencing_an_active_crc_case_publishes_allocated_and_opens_the_first_appointment_clock(org, published):
    case = factories.CaseFactory(responsible_officer=org.other_provider_officer, person__date_of_birth=date(1990, 5, 1))

    sentence = sentence_record(
        by=org.other_provider_manager,
        case=case,
        disposal=Disposal.COMMUNITY_ORDER,
        sentence_date=date(2026, 11, 2),
        length_months=12,
        requirements=[{"requirement_type": "rar", "maximum_days": 10}],
    )

    assert [(e.name, e.subject, e.on, e.disposal) for e in published] == [
        (events.ALLOCATED, f"sentence:{sentence.pk}", date(2026, 11, 2), Disposal.COMMUNITY_ORDER)
    ]
    first = clock(case, "CRC SL001")
    assert (first.started_on, first.due_on, first.status) == (date(2026, 11, 2), date(2026, 11, 9), Clock.Status.OPEN)


# 6. Transfers -----------------------------------------------------------------------------------------------------


def _held_nps_case(org):
    case = factories.CaseFactory(responsible_officer=org.officer, start_date=date(2026, 1, 5))
    factories.SentenceFactory(case=case, sentence_date=date(2026, 1, 5))
    factories.OfficerAssignmentFactory(case=case, start_date=date(2026, 1, 6))
    factories.RoshAssessmentFactory(person=case.person, risk_to_public=2, risk_to_known_adults=1)
    return case


class TestTransfer:
    def test_between_providers_moves_open_clocks_and_the_old_officers_alerts(self, org):
        case = _held_nps_case(org)
        overdue = factories.ClockFactory(case=case, started_on=date(2026, 10, 1), due_on=date(2026, 10, 8))
        alerts_raise(today=date(2026, 11, 9))

        case_transfer(
            by=org.manager,
            case=case,
            team=org.team_b,
            responsible_officer=org.other_provider_officer,
            reason=OfficerAssignment.Reason.RISK_DECREASED,
            on=date(2026, 11, 9),
        )

        overdue.refresh_from_db()
        assert (overdue.provider_type, overdue.status) == ("crc", Clock.Status.OPEN)
        assert overdue.history.first().history_user == org.manager
        assert not Alert.objects.filter(closed_at__isnull=True).exists()
        alerts_raise(today=date(2026, 11, 10))
        assert sorted(Alert.objects.filter(closed_at__isnull=True).values_list("recipient__username", flat=True)) == [
            "bethan",
            "huw",
        ]

    def test_between_officers_the_old_officers_alerts_close(self, org, published):
        case = _held_nps_case(org)
        factories.ClockFactory(case=case, started_on=date(2026, 10, 1), due_on=date(2026, 10, 8))
        alerts_raise(today=date(2026, 11, 9))

        case_transfer(
            by=org.manager,
            case=case,
            team=org.team_a,
            responsible_officer=org.colleague,
            reason=OfficerAssignment.Reason.WORKLOAD,
            on=date(2026, 11, 9),
        )

        assert [(e.name, e.subject, e.on) for e in published] == [
            (events.TRANSFERRED, f"case:{case.pk}", date(2026, 11, 9))
        ]
        assert Alert.objects.get(recipient=org.officer).closed_at is not None
        assert Alert.objects.get(recipient=org.manager).closed_at is None
        assert Clock.objects.get(case=case).provider_type == "nps_division"


# 7. Who an appointment is with -------------------------------------------------------------------------------------


def _book(org, case, staff):
    return contact_services.appointment_book(
        by=org.officer,
        case=case,
        contact_type=Contact.ContactType.OFFICE_APPOINTMENT,
        starts_at=timezone.now() + timedelta(days=2),
        method=Contact.Method.FACE_TO_FACE,
        duration_minutes=45,
        location="Manchester North probation office",
        staff=staff,
    )


class TestAppointmentStaff:
    def test_staff_of_another_provider_is_refused(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer)

        with pytest.raises(ValidationError) as error:
            _book(org, case, org.other_provider_officer)

        assert error.value.message_dict == {
            "staff": ["Bethan Barker does not work for NPS North West. Choose a member of staff of NPS North West."]
        }
        assert not Contact.objects.exists()

    def test_staff_of_another_team_of_the_same_provider_is_accepted(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer)

        assert _book(org, case, org.other_team_officer).staff == org.other_team_officer

    def test_a_contact_recorded_with_another_providers_staff_is_refused_too(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer)

        with pytest.raises(ValidationError) as error:
            contact_services.contact_record(
                by=org.officer,
                case=case,
                contact_type=Contact.ContactType.TELEPHONE_CALL,
                starts_at=timezone.now(),
                method=Contact.Method.TELEPHONE,
                notes="Rang about the job.",
                staff=org.other_provider_manager,
            )

        assert "Choose a member of staff of NPS North West." in error.value.message_dict["staff"][0]
