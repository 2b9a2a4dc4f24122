"""The three unpaid work clocks end to end through the services (issue 5, item 3).

NPS SL007: an NPS case's unpaid work requirement passed to the CRC within 5 working days of allocation.
CRC SL005 / SL006: unpaid work arranged (first session booked) within 28 / 7 calendar days of the requirement
reaching the CRC, at allocation to a CRC or when the NPS passes it over.

Sentence on Monday 2 November 2026, allocation on Tuesday 3 November: NPS SL007 is due on Tuesday 10 November.
Today is Wednesday 25 November 2026.
"""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from cases.services.allocation import case_allocate
from interventions.models import UnpaidWorkTransfer
from interventions.services import delivery as delivery_services
from interventions.services import unpaid_work as services
from tests import factories
from tests.cases.test_allocation_setup import HIGH, MEDIUM, waiting_case
from tests.interventions import test_unpaid_work_setup as setup
from tests.interventions.test_unpaid_work_setup import TODAY, session
from timeliness.models import Clock

frozen = setup.frozen
upw = setup.upw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

ALLOCATED_ON = date(2026, 11, 3)
SL007_DUE = date(2026, 11, 10)  # 5 working days after Tuesday 3 November
UPW_CLOCKS = ("NPS SL007", "CRC SL005", "CRC SL006")


def _sentenced_with_unpaid_work(org, *, rosh=HIGH, hours=100):
    case = waiting_case(org.nps, rosh=rosh)
    sentence = case.sentences.get()
    requirement = factories.RequirementFactory(
        sentence=sentence,
        requirement_type=factories.requirement_type("unpaid_work"),
        hours=hours,
        maximum_days=None,
    )
    return case, requirement


def _clocks(case) -> dict:
    return {
        clock.service_level: (clock.subject, clock.started_on, clock.due_on, clock.status, clock.stopped_on)
        for clock in Clock.objects.filter(case=case, service_level__in=UPW_CLOCKS)
    }


# A high or very high RoSH case needs the manager's management oversight note to be allocated.
HIGH_RISK_NOTE = "High risk of serious harm: allocated to an experienced officer; plan reviewed in supervision."


def _allocate_to_nps(org, **kwargs):
    case, requirement = _sentenced_with_unpaid_work(org, **kwargs)
    case_allocate(
        by=org.manager,
        case=case,
        team=org.team_a,
        responsible_officer=org.officer,
        on=ALLOCATED_ON,
        oversight_note=HIGH_RISK_NOTE,
    )
    return case, requirement


def test_allocating_an_nps_case_with_unpaid_work_opens_nps_sl007_due_5_working_days_later(org):
    case, requirement = _allocate_to_nps(org)

    assert _clocks(case) == {
        "NPS SL007": (f"requirement:{requirement.pk}", ALLOCATED_ON, SL007_DUE, "open", None),
    }


@pytest.mark.parametrize(("passed_on", "sl007"), [(SL007_DUE, "met"), (SL007_DUE + timedelta(days=1), "missed")])
def test_passing_it_to_the_crc_stops_sl007_and_opens_crc_sl005_and_sl006(org, upw, passed_on, sl007):
    case, requirement = _allocate_to_nps(org)

    transfer = services.unpaid_work_transfer(
        by=org.officer, requirement=requirement, on=passed_on, notes="Works nights"
    )

    assert (transfer.from_provider, transfer.to_provider, transfer.transferred_on, transfer.transferred_by) == (
        org.nps,
        org.crc,
        passed_on,
        org.officer,
    )
    subject = f"requirement:{requirement.pk}"
    assert _clocks(case) == {
        "NPS SL007": (subject, ALLOCATED_ON, SL007_DUE, sl007, passed_on),
        "CRC SL005": (subject, passed_on, passed_on + timedelta(days=28), "open", None),
        "CRC SL006": (subject, passed_on, passed_on + timedelta(days=7), "open", None),
    }


@pytest.mark.parametrize(
    ("passed_on", "booked_on", "sl006", "sl005"),
    [
        (date(2026, 11, 18), TODAY, "met", "met"),  # booked on the 7th day
        (date(2026, 11, 17), TODAY, "missed", "met"),  # on the 8th day
        (ALLOCATED_ON, date(2026, 12, 1), "missed", "met"),  # on the 28th day
        (ALLOCATED_ON, date(2026, 12, 2), "missed", "missed"),  # on the 29th day
    ],
)
def test_the_first_booking_stops_crc_sl005_and_sl006_met_or_missed(org, upw, passed_on, booked_on, sl006, sl005):
    case, requirement = _allocate_to_nps(org)
    services.unpaid_work_transfer(by=org.manager, requirement=requirement, on=passed_on)

    with time_machine.travel(timezone.make_aware(datetime.combine(booked_on, time(10, 0))), tick=False):
        services.attendance_book(by=upw.supervisor, session=session(upw.project, on=booked_on), requirement=requirement)

    clocks = _clocks(case)
    subject = f"requirement:{requirement.pk}"
    assert clocks["CRC SL006"] == (subject, passed_on, passed_on + timedelta(days=7), sl006, booked_on)
    assert clocks["CRC SL005"] == (subject, passed_on, passed_on + timedelta(days=28), sl005, booked_on)
    # A second booking changes nothing.
    services.attendance_book(
        by=upw.supervisor, session=session(upw.project, on=booked_on + timedelta(days=1)), requirement=requirement
    )
    assert _clocks(case) == clocks


def test_a_crc_allocated_case_opens_sl005_and_sl006_at_allocation_and_no_sl007(org, upw):
    case, requirement = _sentenced_with_unpaid_work(org, rosh=MEDIUM)

    case_allocate(
        by=org.manager,
        case=case,
        team=org.team_b,
        responsible_officer=org.other_provider_officer,
        on=ALLOCATED_ON,
    )

    subject = f"requirement:{requirement.pk}"
    assert _clocks(case) == {
        "CRC SL005": (subject, ALLOCATED_ON, ALLOCATED_ON + timedelta(days=28), "open", None),
        "CRC SL006": (subject, ALLOCATED_ON, ALLOCATED_ON + timedelta(days=7), "open", None),
    }
    services.attendance_book(by=upw.supervisor, session=session(upw.project), requirement=requirement)
    assert {code: row[3] for code, row in _clocks(case).items()} == {"CRC SL005": "met", "CRC SL006": "missed"}


def test_a_case_without_unpaid_work_opens_none_of_the_three(org):
    case = waiting_case(org.nps, rosh=HIGH)

    case_allocate(
        by=org.manager,
        case=case,
        team=org.team_a,
        responsible_officer=org.officer,
        on=ALLOCATED_ON,
        oversight_note=HIGH_RISK_NOTE,
    )

    assert _clocks(case) == {}


def _transfer_refused(requirement, **kwargs) -> dict:
    before = (UnpaidWorkTransfer.objects.count(), Clock.objects.filter(status="open").count())
    with pytest.raises(ValidationError) as caught:
        services.unpaid_work_transfer(requirement=requirement, **kwargs)
    assert (UnpaidWorkTransfer.objects.count(), Clock.objects.filter(status="open").count()) == before
    return caught.value.message_dict


def test_transfer_refusals(org, upw):
    case, requirement = _allocate_to_nps(org)

    assert _transfer_refused(requirement, by=upw.manager) == {
        NON_FIELD_ERRORS: ["Only a manager or officer of NPS North West can pass this requirement to the CRC."]
    }
    assert _transfer_refused(requirement, by=org.officer, on=TODAY + timedelta(days=1)) == {
        "on": ["The date cannot be in the future."]
    }
    rar = factories.RequirementFactory(sentence=requirement.sentence)
    assert _transfer_refused(rar, by=org.officer) == {
        NON_FIELD_ERRORS: [
            "Only an unpaid work requirement can be passed to the CRC: this is Rehabilitation activity requirement."
        ]
    }
    services.unpaid_work_transfer(by=org.officer, requirement=requirement)
    assert _transfer_refused(requirement, by=org.manager) == {
        NON_FIELD_ERRORS: ["This requirement was already passed to Stockport CRC on 25 November 2026."]
    }


def test_transfer_refused_before_allocation_for_a_crc_case_and_with_no_crc(org, upw):
    waiting, waiting_requirement = _sentenced_with_unpaid_work(org)
    assert _transfer_refused(waiting_requirement, by=org.manager) == {
        NON_FIELD_ERRORS: ["Allocate the case first: the requirement is passed to the CRC once the case is allocated."]
    }
    crc_requirement = setup.upw_requirement(upw.officer)
    assert _transfer_refused(crc_requirement, by=upw.manager) == {
        NON_FIELD_ERRORS: [
            "Stockport CRC (Community Rehabilitation Company) delivers its own unpaid work: only an NPS case's "
            "requirement is passed to the CRC."
        ]
    }
    case, requirement = _allocate_to_nps(org)
    org.crc.active = False
    org.crc.save()
    assert _transfer_refused(requirement, by=org.officer) == {
        NON_FIELD_ERRORS: [
            "There is no active CRC in North West to deliver the unpaid work. Ask an administrator to set one up."
        ]
    }


def test_a_region_with_two_crcs_needs_the_crc_chosen(org, upw):
    case, requirement = _allocate_to_nps(org)
    second = factories.ProviderFactory(name="Bolton CRC", code="C06", provider_type="crc", region=org.region)

    assert _transfer_refused(requirement, by=org.officer) == {
        "to_provider": ["Choose which CRC delivers the work: North West has 2 (Bolton CRC, Stockport CRC)."]
    }
    assert _transfer_refused(requirement, by=org.officer, to_provider=upw.elsewhere) == {
        "to_provider": ["Leeds CRC is not an active CRC in North West: choose one that is."]
    }
    transfer = services.unpaid_work_transfer(by=org.officer, requirement=requirement, to_provider=second)
    assert transfer.to_provider == second


def test_a_booking_recorded_later_stops_the_clocks_on_the_day_it_was_made(org, upw):
    """Sessions and bookings keyed in after the event keep the day they were made (`on=`), as the demo does."""
    case, requirement = _allocate_to_nps(org)
    services.unpaid_work_transfer(by=org.manager, requirement=requirement, on=date(2026, 11, 10))
    booked_on = date(2026, 11, 13)
    past_session = services.session_create(
        by=upw.manager,
        project=upw.project,
        session_date=date(2026, 11, 14),
        start_time=time(9, 0),
        end_time=time(16, 0),
        capacity=8,
        on=booked_on,
    )

    services.attendance_book(by=upw.supervisor, session=past_session, requirement=requirement, on=booked_on)

    subject = f"requirement:{requirement.pk}"
    assert _clocks(case)["CRC SL006"] == (subject, date(2026, 11, 10), date(2026, 11, 17), "met", booked_on)


def test_the_day_recorded_cannot_be_in_the_future_nor_before_the_crc_had_the_work(org, upw):
    case, requirement = _allocate_to_nps(org)
    services.unpaid_work_transfer(by=org.manager, requirement=requirement, on=date(2026, 11, 10))
    later = session(upw.project, on=TODAY + timedelta(days=3))
    tomorrow = TODAY + timedelta(days=1)

    with pytest.raises(ValidationError) as future_session:
        services.session_create(
            by=upw.manager,
            project=upw.project,
            session_date=TODAY + timedelta(days=3),
            start_time=time(9, 0),
            end_time=time(16, 0),
            capacity=8,
            on=tomorrow,
        )
    assert future_session.value.message_dict == {"on": ["The day the session is added cannot be in the future."]}
    with pytest.raises(ValidationError) as past_session:
        services.session_create(
            by=upw.manager,
            project=upw.project,
            session_date=date(2026, 11, 12),
            start_time=time(9, 0),
            end_time=time(16, 0),
            capacity=8,
            on=date(2026, 11, 13),
        )
    assert past_session.value.message_dict == {
        "session_date": ["A session cannot be in the past: enter today or a later date."]
    }
    for on, message in [
        (tomorrow, "The day of booking cannot be in the future."),
        (
            date(2026, 11, 9),
            "The requirement reached Stockport CRC on 10 November 2026: the day of booking cannot be earlier.",
        ),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.attendance_book(by=upw.supervisor, session=later, requirement=requirement, on=on)
        assert refused.value.message_dict == {"on": [message]}
    assert not later.attendances.exists()
    assert _clocks(case)["CRC SL006"][3] == "open"


def test_ending_the_requirement_cancels_its_clocks_that_no_longer_apply(org, upw):
    case, requirement = _allocate_to_nps(org)
    other_case, other = _allocate_to_nps(org)
    services.unpaid_work_transfer(by=org.manager, requirement=requirement, on=date(2026, 11, 10))

    delivery_services.requirement_end(
        by=org.officer,
        requirement=requirement,
        ended_on=date(2026, 11, 12),
        completed_positively=False,
        termination_reason="revoked",
    )

    subject = f"requirement:{requirement.pk}"
    assert _clocks(case) == {
        "NPS SL007": (subject, ALLOCATED_ON, SL007_DUE, "met", date(2026, 11, 10)),
        "CRC SL005": (subject, date(2026, 11, 10), date(2026, 12, 8), "cancelled", date(2026, 11, 12)),
        "CRC SL006": (subject, date(2026, 11, 10), date(2026, 11, 17), "cancelled", date(2026, 11, 12)),
    }
    assert _clocks(other_case)["NPS SL007"][3] == "open"  # another requirement's clock runs on
