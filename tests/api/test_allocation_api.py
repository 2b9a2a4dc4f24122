"""API: /api/v1/allocation-queue/ (with the allocate action), /api/v1/assignments/ and /api/v1/transfers/."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, OfficerAssignment
from tests import factories
from tests.cases import test_allocation_setup as setup
from tests.cases.test_allocation_setup import (
    HIGH,
    LOW,
    MEDIUM,
    held_case,
    waiting_case,
)
from timeliness.models import Clock

# Fixtures shared with the other allocation modules.
frozen = setup.frozen

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

QUEUE = "/api/v1/allocation-queue/"
ASSIGNMENTS = "/api/v1/assignments/"
TRANSFERS = "/api/v1/transfers/"


class TestQueue:
    def test_lists_waiting_cases_with_where_the_rule_sends_them(self, org, client_for):
        high = waiting_case(org.nps, rosh=HIGH, sentenced_on=date(2026, 11, 2))
        blocked = waiting_case(
            org.nps, rosh=None, sentenced_on=date(2026, 11, 3), first_name="Dan", middle_names="", last_name="Doe"
        )
        factories.CaseFactory(responsible_officer=org.officer)

        body = client_for(org.manager).get(QUEUE).json()

        assert body["count"] == 2
        first, second = body["results"]
        sentence = high.sentences.get()
        assert first == {
            "id": high.pk,
            "crn": high.person.crn,
            "name": high.person.full_name,
            "date_of_birth": "1985-06-15",
            "provider": "NPS North West",
            "sentence": {"id": sentence.pk, "disposal": "community_order", "sentence_date": "2026-11-02"},
            "rosh_level": "high",
            "mappa_category": None,
            "allocation": {
                "provider_type": "nps_division",
                "reason": "The risk of serious harm is high: the National Probation Service supervises high and "
                "very high risk cases.",
                "blocked": "",
            },
        }
        assert second["id"] == blocked.pk
        assert second["rosh_level"] is None
        assert second["allocation"] == {
            "provider_type": None,
            "reason": "Dan Doe has no completed risk of serious harm assessment, so the provider cannot be decided.",
            "blocked": "Allocation is blocked: record a risk of serious harm assessment for Dan Doe first.",
        }

    @pytest.mark.parametrize("who", ["officer", "upw", "court_user", "administrator"])
    def test_403_for_staff_who_do_not_allocate(self, org, client_for, who):
        assert client_for(getattr(org, who)).get(QUEUE).status_code == 403

    def test_anonymous_is_401(self, client):
        assert client.get(QUEUE).status_code == 401

    def test_scoped_to_the_managers_provider(self, org, client_for):
        case = waiting_case(org.nps)

        assert client_for(org.other_provider_manager).get(QUEUE).json()["count"] == 0
        assert client_for(org.other_provider_manager).get(f"{QUEUE}{case.pk}/").status_code == 404

    def test_query_count_is_constant(self, org, client_for):
        client = client_for(org.manager)

        def count():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(QUEUE).status_code == 200
            return len(captured)

        for index in range(2):
            waiting_case(org.nps, rosh=[LOW, HIGH][index], mappa=bool(index))
        small = count()
        for index in range(20):
            waiting_case(org.nps, rosh=[None, LOW, MEDIUM, HIGH][index % 4], mappa=index % 3 == 0)
        large = count()

        # session and user 5 + the manager's team (scope) + count + page
        assert small == large == 8


class TestAllocate:
    def _url(self, case):
        return f"{QUEUE}{case.pk}/allocate/"

    def test_allocates_and_stops_nps_sl002(self, org, client_for):
        case = waiting_case(org.nps, rosh=MEDIUM)
        from tests.cases.test_allocation_setup import publish_sentenced

        publish_sentenced(case, org.manager)

        response = client_for(org.manager).post(
            self._url(case),
            {"team": org.team_b.pk, "responsible_officer": org.other_provider_officer.pk},
            content_type="application/json",
        )

        assert response.status_code == 200
        assert response.json()["status"] == "active"
        assert response.json()["provider"] == "Stockport CRC"
        assert response.json()["responsible_officer"] == {"id": org.other_provider_officer.pk, "name": "Bethan Barker"}
        assert OfficerAssignment.objects.get(case=case).assigned_by == org.manager
        assert Clock.objects.get(case=case, service_level="NPS SL002").status == Clock.Status.MISSED  # 10 Nov
        assert Clock.objects.get(case=case, service_level="CRC SL001").status == Clock.Status.OPEN

    def test_a_team_the_rule_refuses_is_a_400_with_the_field_message(self, org, client_for):
        case = waiting_case(org.nps, rosh=HIGH)

        response = client_for(org.manager).post(
            self._url(case),
            {
                "team": org.team_b.pk,
                "responsible_officer": org.other_provider_officer.pk,
                "oversight_note": "High risk: the NPS must hold this case.",
            },
            content_type="application/json",
        )

        assert response.status_code == 400
        body = response.json()
        assert body["detail"] == "The request has errors."
        assert list(body["errors"]) == ["team"]
        assert "must be supervised by the National Probation Service" in body["errors"]["team"][0]
        assert Case.objects.get(pk=case.pk).status == Case.Status.AWAITING_ALLOCATION

    def test_blocked_is_a_non_field_400(self, org, client_for):
        case = waiting_case(org.nps, rosh=None, first_name="Dan", middle_names="", last_name="Doe")

        response = client_for(org.manager).post(
            self._url(case),
            {"team": org.team_b.pk, "responsible_officer": org.other_provider_officer.pk},
            content_type="application/json",
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "non_field_errors": ["Allocation is blocked: record a risk of serious harm assessment for Dan Doe first."]
        }

    def test_unknown_ids_and_missing_fields_are_400(self, org, client_for):
        case = waiting_case(org.nps, rosh=HIGH)
        client = client_for(org.manager)

        unknown = client.post(
            self._url(case), {"team": 999999, "responsible_officer": org.officer.pk}, content_type="application/json"
        )
        missing = client.post(self._url(case), {}, content_type="application/json")

        assert unknown.status_code == 400
        assert unknown.json()["errors"] == {"team": ["There is no team with id 999999."]}
        assert missing.status_code == 400
        assert set(missing.json()["errors"]) == {"team", "responsible_officer"}
        assert not OfficerAssignment.objects.exists()

    def test_an_allocated_case_is_no_longer_in_the_queue(self, org, client_for):
        case = held_case(org.officer)

        response = client_for(org.manager).post(
            self._url(case),
            {"team": org.team_a.pk, "responsible_officer": org.colleague.pk},
            content_type="application/json",
        )

        assert response.status_code == 404

    def test_403_for_an_officer(self, org, client_for):
        case = waiting_case(org.nps, rosh=HIGH)

        response = client_for(org.officer).post(
            self._url(case),
            {"team": org.team_a.pk, "responsible_officer": org.officer.pk},
            content_type="application/json",
        )

        assert response.status_code == 403
        assert Case.objects.get(pk=case.pk).status == Case.Status.AWAITING_ALLOCATION


class TestAssignments:
    def test_lists_a_cases_assignments_newest_first(self, org, client_for):
        case = held_case(org.officer, rosh=HIGH)
        held_case(org.colleague)
        from cases.services.allocation import case_transfer

        case_transfer(
            by=org.manager,
            case=case,
            team=org.team_a,
            responsible_officer=org.colleague,
            reason="workload",
            on=date(2026, 11, 9),
        )

        body = client_for(org.officer).get(ASSIGNMENTS, {"case": case.pk}).json()

        assert body["count"] == 2
        newest = body["results"][0]
        assert {key: newest[key] for key in ("case", "crn", "kind", "provider", "provider_type", "team", "reason")} == {
            "case": case.pk,
            "crn": case.person.crn,
            "kind": "transfer_officer",
            "provider": "NPS North West",
            "provider_type": "nps_division",
            "team": "Manchester North",
            "reason": "workload",
        }
        assert (newest["start_date"], newest["end_date"]) == ("2026-11-09", None)
        assert newest["responsible_officer"] == {"id": org.colleague.pk, "name": "Colin Cartwright"}
        assert newest["assigned_by"] == {"id": org.manager.pk, "name": "Maya Mensah"}
        assert body["results"][1]["end_date"] == "2026-11-09"

    def test_filters_by_crn_and_current(self, org, client_for):
        case = held_case(org.officer)
        held_case(org.colleague)

        client = client_for(org.manager)

        assert client.get(ASSIGNMENTS, {"crn": case.person.crn.lower()}).json()["count"] == 1
        assert client.get(ASSIGNMENTS, {"current": "true"}).json()["count"] == 2

    def test_scoped(self, org, client_for):
        case = held_case(org.officer)
        assignment = case.assignments.get()

        assert client_for(org.other_provider_officer).get(ASSIGNMENTS).json()["count"] == 0
        assert client_for(org.other_provider_officer).get(f"{ASSIGNMENTS}{assignment.pk}/").status_code == 404
        assert client_for(org.court_user).get(ASSIGNMENTS).json()["count"] == 0

    def test_query_count_is_constant(self, org, client_for):
        client = client_for(org.manager)

        def count():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(ASSIGNMENTS).status_code == 200
            return len(captured)

        held_case(org.officer)
        small = count()
        for _index in range(15):
            held_case(factories.OfficerFactory(team=org.team_a))
        large = count()

        assert small == large == 8  # session and user 5 + the manager's team (scope) + count + page


class TestTransfers:
    def test_transfers_and_answers_with_the_new_assignment(self, org, client_for):
        case = held_case(org.other_provider_officer, rosh=HIGH)

        response = client_for(org.other_provider_manager).post(
            TRANSFERS,
            {
                "case": case.pk,
                "team": org.team_a.pk,
                "responsible_officer": org.officer.pk,
                "reason": "risk_increased",
            },
            content_type="application/json",
        )

        assert response.status_code == 201
        body = response.json()
        assert (body["kind"], body["provider"], body["reason"], body["start_date"]) == (
            "transfer_provider",
            "NPS North West",
            "risk_increased",
            "2026-11-10",
        )
        assert Case.objects.get(pk=case.pk).responsible_officer == org.officer

    @pytest.mark.parametrize(
        ("data", "errors"),
        [
            (
                {"responsible_officer": "HOLDER", "reason": "workload"},
                {"responsible_officer": ["Olivia Okafor already holds this case: choose a different officer."]},
            ),
            (
                {"responsible_officer": "CRC", "team": "CRC_TEAM", "reason": "risk_decreased"},
                None,  # the rule: high risk stays with the NPS (checked below)
            ),
            (
                {"responsible_officer": "COLLEAGUE", "reason": "other"},
                {"reason_details": ["Say why, when the reason is 'Other'."]},
            ),
            (
                {"responsible_officer": "COLLEAGUE", "reason": "new_case"},
                {"reason": ['"new_case" is not a valid choice.']},
            ),
        ],
    )
    def test_refusals_are_400_with_field_messages(self, org, client_for, data, errors):
        case = held_case(org.officer, rosh=HIGH)
        ids = {
            "HOLDER": org.officer.pk,
            "COLLEAGUE": org.colleague.pk,
            "CRC": org.other_provider_officer.pk,
            "CRC_TEAM": org.team_b.pk,
        }
        payload = {
            "case": case.pk,
            "team": org.team_a.pk,
            **{key: ids.get(value, value) for key, value in data.items()},
        }

        response = client_for(org.manager).post(TRANSFERS, payload, content_type="application/json")

        assert response.status_code == 400
        if errors is None:
            assert list(response.json()["errors"]) == ["team"]
            assert "must be supervised by the National Probation Service" in response.json()["errors"]["team"][0]
        else:
            assert response.json()["errors"] == errors
        assert Case.objects.get(pk=case.pk).responsible_officer == org.officer
        assert case.assignments.get().end_date is None

    def test_a_case_out_of_scope_is_404(self, org, client_for):
        case = held_case(org.officer, rosh=HIGH)

        response = client_for(org.other_provider_manager).post(
            TRANSFERS,
            {"case": case.pk, "team": org.team_a.pk, "responsible_officer": org.colleague.pk, "reason": "workload"},
            content_type="application/json",
        )

        assert response.status_code == 404

    def test_an_officer_who_sees_the_case_is_403(self, org, client_for):
        case = held_case(org.officer, rosh=HIGH)

        response = client_for(org.officer).post(
            TRANSFERS,
            {"case": case.pk, "team": org.team_a.pk, "responsible_officer": org.colleague.pk, "reason": "workload"},
            content_type="application/json",
        )

        assert response.status_code == 403
        assert Case.objects.get(pk=case.pk).responsible_officer == org.officer


def test_the_schema_describes_the_allocation_endpoints(org, client_for):
    schema = client_for(org.officer).get("/api/schema/", {"format": "json"}).json()

    assert "get" in schema["paths"]["/api/v1/allocation-queue/"]
    assert "post" in schema["paths"]["/api/v1/allocation-queue/{id}/allocate/"]
    assert "get" in schema["paths"]["/api/v1/assignments/"]
    assert "post" in schema["paths"]["/api/v1/transfers/"]
    assignment_params = {param["name"] for param in schema["paths"]["/api/v1/assignments/"]["get"]["parameters"]}
    assert {"case", "crn", "current"} <= assignment_params
