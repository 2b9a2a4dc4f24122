"""/api/v1/risk/mappa/: MAPPA category 1 to 4 and level 1 to 3, reviews and ending (shared/DOMAIN.md section 4)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from risk.models import MappaRegistration
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/risk/mappa/"


@pytest.fixture
def case(org):
    return factories.CaseFactory(responsible_officer=org.officer, person__crn="M123456")


@pytest.fixture
def client(org, client_for):
    return client_for(org.officer)


def _body(**fields):
    return {
        "crn": "M123456",
        "category": 2,
        "level": 2,
        "lead_agency": "probation",
        "start_date": "2025-03-03",
        "next_review_date": "2025-06-30",
        "notes": "Level 2 meeting agreed joint home visits with the police.",
        **fields,
    }


def _state(registration: MappaRegistration) -> dict:
    return {
        **MappaRegistration.objects.filter(pk=registration.pk).values().get(),
        "history": registration.history.count(),
    }


class TestCreate:
    def test_registers(self, org, case, client):
        response = client.post(URL, _body(), content_type="application/json")

        assert response.status_code == 201
        registration = MappaRegistration.objects.get()
        assert response.json() == {
            "id": registration.pk,
            "crn": "M123456",
            "category": 2,
            "level": 2,
            "lead_agency": "probation",
            "start_date": "2025-03-03",
            "next_review_date": "2025-06-30",
            "notes": "Level 2 meeting agreed joint home visits with the police.",
            "added_by": {"id": org.officer.pk, "name": "Olivia Okafor"},
            "end_date": None,
            "end_reason": "",
            "ended_by": None,
            "is_open": True,
            "review_overdue": timezone.localdate() > date(2025, 6, 30),
        }
        assert [record.history_user for record in registration.history.all()] == [org.officer]

    @pytest.mark.parametrize(
        ("fields", "errors"),
        [
            ({"category": 5}, {"category": ["Choose a MAPPA category from 1 to 4."]}),
            ({"category": 0}, {"category": ["Choose a MAPPA category from 1 to 4."]}),
            ({"level": 4}, {"level": ["Choose a MAPPA level from 1 to 3."]}),
            (
                {"category": 5, "level": 4},
                {"category": ["Choose a MAPPA category from 1 to 4."], "level": ["Choose a MAPPA level from 1 to 3."]},
            ),  # fmt: skip
            ({"lead_agency": "army"}, {"lead_agency": ['"army" is not a valid choice.']}),
            (
                {"next_review_date": "2025-03-02"},
                {"next_review_date": ["The next review date must be on or after the start date."]},
            ),
        ],
    )
    def test_bad_input_is_refused_with_field_messages(self, case, client, fields, errors):
        response = client.post(URL, _body(**fields), content_type="application/json")

        assert response.status_code == 400
        assert response.json() == {"detail": "The request has errors.", "errors": errors}
        assert not MappaRegistration.objects.exists()

    def test_a_future_start_is_refused(self, case, client):
        tomorrow = timezone.localdate() + timedelta(days=1)
        body = _body(start_date=tomorrow.isoformat(), next_review_date=(tomorrow + timedelta(days=90)).isoformat())

        response = client.post(URL, body, content_type="application/json")

        assert response.status_code == 400
        assert response.json()["errors"] == {"start_date": ["The start date must be today or in the past."]}
        assert not MappaRegistration.objects.exists()

    def test_one_open_registration_per_person(self, case, client):
        factories.MappaRegistrationFactory(person=case.person)

        response = client.post(URL, _body(), content_type="application/json")

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "category": ["This person already has an open MAPPA registration: end or review it instead."]
        }
        assert MappaRegistration.objects.count() == 1


class TestReview:
    def test_changes_level_and_next_review(self, org, case, client_for):
        registration = factories.MappaRegistrationFactory(person=case.person, level=2)
        next_review = timezone.localdate() + timedelta(days=112)

        response = client_for(org.manager).post(
            f"{URL}{registration.pk}/review/",
            {"level": 3, "next_review_date": next_review.isoformat(), "notes": "Escalated after threats."},
            content_type="application/json",
        )

        assert response.status_code == 200
        body = response.json()
        assert (body["level"], body["next_review_date"], body["notes"]) == (
            3,
            next_review.isoformat(),
            "Escalated after threats.",
        )
        latest = registration.history.latest()
        assert (latest.history_user, latest.history_change_reason) == (org.manager, "MAPPA reviewed")

    @pytest.mark.parametrize(
        ("fields", "errors"),
        [
            ({"level": 4}, {"level": ["Choose a MAPPA level from 1 to 3."]}),
            ({"next_review_date": "2020-01-01"}, {"next_review_date": ["Enter a next review date in the future."]}),
            ({"level": None}, {"level": ["This field may not be null."]}),
        ],
    )
    def test_bad_review_changes_nothing(self, case, client, fields, errors):
        registration = factories.MappaRegistrationFactory(person=case.person)
        before = _state(registration)
        body = {"level": 1, "next_review_date": (timezone.localdate() + timedelta(days=30)).isoformat(), **fields}

        response = client.post(f"{URL}{registration.pk}/review/", body, content_type="application/json")

        assert response.status_code == 400
        assert response.json()["errors"] == errors
        assert _state(registration) == before


class TestEnd:
    def test_ends_with_a_reason(self, org, case, client):
        registration = factories.MappaRegistrationFactory(person=case.person)

        response = client.post(
            f"{URL}{registration.pk}/end/",
            {"end_date": "2025-09-01", "end_reason": "Licence expired; MAPPA panel agreed to end."},
            content_type="application/json",
        )

        assert response.status_code == 200
        body = response.json()
        assert (body["is_open"], body["end_date"], body["review_overdue"]) == (False, "2025-09-01", False)
        assert body["ended_by"] == {"id": org.officer.pk, "name": "Olivia Okafor"}
        latest = registration.history.latest()
        assert (latest.history_user, latest.history_change_reason) == (org.officer, "MAPPA ended")
        assert MappaRegistration.objects.filter(pk=registration.pk).exists()

    @pytest.mark.parametrize(
        ("fields", "errors"),
        [
            ({"end_reason": ""}, {"end_reason": ["Enter why MAPPA management has ended."]}),
            ({"end_reason": "   "}, {"end_reason": ["Enter why MAPPA management has ended."]}),
            ({"end_date": "2025-01-01"}, {"end_date": ["The end date must be on or after the start date."]}),
            ({"end_date": "2999-01-01"}, {"end_date": ["The end date must be today or in the past."]}),
            ({"end_reason": None}, {"end_reason": ["This field may not be null."]}),
        ],
    )
    def test_bad_end_changes_nothing(self, case, client, fields, errors):
        registration = factories.MappaRegistrationFactory(person=case.person, start_date=date(2025, 3, 3))
        before = _state(registration)

        response = client.post(
            f"{URL}{registration.pk}/end/",
            {"end_date": "2025-09-01", "end_reason": "Licence expired.", **fields},
            content_type="application/json",
        )

        assert response.status_code == 400
        assert response.json()["errors"] == errors
        assert _state(registration) == before

    def test_missing_reason(self, case, client):
        registration = factories.MappaRegistrationFactory(person=case.person)

        response = client.post(
            f"{URL}{registration.pk}/end/", {"end_date": "2025-09-01"}, content_type="application/json"
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {"end_reason": ["This field is required."]}

    def test_ending_twice_is_refused(self, org, case, client):
        registration = factories.MappaRegistrationFactory(
            person=case.person, end_date=date(2025, 8, 1), end_reason="Sentence ended.", ended_by=org.officer
        )
        before = _state(registration)

        response = client.post(
            f"{URL}{registration.pk}/end/",
            {"end_date": "2025-09-01", "end_reason": "Again."},
            content_type="application/json",
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {"end_date": ["This MAPPA registration has already ended."]}
        assert _state(registration) == before


class TestRead:
    def test_newest_first_and_filters(self, org, case, client):
        ended = factories.MappaRegistrationFactory(
            person=case.person,
            category=1,
            level=1,
            start_date=date(2023, 1, 9),
            next_review_date=date(2023, 6, 1),
            end_date=date(2024, 1, 1),
            end_reason="Notification period over.",
            ended_by=org.manager,
        )
        open_now = factories.MappaRegistrationFactory(person=case.person, category=2, start_date=date(2025, 2, 1))
        other = factories.MappaRegistrationFactory(
            person=factories.CaseFactory(responsible_officer=org.colleague).person,
            category=4,
            level=3,
            start_date=date(2024, 6, 1),
            next_review_date=date(2024, 9, 1),
        )

        def ids(**params):
            return [row["id"] for row in client.get(URL, params).json()["results"]]

        assert ids() == [open_now.pk, other.pk, ended.pk]
        assert ids(crn="m123456") == [open_now.pk, ended.pk]
        assert ids(open="true") == [open_now.pk, other.pk]
        assert ids(open="false") == [ended.pk]
        assert ids(category=4) == ids(level=3) == [other.pk]
        overdue = {row["id"]: row["review_overdue"] for row in client.get(URL).json()["results"]}
        assert overdue == {open_now.pk: False, other.pk: True, ended.pk: False}
