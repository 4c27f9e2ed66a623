"""analyzer/domain.py: counting in boxes, balls, slices and segments, and malformed domains."""
from __future__ import annotations

import random
from fractions import Fraction as F

import pytest

import naive
from analyzer.domain import all_space, ball, box, parse_domain, plane_slice, polytope, segment
from analyzer.enumerate import count_regions, enumerate_regions
from analyzer.errors import DomainError, ShapeError

IDENTITY2 = ([F(0), F(0)], [[F(1), F(0)], [F(0), F(1)]])


def random_2d(seed, acts=("relu", "relu"), widths=(4, 3)):
    spec = naive.random_spec(random.Random(seed), 2, list(widths), list(acts), size=3)
    return spec, naive.build(spec)


@pytest.mark.parametrize("seed", range(4))
def test_box_counts_at_most_the_whole_space(seed):
    spec, net = random_2d(300 + seed)
    whole = enumerate_regions(net)
    small = enumerate_regions(net, box([-1, -1], [1, 1]))
    large = enumerate_regions(net, box([-3, -2], [4, 3]))
    assert small.activation_regions <= large.activation_regions <= whole.activation_regions
    # every pattern met in a box is a pattern of R^2
    assert {r.pattern for r in small} <= {r.pattern for r in large} <= {r.pattern for r in whole}
    for a, b in zip(small.per_layer, whole.per_layer):
        assert a <= b
    naive.assert_within_relu_bounds(net, whole.activation_regions)


@pytest.mark.parametrize("seed", range(3))
def test_small_ball_inside_a_region_has_one_region(seed):
    spec, net = random_2d(310 + seed, acts=("relu", "hardtanh"))
    rs = enumerate_regions(net)
    naive.check_region_witnesses(rs, spec, *IDENTITY2)
    for r in rs:
        eps = naive.margin_radius(spec, r.pattern, *IDENTITY2, r.point)
        inside = enumerate_regions(net, ball(r.point, eps))
        assert [q.pattern for q in inside] == [r.pattern]
        assert inside.linear_regions == 1


def test_ball_is_the_l_infinity_ball():
    # relu(x + y - 3/2): the L-inf ball of radius 1 around 0 reaches (1, 1), where x + y = 2 > 3/2,
    # so the line cuts it; the L2 ball of radius 1 would not (its max of x + y is sqrt 2 < 3/2)
    net = naive.build([naive.spec_layer([[1, 1]], [F(-3, 2)])])
    assert count_regions(net, ball([0, 0], 1))[0] == 2
    assert count_regions(net, ball([0, 0], F(3, 4)))[0] == 1  # x + y <= 3/2 on the whole ball


@pytest.mark.parametrize("seed", range(3))
def test_slice_through_the_standard_points_is_the_plane(seed):
    spec, net = random_2d(320 + seed, acts=("relu", "maxout:2"), widths=(4, 4))
    whole = enumerate_regions(net)
    sliced = enumerate_regions(net, plane_slice([0, 0], [1, 0], [0, 1]))
    assert [r.pattern for r in sliced] == [r.pattern for r in whole]
    assert sliced.per_layer == whole.per_layer
    assert sliced.linear_regions == whole.linear_regions
    assert sliced.bounded_regions == whole.bounded_regions


def compose_first_layer(spec, p0, p1, p2):
    """The 2-D network u -> net(p0 + u (p1 - p0) + v (p2 - p0)): the first layer's weights times the
    plane's basis, its bias plus the weights times p0."""
    (W, b, act), rest = spec[0], spec[1:]
    d1 = [y - x for x, y in zip(p0, p1)]
    d2 = [y - x for x, y in zip(p0, p2)]
    W2 = [[sum(w * d for w, d in zip(row, d1)), sum(w * d for w, d in zip(row, d2))] for row in W]
    b2 = [bi + sum(w * p for w, p in zip(row, p0)) for row, bi in zip(W, b)]
    return [(W2, b2, act), *rest]


@pytest.mark.parametrize("seed", range(3))
def test_slice_of_a_3d_net_is_the_composed_2d_net(seed):
    rng = random.Random(330 + seed)
    spec = naive.random_spec(rng, 3, [5, 3], size=3)
    # a unit that is constant on the plane z = 1 (its hyperplane is parallel to it), another whose
    # hyperplane z = 1 contains the plane: both constant there, neither may split anything
    spec[0][0].extend([[F(0), F(0), F(2)], [F(0), F(0), F(1)]])
    spec[0][1].extend([F(-5), F(-1)])
    for row in spec[1][0]:
        row.extend([F(1), F(-1)])
    net = naive.build(spec)
    p0 = [F(rng.randint(-3, 3), 2), F(rng.randint(-3, 3), 3), F(1)]
    p1 = [p0[0] + 1, p0[1] + F(1, 2), F(1)]
    p2 = [p0[0] - F(1, 3), p0[1] + 2, F(1)]
    flat = compose_first_layer(spec, p0, p1, p2)
    flat_net = naive.build(flat)
    sliced = enumerate_regions(net, plane_slice(p0, p1, p2))
    direct = enumerate_regions(flat_net)
    assert [r.pattern for r in sliced] == [r.pattern for r in direct]
    assert sliced.per_layer == direct.per_layer
    assert sliced.linear_regions == direct.linear_regions
    assert sliced.bounded_regions == direct.bounded_regions
    naive.check_region_witnesses(sliced, spec, p0, [[y - x for x, y in zip(p0, p1)], [y - x for x, y in zip(p0, p2)]])
    # restricted to a square in plane coordinates it is the composed net on that box
    square = [(1, 1, 0), (1, -1, 0), (1, 0, 1), (1, 0, -1)]  # |u| <= 1, |v| <= 1
    sliced_square = enumerate_regions(net, plane_slice(p0, p1, p2, polygon=square))
    direct_box = enumerate_regions(flat_net, box([-1, -1], [1, 1]))
    assert [r.pattern for r in sliced_square] == [r.pattern for r in direct_box]
    assert sum(r.volume() for r in sliced_square) == 4
    assert sliced_square.bounded_regions == sliced_square.activation_regions


def test_slice_embedding():
    dom = plane_slice([1, 2, 3], [2, 2, 3], [1, 4, 3])
    assert dom.dim == 2 and dom.input_dim == 3
    assert dom.embed([F(1, 2), F(1, 4)]) == (F(3, 2), F(5, 2), F(3))
    assert all_space(3).embed([1, 2, 3]) == (1, 2, 3)


def test_segment_crossing_known_hyperplanes():
    # units x + 1, x, x - 1, y, x + y on the horizontal segment y = 1, x from -3/2 to 3/2: the lines
    # x = -1, 0, 1 are crossed, x + y = 0 is crossed at x = -1 too (the same point), and y = 0 is
    # never reached (y = 1 > 0 on the whole segment: that unit is constant, on). 3 distinct crossing
    # points -> 4 pieces.
    rows = [[1, 1, 0], [0, 1, 0], [-1, 1, 0], [0, 0, 1], [0, 1, 1]]
    net = naive.build([naive.spec_layer([r[1:] for r in rows], [r[0] for r in rows])])
    rs = enumerate_regions(net, segment([F(-3, 2), 1], [F(3, 2), 1]))
    assert rs.activation_regions == 4
    assert sum(r.volume() for r in rs) == 1  # parameter lengths add up to the segment's parameter range
    assert all(0 < r.point[0] < 1 for r in rs)  # points are segment parameters in (0, 1)
    # the segment along y = 0 from (-3/2, 0) to (3/2, 0): the unit y is identically 0 there (off), the
    # crossings are x = -1, 0 (x and x + y together), 1 -> 4 pieces
    assert count_regions(net, segment([F(-3, 2), 0], [F(3, 2), 0]))[0] == 4
    # a segment between two crossings: 1 piece
    assert count_regions(net, segment([F(1, 4), 1], [F(3, 4), 1]))[0] == 1


def test_parse_domain_forms():
    assert parse_domain("all", 2).region == all_space(2).region
    assert parse_domain("box:-1,1", 2).region == box([-1, -1], [1, 1]).region
    assert parse_domain("box:0:1,2:3", 2).region == box([0, 2], [1, 3]).region
    assert parse_domain("box:-0.5:1/2", 1).region == box([F(-1, 2)], [F(1, 2)]).region
    assert parse_domain("ball:1,2;1/2", 2).region == box([F(1, 2), F(3, 2)], [F(3, 2), F(5, 2)]).region
    sl = parse_domain("slice:0,0,0;1,0,0;0,1,0", 3)
    assert sl.dim == 2 and sl.embed([2, 3]) == (2, 3, 0)
    seg = parse_domain("segment:0,0;1,2", 2)
    assert seg.dim == 1 and seg.embed([F(1, 2)]) == (F(1, 2), 1)


# --- errors -------------------------------------------------------------------------------------

@pytest.mark.parametrize("lo,hi", [([0, 0], [1, 0]), ([0, 2], [1, 1]), ([1], [1])])
def test_degenerate_box(lo, hi):
    with pytest.raises(DomainError, match="lower end must be below the upper end"):
        box(lo, hi)


def test_box_bounds_of_different_lengths():
    with pytest.raises(DomainError, match="2 and 3 coordinates"):
        box([0, 0], [1, 1, 1])


def test_ball_radius():
    with pytest.raises(DomainError, match="radius must be positive"):
        ball([0, 0], 0)


def test_collinear_slice_points():
    with pytest.raises(DomainError, match="collinear"):
        plane_slice([0, 0, 0], [1, 1, 1], [2, 2, 2])
    with pytest.raises(DomainError, match="collinear"):
        plane_slice([1, 1], [1, 1], [0, 3])


def test_segment_ends_coincide():
    with pytest.raises(DomainError, match="coincide"):
        segment([1, 2], [1, 2])


def test_domain_of_the_wrong_dimension():
    net = naive.build([naive.spec_layer([[1, 1]], [0])])
    with pytest.raises(ShapeError, match=r"R\^3 but the network takes 2 inputs"):
        enumerate_regions(net, box([0, 0, 0], [1, 1, 1]))
    with pytest.raises(ShapeError, match="takes 2 inputs"):
        count_regions(net, segment([0], [1]))
    with pytest.raises(DomainError, match="takes 2 inputs"):
        parse_domain("ball:0,0,0;1", 2)


@pytest.mark.parametrize("text", ["cube:0,1", "box:0", "box:0:1:2", "ball:0,x;1", "slice:0,0;1,0", "segment:0,0"])
def test_unreadable_domain_text(text):
    with pytest.raises(DomainError):
        parse_domain(text, 2)


def test_empty_and_flat_polytope_domains():
    net = naive.build([naive.spec_layer([[1, 1]], [0])])
    empty = polytope([(-1, 1, 0), (-1, -1, 0)])  # x >= 1 and x <= -1
    with pytest.raises(ValueError, match="empty"):
        enumerate_regions(net, empty)
    flat = polytope([(0, 1, 0), (0, -1, 0), (1, 0, 1), (1, 0, -1)])  # x = 0, |y| <= 1
    with pytest.raises(ValueError, match="lower-dimensional"):
        count_regions(net, flat)
    with pytest.raises(DomainError, match="at least one row"):
        polytope([])


def test_nonfinite_domain_numbers():
    with pytest.raises(ValueError, match="not finite"):
        box([0, float("nan")], [1, 1])
