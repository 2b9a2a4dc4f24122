"""Writes for sentences, requirements, release and referral order panels (shared/DOMAIN.md section 3).

Every function takes the acting user (`by`), records history with that user and checks every rule before it
writes anything: bad input raises django.core.exceptions.ValidationError with messages that name the rule.

Sentencing puts a case that was awaiting sentence into the allocation queue of the provider that allocates
(decision 0006): the NPS division of the sentencing court's region for an adult, that region's youth offending
team for a child. It then publishes `sentenced`, which opens NPS SL002 for a case queued with the NPS. A case
already active (a new order while under supervision) keeps its officer and publishes `allocated` on the day of
sentence instead, which opens the first appointment clock. Any pre-sentence report still open is withdrawn
("Sentenced before the report was delivered"), publishing `report_withdrawn`, which cancels its NPS SL001 clock.

Dates (`order_dates`) are worked out from the disposal's rules:
- community order, suspended sentence order (its supervision period) and youth rehabilitation order: the
  order starts on the day of sentence and ends `length_months` later;
- custody: `length_months` is the custodial term; release is expected at the halfway point (rounded up to a
  whole day) unless the court or prison gave another date; the licence ends when the term ends; a term under
  24 months also has post-sentence supervision to 12 months after release (since 2014); supervision ends at
  the later of the two;
- detention and training order: release at the halfway point, supervision in the community to the end;
- youth conditional caution: the conditions must be complete within 3 months, which is also its end;
- community resolution and youth caution: a single day, with no supervision length;
- referral order: runs from the signing of the contract at the initial panel meeting, so its dates stay empty
  until then.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Provider, User
from cases import events
from cases.models import (
    ADULT_DISPOSALS,
    CUSTODIAL_DISPOSALS,
    DISPOSALS_WITH_REQUIREMENTS,
    OUT_OF_COURT_DISPOSALS,
    YOUTH_DISPOSALS,
    Case,
    CourtAppearance,
    Disposal,
    OfficerAssignment,
    PreSentenceReport,
    ReferralPanelMeeting,
    Requirement,
    RequirementType,
    Sentence,
    age_on,
)
from cases.models.sentencing import MAXIMUM_CUSTODIAL_TERM_MONTHS
from config.history import save_with_history

# Lengths in months, per disposal (inclusive). The database allows 1 to 36 for every order, and custodial terms
# up to MAXIMUM_CUSTODIAL_TERM_MONTHS.
LENGTH_RANGES: dict[str, tuple[int, int]] = {
    Disposal.COMMUNITY_ORDER: (1, 36),
    Disposal.SUSPENDED_SENTENCE_ORDER: (6, 24),
    Disposal.CUSTODY: (1, MAXIMUM_CUSTODIAL_TERM_MONTHS),
    Disposal.REFERRAL_ORDER: (3, 12),
    Disposal.YOUTH_REHABILITATION_ORDER: (1, 36),
    Disposal.DETENTION_AND_TRAINING_ORDER: (4, 24),
}
# A detention and training order can only be one of these terms (Sentencing Act 2020, section 236).
DTO_TERMS = (4, 6, 8, 10, 12, 18, 24)
SUSPENDED_TERM_RANGE = (1, 24)
PSS_TERM_LIMIT_MONTHS = 24  # terms under 2 years are followed by post-sentence supervision
PSS_MONTHS = 12  # post-sentence supervision runs to 12 months after release
YCC_CONDITIONS_MONTHS = 3
RAR_DAYS_RANGE = (1, 365)
UNPAID_WORK_ADULT_HOURS = (40, 300)
UNPAID_WORK_CHILD_HOURS = (40, 240)
PROGRAMME_SESSIONS_RANGE = (1, 200)
MINIMUM_AGE = 10  # the age of criminal responsibility in England and Wales
ADULT_AGE = 18

# What the court sets on each kind of requirement, as keys of a requirement dict.
REQUIREMENT_FIELDS = ("maximum_days", "hours", "programme_name", "sessions", "details")


def _label(disposal: str) -> str:
    return Disposal(disposal).label


def _article(text: str, *, capital: bool = False) -> str:
    """ "a curfew", "an accredited programme"; with `capital`, "A curfew" (to start a sentence)."""
    article = "an" if text[:1].lower() in "aeiou" else "a"
    return f"{article.capitalize() if capital else article} {text}"


def _noun(disposal: str) -> str:
    """The disposal as a noun phrase: "a community order", "a custodial sentence"."""
    if disposal == Disposal.CUSTODY:
        return "a custodial sentence"
    return _article(_label(disposal).lower())


def _months(day: date, months: int) -> date:
    return day + relativedelta(months=months)


def _halfway(start: date, end: date) -> date:
    """The halfway point of a term, counted in days and rounded up to a whole day."""
    return start + timedelta(days=math.ceil((end - start).days / 2))


@dataclass(frozen=True)
class OrderDates:
    start_date: date | None = None
    end_date: date | None = None
    expected_release_date: date | None = None
    licence_end_date: date | None = None
    post_sentence_supervision_end_date: date | None = None
    conditions_complete_by: date | None = None


def order_dates(
    *,
    disposal: str,
    sentence_date: date,
    length_months: int | None = None,
    expected_release_date: date | None = None,
    released_on: date | None = None,
    contract_signed_on: date | None = None,
) -> OrderDates:
    """The dates of a sentence worked out from its disposal's rules (pure: no database).

    `length_months` is the order length, the supervision period (suspended sentence order) or the custodial
    term (custody, detention and training order). `expected_release_date` replaces the halfway point when the
    court or prison gave one; `released_on` (the actual release) moves the end of post-sentence supervision.
    A referral order has no dates until `contract_signed_on`.
    """
    if disposal in (Disposal.COMMUNITY_RESOLUTION, Disposal.YOUTH_CAUTION):
        return OrderDates(start_date=sentence_date, end_date=sentence_date)
    if disposal == Disposal.YOUTH_CONDITIONAL_CAUTION:
        due = _months(sentence_date, YCC_CONDITIONS_MONTHS)
        return OrderDates(start_date=sentence_date, end_date=due, conditions_complete_by=due)
    if length_months is None:
        raise ValueError(f"{_label(disposal)} needs a length in months.")
    if disposal == Disposal.REFERRAL_ORDER:
        if contract_signed_on is None:
            return OrderDates()
        return OrderDates(start_date=contract_signed_on, end_date=_months(contract_signed_on, length_months))
    if disposal == Disposal.CUSTODY:
        licence_end = _months(sentence_date, length_months)
        release = expected_release_date or _halfway(sentence_date, licence_end)
        pss_end = None
        if length_months < PSS_TERM_LIMIT_MONTHS:
            pss_end = _months(released_on or release, PSS_MONTHS)
        return OrderDates(
            start_date=sentence_date,
            end_date=max(licence_end, pss_end) if pss_end else licence_end,
            expected_release_date=release,
            licence_end_date=licence_end,
            post_sentence_supervision_end_date=pss_end,
        )
    end = _months(sentence_date, length_months)
    if disposal == Disposal.DETENTION_AND_TRAINING_ORDER:
        return OrderDates(
            start_date=sentence_date,
            end_date=end,
            expected_release_date=expected_release_date or _halfway(sentence_date, end),
        )
    if disposal in (Disposal.COMMUNITY_ORDER, Disposal.SUSPENDED_SENTENCE_ORDER, Disposal.YOUTH_REHABILITATION_ORDER):
        return OrderDates(start_date=sentence_date, end_date=end)
    raise ValueError(f"Unknown disposal {disposal!r}")


def disposals_for_age(age: int) -> tuple[str, ...]:
    """The disposals a court (or the police, out of court) can give someone of this age on the day."""
    if age < MINIMUM_AGE:
        return ()
    return ADULT_DISPOSALS if age >= ADULT_AGE else YOUTH_DISPOSALS


# Requirements ----------------------------------------------------------------------------------------------


def _in_range(value, bounds: tuple[int, int]) -> bool:
    return value is not None and bounds[0] <= value <= bounds[1]


def _resolve_type(value, types_by_code: Mapping[str, RequirementType]) -> RequirementType | None:
    if isinstance(value, RequirementType):
        return value
    return types_by_code.get(str(value or "").strip())


def _requirement_errors(
    spec: Mapping, requirement_type: RequirementType, *, disposal: str, age: int, key
) -> dict[str, str]:
    """Field messages for one requirement; `key(field)` names where each message goes."""
    errors: dict[str, str] = {}
    name = requirement_type.name
    maximum_days, hours, sessions = spec.get("maximum_days"), spec.get("hours"), spec.get("sessions")
    programme_name = (spec.get("programme_name") or "").strip()
    details = (spec.get("details") or "").strip()
    takes_days = requirement_type.measure == RequirementType.Measure.DAYS
    takes_hours = requirement_type.is_unpaid_work or requirement_type.measure == RequirementType.Measure.HOURS
    takes_programme = requirement_type.is_accredited_programme or requirement_type.measure == "sessions"

    if not requirement_type.active:
        errors[key(None)] = f"{name} is no longer used for new requirements (the type has been switched off)."
    if takes_days:
        if not _in_range(maximum_days, RAR_DAYS_RANGE):
            errors[key("maximum_days")] = (
                f"{_article(name.lower(), capital=True)} needs the maximum number of days the court set, "
                f"from {RAR_DAYS_RANGE[0]} to {RAR_DAYS_RANGE[1]}."
            )
    elif maximum_days is not None:
        errors[key("maximum_days")] = "Only a rehabilitation activity requirement has a maximum number of days."
    if takes_hours:
        if disposal == Disposal.YOUTH_REHABILITATION_ORDER and age not in (16, 17):
            errors[key(None)] = (
                "Unpaid work can be part of a youth rehabilitation order only for a child aged 16 or 17 on the "
                f"day of sentence (this child was {age})."
            )
        bounds, who = (
            (UNPAID_WORK_ADULT_HOURS, "an adult") if age >= ADULT_AGE else (UNPAID_WORK_CHILD_HOURS, "a child")
        )
        if not _in_range(hours, bounds):
            errors[key("hours")] = f"Unpaid work for {who} is between {bounds[0]} and {bounds[1]} hours."
    elif hours is not None:
        errors[key("hours")] = "Only unpaid work has hours."
    if takes_programme:
        if not programme_name:
            errors[key("programme_name")] = "An accredited programme needs the name of the programme."
        if not _in_range(sessions, PROGRAMME_SESSIONS_RANGE):
            errors[key("sessions")] = (
                f"An accredited programme needs the number of sessions, from {PROGRAMME_SESSIONS_RANGE[0]} to "
                f"{PROGRAMME_SESSIONS_RANGE[1]}."
            )
    else:
        if programme_name:
            errors[key("programme_name")] = "Only an accredited programme has a programme name."
        if sessions is not None:
            errors[key("sessions")] = "Only an accredited programme has sessions."
    if requirement_type.measure == RequirementType.Measure.NONE and not details:
        errors[key("details")] = (
            f"{_article(name.lower(), capital=True)} requirement needs the details the court "
            "set, in the court's words (for example hours, places or the address)."
        )
    return errors


def _requirement_row(spec: Mapping, requirement_type: RequirementType) -> dict:
    takes_programme = requirement_type.is_accredited_programme or requirement_type.measure == "sessions"
    return {
        "requirement_type": requirement_type,
        "maximum_days": spec.get("maximum_days"),
        "hours": spec.get("hours"),
        "programme_name": (spec.get("programme_name") or "").strip() if takes_programme else "",
        "sessions": spec.get("sessions"),
        "details": (spec.get("details") or "").strip(),
    }


def _check_requirements(
    specs: Iterable[Mapping], *, disposal: str, age: int, existing_codes: Iterable[str] = (), prefixed: bool = True
) -> tuple[list[dict], dict[str, str]]:
    """Validate a list of requirement dicts: (rows ready to save, field messages).

    With `prefixed`, messages go under "requirements" and "requirements.<code>[.<field>]" (a sentence with
    its requirements); without, under "requirement_type" and the plain field names (one requirement added).
    """
    specs = list(specs)
    errors: dict[str, str] = {}
    rows: list[dict] = []
    list_key = "requirements" if prefixed else "requirement_type"
    if specs and disposal not in DISPOSALS_WITH_REQUIREMENTS:
        errors[list_key] = (
            f"Requirements can be added only to a community order, a suspended sentence order or a youth "
            f"rehabilitation order, not to {_noun(disposal)}."
        )
        return rows, errors
    codes = [
        spec.get("requirement_type") for spec in specs if not isinstance(spec.get("requirement_type"), RequirementType)
    ]
    types_by_code = {rt.code: rt for rt in RequirementType.objects.filter(code__in=[str(c) for c in codes if c])}
    seen = set(existing_codes)
    for spec in specs:
        requirement_type = _resolve_type(spec.get("requirement_type"), types_by_code)
        if requirement_type is None:
            given = spec.get("requirement_type")
            errors[list_key] = (
                f"There is no requirement type with the code “{given}”." if given else "Choose the type of requirement."
            )
            continue
        code = requirement_type.code

        def key(field, code=code):
            if prefixed:
                return f"requirements.{code}" + (f".{field}" if field else "")
            return field or "requirement_type"

        if code in seen:
            errors[key(None)] = (
                f"Each type of requirement can be added to an order only once: {requirement_type.name} is already "
                "on it."
            )
            continue
        seen.add(code)
        problems = _requirement_errors(spec, requirement_type, disposal=disposal, age=age, key=key)
        errors.update(problems)
        if not problems:
            rows.append(_requirement_row(spec, requirement_type))
    return rows, errors


def _save_requirements(*, by: User, sentence: Sentence, rows: list[dict], start_date: date, reason: str) -> list:
    saved = []
    for row in rows:
        requirement = Requirement(sentence=sentence, start_date=start_date, **row)
        saved.append(save_with_history(requirement, by=by, reason=reason))
    return saved


# Sentences -------------------------------------------------------------------------------------------------


def _length_errors(
    *, disposal: str, length_months, suspended_custodial_term_months, expected_release_date, sentence_date
) -> dict[str, str]:
    errors: dict[str, str] = {}
    label = _label(disposal)
    if disposal in OUT_OF_COURT_DISPOSALS:
        if length_months is not None:
            errors["length_months"] = (
                f"{_article(label.lower(), capital=True)} has no supervision length: leave the length empty."
            )
    elif length_months is None:
        what = {
            Disposal.SUSPENDED_SENTENCE_ORDER: "the supervision period of the suspended sentence order",
            Disposal.CUSTODY: "the custodial term",
            Disposal.DETENTION_AND_TRAINING_ORDER: "the term of the detention and training order",
        }.get(disposal, f"the length of the {label.lower()}")
        errors["length_months"] = f"Enter {what} in months."
    else:
        low, high = LENGTH_RANGES[disposal]
        if disposal == Disposal.DETENTION_AND_TRAINING_ORDER and length_months not in DTO_TERMS:
            errors["length_months"] = (
                "A detention and training order is 4, 6, 8, 10, 12, 18 or 24 months (between 4 and 24 months, "
                "in those steps only)."
            )
        elif not low <= length_months <= high:
            errors["length_months"] = {
                Disposal.SUSPENDED_SENTENCE_ORDER: f"The supervision period of a suspended sentence order is "
                f"between {low} and {high} months.",
                Disposal.CUSTODY: f"A custodial term is between {low} and {high} months.",
            }.get(disposal, f"{_article(label.lower(), capital=True)} is between {low} and {high} months.")

    if disposal == Disposal.SUSPENDED_SENTENCE_ORDER:
        low, high = SUSPENDED_TERM_RANGE
        if suspended_custodial_term_months is None:
            errors["suspended_custodial_term_months"] = "Enter the custodial term the order suspends, in months."
        elif not low <= suspended_custodial_term_months <= high:
            errors["suspended_custodial_term_months"] = (
                f"The custodial term a suspended sentence order suspends is between {low} and {high} months."
            )
    elif suspended_custodial_term_months is not None:
        errors["suspended_custodial_term_months"] = "Only a suspended sentence order has a suspended custodial term."

    if expected_release_date is not None:
        if disposal not in CUSTODIAL_DISPOSALS:
            errors["expected_release_date"] = "Only a custodial sentence has an expected release date."
        elif sentence_date is not None and expected_release_date < sentence_date:
            errors["expected_release_date"] = (
                "The expected release date cannot be before the date of sentence: release ends a term that "
                "starts on the day of sentence."
            )
        elif sentence_date is not None and "length_months" not in errors and length_months is not None:
            term_end = _months(sentence_date, length_months)
            if expected_release_date > term_end:
                errors["expected_release_date"] = (
                    f"The expected release date cannot be after the end of the custodial term ({term_end:%-d %B %Y})."
                )
    return errors


def allocating_provider(*, case: Case, court_appearance: CourtAppearance | None, child: bool) -> Provider | None:
    """The provider whose queue a newly sentenced case waits in: the active NPS division (adults) or youth
    offending team (children) of the sentencing court's region, or of the case's provider's region."""
    region_id = court_appearance.court.region_id if court_appearance is not None else case.provider.region_id
    provider_type = Provider.ProviderType.YOT if child else Provider.ProviderType.NPS_DIVISION
    return (
        Provider.objects.filter(provider_type=provider_type, region_id=region_id, active=True)
        .select_related("region")
        .order_by("name", "pk")
        .first()
    )


def _region_name(case: Case, court_appearance: CourtAppearance | None) -> str:
    region = court_appearance.court.region if court_appearance is not None else case.provider.region
    return region.name


@transaction.atomic
def sentence_record(
    *,
    by: User,
    case: Case,
    disposal: str,
    sentence_date: date,
    court_appearance: CourtAppearance | None = None,
    length_months: int | None = None,
    suspended_custodial_term_months: int | None = None,
    expected_release_date: date | None = None,
    conditions: str = "",
    intensive_supervision_and_surveillance: bool = False,
    requirements: Iterable[Mapping] = (),
) -> Sentence:
    """Record the court's sentence (or an out-of-court disposal) with its requirements.

    A case awaiting sentence (or allocation) moves to the allocation queue of the provider that allocates,
    without a team or officer, and `sentenced` is published. A case already active keeps its officer and
    `allocated` is published. Reports of the case still open are withdrawn (the court no longer needs them).
    """
    case = Case.objects.select_for_update(of=("self",)).select_related("person", "provider__region").get(pk=case.pk)
    person = case.person
    today = timezone.localdate()
    conditions = (conditions or "").strip()
    requirements = list(requirements or ())
    errors: dict[str, str] = {}

    if disposal not in Disposal.values:
        raise ValidationError({"disposal": "Choose a sentence from the list."})
    label = _label(disposal)

    if case.status == Case.Status.ENDED:
        errors[NON_FIELD_ERRORS] = "This case has ended: a sentence can be recorded only on an open case."
    else:
        current = Sentence.objects.filter(case=case, status=Sentence.Status.CURRENT).first()
        if current is not None:
            errors[NON_FIELD_ERRORS] = (
                f"This case already has a current sentence ({current}). A case supervises one sentence at a time."
            )

    age = None
    if sentence_date is None:
        errors["sentence_date"] = "Enter the date of sentence."
    elif sentence_date > today:
        errors["sentence_date"] = "The date of sentence cannot be in the future."
    else:
        age = age_on(person.date_of_birth, sentence_date)
        tenth_birthday = person.date_of_birth + relativedelta(years=MINIMUM_AGE)
        if age < MINIMUM_AGE:
            errors["sentence_date"] = (
                f"The date of sentence cannot be before {person.full_name}'s 10th birthday "
                f"({tenth_birthday:%-d %B %Y}): children under 10 cannot be held criminally responsible."
            )
        elif age >= ADULT_AGE and disposal in YOUTH_DISPOSALS:
            errors["disposal"] = (
                f"{_article(label.lower(), capital=True)} is a youth disposal, for children aged 10 to 17. "
                f"{person.full_name} was {age} on the date of sentence: choose an adult sentence."
            )
        elif age < ADULT_AGE and disposal in ADULT_DISPOSALS:
            errors["disposal"] = (
                f"{_article(label.lower(), capital=True)} is an adult sentence, for people aged 18 and "
                f"over. {person.full_name} was {age} on the date of sentence: choose a youth disposal."
            )

    if disposal in OUT_OF_COURT_DISPOSALS:
        if court_appearance is not None:
            errors["court_appearance"] = (
                f"{_article(label.lower(), capital=True)} is given out of court: it has no court appearance."
            )
    elif court_appearance is not None:
        if court_appearance.case_id != case.pk:
            errors["court_appearance"] = "This court appearance belongs to another case: choose one of this case's."
        elif sentence_date is not None and court_appearance.appearance_date > sentence_date:
            errors["court_appearance"] = (
                f"The court appearance ({court_appearance.appearance_date:%-d %B %Y}) is after the date of sentence: "
                "a sentence is passed at or after the hearing."
            )

    errors.update(
        _length_errors(
            disposal=disposal,
            length_months=length_months,
            suspended_custodial_term_months=suspended_custodial_term_months,
            expected_release_date=expected_release_date,
            sentence_date=sentence_date,
        )
    )
    if disposal == Disposal.YOUTH_CONDITIONAL_CAUTION:
        if not conditions:
            errors["conditions"] = "Record the conditions of the youth conditional caution."
    elif conditions:
        errors["conditions"] = "Conditions are recorded only for a youth conditional caution."
    if intensive_supervision_and_surveillance and disposal != Disposal.YOUTH_REHABILITATION_ORDER:
        errors["intensive_supervision_and_surveillance"] = (
            "Intensive supervision and surveillance can only be part of a youth rehabilitation order."
        )

    # Without a usable date of sentence, check requirements as for the disposal's usual age.
    usual_age = ADULT_AGE - 1 if disposal in YOUTH_DISPOSALS else ADULT_AGE
    age_for_requirements = usual_age if age is None else age
    rows, requirement_errors = _check_requirements(requirements, disposal=disposal, age=age_for_requirements)
    errors.update(requirement_errors)

    queue_provider = None
    moves_to_queue = case.status in (Case.Status.AWAITING_SENTENCE, Case.Status.AWAITING_ALLOCATION)
    if moves_to_queue and age is not None and not errors.get("court_appearance"):
        child = age < ADULT_AGE
        queue_provider = allocating_provider(case=case, court_appearance=court_appearance, child=child)
        if queue_provider is None:
            kind = "youth offending team" if child else "National Probation Service division"
            errors.setdefault(
                NON_FIELD_ERRORS,
                f"There is no active {kind} in the {_region_name(case, court_appearance)} region to allocate this "
                "case to. Ask an administrator to set one up, then record the sentence.",
            )

    if errors:
        raise ValidationError(errors)

    dates = order_dates(
        disposal=disposal,
        sentence_date=sentence_date,
        length_months=length_months,
        expected_release_date=expected_release_date,
    )
    sentence = Sentence(
        case=case,
        court_appearance=court_appearance,
        disposal=disposal,
        sentence_date=sentence_date,
        length_months=length_months,
        suspended_custodial_term_months=suspended_custodial_term_months,
        conditions=conditions,
        intensive_supervision_and_surveillance=intensive_supervision_and_surveillance,
        start_date=dates.start_date,
        end_date=dates.end_date,
        expected_release_date=dates.expected_release_date,
        licence_end_date=dates.licence_end_date,
        post_sentence_supervision_end_date=dates.post_sentence_supervision_end_date,
        conditions_complete_by=dates.conditions_complete_by,
    )
    save_with_history(sentence, by=by, reason="Sentence recorded")
    if rows:
        _save_requirements(
            by=by, sentence=sentence, rows=rows, start_date=sentence.start_date, reason="Requirement of the sentence"
        )

    _withdraw_open_reports(by=by, case=case, on=sentence_date)
    if moves_to_queue:
        _close_open_assignment(by=by, case=case, on=sentence_date)
        case.provider = queue_provider
        case.team = None
        case.responsible_officer = None
        case.status = Case.Status.AWAITING_ALLOCATION
        save_with_history(case, by=by, reason=f"Sentenced: waiting for allocation by {queue_provider.name}")
        events.publish(
            events.SENTENCED,
            case=case,
            subject=f"sentence:{sentence.pk}",
            on=sentence_date,
            by=by,
            disposal=sentence.disposal,
            in_custody=sentence.is_custodial,
        )
    elif case.responsible_officer_id is not None:
        # A new order while under supervision: the officer already holds the case, so it is allocated on the
        # day of sentence (opens the first appointment clock of a community sentence).
        events.publish(
            events.ALLOCATED,
            case=case,
            subject=f"sentence:{sentence.pk}",
            on=sentence_date,
            by=by,
            disposal=sentence.disposal,
            in_custody=sentence.is_custodial,
        )
    return sentence


SENTENCED_BEFORE_REPORT = "Sentenced before the report was delivered"


def _withdraw_open_reports(*, by: User, case: Case, on: date) -> None:
    """The court has sentenced: a report still open is no longer needed. Withdraw it (which cancels its NPS
    SL001 clock) rather than leave it, and its clock, open with an author who no longer holds the case."""
    open_reports = PreSentenceReport.objects.select_for_update().filter(
        case=case, status__in=PreSentenceReport.OPEN_STATUSES
    )
    for report in open_reports.order_by("pk"):
        report.status = PreSentenceReport.Status.WITHDRAWN
        report.withdrawn_reason = SENTENCED_BEFORE_REPORT
        save_with_history(report, by=by, reason="Report withdrawn: sentenced before it was delivered")
        events.publish(
            events.REPORT_WITHDRAWN,
            case=case,
            subject=f"report:{report.pk}",
            on=max(on, report.requested_on),
            by=by,
        )


def _close_open_assignment(*, by: User, case: Case, on: date) -> None:
    """The officer who held the case before sentence (the report author) no longer holds it."""
    for assignment in OfficerAssignment.objects.select_for_update().filter(case=case, end_date__isnull=True):
        assignment.end_date = max(on, assignment.start_date)
        save_with_history(assignment, by=by, reason="Sentenced: the case waits for allocation")


def _current_sentence_for_update(sentence: Sentence) -> Sentence:
    return (
        Sentence.objects.select_for_update(of=("self",))
        .select_related("case__person", "case__provider")
        .get(pk=sentence.pk)
    )


def _open_case_and_current_sentence_errors(sentence: Sentence) -> dict[str, str]:
    if sentence.case.status == Case.Status.ENDED:
        return {NON_FIELD_ERRORS: "This case has ended: its sentence can no longer change."}
    if sentence.status != Sentence.Status.CURRENT:
        status = sentence.get_status_display().lower()
        return {NON_FIELD_ERRORS: f"This sentence is {status}: only a current sentence can change."}
    return {}


@transaction.atomic
def requirement_add(
    *,
    by: User,
    sentence: Sentence,
    requirement_type: RequirementType | str,
    maximum_days: int | None = None,
    hours: int | None = None,
    programme_name: str = "",
    sessions: int | None = None,
    details: str = "",
    start_date: date | None = None,
) -> Requirement:
    """Add a requirement to a current order after the court amended it (same rules as at sentence).

    It starts on `start_date` (the day of the amendment; today when not given), within the order's dates.
    """
    sentence = _current_sentence_for_update(sentence)
    today = timezone.localdate()
    start_date = start_date or today
    errors = _open_case_and_current_sentence_errors(sentence)
    existing = Requirement.objects.filter(sentence=sentence).exclude(status=Requirement.Status.TERMINATED)
    rows, requirement_errors = _check_requirements(
        [
            {
                "requirement_type": requirement_type,
                "maximum_days": maximum_days,
                "hours": hours,
                "programme_name": programme_name,
                "sessions": sessions,
                "details": details,
            }
        ],
        disposal=sentence.disposal,
        age=age_on(sentence.case.person.date_of_birth, sentence.sentence_date),
        existing_codes=existing.values_list("requirement_type__code", flat=True),
        prefixed=False,
    )
    errors.update(requirement_errors)
    if start_date > today:
        errors["start_date"] = (
            "A requirement added by the court cannot start in the future: use the date of the amendment."
        )
    elif sentence.start_date and start_date < sentence.start_date:
        errors["start_date"] = f"A requirement cannot start before the order started ({sentence.start_date:%-d %B %Y})."
    elif sentence.end_date and start_date > sentence.end_date:
        errors["start_date"] = f"A requirement cannot start after the order ended ({sentence.end_date:%-d %B %Y})."
    if errors:
        raise ValidationError(errors)
    (requirement,) = _save_requirements(
        by=by, sentence=sentence, rows=rows, start_date=start_date, reason="Requirement added by the court"
    )
    return requirement


@transaction.atomic
def release_record(*, by: User, sentence: Sentence, released_on: date) -> Sentence:
    """Record release from custody (custody or a detention and training order), once.

    Post-sentence supervision runs from the actual release, so its end (and the sentence's end) is worked out
    again. Publishes `released`, which opens the first-appointment-after-release clock.
    """
    sentence = _current_sentence_for_update(sentence)
    errors = _open_case_and_current_sentence_errors(sentence)
    if sentence.disposal not in CUSTODIAL_DISPOSALS:
        errors[NON_FIELD_ERRORS] = (
            f"Only a custodial sentence has a release: this is {_article(sentence.get_disposal_display().lower())}."
        )
    elif sentence.released_on is not None:
        errors[NON_FIELD_ERRORS] = f"Release was already recorded on {sentence.released_on:%-d %B %Y}."
    if released_on is None:
        errors["released_on"] = "Enter the date of release."
    elif released_on > timezone.localdate():
        errors["released_on"] = "The date of release cannot be in the future: record it on the day or after."
    elif released_on < sentence.sentence_date:
        errors["released_on"] = (
            f"The date of release cannot be before the date of sentence ({sentence.sentence_date:%-d %B %Y})."
        )
    if errors:
        raise ValidationError(errors)

    sentence.released_on = released_on
    if sentence.disposal == Disposal.CUSTODY:
        dates = order_dates(
            disposal=sentence.disposal,
            sentence_date=sentence.sentence_date,
            length_months=sentence.length_months,
            expected_release_date=sentence.expected_release_date,
            released_on=released_on,
        )
        sentence.post_sentence_supervision_end_date = dates.post_sentence_supervision_end_date
        sentence.end_date = dates.end_date
    save_with_history(sentence, by=by, reason="Released from custody")
    events.publish(
        events.RELEASED,
        case=sentence.case,
        subject=f"release:{sentence.pk}",
        on=released_on,
        by=by,
        disposal=sentence.disposal,
        in_custody=False,
    )
    return sentence


@transaction.atomic
def panel_meeting_record(
    *,
    by: User,
    sentence: Sentence,
    meeting_type: str,
    meeting_date: date,
    contract_signed: bool = False,
    attendees: str = "",
    notes: str = "",
) -> ReferralPanelMeeting:
    """Record a youth offender panel meeting under a referral order.

    The contract signed at the initial panel starts the order: it runs for its length from that day.
    Progress and final panels come after the contract is signed.
    """
    sentence = _current_sentence_for_update(sentence)
    errors = _open_case_and_current_sentence_errors(sentence)
    if sentence.disposal != Disposal.REFERRAL_ORDER:
        raise ValidationError({NON_FIELD_ERRORS: "Panel meetings are held only under a referral order."})
    if meeting_type not in ReferralPanelMeeting.MeetingType.values:
        errors["meeting_type"] = "Choose the type of panel meeting."
    if meeting_date is None:
        errors["meeting_date"] = "Enter the date of the meeting."
    elif meeting_date > timezone.localdate():
        errors["meeting_date"] = (
            "The date of the meeting cannot be in the future: record a meeting once it has happened."
        )
    elif meeting_date < sentence.sentence_date:
        errors["meeting_date"] = (
            f"A panel meeting cannot be before the referral order was made ({sentence.sentence_date:%-d %B %Y})."
        )
    signed_on = sentence.contract_signed_on
    if meeting_type == ReferralPanelMeeting.MeetingType.INITIAL:
        if signed_on is not None:
            errors["meeting_type"] = (
                f"The contract was already signed at the initial panel on {signed_on:%-d %B %Y}: record a progress "
                "or final panel meeting."
            )
    elif meeting_type in ReferralPanelMeeting.MeetingType.values:
        if contract_signed:
            errors["contract_signed"] = "The contract is signed at the initial panel meeting, not a later one."
        if signed_on is None:
            errors["meeting_type"] = (
                "A progress or final panel meeting needs the contract signed at the initial panel meeting first."
            )
        elif meeting_date is not None and "meeting_date" not in errors and meeting_date < signed_on:
            errors["meeting_date"] = (
                f"A progress or final panel meeting cannot be before the contract was signed ({signed_on:%-d %B %Y})."
            )
        if (
            meeting_type == ReferralPanelMeeting.MeetingType.FINAL
            and ReferralPanelMeeting.objects.filter(sentence=sentence, meeting_type="final").exists()
        ):
            errors["meeting_type"] = "The final panel meeting has already been recorded."
    if errors:
        raise ValidationError(errors)

    meeting = ReferralPanelMeeting(
        sentence=sentence,
        meeting_type=meeting_type,
        meeting_date=meeting_date,
        contract_signed=contract_signed,
        attendees=(attendees or "").strip(),
        notes=(notes or "").strip(),
        recorded_by=by,
    )
    save_with_history(meeting, by=by, reason="Panel meeting recorded")
    if contract_signed:
        dates = order_dates(
            disposal=sentence.disposal,
            sentence_date=sentence.sentence_date,
            length_months=sentence.length_months,
            contract_signed_on=meeting_date,
        )
        sentence.contract_signed_on = meeting_date
        sentence.start_date = dates.start_date
        sentence.end_date = dates.end_date
        save_with_history(sentence, by=by, reason="Referral order contract signed: the order starts")
    return meeting
