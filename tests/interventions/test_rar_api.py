"""RAR API: `rar-activities` (list scoped, filters, create, mark) and `rar-requirements` (figures and days):
scoping (404), validation (400 with field messages, nothing written) and constant query counts."""

from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Contact, Requirement
from interventions.models import RehabilitationActivity
from tests import factories

pytestmark = pytest.mark.django_db

ACTIVITIES = "/api/v1/rar-activities/"
REQUIREMENTS = "/api/v1/rar-requirements/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 25, 12, 0)), tick=False):
        yield


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def make_rar(officer, maximum_days: int = 20) -> Requirement:
    case = factories.CaseFactory(responsible_officer=officer)
    return factories.RequirementFactory(sentence=factories.SentenceFactory(case=case), maximum_days=maximum_days)


@pytest.fixture
def rar(org) -> Requirement:
    return make_rar(org.officer)


def delivered(requirement, day: date, hour: int = 10, code: str = "attended_complied"):
    return factories.RehabilitationActivityFactory(
        requirement=requirement,
        contact__case=requirement.sentence.case,
        contact__starts_at=at(day, hour),
        contact__outcome=factories.contact_outcome(code),
        contact__outcome_recorded_at=timezone.now(),
    )


def body(requirement, **overrides) -> dict:
    data = {
        "requirement": requirement.pk,
        "starts_at": "2026-11-20T10:00:00Z",
        "duration_minutes": 60,
        "activity_type": "one_to_one",
        "need_area": "thinking_and_behaviour",
        "delivered_by_organisation": "Stockport Housing Advice",
        "location": "Manchester North probation office",
    }
    data.update(overrides)
    return data


def unchanged(call):
    counts = (RehabilitationActivity.objects.count(), Contact.objects.count())
    response = call()
    assert (RehabilitationActivity.objects.count(), Contact.objects.count()) == counts
    return response


# rar-activities -------------------------------------------------------------------------------------------


def test_create_with_an_outcome_counts_the_day(org, client_for, rar):
    response = client_for(org.officer).post(
        ACTIVITIES,
        body(rar, outcome="attended_complied", delivered_by=org.officer.pk),
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["requirement"] == rar.pk
    assert data["case"] == rar.sentence.case_id
    assert data["activity_date"] == "2026-11-20"
    assert data["rar_status"] == "counted"
    assert data["delivered_by"] == {"id": org.officer.pk, "name": "Olivia Okafor"}
    assert data["outcome"]["code"] == "attended_complied"
    rar.refresh_from_db()
    assert rar.rar_days_delivered == 1


def test_create_booked_ahead(org, client_for, rar):
    response = client_for(org.officer).post(
        ACTIVITIES, body(rar, starts_at="2026-12-02T14:00:00Z"), content_type="application/json"
    )

    assert response.status_code == 201
    assert response.json()["rar_status"] == "booked"
    assert response.json()["delivered_by"] is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"starts_at": "2026-11-01T10:00:00Z"},
            "starts_at",
            "1 November 2026 is outside the order's dates: this requirement runs from 2 November 2026 to "
            "2 November 2027. Choose a date within that period.",
        ),
        (
            {"duration_minutes": 3},
            "duration_minutes",
            "An activity lasts between 5 and 480 minutes (8 hours): enter its duration.",
        ),
        ({"need_area": ""}, "need_area", "Choose the need area or the plan objective the activity serves."),
        ({"activity_type": "knitting"}, "activity_type", '"knitting" is not a valid choice.'),
        ({"outcome": "nonsense"}, "outcome", "There is no outcome with this code."),
        ({"delivered_by": 999999}, "delivered_by", "There is no member of staff with this id."),
        ({"plan_objective": 999999}, "plan_objective", "Choose an objective of this case's sentence plan."),
    ],
)
def test_create_bad_input_is_400_with_field_messages(org, client_for, rar, overrides, field, message):
    response = unchanged(
        lambda: client_for(org.officer).post(ACTIVITIES, body(rar, **overrides), content_type="application/json")
    )

    assert response.status_code == 400
    assert message in response.json()["errors"][field]


def test_create_past_the_maximum_is_400(org, client_for):
    rar = make_rar(org.officer, maximum_days=1)
    delivered(rar, date(2026, 11, 10))
    rar.rar_days_delivered = 1
    rar.save()

    response = unchanged(lambda: client_for(org.officer).post(ACTIVITIES, body(rar), content_type="application/json"))

    assert response.status_code == 400
    assert response.json()["errors"]["starts_at"][0].startswith(
        "This requirement has reached its maximum of 1 day: 1 day delivered and 0 other days booked."
    )


def test_create_on_a_requirement_that_is_not_a_rar_is_400(org, client_for):
    curfew = factories.RequirementFactory(
        sentence=factories.SentenceFactory(case=factories.CaseFactory(responsible_officer=org.officer)),
        requirement_type=factories.requirement_type("curfew"),
    )

    response = unchanged(
        lambda: client_for(org.officer).post(ACTIVITIES, body(curfew), content_type="application/json")
    )

    assert response.status_code == 400
    assert response.json()["errors"]["requirement"] == [
        "This requirement (Curfew) is not a rehabilitation activity requirement: only a RAR counts activity days."
    ]


@pytest.mark.parametrize("who", ["other_provider_officer", "court_user", "upw"])
def test_create_out_of_scope_is_404(org, client_for, rar, who):
    response = unchanged(
        lambda: client_for(getattr(org, who)).post(ACTIVITIES, body(rar), content_type="application/json")
    )

    assert response.status_code == 404


def test_list_is_scoped_and_filtered(org, client_for, rar):
    mine = delivered(rar, date(2026, 11, 10))
    other = make_rar(org.officer)
    delivered(other, date(2026, 11, 11))
    delivered(make_rar(org.other_provider_officer), date(2026, 11, 12))

    officer = client_for(org.officer)
    assert officer.get(ACTIVITIES).json()["count"] == 2
    filtered = officer.get(ACTIVITIES, {"requirement": rar.pk}).json()
    assert [row["id"] for row in filtered["results"]] == [mine.pk]
    assert officer.get(ACTIVITIES, {"case": rar.sentence.case_id}).json()["count"] == 1
    assert officer.get(f"{ACTIVITIES}{mine.pk}/").status_code == 200
    assert client_for(org.other_provider_officer).get(f"{ACTIVITIES}{mine.pk}/").status_code == 404
    assert client_for(org.other_provider_officer).get(ACTIVITIES).json()["count"] == 1
    for who in ("court_user", "upw"):
        assert client_for(getattr(org, who)).get(ACTIVITIES).json()["count"] == 0


def test_mark_an_appointment(org, client_for, rar):
    contact = factories.ContactFactory(
        case=rar.sentence.case,
        starts_at=at(date(2026, 11, 18)),
        outcome=factories.contact_outcome("attended_complied"),
        outcome_recorded_at=timezone.now(),
    )

    response = client_for(org.officer).post(
        f"{ACTIVITIES}mark/",
        {
            "requirement": rar.pk,
            "contact": contact.pk,
            "activity_type": "mentoring",
            "need_area": "lifestyle",
            "delivered_by": org.officer.pk,
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["contact"] == contact.pk
    rar.refresh_from_db()
    assert rar.rar_days_delivered == 1


def test_mark_bad_input(org, client_for, rar):
    client = client_for(org.officer)
    hidden = factories.ContactFactory(case=factories.CaseFactory(responsible_officer=org.other_provider_officer))
    base = {"requirement": rar.pk, "activity_type": "mentoring", "need_area": "lifestyle", "delivered_by": None}

    response = unchanged(lambda: client.post(f"{ACTIVITIES}mark/", {**base}, content_type="application/json"))
    assert response.status_code == 400
    assert response.json()["errors"]["contact"] == ["This field is required."]

    response = unchanged(
        lambda: client.post(f"{ACTIVITIES}mark/", {**base, "contact": hidden.pk}, content_type="application/json")
    )
    assert response.status_code == 404

    mine = factories.ContactFactory(case=rar.sentence.case, starts_at=at(date(2026, 11, 18)))
    response = unchanged(
        lambda: client.post(f"{ACTIVITIES}mark/", {**base, "contact": mine.pk}, content_type="application/json")
    )
    assert response.status_code == 400
    assert response.json()["errors"]["delivered_by"] == [
        "Say who delivered the activity: choose a member of staff, or enter the organisation that delivered it."
    ]


def _count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def test_list_query_count_is_constant(org, client_for, rar):
    client = client_for(org.manager)
    for index in range(2):
        delivered(rar, date(2026, 11, 3 + index))
    small = _count_queries(client, ACTIVITIES)
    for index in range(2, 20):
        delivered(make_rar(org.colleague), date(2026, 11, 3 + index), code="unacceptable_absence")
    large = _count_queries(client, ACTIVITIES)

    # session and user (5) + team for the scope (1) + count (1) + page (1)
    assert small == large == 8


# rar-requirements ----------------------------------------------------------------------------------------


def test_requirement_progress(org, client_for, rar):
    delivered(rar, date(2026, 11, 10), 9)
    delivered(rar, date(2026, 11, 10), 14)
    delivered(rar, date(2026, 11, 12), code="attended_failed_to_comply")
    rar.rar_days_delivered, rar.last_rar_activity_on = 1, date(2026, 11, 10)
    rar.save()

    response = client_for(org.officer).get(f"{REQUIREMENTS}{rar.pk}/")

    assert response.status_code == 200
    data = response.json()
    assert {key: data[key] for key in ("maximum_days", "days_delivered", "days_remaining", "elapsed_percent")} == {
        "maximum_days": 20,
        "days_delivered": 1,
        "days_remaining": 19,
        "elapsed_percent": 6,
    }
    assert (data["start_date"], data["end_date"], data["inactive"]) == ("2026-11-02", "2027-11-02", False)
    assert [(day["date"], day["counted"], day["reason"], len(day["activities"])) for day in data["days"]] == [
        ("2026-11-10", True, "", 2),
        ("2026-11-12", False, "Failed to comply", 1),
    ]


def test_requirement_scoping_and_type(org, client_for, rar):
    curfew = factories.RequirementFactory(sentence=rar.sentence, requirement_type=factories.requirement_type("curfew"))

    assert client_for(org.officer).get(f"{REQUIREMENTS}{curfew.pk}/").status_code == 404
    for who in ("other_provider_officer", "court_user", "upw"):
        assert client_for(getattr(org, who)).get(f"{REQUIREMENTS}{rar.pk}/").status_code == 404
    assert client_for(org.manager).get(f"{REQUIREMENTS}{rar.pk}/").status_code == 200


def test_requirement_list_flags_inactivity(org, client_for):
    quiet = factories.RequirementFactory(
        sentence=factories.SentenceFactory(
            case=factories.CaseFactory(responsible_officer=org.officer), sentence_date=date(2026, 9, 1)
        )
    )
    busy = make_rar(org.officer)  # started 23 days ago: not flagged yet

    client = client_for(org.officer)
    rows = {row["id"]: row["inactive"] for row in client.get(REQUIREMENTS).json()["results"]}
    assert rows == {quiet.pk: True, busy.pk: False}
    assert [row["id"] for row in client.get(REQUIREMENTS, {"inactive": "true"}).json()["results"]] == [quiet.pk]


def test_requirement_list_query_count_is_constant(org, client_for):
    client = client_for(org.manager)
    for _index in range(2):
        make_rar(org.officer)
    small = _count_queries(client, REQUIREMENTS)
    for _index in range(18):
        make_rar(org.colleague)
    large = _count_queries(client, REQUIREMENTS)

    # session and user (5) + team for the scope (1) + count (1) + page (1)
    assert small == large == 8
