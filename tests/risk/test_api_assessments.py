"""/api/v1/risk/assessments/: RoSH assessments (shared/DOMAIN.md section 4).

Drafts change; a completed assessment never does (a newer one supersedes it); dates cannot be in the future;
every write is historised with the acting user; bad input is a 400 with field messages and nothing changes.
"""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from risk.models import RiskReview, RoshAssessment
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/risk/assessments/"
NARRATIVE = {
    "who_is_at_risk": "His former partner and her two children.",
    "nature_of_risk": "Physical violence and coercive control when drinking.",
    "circumstances_increasing_risk": "Relapse into drinking; contact with the former partner.",
    "plan_supervision": "Weekly appointments; monthly home visits.",
    "plan_contingency": "Recall if he contacts the former partner.",
}
LEVELS = {"risk_to_public": "medium", "risk_to_known_adults": "very_high", "risk_to_children": "high"}


@pytest.fixture
def case(org):
    return factories.CaseFactory(responsible_officer=org.officer, person__crn="R123456")


@pytest.fixture
def client(org, client_for):
    return client_for(org.officer)


def _body(**fields):
    return {"crn": "R123456", "kind": "full", "assessment_date": "2025-06-02", **fields}


def _state(assessment: RoshAssessment) -> dict:
    """Every stored field and the number of history rows: to show nothing changed."""
    stored = RoshAssessment.objects.filter(pk=assessment.pk).values().get()
    return {**stored, "history": assessment.history.count()}


class TestCreate:
    def test_a_draft_by_default(self, org, case, client):
        response = client.post(URL, _body(risk_to_public="high"), content_type="application/json")

        assert response.status_code == 201
        body = response.json()
        assessment = RoshAssessment.objects.get()
        assert body["id"] == assessment.pk
        assert (body["crn"], body["status"], body["kind"]) == ("R123456", "draft", "full")
        assert (body["risk_to_public"], body["risk_to_staff"], body["overall_level"]) == ("high", None, None)
        assert body["created_by"] == {"id": org.officer.pk, "name": "Olivia Okafor"}
        assert body["completed_by"] is None
        assert [record.history_user for record in assessment.history.all()] == [org.officer]

    def test_complete_in_one_step_supersedes_the_current_one_and_closes_reviews(self, org, case, client):
        current = factories.RoshAssessmentFactory(person=case.person, assessment_date=date(2025, 1, 6))
        review = factories.RiskReviewFactory(person=case.person, occurred_on=date(2025, 5, 1))

        response = client.post(
            URL,
            _body(
                complete=True,
                risk_to_staff="low",
                reoffending_tool="ogrs",
                reoffending_score=62.5,
                reoffending_band="medium",
                **LEVELS,
                **NARRATIVE,
            ),  # fmt: skip
            content_type="application/json",
        )

        assert response.status_code == 201
        body = response.json()
        assert (body["status"], body["overall_level"]) == ("completed", "very_high")
        assert body["completed_by"] == {"id": org.officer.pk, "name": "Olivia Okafor"}
        assert body["completed_at"] is not None
        assert (body["reoffending_score"], body["reoffending_band"]) == (62.5, "medium")
        assert body["superseded_by"] is None
        current.refresh_from_db()
        assert current.superseded_by_id == body["id"]
        assert current.history.latest().history_user == org.officer
        review.refresh_from_db()
        assert (review.status, review.closed_by_assessment_id) == (RiskReview.Status.CLOSED, body["id"])
        created = RoshAssessment.objects.get(pk=body["id"])
        assert {record.history_user for record in created.history.all()} == {org.officer}
        assert client.get(f"{URL}{current.pk}/").json()["superseded_by"] == body["id"]

    def test_completing_an_incomplete_assessment_lists_what_is_missing_and_writes_nothing(self, case, client):
        response = client.post(URL, _body(complete=True, risk_to_public="low"), content_type="application/json")

        assert response.status_code == 400
        body = response.json()
        assert body["detail"] == "The request has errors."
        assert body["errors"] == {
            "risk_to_known_adults": ["Choose the level of risk to known adults."],
            "risk_to_children": ["Choose the level of risk to children."],
            "risk_to_staff": ["Choose the level of risk to staff."],
            "who_is_at_risk": ["Enter who is at risk."],
            "nature_of_risk": ["Enter what is the nature of the risk."],
            "circumstances_increasing_risk": ["Enter circumstances that would increase the risk."],
            "plan_supervision": ["Enter risk management plan: supervision."],
            "plan_contingency": ["Enter risk management plan: contingency."],
        }
        assert not RoshAssessment.objects.exists()

    def test_a_screening_needs_less_narrative(self, case, client):
        response = client.post(
            URL,
            _body(
                kind="screening",
                complete=True,
                risk_to_staff="low",
                **LEVELS,
                who_is_at_risk="Former partner",
                nature_of_risk="Violence",
            ),  # fmt: skip
            content_type="application/json",
        )

        assert response.status_code == 201
        assert response.json()["kind"] == "screening"

    def test_a_child_needs_a_safety_and_wellbeing_level_with_reasons(self, org, client):
        child = factories.CaseFactory(responsible_officer=org.officer, person__date_of_birth=date(2010, 4, 1))
        body = _body(crn=child.person.crn, complete=True, risk_to_staff="low", **LEVELS, **NARRATIVE)

        refused = client.post(URL, body, content_type="application/json")
        accepted = client.post(
            URL,
            {
                **body,
                "safety_and_wellbeing_level": "high",
                "safety_and_wellbeing_reasons": "Exploited by a gang.",
                "safeguarding_plan": "Child protection plan since March.",
            },  # fmt: skip
            content_type="application/json",
        )

        assert refused.status_code == 400
        assert set(refused.json()["errors"]) == {"safety_and_wellbeing_level", "safety_and_wellbeing_reasons"}
        assert accepted.status_code == 201
        assert accepted.json()["safety_and_wellbeing_level"] == "high"
        assert RoshAssessment.objects.count() == 1

    def test_a_future_date_is_refused(self, case, client):
        tomorrow = timezone.localdate() + timedelta(days=1)

        response = client.post(URL, _body(assessment_date=tomorrow.isoformat()), content_type="application/json")

        assert response.status_code == 400
        assert response.json()["errors"] == {"assessment_date": ["The assessment date must be today or in the past."]}
        assert not RoshAssessment.objects.exists()

    def test_before_the_current_assessment_is_refused(self, case, client):
        factories.RoshAssessmentFactory(person=case.person, assessment_date=date(2025, 6, 10))

        response = client.post(
            URL, _body(complete=True, risk_to_staff="low", **LEVELS, **NARRATIVE), content_type="application/json"
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "assessment_date": ["The assessment date cannot be before the current assessment's (10 June 2025)."]
        }
        assert RoshAssessment.objects.count() == 1

    @pytest.mark.parametrize("level", [4, "4", "extreme", "Very high"])
    def test_levels_are_names(self, case, client, level):
        response = client.post(URL, _body(risk_to_public=level), content_type="application/json")

        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["risk_to_public"]
        assert not RoshAssessment.objects.exists()

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"kind": "gut_feeling"}, "kind"),
            ({"assessment_date": "yesterday"}, "assessment_date"),
            ({"reoffending_score": 100.5}, "reoffending_score"),
            ({"reoffending_band": "enormous"}, "reoffending_band"),
            ({"crn": ""}, "crn"),
        ],
    )
    def test_bad_fields(self, case, client, fields, field):
        response = client.post(URL, _body(**fields), content_type="application/json")

        assert response.status_code == 400
        assert list(response.json()["errors"]) == [field]
        assert not RoshAssessment.objects.exists()

    def test_required_fields(self, client):
        response = client.post(URL, {}, content_type="application/json")

        assert response.status_code == 400
        assert response.json()["errors"] == {
            field: ["This field is required."] for field in ("kind", "assessment_date", "crn")
        }

    def test_a_second_draft_is_refused(self, case, client):
        factories.RoshAssessmentFactory(person=case.person, draft=True)

        response = client.post(URL, _body(), content_type="application/json")

        assert response.status_code == 400
        # A model-wide (constraint) error is named as DRF names it, never "__all__".
        assert response.json()["errors"] == {
            "non_field_errors": ["This person already has a draft assessment: finish or continue that one."]
        }
        assert RoshAssessment.objects.count() == 1

    def test_an_unknown_crn_is_404(self, client):
        response = client.post(URL, _body(crn="Z999999"), content_type="application/json")

        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}

    def test_the_crn_is_case_insensitive(self, case, client):
        assert client.post(URL, _body(crn="r123456"), content_type="application/json").status_code == 201


class TestChangeDraft:
    def test_changes_a_draft_with_history(self, org, case, client, client_for):
        draft = factories.RoshAssessmentFactory(person=case.person, draft=True, risk_to_public=None)

        response = client_for(org.colleague).patch(
            f"{URL}{draft.pk}/",
            {"risk_to_public": "high", "plan_restrictions": "Exclusion zone: Moss Side."},
            content_type="application/json",
        )

        assert response.status_code == 200
        assert (response.json()["risk_to_public"], response.json()["status"]) == ("high", "draft")
        draft.refresh_from_db()
        assert (draft.risk_to_public, draft.plan_restrictions) == (3, "Exclusion zone: Moss Side.")
        latest = draft.history.latest()
        assert (latest.history_user, latest.history_change_reason) == (org.colleague, "Draft changed")

    def test_a_level_can_be_cleared(self, case, client):
        draft = factories.RoshAssessmentFactory(person=case.person, draft=True)

        response = client.patch(f"{URL}{draft.pk}/", {"risk_to_staff": None}, content_type="application/json")

        assert response.status_code == 200
        assert response.json()["risk_to_staff"] is None

    def test_a_completed_assessment_cannot_change(self, case, client):
        completed = factories.RoshAssessmentFactory(person=case.person)
        before = _state(completed)

        response = client.patch(f"{URL}{completed.pk}/", {"risk_to_public": "low"}, content_type="application/json")

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "non_field_errors": [
                "This assessment was completed and cannot be changed. Start a new assessment (a review) instead."
            ]
        }
        assert _state(completed) == before

    def test_a_future_date_is_refused(self, case, client):
        draft = factories.RoshAssessmentFactory(person=case.person, draft=True)
        before = _state(draft)
        tomorrow = timezone.localdate() + timedelta(days=1)

        response = client.patch(
            f"{URL}{draft.pk}/", {"assessment_date": tomorrow.isoformat()}, content_type="application/json"
        )

        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["assessment_date"]
        assert _state(draft) == before

    @pytest.mark.parametrize("method", ["put", "delete"])
    def test_no_replace_or_delete(self, case, client, method):
        assessment = factories.RoshAssessmentFactory(person=case.person, draft=True)

        response = getattr(client, method)(f"{URL}{assessment.pk}/", {}, content_type="application/json")

        assert response.status_code == 405
        assert RoshAssessment.objects.filter(pk=assessment.pk).exists()


class TestCompleteAction:
    def test_completes_a_draft(self, org, case, client):
        draft = factories.RoshAssessmentFactory(person=case.person, draft=True, risk_to_children=3)

        response = client.post(f"{URL}{draft.pk}/complete/")

        assert response.status_code == 200
        body = response.json()
        assert (body["status"], body["overall_level"]) == ("completed", "high")
        assert body["completed_by"] == {"id": org.officer.pk, "name": "Olivia Okafor"}
        draft.refresh_from_db()
        assert draft.is_completed
        latest = draft.history.latest()
        assert (latest.history_user, latest.history_change_reason) == (org.officer, "Assessment completed")

    def test_an_incomplete_draft_lists_the_missing_fields(self, case, client):
        draft = factories.RoshAssessmentFactory(
            person=case.person, draft=True, risk_to_staff=None, plan_contingency="", nature_of_risk=""
        )
        before = _state(draft)

        response = client.post(f"{URL}{draft.pk}/complete/")

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "risk_to_staff": ["Choose the level of risk to staff."],
            "nature_of_risk": ["Enter what is the nature of the risk."],
            "plan_contingency": ["Enter risk management plan: contingency."],
        }
        assert _state(draft) == before

    def test_completing_twice_is_refused(self, case, client):
        completed = factories.RoshAssessmentFactory(person=case.person)
        before = _state(completed)

        response = client.post(f"{URL}{completed.pk}/complete/")

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "non_field_errors": ["This assessment is already completed and cannot be changed."]
        }
        assert _state(completed) == before

    def test_a_draft_dated_in_the_future_cannot_be_completed(self, case, client_for):
        draft = factories.RoshAssessmentFactory(person=case.person, draft=True, assessment_date=date(2025, 6, 10))
        before = _state(draft)

        with time_machine.travel(date(2025, 6, 9), tick=False):
            response = client_for(case.responsible_officer).post(f"{URL}{draft.pk}/complete/")

        assert response.status_code == 400
        assert response.json()["errors"] == {"assessment_date": ["The assessment date must be today or in the past."]}
        assert _state(draft) == before


class TestRead:
    def test_detail(self, org, case, client):
        assessment = factories.RoshAssessmentFactory(
            person=case.person,
            created_by=org.colleague,
            assessment_date=date(2025, 6, 2),
            risk_to_children=4,
            reoffending_tool="ogp",
            reoffending_score="48.50",
            reoffending_band="low",
        )

        body = client.get(f"{URL}{assessment.pk}/").json()

        assert body == {
            "id": assessment.pk,
            "crn": "R123456",
            "kind": "full",
            "status": "completed",
            "assessment_date": "2025-06-02",
            "risk_to_public": "medium",
            "risk_to_known_adults": "low",
            "risk_to_children": "very_high",
            "risk_to_staff": "low",
            "overall_level": "very_high",
            "who_is_at_risk": "Former partner",
            "nature_of_risk": "Physical violence when drinking",
            "circumstances_increasing_risk": "Relapse into heavy drinking; contact with the former partner",
            "plan_supervision": "Weekly appointments; home visits monthly",
            "plan_interventions": "",
            "plan_restrictions": "",
            "plan_victim_safety": "",
            "plan_contingency": "Breach proceedings and police referral if contact is made",
            "reoffending_tool": "ogp",
            "reoffending_score": 48.5,
            "reoffending_band": "low",
            "safety_and_wellbeing_level": None,
            "safety_and_wellbeing_reasons": "",
            "safeguarding_plan": "",
            "created_by": {"id": org.colleague.pk, "name": "Colin Cartwright"},
            "created_at": body["created_at"],
            "completed_by": {"id": org.colleague.pk, "name": "Colin Cartwright"},
            "completed_at": body["completed_at"],
            "superseded_by": None,
        }

    def test_newest_first(self, org, client):
        for day in (date(2024, 3, 1), date(2025, 3, 1), date(2023, 3, 1)):
            factories.RoshAssessmentFactory(
                person=factories.CaseFactory(responsible_officer=org.officer).person, assessment_date=day
            )

        body = client.get(URL).json()

        assert [row["assessment_date"] for row in body["results"]] == ["2025-03-01", "2024-03-01", "2023-03-01"]

    def test_filters(self, org, case, client):
        current = factories.RoshAssessmentFactory(person=case.person, kind="review", assessment_date=date(2025, 1, 1))
        old = factories.RoshAssessmentFactory(
            person=case.person, assessment_date=date(2024, 1, 1), superseded_by=current
        )
        draft = factories.RoshAssessmentFactory(person=case.person, draft=True, kind="review")
        other = factories.RoshAssessmentFactory(person=factories.CaseFactory(responsible_officer=org.officer).person)

        def ids(**params):
            return [row["id"] for row in client.get(URL, params).json()["results"]]

        assert ids(crn="r123456") == [draft.pk, current.pk, old.pk]
        assert ids(status="draft") == [draft.pk]
        assert ids(kind="review", status="completed") == [current.pk]
        assert ids(kind="full") == [other.pk, old.pk]
        assert client.get(URL, {"status": "signed"}).status_code == 400
