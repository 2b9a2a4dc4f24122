"""The team dashboard's figures (oversight.selectors.workload): each officer's active cases by RoSH level and case
type, the workload figure (case type weight times RoSH weight, from settings), the caseload threshold and alerts.

Weights by default (config/settings.py): community 1.0, licence 1.2, custody 0.5, youth 1.3; low 0.8, medium 1.0,
high 1.5, very high 2.0, not assessed 1.0.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from cases.models import Case, Disposal
from oversight.selectors.workload import CASE_TYPES, ROSH_KEYS, team_workload, with_case_type, workload_points
from risk.models import RoshAssessment
from tests import factories
from tests.oversight.figures_setup import alert, assess, clock, custody_case, sentence

NO_ROSH = {"very_high": 0, "high": 0, "medium": 0, "low": 0, "none": 0}
NO_TYPES = {"community": 0, "licence": 0, "custody": 0, "youth": 0}


def test_the_default_weights():
    assert settings.CASELOAD_THRESHOLD == 60
    assert settings.WORKLOAD_CASE_TYPE_WEIGHTS == {"community": 1.0, "licence": 1.2, "custody": 0.5, "youth": 1.3}
    assert settings.WORKLOAD_ROSH_WEIGHTS == {"low": 0.8, "medium": 1.0, "high": 1.5, "very_high": 2.0, "none": 1.0}
    assert CASE_TYPES == (
        ("community", "Community"),
        ("licence", "Licence"),
        ("custody", "Custody"),
        ("youth", "Youth"),
    )
    assert [key for key, _ in ROSH_KEYS] == ["very_high", "high", "medium", "low", "none"]


@pytest.mark.parametrize(
    ("case_type", "rosh", "points"),
    [
        ("community", "medium", "1.0"),
        ("community", "high", "1.5"),
        ("licence", "low", "0.96"),
        ("licence", "very_high", "2.4"),
        ("custody", "very_high", "1.0"),
        ("youth", "high", "1.95"),
        ("youth", "none", "1.3"),
    ],
)
def test_workload_points_multiply_the_two_weights(case_type, rosh, points):
    assert workload_points(case_type, rosh) == Decimal(points)


def test_workload_points_follow_the_settings(settings):
    settings.WORKLOAD_CASE_TYPE_WEIGHTS = {"community": 2, "licence": 1.2, "custody": 0.5, "youth": 1.3}
    settings.WORKLOAD_ROSH_WEIGHTS = {"low": 0.8, "medium": 1.25, "high": 1.5, "very_high": 2.0, "none": 1.0}
    assert workload_points("community", "medium") == Decimal("2.50")


@pytest.fixture
def caseload(org):
    """Olivia Okafor's six active cases, one ended and one waiting for allocation; Maya Mensah holds one case."""
    officer = org.officer
    high = factories.CaseFactory(responsible_officer=officer, person__last_name="High")
    sentence(high)
    assess(high, 3)  # community, high: 1.0 x 1.5 = 1.5
    unassessed = factories.CaseFactory(responsible_officer=officer, person__last_name="Unassessed")
    sentence(unassessed)  # community, not assessed: 1.0 x 1.0 = 1.0
    inside = custody_case(officer, released_on=None, person__last_name="Inside")
    assess(inside, 4)  # custody, very high: 0.5 x 2.0 = 1.0
    out = custody_case(officer, released_on=date(2026, 3, 1), person__last_name="Out")
    assess(out, 1)  # licence, low: 1.2 x 0.8 = 0.96
    draft_only = factories.CaseFactory(responsible_officer=officer, person__last_name="Draftonly")
    factories.RoshAssessmentFactory(person=draft_only.person, draft=True)  # not assessed: community 1.0
    reassessed = factories.CaseFactory(responsible_officer=officer, person__last_name="Reassessed")
    old = assess(reassessed, 4, on=date(2025, 10, 1))
    new = assess(reassessed, 2, on=date(2026, 10, 1), status=RoshAssessment.Status.DRAFT, overall_level=None)
    RoshAssessment.objects.filter(pk=old.pk).update(superseded_by=new)
    RoshAssessment.objects.filter(pk=new.pk).update(  # medium: 1.0
        status="completed", overall_level=2, completed_by=officer, completed_at=timezone.now()
    )
    # Not counted: an ended case and one waiting for allocation.
    factories.CaseFactory(responsible_officer=officer, ended=True)
    factories.CaseFactory(awaiting_allocation=True, provider=org.nps)
    # A manager holding a case is listed; another team's officer is not.
    managed = factories.CaseFactory(responsible_officer=org.manager, person__last_name="Managed")
    assess(managed, 2)
    factories.CaseFactory(responsible_officer=org.other_team_officer)
    return org


def rows_by_officer(result):
    return {row.officer.username: row for row in result.officers}


def test_each_officer_counts_by_rosh_level_and_case_type(caseload):
    org = caseload
    result = team_workload(team=org.team_a)
    olivia = rows_by_officer(result)["olivia"]
    assert olivia.active_cases == 6
    assert olivia.by_rosh == {"very_high": 1, "high": 1, "medium": 1, "low": 1, "none": 2}
    assert olivia.by_case_type == {"community": 4, "licence": 1, "custody": 1, "youth": 0}
    # 1.5 + 1.0 + 1.0 + 0.96 + 1.0 + 1.0
    assert olivia.workload == Decimal("6.46")
    assert olivia.workload_rounded == Decimal("6.5")
    assert olivia.over_threshold is False


def test_officers_with_no_cases_are_listed_with_nothing_and_the_busiest_come_first(caseload):
    org = caseload
    factories.OfficerFactory(username="gone", team=org.team_a, is_active=False)
    result = team_workload(team=org.team_a)
    assert [row.officer.username for row in result.officers] == ["olivia", "maya", "colin"]
    maya = rows_by_officer(result)["maya"]
    assert (maya.active_cases, maya.workload, maya.by_rosh["medium"], maya.by_case_type["community"]) == (
        1,
        Decimal("1.0"),
        1,
        1,
    )
    colin = rows_by_officer(result)["colin"]
    assert (colin.active_cases, colin.workload, colin.by_rosh, colin.by_case_type) == (
        0,
        Decimal("0"),
        NO_ROSH,
        NO_TYPES,
    )
    assert (colin.alerts_open, colin.alerts_overdue, colin.over_threshold) == (0, 0, False)
    assert result.team == org.team_a
    assert result.largest_caseload == 6


def test_team_totals(caseload):
    org = caseload
    totals = team_workload(team=org.team_a).totals
    assert totals.officer is None
    assert totals.active_cases == 7
    assert totals.workload == Decimal("7.46")
    assert totals.by_rosh == {"very_high": 1, "high": 1, "medium": 2, "low": 1, "none": 2}
    assert totals.by_case_type == {"community": 5, "licence": 1, "custody": 1, "youth": 0}


def test_the_threshold_flags_caseloads_above_it(caseload, settings):
    org = caseload
    settings.CASELOAD_THRESHOLD = 6
    result = team_workload(team=org.team_a)
    assert result.threshold == 6
    assert result.over_threshold == []  # 6 is not more than 6
    settings.CASELOAD_THRESHOLD = 5
    result = team_workload(team=org.team_a)
    assert result.threshold == 5
    assert [row.officer.username for row in result.over_threshold] == ["olivia"]
    assert rows_by_officer(result)["olivia"].over_threshold is True
    assert rows_by_officer(result)["maya"].over_threshold is False


def test_the_default_threshold_is_more_than_60_cases(org):
    Case.objects.bulk_create(
        [
            Case(
                person=factories.PersonFactory(),
                provider=org.nps,
                team=org.team_a,
                responsible_officer=org.officer,
                status=Case.Status.ACTIVE,
                start_date=date(2026, 1, 5),
            )
            for _ in range(61)
        ]
    )
    result = team_workload(team=org.team_a)
    olivia = rows_by_officer(result)["olivia"]
    assert (olivia.active_cases, olivia.over_threshold, olivia.workload) == (61, True, Decimal("61.0"))
    Case.objects.filter(pk=Case.objects.filter(responsible_officer=org.officer).first().pk).update(
        status=Case.Status.ENDED, end_date=date(2026, 11, 2)
    )
    olivia = rows_by_officer(team_workload(team=org.team_a))["olivia"]
    assert (olivia.active_cases, olivia.over_threshold) == (60, False)


def test_a_youth_offending_teams_cases_are_youth_whatever_the_sentence(org):
    yot = factories.ProviderFactory(yot=True, region=org.region)
    team = factories.TeamFactory(provider=yot, name="Stockport Youth")
    officer = factories.OfficerFactory(username="yasmin", team=team)
    order = factories.CaseFactory(responsible_officer=officer, person__date_of_birth=date(2010, 4, 1))
    sentence(order, disposal=Disposal.YOUTH_REHABILITATION_ORDER)
    assess(order, 3)  # youth, high: 1.3 x 1.5 = 1.95
    detained = factories.CaseFactory(responsible_officer=officer, person__date_of_birth=date(2010, 5, 1))
    sentence(detained, disposal=Disposal.DETENTION_AND_TRAINING_ORDER, length_months=12)  # youth, none: 1.3
    (row,) = team_workload(team=team).officers
    assert row.by_case_type == {"community": 0, "licence": 0, "custody": 0, "youth": 2}
    assert row.by_rosh == {"very_high": 0, "high": 1, "medium": 0, "low": 0, "none": 1}
    assert row.workload == Decimal("3.25")
    assert row.workload_rounded == Decimal("3.3")


def test_case_type_reads_the_current_sentence(org):
    case = factories.CaseFactory(responsible_officer=org.officer)
    # An earlier custodial sentence, completed; the current one is a community order.
    sentence(case, disposal=Disposal.CUSTODY, sentence_date=date(2023, 1, 5), status="completed")
    sentence(case, sentence_date=date(2025, 8, 1))
    no_sentence = factories.CaseFactory(responsible_officer=org.officer)
    types = dict(with_case_type(Case.objects.filter(pk__in=[case.pk, no_sentence.pk])).values_list("pk", "case_type"))
    assert types == {case.pk: "community", no_sentence.pk: "community"}


def test_open_alerts_per_officer(caseload):
    org = caseload
    own = factories.CaseFactory(responsible_officer=org.officer)
    colleagues = factories.CaseFactory(responsible_officer=org.colleague)
    elsewhere = factories.CaseFactory(responsible_officer=org.other_team_officer)
    alert(clock(own, due=date(2026, 12, 3)), org.officer, kind="due_soon")
    overdue = clock(own, due=date(2026, 11, 30))
    alert(overdue, org.officer, kind="due_soon")
    alert(overdue, org.officer, kind="overdue")
    alert(clock(own, due=date(2026, 11, 20), status="met"), org.officer, kind="overdue", closed=True)
    alert(clock(colleagues, due=date(2026, 11, 30)), org.colleague, kind="overdue")
    alert(clock(colleagues, due=date(2026, 11, 29)), org.officer, kind="overdue")  # Olivia told of Colin's case
    # An alert about another team's case is not this team's work.
    alert(clock(elsewhere, due=date(2026, 11, 30)), org.officer, kind="overdue")
    rows = rows_by_officer(team_workload(team=org.team_a))
    assert (rows["olivia"].alerts_open, rows["olivia"].alerts_overdue) == (4, 2)
    assert (rows["colin"].alerts_open, rows["colin"].alerts_overdue) == (1, 1)
    assert (rows["maya"].alerts_open, rows["maya"].alerts_overdue) == (0, 0)
    totals = team_workload(team=org.team_a).totals
    assert (totals.alerts_open, totals.alerts_overdue) == (5, 3)


def test_an_empty_team(org):
    team = factories.TeamFactory(provider=org.nps, name="Wigan")
    result = team_workload(team=team)
    assert (result.officers, result.largest_caseload, result.over_threshold) == ([], 0, [])
    assert result.totals.active_cases == 0
