"""RoSH assessment pages: start, save a draft, change it, complete it, view it; and the refusals."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from risk import services
from risk.models import RiskReview, RoshAssessment
from tests import factories

pytestmark = pytest.mark.django_db

LEVELS = {"risk_to_public": "3", "risk_to_known_adults": "2", "risk_to_children": "1", "risk_to_staff": "1"}
NARRATIVE = {
    "who_is_at_risk": "Former partner",
    "nature_of_risk": "Violence when drinking",
    "circumstances_increasing_risk": "Relapse",
    "plan_supervision": "Weekly appointments",
    "plan_contingency": "Police referral",
}


def _date(field: str, day: date | tuple) -> dict:
    d, m, y = (day.day, day.month, day.year) if isinstance(day, date) else day
    return {f"{field}-day": str(d), f"{field}-month": str(m), f"{field}-year": str(y)}


def _history_rows() -> int:
    return sum(model.history.count() for model in (RoshAssessment, RiskReview))


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _error_summary(response) -> list[tuple[str, str]]:
    """(href, message) of each link in the GOV.UK error summary."""
    html = response.content.decode()
    if "govuk-error-summary" not in html:
        return []
    summary = html[html.index("govuk-error-summary") : html.index("</ul>", html.index("govuk-error-summary"))]
    return [(href, unescape(message)) for href, message in re.findall(r'<a href="([^"]*)">([^<]*)</a>', summary)]


@pytest.fixture
def person(org):
    return factories.CaseFactory(
        responsible_officer=org.officer, person__first_name="Dean", person__last_name="Walsh"
    ).person


@pytest.fixture
def child(org):
    return factories.CaseFactory(
        responsible_officer=org.officer, person__date_of_birth=timezone.localdate() - timedelta(days=15 * 365)
    ).person


def _new(person):
    return reverse("risk:assessment_new", args=[person.crn])


def _valid(on=None, action="save", **extra) -> dict:
    return {"kind": "full", **_date("assessment_date", on or timezone.localdate()), "action": action, **extra}


class TestStart:
    def test_form_renders_with_a_gov_uk_date_input_and_radios(self, org, client_for, person):
        response = client_for(org.officer).get(_new(person))

        assert response.status_code == 200
        html = response.content.decode()
        for part in ("day", "month", "year"):
            assert f'name="assessment_date-{part}"' in html
        assert 'class="govuk-date-input"' in html
        assert html.count('name="risk_to_public"') == 4
        assert 'name="kind" type="radio" value="screening"' in html
        assert "Save and complete" in html
        assert "safety_and_wellbeing_level" not in html  # adults only have risk of serious harm
        assert "autofocus" not in html
        assert "<title>New risk of serious harm assessment" in html

    def test_children_are_asked_about_safety_and_wellbeing(self, org, client_for, child):
        html = client_for(org.officer).get(_new(child)).content.decode()

        for name in ("safety_and_wellbeing_level", "safety_and_wellbeing_reasons", "safeguarding_plan"):
            assert f'name="{name}"' in html

    @pytest.mark.parametrize("who", ["other_provider_officer", "court_user"])
    def test_not_found_outside_scope(self, org, client_for, person, who):
        client = client_for(getattr(org, who))

        assert client.get(_new(person)).status_code == 404
        assert client.post(_new(person), _valid()).status_code == 404
        assert not RoshAssessment.objects.exists()

    def test_not_found_for_excluded_staff(self, org, client_for, person):
        factories.PersonAccessLimitFactory(person=person, user=org.officer, added_by=org.manager)

        assert client_for(org.officer).post(_new(person), _valid()).status_code == 404
        assert not RoshAssessment.objects.exists()

    def test_saving_keeps_a_draft_and_records_who(self, org, client_for, person):
        response = client_for(org.officer).post(_new(person), _valid(**LEVELS, who_is_at_risk="Former partner"))

        draft = RoshAssessment.objects.get(person=person)
        assert response.status_code == 302
        assert response["Location"] == reverse("risk:assessment", args=[draft.pk])
        assert draft.status == "draft"
        assert (draft.risk_to_public, draft.who_is_at_risk, draft.created_by) == (3, "Former partner", org.officer)
        assert draft.overall_level is None
        assert [(h.history_type, h.history_user) for h in draft.history.all()] == [("+", org.officer)]

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            (_date("assessment_date", (31, 2, 2025)), "assessment_date", "Assessment date must be a real date"),
            (_date("assessment_date", (1, 13, 2025)), "assessment_date", "Assessment date must be a real date"),
            (_date("assessment_date", ("x", 1, 2025)), "assessment_date", "Assessment date must be a real date"),
            (_date("assessment_date", ("", 1, 2025)), "assessment_date", "Assessment date must include a day"),
            (_date("assessment_date", ("", "", "")), "assessment_date", "Enter the assessment date"),
            (
                _date("assessment_date", timezone.localdate() + timedelta(days=1)),
                "assessment_date",
                "The assessment date must be today or in the past.",
            ),
        ],
    )
    def test_bad_dates_show_the_error_summary_and_change_nothing(self, org, client_for, person, data, field, message):
        before = _history_rows()

        response = client_for(org.officer).post(_new(person), {"kind": "full", **data, "action": "save"})

        assert response.status_code == 400  # bad input: the form again, with errors
        assert response.context["form"].errors[field] == [message]
        assert ("#id_assessment_date-day", message) in _error_summary(response)
        assert "<title>Error: " in response.content.decode()
        assert "govuk-form-group--error" in response.content.decode()
        assert not RoshAssessment.objects.exists()
        assert _history_rows() == before

    def test_the_entered_date_is_kept_when_there_is_an_error(self, org, client_for, person):
        response = client_for(org.officer).post(_new(person), {**_date("assessment_date", (31, 2, 2025))})

        html = response.content.decode()
        assert 'name="assessment_date-day" type="text" inputmode="numeric" value="31"' in html
        assert ("#id_kind", "Choose screening at court, full assessment or review") in _error_summary(response)

    def test_score_out_of_range(self, org, client_for, person):
        response = client_for(org.officer).post(_new(person), _valid(reoffending_score="150"))

        assert response.status_code == 400  # bad input: the form again, with errors
        assert ("#id_reoffending_score", "Score must be between 0 and 100") in _error_summary(response)
        assert not RoshAssessment.objects.exists()

    def test_save_and_complete_in_one_step(self, org, client_for, person):
        response = client_for(org.officer).post(_new(person), _valid(action="complete", **LEVELS, **NARRATIVE))

        assessment = RoshAssessment.objects.get(person=person)
        assert response.status_code == 302
        assert response["Location"] == reverse("risk:person_risk", args=[person.crn])
        assert (assessment.status, assessment.overall_level, assessment.completed_by) == ("completed", 3, org.officer)
        assert {h.history_user for h in assessment.history.all()} == {org.officer}

    def test_save_and_complete_with_gaps_lists_them_and_saves_nothing(self, org, client_for, person):
        before = _history_rows()

        response = client_for(org.officer).post(
            _new(person), _valid(action="complete", risk_to_public="2", who_is_at_risk="Shop staff")
        )

        assert response.status_code == 400  # bad input: the form again, with errors
        summary = _error_summary(response)
        assert ("#id_risk_to_children", "Choose the level of risk to children.") in summary
        assert ("#id_nature_of_risk", "Enter what is the nature of the risk.") in summary
        assert not any(href == "#id_risk_to_public" for href, _message in summary)
        assert not RoshAssessment.objects.exists()  # not even a draft
        assert _history_rows() == before
        # What was entered is still there to correct.
        assert 'value="2" checked' in response.content.decode()

    def test_a_second_draft_is_refused_with_a_message(self, org, client_for, person):
        draft = factories.RoshAssessmentFactory(person=person, draft=True)
        client = client_for(org.officer)

        get = client.get(_new(person))
        post = client.post(_new(person), _valid())

        assert get.status_code == 302 and get["Location"] == reverse("risk:assessment_edit", args=[draft.pk])
        assert post.status_code == 400  # bad input: the form again, with errors
        assert (
            "#main-content",
            "This person already has a draft assessment: finish or continue that one.",
        ) in _error_summary(post)
        assert RoshAssessment.objects.filter(person=person).count() == 1

    def test_a_review_starts_from_the_current_assessment(self, org, client_for, person):
        factories.RoshAssessmentFactory(person=person, risk_to_public=4, assessment_date=date(2025, 6, 2))

        response = client_for(org.officer).get(_new(person))

        html = response.content.decode()
        assert 'value="review" checked' in html
        assert 'name="risk_to_public" type="radio" value="4" checked' in html
        assert "Former partner</textarea>" in html
        assert "copied from the current assessment of 2 June 2025" in html
        assert 'name="assessment_date-day" type="text" inputmode="numeric" value=""' in html

    def test_a_child_assessment_needs_safety_and_wellbeing_to_complete(self, org, client_for, child):
        client = client_for(org.officer)

        refused = client.post(_new(child), _valid(action="complete", **LEVELS, **NARRATIVE))
        completed = client.post(
            _new(child),
            _valid(
                action="complete",
                **LEVELS,
                **NARRATIVE,
                safety_and_wellbeing_level="3",
                safety_and_wellbeing_reasons="Exploited by older peers",
            ),
        )

        assert ("#id_safety_and_wellbeing_level", "Choose the child's safety and wellbeing level.") in _error_summary(
            refused
        )
        assert completed.status_code == 302
        assert RoshAssessment.objects.get(person=child).safety_and_wellbeing_level == 3


class TestDraft:
    @pytest.fixture
    def draft(self, org, person):
        return factories.RoshAssessmentFactory(
            person=person, draft=True, assessment_date=timezone.localdate(), created_by=org.colleague
        )

    def _edit(self, assessment):
        return reverse("risk:assessment_edit", args=[assessment.pk])

    def test_edit_form_shows_the_draft(self, org, client_for, draft):
        html = client_for(org.officer).get(self._edit(draft)).content.decode()

        assert 'name="risk_to_public" type="radio" value="2" checked' in html
        assert f'name="assessment_date-day" type="text" inputmode="numeric" value="{draft.assessment_date.day}"' in html
        assert "Physical violence when drinking</textarea>" in html

    def test_saving_changes_the_draft_and_records_who(self, org, client_for, draft):
        data = _valid(**LEVELS, **NARRATIVE)

        response = client_for(org.officer).post(self._edit(draft), data)

        draft.refresh_from_db()
        assert response.status_code == 302
        assert (draft.status, draft.risk_to_public, draft.nature_of_risk) == ("draft", 3, "Violence when drinking")
        assert draft.history.first().history_user == org.officer

    def test_bad_input_changes_nothing(self, org, client_for, draft):
        before = _history_rows()

        response = client_for(org.officer).post(
            self._edit(draft), {**_valid(**LEVELS), **_date("assessment_date", (30, 2, 2025))}
        )

        assert response.status_code == 400  # bad input: the form again, with errors
        assert ("#id_assessment_date-day", "Assessment date must be a real date") in _error_summary(response)
        draft.refresh_from_db()
        assert draft.risk_to_public == 2
        assert _history_rows() == before

    def test_save_and_complete_that_fails_keeps_the_draft_as_it_was(self, org, client_for, draft):
        before = _history_rows()

        response = client_for(org.officer).post(
            self._edit(draft), _valid(action="complete", **LEVELS, who_is_at_risk="Changed", nature_of_risk="")
        )

        assert response.status_code == 400  # bad input: the form again, with errors
        assert ("#id_nature_of_risk", "Enter what is the nature of the risk.") in _error_summary(response)
        draft.refresh_from_db()
        assert (draft.status, draft.who_is_at_risk) == ("draft", "Former partner")
        assert _history_rows() == before

    def test_save_and_complete_from_the_edit_page(self, org, client_for, draft):
        response = client_for(org.officer).post(self._edit(draft), _valid(action="complete", **LEVELS, **NARRATIVE))

        draft.refresh_from_db()
        assert response.status_code == 302
        assert (draft.status, draft.overall_level, draft.completed_by) == ("completed", 3, org.officer)

    def test_view_page_offers_completion_with_a_warning(self, org, client_for, draft):
        response = client_for(org.officer).get(reverse("risk:assessment", args=[draft.pk]))

        text = _text(response)
        assert "Draft" in text
        assert "Once you complete this assessment it cannot be changed." in text
        assert f'action="{reverse("risk:assessment_complete", args=[draft.pk])}"' in response.content.decode()
        assert "Change the draft" in text

    def test_completing_supersedes_the_previous_assessment_and_closes_open_reviews(self, org, client_for, person):
        previous = factories.RoshAssessmentFactory(person=person, assessment_date=date(2025, 1, 6))
        reviews = factories.RiskReviewFactory.create_batch(2, person=person)
        other_persons_review = factories.RiskReviewFactory()
        draft = factories.RoshAssessmentFactory(
            person=person, draft=True, assessment_date=timezone.localdate(), risk_to_staff=4
        )

        response = client_for(org.officer).post(reverse("risk:assessment_complete", args=[draft.pk]))

        assert response.status_code == 302
        assert response["Location"] == reverse("risk:person_risk", args=[person.crn])
        draft.refresh_from_db()
        previous.refresh_from_db()
        assert (draft.status, draft.overall_level, draft.completed_by) == ("completed", 4, org.officer)
        assert previous.superseded_by == draft
        assert previous.history.first().history_user == org.officer
        for review in reviews:
            review.refresh_from_db()
            assert (review.status, review.closed_by_assessment) == ("closed", draft)
            assert review.history.first().history_user == org.officer
        other_persons_review.refresh_from_db()
        assert other_persons_review.status == "open"
        # The risk tab now shows the new level and no review due.
        tab = client_for(org.officer).get(reverse("risk:person_risk", args=[person.crn]))
        assert "Very high RoSH" in tab.content.decode()
        assert "risk-reviews-due" not in tab.content.decode()

    def test_completing_an_incomplete_draft_lists_what_is_missing_and_changes_nothing(self, org, client_for, person):
        draft = factories.RoshAssessmentFactory(
            person=person, draft=True, assessment_date=timezone.localdate(), risk_to_children=None, nature_of_risk=""
        )
        before = _history_rows()

        response = client_for(org.officer).post(reverse("risk:assessment_complete", args=[draft.pk]))

        edit = reverse("risk:assessment_edit", args=[draft.pk])
        assert response.status_code == 200
        summary = _error_summary(response)
        assert (f"{edit}#id_risk_to_children", "Choose the level of risk to children.") in summary
        assert (f"{edit}#id_nature_of_risk", "Enter what is the nature of the risk.") in summary
        assert "<title>Error: " in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == "draft"
        assert _history_rows() == before

    def test_complete_only_accepts_post(self, org, client_for, draft):
        assert client_for(org.officer).get(reverse("risk:assessment_complete", args=[draft.pk])).status_code == 405

    @pytest.mark.parametrize("name", ["assessment", "assessment_edit", "assessment_complete"])
    def test_not_found_outside_scope(self, org, client_for, draft, name):
        url = reverse(f"risk:{name}", args=[draft.pk])
        before = _history_rows()

        for user in (org.other_provider_officer, org.other_provider_manager):
            client = client_for(user)
            # The complete action answers only POST (405 before any lookup); the others are GETable.
            assert client.get(url).status_code == (405 if name == "assessment_complete" else 404)
            assert client.post(url, _valid(action="complete", **LEVELS, **NARRATIVE)).status_code == 404
        draft.refresh_from_db()
        assert draft.status == "draft"
        assert _history_rows() == before

    def test_not_found_for_excluded_staff(self, org, client_for, draft):
        factories.PersonAccessLimitFactory(person=draft.person, user=org.officer, added_by=org.manager)

        assert client_for(org.officer).get(reverse("risk:assessment", args=[draft.pk])).status_code == 404
        assert client_for(org.officer).post(reverse("risk:assessment_complete", args=[draft.pk])).status_code == 404
        assert client_for(org.colleague).get(reverse("risk:assessment", args=[draft.pk])).status_code == 200


class TestCompletedAssessmentsNeverChange:
    @pytest.fixture
    def completed(self, person):
        return factories.RoshAssessmentFactory(person=person, assessment_date=date(2025, 6, 2))

    def _snapshot(self, assessment):
        assessment.refresh_from_db()
        return {field.attname: getattr(assessment, field.attname) for field in RoshAssessment._meta.concrete_fields}

    def test_the_edit_page_is_refused(self, org, client_for, completed):
        response = client_for(org.officer).get(reverse("risk:assessment_edit", args=[completed.pk]))

        assert response.status_code == 400
        assert "This assessment was completed and cannot be changed." in _text(response)
        assert "Start a new assessment" in _text(response)
        assert "<form" not in response.content.decode().split('id="main-content"')[1]

    def test_posting_changes_is_refused_and_changes_nothing(self, org, client_for, completed):
        before, rows = self._snapshot(completed), _history_rows()

        response = client_for(org.officer).post(
            reverse("risk:assessment_edit", args=[completed.pk]),
            _valid(action="complete", **LEVELS, **{**NARRATIVE, "nature_of_risk": "Rewritten"}),
        )

        assert response.status_code == 400
        assert "This assessment was completed and cannot be changed." in _text(response)
        assert self._snapshot(completed) == before
        assert _history_rows() == rows

    def test_completing_again_is_refused_and_changes_nothing(self, org, client_for, completed):
        before, rows = self._snapshot(completed), _history_rows()

        response = client_for(org.colleague).post(reverse("risk:assessment_complete", args=[completed.pk]))

        assert response.status_code == 400
        assert self._snapshot(completed) == before
        assert _history_rows() == rows

    def test_view_page_shows_it_without_change_links(self, org, client_for, completed):
        response = client_for(org.officer).get(reverse("risk:assessment", args=[completed.pk]))

        assert response.status_code == 200
        text = _text(response)
        assert "Completed" in text and "Current" in text
        assert "Overall risk of serious harm Medium" in text
        assert reverse("risk:assessment_edit", args=[completed.pk]) not in response.content.decode()
        assert "Complete assessment" not in text

    def test_a_superseded_assessment_links_to_its_successor(self, org, client_for, person, completed):
        newer = factories.RoshAssessmentFactory(
            person=person, draft=True, assessment_date=date(2025, 9, 1), kind="review"
        )
        services.assessment_complete(by=org.officer, assessment=newer)

        response = client_for(org.officer).get(reverse("risk:assessment", args=[completed.pk]))

        assert "Superseded" in _text(response)
        assert "This assessment was replaced by the review of 1 September 2025" in _text(response)
