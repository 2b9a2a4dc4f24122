"""Permission predicates for the cases area (allocation, transfers and ending a case).

Managers allocate and transfer the cases of their own provider. An administrator who belongs to a team acts as
that provider's manager (as for scoping, docs/decisions/0002). Everyone else may read but not move cases.
A case is ended by its responsible officer or by a manager of the provider holding it.
"""

from accounts.models import User

ALLOCATING_ROLES = (User.Role.MANAGER, User.Role.ADMINISTRATOR)


def can_allocate(user: User) -> bool:
    """Managers, and administrators with a team: they see the allocation queue of their provider."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.team_id and user.role in ALLOCATING_ROLES
    )


def manages_provider_of(user: User, case) -> bool:
    """The user is a manager (or an administrator with a team) of the provider holding the case."""
    return can_allocate(user) and user.team.provider_id == case.provider_id


def can_allocate_case(user: User, case) -> bool:
    return manages_provider_of(user, case)


def can_transfer_case(user: User, case) -> bool:
    return manages_provider_of(user, case)


def can_end_case(user: User, case) -> bool:
    """The case's responsible officer, or a manager (or an administrator with a team) of the provider holding it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if case.responsible_officer_id is not None and case.responsible_officer_id == user.pk:
        return True
    return manages_provider_of(user, case)
