"""Demo data for enforcement (issue 6): decisions on the failures to comply the other demos recorded.

`build_enforcement` is called by cases.demo.demo_build inside its transaction, after the journey
(cases.demo_journey) and delivery (interventions.demo) demos. It records no failure by hand: the receivers
(enforcement.receivers) recorded one for every enforceable appointment outcome and unpaid work session those demos
wrote, each with its decision clock (LOCAL EN1). Every write goes through the services with a named member of
staff, so the history says who did it and the clocks stop from real events:

1. Decisions. For every failure awaiting a decision on a case the journey did not leave alone, in the order of
   the failures on each case, the case's responsible officer records a decision through
   enforcement.services.compliance.failure_decide, mostly within the decision window (DECIDED_IN_TIME_SHARE) and
   otherwise a few working days late, never after today nor before the case's previous decision. Once the
   warnings allowed are used up: breach action (community, suspended sentence and youth orders) or recall
   (licence), occasionally acceptable after all with the evidence; before that, mostly a warning letter,
   sometimes acceptable after all (evidence seen) or no further action (with the reason). Failures whose decision
   falls due today or later (the last two working days) are left waiting, so the decisions-due lists show
   decisions due soon.
2. The breach action clock (LOCAL EN2). The other demos record their failures before any decision exists, so none
   crossed the threshold when it was recorded; the warning that uses up the allowance starts the clock of each
   later failure of the order still waiting (the service does it), and its decision here stops it.
3. `officer` (Sarah Bradshaw): at least one failure waiting for a decision due soon, and at least one case whose
   latest failure crossed the threshold and needs breach action. If the data above gives none, an unacceptable
   absence from an office appointment on the last working day is recorded on one of her cases through
   cases.services.contacts (for the threshold, on a case on a community order that already has a warning: the
   service itself then opens LOCAL EN2).

Then the alert scan runs once (timeliness.services.alerts_raise), so the alerts show as soon as someone signs in.

Deterministic: its own `random.Random` derived from the seed, choices made in the order of the failures.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from cases.demo_journey import _is_working_day, _weighted, _working_days_after, _working_days_before
from cases.models import COMMUNITY_DISPOSALS, Case, Contact, ContactOutcome, Disposal, Sentence
from cases.services import contacts
from enforcement.models import BreachStatus, ComplianceFailure, RecallStatus, WarningLetter
from enforcement.models.compliance import WARNING_DECISIONS, EnforcementDecision
from enforcement.services import compliance
from interventions.models import UnpaidWorkAttendance

if TYPE_CHECKING:
    from cases.demo import DemoBuilder

Decision = EnforcementDecision
Status = ComplianceFailure.Status

DECIDED_IN_TIME_SHARE = 0.85
# How many working days after the failure a decision in time is made (0: the same day).
IN_TIME_DAYS = {0: 25, 1: 45, 2: 30}
# Once the threshold is crossed, breach or recall action is due the same day (LOCAL EN2): most are taken at once.
THRESHOLD_SAME_DAY_SHARE = 0.6
THRESHOLD_ACCEPTABLE_SHARE = 0.1
# Below the threshold: a warning letter mostly.
BELOW_THRESHOLD_WEIGHTS = {"warning": 70, Decision.ACCEPTABLE: 18, Decision.NO_FURTHER_ACTION: 12}

ABSENCE = "absence"  # an unacceptable absence, from an appointment or an unpaid work session
FAILED_TO_COMPLY = "failed_to_comply"  # attended an appointment but failed to comply
SENT_HOME = "sent_home"  # sent home from unpaid work for their behaviour

EVIDENCE = {
    ABSENCE: (
        "GP letter seen: ill on the day.",
        "Hospital appointment letter seen for the same morning.",
        "Called in to an extra shift at short notice and rang the office that morning; payslip seen.",
        "The bus company confirmed the route was cancelled; rang the office before the appointment.",
        "The school confirmed it closed early that day and no one else could collect the children.",
    ),
    FAILED_TO_COMPLY: (
        "Left the appointment early for a job interview; the employer confirmed it.",
        "Unwell during the appointment; the GP letter was seen the next day.",
    ),
    SENT_HOME: (
        "The supervisor's and the person's accounts were reviewed: sent home over a fair safety concern, not refusal.",
        "Another worker started the argument; the supervisor agrees this person was not at fault.",
    ),
}
NO_FURTHER_ACTION_REASONS = {
    ABSENCE: (
        "First failure on the order; rang the same afternoon to apologise. Rebooked and told what happens next time.",
        "The appointment letter went to an old address: address updated and the appointment rebooked.",
        "Came to the office the next morning of their own accord; a warning would not help engagement now.",
    ),
    FAILED_TO_COMPLY: (
        "Refused the drug test, then gave a sample the same day at the clinic; discussed and recorded.",
        "Arrived under the influence of alcohol; sent away and seen sober the next day. Talked through the risks.",
    ),
    SENT_HOME: (
        "Arrived 20 minutes late and was turned away; reminded of the start time and rebooked.",
        "Sent home for using a phone on site; first time, talked through the rules with the supervisor.",
    ),
}
BREACH_REASON = "Failed to comply again within 12 months of a warning: breach report prepared for the court."
RECALL_REASON = (
    "Failed to comply again on licence after a warning: recall report sent to the Public Protection Casework Section."
)
CREATED_NOTES = "Did not attend and did not answer the mobile; a letter asks them to get in touch today."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _kind(failure: ComplianceFailure) -> str:
    if failure.source == ComplianceFailure.Source.UNPAID_WORK:
        status = failure.unpaid_work_attendance.status
        return ABSENCE if status == UnpaidWorkAttendance.Status.UNACCEPTABLE_ABSENCE else SENT_HOME
    code = failure.contact.outcome.code
    if code == "unacceptable_absence":
        return ABSENCE
    return SENT_HOME if code == "attended_sent_home" else FAILED_TO_COMPLY


# Summary -------------------------------------------------------------------------------------------------------

OFFICER_DUE_SOON = "decision due soon"
OFFICER_THRESHOLD = "warnings used up, breach action needed"


@dataclass
class EnforcementSummary:
    """What `build_enforcement` made, for the seed_demo command to print."""

    failures: Counter  # status -> count
    decisions: Counter  # decision -> count
    decided_in_time: int
    warning_letters: int
    awaiting_due_soon: int
    awaiting_overdue: int
    threshold_cases: int  # cases with a failure waiting for breach or recall action
    alerts_raised: dict[str, int]
    officer: dict[str, str] = field(default_factory=dict)  # OFFICER_* -> "CRN name (recorded here|from the demo)"
    seconds: float = 0.0
    breaches: Counter = field(default_factory=Counter)  # breach status -> count
    recalls: Counter = field(default_factory=Counter)  # recall status -> count

    def lines(self) -> list[str]:
        statuses = ", ".join(
            f"{Status(code).label.lower()} {self.failures[code]}" for code in Status.values if self.failures[code]
        )
        decisions = ", ".join(f"{Decision(code).label.lower()} {count}" for code, count in self.decisions.most_common())
        decided = sum(self.decisions.values())
        lines = [
            f"Enforcement data loaded in {self.seconds:.1f} s.",
            f"  Failures to comply: {sum(self.failures.values())} ({statuses}).",
            f"  Decisions: {decisions}; {self.decided_in_time} of {decided} made in time. "
            f"Warning letters issued: {self.warning_letters}.",
            f"  Waiting for a decision: {self.awaiting_due_soon} due soon, {self.awaiting_overdue} overdue; "
            f"cases waiting for breach or recall action: {self.threshold_cases}.",
            f"  Alerts raised: {self.alerts_raised.get('due_soon', 0)} due soon, "
            f"{self.alerts_raised.get('overdue', 0)} overdue.",
        ]
        if self.breaches:
            stages = ", ".join(
                f"{_lower_first(BreachStatus(code).label)} {self.breaches[code]}"
                for code in BreachStatus.values
                if self.breaches[code]
            )
            lines.append(f"  Breaches: {sum(self.breaches.values())} ({stages}).")
        if self.recalls:
            stages = ", ".join(
                f"{_lower_first(RecallStatus(code).label)} {self.recalls[code]}"
                for code in RecallStatus.values
                if self.recalls[code]
            )
            lines.append(f"  Recalls: {sum(self.recalls.values())} ({stages}).")
        if self.officer:
            lines.append("  For officer:")
            lines += [f"    {what}: {where}" for what, where in self.officer.items()]
        return lines


def record_unacceptable_absence(case: Case, officer: User, day: date, at: clock_time) -> ComplianceFailure:
    """An office appointment on `day` with an unacceptable absence, recorded through the services: a failure to comply
    (also used by oversight.demo)."""
    contact = contacts.appointment_book(
        by=officer,
        case=case,
        contact_type=Contact.ContactType.OFFICE_APPOINTMENT,
        starts_at=timezone.make_aware(datetime.combine(day, at)),
        method=Contact.Method.FACE_TO_FACE,
        duration_minutes=45,
        location=f"{case.team.name} office",
        staff=officer,
    )
    contacts.appointment_record_outcome(
        by=officer,
        contact=contact,
        outcome=ContactOutcome.objects.get(code="unacceptable_absence"),
        notes=CREATED_NOTES,
    )
    return ComplianceFailure.objects.select_related("case__person").get(contact=contact)


# Builder -------------------------------------------------------------------------------------------------------


class EnforcementBuilder:
    """Writes the enforcement demo through the services. Use `build_enforcement`."""

    def __init__(self, builder: DemoBuilder, *, seed: int, leave_alone: frozenset[int] = frozenset()):
        self.rng = random.Random(f"enforcement demo {seed}")
        self.leave_alone = leave_alone
        self.builder = builder
        self.today = min(builder.today, timezone.localdate())  # the services refuse decisions in the future
        self.staff = builder.staff
        self.region_id = next(iter(builder.providers.values())).region_id
        self.allowed = settings.ENFORCEMENT_WARNINGS_ALLOWED
        self.officer_examples: dict[str, str] = {}

    def _failures(self):
        return (
            ComplianceFailure.objects.filter(case__provider__region_id=self.region_id)
            .exclude(case_id__in=self.leave_alone)
            .select_related(
                "case__person",
                "case__responsible_officer",
                "sentence",
                "contact__outcome",
                "unpaid_work_attendance",
            )
        )

    # 1 and 2: decisions ---------------------------------------------------------------------------------------

    def decide_all(self) -> None:
        waiting = self._failures().filter(status=Status.AWAITING_DECISION).order_by("case_id", "failed_on", "pk")
        last_decided: dict[int, date] = {}
        for failure in waiting:
            officer = failure.case.responsible_officer
            if failure.decision_due_on >= self.today or officer is None:
                continue  # due today or later: left for the officer
            warnings = compliance.warnings_before(failure)  # given for the earlier failures of the order
            reached = len(warnings) >= self.allowed
            decision, reason = self._choose(failure, reached=reached, warned=bool(warnings))
            # An officer decides a case's failures in turn: never before the previous decision (whose warning may
            # have started this failure's breach action clock that day).
            on = max(self._decision_day(failure, reached=reached), last_decided.get(failure.case_id, date.min))
            on = min(on, self.today)
            compliance.failure_decide(by=officer, failure=failure, decision=decision, reason=reason, on=on)
            last_decided[failure.case_id] = on

    def _choose(self, failure: ComplianceFailure, *, reached: bool, warned: bool) -> tuple[str, str]:
        rng = self.rng
        kind = _kind(failure)
        if reached:
            if rng.random() < THRESHOLD_ACCEPTABLE_SHARE or not (
                compliance.is_breachable(failure.sentence, failure.failed_on)
                or compliance.is_licence(failure.sentence, failure.failed_on)
            ):
                return Decision.ACCEPTABLE, rng.choice(EVIDENCE[kind])
            if compliance.is_licence(failure.sentence, failure.failed_on):
                return Decision.RECALL, RECALL_REASON
            return Decision.BREACH, BREACH_REASON
        choice = _weighted(rng, BELOW_THRESHOLD_WEIGHTS)
        if choice == Decision.ACCEPTABLE:
            return Decision.ACCEPTABLE, rng.choice(EVIDENCE[kind])
        if choice == Decision.NO_FURTHER_ACTION:
            return Decision.NO_FURTHER_ACTION, rng.choice(NO_FURTHER_ACTION_REASONS[kind])
        return (Decision.FINAL_WARNING if warned else Decision.FIRST_WARNING), ""

    def _decision_day(self, failure: ComplianceFailure, *, reached: bool) -> date:
        """In time mostly (the same day for most breach or recall action), else a few working days late."""
        rng = self.rng
        due = failure.decision_due_on
        if reached and rng.random() < THRESHOLD_SAME_DAY_SHARE:
            return failure.failed_on
        if rng.random() < DECIDED_IN_TIME_SHARE:
            days = _weighted(rng, IN_TIME_DAYS)
            if days == 0 and _is_working_day(failure.failed_on):
                return failure.failed_on
            return min(_working_days_after(failure.failed_on, max(days, 1)), due)
        return min(_working_days_after(due, rng.randint(1, 3)), self.today)

    # 3: officer's examples ------------------------------------------------------------------------------------

    def ensure_officer_examples(self) -> None:
        officer = self.staff["officer"]
        horizon = self._horizon()
        waiting = list(
            self._failures()
            .filter(status=Status.AWAITING_DECISION, case__responsible_officer=officer)
            .order_by("decision_due_on", "failed_on", "pk")
        )
        reached = {failure.pk for failure in waiting if compliance.threshold_reached(failure)}
        due_soon = next(
            (f for f in waiting if f.pk not in reached and self.today <= f.decision_due_on <= horizon), None
        )
        threshold = next((f for f in waiting if f.pk in reached), None)
        made = {OFFICER_DUE_SOON: False, OFFICER_THRESHOLD: False}
        if threshold is None:
            threshold = self._threshold_failure(officer)
            made[OFFICER_THRESHOLD] = True
        if due_soon is None:
            due_soon = self._due_soon_failure(officer)
            made[OFFICER_DUE_SOON] = True
        for what, failure in ((OFFICER_DUE_SOON, due_soon), (OFFICER_THRESHOLD, threshold)):
            if failure is None:
                continue
            person = failure.case.person
            how = "recorded here" if made[what] else "from the demo"
            self.officer_examples[what] = f"{person.crn} {person.full_name} ({how})"

    def _horizon(self) -> date:
        from timeliness.services import due_soon_horizon

        return due_soon_horizon(self.today)

    def _candidate_cases(self, officer: User, day: date) -> list[tuple[Case, Sentence]]:
        """The officer's active cases, not left alone, with nothing waiting for a decision and a current order
        (breachable: community, suspended sentence or youth) made before `day`; community orders first."""
        cases = (
            Case.objects.filter(responsible_officer=officer, status=Case.Status.ACTIVE)
            .exclude(pk__in=self.leave_alone)
            .exclude(compliance_failures__status=Status.AWAITING_DECISION)
            .select_related("person", "team", "provider")
            .order_by("pk")
        )
        found = []
        for case in cases:
            sentence = compliance.order_on(case, day)
            if sentence is not None and sentence.disposal in COMMUNITY_DISPOSALS and sentence.sentence_date < day:
                found.append((case, sentence))
        found.sort(key=lambda pair: pair[1].disposal != Disposal.COMMUNITY_ORDER)  # stable: by pk within
        return found

    def _warnings_on(self, sentence: Sentence, day: date) -> int:
        return ComplianceFailure.objects.filter(
            sentence=sentence,
            status=Status.DECIDED,
            decision__in=WARNING_DECISIONS,
            failed_on__gt=day - relativedelta(months=12),
            failed_on__lte=day,
        ).count()

    def _due_soon_failure(self, officer: User) -> ComplianceFailure | None:
        """A first failure on one of the officer's cases with no warning: absent on the last working day."""
        day = _working_days_before(self.today, 1)
        candidates = [pair for pair in self._candidate_cases(officer, day) if not self._warnings_on(pair[1], day)]
        if not candidates:
            return None
        case, _sentence = self.rng.choice(candidates)
        return record_unacceptable_absence(case, officer, day, clock_time(10))

    def _threshold_failure(self, officer: User) -> ComplianceFailure | None:
        """A failure on one of the officer's cases whose warnings are used up: absent on the last working day. On a
        case with a warning already if there is one; otherwise one is given for an absence two weeks before."""
        day = _working_days_before(self.today, 1)
        candidates = self._candidate_cases(officer, day)
        if not candidates:
            return None
        warned = [pair for pair in candidates if self._warnings_on(pair[1], day) >= self.allowed]
        if warned:
            case, _sentence = self.rng.choice(warned)
            return record_unacceptable_absence(case, officer, day, clock_time(14, 30))
        # No case has a warning yet: warnings for absences a fortnight apart before it, on a case with no failure
        # since the first of them (so no later decision contradicts the warnings).
        first = _working_days_before(day, 10 * self.allowed)
        quiet = [
            pair
            for pair in candidates
            if pair[1].sentence_date < first
            and not ComplianceFailure.objects.filter(case=pair[0], failed_on__gte=first).exists()
        ]
        case, sentence = (quiet or candidates)[0]
        while self._warnings_on(sentence, day) < self.allowed:
            earlier = _working_days_before(day, 10 * (self.allowed - self._warnings_on(sentence, day)))
            earlier = max(earlier, sentence.sentence_date + timedelta(days=1), case.start_date)
            failure = record_unacceptable_absence(case, officer, earlier, clock_time(11))
            warned_before = bool(compliance.warnings_before(failure))
            compliance.failure_decide(
                by=officer,
                failure=failure,
                decision=Decision.FINAL_WARNING if warned_before else Decision.FIRST_WARNING,
                on=min(_working_days_after(earlier, 1), self.today),
            )
        return record_unacceptable_absence(case, officer, day, clock_time(14, 30))

    # Summary -------------------------------------------------------------------------------------------------

    def summary(self, raised: dict[str, int], seconds: float) -> EnforcementSummary:
        failures = ComplianceFailure.objects.filter(case__provider__region_id=self.region_id)
        decided = failures.filter(status=Status.DECIDED)
        waiting = list(failures.filter(status=Status.AWAITING_DECISION).select_related("sentence"))
        horizon = self._horizon()
        return EnforcementSummary(
            failures=Counter(failures.values_list("status", flat=True)),
            decisions=Counter(decided.values_list("decision", flat=True)),
            decided_in_time=sum(
                1 for decided_on, due in decided.values_list("decided_on", "decision_due_on") if decided_on <= due
            ),
            warning_letters=WarningLetter.objects.filter(case__provider__region_id=self.region_id).count(),
            awaiting_due_soon=sum(1 for failure in waiting if self.today <= failure.decision_due_on <= horizon),
            awaiting_overdue=sum(1 for failure in waiting if failure.decision_due_on < self.today),
            threshold_cases=len({failure.case_id for failure in waiting if compliance.threshold_reached(failure)}),
            alerts_raised=raised,
            officer=dict(self.officer_examples),
            seconds=seconds,
        )


def build_enforcement(
    builder: DemoBuilder, *, seed: int, leave_alone: frozenset[int] = frozenset()
) -> EnforcementSummary:
    """Write the enforcement demo data (see the module docstring). Call inside demo_build's transaction, after
    build_delivery.

    `leave_alone`: ids of cases to write nothing on (the journey's live cases, each showing one stage)."""
    from enforcement.demo_breach import build_breaches
    from enforcement.demo_recall import build_recalls
    from timeliness.services import alerts_raise

    started = time.perf_counter()
    enforcement = EnforcementBuilder(builder, seed=seed, leave_alone=leave_alone)
    enforcement.decide_all()
    enforcement.ensure_officer_examples()
    breaches = build_breaches(builder, seed=seed, today=enforcement.today)
    recalls = build_recalls(builder, seed=seed, today=enforcement.today)
    raised = alerts_raise(today=enforcement.today)
    summary = enforcement.summary(raised, time.perf_counter() - started)
    summary.breaches = breaches
    summary.recalls = recalls
    return summary
