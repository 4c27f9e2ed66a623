"""analyzer/polygons.py: exact polygons of 2-D regions in boundary order, and the window of an
unbounded domain. Expected vertices are hand computations; the window's promises (every region
meets it, every bounded region lies inside it whole) are checked region by region."""
from __future__ import annotations

from fractions import Fraction as F

from analyzer.domain import all_space, box
from analyzer.enumerate import enumerate_regions
from analyzer.network import layer, network
from analyzer.polygons import clipped_or_none, clipped_polygon, window_of

SQUARE = box([-1, -1], [1, 1])


def quadrants():
    """relu(x), relu(y): the four quadrants."""
    return network([layer([[1, 0], [0, 1]], [0, 0], "relu"), layer([[1, 0]], [0], "identity")])


def three_lines():
    """x = 0, y = 0, x + y = 1 in general position over R^2: 7 regions, the triangle (0,0), (1,0),
    (0,1) the only bounded one."""
    return network([layer([[1, 0], [0, 1], [1, 1]], [0, 0, -1], "relu"), layer([[1, 1, 1]], [0], "identity")])


def test_bounded_domains_have_no_window():
    assert window_of([enumerate_regions(quadrants(), SQUARE)], SQUARE) is None
    assert window_of([enumerate_regions(quadrants(), SQUARE)]) is None  # read off the region set


def test_window_meets_every_region_and_holds_every_vertex():
    regions = enumerate_regions(three_lines(), all_space(2))
    assert (regions.activation_regions, regions.bounded_regions) == (7, 1)
    window = window_of([regions], all_space(2))
    assert window == window_of([regions])
    (x0, x1), (y0, y1) = window
    # vertices (0,0), (1,0), (0,1) and interior points lie in some box; padded by a quarter side
    assert x0 < 0 < 1 < x1 and y0 < 0 < 1 < y1
    for r in regions:
        for x, y in (r.point, *r.vertices()):
            assert x0 < x < x1 and y0 < y < y1
        vertices, edges = clipped_polygon(r, window)
        assert len(vertices) == len(edges) >= 3
        if r.is_bounded():
            assert set(vertices) == {(0, 0), (1, 0), (0, 1)}  # drawn whole, exactly


def test_clipped_polygon_is_exact_and_in_boundary_order():
    r = enumerate_regions(quadrants(), SQUARE).regions[0]
    vertices, edges = clipped_polygon(r, None)
    assert all(isinstance(c, F) for v in vertices for c in v)
    assert sorted(vertices) == sorted([(F(-1), F(-1)), (F(0), F(-1)), (F(0), F(0)), (F(-1), F(0))])
    consecutive = {frozenset((vertices[i], vertices[i - 1])) for i in range(len(vertices))}
    assert consecutive == {frozenset(e) for e in edges}


def test_a_window_that_misses_a_region():
    """The window [1, 2] x [-1, 2] meets the quadrants with x > 0 only."""
    regions = enumerate_regions(quadrants(), all_space(2))
    window = ((F(1), F(2)), (F(-1), F(2)))
    kept = [r for r in regions if clipped_or_none(r, window) is not None]
    assert len(kept) == 2 and all(r.point[0] > 0 for r in kept)
