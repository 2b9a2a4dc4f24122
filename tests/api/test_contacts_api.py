"""The contacts, appointments and contact-outcomes API: scoped lists and filters, writes through the services
with the caller in history, 400 with field messages that change nothing, 404 outside scope, in the schema."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from cases.models import Contact
from tests import factories
from timeliness.models import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(org):
    return factories.CaseFactory(responsible_officer=org.officer, person__crn="E100001")


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


class TestList:
    def test_scoped_newest_first_with_related_rows(self, org, client_for, case):
        older = factories.ContactFactory(case=case, starts_at=timezone.now() - timedelta(days=3))
        newer = factories.ContactFactory(
            case=case,
            starts_at=timezone.now() - timedelta(days=1),
            outcome=factories.contact_outcome("acceptable_absence"),
            absence_reason="court",
            outcome_recorded_at=timezone.now(),
        )
        factories.ContactFactory(case=factories.CaseFactory(responsible_officer=org.other_provider_officer))

        response = client_for(org.officer).get("/api/v1/contacts/")

        assert response.status_code == 200
        assert _ids(response) == [newer.pk, older.pk]
        row = response.json()["results"][0]
        assert row["crn"] == "E100001"
        assert row["case"] == case.pk
        assert row["staff"] == {"id": org.officer.pk, "name": "Olivia Okafor"}
        assert row["outcome"]["code"] == "acceptable_absence" and row["outcome"]["acceptable_absence"] is True
        assert row["absence_reason"] == "court"

    def test_appointments_list_leaves_out_other_contacts(self, org, client_for, case):
        appointment = factories.ContactFactory(case=case)
        factories.ContactFactory(case=case, is_appointment=False, starts_at=timezone.now() - timedelta(days=1))

        response = client_for(org.officer).get("/api/v1/appointments/")

        assert _ids(response) == [appointment.pk]

    def test_filters(self, org, client_for, case):
        now = timezone.now()
        other_case = factories.CaseFactory(responsible_officer=org.colleague)
        attended = factories.ContactFactory(
            case=case,
            starts_at=now - timedelta(days=10),
            outcome=factories.contact_outcome("attended_failed_to_comply"),
            outcome_recorded_at=now,
        )
        waiting = factories.ContactFactory(case=case, starts_at=now - timedelta(days=2))
        call = factories.ContactFactory(
            case=other_case,
            starts_at=now - timedelta(days=1),
            is_appointment=False,
            contact_type="telephone_call",
            method="telephone",
        )
        client = client_for(org.officer)

        def ids(**params):
            response = client.get("/api/v1/contacts/", params)
            assert response.status_code == 200, response.json()
            return _ids(response)

        assert ids(case=case.pk) == [waiting.pk, attended.pk]
        assert ids(crn="e100001") == [waiting.pk, attended.pk]
        assert ids(type="telephone_call") == [call.pk]
        assert ids(outcome="attended") == [attended.pk]
        assert ids(outcome="failed_to_comply") == [attended.pk]
        assert ids(outcome="awaiting_outcome") == [waiting.pk]
        assert ids(outcome="acceptable_absence") == []
        day = timezone.localdate(waiting.starts_at)
        assert ids(date_from=day.isoformat()) == [call.pk, waiting.pk]
        assert ids(date_to=day.isoformat()) == [waiting.pk, attended.pk]

    @pytest.mark.parametrize(
        ("params", "field"),
        [({"type": "seance"}, "type"), ({"outcome": "x"}, "outcome"), ({"date_from": "31/02/2026"}, "date_from")],
    )
    def test_bad_filters_are_400(self, org, client_for, params, field):
        response = client_for(org.officer).get("/api/v1/contacts/", params)

        assert response.status_code == 400
        assert field in response.json()["errors"]

    def test_out_of_scope_contact_is_404(self, org, client_for, case):
        contact = factories.ContactFactory(case=case)

        assert client_for(org.other_provider_manager).get(f"/api/v1/contacts/{contact.pk}/").status_code == 404
        assert client_for(org.manager).get(f"/api/v1/contacts/{contact.pk}/").status_code == 200


class TestBookAppointment:
    def _body(self, case, **overrides):
        body = {
            "case": case.pk,
            "contact_type": "office_appointment",
            "starts_at": _iso(timezone.now() + timedelta(days=2)),
            "method": "face_to_face",
            "duration_minutes": 60,
            "location": "Manchester North probation office",
        }
        body.update(overrides)
        return body

    def test_books(self, org, client_for, case):
        response = client_for(org.colleague).post(
            "/api/v1/appointments/", self._body(case), content_type="application/json"
        )

        assert response.status_code == 201, response.json()
        data = response.json()
        assert data["is_appointment"] is True
        assert data["staff"]["id"] == org.officer.pk  # the responsible officer by default
        assert data["recorded_by"]["id"] == org.colleague.pk
        contact = Contact.objects.get(pk=data["id"])
        assert contact.history.get().history_user == org.colleague

    def test_rule_errors_are_400_with_field_messages(self, org, client_for, case):
        response = client_for(org.officer).post(
            "/api/v1/appointments/",
            self._body(case, location="", duration_minutes=500),
            content_type="application/json",
        )

        assert response.status_code == 400
        assert response.json() == {
            "detail": "The request has errors.",
            "errors": {
                "duration_minutes": ["The duration must be between 5 and 480 minutes (8 hours)."],
                "location": ["Enter where the appointment will be: face to face appointments need a location."],
            },
        }
        assert not Contact.objects.exists()

    def test_shape_errors_are_400(self, org, client_for, case):
        response = client_for(org.officer).post(
            "/api/v1/appointments/",
            self._body(case, starts_at="soon", staff=10**9),
            content_type="application/json",
        )

        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"starts_at", "staff"}
        assert response.json()["errors"]["staff"] == ["There is no member of staff with this id."]
        assert not Contact.objects.exists()

    def test_a_written_appointment_is_refused_by_the_rule(self, org, client_for, case):
        response = client_for(org.officer).post(
            "/api/v1/appointments/", self._body(case, method="written"), content_type="application/json"
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "method": ["Choose how the contact happens: face to face, telephone, video call."]
        }
        assert not Contact.objects.exists()

    def test_case_out_of_scope_is_404(self, org, client_for, case):
        response = client_for(org.other_provider_officer).post(
            "/api/v1/appointments/", self._body(case), content_type="application/json"
        )

        assert response.status_code == 404
        assert not Contact.objects.exists()


class TestRecordContact:
    def test_records(self, org, client_for, case):
        response = client_for(org.officer).post(
            "/api/v1/contacts/",
            {
                "case": case.pk,
                "contact_type": "email_or_letter",
                "starts_at": _iso(timezone.now() - timedelta(hours=1)),
                "method": "written",
                "notes": "Sent the appointment letter.",
                "staff": org.officer.pk,
            },
            content_type="application/json",
        )

        assert response.status_code == 201, response.json()
        assert response.json()["is_appointment"] is False
        assert Contact.objects.get().history.get().history_user == org.officer

    def test_future_and_no_notes_are_400(self, org, client_for, case):
        response = client_for(org.officer).post(
            "/api/v1/contacts/",
            {
                "case": case.pk,
                "contact_type": "telephone_call",
                "starts_at": _iso(timezone.now() + timedelta(hours=1)),
                "method": "telephone",
                "notes": "",
            },
            content_type="application/json",
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "starts_at": ["A contact cannot be in the future: book an appointment instead."],
            "notes": ["Enter notes: say what happened."],
        }
        assert not Contact.objects.exists()


class TestOutcome:
    def test_attended_records_and_stops_the_first_appointment_clock(self, org, client_for, case):
        clock = factories.ClockFactory(
            case=case,
            started_on=timezone.localdate() - timedelta(days=1),
            due_on=timezone.localdate() + timedelta(days=4),
        )
        contact = factories.ContactFactory(case=case, starts_at=timezone.now() - timedelta(minutes=30))

        response = client_for(org.officer).post(
            f"/api/v1/appointments/{contact.pk}/outcome/",
            {"outcome": "attended_complied"},
            content_type="application/json",
        )

        assert response.status_code == 200, response.json()
        assert response.json()["outcome"]["code"] == "attended_complied"
        assert response.json()["outcome_recorded_at"] is not None
        clock.refresh_from_db()
        assert (clock.status, clock.stopped_by) == (Clock.Status.MET, org.officer)

    def test_acceptable_absence_needs_a_reason(self, org, client_for, case):
        contact = factories.ContactFactory(case=case, starts_at=timezone.now() - timedelta(minutes=30))

        response = client_for(org.officer).post(
            f"/api/v1/appointments/{contact.pk}/outcome/",
            {"outcome": "acceptable_absence"},
            content_type="application/json",
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "absence_reason": ["Choose why the absence was acceptable: an acceptable absence needs a reason."]
        }
        contact.refresh_from_db()
        assert contact.outcome is None

    def test_unknown_outcome_code(self, org, client_for, case):
        contact = factories.ContactFactory(case=case, starts_at=timezone.now() - timedelta(minutes=30))

        response = client_for(org.officer).post(
            f"/api/v1/appointments/{contact.pk}/outcome/", {"outcome": "vanished"}, content_type="application/json"
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {"outcome": ["There is no outcome with this code."]}

    def test_before_the_start_is_400(self, org, client_for, case):
        contact = factories.ContactFactory(case=case)

        response = client_for(org.officer).post(
            f"/api/v1/appointments/{contact.pk}/outcome/",
            {"outcome": "attended_complied"},
            content_type="application/json",
        )

        assert response.status_code == 400
        assert response.json()["errors"] == {"outcome": ["You can record the outcome once the appointment has started"]}

    def test_a_recorded_contact_is_not_an_appointment(self, org, client_for, case):
        contact = factories.ContactFactory(
            case=case, is_appointment=False, starts_at=timezone.now() - timedelta(days=1)
        )

        response = client_for(org.officer).post(
            f"/api/v1/appointments/{contact.pk}/outcome/",
            {"outcome": "attended_complied"},
            content_type="application/json",
        )

        assert response.status_code == 404  # not in the appointments list at all

    def test_out_of_scope_is_404(self, org, client_for, case):
        contact = factories.ContactFactory(case=case, starts_at=timezone.now() - timedelta(minutes=30))

        response = client_for(org.other_team_officer).post(
            f"/api/v1/appointments/{contact.pk}/outcome/",
            {"outcome": "attended_complied"},
            content_type="application/json",
        )

        assert response.status_code == 404
        contact.refresh_from_db()
        assert contact.outcome is None


def test_contact_outcomes_reference_data(org, client_for):
    client = client_for(org.officer)

    listed = client.get("/api/v1/contact-outcomes/")
    one = client.get("/api/v1/contact-outcomes/acceptable_absence/")

    assert listed.status_code == 200
    assert [row["code"] for row in listed.json()["results"]][:4] == [
        "attended_complied",
        "attended_failed_to_comply",
        "attended_sent_home",
        "unacceptable_absence",
    ]
    assert one.json() == {
        "code": "acceptable_absence",
        "name": "Acceptable absence",
        "attended": False,
        "complied": True,
        "enforceable": False,
        "acceptable_absence": True,
        "rescheduled": False,
        "active": True,
    }
    assert client.post("/api/v1/contact-outcomes/", {}).status_code == 405


def test_in_the_schema(org, client_for):
    schema = client_for(org.officer).get("/api/schema/", {"format": "json"}).json()

    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/contacts/"])
    assert {"get", "post"} <= set(paths["/api/v1/appointments/"])
    assert "post" in paths["/api/v1/appointments/{id}/outcome/"]
    assert "get" in paths["/api/v1/contact-outcomes/{code}/"]
    parameters = {parameter["name"] for parameter in paths["/api/v1/contacts/"]["get"]["parameters"]}
    assert {"case", "crn", "type", "outcome", "date_from", "date_to"} <= parameters


@pytest.mark.parametrize("params", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}])
def test_extreme_dates_are_not_a_500(org, client_for, case, params):
    contact = factories.ContactFactory(case=case)

    response = client_for(org.officer).get("/api/v1/contacts/", params)

    assert response.status_code == 200
    assert _ids(response) == [contact.pk]
