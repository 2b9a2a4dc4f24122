"""interventions.selectors.unpaid_work.requirement_progress: the weekly offer flag (at least 7 hours offered each
week; being stood down is not an offer), the 12-month completion deadline and the education and training figures.

The requirement starts on Monday 2 November 2026; today is Wednesday 25 November 2026, so its weeks begin on
2, 9, 16 and 23 November.
"""

from datetime import date, datetime, time

import pytest
import time_machine
from django.utils import timezone

from interventions.selectors.unpaid_work import requirement_progress
from interventions.services import unpaid_work as services
from tests.interventions import test_unpaid_work_setup as setup
from tests.interventions.test_unpaid_work_setup import booking, outcome_fields, session, upw_requirement

frozen = setup.frozen
upw = setup.upw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _weeks(requirement) -> list[tuple[str, int, bool]]:
    requirement.refresh_from_db()
    return [
        (week.week_start.isoformat(), week.offered_minutes, week.under_minimum)
        for week in requirement_progress(requirement).weeks
    ]


def test_the_weekly_offer_flag(upw):
    requirement = upw_requirement(upw.officer)
    # Week of 2 November: 6 hours offered (attended) -> flagged.
    six = booking(requirement, session(upw.project, on=date(2026, 11, 3), start=time(9, 0), end=time(15, 0)))
    services.attendance_record(by=upw.manager, attendance=six, **outcome_fields())
    # Week of 9 November: 7 hours offered, even though the person did not come -> not flagged.
    absent = booking(requirement, session(upw.project, on=date(2026, 11, 10)))
    services.attendance_record(by=upw.manager, attendance=absent, **outcome_fields("unacceptable_absence"))
    # Week of 16 November: 7 hours but stood down, 7 hours withdrawn, 7 hours on a cancelled session -> 0, flagged.
    stood = booking(requirement, session(upw.project, on=date(2026, 11, 16)))
    services.attendance_record(by=upw.manager, attendance=stood, **outcome_fields("stood_down"))
    booking(requirement, session(upw.project, on=date(2026, 11, 17)), status="withdrawn")
    cancelled = session(upw.education, on=date(2026, 11, 18))
    booking(requirement, cancelled)
    services.session_cancel(by=upw.manager, session=cancelled, reason="Tutor ill")
    # Week of 23 November: nothing booked -> 0, flagged.

    assert _weeks(requirement) == [
        ("2026-11-02", 360, True),
        ("2026-11-09", 420, False),
        ("2026-11-16", 0, True),
        ("2026-11-23", 0, True),
    ]
    assert requirement_progress(requirement).weeks_under_minimum == 3


def test_a_booking_later_this_week_counts_as_offered_and_two_sessions_add_up(upw):
    requirement = upw_requirement(upw.officer)
    booking(requirement, session(upw.project, on=date(2026, 11, 9), start=time(9, 0), end=time(12, 30)))
    booking(requirement, session(upw.education, on=date(2026, 11, 12), start=time(13, 0), end=time(16, 30)))
    booking(requirement, session(upw.project, on=date(2026, 11, 28)))  # Saturday of this week, booked

    assert _weeks(requirement)[1:] == [
        ("2026-11-09", 420, False),
        ("2026-11-16", 0, True),
        ("2026-11-23", 420, False),
    ]


def test_the_weeks_stop_at_the_week_the_last_hour_was_credited(upw):
    requirement = upw_requirement(upw.officer, hours=40)
    for day in (2, 3, 4, 5, 6, 9):
        attendance = booking(requirement, session(upw.project, on=date(2026, 11, day)))
        penalty = 120 if day == 9 else 0
        services.attendance_record(by=upw.manager, attendance=attendance, **outcome_fields(penalty_minutes=penalty))

    requirement.refresh_from_db()
    progress = requirement_progress(requirement)

    assert (progress.credited_minutes, progress.remaining_minutes, progress.complete) == (2400, 0, True)
    assert [week.week_start.isoformat() for week in progress.weeks] == ["2026-11-02", "2026-11-09"]


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(date(2027, 11, 2), False), (date(2027, 11, 3), True)],
)
def test_the_completion_deadline_is_12_months_after_the_start(upw, today, overdue):
    requirement = upw_requirement(upw.officer)
    attendance = booking(requirement, session(upw.project, on=date(2026, 11, 3)))
    services.attendance_record(by=upw.manager, attendance=attendance, **outcome_fields())
    requirement.refresh_from_db()

    with time_machine.travel(timezone.make_aware(datetime.combine(today, time(9, 0))), tick=False):
        progress = requirement_progress(requirement)

    assert progress.deadline == date(2027, 11, 2)
    assert (progress.overdue, progress.remaining_text) == (overdue, "93 hours")
    assert len(progress.weeks) == 53


def test_education_and_training_used_and_cap(upw):
    requirement = upw_requirement(upw.officer, hours=100)
    attendance = booking(requirement, session(upw.education, on=date(2026, 11, 3)))
    services.attendance_record(by=upw.manager, attendance=attendance, **outcome_fields(penalty_minutes=60))

    requirement.refresh_from_db()
    progress = requirement_progress(requirement)

    assert (progress.education_training_minutes, progress.education_training_cap_minutes) == (360, 1800)
    assert (progress.education_training_text, progress.education_training_cap_text) == ("6 hours", "30 hours")
