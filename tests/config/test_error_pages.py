"""403, 404 and 500 pages are the service's own GOV.UK pages, in plain English."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests import factories


@pytest.mark.django_db
def test_not_found_page(client):
    officer = factories.OfficerFactory()
    client.force_login(officer)
    response = client.get("/people/X000000/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "<title>Page not found – Probation case management</title>" in content
    assert "you may not have access to them" in content
    assert 'class="govuk-header"' in content


@pytest.mark.django_db
def test_forbidden_page(client):
    client.force_login(factories.CourtUserFactory())
    response = client.get("/team/")
    assert response.status_code == 403
    content = response.content.decode()
    assert "You do not have access to this page" in content
    assert 'class="govuk-service-navigation' in content


def test_server_error_page_needs_no_database_or_context():
    response = server_error(RequestFactory().get("/anything/"))
    assert response.status_code == 500
    content = response.content.decode()
    assert "Sorry, there is a problem with the service" in content
    assert "govuk-frontend.min.css" in content
