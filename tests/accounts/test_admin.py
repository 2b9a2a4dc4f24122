"""The Django admin manages organisations, staff and reference data with history, and deletes nothing."""

import pytest

from accounts.models import Court, Provider, Region, Team, User
from risk.models import RegistrationType
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(factories.AdministratorFactory(is_superuser=True))
    return client


@pytest.mark.parametrize("model", [Region, Provider, Team, Court, User, RegistrationType])
def test_admin_lists_each_model_and_offers_no_delete(admin_client, model):
    opts = model._meta
    response = admin_client.get(f"/admin/{opts.app_label}/{opts.model_name}/")
    assert response.status_code == 200
    assert b'value="delete_selected"' not in response.content


def test_admin_change_records_the_acting_user_in_history(admin_client):
    team = factories.TeamFactory()
    response = admin_client.post(
        f"/admin/accounts/team/{team.pk}/change/",
        {"provider": team.provider_id, "name": "Renamed team", "code": team.code, "active": "on"},
    )
    assert response.status_code == 302, response.content[:500]
    latest = team.history.latest()
    assert latest.name == "Renamed team"
    assert latest.history_user.role == User.Role.ADMINISTRATOR


def test_admin_cannot_delete_a_court(admin_client):
    court = factories.CourtFactory()
    response = admin_client.post(f"/admin/accounts/court/{court.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Court.objects.filter(pk=court.pk).exists()


def test_people_and_cases_are_not_in_the_admin(admin_client):
    assert admin_client.get("/admin/cases/person/").status_code == 404
    assert admin_client.get("/admin/risk/roshassessment/").status_code == 404
