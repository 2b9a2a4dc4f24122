"""cases.services.plans: sentence plans, objectives, completion, reviews and resettlement plans, with their clocks.

Time is frozen at Wednesday 25 November 2026; the sentences below were passed on Monday 2 November 2026.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases import events
from cases.models import (
    Case,
    Disposal,
    ObjectiveProgress,
    Person,
    PlanObjective,
    PlanReview,
    ResettlementPlan,
    Sentence,
    SentencePlan,
)
from cases.services import plans as services
from tests import factories
from timeliness.models import Clock

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
SENTENCED = date(2026, 11, 2)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def community_sentence(officer, *, gender=Person.Gender.MALE, **kwargs) -> Sentence:
    case = factories.CaseFactory(responsible_officer=officer, person__gender=gender)
    return factories.SentenceFactory(case=case, sentence_date=SENTENCED, **kwargs)


def custody_sentence(officer, *, released_on=None) -> Sentence:
    case = factories.CaseFactory(responsible_officer=officer, person__gender=Person.Gender.MALE)
    return factories.SentenceFactory(
        case=case,
        disposal=Disposal.CUSTODY,
        sentence_date=SENTENCED,
        length_months=12,
        expected_release_date=date(2027, 5, 2),
        licence_end_date=date(2027, 11, 2),
        end_date=date(2027, 11, 2),
        released_on=released_on,
    )


def ready_plan(officer, *, gender=Person.Gender.MALE, **plan_fields) -> SentencePlan:
    """A draft plan with an objective, strengths and involvement: ready to complete."""
    sentence = community_sentence(officer, gender=gender)
    plan = services.plan_start(by=officer, case=sentence.case)
    fields = {"strengths": "Supportive sister; wants to work", "involvement": "yes", **plan_fields}
    services.plan_update(by=officer, plan=plan, **fields)
    add_objective(officer, plan)
    plan.refresh_from_db()
    return plan


def add_objective(officer, plan, **kwargs) -> PlanObjective:
    values = {
        "need_area": "accommodation",
        "description": "Move into settled accommodation",
        "who_delivers": "Officer with the housing advice service",
        "target_date": date(2027, 2, 1),
        **kwargs,
    }
    return services.objective_add(by=officer, plan=plan, **values)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def last_history(instance):
    return instance.history.order_by("-history_id").first()


# Starting a plan ---------------------------------------------------------------------------------------------


class TestPlanStart:
    def test_starts_a_draft_for_the_current_sentence_and_records_who(self, org):
        sentence = community_sentence(org.officer)

        plan = services.plan_start(by=org.officer, case=sentence.case)

        assert (plan.status, plan.sentence_id, plan.case_id) == ("draft", sentence.pk, sentence.case_id)
        assert last_history(plan).history_user == org.officer

    def test_case_must_be_active(self, org):
        case = factories.CaseFactory(awaiting_allocation=True, provider=org.nps)
        factories.SentenceFactory(case=case)

        with pytest.raises(ValidationError) as excinfo:
            services.plan_start(by=org.officer, case=case)

        assert errors_of(excinfo) == {
            "case": ["A plan is started on an active case. This case is awaiting allocation."]
        }
        assert SentencePlan.objects.count() == 0

    def test_case_needs_a_current_sentence(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer)
        factories.SentenceFactory(case=case, status=Sentence.Status.COMPLETED)

        with pytest.raises(ValidationError) as excinfo:
            services.plan_start(by=org.officer, case=case)

        assert errors_of(excinfo) == {
            "case": ["This case has no current sentence. Record the sentence before planning."]
        }
        assert SentencePlan.objects.count() == 0

    def test_one_draft_per_sentence(self, org):
        sentence = community_sentence(org.officer)
        services.plan_start(by=org.officer, case=sentence.case)

        with pytest.raises(ValidationError) as excinfo:
            services.plan_start(by=org.officer, case=sentence.case)

        assert errors_of(excinfo) == {
            "case": ["This sentence already has a draft plan. Carry on with the draft instead."]
        }
        assert SentencePlan.objects.count() == 1

    def test_a_new_draft_may_follow_a_completed_plan(self, org):
        plan = ready_plan(org.officer)
        services.plan_complete(by=org.officer, plan=plan, completed_on=TODAY)

        second = services.plan_start(by=org.officer, case=plan.case)

        assert second.status == "draft" and second.pk != plan.pk


# Changing a draft --------------------------------------------------------------------------------------------


class TestPlanUpdate:
    def test_changes_the_draft_with_history(self, org):
        sentence = community_sentence(org.officer)
        plan = services.plan_start(by=org.officer, case=sentence.case)

        services.plan_update(
            by=org.colleague,
            plan=plan,
            strengths="Works part time",
            involvement="would_not_engage",
            involvement_details="Walked out of two planning sessions",
            diversity_needs="Dyslexia: give letters in large print",
            barriers_to_engagement="Shift work",
        )

        plan.refresh_from_db()
        assert plan.involvement == "would_not_engage"
        assert plan.barriers_to_engagement == "Shift work"
        assert last_history(plan).history_user == org.colleague

    def test_not_involved_needs_details(self, org):
        sentence = community_sentence(org.officer)
        plan = services.plan_start(by=org.officer, case=sentence.case)

        with pytest.raises(ValidationError) as excinfo:
            services.plan_update(by=org.officer, plan=plan, involvement="not_involved", involvement_details=" ")

        assert errors_of(excinfo) == {"involvement_details": [services.NOT_INVOLVED_DETAILS_MESSAGE]}
        plan.refresh_from_db()
        assert plan.involvement == ""

    def test_unknown_involvement_and_fields_are_refused(self, org):
        sentence = community_sentence(org.officer)
        plan = services.plan_start(by=org.officer, case=sentence.case)

        with pytest.raises(ValidationError) as excinfo:
            services.plan_update(by=org.officer, plan=plan, involvement="maybe", status="completed")

        assert set(errors_of(excinfo)) == {"involvement", "status"}

    def test_women_questions_are_for_women_only(self, org):
        sentence = community_sentence(org.officer, gender=Person.Gender.MALE)
        plan = services.plan_start(by=org.officer, case=sentence.case)

        with pytest.raises(ValidationError) as excinfo:
            services.plan_update(by=org.officer, plan=plan, female_officer_offered=True)

        assert errors_of(excinfo) == {"female_officer_offered": [services.WOMEN_ONLY_MESSAGE]}

    def test_a_woman_is_asked_both(self, org):
        sentence = community_sentence(org.officer, gender=Person.Gender.FEMALE)
        plan = services.plan_start(by=org.officer, case=sentence.case)

        services.plan_update(by=org.officer, plan=plan, female_officer_offered=True, women_only_setting_offered=False)

        plan.refresh_from_db()
        assert (plan.female_officer_offered, plan.women_only_setting_offered) == (True, False)

    def test_a_completed_plan_changes_only_through_a_review(self, org):
        plan = ready_plan(org.officer)
        services.plan_complete(by=org.officer, plan=plan, completed_on=TODAY)
        history_rows = plan.history.count()

        with pytest.raises(ValidationError) as excinfo:
            services.plan_update(by=org.officer, plan=plan, strengths="Something else")

        assert excinfo.value.messages == [
            "This plan has been completed. A completed plan changes only through a review."
        ]
        plan.refresh_from_db()
        assert plan.strengths == "Supportive sister; wants to work"
        assert plan.history.count() == history_rows


# Objectives --------------------------------------------------------------------------------------------------


class TestObjectives:
    def test_add_records_the_objective_and_who(self, org):
        sentence = community_sentence(org.officer)
        plan = services.plan_start(by=org.officer, case=sentence.case)

        objective = add_objective(org.officer, plan, need_area="drug_misuse", actions="Weekly key work")

        assert (objective.need_area, objective.status, objective.actions) == (
            "drug_misuse",
            "not_started",
            "Weekly key work",
        )
        assert last_history(objective).history_user == org.officer

    @pytest.mark.parametrize(
        ("change", "field", "message"),
        [
            ({"need_area": "housing"}, "need_area", "Choose the need area the objective addresses."),
            ({"description": "  "}, "description", "Enter what will change."),
            ({"who_delivers": ""}, "who_delivers", "Enter who will do it."),
            ({"who_delivers": "x" * 201}, "who_delivers", "Who will do it must be 200 characters or fewer."),
            (
                {"target_date": TODAY - timedelta(days=1)},
                "target_date",
                "The target date cannot be before the plan was started (25 November 2026).",
            ),
            (
                {"target_date": date(2027, 11, 3)},
                "target_date",
                "The target date cannot be after the sentence ends (2 November 2027).",
            ),
        ],
    )
    def test_add_rules(self, org, change, field, message):
        sentence = community_sentence(org.officer)
        plan = services.plan_start(by=org.officer, case=sentence.case)

        with pytest.raises(ValidationError) as excinfo:
            add_objective(org.officer, plan, **change)

        assert errors_of(excinfo) == {field: [message]}
        assert PlanObjective.objects.count() == 0

    def test_target_date_on_the_last_day_of_the_sentence_is_allowed(self, org):
        sentence = community_sentence(org.officer)
        plan = services.plan_start(by=org.officer, case=sentence.case)

        assert add_objective(org.officer, plan, target_date=date(2027, 11, 2)).pk

    def test_any_later_target_date_when_the_sentence_end_is_not_known(self, org):
        sentence = community_sentence(org.officer, end_date=None)
        plan = services.plan_start(by=org.officer, case=sentence.case)

        assert add_objective(org.officer, plan, target_date=date(2030, 1, 1)).pk

    def test_every_one_of_the_twelve_need_areas_is_accepted(self, org):
        sentence = community_sentence(org.officer)
        plan = services.plan_start(by=org.officer, case=sentence.case)
        areas = [
            "accommodation",
            "education_training_employment",
            "finance",
            "relationships",
            "lifestyle",
            "gang_membership",
            "drug_misuse",
            "alcohol_misuse",
            "emotional_wellbeing",
            "thinking_and_behaviour",
            "attitudes",
            "discriminatory_attitudes",
        ]
        for area in areas:
            add_objective(org.officer, plan, need_area=area)

        assert sorted(plan.objectives.values_list("need_area", flat=True)) == sorted(areas)

    def test_no_objectives_are_added_to_a_completed_plan(self, org):
        plan = ready_plan(org.officer)
        services.plan_complete(by=org.officer, plan=plan, completed_on=TODAY)

        with pytest.raises(ValidationError) as excinfo:
            add_objective(org.officer, plan)

        assert excinfo.value.messages == [services.COMPLETED_PLAN_MESSAGE]
        assert plan.objectives.count() == 1

    def test_update_a_draft_objective(self, org):
        sentence = community_sentence(org.officer)
        plan = services.plan_start(by=org.officer, case=sentence.case)
        objective = add_objective(org.officer, plan)

        services.objective_update(
            by=org.colleague, objective=objective, who_delivers="Shelter", target_date=date(2027, 3, 1)
        )

        objective.refresh_from_db()
        assert (objective.who_delivers, objective.target_date) == ("Shelter", date(2027, 3, 1))
        assert last_history(objective).history_user == org.colleague

    def test_update_checks_the_same_rules(self, org):
        sentence = community_sentence(org.officer)
        plan = services.plan_start(by=org.officer, case=sentence.case)
        objective = add_objective(org.officer, plan)

        with pytest.raises(ValidationError) as excinfo:
            services.objective_update(by=org.officer, objective=objective, description="", target_date=date(2028, 1, 1))

        assert set(errors_of(excinfo)) == {"description", "target_date"}
        objective.refresh_from_db()
        assert objective.description == "Move into settled accommodation"

    def test_objective_status_is_not_changed_outside_a_review(self, org):
        sentence = community_sentence(org.officer)
        plan = services.plan_start(by=org.officer, case=sentence.case)
        objective = add_objective(org.officer, plan)

        with pytest.raises(ValidationError) as excinfo:
            services.objective_update(by=org.officer, objective=objective, status="achieved")

        assert errors_of(excinfo) == {"status": ["This is not a field of an objective."]}

    def test_objectives_of_a_completed_plan_do_not_change(self, org):
        plan = ready_plan(org.officer)
        services.plan_complete(by=org.officer, plan=plan, completed_on=TODAY)
        objective = plan.objectives.get()

        with pytest.raises(ValidationError) as excinfo:
            services.objective_update(by=org.officer, objective=objective, who_delivers="Someone else")

        assert excinfo.value.messages == [services.COMPLETED_PLAN_MESSAGE]


# Completing a plan -------------------------------------------------------------------------------------------


class TestPlanComplete:
    def test_completes_with_date_and_who(self, org):
        plan = ready_plan(org.officer)

        services.plan_complete(by=org.manager, plan=plan, completed_on=TODAY)

        plan.refresh_from_db()
        assert (plan.status, plan.completed_on, plan.completed_by) == ("completed", TODAY, org.manager)
        assert last_history(plan).history_user == org.manager

    def test_one_message_per_missing_item(self, org):
        sentence = community_sentence(org.officer, gender=Person.Gender.FEMALE)
        plan = services.plan_start(by=org.officer, case=sentence.case)

        with pytest.raises(ValidationError) as excinfo:
            services.plan_complete(by=org.officer, plan=plan, completed_on=TODAY + timedelta(days=1))

        assert errors_of(excinfo) == {
            "objectives": ["Add at least one objective."],
            "strengths": ["Enter the person's strengths and protective factors."],
            "involvement": ["Say whether the person was meaningfully involved in their plan."],
            "female_officer_offered": ["Say whether she was offered a female officer."],
            "women_only_setting_offered": ["Say whether she was offered a women-only setting."],
            "completed_on": ["The completion date must be today or in the past."],
        }
        plan.refresh_from_db()
        assert plan.status == "draft" and plan.completed_on is None

    def test_details_needed_when_not_involved(self, org):
        """The database also refuses a "not involved" plan without details; the check names it first."""
        plan = ready_plan(org.officer)
        plan.involvement = "not_involved"
        plan.involvement_details = ""

        problems = services.plan_completion_problems(plan, completed_on=TODAY)

        assert problems == {"involvement_details": services.NOT_INVOLVED_DETAILS_MESSAGE}

    def test_completes_when_the_person_would_not_engage_with_details(self, org):
        plan = ready_plan(org.officer, involvement="would_not_engage", involvement_details="Refused twice")

        services.plan_complete(by=org.officer, plan=plan, completed_on=TODAY)

        assert SentencePlan.objects.get(pk=plan.pk).status == "completed"

    def test_a_man_is_not_asked_the_womens_questions(self, org):
        plan = ready_plan(org.officer, gender=Person.Gender.MALE)

        services.plan_complete(by=org.officer, plan=plan, completed_on=TODAY)

        plan.refresh_from_db()
        assert plan.female_officer_offered is None and plan.status == "completed"

    def test_a_woman_answered_no_to_both_is_complete(self, org):
        plan = ready_plan(
            org.officer, gender=Person.Gender.FEMALE, female_officer_offered=False, women_only_setting_offered=False
        )

        services.plan_complete(by=org.officer, plan=plan, completed_on=TODAY)

        assert SentencePlan.objects.get(pk=plan.pk).status == "completed"

    def test_not_before_the_sentence(self, org):
        plan = ready_plan(org.officer)

        with pytest.raises(ValidationError) as excinfo:
            services.plan_complete(by=org.officer, plan=plan, completed_on=SENTENCED - timedelta(days=1))

        assert errors_of(excinfo) == {
            "completed_on": ["The completion date cannot be before the sentence (2 November 2026)."]
        }

    def test_completed_once(self, org):
        plan = ready_plan(org.officer)
        services.plan_complete(by=org.officer, plan=plan, completed_on=TODAY)

        with pytest.raises(ValidationError) as excinfo:
            services.plan_complete(by=org.officer, plan=plan, completed_on=TODAY)

        assert "already been completed" in excinfo.value.messages[0]

    def test_publishes_the_event_for_the_sentence(self, org):
        plan = ready_plan(org.officer)
        received = []

        def listen(sender, *, event, **kwargs):
            received.append(event)

        events.case_event.connect(listen)
        try:
            services.plan_complete(by=org.officer, plan=plan, completed_on=TODAY - timedelta(days=2))
        finally:
            events.case_event.disconnect(listen)

        assert [(e.name, e.subject, e.on, e.by, e.disposal) for e in received] == [
            (
                events.SENTENCE_PLAN_COMPLETED,
                f"sentence:{plan.sentence_id}",
                TODAY - timedelta(days=2),
                org.officer,
                "community_order",
            )
        ]


class TestPlanClock:
    """Completing the plan stops the sentence plan clock (NPS SL005R here), met or missed by its due date."""

    def _clock(self, plan, *, due_on):
        return factories.ClockFactory(
            service_level="NPS SL005R",
            subject=f"sentence:{plan.sentence_id}",
            case=plan.case,
            started_on=date(2026, 11, 9),
            due_on=due_on,
        )

    def test_completed_by_the_due_date_is_met(self, org):
        plan = ready_plan(org.officer)
        clock = self._clock(plan, due_on=date(2026, 11, 23))

        services.plan_complete(by=org.officer, plan=plan, completed_on=date(2026, 11, 23))

        clock.refresh_from_db()
        assert (clock.status, clock.stopped_on, clock.stopped_by) == (Clock.Status.MET, date(2026, 11, 23), org.officer)

    def test_completed_after_the_due_date_is_missed(self, org):
        plan = ready_plan(org.officer)
        clock = self._clock(plan, due_on=date(2026, 11, 23))

        services.plan_complete(by=org.officer, plan=plan, completed_on=date(2026, 11, 24))

        clock.refresh_from_db()
        assert (clock.status, clock.stopped_on) == (Clock.Status.MISSED, date(2026, 11, 24))

    def test_a_clock_opened_by_the_first_appointment_stops(self, org):
        plan = ready_plan(org.officer)
        events.publish(
            events.APPOINTMENT_ATTENDED,
            case=plan.case,
            subject=f"sentence:{plan.sentence_id}",
            on=date(2026, 11, 9),
            by=org.officer,
            disposal="community_order",
        )
        clock = Clock.objects.get(service_level="NPS SL005R", case=plan.case)
        assert clock.status == Clock.Status.OPEN

        services.plan_complete(by=org.officer, plan=plan, completed_on=date(2026, 11, 20))

        clock.refresh_from_db()
        assert clock.status == Clock.Status.MET

    def test_a_refused_completion_leaves_the_clock_running(self, org):
        sentence = community_sentence(org.officer)
        plan = services.plan_start(by=org.officer, case=sentence.case)
        clock = self._clock(plan, due_on=date(2026, 11, 23))

        with pytest.raises(ValidationError):
            services.plan_complete(by=org.officer, plan=plan, completed_on=TODAY)

        clock.refresh_from_db()
        assert clock.status == Clock.Status.OPEN


# Reviews -----------------------------------------------------------------------------------------------------


class TestPlanReview:
    def _completed(self, org, objectives=2):
        plan = ready_plan(org.officer)
        for index in range(objectives - 1):
            add_objective(org.officer, plan, need_area="finance", description=f"Pay off rent arrears {index}")
        services.plan_complete(by=org.officer, plan=plan, completed_on=date(2026, 11, 10))
        return plan, list(plan.objectives.order_by("pk"))

    def test_records_review_progress_and_objective_status(self, org):
        plan, (first, second) = self._completed(org)

        review = services.plan_review_record(
            by=org.colleague,
            plan=plan,
            reviewed_on=TODAY,
            summary="Housing found; arrears plan agreed",
            person_involved=True,
            progress={
                first.pk: {"status": "achieved", "notes": "Moved in on 20 November"},
                str(second.pk): {"status": "in_progress", "notes": ""},
            },
        )

        assert (review.reviewed_by, review.reviewed_on, review.person_involved) == (org.colleague, TODAY, True)
        progress = {p.objective_id: (p.status, p.notes) for p in review.progress.all()}
        assert progress == {first.pk: ("achieved", "Moved in on 20 November"), second.pk: ("in_progress", "")}
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.status, second.status) == ("achieved", "in_progress")
        assert last_history(first).history_user == org.colleague
        assert last_history(review).history_user == org.colleague
        assert last_history(review.progress.first()).history_user == org.colleague
        # The objective's history keeps its earlier status.
        assert list(first.history.order_by("history_id").values_list("status", flat=True)) == [
            "not_started",
            "achieved",
        ]

    def test_every_objective_needs_a_status(self, org):
        plan, (first, second) = self._completed(org)

        with pytest.raises(ValidationError) as excinfo:
            services.plan_review_record(
                by=org.officer,
                plan=plan,
                reviewed_on=TODAY,
                summary="Review",
                person_involved=False,
                progress={first.pk: {"status": "achieved", "notes": ""}, second.pk: {"status": "finished"}},
            )

        assert errors_of(excinfo) == {f"objective_{second.pk}": ["Choose the progress on “Pay off rent arrears 0”."]}
        assert PlanReview.objects.count() == ObjectiveProgress.objects.count() == 0
        first.refresh_from_db()
        assert first.status == "not_started"

    def test_missing_objective_and_other_rules(self, org):
        plan, (first, second) = self._completed(org)
        other = factories.PlanObjectiveFactory()

        with pytest.raises(ValidationError) as excinfo:
            services.plan_review_record(
                by=org.officer,
                plan=plan,
                reviewed_on=date(2026, 11, 9),
                summary=" ",
                person_involved=None,
                progress={first.pk: {"status": "achieved"}, other.pk: {"status": "achieved"}},
            )

        assert errors_of(excinfo) == {
            "reviewed_on": ["The review date cannot be before the plan was completed (10 November 2026)."],
            "summary": ["Enter a summary of the review."],
            "person_involved": ["Say whether the person took part in the review."],
            "progress": ["Progress is given for objectives of this plan only."],
            f"objective_{second.pk}": ["Choose the progress on “Pay off rent arrears 0”."],
        }
        assert PlanReview.objects.count() == 0

    def test_not_in_the_future(self, org):
        plan, objectives = self._completed(org, objectives=1)

        with pytest.raises(ValidationError) as excinfo:
            services.plan_review_record(
                by=org.officer,
                plan=plan,
                reviewed_on=TODAY + timedelta(days=1),
                summary="Review",
                person_involved=True,
                progress={objectives[0].pk: {"status": "in_progress", "notes": ""}},
            )

        assert errors_of(excinfo) == {"reviewed_on": ["The review date must be today or in the past."]}

    def test_only_a_completed_plan_is_reviewed(self, org):
        plan = ready_plan(org.officer)

        with pytest.raises(ValidationError) as excinfo:
            services.plan_review_record(
                by=org.officer, plan=plan, reviewed_on=TODAY, summary="Review", person_involved=True, progress={}
            )

        assert excinfo.value.messages == ["Only a completed plan is reviewed. Complete the plan first."]


# Resettlement ------------------------------------------------------------------------------------------------


class TestCustodyScreening:
    def test_records_the_screening_and_who(self, org):
        sentence = custody_sentence(org.officer)

        plan = services.custody_screening_record(
            by=org.officer, case=sentence.case, screened_on=date(2026, 11, 16), screening_needs="No address on release"
        )

        assert (plan.status, plan.sentence_id, plan.screened_on) == ("screened", sentence.pk, date(2026, 11, 16))
        assert last_history(plan).history_user == org.officer

    def test_only_for_a_custodial_sentence(self, org):
        sentence = community_sentence(org.officer)

        with pytest.raises(ValidationError) as excinfo:
            services.custody_screening_record(
                by=org.officer, case=sentence.case, screened_on=TODAY, screening_needs="x"
            )

        assert errors_of(excinfo) == {"case": ["Custody screening is for a case whose current sentence is custodial."]}
        assert ResettlementPlan.objects.count() == 0

    def test_not_after_release(self, org):
        sentence = custody_sentence(org.officer, released_on=date(2026, 11, 20))

        with pytest.raises(ValidationError) as excinfo:
            services.custody_screening_record(
                by=org.officer, case=sentence.case, screened_on=TODAY, screening_needs="x"
            )

        assert errors_of(excinfo) == {
            "case": ["The person was released on 20 November 2026. Screening is done in custody."]
        }

    def test_one_per_sentence(self, org):
        sentence = custody_sentence(org.officer)
        services.custody_screening_record(
            by=org.officer, case=sentence.case, screened_on=date(2026, 11, 16), screening_needs="x"
        )

        with pytest.raises(ValidationError) as excinfo:
            services.custody_screening_record(
                by=org.officer, case=sentence.case, screened_on=TODAY, screening_needs="y"
            )

        assert errors_of(excinfo) == {"case": ["The screening for this sentence was recorded on 16 November 2026."]}
        assert ResettlementPlan.objects.count() == 1

    def test_date_and_needs_rules(self, org):
        sentence = custody_sentence(org.officer)

        with pytest.raises(ValidationError) as excinfo:
            services.custody_screening_record(
                by=org.officer, case=sentence.case, screened_on=date(2026, 11, 1), screening_needs=""
            )

        assert errors_of(excinfo) == {
            "screened_on": ["The screening date cannot be before the sentence (2 November 2026)."],
            "screening_needs": ["Enter the needs found at screening."],
        }

    def test_not_in_the_future(self, org):
        sentence = custody_sentence(org.officer)

        with pytest.raises(ValidationError) as excinfo:
            services.custody_screening_record(
                by=org.officer, case=sentence.case, screened_on=TODAY + timedelta(days=1), screening_needs="x"
            )

        assert errors_of(excinfo) == {"screened_on": ["The screening date must be today or in the past."]}

    def test_opens_crc_sl013_due_five_working_days_later(self, org):
        sentence = custody_sentence(org.other_provider_officer)

        services.custody_screening_record(
            by=org.other_provider_officer, case=sentence.case, screened_on=date(2026, 11, 16), screening_needs="x"
        )

        clock = Clock.objects.get(case=sentence.case)
        assert (clock.service_level, clock.subject, clock.started_on, clock.due_on, clock.status) == (
            "CRC SL013",
            f"resettlement:{sentence.pk}",
            date(2026, 11, 16),
            date(2026, 11, 23),  # Monday to Monday: five working days
            Clock.Status.OPEN,
        )

    def test_no_crc_clock_on_an_nps_case(self, org):
        sentence = custody_sentence(org.officer)

        services.custody_screening_record(
            by=org.officer, case=sentence.case, screened_on=date(2026, 11, 16), screening_needs="x"
        )

        assert not Clock.objects.filter(case=sentence.case).exists()

    def test_ended_case_is_refused(self, org):
        sentence = custody_sentence(org.officer)
        Case.objects.filter(pk=sentence.case_id).update(status="ended", end_date=TODAY)

        with pytest.raises(ValidationError) as excinfo:
            services.custody_screening_record(
                by=org.officer, case=sentence.case, screened_on=TODAY, screening_needs="x"
            )

        assert errors_of(excinfo) == {"case": ["This case has ended: its plans can no longer be changed."]}


class TestResettlementPlanComplete:
    def _screened(self, officer):
        sentence = custody_sentence(officer)
        return services.custody_screening_record(
            by=officer, case=sentence.case, screened_on=date(2026, 11, 16), screening_needs="No address"
        )

    def _complete(self, officer, plan, **kwargs):
        values = {
            "completed_on": date(2026, 11, 20),
            "accommodation_on_release": "approved_premises",
            "money_on_release": "Universal Credit claim started; bank account opened",
            "links_to_services": "Drug service appointment the day after release",
            **kwargs,
        }
        return services.resettlement_plan_complete(by=officer, plan=plan, **values)

    def test_completes_and_stops_crc_sl013_met(self, org):
        plan = self._screened(org.other_provider_officer)

        self._complete(org.other_provider_officer, plan, other_actions="ID documents requested")

        plan.refresh_from_db()
        assert (plan.status, plan.completed_on, plan.accommodation_on_release) == (
            "completed",
            date(2026, 11, 20),
            "approved_premises",
        )
        assert last_history(plan).history_user == org.other_provider_officer
        clock = Clock.objects.get(service_level="CRC SL013", case=plan.case)
        assert (clock.status, clock.stopped_on, clock.stopped_by) == (
            Clock.Status.MET,
            date(2026, 11, 20),
            org.other_provider_officer,
        )

    def test_completed_late_is_missed(self, org):
        plan = self._screened(org.other_provider_officer)

        self._complete(org.other_provider_officer, plan, completed_on=date(2026, 11, 24))

        assert Clock.objects.get(service_level="CRC SL013", case=plan.case).status == Clock.Status.MISSED

    def test_the_minimum_on_release_is_required(self, org):
        plan = self._screened(org.officer)

        with pytest.raises(ValidationError) as excinfo:
            self._complete(
                org.officer,
                plan,
                accommodation_on_release="",
                money_on_release=" ",
                links_to_services="",
                completed_on=date(2026, 11, 15),
            )

        assert errors_of(excinfo) == {
            "completed_on": ["The completion date cannot be before the screening (16 November 2026)."],
            "accommodation_on_release": ["Choose where the person will sleep on the night of release."],
            "money_on_release": ["Enter how the person will have enough money for basic needs on release."],
            "links_to_services": ["Enter the services the person will be linked to on release."],
        }
        plan.refresh_from_db()
        assert plan.status == "screened"

    def test_nowhere_to_stay_needs_details(self, org):
        plan = self._screened(org.officer)

        with pytest.raises(ValidationError) as excinfo:
            self._complete(org.officer, plan, accommodation_on_release="none")

        assert errors_of(excinfo) == {
            "accommodation_details": ["The person has nowhere to stay yet: say what is being done to find somewhere."]
        }
        self._complete(
            org.officer, plan, accommodation_on_release="none", accommodation_details="Referred to the council"
        )
        assert ResettlementPlan.objects.get(pk=plan.pk).accommodation_details == "Referred to the council"

    def test_not_in_the_future_and_once_only(self, org):
        plan = self._screened(org.officer)
        with pytest.raises(ValidationError) as excinfo:
            self._complete(org.officer, plan, completed_on=TODAY + timedelta(days=1))
        assert errors_of(excinfo) == {"completed_on": ["The completion date must be today or in the past."]}

        self._complete(org.officer, plan)
        with pytest.raises(ValidationError) as excinfo:
            self._complete(org.officer, plan)
        assert excinfo.value.messages == ["This resettlement plan has already been completed."]
