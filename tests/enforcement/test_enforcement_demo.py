"""Enforcement demo data (enforcement/demo.py): decisions on the failures to comply the journey and delivery demos
recorded, mostly in time, by each case's responsible officer; warning letters for warnings; breach or recall only
once the warnings allowed are used up; `officer` with a decision due soon and a case waiting for breach action;
deterministic.

The demo is built twice for the module (the first build is rolled back after a snapshot, to compare with the
second); everything is rolled back at the end of the module.
"""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from accounts.models import Court, User
from cases.demo_journey import FIRST_APPOINTMENT_OVERDUE
from enforcement.models import (
    Breach,
    BreachPack,
    BreachStatus,
    BreachStep,
    ComplianceFailure,
    CourtInformationRequest,
    Recall,
    RecallInformationRequest,
    RecallStatus,
    WarningLetter,
)
from enforcement.models.compliance import ENFORCEMENT_ACTIONS, WARNING_DECISIONS, EnforcementDecision
from enforcement.selectors.compliance import decisions_due, requires_enforcement_action
from enforcement.services.compliance import is_breachable, is_licence, threshold_reached
from tests.demo_builds import build_twice
from timeliness.models import Alert, Clock
from timeliness.services import due_soon_horizon

PEOPLE = 300  # enough breaches for the demo's examples of every stage
SEED = 2017
Decision = EnforcementDecision
Status = ComplianceFailure.Status


def enforcement_snapshot() -> dict[str, list[tuple]]:
    """What the enforcement demo leaves, without database ids or times of writing, in creation order."""
    return {
        "failures": list(
            ComplianceFailure.objects.order_by("pk").values_list(
                "case__person__crn", "failed_on", "status", "decision", "decided_on"
            )
        ),
        "letters": list(
            WarningLetter.objects.order_by("pk").values_list("case__person__crn", "kind", "issued_on", "body")
        ),
        "breaches": list(
            Breach.objects.order_by("pk").values_list(
                "case__person__crn", "status", "aware_on", "hearing_on", "outcome"
            )
        ),
        "steps": list(BreachStep.objects.order_by("pk").values_list("breach__case__person__crn", "step", "on")),
        "recalls": list(
            Recall.objects.order_by("pk").values_list("case__person__crn", "status", "aware_on", "recommendation")
        ),
        "recall_information_requests": list(
            RecallInformationRequest.objects.order_by("pk").values_list(
                "recall__case__person__crn", "source", "requested_on", "answered_on"
            )
        ),
    }


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """Build the demo, snapshot and roll back; build it again and keep it for the module's tests."""
    yield from build_twice(django_db_blocker, people=PEOPLE, seed=SEED, snapshot=enforcement_snapshot)


@pytest.fixture
def summary(built, db):
    return built["summary"]


def _officer(username: str) -> User:
    return User.objects.get(username=username)


def test_the_enforcement_demo_is_deterministic(built):
    assert built["first"] == built["second"]
    assert all(built["second"].values()), {name: len(rows) for name, rows in built["second"].items()}


def test_the_summary_counts_what_is_in_the_database(summary):
    enforcement = summary.enforcement
    decided = ComplianceFailure.objects.filter(status=Status.DECIDED)

    assert sum(enforcement.failures.values()) == ComplianceFailure.objects.count()
    assert enforcement.failures[Status.DECIDED] == decided.count() == sum(enforcement.decisions.values()) > 0
    assert enforcement.warning_letters == WarningLetter.objects.count() > 0
    assert enforcement.threshold_cases >= 1
    lines = enforcement.lines()
    assert lines[0].startswith("Enforcement data loaded in ")
    assert any("officer" in line for line in lines)


def test_officer_has_a_decision_due_soon_and_a_case_waiting_for_breach_action(summary):
    today = timezone.localdate()
    officer = _officer("officer")
    waiting = list(decisions_due(user=officer))

    due_soon = [
        failure
        for failure in waiting
        if today <= failure.decision_due_on <= due_soon_horizon(today) and not requires_enforcement_action(failure)
    ]
    assert due_soon, [(failure.failed_on, failure.decision_due_on) for failure in waiting]
    needing_action = [failure for failure in waiting if requires_enforcement_action(failure)]
    assert needing_action
    failure = needing_action[0]
    assert is_breachable(failure.sentence), failure.sentence.disposal
    # The breach action clock runs and alerts the officer and the team's manager at once.
    clock = Clock.objects.get(service_level="LOCAL EN2", subject=f"failure:{failure.pk}")
    assert clock.status == Clock.Status.OPEN
    recipients = set(Alert.objects.filter(clock=clock, closed_at__isnull=True).values_list("recipient__username"))
    assert {("officer",), ("manager",)} <= recipients, recipients


def test_only_the_journeys_overdue_first_appointment_has_its_decision_overdue(summary):
    """One decision clock is overdue on purpose: the journey's "allocated, first appointment overdue" case (its
    person missed the first appointment four working days ago), which the journey leaves alone so its stage shows;
    so `officer` also sees a decision overdue. Everything else is decided, or due today or later."""
    today = timezone.localdate()
    live = summary.journey.live_case_ids
    overdue = Clock.objects.filter(service_level="LOCAL EN1", status=Clock.Status.OPEN, due_on__lt=today)

    assert overdue.count() == 1, list(overdue.values_list("case__person__crn", "due_on"))
    crn = summary.journey.live[FIRST_APPOINTMENT_OVERDUE].split()[0]
    assert overdue.get().case.person.crn == crn
    assert overdue.get().case_id in live
    assert summary.enforcement.awaiting_overdue == 1
    waiting = ComplianceFailure.objects.filter(status=Status.AWAITING_DECISION).exclude(case_id__in=live)
    assert not waiting.filter(decision_due_on__lt=today).exists(), "left undecided only when due today or later"
    assert not ComplianceFailure.objects.filter(case_id__in=live, status=Status.DECIDED).exists()


def test_decisions_are_mostly_in_time_by_the_responsible_officer_and_never_in_the_future(summary):
    today = timezone.localdate()
    decided = list(ComplianceFailure.objects.filter(status=Status.DECIDED).select_related("case"))
    in_time = [failure for failure in decided if failure.decided_on <= failure.decision_due_on]

    assert 0.7 <= len(in_time) / len(decided) < 1, (len(in_time), len(decided))
    assert all(failure.failed_on <= failure.decided_on <= today for failure in decided)
    assert all(failure.decided_by_id == failure.case.responsible_officer_id for failure in decided)
    met = Clock.objects.filter(service_level="LOCAL EN1", status=Clock.Status.MET).count()
    assert met == len(in_time) == summary.enforcement.decided_in_time


def test_every_decision_has_its_author_in_the_history(summary):
    for failure in ComplianceFailure.objects.filter(status=Status.DECIDED):
        record = failure.history.filter(status=Status.DECIDED).earliest("history_date")
        assert record.history_user_id == failure.decided_by_id, failure.pk
        assert record.decision == failure.decision
    for model in (ComplianceFailure, WarningLetter):
        assert not model.history.filter(history_user__isnull=True).exists(), model.__name__


def test_every_warning_has_its_letter_and_nothing_else_has_one(summary):
    warnings = ComplianceFailure.objects.filter(decision__in=WARNING_DECISIONS).select_related("warning_letter")

    assert warnings.count() == WarningLetter.objects.count() > 0
    for failure in warnings:
        letter = failure.warning_letter
        assert letter.kind == ("final" if failure.decision == Decision.FINAL_WARNING else "first")
        assert letter.issued_on == failure.decided_on
        assert letter.issued_by_id == failure.decided_by_id
    assert not WarningLetter.objects.exclude(failure__decision__in=WARNING_DECISIONS).exists()


def warnings_when_decided(failure: ComplianceFailure) -> int:
    """The warnings the officer had to go on: given on the same order, for failures within 12 months either side
    of this one, before this decision was written (a warning given later counts for threshold_reached now)."""
    decided = failure.history.filter(status=Status.DECIDED).earliest("history_id").history_id
    given = ComplianceFailure.history.filter(
        history_id__lt=decided,
        status=Status.DECIDED,
        decision__in=WARNING_DECISIONS,
        sentence_id=failure.sentence_id,
        failed_on__gt=failure.failed_on - relativedelta(months=12),
        failed_on__lt=failure.failed_on + relativedelta(months=12),
    ).exclude(id=failure.pk)
    return given.values("id").distinct().count()


def test_breach_and_recall_only_once_the_warnings_are_used_up(summary):
    allowed = settings.ENFORCEMENT_WARNINGS_ALLOWED
    decided = list(ComplianceFailure.objects.filter(status=Status.DECIDED).select_related("sentence"))
    actions = [failure for failure in decided if failure.decision in ENFORCEMENT_ACTIONS]

    assert actions
    for failure in decided:
        reached = warnings_when_decided(failure) >= allowed
        if failure.decision in ENFORCEMENT_ACTIONS:
            assert reached, failure.pk
        if reached:
            assert failure.decision in (*ENFORCEMENT_ACTIONS, Decision.ACCEPTABLE), (failure.pk, failure.decision)
    for failure in actions:
        if failure.decision == Decision.BREACH:
            assert is_breachable(failure.sentence), failure.pk
        else:
            assert is_licence(failure.sentence), failure.pk
    explained = [f for f in decided if f.decision in (Decision.ACCEPTABLE, Decision.NO_FURTHER_ACTION)]
    assert explained
    assert all(failure.decision_reason for failure in explained)


def test_a_breach_action_clock_for_every_failure_past_the_threshold_stopped_by_its_decision(summary):
    allowed = settings.ENFORCEMENT_WARNINGS_ALLOWED
    failures = ComplianceFailure.objects.exclude(status=Status.WITHDRAWN)
    past_threshold = {}
    for failure in failures:
        if failure.status == Status.DECIDED:
            reached = warnings_when_decided(failure) >= allowed
        else:
            reached = threshold_reached(failure)
        if reached:
            past_threshold[f"failure:{failure.pk}"] = failure
    clocks = {clock.subject: clock for clock in Clock.objects.filter(service_level="LOCAL EN2")}

    assert past_threshold
    assert set(past_threshold) == set(clocks)
    for subject, clock in clocks.items():
        failure = past_threshold[subject]
        if failure.status == Status.DECIDED:
            assert clock.status in (Clock.Status.MET, Clock.Status.MISSED), subject
            assert clock.stopped_on == failure.decided_on, subject
        else:
            assert clock.status == Clock.Status.OPEN, subject


def test_each_cases_failures_are_decided_in_turn(summary):
    last: dict[int, date] = {}
    decided = ComplianceFailure.objects.filter(status=Status.DECIDED).order_by("case_id", "failed_on", "pk")
    for failure in decided:
        previous = last.get(failure.case_id)
        assert previous is None or previous <= failure.decided_on, failure.pk
        last[failure.case_id] = failure.decided_on


# Breach and recall ----------------------------------------------------------------------------------------------------


def test_breaches_are_at_every_stage_and_their_counts_are_the_summarys(summary):
    statuses = set(Breach.objects.values_list("status", flat=True))
    assert statuses == set(BreachStatus.values)
    assert summary.enforcement.breaches == {
        status: Breach.objects.filter(status=status).count() for status in BreachStatus.values if status in statuses
    }
    # Packs sent back by a manager and by the NPS, and a court's request for more still to answer.
    assert BreachStep.objects.filter(step=BreachStep.Step.RETURNED).exists()
    assert BreachStep.objects.filter(step=BreachStep.Step.NPS_REQUESTED_MORE).exists()
    assert CourtInformationRequest.objects.filter(answered_by_pack__isnull=True).exists()


def test_breach_steps_are_in_order_never_in_the_future_and_by_named_staff(summary):
    today = timezone.localdate()
    for breach in Breach.objects.prefetch_related("steps"):
        workflow = [step for step in breach.steps.all() if step.step != BreachStep.Step.FAILURE_ADDED]
        days = [step.on for step in workflow]  # in the order they were recorded (BreachStep.at)
        assert days == sorted(days), breach.pk
        assert all(breach.aware_on <= day <= today for day in days), breach.pk
        assert all(step.by_id for step in workflow)
    for pack in BreachPack.objects.filter(sent_to_court_at__isnull=False):
        assert pack.signed_off_by_id and pack.signed_off_by_id != pack.prepared_by_id


def test_recalls_are_at_every_stage_and_countersigned_by_a_senior_manager(summary):
    assert set(Recall.objects.values_list("status", flat=True)) == set(RecallStatus.values) - {RecallStatus.WITHDRAWN}
    countersigned = Recall.objects.filter(countersigned_by__isnull=False).select_related("countersigned_by")
    assert countersigned.exists()
    for recall in countersigned:
        assert recall.countersigned_by.senior_manager and recall.countersigned_by_id != recall.reviewed_by_id
    for recall in Recall.objects.filter(status=RecallStatus.NOT_RECALLED):
        assert f"Dear {recall.case.person.full_name}," in recall.no_recall_letter


def test_about_1_in_15_recalls_sent_are_asked_for_more_before_the_return_to_custody(summary):
    today = timezone.localdate()
    sent = Recall.objects.filter(sent_to_ppcs_on__isnull=False)
    requests = list(RecallInformationRequest.objects.select_related("recall__case__provider"))

    assert requests
    # The first of each provider's recalls sent, then every 15th.
    by_provider = {}
    for recall in sent:
        by_provider[recall.case.provider_id] = by_provider.get(recall.case.provider_id, 0) + 1
    assert len(requests) == sum((count + 14) // 15 for count in by_provider.values())
    assert len({request.recall_id for request in requests}) == len(requests)
    for request in requests:
        recall = request.recall
        assert recall.sent_to_ppcs_on <= request.requested_on <= today
        if recall.returned_to_custody_on:
            assert request.requested_on < recall.returned_to_custody_on
        if request.answered_on:
            assert request.requested_on <= request.answered_on <= today
            assert request.answered_by_id == request.recorded_by_id
    assert any(request.answered_on for request in requests)


def test_every_demo_court_has_a_court_user_who_sees_packs(summary):
    for court in Court.objects.all():
        assert User.objects.filter(role=User.Role.COURT_USER, courts=court).exists(), court.name
    assert BreachPack.objects.filter(court__court_users__username="court", sent_to_court_at__isnull=False).exists()


def test_the_breach_and_recall_clocks_are_met_and_missed(summary):
    codes = Clock.objects.filter(service_level__in=["CRC AE", "NPS SL014", "NPS SL015", "NPS SL012", "NPS SL024"])
    statuses = set(codes.values_list("service_level", "status"))
    assert {("NPS SL014", "met"), ("CRC AE", "met"), ("NPS SL012", "met")} <= statuses
    assert any(status == "missed" for _code, status in statuses)
