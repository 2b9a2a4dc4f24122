"""The oversight pages run the same number of queries with 100 cases as with 2,000 (the issue's "done when").

The data is built by tests/oversight/test_query_counts.grow (bulk rows: people, cases, sentences, clocks, officer
assignments, RoSH assessments, alerts and an answered audit). Each page is requested as the NPS team's manager at
100 cases and again at 2,000; both counts must be the same, and the pages must show the larger figures.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oversight.models import CaseAudit
from tests import factories
from tests.oversight.test_query_counts import LARGE, SMALL, TODAY, grow

PERIOD = "start=2026-07-01&end=2026-09-30"


def pages(org, audit: CaseAudit) -> dict[str, str]:
    return {
        "dashboard": reverse("oversight:dashboard"),
        "dashboard CSV": reverse("oversight:dashboard") + "?format=csv",
        "overdue work": reverse("oversight:overdue_work"),
        "service levels (team)": reverse("oversight:compliance") + f"?{PERIOD}",
        "service levels (region)": reverse("oversight:compliance") + f"?scope=region&{PERIOD}",
        "missed": reverse("oversight:missed") + f"?code=NPS+SL003R&scope=region&{PERIOD}",
        "continuity": reverse("oversight:continuity"),
        "audits": reverse("oversight:audits"),
        "audit": reverse("oversight:audit", args=[audit.pk]),
    }


def count(client, urls: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(captured)
    return counts


@pytest.mark.django_db
def test_oversight_pages_take_the_same_number_of_queries_at_100_and_2000_cases(org, client_for):
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
    urls = pages(org, audit)
    with time_machine.travel(datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        client = client_for(org.manager)
        grow(org, 0, SMALL, nps_officers, crc_officers, audit)
        small = count(client, urls)
        grow(org, SMALL, LARGE, nps_officers, crc_officers, audit)
        large = count(client, urls)
        dashboard = client.get(urls["dashboard"]).content.decode()
    assert small == large, {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    # The pages really show the larger team: 1,800 of the 2,000 cases are the NPS team's, most of them active.
    active = org.team_a.cases.filter(status="active").count()
    assert active > 1000
    assert f"{active:,}" in dashboard or str(active) in dashboard
