"""Writes for people and cases. Every function takes the acting user (`by`) and records history.

Bad input raises django.core.exceptions.ValidationError with field messages and writes nothing.
"""

import random
import secrets
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Provider, Team, User
from cases import events
from cases.models import AccessRecord, Address, Case, OfficerAssignment, Person, PersonAccessLimit, Sentence
from cases.rules import can_end_case
from config.history import save_with_history

CRN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O or Q: easily misread as 1, 0 and O on paper


def crn_generate(rng: random.Random | None = None) -> str:
    """A new case reference number: one letter then six digits, e.g. X123456.

    The letter avoids I, O and Q. Uniqueness is held by the database; `person_create` retries on
    the rare collision. Pass a seeded `rng` for reproducible demo data.
    """
    chooser = rng or secrets.SystemRandom()
    return chooser.choice(CRN_LETTERS) + f"{chooser.randrange(0, 1_000_000):06d}"


@transaction.atomic
def person_create(
    *,
    by: User | None,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    gender: str,
    middle_names: str = "",
    preferred_name: str = "",
    telephone: str = "",
    mobile: str = "",
    email: str = "",
    ethnicity: str = "",
    religion: str = "",
    sexual_orientation: str = "",
    disability: str = "",
    disability_details: str = "",
    gender_identity_matches_sex_at_birth: str = "",
    rng: random.Random | None = None,
) -> Person:
    if date_of_birth and date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": "Date of birth must be in the past."})
    person = Person(
        first_name=first_name.strip(),
        middle_names=middle_names.strip(),
        last_name=last_name.strip(),
        preferred_name=preferred_name.strip(),
        date_of_birth=date_of_birth,
        gender=gender,
        telephone=telephone.strip(),
        mobile=mobile.strip(),
        email=email.strip(),
        ethnicity=ethnicity,
        religion=religion,
        sexual_orientation=sexual_orientation,
        disability=disability,
        disability_details=disability_details.strip(),
        gender_identity_matches_sex_at_birth=gender_identity_matches_sex_at_birth,
    )
    for _attempt in range(20):
        person.crn = crn_generate(rng)
        if Person.objects.filter(crn=person.crn).exists():
            continue
        try:
            with transaction.atomic():
                return save_with_history(person, by=by)
        except IntegrityError:
            if Person.objects.filter(crn=person.crn).exists():
                person.pk = None
                continue
            raise
    raise RuntimeError("Could not generate a unique CRN after 20 attempts.")


@transaction.atomic
def person_update_contact_details(*, by: User, person: Person, telephone: str, mobile: str, email: str) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.telephone = telephone.strip()
    person.mobile = mobile.strip()
    person.email = email.strip()
    return save_with_history(person, by=by, reason="Contact details changed")


@transaction.atomic
def address_add(
    *,
    by: User | None,
    person: Person,
    start_date: date,
    status: str = Address.Status.MAIN,
    no_fixed_abode: bool = False,
    line_1: str = "",
    line_2: str = "",
    town: str = "",
    postcode: str = "",
) -> Address:
    """Add an address. A new main address ends the current one the day it starts."""
    address = Address(
        person=person,
        status=status,
        no_fixed_abode=no_fixed_abode,
        line_1=line_1.strip(),
        line_2=line_2.strip(),
        town=town.strip(),
        postcode=postcode.strip().upper(),
        start_date=start_date,
    )
    if status == Address.Status.MAIN:
        current = (
            Address.objects.select_for_update()
            .filter(person=person, status=Address.Status.MAIN, end_date__isnull=True)
            .first()
        )
        if current is not None:
            if start_date < current.start_date:
                raise ValidationError(
                    {"start_date": "A new main address cannot start before the current main address started."}
                )
            current.status = Address.Status.PREVIOUS
            current.end_date = start_date
            save_with_history(current, by=by, reason="Replaced by a new main address")
    return save_with_history(address, by=by)


def _validate_assignment(*, provider: Provider, team: Team | None, responsible_officer: User | None) -> None:
    errors = {}
    if team is not None and team.provider_id != provider.pk:
        errors["team"] = f"{team.name} is not a team of {provider.name}."
    if responsible_officer is not None:
        if responsible_officer.role not in (User.Role.RESPONSIBLE_OFFICER, User.Role.MANAGER):
            errors["responsible_officer"] = (
                f"{responsible_officer} is not a responsible officer or manager and cannot hold a case."
            )
        elif team is None or responsible_officer.team_id != team.pk:
            errors["responsible_officer"] = f"{responsible_officer} is not a member of the chosen team."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_create(
    *,
    by: User | None,
    person: Person,
    provider: Provider,
    start_date: date,
    team: Team | None = None,
    responsible_officer: User | None = None,
) -> Case:
    """Open a case. With a team and responsible officer it is active; otherwise it awaits allocation.

    An active case also gets its first officer assignment, so the officer history (continuity) starts on
    the day the case did.
    """
    _validate_assignment(provider=provider, team=team, responsible_officer=responsible_officer)
    status = Case.Status.ACTIVE if responsible_officer is not None else Case.Status.AWAITING_ALLOCATION
    case = Case(
        person=person,
        provider=provider,
        team=team,
        responsible_officer=responsible_officer,
        status=status,
        start_date=start_date,
    )
    save_with_history(case, by=by)
    if status == Case.Status.ACTIVE:
        assignment = OfficerAssignment(
            case=case,
            kind=OfficerAssignment.Kind.ALLOCATION,
            provider=provider,
            team=team,
            responsible_officer=responsible_officer,
            reason=OfficerAssignment.Reason.NEW_CASE,
            start_date=start_date,
            assigned_by=by or responsible_officer,
        )
        save_with_history(assignment, by=by)
    return case


# How each termination outcome leaves the case's current sentence.
_SENTENCE_STATUS_ON_TERMINATION = {
    Case.TerminationOutcome.COMPLETED_POSITIVELY: Sentence.Status.COMPLETED,
    Case.TerminationOutcome.REVOKED: Sentence.Status.REVOKED,
    Case.TerminationOutcome.BREACHED_AND_RESENTENCED: Sentence.Status.REVOKED,
    Case.TerminationOutcome.DIED: Sentence.Status.COMPLETED,
    Case.TerminationOutcome.TRANSFERRED_OUT: Sentence.Status.COMPLETED,
}


@transaction.atomic
def case_end(*, by: User, case: Case, end_date: date, outcome: str, notes: str = "") -> Case:
    """End a case, recording how supervision ended (the termination outcome).

    The outcome makes the completion measures real: CRC SL007 (completion recorded), CRC SL008 / NPS SL018
    (community sentence completed positively) and CRC SL009a / NPS SL019 (licence or post-sentence supervision
    completed positively). The current sentence becomes completed, or revoked when the court revoked it or
    re-sentenced after breach. Publishes events.CASE_ENDED, which cancels open clocks and closes their alerts.
    Refused, writing nothing: `by` is neither the case's responsible officer nor a manager (or an administrator
    with a team) of the provider holding it (cases.rules.can_end_case); the case has already ended; no outcome or
    an unknown one; the end date before the case started, before the sentence, or in the future; "transferred
    out" without saying where to.
    """
    case = Case.objects.select_for_update(of=("self",)).select_related("provider").get(pk=case.pk)
    if not can_end_case(by, case):
        raise ValidationError(
            {NON_FIELD_ERRORS: f"Only the responsible officer or a manager of {case.provider.name} can end this case."}
        )
    if case.status == Case.Status.ENDED:
        raise ValidationError({"status": "This case has already ended."})
    errors = {}
    notes = (notes or "").strip()
    if not outcome:
        errors["outcome"] = "Select how the case ended."
    elif outcome not in Case.TerminationOutcome.values:
        errors["outcome"] = "Select how the case ended from the list."
    elif outcome == Case.TerminationOutcome.TRANSFERRED_OUT and not notes:
        errors["notes"] = "Say where the case was transferred to."
    sentence = Sentence.objects.select_for_update().filter(case=case, status=Sentence.Status.CURRENT).first()
    if end_date is None:
        errors["end_date"] = "Enter the date the case ended."
    elif end_date > timezone.localdate():
        errors["end_date"] = "The date the case ended cannot be in the future."
    elif end_date < case.start_date:
        errors["end_date"] = f"The case cannot end before it started on {case.start_date:%-d %B %Y}."
    elif sentence is not None and end_date < sentence.sentence_date:
        errors["end_date"] = f"The case cannot end before the sentence on {sentence.sentence_date:%-d %B %Y}."
    if errors:
        raise ValidationError(errors)
    case.status = Case.Status.ENDED
    case.end_date = end_date
    case.termination_outcome = outcome
    case.termination_notes = notes
    case.ended_by = by
    label = Case.TerminationOutcome(outcome).label
    save_with_history(case, by=by, reason=f"Case ended: {label.lower()}")
    if sentence is not None:
        sentence.status = _SENTENCE_STATUS_ON_TERMINATION[outcome]
        save_with_history(sentence, by=by, reason=f"Case ended: {label.lower()}")
    for assignment in OfficerAssignment.objects.select_for_update().filter(case=case, end_date__isnull=True):
        assignment.end_date = max(end_date, assignment.start_date)
        save_with_history(assignment, by=by, reason="Case ended")
    events.publish(events.CASE_ENDED, case=case, subject=f"case:{case.pk}", on=end_date, by=by)
    return case


@transaction.atomic
def access_limit_add(*, by: User, person: Person, user: User, kind: str, reason: str) -> PersonAccessLimit:
    """Put a member of staff on a person's exclusion list or restriction list."""
    if not (by.is_manager or by.is_administrator):
        raise ValidationError("Only managers and administrators can change who may see a person.")
    if kind == PersonAccessLimit.Kind.EXCLUSION and user.pk == by.pk:
        raise ValidationError({"user": "You cannot exclude yourself."})
    limit = PersonAccessLimit(person=person, user=user, kind=kind, reason=reason.strip(), added_by=by)
    return save_with_history(limit, by=by)


@transaction.atomic
def access_limit_end(*, by: User, access_limit: PersonAccessLimit) -> PersonAccessLimit:
    if not (by.is_manager or by.is_administrator):
        raise ValidationError("Only managers and administrators can change who may see a person.")
    access_limit = PersonAccessLimit.objects.select_for_update().get(pk=access_limit.pk)
    if access_limit.ended_at is not None:
        raise ValidationError("This entry has already been ended.")
    access_limit.ended_at = timezone.now()
    access_limit.ended_by = by
    return save_with_history(access_limit, by=by)


def access_record_write(*, person: Person, user: User, path: str) -> AccessRecord:
    """Record that `user` opened a person with an exclusion or restriction list."""
    return AccessRecord.objects.create(person=person, user=user, path=path[:300])


def access_records_write_for_listed(*, people, user: User, path: str) -> int:
    """Record access to every restricted person in a list that shows their contact details (one insert).

    Each person must carry the `has_access_limits` annotation (cases.selectors.with_access_limit_flag).
    """
    records = [AccessRecord(person=person, user=user, path=path[:300]) for person in people if person.has_access_limits]
    AccessRecord.objects.bulk_create(records)
    return len(records)
