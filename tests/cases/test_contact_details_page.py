"""Change contact details: GOV.UK error summary on bad input (nothing saved), save and redirect on good."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(org):
    return factories.CaseFactory(
        responsible_officer=org.officer,
        person__telephone="0161 496 0000",
        person__mobile="",
        person__email="old@example.org",
    ).person


def _url(person):
    return reverse("cases:person_contact_details", args=[person.crn])


def test_form_shows_the_current_details(org, client_for, person):
    response = client_for(org.officer).get(_url(person))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="0161 496 0000"' in html
    assert 'value="old@example.org"' in html
    assert "govuk-error-summary" not in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"telephone": "0161 496 0000", "mobile": "", "email": "not-an-email"},
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"telephone": "call me", "mobile": "", "email": ""},
            "telephone",
            "Enter a telephone number, like 01632 960 001 or 07700 900 982",
        ),
        (
            {"telephone": "", "mobile": "0770 090", "email": ""},
            "mobile",
            "Enter a mobile number, like 01632 960 001 or 07700 900 982",
        ),
    ],
)
def test_invalid_input_shows_errors_and_changes_nothing(org, client_for, person, data, field, message):
    response = client_for(org.officer).post(_url(person), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "There is a problem" in html
    assert f'<a href="#id_{field}">{message}</a>' in html
    assert f'id="id_{field}-error"' in html
    assert "<title>Error: " in html
    person.refresh_from_db()
    assert (person.telephone, person.mobile, person.email) == ("0161 496 0000", "", "old@example.org")
    assert person.history.count() == 1


def test_valid_post_saves_and_redirects_with_a_message(org, client_for, person):
    client = client_for(org.officer)

    response = client.post(
        _url(person), {"telephone": " 0161 496 0999 ", "mobile": "07700 900 982", "email": "new@example.org"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:person", args=[person.crn])
    person.refresh_from_db()
    assert (person.telephone, person.mobile, person.email) == ("0161 496 0999", "07700 900 982", "new@example.org")
    assert person.history.count() == 2
    follow = client.get(response["Location"])
    assert "Contact details updated" in follow.content.decode()


def test_blank_details_are_allowed(org, client_for, person):
    response = client_for(org.officer).post(_url(person), {"telephone": "", "mobile": "", "email": ""})

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.telephone, person.mobile, person.email) == ("", "", "")


def test_other_methods_not_allowed(org, client_for, person):
    assert client_for(org.officer).put(_url(person)).status_code == 405
