"""API for sentence plans, objectives, reviews and resettlement plans (cases.api.plans)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.models import AccessRecord, Disposal, Person, PlanReview, ResettlementPlan, SentencePlan
from cases.services import plans as services
from tests import factories
from timeliness.models import Clock

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
PLANS = "/api/v1/sentence-plans/"
OBJECTIVES = "/api/v1/plan-objectives/"
RESETTLEMENT = "/api/v1/resettlement-plans/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def sentence_for(officer, *, gender=Person.Gender.MALE, **kwargs):
    case = factories.CaseFactory(responsible_officer=officer, person__gender=gender)
    return factories.SentenceFactory(case=case, **kwargs)


def custody_for(officer):
    return sentence_for(
        officer, disposal=Disposal.CUSTODY, expected_release_date=date(2027, 5, 2), end_date=date(2027, 11, 2)
    )


def ready(officer, **kwargs):
    sentence = sentence_for(officer, **kwargs)
    plan = services.plan_start(by=officer, case=sentence.case)
    services.plan_update(by=officer, plan=plan, strengths="Good at football", involvement="yes")
    services.objective_add(
        by=officer,
        plan=plan,
        need_area="lifestyle",
        description="Join a local team",
        who_delivers="Person with the officer",
        target_date=date(2027, 1, 31),
    )
    plan.refresh_from_db()
    return plan


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


class TestReading:
    def test_list_is_scoped_and_carries_objectives(self, org, client_for):
        mine = ready(org.officer)
        ready(org.other_provider_officer)

        response = client_for(org.officer).get(PLANS)

        assert response.status_code == 200
        body = response.json()
        assert [plan["id"] for plan in body["results"]] == [mine.pk]
        result = body["results"][0]
        assert (result["status"], result["case"], result["crn"]) == ("draft", mine.case_id, mine.case.person.crn)
        assert [(o["need_area"], o["status"]) for o in result["objectives"]] == [("lifestyle", "not_started")]

    def test_retrieve_out_of_scope_is_404(self, org, client_for):
        plan = ready(org.officer)

        response = client_for(org.other_provider_officer).get(f"{PLANS}{plan.pk}/")

        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}

    def test_opening_a_restricted_persons_plan_writes_an_access_record(self, org, client_for):
        plan = ready(org.officer)
        factories.PersonAccessLimitFactory(person=plan.case.person, user=org.officer, kind="restriction")

        assert client_for(org.officer).get(f"{PLANS}{plan.pk}/").status_code == 200

        assert AccessRecord.objects.filter(person=plan.case.person, user=org.officer).count() == 1

    def test_filter_by_case_and_status(self, org, client_for):
        first = ready(org.officer)
        ready(org.officer)
        client = client_for(org.officer)

        assert [p["id"] for p in client.get(PLANS, {"case": first.case_id}).json()["results"]] == [first.pk]
        assert client.get(PLANS, {"status": "completed"}).json()["count"] == 0


class TestWriting:
    def test_start_change_add_objective_and_complete(self, org, client_for):
        sentence = sentence_for(org.officer, gender=Person.Gender.FEMALE)
        client = client_for(org.officer)

        created = post(client, PLANS, {"case": sentence.case_id})
        assert created.status_code == 201, created.json()
        plan_id = created.json()["id"]

        changed = patch(
            client,
            f"{PLANS}{plan_id}/",
            {
                "strengths": "Caring for her children",
                "involvement": "yes",
                "female_officer_offered": True,
                "women_only_setting_offered": True,
            },
        )
        assert changed.status_code == 200, changed.json()
        assert changed.json()["female_officer_offered"] is True

        objective = post(
            client,
            f"{PLANS}{plan_id}/objectives/",
            {
                "need_area": "finance",
                "description": "Budget for rent",
                "who_delivers": "Money advice service",
                "target_date": "2027-02-01",
            },
        )
        assert objective.status_code == 201, objective.json()
        assert client.get(f"{PLANS}{plan_id}/objectives/").json()[0]["description"] == "Budget for rent"

        completed = post(client, f"{PLANS}{plan_id}/complete/", {"completed_on": "2026-11-25"})
        assert completed.status_code == 200, completed.json()
        assert completed.json()["status"] == "completed"
        assert completed.json()["completed_by"]["id"] == org.officer.pk
        plan = SentencePlan.objects.get(pk=plan_id)
        assert plan.history.first().history_user == org.officer

    def test_complete_lists_each_missing_item(self, org, client_for):
        sentence = sentence_for(org.officer, gender=Person.Gender.FEMALE)
        plan = services.plan_start(by=org.officer, case=sentence.case)

        response = post(client_for(org.officer), f"{PLANS}{plan.pk}/complete/", {"completed_on": "2026-11-26"})

        assert response.status_code == 400
        errors = response.json()["errors"]
        assert set(errors) == {
            "objectives",
            "strengths",
            "involvement",
            "female_officer_offered",
            "women_only_setting_offered",
            "completed_on",
        }
        assert errors["completed_on"] == ["The completion date must be today or in the past."]
        assert SentencePlan.objects.get(pk=plan.pk).status == "draft"

    def test_completing_stops_the_plan_clock(self, org, client_for):
        plan = ready(org.officer)
        clock = factories.ClockFactory(
            service_level="NPS SL005R",
            subject=f"sentence:{plan.sentence_id}",
            case=plan.case,
            started_on=date(2026, 11, 9),
            due_on=date(2026, 11, 23),
        )

        post(client_for(org.officer), f"{PLANS}{plan.pk}/complete/", {"completed_on": "2026-11-25"})

        clock.refresh_from_db()
        assert (clock.status, clock.stopped_on) == (Clock.Status.MISSED, TODAY)

    def test_objective_rule_is_400_with_field_message(self, org, client_for):
        plan = ready(org.officer)

        response = post(
            client_for(org.officer),
            f"{PLANS}{plan.pk}/objectives/",
            {"need_area": "finance", "description": "x", "who_delivers": "y", "target_date": "2028-01-01"},
        )

        assert response.status_code == 400
        assert response.json() == {
            "detail": "The request has errors.",
            "errors": {"target_date": ["The target date cannot be after the sentence ends (2 November 2027)."]},
        }
        assert plan.objectives.count() == 1

    def test_change_an_objective(self, org, client_for):
        plan = ready(org.officer)
        objective = plan.objectives.get()
        client = client_for(org.officer)

        response = patch(client, f"{OBJECTIVES}{objective.pk}/", {"who_delivers": "Community sports trust"})

        assert response.status_code == 200, response.json()
        objective.refresh_from_db()
        assert objective.who_delivers == "Community sports trust"
        assert client_for(org.other_provider_officer).get(f"{OBJECTIVES}{objective.pk}/").status_code == 404

    def test_second_draft_is_400(self, org, client_for):
        plan = ready(org.officer)

        response = post(client_for(org.officer), PLANS, {"case": plan.case_id})

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "case": ["This sentence already has a draft plan. Carry on with the draft instead."]
        }

    def test_case_out_of_scope_is_404(self, org, client_for):
        sentence = sentence_for(org.other_provider_officer)

        response = post(client_for(org.officer), PLANS, {"case": sentence.case_id})

        assert response.status_code == 404
        assert SentencePlan.objects.count() == 0

    def test_roles_that_may_not_write_get_403(self, org, client_for):
        admin = factories.AdministratorFactory(team=org.team_a)
        plan = ready(org.officer)
        client = client_for(admin)

        assert client.get(f"{PLANS}{plan.pk}/").status_code == 200
        assert post(client, f"{PLANS}{plan.pk}/complete/", {"completed_on": "2026-11-25"}).status_code == 403
        assert SentencePlan.objects.get(pk=plan.pk).status == "draft"

    def test_review(self, org, client_for):
        plan = ready(org.officer)
        services.plan_complete(by=org.officer, plan=plan, completed_on=date(2026, 11, 20))
        objective = plan.objectives.get()
        client = client_for(org.officer)

        bad = post(
            client,
            f"{PLANS}{plan.pk}/reviews/",
            {"reviewed_on": "2026-11-25", "summary": "Review", "person_involved": True, "progress": []},
        )
        assert bad.status_code == 400
        assert bad.json()["errors"] == {f"objective_{objective.pk}": ["Choose the progress on “Join a local team”."]}
        assert PlanReview.objects.count() == 0

        response = post(
            client,
            f"{PLANS}{plan.pk}/reviews/",
            {
                "reviewed_on": "2026-11-25",
                "summary": "Training twice a week",
                "person_involved": True,
                "progress": [{"objective": objective.pk, "status": "achieved", "notes": "Signed up"}],
            },
        )

        assert response.status_code == 201, response.json()
        assert response.json()["progress"] == [{"objective": objective.pk, "status": "achieved", "notes": "Signed up"}]
        assert response.json()["reviewed_by"]["id"] == org.officer.pk
        assert client.get(f"{PLANS}{plan.pk}/reviews/").json()[0]["summary"] == "Training twice a week"
        objective.refresh_from_db()
        assert objective.status == "achieved"


class TestResettlement:
    def test_screening_then_plan_with_the_crc_clock(self, org, client_for):
        sentence = custody_for(org.other_provider_officer)
        client = client_for(org.other_provider_officer)

        screened = post(
            client, RESETTLEMENT, {"case": sentence.case_id, "screened_on": "2026-11-16", "screening_needs": "Debts"}
        )
        assert screened.status_code == 201, screened.json()
        assert Clock.objects.get(case=sentence.case).due_on == date(2026, 11, 23)

        plan_id = screened.json()["id"]
        missing = post(client, f"{RESETTLEMENT}{plan_id}/complete/", {"completed_on": "2026-11-20"})
        assert missing.status_code == 400
        assert set(missing.json()["errors"]) == {"accommodation_on_release", "money_on_release", "links_to_services"}

        done = post(
            client,
            f"{RESETTLEMENT}{plan_id}/complete/",
            {
                "completed_on": "2026-11-20",
                "accommodation_on_release": "temporary",
                "money_on_release": "Discharge grant and benefit claim",
                "links_to_services": "Mental health team",
            },
        )
        assert done.status_code == 200, done.json()
        assert done.json()["status"] == "completed"
        assert Clock.objects.get(case=sentence.case).status == Clock.Status.MET
        assert ResettlementPlan.objects.get(pk=plan_id).history.first().history_user == org.other_provider_officer

    def test_screening_for_a_community_sentence_is_400(self, org, client_for):
        sentence = sentence_for(org.officer)

        response = post(
            client_for(org.officer),
            RESETTLEMENT,
            {"case": sentence.case_id, "screened_on": "2026-11-16", "screening_needs": "Debts"},
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "case": ["Custody screening is for a case whose current sentence is custodial."]
        }

    def test_scoped(self, org, client_for):
        sentence = custody_for(org.officer)
        plan = services.custody_screening_record(
            by=org.officer, case=sentence.case, screened_on=date(2026, 11, 16), screening_needs="Debts"
        )

        assert client_for(org.officer).get(RESETTLEMENT).json()["count"] == 1
        assert client_for(org.other_provider_officer).get(RESETTLEMENT).json()["count"] == 0
        assert client_for(org.other_provider_officer).get(f"{RESETTLEMENT}{plan.pk}/").status_code == 404


def test_the_endpoints_are_in_the_schema(org, client_for):
    schema = client_for(org.officer).get("/api/schema/", HTTP_ACCEPT="application/json")
    text = schema.content.decode()

    for path in (
        "/api/v1/sentence-plans/",
        "/api/v1/sentence-plans/{id}/complete/",
        "/api/v1/sentence-plans/{id}/objectives/",
        "/api/v1/sentence-plans/{id}/reviews/",
        "/api/v1/plan-objectives/{id}/",
        "/api/v1/resettlement-plans/",
        "/api/v1/resettlement-plans/{id}/complete/",
    ):
        assert path in text
