"""From court to plan in a real browser (issue 4): sentence a person with a rehabilitation activity requirement and
unpaid work -> the manager allocates from the queue, seeing caseloads -> the officer books the first appointment and
records it attended -> the officer completes a sentence plan. Between the steps the alert scan runs, and the
alerts panel and the alerts page show each service level's alert appear and clear when its stop event is recorded.

The alert scan is run for a later day where a clock is not yet due today (timeliness.services.alerts_raise with
`today=`): the alert rows are the same, and the pages show unread open alerts whatever the day.
"""

import re
from datetime import date, time, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts import services as accounts_services
from cases import services as cases_services
from cases.models import Case, Contact, Sentence, SentencePlan
from cases.services import court as court_services
from interventions.services import unpaid_work as unpaid_work_services
from risk import services as risk_services
from tests.reference_data import reseed
from timeliness.calendar import add_working_days
from timeliness.models import Alert, Clock
from timeliness.services import alerts_raise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def journey():
    """An NPS division with a court team and a field team (manager, officer, colleague) and a person opened at court,
    awaiting sentence, with a completed (high) risk of serious harm assessment."""
    reseed()  # earlier transactional tests flushed the migrations' reference data
    today = timezone.localdate()
    region = accounts_services.region_create(by=None, name="North West")
    nps = accounts_services.provider_create(
        by=None, name="NPS North West", code="N01", provider_type="nps_division", region=region
    )
    crc = accounts_services.provider_create(
        by=None, name="Greater Manchester CRC", code="C04", provider_type="crc", region=region
    )
    crc_team = accounts_services.team_create(by=None, provider=crc, name="Unpaid Work Central", code="C04UW")
    court_team = accounts_services.team_create(by=None, provider=nps, name="Manchester Court Team", code="N01CT")
    field_team = accounts_services.team_create(by=None, provider=nps, name="Manchester North", code="N01MN")
    court = accounts_services.court_create(
        by=None, name="Manchester Magistrates' Court", code="MNMC", court_type="magistrates", region=region
    )
    staff = {}
    for username, first, role, team in [
        ("court.officer", "Carol", "responsible_officer", court_team),
        ("officer", "Olivia", "responsible_officer", field_team),
        ("colleague", "Colin", "responsible_officer", field_team),
        ("manager", "Maya", "manager", field_team),
        ("crc.manager", "Cath", "manager", crc_team),
    ]:
        staff[username] = accounts_services.staff_create(
            by=None,
            username=username,
            first_name=first,
            last_name="Tester",
            email=f"{username}@example.org",
            role=role,
            password=settings.DEMO_PASSWORD,
            team=team,
        )
    # Caseloads the manager sees when choosing an officer: Olivia holds 2 active cases, Colin 1.
    for index, holder in enumerate(["officer", "officer", "colleague"]):
        held = cases_services.person_create(
            by=staff["manager"],
            first_name="Held",
            last_name=f"Case{index}",
            date_of_birth=date(1985, 1, 1),
            gender="male",
        )
        cases_services.case_create(
            by=staff["manager"],
            person=held,
            provider=nps,
            team=field_team,
            responsible_officer=staff[holder],
            start_date=today - timedelta(days=100),
        )
    person = cases_services.person_create(
        by=staff["court.officer"],
        first_name="Ryan",
        last_name="Rothwell",
        date_of_birth=date(1994, 6, 3),
        gender="male",
    )
    risk_services.assessment_record_completed(
        by=staff["court.officer"],
        person=person,
        kind="full",
        assessment_date=today - timedelta(days=7),
        risk_to_public=3,
        risk_to_known_adults=2,
        risk_to_children=1,
        risk_to_staff=1,
        who_is_at_risk="Members of the public in the town centre at night.",
        nature_of_risk="Assaults when drinking, causing injury.",
        circumstances_increasing_risk="Heavy drinking at weekends.",
        plan_supervision="Weekly appointments.",
        plan_contingency="Breach proceedings if he does not comply.",
    )
    case = court_services.case_open_at_court(
        by=staff["court.officer"],
        person=person,
        court=court,
        appearance_date=today - timedelta(days=14),
        purpose="adjourned_for_report",
        offences="Assault occasioning actual bodily harm.",
        team=court_team,
        author=staff["court.officer"],
    )
    return {"staff": staff, "person": person, "case": case, "today": today}


def _sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/caseload/$"))


def _fill_date(page, name: str, day: date):
    page.locator(f'[name="{name}-day"]').fill(str(day.day))
    page.locator(f'[name="{name}-month"]').fill(str(day.month))
    page.locator(f'[name="{name}-year"]').fill(str(day.year))


def _panel(page) -> str:
    return page.get_by_test_id("alerts-panel").inner_text()


def _alert_rows(page, live_server) -> str:
    page.goto(f"{live_server.url}/alerts/")
    return page.locator("main").inner_text()


def _success(page) -> str:
    return page.locator(".govuk-notification-banner--success").inner_text()


def _open_alerts(username: str, code: str):
    return Alert.objects.filter(recipient__username=username, clock__service_level=code, closed_at__isnull=True)


def test_sentence_allocate_first_appointment_and_plan_with_alerts(page, live_server, journey):
    case, person, today = journey["case"], journey["person"], journey["today"]
    crn = person.crn

    # 1. The court team officer records the sentence: a community order with 20 RAR days and 100 hours of unpaid work.
    _sign_in(page, live_server, "court.officer")
    page.goto(f"{live_server.url}/cases/{case.pk}/sentence/new/")
    assert page.get_by_role("heading", level=1).inner_text() == "Record a sentence"
    page.get_by_label("Community order").check()
    _fill_date(page, "sentence_date", today)
    page.get_by_label("Length in months").fill("12")
    page.get_by_label("Rehabilitation activity requirement").check()
    page.locator('[name="requirement_rar_maximum_days"]').fill("20")
    page.get_by_label("Unpaid work", exact=True).check()
    page.locator('[name="requirement_unpaid_work_hours"]').fill("100")
    page.get_by_role("button", name="Record sentence").click()
    assert "waiting for allocation by NPS North West" in _success(page)

    sentence = Sentence.objects.get(case=case)
    requirements = {(r.requirement_type.code, r.maximum_days, r.hours) for r in sentence.requirements.all()}
    assert requirements == {("rar", 20, None), ("unpaid_work", None, 100)}
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_ALLOCATION
    sl002 = Clock.objects.get(case=case, service_level="NPS SL002", status=Clock.Status.OPEN)
    assert sl002.due_on == add_working_days(today, 2)

    # The scan: allocation is due soon, so the manager is alerted.
    alerts_raise(today=today)
    assert _open_alerts("manager", "NPS SL002").get().kind == "due_soon"

    # 2. The manager sees the alert and the case in the queue, and allocates it to Olivia, seeing caseloads.
    _sign_in(page, live_server, "manager")
    assert "0 overdue, 1 due soon" in _panel(page)
    alerts_page = _alert_rows(page, live_server)
    assert crn in alerts_page and "NPS SL002" in alerts_page
    page.goto(f"{live_server.url}/allocations/")
    queue = page.get_by_test_id("allocation-queue").inner_text()
    assert "Rothwell, Ryan" in queue and crn in queue and "Community order" in queue
    page.get_by_role("link", name="Allocate Ryan Rothwell").click()
    page.get_by_label("Manchester North").check()
    page.get_by_role("button", name="Continue").click()
    choices = page.get_by_test_id("officer-choices").inner_text()
    assert "Current caseload: 2 active cases" in choices and "Current caseload: 1 active case" in choices
    page.get_by_label("Olivia Tester").check()
    # High risk of serious harm: the manager records their management oversight before allocating.
    assert "This case is high risk of serious harm" in page.get_by_test_id("high-risk-oversight").inner_text()
    page.get_by_label("Management oversight note").fill(
        "Read the report and the RoSH assessment. Olivia has capacity and experience of violent offending; "
        "first appointment this week, risk management plan reviewed with me in supervision."
    )
    page.get_by_role("button", name="Allocate case").click()
    assert "Case allocated to Olivia Tester, Manchester North" in _success(page)
    # The SL002 alert closed with its clock: the panel has nothing unread.
    assert "No unread alerts" in _panel(page)
    assert not _open_alerts("manager", "NPS SL002").exists()
    assert Clock.objects.get(pk=sl002.pk).status == Clock.Status.MET

    # Meanwhile, other staff through the services: the NPS passes the unpaid work to the CRC the same day (NPS SL007
    # met) and the CRC books the first session for tomorrow (CRC SL005 and SL006 met): no unpaid work clock runs on.
    unpaid_work = sentence.requirements.get(requirement_type__code="unpaid_work")
    unpaid_work_services.unpaid_work_transfer(by=journey["staff"]["manager"], requirement=unpaid_work)
    crc_manager = journey["staff"]["crc.manager"]
    project = unpaid_work_services.project_create(
        by=crc_manager,
        provider=crc_manager.team.provider,
        name="Heaton Park conservation",
        project_type="group_placement",
        location="Heaton Park, Manchester",
    )
    session = unpaid_work_services.session_create(
        by=crc_manager,
        project=project,
        session_date=today + timedelta(days=1),
        start_time=time(9),
        end_time=time(16),
        capacity=8,
    )
    unpaid_work_services.attendance_book(by=crc_manager, session=session, requirement=unpaid_work)
    unpaid_work_clocks = Clock.objects.filter(case=case, subject=f"requirement:{unpaid_work.pk}")
    assert dict(unpaid_work_clocks.values_list("service_level", "status")) == {
        "NPS SL007": "met",
        "CRC SL005": "met",
        "CRC SL006": "met",
    }

    # The first appointment clock runs; three working days on it is due soon and Olivia is alerted.
    sl003 = Clock.objects.get(case=case, service_level="NPS SL003R", status=Clock.Status.OPEN)
    alerts_raise(today=add_working_days(today, 3))
    assert _open_alerts("officer", "NPS SL003R").get().kind == "due_soon"

    # 3. Olivia sees the alert, books the first appointment for earlier today and records it attended.
    _sign_in(page, live_server, "officer")
    assert "0 overdue, 1 due soon" in _panel(page)
    alerts_page = _alert_rows(page, live_server)
    assert crn in alerts_page and "NPS SL003R" in alerts_page
    page.goto(f"{live_server.url}/cases/{case.pk}/contacts/")
    page.get_by_role("button", name="Book an appointment").click()
    page.get_by_label("Type of appointment").select_option("initial_appointment")
    now = timezone.localtime()
    earlier = max(now.replace(hour=0, minute=0), now - timedelta(minutes=30))
    _fill_date(page, "date", earlier.date())
    page.get_by_label("Time").fill(f"{earlier:%H:%M}")
    page.get_by_label("Duration in minutes").fill("45")
    page.get_by_label("Face to face").check()
    page.get_by_label("Location").fill("Manchester North office")
    page.get_by_role("button", name="Book appointment").click()
    assert "Appointment booked for" in _success(page)
    page.get_by_test_id("awaiting-outcome").get_by_role("link", name=re.compile("Record outcome")).click()
    page.get_by_label("Attended and complied").check()
    page.get_by_role("button", name="Record outcome").click()
    assert "Outcome recorded: Attended and complied" in _success(page)
    assert Contact.objects.get(case=case).outcome.code == "attended_complied"
    assert Clock.objects.get(pk=sl003.pk).status == Clock.Status.MET
    assert "No unread alerts" in _panel(page)

    # The sentence plan clock runs from the first contact; nine working days on it is due soon.
    sl005 = Clock.objects.get(case=case, service_level="NPS SL005R", status=Clock.Status.OPEN)
    alerts_raise(today=add_working_days(today, settings.SENTENCE_PLAN_DAYS - 1))
    assert _open_alerts("officer", "NPS SL005R").get().kind == "due_soon"
    page.reload()
    assert "0 overdue, 1 due soon" in _panel(page)
    assert "NPS SL005R" in _alert_rows(page, live_server)

    # 4. Olivia starts, fills and completes the sentence plan with one objective.
    page.goto(f"{live_server.url}/cases/{case.pk}/plan/")
    page.get_by_role("link", name="Start a sentence plan").click()
    page.get_by_role("button", name="Start draft plan").click()
    assert "Draft plan started" in _success(page)
    page.get_by_label("Strengths and protective factors").fill("Close to his mother; wants to keep his job.")
    page.get_by_label("Yes, meaningfully involved").check()
    page.get_by_role("button", name="Save draft plan").click()
    assert "Draft plan saved" in _success(page)
    page.get_by_role("link", name="Add an objective").click()
    page.get_by_label("Need area").select_option("alcohol_misuse")
    page.get_by_label("What will change").fill("Cut down drinking and understand its link to the offending.")
    page.get_by_label("Who will do it").fill("Alcohol service")
    _fill_date(page, "target_date", today + timedelta(days=90))
    page.get_by_role("button", name="Add objective").click()
    assert "Objective added" in _success(page)
    page.get_by_role("link", name="Check and complete the plan").click()
    _fill_date(page, "completed_on", today)
    page.get_by_role("button", name="Confirm and complete the plan").click()

    plan = SentencePlan.objects.get(case=case)
    assert plan.status == SentencePlan.Status.COMPLETED and plan.objectives.count() == 1
    assert Clock.objects.get(pk=sl005.pk).status == Clock.Status.MET
    assert "No unread alerts" in _panel(page)
    assert "You have no open alerts." in _alert_rows(page, live_server)
    assert not Alert.objects.filter(closed_at__isnull=True).exists()
