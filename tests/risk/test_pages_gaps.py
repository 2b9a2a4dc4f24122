"""The risk gaps list: an officer's own cases, a manager's team, with the reasons for each row."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("risk:gaps")
TODAY = timezone.localdate


def _case(officer, last_name, *, assessed_days_ago=None, **kwargs):
    case = factories.CaseFactory(responsible_officer=officer, person__last_name=last_name, **kwargs)
    if assessed_days_ago is not None:
        factories.RoshAssessmentFactory(person=case.person, assessment_date=TODAY() - timedelta(days=assessed_days_ago))
    return case


@pytest.fixture
def gaps(org, settings):
    """One person for each reason, people without gaps, and gaps the officer must not see."""
    settings.RISK_ASSESSMENT_REVIEW_MONTHS = 6
    never = _case(org.officer, "Never")
    stale = _case(org.officer, "Stale", assessed_days_ago=250)
    changed = _case(org.officer, "Changed", assessed_days_ago=20)
    factories.RiskReviewFactory(person=changed.person)
    flag = _case(org.officer, "Flagged", assessed_days_ago=20)
    factories.RegistrationFactory(person=flag.person, next_review_date=TODAY() - timedelta(days=1))
    mappa = _case(org.officer, "Mappa", assessed_days_ago=20)
    factories.MappaRegistrationFactory(person=mappa.person, next_review_date=TODAY() - timedelta(days=1))
    # No gap: a fresh assessment, flags and MAPPA reviewed in time, and a review the assessment closed.
    fresh = _case(org.officer, "Fresh", assessed_days_ago=10)
    factories.RegistrationFactory(person=fresh.person)
    factories.MappaRegistrationFactory(person=fresh.person)
    factories.RiskReviewFactory(
        person=fresh.person, status="closed", closed_by_assessment=fresh.person.rosh_assessments.get()
    )
    # Gaps that belong to others.
    colleague = _case(org.colleague, "Colleagues")
    other_team = _case(org.other_team_officer, "Otherteam")
    other_provider = _case(org.other_provider_officer, "Elsewhere")
    ended = _case(org.officer, "Ended", ended=True)
    return {
        "never": never,
        "stale": stale,
        "changed": changed,
        "flag": flag,
        "mappa": mappa,
        "fresh": fresh,
        "colleague": colleague,
        "other_team": other_team,
        "other_provider": other_provider,
        "ended": ended,
    }


def _rows(response) -> dict[str, list[str]]:
    return {row["case"].person.last_name: row["reasons"] for row in response.context["rows"]}


def test_an_officer_sees_their_own_cases_with_each_reason(org, client_for, gaps):
    response = client_for(org.officer).get(URL)

    assert response.status_code == 200
    stale_date = gaps["stale"].person.rosh_assessments.get().assessment_date
    assert _rows(response) == {
        "Never": ["No completed risk of serious harm assessment"],
        "Stale": [f"Last assessed {stale_date:%-d %B %Y}: a review is overdue"],
        "Changed": ["Circumstances have changed since the last assessment"],
        "Flagged": ["A registration is past its review date"],
        "Mappa": ["MAPPA is past its review date"],
    }
    html = response.content.decode()
    assert "Responsible officer" not in html  # an officer's list has no officer column
    assert 'data-testid="risk-gaps"' in html
    assert reverse("risk:person_risk", args=[gaps["never"].person.crn]) in html
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Never, " in text and "Not assessed Never" in text
    assert "5 cases with a risk gap." in text


def test_a_manager_sees_the_team_with_the_officer_column(org, client_for, gaps):
    response = client_for(org.manager).get(URL)

    assert set(_rows(response)) == {"Never", "Stale", "Changed", "Flagged", "Mappa", "Colleagues"}
    html = response.content.decode()
    assert "Responsible officer" in html
    assert "Colin Cartwright" in html
    assert '<select class="govuk-select" id="officer" name="officer">' in html


def test_a_manager_can_filter_by_officer(org, client_for, gaps):
    client = client_for(org.manager)

    colleague = client.get(URL, {"officer": org.colleague.pk})
    officer = client.get(URL, {"officer": org.officer.pk})
    stranger = client.get(URL, {"officer": org.other_provider_officer.pk})

    assert set(_rows(colleague)) == {"Colleagues"}
    assert colleague.context["chosen_officer"] == org.colleague
    assert f'<option value="{org.colleague.pk}" selected>' in colleague.content.decode()
    assert set(_rows(officer)) == {"Never", "Stale", "Changed", "Flagged", "Mappa"}
    # An officer outside the team is ignored: the whole team is shown.
    assert stranger.context["chosen_officer"] is None
    assert len(_rows(stranger)) == 6


def test_several_reasons_on_one_row(org, client_for, settings):
    settings.RISK_ASSESSMENT_REVIEW_MONTHS = 6
    case = _case(org.officer, "Everything")
    factories.RiskReviewFactory(person=case.person)
    factories.RegistrationFactory(person=case.person, next_review_date=TODAY() - timedelta(days=5))
    factories.MappaRegistrationFactory(person=case.person, next_review_date=TODAY() - timedelta(days=5))

    response = client_for(org.officer).get(URL)

    assert _rows(response) == {
        "Everything": [
            "No completed risk of serious harm assessment",
            "Circumstances have changed since the last assessment",
            "A registration is past its review date",
            "MAPPA is past its review date",
        ]
    }


def test_no_gaps(org, client_for):
    _case(org.officer, "Fresh", assessed_days_ago=1)

    response = client_for(org.officer).get(URL)

    assert response.context["rows"] == []
    assert "There are no risk gaps." in response.content.decode()


@pytest.mark.parametrize("who", ["court_user", "administrator", "upw"])
def test_staff_without_cases_of_their_own_are_refused(org, client_for, who):
    assert client_for(getattr(org, who)).get(URL).status_code == 403


def test_another_providers_manager_sees_only_their_team(org, client_for, gaps):
    assert set(_rows(client_for(org.other_provider_manager).get(URL))) == {"Elsewhere"}


def test_navigation_item_for_officers_and_managers_only(org, client_for):
    def items(user):
        return [item["text"] for item in client_for(user).get(reverse("cases:search")).context["navigation_items"]]

    assert "Risk gaps" in items(org.officer)
    assert "Risk gaps" in items(org.manager)
    assert "Risk gaps" not in items(org.court_user)
    assert "Risk gaps" not in items(org.upw)
    active = client_for(org.officer).get(URL).context["navigation_items"]
    assert [item["text"] for item in active if item["active"]] == ["Risk gaps"]


def test_paginated_25_to_a_page_keeping_the_officer_filter(org, client_for):
    for index in range(30):
        _case(org.colleague, f"Gap{index:02d}")
    client = client_for(org.manager)

    first = client.get(URL, {"officer": org.colleague.pk})
    second = client.get(URL, {"officer": org.colleague.pk, "page": 2})

    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 5
    assert f'href="?officer={org.colleague.pk}&amp;page=2"' in first.content.decode()


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_queries_are_constant(org, client_for, settings, who):
    settings.RISK_ASSESSMENT_REVIEW_MONTHS = 6
    client = client_for(getattr(org, who))
    holders = [org.officer, org.colleague]

    def make(count):
        for index in range(count):
            case = _case(holders[index % 2], f"Person{index}", assessed_days_ago=[None, 300, 5][index % 3])
            if index % 4 == 0:
                factories.RiskReviewFactory(person=case.person)
            if index % 5 == 0:
                factories.RegistrationFactory(person=case.person, next_review_date=TODAY() - timedelta(days=1))

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL)
        assert response.status_code == 200
        assert response.context["rows"]
        return len(captured)

    make(10)
    small = count()
    make(190)
    assert count() == small
