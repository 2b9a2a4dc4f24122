"""API for management oversight notes: `/api/v1/oversight-notes/` lists the notes on cases the caller may see (filter
`?case=`) and POST adds a case review, for a manager of the case's provider only (403 for others who see the case,
404 for a case out of scope, 400 with field messages and nothing written). Constant queries; in the schema with a
named enum and no warnings."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.drainage import GENERATOR_STATS

from cases.models import ManagementOversightNote
from cases.services.oversight import oversight_note_add

pytestmark = pytest.mark.django_db

URL = "/api/v1/oversight-notes/"
TODAY = date(2026, 11, 25)
NOTE = "Reviewed the risk management plan with the officer: contact weekly until the new address is checked."
NOT_A_MANAGER = "Only a manager of the provider holding this case can record management oversight."


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def _post(client, body):
    return client.post(URL, body, content_type="application/json")


def state():
    return (
        list(ManagementOversightNote.objects.order_by("pk").values_list("pk", "case", "kind", "note", "recorded_on")),
        ManagementOversightNote.history.count(),
    )


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def notes(org, scoped_cases):
    """A note on each of the own, other-team and other-provider cases (oldest first)."""
    return {
        "own": oversight_note_add(by=org.manager, case=scoped_cases.own, note=NOTE, on=date(2026, 11, 2)),
        "other_team": oversight_note_add(
            by=org.manager, case=scoped_cases.other_team, note="Other team.", on=date(2026, 11, 3)
        ),
        "other_provider": oversight_note_add(
            by=org.other_provider_manager, case=scoped_cases.other_provider, note="Elsewhere.", on=date(2026, 11, 4)
        ),
    }


# Reading -------------------------------------------------------------------------------------------------------------


def test_a_note_has_every_field(org, scoped_cases, notes, client_for):
    note = notes["own"]

    response = client_for(org.officer).get(f"{URL}{note.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body.pop("created_at")
    assert body == {
        "id": note.pk,
        "case": scoped_cases.own.pk,
        "crn": "A100001",
        "kind": "case_review",
        "note": NOTE,
        "recorded_on": "2026-11-02",
        "recorded_by": {"id": org.manager.pk, "name": "Maya Mensah"},
        "subject": "",
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("officer", ["own"]),
        ("other_team_officer", ["other_team"]),
        ("manager", ["other_team", "own"]),
        ("other_provider_manager", ["other_provider"]),
        ("court_user", []),
        ("upw", []),
    ],
)
def test_the_list_is_scoped_like_the_cases_newest_first(org, notes, client_for, who, expected):
    assert _ids(client_for(getattr(org, who)).get(URL)) == [notes[key].pk for key in expected]


def test_filter_by_case(org, scoped_cases, notes, client_for):
    client = client_for(org.manager)

    assert _ids(client.get(URL, {"case": scoped_cases.own.pk})) == [notes["own"].pk]
    assert _ids(client.get(URL, {"case": scoped_cases.other_provider.pk})) == []


def test_a_bad_case_filter_is_400(org, client_for):
    response = client_for(org.manager).get(URL, {"case": "abc"})

    assert response.status_code == 400
    assert response.json() == {"detail": "The request has errors.", "errors": {"case": ["Enter a number."]}}


def test_a_note_out_of_scope_is_not_found(org, notes, client_for):
    response = client_for(org.officer).get(f"{URL}{notes['other_provider'].pk}/")

    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_the_recall_decision_note_carries_its_subject(org, scoped_cases, client_for):
    note = oversight_note_add(
        by=org.manager,
        case=scoped_cases.own,
        note="Standard recall. The risk cannot be managed.",
        kind=ManagementOversightNote.Kind.RECALL_DECISION,
        on=TODAY,
        subject="recall:7",
        check_permission=False,
    )

    row = client_for(org.officer).get(URL).json()["results"][0]

    assert (row["id"], row["kind"], row["subject"]) == (note.pk, "recall_decision", "recall:7")


# Adding --------------------------------------------------------------------------------------------------------------


def test_a_manager_adds_a_case_review_dated_today(org, scoped_cases, client_for):
    response = _post(client_for(org.manager), {"case": scoped_cases.own.pk, "note": f" {NOTE} "})

    assert response.status_code == 201, response.json()
    note = ManagementOversightNote.objects.get()
    body = response.json()
    assert body.pop("created_at")
    assert body == {
        "id": note.pk,
        "case": scoped_cases.own.pk,
        "crn": "A100001",
        "kind": "case_review",
        "note": NOTE,
        "recorded_on": "2026-11-25",
        "recorded_by": {"id": org.manager.pk, "name": "Maya Mensah"},
        "subject": "",
    }
    assert note.history.get().history_user_id == org.manager.pk


def test_a_manager_may_date_it_earlier(org, scoped_cases, client_for):
    response = _post(
        client_for(org.manager), {"case": scoped_cases.waiting.pk, "note": NOTE, "recorded_on": "2026-11-20"}
    )

    assert (response.status_code, response.json()["recorded_on"]) == (201, "2026-11-20")


@pytest.mark.parametrize("who", ["officer", "colleague"])
def test_someone_who_sees_the_case_but_is_not_a_manager_gets_403(org, scoped_cases, client_for, who):
    before = state()

    response = _post(client_for(getattr(org, who)), {"case": scoped_cases.own.pk, "note": NOTE})

    assert (response.status_code, response.json()) == (403, {"detail": NOT_A_MANAGER})
    assert state() == before


@pytest.mark.parametrize("who", ["other_provider_manager", "court_user", "administrator"])
def test_a_case_out_of_scope_is_404(org, scoped_cases, client_for, who):
    response = _post(client_for(getattr(org, who)), {"case": scoped_cases.own.pk, "note": NOTE})

    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    assert not ManagementOversightNote.objects.exists()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"case": None, "note": NOTE}, {"case": ["This field may not be null."]}),
        ({"note": ""}, {"note": ["Enter your management oversight note."]}),
        ({}, {"note": ["Enter your management oversight note."]}),
        ({"note": "x" * 5001}, {"note": ["The management oversight note must be 5,000 characters or fewer."]}),
        (
            {"note": NOTE, "recorded_on": "2026-11-26"},
            {"recorded_on": ["The date of the oversight cannot be in the future."]},
        ),
        (
            {"note": NOTE, "recorded_on": "yesterday"},
            {"recorded_on": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
    ],
)
def test_bad_input_is_400_and_writes_nothing(org, scoped_cases, client_for, body, errors):
    response = _post(client_for(org.manager), {"case": scoped_cases.own.pk, **body})

    assert response.status_code == 400
    assert response.json() == {"detail": "The request has errors.", "errors": errors}
    assert not ManagementOversightNote.objects.exists()


def test_the_case_is_required(org, client_for):
    response = _post(client_for(org.manager), {"note": NOTE})

    assert response.json() == {"detail": "The request has errors.", "errors": {"case": ["This field is required."]}}
    assert not ManagementOversightNote.objects.exists()


def test_the_body_is_checked_before_the_scope(org, scoped_cases, client_for):
    response = _post(client_for(org.other_provider_manager), {"case": scoped_cases.own.pk, "note": "x" * 5001})

    assert response.status_code == 400


# Queries and schema --------------------------------------------------------------------------------------------------


def test_the_list_runs_the_same_queries_however_many_notes(org, scoped_cases, client_for):
    client = client_for(org.manager)

    def add(count: int) -> None:
        for index in range(count):
            case = (scoped_cases.own, scoped_cases.team, scoped_cases.waiting)[index % 3]
            oversight_note_add(by=org.manager, case=case, note=f"Review {index}.", on=date(2026, 11, 1 + index % 20))

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured), "\n".join(query["sql"] for query in captured.captured_queries)

    add(1)
    few, _ = count()
    add(19)
    many, sql = count()

    assert few == many, sql
    # The session (read, then saved with its savepoint), the user, their team (a manager sees the provider's cases),
    # the count and the page.
    assert many == 8, sql
    assert client.get(URL).json()["count"] == 20


def test_the_schema_describes_the_endpoint(org, client_for):
    schema = client_for(org.officer).get("/api/schema/", {"format": "json"}).json()

    assert set(schema["paths"][URL]) == {"get", "post"}
    assert set(schema["paths"][f"{URL}{{id}}/"]) == {"get"}
    assert set(schema["paths"][URL]["post"]["responses"]) == {"201", "400", "403", "404"}
    params = {param["name"] for param in schema["paths"][URL]["get"]["parameters"]}
    assert {"case", "page", "page_size"} <= params
    assert schema["components"]["schemas"]["OversightNoteKind"]["enum"] == [
        "high_risk_allocation",
        "recall_decision",
        "case_review",
        "quality_audit",
    ]


def test_the_schema_generates_without_warnings_or_errors(tmp_path):
    GENERATOR_STATS.reset()

    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"), "--fail-on-warn", "--validate")

    assert "/api/v1/oversight-notes/" in (tmp_path / "schema.yaml").read_text()
