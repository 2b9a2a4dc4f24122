"""A NUL character in a URL or query gets a clear 400, never a database error (PostgreSQL refuses NUL)."""

import pytest

from tests import factories


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/people/%00/", "/search/?q=smi%00th", "/api/v1/people/%00/", "/api/v1/people/?q=a%00", "/caseload/?sort=%00"],
)
def test_null_characters_are_a_bad_request(client, url):
    client.force_login(factories.OfficerFactory())
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json() == {"detail": "The address contains a character that is not allowed."}


@pytest.mark.django_db
def test_form_bodies_with_null_characters_get_a_form_error(client):
    officer = factories.OfficerFactory()
    case = factories.CaseFactory(responsible_officer=officer)
    client.force_login(officer)
    response = client.post(f"/people/{case.person.crn}/contact-details/", {"telephone": "0161\x00", "email": ""})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
