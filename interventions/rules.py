"""Who may deliver what (issue 5).

- Case work (RAR activities, programme referrals, referrals to services, a requirement's outcome): active
  responsible officers and managers (and administrators with a team) who can see the case through
  cases.selectors.cases_visible_to. Everyone else gets "not found" (pages) or 404 (API) from the scoped selectors.
- Unpaid work is run by the provider that delivers it: a CRC or a YOT. An NPS case's unpaid work is delivered by
  the CRC once the NPS has passed the requirement over (interventions.UnpaidWorkTransfer). Staff of the delivering
  provider (supervisors, officers, managers, administrators with a team) manage its projects, sessions and
  bookings; a supervisor records the register of the sessions they supervise, a manager of any of the provider's.
"""

from accounts.models import Provider, User

CASE_WORK_ROLES = (User.Role.RESPONSIBLE_OFFICER, User.Role.MANAGER, User.Role.ADMINISTRATOR)
UNPAID_WORK_ROLES = (
    User.Role.UNPAID_WORK_SUPERVISOR,
    User.Role.RESPONSIBLE_OFFICER,
    User.Role.MANAGER,
    User.Role.ADMINISTRATOR,
)
MANAGING_ROLES = (User.Role.MANAGER, User.Role.ADMINISTRATOR)
# Providers that deliver unpaid work themselves.
DELIVERING_PROVIDER_TYPES = (Provider.ProviderType.CRC, Provider.ProviderType.YOT)


def _active_with_team(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.team_id)


def can_do_case_work(user: User | None) -> bool:
    """May record delivery on the cases the user can see (scoping is the selectors' job)."""
    return _active_with_team(user) and user.role in CASE_WORK_ROLES


def delivering_provider_id(requirement) -> int:
    """The provider that delivers an unpaid work requirement: the CRC it was passed to, else the case's."""
    transfer = getattr(requirement, "unpaid_work_transfer", None)
    if transfer is not None:
        return transfer.to_provider_id
    return requirement.sentence.case.provider_id


def works_in_unpaid_work_of(user: User | None, provider_id: int) -> bool:
    """Staff of a provider's unpaid work: may see and run its projects, sessions and bookings."""
    return _active_with_team(user) and user.role in UNPAID_WORK_ROLES and user.team.provider_id == provider_id


def can_manage_unpaid_work(user: User | None, provider_id: int) -> bool:
    """Managers of the provider: create projects, cancel sessions, see stood-down figures."""
    return _active_with_team(user) and user.role in MANAGING_ROLES and user.team.provider_id == provider_id


def can_record_register(user: User | None, session) -> bool:
    """The session's supervisor, or a manager of the provider running it."""
    provider_id = session.project.provider_id
    if not works_in_unpaid_work_of(user, provider_id):
        return False
    return session.supervisor_id == user.pk or user.role in MANAGING_ROLES
