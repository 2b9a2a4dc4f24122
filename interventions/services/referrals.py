"""Writes for referrals to services (issue 5, item 5; shared/DOMAIN.md section 5: "Interventions are delivered
in-house or bought from providers (CRC 'rate card', voluntary sector)").

- A service provider (in-house, a CRC's rate card, the voluntary sector, a partner agency such as a housing or
  substance misuse service) covers one or more of the twelve need areas; managers and administrators add them
  (service_provider_create).
- A referral is made on an open case, to an active provider that covers the need area (and is national or in the
  case's region), optionally for an objective of the case's current sentence plan with the same need area
  (service_referral_create).
- Its status moves (service_referral_update):
      referred -> accepted | declined | withdrawn
      accepted -> started | declined | withdrawn
      started  -> completed | withdrawn
  completed, declined and withdrawn close it and need the outcome or the reason. Dates default to today and are
  never in the future nor before the step before them.

Case work (interventions.rules.can_do_case_work) on a case the user can see; any other case is "not found"
(Http404). Every write records the acting user (config.history.save_with_history) and raises ValidationError with
field messages, writing nothing, when a rule is not met.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import Provider, Region, User
from cases.models import Case, NeedArea, PlanObjective
from cases.selectors import cases_visible_to
from config.history import save_with_history
from interventions.models import ServiceNeedArea, ServiceProvider, ServiceReferral
from interventions.rules import MANAGING_ROLES, can_do_case_work

Status = ServiceReferral.Status

TEXT_MAX_LENGTH = 10_000
NAME_MAX_LENGTH = 150
# Where each status may go next.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.REFERRED: (Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN),
    Status.ACCEPTED: (Status.STARTED, Status.DECLINED, Status.WITHDRAWN),
    Status.STARTED: (Status.COMPLETED, Status.WITHDRAWN),
    Status.COMPLETED: (),
    Status.DECLINED: (),
    Status.WITHDRAWN: (),
}
CLOSED = (Status.COMPLETED, Status.DECLINED, Status.WITHDRAWN)
OUTCOME_REQUIRED = {
    Status.COMPLETED: "Say what came of the referral.",
    Status.DECLINED: "Say why the service declined the referral.",
    Status.WITHDRAWN: "Say why the referral is withdrawn.",
}
# Where a referral is, in words that follow "This referral ...".
STATUS_PHRASES = {
    Status.REFERRED: "is waiting for the service to accept it",
    Status.ACCEPTED: "was accepted and the service has not started",
    Status.STARTED: "has started",
    Status.COMPLETED: "is completed",
    Status.DECLINED: "was declined by the service",
    Status.WITHDRAWN: "was withdrawn",
}
NO_CASE_WORK = (
    "Only responsible officers and managers can make and update referrals: ask the case's responsible officer or "
    "their manager."
)


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


def allowed_next(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def can_manage_services(user: User | None) -> bool:
    """Managers and administrators add service providers to the directory."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.role in MANAGING_ROLES)


def _need_area_label(value: str) -> str:
    return str(NeedArea(value).label).lower() if value in NeedArea.values else value


@transaction.atomic
def service_provider_create(
    *,
    by: User,
    name: str,
    kind: str,
    need_areas: list[str],
    region: Region | None = None,
    provider: Provider | None = None,
    description: str = "",
    telephone: str = "",
    email: str = "",
    address: str = "",
) -> ServiceProvider:
    """Add a service to the directory with the need areas it covers (one ServiceNeedArea row each).

    Managers and administrators only. In-house and rate card services name the probation provider that runs or
    buys them; a manager may only name their own provider. The name is unique; at least one need area.
    """
    if not can_manage_services(by):
        raise ValidationError({"service_provider": "Only managers and administrators can add services."})
    errors: dict[str, str] = {}
    name = (name or "").strip()
    description = (description or "").strip()
    telephone = (telephone or "").strip()
    email = (email or "").strip()
    address = (address or "").strip()
    if not name:
        errors["name"] = "Enter the name of the service."
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"The name must be {NAME_MAX_LENGTH} characters or fewer."
    elif ServiceProvider.objects.filter(name__iexact=name).exists():
        errors["name"] = f"A service called \u2018{name}\u2019 is already in the directory."
    if kind not in ServiceProvider.Kind.values:
        errors["kind"] = "Choose the kind of service: in-house, CRC rate card, voluntary sector or partner agency."
    areas = []
    for value in need_areas or []:
        if value not in NeedArea.values:
            errors["need_areas"] = "Choose need areas from the list."
            break
        if value not in areas:
            areas.append(value)
    if not areas and "need_areas" not in errors:
        errors["need_areas"] = "Choose at least one need area the service covers."
    if kind in (ServiceProvider.Kind.IN_HOUSE, ServiceProvider.Kind.RATE_CARD):
        if provider is None:
            errors["provider"] = "Choose the probation provider that runs or buys this service."
        elif by.role != User.Role.ADMINISTRATOR and (by.team is None or by.team.provider_id != provider.pk):
            errors["provider"] = "You can only add in-house and rate card services of your own provider."
    if len(description) > TEXT_MAX_LENGTH:
        errors["description"] = f"The description must be {TEXT_MAX_LENGTH:,} characters or fewer."
    if len(telephone) > 40:
        errors["telephone"] = "The telephone number must be 40 characters or fewer."
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter an email address in the correct format, like name@example.com."
    if len(address) > 250:
        errors["address"] = "The address must be 250 characters or fewer."
    if errors:
        raise ValidationError(errors)
    service = ServiceProvider(
        name=name,
        kind=kind,
        region=region,
        provider=provider,
        description=description,
        telephone=telephone,
        email=email,
        address=address,
    )
    save_with_history(service, by=by, reason="Service added to the directory")
    for value in areas:
        save_with_history(ServiceNeedArea(service_provider=service, need_area=value), by=by, reason="Need area covered")
    return service


def _case_for(by: User, case: Case) -> Case:
    if not can_do_case_work(by):
        raise ValidationError({"case": NO_CASE_WORK})
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("provider")
        .filter(pk=case.pk, pk__in=cases_visible_to(by).values("pk"))
        .first()
    )
    if locked is None:
        raise Http404("Not found")
    return locked


@transaction.atomic
def service_referral_create(
    *,
    by: User,
    case: Case,
    service_provider: ServiceProvider,
    need_area: str,
    reason_for_referral: str,
    plan_objective: PlanObjective | None = None,
    referred_on: date | None = None,
) -> ServiceReferral:
    """Refer the person to a service for a need.

    The case is open and `by` can see it (else Http404); the service is active, national or in the case's region,
    and covers the need area; the objective, when given, belongs to the case's plan and has the same need area;
    the reason is required; the date is today or earlier and not before the case started. A second open referral
    to the same service for the same need is refused.
    """
    case = _case_for(by, case)
    if case.status == Case.Status.ENDED:
        raise ValidationError({"case": "This case has ended: referrals can only be made on an open case."})
    errors: dict[str, str] = {}
    reason_for_referral = (reason_for_referral or "").strip()
    if need_area not in NeedArea.values:
        errors["need_area"] = "Choose the need area from the list."
    if service_provider is None:
        errors["service_provider"] = "Choose the service."
    elif not service_provider.active:
        errors["service_provider"] = f"{service_provider.name} is no longer taking referrals: choose another service."
    elif service_provider.region_id is not None and service_provider.region_id != case.provider.region_id:
        errors["service_provider"] = f"{service_provider.name} works outside the case's region: choose another service."
    elif "need_area" not in errors and not service_provider.need_areas.filter(need_area=need_area).exists():
        covered = ", ".join(str(area) for area in service_provider.need_areas.all()) or "no need areas"
        errors["service_provider"] = (
            f"{service_provider.name} does not cover {_need_area_label(need_area)} (it covers {covered.lower()}): "
            "choose a service that does."
        )
    elif ServiceReferral.objects.filter(
        case=case, service_provider=service_provider, need_area=need_area, status__in=ServiceReferral.OPEN
    ).exists():
        errors["service_provider"] = (
            f"This case already has an open referral to {service_provider.name} for {_need_area_label(need_area)}: "
            "update that referral instead."
        )
    if plan_objective is not None:
        plan_objective = PlanObjective.objects.select_related("plan").filter(pk=plan_objective.pk).first()
        if plan_objective is None or plan_objective.plan.case_id != case.pk:
            errors["plan_objective"] = "Choose an objective of this case's sentence plan."
        elif "need_area" not in errors and plan_objective.need_area != need_area:
            errors["plan_objective"] = (
                f"That objective is about {_need_area_label(plan_objective.need_area)}: choose an objective about "
                f"{_need_area_label(need_area)}, or none."
            )
    if not reason_for_referral:
        errors["reason_for_referral"] = "Enter the reason for the referral: say what the person needs from the service."
    elif len(reason_for_referral) > TEXT_MAX_LENGTH:
        errors["reason_for_referral"] = f"The reason must be {TEXT_MAX_LENGTH:,} characters or fewer."
    today = timezone.localdate()
    referred_on = today if referred_on is None else referred_on
    if referred_on > today:
        errors["referred_on"] = "The date of the referral cannot be in the future."
    elif referred_on < case.start_date:
        errors["referred_on"] = f"The date of the referral cannot be before the case started ({_day(case.start_date)})."
    if errors:
        raise ValidationError(errors)
    referral = ServiceReferral(
        case=case,
        service_provider=service_provider,
        need_area=need_area,
        plan_objective=plan_objective,
        status=Status.REFERRED,
        referred_on=referred_on,
        referred_by=by,
        reason_for_referral=reason_for_referral,
    )
    return save_with_history(referral, by=by, reason=f"Referred to {service_provider.name}")


def transition_refusal(referral: ServiceReferral, status: str) -> str:
    """Why the referral cannot move to `status` ("" when it can)."""
    if status in allowed_next(referral.status):
        return ""
    options = allowed_next(referral.status)
    if not options:
        return f"This referral {STATUS_PHRASES[referral.status]}: it is closed and its status cannot change."
    words = " or ".join(str(Status(option).label).lower() for option in options)
    target = str(Status(status).label).lower() if status in Status.values else status
    return f"This referral {STATUS_PHRASES[referral.status]}: it can be marked {words}, not {target}."


@transaction.atomic
def service_referral_update(
    *, by: User, referral: ServiceReferral, status: str, on: date | None = None, outcome: str = ""
) -> ServiceReferral:
    """Move a referral on: accepted, started, completed, declined or withdrawn (see TRANSITIONS). Completed,
    declined and withdrawn close it and need the outcome or the reason (`outcome`). `on` is the day it happened:
    today by default, not in the future, not before the referral's last step."""
    if not can_do_case_work(by):
        raise ValidationError({"referral": NO_CASE_WORK})
    locked = (
        ServiceReferral.objects.select_for_update(of=("self",))
        .select_related("service_provider")
        .filter(pk=referral.pk, case__in=cases_visible_to(by).values("pk"))
        .first()
    )
    if locked is None:
        raise Http404("Not found")
    referral = locked
    if status not in Status.values:
        raise ValidationError({"status": "Choose the new status from the list."})
    refusal = transition_refusal(referral, status)
    if refusal:
        raise ValidationError({"status": refusal})
    errors: dict[str, str] = {}
    outcome = (outcome or "").strip()
    if status in CLOSED and not outcome:
        errors["outcome"] = OUTCOME_REQUIRED[status]
    elif status not in CLOSED and outcome:
        errors["outcome"] = (
            "Only a referral that is completed, declined or withdrawn has an outcome: leave the outcome empty."
        )
    elif len(outcome) > TEXT_MAX_LENGTH:
        errors["outcome"] = f"The outcome must be {TEXT_MAX_LENGTH:,} characters or fewer."
    today = timezone.localdate()
    on = today if on is None else on
    previous = max(day for day in (referral.referred_on, referral.accepted_on, referral.started_on) if day)
    if on > today:
        errors["on"] = "The date cannot be in the future."
    elif on < previous:
        errors["on"] = f"The date cannot be before the referral's last step ({_day(previous)})."
    if errors:
        raise ValidationError(errors)
    referral.status = status
    if status == Status.ACCEPTED:
        referral.accepted_on = on
    elif status == Status.STARTED:
        referral.started_on = on
    else:
        referral.ended_on = on
        referral.outcome = outcome
    return save_with_history(referral, by=by, reason=f"Referral {str(Status(status).label).lower()}")
