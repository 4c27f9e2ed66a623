"""Counting with certified float polygons (analyzer.filtered) against the general engine with exact
LPs (``count_regions(exact=True)``), a closed form, and its exact fallback on degenerate networks."""
import math
from fractions import Fraction

import numpy as np
import pytest

import naive

from analyzer import filtered
from analyzer.domain import all_space, box, plane_slice, polytope, segment
from analyzer.enumerate import count_regions
from analyzer.network import he_initialised, layer, network
from geometry.exact import float_enclosure


def same_as_exact(net, domain):
    assert filtered.applies(net, domain)
    fast = count_regions(net, domain)
    assert fast == count_regions(net, domain, exact=True)
    return fast


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("activation", ["relu", "leaky_relu:1/3", "abs"])
def test_small_integer_nets_on_a_box(seed, activation, fallbacks):
    """Small integers make lines through vertices, concurrent and coincident lines common: the
    exact fallback must take those subtrees and still give the exact count."""
    rng = np.random.default_rng(seed)
    net = network([layer(rng.integers(-2, 3, (5, 2)), rng.integers(-2, 3, 5), activation),
                   layer(rng.integers(-2, 3, (4, 5)), rng.integers(-2, 3, 4), "relu"),
                   layer(rng.integers(-2, 3, (1, 4)), [0], "identity")])
    same_as_exact(net, box([-2, -2], [2, 2]))


def test_degenerate_nets_do_use_the_fallback(fallbacks):
    net = network([layer([[1, 0], [0, 1], [1, 1]], [0, 0, 0], "relu"), layer([[1, 1, 1]], [0], "identity")])
    assert same_as_exact(net, box([-1, -1], [1, 1]))[0] == 6  # three lines through the origin
    assert fallbacks == [0]


@pytest.mark.parametrize("seed", range(4))
def test_deeper_degeneracies_fall_back_below_the_root(seed, fallbacks):
    """Generic first layer; the second repeats one of its units and copies h_1 (so z = 0 on the
    whole region where unit 1 is off): only the subtrees below layer 1 are handed to exact arithmetic."""
    rng = np.random.default_rng(seed)
    W2, b2 = rng.normal(size=(4, 6)), rng.normal(size=4) / 4
    net = network([layer(rng.normal(size=(6, 2)), rng.normal(size=6) / 4, "relu"),
                   layer(np.vstack([W2, W2[:1], np.eye(6)[:1]]), [*b2, b2[0], 0], "relu"),
                   layer(rng.normal(size=(1, 6)), [0], "identity")])
    same_as_exact(net, box([-1, -1], [1, 1]))
    assert fallbacks and min(fallbacks) == 1


def test_an_affine_layer_in_the_middle_and_a_fallback_below_it(fallbacks):
    rng = np.random.default_rng(13)  # a seed where the repeated unit's line crosses the box
    W3 = rng.normal(size=(3, 4))
    net = network([layer(rng.normal(size=(6, 2)), rng.normal(size=6) / 4, "relu"),
                   layer(rng.normal(size=(4, 6)), rng.normal(size=4) / 4, "identity"),
                   layer(np.vstack([W3, W3[:1]]), [0.1, 0.2, 0.3, 0.1], "abs"),
                   layer(rng.normal(size=(1, 4)), [0], "identity")])
    same_as_exact(net, box([-1, -1], [1, 1]))
    assert fallbacks and min(fallbacks) == 2


@pytest.mark.parametrize("seed", range(4))
def test_he_initialised_nets_on_boxes_and_polygons(seed, fallbacks):
    net = he_initialised([2, 8, 8, 8, 1], seed)
    same_as_exact(net, box([-1, -1], [1, 1]))
    same_as_exact(net, polytope([(1, 1, 0), (1, -1, 0), (1, 0, 1), (Fraction(1, 3), 1, -1)]))  # a triangle
    assert fallbacks == []  # random weights never need exact arithmetic


def test_leaky_relu_with_an_inexact_slope_and_a_slice_of_r3():
    rng = np.random.default_rng(3)
    net = network([layer(rng.normal(size=(9, 3)), rng.normal(size=9) / 4, "leaky_relu:1/10"),
                   layer(rng.normal(size=(9, 9)), rng.normal(size=9) / 4, "abs"),
                   layer(rng.normal(size=(1, 9)), [0], "identity")])
    domain = plane_slice([Fraction(1, 3), 0, 0], [0, Fraction(2, 3), 1], [Fraction(1, 7), 1, 0],
                         polygon=[(1, 1, 0), (2, -1, 0), (1, 0, 1), (2, 0, -1)])  # [-1, 2]^2 in (u, v)
    same_as_exact(net, domain)


def test_tangent_lines_of_a_circle_closed_form():
    """n tangent lines of a circle, no two parallel: no three meet, so with every crossing inside
    the box there are 1 + n + C(n, 2) cells."""
    n = 6
    angles = [k * math.pi / n for k in range(n)]  # differences below pi: crossings within 1/(2 cos(5 pi/12)) < 2
    net = network([layer([[math.cos(t), math.sin(t)] for t in angles], [-0.5] * n, "relu"),
                   layer([[1] * n], [0], "identity")])
    assert same_as_exact(net, box([-3, -3], [3, 3]))[0] == 1 + n + n * (n - 1) // 2


def test_weights_beyond_the_float_range_count_exactly():
    huge = 10 ** 400
    net = network([layer([[huge, 0], [0, 1], [huge, huge]], [1, 0, Fraction(-huge, 2)], "relu"),
                   layer([[1, 1, 1]], [0], "identity")])
    with pytest.raises(OverflowError):
        float_enclosure([huge])
    assert count_regions(net, box([-1, -1], [1, 1])) == count_regions(net, box([-1, -1], [1, 1]), exact=True)


def test_where_the_float_path_applies():
    relu = he_initialised([2, 4, 1], 0)
    assert filtered.applies(relu, box([-1, -1], [1, 1]))
    assert filtered.applies(relu, polytope([(0, 1, 0)]))  # a half-plane: quadrants of two first-layer lines
    assert not filtered.applies(he_initialised([1, 4, 1], 0), polytope([(0, 1)]))  # a half-line
    assert filtered.applies(he_initialised([3, 4, 1], 0), box([-1] * 3, [1] * 3))
    assert filtered.applies(he_initialised([3, 4, 1], 0), polytope([(0, 1, 0, 0)]))
    assert filtered.applies(he_initialised([4, 4, 1], 0), box([-1] * 4, [1] * 4))
    assert filtered.applies(he_initialised([5, 4, 1], 0), box([-1] * 5, [1] * 5))  # LP regions
    hard = network([layer([[1, 0]], [0], "hardtanh"), layer([[1]], [0], "identity")])
    assert filtered.applies(hard, box([-1, -1], [1, 1]))
    maxout = network([layer([[1, 0], [0, 1]], [0, 0], "maxout:2"), layer([[1]], [0], "identity")])
    assert filtered.applies(maxout, box([-1, -1], [1, 1]))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("activation", ["relu", "leaky_relu:1/10", "abs"])
def test_segments_in_high_dimension_against_exact_breakpoints(seed, activation, fallbacks):
    """A segment is counted as the strip segment x [0, 1]; the pieces found by exact root finding
    (tests/analyzer/naive.py) are the reference."""
    rng = np.random.default_rng(seed)
    W1, b1 = rng.normal(size=(16, 40)) / 6, rng.normal(size=16) / 4
    W2, b2 = rng.normal(size=(12, 16)) / 4, rng.normal(size=12) / 4
    net = network([layer(W1, b1, activation), layer(W2, b2, "relu"), layer(rng.normal(size=(2, 12)), [0, 0], "identity")])
    a, b = rng.normal(size=(2, 40))
    domain = segment(a, b)
    count, _ = same_as_exact(net, domain)
    spec = [(W1.tolist(), b1.tolist(), activation), (W2.tolist(), b2.tolist(), "relu"),
            (net.layers[2].weights, net.layers[2].bias, "identity")]
    assert count == len(naive.pieces_1d(spec, a.tolist(), (b - a).tolist(), 0, 1))
    assert fallbacks == []


def test_segment_with_repeated_units_falls_back(fallbacks):
    """Units repeated in layer 1 share their breakpoints: floats cannot order them, integers do."""
    rng = np.random.default_rng(5)
    W, b = rng.normal(size=(4, 3)), rng.normal(size=4) / 4
    net = network([layer(np.vstack([W, W]), [*b, *b], "relu"), layer(rng.normal(size=(1, 8)), [0], "identity")])
    same_as_exact(net, segment([-3, -2, -1], [3, 2, 1]))
    assert fallbacks == [0]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("activation", ["relu", "leaky_relu:1/3", "abs"])
def test_three_dimensional_nets_over_space_and_in_boxes(seed, activation, fallbacks):
    """Simple polyhedra: over R^3 through the octants of three first-layer units, and in a box.
    (Over R^3 a later unit can be exactly constant along a ray of an unbounded region, e.g. where
    one first-layer unit alone is on; floats cannot certify that zero, so such subtrees go exact.)"""
    rng = np.random.default_rng(seed)
    net = network([layer(rng.normal(size=(7, 3)), rng.normal(size=7) / 3, activation),
                   layer(rng.normal(size=(6, 7)), rng.normal(size=6) / 3, "relu"),
                   layer(rng.normal(size=(1, 6)), [0], "identity")])
    same_as_exact(net, box([-1, -1, -1], [1, 1, 1]))
    assert fallbacks == []
    same_as_exact(net, all_space(3))


@pytest.mark.parametrize("seed", range(10))
def test_three_dimensional_degenerate_nets(seed, fallbacks):
    """Small integers: planes through vertices and repeated planes; where the start is not a
    simple polyhedron the exact engine counts alone."""
    rng = np.random.default_rng(seed)
    net = network([layer(rng.integers(-2, 3, (5, 3)), rng.integers(-1, 2, 5), "relu"),
                   layer(rng.integers(-2, 3, (4, 5)), rng.integers(-1, 2, 4), "relu"),
                   layer(rng.integers(-2, 3, (1, 4)), [0], "identity")])
    same_as_exact(net, all_space(3))
    same_as_exact(net, box([-2, -2, -2], [2, 2, 2]))


def test_three_dimensional_fallback_below_the_root(fallbacks):
    rng = np.random.default_rng(2)
    W2, b2 = rng.normal(size=(4, 6)), rng.normal(size=4) / 4
    net = network([layer(rng.normal(size=(6, 3)), rng.normal(size=6) / 4, "relu"),
                   layer(np.vstack([W2, W2[:1]]), [*b2, b2[0]], "relu"),
                   layer(rng.normal(size=(1, 5)), [0], "identity")])
    same_as_exact(net, all_space(3))
    assert fallbacks and min(fallbacks) == 1


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("activation", ["relu", "leaky_relu:1/3", "abs"])
def test_unbounded_planar_domains(seed, activation, fallbacks):
    """Over R^2, a half-plane and a slice of R^3: the quadrants of two first-layer lines, with
    generators at infinity; small-integer nets too (their degeneracies go exact)."""
    rng = np.random.default_rng(seed)
    net = network([layer(rng.normal(size=(7, 2)), rng.normal(size=7) / 3, activation),
                   layer(rng.normal(size=(6, 7)), rng.normal(size=6) / 3, "relu"),
                   layer(rng.normal(size=(1, 6)), [0], "identity")])
    same_as_exact(net, all_space(2))
    same_as_exact(net, polytope([(1, 1, -2)]))
    small = network([layer(rng.integers(-2, 3, (5, 2)), rng.integers(-1, 2, 5), activation),
                     layer(rng.integers(-2, 3, (4, 5)), rng.integers(-1, 2, 4), "relu"),
                     layer(rng.integers(-2, 3, (1, 4)), [0], "identity")])
    same_as_exact(small, all_space(2))
    wide = he_initialised([3, 8, 8, 1], seed)
    same_as_exact(wide, plane_slice([0, 0, 0], [1, 2, 0], [0, 1, 1]))


def test_three_dimensional_closed_form():
    """Four generic planes in R^3 (one ReLU layer): 1 + 4 + 6 + 4 = 15 regions over R^3."""
    rng = np.random.default_rng(9)
    net = network([layer(rng.normal(size=(4, 3)), rng.normal(size=4), "relu"), layer([[1, 1, 1, 1]], [0], "identity")])
    assert count_regions(net) == (15, (15,))


@pytest.mark.parametrize("seed", range(4))
def test_hard_tanh_nets(seed, fallbacks):
    """A hard-tanh unit is cut by z = -1 and z = 1; saturated units pass constants on. Generic
    nets on a box, a 3-D box and a segment never fall back; small-integer ones (thresholds through
    vertices, units exactly saturated) do, and over R^2 a hard-tanh first layer gives no
    quadrants, so the exact engine counts alone."""
    rng = np.random.default_rng(seed)
    net = network([layer(rng.normal(size=(8, 2)), rng.normal(size=8), "hardtanh"),
                   layer(rng.normal(size=(6, 8)), rng.normal(size=6), "hardtanh"),
                   layer(rng.normal(size=(5, 6)), rng.normal(size=5) / 3, "relu"),
                   layer(rng.normal(size=(1, 5)), [0], "identity")])
    same_as_exact(net, box([-2, -2], [2, 2]))
    solid = network([layer(rng.normal(size=(6, 3)), rng.normal(size=6), "hardtanh"),
                     layer(rng.normal(size=(5, 6)), rng.normal(size=5), "hardtanh"),
                     layer(rng.normal(size=(1, 5)), [0], "identity")])
    same_as_exact(solid, box([-2, -2, -2], [2, 2, 2]))
    same_as_exact(solid, segment([-3, 1, 0], [3, -1, 2]))
    assert fallbacks == []
    small = network([layer(rng.integers(-2, 3, (5, 2)), rng.integers(-1, 2, 5), "hardtanh"),
                     layer(rng.integers(-2, 3, (4, 5)), rng.integers(-1, 2, 4), "hardtanh"),
                     layer(rng.integers(-2, 3, (1, 4)), [0], "identity")])
    same_as_exact(small, box([-2, -2], [2, 2]))
    same_as_exact(small, all_space(2))


def test_hard_tanh_closed_form():
    """One hard-tanh layer of n units in general position in a large box: 2n lines (z = -1 and
    z = 1 per unit; the two lines of a unit are parallel), so 1 + 2n + (C(2n, 2) - n) regions."""
    n = 4
    angles = [0.3 + k * 0.7 for k in range(n)]
    net = network([layer([[math.cos(t), math.sin(t)] for t in angles], [0.1 * k for k in range(n)], "hardtanh"),
                   layer([[1] * n], [0], "identity")])
    assert count_regions(net, box([-50, -50], [50, 50]))[0] == 1 + 2 * n + (2 * n * (2 * n - 1) // 2 - n)


@pytest.mark.parametrize("seed", range(3))
def test_four_dimensional_nets(seed, fallbacks):
    """Simple polyhedra of R^4: in a box, over R^4 (16 orthants of four first-layer units), and
    small-integer nets whose degeneracies go exact."""
    rng = np.random.default_rng(seed)
    net = network([layer(rng.normal(size=(7, 4)), rng.normal(size=7) / 3, "relu"),
                   layer(rng.normal(size=(5, 7)), rng.normal(size=5) / 3, "relu"),
                   layer(rng.normal(size=(1, 5)), [0], "identity")])
    same_as_exact(net, box([-1] * 4, [1] * 4))
    assert fallbacks == []
    same_as_exact(net, all_space(4))
    small = network([layer(rng.integers(-2, 3, (5, 4)), rng.integers(-1, 2, 5), "relu"),
                     layer(rng.integers(-2, 3, (1, 5)), [0], "identity")])
    same_as_exact(small, all_space(4))


def test_four_dimensional_closed_form():
    """Six generic hyperplanes in R^4 (one ReLU layer): sum_{i <= 4} C(6, i) = 57 regions."""
    rng = np.random.default_rng(12)
    net = network([layer(rng.normal(size=(6, 4)), rng.normal(size=6), "relu"), layer([[1] * 6], [0], "identity")])
    assert count_regions(net) == (57, (57,))
