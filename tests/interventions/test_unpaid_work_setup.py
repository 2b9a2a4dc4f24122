"""Shared set-up for the unpaid work tests (imported by the other test_unpaid_work_* modules), and checks that it
builds what they assume.

Today is frozen at Wednesday 25 November 2026, 10:00. The CRC of the `org` fixture (Stockport CRC, North West)
runs the unpaid work: `upw.supervisor` supervises its sessions, `org.other_provider_manager` manages it and
`org.other_provider_officer` holds its cases. Another CRC in another region has its own supervisor and manager.
"""

from datetime import date, datetime, time
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Provider
from interventions.models import ProjectType
from tests import factories

TODAY = date(2026, 11, 25)  # a Wednesday
NOW = datetime(2026, 11, 25, 10, 0)
REQUIREMENT_START = date(2026, 11, 2)  # a Monday


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.make_aware(NOW), tick=False):
        yield


@pytest.fixture
def upw(org):
    """The CRC's unpaid work (a supervisor, a group placement and an education and training project), and another
    region's CRC with its own staff and project."""
    supervisor = factories.UnpaidWorkSupervisorFactory(
        username="sam", first_name="Sam", last_name="Sutton", team=org.team_b
    )
    elsewhere_region = factories.RegionFactory(name="Yorkshire")
    elsewhere = factories.ProviderFactory(
        name="Leeds CRC", code="C09", provider_type=Provider.ProviderType.CRC, region=elsewhere_region
    )
    elsewhere_team = factories.TeamFactory(provider=elsewhere, name="Leeds", code="C09LD")
    return SimpleNamespace(
        crc=org.crc,
        supervisor=supervisor,
        manager=org.other_provider_manager,
        officer=org.other_provider_officer,
        project=factories.UnpaidWorkProjectFactory(provider=org.crc, name="Park Road allotments"),
        education=factories.UnpaidWorkProjectFactory(
            provider=org.crc, name="Skills centre", project_type=ProjectType.EDUCATION_TRAINING
        ),
        elsewhere=elsewhere,
        elsewhere_supervisor=factories.UnpaidWorkSupervisorFactory(
            username="lee", first_name="Lee", last_name="Lister", team=elsewhere_team
        ),
        elsewhere_manager=factories.ManagerFactory(
            username="lena", first_name="Lena", last_name="Lowe", team=elsewhere_team
        ),
        elsewhere_project=factories.UnpaidWorkProjectFactory(provider=elsewhere, name="Leeds canal"),
    )


def upw_requirement(officer, *, hours: int = 100, start: date = REQUIREMENT_START, case=None, **person):
    """An active unpaid work requirement of `hours` on a current community order held by `officer`."""
    if case is None:
        case = factories.CaseFactory(
            responsible_officer=officer, **{f"person__{key}": value for key, value in person.items()}
        )
    sentence = factories.SentenceFactory(case=case, sentence_date=start)
    return factories.RequirementFactory(
        sentence=sentence,
        requirement_type=factories.requirement_type("unpaid_work"),
        hours=hours,
        maximum_days=None,
        start_date=start,
    )


def session(project, *, on: date = TODAY, start=time(9, 0), end=time(16, 0), supervisor=None, capacity=8, **kwargs):
    """A scheduled session (09:00 to 16:00, 420 minutes, by default) on `project`."""
    return factories.UnpaidWorkSessionFactory(
        project=project,
        session_date=on,
        start_time=start,
        end_time=end,
        supervisor=supervisor,
        capacity=capacity,
        **kwargs,
    )


def booking(requirement, on_session, **kwargs):
    """A booking made directly (as the service would), for set-ups of past weeks."""
    return factories.UnpaidWorkAttendanceFactory(
        requirement=requirement,
        session=on_session,
        is_education_training=on_session.project.project_type == ProjectType.EDUCATION_TRAINING,
        **kwargs,
    )


def outcome_fields(status: str = "attended", **overrides) -> dict:
    """attendance_record's arguments for an outcome: attended and rated good by default."""
    fields = {"status": status, "penalty_minutes": 0, "work_quality": "", "behaviour": "", "reason": ""}
    if status == "attended":
        fields.update(work_quality="good", behaviour="good")
    else:
        fields["reason"] = "Reason given on the day."
    fields.update(overrides)
    return fields


pytestmark = pytest.mark.django_db


def test_the_set_up_builds_a_crc_requirement_and_a_seven_hour_session(org, upw, frozen):
    requirement = upw_requirement(upw.officer, hours=40)
    today_session = session(upw.project, supervisor=upw.supervisor)

    case = requirement.sentence.case
    assert (case.provider, case.status, requirement.requirement_type.is_unpaid_work, requirement.hours) == (
        org.crc,
        "active",
        True,
        40,
    )
    assert (today_session.session_date, today_session.minutes, today_session.project.provider) == (
        TODAY,
        420,
        org.crc,
    )
    assert timezone.localdate() == TODAY
