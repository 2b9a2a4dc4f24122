"""Permission predicates for the risk area."""

from accounts.models import User

# Staff who hold or oversee cases have a risk gaps list.
RISK_GAPS_ROLES = (User.Role.RESPONSIBLE_OFFICER, User.Role.MANAGER, User.Role.ADMINISTRATOR)


def can_see_risk_gaps(user: User) -> bool:
    """Responsible officers (their own cases), and managers and administrators of a team (the team's)."""
    return bool(user.is_authenticated and user.team_id and user.role in RISK_GAPS_ROLES)
