"""Unpaid work pages: the requirement's hours and sessions (case frame), passing to the CRC, the register (list and
form), projects, sessions, cancelling and the managers' stood-down figures. Scoping: out of scope is 404, the
wrong role 403, a refusal 400 saying why; bad input is 400 with the error summary and nothing saved."""

from datetime import time, timedelta

import pytest
from django.urls import reverse

from cases.models import Requirement
from interventions.models import UnpaidWorkAttendance, UnpaidWorkProject, UnpaidWorkSession, UnpaidWorkTransfer
from interventions.services import unpaid_work as services
from tests import factories
from tests.interventions import test_unpaid_work_setup as setup
from tests.interventions.test_unpaid_work_setup import TODAY, booking, outcome_fields, session, upw_requirement
from timeliness.models import Clock

frozen = setup.frozen
upw = setup.upw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _requirement_url(requirement) -> str:
    return reverse("interventions:unpaid_work_requirement", args=[requirement.pk])


def _register_url(on_session) -> str:
    return reverse("interventions:unpaid_work_session_register", args=[on_session.pk])


# A requirement's unpaid work -----------------------------------------------------------------------------------


def test_the_requirement_page_shows_progress_weekly_offer_and_sessions(upw, client_for):
    requirement = upw_requirement(upw.officer, hours=40)
    done = booking(requirement, session(upw.project, on=TODAY - timedelta(days=14), end=time(15, 0)))
    services.attendance_record(by=upw.manager, attendance=done, **outcome_fields(penalty_minutes=30))
    session(upw.project, on=TODAY + timedelta(days=1), supervisor=upw.supervisor)

    response = client_for(upw.officer).get(_requirement_url(requirement))

    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["tab"] == "delivery"
    assert '<dd class="govuk-summary-list__value" data-testid="hours-ordered">40 hours</dd>' in html
    assert '<dd class="govuk-summary-list__value" data-testid="hours-completed">5 hours 30 minutes</dd>' in html
    assert '<dd class="govuk-summary-list__value" data-testid="hours-remaining">34 hours 30 minutes</dd>' in html
    assert "2 November 2027" in html
    weeks = [
        (week.week_start.isoformat(), week.offered_minutes, week.under_minimum)
        for week in response.context["progress"].weeks
    ]
    assert weeks == [
        ("2026-11-02", 0, True),
        ("2026-11-09", 360, True),
        ("2026-11-16", 0, True),
        ("2026-11-23", 0, True),
    ]
    assert html.count("Under 7 hours</strong>") == 4
    assert "Book on a session" in html
    assert len(response.context["sessions"]) == 1


def test_booking_from_the_requirement_page(upw, client_for):
    requirement = upw_requirement(upw.officer)
    tomorrow = session(upw.project, on=TODAY + timedelta(days=1), supervisor=upw.supervisor)
    client = client_for(upw.supervisor)

    bad = client.post(_requirement_url(requirement), {})
    assert bad.status_code == 400
    assert '<a href="#id_session">Choose a session</a>' in bad.content.decode()
    assert not UnpaidWorkAttendance.objects.exists()

    response = client.post(_requirement_url(requirement), {"session": tomorrow.pk})

    assert response.status_code == 302
    attendance = UnpaidWorkAttendance.objects.get()
    assert (attendance.session, attendance.requirement, attendance.booked_by) == (tomorrow, requirement, upw.supervisor)


def test_an_nps_case_shows_pass_to_the_crc_and_no_booking(org, upw, client_for):
    requirement = upw_requirement(org.officer)
    session(upw.project, on=TODAY + timedelta(days=1))
    client = client_for(org.officer)

    html = client.get(_requirement_url(requirement)).content.decode()

    transfer_url = reverse("interventions:unpaid_work_transfer", args=[requirement.pk])
    assert f'href="{transfer_url}"' in html
    assert ">Pass to the CRC</a>" in html
    assert "Book on a session" not in html
    refused = client.post(_requirement_url(requirement), {"session": "1"})
    assert refused.status_code == 400
    assert "Pass the unpaid work requirement to the CRC first" in refused.content.decode()
    assert not UnpaidWorkAttendance.objects.exists()


def test_requirement_page_scoping(org, upw, client_for):
    crc_requirement = upw_requirement(upw.officer)
    nps_requirement = upw_requirement(org.officer)

    # An officer of another provider, and another region's unpaid work staff: not found.
    assert client_for(org.officer).get(_requirement_url(crc_requirement)).status_code == 404
    assert client_for(upw.elsewhere_supervisor).get(_requirement_url(crc_requirement)).status_code == 404
    # The CRC's supervisor sees the CRC's requirement, but not an NPS one until it is passed over.
    assert client_for(upw.supervisor).get(_requirement_url(crc_requirement)).status_code == 200
    assert client_for(upw.supervisor).get(_requirement_url(nps_requirement)).status_code == 404
    services.unpaid_work_transfer(by=org.officer, requirement=nps_requirement)
    assert client_for(upw.supervisor).get(_requirement_url(nps_requirement)).status_code == 200
    # A RAR requirement is not unpaid work.
    rar = factories.RequirementFactory(sentence=crc_requirement.sentence)
    assert client_for(upw.officer).get(_requirement_url(rar)).status_code == 404


# Passing to the CRC --------------------------------------------------------------------------------------------


def test_the_nps_officer_passes_the_requirement_to_the_crc(org, upw, client_for):
    requirement = upw_requirement(org.officer)
    url = reverse("interventions:unpaid_work_transfer", args=[requirement.pk])
    client = client_for(org.officer)

    page = client.get(url)
    assert page.status_code == 200
    assert "It goes to <strong>Stockport CRC</strong>." in page.content.decode()

    response = client.post(url, {"notes": "Works nights"})

    assert response.status_code == 302
    assert response["Location"] == _requirement_url(requirement)
    transfer = UnpaidWorkTransfer.objects.get()
    assert (transfer.to_provider, transfer.notes, transfer.transferred_by) == (org.crc, "Works nights", org.officer)
    assert set(Clock.objects.values_list("service_level", flat=True)) == {"CRC SL005", "CRC SL006"}
    again = client.get(url)
    assert again.status_code == 400
    assert "It was passed to Stockport CRC on 25 November 2026." in again.content.decode()


def test_transfer_page_roles(org, upw, client_for):
    nps_requirement = upw_requirement(org.officer)
    crc_requirement = upw_requirement(upw.officer)

    crc_case = client_for(upw.officer).get(reverse("interventions:unpaid_work_transfer", args=[crc_requirement.pk]))
    assert crc_case.status_code == 400
    assert "Stockport CRC delivers its own unpaid work" in crc_case.content.decode()
    # The NPS supervisor (no caseload) cannot see the case; another provider's officer neither.
    url = reverse("interventions:unpaid_work_transfer", args=[nps_requirement.pk])
    assert client_for(org.upw).get(url).status_code == 404
    assert client_for(upw.officer).post(url, {}).status_code == 404
    assert not UnpaidWorkTransfer.objects.exists()


# The register --------------------------------------------------------------------------------------------------


def test_the_register_list_shows_the_supervisors_sessions_today_and_a_managers_all(upw, client_for):
    mine = session(upw.project, supervisor=upw.supervisor)
    other = session(upw.education, supervisor=upw.manager, start=time(10, 0))
    session(upw.project, on=TODAY + timedelta(days=1), supervisor=upw.supervisor)
    url = reverse("interventions:unpaid_work_register")

    supervisor = client_for(upw.supervisor).get(url)
    manager = client_for(upw.manager).get(url)
    tomorrow = client_for(upw.supervisor).get(url, {"day-day": "26", "day-month": "11", "day-year": "2026"})

    assert [s.pk for s in supervisor.context["sessions"]] == [mine.pk]
    assert [s.pk for s in manager.context["sessions"]] == [mine.pk, other.pk]
    assert len(tomorrow.context["sessions"]) == 1
    assert (
        client_for(upw.supervisor).get(url, {"day-day": "31", "day-month": "2", "day-year": "2026"}).status_code == 400
    )


def test_the_register_is_for_crc_and_yot_unpaid_work_staff(org, client_for):
    url = reverse("interventions:unpaid_work_register")
    for user in (org.officer, org.upw, org.court_user, org.administrator):
        assert client_for(user).get(url).status_code == 403


def _register_data(rows: dict) -> dict:
    data = {}
    for attendance, fields in rows.items():
        for name, value in fields.items():
            data[f"attendance-{attendance.pk}-{name}"] = value
    return data


def test_recording_the_register_updates_each_persons_hours(upw, client_for):
    today = session(upw.project, supervisor=upw.supervisor)
    first = booking(upw_requirement(upw.officer, last_name="Abbott"), today)
    second = booking(upw_requirement(upw.officer, last_name="Brown"), today)
    third = booking(upw_requirement(upw.officer, last_name="Clarke"), today)
    client = client_for(upw.supervisor)
    url = _register_url(today)

    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert html.count('<fieldset class="govuk-fieldset govuk-!-margin-bottom-6"') == 3
    assert "0 hours done of 100 hours" in html
    assert 'data-aria-controls="conditional-id_attendance-' in html

    response = client.post(
        url,
        _register_data(
            {
                first: {"status": "attended", "penalty_minutes": "30", "work_quality": "good", "behaviour": "good"},
                second: {"status": "unacceptable_absence", "reason": "Did not arrive"},
                third: {},
            }
        ),
    )

    assert response.status_code == 302
    page = client.get(url).content.decode()
    crn = first.requirement.sentence.case.person.crn
    assert f'data-testid="hours-{first.pk}">CRN {crn} · 6 hours 30 minutes done of 100 hours' in page
    assert "Register saved: 2 people recorded" in page
    first.refresh_from_db()
    third.refresh_from_db()
    assert (first.status, first.credited_minutes, third.status) == ("attended", 390, "booked")
    # Recorded rows are no longer editable by the supervisor; the third still is.
    assert f'name="attendance-{first.pk}-status"' not in page
    assert f'name="attendance-{third.pk}-status"' in page


def test_a_bad_register_is_400_with_errors_linking_to_each_row_and_saves_nothing(upw, client_for):
    today = session(upw.project, supervisor=upw.supervisor)
    first = booking(upw_requirement(upw.officer), today)
    second = booking(upw_requirement(upw.officer), today)

    response = client_for(upw.supervisor).post(
        _register_url(today),
        _register_data(
            {
                first: {"status": "attended", "penalty_minutes": "30", "work_quality": "good", "behaviour": "good"},
                second: {"status": "attended", "penalty_minutes": "500", "work_quality": "good", "behaviour": "good"},
            }
        ),
    )

    assert response.status_code == 400
    html = response.content.decode()
    message = "Penalty minutes cannot be more than the session&#x27;s 420 minutes (7 hours)."
    assert f'<a href="#id_attendance-{second.pk}-penalty_minutes">{message}</a>' in html
    assert f'id="id_attendance-{second.pk}-penalty_minutes-error"' in html
    assert set(UnpaidWorkAttendance.objects.values_list("status", flat=True)) == {"booked"}
    assert set(Requirement.objects.values_list("unpaid_work_minutes_credited", flat=True)) == {0}


def test_an_empty_register_asks_for_at_least_one_person(upw, client_for):
    today = session(upw.project, supervisor=upw.supervisor)
    first = booking(upw_requirement(upw.officer), today)

    response = client_for(upw.supervisor).post(_register_url(today), _register_data({first: {"penalty_minutes": "30"}}))

    assert response.status_code == 400
    assert "Choose what happened, or clear this person&#x27;s other answers" in response.content.decode()


def test_register_scoping(upw, org, client_for):
    today = session(upw.project, supervisor=upw.supervisor)
    attendance = booking(upw_requirement(upw.officer), today)
    data = _register_data({attendance: {"status": "attended", "work_quality": "good", "behaviour": "good"}})

    # Another provider's supervisor or manager: not found, nothing recorded.
    for user in (upw.elsewhere_supervisor, upw.elsewhere_manager):
        assert client_for(user).get(_register_url(today)).status_code == 404
        assert client_for(user).post(_register_url(today), data).status_code == 404
    # The CRC's officer works in its unpaid work but does not keep the register.
    assert client_for(upw.officer).post(_register_url(today), data).status_code == 403
    attendance.refresh_from_db()
    assert attendance.status == "booked"
    # A manager keeps any of the provider's registers.
    assert client_for(upw.manager).post(_register_url(today), data).status_code == 302


def test_a_future_session_shows_its_people_without_a_form(upw, client_for):
    tomorrow = session(upw.project, on=TODAY + timedelta(days=1), supervisor=upw.supervisor)
    booking(upw_requirement(upw.officer), tomorrow)

    response = client_for(upw.supervisor).get(_register_url(tomorrow))

    assert response.status_code == 200
    assert "You can record the register from the day of the session." in response.content.decode()
    assert response.context["form"] is None


# Projects, sessions, cancelling, stood-down figures ------------------------------------------------------------


def test_a_manager_adds_a_project_and_a_supervisor_cannot(upw, client_for):
    url = reverse("interventions:unpaid_work_projects")
    data = {"name": "Canal towpath", "project_type": "group_placement", "location": "Lock 4"}

    assert client_for(upw.supervisor).get(url).status_code == 200
    assert client_for(upw.supervisor).post(url, data).status_code == 403
    bad = client_for(upw.manager).post(url, {**data, "name": "Park Road allotments"})
    assert bad.status_code == 400
    assert "Stockport CRC already has a project called" in bad.content.decode()
    assert client_for(upw.manager).post(url, data).status_code == 302
    assert UnpaidWorkProject.objects.filter(provider=upw.crc, name="Canal towpath").exists()


def test_adding_and_cancelling_a_session(upw, client_for):
    url = reverse("interventions:unpaid_work_sessions")
    data = {
        "project": upw.project.pk,
        "session_date-day": "2",
        "session_date-month": "12",
        "session_date-year": "2026",
        "start_time": "09:00",
        "end_time": "08:00",
        "capacity": "6",
        "supervisor": upw.supervisor.pk,
    }
    client = client_for(upw.manager)

    bad = client.post(url, data)
    assert bad.status_code == 400
    assert '<a href="#id_end_time">The session must end after it starts.</a>' in bad.content.decode()
    assert not UnpaidWorkSession.objects.exists()
    assert client.post(url, {**data, "end_time": "15:30"}).status_code == 302
    created = UnpaidWorkSession.objects.get()
    assert (created.minutes, created.supervisor, created.capacity) == (390, upw.supervisor, 6)
    listing = client.get(url).content.decode()
    assert "0 of 6 booked" in listing

    booking(upw_requirement(upw.officer), created)
    cancel_url = reverse("interventions:unpaid_work_session_cancel", args=[created.pk])
    assert client_for(upw.supervisor).post(cancel_url, {"reason": "Rain"}).status_code == 403
    assert client.post(cancel_url, {"reason": ""}).status_code == 400
    assert client.post(cancel_url, {"reason": "Storm warning"}).status_code == 302
    created.refresh_from_db()
    assert (created.status, list(created.attendances.values_list("status", flat=True))) == ("cancelled", ["stood_down"])
    assert client.get(cancel_url).status_code == 400


def test_stood_down_figures_for_managers(upw, client_for):
    requirement = upw_requirement(upw.officer)
    last_week = session(upw.project, on=TODAY - timedelta(days=7))
    booking(
        requirement,
        last_week,
        status="stood_down",
        reason="No van",
        outcome_recorded_at=last_week.created_by.date_joined,
    )
    session(upw.education, on=TODAY - timedelta(days=2), status="cancelled", cancelled_reason="Tutor ill")
    url = reverse("interventions:unpaid_work_stood_down")

    assert client_for(upw.supervisor).get(url).status_code == 403
    response = client_for(upw.manager).get(url)

    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures.date_from.isoformat(), figures.date_to.isoformat()) == ("2026-11-02", "2026-11-25")
    assert {row.label: (row.stood_down, row.cancelled_sessions) for row in figures.projects} == {
        "Park Road allotments": (1, 0),
        "Skills centre": (0, 1),
    }
    assert [(row.week_start.isoformat(), row.stood_down, row.cancelled_sessions) for row in figures.weeks] == [
        ("2026-11-02", 0, 0),
        ("2026-11-09", 0, 0),
        ("2026-11-16", 1, 0),
        ("2026-11-23", 0, 1),
    ]
    assert (figures.total.stood_down, figures.total.cancelled_sessions, figures.total.stood_down_minutes) == (1, 1, 420)
    narrowed = client_for(upw.manager).get(
        url,
        {
            "date_from-day": "23",
            "date_from-month": "11",
            "date_from-year": "2026",
            "date_to-day": "25",
            "date_to-month": "11",
            "date_to-year": "2026",
        },
    )
    assert (narrowed.context["figures"].total.stood_down, narrowed.context["figures"].total.cancelled_sessions) == (
        0,
        1,
    )
