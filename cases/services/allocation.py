"""Allocation after sentence, and transfers between officers and providers (shared/DOMAIN.md section 1).

The allocation rule decides which kind of provider supervises a case:

- under 18 on the day -> the youth offending team (YOT), whatever the risk;
- otherwise high or very high risk of serious harm (RoSH level 3 or 4), or any open MAPPA registration
  -> the National Probation Service (NPS);
- otherwise -> a Community Rehabilitation Company (CRC);
- an adult with no current (completed) RoSH assessment cannot be allocated until one is recorded.

Sentencing leaves a case awaiting allocation with the allocating provider (the NPS division for adults, the
YOT for children); a manager of that provider allocates it to a team of the provider type the rule requires
(an NPS manager allocates low and medium risk adults to a CRC team), which stops NPS SL002. Every allocation
and transfer is kept as an OfficerAssignment with its reason and dates.

The current risk is read through risk.selectors (docs/decisions/0006, item 5), imported inside the function so
that no import cycle arises.
"""

from dataclasses import dataclass, replace
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Provider, Team, User
from cases import events
from cases.models import Case, ManagementOversightNote, OfficerAssignment, Person, Requirement, Sentence, age_on
from cases.rules import can_allocate_case, can_transfer_case
from cases.services.oversight import clean_oversight_note, oversight_note_add
from config.history import save_with_history

NPS = Provider.ProviderType.NPS_DIVISION
CRC = Provider.ProviderType.CRC
YOT = Provider.ProviderType.YOT

HIGH_ROSH = 3  # risk.models.RiskLevel.HIGH: high and very high go to the NPS

# How a provider type is named in a sentence ("must be supervised by ...").
PROVIDER_TYPE_NAMES = {
    NPS: "the National Probation Service",
    CRC: "a Community Rehabilitation Company",
    YOT: "the youth offending team",
}
# How the queue names where a case must go.
PROVIDER_TYPE_SHORT = {NPS: "NPS", CRC: "CRC", YOT: "YOT"}
ROSH_NAMES = {1: "low", 2: "medium", 3: "high", 4: "very high"}
BLOCKED_SHORT = "Blocked: no RoSH assessment"

# Why a case can move, for the transfer form (a new case after sentence is an allocation, not a transfer).
TRANSFER_REASONS = [choice for choice in OfficerAssignment.Reason.choices if choice[0] != "new_case"]


@dataclass(frozen=True)
class AllocationDecision:
    """Where the allocation rule sends a case: a provider type (or None when blocked), why, and what to do."""

    provider_type: str | None
    reason: str
    blocked: str = ""
    # High or very high risk of serious harm: allocating needs a management oversight note.
    high_risk: bool = False
    rosh_level: int | None = None  # the current RoSH level the rule read (None: never assessed)

    @property
    def is_blocked(self) -> bool:
        return bool(self.blocked)

    @property
    def short_label(self) -> str:
        """ "NPS", "CRC", "YOT" or "Blocked: no RoSH assessment" (the allocation queue's column)."""
        return BLOCKED_SHORT if self.is_blocked else PROVIDER_TYPE_SHORT[self.provider_type]

    @property
    def provider_type_name(self) -> str:
        return PROVIDER_TYPE_NAMES.get(self.provider_type, "")

    @property
    def rosh_level_name(self) -> str:
        """ "low" to "very high", or "" when never assessed."""
        return ROSH_NAMES.get(self.rosh_level, "")


def decide(
    *, name: str, date_of_birth: date, on: date, rosh_level: int | None, mappa_category: str | int | None
) -> AllocationDecision:
    """The allocation rule on already-read facts (no queries): see the module docstring."""
    decision = _decide(
        name=name, date_of_birth=date_of_birth, on=on, rosh_level=rosh_level, mappa_category=mappa_category
    )
    return replace(decision, high_risk=rosh_level is not None and rosh_level >= HIGH_ROSH, rosh_level=rosh_level)


def _decide(
    *, name: str, date_of_birth: date, on: date, rosh_level: int | None, mappa_category: str | int | None
) -> AllocationDecision:
    age = age_on(date_of_birth, on)
    if age < 18:
        return AllocationDecision(
            YOT,
            f"{name} is {age} on {on:%-d %B %Y}: children are supervised by the youth offending team, "
            "whatever the risk.",
        )
    if rosh_level is None:
        return AllocationDecision(
            None,
            f"{name} has no completed risk of serious harm assessment, so the provider cannot be decided.",
            blocked=f"Allocation is blocked: record a risk of serious harm assessment for {name} first.",
        )
    level = ROSH_NAMES.get(rosh_level, str(rosh_level))
    if rosh_level >= HIGH_ROSH:
        return AllocationDecision(
            NPS,
            f"The risk of serious harm is {level}: the National Probation Service supervises high and very high "
            "risk cases.",
        )
    if mappa_category is not None:
        return AllocationDecision(
            NPS,
            f"Managed under MAPPA (category {mappa_category}): the National Probation Service supervises "
            "everyone managed under MAPPA.",
        )
    return AllocationDecision(
        CRC,
        f"The risk of serious harm is {level} and there is no MAPPA registration: a Community Rehabilitation "
        "Company supervises the case.",
    )


def allocation_decision(*, person: Person, on: date | None = None) -> AllocationDecision:
    """The allocation rule for a person on a day (default today), reading their current risk in one query."""
    from risk.selectors import with_current_risk  # decision 0006, item 5: the one read of risk by cases

    on = on or timezone.localdate()
    risk = with_current_risk(Person.objects.filter(pk=person.pk)).values("rosh_level", "mappa_category").first() or {}
    return decide(
        name=person.full_name,
        date_of_birth=person.date_of_birth,
        on=on,
        rosh_level=risk.get("rosh_level"),
        mappa_category=risk.get("mappa_category"),
    )


def _refuse(message: str, field: str = NON_FIELD_ERRORS):
    raise ValidationError({field: message})


def _check_date(on: date, *, not_before: date | None, what: str, earliest_label: str) -> None:
    if on > timezone.localdate():
        _refuse(f"The {what} date cannot be in the future.")
    if not_before is not None and on < not_before:
        _refuse(f"The {what} date cannot be before {earliest_label} ({not_before:%-d %B %Y}).")


def _team_and_officer_errors(*, team: Team | None, responsible_officer: User | None) -> dict[str, str]:
    """Checks that do not depend on the rule: the team is active, the officer active, a responsible officer
    and a member of that team."""
    errors: dict[str, str] = {}
    if team is None:
        errors["team"] = "Choose a team."
    elif not team.active or not team.provider.active:
        errors["team"] = f"{team.name} is no longer an active team: choose another team."
    if responsible_officer is None:
        errors["responsible_officer"] = "Choose a responsible officer."
    elif not responsible_officer.is_active:
        errors["responsible_officer"] = f"{responsible_officer} no longer has an active account: choose someone else."
    elif responsible_officer.role != User.Role.RESPONSIBLE_OFFICER:
        errors["responsible_officer"] = (
            f"{responsible_officer} is not a responsible officer: only responsible officers hold cases."
        )
    elif team is not None and responsible_officer.team_id != team.pk:
        errors["responsible_officer"] = f"{responsible_officer} is not a member of {team.name}."
    return errors


def _rule_error(*, decision: AllocationDecision, team: Team) -> str:
    """Why the rule refuses this team ("" when it allows it)."""
    if decision.is_blocked:
        return decision.blocked
    if team.provider.provider_type != decision.provider_type:
        return (
            f"{team.name} is a team of {team.provider.name} ({team.provider.get_provider_type_display()}), but this "
            f"case must be supervised by {decision.provider_type_name}. {decision.reason}"
        )
    return ""


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("person", "provider__region").get(pk=case.pk)


def _open_assignment(case: Case) -> OfficerAssignment | None:
    return OfficerAssignment.objects.select_for_update().filter(case=case, end_date__isnull=True).first()


def _close(assignment: OfficerAssignment, *, on: date, by: User, reason: str) -> None:
    assignment.end_date = on
    save_with_history(assignment, by=by, reason=reason)


@transaction.atomic
def case_allocate(
    *,
    by: User,
    case: Case,
    team: Team | None,
    responsible_officer: User | None,
    on: date | None = None,
    oversight_note: str = "",
) -> Case:
    """Allocate a case waiting after sentence to a team and responsible officer.

    Refusals (nothing is written): the case is not waiting for allocation; `by` is not a manager of the case's
    provider; there is no current sentence; the rule is blocked (no RoSH assessment for an adult); the team is
    inactive, of the wrong provider type, or in another region; the officer is inactive, not a responsible
    officer, or not in that team. Publishes events.ALLOCATED (stops NPS SL002; opens the first appointment
    clock for community sentences).

    A high or very high risk of serious harm case needs the manager's management oversight note
    (`oversight_note`, shared/DOMAIN.md section 8), kept as a ManagementOversightNote; for other cases a note,
    when given, is kept too.
    """
    on = on or timezone.localdate()
    case = _lock(case)
    if case.status != Case.Status.AWAITING_ALLOCATION:
        _refuse(f"This case is not waiting for allocation: it is {case.get_status_display().lower()}.")
    if not can_allocate_case(by, case):
        _refuse(f"Only a manager of {case.provider.name} can allocate this case.")
    sentence = Sentence.objects.filter(case=case, status=Sentence.Status.CURRENT).first()
    if sentence is None:
        _refuse("Record the sentence first: a case is allocated after sentence.")
    _check_date(on, not_before=sentence.sentence_date, what="allocation", earliest_label="the day of sentence")
    decision = allocation_decision(person=case.person, on=on)
    if decision.is_blocked:
        _refuse(decision.blocked)

    errors = _team_and_officer_errors(team=team, responsible_officer=responsible_officer)
    if "team" not in errors:
        if rule_error := _rule_error(decision=decision, team=team):
            errors["team"] = rule_error
        elif team.provider.region_id != case.provider.region_id:
            errors["team"] = (
                f"{team.name} is in {team.provider.region}, not {case.provider.region}: allocate to a team in the "
                "region where the case was sentenced."
            )
    high_risk, note = decision.high_risk, ""
    if high_risk or (oversight_note or "").strip():
        try:
            note = clean_oversight_note(
                oversight_note, required_because="this case is high or very high risk of serious harm"
            )
        except ValidationError as error:
            errors.update({field: messages[0] for field, messages in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)

    existing = _open_assignment(case)
    if existing is not None:  # older data: close whatever was recorded before sentence
        _close(existing, on=max(on, existing.start_date), by=by, reason="Allocated after sentence")
    case.provider = team.provider
    case.team = team
    case.responsible_officer = responsible_officer
    case.status = Case.Status.ACTIVE
    save_with_history(case, by=by, reason="Allocated after sentence")
    assignment = OfficerAssignment(
        case=case,
        kind=OfficerAssignment.Kind.ALLOCATION,
        provider=team.provider,
        team=team,
        responsible_officer=responsible_officer,
        reason=OfficerAssignment.Reason.NEW_CASE,
        start_date=on,
        assigned_by=by,
    )
    save_with_history(assignment, by=by, reason="Allocated after sentence")
    if note:
        kinds = ManagementOversightNote.Kind
        oversight_note_add(
            by=by,
            case=case,
            note=note,
            kind=kinds.HIGH_RISK_ALLOCATION if high_risk else kinds.CASE_REVIEW,
            on=on,
            subject=f"sentence:{sentence.pk}",
            check_permission=False,
        )
    events.publish(
        events.ALLOCATED,
        case=case,
        subject=f"sentence:{sentence.pk}",
        on=on,
        by=by,
        disposal=sentence.disposal,
        in_custody=sentence.is_custodial and sentence.released_on is None,
    )
    _publish_unpaid_work_allocated(case=case, sentence=sentence, on=on, by=by)
    return case


def _publish_unpaid_work_allocated(*, case: Case, sentence: Sentence, on: date, by: User) -> None:
    """For each active unpaid work requirement: UNPAID_WORK_REQUIREMENT_ALLOCATED (NPS SL007 starts for an NPS
    case, which must pass the requirement to the CRC), and UNPAID_WORK_WITH_CRC when a CRC holds the case
    (CRC SL005 and SL006 start: the CRC arranges the work)."""
    requirements = Requirement.objects.filter(
        sentence=sentence, requirement_type__is_unpaid_work=True, status=Requirement.Status.ACTIVE
    ).values_list("pk", flat=True)
    for requirement_id in requirements:
        names = [events.UNPAID_WORK_REQUIREMENT_ALLOCATED]
        if case.provider.provider_type == Provider.ProviderType.CRC:
            names.append(events.UNPAID_WORK_WITH_CRC)
        for name in names:
            events.publish(
                name, case=case, subject=f"requirement:{requirement_id}", on=on, by=by, disposal=sentence.disposal
            )


@transaction.atomic
def case_transfer(
    *,
    by: User,
    case: Case,
    team: Team | None,
    responsible_officer: User | None,
    reason: str,
    reason_details: str = "",
    on: date | None = None,
) -> Case:
    """Move an active case to another officer, team or provider, keeping the history of who held it.

    Between officers of the same provider a transfer is always allowed. To another provider it must satisfy
    the allocation rule: a CRC case whose risk rose to high goes to the NPS; an NPS case cannot go to a CRC
    while its risk is high or it is managed under MAPPA; a child stays with the youth offending team.
    `by` must be a manager of the provider holding the case. The open assignment ends on `on` and a new one
    starts that day (a case with no assignment recorded, from older data, just gets the new one).
    Publishes events.TRANSFERRED (every transfer, between officers too): timeliness gives the case's open clocks
    the new provider's type and closes the alerts of people who no longer hold the case.
    """
    on = on or timezone.localdate()
    reason_details = (reason_details or "").strip()
    case = _lock(case)
    if case.status != Case.Status.ACTIVE:
        if case.status == Case.Status.AWAITING_ALLOCATION:
            _refuse("This case is waiting for allocation: allocate it instead of transferring it.")
        _refuse(f"Only an active case can be transferred: this case is {case.get_status_display().lower()}.")
    if not can_transfer_case(by, case):
        _refuse(f"Only a manager of {case.provider.name} can transfer this case.")
    current = _open_assignment(case)
    _check_date(
        on,
        not_before=current.start_date if current else case.start_date,
        what="transfer",
        earliest_label="the current officer took the case" if current else "the case started",
    )

    errors = _team_and_officer_errors(team=team, responsible_officer=responsible_officer)
    if reason not in OfficerAssignment.Reason.values or reason == OfficerAssignment.Reason.NEW_CASE:
        errors["reason"] = "Choose why the case is being transferred."
    elif reason == OfficerAssignment.Reason.OTHER and not reason_details:
        errors["reason_details"] = "Say why, when the reason is 'Other'."
    if "responsible_officer" not in errors and responsible_officer.pk == case.responsible_officer_id:
        errors["responsible_officer"] = f"{responsible_officer} already holds this case: choose a different officer."
    between_providers = "team" not in errors and team.provider_id != case.provider_id
    if between_providers:
        decision = allocation_decision(person=case.person, on=on)
        if rule_error := _rule_error(decision=decision, team=team):
            errors["team"] = rule_error
    if errors:
        raise ValidationError(errors)

    kind = (
        OfficerAssignment.Kind.TRANSFER_BETWEEN_PROVIDERS
        if between_providers
        else OfficerAssignment.Kind.TRANSFER_BETWEEN_OFFICERS
    )
    change = f"Transferred: {OfficerAssignment.Reason(reason).label}"
    if current is not None:
        _close(current, on=on, by=by, reason=change)
    case.provider = team.provider
    case.team = team
    case.responsible_officer = responsible_officer
    save_with_history(case, by=by, reason=change)
    assignment = OfficerAssignment(
        case=case,
        kind=kind,
        provider=team.provider,
        team=team,
        responsible_officer=responsible_officer,
        reason=reason,
        reason_details=reason_details,
        start_date=on,
        assigned_by=by,
    )
    save_with_history(assignment, by=by, reason=change)
    sentence = Sentence.objects.filter(case=case, status=Sentence.Status.CURRENT).first()
    events.publish(
        events.TRANSFERRED,
        case=case,
        subject=f"case:{case.pk}",
        on=on,
        by=by,
        disposal=sentence.disposal if sentence else "",
        in_custody=bool(sentence and sentence.is_custodial and sentence.released_on is None),
    )
    return case
