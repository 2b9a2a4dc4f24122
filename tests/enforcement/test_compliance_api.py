"""API for compliance: `compliance-failures/` (list, retrieve, `decide/`), `warning-letters/` and
`case-compliance/<case id>/`. Scoped like the pages (404 outside scope, 403 for someone who sees but may not
decide), 400 with field messages and nothing changed, constant queries, in the schema without warnings.

Today is Wednesday 25 November 2026. A failure on Monday 23 November is due on the 25th (two working days); one on
Thursday 19 November was due on the 23rd, so it is overdue.
"""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.drainage import GENERATOR_STATS

from cases.models import AccessRecord
from enforcement.models import ComplianceFailure, WarningLetter
from enforcement.selectors import compliance as selectors
from enforcement.services.compliance import failure_decide
from tests import factories
from tests.enforcement import setup
from tests.enforcement.setup import community_case, failure, licence_case

frozen = setup.frozen
compliance = setup.compliance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

FAILURES = "/api/v1/compliance-failures/"
LETTERS = "/api/v1/warning-letters/"
PANEL = "/api/v1/case-compliance/"
MONDAY = date(2026, 11, 23)
THURSDAY = date(2026, 11, 19)
TODAY_DATE = setup.TODAY
CANNOT_DECIDE = "Only the responsible officer or a manager of the case's team can decide this."
CHOOSE = "Choose a decision: a warning letter, acceptable, no further action, breach or recall."


def _decide(client, failure_id, body):
    return client.post(f"{FAILURES}{failure_id}/decide/", body, content_type="application/json")


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def _warned(case, on: date, decided_on: date, kind: str = "first_warning") -> ComplianceFailure:
    """A failure on `on` decided as a warning on `decided_on` by the case's officer (its letter is issued)."""
    return failure_decide(by=case.responsible_officer, failure=failure(case, on), decision=kind, on=decided_on)


def _unchanged(failure_row: ComplianceFailure, history_before: int) -> None:
    failure_row.refresh_from_db()
    assert failure_row.status == ComplianceFailure.Status.AWAITING_DECISION
    assert (failure_row.decision, failure_row.decided_on, failure_row.decided_by_id) == ("", None, None)
    assert failure_row.history.count() == history_before
    assert not WarningLetter.objects.filter(failure=failure_row).exists()


# Reading failures ----------------------------------------------------------------------------------------------------


def test_a_failure_has_every_field(compliance, client_for):
    row = failure(compliance.community, MONDAY)

    response = client_for(compliance.org.officer).get(f"{FAILURES}{row.pk}/")

    assert response.status_code == 200, response.json()
    body = response.json()
    sentence = compliance.community.sentences.get()
    assert body == {
        "id": row.pk,
        "case": compliance.community.pk,
        "crn": compliance.community.person.crn,
        "person_name": "Casey Order",
        "sentence": {"id": sentence.pk, "disposal": "community_order"},
        "source": "appointment",
        "failed_on": "2026-11-23",
        "outcome": row.outcome,
        "details": row.details,
        "decision_due_on": "2026-11-25",
        "status": "awaiting_decision",
        "decision": "",
        "decision_reason": "",
        "decided_on": None,
        "decided_by": None,
        "warning_letter": None,
        "requires_enforcement_action": False,
    }
    assert row.outcome
    assert row.details.startswith("Office appointment at 10:00")


def test_a_decided_failure_names_who_decided_and_its_letter(compliance, client_for):
    row = _warned(compliance.community, MONDAY, TODAY_DATE)

    body = client_for(compliance.org.manager).get(f"{FAILURES}{row.pk}/").json()

    assert body["status"] == "decided"
    assert body["decision"] == "first_warning"
    assert body["decided_on"] == "2026-11-25"
    assert body["decided_by"] == {"id": compliance.org.officer.pk, "name": "Olivia Okafor"}
    assert body["warning_letter"] == row.warning_letter.pk


def test_the_list_is_scoped_like_the_cases(compliance, client_for):
    org = compliance.org
    own = failure(compliance.community, MONDAY)
    colleagues = failure(community_case(org.colleague), MONDAY)
    other_team = failure(community_case(org.other_team_officer), MONDAY)
    other_provider = failure(community_case(org.other_provider_officer), MONDAY)

    def seen(who):
        return set(_ids(client_for(getattr(org, who)).get(FAILURES)))

    assert seen("officer") == {own.pk, colleagues.pk}
    assert seen("colleague") == {own.pk, colleagues.pk}
    assert seen("manager") == {own.pk, colleagues.pk, other_team.pk}
    assert seen("other_team_officer") == {other_team.pk}
    assert seen("other_provider_officer") == {other_provider.pk}
    assert seen("court_user") == set()
    assert seen("upw") == set()


@pytest.mark.parametrize(
    "who", ["other_team_officer", "other_provider_officer", "other_provider_manager", "court_user"]
)
def test_a_failure_out_of_scope_is_404(compliance, client_for, who):
    row = failure(compliance.community, MONDAY)

    response = client_for(getattr(compliance.org, who)).get(f"{FAILURES}{row.pk}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("failure_id", ["999999", "abc", str(2**64)])
def test_an_unknown_failure_is_404(compliance, client_for, failure_id):
    client = client_for(compliance.org.officer)

    assert client.get(f"{FAILURES}{failure_id}/").status_code == 404
    assert _decide(client, failure_id, {"decision": "first_warning"}).status_code == 404


def test_the_list_is_newest_first(compliance, client_for):
    older = failure(compliance.community, THURSDAY)
    newer = failure(compliance.community, MONDAY)

    assert _ids(client_for(compliance.org.officer).get(FAILURES)) == [newer.pk, older.pk]


def test_filters_by_status_case_and_overdue(compliance, client_for):
    overdue = failure(compliance.community, THURSDAY)
    due_today = failure(compliance.community, MONDAY)
    decided = _warned(compliance.licence, date(2026, 11, 2), date(2026, 11, 3))
    client = client_for(compliance.org.officer)

    assert set(_ids(client.get(FAILURES, {"status": "awaiting_decision"}))) == {overdue.pk, due_today.pk}
    assert _ids(client.get(FAILURES, {"status": "decided"})) == [decided.pk]
    assert _ids(client.get(FAILURES, {"status": "withdrawn"})) == []
    assert _ids(client.get(FAILURES, {"case": compliance.licence.pk})) == [decided.pk]
    assert _ids(client.get(FAILURES, {"overdue": "true"})) == [overdue.pk]
    assert set(_ids(client.get(FAILURES, {"overdue": "false"}))) == {due_today.pk, decided.pk}
    assert _ids(client.get(FAILURES, {"overdue": "true", "case": compliance.licence.pk})) == []


@pytest.mark.parametrize(("params", "field"), [({"status": "late"}, "status"), ({"case": "abc"}, "case")])
def test_a_bad_filter_is_400(compliance, client_for, params, field):
    response = client_for(compliance.org.officer).get(FAILURES, params)

    assert response.status_code == 400
    assert response.json()["detail"] == "The request has errors."
    assert list(response.json()["errors"]) == [field]


def test_requires_enforcement_action_matches_the_selector_row_by_row(compliance, client_for):
    case = compliance.community
    _warned(case, date(2026, 10, 1), date(2026, 10, 2))
    after_the_warning = failure(case, THURSDAY)
    # On the licence case the warning is for a later failure than the one awaiting: it counts all the same.
    before_the_warning = failure(compliance.licence, date(2026, 11, 2))
    _warned(compliance.licence, date(2026, 11, 9), date(2026, 11, 10))
    # A warning on another order (another case) never counts.
    fresh_case = community_case(compliance.org.officer)
    _warned(community_case(compliance.org.officer), date(2026, 10, 1), date(2026, 10, 2))
    fresh = failure(fresh_case, MONDAY)

    rows = {row["id"]: row for row in client_for(compliance.org.officer).get(FAILURES).json()["results"]}

    assert len(rows) == 6
    for failure_row in ComplianceFailure.objects.all():
        expected = selectors.requires_enforcement_action(failure_row)
        assert rows[failure_row.pk]["requires_enforcement_action"] is expected, failure_row
    assert rows[after_the_warning.pk]["requires_enforcement_action"] is True
    assert rows[before_the_warning.pk]["requires_enforcement_action"] is True
    assert rows[fresh.pk]["requires_enforcement_action"] is False


def test_opening_a_failure_of_a_person_with_an_access_list_is_recorded(compliance, client_for):
    row = failure(compliance.community, MONDAY)
    factories.PersonAccessLimitFactory(person=compliance.community.person, user=compliance.org.colleague)
    client = client_for(compliance.org.officer)

    client.get(FAILURES)
    assert not AccessRecord.objects.exists()
    assert client.get(f"{FAILURES}{row.pk}/").status_code == 200
    assert AccessRecord.objects.filter(person=compliance.community.person, user=compliance.org.officer).count() == 1


# Deciding --------------------------------------------------------------------------------------------------------


def test_a_first_warning_issues_its_letter(compliance, client_for):
    row = failure(compliance.community, MONDAY)

    response = _decide(client_for(compliance.org.officer), row.pk, {"decision": "first_warning"})

    assert response.status_code == 200, response.json()
    body = response.json()
    letter = WarningLetter.objects.get(failure=row)
    assert body["id"] == row.pk
    assert (body["status"], body["decision"], body["decided_on"]) == ("decided", "first_warning", "2026-11-25")
    assert body["decided_by"] == {"id": compliance.org.officer.pk, "name": "Olivia Okafor"}
    assert body["warning_letter"] == letter.pk
    assert body["requires_enforcement_action"] is False
    assert (letter.kind, letter.issued_on, letter.issued_by) == ("first", TODAY_DATE, compliance.org.officer)


def test_the_manager_records_acceptable_with_the_evidence_on_an_earlier_day(compliance, client_for):
    row = failure(compliance.community, THURSDAY)

    response = _decide(
        client_for(compliance.org.manager),
        row.pk,
        {"decision": "acceptable", "reason": "  Hospital letter seen.  ", "on": "2026-11-20"},
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["decision"], body["decision_reason"], body["decided_on"]) == (
        "acceptable",
        "Hospital letter seen.",
        "2026-11-20",
    )
    assert body["decided_by"]["name"] == "Maya Mensah"
    assert body["warning_letter"] is None
    assert not WarningLetter.objects.exists()


def test_recall_after_the_threshold_on_a_licence(compliance, client_for):
    _warned(compliance.licence, date(2026, 11, 2), date(2026, 11, 3))
    row = failure(compliance.licence, MONDAY)
    client = client_for(compliance.org.officer)
    assert client.get(f"{FAILURES}{row.pk}/").json()["requires_enforcement_action"] is True

    response = _decide(client, row.pk, {"decision": "recall", "reason": "Second absence in a month."})

    assert response.status_code == 200, response.json()
    assert response.json()["decision"] == "recall"
    assert response.json()["requires_enforcement_action"] is False


@pytest.mark.parametrize(
    ("case_name", "body", "errors"),
    [
        ("community", {}, {"decision": [CHOOSE]}),
        ("community", {"decision": ""}, {"decision": [CHOOSE]}),
        ("community", {"decision": "caution"}, {"decision": [CHOOSE]}),
        (
            "community",
            {"decision": "acceptable"},
            {"reason": ["Record the evidence that the failure was acceptable after all."]},
        ),
        (
            "community",
            {"decision": "no_further_action", "reason": "   "},
            {"reason": ["Say why no further action is taken."]},
        ),
        (
            "community",
            {"decision": "first_warning", "on": "2026-11-26"},
            {"on": ["The date of the decision cannot be in the future."]},
        ),
        (
            "community",
            {"decision": "first_warning", "on": "2026-11-22"},
            {"on": ["The date of the decision cannot be before the failure (23 November 2026)."]},
        ),
        (
            "community",
            {"decision": "first_warning", "on": "25/11/2026"},
            {"on": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        (
            "community",
            {"decision": "no_further_action", "reason": "x" * 4001},
            {"reason": ["The reason must be 4,000 characters or fewer."]},
        ),
        (
            "licence",
            {"decision": "breach"},
            {
                "decision": [
                    "Breach is for orders and for post-sentence supervision: someone on licence is recalled instead."
                ]
            },
        ),
        (
            "community",
            {"decision": "recall"},
            {
                "decision": [
                    "Recall is only for someone on licence: an order, or post-sentence supervision, is breached."
                ]
            },
        ),
    ],
)
def test_bad_decisions_are_400_with_field_messages_and_change_nothing(compliance, client_for, case_name, body, errors):
    row = failure(getattr(compliance, case_name), MONDAY)
    history_before = row.history.count()

    response = _decide(client_for(compliance.org.officer), row.pk, body)

    assert response.status_code == 400
    assert response.json() == {"detail": "The request has errors.", "errors": errors}
    _unchanged(row, history_before)


@pytest.mark.parametrize("decision", ["first_warning", "final_warning", "no_further_action"])
def test_a_warning_after_the_threshold_is_400(compliance, client_for, decision):
    _warned(compliance.community, date(2026, 11, 2), date(2026, 11, 3))
    row = failure(compliance.community, MONDAY)
    history_before = row.history.count()

    response = _decide(client_for(compliance.org.officer), row.pk, {"decision": decision, "reason": "Unwell."})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "decision": [
            "1 warning already given within 12 months of this failure (3 November 2026), the most allowed: take "
            "breach action, or record it as acceptable after all with the evidence."
        ]
    }
    _unchanged(row, history_before)
    assert WarningLetter.objects.count() == 1


def test_a_decision_is_never_changed(compliance, client_for):
    row = _warned(compliance.community, MONDAY, TODAY_DATE)

    response = _decide(client_for(compliance.org.officer), row.pk, {"decision": "breach"})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": [
            "This failure was decided on 25 November 2026 (first warning letter). A decision cannot be changed."
        ]
    }
    row.refresh_from_db()
    assert row.decision == "first_warning"


@pytest.mark.parametrize("who", ["colleague", "administrator_in_team"])
def test_someone_who_sees_the_failure_but_may_not_decide_it_is_403(compliance, client_for, who):
    user = factories.AdministratorFactory(team=compliance.org.team_a) if who == "administrator_in_team" else None
    user = user or getattr(compliance.org, who)
    row = failure(compliance.community, MONDAY)
    history_before = row.history.count()
    client = client_for(user)
    assert client.get(f"{FAILURES}{row.pk}/").status_code == 200

    response = _decide(client, row.pk, {"decision": "first_warning"})

    assert response.status_code == 403
    assert response.json() == {"detail": CANNOT_DECIDE}
    _unchanged(row, history_before)


def test_a_manager_of_another_team_sees_but_may_not_decide(compliance, client_for):
    row = failure(community_case(compliance.org.other_team_officer), MONDAY)
    client = client_for(compliance.org.manager)
    assert client.get(f"{FAILURES}{row.pk}/").status_code == 200

    response = _decide(client, row.pk, {"decision": "first_warning"})

    assert response.status_code == 403
    _unchanged(row, 1)


@pytest.mark.parametrize(
    "who", ["other_team_officer", "other_provider_officer", "other_provider_manager", "court_user"]
)
def test_deciding_a_failure_out_of_scope_is_404(compliance, client_for, who):
    row = failure(compliance.community, MONDAY)

    response = _decide(client_for(getattr(compliance.org, who)), row.pk, {"decision": "first_warning"})

    assert response.status_code == 404
    _unchanged(row, 1)


def test_the_body_is_validated_before_the_scope(compliance, client_for):
    row = failure(compliance.community, MONDAY)

    response = _decide(client_for(compliance.org.court_user), row.pk, {"decision": "caution"})

    assert response.status_code == 400
    assert response.json()["errors"] == {"decision": [CHOOSE]}


# Anonymous callers ---------------------------------------------------------------------------------------------------


def test_anonymous_callers_are_refused(compliance, client):
    row = _warned(compliance.community, MONDAY, TODAY_DATE)
    case_id = compliance.community.pk

    for url in (FAILURES, f"{FAILURES}{row.pk}/", LETTERS, f"{LETTERS}{row.warning_letter.pk}/", f"{PANEL}{case_id}/"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json() == {"detail": "Authentication credentials were not provided."}
    other = failure(compliance.community, THURSDAY)
    assert _decide(client, other.pk, {"decision": "first_warning"}).status_code == 401
    _unchanged(other, 1)


# Warning letters -----------------------------------------------------------------------------------------------------


def test_a_letter_has_its_words_as_issued(compliance, client_for):
    factories.AddressFactory(person=compliance.community.person, line_1="1 Mill Lane", postcode="M4 5JD")
    row = _warned(compliance.community, MONDAY, TODAY_DATE, kind="first_warning")
    letter = row.warning_letter

    response = client_for(compliance.org.manager).get(f"{LETTERS}{letter.pk}/")

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "id": letter.pk,
        "case": compliance.community.pk,
        "crn": compliance.community.person.crn,
        "kind": "first",
        "issued_on": "2026-11-25",
        "issued_by": {"id": compliance.org.officer.pk, "name": "Olivia Okafor"},
        "recipient_name": "Casey Order",
        "recipient_address": "1 Mill Lane\nManchester\nM4 5JD",
        "body": letter.body,
        "signatory": "Olivia Okafor, NPS North West",
        "failure": row.pk,
    }
    assert response.json()["body"].startswith("Dear Casey Order,\n\n")


def test_letters_are_scoped_and_filtered_by_case(compliance, client_for):
    org = compliance.org
    first = _warned(compliance.community, date(2026, 11, 2), date(2026, 11, 3)).warning_letter
    second = _warned(compliance.licence, MONDAY, TODAY_DATE, kind="final_warning").warning_letter
    elsewhere = _warned(community_case(org.other_provider_officer), MONDAY, TODAY_DATE).warning_letter
    failure(compliance.community, MONDAY)  # awaiting: no letter

    assert _ids(client_for(org.officer).get(LETTERS)) == [second.pk, first.pk]
    assert _ids(client_for(org.manager).get(LETTERS, {"case": compliance.community.pk})) == [first.pk]
    assert _ids(client_for(org.other_provider_officer).get(LETTERS)) == [elsewhere.pk]
    assert _ids(client_for(org.other_team_officer).get(LETTERS)) == []
    assert _ids(client_for(org.court_user).get(LETTERS)) == []
    for who in ("other_team_officer", "other_provider_officer", "court_user"):
        assert client_for(getattr(org, who)).get(f"{LETTERS}{first.pk}/").status_code == 404, who
    assert client_for(org.officer).get(f"{LETTERS}abc/").status_code == 404


# The case's compliance panel -----------------------------------------------------------------------------------------


def test_the_panel_of_a_case_over_the_threshold(compliance, client_for):
    _warned(compliance.community, date(2026, 11, 2), date(2026, 11, 3))
    awaiting = failure(compliance.community, MONDAY)

    response = client_for(compliance.org.officer).get(f"{PANEL}{compliance.community.pk}/")

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "case": compliance.community.pk,
        "crn": compliance.community.person.crn,
        "since": "2025-11-25",
        "failure_count": 2,
        "warning_count": 1,
        "warnings_allowed": 1,
        "threshold_reached": True,
        "action_label": "Breach",
        "enforcement_action": None,
        "awaiting": [{"failure": awaiting.pk, "failed_on": "2026-11-23", "decision_due_on": "2026-11-25"}],
    }


def test_the_panel_of_a_licence_case_after_recall(compliance, client_for):
    _warned(compliance.licence, date(2026, 11, 2), date(2026, 11, 3))
    recalled = failure_decide(
        by=compliance.org.manager, failure=failure(compliance.licence, MONDAY), decision="recall", reason="Again."
    )

    body = client_for(compliance.org.manager).get(f"{PANEL}{compliance.licence.pk}/").json()

    assert body["action_label"] == "Recall"
    assert body["enforcement_action"] == {"failure": recalled.pk, "decision": "recall", "decided_on": "2026-11-25"}
    assert body["awaiting"] == []
    assert (body["failure_count"], body["warning_count"], body["threshold_reached"]) == (2, 1, True)


def test_the_panel_of_a_case_with_no_failures(compliance, client_for):
    body = client_for(compliance.org.colleague).get(f"{PANEL}{compliance.community.pk}/").json()

    assert (body["failure_count"], body["warning_count"], body["threshold_reached"]) == (0, 0, False)
    assert (body["enforcement_action"], body["awaiting"]) == (None, [])


@pytest.mark.parametrize("who", ["other_team_officer", "other_provider_officer", "court_user", "upw"])
def test_the_panel_out_of_scope_is_404(compliance, client_for, who):
    response = client_for(getattr(compliance.org, who)).get(f"{PANEL}{compliance.community.pk}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("case_id", ["999999", "abc", str(2**64)])
def test_the_panel_of_an_unknown_case_is_404(compliance, client_for, case_id):
    assert client_for(compliance.org.officer).get(f"{PANEL}{case_id}/").status_code == 404


def test_the_panel_has_no_list(compliance, client_for):
    assert client_for(compliance.org.officer).get(PANEL).status_code == 404


# Constant queries ----------------------------------------------------------------------------------------------------


def _count(client, url) -> tuple[int, str, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.json()
    return len(captured), "\n".join(query["sql"] for query in captured.captured_queries), response.json()


def _cases_with_failures(officer, pairs: int) -> None:
    """`pairs` cases, each with a warning given (and its letter) and a failure awaiting that needs enforcement."""
    for index in range(pairs):
        case = licence_case(officer) if index % 2 else community_case(officer)
        _warned(case, date(2026, 11, 2), date(2026, 11, 3), kind="final_warning" if index % 3 else "first_warning")
        failure(case, MONDAY)


PINNED = {"failures": 9, "letters": 8, "panel": 7}


def test_the_failures_list_runs_the_same_queries_with_2_or_12_failures(compliance, client_for):
    client = client_for(compliance.org.manager)

    _cases_with_failures(compliance.org.officer, 1)
    few, _, body = _count(client, FAILURES)
    assert body["count"] == 2
    _cases_with_failures(compliance.org.colleague, 5)
    many, sql, body = _count(client, FAILURES)

    assert body["count"] == 12
    assert sum(row["requires_enforcement_action"] for row in body["results"]) == 6
    # session, user, the manager's team (3) + count + page of failures with their case, person, order, author and
    # letter + the warnings given on those orders (for requires_enforcement_action) + session save (3)
    assert few == many, sql
    assert many == PINNED["failures"], sql


def test_the_letters_list_runs_the_same_queries_with_2_or_12_letters(compliance, client_for):
    client = client_for(compliance.org.manager)

    _cases_with_failures(compliance.org.officer, 2)
    few, _, body = _count(client, LETTERS)
    assert body["count"] == 2
    _cases_with_failures(compliance.org.colleague, 10)
    many, sql, body = _count(client, LETTERS)

    assert body["count"] == 12
    # session, user, the manager's team (3) + count + page of letters with their case, person, provider, failure,
    # order and author + session save (3)
    assert few == many, sql
    assert many == PINNED["letters"], sql


def test_the_panel_runs_the_same_queries_with_2_or_12_failures(compliance, client_for):
    client = client_for(compliance.org.officer)

    def case_with(count):
        case = community_case(compliance.org.officer)
        _warned(case, date(2026, 3, 9), date(2026, 3, 10))
        for week in range(count - 1):
            failure(case, MONDAY - timedelta(weeks=week))
        return case.pk

    few, _, body = _count(client, f"{PANEL}{case_with(2)}/")
    assert body["failure_count"] == 2
    many, sql, body = _count(client, f"{PANEL}{case_with(12)}/")

    assert (body["failure_count"], len(body["awaiting"])) == (12, 11)
    # session, user (2) + the case (scoped) + its failures of the 12 months + session save (3)
    assert few == many, sql
    assert many == PINNED["panel"], sql


# The schema ----------------------------------------------------------------------------------------------------------


def test_the_schema_describes_the_compliance_endpoints(compliance, client_for):
    schema = client_for(compliance.org.officer).get("/api/schema/", {"format": "json"}).json()

    assert "get" in schema["paths"]["/api/v1/compliance-failures/"]
    assert "post" not in schema["paths"]["/api/v1/compliance-failures/"]
    assert "get" in schema["paths"]["/api/v1/compliance-failures/{id}/"]
    assert set(schema["paths"]["/api/v1/compliance-failures/{id}/decide/"]["post"]["responses"]) == {
        "200",
        "400",
        "403",
        "404",
    }
    assert "get" in schema["paths"]["/api/v1/warning-letters/{id}/"]
    assert "get" in schema["paths"]["/api/v1/case-compliance/{id}/"]
    assert "/api/v1/case-compliance/" not in schema["paths"]
    params = {param["name"] for param in schema["paths"]["/api/v1/compliance-failures/"]["get"]["parameters"]}
    assert {"status", "case", "overdue", "page", "page_size"} <= params
    assert schema["components"]["schemas"]["EnforcementDecision"]["enum"] == [
        "first_warning",
        "final_warning",
        "acceptable",
        "no_further_action",
        "breach",
        "recall",
    ]


def test_the_schema_generates_without_warnings_or_errors(tmp_path):
    GENERATOR_STATS.reset()

    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"), "--fail-on-warn", "--validate")

    assert (tmp_path / "schema.yaml").read_text().count("/api/v1/compliance-failures/") >= 3
