"""geometry/interval.py: exact intervals of the line, clipping, and what the 1-D fast path reads off them.

Every expected value is a hand computation on small rationals, stated next to it.
"""
from __future__ import annotations

import random
from fractions import Fraction as F

import pytest

from geometry import interval
from geometry.errors import UnboundedError
from geometry.exact import affine_form, cartesian, negate, value_times_denominator
from geometry.polyhedron import box, polyhedron


def ends(piece: interval.Interval) -> tuple[F, F]:
    return cartesian(piece.lo)[0], cartesian(piece.hi)[0]


WIDE = interval.interval(box([F(-1, 2)], [3]))  # (-1/2, 3)


def test_interval_of_a_box():
    """(-1/2, 3): ends (2, -1) and (1, 3) in homogeneous coordinates, length 7/2; the forms
    2x + 1 and 3 - x vanish at the ends and are positive inside."""
    assert (WIDE.lo, WIDE.hi) == ((2, -1), (1, 3))
    assert interval.length(WIDE) == F(7, 2)
    assert WIDE.edges == ((1, 2), (3, -1))
    for form, end in zip(WIDE.edges, (WIDE.lo, WIDE.hi)):
        assert value_times_denominator(form, end) == 0
        assert value_times_denominator(form, interval.interior_point(WIDE)) > 0


def test_interval_of_redundant_rows():
    """x >= 0, x >= -5, 2 - 3x >= 0, x <= 7: the interval (0, 2/3)."""
    piece = interval.interval(polyhedron([[0, 1], [5, 1], [2, -3], [7, -1]]))
    assert ends(piece) == (0, F(2, 3))


def test_an_unbounded_polyhedron_is_not_an_interval():
    with pytest.raises(UnboundedError):
        interval.interval(polyhedron([[0, 1]]))


def test_midpoint():
    """(-1/2 + 3) / 2 = 5/4, i.e. (4, 5)."""
    assert interval.interior_point(WIDE) == (4, 5)


@pytest.mark.parametrize("form,expected", [
    (affine_form(-1, [1]), (1, 3)),              # x >= 1
    (affine_form(1, [-1]), (F(-1, 2), 1)),       # x <= 1
    (affine_form(-3, [1]), None),                # x >= 3: the end point only
    (affine_form(-5, [1]), None),                # x >= 5: nothing
    (affine_form(5, [1]), (F(-1, 2), 3)),        # x >= -5: everything
    (affine_form("1/2", [1]), (F(-1, 2), 3)),    # x >= -1/2: everything, zero at the lower end
])
def test_clip(form, expected):
    part = interval.clip(WIDE, form)
    assert (None if part is None else ends(part)) == expected


@pytest.mark.parametrize("seed", range(10))
def test_both_sides_of_a_point_add_up(seed):
    rng = random.Random(seed)
    c = F(rng.randint(-10, 30), rng.randint(1, 7))
    form = affine_form(-c, [1])  # x >= c
    parts = [interval.clip(WIDE, f) for f in (form, negate(form))]
    assert sum(interval.length(p) for p in parts if p is not None) == F(7, 2)
    if -F(1, 2) < c < 3:
        assert interval.shared_end_point(parts[1], parts[0], negate(form)) == (c,)


def test_split_and_sides():
    pieces = [[affine_form(0, [1])], [affine_form(0, [-1])], [affine_form(-4, [1])]]
    assert [(i, ends(p)) for i, p in interval.split(WIDE, pieces)] == [(0, (0, 3)), (1, (F(-1, 2), 0))]
    forms = [affine_form(1, [1]), affine_form(-4, [1]), affine_form(0, [1]), affine_form(3, [-1])]
    assert interval.sides(WIDE, forms) == [1, -1, 0, 1]


def test_shared_end_point_needs_the_same_point_from_both_sides():
    """(0, 1) and (1, 2) meet at 1 across x <= 1; (0, 1) and (2, 3) do not meet."""
    a, b, c = (interval.interval(box([lo], [hi])) for lo, hi in ((0, 1), (1, 2), (2, 3)))
    at_most_1 = affine_form(1, [-1])
    assert interval.shared_end_point(a, b, at_most_1) == (1,)
    assert interval.shared_end_point(b, a, negate(at_most_1)) == (1,)
    assert interval.shared_end_point(a, c, at_most_1) is None
