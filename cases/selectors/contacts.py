"""Reads for appointments and the contact log, scoped through cases.selectors (outside scope: nothing, or 404).

Every list comes with its case, member of staff and outcome (select_related), so a page of contacts is one
query however long the log is.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Contact, ContactOutcome, Person
from cases.selectors.people import cases_visible_to

# Outcome categories of the contact log filter (query parameter `outcome`), in the order pages offer them.
OUTCOME_CATEGORIES = {
    "attended": "Attended",
    "failed_to_comply": "Failed to comply (enforceable)",
    "acceptable_absence": "Acceptable absence",
    "awaiting_outcome": "Awaiting an outcome",
}


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    """Every contact on a case the user may see, with its case, person, staff and outcome."""
    return Contact.objects.filter(case__in=cases_visible_to(user).values("pk")).select_related(
        "case__person", "staff", "outcome", "recorded_by"
    )


def contact_get_for_user(*, user: User, contact_id: int) -> Contact:
    """One contact on a case the user may see, or Http404."""
    contact = contacts_visible_to(user).filter(pk=contact_id).first()
    if contact is None:
        raise Http404("Not found")
    return contact


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_contacts(
    contacts: QuerySet[Contact],
    *,
    contact_type: str | None = None,
    outcome: str | None = None,
    appointments_only: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Contact]:
    """Narrow a contact queryset by type, outcome category and local dates (both ends included).

    Raises ValueError for a type or outcome category that does not exist (pages and the API check first).
    """
    if contact_type:
        if contact_type not in Contact.ContactType.values:
            raise ValueError(f"Unknown contact type: {contact_type!r}")
        contacts = contacts.filter(contact_type=contact_type)
    if outcome:
        if outcome not in OUTCOME_CATEGORIES:
            raise ValueError(f"Unknown outcome category: {outcome!r}")
        contacts = contacts.filter(
            {
                "attended": Q(outcome__attended=True),
                "failed_to_comply": Q(outcome__enforceable=True),
                "acceptable_absence": Q(outcome__acceptable_absence=True),
                "awaiting_outcome": Q(is_appointment=True, outcome__isnull=True, starts_at__lte=timezone.now()),
            }[outcome]
        )
    if appointments_only:
        contacts = contacts.filter(is_appointment=True)
    if date_from:
        contacts = contacts.filter(starts_at__gte=_start_of(date_from))
    if date_to and date_to < date.max:  # the last day there is has no upper bound to add
        contacts = contacts.filter(starts_at__lt=_start_of(date_to + timedelta(days=1)))
    return contacts


def contact_log(
    user: User,
    person: Person,
    *,
    contact_type: str | None = None,
    outcome: str | None = None,
    appointments_only: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Contact]:
    """The person's contacts on every case the user may see, newest first (the view paginates)."""
    contacts = contacts_visible_to(user).filter(case__person=person)
    contacts = filter_contacts(
        contacts,
        contact_type=contact_type,
        outcome=outcome,
        appointments_only=appointments_only,
        date_from=date_from,
        date_to=date_to,
    )
    return contacts.order_by("-starts_at", "-pk")


def case_contact_log(user: User, case: Case) -> QuerySet[Contact]:
    """One case's contacts, newest first."""
    return contacts_visible_to(user).filter(case=case).order_by("-starts_at", "-pk")


@dataclass(frozen=True)
class CaseAppointments:
    upcoming: list[Contact]
    awaiting_outcome: list[Contact]


def appointments_for_case(user: User, case: Case) -> CaseAppointments:
    """Appointments without an outcome, in one query: upcoming (soonest first) and past, awaiting an outcome
    (oldest first: the longest-waiting at the top)."""
    now = timezone.now()
    open_appointments = list(
        contacts_visible_to(user).filter(case=case, is_appointment=True, outcome__isnull=True).order_by("starts_at")
    )
    return CaseAppointments(
        upcoming=[contact for contact in open_appointments if contact.starts_at > now],
        awaiting_outcome=[contact for contact in open_appointments if contact.starts_at <= now],
    )


def active_outcomes() -> QuerySet[ContactOutcome]:
    return ContactOutcome.objects.filter(active=True).order_by("sort_order", "name")


def staff_for_case(case: Case) -> QuerySet[User]:
    """Who can hold an appointment on the case: active staff of its team (or its officer's team)."""
    team_id = case.team_id or (case.responsible_officer.team_id if case.responsible_officer_id else None)
    staff = User.objects.filter(is_active=True, role__in=User.TEAM_ROLES)
    if team_id is None:
        return staff.none()
    return staff.filter(team_id=team_id).order_by("last_name", "first_name")
