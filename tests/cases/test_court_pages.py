"""The court pages: reports due, a new case at court, the court tab, hearings, reports, information requests.

Each page renders for staff who may see the case, answers "not found" outside scope, shows bad input again
with the error summary (status 400) and changes nothing, and a good submission redirects with a message.
"""

from datetime import date

import pytest
from django.urls import reverse

from cases.models import AccessRecord, Case, CourtAppearance, InformationRequest, Person, PreSentenceReport
from cases.services import court as court_services
from risk.models import RoshAssessment
from tests import factories
from tests.cases.test_court_helpers import (
    HEARING,
    TODAY,
    adult,
    child,
    frozen,
    make_court,
    make_ready,
    make_yot,
    nps_report,
    open_case,
    request_report,
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


@pytest.fixture
def yot(org):
    return make_yot(org)


def _date(prefix: str, day: date) -> dict:
    return {f"{prefix}-day": day.day, f"{prefix}-month": day.month, f"{prefix}-year": day.year}


def _error_summary(response) -> str:
    html = response.content.decode()
    assert "There is a problem" in html
    return html


def _counts():
    return (
        Person.objects.count(),
        Case.objects.count(),
        CourtAppearance.objects.count(),
        PreSentenceReport.objects.count(),
        InformationRequest.objects.count(),
        Clock.objects.count(),
    )


# Reports due ---------------------------------------------------------------------------------------------------


def test_reports_due_lists_open_reports_soonest_first_with_tags(org, court, client_for):
    later = nps_report(org, court, due_on=date(2026, 11, 30))
    overdue = nps_report(org, court, due_on=date(2026, 11, 12))
    today = nps_report(org, court, due_on=TODAY, author=org.colleague)
    delivered = make_ready(nps_report(org, court, due_on=date(2026, 11, 5)), by=org.officer)
    court_services.report_deliver(by=org.officer, report=delivered, delivered_on=date(2026, 11, 5))

    response = client_for(org.officer).get(reverse("cases:reports_due"))

    assert response.status_code == 200
    assert [report.pk for report in response.context["page_obj"]] == [overdue.pk, today.pk, later.pk]
    html = response.content.decode()
    assert html.count('govuk-tag--red">Overdue') == 1
    assert html.count("Due today") == 1
    assert overdue.case.person.crn in html
    assert "Manchester and Salford Magistrates&#x27; Court" in html
    assert "3 reports due" in html


def test_reports_due_filters_by_type_and_mine(org, court, client_for):
    mine = nps_report(org, court, author=org.officer)
    theirs = nps_report(org, court, author=org.colleague)
    oral = request_report(
        by=org.officer,
        case=open_case(by=org.officer, court=court, team=org.team_a),
        report_type="oral",
        due_on=None,
        author=org.colleague,
    )
    client = client_for(org.officer)

    def listed(params):
        return [report.pk for report in client.get(reverse("cases:reports_due"), params).context["page_obj"]]

    assert listed({"mine": "1"}) == [mine.pk]
    assert listed({"type": "oral"}) == [oral.pk]
    assert sorted(listed({"type": "short_format"})) == sorted([mine.pk, theirs.pk])
    assert len(listed({"type": "nonsense"})) == 3


def test_reports_due_is_scoped(org, court, client_for):
    nps_report(org, court)

    for user in (org.other_provider_officer, org.other_team_officer, org.court_user):
        response = client_for(user).get(reverse("cases:reports_due"))
        assert response.context["page_obj"].paginator.count == 0
        assert "There are no reports due." in response.content.decode()


def test_reports_due_is_paginated(org, court, client_for, settings):
    settings.PAGE_SIZE = 2
    for _ in range(3):
        nps_report(org, court)

    response = client_for(org.officer).get(reverse("cases:reports_due"), {"page": 2})

    assert len(response.context["page_obj"]) == 1
    assert "Showing 3 to 3 of 3" in response.content.decode()


# New case at court -------------------------------------------------------------------------------------------


def _new_case_form(chosen_court, **overrides):
    data = {
        "crn": "",
        "first_name": "Dylan",
        "last_name": "Price",
        **_date("date_of_birth", date(1995, 5, 5)),
        "gender": "male",
        "court": chosen_court.pk,
        **_date("appearance_date", HEARING),
        "purpose": "adjourned_for_report",
        "offences": "Criminal damage",
        "report_type": "full_written",
        **_date("due_on", date(2026, 11, 23)),
        "author": "",
    }
    data.update(overrides)
    return data


def test_new_case_at_court_page_renders(org, court, client_for):
    response = client_for(org.officer).get(reverse("cases:court_case_new"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Open a case at court" in html
    assert court.name.replace("'", "&#x27;") in html
    assert "Olivia Okafor (Manchester North)" in html  # an author of the user's provider
    assert "Bethan Barker" not in html


def test_new_case_at_court_for_a_new_person_with_a_report(org, court, client_for):
    response = client_for(org.officer).post(
        reverse("cases:court_case_new"), _new_case_form(court, author=org.colleague.pk)
    )

    person = Person.objects.get(last_name="Price")
    case = Case.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_court", args=[case.pk])
    assert (case.status, case.team, case.responsible_officer) == ("awaiting_sentence", org.team_a, org.colleague)
    report = case.pre_sentence_reports.get()
    assert (report.report_type, report.due_on, report.author) == ("full_written", date(2026, 11, 23), org.colleague)
    assert Clock.objects.get().subject == f"report:{report.pk}"
    assert person.history.get().history_user == org.officer


def test_new_case_at_court_for_a_known_person_by_crn(org, court, client_for):
    ended = factories.CaseFactory(responsible_officer=org.officer, person=adult(), ended=True)

    response = client_for(org.officer).post(
        reverse("cases:court_case_new"),
        _new_case_form(
            court,
            crn=ended.person.crn.lower(),
            first_name="",
            last_name="",
            gender="",
            report_type="",
            **{
                "date_of_birth-day": "",
                "date_of_birth-month": "",
                "date_of_birth-year": "",
                "due_on-day": "",
                "due_on-month": "",
                "due_on-year": "",
            },
        ),
    )

    assert response.status_code == 302
    case = Case.objects.get(person=ended.person, status="awaiting_sentence")
    assert not case.pre_sentence_reports.exists()


def test_new_case_at_court_refuses_a_crn_the_user_cannot_see(org, court, client_for):
    elsewhere = factories.CaseFactory(responsible_officer=org.other_provider_officer, person=adult(), ended=True)
    blank_person = {
        "first_name": "",
        "last_name": "",
        "gender": "",
        "date_of_birth-day": "",
        "date_of_birth-month": "",
        "date_of_birth-year": "",
    }
    before = _counts()

    response = client_for(org.officer).post(
        reverse("cases:court_case_new"), _new_case_form(court, crn=elsewhere.person.crn, **blank_person)
    )

    assert response.status_code == 400
    assert "No one you can see has this CRN" in _error_summary(response)
    assert _counts() == before


def test_new_case_at_court_with_bad_input_shows_every_error_and_writes_nothing(org, court, client_for):
    response = client_for(org.officer).post(
        reverse("cases:court_case_new"),
        _new_case_form(court, first_name="", court="", offences="", **{"appearance_date-month": "13"}),
    )

    assert response.status_code == 400
    html = _error_summary(response)
    for message in (
        "Enter the person&#x27;s first name",
        "Choose the court",
        "Appearance date must be a real date",
        "Enter the offences before the court",
    ):
        assert message in html
    assert _counts() == (0, 0, 0, 0, 0, 0)


def test_new_case_at_court_for_a_child_at_an_nps_team_is_refused_and_the_person_not_created(org, court, client_for):
    response = client_for(org.officer).post(
        reverse("cases:court_case_new"), _new_case_form(court, **_date("date_of_birth", date(2011, 1, 1)))
    )

    assert response.status_code == 400
    assert "a youth offending team prepares a child&#x27;s report" in _error_summary(response)
    assert _counts() == (0, 0, 0, 0, 0, 0)


def test_new_case_at_court_report_errors_roll_everything_back(org, court, client_for):
    response = client_for(org.officer).post(
        reverse("cases:court_case_new"), _new_case_form(court, **_date("due_on", date(2026, 10, 1)))
    )

    assert response.status_code == 400
    assert "The due date cannot be before the report was requested" in _error_summary(response)
    assert _counts() == (0, 0, 0, 0, 0, 0)


def test_staff_without_a_team_cannot_open_a_case_at_court(org, client_for):
    assert client_for(org.court_user).get(reverse("cases:court_case_new")).status_code == 403


# The court tab ---------------------------------------------------------------------------------------------------


def test_court_tab_shows_hearings_reports_requests_and_screening(org, court, client_for):
    report = nps_report(org, court)
    court_services.information_request_add(
        by=org.officer, report=report, source="police_domestic_abuse", details="Call-outs", requested_on=HEARING
    )

    response = client_for(org.colleague).get(reverse("cases:case_court", args=[report.case.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Adjourned for a report" in html
    assert "Short format written report, requested 2 November 2026" in html
    assert "Police domestic abuse call-outs" in html
    assert "Waiting" in html
    assert f"/people/{report.case.person.crn}/risk/assessments/new/?report={report.pk}" in html
    assert response.context["tab"] == "court"


def test_court_tab_is_404_outside_scope(org, court, client_for):
    report = nps_report(org, court)

    for user in (org.other_provider_officer, org.other_team_officer, org.court_user):
        assert client_for(user).get(reverse("cases:case_court", args=[report.case.pk])).status_code == 404
        assert client_for(user).get(reverse("cases:report", args=[report.pk])).status_code == 404


def test_court_tab_of_a_restricted_person_writes_an_access_record(org, court, client_for):
    report = nps_report(org, court)
    factories.PersonAccessLimitFactory(person=report.case.person, user=org.colleague, kind="restriction")

    assert client_for(org.officer).get(reverse("cases:case_court", args=[report.case.pk])).status_code == 404
    assert client_for(org.colleague).get(reverse("cases:case_court", args=[report.case.pk])).status_code == 200
    assert AccessRecord.objects.filter(person=report.case.person, user=org.colleague).count() == 1


# Hearings and report requests ------------------------------------------------------------------------------------


def test_recording_a_hearing(org, court, client_for):
    case = open_case(by=org.officer, court=court, team=org.team_a)
    url = reverse("cases:court_appearance_new", args=[case.pk])
    client = client_for(org.officer)
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "court": court.pk,
            **_date("appearance_date", date(2026, 11, 16)),
            "purpose": "sentence",
            "offences": "Assault",
        },
    )

    assert response.status_code == 302
    assert case.court_appearances.count() == 2
    assert client.get(response["Location"]).status_code == 200


def test_recording_a_hearing_before_the_case_started_is_400(org, court, client_for):
    case = open_case(by=org.officer, court=court, team=org.team_a)

    response = client_for(org.officer).post(
        reverse("cases:court_appearance_new", args=[case.pk]),
        {"court": court.pk, **_date("appearance_date", date(2026, 10, 1)), "purpose": "sentence", "offences": "x"},
    )

    assert response.status_code == 400
    assert "The appearance date cannot be before the case started (2 November 2026)." in _error_summary(response)
    assert case.court_appearances.count() == 1


def test_recording_a_report_request(org, court, client_for):
    case = open_case(by=org.officer, court=court, team=org.team_a)
    url = reverse("cases:report_request", args=[case.pk])
    client = client_for(org.officer)
    assert client.get(url).status_code == 200

    response = client.post(
        url, {"court_appearance": case.court_appearances.get().pk, "report_type": "oral", "author": org.officer.pk}
    )

    report = case.pre_sentence_reports.get()
    assert response["Location"] == reverse("cases:report", args=[report.pk])
    assert (report.due_on, report.author) == (HEARING, org.officer)


def test_report_request_with_bad_input_is_400(org, court, client_for):
    case = open_case(by=org.officer, court=court, team=org.team_a)

    response = client_for(org.officer).post(
        reverse("cases:report_request", args=[case.pk]),
        {"court_appearance": case.court_appearances.get().pk, "report_type": "short_format"},
    )

    assert response.status_code == 400
    assert "Enter the date the court set for the report." in _error_summary(response)
    assert not PreSentenceReport.objects.exists()


def test_hearing_pages_are_404_outside_scope(org, court, client_for):
    case = open_case(by=org.officer, court=court, team=org.team_a)
    client = client_for(org.other_provider_officer)

    for name in ("court_appearance_new", "report_request"):
        assert client.get(reverse(f"cases:{name}", args=[case.pk])).status_code == 404
        assert client.post(reverse(f"cases:{name}", args=[case.pk]), {}).status_code == 404
    assert case.court_appearances.count() == 1


# A report ----------------------------------------------------------------------------------------------------------


def test_report_page_shows_what_delivery_still_needs_and_saves_content(org, court, client_for):
    report = nps_report(org, court)
    client = client_for(org.officer)
    url = reverse("cases:report", args=[report.pk])

    html = client.get(url).content.decode()
    assert "Before the report can be delivered:" in html
    assert "Add the offence analysis." in html
    assert f"?report={report.pk}" in html
    assert "Youth rehabilitation order" not in html  # adult proposals only
    assert "How did parents or carers take part?" not in html

    response = client.post(
        url,
        {
            "offence_analysis": "Hit a stranger",
            "circumstances": "Unemployed",
            "proposal_disposal": "community_order",
            "proposal_requirements": "",
            "proposal_reasons": "",
            "author": org.colleague.pk,
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.offence_analysis, report.proposal_disposal, report.author, report.status) == (
        "Hit a stranger",
        "community_order",
        org.colleague,
        "in_progress",
    )


def test_youth_report_page_asks_about_parents_and_youth_disposals(org, court, yot, client_for):
    case = open_case(by=yot.officer, court=court, team=yot.team, person=child())
    report = request_report(by=yot.officer, case=case)

    html = client_for(yot.officer).get(reverse("cases:report", args=[report.pk])).content.decode()

    assert "How did parents or carers take part?" in html
    assert "Referral order" in html
    assert "Suspended sentence order" not in html


def test_report_content_with_an_impossible_proposal_is_400(org, court, client_for):
    report = nps_report(org, court)

    response = client_for(org.officer).post(
        reverse("cases:report", args=[report.pk]), {"proposal_disposal": "referral_order", "offence_analysis": "x"}
    )

    assert response.status_code == 400
    assert "Choose a sentence from the list" in _error_summary(response)
    report.refresh_from_db()
    assert (report.offence_analysis, report.status) == ("", "requested")


def test_delivering_a_report(org, court, client_for):
    report = make_ready(nps_report(org, court, due_on=date(2026, 11, 12)), by=org.officer)
    client = client_for(org.officer)
    url = reverse("cases:report_deliver", args=[report.pk])
    assert "The report has everything the court needs." in client.get(url).content.decode()

    response = client.post(url, _date("delivered_on", date(2026, 11, 11)))

    assert response["Location"] == reverse("cases:case_court", args=[report.case.pk])
    report.refresh_from_db()
    assert (report.status, report.delivered_on) == ("delivered", date(2026, 11, 11))
    assert Clock.objects.get().status == Clock.Status.MET
    html = client.get(reverse("cases:report", args=[report.pk])).content.decode()
    assert "Save report" not in html
    assert "Community order" in html


def test_delivering_an_incomplete_report_is_400_with_every_missing_item(org, court, client_for):
    report = nps_report(org, court)

    response = client_for(org.officer).post(
        reverse("cases:report_deliver", args=[report.pk]), _date("delivered_on", TODAY)
    )

    assert response.status_code == 400
    html = _error_summary(response)
    assert "Add the offence analysis." in html
    assert "Complete a risk of serious harm screening for this report" in html
    report.refresh_from_db()
    assert report.status == "requested"
    assert Clock.objects.get().status == Clock.Status.OPEN


def test_withdrawing_a_report(org, court, client_for):
    report = nps_report(org, court)
    client = client_for(org.officer)
    url = reverse("cases:report_withdraw", args=[report.pk])

    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Enter why the report was withdrawn" in _error_summary(response)

    response = client.post(url, {"reason": "Sentenced on the day"})
    assert response.status_code == 302
    assert Clock.objects.get().status == Clock.Status.CANCELLED


def test_a_closed_report_refuses_changes_with_400(org, court, client_for):
    report = nps_report(org, court)
    court_services.report_withdraw(by=org.officer, report=report, reason="Not needed")
    client = client_for(org.officer)

    assert client.get(reverse("cases:report", args=[report.pk])).status_code == 200
    for name in ("report", "report_deliver", "report_withdraw", "information_request_new"):
        response = client.post(reverse(f"cases:{name}", args=[report.pk]), {"reason": "x", "offence_analysis": "x"})
        assert response.status_code == 400
        assert "This report was withdrawn and cannot be changed." in response.content.decode()
    report.refresh_from_db()
    assert report.offence_analysis == ""


# Information requests ----------------------------------------------------------------------------------------------


def test_recording_an_information_request_and_its_response(org, court, client_for):
    report = nps_report(org, court)
    client = client_for(org.officer)
    url = reverse("cases:information_request_new", args=[report.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"source": "other", "details": "", **_date("requested_on", HEARING)})
    assert response.status_code == 400
    assert "Say who was asked and for what." in _error_summary(response)
    assert not InformationRequest.objects.exists()

    response = client.post(url, {"source": "childrens_services", "details": "", **_date("requested_on", HEARING)})
    assert response.status_code == 302
    information_request = InformationRequest.objects.get()

    url = reverse("cases:information_request_response", args=[information_request.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "received", "summary": "Known to them"})
    assert response.status_code == 400
    assert "Enter the date the information arrived." in _error_summary(response)

    response = client.post(url, {"status": "received", **_date("received_on", date(2026, 11, 6)), "summary": "Known"})
    assert response["Location"] == reverse("cases:report", args=[report.pk])
    information_request.refresh_from_db()
    assert (information_request.status, information_request.received_on) == ("received", date(2026, 11, 6))


def test_information_request_pages_are_404_outside_scope(org, court, client_for):
    report = nps_report(org, court)
    information_request = court_services.information_request_add(
        by=org.officer, report=report, source="health", details="", requested_on=HEARING
    )
    client = client_for(org.other_provider_officer)

    assert client.get(reverse("cases:information_request_new", args=[report.pk])).status_code == 404
    assert client.get(reverse("cases:report_deliver", args=[report.pk])).status_code == 404
    assert client.get(reverse("cases:report_withdraw", args=[report.pk])).status_code == 404
    url = reverse("cases:information_request_response", args=[information_request.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "not_received"}).status_code == 404
    information_request.refresh_from_db()
    assert information_request.status == "requested"


# Starting the screening from the report (risk pages, ?report=<id>) -------------------------------------------------


def test_screening_started_from_the_report_is_linked_and_returns_to_the_report(org, court, client_for):
    report = nps_report(org, court)
    client = client_for(org.officer)
    url = reverse("risk:assessment_new", args=[report.case.person.crn]) + f"?report={report.pk}"

    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["kind"] == "screening"

    response = client.post(
        url,
        {
            "kind": "screening",
            **_date("assessment_date", HEARING),
            "risk_to_public": "2",
            "risk_to_known_adults": "2",
            "risk_to_children": "1",
            "risk_to_staff": "1",
            "who_is_at_risk": "Strangers in pubs",
            "nature_of_risk": "Violence when drunk",
            "action": "complete",
        },
    )

    assert response["Location"] == reverse("cases:report", args=[report.pk])
    screening = RoshAssessment.objects.get()
    assert (screening.pre_sentence_report, screening.status) == (report, "completed")
    html = client.get(reverse("cases:report", args=[report.pk])).content.decode()
    assert "View screening" in html


def test_screening_for_someone_elses_report_is_404(org, court, client_for):
    report = nps_report(org, court)
    other = factories.CaseFactory(responsible_officer=org.officer)
    client = client_for(org.officer)

    assert (
        client.get(reverse("risk:assessment_new", args=[other.person.crn]) + f"?report={report.pk}").status_code == 404
    )
    assert client.get(reverse("risk:assessment_new", args=[report.case.person.crn]) + "?report=abc").status_code == 404
