"""Stratified random sampling of cases for a quality audit, reproducible from a seed.

The population is split into strata by provider type and RoSH level. Each stratum gets a share of the sample in
proportion to its size (largest remainders decide the last places), with at least one case from every stratum
when the sample is at least as large as the number of strata, so a small stratum (very high risk, say) is never
left out. Cases are drawn within each stratum with `random.Random(seed)`, strata in a fixed order and cases sorted
by id: the same seed and the same population always give the same sample.
"""

import random
from collections import defaultdict
from collections.abc import Hashable, Iterable
from fractions import Fraction


def allocate(sizes: dict[Hashable, int], sample_size: int) -> dict[Hashable, int]:
    """How many to draw from each stratum: proportional, at least one each when the sample allows, never more
    than a stratum holds, summing to min(sample_size, population)."""
    population = sum(sizes.values())
    sample_size = min(sample_size, population)
    strata = sorted((key for key, size in sizes.items() if size), key=repr)
    if not strata or sample_size <= 0:
        return dict.fromkeys(sizes, 0)
    shares = {key: Fraction(sizes[key] * sample_size, population) for key in strata}
    counts = {key: int(shares[key]) for key in strata}
    if sample_size >= len(strata):
        for key in strata:
            counts[key] = max(counts[key], 1)
    # Too many after the minimum of one: take back from the largest allocations first.
    while sum(counts.values()) > sample_size:
        key = max((key for key in strata if counts[key] > 1), key=lambda key: (counts[key] - shares[key], repr(key)))
        counts[key] -= 1
    # Too few: give the remaining places to the largest remainders (ties: the larger stratum, then key order).
    while sum(counts.values()) < sample_size:
        candidates = [key for key in strata if counts[key] < sizes[key]]
        key = max(candidates, key=lambda key: (shares[key] - counts[key], sizes[key]))  # first in key order on a tie
        counts[key] += 1
    return {key: counts.get(key, 0) for key in sizes}


def stratified_sample(population: Iterable[tuple[int, Hashable]], sample_size: int, seed: int) -> list[int]:
    """Draw `sample_size` ids from (id, stratum) pairs; the result is in stratum order, then drawing order."""
    by_stratum: dict[Hashable, list[int]] = defaultdict(list)
    for pk, stratum in population:
        by_stratum[stratum].append(pk)
    counts = allocate({key: len(ids) for key, ids in by_stratum.items()}, sample_size)
    rng = random.Random(seed)
    drawn = []
    for key in sorted(by_stratum, key=repr):
        ids = sorted(by_stratum[key])
        drawn.extend(rng.sample(ids, counts[key]))
    return drawn
