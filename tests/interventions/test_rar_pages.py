"""RAR pages: the requirement's progress page, recording an activity, marking an appointment; scoping (404),
bad input (400, nothing written), refusals, and a constant number of queries however many activities."""

from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessRecord, Contact, PersonAccessLimit, Requirement
from interventions.models import RehabilitationActivity
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 25, 12, 0)), tick=False):
        yield


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


@pytest.fixture
def rar(org) -> Requirement:
    case = factories.CaseFactory(responsible_officer=org.officer, person__first_name="Pat", person__last_name="Doe")
    return factories.RequirementFactory(sentence=factories.SentenceFactory(case=case), maximum_days=20)


def delivered(requirement, day: date, hour: int = 10, code: str = "attended_complied", **kwargs):
    return factories.RehabilitationActivityFactory(
        requirement=requirement,
        contact__case=requirement.sentence.case,
        contact__starts_at=at(day, hour),
        contact__outcome=factories.contact_outcome(code),
        contact__outcome_recorded_at=timezone.now(),
        **kwargs,
    )


def page_url(requirement) -> str:
    return reverse("interventions:rar_requirement", args=[requirement.pk])


def record_url(requirement) -> str:
    return reverse("interventions:rar_activity_record", args=[requirement.pk])


def mark_url(requirement) -> str:
    return reverse("interventions:rar_activity_mark", args=[requirement.pk])


# The requirement page -----------------------------------------------------------------------------------------


def test_page_shows_the_figures_the_day_rule_and_each_day(org, client_for, rar):
    delivered(rar, date(2026, 11, 10), 9)
    delivered(rar, date(2026, 11, 10), 14, activity_type="group_session")
    delivered(rar, date(2026, 11, 12), code="attended_failed_to_comply")
    rar.rar_days_delivered, rar.last_rar_activity_on = 1, date(2026, 11, 10)
    rar.save()

    response = client_for(org.officer).get(page_url(rar))

    assert response.status_code == 200
    assert response.context["tab"] == "delivery"
    html = response.content.decode()
    assert "1 of 20 days delivered" in html
    assert 'data-testid="rar-remaining">19<' in html
    assert 'data-testid="rar-elapsed">6%' in html
    assert "From 2 November 2026 to 2 November 2027" in html
    assert (
        "Any activity on a day counts as one RAR day, however short; two activities on the same day count once." in html
    )
    assert html.count('data-testid="rar-day"') == 2
    assert html.count('data-testid="rar-activity"') == 3
    assert "Group session, 60 minutes: Thinking and behaviour. Delivered by Olivia Okafor." in html
    assert 'data-testid="rar-day-reason">Failed to comply<' in html
    assert "Record an activity" in html


def test_page_with_no_activity(org, client_for, rar):
    html = client_for(org.officer).get(page_url(rar)).content.decode()

    assert "0 of 20 days delivered" in html
    assert "No rehabilitation activity has been recorded yet." in html


@pytest.mark.parametrize("who", ["officer", "colleague", "manager"])
def test_staff_who_can_see_the_case_see_the_page(org, client_for, rar, who):
    assert client_for(getattr(org, who)).get(page_url(rar)).status_code == 200


@pytest.mark.parametrize("who", ["other_provider_officer", "other_provider_manager", "court_user", "upw"])
@pytest.mark.parametrize("url", [page_url, record_url, mark_url])
def test_anyone_else_gets_not_found(org, client_for, rar, who, url):
    assert client_for(getattr(org, who)).get(url(rar)).status_code == 404


@pytest.mark.parametrize("url", [page_url, record_url, mark_url])
def test_a_requirement_that_is_not_a_rar_is_not_found(org, client_for, url):
    curfew = factories.RequirementFactory(
        sentence=factories.SentenceFactory(case=factories.CaseFactory(responsible_officer=org.officer)),
        requirement_type=factories.requirement_type("curfew"),
    )

    assert client_for(org.officer).get(url(curfew)).status_code == 404


def test_opening_a_restricted_person_writes_an_access_record(org, client_for, rar):
    factories.PersonAccessLimitFactory(
        person=rar.sentence.case.person, user=org.officer, kind=PersonAccessLimit.Kind.RESTRICTION
    )

    client_for(org.officer).get(page_url(rar))

    assert AccessRecord.objects.filter(person=rar.sentence.case.person, user=org.officer).count() == 1


def test_page_query_count_is_constant_in_the_number_of_activities(org, client_for, rar):
    client = client_for(org.officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page_url(rar))
        assert response.status_code == 200
        return len(captured)

    objective = factories.PlanObjectiveFactory(plan=factories.SentencePlanFactory(sentence=rar.sentence))
    for index in range(2):
        delivered(rar, date(2026, 11, 3 + index), plan_objective=objective)
    small = queries()
    for index in range(2, 20):
        delivered(rar, date(2026, 11, 3 + index), code=["attended_complied", "unacceptable_absence"][index % 2])
    large = queries()

    # session (5) + header team and provider (2) + alerts panel (1) + requirement with its case (1) + the
    # person's flags (2) + can the user add activity: the case is visible (1) + activities (1)
    assert small == large == PINNED_PAGE


PINNED_PAGE = 13


# Recording an activity ----------------------------------------------------------------------------------------


def form_data(**overrides) -> dict:
    data = {
        "activity_type": "one_to_one",
        "date-day": "20",
        "date-month": "11",
        "date-year": "2026",
        "time": "10:00",
        "duration_minutes": "45",
        "need_area": "thinking_and_behaviour",
        "plan_objective": "",
        "delivered_by": "",
        "delivered_by_organisation": "",
        "description": "Talked through the triggers for last month's argument",
        "contact_type": "office_appointment",
        "method": "face_to_face",
        "location": "Manchester North probation office",
        "outcome": "",
        "absence_reason": "",
        "absence_reason_details": "",
    }
    data.update(overrides)
    return data


def test_record_form_shows(org, client_for, rar):
    response = client_for(org.officer).get(record_url(rar))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Record a rehabilitation activity" in html
    assert "Attended and complied" in html  # the outcome choices


def test_record_an_activity_that_happened(org, client_for, rar):
    response = client_for(org.officer).post(
        record_url(rar), form_data(delivered_by=str(org.officer.pk), outcome="attended_complied")
    )

    assert response.status_code == 302
    assert response["Location"] == page_url(rar)
    activity = RehabilitationActivity.objects.get()
    assert (activity.activity_date, activity.duration_minutes, activity.delivered_by) == (
        date(2026, 11, 20),
        45,
        org.officer,
    )
    assert activity.contact.outcome.code == "attended_complied"
    rar.refresh_from_db()
    assert rar.rar_days_delivered == 1
    follow = client_for(org.officer).get(page_url(rar)).content.decode()
    assert "1 of 20 days delivered" in follow


def test_record_an_activity_an_organisation_delivers_next_week(org, client_for, rar):
    response = client_for(org.officer).post(
        record_url(rar),
        form_data(**{"date-day": "2", "date-month": "12"}, delivered_by_organisation="Stockport Housing Advice"),
    )

    assert response.status_code == 302
    activity = RehabilitationActivity.objects.get()
    assert activity.delivered_by_organisation == "Stockport Housing Advice"
    assert activity.contact.outcome is None


def _bad_post(client, url, data) -> str:
    counts = (RehabilitationActivity.objects.count(), Contact.objects.count())
    response = client.post(url, data)
    assert response.status_code == 400
    assert (RehabilitationActivity.objects.count(), Contact.objects.count()) == counts
    html = response.content.decode()
    assert "There is a problem" in html
    return html


def test_empty_form_is_400_with_messages(org, client_for, rar):
    html = _bad_post(client_for(org.officer), record_url(rar), {})

    for message in ("Choose the type of activity", "Enter the date", "Enter the time", "Enter the duration in minutes"):
        assert message in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"date-day": "1", "date-month": "11"},
            "1 November 2026 is outside the order&#x27;s dates: this requirement runs from 2 November 2026 to "
            "2 November 2027. Choose a date within that period.",
        ),
        ({"duration_minutes": "481"}, "An activity lasts between 5 and 480 minutes (8 hours): enter its duration."),
        ({"need_area": ""}, "Choose the need area or the plan objective the activity serves."),
        ({"time": "25:00"}, "Enter the time using the 24-hour clock, like 09:30 or 14:00"),
        (
            {"date-day": "26", "outcome": "attended_complied"},
            "You can record the outcome once the activity has started",
        ),
        (
            {"delivered_by_organisation": ""},
            "Say who delivered the activity: choose a member of staff, or enter the organisation that delivered it.",
        ),
        ({"plan_objective": "999999"}, "Choose an objective of this case&#x27;s sentence plan"),
    ],
)
def test_bad_input_is_400_with_the_rule(org, client_for, rar, overrides, message):
    html = _bad_post(client_for(org.officer), record_url(rar), form_data(**overrides))

    assert message in html


def test_a_new_day_past_the_maximum_is_400(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer)
    rar = factories.RequirementFactory(sentence=factories.SentenceFactory(case=case), maximum_days=1)
    delivered(rar, date(2026, 11, 10))
    rar.rar_days_delivered, rar.last_rar_activity_on = 1, date(2026, 11, 10)
    rar.save()

    html = _bad_post(client_for(org.officer), record_url(rar), form_data(delivered_by=str(org.officer.pk)))

    assert "This requirement has reached its maximum of 1 day: 1 day delivered and 0 other days booked." in html


def test_an_ended_requirement_is_refused(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer)
    rar = factories.RequirementFactory(
        sentence=factories.SentenceFactory(case=case),
        status=Requirement.Status.COMPLETED,
        ended_on=date(2026, 11, 20),
        completed_positively=True,
    )
    client = client_for(org.officer)

    for url in (record_url(rar), mark_url(rar)):
        response = client.get(url)
        assert response.status_code == 400
        assert (
            "This requirement is completed: rehabilitation activity can only be added to an active requirement."
            in response.content.decode()
        )
    assert client.post(record_url(rar), form_data()).status_code == 400
    assert RehabilitationActivity.objects.count() == 0
    assert "Record an activity" not in client.get(page_url(rar)).content.decode()


# Marking an appointment ----------------------------------------------------------------------------------------


def test_mark_lists_the_cases_unmarked_appointments_within_the_dates(org, client_for, rar):
    case = rar.sentence.case
    wanted = factories.ContactFactory(case=case, starts_at=at(date(2026, 11, 18)))
    factories.ContactFactory(case=case, starts_at=at(date(2026, 10, 20)))  # before the order
    delivered(rar, date(2026, 11, 19))  # already marked
    factories.ContactFactory(starts_at=at(date(2026, 11, 18)))  # another case

    response = client_for(org.officer).get(mark_url(rar))

    assert response.status_code == 200
    assert [pk for pk, _label in response.context["form"].fields["contact"].choices] == [wanted.pk]
    assert "18 November 2026, 10:00, Office appointment, 45 minutes, with Olivia Okafor, no outcome yet" in (
        response.content.decode()
    )


def test_mark_an_appointment(org, client_for, rar):
    contact = factories.ContactFactory(
        case=rar.sentence.case,
        starts_at=at(date(2026, 11, 18)),
        outcome=factories.contact_outcome("attended_complied"),
        outcome_recorded_at=timezone.now(),
    )

    response = client_for(org.officer).post(
        mark_url(rar),
        {"contact": str(contact.pk), "activity_type": "mentoring", "need_area": "lifestyle", "delivered_by": ""}
        | {"delivered_by_organisation": "Peer mentors"},
    )

    assert response.status_code == 302
    assert RehabilitationActivity.objects.get().contact == contact
    rar.refresh_from_db()
    assert rar.rar_days_delivered == 1


def test_mark_without_a_choice_is_400(org, client_for, rar):
    factories.ContactFactory(case=rar.sentence.case, starts_at=at(date(2026, 11, 18)))

    html = _bad_post(client_for(org.officer), mark_url(rar), {"activity_type": "mentoring"})

    assert "Choose the appointment" in html
