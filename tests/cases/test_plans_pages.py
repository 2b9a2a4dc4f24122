"""Pages for sentence plans, reviews and resettlement plans (cases.views.plans)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import (
    AccessRecord,
    Disposal,
    Person,
    PlanObjective,
    PlanReview,
    ResettlementPlan,
    SentencePlan,
)
from cases.services import plans as services
from tests import factories
from timeliness.models import Clock

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def sentence_for(officer, *, gender=Person.Gender.MALE, **kwargs):
    case = factories.CaseFactory(responsible_officer=officer, person__gender=gender, person__first_name="Robin")
    return factories.SentenceFactory(case=case, **kwargs)


def draft(officer, **kwargs):
    sentence = sentence_for(officer, **kwargs)
    return services.plan_start(by=officer, case=sentence.case)


def ready(officer, **kwargs):
    plan = draft(officer, **kwargs)
    services.plan_update(by=officer, plan=plan, strengths="Close to his sister", involvement="yes")
    services.objective_add(
        by=officer,
        plan=plan,
        need_area="alcohol_misuse",
        description="Cut down drinking",
        who_delivers="Alcohol service",
        target_date=date(2027, 1, 10),
    )
    plan.refresh_from_db()
    return plan


def completed(officer, **kwargs):
    plan = ready(officer, **kwargs)
    services.plan_complete(by=officer, plan=plan, completed_on=date(2026, 11, 20))
    plan.refresh_from_db()
    return plan


def date_post(name: str, value: date) -> dict:
    return {f"{name}-day": value.day, f"{name}-month": value.month, f"{name}-year": value.year}


def error_summary(response) -> str:
    content = response.content.decode()
    assert 'class="govuk-error-summary"' in content
    start = content.index('class="govuk-error-summary"')
    return content[start : content.index("</ul>", start)]


# The plan tab ------------------------------------------------------------------------------------------------


class TestPlanTab:
    def test_no_plan_yet_offers_to_start_one(self, org, client_for):
        sentence = sentence_for(org.officer)

        response = client_for(org.officer).get(reverse("cases:case_plan", args=[sentence.case_id]))

        assert response.status_code == 200
        content = response.content.decode()
        assert 'data-testid="no-plan"' in content
        assert reverse("cases:plan_new", args=[sentence.case_id]) in content

    def test_no_current_sentence(self, org, client_for):
        case = factories.CaseFactory(responsible_officer=org.officer)

        response = client_for(org.officer).get(reverse("cases:case_plan", args=[case.pk]))

        assert response.status_code == 200
        assert "This case has no current sentence" in response.content.decode()

    def test_shows_the_plan_grouped_by_need_area(self, org, client_for):
        plan = ready(org.officer)
        services.objective_add(
            by=org.officer,
            plan=plan,
            need_area="accommodation",
            description="Find a flat",
            who_delivers="Housing options team",
            target_date=date(2027, 3, 1),
        )
        services.plan_update(by=org.officer, plan=plan, diversity_needs="Reads little English")

        response = client_for(org.officer).get(reverse("cases:case_plan", args=[plan.case_id]))

        content = response.content.decode()
        # Need areas in the order of the twelve: accommodation first although its target date is later.
        assert content.index("<caption") < content.index(">Accommodation<") < content.index(">Alcohol misuse<")
        for text in ("Find a flat", "Housing options team", "1 Mar 2027", "Cut down drinking", "Not started"):
            assert text in content
        assert "Close to his sister" in content
        assert "Yes, meaningfully involved" in content
        assert "Reads little English" in content
        assert "Draft" in content
        assert reverse("cases:plan_complete", args=[plan.pk]) in content
        assert "Offered a female officer" not in content

    def test_womens_offers_show_for_a_woman(self, org, client_for):
        plan = draft(org.officer, gender=Person.Gender.FEMALE)
        services.plan_update(by=org.officer, plan=plan, female_officer_offered=True, women_only_setting_offered=False)

        content = client_for(org.officer).get(reverse("cases:case_plan", args=[plan.case_id])).content.decode()

        assert "Offered a female officer" in content
        assert "Offered a women-only setting" in content

    def test_reviews_with_progress_and_past_plans(self, org, client_for):
        plan = completed(org.officer)
        objective = plan.objectives.get()
        services.plan_review_record(
            by=org.colleague,
            plan=plan,
            reviewed_on=TODAY,
            summary="Drinking less at weekends",
            person_involved=True,
            progress={objective.pk: {"status": "in_progress", "notes": "Two dry weeks"}},
        )
        services.plan_start(by=org.officer, case=plan.case)

        content = client_for(org.officer).get(reverse("cases:case_plan", args=[plan.case_id])).content.decode()

        assert 'data-testid="past-plan"' in content
        assert "Review on 25 November 2026 by Colin Cartwright" in content
        assert "Drinking less at weekends" in content
        assert "Two dry weeks" in content
        assert "In progress" in content

    def test_completed_plan_offers_a_review(self, org, client_for):
        plan = completed(org.officer)

        content = client_for(org.officer).get(reverse("cases:case_plan", args=[plan.case_id])).content.decode()

        assert reverse("cases:plan_review_new", args=[plan.pk]) in content
        assert f'href="{reverse("cases:plan_edit", args=[plan.pk])}"' not in content

    def test_custody_case_shows_the_resettlement_section(self, org, client_for):
        sentence = sentence_for(
            org.officer, disposal=Disposal.CUSTODY, expected_release_date=date(2027, 5, 2), end_date=date(2027, 11, 2)
        )
        url = reverse("cases:case_plan", args=[sentence.case_id])
        client = client_for(org.officer)

        assert reverse("cases:custody_screening_new", args=[sentence.case_id]) in client.get(url).content.decode()

        plan = services.custody_screening_record(
            by=org.officer, case=sentence.case, screened_on=date(2026, 11, 16), screening_needs="No address"
        )
        content = client.get(url).content.decode()
        assert "No address" in content
        assert reverse("cases:resettlement_plan_complete", args=[plan.pk]) in content

    def test_community_case_has_no_resettlement_section(self, org, client_for):
        sentence = sentence_for(org.officer)

        content = client_for(org.officer).get(reverse("cases:case_plan", args=[sentence.case_id])).content.decode()

        assert 'id="resettlement"' not in content

    def test_out_of_scope_is_404(self, org, client_for):
        plan = ready(org.officer)

        for user in (org.other_provider_officer, org.other_team_officer, org.court_user, org.upw):
            assert client_for(user).get(reverse("cases:case_plan", args=[plan.case_id])).status_code == 404

    def test_restricted_person_writes_an_access_record(self, org, client_for):
        plan = ready(org.officer)
        factories.PersonAccessLimitFactory(person=plan.case.person, user=org.officer, kind="restriction")

        client_for(org.officer).get(reverse("cases:case_plan", args=[plan.case_id]))

        assert AccessRecord.objects.filter(person=plan.case.person, user=org.officer).count() == 1

    def test_a_viewer_who_may_not_write_sees_no_buttons(self, org, client_for):
        admin = factories.AdministratorFactory(team=org.team_a)
        plan = ready(org.officer)

        response = client_for(admin).get(reverse("cases:case_plan", args=[plan.case_id]))

        assert response.status_code == 200
        assert reverse("cases:plan_complete", args=[plan.pk]) not in response.content.decode()


# Starting and editing a draft --------------------------------------------------------------------------------


class TestStartAndEdit:
    def test_start_a_draft(self, org, client_for):
        sentence = sentence_for(org.officer)
        client = client_for(org.officer)
        url = reverse("cases:plan_new", args=[sentence.case_id])
        assert client.get(url).status_code == 200

        response = client.post(url)

        plan = SentencePlan.objects.get(case=sentence.case)
        assert response.status_code == 302
        assert response["Location"] == reverse("cases:plan_edit", args=[plan.pk])
        assert plan.history.first().history_user == org.officer

    def test_second_draft_is_refused_with_an_error_summary(self, org, client_for):
        plan = draft(org.officer)

        response = client_for(org.officer).post(reverse("cases:plan_new", args=[plan.case_id]))

        assert response.status_code == 400
        assert "This sentence already has a draft plan" in error_summary(response)
        assert SentencePlan.objects.count() == 1

    def test_edit_the_draft(self, org, client_for):
        plan = draft(org.officer)

        response = client_for(org.colleague).post(
            reverse("cases:plan_edit", args=[plan.pk]),
            {
                "strengths": "Keen to work",
                "involvement": "not_involved",
                "involvement_details": "Seen only by video; plan agreed next time",
                "diversity_needs": "",
                "barriers_to_engagement": "Shift work",
            },
        )

        assert response.status_code == 302
        assert response["Location"] == reverse("cases:case_plan", args=[plan.case_id])
        plan.refresh_from_db()
        assert (plan.strengths, plan.involvement, plan.barriers_to_engagement) == (
            "Keen to work",
            "not_involved",
            "Shift work",
        )
        assert plan.history.first().history_user == org.colleague

    def test_bad_input_is_400_and_changes_nothing(self, org, client_for):
        plan = draft(org.officer)

        response = client_for(org.officer).post(
            reverse("cases:plan_edit", args=[plan.pk]),
            {"strengths": "Keen to work", "involvement": "would_not_engage", "involvement_details": ""},
        )

        assert response.status_code == 400
        assert services.NOT_INVOLVED_DETAILS_MESSAGE in error_summary(response)
        plan.refresh_from_db()
        assert plan.strengths == ""

    def test_womens_questions_only_for_women(self, org, client_for):
        man = draft(org.officer, gender=Person.Gender.MALE)
        woman = draft(org.officer, gender=Person.Gender.FEMALE)
        client = client_for(org.officer)

        assert "female_officer_offered" not in client.get(reverse("cases:plan_edit", args=[man.pk])).content.decode()
        content = client.get(reverse("cases:plan_edit", args=[woman.pk])).content.decode()
        assert 'name="female_officer_offered"' in content
        assert 'name="women_only_setting_offered"' in content

        client.post(
            reverse("cases:plan_edit", args=[woman.pk]),
            {"female_officer_offered": "yes", "women_only_setting_offered": "no"},
        )
        woman.refresh_from_db()
        assert (woman.female_officer_offered, woman.women_only_setting_offered) == (True, False)

    def test_a_completed_plan_cannot_be_edited(self, org, client_for):
        plan = completed(org.officer)

        response = client_for(org.officer).post(reverse("cases:plan_edit", args=[plan.pk]), {"strengths": "New"})

        assert response.status_code == 400
        assert services.COMPLETED_PLAN_MESSAGE in response.content.decode()
        plan.refresh_from_db()
        assert plan.strengths == "Close to his sister"

    def test_staff_who_may_not_write_get_403(self, org, client_for):
        admin = factories.AdministratorFactory(team=org.team_a)
        plan = draft(org.officer)

        assert client_for(admin).get(reverse("cases:plan_edit", args=[plan.pk])).status_code == 403
        assert client_for(admin).post(reverse("cases:plan_new", args=[plan.case_id])).status_code == 403

    def test_out_of_scope_is_404(self, org, client_for):
        plan = draft(org.officer)
        objective = factories.PlanObjectiveFactory(plan=plan)
        client = client_for(org.other_provider_manager)

        for url in (
            reverse("cases:plan_new", args=[plan.case_id]),
            reverse("cases:plan_edit", args=[plan.pk]),
            reverse("cases:objective_new", args=[plan.pk]),
            reverse("cases:objective_edit", args=[objective.pk]),
            reverse("cases:plan_complete", args=[plan.pk]),
            reverse("cases:plan_review_new", args=[plan.pk]),
            reverse("cases:custody_screening_new", args=[plan.case_id]),
        ):
            assert client.get(url).status_code == 404, url
            assert client.post(url).status_code == 404, url


# Objectives --------------------------------------------------------------------------------------------------


class TestObjectivePages:
    def test_add(self, org, client_for):
        plan = draft(org.officer)

        response = client_for(org.officer).post(
            reverse("cases:objective_new", args=[plan.pk]),
            {
                "need_area": "education_training_employment",
                "description": "Start a forklift course",
                "actions": "",
                "who_delivers": "Employment adviser",
                **date_post("target_date", date(2027, 4, 1)),
            },
        )

        assert response.status_code == 302
        objective = plan.objectives.get()
        assert (objective.need_area, objective.target_date) == ("education_training_employment", date(2027, 4, 1))

    def test_add_bad_input_is_400(self, org, client_for):
        plan = draft(org.officer)

        response = client_for(org.officer).post(
            reverse("cases:objective_new", args=[plan.pk]),
            {
                "need_area": "accommodation",
                "description": "Find a flat",
                "who_delivers": "",
                **date_post("target_date", date(2028, 1, 1)),
            },
        )

        assert response.status_code == 400
        summary = error_summary(response)
        assert "Enter who will do it" in summary
        assert "The target date cannot be after the sentence ends (2 November 2027)." not in summary  # form first
        assert PlanObjective.objects.count() == 0

    def test_service_rule_shows_on_the_field(self, org, client_for):
        plan = draft(org.officer)

        response = client_for(org.officer).post(
            reverse("cases:objective_new", args=[plan.pk]),
            {
                "need_area": "accommodation",
                "description": "Find a flat",
                "who_delivers": "Housing",
                **date_post("target_date", date(2028, 1, 1)),
            },
        )

        assert response.status_code == 400
        assert "The target date cannot be after the sentence ends (2 November 2027)." in error_summary(response)
        assert "#id_target_date-day" in error_summary(response)

    def test_edit(self, org, client_for):
        plan = ready(org.officer)
        objective = plan.objectives.get()
        client = client_for(org.officer)
        url = reverse("cases:objective_edit", args=[objective.pk])
        assert "Cut down drinking" in client.get(url).content.decode()

        response = client.post(
            url,
            {
                "need_area": "alcohol_misuse",
                "description": "Drink within safe limits",
                "who_delivers": "Alcohol service",
                **date_post("target_date", date(2027, 2, 1)),
            },
        )

        assert response.status_code == 302
        objective.refresh_from_db()
        assert objective.description == "Drink within safe limits"


# Completing --------------------------------------------------------------------------------------------------


class TestCompletePage:
    def test_check_your_answers_then_confirm(self, org, client_for):
        plan = ready(org.officer)
        clock = factories.ClockFactory(
            service_level="NPS SL005R",
            subject=f"sentence:{plan.sentence_id}",
            case=plan.case,
            started_on=date(2026, 11, 16),
            due_on=date(2026, 11, 30),
        )
        client = client_for(org.officer)
        url = reverse("cases:plan_complete", args=[plan.pk])

        page = client.get(url)
        assert page.status_code == 200
        content = page.content.decode()
        assert 'data-testid="check-answers"' in content
        assert "Close to his sister" in content and "Cut down drinking" in content

        response = client.post(url, date_post("completed_on", TODAY))

        assert response.status_code == 302
        plan.refresh_from_db()
        assert (plan.status, plan.completed_on, plan.completed_by) == ("completed", TODAY, org.officer)
        clock.refresh_from_db()
        assert clock.status == Clock.Status.MET

    def test_missing_items_each_listed_and_linked(self, org, client_for):
        plan = draft(org.officer, gender=Person.Gender.FEMALE)

        response = client_for(org.officer).post(
            reverse("cases:plan_complete", args=[plan.pk]), date_post("completed_on", TODAY)
        )

        assert response.status_code == 400
        summary = error_summary(response)
        for message in (
            "Add at least one objective.",
            "Enter the person&#x27;s strengths and protective factors.",
            "Say whether the person was meaningfully involved in their plan.",
            "Say whether she was offered a female officer.",
            "Say whether she was offered a women-only setting.",
        ):
            assert message in summary
        assert reverse("cases:objective_new", args=[plan.pk]) in summary
        assert f"{reverse('cases:plan_edit', args=[plan.pk])}#id_strengths" in summary
        plan.refresh_from_db()
        assert plan.status == "draft"

    def test_bad_date_is_400(self, org, client_for):
        plan = ready(org.officer)

        response = client_for(org.officer).post(
            reverse("cases:plan_complete", args=[plan.pk]), {"completed_on-day": "31", "completed_on-month": "2"}
        )

        assert response.status_code == 400
        assert "Completion date must include a year" in error_summary(response)
        assert SentencePlan.objects.get(pk=plan.pk).status == "draft"

    def test_already_completed(self, org, client_for):
        plan = completed(org.officer)

        response = client_for(org.officer).get(reverse("cases:plan_complete", args=[plan.pk]))

        assert response.status_code == 400
        assert "This plan is already completed" in response.content.decode()


# Reviews -----------------------------------------------------------------------------------------------------


class TestReviewPage:
    def test_status_and_notes_per_objective(self, org, client_for):
        plan = completed(org.officer)
        objective = plan.objectives.get()
        client = client_for(org.officer)
        url = reverse("cases:plan_review_new", args=[plan.pk])

        content = client.get(url).content.decode()
        assert f'name="objective_{objective.pk}"' in content
        assert f'name="notes_{objective.pk}"' in content

        response = client.post(
            url,
            {
                **date_post("reviewed_on", TODAY),
                "summary": "Going well",
                "person_involved": "yes",
                f"objective_{objective.pk}": "achieved",
                f"notes_{objective.pk}": "Sober for a month",
            },
        )

        assert response.status_code == 302
        review = PlanReview.objects.get(plan=plan)
        assert (review.reviewed_by, review.person_involved) == (org.officer, True)
        objective.refresh_from_db()
        assert objective.status == "achieved"

    def test_bad_input_is_400(self, org, client_for):
        plan = completed(org.officer)
        objective = plan.objectives.get()

        response = client_for(org.officer).post(
            reverse("cases:plan_review_new", args=[plan.pk]),
            {**date_post("reviewed_on", date(2026, 11, 19)), "summary": "Review", "person_involved": "no"},
        )

        assert response.status_code == 400
        assert "Choose the progress on “Cut down drinking”" in error_summary(response)
        assert PlanReview.objects.count() == 0
        assert objective.status == "not_started"

    def test_service_rule_shows(self, org, client_for):
        plan = completed(org.officer)
        objective = plan.objectives.get()

        response = client_for(org.officer).post(
            reverse("cases:plan_review_new", args=[plan.pk]),
            {
                **date_post("reviewed_on", date(2026, 11, 19)),
                "summary": "Review",
                "person_involved": "no",
                f"objective_{objective.pk}": "achieved",
            },
        )

        assert response.status_code == 400
        assert "The review date cannot be before the plan was completed (20 November 2026)." in error_summary(response)
        assert PlanReview.objects.count() == 0

    def test_a_draft_is_not_reviewed(self, org, client_for):
        plan = ready(org.officer)

        response = client_for(org.officer).get(reverse("cases:plan_review_new", args=[plan.pk]))

        assert response.status_code == 400
        assert "Only a completed plan is reviewed" in response.content.decode()


# Resettlement ------------------------------------------------------------------------------------------------


class TestResettlementPages:
    def _custody(self, officer):
        return sentence_for(
            officer, disposal=Disposal.CUSTODY, expected_release_date=date(2027, 5, 2), end_date=date(2027, 11, 2)
        )

    def test_screening_then_plan(self, org, client_for):
        sentence = self._custody(org.other_provider_officer)
        client = client_for(org.other_provider_officer)
        url = reverse("cases:custody_screening_new", args=[sentence.case_id])
        assert client.get(url).status_code == 200

        response = client.post(url, {**date_post("screened_on", date(2026, 11, 16)), "screening_needs": "Debts"})

        assert response.status_code == 302
        plan = ResettlementPlan.objects.get(sentence=sentence)
        assert Clock.objects.get(case=sentence.case).service_level == "CRC SL013"

        complete_url = reverse("cases:resettlement_plan_complete", args=[plan.pk])
        assert "Debts" in client.get(complete_url).content.decode()
        response = client.post(
            complete_url,
            {
                **date_post("completed_on", date(2026, 11, 19)),
                "accommodation_on_release": "settled",
                "money_on_release": "Benefit claim made",
                "links_to_services": "GP registration",
            },
        )

        assert response.status_code == 302
        plan.refresh_from_db()
        assert plan.status == "completed"
        assert Clock.objects.get(case=sentence.case).status == Clock.Status.MET

    def test_screening_refused_for_a_community_sentence(self, org, client_for):
        sentence = sentence_for(org.officer)

        response = client_for(org.officer).post(
            reverse("cases:custody_screening_new", args=[sentence.case_id]),
            {**date_post("screened_on", date(2026, 11, 16)), "screening_needs": "Debts"},
        )

        assert response.status_code == 400
        assert "Custody screening is for a case whose current sentence is custodial." in error_summary(response)
        assert ResettlementPlan.objects.count() == 0

    def test_plan_needs_the_minimum(self, org, client_for):
        sentence = self._custody(org.officer)
        plan = services.custody_screening_record(
            by=org.officer, case=sentence.case, screened_on=date(2026, 11, 16), screening_needs="Debts"
        )

        response = client_for(org.officer).post(
            reverse("cases:resettlement_plan_complete", args=[plan.pk]),
            {**date_post("completed_on", date(2026, 11, 19)), "accommodation_on_release": "none"},
        )

        assert response.status_code == 400
        summary = error_summary(response)
        assert "Enter how the person will have enough money for basic needs on release" in summary
        assert "Enter the services the person will be linked to on release" in summary
        plan.refresh_from_db()
        assert plan.status == "screened"

    def test_nowhere_to_stay_needs_details(self, org, client_for):
        sentence = self._custody(org.officer)
        plan = services.custody_screening_record(
            by=org.officer, case=sentence.case, screened_on=date(2026, 11, 16), screening_needs="Debts"
        )

        response = client_for(org.officer).post(
            reverse("cases:resettlement_plan_complete", args=[plan.pk]),
            {
                **date_post("completed_on", date(2026, 11, 19)),
                "accommodation_on_release": "none",
                "money_on_release": "Discharge grant",
                "links_to_services": "Drug service",
            },
        )

        assert response.status_code == 400
        assert "say what is being done to find somewhere" in error_summary(response)

    def test_out_of_scope_is_404(self, org, client_for):
        sentence = self._custody(org.officer)
        plan = services.custody_screening_record(
            by=org.officer, case=sentence.case, screened_on=date(2026, 11, 16), screening_needs="Debts"
        )

        response = client_for(org.other_provider_officer).get(
            reverse("cases:resettlement_plan_complete", args=[plan.pk])
        )

        assert response.status_code == 404
