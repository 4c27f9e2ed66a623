"""geometry/partition.py: which candidate pieces meet a region, with exact witnesses.

The expected pieces are read off pictures of the square drawn by hand; every witness is checked
exactly (strictly inside the region and the piece), on both the certified-float and the exact path.
"""
from __future__ import annotations

import pytest

from geometry import planar
from geometry.exact import affine_form, homogeneous, is_strictly_inside
from geometry.partition import clipped_pieces, meeting_pieces
from geometry.polyhedron import box

SQUARE = box([0, 0], [1, 1]).forms  # 0 <= x, y <= 1
CENTRE = homogeneous(["1/2", "1/2"])
CORNER = homogeneous(["1/10", "1/10"])


def check_witnesses(found, pieces):
    for index, witness in found:
        assert witness[0] > 0
        assert is_strictly_inside(SQUARE, witness) and is_strictly_inside(pieces[index], witness)


@pytest.mark.parametrize("exact", [False, True])
def test_both_sides_of_a_line_through_the_point(exact):
    """x = 1/2 through the centre: the centre lies on it, so both sides need an LP; both meet."""
    pieces = [[affine_form("-1/2", [1, 0])], [affine_form("1/2", [-1, 0])]]
    found = meeting_pieces(SQUARE, CENTRE, pieces, 2, exact=exact)
    assert [i for i, _ in found] == [0, 1]
    check_witnesses(found, pieces)


@pytest.mark.parametrize("exact", [False, True])
def test_the_point_is_its_own_witness_when_it_is_inside(exact):
    pieces = [[affine_form("-1/2", [1, 0])], [affine_form("1/2", [-1, 0])]]
    found = meeting_pieces(SQUARE, CORNER, pieces, 2, exact=exact)
    assert [i for i, _ in found] == [0, 1]
    assert dict(found)[1] == CORNER  # the piece x < 1/2 holds (1/10, 1/10): no LP, the point itself
    check_witnesses(found, pieces)


@pytest.mark.parametrize("exact", [False, True])
def test_pieces_that_touch_in_a_point_or_an_edge_do_not_meet(exact):
    """{x <= 0, y <= 0} touches the square in its corner, {x >= 1} along its right side, {x + y >= 3}
    misses it; the argmax cell {x >= y, x >= 1 - y} of max(x, y, 1 - y) meets it."""
    pieces = [[affine_form(0, [-1, 0]), affine_form(0, [0, -1])], [affine_form(-1, [1, 0])],
              [affine_form(-3, [1, 1])], [affine_form(0, [1, -1]), affine_form(-1, [1, 1])]]
    found = meeting_pieces(SQUARE, CORNER, pieces, 2, exact=exact)
    assert [i for i, _ in found] == [3]
    check_witnesses(found, pieces)


def test_argmax_cells_of_a_maxout_unit_cover_the_square():
    """max(x, y, 1/4): its three argmax cells each meet the square (x wins near (1, 0), y near
    (0, 1), the constant near (0, 0))."""
    z = [(0, 4, 0), (0, 0, 4), (1, 0, 0)]  # 4x, 4y and 4 * 1/4: one positive scale for all three
    pieces = [[tuple(p - q for p, q in zip(z[a], z[b])) for b in range(3) if b != a] for a in range(3)]
    found = meeting_pieces(SQUARE, CENTRE, pieces, 2)
    assert [i for i, _ in found] == [0, 1, 2]
    check_witnesses(found, pieces)


def test_clipped_pieces_with_the_polygon_clip():
    """The unit square against x >= 1/2 and {x <= 1/2, y >= 1/2}: halves of area 1/2 and 1/4."""
    square = planar.polygon(box([0, 0], [1, 1]))
    pieces = [[affine_form("-1/2", [1, 0])], [affine_form("1/2", [-1, 0]), affine_form("-1/2", [0, 1])],
              [affine_form(-2, [1, 0])]]
    found = clipped_pieces(square, pieces, planar.clip)
    assert [(i, planar.area(p)) for i, p in found] == [(0, 0.5), (1, 0.25)]
