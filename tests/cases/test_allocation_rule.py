"""The allocation rule (shared/DOMAIN.md section 1): under 18 -> YOT; high or very high RoSH or any MAPPA -> NPS;
otherwise CRC; an adult with no current RoSH assessment is blocked."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.services.allocation import AllocationDecision, allocation_decision, decide
from tests import factories
from tests.cases.test_allocation_setup import HIGH, LOW, MEDIUM, VERY_HIGH, assess

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 4)
ADULT = date(1985, 6, 15)


def _decide(*, born=ADULT, on=ON, rosh=None, mappa=None) -> AllocationDecision:
    return decide(name="Pat Smith", date_of_birth=born, on=on, rosh_level=rosh, mappa_category=mappa)


@pytest.mark.parametrize(
    ("rosh", "mappa", "expected"),
    [
        (LOW, None, "crc"),
        (MEDIUM, None, "crc"),
        (HIGH, None, "nps_division"),
        (VERY_HIGH, None, "nps_division"),
        (LOW, 1, "nps_division"),
        (MEDIUM, 3, "nps_division"),
        (HIGH, 2, "nps_division"),
    ],
)
def test_adults_by_risk_and_mappa(rosh, mappa, expected):
    decision = _decide(rosh=rosh, mappa=mappa)

    assert decision.provider_type == expected
    assert decision.blocked == ""
    assert decision.short_label == {"crc": "CRC", "nps_division": "NPS"}[expected]


@pytest.mark.parametrize("rosh", [None, LOW, MEDIUM, HIGH, VERY_HIGH])
@pytest.mark.parametrize("mappa", [None, 2])
def test_children_go_to_the_yot_whatever_the_risk(rosh, mappa):
    decision = _decide(born=date(2010, 1, 1), rosh=rosh, mappa=mappa)

    assert (decision.provider_type, decision.blocked, decision.short_label) == ("yot", "", "YOT")
    assert decision.reason == (
        "Pat Smith is 16 on 4 November 2026: children are supervised by the youth offending team, whatever the risk."
    )


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 11, 3), "yot"),  # the day before the 18th birthday: 17
        (date(2026, 11, 4), "crc"),  # the 18th birthday itself: an adult
        (date(2026, 11, 5), "crc"),
    ],
)
def test_the_18th_birthday_is_the_boundary(on, expected):
    assert _decide(born=date(2008, 11, 4), on=on, rosh=MEDIUM).provider_type == expected


def test_an_adult_without_an_assessment_is_blocked_even_under_mappa():
    for mappa in (None, 1):
        decision = _decide(rosh=None, mappa=mappa)

        assert decision.provider_type is None
        assert decision.is_blocked
        assert (
            decision.blocked == "Allocation is blocked: record a risk of serious harm assessment for Pat Smith first."
        )
        assert decision.short_label == "Blocked: no RoSH assessment"


def test_reasons_are_plain_english():
    assert _decide(rosh=HIGH).reason == (
        "The risk of serious harm is high: the National Probation Service supervises high and very high risk cases."
    )
    assert _decide(rosh=LOW, mappa=2).reason == (
        "Managed under MAPPA (category 2): the National Probation Service supervises everyone managed under MAPPA."
    )
    assert _decide(rosh=MEDIUM).reason == (
        "The risk of serious harm is medium and there is no MAPPA registration: a Community Rehabilitation Company "
        "supervises the case."
    )


class TestReadingTheCurrentRisk:
    def test_reads_the_current_assessment_and_open_mappa_in_one_query(self, db):
        person = factories.PersonFactory(first_name="Jo", last_name="Bloggs", date_of_birth=ADULT)
        assess(person, LOW)
        factories.MappaRegistrationFactory(person=person, category=1)

        with CaptureQueriesContext(connection) as captured:
            decision = allocation_decision(person=person, on=ON)

        assert len(captured) == 1
        assert decision.provider_type == "nps_division"
        assert "category 1" in decision.reason

    def test_only_a_completed_assessment_counts(self, db):
        person = factories.PersonFactory(first_name="Jo", middle_names="", last_name="Bloggs", date_of_birth=ADULT)
        factories.RoshAssessmentFactory(person=person, draft=True, risk_to_public=HIGH)

        decision = allocation_decision(person=person, on=ON)

        assert (
            decision.blocked == "Allocation is blocked: record a risk of serious harm assessment for Jo Bloggs first."
        )

    def test_the_newest_completed_assessment_decides(self, db):
        person = factories.PersonFactory(date_of_birth=ADULT)
        new = assess(person, MEDIUM)
        factories.RoshAssessmentFactory(
            person=person, assessment_date=date(2024, 1, 1), risk_to_public=HIGH, superseded_by=new
        )

        assert allocation_decision(person=person, on=ON).provider_type == "crc"

    def test_an_ended_mappa_registration_does_not_count(self, db):
        person = factories.PersonFactory(date_of_birth=ADULT)
        assess(person, LOW)
        factories.MappaRegistrationFactory(
            person=person, end_date=date(2026, 1, 1), end_reason="Left MAPPA", ended_by=factories.OfficerFactory()
        )

        assert allocation_decision(person=person, on=ON).provider_type == "crc"

    def test_a_child_with_no_assessment_goes_to_the_yot(self, db):
        person = factories.PersonFactory(date_of_birth=date(2010, 5, 5))

        decision = allocation_decision(person=person, on=ON)

        assert (decision.provider_type, decision.blocked) == ("yot", "")
