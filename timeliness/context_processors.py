"""The alerts panel on every page for signed-in staff: counts of unread due-soon and overdue alerts.

Lazy, so a response that renders no page (a redirect, the API) runs no query; a page runs exactly one.
"""

from django.utils.functional import SimpleLazyObject

from accounts.models import User
from timeliness.selectors import alert_counts


def alerts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role == User.Role.COURT_USER:
        return {}  # court users hold no cases, so no service-level clock ever alerts them
    return {"alert_counts": SimpleLazyObject(lambda: alert_counts(user))}
