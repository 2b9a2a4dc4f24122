"""Search: by CRN, date of birth (two formats) and name (every word must match); a query is required."""

from datetime import date

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("cases:search")


@pytest.fixture
def people(org):
    def person(first, last, crn, born, **case):
        case.setdefault("responsible_officer", org.officer)
        return factories.CaseFactory(
            person__first_name=first, person__last_name=last, person__crn=crn, person__date_of_birth=born, **case
        ).person

    return {
        "mary": person("Mary", "Quimby", "K123456", date(1955, 3, 27)),
        "maria": person("Maria", "Quimby", "K234567", date(1955, 3, 28), ended=True),
        "john": person("John", "Quimbyson", "K345678", date(1955, 3, 27), responsible_officer=org.colleague),
    }


def _crns(response) -> list[str]:
    return [person.crn for person in response.context["page_obj"]]


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_shows_the_error_summary(org, client_for, query):
    response = client_for(org.officer).get(URL, {"q": query})

    assert response.status_code == 200
    assert response.context["page_obj"] is None
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert '<a href="#id_q">Enter a name, CRN or date of birth</a>' in html
    assert "<title>Error: Search" in html


def test_search_page_without_a_query_shows_the_form_only(org, client_for):
    response = client_for(org.officer).get(URL)

    assert response.status_code == 200
    assert response.context["page_obj"] is None
    assert "govuk-error-summary" not in response.content.decode()


@pytest.mark.parametrize("query", ["K123456", "k123456", " K123456 "])
def test_finds_by_crn(org, client_for, people, query):
    response = client_for(org.officer).get(URL, {"q": query})

    assert _crns(response) == ["K123456"]


def test_crn_finds_a_person_whose_only_case_has_ended(org, client_for, people):
    response = client_for(org.officer).get(URL, {"q": "K234567"})

    assert _crns(response) == ["K234567"]
    assert "No open case" in response.content.decode()


@pytest.mark.parametrize("query", ["27/03/1955", "1955-03-27", "27-03-1955"])
def test_finds_by_date_of_birth(org, client_for, people, query):
    response = client_for(org.officer).get(URL, {"q": query})

    assert _crns(response) == ["K123456", "K345678"]  # by surname: Quimby before Quimbyson


def test_finds_by_name_every_word_must_match(org, client_for, people):
    client = client_for(org.officer)

    assert _crns(client.get(URL, {"q": "quimby"})) == ["K234567", "K123456", "K345678"]
    assert _crns(client.get(URL, {"q": "Mary Quimby"})) == ["K123456"]
    assert _crns(client.get(URL, {"q": "  quimby   MARIA "})) == ["K234567"]
    assert _crns(client.get(URL, {"q": "Mary Smith"})) == []


def test_results_show_the_count_and_the_responsible_officer(org, client_for, people):
    response = client_for(org.officer).get(URL, {"q": "Mary Quimby"})

    html = response.content.decode()
    assert "1 result for ‘Mary Quimby’" in html
    assert "Quimby, Mary" in html
    assert "Olivia Okafor" in html


def test_awaiting_allocation_shows_the_provider(org, client_for):
    factories.CaseFactory(
        awaiting_allocation=True, provider=org.nps, person__crn="K999999", person__last_name="Waiting"
    )

    response = client_for(org.manager).get(URL, {"q": "K999999"})

    assert "Awaiting allocation (NPS North West)" in response.content.decode()


def test_no_results_gives_advice(org, client_for, people):
    response = client_for(org.officer).get(URL, {"q": "Zebedee"})

    html = response.content.decode()
    assert "0 results for ‘Zebedee’" in html
    assert "Check the spelling" in html


def test_results_paginate_and_page_two_keeps_the_query(org, client_for):
    factories.CaseFactory.create_batch(30, responsible_officer=org.officer, person__last_name="Quimby")
    client = client_for(org.officer)

    first = client.get(URL, {"q": "Quimby"})
    second = client.get(URL, {"q": "Quimby", "page": 2})

    assert first.context["page_obj"].paginator.count == 30
    assert len(second.context["page_obj"]) == 5
    assert 'href="?q=Quimby&amp;page=2"' in first.content.decode()
