"""Reads for breach: the pack's content assembled from the record, and who sees which breaches and packs.

- `pack_content` assembles what the court needs to act without asking for more (CRC SL016): the person, the order
  and its requirements with their progress (RAR days, unpaid work hours), every failure to comply on the order with
  its date, outcome, evidence and decision, the warnings given with their dates, and the appointments kept. It is
  frozen into each pack version (enforcement.services.breach.breach_submit); a draft's preview uses it too.
- Staff see the breaches of cases they may see (cases.selectors.cases_visible_to); NPS staff also see the CRC
  referrals of their region (the NPS prosecutes a CRC's breaches), within the person's exclusion and restriction
  lists.
- Court users see only the pack versions sent to the courts they work for: nothing else, in any page, the API or a
  PDF address.
"""

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.models import Provider, User
from cases.models import Address, Contact, Requirement
from cases.selectors import cases_visible_to
from cases.selectors.people import person_access
from enforcement.models import Breach, BreachPack, BreachStatus, BreachStep, ComplianceFailure, WarningLetter
from enforcement.models.breach import OPEN_BREACH_STATUSES
from interventions.selectors.delivery import RequirementDelivery, with_progress

Status = BreachStatus


def _day(value) -> str:
    return value.isoformat() if value else ""


def _address(person_id: int) -> str:
    address = (
        Address.objects.filter(person_id=person_id, status=Address.Status.MAIN, end_date__isnull=True)
        .order_by("-start_date")
        .first()
    )
    if address is None:
        return "No main address recorded"
    if address.no_fixed_abode:
        return "No fixed abode"
    return ", ".join(part for part in (address.line_1, address.line_2, address.town, address.postcode) if part)


def pack_content(breach: Breach, *, as_at: datetime | None = None) -> dict:
    """The facts of the record for the breach pack, as plain values (dates as ISO strings) so a version can be stored
    as it stood and rendered the same way for ever. A fixed number of queries, however long the record."""
    as_at = as_at or timezone.now()
    case = breach.case
    person = case.person
    sentence = breach.sentence
    appearance = sentence.court_appearance
    officer = case.responsible_officer
    as_on = timezone.localdate(as_at)
    requirements = [
        RequirementDelivery(requirement, as_on)
        for requirement in with_progress(Requirement.objects.filter(sentence_id=sentence.pk)).order_by("pk")
    ]
    failures = list(
        # Failures decided (a breach alleges failures the officer has decided on; withdrawn ones never happened).
        ComplianceFailure.objects.filter(
            sentence_id=sentence.pk, failed_on__lte=as_on, status=ComplianceFailure.Status.DECIDED
        )
        .select_related("decided_by")
        .order_by("failed_on", "pk")
    )
    letters = list(
        WarningLetter.objects.filter(failure__sentence_id=sentence.pk, issued_on__lte=as_on)
        .select_related("issued_by")
        .order_by("issued_on")
    )
    since = sentence.start_date or sentence.sentence_date
    appointments = Contact.objects.filter(
        case_id=case.pk, outcome__isnull=False, starts_at__date__gte=since, starts_at__date__lte=as_on
    ).aggregate(
        total=Count("pk"),
        kept=Count("pk", filter=Q(outcome__attended=True, outcome__complied=True)),
        acceptable=Count("pk", filter=Q(outcome__acceptable_absence=True)),
    )
    return {
        "assembled_at": as_at.isoformat(),
        "person": {
            "name": person.full_name,
            "crn": person.crn,
            "date_of_birth": _day(person.date_of_birth),
            "address": _address(person.pk),
        },
        "case": {
            "id": case.pk,
            "provider": case.provider.name,
            "provider_type": case.provider.provider_type,
            "team": case.team.name if case.team_id else "",
            "responsible_officer": officer.get_full_name() if officer else "",
        },
        "court": {
            "name": breach.court.name if breach.court_id else "",
            "code": breach.court.code if breach.court_id else "",
        },
        "order": {
            "disposal": sentence.get_disposal_display(),
            "sentence_date": _day(sentence.sentence_date),
            "length_months": sentence.length_months,
            "start_date": _day(sentence.start_date),
            "end_date": _day(sentence.end_date),
            "released_on": _day(sentence.released_on),
            "sentencing_court": appearance.court.name if appearance else "",
            "offences": appearance.offences if appearance else "",
        },
        "requirements": [
            {
                "name": item.name,
                "ordered": item.court_set,
                "progress": item.progress or "",
                "status": item.requirement.get_status_display(),
                "outcome": item.outcome,
            }
            for item in requirements
        ],
        "failures": [
            {
                "id": failure.pk,
                "failed_on": _day(failure.failed_on),
                "outcome": failure.outcome,
                "details": failure.details,
                "source": failure.get_source_display(),
                "decision": failure.get_decision_display() if failure.decision else "Waiting for a decision",
                "decided_on": _day(failure.decided_on),
                "decided_by": failure.decided_by.get_full_name() if failure.decided_by_id else "",
                "evidence": failure.decision_reason,
            }
            for failure in failures
        ],
        "warnings": [
            {
                "kind": letter.get_kind_display(),
                "issued_on": _day(letter.issued_on),
                "issued_by": letter.issued_by.get_full_name(),
                "failure_id": letter.failure_id,
            }
            for letter in letters
        ],
        "appointments": appointments,
        "aware_on": _day(breach.aware_on),
    }


# Who sees what ------------------------------------------------------------------------------------------------------


def _nps_region_id(user: User) -> int | None:
    """The region of an NPS division's staff member (officers and managers), else None."""
    if not user.is_authenticated or not user.is_active or not user.team_id:
        return None
    if user.role not in (User.Role.MANAGER, User.Role.RESPONSIBLE_OFFICER):
        return None
    provider = user.team.provider
    return provider.region_id if provider.provider_type == Provider.ProviderType.NPS_DIVISION else None


def breaches_visible_to(user: User) -> QuerySet[Breach]:
    """Breaches on cases the user may see, and for NPS staff the CRC breaches of their region ever referred to the
    NPS (within the person's exclusion and restriction lists)."""
    visible = Q(case__in=cases_visible_to(user).values("pk"))
    region_id = _nps_region_id(user)
    if region_id is not None:
        referred = BreachPack.objects.filter(breach_id=OuterRef("pk"), referred_to_nps_at__isnull=False)
        visible |= (
            Q(case__provider__region_id=region_id, case__provider__provider_type=Provider.ProviderType.CRC)
            & Q(Exists(referred))
            & person_access(user, "case__person_id")
        )
    latest = BreachPack.objects.filter(breach_id=OuterRef("pk")).order_by("-version")
    return (
        Breach.objects.filter(visible)
        .select_related(
            "case__person", "case__provider", "case__team", "case__responsible_officer", "sentence", "court"
        )
        # Who prepared the latest version: that manager may not sign it off (services.breach.steps_allowed).
        .annotate(current_pack_prepared_by_id=Subquery(latest.values("prepared_by_id")[:1]))
    )


def breach_get_for_user(*, user: User, breach_id: int) -> Breach:
    breach = breaches_visible_to(user).filter(pk=breach_id).first()
    if breach is None:
        raise Http404("No such breach")
    return breach


def breach_detail(breach: Breach) -> dict:
    """A breach's versions (newest first, with the court's requests on each) and its timeline: three queries."""
    packs = list(
        BreachPack.objects.filter(breach=breach)
        .select_related("prepared_by", "signed_off_by", "acknowledged_by", "court")
        .prefetch_related("information_requests__requested_by")
        .order_by("-version")
    )
    steps = list(BreachStep.objects.filter(breach=breach).select_related("by", "pack").order_by("on", "at", "pk"))
    return {"packs": packs, "current_pack": packs[0] if packs else None, "steps": steps}


def breaches_in_progress(*, user: User) -> QuerySet[Breach]:
    """The breaches in progress a member of staff works on: an officer's own cases, a manager's team's (or
    provider's, for cases with no team); oldest first."""
    breaches = breaches_visible_to(user).filter(status__in=OPEN_BREACH_STATUSES, case__in=cases_visible_to(user))
    if user.role == User.Role.MANAGER and user.team_id:
        breaches = breaches.filter(
            Q(case__team_id=user.team_id) | Q(case__team__isnull=True, case__provider_id=user.team.provider_id)
        )
    else:
        breaches = breaches.filter(case__responsible_officer=user)
    return breaches.order_by("aware_on", "pk")


def referrals_waiting_for_nps(*, user: User) -> QuerySet[Breach]:
    """For NPS staff: the CRC breaches of their region referred and waiting for the NPS (to accept, or once accepted
    to present to court), oldest first."""
    if _nps_region_id(user) is None:
        return Breach.objects.none()
    return (
        breaches_visible_to(user)
        .filter(
            status__in=[Status.REFERRED_TO_NPS, Status.ACCEPTED_BY_NPS],
            case__provider__provider_type=Provider.ProviderType.CRC,
        )
        .order_by("aware_on", "pk")
    )


def packs_visible_to(user: User) -> QuerySet[BreachPack]:
    """Pack versions a member of staff may open: every version of a breach they may see."""
    return BreachPack.objects.filter(breach__in=breaches_visible_to(user).values("pk")).select_related(
        "breach__case__person",
        "breach__case__provider",
        "breach__sentence",
        "breach__court",
        "court",
        "prepared_by",
        "signed_off_by",
    )


def pack_get_for_user(*, user: User, pack_id: int) -> BreachPack:
    pack = packs_visible_to(user).filter(pk=pack_id).first()
    if pack is None:
        raise Http404("No such breach pack")
    return pack


# Court users ------------------------------------------------------------------------------------------------------


def packs_for_court_user(user: User) -> QuerySet[BreachPack]:
    """The pack versions sent to the courts the court user works for, newest first; nothing for anyone else."""
    if not user.is_authenticated or not user.is_active or user.role != User.Role.COURT_USER:
        return BreachPack.objects.none()
    return (
        BreachPack.objects.filter(
            sent_to_court_at__isnull=False, court__in=user.courts.filter(active=True).values("pk")
        )
        .filter(person_access(user, "breach__case__person_id"))
        .select_related(
            "breach__case__person", "breach__sentence", "court", "acknowledged_by", "prepared_by", "signed_off_by"
        )
        .annotate(request_count=Count("information_requests"))
        .order_by("-sent_to_court_at", "-pk")
    )


def court_pack_get(*, user: User, pack_id: int) -> BreachPack:
    pack = (
        packs_for_court_user(user)
        .prefetch_related(Prefetch("information_requests", to_attr="requests"))
        .filter(pk=pack_id)
        .first()
    )
    if pack is None:
        raise Http404("No such breach pack")
    return pack
