"""Shared test helper: an exact count never exceeds an upper bound of :mod:`analyzer.bounds`.

Used by test_bounds.py, test_constructions.py and test_certificate.py on every network they count.
An upper bound below an exact count means the count or the bound is wrong (DESIGN.md: a count that is
off by one is worse than no count), so the helper names every violated bound in its failure message.
"""
from __future__ import annotations

from analyzer.bounds import check, network_bounds, violations


def assert_no_upper_bound_violated(net, regions) -> None:
    """``regions``: a RegionSet, or ``(total, per_layer)`` as returned by ``count_regions``.

    Counts on a bounded domain are at most the count over R^n0, so every upper bound still applies."""
    if hasattr(regions, "activation_regions"):
        total, per_layer = regions.activation_regions, tuple(regions.per_layer)
    else:
        total, per_layer = regions
    bounds = network_bounds(net)
    checks = check(bounds, total, per_layer)
    broken = violations(checks)
    assert not broken, "exact count exceeds upper bound(s): " + "; ".join(
        f"{c.bound.name} = {c.bound.value} < {c.count}" for c in broken)
    # not vacuous: at least one upper bound was compared with the count and held
    assert any(c.holds is True for c in checks), [(c.bound.name, c.bound.value, c.holds) for c in checks]
