"""The compliance pages: the case's Compliance tab, recording a decision on a failure, the warning letter and the
decisions due list. What they show, who may use them (404 outside the user's scope, a refusal page for a visible
failure the user may not decide or that has no decision to make, 403 for a role without decisions), bad input
(400, nothing changed) and the success path.

Today is Wednesday 25 November 2026 (tests/enforcement/setup.py). A failure on Monday 23 November is due today
(two working days); one on Thursday 19 November was due on Monday 23 November and is overdue.
"""

import re
from datetime import date

import pytest
from django.urls import reverse

from accounts.context_processors import navigation
from enforcement.models import ComplianceFailure, WarningLetter
from enforcement.selectors import compliance as selectors
from enforcement.services import compliance as services
from enforcement.views.compliance import _needing_action
from interventions.services import unpaid_work as upw_services
from tests import factories
from tests.enforcement import setup
from tests.enforcement.setup import TODAY, community_case, failure, licence_case
from tests.interventions import test_unpaid_work_setup as upw_setup

frozen = setup.frozen
compliance = setup.compliance
upw = upw_setup.upw

pytestmark = pytest.mark.django_db

OUTSIDERS = ["other_team_officer", "other_provider_officer", "other_provider_manager", "court_user"]
MONDAY = date(2026, 11, 23)  # decision due today
LAST_THURSDAY = date(2026, 11, 19)  # decision was due on Monday 23 November: overdue


def _html(response) -> str:
    return response.content.decode()


def _tab(case) -> str:
    return reverse("enforcement:case_compliance", args=[case.pk])


def _decide_url(failure_) -> str:
    return reverse("enforcement:failure_decide", args=[failure_.pk])


def _letter_url(letter) -> str:
    return reverse("enforcement:warning_letter", args=[letter.pk])


def _row(html: str, failure_) -> str:
    start = html.index(f'data-testid="failure-{failure_.pk}"')
    return html[start : html.index("</tr>", start)]


def _form(decision="", reason="", on: date | None = TODAY) -> dict:
    data = {"decision": decision, "reason": reason}
    if on is not None:
        data.update({"on-day": str(on.day), "on-month": str(on.month), "on-year": str(on.year)})
    return data


def _decide(failure_, decision, *, by=None, on=None, reason=""):
    return services.failure_decide(
        by=by or failure_.case.responsible_officer, failure=failure_, decision=decision, on=on or TODAY, reason=reason
    )


def _radios(html: str) -> list[str]:
    return re.findall(r'name="decision" type="radio" value="([a-z_]+)"', html)


def _withdrawn_failure(org, upw):
    """An unpaid work failure on a CRC case held by org.other_provider_officer, withdrawn when a manager corrected
    the outcome to attended."""
    requirement = upw_setup.upw_requirement(org.other_provider_officer, first_name="Wendy", last_name="Withdrawn")
    on_session = upw_setup.session(upw.project, on=MONDAY, supervisor=upw.supervisor)
    attendance = upw_setup.booking(requirement, on_session)
    upw_services.attendance_record(
        by=upw.manager, attendance=attendance, **upw_setup.outcome_fields("unacceptable_absence")
    )
    upw_services.attendance_record(by=upw.manager, attendance=attendance, **upw_setup.outcome_fields("attended"))
    withdrawn = ComplianceFailure.objects.get(unpaid_work_attendance=attendance)
    assert withdrawn.status == ComplianceFailure.Status.WITHDRAWN
    return withdrawn


# The case's Compliance tab -----------------------------------------------------------------------------------


class TestComplianceTab:
    def test_the_panel_and_every_failure(self, compliance, client_for):
        org = compliance.org
        case = compliance.community
        warned = failure(case, date(2026, 10, 5))
        _decide(warned, "first_warning", on=date(2026, 10, 6))
        awaiting = failure(case, MONDAY)

        response = client_for(org.officer).get(_tab(case))

        assert response.status_code == 200
        html = _html(response)
        panel = html[html.index('data-testid="compliance-panel"') : html.index("Every failure to comply")]
        assert "2 since 25 November 2025" in panel
        assert "1 of 1 allowed" in panel and "First warning letter on 6 October 2026" in panel
        assert "A further failure needs breach action" in panel
        assert "None decided" in panel
        letter = WarningLetter.objects.get(failure=warned)
        warned_row = _row(html, warned)
        assert "5 October 2026" in warned_row and "Unacceptable absence" in warned_row
        assert "First warning letter" in warned_row and "on 6 October 2026 by Olivia Okafor" in warned_row
        assert _letter_url(letter) in warned_row
        assert "Record a decision" not in warned_row
        awaiting_row = _row(html, awaiting)
        assert "Decision due 25 November 2026" in awaiting_row and "Due today" in awaiting_row
        assert _decide_url(awaiting) in awaiting_row
        assert "Appointment" in awaiting_row
        # The case header's Compliance tab is current, after Delivery.
        assert re.search(r'aria-current="page" href="' + re.escape(_tab(case)) + r'">Compliance</a>', html)

    def test_no_failures(self, compliance, client_for):
        html = _html(client_for(compliance.org.officer).get(_tab(compliance.community)))

        assert "No failures to comply have been recorded on this case." in html
        assert "0 since 25 November 2025" in html
        assert "None (1 allowed)" in html
        assert "A further failure needs" not in html

    def test_a_licence_needs_recall_and_a_decided_action_is_shown(self, compliance, client_for):
        case = compliance.licence
        _decide(failure(case, date(2026, 9, 1)), "final_warning", on=date(2026, 9, 2))
        recalled = _decide(failure(case, LAST_THURSDAY), "recall", on=date(2026, 11, 20))

        html = _html(client_for(compliance.org.officer).get(_tab(case)))

        assert "A further failure needs recall action" in html
        assert "Recall action decided on 20 November 2026" in html
        assert "Recall action" in _row(html, recalled)

    def test_an_older_failure_is_listed_but_not_counted(self, compliance, client_for):
        case = factories.CaseFactory(responsible_officer=compliance.org.officer)
        factories.SentenceFactory(
            case=case, sentence_date=date(2025, 6, 2), length_months=24, end_date=date(2027, 6, 2)
        )
        old = failure(case, date(2025, 10, 1))  # more than 12 months ago
        recent = failure(case, MONDAY)

        html = _html(client_for(compliance.org.officer).get(_tab(case)))

        assert f'data-testid="failure-{old.pk}"' in html and f'data-testid="failure-{recent.pk}"' in html
        assert "1 since 25 November 2025" in html

    def test_an_overdue_decision_is_tagged(self, compliance, client_for):
        overdue = failure(compliance.community, LAST_THURSDAY)

        row = _row(_html(client_for(compliance.org.officer).get(_tab(compliance.community))), overdue)

        assert "Decision due 23 November 2026" in row and "Overdue" in row

    def test_a_withdrawn_failure_is_greyed_out(self, org, upw, frozen, client_for):
        withdrawn = _withdrawn_failure(org, upw)

        html = _html(client_for(org.other_provider_officer).get(_tab(withdrawn.case)))

        row = _row(html, withdrawn)
        assert "Withdrawn: the outcome was corrected" in row
        assert 'class="govuk-hint' in row
        assert "Record a decision" not in row
        assert "0 since" in html  # not counted in the panel

    def test_the_manager_can_decide_and_a_colleague_cannot(self, compliance, client_for):
        org = compliance.org
        awaiting = failure(compliance.community, MONDAY)

        manager = client_for(org.manager).get(_tab(compliance.community))
        colleague = client_for(org.colleague).get(_tab(compliance.community))

        assert _decide_url(awaiting) in _row(_html(manager), awaiting)
        assert colleague.status_code == 200
        assert _decide_url(awaiting) not in _row(_html(colleague), awaiting)
        assert "Decision due 25 November 2026" in _row(_html(colleague), awaiting)

    @pytest.mark.parametrize("who", OUTSIDERS)
    def test_outside_the_users_scope_is_not_found(self, compliance, client_for, who):
        failure(compliance.community, MONDAY)

        assert client_for(getattr(compliance.org, who)).get(_tab(compliance.community)).status_code == 404

    def test_the_case_header_links_to_the_tab_after_delivery(self, compliance, client_for):
        case = compliance.community

        html = _html(client_for(compliance.org.officer).get(reverse("cases:case", args=[case.pk])))

        nav = html[html.index('aria-label="Case navigation"') : html.index("</nav>", html.index("Case navigation"))]
        tabs = re.findall(r'href="([^"]+)">([^<]+)</a>', nav)
        texts = [text for _, text in tabs]
        assert texts.index("Compliance") == texts.index("Delivery") + 1
        assert (_tab(case), "Compliance") in tabs
        assert 'aria-current="page" href="' + _tab(case) not in nav  # the summary tab is current there

    def test_opening_a_restricted_person_writes_an_access_record(self, compliance, client_for):
        from cases.models import AccessRecord, PersonAccessLimit

        case = compliance.community
        factories.PersonAccessLimitFactory(
            person=case.person, user=compliance.org.officer, kind=PersonAccessLimit.Kind.RESTRICTION
        )

        assert client_for(compliance.org.officer).get(_tab(case)).status_code == 200
        assert AccessRecord.objects.filter(person=case.person, user=compliance.org.officer).count() == 1


# Recording a decision ----------------------------------------------------------------------------------------


class TestDecisionPage:
    def test_shows_the_failure_and_the_choices_for_a_community_order(self, compliance, client_for):
        awaiting = failure(compliance.community, MONDAY)

        response = client_for(compliance.org.officer).get(_decide_url(awaiting))

        assert response.status_code == 200
        html = _html(response)
        assert "Record a decision on the failure to comply" in html
        assert "Casey Order" in html
        assert "Community order made on 2 March 2026" in html
        assert "23 November 2026" in html and "Unacceptable absence" in html
        assert "Due today" in html
        assert _radios(html) == ["first_warning", "final_warning", "acceptable", "no_further_action", "breach"]
        assert 'data-testid="threshold-warning"' not in html
        assert re.search(r'data-testid="warnings-before">None\.', html)
        # The date of the decision defaults to today.
        assert 'name="on-day" type="text" inputmode="numeric" value="25"' in html
        assert 'name="on-month" type="text" inputmode="numeric" value="11"' in html
        assert 'name="on-year" type="text" inputmode="numeric" value="2026"' in html
        assert _tab(compliance.community) in html  # back link

    def test_a_licence_offers_recall_not_breach(self, compliance, client_for):
        awaiting = failure(compliance.licence, MONDAY)

        html = _html(client_for(compliance.org.officer).get(_decide_url(awaiting)))

        assert _radios(html) == ["first_warning", "final_warning", "acceptable", "no_further_action", "recall"]

    def test_past_the_threshold_only_breach_or_acceptable_with_the_reason(self, compliance, client_for):
        warned = _decide(failure(compliance.community, date(2026, 10, 5)), "first_warning", on=date(2026, 10, 6))
        awaiting = failure(compliance.community, MONDAY)
        letter = WarningLetter.objects.get(failure=warned)

        html = _html(client_for(compliance.org.officer).get(_decide_url(awaiting)))

        assert _radios(html) == ["acceptable", "breach"]
        warning = html[html.index('data-testid="threshold-warning"') :]
        assert "1 warning already given within 12 months of this failure (6 October 2026)" in warning
        assert "take breach action, or record the failure as acceptable after all with the evidence" in warning
        warnings = html[html.index('data-testid="warnings-before"') :]
        assert "First warning letter on 6 October 2026, for the failure of 5 October 2026" in warnings
        assert _letter_url(letter) in warnings

    def test_a_licence_past_the_threshold_needs_recall(self, compliance, client_for):
        _decide(failure(compliance.licence, date(2026, 10, 5)), "final_warning", on=date(2026, 10, 6))
        awaiting = failure(compliance.licence, MONDAY)

        html = _html(client_for(compliance.org.officer).get(_decide_url(awaiting)))

        assert _radios(html) == ["acceptable", "recall"]
        assert "take recall action" in html

    def test_the_team_manager_may_decide(self, compliance, client_for):
        awaiting = failure(compliance.community, MONDAY)

        response = client_for(compliance.org.manager).post(_decide_url(awaiting), _form("final_warning"))

        assert response.status_code == 302
        awaiting.refresh_from_db()
        assert (awaiting.decision, awaiting.decided_by) == ("final_warning", compliance.org.manager)

    def test_success_records_the_decision_and_issues_the_letter(self, compliance, client_for):
        awaiting = failure(compliance.community, MONDAY)
        client = client_for(compliance.org.officer)

        response = client.post(_decide_url(awaiting), _form("first_warning", on=date(2026, 11, 24)))

        assert response.status_code == 302
        assert response["Location"] == _tab(compliance.community)
        awaiting.refresh_from_db()
        assert (awaiting.status, awaiting.decision, awaiting.decided_on, awaiting.decided_by) == (
            "decided",
            "first_warning",
            date(2026, 11, 24),
            compliance.org.officer,
        )
        letter = WarningLetter.objects.get(failure=awaiting)
        html = _html(client.get(response["Location"]))
        assert "Decision recorded: first warning letter. The letter is ready to print." in html
        assert "govuk-notification-banner--success" in html
        assert _letter_url(letter) in _row(html, awaiting)

    def test_acceptable_with_the_evidence(self, compliance, client_for):
        awaiting = failure(compliance.community, MONDAY)
        client = client_for(compliance.org.officer)

        response = client.post(
            _decide_url(awaiting), _form("acceptable", reason="Hospital letter for the day."), follow=True
        )

        assert "Decision recorded: acceptable after all." in _html(response)
        assert "The letter is ready to print" not in _html(response)
        awaiting.refresh_from_db()
        assert (awaiting.decision, awaiting.decision_reason) == ("acceptable", "Hospital letter for the day.")
        assert not WarningLetter.objects.filter(failure=awaiting).exists()

    def test_breach_past_the_threshold(self, compliance, client_for):
        _decide(failure(compliance.community, date(2026, 10, 5)), "first_warning", on=date(2026, 10, 6))
        awaiting = failure(compliance.community, MONDAY)

        response = client_for(compliance.org.officer).post(_decide_url(awaiting), _form("breach"), follow=True)

        assert "Decision recorded: breach action." in _html(response)
        assert "Breach action decided on 25 November 2026" in _html(response)

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            (_form(""), "decision", "Choose a decision: first warning letter, final warning letter, acceptable"),
            (_form("acceptable"), "reason", "Record the evidence that the failure was acceptable after all."),
            (_form("no_further_action", reason="   "), "reason", "Say why no further action is taken."),
            (_form("final_warning", on=date(2026, 11, 26)), "on", "The date of the decision cannot be in the future."),
            (_form("final_warning", on=date(2026, 11, 20)), "on", "cannot be before the failure (23 November 2026)"),
            (_form("final_warning", on=None), "on", "Enter the date of the decision"),
            (
                {**_form("final_warning"), "on-day": "31", "on-month": "2"},
                "on",
                "Date of the decision must be a real date",
            ),
            (_form("recall"), "decision", "Recall is only for someone on licence"),
            (_form("caution"), "decision", "Choose a decision"),
            (_form("final_warning", reason="x" * 4001), "reason", "The reason must be 4,000 characters or fewer."),
        ],
    )
    def test_bad_input_changes_nothing(self, compliance, client_for, data, field, message):
        awaiting = failure(compliance.community, MONDAY)
        history = awaiting.history.count()

        response = client_for(compliance.org.officer).post(_decide_url(awaiting), data)

        assert response.status_code == 400
        assert message in str(response.context["form"].errors[field])
        html = _html(response)
        assert 'data-testid="error-summary"' in html
        assert message.replace("'", "&#x27;") in html
        awaiting.refresh_from_db()
        assert awaiting.status == "awaiting_decision" and awaiting.decision == ""
        assert awaiting.history.count() == history
        assert not WarningLetter.objects.exists()

    @pytest.mark.parametrize("decision", ["final_warning", "first_warning", "no_further_action"])
    def test_a_warning_after_the_threshold_is_refused(self, compliance, client_for, decision):
        warned = _decide(failure(compliance.community, date(2026, 10, 5)), "first_warning", on=date(2026, 10, 6))
        awaiting = failure(compliance.community, MONDAY)

        response = client_for(compliance.org.officer).post(_decide_url(awaiting), _form(decision, reason="Because."))

        assert response.status_code == 400
        errors = str(response.context["form"].errors["decision"])
        assert "1 warning already given within 12 months of this failure (6 October 2026)" in errors
        assert "take breach action" in errors
        awaiting.refresh_from_db()
        assert awaiting.status == "awaiting_decision"
        assert list(WarningLetter.objects.values_list("failure_id", flat=True)) == [warned.pk]

    def test_a_colleague_who_cannot_decide_is_refused(self, compliance, client_for):
        awaiting = failure(compliance.community, MONDAY)
        client = client_for(compliance.org.colleague)

        shown = client.get(_decide_url(awaiting))
        posted = client.post(_decide_url(awaiting), _form("final_warning"))

        for response in (shown, posted):
            assert response.status_code == 400
            assert "You cannot decide on this failure" in _html(response)
            assert "Only the responsible officer or a manager of the case&#x27;s team can decide this." in _html(
                response
            )
        awaiting.refresh_from_db()
        assert awaiting.status == "awaiting_decision"

    def test_another_teams_manager_of_the_provider_sees_it_but_cannot_decide(self, compliance, client_for):
        awaiting = failure(compliance.community, MONDAY)
        other_manager = factories.ManagerFactory(team=compliance.org.team_a2)

        response = client_for(other_manager).get(_decide_url(awaiting))

        assert response.status_code == 400
        assert 'data-testid="refusal"' in _html(response)

    @pytest.mark.parametrize("who", OUTSIDERS)
    def test_outside_the_users_scope_is_not_found(self, compliance, client_for, who):
        awaiting = failure(compliance.community, MONDAY)
        client = client_for(getattr(compliance.org, who))

        assert client.get(_decide_url(awaiting)).status_code == 404
        assert client.post(_decide_url(awaiting), _form("final_warning")).status_code == 404
        awaiting.refresh_from_db()
        assert awaiting.status == "awaiting_decision"

    def test_a_missing_failure_is_not_found(self, compliance, client_for):
        assert client_for(compliance.org.officer).get("/compliance/failures/999999/decision/").status_code == 404

    def test_an_already_decided_failure_is_refused(self, compliance, client_for):
        decided = _decide(failure(compliance.community, MONDAY), "final_warning")
        letter = WarningLetter.objects.get(failure=decided)
        client = client_for(compliance.org.officer)

        shown = client.get(_decide_url(decided))
        posted = client.post(_decide_url(decided), _form("acceptable", reason="Changed my mind."))

        for response in (shown, posted):
            assert response.status_code == 400
            html = _html(response)
            assert "This failure has already been decided" in html
            assert "Final warning letter on 25 November 2026, by Olivia Okafor. A decision cannot be changed." in html
            assert _letter_url(letter) in html
        decided.refresh_from_db()
        assert decided.decision == "final_warning"

    def test_a_withdrawn_failure_is_refused(self, org, upw, frozen, client_for):
        withdrawn = _withdrawn_failure(org, upw)

        response = client_for(org.other_provider_officer).post(_decide_url(withdrawn), _form("final_warning"))

        assert response.status_code == 400
        assert "This failure was withdrawn" in _html(response)
        withdrawn.refresh_from_db()
        assert withdrawn.status == "withdrawn"


# The warning letter ------------------------------------------------------------------------------------------


class TestWarningLetter:
    @pytest.fixture
    def letter(self, compliance):
        case = compliance.community
        factories.AddressFactory(person=case.person, line_1="12 Mill Lane", town="Salford", postcode="M5 4WT")
        return WarningLetter.objects.get(failure=_decide(failure(case, MONDAY), "first_warning"))

    @pytest.mark.parametrize("who", ["officer", "manager", "colleague"])
    def test_the_printable_letter(self, compliance, client_for, letter, who):
        response = client_for(getattr(compliance.org, who)).get(_letter_url(letter))

        assert response.status_code == 200
        html = _html(response)
        article = html[html.index('data-testid="letter"') : html.index("</article>")]
        assert "NPS North West" in article
        assert '"letter-date">25 November 2026<' in article
        assert "Casey Order<br>12 Mill Lane<br>Salford<br>M5 4WT" in article
        assert '"letter-kind">First warning<' in article
        assert "Dear Casey Order," in article
        assert "This is a formal warning." in article
        assert "you will be returned to court for breach" in article
        assert "Olivia Okafor, NPS North West" in article
        assert article.count('<p class="govuk-body">') >= 6  # each paragraph of the body
        # Printing hides everything but the letter; a print button for browsers running scripts.
        assert '<style media="print">' in html
        assert ".govuk-header" in html and ".app-letter-screen-only" in html
        assert "Print this letter" in html and "window.print()" in html

    @pytest.mark.parametrize("who", OUTSIDERS)
    def test_outside_the_users_scope_is_not_found(self, compliance, client_for, letter, who):
        assert client_for(getattr(compliance.org, who)).get(_letter_url(letter)).status_code == 404


# Decisions due -----------------------------------------------------------------------------------------------


class TestDecisionsDue:
    def test_an_officer_sees_their_own_cases_soonest_first(self, compliance, client_for):
        org = compliance.org
        due_today = failure(compliance.community, MONDAY)
        overdue = failure(compliance.licence, LAST_THURSDAY)
        later = failure(compliance.community, TODAY, hour=9)
        _decide(failure(compliance.community, date(2026, 11, 2)), "final_warning", on=date(2026, 11, 3))
        colleagues = failure(community_case(org.colleague, first_name="Cole", last_name="Colleague"), MONDAY)

        response = client_for(org.officer).get(reverse("enforcement:decisions_due"))

        assert response.status_code == 200
        html = _html(response)
        ids = [int(pk) for pk in re.findall(r'data-testid="due-(\d+)"', html)]
        assert ids == [overdue.pk, due_today.pk, later.pk]
        assert colleagues.pk not in ids
        assert "Overdue" in _due_row(html, overdue) and "Recall" not in _due_row(html, overdue)
        assert "Due today" in _due_row(html, due_today)
        assert "Overdue" not in _due_row(html, later) and "Due today" not in _due_row(html, later)
        # The final warning of 3 November: both later failures on the community order need breach action.
        assert "Breach action needed" in _due_row(html, due_today)
        assert "Breach action needed" in _due_row(html, later)
        row = _due_row(html, overdue)
        assert "Order, Casey" not in row and "Licence, Lee" in row and compliance.licence.person.crn in row
        assert "19 Nov 2026" in row and "23 Nov 2026" in row and "Unacceptable absence" in row
        assert _decide_url(overdue) in row and _tab(compliance.licence) in row
        assert "3 decisions due." in html

    def test_a_licence_past_the_threshold_needs_recall(self, compliance, client_for):
        _decide(failure(compliance.licence, date(2026, 11, 2)), "first_warning", on=date(2026, 11, 3))
        awaiting = failure(compliance.licence, MONDAY)

        html = _html(client_for(compliance.org.officer).get(reverse("enforcement:decisions_due")))

        assert "Recall action needed" in _due_row(html, awaiting)

    def test_a_manager_sees_the_teams_cases_with_their_officers(self, compliance, client_for):
        org = compliance.org
        mine = failure(compliance.community, MONDAY)
        colleagues = failure(community_case(org.colleague, first_name="Cole", last_name="Colleague"), MONDAY)
        elsewhere = failure(community_case(org.other_team_officer), MONDAY)

        html = _html(client_for(org.manager).get(reverse("enforcement:decisions_due")))

        ids = {int(pk) for pk in re.findall(r'data-testid="due-(\d+)"', html)}
        assert ids == {mine.pk, colleagues.pk}
        assert elsewhere.pk not in ids
        assert "Colin Cartwright" in _due_row(html, colleagues)
        assert "Olivia Okafor" in _due_row(html, mine)

    def test_nothing_due(self, compliance, client_for):
        failure(compliance.community, MONDAY)

        html = _html(client_for(compliance.org.other_provider_officer).get(reverse("enforcement:decisions_due")))

        assert "There are no decisions due." in html

    @pytest.mark.parametrize("who", ["court_user", "administrator", "upw"])
    def test_roles_without_decisions_are_refused(self, compliance, client_for, who):
        assert client_for(getattr(compliance.org, who)).get(reverse("enforcement:decisions_due")).status_code == 403

    def test_paginated(self, compliance, client_for, settings):
        settings.PAGE_SIZE = 2
        for day in (16, 17, 18):
            failure(compliance.community, date(2026, 11, day))

        client = client_for(compliance.org.officer)
        first = _html(client.get(reverse("enforcement:decisions_due")))
        second = _html(client.get(reverse("enforcement:decisions_due"), {"page": 2}))

        assert len(re.findall(r'data-testid="due-\d+"', first)) == 2
        assert len(re.findall(r'data-testid="due-\d+"', second)) == 1
        assert "3 decisions due." in first

    def test_needing_action_agrees_with_the_selector(self, compliance, settings):
        """The one-query check gives the same answer as requires_enforcement_action for each listed failure."""
        org = compliance.org
        settings.ENFORCEMENT_WARNINGS_ALLOWED = 2
        community, licence = compliance.community, compliance.licence
        _decide(failure(community, date(2026, 4, 1)), "first_warning", on=date(2026, 4, 2))
        _decide(failure(community, date(2026, 6, 1)), "final_warning", on=date(2026, 6, 2))
        _decide(failure(licence, date(2026, 8, 3)), "first_warning", on=date(2026, 8, 4))
        another = licence_case(org.officer, first_name="Ann", last_name="Other")
        _decide(failure(another, date(2026, 7, 1)), "first_warning", on=date(2026, 7, 2))
        _decide(failure(another, date(2026, 7, 8)), "acceptable", on=date(2026, 7, 9), reason="Evidence seen.")
        awaiting = [
            failure(community, date(2026, 5, 4)),  # one warning before it and one after: past the threshold
            failure(community, MONDAY),  # two before it: past the threshold
            failure(licence, MONDAY),  # one
            failure(another, MONDAY),  # two: the final warning of 2 November counts, the acceptable does not
        ]
        _decide(failure(another, date(2026, 11, 2)), "final_warning", on=date(2026, 11, 3))
        listed = list(selectors.decisions_due(user=org.officer))

        expected = {item.pk for item in listed if selectors.requires_enforcement_action(item)}

        assert {item.pk for item in listed} == {item.pk for item in awaiting}
        assert _needing_action(listed) == expected
        assert expected == {awaiting[0].pk, awaiting[1].pk, awaiting[3].pk}


def _due_row(html: str, failure_) -> str:
    start = html.index(f'data-testid="due-{failure_.pk}"')
    return html[start : html.index("</tr>", start)]


# Navigation --------------------------------------------------------------------------------------------------


class TestNavigation:
    def _items(self, user, url="/search/"):
        from django.test import RequestFactory
        from django.urls import resolve

        from accounts.models import User

        request = RequestFactory().get(url)
        request.user = User.objects.select_related("team__provider").get(pk=user.pk)
        request.resolver_match = resolve(url)
        return navigation(request)["navigation_items"]

    @pytest.mark.parametrize(
        ("who", "shown"),
        [
            ("officer", True),
            ("manager", True),
            ("other_provider_officer", True),
            ("other_provider_manager", True),
            ("upw", False),
            ("court_user", False),
            ("administrator", False),
        ],
    )
    def test_decisions_due_for_officers_and_managers(self, org, who, shown):
        items = {item["text"]: item for item in self._items(getattr(org, who))}

        assert ("Decisions due" in items) is shown
        if shown:
            assert items["Decisions due"]["href"] == reverse("enforcement:decisions_due")
            assert not items["Decisions due"]["active"]

    def test_current_on_the_decisions_due_page(self, org, client_for):
        response = client_for(org.officer).get(reverse("enforcement:decisions_due"))

        active = [item["text"] for item in response.context["navigation_items"] if item["active"]]
        assert active == ["Decisions due"]


# The person page ------------------------------------------------------------------------------------------------


def _person_compliance_cells(response) -> list[str]:
    cells = re.findall(r'data-testid="person-case-compliance">(.*?)</td>', _html(response), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


def test_the_person_page_shows_each_cases_compliance(compliance, client_for):
    officer = compliance.org.officer
    warned = failure(compliance.community, date(2026, 10, 6))
    services.failure_decide(by=officer, failure=warned, decision="first_warning", on=date(2026, 10, 7))
    failure(compliance.community, MONDAY)
    person = compliance.community.person

    response = client_for(officer).get(reverse("cases:person", args=[person.crn]))

    assert response.status_code == 200
    assert _person_compliance_cells(response) == [
        f"2 failures to comply, 1 warning on case {compliance.community.pk} 1 waiting for a decision"
    ]
    assert _tab(compliance.community) in _html(response)


def test_the_person_page_says_when_a_further_failure_needs_action(compliance, client_for):
    officer = compliance.org.officer
    warned = failure(compliance.licence, date(2026, 10, 6))
    services.failure_decide(by=officer, failure=warned, decision="final_warning", on=date(2026, 10, 7))

    response = client_for(officer).get(reverse("cases:person", args=[compliance.licence.person.crn]))

    assert _person_compliance_cells(response) == [
        f"1 failure to comply, 1 warning on case {compliance.licence.pk} A further failure needs recall action"
    ]
