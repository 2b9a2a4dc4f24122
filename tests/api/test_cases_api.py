"""GET /api/v1/cases/ and /api/v1/cases/<id>/: content, ordering and filters."""

from datetime import date

import pytest

from cases.models import Case
from tests import factories

pytestmark = pytest.mark.django_db


def test_case_detail(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer, person__crn="S135790", start_date=date(2025, 4, 7))

    response = client_for(org.officer).get(f"/api/v1/cases/{case.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": case.pk,
        "crn": "S135790",
        "status": "active",
        "start_date": "2025-04-07",
        "end_date": None,
        "provider": "NPS North West",
        "team": "Manchester North",
        "responsible_officer": {"id": org.officer.pk, "name": "Olivia Okafor"},
        "termination_outcome": "",
        "termination_notes": "",
    }


def test_case_awaiting_allocation_has_no_team_or_officer(org, client_for):
    case = factories.CaseFactory(awaiting_allocation=True, provider=org.nps)

    body = client_for(org.manager).get(f"/api/v1/cases/{case.pk}/").json()

    assert (body["status"], body["team"], body["responsible_officer"]) == ("awaiting_allocation", None, None)


def test_cases_newest_first(org, client_for):
    starts = [date(2024, 5, 1), date(2025, 5, 1), date(2023, 5, 1)]
    for start in starts:
        factories.CaseFactory(responsible_officer=org.officer, start_date=start)

    body = client_for(org.officer).get("/api/v1/cases/").json()

    assert [case["start_date"] for case in body["results"]] == ["2025-05-01", "2024-05-01", "2023-05-01"]


@pytest.fixture
def mixed_cases(org):
    return {
        "active_mine": factories.CaseFactory(responsible_officer=org.officer, person__crn="F000001"),
        "ended_mine": factories.CaseFactory(responsible_officer=org.officer, ended=True, person__crn="F000002"),
        "active_colleague": factories.CaseFactory(responsible_officer=org.colleague, person__crn="F000003"),
        "waiting": factories.CaseFactory(awaiting_allocation=True, provider=org.nps, person__crn="F000004"),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "active"}, {"active_mine", "active_colleague"}),
        ({"status": "ended"}, {"ended_mine"}),
        ({"status": "awaiting_allocation"}, {"waiting"}),
        ({"crn": "f000003"}, {"active_colleague"}),
        ({"status": "active", "crn": "F000002"}, set()),
    ],
)
def test_filters(org, client_for, mixed_cases, params, expected):
    body = client_for(org.manager).get("/api/v1/cases/", params).json()

    assert {case["id"] for case in body["results"]} == {mixed_cases[key].pk for key in expected}
    assert body["count"] == len(expected)


def test_filter_by_responsible_officer(org, client_for, mixed_cases):
    body = client_for(org.manager).get("/api/v1/cases/", {"responsible_officer": org.officer.pk}).json()

    assert {case["id"] for case in body["results"]} == {mixed_cases["active_mine"].pk, mixed_cases["ended_mine"].pk}


def test_officer_sees_team_cases_in_any_status(org, client_for, mixed_cases):
    body = client_for(org.officer).get("/api/v1/cases/").json()

    statuses = sorted(case["status"] for case in body["results"])
    assert statuses == sorted([Case.Status.ACTIVE, Case.Status.ENDED, Case.Status.ACTIVE])


def test_unknown_case_id_is_404(org, client_for):
    response = client_for(org.officer).get("/api/v1/cases/999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
