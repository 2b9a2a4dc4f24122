"""API conventions: authentication (session and token), JSON errors, pagination envelope, OpenAPI schema."""

import pytest
from rest_framework.authtoken.models import Token

from config.api import StandardPagination
from tests import factories

pytestmark = pytest.mark.django_db


class TestAuthentication:
    @pytest.mark.parametrize("url", ["/api/v1/people/", "/api/v1/cases/", "/api/v1/people/A123456/", "/api/v1/"])
    def test_anonymous_gets_401_with_a_token_challenge(self, client, url):
        response = client.get(url)

        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert response.json() == {"detail": "Authentication credentials were not provided."}

    def test_token_authentication(self, org, client):
        case = factories.CaseFactory(responsible_officer=org.officer)
        token = Token.objects.create(user=org.officer)

        response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {token.key}")

        assert response.status_code == 200
        assert [result["id"] for result in response.json()["results"]] == [case.pk]

    def test_token_is_scoped_to_its_user(self, org, client):
        factories.CaseFactory(responsible_officer=org.officer)
        token = Token.objects.create(user=org.other_provider_officer)

        response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {token.key}")

        assert response.json()["count"] == 0

    @pytest.mark.parametrize("header", ["Token not-a-real-token", "Token ", "Token a b"])
    def test_bad_token_is_401(self, org, client, header):
        Token.objects.create(user=org.officer)

        response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=header)

        assert response.status_code == 401
        assert set(response.json()) == {"detail"}

    def test_token_of_a_deactivated_user_is_refused(self, org, client):
        token = Token.objects.create(user=org.officer)
        org.officer.is_active = False
        org.officer.save()

        response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {token.key}")

        assert response.status_code == 401
        assert response.json() == {"detail": "User inactive or deleted."}

    def test_session_authentication(self, org, client_for):
        assert client_for(org.officer).get("/api/v1/cases/").status_code == 200


class TestErrors:
    def test_unknown_person_is_404_json(self, org, client_for):
        response = client_for(org.officer).get("/api/v1/people/Z999999/")

        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}

    def test_invalid_filter_is_400_with_field_errors(self, org, client_for):
        response = client_for(org.officer).get("/api/v1/cases/", {"status": "nonsense"})

        assert response.status_code == 400
        body = response.json()
        assert body["detail"] == "The request has errors."
        assert list(body["errors"]) == ["status"]
        assert body["errors"]["status"] == ["Select a valid choice. nonsense is not one of the available choices."]

    def test_non_numeric_officer_filter_is_400(self, org, client_for):
        response = client_for(org.officer).get("/api/v1/cases/", {"responsible_officer": "abc"})

        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["responsible_officer"]

    def test_method_not_allowed_is_json(self, org, client_for):
        response = client_for(org.officer).delete("/api/v1/cases/")

        assert response.status_code == 405
        assert response.json() == {"detail": 'Method "DELETE" not allowed.'}

    def test_page_out_of_range_is_404_json(self, org, client_for):
        response = client_for(org.officer).get("/api/v1/cases/", {"page": 5})

        assert response.status_code == 404
        assert response.json() == {"detail": "Invalid page."}


class TestPagination:
    def test_envelope_and_links(self, org, client_for):
        factories.CaseFactory.create_batch(5, responsible_officer=org.officer)
        client = client_for(org.officer)

        first = client.get("/api/v1/cases/", {"page_size": 2}).json()
        last = client.get("/api/v1/cases/", {"page_size": 2, "page": 3}).json()

        assert list(first) == ["count", "next", "previous", "results"]
        assert first["count"] == 5
        assert len(first["results"]) == 2
        assert first["previous"] is None
        assert first["next"] == "http://testserver/api/v1/cases/?page=2&page_size=2"
        assert last["next"] is None
        assert last["previous"] == "http://testserver/api/v1/cases/?page=2&page_size=2"
        assert len(last["results"]) == 1

    def test_default_page_size_is_50(self, org, client_for):
        factories.CaseFactory.create_batch(51, responsible_officer=org.officer)

        body = client_for(org.officer).get("/api/v1/cases/").json()

        assert len(body["results"]) == 50
        assert body["count"] == 51
        assert body["next"].endswith("?page=2")

    def test_page_size_is_capped(self, org, client_for, monkeypatch):
        assert (StandardPagination.page_size, StandardPagination.max_page_size) == (50, 200)
        # The cap in action, scaled down so the test does not need 201 rows.
        monkeypatch.setattr(StandardPagination, "max_page_size", 2)
        factories.CaseFactory.create_batch(3, responsible_officer=org.officer)

        body = client_for(org.officer).get("/api/v1/people/", {"page_size": 10_000}).json()

        assert body["count"] == 3
        assert len(body["results"]) == 2


class TestSchema:
    def test_schema_requires_authentication(self, client):
        assert client.get("/api/schema/").status_code == 401
        assert client.get("/api/docs/").status_code == 401

    def test_schema_describes_people_and_cases(self, org, client_for):
        response = client_for(org.officer).get("/api/schema/", {"format": "json"})

        assert response.status_code == 200
        schema = response.json()
        assert schema["openapi"].startswith("3.")
        assert schema["info"]["title"] == "Probation case management API"
        for path in ("/api/v1/people/", "/api/v1/people/{crn}/", "/api/v1/cases/", "/api/v1/cases/{id}/"):
            assert "get" in schema["paths"][path], path
        case_params = {param["name"] for param in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]}
        assert {"status", "crn", "responsible_officer", "page", "page_size"} <= case_params
        people_params = {param["name"] for param in schema["paths"]["/api/v1/people/"]["get"]["parameters"]}
        assert "q" in people_params
        assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])

    def test_schema_as_yaml_by_default(self, org, client_for):
        response = client_for(org.officer).get("/api/schema/")

        assert response.status_code == 200
        assert b"/api/v1/people/:" in response.content

    def test_swagger_ui_for_signed_in_staff(self, org, client_for):
        response = client_for(org.officer).get("/api/docs/")

        assert response.status_code == 200
        assert b"swagger-ui" in response.content
