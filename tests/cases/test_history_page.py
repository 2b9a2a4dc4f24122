"""The history tabs show who changed what: the person's, and the case's."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from cases import services
from cases.models import Case
from tests import factories

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page's visible text, whitespace collapsed, so assertions do not depend on template layout."""
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def person_with_history(org):
    person = services.person_create(
        by=org.manager, first_name="Kai", last_name="Morgan", date_of_birth=date(1993, 7, 9), gender="male"
    )
    services.case_create(
        by=org.manager,
        person=person,
        provider=org.nps,
        team=org.team_a,
        responsible_officer=org.officer,
        start_date=date(2025, 1, 6),
    )
    services.person_update_contact_details(
        by=org.officer, person=person, telephone="0161 496 0123", mobile="", email=""
    )
    services.person_update_contact_details(
        by=org.colleague, person=person, telephone="0161 496 0456", mobile="", email=""
    )
    return person


def test_person_history_shows_who_changed_the_telephone(org, client_for, person_with_history):
    response = client_for(org.officer).get(reverse("cases:person_history", args=[person_with_history.crn]))

    assert response.status_code == 200
    text = _text(response)
    entries = response.context["entries"]
    # Newest first: the colleague's change, the officer's change, the case, the person.
    assert [(entry.what, entry.action, entry.who) for entry in entries] == [
        ("Personal details", "Changed", "Colin Cartwright"),
        ("Personal details", "Changed", "Olivia Okafor"),
        (f"Case {person_with_history.cases.get().pk}", "Created", "Maya Mensah"),
        ("Personal details", "Created", "Maya Mensah"),
    ]
    latest = entries[0]
    assert [(change.field, change.old, change.new) for change in latest.changes] == [
        ("Telephone", "0161 496 0123", "0161 496 0456")
    ]
    assert "by Colin Cartwright" in text
    assert "by Olivia Okafor" in text
    assert "Contact details changed" in text
    html = response.content.decode()
    assert "<del>0161 496 0123</del>" in html
    assert "0161 496 0456" in html


def test_person_history_names_the_officer_on_the_case(org, client_for, person_with_history):
    response = client_for(org.officer).get(reverse("cases:person_history", args=[person_with_history.crn]))

    case_entry = response.context["entries"][2]
    changes = {change.field: change.new for change in case_entry.changes}
    assert changes["Responsible officer"] == "Olivia Okafor"
    assert changes["Team"] == "Manchester North"
    assert changes["Status"] == "Active"
    assert changes["Start date"] == "6 January 2025"


def test_person_history_includes_addresses_and_access_lists(org, client_for, person_with_history):
    services.address_add(
        by=org.officer, person=person_with_history, start_date=date(2025, 1, 6), line_1="1 Mill Lane", postcode="M4 1AB"
    )
    services.access_limit_add(
        by=org.manager, person=person_with_history, user=org.colleague, kind="exclusion", reason="Knows the family."
    )

    url = reverse("cases:person_history", args=[person_with_history.crn])
    manager_view = client_for(org.manager).get(url)
    whats = [(entry.what, entry.who) for entry in manager_view.context["entries"]]
    assert ("Address", "Olivia Okafor") in whats
    assert ("Access list", "Maya Mensah") in whats
    assert "Excluded: must not see this person" in _text(manager_view)

    # Who is excluded, and why, is for managers and administrators only.
    officer_view = client_for(org.officer).get(url)
    whats = [(entry.what, entry.who) for entry in officer_view.context["entries"]]
    assert ("Address", "Olivia Okafor") in whats
    assert not any(what == "Access list" for what, _who in whats)
    assert "Knows the family" not in _text(officer_view)


def test_changes_without_a_user_are_shown_as_system(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer)

    response = client_for(org.officer).get(reverse("cases:person_history", args=[case.person.crn]))

    assert {entry.who for entry in response.context["entries"]} == {"System"}


def test_case_history_shows_the_case_ending(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer, start_date=date(2024, 1, 1))
    services.case_end(
        by=org.manager, case=case, end_date=date(2025, 2, 28), outcome=Case.TerminationOutcome.COMPLETED_POSITIVELY
    )

    response = client_for(org.officer).get(reverse("cases:case_history", args=[case.pk]))

    assert response.status_code == 200
    latest = response.context["entries"][0]
    assert (latest.who, latest.action, latest.reason) == ("Maya Mensah", "Changed", "Case ended: completed positively")
    assert {change.field: (change.old, change.new) for change in latest.changes} == {
        "Status": ("Active", "Ended"),
        "End date": ("Not entered", "28 February 2025"),
        "Termination outcome": ("Not entered", "Completed positively"),
        "Ended by": ("Not entered", "Maya Mensah"),
    }
    assert "by Maya Mensah" in _text(response)


def test_contact_details_post_records_the_signed_in_officer(org, client_for):
    """Through HTTP: HistoryRequestMiddleware and the service both point at the signed-in officer."""
    case = factories.CaseFactory(responsible_officer=org.officer)
    client: Client = client_for(org.officer)

    response = client.post(
        reverse("cases:person_contact_details", args=[case.person.crn]),
        {"telephone": "0161 496 0777", "mobile": "07700 900 982", "email": "kai@example.org"},
    )

    assert response.status_code == 302
    latest = case.person.history.latest()
    assert latest.history_user == org.officer
    assert latest.history_type == "~"
    assert (latest.telephone, latest.mobile, latest.email) == ("0161 496 0777", "07700 900 982", "kai@example.org")


def test_person_history_leaves_out_cases_the_viewer_cannot_see(org, client_for, person_with_history):
    """An earlier case held by another provider stays hidden on the history tab, as it is everywhere else."""
    open_case = person_with_history.cases.get()
    services.case_end(
        by=org.manager, case=open_case, end_date=date(2025, 6, 30), outcome=Case.TerminationOutcome.COMPLETED_POSITIVELY
    )
    crc_case = services.case_create(
        by=org.other_provider_manager,
        person=person_with_history,
        provider=org.crc,
        team=org.team_b,
        responsible_officer=org.other_provider_officer,
        start_date=date(2025, 7, 1),
    )
    # A case of the NPS officer's own team, seen by the NPS officer: in the history.
    nps_view = client_for(org.officer).get(reverse("cases:person_history", args=[person_with_history.crn]))
    nps_cases = {entry.what for entry in nps_view.context["entries"] if entry.what.startswith("Case")}
    assert nps_cases == {f"Case {open_case.pk}"}
    assert "Bethan Barker" not in _text(nps_view)
    assert "Stockport" not in _text(nps_view)

    # The CRC officer sees their own case and not the NPS one.
    crc_view = client_for(org.other_provider_officer).get(
        reverse("cases:person_history", args=[person_with_history.crn])
    )
    crc_cases = {entry.what for entry in crc_view.context["entries"] if entry.what.startswith("Case")}
    assert crc_cases == {f"Case {crc_case.pk}"}
