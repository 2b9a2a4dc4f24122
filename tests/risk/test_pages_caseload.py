"""My caseload's RoSH column, filter and sort, with a constant number of queries."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("cases:caseload")


def _case(org, last_name, level=None, **kwargs):
    case = factories.CaseFactory(responsible_officer=org.officer, person__last_name=last_name, **kwargs)
    if level is not None:
        factories.RoshAssessmentFactory(person=case.person, risk_to_public=level, risk_to_known_adults=1)
    return case


@pytest.fixture
def caseload(org):
    """3 high, 2 low, 1 not assessed; and someone whose old high assessment was superseded by a low one."""
    cases = {
        "Adams": _case(org, "Adams", 3),
        "Baker": _case(org, "Baker", 1),
        "Clark": _case(org, "Clark"),
        "Davies": _case(org, "Davies", 3),
        "Evans": _case(org, "Evans", 3),
    }
    fisher = _case(org, "Fisher")
    current = factories.RoshAssessmentFactory(person=fisher.person, risk_to_public=1, assessment_date=date(2025, 6, 2))
    factories.RoshAssessmentFactory(
        person=fisher.person, risk_to_public=4, assessment_date=date(2024, 6, 2), superseded_by=current
    )
    cases["Fisher"] = fisher
    # Not on the caseload: a colleague's very high case.
    factories.RoshAssessmentFactory(
        person=factories.CaseFactory(responsible_officer=org.colleague, person__last_name="Other").person,
        risk_to_public=4,
    )
    return cases


def _names(response) -> list[str]:
    return [case.person.last_name for case in response.context["page_obj"]]


def _rosh_cells(response) -> dict[str, str]:
    html = response.content.decode()
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, flags=re.S)
    cells = {}
    for row in rows:
        name = re.search(r'<a class="govuk-link" href="/people/[^"]+/">([^,<]+),', row)
        cell = re.search(r'data-testid="rosh-cell">(.*?)</td>', row, flags=re.S)
        if name and cell:
            cells[name.group(1)] = " ".join(re.sub(r"<[^>]+>", " ", cell.group(1)).split())
    return cells


def test_rosh_column_shows_each_current_level(org, client_for, caseload):
    response = client_for(org.officer).get(URL)

    assert _rosh_cells(response) == {
        "Adams": "High",
        "Baker": "Low",
        "Clark": "Not assessed",
        "Davies": "High",
        "Evans": "High",
        "Fisher": "Low",
    }
    html = response.content.decode()
    assert '<strong class="govuk-tag govuk-tag--orange">High</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--green">Low</strong>' in html
    assert "Other" not in _names(response)


@pytest.mark.parametrize(
    ("rosh", "expected"),
    [
        ("", ["Adams", "Baker", "Clark", "Davies", "Evans", "Fisher"]),
        ("high", ["Adams", "Davies", "Evans"]),
        ("low", ["Baker", "Fisher"]),
        ("none", ["Clark"]),
        ("very_high", []),
        ("medium", []),
        ("nonsense", ["Adams", "Baker", "Clark", "Davies", "Evans", "Fisher"]),
    ],
)
def test_filter_by_rosh(org, client_for, caseload, rosh, expected):
    response = client_for(org.officer).get(URL, {"rosh": rosh})

    assert response.status_code == 200
    assert _names(response) == expected
    html = response.content.decode()
    assert 'data-testid="rosh-filter"' in html
    if expected:
        assert 'data-testid="case-table"' in html
    else:
        assert "None of your active cases match this filter." in html


def test_filter_form_offers_every_level_and_keeps_the_choice(org, client_for, caseload):
    html = client_for(org.officer).get(URL, {"rosh": "none", "sort": "-name"}).content.decode()

    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]+)</option>', html)
    assert [(value, label) for value, _selected, label in options] == [
        ("", "All"),
        ("very_high", "Very high"),
        ("high", "High"),
        ("medium", "Medium"),
        ("low", "Low"),
        ("none", "Not assessed"),
    ]
    assert [value for value, selected, _label in options if selected] == ["none"]
    assert '<input type="hidden" name="sort" value="-name">' in html
    assert "1 of your active cases has no completed RoSH assessment." in " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        # Lowest first, then by name; people never assessed last either way.
        ("rosh", ["Baker", "Fisher", "Adams", "Davies", "Evans", "Clark"]),
        ("-rosh", ["Adams", "Davies", "Evans", "Baker", "Fisher", "Clark"]),
    ],
)
def test_sort_by_rosh(org, client_for, caseload, sort, expected):
    response = client_for(org.officer).get(URL, {"sort": sort})

    assert _names(response) == expected
    header = next(column for column in response.context["columns"] if column["key"] == "rosh")
    assert header["aria_sort"] == ("ascending" if sort == "rosh" else "descending")


def test_sorting_and_filtering_together(org, client_for, caseload):
    response = client_for(org.officer).get(URL, {"sort": "-name", "rosh": "high"})

    assert _names(response) == ["Evans", "Davies", "Adams"]
    # The header links keep the filter.
    for column in response.context["columns"]:
        assert "rosh=high" in column["query"]


def test_pagination_keeps_the_filter(org, client_for):
    for index in range(30):
        _case(org, f"High{index:02d}", 3)
    _case(org, "Lowly", 1)
    client = client_for(org.officer)

    first = client.get(URL, {"rosh": "high", "sort": "name"})
    html = first.content.decode()
    assert first.context["page_obj"].paginator.count == 30
    assert 'href="?rosh=high&amp;sort=name&amp;page=2"' in html
    second = client.get(URL, {"rosh": "high", "sort": "name", "page": 2})
    assert len(second.context["page_obj"]) == 5
    assert "Lowly" not in _names(first) + _names(second)


def test_the_team_page_is_unchanged(org, client_for, caseload):
    response = client_for(org.manager).get(reverse("cases:team"))

    assert response.status_code == 200
    assert 'data-testid="rosh-cell"' not in response.content.decode()
    assert [column["key"] for column in response.context["columns"]] == ["name", "crn", "status", "start"]


@pytest.mark.parametrize("params", [{}, {"rosh": "high"}, {"sort": "-rosh"}, {"rosh": "none", "sort": "rosh"}])
def test_caseload_queries_are_constant(org, client_for, params):
    client = client_for(org.officer)
    levels = [None, 1, 2, 3, 4]

    def make(count):
        for index in range(count):
            _case(org, f"Person{index}", levels[index % len(levels)])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, params).status_code == 200
        return len(captured)

    make(10)
    small = count()
    make(190)
    large = count()
    assert small == large
    # Session, user and header (7) + alerts panel + count + page: the RoSH column is part of the page's query.
    assert large == 10
