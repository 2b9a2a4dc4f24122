"""Management oversight notes on a case (shared/DOMAIN.md sections 6 and 8): the service's refusals (exact words,
nothing written), and the case's Oversight tab — the notes newest first for anyone who may see the case, the form to
add a case review only for a manager of the case's provider, 404 outside scope, the case navigation, and a constant
number of queries however many notes.

Today is Wednesday 25 November 2026 (frozen). The case is `scoped_cases.own`: Pat Ownley (A100001), held by Olivia
Okafor in Manchester North (NPS North West), whose manager is Maya Mensah.
"""

import re
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import AccessRecord, ManagementOversightNote, PersonAccessLimit
from cases.selectors.oversight import oversight_notes_for_case
from cases.services.oversight import can_record_oversight, oversight_note_add
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
TOMORROW = date(2026, 11, 26)
NOTE = "Reviewed the risk management plan with the officer: contact weekly until the new address is checked."
NOT_A_MANAGER = "Only a manager of the provider holding this case can record management oversight."
OUTSIDERS = ["other_provider_manager", "other_provider_officer", "court_user", "upw", "administrator"]
Kind = ManagementOversightNote.Kind


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


@pytest.fixture
def case(scoped_cases):
    return scoped_cases.own


def state():
    return (
        list(
            ManagementOversightNote.objects.order_by("pk").values_list(
                "pk", "case", "kind", "note", "recorded_on", "recorded_by", "subject"
            )
        ),
        ManagementOversightNote.history.count(),
    )


def refused(**kwargs) -> ValidationError:
    before = state()
    with pytest.raises(ValidationError) as caught:
        oversight_note_add(**kwargs)
    assert state() == before
    return caught.value


def _url(case) -> str:
    return reverse("cases:case_oversight", args=[case.pk])


def _html(response) -> str:
    return response.content.decode()


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _section(html: str, name: str, end: str) -> str:
    start = html.index(">", html.index(f'data-testid="{name}"')) + 1
    return html[start : html.index(end, start)]


def _date(field: str, on: date) -> dict:
    return {f"{field}-day": str(on.day), f"{field}-month": str(on.month), f"{field}-year": str(on.year)}


# The service -------------------------------------------------------------------------------------------------------


def test_a_manager_of_the_provider_adds_a_case_review(org, case):
    note = oversight_note_add(by=org.manager, case=case, note=f"  {NOTE}\n", on=date(2026, 11, 20))

    assert state()[0] == [(note.pk, case.pk, "case_review", NOTE, date(2026, 11, 20), org.manager.pk, "")]
    assert [(row.history_user_id, row.history_change_reason) for row in note.history.all()] == [
        (org.manager.pk, "Management oversight: case review")
    ]


def test_the_date_is_today_when_not_given(org, case):
    assert oversight_note_add(by=org.manager, case=case, note=NOTE).recorded_on == TODAY


def test_a_manager_of_another_team_in_the_provider_and_an_administrator_may(org, case):
    other_team_manager = factories.ManagerFactory(team=org.team_a2)

    assert can_record_oversight(other_team_manager, case)
    assert can_record_oversight(org.administrator, case)
    assert oversight_note_add(by=other_team_manager, case=case, note=NOTE).recorded_by == other_team_manager


@pytest.mark.parametrize("who", ["officer", "colleague", "other_team_officer", "other_provider_manager", "upw"])
def test_only_a_manager_of_the_provider_records_oversight(org, case, who):
    assert not can_record_oversight(getattr(org, who), case)

    assert refused(by=getattr(org, who), case=case, note=NOTE).messages == [NOT_A_MANAGER]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"note": " \n "}, {"note": ["Enter your management oversight note."]}),
        ({"note": "x" * 5001}, {"note": ["The management oversight note must be 5,000 characters or fewer."]}),
        ({"on": TOMORROW}, {"recorded_on": ["The date of the oversight cannot be in the future."]}),
        ({"kind": "supervision"}, {"kind": ["Select what the oversight is about."]}),
    ],
)
def test_a_note_needs_its_words_a_possible_day_and_a_kind(org, case, changes, errors):
    kwargs = {"by": org.manager, "case": case, "note": NOTE, **changes}

    assert refused(**kwargs).message_dict == errors


def test_the_selector_returns_the_cases_notes_newest_first_and_nothing_out_of_scope(org, case, scoped_cases):
    older = oversight_note_add(by=org.manager, case=case, note="First.", on=date(2026, 10, 1))
    newer = oversight_note_add(by=org.manager, case=case, note="Second.", on=date(2026, 11, 2))
    same_day = oversight_note_add(by=org.manager, case=case, note="Third.", on=date(2026, 11, 2))
    oversight_note_add(by=org.other_provider_manager, case=scoped_cases.other_provider, note="Elsewhere.")

    assert list(oversight_notes_for_case(org.officer, case)) == [same_day, newer, older]
    assert list(oversight_notes_for_case(org.other_provider_manager, case)) == []


# The page ----------------------------------------------------------------------------------------------------------


def _notes(org, case) -> list[ManagementOversightNote]:
    """Three notes of different kinds and days, as the services write them."""
    return [
        oversight_note_add(
            by=org.manager,
            case=case,
            note="High risk of serious harm: allocated to an experienced officer.",
            kind=Kind.HIGH_RISK_ALLOCATION,
            on=date(2026, 1, 20),
            subject="sentence:1",
            check_permission=False,
        ),
        oversight_note_add(
            by=org.manager,
            case=case,
            note="Standard recall. The risk cannot be managed.\n\nAlternatives considered: approved premises.",
            kind=Kind.RECALL_DECISION,
            on=date(2026, 11, 23),
            subject="recall:1",
            check_permission=False,
        ),
        oversight_note_add(by=org.manager, case=case, note=NOTE, on=date(2026, 6, 1)),
    ]


class TestTheList:
    def test_the_notes_newest_first_with_kind_date_who_and_note(self, org, case, client_for):
        allocation, recall, review = _notes(org, case)

        html = _html(client_for(org.officer).get(_url(case)))

        rows = re.findall(r'data-testid="oversight-note-(\d+)"', html)
        assert rows == [str(recall.pk), str(review.pk), str(allocation.pk)]
        assert _text(_section(html, f"oversight-note-{recall.pk}", "</tr>")) == (
            "23 November 2026 Recall decision Maya Mensah Standard recall. The risk cannot be managed. "
            "Alternatives considered: approved premises."
        )
        assert (
            _text(_section(html, f"oversight-note-{review.pk}", "</tr>"))
            == f"1 June 2026 Case review Maya Mensah {NOTE}"
        )
        assert _text(_section(html, f"oversight-note-{allocation.pk}", "</tr>")) == (
            "20 January 2026 Allocation of a high risk of serious harm case Maya Mensah "
            "High risk of serious harm: allocated to an experienced officer."
        )
        assert "Notes (3)" in html

    def test_no_notes_yet(self, org, case, client_for):
        html = _html(client_for(org.manager).get(_url(case)))

        assert _text(_section(html, "no-oversight-notes", "</p>")) == (
            "No management oversight has been recorded on this case yet."
        )

    def test_an_officer_sees_the_notes_but_no_form(self, org, case, client_for):
        _notes(org, case)

        response = client_for(org.officer).get(_url(case))

        assert response.status_code == 200
        html = _html(response)
        assert len(re.findall(r'data-testid="oversight-note-\d+"', html)) == 3
        assert 'data-testid="oversight-form"' not in html
        assert "Add a case review" not in html

    def test_a_manager_of_the_provider_gets_the_form_dated_today(self, org, case, client_for):
        html = _html(client_for(org.manager).get(_url(case)))

        form = _section(html, "oversight-form", "</form>")
        assert 'name="note"' in form
        for part, value in (("day", "25"), ("month", "11"), ("year", "2026")):
            assert f'name="recorded_on-{part}" type="text" inputmode="numeric" value="{value}"' in form, part

    def test_the_case_navigation_ends_with_oversight(self, org, case, client_for):
        html = _html(client_for(org.officer).get(_url(case)))

        nav = html[html.index('aria-label="Case navigation"') : html.index("</nav>", html.index("Case navigation"))]
        assert re.findall(r'class="moj-sub-navigation__link"[^>]*>([^<]+)<', nav) == [
            "Summary",
            "Court and reports",
            "Sentence",
            "Officers",
            "Appointments and contacts",
            "Plan",
            "Delivery",
            "Compliance",
            "Service levels",
            "History",
            "Oversight",
        ]
        assert f'aria-current="page" href="{_url(case)}">Oversight</a>' in nav
        summary = _html(client_for(org.officer).get(reverse("cases:case", args=[case.pk])))
        assert f'href="{_url(case)}">Oversight</a>' in summary

    @pytest.mark.parametrize("who", OUTSIDERS)
    def test_outside_the_users_scope_is_not_found(self, org, case, client_for, who):
        _notes(org, case)
        before = state()
        client = client_for(getattr(org, who))

        assert client.get(_url(case)).status_code == 404
        assert client.post(_url(case), {"note": NOTE, **_date("recorded_on", TODAY)}).status_code == 404
        assert state() == before

    def test_opening_a_restricted_person_writes_an_access_record(self, org, case, client_for):
        factories.PersonAccessLimitFactory(
            person=case.person, user=org.officer, kind=PersonAccessLimit.Kind.RESTRICTION
        )

        assert client_for(org.officer).get(_url(case)).status_code == 200

        assert list(AccessRecord.objects.values_list("person", "user", "path")) == [
            (case.person.pk, org.officer.pk, _url(case))
        ]


class TestAddingANote:
    def test_a_manager_adds_a_case_review(self, org, case, client_for):
        client = client_for(org.manager)

        response = client.post(_url(case), {"note": NOTE, **_date("recorded_on", date(2026, 11, 24))})

        assert response.status_code == 302
        assert response["Location"] == _url(case)
        assert state()[0] == [
            (
                ManagementOversightNote.objects.get().pk,
                case.pk,
                "case_review",
                NOTE,
                date(2026, 11, 24),
                org.manager.pk,
                "",
            )
        ]
        page = _html(client.get(_url(case)))
        assert "Management oversight note added." in page
        assert f'data-testid="oversight-note-{ManagementOversightNote.objects.get().pk}"' in page

    def test_bad_input_shows_the_problems_and_changes_nothing(self, org, case, client_for):
        before = state()

        response = client_for(org.manager).post(_url(case), {"note": "", **_date("recorded_on", TOMORROW)})

        assert response.status_code == 400
        assert state() == before
        # The form's own check first; the service (not in the future) is not called while the form fails.
        assert _text(_section(_html(response), "error-summary", "</ul>")) == (
            "There is a problem Enter your management oversight note."
        )

    def test_a_day_in_the_future_is_refused_by_the_service(self, org, case, client_for):
        before = state()

        response = client_for(org.manager).post(_url(case), {"note": NOTE, **_date("recorded_on", TOMORROW)})

        assert response.status_code == 400
        assert state() == before
        assert _text(_section(_html(response), "error-summary", "</ul>")) == (
            "There is a problem The date of the oversight cannot be in the future."
        )

    def test_a_date_that_is_not_one(self, org, case, client_for):
        response = client_for(org.manager).post(
            _url(case), {"note": NOTE, "recorded_on-day": "31", "recorded_on-month": "2", "recorded_on-year": "2026"}
        )

        assert response.status_code == 400
        assert not ManagementOversightNote.objects.exists()
        assert _text(_section(_html(response), "error-summary", "</ul>")) == (
            "There is a problem Date of the oversight must be a real date"
        )

    @pytest.mark.parametrize("who", ["officer", "colleague"])
    def test_someone_who_sees_the_case_but_is_not_a_manager_is_refused(self, org, case, client_for, who):
        before = state()

        response = client_for(getattr(org, who)).post(_url(case), {"note": NOTE, **_date("recorded_on", TODAY)})

        assert response.status_code == 400
        assert state() == before
        assert _text(_section(_html(response), "refusal", "</strong>\n")) == f"Warning {NOT_A_MANAGER}"


# Queries -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_the_page_runs_the_same_queries_with_1_or_20_notes(org, case, client_for, django_assert_num_queries, who):
    client = client_for(getattr(org, who))
    client.get(_url(case))  # the session's first write out of the way

    def add(count: int) -> None:
        for index in range(count):
            oversight_note_add(by=org.manager, case=case, note=f"Review {index}.", on=date(2026, 11, 1 + index % 20))

    add(1)
    with django_assert_num_queries(PINNED[who]):
        assert client.get(_url(case)).status_code == 200
    add(19)
    with django_assert_num_queries(PINNED[who]):
        response = client.get(_url(case))
    assert len(re.findall(r'data-testid="oversight-note-\d+"', _html(response))) == 20


# The session (read, then saved with its savepoint), the user, their team and provider (the alerts panel and the
# manager's rule), the alerts panel, the case, the header's person flags (registrations, the RoSH level), and the
# notes' count and page.
PINNED = {"officer": 13, "manager": 13}
