"""Who may oversee which team, and the periods compliance figures cover (oversight.scopes)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import Case
from oversight.scopes import (
    Period,
    Scope,
    can_oversee,
    last_full_quarter,
    recent_quarters,
    require_oversight,
    resolve_period,
    resolve_scope,
    scope_options,
    scope_provider_types,
    teams_for,
)
from tests import factories


@pytest.fixture
def senior(org):
    return factories.ManagerFactory(
        username="sena", first_name="Sena", last_name="Senior", team=org.team_a, senior_manager=True
    )


@pytest.fixture
def team_administrator(org):
    return factories.AdministratorFactory(username="adele", first_name="Adele", last_name="Admin", team=org.team_a)


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# Who may oversee ---------------------------------------------------------------------------------------------------


def test_only_managers_and_administrators_with_a_team_can_oversee(org, team_administrator):
    assert can_oversee(org.manager) is True
    assert can_oversee(org.other_provider_manager) is True
    assert can_oversee(team_administrator) is True
    assert can_oversee(org.administrator) is False  # no team
    for user in (org.officer, org.colleague, org.upw, org.court_user, org.other_provider_officer):
        assert can_oversee(user) is False, user.username
        with pytest.raises(PermissionDenied):
            require_oversight(user)


def test_an_inactive_manager_cannot_oversee(org):
    org.manager.is_active = False
    org.manager.save()
    assert can_oversee(org.manager) is False


def test_a_manager_oversees_only_their_own_team(org):
    assert teams_for(org.manager) == [org.team_a]
    assert teams_for(org.officer) == []


def test_a_senior_manager_oversees_every_active_team_of_their_provider_by_name(org, senior):
    closed = factories.TeamFactory(provider=org.nps, name="Bolton (closed)", code="N01BO", active=False)
    aardvark = factories.TeamFactory(provider=org.nps, name="Altrincham", code="N01AL")
    teams = teams_for(senior)
    assert teams == [aardvark, org.team_a, org.team_a2]
    assert closed not in teams
    assert org.team_b not in teams


def test_an_administrator_with_a_team_oversees_every_active_team_of_their_provider(org, team_administrator):
    assert teams_for(team_administrator) == [org.team_a, org.team_a2]


def test_scope_options_are_the_teams_then_the_provider_then_the_region(org, senior):
    assert [option.label for option in scope_options(org.manager)] == [
        "Team: Manchester North",
        "Provider: NPS North West",
        "Region: North West",
    ]
    assert [option.label for option in scope_options(senior)] == [
        "Team: Manchester North",
        "Team: Manchester South",
        "Provider: NPS North West",
        "Region: North West",
    ]
    assert scope_options(org.officer) == []


# resolve_scope -----------------------------------------------------------------------------------------------------


def test_resolve_scope_gives_the_managers_own_team_when_nothing_is_asked(org):
    for kind in (None, "", "team", " team "):
        scope = resolve_scope(org.manager, kind)
        assert (scope.kind, scope.team, scope.name, scope.subject_id) == (
            "team",
            org.team_a,
            "Manchester North",
            org.team_a.pk,
        )


def test_a_manager_can_ask_for_their_own_team_by_id(org):
    assert resolve_scope(org.manager, "team", str(org.team_a.pk)).team == org.team_a
    assert resolve_scope(org.manager, "team", org.team_a.pk).team == org.team_a


def test_a_manager_asking_for_another_team_is_refused_with_a_field_error(org):
    for team in (org.team_a2, org.team_b):
        with pytest.raises(ValidationError) as excinfo:
            resolve_scope(org.manager, "team", team.pk)
        assert errors_of(excinfo) == {"team": ["You can only see the teams you manage."]}


def test_a_team_that_is_not_a_number_or_does_not_exist_is_refused(org):
    with pytest.raises(ValidationError) as excinfo:
        resolve_scope(org.manager, "team", "north")
    assert errors_of(excinfo) == {"team": ["Choose a team from the list."]}
    with pytest.raises(ValidationError) as excinfo:
        resolve_scope(org.manager, "team", 999_999)
    assert errors_of(excinfo) == {"team": ["You can only see the teams you manage."]}


def test_an_unknown_kind_of_scope_is_refused(org):
    with pytest.raises(ValidationError) as excinfo:
        resolve_scope(org.manager, "country")
    assert errors_of(excinfo) == {"scope": ["Choose a team, your provider or your region."]}


def test_a_senior_manager_can_choose_any_active_team_of_their_provider_only(org, senior):
    assert resolve_scope(senior, "team", org.team_a2.pk).team == org.team_a2
    closed = factories.TeamFactory(provider=org.nps, name="Bolton", code="N01BO", active=False)
    for team in (org.team_b, closed):
        with pytest.raises(ValidationError) as excinfo:
            resolve_scope(senior, "team", team.pk)
        assert errors_of(excinfo) == {"team": ["You can only see the teams you manage."]}


def test_an_administrator_with_a_team_can_choose_any_team_of_their_provider(org, team_administrator):
    assert resolve_scope(team_administrator, "team", org.team_a2.pk).team == org.team_a2
    with pytest.raises(ValidationError):
        resolve_scope(team_administrator, "team", org.team_b.pk)


def test_provider_and_region_are_the_users_own_whatever_id_is_sent(org):
    provider = resolve_scope(org.manager, "provider", org.crc.pk)
    assert (provider.kind, provider.provider, provider.label) == ("provider", org.nps, "Provider: NPS North West")
    region = resolve_scope(org.other_provider_manager, "region")
    assert (region.kind, region.region, region.label) == ("region", org.region, "Region: North West")


def test_staff_who_cannot_oversee_get_permission_denied(org):
    for user in (org.officer, org.upw, org.court_user, org.administrator):
        for kind in ("team", "provider", "region"):
            with pytest.raises(PermissionDenied):
                resolve_scope(user, kind)


# Scope.cases and provider types ------------------------------------------------------------------------------------


def test_scope_cases_filters_by_the_current_team_provider_or_region(org):
    own = factories.CaseFactory(responsible_officer=org.officer)
    other_team = factories.CaseFactory(responsible_officer=org.other_team_officer)
    crc = factories.CaseFactory(responsible_officer=org.other_provider_officer)
    elsewhere = factories.CaseFactory(
        responsible_officer=factories.OfficerFactory(team=factories.TeamFactory(provider=factories.ProviderFactory()))
    )

    def ids(scope):
        return set(Case.objects.filter(scope.cases()).values_list("pk", flat=True))

    assert ids(Scope("team", team=org.team_a)) == {own.pk}
    assert ids(Scope("provider", provider=org.nps)) == {own.pk, other_team.pk}
    assert ids(Scope("region", region=org.region)) == {own.pk, other_team.pk, crc.pk}
    assert elsewhere.pk not in ids(Scope("region", region=org.region))


def test_scope_provider_types(org):
    assert scope_provider_types(Scope("team", team=org.team_b)) == ["crc"]
    assert scope_provider_types(Scope("provider", provider=org.nps)) == ["nps_division"]
    assert scope_provider_types(Scope("region", region=org.region)) == ["crc", "nps_division"]
    factories.ProviderFactory(yot=True, region=org.region)
    assert scope_provider_types(Scope("region", region=org.region)) == ["crc", "nps_division", "yot"]


# Periods -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (date(2026, 12, 2), date(2026, 7, 1), date(2026, 9, 30)),
        (date(2027, 1, 1), date(2026, 10, 1), date(2026, 12, 31)),
        (date(2026, 10, 1), date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 9, 30), date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 4, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2025, 10, 1), date(2025, 12, 31)),
        (date(2024, 5, 15), date(2024, 1, 1), date(2024, 3, 31)),
    ],
)
def test_last_full_quarter(today, start, end):
    assert last_full_quarter(today) == Period(start, end)


def test_period_labels_and_keys():
    quarter = Period(date(2026, 7, 1), date(2026, 9, 30))
    assert quarter.label == "July to September 2026 (1 July 2026 to 30 September 2026)"
    assert quarter.key == "2026-07-01_2026-09-30"
    assert Period(date(2026, 10, 1), date(2026, 12, 31)).label == (
        "October to December 2026 (1 October 2026 to 31 December 2026)"
    )
    other = Period(date(2026, 8, 3), date(2026, 8, 14))
    assert other.label == "3 August 2026 to 14 August 2026"
    assert other.key == "2026-08-03_2026-08-14"
    # Two quarters together are not a quarter.
    assert Period(date(2026, 4, 1), date(2026, 9, 30)).label == "1 April 2026 to 30 September 2026"


def test_recent_quarters_newest_first_across_years():
    quarters = recent_quarters(date(2026, 12, 2), count=5)
    assert [(period.start, period.end) for period in quarters] == [
        (date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2025, 7, 1), date(2025, 9, 30)),
    ]
    assert len(recent_quarters(date(2026, 12, 2))) == 8


def test_resolve_period_defaults_to_the_last_full_quarter():
    today = date(2026, 12, 2)
    assert resolve_period(None, None, today=today) == Period(date(2026, 7, 1), date(2026, 9, 30))
    assert resolve_period("", "", today=today) == Period(date(2026, 7, 1), date(2026, 9, 30))


def test_resolve_period_accepts_iso_text_and_dates():
    today = date(2026, 12, 2)
    assert resolve_period(" 2026-08-01 ", "2026-08-31", today=today) == Period(date(2026, 8, 1), date(2026, 8, 31))
    assert resolve_period(date(2026, 8, 1), date(2026, 8, 1), today=today) == Period(date(2026, 8, 1), date(2026, 8, 1))
    # A period may run on past today (the figures count what is known so far).
    assert resolve_period("2026-10-01", "2026-12-31", today=today) == Period(date(2026, 10, 1), date(2026, 12, 31))
    # 3 years is allowed.
    assert resolve_period("2023-12-03", "2026-12-02", today=today).start == date(2023, 12, 3)


@pytest.mark.parametrize(
    ("start", "end", "errors"),
    [
        ("2026-13-01", "2026-12-31", {"start": ["Enter the first day of the period as a real date."]}),
        ("2026-01-01", "31/12/2026", {"end": ["Enter the last day of the period as a real date."]}),
        ("2026-01-01", None, {"end": ["Enter the last day of the period as a real date."]}),
        (
            "yesterday",
            "2026-02-30",
            {
                "start": ["Enter the first day of the period as a real date."],
                "end": ["Enter the last day of the period as a real date."],
            },
        ),
        ("2026-09-30", "2026-07-01", {"end": ["The end of the period must be on or after its start."]}),
        ("2026-12-03", "2026-12-31", {"start": ["The period cannot start in the future."]}),
        ("2020-01-01", "2026-09-30", {"end": ["Choose a period of 3 years or less."]}),
    ],
)
def test_resolve_period_refusals(start, end, errors):
    with pytest.raises(ValidationError) as excinfo:
        resolve_period(start, end, today=date(2026, 12, 2))
    assert errors_of(excinfo) == errors
