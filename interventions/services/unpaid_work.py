"""Writes for unpaid work: projects, sessions, the NPS passing a requirement to the CRC, bookings and the
supervisor's register (issue 5, items 2 and 3; shared/DOMAIN.md section 3).

Rules held here (the database holds the arithmetic too, see interventions/models/unpaid_work.py):

- Credited minutes = the session's length less penalty minutes, only when the person attended; sent home,
  stood down (the service's failure, never the person's) and absences credit nothing. Penalty minutes cannot
  exceed the session.
- The hours credited on a requirement can never pass the hours ordered (a form error here, and the constraint
  requirement_unpaid_work_within_hours on cases.Requirement). A session that would pass them is refused whole,
  with what remains: the supervisor books the last hours on a shorter session.
- Education and training hours are capped at UNPAID_WORK_EDUCATION_TRAINING_PERCENT (default 30) per cent of the
  hours ordered, counted over attended education and training bookings.
- Unpaid work is delivered by a CRC or a YOT. An NPS case's requirement is passed to the CRC of its region
  (`unpaid_work_transfer`): this publishes events.UNPAID_WORK_WITH_CRC, which stops NPS SL007 (5 working days
  from allocation) and starts CRC SL005 (28 days) and SL006 (7 days). A CRC-allocated case has them started at
  allocation (cases.services.allocation). The first session booked for a requirement publishes
  events.UNPAID_WORK_ARRANGED, which stops CRC SL005 and SL006 (met or missed).

Who may do what is in interventions/rules.py. Every function takes the acting user (`by`) first, writes history
with that user, and raises django.core.exceptions.ValidationError with field messages, writing nothing, on bad
input.
"""

from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Provider, User
from cases import events
from cases.models import Case, OfficerAssignment, Requirement
from config.history import save_with_history
from interventions import rules
from interventions.formatting import hours_text
from interventions.models import (
    ProjectType,
    Rating,
    UnpaidWorkAttendance,
    UnpaidWorkProject,
    UnpaidWorkSession,
    UnpaidWorkTransfer,
)
from interventions.models.unpaid_work import SESSION_CAPACITY_RANGE

Status = UnpaidWorkAttendance.Status
NOTES_MAX_LENGTH = 10_000
# Fields of one person's row on the register (attendance_record's keyword arguments).
REGISTER_FIELDS = ("status", "penalty_minutes", "work_quality", "behaviour", "reason", "notes")


# Helpers -----------------------------------------------------------------------------------------------------


def education_training_cap_minutes(hours_ordered: int) -> int:
    """The most minutes of education and training that may be credited (a share of the hours ordered)."""
    return hours_ordered * 60 * settings.UNPAID_WORK_EDUCATION_TRAINING_PERCENT // 100


def completion_deadline(requirement: Requirement) -> date:
    """The day by which every hour must be worked: the requirement's start + UNPAID_WORK_COMPLETION_MONTHS."""
    return requirement.start_date + relativedelta(months=settings.UNPAID_WORK_COMPLETION_MONTHS)


def session_starts_at(session: UnpaidWorkSession) -> datetime:
    return timezone.make_aware(datetime.combine(session.session_date, session.start_time))


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _refuse(message: str, field: str = NON_FIELD_ERRORS):
    raise ValidationError({field: message})


def _text(value) -> str:
    return (value or "").strip()


def _provider_of(user: User | None) -> Provider | None:
    return user.team.provider if user is not None and getattr(user, "team_id", None) else None


# Projects ----------------------------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    by: User,
    provider: Provider,
    name: str,
    project_type: str,
    location: str,
    beneficiary: str = "",
    description: str = "",
) -> UnpaidWorkProject:
    """A new project of a CRC or YOT, created by one of its managers. Names are unique within the provider."""
    name, location, beneficiary, description = _text(name), _text(location), _text(beneficiary), _text(description)
    if provider.provider_type not in rules.DELIVERING_PROVIDER_TYPES:
        _refuse(
            f"{provider.name} does not run unpaid work: projects belong to the CRC or the youth offending team "
            "that delivers the work."
        )
    if not provider.active:
        _refuse(f"{provider.name} is no longer active: projects cannot be added to it.")
    if not rules.can_manage_unpaid_work(by, provider.pk):
        _refuse(f"Only a manager of {provider.name} can add unpaid work projects.")
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the name of the project."
    elif len(name) > 150:
        errors["name"] = "The name must be 150 characters or fewer."
    elif UnpaidWorkProject.objects.filter(provider=provider, name__iexact=name).exists():
        errors["name"] = f"{provider.name} already has a project called \u201c{name}\u201d: choose another name."
    if project_type not in ProjectType.values:
        errors["project_type"] = "Choose the type of project."
    if not location:
        errors["location"] = "Enter where the work happens: an address or meeting point."
    elif len(location) > 200:
        errors["location"] = "The location must be 200 characters or fewer."
    if len(beneficiary) > 150:
        errors["beneficiary"] = "Who benefits must be 150 characters or fewer."
    if len(description) > NOTES_MAX_LENGTH:
        errors["description"] = f"The description must be {NOTES_MAX_LENGTH:,} characters or fewer."
    if errors:
        raise ValidationError(errors)
    project = UnpaidWorkProject(
        provider=provider,
        name=name,
        project_type=project_type,
        location=location,
        beneficiary=beneficiary,
        description=description,
    )
    return save_with_history(project, by=by, reason="Project added")


# Sessions ----------------------------------------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    by: User,
    project: UnpaidWorkProject,
    session_date: date,
    start_time: time,
    end_time: time,
    capacity: int,
    supervisor: User | None = None,
    on: date | None = None,
) -> UnpaidWorkSession:
    """A session of work on an active project, from the day it is added (`on`, default today; never in the
    future) up to a year ahead, by staff of the project's provider's unpaid work. The supervisor, when given,
    must be active staff of that provider."""
    project = UnpaidWorkProject.objects.select_related("provider").get(pk=project.pk)
    provider = project.provider
    if not rules.works_in_unpaid_work_of(by, provider.pk):
        _refuse(f"Only staff of {provider.name}'s unpaid work can add its sessions.")
    if not project.active:
        _refuse(f"{project.name} is closed: choose an active project.", "project")
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if on is not None and on > today:
        _refuse("The day the session is added cannot be in the future.", "on")
    today = on or today
    if session_date is None:
        errors["session_date"] = "Enter the date of the session."
    elif session_date < today:
        errors["session_date"] = "A session cannot be in the past: enter today or a later date."
    elif session_date > today + relativedelta(years=1):
        errors["session_date"] = "A session cannot be more than a year ahead."
    if start_time is None:
        errors["start_time"] = "Enter the start time."
    if end_time is None:
        errors["end_time"] = "Enter the end time."
    elif start_time is not None and end_time <= start_time:
        errors["end_time"] = "The session must end after it starts."
    low, high = SESSION_CAPACITY_RANGE
    if capacity is None or not low <= capacity <= high:
        errors["capacity"] = f"A session has between {low} and {high} places."
    if supervisor is not None and not rules.works_in_unpaid_work_of(supervisor, provider.pk):
        errors["supervisor"] = (
            f"{_name(supervisor)} is not active staff of {provider.name}: choose a supervisor who works there."
        )
    if errors:
        raise ValidationError(errors)
    session = UnpaidWorkSession(
        project=project,
        session_date=session_date,
        start_time=start_time,
        end_time=end_time,
        capacity=capacity,
        supervisor=supervisor,
        created_by=by,
    )
    return save_with_history(session, by=by, reason="Session added")


@transaction.atomic
def session_cancel(*, by: User, session: UnpaidWorkSession, reason: str) -> UnpaidWorkSession:
    """The service cancels a session: everyone still booked is stood down with the reason (the service's
    failure, not theirs; it credits nothing and is counted in the managers' stood-down figures).

    Managers of the provider only; not once any outcome has been recorded on the register.
    """
    reason = _text(reason)
    session = (
        UnpaidWorkSession.objects.select_for_update(of=("self",)).select_related("project__provider").get(pk=session.pk)
    )
    provider = session.project.provider
    if not rules.can_manage_unpaid_work(by, provider.pk):
        _refuse(f"Only a manager of {provider.name} can cancel a session.")
    if session.status == UnpaidWorkSession.Status.CANCELLED:
        _refuse("This session is already cancelled.")
    attendances = list(session.attendances.select_for_update().exclude(status=Status.WITHDRAWN))
    recorded = [attendance for attendance in attendances if attendance.status != Status.BOOKED]
    if recorded:
        _refuse(
            f"Outcomes are already recorded for {len(recorded)} "
            f"{'person' if len(recorded) == 1 else 'people'} on this session: it cannot be cancelled. "
            "Record anyone else as stood down on the register instead."
        )
    if not reason:
        _refuse("Say why the session is cancelled: everyone booked is stood down with this reason.", "reason")
    if len(reason) > NOTES_MAX_LENGTH:
        _refuse(f"The reason must be {NOTES_MAX_LENGTH:,} characters or fewer.", "reason")
    session.status = UnpaidWorkSession.Status.CANCELLED
    session.cancelled_reason = reason
    save_with_history(session, by=by, reason="Session cancelled")
    now = timezone.now()
    for attendance in attendances:
        attendance.status = Status.STOOD_DOWN
        attendance.reason = f"Session cancelled: {reason}"
        attendance.scheduled_minutes = session.minutes
        attendance.outcome_recorded_by = by
        attendance.outcome_recorded_at = now
        save_with_history(attendance, by=by, reason="Stood down: session cancelled")
    return session


# The NPS passes the requirement to the CRC (NPS SL007) ---------------------------------------------------------


def _lock_requirement(requirement: Requirement) -> Requirement:
    return (
        Requirement.objects.select_for_update(of=("self",))
        .select_related("requirement_type", "sentence__case__provider__region", "sentence__case__person")
        .get(pk=requirement.pk)
    )


def crcs_for(case: Case):
    """The active CRCs of the case's provider's region: where an NPS case's unpaid work can go."""
    return Provider.objects.filter(
        region_id=case.provider.region_id, provider_type=Provider.ProviderType.CRC, active=True
    ).order_by("name")


def _with_provider_since(case: Case) -> date:
    """The day the provider now holding the case took it (its first assignment to that provider)."""
    assignments = OfficerAssignment.objects.filter(case=case, provider_id=case.provider_id).order_by("start_date")
    first = assignments.values_list("start_date", flat=True).first()
    return first or case.start_date


@transaction.atomic
def unpaid_work_transfer(
    *,
    by: User,
    requirement: Requirement,
    on: date | None = None,
    notes: str = "",
    to_provider: Provider | None = None,
) -> UnpaidWorkTransfer:
    """Pass an NPS case's unpaid work requirement to the CRC of the same region, which delivers all unpaid work.

    The CRC is the only active CRC of the region of the NPS division holding the case; where a region has more
    than one, `to_provider` names which (it must be one of them). By a manager or responsible officer of that
    NPS division, once the case is allocated; once per requirement. Publishes events.UNPAID_WORK_WITH_CRC on
    `on` (default today): NPS SL007 stops (met within 5 working days of allocation, else missed), and CRC
    SL005 (28 days) and SL006 (7 days) start.
    """
    today = timezone.localdate()
    on = on or today
    notes = _text(notes)
    requirement = _lock_requirement(requirement)
    case = requirement.sentence.case
    provider = case.provider
    if not requirement.requirement_type.is_unpaid_work:
        _refuse(f"Only an unpaid work requirement can be passed to the CRC: this is {requirement.requirement_type}.")
    existing = UnpaidWorkTransfer.objects.select_related("to_provider").filter(requirement=requirement).first()
    if existing is not None:
        _refuse(
            f"This requirement was already passed to {existing.to_provider.name} on "
            f"{existing.transferred_on:%-d %B %Y}."
        )
    if case.status == Case.Status.AWAITING_ALLOCATION or case.status == Case.Status.AWAITING_SENTENCE:
        _refuse("Allocate the case first: the requirement is passed to the CRC once the case is allocated.")
    if case.status != Case.Status.ACTIVE:
        _refuse(f"This case is {case.get_status_display().lower()}: only an active case's work can be passed on.")
    if requirement.status != Requirement.Status.ACTIVE:
        _refuse(f"This requirement is {requirement.get_status_display().lower()}: there is no work left to pass on.")
    if provider.provider_type != Provider.ProviderType.NPS_DIVISION:
        _refuse(
            f"{provider.name} ({provider.get_provider_type_display()}) delivers its own unpaid work: only an NPS "
            "case's requirement is passed to the CRC."
        )
    if not (rules.can_do_case_work(by) and by.team.provider_id == provider.pk):
        _refuse(f"Only a manager or officer of {provider.name} can pass this requirement to the CRC.")
    crcs = list(crcs_for(case))
    if not crcs:
        _refuse(
            f"There is no active CRC in {provider.region} to deliver the unpaid work. Ask an administrator to "
            "set one up."
        )
    if to_provider is None:
        if len(crcs) > 1:
            names = ", ".join(crc.name for crc in crcs)
            _refuse(f"Choose which CRC delivers the work: {provider.region} has {len(crcs)} ({names}).", "to_provider")
        to_provider = crcs[0]
    elif to_provider.pk not in {crc.pk for crc in crcs}:
        _refuse(f"{to_provider.name} is not an active CRC in {provider.region}: choose one that is.", "to_provider")
    if on > today:
        _refuse("The date cannot be in the future.", "on")
    since = _with_provider_since(case)
    if on < since:
        _refuse(f"The date cannot be before {provider.name} took the case ({since:%-d %B %Y}).", "on")
    if len(notes) > NOTES_MAX_LENGTH:
        _refuse(f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer.", "notes")
    transfer = UnpaidWorkTransfer(
        requirement=requirement,
        from_provider=provider,
        to_provider=to_provider,
        transferred_on=on,
        notes=notes,
        transferred_by=by,
    )
    save_with_history(transfer, by=by, reason=f"Unpaid work passed to {to_provider.name}")
    events.publish(
        events.UNPAID_WORK_WITH_CRC,
        case=case,
        subject=f"requirement:{requirement.pk}",
        on=on,
        by=by,
        disposal=requirement.sentence.disposal,
    )
    return transfer


# Bookings ----------------------------------------------------------------------------------------------------


def _requirement_for_booking(requirement: Requirement) -> Requirement:
    return Requirement.objects.select_related(
        "requirement_type", "sentence__case__person", "sentence__case__provider", "unpaid_work_transfer"
    ).get(pk=requirement.pk)


@transaction.atomic
def attendance_book(
    *, by: User, session: UnpaidWorkSession, requirement: Requirement, on: date | None = None
) -> UnpaidWorkAttendance:
    """Book a person (their unpaid work requirement) on a session of the provider delivering their work.

    Refusals: not an active unpaid work requirement on an active case; an NPS requirement not yet passed to the
    CRC; a session of another provider; `by` not in that provider's unpaid work; the session cancelled, on an
    earlier day, on a closed project or full (places taken: bookings not withdrawn, counted under a lock on
    the session); the person already on it; every hour already credited. An education and training project's
    booking is marked as such (its hours are capped). `on` is the day of booking (default today; not in the
    future, nor before the requirement reached the CRC); the requirement's first booking publishes
    events.UNPAID_WORK_ARRANGED on that day, stopping CRC SL005 and SL006.
    """
    session = (
        UnpaidWorkSession.objects.select_for_update(of=("self",)).select_related("project__provider").get(pk=session.pk)
    )
    requirement = _requirement_for_booking(requirement)
    case = requirement.sentence.case
    person = case.person
    project = session.project
    provider = project.provider
    if not requirement.requirement_type.is_unpaid_work:
        _refuse(f"Only an unpaid work requirement can be booked on a session: this is {requirement.requirement_type}.")
    if requirement.status != Requirement.Status.ACTIVE:
        _refuse(f"This requirement is {requirement.get_status_display().lower()}: it cannot be booked on sessions.")
    if case.status != Case.Status.ACTIVE:
        _refuse(f"This case is {case.get_status_display().lower()}: only an active case's work can be booked.")
    delivering = rules.delivering_provider_id(requirement)
    if delivering == case.provider_id and case.provider.provider_type not in rules.DELIVERING_PROVIDER_TYPES:
        _refuse("Pass the unpaid work requirement to the CRC first: the CRC books and runs the sessions.")
    if delivering != provider.pk:
        _refuse(
            f"This session is run by {provider.name}, which does not deliver {person.full_name}'s unpaid work: "
            "choose a session of the provider that does.",
            "session",
        )
    if not rules.works_in_unpaid_work_of(by, provider.pk):
        _refuse(f"Only staff of {provider.name}'s unpaid work can book its sessions.")
    today = timezone.localdate()
    if on is not None:
        if on > today:
            _refuse("The day of booking cannot be in the future.", "on")
        transferred_on = (
            UnpaidWorkTransfer.objects.filter(requirement=requirement).values_list("transferred_on", flat=True).first()
        )
        if transferred_on is not None and on < transferred_on:
            _refuse(
                f"The requirement reached {provider.name} on {transferred_on:%-d %B %Y}: the day of booking "
                "cannot be earlier.",
                "on",
            )
        today = on
    if session.status == UnpaidWorkSession.Status.CANCELLED:
        _refuse("This session was cancelled: choose another session.", "session")
    if session.session_date < today:
        _refuse("This session has already happened: choose a session today or later.", "session")
    if not project.active:
        _refuse(f"{project.name} is closed: choose a session of an active project.", "session")
    if session.session_date < requirement.start_date:
        _refuse(
            f"The requirement starts on {requirement.start_date:%-d %B %Y}: choose a session on or after that day.",
            "session",
        )
    if requirement.unpaid_work_minutes_credited >= (requirement.hours or 0) * 60:
        _refuse(f"All {requirement.hours} hours ordered are already credited: there is nothing left to book.")
    bookings = session.attendances.exclude(status=Status.WITHDRAWN)
    if bookings.filter(requirement=requirement).exists():
        _refuse(f"{person.full_name} is already booked on this session.", "session")
    taken = bookings.count()
    if taken >= session.capacity:
        _refuse(f"This session is full ({taken} of {session.capacity} places taken): choose another.", "session")
    first = not UnpaidWorkAttendance.objects.filter(requirement=requirement).exists()
    attendance = UnpaidWorkAttendance(
        session=session,
        requirement=requirement,
        is_education_training=project.project_type == ProjectType.EDUCATION_TRAINING,
        scheduled_minutes=session.minutes,
        booked_by=by,
    )
    save_with_history(attendance, by=by, reason="Booked on a session")
    if first:
        events.publish(
            events.UNPAID_WORK_ARRANGED,
            case=case,
            subject=f"requirement:{requirement.pk}",
            on=today,
            by=by,
            disposal=requirement.sentence.disposal,
        )
    return attendance


@transaction.atomic
def attendance_withdraw(*, by: User, attendance: UnpaidWorkAttendance, reason: str) -> UnpaidWorkAttendance:
    """Take a person off a session before it starts (the place is freed); the reason is kept in the notes."""
    reason = _text(reason)
    attendance = (
        UnpaidWorkAttendance.objects.select_for_update(of=("self",))
        .select_related("session__project__provider")
        .get(pk=attendance.pk)
    )
    session = attendance.session
    provider = session.project.provider
    if not rules.works_in_unpaid_work_of(by, provider.pk):
        _refuse(f"Only staff of {provider.name}'s unpaid work can change its bookings.")
    if attendance.status != Status.BOOKED:
        _refuse(f"Only a booking waiting for its session can be withdrawn: this one is {_status_label(attendance)}.")
    if session_starts_at(session) <= timezone.now():
        _refuse("The session has started: record what happened on the register instead.")
    if not reason:
        _refuse("Say why the person is taken off the session.", "reason")
    if len(reason) > NOTES_MAX_LENGTH:
        _refuse(f"The reason must be {NOTES_MAX_LENGTH:,} characters or fewer.", "reason")
    attendance.status = Status.WITHDRAWN
    line = f"Taken off the session: {reason}"
    attendance.notes = f"{attendance.notes}\n\n{line}" if attendance.notes else line
    return save_with_history(attendance, by=by, reason="Taken off the session")


def _status_label(attendance: UnpaidWorkAttendance) -> str:
    return str(Status(attendance.status).label).lower()


# The register --------------------------------------------------------------------------------------------------


def _lock_attendance(attendance_id: int) -> UnpaidWorkAttendance:
    return (
        UnpaidWorkAttendance.objects.select_for_update(of=("self",))
        .select_related("session__project__provider", "requirement__sentence__case__person")
        .get(pk=attendance_id)
    )


def _as_int(value, errors: dict, field: str, message: str) -> int | None:
    if value in (None, ""):
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = message
        return None
    if number < 0:
        errors[field] = message
        return None
    return number


def _record(
    *,
    by: User,
    attendance: UnpaidWorkAttendance,
    session: UnpaidWorkSession,
    status: str,
    penalty_minutes=0,
    work_quality: str = "",
    behaviour: str = "",
    reason: str = "",
    notes: str = "",
) -> dict[str, str]:
    """Check and save one outcome; return the errors by field ({} when saved). The caller holds the locks on the
    session and the attendance and the transaction; the requirement is locked here before its recount."""
    errors: dict[str, str] = {}
    work_quality, behaviour, reason, notes = _text(work_quality), _text(behaviour), _text(reason), _text(notes)
    requirement = attendance.requirement
    person = requirement.sentence.case.person
    provider = session.project.provider
    already = attendance.status in UnpaidWorkAttendance.OUTCOMES
    if attendance.status == Status.WITHDRAWN:
        return {"status": f"{person.full_name} was taken off this session: there is nothing to record."}
    if already and not rules.can_manage_unpaid_work(by, provider.pk):
        when = timezone.localtime(attendance.outcome_recorded_at)
        return {
            "status": f"An outcome is already recorded for {person.full_name} ({_status_label(attendance)}, on "
            f"{when:%-d %B %Y}). Only a manager of {provider.name} can correct it."
        }
    if session.session_date > timezone.localdate():
        return {"status": "The session has not happened yet: record the register on the day or later."}
    if requirement.status != Requirement.Status.ACTIVE:
        return {
            "status": f"{person.full_name}'s requirement is {requirement.get_status_display().lower()}: "
            "its hours can no longer change."
        }
    if status not in UnpaidWorkAttendance.OUTCOMES:
        errors["status"] = "Choose what happened: attended, sent home, stood down, acceptable or unacceptable absence."
    elif session.status == UnpaidWorkSession.Status.CANCELLED and status != Status.STOOD_DOWN:
        errors["status"] = "This session was cancelled: everyone booked on it was stood down."
    minutes = session.minutes
    penalty = _as_int(
        penalty_minutes, errors, "penalty_minutes", "Enter penalty minutes as a whole number, like 0 or 30."
    )
    attended = status == Status.ATTENDED
    if penalty is not None and "penalty_minutes" not in errors:
        if penalty > minutes:
            errors["penalty_minutes"] = (
                f"Penalty minutes cannot be more than the session's {minutes} minutes ({hours_text(minutes)})."
            )
        elif penalty and status in UnpaidWorkAttendance.OUTCOMES and not attended:
            errors["penalty_minutes"] = "Only someone who attended has penalty minutes: leave it at 0."
    for field, value, label in (("work_quality", work_quality, "work"), ("behaviour", behaviour, "behaviour")):
        if value and value not in Rating.values:
            errors[field] = f"Choose a rating for the {label} from the list."
        elif attended and not value:
            errors[field] = f"Rate the {label} of someone who attended."
    if status in UnpaidWorkAttendance.OUTCOMES and not attended and not reason:
        errors["reason"] = f"Say why: \u201c{Status(status).label}\u201d needs a reason."
    if len(reason) > NOTES_MAX_LENGTH:
        errors["reason"] = f"The reason must be {NOTES_MAX_LENGTH:,} characters or fewer."
    if len(notes) > NOTES_MAX_LENGTH:
        errors["notes"] = f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer."
    if errors:
        return errors

    credited = minutes - penalty if attended else 0
    requirement = Requirement.objects.select_for_update().get(pk=requirement.pk)
    others = UnpaidWorkAttendance.objects.filter(requirement=requirement).exclude(pk=attendance.pk)
    ordered = (requirement.hours or 0) * 60
    credited_elsewhere = others.aggregate(total=Sum("credited_minutes"))["total"] or 0
    if credited_elsewhere + credited > ordered:
        return {
            "status": f"This would credit {hours_text(credited)}, but only "
            f"{hours_text(max(ordered - credited_elsewhere, 0))} of the {requirement.hours} ordered remain."
        }
    if attendance.is_education_training and attended:
        cap = education_training_cap_minutes(requirement.hours or 0)
        used = (
            others.filter(is_education_training=True, status=Status.ATTENDED).aggregate(total=Sum("credited_minutes"))[
                "total"
            ]
            or 0
        )
        if used + credited > cap:
            return {
                "status": f"This would credit {hours_text(credited)} of education and training, but only "
                f"{hours_text(max(cap - used, 0))} of the {hours_text(cap)} allowed "
                f"({settings.UNPAID_WORK_EDUCATION_TRAINING_PERCENT}% of the hours ordered) remain."
            }

    attendance.status = status
    attendance.scheduled_minutes = minutes
    attendance.penalty_minutes = penalty if attended else 0
    attendance.credited_minutes = credited
    attendance.work_quality = work_quality
    attendance.behaviour = behaviour
    attendance.reason = reason
    if notes:
        attendance.notes = f"{attendance.notes}\n\n{notes}" if attendance.notes else notes
    attendance.outcome_recorded_by = by
    attendance.outcome_recorded_at = timezone.now()
    label = Status(status).label
    try:
        save_with_history(attendance, by=by, reason=f"Outcome corrected: {label}" if already else f"Outcome: {label}")
        _recount(requirement, by=by)
    except ValidationError as error:
        return _field_errors(error)
    # Enforcement records (or withdraws) a failure to comply for an enforceable outcome.
    events.publish(
        events.UNPAID_WORK_OUTCOME_RECORDED,
        case=requirement.sentence.case,
        subject=f"unpaid-work-attendance:{attendance.pk}",
        on=session.session_date,
        by=by,
        disposal=requirement.sentence.disposal,
    )
    return {}


def _field_errors(error: ValidationError) -> dict[str, str]:
    """A model or constraint error as {field: message}; model-wide messages go on the outcome ("status")."""
    if not hasattr(error, "error_dict"):
        return {"status": " ".join(error.messages)}
    result: dict[str, str] = {}
    for field, messages in error.message_dict.items():
        key = "status" if field == NON_FIELD_ERRORS or field not in REGISTER_FIELDS else field
        result[key] = " ".join([result[key], *messages]) if key in result else " ".join(messages)
    return result


def _recount(requirement: Requirement, *, by: User) -> None:
    """Recount the requirement's credited minutes from its bookings (the requirement is locked by the caller).
    The database refuses a total above the hours ordered (requirement_unpaid_work_within_hours)."""
    total = UnpaidWorkAttendance.objects.filter(requirement=requirement).aggregate(total=Sum("credited_minutes"))[
        "total"
    ]
    total = total or 0
    if total != requirement.unpaid_work_minutes_credited:
        requirement.unpaid_work_minutes_credited = total
        save_with_history(requirement, by=by, reason="Unpaid work hours recounted")


@transaction.atomic
def attendance_record(
    *,
    by: User,
    attendance: UnpaidWorkAttendance,
    status: str,
    penalty_minutes: int = 0,
    work_quality: str = "",
    behaviour: str = "",
    reason: str = "",
    notes: str = "",
) -> UnpaidWorkAttendance:
    """Record what happened to one person on a session, on the session's day or later.

    Outcomes: UnpaidWorkAttendance.OUTCOMES. Attended: credited the session's length less penalty minutes (which
    cannot exceed the session), with the work and behaviour rated. Any other outcome credits nothing and needs a
    reason. Then the requirement's credited minutes are recounted under a lock; a credit passing the hours
    ordered, or the education and training cap, is refused with what remains. By the session's supervisor or a
    manager of its provider (interventions.rules.can_record_register); an outcome already recorded is corrected
    by a manager only (the history keeps the earlier one).
    """
    attendance = _lock_attendance(attendance.pk)
    session = UnpaidWorkSession.objects.select_related("project__provider").get(pk=attendance.session_id)
    if not rules.can_record_register(by, session):
        _refuse(
            f"Only the session's supervisor or a manager of {session.project.provider.name} can record its register."
        )
    errors = _record(
        by=by,
        attendance=attendance,
        session=session,
        status=status,
        penalty_minutes=penalty_minutes,
        work_quality=work_quality,
        behaviour=behaviour,
        reason=reason,
        notes=notes,
    )
    if errors:
        raise ValidationError(errors)
    return attendance


def _unchanged(attendance: UnpaidWorkAttendance, entry: dict) -> bool:
    """An entry that repeats the outcome already recorded (the register shown again and saved)."""
    if attendance.status not in UnpaidWorkAttendance.OUTCOMES or _text(entry.get("notes")):
        return False
    try:
        penalty = int(entry.get("penalty_minutes") or 0)
    except (TypeError, ValueError):
        return False
    return (
        entry.get("status") == attendance.status
        and penalty == attendance.penalty_minutes
        and _text(entry.get("work_quality")) == attendance.work_quality
        and _text(entry.get("behaviour")) == attendance.behaviour
        and _text(entry.get("reason")) == attendance.reason
    )


def register_key(attendance_id, field: str) -> str:
    """How the register names one person's field in its errors: "attendance-<id>-<field>"."""
    return f"attendance-{attendance_id}-{field}"


@transaction.atomic
def register_record(*, by: User, session: UnpaidWorkSession, entries: list[dict]) -> list[UnpaidWorkAttendance]:
    """The supervisor's register for one session, saved whole or not at all.

    Each entry is {"attendance": <id>, "status": ..., and optionally "penalty_minutes", "work_quality",
    "behaviour", "reason", "notes"} with attendance_record's rules. An entry repeating an outcome already
    recorded changes nothing (so a register saved twice is not a correction). Any error refuses the whole
    register: ValidationError keyed per row ("attendance-<id>-penalty_minutes"), nothing saved. Returns the
    attendances recorded (or left unchanged), in the order given.
    """
    session = (
        UnpaidWorkSession.objects.select_for_update(of=("self",)).select_related("project__provider").get(pk=session.pk)
    )
    if not rules.can_record_register(by, session):
        _refuse(
            f"Only the session's supervisor or a manager of {session.project.provider.name} can record its register."
        )
    if session.status == UnpaidWorkSession.Status.CANCELLED:
        _refuse(f"This session was cancelled ({session.cancelled_reason}): everyone booked on it was stood down.")
    if not entries:
        _refuse("Record what happened for at least one person.")
    errors: dict[str, str] = {}
    seen: set[int] = set()
    recorded: list[UnpaidWorkAttendance] = []
    ids = []
    for entry in entries:
        try:
            ids.append(int(entry.get("attendance")))
        except (TypeError, ValueError):
            ids.append(None)
    on_session = {
        attendance.pk: attendance
        for attendance in UnpaidWorkAttendance.objects.select_for_update(of=("self",))
        .select_related("requirement__sentence__case__person")
        .filter(session=session, pk__in=[pk for pk in ids if pk is not None])
        .order_by("pk")
    }
    for attendance_id, entry in zip(ids, entries, strict=True):
        if attendance_id is None:
            errors[NON_FIELD_ERRORS] = "Each row of the register needs the booking's id."
            continue
        attendance = on_session.get(attendance_id)
        if attendance is None:
            errors[register_key(attendance_id, "status")] = "This person is not booked on this session."
            continue
        if attendance_id in seen:
            errors[register_key(attendance_id, "status")] = "This person appears twice on the register."
            continue
        seen.add(attendance_id)
        if _unchanged(attendance, entry):
            recorded.append(attendance)
            continue
        row_errors = _record(
            by=by,
            attendance=attendance,
            session=session,
            **{field: entry.get(field, 0 if field == "penalty_minutes" else "") for field in REGISTER_FIELDS},
        )
        for field, message in row_errors.items():
            errors[register_key(attendance_id, field)] = message
        recorded.append(attendance)
    if errors:
        raise ValidationError(errors)
    return recorded
