"""risk.services: each rule of the risk issue, with the acting user recorded and nothing changed on error."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from risk import services
from risk.models import MappaRegistration, Registration, RiskReview, RoshAssessment
from tests import factories

pytestmark = pytest.mark.django_db

FULL_NARRATIVE = {
    "who_is_at_risk": "Former partner and her children",
    "nature_of_risk": "Violence and threats when drinking",
    "circumstances_increasing_risk": "Relapse; contact with the former partner",
    "plan_supervision": "Weekly appointments",
    "plan_contingency": "Police referral and breach if contact is made",
}
LEVELS = {"risk_to_public": 2, "risk_to_known_adults": 3, "risk_to_children": 1, "risk_to_staff": 1}


@pytest.fixture
def officer():
    return factories.OfficerFactory()


@pytest.fixture
def person():
    return factories.PersonFactory(date_of_birth=date(1985, 3, 27))


def _complete(officer, person, on=date(2025, 6, 2), **overrides):
    fields = {**LEVELS, **FULL_NARRATIVE, **overrides}
    return services.assessment_record_completed(by=officer, person=person, kind="full", assessment_date=on, **fields)


def test_completing_an_assessment_sets_the_overall_level_to_the_highest_and_records_who(officer, person):
    assessment = _complete(officer, person, risk_to_staff=4)

    assert assessment.status == RoshAssessment.Status.COMPLETED
    assert assessment.overall_level == 4
    assert assessment.completed_by == officer
    assert [(h.history_type, h.history_user) for h in assessment.history.order_by("history_id")] == [
        ("+", officer),
        ("~", officer),
    ]


def test_completion_lists_every_missing_level_and_narrative_and_changes_nothing(officer, person):
    draft = services.assessment_start(by=officer, person=person, kind="full", assessment_date=date(2025, 6, 2))
    with pytest.raises(ValidationError) as error:
        services.assessment_complete(by=officer, assessment=draft)
    assert set(error.value.message_dict) == {*LEVELS, *FULL_NARRATIVE}
    assert error.value.message_dict["risk_to_children"] == ["Choose the level of risk to children."]
    draft.refresh_from_db()
    assert draft.status == RoshAssessment.Status.DRAFT
    assert draft.history.count() == 1


def test_a_screening_needs_less_narrative_than_a_full_assessment(officer, person):
    screening = services.assessment_record_completed(
        by=officer,
        person=person,
        kind="screening",
        assessment_date=date(2025, 6, 2),
        who_is_at_risk="Shop staff",
        nature_of_risk="Threats during thefts",
        **LEVELS,
    )
    assert screening.is_completed


def test_a_completed_assessment_cannot_change(officer, person):
    assessment = _complete(officer, person)
    with pytest.raises(ValidationError, match="completed and cannot be changed"):
        services.assessment_update_draft(by=officer, assessment=assessment, nature_of_risk="Rewritten")
    with pytest.raises(ValidationError, match="already completed"):
        services.assessment_complete(by=officer, assessment=assessment)
    # Even bypassing the services, the model refuses.
    assessment.risk_to_public = 4
    with pytest.raises(ValidationError, match="cannot be changed"):
        assessment.save()
    assessment.refresh_from_db()
    assert assessment.risk_to_public == 2
    assert assessment.history.count() == 2


def test_a_new_assessment_supersedes_the_old_and_closes_open_risk_reviews(officer, person):
    first = _complete(officer, person, on=date(2025, 1, 6))
    review = services.change_of_circumstances_record(
        by=officer,
        person=person,
        change="new_partner",
        description="New partner with a baby",
        occurred_on=date(2025, 2, 1),
    )
    second = _complete(officer, person, on=date(2025, 2, 10), risk_to_children=4)

    first.refresh_from_db()
    review.refresh_from_db()
    assert first.superseded_by == second
    assert second.superseded_by is None
    assert review.status == RiskReview.Status.CLOSED
    assert review.closed_by_assessment == second
    assert review.history.latest().history_user == officer
    # The superseded one's levels are untouched.
    assert (first.overall_level, second.overall_level) == (3, 4)


def test_an_assessment_cannot_be_dated_before_the_current_one(officer, person):
    _complete(officer, person, on=date(2025, 6, 2))
    with pytest.raises(ValidationError) as error:
        _complete(officer, person, on=date(2025, 5, 1))
    assert "cannot be before the current assessment" in error.value.message_dict["assessment_date"][0]
    assert RoshAssessment.objects.filter(person=person).count() == 1


@time_machine.travel(date(2026, 11, 25))
def test_dates_cannot_be_in_the_future(officer, person):
    tomorrow = date(2026, 11, 26)
    with pytest.raises(ValidationError) as error:
        services.assessment_start(by=officer, person=person, kind="full", assessment_date=tomorrow)
    assert error.value.message_dict == {"assessment_date": ["The assessment date must be today or in the past."]}
    with pytest.raises(ValidationError, match="today or in the past"):
        services.registration_add(
            by=officer,
            person=person,
            registration_type=factories.registration_type("weapons"),
            start_date=tomorrow,
            reason="Knife",
        )
    with pytest.raises(ValidationError, match="today or in the past"):
        services.mappa_register(
            by=officer,
            person=person,
            category=2,
            level=1,
            lead_agency="probation",
            start_date=tomorrow,
            next_review_date=tomorrow,
        )
    with pytest.raises(ValidationError, match="today or in the past"):
        services.change_of_circumstances_record(
            by=officer, person=person, change="relapse", description="Drinking again", occurred_on=tomorrow
        )
    assert not RoshAssessment.objects.exists() and not Registration.objects.exists()
    assert not MappaRegistration.objects.exists() and not RiskReview.objects.exists()


def test_a_child_needs_safety_and_wellbeing(officer):
    child = factories.PersonFactory(date_of_birth=date(2010, 4, 1))
    with pytest.raises(ValidationError) as error:
        _complete(officer, child, on=date(2025, 6, 2))
    assert set(error.value.message_dict) == {"safety_and_wellbeing_level", "safety_and_wellbeing_reasons"}
    assessment = _complete(
        officer,
        child,
        on=date(2025, 6, 2),
        safety_and_wellbeing_level=3,
        safety_and_wellbeing_reasons="Exploited by older boys to carry drugs",
        safeguarding_plan="Referral to children's services; weekly contact with the social worker",
    )
    assert assessment.safety_and_wellbeing_level == 3


def test_likelihood_of_reoffending_is_recorded_as_reported_or_not_at_all(officer, person):
    with pytest.raises(ValidationError) as error:
        _complete(officer, person, reoffending_score="42.5")
    assert "tool, the score and the band" in error.value.message_dict["reoffending_score"][0]
    assessment = _complete(
        officer, person, reoffending_tool="ogrs", reoffending_score="42.5", reoffending_band="medium"
    )
    assert str(assessment.reoffending_score) == "42.50"
    with pytest.raises(ValidationError):
        _complete(
            officer,
            factories.PersonFactory(),
            reoffending_tool="ogrs",
            reoffending_score="142",
            reoffending_band="high",
        )


@pytest.mark.parametrize(("category", "level", "field"), [(5, 1, "category"), (0, 1, "category"), (2, 4, "level")])
def test_mappa_category_and_level_must_exist(officer, person, category, level, field):
    with pytest.raises(ValidationError) as error:
        services.mappa_register(
            by=officer,
            person=person,
            category=category,
            level=level,
            lead_agency="probation",
            start_date=date(2025, 1, 6),
            next_review_date=date(2025, 7, 6),
        )
    assert field in error.value.message_dict
    assert not MappaRegistration.objects.exists()


def test_mappa_is_held_by_the_database_too(officer, person):
    with pytest.raises(IntegrityError), transaction.atomic():
        MappaRegistration.objects.create(
            person=person,
            category=5,
            level=1,
            lead_agency="probation",
            start_date=date(2025, 1, 6),
            next_review_date=date(2025, 7, 6),
            added_by=officer,
        )


def test_mappa_register_review_and_end_record_who(officer, person):
    manager = factories.ManagerFactory()
    registration = services.mappa_register(
        by=officer,
        person=person,
        category=1,
        level=2,
        lead_agency="police",
        start_date=date(2025, 1, 6),
        next_review_date=date(2025, 4, 6),
    )
    with pytest.raises(ValidationError, match="already has an open MAPPA"):
        services.mappa_register(
            by=officer,
            person=person,
            category=2,
            level=1,
            lead_agency="probation",
            start_date=date(2025, 2, 6),
            next_review_date=date(2025, 4, 6),
        )
    future = date.today() + timedelta(days=120)
    services.mappa_review(by=manager, registration=registration, level=3, next_review_date=future)
    services.mappa_end(by=manager, registration=registration, end_date=date.today(), reason="Order ended")
    registration.refresh_from_db()
    assert (registration.level, registration.next_review_date, registration.ended_by) == (3, future, manager)
    assert [h.history_user for h in registration.history.order_by("history_id")] == [officer, manager, manager]
    with pytest.raises(ValidationError, match="already ended"):
        services.mappa_end(by=manager, registration=registration, end_date=date.today(), reason="Again")


def test_unknown_or_switched_off_registration_type_is_refused_with_a_field_message(officer, person):
    with pytest.raises(ValidationError) as error:
        services.registration_type_by_code("not_a_flag")
    assert error.value.message_dict == {"registration_type": ["There is no registration type “not_a_flag”."]}
    retired = factories.RegistrationTypeFactory(active=False)
    with pytest.raises(ValidationError) as error:
        services.registration_add(
            by=officer, person=person, registration_type=retired, start_date=date(2025, 1, 6), reason="x"
        )
    assert "can no longer be added" in error.value.message_dict["registration_type"][0]


def test_adding_a_flag_sets_its_review_date_and_opens_a_risk_review(officer, person):
    registration = services.registration_add(
        by=officer,
        person=person,
        registration_type=factories.registration_type("domestic_abuse_perpetrator"),
        start_date=date(2025, 1, 31),
        reason="Police call-outs to the home",
    )
    assert registration.review_frequency_months == 3  # the type's default
    assert registration.next_review_date == date(2025, 4, 30)
    assert registration.added_by == officer
    review = RiskReview.objects.get(person=person)
    assert (review.change, review.status, review.registration) == ("new_registration", "open", registration)
    with pytest.raises(ValidationError, match="already has the"):
        services.registration_add(
            by=officer,
            person=person,
            registration_type=registration.registration_type,
            start_date=date(2025, 2, 1),
            reason="Again",
        )


def test_review_and_deregistration_keep_the_flag_and_its_history(officer, person):
    registration = services.registration_add(
        by=officer,
        person=person,
        registration_type=factories.registration_type("weapons"),
        start_date=date(2025, 1, 6),
        reason="Knife possession",
        review_frequency_months=6,
    )
    services.registration_review(by=officer, registration=registration, review_date=date(2025, 7, 1))
    registration.refresh_from_db()
    assert registration.next_review_date == date(2026, 1, 1)
    with pytest.raises(ValidationError) as error:
        services.registration_deregister(
            by=officer, registration=registration, deregistered_date=date(2025, 8, 1), reason=" "
        )
    assert "deregistration_reason" in error.value.message_dict
    services.registration_deregister(
        by=officer,
        registration=registration,
        deregistered_date=date(2025, 8, 1),
        reason="Assessed as no longer relevant",
    )
    registration.refresh_from_db()
    assert not registration.is_open
    assert Registration.objects.filter(pk=registration.pk).exists()  # never deleted
    assert registration.history.count() == 3


def test_change_of_circumstances_needs_what_and_when(officer, person):
    with pytest.raises(ValidationError) as error:
        services.change_of_circumstances_record(
            by=officer, person=person, change="new_registration", description="", occurred_on=date(2025, 1, 6)
        )
    assert set(error.value.message_dict) == {"change", "description"}
    review = services.change_of_circumstances_record(
        by=officer, person=person, change="loss_of_accommodation", description="Evicted", occurred_on=date(2025, 1, 6)
    )
    assert review.status == RiskReview.Status.OPEN and review.history.get().history_user == officer


def test_parents_and_carers_are_for_children(officer, person):
    with pytest.raises(ValidationError, match="children"):
        services.parent_or_carer_add(by=officer, person=person, name="Pat", relationship="mother", involvement="active")
    child = factories.PersonFactory(date_of_birth=date(2011, 9, 1))
    parent = services.parent_or_carer_add(
        by=officer, person=child, name="Pat Hughes", relationship="mother", involvement="not_engaging"
    )
    services.parent_or_carer_update_involvement(by=officer, parent_or_carer=parent, involvement="some")
    parent.refresh_from_db()
    assert parent.involvement == "some"
    assert parent.history.count() == 2


def test_only_one_draft_and_one_current_assessment_per_person_in_the_database(officer, person):
    factories.RoshAssessmentFactory(person=person, draft=True, created_by=officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoshAssessment.objects.create(person=person, kind="full", assessment_date=date(2025, 1, 1), created_by=officer)
    factories.RoshAssessmentFactory(person=person, created_by=officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.RoshAssessmentFactory(person=person, created_by=officer)


def test_overall_level_must_be_the_highest_in_the_database(officer, person):
    assessment = factories.RoshAssessmentFactory(person=person, risk_to_children=4)
    assert assessment.overall_level == 4
    with pytest.raises(IntegrityError), transaction.atomic():
        RoshAssessment.objects.filter(pk=assessment.pk).update(overall_level=2)


def test_review_frequency_of_zero_is_refused_not_defaulted(officer, person):
    with pytest.raises(ValidationError) as error:
        services.registration_add(
            by=officer,
            person=person,
            registration_type=factories.registration_type("weapons"),
            start_date=date(2025, 1, 6),
            reason="Knife",
            review_frequency_months=0,
        )
    assert error.value.message_dict == {"review_frequency_months": ["Review every 1 to 24 months."]}


def test_mappa_review_without_a_date_is_a_field_error(officer, person):
    registration = factories.MappaRegistrationFactory(person=person)
    with pytest.raises(ValidationError) as error:
        services.mappa_review(by=officer, registration=registration, level=2, next_review_date=None)
    assert error.value.message_dict == {"next_review_date": ["Enter a next review date in the future."]}
