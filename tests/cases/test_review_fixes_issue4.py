"""Review fixes for issue 4 (services, calendar and pages).

- Report due dates are capped at a year after the hearing, and working days are counted in closed form, so a
  far-off due date costs nothing (it used to loop day by day to 31 December 9999).
- Every plan write refuses on an ended case, as starting a plan does.
- Pages spell out abbreviations (GOV.UK style): the allocation queue, the caseload's risk column, resettlement
  (Through the Gate), and the service level names.
"""

import html
import random
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Case, PlanObjective, PlanReview, PreSentenceReport, ResettlementPlan, SentencePlan
from cases.services import court as court_services
from cases.services import plans as plan_services
from tests import factories
from tests.cases.test_allocation_setup import HIGH, LOW, held_case, waiting_case
from tests.cases.test_court_helpers import HEARING, make_court, open_case, request_report
from tests.cases.test_plans_services import add_objective, custody_sentence, ready_plan
from timeliness import calendar, registry, selectors

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


# 2. Report due dates and working days ------------------------------------------------------------------------


class TestReportDueDateCap:
    def test_a_due_date_in_the_year_9999_is_refused_and_nothing_is_written(self, org):
        case = open_case(by=org.officer, court=make_court(), team=org.team_a)

        with pytest.raises(ValidationError) as excinfo:
            request_report(by=org.officer, case=case, due_on=date(9999, 12, 31))

        assert excinfo.value.message_dict == {
            "due_on": [
                "The due date must be no more than a year after the hearing that asked for the report: "
                "2 November 2027 at the latest."
            ]
        }
        assert not PreSentenceReport.objects.filter(case=case).exists()

    def test_a_year_after_the_hearing_is_the_last_day_allowed(self, org):
        case = open_case(by=org.officer, court=make_court(), team=org.team_a)

        with pytest.raises(ValidationError):
            request_report(by=org.officer, case=case, due_on=date(2027, 11, 3))
        report = request_report(by=org.officer, case=case, due_on=date(2027, 11, 2))

        assert (report.requested_on, report.due_on) == (HEARING, date(2027, 11, 2))

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (date(2026, 11, 2), date(2027, 11, 2)),
            (date(2028, 2, 29), date(2029, 2, 28)),  # a leap day: 28 February the next year
            (date(2027, 2, 28), date(2028, 2, 28)),
        ],
    )
    def test_one_year_after(self, day, expected):
        assert court_services.one_year_after(day) == expected


def _day_by_day(start: date, end: date) -> int:
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


def _add_day_by_day(start: date, days: int) -> date:
    day = start
    while days:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            days -= 1
    return day


# Ranges that start, end or pass over Easter and Christmas (and their substitute days), bank holiday Mondays,
# weekends, and the edges of the years the holidays package knows.
FIXED_RANGES = [
    (date(2026, 4, 2), date(2026, 4, 8)),  # Maundy Thursday to the Wednesday after Easter
    (date(2026, 4, 3), date(2026, 4, 6)),  # Good Friday to Easter Monday: none
    (date(2026, 12, 24), date(2027, 1, 4)),  # Christmas, Boxing Day (observed) and New Year
    (date(2027, 12, 24), date(2027, 12, 29)),  # Christmas and Boxing Day both at a weekend
    (date(2026, 12, 26), date(2026, 12, 28)),  # Saturday to the observed Monday
    (date(2026, 5, 22), date(2026, 5, 26)),  # over the Spring bank holiday
    (date(2026, 6, 6), date(2026, 6, 7)),  # Saturday to Sunday
    (date(2026, 6, 5), date(2026, 6, 5)),  # empty
    (date(2026, 6, 9), date(2026, 6, 1)),  # end before start
    (date(2099, 12, 20), date(2101, 1, 10)),  # the last year with known bank holidays
    (date(1871, 12, 20), date(1873, 1, 10)),  # the first
]


@pytest.mark.parametrize(("start", "end"), FIXED_RANGES)
def test_closed_form_matches_a_day_by_day_count_over_holidays(start, end):
    assert calendar.working_days_between(start, end) == _day_by_day(start, end)


def test_closed_form_matches_a_day_by_day_count_over_random_ranges():
    rng = random.Random(20261125)
    for _ in range(400):
        start = date(2018, 1, 1) + timedelta(days=rng.randrange(0, 4000))
        end = start + timedelta(days=rng.randrange(-20, 800))
        assert calendar.working_days_between(start, end) == _day_by_day(start, end), (start, end)


def test_add_working_days_matches_a_day_by_day_count():
    rng = random.Random(4)
    starts = [date(2026, 4, 2), date(2026, 12, 24), date(2027, 12, 24), date(2026, 12, 26)]
    starts += [date(2018, 1, 1) + timedelta(days=rng.randrange(0, 4000)) for _ in range(150)]
    for start in starts:
        for days in (0, 1, 2, 4, 5, 6, 9, 10, 15, rng.randrange(0, 600)):
            result = calendar.add_working_days(start, days)
            assert result == _add_day_by_day(start, days), (start, days)
            assert calendar.working_days_between(start, result) == days


def test_a_span_of_thousands_of_years_is_counted_without_walking_the_days(monkeypatch):
    def walked(day):
        raise AssertionError("counted day by day")

    monkeypatch.setattr(calendar, "is_working_day", walked)

    # 2026-11-25 to 9999-12-31: 5 days in every 7 (the weeks), less the known bank holidays on weekdays.
    count = calendar.working_days_between(TODAY, date(9999, 12, 31))

    monkeypatch.undo()
    weekdays = sum(
        1 for offset in range(1, (date(9999, 12, 31) - TODAY).days + 1) if (TODAY + timedelta(offset)).weekday() < 5
    )
    holidays = sum(
        1 for year in range(2026, 2101) for day in calendar._bank_holidays(year) if day > TODAY and day.weekday() < 5
    )
    assert count == weekdays - holidays


def test_timing_text_of_a_clock_due_in_the_year_9999_does_not_walk_the_days(org, monkeypatch):
    clock = factories.ClockFactory(started_on=TODAY, due_on=date(9999, 12, 31))
    expected = calendar.working_days_between(TODAY, date(9999, 12, 31))
    monkeypatch.setattr(calendar, "is_working_day", lambda day: pytest.fail("counted day by day"))

    assert selectors.timing_text(clock, today=TODAY) == f"Due in {expected} working days"


# 4. Plans on an ended case -------------------------------------------------------------------------------------

ENDED = {"case": ["This case has ended: its plans can no longer be changed."]}


def _end(case_id: int) -> None:
    Case.objects.filter(pk=case_id).update(status=Case.Status.ENDED, end_date=TODAY)


def _history_count(instance) -> int:
    return instance.history.count()


class TestPlansOnAnEndedCase:
    def test_a_draft_plan_cannot_be_changed_or_completed(self, org):
        plan = ready_plan(org.officer)
        objective = plan.objectives.get()
        _end(plan.case_id)
        before = (_history_count(plan), _history_count(objective))

        calls = [
            lambda: plan_services.plan_update(by=org.officer, plan=plan, strengths="Changed"),
            lambda: add_objective(org.officer, plan),
            lambda: plan_services.objective_update(by=org.officer, objective=objective, description="Changed"),
            lambda: plan_services.plan_complete(by=org.officer, plan=plan, completed_on=TODAY),
        ]
        for call in calls:
            with pytest.raises(ValidationError) as excinfo:
                call()
            assert excinfo.value.message_dict == ENDED

        plan.refresh_from_db()
        objective.refresh_from_db()
        assert (plan.status, plan.strengths, objective.description) == (
            SentencePlan.Status.DRAFT,
            "Supportive sister; wants to work",
            "Move into settled accommodation",
        )
        assert PlanObjective.objects.filter(plan=plan).count() == 1
        assert (_history_count(plan), _history_count(objective)) == before

    def test_a_completed_plan_cannot_be_reviewed(self, org):
        plan = ready_plan(org.officer)
        plan_services.plan_complete(by=org.officer, plan=plan, completed_on=TODAY)
        objective = plan.objectives.get()
        _end(plan.case_id)

        with pytest.raises(ValidationError) as excinfo:
            plan_services.plan_review_record(
                by=org.officer,
                plan=plan,
                reviewed_on=TODAY,
                summary="Going well",
                person_involved=True,
                progress={objective.pk: {"status": "in_progress", "notes": ""}},
            )

        assert excinfo.value.message_dict == ENDED
        assert not PlanReview.objects.exists()

    def test_the_custody_screening_is_refused(self, org):
        sentence = custody_sentence(org.officer)
        _end(sentence.case_id)

        with pytest.raises(ValidationError) as excinfo:
            plan_services.custody_screening_record(
                by=org.officer, case=sentence.case, screened_on=TODAY, screening_needs="No address"
            )

        assert excinfo.value.message_dict == ENDED
        assert not ResettlementPlan.objects.exists()

    def test_the_resettlement_plan_cannot_be_completed(self, org):
        sentence = custody_sentence(org.officer)
        resettlement = plan_services.custody_screening_record(
            by=org.officer, case=sentence.case, screened_on=TODAY, screening_needs="No address"
        )
        _end(sentence.case_id)

        with pytest.raises(ValidationError) as excinfo:
            plan_services.resettlement_plan_complete(
                by=org.officer,
                plan=resettlement,
                completed_on=TODAY,
                accommodation_on_release="approved_premises",
                money_on_release="Discharge grant",
                links_to_services="GP",
            )

        assert excinfo.value.message_dict == ENDED
        resettlement.refresh_from_db()
        assert resettlement.status == ResettlementPlan.Status.SCREENED

    def test_the_plan_tab_offers_no_changes_on_an_ended_case(self, org, client_for):
        plan = ready_plan(org.officer)
        plan_services.plan_complete(by=org.officer, plan=plan, completed_on=TODAY)
        review_url = reverse("cases:plan_review_new", args=[plan.pk])
        tab = reverse("cases:case_plan", args=[plan.case_id])
        assert review_url in client_for(org.officer).get(tab).content.decode()

        _end(plan.case_id)
        response = client_for(org.officer).get(tab)

        assert response.status_code == 200
        assert review_url not in response.content.decode()

    def test_posting_a_change_on_an_ended_case_shows_the_refusal(self, org, client_for):
        plan = ready_plan(org.officer)
        _end(plan.case_id)

        response = client_for(org.officer).post(
            reverse("cases:plan_edit", args=[plan.pk]), {"strengths": "Changed", "involvement": "yes"}
        )

        assert response.status_code == 400
        assert "This case has ended: its plans can no longer be changed." in _text(response)
        plan.refresh_from_db()
        assert plan.strengths == "Supportive sister; wants to work"


# 5. Plain English ----------------------------------------------------------------------------------------------


class TestPlainEnglish:
    def test_the_allocation_queue_spells_out_its_abbreviations(self, org, client_for):
        waiting_case(org.nps, rosh=None, last_name="Blocked")
        waiting_case(org.nps, rosh=HIGH, last_name="Highrisk")

        response = client_for(org.manager).get(reverse("cases:allocation_queue"))

        # The page's own words, after its caption (the provider's name, "NPS North West" here, is data).
        text = _text(response).split("Cases waiting for allocation", 1)[1]
        markup = response.content.decode()
        assert response.status_code == 200
        assert "RoSH" not in text
        assert "(NPS SL002)" not in text
        assert "Cases that should move to the National Probation Service" in text
        assert "Blocked: no risk of serious harm assessment" in text
        # NPS is spelled out before it is first used on the page, and every tag says what it stands for.
        assert text.index("National Probation Service (NPS)") + len("National Probation Service (") == text.index("NPS")
        assert '<abbr title="National Probation Service">NPS</abbr>' in markup
        assert "Community Rehabilitation Company (CRC)" in text and "youth offending team (YOT)" in text

    def test_the_transfer_list_spells_out_rosh_and_mappa(self, org, client_for):
        held_case(org.other_provider_officer, rosh=LOW, mappa=True)

        response = client_for(org.other_provider_manager).get(reverse("cases:allocation_queue"))

        text = _text(response)
        markup = response.content.decode()
        assert "multi-agency public protection arrangements (MAPPA)" in text
        assert '<abbr title="Multi-agency public protection arrangements">MAPPA</abbr>' in markup
        assert '<th scope="col" class="govuk-table__header">Risk of serious harm</th>' in markup
        assert "RoSH" not in text

    def test_the_caseload_risk_column_is_spelled_out_and_still_sorts(self, org, client_for):
        factories.CaseFactory(responsible_officer=org.officer)

        response = client_for(org.officer).get(reverse("cases:caseload"))

        headers = [column["label"] for column in response.context["columns"]]
        assert headers[-1] == "Risk of serious harm"
        assert "RoSH" not in headers
        markup = response.content.decode()
        assert re.search(r'href="\?sort=rosh[^"]*">Risk of serious harm', markup)

    def test_the_custody_screening_page_explains_through_the_gate(self, org, client_for):
        sentence = custody_sentence(org.officer)

        response = client_for(org.officer).get(reverse("cases:custody_screening_new", args=[sentence.case_id]))

        text = _text(response)
        assert response.status_code == 200
        assert "Resettlement is the work in prison to prepare for release (known as Through the Gate)." in text

    def test_the_plan_tab_explains_resettlement(self, org, client_for):
        sentence = custody_sentence(org.officer)

        response = client_for(org.officer).get(reverse("cases:case_plan", args=[sentence.case_id]))

        assert "Resettlement is the work in prison to prepare for release" in _text(response)

    def test_service_level_names_say_what_they_measure(self):
        names = {level.code: level.name for level in registry.SERVICE_LEVELS}

        assert not [name for name in names.values() if "limit of first contact" in name]
        assert names["NPS SL005R"] == (
            "Sentence plan completed within the set number of working days of the first appointment "
            "(community sentence)"
        )
        assert names["CRC SL004"] == (
            "Sentence plan completed within the set number of working days of the first appointment after release"
        )
        assert (
            names["CRC SL013"] == "Resettlement plan completed within 5 days of the basic custody screening in prison"
        )
        assert names["NPS SL002"] == "Case allocated by the end of the second full working day after sentence"
