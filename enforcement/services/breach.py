"""Breach of an order, from the breach action decision to the court's outcome (shared/DOMAIN.md section 6).

The lifecycle (enforcement.models.breach) is guarded by django-fsm-2 transitions on the Breach model's status: each
service below checks who may take the step (enforcement.rules) and what the step needs, then runs the transition, so
a step the lifecycle does not allow from the breach's status is refused with a message saying where the breach is
and what can happen next. Nothing is changed by a refusal.

- breach_initiate: the failure to comply decided as breach action opens the breach (draft) on its order, with the
  sentencing court, aware of it on the day of the failure. It starts CRC AE (a CRC's case: referred to the NPS within
  8 working days) or NPS SL014 (an NPS case: presented to court within 10 working days). A further breach decision
  on an order whose breach is in progress joins that breach: its next pack version lists the new failure.
- breach_update_draft: the officer's statement, proposal and the court, while the pack is prepared.
- breach_submit: freezes a new pack version assembled from the record (enforcement.selectors.breach.pack_content).
- breach_sign_off / breach_return: a manager of the case's team (not the one who prepared the version) signs it
  off, or sends it back with a note.
- breach_refer_to_nps (a CRC's case): stops CRC AE. breach_nps_accept starts NPS SL015 (presented within 2 working
  days); breach_nps_request_more sends it back to the CRC with a message.
- breach_send_to_court: the signed-off (NPS and YOT cases) or accepted (CRC cases, by the NPS) version goes to the
  court, where court users see it. Stops NPS SL014 and SL015. Court users acknowledge it or ask for more information
  (court_acknowledge, court_request_information: each request counts against CRC SL016).
- breach_start_new_version: a pack at court is corrected with a new version (draft again); the versions sent stay.
- breach_record_outcome: the hearing and its outcome. breach_withdraw: at any step before the outcome, with a
  reason; its clocks no longer apply.

A step recorded late takes its day (`on`): never in the future nor before the breach's previous step; the clocks
it starts or stops count from that day.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from accounts.models import Court, Provider, User
from cases import events
from cases.models import CourtAppearance
from config.history import save_with_history
from enforcement import rules
from enforcement.models import Breach, BreachPack, BreachStatus, BreachStep, CourtInformationRequest, HearingOutcome
from enforcement.models.breach import OPEN_BREACH_STATUSES
from enforcement.models.compliance import ComplianceFailure, EnforcementDecision
from enforcement.selectors.breach import pack_content

Status = BreachStatus
Step = BreachStep.Step
TEXT_MAX_LENGTH = 10_000
NOTE_MAX_LENGTH = 4_000

# What can happen next from each status, for the refusal messages.
NEXT_STEPS = {
    Status.DRAFT: "the officer completes the statement and proposal and submits the pack for sign-off",
    Status.AWAITING_SIGN_OFF: "a manager signs the pack off or sends it back",
    Status.SIGNED_OFF: "the pack is referred to the NPS (a CRC's case) or sent to court",
    Status.REFERRED_TO_NPS: "the NPS accepts the referral or asks for more information",
    Status.ACCEPTED_BY_NPS: "the NPS sends the pack to court",
    Status.SENT_TO_COURT: "the court's outcome is recorded, or a corrected version is prepared",
    Status.OUTCOME_RECORDED: "nothing: the court's outcome is recorded",
    Status.WITHDRAWN: "nothing: the breach was withdrawn",
}


def _lower_first(text: str) -> str:
    """ "Referred to the NPS" -> "referred to the NPS": sentence case inside a sentence, keeping acronyms."""
    return text[:1].lower() + text[1:]


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


def is_crc_case(breach: Breach) -> bool:
    """A CRC's case: its breach is referred to the NPS, which presents it to court."""
    return breach.case.provider.provider_type == Provider.ProviderType.CRC


def _refuse_step(breach: Breach, action: str) -> ValidationError:
    return ValidationError(
        f"You cannot {action}: the breach is at “{_lower_first(Status(breach.status).label)}”. "
        f"Next, {NEXT_STEPS[Status(breach.status)]}."
    )


def _transition(breach: Breach, method: str, action: str) -> None:
    """Run the django-fsm transition `method` on the breach, or refuse with where the breach is."""
    transition = getattr(breach, method)
    if not can_proceed(transition):
        raise _refuse_step(breach, action)
    transition()


def _step(
    breach: Breach,
    step: str,
    *,
    by: User,
    on: date | None = None,
    at: datetime | None = None,
    pack=None,
    note: str = "",
) -> BreachStep:
    today = timezone.localdate()
    if at is None:
        # A step dated another day (a decision recorded late) keeps the timeline in order of its day.
        now = timezone.now()
        at = now if on in (None, today) else timezone.make_aware(datetime.combine(on, timezone.localtime(now).time()))
    row = BreachStep(
        breach=breach,
        pack=pack,
        step=step,
        on=on or today,
        at=at,
        by=by,
        note=note or "",
    )
    return save_with_history(row, by=by, reason=Step(step).label)


def _publish(name: str, breach: Breach, *, on: date, by: User) -> None:
    events.publish(
        name, case=breach.case, subject=f"breach:{breach.pk}", on=on, by=by, disposal=breach.sentence.disposal
    )


def _locked(breach: Breach) -> Breach:
    return (
        Breach.objects.select_for_update(of=("self",))
        .select_related("case__provider", "case__team", "case__person", "sentence", "court")
        .get(pk=breach.pk)
    )


def _clean_text(value: str, *, field: str, label: str, limit: int = TEXT_MAX_LENGTH) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError({field: f"{label} must be {limit:,} characters or fewer."})
    return value


def _check_day(on: date, *, field: str, label: str, not_before: date, not_before_label: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: f"{label} cannot be in the future."})
    if on < not_before:
        raise ValidationError({field: f"{label} cannot be before {not_before_label} ({_day(not_before)})."})


def _when(breach: Breach, on: date | None) -> tuple[date, datetime]:
    """The day a step happened (today unless recorded late) and its moment. A step recorded late cannot be in the
    future, nor before the breach's previous step (a further failure joining the breach does not count)."""
    now = timezone.now()
    if on is None or on == timezone.localdate():
        return timezone.localdate(), now
    # (A further failure joining the breach is not a step of the pack's own: a step may come before it.)
    steps = breach.steps.exclude(step=Step.FAILURE_ADDED)
    latest = steps.order_by("-on").values_list("on", flat=True).first() or breach.aware_on
    _check_day(on, field="on", label="The date", not_before=latest, not_before_label="the breach's previous step")
    return on, timezone.make_aware(datetime.combine(on, timezone.localtime(now).time()))


def sentencing_court(failure: ComplianceFailure) -> Court | None:
    """The court that made the order (the breach goes back to it unless the officer chooses another), else the court
    of the case's latest hearing; only a court still open."""
    sentence = failure.sentence
    if sentence is not None and sentence.court_appearance_id and sentence.court_appearance.court.active:
        return sentence.court_appearance.court
    appearance = (
        CourtAppearance.objects.filter(case_id=failure.case_id, court__active=True)
        .select_related("court")
        .order_by("-appearance_date")
    ).first()
    return appearance.court if appearance else None


def open_breach_for(sentence_id: int) -> Breach | None:
    return Breach.objects.filter(sentence_id=sentence_id, status__in=OPEN_BREACH_STATUSES).first()


# Starting the breach ------------------------------------------------------------------------------------------------


@transaction.atomic
def breach_initiate(*, by: User, failure: ComplianceFailure) -> Breach:
    """Open the breach for a failure decided as breach action (called by compliance.failure_decide), or add the
    failure to the breach already in progress on its order."""
    failure = ComplianceFailure.objects.select_related("case__provider", "sentence__court_appearance__court").get(
        pk=failure.pk
    )
    if failure.decision != EnforcementDecision.BREACH or failure.sentence is None:
        raise ValidationError("Only a failure decided as breach action on an order starts a breach.")
    existing = open_breach_for(failure.sentence_id)
    if existing is not None:
        _step(existing, Step.FAILURE_ADDED, by=by, on=failure.decided_on, note=f"{failure} — listed in the next pack.")
        return existing
    breach = Breach(
        case=failure.case,
        sentence=failure.sentence,
        failure=failure,
        court=sentencing_court(failure),
        aware_on=failure.failed_on,
        initiated_by=by,
    )
    save_with_history(breach, by=by, reason="Breach action decided")
    _step(breach, Step.INITIATED, by=by, on=failure.decided_on, note=failure.decision_reason)
    _publish(events.BREACH_INITIATED, breach, on=breach.aware_on, by=by)
    return breach


@transaction.atomic
def breach_update_draft(
    *, by: User, breach: Breach, statement: str, proposal: str, court: Court | int | None
) -> Breach:
    """Save the officer's statement and proposal and the court while the pack is prepared (draft only)."""
    breach = _locked(breach)
    if not rules.can_prepare_breach(by, breach.case):
        raise ValidationError("Only the responsible officer or a manager of the case's team can prepare the pack.")
    if breach.status != Status.DRAFT:
        raise _refuse_step(breach, "change the pack")
    errors = {}
    try:
        breach.statement = _clean_text(statement, field="statement", label="The statement")
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        breach.proposal = _clean_text(proposal, field="proposal", label="The proposal")
    except ValidationError as error:
        errors.update(error.message_dict)
    court_id = court.pk if isinstance(court, Court) else court
    if court_id is None:
        errors["court"] = "Choose the court the pack goes to."
    else:
        chosen = Court.objects.filter(pk=court_id, active=True).first()
        if chosen is None:
            errors["court"] = "Choose a court from the list."
        else:
            breach.court = chosen
    if errors:
        raise ValidationError(errors)
    save_with_history(breach, by=by, reason="Pack draft saved")
    return breach


@transaction.atomic
def breach_submit(*, by: User, breach: Breach, on: date | None = None) -> BreachPack:
    """Freeze the next pack version from the record, with the statement and proposal, and ask for sign-off."""
    breach = _locked(breach)
    if not rules.can_prepare_breach(by, breach.case):
        raise ValidationError("Only the responsible officer or a manager of the case's team can submit the pack.")
    errors = {}
    if not breach.statement:
        errors["statement"] = "Write your statement to the court before submitting the pack."
    if not breach.proposal:
        errors["proposal"] = "Write your proposal to the court before submitting the pack."
    if breach.court_id is None:
        errors["court"] = "Choose the court the pack goes to before submitting it."
    elif not breach.court.active:
        errors["court"] = "Choose a court from the list."
    if breach.status != Status.DRAFT:
        raise _refuse_step(breach, "submit the pack")
    if errors:
        raise ValidationError(errors)
    day, now = _when(breach, on)
    previous = breach.packs.order_by("-version").first()
    pack = BreachPack(
        breach=breach,
        version=(previous.version + 1) if previous else 1,
        content=pack_content(breach, as_at=now),
        statement=breach.statement,
        proposal=breach.proposal,
        prepared_by=by,
        prepared_at=now,
        court=breach.court,
    )
    save_with_history(pack, by=by, reason="Pack version prepared")
    _transition(breach, "submit", "submit the pack")
    save_with_history(breach, by=by, reason="Pack submitted for sign-off")
    _step(breach, Step.SUBMITTED, by=by, on=day, at=now, pack=pack)
    return pack


@transaction.atomic
def breach_save_and_submit(
    *, by: User, breach: Breach, statement: str, proposal: str, court: Court | int | None, on: date | None = None
) -> BreachPack:
    """Save the draft and submit it for sign-off in one step: both happen, or (refused) neither."""
    breach_update_draft(by=by, breach=breach, statement=statement, proposal=proposal, court=court)
    return breach_submit(by=by, breach=breach, on=on)


def current_pack(breach: Breach) -> BreachPack | None:
    return breach.packs.order_by("-version").first()


def _pack_for_step(breach: Breach) -> BreachPack:
    pack = BreachPack.objects.select_for_update().filter(breach=breach).order_by("-version").first()
    if pack is None:  # A status past draft always has a version: the database cannot say otherwise, but be plain.
        raise ValidationError("This breach has no pack yet.")
    return pack


@transaction.atomic
def breach_sign_off(*, by: User, breach: Breach, note: str = "", on: date | None = None) -> BreachPack:
    """A manager of the case's team signs off the version waiting (not one they prepared themselves)."""
    breach = _locked(breach)
    if not rules.can_sign_off_breach(by, breach.case):
        raise ValidationError("Only a manager of the case's team can sign off a breach pack.")
    if breach.status != Status.AWAITING_SIGN_OFF:
        raise _refuse_step(breach, "sign off the pack")
    pack = _pack_for_step(breach)
    if pack.prepared_by_id == by.pk:
        raise ValidationError("You prepared this version: another manager must sign it off.")
    note = _clean_text(note, field="note", label="The note", limit=NOTE_MAX_LENGTH)
    pack.signed_off_by = by
    day, now = _when(breach, on)
    pack.signed_off_at = now
    save_with_history(pack, by=by, reason="Pack signed off")
    _transition(breach, "sign_off", "sign off the pack")
    save_with_history(breach, by=by, reason="Pack signed off")
    _step(breach, Step.SIGNED_OFF, by=by, on=day, at=now, pack=pack, note=note)
    return pack


@transaction.atomic
def breach_return(*, by: User, breach: Breach, note: str) -> BreachPack:
    """A manager sends the version back to the officer with what needs to change (the version is kept)."""
    breach = _locked(breach)
    if not rules.can_sign_off_breach(by, breach.case):
        raise ValidationError("Only a manager of the case's team can send a breach pack back.")
    if breach.status != Status.AWAITING_SIGN_OFF:
        raise _refuse_step(breach, "send the pack back")
    note = _clean_text(note, field="note", label="The note", limit=NOTE_MAX_LENGTH)
    if not note:
        raise ValidationError({"note": "Say what needs to change in the pack."})
    return _send_back(breach, by=by, note=note, transition="send_back", step=Step.RETURNED)


def _send_back(breach: Breach, *, by: User, note: str, transition: str, step: str) -> BreachPack:
    """The version waiting goes back for correction with the note (kept, and superseded by the next version)."""
    pack = _pack_for_step(breach)
    pack.returned_at = timezone.now()
    pack.returned_note = note
    pack.superseded_at = pack.returned_at
    save_with_history(pack, by=by, reason=Step(step).label)
    _transition(breach, transition, STEP_ACTIONS["return" if transition == "send_back" else transition])
    save_with_history(breach, by=by, reason=Step(step).label)
    _step(breach, step, by=by, pack=pack, note=note)
    return pack


# CRC to NPS ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def breach_refer_to_nps(*, by: User, breach: Breach, on: date | None = None) -> BreachPack:
    """A CRC refers its signed-off pack to the NPS to prosecute (stops CRC AE)."""
    breach = _locked(breach)
    if not rules.can_prepare_breach(by, breach.case):
        raise ValidationError("Only the responsible officer or a manager of the case's team can refer the breach.")
    if not is_crc_case(breach):
        raise ValidationError("Only a CRC refers a breach to the NPS: this case's provider presents it to court.")
    if breach.status != Status.SIGNED_OFF:
        raise _refuse_step(breach, "refer the breach to the NPS")
    pack = _pack_for_step(breach)
    day, now = _when(breach, on)
    pack.referred_to_nps_at = now
    save_with_history(pack, by=by, reason="Referred to the NPS")
    _transition(breach, "refer_to_nps", "refer the breach to the NPS")
    save_with_history(breach, by=by, reason="Referred to the NPS")
    _step(breach, Step.REFERRED_TO_NPS, by=by, on=day, at=now, pack=pack)
    _publish(events.BREACH_REFERRED_TO_NPS, breach, on=day, by=by)
    return pack


@transaction.atomic
def breach_nps_accept(*, by: User, breach: Breach, on: date | None = None) -> Breach:
    """The NPS accepts the CRC's referral as acceptable to present (starts NPS SL015)."""
    breach = _locked(breach)
    if not rules.is_nps_court_staff_for(by, breach.case):
        raise ValidationError("Only NPS staff in the case's region can accept a CRC's breach referral.")
    if breach.status != Status.REFERRED_TO_NPS:
        raise _refuse_step(breach, "accept the referral")
    pack = _pack_for_step(breach)
    day, now = _when(breach, on)
    _transition(breach, "nps_accept", "accept the referral")
    save_with_history(breach, by=by, reason="Referral accepted by the NPS")
    _step(breach, Step.NPS_ACCEPTED, by=by, on=day, at=now, pack=pack)
    _publish(events.BREACH_REFERRAL_ACCEPTED, breach, on=day, by=by)
    return breach


@transaction.atomic
def breach_nps_request_more(*, by: User, breach: Breach, message: str) -> BreachPack:
    """The NPS sends the referral back to the CRC asking for more information; the CRC prepares a new version."""
    breach = _locked(breach)
    if not rules.is_nps_court_staff_for(by, breach.case):
        raise ValidationError("Only NPS staff in the case's region can ask for more on a CRC's breach referral.")
    if breach.status != Status.REFERRED_TO_NPS:
        raise _refuse_step(breach, "ask for more information")
    message = _clean_text(message, field="message", label="The message", limit=NOTE_MAX_LENGTH)
    if not message:
        raise ValidationError({"message": "Say what more information the NPS needs."})
    return _send_back(breach, by=by, note=message, transition="nps_request_more", step=Step.NPS_REQUESTED_MORE)


# Court -------------------------------------------------------------------------------------------------------------


def may_send_to_court(user: User, breach: Breach) -> bool:
    """The NPS sends a CRC's accepted referral; the case's officer or manager sends an NPS or YOT case's pack."""
    if is_crc_case(breach):
        return rules.is_nps_court_staff_for(user, breach.case)
    return rules.can_prepare_breach(user, breach.case)


@transaction.atomic
def breach_send_to_court(*, by: User, breach: Breach, on: date | None = None) -> BreachPack:
    """Send the signed-off (or, for a CRC's case, accepted) version to its court: court users there see it from now
    on. Stops NPS SL014 or SL015. Earlier versions sent to court are marked superseded."""
    breach = _locked(breach)
    if not may_send_to_court(by, breach):
        raise ValidationError(
            "Only the NPS can present a CRC's breach to court."
            if is_crc_case(breach)
            else "Only the responsible officer or a manager of the case's team can send the pack to court."
        )
    if is_crc_case(breach) and breach.status == Status.SIGNED_OFF:
        raise ValidationError("A CRC's breach goes to the NPS first: refer it, and the NPS presents it to court.")
    if not can_proceed(breach.send_to_court):
        raise _refuse_step(breach, "send the pack to court")
    pack = _pack_for_step(breach)
    day, now = _when(breach, on)
    for earlier in BreachPack.objects.select_for_update().filter(
        breach=breach, sent_to_court_at__isnull=False, superseded_at__isnull=True
    ):
        earlier.superseded_at = now
        save_with_history(earlier, by=by, reason=f"Superseded by version {pack.version}")
    pack.sent_to_court_at = now
    pack.court = breach.court
    save_with_history(pack, by=by, reason="Sent to court")
    # A court's open request for more information is answered by this version.
    for request in CourtInformationRequest.objects.select_for_update().filter(
        pack__breach=breach, answered_by_pack__isnull=True
    ):
        request.answered_by_pack = pack
        save_with_history(request, by=by, reason=f"Answered by version {pack.version}")
    _transition(breach, "send_to_court", "send the pack to court")
    save_with_history(breach, by=by, reason="Sent to court")
    _step(breach, Step.SENT_TO_COURT, by=by, on=day, at=now, pack=pack, note=f"To {breach.court}")
    _publish(events.BREACH_PRESENTED_TO_COURT, breach, on=day, by=by)
    return pack


@transaction.atomic
def breach_start_new_version(*, by: User, breach: Breach, reason: str) -> Breach:
    """Correct a pack already at court: the breach is prepared again (draft) and its next version goes through
    sign-off and to the court again. The versions sent are kept and stay visible to the court."""
    breach = _locked(breach)
    if not rules.can_prepare_breach(by, breach.case):
        raise ValidationError("Only the responsible officer or a manager of the case's team can correct the pack.")
    if breach.status != Status.SENT_TO_COURT:
        raise _refuse_step(breach, "start a corrected version")
    reason = _clean_text(reason, field="reason", label="The reason", limit=NOTE_MAX_LENGTH)
    if not reason:
        raise ValidationError({"reason": "Say what the corrected version changes."})
    _transition(breach, "start_new_version", "start a corrected version")
    save_with_history(breach, by=by, reason="Corrected version started")
    _step(breach, Step.NEW_VERSION, by=by, pack=current_pack(breach), note=reason)
    return breach


def _pack_for_court_user(by: User, pack: BreachPack) -> BreachPack:
    pack = (
        BreachPack.objects.select_for_update(of=("self",))
        .select_related("breach__case__provider", "court")
        .get(pk=pack.pk)
    )
    if pack.sent_to_court_at is None or not rules.is_court_user_for(by, pack.court_id):
        raise ValidationError("Only a court user of the court the pack was sent to can do this.")
    return pack


@transaction.atomic
def court_acknowledge(*, by: User, pack: BreachPack) -> BreachPack:
    """A court user acknowledges receiving the pack (once: acknowledging again keeps the first)."""
    pack = _pack_for_court_user(by, pack)
    if pack.acknowledged_at is not None:
        return pack
    if pack.breach.status == Status.WITHDRAWN:
        raise ValidationError("The breach was withdrawn, so there is nothing to acknowledge.")
    pack.acknowledged_by = by
    pack.acknowledged_at = timezone.now()
    save_with_history(pack, by=by, reason="Acknowledged by the court")
    _step(pack.breach, Step.COURT_ACKNOWLEDGED, by=by, pack=pack)
    return pack


@transaction.atomic
def court_request_information(*, by: User, pack: BreachPack, message: str) -> CourtInformationRequest:
    """The court cannot use the pack as sent and asks for more (counts against CRC SL016). Only on the version at
    court now, while the breach is there."""
    pack = _pack_for_court_user(by, pack)
    message = _clean_text(message, field="message", label="The message", limit=NOTE_MAX_LENGTH)
    if not message:
        raise ValidationError({"message": "Say what more information the court needs."})
    if pack.superseded_at is not None:
        raise ValidationError("A later version of this pack was sent: ask about that one.")
    if pack.breach.status != Status.SENT_TO_COURT:
        raise ValidationError(
            f"The breach is no longer waiting at court ({_lower_first(Status(pack.breach.status).label)}), so there is "
            "nothing to ask."
        )
    request = CourtInformationRequest(
        pack=pack, court=pack.court, message=message, requested_by=by, requested_at=timezone.now()
    )
    save_with_history(request, by=by, reason="More information requested by the court")
    _step(pack.breach, Step.COURT_REQUESTED_MORE, by=by, pack=pack, note=message)
    return request


@transaction.atomic
def breach_record_outcome(*, by: User, breach: Breach, hearing_on: date, outcome: str, details: str = "") -> Breach:
    """The hearing's date and outcome (order continues, amended, revoked and re-sentenced, fine, no action, or
    withdrawn at court). Recorded by the case's officer or manager, or for a CRC's case by the NPS."""
    breach = _locked(breach)
    if not (
        rules.can_prepare_breach(by, breach.case)
        or (is_crc_case(breach) and rules.is_nps_court_staff_for(by, breach.case))
    ):
        raise ValidationError(
            "Only the case's officer or manager (or for a CRC's case the NPS) can record the outcome."
        )
    if breach.status != Status.SENT_TO_COURT:
        raise _refuse_step(breach, "record the court's outcome")
    errors = {}
    if outcome not in HearingOutcome.values:
        errors["outcome"] = "Choose the court's outcome."
    sent = breach.packs.filter(sent_to_court_at__isnull=False).order_by("sent_to_court_at").first()
    first_sent_on = timezone.localdate(sent.sent_to_court_at) if sent else breach.aware_on
    if hearing_on is None:
        errors["hearing_on"] = "Enter the date of the hearing."
    else:
        try:
            _check_day(
                hearing_on,
                field="hearing_on",
                label="The date of the hearing",
                not_before=first_sent_on,
                not_before_label="the pack was sent to court",
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    try:
        details = _clean_text(details, field="details", label="The details", limit=NOTE_MAX_LENGTH)
    except ValidationError as error:
        errors.update(error.message_dict)
    if outcome == HearingOutcome.ORDER_AMENDED and not details:
        errors["details"] = "Say how the court amended the order."
    if errors:
        raise ValidationError(errors)
    breach.hearing_on = hearing_on
    breach.outcome = outcome
    breach.outcome_details = details
    _transition(breach, "record_outcome", "record the court's outcome")
    save_with_history(breach, by=by, reason=f"Court outcome: {HearingOutcome(outcome).label}")
    _step(breach, Step.OUTCOME, by=by, on=hearing_on, note=f"{HearingOutcome(outcome).label}. {details}".strip())
    return breach


@transaction.atomic
def breach_withdraw(*, by: User, breach: Breach, reason: str, on: date | None = None) -> Breach:
    """Withdraw the breach at any step before the court's outcome, with the reason; its clocks no longer apply."""
    breach = _locked(breach)
    if not rules.can_prepare_breach(by, breach.case):
        raise ValidationError("Only the responsible officer or a manager of the case's team can withdraw the breach.")
    if not breach.is_open:
        raise _refuse_step(breach, "withdraw the breach")
    reason = _clean_text(reason, field="reason", label="The reason", limit=NOTE_MAX_LENGTH)
    if not reason:
        raise ValidationError({"reason": "Say why the breach is withdrawn."})
    day, now = _when(breach, on)
    breach.withdrawn_reason = reason
    _transition(breach, "withdraw", "withdraw the breach")
    save_with_history(breach, by=by, reason="Breach withdrawn")
    _step(breach, Step.WITHDRAWN, by=by, on=day, at=now, note=reason)
    _publish(events.BREACH_WITHDRAWN, breach, on=day, by=by)
    return breach


def _preparer_of_current_version(breach: Breach) -> int | None:
    """Who prepared the breach's latest version: annotated by enforcement.selectors.breach.breaches_visible_to (no
    query), else read."""
    if hasattr(breach, "current_pack_prepared_by_id"):
        return breach.current_pack_prepared_by_id
    return breach.packs.order_by("-version").values_list("prepared_by_id", flat=True).first()


def steps_allowed(user: User, breach: Breach) -> list[str]:
    """The steps `user` may take on the breach now, by the names of the services above (for pages and the API)."""
    allowed = []
    prepare = rules.can_prepare_breach(user, breach.case)
    status = breach.status
    if status == Status.DRAFT and prepare:
        allowed += ["update_draft", "submit"]
    if status == Status.AWAITING_SIGN_OFF and rules.can_sign_off_breach(user, breach.case):
        allowed.append("return")
        if _preparer_of_current_version(breach) != user.pk:  # another manager signs off what one prepared
            allowed.insert(len(allowed) - 1, "sign_off")
    if status == Status.SIGNED_OFF and prepare and is_crc_case(breach):
        allowed.append("refer_to_nps")
    if status == Status.REFERRED_TO_NPS and rules.is_nps_court_staff_for(user, breach.case):
        allowed += ["nps_accept", "nps_request_more"]
    if (status == Status.SIGNED_OFF and not is_crc_case(breach) and prepare) or (
        status == Status.ACCEPTED_BY_NPS and rules.is_nps_court_staff_for(user, breach.case)
    ):
        allowed.append("send_to_court")
    if status == Status.SENT_TO_COURT:
        if prepare:
            allowed.append("start_new_version")
        if prepare or (is_crc_case(breach) and rules.is_nps_court_staff_for(user, breach.case)):
            allowed.append("record_outcome")
    if breach.is_open and prepare:
        allowed.append("withdraw")
    return allowed


# From which statuses each step can be taken, and who may take it (the words the services refuse with).
STEP_STATUSES = {
    "update_draft": (Status.DRAFT,),
    "submit": (Status.DRAFT,),
    "sign_off": (Status.AWAITING_SIGN_OFF,),
    "return": (Status.AWAITING_SIGN_OFF,),
    "refer_to_nps": (Status.SIGNED_OFF,),
    "nps_accept": (Status.REFERRED_TO_NPS,),
    "nps_request_more": (Status.REFERRED_TO_NPS,),
    "send_to_court": (Status.SIGNED_OFF, Status.ACCEPTED_BY_NPS),
    "start_new_version": (Status.SENT_TO_COURT,),
    "record_outcome": (Status.SENT_TO_COURT,),
    "withdraw": OPEN_BREACH_STATUSES,
}
STEP_ACTIONS = {
    "update_draft": "change the pack",
    "submit": "submit the pack",
    "sign_off": "sign off the pack",
    "return": "send the pack back",
    "refer_to_nps": "refer the breach to the NPS",
    "nps_accept": "accept the referral",
    "nps_request_more": "ask for more information",
    "send_to_court": "send the pack to court",
    "start_new_version": "start a corrected version",
    "record_outcome": "record the court's outcome",
    "withdraw": "withdraw the breach",
}
CASE_STAFF_ONLY = "Only the responsible officer or a manager of the case's team can do this."


def step_refusal(user: User, breach: Breach, step: str) -> str:
    """Why `user` cannot take `step` on the breach now ("" when they can): the breach's status, or who may."""
    if step in steps_allowed(user, breach):
        return ""
    if breach.status not in STEP_STATUSES[step]:
        return _refuse_step(breach, STEP_ACTIONS[step]).messages[0]
    crc = is_crc_case(breach)
    if step == "sign_off" and rules.can_sign_off_breach(user, breach.case):
        return "You prepared this version: another manager must sign it off."
    if step in ("sign_off", "return"):
        return "Only a manager of the case's team can sign off or send back a breach pack."
    if step in ("nps_accept", "nps_request_more"):
        return "Only NPS staff in the case's region can review a CRC's breach referral."
    if step == "refer_to_nps" and not crc:
        return "Only a CRC refers a breach to the NPS: this case's provider presents it to court."
    if step == "send_to_court" and crc:
        if breach.status == Status.SIGNED_OFF:
            return "A CRC's breach goes to the NPS first: refer it, and the NPS presents it to court."
        return "Only the NPS can present a CRC's breach to court."
    if step == "record_outcome" and crc:
        return "Only the case's officer or manager (or for a CRC's case the NPS) can record the outcome."
    return CASE_STAFF_ONLY
