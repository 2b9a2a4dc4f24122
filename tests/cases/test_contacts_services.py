"""Appointments and the contact log: every rule of cases.services.contacts, its message, nothing written on
refusal, the acting user in history, and the clocks an attended outcome stops and opens."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import events
from cases.models import Case, Contact, Disposal
from cases.services import contacts as contact_services
from tests import factories
from timeliness.calendar import add_days
from timeliness.models import Clock

pytestmark = pytest.mark.django_db

# A Tuesday with no bank holiday near it: working-day arithmetic is plain.
TODAY = datetime(2026, 3, 10, 11, 0)


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.make_aware(TODAY), tick=False):
        yield


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def _case(org, **kwargs) -> Case:
    kwargs.setdefault("responsible_officer", org.officer)
    return factories.CaseFactory(**kwargs)


def _book(org, case, **overrides) -> Contact:
    kwargs = {
        "by": org.officer,
        "case": case,
        "contact_type": Contact.ContactType.OFFICE_APPOINTMENT,
        "starts_at": timezone.now() + timedelta(days=2),
        "method": Contact.Method.FACE_TO_FACE,
        "duration_minutes": 45,
        "location": "Manchester North probation office",
    }
    kwargs.update(overrides)
    return contact_services.appointment_book(**kwargs)


def _record(org, case, **overrides) -> Contact:
    kwargs = {
        "by": org.officer,
        "case": case,
        "contact_type": Contact.ContactType.TELEPHONE_CALL,
        "starts_at": timezone.now() - timedelta(hours=1),
        "method": Contact.Method.TELEPHONE,
        "notes": "Rang to check on the new job; going well.",
    }
    kwargs.update(overrides)
    return contact_services.contact_record(**kwargs)


def _past_appointment(case, **kwargs) -> Contact:
    kwargs.setdefault("starts_at", timezone.now() - timedelta(hours=2))
    return factories.ContactFactory(case=case, **kwargs)


def _outcome(org, contact, code="attended_complied", **kwargs) -> Contact:
    return contact_services.appointment_record_outcome(
        by=kwargs.pop("by", org.officer), contact=contact, outcome=factories.contact_outcome(code), **kwargs
    )


def _refused(call, field: str) -> list[str]:
    count = Contact.objects.count()
    with pytest.raises(ValidationError) as error:
        call()
    assert Contact.objects.count() == count, "nothing is written when a rule refuses"
    return error.value.message_dict[field]


# Booking -----------------------------------------------------------------------------------------------------


class TestAppointmentBook:
    def test_books_with_the_responsible_officer_and_records_who_booked(self, org):
        case = _case(org)

        contact = _book(org, case, by=org.colleague, with_whom="Interpreter (Polish)", notes="Bring payslips")

        contact.refresh_from_db()
        assert contact.is_appointment is True
        assert contact.staff == org.officer
        assert contact.recorded_by == org.colleague
        assert (contact.with_whom, contact.notes, contact.duration_minutes) == (
            "Interpreter (Polish)",
            "Bring payslips",
            45,
        )
        assert contact.outcome is None and contact.outcome_recorded_at is None
        entry = contact.history.get()
        assert entry.history_user == org.colleague
        assert entry.history_change_reason == "Appointment booked"

    def test_books_with_another_member_of_staff(self, org):
        contact = _book(org, _case(org), staff=org.colleague)

        assert contact.staff == org.colleague

    def test_refuses_an_ended_case(self, org):
        case = _case(org, ended=True)

        messages = _refused(lambda: _book(org, case), "case")

        assert messages == ["This case has ended: appointments can only be added to an open case."]

    def test_refuses_a_member_of_staff_who_has_left(self, org):
        org.colleague.is_active = False
        org.colleague.save()

        messages = _refused(lambda: _book(org, _case(org), staff=org.colleague), "staff")

        assert messages == ["Colin Cartwright is not an active member of probation staff: choose someone who is."]

    def test_refuses_someone_who_is_not_probation_staff(self, org):
        messages = _refused(lambda: _book(org, _case(org), staff=org.court_user), "staff")

        assert messages == ["Connor Clarke is not an active member of probation staff: choose someone who is."]

    def test_a_case_without_an_officer_needs_someone_named(self, org):
        case = factories.CaseFactory(awaiting_allocation=True, provider=org.nps)

        messages = _refused(lambda: _book(org, case), "staff")

        assert messages == ["This case has no responsible officer yet: choose who the person will see."]
        assert _book(org, case, staff=org.officer).staff == org.officer

    def test_face_to_face_needs_a_location(self, org):
        case = _case(org)

        messages = _refused(lambda: _book(org, case, location="  "), "location")

        assert messages == ["Enter where the appointment will be: face to face appointments need a location."]
        assert _book(org, case, method=Contact.Method.TELEPHONE, location="").location == ""

    @pytest.mark.parametrize("minutes", [0, 4, 481, 600])
    def test_duration_out_of_range(self, org, minutes):
        messages = _refused(lambda: _book(org, _case(org), duration_minutes=minutes), "duration_minutes")

        assert messages == ["The duration must be between 5 and 480 minutes (8 hours)."]

    @pytest.mark.parametrize("minutes", [5, 480, None])
    def test_duration_in_range_or_not_given(self, org, minutes):
        assert _book(org, _case(org), duration_minutes=minutes).duration_minutes == minutes

    def test_not_more_than_a_year_ahead(self, org, frozen):
        case = _case(org)

        messages = _refused(lambda: _book(org, case, starts_at=at(date(2027, 3, 10), 11, 1)), "starts_at")

        assert messages == ["An appointment cannot be booked more than a year ahead."]
        assert _book(org, case, starts_at=at(date(2027, 3, 10), 11, 0)).pk

    def test_may_be_in_the_past_when_recorded_late(self, org, frozen):
        contact = _book(org, _case(org), starts_at=at(date(2026, 3, 2)))

        assert contact.starts_at == at(date(2026, 3, 2))

    def test_not_before_the_case_started(self, org):
        case = _case(org, start_date=date(2025, 6, 1))

        messages = _refused(lambda: _book(org, case, starts_at=at(date(2025, 5, 31))), "starts_at")

        assert messages == ["The date cannot be before the case started (1 June 2025)."]

    def test_an_email_or_letter_is_not_an_appointment(self, org):
        messages = _refused(
            lambda: _book(org, _case(org), contact_type=Contact.ContactType.EMAIL_OR_LETTER), "contact_type"
        )

        assert messages == ["An email or letter is not an appointment: record it as a contact instead."]

    def test_unknown_type_and_written_method(self, org):
        with pytest.raises(ValidationError) as error:
            _book(org, _case(org), contact_type="seance", method=Contact.Method.WRITTEN)

        assert error.value.message_dict == {
            "contact_type": ["Choose the type of contact from the list."],
            "method": ["Choose how the contact happens: face to face, telephone, video call."],
        }
        assert not Contact.objects.exists()

    def test_naive_datetime_refused(self, org):
        messages = _refused(lambda: _book(org, _case(org), starts_at=datetime(2026, 3, 12, 10, 0)), "starts_at")

        assert messages == ["The date and time must include a time zone."]

    def test_every_problem_at_once(self, org):
        case = _case(org, ended=True)

        with pytest.raises(ValidationError) as error:
            _book(org, case, location="", duration_minutes=1000, staff=org.court_user)

        assert set(error.value.message_dict) == {"case", "location", "duration_minutes", "staff"}


# Other contacts ----------------------------------------------------------------------------------------------


class TestContactRecord:
    def test_records_a_contact_that_is_not_an_appointment(self, org):
        case = _case(org)

        contact = _record(org, case, staff=org.officer, with_whom="Housing officer", duration_minutes=10)

        contact.refresh_from_db()
        assert contact.is_appointment is False
        assert contact.outcome is None
        assert contact.notes == "Rang to check on the new job; going well."
        assert contact.staff == org.officer
        entry = contact.history.get()
        assert (entry.history_user, entry.history_change_reason) == (org.officer, "Contact recorded")

    def test_a_letter_can_be_recorded(self, org):
        contact = _record(
            org, _case(org), contact_type=Contact.ContactType.EMAIL_OR_LETTER, method=Contact.Method.WRITTEN
        )

        assert contact.method == Contact.Method.WRITTEN

    def test_not_in_the_future(self, org):
        messages = _refused(
            lambda: _record(org, _case(org), starts_at=timezone.now() + timedelta(minutes=5)), "starts_at"
        )

        assert messages == ["A contact cannot be in the future: book an appointment instead."]

    def test_notes_are_required(self, org):
        messages = _refused(lambda: _record(org, _case(org), notes="   "), "notes")

        assert messages == ["Enter notes: say what happened."]

    def test_refuses_an_ended_case(self, org):
        messages = _refused(lambda: _record(org, _case(org, ended=True)), "case")

        assert messages == ["This case has ended: contacts can only be added to an open case."]

    def test_staff_must_be_active(self, org):
        org.colleague.is_active = False
        org.colleague.save()

        messages = _refused(lambda: _record(org, _case(org), staff=org.colleague), "staff")

        assert "not an active member of probation staff" in messages[0]


# Outcomes ----------------------------------------------------------------------------------------------------


class TestRecordOutcome:
    def test_records_the_outcome_and_when(self, org, frozen):
        contact = _past_appointment(_case(org), notes="Induction")

        result = _outcome(org, contact, by=org.colleague, notes="Went through the order and its requirements.")

        result.refresh_from_db()
        assert result.outcome.code == "attended_complied"
        assert result.outcome_recorded_at == timezone.now()
        assert result.notes == "Induction\n\nWent through the order and its requirements."
        entry = result.history.latest()
        assert entry.history_user == org.colleague
        assert entry.history_change_reason == "Outcome recorded: Attended and complied"

    def test_only_an_appointment_has_an_outcome(self, org):
        contact = _record(org, _case(org))

        messages = _refused(lambda: _outcome(org, contact), "outcome")

        assert messages == ["Only an appointment has an outcome: this contact was not booked as one."]
        contact.refresh_from_db()
        assert contact.outcome is None

    def test_not_before_the_appointment_has_started(self, org):
        contact = factories.ContactFactory(case=_case(org), starts_at=timezone.now() + timedelta(minutes=10))

        messages = _refused(lambda: _outcome(org, contact), "outcome")

        assert messages == ["You can record the outcome once the appointment has started"]
        contact.refresh_from_db()
        assert contact.outcome is None

    def test_an_outcome_switched_off_cannot_be_used(self, org):
        retired = factories.contact_outcome("rescheduled_by_person")
        retired.active = False
        retired.save()
        contact = _past_appointment(_case(org))

        messages = _refused(lambda: _outcome(org, contact, "rescheduled_by_person"), "outcome")

        assert messages == [
            "The outcome \u201cRescheduled at the person's request\u201d is no longer in use: choose another."
        ]

    def test_an_acceptable_absence_needs_a_reason(self, org):
        contact = _past_appointment(_case(org))

        messages = _refused(lambda: _outcome(org, contact, "acceptable_absence"), "absence_reason")

        assert messages == ["Choose why the absence was acceptable: an acceptable absence needs a reason."]
        contact.refresh_from_db()
        assert contact.outcome is None

    def test_an_unknown_reason_is_refused(self, org):
        contact = _past_appointment(_case(org))

        messages = _refused(
            lambda: _outcome(org, contact, "acceptable_absence", absence_reason="hangover"), "absence_reason"
        )

        assert messages == ["Choose a reason for the absence from the list."]

    def test_other_needs_details(self, org):
        contact = _past_appointment(_case(org))

        messages = _refused(
            lambda: _outcome(org, contact, "acceptable_absence", absence_reason="other"), "absence_reason_details"
        )

        assert messages == ["Describe the reason for the absence when it is \u201cOther\u201d."]

    def test_acceptable_absence_with_its_reason(self, org):
        contact = _past_appointment(_case(org))

        result = _outcome(
            org,
            contact,
            "acceptable_absence",
            absence_reason="other",
            absence_reason_details="Bereavement: funeral of his grandmother (order of service seen)",
        )

        result.refresh_from_db()
        assert (result.outcome.code, result.absence_reason) == ("acceptable_absence", "other")
        assert result.absence_reason_details.startswith("Bereavement")

    @pytest.mark.parametrize("code", ["unacceptable_absence", "attended_complied"])
    def test_other_outcomes_have_no_absence_reason(self, org, code):
        contact = _past_appointment(_case(org))

        messages = _refused(lambda: _outcome(org, contact, code, absence_reason="medical"), "absence_reason")

        name = factories.contact_outcome(code).name
        assert messages == [f"Only an acceptable absence has a reason: leave the reason empty for \u201c{name}\u201d."]

    def test_details_without_an_acceptable_absence_are_refused(self, org):
        contact = _past_appointment(_case(org))

        _refused(
            lambda: _outcome(org, contact, "unacceptable_absence", absence_reason_details="Overslept"), "absence_reason"
        )

    def test_an_outcome_is_never_overwritten(self, org, frozen):
        contact = _past_appointment(_case(org))
        _outcome(org, contact, "unacceptable_absence")

        with pytest.raises(ValidationError) as error:
            _outcome(org, contact, "acceptable_absence", absence_reason="medical", by=org.colleague)

        assert error.value.message_dict["outcome"] == [
            "An outcome was already recorded for this appointment (Unacceptable absence, on 10 March 2026). "
            "It cannot be changed."
        ]
        contact.refresh_from_db()
        assert contact.outcome.code == "unacceptable_absence"
        assert contact.history.count() == 2  # created, outcome recorded: nothing more


# Clocks ------------------------------------------------------------------------------------------------------


@pytest.fixture
def published():
    """Every case event published while the test runs."""
    seen = []

    def receiver(sender, *, event, **kwargs):
        seen.append(event)

    events.case_event.connect(receiver, dispatch_uid="test_contacts_published")
    yield seen
    events.case_event.disconnect(dispatch_uid="test_contacts_published")


def _allocated(case, sentence, on: date, by):
    events.publish(
        events.ALLOCATED,
        case=case,
        subject=f"sentence:{sentence.pk}",
        on=on,
        by=by,
        disposal=sentence.disposal,
        in_custody=False,
    )


def _clock(case, code) -> Clock | None:
    return Clock.objects.filter(case=case, service_level=code).first()


class TestClocks:
    def test_attended_stops_the_first_appointment_clock_met_and_opens_the_plan_clock(self, org, frozen, published):
        case = _case(org)  # held by NPS (Manchester North)
        sentence = factories.SentenceFactory(case=case, sentence_date=date(2026, 3, 5))
        _allocated(case, sentence, date(2026, 3, 9), org.manager)
        first = _clock(case, "NPS SL003R")
        assert first.status == Clock.Status.OPEN and first.due_on == date(2026, 3, 16)
        contact = _past_appointment(case, starts_at=at(date(2026, 3, 10), 9, 30))

        _outcome(org, contact, "attended_complied")

        first.refresh_from_db()
        assert (first.status, first.stopped_on, first.stopped_by) == (Clock.Status.MET, date(2026, 3, 10), org.officer)
        plan = _clock(case, "NPS SL005R")
        assert plan.status == Clock.Status.OPEN
        assert plan.subject == f"sentence:{sentence.pk}"
        assert plan.started_on == date(2026, 3, 10)
        assert plan.due_on == add_days(date(2026, 3, 10), 10, working=True) == date(2026, 3, 24)
        assert plan.opened_by == org.officer
        attended = [event for event in published if event.name == events.APPOINTMENT_ATTENDED]
        assert len(attended) == 1
        assert (attended[0].subject, attended[0].disposal, attended[0].in_custody, attended[0].on) == (
            f"sentence:{sentence.pk}",
            Disposal.COMMUNITY_ORDER,
            False,
            date(2026, 3, 10),
        )

    def test_attended_late_stops_the_clock_as_missed(self, org, frozen):
        case = _case(org)
        sentence = factories.SentenceFactory(case=case, sentence_date=date(2026, 2, 16))
        _allocated(case, sentence, date(2026, 2, 18), org.manager)  # due 25 February
        contact = _past_appointment(case, starts_at=at(date(2026, 3, 2)))

        _outcome(org, contact, "attended_failed_to_comply")  # attended, even if it went badly

        first = _clock(case, "NPS SL003R")
        assert (first.status, first.stopped_on) == (Clock.Status.MISSED, date(2026, 3, 2))
        assert _clock(case, "NPS SL005R").started_on == date(2026, 3, 2)

    @pytest.mark.parametrize(
        ("code", "reason"),
        [("unacceptable_absence", ""), ("acceptable_absence", "medical"), ("rescheduled_by_service", "")],
    )
    def test_no_attendance_stops_nothing_and_opens_nothing(self, org, frozen, published, code, reason):
        case = _case(org)
        sentence = factories.SentenceFactory(case=case, sentence_date=date(2026, 3, 5))
        _allocated(case, sentence, date(2026, 3, 9), org.manager)
        contact = _past_appointment(case, starts_at=at(date(2026, 3, 10), 9))

        _outcome(org, contact, code, absence_reason=reason)

        assert _clock(case, "NPS SL003R").status == Clock.Status.OPEN
        assert not Clock.objects.filter(case=case, service_level__in=["NPS SL005R", "NPS SL006R"]).exists()
        # (An unacceptable absence is also a failure to comply: enforcement publishes its own event.)
        ours = [event.name for event in published if not event.subject.startswith("failure:")]
        assert ours == [events.ALLOCATED, events.CONTACT_OUTCOME_RECORDED]

    def test_custody_not_yet_released_opens_no_plan_clock(self, org, frozen, published):
        case = _case(org)
        factories.SentenceFactory(
            case=case, disposal=Disposal.CUSTODY, sentence_date=date(2026, 1, 5), length_months=24
        )
        contact = _past_appointment(case, starts_at=at(date(2026, 3, 10), 9))

        _outcome(org, contact, "attended_complied")

        assert published[-1].in_custody is True
        assert published[-1].disposal == Disposal.CUSTODY
        assert not Clock.objects.filter(case=case).exists()

    def test_after_release_stops_the_release_clock_and_opens_the_licence_plan_clock(self, org, frozen):
        case = _case(org)
        sentence = factories.SentenceFactory(
            case=case, disposal=Disposal.CUSTODY, sentence_date=date(2025, 9, 1), length_months=12
        )
        sentence.released_on = date(2026, 3, 9)
        sentence.save()
        events.publish(
            events.RELEASED,
            case=case,
            subject=f"release:{sentence.pk}",
            on=date(2026, 3, 9),
            by=org.officer,
            disposal=Disposal.CUSTODY,
        )
        contact = _past_appointment(case, starts_at=at(date(2026, 3, 10), 9))

        _outcome(org, contact, "attended_complied")

        released = _clock(case, "NPS SL004R")
        assert (released.status, released.stopped_on) == (Clock.Status.MET, date(2026, 3, 10))
        assert _clock(case, "NPS SL006R").status == Clock.Status.OPEN
        assert _clock(case, "NPS SL005R") is None

    def test_crc_case_stops_crc_sl001_and_opens_crc_sl003(self, org, frozen):
        case = _case(org, responsible_officer=org.other_provider_officer)
        sentence = factories.SentenceFactory(case=case, sentence_date=date(2026, 3, 5))
        _allocated(case, sentence, date(2026, 3, 9), org.other_provider_manager)
        contact = _past_appointment(case, starts_at=at(date(2026, 3, 10), 9))

        _outcome(org, contact, "attended_complied", by=org.other_provider_officer)

        assert _clock(case, "CRC SL001").status == Clock.Status.MET
        assert _clock(case, "CRC SL003").status == Clock.Status.OPEN
        assert not Clock.objects.filter(case=case, service_level__startswith="NPS").exists()

    def test_a_second_attended_appointment_opens_no_second_plan_clock(self, org, frozen):
        case = _case(org)
        factories.SentenceFactory(case=case, sentence_date=date(2026, 3, 2))
        first = _past_appointment(case, starts_at=at(date(2026, 3, 9), 9))
        second = _past_appointment(case, starts_at=at(date(2026, 3, 10), 9))

        _outcome(org, first)
        _outcome(org, second)

        plan = Clock.objects.get(case=case, service_level="NPS SL005R")
        assert plan.started_on == date(2026, 3, 9)

    def test_without_a_current_sentence_the_subject_is_the_case(self, org, frozen, published):
        case = _case(org)
        open_clock = factories.ClockFactory(case=case, started_on=date(2026, 3, 9), due_on=date(2026, 3, 16))
        contact = _past_appointment(case, starts_at=at(date(2026, 3, 10), 9))

        _outcome(org, contact)

        assert (published[-1].subject, published[-1].disposal, published[-1].in_custody) == (
            f"case:{case.pk}",
            "",
            False,
        )
        open_clock.refresh_from_db()
        assert open_clock.status == Clock.Status.MET
        assert not Clock.objects.filter(case=case).exclude(pk=open_clock.pk).exists()

    def test_an_ended_case_publishes_only_the_outcome(self, org, frozen, published):
        case = _case(org)
        contact = _past_appointment(case, starts_at=at(date(2026, 3, 2), 9))
        factories.SentenceFactory(case=case, sentence_date=date(2026, 2, 2))
        Case.objects.filter(pk=case.pk).update(status=Case.Status.ENDED, end_date=date(2026, 3, 5))

        _outcome(org, contact)

        contact.refresh_from_db()
        assert contact.outcome.code == "attended_complied"
        assert [event.name for event in published] == [events.CONTACT_OUTCOME_RECORDED]
        assert not Clock.objects.filter(case=case).exists()


def test_one_year_after_handles_29_february():
    moment = timezone.make_aware(datetime(2028, 2, 29, 12, 0))

    assert contact_services.one_year_after(moment) == timezone.make_aware(datetime(2029, 2, 28, 12, 0))
