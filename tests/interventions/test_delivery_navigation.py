"""The service navigation's delivery sections (accounts.context_processors.navigation): "Unpaid work" for unpaid
work supervisors and for officers and managers of a CRC or YOT; "Programmes" and "Services" for officers and
managers. The navigation adds no database queries (it reads the team's provider, which the header loads)."""

import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from accounts.context_processors import navigation
from accounts.models import Provider, User
from tests import factories

pytestmark = pytest.mark.django_db

DELIVERY = ("Unpaid work", "Programmes", "Services")
ALL_THREE = ["Unpaid work", "Programmes", "Services"]


def _items(user, url=None) -> list[dict]:
    """The navigation for `user` on `url`, with the user loaded as a page has it (team and provider)."""
    url = url or reverse("cases:search")
    request = RequestFactory().get(url)
    request.user = User.objects.select_related("team__provider").get(pk=user.pk)
    request.resolver_match = resolve(url)
    return navigation(request)["navigation_items"]


def _delivery_texts(user) -> list[str]:
    return [item["text"] for item in _items(user) if item["text"] in DELIVERY]


@pytest.fixture
def yot(org):
    provider = factories.ProviderFactory(
        name="Stockport YOT", code="Y01", provider_type=Provider.ProviderType.YOT, region=org.region
    )
    return factories.TeamFactory(provider=provider, name="Stockport youth", code="Y01ST")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("officer", ["Programmes", "Services"]),  # NPS: the CRC delivers an NPS case's unpaid work
        ("manager", ["Programmes", "Services"]),
        ("other_provider_officer", ALL_THREE),  # CRC
        ("other_provider_manager", ALL_THREE),
        ("upw", ["Unpaid work"]),
        ("court_user", []),
        ("administrator", []),
    ],
)
def test_delivery_sections_per_role(org, who, expected):
    assert _delivery_texts(getattr(org, who)) == expected


def test_yot_officers_managers_and_supervisors(org, yot):
    assert _delivery_texts(factories.OfficerFactory(team=yot)) == ALL_THREE
    assert _delivery_texts(factories.ManagerFactory(team=yot)) == ALL_THREE
    assert _delivery_texts(factories.UnpaidWorkSupervisorFactory(team=yot)) == ["Unpaid work"]


def test_an_administrator_with_a_team_gets_none_of_them(org):
    assert _delivery_texts(factories.AdministratorFactory(team=org.team_b)) == []


def test_links_and_the_current_section(org):
    items = {item["text"]: item for item in _items(org.other_provider_manager)}

    assert items["Unpaid work"]["href"] == reverse("interventions:unpaid_work_register")
    assert items["Programmes"]["href"] == reverse("interventions:programme_waiting_list")
    assert items["Services"]["href"] == reverse("interventions:need_area_referrals")
    assert not any(items[text]["active"] for text in DELIVERY)

    for url_name, text in [
        ("interventions:unpaid_work_register", "Unpaid work"),
        ("interventions:unpaid_work_sessions", "Unpaid work"),
        ("interventions:programme_groups", "Programmes"),
        ("interventions:service_directory", "Services"),
    ]:
        active = [item["text"] for item in _items(org.other_provider_manager, reverse(url_name)) if item["active"]]
        assert active == [text], url_name


@pytest.mark.parametrize("who", ["officer", "other_provider_manager", "upw", "court_user"])
def test_the_navigation_runs_no_queries(org, who):
    user = getattr(org, who)
    request = RequestFactory().get(reverse("cases:search"))
    request.user = User.objects.select_related("team__provider").get(pk=user.pk)
    request.resolver_match = resolve(reverse("cases:search"))

    with CaptureQueriesContext(connection) as captured:
        navigation(request)

    assert len(captured) == 0


def test_pages_show_the_sections(org, client_for):
    html = client_for(org.other_provider_officer).get(reverse("cases:search")).content.decode()

    menu = html[html.index('id="navigation"') : html.index("</ul>", html.index('id="navigation"'))]
    links = re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"[^>]*>\s*([^<]+?)\s*</a>', menu)
    assert (reverse("interventions:unpaid_work_register"), "Unpaid work") in links
    assert (reverse("interventions:programme_waiting_list"), "Programmes") in links
    assert (reverse("interventions:need_area_referrals"), "Services") in links
