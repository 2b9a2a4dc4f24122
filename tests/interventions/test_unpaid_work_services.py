"""interventions.services.unpaid_work: projects, sessions, bookings, the credited-minutes arithmetic and its limits,
corrections and the all-or-nothing register. Every refusal asserts its message and that nothing changed."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from cases.models import Requirement
from interventions.models import UnpaidWorkAttendance, UnpaidWorkProject, UnpaidWorkSession
from interventions.services import unpaid_work as services
from tests import factories
from tests.interventions import test_unpaid_work_setup as setup
from tests.interventions.test_unpaid_work_setup import TODAY, booking, outcome_fields, session, upw_requirement

frozen = setup.frozen
upw = setup.upw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

Status = UnpaidWorkAttendance.Status


def _refused(call, snapshot, **kwargs) -> dict:
    """Call a service expecting a refusal; assert `snapshot()` did not change; return the message dict."""
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    assert snapshot() == before
    return caught.value.message_dict


def _state(*requirements):
    """What a refused write must leave alone: every booking's outcome fields and the requirements' credit."""

    def snapshot():
        rows = list(
            UnpaidWorkAttendance.objects.order_by("pk").values_list(
                "pk", "status", "penalty_minutes", "credited_minutes", "work_quality", "behaviour", "reason"
            )
        )
        credit = [Requirement.objects.get(pk=r.pk).unpaid_work_minutes_credited for r in requirements]
        return rows, credit, UnpaidWorkAttendance.history.count()

    return snapshot


# Projects and sessions -----------------------------------------------------------------------------------------


def test_a_crc_manager_adds_a_project_with_history(upw):
    project = services.project_create(
        by=upw.manager,
        provider=upw.crc,
        name="  Canal towpath  ",
        project_type="group_placement",
        location="Lock 4, Stockport",
        beneficiary="Canal and River Trust",
    )

    assert (project.name, project.provider, project.active) == ("Canal towpath", upw.crc, True)
    assert project.history.get().history_user == upw.manager


@pytest.mark.parametrize(
    ("who", "field", "message"),
    [
        ("supervisor", NON_FIELD_ERRORS, "Only a manager of Stockport CRC can add unpaid work projects."),
        ("elsewhere_manager", NON_FIELD_ERRORS, "Only a manager of Stockport CRC can add unpaid work projects."),
    ],
)
def test_only_a_manager_of_the_provider_adds_projects(upw, who, field, message):
    errors = _refused(
        services.project_create,
        lambda: UnpaidWorkProject.objects.count(),
        by=getattr(upw, who),
        provider=upw.crc,
        name="Canal towpath",
        project_type="group_placement",
        location="Lock 4",
    )
    assert errors == {field: [message]}


def test_the_nps_runs_no_projects_and_names_are_unique(org, upw):
    nps = _refused(
        services.project_create,
        lambda: UnpaidWorkProject.objects.count(),
        by=org.manager,
        provider=org.nps,
        name="Canal",
        project_type="group_placement",
        location="Lock 4",
    )
    assert nps[NON_FIELD_ERRORS] == [
        "NPS North West does not run unpaid work: projects belong to the CRC or the youth offending team that "
        "delivers the work."
    ]
    duplicate = _refused(
        services.project_create,
        lambda: UnpaidWorkProject.objects.count(),
        by=upw.manager,
        provider=upw.crc,
        name="park road ALLOTMENTS",
        project_type="nonsense",
        location="",
    )
    assert duplicate == {
        "name": ["Stockport CRC already has a project called \u201cpark road ALLOTMENTS\u201d: choose another name."],
        "project_type": ["Choose the type of project."],
        "location": ["Enter where the work happens: an address or meeting point."],
    }


def test_a_session_is_added_by_unpaid_work_staff_with_a_supervisor_of_the_provider(upw):
    created = services.session_create(
        by=upw.supervisor,
        project=upw.project,
        session_date=TODAY + timedelta(days=7),
        start_time=time(9, 30),
        end_time=time(15, 0),
        capacity=6,
        supervisor=upw.supervisor,
    )

    assert (created.minutes, created.status, created.created_by, created.supervisor) == (
        330,
        "scheduled",
        upw.supervisor,
        upw.supervisor,
    )


def test_session_refusals(upw):
    errors = _refused(
        services.session_create,
        lambda: UnpaidWorkSession.objects.count(),
        by=upw.manager,
        project=upw.project,
        session_date=TODAY + timedelta(days=367),
        start_time=time(15, 0),
        end_time=time(9, 0),
        capacity=31,
        supervisor=upw.elsewhere_supervisor,
    )
    assert errors == {
        "session_date": ["A session cannot be more than a year ahead."],
        "end_time": ["The session must end after it starts."],
        "capacity": ["A session has between 1 and 30 places."],
        "supervisor": ["Lee Lister is not active staff of Stockport CRC: choose a supervisor who works there."],
    }
    past = _refused(
        services.session_create,
        lambda: UnpaidWorkSession.objects.count(),
        by=upw.manager,
        project=upw.project,
        session_date=TODAY - timedelta(days=1),
        start_time=time(9, 0),
        end_time=time(16, 0),
        capacity=8,
    )
    assert past == {"session_date": ["A session cannot be in the past: enter today or a later date."]}
    upw.project.active = False
    upw.project.save()
    closed = _refused(
        services.session_create,
        lambda: UnpaidWorkSession.objects.count(),
        by=upw.manager,
        project=upw.project,
        session_date=TODAY,
        start_time=time(9, 0),
        end_time=time(16, 0),
        capacity=8,
    )
    assert closed == {"project": ["Park Road allotments is closed: choose an active project."]}


def test_cancelling_a_session_stands_everyone_booked_down_and_credits_nothing(upw):
    upcoming = session(upw.project, on=TODAY + timedelta(days=2), supervisor=upw.supervisor)
    first, second = upw_requirement(upw.officer), upw_requirement(upw.officer)
    booked = booking(first, upcoming)
    withdrawn = booking(second, upcoming, status=Status.WITHDRAWN)

    services.session_cancel(by=upw.manager, session=upcoming, reason="Van broken down")

    upcoming.refresh_from_db()
    booked.refresh_from_db()
    withdrawn.refresh_from_db()
    assert (upcoming.status, upcoming.cancelled_reason) == ("cancelled", "Van broken down")
    assert (booked.status, booked.credited_minutes, booked.reason, booked.outcome_recorded_by) == (
        "stood_down",
        0,
        "Session cancelled: Van broken down",
        upw.manager,
    )
    assert withdrawn.status == "withdrawn"
    assert booked.history.first().history_user == upw.manager


def test_only_a_manager_cancels_and_a_reason_is_needed(upw):
    upcoming = session(upw.project, on=TODAY + timedelta(days=2), supervisor=upw.supervisor)
    booking(upw_requirement(upw.officer), upcoming)

    def snapshot():
        upcoming.refresh_from_db()
        return upcoming.status, list(UnpaidWorkAttendance.objects.values_list("status", flat=True))

    supervisor = _refused(services.session_cancel, snapshot, by=upw.supervisor, session=upcoming, reason="Rain")
    assert supervisor == {NON_FIELD_ERRORS: ["Only a manager of Stockport CRC can cancel a session."]}
    no_reason = _refused(services.session_cancel, snapshot, by=upw.manager, session=upcoming, reason=" ")
    assert no_reason == {
        "reason": ["Say why the session is cancelled: everyone booked is stood down with this reason."]
    }


# Bookings ------------------------------------------------------------------------------------------------------


def test_booking_a_crc_requirement(upw):
    requirement = upw_requirement(upw.officer)
    today = session(upw.project, supervisor=upw.supervisor)

    attendance = services.attendance_book(by=upw.supervisor, session=today, requirement=requirement)

    assert (
        attendance.status,
        attendance.scheduled_minutes,
        attendance.is_education_training,
        attendance.booked_by,
    ) == (
        "booked",
        420,
        False,
        upw.supervisor,
    )
    education = services.attendance_book(
        by=upw.officer, session=session(upw.education, supervisor=upw.supervisor), requirement=requirement
    )
    assert education.is_education_training is True


def test_a_full_session_refuses_and_a_withdrawal_frees_the_place(upw):
    small = session(upw.project, on=TODAY + timedelta(days=1), capacity=2, supervisor=upw.supervisor)
    first, second, third = (upw_requirement(upw.officer, last_name=name) for name in ("Ash", "Birch", "Cedar"))
    services.attendance_book(by=upw.supervisor, session=small, requirement=first)
    taken = services.attendance_book(by=upw.supervisor, session=small, requirement=second)

    errors = _refused(services.attendance_book, _state(third), by=upw.supervisor, session=small, requirement=third)
    assert errors == {"session": ["This session is full (2 of 2 places taken): choose another."]}

    services.attendance_withdraw(by=upw.supervisor, attendance=taken, reason="Starts a job that day")
    taken.refresh_from_db()
    assert (taken.status, taken.notes) == ("withdrawn", "Taken off the session: Starts a job that day")
    assert services.attendance_book(by=upw.supervisor, session=small, requirement=third).status == "booked"


def test_a_person_cannot_be_booked_twice_on_a_session(upw):
    requirement = upw_requirement(upw.officer, first_name="Pat", last_name="Double")
    today = session(upw.project, supervisor=upw.supervisor)
    services.attendance_book(by=upw.supervisor, session=today, requirement=requirement)

    errors = _refused(
        services.attendance_book, _state(requirement), by=upw.supervisor, session=today, requirement=requirement
    )
    assert errors == {"session": ["Pat Double is already booked on this session."]}


def test_an_nps_requirement_must_be_passed_to_the_crc_first(org, upw):
    nps_requirement = upw_requirement(org.officer)
    today = session(upw.project, supervisor=upw.supervisor)

    for by in (upw.supervisor, org.officer):
        errors = _refused(
            services.attendance_book, _state(nps_requirement), by=by, session=today, requirement=nps_requirement
        )
        assert errors == {
            NON_FIELD_ERRORS: [
                "Pass the unpaid work requirement to the CRC first: the CRC books and runs the sessions."
            ]
        }


def test_booking_refusals(upw):
    requirement = upw_requirement(upw.officer)
    yesterday = session(upw.project, on=TODAY - timedelta(days=1), supervisor=upw.supervisor)
    other_provider = session(upw.elsewhere_project, supervisor=upw.elsewhere_supervisor)
    cancelled = session(upw.project, status="cancelled", cancelled_reason="Snow")
    snapshot = _state(requirement)

    assert _refused(
        services.attendance_book, snapshot, by=upw.supervisor, session=yesterday, requirement=requirement
    ) == {"session": ["This session has already happened: choose a session today or later."]}
    assert _refused(
        services.attendance_book, snapshot, by=upw.supervisor, session=other_provider, requirement=requirement
    ) == {
        "session": [
            f"This session is run by Leeds CRC, which does not deliver {requirement.sentence.case.person.full_name}'s "
            "unpaid work: choose a session of the provider that does."
        ]
    }
    assert _refused(
        services.attendance_book, snapshot, by=upw.supervisor, session=cancelled, requirement=requirement
    ) == {"session": ["This session was cancelled: choose another session."]}
    assert _refused(
        services.attendance_book,
        snapshot,
        by=upw.elsewhere_supervisor,
        session=session(upw.project),
        requirement=requirement,
    ) == {NON_FIELD_ERRORS: ["Only staff of Stockport CRC's unpaid work can book its sessions."]}
    rar = factories.RequirementFactory(sentence=requirement.sentence)
    assert _refused(
        services.attendance_book, snapshot, by=upw.supervisor, session=session(upw.project), requirement=rar
    ) == {
        NON_FIELD_ERRORS: [
            "Only an unpaid work requirement can be booked on a session: this is Rehabilitation activity requirement."
        ]
    }


def test_withdrawal_is_refused_once_the_session_has_started(upw):
    started = booking(upw_requirement(upw.officer), session(upw.project, start=time(9, 0)))

    errors = _refused(
        services.attendance_withdraw,
        lambda: UnpaidWorkAttendance.objects.get(pk=started.pk).status,
        by=upw.supervisor,
        attendance=started,
        reason="Ill",
    )
    assert errors == {NON_FIELD_ERRORS: ["The session has started: record what happened on the register instead."]}


# The credited-minutes arithmetic -------------------------------------------------------------------------------


def _booked_today(upw, *, hours=100, **session_kwargs):
    requirement = upw_requirement(upw.officer, hours=hours)
    return requirement, booking(requirement, session(upw.project, supervisor=upw.supervisor, **session_kwargs))


def test_a_420_minute_session_with_30_penalty_minutes_credits_390(upw):
    requirement, attendance = _booked_today(upw)

    services.attendance_record(
        by=upw.supervisor, attendance=attendance, **outcome_fields(penalty_minutes=30, work_quality="excellent")
    )

    attendance.refresh_from_db()
    requirement.refresh_from_db()
    assert (
        attendance.status,
        attendance.scheduled_minutes,
        attendance.penalty_minutes,
        attendance.credited_minutes,
    ) == (
        "attended",
        420,
        30,
        390,
    )
    assert (attendance.work_quality, attendance.outcome_recorded_by) == ("excellent", upw.supervisor)
    assert requirement.unpaid_work_minutes_credited == 390
    assert requirement.history.first().history_user == upw.supervisor


@pytest.mark.parametrize("status", ["sent_home_behaviour", "stood_down", "acceptable_absence", "unacceptable_absence"])
def test_every_outcome_but_attended_credits_nothing_and_needs_a_reason(upw, status):
    requirement, attendance = _booked_today(upw)

    errors = _refused(
        services.attendance_record,
        _state(requirement),
        by=upw.supervisor,
        attendance=attendance,
        **outcome_fields(status, reason=""),
    )
    label = UnpaidWorkAttendance.Status(status).label
    assert errors == {"reason": [f"Say why: \u201c{label}\u201d needs a reason."]}

    services.attendance_record(by=upw.supervisor, attendance=attendance, **outcome_fields(status))

    attendance.refresh_from_db()
    requirement.refresh_from_db()
    assert (attendance.status, attendance.credited_minutes, requirement.unpaid_work_minutes_credited) == (status, 0, 0)


def test_penalty_minutes_cannot_exceed_the_session_and_only_an_attender_has_them(upw):
    requirement, attendance = _booked_today(upw)
    snapshot = _state(requirement)

    too_many = _refused(
        services.attendance_record,
        snapshot,
        by=upw.supervisor,
        attendance=attendance,
        **outcome_fields(penalty_minutes=421),
    )
    assert too_many == {"penalty_minutes": ["Penalty minutes cannot be more than the session's 420 minutes (7 hours)."]}
    absent = _refused(
        services.attendance_record,
        snapshot,
        by=upw.supervisor,
        attendance=attendance,
        **outcome_fields("unacceptable_absence", penalty_minutes=30),
    )
    assert absent == {"penalty_minutes": ["Only someone who attended has penalty minutes: leave it at 0."]}
    unrated = _refused(
        services.attendance_record,
        snapshot,
        by=upw.supervisor,
        attendance=attendance,
        **outcome_fields(work_quality="", behaviour="brilliant"),
    )
    assert unrated == {
        "work_quality": ["Rate the work of someone who attended."],
        "behaviour": ["Choose a rating for the behaviour from the list."],
    }

    services.attendance_record(by=upw.supervisor, attendance=attendance, **outcome_fields(penalty_minutes=420))
    attendance.refresh_from_db()
    assert attendance.credited_minutes == 0


def test_the_register_is_recorded_on_the_day_or_later_by_the_supervisor_or_a_manager(upw, org):
    requirement = upw_requirement(upw.officer)
    tomorrow = booking(requirement, session(upw.project, on=TODAY + timedelta(days=1), supervisor=upw.supervisor))
    today = booking(requirement, session(upw.project, supervisor=upw.supervisor))
    snapshot = _state(requirement)

    assert _refused(
        services.attendance_record, snapshot, by=upw.supervisor, attendance=tomorrow, **outcome_fields()
    ) == {"status": ["The session has not happened yet: record the register on the day or later."]}
    for someone_else in (upw.officer, upw.elsewhere_manager):
        assert _refused(
            services.attendance_record, snapshot, by=someone_else, attendance=today, **outcome_fields()
        ) == {
            NON_FIELD_ERRORS: ["Only the session's supervisor or a manager of Stockport CRC can record its register."]
        }
    assert services.attendance_record(by=upw.manager, attendance=today, **outcome_fields()).credited_minutes == 420


def test_a_recorded_outcome_is_corrected_by_a_manager_only_with_history(upw):
    requirement, attendance = _booked_today(upw)
    services.attendance_record(by=upw.supervisor, attendance=attendance, **outcome_fields())

    errors = _refused(
        services.attendance_record,
        _state(requirement),
        by=upw.supervisor,
        attendance=attendance,
        **outcome_fields("unacceptable_absence"),
    )
    assert errors == {
        "status": [
            "An outcome is already recorded for "
            f"{requirement.sentence.case.person.full_name} (attended, on 25 November 2026). Only a manager of "
            "Stockport CRC can correct it."
        ]
    }

    services.attendance_record(by=upw.manager, attendance=attendance, **outcome_fields(penalty_minutes=60))

    attendance.refresh_from_db()
    requirement.refresh_from_db()
    assert (attendance.credited_minutes, requirement.unpaid_work_minutes_credited) == (360, 360)
    reasons = list(attendance.history.order_by("history_id").values_list("history_change_reason", "history_user"))
    assert reasons == [
        (None, None),
        ("Outcome: Attended", upw.supervisor.pk),
        ("Outcome corrected: Attended", upw.manager.pk),
    ]


# Limits: hours ordered and the education and training cap ------------------------------------------------------


def _past_sessions(upw, requirement, count, *, project=None, minutes=420):
    """`count` bookings on consecutive past days (most recent yesterday) of sessions `minutes` long."""
    start = time(9, 0)
    end = time(9 + minutes // 60, minutes % 60)
    return [
        booking(
            requirement,
            session(project or upw.project, on=TODAY - timedelta(days=count - index), start=start, end=end),
        )
        for index in range(count)
    ]


def test_40_hours_ordered_six_sessions_of_seven_hours_the_sixth_is_refused(upw):
    requirement = upw_requirement(upw.officer, hours=40)
    bookings = _past_sessions(upw, requirement, 6)
    for attendance in bookings[:5]:
        services.attendance_record(by=upw.manager, attendance=attendance, **outcome_fields())
    requirement.refresh_from_db()
    assert requirement.unpaid_work_minutes_credited == 35 * 60

    errors = _refused(
        services.attendance_record, _state(requirement), by=upw.manager, attendance=bookings[5], **outcome_fields()
    )

    assert errors == {"status": ["This would credit 7 hours, but only 5 hours of the 40 ordered remain."]}
    # An absence on the sixth is still recorded: it credits nothing.
    services.attendance_record(by=upw.manager, attendance=bookings[5], **outcome_fields("acceptable_absence"))
    requirement.refresh_from_db()
    assert requirement.unpaid_work_minutes_credited == 35 * 60


def test_the_database_refuses_more_hours_than_ordered(upw):
    requirement = upw_requirement(upw.officer, hours=40)
    requirement.unpaid_work_minutes_credited = 40 * 60 + 1

    with pytest.raises(ValidationError) as caught:
        requirement.full_clean()
    assert caught.value.messages == ["The unpaid work hours credited cannot exceed the hours ordered."]
    with pytest.raises(IntegrityError), transaction.atomic():
        Requirement.objects.filter(pk=requirement.pk).update(unpaid_work_minutes_credited=40 * 60 + 1)
    requirement.refresh_from_db()
    assert requirement.unpaid_work_minutes_credited == 0


def test_every_hour_can_be_credited_exactly(upw):
    requirement = upw_requirement(upw.officer, hours=40)
    bookings = _past_sessions(upw, requirement, 6)
    for attendance in bookings[:5]:
        services.attendance_record(by=upw.manager, attendance=attendance, **outcome_fields())

    services.attendance_record(by=upw.manager, attendance=bookings[5], **outcome_fields(penalty_minutes=120))

    requirement.refresh_from_db()
    assert requirement.unpaid_work_minutes_credited == 40 * 60
    refused = _refused(
        services.attendance_book,
        _state(requirement),
        by=upw.supervisor,
        session=session(upw.project),
        requirement=requirement,
    )
    assert refused == {NON_FIELD_ERRORS: ["All 40 hours ordered are already credited: there is nothing left to book."]}


def test_education_and_training_is_capped_at_30_percent_30_of_100_hours(upw, settings):
    assert settings.UNPAID_WORK_EDUCATION_TRAINING_PERCENT == 30
    requirement = upw_requirement(upw.officer, hours=100)
    bookings = _past_sessions(upw, requirement, 5, project=upw.education)
    for attendance in bookings[:4]:
        services.attendance_record(by=upw.manager, attendance=attendance, **outcome_fields())
    assert services.education_training_cap_minutes(100) == 30 * 60

    errors = _refused(
        services.attendance_record, _state(requirement), by=upw.manager, attendance=bookings[4], **outcome_fields()
    )
    assert errors == {
        "status": [
            "This would credit 7 hours of education and training, but only 2 hours of the 30 hours allowed (30% of "
            "the hours ordered) remain."
        ]
    }
    # Group placement hours are not capped, and exactly 30 hours of education and training are allowed.
    group = _past_sessions(upw, requirement, 1)[0]
    services.attendance_record(by=upw.manager, attendance=group, **outcome_fields())
    services.attendance_record(by=upw.manager, attendance=bookings[4], **outcome_fields(penalty_minutes=300))
    requirement.refresh_from_db()
    assert requirement.unpaid_work_minutes_credited == 30 * 60 + 7 * 60


# The register: all or nothing ----------------------------------------------------------------------------------


def _register(upw, people=3):
    today = session(upw.project, supervisor=upw.supervisor)
    requirements = [upw_requirement(upw.officer) for _ in range(people)]
    return today, requirements, [booking(requirement, today) for requirement in requirements]


def test_the_register_records_everyone_at_once(upw):
    today, requirements, (a, b, c) = _register(upw)

    recorded = services.register_record(
        by=upw.supervisor,
        session=today,
        entries=[
            {"attendance": a.pk, **outcome_fields(penalty_minutes=30)},
            {"attendance": b.pk, **outcome_fields("sent_home_behaviour", reason="Swearing at the public")},
            {"attendance": c.pk, **outcome_fields("stood_down", reason="Not enough tools")},
        ],
    )

    assert [row.pk for row in recorded] == [a.pk, b.pk, c.pk]
    credited = [Requirement.objects.get(pk=r.pk).unpaid_work_minutes_credited for r in requirements]
    assert credited == [390, 0, 0]
    statuses = list(UnpaidWorkAttendance.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["attended", "sent_home_behaviour", "stood_down"]


def test_one_bad_row_refuses_the_whole_register_with_errors_per_row(upw):
    today, requirements, (a, b, c) = _register(upw)

    errors = _refused(
        services.register_record,
        _state(*requirements),
        by=upw.supervisor,
        session=today,
        entries=[
            {"attendance": a.pk, **outcome_fields()},
            {"attendance": b.pk, **outcome_fields(penalty_minutes=500)},
            {"attendance": c.pk, **outcome_fields(work_quality="", behaviour="")},
        ],
    )

    assert errors == {
        f"attendance-{b.pk}-penalty_minutes": [
            "Penalty minutes cannot be more than the session's 420 minutes (7 hours)."
        ],
        f"attendance-{c.pk}-work_quality": ["Rate the work of someone who attended."],
        f"attendance-{c.pk}-behaviour": ["Rate the behaviour of someone who attended."],
    }


def test_the_register_refuses_people_not_on_the_session_and_other_staff(upw):
    today, requirements, (a, b, c) = _register(upw)
    elsewhere = booking(upw_requirement(upw.officer), session(upw.project, start=time(17, 0), end=time(19, 0)))
    snapshot = _state(*requirements)

    assert _refused(
        services.register_record,
        snapshot,
        by=upw.supervisor,
        session=today,
        entries=[{"attendance": a.pk, **outcome_fields()}, {"attendance": elsewhere.pk, **outcome_fields()}],
    ) == {f"attendance-{elsewhere.pk}-status": ["This person is not booked on this session."]}
    assert _refused(
        services.register_record,
        snapshot,
        by=upw.elsewhere_supervisor,
        session=today,
        entries=[{"attendance": a.pk, **outcome_fields()}],
    ) == {NON_FIELD_ERRORS: ["Only the session's supervisor or a manager of Stockport CRC can record its register."]}


def test_saving_the_register_again_unchanged_is_not_a_correction(upw):
    today, requirements, (a, b, c) = _register(upw)
    entries = [{"attendance": a.pk, **outcome_fields(penalty_minutes=15)}]
    services.register_record(by=upw.supervisor, session=today, entries=entries)
    history = UnpaidWorkAttendance.history.count()

    services.register_record(
        by=upw.supervisor, session=today, entries=[*entries, {"attendance": b.pk, **outcome_fields()}]
    )

    assert UnpaidWorkAttendance.history.count() == history + 1
    assert Requirement.objects.get(pk=requirements[0].pk).unpaid_work_minutes_credited == 405
