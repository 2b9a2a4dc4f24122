"""Who may take enforcement decisions (issue 6).

The responsible officer of the case, or a manager of the case's team (or, with no team on the case, of its
provider). Active staff only. Seeing a case is the selectors' job (cases.selectors.cases_visible_to); these rules
add who may act on what they see.
"""

from accounts.models import User


def can_decide(user: User | None, case) -> bool:
    if user is None or not user.is_authenticated or not user.is_active or not user.team_id:
        return False
    if user.pk == case.responsible_officer_id:
        return True
    if user.role != User.Role.MANAGER:
        return False
    if case.team_id:
        return user.team_id == case.team_id
    return user.team.provider_id == case.provider_id
