"""Failures to comply, the officer's decision on each, and warning letters (shared/DOMAIN.md section 6).

- A failure is recorded by the receivers (enforcement.receivers) when an enforceable outcome is recorded: an
  appointment whose outcome is enforceable (unacceptable absence, attended but failed to comply), or an unpaid work
  session with an unacceptable absence or the person sent home for their behaviour. Only on a case with a current
  sentence that had started by the day of the failure (a report interview is not enforceable against an order).
  It starts the decision clock (LOCAL EN1: ENFORCEMENT_DECISION_WORKING_DAYS working days).
- The warnings threshold: ENFORCEMENT_WARNINGS_ALLOWED warnings within 12 months of a failure, on the same
  order. A failure recorded when they are used up crosses the threshold: the breach action clock (LOCAL EN2)
  starts, due the same day, alerting the officer and the team's managers. Its decision cannot be another warning
  or no further action: only breach action (community orders, suspended sentence orders, youth orders and
  post-sentence supervision), recall action (a licence) or acceptable after all, with the evidence.
- The decision stops both clocks. A warning creates its letter, whose words are kept as issued. Breach action opens
  the breach (enforcement.services.breach) and recall action the recall (enforcement.services.recall).
- An unpaid work outcome corrected to one that is not enforceable withdraws its failure (never deleted) and
  cancels its clocks, unless it was already decided; corrected back, the same failure is awaiting a decision again
  and its clocks run again. Corrected to another enforceable outcome, the failure's words follow the correction.
- Warnings count on the same order within 12 months either side of the failure (failures are not always decided in
  the order they happened); a warning that uses up the allowance for another failure still waiting starts that
  failure's breach action clock.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases import events
from cases.models import (
    COMMUNITY_DISPOSALS,
    Address,
    Case,
    Contact,
    Disposal,
    Sentence,
)
from config.history import save_with_history
from enforcement import rules
from enforcement.models import ComplianceFailure, WarningLetter
from enforcement.models.compliance import (
    EXPLAINED_DECISIONS,
    WARNING_DECISIONS,
    EnforcementDecision,
)
from interventions.models import UnpaidWorkAttendance
from timeliness.calendar import add_working_days

Decision = EnforcementDecision
Status = ComplianceFailure.Status
REASON_MAX_LENGTH = 4000
# Unpaid work outcomes that are failures to comply (being stood down or an acceptable absence is not).
ENFORCEABLE_UNPAID_WORK = (
    UnpaidWorkAttendance.Status.UNACCEPTABLE_ABSENCE,
    UnpaidWorkAttendance.Status.SENT_HOME_BEHAVIOUR,
)
WARNING_PERIOD = relativedelta(months=12)


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


def order_on(case: Case, day: date) -> Sentence | None:
    """The case's current sentence if it had started by `day`: the order a failure on that day is against."""
    sentence = Sentence.objects.filter(case=case, status=Sentence.Status.CURRENT).order_by("-sentence_date").first()
    if sentence is None or sentence.sentence_date > day:
        return None
    return sentence


def is_licence(sentence: Sentence | None, on: date | None = None) -> bool:
    """On licence on the day `on` (today by default): released from custody, and the licence not yet ended. Enforced
    by recall.

    Not post-sentence supervision (after the licence ends): that is enforced by the magistrates' court (Criminal
    Justice Act 2003, section 256AC), so it is breached (is_breachable). Not a detention and training order either:
    the supervision after a child's release from one is enforced by the youth court, never by recall.
    """
    if sentence is None or sentence.disposal != Disposal.CUSTODY or not sentence.released_on:
        return False
    day = on or timezone.localdate()
    return sentence.licence_end_date is None or day <= sentence.licence_end_date


def is_post_sentence_supervision(sentence: Sentence | None, on: date | None = None) -> bool:
    """After release, the licence ended and post-sentence supervision still running on the day `on`."""
    if sentence is None or sentence.disposal != Disposal.CUSTODY or not sentence.released_on:
        return False
    day = on or timezone.localdate()
    ended = sentence.licence_end_date is not None and day > sentence.licence_end_date
    supervised_to = sentence.post_sentence_supervision_end_date
    return ended and supervised_to is not None and day <= supervised_to


def is_breachable(sentence: Sentence | None, on: date | None = None) -> bool:
    """Community orders, suspended sentence orders and youth orders, the supervision part of a detention and training
    order after release, and post-sentence supervision: enforced by breach (a return to court)."""
    if sentence is None:
        return False
    if sentence.disposal == Disposal.DETENTION_AND_TRAINING_ORDER:
        return sentence.released_on is not None
    if sentence.disposal == Disposal.CUSTODY:
        return is_post_sentence_supervision(sentence, on)
    return sentence.disposal in COMMUNITY_DISPOSALS


def warnings_before(failure: ComplianceFailure) -> list[ComplianceFailure]:
    """Warnings given on the same order (else case) for other failures within 12 months of this one's day.

    Either side of it: failures are not always decided in the order they happened, and a warning given for a later
    failure is still a warning the person has had."""
    others = ComplianceFailure.objects.filter(
        status=Status.DECIDED,
        decision__in=WARNING_DECISIONS,
        failed_on__gt=failure.failed_on - WARNING_PERIOD,
        failed_on__lt=failure.failed_on + WARNING_PERIOD,
    ).exclude(pk=failure.pk)
    if failure.sentence_id:
        others = others.filter(sentence_id=failure.sentence_id)
    else:
        others = others.filter(case_id=failure.case_id)
    return list(others.order_by("decided_on", "pk"))


def threshold_reached(failure: ComplianceFailure) -> bool:
    """True when the warnings allowed in 12 months are used up: breach or recall action is required."""
    return len(warnings_before(failure)) >= settings.ENFORCEMENT_WARNINGS_ALLOWED


def _publish(name: str, failure: ComplianceFailure, *, on: date, by: User) -> None:
    events.publish(
        name,
        case=failure.case,
        subject=f"failure:{failure.pk}",
        on=on,
        by=by,
        disposal=failure.sentence.disposal if failure.sentence_id else "",
    )


def _open(failure: ComplianceFailure, *, by: User) -> None:
    _publish(events.COMPLIANCE_FAILURE_RECORDED, failure, on=failure.failed_on, by=by)
    if threshold_reached(failure):
        _publish(events.BREACH_THRESHOLD_CROSSED, failure, on=failure.failed_on, by=by)


def _new_failure(*, case: Case, sentence: Sentence, failed_on: date, by: User, **fields) -> ComplianceFailure:
    failure = ComplianceFailure(
        case=case,
        sentence=sentence,
        failed_on=failed_on,
        decision_due_on=add_working_days(failed_on, settings.ENFORCEMENT_DECISION_WORKING_DAYS),
        recorded_by=by,
        **fields,
    )
    save_with_history(failure, by=by, reason="Failure to comply recorded")
    _open(failure, by=by)
    return failure


@transaction.atomic
def failure_record_for_contact(*, by: User, contact: Contact) -> ComplianceFailure | None:
    """The failure for an appointment with an enforceable outcome (None when the outcome is not enforceable, the
    case has no order on the day, or the failure exists already). Called by the receiver of
    CONTACT_OUTCOME_RECORDED; appointment outcomes are never overwritten, so nothing is withdrawn here."""
    contact = Contact.objects.select_related("case__provider", "outcome").get(pk=contact.pk)
    if contact.outcome is None or not contact.outcome.enforceable:
        return None
    if ComplianceFailure.objects.filter(contact=contact).exists():
        return None
    failed_on = timezone.localdate(contact.starts_at)
    sentence = order_on(contact.case, failed_on)
    if sentence is None:
        return None
    details = f"{contact.get_contact_type_display()} at {timezone.localtime(contact.starts_at):%H:%M}"
    if contact.location:
        details += f", {contact.location}"
    if contact.notes:
        details += f". {contact.notes}"
    return _new_failure(
        case=contact.case,
        sentence=sentence,
        failed_on=failed_on,
        by=by,
        source=ComplianceFailure.Source.APPOINTMENT,
        contact=contact,
        outcome=contact.outcome.name,
        details=details,
    )


@transaction.atomic
def failure_record_for_unpaid_work(*, by: User, attendance: UnpaidWorkAttendance) -> ComplianceFailure | None:
    """Record, withdraw or reinstate the failure for an unpaid work session's outcome (recorded or corrected).

    Enforceable (unacceptable absence, sent home for behaviour): a new failure, or the withdrawn one awaiting a
    decision again. Not enforceable: an undecided failure is withdrawn and its clocks cancelled; a decided one is
    left as it is (the decision stands; the officer can see the corrected outcome)."""
    attendance = UnpaidWorkAttendance.objects.select_related(
        "session__project", "requirement__sentence__case__provider"
    ).get(pk=attendance.pk)
    case = attendance.requirement.sentence.case
    session = attendance.session
    existing = ComplianceFailure.objects.select_for_update().filter(unpaid_work_attendance=attendance).first()
    enforceable = attendance.status in ENFORCEABLE_UNPAID_WORK
    label = UnpaidWorkAttendance.Status(attendance.status).label
    if not enforceable:
        if existing is not None and existing.status == Status.AWAITING_DECISION:
            existing.status = Status.WITHDRAWN
            existing.withdrawn_on = timezone.localdate()
            # (The history keeps the outcome it was corrected to on the attendance; a change reason is short.)
            save_with_history(existing, by=by, reason="Withdrawn: the outcome was corrected")
            _publish(events.COMPLIANCE_FAILURE_WITHDRAWN, existing, on=existing.withdrawn_on, by=by)
        return existing
    details = f"Unpaid work session at {session.project.name}, {session.start_time:%H:%M} to {session.end_time:%H:%M}"
    if attendance.reason:
        details += f". {attendance.reason}"
    if existing is not None:
        if existing.status == Status.DECIDED:
            return existing
        reinstated = existing.status == Status.WITHDRAWN
        if not reinstated and (existing.outcome, existing.details) == (label, details):
            return existing
        existing.status = Status.AWAITING_DECISION
        existing.withdrawn_on = None
        existing.outcome = label
        existing.details = details
        reason = "Awaiting a decision again: the outcome was corrected back" if reinstated else "Outcome corrected"
        save_with_history(existing, by=by, reason=reason)
        if reinstated:
            # Its clocks, cancelled at the withdrawal, run again from the failure's own dates; and if warnings
            # given meanwhile used up the allowance, its breach action clock starts now.
            today = timezone.localdate()
            _publish(events.COMPLIANCE_FAILURE_REINSTATED, existing, on=today, by=by)
            if threshold_reached(existing):
                _publish(events.BREACH_THRESHOLD_CROSSED, existing, on=max(today, existing.failed_on), by=by)
        return existing
    # The order the unpaid work belongs to, if it is current and had started by the session.
    sentence = attendance.requirement.sentence
    if sentence.status != Sentence.Status.CURRENT or sentence.sentence_date > session.session_date:
        return None
    return _new_failure(
        case=case,
        sentence=sentence,
        failed_on=session.session_date,
        by=by,
        source=ComplianceFailure.Source.UNPAID_WORK,
        unpaid_work_attendance=attendance,
        outcome=label,
        details=details,
    )


def decisions_allowed(
    failure: ComplianceFailure, *, warnings: list[ComplianceFailure], requires_action: bool
) -> list[str]:
    """The decisions the failure's order and the warnings already given allow, in the order a form offers them
    (the rules failure_decide enforces): no warning or no further action once the allowance is used up; a first
    warning only when none was given; breach for orders, recall for licences."""
    allowed = []
    if not requires_action:
        if not warnings:
            allowed.append(Decision.FIRST_WARNING)
        allowed.append(Decision.FINAL_WARNING)
    allowed.append(Decision.ACCEPTABLE)
    if not requires_action:
        allowed.append(Decision.NO_FURTHER_ACTION)
    if is_breachable(failure.sentence, failure.failed_on):
        allowed.append(Decision.BREACH)
    if is_licence(failure.sentence, failure.failed_on):
        allowed.append(Decision.RECALL)
    return allowed


def _check_decision(failure: ComplianceFailure, decision: str, reason: str, on: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if on > today:
        errors["on"] = "The date of the decision cannot be in the future."
    elif on < failure.failed_on:
        errors["on"] = f"The date of the decision cannot be before the failure ({_day(failure.failed_on)})."
    if decision not in Decision.values:
        errors["decision"] = "Choose a decision: a warning letter, acceptable, no further action, breach or recall."
        return errors
    if decision in EXPLAINED_DECISIONS and not reason:
        errors["reason"] = (
            "Record the evidence that the failure was acceptable after all."
            if decision == Decision.ACCEPTABLE
            else "Say why no further action is taken."
        )
    if len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer."
    sentence = failure.sentence
    day = failure.failed_on
    if decision == Decision.BREACH and not is_breachable(sentence, day):
        errors["decision"] = (
            "Breach is for orders and for post-sentence supervision: someone on licence is recalled instead."
            if is_licence(sentence, day)
            else "This sentence cannot be breached."
        )
    if decision == Decision.RECALL and not is_licence(sentence, day):
        errors["decision"] = (
            "Recall is only for someone on licence: an order, or post-sentence supervision, is breached."
        )
    warnings = warnings_before(failure)
    allowed = settings.ENFORCEMENT_WARNINGS_ALLOWED
    if decision in (*WARNING_DECISIONS, Decision.NO_FURTHER_ACTION) and len(warnings) >= allowed:
        given = ", ".join(_day(warning.decided_on) for warning in warnings)
        action = "recall" if is_licence(sentence, day) else "breach"
        errors["decision"] = (
            f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} already given within 12 months of this "
            f"failure ({given}), the most allowed: take {action} action, or record it as acceptable after all "
            "with the evidence."
        )
    elif decision == Decision.FIRST_WARNING and warnings:
        errors["decision"] = (
            f"A warning was already given on {_day(warnings[-1].decided_on)}, within 12 months of this failure: "
            "this one is a final warning."
        )
    return errors


@transaction.atomic
def failure_decide(
    *, by: User, failure: ComplianceFailure, decision: str, reason: str = "", on: date | None = None
) -> ComplianceFailure:
    """Record the officer's decision on a failure awaiting one (see the module docstring for the rules).

    By the case's responsible officer or a manager of its team (enforcement.rules). Stops LOCAL EN1 and EN2, met
    or missed. A warning issues its letter (WarningLetter) dated the day of the decision."""
    failure = (
        ComplianceFailure.objects.select_for_update(of=("self",))
        .select_related("case__person", "case__provider", "sentence")
        .get(pk=failure.pk)
    )
    if not rules.can_decide(by, failure.case):
        raise ValidationError("Only the responsible officer or a manager of the case's team can decide this.")
    if failure.status != Status.AWAITING_DECISION:
        state = (
            f"was decided on {_day(failure.decided_on)} ({failure.get_decision_display().lower()})"
            if failure.status == Status.DECIDED
            else "was withdrawn: its outcome was corrected"
        )
        raise ValidationError(f"This failure {state}. A decision cannot be changed.")
    reason = (reason or "").strip()
    decision = (decision or "").strip()
    on = on or timezone.localdate()
    errors = _check_decision(failure, decision, reason, on)
    if errors:
        raise ValidationError(errors)
    failure.status = Status.DECIDED
    failure.decision = decision
    failure.decision_reason = reason
    failure.decided_on = on
    failure.decided_by = by
    save_with_history(failure, by=by, reason=f"Decision: {Decision(decision).label}")
    if decision in WARNING_DECISIONS:
        _issue_letter(failure, by=by)
    _publish(events.COMPLIANCE_FAILURE_DECIDED, failure, on=on, by=by)
    if decision in WARNING_DECISIONS:
        _threshold_for_others(failure, on=on, by=by)
    # Breach or recall action starts the breach or the recall itself: enforcement that is decided happens.
    if decision == Decision.BREACH:
        from enforcement.services.breach import breach_initiate

        breach_initiate(by=by, failure=failure)
    elif decision == Decision.RECALL:
        from enforcement.services.recall import recall_open_from_failure

        recall_open_from_failure(by=by, failure=failure)
    return failure


def _threshold_for_others(warned: ComplianceFailure, *, on: date, by: User) -> None:
    """A warning just given may use up the warnings allowed for other failures of the order still waiting for a
    decision (recorded before this one was decided): each such failure now needs breach or recall action, so its
    breach action clock starts (LOCAL EN2 opens once per failure)."""
    waiting = ComplianceFailure.objects.filter(
        status=Status.AWAITING_DECISION,
        failed_on__gt=warned.failed_on - WARNING_PERIOD,
        failed_on__lt=warned.failed_on + WARNING_PERIOD,
    ).select_related("case__provider", "sentence")
    waiting = waiting.filter(sentence_id=warned.sentence_id) if warned.sentence_id else waiting.filter(case=warned.case)
    for failure in waiting.order_by("failed_on", "pk"):
        if threshold_reached(failure):
            _publish(events.BREACH_THRESHOLD_CROSSED, failure, on=max(on, failure.failed_on), by=by)


def address_lines(case: Case) -> str:
    address = (
        Address.objects.filter(person_id=case.person_id, status=Address.Status.MAIN, end_date__isnull=True)
        .order_by("-start_date")
        .first()
    )
    if address is None or address.no_fixed_abode:
        return ""
    return "\n".join(part for part in (address.line_1, address.line_2, address.town, address.postcode) if part)


def _issue_letter(failure: ComplianceFailure, *, by: User) -> WarningLetter:
    case = failure.case
    person = case.person
    sentence = failure.sentence
    final = failure.decision == Decision.FINAL_WARNING
    licence = is_licence(sentence, failure.failed_on)
    consequence = "you may be recalled to prison" if licence else "you will be returned to court for breach"
    if sentence is None:
        supervision = "You are under supervision."
    elif licence:
        supervision = (
            f"You are on licence from the custodial sentence passed on {_day(sentence.sentence_date)}, since your "
            f"release on {_day(sentence.released_on)}."
        )
    elif is_post_sentence_supervision(sentence, failure.failed_on):
        supervision = (
            f"Your licence ended on {_day(sentence.licence_end_date)} and you are under post-sentence supervision "
            f"until {_day(sentence.post_sentence_supervision_end_date)}."
        )
    else:
        supervision = (
            f"You are under supervision on a {sentence.get_disposal_display().lower()} made on "
            f"{_day(sentence.sentence_date)}."
        )
    details = failure.details.strip()
    if details and details[-1] not in ".!?":
        details += "."
    paragraphs = [
        f"Dear {person.full_name},",
        supervision,
        f"On {_day(failure.failed_on)} you failed to comply: {failure.outcome.lower()}. {details}".strip(),
        "This is a final warning." if final else "This is a formal warning.",
        f"If you fail to comply again in the next 12 months, {consequence}. If you cannot keep an appointment, "
        "contact me beforehand and be ready to show evidence of the reason.",
        "Yours sincerely,",
    ]
    letter = WarningLetter(
        failure=failure,
        case=case,
        kind=WarningLetter.Kind.FINAL if final else WarningLetter.Kind.FIRST,
        issued_on=failure.decided_on,
        issued_by=by,
        recipient_name=person.full_name,
        recipient_address=address_lines(case),
        body="\n\n".join(paragraphs),
        signatory=f"{by.get_full_name()}, {case.provider.name}",
    )
    return save_with_history(letter, by=by, reason="Warning letter issued")
