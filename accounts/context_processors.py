"""Navigation for the base layout: the sections a member of staff can use, with the current one marked."""

from django.urls import reverse

from accounts.models import User

# Staff who hold or oversee cases have a risk gaps list (risk.views.gaps checks the same roles).
RISK_GAPS_ROLES = (User.Role.RESPONSIBLE_OFFICER, User.Role.MANAGER, User.Role.ADMINISTRATOR)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match and match.namespace else ""
    items = [
        {"text": "My caseload", "href": reverse("cases:caseload"), "active": current == "cases:caseload"},
        {"text": "Search", "href": reverse("cases:search"), "active": current == "cases:search"},
    ]
    if user.team_id:
        items.append({"text": "Team", "href": reverse("cases:team"), "active": current == "cases:team"})
    if user.team_id and user.role in RISK_GAPS_ROLES:
        items.append({"text": "Risk gaps", "href": reverse("risk:gaps"), "active": current == "risk:gaps"})
    if user.is_staff:
        items.append({"text": "Admin", "href": reverse("admin:index"), "active": False})
    return {"navigation_items": items}
