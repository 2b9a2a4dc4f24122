"""Alerts panel on every page, the alerts page, a case's service levels tab and the service levels page."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import PersonAccessLimit
from tests import factories
from timeliness import services
from timeliness.models import Alert

pytestmark = pytest.mark.django_db

# Wednesday 3 June 2026, mid-morning in London.
TODAY = date(2026, 6, 3)


@pytest.fixture(autouse=True)
def _today(settings):
    settings.ALERT_DUE_SOON_WORKING_DAYS = 2
    with time_machine.travel("2026-06-03 10:00 +0100", tick=False):
        yield


def _clock(case, due_on, **kwargs):
    return factories.ClockFactory(case=case, started_on=date(2026, 5, 20), due_on=due_on, **kwargs)


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def _panel(response) -> str:
    html = response.content.decode()
    match = re.search(r'data-testid="alerts-panel".*?</div>', html, re.S)
    return _text(match.group(0).split(">", 1)[1]) if match else ""


@pytest.fixture
def alerted(org):
    """Olivia: two overdue clocks and one due soon; Maya (her manager): the two overdue ones."""
    case = factories.CaseFactory(responsible_officer=org.officer, person__last_name="Overton")
    other = factories.CaseFactory(responsible_officer=org.officer, person__last_name="Duesworth")
    overdue = _clock(case, date(2026, 5, 28), service_level="NPS SL003R")  # Thu: 4 working days before
    overdue_2 = _clock(case, date(2026, 6, 2), service_level="NPS SL005R")
    soon = _clock(other, date(2026, 6, 5), service_level="NPS SL002")
    services.alerts_raise()
    return {"case": case, "other": other, "overdue": overdue, "overdue_2": overdue_2, "soon": soon}


class TestPanel:
    def test_counts_on_every_page(self, org, client_for, alerted):
        client = client_for(org.officer)
        for url in (reverse("cases:caseload"), reverse("cases:search"), reverse("timeliness:service_levels")):
            assert _panel(client.get(url)) == "2 overdue, 1 due soon – View alerts about service levels", url

    def test_manager_sees_their_own_counts(self, org, client_for, alerted):
        assert _panel(client_for(org.manager).get(reverse("cases:team"))).startswith("2 overdue, 0 due soon")

    def test_no_alerts(self, org, client_for):
        assert _panel(client_for(org.colleague).get(reverse("cases:caseload"))).startswith("No unread alerts")

    def test_not_shown_when_signed_out(self, client):
        assert 'data-testid="alerts-panel"' not in client.get(reverse("login")).content.decode()

    def test_panel_costs_one_query(self, org, client_for, alerted):
        client = client_for(org.officer)
        url = reverse("timeliness:service_levels")
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        alert_queries = [q["sql"] for q in captured.captured_queries if "timeliness_alert" in q["sql"]]
        assert len(alert_queries) == 1

    def test_mark_read_changes_the_count(self, org, client_for, alerted):
        client = client_for(org.officer)
        alert = Alert.objects.get(recipient=org.officer, clock=alerted["soon"])

        response = client.post(reverse("timeliness:alert_read", args=[alert.pk]), follow=True)

        assert response.redirect_chain == [(reverse("timeliness:alerts"), 302)]
        assert "Alert marked as read." in response.content.decode()
        assert _panel(response).startswith("2 overdue, 0 due soon")


class TestAlertsPage:
    def test_lists_open_alerts_overdue_first(self, org, client_for, alerted):
        response = client_for(org.officer).get(reverse("timeliness:alerts"))

        assert response.status_code == 200
        rows = [
            _text(row) for row in re.findall(r'data-testid="alert-row">(.*?)</tr>', response.content.decode(), re.S)
        ]
        crn, other_crn = alerted["case"].person.crn, alerted["other"].person.crn
        assert rows[0].startswith("Overton, ")
        assert (
            f"{crn} NPS SL003R First appointment within 5 days of allocation (community sentence) 28 May 2026"
            in rows[0]
        )
        assert "Overdue by 4 working days Unread Mark as read" in rows[0]
        assert "NPS SL005R" in rows[1] and "Overdue by 1 working day" in rows[1]
        assert rows[2].startswith("Duesworth, ")
        assert f"{other_crn} NPS SL002" in rows[2] and "Due in 2 working days" in rows[2]
        assert len(rows) == 3
        html = response.content.decode()
        assert reverse("cases:person", args=[crn]) in html
        assert reverse("timeliness:alerts_read_all") in html

    def test_read_alerts_stay_listed_as_read(self, org, client_for, alerted):
        client = client_for(org.officer)
        alert = Alert.objects.get(recipient=org.officer, clock=alerted["soon"])
        client.post(reverse("timeliness:alert_read", args=[alert.pk]))

        html = client.get(reverse("timeliness:alerts")).content.decode()

        rows = [_text(row) for row in re.findall(r'data-testid="alert-row">(.*?)</tr>', html, re.S)]
        assert rows[2].endswith("Read")
        assert reverse("timeliness:alert_read", args=[alert.pk]) not in html

    def test_closed_alerts_are_not_listed(self, org, client_for, alerted):
        clock = alerted["soon"]
        services._stop(clock, on=TODAY, by=org.officer)

        response = client_for(org.officer).get(reverse("timeliness:alerts"))

        assert len(response.context["rows"]) == 2
        assert _panel(response).startswith("2 overdue, 0 due soon")

    def test_mark_all_as_read(self, org, client_for, alerted):
        client = client_for(org.officer)

        response = client.post(reverse("timeliness:alerts_read_all"), follow=True)

        assert "3 alerts marked as read." in response.content.decode()
        assert _panel(response).startswith("No unread alerts")
        assert Alert.objects.filter(recipient=org.manager, read_at__isnull=True).count() == 2

    def test_another_users_alert_is_not_found(self, org, client_for, alerted):
        alert = Alert.objects.get(recipient=org.manager, clock=alerted["overdue"])

        response = client_for(org.officer).post(reverse("timeliness:alert_read", args=[alert.pk]))

        assert response.status_code == 404
        alert.refresh_from_db()
        assert alert.read_at is None

    def test_get_is_not_allowed_for_mark_read(self, org, client_for, alerted):
        alert = Alert.objects.get(recipient=org.officer, clock=alerted["overdue"])

        assert client_for(org.officer).get(reverse("timeliness:alert_read", args=[alert.pk])).status_code == 405
        assert client_for(org.officer).get(reverse("timeliness:alerts_read_all")).status_code == 405

    def test_alert_about_a_person_the_user_is_now_excluded_from_is_hidden(self, org, client_for, alerted):
        PersonAccessLimit.objects.create(
            person=alerted["other"].person, user=org.officer, kind="exclusion", reason="Conflict", added_by=org.manager
        )

        response = client_for(org.officer).get(reverse("timeliness:alerts"))

        assert len(response.context["rows"]) == 2
        assert alerted["other"].person.crn not in response.content.decode()
        assert _panel(response).startswith("2 overdue, 0 due soon")

    def test_empty(self, org, client_for):
        response = client_for(org.colleague).get(reverse("timeliness:alerts"))

        assert "You have no open alerts." in response.content.decode()

    def test_query_count_is_constant(self, org, client_for):
        client = client_for(org.officer)

        def make(count):
            for index in range(count):
                case = factories.CaseFactory(responsible_officer=org.officer)
                _clock(case, [date(2026, 5, 29), date(2026, 6, 4)][index % 2])
            services.alerts_raise()

        counts = {}
        for size, more in ((10, 10), (25, 15)):
            make(more)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(reverse("timeliness:alerts"))
            assert len(response.context["rows"]) == size
            counts[size] = len(captured)
        # Session and user (5) + header team and provider (2) + panel + count + page.
        assert counts[10] == counts[25] == 10


class TestCaseClocks:
    def test_lists_the_cases_clocks_with_status(self, org, client_for):
        case = factories.CaseFactory(responsible_officer=org.officer)
        _clock(case, date(2026, 6, 5), service_level="NPS SL003R")
        _clock(case, date(2026, 5, 22), service_level="NPS SL002", status="met", stopped_on=date(2026, 5, 21))
        _clock(case, date(2026, 5, 22), service_level="NPS SL001", status="missed", stopped_on=date(2026, 5, 26))
        _clock(case, date(2026, 5, 29), service_level="NPS SL004R", status="cancelled", stopped_on=date(2026, 5, 23))
        factories.ClockFactory()  # another case's clock

        response = client_for(org.officer).get(reverse("timeliness:case_clocks", args=[case.pk]))

        assert response.status_code == 200
        rows = [
            _text(row) for row in re.findall(r'data-testid="clock-row">(.*?)</tr>', response.content.decode(), re.S)
        ]
        assert len(rows) == 4
        by_code = {row.split(" ")[0] + " " + row.split(" ")[1]: row for row in rows}
        assert by_code["NPS SL003R"].endswith(
            "20 May 2026 5 Jun 2026 Not yet Running Due in 2 working days Working days"
        )
        assert by_code["NPS SL002"].endswith("21 May 2026 Met Working days")
        assert by_code["NPS SL001"].endswith("26 May 2026 Missed The court's date")
        assert by_code["NPS SL004R"].endswith("23 May 2026 No longer applies Working days")
        assert response.context["tab"] == "clocks"

    def test_calendar_days_setting_is_shown(self, org, client_for, settings):
        settings.SERVICE_LEVEL_CALENDARS = {"NPS SL003R": "calendar"}
        case = factories.CaseFactory(responsible_officer=org.officer)
        _clock(case, date(2026, 6, 1))

        html = client_for(org.officer).get(reverse("timeliness:case_clocks", args=[case.pk])).content.decode()

        assert "Overdue by 2 days" in _text(html)
        assert "Calendar days" in _text(html)

    def test_out_of_scope_case_is_not_found(self, org, client_for):
        case = factories.CaseFactory(responsible_officer=org.other_provider_officer)
        _clock(case, date(2026, 6, 5))

        assert client_for(org.officer).get(reverse("timeliness:case_clocks", args=[case.pk])).status_code == 404

    def test_no_clocks(self, org, client_for):
        case = factories.CaseFactory(responsible_officer=org.officer)

        html = client_for(org.officer).get(reverse("timeliness:case_clocks", args=[case.pk])).content.decode()

        assert "No service-level clocks have started on this case." in html

    def test_query_count_is_constant(self, org, client_for):
        case = factories.CaseFactory(responsible_officer=org.officer)
        client = client_for(org.officer)
        url = reverse("timeliness:case_clocks", args=[case.pk])

        def count():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            return len(captured)

        _clock(case, date(2026, 6, 5))
        small = count()
        for index in range(20):
            _clock(case, date(2026, 6, 5) + timedelta(days=index))
        assert count() == small


class TestServiceLevelsPage:
    def test_shows_the_registry(self, org, client_for, settings):
        settings.SENTENCE_PLAN_DAYS = 15
        settings.SERVICE_LEVEL_CALENDARS = {"CRC SL013": "calendar"}

        response = client_for(org.officer).get(reverse("timeliness:service_levels"))

        rows = [
            _text(row)
            for row in re.findall(r'data-testid="service-level-row">(.*?)</tr>', response.content.decode(), re.S)
        ]
        assert len(rows) == 22
        assert rows[0] == (
            "NPS SL001 Pre-sentence report delivered by the court's due date National Probation Service "
            "The court asks for a pre-sentence report The report is delivered to the court The date the court set "
            "Set by the court 95%"
        )
        assert rows[1].endswith(
            "The person is sentenced The case is allocated to a responsible officer 2 working days Working days 95%"
        )
        sl005r = next(row for row in rows if row.startswith("NPS SL005R"))
        assert "15 working days" in sl005r
        sl013 = next(row for row in rows if row.startswith("CRC SL013"))
        assert sl013.endswith("5 calendar days Calendar days 95%")
        assert "Community Rehabilitation Companies" in sl013
        sl006 = next(row for row in rows if row.startswith("CRC SL006"))
        assert sl006.endswith("7 calendar days Calendar days 75%")
        en2 = next(row for row in rows if row.startswith("LOCAL EN2"))
        assert en2.endswith("The officer records the enforcement decision The same day Working days 100% (local)")
        crc_ae = next(row for row in rows if row.startswith("CRC AE"))
        assert crc_ae.endswith(
            "The CRC refers the breach to the NPS or the breach pack is sent to court 8 working days Working days 95%"
        )
        sl012 = next(row for row in rows if row.startswith("NPS SL012"))
        assert sl012.endswith("1 calendar day Calendar days 95%")
