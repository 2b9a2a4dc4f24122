"""accounts.services: each write validates its input and records the acting user in history."""

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import Court, Provider, Region, Team, User
from tests import factories

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-long-enough-passphrase-2026"


def _staff(by, **overrides):
    values = {
        "by": by,
        "username": "newstarter",
        "first_name": "Nia",
        "last_name": "Newton",
        "email": "nia@justice.example",
        "role": User.Role.RESPONSIBLE_OFFICER,
        "password": GOOD_PASSWORD,
        "team": factories.TeamFactory(),
    }
    values.update(overrides)
    return services.staff_create(**values)


def test_staff_create_records_the_administrator_in_history():
    admin = factories.AdministratorFactory()

    user = _staff(admin)

    record = user.history.get()
    assert record.history_type == "+"
    assert record.history_user == admin
    assert user.check_password(GOOD_PASSWORD)
    assert not user.is_staff


def test_staff_create_administrator_can_use_django_admin():
    user = _staff(None, role=User.Role.ADMINISTRATOR, team=None)

    assert user.is_staff


def test_staff_create_history_does_not_store_the_password():
    user = _staff(None)

    field_names = {field.name for field in user.history.model._meta.fields}
    assert "password" not in field_names
    assert "last_login" not in field_names


@pytest.mark.parametrize("password", ["short", "password1234", "12345678901234"])
def test_staff_create_refuses_a_weak_password(password):
    with pytest.raises(ValidationError) as error:
        _staff(None, password=password)

    assert "password" in error.value.message_dict
    assert not User.objects.filter(username="newstarter").exists()


def test_staff_create_court_user_with_courts():
    court = factories.CourtFactory()

    user = _staff(None, role=User.Role.COURT_USER, team=None, courts=[court])

    assert list(user.courts.all()) == [court]


def test_staff_create_refuses_courts_for_other_roles():
    court = factories.CourtFactory()

    with pytest.raises(ValidationError) as error:
        _staff(None, courts=[court])

    assert "courts" in error.value.message_dict
    assert not User.objects.filter(username="newstarter").exists()


def test_staff_create_refuses_an_officer_without_a_team():
    with pytest.raises(ValidationError, match="must belong to a team"):
        _staff(None, team=None)

    assert not User.objects.filter(username="newstarter").exists()


def test_staff_create_refuses_a_duplicate_username():
    _staff(None)

    with pytest.raises(ValidationError) as error:
        _staff(None, email="other@justice.example")

    assert "username" in error.value.message_dict
    assert User.objects.filter(username="newstarter").count() == 1


def test_organisation_services_record_the_acting_user():
    admin = factories.AdministratorFactory()

    region = services.region_create(by=admin, name="Wales")
    provider = services.provider_create(
        by=admin, name="NPS Wales", code="N03", provider_type=Provider.ProviderType.NPS_DIVISION, region=region
    )
    team = services.team_create(by=admin, provider=provider, name="Cardiff", code="N03CF")
    court = services.court_create(
        by=admin, name="Cardiff Magistrates' Court", code="CF1", court_type=Court.CourtType.MAGISTRATES, region=region
    )

    for model, obj in [(Region, region), (Provider, provider), (Team, team), (Court, court)]:
        record = model.history.get(id=obj.pk)
        assert (record.history_type, record.history_user) == ("+", admin)


def test_provider_create_refuses_an_unknown_type_and_duplicate_code():
    region = factories.RegionFactory()
    services.provider_create(by=None, name="NPS A", code="N09", provider_type="nps_division", region=region)

    with pytest.raises(ValidationError) as error:
        services.provider_create(by=None, name="NPS B", code="N09", provider_type="charity", region=region)

    assert set(error.value.message_dict) == {"code", "provider_type"}
    assert Provider.objects.count() == 1


def test_staff_create_superuser_only_for_an_administrator():
    administrator = _staff(None, username="root", role=User.Role.ADMINISTRATOR, team=None, is_superuser=True)
    assert administrator.is_superuser and administrator.is_staff
    with pytest.raises(ValidationError) as error:
        _staff(None, username="notroot", is_superuser=True)
    assert error.value.message_dict == {"is_superuser": ["Only an administrator can be a superuser."]}
    assert not User.objects.filter(username="notroot").exists()


def test_court_user_courts_are_historised_with_the_acting_user():
    administrator = factories.AdministratorFactory()
    court = factories.CourtFactory()
    user = _staff(administrator, username="clerk", role=User.Role.COURT_USER, team=None, courts=[court])
    latest = user.history.latest()
    assert latest.history_user == administrator
    assert [row.court_id for row in latest.courts.all()] == [court.pk]


def test_the_database_refuses_a_superuser_who_is_not_an_administrator():
    from django.db import IntegrityError, transaction

    officer = factories.OfficerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=officer.pk).update(is_superuser=True)
