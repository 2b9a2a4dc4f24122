"""Writes for the risk area. Every function takes the acting user (`by`), records history with them, and
raises ValidationError with field messages on bad input, writing nothing."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.models import Person, PreSentenceReport
from config.history import save_with_history
from risk.models import (
    MappaRegistration,
    ParentOrCarer,
    Registration,
    RegistrationType,
    RiskReview,
    RoshAssessment,
)

ASSESSMENT_FIELDS = (
    "risk_to_public",
    "risk_to_known_adults",
    "risk_to_children",
    "risk_to_staff",
    "who_is_at_risk",
    "nature_of_risk",
    "circumstances_increasing_risk",
    "plan_supervision",
    "plan_interventions",
    "plan_restrictions",
    "plan_victim_safety",
    "plan_contingency",
    "reoffending_tool",
    "reoffending_score",
    "reoffending_band",
    "safety_and_wellbeing_level",
    "safety_and_wellbeing_reasons",
    "safeguarding_plan",
)
LEVEL_FIELDS = ("risk_to_public", "risk_to_known_adults", "risk_to_children", "risk_to_staff")
LEVEL_LABELS = {
    "risk_to_public": "the public",
    "risk_to_known_adults": "known adults",
    "risk_to_children": "children",
    "risk_to_staff": "staff",
}
# What a completed assessment must say, beyond the levels. A court screening is shorter than a full
# assessment: it needs who is at risk and how, not a full risk management plan.
REQUIRED_NARRATIVE = {
    RoshAssessment.Kind.SCREENING: ("who_is_at_risk", "nature_of_risk"),
    RoshAssessment.Kind.FULL: (
        "who_is_at_risk",
        "nature_of_risk",
        "circumstances_increasing_risk",
        "plan_supervision",
        "plan_contingency",
    ),
    RoshAssessment.Kind.REVIEW: (
        "who_is_at_risk",
        "nature_of_risk",
        "circumstances_increasing_risk",
        "plan_supervision",
        "plan_contingency",
    ),
}


def is_child_on(person: Person, on: date | None) -> bool:
    """Under 18 on that day: a child's assessment also covers safety and wellbeing (YOT practice)."""
    return person.is_child if on is None else person.age(on=on) < 18


def _not_in_future(errors: dict, field: str, value: date | None, label: str) -> None:
    if value is not None and value > timezone.localdate():
        errors[field] = f"{label} must be today or in the past."


def _not_before_birth(errors: dict, field: str, value: date | None, person: Person, label: str) -> None:
    if value is not None and value < person.date_of_birth and field not in errors:
        errors[field] = f"{label} must be on or after the person's date of birth."


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _add_months(day: date, months: int) -> date:
    return day + relativedelta(months=months)


# RoSH assessments ------------------------------------------------------------------------------------------


def _check_report(errors: dict, *, person: Person, kind: str, report: PreSentenceReport) -> None:
    """A screening for a pre-sentence report: the same person, an open report, and the screening kind."""
    report = PreSentenceReport.objects.select_related("case").get(pk=report.pk)
    if report.case.person_id != person.pk:
        errors["pre_sentence_report"] = "This pre-sentence report is about someone else."
    elif not report.is_open:
        errors["pre_sentence_report"] = (
            f"This pre-sentence report was {report.get_status_display().lower()}: a screening can only be added "
            "to an open report."
        )
    if kind in RoshAssessment.Kind.values and kind != RoshAssessment.Kind.SCREENING:
        errors["kind"] = "An assessment for a pre-sentence report is a risk of serious harm screening at court."


@transaction.atomic
def assessment_start(
    *,
    by: User,
    person: Person,
    kind: str,
    assessment_date: date,
    pre_sentence_report: PreSentenceReport | None = None,
    **fields,
) -> RoshAssessment:
    """Start a draft assessment. A person has at most one draft at a time.

    With `pre_sentence_report` it is the risk of serious harm screening for that report: the report must be
    about this person and still open, and the kind must be a screening.
    """
    unknown = set(fields) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This is not a field of an assessment."))
    errors: dict = {}
    _not_in_future(errors, "assessment_date", assessment_date, "The assessment date")
    _not_before_birth(errors, "assessment_date", assessment_date, person, "The assessment date")
    if kind not in RoshAssessment.Kind.values:
        errors["kind"] = "Choose screening at court, full assessment or review."
    if pre_sentence_report is not None:
        _check_report(errors, person=person, kind=kind, report=pre_sentence_report)
    _raise(errors)
    assessment = RoshAssessment(
        person=person,
        kind=kind,
        assessment_date=assessment_date,
        created_by=by,
        pre_sentence_report=pre_sentence_report,
        **fields,
    )
    return save_with_history(assessment, by=by)


@transaction.atomic
def assessment_update_draft(*, by: User, assessment: RoshAssessment, **fields) -> RoshAssessment:
    """Change a draft. A completed assessment never changes: a new assessment supersedes it instead."""
    assessment = RoshAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_completed:
        raise ValidationError(
            "This assessment was completed and cannot be changed. Start a new assessment (a review) instead."
        )
    allowed = set(ASSESSMENT_FIELDS) | {"kind", "assessment_date"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This is not a field of an assessment."))
    errors: dict = {}
    _not_in_future(errors, "assessment_date", fields.get("assessment_date"), "The assessment date")
    _raise(errors)
    changed = {name: value for name, value in fields.items() if getattr(assessment, name) != value}
    if not changed:
        return assessment
    for name, value in changed.items():
        setattr(assessment, name, value)
    return save_with_history(assessment, by=by, reason="Draft changed")


@transaction.atomic
def assessment_complete(*, by: User, assessment: RoshAssessment) -> RoshAssessment:
    """Complete a draft: it supersedes the person's current assessment and closes their open risk reviews.

    The overall level is the highest of the four groups. For a child (under 18 on the assessment date)
    the safety and wellbeing level and its reasons are required too.
    """
    assessment = RoshAssessment.objects.select_for_update(of=("self",)).select_related("person").get(pk=assessment.pk)
    if assessment.is_completed:
        raise ValidationError("This assessment is already completed and cannot be changed.")
    errors: dict = {}
    for field in LEVEL_FIELDS:
        if getattr(assessment, field) is None:
            errors[field] = f"Choose the level of risk to {LEVEL_LABELS[field]}."
    for field in REQUIRED_NARRATIVE[assessment.kind]:
        if not getattr(assessment, field).strip():
            label = str(RoshAssessment._meta.get_field(field).verbose_name)
            errors[field] = f"Enter {label[:1].lower() + label[1:]}."
    _not_in_future(errors, "assessment_date", assessment.assessment_date, "The assessment date")
    _not_before_birth(errors, "assessment_date", assessment.assessment_date, assessment.person, "The assessment date")
    if not errors.get("assessment_date") and is_child_on(assessment.person, assessment.assessment_date):
        if assessment.safety_and_wellbeing_level is None:
            errors["safety_and_wellbeing_level"] = "Choose the child's safety and wellbeing level."
        if not assessment.safety_and_wellbeing_reasons.strip():
            errors["safety_and_wellbeing_reasons"] = "Enter the reasons for the safety and wellbeing level."
    if (assessment.reoffending_score is None) != (not assessment.reoffending_band) or (
        assessment.reoffending_score is not None and not assessment.reoffending_tool
    ):
        errors["reoffending_score"] = (
            "Record the likelihood of reoffending as the tool reported it: the tool, the score and the band, "
            "or leave all three blank."
        )
    current = (
        RoshAssessment.objects.select_for_update()
        .filter(person_id=assessment.person_id, status=RoshAssessment.Status.COMPLETED, superseded_by__isnull=True)
        .first()
    )
    if current is not None and assessment.assessment_date < current.assessment_date:
        errors["assessment_date"] = (
            f"The assessment date cannot be before the current assessment's ({current.assessment_date:%-d %B %Y})."
        )
    _raise(errors)

    if current is not None:
        # Only one assessment can be current (a database constraint): supersede the old one first.
        current.superseded_by = assessment
        # Only the link changes, and the database holds every constraint: skip re-validating the rest.
        save_with_history(current, by=by, reason="Superseded by a newer assessment", validate=False)
    assessment.overall_level = max(getattr(assessment, field) for field in LEVEL_FIELDS)
    assessment.status = RoshAssessment.Status.COMPLETED
    assessment.completed_by = by
    assessment.completed_at = timezone.now()
    save_with_history(assessment, by=by, reason="Assessment completed")
    for review in RiskReview.objects.select_for_update().filter(
        person_id=assessment.person_id, status=RiskReview.Status.OPEN
    ):
        review.status = RiskReview.Status.CLOSED
        review.closed_by_assessment = assessment
        save_with_history(review, by=by, reason="Closed by a completed assessment")
    return assessment


@transaction.atomic
def assessment_record_completed(
    *, by: User, person: Person, kind: str, assessment_date: date, **fields
) -> RoshAssessment:
    """Record an assessment that is already finished (e.g. from the assessment tool) in one step."""
    draft = assessment_start(by=by, person=person, kind=kind, assessment_date=assessment_date, **fields)
    return assessment_complete(by=by, assessment=draft)


# MAPPA -----------------------------------------------------------------------------------------------------

# Level 1 cases are reviewed at least yearly under the MAPPA guidance; levels 2 and 3 more often.
MAPPA_MAXIMUM_REVIEW_MONTHS = 12


def _validate_mappa(errors: dict, *, category, level, lead_agency) -> None:
    if category not in MappaRegistration.Category.values:
        errors["category"] = "Choose a MAPPA category from 1 to 4."
    if level not in MappaRegistration.Level.values:
        errors["level"] = "Choose a MAPPA level from 1 to 3."
    if lead_agency not in MappaRegistration.LeadAgency.values:
        errors["lead_agency"] = "Choose the lead agency."


@transaction.atomic
def mappa_register(
    *,
    by: User,
    person: Person,
    category: int,
    level: int,
    lead_agency: str,
    start_date: date,
    next_review_date: date,
    notes: str = "",
) -> MappaRegistration:
    errors: dict = {}
    _validate_mappa(errors, category=category, level=level, lead_agency=lead_agency)
    _not_in_future(errors, "start_date", start_date, "The start date")
    _not_before_birth(errors, "start_date", start_date, person, "The start date")
    if next_review_date and start_date and next_review_date < start_date:
        errors["next_review_date"] = "The next review date must be on or after the start date."
    elif (
        next_review_date
        and start_date
        and next_review_date > _add_months(max(start_date, timezone.localdate()), MAPPA_MAXIMUM_REVIEW_MONTHS)
    ):
        errors["next_review_date"] = (
            f"MAPPA must be reviewed at least every {MAPPA_MAXIMUM_REVIEW_MONTHS} months: choose an earlier date."
        )
    if MappaRegistration.objects.filter(person=person, end_date__isnull=True).exists():
        errors["category"] = "This person already has an open MAPPA registration: end or review it instead."
    _raise(errors)
    registration = MappaRegistration(
        person=person,
        category=category,
        level=level,
        lead_agency=lead_agency,
        start_date=start_date,
        next_review_date=next_review_date,
        notes=notes.strip(),
        added_by=by,
    )
    return save_with_history(registration, by=by)


@transaction.atomic
def mappa_review(
    *, by: User, registration: MappaRegistration, level: int, next_review_date: date, notes: str = ""
) -> MappaRegistration:
    """Record a MAPPA review: the level may change; the next review date moves on."""
    registration = MappaRegistration.objects.select_for_update().get(pk=registration.pk)
    errors: dict = {}
    if registration.end_date is not None:
        errors["level"] = "This MAPPA registration has ended."
    if level not in MappaRegistration.Level.values:
        errors["level"] = "Choose a MAPPA level from 1 to 3."
    if next_review_date is None or next_review_date <= timezone.localdate():
        errors["next_review_date"] = "Enter a next review date in the future."
    elif next_review_date > _add_months(timezone.localdate(), MAPPA_MAXIMUM_REVIEW_MONTHS):
        errors["next_review_date"] = (
            f"MAPPA must be reviewed at least every {MAPPA_MAXIMUM_REVIEW_MONTHS} months: choose an earlier date."
        )
    _raise(errors)
    registration.level = level
    registration.next_review_date = next_review_date
    if notes.strip():
        registration.notes = notes.strip()
    return save_with_history(registration, by=by, reason="MAPPA reviewed")


@transaction.atomic
def mappa_end(*, by: User, registration: MappaRegistration, end_date: date, reason: str) -> MappaRegistration:
    registration = MappaRegistration.objects.select_for_update().get(pk=registration.pk)
    errors: dict = {}
    if registration.end_date is not None:
        errors["end_date"] = "This MAPPA registration has already ended."
    _not_in_future(errors, "end_date", end_date, "The end date")
    if end_date < registration.start_date:
        errors["end_date"] = "The end date must be on or after the start date."
    if not reason.strip():
        errors["end_reason"] = "Enter why MAPPA management has ended."
    _raise(errors)
    registration.end_date = end_date
    registration.end_reason = reason.strip()
    registration.ended_by = by
    return save_with_history(registration, by=by, reason="MAPPA ended")


# Registrations (flags) -------------------------------------------------------------------------------------


def registration_type_by_code(code: str) -> RegistrationType:
    try:
        return RegistrationType.objects.get(code=code, active=True)
    except RegistrationType.DoesNotExist:
        raise ValidationError({"registration_type": f"There is no registration type “{code}”."}) from None


@transaction.atomic
def registration_add(
    *,
    by: User,
    person: Person,
    registration_type: RegistrationType,
    start_date: date,
    reason: str,
    review_frequency_months: int | None = None,
) -> Registration:
    """Add a flag. Its next review is due `review_frequency_months` after the start; it opens a risk review."""
    errors: dict = {}
    if not registration_type.active:
        errors["registration_type"] = f"“{registration_type.name}” can no longer be added."
    _not_in_future(errors, "start_date", start_date, "The start date")
    _not_before_birth(errors, "start_date", start_date, person, "The start date")
    months = registration_type.default_review_months if review_frequency_months is None else review_frequency_months
    if not 1 <= months <= 24:
        errors["review_frequency_months"] = "Review every 1 to 24 months."
    if not reason.strip():
        errors["reason"] = "Enter why this registration is being added."
    if Registration.objects.filter(
        person=person, registration_type=registration_type, deregistered_date__isnull=True
    ).exists():
        errors["registration_type"] = f"This person already has the “{registration_type.name}” registration."
    _raise(errors)
    registration = save_with_history(
        Registration(
            person=person,
            registration_type=registration_type,
            start_date=start_date,
            review_frequency_months=months,
            next_review_date=_add_months(start_date, months),
            reason=reason.strip(),
            added_by=by,
        ),
        by=by,
    )
    save_with_history(
        RiskReview(
            person=person,
            change=RiskReview.Change.NEW_REGISTRATION,
            description=f"{registration_type.name} registration added: {reason.strip()}",
            occurred_on=start_date,
            recorded_by=by,
            registration=registration,
        ),
        by=by,
    )
    return registration


@transaction.atomic
def registration_review(*, by: User, registration: Registration, review_date: date, note: str = "") -> Registration:
    """Record that a flag was reviewed and is still needed: the next review is one frequency later."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    errors: dict = {}
    if not registration.is_open:
        errors["review_date"] = "This registration has been removed (deregistered)."
    _not_in_future(errors, "review_date", review_date, "The review date")
    if review_date < registration.start_date:
        errors["review_date"] = "The review date must be on or after the start date."
    _raise(errors)
    registration.next_review_date = _add_months(review_date, registration.review_frequency_months)
    return save_with_history(registration, by=by, reason=f"Reviewed: {note.strip()}" if note.strip() else "Reviewed")


@transaction.atomic
def registration_deregister(
    *, by: User, registration: Registration, deregistered_date: date, reason: str
) -> Registration:
    """End a flag with a reason. Nothing is deleted: the history keeps it."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    errors: dict = {}
    if not registration.is_open:
        errors["deregistered_date"] = "This registration has already been removed."
    _not_in_future(errors, "deregistered_date", deregistered_date, "The date")
    if deregistered_date < registration.start_date:
        errors["deregistered_date"] = "The date must be on or after the registration started."
    if not reason.strip():
        errors["deregistration_reason"] = "Enter why this registration is being removed."
    _raise(errors)
    registration.deregistered_date = deregistered_date
    registration.deregistration_reason = reason.strip()
    registration.deregistered_by = by
    return save_with_history(registration, by=by, reason="Deregistered")


# Risk reviews and change of circumstances ------------------------------------------------------------------


@transaction.atomic
def change_of_circumstances_record(
    *, by: User, person: Person, change: str, description: str, occurred_on: date
) -> RiskReview:
    """Record a change of circumstances: it opens a "risk review due" item until an assessment is completed."""
    errors: dict = {}
    if change not in RiskReview.Change.values or change == RiskReview.Change.NEW_REGISTRATION:
        errors["change"] = "Choose what changed."
    if not description.strip():
        errors["description"] = "Enter what happened."
    _not_in_future(errors, "occurred_on", occurred_on, "The date")
    _not_before_birth(errors, "occurred_on", occurred_on, person, "The date")
    _raise(errors)
    review = RiskReview(
        person=person, change=change, description=description.strip(), occurred_on=occurred_on, recorded_by=by
    )
    return save_with_history(review, by=by)


# Parents and carers (children) -----------------------------------------------------------------------------


@transaction.atomic
def parent_or_carer_add(
    *,
    by: User,
    person: Person,
    name: str,
    relationship: str,
    involvement: str,
    has_parental_responsibility: bool = False,
    telephone: str = "",
    notes: str = "",
) -> ParentOrCarer:
    errors: dict = {}
    if not person.is_child:
        errors["name"] = "Parents and carers are recorded for children (under 18)."
    if not name.strip():
        errors["name"] = "Enter the parent or carer's name."
    _raise(errors)
    parent = ParentOrCarer(
        person=person,
        name=name.strip(),
        relationship=relationship,
        involvement=involvement,
        has_parental_responsibility=has_parental_responsibility,
        telephone=telephone.strip(),
        notes=notes.strip(),
        added_by=by,
    )
    return save_with_history(parent, by=by)


@transaction.atomic
def parent_or_carer_update_involvement(
    *, by: User, parent_or_carer: ParentOrCarer, involvement: str, notes: str = ""
) -> ParentOrCarer:
    parent_or_carer = ParentOrCarer.objects.select_for_update().get(pk=parent_or_carer.pk)
    parent_or_carer.involvement = involvement
    if notes.strip():
        parent_or_carer.notes = notes.strip()
    return save_with_history(parent_or_carer, by=by, reason="Involvement changed")
