"""Reads for people and cases, always scoped to what the user may see.

Scoping rules (see docs/decisions/0002-access-scoping.md):
- a responsible officer sees cases they hold and cases of their own team;
- a manager, or an administrator with a team, sees every case of their team's provider;
- court users and unpaid work supervisors see no cases through these selectors (later issues give
  them their own views of breach packs and work sessions);
- on top of that, a person with open exclusion-list entries is invisible to those staff, and a person
  with a restriction list is visible only to the staff on it. Restriction narrows, never widens.
Anyone outside the scope gets "not found", never "forbidden", so existence is not revealed.
"""

import re
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import CharField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from cases.models import Address, Case, Contact, Person, PersonAccessLimit, Requirement

NOTHING = Q(pk__in=[])


def _case_scope(user: User) -> Q:
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.role == User.Role.RESPONSIBLE_OFFICER and user.team_id:
        return Q(responsible_officer=user) | Q(team_id=user.team_id)
    if user.role in (User.Role.MANAGER, User.Role.ADMINISTRATOR) and user.team_id:
        return Q(provider_id=user.team.provider_id)
    return NOTHING


def person_access(user: User, person_ref: str = "pk") -> Q:
    """People whose access lists allow `user`: not excluded, and on the restriction list if there is one."""
    open_limits = PersonAccessLimit.objects.filter(person_id=OuterRef(person_ref), ended_at__isnull=True)
    excluded = open_limits.filter(kind=PersonAccessLimit.Kind.EXCLUSION, user_id=user.pk)
    restricted = open_limits.filter(kind=PersonAccessLimit.Kind.RESTRICTION)
    allowed = restricted.filter(user_id=user.pk)
    return ~Exists(excluded) & (~Exists(restricted) | Exists(allowed))


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Every case the user may see, in any status."""
    scope = _case_scope(user)
    if scope is NOTHING:
        return Case.objects.none()
    return Case.objects.filter(scope).filter(person_access(user, "person_id"))


def people_visible_to(user: User) -> QuerySet[Person]:
    """Every person with at least one case the user may see, and whose access lists allow the user."""
    scope = _case_scope(user)
    if scope is NOTHING:
        return Person.objects.none()
    visible_case = Case.objects.filter(scope, person_id=OuterRef("pk"))
    return Person.objects.filter(Exists(visible_case)).filter(person_access(user))


def with_access_limit_flag(people: QuerySet[Person]) -> QuerySet[Person]:
    """Annotate `has_access_limits`: the person has an open exclusion or restriction entry."""
    return people.annotate(
        has_access_limits=Exists(PersonAccessLimit.objects.filter(person_id=OuterRef("pk"), ended_at__isnull=True))
    )


def person_get_for_user(*, user: User, crn: str) -> Person:
    """One person by CRN, or Http404 when it does not exist or the user may not see it."""
    person = with_access_limit_flag(people_visible_to(user)).filter(crn=crn.upper()).first()
    if person is None:
        raise Http404("Not found")
    return person


def case_get_for_user(*, user: User, case_id: int) -> Case:
    case = (
        cases_visible_to(user)
        .select_related("person", "provider", "team", "responsible_officer")
        .annotate(
            has_access_limits=Exists(
                PersonAccessLimit.objects.filter(person_id=OuterRef("person_id"), ended_at__isnull=True)
            )
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404("Not found")
    return case


CASELOAD_SORTS = {
    "name": ("person__last_name", "person__first_name", "person__crn"),
    "crn": ("person__crn",),
    "status": ("status", "person__last_name", "person__first_name"),
    "start": ("start_date", "person__last_name"),
}


def _ordered(queryset: QuerySet[Case], sort: str) -> QuerySet[Case]:
    descending = sort.startswith("-")
    fields = CASELOAD_SORTS.get(sort.lstrip("-"), CASELOAD_SORTS["name"])
    return queryset.order_by(*(f"-{field}" if descending else field for field in fields), "pk")


def with_contact_dates(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate `next_appointment_at` and `last_contact_at` in the same query (two subqueries, no query per row).

    Next appointment: the earliest future appointment without an outcome. Last contact: the latest contact
    at or before now that was contact with the person: a recorded contact, or an appointment they attended
    (a missed appointment, or one still awaiting its outcome, is not contact).
    """
    now = timezone.now()
    on_case = Contact.objects.filter(case_id=OuterRef("pk"))
    next_appointment = on_case.filter(is_appointment=True, outcome__isnull=True, starts_at__gt=now).order_by(
        "starts_at"
    )
    last_contact = on_case.filter(Q(is_appointment=False) | Q(outcome__attended=True), starts_at__lte=now).order_by(
        "-starts_at"
    )
    return cases.annotate(
        next_appointment_at=Subquery(next_appointment.values("starts_at")[:1]),
        last_contact_at=Subquery(last_contact.values("starts_at")[:1]),
    )


def rar_inactivity_condition(*, today: date | None = None, days: int | None = None) -> Q:
    """Requirements (a filter on cases.Requirement) flagged for no rehabilitation activity (issue 5, item 1).

    An active RAR requirement with days still to deliver, that started at least `days` (RAR_INACTIVITY_DAYS,
    default 28) days ago and whose last day of attended, complied activity (`last_rar_activity_on`, kept by
    interventions.services.rar) is empty or at least that many days ago. Reads only cases.Requirement's own
    columns, so the caseload and team pages add it to their query (interventions.selectors.rar uses it too).
    """
    today = today or timezone.localdate()
    days = settings.RAR_INACTIVITY_DAYS if days is None else days
    cutoff = today - timedelta(days=days)
    return Q(
        requirement_type__counts_as_rar=True,
        status=Requirement.Status.ACTIVE,
        start_date__lte=cutoff,
        rar_days_delivered__lt=F("maximum_days"),
    ) & (Q(last_rar_activity_on__isnull=True) | Q(last_rar_activity_on__lte=cutoff))


def rar_inactivity_period(days: int | None = None) -> str:
    """The inactivity period in words: "4 weeks" when it is whole weeks, else "30 days"."""
    days = settings.RAR_INACTIVITY_DAYS if days is None else days
    if days and days % 7 == 0:
        weeks = days // 7
        return f"{weeks} week{'' if weeks == 1 else 's'}"
    return f"{days} day{'' if days == 1 else 's'}"


def with_rar_inactivity(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate `rar_inactive` (the case has a requirement flagged by rar_inactivity_condition) and
    `rar_inactivity_period` (the period in words, for the tag "No RAR activity for 4 weeks"): both in the
    list's own SELECT, no query per row."""
    flagged = Requirement.objects.filter(sentence__case_id=OuterRef("pk")).filter(rar_inactivity_condition())
    return cases.annotate(
        rar_inactive=Exists(flagged),
        rar_inactivity_period=Value(rar_inactivity_period(), output_field=CharField()),
    )


def caseload_for_officer(*, user: User, sort: str = "name") -> QuerySet[Case]:
    """The officer's own active cases ("My caseload"), each with its next appointment, last contact and RAR
    inactivity flag."""
    queryset = (
        cases_visible_to(user).filter(responsible_officer=user, status=Case.Status.ACTIVE).select_related("person")
    )
    return _ordered(with_rar_inactivity(with_contact_dates(queryset)), sort)


def team_cases(*, user: User, officer_id: int | None = None, sort: str = "name") -> QuerySet[Case]:
    """Active cases of the user's team that the user may see, optionally for one officer, each with its RAR
    inactivity flag (with_rar_inactivity)."""
    if not user.team_id:
        return Case.objects.none()
    queryset = (
        cases_visible_to(user)
        .filter(team_id=user.team_id, status=Case.Status.ACTIVE)
        .select_related("person", "responsible_officer")
    )
    if officer_id:
        queryset = queryset.filter(responsible_officer_id=officer_id)
    return _ordered(with_rar_inactivity(queryset), sort)


def team_officers_with_caseloads(*, user: User) -> QuerySet[User]:
    """Members of the user's team who can hold cases, with the count of active cases the user may see."""
    if not user.team_id:
        return User.objects.none()
    visible_active = cases_visible_to(user).filter(status=Case.Status.ACTIVE).values("pk")
    return (
        User.objects.filter(
            team_id=user.team_id,
            is_active=True,
            role__in=[User.Role.RESPONSIBLE_OFFICER, User.Role.MANAGER],
        )
        .select_related("team__provider")  # role_label reads the provider type
        .annotate(
            active_cases=Count("cases_held", filter=Q(cases_held__in=visible_active), distinct=True),
        )
        .order_by("last_name", "first_name")
    )


DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %m %Y")
CRN_QUERY = re.compile(r"^[A-Za-z][0-9]{6}$")


def _parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def people_search(*, user: User, query: str) -> QuerySet[Person]:
    """Search by CRN (exact), date of birth (dd/mm/yyyy or yyyy-mm-dd) or name (every word must match).

    Only people the user may see are ever returned. Each result carries `open_cases` (prefetched,
    with the responsible officer) so the results page runs a fixed number of queries.
    """
    query = " ".join(query.split())
    people = people_visible_to(user)
    if not query:
        return people.none()
    if CRN_QUERY.match(query):
        people = people.filter(crn=query.upper())
    elif (date_of_birth := _parse_date(query)) is not None:
        people = people.filter(date_of_birth=date_of_birth)
    else:
        for word in query.split():
            people = people.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(middle_names__icontains=word)
                | Q(preferred_name__icontains=word)
            )
    open_cases = (
        cases_visible_to(user)
        .filter(status__in=Case.OPEN_STATUSES)
        .select_related("responsible_officer", "team", "provider")
    )
    return people.prefetch_related(Prefetch("cases", queryset=open_cases, to_attr="open_cases")).order_by(
        "last_name", "first_name", "crn"
    )


def person_summary(*, user: User, person: Person) -> dict:
    """What the person page shows: cases the user may see and addresses, in a fixed number of queries."""
    cases = list(
        cases_visible_to(user)
        .filter(person=person)
        .select_related("provider", "team", "responsible_officer")
        .order_by("-start_date")
    )
    addresses = list(Address.objects.filter(person=person).order_by("end_date", "-start_date"))
    current_addresses = [address for address in addresses if address.end_date is None]
    previous_addresses = [address for address in addresses if address.end_date is not None]
    return {
        "cases": cases,
        "open_case": next((case for case in cases if case.status in Case.OPEN_STATUSES), None),
        "current_addresses": current_addresses,
        "previous_addresses": previous_addresses,
    }
