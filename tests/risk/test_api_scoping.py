"""The risk API is scoped like everything else: out of scope is 404 on read and on write, and absent from lists
and counts; opening a restricted person's record is recorded; lists run a constant number of queries; the
endpoints are in the OpenAPI schema."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import AccessRecord, PersonAccessLimit
from risk.models import MappaRegistration, Registration, RoshAssessment
from tests import factories
from tests.conftest import SCOPED_CASE_KEYS, VISIBLE_CASES

pytestmark = pytest.mark.django_db

ALL_STAFF = list(VISIBLE_CASES)
ENDPOINTS = ("assessments", "mappa", "registrations")


def _records_for(person) -> dict:
    return {
        "assessments": factories.RoshAssessmentFactory(person=person),
        "mappa": factories.MappaRegistrationFactory(person=person),
        "registrations": factories.RegistrationFactory(person=person),
    }


@pytest.fixture
def scoped_records(scoped_cases):
    """One assessment, MAPPA registration and flag for each person of `scoped_cases`."""
    return {key: _records_for(getattr(scoped_cases, key).person) for key in SCOPED_CASE_KEYS}


CREATE_BODIES = {
    "assessments": {"kind": "screening", "assessment_date": "2025-06-02"},
    "mappa": {
        "category": 3,
        "level": 1,
        "lead_agency": "probation",
        "start_date": "2025-03-03",
        "next_review_date": "2025-09-03",
    },
    "registrations": {"registration_type": "hate_crime", "start_date": "2025-05-01", "reason": "Racist assault."},
}
MODELS = {"assessments": RoshAssessment, "mappa": MappaRegistration, "registrations": Registration}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("who", ALL_STAFF)
def test_lists_and_counts_hold_only_people_in_scope(org, scoped_cases, scoped_records, client_for, who, endpoint):
    body = client_for(getattr(org, who)).get(f"/api/v1/risk/{endpoint}/").json()

    expected = {scoped_records[key][endpoint].pk for key in VISIBLE_CASES[who]}
    assert {row["id"] for row in body["results"]} == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("who", ALL_STAFF)
def test_detail_is_404_outside_scope(org, scoped_cases, scoped_records, client_for, who):
    client = client_for(getattr(org, who))

    outcomes = {
        (endpoint, key): client.get(f"/api/v1/risk/{endpoint}/{scoped_records[key][endpoint].pk}/").status_code
        for endpoint in ENDPOINTS
        for key in SCOPED_CASE_KEYS
    }

    assert outcomes == {
        (endpoint, key): 200 if key in VISIBLE_CASES[who] else 404 for endpoint in ENDPOINTS for key in SCOPED_CASE_KEYS
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_create_for_a_person_out_of_scope_is_404_like_an_unknown_crn(org, scoped_cases, client_for, endpoint):
    client = client_for(org.officer)
    url = f"/api/v1/risk/{endpoint}/"

    hidden = client.post(
        url, {"crn": scoped_cases.other_provider.person.crn, **CREATE_BODIES[endpoint]}, content_type="application/json"
    )
    missing = client.post(url, {"crn": "Z999999", **CREATE_BODIES[endpoint]}, content_type="application/json")
    own = client.post(
        url, {"crn": scoped_cases.own.person.crn, **CREATE_BODIES[endpoint]}, content_type="application/json"
    )

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "Not found."}
    assert own.status_code == 201
    assert list(MODELS[endpoint].objects.values_list("person", flat=True)) == [scoped_cases.own.person_id]


ACTIONS = [
    ("assessments", "patch", "", {"risk_to_public": "low"}),
    ("assessments", "post", "complete/", {}),
    ("mappa", "post", "review/", {"level": 1, "next_review_date": "2999-01-01"}),
    ("mappa", "post", "end/", {"end_date": "2025-09-01", "end_reason": "Ended."}),
    ("registrations", "post", "review/", {"review_date": "2025-09-01"}),
    ("registrations", "post", "deregister/", {"deregistered_date": "2025-09-01", "deregistration_reason": "Done."}),
]


@pytest.mark.parametrize(("endpoint", "method", "suffix", "body"), ACTIONS)
def test_writes_out_of_scope_are_404_and_change_nothing(org, scoped_cases, client_for, endpoint, method, suffix, body):
    person = scoped_cases.other_team.person
    record = {
        "assessments": lambda: factories.RoshAssessmentFactory(person=person, draft=True),
        "mappa": lambda: factories.MappaRegistrationFactory(person=person),
        "registrations": lambda: factories.RegistrationFactory(person=person),
    }[endpoint]()
    model = MODELS[endpoint]
    before = model.objects.filter(pk=record.pk).values().get()

    response = getattr(client_for(org.officer), method)(
        f"/api/v1/risk/{endpoint}/{record.pk}/{suffix}", body, content_type="application/json"
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert model.objects.filter(pk=record.pk).values().get() == before
    assert record.history.count() == 1


@pytest.mark.parametrize(("endpoint", "method", "suffix", "body"), ACTIONS)
def test_anonymous_is_401(client, endpoint, method, suffix, body):
    assert client.get(f"/api/v1/risk/{endpoint}/").status_code == 401
    assert getattr(client, method)(f"/api/v1/risk/{endpoint}/1/{suffix}", body).status_code == 401


class TestAccessLimits:
    @pytest.fixture
    def hidden(self, org):
        """A colleague's person the officer is excluded from, with one record of each kind."""
        case = factories.CaseFactory(responsible_officer=org.colleague, person__date_of_birth=date(1949, 11, 30))
        factories.PersonAccessLimitFactory(person=case.person, user=org.officer, added_by=org.manager)
        return _records_for(case.person)

    @pytest.mark.parametrize("endpoint", ENDPOINTS)
    def test_excluded_officer_cannot_reach_the_records(self, org, client_for, hidden, endpoint):
        client = client_for(org.officer)
        record = hidden[endpoint]

        assert client.get(f"/api/v1/risk/{endpoint}/{record.pk}/").status_code == 404
        assert client.get(f"/api/v1/risk/{endpoint}/").json()["count"] == 0
        assert client.get(f"/api/v1/risk/{endpoint}/", {"crn": record.person.crn}).json()["count"] == 0
        created = client.post(
            f"/api/v1/risk/{endpoint}/",
            {"crn": record.person.crn, **CREATE_BODIES[endpoint]},
            content_type="application/json",
        )
        assert created.status_code == 404
        assert not AccessRecord.objects.exists()

    def test_opening_a_restricted_persons_record_is_recorded(self, org, client_for, hidden):
        client = client_for(org.colleague)

        for endpoint in ENDPOINTS:
            assert client.get(f"/api/v1/risk/{endpoint}/{hidden[endpoint].pk}/").status_code == 200
            assert client.get(f"/api/v1/risk/{endpoint}/").json()["count"] == 1

        person = hidden["assessments"].person
        assert list(AccessRecord.objects.order_by("pk").values_list("user", "person", "path")) == [
            (org.colleague.pk, person.pk, f"/api/v1/risk/{endpoint}/{hidden[endpoint].pk}/") for endpoint in ENDPOINTS
        ]

    def test_restriction_list(self, org, client_for, hidden):
        person = hidden["assessments"].person
        factories.PersonAccessLimitFactory(
            person=person, user=org.manager, kind=PersonAccessLimit.Kind.RESTRICTION, added_by=org.manager
        )

        for endpoint in ENDPOINTS:
            url = f"/api/v1/risk/{endpoint}/{hidden[endpoint].pk}/"
            assert client_for(org.manager).get(url).status_code == 200
            assert client_for(org.colleague).get(url).status_code == 404
        assert AccessRecord.objects.filter(user=org.manager).count() == len(ENDPOINTS)

    def test_an_unrestricted_person_writes_no_record(self, org, client_for):
        records = _records_for(factories.CaseFactory(responsible_officer=org.officer).person)
        client = client_for(org.officer)

        for endpoint in ENDPOINTS:
            assert client.get(f"/api/v1/risk/{endpoint}/{records[endpoint].pk}/").status_code == 200

        assert not AccessRecord.objects.exists()


SMALL, LARGE = 10, 200


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_lists_run_a_constant_number_of_queries(org, client_for, endpoint):
    """10 rows or 200 (all on one page): the same queries. Pinned: session and user, count, the page, and the
    session save (savepoint, update, release: sessions are saved on every request)."""
    client = client_for(org.officer)
    counts = {}
    made = 0
    for size in (SMALL, LARGE):
        for case in factories.CaseFactory.create_batch(size - made, responsible_officer=org.colleague):
            _records_for(case.person)
        made = size
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/api/v1/risk/{endpoint}/", {"page_size": LARGE})
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts[size] = len(captured)

    assert counts[SMALL] == counts[LARGE] == PINNED_QUERIES, counts


PINNED_QUERIES = 7


class TestSchema:
    def test_the_risk_endpoints_are_in_the_schema(self, org, client_for):
        schema = client_for(org.officer).get("/api/schema/", {"format": "json"}).json()
        paths = schema["paths"]

        for endpoint in ENDPOINTS:
            assert {"get", "post"} <= set(paths[f"/api/v1/risk/{endpoint}/"]), endpoint
            assert "get" in paths[f"/api/v1/risk/{endpoint}/{{id}}/"], endpoint
        assert "patch" in paths["/api/v1/risk/assessments/{id}/"]
        assert "put" not in paths["/api/v1/risk/assessments/{id}/"]
        for action in ("assessments/{id}/complete", "mappa/{id}/review", "mappa/{id}/end",
                       "registrations/{id}/review", "registrations/{id}/deregister"):  # fmt: skip
            assert "post" in paths[f"/api/v1/risk/{action}/"], action
        assert "get" in paths["/api/v1/risk/registration-types/"]
        assert "get" in paths["/api/v1/risk/registration-types/{code}/"]

    def test_levels_are_documented_as_names(self, org, client_for):
        schemas = client_for(org.officer).get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]

        assert schemas["RiskLevel"] == {"type": "string", "enum": ["low", "medium", "high", "very_high"]}
        assert "404" in str(schemas["AssessmentCreateRequest"]["properties"]["crn"]["description"])
        post = client_for(org.officer).get("/api/schema/", {"format": "json"}).json()["paths"]
        responses = post["/api/v1/risk/registrations/"]["post"]["responses"]
        assert {"201", "400", "404"} <= set(responses)
