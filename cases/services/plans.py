"""Writes for sentence plans, their reviews, and resettlement plans (shared/DOMAIN.md sections 5 and 7).

Every function takes the acting user (`by`), records history with them, and raises ValidationError with one
message per problem, in plain English, before writing anything.

Clocks (timeliness.registry): completing a sentence plan publishes SENTENCE_PLAN_COMPLETED, which stops NPS
SL005R/006R and CRC SL003/004; recording the basic custody screening publishes CUSTODY_SCREENING_COMPLETED,
which opens CRC SL013 on a CRC case; completing the resettlement plan publishes RESETTLEMENT_PLAN_COMPLETED,
which stops it.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases import events
from cases.models import (
    CUSTODIAL_DISPOSALS,
    Case,
    NeedArea,
    ObjectiveProgress,
    Person,
    PlanObjective,
    PlanReview,
    ResettlementPlan,
    Sentence,
    SentencePlan,
)
from config.history import save_with_history

# What a draft plan's own page changes (objectives have their own functions).
PLAN_FIELDS = (
    "strengths",
    "involvement",
    "involvement_details",
    "diversity_needs",
    "barriers_to_engagement",
    "female_officer_offered",
    "women_only_setting_offered",
)
WOMEN_ONLY_FIELDS = ("female_officer_offered", "women_only_setting_offered")
OBJECTIVE_FIELDS = ("need_area", "description", "who_delivers", "target_date", "actions")

ENDED_CASE_MESSAGE = "This case has ended: its plans can no longer be changed."
COMPLETED_PLAN_MESSAGE = "This plan has been completed. A completed plan changes only through a review."
NOT_INVOLVED_DETAILS_MESSAGE = "Say what happened: why the person was not meaningfully involved in their plan."
WOMEN_ONLY_MESSAGE = "Only women are asked whether they were offered a female officer and a women-only setting."


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _not_in_future(errors: dict, field: str, value: date | None, label: str) -> None:
    if value is not None and value > timezone.localdate():
        errors[field] = f"{label} must be today or in the past."


def _long_date(value: date) -> str:
    return f"{value:%-d %B %Y}"


def current_sentence(case: Case) -> Sentence | None:
    """The case's current sentence (at most one: a database constraint), or None."""
    return Sentence.objects.filter(case_id=case.pk, status=Sentence.Status.CURRENT).first()


def is_woman(person: Person) -> bool:
    """Women must be offered a female officer and a women-only setting (shared/DOMAIN.md section 5)."""
    return person.gender == Person.Gender.FEMALE


def in_custody(sentence: Sentence) -> bool:
    """Still serving the custodial part of a custodial sentence."""
    return sentence.disposal in CUSTODIAL_DISPOSALS and sentence.released_on is None


def plan_started_on(plan: SentencePlan) -> date:
    """The day the plan was started (local time)."""
    return timezone.localdate(plan.created_at)


def _refuse_if_ended(case_id: int) -> None:
    """Lock the case and refuse any change to its plans once it has ended (as plan_start does)."""
    if Case.objects.select_for_update().get(pk=case_id).status == Case.Status.ENDED:
        raise ValidationError({"case": ENDED_CASE_MESSAGE})


def _locked_plan(plan: SentencePlan) -> SentencePlan:
    """The plan, locked for the change, or a refusal when its case has ended."""
    plan = (
        SentencePlan.objects.select_for_update(of=("self",)).select_related("case__person", "sentence").get(pk=plan.pk)
    )
    _refuse_if_ended(plan.case_id)
    return plan


def _text(value) -> str:
    return (value or "").strip()


# Sentence plans ----------------------------------------------------------------------------------------------


@transaction.atomic
def plan_start(*, by: User, case: Case) -> SentencePlan:
    """Start a draft plan for the case's current sentence. A sentence has at most one draft at a time."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Case.Status.ACTIVE:
        raise ValidationError(
            {"case": f"A plan is started on an active case. This case is {case.get_status_display().lower()}."}
        )
    sentence = current_sentence(case)
    if sentence is None:
        raise ValidationError({"case": "This case has no current sentence. Record the sentence before planning."})
    if SentencePlan.objects.filter(sentence=sentence, status=SentencePlan.Status.DRAFT).exists():
        raise ValidationError({"case": "This sentence already has a draft plan. Carry on with the draft instead."})
    plan = SentencePlan(case=case, sentence=sentence)
    return save_with_history(plan, by=by, reason="Plan started")


def _check_plan_fields(errors: dict, plan: SentencePlan, fields: dict) -> None:
    unknown = set(fields) - set(PLAN_FIELDS)
    for name in sorted(unknown):
        errors[name] = "This is not a field of a sentence plan that can be changed here."
    involvement = fields.get("involvement", plan.involvement)
    if involvement not in ("", *SentencePlan.Involvement.values):
        errors["involvement"] = "Choose yes, no because they would not engage, or no because they were not involved."
    details = fields.get("involvement_details", plan.involvement_details)
    if involvement in (SentencePlan.Involvement.WOULD_NOT_ENGAGE, SentencePlan.Involvement.NOT_INVOLVED) and not _text(
        details
    ):
        errors["involvement_details"] = NOT_INVOLVED_DETAILS_MESSAGE
    for name in WOMEN_ONLY_FIELDS:
        if name in fields and fields[name] not in (None, True, False):
            errors[name] = "Answer yes or no."
    if not is_woman(plan.case.person):
        for name in WOMEN_ONLY_FIELDS:
            if fields.get(name) is not None:
                errors[name] = WOMEN_ONLY_MESSAGE


@transaction.atomic
def plan_update(*, by: User, plan: SentencePlan, **fields) -> SentencePlan:
    """Change a draft plan's strengths, involvement, diversity and barriers, and the women's offers."""
    plan = _locked_plan(plan)
    if plan.status != SentencePlan.Status.DRAFT:
        raise ValidationError(COMPLETED_PLAN_MESSAGE)
    errors: dict = {}
    _check_plan_fields(errors, plan, fields)
    _raise(errors)
    changed = {name: value for name, value in fields.items() if getattr(plan, name) != value}
    if not changed:
        return plan
    for name, value in changed.items():
        setattr(plan, name, value.strip() if isinstance(value, str) else value)
    return save_with_history(plan, by=by, reason="Draft plan changed")


def _check_objective(errors: dict, plan: SentencePlan, fields: dict) -> None:
    unknown = set(fields) - set(OBJECTIVE_FIELDS)
    for name in sorted(unknown):
        errors[name] = "This is not a field of an objective."
    if "need_area" in fields and fields["need_area"] not in NeedArea.values:
        errors["need_area"] = "Choose the need area the objective addresses."
    if "description" in fields and not _text(fields["description"]):
        errors["description"] = "Enter what will change."
    if "who_delivers" in fields and not _text(fields["who_delivers"]):
        errors["who_delivers"] = "Enter who will do it."
    elif "who_delivers" in fields and len(_text(fields["who_delivers"])) > 200:
        errors["who_delivers"] = "Who will do it must be 200 characters or fewer."
    if "target_date" in fields:
        target = fields["target_date"]
        started = plan_started_on(plan)
        if not isinstance(target, date):
            errors["target_date"] = "Enter the target date."
        elif target < started:
            errors["target_date"] = f"The target date cannot be before the plan was started ({_long_date(started)})."
        elif plan.sentence.end_date is not None and target > plan.sentence.end_date:
            errors["target_date"] = (
                f"The target date cannot be after the sentence ends ({_long_date(plan.sentence.end_date)})."
            )


@transaction.atomic
def objective_add(
    *,
    by: User,
    plan: SentencePlan,
    need_area: str,
    description: str,
    who_delivers: str,
    target_date: date,
    actions: str = "",
) -> PlanObjective:
    """Add an objective to a draft plan, against one of the twelve need areas."""
    plan = _locked_plan(plan)
    if plan.status != SentencePlan.Status.DRAFT:
        raise ValidationError(COMPLETED_PLAN_MESSAGE)
    fields = {
        "need_area": need_area,
        "description": description,
        "who_delivers": who_delivers,
        "target_date": target_date,
        "actions": actions,
    }
    errors: dict = {}
    _check_objective(errors, plan, fields)
    _raise(errors)
    objective = PlanObjective(
        plan=plan,
        need_area=need_area,
        description=_text(description),
        who_delivers=_text(who_delivers),
        target_date=target_date,
        actions=_text(actions),
    )
    return save_with_history(objective, by=by, reason="Objective added")


@transaction.atomic
def objective_update(*, by: User, objective: PlanObjective, **fields) -> PlanObjective:
    """Change an objective of a draft plan. Its status changes only through a review of the completed plan."""
    objective = PlanObjective.objects.select_for_update().get(pk=objective.pk)
    plan = _locked_plan(objective.plan)
    if plan.status != SentencePlan.Status.DRAFT:
        raise ValidationError(COMPLETED_PLAN_MESSAGE)
    errors: dict = {}
    _check_objective(errors, plan, fields)
    _raise(errors)
    changed = {name: value for name, value in fields.items() if getattr(objective, name) != value}
    if not changed:
        return objective
    for name, value in changed.items():
        setattr(objective, name, value.strip() if isinstance(value, str) else value)
    return save_with_history(objective, by=by, reason="Objective changed")


def plan_completion_problems(plan: SentencePlan, *, completed_on: date | None) -> dict:
    """What stops the plan being completed on `completed_on`: one message per missing item (empty if none)."""
    errors: dict = {}
    if not plan.objectives.exists():
        errors["objectives"] = "Add at least one objective."
    if not _text(plan.strengths):
        errors["strengths"] = "Enter the person's strengths and protective factors."
    if not plan.involvement:
        errors["involvement"] = "Say whether the person was meaningfully involved in their plan."
    elif plan.involvement != SentencePlan.Involvement.YES and not _text(plan.involvement_details):
        errors["involvement_details"] = NOT_INVOLVED_DETAILS_MESSAGE
    if is_woman(plan.case.person):
        if plan.female_officer_offered is None:
            errors["female_officer_offered"] = "Say whether she was offered a female officer."
        if plan.women_only_setting_offered is None:
            errors["women_only_setting_offered"] = "Say whether she was offered a women-only setting."
    if completed_on is None:
        errors["completed_on"] = "Enter the date the plan was completed."
    else:
        _not_in_future(errors, "completed_on", completed_on, "The completion date")
        if "completed_on" not in errors and completed_on < plan.sentence.sentence_date:
            errors["completed_on"] = (
                f"The completion date cannot be before the sentence ({_long_date(plan.sentence.sentence_date)})."
            )
    return errors


@transaction.atomic
def plan_complete(*, by: User, plan: SentencePlan, completed_on: date) -> SentencePlan:
    """Complete a draft plan: stops the sentence plan clock (NPS SL005R/006R, CRC SL003/004)."""
    plan = _locked_plan(plan)
    if plan.status != SentencePlan.Status.DRAFT:
        raise ValidationError("This plan has already been completed. A completed plan changes only through a review.")
    _raise(plan_completion_problems(plan, completed_on=completed_on))
    plan.status = SentencePlan.Status.COMPLETED
    plan.completed_on = completed_on
    plan.completed_by = by
    save_with_history(plan, by=by, reason="Plan completed")
    sentence = plan.sentence
    events.publish(
        events.SENTENCE_PLAN_COMPLETED,
        case=plan.case,
        subject=f"sentence:{plan.sentence_id}",
        on=completed_on,
        by=by,
        disposal=sentence.disposal,
        in_custody=in_custody(sentence),
    )
    return plan


def progress_field(objective_id: int) -> str:
    """The error key for one objective's progress in a review ("objective_12")."""
    return f"objective_{objective_id}"


def _progress_entry(errors: dict, objective: PlanObjective, entry) -> tuple[str, str] | None:
    key = progress_field(objective.pk)
    if not isinstance(entry, dict):
        errors[key] = f"Choose the progress on “{objective.description[:60]}”."
        return None
    status = entry.get("status") or ""
    notes = entry.get("notes") or ""
    if status not in PlanObjective.Status.values:
        errors[key] = f"Choose the progress on “{objective.description[:60]}”."
        return None
    if not isinstance(notes, str):
        errors[key] = "Notes must be text."
        return None
    return status, notes.strip()


@transaction.atomic
def plan_review_record(
    *,
    by: User,
    plan: SentencePlan,
    reviewed_on: date,
    summary: str,
    person_involved: bool,
    progress: dict,
) -> PlanReview:
    """Review a completed plan: a status and notes for every objective (`progress` maps objective id to
    {"status": PlanObjective.Status, "notes": str}). Each objective takes the status the review gives it."""
    plan = _locked_plan(plan)
    if plan.status != SentencePlan.Status.COMPLETED:
        raise ValidationError("Only a completed plan is reviewed. Complete the plan first.")
    objectives = list(PlanObjective.objects.select_for_update().filter(plan=plan).order_by("target_date", "pk"))
    errors: dict = {}
    if reviewed_on is None:
        errors["reviewed_on"] = "Enter the date of the review."
    else:
        _not_in_future(errors, "reviewed_on", reviewed_on, "The review date")
        if "reviewed_on" not in errors and reviewed_on < plan.completed_on:
            errors["reviewed_on"] = (
                f"The review date cannot be before the plan was completed ({_long_date(plan.completed_on)})."
            )
    if not _text(summary):
        errors["summary"] = "Enter a summary of the review."
    if person_involved not in (True, False):
        errors["person_involved"] = "Say whether the person took part in the review."
    by_id = {}
    for key, entry in (progress or {}).items():
        try:
            by_id[int(key)] = entry
        except (TypeError, ValueError):
            errors["progress"] = "Progress is given for objectives of this plan only."
    known = {objective.pk for objective in objectives}
    if set(by_id) - known:
        errors["progress"] = "Progress is given for objectives of this plan only."
    checked = {}
    for objective in objectives:
        if objective.pk not in by_id:
            errors[progress_field(objective.pk)] = f"Choose the progress on “{objective.description[:60]}”."
            continue
        result = _progress_entry(errors, objective, by_id[objective.pk])
        if result is not None:
            checked[objective.pk] = result
    _raise(errors)

    review = save_with_history(
        PlanReview(
            plan=plan,
            reviewed_on=reviewed_on,
            summary=_text(summary),
            person_involved=person_involved,
            reviewed_by=by,
        ),
        by=by,
        reason="Plan reviewed",
    )
    for objective in objectives:
        status, notes = checked[objective.pk]
        save_with_history(
            ObjectiveProgress(plan_review=review, objective=objective, status=status, notes=notes),
            by=by,
            reason="Plan reviewed",
        )
        if objective.status != status:
            objective.status = status
            save_with_history(objective, by=by, reason=f"Reviewed on {_long_date(reviewed_on)}")
    return review


# Resettlement (Through the Gate: prison resettlement work before release) ---------------------------------------------


@transaction.atomic
def custody_screening_record(*, by: User, case: Case, screened_on: date, screening_needs: str) -> ResettlementPlan:
    """Record the basic custody screening: opens CRC SL013 (resettlement plan within 5 days) on a CRC case."""
    case = Case.objects.select_for_update(of=("self",)).select_related("provider").get(pk=case.pk)
    if case.status == Case.Status.ENDED:
        raise ValidationError({"case": ENDED_CASE_MESSAGE})
    sentence = current_sentence(case)
    if sentence is None or sentence.disposal not in CUSTODIAL_DISPOSALS:
        raise ValidationError({"case": "Custody screening is for a case whose current sentence is custodial."})
    if sentence.released_on is not None:
        raise ValidationError(
            {"case": f"The person was released on {_long_date(sentence.released_on)}. Screening is done in custody."}
        )
    existing = ResettlementPlan.objects.filter(sentence=sentence).first()
    if existing is not None:
        raise ValidationError(
            {"case": f"The screening for this sentence was recorded on {_long_date(existing.screened_on)}."}
        )
    errors: dict = {}
    if screened_on is None:
        errors["screened_on"] = "Enter the date of the screening."
    else:
        _not_in_future(errors, "screened_on", screened_on, "The screening date")
        if "screened_on" not in errors and screened_on < sentence.sentence_date:
            errors["screened_on"] = (
                f"The screening date cannot be before the sentence ({_long_date(sentence.sentence_date)})."
            )
    if not _text(screening_needs):
        errors["screening_needs"] = "Enter the needs found at screening."
    _raise(errors)
    plan = save_with_history(
        ResettlementPlan(case=case, sentence=sentence, screened_on=screened_on, screening_needs=_text(screening_needs)),
        by=by,
        reason="Basic custody screening recorded",
    )
    events.publish(
        events.CUSTODY_SCREENING_COMPLETED,
        case=case,
        subject=f"resettlement:{sentence.pk}",
        on=screened_on,
        by=by,
        disposal=sentence.disposal,
        in_custody=True,
    )
    return plan


@transaction.atomic
def resettlement_plan_complete(
    *,
    by: User,
    plan: ResettlementPlan,
    completed_on: date,
    accommodation_on_release: str,
    money_on_release: str,
    links_to_services: str,
    accommodation_details: str = "",
    other_actions: str = "",
) -> ResettlementPlan:
    """Complete the resettlement plan: the minimum on release is somewhere safe to sleep that night, enough money
    for basic needs, and live links to services. Stops CRC SL013."""
    plan = ResettlementPlan.objects.select_for_update(of=("self",)).select_related("case", "sentence").get(pk=plan.pk)
    _refuse_if_ended(plan.case_id)
    if plan.status != ResettlementPlan.Status.SCREENED:
        raise ValidationError("This resettlement plan has already been completed.")
    errors: dict = {}
    if completed_on is None:
        errors["completed_on"] = "Enter the date the plan was completed."
    else:
        _not_in_future(errors, "completed_on", completed_on, "The completion date")
        if "completed_on" not in errors and completed_on < plan.screened_on:
            errors["completed_on"] = (
                f"The completion date cannot be before the screening ({_long_date(plan.screened_on)})."
            )
    if accommodation_on_release not in ResettlementPlan.Accommodation.values:
        errors["accommodation_on_release"] = "Choose where the person will sleep on the night of release."
    elif accommodation_on_release == ResettlementPlan.Accommodation.NONE and not _text(accommodation_details):
        errors["accommodation_details"] = (
            "The person has nowhere to stay yet: say what is being done to find somewhere."
        )
    if not _text(money_on_release):
        errors["money_on_release"] = "Enter how the person will have enough money for basic needs on release."
    if not _text(links_to_services):
        errors["links_to_services"] = "Enter the services the person will be linked to on release."
    _raise(errors)
    plan.status = ResettlementPlan.Status.COMPLETED
    plan.completed_on = completed_on
    plan.accommodation_on_release = accommodation_on_release
    plan.accommodation_details = _text(accommodation_details)
    plan.money_on_release = _text(money_on_release)
    plan.links_to_services = _text(links_to_services)
    plan.other_actions = _text(other_actions)
    save_with_history(plan, by=by, reason="Resettlement plan completed")
    events.publish(
        events.RESETTLEMENT_PLAN_COMPLETED,
        case=plan.case,
        subject=f"resettlement:{plan.sentence_id}",
        on=completed_on,
        by=by,
        disposal=plan.sentence.disposal,
        in_custody=in_custody(plan.sentence),
    )
    return plan
