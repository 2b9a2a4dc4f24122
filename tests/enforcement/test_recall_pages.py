"""The recall pages: the recall with its timeline and the steps the user may take, a page per step, considering
recall by hand, the recall document (PDF), the no-recall letter and the recalls list. What they show, who may use
them (404 outside the user's scope, a refusal page for a step not allowed, 403 for a role without recalls), bad input
(400, nothing changed), the success path, and a pinned number of queries whatever the data size.

Today is Wednesday 25 November 2026 (tests/enforcement/setup.py).
"""

import io
import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from cases.models import AccessRecord, PersonAccessLimit
from conftest import service_required
from enforcement.models import Recall
from enforcement.pdf import pdf_available
from enforcement.services import recall as services
from tests import factories
from tests.enforcement import setup
from tests.enforcement.setup import TODAY, licence_case
from tests.enforcement.test_recall_services import (
    ALTERNATIVES,
    MONDAY,
    RATIONALE,
    REASONS,
    build,
    considered,
    reviewed,
    senior,
    state,
    submitted,
)

frozen = setup.frozen
compliance = setup.compliance
senior = senior  # the fixture: a senior manager in the licence case's team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

OUTSIDERS = ["other_team_officer", "other_provider_officer", "other_provider_manager", "court_user", "upw"]
STEP_URLS = ["recall_submit", "recall_review", "recall_countersign", "recall_send", "recall_custody"]
STEP_URLS += ["recall_documents", "recall_withdraw"]


def _html(response) -> str:
    return response.content.decode()


def _url(name: str, recall: Recall) -> str:
    return reverse(f"enforcement:{name}", args=[recall.pk])


def _date(field: str, on: date) -> dict:
    return {f"{field}-day": str(on.day), f"{field}-month": str(on.month), f"{field}-year": str(on.year)}


def _section(html: str, name: str, end: str) -> str:
    """The content of the element marked data-testid="name", up to `end`."""
    start = html.index(">", html.index(f'data-testid="{name}"')) + 1
    return html[start : html.index(end, start)]


def _text(html: str) -> str:
    """The words of the page, tags dropped and spaces squashed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _review_form(recommendation="standard", answers=("no", "no", "yes"), **changes) -> dict:
    data = {
        "recommendation": recommendation,
        "rationale": RATIONALE,
        "alternatives_considered": ALTERNATIVES,
        "extended_or_specified_sentence": answers[0],
        "charged_with_serious_offence": answers[1],
        "risk_manageable_after_fixed_term": answers[2],
        **_date("on", TODAY),
    }
    data.update(changes)
    return data


# The recall page -----------------------------------------------------------------------------------------------------


class TestRecallPage:
    def test_a_countersigned_recall_shows_everything(self, compliance, client_for, senior):
        org = compliance.org
        recall = reviewed(
            submitted(considered(compliance.licence, on=MONDAY)), by=org.manager, recommendation="fixed_term"
        )
        recall = services.recall_countersign(by=senior, recall=recall, note="Agreed.")

        response = client_for(org.officer).get(_url("recall", recall))

        assert response.status_code == 200
        html = _html(response)
        text = _text(html)
        assert "Lee Licence (" in text and f"case {compliance.licence.pk}" in text
        assert _text(_section(html, "recall-status", "</strong>")) == "Countersigned"
        assert "Next, the recall is sent to public protection casework." in text
        summary = _text(_section(html, "recall-summary", "</dl>"))
        assert (
            "Licence Custody of 24 months passed on 2 March 2026, released on licence on 1 June 2026, supervision "
            "ends 1 March 2027" in summary
        )
        assert "Became aware 23 November 2026" in summary
        assert "Started by Olivia Okafor" in summary
        assert "Fixed-term recall would last 28 days" in summary
        assert REASONS in _text(_section(html, "reasons", "</div>"))
        review = _text(_section(html, "review", "</dl>"))
        assert "Recommendation Fixed-term recall (28 days)" in review
        assert f"Rationale {RATIONALE}" in review
        assert f"Alternatives considered {ALTERNATIVES}" in review
        assert "Serving an extended sentence, or one for a specified serious offence No" in review
        assert "Charged with a further serious offence No" in review
        assert "Risk of serious harm could be managed on release after a fixed term Yes" in review
        assert "Reviewed 25 November 2026 Reviewed by Maya Mensah" in review
        assert "Countersigned by Sam Senior Countersigned 25 November 2026 Note Agreed." in _text(
            _section(html, "countersignature", "</dl>")
        )
        timeline = [_text(row) for row in re.findall(r'data-testid="timeline-entry">(.*?)</tr>', html, re.S)]
        assert timeline == [
            "23 November 2026 Recall considered Olivia Okafor 25 November 2026, 10:00",
            "25 November 2026 Sent for a manager's review Olivia Okafor 25 November 2026, 10:00",
            "25 November 2026 Recommended: fixed-term recall Maya Mensah 25 November 2026, 10:00",
            "25 November 2026 Countersigned Agreed. Sam Senior 25 November 2026, 10:00",
        ]
        actions = _section(html, "recall-actions", "</div>")
        assert _url("recall_send", recall) in actions and _url("recall_withdraw", recall) in actions
        assert _url("recall_document", recall) in actions
        assert _url("recall_review", recall) not in actions and _url("recall_countersign", recall) not in actions

    @pytest.mark.parametrize(
        ("who", "buttons"),
        [
            ("officer", ["step-withdraw"]),
            ("manager", ["step-withdraw"]),
            ("senior", ["step-countersign", "step-withdraw"]),
            ("colleague", []),
        ],
    )
    def test_the_buttons_are_the_steps_the_user_may_take(self, compliance, client_for, senior, who, buttons):
        recall = build(compliance.licence, "awaiting_countersignature", reviewer=compliance.org.manager, senior=senior)
        user = senior if who == "senior" else getattr(compliance.org, who)

        html = _html(client_for(user).get(_url("recall", recall)))

        assert re.findall(r'data-testid="(step-[a-z]+)"', html) == buttons

    def test_a_recommendation_not_countersigned_is_shown(self, compliance, client_for, senior):
        recall = reviewed(submitted(considered(compliance.licence)), by=compliance.org.manager)
        services.recall_decline_countersignature(by=senior, recall=recall, note="Approved premises were not tried.")

        html = _html(client_for(compliance.org.manager).get(_url("recall", recall)))

        assert _text(_section(html, "declined", "</div>")) == (
            "! Warning Not countersigned: Approved premises were not tried. The recommendation made on 25 November "
            "2026 (standard recall) needs a manager's review again."
        )
        assert "Not reviewed yet." in html
        assert re.findall(r'data-testid="(step-[a-z]+)"', html) == ["step-review", "step-withdraw"]

    def test_a_recall_from_a_failure_says_so(self, compliance, client_for):
        from enforcement.services.compliance import failure_decide
        from tests.enforcement.setup import failure

        failure_decide(by=compliance.org.officer, failure=failure(compliance.licence, MONDAY), decision="recall")
        recall = Recall.objects.get()

        html = _html(client_for(compliance.org.officer).get(_url("recall", recall)))

        assert "The failure to comply of 23 November 2026 (unacceptable absence), decided as recall action" in _text(
            _section(html, "started-from", "</dd>")
        )

    def test_a_withdrawn_recall_shows_why(self, compliance, client_for, senior):
        recall = build(compliance.licence, "withdrawn", reviewer=compliance.org.manager, senior=senior)

        html = _html(client_for(compliance.org.officer).get(_url("recall", recall)))

        assert "Arrested and remanded: not needed." in _section(html, "withdrawn-reason", "</p>")
        assert "Next, nothing: the recall was withdrawn." in _text(html)
        assert 'data-testid="recall-actions"' not in html

    @pytest.mark.parametrize("who", [*OUTSIDERS, "administrator"])
    def test_outsiders_get_not_found(self, compliance, client_for, senior, who):
        recall = build(compliance.licence, "countersigned", reviewer=compliance.org.manager, senior=senior)
        client = client_for(getattr(compliance.org, who))

        for name in ["recall", *STEP_URLS, "recall_document", "no_recall_letter"]:
            assert client.get(_url(name, recall)).status_code == 404, name
            assert client.post(_url(name, recall), {"reason": "x"}).status_code in (404, 405), name
        consider = reverse("enforcement:recall_consider", args=[compliance.licence.pk])
        assert client.get(consider).status_code == 404
        assert client.post(consider, {"reasons": "x", **_date("aware_on", TODAY)}).status_code == 404
        assert Recall.objects.get().status == "countersigned"

    def test_opening_a_person_with_an_access_list_is_recorded(self, compliance, client_for):
        recall = considered(compliance.licence)
        factories.PersonAccessLimitFactory(person=compliance.licence.person, user=compliance.org.colleague)
        client = client_for(compliance.org.officer)

        for name in ("recall", "recall_submit"):
            assert client.get(_url(name, recall)).status_code == 200
        assert AccessRecord.objects.filter(person=compliance.licence.person, user=compliance.org.officer).count() == 2

    def test_no_access_record_without_an_access_list(self, compliance, client_for):
        recall = considered(compliance.licence)

        client_for(compliance.org.officer).get(_url("recall", recall))

        assert not AccessRecord.objects.exists()

    def test_a_restricted_person_is_not_found_for_those_off_the_list(self, compliance, client_for):
        recall = considered(compliance.licence)
        factories.PersonAccessLimitFactory(
            person=compliance.licence.person, user=compliance.org.manager, kind=PersonAccessLimit.Kind.RESTRICTION
        )

        assert client_for(compliance.org.officer).get(_url("recall", recall)).status_code == 404
        assert client_for(compliance.org.manager).get(_url("recall", recall)).status_code == 200


# Considering recall by hand ------------------------------------------------------------------------------------------


class TestConsider:
    def _url(self, case) -> str:
        return reverse("enforcement:recall_consider", args=[case.pk])

    def test_the_form(self, compliance, client_for):
        response = client_for(compliance.org.officer).get(self._url(compliance.licence))

        assert response.status_code == 200
        html = _html(response)
        assert "Consider recall" in html
        assert 'name="reasons"' in html
        assert 'name="aware_on-day" type="text" inputmode="numeric" value="25"' in html

    def test_starting_a_recall(self, compliance, client_for):
        client = client_for(compliance.org.manager)

        response = client.post(self._url(compliance.licence), {"reasons": REASONS, **_date("aware_on", MONDAY)})

        recall = Recall.objects.get()
        assert response.status_code == 302 and response["Location"] == _url("recall", recall)
        assert (recall.case, recall.aware_on, recall.reasons, recall.initiated_by, recall.status) == (
            compliance.licence,
            MONDAY,
            REASONS,
            compliance.org.manager,
            "considering",
        )
        assert "Recall is being considered. Send the reasons to a manager for review." in _html(
            client.get(response["Location"])
        )

    @pytest.mark.parametrize(
        ("data", "messages"),
        [
            (
                {"reasons": "", **_date("aware_on", date(2026, 11, 26))},
                [
                    "Say why recall is being considered: the breach of the licence or the rise in risk.",
                    "The date you became aware cannot be in the future.",
                ],
            ),
            (
                {"reasons": REASONS, **_date("aware_on", date(2026, 5, 1))},
                ["The date you became aware cannot be before the release on licence (1 June 2026)."],
            ),
            (
                {"reasons": REASONS, "aware_on-day": "31", "aware_on-month": "2", "aware_on-year": "2026"},
                ["Date you became aware must be a real date"],
            ),
            (
                {"reasons": " ", "aware_on-day": "31", "aware_on-month": "2", "aware_on-year": "2026"},
                [
                    "Say why recall is being considered: the breach of the licence or the rise in risk.",
                    "Date you became aware must be a real date",
                ],
            ),
        ],
    )
    def test_bad_input(self, compliance, client_for, data, messages):
        response = client_for(compliance.org.officer).post(self._url(compliance.licence), data)

        assert response.status_code == 400
        summary = _section(_html(response), "error-summary", "</ul>")
        assert [_text(item) for item in re.findall(r"<li>(.*?)</li>", summary, re.S)] == messages
        assert not Recall.objects.exists()

    @pytest.mark.parametrize(
        ("case_key", "who", "message"),
        [
            (
                "community",
                "officer",
                services.ORDER_NOT_RECALLED,
            ),
            (
                "licence",
                "colleague",
                "Only the responsible officer or a manager of the case's team can start a recall.",
            ),
        ],
    )
    def test_refused(self, compliance, client_for, case_key, who, message):
        client = client_for(getattr(compliance.org, who))
        url = self._url(getattr(compliance, case_key))

        for response in (client.get(url), client.post(url, {"reasons": REASONS, **_date("aware_on", TODAY)})):
            assert response.status_code == 400
            assert _text(_section(_html(response), "refusal", "</strong>\n")) == f"Warning {message}"
        assert not Recall.objects.exists()

    def test_a_recall_in_progress_is_linked(self, compliance, client_for):
        existing = considered(compliance.licence, on=MONDAY)

        response = client_for(compliance.org.officer).get(self._url(compliance.licence))

        assert response.status_code == 400
        html = _html(response)
        assert "already has a recall in progress (considered on 23 November 2026)" in html
        assert f'href="{_url("recall", existing)}">Open the recall in progress' in html


# The steps -----------------------------------------------------------------------------------------------------------


class TestSteps:
    def test_sending_for_review(self, compliance, client_for):
        recall = considered(compliance.licence)
        client = client_for(compliance.org.officer)
        assert REASONS in _html(client.get(_url("recall_submit", recall)))

        response = client.post(_url("recall_submit", recall), {"reasons": "Rewritten reasons."})

        assert response.status_code == 302
        recall.refresh_from_db()
        assert (recall.status, recall.reasons) == ("awaiting_review", "Rewritten reasons.")

    def test_sending_for_review_without_reasons(self, compliance, client_for):
        recall = considered(compliance.licence)
        before = state()

        response = client_for(compliance.org.officer).post(_url("recall_submit", recall), {"reasons": " "})

        assert response.status_code == 400
        assert "Write the reasons for recall before sending it for review." in _html(response)
        assert state() == before

    def test_the_review_form(self, compliance, client_for):
        recall = submitted(considered(compliance.licence))

        html = _html(client_for(compliance.org.manager).get(_url("recall_review", recall)))

        assert REASONS in _section(html, "reasons", "</div>")
        assert _text(_section(html, "fixed-term-rule", "</p>")) == (
            "Answer these for a standard or a fixed-term recall. Fixed-term recall is open only if the answers are "
            "no, no and yes. It would last 28 days."
        )
        assert re.findall(r'name="recommendation" type="radio" value="([a-z_]+)"', html) == [
            "standard",
            "fixed_term",
            "no_recall",
        ]

    def test_a_fixed_term_recommendation_that_is_not_open(self, compliance, client_for):
        recall = submitted(considered(compliance.licence))
        before = state()

        response = client_for(compliance.org.manager).post(
            _url("recall_review", recall), _review_form("fixed_term", answers=("no", "yes", "yes"))
        )

        assert response.status_code == 400
        assert (
            "Fixed-term recall is not open to someone charged with a further serious offence: recommend a standard "
            "recall." in _section(_html(response), "error-summary", "</ul>")
        )
        assert state() == before

    def test_missing_answers_are_all_shown(self, compliance, client_for):
        recall = submitted(considered(compliance.licence))

        response = client_for(compliance.org.manager).post(
            _url("recall_review", recall), _review_form(answers=("", "", ""), rationale="", alternatives_considered="")
        )

        assert response.status_code == 400
        summary = _section(_html(response), "error-summary", "</ul>")
        assert [_text(item) for item in re.findall(r"<li>(.*?)</li>", summary, re.S)] == [
            "Give the reasons for your recommendation.",
            "Say what alternatives to recall were considered.",
            "Say whether they are serving an extended sentence or one for a specified serious offence.",
            "Say whether they are charged with a further serious offence.",
            "Say whether their risk of serious harm could be managed on release after a fixed term.",
        ]

    def test_a_standard_recommendation(self, compliance, client_for):
        recall = submitted(considered(compliance.licence))
        client = client_for(compliance.org.manager)

        response = client.post(_url("recall_review", recall), _review_form())

        assert response.status_code == 302
        recall.refresh_from_db()
        assert (recall.status, recall.recommendation, recall.risk_manageable_after_fixed_term) == (
            "awaiting_countersignature",
            "standard",
            True,
        )
        assert "Recommendation recorded: standard recall. It now needs a senior manager&#x27;s countersignature." in (
            _html(client.get(response["Location"]))
        )

    def test_no_recall_and_its_letter(self, compliance, client_for):
        recall = submitted(considered(compliance.licence, on=MONDAY))
        client = client_for(compliance.org.manager)

        response = client.post(_url("recall_review", recall), _review_form("no_recall", answers=("", "", "")))

        assert response.status_code == 302
        recall.refresh_from_db()
        assert recall.status == "not_recalled"
        page = _html(client.get(_url("recall", recall)))
        assert "Decided not to recall. The letter is ready to print." in page
        assert _url("no_recall_letter", recall) in page
        letter = _html(client.get(_url("no_recall_letter", recall)))
        body = _section(letter, "letter-body", "</div>")
        paragraphs = [_text(part) for part in re.findall(r"<p[^>]*>(.*?)</p>", body, re.S)]
        assert paragraphs[:3] == ["Lee Licence", "25 November 2026", "Dear Lee Licence,"]
        assert "The decision is that you will not be recalled to prison at this time." in paragraphs
        assert paragraphs[-1] == "Maya Mensah, NPS North West"
        assert "Issued on 25 November 2026 by Maya Mensah." in _text(letter)

    def test_no_letter_for_a_recall_that_went_ahead(self, compliance, client_for, senior):
        recall = build(compliance.licence, "countersigned", reviewer=compliance.org.manager, senior=senior)

        response = client_for(compliance.org.officer).get(_url("no_recall_letter", recall))

        assert response.status_code == 400
        assert "There is no letter: one is issued when a manager decides not to recall." in _html(response)

    def test_a_step_the_status_does_not_allow_is_refused(self, compliance, client_for):
        recall = considered(compliance.licence)
        before = state()

        for response in (
            client_for(compliance.org.manager).get(_url("recall_review", recall)),
            client_for(compliance.org.manager).post(_url("recall_review", recall), _review_form()),
        ):
            assert response.status_code == 400
            html = _html(response)
            assert "You cannot review the recall</h1>" in html
            assert _text(_section(html, "refusal", "</strong>\n")) == (
                "Warning You cannot review the recall: the recall is at “recall being considered”. Next, the "
                "officer writes the reasons and sends the recall to a manager for review."
            )
        assert state() == before

    def test_the_officer_cannot_review_or_countersign(self, compliance, client_for, senior):
        recall = build(compliance.licence, "awaiting_countersignature", reviewer=compliance.org.manager, senior=senior)
        client = client_for(compliance.org.officer)

        response = client.post(_url("recall_countersign", recall), {"decision": "countersign"})

        assert response.status_code == 400
        assert "Only a senior manager of the case&#x27;s provider can countersign a recall." in _html(response)
        assert Recall.objects.get().status == "awaiting_countersignature"

    def test_countersigning(self, compliance, client_for, senior):
        recall = build(compliance.licence, "awaiting_countersignature", reviewer=compliance.org.manager, senior=senior)
        client = client_for(senior)
        page = _html(client.get(_url("recall_countersign", recall)))
        assert "Standard recall" in _section(page, "recommendation", "</dd>")
        assert RATIONALE in page and ALTERNATIVES in page

        response = client.post(_url("recall_countersign", recall), {"decision": "countersign", "note": "Agreed."})

        assert response.status_code == 302
        recall.refresh_from_db()
        assert (recall.status, recall.countersigned_by, recall.countersignature_note) == (
            "countersigned",
            senior,
            "Agreed.",
        )

    def test_declining_needs_a_note(self, compliance, client_for, senior):
        recall = build(compliance.licence, "awaiting_countersignature", reviewer=compliance.org.manager, senior=senior)
        before = state()

        response = client_for(senior).post(_url("recall_countersign", recall), {"decision": "decline", "note": ""})

        assert response.status_code == 400
        assert "Say why you are not countersigning, so the manager can review it again." in _html(response)
        assert state() == before

    def test_declining(self, compliance, client_for, senior):
        recall = build(compliance.licence, "awaiting_countersignature", reviewer=compliance.org.manager, senior=senior)

        response = client_for(senior).post(
            _url("recall_countersign", recall), {"decision": "decline", "note": "Try approved premises."}
        )

        assert response.status_code == 302
        recall.refresh_from_db()
        assert (recall.status, recall.recommendation, recall.countersignature_note) == (
            "awaiting_review",
            "",
            "Try approved premises.",
        )
        review_page = _html(client_for(compliance.org.manager).get(_url("recall_review", recall)))
        assert "Not countersigned: Try approved premises." in review_page
        assert "The recommendation not countersigned: standard recall, on 25 November 2026." in _text(review_page)

    def test_sent_returned_and_documents_supplied(self, compliance, client_for, senior):
        recall = build(compliance.licence, "countersigned", reviewer=compliance.org.manager, senior=senior)
        client = client_for(compliance.org.officer)

        for name, status in [
            ("recall_send", "sent_to_ppcs"),
            ("recall_custody", "returned_to_custody"),
            ("recall_documents", "documents_supplied"),
        ]:
            assert client.get(_url(name, recall)).status_code == 200
            response = client.post(_url(name, recall), _date("on", TODAY))
            assert response.status_code == 302, _html(response)
            recall.refresh_from_db()
            assert recall.status == status
        assert (recall.sent_to_ppcs_on, recall.returned_to_custody_on, recall.documents_supplied_on) == (TODAY,) * 3

    def test_the_return_to_custody_needs_its_date(self, compliance, client_for, senior):
        recall = build(compliance.licence, "sent_to_ppcs", reviewer=compliance.org.manager, senior=senior)
        before = state()

        response = client_for(compliance.org.officer).post(_url("recall_custody", recall), {})

        assert response.status_code == 400
        assert "Enter the date of the return to custody" in _html(response)
        assert state() == before

    def test_withdrawing(self, compliance, client_for):
        recall = considered(compliance.licence)
        client = client_for(compliance.org.officer)

        assert client.post(_url("recall_withdraw", recall), {"reason": ""}).status_code == 400
        response = client.post(_url("recall_withdraw", recall), {"reason": "Charged and remanded."})

        assert response.status_code == 302
        recall.refresh_from_db()
        assert (recall.status, recall.withdrawn_reason) == ("withdrawn", "Charged and remanded.")

    def test_withdrawing_after_the_return_to_custody_is_refused(self, compliance, client_for, senior):
        recall = build(compliance.licence, "returned_to_custody", reviewer=compliance.org.manager, senior=senior)

        response = client_for(compliance.org.officer).post(_url("recall_withdraw", recall), {"reason": "Released."})

        assert response.status_code == 400
        assert "the recall is at “returned to custody”. Next, the recall documents are supplied." in _html(response)
        assert Recall.objects.get().status == "returned_to_custody"


# The recall document -------------------------------------------------------------------------------------------------


class TestDocument:
    def test_the_pdf(self, compliance, client_for, senior):
        service_required(pdf_available(), "WeasyPrint and Pango are needed to render the recall document")
        recall = reviewed(
            submitted(considered(compliance.licence, on=MONDAY)), by=compliance.org.manager, recommendation="fixed_term"
        )
        recall = services.recall_countersign(by=senior, recall=recall, note="Agreed.")

        response = client_for(compliance.org.officer).get(_url("recall_document", recall))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        person = compliance.licence.person
        assert response["Content-Disposition"] == f'inline; filename="recall-{person.crn}-{recall.pk}.pdf"'
        reader = PdfReader(io.BytesIO(response.content))
        text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        assert "Recall report" in text
        assert "Lee Licence" in text and person.crn in text
        assert REASONS in text
        assert "Fixed-term recall (28 days)" in text
        assert RATIONALE in text and ALTERNATIVES in text
        assert "Charged with a further serious offence No" in text
        assert "Sam Senior, senior manager, NPS North West" in text
        assert f"Page 1 of {len(reader.pages)}" in text

    def test_not_before_the_countersignature(self, compliance, client_for, senior):
        recall = build(compliance.licence, "awaiting_countersignature", reviewer=compliance.org.manager, senior=senior)

        response = client_for(compliance.org.officer).get(_url("recall_document", recall))

        assert response.status_code == 400
        assert "The recall document is ready once a senior manager has countersigned the recommendation." in _html(
            response
        )

    def test_without_weasyprint_a_plain_page_says_so(self, compliance, client_for, senior, monkeypatch):
        recall = build(compliance.licence, "countersigned", reviewer=compliance.org.manager, senior=senior)
        monkeypatch.setattr("enforcement.views.recall.pdf_available", lambda: False)

        response = client_for(compliance.org.officer).get(_url("recall_document", recall))

        assert response.status_code == 503
        assert response["Content-Type"].startswith("text/html")
        assert "PDFs are not available on this machine" in _html(response)


# The recalls list ----------------------------------------------------------------------------------------------------


class TestRecallsList:
    def _rows(self, html: str, name: str = "recall") -> list[int]:
        return [int(pk) for pk in re.findall(rf'data-testid="{name}-(\d+)"', html)]

    def _url(self) -> str:
        return reverse("enforcement:recalls")

    def test_the_officer_sees_their_own_recalls_in_progress(self, compliance, client_for, senior):
        org = compliance.org
        own = considered(compliance.licence, on=MONDAY)
        earlier = build(
            licence_case(org.officer), "sent_to_ppcs", reviewer=org.manager, senior=senior, on=date(2026, 11, 2)
        )
        build(licence_case(org.officer), "documents_supplied", reviewer=org.manager, senior=senior)
        build(licence_case(org.officer), "withdrawn", reviewer=org.manager, senior=senior)
        considered(licence_case(org.colleague))

        html = _html(client_for(org.officer).get(self._url()))

        assert self._rows(html) == [earlier.pk, own.pk]
        assert "2 recalls in progress, the longest known about first." in html
        assert 'data-testid="countersignatures-waiting"' not in html and "Waiting for your countersignature" not in html

    def test_the_manager_sees_the_team(self, compliance, client_for):
        org = compliance.org
        own = considered(compliance.licence, on=MONDAY)
        colleagues = considered(licence_case(org.colleague), on=date(2026, 11, 20))
        considered(licence_case(org.other_team_officer))

        html = _html(client_for(org.manager).get(self._url()))

        assert self._rows(html) == [colleagues.pk, own.pk]
        assert "Responsible officer" in html

    def test_the_senior_manager_sees_the_countersignatures_waiting(self, compliance, client_for, senior):
        org = compliance.org
        ours = build(compliance.licence, "awaiting_countersignature", reviewer=org.manager, senior=senior)
        other_team_manager = factories.ManagerFactory(team=org.team_a2)
        other_team = build(
            licence_case(org.other_team_officer),
            "awaiting_countersignature",
            reviewer=other_team_manager,
            senior=senior,
        )
        build(
            licence_case(org.other_provider_officer),
            "awaiting_countersignature",
            reviewer=org.other_provider_manager,
            senior=senior,
        )

        html = _html(client_for(senior).get(self._url()))

        assert self._rows(html, "waiting") == [ours.pk, other_team.pk]
        assert "2 recommendations waiting, reviewed longest ago first." in html
        assert self._rows(html) == [ours.pk]  # in progress on the senior manager's own team

    def test_nothing_in_progress(self, compliance, client_for, senior):
        html = _html(client_for(senior).get(self._url()))

        assert "There are no recalls in progress." in html
        assert "No recommendations are waiting for countersignature." in html

    @pytest.mark.parametrize("who", ["court_user", "upw", "administrator"])
    def test_roles_without_recalls_are_forbidden(self, compliance, client_for, who):
        considered(compliance.licence)

        assert client_for(getattr(compliance.org, who)).get(self._url()).status_code == 403

    def test_another_provider_sees_none_of_ours(self, compliance, client_for):
        considered(compliance.licence)

        for who in ("other_provider_officer", "other_provider_manager"):
            html = _html(client_for(getattr(compliance.org, who)).get(self._url()))
            assert self._rows(html) == []


# Queries ----------------------------------------------------------------------------------------------------------


FEW, MANY = 2, 12
# Each count includes the signed-in request's own (the session, the user, their team and provider, the alerts panel).
PINNED = {"recall": 10, "recalls_officer": 10, "recalls_manager": 10, "recalls_senior": 12}


def _count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), "\n".join(query["sql"] for query in captured.captured_queries)


def _declined_and_reviewed(recall, *, manager, senior, times: int):
    for _ in range(times):
        recall = services.recall_decline_countersignature(by=senior, recall=recall, note="Look again.")
        recall = reviewed(recall, by=manager)
    return recall


def test_the_recall_page_queries(compliance, client_for, senior):
    """A recall whose recommendation was sent back 2 and then 12 times (a longer timeline), seen by the senior
    manager."""
    org = compliance.org
    recall = reviewed(submitted(considered(compliance.licence)), by=org.manager)
    client = client_for(senior)
    url = _url("recall", recall)

    recall = _declined_and_reviewed(recall, manager=org.manager, senior=senior, times=FEW)
    few, _ = _count(client, url)
    _declined_and_reviewed(recall, manager=org.manager, senior=senior, times=MANY - FEW)
    many, sql = _count(client, url)

    assert few == many, sql
    assert many == PINNED["recall"], sql
    assert len(re.findall('data-testid="timeline-entry"', _html(client.get(url)))) == 3 + 2 * MANY


@pytest.mark.parametrize("who", ["officer", "manager", "senior"])
def test_the_recalls_list_queries(compliance, client_for, senior, who):
    org = compliance.org
    user = senior if who == "senior" else getattr(org, who)
    client = client_for(user)
    url = reverse("enforcement:recalls")

    def add(count: int) -> None:
        for index in range(count):
            case = licence_case(org.officer if index % 2 or who == "officer" else org.colleague)
            status = "awaiting_countersignature" if index % 3 == 0 else "considering"
            build(case, status, reviewer=org.manager, senior=senior)

    add(FEW)
    few, _ = _count(client, url)
    add(MANY - FEW)
    many, sql = _count(client, url)

    assert few == many, sql
    assert many == PINNED[f"recalls_{who}"], sql
    assert len(re.findall(r'data-testid="recall-\d+"', _html(client.get(url)))) == MANY
