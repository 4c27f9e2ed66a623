"""analyzer/regions.py: ``RegionSet.f_vector`` (faces per dimension of the subdivision of a bounded domain).

Every expected value is a hand count or a closed form written next to it; none is read off the code.
Face counts are of the regions' own faces, identified by their vertex sets, vertices first.
"""
from __future__ import annotations

from fractions import Fraction as F
from math import comb

import pytest

from analyzer.domain import all_space, box
from analyzer.enumerate import enumerate_regions
from analyzer.network import layer, network
from geometry.errors import UnboundedError


def one_layer(rows: list[list[object]]):
    """A ReLU layer with the rows ``(b, a_1, ..., a_n)`` (unit value b + a.x) and a zero output."""
    return network([layer([r[1:] for r in rows], [r[0] for r in rows], "relu"),
                    layer([[0] * len(rows)], [0], "identity")])


SQUARE = box([-1, -1], [1, 1])


def test_a_box_cut_by_one_line():
    """[-1,1]^2 cut by x = 0: 4 corners + 2 ends of the cut = 6 vertices; each rectangle has 4 edges and
    they share one: 7 edges; 2 rectangles. Euler characteristic 6 - 7 + 2 = 1."""
    f = enumerate_regions(one_layer([[0, 1, 0]]), SQUARE).f_vector()
    assert f.counts == (6, 7, 2)
    assert (f.euler_characteristic, f.face_to_face) == (1, True)


@pytest.mark.parametrize("a,b", [(0, 1), (2, 0), (1, 1), (2, 3)])
def test_a_box_cut_by_a_grid(a, b):
    """a vertical and b horizontal lines through the open square make an (a+1) x (b+1) grid of
    rectangles: (a+2)(b+2) vertices, (a+1)(b+2) horizontal and (a+2)(b+1) vertical edges."""
    xs = [F(k + 1, a + 1) * 2 - 1 for k in range(a)]
    ys = [F(k + 1, b + 1) * 2 - 1 for k in range(b)]
    rows = [[-x, 1, 0] for x in xs] + [[-y, 0, 1] for y in ys]
    f = enumerate_regions(one_layer(rows), SQUARE).f_vector()
    assert f.counts == ((a + 2) * (b + 2), (a + 1) * (b + 2) + (a + 2) * (b + 1), (a + 1) * (b + 1))
    assert f.euler_characteristic == 1


def test_three_concurrent_lines_two_through_corners():
    """x = 0, y = 0 and x = y through the origin, x = y also through the corners (1, 1) and (-1, -1):
    6 regions; vertices: 4 corners, the 4 midpoints of the sides, the origin = 9; edges: the 4 sides
    each halved = 8, and 6 from the origin = 14. 9 - 14 + 6 = 1."""
    f = enumerate_regions(one_layer([[0, 1, 0], [0, 0, 1], [0, 1, -1]]), SQUARE).f_vector()
    assert f.counts == (9, 14, 6)
    assert f.face_to_face


def test_an_uncut_box_is_its_own_face_lattice():
    """A unit whose line misses the box (x + 3 > 0 on it) cuts nothing: the square's 4, 4, 1."""
    f = enumerate_regions(one_layer([[3, 1, 0]]), SQUARE).f_vector()
    assert f.counts == (4, 4, 1)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_a_cube_cut_by_the_coordinate_hyperplanes(d):
    """[-1,1]^d cut by x_i = 0 is the grid of the points {-1, 0, 1}^d: a k-face chooses its k free
    coordinates (C(d, k)), for each the half [-1, 0] or [0, 1] (2^k), and a value in {-1, 0, 1} for
    each fixed coordinate (3^(d-k)). For d = 3: 27 - 54 + 36 - 8 = 1."""
    rows = [[0] + [int(i == j) for j in range(d)] for i in range(d)]
    f = enumerate_regions(one_layer(rows), box([-1] * d, [1] * d)).f_vector()
    assert f.counts == tuple(comb(d, k) * 2 ** k * 3 ** (d - k) for k in range(d + 1))
    assert f.euler_characteristic == 1


def test_a_second_layer_bends_inside_a_first_layer_region():
    """relu(x) and relu(y), then relu(h1 - h2): on the quadrant x, y > 0 the second unit cuts along
    x = y (elsewhere it is constant or negative), so the square holds 5 regions: vertices are the
    corners, the side midpoints and the origin (9); edges: 8 halved sides, 4 half-axes, the diagonal
    from (0, 0) to (1, 1): 13; 9 - 13 + 5 = 1."""
    net = network([layer([[1, 0], [0, 1]], [0, 0], "relu"), layer([[1, -1]], [0], "relu"),
                   layer([[1]], [0], "identity")])
    rs = enumerate_regions(net, SQUARE)
    assert rs.activation_regions == 5
    assert rs.f_vector().counts == (9, 13, 5)


def test_unbounded_domains_are_refused():
    with pytest.raises(UnboundedError, match="bounded"):
        enumerate_regions(one_layer([[0, 1, 0]]), all_space(2)).f_vector()
