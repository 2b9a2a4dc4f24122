"""cases.services.court: each rule of court work and pre-sentence reports, the acting user in the history,
refusals that write nothing, and the NPS SL001 clock opening and stopping (timeliness.models.Clock)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Provider
from cases.models import Case, CourtAppearance, InformationRequest, PreSentenceReport
from cases.services import court as court_services
from risk import services as risk_services
from risk.models import RoshAssessment
from tests import factories
from tests.cases.test_court_helpers import (
    CONTENT,
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
    screening,
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


def _refused(call, **kwargs) -> dict:
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return error.value.message_dict if hasattr(error.value, "error_dict") else {"__all__": error.value.messages}


def _counts() -> tuple:
    return (
        Case.objects.count(),
        CourtAppearance.objects.count(),
        PreSentenceReport.objects.count(),
        InformationRequest.objects.count(),
        Clock.objects.count(),
    )


# Opening a case at court -----------------------------------------------------------------------------------


def test_opening_a_case_at_court_for_an_adult(org, court):
    person = adult()

    case = open_case(by=org.officer, court=court, team=org.team_a, person=person, author=org.colleague)

    assert (case.status, case.provider, case.team, case.responsible_officer) == (
        Case.Status.AWAITING_SENTENCE,
        org.nps,
        org.team_a,
        org.colleague,
    )
    assert case.start_date == HEARING
    appearance = case.court_appearances.get()
    assert (appearance.court, appearance.appearance_date, appearance.purpose, appearance.offences) == (
        court,
        HEARING,
        "adjourned_for_report",
        "Assault by beating",
    )
    assert case.history.get().history_user == org.officer
    assert appearance.history.get().history_user == org.officer


def test_opening_a_case_without_an_author_leaves_the_officer_empty(org, court):
    case = open_case(by=org.officer, court=court, team=org.team_a)

    assert case.responsible_officer is None
    assert case.status == Case.Status.AWAITING_SENTENCE


def test_a_child_needs_a_youth_offending_team(org, court, yot):
    errors = _refused(open_case, by=org.officer, court=court, team=org.team_a, person=child(first_name="Kai"))

    assert set(errors) == {"team"}
    assert "a youth offending team prepares a child's report, and Manchester North is not one" in errors["team"][0]
    assert _counts() == (0, 0, 0, 0, 0)

    case = open_case(by=yot.officer, court=court, team=yot.team, person=child(), author=yot.officer)
    assert case.provider == yot.provider


def test_an_adult_needs_an_nps_team(org, court, yot):
    for team in (yot.team, org.team_b):
        errors = _refused(open_case, by=org.officer, court=court, team=team, person=adult())
        assert "the National Probation Service advises adult courts" in errors["team"][0]
    assert _counts() == (0, 0, 0, 0, 0)


def test_age_is_taken_on_the_appearance_date(org, court, yot):
    """17 on the day of the hearing is a child even if 18 by the time the case is recorded."""
    person = factories.PersonFactory(date_of_birth=date(2008, 11, 10))  # 18 on 10 November 2026

    errors = _refused(open_case, by=org.officer, court=court, team=org.team_a, person=person)
    assert "was under 18 on the appearance date" in errors["team"][0]

    case = open_case(by=yot.officer, court=court, team=yot.team, person=person)
    assert case.provider.provider_type == Provider.ProviderType.YOT


def test_a_person_with_an_open_case_records_the_appearance_on_it(org, court):
    existing = factories.CaseFactory(responsible_officer=org.officer, person=adult(first_name="Sam", last_name="Hill"))
    before = _counts()

    errors = _refused(open_case, by=org.officer, court=court, team=org.team_a, person=existing.person)

    assert errors == {
        "person": ["Sam Hill already has an open case: record the appearance on their open case instead."]
    }
    assert _counts() == before


def test_a_person_whose_case_ended_can_have_a_new_case(org, court):
    ended = factories.CaseFactory(responsible_officer=org.officer, person=adult(), ended=True)

    case = open_case(by=org.officer, court=court, team=org.team_a, person=ended.person)

    assert case.pk != ended.pk


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("appearance_date", TODAY + timedelta(days=1), "The appearance date must be today or in the past"),
        ("appearance_date", date(1989, 1, 1), "The appearance date must be after the person's date of birth."),
        ("appearance_date", date(1999, 1, 1), "children under 10 cannot be charged with an offence"),
        ("purpose", "lunch", "Choose the purpose of the hearing."),
        ("offences", "   ", "Enter the offences before the court."),
    ],
)
def test_bad_appearance_details_are_refused(org, court, field, value, message):
    fields = {
        "by": org.officer,
        "person": adult(),
        "court": court,
        "appearance_date": HEARING,
        "purpose": "first_hearing",
        "offences": "Theft",
        "team": org.team_a,
        **{field: value},
    }

    errors = _refused(court_services.case_open_at_court, **fields)

    assert message in errors[field][0]
    assert _counts() == (0, 0, 0, 0, 0)


def test_an_inactive_court_is_refused(org, court):
    court.active = False
    court.save()

    errors = _refused(open_case, by=org.officer, court=court, team=org.team_a)

    assert errors["court"] == [f"{court.name} is no longer an active court: choose another."]


def test_the_author_must_be_a_responsible_officer_of_the_provider(org, court):
    errors = _refused(open_case, by=org.officer, court=court, team=org.team_a, author=org.other_provider_officer)
    assert errors["author"] == [
        "Bethan Barker is not a responsible officer of NPS North West, which is preparing this report: "
        "choose one of its officers."
    ]
    errors = _refused(open_case, by=org.officer, court=court, team=org.team_a, author=org.upw)
    assert errors["author"] == ["Ursula Underwood is not a responsible officer and cannot write a pre-sentence report."]
    assert _counts() == (0, 0, 0, 0, 0)


# Recording hearings ----------------------------------------------------------------------------------------


def test_recording_a_hearing_on_an_open_case(org, court):
    case = open_case(by=org.officer, court=court, team=org.team_a)

    appearance = court_services.court_appearance_record(
        by=org.colleague,
        case=case,
        court=court,
        appearance_date=HEARING + timedelta(days=14),
        purpose="sentence",
        offences="Assault by beating",
        outcome="  Community order, 12 months  ",
    )

    assert appearance.outcome == "Community order, 12 months"
    assert appearance.history.get().history_user == org.colleague
    assert case.court_appearances.count() == 2


def test_a_hearing_cannot_be_recorded_on_an_ended_case_or_before_the_case_started(org, court):
    case = open_case(by=org.officer, court=court, team=org.team_a)
    fields = {"by": org.officer, "court": court, "purpose": "review", "offences": "Assault"}

    errors = _refused(
        court_services.court_appearance_record, case=case, appearance_date=HEARING - timedelta(days=1), **fields
    )
    assert errors == {"appearance_date": ["The appearance date cannot be before the case started (2 November 2026)."]}

    ended = factories.CaseFactory(responsible_officer=org.officer, ended=True)
    errors = _refused(court_services.court_appearance_record, case=ended, appearance_date=HEARING, **fields)
    assert errors == {"case": ["This case has ended: open a new case at court to record a hearing for a new offence."]}
    assert CourtAppearance.objects.count() == 1


# Requesting a report and the NPS SL001 clock ---------------------------------------------------------------


def test_requesting_a_report_opens_the_nps_sl001_clock_with_the_courts_due_date(org, court):
    report = nps_report(org, court, due_on=date(2026, 11, 23))

    assert (report.requested_on, report.due_on, report.status, report.author) == (
        HEARING,
        date(2026, 11, 23),
        PreSentenceReport.Status.REQUESTED,
        org.officer,
    )
    assert report.history.get().history_user == org.officer
    clock = Clock.objects.get()
    assert (clock.service_level, clock.subject, clock.case, clock.started_on, clock.due_on, clock.status) == (
        "NPS SL001",
        f"report:{report.pk}",
        report.case,
        HEARING,
        date(2026, 11, 23),
        Clock.Status.OPEN,
    )
    assert clock.opened_by == org.officer


def test_a_youth_report_opens_no_nps_clock(org, court, yot):
    case = open_case(by=yot.officer, court=court, team=yot.team, person=child())

    request_report(by=yot.officer, case=case)

    assert PreSentenceReport.objects.count() == 1
    assert not Clock.objects.exists()


def test_an_oral_report_is_due_on_the_day(org, court):
    case = open_case(by=org.officer, court=court, team=org.team_a)

    report = request_report(by=org.officer, case=case, report_type="oral", due_on=None)

    assert report.due_on == HEARING
    assert Clock.objects.get().due_on == HEARING


def test_an_oral_report_due_another_day_is_refused(org, court):
    case = open_case(by=org.officer, court=court, team=org.team_a)

    errors = _refused(request_report, by=org.officer, case=case, report_type="oral", due_on=HEARING + timedelta(1))

    assert errors == {"due_on": ["An oral report is given on the day of the hearing: it is due on 2 November 2026."]}
    assert not PreSentenceReport.objects.exists()
    assert not Clock.objects.exists()


@pytest.mark.parametrize(
    ("due_on", "message"),
    [
        (None, "Enter the date the court set for the report."),
        (HEARING - timedelta(days=1), "The due date cannot be before the report was requested at the hearing on 2"),
    ],
)
def test_a_written_report_needs_a_due_date_not_before_the_request(org, court, due_on, message):
    case = open_case(by=org.officer, court=court, team=org.team_a)

    errors = _refused(request_report, by=org.officer, case=case, due_on=due_on)

    assert errors["due_on"][0].startswith(message)
    assert (PreSentenceReport.objects.count(), Clock.objects.count()) == (0, 0)


def test_report_request_refusals(org, court):
    case = open_case(by=org.officer, court=court, team=org.team_a)
    other_hearing = factories.CourtAppearanceFactory()
    fields = {"by": org.officer, "case": case, "due_on": date(2026, 11, 12)}

    errors = _refused(
        court_services.report_request, court_appearance=other_hearing, report_type="short_format", **fields
    )
    assert errors == {"court_appearance": ["Choose a hearing of this case."]}

    hearing = case.court_appearances.get()
    errors = _refused(court_services.report_request, court_appearance=hearing, report_type="long", **fields)
    assert errors == {"report_type": ["Choose oral, short format or full written report."]}

    errors = _refused(
        court_services.report_request,
        court_appearance=hearing,
        report_type="short_format",
        author=org.other_provider_officer,
        **fields,
    )
    assert "is not a responsible officer of NPS North West" in errors["author"][0]
    assert (PreSentenceReport.objects.count(), Clock.objects.count()) == (0, 0)


def test_one_open_report_per_hearing(org, court):
    report = nps_report(org, court)

    errors = _refused(request_report, by=org.officer, case=report.case)

    assert errors == {
        "court_appearance": [
            "A report requested at this hearing is still open: change that report, or withdraw it first."
        ]
    }
    court_services.report_withdraw(by=org.officer, report=report, reason="Sentenced without a report")
    assert request_report(by=org.officer, case=report.case).pk != report.pk


# Content ---------------------------------------------------------------------------------------------------


def test_writing_content_puts_the_report_in_progress_with_history(org, court):
    report = nps_report(org, court)

    report = court_services.report_update(by=org.colleague, report=report, offence_analysis="  Hit a stranger.  ")

    assert report.offence_analysis == "Hit a stranger."
    assert report.status == PreSentenceReport.Status.IN_PROGRESS
    latest = report.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (org.colleague, "Report content changed")


def test_a_proposal_must_suit_the_persons_age(org, court, yot):
    report = nps_report(org, court)
    errors = _refused(court_services.report_update, by=org.officer, report=report, proposal_disposal="referral_order")
    assert errors == {
        "proposal_disposal": [
            "Referral order is a youth disposal: propose a community order, a suspended sentence order or "
            "custody for an adult."
        ]
    }

    youth_case = open_case(by=yot.officer, court=court, team=yot.team, person=child())
    youth_report = request_report(by=yot.officer, case=youth_case)
    errors = _refused(court_services.report_update, by=yot.officer, report=youth_report, proposal_disposal="custody")
    assert errors == {"proposal_disposal": ["Custody is a sentence for adults: propose a youth disposal for a child."]}
    errors = _refused(court_services.report_update, by=yot.officer, report=youth_report, proposal_disposal="fine")
    assert errors == {"proposal_disposal": ["Choose a sentence from the list."]}

    court_services.report_update(by=yot.officer, report=youth_report, proposal_disposal="referral_order")
    youth_report.refresh_from_db()
    assert youth_report.proposal_disposal == "referral_order"
    report.refresh_from_db()
    assert report.proposal_disposal == ""


def test_parent_or_carer_engagement_is_for_youth_reports_only(org, court, yot):
    report = nps_report(org, court)

    errors = _refused(court_services.report_update, by=org.officer, report=report, parent_or_carer_engagement="engaged")

    assert errors == {
        "parent_or_carer_engagement": [
            "Parent or carer engagement is recorded on youth reports only: this person is an adult."
        ]
    }
    report.refresh_from_db()
    assert (report.parent_or_carer_engagement, report.status) == ("", PreSentenceReport.Status.REQUESTED)


def test_unknown_content_fields_are_refused(org, court):
    report = nps_report(org, court)

    errors = _refused(court_services.report_update, by=org.officer, report=report, status="delivered")

    assert errors == {"status": ["This is not part of a report's content."]}


def test_assigning_an_author(org, court):
    report = nps_report(org, court)

    court_services.report_assign_author(by=org.manager, report=report, author=org.colleague)

    report.refresh_from_db()
    assert report.author == org.colleague
    assert report.history.latest().history_user == org.manager
    errors = _refused(
        court_services.report_assign_author, by=org.manager, report=report, author=org.other_provider_manager
    )
    assert "is not a responsible officer of NPS North West" in errors["author"][0]


# Delivery --------------------------------------------------------------------------------------------------


def test_delivery_lists_every_missing_item_and_changes_nothing(org, court):
    report = nps_report(org, court)
    court_services.information_request_add(
        by=org.officer, report=report, source="police_domestic_abuse", details="", requested_on=HEARING
    )
    screening(report, by=org.officer, status=RoshAssessment.Status.DRAFT)

    errors = _refused(court_services.report_deliver, by=org.officer, report=report, delivered_on=TODAY)

    assert errors == {
        "offence_analysis": ["Add the offence analysis."],
        "circumstances": ["Add the person's circumstances."],
        "proposal_disposal": ["Add the proposal: the sentence you propose to the court."],
        "risk_screening": [
            "Complete a risk of serious harm screening for this report: the court and the provider that "
            "supervises the sentence rely on it."
        ],
        "information_requests": [
            "Record whether the information asked for arrived (received or not received in time): "
            "police domestic abuse call-outs."
        ],
    }
    report.refresh_from_db()
    assert (report.status, report.delivered_on) == (PreSentenceReport.Status.IN_PROGRESS, None)
    assert Clock.objects.get().status == Clock.Status.OPEN


def test_a_completed_full_assessment_is_not_a_screening_for_the_report(org, court):
    report = nps_report(org, court)
    make_ready(report, by=org.officer)
    RoshAssessment.objects.filter(pre_sentence_report=report).update(kind=RoshAssessment.Kind.FULL)

    errors = _refused(court_services.report_deliver, by=org.officer, report=report, delivered_on=TODAY)

    assert set(errors) == {"risk_screening"}


def test_a_youth_report_needs_parent_or_carer_engagement(org, court, yot):
    case = open_case(by=yot.officer, court=court, team=yot.team, person=child())
    report = request_report(by=yot.officer, case=case)
    make_ready(report, by=yot.officer, proposal_disposal="youth_rehabilitation_order")

    errors = _refused(court_services.report_deliver, by=yot.officer, report=report, delivered_on=TODAY)
    assert errors == {"parent_or_carer_engagement": ["Record how parents or carers took part in this youth report."]}

    court_services.report_update(by=yot.officer, report=report, parent_or_carer_engagement="partly")
    report = court_services.report_deliver(by=yot.officer, report=report, delivered_on=TODAY)
    assert report.status == PreSentenceReport.Status.DELIVERED


@pytest.mark.parametrize(
    ("delivered_on", "message"),
    [
        (TODAY + timedelta(days=1), "The delivery date must be today or in the past."),
        (HEARING - timedelta(days=1), "The delivery date cannot be before the report was requested (2 November 2026)."),
        (None, "Enter the date the report was delivered."),
    ],
)
def test_the_delivery_date_must_be_real(org, court, delivered_on, message):
    report = make_ready(nps_report(org, court), by=org.officer)

    errors = _refused(court_services.report_deliver, by=org.officer, report=report, delivered_on=delivered_on)

    assert errors == {"delivered_on": [message]}
    assert Clock.objects.get().status == Clock.Status.OPEN


def test_delivery_on_time_stops_the_clock_as_met(org, court):
    report = make_ready(nps_report(org, court, due_on=date(2026, 11, 12)), by=org.officer)

    report = court_services.report_deliver(by=org.colleague, report=report, delivered_on=date(2026, 11, 12))

    assert (report.status, report.delivered_on) == (PreSentenceReport.Status.DELIVERED, date(2026, 11, 12))
    assert report.history.latest().history_user == org.colleague
    clock = Clock.objects.get()
    assert (clock.status, clock.stopped_on, clock.stopped_by) == (Clock.Status.MET, date(2026, 11, 12), org.colleague)


def test_late_delivery_stops_the_clock_as_missed(org, court):
    report = make_ready(nps_report(org, court, due_on=date(2026, 11, 12)), by=org.officer)

    court_services.report_deliver(by=org.officer, report=report, delivered_on=date(2026, 11, 13))

    clock = Clock.objects.get()
    assert (clock.status, clock.stopped_on) == (Clock.Status.MISSED, date(2026, 11, 13))


def test_withdrawal_cancels_the_clock(org, court):
    report = nps_report(org, court)

    report = court_services.report_withdraw(by=org.manager, report=report, reason="  Sentenced on the day  ")

    assert (report.status, report.withdrawn_reason) == (PreSentenceReport.Status.WITHDRAWN, "Sentenced on the day")
    assert report.history.latest().history_user == org.manager
    clock = Clock.objects.get()
    assert (clock.status, clock.stopped_on, clock.stopped_by) == (Clock.Status.CANCELLED, TODAY, org.manager)


def test_withdrawal_needs_a_reason(org, court):
    report = nps_report(org, court)

    errors = _refused(court_services.report_withdraw, by=org.officer, report=report, reason=" ")

    assert errors == {"reason": ["Enter why the report was withdrawn."]}
    report.refresh_from_db()
    assert report.status == PreSentenceReport.Status.REQUESTED
    assert Clock.objects.get().status == Clock.Status.OPEN


def test_delivered_and_withdrawn_reports_cannot_change(org, court):
    delivered = make_ready(nps_report(org, court), by=org.officer)
    court_services.report_deliver(by=org.officer, report=delivered, delivered_on=date(2026, 11, 10))
    withdrawn = request_report(by=org.officer, case=open_case(by=org.officer, court=court, team=org.team_a))
    court_services.report_withdraw(by=org.officer, report=withdrawn, reason="Not needed")
    delivered_message = ["This report was delivered to the court on 10 November 2026 and cannot be changed."]
    withdrawn_message = ["This report was withdrawn and cannot be changed."]

    for report, message in ((delivered, delivered_message), (withdrawn, withdrawn_message)):
        history = report.history.count()
        calls = [
            (court_services.report_update, {"offence_analysis": "Changed"}),
            (court_services.report_assign_author, {"author": org.colleague}),
            (court_services.report_deliver, {"delivered_on": TODAY}),
            (court_services.report_withdraw, {"reason": "Again"}),
            (
                court_services.information_request_add,
                {"source": "health", "details": "", "requested_on": TODAY},
            ),
        ]
        for call, kwargs in calls:
            assert _refused(call, by=org.officer, report=report, **kwargs) == {"__all__": message}
        assert report.history.count() == history
    assert InformationRequest.objects.count() == 0


# Information requests --------------------------------------------------------------------------------------


def test_information_requests_and_responses(org, court):
    report = nps_report(org, court)

    information_request = court_services.information_request_add(
        by=org.officer, report=report, source="childrens_services", details="Any open plan?", requested_on=HEARING
    )
    report.refresh_from_db()
    assert report.status == PreSentenceReport.Status.IN_PROGRESS
    assert information_request.history.get().history_user == org.officer

    court_services.information_request_record_response(
        by=org.colleague,
        information_request=information_request,
        status="received",
        received_on=date(2026, 11, 9),
        summary="  No open plan  ",
    )
    information_request.refresh_from_db()
    assert (information_request.status, information_request.received_on, information_request.summary) == (
        "received",
        date(2026, 11, 9),
        "No open plan",
    )
    assert information_request.history.latest().history_user == org.colleague


def test_information_request_refusals(org, court):
    report = nps_report(org, court)
    fields = {"by": org.officer, "report": report}

    assert _refused(
        court_services.information_request_add, source="post_office", details="", requested_on=HEARING, **fields
    ) == {"source": ["Choose who the information was asked from."]}
    assert _refused(
        court_services.information_request_add, source="other", details=" ", requested_on=HEARING, **fields
    ) == {"details": ["Say who was asked and for what."]}
    assert _refused(
        court_services.information_request_add, source="health", details="", requested_on=TODAY + timedelta(1), **fields
    ) == {"requested_on": ["The date asked must be today or in the past."]}
    assert _refused(
        court_services.information_request_add,
        source="health",
        details="",
        requested_on=HEARING - timedelta(1),
        **fields,
    ) == {"requested_on": ["The date asked cannot be before the report was requested (2 November 2026)."]}
    assert InformationRequest.objects.count() == 0

    information_request = court_services.information_request_add(
        source="health", details="", requested_on=date(2026, 11, 5), **fields
    )
    respond = court_services.information_request_record_response
    base = {"by": org.officer, "information_request": information_request}
    assert _refused(respond, status="received", summary="x", **base) == {
        "received_on": ["Enter the date the information arrived."]
    }
    assert _refused(respond, status="received", received_on=date(2026, 11, 4), summary="x", **base) == {
        "received_on": ["The date it arrived cannot be before it was asked for (5 November 2026)."]
    }
    assert _refused(respond, status="received", received_on=TODAY + timedelta(1), summary="x", **base) == {
        "received_on": ["The date it arrived must be today or in the past."]
    }
    assert _refused(respond, status="received", received_on=TODAY, **base) == {
        "summary": ["Enter what the information said."]
    }
    assert _refused(respond, status="not_received", received_on=TODAY, **base) == {
        "received_on": ["Leave the date empty: the information did not arrive in time."]
    }
    assert _refused(respond, status="requested", **base) == {"status": ["Choose received or not received in time."]}
    information_request.refresh_from_db()
    assert (information_request.status, information_request.history.count()) == ("requested", 1)


def test_the_whole_report_content_is_saved(org, court):
    report = nps_report(org, court)

    report = court_services.report_update(by=org.officer, report=report, **CONTENT)

    assert {name: getattr(report, name) for name in CONTENT} == CONTENT


# The screening for a report (risk.services.assessment_start) -----------------------------------------------


def test_a_screening_can_be_started_for_a_report(org, court):
    report = nps_report(org, court)

    assessment = risk_services.assessment_start(
        by=org.officer,
        person=report.case.person,
        kind="screening",
        assessment_date=HEARING,
        pre_sentence_report=report,
    )

    assert assessment.pre_sentence_report == report


def test_a_screening_for_a_report_must_match_its_person_kind_and_be_open(org, court):
    report = nps_report(org, court)
    start = risk_services.assessment_start

    errors = _refused(
        start, by=org.officer, person=adult(), kind="screening", assessment_date=HEARING, pre_sentence_report=report
    )
    assert errors == {"pre_sentence_report": ["This pre-sentence report is about someone else."]}

    errors = _refused(
        start,
        by=org.officer,
        person=report.case.person,
        kind="full",
        assessment_date=HEARING,
        pre_sentence_report=report,
    )
    assert errors == {"kind": ["An assessment for a pre-sentence report is a risk of serious harm screening at court."]}

    court_services.report_withdraw(by=org.officer, report=report, reason="Not needed")
    errors = _refused(
        start,
        by=org.officer,
        person=report.case.person,
        kind="screening",
        assessment_date=HEARING,
        pre_sentence_report=report,
    )
    assert errors == {
        "pre_sentence_report": [
            "This pre-sentence report was withdrawn: a screening can only be added to an open report."
        ]
    }
    assert not RoshAssessment.objects.exists()
