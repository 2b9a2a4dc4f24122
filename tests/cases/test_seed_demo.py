"""`manage.py seed_demo`: deterministic, idempotent demo data that exercises every role, provider and rule.

The tests of the loaded demo share one build (class-scoped, rolled back after the class); the tests that need an
empty database, or several builds, are module functions outside the class.
"""

import re
from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory
from django.test.utils import override_settings

from accounts.models import Court, Provider, Region, Team, User
from cases import demo, demo_journey, selectors
from cases.models import Address, Case, Person, PersonAccessLimit
from oversight import demo as oversight_demo

PEOPLE = 60
HISTORISED = (Region, Provider, Team, Court, User, Person, Address, Case, PersonAccessLimit)


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def fast_hashing():
    """The demo staff's passwords hashed in microseconds (a fresh override each time: they cannot be nested)."""
    return override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


class RolledBack(Exception):
    pass


@pytest.fixture(scope="class")
def seeded_once(django_db_setup, django_db_blocker):
    """`seed_demo --people 60` once for the class; everything is rolled back after its last test."""
    with django_db_blocker.unblock(), fast_hashing():
        try:
            with transaction.atomic():
                yield seed(people=PEOPLE)
                raise RolledBack
        except RolledBack:
            pass


@pytest.fixture
def seeded(seeded_once, db) -> str:
    """The command's output; each test runs in its own transaction inside the class's."""
    return seeded_once


def counts() -> dict[str, int]:
    totals = {model.__name__: model.objects.count() for model in HISTORISED}
    totals.update({f"{model.__name__} history": model.history.count() for model in HISTORISED})
    return totals


def snapshot() -> dict[str, list[tuple]]:
    """Everything the demo writes about people, without database ids, in creation order."""
    person_fields = [
        field.name for field in Person._meta.concrete_fields if field.name not in {"id", "created_at", "crn"}
    ]
    return {
        "people": list(Person.objects.order_by("pk").values_list("crn", *person_fields)),
        "addresses": list(
            Address.objects.order_by("pk").values_list(
                "person__crn",
                "status",
                "no_fixed_abode",
                "line_1",
                "line_2",
                "town",
                "postcode",
                "start_date",
                "end_date",
            )
        ),
        "cases": list(
            Case.objects.order_by("pk").values_list(
                "person__crn",
                "provider__code",
                "team__code",
                "responsible_officer__username",
                "status",
                "start_date",
                "end_date",
            )
        ),
        "access limits": list(
            PersonAccessLimit.objects.order_by("pk").values_list(
                "person__crn", "user__username", "kind", "reason", "added_by__username"
            )
        ),
    }


def build_and_roll_back(**options) -> dict[str, list[tuple]]:
    """Build the demo in its own transaction, take a snapshot, and undo it all: a fresh run each time."""
    try:
        with transaction.atomic():
            demo.demo_build(people=PEOPLE, **options)
            taken = snapshot()
            raise RolledBack
    except RolledBack:
        pass
    assert not Person.objects.exists()
    return taken


@pytest.mark.django_db
def test_if_empty_leaves_a_database_with_staff_alone(db):
    User.objects.create_user(username="someone", role=User.Role.ADMINISTRATOR)
    output = seed(people=PEOPLE, if_empty=True)
    assert "not loaded" in output
    assert not Region.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_clash_with_existing_staff_writes_nothing(db):
    User.objects.create_user(username="officer", role=User.Role.ADMINISTRATOR)
    with pytest.raises(CommandError, match="nothing changed"):
        seed(people=PEOPLE)
    assert not Region.objects.exists()
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_same_seed_gives_the_same_data():
    first = build_and_roll_back(seed=2017, today=date(2026, 3, 2))
    second = build_and_roll_back(seed=2017, today=date(2026, 3, 2))
    assert first == second
    # Names and CRNs do not depend on the day the demo is loaded; dates move with it.
    later = build_and_roll_back(seed=2017, today=date(2027, 6, 30))
    names_and_crns = [(row[0], row[1], row[3]) for row in first["people"]]
    assert [(row[0], row[1], row[3]) for row in later["people"]] == names_and_crns
    # Pinned for seed 2017 and 60 people: a change here means the demo data changed for everyone.
    assert [row[0:4] for row in first["people"][:3]] == [
        ("P429690", "Terry", "Stephen", "Williams"),
        ("M656219", "Bradley", "Harry", "Scott"),
        ("R612802", "Nicola", "", "Williams"),
    ]
    other_seed = build_and_roll_back(seed=1, today=date(2026, 3, 2))
    assert {row[0] for row in other_seed["people"]} != {row[0] for row in first["people"]}


@pytest.mark.django_db
class TestSeededDemo:
    """One `seed_demo --people 60` for all these tests."""

    def test_every_role_and_provider_type_is_present(self, seeded):
        assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
        assert set(Provider.objects.values_list("provider_type", flat=True)) == set(Provider.ProviderType.values)
        assert set(Court.objects.values_list("court_type", flat=True)) == set(Court.CourtType.values)
        for team in Team.objects.all():
            # One team manager each; a senior manager (countersigns recalls) may sit in the team too.
            assert team.members.filter(role=User.Role.MANAGER, senior_manager=False).count() == 1, team
        providers_with_senior_manager = set(
            User.objects.filter(senior_manager=True).values_list("team__provider__code", flat=True)
        )
        assert providers_with_senior_manager == set(Provider.objects.values_list("code", flat=True))
        yot_officers = User.objects.filter(role=User.Role.RESPONSIBLE_OFFICER, team__provider__provider_type="yot")
        assert yot_officers.exists()
        assert all(officer.role_label == "Case manager" for officer in yot_officers)
        assert not User.objects.filter(role=User.Role.COURT_USER, courts__isnull=True).exists()
        administrators = User.objects.filter(role=User.Role.ADMINISTRATOR)
        assert all(user.is_staff for user in administrators)
        assert administrators.filter(is_superuser=True).count() == 1

    def test_counts_are_as_requested(self, seeded):
        # The people asked for, one more for each live stage of the journey (cases/demo_journey.py), and the
        # people of the CRC recalls and breaches in the last full quarter (oversight/demo.py).
        crc_enforcement = len(oversight_demo.CRC_RECALLS) + len(oversight_demo.CRC_BREACHES)
        assert Person.objects.count() == PEOPLE + len(demo_journey.LIVE_PEOPLE) + crc_enforcement
        assert User.objects.count() == len(demo.STAFF)
        assert Provider.objects.count() == 4
        assert Team.objects.count() == 6
        assert Court.objects.count() == len(demo.COURTS)
        assert not Person.objects.filter(cases__isnull=True).exists()
        assert not Person.objects.filter(addresses__isnull=True).exists()
        assert {person.addresses.count() for person in Person.objects.all()} <= {1, 2, 3}
        # Every status: awaiting sentence, awaiting allocation, active and ended.
        statuses = set(Case.objects.values_list("status", flat=True))
        assert statuses == set(Case.Status.values)
        assert not Case.objects.filter(status=Case.Status.ENDED, end_date__isnull=True).exists()
        assert Address.objects.filter(no_fixed_abode=True, end_date__isnull=True).exists()
        # Someone whose earlier case ended and who now has a newer, open one.
        earlier_and_open = [
            person
            for person in Person.objects.prefetch_related("cases")
            if len({case.status for case in person.cases.all()} & {"ended", "active", "awaiting_allocation"}) > 1
        ]
        assert earlier_and_open
        for person in earlier_and_open:
            ended = [case for case in person.cases.all() if case.status == Case.Status.ENDED]
            open_case = next(case for case in person.cases.all() if case.status != Case.Status.ENDED)
            assert all(case.end_date <= open_case.start_date for case in ended)

    def test_running_twice_changes_nothing(self, seeded):
        before = counts()
        output = seed(people=PEOPLE)
        assert "already loaded" in output
        assert counts() == before

    def test_children_are_all_with_the_youth_offending_team(self, seeded):
        children = [person for person in Person.objects.prefetch_related("cases__provider") if person.is_child]
        assert children
        for person in children:
            assert {case.provider.provider_type for case in person.cases.all()} == {"yot"}, person
        adult_open_cases = Case.objects.filter(status__in=Case.OPEN_STATUSES, provider__provider_type="yot")
        assert all(case.person.is_child for case in adult_open_cases.select_related("person"))

    def test_adults_are_split_between_the_nps_and_the_crcs(self, seeded):
        # The people the demo planned (not the live journey's, listed with their CRNs in the output).
        live_block = re.search(r"^  Live cases:\n((?:    .*\n)+)", seeded, re.MULTILINE).group(1)
        live_crns = re.findall(r"^    [^:]+: ([A-Z][0-9]{6}) ", live_block, re.MULTILINE)
        assert len(live_crns) == len(demo_journey.LIVE_PEOPLE)
        active = Case.objects.filter(status=Case.Status.ACTIVE).exclude(person__crn__in=live_crns)
        nps = active.filter(provider__provider_type="nps_division").count()
        crc = active.filter(provider__provider_type="crc").count()
        assert 0.2 < nps / (nps + crc) < 0.45
        # After sentence every adult waits in the NPS division's queue, whichever provider will supervise them.
        waiting = Case.objects.filter(status=Case.Status.AWAITING_ALLOCATION).select_related("provider", "person")
        assert waiting.exists()
        for case in waiting:
            assert case.provider.provider_type == ("yot" if case.person.is_child else "nps_division"), case

    def test_every_active_case_has_a_team_and_officer_of_its_provider(self, seeded):
        active = Case.objects.filter(status=Case.Status.ACTIVE).select_related("team", "responsible_officer")
        assert active.exists()
        for case in active:
            assert case.team.provider_id == case.provider_id
            assert case.responsible_officer.team_id == case.team_id
            assert case.responsible_officer.role == User.Role.RESPONSIBLE_OFFICER
        waiting = Case.objects.filter(status=Case.Status.AWAITING_ALLOCATION)
        assert waiting.exists()
        assert not waiting.filter(team__isnull=False).exists()
        assert not waiting.filter(responsible_officer__isnull=False).exists()

    def test_restricted_people_of_both_kinds(self, seeded):
        limits = PersonAccessLimit.objects.select_related("added_by", "person")
        exclusions = limits.filter(kind=PersonAccessLimit.Kind.EXCLUSION)
        restrictions = limits.filter(kind=PersonAccessLimit.Kind.RESTRICTION)
        assert exclusions.exists()
        assert restrictions.exists()
        assert {limit.added_by.role for limit in limits} == {User.Role.MANAGER}
        assert all(limit.reason for limit in limits)
        for limit in restrictions:
            open_case = limit.person.cases.get(status=Case.Status.ACTIVE)
            allowed = set(limit.person.access_limits.filter(kind="restriction").values_list("user", flat=True))
            assert allowed == {open_case.responsible_officer_id, limit.added_by_id}
        for limit in exclusions:
            assert limit.person.cases.get(status=Case.Status.ACTIVE).responsible_officer_id != limit.user_id

        # The `officer` login shows both: a teammate's person they are excluded from, and a restricted person of
        # their own.
        officer = User.objects.get(username="officer")
        visible = selectors.people_visible_to(officer)
        excluded = exclusions.get(user=officer).person
        assert excluded.cases.get(status=Case.Status.ACTIVE).team_id == officer.team_id
        assert not visible.filter(pk=excluded.pk).exists()
        own_restricted = restrictions.get(user=officer).person
        assert visible.filter(pk=own_restricted.pk).exists()
        assert (
            not selectors.people_visible_to(User.objects.get(username="admin.nps"))
            .filter(pk=own_restricted.pk)
            .exists()
        )

    def test_every_record_has_history_with_the_acting_user(self, seeded):
        for model in (Person, Address, Case, PersonAccessLimit):
            ids = set(model.objects.values_list("pk", flat=True))
            created = model.history.filter(history_type="+", history_user__isnull=False)
            assert set(created.values_list("id", flat=True)) == ids, model.__name__
            assert not model.history.filter(history_user__isnull=True).exists(), model.__name__
        ended = Case.history.filter(status=Case.Status.ENDED, history_type="~")
        assert ended.exists()
        assert {record.history_user.role for record in ended} == {User.Role.MANAGER}

    def test_key_logins_sign_in_with_the_demo_password(self, seeded):
        for username in ("officer", "manager", "yot.officer", "crc.officer", "court", "supervisor", "admin"):
            # django-axes needs the request to authenticate.
            user = authenticate(RequestFactory().post("/login/"), username=username, password=settings.DEMO_PASSWORD)
            assert user is not None, username
            assert user.username == username
            assert (
                authenticate(RequestFactory().post("/login/"), username=username, password="not-the-password") is None
            )

    def test_prints_a_summary_and_demo_logins_lists_every_account(self, seeded):
        assert "People: 60" in seeded
        assert "demo_logins" in seeded
        assert "awaiting sentence" in seeded.split("\n")[1]  # the provider table's heading
        assert "Journey data loaded in" in seeded
        for stage in demo_journey.LIVE_STAGES:
            assert f"    {stage}: " in seeded
        logins = StringIO()
        call_command("demo_logins", stdout=logins)
        listing = logins.getvalue()
        assert settings.DEMO_PASSWORD in listing
        for spec in demo.STAFF:
            assert f"  {spec.username} " in listing
        assert "Courts: " in listing
        assert "(superuser)" in listing
        officer = User.objects.get(username="officer")
        manager = User.objects.get(username="manager")
        assert officer.role == User.Role.RESPONSIBLE_OFFICER
        assert manager.role == User.Role.MANAGER
        assert manager.team_id == officer.team_id
        assert officer.team.provider.provider_type == Provider.ProviderType.NPS_DIVISION
