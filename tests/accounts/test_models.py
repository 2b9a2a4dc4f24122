"""Staff roles and the rules the database holds about them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Provider, User
from tests import factories

pytestmark = pytest.mark.django_db


def test_youth_offending_team_responsible_officer_is_called_case_manager():
    yot_team = factories.TeamFactory(provider=factories.ProviderFactory(yot=True))

    officer = factories.OfficerFactory(team=yot_team)

    assert officer.role_label == "Case manager"


@pytest.mark.parametrize(
    ("provider_type", "factory_class", "label"),
    [
        (Provider.ProviderType.NPS_DIVISION, factories.OfficerFactory, "Responsible officer"),
        (Provider.ProviderType.CRC, factories.OfficerFactory, "Responsible officer"),
        (Provider.ProviderType.YOT, factories.ManagerFactory, "Senior probation officer or team manager"),
        (Provider.ProviderType.YOT, factories.UnpaidWorkSupervisorFactory, "Unpaid work supervisor"),
    ],
)
def test_role_label_elsewhere_is_the_role_name(provider_type, factory_class, label):
    team = factories.TeamFactory(provider=factories.ProviderFactory(provider_type=provider_type))

    assert factory_class(team=team).role_label == label


def test_role_label_for_staff_without_a_team():
    assert factories.CourtUserFactory().role_label == "Court user"
    assert factories.AdministratorFactory().role_label == "Administrator"


def test_provider_is_the_team_provider():
    officer = factories.OfficerFactory()

    assert officer.provider == officer.team.provider
    assert factories.CourtUserFactory().provider is None


def test_manager_and_administrator_flags():
    assert factories.ManagerFactory().is_manager
    assert not factories.OfficerFactory().is_manager
    assert factories.AdministratorFactory().is_administrator
    assert factories.AdministratorFactory(is_superuser=True).is_administrator
    assert not factories.OfficerFactory().is_administrator


@pytest.mark.parametrize("role", list(User.TEAM_ROLES))
def test_team_roles_need_a_team_in_the_database(role):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="teamless", role=role, team=None)
    assert not User.objects.filter(username="teamless").exists()


@pytest.mark.parametrize("role", list(User.TEAM_ROLES))
def test_team_roles_need_a_team_in_validation(role):
    with pytest.raises(ValidationError, match="must belong to a team"):
        User(username="teamless", password="x", role=role, team=None).full_clean()


def test_court_user_cannot_belong_to_a_team():
    team = factories.TeamFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="court-in-team", role=User.Role.COURT_USER, team=team)
    with pytest.raises(ValidationError, match="A court user works for a court"):
        User(username="court-in-team", password="x", role=User.Role.COURT_USER, team=team).full_clean()


def test_unknown_role_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="wizard", role="wizard", team=None)


def test_unknown_provider_type_refused_by_the_database():
    region = factories.RegionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Provider.objects.create(name="Odd", code="X1", provider_type="charity", region=region)


def test_team_name_unique_within_a_provider_only():
    provider = factories.ProviderFactory()
    factories.TeamFactory(provider=provider, name="Bolton")
    factories.TeamFactory(name="Bolton")  # another provider: allowed

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.TeamFactory(provider=provider, name="Bolton")
