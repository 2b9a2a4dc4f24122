"""order_dates: the dates of each disposal, worked out from its rules (pure function, no database)."""

from datetime import date

import pytest

from cases.models import Disposal
from cases.services.sentencing import OrderDates, order_dates

D = date.fromisoformat

TABLE = [
    # disposal, sentence date, months, given expected release, expected dates
    pytest.param(
        Disposal.COMMUNITY_ORDER,
        "2026-11-02",
        12,
        None,
        OrderDates(start_date=D("2026-11-02"), end_date=D("2027-11-02")),
        id="community order: start + 12 months",
    ),
    pytest.param(
        Disposal.COMMUNITY_ORDER,
        "2027-01-31",
        1,
        None,
        OrderDates(start_date=D("2027-01-31"), end_date=D("2027-02-28")),
        id="community order: a month from 31 January ends on the last day of February",
    ),
    pytest.param(
        Disposal.SUSPENDED_SENTENCE_ORDER,
        "2026-11-02",
        18,
        None,
        OrderDates(start_date=D("2026-11-02"), end_date=D("2028-05-02")),
        id="suspended sentence order: the supervision period",
    ),
    pytest.param(
        Disposal.YOUTH_REHABILITATION_ORDER,
        "2026-06-15",
        36,
        None,
        OrderDates(start_date=D("2026-06-15"), end_date=D("2029-06-15")),
        id="youth rehabilitation order: 36 months",
    ),
    pytest.param(
        Disposal.CUSTODY,
        "2026-01-01",
        12,
        None,
        OrderDates(
            start_date=D("2026-01-01"),
            end_date=D("2027-07-03"),  # PSS end (release + 12 months) is later than the licence end
            expected_release_date=D("2026-07-03"),  # 365 days / 2 = 182.5, rounded up to 183 days
            licence_end_date=D("2027-01-01"),
            post_sentence_supervision_end_date=D("2027-07-03"),
        ),
        id="custody 12 months: halfway release, licence to the end of the term, PSS to release + 12 months",
    ),
    pytest.param(
        Disposal.CUSTODY,
        "2026-01-01",
        12,
        "2026-05-01",
        OrderDates(
            start_date=D("2026-01-01"),
            end_date=D("2027-05-01"),
            expected_release_date=D("2026-05-01"),
            licence_end_date=D("2027-01-01"),
            post_sentence_supervision_end_date=D("2027-05-01"),
        ),
        id="custody with a given release date: PSS runs from it",
    ),
    pytest.param(
        Disposal.CUSTODY,
        "2026-01-01",
        24,
        None,
        OrderDates(
            start_date=D("2026-01-01"),
            end_date=D("2028-01-01"),
            expected_release_date=D("2027-01-01"),  # 730 days / 2
            licence_end_date=D("2028-01-01"),
            post_sentence_supervision_end_date=None,
        ),
        id="custody of 24 months: no post-sentence supervision, ends at licence end",
    ),
    pytest.param(
        Disposal.CUSTODY,
        "2026-03-10",
        23,
        None,
        OrderDates(
            start_date=D("2026-03-10"),
            end_date=D("2028-02-24"),  # the later of licence end and PSS end
            expected_release_date=D("2027-02-24"),  # 702 days / 2 = 351 days
            licence_end_date=D("2028-02-10"),
            post_sentence_supervision_end_date=D("2028-02-24"),
        ),
        id="custody of 23 months: PSS (under 24 months) ends after the licence",
    ),
    pytest.param(
        Disposal.CUSTODY,
        "2026-01-01",
        20,
        "2026-03-01",
        OrderDates(
            start_date=D("2026-01-01"),
            end_date=D("2027-09-01"),  # licence end is later than release + 12 months
            expected_release_date=D("2026-03-01"),
            licence_end_date=D("2027-09-01"),
            post_sentence_supervision_end_date=D("2027-03-01"),
        ),
        id="custody with an early release: the licence ends after PSS, so supervision ends at licence end",
    ),
    pytest.param(
        Disposal.DETENTION_AND_TRAINING_ORDER,
        "2026-04-01",
        8,
        None,
        OrderDates(
            start_date=D("2026-04-01"),
            end_date=D("2026-12-01"),
            expected_release_date=D("2026-08-01"),  # 244 days / 2 = 122 days
        ),
        id="detention and training order: half in custody, the rest supervised in the community",
    ),
    pytest.param(
        Disposal.YOUTH_CONDITIONAL_CAUTION,
        "2026-11-30",
        None,
        None,
        OrderDates(start_date=D("2026-11-30"), end_date=D("2027-02-28"), conditions_complete_by=D("2027-02-28")),
        id="youth conditional caution: conditions within 3 months",
    ),
    pytest.param(
        Disposal.COMMUNITY_RESOLUTION,
        "2026-11-02",
        None,
        None,
        OrderDates(start_date=D("2026-11-02"), end_date=D("2026-11-02")),
        id="community resolution: the day itself",
    ),
    pytest.param(
        Disposal.YOUTH_CAUTION,
        "2026-11-02",
        None,
        None,
        OrderDates(start_date=D("2026-11-02"), end_date=D("2026-11-02")),
        id="youth caution: the day itself",
    ),
    pytest.param(
        Disposal.REFERRAL_ORDER,
        "2026-11-02",
        6,
        None,
        OrderDates(),
        id="referral order before the contract is signed: no dates",
    ),
]


@pytest.mark.parametrize(("disposal", "sentenced", "months", "release", "expected"), TABLE)
def test_order_dates(disposal, sentenced, months, release, expected):
    result = order_dates(
        disposal=disposal,
        sentence_date=D(sentenced),
        length_months=months,
        expected_release_date=D(release) if release else None,
    )

    assert result == expected


def test_referral_order_runs_from_the_signing_of_the_contract():
    result = order_dates(
        disposal=Disposal.REFERRAL_ORDER,
        sentence_date=D("2026-11-02"),
        length_months=9,
        contract_signed_on=D("2026-11-20"),
    )

    assert result == OrderDates(start_date=D("2026-11-20"), end_date=D("2027-08-20"))


def test_actual_release_moves_the_end_of_post_sentence_supervision():
    result = order_dates(
        disposal=Disposal.CUSTODY,
        sentence_date=D("2026-01-01"),
        length_months=6,
        expected_release_date=D("2026-04-02"),
        released_on=D("2026-04-10"),
    )

    assert result.expected_release_date == D("2026-04-02")
    assert result.licence_end_date == D("2026-07-01")
    assert result.post_sentence_supervision_end_date == D("2027-04-10")
    assert result.end_date == D("2027-04-10")


def test_an_order_without_a_length_is_a_programming_error():
    with pytest.raises(ValueError, match="needs a length"):
        order_dates(disposal=Disposal.COMMUNITY_ORDER, sentence_date=D("2026-11-02"))
