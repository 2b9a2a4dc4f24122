"""The "End this case" page (/cases/<pk>/end/) and what the case page shows about ending.

Time is frozen on Tuesday 10 November 2026. Olivia Okafor holds the case (Manchester North, NPS North West),
sentenced on 1 March 2024.
"""

import html
import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Sentence
from tests import factories
from timeliness.models import Clock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 10, 11, 0)), tick=False):
        yield


@pytest.fixture
def case(org):
    case = factories.CaseFactory(responsible_officer=org.officer)
    factories.SentenceFactory(case=case, sentence_date=date(2024, 3, 1))
    factories.OfficerAssignmentFactory(case=case, assigned_by=org.manager)
    return case


def _url(case) -> str:
    return reverse("cases:case_end", args=[case.pk])


def _case_url(case) -> str:
    return reverse("cases:case", args=[case.pk])


def _text(response) -> str:
    """What the page says: tags removed, entities decoded, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _error_summary(response) -> list[tuple[str, str]]:
    """(link target, message) of each entry of the error summary."""
    body = response.content.decode()
    summary = body[body.index('data-testid="error-summary"') :]
    summary = summary[: summary.index("</ul>")]
    return [
        (href, html.unescape(message).strip())
        for href, message in re.findall(r'<a href="([^"]*)">([^<]*)</a>', summary)
    ]


def _post(day=None, month=None, year=None, **data) -> dict:
    dates = {"end_date-day": day, "end_date-month": month, "end_date-year": year}
    return {**{key: value for key, value in dates.items() if value is not None}, **data}


def _unchanged(case) -> bool:
    case.refresh_from_db()
    return (
        case.status == Case.Status.ACTIVE
        and case.end_date is None
        and case.termination_outcome == ""
        and case.history.count() == 1
        and Sentence.objects.get(case=case).status == Sentence.Status.CURRENT
    )


class TestThePage:
    def test_shows_the_date_defaulting_to_today_the_outcomes_with_hints_and_notes(self, org, client_for, case):
        response = client_for(org.officer).get(_url(case))

        assert response.status_code == 200
        text = _text(response)
        assert "End this case" in text
        assert f"{case.person.full_name}, CRN: {case.person.crn}" in text
        assert "Date the case ended" in text
        markup = response.content.decode()
        assert 'name="end_date-day" type="text" inputmode="numeric" value="10"' in markup
        assert 'name="end_date-month" type="text" inputmode="numeric" value="11"' in markup
        assert 'name="end_date-year" type="text" inputmode="numeric" value="2026"' in markup
        options = re.findall(r'name="outcome" type="radio" value="([a-z_]+)"', markup)
        assert options == [
            "completed_positively",
            "revoked",
            "breached_and_resentenced",
            "died",
            "transferred_out",
        ]
        for label, hint in [
            ("Completed positively", "The order or licence ran its course and the requirements were done"),
            ("Revoked by the court", "The court revoked the order early"),
            ("Breached and re-sentenced", "The court found the order breached and passed a new sentence"),
            ("The person died", "The person died while under supervision"),
            ("Transferred out", "Supervision moved to another probation area or service: say where in the notes"),
        ]:
            assert f"{label} {hint}" in text
        assert 'name="notes"' in markup
        assert "Needed if the case was transferred out: say where to." in text
        assert "End case" in text

    def test_ending_goes_to_the_case_page_with_a_banner_and_the_outcome(self, org, client_for, case):
        clock = factories.ClockFactory(case=case, started_on=date(2026, 11, 2), due_on=date(2026, 11, 9))

        response = client_for(org.officer).post(
            _url(case),
            _post(3, 11, 2026, outcome="completed_positively", notes="All requirements done."),
            follow=True,
        )

        assert response.redirect_chain == [(_case_url(case), 302)]
        text = _text(response)
        assert "Success Case ended: completed positively" in text
        assert "How the case ended Ended on 3 November 2026: Completed positively" in text
        assert "Notes on the ending All requirements done." in text
        assert "Ended by Olivia Okafor" in text
        case.refresh_from_db()
        assert (case.status, case.end_date, case.termination_outcome, case.termination_notes, case.ended_by) == (
            Case.Status.ENDED,
            date(2026, 11, 3),
            "completed_positively",
            "All requirements done.",
            org.officer,
        )
        clock.refresh_from_db()
        assert clock.status == Clock.Status.CANCELLED

    def test_a_manager_ends_a_case_transferred_out(self, org, client_for, case):
        response = client_for(org.manager).post(
            _url(case),
            _post(10, 11, 2026, outcome="transferred_out", notes="Transferred to another probation area"),
        )

        assert (response.status_code, response["Location"]) == (302, _case_url(case))
        case.refresh_from_db()
        assert (case.termination_outcome, case.termination_notes, case.ended_by) == (
            "transferred_out",
            "Transferred to another probation area",
            org.manager,
        )


class TestErrors:
    def test_nothing_entered(self, org, client_for, case):
        response = client_for(org.officer).post(_url(case), {})

        assert response.status_code == 400
        assert f"<title>Error: End this case – {case.person.full_name} – " in response.content.decode()
        assert _error_summary(response) == [
            ("#id_end_date-day", "Enter the date the case ended"),
            ("#id_outcome", "Select how the case ended"),
        ]
        assert _unchanged(case)

    def test_transferred_out_needs_notes(self, org, client_for, case):
        response = client_for(org.officer).post(_url(case), _post(3, 11, 2026, outcome="transferred_out", notes=" "))

        assert response.status_code == 400
        assert _error_summary(response) == [("#id_notes", "Say where the case was transferred to.")]
        assert 'id="id_notes-error"' in response.content.decode()
        assert _unchanged(case)

    @pytest.mark.parametrize(
        ("day", "month", "year", "link", "message"),
        [
            (11, 11, 2026, "#id_end_date-day", "The date the case ended cannot be in the future."),
            (29, 2, 2024, "#id_end_date-day", "The case cannot end before the sentence on 1 March 2024."),
            (14, 1, 2024, "#id_end_date-day", "The case cannot end before it started on 15 January 2024."),
            (31, 2, 2026, "#id_end_date-day", "Date the case ended must be a real date"),
            (3, "", 2026, "#id_end_date-day", "Date the case ended must include a month"),
        ],
    )
    def test_bad_dates(self, org, client_for, case, day, month, year, link, message):
        response = client_for(org.officer).post(_url(case), _post(day, month, year, outcome="died"))

        assert response.status_code == 400
        assert _error_summary(response) == [(link, message)]
        assert _unchanged(case)

    def test_an_unknown_outcome(self, org, client_for, case):
        response = client_for(org.officer).post(_url(case), _post(3, 11, 2026, outcome="finished"))

        assert response.status_code == 400
        assert _error_summary(response) == [("#id_outcome", "Select how the case ended from the list")]
        assert _unchanged(case)

    def test_the_choices_are_kept_after_an_error(self, org, client_for, case):
        response = client_for(org.officer).post(_url(case), _post(3, 11, 2026, outcome="transferred_out"))

        markup = response.content.decode()
        assert 'value="transferred_out" aria-describedby="id_outcome-5-hint" checked' in markup
        assert 'name="end_date-day" type="text" inputmode="numeric" value="3"' in markup


class TestPermission:
    def test_a_colleague_in_the_team_sees_the_case_but_gets_403(self, org, client_for, case):
        client = client_for(org.colleague)

        assert client.get(_case_url(case)).status_code == 200
        assert client.get(_url(case)).status_code == 403
        assert client.post(_url(case), _post(3, 11, 2026, outcome="completed_positively")).status_code == 403
        assert _unchanged(case)

    @pytest.mark.parametrize(
        "who",
        [
            "other_provider_officer",
            "other_provider_manager",
            "other_team_officer",
            "upw",
            "court_user",
            "administrator",
        ],
    )
    def test_outside_scope_is_404(self, org, client_for, case, who):
        client = client_for(getattr(org, who))

        assert client.get(_url(case)).status_code == 404
        assert client.post(_url(case), _post(3, 11, 2026, outcome="completed_positively")).status_code == 404
        assert _unchanged(case)

    def test_an_administrator_with_a_team_of_the_provider_may_end_it(self, org, client_for, case):
        administrator = factories.AdministratorFactory(team=org.team_a)

        response = client_for(administrator).post(_url(case), _post(3, 11, 2026, outcome="died"))

        assert response.status_code == 302
        case.refresh_from_db()
        assert case.ended_by == administrator

    def test_an_ended_case_is_refused(self, org, client_for):
        ended = factories.CaseFactory(
            responsible_officer=org.officer, ended=True, termination_outcome="revoked", ended_by=org.officer
        )

        response = client_for(org.officer).get(_url(ended))
        posted = client_for(org.officer).post(_url(ended), _post(3, 11, 2026, outcome="died"))

        assert (response.status_code, posted.status_code) == (400, 400)
        text = _text(response)
        assert "This case has already ended" in text
        assert "Ended on 15 January 2025: Revoked by the court. An ended case cannot be ended again." in text
        assert "Nothing has been changed." in text
        ended.refresh_from_db()
        assert ended.termination_outcome == "revoked"


class TestCasePage:
    @pytest.mark.parametrize(("who", "shown"), [("officer", True), ("manager", True), ("colleague", False)])
    def test_the_end_button_only_for_those_who_may_end(self, org, client_for, case, who, shown):
        response = client_for(getattr(org, who)).get(_case_url(case))

        assert response.status_code == 200
        assert (f'href="{_url(case)}"' in response.content.decode()) is shown
        assert ("End this case" in _text(response)) is shown

    def test_a_case_waiting_for_allocation_offers_the_manager_the_button(self, org, client_for):
        waiting = factories.CaseFactory(awaiting_allocation=True, provider=org.nps)

        response = client_for(org.manager).get(_case_url(waiting))

        assert "End this case" in _text(response)

    def test_an_ended_case_shows_how_it_ended_and_no_button(self, org, client_for):
        ended = factories.CaseFactory(
            responsible_officer=org.officer,
            ended=True,
            termination_outcome="transferred_out",
            termination_notes="Transferred to another probation area",
            ended_by=org.manager,
        )

        response = client_for(org.officer).get(_case_url(ended))

        text = _text(response)
        assert "How the case ended Ended on 15 January 2025: Transferred out" in text
        assert "Notes on the ending Transferred to another probation area" in text
        assert "Ended by Maya Mensah" in text
        assert "End this case" not in text
        assert _url(ended) not in response.content.decode()

    def test_an_old_ended_case_without_an_outcome_says_so(self, org, client_for):
        ended = factories.CaseFactory(responsible_officer=org.officer, ended=True)

        text = _text(client_for(org.officer).get(_case_url(ended)))

        assert "How the case ended Ended on 15 January 2025: how it ended was not recorded" in text
        assert "Notes on the ending" not in text
        assert "Ended by" not in text

    def test_an_open_case_says_nothing_about_ending(self, org, client_for, case):
        text = _text(client_for(org.officer).get(_case_url(case)))

        assert "End date Not ended" in text
        assert "How the case ended" not in text
