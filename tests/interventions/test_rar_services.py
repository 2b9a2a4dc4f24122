"""RAR days (interventions.services.rar and the outcome receiver): the day rule, the court's maximum, the order's
dates, every refusal with its message and nothing written, and history written with the acting user."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Case, Contact, Requirement
from cases.services import contacts as contact_services
from interventions.models import RehabilitationActivity
from interventions.services import rar as services
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 25, 12, 0)  # the order runs from 2 November 2026 to 2 November 2027


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.make_aware(TODAY), tick=False):
        yield


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def make_rar(org, maximum_days: int = 20, **kwargs) -> Requirement:
    case = factories.CaseFactory(responsible_officer=kwargs.pop("officer", org.officer))
    sentence = factories.SentenceFactory(case=case)
    return factories.RequirementFactory(sentence=sentence, maximum_days=maximum_days, **kwargs)


@pytest.fixture
def rar(org, frozen) -> Requirement:
    return make_rar(org)


def record(org, requirement, *, day=date(2026, 11, 20), hour=10, outcome=None, **overrides):
    kwargs = {
        "by": org.officer,
        "requirement": requirement,
        "starts_at": at(day, hour),
        "duration_minutes": 60,
        "activity_type": "one_to_one",
        "need_area": "thinking_and_behaviour",
        "delivered_by": org.officer,
        "location": "Manchester North probation office",
        "outcome": factories.contact_outcome(outcome) if isinstance(outcome, str) else outcome,
    }
    kwargs.update(overrides)
    return services.rar_activity_record(**kwargs)


def refused(call, requirement) -> dict[str, list[str]]:
    """Call, expect a ValidationError, and check that nothing was written."""
    before = (
        RehabilitationActivity.objects.count(),
        Contact.objects.count(),
        Requirement.history.filter(id=requirement.pk).count(),
    )
    with pytest.raises(ValidationError) as error:
        call()
    after = (
        RehabilitationActivity.objects.count(),
        Contact.objects.count(),
        Requirement.history.filter(id=requirement.pk).count(),
    )
    assert after == before
    return error.value.message_dict


def figures(requirement) -> tuple[int, date | None]:
    requirement.refresh_from_db()
    return requirement.rar_days_delivered, requirement.last_rar_activity_on


# Recording an activity -----------------------------------------------------------------------------------------


def test_record_books_the_appointment_and_marks_it(org, rar):
    activity = record(org, rar, description="Worked through a budget together")

    contact = activity.contact
    assert contact.is_appointment and contact.case == rar.sentence.case
    assert contact.staff == org.officer
    assert contact.starts_at == at(date(2026, 11, 20))
    assert contact.duration_minutes == 60
    assert contact.outcome is None
    assert activity.requirement == rar
    assert activity.activity_date == date(2026, 11, 20)
    assert activity.duration_minutes == 60
    assert activity.recorded_by == org.officer
    assert activity.description == "Worked through a budget together"
    # Booked without an outcome: counts nothing yet.
    assert figures(rar) == (0, None)
    history = activity.history.get()
    assert history.history_user == org.officer
    assert history.history_change_reason == "Rehabilitation activity recorded"
    assert contact.history.get().history_user == org.officer


def test_an_organisation_delivers_with_the_case_officer_holding_the_appointment(org, rar):
    activity = record(org, rar, delivered_by=None, delivered_by_organisation="Stockport Housing Advice")

    assert activity.delivered_by is None
    assert activity.delivered_by_organisation == "Stockport Housing Advice"
    assert activity.contact.staff == org.officer


def test_an_activity_may_serve_a_plan_objective_of_the_case(org, rar):
    objective = factories.PlanObjectiveFactory(
        plan=factories.SentencePlanFactory(sentence=rar.sentence), need_area="accommodation"
    )

    activity = record(org, rar, need_area="", plan_objective=objective)

    assert activity.plan_objective == objective
    assert activity.need_area == ""


# The day rule ---------------------------------------------------------------------------------------------------


def test_two_attended_complied_activities_on_one_day_count_as_one_day(org, rar):
    record(org, rar, hour=10, outcome="attended_complied")
    record(org, rar, hour=15, outcome="attended_complied", activity_type="group_session", duration_minutes=5)

    assert figures(rar) == (1, date(2026, 11, 20))

    record(org, rar, day=date(2026, 11, 23), outcome="attended_complied")

    assert figures(rar) == (2, date(2026, 11, 23))
    latest = rar.history.first()
    assert latest.history_user == org.officer
    assert latest.history_change_reason == "RAR days recounted: 2 days delivered"


@pytest.mark.parametrize(
    ("code", "extra"),
    [
        ("attended_failed_to_comply", {}),
        ("attended_sent_home", {}),
        ("unacceptable_absence", {}),
        ("acceptable_absence", {"absence_reason": "medical"}),
        ("rescheduled_by_service", {}),
    ],
)
def test_an_activity_that_was_not_attended_and_complied_counts_nothing(org, rar, code, extra):
    record(org, rar, outcome=code, **extra)

    assert figures(rar) == (0, None)
    assert rar.history.count() == 1  # only the factory's row: nothing was recounted into a change


def test_booked_activities_without_an_outcome_count_nothing(org, rar):
    record(org, rar, day=date(2026, 11, 24))  # happened, outcome not yet recorded
    record(org, rar, day=date(2026, 12, 1))  # still to happen

    assert figures(rar) == (0, None)


def test_a_day_with_a_failed_and_a_complied_activity_counts_once(org, rar):
    record(org, rar, hour=9, outcome="attended_failed_to_comply")
    record(org, rar, hour=14, outcome="attended_complied")

    assert figures(rar) == (1, date(2026, 11, 20))


def test_recording_the_outcome_later_counts_the_day_with_the_recording_user(org, rar):
    activity = record(org, rar, day=date(2026, 11, 24))

    contact_services.appointment_record_outcome(
        by=org.colleague, contact=activity.contact, outcome=factories.contact_outcome("attended_complied")
    )

    assert figures(rar) == (1, date(2026, 11, 24))
    assert rar.history.first().history_user == org.colleague


def test_an_outcome_on_an_appointment_that_is_not_rar_activity_changes_no_requirement(org, rar):
    contact = factories.ContactFactory(case=rar.sentence.case, starts_at=at(date(2026, 11, 24)))

    contact_services.appointment_record_outcome(
        by=org.officer, contact=contact, outcome=factories.contact_outcome("attended_complied")
    )

    assert figures(rar) == (0, None)
    assert rar.history.count() == 1


def test_recount_without_a_change_writes_no_history(org, rar):
    record(org, rar, outcome="attended_complied")
    rows = rar.history.count()

    services.rar_days_recount(requirement=rar, by=org.manager)

    assert rar.history.count() == rows


# The court's maximum --------------------------------------------------------------------------------------------


def test_a_new_day_is_refused_once_delivered_and_booked_days_reach_the_maximum(org, frozen):
    rar = make_rar(org, maximum_days=2)
    record(org, rar, day=date(2026, 11, 20), outcome="attended_complied")
    record(org, rar, day=date(2026, 12, 2))  # booked

    errors = refused(lambda: record(org, rar, day=date(2026, 12, 3)), rar)

    assert errors["starts_at"] == [
        "This requirement has reached its maximum of 2 days: 1 day delivered and 1 other day booked. An activity on "
        "a new day would pass the court's maximum. Add it to a day that already has an activity, or record the "
        "outcomes of the booked activities first."
    ]
    # Another activity on a day already used is fine: several activities on one day count once.
    record(org, rar, day=date(2026, 12, 2), hour=15)
    record(org, rar, day=date(2026, 11, 20), hour=15, outcome="attended_complied")
    assert figures(rar) == (1, date(2026, 11, 20))


def test_a_day_freed_by_an_absence_can_be_used_again(org, frozen):
    rar = make_rar(org, maximum_days=1)
    booked = record(org, rar, day=date(2026, 11, 24))
    refused(lambda: record(org, rar, day=date(2026, 11, 23)), rar)

    contact_services.appointment_record_outcome(
        by=org.officer, contact=booked.contact, outcome=factories.contact_outcome("unacceptable_absence")
    )
    record(org, rar, day=date(2026, 11, 23), outcome="attended_complied")

    assert figures(rar) == (1, date(2026, 11, 23))


def test_an_activity_recorded_with_an_outcome_that_cannot_count_is_not_refused_at_the_maximum(org, frozen):
    rar = make_rar(org, maximum_days=1)
    record(org, rar, day=date(2026, 11, 20), outcome="attended_complied")

    record(org, rar, day=date(2026, 11, 23), outcome="unacceptable_absence")

    assert figures(rar) == (1, date(2026, 11, 20))
    assert rar.rehabilitation_activities.count() == 2


def test_an_outcome_that_would_pass_the_maximum_is_refused(org, frozen):
    rar = make_rar(org, maximum_days=1)
    record(org, rar, day=date(2026, 11, 20), outcome="attended_complied")
    # An activity on a second day that got past the booking check (booked before the court reduced the days).
    late = factories.RehabilitationActivityFactory(
        requirement=rar, contact__case=rar.sentence.case, contact__starts_at=at(date(2026, 11, 23))
    )

    with pytest.raises(ValidationError) as error:
        contact_services.appointment_record_outcome(
            by=org.officer, contact=late.contact, outcome=factories.contact_outcome("attended_complied")
        )

    assert error.value.message_dict == {
        "outcome": [
            "This requirement has reached its maximum of 1 day: this rehabilitation activity on 23 November 2026 "
            "would be a day beyond it. An attended and complied outcome cannot be recorded for it while it is "
            "marked against this requirement."
        ]
    }
    late.contact.refresh_from_db()
    assert late.contact.outcome is None
    assert figures(rar) == (1, date(2026, 11, 20))
    # An outcome that does not count is still recorded.
    contact_services.appointment_record_outcome(
        by=org.officer, contact=late.contact, outcome=factories.contact_outcome("attended_failed_to_comply")
    )
    assert figures(rar) == (1, date(2026, 11, 20))


def test_the_database_refuses_more_days_than_the_maximum(org, rar):
    rar.rar_days_delivered = 21

    with pytest.raises(ValidationError) as error:
        rar.full_clean()
    assert "The rehabilitation activity days delivered cannot exceed the court's maximum." in error.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        rar.save()


def test_recount_refuses_days_beyond_the_maximum(org, frozen):
    rar = make_rar(org, maximum_days=1)
    for day in (date(2026, 11, 20), date(2026, 11, 23)):
        factories.RehabilitationActivityFactory(
            requirement=rar,
            contact__case=rar.sentence.case,
            contact__starts_at=at(day),
            contact__outcome=factories.contact_outcome("attended_complied"),
            contact__outcome_recorded_at=timezone.now(),
        )

    errors = refused(lambda: services.rar_days_recount(requirement=rar, by=org.officer), rar)

    assert errors == {
        "requirement": [
            "This requirement has reached its maximum of 1 day: counting this activity would make 2 days "
            "delivered, which passes the court's maximum."
        ]
    }
    assert figures(rar) == (0, None)


# The order's dates and the activity's details -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (
            date(2026, 11, 1),
            "1 November 2026 is outside the order's dates: this requirement runs from 2 November 2026 to "
            "2 November 2027. Choose a date within that period.",
        ),
        (
            date(2027, 11, 3),
            "3 November 2027 is outside the order's dates: this requirement runs from 2 November 2026 to "
            "2 November 2027. Choose a date within that period.",
        ),
    ],
)
def test_a_date_outside_the_order_is_refused(org, rar, day, message):
    errors = refused(lambda: record(org, rar, day=day), rar)

    assert errors["starts_at"] == [message]


def test_the_requirements_own_end_date_comes_before_the_orders(org, frozen):
    rar = make_rar(org, end_date=date(2026, 12, 31))

    errors = refused(lambda: record(org, rar, day=date(2027, 1, 4)), rar)

    assert errors["starts_at"] == [
        "4 January 2027 is outside the order's dates: this requirement runs from 2 November 2026 to "
        "31 December 2026. Choose a date within that period."
    ]


@pytest.mark.parametrize("minutes", [4, 481, None])
def test_duration_is_5_to_480_minutes(org, rar, minutes):
    errors = refused(lambda: record(org, rar, duration_minutes=minutes), rar)

    assert errors["duration_minutes"] == ["An activity lasts between 5 and 480 minutes (8 hours): enter its duration."]


def test_an_activity_serves_a_need_area_or_an_objective_of_this_case(org, rar):
    errors = refused(lambda: record(org, rar, need_area=""), rar)
    assert errors["need_area"] == ["Choose the need area or the plan objective the activity serves."]

    elsewhere = factories.PlanObjectiveFactory()
    errors = refused(lambda: record(org, rar, need_area="", plan_objective=elsewhere), rar)
    assert errors["plan_objective"] == ["Choose an objective of this case's sentence plan."]


def test_someone_delivered_it(org, rar):
    errors = refused(lambda: record(org, rar, delivered_by=None), rar)
    assert errors["delivered_by"] == [
        "Say who delivered the activity: choose a member of staff, or enter the organisation that delivered it."
    ]

    errors = refused(lambda: record(org, rar, delivered_by=org.other_provider_officer), rar)
    assert errors["delivered_by"] == [
        "Bethan Barker does not work for NPS North West: choose a member of its staff, or enter the organisation "
        "that delivered the activity."
    ]


def test_an_outcome_for_an_activity_still_to_happen_is_refused(org, rar):
    errors = refused(lambda: record(org, rar, day=date(2026, 11, 26), outcome="attended_complied"), rar)

    assert errors["outcome"] == [
        "You can record the outcome once the activity has started: leave the outcome empty for an activity booked "
        "ahead."
    ]


def test_appointment_rules_still_apply(org, rar):
    errors = refused(lambda: record(org, rar, location=""), rar)

    assert errors["location"] == ["Enter where the appointment will be: face to face appointments need a location."]


# Who and what may take activity --------------------------------------------------------------------------------


def test_only_a_rar_requirement_takes_activity(org, frozen):
    unpaid_work = make_rar(
        org, maximum_days=None, requirement_type=factories.requirement_type("unpaid_work"), hours=100
    )

    errors = refused(lambda: record(org, unpaid_work), unpaid_work)

    assert errors == {
        "requirement": [
            "This requirement (Unpaid work) is not a rehabilitation activity requirement: only a RAR counts "
            "activity days."
        ]
    }


def test_an_ended_requirement_or_case_takes_no_activity(org, rar):
    terminated = make_rar(
        org,
        status=Requirement.Status.TERMINATED,
        ended_on=date(2026, 11, 20),
        completed_positively=False,
        termination_reason="revoked",
    )
    errors = refused(lambda: record(org, terminated), terminated)
    assert errors["requirement"] == [
        "This requirement is terminated: rehabilitation activity can only be added to an active requirement."
    ]

    case = rar.sentence.case
    case.status, case.end_date = Case.Status.ENDED, date(2026, 11, 24)
    case.save()
    errors = refused(lambda: record(org, rar), rar)
    assert errors["requirement"] == ["This case has ended: rehabilitation activity can only be added to an open case."]


@pytest.mark.parametrize("who", ["other_provider_officer", "court_user", "upw", "administrator"])
def test_staff_who_cannot_do_case_work_here_are_refused(org, rar, who):
    errors = refused(lambda: record(org, rar, by=getattr(org, who)), rar)

    assert errors == {"requirement": [services.NOT_ALLOWED]}


def test_a_manager_of_the_provider_may_record(org, rar):
    activity = record(org, rar, by=org.manager, outcome="attended_complied")

    assert activity.history.get().history_user == org.manager
    assert rar.history.first().history_user == org.manager


# Marking an appointment already booked ------------------------------------------------------------------------


def mark(org, requirement, contact, **overrides):
    kwargs = {
        "by": org.officer,
        "requirement": requirement,
        "contact": contact,
        "activity_type": "mentoring",
        "need_area": "lifestyle",
        "delivered_by": org.officer,
    }
    kwargs.update(overrides)
    return services.rar_activity_mark(**kwargs)


def test_marking_an_attended_appointment_counts_its_day_at_once(org, rar):
    contact = factories.ContactFactory(
        case=rar.sentence.case,
        starts_at=at(date(2026, 11, 18)),
        duration_minutes=30,
        outcome=factories.contact_outcome("attended_complied"),
        outcome_recorded_at=timezone.now(),
    )

    activity = mark(org, rar, contact)

    assert activity.contact == contact
    assert activity.activity_date == date(2026, 11, 18)
    assert activity.duration_minutes == 30
    assert figures(rar) == (1, date(2026, 11, 18))
    assert activity.history.get().history_user == org.officer
    assert activity.history.get().history_change_reason == "Appointment marked as rehabilitation activity"


def test_marking_a_booked_appointment_counts_once_its_outcome_is_recorded(org, rar):
    contact = factories.ContactFactory(case=rar.sentence.case, starts_at=at(date(2026, 11, 24)))
    mark(org, rar, contact)
    assert figures(rar) == (0, None)

    contact_services.appointment_record_outcome(
        by=org.officer, contact=contact, outcome=factories.contact_outcome("attended_complied")
    )

    assert figures(rar) == (1, date(2026, 11, 24))


def test_mark_refusals(org, rar):
    case = rar.sentence.case
    marked = record(org, rar).contact
    assert refused(lambda: mark(org, rar, marked), rar)["contact"] == [
        "This appointment is already marked as rehabilitation activity: choose another."
    ]
    other_case = factories.ContactFactory(starts_at=at(date(2026, 11, 20)))
    assert refused(lambda: mark(org, rar, other_case), rar)["contact"] == ["Choose an appointment of this case."]
    recorded = factories.ContactFactory(
        case=case, is_appointment=False, contact_type="telephone_call", method="telephone", location=""
    )
    assert refused(lambda: mark(org, rar, recorded), rar)["contact"] == [
        "Only a booked appointment can be marked as rehabilitation activity: choose one."
    ]
    before_order = factories.ContactFactory(case=case, starts_at=at(date(2026, 10, 30)))
    assert refused(lambda: mark(org, rar, before_order), rar)["contact"] == [
        "30 October 2026 is outside the order's dates: this requirement runs from 2 November 2026 to "
        "2 November 2027. Choose a date within that period."
    ]
    no_duration = factories.ContactFactory(case=case, starts_at=at(date(2026, 11, 20)), duration_minutes=None)
    assert refused(lambda: mark(org, rar, no_duration), rar)["contact"] == [
        "This appointment has no duration: record the activity with its duration instead of marking it."
    ]


def test_marking_a_new_day_at_the_maximum_is_refused(org, frozen):
    rar = make_rar(org, maximum_days=1)
    record(org, rar, day=date(2026, 11, 20), outcome="attended_complied")
    contact = factories.ContactFactory(case=rar.sentence.case, starts_at=at(date(2026, 11, 30)))

    errors = refused(lambda: mark(org, rar, contact), rar)

    assert errors["contact"][0].startswith("This requirement has reached its maximum of 1 day: 1 day delivered")
    # The same day as one already counted is fine.
    same_day = factories.ContactFactory(case=rar.sentence.case, starts_at=at(date(2026, 11, 20), 15))
    mark(org, rar, same_day)


def test_receiver_ignores_other_events(org, rar):
    from cases import events
    from interventions.receivers import on_case_event

    activity = factories.RehabilitationActivityFactory(
        requirement=rar,
        contact__case=rar.sentence.case,
        contact__starts_at=at(date(2026, 11, 20)),
        contact__outcome=factories.contact_outcome("attended_complied"),
        contact__outcome_recorded_at=timezone.now(),
    )
    for name, subject in [
        (events.APPOINTMENT_ATTENDED, f"contact:{activity.contact_id}"),
        (events.CONTACT_OUTCOME_RECORDED, f"sentence:{activity.contact_id}"),
    ]:
        event = events.CaseEvent(name=name, case=rar.sentence.case, subject=subject, on=date(2026, 11, 20), by=None)
        on_case_event(None, event=event)

    assert figures(rar) == (0, None)
    on_case_event(
        None,
        event=events.CaseEvent(
            name=events.CONTACT_OUTCOME_RECORDED,
            case=rar.sentence.case,
            subject=f"contact:{activity.contact_id}",
            on=date(2026, 11, 20),
            by=org.officer,
        ),
    )
    assert figures(rar) == (1, date(2026, 11, 20))
