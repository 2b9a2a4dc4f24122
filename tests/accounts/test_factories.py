"""Every accounts factory saves a valid row (full_clean passes) with the right shape."""

import pytest

from accounts.models import Court, Provider, Region, Team, User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory_class", "model"),
    [
        (factories.RegionFactory, Region),
        (factories.ProviderFactory, Provider),
        (factories.TeamFactory, Team),
        (factories.CourtFactory, Court),
        (factories.UserFactory, User),
    ],
)
def test_factory_saves_a_valid_row(factory_class, model):
    obj = factory_class()

    obj.full_clean()
    assert model.objects.filter(pk=obj.pk).exists()
    assert obj.history.count() == 1


@pytest.mark.parametrize(
    ("factory_class", "role", "has_team"),
    [
        (factories.OfficerFactory, User.Role.RESPONSIBLE_OFFICER, True),
        (factories.ManagerFactory, User.Role.MANAGER, True),
        (factories.UnpaidWorkSupervisorFactory, User.Role.UNPAID_WORK_SUPERVISOR, True),
        (factories.CourtUserFactory, User.Role.COURT_USER, False),
        (factories.AdministratorFactory, User.Role.ADMINISTRATOR, False),
    ],
)
def test_user_role_factories(factory_class, role, has_team):
    user = factory_class()

    user.full_clean()
    user.refresh_from_db()
    assert user.role == role
    assert (user.team_id is not None) is has_team
    assert user.check_password(factories.PASSWORD)
    assert user.is_staff is (role == User.Role.ADMINISTRATOR)


def test_court_user_factory_attaches_courts():
    court = factories.CourtFactory()

    user = factories.CourtUserFactory(courts=[court])

    assert list(user.courts.all()) == [court]


def test_provider_traits():
    assert factories.ProviderFactory(crc=True).provider_type == Provider.ProviderType.CRC
    youth = factories.ProviderFactory(yot=True)
    assert youth.provider_type == Provider.ProviderType.YOT
    assert youth.is_youth


def test_sequences_give_distinct_unique_fields():
    teams = factories.TeamFactory.create_batch(3)
    users = factories.UserFactory.create_batch(3)

    assert len({team.code for team in teams}) == 3
    assert len({user.username for user in users}) == 3
