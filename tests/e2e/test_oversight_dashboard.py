"""A manager follows a missed service level to the case behind it, in a real browser, on the demo data.

`manager` (Helen Brennan, Manchester North) signs in, opens "Oversight" from the navigation and sees her team's
dashboard table, goes to "Service levels", follows a "Missed" link of a service level in the last full quarter, and
opens a case from the list of cases that missed: the case page shows that person.
"""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from cases.models import Case
from tests.reference_data import reseed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = 150  # enough for `manager`'s team to have missed clocks in the last full quarter


@pytest.fixture
def demo_data():
    """The demo, loaded by the command a person would run (`manage.py seed_demo`), oversight step included."""
    reseed()  # earlier transactional tests flushed the migrations' reference data
    output = StringIO()
    call_command("seed_demo", people=PEOPLE, stdout=output)
    assert "Oversight data loaded in" in output.getvalue()


def _sign_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_manager_follows_a_missed_service_level_to_the_case(page, live_server, demo_data):
    _sign_in(page, live_server, "manager")

    # 1. "Oversight" in the navigation opens the team dashboard, with a row per officer of the team.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Oversight", exact=True).click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}{reverse('oversight:dashboard')}"
    assert page.get_by_role("heading", level=1).inner_text() == "Team dashboard"
    officers_table = page.get_by_role("table").filter(has_text="Sarah Bradshaw")
    assert officers_table.count() >= 1
    assert "Manchester North" in officers_table.first.locator("caption").inner_text()

    # 2. "Service levels": the last full quarter's figures for the team, with links to the cases that missed.
    sub_navigation = page.get_by_role("navigation", name="Oversight navigation")
    sub_navigation.get_by_role("link", name="Service levels", exact=True).click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server.url}{reverse('oversight:compliance')}")
    missed_links = page.get_by_role("link", name=re.compile(r"^Missed"))
    assert missed_links.count() >= 1
    missed_links.first.click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server.url}{reverse('oversight:missed')}?")

    # 3. The list of cases that missed: each links to its case; the case page shows the person.
    case_link = page.get_by_role("table").get_by_role("link").first
    listed_name = case_link.inner_text()
    case_link.click()
    page.wait_for_load_state()
    match = re.search(r"/cases/(\d+)/$", page.url)
    assert match, page.url
    case = Case.objects.select_related("person", "team").get(pk=int(match.group(1)))
    assert listed_name == case.person.name_for_list
    assert case.team.code == "N01MN"
    assert page.get_by_role("heading", level=1).inner_text() == f"Case {case.pk}"
    assert page.locator(".govuk-caption-l").first.inner_text().startswith(f"{case.person.full_name}, CRN: ")
