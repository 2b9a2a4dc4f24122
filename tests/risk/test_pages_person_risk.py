"""The person's risk tab, and the flags (registrations, MAPPA, RoSH) shown on every page of the person."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessRecord, PersonAccessLimit
from risk.models import RiskReview
from tests import factories

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """Visible text, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _section(response, testid: str) -> str:
    """The visible text of the element marked data-testid=`testid` (nested elements included)."""
    html = response.content.decode()
    start = html.rindex("<", 0, html.index(f'data-testid="{testid}"'))
    tag = re.match(r"<(\w+)", html[start:]).group(1)
    depth, position = 0, start
    for match in re.finditer(rf"<(/?){tag}\b", html[start:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            position = html.index(">", start + match.end()) + 1
            break
    return " ".join(re.sub(r"<[^>]+>", " ", html[start:position]).split())


@pytest.fixture
def case(org):
    return factories.CaseFactory(
        responsible_officer=org.officer,
        person__first_name="Dean",
        person__last_name="Walsh",
        person__date_of_birth=date(1980, 5, 17),
    )


def _url(person):
    return reverse("risk:person_risk", args=[person.crn])


class TestScope:
    def test_renders_for_the_officer_their_team_and_their_manager(self, org, client_for, case):
        for user in (org.officer, org.colleague, org.manager):
            response = client_for(user).get(_url(case.person))
            assert response.status_code == 200
            assert response.context["tab"] == "risk"

    @pytest.mark.parametrize("who", ["other_provider_officer", "other_provider_manager", "court_user", "upw"])
    def test_not_found_outside_scope(self, org, client_for, case, who):
        assert client_for(getattr(org, who)).get(_url(case.person)).status_code == 404

    def test_not_found_for_excluded_staff(self, org, client_for, case):
        factories.PersonAccessLimitFactory(person=case.person, user=org.colleague, added_by=org.manager)

        assert client_for(org.colleague).get(_url(case.person)).status_code == 404
        assert client_for(org.officer).get(_url(case.person)).status_code == 200

    def test_not_found_for_staff_left_off_a_restriction_list(self, org, client_for, case):
        factories.PersonAccessLimitFactory(
            person=case.person, user=org.officer, kind=PersonAccessLimit.Kind.RESTRICTION, added_by=org.manager
        )

        assert client_for(org.colleague).get(_url(case.person)).status_code == 404

    def test_viewing_a_person_with_access_limits_is_recorded(self, org, client_for, case):
        factories.PersonAccessLimitFactory(person=case.person, user=org.colleague, added_by=org.manager)

        client_for(org.officer).get(_url(case.person))

        record = AccessRecord.objects.get(person=case.person)
        assert (record.user, record.path) == (org.officer, _url(case.person))

    def test_unknown_crn_is_not_found(self, org, client_for):
        assert client_for(org.officer).get(reverse("risk:person_risk", args=["Z999999"])).status_code == 404


class TestContent:
    def test_a_person_never_assessed_gets_a_loud_warning(self, org, client_for, case):
        response = client_for(org.officer).get(_url(case.person))

        text = _text(response)
        assert "There is no completed risk of serious harm assessment for Dean Walsh." in text
        assert "RoSH not assessed" in _section(response, "person-flags")
        assert "Start a new assessment" in text
        assert "Not managed under MAPPA." in text
        assert "There are no current registrations." in text

    def test_current_assessment_levels_narrative_plan_and_reoffending(self, org, client_for, case):
        factories.RoshAssessmentFactory(
            person=case.person,
            assessment_date=timezone.localdate() - timedelta(days=30),
            risk_to_public=3,
            risk_to_known_adults=2,
            risk_to_children=1,
            risk_to_staff=1,
            plan_victim_safety="",
            reoffending_tool="ogrs",
            reoffending_score="42.50",
            reoffending_band="medium",
            created_by=org.colleague,
        )

        response = client_for(org.officer).get(_url(case.person))

        html = response.content.decode()
        current = _section(response, "current-rosh")
        assert "Overall risk of serious harm High" in current
        assert "Full assessment after allocation" in current
        assert "Completed by Colin Cartwright" in current
        assert '<strong class="govuk-tag govuk-tag--orange">High</strong>' in html
        assert _section(response, "rosh-levels").endswith("Public High Known adults Medium Children Low Staff Low")
        assert "Who is at risk Former partner" in _section(response, "rosh-narrative")
        plan = _section(response, "risk-management-plan")
        assert "Supervision Weekly appointments; home visits monthly" in plan
        assert "Victim safety planning Not recorded" in plan
        reoffending = _section(response, "reoffending")
        assert "Tool OGRS (Offender Group Reconviction Scale)" in reoffending
        assert "Score 42.5%" in reoffending
        assert "Band Medium" in reoffending
        assert "assessment-warning" not in html

    def test_reoffending_not_recorded(self, org, client_for, case):
        factories.RoshAssessmentFactory(person=case.person, assessment_date=timezone.localdate())

        reoffending = _section(client_for(org.officer).get(_url(case.person)), "reoffending")

        assert reoffending.count("Not recorded") == 3

    def test_an_old_assessment_is_flagged_for_review(self, org, client_for, case, settings):
        settings.RISK_ASSESSMENT_REVIEW_MONTHS = 6
        factories.RoshAssessmentFactory(person=case.person, assessment_date=timezone.localdate() - timedelta(days=200))

        response = client_for(org.officer).get(_url(case.person))

        warning = _section(response, "assessment-warning")
        assert "Assessments must be reviewed at least every 6 months: a review is overdue." in warning

    def test_tag_colour_for_every_level(self, org, client_for):
        expected = {1: ("green", "Low"), 2: ("yellow", "Medium"), 3: ("orange", "High"), 4: ("red", "Very high")}
        client = client_for(org.officer)
        for level, (colour, label) in expected.items():
            person = factories.CaseFactory(responsible_officer=org.officer).person
            factories.RoshAssessmentFactory(person=person, risk_to_staff=level, risk_to_public=1)
            html = client.get(_url(person)).content.decode()
            assert (
                f'<strong class="govuk-tag govuk-tag--{colour}" data-testid="rosh-flag">{label} RoSH</strong>' in html
            )

    def test_timeline_lists_every_completed_assessment_newest_first(self, org, client_for, case):
        newest = factories.RoshAssessmentFactory(
            person=case.person, assessment_date=date(2025, 1, 10), risk_to_public=1, created_by=org.officer
        )
        middle = factories.RoshAssessmentFactory(
            person=case.person,
            assessment_date=date(2024, 7, 10),
            risk_to_public=3,
            created_by=org.officer,
            superseded_by=newest,
        )
        oldest = factories.RoshAssessmentFactory(
            person=case.person,
            assessment_date=date(2024, 1, 10),
            risk_to_public=4,
            created_by=org.colleague,
            superseded_by=middle,
        )
        factories.RoshAssessmentFactory(person=case.person, draft=True, assessment_date=date(2025, 2, 1))

        response = client_for(org.officer).get(_url(case.person))

        timeline = _section(response, "rosh-timeline")
        assert re.findall(r"\d+ \w{3} \d{4}", timeline) == ["10 Jan 2025", "10 Jul 2024", "10 Jan 2024"]
        assert "10 Jan 2025 Current Full assessment after allocation Low Olivia Okafor" in timeline
        assert "10 Jul 2024 Full assessment after allocation High Olivia Okafor" in timeline
        assert "10 Jan 2024 Full assessment after allocation Very high Colin Cartwright" in timeline
        html = response.content.decode()
        for assessment in (oldest, middle, newest):
            assert reverse("risk:assessment", args=[assessment.pk]) in html
        assert "Continue the draft assessment" in html
        assert "Start a new assessment" not in html

    def test_mappa_with_overdue_review(self, org, client_for, case):
        mappa = factories.MappaRegistrationFactory(
            person=case.person, category=2, level=3, lead_agency="police", start_date=date(2024, 1, 1)
        )
        mappa.next_review_date = timezone.localdate() - timedelta(days=1)
        mappa.save()

        response = client_for(org.officer).get(_url(case.person))

        section = _section(response, "mappa")
        assert "Category 2: violent offender" in section
        assert "Level 3: senior multi-agency management" in section
        assert "Lead agency Police" in section
        assert "Overdue" in section
        assert "MAPPA category 2, level 3" in _section(response, "person-flags")
        html = response.content.decode()
        assert reverse("risk:mappa_review", args=[mappa.pk]) in html
        assert reverse("risk:mappa_end", args=[mappa.pk]) in html

    def test_registrations_with_review_and_remove_links_and_past_ones(self, org, client_for, case):
        weapons = factories.RegistrationFactory(
            person=case.person, added_by=org.colleague, next_review_date=timezone.localdate() - timedelta(days=3)
        )
        marac = factories.RegistrationFactory(
            person=case.person, registration_type=factories.registration_type("marac"), reason="Discussed at MARAC"
        )
        factories.RegistrationFactory(
            person=case.person, registration_type=factories.registration_type("hate_crime"), deregistered=True
        )

        response = client_for(org.officer).get(_url(case.person))

        table = _section(response, "registrations")
        assert "Weapons" in table and "MARAC" in table
        assert "Hate crime" not in table
        assert table.count("Overdue") == 1
        assert "Convicted of possessing a knife in 2024." in table
        assert "Colin Cartwright" in table
        html = response.content.decode()
        for registration in (weapons, marac):
            assert reverse("risk:registration_review", args=[registration.pk]) in html
            assert reverse("risk:registration_deregister", args=[registration.pk]) in html
        past = _section(response, "past-registrations")
        assert "Removed registrations (1)" in past
        assert "Hate crime" in past and "No longer relevant after review." in past

    def test_open_risk_review_shows_what_changed(self, org, client_for, case):
        factories.RiskReviewFactory(person=case.person, change=RiskReview.Change.LOSS_OF_ACCOMMODATION)

        section = _section(client_for(org.officer).get(_url(case.person)), "risk-reviews-due")

        assert "Risk review due" in section
        assert "Loss of accommodation on 11 August 2025: Moved in with a new partner" in section

    def test_children_get_safety_and_wellbeing_and_parents_and_carers(self, org, client_for):
        child = factories.CaseFactory(
            responsible_officer=org.officer, person__date_of_birth=timezone.localdate() - timedelta(days=15 * 365)
        ).person
        factories.RoshAssessmentFactory(
            person=child,
            assessment_date=timezone.localdate(),
            safety_and_wellbeing_level=3,
            safety_and_wellbeing_reasons="Exploited by older peers",
            safeguarding_plan="Weekly multi-agency meeting",
        )
        factories.ParentOrCarerFactory(person=child, involvement="not_engaging")

        response = client_for(org.officer).get(_url(child))

        wellbeing = _section(response, "safety-and-wellbeing")
        assert "Safety and wellbeing level High" in wellbeing
        assert "Exploited by older peers" in wellbeing and "Weekly multi-agency meeting" in wellbeing
        parents = _section(response, "parents-and-carers")
        assert "Donna Hughes Mother Yes Not engaging despite efforts" in parents
        assert reverse("risk:parent_new", args=[child.crn]) in response.content.decode()

    def test_adults_have_no_children_sections(self, org, client_for, case):
        html = client_for(org.officer).get(_url(case.person)).content.decode()

        assert "Safety and wellbeing" not in html
        assert reverse("risk:parent_new", args=[case.person.crn]) not in html

    def test_risk_tab_is_constant_in_the_amount_of_risk_history(self, org, client_for, case):
        client = client_for(org.officer)

        def count():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(_url(case.person)).status_code == 200
            return len(captured)

        factories.RoshAssessmentFactory(person=case.person, assessment_date=date(2020, 1, 1))
        small = count()
        for code in ("weapons", "marac", "hate_crime", "risk_to_staff"):
            factories.RegistrationFactory(person=case.person, registration_type=factories.registration_type(code))
        factories.RegistrationFactory(person=case.person, deregistered=True)
        factories.RiskReviewFactory.create_batch(3, person=case.person)
        factories.MappaRegistrationFactory(person=case.person)
        assert count() == small


class TestFlagsOnEveryPage:
    @pytest.fixture
    def flagged(self, org, case):
        factories.RoshAssessmentFactory(person=case.person, risk_to_public=4)
        factories.RegistrationFactory(person=case.person)  # weapons: red
        factories.RegistrationFactory(
            person=case.person, registration_type=factories.registration_type("domestic_abuse_victim")
        )  # purple
        factories.RegistrationFactory(
            person=case.person, registration_type=factories.registration_type("hate_crime"), deregistered=True
        )
        factories.MappaRegistrationFactory(person=case.person, category=1, level=2)
        return case

    def _pages(self, case):
        crn = case.person.crn
        return [
            reverse("cases:person", args=[crn]),
            reverse("cases:person_history", args=[crn]),
            reverse("cases:person_contact_details", args=[crn]),
            reverse("cases:case", args=[case.pk]),
            reverse("cases:case_history", args=[case.pk]),
            reverse("risk:person_risk", args=[crn]),
        ]

    def test_open_flags_mappa_and_rosh_show_as_tags(self, org, client_for, flagged):
        client = client_for(org.officer)
        for url in self._pages(flagged):
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            flags = html[html.index('data-testid="person-flags"') : html.index("</ul>", html.index("person-flags"))]
            assert '<strong class="govuk-tag govuk-tag--red" data-testid="rosh-flag">Very high RoSH</strong>' in flags
            assert '<strong class="govuk-tag govuk-tag--red" data-testid="registration-flag">Weapons</strong>' in flags
            assert (
                '<strong class="govuk-tag govuk-tag--purple" data-testid="registration-flag">'
                "Domestic abuse victim</strong>" in flags
            )
            assert '<strong class="govuk-tag govuk-tag--purple" data-testid="mappa-flag">' in flags
            assert "MAPPA category 1, level 2" in flags
            assert "Hate crime" not in flags, url

    def test_person_tabs_include_risk(self, org, client_for, flagged):
        html = client_for(org.officer).get(reverse("cases:person", args=[flagged.person.crn])).content.decode()

        nav = html[html.index('aria-label="Person navigation"') :]
        assert re.findall(r'class="moj-sub-navigation__link"[^>]*>([^<]+)<', nav) == [
            "Summary",
            "Risk",
            "Contacts",
            "History",
        ]

    def test_flags_cost_a_constant_number_of_queries(self, org, client_for, case):
        client = client_for(org.officer)
        url = reverse("cases:person", args=[case.person.crn])

        def count():
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            return len(captured)

        factories.RegistrationFactory(person=case.person)
        one_flag = count()
        for code in ("marac", "hate_crime", "risk_to_staff", "terrorism", "sex_offender"):
            factories.RegistrationFactory(person=case.person, registration_type=factories.registration_type(code))
        factories.MappaRegistrationFactory(person=case.person)
        factories.RoshAssessmentFactory(person=case.person)
        assert count() == one_flag
