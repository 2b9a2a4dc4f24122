"""Every cases factory saves a valid row (full_clean passes); factory CRNs never collide."""

import re

import pytest

from cases.models import CRN_PATTERN, AccessRecord, Address, Case, Person, PersonAccessLimit
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory_class", "model", "historised"),
    [
        (factories.PersonFactory, Person, True),
        (factories.AddressFactory, Address, True),
        (factories.PersonAccessLimitFactory, PersonAccessLimit, True),
        (factories.AccessRecordFactory, AccessRecord, False),
        (factories.CaseFactory, Case, True),
    ],
)
def test_factory_saves_a_valid_row(factory_class, model, historised):
    obj = factory_class()

    obj.full_clean()
    assert model.objects.filter(pk=obj.pk).exists()
    if historised:
        assert obj.history.count() == 1


def test_case_factory_default_is_active_and_consistent():
    case = factories.CaseFactory()

    assert case.status == Case.Status.ACTIVE
    assert case.team == case.responsible_officer.team
    assert case.provider == case.team.provider


def test_case_factory_traits():
    waiting = factories.CaseFactory(awaiting_allocation=True)
    ended = factories.CaseFactory(ended=True)

    for case in (waiting, ended):
        case.full_clean()
    assert (waiting.status, waiting.team, waiting.responsible_officer) == (Case.Status.AWAITING_ALLOCATION, None, None)
    assert waiting.provider_id is not None
    assert ended.status == Case.Status.ENDED
    assert ended.end_date >= ended.start_date


def test_ended_access_limit_trait():
    limit = factories.PersonAccessLimitFactory(ended=True)

    limit.full_clean()
    assert limit.ended_at is not None
    assert limit.ended_by == limit.added_by


def test_person_factory_crns_are_valid_and_never_collide():
    crns = [person.crn for person in factories.PersonFactory.build_batch(2000)]

    assert len(set(crns)) == 2000
    assert all(re.fullmatch(CRN_PATTERN, crn) for crn in crns)
    assert not any(crn[0] in "IOQ" for crn in crns)


def test_many_saved_people_have_distinct_crns():
    people = factories.PersonFactory.create_batch(50)

    assert Person.objects.filter(pk__in=[p.pk for p in people]).values("crn").distinct().count() == 50
