"""Sentencing pages: the case's sentence tab, the sentence form with requirements, release, panel meetings and
added requirements. Scope (404), role (403), bad input (400, nothing changed) and constant queries."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Provider
from cases.models import Case, Disposal, ReferralPanelMeeting, Requirement, Sentence
from cases.services.sentencing import panel_meeting_record, sentence_record
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2027, 4, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2027, 4, 1, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def _case(org, *, born=date(1990, 5, 1), **kwargs) -> Case:
    kwargs.setdefault("responsible_officer", org.officer)
    return factories.CaseFactory(awaiting_sentence=True, person__date_of_birth=born, **kwargs)


def _date(name: str, day: date) -> dict:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def _sentence_post(**extra) -> dict:
    data = {"disposal": "community_order", **_date("sentence_date", TODAY), "length_months": "12"}
    data.update(extra)
    return data


# The sentence tab --------------------------------------------------------------------------------------------


def test_tab_without_a_sentence_offers_to_record_one(org, client_for):
    case = _case(org)

    response = client_for(org.officer).get(reverse("cases:case_sentence", args=[case.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no current sentence on this case." in html
    assert reverse("cases:sentence_new", args=[case.pk]) in html


def test_tab_shows_dates_requirements_and_panel_meetings(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer, person__date_of_birth=date(1990, 5, 1))
    sentence_record(
        by=org.officer,
        case=case,
        disposal=Disposal.COMMUNITY_ORDER,
        sentence_date=date(2027, 2, 1),
        length_months=12,
        requirements=[
            {"requirement_type": "rar", "maximum_days": 25},
            {"requirement_type": "unpaid_work", "hours": 120},
            {"requirement_type": "accredited_programme", "programme_name": "Thinking Skills", "sessions": 19},
            {"requirement_type": "curfew", "details": "7pm to 7am at 1 Acacia Avenue"},
        ],
    )
    past = factories.SentenceFactory(
        case=case,
        disposal=Disposal.CUSTODY,
        status=Sentence.Status.COMPLETED,
        sentence_date=date(2025, 1, 6),
        length_months=6,
        start_date=date(2025, 1, 6),
        end_date=date(2026, 4, 8),
        expected_release_date=date(2025, 4, 8),
        released_on=date(2025, 4, 8),
        licence_end_date=date(2025, 7, 6),
        post_sentence_supervision_end_date=date(2026, 4, 8),
    )

    response = client_for(org.officer).get(reverse("cases:case_sentence", args=[case.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Community order",
        "1 February 2027",
        "1 February 2028",
        "Up to 25 days",
        "120 hours",
        "Thinking Skills, 19 sessions",
        "7pm to 7am at 1 Acacia Avenue",
        "Past sentences",
        "Licence end",
        "6 July 2025",
        "Post-sentence supervision end",
        "8 April 2026",
    ):
        assert text in html, text
    assert f'data-testid="sentence-{past.pk}"' in html
    assert reverse("cases:requirement_new", args=[case.sentences.get(status="current").pk]) in html
    assert reverse("cases:sentence_new", args=[case.pk]) not in html  # already has a current sentence


def test_tab_shows_referral_order_panels_and_the_conditions_of_a_caution(org, client_for):
    yot = factories.ProviderFactory(provider_type=Provider.ProviderType.YOT, region=org.region)
    team = factories.TeamFactory(provider=yot)
    case_manager = factories.OfficerFactory(team=team)
    case = factories.CaseFactory(responsible_officer=case_manager, person__date_of_birth=date(2010, 6, 1))
    order = sentence_record(
        by=case_manager, case=case, disposal=Disposal.REFERRAL_ORDER, sentence_date=date(2027, 3, 1), length_months=6
    )
    panel_meeting_record(
        by=case_manager,
        sentence=order,
        meeting_type="initial",
        meeting_date=date(2027, 3, 10),
        contract_signed=True,
        attendees="Two volunteers and the child",
    )

    html = client_for(case_manager).get(reverse("cases:case_sentence", args=[case.pk])).content.decode()

    assert "Panel meetings" in html
    assert "Initial panel (contract agreed)" in html
    assert "Contract signed" in html
    assert "Two volunteers and the child" in html
    assert "10 September 2027" in html  # the order's end, 6 months from the contract
    assert reverse("cases:panel_meeting_new", args=[order.pk]) in html


def test_tab_is_not_found_outside_scope(org, client_for):
    case = _case(org)

    response = client_for(org.other_provider_officer).get(reverse("cases:case_sentence", args=[case.pk]))

    assert response.status_code == 404


# The sentence form -------------------------------------------------------------------------------------------


def test_form_offers_adult_disposals_and_every_requirement(org, client_for):
    case = _case(org)
    factories.CourtAppearanceFactory(case=case, appearance_date=date(2027, 3, 15))

    response = client_for(org.officer).get(reverse("cases:sentence_new", args=[case.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="community_order"' in html
    assert 'value="custody"' in html
    assert 'value="referral_order"' not in html
    for name in (
        "requirement_rar",
        "requirement_rar_maximum_days",
        "requirement_unpaid_work_hours",
        "requirement_accredited_programme_programme_name",
        "requirement_accredited_programme_sessions",
        "requirement_curfew_details",
        "intensive_supervision_and_surveillance",
        "suspended_custodial_term_months",
        "expected_release_date-day",
    ):
        assert f'name="{name}"' in html, name
    assert "15 March 2027 (adjourned for a report)" in html


def test_form_offers_youth_disposals_to_a_child(org, client_for):
    case = _case(org, born=date(2010, 6, 1))

    html = client_for(org.officer).get(reverse("cases:sentence_new", args=[case.pk])).content.decode()

    assert 'value="referral_order"' in html
    assert 'value="youth_rehabilitation_order"' in html
    assert 'value="community_order"' not in html


def test_bad_requirement_is_shown_next_to_its_input_and_nothing_changes(org, client_for):
    case = _case(org)
    data = _sentence_post(requirement_unpaid_work="on", requirement_unpaid_work_hours="20")

    response = client_for(org.officer).post(reverse("cases:sentence_new", args=[case.pk]), data)

    assert response.status_code == 400
    html = response.content.decode()
    message = "Unpaid work for an adult is between 40 and 300 hours."
    assert f'<a href="#id_requirement_unpaid_work_hours">{message}</a>' in html  # error summary
    assert 'id="id_requirement_unpaid_work_hours-error"' in html  # next to the input
    assert 'value="20"' in html  # what was typed is kept
    assert not Sentence.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_SENTENCE


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"disposal": ""}, "disposal", "Choose the sentence"),
        (
            {"sentence_date-day": "31", "sentence_date-month": "2"},
            "sentence_date-day",
            "Date of sentence must be a real date",
        ),
        ({"length_months": "twelve"}, "length_months", "Length in months must be a whole number"),
        ({"length_months": "40"}, "length_months", "A community order is between 1 and 36 months."),
        (
            {"disposal": "referral_order"},
            "disposal",
            "Select a valid choice. referral_order is not one of the available choices.",
        ),
    ],
)
def test_bad_input_is_400_with_the_message(org, client_for, data, field, message):
    case = _case(org)

    response = client_for(org.officer).post(reverse("cases:sentence_new", args=[case.pk]), _sentence_post(**data))

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'href="#id_{field}"' in html
    assert not Sentence.objects.filter(case=case).exists()


def test_sentencing_message_for_a_missing_provider_goes_to_the_top(org, client_for):
    case = _case(org, born=date(2010, 6, 1))

    response = client_for(org.officer).post(
        reverse("cases:sentence_new", args=[case.pk]),
        _sentence_post(disposal="youth_caution", length_months=""),
    )

    assert response.status_code == 400
    assert "There is no active youth offending team in the North West region" in response.content.decode()


def test_success_moves_the_case_to_the_queue_and_the_officer_back_to_the_caseload(org, client_for):
    case = _case(org)
    data = _sentence_post(
        requirement_rar="on",
        requirement_rar_maximum_days="15",
        requirement_unpaid_work="on",
        requirement_unpaid_work_hours="100",
        requirement_curfew_details="ignored: not ticked",
    )

    client = client_for(org.officer)

    response = client.post(reverse("cases:sentence_new", args=[case.pk]), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:caseload")  # the officer no longer holds the case
    sentence = Sentence.objects.get(case=case)
    assert sorted(
        Requirement.objects.filter(sentence=sentence).values_list("requirement_type__code", "maximum_days", "hours")
    ) == [
        ("rar", 15, None),
        ("unpaid_work", None, 100),
    ]
    case.refresh_from_db()
    assert (case.status, case.provider, case.responsible_officer) == (Case.Status.AWAITING_ALLOCATION, org.nps, None)
    page = client.get(response["Location"])
    assert "Community order recorded. The case is waiting for allocation by NPS North West." in page.content.decode()


def test_a_manager_who_still_sees_the_case_returns_to_the_sentence_tab(org, client_for):
    case = _case(org)

    response = client_for(org.manager).post(
        reverse("cases:sentence_new", args=[case.pk]), _sentence_post(disposal="custody", length_months="6")
    )

    assert response["Location"] == reverse("cases:case_sentence", args=[case.pk])
    assert Sentence.objects.get(case=case).expected_release_date == date(2027, 7, 2)  # 183 days, 92 in


def test_form_for_a_case_with_a_current_sentence_says_so(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer)
    factories.SentenceFactory(case=case)

    html = client_for(org.officer).get(reverse("cases:sentence_new", args=[case.pk])).content.decode()

    assert "This case already has a current sentence" in html
    assert 'name="disposal"' not in html


def test_scope_and_role(org, client_for):
    case = _case(org)
    url = reverse("cases:sentence_new", args=[case.pk])
    admin_in_team = factories.AdministratorFactory(team=org.team_a)

    assert client_for(org.other_provider_manager).get(url).status_code == 404
    assert client_for(org.court_user).get(url).status_code == 404
    assert client_for(admin_in_team).get(url).status_code == 403
    assert client_for(admin_in_team).post(url, _sentence_post()).status_code == 403
    assert client_for(org.manager).get(url).status_code == 200
    assert not Sentence.objects.exists()


# Release, panel meetings and requirements --------------------------------------------------------------------


def _custody(org, case=None):
    case = case or factories.CaseFactory(responsible_officer=org.officer, person__date_of_birth=date(1990, 5, 1))
    return sentence_record(
        by=org.officer, case=case, disposal=Disposal.CUSTODY, sentence_date=date(2027, 1, 4), length_months=6
    )


def test_release_page(org, client_for):
    sentence = _custody(org)
    url = reverse("cases:sentence_release", args=[sentence.pk])
    client = client_for(org.officer)

    assert client.get(url).status_code == 200
    bad = client.post(url, _date("released_on", date(2027, 4, 2)))
    assert bad.status_code == 400
    assert "The date of release cannot be in the future" in bad.content.decode()

    response = client.post(url, _date("released_on", date(2027, 3, 31)))

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_sentence", args=[sentence.case_id])
    sentence.refresh_from_db()
    assert sentence.released_on == date(2027, 3, 31)
    assert client_for(org.other_provider_officer).get(url).status_code == 404


def test_release_of_a_community_order_is_refused_on_the_page(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer, person__date_of_birth=date(1990, 5, 1))
    sentence = factories.SentenceFactory(case=case)

    response = client_for(org.officer).post(
        reverse("cases:sentence_release", args=[sentence.pk]), _date("released_on", TODAY)
    )

    assert response.status_code == 400
    assert "Only a custodial sentence has a release: this is a community order." in response.content.decode()


def test_panel_meeting_page(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer, person__date_of_birth=date(2010, 6, 1))
    order = sentence_record(
        by=org.officer, case=case, disposal=Disposal.REFERRAL_ORDER, sentence_date=date(2027, 3, 1), length_months=3
    )
    url = reverse("cases:panel_meeting_new", args=[order.pk])
    client = client_for(org.officer)
    assert client.get(url).status_code == 200

    bad = client.post(url, {"meeting_type": "progress", **_date("meeting_date", TODAY)})
    assert bad.status_code == 400
    assert "needs the contract signed at the initial panel meeting first" in bad.content.decode()

    response = client.post(
        url, {"meeting_type": "initial", **_date("meeting_date", date(2027, 3, 8)), "contract_signed": "on"}
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.start_date, order.end_date) == (date(2027, 3, 8), date(2027, 6, 8))
    assert ReferralPanelMeeting.objects.get(sentence=order).recorded_by == org.officer


def test_requirement_page(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer, person__date_of_birth=date(1990, 5, 1))
    sentence = sentence_record(
        by=org.officer,
        case=case,
        disposal=Disposal.COMMUNITY_ORDER,
        sentence_date=date(2027, 2, 1),
        length_months=12,
        requirements=[{"requirement_type": "rar", "maximum_days": 10}],
    )
    url = reverse("cases:requirement_new", args=[sentence.pk])
    client = client_for(org.manager)
    assert client.get(url).status_code == 200

    bad = client.post(url, {"requirement_type": "unpaid_work", "hours": "20"})
    assert bad.status_code == 400
    assert 'id="id_hours-error"' in bad.content.decode()

    response = client.post(
        url, {"requirement_type": "unpaid_work", "hours": "60", **_date("start_date", date(2027, 3, 1))}
    )

    assert response.status_code == 302
    added = sentence.requirements.get(requirement_type__code="unpaid_work")
    assert (added.hours, added.start_date) == (60, date(2027, 3, 1))


# Queries -----------------------------------------------------------------------------------------------------


def _past_sentences(case, count, officer):
    for index in range(count):
        sentence = factories.SentenceFactory(
            case=case,
            status=Sentence.Status.COMPLETED,
            sentence_date=date(2020, 1, 1 + index % 28),
            court_appearance=factories.CourtAppearanceFactory(case=case),
        )
        factories.RequirementFactory(sentence=sentence)
        factories.RequirementFactory(
            sentence=sentence, requirement_type=factories.requirement_type("unpaid_work"), maximum_days=None, hours=60
        )
        ReferralPanelMeeting.objects.create(
            sentence=sentence, meeting_type="initial", meeting_date=date(2020, 2, 1), recorded_by=officer
        )


def test_sentence_tab_runs_a_constant_number_of_queries(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer)
    client = client_for(org.officer)
    url = reverse("cases:case_sentence", args=[case.pk])
    counts = []
    for count in (1, 12):
        _past_sentences(case, count if not counts else count - 1, org.officer)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))

    assert counts[0] == counts[1], counts
    assert counts[1] == PINNED_TAB_QUERIES, "\n".join(q["sql"][:150] for q in captured.captured_queries)


# Session and user (2); the case (1); sentences with their courts, requirements with types, panel meetings with
# who recorded them (3); the signed-in user's team and provider in the page header (2); the alerts panel (1);
# the person's flags and RoSH level in the case header (2); the session's inactivity timestamp (3: savepoint,
# update, release).
PINNED_TAB_QUERIES = 14
