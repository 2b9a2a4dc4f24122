"""Reads for compliance: failures to comply, decisions due, warning letters and each case's compliance panel.

Scoped through cases.selectors.cases_visible_to (a failure or letter on a case the user may not see is never
returned; one asked for by id is Http404). The panel reads a case's failures of the last 12 months in one query
and counts in Python, so it runs the same number of queries however many failures there are.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from cases.models import Case
from cases.selectors import cases_visible_to
from enforcement.models import ComplianceFailure, WarningLetter
from enforcement.models.compliance import ENFORCEMENT_ACTIONS, WARNING_DECISIONS
from enforcement.services.compliance import WARNING_PERIOD, is_licence, threshold_reached

Status = ComplianceFailure.Status


def failures_visible_to(user: User) -> QuerySet[ComplianceFailure]:
    return ComplianceFailure.objects.filter(case__in=cases_visible_to(user)).select_related(
        "case__person", "case__responsible_officer", "sentence", "decided_by", "warning_letter"
    )


def failure_get_for_user(*, user: User, failure_id: int) -> ComplianceFailure:
    failure = failures_visible_to(user).select_related("case__team", "case__provider").filter(pk=failure_id).first()
    if failure is None:
        raise Http404("No such failure to comply")
    return failure


def warning_letters_visible_to(user: User) -> QuerySet[WarningLetter]:
    return WarningLetter.objects.filter(case__in=cases_visible_to(user)).select_related(
        "case__person", "case__provider", "failure__sentence", "issued_by"
    )


def warning_letter_get_for_user(*, user: User, letter_id: int) -> WarningLetter:
    letter = warning_letters_visible_to(user).filter(pk=letter_id).first()
    if letter is None:
        raise Http404("No such warning letter")
    return letter


def decisions_due(*, user: User) -> QuerySet[ComplianceFailure]:
    """Failures awaiting a decision: a responsible officer's own cases; a manager's team's cases (or provider's,
    for cases with no team); soonest due first."""
    failures = failures_visible_to(user).filter(status=Status.AWAITING_DECISION)
    if user.role == User.Role.MANAGER and user.team_id:
        failures = failures.filter(
            Q(case__team_id=user.team_id) | Q(case__team__isnull=True, case__provider_id=user.team.provider_id)
        )
    else:
        failures = failures.filter(case__responsible_officer=user)
    return failures.order_by("decision_due_on", "failed_on", "pk")


@dataclass
class CompliancePanel:
    """A case's compliance in the last 12 months (shared/DOMAIN.md section 6)."""

    case: Case
    since: date
    failures: list[ComplianceFailure] = field(default_factory=list)  # last 12 months, newest first, not withdrawn
    warnings: list[ComplianceFailure] = field(default_factory=list)  # decided as a warning, in the 12 months
    awaiting: list[ComplianceFailure] = field(default_factory=list)
    enforcement_action: ComplianceFailure | None = None  # the latest breach or recall decision, if any
    warnings_allowed: int = 0

    @property
    def failure_count(self) -> int:
        return len(self.failures)

    @property
    def warning_count(self) -> int:
        return len(self.warnings)

    @property
    def threshold_reached(self) -> bool:
        return self.warning_count >= self.warnings_allowed

    @property
    def action_label(self) -> str:
        """ "Breach" or "Recall": what a further failure would need on this case's order."""
        latest = next((failure for failure in self.failures if failure.sentence_id), None)
        return "Recall" if latest and is_licence(latest.sentence, latest.failed_on) else "Breach"


def _panel(case: Case, failures: list[ComplianceFailure], since: date) -> CompliancePanel:
    return CompliancePanel(
        case=case,
        since=since,
        failures=failures,
        warnings=[failure for failure in failures if failure.decision in WARNING_DECISIONS],
        awaiting=[failure for failure in failures if failure.status == Status.AWAITING_DECISION],
        enforcement_action=next((failure for failure in failures if failure.decision in ENFORCEMENT_ACTIONS), None),
        warnings_allowed=settings.ENFORCEMENT_WARNINGS_ALLOWED,
    )


def _recent_failures(cases, since: date) -> QuerySet[ComplianceFailure]:
    return (
        ComplianceFailure.objects.filter(case__in=cases, failed_on__gt=since)
        .exclude(status=Status.WITHDRAWN)
        .select_related("sentence", "decided_by", "warning_letter", "contact", "unpaid_work_attendance")
        .order_by("-failed_on", "-pk")
    )


def compliance_panel(case: Case, *, today: date | None = None) -> CompliancePanel:
    """Failures of the last 12 months (one query), warnings given, those awaiting a decision and any breach or
    recall action decided."""
    since = (today or timezone.localdate()) - relativedelta(months=12)
    return _panel(case, list(_recent_failures([case.pk], since)), since)


def compliance_panels(cases: list[Case], *, today: date | None = None) -> dict[int, CompliancePanel]:
    """The compliance panel of each case (a person's cases on their page), in one query whatever their number."""
    since = (today or timezone.localdate()) - relativedelta(months=12)
    by_case: dict[int, list[ComplianceFailure]] = {case.pk: [] for case in cases}
    if by_case:
        for failure in _recent_failures(list(by_case), since):
            by_case[failure.case_id].append(failure)
    return {case.pk: _panel(case, by_case[case.pk], since) for case in cases}


def failures_needing_action(failures) -> set[int]:
    """The ids of the listed failures (those awaiting a decision) whose warnings allowed are used up: the rule of
    services.compliance.warnings_before (warnings on the same order, else case, for other failures within 12
    months either side) for every listed failure from one query, not one per row."""
    awaiting = [failure for failure in failures if failure.status == Status.AWAITING_DECISION]
    if not awaiting:
        return set()
    sentence_ids = {failure.sentence_id for failure in awaiting if failure.sentence_id}
    case_ids = {failure.case_id for failure in awaiting if not failure.sentence_id}
    warnings = ComplianceFailure.objects.filter(
        Q(sentence_id__in=sentence_ids) | Q(case_id__in=case_ids),
        status=Status.DECIDED,
        decision__in=WARNING_DECISIONS,
        failed_on__gt=min(failure.failed_on for failure in awaiting) - WARNING_PERIOD,
        failed_on__lt=max(failure.failed_on for failure in awaiting) + WARNING_PERIOD,
    ).values_list("pk", "case_id", "sentence_id", "failed_on")
    by_sentence, by_case = defaultdict(list), defaultdict(list)
    for pk, case_id, sentence_id, failed_on in warnings:
        by_case[case_id].append((pk, failed_on))
        if sentence_id:
            by_sentence[sentence_id].append((pk, failed_on))
    allowed = settings.ENFORCEMENT_WARNINGS_ALLOWED
    needing = set()
    for failure in awaiting:
        given = by_sentence[failure.sentence_id] if failure.sentence_id else by_case[failure.case_id]
        start, end = failure.failed_on - WARNING_PERIOD, failure.failed_on + WARNING_PERIOD
        if sum(1 for pk, failed_on in given if pk != failure.pk and start < failed_on < end) >= allowed:
            needing.add(failure.pk)
    return needing


def requires_enforcement_action(failure: ComplianceFailure) -> bool:
    """The failure awaits a decision and the warnings allowed are used up: only breach or recall (or acceptable
    after all) will do."""
    return failure.status == Status.AWAITING_DECISION and threshold_reached(failure)
