"""Writes for appointments and the contact log (issue 4, item 4; shared/DOMAIN.md sections 2 and 6).

An appointment is booked ahead (`appointment_book`) and gets an outcome from reference data once it has
started (`appointment_record_outcome`). Anything else that happened is recorded as a contact
(`contact_record`). Every function takes the acting user (`by`), records history with that user, and
raises django.core.exceptions.ValidationError with field messages, writing nothing, on bad input.

An attended outcome publishes events.APPOINTMENT_ATTENDED: timeliness stops the first-appointment clocks
(NPS SL003R / CRC SL001 after allocation, NPS SL004R / CRC SL002 after release) and opens the sentence plan
clocks (NPS SL005R/006R, CRC SL003/004), one per sentence. Custody is judged on the appointment's day, and an
appointment dated before the current sentence was passed publishes nothing. The member of staff an appointment
or contact is with must be active and in a team of the case's provider.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases import events
from cases.models import CUSTODIAL_DISPOSALS, Case, Contact, ContactOutcome, Sentence
from config.history import save_with_history

DURATION_MIN_MINUTES = 5
DURATION_MAX_MINUTES = 480
# What can be booked as an appointment: everything except an email or letter, which is only ever recorded.
APPOINTMENT_TYPES = tuple(choice for choice in Contact.ContactType if choice != Contact.ContactType.EMAIL_OR_LETTER)
APPOINTMENT_METHODS = (Contact.Method.FACE_TO_FACE, Contact.Method.TELEPHONE, Contact.Method.VIDEO)
NOTES_MAX_LENGTH = 10_000


def one_year_after(moment: datetime) -> datetime:
    """The same moment a year later (29 February moves to 28 February)."""
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:
        return moment.replace(year=moment.year + 1, day=28)


def _is_active_staff(user: User | None) -> bool:
    return user is not None and user.is_active and user.role in User.TEAM_ROLES


def _open_case(case: Case, errors: dict, what: str) -> Case:
    """The case, locked and re-read, so a case ended a moment ago is seen as ended."""
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("provider", "responsible_officer").get(pk=case.pk)
    )
    if case.status == Case.Status.ENDED:
        errors["case"] = f"This case has ended: {what} can only be added to an open case."
    return case


def _check_common(
    *,
    case: Case,
    contact_type: str,
    starts_at: datetime | None,
    method: str,
    methods: tuple[str, ...],
    staff: User | None,
    duration_minutes: int | None,
    location: str,
    with_whom: str,
    notes: str,
    errors: dict,
) -> None:
    if contact_type not in Contact.ContactType.values:
        errors["contact_type"] = "Choose the type of contact from the list."
    if method not in methods:
        labels = ", ".join(str(Contact.Method(value).label).lower() for value in methods)
        errors["method"] = f"Choose how the contact happens: {labels}."
    if starts_at is None:
        errors["starts_at"] = "Enter the date and time."
    elif timezone.is_naive(starts_at):
        errors["starts_at"] = "The date and time must include a time zone."
    elif timezone.localdate(starts_at) < case.start_date:
        errors["starts_at"] = f"The date cannot be before the case started ({case.start_date:%-d %B %Y})."
    if staff is not None and not _is_active_staff(staff):
        errors["staff"] = (
            f"{staff.get_full_name() or staff.username} is not an active member of probation staff: "
            "choose someone who is."
        )
    elif staff is not None and (staff.team is None or staff.team.provider_id != case.provider_id):
        errors["staff"] = (
            f"{staff.get_full_name() or staff.username} does not work for {case.provider.name}. "
            f"Choose a member of staff of {case.provider.name}."
        )
    if duration_minutes is not None and not DURATION_MIN_MINUTES <= duration_minutes <= DURATION_MAX_MINUTES:
        errors["duration_minutes"] = (
            f"The duration must be between {DURATION_MIN_MINUTES} and {DURATION_MAX_MINUTES} minutes (8 hours)."
        )
    if len(location) > 200:
        errors["location"] = "The location must be 200 characters or fewer."
    if len(with_whom) > 200:
        errors["with_whom"] = "Others present must be 200 characters or fewer."
    if len(notes) > NOTES_MAX_LENGTH:
        errors["notes"] = f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer."


def _contact_save(*, by: User, case: Case, is_appointment: bool, reason: str, **fields) -> Contact:
    """Write a new contact (an appointment booked or a contact recorded) once its checks have passed."""
    contact = Contact(case=case, is_appointment=is_appointment, recorded_by=by, **fields)
    return save_with_history(contact, by=by, reason=reason)


@transaction.atomic
def appointment_book(
    *,
    by: User,
    case: Case,
    contact_type: str,
    starts_at: datetime,
    method: str,
    duration_minutes: int | None = None,
    location: str = "",
    staff: User | None = None,
    with_whom: str = "",
    notes: str = "",
) -> Contact:
    """Book an appointment on an open case, with the case's responsible officer unless `staff` is given.

    Face to face appointments need a location; the duration is 5 to 480 minutes; the start may be in the
    past (an appointment recorded late) but not more than a year ahead.
    """
    errors: dict[str, str] = {}
    location, with_whom, notes = location.strip(), with_whom.strip(), notes.strip()
    case = _open_case(case, errors, "appointments")
    if staff is None:
        staff = case.responsible_officer
        if staff is None:
            errors["staff"] = "This case has no responsible officer yet: choose who the person will see."
    fields = {
        "contact_type": contact_type,
        "starts_at": starts_at,
        "method": method,
        "duration_minutes": duration_minutes,
        "location": location,
        "staff": staff,
        "with_whom": with_whom,
        "notes": notes,
    }
    _check_common(case=case, methods=APPOINTMENT_METHODS, errors=errors, **fields)
    if contact_type == Contact.ContactType.EMAIL_OR_LETTER:
        errors["contact_type"] = "An email or letter is not an appointment: record it as a contact instead."
    if "starts_at" not in errors and starts_at > one_year_after(timezone.now()):
        errors["starts_at"] = "An appointment cannot be booked more than a year ahead."
    if method == Contact.Method.FACE_TO_FACE and not location:
        errors["location"] = "Enter where the appointment will be: face to face appointments need a location."
    if errors:
        raise ValidationError(errors)
    return _contact_save(by=by, case=case, is_appointment=True, reason="Appointment booked", **fields)


@transaction.atomic
def contact_record(
    *,
    by: User,
    case: Case,
    contact_type: str,
    starts_at: datetime,
    method: str,
    notes: str,
    staff: User | None = None,
    with_whom: str = "",
    duration_minutes: int | None = None,
    location: str = "",
) -> Contact:
    """Record something that happened (a call, a letter, a visit, a conversation with another agency).

    Not an appointment, so it never gets an outcome and never stops a clock. It cannot be in the future,
    and the notes (what happened) are required.
    """
    errors: dict[str, str] = {}
    location, with_whom, notes = location.strip(), with_whom.strip(), notes.strip()
    case = _open_case(case, errors, "contacts")
    fields = {
        "contact_type": contact_type,
        "starts_at": starts_at,
        "method": method,
        "duration_minutes": duration_minutes,
        "location": location,
        "staff": staff,
        "with_whom": with_whom,
        "notes": notes,
    }
    _check_common(case=case, methods=tuple(Contact.Method), errors=errors, **fields)
    if "starts_at" not in errors and starts_at > timezone.now():
        errors["starts_at"] = "A contact cannot be in the future: book an appointment instead."
    if not notes and "notes" not in errors:
        errors["notes"] = "Enter notes: say what happened."
    if errors:
        raise ValidationError(errors)
    return _contact_save(by=by, case=case, is_appointment=False, reason="Contact recorded", **fields)


def current_sentence(case: Case) -> Sentence | None:
    return Sentence.objects.filter(case=case, status=Sentence.Status.CURRENT).first()


@transaction.atomic
def appointment_record_outcome(
    *,
    by: User,
    contact: Contact,
    outcome: ContactOutcome,
    absence_reason: str = "",
    absence_reason_details: str = "",
    notes: str = "",
) -> Contact:
    """Record what happened at an appointment, once it has started. An outcome is never overwritten.

    An acceptable absence needs its reason (and details when the reason is "other"); other outcomes have
    none. Every outcome publishes CONTACT_OUTCOME_RECORDED (a RAR activity may count as a day); an attended
    outcome also publishes APPOINTMENT_ATTENDED (not on an ended case, whose clocks are closed).
    """
    contact = (
        Contact.objects.select_for_update(of=("self",)).select_related("case__provider", "outcome").get(pk=contact.pk)
    )
    absence_reason = (absence_reason or "").strip()
    absence_reason_details = (absence_reason_details or "").strip()
    notes = (notes or "").strip()
    if not contact.is_appointment:
        raise ValidationError({"outcome": "Only an appointment has an outcome: this contact was not booked as one."})
    if contact.outcome is not None:
        raise ValidationError(
            {
                "outcome": f"An outcome was already recorded for this appointment ({contact.outcome.name}, on "
                f"{timezone.localtime(contact.outcome_recorded_at):%-d %B %Y}). It cannot be changed."
            }
        )
    if contact.starts_at > timezone.now():
        raise ValidationError({"outcome": "You can record the outcome once the appointment has started"})
    errors: dict[str, str] = {}
    if outcome is None:
        errors["outcome"] = "Choose the outcome of the appointment."
    elif not outcome.active:
        errors["outcome"] = f"The outcome \u201c{outcome.name}\u201d is no longer in use: choose another."
    elif outcome.acceptable_absence:
        if not absence_reason:
            errors["absence_reason"] = "Choose why the absence was acceptable: an acceptable absence needs a reason."
        elif absence_reason not in Contact.AbsenceReason.values:
            errors["absence_reason"] = "Choose a reason for the absence from the list."
        elif absence_reason == Contact.AbsenceReason.OTHER and not absence_reason_details:
            errors["absence_reason_details"] = "Describe the reason for the absence when it is \u201cOther\u201d."
    elif absence_reason or absence_reason_details:
        errors["absence_reason"] = (
            f"Only an acceptable absence has a reason: leave the reason empty for \u201c{outcome.name}\u201d."
        )
    if len(notes) > NOTES_MAX_LENGTH:
        errors["notes"] = f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer."
    if errors:
        raise ValidationError(errors)

    contact.outcome = outcome
    contact.absence_reason = absence_reason
    contact.absence_reason_details = absence_reason_details
    contact.outcome_recorded_at = timezone.now()
    if notes:
        contact.notes = f"{contact.notes}\n\n{notes}" if contact.notes else notes
    save_with_history(contact, by=by, reason=f"Outcome recorded: {outcome.name}")

    case = contact.case
    events.publish(
        events.CONTACT_OUTCOME_RECORDED,
        case=case,
        subject=f"contact:{contact.pk}",
        on=timezone.localdate(contact.starts_at),
        by=by,
    )
    if outcome.attended and case.status != Case.Status.ENDED:
        _publish_attended(by=by, case=case, on=timezone.localdate(contact.starts_at))
    return contact


def in_custody_on(sentence: Sentence | None, day: date) -> bool:
    """Whether the person was serving the custodial part of `sentence` on `day` (released on that day: no)."""
    return bool(
        sentence
        and sentence.disposal in CUSTODIAL_DISPOSALS
        and (sentence.released_on is None or day < sentence.released_on)
    )


def _publish_attended(*, by: User, case: Case, on: date) -> None:
    """Publish APPOINTMENT_ATTENDED for an appointment attended on `on`, described as of that day.

    Nothing is published for an appointment dated before the current sentence was passed: it belongs to the
    time before this sentence and stops none of its clocks nor opens its plan clock. Custody is judged on the
    appointment's day, so an appointment in prison recorded after release does not count as the first
    appointment after release.
    """
    sentence = current_sentence(case)
    if sentence is not None and on < sentence.sentence_date:
        return
    events.publish(
        events.APPOINTMENT_ATTENDED,
        case=case,
        subject=f"sentence:{sentence.pk}" if sentence else f"case:{case.pk}",
        on=on,
        by=by,
        disposal=sentence.disposal if sentence else "",
        in_custody=in_custody_on(sentence, on),
    )
