"""Registration (flag) pages: add, review, remove; change of circumstances; parents and carers.

Bad input shows the GOV.UK error summary (status 200) and changes nothing; good input records history with
the acting user; records of people outside the user's scope are "not found".
"""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from risk.models import MappaRegistration, ParentOrCarer, Registration, RiskReview, RoshAssessment
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _date(field: str, day) -> dict:
    d, m, y = (day.day, day.month, day.year) if isinstance(day, date) else day
    return {f"{field}-day": str(d), f"{field}-month": str(m), f"{field}-year": str(y)}


def _history_rows() -> int:
    models = (Registration, RiskReview, MappaRegistration, ParentOrCarer, RoshAssessment)
    return sum(model.history.count() for model in models)


def _error_summary(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    if "govuk-error-summary" not in html:
        return []
    summary = html[html.index("govuk-error-summary") : html.index("</ul>", html.index("govuk-error-summary"))]
    return [(href, unescape(message)) for href, message in re.findall(r'<a href="([^"]*)">([^<]*)</a>', summary)]


def _assert_refused(response, href: str, message: str, before: int) -> None:
    assert response.status_code == 400  # bad input: the form again, with errors
    assert (href, message) in _error_summary(response)
    assert "<title>Error: " in response.content.decode()
    assert _history_rows() == before


@pytest.fixture
def person(org):
    return factories.CaseFactory(responsible_officer=org.officer).person


@pytest.fixture
def outsider(org):
    """A person only another provider can see."""
    return factories.CaseFactory(responsible_officer=org.other_provider_officer).person


class TestAddRegistration:
    def _url(self, person):
        return reverse("risk:registration_new", args=[person.crn])

    def _valid(self, **overrides):
        data = {
            "registration_type": str(factories.registration_type("domestic_abuse_perpetrator").pk),
            **_date("start_date", date(2025, 3, 10)),
            "review_frequency_months": "",
            "reason": "Police call-outs to the family home",
        }
        return {**data, **overrides}

    def test_form_offers_active_types_with_their_review_frequency(self, org, client_for, person):
        factories.RegistrationTypeFactory(name="Retired flag", active=False)

        html = client_for(org.officer).get(self._url(person)).content.decode()

        assert ">Domestic abuse perpetrator (reviewed every 3 months)</option>" in html
        assert ">Weapons (reviewed every 6 months)</option>" in html
        assert "Retired flag" not in html
        assert 'name="start_date-day"' in html

    def test_adding_a_flag_records_who_opens_a_risk_review_and_shows_the_tag(self, org, client_for, person):
        client = client_for(org.officer)

        response = client.post(self._url(person), self._valid(), follow=True)

        registration = Registration.objects.get(person=person)
        assert registration.added_by == org.officer
        assert registration.next_review_date == date(2025, 6, 10)  # the type's 3 months
        assert registration.history.get().history_user == org.officer
        review = RiskReview.objects.get(person=person)
        assert (review.change, review.status, review.recorded_by) == ("new_registration", "open", org.officer)
        assert response.redirect_chain == [(reverse("risk:person_risk", args=[person.crn]), 302)]
        html = response.content.decode()
        assert "Registration added" in html
        assert 'govuk-tag--red" data-testid="registration-flag">Domestic abuse perpetrator<' in html

    def test_a_chosen_review_frequency_is_used(self, org, client_for, person):
        client_for(org.officer).post(self._url(person), self._valid(review_frequency_months="12"))

        assert Registration.objects.get(person=person).next_review_date == date(2026, 3, 10)

    @pytest.mark.parametrize(
        ("overrides", "href", "message"),
        [
            ({"reason": "  "}, "#id_reason", "Enter why this registration is being added"),
            ({"registration_type": "999999"}, "#id_registration_type", "Choose a type of registration from the list"),
            ({"registration_type": "weapons"}, "#id_registration_type", "Choose a type of registration from the list"),
            ({"registration_type": ""}, "#id_registration_type", "Choose the type of registration"),
            (_date("start_date", (31, 2, 2025)), "#id_start_date-day", "Start date must be a real date"),
            (
                _date("start_date", TODAY() + timedelta(days=1)),
                "#id_start_date-day",
                "The start date must be today or in the past.",
            ),
            (
                {"review_frequency_months": "30"},
                "#id_review_frequency_months",
                "Review frequency must be between 1 and 24 months",
            ),
            (
                {"review_frequency_months": "six"},
                "#id_review_frequency_months",
                "Review frequency must be a whole number of months, like 6",
            ),
        ],
    )
    def test_bad_input_is_refused_and_changes_nothing(self, org, client_for, person, overrides, href, message):
        before = _history_rows()

        response = client_for(org.officer).post(self._url(person), self._valid(**overrides))

        _assert_refused(response, href, message, before)
        assert not Registration.objects.exists()
        assert not RiskReview.objects.exists()

    def test_an_inactive_type_cannot_be_added(self, org, client_for, person):
        retired = factories.RegistrationTypeFactory(active=False)
        before = _history_rows()

        response = client_for(org.officer).post(self._url(person), self._valid(registration_type=str(retired.pk)))

        _assert_refused(response, "#id_registration_type", "Choose a type of registration from the list", before)

    def test_the_same_open_flag_twice_is_refused(self, org, client_for, person):
        factories.RegistrationFactory(person=person, registration_type=factories.registration_type("weapons"))
        before = _history_rows()

        response = client_for(org.officer).post(
            self._url(person), self._valid(registration_type=str(factories.registration_type("weapons").pk))
        )

        _assert_refused(
            response, "#id_registration_type", "This person already has the “Weapons” registration.", before
        )

    def test_not_found_outside_scope_or_when_excluded(self, org, client_for, person, outsider):
        factories.PersonAccessLimitFactory(person=person, user=org.colleague, added_by=org.manager)

        assert client_for(org.officer).post(self._url(outsider), self._valid()).status_code == 404
        assert client_for(org.colleague).post(self._url(person), self._valid()).status_code == 404
        assert client_for(org.court_user).get(self._url(person)).status_code == 404
        assert not Registration.objects.exists()


class TestReviewRegistration:
    @pytest.fixture
    def registration(self, person):
        return factories.RegistrationFactory(person=person, start_date=date(2025, 1, 6), review_frequency_months=6)

    def _url(self, registration):
        return reverse("risk:registration_review", args=[registration.pk])

    def test_page_shows_the_registration(self, org, client_for, registration):
        response = client_for(org.officer).get(self._url(registration))

        assert response.status_code == 200
        assert "Review the weapons registration" in response.content.decode()
        assert "Convicted of possessing a knife in 2024." in response.content.decode()

    def test_a_review_moves_the_next_review_on_and_records_who(self, org, client_for, registration):
        review_day = TODAY() - timedelta(days=2)

        response = client_for(org.colleague).post(
            self._url(registration), {**_date("review_date", review_day), "note": "Still carries a knife"}
        )

        assert response.status_code == 302
        registration.refresh_from_db()
        assert registration.next_review_date == review_day + relativedelta(months=6)
        latest = registration.history.first()
        assert (latest.history_user, latest.history_change_reason) == (org.colleague, "Reviewed: Still carries a knife")

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (_date("review_date", TODAY() + timedelta(days=1)), "The review date must be today or in the past."),
            (_date("review_date", (29, 2, 2025)), "Review date must be a real date"),
            (_date("review_date", date(2024, 12, 31)), "The review date must be on or after the start date."),
            ({}, "Enter the review date"),
        ],
    )
    def test_bad_input_is_refused_and_changes_nothing(self, org, client_for, registration, data, message):
        before = _history_rows()

        response = client_for(org.officer).post(self._url(registration), data)

        _assert_refused(response, "#id_review_date-day", message, before)

    def test_not_found_outside_scope(self, org, client_for, outsider):
        registration = factories.RegistrationFactory(person=outsider)
        before = _history_rows()

        client = client_for(org.officer)
        assert client.get(self._url(registration)).status_code == 404
        assert client.post(self._url(registration), _date("review_date", TODAY())).status_code == 404
        assert _history_rows() == before
        assert client.get(reverse("risk:registration_review", args=[999999])).status_code == 404


class TestRemoveRegistration:
    @pytest.fixture
    def registration(self, person):
        return factories.RegistrationFactory(person=person, start_date=date(2025, 1, 6))

    def _url(self, registration):
        return reverse("risk:registration_deregister", args=[registration.pk])

    def test_removing_keeps_the_record_and_drops_the_flag(self, org, client_for, registration):
        client = client_for(org.officer)

        response = client.post(
            self._url(registration),
            {**_date("deregistered_date", TODAY()), "deregistration_reason": "Knife amnesty"},
            follow=True,
        )

        registration.refresh_from_db()
        assert (registration.deregistered_date, registration.deregistration_reason) == (TODAY(), "Knife amnesty")
        assert registration.deregistered_by == org.officer
        assert registration.history.first().history_user == org.officer
        html = response.content.decode()
        assert "Registration removed" in html
        assert 'data-testid="registration-flag"' not in html
        assert "Removed registrations (1)" in html

    @pytest.mark.parametrize(
        ("data", "href", "message"),
        [
            (
                {"deregistration_reason": ""},
                "#id_deregistration_reason",
                "Enter why this registration is being removed",
            ),
            (
                _date("deregistered_date", TODAY() + timedelta(days=3)),
                "#id_deregistered_date-day",
                "The date must be today or in the past.",
            ),
            (_date("deregistered_date", (31, 4, 2025)), "#id_deregistered_date-day", "Date must be a real date"),
        ],
    )
    def test_bad_input_is_refused_and_changes_nothing(self, org, client_for, registration, data, href, message):
        before = _history_rows()
        valid = {**_date("deregistered_date", TODAY()), "deregistration_reason": "No longer relevant"}

        response = client_for(org.officer).post(self._url(registration), {**valid, **data})

        _assert_refused(response, href, message, before)
        registration.refresh_from_db()
        assert registration.is_open

    def test_removing_twice_is_refused(self, org, client_for, person):
        removed = factories.RegistrationFactory(person=person, deregistered=True)
        before = _history_rows()

        response = client_for(org.officer).post(
            self._url(removed), {**_date("deregistered_date", TODAY()), "deregistration_reason": "Again"}
        )

        _assert_refused(response, "#id_deregistered_date-day", "This registration has already been removed.", before)

    def test_not_found_outside_scope(self, org, client_for, outsider):
        registration = factories.RegistrationFactory(person=outsider)

        response = client_for(org.manager).post(
            self._url(registration), {**_date("deregistered_date", TODAY()), "deregistration_reason": "Gone"}
        )

        assert response.status_code == 404
        registration.refresh_from_db()
        assert registration.is_open


class TestChangeOfCircumstances:
    def _url(self, person):
        return reverse("risk:change_new", args=[person.crn])

    def test_choices_leave_out_new_registration(self, org, client_for, person):
        html = client_for(org.officer).get(self._url(person)).content.decode()

        assert 'value="new_address"' in html
        assert 'value="loss_of_accommodation"' in html
        assert "new_registration" not in html

    def test_recording_a_change_opens_a_risk_review(self, org, client_for, person):
        response = client_for(org.officer).post(
            self._url(person),
            {"change": "new_partner", "description": "New partner has two children", **_date("occurred_on", TODAY())},
            follow=True,
        )

        review = RiskReview.objects.get(person=person)
        assert (review.change, review.status, review.recorded_by) == ("new_partner", "open", org.officer)
        assert review.history.get().history_user == org.officer
        assert "Risk review due" in response.content.decode()

    @pytest.mark.parametrize(
        ("data", "href", "message"),
        [
            ({"change": "new_registration"}, "#id_change", "Choose what changed"),
            ({"change": ""}, "#id_change", "Choose what changed"),
            ({"description": ""}, "#id_description", "Enter what happened"),
            (
                _date("occurred_on", TODAY() + timedelta(days=1)),
                "#id_occurred_on-day",
                "The date must be today or in the past.",
            ),
            (_date("occurred_on", (31, 2, 2025)), "#id_occurred_on-day", "Date must be a real date"),
        ],
    )
    def test_bad_input_is_refused_and_changes_nothing(self, org, client_for, person, data, href, message):
        before = _history_rows()
        valid = {"change": "arrest", "description": "Arrested for assault", **_date("occurred_on", TODAY())}

        response = client_for(org.officer).post(self._url(person), {**valid, **data})

        _assert_refused(response, href, message, before)
        assert not RiskReview.objects.exists()

    def test_not_found_outside_scope(self, org, client_for, outsider):
        response = client_for(org.officer).post(
            self._url(outsider), {"change": "arrest", "description": "x", **_date("occurred_on", TODAY())}
        )

        assert response.status_code == 404
        assert not RiskReview.objects.exists()


class TestParentsAndCarers:
    @pytest.fixture
    def child(self, org):
        return factories.CaseFactory(
            responsible_officer=org.officer, person__date_of_birth=TODAY() - timedelta(days=14 * 365)
        ).person

    def _url(self, person):
        return reverse("risk:parent_new", args=[person.crn])

    def _valid(self, **overrides):
        data = {
            "name": "Sandra Lee",
            "relationship": "grandparent",
            "has_parental_responsibility": "no",
            "involvement": "some",
            "telephone": "0161 496 0000",
            "notes": "",
        }
        return {**data, **overrides}

    def test_adding_a_parent_or_carer(self, org, client_for, child):
        response = client_for(org.officer).post(self._url(child), self._valid(), follow=True)

        parent = ParentOrCarer.objects.get(person=child)
        assert (parent.name, parent.relationship, parent.has_parental_responsibility) == (
            "Sandra Lee",
            "grandparent",
            False,
        )
        assert (parent.involvement, parent.added_by) == ("some", org.officer)
        assert parent.history.get().history_user == org.officer
        assert "Sandra Lee Grandparent No Some involvement" in " ".join(
            re.sub(r"<[^>]+>", " ", response.content.decode()).split()
        )

    @pytest.mark.parametrize(
        ("overrides", "href", "message"),
        [
            ({"name": ""}, "#id_name", "Enter the parent or carer's name"),
            ({"relationship": "neighbour"}, "#id_relationship", "Choose the relationship"),
            ({"involvement": ""}, "#id_involvement", "Choose how involved they are"),
            (
                {"has_parental_responsibility": ""},
                "#id_has_parental_responsibility",
                "Choose whether they have parental responsibility",
            ),
        ],
    )
    def test_bad_input_is_refused_and_changes_nothing(self, org, client_for, child, overrides, href, message):
        before = _history_rows()

        response = client_for(org.officer).post(self._url(child), self._valid(**overrides))

        _assert_refused(response, href, message, before)

    def test_adults_do_not_have_parents_and_carers_recorded(self, org, client_for, person):
        client = client_for(org.officer)

        get = client.get(self._url(person))
        post = client.post(self._url(person), self._valid())

        assert get.status_code == post.status_code == 400
        assert "Parents and carers are recorded for children (under 18)." in post.content.decode()
        assert not ParentOrCarer.objects.exists()

    def test_not_found_outside_scope(self, org, client_for, child):
        assert client_for(org.other_provider_officer).post(self._url(child), self._valid()).status_code == 404
        assert not ParentOrCarer.objects.exists()
