"""Review fixes for issue 4 (API): integer filters and ids too big for the database are 400, not 500; a report
author outside the case's provider gets one message that names no one; a report due date far in the future is
refused."""

from datetime import date

import pytest

from cases.models import PreSentenceReport, Sentence
from cases.services import court as court_services
from tests import factories
from tests.cases.test_court_helpers import HEARING, frozen, make_court, nps_report, open_case
from timeliness.models import Clock

pytestmark = pytest.mark.django_db

BIG = 2**70  # beyond a 64-bit integer: the database driver raised OverflowError (a 500)
REPORTS = "/api/v1/pre-sentence-reports/"


@pytest.fixture(autouse=True)
def _frozen_today():
    with frozen():
        yield


@pytest.fixture
def court(db):
    return make_court()


# 1. Integer filters and ids --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/sentences/", "/api/v1/clocks/"])
@pytest.mark.parametrize("value", [str(BIG), str(-BIG), "0", "-1", "1.5"])
def test_a_case_filter_out_of_range_is_400(org, client_for, url, value):
    response = client_for(org.manager).get(url, {"case": value})

    assert response.status_code == 400, response.content
    assert "case" in response.json()["errors"]


@pytest.mark.parametrize("url", ["/api/v1/sentences/", "/api/v1/clocks/"])
def test_the_case_filter_still_filters(org, client_for, url):
    case = factories.CaseFactory(responsible_officer=org.officer)
    other = factories.CaseFactory(responsible_officer=org.officer)
    if url.endswith("sentences/"):
        factories.SentenceFactory(case=case)
        factories.SentenceFactory(case=other)
    else:
        factories.ClockFactory(case=case)
        factories.ClockFactory(case=other)

    response = client_for(org.manager).get(url, {"case": case.pk})

    assert response.status_code == 200, response.content
    assert [row["case"] for row in response.json()["results"]] == [case.pk]


@pytest.mark.parametrize("field", ["case", "court_appearance"])
def test_sentence_create_with_an_id_too_big_is_400_and_changes_nothing(org, client_for, field):
    case = factories.CaseFactory(awaiting_sentence=True, responsible_officer=org.officer)
    body = {"case": case.pk, "disposal": "community_order", "sentence_date": "2026-11-19", "length_months": 12}
    body[field] = BIG

    response = client_for(org.officer).post("/api/v1/sentences/", body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Sentence.objects.exists()


def test_report_create_with_an_author_id_too_big_is_400(org, court, client_for):
    case = open_case(by=org.officer, court=court, team=org.team_a)

    response = client_for(org.officer).post(
        REPORTS,
        {
            "case": case.pk,
            "court_appearance": case.court_appearances.get().pk,
            "report_type": "full_written",
            "due_on": "2026-11-23",
            "author": BIG,
        },
        content_type="application/json",
    )

    assert response.status_code == 400, response.content
    assert "author" in response.json()["errors"]
    assert not PreSentenceReport.objects.exists()


# 3. Report authors outside the case's provider ---------------------------------------------------------------


def _create_body(case, author_id) -> dict:
    return {
        "case": case.pk,
        "court_appearance": case.court_appearances.get().pk,
        "report_type": "full_written",
        "due_on": "2026-11-23",
        "author": author_id,
    }


@pytest.mark.parametrize("who", ["other_provider_officer", "other_provider_manager", "administrator", "unknown"])
def test_report_create_names_no_one_outside_the_provider(org, court, client_for, who):
    case = open_case(by=org.officer, court=court, team=org.team_a)
    author_id = 999_999 if who == "unknown" else getattr(org, who).pk

    response = client_for(org.officer).post(REPORTS, _create_body(case, author_id), content_type="application/json")

    assert response.status_code == 400, response.content
    assert response.json()["errors"]["author"] == [
        "No member of staff of the provider preparing this report has this id."
    ]
    assert "Bethan" not in response.content.decode() and "Huw" not in response.content.decode()
    assert not PreSentenceReport.objects.exists()
    assert not Clock.objects.exists()


@pytest.mark.parametrize("who", ["other_provider_officer", "court_user", "unknown"])
def test_report_change_author_names_no_one_outside_the_provider(org, court, client_for, who):
    report = nps_report(org, court)
    author_id = 999_999 if who == "unknown" else getattr(org, who).pk

    response = client_for(org.officer).patch(
        f"{REPORTS}{report.pk}/", {"author": author_id}, content_type="application/json"
    )

    assert response.status_code == 400, response.content
    assert response.json()["errors"]["author"] == [
        "No member of staff of the provider preparing this report has this id."
    ]
    assert "Bethan" not in response.content.decode() and "Connor" not in response.content.decode()
    report.refresh_from_db()
    assert report.author == org.officer


def test_a_colleague_of_the_provider_who_cannot_write_reports_is_still_explained(org, court, client_for):
    """Within the provider the service's own message applies (the caller may see their colleagues)."""
    report = nps_report(org, court)

    response = client_for(org.officer).patch(
        f"{REPORTS}{report.pk}/", {"author": org.upw.pk}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["author"] == [
        "Ursula Underwood is not a responsible officer and cannot write a pre-sentence report."
    ]


def test_a_colleague_in_another_team_of_the_provider_can_be_the_author(org, court, client_for):
    report = nps_report(org, court)

    response = client_for(org.officer).patch(
        f"{REPORTS}{report.pk}/", {"author": org.other_team_officer.pk}, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    report.refresh_from_db()
    assert report.author == org.other_team_officer


# 2. Report due dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("due_on", ["9999-12-31", "2027-11-03"])
def test_report_due_more_than_a_year_after_the_hearing_is_400(org, court, client_for, due_on):
    case = open_case(by=org.officer, court=court, team=org.team_a)
    body = {**_create_body(case, org.officer.pk), "due_on": due_on}

    response = client_for(org.officer).post(REPORTS, body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert response.json()["errors"]["due_on"] == [
        "The due date must be no more than a year after the hearing that asked for the report: "
        "2 November 2027 at the latest."
    ]
    assert not PreSentenceReport.objects.exists()


def test_report_due_a_year_after_the_hearing_is_accepted(org, court, client_for):
    case = open_case(by=org.officer, court=court, team=org.team_a)
    body = {**_create_body(case, org.officer.pk), "due_on": "2027-11-02"}

    response = client_for(org.officer).post(REPORTS, body, content_type="application/json")

    assert response.status_code == 201, response.content
    assert court_services.one_year_after(HEARING) == date(2027, 11, 2)
