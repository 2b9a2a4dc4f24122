"""Failures to comply from the unpaid work register (enforcement.services.compliance.failure_record_for_unpaid_work,
called by the receiver of UNPAID_WORK_OUTCOME_RECORDED): recorded, withdrawn when a manager corrects the outcome,
reinstated when corrected back, and left alone once decided.

Set-up from tests/interventions/test_unpaid_work_setup.py: today is Wednesday 25 November 2026, 10:00; Stockport
CRC runs the unpaid work, `upw.supervisor` (sam) supervises, `upw.manager` (huw) manages and corrects,
`upw.officer` (bethan) holds the cases.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from enforcement.models import ComplianceFailure, WarningLetter
from enforcement.services import compliance as services
from interventions.models import UnpaidWorkAttendance
from interventions.services.unpaid_work import attendance_record, register_record
from tests import factories
from tests.interventions import test_unpaid_work_setup as setup
from tests.interventions.test_unpaid_work_setup import TODAY, booking, outcome_fields, session, upw_requirement
from timeliness.models import Clock

frozen = setup.frozen
upw = setup.upw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

Status = UnpaidWorkAttendance.Status
SESSION_DAY = date(2026, 11, 23)  # a Monday


@pytest.fixture
def booked(org, upw):
    """Casey Worker's 100-hour requirement (from 2 November 2026) booked on Monday 23 November at Park Road."""
    requirement = upw_requirement(upw.officer, first_name="Casey", last_name="Worker")
    return booking(requirement, session(upw.project, on=SESSION_DAY, supervisor=upw.supervisor))


def record(attendance, status: str, *, by, **overrides):
    return attendance_record(by=by, attendance=attendance, **outcome_fields(status, **overrides))


def clock_statuses(made: ComplianceFailure) -> dict[str, tuple]:
    return {
        clock.service_level: (clock.status, clock.stopped_on)
        for clock in Clock.objects.filter(subject=f"failure:{made.pk}")
    }


def latest(record):
    return record.history.order_by("-history_id").first()


# Recording -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "label", "reason"),
    [
        ("unacceptable_absence", "Unacceptable absence", "No reason given."),
        ("sent_home_behaviour", "Sent home (behaviour)", "Abusive to the supervisor."),
    ],
)
def test_an_enforceable_unpaid_work_outcome_records_a_failure(upw, booked, status, label, reason):
    record(booked, status, by=upw.supervisor, reason=reason)

    made = ComplianceFailure.objects.get()
    sentence = booked.requirement.sentence
    assert (
        made.case,
        made.sentence,
        made.source,
        made.contact,
        made.unpaid_work_attendance,
        made.failed_on,
        made.outcome,
        made.details,
        made.decision_due_on,
        made.status,
        made.recorded_by,
    ) == (
        sentence.case,
        sentence,
        "unpaid_work",
        None,
        booked,
        SESSION_DAY,
        label,
        f"Unpaid work session at Park Road allotments, 09:00 to 16:00. {reason}",
        date(2026, 11, 25),
        "awaiting_decision",
        upw.supervisor,
    )
    entry = made.history.get()
    assert (entry.history_user, entry.history_change_reason) == (upw.supervisor, "Failure to comply recorded")
    assert clock_statuses(made) == {"LOCAL EN1": ("open", None)}


@pytest.mark.parametrize(
    ("status", "overrides"),
    [
        ("attended", {}),
        ("stood_down", {"reason": "No van to the site."}),
        ("acceptable_absence", {"reason": "Hospital appointment, letter seen."}),
    ],
)
def test_an_outcome_that_is_not_enforceable_records_no_failure(upw, booked, status, overrides):
    record(booked, status, by=upw.supervisor, **overrides)

    assert UnpaidWorkAttendance.objects.get(pk=booked.pk).status == status
    assert not ComplianceFailure.objects.exists()
    assert not Clock.objects.filter(service_level__startswith="LOCAL EN").exists()


def test_the_register_records_a_failure_for_each_enforceable_row_once(org, upw):
    on_session = session(upw.project, on=SESSION_DAY, supervisor=upw.supervisor)
    absent = booking(upw_requirement(upw.officer), on_session)
    present = booking(upw_requirement(upw.officer), on_session)
    sent_home = booking(upw_requirement(upw.officer), on_session)
    entries = [
        {"attendance": absent.pk, **outcome_fields("unacceptable_absence", reason="Did not turn up.")},
        {"attendance": present.pk, **outcome_fields("attended")},
        {"attendance": sent_home.pk, **outcome_fields("sent_home_behaviour", reason="Refused to work.")},
    ]

    register_record(by=upw.supervisor, session=on_session, entries=entries)
    register_record(by=upw.supervisor, session=on_session, entries=entries)  # saved again: nothing new

    assert sorted(ComplianceFailure.objects.values_list("unpaid_work_attendance", "outcome")) == sorted(
        [(absent.pk, "Unacceptable absence"), (sent_home.pk, "Sent home (behaviour)")]
    )
    assert ComplianceFailure.history.count() == 2
    assert Clock.objects.filter(service_level="LOCAL EN1").count() == 2


def test_a_session_today_is_due_two_working_days_later(org, upw):
    attendance = booking(upw_requirement(upw.officer), session(upw.project, supervisor=upw.supervisor))

    record(attendance, "unacceptable_absence", by=upw.supervisor)

    made = ComplianceFailure.objects.get()
    assert (made.failed_on, made.decision_due_on) == (TODAY, date(2026, 11, 27))


def test_the_case_officer_decides_an_unpaid_work_failure(upw, booked):
    record(booked, "unacceptable_absence", by=upw.supervisor)
    made = ComplianceFailure.objects.get()

    services.failure_decide(by=upw.officer, failure=made, decision="first_warning")

    letter = WarningLetter.objects.get()
    assert letter.body.split("\n\n")[2] == (
        "On 23 November 2026 you failed to comply: unacceptable absence. Unpaid work session at Park Road "
        "allotments, 09:00 to 16:00. Reason given on the day."
    )
    assert letter.signatory == "Bethan Barker, Stockport CRC"
    with pytest.raises(ValidationError) as caught:
        services.failure_decide(by=upw.supervisor, failure=made, decision="breach")
    assert caught.value.messages == ["Only the responsible officer or a manager of the case's team can decide this."]
    with pytest.raises(ValidationError) as caught:
        services.failure_decide(by=upw.manager, failure=made, decision="breach")
    assert caught.value.messages == [
        "This failure was decided on 25 November 2026 (first warning letter). A decision cannot be changed."
    ]


# Corrections -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "label"),
    [
        ("acceptable_absence", "acceptable absence"),
        ("attended", "attended"),
        ("stood_down", "stood down or sent home by the service (not the person's fault)"),
    ],
)
def test_correcting_to_an_outcome_that_is_not_enforceable_withdraws_the_failure(upw, booked, status, label):
    record(booked, "unacceptable_absence", by=upw.supervisor)
    made = ComplianceFailure.objects.get()

    record(booked, status, by=upw.manager, reason="" if status == "attended" else "Corrected on evidence.")

    made.refresh_from_db()
    assert (made.status, made.withdrawn_on, made.decision, made.decided_on) == ("withdrawn", TODAY, "", None)
    assert ComplianceFailure.objects.count() == 1
    entry = latest(made)
    assert (entry.history_user, entry.history_change_reason) == (
        upw.manager,
        "Withdrawn: the outcome was corrected",
    )
    assert clock_statuses(made) == {"LOCAL EN1": ("cancelled", TODAY)}


def test_a_withdrawn_failure_cannot_be_decided(upw, booked):
    record(booked, "unacceptable_absence", by=upw.supervisor)
    record(booked, "acceptable_absence", by=upw.manager)
    made = ComplianceFailure.objects.get()
    before = (made.history.count(), clock_statuses(made))

    with pytest.raises(ValidationError) as caught:
        services.failure_decide(by=upw.officer, failure=made, decision="first_warning")

    assert caught.value.messages == [
        "This failure was withdrawn: its outcome was corrected. A decision cannot be changed."
    ]
    made.refresh_from_db()
    assert made.status == "withdrawn"
    assert (made.history.count(), clock_statuses(made)) == before
    assert not WarningLetter.objects.exists()


@pytest.mark.parametrize(
    ("back_to", "label"),
    [("unacceptable_absence", "Unacceptable absence"), ("sent_home_behaviour", "Sent home (behaviour)")],
)
def test_correcting_back_reinstates_the_same_failure(upw, booked, back_to, label):
    record(booked, "unacceptable_absence", by=upw.supervisor)
    made = ComplianceFailure.objects.get()
    record(booked, "acceptable_absence", by=upw.manager)

    record(booked, back_to, by=upw.manager)

    assert ComplianceFailure.objects.get().pk == made.pk
    made.refresh_from_db()
    assert (made.status, made.withdrawn_on, made.outcome, made.failed_on) == (
        "awaiting_decision",
        None,
        label,
        SESSION_DAY,
    )
    entry = latest(made)
    assert (entry.history_user, entry.history_change_reason) == (
        upw.manager,
        "Awaiting a decision again: the outcome was corrected back",
    )
    services.failure_decide(by=upw.officer, failure=made, decision="first_warning")
    made.refresh_from_db()
    assert made.status == "decided"


def test_a_reinstated_failure_has_its_decision_clock_running_again(upw, booked):
    record(booked, "unacceptable_absence", by=upw.supervisor)
    made = ComplianceFailure.objects.get()
    record(booked, "acceptable_absence", by=upw.manager)

    record(booked, "unacceptable_absence", by=upw.manager)

    assert clock_statuses(made) == {"LOCAL EN1": ("open", None)}


def test_correcting_to_another_enforceable_outcome_updates_the_failure(upw, booked):
    record(booked, "unacceptable_absence", by=upw.supervisor, reason="Did not turn up.")

    record(booked, "sent_home_behaviour", by=upw.manager, reason="Arrived and was abusive: sent home.")

    made = ComplianceFailure.objects.get()
    assert (made.outcome, made.details) == (
        "Sent home (behaviour)",
        "Unpaid work session at Park Road allotments, 09:00 to 16:00. Arrived and was abusive: sent home.",
    )


def test_a_decided_failure_is_not_withdrawn_by_a_correction(upw, booked):
    record(booked, "unacceptable_absence", by=upw.supervisor)
    made = ComplianceFailure.objects.get()
    services.failure_decide(by=upw.officer, failure=made, decision="first_warning", on=date(2026, 11, 24))
    history = made.history.count()

    record(booked, "acceptable_absence", by=upw.manager, reason="Hospital letter arrived late.")

    made.refresh_from_db()
    assert (made.status, made.decision, made.decided_on, made.withdrawn_on) == (
        "decided",
        "first_warning",
        date(2026, 11, 24),
        None,
    )
    assert made.history.count() == history
    assert WarningLetter.objects.get().failure == made
    assert clock_statuses(made) == {"LOCAL EN1": ("met", date(2026, 11, 24))}
    assert UnpaidWorkAttendance.objects.get(pk=booked.pk).status == Status.ACCEPTABLE_ABSENCE

    record(booked, "unacceptable_absence", by=upw.manager)  # and corrected back: still the one decision
    made.refresh_from_db()
    assert (made.status, made.decision, ComplianceFailure.objects.count()) == ("decided", "first_warning", 1)


def test_a_correction_by_the_register_withdraws_the_failure(upw, booked):
    on_session = booked.session
    row = {"attendance": booked.pk}
    register_record(by=upw.supervisor, session=on_session, entries=[{**row, **outcome_fields("unacceptable_absence")}])

    register_record(
        by=upw.manager,
        session=on_session,
        entries=[{**row, **outcome_fields("acceptable_absence", reason="Doctor's note.")}],
    )

    made = ComplianceFailure.objects.get()
    assert (made.status, made.withdrawn_on) == ("withdrawn", TODAY)


def test_a_refused_correction_leaves_the_failure_alone(upw, booked):
    record(booked, "unacceptable_absence", by=upw.supervisor)
    made = ComplianceFailure.objects.get()

    with pytest.raises(ValidationError):
        record(booked, "acceptable_absence", by=upw.supervisor)  # only a manager corrects

    made.refresh_from_db()
    assert (made.status, made.withdrawn_on, made.history.count()) == ("awaiting_decision", None, 1)
    assert clock_statuses(made) == {"LOCAL EN1": ("open", None)}


def test_no_failure_for_a_session_before_the_order(org, upw):
    requirement = upw_requirement(upw.officer, start=date(2026, 11, 24))
    attendance = booking(requirement, session(upw.project, on=SESSION_DAY, supervisor=upw.supervisor))

    record(attendance, "unacceptable_absence", by=upw.supervisor)

    assert UnpaidWorkAttendance.objects.get(pk=attendance.pk).status == Status.UNACCEPTABLE_ABSENCE
    assert not ComplianceFailure.objects.exists()


def test_a_failure_reinstated_after_the_allowance_was_used_up_starts_its_breach_action_clock(upw, booked):
    record(booked, "unacceptable_absence", by=upw.supervisor)
    made = ComplianceFailure.objects.get()
    record(booked, "acceptable_absence", by=upw.manager)
    # Meanwhile another failure on the same order gets a warning: the one warning allowed is used up.
    later = booking(booked.requirement, session(upw.project, on=TODAY, supervisor=upw.supervisor))
    record(later, "unacceptable_absence", by=upw.supervisor)
    warned = ComplianceFailure.objects.get(unpaid_work_attendance=later)
    services.failure_decide(by=upw.officer, failure=warned, decision="first_warning")

    record(booked, "unacceptable_absence", by=upw.manager)

    assert clock_statuses(made) == {"LOCAL EN1": ("open", None), "LOCAL EN2": ("open", None)}
    assert Clock.objects.get(subject=f"failure:{made.pk}", service_level="LOCAL EN2").started_on == TODAY


def test_an_unpaid_work_failure_is_against_the_order_the_work_belongs_to(upw, booked):
    record(booked, "unacceptable_absence", by=upw.supervisor)

    assert ComplianceFailure.objects.get().sentence == booked.requirement.sentence


def test_no_failure_against_a_newer_order_when_the_works_own_order_has_ended(upw, booked):
    old_order = booked.requirement.sentence
    type(old_order).objects.filter(pk=old_order.pk).update(status="revoked")
    factories.SentenceFactory(case=old_order.case, sentence_date=date(2026, 11, 16))  # sentenced again

    record(booked, "unacceptable_absence", by=upw.supervisor)

    assert not ComplianceFailure.objects.exists()
