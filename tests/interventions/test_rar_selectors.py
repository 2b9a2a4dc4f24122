"""RAR progress (interventions.selectors.rar): the share of the order's time elapsed, the day-by-day list with
why a day did not count, and the inactivity flag's boundary and setting."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from cases.models import Requirement
from cases.selectors.people import rar_inactivity_period
from interventions.selectors import rar as selectors
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 25, 12, 0)), tick=False):
        yield


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


# Share of the order's time elapsed ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "today", "expected"),
    [
        (date(2026, 11, 2), date(2027, 11, 2), date(2026, 11, 25), 6),  # 23 of 365 days: 6.3% rounded down
        (date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 6), 50),  # 5 of 10 days
        (date(2026, 1, 1), date(2026, 1, 4), date(2026, 1, 3), 66),  # 2 of 3 days: 66.7% rounded down
        (date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 1), 0),  # the first day
        (date(2026, 1, 1), date(2026, 1, 11), date(2025, 12, 1), 0),  # before it starts: capped at 0
        (date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 11), 100),  # the last day
        (date(2026, 1, 1), date(2026, 1, 11), date(2027, 1, 1), 100),  # after it ends: capped at 100
        (date(2026, 1, 1), date(2026, 1, 1), date(2025, 12, 31), 0),  # a one-day order, before it
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 1), 100),  # a one-day order, on it
        (date(2026, 1, 1), None, date(2026, 6, 1), None),  # no end date yet
    ],
)
def test_elapsed_percent(start, end, today, expected):
    assert selectors.elapsed_percent(start, end, today) == expected


def test_progress_figures_and_the_day_by_day_list(org, frozen):
    case = factories.CaseFactory(responsible_officer=org.officer)
    requirement = factories.RequirementFactory(sentence=factories.SentenceFactory(case=case), maximum_days=20)
    objective = factories.PlanObjectiveFactory(
        plan=factories.SentencePlanFactory(sentence=requirement.sentence), description="Find settled accommodation"
    )
    outcome = factories.contact_outcome

    def activity(day, hour=10, code=None, **kwargs):
        contact = {"contact__case": case, "contact__starts_at": at(day, hour)}
        if code:
            contact.update(contact__outcome=outcome(code), contact__outcome_recorded_at=timezone.now())
        return factories.RehabilitationActivityFactory(requirement=requirement, **contact, **kwargs)

    activity(date(2026, 11, 10), 9, "attended_complied")
    activity(
        date(2026, 11, 10),
        14,
        "attended_complied",
        plan_objective=objective,
        need_area="",
        delivered_by=None,
        delivered_by_organisation="Stockport Housing Advice",
    )
    activity(date(2026, 11, 12), code="attended_failed_to_comply")
    activity(date(2026, 11, 16), code="unacceptable_absence")
    activity(date(2026, 11, 17), code="acceptable_absence", contact__absence_reason="medical")
    activity(date(2026, 11, 24))
    activity(date(2026, 11, 30))
    # The figures are kept by the services; set them as a recount would.
    requirement.rar_days_delivered, requirement.last_rar_activity_on = 1, date(2026, 11, 10)
    requirement.save()

    progress = selectors.rar_progress(requirement)

    assert (progress.delivered, progress.maximum, progress.remaining) == (1, 20, 19)
    assert progress.elapsed_percent == 6
    assert (progress.start_date, progress.end_date) == (date(2026, 11, 2), date(2027, 11, 2))
    assert progress.booked_days == 2
    assert [(day.day, day.counted, day.reason) for day in progress.days] == [
        (date(2026, 11, 10), True, ""),
        (date(2026, 11, 12), False, "Failed to comply"),
        (date(2026, 11, 16), False, "Absent (unacceptable absence)"),
        (date(2026, 11, 17), False, "Absent (acceptable absence)"),
        (date(2026, 11, 24), False, "Outcome not yet recorded"),
        (date(2026, 11, 30), False, "Booked, not yet happened"),
    ]
    first_day = progress.days[0]
    assert first_day.minutes == 120
    assert [(row.serves, row.delivered_by, row.status_label) for row in first_day.activities] == [
        ("Thinking and behaviour", "Olivia Okafor", "Counted"),
        ("Objective: Find settled accommodation (Accommodation)", "Stockport Housing Advice", "Counted"),
    ]


# The inactivity flag ---------------------------------------------------------------------------------------


def _requirement(org, *, started_days_ago: int, last_activity_days_ago: int | None, **kwargs) -> Requirement:
    start = TODAY - timedelta(days=started_days_ago)
    sentence = factories.SentenceFactory(
        case=factories.CaseFactory(responsible_officer=org.officer), sentence_date=start
    )
    return factories.RequirementFactory(
        sentence=sentence,
        last_rar_activity_on=None if last_activity_days_ago is None else TODAY - timedelta(days=last_activity_days_ago),
        rar_days_delivered=0 if last_activity_days_ago is None else 1,
        **kwargs,
    )


def _flagged() -> set[int]:
    return set(selectors.rar_inactive_requirements(today=TODAY).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("started", "last", "flagged"),
    [
        (60, 27, False),  # activity 27 days ago
        (60, 28, True),  # 28 days (4 weeks) without activity
        (60, 40, True),
        (27, None, False),  # started 27 days ago, nothing yet: not yet
        (28, None, True),  # started 4 weeks ago, nothing at all
        (60, 0, False),
    ],
)
def test_inactivity_boundary(org, started, last, flagged):
    requirement = _requirement(org, started_days_ago=started, last_activity_days_ago=last)

    assert (requirement.pk in _flagged()) is flagged


def test_only_active_rar_requirements_with_days_to_deliver_are_flagged(org):
    terminated = _requirement(
        org,
        started_days_ago=60,
        last_activity_days_ago=None,
        status=Requirement.Status.TERMINATED,
        ended_on=TODAY,
        completed_positively=False,
        termination_reason="revoked",
    )
    curfew = _requirement(
        org, started_days_ago=60, last_activity_days_ago=None, requirement_type=factories.requirement_type("curfew")
    )

    all_delivered = _requirement(org, started_days_ago=90, last_activity_days_ago=40, maximum_days=1)

    assert _flagged().isdisjoint({terminated.pk, curfew.pk, all_delivered.pk})


def test_the_period_is_a_setting(org, settings):
    settings.RAR_INACTIVITY_DAYS = 14
    requirement = _requirement(org, started_days_ago=60, last_activity_days_ago=14)
    assert requirement.pk in _flagged()

    settings.RAR_INACTIVITY_DAYS = 15
    assert requirement.pk not in _flagged()


@pytest.mark.parametrize(
    ("days", "words"), [(28, "4 weeks"), (7, "1 week"), (14, "2 weeks"), (30, "30 days"), (1, "1 day")]
)
def test_the_period_in_words(days, words):
    assert rar_inactivity_period(days) == words
