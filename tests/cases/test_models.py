"""Person, Address, Case: CRN format, age, and the invariants the database holds even without services."""

import random
import re
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from cases.models import CRN_PATTERN, Address, Case, Person, PersonAccessLimit, age_on
from cases.services import CRN_LETTERS, crn_generate, person_create
from tests import factories


def test_crn_is_one_letter_and_six_digits_without_i_o_q():
    rng = random.Random(2026)

    crns = [crn_generate(rng) for _ in range(5000)]

    assert all(re.fullmatch(r"[A-HJ-NPR-Z][0-9]{6}", crn) for crn in crns)
    assert all(re.fullmatch(CRN_PATTERN, crn) for crn in crns)
    assert {crn[0] for crn in crns} == set(CRN_LETTERS)
    assert not set("IOQ") & set(CRN_LETTERS)


def test_crn_generate_is_reproducible_with_a_seeded_rng():
    assert crn_generate(random.Random(7)) == crn_generate(random.Random(7))


@pytest.mark.django_db
def test_crn_must_be_unique_in_the_database():
    person = factories.PersonFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.PersonFactory(crn=person.crn)


@pytest.mark.django_db
@pytest.mark.parametrize("crn", ["X12345", "X1234567", "x123456", "1234567", "XX12345", ""])
def test_crn_format_enforced_by_the_database(crn):
    # PostgreSQL refuses an over-long CRN by its column length (DataError) before the check runs.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        factories.PersonFactory(crn=crn)


@pytest.mark.django_db
def test_person_create_retries_when_the_crn_is_taken():
    first = person_create(
        by=None,
        first_name="Ann",
        last_name="One",
        date_of_birth=date(1990, 1, 1),
        gender="female",
        rng=random.Random(1),
    )
    second = person_create(
        by=None,
        first_name="Bea",
        last_name="Two",
        date_of_birth=date(1990, 1, 1),
        gender="female",
        rng=random.Random(1),
    )

    draws = random.Random(1)
    expected = [crn_generate(draws), crn_generate(draws)]
    assert first.crn == expected[0]
    assert second.crn == expected[1]
    assert Person.objects.count() == 2


@pytest.mark.parametrize(
    ("today", "is_child", "age"),
    [
        ("2026-03-14", True, 17),  # the day before the 18th birthday
        ("2026-03-15", False, 18),  # the 18th birthday
        ("2026-03-16", False, 18),
    ],
)
def test_is_child_around_the_eighteenth_birthday(today, is_child, age):
    person = Person(date_of_birth=date(2008, 3, 15))

    with time_machine.travel(date.fromisoformat(today), tick=False):
        assert person.is_child is is_child
        assert person.age() == age


def test_leap_day_birthday_counts_on_first_of_march():
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_names():
    person = Person(first_name="Mary", middle_names="Jane", last_name="Smith", crn="X123456")

    assert person.full_name == "Mary Jane Smith"
    assert person.name_for_list == "Smith, Mary"
    assert str(person) == "Mary Jane Smith (X123456)"


@pytest.mark.django_db
class TestDatabaseConstraintsHoldWithoutServices:
    def test_active_case_needs_a_team_and_officer(self):
        person = factories.PersonFactory()
        provider = factories.ProviderFactory()

        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.create(
                person=person, provider=provider, status="active", team=None, start_date=date(2025, 1, 1)
            )
        assert not Case.objects.exists()

    def test_one_open_case_per_person(self):
        case = factories.CaseFactory()

        with pytest.raises(IntegrityError), transaction.atomic():
            factories.CaseFactory(person=case.person, awaiting_allocation=True)
        # An ended case alongside the open one is fine.
        factories.CaseFactory(person=case.person, ended=True)
        assert case.person.cases.count() == 2

    def test_ended_case_needs_an_end_date_and_open_case_has_none(self):
        person = factories.PersonFactory()

        with pytest.raises(IntegrityError), transaction.atomic():
            factories.CaseFactory(person=person, status=Case.Status.ENDED, end_date=None)
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.CaseFactory(person=person, end_date=date(2025, 6, 1))

    def test_case_cannot_end_before_it_starts(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.CaseFactory(ended=True, start_date=date(2025, 6, 1), end_date=date(2025, 5, 31))

    def test_unknown_case_status(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.CaseFactory(status="suspended")

    def test_two_current_main_addresses_impossible(self):
        address = factories.AddressFactory()

        with pytest.raises(IntegrityError), transaction.atomic():
            factories.AddressFactory(person=address.person)
        # A second current address is fine if it is not the main one.
        factories.AddressFactory(person=address.person, status=Address.Status.SECONDARY)

    def test_address_cannot_end_before_it_starts(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.AddressFactory(start_date=date(2025, 6, 1), end_date=date(2025, 5, 1))

    def test_address_needs_line_and_postcode_unless_no_fixed_abode(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.AddressFactory(line_1="", postcode="")
        nfa = factories.AddressFactory(line_1="", postcode="", no_fixed_abode=True)
        assert str(nfa) == "No fixed abode"

    def test_one_open_access_list_entry_per_person_and_user(self):
        limit = factories.PersonAccessLimitFactory()

        with pytest.raises(IntegrityError), transaction.atomic():
            factories.PersonAccessLimitFactory(
                person=limit.person, user=limit.user, kind=PersonAccessLimit.Kind.RESTRICTION
            )
        factories.PersonAccessLimitFactory(person=limit.person, user=limit.user, ended=True)

    def test_access_limit_end_needs_who(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.PersonAccessLimitFactory(ended=True, ended_by=None)

    def test_full_clean_reports_the_constraint_message(self):
        address = factories.AddressFactory()
        duplicate = Address(person=address.person, line_1="1 Road", postcode="M2 2BB", start_date=date(2025, 1, 1))

        with pytest.raises(ValidationError, match="already has a current main address"):
            duplicate.full_clean()
