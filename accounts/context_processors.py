"""Navigation for the base layout: the sections a member of staff can use, with the current one marked.

It reads only the user and their team's provider, which the page header loads anyway: no queries of its own.
"""

from django.urls import reverse

from accounts.models import Provider, User
from cases.rules import can_allocate
from oversight.scopes import can_oversee
from risk.rules import can_see_risk_gaps

# Teams of these providers write pre-sentence reports: the NPS for adults, the YOT for children.
REPORT_WRITING_PROVIDERS = (Provider.ProviderType.NPS_DIVISION, Provider.ProviderType.YOT)
# Providers that run unpaid work themselves (an NPS case's unpaid work is passed to the CRC: interventions.rules).
UNPAID_WORK_PROVIDERS = (Provider.ProviderType.CRC, Provider.ProviderType.YOT)
CASE_HOLDING_ROLES = (User.Role.RESPONSIBLE_OFFICER, User.Role.MANAGER)
# Delivery sections (issue 5): the page the item opens, and the pages of the section it is marked current on.
UNPAID_WORK_PAGES = (
    "interventions:unpaid_work_register",
    "interventions:unpaid_work_projects",
    "interventions:unpaid_work_sessions",
    "interventions:unpaid_work_stood_down",
)
PROGRAMME_PAGES = ("interventions:programme_waiting_list", "interventions:programme_groups")
SERVICE_PAGES = ("interventions:need_area_referrals", "interventions:service_directory")
# Enforcement (issue 6): failures to comply waiting for the officer's or the manager's decision.
DECISION_PAGES = ("enforcement:decisions_due",)
BREACH_PAGES = ("enforcement:breaches", "enforcement:recalls")
COURT_PORTAL_PAGES = ("enforcement:court_packs", "enforcement:court_pack")
# Oversight (issue 7): the manager's dashboard and its pages.
OVERSIGHT_PAGES = (
    "oversight:dashboard",
    "oversight:overdue_work",
    "oversight:compliance",
    "oversight:missed",
    "oversight:continuity",
    "oversight:audits",
    "oversight:audit_new",
    "oversight:audit",
    "oversight:audit_case",
)


def _section(text: str, pages: tuple[str, ...], current: str) -> dict:
    return {"text": text, "href": reverse(pages[0]), "active": current in pages}


def delivery_sections(user, current: str) -> list[dict]:
    """Unpaid work for supervisors, and for officers and managers of a CRC or YOT; programmes and services for
    officers and managers."""
    if not user.team_id:
        return []
    sections = []
    provider_type = user.team.provider.provider_type
    if user.role == User.Role.UNPAID_WORK_SUPERVISOR or (
        user.role in CASE_HOLDING_ROLES and provider_type in UNPAID_WORK_PROVIDERS
    ):
        sections.append(_section("Unpaid work", UNPAID_WORK_PAGES, current))
    if user.role in CASE_HOLDING_ROLES:
        sections.append(_section("Programmes", PROGRAMME_PAGES, current))
        sections.append(_section("Services", SERVICE_PAGES, current))
    return sections


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match and match.namespace else ""
    if user.role == User.Role.COURT_USER:
        # Court users see the breach packs sent to their courts and nothing of the caseload.
        return {"navigation_items": [_section("Breach packs", COURT_PORTAL_PAGES, current)]}
    items = [
        {"text": "My caseload", "href": reverse("cases:caseload"), "active": current == "cases:caseload"},
        {"text": "Search", "href": reverse("cases:search"), "active": current == "cases:search"},
    ]
    if user.team_id:
        items.append({"text": "Team", "href": reverse("cases:team"), "active": current == "cases:team"})
    if can_oversee(user):
        items.append(_section("Oversight", OVERSIGHT_PAGES, current))
    if (
        user.team_id
        and user.role in CASE_HOLDING_ROLES
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
    if user.team_id and user.role in CASE_HOLDING_ROLES:
        items.append(
            {
                "text": "Decisions due",
                "href": reverse("enforcement:decisions_due"),
                "active": current in DECISION_PAGES,
            }
        )
        # A senior manager lands on the recalls waiting for their countersignature.
        pages = tuple(reversed(BREACH_PAGES)) if user.senior_manager else BREACH_PAGES
        items.append(_section("Breach and recall", pages, current))
    items.extend(delivery_sections(user, current))
    if user.is_staff:
        items.append({"text": "Admin", "href": reverse("admin:index"), "active": False})
    return {"navigation_items": items}
