"""cases.services: bad input gets a clear error and changes nothing; good input is recorded with its author."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from cases.models import Address, Case, Person, PersonAccessLimit
from tests import factories

pytestmark = pytest.mark.django_db


def _person(by=None, **overrides):
    values = {
        "by": by,
        "first_name": " Jade ",
        "last_name": " Ellis ",
        "date_of_birth": date(1991, 4, 2),
        "gender": Person.Gender.FEMALE,
    }
    values.update(overrides)
    return services.person_create(**values)


class TestPersonCreate:
    def test_creates_with_a_crn_and_records_the_officer(self, org):
        person = _person(org.officer, email=" jade@example.org ")

        assert (person.first_name, person.last_name, person.email) == ("Jade", "Ellis", "jade@example.org")
        record = person.history.get()
        assert (record.history_type, record.history_user) == ("+", org.officer)

    def test_future_date_of_birth_refused(self):
        with time_machine.travel(date(2026, 5, 1), tick=False):
            with pytest.raises(ValidationError) as error:
                _person(date_of_birth=date(2026, 5, 2))
            assert "date_of_birth" in error.value.message_dict
            assert not Person.objects.exists()
            # Born today is allowed.
            assert _person(date_of_birth=date(2026, 5, 1)).pk

    def test_blank_names_and_unknown_gender_refused(self):
        with pytest.raises(ValidationError) as error:
            _person(first_name="  ", last_name="", gender="robot")

        assert {"first_name", "last_name", "gender"} <= set(error.value.message_dict)
        assert not Person.objects.exists()


class TestContactDetails:
    def test_update_records_the_user_and_reason(self, org):
        person = factories.PersonFactory(telephone="0161 496 0000")

        services.person_update_contact_details(
            by=org.officer, person=person, telephone=" 0161 496 0999 ", mobile="", email="new@example.org"
        )

        person.refresh_from_db()
        assert person.telephone == "0161 496 0999"
        latest = person.history.latest()
        assert (latest.history_type, latest.history_user) == ("~", org.officer)
        assert latest.history_change_reason == "Contact details changed"
        assert latest.prev_record.telephone == "0161 496 0000"

    def test_invalid_email_refused_and_nothing_changes(self, org):
        person = factories.PersonFactory(email="old@example.org")

        with pytest.raises(ValidationError) as error:
            services.person_update_contact_details(
                by=org.officer, person=person, telephone="", mobile="", email="not-an-email"
            )

        assert "email" in error.value.message_dict
        person.refresh_from_db()
        assert person.email == "old@example.org"
        assert person.history.count() == 1


class TestAddressAdd:
    def test_new_main_address_moves_the_old_one_to_previous(self, org):
        person = factories.PersonFactory()
        first = services.address_add(
            by=org.officer, person=person, start_date=date(2020, 1, 1), line_1="1 Old Road", postcode="m1 1aa"
        )

        second = services.address_add(
            by=org.colleague, person=person, start_date=date(2025, 3, 1), line_1="2 New Street", postcode="M2 2BB"
        )

        first.refresh_from_db()
        assert (first.status, first.end_date) == (Address.Status.PREVIOUS, date(2025, 3, 1))
        assert first.postcode == "M1 1AA"
        assert Address.objects.filter(person=person, status=Address.Status.MAIN, end_date__isnull=True).get() == second
        created = second.history.get()
        assert (created.history_type, created.history_user) == ("+", org.colleague)
        moved = first.history.latest()
        assert (moved.history_type, moved.history_user) == ("~", org.colleague)
        assert moved.history_change_reason == "Replaced by a new main address"
        assert first.history.earliest().history_user == org.officer

    def test_new_main_address_cannot_start_before_the_current_one(self, org):
        person = factories.PersonFactory()
        current = services.address_add(
            by=org.officer, person=person, start_date=date(2024, 1, 1), line_1="1 Old Road", postcode="M1 1AA"
        )

        with pytest.raises(ValidationError) as error:
            services.address_add(
                by=org.officer, person=person, start_date=date(2023, 12, 31), line_1="2 New St", postcode="M2 2BB"
            )

        assert "start_date" in error.value.message_dict
        current.refresh_from_db()
        assert (current.status, current.end_date) == (Address.Status.MAIN, None)
        assert person.addresses.count() == 1
        assert current.history.count() == 1

    def test_address_needs_line_and_postcode_unless_no_fixed_abode(self, org):
        person = factories.PersonFactory()

        with pytest.raises(ValidationError, match="Enter the first line and postcode"):
            services.address_add(by=org.officer, person=person, start_date=date(2024, 1, 1))
        assert not person.addresses.exists()

        nfa = services.address_add(by=org.officer, person=person, start_date=date(2024, 1, 1), no_fixed_abode=True)
        assert str(nfa) == "No fixed abode"

    def test_invalid_second_main_address_leaves_the_first_current(self, org):
        """The new address fails validation after the old one was moved: the whole write rolls back."""
        person = factories.PersonFactory()
        current = services.address_add(
            by=org.officer, person=person, start_date=date(2024, 1, 1), line_1="1 Old Road", postcode="M1 1AA"
        )

        with pytest.raises(ValidationError):
            services.address_add(by=org.officer, person=person, start_date=date(2025, 1, 1), line_1="No postcode")

        current.refresh_from_db()
        assert (current.status, current.end_date) == (Address.Status.MAIN, None)
        assert current.history.count() == 1

    def test_secondary_address_does_not_end_the_main_one(self, org):
        person = factories.PersonFactory()
        main = services.address_add(
            by=org.officer, person=person, start_date=date(2024, 1, 1), line_1="1 Road", postcode="M1 1AA"
        )

        services.address_add(
            by=org.officer,
            person=person,
            start_date=date(2025, 1, 1),
            status=Address.Status.SECONDARY,
            line_1="Flat 2",
            postcode="M3 3CC",
        )

        main.refresh_from_db()
        assert main.end_date is None
        assert person.addresses.filter(end_date__isnull=True).count() == 2


class TestCaseCreate:
    def test_active_case_with_team_and_officer(self, org):
        person = factories.PersonFactory()

        case = services.case_create(
            by=org.manager,
            person=person,
            provider=org.nps,
            team=org.team_a,
            responsible_officer=org.officer,
            start_date=date(2025, 2, 3),
        )

        assert case.status == Case.Status.ACTIVE
        record = case.history.get()
        assert (record.history_type, record.history_user) == ("+", org.manager)

    def test_without_an_officer_it_awaits_allocation(self, org):
        case = services.case_create(
            by=org.manager, person=factories.PersonFactory(), provider=org.nps, start_date=date(2025, 2, 3)
        )

        assert (case.status, case.team, case.responsible_officer) == (Case.Status.AWAITING_ALLOCATION, None, None)

    def test_team_of_another_provider_refused(self, org):
        person = factories.PersonFactory()

        with pytest.raises(ValidationError) as error:
            services.case_create(
                by=org.manager,
                person=person,
                provider=org.nps,
                team=org.team_b,
                responsible_officer=org.other_provider_officer,
                start_date=date(2025, 2, 3),
            )

        assert error.value.message_dict["team"] == ["Stockport is not a team of NPS North West."]
        assert not Case.objects.exists()

    def test_officer_outside_the_team_refused(self, org):
        with pytest.raises(ValidationError) as error:
            services.case_create(
                by=org.manager,
                person=factories.PersonFactory(),
                provider=org.nps,
                team=org.team_a,
                responsible_officer=org.other_team_officer,
                start_date=date(2025, 2, 3),
            )

        assert set(error.value.message_dict) == {"responsible_officer"}
        assert "not a member of the chosen team" in error.value.message_dict["responsible_officer"][0]
        assert not Case.objects.exists()

    def test_officer_without_a_team_refused(self, org):
        with pytest.raises(ValidationError) as error:
            services.case_create(
                by=org.manager,
                person=factories.PersonFactory(),
                provider=org.nps,
                responsible_officer=org.officer,
                start_date=date(2025, 2, 3),
            )

        assert "responsible_officer" in error.value.message_dict
        assert not Case.objects.exists()

    @pytest.mark.parametrize("holder", ["upw", "court_user", "administrator"])
    def test_staff_who_cannot_hold_cases_refused(self, org, holder):
        with pytest.raises(ValidationError) as error:
            services.case_create(
                by=org.manager,
                person=factories.PersonFactory(),
                provider=org.nps,
                team=org.team_a,
                responsible_officer=getattr(org, holder),
                start_date=date(2025, 2, 3),
            )

        assert "cannot hold a case" in error.value.message_dict["responsible_officer"][0]
        assert not Case.objects.exists()

    def test_second_open_case_refused(self, org):
        existing = factories.CaseFactory(responsible_officer=org.officer)

        with pytest.raises(ValidationError, match="already has an open case"):
            services.case_create(by=org.manager, person=existing.person, provider=org.nps, start_date=date(2025, 3, 1))

        assert existing.person.cases.count() == 1

    def test_new_case_after_the_old_one_ended(self, org):
        old = factories.CaseFactory(responsible_officer=org.officer, ended=True)

        new = services.case_create(by=org.manager, person=old.person, provider=org.nps, start_date=date(2025, 3, 1))

        assert new.status == Case.Status.AWAITING_ALLOCATION


class TestCaseEnd:
    def test_ending_records_the_user_and_reason(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer, start_date=date(2024, 1, 1))

        services.case_end(
            by=org.officer, case=case, end_date=date(2025, 1, 1), outcome=Case.TerminationOutcome.COMPLETED_POSITIVELY
        )

        case.refresh_from_db()
        assert (case.status, case.end_date) == (Case.Status.ENDED, date(2025, 1, 1))
        latest = case.history.latest()
        assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
            "~",
            org.officer,
            "Case ended: completed positively",
        )

    def test_cannot_end_twice(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer, ended=True)

        with pytest.raises(ValidationError) as error:
            services.case_end(
                by=org.officer, case=case, end_date=date(2025, 6, 1), outcome=Case.TerminationOutcome.REVOKED
            )

        assert "status" in error.value.message_dict
        case.refresh_from_db()
        assert case.end_date == date(2025, 1, 15)

    def test_cannot_end_before_it_started(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer, start_date=date(2024, 1, 1))

        with pytest.raises(ValidationError, match="The case cannot end before it started on 1 January 2024."):
            services.case_end(
                by=org.officer,
                case=case,
                end_date=date(2023, 12, 31),
                outcome=Case.TerminationOutcome.COMPLETED_POSITIVELY,
            )

        case.refresh_from_db()
        assert (case.status, case.end_date) == (Case.Status.ACTIVE, None)
        assert case.history.count() == 1


class TestAccessLimits:
    def test_manager_adds_and_ends_an_entry_with_history(self, org):
        person = factories.PersonFactory()

        limit = services.access_limit_add(
            by=org.manager, person=person, user=org.colleague, kind="exclusion", reason="  Neighbour of the person. "
        )
        assert limit.reason == "Neighbour of the person."
        created = limit.history.get()
        assert (created.history_type, created.history_user) == ("+", org.manager)

        with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
            services.access_limit_end(by=org.administrator, access_limit=limit)

        limit.refresh_from_db()
        assert limit.ended_by == org.administrator
        assert limit.ended_at is not None
        ended = limit.history.latest()
        assert (ended.history_type, ended.history_user) == ("~", org.administrator)

    def test_officers_cannot_change_access_lists(self, org):
        person = factories.PersonFactory()

        with pytest.raises(ValidationError, match="Only managers and administrators"):
            services.access_limit_add(by=org.officer, person=person, user=org.colleague, kind="exclusion", reason="x")
        assert not PersonAccessLimit.objects.exists()

        limit = factories.PersonAccessLimitFactory(person=person, user=org.colleague)
        with pytest.raises(ValidationError, match="Only managers and administrators"):
            services.access_limit_end(by=org.officer, access_limit=limit)
        limit.refresh_from_db()
        assert limit.ended_at is None

    def test_cannot_exclude_yourself(self, org):
        with pytest.raises(ValidationError) as error:
            services.access_limit_add(
                by=org.manager, person=factories.PersonFactory(), user=org.manager, kind="exclusion", reason="x"
            )

        assert "user" in error.value.message_dict
        assert not PersonAccessLimit.objects.exists()

    def test_reason_required(self, org):
        with pytest.raises(ValidationError) as error:
            services.access_limit_add(
                by=org.manager, person=factories.PersonFactory(), user=org.officer, kind="exclusion", reason="   "
            )

        assert "reason" in error.value.message_dict

    def test_second_open_entry_for_the_same_user_refused(self, org):
        person = factories.PersonFactory()
        services.access_limit_add(by=org.manager, person=person, user=org.officer, kind="exclusion", reason="x")

        with pytest.raises(ValidationError, match="already on this person's access lists"):
            services.access_limit_add(by=org.manager, person=person, user=org.officer, kind="restriction", reason="y")
        assert person.access_limits.count() == 1

    def test_cannot_end_twice(self, org):
        limit = factories.PersonAccessLimitFactory(ended=True)
        ended_at = limit.ended_at

        with pytest.raises(ValidationError, match="already been ended"):
            services.access_limit_end(by=org.manager, access_limit=limit)

        limit.refresh_from_db()
        assert limit.ended_at == ended_at


def test_access_record_write_truncates_long_paths(org):
    person = factories.PersonFactory()

    record = services.access_record_write(person=person, user=org.officer, path="/people/" + "x" * 400)

    assert len(record.path) == 300
    assert record.user == org.officer
