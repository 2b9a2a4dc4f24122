"""The unpaid work API: scoped lists, writes through the services, 400 with field messages (nothing changed), 404
out of scope."""

from datetime import timedelta

import pytest

from cases.models import Requirement
from interventions.models import UnpaidWorkAttendance, UnpaidWorkProject, UnpaidWorkSession
from tests.interventions import test_unpaid_work_setup as setup
from tests.interventions.test_unpaid_work_setup import TODAY, booking, session, upw_requirement
from timeliness.models import Clock

frozen = setup.frozen
upw = setup.upw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

API = "/api/v1"


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_projects_are_scoped_to_the_providers_unpaid_work(org, upw, client_for):
    mine = client_for(upw.supervisor).get(f"{API}/unpaid-work-projects/").json()
    theirs = client_for(upw.elsewhere_supervisor).get(f"{API}/unpaid-work-projects/").json()

    assert sorted(row["name"] for row in mine["results"]) == ["Park Road allotments", "Skills centre"]
    assert [row["name"] for row in theirs["results"]] == ["Leeds canal"]
    assert client_for(org.officer).get(f"{API}/unpaid-work-projects/").json()["results"] == []
    assert client_for(upw.elsewhere_supervisor).get(f"{API}/unpaid-work-projects/{upw.project.pk}/").status_code == 404


def test_a_manager_adds_a_project_and_others_are_refused(org, upw, client_for):
    data = {"name": "Canal towpath", "project_type": "group_placement", "location": "Lock 4"}

    created = _post(client_for(upw.manager), f"{API}/unpaid-work-projects/", data)
    refused = _post(client_for(upw.supervisor), f"{API}/unpaid-work-projects/", {**data, "name": "Other"})
    bad = _post(client_for(upw.manager), f"{API}/unpaid-work-projects/", {"name": "", "project_type": "x"})

    assert created.status_code == 201
    assert (created.json()["name"], created.json()["provider"]) == ("Canal towpath", upw.crc.pk)
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "non_field_errors": ["Only a manager of Stockport CRC can add unpaid work projects."]
    }
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"name", "project_type", "location"}
    assert _post(client_for(org.officer), f"{API}/unpaid-work-projects/", data).status_code == 403
    assert UnpaidWorkProject.objects.filter(name="Other").count() == 0


def test_sessions_are_added_with_field_messages_and_scoped(upw, client_for):
    data = {
        "project": upw.project.pk,
        "session_date": (TODAY + timedelta(days=3)).isoformat(),
        "start_time": "09:00",
        "end_time": "08:00",
        "capacity": 6,
    }
    client = client_for(upw.supervisor)

    bad = _post(client, f"{API}/unpaid-work-sessions/", data)
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"end_time": ["The session must end after it starts."]}
    other = _post(client, f"{API}/unpaid-work-sessions/", {**data, "project": upw.elsewhere_project.pk})
    assert other.status_code == 404
    assert not UnpaidWorkSession.objects.exists()

    created = _post(client, f"{API}/unpaid-work-sessions/", {**data, "end_time": "16:00"})

    assert created.status_code == 201
    assert {key: created.json()[key] for key in ("minutes", "booked", "status", "capacity")} == {
        "minutes": 420,
        "booked": 0,
        "status": "scheduled",
        "capacity": 6,
    }
    assert client_for(upw.elsewhere_supervisor).get(f"{API}/unpaid-work-sessions/").json()["results"] == []


def test_booking_and_recording_an_outcome(upw, client_for):
    requirement = upw_requirement(upw.officer, hours=40)
    today = session(upw.project, supervisor=upw.supervisor)
    client = client_for(upw.supervisor)

    booked = _post(client, f"{API}/unpaid-work-attendances/", {"session": today.pk, "requirement": requirement.pk})
    assert booked.status_code == 201
    attendance_id = booked.json()["id"]
    again = _post(client, f"{API}/unpaid-work-attendances/", {"session": today.pk, "requirement": requirement.pk})
    assert again.status_code == 400
    assert again.json()["errors"] == {
        "session": [f"{requirement.sentence.case.person.full_name} is already booked on this session."]
    }

    url = f"{API}/unpaid-work-attendances/{attendance_id}/outcome/"
    too_much = _post(
        client, url, {"status": "attended", "penalty_minutes": 421, "work_quality": "good", "behaviour": "good"}
    )
    assert too_much.status_code == 400
    assert too_much.json()["errors"] == {
        "penalty_minutes": ["Penalty minutes cannot be more than the session's 420 minutes (7 hours)."]
    }
    not_an_outcome = _post(client, url, {"status": "booked"})
    assert not_an_outcome.status_code == 400
    assert list(not_an_outcome.json()["errors"]) == ["status"]
    assert UnpaidWorkAttendance.objects.get(pk=attendance_id).status == "booked"

    done = _post(
        client, url, {"status": "attended", "penalty_minutes": 30, "work_quality": "good", "behaviour": "poor"}
    )

    assert done.status_code == 200
    assert (done.json()["credited_minutes"], done.json()["status"]) == (390, "attended")
    assert Requirement.objects.get(pk=requirement.pk).unpaid_work_minutes_credited == 390


def test_booking_is_scoped(org, upw, client_for):
    crc_requirement = upw_requirement(upw.officer)
    nps_requirement = upw_requirement(org.officer)
    today = session(upw.project, supervisor=upw.supervisor)

    # A requirement the caller may not see (an NPS one not passed over, another provider's) is not found.
    for client, requirement in (
        (client_for(upw.supervisor), nps_requirement),
        (client_for(upw.elsewhere_supervisor), crc_requirement),
    ):
        response = _post(
            client, f"{API}/unpaid-work-attendances/", {"session": today.pk, "requirement": requirement.pk}
        )
        assert response.status_code == 404
    missing = _post(client_for(upw.supervisor), f"{API}/unpaid-work-attendances/", {"session": today.pk})
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"requirement": ["This field is required."]}
    assert not UnpaidWorkAttendance.objects.exists()


def test_the_register_action_is_all_or_nothing(upw, client_for):
    today = session(upw.project, supervisor=upw.supervisor)
    first = booking(upw_requirement(upw.officer), today)
    second = booking(upw_requirement(upw.officer), today)
    url = f"{API}/unpaid-work-sessions/{today.pk}/register/"
    good = {"attendance": first.pk, "status": "attended", "work_quality": "good", "behaviour": "good"}

    bad = _post(
        client_for(upw.supervisor),
        url,
        {"entries": [good, {"attendance": second.pk, "status": "unacceptable_absence", "reason": ""}]},
    )
    assert bad.status_code == 400
    assert bad.json()["errors"] == {
        f"attendance-{second.pk}-reason": ["Say why: \u201cUnacceptable absence\u201d needs a reason."]
    }
    assert set(UnpaidWorkAttendance.objects.values_list("status", flat=True)) == {"booked"}
    empty = _post(client_for(upw.supervisor), url, {"entries": []})
    assert empty.status_code == 400
    assert _post(client_for(upw.elsewhere_supervisor), url, {"entries": [good]}).status_code == 404

    done = _post(
        client_for(upw.supervisor),
        url,
        {"entries": [good, {"attendance": second.pk, "status": "unacceptable_absence", "reason": "No show"}]},
    )

    assert done.status_code == 200
    assert [(row["id"], row["status"], row["credited_minutes"]) for row in done.json()] == [
        (first.pk, "attended", 420),
        (second.pk, "unacceptable_absence", 0),
    ]


def test_cancel_and_withdraw_actions(upw, client_for):
    tomorrow = session(upw.project, on=TODAY + timedelta(days=1), supervisor=upw.supervisor)
    first = booking(upw_requirement(upw.officer), tomorrow)
    second = booking(upw_requirement(upw.officer), tomorrow)

    withdrawn = _post(client_for(upw.supervisor), f"{API}/unpaid-work-attendances/{first.pk}/withdraw/", {"reason": ""})
    assert withdrawn.status_code == 400
    assert withdrawn.json()["errors"] == {"reason": ["Say why the person is taken off the session."]}
    assert (
        _post(
            client_for(upw.supervisor), f"{API}/unpaid-work-attendances/{first.pk}/withdraw/", {"reason": "Ill"}
        ).json()["status"]
        == "withdrawn"
    )
    cancelled = _post(client_for(upw.manager), f"{API}/unpaid-work-sessions/{tomorrow.pk}/cancel/", {"reason": "Snow"})
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["booked"]) == ("cancelled", 1)
    second.refresh_from_db()
    assert second.status == "stood_down"


def test_requirement_progress_and_transfer(org, upw, client_for):
    requirement = upw_requirement(org.officer, hours=60)
    url = f"{API}/unpaid-work-requirements/{requirement.pk}/"
    client = client_for(org.officer)

    progress = client.get(url).json()
    assert {key: progress[key] for key in ("ordered_minutes", "credited_minutes", "remaining_minutes", "overdue")} == {
        "ordered_minutes": 3600,
        "credited_minutes": 0,
        "remaining_minutes": 3600,
        "overdue": False,
    }
    assert (progress["completion_deadline"], progress["education_training_cap_minutes"]) == ("2027-11-02", 1080)
    assert (progress["delivered_by"]["name"], progress["transfer"]) == ("NPS North West", None)
    assert [(week["week_start"], week["under_minimum"]) for week in progress["weeks"]] == [
        ("2026-11-02", True),
        ("2026-11-09", True),
        ("2026-11-16", True),
        ("2026-11-23", True),
    ]
    assert client_for(upw.supervisor).get(url).status_code == 404
    assert _post(client_for(upw.officer), f"{url}transfer/", {}).status_code == 404

    future = _post(client, f"{url}transfer/", {"on": (TODAY + timedelta(days=1)).isoformat()})
    assert future.status_code == 400
    assert future.json()["errors"] == {"on": ["The date cannot be in the future."]}
    passed = _post(client, f"{url}transfer/", {"notes": "Works nights"})

    assert passed.status_code == 200
    assert (passed.json()["delivered_by"]["name"], passed.json()["transfer"]["notes"]) == (
        "Stockport CRC",
        "Works nights",
    )
    assert set(Clock.objects.filter(case=requirement.sentence.case).values_list("service_level", flat=True)) == {
        "CRC SL005",
        "CRC SL006",
    }
    assert client_for(upw.supervisor).get(url).status_code == 200
    again = _post(client, f"{url}transfer/", {})
    assert again.status_code == 400
    assert again.json()["errors"] == {
        "non_field_errors": ["This requirement was already passed to Stockport CRC on 25 November 2026."]
    }
