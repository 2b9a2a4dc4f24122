"""The supervisor's register in a real browser on a phone-sized screen (issue 5, "Done when"): the supervisor
opens today's register, records one person attended with 30 penalty minutes and another absent, saves once, and
sees each person's hours update. Runs with JavaScript (GOV.UK Frontend reveals the attended details)."""

import re

import pytest

from tests import factories
from tests.reference_data import reseed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(browser):
    """A phone-sized page in the e2e suite's Chromium (tests/e2e/conftest.py)."""
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def register():
    reseed()  # earlier transactional tests flushed the migrations' reference data
    crc = factories.ProviderFactory(name="Stockport CRC", code="C05", provider_type="crc")
    team = factories.TeamFactory(provider=crc, name="Stockport", code="C05ST")
    supervisor = factories.UnpaidWorkSupervisorFactory(username="sam", first_name="Sam", last_name="Sutton", team=team)
    officer = factories.OfficerFactory(team=team)
    project = factories.UnpaidWorkProjectFactory(provider=crc, name="Park Road allotments")
    today = factories.UnpaidWorkSessionFactory(project=project, supervisor=supervisor)
    bookings = []
    for last_name in ("Abbott", "Brown"):
        case = factories.CaseFactory(responsible_officer=officer, person__first_name="Pat", person__last_name=last_name)
        requirement = factories.RequirementFactory(
            sentence=factories.SentenceFactory(case=case),
            requirement_type=factories.requirement_type("unpaid_work"),
            hours=100,
            maximum_days=None,
        )
        bookings.append(factories.UnpaidWorkAttendanceFactory(session=today, requirement=requirement))
    return today, bookings


def test_a_supervisor_records_the_register_on_a_phone_and_sees_the_hours_update(phone, live_server, register):
    session, (abbott, brown) = register
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/unpaid-work/register/")
    page.get_by_role("link", name=re.compile("Park Road allotments")).click()
    page.wait_for_url(re.compile(rf".*/unpaid-work/sessions/{session.pk}/register/$"))
    assert page.get_by_test_id(f"hours-{abbott.pk}").inner_text().endswith("0 hours done of 100 hours")

    # The attended details are revealed only once "Attended" is chosen.
    penalty = page.locator(f'[name="attendance-{abbott.pk}-penalty_minutes"]')
    assert not penalty.is_visible()
    page.locator(f"#id_attendance-{abbott.pk}-status").check()
    penalty.fill("30")
    page.locator(f'[name="attendance-{abbott.pk}-work_quality"]').select_option("good")
    page.locator(f'[name="attendance-{abbott.pk}-behaviour"]').select_option("excellent")
    page.locator(f"#id_attendance-{brown.pk}-status-5").check()
    page.locator(f'[name="attendance-{brown.pk}-reason"]').fill("Did not arrive and did not call")
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Save register").click()

    page.wait_for_url(re.compile(rf".*/unpaid-work/sessions/{session.pk}/register/$"))
    assert "Register saved: 2 people recorded" in page.content()
    assert page.get_by_test_id(f"hours-{abbott.pk}").inner_text().endswith("6 hours 30 minutes done of 100 hours")
    assert page.get_by_test_id(f"hours-{brown.pk}").inner_text().endswith("0 hours done of 100 hours")
    abbott.refresh_from_db()
    brown.refresh_from_db()
    assert (abbott.status, abbott.credited_minutes, brown.status) == ("attended", 390, "unacceptable_absence")
