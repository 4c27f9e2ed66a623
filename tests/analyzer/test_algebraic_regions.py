"""analyzer/algebraic_regions.py: at rational parameters, the same patterns and counts as the engine
(a separate implementation in rational arithmetic); at irrational ones, hand counts, and at
irrational values where no count changes, the engine's count at a rational point of the same interval.
"""
from __future__ import annotations

import random
from fractions import Fraction as F

import flint
import pytest

from analyzer.algebraic_regions import count_at, regions_at
from analyzer.domain import all_space, box
from analyzer.enumerate import enumerate_regions
from analyzer.parametric import parametric_network
from analyzer.sweep import critical_values
from geometry.algebraic import compare, rational_between, real_roots
from test_parametric import random_parametric

SQRT2 = real_roots(flint.fmpq_poly([-2, 0, 1]), F(0), F(2))[0]
MINUS_SQRT2 = real_roots(flint.fmpq_poly([-2, 0, 1]), F(-2), F(0))[0]


@pytest.mark.parametrize("n0, widths, acts, domain", [
    (2, [3, 2], ["relu", "relu"], box([-1, -1], [1, 1])),
    (2, [3, 2], ["hardtanh", "abs"], all_space(2)),
    (2, [4, 2], ["maxout:2", "leaky_relu:1/2"], box([-2, -1], [1, 2])),
    (1, [3, 3], ["relu", "hardtanh"], all_space(1)),
    (1, [4, 2], ["maxout:2", "abs"], box([-2], [3])),
])
def test_rational_values_agree_with_the_engine(n0, widths, acts, domain):
    rng = random.Random(n0 * 10 + len(widths))
    net = random_parametric(rng, n0, widths, acts)
    for tau in (F(-1), F(0), F(1, 2), F(3, 2)):
        regions = enumerate_regions(net.at(tau), domain)
        mine = regions_at(net, domain, tau)
        assert [r.pattern for r in mine] == [r.pattern for r in regions.regions], tau
        assert count_at(net, domain, tau) == (regions.activation_regions, regions.linear_regions), tau


def test_three_lines_concurrent_at_sqrt2_by_hand():
    """x = 0, y = 0, x + y = t^2 - 2: three lines through the origin at t = +-sqrt 2, 6 sectors; in
    [-1, 1]^2 the diagonal x + y = 0 halves two of the four quadrant squares: 6 as well."""
    net = parametric_network([([[1, 0], [0, 1], [1, 1]], [0, 0, "2 - t**2"], "relu"), ([[1, -1, 2]], [0], "identity")])
    for value in (SQRT2, MINUS_SQRT2):
        assert count_at(net, all_space(2), value) == (6, 6)
        assert count_at(net, box([-1, -1], [1, 1]), value) == (6, 6)


def test_breakpoints_coinciding_at_sqrt2_by_hand():
    """relu(x - t^2) + relu(x - 2) on R: breakpoints t^2 and 2, one at t = sqrt 2 (2 pieces) and two
    elsewhere (3 pieces, slopes 0, 1, 2)."""
    net = parametric_network([([[1], [1]], ["-t**2", -2], "relu"), ([[1, 1]], [0], "identity")])
    assert count_at(net, all_space(1), SQRT2) == (2, 2)
    assert count_at(net, all_space(1), F(1)) == (3, 3)


@pytest.mark.parametrize("seed", range(2))
def test_irrational_values_inside_an_interval(seed):
    """The first of sqrt 2, sqrt 3, sqrt 5, sqrt 7 that is not a candidate value: the count there is
    the engine's at a rational point between the neighbouring candidates (where counts are constant)."""
    rng = random.Random(100 + seed)
    net = random_parametric(rng, 2, [3, 2], ["relu", "relu"])
    domain = box([-1, -1], [1, 1])
    candidates = critical_values(net, domain, F(0), F(3))
    roots = [real_roots(flint.fmpq_poly([-n, 0, 1]), F(0), F(3))[0] for n in (2, 3, 5, 7)]
    value = next(r for r in roots if all(compare(c, r) != 0 for c in candidates))
    below = [c for c in candidates if compare(c, value) < 0]
    above = [c for c in candidates if compare(c, value) > 0]
    x = rational_between(below[-1] if below else F(0), above[0] if above else F(3))
    regions = enumerate_regions(net.at(x), domain)
    assert count_at(net, domain, value) == (regions.activation_regions, regions.linear_regions)
