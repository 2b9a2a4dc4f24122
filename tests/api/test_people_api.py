"""GET /api/v1/people/ and /api/v1/people/<crn>/."""

from datetime import date

import pytest
import time_machine

from cases.models import Address
from tests import factories

pytestmark = pytest.mark.django_db


def test_person_detail(org, client_for):
    case = factories.CaseFactory(
        responsible_officer=org.officer,
        person__first_name="Lola",
        person__middle_names="May",
        person__last_name="Barnes",
        person__crn="L246810",
        person__date_of_birth=date(2009, 6, 1),
        person__gender="female",
        person__telephone="0161 496 0000",
        person__email="lola@example.org",
    )
    factories.AddressFactory(
        person=case.person,
        status=Address.Status.PREVIOUS,
        line_1="Old House",
        start_date=date(2020, 1, 1),
        end_date=date(2024, 1, 1),
    )
    factories.AddressFactory(person=case.person, line_1="3 Mill Lane", postcode="M4 1AB", start_date=date(2024, 1, 1))

    with time_machine.travel(date(2026, 5, 31), tick=False):
        response = client_for(org.officer).get("/api/v1/people/l246810/")

    assert response.status_code == 200
    assert response.json() == {
        "crn": "L246810",
        "first_name": "Lola",
        "middle_names": "May",
        "last_name": "Barnes",
        "preferred_name": "",
        "date_of_birth": "2009-06-01",
        "gender": "female",
        "is_child": True,
        "telephone": "0161 496 0000",
        "mobile": "",
        "email": "lola@example.org",
        "current_addresses": [
            {
                "status": "main",
                "no_fixed_abode": False,
                "line_1": "3 Mill Lane",
                "line_2": "",
                "town": "Manchester",
                "postcode": "M4 1AB",
                "start_date": "2024-01-01",
                "end_date": None,
            }
        ],
    }


def test_is_child_turns_false_on_the_eighteenth_birthday(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer, person__date_of_birth=date(2008, 6, 1))
    url = f"/api/v1/people/{case.person.crn}/"

    # Sign in inside each frozen day: a session from another day would have expired.
    with time_machine.travel(date(2026, 5, 31), tick=False):
        assert client_for(org.officer).get(url).json()["is_child"] is True
    with time_machine.travel(date(2026, 6, 1), tick=False):
        assert client_for(org.officer).get(url).json()["is_child"] is False


def test_people_list_sorted_by_name(org, client_for):
    for last, first in [("Young", "Bob"), ("Adams", "Zoe"), ("Young", "Amy")]:
        factories.CaseFactory(responsible_officer=org.officer, person__first_name=first, person__last_name=last)

    body = client_for(org.officer).get("/api/v1/people/").json()

    assert [(p["last_name"], p["first_name"]) for p in body["results"]] == [
        ("Adams", "Zoe"),
        ("Young", "Amy"),
        ("Young", "Bob"),
    ]


def test_people_search_by_name_crn_and_date_of_birth(org, client_for):
    case = factories.CaseFactory(
        responsible_officer=org.officer,
        person__first_name="Ivy",
        person__last_name="Quenby",
        person__crn="R000001",
        person__date_of_birth=date(1951, 2, 3),
    )
    factories.CaseFactory(responsible_officer=org.officer, person__last_name="Other")
    client = client_for(org.officer)

    for query in ("ivy quenby", "r000001", "03/02/1951", "1951-02-03"):
        body = client.get("/api/v1/people/", {"q": query}).json()
        assert [p["crn"] for p in body["results"]] == [case.person.crn], query
    assert client.get("/api/v1/people/", {"q": "Ivy Smith"}).json()["count"] == 0


def test_person_appears_once_however_many_cases(org, client_for):
    old = factories.CaseFactory(responsible_officer=org.officer, ended=True)
    factories.CaseFactory(person=old.person, responsible_officer=org.colleague)

    body = client_for(org.officer).get("/api/v1/people/").json()

    assert body["count"] == 1


def test_read_only(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer)
    client = client_for(org.officer)

    assert client.post("/api/v1/people/", {}, content_type="application/json").status_code == 405
    response = client.patch(
        f"/api/v1/people/{case.person.crn}/", {"first_name": "Changed"}, content_type="application/json"
    )
    assert response.status_code == 405
    case.person.refresh_from_db()
    assert case.person.first_name != "Changed"
