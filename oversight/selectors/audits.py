"""Reads for case quality audits: the audits a manager may see, one audit's cases (each marked with whether the
manager may open it), the next case waiting for answers, and the results as "% yes" beside the inspectorate's 2017
national figures (one aggregate query per audit or scope)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import User
from cases.models import PersonAccessLimit
from cases.selectors import cases_visible_to
from oversight.models import AUDIT_QUESTIONS, AuditAnswer, AuditedCase, AuditQuestion, CaseAudit
from oversight.scopes import can_oversee, teams_for
from oversight.selectors.compliance import percent


def audits_visible_to(user: User) -> QuerySet[CaseAudit]:
    """Audits of the user's teams and their provider (managers only). Audits cover a team or a provider, never a
    region: a sample names cases, and a manager may open only their own provider's cases."""
    if not can_oversee(user):
        return CaseAudit.objects.none()
    return CaseAudit.objects.filter(
        Q(scope="team", team__in=[team.pk for team in teams_for(user)])
        | Q(scope="provider", provider_id=user.team.provider_id)
    ).select_related("team", "provider", "region", "drawn_by")


def audit_list(user: User) -> QuerySet[CaseAudit]:
    return (
        audits_visible_to(user)
        .annotate(cases_answered=Count("audited_cases", filter=Q(audited_cases__completed_on__isnull=False)))
        .order_by("-drawn_on", "-pk")
    )


def audit_get_for_user(*, user: User, audit_id: int) -> CaseAudit:
    audit = audits_visible_to(user).filter(pk=audit_id).first()
    if audit is None:
        raise Http404("No such audit.")
    return audit


def audited_cases(audit: CaseAudit) -> QuerySet[AuditedCase]:
    """Every case of the audit's sample in position order, whoever looks (for code that acts for the auditor, such
    as the demo data; pages and the API use audit_sample_for_user)."""
    return (
        AuditedCase.objects.filter(audit=audit)
        .select_related("case__person", "case__responsible_officer", "case__team", "completed_by")
        .prefetch_related(Prefetch("answers", queryset=AuditAnswer.objects.order_by("pk")))
        .order_by("position")
    )


def _case_visible_to(user: User) -> Exists:
    """True on an audited case whose case the user may open (cases.selectors.cases_visible_to)."""
    return Exists(cases_visible_to(user).filter(pk=OuterRef("case_id")))


def audit_sample_for_user(*, user: User, audit: CaseAudit) -> QuerySet[AuditedCase]:
    """The audit's sampled cases in position order, each with `visible`: whether the user may open the case. A case
    the user may not open stays in the sample (it counts), but its name must not be shown. Two queries however large
    the sample: the cases with their visibility, and their answers (with who answered)."""
    answers = AuditAnswer.objects.select_related("answered_by").order_by("pk")
    return (
        audited_cases(audit)
        .prefetch_related(None)
        .prefetch_related(Prefetch("answers", queryset=answers))
        .annotate(visible=_case_visible_to(user))
    )


def audited_case_get(*, user: User, audit: CaseAudit, audited_case_id: int) -> AuditedCase:
    """One case of the audit, to answer or to read its answers, with its case, person, team and officer loaded and
    `has_access_limits` (the person has open access limits: opening the case writes an access record). Http404 when
    it is not a case of this audit, or the user may not open the case."""
    audited = (
        AuditedCase.objects.filter(audit=audit, pk=audited_case_id)
        .filter(_case_visible_to(user))
        .select_related("case__person", "case__responsible_officer", "case__team")
        .annotate(
            has_access_limits=Exists(
                PersonAccessLimit.objects.filter(person_id=OuterRef("case__person_id"), ended_at__isnull=True)
            )
        )
        .prefetch_related("answers")
        .first()
    )
    if audited is None:
        raise Http404("No such case in this audit.")
    return audited


def audit_next_unanswered(*, user: User, audit: CaseAudit, after: AuditedCase) -> AuditedCase | None:
    """The next case of the audit without answers that the user may open: the first after `after` in the sample's
    order, else the first from the start; None when no other case is waiting. One query."""
    waiting = list(
        AuditedCase.objects.filter(audit=audit, completed_on__isnull=True)
        .filter(_case_visible_to(user))
        .exclude(pk=after.pk)
        .order_by("position")
        .only("pk", "position")
    )
    return next((audited for audited in waiting if audited.position > after.position), None) or next(
        iter(waiting), None
    )


@dataclass(frozen=True)
class QuestionResult:
    question: AuditQuestion
    adult_yes: int
    adult_answered: int
    youth_yes: int
    youth_answered: int

    @property
    def adult_percent(self) -> Decimal | None:
        return percent(self.adult_yes, self.adult_answered)

    @property
    def youth_percent(self) -> Decimal | None:
        return percent(self.youth_yes, self.youth_answered)

    @property
    def all_percent(self) -> Decimal | None:
        return percent(self.adult_yes + self.youth_yes, self.adult_answered + self.youth_answered)


def audit_results(answers: QuerySet[AuditAnswer]) -> list[QuestionResult]:
    """Per question, yes answers out of all answers, for adults and for children separately (the inspectorate's
    2017 figures differ), in one grouped query."""
    grouped = {
        (row["question"], row["audited_case__is_youth"]): row
        for row in answers.values("question", "audited_case__is_youth")
        .annotate(yes=Count("pk", filter=Q(answer=True)), answered=Count("pk"))
        .order_by()
    }

    def figure(code: str, youth: bool, key: str) -> int:
        return grouped.get((code, youth), {}).get(key, 0)

    return [
        QuestionResult(
            question=question,
            adult_yes=figure(question.code, False, "yes"),
            adult_answered=figure(question.code, False, "answered"),
            youth_yes=figure(question.code, True, "yes"),
            youth_answered=figure(question.code, True, "answered"),
        )
        for question in AUDIT_QUESTIONS
    ]


def results_for_audit(audit: CaseAudit) -> list[QuestionResult]:
    return audit_results(AuditAnswer.objects.filter(audited_case__audit=audit))


def results_for_user(user: User) -> list[QuestionResult]:
    """Every answer in the audits the user may see (the overall "% yes" of their audits)."""
    return audit_results(AuditAnswer.objects.filter(audited_case__audit__in=audits_visible_to(user).values("pk")))
