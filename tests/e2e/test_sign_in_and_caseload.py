"""A demo officer signs in and sees their caseload; a manager sees their team's; both in a real browser."""

from datetime import date

import pytest
from django.conf import settings

from accounts import services as accounts_services
from cases import services as cases_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def organisation():
    region = accounts_services.region_create(by=None, name="North West")
    provider = accounts_services.provider_create(
        by=None, name="NPS North West", code="N01", provider_type="nps_division", region=region
    )
    team = accounts_services.team_create(by=None, provider=provider, name="Manchester North", code="N01MN")
    other_team = accounts_services.team_create(by=None, provider=provider, name="Bolton", code="N01BO")
    staff = {}
    for username, role, member_of in [
        ("officer", "responsible_officer", team),
        ("colleague", "responsible_officer", team),
        ("manager", "manager", team),
        ("elsewhere", "responsible_officer", other_team),
    ]:
        staff[username] = accounts_services.staff_create(
            by=None,
            username=username,
            first_name=username.capitalize(),
            last_name="Tester",
            email=f"{username}@example.org",
            role=role,
            password=settings.DEMO_PASSWORD,
            team=member_of,
        )
    people = {}
    for first, last, holder in [
        ("Aaron", "Ashworth", "officer"),
        ("Bella", "Brierley", "officer"),
        ("Callum", "Crompton", "colleague"),
        ("Dana", "Dearden", "elsewhere"),
    ]:
        person = cases_services.person_create(
            by=staff[holder], first_name=first, last_name=last, date_of_birth=date(1990, 5, 17), gender="female"
        )
        officer = staff[holder]
        cases_services.case_create(
            by=officer,
            person=person,
            provider=provider,
            team=officer.team,
            responsible_officer=officer,
            start_date=date(2026, 1, 5),
        )
        people[last] = person
    return {"staff": staff, "people": people}


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    assert page.title().startswith("Sign in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_officer_signs_in_and_sees_only_their_caseload(page, live_server, organisation, tmp_path):
    _sign_in(page, live_server, "officer")
    page.wait_for_url(f"{live_server.url}/caseload/")
    assert page.get_by_role("heading", level=1).inner_text() == "My caseload"
    assert page.get_by_test_id("signed-in-user").inner_text() == "Officer Tester"
    table = page.get_by_test_id("case-table").inner_text()
    assert "Ashworth, Aaron" in table and "Brierley, Bella" in table
    assert "Crompton" not in table and "Dearden" not in table
    # GOV.UK Frontend is loaded and working: its stylesheet applies and its JavaScript initialised.
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "GDS Transport" in font

    page.get_by_role("link", name="Ashworth, Aaron").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Aaron Ashworth"
    screenshot = tmp_path / "person.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000


def test_manager_sees_the_team_caseloads(page, live_server, organisation):
    _sign_in(page, live_server, "manager")
    page.wait_for_url(f"{live_server.url}/caseload/")
    page.get_by_role("link", name="Team").click()
    officers = page.get_by_test_id("officer-table").inner_text()
    assert "Officer Tester" in officers and "Colleague Tester" in officers
    cases = page.get_by_test_id("case-table").inner_text()
    assert "Ashworth, Aaron" in cases and "Crompton, Callum" in cases
    assert "Dearden" not in cases  # another team's case


def test_wrong_password_shows_the_error_summary(page, live_server, organisation):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert page.title().startswith("Error: Sign in")
    # GOV.UK Frontend moves focus to the error summary so screen-reader users hear it first.
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")


def test_skip_link_is_the_first_focusable_element(page, live_server, organisation):
    page.goto(f"{live_server.url}/login/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
