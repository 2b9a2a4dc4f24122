"""Pages for appointments and the contact log: they render, bad input is a 400 that changes nothing, anything
out of scope is 404, and the contact log filters work (and refuse nonsense clearly)."""

import re
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Contact
from tests import factories

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def case(org):
    return factories.CaseFactory(
        responsible_officer=org.officer, person__first_name="Dana", person__last_name="Scully", person__crn="D100001"
    )


def _appointment(case, delta: timedelta, **kwargs) -> Contact:
    return factories.ContactFactory(case=case, starts_at=timezone.now() + delta, **kwargs)


def _date_post(prefix: str, day: date) -> dict:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


# The case's contacts tab -------------------------------------------------------------------------------------


class TestCaseContacts:
    def test_shows_upcoming_awaiting_outcome_and_the_log(self, org, client_for, case):
        upcoming = _appointment(case, timedelta(days=2), location="Room 4, Manchester North")
        waiting = _appointment(case, -timedelta(days=1), contact_type=Contact.ContactType.HOME_VISIT)
        done = _appointment(
            case, -timedelta(days=8), outcome=factories.contact_outcome(), outcome_recorded_at=timezone.now()
        )

        response = client_for(org.officer).get(reverse("cases:case_contacts", args=[case.pk]))

        assert response.status_code == 200
        html = _html(response)
        assert "Book an appointment" in html and "Record a contact" in html
        assert [contact.pk for contact in response.context["appointments"].upcoming] == [upcoming.pk]
        assert [contact.pk for contact in response.context["appointments"].awaiting_outcome] == [waiting.pk]
        assert [contact.pk for contact in response.context["page_obj"]] == [upcoming.pk, waiting.pk, done.pk]
        assert "Room 4, Manchester North" in html
        assert reverse("cases:contact_outcome", args=[waiting.pk]) in html
        assert reverse("cases:contact_outcome", args=[done.pk]) not in html
        assert "Awaiting an outcome (1)" in html
        assert "Attended and complied" in html

    def test_empty_case(self, org, client_for, case):
        html = _html(client_for(org.officer).get(reverse("cases:case_contacts", args=[case.pk])))

        assert "No appointments booked." in html
        assert "No contacts recorded on this case yet." in html

    def test_ended_case_offers_no_buttons(self, org, client_for):
        ended = factories.CaseFactory(responsible_officer=org.officer, ended=True)

        html = _html(client_for(org.officer).get(reverse("cases:case_contacts", args=[ended.pk])))

        assert "Book an appointment" not in html
        assert "This case has ended" in html

    @pytest.mark.parametrize("who", ["other_provider_officer", "other_team_officer", "court_user", "upw"])
    def test_out_of_scope_is_not_found(self, org, client_for, case, who):
        response = client_for(getattr(org, who)).get(reverse("cases:case_contacts", args=[case.pk]))

        assert response.status_code == 404


# Booking an appointment --------------------------------------------------------------------------------------


def _appointment_post(day: date, **overrides) -> dict:
    data = {
        "contact_type": "office_appointment",
        **_date_post("date", day),
        "time": "14:30",
        "duration_minutes": "45",
        "method": "face_to_face",
        "location": "Manchester North probation office",
        "with_whom": "",
        "notes": "",
    }
    data.update(overrides)
    return data


class TestAppointmentNew:
    def test_form_offers_the_teams_staff_with_the_officer_chosen(self, org, client_for, case):
        response = client_for(org.officer).get(reverse("cases:appointment_new", args=[case.pk]))

        assert response.status_code == 200
        html = _html(response)
        assert "Book an appointment" in html
        staff_options = dict(response.context["form"].fields["staff"].choices)
        assert set(staff_options) == {"", org.officer.pk, org.colleague.pk, org.manager.pk, org.upw.pk}
        assert re.search(rf'<option value="{org.officer.pk}" selected>', html)
        assert 'name="date-day"' in html and 'value="face_to_face" checked' in html

    def test_books_and_goes_back_to_the_contacts_tab(self, org, client_for, case):
        day = timezone.localdate() + timedelta(days=3)
        client = client_for(org.colleague)

        response = client.post(
            reverse("cases:appointment_new", args=[case.pk]),
            _appointment_post(day, staff=str(org.colleague.pk), with_whom="Mum"),
        )

        assert response.status_code == 302
        assert response["Location"] == reverse("cases:case_contacts", args=[case.pk])
        contact = Contact.objects.get()
        assert contact.is_appointment
        assert timezone.localtime(contact.starts_at).replace(tzinfo=None) == datetime(
            day.year, day.month, day.day, 14, 30
        )
        assert (contact.staff, contact.recorded_by, contact.with_whom) == (org.colleague, org.colleague, "Mum")
        assert contact.history.get().history_user == org.colleague
        followed = client.get(response["Location"])
        assert f"Appointment booked for {day.day} {day:%B %Y} at 14:30" in _html(followed)

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"location": ""}, "location", "face to face appointments need a location"),
            ({"time": "25:00"}, "time", "Enter the time using the 24-hour clock, like 09:30 or 14:00"),
            ({"time": ""}, "time", "Enter the time"),
            (
                {"duration_minutes": "4"},
                "duration_minutes",
                "The duration must be between 5 and 480 minutes (8 hours).",
            ),
            ({"duration_minutes": "lots"}, "duration_minutes", "Enter the duration as a whole number of minutes"),
            ({"method": "written"}, "method", "Choose face to face, telephone or video call"),
            ({"contact_type": "email_or_letter"}, "contact_type", "Choose a type from the list"),
            ({"staff": str(10**9)}, "staff", "Choose a member of staff of the case's team"),
            ({"date-month": "13"}, "date", "Date must be a real date"),
        ],
    )
    def test_bad_input_is_a_400_and_books_nothing(self, org, client_for, case, overrides, field, message):
        day = timezone.localdate() + timedelta(days=3)

        response = client_for(org.officer).post(
            reverse("cases:appointment_new", args=[case.pk]), _appointment_post(day, **overrides)
        )

        assert response.status_code == 400
        assert any(message in error for error in response.context["form"].errors[field])
        assert "There is a problem" in _html(response)
        assert not Contact.objects.exists()

    def test_more_than_a_year_ahead_shows_on_the_date(self, org, client_for, case):
        response = client_for(org.officer).post(
            reverse("cases:appointment_new", args=[case.pk]),
            _appointment_post(timezone.localdate() + timedelta(days=400)),
        )

        assert response.status_code == 400
        assert response.context["form"].errors["date"] == ["An appointment cannot be booked more than a year ahead."]
        assert not Contact.objects.exists()

    def test_ended_case_is_refused(self, org, client_for):
        ended = factories.CaseFactory(responsible_officer=org.officer, ended=True)
        client = client_for(org.officer)

        page = client.get(reverse("cases:appointment_new", args=[ended.pk]))
        posted = client.post(reverse("cases:appointment_new", args=[ended.pk]), _appointment_post(timezone.localdate()))

        assert page.status_code == posted.status_code == 400
        assert "you cannot book an appointment on an ended case" in _html(page)
        assert not Contact.objects.exists()

    def test_out_of_scope_is_not_found_and_books_nothing(self, org, client_for, case):
        client = client_for(org.other_provider_officer)

        assert client.get(reverse("cases:appointment_new", args=[case.pk])).status_code == 404
        posted = client.post(reverse("cases:appointment_new", args=[case.pk]), _appointment_post(timezone.localdate()))
        assert posted.status_code == 404
        assert not Contact.objects.exists()


# Recording another contact -----------------------------------------------------------------------------------


class TestContactNew:
    def _post(self, **overrides):
        yesterday = timezone.localdate() - timedelta(days=1)
        data = {
            "contact_type": "telephone_call",
            **_date_post("date", yesterday),
            "time": "9:05",
            "method": "telephone",
            "notes": "Called about the housing referral.",
        }
        data.update(overrides)
        return data

    def test_records_a_contact(self, org, client_for, case):
        response = client_for(org.officer).post(reverse("cases:contact_new", args=[case.pk]), self._post())

        assert response.status_code == 302
        contact = Contact.objects.get()
        assert not contact.is_appointment
        assert timezone.localtime(contact.starts_at).time().strftime("%H:%M") == "09:05"
        assert contact.history.get().history_user == org.officer

    def test_form_renders_with_the_user_as_staff(self, org, client_for, case):
        response = client_for(org.colleague).get(reverse("cases:contact_new", args=[case.pk]))

        assert response.status_code == 200
        assert response.context["form"].initial["staff"] == org.colleague.pk

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"notes": ""}, "notes", "Enter notes: say what happened"),
            ({"method": "carrier_pigeon"}, "method", "Choose how the contact happened"),
            ({"date-year": str(timezone.localdate().year + 1)}, "date", "A contact cannot be in the future"),
        ],
    )
    def test_bad_input_is_a_400(self, org, client_for, case, overrides, field, message):
        response = client_for(org.officer).post(reverse("cases:contact_new", args=[case.pk]), self._post(**overrides))

        assert response.status_code == 400
        assert any(message in error for error in response.context["form"].errors[field])
        assert not Contact.objects.exists()

    def test_out_of_scope_is_not_found(self, org, client_for, case):
        response = client_for(org.other_provider_manager).post(
            reverse("cases:contact_new", args=[case.pk]), self._post()
        )

        assert response.status_code == 404
        assert not Contact.objects.exists()


# Recording an outcome ----------------------------------------------------------------------------------------


class TestContactOutcome:
    def test_form_lists_active_outcomes_with_conditional_reasons(self, org, client_for, case):
        contact = _appointment(case, -timedelta(hours=1))

        response = client_for(org.officer).get(reverse("cases:contact_outcome", args=[contact.pk]))

        assert response.status_code == 200
        html = _html(response)
        for name in ("Attended and complied", "Unacceptable absence", "Acceptable absence"):
            assert name in html
        assert 'data-aria-controls="conditional-acceptable_absence"' in html
        assert 'id="conditional-acceptable_absence"' in html
        assert "Stood down by staff (not the person&#x27;s fault)" in html

    def test_records_attended(self, org, client_for, case):
        contact = _appointment(case, -timedelta(hours=1))

        response = client_for(org.officer).post(
            reverse("cases:contact_outcome", args=[contact.pk]), {"outcome": "attended_complied", "notes": "Fine"}
        )

        assert response.status_code == 302
        contact.refresh_from_db()
        assert contact.outcome.code == "attended_complied"
        assert contact.history.latest().history_user == org.officer

    def test_acceptable_absence_without_a_reason_is_a_400(self, org, client_for, case):
        contact = _appointment(case, -timedelta(hours=1))

        response = client_for(org.officer).post(
            reverse("cases:contact_outcome", args=[contact.pk]), {"outcome": "acceptable_absence"}
        )

        assert response.status_code == 400
        assert response.context["form"].errors["absence_reason"] == [
            "Choose why the absence was acceptable: an acceptable absence needs a reason."
        ]
        contact.refresh_from_db()
        assert contact.outcome is None

    def test_acceptable_absence_with_a_reason(self, org, client_for, case):
        contact = _appointment(case, -timedelta(hours=1))

        response = client_for(org.officer).post(
            reverse("cases:contact_outcome", args=[contact.pk]),
            {"outcome": "acceptable_absence", "absence_reason": "medical", "absence_reason_details": "GP letter"},
        )

        assert response.status_code == 302
        contact.refresh_from_db()
        assert (contact.absence_reason, contact.absence_reason_details) == ("medical", "GP letter")

    def test_unknown_outcome_is_a_400(self, org, client_for, case):
        contact = _appointment(case, -timedelta(hours=1))

        response = client_for(org.officer).post(reverse("cases:contact_outcome", args=[contact.pk]), {"outcome": "x"})

        assert response.status_code == 400
        assert response.context["form"].errors["outcome"] == ["Choose an outcome from the list"]

    def test_future_appointment_waits(self, org, client_for, case):
        contact = _appointment(case, timedelta(days=1))
        client = client_for(org.officer)

        page = client.get(reverse("cases:contact_outcome", args=[contact.pk]))
        posted = client.post(reverse("cases:contact_outcome", args=[contact.pk]), {"outcome": "attended_complied"})

        assert page.status_code == 200
        assert "You can record the outcome once the appointment has started." in _html(page)
        assert posted.status_code == 400
        assert "You can record the outcome once the appointment has started" in _html(posted)
        contact.refresh_from_db()
        assert contact.outcome is None

    def test_already_recorded_is_refused(self, org, client_for, case):
        contact = _appointment(
            case,
            -timedelta(days=1),
            outcome=factories.contact_outcome("unacceptable_absence"),
            outcome_recorded_at=timezone.now(),
        )

        response = client_for(org.officer).post(
            reverse("cases:contact_outcome", args=[contact.pk]), {"outcome": "attended_complied"}
        )

        assert response.status_code == 400
        assert "Unacceptable absence" in _html(response) and "It cannot be changed." in _html(response)
        contact.refresh_from_db()
        assert contact.outcome.code == "unacceptable_absence"

    def test_a_contact_that_was_not_booked_has_no_outcome(self, org, client_for, case):
        contact = _appointment(case, -timedelta(days=1), is_appointment=False)

        response = client_for(org.officer).get(reverse("cases:contact_outcome", args=[contact.pk]))

        assert response.status_code == 400
        assert "Only an appointment has an outcome" in _html(response)

    def test_out_of_scope_is_not_found(self, org, client_for, case):
        contact = _appointment(case, -timedelta(hours=1))

        response = client_for(org.other_team_officer).post(
            reverse("cases:contact_outcome", args=[contact.pk]), {"outcome": "attended_complied"}
        )

        assert response.status_code == 404
        contact.refresh_from_db()
        assert contact.outcome is None

    def test_unknown_contact_is_not_found(self, org, client_for):
        assert client_for(org.officer).get(reverse("cases:contact_outcome", args=[10**9])).status_code == 404


# A person's contact log --------------------------------------------------------------------------------------


@pytest.fixture
def log(org, case):
    """A mix of contacts on the person's open case, plus a contact on their earlier case at another provider."""
    attended = factories.contact_outcome("attended_complied")
    failed = factories.contact_outcome("attended_failed_to_comply")
    acceptable = factories.contact_outcome("acceptable_absence")
    rows = {
        "attended": _appointment(case, -timedelta(days=30), outcome=attended, outcome_recorded_at=timezone.now()),
        "failed": _appointment(case, -timedelta(days=20), outcome=failed, outcome_recorded_at=timezone.now()),
        "acceptable": _appointment(
            case,
            -timedelta(days=10),
            outcome=acceptable,
            absence_reason="medical",
            outcome_recorded_at=timezone.now(),
        ),
        "awaiting": _appointment(case, -timedelta(days=2)),
        "call": _appointment(
            case,
            -timedelta(days=1),
            is_appointment=False,
            contact_type=Contact.ContactType.TELEPHONE_CALL,
            method=Contact.Method.TELEPHONE,
            notes="Checked in by phone",
        ),
        "upcoming": _appointment(case, timedelta(days=5)),
    }
    elsewhere = factories.CaseFactory(person=case.person, responsible_officer=org.other_provider_officer, ended=True)
    rows["elsewhere"] = factories.ContactFactory(
        case=elsewhere, starts_at=timezone.now() - timedelta(days=400), notes="Seen by the CRC"
    )
    return rows


def _log_pks(response) -> list[int]:
    return [contact.pk for contact in response.context["page_obj"]]


class TestPersonContacts:
    URL = "cases:person_contacts"

    def test_newest_first_and_only_cases_in_scope(self, org, client_for, case, log):
        response = client_for(org.officer).get(reverse(self.URL, args=[case.person.crn]))

        assert response.status_code == 200
        order = ["upcoming", "call", "awaiting", "acceptable", "failed", "attended"]
        assert _log_pks(response) == [log[key].pk for key in order]
        html = _html(response)
        assert "Seen by the CRC" not in html
        assert (
            '<a class="moj-sub-navigation__link" aria-current="page" href="/people/D100001/contacts/">Contacts</a>'
            in html
        )
        assert "6 contacts, newest first." in html

    def test_the_other_providers_manager_sees_only_their_case(self, org, client_for, case, log):
        response = client_for(org.other_provider_manager).get(reverse(self.URL, args=[case.person.crn]))

        assert _log_pks(response) == [log["elsewhere"].pk]

    @pytest.mark.parametrize(
        ("outcome", "expected"),
        [
            ("attended", ["failed", "attended"]),
            ("failed_to_comply", ["failed"]),
            ("acceptable_absence", ["acceptable"]),
            ("awaiting_outcome", ["awaiting"]),
        ],
    )
    def test_outcome_filter(self, org, client_for, case, log, outcome, expected):
        response = client_for(org.officer).get(reverse(self.URL, args=[case.person.crn]), {"outcome": outcome})

        assert response.status_code == 200
        assert _log_pks(response) == [log[key].pk for key in expected]
        count = len(expected)
        assert f"{count} contact{'s' if count > 1 else ''} match{'' if count > 1 else 'es'} these filters" in _html(
            response
        )

    def test_type_filter(self, org, client_for, case, log):
        response = client_for(org.officer).get(
            reverse(self.URL, args=[case.person.crn]), {"contact_type": "telephone_call"}
        )

        assert _log_pks(response) == [log["call"].pk]

    def test_date_filters_include_both_days(self, org, client_for, case, log):
        start = timezone.localdate(log["acceptable"].starts_at)
        end = timezone.localdate(log["awaiting"].starts_at)

        response = client_for(org.officer).get(
            reverse(self.URL, args=[case.person.crn]), {**_date_post("date_from", start), **_date_post("date_to", end)}
        )

        assert _log_pks(response) == [log["awaiting"].pk, log["acceptable"].pk]

    def test_no_match(self, org, client_for, case, log):
        response = client_for(org.officer).get(
            reverse(self.URL, args=[case.person.crn]), {"contact_type": "home_visit"}
        )

        assert response.status_code == 200
        assert "No contacts match these filters." in _html(response)

    @pytest.mark.parametrize(
        ("params", "field", "message"),
        [
            ({"contact_type": "seance"}, "contact_type", "Choose a type from the list"),
            ({"outcome": "nonsense"}, "outcome", "Choose an outcome from the list"),
            (
                _date_post("date_from", date(2026, 1, 1)) | {"date_from-month": "14"},
                "date_from",
                "From date must be a real date",
            ),
            ({"date_to-day": "1", "date_to-month": "2"}, "date_to", "To date must include a year"),
            (
                _date_post("date_from", date(2026, 2, 1)) | _date_post("date_to", date(2026, 1, 1)),
                "date_to",
                "The \u2018to\u2019 date must be the same as or after the \u2018from\u2019 date",
            ),
        ],
    )
    def test_invalid_filters_are_a_clear_400(self, org, client_for, case, log, params, field, message):
        response = client_for(org.officer).get(reverse(self.URL, args=[case.person.crn]), params)

        assert response.status_code == 400
        assert response.context["form"].errors[field] == [message]
        html = _html(response)
        assert "There is a problem" in html
        assert "Correct the filters to see the contact log." in html

    def test_pages_of_25(self, org, client_for, case, settings):
        for index in range(27):
            _appointment(case, -timedelta(days=index + 1))

        client = client_for(org.officer)
        first = client.get(reverse(self.URL, args=[case.person.crn]), {"outcome": "awaiting_outcome"})
        second = client.get(reverse(self.URL, args=[case.person.crn]), {"outcome": "awaiting_outcome", "page": 2})

        assert len(_log_pks(first)) == settings.PAGE_SIZE == 25
        assert len(_log_pks(second)) == 2
        assert "outcome=awaiting_outcome&amp;page=2" in _html(first)

    @pytest.mark.parametrize("who", ["other_team_officer", "court_user"])
    def test_out_of_scope_is_not_found(self, org, client_for, case, who):
        assert client_for(getattr(org, who)).get(reverse(self.URL, args=[case.person.crn])).status_code == 404


# My caseload's new columns -----------------------------------------------------------------------------------


class TestCaseloadColumns:
    def _row(self, html: str, crn: str) -> str:
        return re.search(
            rf"<tr class=\"govuk-table__row\">\s*<td[^>]*><a[^>]*>[^<]*</a></td>\s*<td[^>]*>{crn}</td>.*?</tr>",
            html,
            re.S,
        ).group(0)

    def test_next_appointment_and_last_contact(self, org, client_for, case):
        soon = _appointment(case, timedelta(days=2))
        _appointment(case, timedelta(days=9))
        _appointment(case, -timedelta(days=1))  # awaiting an outcome: neither next nor contact
        _appointment(
            case,
            -timedelta(days=3),
            outcome=factories.contact_outcome("unacceptable_absence"),
            outcome_recorded_at=timezone.now(),
        )  # missed: not contact
        seen = _appointment(
            case, -timedelta(days=6), outcome=factories.contact_outcome(), outcome_recorded_at=timezone.now()
        )
        _appointment(case, -timedelta(days=12), is_appointment=False, notes="Phone call")
        quiet = factories.CaseFactory(responsible_officer=org.officer, person__crn="Q100001")

        response = client_for(org.officer).get(reverse("cases:caseload"))

        by_crn = {row.person.crn: row for row in response.context["page_obj"]}
        assert by_crn["D100001"].next_appointment_at == soon.starts_at
        assert by_crn["D100001"].last_contact_at == seen.starts_at
        assert by_crn["Q100001"].next_appointment_at is None and by_crn["Q100001"].last_contact_at is None
        html = _html(response)
        assert "Next appointment</th>" in html and "Last contact</th>" in html
        row = self._row(html, "D100001")
        assert timezone.localtime(soon.starts_at).strftime("%-d %b %Y, %H:%M") in row
        assert timezone.localtime(seen.starts_at).strftime("%-d %b %Y") in row
        assert reverse("cases:case_contacts", args=[case.pk]) in row
        quiet_row = self._row(html, quiet.person.crn)
        assert "None booked" in quiet_row and ">None<" in quiet_row

    def test_a_recorded_contact_counts_as_last_contact(self, org, client_for, case):
        call = _appointment(case, -timedelta(hours=3), is_appointment=False, notes="Phone call")

        response = client_for(org.officer).get(reverse("cases:caseload"))

        assert response.context["page_obj"][0].last_contact_at == call.starts_at
