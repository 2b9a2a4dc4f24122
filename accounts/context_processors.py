"""Navigation for the base layout: the sections a member of staff can use, with the current one marked."""

from django.urls import reverse

from accounts.models import Provider, User
from cases.rules import can_allocate
from risk.rules import can_see_risk_gaps

# Teams of these providers write pre-sentence reports: the NPS for adults, the YOT for children.
REPORT_WRITING_PROVIDERS = (Provider.ProviderType.NPS_DIVISION, Provider.ProviderType.YOT)


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
    if (
        user.team_id
        and user.role in (User.Role.RESPONSIBLE_OFFICER, User.Role.MANAGER)
        and user.team.provider.provider_type in REPORT_WRITING_PROVIDERS
    ):
        items.append(
            {"text": "Reports due", "href": reverse("cases:reports_due"), "active": current == "cases:reports_due"}
        )
    if can_allocate(user):
        items.append(
            {
                "text": "Allocations",
                "href": reverse("cases:allocation_queue"),
                "active": current == "cases:allocation_queue",
            }
        )
    if can_see_risk_gaps(user):
        items.append({"text": "Risk gaps", "href": reverse("risk:gaps"), "active": current == "risk:gaps"})
    if user.is_staff:
        items.append({"text": "Admin", "href": reverse("admin:index"), "active": False})
    return {"navigation_items": items}
