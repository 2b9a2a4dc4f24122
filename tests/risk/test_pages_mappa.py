"""MAPPA pages: add a registration, record a review, end it. Bad input changes nothing; scope is enforced."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from risk.models import MappaRegistration
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _date(field: str, day) -> dict:
    d, m, y = (day.day, day.month, day.year) if isinstance(day, date) else day
    return {f"{field}-day": str(d), f"{field}-month": str(m), f"{field}-year": str(y)}


def _error_summary(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    if "govuk-error-summary" not in html:
        return []
    summary = html[html.index("govuk-error-summary") : html.index("</ul>", html.index("govuk-error-summary"))]
    return [(href, unescape(message)) for href, message in re.findall(r'<a href="([^"]*)">([^<]*)</a>', summary)]


@pytest.fixture
def person(org):
    return factories.CaseFactory(responsible_officer=org.officer).person


def _snapshot():
    return list(MappaRegistration.objects.values()), MappaRegistration.history.count()


class TestAdd:
    def _url(self, person):
        return reverse("risk:mappa_new", args=[person.crn])

    def _valid(self, **overrides):
        data = {
            "category": "2",
            "level": "2",
            "lead_agency": "probation",
            **_date("start_date", date(2025, 4, 1)),
            **_date("next_review_date", TODAY() + timedelta(days=60)),
            "notes": "Agreed at the MAPPA meeting",
        }
        return {**data, **overrides}

    def test_form_renders_the_categories_and_levels(self, org, client_for, person):
        html = client_for(org.officer).get(self._url(person)).content.decode()

        assert "Category 4: terrorism-related offender" in html
        assert "Level 3: senior multi-agency management" in html
        assert 'name="next_review_date-year"' in html

    def test_adding_records_who_and_shows_the_flag(self, org, client_for, person):
        response = client_for(org.officer).post(self._url(person), self._valid(), follow=True)

        mappa = MappaRegistration.objects.get(person=person)
        assert (mappa.category, mappa.level, mappa.lead_agency, mappa.added_by) == (2, 2, "probation", org.officer)
        assert mappa.history.get().history_user == org.officer
        assert 'data-testid="mappa-flag">MAPPA category 2, level 2<' in response.content.decode()

    @pytest.mark.parametrize(
        ("overrides", "href", "message"),
        [
            ({"level": "4"}, "#id_level", "Choose a MAPPA level from 1 to 3"),
            ({"level": ""}, "#id_level", "Choose a MAPPA level"),
            ({"category": "5"}, "#id_category", "Choose a MAPPA category from 1 to 4"),
            ({"lead_agency": "army"}, "#id_lead_agency", "Choose the lead agency"),
            (_date("start_date", (31, 2, 2025)), "#id_start_date-day", "Start date must be a real date"),
            (
                _date("start_date", TODAY() + timedelta(days=1)),
                "#id_start_date-day",
                "The start date must be today or in the past.",
            ),
            (
                _date("next_review_date", date(2025, 3, 1)),
                "#id_next_review_date-day",
                "The next review date must be on or after the start date.",
            ),
        ],
    )
    def test_bad_input_is_refused_and_changes_nothing(self, org, client_for, person, overrides, href, message):
        before = _snapshot()

        response = client_for(org.officer).post(self._url(person), self._valid(**overrides))

        assert response.status_code == 400  # bad input: the form again, with errors
        assert (href, message) in _error_summary(response)
        assert "<title>Error: " in response.content.decode()
        assert _snapshot() == before

    def test_a_second_open_registration_is_refused(self, org, client_for, person):
        factories.MappaRegistrationFactory(person=person)
        before = _snapshot()

        response = client_for(org.officer).post(self._url(person), self._valid())

        assert (
            "#id_category",
            "This person already has an open MAPPA registration: end or review it instead.",
        ) in _error_summary(response)
        assert _snapshot() == before

    def test_not_found_outside_scope(self, org, client_for, person):
        assert client_for(org.other_provider_manager).post(self._url(person), self._valid()).status_code == 404
        assert not MappaRegistration.objects.exists()


class TestReviewAndEnd:
    @pytest.fixture
    def mappa(self, person):
        return factories.MappaRegistrationFactory(person=person, level=1, start_date=date(2025, 3, 3))

    def test_review_changes_the_level_and_the_next_review(self, org, client_for, mappa):
        next_review = TODAY() + timedelta(days=90)
        url = reverse("risk:mappa_review", args=[mappa.pk])
        client = client_for(org.colleague)

        assert 'value="1" checked' in client.get(url).content.decode()
        response = client.post(url, {"level": "3", **_date("next_review_date", next_review), "notes": ""})

        assert response.status_code == 302
        mappa.refresh_from_db()
        assert (mappa.level, mappa.next_review_date) == (3, next_review)
        assert mappa.history.first().history_user == org.colleague

    @pytest.mark.parametrize(
        ("data", "href", "message"),
        [
            ({"level": "4"}, "#id_level", "Choose a MAPPA level from 1 to 3"),
            (
                _date("next_review_date", TODAY()),
                "#id_next_review_date-day",
                "Enter a next review date in the future.",
            ),
            (
                _date("next_review_date", (31, 9, 2026)),
                "#id_next_review_date-day",
                "Next review date must be a real date",
            ),
        ],
    )
    def test_bad_review_is_refused_and_changes_nothing(self, org, client_for, mappa, data, href, message):
        before = _snapshot()
        valid = {"level": "2", **_date("next_review_date", TODAY() + timedelta(days=30))}

        response = client_for(org.officer).post(reverse("risk:mappa_review", args=[mappa.pk]), {**valid, **data})

        assert response.status_code == 400  # bad input: the form again, with errors
        assert (href, message) in _error_summary(response)
        assert _snapshot() == before

    def test_ending_keeps_the_record(self, org, client_for, mappa):
        response = client_for(org.officer).post(
            reverse("risk:mappa_end", args=[mappa.pk]),
            {**_date("end_date", TODAY()), "end_reason": "Licence ended"},
            follow=True,
        )

        mappa.refresh_from_db()
        assert (mappa.end_date, mappa.end_reason, mappa.ended_by) == (TODAY(), "Licence ended", org.officer)
        assert mappa.history.first().history_user == org.officer
        html = response.content.decode()
        assert "Not managed under MAPPA." in html
        assert "Past MAPPA registrations (1)" in html
        assert 'data-testid="mappa-flag"' not in html

    @pytest.mark.parametrize(
        ("data", "href", "message"),
        [
            ({"end_reason": " "}, "#id_end_reason", "Enter why MAPPA management ended"),
            (
                _date("end_date", TODAY() + timedelta(days=1)),
                "#id_end_date-day",
                "The end date must be today or in the past.",
            ),
            (
                _date("end_date", date(2025, 1, 1)),
                "#id_end_date-day",
                "The end date must be on or after the start date.",
            ),
        ],
    )
    def test_bad_end_is_refused_and_changes_nothing(self, org, client_for, mappa, data, href, message):
        before = _snapshot()
        valid = {**_date("end_date", TODAY()), "end_reason": "Licence ended"}

        response = client_for(org.officer).post(reverse("risk:mappa_end", args=[mappa.pk]), {**valid, **data})

        assert response.status_code == 400  # bad input: the form again, with errors
        assert (href, message) in _error_summary(response)
        assert _snapshot() == before

    @pytest.mark.parametrize("name", ["mappa_review", "mappa_end"])
    def test_not_found_outside_scope_or_when_excluded(self, org, client_for, mappa, name):
        factories.PersonAccessLimitFactory(person=mappa.person, user=org.colleague, added_by=org.manager)
        url = reverse(f"risk:{name}", args=[mappa.pk])
        before = _snapshot()
        data = {"level": "3", **_date("next_review_date", TODAY() + timedelta(days=9))}
        data.update({**_date("end_date", TODAY()), "end_reason": "x"})

        for user in (org.other_provider_officer, org.colleague):
            assert client_for(user).get(url).status_code == 404
            assert client_for(user).post(url, data).status_code == 404
        assert _snapshot() == before
