"""Overdue work for a team: one list of what needs doing, each row linking to its case.

Kinds of work (one query each, so the list is a constant number of queries however many cases):
- service-level clocks running and due within ALERT_DUE_SOON_WORKING_DAYS, or overdue;
- risk gaps (risk.selectors.risk_gaps: no assessment, an overdue review, changed circumstances, a flag or MAPPA
  registration past its review date);
- enforcement decisions pending (shown once: not also as their LOCAL EN1 and EN2 clocks): failures to comply
  waiting for the officer's decision, breaches waiting for a manager's sign-off, recalls waiting for a manager's
  review or a senior manager's countersignature;
- completed sentence plans not reviewed for SENTENCE_PLAN_REVIEW_MONTHS;
- programme requirements outstanding with no alternative plan.
"""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from cases.models import Case, Requirement, SentencePlan
from cases.selectors import cases_visible_to
from timeliness.calendar import add_days
from timeliness.models import Clock
from timeliness.selectors import due_timing_text, timing_text

KINDS = (
    ("clock", "Service level"),
    ("risk", "Risk gap"),
    ("enforcement", "Enforcement decision"),
    ("plan_review", "Plan not reviewed"),
    ("programme", "Programme with no alternative plan"),
)
KIND_LABELS = dict(KINDS)
# The local enforcement decision clocks are listed as the decisions themselves (kind "enforcement"), not twice.
ENFORCEMENT_DECISION_CODES = ("LOCAL EN1", "LOCAL EN2")


@dataclass(frozen=True)
class WorkItem:
    kind: str
    case: Case
    what: str
    due_on: date | None
    overdue: bool
    timing: str
    url: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def _team_cases(user: User, team: Team):
    return cases_visible_to(user).filter(team=team, status=Case.Status.ACTIVE)


def _clock_items(user: User, team: Team, today: date, officer_id: int | None) -> list[WorkItem]:
    soon = add_days(today, settings.ALERT_DUE_SOON_WORKING_DAYS, working=True)
    clocks = (
        Clock.objects.filter(case__in=_team_cases(user, team).values("pk"), status=Clock.Status.OPEN, due_on__lte=soon)
        .exclude(service_level__in=ENFORCEMENT_DECISION_CODES)
        .select_related("case__person", "case__responsible_officer")
    )
    if officer_id:
        clocks = clocks.filter(case__responsible_officer_id=officer_id)
    return [
        WorkItem(
            kind="clock",
            case=clock.case,
            what=f"{clock.service_level}: {clock.definition.name}",
            due_on=clock.due_on,
            overdue=clock.due_on < today,
            timing=timing_text(clock, today=today),
            url=reverse("timeliness:case_clocks", args=[clock.case_id]),
        )
        for clock in clocks
    ]


def _risk_items(user: User, team: Team, today: date, officer_id: int | None) -> list[WorkItem]:
    from risk.selectors import gap_reasons, risk_gaps

    return [
        WorkItem(
            kind="risk",
            case=case,
            what="; ".join(gap_reasons(case, today)),
            due_on=None,
            overdue=True,
            timing="Now",
            url=reverse("risk:person_risk", args=[case.person.crn]),
        )
        for case in risk_gaps(user=user, officer_id=officer_id, today=today, team_id=team.pk)
    ]


def _enforcement_items(user: User, team: Team, today: date, officer_id: int | None) -> list[WorkItem]:
    from enforcement.models import Breach, ComplianceFailure, Recall
    from enforcement.models.breach import BreachStatus
    from enforcement.models.recall import RecallStatus

    cases = _team_cases(user, team)
    if officer_id:
        cases = cases.filter(responsible_officer_id=officer_id)
    cases = cases.values("pk")
    items = []
    failures = ComplianceFailure.objects.filter(
        case__in=cases, status=ComplianceFailure.Status.AWAITING_DECISION
    ).select_related("case__person", "case__responsible_officer")
    for failure in failures:
        items.append(
            WorkItem(
                kind="enforcement",
                case=failure.case,
                what=f"Decide on the failure to comply on {failure.failed_on:%-d %B %Y} ({failure.outcome.lower()})",
                due_on=failure.decision_due_on,
                overdue=failure.decision_due_on < today,
                timing=due_timing_text(failure.decision_due_on, working=True, today=today),
                url=reverse("enforcement:failure_decide", args=[failure.pk]),
            )
        )
    breaches = Breach.objects.filter(case__in=cases, status=BreachStatus.AWAITING_SIGN_OFF).select_related(
        "case__person", "case__responsible_officer"
    )
    for breach in breaches:
        items.append(
            WorkItem(
                kind="enforcement",
                case=breach.case,
                what="Sign off the breach pack",
                due_on=None,
                overdue=False,
                timing="Waiting for a manager",
                url=reverse("enforcement:breach", args=[breach.pk]),
            )
        )
    recalls = Recall.objects.filter(
        case__in=cases, status__in=[RecallStatus.AWAITING_REVIEW, RecallStatus.AWAITING_COUNTERSIGNATURE]
    ).select_related("case__person", "case__responsible_officer")
    for recall in recalls:
        waiting_for = (
            "Review the recall"
            if recall.status == RecallStatus.AWAITING_REVIEW
            else "Countersign the recall (senior manager)"
        )
        items.append(
            WorkItem(
                kind="enforcement",
                case=recall.case,
                what=waiting_for,
                due_on=None,
                overdue=False,
                timing="Waiting for a manager",
                url=reverse("enforcement:recall", args=[recall.pk]),
            )
        )
    return items


def _plan_items(user: User, team: Team, today: date, officer_id: int | None) -> list[WorkItem]:
    cutoff = today - relativedelta(months=settings.SENTENCE_PLAN_REVIEW_MONTHS)
    latest_completed = (
        SentencePlan.objects.filter(case_id=OuterRef("case_id"), status=SentencePlan.Status.COMPLETED)
        .order_by("-completed_on", "-pk")
        .values("pk")[:1]
    )
    plans = (
        SentencePlan.objects.filter(
            case__in=_team_cases(user, team).values("pk"),
            status=SentencePlan.Status.COMPLETED,
            pk=Subquery(latest_completed),
        )
        .annotate(last_reviewed_on=Greatest("completed_on", Coalesce(Max("reviews__reviewed_on"), "completed_on")))
        .filter(last_reviewed_on__lt=cutoff)
        .select_related("case__person", "case__responsible_officer")
    )
    if officer_id:
        plans = plans.filter(case__responsible_officer_id=officer_id)
    items = []
    for plan in plans:
        due_on = plan.last_reviewed_on + relativedelta(months=settings.SENTENCE_PLAN_REVIEW_MONTHS)
        items.append(
            WorkItem(
                kind="plan_review",
                case=plan.case,
                what=f"Review the sentence plan: last reviewed {plan.last_reviewed_on:%-d %B %Y}",
                due_on=due_on,
                overdue=True,
                timing=due_timing_text(due_on, working=False, today=today),
                url=reverse("cases:plan_review_new", args=[plan.pk]),
            )
        )
    return items


def _programme_items(user: User, team: Team, today: date, officer_id: int | None) -> list[WorkItem]:
    from interventions.selectors.programmes import NO_ALTERNATIVE_PLAN, needs_alternative_plan

    requirements = (
        Requirement.objects.filter(
            sentence__case__in=_team_cases(user, team).values("pk"),
            status=Requirement.Status.ACTIVE,
            requirement_type__is_accredited_programme=True,
        )
        .annotate(no_alternative_plan=needs_alternative_plan())
        .filter(no_alternative_plan=True)
        .select_related("sentence__case__person", "sentence__case__responsible_officer", "requirement_type")
    )
    if officer_id:
        requirements = requirements.filter(sentence__case__responsible_officer_id=officer_id)
    return [
        WorkItem(
            kind="programme",
            case=requirement.sentence.case,
            what=f"{NO_ALTERNATIVE_PLAN} ({requirement.programme_name or requirement.requirement_type.name})",
            due_on=None,
            overdue=True,
            timing="Now",
            url=reverse("interventions:programme_requirement", args=[requirement.pk]),
        )
        for requirement in requirements
    ]


COLLECTORS = {
    "clock": _clock_items,
    "risk": _risk_items,
    "enforcement": _enforcement_items,
    "plan_review": _plan_items,
    "programme": _programme_items,
}


def overdue_work(
    *, user: User, team: Team, officer_id: int | None = None, kind: str | None = None, today: date | None = None
) -> list[WorkItem]:
    """The team's overdue and due-soon work (the caller checks the user may oversee the team), optionally for one
    officer and one kind: overdue first, the longest overdue first, then what is due soonest."""
    today = today or timezone.localdate()
    kinds = [kind] if kind else list(COLLECTORS)
    items = []
    for name in kinds:
        items.extend(COLLECTORS[name](user, team, today, officer_id))
    return sorted(
        items,
        key=lambda item: (
            not item.overdue,
            item.due_on or today,
            item.case.person.last_name,
            item.case.person.first_name,
            item.case.pk,
            item.kind,
        ),
    )


def kind_counts(items: list[WorkItem]) -> dict[str, int]:
    counts = {key: 0 for key, _ in KINDS}
    for item in items:
        counts[item.kind] += 1
    return counts
