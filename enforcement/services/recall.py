"""Recall to custody of a person on licence or post-sentence supervision (shared/DOMAIN.md section 6).

The lifecycle (enforcement.models.recall) is guarded by django-fsm-2 transitions on the Recall model's status: each
service below checks who may take the step (enforcement.rules) and what it needs, then runs the transition, so a
step the lifecycle does not allow from the recall's status is refused with a message saying where the recall is and
what comes next. A refusal changes nothing.

- recall_open_from_failure: a failure to comply decided as recall action opens the recall (considering), aware on
  the day of the failure, its reasons prefilled from the failure. recall_consider: the officer or a manager starts
  one by hand (a rise in risk). Both start CRC AF (a CRC's case) or NPS SL012 (an NPS case): the recommendation
  within 1 calendar day of becoming aware.
- recall_submit_for_review: the officer's reasons go to a manager. recall_review: a manager of the case's team
  records the rationale, the alternatives considered and the fixed-term suitability answers, and recommends a
  standard or fixed-term recall (to a senior manager for countersignature) or no recall (a letter to the person,
  its words kept as issued). Stops CRC AF / NPS SL012, whatever the recommendation.
- recall_countersign / recall_decline_countersignature: a senior manager of the case's provider, never the manager
  who reviewed it. Declined, it goes back to the manager, the recommendation cleared (the history keeps it).
- recall_send_to_ppcs, recall_record_return_to_custody (starts NPS SL024: the recall documents within 10 working
  days), recall_record_documents_supplied (stops it), recall_withdraw (any step before the return to custody; its
  clocks no longer apply).
- recall_record_information_request / recall_answer_information_request: public protection casework (or the court)
  asking for more information about a recall sent to it, and the answer (CRC SL017: recalls made without being asked
  for more). Recorded by the officer or a manager of the case's team once the recall has been sent, never dated before
  it was sent; answered once, never before the request.

Fixed-term recall is open to children (for 14 days rather than 28: Recall.fixed_term_days); a detention and
training order is never recalled, it is breached in the youth court (enforcement.services.compliance.is_licence).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from accounts.models import User
from cases import events
from cases.models import Case, Disposal, ManagementOversightNote, Sentence
from cases.services.oversight import oversight_note_add
from config.history import save_with_history
from enforcement import rules
from enforcement.models import ComplianceFailure, Recall, RecallInformationRequest, RecallRecommendation, RecallStatus
from enforcement.models.compliance import EnforcementDecision
from enforcement.models.recall import OPEN_RECALL_STATUSES
from enforcement.services.compliance import address_lines, is_licence

Status = RecallStatus
Recommendation = RecallRecommendation
TEXT_MAX_LENGTH = 10_000
NOTE_MAX_LENGTH = 4_000

# Refusals: who may act.
ONLY_OFFICER_OR_MANAGER = "Only the responsible officer or a manager of the case's team can {action}."
ONLY_MANAGER = "Only a manager of the case's team can review a recall."
ONLY_SENIOR_MANAGER = "Only a senior manager of the case's provider can countersign a recall."
OWN_RECOMMENDATION = "You made this recommendation: another senior manager must {action}."
# Refusals: what the case's sentence allows.
ORDER_NOT_RECALLED = (
    "Recall is only for someone on licence: an order, or post-sentence supervision, is breached, not recalled."
)
DTO_NOT_RECALLED = (
    "A detention and training order is not recalled: a child who fails to comply with its supervision goes back to "
    "the youth court."
)
NOT_RELEASED = "Recall is only for someone on licence: this person has not been released from custody."
LICENCE_ENDED = (
    "The licence has ended: post-sentence supervision is enforced by the magistrates' court, so it is breached, not "
    "recalled."
)
REASONS_MISSING = "Say why recall is being considered: the breach of the licence or the rise in risk."
SUBMIT_REASONS_MISSING = "Write the reasons for recall before sending it for review."
WITHDRAW_REASON_MISSING = "Say why the recall is withdrawn."
NO_SENTENCE = "This case has no current sentence: recall is only for a licence or post-sentence supervision."

# What can happen next from each status, for the refusal messages.
NEXT_STEPS = {
    Status.CONSIDERING: "the officer writes the reasons and sends the recall to a manager for review",
    Status.AWAITING_REVIEW: "a manager of the case's team reviews it and makes the recommendation",
    Status.AWAITING_COUNTERSIGNATURE: "a senior manager countersigns the recommendation or declines to",
    Status.COUNTERSIGNED: "the recall is sent to public protection casework",
    Status.SENT_TO_PPCS: "the return to custody is recorded",
    Status.RETURNED_TO_CUSTODY: "the recall documents are supplied",
    Status.DOCUMENTS_SUPPLIED: "nothing: the recall documents were supplied",
    Status.NOT_RECALLED: "nothing: it was decided not to recall and the letter was issued",
    Status.WITHDRAWN: "nothing: the recall was withdrawn",
}


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


def _officer_or_manager(user: User, case: Case) -> bool:
    return rules.can_decide(user, case)


@dataclass(frozen=True)
class StepRule:
    """One step of the lifecycle: the model transition it runs, who may take it, and how a refusal reads."""

    transition: str
    action: str  # "review the recall": completes "You cannot ..." and "Only ... can ..."
    may: Callable[[User, Case], bool]
    who: str  # the refusal when `may` is false


STEPS: dict[str, StepRule] = {
    "submit_for_review": StepRule(
        "submit_for_review",
        "send the recall for review",
        _officer_or_manager,
        ONLY_OFFICER_OR_MANAGER.format(action="send the recall for review"),
    ),
    "review": StepRule("recommend_recall", "review the recall", rules.can_review_recall, ONLY_MANAGER),
    "countersign": StepRule("countersign", "countersign the recall", rules.can_countersign_recall, ONLY_SENIOR_MANAGER),
    "decline_countersignature": StepRule(
        "decline_countersignature",
        "decline to countersign the recall",
        rules.can_countersign_recall,
        ONLY_SENIOR_MANAGER,
    ),
    "send_to_ppcs": StepRule(
        "send_to_ppcs",
        "send the recall to public protection casework",
        _officer_or_manager,
        ONLY_OFFICER_OR_MANAGER.format(action="send the recall to public protection casework"),
    ),
    "record_return_to_custody": StepRule(
        "record_return_to_custody",
        "record the return to custody",
        _officer_or_manager,
        ONLY_OFFICER_OR_MANAGER.format(action="record the return to custody"),
    ),
    "record_documents_supplied": StepRule(
        "record_documents_supplied",
        "record the recall documents as supplied",
        _officer_or_manager,
        ONLY_OFFICER_OR_MANAGER.format(action="record the recall documents as supplied"),
    ),
    "withdraw": StepRule(
        "withdraw",
        "withdraw the recall",
        _officer_or_manager,
        ONLY_OFFICER_OR_MANAGER.format(action="withdraw the recall"),
    ),
}


def where_it_is(recall: Recall, action: str) -> str:
    """The refusal of a step the lifecycle does not allow now: where the recall is and what comes next."""
    return (
        f"You cannot {action}: the recall is at “{Status(recall.status).label.lower()}”. "
        f"Next, {NEXT_STEPS[Status(recall.status)]}."
    )


def step_refusal(user: User, recall: Recall, step: str) -> str | None:
    """Why `user` may not take `step` on the recall now (who may, then where the recall is), or None."""
    rule = STEPS[step]
    if not rule.may(user, recall.case):
        return rule.who
    if not can_proceed(getattr(recall, rule.transition)):
        return where_it_is(recall, rule.action)
    if step in ("countersign", "decline_countersignature") and recall.reviewed_by_id == user.pk:
        return OWN_RECOMMENDATION.format(
            action="countersign it" if step == "countersign" else "decide whether to countersign it"
        )
    return None


def steps_allowed(user: User, recall: Recall) -> list[str]:
    """The steps `user` may take on the recall now, by the names of STEPS (for pages and the API)."""
    return [step for step in STEPS if step_refusal(user, recall, step) is None]


def _check_step(user: User, recall: Recall, step: str) -> None:
    message = step_refusal(user, recall, step)
    if message is not None:
        raise ValidationError(message)


def _transition(recall: Recall, method: str) -> None:
    transition = getattr(recall, method)
    if not can_proceed(transition):  # checked by step_refusal already: only a programming error gets here
        raise ValidationError(where_it_is(recall, "take this step"))
    transition()


def _publish(name: str, recall: Recall, *, on: date, by: User) -> None:
    events.publish(
        name, case=recall.case, subject=f"recall:{recall.pk}", on=on, by=by, disposal=recall.sentence.disposal
    )


def _locked(recall: Recall) -> Recall:
    return (
        Recall.objects.select_for_update(of=("self",))
        .select_related("case__provider", "case__team", "case__person", "sentence", "failure")
        .get(pk=recall.pk)
    )


def _clean_text(value: str | None, *, field: str, label: str, limit: int = TEXT_MAX_LENGTH) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError({field: f"{label} must be {limit:,} characters or fewer."})
    return value


def _collect(errors: dict, check: Callable[[], object]):
    """Run `check`, adding its field messages to `errors` (so every problem is reported at once)."""
    try:
        return check()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        return None


def _check_day(
    on: date | None, *, field: str, label: str, not_before: date | None = None, not_before_label: str = ""
) -> date:
    if on is None:
        raise ValidationError({field: f"Enter {label[:1].lower()}{label[1:]}."})
    if on > timezone.localdate():
        raise ValidationError({field: f"{label} cannot be in the future."})
    if not_before is not None and on < not_before:
        raise ValidationError({field: f"{label} cannot be before {not_before_label} ({_day(not_before)})."})
    return on


def recall_started_on(recall: Recall) -> date:
    """The day recall was started: the day of the recall decision on the failure (which may come after the failure
    itself), else the day the officer became aware. Nothing about the recall can be dated before it."""
    if recall.failure_id:
        decided_on = ComplianceFailure.objects.filter(pk=recall.failure_id).values_list("decided_on", flat=True).first()
        return max(recall.aware_on, decided_on or recall.aware_on)
    return recall.aware_on


def open_recall_for(sentence_id: int) -> Recall | None:
    return Recall.objects.filter(sentence_id=sentence_id, status__in=OPEN_RECALL_STATUSES).first()


def current_sentence(case: Case) -> Sentence | None:
    return Sentence.objects.filter(case=case, status=Sentence.Status.CURRENT).order_by("-sentence_date").first()


def not_recallable(sentence: Sentence | None, on: date | None = None) -> str | None:
    """Why the sentence cannot be recalled on the day `on` (today by default): an order is breached; a detention and
    training order goes back to the youth court; custody before release has no licence yet; post-sentence supervision
    after the licence ends goes to the magistrates' court. None for a licence."""
    if is_licence(sentence, on):
        return None
    if sentence is None:
        return NO_SENTENCE
    if sentence.disposal == Disposal.DETENTION_AND_TRAINING_ORDER:
        return DTO_NOT_RECALLED
    if sentence.disposal == Disposal.CUSTODY and sentence.released_on:
        return LICENCE_ENDED
    if sentence.disposal == Disposal.CUSTODY:
        return NOT_RELEASED
    return ORDER_NOT_RECALLED


def consider_refusal(user: User, case: Case, on: date | None = None) -> tuple[str | None, Recall | None]:
    """Why `user` may not start a recall on the case, aware of it on the day `on` (today by default), and the recall
    in progress if that is why; else (None, None)."""
    if not rules.can_decide(user, case):
        return ONLY_OFFICER_OR_MANAGER.format(action="start a recall"), None
    sentence = current_sentence(case)
    reason = not_recallable(sentence, on)
    if reason is not None:
        return reason, None
    existing = open_recall_for(sentence.pk)
    if existing is not None:
        return (
            f"This licence already has a recall in progress (considered on {_day(existing.aware_on)}): continue "
            "with that one.",
            existing,
        )
    return None, None


# Starting the recall -------------------------------------------------------------------------------------------------


def _reasons_from_failure(failure: ComplianceFailure) -> str:
    details = failure.details.strip()
    if details and details[-1] not in ".!?":
        details += "."
    lines = [f"Failure to comply on {_day(failure.failed_on)}: {failure.outcome.lower()}. {details}".strip()]
    decided = f"Recall action decided on {_day(failure.decided_on)}"
    lines.append(f"{decided}: {failure.decision_reason.strip()}" if failure.decision_reason.strip() else f"{decided}.")
    return "\n\n".join(lines)


@transaction.atomic
def recall_open_from_failure(*, by: User, failure: ComplianceFailure) -> Recall:
    """Open the recall for a failure decided as recall action (called by compliance.failure_decide), aware on the day
    of the failure, with its reasons prefilled. A licence with a recall in progress keeps that one (no second): while
    it is still being considered, its reasons gain the further failure. Starts CRC AF / NPS SL012."""
    failure = ComplianceFailure.objects.select_related("case__provider", "sentence").get(pk=failure.pk)
    if failure.decision != EnforcementDecision.RECALL or not is_licence(failure.sentence, failure.failed_on):
        raise ValidationError("Only a failure decided as recall action on a licence starts a recall.")
    linked = Recall.objects.filter(failure=failure).first()
    if linked is not None:
        return linked
    existing = (
        Recall.objects.select_for_update()
        .filter(sentence_id=failure.sentence_id, status__in=OPEN_RECALL_STATUSES)
        .first()
    )
    if existing is not None:
        if existing.status == Status.CONSIDERING:
            existing.reasons = f"{existing.reasons}\n\n{_reasons_from_failure(failure)}".strip()[:TEXT_MAX_LENGTH]
            save_with_history(existing, by=by, reason="Further failure decided as recall action")
        return existing
    recall = Recall(
        case=failure.case,
        sentence=failure.sentence,
        failure=failure,
        aware_on=failure.failed_on,
        reasons=_reasons_from_failure(failure)[:TEXT_MAX_LENGTH],
        initiated_by=by,
    )
    save_with_history(recall, by=by, reason="Recall action decided on a failure to comply")
    _publish(events.RECALL_CONSIDERED, recall, on=recall.aware_on, by=by)
    return recall


@transaction.atomic
def recall_consider(*, by: User, case: Case, reasons: str, aware_on: date | None = None) -> Recall:
    """Start considering recall by hand on a licence case (a rise in risk, a breach of a licence condition), by the
    responsible officer or a manager of the case's team. Starts CRC AF / NPS SL012 on the day of awareness."""
    case = Case.objects.select_for_update(of=("self",)).select_related("provider", "team", "person").get(pk=case.pk)
    # On licence on the day of awareness (a recall recorded late can be for a licence that has since ended).
    day = aware_on if aware_on is not None and aware_on <= timezone.localdate() else None
    refusal, _existing = consider_refusal(by, case, on=day)
    if refusal is not None:
        raise ValidationError(refusal)
    sentence = current_sentence(case)
    errors: dict[str, list[str]] = {}
    reasons = _collect(errors, lambda: _clean_text(reasons, field="reasons", label="The reasons"))
    if not reasons and "reasons" not in errors:
        errors["reasons"] = [REASONS_MISSING]
    aware_on = _collect(
        errors,
        lambda: _check_day(
            aware_on or timezone.localdate(),
            field="aware_on",
            label="The date you became aware",
            not_before=sentence.released_on,
            not_before_label="the release on licence",
        ),
    )
    if errors:
        raise ValidationError(errors)
    recall = Recall(case=case, sentence=sentence, aware_on=aware_on, reasons=reasons, initiated_by=by)
    save_with_history(recall, by=by, reason="Recall considered")
    _publish(events.RECALL_CONSIDERED, recall, on=aware_on, by=by)
    return recall


# The officer and the manager -----------------------------------------------------------------------------------------


@transaction.atomic
def recall_submit_for_review(*, by: User, recall: Recall, reasons: str) -> Recall:
    """The officer writes (or updates) the reasons and sends the recall to a manager for review."""
    recall = _locked(recall)
    _check_step(by, recall, "submit_for_review")
    reasons = _clean_text(reasons, field="reasons", label="The reasons")
    if not reasons:
        raise ValidationError({"reasons": SUBMIT_REASONS_MISSING})
    recall.reasons = reasons
    _transition(recall, "submit_for_review")
    save_with_history(recall, by=by, reason="Sent for a manager's review")
    return recall


SUITABILITY_QUESTIONS = {
    "extended_or_specified_sentence": "Say whether they are serving an extended sentence or one for a specified "
    "serious offence.",
    "charged_with_serious_offence": "Say whether they are charged with a further serious offence.",
    "risk_manageable_after_fixed_term": "Say whether their risk of serious harm could be managed on release after "
    "a fixed term.",
}
# The answer that excludes fixed-term recall, and how the refusal names it.
FIXED_TERM_EXCLUDED_BY = {
    "extended_or_specified_sentence": (
        True,
        "Fixed-term recall is not open to someone serving an extended sentence or one for a specified serious "
        "offence: recommend a standard recall.",
    ),
    "charged_with_serious_offence": (
        True,
        "Fixed-term recall is not open to someone charged with a further serious offence: recommend a standard recall.",
    ),
    "risk_manageable_after_fixed_term": (
        False,
        "Fixed-term recall is only for someone whose risk of serious harm could be managed on release after the "
        "fixed term: recommend a standard recall.",
    ),
}
CHOOSE_RECOMMENDATION = "Choose a recommendation: standard recall, fixed-term recall or no recall."
RATIONALE_MISSING = "Give the reasons for your recommendation."
ALTERNATIVES_MISSING = "Say what alternatives to recall were considered."
DECLINE_NOTE_MISSING = "Say why you are not countersigning, so the manager can review it again."


@transaction.atomic
def recall_review(
    *,
    by: User,
    recall: Recall,
    recommendation: str,
    rationale: str,
    alternatives_considered: str,
    extended_or_specified_sentence: bool | None,
    charged_with_serious_offence: bool | None,
    risk_manageable_after_fixed_term: bool | None,
    on: date | None = None,
) -> Recall:
    """A manager of the case's team reviews the recall (shared/DOMAIN.md section 6: sound when alternatives are
    considered and a manager oversees it). Standard or fixed-term: to a senior manager for countersignature, the
    three fixed-term suitability answers required and fixed-term only for (no, no, yes). No recall: the letter to
    the person is issued. Stops CRC AF / NPS SL012 whatever the recommendation."""
    recall = _locked(recall)
    _check_step(by, recall, "review")
    errors: dict[str, list[str]] = {}
    recommendation = (recommendation or "").strip()
    if recommendation not in Recommendation.values:
        errors["recommendation"] = [CHOOSE_RECOMMENDATION]
    rationale = _collect(errors, lambda: _clean_text(rationale, field="rationale", label="The rationale"))
    if not rationale and "rationale" not in errors:
        errors["rationale"] = [RATIONALE_MISSING]
    alternatives_considered = _collect(
        errors,
        lambda: _clean_text(
            alternatives_considered, field="alternatives_considered", label="The alternatives considered"
        ),
    )
    if not alternatives_considered and "alternatives_considered" not in errors:
        errors["alternatives_considered"] = [ALTERNATIVES_MISSING]
    answers = {
        "extended_or_specified_sentence": extended_or_specified_sentence,
        "charged_with_serious_offence": charged_with_serious_offence,
        "risk_manageable_after_fixed_term": risk_manageable_after_fixed_term,
    }
    if recommendation in (Recommendation.STANDARD, Recommendation.FIXED_TERM):
        for field, answer in answers.items():
            if answer is None:
                errors[field] = [SUITABILITY_QUESTIONS[field]]
    if recommendation == Recommendation.FIXED_TERM and None not in answers.values():
        excluded = [message for field, (value, message) in FIXED_TERM_EXCLUDED_BY.items() if answers[field] is value]
        if excluded:
            errors.setdefault("recommendation", []).extend(excluded)
    on = _collect(
        errors,
        lambda: _check_day(
            on or timezone.localdate(),
            field="on",
            label="The date of the review",
            not_before=recall_started_on(recall),
            not_before_label="recall was started",
        ),
    )
    if errors:
        raise ValidationError(errors)
    recall.recommendation = recommendation
    recall.rationale = rationale
    recall.alternatives_considered = alternatives_considered
    for field, answer in answers.items():
        setattr(recall, field, answer)
    recall.reviewed_by = by
    recall.reviewed_on = on
    if recommendation == Recommendation.NO_RECALL:
        recall.no_recall_letter = no_recall_letter(recall, by=by)
        _transition(recall, "decide_not_to_recall")
        save_with_history(recall, by=by, reason="Decided not to recall: letter issued")
    else:
        _transition(recall, "recommend_recall")
        save_with_history(recall, by=by, reason=f"Recommended: {Recommendation(recommendation).label.lower()}")
    # The manager's decision is the management oversight the inspectorate looks for (shared/DOMAIN.md section 6):
    # kept on the case as a note, from the rationale and the alternatives considered.
    oversight_note_add(
        by=by,
        case=recall.case,
        kind=ManagementOversightNote.Kind.RECALL_DECISION,
        note=(
            f"{Recommendation(recommendation).label}. {rationale}\n\nAlternatives considered: {alternatives_considered}"
        ),
        on=on,
        subject=f"recall:{recall.pk}",
        check_permission=False,
    )
    _publish(events.RECALL_RECOMMENDED, recall, on=on, by=by)
    return recall


def no_recall_letter(recall: Recall, *, by: User) -> str:
    """The letter telling the person it was decided not to recall them, as issued (paragraphs separated by blank
    lines): the addressee, the date, what was considered, the decision, what is expected of them, what a further
    failure means, and the signatory."""
    case = recall.case
    person = case.person
    sentence = recall.sentence
    address = address_lines(case)
    failure = recall.failure
    if failure is not None:
        considered = (
            f"We considered whether you should be recalled to prison after you failed to comply with your licence on "
            f"{_day(failure.failed_on)} ({failure.outcome.lower()})."
        )
    else:
        considered = (
            "We considered whether you should be recalled to prison because of concerns that came to light on "
            f"{_day(recall.aware_on)} about how you are keeping to your licence."
        )
    ends = sentence.licence_end_date or sentence.post_sentence_supervision_end_date or sentence.end_date
    until = f" until it ends on {_day(ends)}" if ends else ""
    paragraphs = [
        "\n".join([person.full_name, *address.splitlines()]),
        _day(recall.reviewed_on),
        f"Dear {person.full_name},",
        f"You are on licence from the custodial sentence passed on {_day(sentence.sentence_date)}, since your "
        f"release on {_day(sentence.released_on)}.",
        considered,
        "The decision is that you will not be recalled to prison at this time.",
        f"You must keep to all the conditions of your licence{until}: keep every appointment with your probation "
        "officer, tell them at once of any change of address, and be of good behaviour.",
        "If you fail to comply with your licence again, or the risk you present increases, you may be recalled to "
        "prison.",
        "Yours sincerely,",
        f"{by.get_full_name()}, {case.provider.name}",
    ]
    return "\n\n".join(paragraphs)


# Countersignature ----------------------------------------------------------------------------------------------------


@transaction.atomic
def recall_countersign(*, by: User, recall: Recall, note: str = "", on: date | None = None) -> Recall:
    """A senior manager of the case's provider countersigns the recommendation (never the manager who made it), today
    unless dated (never in the future nor before the review)."""
    recall = _locked(recall)
    _check_step(by, recall, "countersign")
    note = _clean_text(note, field="note", label="The note", limit=NOTE_MAX_LENGTH)
    countersigned_on = _check_day(
        on or timezone.localdate(),
        field="on",
        label="The date of the countersignature",
        not_before=recall.reviewed_on,
        not_before_label="the manager's review",
    )
    recall.countersigned_by = by
    recall.countersigned_on = countersigned_on
    recall.countersignature_note = note
    _transition(recall, "countersign")
    save_with_history(recall, by=by, reason="Countersigned")
    return recall


@transaction.atomic
def recall_decline_countersignature(*, by: User, recall: Recall, note: str) -> Recall:
    """A senior manager declines to countersign, saying why: the recall goes back to the manager, whose
    recommendation is cleared so they review it again (the history keeps the one declined)."""
    recall = _locked(recall)
    _check_step(by, recall, "decline_countersignature")
    note = _clean_text(note, field="note", label="The note", limit=NOTE_MAX_LENGTH)
    if not note:
        raise ValidationError({"note": DECLINE_NOTE_MISSING})
    recall.recommendation = ""
    recall.rationale = ""
    recall.alternatives_considered = ""
    recall.extended_or_specified_sentence = None
    recall.charged_with_serious_offence = None
    recall.risk_manageable_after_fixed_term = None
    recall.reviewed_by = None
    recall.reviewed_on = None
    recall.countersignature_note = note
    _transition(recall, "decline_countersignature")
    save_with_history(recall, by=by, reason="Countersignature declined")
    return recall


# Public protection casework, custody, documents ----------------------------------------------------------------------


@transaction.atomic
def recall_send_to_ppcs(*, by: User, recall: Recall, on: date | None = None) -> Recall:
    """The countersigned recall goes to public protection casework (today unless dated)."""
    recall = _locked(recall)
    _check_step(by, recall, "send_to_ppcs")
    recall.sent_to_ppcs_on = _check_day(
        on or timezone.localdate(),
        field="on",
        label="The date it was sent",
        not_before=recall.countersigned_on,
        not_before_label="the countersignature",
    )
    _transition(recall, "send_to_ppcs")
    save_with_history(recall, by=by, reason="Sent to public protection casework")
    return recall


@transaction.atomic
def recall_record_return_to_custody(*, by: User, recall: Recall, on: date | None) -> Recall:
    """The person is back in custody on `on`: starts NPS SL024 (the recall documents within 10 working days)."""
    recall = _locked(recall)
    _check_step(by, recall, "record_return_to_custody")
    recall.returned_to_custody_on = _check_day(
        on,
        field="on",
        label="The date of the return to custody",
        not_before=recall.sent_to_ppcs_on,
        not_before_label="the recall was sent to public protection casework",
    )
    _transition(recall, "record_return_to_custody")
    save_with_history(recall, by=by, reason="Return to custody recorded")
    _publish(events.RETURNED_TO_CUSTODY, recall, on=recall.returned_to_custody_on, by=by)
    return recall


@transaction.atomic
def recall_record_documents_supplied(*, by: User, recall: Recall, on: date | None) -> Recall:
    """The recall documents were supplied on `on` (on or after the return to custody): stops NPS SL024."""
    recall = _locked(recall)
    _check_step(by, recall, "record_documents_supplied")
    recall.documents_supplied_on = _check_day(
        on,
        field="on",
        label="The date the documents were supplied",
        not_before=recall.returned_to_custody_on,
        not_before_label="the return to custody",
    )
    _transition(recall, "record_documents_supplied")
    save_with_history(recall, by=by, reason="Recall documents supplied")
    _publish(events.RECALL_DOCUMENTS_SUPPLIED, recall, on=recall.documents_supplied_on, by=by)
    return recall


@transaction.atomic
def recall_withdraw(*, by: User, recall: Recall, reason: str) -> Recall:
    """Withdraw the recall at any step before the return to custody, with the reason; its clocks no longer apply."""
    recall = _locked(recall)
    _check_step(by, recall, "withdraw")
    reason = _clean_text(reason, field="reason", label="The reason", limit=NOTE_MAX_LENGTH)
    if not reason:
        raise ValidationError({"reason": WITHDRAW_REASON_MISSING})
    recall.withdrawn_reason = reason
    _transition(recall, "withdraw")
    save_with_history(recall, by=by, reason="Withdrawn")
    _publish(events.RECALL_WITHDRAWN, recall, on=timezone.localdate(), by=by)
    return recall


# Requests for more information (CRC SL017) ---------------------------------------------------------------------------

Source = RecallInformationRequest.Source
# Once the recall has gone to public protection casework: while it waits for the return to custody, and after.
INFORMATION_REQUEST_STATUSES = (Status.SENT_TO_PPCS, Status.RETURNED_TO_CUSTODY, Status.DOCUMENTS_SUPPLIED)
RECORD_REQUEST_ACTION = "record a request for more information"
ANSWER_REQUEST_ACTION = "record the answer to a request for more information"
REQUEST_NOT_SENT = (
    "You cannot record a request for more information: the recall is at “{status}”. A request is recorded once the "
    "recall has been sent to public protection casework."
)
REQUEST_ANSWERED = "This request was answered on {day}: the answer cannot be recorded again."
CHOOSE_SOURCE = "Choose who asked for more information: public protection casework, the court or someone else."
REQUEST_MESSAGE_MISSING = "Say what more information was asked for."
ANSWER_MISSING = "Say what was sent in reply."


def information_request_refusal(user: User, recall: Recall) -> str | None:
    """Why `user` may not record a request for more information on the recall now, or None: the responsible officer
    or a manager of the case's team, once the recall has been sent to public protection casework."""
    if not _officer_or_manager(user, recall.case):
        return ONLY_OFFICER_OR_MANAGER.format(action=RECORD_REQUEST_ACTION)
    if recall.status not in INFORMATION_REQUEST_STATUSES:
        return REQUEST_NOT_SENT.format(status=Status(recall.status).label.lower())
    return None


def answer_refusal(user: User, request: RecallInformationRequest) -> str | None:
    """Why `user` may not record the answer to the request now, or None: the same people, once per request."""
    if not _officer_or_manager(user, request.recall.case):
        return ONLY_OFFICER_OR_MANAGER.format(action=ANSWER_REQUEST_ACTION)
    if request.answered_on is not None:
        return REQUEST_ANSWERED.format(day=_day(request.answered_on))
    return None


@transaction.atomic
def recall_record_information_request(
    *, by: User, recall: Recall, requested_on: date | None, source: str, message: str
) -> RecallInformationRequest:
    """Public protection casework, the court or someone else asked for more information about the recall on
    `requested_on` (not in the future, not before the recall was sent): the recall counts against CRC SL017."""
    recall = _locked(recall)
    refusal = information_request_refusal(by, recall)
    if refusal is not None:
        raise ValidationError(refusal)
    errors: dict[str, list[str]] = {}
    source = (source or "").strip()
    if source not in Source.values:
        errors["source"] = [CHOOSE_SOURCE]
    message = _collect(
        errors, lambda: _clean_text(message, field="message", label="The message", limit=NOTE_MAX_LENGTH)
    )
    if not message and "message" not in errors:
        errors["message"] = [REQUEST_MESSAGE_MISSING]
    requested_on = _collect(
        errors,
        lambda: _check_day(
            requested_on,
            field="requested_on",
            label="The date more information was asked for",
            not_before=recall.sent_to_ppcs_on,
            not_before_label="the recall was sent to public protection casework",
        ),
    )
    if errors:
        raise ValidationError(errors)
    request = RecallInformationRequest(
        recall=recall, source=source, requested_on=requested_on, message=message, recorded_by=by
    )
    return save_with_history(request, by=by, reason=f"More information asked for by {Source(source).label.lower()}")


@transaction.atomic
def recall_answer_information_request(
    *, by: User, request: RecallInformationRequest, answered_on: date | None, answer: str
) -> RecallInformationRequest:
    """What was sent in reply, and when (not in the future, not before the request). Once per request."""
    request = (
        RecallInformationRequest.objects.select_for_update(of=("self",))
        .select_related("recall__case__provider", "recall__case__team")
        .get(pk=request.pk)
    )
    refusal = answer_refusal(by, request)
    if refusal is not None:
        raise ValidationError(refusal)
    errors: dict[str, list[str]] = {}
    answer = _collect(errors, lambda: _clean_text(answer, field="answer", label="The answer", limit=NOTE_MAX_LENGTH))
    if not answer and "answer" not in errors:
        errors["answer"] = [ANSWER_MISSING]
    answered_on = _collect(
        errors,
        lambda: _check_day(
            answered_on,
            field="answered_on",
            label="The date of the answer",
            not_before=request.requested_on,
            not_before_label="the request",
        ),
    )
    if errors:
        raise ValidationError(errors)
    request.answer = answer
    request.answered_on = answered_on
    request.answered_by = by
    request.answered_at = timezone.now()
    return save_with_history(request, by=by, reason="Answer to the request for more information recorded")
