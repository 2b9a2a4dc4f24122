"""Bad input found in review: each gets a clear error, never a 500, and changes nothing."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from config.history import save_with_history
from risk import services
from risk.models import MappaRegistration, Registration, RiskReview, RoshAssessment
from tests import factories

pytestmark = pytest.mark.django_db


def _date(field: str, day, month, year) -> dict:
    return {f"{field}-day": str(day), f"{field}-month": str(month), f"{field}-year": str(year)}


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def person(org):
    return factories.CaseFactory(responsible_officer=org.officer, person__date_of_birth=date(1990, 5, 1)).person


@pytest.mark.parametrize(
    ("year", "message"),
    [("99999999999999999999", "Date must be a real date"), ("1899", "Date must be after 1900")],
)
def test_a_date_with_a_huge_or_ancient_year_is_a_form_error(org, client_for, person, year, message):
    url = reverse("risk:change_new", args=[person.crn])
    response = client_for(org.officer).post(
        url, {"change": "relapse", "description": "Drinking again", **_date("occurred_on", 1, 2, year)}
    )
    assert response.status_code == 400  # bad input: the form again, with errors
    assert message in _text(response)
    assert not RiskReview.objects.exists()


def test_nothing_is_dated_before_the_person_was_born(org, person):
    before_birth = date(1989, 12, 31)
    with pytest.raises(ValidationError) as error:
        services.assessment_start(by=org.officer, person=person, kind="full", assessment_date=before_birth)
    assert error.value.message_dict == {
        "assessment_date": ["The assessment date must be on or after the person's date of birth."]
    }
    with pytest.raises(ValidationError, match="date of birth"):
        services.registration_add(
            by=org.officer,
            person=person,
            registration_type=factories.registration_type("weapons"),
            start_date=before_birth,
            reason="Knife",
        )
    with pytest.raises(ValidationError, match="date of birth"):
        services.change_of_circumstances_record(
            by=org.officer, person=person, change="relapse", description="x", occurred_on=before_birth
        )
    assert not RoshAssessment.objects.exists() and not Registration.objects.exists()


def test_mappa_must_be_reviewed_at_least_yearly(org, person):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.mappa_register(
            by=org.officer,
            person=person,
            category=2,
            level=1,
            lead_agency="probation",
            start_date=today - timedelta(days=700),
            next_review_date=date(9999, 12, 31),
        )
    assert "at least every 12 months" in error.value.message_dict["next_review_date"][0]
    # A registration recorded late may still have its next review within the coming year.
    registration = services.mappa_register(
        by=org.officer,
        person=person,
        category=2,
        level=1,
        lead_agency="probation",
        start_date=today - timedelta(days=700),
        next_review_date=today + timedelta(days=300),
    )
    with pytest.raises(ValidationError, match="at least every 12 months"):
        services.mappa_review(
            by=org.officer, registration=registration, level=1, next_review_date=today + timedelta(days=400)
        )


def test_a_concurrent_duplicate_is_a_validation_error_not_a_500(org, person):
    """Two requests that both pass validation: the database refuses the second, and the user gets a message."""
    fields = {
        "person": person,
        "category": 2,
        "level": 1,
        "lead_agency": "probation",
        "start_date": date(2025, 1, 6),
        "next_review_date": date(2025, 6, 6),
        "added_by": org.officer,
    }
    save_with_history(MappaRegistration(**fields), by=org.officer)
    with pytest.raises(ValidationError, match="conflicts with a change saved at the same moment"):
        save_with_history(MappaRegistration(**fields), by=org.officer, validate=False)
    assert MappaRegistration.objects.count() == 1


def test_an_adult_assessed_as_a_child_is_asked_about_safety_and_wellbeing(org, client_for):
    """A 19-year-old's assessment dated when they were 17 needs the child's fields: the form must offer them."""
    today = timezone.localdate()
    young_adult = factories.CaseFactory(
        responsible_officer=org.officer, person__date_of_birth=today - timedelta(days=19 * 365 + 30)
    ).person
    when_seventeen = today - timedelta(days=2 * 365)
    levels = {"risk_to_public": "2", "risk_to_known_adults": "1", "risk_to_children": "1", "risk_to_staff": "1"}
    narrative = {
        "who_is_at_risk": "Peers",
        "nature_of_risk": "Fights",
        "circumstances_increasing_risk": "Gang contact",
        "plan_supervision": "Weekly",
        "plan_contingency": "Police referral",
    }
    url = reverse("risk:assessment_new", args=[young_adult.crn])
    client = client_for(org.officer)
    assert 'name="safety_and_wellbeing_level"' not in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "kind": "full",
            **_date("assessment_date", when_seventeen.day, when_seventeen.month, when_seventeen.year),
            **levels,
            **narrative,
            "action": "complete",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400  # bad input: the form again, with errors
    assert 'name="safety_and_wellbeing_level"' in html
    assert 'href="#id_safety_and_wellbeing_level' in html  # the error links to a field that is on the page
    assert not RoshAssessment.objects.exists()


def test_the_people_api_refuses_an_over_long_search(org, client_for):
    response = client_for(org.officer).get("/api/v1/people/", {"q": "a " * 3000})
    assert response.status_code == 400
    assert response.json()["errors"] == {"q": ["Search for 100 characters or fewer."]}


@pytest.mark.parametrize("value", ["99999999999999999999999", "1.5", "-1"])
def test_the_cases_api_refuses_an_impossible_officer_filter(org, client_for, value):
    response = client_for(org.officer).get("/api/v1/cases/", {"responsible_officer": value})
    assert response.status_code == 400
    assert "responsible_officer" in response.json()["errors"]
