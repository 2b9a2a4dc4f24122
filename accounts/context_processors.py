"""Navigation for the base layout: the sections a member of staff can use, with the current one marked."""

from django.urls import reverse

from risk.rules import can_see_risk_gaps


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
    if can_see_risk_gaps(user):
        items.append({"text": "Risk gaps", "href": reverse("risk:gaps"), "active": current == "risk:gaps"})
    if user.is_staff:
        items.append({"text": "Admin", "href": reverse("admin:index"), "active": False})
    return {"navigation_items": items}
