"""The API follows the same scoping as the pages: out of scope is 404 on detail and absent from lists and counts."""

from datetime import date

import pytest

from cases.models import AccessRecord, PersonAccessLimit
from tests import factories
from tests.conftest import SCOPED_CASE_KEYS, VISIBLE_CASES

pytestmark = pytest.mark.django_db

ALL_STAFF = list(VISIBLE_CASES)


@pytest.mark.parametrize("who", ALL_STAFF)
def test_case_list_and_count_hold_only_cases_in_scope(org, scoped_cases, client_for, who):
    body = client_for(getattr(org, who)).get("/api/v1/cases/").json()

    expected = {getattr(scoped_cases, key).pk for key in VISIBLE_CASES[who]}
    assert {case["id"] for case in body["results"]} == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("who", ALL_STAFF)
def test_people_list_and_count_hold_only_people_in_scope(org, scoped_cases, client_for, who):
    body = client_for(getattr(org, who)).get("/api/v1/people/").json()

    expected = {getattr(scoped_cases, key).person.crn for key in VISIBLE_CASES[who]}
    assert {person["crn"] for person in body["results"]} == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("who", ALL_STAFF)
def test_detail_is_404_outside_scope(org, scoped_cases, client_for, who):
    client = client_for(getattr(org, who))

    outcomes = {}
    for key in SCOPED_CASE_KEYS:
        case = getattr(scoped_cases, key)
        outcomes[f"case {key}"] = client.get(f"/api/v1/cases/{case.pk}/").status_code
        outcomes[f"person {key}"] = client.get(f"/api/v1/people/{case.person.crn}/").status_code

    expected = {}
    for key in SCOPED_CASE_KEYS:
        status = 200 if key in VISIBLE_CASES[who] else 404
        expected[f"case {key}"] = expected[f"person {key}"] = status
    assert outcomes == expected


def test_out_of_scope_404_looks_like_a_missing_record(org, scoped_cases, client_for):
    client = client_for(org.officer)

    hidden = client.get(f"/api/v1/people/{scoped_cases.other_provider.person.crn}/")
    missing = client.get("/api/v1/people/Z999999/")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "Not found."}


@pytest.mark.parametrize("by", ["name", "crn", "date_of_birth"])
def test_people_search_q_is_scoped(org, scoped_cases, client_for, by):
    client = client_for(org.officer)

    found = set()
    for key in SCOPED_CASE_KEYS:
        person = getattr(scoped_cases, key).person
        query = {"name": person.last_name, "crn": person.crn, "date_of_birth": person.date_of_birth.isoformat()}[by]
        body = client.get("/api/v1/people/", {"q": query}).json()
        if any(result["crn"] == person.crn for result in body["results"]):
            found.add(key)

    assert found == VISIBLE_CASES["officer"]


def test_filtering_by_crn_cannot_reach_out_of_scope_cases(org, scoped_cases, client_for):
    body = client_for(org.officer).get("/api/v1/cases/", {"crn": scoped_cases.other_team.person.crn}).json()

    assert body == {"count": 0, "next": None, "previous": None, "results": []}


class TestAccessLimits:
    @pytest.fixture
    def hidden_case(self, org):
        case = factories.CaseFactory(
            responsible_officer=org.colleague, person__last_name="Hiddleston", person__date_of_birth=date(1949, 11, 30)
        )
        factories.PersonAccessLimitFactory(person=case.person, user=org.officer, added_by=org.manager)
        return case

    def test_excluded_officer_cannot_reach_the_person(self, org, client_for, hidden_case):
        client = client_for(org.officer)

        assert client.get(f"/api/v1/people/{hidden_case.person.crn}/").status_code == 404
        assert client.get(f"/api/v1/cases/{hidden_case.pk}/").status_code == 404
        assert client.get("/api/v1/people/").json()["count"] == 0
        assert client.get("/api/v1/cases/").json()["count"] == 0
        for query in ("Hiddleston", hidden_case.person.crn, "30/11/1949"):
            assert client.get("/api/v1/people/", {"q": query}).json()["count"] == 0
        assert not AccessRecord.objects.exists()

    def test_colleague_still_sees_the_person_and_the_view_is_recorded(self, org, client_for, hidden_case):
        client = client_for(org.colleague)

        assert client.get(f"/api/v1/people/{hidden_case.person.crn}/").status_code == 200
        assert client.get(f"/api/v1/cases/{hidden_case.pk}/").status_code == 200
        assert client.get("/api/v1/people/").json()["count"] == 1

        assert list(AccessRecord.objects.order_by("pk").values_list("user", "person", "path")) == [
            (org.colleague.pk, hidden_case.person_id, f"/api/v1/people/{hidden_case.person.crn}/"),
            (org.colleague.pk, hidden_case.person_id, f"/api/v1/cases/{hidden_case.pk}/"),
            # The people list shows contact details and addresses, so it is recorded too.
            (org.colleague.pk, hidden_case.person_id, "/api/v1/people/"),
        ]

    def test_restriction_list_in_the_api(self, org, client_for, hidden_case):
        factories.PersonAccessLimitFactory(
            person=hidden_case.person, user=org.manager, kind=PersonAccessLimit.Kind.RESTRICTION, added_by=org.manager
        )

        assert client_for(org.manager).get("/api/v1/cases/").json()["count"] == 1
        assert client_for(org.colleague).get("/api/v1/cases/").json()["count"] == 0
        assert client_for(org.colleague).get(f"/api/v1/cases/{hidden_case.pk}/").status_code == 404

    def test_unrestricted_person_writes_no_record(self, org, client_for):
        case = factories.CaseFactory(responsible_officer=org.officer)
        client = client_for(org.officer)

        client.get(f"/api/v1/people/{case.person.crn}/")
        client.get(f"/api/v1/cases/{case.pk}/")

        assert not AccessRecord.objects.exists()
