"""Shared fixtures: a small organisation with two providers, three teams and staff in every role.

NPS North West (nps)                       Stockport CRC (crc)
  Manchester North (team_a)                  Stockport (team_b)
    officer       Olivia Okafor (RO)           other_provider_officer  Bethan Barker (RO)
    colleague     Colin Cartwright (RO)        other_provider_manager  Huw Hopkins (manager)
    manager       Maya Mensah (manager)
    upw           Ursula Underwood (UPW supervisor)
  Manchester South (team_a2)
    other_team_officer  Tariq Thompson (RO)
court_user     Connor Clarke (no team)
administrator  Ada Adeyemi (no team)
"""

from datetime import date
from types import SimpleNamespace

import pytest
from django.test import Client

from accounts.models import Provider
from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """MD5 first, so the many users the tests create hash in microseconds (PBKDF2 still verifies)."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def org(db):
    region = factories.RegionFactory(name="North West")
    nps = factories.ProviderFactory(
        name="NPS North West", code="N01", provider_type=Provider.ProviderType.NPS_DIVISION, region=region
    )
    crc = factories.ProviderFactory(
        name="Stockport CRC", code="C05", provider_type=Provider.ProviderType.CRC, region=region
    )
    team_a = factories.TeamFactory(provider=nps, name="Manchester North", code="N01MN")
    team_a2 = factories.TeamFactory(provider=nps, name="Manchester South", code="N01MS")
    team_b = factories.TeamFactory(provider=crc, name="Stockport", code="C05ST")
    return SimpleNamespace(
        region=region,
        nps=nps,
        crc=crc,
        team_a=team_a,
        team_a2=team_a2,
        team_b=team_b,
        officer=factories.OfficerFactory(username="olivia", first_name="Olivia", last_name="Okafor", team=team_a),
        colleague=factories.OfficerFactory(username="colin", first_name="Colin", last_name="Cartwright", team=team_a),
        manager=factories.ManagerFactory(username="maya", first_name="Maya", last_name="Mensah", team=team_a),
        upw=factories.UnpaidWorkSupervisorFactory(
            username="ursula", first_name="Ursula", last_name="Underwood", team=team_a
        ),
        other_team_officer=factories.OfficerFactory(
            username="tariq", first_name="Tariq", last_name="Thompson", team=team_a2
        ),
        other_provider_officer=factories.OfficerFactory(
            username="bethan", first_name="Bethan", last_name="Barker", team=team_b
        ),
        other_provider_manager=factories.ManagerFactory(
            username="huw", first_name="Huw", last_name="Hopkins", team=team_b
        ),
        court_user=factories.CourtUserFactory(username="connor", first_name="Connor", last_name="Clarke"),
        administrator=factories.AdministratorFactory(username="ada", first_name="Ada", last_name="Adeyemi"),
    )


@pytest.fixture
def client_for(db):
    """`client_for(user)`: a test client signed in as that user (force_login: no password, no axes)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def scoped_cases(org):
    """One case in each place the organisation can put it, each person with a distinctive name and birthday.

    Who may see what (cases.selectors): an officer sees their team's cases; a manager sees every case
    of their provider (including those waiting for allocation); nobody sees another provider's cases.
    """

    def case(last_name, crn, born, **kwargs):
        return factories.CaseFactory(
            person__first_name="Pat",
            person__last_name=last_name,
            person__crn=crn,
            person__date_of_birth=born,
            **kwargs,
        )

    return SimpleNamespace(
        own=case("Ownley", "A100001", date(1950, 1, 1), responsible_officer=org.officer),
        team=case("Teamley", "A100002", date(1950, 1, 2), responsible_officer=org.colleague),
        other_team=case("Otherteam", "A100003", date(1950, 1, 3), responsible_officer=org.other_team_officer),
        other_provider=case("Elsewhere", "A100004", date(1950, 1, 4), responsible_officer=org.other_provider_officer),
        waiting=case("Waiting", "A100005", date(1950, 1, 5), awaiting_allocation=True, provider=org.nps),
    )


# Which of `scoped_cases` each member of `org` may see.
VISIBLE_CASES = {
    "officer": {"own", "team"},
    "colleague": {"own", "team"},
    "other_team_officer": {"other_team"},
    "manager": {"own", "team", "other_team", "waiting"},
    "other_provider_officer": {"other_provider"},
    "other_provider_manager": {"other_provider"},
    "upw": set(),
    "court_user": set(),
    "administrator": set(),  # an administrator without a team has no caseload scope
}
SCOPED_CASE_KEYS = ("own", "team", "other_team", "other_provider", "waiting")
