"""Service-level compliance for a scope and a period (oversight.selectors.compliance), on hand-built clocks.

Clocks count in the period their due date falls in: met when stopped by the due date, missed when stopped after
it or still running once it has passed; cancelled clocks and running clocks not yet due are left out. The
period is July to September 2026; today is Wednesday 2 December 2026 unless a test says otherwise.
"""

from datetime import date
from decimal import Decimal

import pytest

from cases.models import PersonAccessLimit
from oversight.scopes import Period, Scope
from oversight.selectors.compliance import ComplianceRow, compliance, is_known_code, missed_cases, percent
from tests import factories
from tests.oversight.figures_setup import Q3, TODAY, clock

NPS_TEAM_CODES = [
    "NPS SL001",
    "NPS SL002",
    "NPS SL003R",
    "NPS SL004R",
    "NPS SL005R",
    "NPS SL006R",
    "NPS SL007",
    "CRC SL005",
    "CRC SL006",
    "LOCAL EN1",
    "LOCAL EN2",
    "NPS SL014",
    "NPS SL012",
    "NPS SL024",
    # completion measures
    "NPS SL018",
    "NPS SL019",
    "CRC SL010",
]
CRC_TEAM_CODES = [
    "CRC SL001",
    "CRC SL002",
    "CRC SL003",
    "CRC SL004",
    "CRC SL013",
    "CRC SL005",
    "CRC SL006",
    "LOCAL EN1",
    "LOCAL EN2",
    "CRC AE",
    "NPS SL015",
    "CRC AF",
    "NPS SL024",
    # completion measures
    "CRC SL007",
    "CRC SL008",
    "CRC SL009a",
    "CRC SL010",
    "CRC SL016",
    "CRC SL017",
    "CRC AC",
]


def team(org):
    return Scope("team", team=org.team_a)


def row(result, code: str) -> ComplianceRow:
    (found,) = [row for row in result.rows if row.code == code]
    return found


def figures(result, code: str) -> tuple[int, int, int, Decimal | None]:
    found = row(result, code)
    return found.met, found.missed, found.total, found.percent


def test_seven_of_ten_clocks_met_is_70_percent(org):
    for number in range(10):
        case = factories.CaseFactory(responsible_officer=org.officer)
        if number < 7:
            clock(case, due=date(2026, 8, 10), status="met", stopped=date(2026, 8, 7))
        else:
            clock(case, due=date(2026, 8, 10), status="missed", stopped=date(2026, 8, 20))
    result = compliance(scope=team(org), period=Q3, today=TODAY)
    sl003 = row(result, "NPS SL003R")
    assert (sl003.met, sl003.missed, sl003.total, sl003.percent) == (7, 3, 10, Decimal("70.0"))
    assert str(sl003.percent) == "70.0"
    assert sl003.kind == "clock"
    assert sl003.target_percent == Decimal("97")
    assert sl003.performance_2017 == Decimal("93.4")
    assert sl003.meets_target is False
    assert sl003.national is True
    assert sl003.name == "First appointment within 5 days of allocation (community sentence)"


def test_levels_with_nothing_in_the_period_are_kept_with_no_percentage(org):
    clock(factories.CaseFactory(responsible_officer=org.officer), due=date(2026, 8, 10), status="met")
    result = compliance(scope=team(org), period=Q3, today=TODAY)
    sl002 = row(result, "NPS SL002")
    assert (sl002.met, sl002.total, sl002.percent, sl002.meets_target) == (0, 0, None, None)
    assert [found.code for found in result.measured_rows] == ["NPS SL003R"]
    assert result.scope == team(org)
    assert result.period == Q3
    assert result.not_measured == (
        (
            "CRC AB / NPS SL017",
            "Serious further offence notified: review or action plan within 3 months",
            "Serious further offences are not recorded in this service yet.",
        ),
    )


def test_clocks_count_in_the_period_of_their_due_date(org):
    case = factories.CaseFactory(responsible_officer=org.officer)
    # In the period: due on its first and last days, whenever they started or stopped.
    clock(case, due=date(2026, 7, 1), started=date(2026, 6, 24), status="met", stopped=date(2026, 6, 30))
    clock(case, due=date(2026, 9, 30), status="missed", stopped=date(2026, 10, 5))
    # Not in the period: due the day before it starts and the day after it ends.
    clock(case, due=date(2026, 6, 30), status="missed", stopped=date(2026, 7, 6))
    clock(case, due=date(2026, 10, 1), started=date(2026, 9, 24), status="met", stopped=date(2026, 9, 28))
    result = compliance(scope=team(org), period=Q3, today=TODAY)
    assert figures(result, "NPS SL003R") == (1, 1, 2, Decimal("50.0"))


def test_running_clocks_count_as_missed_once_past_due_and_cancelled_clocks_never_count(org):
    case = factories.CaseFactory(responsible_officer=org.officer)
    today = date(2026, 9, 15)
    clock(case, due=date(2026, 9, 14), status="open")  # past due, still running: missed
    clock(case, due=date(2026, 9, 15), status="open")  # due today: may still be met, left out
    clock(case, due=date(2026, 9, 28), status="open")  # not yet due: left out
    clock(case, due=date(2026, 8, 3), status="cancelled", stopped=date(2026, 8, 1))
    clock(case, due=date(2026, 8, 5), status="met", stopped=date(2026, 8, 4))
    result = compliance(scope=team(org), period=Q3, today=today)
    assert figures(result, "NPS SL003R") == (1, 1, 2, Decimal("50.0"))
    # Later, the clock due on 15 September is overdue too (still running).
    later = compliance(scope=team(org), period=Q3, today=TODAY)
    assert figures(later, "NPS SL003R") == (1, 3, 4, Decimal("25.0"))


def test_each_service_level_is_counted_on_its_own(org):
    case = factories.CaseFactory(responsible_officer=org.officer)
    clock(case, due=date(2026, 8, 10), status="met", level="NPS SL002")
    clock(case, due=date(2026, 8, 11), status="missed", level="NPS SL002")
    clock(case, due=date(2026, 8, 12), status="met", level="NPS SL001")
    result = compliance(scope=team(org), period=Q3, today=TODAY)
    assert figures(result, "NPS SL002") == (1, 1, 2, Decimal("50.0"))
    assert figures(result, "NPS SL001") == (1, 0, 1, Decimal("100.0"))
    assert row(result, "NPS SL001").meets_target is True
    assert figures(result, "NPS SL003R") == (0, 0, 0, None)


def test_team_provider_and_region_scopes(org):
    """The team counts its own cases; the provider every team of the provider; the region every provider in it."""
    own = factories.CaseFactory(responsible_officer=org.officer)
    other_team = factories.CaseFactory(responsible_officer=org.other_team_officer)
    crc = factories.CaseFactory(responsible_officer=org.other_provider_officer)
    clock(own, due=date(2026, 8, 10), status="met")
    clock(other_team, due=date(2026, 8, 10), status="missed")
    clock(crc, due=date(2026, 8, 10), status="missed", level="CRC SL001")
    clock(crc, due=date(2026, 8, 11), status="met", level="CRC SL005")
    clock(own, due=date(2026, 8, 12), status="met", level="CRC SL005")
    elsewhere = factories.CaseFactory(
        responsible_officer=factories.OfficerFactory(team=factories.TeamFactory(provider=factories.ProviderFactory()))
    )
    clock(elsewhere, due=date(2026, 8, 10), status="missed")

    by_team = compliance(scope=team(org), period=Q3, today=TODAY)
    assert figures(by_team, "NPS SL003R") == (1, 0, 1, Decimal("100.0"))
    assert figures(by_team, "CRC SL005") == (1, 0, 1, Decimal("100.0"))
    assert "CRC SL001" not in [found.code for found in by_team.rows]

    by_provider = compliance(scope=Scope("provider", provider=org.nps), period=Q3, today=TODAY)
    assert figures(by_provider, "NPS SL003R") == (1, 1, 2, Decimal("50.0"))
    assert figures(by_provider, "CRC SL005") == (1, 0, 1, Decimal("100.0"))
    assert "CRC SL001" not in [found.code for found in by_provider.rows]

    by_region = compliance(scope=Scope("region", region=org.region), period=Q3, today=TODAY)
    assert figures(by_region, "NPS SL003R") == (1, 1, 2, Decimal("50.0"))
    assert figures(by_region, "CRC SL001") == (0, 1, 1, Decimal("0.0"))
    assert figures(by_region, "CRC SL005") == (2, 0, 2, Decimal("100.0"))

    crc_team = compliance(scope=Scope("team", team=org.team_b), period=Q3, today=TODAY)
    assert figures(crc_team, "CRC SL001") == (0, 1, 1, Decimal("0.0"))
    assert figures(crc_team, "CRC SL005") == (1, 0, 1, Decimal("100.0"))


def test_the_scope_is_the_team_holding_the_case_now(org):
    case = factories.CaseFactory(responsible_officer=org.officer)
    clock(case, due=date(2026, 8, 10), status="missed")
    case.team, case.responsible_officer = org.team_a2, org.other_team_officer
    case.save()
    assert figures(compliance(scope=team(org), period=Q3, today=TODAY), "NPS SL003R") == (0, 0, 0, None)
    a2 = compliance(scope=Scope("team", team=org.team_a2), period=Q3, today=TODAY)
    assert figures(a2, "NPS SL003R") == (0, 1, 1, Decimal("0.0"))


def test_rows_are_the_service_levels_of_the_scopes_provider_types_in_registry_order(org):
    nps = compliance(scope=team(org), period=Q3, today=TODAY)
    assert [found.code for found in nps.rows] == NPS_TEAM_CODES
    assert [found.kind for found in nps.rows] == ["clock"] * 14 + ["outcome"] * 3
    crc = compliance(scope=Scope("team", team=org.team_b), period=Q3, today=TODAY)
    assert [found.code for found in crc.rows] == CRC_TEAM_CODES
    region = compliance(scope=Scope("region", region=org.region), period=Q3, today=TODAY)
    clock_codes = [found.code for found in region.rows if found.kind == "clock"]
    assert clock_codes == [
        "NPS SL001",
        "NPS SL002",
        "NPS SL003R",
        "CRC SL001",
        "NPS SL004R",
        "CRC SL002",
        "NPS SL005R",
        "NPS SL006R",
        "CRC SL003",
        "CRC SL004",
        "CRC SL013",
        "NPS SL007",
        "CRC SL005",
        "CRC SL006",
        "LOCAL EN1",
        "LOCAL EN2",
        "CRC AE",
        "NPS SL015",
        "NPS SL014",
        "CRC AF",
        "NPS SL012",
        "NPS SL024",
    ]
    assert [found.code for found in region.rows if found.kind == "outcome"] == [
        "CRC SL007",
        "CRC SL008",
        "NPS SL018",
        "CRC SL009a",
        "NPS SL019",
        "CRC SL010",
        "CRC SL016",
        "CRC SL017",
        "CRC AC",
    ]


def test_a_youth_offending_team_has_only_the_local_measures(org):
    yot = factories.TeamFactory(provider=factories.ProviderFactory(yot=True, region=org.region))
    result = compliance(scope=Scope("team", team=yot), period=Q3, today=TODAY)
    assert [found.code for found in result.rows] == ["LOCAL EN1", "LOCAL EN2"]


def test_local_measures_are_flagged_as_not_national(org):
    case = factories.CaseFactory(responsible_officer=org.officer)
    clock(case, due=date(2026, 8, 10), status="met", level="LOCAL EN1")
    clock(case, due=date(2026, 8, 11), status="missed", level="LOCAL EN1")
    result = compliance(scope=team(org), period=Q3, today=TODAY)
    local = row(result, "LOCAL EN1")
    assert (local.national, local.performance_2017, local.target_percent) == (False, None, Decimal("100"))
    assert (local.met, local.total, local.percent, local.meets_target) == (1, 2, Decimal("50.0"), False)
    assert row(result, "LOCAL EN2").national is False
    assert {found.code for found in result.rows if not found.national} == {"LOCAL EN1", "LOCAL EN2"}


def test_two_of_three_is_66_7_percent(org):
    case = factories.CaseFactory(responsible_officer=org.officer)
    clock(case, due=date(2026, 8, 10), status="met")
    clock(case, due=date(2026, 8, 11), status="met")
    clock(case, due=date(2026, 8, 12), status="missed")
    assert figures(compliance(scope=team(org), period=Q3, today=TODAY), "NPS SL003R") == (
        2,
        1,
        3,
        Decimal("66.7"),
    )


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (7, 10, "70.0"),
        (2, 3, "66.7"),
        (1, 3, "33.3"),
        (1, 6, "16.7"),
        (1, 16, "6.3"),  # 6.25: halves round up
        (1, 80, "1.3"),  # 1.25
        (5, 8, "62.5"),
        (0, 4, "0.0"),
        (4, 4, "100.0"),
        (969, 1000, "96.9"),
    ],
)
def test_percent_is_rounded_half_up_to_one_place(part, whole, expected):
    assert percent(part, whole) == Decimal(expected)
    assert str(percent(part, whole)) == expected


def test_percent_of_nothing_is_none():
    assert percent(0, 0) is None


@pytest.mark.parametrize(("met", "total", "meets"), [(97, 100, True), (969, 1000, False), (100, 100, True)])
def test_meets_target_compares_the_rounded_percentage_with_the_target(met, total, meets):
    found = ComplianceRow("X", "x", "clock", Decimal("97"), None, True, met, total)
    assert found.meets_target is meets


def test_known_codes():
    assert is_known_code("NPS SL003R") is True
    assert is_known_code("LOCAL EN1") is True
    assert is_known_code("CRC SL016") is True
    assert is_known_code("CRC AB / NPS SL017") is False
    assert is_known_code("nps sl003r") is False
    assert is_known_code("") is False


# The cases that missed ---------------------------------------------------------------------------------------------


def test_missed_cases_lists_the_missed_clocks_oldest_first_with_how_late(org):
    late = factories.CaseFactory(responsible_officer=org.officer, person__last_name="Late")
    running = factories.CaseFactory(responsible_officer=org.colleague, person__last_name="Running")
    holiday = factories.CaseFactory(responsible_officer=org.officer, person__last_name="Holiday")
    clock(late, due=date(2026, 8, 10), status="missed", stopped=date(2026, 8, 20))  # a Monday to a Thursday
    clock(running, due=date(2026, 9, 28), status="open")
    # Due Friday 28 August, stopped Tuesday 1 September: Monday 31 August is a bank holiday.
    clock(holiday, due=date(2026, 8, 28), status="missed", stopped=date(2026, 9, 1))
    clock(late, due=date(2026, 8, 5), status="met", stopped=date(2026, 8, 5))
    clock(late, due=date(2026, 8, 6), status="cancelled", stopped=date(2026, 8, 7))

    result = missed_cases(user=org.manager, scope=team(org), period=Q3, code="NPS SL003R", today=TODAY)
    assert (result.code, result.kind, result.row_label, result.hidden) == ("NPS SL003R", "clock", "Due", 0)
    assert result.name == "First appointment within 5 days of allocation (community sentence)"
    assert [(found.case, found.on, found.detail) for found in result.rows] == [
        (late, date(2026, 8, 10), "Due 10 August 2026; stopped 20 August 2026, 8 working days late."),
        (holiday, date(2026, 8, 28), "Due 28 August 2026; stopped 1 September 2026, 1 working day late."),
        (running, date(2026, 9, 28), "Due 28 September 2026; still running, 47 working days overdue."),
    ]


def test_missed_clocks_of_calendar_day_levels_count_calendar_days(org):
    case = factories.CaseFactory(responsible_officer=org.officer)
    clock(case, due=date(2026, 8, 10), status="missed", stopped=date(2026, 8, 13), level="CRC SL005")
    clock(case, due=date(2026, 8, 14), status="missed", stopped=date(2026, 8, 15), level="CRC SL005")
    result = missed_cases(user=org.manager, scope=team(org), period=Q3, code="CRC SL005", today=TODAY)
    assert [found.detail for found in result.rows] == [
        "Due 10 August 2026; stopped 13 August 2026, 3 days late.",
        "Due 14 August 2026; stopped 15 August 2026, 1 day late.",
    ]


def test_missed_cases_keeps_to_the_period_and_scope(org):
    own = factories.CaseFactory(responsible_officer=org.officer)
    other_team = factories.CaseFactory(responsible_officer=org.other_team_officer)
    clock(own, due=date(2026, 6, 30), status="missed", stopped=date(2026, 7, 2))
    clock(own, due=date(2026, 7, 1), started=date(2026, 6, 24), status="missed", stopped=date(2026, 7, 2))
    clock(other_team, due=date(2026, 7, 2), status="missed", stopped=date(2026, 7, 3))
    result = missed_cases(user=org.manager, scope=team(org), period=Q3, code="NPS SL003R", today=TODAY)
    assert [(found.case, found.on) for found in result.rows] == [(own, date(2026, 7, 1))]
    provider = missed_cases(
        user=org.manager, scope=Scope("provider", provider=org.nps), period=Q3, code="NPS SL003R", today=TODAY
    )
    assert [(found.case, found.on) for found in provider.rows] == [
        (own, date(2026, 7, 1)),
        (other_team, date(2026, 7, 2)),
    ]
    assert provider.hidden == 0


def test_missed_rows_on_cases_the_manager_may_not_open_are_counted_not_listed(org):
    """A region's other providers, and people excluded from the manager's view, count as hidden."""
    own = factories.CaseFactory(responsible_officer=org.officer)
    crc = factories.CaseFactory(responsible_officer=org.other_provider_officer)
    excluded = factories.CaseFactory(responsible_officer=org.colleague)
    factories.PersonAccessLimitFactory(
        person=excluded.person, user=org.manager, kind=PersonAccessLimit.Kind.EXCLUSION, added_by=org.administrator
    )
    for case in (own, crc, excluded):
        clock(case, due=date(2026, 8, 10), status="missed", stopped=date(2026, 8, 11), level="NPS SL024")
    clock(crc, due=date(2026, 8, 12), status="met", level="NPS SL024")
    region = Scope("region", region=org.region)
    result = missed_cases(user=org.manager, scope=region, period=Q3, code="NPS SL024", today=TODAY)
    assert [found.case for found in result.rows] == [own]
    assert result.hidden == 2
    # The figure itself counts every case of the scope.
    assert figures(compliance(scope=region, period=Q3, today=TODAY), "NPS SL024") == (1, 3, 4, Decimal("25.0"))
    # The CRC's manager sees their own case, and the NPS's two are hidden.
    crc_view = missed_cases(user=org.other_provider_manager, scope=region, period=Q3, code="NPS SL024", today=TODAY)
    assert [found.case for found in crc_view.rows] == [crc]
    assert crc_view.hidden == 2


def test_missed_cases_limit_keeps_the_oldest(org):
    case = factories.CaseFactory(responsible_officer=org.officer)
    for day in (14, 12, 10, 11):
        clock(case, due=date(2026, 8, day), status="missed", stopped=date(2026, 8, 20))
    result = missed_cases(user=org.manager, scope=team(org), period=Q3, code="NPS SL003R", today=TODAY, limit=2)
    assert [found.on for found in result.rows] == [date(2026, 8, 10), date(2026, 8, 11)]


def test_a_period_other_than_a_quarter(org):
    case = factories.CaseFactory(responsible_officer=org.officer)
    clock(case, due=date(2026, 8, 3), status="met")
    clock(case, due=date(2026, 8, 10), status="missed")
    clock(case, due=date(2026, 8, 17), status="missed")
    two_weeks = Period(date(2026, 8, 3), date(2026, 8, 16))
    assert figures(compliance(scope=team(org), period=two_weeks, today=TODAY), "NPS SL003R") == (
        1,
        1,
        2,
        Decimal("50.0"),
    )
