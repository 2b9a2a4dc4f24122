"""POST /api/v1/cases/{id}/end/: end a case with its termination outcome; 400 with field messages, 403 for staff
who see the case but may not end it, 404 outside scope; the case shows its outcome read-only."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS

from cases.models import Case, Sentence
from tests import factories
from timeliness.models import Clock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 10, 11, 0)), tick=False):
        yield


@pytest.fixture
def case(org):
    case = factories.CaseFactory(responsible_officer=org.officer, person__crn="E246810", start_date=date(2025, 4, 7))
    factories.SentenceFactory(case=case, sentence_date=date(2025, 4, 7))
    return case


def _url(case) -> str:
    return f"/api/v1/cases/{case.pk}/end/"


def _post(client, case, body):
    return client.post(_url(case), body, content_type="application/json")


def _unchanged(case) -> bool:
    case.refresh_from_db()
    return (
        case.status == Case.Status.ACTIVE
        and (case.end_date, case.termination_outcome, case.ended_by_id) == (None, "", None)
        and case.history.count() == 1
    )


def test_ends_the_case_and_answers_with_it(org, client_for, case):
    clock = factories.ClockFactory(case=case, started_on=date(2026, 11, 2), due_on=date(2026, 11, 9))

    response = _post(
        client_for(org.officer),
        case,
        {"end_date": "2026-11-03", "outcome": "breached_and_resentenced", "notes": "  Re-sentenced at Manchester.  "},
    )

    assert response.status_code == 200
    assert response.json() == {
        "id": case.pk,
        "crn": "E246810",
        "status": "ended",
        "start_date": "2025-04-07",
        "end_date": "2026-11-03",
        "provider": "NPS North West",
        "team": "Manchester North",
        "responsible_officer": {"id": org.officer.pk, "name": "Olivia Okafor"},
        "termination_outcome": "breached_and_resentenced",
        "termination_notes": "Re-sentenced at Manchester.",
    }
    case.refresh_from_db()
    assert case.ended_by == org.officer
    assert Sentence.objects.get(case=case).status == Sentence.Status.REVOKED
    clock.refresh_from_db()
    assert clock.status == Clock.Status.CANCELLED


def test_a_manager_of_the_provider_ends_it_without_notes(org, client_for, case):
    response = _post(client_for(org.manager), case, {"end_date": "2026-11-10", "outcome": "completed_positively"})

    assert response.status_code == 200
    assert (response.json()["termination_outcome"], response.json()["termination_notes"]) == (
        "completed_positively",
        "",
    )
    case.refresh_from_db()
    assert case.ended_by == org.manager


def test_the_outcome_is_shown_on_the_case_and_cannot_be_written(org, client_for):
    ended = factories.CaseFactory(
        responsible_officer=org.officer,
        ended=True,
        termination_outcome="died",
        termination_notes="Notified by the family.",
        ended_by=org.officer,
    )

    body = client_for(org.officer).get(f"/api/v1/cases/{ended.pk}/").json()

    assert (body["termination_outcome"], body["termination_notes"]) == ("died", "Notified by the family.")


class TestBadInput:
    def test_missing_fields(self, org, client_for, case):
        response = _post(client_for(org.officer), case, {})

        assert response.status_code == 400
        assert response.json() == {
            "detail": "The request has errors.",
            "errors": {"end_date": ["Enter the date the case ended."], "outcome": ["Select how the case ended."]},
        }
        assert _unchanged(case)

    def test_an_unknown_outcome_and_a_bad_date(self, org, client_for, case):
        response = _post(client_for(org.officer), case, {"end_date": "3 November", "outcome": "finished"})

        assert response.status_code == 400
        errors = response.json()["errors"]
        assert errors["outcome"] == ["Select how the case ended from the list."]
        assert list(errors) == ["end_date", "outcome"]
        assert errors["end_date"][0].startswith("Date has wrong format.")
        assert _unchanged(case)

    @pytest.mark.parametrize(
        ("body", "errors"),
        [
            (
                {"end_date": "2026-11-11", "outcome": "completed_positively"},
                {"end_date": ["The date the case ended cannot be in the future."]},
            ),
            (
                {"end_date": "2025-04-06", "outcome": "completed_positively"},
                {"end_date": ["The case cannot end before it started on 7 April 2025."]},
            ),
            (
                {"end_date": "2026-11-03", "outcome": "transferred_out"},
                {"notes": ["Say where the case was transferred to."]},
            ),
            (
                {"end_date": "2026-11-03", "outcome": "died", "notes": "x" * 5001},
                {"notes": ["Notes must be 5,000 characters or fewer."]},
            ),
        ],
    )
    def test_the_services_and_the_limits_field_messages(self, org, client_for, case, body, errors):
        response = _post(client_for(org.officer), case, body)

        assert response.status_code == 400
        assert response.json() == {"detail": "The request has errors.", "errors": errors}
        assert _unchanged(case)

    def test_an_ended_case(self, org, client_for):
        ended = factories.CaseFactory(responsible_officer=org.officer, ended=True)

        response = _post(client_for(org.officer), ended, {"end_date": "2026-11-03", "outcome": "died"})

        assert response.status_code == 400
        assert response.json()["errors"] == {"status": ["This case has already ended."]}
        ended.refresh_from_db()
        assert (ended.end_date, ended.termination_outcome) == (date(2025, 1, 15), "")


class TestPermission:
    def test_a_colleague_who_sees_the_case_gets_403(self, org, client_for, case):
        client = client_for(org.colleague)

        assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
        response = _post(client, case, {"end_date": "2026-11-03", "outcome": "completed_positively"})

        assert response.status_code == 403
        assert response.json() == {
            "detail": "Only the responsible officer or a manager of the provider holding the case can end it."
        }
        assert _unchanged(case)

    @pytest.mark.parametrize(
        "who", ["other_provider_officer", "other_provider_manager", "other_team_officer", "upw", "administrator"]
    )
    def test_outside_scope_is_404(self, org, client_for, case, who):
        response = _post(client_for(getattr(org, who)), case, {"end_date": "2026-11-03", "outcome": "died"})

        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
        assert _unchanged(case)

    def test_anonymous_is_401(self, client, case):
        response = client.post(_url(case), {}, content_type="application/json")

        assert response.status_code == 401
        assert _unchanged(case)

    def test_get_is_not_allowed(self, org, client_for, case):
        assert client_for(org.officer).get(_url(case)).status_code == 405


def test_the_schema_describes_the_endpoint_without_warnings(tmp_path):
    GENERATOR_STATS.reset()  # warnings of schemas generated earlier in the session are not this test's

    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"), "--fail-on-warn", "--validate")

    schema = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/cases/{id}/end/:" in schema
    assert "TerminationOutcomeEnum:" in schema
    assert "CaseEndRequest:" in schema
