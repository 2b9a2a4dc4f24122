"""Shared helpers for the court tests (test_court_*.py and tests/api/test_court_api.py); no tests here.

The clock is frozen on Friday 20 November 2026. Hearings are on Monday 2 November 2026 unless a test says
otherwise, so a report requested then and due 10 days later (12 November) is overdue "today".
"""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import time_machine

from accounts.models import Provider
from cases.models import InformationRequest, PreSentenceReport
from cases.services import court as court_services
from risk.models import RoshAssessment
from tests import factories

TODAY = date(2026, 11, 20)
HEARING = date(2026, 11, 2)
ADULT_BORN = date(1990, 4, 1)
CHILD_BORN = date(2010, 6, 1)  # 16 at the hearing


def frozen():
    """Freeze the clock on TODAY (use in an autouse fixture: `with frozen(): yield`)."""
    return time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Europe/London")), tick=False)


def make_court():
    return factories.CourtFactory(name="Manchester and Salford Magistrates' Court", code="B06MM")


def make_yot(org):
    """A youth offending team with one case manager."""
    provider = factories.ProviderFactory(
        name="Manchester Youth Justice", code="Y01", provider_type=Provider.ProviderType.YOT, region=org.region
    )
    team = factories.TeamFactory(provider=provider, name="Manchester Youth Court Team", code="Y01CT")
    officer = factories.OfficerFactory(username="yasmin", first_name="Yasmin", last_name="Yusuf", team=team)
    return SimpleNamespace(provider=provider, team=team, officer=officer)


def adult(**kwargs):
    return factories.PersonFactory(date_of_birth=ADULT_BORN, **kwargs)


def child(**kwargs):
    return factories.PersonFactory(date_of_birth=CHILD_BORN, **kwargs)


def open_case(*, by, court, team, person=None, author=None, appearance_date=HEARING):
    return court_services.case_open_at_court(
        by=by,
        person=person or adult(),
        court=court,
        appearance_date=appearance_date,
        purpose="adjourned_for_report",
        offences="Assault by beating",
        team=team,
        author=author,
    )


def request_report(*, by, case, report_type="short_format", due_on=date(2026, 11, 12), author=None):
    return court_services.report_request(
        by=by,
        case=case,
        court_appearance=case.court_appearances.order_by("-appearance_date", "-pk").first(),
        report_type=report_type,
        due_on=due_on,
        author=author,
    )


def nps_report(org, court, *, author=None, **kwargs) -> PreSentenceReport:
    """A short format report on a new NPS case opened at court, written by `author` (default the officer)."""
    author = author or org.officer
    case = open_case(by=org.officer, court=court, team=org.team_a, author=author)
    return request_report(by=org.officer, case=case, author=author, **kwargs)


def screening(report, *, by, status=RoshAssessment.Status.COMPLETED, kind=RoshAssessment.Kind.SCREENING):
    return factories.RoshAssessmentFactory(
        person=report.case.person,
        pre_sentence_report=report,
        kind=kind,
        status=status,
        assessment_date=report.requested_on,
        created_by=by,
    )


CONTENT = {
    "offence_analysis": "Struck a stranger outside a pub after drinking all afternoon.",
    "circumstances": "Lives with his mother; unemployed since March; drinks daily.",
    "proposal_disposal": "community_order",
    "proposal_requirements": "20 rehabilitation activity requirement days; alcohol treatment",
    "proposal_reasons": "Drinking drives the offending; he is motivated to address it.",
}


def make_ready(report, *, by, **content):
    """Everything delivery needs: content, a completed screening, answered information requests."""
    court_services.report_update(by=by, report=report, **{**CONTENT, **content})
    screening(report, by=by)
    for information_request in InformationRequest.objects.filter(report=report, status="requested"):
        court_services.information_request_record_response(
            by=by, information_request=information_request, status="not_received"
        )
    report.refresh_from_db()
    return report
