"""Programme API: the catalogue, groups, referrals and one action per step; scoped (404), 400 with field messages,
and a list of referrals whose query count does not grow with rows."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interventions.models import ProgrammeGroup, ProgrammeReferral
from interventions.services import programmes as services
from tests.interventions.test_programme_services import attend, group_for, programme_requirement, refer, waiting

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programme-referrals/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def test_catalogue(org, client_for):
    client = client_for(org.officer)
    body = client.get("/api/v1/programmes/").json()
    assert body["count"] == 10
    one = client.get("/api/v1/programmes/thinking_skills/").json()
    assert (one["name"], one["sessions"], one["need_area"]) == (
        "Thinking Skills Programme",
        19,
        "thinking_and_behaviour",
    )
    assert client.post("/api/v1/programmes/", {}).status_code == 405


def test_whole_lifecycle_through_the_api(org, client_for):
    client = client_for(org.officer)
    requirement = programme_requirement(org.officer)
    group = group_for(org.nps, start_date=date(2026, 11, 20))

    created = client.post(
        BASE,
        {"requirement": requirement.pk, "programme": "thinking_skills", "referred_on": "2026-10-01"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    referral_id = created.json()["id"]
    assert created.json()["status"] == "referred"
    assert created.json()["days_waited"] == 55

    def post(step, body):
        response = client.post(f"{BASE}{referral_id}/{step}/", body, content_type="application/json")
        assert response.status_code == 200, response.json()
        return response.json()

    assert post("suitability", {"suitable": True, "on": "2026-10-08"})["status"] == "waiting"
    assert post("allocate", {"group": group.pk, "on": "2026-10-15"})["group"] == group.pk
    assert post("start", {"on": "2026-11-20"})["status"] == "started"
    body = post("sessions", {"session_number": 1, "session_date": "2026-11-20", "attended": True})
    assert (body["sessions_attended"], body["programme_sessions"], body["days_waited"]) == (1, 19, 50)
    assert body["session_attendances"][0]["recorded_by"]["id"] == org.officer.pk
    refused = client.post(f"{BASE}{referral_id}/complete/", {}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["sessions"][0].startswith("1 of 19 sessions of Thinking Skills Programme")
    ended = post("not-completed", {"reason": "dropped_out"})
    assert ended["status"] == "not_completed"
    planned = post("alternative-plan", {"plan": "One-to-one work"})
    assert (planned["alternative_plan"], planned["alternative_plan_recorded_by"]["id"]) == (
        "One-to-one work",
        org.officer.pk,
    )


def test_illegal_step_is_400_on_status(org, client_for):
    referral = refer(org.officer)
    response = client_for(org.officer).post(f"{BASE}{referral.pk}/start/", {}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request has errors.",
        "errors": {
            "status": [
                "This referral is waiting for a suitability decision: the programme can start only for a person "
                "allocated to a group."
            ]
        },
    }
    assert ProgrammeReferral.objects.get(pk=referral.pk).status == "referred"


def test_input_errors_are_400_with_field_messages(org, client_for):
    client = client_for(org.officer)
    response = client.post(BASE, {"requirement": "x", "programme": "nope"}, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"requirement", "programme"}
    referral = refer(org.officer)
    response = client.post(
        f"{BASE}{referral.pk}/suitability/", {"suitable": False, "notes": ""}, content_type="application/json"
    )
    assert response.json()["errors"] == {"notes": ["Say why the person is not suitable."]}


def test_other_provider_is_404(org, client_for):
    mine = refer(org.officer)
    theirs = refer(org.other_provider_officer, programme_requirement(org.other_provider_officer))
    client = client_for(org.officer)
    assert [row["id"] for row in client.get(BASE).json()["results"]] == [mine.pk]
    assert client.get(f"{BASE}{theirs.pk}/").status_code == 404
    response = client.post(f"{BASE}{theirs.pk}/withdraw/", {"reason": "x"}, content_type="application/json")
    assert response.status_code == 404
    response = client.post(
        BASE, {"requirement": theirs.requirement_id, "programme": "resolve"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert ProgrammeReferral.objects.get(pk=theirs.pk).status == "referred"
    assert ProgrammeReferral.objects.count() == 2


def test_groups(org, client_for):
    mine = group_for(org.nps, name="TSP Tuesdays")
    group_for(org.crc, name="CRC group")
    assert [row["name"] for row in client_for(org.officer).get("/api/v1/programme-groups/").json()["results"]] == [
        "TSP Tuesdays"
    ]
    body = {
        "programme": "resolve",
        "name": "Resolve Mondays",
        "start_date": "2027-01-11",
        "location": "Bolton",
        "capacity": 8,
    }
    refused = client_for(org.officer).post("/api/v1/programme-groups/", body, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "provider": ["Only managers of NPS North West can set up its programme groups."]
    }
    created = client_for(org.manager).post("/api/v1/programme-groups/", body, content_type="application/json")
    assert created.status_code == 201
    assert (created.json()["programme"], created.json()["places_taken"], created.json()["status"]) == (
        "resolve",
        0,
        "planned",
    )
    assert ProgrammeGroup.objects.get(name="Resolve Mondays").created_by == org.manager
    assert mine.pk in [row["id"] for row in client_for(org.manager).get("/api/v1/programme-groups/").json()["results"]]


def test_referral_list_query_count_is_constant(org, client_for):
    client = client_for(org.manager)
    group = group_for(org.nps, capacity=20)

    def grow(count):
        for _ in range(count):
            referral = waiting(org.officer)
            services.programme_allocate(by=org.officer, referral=referral, group=group, on=date(2026, 10, 15))
            services.programme_start(by=org.officer, referral=referral, on=date(2026, 11, 20))
            attend(org.officer, referral, 2)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(BASE)
        assert response.status_code == 200
        return len(captured), len(response.json()["results"])

    grow(2)
    few, rows = count()
    grow(8)
    many, more = count()
    assert (rows, more) == (2, 10)
    # Session, user, team (scope), count, the page of referrals, their sessions, who recorded them, session save (3).
    assert few == many == 10
