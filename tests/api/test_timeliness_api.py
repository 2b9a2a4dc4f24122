"""API for clocks (scoped, filtered) and alerts (the caller's own; mark read, mark all read)."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from timeliness import services
from timeliness.models import Alert

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(settings):
    settings.ALERT_DUE_SOON_WORKING_DAYS = 2
    with time_machine.travel("2026-06-03 10:00 +0100", tick=False):
        yield


def _clock(case, due_on, **kwargs):
    return factories.ClockFactory(case=case, started_on=date(2026, 5, 20), due_on=due_on, **kwargs)


@pytest.fixture
def data(org):
    own = factories.CaseFactory(responsible_officer=org.officer)
    elsewhere = factories.CaseFactory(responsible_officer=org.other_provider_officer)
    clocks = {
        "overdue": _clock(own, date(2026, 6, 1), service_level="NPS SL003R"),
        "soon": _clock(own, date(2026, 6, 4), service_level="NPS SL002"),
        "met": _clock(own, date(2026, 5, 22), service_level="NPS SL001", status="met", stopped_on=date(2026, 5, 21)),
        "elsewhere": _clock(elsewhere, date(2026, 6, 1), service_level="CRC SL001"),
    }
    services.alerts_raise()
    return {"own": own, "elsewhere": elsewhere, **clocks}


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


class TestClocks:
    def test_scoped_list_soonest_due_first(self, org, client_for, data):
        assert _ids(client_for(org.officer).get("/api/v1/clocks/")) == [
            data["met"].pk,
            data["overdue"].pk,
            data["soon"].pk,
        ]
        assert _ids(client_for(org.other_provider_officer).get("/api/v1/clocks/")) == [data["elsewhere"].pk]
        assert _ids(client_for(org.court_user).get("/api/v1/clocks/")) == []

    def test_fields(self, org, client_for, data):
        body = client_for(org.officer).get(f"/api/v1/clocks/{data['overdue'].pk}/").json()

        assert body == {
            "id": data["overdue"].pk,
            "service_level": "NPS SL003R",
            "service_level_name": "First appointment within 5 days of allocation (community sentence)",
            "case": data["own"].pk,
            "crn": data["own"].person.crn,
            "subject": data["overdue"].subject,
            "provider_type": "nps_division",
            "started_on": "2026-05-20",
            "due_on": "2026-06-01",
            "stopped_on": None,
            "status": "open",
            "calendar": "working",
            "overdue": True,
        }
        assert client_for(org.officer).get(f"/api/v1/clocks/{data['met'].pk}/").json()["calendar"] == "court"

    def test_other_providers_clock_is_404(self, org, client_for, data):
        response = client_for(org.officer).get(f"/api/v1/clocks/{data['elsewhere'].pk}/")

        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"overdue": "true"}, ["overdue"]),
            ({"overdue": "false"}, ["met", "soon"]),
            ({"status": "met"}, ["met"]),
            ({"status": "open"}, ["overdue", "soon"]),
            ({"service_level": "NPS SL002"}, ["soon"]),
        ],
    )
    def test_filters(self, org, client_for, data, params, expected):
        ids = _ids(client_for(org.officer).get("/api/v1/clocks/", params))

        assert ids == [data[key].pk for key in expected]

    def test_case_filter(self, org, client_for, data):
        other = factories.CaseFactory(responsible_officer=org.colleague)
        clock = _clock(other, date(2026, 6, 10))
        client = client_for(org.officer)

        assert _ids(client.get("/api/v1/clocks/", {"case": other.pk})) == [clock.pk]
        assert _ids(client.get("/api/v1/clocks/", {"case": data["elsewhere"].pk})) == []

    @pytest.mark.parametrize("params", [{"status": "nonsense"}, {"service_level": "SL999"}, {"case": "abc"}])
    def test_bad_filters_are_400(self, org, client_for, data, params):
        response = client_for(org.officer).get("/api/v1/clocks/", params)

        assert response.status_code == 400
        assert list(response.json()["errors"]) == list(params)

    def test_read_only(self, org, client_for, data):
        client = client_for(org.officer)

        assert client.post("/api/v1/clocks/", {}).status_code == 405
        assert client.delete(f"/api/v1/clocks/{data['overdue'].pk}/").status_code == 405


class TestAlerts:
    def test_own_open_alerts_overdue_first(self, org, client_for, data):
        body = client_for(org.officer).get("/api/v1/alerts/").json()

        assert [(row["kind"], row["clock"]["id"]) for row in body["results"]] == [
            ("overdue", data["overdue"].pk),
            ("due_soon", data["soon"].pk),
        ]
        assert body["results"][0]["read_at"] is None
        assert body["results"][0]["clock"]["crn"] == data["own"].person.crn
        manager = client_for(org.manager).get("/api/v1/alerts/").json()
        assert [row["clock"]["id"] for row in manager["results"]] == [data["overdue"].pk]

    def test_filters(self, org, client_for, data):
        client = client_for(org.officer)
        soon = Alert.objects.get(recipient=org.officer, kind="due_soon")
        client.post(f"/api/v1/alerts/{soon.pk}/read/")

        assert [row["kind"] for row in client.get("/api/v1/alerts/", {"unread": "true"}).json()["results"]] == [
            "overdue"
        ]
        assert [row["kind"] for row in client.get("/api/v1/alerts/", {"kind": "due_soon"}).json()["results"]] == [
            "due_soon"
        ]

    def test_closed_alerts_only_on_request(self, org, client_for, data):
        services._stop(data["soon"], on=date(2026, 6, 3), by=org.officer)
        client = client_for(org.officer)

        assert len(client.get("/api/v1/alerts/").json()["results"]) == 1
        everything = client.get("/api/v1/alerts/", {"include_closed": "true"}).json()["results"]
        assert [row["closed_at"] is None for row in everything] == [True, False]

    def test_read(self, org, client_for, data):
        alert = Alert.objects.get(recipient=org.officer, kind="overdue")

        response = client_for(org.officer).post(f"/api/v1/alerts/{alert.pk}/read/")

        assert response.status_code == 200
        assert response.json()["read_at"] == "2026-06-03T10:00:00+01:00"
        alert.refresh_from_db()
        assert alert.read_at is not None

    def test_another_users_alert_is_404(self, org, client_for, data):
        alert = Alert.objects.get(recipient=org.manager)
        client = client_for(org.officer)

        assert client.get(f"/api/v1/alerts/{alert.pk}/").status_code == 404
        assert client.post(f"/api/v1/alerts/{alert.pk}/read/").status_code == 404
        alert.refresh_from_db()
        assert alert.read_at is None

    def test_read_all(self, org, client_for, data):
        client = client_for(org.officer)

        assert client.post("/api/v1/alerts/read-all/").json() == {"marked_read": 2}
        assert client.post("/api/v1/alerts/read-all/").json() == {"marked_read": 0}
        assert Alert.objects.get(recipient=org.manager).read_at is None

    def test_anonymous_is_401(self, client, data):
        assert client.get("/api/v1/alerts/").status_code == 401
        assert client.post("/api/v1/alerts/read-all/").status_code == 401
        assert client.get("/api/v1/clocks/").status_code == 401


@pytest.mark.parametrize(("url", "pinned"), [("/api/v1/alerts/", 8), ("/api/v1/clocks/", 8)])
def test_lists_run_a_constant_number_of_queries(org, client_for, url, pinned):
    client = client_for(org.manager)

    def make(count):
        for index in range(count):
            case = factories.CaseFactory(responsible_officer=[org.officer, org.colleague][index % 2])
            _clock(case, date(2026, 5, 29))
        services.alerts_raise()

    counts = {}
    for size, more in ((10, 10), (200, 190)):
        make(more)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"page_size": 200})
        assert response.json()["count"] == size
        counts[size] = len(captured)
    # Session and user (5) + the manager's team (scope) + count + page.
    assert counts[10] == counts[200] == pinned, counts


def test_schema_documents_clocks_and_alerts(org, client_for):
    schema = client_for(org.officer).get("/api/schema/", {"format": "json"}).json()

    for path, method in [
        ("/api/v1/clocks/", "get"),
        ("/api/v1/clocks/{id}/", "get"),
        ("/api/v1/alerts/", "get"),
        ("/api/v1/alerts/{id}/", "get"),
        ("/api/v1/alerts/{id}/read/", "post"),
        ("/api/v1/alerts/read-all/", "post"),
    ]:
        assert method in schema["paths"][path], path
    clock_params = {param["name"] for param in schema["paths"]["/api/v1/clocks/"]["get"]["parameters"]}
    assert {"case", "status", "service_level", "overdue"} <= clock_params
    alert_params = {param["name"] for param in schema["paths"]["/api/v1/alerts/"]["get"]["parameters"]}
    assert {"kind", "unread", "include_closed"} <= alert_params
