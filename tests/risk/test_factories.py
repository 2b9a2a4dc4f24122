"""Every risk factory saves a valid row (full_clean passes) with history."""

import pytest

from risk.models import MappaRegistration, ParentOrCarer, Registration, RegistrationType, RiskReview, RoshAssessment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory_class", "model"),
    [
        (factories.RoshAssessmentFactory, RoshAssessment),
        (factories.MappaRegistrationFactory, MappaRegistration),
        (factories.RegistrationTypeFactory, RegistrationType),
        (factories.RegistrationFactory, Registration),
        (factories.RiskReviewFactory, RiskReview),
        (factories.ParentOrCarerFactory, ParentOrCarer),
    ],
)
def test_factory_saves_a_valid_row(factory_class, model):
    obj = factory_class()
    obj.full_clean()
    assert model.objects.filter(pk=obj.pk).exists()
    assert obj.history.count() == 1


def test_draft_and_deregistered_traits():
    draft = factories.RoshAssessmentFactory(draft=True)
    assert draft.overall_level is None and draft.completed_by is None
    draft.full_clean()
    ended = factories.RegistrationFactory(deregistered=True)
    assert not ended.is_open
    ended.full_clean()


def test_the_migration_seeds_every_registration_type_the_issue_names():
    names = set(RegistrationType.objects.values_list("name", flat=True))
    assert {
        "Domestic abuse perpetrator",
        "Domestic abuse victim",
        "Child protection concerns",
        "Child concerns",
        "Weapons",
        "Hate crime",
        "Risk to staff",
        "Restraining order",
        "Sex offender",
        "Terrorism-related",
        "Serious further offence",
        "Vulnerable adult",
        "MARAC",
    } <= names
