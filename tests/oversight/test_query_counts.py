"""The oversight figures run the same number of queries with 100 cases as with 2,000 (no query per case).

The test builds 100 cases (with people, sentences, clocks, officer assignments, RoSH assessments, alerts and an
answered audit) with bulk_create, counts the queries of each selector, grows the data to 2,000 cases and counts
again. Both counts must equal the pinned number, so any new query shows up here. History rows are not needed to
set the figures up, so bulk_create is used for speed.
"""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, Disposal, OfficerAssignment, Person, Sentence
from oversight.models import QUESTION_CODES, AuditAnswer, AuditedCase, CaseAudit
from oversight.scopes import Scope
from oversight.selectors.audits import results_for_user
from oversight.selectors.compliance import compliance, missed_cases
from oversight.selectors.continuity import continuity, continuity_case_list
from oversight.selectors.overdue import overdue_work
from oversight.selectors.workload import team_workload
from risk.models import RoshAssessment
from tests import factories
from tests.oversight.figures_setup import Q3
from timeliness.models import Alert, Clock

TODAY = date(2026, 12, 2)
SMALL, LARGE = 100, 2000

PINNED = {
    "compliance (team)": 4,
    "compliance (region)": 11,
    "missed_cases (clock)": 2,
    "missed_cases (measure)": 3,
    "team_workload": 3,
    "overdue_work": 7,
    "continuity and one page of cases": 2,
    "results_for_user": 1,
}


def grow(org, start: int, stop: int, nps_officers, crc_officers, audit: CaseAudit) -> None:
    """Cases number `start` to `stop - 1`: nine in ten in Manchester North (NPS), one in ten in Stockport (CRC); one
    in ten ended in July to September 2026 with an outcome, one in ten ended in November 2026, the rest active."""
    numbers = range(start, stop)
    people = Person.objects.bulk_create(
        [
            Person(
                crn=factories.sequence_crn(700_000 + n),
                first_name="Pat",
                last_name=f"Person{n:05d}",
                date_of_birth=date(1970, 1, 1) + timedelta(days=n % 9000),
                gender=Person.Gender.NOT_KNOWN,
            )
            for n in numbers
        ]
    )
    cases = []
    for n, person in zip(numbers, people, strict=True):
        crc = n % 10 == 9
        officer = (crc_officers if crc else nps_officers)[n % (2 if crc else len(nps_officers))]
        ending = n % 10
        ended_on = (
            date(2026, 7, 1) + timedelta(days=n % 90) if ending == 0 else date(2026, 11, 2) if ending == 1 else None
        )
        cases.append(
            Case(
                person=person,
                provider=officer.team.provider,
                team=officer.team,
                responsible_officer=officer,
                status=Case.Status.ENDED if ended_on else Case.Status.ACTIVE,
                start_date=date(2025, 1, 6),
                end_date=ended_on,
                termination_outcome=("completed_positively" if n % 20 == 0 else "revoked") if ended_on else "",
            )
        )
    cases = Case.objects.bulk_create(cases)
    sentences, clocks, assignments, assessments = [], [], [], []
    for n, case in zip(numbers, cases, strict=True):
        custody = n % 3 == 0 and case.status == Case.Status.ACTIVE
        sentences.append(
            Sentence(
                case=case,
                disposal=Disposal.CUSTODY if custody else Disposal.COMMUNITY_ORDER,
                sentence_date=date(2025, 1, 6),
                start_date=date(2025, 1, 6),
                end_date=date(2027, 1, 6),
                length_months=24 if custody else 12,
                released_on=date(2025, 7, 1) if custody and n % 2 else None,
                status=Sentence.Status.CURRENT if case.status == Case.Status.ACTIVE else Sentence.Status.COMPLETED,
            )
        )
        status = ("met", "missed", "open")[n % 3]
        clocks.append(
            Clock(
                case=case,
                service_level="CRC SL001" if case.provider_id == org.crc.pk else "NPS SL003R",
                subject=f"bulk:{n}",
                provider_type=case.provider.provider_type,
                started_on=date(2026, 8, 1),
                due_on=date(2026, 8, 8),
                status=status,
                stopped_on={"met": date(2026, 8, 7), "missed": date(2026, 8, 12), "open": None}[status],
            )
        )
        if n % 7 == 0 and case.status == Case.Status.ACTIVE:
            clocks.append(
                Clock(
                    case=case,
                    service_level="NPS SL002",
                    subject=f"soon:{n}",
                    provider_type=case.provider.provider_type,
                    started_on=TODAY - timedelta(days=2),
                    due_on=TODAY + timedelta(days=1),
                )
            )
        officers = crc_officers if case.provider_id == org.crc.pk else nps_officers
        spells = 1 + n % 3
        for spell in range(spells):
            last = spell == spells - 1
            begins = date(2025, 1, 6) + timedelta(days=60 * spell)
            assignments.append(
                OfficerAssignment(
                    case=case,
                    kind="allocation" if spell == 0 else "transfer_officer",
                    provider=case.provider,
                    team=case.team,
                    responsible_officer=case.responsible_officer if last else officers[(n + spell + 1) % len(officers)],
                    reason="new_case" if spell == 0 else "workload",
                    start_date=begins,
                    end_date=None if last and case.status == Case.Status.ACTIVE else begins + timedelta(days=59),
                    assigned_by=org.manager,
                )
            )
        if n % 4:
            level = 1 + n % 4
            assessments.append(
                RoshAssessment(
                    person_id=case.person_id,
                    kind=RoshAssessment.Kind.FULL,
                    status=RoshAssessment.Status.COMPLETED,
                    assessment_date=date(2026, 1, 5) if n % 4 == 1 else date(2026, 10, 1),
                    risk_to_public=level,
                    risk_to_known_adults=1,
                    risk_to_children=1,
                    risk_to_staff=1,
                    overall_level=level,
                    created_by=case.responsible_officer,
                    completed_by=case.responsible_officer,
                    completed_at=timezone.now(),
                )
            )
    Sentence.objects.bulk_create(sentences)
    clocks = Clock.objects.bulk_create(clocks)
    OfficerAssignment.objects.bulk_create(assignments)
    RoshAssessment.objects.bulk_create(assessments)
    Alert.objects.bulk_create(
        [
            Alert(
                clock=clock,
                recipient=clock.case.responsible_officer,
                kind="overdue" if clock.due_on < TODAY else "due_soon",
                created_at=timezone.now(),
            )
            for clock in clocks
            if clock.status == Clock.Status.OPEN
        ]
    )
    # One audited case in ten of the NPS team's active cases, every question answered.
    active = [case for case in cases if case.team_id == org.team_a.pk and case.status == Case.Status.ACTIVE]
    first_position = AuditedCase.objects.filter(audit=audit).count() + 1
    audited = AuditedCase.objects.bulk_create(
        [
            AuditedCase(
                audit=audit,
                case=case,
                provider_type="nps_division",
                rosh_level=None,
                is_youth=False,
                position=first_position + number,
                completed_on=TODAY,
                completed_by=org.manager,
            )
            for number, case in enumerate(active[::10])
        ]
    )
    AuditAnswer.objects.bulk_create(
        [
            AuditAnswer(
                audited_case=row,
                question=code,
                answer=(row.pk + index) % 2 == 0,
                reason="Seen in the record.",
                answered_by=org.manager,
                answered_on=TODAY,
            )
            for row in audited
            for index, code in enumerate(QUESTION_CODES)
        ]
    )


def count_queries(org) -> tuple[dict[str, int], dict[str, list[str]], dict[str, object]]:
    team = Scope("team", team=org.team_a)
    region = Scope("region", region=org.region)
    calls = {
        "compliance (team)": lambda: compliance(scope=team, period=Q3, today=TODAY),
        "compliance (region)": lambda: compliance(scope=region, period=Q3, today=TODAY),
        "missed_cases (clock)": lambda: missed_cases(
            user=org.manager, scope=region, period=Q3, code="NPS SL003R", today=TODAY
        ),
        "missed_cases (measure)": lambda: missed_cases(
            user=org.manager, scope=region, period=Q3, code="NPS SL018", today=TODAY
        ),
        "team_workload": lambda: team_workload(team=org.team_a),
        "overdue_work": lambda: overdue_work(user=org.manager, team=org.team_a, today=TODAY),
        "continuity and one page of cases": lambda: (
            continuity(team, today=TODAY),
            list(continuity_case_list(user=org.manager, scope=team, today=TODAY)[: settings.PAGE_SIZE]),
        ),
        "results_for_user": lambda: results_for_user(org.manager),
    }
    counts, sql = {}, {}
    results = {}
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as captured:
            results[name] = call()
        counts[name] = len(captured)
        sql[name] = [query["sql"] for query in captured.captured_queries]
    return counts, sql, results


@pytest.mark.django_db
def test_oversight_figures_take_the_same_number_of_queries_at_100_and_2000_cases(org):
    nps_officers = [org.officer, org.colleague] + [factories.OfficerFactory(team=org.team_a) for _ in range(3)]
    crc_officers = [org.other_provider_officer, factories.OfficerFactory(team=org.team_b)]
    audit = CaseAudit.objects.create(
        scope="team",
        team=org.team_a,
        seed=1,
        sample_size=100,
        population_size=5000,
        drawn_by=org.manager,
        drawn_on=TODAY,
    )
    grow(org, 0, SMALL, nps_officers, crc_officers, audit)
    small, small_sql, small_results = count_queries(org)
    grow(org, SMALL, LARGE, nps_officers, crc_officers, audit)
    large, large_sql, large_results = count_queries(org)

    for name, expected in PINNED.items():
        assert small[name] == large[name] == expected, (name, small[name], large[name], "\n".join(large_sql[name]))

    # The data really grew: the figures count twenty times as much.
    def clock_total(result):
        return next(row.total for row in result.rows if row.code == "NPS SL003R")

    assert clock_total(small_results["compliance (team)"]) == 90
    assert clock_total(large_results["compliance (team)"]) == 1800
    # Missed or still running once due: two in three of the NPS cases' clocks (the CRC's are another code).
    assert len(small_results["missed_cases (clock)"].rows) == 60
    assert len(large_results["missed_cases (clock)"].rows) == 1200
    assert large_results["missed_cases (clock)"].hidden == 0
    assert sum(row.active_cases for row in large_results["team_workload"].officers) == 1400
    # Running clocks due by Friday (34 and 667) and risk gaps (35 and 700).
    assert len(small_results["overdue_work"]) == 69
    assert len(large_results["overdue_work"]) == 1367
    assert large_results["continuity and one page of cases"][0].cases == 1800
    assert large_results["results_for_user"][0].adult_answered == 140
