"""API for court appearances, pre-sentence reports and information requests: scope, 400 with field messages
(nothing changed), create, update, deliver, withdraw, and the clock they drive."""

from datetime import date

import pytest

from cases.models import CourtAppearance, InformationRequest, PreSentenceReport
from cases.services import court as court_services
from tests import factories
from tests.cases.test_court_helpers import (
    HEARING,
    TODAY,
    frozen,
    make_court,
    make_ready,
    nps_report,
    open_case,
)
from timeliness.models import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_today():
    with frozen():
        yield


@pytest.fixture
def court(db):
    return make_court()


REPORTS = "/api/v1/pre-sentence-reports/"
APPEARANCES = "/api/v1/court-appearances/"
INFORMATION = "/api/v1/information-requests/"


@pytest.fixture
def api(org, client_for):
    return client_for(org.officer)


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# Scope -----------------------------------------------------------------------------------------------------


def test_lists_hold_only_records_in_scope(org, court, client_for):
    report = nps_report(org, court)
    information_request = court_services.information_request_add(
        by=org.officer, report=report, source="health", details="", requested_on=HEARING
    )
    appearance = report.court_appearance

    for user, visible in ((org.officer, True), (org.manager, True), (org.other_provider_officer, False)):
        client = client_for(user)
        assert _ids(client.get(REPORTS)) == ([report.pk] if visible else [])
        assert _ids(client.get(APPEARANCES)) == ([appearance.pk] if visible else [])
        assert _ids(client.get(INFORMATION)) == ([information_request.pk] if visible else [])
        expected = 200 if visible else 404
        assert client.get(f"{REPORTS}{report.pk}/").status_code == expected
        assert client.get(f"{APPEARANCES}{appearance.pk}/").status_code == expected
        assert client.get(f"{INFORMATION}{information_request.pk}/").status_code == expected


def test_writes_out_of_scope_are_404_and_change_nothing(org, court, client_for):
    report = nps_report(org, court)
    information_request = court_services.information_request_add(
        by=org.officer, report=report, source="health", details="", requested_on=HEARING
    )
    client = client_for(org.other_provider_officer)

    responses = [
        client.patch(f"{REPORTS}{report.pk}/", {"offence_analysis": "x"}, content_type="application/json"),
        client.post(f"{REPORTS}{report.pk}/deliver/", {"delivered_on": "2026-11-10"}, content_type="application/json"),
        client.post(f"{REPORTS}{report.pk}/withdraw/", {"reason": "x"}, content_type="application/json"),
        client.post(
            REPORTS,
            {"case": report.case.pk, "court_appearance": report.court_appearance.pk, "report_type": "oral"},
            content_type="application/json",
        ),
        client.post(
            APPEARANCES,
            {
                "case": report.case.pk,
                "court": court.code,
                "appearance_date": "2026-11-10",
                "purpose": "review",
                "offences": "x",
            },
            content_type="application/json",
        ),
        client.post(
            INFORMATION,
            {"report": report.pk, "source": "health", "requested_on": "2026-11-10"},
            content_type="application/json",
        ),
        client.post(
            f"{INFORMATION}{information_request.pk}/response/",
            {"status": "not_received"},
            content_type="application/json",
        ),
    ]

    assert [response.status_code for response in responses] == [404] * len(responses)
    assert {response.json()["detail"] for response in responses} == {"Not found."}
    report.refresh_from_db()
    assert (report.offence_analysis, report.status) == ("", "in_progress")  # the information request started it
    assert (PreSentenceReport.objects.count(), CourtAppearance.objects.count(), InformationRequest.objects.count()) == (
        1,
        1,
        1,
    )
    assert InformationRequest.objects.get().status == "requested"


def test_anonymous_is_401(client):
    for url in (REPORTS, APPEARANCES, INFORMATION):
        assert client.get(url).status_code == 401


# Reports ---------------------------------------------------------------------------------------------------


def test_list_filters_by_status_type_and_due_date(org, court, api):
    early = nps_report(org, court, due_on=date(2026, 11, 12))
    late = nps_report(org, court, due_on=date(2026, 11, 30))
    withdrawn = nps_report(org, court, due_on=date(2026, 11, 20))
    court_services.report_withdraw(by=org.officer, report=withdrawn, reason="Not needed")

    assert _ids(api.get(REPORTS)) == [early.pk, withdrawn.pk, late.pk]
    assert _ids(api.get(REPORTS, {"status": "requested"})) == [early.pk, late.pk]
    assert _ids(api.get(REPORTS, {"due_before": "2026-11-20"})) == [early.pk, withdrawn.pk]
    assert _ids(api.get(REPORTS, {"due_after": "2026-11-21"})) == [late.pk]
    assert _ids(api.get(REPORTS, {"report_type": "oral"})) == []
    body = api.get(REPORTS).json()["results"][0]
    assert (body["is_overdue"], body["is_due_today"], body["screening_completed"]) == (True, False, False)
    assert body["court"]["code"] == court.code
    assert body["author"] == {"id": org.officer.pk, "name": "Olivia Okafor"}
    assert api.get(REPORTS, {"status": "lost"}).status_code == 400


def test_create_a_report_request_opens_the_clock(org, court, api):
    case = open_case(by=org.officer, court=court, team=org.team_a)

    response = api.post(
        REPORTS,
        {
            "case": case.pk,
            "court_appearance": case.court_appearances.get().pk,
            "report_type": "full_written",
            "due_on": "2026-11-23",
            "author": org.colleague.pk,
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    report = PreSentenceReport.objects.get(pk=body["id"])
    assert (body["requested_on"], body["due_on"], body["status"]) == ("2026-11-02", "2026-11-23", "requested")
    assert report.author == org.colleague
    assert report.history.get().history_user == org.officer
    clock = Clock.objects.get()
    assert (clock.subject, clock.due_on) == (f"report:{report.pk}", date(2026, 11, 23))


def test_create_with_bad_input_is_400_with_field_messages(org, court, api):
    case = open_case(by=org.officer, court=court, team=org.team_a)
    hearing = case.court_appearances.get().pk

    response = api.post(REPORTS, {"case": case.pk, "report_type": "long"}, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"court_appearance", "report_type"}

    response = api.post(
        REPORTS,
        {"case": case.pk, "court_appearance": hearing, "report_type": "short_format", "due_on": "2026-10-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request has errors.",
        "errors": {
            "due_on": ["The due date cannot be before the report was requested at the hearing on 2 November 2026."]
        },
    }

    other = factories.CourtAppearanceFactory(case=factories.CaseFactory(responsible_officer=org.officer))
    response = api.post(
        REPORTS,
        {"case": case.pk, "court_appearance": other.pk, "report_type": "oral"},
        content_type="application/json",
    )
    assert response.json()["errors"] == {"court_appearance": ["Choose a hearing of this case."]}
    assert (PreSentenceReport.objects.count(), Clock.objects.count()) == (0, 0)


def test_update_content_and_author(org, court, api):
    report = nps_report(org, court)

    response = api.patch(
        f"{REPORTS}{report.pk}/",
        {"offence_analysis": "Hit a stranger", "proposal_disposal": "community_order", "author": org.colleague.pk},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["offence_analysis"], body["proposal_disposal"], body["status"]) == (
        "Hit a stranger",
        "community_order",
        "in_progress",
    )
    assert body["author"]["id"] == org.colleague.pk

    response = api.patch(
        f"{REPORTS}{report.pk}/", {"proposal_disposal": "referral_order"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "is a youth disposal" in response.json()["errors"]["proposal_disposal"][0]
    report.refresh_from_db()
    assert report.proposal_disposal == "community_order"


def test_deliver_refuses_an_incomplete_report_then_delivers(org, court, api):
    report = nps_report(org, court, due_on=date(2026, 11, 12))
    url = f"{REPORTS}{report.pk}/deliver/"

    response = api.post(url, {"delivered_on": "2026-11-12"}, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "offence_analysis",
        "circumstances",
        "proposal_disposal",
        "risk_screening",
    }
    assert Clock.objects.get().status == Clock.Status.OPEN

    make_ready(report, by=org.officer)
    response = api.post(url, {"delivered_on": "2026-11-13"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["delivered_on"]) == ("delivered", "2026-11-13")
    assert Clock.objects.get().status == Clock.Status.MISSED

    response = api.post(url, {"delivered_on": "2026-11-13"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["This report was delivered to the court on 13 November 2026 and cannot be changed."]
    }


def test_deliver_needs_a_date(org, court, api):
    report = nps_report(org, court)

    response = api.post(f"{REPORTS}{report.pk}/deliver/", {}, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"delivered_on"}


def test_withdraw(org, court, api):
    report = nps_report(org, court)
    url = f"{REPORTS}{report.pk}/withdraw/"

    response = api.post(url, {"reason": ""}, content_type="application/json")
    assert response.json()["errors"] == {"reason": ["Enter why the report was withdrawn."]}

    response = api.post(url, {"reason": "Sentenced on the day"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["withdrawn_reason"] == "Sentenced on the day"
    clock = Clock.objects.get()
    assert (clock.status, clock.stopped_on) == (Clock.Status.CANCELLED, TODAY)


# Appearances and information requests -----------------------------------------------------------------------


def test_record_a_hearing(org, court, api):
    case = open_case(by=org.officer, court=court, team=org.team_a)
    body = {"case": case.pk, "court": court.code.lower(), "appearance_date": "2026-11-16", "purpose": "sentence"}

    response = api.post(APPEARANCES, {**body, "offences": ""}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"offences": ["Enter the offences before the court."]}

    response = api.post(APPEARANCES, {**body, "court": "NOPE", "offences": "x"}, content_type="application/json")
    assert response.json()["errors"] == {"court": ["No court has this code."]}
    assert case.court_appearances.count() == 1

    response = api.post(APPEARANCES, {**body, "offences": "Assault"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["court"]["name"] == court.name
    assert case.court_appearances.count() == 2
    assert _ids(api.get(APPEARANCES, {"case": case.pk}))[0] == response.json()["id"]


def test_information_requests_and_responses(org, court, api):
    report = nps_report(org, court)

    response = api.post(
        INFORMATION,
        {"report": report.pk, "source": "other", "requested_on": "2026-11-03"},
        content_type="application/json",
    )
    assert response.json()["errors"] == {"details": ["Say who was asked and for what."]}

    response = api.post(
        INFORMATION,
        {"report": report.pk, "source": "police_domestic_abuse", "requested_on": "2026-11-03"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    url = f"{INFORMATION}{response.json()['id']}/response/"

    response = api.post(url, {"status": "received", "summary": "Two call-outs"}, content_type="application/json")
    assert response.json()["errors"] == {"received_on": ["Enter the date the information arrived."]}

    response = api.post(
        url,
        {"status": "received", "received_on": "2026-11-06", "summary": "Two call-outs"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["received_on"]) == ("received", "2026-11-06")
    report_body = api.get(f"{REPORTS}{report.pk}/").json()
    assert [row["status"] for row in report_body["information_requests"]] == ["received"]
