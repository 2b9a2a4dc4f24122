"""API for delivery: `requirement-outcomes/` (record and list outcomes) and `case-delivery/<case id>/` (read-only
summary). Scoped like the pages (404 outside scope), 400 with field messages, constant queries, in the schema."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Requirement
from interventions.models import ProgrammeReferral, UnpaidWorkTransfer
from tests import factories

pytestmark = pytest.mark.django_db

OUTCOMES = "/api/v1/requirement-outcomes/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


@pytest.fixture
def sentence(org):
    case = factories.CaseFactory(responsible_officer=org.officer, person__crn="D300001")
    return factories.SentenceFactory(case=case, sentence_date=date(2026, 9, 1))


def _upw(sentence, hours=40, minutes=0):
    return factories.RequirementFactory(
        sentence=sentence,
        requirement_type=factories.requirement_type("unpaid_work"),
        hours=hours,
        unpaid_work_minutes_credited=minutes,
    )


def _post(client, body):
    return client.post(OUTCOMES, body, content_type="application/json")


# Recording an outcome ----------------------------------------------------------------------------------------


def test_record_a_rar_completed_positively_with_fewer_days(org, client_for, sentence):
    requirement = factories.RequirementFactory(sentence=sentence, rar_days_delivered=7)

    response = _post(
        client_for(org.officer),
        {"requirement": requirement.pk, "completed_positively": True, "ended_on": "2026-11-24"},
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id"] == requirement.pk
    assert body["case"] == sentence.case_id
    assert body["crn"] == "D300001"
    assert body["status"] == "completed"
    assert body["completed_positively"] is True
    assert body["ended_on"] == "2026-11-24"
    assert (body["rar_days_delivered"], body["maximum_days"]) == (7, 20)
    assert body["requirement_type"] == {"code": "rar", "name": "Rehabilitation activity requirement", "measure": "days"}


def test_record_a_termination(org, client_for, sentence):
    requirement = _upw(sentence, minutes=600)

    response = _post(
        client_for(org.manager),
        {
            "requirement": requirement.pk,
            "completed_positively": False,
            "ended_on": "2026-11-20",
            "termination_reason": "other",
            "outcome_notes": "Moved abroad with the court's agreement.",
        },
    )

    assert response.status_code == 201, response.json()
    assert response.json()["termination_reason"] == "other"
    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.TERMINATED


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"completed_positively": True}, "ended_on", "This field is required."),
        ({"ended_on": "2026-11-20"}, "completed_positively", "This field is required."),
        (
            {"completed_positively": True, "ended_on": "2026-11-20", "termination_reason": "bored"},
            "termination_reason",
            '"bored" is not a valid choice.',
        ),
        (
            {"completed_positively": False, "ended_on": "2026-11-20"},
            "termination_reason",
            "Choose why the requirement ended without being completed positively.",
        ),
        (
            {"completed_positively": False, "ended_on": "2026-11-20", "termination_reason": "other"},
            "outcome_notes",
            "Describe why the requirement ended when the reason is \u201cOther\u201d.",
        ),
        (
            {"completed_positively": True, "ended_on": "2026-12-01"},
            "ended_on",
            "The date the requirement ended cannot be in the future.",
        ),
        (
            {"completed_positively": True, "ended_on": "2026-11-20"},
            "completed_positively",
            "12 of 40 hours are still to do: unpaid work is completed positively only when every hour ordered is "
            "done. Credit the hours still to do first, or record the requirement as not completed, with a reason.",
        ),
    ],
)
def test_bad_input_is_400_with_field_messages(org, client_for, sentence, body, field, message):
    requirement = _upw(sentence, hours=40, minutes=28 * 60)

    response = _post(client_for(org.officer), {"requirement": requirement.pk, **body})

    assert response.status_code == 400
    assert response.json()["detail"] == "The request has errors."
    assert response.json()["errors"][field] == [message]
    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.ACTIVE
    assert requirement.history.count() == 1


def test_an_ended_requirement_is_400(org, client_for, sentence):
    requirement = factories.RequirementFactory(sentence=sentence)
    client = client_for(org.officer)
    _post(client, {"requirement": requirement.pk, "completed_positively": True, "ended_on": "2026-11-20"})

    response = _post(
        client,
        {
            "requirement": requirement.pk,
            "completed_positively": False,
            "ended_on": "2026-11-20",
            "termination_reason": "revoked",
        },
    )

    assert response.status_code == 400
    assert response.json()["errors"]["requirement"] == [
        "This requirement already ended on 20 November 2026 (completed). Its outcome cannot be changed."
    ]


@pytest.mark.parametrize("who", ["other_provider_officer", "other_team_officer", "court_user", "upw"])
def test_out_of_scope_is_404_and_changes_nothing(org, client_for, sentence, who):
    requirement = factories.RequirementFactory(sentence=sentence)

    response = _post(
        client_for(getattr(org, who)),
        {"requirement": requirement.pk, "completed_positively": True, "ended_on": "2026-11-20"},
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.ACTIVE


def test_unknown_requirement_is_404(org, client_for):
    response = _post(
        client_for(org.officer), {"requirement": 999999, "completed_positively": True, "ended_on": "2026-11-20"}
    )

    assert response.status_code == 404


# Listing outcomes --------------------------------------------------------------------------------------------


def test_outcomes_list_only_ended_requirements_in_scope(org, client_for, sentence):
    ended = factories.RequirementFactory(sentence=sentence)
    factories.RequirementFactory(sentence=sentence)  # still active
    elsewhere = factories.RequirementFactory(
        sentence=factories.SentenceFactory(case=factories.CaseFactory(responsible_officer=org.other_provider_officer))
    )
    for requirement in (ended, elsewhere):
        Requirement.objects.filter(pk=requirement.pk).update(
            status="completed", ended_on=date(2026, 11, 20), completed_positively=True
        )
    client = client_for(org.officer)

    response = client.get(OUTCOMES)

    assert [row["id"] for row in response.json()["results"]] == [ended.pk]
    assert client.get(f"{OUTCOMES}{ended.pk}/").status_code == 200
    assert client.get(f"{OUTCOMES}{elsewhere.pk}/").status_code == 404
    assert client.get(OUTCOMES, {"completed_positively": "false"}).json()["count"] == 0
    assert client.get(OUTCOMES, {"case": sentence.case_id, "type": "rar"}).json()["count"] == 1
    assert client.get(OUTCOMES, {"crn": "d300001"}).json()["count"] == 1


# The case's delivery -----------------------------------------------------------------------------------------


def _delivery(client, case_id):
    return client.get(f"/api/v1/case-delivery/{case_id}/")


def test_case_delivery_summary(org, client_for, sentence):
    rar = factories.RequirementFactory(sentence=sentence, rar_days_delivered=12, last_rar_activity_on=date(2026, 10, 1))
    upw = _upw(sentence, hours=80, minutes=32 * 60 + 30)
    UnpaidWorkTransfer.objects.create(
        requirement=upw,
        from_provider=org.nps,
        to_provider=org.crc,
        transferred_on=date(2026, 9, 3),
        transferred_by=org.manager,
    )
    programme = factories.RequirementFactory(
        sentence=sentence,
        requirement_type=factories.requirement_type("accredited_programme"),
        programme_name="Thinking Skills Programme",
        sessions=19,
    )
    factories.ProgrammeReferralFactory(
        requirement=programme,
        status=ProgrammeReferral.Status.UNSUITABLE,
        referred_on=date(2026, 10, 1),
        suitability_decided_on=date(2026, 10, 2),
        suitability_notes="Learning needs the group cannot meet.",
        ended_on=date(2026, 10, 2),
    )
    referral = factories.ServiceReferralFactory(
        case=sentence.case, referred_by=org.officer, referred_on=date(2026, 11, 2)
    )

    response = _delivery(client_for(org.officer), sentence.case_id)

    assert response.status_code == 200
    body = response.json()
    assert (body["case"], body["crn"]) == (sentence.case_id, "D300001")
    assert body["sentence"]["id"] == sentence.pk
    rows = {row["id"]: row for row in body["requirements"]}
    assert rows[rar.pk]["kind"] == "rar"
    assert rows[rar.pk]["progress"] == "12 of 20 days delivered"
    assert (
        rows[rar.pk]["rar_days_delivered"],
        rows[rar.pk]["rar_maximum_days"],
        rows[rar.pk]["rar_days_remaining"],
    ) == (12, 20, 8)
    assert rows[rar.pk]["last_rar_activity_on"] == "2026-10-01"
    assert rows[rar.pk]["rar_inactive"] is True
    assert rows[rar.pk]["warnings"] == ["No RAR activity for 4 weeks"]
    assert rows[upw.pk]["progress"] == "32 hours 30 minutes of 80 hours done"
    assert (rows[upw.pk]["unpaid_work_minutes_credited"], rows[upw.pk]["unpaid_work_minutes_ordered"]) == (1950, 4800)
    assert rows[upw.pk]["unpaid_work_passed_to"] == "Stockport CRC"
    assert rows[upw.pk]["unpaid_work_passed_on"] == "2026-09-03"
    assert rows[upw.pk]["rar_days_delivered"] is None
    assert rows[programme.pk]["programme_referral_status"] == "unsuitable"
    assert rows[programme.pk]["no_alternative_plan"] is True
    assert rows[programme.pk]["warnings"] == ["Programme requirement outstanding: no alternative plan"]
    assert rows[programme.pk]["unpaid_work_passed_to"] is None
    assert body["warnings"] == ["No RAR activity for 4 weeks", "Programme requirement outstanding: no alternative plan"]
    assert [row["id"] for row in body["referrals"]] == [referral.pk]
    assert body["referrals"][0]["service_provider"]["name"] == referral.service_provider.name
    assert body["referrals"][0]["referred_by"]["name"] == "Olivia Okafor"


@pytest.mark.parametrize("who", ["other_provider_officer", "other_team_officer", "court_user", "upw"])
def test_case_delivery_out_of_scope_is_404(org, client_for, sentence, who):
    assert _delivery(client_for(getattr(org, who)), sentence.case_id).status_code == 404


@pytest.mark.parametrize("case_id", ["999999", "abc", str(2**64)])
def test_case_delivery_unknown_case_is_404(org, client_for, case_id):
    assert _delivery(client_for(org.officer), case_id).status_code == 404


def test_case_delivery_query_count_is_constant(org, client_for):
    client = client_for(org.officer)

    def case_with(count):
        sentence = factories.SentenceFactory(case=factories.CaseFactory(responsible_officer=org.officer))
        for index in range(count):
            if index % 2:
                _upw(sentence, minutes=index * 60)
            else:
                factories.RequirementFactory(sentence=sentence, rar_days_delivered=index)
            factories.ServiceReferralFactory(case=sentence.case, referred_by=org.officer)
        return sentence.case_id

    counts = []
    for count in (2, 12):
        case_id = case_with(count)
        with CaptureQueriesContext(connection) as captured:
            response = _delivery(client, case_id)
        assert len(response.json()["requirements"]) == count
        counts.append(len(captured))

    # session, user and the session save (5) + case (scoped) + requirements with their progress + referrals
    assert counts == [8, 8]


def test_schema_describes_the_delivery_endpoints(org, client_for):
    schema = client_for(org.officer).get("/api/schema/", {"format": "json"}).json()

    assert {"get", "post"} <= set(schema["paths"]["/api/v1/requirement-outcomes/"])
    assert "get" in schema["paths"]["/api/v1/requirement-outcomes/{id}/"]
    assert (
        set(schema["paths"]["/api/v1/case-delivery/{id}/"]) == {"get", "parameters"}
        or "get" in (schema["paths"]["/api/v1/case-delivery/{id}/"])
    )
    assert "/api/v1/case-delivery/" not in schema["paths"]
