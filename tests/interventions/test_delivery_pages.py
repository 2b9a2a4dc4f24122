"""The case's Delivery tab and the page recording a requirement's outcome: what they show, scoping (404 outside
it), bad input (400, nothing changed) and a constant number of queries."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Requirement, Sentence
from interventions.models import ProgrammeReferral, UnpaidWorkTransfer
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def _html(response) -> str:
    return response.content.decode()


def _card(html: str, requirement) -> str:
    marker = '<div class="govuk-summary-card" data-testid="requirement-'
    start = html.index(f'{marker}{requirement.pk}"')
    end = html.find(marker, start + len(marker))
    return html[start : end if end != -1 else len(html)]


@pytest.fixture
def sentence(org):
    case = factories.CaseFactory(
        responsible_officer=org.officer, person__first_name="Dana", person__last_name="Scully", person__crn="D200001"
    )
    return factories.SentenceFactory(case=case, sentence_date=date(2026, 9, 1))


def _tab(case) -> str:
    return reverse("interventions:case_delivery", args=[case.pk])


def _rar(sentence, **kwargs):
    return factories.RequirementFactory(sentence=sentence, **kwargs)


def _upw(sentence, hours=80, minutes=0):
    return factories.RequirementFactory(
        sentence=sentence,
        requirement_type=factories.requirement_type("unpaid_work"),
        hours=hours,
        unpaid_work_minutes_credited=minutes,
    )


def _programme(sentence):
    return factories.RequirementFactory(
        sentence=sentence,
        requirement_type=factories.requirement_type("accredited_programme"),
        programme_name="Thinking Skills Programme",
        sessions=19,
    )


def _unsuitable(requirement, referred_on=date(2026, 10, 1)):
    return factories.ProgrammeReferralFactory(
        requirement=requirement,
        status=ProgrammeReferral.Status.UNSUITABLE,
        referred_on=referred_on,
        suitability_decided_on=referred_on,
        suitability_notes="Learning needs the group cannot meet.",
        ended_on=referred_on,
    )


# The tab -----------------------------------------------------------------------------------------------------


class TestDeliveryTab:
    def test_shows_each_requirement_with_its_progress(self, org, client_for, sentence):
        rar = _rar(sentence, maximum_days=20, rar_days_delivered=12, last_rar_activity_on=date(2026, 11, 20))
        upw = _upw(sentence, hours=80, minutes=32 * 60 + 30)
        programme = _programme(sentence)
        factories.ProgrammeReferralFactory(requirement=programme, referred_on=date(2026, 11, 3))
        curfew = factories.RequirementFactory(
            sentence=sentence, requirement_type=factories.requirement_type("curfew"), details="19:00 to 07:00"
        )

        response = client_for(org.officer).get(_tab(sentence.case))

        assert response.status_code == 200
        html = _html(response)
        assert "Requirements of the community order (1 September 2026)" in html
        rar_card = _card(html, rar)
        assert "12 of 20 days delivered" in rar_card
        assert "Days remaining" in rar_card and ">8<" in rar_card
        assert "20 November 2026" in rar_card
        assert "No RAR activity" not in rar_card
        upw_card = _card(html, upw)
        assert "32 hours 30 minutes of 80 hours done" in upw_card
        assert "47 hours 30 minutes" in upw_card
        assert "NPS North West" in upw_card  # delivered by the case's own provider until passed to the CRC
        programme_card = _card(html, programme)
        assert "Thinking Skills Programme: referred: waiting for a suitability decision" in programme_card
        curfew_card = _card(html, curfew)
        assert "19:00 to 07:00" in curfew_card
        assert 'data-testid="requirement-page"' not in curfew_card  # other types: details only
        for requirement in (rar, upw, programme, curfew):
            assert reverse("interventions:requirement_end", args=[requirement.pk]) in _card(html, requirement)
        # The case header's tab is current.
        assert re.search(r'aria-current="page" href="' + re.escape(_tab(sentence.case)) + r'">Delivery</a>', html), (
            "the Delivery tab is marked current"
        )

    def test_links_each_kind_to_its_own_page(self, org, client_for, sentence):
        requirements = {
            "interventions:rar_requirement": _rar(sentence),
            "interventions:unpaid_work_requirement": _upw(sentence),
            "interventions:programme_requirement": _programme(sentence),
        }

        html = _html(client_for(org.officer).get(_tab(sentence.case)))

        for name, requirement in requirements.items():
            assert f'href="{reverse(name, args=[requirement.pk])}"' in _card(html, requirement)

    def test_warnings_for_an_idle_rar_and_a_programme_without_an_alternative_plan(self, org, client_for, sentence):
        idle = _rar(sentence, rar_days_delivered=3, last_rar_activity_on=date(2026, 10, 28))  # 28 days ago
        never = _rar(sentence, start_date=date(2026, 10, 20))  # started 36 days ago, nothing since
        recent = _rar(sentence, rar_days_delivered=3, last_rar_activity_on=date(2026, 10, 29))  # 27 days ago
        done = _rar(sentence, maximum_days=5, rar_days_delivered=5, last_rar_activity_on=date(2026, 9, 20))
        programme = _programme(sentence)
        _unsuitable(programme)

        html = _html(client_for(org.officer).get(_tab(sentence.case)))

        assert "No RAR activity for 4 weeks" in _card(html, idle)
        assert "No RAR activity for 4 weeks" in _card(html, never)
        assert "No RAR activity" not in _card(html, recent)
        assert "No RAR activity" not in _card(html, done)  # every day delivered: nothing is owed
        assert "Programme requirement outstanding: no alternative plan" in _card(html, programme)
        assert html.count('data-testid="requirement-warning"') == 3

    def test_the_inactivity_period_is_a_setting(self, org, client_for, sentence, settings):
        settings.RAR_INACTIVITY_DAYS = 10
        rar = _rar(sentence, rar_days_delivered=3, last_rar_activity_on=date(2026, 11, 15))

        assert "No RAR activity for 10 days" in _card(_html(client_for(org.officer).get(_tab(sentence.case))), rar)

    def test_alternative_plan_clears_the_warning(self, org, client_for, sentence):
        programme = _programme(sentence)
        referral = _unsuitable(programme)
        referral.alternative_plan = "One-to-one work with the officer."
        referral.alternative_plan_recorded_on = date(2026, 10, 5)
        referral.save()

        html = _html(client_for(org.officer).get(_tab(sentence.case)))

        assert "no alternative plan" not in _card(html, programme)

    def test_unpaid_work_passed_to_the_crc(self, org, client_for, sentence):
        upw = _upw(sentence)
        UnpaidWorkTransfer.objects.create(
            requirement=upw,
            from_provider=org.nps,
            to_provider=org.crc,
            transferred_on=date(2026, 9, 3),
            transferred_by=org.manager,
        )

        html = _html(client_for(org.officer).get(_tab(sentence.case)))

        assert "Passed to Stockport CRC on 3 September 2026" in _card(html, upw)

    def test_ended_requirements_show_their_outcome_and_no_button(self, org, client_for, sentence):
        completed = _rar(sentence)
        terminated = _upw(sentence, minutes=600)
        Requirement.objects.filter(pk=completed.pk).update(
            status="completed", ended_on=date(2026, 11, 20), completed_positively=True
        )
        Requirement.objects.filter(pk=terminated.pk).update(
            status="terminated", ended_on=date(2026, 11, 21), completed_positively=False, termination_reason="revoked"
        )

        html = _html(client_for(org.officer).get(_tab(sentence.case)))

        assert "Completed positively on 20 November 2026" in _card(html, completed)
        assert "Ended without being completed on 21 November 2026: Order revoked by the court" in _card(
            html, terminated
        )
        assert reverse("interventions:requirement_end", args=[completed.pk]) not in html
        assert reverse("interventions:requirement_end", args=[terminated.pk]) not in html

    def test_requirements_of_earlier_orders(self, org, client_for, sentence):
        earlier = factories.SentenceFactory(
            case=sentence.case, sentence_date=date(2025, 1, 10), status=Sentence.Status.COMPLETED
        )
        old = _upw(earlier, hours=40, minutes=40 * 60)
        Requirement.objects.filter(pk=old.pk).update(
            status="completed", ended_on=date(2025, 10, 1), completed_positively=True
        )

        html = _html(client_for(org.officer).get(_tab(sentence.case)))

        assert "Requirements of earlier orders" in html
        assert "40 hours of 40 hours done" in _card(html, old)

    def test_no_sentence_and_no_referrals(self, org, client_for):
        case = factories.CaseFactory(responsible_officer=org.officer)

        html = _html(client_for(org.officer).get(_tab(case)))

        assert 'data-testid="no-sentence"' in html
        assert "No referrals to services have been made on this case." in html

    def test_referrals_to_services(self, org, client_for, sentence):
        housing = factories.ServiceReferralFactory(
            case=sentence.case,
            service_provider=factories.ServiceProviderFactory(name="Shelter Manchester"),
            referred_on=date(2026, 11, 2),
            referred_by=org.officer,
        )
        factories.ServiceReferralFactory(
            case=sentence.case,
            service_provider=factories.ServiceProviderFactory(name="Change Grow Live"),
            need_area="drug_misuse",
            status="accepted",
            referred_on=date(2026, 11, 10),
            accepted_on=date(2026, 11, 12),
        )
        factories.ServiceReferralFactory(service_provider=factories.ServiceProviderFactory(name="Not this case"))

        response = client_for(org.officer).get(_tab(sentence.case))

        html = _html(response)
        assert [row.service_provider.name for row in response.context["delivery"].referrals] == [
            "Change Grow Live",
            "Shelter Manchester",
        ]
        table = html[html.index('data-testid="referrals"') :]
        assert "Drug misuse" in table and "Accepted 12 November 2026" in table
        assert "Shelter Manchester" in table and "Accommodation" in table and "by Olivia Okafor" in table
        assert "Not this case" not in html
        assert f'href="{reverse("interventions:service_referral", args=[housing.pk])}"' in table
        new_url = reverse("interventions:case_referral_new", args=[sentence.case.pk])
        assert f'href="{new_url}"' in html and "Make a referral" in html


class TestScope:
    @pytest.mark.parametrize(
        "who", ["other_provider_officer", "other_provider_manager", "other_team_officer", "court_user", "upw"]
    )
    def test_out_of_scope_is_not_found(self, org, client_for, sentence, who):
        requirement = _rar(sentence)
        client = client_for(getattr(org, who))

        assert client.get(_tab(sentence.case)).status_code == 404
        assert client.get(reverse("interventions:requirement_end", args=[requirement.pk])).status_code == 404
        response = client.post(
            reverse("interventions:requirement_end", args=[requirement.pk]),
            {"completed_positively": "yes", "ended_on-day": "25", "ended_on-month": "11", "ended_on-year": "2026"},
        )
        assert response.status_code == 404
        requirement.refresh_from_db()
        assert requirement.status == Requirement.Status.ACTIVE

    def test_manager_and_colleague_see_the_tab(self, org, client_for, sentence):
        for who in (org.manager, org.colleague):
            assert client_for(who).get(_tab(sentence.case)).status_code == 200

    def test_restricted_person_writes_an_access_record(self, org, client_for, sentence):
        factories.PersonAccessLimitFactory(person=sentence.case.person, kind="restriction", user=org.officer)

        client_for(org.officer).get(_tab(sentence.case))

        assert sentence.case.person.access_records.filter(user=org.officer).count() == 1


# Recording the outcome ---------------------------------------------------------------------------------------


def _end_url(requirement) -> str:
    return reverse("interventions:requirement_end", args=[requirement.pk])


def _post(positive: str, day: date = TODAY, **extra) -> dict:
    data = {"ended_on-day": str(day.day), "ended_on-month": str(day.month), "ended_on-year": str(day.year)}
    if positive:
        data["completed_positively"] = positive
    data.update(extra)
    return data


class TestRecordOutcome:
    def test_form_explains_the_rar_rule(self, org, client_for, sentence):
        requirement = _rar(sentence, rar_days_delivered=12)

        response = client_for(org.officer).get(_end_url(requirement))

        assert response.status_code == 200
        html = _html(response)
        assert "Record the outcome of the requirement" in html
        assert "12 of 20 days delivered" in html
        assert "the court&#x27;s number of days is a ceiling, not a target" in html
        assert 'data-aria-controls="conditional-termination-reason"' in html

    def test_completed_positively(self, org, client_for, sentence):
        requirement = _rar(sentence, rar_days_delivered=12)

        response = client_for(org.officer).post(_end_url(requirement), _post("yes", termination_reason="revoked"))

        assert response.status_code == 302
        assert response.url == _tab(sentence.case)
        requirement.refresh_from_db()
        assert (requirement.status, requirement.completed_positively, requirement.ended_on) == (
            "completed",
            True,
            TODAY,
        )
        assert requirement.termination_reason == ""  # a reason left under "No" is dropped

    def test_terminated_with_a_reason(self, org, client_for, sentence):
        requirement = _upw(sentence, minutes=600)

        response = client_for(org.manager).post(
            _end_url(requirement),
            _post("no", date(2026, 11, 20), termination_reason="other", outcome_notes="Moved abroad"),
        )

        assert response.status_code == 302
        requirement.refresh_from_db()
        assert requirement.status == "terminated"
        assert requirement.termination_reason == "other"
        assert requirement.outcome_notes == "Moved abroad"

    @pytest.mark.parametrize(
        ("data", "messages"),
        [
            (
                {},
                [
                    "Say whether the requirement was completed positively: yes or no",
                    "Enter the date the requirement ended",
                ],
            ),
            (_post("no"), ["Choose why the requirement ended without being completed positively"]),
            (
                {"completed_positively": "no"},
                [
                    "Choose why the requirement ended without being completed positively",
                    "Enter the date the requirement ended",
                ],
            ),
            (
                _post("no", termination_reason="other"),
                ["Describe why the requirement ended when the reason is \u201cOther\u201d."],
            ),
            (_post("maybe"), ["Say whether the requirement was completed positively: yes or no"]),
            (_post("yes", date(2026, 11, 26)), ["The date the requirement ended cannot be in the future."]),
            (
                {"completed_positively": "yes", "ended_on-day": "31", "ended_on-month": "2", "ended_on-year": "2026"},
                ["Date the requirement ended must be a real date"],
            ),
        ],
    )
    def test_bad_input_is_400_and_changes_nothing(self, org, client_for, sentence, data, messages):
        requirement = _rar(sentence)

        response = client_for(org.officer).post(_end_url(requirement), data)

        assert response.status_code == 400
        html = _html(response)
        assert "There is a problem" in html
        for message in messages:
            assert message in html
        requirement.refresh_from_db()
        assert requirement.status == Requirement.Status.ACTIVE
        assert requirement.history.count() == 1

    def test_unpaid_work_with_hours_to_do_is_refused_on_the_form(self, org, client_for, sentence):
        requirement = _upw(sentence, hours=40, minutes=28 * 60)

        response = client_for(org.officer).post(_end_url(requirement), _post("yes"))

        assert response.status_code == 400
        assert "12 of 40 hours are still to do" in _html(response)
        requirement.refresh_from_db()
        assert requirement.status == Requirement.Status.ACTIVE

    def test_an_ended_requirement_is_refused(self, org, client_for, sentence):
        requirement = _rar(sentence)
        Requirement.objects.filter(pk=requirement.pk).update(
            status="completed", ended_on=date(2026, 11, 20), completed_positively=True
        )

        response = client_for(org.officer).get(_end_url(requirement))

        assert response.status_code == 400
        assert "This requirement has already ended" in _html(response)
        assert "Completed positively on 20 November 2026" in _html(response)


# Query counts ------------------------------------------------------------------------------------------------

# 5 session and user + 2 header team and provider + 1 alerts panel (see tests/cases/test_query_counts.py)
# + case (scoped, with its access-limit flag) + person flags (open registrations; current RoSH; MAPPA)
# + requirements with their progress (one query: type, sentence, transfer, programme annotations) + referrals.
DELIVERY_TAB_QUERIES = 13


def _case_with(org, count: int) -> str:
    case = factories.CaseFactory(responsible_officer=org.officer)
    sentence = factories.SentenceFactory(case=case, sentence_date=date(2026, 9, 1))
    for index in range(count):
        kind = index % 4
        if kind == 0:
            _rar(sentence, rar_days_delivered=index % 20, last_rar_activity_on=date(2026, 10, 1))
        elif kind == 1:
            upw = _upw(sentence, minutes=index * 60)
            UnpaidWorkTransfer.objects.create(
                requirement=upw,
                from_provider=org.nps,
                to_provider=org.crc,
                transferred_on=date(2026, 9, 3),
                transferred_by=org.manager,
            )
        elif kind == 2:
            _unsuitable(_programme(sentence))
        else:
            factories.RequirementFactory(sentence=sentence, requirement_type=factories.requirement_type("curfew"))
        factories.ServiceReferralFactory(case=case, referred_by=org.officer)
    return _tab(case)


def test_delivery_tab_query_count_is_constant(org, client_for):
    client = client_for(org.officer)

    counts = []
    for count in (2, 12):
        url = _case_with(org, count)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["delivery"].requirements) == count
        assert len(response.context["delivery"].referrals) == count
        counts.append(len(captured))

    assert counts == [DELIVERY_TAB_QUERIES, DELIVERY_TAB_QUERIES]
