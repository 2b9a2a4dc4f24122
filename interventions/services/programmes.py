"""Writes for accredited programmes (issue 5, item 4; shared/DOMAIN.md section 3: "accredited programme (group
sessions; waiting lists)").

A guarded lifecycle for a person's referral (interventions.models.ProgrammeReferral), one function per step:

    referred --suitable--> waiting --allocate--> allocated --start--> started --complete--> completed
        \\--unsuitable--> unsuitable        (waiting, allocated, started) --not complete--> not_completed
    any open step (referred, waiting, allocated, started) --withdraw--> withdrawn

Each step refuses an illegal transition with a message naming where the referral is ("This referral is waiting
for a group: ..."). Step dates default to today; they cannot be in the future nor before the step before them.
When the person is found unsuitable or does not complete, the requirement is still owed to the court: the case
shows "programme requirement outstanding: no alternative plan" (interventions.selectors.programmes
.needs_alternative_plan) until the officer records one (programme_alternative_plan_record) or a new referral
is made.

Who: case work (interventions.rules.can_do_case_work: responsible officers, managers, administrators with a team)
on a case the user can see (cases.selectors.cases_visible_to); a referral or requirement on any other case is
"not found" (Http404). Groups are set up by managers (and administrators with a team) of the provider running
them. Every write records the acting user (config.history.save_with_history) and raises ValidationError with field
messages, writing nothing, when a rule is not met.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import Provider, User
from cases.models import Case, Requirement
from cases.selectors import cases_visible_to
from config.history import save_with_history
from interventions.models import (
    NonCompletionReason,
    Programme,
    ProgrammeGroup,
    ProgrammeReferral,
    ProgrammeSessionAttendance,
)
from interventions.rules import MANAGING_ROLES, can_do_case_work

Status = ProgrammeReferral.Status

NOTES_MAX_LENGTH = 10_000
GROUP_NAME_MAX_LENGTH = 150
GROUP_LOCATION_MAX_LENGTH = 200
GROUP_CAPACITY_MIN, GROUP_CAPACITY_MAX = 1, 20
# How far ahead a group can be planned.
GROUP_START_MAX_DAYS_AHEAD = 366
# Statuses of a group people can still be allocated to.
GROUP_OPEN_STATUSES = (ProgrammeGroup.Status.PLANNED, ProgrammeGroup.Status.RUNNING)
# Statuses that take a place in a group.
TAKING_A_PLACE = (Status.ALLOCATED, Status.STARTED)
# Steps after which the person may be recorded as not completing the programme.
NOT_COMPLETABLE_FROM = (Status.WAITING, Status.ALLOCATED, Status.STARTED)

NO_CASE_WORK = (
    "Only responsible officers and managers can refer people to programmes and record their progress: ask the "
    "case's responsible officer or their manager."
)

# Where a referral is, in words that follow "This referral is ...".
STATUS_PHRASES = {
    Status.REFERRED: "waiting for a suitability decision",
    Status.WAITING: "waiting for a group",
    Status.UNSUITABLE: "closed: the person was found not suitable",
    Status.ALLOCATED: "allocated to a group and waiting for the programme to start",
    Status.STARTED: "under way: the programme has started",
    Status.COMPLETED: "closed: the programme was completed",
    Status.NOT_COMPLETED: "closed: the person did not complete the programme",
    Status.WITHDRAWN: "closed: it was withdrawn",
}


def status_phrase(status: str) -> str:
    return STATUS_PHRASES.get(status, status)


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# Checks shared by the steps -----------------------------------------------------------------------------------


def _require_case_work(by: User) -> None:
    if not can_do_case_work(by):
        raise ValidationError({"referral": NO_CASE_WORK})


def _lock_requirement(by: User, requirement: Requirement) -> Requirement:
    """The requirement, locked and re-read, on a case `by` can see (else Http404)."""
    locked = (
        Requirement.objects.select_for_update(of=("self",))
        .select_related("requirement_type", "sentence__case")
        .filter(pk=requirement.pk, sentence__case__in=cases_visible_to(by).values("pk"))
        .first()
    )
    if locked is None:
        raise Http404("Not found")
    return locked


def _lock_referral(by: User, referral: ProgrammeReferral) -> ProgrammeReferral:
    """The referral, locked and re-read (so a step taken a moment ago is seen), on a case `by` can see."""
    _require_case_work(by)
    locked = (
        ProgrammeReferral.objects.select_for_update(of=("self",))
        .select_related("programme", "group", "requirement__requirement_type", "requirement__sentence__case__provider")
        .filter(pk=referral.pk, requirement__sentence__case__in=cases_visible_to(by).values("pk"))
        .first()
    )
    if locked is None:
        raise Http404("Not found")
    return locked


# Each step: the statuses it may be taken from, and the rule in words (after "This referral is ...: ").
SUITABILITY, ALLOCATE, START, SESSION, COMPLETE, NOT_COMPLETE, WITHDRAW, ALTERNATIVE_PLAN = (
    "suitability",
    "allocate",
    "start",
    "session",
    "complete",
    "not_completed",
    "withdraw",
    "alternative_plan",
)
STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    SUITABILITY: ((Status.REFERRED,), "a suitability decision is recorded once, on a new referral."),
    ALLOCATE: ((Status.WAITING,), "a person is allocated to a group only when they are suitable and waiting."),
    START: ((Status.ALLOCATED,), "the programme can start only for a person allocated to a group."),
    SESSION: ((Status.STARTED,), "sessions are recorded once the programme has started and until it ends."),
    COMPLETE: ((Status.STARTED,), "only a programme that has started can be completed."),
    NOT_COMPLETE: (
        NOT_COMPLETABLE_FROM,
        "a programme is recorded as not completed only after the person was found suitable and before it ends. "
        "To stop a referral still waiting for a decision, withdraw it.",
    ),
    WITHDRAW: (tuple(ProgrammeReferral.OPEN), "only an open referral can be withdrawn."),
    ALTERNATIVE_PLAN: (
        tuple(ProgrammeReferral.NEEDS_ALTERNATIVE),
        "an alternative plan is recorded only when the person was found not suitable or did not complete the "
        "programme.",
    ),
}


def step_refusal(referral: ProgrammeReferral, step: str) -> str:
    """Why `step` cannot be taken on the referral now ("" when its status allows it), in the words the services
    refuse with: "This referral is waiting for a group: ..."."""
    allowed, rule = STEPS[step]
    if referral.status in allowed:
        return ""
    return f"This referral is {status_phrase(referral.status)}: {rule}"


def _guard(referral: ProgrammeReferral, step: str) -> None:
    """Refuse a step the referral's status does not allow, saying where the referral is and what the rule is."""
    refusal = step_refusal(referral, step)
    if refusal:
        raise ValidationError({"status": refusal})


def _requirement_active(referral: ProgrammeReferral, what: str) -> None:
    requirement = referral.requirement
    if requirement.status != Requirement.Status.ACTIVE:
        ended = f" on {_day(requirement.ended_on)}" if requirement.ended_on else ""
        raise ValidationError(
            {"requirement": f"This requirement ended{ended} ({requirement.get_status_display().lower()}): {what}"}
        )


def _step_date(on: date | None, *, field: str, after: list[tuple[date | None, str]], errors: dict) -> date:
    """The date of a step: today when not given; not in the future; not before any of `after` (date, what)."""
    today = timezone.localdate()
    on = today if on is None else on
    if on > today:
        errors[field] = "The date cannot be in the future."
        return on
    for earlier, what in after:
        if earlier is not None and on < earlier:
            errors[field] = f"The date cannot be before {what} ({_day(earlier)})."
            break
    return on


def _last_session_date(referral: ProgrammeReferral) -> date | None:
    last = (
        ProgrammeSessionAttendance.objects.filter(referral=referral)
        .order_by("-session_date")
        .values_list("session_date", flat=True)
        .first()
    )
    return last


def _previous_steps(referral: ProgrammeReferral) -> list[tuple[date | None, str]]:
    """Every dated step so far, latest first, for "not before the previous step"."""
    steps = [
        (_last_session_date(referral), "the last session recorded"),
        (referral.started_on, "the programme started"),
        (referral.allocated_on, "the person was allocated to the group"),
        (referral.suitability_decided_on, "the suitability decision"),
        (referral.referred_on, "the referral"),
    ]
    return [(day, what) for day, what in steps if day is not None]


def _text(value, field: str, errors: dict, *, label: str = "Notes") -> str:
    value = (value or "").strip()
    if len(value) > NOTES_MAX_LENGTH:
        errors[field] = f"{label} must be {NOTES_MAX_LENGTH:,} characters or fewer."
    return value


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# Groups ---------------------------------------------------------------------------------------------------------


def manages_programmes_of(user: User | None, provider_id: int | None) -> bool:
    """Managers (and administrators with a team) of the provider set up its programme groups."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.team_id
        and user.role in MANAGING_ROLES
        and user.team.provider_id == provider_id
    )


@transaction.atomic
def programme_group_create(
    *,
    by: User,
    programme: Programme,
    provider: Provider,
    name: str,
    start_date: date,
    location: str,
    capacity: int,
    facilitator: User | None = None,
) -> ProgrammeGroup:
    """Set up a run of a programme by a provider: its name (unique in the provider), the day it starts (up to a
    year ahead), where it meets, how many places it has (1 to 20) and, optionally, its facilitator (an active
    member of the provider's staff). Only managers of the provider may."""
    if provider is None or not manages_programmes_of(by, provider.pk):
        name_of = provider.name if provider is not None else "the provider"
        raise ValidationError({"provider": f"Only managers of {name_of} can set up its programme groups."})
    errors: dict[str, str] = {}
    name = (name or "").strip()
    location = (location or "").strip()
    if programme is None:
        errors["programme"] = "Choose the programme the group runs."
    elif not programme.active:
        errors["programme"] = f"{programme.name} is no longer offered: choose another programme."
    if not name:
        errors["name"] = "Enter a name for the group, for example \u2018TSP Tuesday evenings\u2019."
    elif len(name) > GROUP_NAME_MAX_LENGTH:
        errors["name"] = f"The name must be {GROUP_NAME_MAX_LENGTH} characters or fewer."
    elif ProgrammeGroup.objects.filter(provider=provider, name__iexact=name).exists():
        errors["name"] = f"{provider.name} already has a group called \u2018{name}\u2019: choose another name."
    today = timezone.localdate()
    if start_date is None:
        errors["start_date"] = "Enter the date the group starts."
    elif start_date > today + timedelta(days=GROUP_START_MAX_DAYS_AHEAD):
        errors["start_date"] = "A group cannot be set up more than a year before it starts."
    if not location:
        errors["location"] = "Enter where the group meets."
    elif len(location) > GROUP_LOCATION_MAX_LENGTH:
        errors["location"] = f"The location must be {GROUP_LOCATION_MAX_LENGTH} characters or fewer."
    if capacity is None or isinstance(capacity, bool) or not isinstance(capacity, int):
        errors["capacity"] = "Enter the number of places as a whole number, like 10."
    elif not GROUP_CAPACITY_MIN <= capacity <= GROUP_CAPACITY_MAX:
        errors["capacity"] = f"A group has between {GROUP_CAPACITY_MIN} and {GROUP_CAPACITY_MAX} places."
    if facilitator is not None and not (
        facilitator.is_active
        and facilitator.role in User.TEAM_ROLES + (User.Role.ADMINISTRATOR,)
        and facilitator.team_id
        and facilitator.team.provider_id == provider.pk
    ):
        errors["facilitator"] = (
            f"{facilitator.get_full_name() or facilitator.username} is not an active member of staff of "
            f"{provider.name}: choose someone who is."
        )
    _raise(errors)
    group = ProgrammeGroup(
        programme=programme,
        provider=provider,
        name=name,
        start_date=start_date,
        location=location,
        capacity=capacity,
        facilitator=facilitator,
        created_by=by,
    )
    return save_with_history(group, by=by, reason="Programme group set up")


# Referral -------------------------------------------------------------------------------------------------------


@transaction.atomic
def programme_refer(
    *, by: User, requirement: Requirement, programme: Programme, referred_on: date | None = None
) -> ProgrammeReferral:
    """Refer the person to an accredited programme for an accredited programme requirement.

    The requirement must be an accredited programme requirement (requirement_type.is_accredited_programme),
    active, on an open case `by` can see (else Http404); the programme must still be offered; the requirement
    must have no open referral (one open referral per requirement: a database constraint too). The referral date
    is today or earlier, not before the requirement started, and not before the previous referral ended (so the
    latest referral is always the one that decides "no alternative plan").
    """
    _require_case_work(by)
    requirement = _lock_requirement(by, requirement)
    if not requirement.requirement_type.is_accredited_programme:
        raise ValidationError(
            {
                "requirement": f"This is not an accredited programme requirement "
                f"({requirement.requirement_type.name.lower()}): only those are referred to a programme."
            }
        )
    if requirement.status != Requirement.Status.ACTIVE:
        raise ValidationError(
            {
                "requirement": f"This requirement has ended ({requirement.get_status_display().lower()}): a "
                "referral can only be made for an active requirement."
            }
        )
    case = requirement.sentence.case
    if case.status not in Case.OPEN_STATUSES:
        raise ValidationError({"requirement": "This case has ended: a referral can only be made on an open case."})
    errors: dict[str, str] = {}
    if programme is None:
        errors["programme"] = "Choose the programme."
    elif not programme.active:
        errors["programme"] = f"{programme.name} is no longer offered: choose another programme."
    previous = list(
        ProgrammeReferral.objects.filter(requirement=requirement)
        .select_related("programme")
        .order_by("-referred_on", "-pk")
    )
    open_referral = next((item for item in previous if item.status in ProgrammeReferral.OPEN), None)
    if open_referral is not None:
        raise ValidationError(
            {
                "requirement": f"This requirement already has an open referral to {open_referral.programme.name} "
                f"(referred on {_day(open_referral.referred_on)}; {status_phrase(open_referral.status)}). Withdraw "
                "it, or record how it ended, before making a new one."
            }
        )
    latest = previous[0] if previous else None
    after = [(requirement.start_date, "the requirement started")]
    if latest is not None:
        after.insert(0, (latest.ended_on or latest.referred_on, "the previous referral ended"))
    referred_on = _step_date(referred_on, field="referred_on", after=after, errors=errors)
    _raise(errors)
    referral = ProgrammeReferral(
        requirement=requirement, programme=programme, referred_on=referred_on, referred_by=by, status=Status.REFERRED
    )
    return save_with_history(referral, by=by, reason=f"Referred to {programme.name}")


@transaction.atomic
def programme_suitability_decide(
    *, by: User, referral: ProgrammeReferral, suitable: bool, notes: str = "", on: date | None = None
) -> ProgrammeReferral:
    """Record whether the person is suitable: suitable puts them on the waiting list (waiting for a group); not
    suitable closes the referral and needs the reason. Only on a new referral (status referred)."""
    referral = _lock_referral(by, referral)
    _guard(referral, SUITABILITY)
    _requirement_active(referral, "a suitability decision is no longer needed.")
    errors: dict[str, str] = {}
    notes = _text(notes, "notes", errors)
    if suitable not in (True, False):
        errors["suitable"] = "Say whether the person is suitable for the programme: yes or no."
    elif suitable is False and not notes and "notes" not in errors:
        errors["notes"] = "Say why the person is not suitable."
    on = _step_date(on, field="on", after=[(referral.referred_on, "the referral")], errors=errors)
    _raise(errors)
    referral.suitability_decided_on = on
    referral.suitability_notes = notes
    if suitable:
        referral.status = Status.WAITING
        reason = "Suitable: waiting for a group"
    else:
        referral.status = Status.UNSUITABLE
        referral.ended_on = on
        reason = "Not suitable"
    return save_with_history(referral, by=by, reason=reason)


@transaction.atomic
def programme_allocate(
    *, by: User, referral: ProgrammeReferral, group: ProgrammeGroup, on: date | None = None
) -> ProgrammeReferral:
    """Allocate a person waiting for a group to a group of the same programme that is planned or running, run by a
    provider of the case's region, with a place free (its places taken are the open referrals allocated to it or
    started in it). The group row is locked while its places are counted, so two allocations cannot take its
    last place."""
    referral = _lock_referral(by, referral)
    _guard(referral, ALLOCATE)
    _requirement_active(referral, "the person can no longer be allocated to a group.")
    if group is None:
        raise ValidationError({"group": "Choose the group."})
    group = (
        ProgrammeGroup.objects.select_for_update(of=("self",))
        .select_related("programme", "provider")
        .filter(pk=group.pk)
        .first()
    )
    if group is None:
        raise ValidationError({"group": "Choose a group from the list."})
    errors: dict[str, str] = {}
    case = referral.requirement.sentence.case
    if group.programme_id != referral.programme_id:
        errors["group"] = f"{group.name} runs {group.programme.name}: choose a group of {referral.programme.name}."
    elif group.status not in GROUP_OPEN_STATUSES:
        errors["group"] = (
            f"{group.name} is {group.get_status_display().lower()}: choose a group that is planned or running."
        )
    elif group.provider.region_id != case.provider.region_id:
        errors["group"] = (
            f"{group.name} is run by {group.provider.name}, outside the case's region: choose another group."
        )
    else:
        taken = ProgrammeReferral.objects.filter(group=group, status__in=TAKING_A_PLACE).count()
        if taken >= group.capacity:
            errors["group"] = (
                f"{group.name} is full: {taken} of {_plural(group.capacity, 'place')} are taken. Choose another group."
            )
    on = _step_date(
        on, field="on", after=[(referral.suitability_decided_on, "the person was found suitable")], errors=errors
    )
    _raise(errors)
    referral.group = group
    referral.allocated_on = on
    referral.status = Status.ALLOCATED
    return save_with_history(referral, by=by, reason=f"Allocated to {group.name}")


@transaction.atomic
def programme_start(*, by: User, referral: ProgrammeReferral, on: date | None = None) -> ProgrammeReferral:
    """Record that the person started the programme in their group: not before the group's start date nor the
    allocation. A planned group becomes running when its first member starts."""
    referral = _lock_referral(by, referral)
    _guard(referral, START)
    _requirement_active(referral, "the programme can no longer start.")
    group = ProgrammeGroup.objects.select_for_update(of=("self",)).get(pk=referral.group_id)
    if group.status not in GROUP_OPEN_STATUSES:
        raise ValidationError(
            {
                "group": f"{group.name} is {group.get_status_display().lower()}: the programme cannot start in it. "
                "Withdraw this referral and make a new one."
            }
        )
    errors: dict[str, str] = {}
    on = _step_date(
        on,
        field="on",
        after=[
            (group.start_date, f"{group.name} starts"),
            (referral.allocated_on, "the person was allocated to the group"),
        ],
        errors=errors,
    )
    _raise(errors)
    referral.started_on = on
    referral.status = Status.STARTED
    save_with_history(referral, by=by, reason="Programme started")
    if group.status == ProgrammeGroup.Status.PLANNED:
        group.status = ProgrammeGroup.Status.RUNNING
        save_with_history(group, by=by, reason="Group running: its first member started")
    return referral


@transaction.atomic
def programme_session_record(
    *,
    by: User,
    referral: ProgrammeReferral,
    session_number: int,
    session_date: date,
    attended: bool,
    notes: str = "",
) -> ProgrammeSessionAttendance:
    """Record one session of the programme for the person (attended or missed), once the programme has started
    and before it ends. Sessions are numbered 1 to the programme's number of sessions, each recorded once; the
    date is not in the future nor before the programme started."""
    referral = _lock_referral(by, referral)
    _guard(referral, SESSION)
    programme = referral.programme
    errors: dict[str, str] = {}
    notes = _text(notes, "notes", errors)
    if session_number is None or isinstance(session_number, bool) or not isinstance(session_number, int):
        errors["session_number"] = "Enter the session number as a whole number, like 3."
    elif not 1 <= session_number <= programme.sessions:
        errors["session_number"] = (
            f"{programme.name} has {_plural(programme.sessions, 'session')}: enter a session number from 1 to "
            f"{programme.sessions}."
        )
    else:
        existing = ProgrammeSessionAttendance.objects.filter(referral=referral, session_number=session_number).first()
        if existing is not None:
            what = "attended" if existing.attended else "missed"
            errors["session_number"] = (
                f"Session {session_number} is already recorded ({what} on {_day(existing.session_date)})."
            )
    if attended not in (True, False):
        errors["attended"] = "Say whether the person attended the session: yes or no."
    if session_date is None:
        errors["session_date"] = "Enter the date of the session."
    else:
        _step_date(
            session_date, field="session_date", after=[(referral.started_on, "the programme started")], errors=errors
        )
    _raise(errors)
    attendance = ProgrammeSessionAttendance(
        referral=referral,
        session_number=session_number,
        session_date=session_date,
        attended=attended,
        notes=notes,
        recorded_by=by,
    )
    return save_with_history(
        attendance, by=by, reason=f"Session {session_number} {'attended' if attended else 'missed'}"
    )


def sessions_attended(referral: ProgrammeReferral) -> int:
    return ProgrammeSessionAttendance.objects.filter(referral=referral, attended=True).count()


@transaction.atomic
def programme_complete(*, by: User, referral: ProgrammeReferral, on: date | None = None) -> ProgrammeReferral:
    """Record that the person completed the programme: only once every session of the programme is recorded as
    attended. The date is not before the last session recorded."""
    referral = _lock_referral(by, referral)
    _guard(referral, COMPLETE)
    programme = referral.programme
    attended = sessions_attended(referral)
    if attended < programme.sessions:
        raise ValidationError(
            {
                "sessions": f"{attended} of {programme.sessions} sessions of {programme.name} are recorded as "
                "attended: a programme is completed only when every session has been attended. Record the "
                "sessions still to do, or record that the person did not complete the programme."
            }
        )
    errors: dict[str, str] = {}
    on = _step_date(on, field="on", after=_previous_steps(referral), errors=errors)
    _raise(errors)
    referral.status = Status.COMPLETED
    referral.ended_on = on
    return save_with_history(referral, by=by, reason="Programme completed")


@transaction.atomic
def programme_not_complete(
    *, by: User, referral: ProgrammeReferral, reason: str, details: str = "", on: date | None = None
) -> ProgrammeReferral:
    """Record that the person did not complete the programme (waiting for a group, allocated or started), with the
    reason (interventions.models.NonCompletionReason; "other" needs details). The requirement then shows
    "programme requirement outstanding: no alternative plan" until one is recorded."""
    referral = _lock_referral(by, referral)
    _guard(referral, NOT_COMPLETE)
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    details = _text(details, "details", errors, label="Details")
    if not reason:
        errors["reason"] = "Choose why the programme was not completed."
    elif reason not in NonCompletionReason.values:
        errors["reason"] = "Choose a reason from the list."
    elif reason == NonCompletionReason.OTHER and not details and "details" not in errors:
        errors["details"] = "Describe why the programme was not completed when the reason is \u201cOther\u201d."
    on = _step_date(on, field="on", after=_previous_steps(referral), errors=errors)
    _raise(errors)
    referral.status = Status.NOT_COMPLETED
    referral.ended_on = on
    referral.non_completion_reason = reason
    referral.non_completion_details = details
    return save_with_history(referral, by=by, reason=f"Not completed: {NonCompletionReason(reason).label}")


@transaction.atomic
def programme_withdraw(
    *, by: User, referral: ProgrammeReferral, reason: str, on: date | None = None
) -> ProgrammeReferral:
    """Withdraw an open referral (made in error, the order changed, another route chosen), saying why. The reason
    is kept in non_completion_details. A withdrawn referral does not flag "no alternative plan"."""
    referral = _lock_referral(by, referral)
    _guard(referral, WITHDRAW)
    errors: dict[str, str] = {}
    reason = _text(reason, "reason", errors, label="The reason")
    if not reason and "reason" not in errors:
        errors["reason"] = "Say why the referral is withdrawn."
    on = _step_date(on, field="on", after=_previous_steps(referral), errors=errors)
    _raise(errors)
    referral.status = Status.WITHDRAWN
    referral.ended_on = on
    referral.non_completion_details = reason
    return save_with_history(referral, by=by, reason="Referral withdrawn")


@transaction.atomic
def programme_alternative_plan_record(*, by: User, referral: ProgrammeReferral, plan: str) -> ProgrammeReferral:
    """Record how an accredited programme requirement will be met instead, after the person was found unsuitable
    or did not complete: this clears "programme requirement outstanding: no alternative plan". Dated today, by
    `by`; recording it again replaces the plan (the history keeps every version). Only on the requirement's latest
    referral, while the requirement is active."""
    referral = _lock_referral(by, referral)
    _guard(referral, ALTERNATIVE_PLAN)
    _requirement_active(referral, "no alternative plan is needed.")
    newer = (
        ProgrammeReferral.objects.filter(requirement_id=referral.requirement_id)
        .order_by("-referred_on", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if newer != referral.pk:
        raise ValidationError(
            {"referral": "A newer programme referral has been made for this requirement: record the plan on that one."}
        )
    errors: dict[str, str] = {}
    plan = _text(plan, "plan", errors, label="The alternative plan")
    if not plan and "plan" not in errors:
        errors["plan"] = "Enter the alternative plan: say how the requirement will be met instead."
    _raise(errors)
    replacing = bool(referral.alternative_plan)
    referral.alternative_plan = plan
    referral.alternative_plan_recorded_on = timezone.localdate()
    referral.alternative_plan_recorded_by = by
    return save_with_history(
        referral, by=by, reason="Alternative plan updated" if replacing else "Alternative plan recorded"
    )
