"""Stratified random sampling for case quality audits (oversight.sampling): how many to draw from each stratum, and
a draw that the same seed always repeats.

hypothesis is not in requirements.txt, so the property tests below run the same invariants over a few thousand
populations from a seeded random generator instead (reproducible, and no new dependency).
"""

import random
from collections import Counter
from fractions import Fraction
from math import ceil, floor

import pytest

from oversight.sampling import allocate, stratified_sample


@pytest.mark.parametrize(
    ("sizes", "sample", "expected"),
    [
        # Exactly proportional.
        ({"a": 50, "b": 30, "c": 20}, 10, {"a": 5, "b": 3, "c": 2}),
        # Largest remainders: 3.15, 2.45, 1.4 -> 3, 2, 1 and the last place to b (0.45).
        ({"a": 45, "b": 35, "c": 20}, 7, {"a": 3, "b": 3, "c": 1}),
        # A tie of remainders (4.5 and 1.5) goes to the larger stratum.
        ({"a": 9, "b": 3}, 6, {"a": 5, "b": 1}),
        ({"b": 3, "a": 9}, 6, {"a": 5, "b": 1}),
        # At least one from every stratum when the sample allows: 3.5, 1.0, 0.5 -> 3, 1, 1.
        ({"a": 7, "b": 2, "c": 1}, 5, {"a": 3, "b": 1, "c": 1}),
        # The minimum of one makes too many: taken back from the largest allocation.
        ({"a": 90, "b": 5, "c": 5}, 3, {"a": 1, "b": 1, "c": 1}),
        ({"a": 98, "b": 1, "c": 1}, 3, {"a": 1, "b": 1, "c": 1}),
        # Fewer places than strata: no minimum, proportional (1.96, 0.02, 0.02).
        ({"a": 98, "b": 1, "c": 1}, 2, {"a": 2, "b": 0, "c": 0}),
        # A one-case stratum among large ones.
        ({"a": 1, "b": 100}, 50, {"a": 1, "b": 49}),
        # Never more than a stratum holds; never more than the population.
        ({"a": 2, "b": 3}, 10, {"a": 2, "b": 3}),
        ({"a": 2, "b": 3}, 5, {"a": 2, "b": 3}),
        # Empty strata get nothing and keep their key.
        ({"a": 0, "b": 5}, 3, {"a": 0, "b": 3}),
        ({"a": 0, "b": 0}, 3, {"a": 0, "b": 0}),
        ({"a": 4}, 0, {"a": 0}),
        ({}, 5, {}),
    ],
)
def test_allocate(sizes, sample, expected):
    assert allocate(sizes, sample) == expected


def test_allocate_with_tuple_strata_as_the_audit_uses_them():
    sizes = {("nps_division", 0): 12, ("nps_division", 1): 30, ("nps_division", 2): 40, ("nps_division", 4): 2}
    assert allocate(sizes, 10) == {
        ("nps_division", 0): 1,  # 1.43
        ("nps_division", 1): 3,  # 3.57
        ("nps_division", 2): 5,  # 4.76: the largest remainder takes the last place
        ("nps_division", 4): 1,  # 0.24, raised to the minimum of one
    }
    assert sum(allocate(sizes, 10).values()) == 10


def random_sizes(rng: random.Random) -> dict[str, int]:
    strata = rng.randint(1, 8)
    return {f"s{n}": rng.choice([0, 1, 1, 2, 3, rng.randint(0, 40), rng.randint(0, 400)]) for n in range(strata)}


def test_allocate_properties_over_many_populations():
    rng = random.Random(20261202)
    for _ in range(3000):
        sizes = random_sizes(rng)
        population = sum(sizes.values())
        sample = rng.randint(0, 120)
        counts = allocate(sizes, sample)
        context = (sizes, sample, counts)
        assert set(counts) == set(sizes), context
        assert sum(counts.values()) == min(sample, population), context
        assert all(0 <= counts[key] <= sizes[key] for key in sizes), context
        non_empty = [key for key, size in sizes.items() if size]
        if sample >= len(non_empty):
            assert all(counts[key] >= 1 for key in non_empty), context
        if population and sample <= population and all(sizes[key] * sample >= population for key in non_empty):
            # Every share is at least one, so the minimum changes nothing: each count is its share rounded up or down.
            for key in non_empty:
                share = Fraction(sizes[key] * sample, population)
                assert floor(share) <= counts[key] <= ceil(share), context


def test_allocate_is_independent_of_the_order_of_the_strata():
    rng = random.Random(7)
    for _ in range(500):
        sizes = random_sizes(rng)
        sample = rng.randint(0, 60)
        shuffled = list(sizes.items())
        rng.shuffle(shuffled)
        assert allocate(dict(shuffled), sample) == allocate(sizes, sample)


POPULATION = [(pk, ("nps_division", pk % 4)) for pk in range(1, 201)] + [(pk, ("crc", 3)) for pk in range(201, 211)]


def test_the_same_seed_and_population_give_the_same_sample():
    first = stratified_sample(POPULATION, 12, seed=42)
    assert stratified_sample(POPULATION, 12, seed=42) == first
    assert len(first) == 12
    assert len(set(first)) == 12
    assert set(first) <= {pk for pk, _ in POPULATION}


def test_a_different_seed_gives_a_different_sample():
    samples = {tuple(stratified_sample(POPULATION, 12, seed=seed)) for seed in range(5)}
    assert len(samples) == 5


def test_the_sample_does_not_depend_on_the_order_of_the_population():
    shuffled = list(POPULATION)
    random.Random(3).shuffle(shuffled)
    assert stratified_sample(shuffled, 12, seed=42) == stratified_sample(POPULATION, 12, seed=42)
    assert stratified_sample(reversed(POPULATION), 12, seed=42) == stratified_sample(POPULATION, 12, seed=42)


def test_the_sample_takes_each_strata_allocation():
    strata = dict(POPULATION)
    sample = stratified_sample(POPULATION, 12, seed=9)
    expected = allocate(Counter(stratum for _, stratum in POPULATION), 12)
    assert Counter(strata[pk] for pk in sample) == Counter({key: n for key, n in expected.items() if n})
    # The one CRC stratum of 10 cases among 210 still gets its case.
    assert expected[("crc", 3)] == 1


def test_the_sample_is_in_stratum_order():
    strata = dict(POPULATION)
    sample = stratified_sample(POPULATION, 20, seed=1)
    order = [repr(strata[pk]) for pk in sample]
    assert order == sorted(order)


def test_a_sample_as_large_as_the_population_takes_everyone():
    population = [(pk, "a" if pk < 4 else "b") for pk in range(1, 9)]
    assert sorted(stratified_sample(population, 8, seed=5)) == list(range(1, 9))
    assert sorted(stratified_sample(population, 20, seed=5)) == list(range(1, 9))
    assert stratified_sample([], 5, seed=5) == []


def test_sampling_properties_over_many_draws():
    rng = random.Random(99)
    for _ in range(300):
        sizes = random_sizes(rng)
        population = []
        next_id = 1
        for key, size in sizes.items():
            population.extend((pk, key) for pk in range(next_id, next_id + size))
            next_id += size
        sample_size = rng.randint(0, 30)
        seed = rng.randrange(2**62)
        drawn = stratified_sample(population, sample_size, seed)
        assert drawn == stratified_sample(list(reversed(population)), sample_size, seed)
        assert len(drawn) == len(set(drawn)) == min(sample_size, len(population))
        strata = dict(population)
        counts = Counter(strata[pk] for pk in drawn)
        assert {key: counts.get(key, 0) for key in sizes} == allocate(sizes, sample_size)
