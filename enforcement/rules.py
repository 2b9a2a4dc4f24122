"""Who may take enforcement decisions and steps (issue 6).

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


def can_prepare_breach(user: User | None, case) -> bool:
    """Prepare, submit, withdraw and (for the NPS and Youth Offending Teams) send a breach pack: the same people who
    decide on failures."""
    return can_decide(user, case)


def _manages_case(user: User | None, case) -> bool:
    if user is None or not user.is_authenticated or not user.is_active or not user.team_id:
        return False
    if user.role != User.Role.MANAGER:
        return False
    if case.team_id:
        return user.team_id == case.team_id
    return user.team.provider_id == case.provider_id


def can_sign_off_breach(user: User | None, case) -> bool:
    """A manager of the case's team signs off the pack (never the person who prepared that version: the service
    checks that)."""
    return _manages_case(user, case)


def is_nps_court_staff_for(user: User | None, case) -> bool:
    """Staff of an NPS division in the case's region: they review a CRC's breach referrals and present them to court
    (shared/DOMAIN.md section 1: a CRC must refer breaches to the NPS to prosecute)."""
    if user is None or not user.is_authenticated or not user.is_active or not user.team_id:
        return False
    if user.role not in (User.Role.MANAGER, User.Role.RESPONSIBLE_OFFICER):
        return False
    provider = user.team.provider
    return (
        provider.provider_type == provider.ProviderType.NPS_DIVISION and provider.region_id == case.provider.region_id
    )


def can_review_recall(user: User | None, case) -> bool:
    """A manager of the case's team reviews a recall and records the recommendation."""
    return _manages_case(user, case)


def can_countersign_recall(user: User | None, case) -> bool:
    """A senior manager of the case's provider countersigns a recall recommendation (never the manager who made
    it: the service checks that)."""
    if user is None or not user.is_authenticated or not user.is_active or not user.team_id:
        return False
    return user.role == User.Role.MANAGER and user.senior_manager and user.team.provider_id == case.provider_id


def is_court_user_for(user: User | None, court_id: int | None) -> bool:
    """A court user receives the packs sent to the courts they work for."""
    if user is None or not user.is_authenticated or not user.is_active or court_id is None:
        return False
    return user.role == User.Role.COURT_USER and user.courts.filter(pk=court_id).exists()
