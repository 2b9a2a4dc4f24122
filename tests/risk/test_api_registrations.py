"""/api/v1/risk/registrations/ and /registration-types/: flags typed from reference data, reviewed on a
schedule, deregistered with a reason and never deleted (shared/DOMAIN.md section 4)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from risk.models import Registration, RegistrationType, RiskReview
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/risk/registrations/"
TYPES_URL = "/api/v1/risk/registration-types/"


@pytest.fixture
def case(org):
    return factories.CaseFactory(responsible_officer=org.officer, person__crn="F123456")


@pytest.fixture
def client(org, client_for):
    return client_for(org.officer)


def _body(**fields):
    return {
        "crn": "F123456",
        "registration_type": "weapons",
        "start_date": "2025-05-01",
        "reason": "Convicted of possessing a knife in a public place.",
        **fields,
    }


def _state(registration: Registration) -> dict:
    return {**Registration.objects.filter(pk=registration.pk).values().get(), "history": registration.history.count()}


class TestCreate:
    def test_adds_a_flag_and_opens_a_risk_review(self, org, case, client):
        response = client.post(URL, _body(), content_type="application/json")

        assert response.status_code == 201
        registration = Registration.objects.get()
        assert response.json() == {
            "id": registration.pk,
            "crn": "F123456",
            "registration_type": {"code": "weapons", "name": "Weapons", "colour": "red"},
            "start_date": "2025-05-01",
            "review_frequency_months": 6,
            "next_review_date": "2025-11-01",
            "reason": "Convicted of possessing a knife in a public place.",
            "added_by": {"id": org.officer.pk, "name": "Olivia Okafor"},
            "deregistered_date": None,
            "deregistration_reason": "",
            "deregistered_by": None,
            "is_open": True,
            "review_overdue": timezone.localdate() > date(2025, 11, 1),
        }
        assert [record.history_user for record in registration.history.all()] == [org.officer]
        review = RiskReview.objects.get()
        assert (review.registration, review.status, review.change) == (registration, "open", "new_registration")
        assert review.history.get().history_user == org.officer

    def test_review_frequency_can_be_given(self, case, client):
        response = client.post(URL, _body(review_frequency_months=2), content_type="application/json")

        assert (response.json()["review_frequency_months"], response.json()["next_review_date"]) == (2, "2025-07-01")

    def test_an_unknown_type_is_a_field_error(self, case, client):
        response = client.post(URL, _body(registration_type="dangerous_dog"), content_type="application/json")

        assert response.status_code == 400
        assert response.json() == {
            "detail": "The request has errors.",
            "errors": {"registration_type": ["There is no registration type “dangerous_dog”."]},
        }
        assert not Registration.objects.exists()
        assert not RiskReview.objects.exists()

    def test_a_switched_off_type_cannot_be_added(self, case, client):
        RegistrationType.objects.filter(code="marac").update(active=False)

        response = client.post(URL, _body(registration_type="marac"), content_type="application/json")

        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["registration_type"]

    @pytest.mark.parametrize(
        ("fields", "errors"),
        [
            ({"reason": ""}, {"reason": ["Enter why this registration is being added."]}),
            ({"reason": "  "}, {"reason": ["Enter why this registration is being added."]}),
            ({"review_frequency_months": 25}, {"review_frequency_months": ["Review every 1 to 24 months."]}),
            ({"review_frequency_months": 0}, {"review_frequency_months": ["Review every 1 to 24 months."]}),
            ({"start_date": "2999-01-01"}, {"start_date": ["The start date must be today or in the past."]}),
            (
                {"start_date": ""},
                {"start_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
            ),
        ],
    )
    def test_bad_input_changes_nothing(self, case, client, fields, errors):
        response = client.post(URL, _body(**fields), content_type="application/json")

        assert response.status_code == 400
        assert response.json()["errors"] == errors
        assert not Registration.objects.exists()
        assert not RiskReview.objects.exists()

    def test_missing_reason(self, case, client):
        body = _body()
        del body["reason"]

        response = client.post(URL, body, content_type="application/json")

        assert response.status_code == 400
        assert response.json()["errors"] == {"reason": ["This field is required."]}

    def test_the_same_open_flag_twice_is_refused(self, case, client):
        factories.RegistrationFactory(person=case.person)

        response = client.post(URL, _body(), content_type="application/json")

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "registration_type": ["This person already has the “Weapons” registration."]
        }
        assert Registration.objects.count() == 1


class TestReview:
    def test_moves_the_next_review_on(self, org, case, client):
        registration = factories.RegistrationFactory(person=case.person, start_date=date(2025, 5, 1))

        response = client.post(
            f"{URL}{registration.pk}/review/",
            {"review_date": "2025-10-20", "note": "Still carries a knife, says his sister."},
            content_type="application/json",
        )

        assert response.status_code == 200
        assert response.json()["next_review_date"] == "2026-04-20"
        latest = registration.history.latest()
        assert latest.history_user == org.officer
        assert latest.history_change_reason == "Reviewed: Still carries a knife, says his sister."

    @pytest.mark.parametrize(
        ("review_date", "message"),
        [
            ("2999-01-01", "The review date must be today or in the past."),
            ("2025-04-30", "The review date must be on or after the start date."),
        ],
    )
    def test_bad_review_changes_nothing(self, case, client, review_date, message):
        registration = factories.RegistrationFactory(person=case.person, start_date=date(2025, 5, 1))
        before = _state(registration)

        response = client.post(
            f"{URL}{registration.pk}/review/", {"review_date": review_date}, content_type="application/json"
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {"review_date": [message]}
        assert _state(registration) == before


class TestDeregister:
    def test_deregisters_with_a_reason_and_keeps_the_row(self, org, case, client_for):
        registration = factories.RegistrationFactory(person=case.person, start_date=date(2025, 5, 1))

        response = client_for(org.manager).post(
            f"{URL}{registration.pk}/deregister/",
            {"deregistered_date": "2025-10-01", "deregistration_reason": "Weapons course completed; no concerns."},
            content_type="application/json",
        )

        assert response.status_code == 200
        body = response.json()
        assert (body["is_open"], body["deregistered_date"]) == (False, "2025-10-01")
        assert body["deregistered_by"] == {"id": org.manager.pk, "name": "Maya Mensah"}
        assert body["deregistration_reason"] == "Weapons course completed; no concerns."
        latest = registration.history.latest()
        assert (latest.history_user, latest.history_change_reason) == (org.manager, "Deregistered")
        assert Registration.objects.filter(pk=registration.pk).exists()

    @pytest.mark.parametrize(
        ("fields", "errors"),
        [
            (
                {"deregistration_reason": ""},
                {"deregistration_reason": ["Enter why this registration is being removed."]},
            ),
            ({"deregistered_date": "2999-01-01"}, {"deregistered_date": ["The date must be today or in the past."]}),
            (
                {"deregistered_date": "2025-04-01"},
                {"deregistered_date": ["The date must be on or after the registration started."]},
            ),
        ],
    )
    def test_bad_deregistration_changes_nothing(self, case, client, fields, errors):
        registration = factories.RegistrationFactory(person=case.person, start_date=date(2025, 5, 1))
        before = _state(registration)
        body = {"deregistered_date": "2025-10-01", "deregistration_reason": "No longer relevant.", **fields}

        response = client.post(f"{URL}{registration.pk}/deregister/", body, content_type="application/json")

        assert response.status_code == 400
        assert response.json()["errors"] == errors
        assert _state(registration) == before

    def test_missing_reason(self, case, client):
        registration = factories.RegistrationFactory(person=case.person)

        response = client.post(
            f"{URL}{registration.pk}/deregister/", {"deregistered_date": "2025-10-01"}, content_type="application/json"
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {"deregistration_reason": ["This field is required."]}
        assert registration.history.count() == 1

    def test_a_removed_flag_cannot_be_removed_or_reviewed_again(self, case, client):
        registration = factories.RegistrationFactory(person=case.person, deregistered=True)
        before = _state(registration)

        deregistered = client.post(
            f"{URL}{registration.pk}/deregister/",
            {"deregistered_date": "2025-10-01", "deregistration_reason": "Again."},
            content_type="application/json",
        )
        reviewed = client.post(
            f"{URL}{registration.pk}/review/", {"review_date": "2025-10-01"}, content_type="application/json"
        )

        assert deregistered.json()["errors"] == {"deregistered_date": ["This registration has already been removed."]}
        assert reviewed.json()["errors"] == {"review_date": ["This registration has been removed (deregistered)."]}
        assert _state(registration) == before


class TestRead:
    def test_newest_first_and_filters(self, org, case, client):
        weapons = factories.RegistrationFactory(person=case.person, start_date=date(2025, 5, 1))
        removed = factories.RegistrationFactory(
            person=case.person,
            registration_type=factories.registration_type("hate_crime"),
            start_date=date(2024, 5, 1),
            deregistered=True,
        )
        overdue = factories.RegistrationFactory(
            person=factories.CaseFactory(responsible_officer=org.officer).person,
            registration_type=factories.registration_type("domestic_abuse_perpetrator"),
            start_date=date(2025, 1, 1),
            next_review_date=timezone.localdate() - timedelta(days=1),
        )

        def ids(**params):
            return [row["id"] for row in client.get(URL, params).json()["results"]]

        assert ids() == [weapons.pk, overdue.pk, removed.pk]
        assert ids(crn="f123456") == [weapons.pk, removed.pk]
        assert ids(open="true") == [weapons.pk, overdue.pk]
        assert ids(open="false") == [removed.pk]
        assert ids(registration_type="domestic_abuse_perpetrator") == [overdue.pk]
        assert ids(registration_type="nonsense") == []
        overdue_flags = {row["id"]: row["review_overdue"] for row in client.get(URL).json()["results"]}
        assert overdue_flags == {weapons.pk: False, overdue.pk: True, removed.pk: False}


class TestTypes:
    def test_lists_every_type_seeded_by_the_migration(self, org, client):
        body = client.get(TYPES_URL, {"page_size": 100}).json()

        codes = {row["code"] for row in body["results"]}
        assert codes == set(RegistrationType.objects.values_list("code", flat=True))
        assert {"weapons", "domestic_abuse_perpetrator", "marac", "serious_further_offence"} <= codes
        names = [row["name"] for row in body["results"]]
        assert names == sorted(names)

    def test_one_type_by_code(self, org, client):
        body = client.get(f"{TYPES_URL}weapons/").json()

        assert body == {
            "code": "weapons",
            "name": "Weapons",
            "description": "Convictions, intelligence or concerns about carrying or using weapons.",
            "colour": "red",
            "default_review_months": 6,
            "active": True,
        }
        assert client.get(f"{TYPES_URL}nonsense/").status_code == 404

    def test_read_only(self, org, client):
        assert client.post(TYPES_URL, {"code": "x", "name": "X"}).status_code == 405
        assert client.delete(f"{TYPES_URL}weapons/").status_code == 405
