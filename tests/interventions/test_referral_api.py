"""Referral API: the directory, referrals and their status action, and the figures per need area; scoped (404),
400 with field messages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from interventions.models import ServiceProvider, ServiceReferral
from tests import factories
from tests.interventions.test_referral_pages import people, plan_with, referral  # noqa: F401 (fixture)
from tests.interventions.test_referral_services import service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_directory_list_filter_and_create(org, client_for):
    service("Housing advice")
    service("Debt advice", need_areas=("finance", "lifestyle"))
    client = client_for(org.officer)
    body = client.get("/api/v1/service-providers/").json()
    assert [(row["name"], row["need_areas"]) for row in body["results"]] == [
        ("Debt advice", ["finance", "lifestyle"]),
        ("Housing advice", ["accommodation"]),
    ]
    filtered = client.get("/api/v1/service-providers/", {"need_area": "finance"}).json()
    assert [row["name"] for row in filtered["results"]] == ["Debt advice"]

    new = {"name": "Shelter", "kind": "voluntary_sector", "need_areas": ["accommodation"], "region": org.region.pk}
    refused = post(client, "/api/v1/service-providers/", new)
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"service_provider": ["Only managers and administrators can add services."]}
    created = post(client_for(org.manager), "/api/v1/service-providers/", new)
    assert created.status_code == 201, created.json()
    assert (created.json()["region"], created.json()["need_areas"]) == ("North West", ["accommodation"])
    bad = post(client_for(org.manager), "/api/v1/service-providers/", new | {"name": "Other", "need_areas": ["x"]})
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["need_areas"]
    assert ServiceProvider.objects.count() == 3


def test_referral_create_update_and_scope(org, client_for):
    housing = service()
    case = factories.CaseFactory(responsible_officer=org.officer)
    client = client_for(org.officer)
    created = post(
        client,
        "/api/v1/service-referrals/",
        {
            "case": case.pk,
            "service_provider": housing.pk,
            "need_area": "accommodation",
            "reason_for_referral": "Homeless",
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["next_statuses"], body["referred_by"]["id"]) == (
        "referred",
        ["accepted", "declined", "withdrawn"],
        org.officer.pk,
    )
    url = f"/api/v1/service-referrals/{body['id']}/status/"
    refused = post(client, url, {"status": "completed", "outcome": "Done"})
    assert refused.status_code == 400
    assert refused.json()["errors"]["status"] == [
        "This referral is waiting for the service to accept it: it can be marked accepted or declined by the service "
        "or withdrawn, not completed."
    ]
    accepted = post(client, url, {"status": "accepted", "on": "2026-11-25"})
    assert accepted.json()["status"] == "accepted"
    missing_reason = post(client, url, {"status": "withdrawn"})
    assert missing_reason.json()["errors"] == {"outcome": ["Say why the referral is withdrawn."]}

    other_case = factories.CaseFactory(responsible_officer=org.other_provider_officer)
    theirs = factories.ServiceReferralFactory(case=other_case, service_provider=housing)
    assert client.get(f"/api/v1/service-referrals/{theirs.pk}/").status_code == 404
    assert post(client, f"/api/v1/service-referrals/{theirs.pk}/status/", {"status": "accepted"}).status_code == 404
    response = post(
        client,
        "/api/v1/service-referrals/",
        {
            "case": other_case.pk,
            "service_provider": housing.pk,
            "need_area": "accommodation",
            "reason_for_referral": "x",
        },
    )
    assert response.status_code == 404
    assert [row["id"] for row in client.get("/api/v1/service-referrals/").json()["results"]] == [body["id"]]
    assert ServiceReferral.objects.get(pk=theirs.pk).status == "referred"


def test_need_area_figures(org, client_for, people):  # noqa: F811
    body = client_for(org.officer).get("/api/v1/need-area-referrals/").json()
    assert len(body) == 12
    accommodation = next(row for row in body if row["need_area"] == "accommodation")
    assert accommodation == {
        "need_area": "accommodation",
        "label": "Accommodation",
        "with_need": 4,
        "referred": 3,
        "waiting": 1,
    }
    assert client_for(org.upw).get("/api/v1/need-area-referrals/").json() == []
