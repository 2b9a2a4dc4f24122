"""risk.selectors: the one-query current-risk selector and the risk-gaps list, scoped like everything else."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Person
from cases.selectors import caseload_for_officer
from risk import selectors, services
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


def _caseload(officer, people: int) -> None:
    """A third with a superseded and a newer very-high assessment, a third high with MAPPA, a third none."""
    narrative = {
        "who_is_at_risk": "Partner",
        "nature_of_risk": "Violence",
        "circumstances_increasing_risk": "Drinking",
        "plan_supervision": "Weekly",
        "plan_contingency": "Recall",
    }
    for index in range(people):
        case = factories.CaseFactory(responsible_officer=officer)
        if index % 3 == 0:
            for on, public in ((date(2024, 1, 1), 2), (date(2025, 1, 1), 4)):
                services.assessment_record_completed(
                    by=officer,
                    person=case.person,
                    kind="full",
                    assessment_date=on,
                    risk_to_public=public,
                    risk_to_known_adults=1,
                    risk_to_children=1,
                    risk_to_staff=1,
                    **narrative,
                )
        elif index % 3 == 1:
            factories.RoshAssessmentFactory(person=case.person, risk_to_children=3)
            factories.MappaRegistrationFactory(person=case.person, category=1, level=3)


def _current_risk_rows(officer):
    with CaptureQueriesContext(connection) as queries:
        rows = [
            (case.person.crn, case.rosh_level, case.mappa_category, case.mappa_level)
            for case in selectors.with_current_risk(caseload_for_officer(user=officer), "person_id")
        ]
    return rows, len(queries)


@pytest.mark.parametrize("people", [10, 200])
def test_current_risk_for_a_whole_caseload_is_one_query(people):
    officer = factories.OfficerFactory()
    _caseload(officer, people)
    rows, query_count = _current_risk_rows(officer)
    assert query_count == 1
    assert len(rows) == people
    levels = sorted((row[1] for row in rows), key=lambda level: level or 0)
    expected_very_high = len(range(0, people, 3))
    expected_high = len(range(1, people, 3))
    assert levels.count(4) == expected_very_high  # the newer assessment, not the superseded one
    assert levels.count(3) == expected_high
    assert levels.count(None) == people - expected_very_high - expected_high
    assert sum(1 for row in rows if row[2:] == (1, 3)) == expected_high


def test_current_risk_on_people_querysets_and_drafts_do_not_count():
    person = factories.PersonFactory()
    factories.RoshAssessmentFactory(person=person, draft=True)
    annotated = selectors.with_current_risk(Person.objects.filter(pk=person.pk)).get()
    assert annotated.rosh_level is None and annotated.mappa_category is None


def test_filter_by_rosh():
    officer = factories.OfficerFactory()
    for level in (1, 3, 3, None):
        case = factories.CaseFactory(responsible_officer=officer)
        if level:
            factories.RoshAssessmentFactory(person=case.person, risk_to_public=level)
    cases = selectors.with_current_risk(Case.objects.all(), "person_id")
    assert selectors.filter_by_rosh(cases, "high").count() == 2
    assert selectors.filter_by_rosh(cases, "low").count() == 1
    assert selectors.filter_by_rosh(cases, "none").count() == 1
    assert selectors.filter_by_rosh(cases, "nonsense").count() == 4


@pytest.fixture
def gaps_world(org):
    """Five of the officer's people, one of each kind of gap, and one without any gap."""
    today = TODAY
    people = {}

    def case_for(name, officer=org.officer):
        case = factories.CaseFactory(responsible_officer=officer, person__last_name=name)
        people[name] = case
        return case

    case_for("Noassessment")
    stale = case_for("Stale")
    factories.RoshAssessmentFactory(person=stale.person, assessment_date=today - timedelta(days=200))
    changed = case_for("Changed")
    factories.RoshAssessmentFactory(person=changed.person, assessment_date=today - timedelta(days=30))
    factories.RiskReviewFactory(person=changed.person, occurred_on=today - timedelta(days=3))
    flagged = case_for("Flagoverdue")
    factories.RoshAssessmentFactory(person=flagged.person, assessment_date=today - timedelta(days=30))
    factories.RegistrationFactory(person=flagged.person, next_review_date=today - timedelta(days=1))
    mappa = case_for("Mappaoverdue")
    factories.RoshAssessmentFactory(person=mappa.person, assessment_date=today - timedelta(days=30))
    factories.MappaRegistrationFactory(person=mappa.person, next_review_date=today - timedelta(days=1))
    fine = case_for("Uptodate")
    factories.RoshAssessmentFactory(person=fine.person, assessment_date=today - timedelta(days=30))
    factories.RegistrationFactory(person=fine.person, next_review_date=today + timedelta(days=1))
    colleague_gap = case_for("Colleagues", officer=org.colleague)
    other_provider_gap = case_for("Elsewhere", officer=org.other_provider_officer)
    return {"people": people, "colleague_gap": colleague_gap, "other_provider_gap": other_provider_gap}


@time_machine.travel(TODAY)
def test_risk_gaps_for_an_officer_gives_each_reason(org, gaps_world):
    rows = {case.person.last_name: selectors.gap_reasons(case) for case in selectors.risk_gaps(user=org.officer)}
    assert rows == {
        "Noassessment": ["No completed risk of serious harm assessment"],
        "Stale": [f"Last assessed {TODAY - timedelta(days=200):%-d %B %Y}: a review is overdue"],
        "Changed": ["Circumstances have changed since the last assessment"],
        "Flagoverdue": ["A registration is past its review date"],
        "Mappaoverdue": ["MAPPA is past its review date"],
    }


@time_machine.travel(TODAY)
def test_risk_gaps_for_a_manager_cover_the_team_only(org, gaps_world):
    names = {case.person.last_name for case in selectors.risk_gaps(user=org.manager)}
    assert "Colleagues" in names and "Noassessment" in names
    assert "Elsewhere" not in names and "Uptodate" not in names
    only_colleague = {
        case.person.last_name for case in selectors.risk_gaps(user=org.manager, officer_id=org.colleague.pk)
    }
    assert only_colleague == {"Colleagues"}
    assert not selectors.risk_gaps(user=org.court_user).exists()


@time_machine.travel(TODAY)
def test_risk_gaps_hide_people_the_user_is_excluded_from(org, gaps_world):
    person = gaps_world["people"]["Noassessment"].person
    assert "Noassessment" in {case.person.last_name for case in selectors.risk_gaps(user=org.manager)}
    factories.PersonAccessLimitFactory(person=person, user=org.manager, added_by=org.administrator)
    names = {case.person.last_name for case in selectors.risk_gaps(user=org.manager)}
    assert "Noassessment" not in names
    assert "Stale" in names


@time_machine.travel(TODAY)
def test_the_review_interval_is_a_setting(org, gaps_world, settings):
    assert "Stale" in {case.person.last_name for case in selectors.risk_gaps(user=org.officer)}
    settings.RISK_ASSESSMENT_REVIEW_MONTHS = 12
    names = {case.person.last_name for case in selectors.risk_gaps(user=org.officer)}
    assert "Stale" not in names
    assert "Noassessment" in names


@pytest.mark.parametrize("people", [10, 200])
def test_risk_gaps_is_one_query_however_many_people(people):
    officer = factories.OfficerFactory()
    for _ in range(people):
        factories.CaseFactory(responsible_officer=officer)
    with CaptureQueriesContext(connection) as queries:
        rows = [selectors.gap_reasons(case) for case in selectors.risk_gaps(user=officer)]
    assert len(rows) == people
    assert len(queries) == 1


def test_risk_overview_and_assessment_scoping(org):
    case = factories.CaseFactory(responsible_officer=org.officer)
    first = factories.RoshAssessmentFactory(person=case.person, assessment_date=date(2024, 1, 1))
    factories.RegistrationFactory(person=case.person)
    factories.RegistrationFactory(
        person=case.person, deregistered=True, registration_type=factories.registration_type("marac")
    )
    overview = selectors.risk_overview(person=case.person)
    assert overview.current == first and overview.draft is None
    assert [r.registration_type.code for r in overview.open_registrations] == ["weapons"]
    assert [r.registration_type.code for r in overview.past_registrations] == ["marac"]
    assert selectors.assessment_get_for_user(user=org.officer, assessment_id=first.pk) == first
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.assessment_get_for_user(user=org.other_provider_officer, assessment_id=first.pk)
