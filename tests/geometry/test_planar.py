"""geometry/planar.py: exact convex polygons, clipping, and the facts the 2-D fast path reads off them.

Expected areas and vertices are hand computations (stated next to each case); clipped areas are
also compared with the exact volume of the same polyhedron by cdd.gmp (geometry.polyhedron.volume),
a second, independent algorithm.
"""
from __future__ import annotations

import random
from fractions import Fraction as F

import pytest

from geometry import planar
from geometry.exact import affine_form, cartesian, negate, value_times_denominator
from geometry.polyhedron import box, from_forms, polyhedron, volume


def points(poly: planar.Polygon) -> set[tuple[F, F]]:
    return {cartesian(v) for v in poly.vertices}


def assert_edges_follow_the_convention(poly: planar.Polygon) -> None:
    """edges[i] vanishes at vertices i and i+1 and is >= 0 at every vertex (the module docstring)."""
    k = len(poly.vertices)
    assert len(poly.edges) == k
    for i, edge in enumerate(poly.edges):
        assert value_times_denominator(edge, poly.vertices[i]) == 0
        assert value_times_denominator(edge, poly.vertices[(i + 1) % k]) == 0
        assert all(value_times_denominator(edge, v) >= 0 for v in poly.vertices)


SQUARE = planar.polygon(box([-1, -1], [1, 1]))


def test_polygon_of_a_rectangle():
    """[0, 2] x [0, 1]: its 4 corners, area 2."""
    rect = planar.polygon(box([0, 0], [2, 1]))
    assert points(rect) == {(0, 0), (2, 0), (2, 1), (0, 1)}
    assert planar.area(rect) == 2
    assert planar.is_bounded(rect)
    assert_edges_follow_the_convention(rect)


def test_polygon_of_a_rational_triangle():
    """x >= 0, y >= 0, x/3 + y/2 <= 1/6, i.e. 2x + 3y <= 1: vertices (0,0), (1/2,0), (0,1/3), area 1/12."""
    tri = planar.polygon(polyhedron([[0, 1, 0], [0, 0, 1], ["1/6", "-1/3", "-1/2"]]))
    assert points(tri) == {(0, 0), (F(1, 2), 0), (0, F(1, 3))}
    assert planar.area(tri) == F(1, 12)
    assert_edges_follow_the_convention(tri)


def test_clip_through_two_sides():
    """The square cut by x - y >= 0 is the triangle (-1,-1), (1,-1), (1,1) (a diagonal: through
    two corners), area 2; by x >= 1/2 a 1/2 x 2 rectangle, area 1."""
    lower = planar.clip(SQUARE, affine_form(0, [1, -1]))
    assert points(lower) == {(-1, -1), (1, -1), (1, 1)} and planar.area(lower) == 2
    strip = planar.clip(SQUARE, affine_form("-1/2", [1, 0]))
    assert points(strip) == {(F(1, 2), -1), (1, -1), (1, 1), (F(1, 2), 1)} and planar.area(strip) == 1
    for poly in (lower, strip):
        assert_edges_follow_the_convention(poly)


def test_clip_that_keeps_or_loses_everything():
    """x + 3 >= 0 holds on the square (the same polygon back); -x - 1 >= 0 meets it in its left side
    only (no interior: None); x + 1 >= 0 touches that side from inside (everything)."""
    assert planar.clip(SQUARE, affine_form(3, [1, 0])) is SQUARE
    assert planar.clip(SQUARE, affine_form(-1, [-1, 0])) is None
    assert planar.clip(SQUARE, affine_form(1, [1, 0])) is SQUARE


@pytest.mark.parametrize("seed", range(20))
def test_clipped_areas_add_up_and_match_cdd(seed):
    """Both sides of a random line through the square: their areas add up to 4, and each equals
    the exact volume cdd.gmp computes for the same halfplane of the box."""
    rng = random.Random(seed)
    form = affine_form(F(rng.randint(-6, 6), rng.randint(1, 5)), [rng.randint(-4, 4), rng.randint(-4, 4) or 1])
    total = 0
    for f in (form, negate(form)):
        part = planar.clip(SQUARE, f)
        if part is None:
            continue
        assert_edges_follow_the_convention(part)
        exact = volume(from_forms([*box([-1, -1], [1, 1]).forms, f], 2))
        assert planar.area(part) == exact
        total += planar.area(part)
    assert total == 4


def test_split_returns_the_pieces_that_meet():
    """The square against x >= 0, x <= 0 and x >= 2: the first two meet it, the third does not."""
    pieces = [[affine_form(0, [1, 0])], [affine_form(0, [-1, 0])], [affine_form(-2, [1, 0])]]
    found = planar.split(SQUARE, pieces)
    assert [i for i, _ in found] == [0, 1]
    assert [planar.area(p) for _, p in found] == [2, 2]


def test_interior_point_and_sides():
    tri = planar.polygon(polyhedron([[0, 1, 0], [0, 0, 1], [1, -1, -1]]))  # (0,0), (1,0), (0,1)
    p = planar.interior_point(tri)
    assert p[0] > 0 and all(value_times_denominator(e, p) > 0 for e in tri.edges)
    forms = [affine_form(1, [1, 0]), affine_form(-2, [1, 1]), affine_form("-1/2", [1, 0]), affine_form(0, [1, 1])]
    assert planar.sides(tri, forms) == [1, -1, 0, 1]  # x + y >= 0 on it, zero only at the corner (0, 0)


def test_quadrant_is_an_unbounded_polygon():
    """{x >= 0, y >= 1}: apex (0, 1), directions (1, 0) and (0, 1), the line at infinity between them."""
    first, second = affine_form(0, [1, 0]), affine_form(-1, [0, 1])
    q = planar.quadrant(first, second)
    assert not planar.is_bounded(q)
    assert q.vertices[0] == (1, 0, 1)
    assert set(q.vertices[1:]) == {(0, 1, 0), (0, 0, 1)}
    assert planar.AT_INFINITY in q.edges
    p = planar.interior_point(q)
    assert p[0] > 0 and value_times_denominator(first, p) > 0 and value_times_denominator(second, p) > 0
    cut = planar.clip(q, affine_form(3, [-1, -1]))  # x + y <= 3: the triangle (0,1), (2,1), (0,3)
    assert planar.is_bounded(cut) and points(cut) == {(0, 1), (2, 1), (0, 3)} and planar.area(cut) == 2


def test_shared_edge_point_is_the_middle_of_the_common_part():
    """[-1,0] x [-1,1] and [0,1] x [0,1] share the segment x = 0, 0 <= y <= 1: its midpoint (0, 1/2);
    [0,1] x [1,2] touches the left rectangle in the point (0, 1) only: None."""
    left = planar.polygon(box([-1, -1], [0, 1]))
    right = planar.polygon(box([0, 0], [1, 1]))
    above = planar.polygon(box([0, 1], [1, 2]))
    x_at_most_0 = affine_form(0, [-1, 0])
    assert planar.edge_span(left, x_at_most_0) == (-1, 1)
    assert planar.shared_edge_point(left, right, x_at_most_0) == (0, F(1, 2))
    assert planar.shared_edge_point(left, above, x_at_most_0) is None
    assert planar.edge_span(left, affine_form(5, [1, 1])) is None
    assert planar.point_on_line(affine_form(-1, [1, 2]), F(1, 3)) == (F(1, 3), F(1, 3))  # 1/3 + 2/3 = 1


@pytest.mark.parametrize("seed", range(30))
def test_clip_all_is_the_polygon_of_all_the_forms(seed):
    """clip_all (exact clips only where floats cannot prove a form >= 0) gives the polygon of the
    square and all the forms: its area is cdd.gmp's volume of that polyhedron, and its vertex set
    that of clipping by every form in turn; with a point to start near and without, among forms
    through a vertex, duplicates, huge coefficients and forms that leave nothing."""
    rng = random.Random(seed)
    scale = 10 ** rng.choice([0, 0, 40, 400])  # 10^400 is beyond the float range
    forms = [affine_form(rng.randint(-4, 6), (rng.randint(-5, 5) or 1, rng.randint(-5, 5))) for _ in range(rng.randint(1, 12))]
    forms += [affine_form(0, (1, 1)), affine_form(1, (1, 0)), forms[0]]  # a diagonal through 2 corners, an edge, a duplicate
    forms = [tuple(v * scale for v in f) for f in forms]
    one_by_one: planar.Polygon | None = SQUARE
    for f in forms:
        one_by_one = None if one_by_one is None else planar.clip(one_by_one, f)
    for near in (None, (rng.uniform(-1, 1), rng.uniform(-1, 1)), (float("nan"), 0.0)):
        got = planar.clip_all(SQUARE, forms, near)
        if one_by_one is None:
            assert got is None
            continue
        assert got is not None and points(got) == points(one_by_one)
        assert_edges_follow_the_convention(got)
        assert planar.area(got) == volume(from_forms([*SQUARE.edges, *(affine_form(f[0], f[1:]) for f in forms)], 2))


def test_clip_all_on_an_unbounded_polygon():
    """The quadrant x, y >= 0 cut by x + y >= 1 and x <= 3 (and y >= -5, which never cuts): the
    vertices (0, 1), (1, 0), (3, 0) and the direction (0, 1) at infinity, as clipping one form at a
    time gives."""
    quadrant = planar.quadrant(affine_form(0, (1, 0)), affine_form(0, (0, 1)))
    forms = [affine_form(-1, (1, 1)), affine_form(3, (-1, 0)), affine_form(5, (0, 1))]
    expected = quadrant
    for f in forms:
        expected = planar.clip(expected, f)
    got = planar.clip_all(quadrant, forms, (2.0, 2.0))
    assert set(got.vertices) == set(expected.vertices) and set(got.edges) == set(expected.edges)
    assert {v for v in got.vertices if v[0]} == {(1, 1, 0), (1, 3, 0), (1, 0, 1)}
