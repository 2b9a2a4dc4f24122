"""Sentencing API: scoped lists and reads, create with nested requirements through the service, release,
panel meetings, requirements added later, requirement types, the schema, and constant queries."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Disposal, ReferralPanelMeeting, Requirement, Sentence
from cases.services.sentencing import sentence_record
from tests import factories
from timeliness.models import Clock

pytestmark = pytest.mark.django_db

URL = "/api/v1/sentences/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2027, 4, 1, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def _awaiting(org, born=date(1990, 5, 1)) -> Case:
    return factories.CaseFactory(awaiting_sentence=True, responsible_officer=org.officer, person__date_of_birth=born)


def _active(org, officer=None, born=date(1990, 5, 1)) -> Case:
    return factories.CaseFactory(responsible_officer=officer or org.officer, person__date_of_birth=born)


def _body(case, **extra) -> dict:
    return {
        "case": case.pk,
        "disposal": "community_order",
        "sentence_date": "2027-04-01",
        "length_months": 12,
        "requirements": [
            {"requirement_type": "rar", "maximum_days": 20},
            {"requirement_type": "unpaid_work", "hours": 150},
        ],
        **extra,
    }


def test_create_with_requirements_queues_the_case_and_opens_sl002(org, client_for):
    case = _awaiting(org)
    appearance = factories.CourtAppearanceFactory(
        case=case, court=factories.CourtFactory(region=org.region), appearance_date=date(2027, 3, 15)
    )

    response = client_for(org.officer).post(
        URL, _body(case, court_appearance=appearance.pk), content_type="application/json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["disposal"], body["start_date"], body["end_date"], body["court_appearance"]) == (
        "community_order",
        "2027-04-01",
        "2028-04-01",
        appearance.pk,
    )
    assert [(r["requirement_type"]["code"], r["maximum_days"], r["hours"]) for r in body["requirements"]] == [
        ("rar", 20, None),
        ("unpaid_work", None, 150),
    ]
    case.refresh_from_db()
    assert (case.status, case.provider, case.responsible_officer) == (Case.Status.AWAITING_ALLOCATION, org.nps, None)
    clock = Clock.objects.get(case=case)
    assert (clock.service_level, clock.subject, clock.due_on) == (
        "NPS SL002",
        f"sentence:{body['id']}",
        date(2027, 4, 5),
    )
    assert Sentence.objects.get(pk=body["id"]).history.first().history_user == org.officer


def test_create_refusal_is_400_with_the_field_and_nothing_changes(org, client_for):
    case = _awaiting(org)
    body = _body(case, requirements=[{"requirement_type": "unpaid_work", "hours": 20}])

    response = client_for(org.officer).post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request has errors.",
        "errors": {"requirements.unpaid_work.hours": ["Unpaid work for an adult is between 40 and 300 hours."]},
    }
    assert not Sentence.objects.exists()
    assert not Requirement.objects.exists()
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_SENTENCE


def test_a_youth_disposal_for_an_adult_is_refused(org, client_for):
    case = _awaiting(org)

    response = client_for(org.officer).post(
        URL, _body(case, disposal="referral_order", length_months=6, requirements=[]), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["disposal"][0].startswith("A referral order is a youth disposal")
    assert not Sentence.objects.exists()


def test_court_appearance_of_another_case_is_400(org, client_for):
    case = _awaiting(org)
    other = factories.CourtAppearanceFactory(case=_awaiting(org))

    response = client_for(org.officer).post(
        URL, _body(case, court_appearance=other.pk), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"court_appearance": ["This is not one of the case's court appearances."]}
    assert not Sentence.objects.exists()


def test_create_on_a_case_out_of_scope_is_404_and_a_reader_role_is_403(org, client_for):
    case = _awaiting(org)
    admin_in_team = factories.AdministratorFactory(team=org.team_a)

    assert (
        client_for(org.other_provider_officer).post(URL, _body(case), content_type="application/json").status_code
        == 404
    )
    assert client_for(admin_in_team).post(URL, _body(case), content_type="application/json").status_code == 403
    assert not Sentence.objects.exists()


def test_list_is_scoped_and_filters_by_case(org, client_for):
    own = _active(org)
    other = _active(org)
    elsewhere = _active(org, officer=org.other_provider_officer)
    mine = factories.SentenceFactory(case=own)
    factories.SentenceFactory(case=other)
    hidden = factories.SentenceFactory(case=elsewhere)
    client = client_for(org.officer)

    assert {row["id"] for row in client.get(URL).json()["results"]} == {mine.pk, other.sentences.get().pk}
    assert [row["id"] for row in client.get(URL, {"case": own.pk}).json()["results"]] == [mine.pk]
    assert client.get(f"{URL}{hidden.pk}/").status_code == 404
    assert client.get(f"{URL}{mine.pk}/").json()["disposal"] == "community_order"


def test_release_action(org, client_for):
    case = _active(org)
    sentence = sentence_record(
        by=org.officer, case=case, disposal=Disposal.CUSTODY, sentence_date=date(2027, 1, 4), length_months=6
    )
    client = client_for(org.officer)

    bad = client.post(f"{URL}{sentence.pk}/release/", {"released_on": "2027-04-02"}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["errors"] == {
        "released_on": ["The date of release cannot be in the future: record it on the day or after."]
    }

    response = client.post(
        f"{URL}{sentence.pk}/release/", {"released_on": "2027-03-31"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["released_on"] == "2027-03-31"
    clock = Clock.objects.get(subject=f"release:{sentence.pk}")
    assert (clock.service_level, clock.due_on) == ("NPS SL004R", date(2027, 4, 1))


def test_panel_meetings_action(org, client_for):
    case = _active(org, born=date(2010, 6, 1))
    order = sentence_record(
        by=org.officer, case=case, disposal=Disposal.REFERRAL_ORDER, sentence_date=date(2027, 3, 1), length_months=12
    )

    response = client_for(org.officer).post(
        f"{URL}{order.pk}/panel-meetings/",
        {"meeting_type": "initial", "meeting_date": "2027-03-15", "contract_signed": True, "attendees": "Panel"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["contract_signed_on"], body["start_date"], body["end_date"]) == (
        "2027-03-15",
        "2027-03-15",
        "2028-03-15",
    )
    assert [(m["meeting_type"], m["contract_signed"], m["recorded_by"]["id"]) for m in body["panel_meetings"]] == [
        ("initial", True, org.officer.pk)
    ]


def test_requirements_action_adds_a_requirement(org, client_for):
    sentence = sentence_record(
        by=org.officer,
        case=_active(org),
        disposal=Disposal.COMMUNITY_ORDER,
        sentence_date=date(2027, 2, 1),
        length_months=12,
        requirements=[{"requirement_type": "rar", "maximum_days": 10}],
    )
    client = client_for(org.manager)

    duplicate = client.post(
        f"{URL}{sentence.pk}/requirements/",
        {"requirement_type": "rar", "maximum_days": 5},
        content_type="application/json",
    )
    assert duplicate.status_code == 400
    assert list(duplicate.json()["errors"]) == ["requirement_type"]

    response = client.post(
        f"{URL}{sentence.pk}/requirements/",
        {"requirement_type": "residence", "details": "To live at 4 Hope Street", "start_date": "2027-03-01"},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert [r["requirement_type"]["code"] for r in response.json()["requirements"]] == ["rar", "residence"]


def test_requirement_types_are_reference_data(org, client_for):
    client = client_for(org.officer)

    codes = [row["code"] for row in client.get("/api/v1/requirement-types/", {"page_size": 100}).json()["results"]]
    upw = client.get("/api/v1/requirement-types/unpaid_work/").json()

    assert {"rar", "unpaid_work", "accredited_programme", "curfew", "exclusion", "residence"} <= set(codes)
    assert (upw["measure"], upw["is_unpaid_work"]) == ("hours", True)
    assert client.post("/api/v1/requirement-types/", {"code": "x"}).status_code == 405


def test_schema_describes_sentencing(org, client_for):
    schema = client_for(org.officer).get("/api/schema/", {"format": "json"}).json()

    for path in (
        "/api/v1/sentences/",
        "/api/v1/sentences/{id}/",
        "/api/v1/sentences/{id}/release/",
        "/api/v1/sentences/{id}/panel-meetings/",
        "/api/v1/sentences/{id}/requirements/",
        "/api/v1/requirement-types/",
        "/api/v1/requirement-types/{code}/",
    ):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/v1/sentences/"]
    params = {param["name"] for param in schema["paths"]["/api/v1/sentences/"]["get"]["parameters"]}
    assert {"case", "status", "disposal"} <= params


def test_list_runs_a_constant_number_of_queries(org, client_for):
    client = client_for(org.officer)

    def make(count):
        for _ in range(count):
            sentence = factories.SentenceFactory(case=_active(org))
            factories.RequirementFactory(sentence=sentence)
            ReferralPanelMeeting.objects.create(
                sentence=sentence, meeting_type="initial", meeting_date=date(2026, 11, 20), recorded_by=org.officer
            )

    counts = []
    for count in (2, 18):
        make(count)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL)
        assert response.status_code == 200
        counts.append((response.json()["count"], len(captured)))

    assert counts == [(2, PINNED_LIST_QUERIES), (20, PINNED_LIST_QUERIES)]


# Session and user (2), count (1), sentences (1), requirements with types (1), panel meetings with who recorded
# them (1), and the session's inactivity timestamp (3).
PINNED_LIST_QUERIES = 9
