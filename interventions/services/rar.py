"""Writes for rehabilitation activity requirement (RAR) days (issue 5, item 1; shared/DOMAIN.md section 3).

The day rule: a RAR day is a calendar day (UK local date of the appointment) on which at least one attended,
complied RAR activity took place, however short. Two activities on the same day count once. This counts days,
not contacts, because the court orders a maximum number of days; the requirement page shows what each day held.

- `rar_activity_record` books the activity's appointment (cases.services.contacts.appointment_book) and marks
  it; an outcome given at once is recorded through cases.services.contacts.appointment_record_outcome, whose
  CONTACT_OUTCOME_RECORDED event makes interventions.receivers recount the days.
- `rar_activity_mark` marks an appointment already booked on the case.
- `rar_days_recount` recounts `Requirement.rar_days_delivered` and `last_rar_activity_on` from the activities.

The maximum: an activity on a new day (a date with no activity that counts or may still count) is refused once
the days delivered plus the other days booked without an outcome reach the court's maximum; a day beyond the
maximum is also refused when an outcome is recorded, and by the database (requirement_rar_days_within_maximum).
Every refusal is a ValidationError with a field message, and nothing is written.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Contact, ContactOutcome, NeedArea, PlanObjective, Requirement, Sentence
from cases.selectors import cases_visible_to
from cases.services import contacts as contact_services
from config.history import save_with_history
from interventions.models import RehabilitationActivity
from interventions.models.rar import ACTIVITY_MINUTES_RANGE, ActivityType
from interventions.rules import can_do_case_work
from interventions.selectors.rar import requirement_end_date

DESCRIPTION_MAX_LENGTH = 10_000
ORGANISATION_MAX_LENGTH = 150
# An activity counts towards a day once its appointment was attended and complied with.
COUNTS = Q(contact__outcome__attended=True, contact__outcome__complied=True)
# Activities that count or may still count: delivered, or booked and waiting for an outcome.
COUNTS_OR_MAY_COUNT = COUNTS | Q(contact__outcome__isnull=True)

# The error code of a recount that would pass the court's maximum (interventions.receivers refuses the outcome).
MAXIMUM_PASSED = "rar_maximum_passed"

NOT_ALLOWED = (
    "You cannot record rehabilitation activity on this case: only responsible officers and managers who can see "
    "the case can."
)


def _long_date(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _locked_requirement(requirement: Requirement) -> Requirement:
    """The requirement, locked and re-read with its type, order and case (all inner joins)."""
    return (
        Requirement.objects.select_for_update(of=("self",))
        .select_related("requirement_type", "sentence__case__provider", "sentence__case__responsible_officer")
        .get(pk=requirement.pk)
    )


def _check_requirement(*, by: User, requirement: Requirement, errors: dict) -> None:
    """The rules every RAR write shares: who may write, and a RAR requirement, active, on an open case."""
    case = requirement.sentence.case
    if not can_do_case_work(by) or not cases_visible_to(by).filter(pk=case.pk).exists():
        errors["requirement"] = NOT_ALLOWED
        return
    if not requirement.requirement_type.counts_as_rar:
        errors["requirement"] = (
            f"This requirement ({requirement.requirement_type.name}) is not a rehabilitation activity requirement: "
            "only a RAR counts activity days."
        )
    elif requirement.status != Requirement.Status.ACTIVE:
        errors["requirement"] = (
            f"This requirement is {requirement.get_status_display().lower()}: rehabilitation activity can only be "
            "added to an active requirement."
        )
    elif case.status == Case.Status.ENDED:
        errors["requirement"] = "This case has ended: rehabilitation activity can only be added to an open case."
    elif requirement.sentence.status != Sentence.Status.CURRENT:
        errors["requirement"] = (
            f"The order this requirement belongs to is {requirement.sentence.get_status_display().lower()}: "
            "rehabilitation activity can only be added under the current order."
        )


def rar_activity_refusal(*, by: User, requirement: Requirement) -> str | None:
    """Why `by` cannot add rehabilitation activity to this requirement now (for pages to refuse early), or None."""
    errors: dict[str, str] = {}
    _check_requirement(by=by, requirement=requirement, errors=errors)
    return errors.get("requirement")


def _check_date(*, requirement: Requirement, day: date, field: str, errors: dict) -> None:
    """The activity must fall within the requirement's dates (its start to its or the order's end)."""
    start, end = requirement.start_date, requirement_end_date(requirement)
    if day < start or (end is not None and day > end):
        period = f"from {_long_date(start)} to {_long_date(end)}" if end else f"from {_long_date(start)}"
        errors[field] = (
            f"{_long_date(day)} is outside the order's dates: this requirement runs {period}. "
            "Choose a date within that period."
        )


def _check_activity(
    *,
    requirement: Requirement,
    activity_type: str,
    need_area: str,
    plan_objective: PlanObjective | None,
    delivered_by: User | None,
    delivered_by_organisation: str,
    description: str,
    errors: dict,
) -> None:
    """What the activity was, what it serves and who delivered it."""
    case = requirement.sentence.case
    if activity_type not in ActivityType.values:
        errors["activity_type"] = "Choose the type of activity from the list."
    if need_area and need_area not in NeedArea.values:
        errors["need_area"] = "Choose a need area from the list."
    if plan_objective is not None and plan_objective.plan.case_id != case.pk:
        errors["plan_objective"] = "Choose an objective of this case's sentence plan."
    elif not need_area and plan_objective is None:
        errors["need_area"] = "Choose the need area or the plan objective the activity serves."
    if delivered_by is None and not delivered_by_organisation:
        errors["delivered_by"] = (
            "Say who delivered the activity: choose a member of staff, or enter the organisation that delivered it."
        )
    elif delivered_by is not None:
        name = delivered_by.get_full_name() or delivered_by.username
        if not delivered_by.is_active or delivered_by.role not in User.TEAM_ROLES:
            errors["delivered_by"] = f"{name} is not an active member of probation staff: choose someone who is."
        elif delivered_by.team is None or delivered_by.team.provider_id != case.provider_id:
            errors["delivered_by"] = (
                f"{name} does not work for {case.provider.name}: choose a member of its staff, or enter the "
                "organisation that delivered the activity."
            )
    if len(delivered_by_organisation) > ORGANISATION_MAX_LENGTH:
        errors["delivered_by_organisation"] = (
            f"The organisation's name must be {ORGANISATION_MAX_LENGTH} characters or fewer."
        )
    if len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = f"The description must be {DESCRIPTION_MAX_LENGTH:,} characters or fewer."


def _check_duration(duration_minutes: int | None, errors: dict, field: str = "duration_minutes") -> None:
    low, high = ACTIVITY_MINUTES_RANGE
    if duration_minutes is None or not low <= duration_minutes <= high:
        errors[field] = f"An activity lasts between {low} and {high} minutes (8 hours): enter its duration."


def _counts(outcome: ContactOutcome | None) -> bool:
    return bool(outcome is not None and outcome.attended and outcome.complied)


def _check_maximum(*, requirement: Requirement, day: date, field: str, errors: dict) -> None:
    """Refuse an activity on a new day once the days delivered and booked reach the court's maximum.

    Several activities on one day are fine: a day that already has an activity that counts, or may still count
    (booked without an outcome yet), is not a new day.
    """
    days = (
        RehabilitationActivity.objects.filter(requirement=requirement)
        .filter(COUNTS_OR_MAY_COUNT)
        .values_list("activity_date", flat=True)
        .distinct()
    )
    committed = set(days)
    maximum = requirement.maximum_days or 0
    if day in committed or len(committed) < maximum:
        return
    delivered = requirement.rar_days_delivered
    booked = len(committed) - delivered
    errors[field] = (
        f"This requirement has reached its maximum of {_plural(maximum, 'day')}: "
        f"{_plural(delivered, 'day')} delivered and {_plural(booked, 'other day')} booked. An activity on a new day "
        "would pass the court's maximum. Add it to a day that already has an activity, or record the outcomes of "
        "the booked activities first."
    )


@transaction.atomic
def rar_activity_record(
    *,
    by: User,
    requirement: Requirement,
    starts_at: datetime,
    duration_minutes: int,
    activity_type: str,
    need_area: str = "",
    plan_objective: PlanObjective | None = None,
    delivered_by: User | None = None,
    delivered_by_organisation: str = "",
    description: str = "",
    method: str = Contact.Method.FACE_TO_FACE,
    location: str = "",
    contact_type: str = Contact.ContactType.OFFICE_APPOINTMENT,
    outcome: ContactOutcome | None = None,
    absence_reason: str = "",
    absence_reason_details: str = "",
) -> RehabilitationActivity:
    """Book a rehabilitation activity as an appointment of the case and mark it against the requirement.

    The appointment is with `delivered_by`, or with the case's responsible officer when an organisation
    delivered it. With an `outcome` (the activity has already happened) the outcome is recorded at once, which
    recounts the days through the CONTACT_OUTCOME_RECORDED event.
    """
    errors: dict[str, str] = {}
    need_area = (need_area or "").strip()
    delivered_by_organisation = (delivered_by_organisation or "").strip()
    description = (description or "").strip()
    requirement = _locked_requirement(requirement)
    _check_requirement(by=by, requirement=requirement, errors=errors)
    if errors:
        raise ValidationError(errors)
    day = None
    if starts_at is None:
        errors["starts_at"] = "Enter the date and time of the activity."
    elif timezone.is_naive(starts_at):
        errors["starts_at"] = "The date and time must include a time zone."
    else:
        day = timezone.localdate(starts_at)
        _check_date(requirement=requirement, day=day, field="starts_at", errors=errors)
    _check_duration(duration_minutes, errors)
    if outcome is not None and "starts_at" not in errors and starts_at > timezone.now():
        errors["outcome"] = (
            "You can record the outcome once the activity has started: leave the outcome empty for an activity "
            "booked ahead."
        )
    _check_activity(
        requirement=requirement,
        activity_type=activity_type,
        need_area=need_area,
        plan_objective=plan_objective,
        delivered_by=delivered_by,
        delivered_by_organisation=delivered_by_organisation,
        description=description,
        errors=errors,
    )
    if day is not None and "starts_at" not in errors and (outcome is None or _counts(outcome)):
        _check_maximum(requirement=requirement, day=day, field="starts_at", errors=errors)
    if errors:
        raise ValidationError(errors)

    try:
        contact = contact_services.appointment_book(
            by=by,
            case=requirement.sentence.case,
            contact_type=contact_type,
            starts_at=starts_at,
            method=method,
            duration_minutes=duration_minutes,
            location=location,
            staff=delivered_by,
            notes=description,
        )
    except ValidationError as error:
        raise _staff_is_delivered_by(error) from None
    activity = save_with_history(
        RehabilitationActivity(
            contact=contact,
            requirement=requirement,
            activity_type=activity_type,
            need_area=need_area,
            plan_objective=plan_objective,
            activity_date=day,
            duration_minutes=duration_minutes,
            delivered_by=delivered_by,
            delivered_by_organisation=delivered_by_organisation,
            description=description,
            recorded_by=by,
        ),
        by=by,
        reason="Rehabilitation activity recorded",
    )
    if outcome is not None:
        contact_services.appointment_record_outcome(
            by=by,
            contact=contact,
            outcome=outcome,
            absence_reason=absence_reason,
            absence_reason_details=absence_reason_details,
        )
    return activity


def _staff_is_delivered_by(error: ValidationError) -> ValidationError:
    """The appointment's member of staff is the person who delivered the activity."""
    if hasattr(error, "error_dict") and "staff" in error.error_dict:
        errors = dict(error.message_dict)
        errors["delivered_by"] = errors.pop("staff")
        return ValidationError(errors)
    return error


@transaction.atomic
def rar_activity_mark(
    *,
    by: User,
    contact: Contact,
    requirement: Requirement,
    activity_type: str,
    need_area: str = "",
    plan_objective: PlanObjective | None = None,
    delivered_by: User | None = None,
    delivered_by_organisation: str = "",
    description: str = "",
) -> RehabilitationActivity:
    """Mark an appointment already booked on the case as rehabilitation activity against the requirement.

    The appointment must be on the requirement's case, within its dates, have a duration and not be marked yet.
    If its outcome is already recorded, the days are recounted at once.
    """
    errors: dict[str, str] = {}
    need_area = (need_area or "").strip()
    delivered_by_organisation = (delivered_by_organisation or "").strip()
    description = (description or "").strip()
    requirement = _locked_requirement(requirement)
    _check_requirement(by=by, requirement=requirement, errors=errors)
    if errors:
        raise ValidationError(errors)
    contact = Contact.objects.select_for_update(of=("self",)).select_related("outcome").get(pk=contact.pk)
    day = timezone.localdate(contact.starts_at)
    if contact.case_id != requirement.sentence.case_id:
        errors["contact"] = "Choose an appointment of this case."
    elif not contact.is_appointment:
        errors["contact"] = "Only a booked appointment can be marked as rehabilitation activity: choose one."
    elif RehabilitationActivity.objects.filter(contact=contact).exists():
        errors["contact"] = "This appointment is already marked as rehabilitation activity: choose another."
    else:
        _check_date(requirement=requirement, day=day, field="contact", errors=errors)
        if contact.duration_minutes is None:
            errors["contact"] = (
                "This appointment has no duration: record the activity with its duration instead of marking it."
            )
        else:
            _check_duration(contact.duration_minutes, errors, field="contact")
    _check_activity(
        requirement=requirement,
        activity_type=activity_type,
        need_area=need_area,
        plan_objective=plan_objective,
        delivered_by=delivered_by,
        delivered_by_organisation=delivered_by_organisation,
        description=description,
        errors=errors,
    )
    if "contact" not in errors and (contact.outcome is None or _counts(contact.outcome)):
        _check_maximum(requirement=requirement, day=day, field="contact", errors=errors)
    if errors:
        raise ValidationError(errors)

    activity = save_with_history(
        RehabilitationActivity(
            contact=contact,
            requirement=requirement,
            activity_type=activity_type,
            need_area=need_area,
            plan_objective=plan_objective,
            activity_date=day,
            duration_minutes=contact.duration_minutes,
            delivered_by=delivered_by,
            delivered_by_organisation=delivered_by_organisation,
            description=description,
            recorded_by=by,
        ),
        by=by,
        reason="Appointment marked as rehabilitation activity",
    )
    if contact.outcome is not None:
        rar_days_recount(requirement=requirement, by=by)
    return activity


def maximum_passed_message(requirement: Requirement, days: int) -> str:
    return (
        f"This requirement has reached its maximum of {_plural(requirement.maximum_days or 0, 'day')}: counting "
        f"this activity would make {_plural(days, 'day')} delivered, which passes the court's maximum."
    )


@transaction.atomic
def rar_days_recount(*, requirement: Requirement, by: User) -> Requirement:
    """Recount the RAR days delivered and the last day of activity from the requirement's activities.

    Days delivered = the number of distinct dates with an attended, complied activity (the day rule). Refused
    (ValidationError on `requirement`) when that passes the court's maximum; the database holds the same rule.
    Saved with history only when a figure changes.
    """
    requirement = Requirement.objects.select_for_update(of=("self",)).get(pk=requirement.pk)
    figures = (
        RehabilitationActivity.objects.filter(requirement=requirement)
        .filter(COUNTS)
        .aggregate(days=Count("activity_date", distinct=True), last=Max("activity_date"))
    )
    days, last = figures["days"], figures["last"]
    if days > (requirement.maximum_days or 0):
        raise ValidationError(
            {"requirement": ValidationError(maximum_passed_message(requirement, days), code=MAXIMUM_PASSED)}
        )
    if (requirement.rar_days_delivered, requirement.last_rar_activity_on) == (days, last):
        return requirement
    requirement.rar_days_delivered = days
    requirement.last_rar_activity_on = last
    return save_with_history(requirement, by=by, reason=f"RAR days recounted: {_plural(days, 'day')} delivered")
