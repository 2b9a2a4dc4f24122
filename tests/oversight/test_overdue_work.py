"""The team's overdue work (oversight.selectors.overdue): each kind appears exactly when it should, the officer and
kind filters, and the order (overdue first, the longest overdue first, then what is due soonest).

Today is Wednesday 2 December 2026. Due soon means within ALERT_DUE_SOON_WORKING_DAYS (2) working days: by Friday
4 December. A plan is due a review SENTENCE_PLAN_REVIEW_MONTHS (6) after it was last reviewed: cutoff 2 June 2026.
"""

from datetime import date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from cases.models import PersonAccessLimit, PlanReview
from enforcement.models import ComplianceFailure
from enforcement.services.compliance import failure_decide
from interventions.selectors.programmes import NO_ALTERNATIVE_PLAN
from oversight.selectors.overdue import KINDS, kind_counts, overdue_work
from tests import factories
from tests.enforcement.setup import failure as failure_recorded
from tests.oversight.figures_setup import (
    LONDON,
    TODAY,
    assess,
    breach,
    clock,
    custody_case,
    failure,
    recall,
    sentence,
)
from timeliness.models import Clock

SL003R = "NPS SL003R: First appointment within 5 days of allocation (community sentence)"


def case_of(officer, last_name, *, assessed=True, **kwargs):
    """An active case on a community order, assessed (medium) on 1 October 2026 unless `assessed` is False."""
    case = factories.CaseFactory(responsible_officer=officer, person__last_name=last_name, **kwargs)
    sentence(case)
    if assessed:
        assess(case, 2)
    return case


def completed_plan(case, completed_on: date, *reviews: date):
    plan = factories.SentencePlanFactory(
        sentence=case.sentences.get(), status="completed", completed_on=completed_on, involvement="yes"
    )
    for reviewed_on in reviews:
        PlanReview.objects.create(
            plan=plan,
            reviewed_on=reviewed_on,
            summary="Progress reviewed.",
            person_involved=True,
            reviewed_by=case.responsible_officer,
        )
    return plan


def programme_requirement(case, *referrals):
    """An active accredited programme requirement with referrals (status, alternative plan), oldest first."""
    requirement = factories.RequirementFactory(
        sentence=case.sentences.get(),
        requirement_type=factories.requirement_type("accredited_programme"),
        programme_name="Thinking Skills Programme",
        sessions=19,
    )
    for number, (status, alternative) in enumerate(referrals):
        referred_on = date(2026, 3, 2 + number * 7)
        closed = status != "referred"
        factories.ProgrammeReferralFactory(
            requirement=requirement,
            status=status,
            referred_on=referred_on,
            referred_by=case.responsible_officer,
            suitability_decided_on=referred_on if closed else None,
            suitability_notes="Denies the offence." if closed else "",
            ended_on=referred_on if closed else None,
            alternative_plan=alternative,
            alternative_plan_recorded_on=referred_on if alternative else None,
            alternative_plan_recorded_by=case.responsible_officer if alternative else None,
        )
    return requirement


@pytest.fixture
def work(org):
    officer, colleague = org.officer, org.colleague
    cases = {}

    def add(name, officer=officer, **kwargs):
        cases[name] = case_of(officer, name, **kwargs)
        return cases[name]

    # Service-level clocks.
    clock(add("Overdue"), due=date(2026, 11, 30))
    clock(add("Today"), due=date(2026, 12, 2))
    clock(add("Soon", colleague), due=date(2026, 12, 4))
    clock(add("Later"), due=date(2026, 12, 7))  # not yet due soon
    clock(add("Stopped"), due=date(2026, 12, 1), status="met")
    clock(add("Cancelled"), due=date(2026, 11, 30), status="cancelled")
    # Risk gaps.
    add("Unassessed", assessed=False)
    stale = add("Stale", assessed=False)
    assess(stale, 2, on=date(2026, 1, 5))
    # Enforcement decisions.
    failure(
        add("Failing", colleague), on=date(2026, 11, 27), status="awaiting_decision", decision_due_on=date(2026, 12, 1)
    )
    failure(add("Deciding"), on=date(2026, 12, 1), status="awaiting_decision", decision_due_on=date(2026, 12, 3))
    failure(add("Decided"), on=date(2026, 11, 20), status="decided", decision="first_warning")
    breach(add("Breaching"), court=factories.CourtFactory(region=org.region), status="awaiting_sign_off")
    breach(add("Drafting"), court=None, status="draft")
    for name, status, holder in (
        ("Reviewing", "awaiting_review", officer),
        ("Countersigning", "awaiting_countersignature", colleague),
        ("Considering", "considering", officer),
    ):
        cases[name] = custody_case(holder, released_on=date(2026, 3, 1), person__last_name=name)
        assess(cases[name], 2)
        recall(cases[name], sent_on=None, status=status)
    # Sentence plans.
    completed_plan(add("Planless"), date(2026, 5, 1))
    completed_plan(add("Reviewed"), date(2026, 4, 1), date(2026, 5, 15))
    completed_plan(add("Recent"), date(2026, 4, 1), date(2026, 7, 1))
    completed_plan(add("Boundary"), date(2026, 6, 2))  # exactly 6 months: not yet
    replaced = add("Replaced")
    completed_plan(replaced, date(2025, 1, 6))
    completed_plan(replaced, date(2026, 9, 1))
    factories.SentencePlanFactory(sentence=add("Draft").sentences.get())
    # Programme requirements.
    programme_requirement(add("Programme"), ("unsuitable", ""))
    programme_requirement(add("Alternative"), ("unsuitable", "A rehabilitation activity requirement instead."))
    programme_requirement(add("Referredagain"), ("unsuitable", ""), ("referred", ""))
    return cases


def listed(items):
    return [
        (item.kind, item.case.person.last_name, item.what, item.due_on, item.overdue, item.timing) for item in items
    ]


def test_every_kind_of_work_in_order(org, work):
    items = overdue_work(user=org.manager, team=org.team_a, today=TODAY)
    assert listed(items) == [
        (
            "plan_review",
            "Planless",
            "Review the sentence plan: last reviewed 1 May 2026",
            date(2026, 11, 1),
            True,
            "Overdue by 31 days",
        ),
        (
            "plan_review",
            "Reviewed",
            "Review the sentence plan: last reviewed 15 May 2026",
            date(2026, 11, 15),
            True,
            "Overdue by 17 days",
        ),
        ("clock", "Overdue", SL003R, date(2026, 11, 30), True, "Overdue by 2 working days"),
        (
            "enforcement",
            "Failing",
            "Decide on the failure to comply on 27 November 2026 (unacceptable absence)",
            date(2026, 12, 1),
            True,
            "Overdue by 1 working day",
        ),
        ("programme", "Programme", f"{NO_ALTERNATIVE_PLAN} (Thinking Skills Programme)", None, True, "Now"),
        ("risk", "Stale", "Last assessed 5 January 2026: a review is overdue", None, True, "Now"),
        ("risk", "Unassessed", "No completed risk of serious harm assessment", None, True, "Now"),
        ("enforcement", "Breaching", "Sign off the breach pack", None, False, "Waiting for a manager"),
        (
            "enforcement",
            "Countersigning",
            "Countersign the recall (senior manager)",
            None,
            False,
            "Waiting for a manager",
        ),
        ("enforcement", "Reviewing", "Review the recall", None, False, "Waiting for a manager"),
        ("clock", "Today", SL003R, date(2026, 12, 2), False, "Due today"),
        (
            "enforcement",
            "Deciding",
            "Decide on the failure to comply on 1 December 2026 (unacceptable absence)",
            date(2026, 12, 3),
            False,
            "Due in 1 working day",
        ),
        ("clock", "Soon", SL003R, date(2026, 12, 4), False, "Due in 2 working days"),
    ]
    assert kind_counts(items) == {"clock": 3, "risk": 2, "enforcement": 5, "plan_review": 2, "programme": 1}
    assert [item.kind_label for item in items[:5]] == [
        "Plan not reviewed",
        "Plan not reviewed",
        "Service level",
        "Enforcement decision",
        "Programme with no alternative plan",
    ]


def test_each_item_links_to_where_the_work_is_done(org, work):
    from cases.models import Requirement, SentencePlan
    from enforcement.models import Breach, ComplianceFailure, Recall

    items = {item.case.person.last_name: item for item in overdue_work(user=org.manager, team=org.team_a, today=TODAY)}
    assert items["Overdue"].url == reverse("timeliness:case_clocks", args=[work["Overdue"].pk])
    assert items["Stale"].url == reverse("risk:person_risk", args=[work["Stale"].person.crn])
    failing = ComplianceFailure.objects.get(case=work["Failing"])
    assert items["Failing"].url == reverse("enforcement:failure_decide", args=[failing.pk])
    assert items["Breaching"].url == reverse("enforcement:breach", args=[Breach.objects.get(case=work["Breaching"]).pk])
    assert items["Reviewing"].url == reverse("enforcement:recall", args=[Recall.objects.get(case=work["Reviewing"]).pk])
    plan = SentencePlan.objects.get(case=work["Planless"])
    assert items["Planless"].url == reverse("cases:plan_review_new", args=[plan.pk])
    requirement = Requirement.objects.get(sentence__case=work["Programme"])
    assert items["Programme"].url == reverse("interventions:programme_requirement", args=[requirement.pk])


def test_filter_by_officer(org, work):
    items = overdue_work(user=org.manager, team=org.team_a, officer_id=org.colleague.pk, today=TODAY)
    assert [(item.kind, item.case.person.last_name) for item in items] == [
        ("enforcement", "Failing"),
        ("enforcement", "Countersigning"),
        ("clock", "Soon"),
    ]
    assert overdue_work(user=org.manager, team=org.team_a, officer_id=org.other_team_officer.pk, today=TODAY) == []


@pytest.mark.parametrize(
    ("kind", "names"),
    [
        ("clock", ["Overdue", "Today", "Soon"]),
        ("risk", ["Stale", "Unassessed"]),
        ("enforcement", ["Failing", "Breaching", "Countersigning", "Reviewing", "Deciding"]),
        ("plan_review", ["Planless", "Reviewed"]),
        ("programme", ["Programme"]),
    ],
)
def test_filter_by_kind(org, work, kind, names):
    items = overdue_work(user=org.manager, team=org.team_a, kind=kind, today=TODAY)
    assert [item.case.person.last_name for item in items] == names
    assert {item.kind for item in items} == {kind}


def test_both_filters_together(org, work):
    items = overdue_work(user=org.manager, team=org.team_a, officer_id=org.officer.pk, kind="clock", today=TODAY)
    assert [item.case.person.last_name for item in items] == ["Overdue", "Today"]


def test_the_kinds():
    assert KINDS == (
        ("clock", "Service level"),
        ("risk", "Risk gap"),
        ("enforcement", "Enforcement decision"),
        ("plan_review", "Plan not reviewed"),
        ("programme", "Programme with no alternative plan"),
    )
    assert kind_counts([]) == {"clock": 0, "risk": 0, "enforcement": 0, "plan_review": 0, "programme": 0}


def test_a_changed_circumstance_is_a_risk_gap_with_every_reason(org):
    case = case_of(org.officer, "Moved", assessed=False)
    assess(case, 2, on=date(2026, 1, 5))
    factories.RiskReviewFactory(person=case.person, recorded_by=org.officer)
    (item,) = overdue_work(user=org.manager, team=org.team_a, kind="risk", today=TODAY)
    assert item.what == (
        "Last assessed 5 January 2026: a review is overdue; Circumstances have changed since the last assessment"
    )


def test_only_the_teams_active_cases_the_manager_may_see(org):
    clock(case_of(org.other_team_officer, "Southern"), due=date(2026, 11, 30))
    clock(case_of(org.other_provider_officer, "Crc"), due=date(2026, 11, 30), level="CRC SL001")
    hidden = case_of(org.officer, "Hidden")
    clock(hidden, due=date(2026, 11, 30))
    factories.PersonAccessLimitFactory(
        person=hidden.person, user=org.manager, kind=PersonAccessLimit.Kind.EXCLUSION, added_by=org.administrator
    )
    ended = factories.CaseFactory(responsible_officer=org.officer, person__last_name="Ended", ended=True)
    clock(ended, due=date(2026, 11, 30))
    assert overdue_work(user=org.manager, team=org.team_a, today=TODAY) == []
    # The other team's manager sees their own.
    southern_manager = factories.ManagerFactory(team=org.team_a2)
    items = overdue_work(user=southern_manager, team=org.team_a2, today=TODAY)
    assert [(item.kind, item.case.person.last_name) for item in items] == [("clock", "Southern")]


def test_due_soon_follows_the_setting_in_working_days(org, settings):
    clock(case_of(org.officer, "Monday"), due=date(2026, 12, 7))
    assert overdue_work(user=org.manager, team=org.team_a, kind="clock", today=TODAY) == []
    settings.ALERT_DUE_SOON_WORKING_DAYS = 3
    (item,) = overdue_work(user=org.manager, team=org.team_a, kind="clock", today=TODAY)
    assert (item.due_on, item.overdue, item.timing) == (date(2026, 12, 7), False, "Due in 3 working days")


def test_plan_review_follows_the_setting(org, settings):
    completed_plan(case_of(org.officer, "Planned"), date(2026, 9, 1))
    assert overdue_work(user=org.manager, team=org.team_a, kind="plan_review", today=TODAY) == []
    settings.SENTENCE_PLAN_REVIEW_MONTHS = 3
    (item,) = overdue_work(user=org.manager, team=org.team_a, kind="plan_review", today=TODAY)
    assert (item.due_on, item.timing) == (date(2026, 12, 1), "Overdue by 1 day")


# A failure to comply is one piece of work ------------------------------------------------------------------------


@pytest.mark.parametrize("warned_before", [False, True], ids=["decision clock", "decision and breach clocks"])
def test_a_failure_with_its_open_enforcement_clocks_is_listed_once(org, warned_before):
    """Recorded through the service, a failure opens LOCAL EN1 (the decision, due 2 working days later) and, once
    the warnings allowed are used up, LOCAL EN2 (breach action, due the same day): the list shows the decision
    alone, not its clocks as service levels too."""
    case = case_of(org.officer, "Failing")
    with time_machine.travel(datetime.combine(TODAY, time(10), tzinfo=LONDON), tick=False):
        if warned_before:
            earlier = failure_recorded(case, date(2026, 11, 2))
            failure_decide(by=org.officer, failure=earlier, decision="first_warning", on=date(2026, 11, 3))
        made = failure_recorded(case, date(2026, 11, 30))
    open_clocks = Clock.objects.filter(subject=f"failure:{made.pk}", status=Clock.Status.OPEN)
    expected_levels = {"LOCAL EN1", "LOCAL EN2"} if warned_before else {"LOCAL EN1"}
    assert set(open_clocks.values_list("service_level", flat=True)) == expected_levels
    assert made.status == ComplianceFailure.Status.AWAITING_DECISION

    items = overdue_work(user=org.manager, team=org.team_a, today=TODAY)

    assert listed(items) == [
        (
            "enforcement",
            "Failing",
            "Decide on the failure to comply on 30 November 2026 (unacceptable absence)",
            date(2026, 12, 2),
            False,
            "Due today",
        )
    ]
    assert kind_counts(items)["clock"] == 0
    assert overdue_work(user=org.manager, team=org.team_a, kind="clock", today=TODAY) == []


@pytest.mark.parametrize(
    ("today", "due_on", "timing"),
    [
        (date(2026, 12, 2), date(2026, 11, 27), "Overdue by 3 working days"),  # Friday; Monday to Wednesday
        (date(2026, 12, 2), date(2026, 12, 3), "Due in 1 working day"),
        (date(2026, 12, 4), date(2026, 12, 8), "Due in 2 working days"),  # over the weekend
        # No working day between: calendar days, as timeliness.selectors.timing_text.
        (date(2026, 12, 5), date(2026, 12, 6), "Due in 1 day"),  # Saturday to Sunday
        (date(2026, 12, 6), date(2026, 12, 5), "Overdue by 1 day"),
        (date(2026, 12, 5), date(2026, 12, 4), "Overdue by 1 day"),  # Friday, seen on Saturday
        (date(2026, 12, 25), date(2026, 12, 24), "Overdue by 1 day"),  # Christmas Day is a bank holiday
    ],
)
def test_a_failures_timing_is_in_working_days(org, today, due_on, timing):
    failure(
        case_of(org.officer, "Failing"),
        on=date(2026, 11, 20),
        status="awaiting_decision",
        decision_due_on=due_on,
    )

    (item,) = overdue_work(user=org.manager, team=org.team_a, kind="enforcement", today=today)

    assert (item.due_on, item.overdue, item.timing) == (due_on, due_on < today, timing)
