"""Writes for case quality audits. Every function takes the acting user and records history with them.

Bad input raises ValidationError with field messages and writes nothing.
"""

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.models import Case, ManagementOversightNote
from cases.selectors import cases_visible_to
from cases.services.oversight import oversight_note_add
from config.history import save_with_history
from oversight.models import AUDIT_QUESTIONS, QUESTION_CODES, AuditAnswer, AuditedCase, CaseAudit
from oversight.sampling import stratified_sample
from oversight.scopes import Scope, can_oversee
from risk.selectors import with_current_risk

MAXIMUM_SAMPLE = 100
REASON_MAX_LENGTH = 2000
MAXIMUM_SEED = 2**62
# An audit covers a team or the provider, never a region (audit_draw): the message for any other scope, on the
# draw form and in the API.
CHOOSE_AUDIT_SCOPE = "Choose a team or your provider."


def audit_population(*, user: User, scope: Scope):
    """The active cases of the scope that the user may see, each with its provider type and RoSH level (one
    query): the population a sample is drawn from."""
    cases = cases_visible_to(user).filter(scope.cases(), status=Case.Status.ACTIVE)
    return with_current_risk(cases, "person_id").values_list("pk", "provider__provider_type", "rosh_level")


@transaction.atomic
def audit_draw(
    *, by: User, scope: Scope, sample_size: int, seed: int | None = None, on: date | None = None
) -> CaseAudit:
    """Draw a stratified random sample of the scope's active cases (oversight.sampling). With no seed, a random one
    is chosen and kept, so the draw can be repeated. Refused: `by` is not a manager; the sample size is not between
    1 and 100 or is larger than the number of active cases; the seed is not a whole number from 0."""
    if not can_oversee(by):
        raise ValidationError("Only managers can draw a case quality audit.")
    if scope.kind == "region":
        raise ValidationError(
            {"scope": "Audit a team or your provider: a sample names cases, and you can open only your provider's."}
        )
    errors = {}
    if isinstance(sample_size, bool) or not isinstance(sample_size, int) or not 1 <= sample_size <= MAXIMUM_SAMPLE:
        errors["sample_size"] = f"Enter a sample size between 1 and {MAXIMUM_SAMPLE}."
    if seed is None:
        seed = secrets.randbelow(MAXIMUM_SEED)
    elif isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < MAXIMUM_SEED:
        errors["seed"] = "Enter the seed as a whole number, 0 or more."
    if errors:
        raise ValidationError(errors)
    population = list(audit_population(user=by, scope=scope))
    if not population:
        raise ValidationError({"sample_size": f"There are no active cases in {scope.name} to audit."})
    if sample_size > len(population):
        raise ValidationError(
            {"sample_size": f"{scope.name} has {len(population)} active cases: choose a sample of at most that many."}
        )
    facts = {pk: (provider_type, rosh_level) for pk, provider_type, rosh_level in population}
    drawn = stratified_sample(
        ((pk, (provider_type, rosh_level or 0)) for pk, (provider_type, rosh_level) in facts.items()),
        sample_size,
        seed,
    )
    audit = CaseAudit(
        scope=scope.kind,
        team=scope.team,
        provider=scope.provider,
        region=scope.region,
        seed=seed,
        sample_size=sample_size,
        population_size=len(population),
        drawn_by=by,
        drawn_on=on or timezone.localdate(),
    )
    save_with_history(audit, by=by, reason=f"Drew {sample_size} cases from {len(population)}")
    for position, pk in enumerate(drawn, start=1):
        provider_type, rosh_level = facts[pk]
        audited = AuditedCase(
            audit=audit,
            case_id=pk,
            provider_type=provider_type,
            rosh_level=rosh_level,
            is_youth=provider_type == "yot",
            position=position,
        )
        save_with_history(audited, by=by, reason="Drawn for a case quality audit")
    return audit


def _check_auditor(by: User, audit: CaseAudit) -> None:
    if not can_oversee(by):
        raise ValidationError("Only managers can answer a case quality audit.")
    if audit.status == CaseAudit.Status.COMPLETED:
        raise ValidationError(f"This audit was completed on {audit.completed_on:%-d %B %Y}: its answers are final.")


@transaction.atomic
def audit_answer_case(
    *, by: User, audited_case: AuditedCase, answers: dict[str, tuple[bool | None, str]], on: date | None = None
) -> AuditedCase:
    """Record the answers for one case: every question yes or no, each with its reason. Answers already given are
    replaced (history keeps the earlier ones). When every case of the audit is answered, the audit is completed and
    each case gets a management oversight note with its result."""
    audited_case = AuditedCase.objects.select_for_update().select_related("audit", "case").get(pk=audited_case.pk)
    audit = CaseAudit.objects.select_for_update().get(pk=audited_case.audit_id)
    _check_auditor(by, audit)
    if not cases_visible_to(by).filter(pk=audited_case.case_id).exists():
        raise ValidationError("You cannot open this case, so you cannot audit it.")
    on = on or timezone.localdate()
    errors = {}
    cleaned = {}
    for question in AUDIT_QUESTIONS:
        answer, reason = answers.get(question.code, (None, ""))
        reason = (reason or "").strip()
        if answer not in (True, False):
            errors[f"{question.code}_answer"] = f"Select yes or no: {question.text[0].lower()}{question.text[1:]}"
        if not reason:
            errors[f"{question.code}_reason"] = f"Give the reason for your answer to: {question.text}"
        elif len(reason) > REASON_MAX_LENGTH:
            errors[f"{question.code}_reason"] = f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer."
        cleaned[question.code] = (answer, reason)
    unknown = set(answers) - set(QUESTION_CODES)
    if unknown:
        errors["answers"] = f"Unknown question: {', '.join(sorted(unknown))}."
    if errors:
        raise ValidationError(errors)
    existing = {
        answer.question: answer for answer in AuditAnswer.objects.select_for_update().filter(audited_case=audited_case)
    }
    for code, (answer, reason) in cleaned.items():
        row = existing.get(code) or AuditAnswer(audited_case=audited_case, question=code)
        if row.pk and row.answer == answer and row.reason == reason:
            continue
        row.answer, row.reason, row.answered_by, row.answered_on = answer, reason, by, on
        save_with_history(row, by=by, reason="Case quality audit answer")
    if audited_case.completed_on is None:
        audited_case.completed_on = on
        audited_case.completed_by = by
        save_with_history(audited_case, by=by, reason="Case quality audit answered")
    if not AuditedCase.objects.filter(audit=audit, completed_on__isnull=True).exists():
        _complete(audit, by=by, on=on)
    return audited_case


def _complete(audit: CaseAudit, *, by: User, on: date) -> None:
    audit.status = CaseAudit.Status.COMPLETED
    audit.completed_on = on
    save_with_history(audit, by=by, reason="Every case answered")
    yes_counts = {}
    for answer in AuditAnswer.objects.filter(audited_case__audit=audit).select_related("audited_case"):
        yes, total = yes_counts.get(answer.audited_case.case_id, (0, 0))
        yes_counts[answer.audited_case.case_id] = (yes + answer.answer, total + 1)
    for audited in AuditedCase.objects.filter(audit=audit).select_related("case"):
        yes, total = yes_counts.get(audited.case_id, (0, 0))
        oversight_note_add(
            by=by,
            case=audited.case,
            kind=ManagementOversightNote.Kind.QUALITY_AUDIT,
            note=f"Case quality audit of {audit.scope_name}: {yes} of {total} questions answered yes.",
            on=on,
            subject=f"audit:{audit.pk}",
            check_permission=False,
        )
