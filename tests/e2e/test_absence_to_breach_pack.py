"""From an unacceptable absence to a breach pack the court opens, in a real browser (issue 6, "Done when").

The officer records a missed appointment as an unacceptable absence on a community order whose one warning allowed
is already used, decides breach action (the only enforcement decision left), writes the statement and proposal and
submits the pack; the team manager signs it off; the officer sends it to the magistrates' court; the court user
opens it in the court portal, reads the failures and the statement, downloads the PDF and acknowledges it.
"""

import io
import re
from datetime import datetime, time, timedelta

import pypdf
import pytest
from django.utils import timezone

from cases.models import Contact
from cases.services.contacts import appointment_record_outcome
from enforcement.models import Breach, BreachPack
from enforcement.services import compliance
from tests import factories
from tests.reference_data import reseed
from timeliness.calendar import add_working_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def order():
    """An NPS case on a community order made 4 months ago at Manchester Magistrates' Court, with a warning given for
    an earlier absence, and a booked appointment two days ago still without its outcome."""
    reseed()  # earlier transactional tests flushed the migrations' reference data
    today = timezone.localdate()
    region = factories.RegionFactory(name="North West")
    nps = factories.ProviderFactory(name="NPS North West", code="N01", provider_type="nps_division", region=region)
    team = factories.TeamFactory(provider=nps, name="Manchester North", code="N01MN")
    officer = factories.OfficerFactory(username="olivia", first_name="Olivia", last_name="Okafor", team=team)
    factories.ManagerFactory(username="maya", first_name="Maya", last_name="Mensah", team=team)
    court = factories.CourtFactory(name="Manchester Magistrates' Court", code="MNMC", region=region)
    factories.CourtUserFactory(username="angela", first_name="Angela", last_name="Hardcastle", courts=[court])
    case = factories.CaseFactory(
        responsible_officer=officer, person__first_name="Ryan", person__last_name="Rothwell", person__crn="R123456"
    )
    appearance = factories.CourtAppearanceFactory(
        case=case, court=court, appearance_date=today - timedelta(days=120), offences="Theft from a shop."
    )
    sentence = factories.SentenceFactory(
        case=case, sentence_date=today - timedelta(days=120), court_appearance=appearance
    )
    factories.RequirementFactory(sentence=sentence)
    earlier = factories.ContactFactory(
        case=case, starts_at=timezone.make_aware(datetime.combine(today - timedelta(days=40), time(10)))
    )
    appointment_record_outcome(by=officer, contact=earlier, outcome=factories.contact_outcome("unacceptable_absence"))
    compliance.failure_decide(
        by=officer,
        failure=earlier.compliance_failure,
        decision="first_warning",
        on=add_working_days(today - timedelta(days=40), 1),
    )
    missed = factories.ContactFactory(
        case=case, starts_at=timezone.make_aware(datetime.combine(today - timedelta(days=2), time(11)))
    )
    return {"case": case, "missed": missed, "court": court, "today": today}


def _sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_an_officer_takes_an_absence_to_a_pack_the_court_opens(page, live_server, order):
    case, missed = order["case"], order["missed"]

    # 1. The officer records the missed appointment as an unacceptable absence: a failure to comply.
    _sign_in(page, live_server, "olivia")
    page.goto(f"{live_server.url}/cases/{case.pk}/contacts/")
    page.get_by_test_id("awaiting-outcome").get_by_role("link", name=re.compile("Record outcome")).click()
    page.get_by_label("Unacceptable absence").check()
    page.get_by_role("button", name="Record outcome").click()
    page.wait_for_load_state()
    assert Contact.objects.get(pk=missed.pk).outcome.code == "unacceptable_absence"

    # 2. The compliance tab says the warnings are used up; the decision page offers breach action, not a warning.
    page.goto(f"{live_server.url}/cases/{case.pk}/compliance/")
    assert "A further failure needs breach action" in page.get_by_test_id("threshold-tag").inner_text()
    page.get_by_test_id("record-decision").first.click()
    options = page.get_by_test_id("decision-options").inner_text()
    assert "Breach action" in options and "warning" not in options.lower()
    page.get_by_label("Breach action").check()
    page.get_by_label("Reason or evidence").fill("Second unacceptable absence within 12 months of a warning.")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()

    # 3. The breach is open: the officer prepares the pack from the record and submits it for sign-off.
    page.get_by_test_id("breach-link").click()
    assert page.get_by_test_id("breach-status").inner_text() == "Pack being prepared"
    page.get_by_label("Your statement to the court").fill(
        "Ryan was warned in writing after his first absence. He missed his appointment again and has not given a "
        "reason."
    )
    page.get_by_label("Your proposal").fill("That the order continues with 10 more rehabilitation activity days.")
    assert page.get_by_label("Court the pack goes to").input_value() == str(order["court"].pk)
    page.get_by_test_id("submit-pack").click()
    page.wait_for_load_state()
    assert "waiting for a manager's sign-off" in page.content()
    breach = Breach.objects.get(case=case)
    assert breach.status == "awaiting_sign_off"

    # 4. The manager signs it off.
    _sign_in(page, live_server, "maya")
    page.goto(f"{live_server.url}/breaches/")
    page.get_by_test_id("sign-off").get_by_role("link", name="Ryan Rothwell").click()
    page.get_by_test_id("action-sign-off").click()
    page.get_by_label("Sign off the pack").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("breach-status").inner_text() == "Signed off"

    # 5. The officer sends it to the court.
    _sign_in(page, live_server, "olivia")
    page.goto(f"{live_server.url}/breaches/{breach.pk}/")
    page.get_by_test_id("action-send").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("breach-status").inner_text() == "Sent to court"
    pack = BreachPack.objects.get(breach=breach)

    # 6. The court user finds it in the court portal, reads it, downloads the PDF and acknowledges it.
    _sign_in(page, live_server, "angela")
    page.goto(f"{live_server.url}/")
    page.wait_for_url(re.compile(r".*/court-portal/$"))
    page.get_by_role("link", name="Ryan Rothwell").click()
    failures = page.get_by_test_id("pack-failures").inner_text()
    missed_day = f"{timezone.localtime(missed.starts_at):%-d %B %Y}"
    assert missed_day in failures and "Unacceptable absence" in failures and "Breach action" in failures
    assert "First warning letter" in page.get_by_test_id("pack-warnings").inner_text()
    assert "missed his appointment again" in page.get_by_test_id("pack-statement").inner_text()
    assert "Signed off by Maya Mensah" in page.get_by_test_id("pack-sign-off").inner_text()
    pdf = page.request.get(f"{live_server.url}/court-portal/packs/{pack.pk}/pdf/")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.body())).pages)
    assert "missed his appointment again" in text and "Page 1 of" in text
    page.get_by_test_id("acknowledge").click()
    page.wait_for_load_state()
    assert "On " in page.get_by_test_id("acknowledged").inner_text()
    pack.refresh_from_db()
    assert pack.acknowledged_by.username == "angela"
