"""Writes for the outcome of a requirement (issue 5, item 6: outcomes on the order).

When a requirement ends, the officer records whether it was completed positively. The outcome feeds the
inspectorate's and the commissioners' measures of delivery (CRC SL010: unpaid work requirements completed
positively), so the rules below hold what "completed positively" means for each kind of requirement:

- unpaid work: every hour the court ordered is credited (shared/DOMAIN.md section 3); the database holds this too
  (cases.Requirement constraint `requirement_outcome_matches_status`);
- rehabilitation activity requirement (RAR): the court's number of days is a maximum, a ceiling and not a target,
  so a RAR may be completed positively with fewer days delivered than the maximum;
- accredited programme: the latest programme referral is completed, or an alternative plan is recorded on it
  (the "no alternative plan" state of interventions.selectors.programmes.needs_alternative_plan);
- any other requirement (curfew, treatment, residence...): the officer's judgement.

A requirement that was not completed positively is terminated with a reason (cases.models.TerminationReason;
"other" needs notes saying why).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from cases import events
from cases.models import Requirement, TerminationReason
from cases.selectors import cases_visible_to
from config.history import save_with_history
from interventions.models import ProgrammeReferral
from interventions.rules import can_do_case_work
from interventions.selectors.delivery import hours_text

NOTES_MAX_LENGTH = 10_000
NO_CASE_WORK = (
    "Only responsible officers and managers can record the outcome of a requirement: ask the case's "
    "responsible officer or their manager."
)


def _programme_refusal(requirement: Requirement) -> str:
    """Why an accredited programme requirement cannot be completed positively yet ("" when it can)."""
    latest = (
        ProgrammeReferral.objects.filter(requirement=requirement)
        .select_related("programme")
        .order_by("-referred_on", "-pk")
        .first()
    )
    what_to_do = "or record the requirement as not completed, with a reason."
    if latest is None:
        return (
            "No programme referral has been made for this requirement. It can be completed positively once the "
            f"person completes the programme, {what_to_do}"
        )
    if latest.status == ProgrammeReferral.Status.COMPLETED or latest.alternative_plan:
        return ""
    label = latest.get_status_display()
    if latest.status in ProgrammeReferral.OPEN:
        return (
            f"{latest.programme.name} is not completed yet: the referral is at \u201c{label}\u201d. Record the "
            f"programme's completion first, {what_to_do}"
        )
    return (
        f"The referral to {latest.programme.name} ended as \u201c{label}\u201d and no alternative plan is recorded. "
        f"Record the alternative plan on the programme referral first, {what_to_do}"
    )


@transaction.atomic
def requirement_end(
    *,
    by: User,
    requirement: Requirement,
    ended_on: date,
    completed_positively: bool,
    termination_reason: str = "",
    outcome_notes: str = "",
) -> Requirement:
    """Record that an active requirement ended, and whether it was completed positively.

    The requirement must be active and on a case `by` can see (else Http404, so existence is not revealed) and
    `by` must do case work (interventions.rules.can_do_case_work). `ended_on` is today or earlier and not before
    the requirement started.

    Completed positively (status "completed"):
    - unpaid work only when every hour ordered is credited (the database constraint
      requirement_outcome_matches_status holds this as well); this is CRC SL010's numerator;
    - a rehabilitation activity requirement may be completed positively with fewer days delivered than the
      maximum: the court's number of days is a ceiling on what may be required, not a target to reach;
    - an accredited programme only when its latest programme referral is completed, or an alternative plan is
      recorded on it.
    Otherwise (status "terminated") a reason from cases.models.TerminationReason is needed; "other" needs notes.

    The case may already have ended: the outcome is often recorded once the order is over, and a requirement left
    "active" would never count. The requirement row is locked while the rules are checked, so hours credited a
    moment ago are seen. Raises ValidationError with field messages and changes nothing when a rule is not met.
    """
    if not can_do_case_work(by):
        raise ValidationError({"requirement": NO_CASE_WORK})
    visible = cases_visible_to(by).values("pk")
    locked = (
        Requirement.objects.select_for_update(of=("self",))
        .select_related("requirement_type", "sentence__case")
        .filter(pk=requirement.pk, sentence__case__in=visible)
        .first()
    )
    if locked is None:
        raise Http404("Not found")
    requirement = locked
    termination_reason = (termination_reason or "").strip()
    outcome_notes = (outcome_notes or "").strip()

    if requirement.status != Requirement.Status.ACTIVE:
        ended = f" on {requirement.ended_on:%-d %B %Y}" if requirement.ended_on else ""
        raise ValidationError(
            {
                "requirement": f"This requirement already ended{ended} "
                f"({requirement.get_status_display().lower()}). Its outcome cannot be changed."
            }
        )

    errors: dict[str, str] = {}
    today = timezone.localdate()
    if ended_on is None:
        errors["ended_on"] = "Enter the date the requirement ended."
    elif ended_on > today:
        errors["ended_on"] = "The date the requirement ended cannot be in the future."
    elif ended_on < requirement.start_date:
        errors["ended_on"] = (
            f"The date the requirement ended cannot be before it started ({requirement.start_date:%-d %B %Y})."
        )
    if len(outcome_notes) > NOTES_MAX_LENGTH:
        errors["outcome_notes"] = f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer."

    requirement_type = requirement.requirement_type
    if completed_positively is True:
        if termination_reason:
            errors["termination_reason"] = (
                "Only a requirement that was not completed positively has a reason for ending: leave the reason empty."
            )
        if requirement.hours is not None:  # unpaid work: the hours ordered
            remaining = requirement.hours * 60 - requirement.unpaid_work_minutes_credited
            if remaining > 0:
                amount = str(remaining // 60) if remaining % 60 == 0 else hours_text(remaining)
                errors["completed_positively"] = (
                    f"{amount} of {requirement.hours} hours {'is' if remaining <= 60 else 'are'} still to do: "
                    "unpaid work is completed positively only when every hour ordered is done. Credit the hours "
                    "still to do first, or record the requirement as not completed, with a reason."
                )
        if requirement_type.is_accredited_programme:
            refusal = _programme_refusal(requirement)
            if refusal:
                errors["completed_positively"] = refusal
    elif completed_positively is False:
        if not termination_reason:
            errors["termination_reason"] = "Choose why the requirement ended without being completed positively."
        elif termination_reason not in TerminationReason.values:
            errors["termination_reason"] = "Choose a reason for the requirement ending from the list."
        elif termination_reason == TerminationReason.OTHER and not outcome_notes:
            errors["outcome_notes"] = "Describe why the requirement ended when the reason is \u201cOther\u201d."
    else:
        errors["completed_positively"] = "Say whether the requirement was completed positively: yes or no."
    if errors:
        raise ValidationError(errors)

    requirement.ended_on = ended_on
    requirement.completed_positively = completed_positively
    requirement.outcome_notes = outcome_notes
    if completed_positively:
        requirement.status = Requirement.Status.COMPLETED
        requirement.termination_reason = ""
        reason = "Requirement completed positively"
    else:
        requirement.status = Requirement.Status.TERMINATED
        requirement.termination_reason = termination_reason
        reason = f"Requirement ended: {TerminationReason(termination_reason).label}"
    save_with_history(requirement, by=by, reason=reason)
    # Its clocks still running (CRC SL005 / SL006 before a first session, NPS SL007 before the transfer) no
    # longer apply.
    events.publish(
        events.REQUIREMENT_ENDED,
        case=requirement.sentence.case,
        subject=f"requirement:{requirement.pk}",
        on=ended_on,
        by=by,
        disposal=requirement.sentence.disposal,
    )
    return requirement
