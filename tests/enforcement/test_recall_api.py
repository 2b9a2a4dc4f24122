"""API for recall: `recalls/` (list, retrieve, POST to consider recall by hand) and a POST action per step. Scoped like
the pages (404 outside scope, 403 for someone who sees the recall but may not take the step), 400 with field messages
and nothing changed, constant queries, in the schema with named enums.

Today is Wednesday 25 November 2026 (tests/enforcement/setup.py).
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import AccessRecord
from enforcement.models import Recall
from enforcement.services.recall import ORDER_NOT_RECALLED
from tests import factories
from tests.enforcement import setup
from tests.enforcement.setup import licence_case
from tests.enforcement.test_recall_services import (
    ALTERNATIVES,
    MONDAY,
    RATIONALE,
    REASONS,
    build,
    considered,
    senior,
    state,
    submitted,
)
from timeliness.models import Clock

frozen = setup.frozen
compliance = setup.compliance
senior = senior  # the fixture: a senior manager in the licence case's team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

RECALLS = "/api/v1/recalls/"
ONLY_SENIOR = "Only a senior manager of the case's provider can countersign a recall."


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _step(client, recall, step, body=None):
    return _post(client, f"{RECALLS}{recall.pk}/{step}/", body or {})


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


REVIEW = {
    "recommendation": "standard",
    "rationale": RATIONALE,
    "alternatives_considered": ALTERNATIVES,
    "extended_or_specified_sentence": False,
    "charged_with_serious_offence": False,
    "risk_manageable_after_fixed_term": True,
}


# Reading -------------------------------------------------------------------------------------------------------------


def test_a_recall_has_every_field(compliance, client_for, senior):
    org = compliance.org
    recall = build(compliance.licence, "countersigned", reviewer=org.manager, senior=senior)
    sentence = compliance.licence.sentences.get()

    response = client_for(org.officer).get(f"{RECALLS}{recall.pk}/")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body.pop("created_at")
    assert body == {
        "id": recall.pk,
        "case": compliance.licence.pk,
        "crn": compliance.licence.person.crn,
        "person_name": "Lee Licence",
        "sentence": {
            "id": sentence.pk,
            "disposal": "custody",
            "sentence_date": "2026-03-02",
            "length_months": 24,
            "released_on": "2026-06-01",
            "licence_end_date": "2027-03-01",
        },
        "failure": None,
        "status": "countersigned",
        "aware_on": "2026-11-23",
        "reasons": REASONS,
        "recommendation": "standard",
        "rationale": RATIONALE,
        "alternatives_considered": ALTERNATIVES,
        "extended_or_specified_sentence": False,
        "charged_with_serious_offence": False,
        "risk_manageable_after_fixed_term": True,
        "fixed_term_suitable": True,
        "fixed_term_days": 28,
        "reviewed_by": {"id": org.manager.pk, "name": "Maya Mensah"},
        "reviewed_on": "2026-11-25",
        "countersigned_by": {"id": senior.pk, "name": "Sam Senior"},
        "countersigned_on": "2026-11-25",
        "countersignature_note": "",
        "sent_to_ppcs_on": None,
        "returned_to_custody_on": None,
        "documents_supplied_on": None,
        "withdrawn_reason": "",
        "no_recall_letter": "",
        "initiated_by": {"id": org.officer.pk, "name": "Olivia Okafor"},
        "steps_allowed": ["send_to_ppcs", "withdraw"],
        "information_requests": [],
    }


def test_the_steps_allowed_are_the_callers(compliance, client_for, senior):
    recall = build(compliance.licence, "awaiting_countersignature", reviewer=compliance.org.manager, senior=senior)

    def steps(user):
        return client_for(user).get(f"{RECALLS}{recall.pk}/").json()["steps_allowed"]

    assert steps(compliance.org.officer) == ["withdraw"]
    assert steps(senior) == ["countersign", "decline_countersignature", "withdraw"]
    assert steps(compliance.org.colleague) == []


def test_the_list_is_scoped_like_the_cases(compliance, client_for):
    org = compliance.org
    own = considered(compliance.licence, on=MONDAY)
    colleagues = considered(licence_case(org.colleague), on=date(2026, 11, 20))
    other_team = considered(licence_case(org.other_team_officer), on=date(2026, 11, 19))
    other_provider = considered(licence_case(org.other_provider_officer), on=date(2026, 11, 18))

    def seen(who):
        return _ids(client_for(getattr(org, who)).get(RECALLS))

    assert seen("officer") == [own.pk, colleagues.pk]
    assert seen("colleague") == [own.pk, colleagues.pk]
    assert seen("manager") == [own.pk, colleagues.pk, other_team.pk]
    assert seen("other_provider_officer") == [other_provider.pk]
    assert seen("court_user") == [] and seen("upw") == [] and seen("administrator") == []


def test_filter_by_status_and_case(compliance, client_for, senior):
    org = compliance.org
    considering = considered(compliance.licence)
    other_case = licence_case(org.officer)
    waiting = build(other_case, "awaiting_countersignature", reviewer=org.manager, senior=senior)
    client = client_for(org.officer)

    assert _ids(client.get(RECALLS, {"status": "awaiting_countersignature"})) == [waiting.pk]
    assert _ids(client.get(RECALLS, {"case": compliance.licence.pk})) == [considering.pk]
    assert client.get(RECALLS, {"status": "nonsense"}).status_code == 400


@pytest.mark.parametrize(
    "who", ["other_team_officer", "other_provider_officer", "other_provider_manager", "court_user"]
)
def test_outsiders_get_not_found(compliance, client_for, who):
    recall = considered(compliance.licence)
    client = client_for(getattr(compliance.org, who))
    before = state()

    assert client.get(f"{RECALLS}{recall.pk}/").status_code == 404
    for step in ("submit", "review", "countersign", "decline-countersignature", "send", "withdraw"):
        response = _step(client, recall, step, {"reasons": REASONS, **REVIEW, "note": "x", "reason": "x"})
        assert response.status_code == 404, step
        assert response.json() == {"detail": "Not found."}
    assert _post(client, RECALLS, {"case": compliance.licence.pk, "reasons": REASONS}).status_code == 404
    assert state() == before


@pytest.mark.parametrize("bad_id", ["0", "99999999999999999999", "abc"])
def test_an_id_that_is_not_one_is_not_found(compliance, client_for, bad_id):
    assert client_for(compliance.org.officer).get(f"{RECALLS}{bad_id}/").status_code == 404


def test_opening_a_person_with_an_access_list_is_recorded(compliance, client_for):
    recall = considered(compliance.licence)
    factories.PersonAccessLimitFactory(person=compliance.licence.person, user=compliance.org.colleague)

    client_for(compliance.org.officer).get(f"{RECALLS}{recall.pk}/")

    assert AccessRecord.objects.filter(person=compliance.licence.person, user=compliance.org.officer).count() == 1


# Considering recall ----------------------------------------------------------------------------------------------


def test_considering_recall_by_hand(compliance, client_for):
    response = _post(
        client_for(compliance.org.officer),
        RECALLS,
        {"case": compliance.licence.pk, "reasons": REASONS, "aware_on": "2026-11-23"},
    )

    assert response.status_code == 201, response.json()
    recall = Recall.objects.get()
    assert response.json()["id"] == recall.pk
    assert (response.json()["status"], response.json()["steps_allowed"]) == (
        "considering",
        ["submit_for_review", "withdraw"],
    )
    assert Clock.objects.get(subject=f"recall:{recall.pk}").service_level == "NPS SL012"


def test_considering_on_an_order_is_refused(compliance, client_for):
    response = _post(client_for(compliance.org.officer), RECALLS, {"case": compliance.community.pk, "reasons": REASONS})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request has errors.",
        "errors": {"non_field_errors": [ORDER_NOT_RECALLED]},
    }
    assert not Recall.objects.exists()


def test_considering_with_bad_fields(compliance, client_for):
    client = client_for(compliance.org.officer)

    response = _post(client, RECALLS, {"case": compliance.licence.pk, "reasons": "", "aware_on": "2026-11-26"})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "reasons": ["Say why recall is being considered: the breach of the licence or the rise in risk."],
        "aware_on": ["The date you became aware cannot be in the future."],
    }
    assert _post(client, RECALLS, {"reasons": REASONS}).json()["errors"] == {"case": ["This field is required."]}
    assert not Recall.objects.exists()


def test_a_colleague_who_sees_the_case_may_not_consider_recall(compliance, client_for):
    response = _post(client_for(compliance.org.colleague), RECALLS, {"case": compliance.licence.pk, "reasons": REASONS})

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the responsible officer or a manager of the case's team can start a recall."
    }
    assert not Recall.objects.exists()


# The steps -------------------------------------------------------------------------------------------------------


def test_the_whole_lifecycle_through_the_api(compliance, client_for, senior):
    org = compliance.org
    officer, manager, senior_client = client_for(org.officer), client_for(org.manager), client_for(senior)
    recall = considered(compliance.licence, on=MONDAY)

    for client, step, body, status in [
        (officer, "submit", {"reasons": "Updated reasons."}, "awaiting_review"),
        (
            manager,
            "review",
            {**REVIEW, "recommendation": "fixed_term", "on": "2026-11-24"},
            "awaiting_countersignature",
        ),
        (senior_client, "decline-countersignature", {"note": "Try approved premises first."}, "awaiting_review"),
        (manager, "review", REVIEW, "awaiting_countersignature"),
        (senior_client, "countersign", {"note": "Agreed."}, "countersigned"),
        (officer, "send", {}, "sent_to_ppcs"),
        (officer, "return-to-custody", {"on": "2026-11-25"}, "returned_to_custody"),
        (officer, "documents-supplied", {"on": "2026-11-25"}, "documents_supplied"),
    ]:
        response = _step(client, recall, step, body)
        assert response.status_code == 200, (step, response.json())
        assert response.json()["status"] == status, step

    body = response.json()
    assert (body["reasons"], body["recommendation"], body["countersignature_note"]) == (
        "Updated reasons.",
        "standard",
        "Agreed.",
    )
    assert (body["sent_to_ppcs_on"], body["returned_to_custody_on"], body["documents_supplied_on"]) == (
        "2026-11-25",
        "2026-11-25",
        "2026-11-25",
    )
    assert body["steps_allowed"] == []
    clocks = {clock.service_level: clock.status for clock in Clock.objects.filter(subject=f"recall:{recall.pk}")}
    assert clocks == {"NPS SL012": "met", "NPS SL024": "met"}


def test_no_recall_through_the_api(compliance, client_for):
    recall = submitted(considered(compliance.licence))

    response = _step(
        client_for(compliance.org.manager),
        recall,
        "review",
        {"recommendation": "no_recall", "rationale": RATIONALE, "alternatives_considered": ALTERNATIVES},
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "not_recalled"
    assert response.json()["no_recall_letter"].startswith("Lee Licence\n\n25 November 2026\n\nDear Lee Licence,")


def test_a_fixed_term_that_is_not_open_is_refused(compliance, client_for):
    recall = submitted(considered(compliance.licence))
    before = state()

    response = _step(
        client_for(compliance.org.manager),
        recall,
        "review",
        {**REVIEW, "recommendation": "fixed_term", "extended_or_specified_sentence": True},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "recommendation": [
            "Fixed-term recall is not open to someone serving an extended sentence or one for a specified serious "
            "offence: recommend a standard recall."
        ]
    }
    assert state() == before


def test_a_recommendation_outside_the_list_is_refused_before_the_service(compliance, client_for):
    recall = submitted(considered(compliance.licence))

    response = _step(client_for(compliance.org.manager), recall, "review", {**REVIEW, "recommendation": "suspended"})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "recommendation": ["Choose a recommendation: standard recall, fixed-term recall or no recall."]
    }


def test_a_step_the_status_does_not_allow(compliance, client_for):
    recall = considered(compliance.licence)
    before = state()

    response = _step(client_for(compliance.org.manager), recall, "review", REVIEW)

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": [
            "You cannot review the recall: the recall is at “recall being considered”. Next, the officer writes the "
            "reasons and sends the recall to a manager for review."
        ]
    }
    assert state() == before


@pytest.mark.parametrize(
    ("who", "step", "body", "message"),
    [
        ("officer", "countersign", {}, ONLY_SENIOR),
        ("manager", "decline-countersignature", {"note": "No."}, ONLY_SENIOR),
        (
            "colleague",
            "withdraw",
            {"reason": "No."},
            "Only the responsible officer or a manager of the case's team can withdraw the recall.",
        ),
    ],
)
def test_someone_who_sees_the_recall_but_may_not_take_the_step(
    compliance, client_for, senior, who, step, body, message
):
    recall = build(compliance.licence, "awaiting_countersignature", reviewer=compliance.org.manager, senior=senior)
    before = state()

    response = _step(client_for(getattr(compliance.org, who)), recall, step, body)

    assert response.status_code == 403
    assert response.json() == {"detail": message}
    assert state() == before


def test_the_reviewer_cannot_countersign(compliance, client_for, senior):
    recall = build(compliance.licence, "awaiting_countersignature", reviewer=senior, senior=senior)

    response = _step(client_for(senior), recall, "countersign")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["You made this recommendation: another senior manager must countersign it."]
    }


@pytest.mark.parametrize(
    ("step", "body", "errors"),
    [
        ("return-to-custody", {}, {"on": ["Enter the date of the return to custody."]}),
        (
            "return-to-custody",
            {"on": "2026-11-26"},
            {"on": ["The date of the return to custody cannot be in the future."]},
        ),
        ("return-to-custody", {"on": "not a date"}, None),
    ],
)
def test_dates(compliance, client_for, senior, step, body, errors):
    recall = build(compliance.licence, "sent_to_ppcs", reviewer=compliance.org.manager, senior=senior)
    before = state()

    response = _step(client_for(compliance.org.officer), recall, step, body)

    assert response.status_code == 400
    if errors is not None:
        assert response.json()["errors"] == errors
    else:
        assert list(response.json()["errors"]) == ["on"]
    assert state() == before


def test_withdrawing_needs_a_reason_and_cancels_the_clock(compliance, client_for):
    recall = considered(compliance.licence)
    client = client_for(compliance.org.officer)

    assert _step(client, recall, "withdraw", {"reason": ""}).json()["errors"] == {
        "reason": ["Say why the recall is withdrawn."]
    }
    response = _step(client, recall, "withdraw", {"reason": "Remanded in custody on a new charge."})

    assert (response.status_code, response.json()["status"]) == (200, "withdrawn")
    assert Clock.objects.get(subject=f"recall:{recall.pk}").status == "cancelled"


# Queries and schema ----------------------------------------------------------------------------------------------


FEW, MANY = 2, 12
# Session read and saved (with its savepoint), the user, (for the senior manager's countersignature rule) their team,
# the count, the page and the page's requests for more information (one prefetch).
PINNED_LIST = {"officer": 8, "senior": 9}


@pytest.mark.parametrize("who", ["officer", "senior"])
def test_the_list_runs_the_same_queries_however_many_recalls(compliance, client_for, senior, who):
    org = compliance.org
    client = client_for(senior if who == "senior" else org.officer)

    def add(count: int) -> None:
        for index in range(count):
            status = ("considering", "awaiting_countersignature", "countersigned")[index % 3]
            build(licence_case(org.officer), status, reviewer=org.manager, senior=senior)

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(RECALLS)
        assert response.status_code == 200
        return len(captured), "\n".join(query["sql"] for query in captured.captured_queries)

    add(FEW)
    few, _ = count()
    add(MANY - FEW)
    many, sql = count()

    assert few == many, sql
    assert many == PINNED_LIST[who], sql
    assert len(_ids(client.get(RECALLS))) == MANY


def test_the_schema_describes_the_recall_endpoints(compliance, client_for):
    schema = client_for(compliance.org.officer).get("/api/schema/", {"format": "json"}).json()

    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/recalls/"])
    assert "get" in paths["/api/v1/recalls/{id}/"]
    for step in (
        "submit",
        "review",
        "countersign",
        "decline-countersignature",
        "send",
        "return-to-custody",
        "documents-supplied",
        "withdraw",
    ):
        assert set(paths[f"/api/v1/recalls/{{id}}/{step}/"]["post"]["responses"]) == {"200", "400", "403", "404"}
    params = {param["name"] for param in paths["/api/v1/recalls/"]["get"]["parameters"]}
    assert {"status", "case", "page", "page_size"} <= params
    components = schema["components"]["schemas"]
    assert components["RecallStatus"]["enum"] == [
        "considering",
        "awaiting_review",
        "awaiting_countersignature",
        "countersigned",
        "sent_to_ppcs",
        "returned_to_custody",
        "documents_supplied",
        "not_recalled",
        "withdrawn",
    ]
    assert components["RecallRecommendation"]["enum"] == ["standard", "fixed_term", "no_recall"]
    assert components["RecallStep"]["enum"][0] == "submit_for_review"
