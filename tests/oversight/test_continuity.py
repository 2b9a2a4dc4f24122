"""Continuity of officers (oversight.selectors.continuity): how many different responsible officers each case has
had (cases.OfficerAssignment), over the cases active at some time in the last CONTINUITY_MONTHS (9) months.

Today is Wednesday 2 December 2026, so the window starts on 2 March 2026.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cases.models import Case, PersonAccessLimit
from oversight.scopes import Scope
from oversight.selectors.continuity import continuity, continuity_case_list, with_officer_count
from tests import factories
from tests.oversight.figures_setup import TODAY

SINCE = date(2026, 3, 2)


def held_by(case, *officers, start=date(2024, 1, 15)):
    """Assignments of `case` to each officer in turn, a month each, the last one still open (for an active case)."""
    for number, officer in enumerate(officers):
        last = number == len(officers) - 1
        begins = start + timedelta(days=31 * number)
        factories.OfficerAssignmentFactory(
            case=case,
            responsible_officer=officer,
            team=officer.team,
            provider=officer.team.provider,
            start_date=begins,
            end_date=None if last and case.status == Case.Status.ACTIVE else begins + timedelta(days=30),
            kind="allocation" if number == 0 else "transfer_officer",
            reason="new_case" if number == 0 else "workload",
        )
    return case


def active(org, last_name, officer=None):
    return factories.CaseFactory(responsible_officer=officer or org.officer, person__last_name=last_name)


@pytest.fixture
def histories(org):
    third = factories.OfficerFactory(username="tom", team=org.team_a)
    fourth = factories.OfficerFactory(username="una", team=org.team_a)
    officer, colleague = org.officer, org.colleague
    cases = {
        "one": held_by(active(org, "One"), officer),
        "same": held_by(active(org, "Same"), officer, officer),  # the same officer twice is one officer
        "two": held_by(active(org, "Two"), colleague, officer),
        "three": held_by(active(org, "Three"), colleague, third, officer),
        "four": held_by(active(org, "Four"), colleague, third, fourth, officer),
        "back": held_by(active(org, "Back"), officer, colleague, officer),  # two officers, though three spells
        # Ended within the window: counted; ended before it: not.
        "ended_recently": held_by(
            factories.CaseFactory(
                responsible_officer=officer,
                person__last_name="Endedrecently",
                status=Case.Status.ENDED,
                end_date=date(2026, 10, 1),
            ),
            officer,
            colleague,
        ),
        "ended_on_the_day": held_by(
            factories.CaseFactory(
                responsible_officer=officer, person__last_name="Endedontheday", status=Case.Status.ENDED, end_date=SINCE
            ),
            officer,
        ),
        "ended_long_ago": held_by(
            factories.CaseFactory(
                responsible_officer=officer,
                person__last_name="Endedlongago",
                status=Case.Status.ENDED,
                end_date=SINCE - timedelta(days=1),
            ),
            officer,
            colleague,
            third,
        ),
        # No assignment recorded: no officer history to judge.
        "unrecorded": active(org, "Unrecorded"),
        # Another team of the provider, and another provider.
        "southern": held_by(active(org, "Southern", org.other_team_officer), org.other_team_officer),
        "crc": held_by(
            active(org, "Crc", org.other_provider_officer), org.other_provider_officer, org.other_provider_manager
        ),
    }
    factories.CaseFactory(awaiting_allocation=True, provider=org.nps)
    return cases


def test_officer_count_per_case(histories):
    counts = dict(
        with_officer_count(Case.objects.filter(pk__in=[case.pk for case in histories.values()])).values_list(
            "person__last_name", "officer_count"
        )
    )
    assert counts == {
        "One": 1,
        "Same": 1,
        "Two": 2,
        "Three": 3,
        "Four": 4,
        "Back": 2,
        "Endedrecently": 2,
        "Endedontheday": 1,
        "Endedlongago": 3,
        "Unrecorded": 0,
        "Southern": 1,
        "Crc": 2,
    }


def test_continuity_of_a_team(org, histories):
    result = continuity(Scope("team", team=org.team_a), today=TODAY)
    # One, Same, Two, Three, Four, Back, Endedrecently, Endedontheday.
    assert result.cases == 8
    assert result.one_officer == 3  # One, Same, Endedontheday
    assert result.two_officers == 3  # Two, Back, Endedrecently
    assert result.three_or_more == 2  # Three, Four
    assert result.one_officer_percent == Decimal("37.5")
    assert result.three_or_more_percent == Decimal("25.0")
    assert result.since == SINCE


def test_continuity_of_the_provider_and_the_region(org, histories):
    provider = continuity(Scope("provider", provider=org.nps), today=TODAY)
    assert (provider.cases, provider.one_officer, provider.two_officers, provider.three_or_more) == (9, 4, 3, 2)
    assert provider.one_officer_percent == Decimal("44.4")
    region = continuity(Scope("region", region=org.region), today=TODAY)
    assert (region.cases, region.one_officer, region.two_officers, region.three_or_more) == (10, 4, 4, 2)
    assert region.one_officer_percent == Decimal("40.0")
    assert region.three_or_more_percent == Decimal("20.0")


def test_the_window_follows_the_setting(org, histories, settings):
    settings.CONTINUITY_MONTHS = 1
    result = continuity(Scope("team", team=org.team_a), today=TODAY)
    assert result.since == date(2026, 11, 2)
    # Only the active cases: the ended ones ended before 2 November.
    assert (result.cases, result.one_officer, result.two_officers, result.three_or_more) == (6, 2, 2, 2)


def test_a_team_with_no_cases(org):
    result = continuity(Scope("team", team=org.team_a), today=TODAY)
    assert (result.cases, result.one_officer, result.three_or_more, result.two_officers) == (0, 0, 0, 0)
    assert (result.one_officer_percent, result.three_or_more_percent) == (None, None)


def test_the_case_list_has_the_most_officers_first(org, histories):
    cases = continuity_case_list(user=org.manager, scope=Scope("team", team=org.team_a), today=TODAY)
    assert [(case.person.last_name, case.officer_count) for case in cases] == [
        ("Four", 4),
        ("Three", 3),
        ("Back", 2),
        ("Endedrecently", 2),
        ("Two", 2),
        ("Endedontheday", 1),
        ("One", 1),
        ("Same", 1),
    ]


def test_the_case_list_has_only_cases_the_manager_may_see(org, histories):
    factories.PersonAccessLimitFactory(
        person=histories["four"].person,
        user=org.manager,
        kind=PersonAccessLimit.Kind.EXCLUSION,
        added_by=org.administrator,
    )
    region = Scope("region", region=org.region)
    names = [case.person.last_name for case in continuity_case_list(user=org.manager, scope=region, today=TODAY)]
    assert names == ["Three", "Back", "Endedrecently", "Two", "Endedontheday", "One", "Same", "Southern"]
    # The figure still counts every case of the region.
    assert continuity(region, today=TODAY).cases == 10
    crc_names = [
        case.person.last_name
        for case in continuity_case_list(user=org.other_provider_manager, scope=region, today=TODAY)
    ]
    assert crc_names == ["Crc"]
