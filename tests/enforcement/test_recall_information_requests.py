"""Requests for more information about a recall (CRC SL017: recalls made without being asked for more): recorded by
the officer or a manager of the case's team once the recall has been sent to public protection casework, answered
once. The services (every refusal with its exact words, nothing written), the database's own checks, the recall's
timeline, the pages (the section on the recall page, the form pages, 404 outside scope, a constant number of
queries) and the API (the actions, the nested requests, 403 and 404, the schema).

Today is Wednesday 25 November 2026 (tests/enforcement/setup.py). The licence case (Lee Licence, held by Olivia
Okafor in Manchester North, NPS North West, managed by Maya Mensah) is on licence since 1 June 2026. `sent` brings a
recall to public protection casework on Monday 23 November.
"""

import re
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS

from enforcement.models import Recall, RecallInformationRequest
from enforcement.selectors import recall as selectors
from enforcement.services import recall as services
from tests.enforcement import setup
from tests.enforcement.setup import NOW, TODAY, licence_case
from tests.enforcement.test_recall_services import (
    MONDAY,
    TUESDAY,
    build,
    considered,
    reviewed,
    senior,
    submitted,
)

frozen = setup.frozen
compliance = setup.compliance
senior = senior  # the fixture: a senior manager in the licence case's team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

LONDON = ZoneInfo("Europe/London")
SUNDAY = date(2026, 11, 22)
TOMORROW = date(2026, 11, 26)
ASKED = "The licence copy is unsigned: please send the signed licence and say which condition was breached."
ANSWER = "Signed licence sent; the exclusion zone condition (7) was breached."
ONLY_OFFICER_OR_MANAGER = "Only the responsible officer or a manager of the case's team can {}."
RECORD = "record a request for more information"
ANSWER_ACTION = "record the answer to a request for more information"
NOT_SENT = (
    "You cannot record a request for more information: the recall is at “{}”. A request is recorded once the "
    "recall has been sent to public protection casework."
)
OUTSIDERS = ["other_team_officer", "other_provider_officer", "other_provider_manager", "court_user", "upw"]
RECALLS = "/api/v1/recalls/"


def sent(case, *, manager, senior, on: date = MONDAY) -> Recall:
    """A recall on `case` reviewed by `manager`, countersigned by `senior` and sent to public protection casework,
    all on `on`."""
    recall = reviewed(submitted(considered(case, on=on)), by=manager, on=on)
    recall = services.recall_countersign(by=senior, recall=recall, on=on)
    return services.recall_send_to_ppcs(by=case.responsible_officer, recall=recall, on=on)


@pytest.fixture
def recall(compliance, senior):
    """The licence case's recall, sent to public protection casework on Monday."""
    return sent(compliance.licence, manager=compliance.org.manager, senior=senior)


def asked(recall, *, by=None, on: date = TUESDAY, source: str = "ppcs", message: str = ASKED):
    return services.recall_record_information_request(
        by=by or recall.case.responsible_officer, recall=recall, requested_on=on, source=source, message=message
    )


def answered(request, *, by, on: date = TODAY, answer: str = ANSWER):
    return services.recall_answer_information_request(by=by, request=request, answered_on=on, answer=answer)


REQUEST_FIELDS = (
    "pk",
    "recall",
    "source",
    "requested_on",
    "message",
    "recorded_by",
    "recorded_at",
    "answered_on",
    "answer",
    "answered_by",
    "answered_at",
)


def state():
    """Everything a refusal must leave alone: the requests, their history, and the recalls."""
    return (
        list(RecallInformationRequest.objects.order_by("pk").values_list(*REQUEST_FIELDS)),
        RecallInformationRequest.history.count(),
        list(Recall.objects.order_by("pk").values_list("pk", "status", "sent_to_ppcs_on")),
        Recall.history.count(),
    )


def refused(service, **kwargs) -> ValidationError:
    before = state()
    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    assert state() == before
    return caught.value


# Recording a request ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_the_officer_or_a_manager_records_a_request(compliance, recall, who):
    by = getattr(compliance.org, who)

    request = asked(recall, by=by)

    assert list(RecallInformationRequest.objects.values_list(*REQUEST_FIELDS)) == [
        (request.pk, recall.pk, "ppcs", TUESDAY, ASKED, by.pk, NOW, None, "", None, None)
    ]
    assert [(row.history_user_id, row.history_change_reason) for row in request.history.all()] == [
        (by.pk, "More information asked for by public protection casework")
    ]
    # The recall itself is not changed: it stays where it is.
    assert Recall.objects.get().status == "sent_to_ppcs"
    assert list(recall.information_requests.all()) == [request]


@pytest.mark.parametrize(
    ("source", "reason"),
    [("court", "More information asked for by the court"), ("other", "More information asked for by someone else")],
)
def test_the_court_or_someone_else_may_ask(recall, source, reason):
    request = asked(recall, source=source)

    assert request.source == source
    assert request.history.get().history_change_reason == reason


def test_the_message_is_kept_without_the_spaces_around_it(recall):
    assert asked(recall, message=f"  {ASKED}\n ").message == ASKED


@pytest.mark.parametrize("status", ["returned_to_custody", "documents_supplied"])
def test_a_request_may_come_after_the_return_to_custody(compliance, senior, status):
    recall = build(compliance.licence, status, reviewer=compliance.org.manager, senior=senior)

    assert asked(recall, on=TODAY).requested_on == TODAY


@pytest.mark.parametrize(
    ("status", "label"),
    [
        ("considering", "recall being considered"),
        ("awaiting_review", "waiting for a manager's review"),
        ("awaiting_countersignature", "waiting for a senior manager's countersignature"),
        ("countersigned", "countersigned"),
        ("not_recalled", "decided not to recall"),
        ("withdrawn", "withdrawn"),
    ],
)
def test_no_request_before_the_recall_is_sent(compliance, senior, status, label):
    recall = build(compliance.licence, status, reviewer=compliance.org.manager, senior=senior)

    error = refused(
        services.recall_record_information_request,
        by=compliance.org.officer,
        recall=recall,
        requested_on=TODAY,
        source="ppcs",
        message=ASKED,
    )

    assert error.messages == [NOT_SENT.format(label)]
    assert services.information_request_refusal(compliance.org.officer, recall) == NOT_SENT.format(label)


def test_no_request_once_a_sent_recall_is_withdrawn(compliance, recall):
    recall = services.recall_withdraw(by=compliance.org.officer, recall=recall, reason="Remanded on a new charge.")

    error = refused(
        services.recall_record_information_request,
        by=compliance.org.officer,
        recall=recall,
        requested_on=TODAY,
        source="ppcs",
        message=ASKED,
    )

    assert error.messages == [NOT_SENT.format("withdrawn")]


@pytest.mark.parametrize("who", ["colleague", "other_team_officer", "other_provider_manager", "upw", "court_user"])
def test_only_the_officer_or_a_manager_of_the_team_records_a_request(compliance, recall, who):
    error = refused(
        services.recall_record_information_request,
        by=getattr(compliance.org, who),
        recall=recall,
        requested_on=TODAY,
        source="ppcs",
        message=ASKED,
    )

    assert error.messages == [ONLY_OFFICER_OR_MANAGER.format(RECORD)]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"source": "", "message": " ", "requested_on": None},
            {
                "source": [
                    "Choose who asked for more information: public protection casework, the court or someone else."
                ],
                "message": ["Say what more information was asked for."],
                "requested_on": ["Enter the date more information was asked for."],
            },
        ),
        (
            {"source": "probation"},
            {
                "source": [
                    "Choose who asked for more information: public protection casework, the court or someone else."
                ]
            },
        ),
        (
            {"requested_on": TOMORROW},
            {"requested_on": ["The date more information was asked for cannot be in the future."]},
        ),
        (
            {"requested_on": SUNDAY},
            {
                "requested_on": [
                    "The date more information was asked for cannot be before the recall was sent to public "
                    "protection casework (23 November 2026)."
                ]
            },
        ),
        ({"message": "x" * 4001}, {"message": ["The message must be 4,000 characters or fewer."]}),
    ],
)
def test_a_request_needs_who_asked_what_and_a_possible_day(recall, changes, errors):
    kwargs = {"requested_on": TUESDAY, "source": "ppcs", "message": ASKED, **changes}

    error = refused(
        services.recall_record_information_request, by=recall.case.responsible_officer, recall=recall, **kwargs
    )

    assert error.message_dict == errors


def test_the_day_the_recall_was_sent_is_a_possible_day(recall):
    assert asked(recall, on=MONDAY).requested_on == MONDAY


def test_a_recall_may_be_asked_about_more_than_once(recall):
    first = asked(recall, on=MONDAY)
    second = asked(recall, on=TODAY, source="court", message="The court asks for the previous convictions.")

    assert list(recall.information_requests.values_list("pk", "source")) == [(first.pk, "ppcs"), (second.pk, "court")]


# Answering ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_the_officer_or_a_manager_records_the_answer(compliance, recall, who):
    request = asked(recall)
    by = getattr(compliance.org, who)

    answered(request, by=by)

    assert RecallInformationRequest.objects.values_list(*REQUEST_FIELDS).get() == (
        request.pk,
        recall.pk,
        "ppcs",
        TUESDAY,
        ASKED,
        compliance.org.officer.pk,
        NOW,
        TODAY,
        ANSWER,
        by.pk,
        NOW,
    )
    assert [(row.history_user_id, row.history_change_reason) for row in request.history.order_by("history_id")] == [
        (compliance.org.officer.pk, "More information asked for by public protection casework"),
        (by.pk, "Answer to the request for more information recorded"),
    ]


def test_the_answer_may_be_the_day_of_the_request(compliance, recall):
    request = asked(recall, on=TUESDAY)

    assert answered(request, by=compliance.org.officer, on=TUESDAY).answered_on == TUESDAY


def test_an_answer_is_recorded_once(compliance, recall):
    request = answered(asked(recall), by=compliance.org.officer, on=TODAY)

    error = refused(
        services.recall_answer_information_request,
        by=compliance.org.manager,
        request=request,
        answered_on=TODAY,
        answer="Sent again.",
    )

    assert error.messages == ["This request was answered on 25 November 2026: the answer cannot be recorded again."]


@pytest.mark.parametrize("who", ["colleague", "other_team_officer", "other_provider_manager", "court_user"])
def test_only_the_officer_or_a_manager_of_the_team_answers(compliance, recall, who):
    request = asked(recall)

    error = refused(
        services.recall_answer_information_request,
        by=getattr(compliance.org, who),
        request=request,
        answered_on=TODAY,
        answer=ANSWER,
    )

    assert error.messages == [ONLY_OFFICER_OR_MANAGER.format(ANSWER_ACTION)]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"answered_on": None, "answer": ""},
            {"answer": ["Say what was sent in reply."], "answered_on": ["Enter the date of the answer."]},
        ),
        ({"answered_on": TOMORROW}, {"answered_on": ["The date of the answer cannot be in the future."]}),
        (
            {"answered_on": MONDAY},
            {"answered_on": ["The date of the answer cannot be before the request (24 November 2026)."]},
        ),
        ({"answer": "x" * 4001}, {"answer": ["The answer must be 4,000 characters or fewer."]}),
    ],
)
def test_an_answer_needs_what_was_sent_and_a_possible_day(compliance, recall, changes, errors):
    request = asked(recall, on=TUESDAY)
    kwargs = {"answered_on": TODAY, "answer": ANSWER, **changes}

    error = refused(services.recall_answer_information_request, by=compliance.org.officer, request=request, **kwargs)

    assert error.message_dict == errors


def test_a_request_on_a_withdrawn_recall_can_still_be_answered(compliance, recall):
    request = asked(recall)
    services.recall_withdraw(by=compliance.org.officer, recall=recall, reason="Remanded on a new charge.")

    assert answered(request, by=compliance.org.officer).answer == ANSWER


# The database's own checks ------------------------------------------------------------------------------------------


def _refused_by_database(request, **values):
    before = state()
    with pytest.raises(IntegrityError), transaction.atomic():
        RecallInformationRequest.objects.filter(pk=request.pk).update(**values)
    assert state() == before


@pytest.mark.parametrize(
    "values",
    [
        pytest.param({"message": ""}, id="recall_info_request_has_message"),
        pytest.param({"source": "probation"}, id="recall_info_request_source_valid"),
        pytest.param({"answered_on": TODAY}, id="answered_without_the_answer"),
        pytest.param({"answer": ANSWER}, id="answer_without_its_date"),
        pytest.param({"answered_on": MONDAY, "answer": ANSWER, "answered_at": NOW}, id="answered_without_who_answered"),
        pytest.param(
            {"answered_on": date(2026, 11, 23), "answer": ANSWER, "answered_at": NOW},
            id="recall_info_request_answered_after_request",
        ),
    ],
)
def test_the_database_refuses_an_impossible_request(compliance, recall, values):
    request = asked(recall, on=TUESDAY)
    if values.get("answered_on") == date(2026, 11, 23):
        values["answered_by"] = compliance.org.officer

    _refused_by_database(request, **values)


def test_the_model_says_what_is_wrong(compliance, recall):
    request = asked(recall, on=TUESDAY)
    request.answered_on = MONDAY
    request.answer = ANSWER
    request.answered_by = compliance.org.officer
    request.answered_at = NOW

    with pytest.raises(ValidationError) as caught:
        request.full_clean()

    assert caught.value.messages == ["The answer cannot come before the request."]


# The timeline -------------------------------------------------------------------------------------------------------


def test_the_timeline_has_the_request_and_its_answer_in_the_order_recorded(compliance, recall):
    with time_machine.travel(datetime(2026, 11, 25, 11, 0, tzinfo=LONDON), tick=False):
        request = asked(recall, on=TUESDAY)
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=LONDON), tick=False):
        answered(request, by=compliance.org.manager, on=TODAY)
    recall = Recall.objects.get()

    timeline = selectors.recall_timeline(recall, selectors.information_requests_for(recall))

    assert [(entry.what, entry.on, entry.by.username, entry.note) for entry in timeline[-3:]] == [
        ("Sent to public protection casework", MONDAY, "olivia", ""),
        ("More information asked for by public protection casework", TUESDAY, "olivia", ASKED),
        ("Request for more information answered", TODAY, "maya", ANSWER),
    ]
    # Without the requests, the recall's own steps only.
    assert selectors.recall_timeline(recall)[-1].what == "Sent to public protection casework"


def test_a_recall_never_sent_reads_no_requests_at_all(compliance, senior, django_assert_num_queries):
    recall = build(compliance.licence, "countersigned", reviewer=compliance.org.manager, senior=senior)

    with django_assert_num_queries(0):
        assert selectors.information_requests_for(recall) == []


# The pages ----------------------------------------------------------------------------------------------------------


def _html(response) -> str:
    return response.content.decode()


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _section(html: str, name: str, end: str) -> str:
    start = html.index(">", html.index(f'data-testid="{name}"')) + 1
    return html[start : html.index(end, start)]


def _date(field: str, on: date) -> dict:
    return {f"{field}-day": str(on.day), f"{field}-month": str(on.month), f"{field}-year": str(on.year)}


def _recall_url(recall) -> str:
    return reverse("enforcement:recall", args=[recall.pk])


def _new_url(recall) -> str:
    return reverse("enforcement:recall_information_request", args=[recall.pk])


def _answer_url(request) -> str:
    return reverse("enforcement:recall_information_answer", args=[request.recall_id, request.pk])


class TestTheRecallPage:
    def test_a_sent_recall_says_no_one_has_asked_yet_and_offers_the_form(self, compliance, recall, client_for):
        html = _html(client_for(compliance.org.officer).get(_recall_url(recall)))

        assert '<h2 class="govuk-heading-m">Requests for more information</h2>' in html
        assert _text(_section(html, "information-requests", "</p>")) == (
            "No one has asked for more information about this recall."
        )
        assert f'href="{_new_url(recall)}" data-testid="record-information-request"' in html

    def test_the_requests_are_listed_with_their_answers(self, compliance, recall, client_for):
        first = answered(asked(recall, on=MONDAY), by=compliance.org.manager, on=TUESDAY)
        second = asked(recall, on=TODAY, source="court", message="The court asks for the previous convictions.")

        html = _html(client_for(compliance.org.officer).get(_recall_url(recall)))

        assert _text(_section(html, f"information-request-{first.pk}", "</tr>")) == (
            f"23 November 2026 Public protection casework Recorded by Olivia Okafor {ASKED} {ANSWER} "
            "Sent 24 November 2026 by Maya Mensah"
        )
        assert _text(_section(html, f"information-request-{second.pk}", "</tr>")) == (
            "25 November 2026 The court Recorded by Olivia Okafor The court asks for the previous convictions. "
            "Not answered Record the answer to the request of 25 November 2026"
        )
        assert f'href="{_answer_url(second)}"' in html
        assert _answer_url(first) not in html
        timeline = _text(_section(html, "timeline", "</table>"))
        assert "More information asked for by public protection casework" in timeline
        assert "More information asked for by the court" in timeline
        assert "Request for more information answered" in timeline

    def test_a_colleague_sees_the_requests_but_may_not_record_or_answer(self, compliance, recall, client_for):
        request = asked(recall)

        html = _html(client_for(compliance.org.colleague).get(_recall_url(recall)))

        assert f'data-testid="information-request-{request.pk}"' in html
        assert 'data-testid="record-information-request"' not in html
        assert _answer_url(request) not in html

    def test_a_recall_not_yet_sent_has_no_such_section(self, compliance, senior, client_for):
        recall = build(compliance.licence, "countersigned", reviewer=compliance.org.manager, senior=senior)

        html = _html(client_for(compliance.org.officer).get(_recall_url(recall)))

        assert "Requests for more information" not in html
        assert 'data-testid="record-information-request"' not in html

    def test_a_withdrawn_recall_that_was_sent_lists_its_requests_without_the_form(self, compliance, recall, client_for):
        request = asked(recall)
        services.recall_withdraw(by=compliance.org.officer, recall=recall, reason="Remanded on a new charge.")

        html = _html(client_for(compliance.org.officer).get(_recall_url(recall)))

        assert f'data-testid="information-request-{request.pk}"' in html
        assert 'data-testid="record-information-request"' not in html
        assert f'href="{_answer_url(request)}"' in html


class TestRecordingARequest:
    def test_the_form(self, compliance, recall, client_for):
        response = client_for(compliance.org.officer).get(_new_url(recall))

        assert response.status_code == 200
        html = _html(response)
        assert '<h1 class="govuk-heading-l">Record a request for more information</h1>' in html
        for value, label in [("ppcs", "Public protection casework"), ("court", "The court"), ("other", "Someone else")]:
            assert f'value="{value}"' in html, value
            assert label in html
        # Today by default.
        for part, value in (("day", "25"), ("month", "11"), ("year", "2026")):
            assert f'name="requested_on-{part}" type="text" inputmode="numeric" value="{value}"' in html, part

    def test_recording_it(self, compliance, recall, client_for):
        response = client_for(compliance.org.officer).post(
            _new_url(recall), {"source": "ppcs", "message": ASKED, **_date("requested_on", TUESDAY)}
        )

        assert response.status_code == 302
        assert response["Location"] == _recall_url(recall)
        assert list(RecallInformationRequest.objects.values_list("recall", "source", "requested_on", "message")) == [
            (recall.pk, "ppcs", TUESDAY, ASKED)
        ]

    def test_bad_input_shows_every_problem_and_changes_nothing(self, compliance, recall, client_for):
        before = state()

        response = client_for(compliance.org.officer).post(
            _new_url(recall), {"message": "", **_date("requested_on", SUNDAY)}
        )

        assert response.status_code == 400
        assert state() == before
        summary = _text(_section(_html(response), "error-summary", "</ul>"))
        assert summary == (
            "There is a problem "
            "Choose who asked for more information: public protection casework, the court or someone else. "
            "The date more information was asked for cannot be before the recall was sent to public protection "
            "casework (23 November 2026). "
            "Say what more information was asked for."
        )

    def test_a_date_that_is_not_one_is_shown_with_the_other_problems(self, compliance, recall, client_for):
        before = state()

        response = client_for(compliance.org.officer).post(
            _new_url(recall),
            {
                "source": "ppcs",
                "message": "",
                **_date("requested_on", TUESDAY),
                "requested_on-day": "31",
                "requested_on-month": "2",
            },
        )

        assert response.status_code == 400
        assert state() == before
        summary = _text(_section(_html(response), "error-summary", "</ul>"))
        assert summary == (
            "There is a problem Date more information was asked for must be a real date "
            "Say what more information was asked for."
        )

    def test_before_the_recall_is_sent_the_page_refuses(self, compliance, senior, client_for):
        recall = build(compliance.licence, "countersigned", reviewer=compliance.org.manager, senior=senior)
        before = state()

        for method in ("get", "post"):
            response = getattr(client_for(compliance.org.officer), method)(_new_url(recall))
            assert response.status_code == 400
            assert _text(_section(_html(response), "refusal", "</strong>\n")) == (
                f"Warning {NOT_SENT.format('countersigned')}"
            )
        assert state() == before

    def test_a_colleague_is_refused(self, compliance, recall, client_for):
        response = client_for(compliance.org.colleague).post(
            _new_url(recall), {"source": "ppcs", "message": ASKED, **_date("requested_on", TUESDAY)}
        )

        assert response.status_code == 400
        assert _text(_section(_html(response), "refusal", "</strong>\n")) == (
            f"Warning {ONLY_OFFICER_OR_MANAGER.format(RECORD)}"
        )
        assert not RecallInformationRequest.objects.exists()

    @pytest.mark.parametrize("who", OUTSIDERS)
    def test_outside_the_users_scope_is_not_found(self, compliance, recall, client_for, who):
        request = asked(recall)
        client = client_for(getattr(compliance.org, who))

        assert client.get(_new_url(recall)).status_code == 404
        assert client.get(_answer_url(request)).status_code == 404
        assert client.post(_answer_url(request), {"answer": ANSWER, **_date("answered_on", TODAY)}).status_code == 404
        assert not RecallInformationRequest.objects.filter(answered_on__isnull=False).exists()


class TestRecordingTheAnswer:
    def test_the_form_shows_the_request(self, compliance, recall, client_for):
        request = asked(recall)

        response = client_for(compliance.org.manager).get(_answer_url(request))

        assert response.status_code == 200
        assert _text(_section(_html(response), "record-summary", "</dl>")) == (
            f"Asked by Public protection casework Asked on 24 November 2026 What they asked for {ASKED}"
        )

    def test_recording_it(self, compliance, recall, client_for):
        request = asked(recall)

        response = client_for(compliance.org.manager).post(
            _answer_url(request), {"answer": ANSWER, **_date("answered_on", TODAY)}
        )

        assert response.status_code == 302
        assert response["Location"] == _recall_url(recall)
        assert RecallInformationRequest.objects.values_list("answered_on", "answer", "answered_by").get() == (
            TODAY,
            ANSWER,
            compliance.org.manager.pk,
        )

    def test_bad_input_changes_nothing(self, compliance, recall, client_for):
        request = asked(recall)
        before = state()

        response = client_for(compliance.org.officer).post(
            _answer_url(request), {"answer": " ", **_date("answered_on", MONDAY)}
        )

        assert response.status_code == 400
        assert state() == before
        assert _text(_section(_html(response), "error-summary", "</ul>")) == (
            "There is a problem The date of the answer cannot be before the request (24 November 2026). "
            "Say what was sent in reply."
        )

    def test_an_answered_request_is_refused(self, compliance, recall, client_for):
        request = answered(asked(recall), by=compliance.org.officer)

        response = client_for(compliance.org.officer).get(_answer_url(request))

        assert response.status_code == 400
        assert _text(_section(_html(response), "refusal", "</strong>\n")) == (
            "Warning This request was answered on 25 November 2026: the answer cannot be recorded again."
        )

    def test_a_request_of_another_recall_is_not_found(self, compliance, recall, senior, client_for):
        other = asked(sent(licence_case(compliance.org.officer), manager=compliance.org.manager, senior=senior))

        url = reverse("enforcement:recall_information_answer", args=[recall.pk, other.pk])

        assert client_for(compliance.org.officer).get(url).status_code == 404


# Queries ------------------------------------------------------------------------------------------------------------


FEW, MANY = 1, 12
# The recall page's pinned count (tests/enforcement/test_recall_pages.py) and one more: the requests with who
# recorded and answered them.
PINNED_PAGE = 11


def _count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), "\n".join(query["sql"] for query in captured.captured_queries)


def _add_requests(recall, count: int, *, manager) -> None:
    for index in range(count):
        request = asked(recall, on=TODAY, source=("ppcs", "court", "other")[index % 3], message=f"Question {index}.")
        if index % 2:
            answered(request, by=manager)


def test_the_recall_page_runs_the_same_queries_however_many_requests(compliance, recall, client_for):
    client = client_for(compliance.org.officer)
    url = _recall_url(recall)

    _add_requests(recall, FEW, manager=compliance.org.manager)
    few, _ = _count(client, url)
    _add_requests(recall, MANY - FEW, manager=compliance.org.manager)
    many, sql = _count(client, url)

    assert few == many, sql
    assert many == PINNED_PAGE, sql
    assert len(re.findall(r'data-testid="information-request-\d+"', _html(client.get(url)))) == MANY


# The API ------------------------------------------------------------------------------------------------------------


def _post(client, recall, action, body):
    return client.post(f"{RECALLS}{recall.pk}/{action}/", body, content_type="application/json")


def _request_json(request, *, recorded_by, answered_by=None) -> dict:
    def staff(user):
        return {"id": user.pk, "name": user.get_full_name()} if user else None

    return {
        "id": request.pk,
        "source": request.source,
        "requested_on": request.requested_on.isoformat(),
        "message": request.message,
        "recorded_by": staff(recorded_by),
        "recorded_at": "2026-11-25T10:00:00Z",
        "answered_on": request.answered_on.isoformat() if request.answered_on else None,
        "answer": request.answer,
        "answered_by": staff(answered_by),
        "answered_at": "2026-11-25T10:00:00Z" if request.answered_on else None,
    }


class TestTheApi:
    def test_recording_a_request(self, compliance, recall, client_for):
        response = _post(
            client_for(compliance.org.officer),
            recall,
            "record-information-request",
            {"source": "ppcs", "requested_on": "2026-11-24", "message": ASKED},
        )

        assert response.status_code == 200, response.json()
        request = RecallInformationRequest.objects.get()
        assert response.json()["status"] == "sent_to_ppcs"
        assert response.json()["information_requests"] == [_request_json(request, recorded_by=compliance.org.officer)]

    def test_recording_the_answer(self, compliance, recall, client_for):
        request = asked(recall)

        response = _post(
            client_for(compliance.org.manager),
            recall,
            "answer-information-request",
            {"request": request.pk, "answered_on": "2026-11-25", "answer": ANSWER},
        )

        assert response.status_code == 200, response.json()
        request.refresh_from_db()
        assert response.json()["information_requests"] == [
            _request_json(request, recorded_by=compliance.org.officer, answered_by=compliance.org.manager)
        ]

    def test_a_recall_lists_its_requests_oldest_first(self, compliance, recall, client_for):
        later = asked(recall, on=TODAY, source="court")
        earlier = asked(recall, on=MONDAY)

        body = client_for(compliance.org.colleague).get(f"{RECALLS}{recall.pk}/").json()

        assert [row["id"] for row in body["information_requests"]] == [earlier.pk, later.pk]

    def test_bad_fields_are_400_and_change_nothing(self, compliance, recall, client_for):
        before = state()

        response = _post(
            client_for(compliance.org.officer),
            recall,
            "record-information-request",
            {"source": "", "requested_on": "2026-11-26", "message": ""},
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "source": ["Choose who asked for more information: public protection casework, the court or someone else."],
            "message": ["Say what more information was asked for."],
            "requested_on": ["The date more information was asked for cannot be in the future."],
        }
        assert state() == before

    def test_a_source_outside_the_list_is_refused_before_the_service(self, compliance, recall, client_for):
        response = _post(
            client_for(compliance.org.officer),
            recall,
            "record-information-request",
            {"source": "probation", "requested_on": "2026-11-24", "message": ASKED},
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "source": ["Choose who asked for more information: public protection casework, the court or someone else."]
        }

    def test_before_the_recall_is_sent_it_is_400(self, compliance, senior, client_for):
        recall = build(compliance.licence, "countersigned", reviewer=compliance.org.manager, senior=senior)

        response = _post(
            client_for(compliance.org.officer),
            recall,
            "record-information-request",
            {"source": "ppcs", "requested_on": "2026-11-25", "message": ASKED},
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {"non_field_errors": [NOT_SENT.format("countersigned")]}
        assert not RecallInformationRequest.objects.exists()

    def test_someone_who_sees_the_recall_but_may_not_record_gets_403(self, compliance, recall, client_for):
        request = asked(recall)
        before = state()
        client = client_for(compliance.org.colleague)

        recorded = _post(client, recall, "record-information-request", {"source": "ppcs", "message": ASKED})
        answer = _post(client, recall, "answer-information-request", {"request": request.pk, "answer": ANSWER})

        assert (recorded.status_code, recorded.json()) == (403, {"detail": ONLY_OFFICER_OR_MANAGER.format(RECORD)})
        assert (answer.status_code, answer.json()) == (403, {"detail": ONLY_OFFICER_OR_MANAGER.format(ANSWER_ACTION)})
        assert state() == before

    @pytest.mark.parametrize("who", ["other_team_officer", "other_provider_manager", "court_user"])
    def test_outsiders_get_404(self, compliance, recall, client_for, who):
        request = asked(recall)
        client = client_for(getattr(compliance.org, who))

        recorded = _post(
            client,
            recall,
            "record-information-request",
            {"source": "ppcs", "requested_on": "2026-11-25", "message": ASKED},
        )
        answer = _post(
            client,
            recall,
            "answer-information-request",
            {"request": request.pk, "answered_on": "2026-11-25", "answer": ANSWER},
        )

        assert (recorded.status_code, answer.status_code) == (404, 404)
        assert RecallInformationRequest.objects.filter(answered_on__isnull=True).count() == 1

    def test_answering_a_request_of_another_recall_is_400(self, compliance, recall, senior, client_for):
        other = asked(sent(licence_case(compliance.org.officer), manager=compliance.org.manager, senior=senior))

        response = _post(
            client_for(compliance.org.officer),
            recall,
            "answer-information-request",
            {"request": other.pk, "answered_on": "2026-11-25", "answer": ANSWER},
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "request": ["This recall has no request for more information with this id."]
        }
        assert not RecallInformationRequest.objects.filter(answered_on__isnull=False).exists()

    def test_answering_twice_is_400(self, compliance, recall, client_for):
        request = answered(asked(recall), by=compliance.org.officer)

        response = _post(
            client_for(compliance.org.officer),
            recall,
            "answer-information-request",
            {"request": request.pk, "answered_on": "2026-11-25", "answer": "Again."},
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "non_field_errors": ["This request was answered on 25 November 2026: the answer cannot be recorded again."]
        }

    def test_the_list_runs_the_same_queries_however_many_requests(self, compliance, recall, senior, client_for):
        client = client_for(compliance.org.officer)
        other = sent(licence_case(compliance.org.officer), manager=compliance.org.manager, senior=senior)

        _add_requests(recall, FEW, manager=compliance.org.manager)
        few, _ = _count(client, RECALLS)
        _add_requests(recall, MANY, manager=compliance.org.manager)
        _add_requests(other, MANY, manager=compliance.org.manager)
        many, sql = _count(client, RECALLS)

        assert few == many, sql
        body = client.get(RECALLS).json()
        assert sorted(len(row["information_requests"]) for row in body["results"]) == [MANY, FEW + MANY]

    def test_the_schema_describes_the_actions(self, compliance, client_for):
        schema = client_for(compliance.org.officer).get("/api/schema/", {"format": "json"}).json()

        for action in ("record-information-request", "answer-information-request"):
            operation = schema["paths"][f"{RECALLS}{{id}}/{action}/"]
            assert set(operation) == {"post"}, action
            assert set(operation["post"]["responses"]) == {"200", "400", "403", "404"}, action
        components = schema["components"]["schemas"]
        assert components["RecallInformationSource"]["enum"] == ["ppcs", "court", "other"]
        assert "information_requests" in components["Recall"]["properties"]


def test_the_schema_generates_without_warnings_or_errors(tmp_path):
    GENERATOR_STATS.reset()

    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"), "--fail-on-warn", "--validate")

    assert "/api/v1/recalls/{id}/record-information-request/" in (tmp_path / "schema.yaml").read_text()
