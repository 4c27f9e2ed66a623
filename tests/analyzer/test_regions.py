"""analyzer/regions.py: region witnesses, volumes, linear regions, bounded regions, the dual graph."""
from __future__ import annotations

import itertools
import random
from fractions import Fraction as F

import pytest

import naive
from analyzer.domain import box, plane_slice, polytope, segment
from analyzer.enumerate import enumerate_regions
from geometry.arrangement import zaslavsky_counts

IDENTITY2 = ([F(0), F(0)], [[F(1), F(0)], [F(0), F(1)]])
ACTS = [("relu", "relu"), ("hardtanh", "relu"), ("maxout:2", "abs"), ("leaky_relu:1/4", "hardtanh")]


def net_2d(seed, acts):
    rng = random.Random(400 + seed)
    widths = [8 if a.startswith("maxout") else 4 for a in acts]
    spec = naive.random_spec(rng, 2, widths, list(acts), size=3)
    return spec, naive.build(spec)


# --- 6. brute force on a grid, and the witnesses -------------------------------------------------------

@pytest.mark.parametrize("seed", range(len(ACTS)))
def test_grid_patterns_never_exceed_the_count(seed):
    spec, net = net_2d(seed, ACTS[seed])
    rs = enumerate_regions(net, box([-2, -2], [2, 2]))
    by_pattern = {r.pattern: r for r in rs}
    n = 36
    grid = [F(-2) + F(4 * i, n) + F(1, 997) for i in range(n)]  # offset: off most special lines
    seen = set()
    for x, y in itertools.product(grid, grid):
        _, pattern, _ = naive.forward(spec, (x, y))
        seen.add(pattern)
        pres, _ = naive.affine_under_pattern(spec, pattern, *IDENTITY2)
        generic = all(
            naive.is_const(f) or naive.value(f, (x, y)) != 0
            for (W, b, act), z, states in zip(spec, pres, pattern) if act != "identity"
            for state, g in zip(states, naive.groups(len(z), act))
            for f in naive.switching_quantities(act, state, [z[i] for i in g]))
        if generic:  # a point strictly inside its pattern's set lies in that region
            region = by_pattern[pattern]
            assert all(c + a * x + bb * y > 0 for c, a, bb in region.forms)
    assert len(seen) <= rs.activation_regions
    naive.check_region_witnesses(rs, spec, *IDENTITY2)


@pytest.mark.parametrize("seed", range(len(ACTS)))
def test_witnesses_on_the_whole_plane_and_on_a_slice(seed):
    spec, net = net_2d(seed, ACTS[seed])
    naive.check_region_witnesses(enumerate_regions(net), spec, *IDENTITY2)
    p0, p1, p2 = [1, F(1, 3)], [2, 1], [F(-1, 2), 3]
    dom = plane_slice(p0, p1, p2)
    rs = enumerate_regions(net, dom)
    basis = [[F(y) - F(x) for x, y in zip(p0, p1)], [F(y) - F(x) for x, y in zip(p0, p2)]]
    naive.check_region_witnesses(rs, spec, [F(v) for v in p0], basis)
    for r in rs:  # embed agrees with the plane map
        assert dom.embed(r.point) == tuple(F(o) + r.point[0] * b1 + r.point[1] * b2
                                           for o, b1, b2 in zip(p0, *basis))


# --- 7. volumes ------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(len(ACTS)))
def test_volumes_add_up_to_the_box(seed):
    spec, net = net_2d(seed, ACTS[seed])
    rs = enumerate_regions(net, box([-2, F(-1, 3)], [F(3, 2), 2]))
    assert sum(r.volume() for r in rs) == F(7, 2) * F(7, 3)
    assert rs.bounded_regions == rs.activation_regions
    assert all(r.is_bounded() for r in rs)


def test_volumes_add_up_in_three_dimensions():
    rng = random.Random(410)
    spec = naive.random_spec(rng, 3, [4, 3], size=2)
    net = naive.build(spec)
    rs = enumerate_regions(net, box([-1, 0, F(-1, 2)], [1, 2, F(1, 2)]))
    assert sum(r.volume() for r in rs) == 4
    found, _ = naive.brute_force_patterns(spec, naive.box_forms([-1, 0, F(-1, 2)], [1, 2, F(1, 2)]))
    assert {r.pattern for r in rs} == set(found)


def test_lengths_add_up_on_a_segment():
    spec, net = net_2d(0, ("relu", "relu"))
    rs = enumerate_regions(net, segment([-3, 1], [2, -2]))
    assert sum(r.volume() for r in rs) == 1  # parameter lengths, 0 <= s <= 1


def test_areas_add_up_on_a_sliced_triangle():
    spec, net = net_2d(1, ("hardtanh", "relu"))
    triangle = [(0, 1, 0), (0, 0, 1), (2, -1, -1)]  # u >= 0, v >= 0, u + v <= 2: area 2
    rs = enumerate_regions(net, plane_slice([0, 0], [1, 0], [0, 1], polygon=triangle))
    assert sum(r.volume() for r in rs) == 2


# --- bounded regions ---------------------------------------------------------------------------

def test_bounded_regions_on_an_unbounded_polytope_domain():
    # relu(x) on the half-plane {y >= 0}: two regions, the quadrants x > 0 and x < 0 of the upper
    # half-plane, both unbounded. A polytope domain given by rows may be unbounded; bounded_regions
    # must then count the bounded regions (here none), as on R^n.
    net = naive.build([naive.spec_layer([[1, 0]], [0])])
    rs = enumerate_regions(net, polytope([(0, 0, 1)]))
    assert rs.activation_regions == 2
    assert not any(r.is_bounded() for r in rs)
    assert rs.bounded_regions == 0


def test_bounded_regions_on_an_unbounded_slice_polygon():
    # the same half-plane given as the polygon of a slice
    net = naive.build([naive.spec_layer([[1, 0]], [0])])
    rs = enumerate_regions(net, plane_slice([0, 0], [1, 0], [0, 1], polygon=[(0, 0, 1)]))
    assert rs.activation_regions == 2
    assert rs.bounded_regions == 0


def test_bounded_regions_on_a_bounded_polytope_domain():
    # relu(x) on the triangle x >= -1, y >= -1, x + y <= 1: two bounded pieces
    net = naive.build([naive.spec_layer([[1, 0]], [0])])
    rs = enumerate_regions(net, polytope([(1, 1, 0), (1, 0, 1), (1, -1, -1)]))
    assert rs.activation_regions == 2
    assert rs.bounded_regions == 2
    assert sum(r.volume() for r in rs) == F(9, 2)  # vertices (-1, -1), (2, -1), (-1, 2): legs 3 and 3


# --- 11. linear regions --------------------------------------------------------------------------

def test_relu_minus_mirrored_relu_is_linear():
    # relu(x) - relu(-x) = x: two activation regions, one affine map, adjacent: one linear region
    net = naive.build([naive.spec_layer([[1], [-1]], [0, 0]), naive.spec_layer([[1, -1]], [0], "identity")])
    rs = enumerate_regions(net)
    assert (rs.activation_regions, rs.linear_regions) == (2, 1)
    # relu(x) + relu(-x) = |x|: two maps
    net = naive.build([naive.spec_layer([[1], [-1]], [0, 0]), naive.spec_layer([[1, 1]], [0], "identity")])
    assert enumerate_regions(net).linear_regions == 2


def test_hat_function_keeps_non_adjacent_equal_maps_apart():
    # relu(x + 1) - 2 relu(x) + relu(x - 1) is 0, x + 1, 1 - x, 0 on the four intervals: the two
    # outer pieces have the same map but do not touch, so 4 linear regions
    net = naive.build([naive.spec_layer([[1], [1], [1]], [1, 0, -1]), naive.spec_layer([[1, -2, 1]], [0], "identity")])
    rs = enumerate_regions(net)
    assert (rs.activation_regions, rs.linear_regions) == (4, 4)
    maps = [r.output_map for r in rs]
    assert len(set(maps)) == 3


def test_zero_output_weight_merges_the_two_sides_of_a_unit():
    # three generic lines x, y, x + y - 1 (7 regions); output weight 0 on x + y - 1: its line no
    # longer changes the map, the linear regions are the 4 quadrants of the lines x, y
    net = naive.build([naive.spec_layer([[1, 0], [0, 1], [1, 1]], [0, 0, -1]),
                       naive.spec_layer([[1, 1, 0]], [0], "identity")])
    rs = enumerate_regions(net)
    assert (rs.activation_regions, rs.linear_regions) == (7, 4)
    # with two outputs the map is the pair: a unit merges only if it is 0 in both outputs
    net = naive.build([naive.spec_layer([[1, 0], [0, 1], [1, 1]], [0, 0, -1]),
                       naive.spec_layer([[1, 1, 0], [0, 0, 2]], [0, 0], "identity")])
    assert enumerate_regions(net).linear_regions == 7


def test_second_layer_ignores_a_unit():
    # layer 1: relu(x), relu(-x), relu(y); layer 2: relu(h1 + h2) = relu(|x|) = |x|, output = that unit.
    # Activation regions: the 4 quadrants (layer 2 is on wherever x != 0). The output |x| does not
    # depend on the sign of y: linear regions are the half-planes x < 0 and x > 0.
    net = naive.build([naive.spec_layer([[1, 0], [-1, 0], [0, 1]], [0, 0, 0]),
                       naive.spec_layer([[1, 1, 0]], [0]),
                       naive.spec_layer([[1]], [0], "identity")])
    rs = enumerate_regions(net)
    assert (rs.activation_regions, rs.linear_regions) == (4, 2)
    assert rs.per_layer == (4, 4)
    naive.assert_within_relu_bounds(net, rs.activation_regions)


def distinct_hyperplane_rows(rng, n, d):
    """n rows with nonzero normals and pairwise distinct hyperplanes (no equal or opposite rows)."""
    rows, keys = [], set()
    while len(rows) < n:
        row = [rng.randint(-3, 3) for _ in range(d + 1)]
        if not any(row[1:]):
            continue
        lead = next(v for v in row[1:] if v)
        key = tuple(F(v, lead) for v in row)
        if key not in keys:
            keys.add(key)
            rows.append(row)
    return rows


@pytest.mark.parametrize("d,seed", [(2, 0), (2, 1), (2, 2), (3, 0), (3, 1)])
def test_linear_regions_of_one_layer_with_zero_output_weights(d, seed):
    # One ReLU layer with distinct hyperplanes: crossing the hyperplane of unit i changes the output
    # map by c_i z_i (c_i its output column), which is zero exactly when c_i = 0. So the linear
    # regions are the regions of the sub-arrangement of the units with c_i != 0 (each such region is
    # convex and its activation regions are joined across the ignored hyperplanes).
    rng = random.Random(420 + 10 * d + seed)
    n = 6 if d == 2 else 5
    rows = distinct_hyperplane_rows(rng, n, d)
    columns = [[rng.choice([-2, -1, 1, 3]), rng.choice([0, 1])] if rng.random() < 0.6 else [0, 0] for _ in rows]
    W2 = [[c[0] for c in columns], [c[1] for c in columns]]
    net = naive.build([naive.spec_layer([r[1:] for r in rows], [r[0] for r in rows]),
                       naive.spec_layer(W2, [0, 0], "identity")])
    rs = enumerate_regions(net)
    kept = [r for r, c in zip(rows, columns) if any(c)]
    expected = zaslavsky_counts(kept, d)[0] if kept else 1
    assert rs.activation_regions == zaslavsky_counts(rows, d)[0]
    assert rs.linear_regions == expected
    assert rs.linear_regions <= rs.activation_regions


@pytest.mark.parametrize("seed", range(len(ACTS)))
def test_linear_at_most_activation_and_labels_are_consistent(seed):
    spec, net = net_2d(seed, ACTS[seed])
    rs = enumerate_regions(net)
    assert 1 <= rs.linear_regions <= rs.activation_regions
    labels = rs.linear_region_labels
    assert len(labels) == len(rs.regions)
    assert set(labels) == set(range(rs.linear_regions))
    for i, j in rs.dual_graph().edges:  # neighbours with one map share a label
        if rs.regions[i].output_map == rs.regions[j].output_map:
            assert labels[i] == labels[j]
    for i, j in itertools.combinations(range(len(labels)), 2):  # one label, one map
        if labels[i] == labels[j]:
            assert rs.regions[i].output_map == rs.regions[j].output_map


# --- the dual graph ------------------------------------------------------------------------------

@pytest.mark.parametrize("d,seed", [(2, 0), (2, 1), (3, 0)])
def test_dual_graph_of_an_arrangement(d, seed):
    # distinct hyperplanes: two cells share a facet exactly when one hyperplane separates them,
    # i.e. their patterns differ in exactly one unit; and each facet has exactly one neighbour
    rng = random.Random(430 + 10 * d + seed)
    rows = distinct_hyperplane_rows(rng, 6 if d == 2 else 5, d)
    net = naive.build([naive.spec_layer([r[1:] for r in rows], [r[0] for r in rows])])
    rs = enumerate_regions(net)
    graph = rs.dual_graph()
    expected = {(i, j) for i, j in itertools.combinations(range(len(rs)), 2)
                if sum(a != b for a, b in zip(rs.regions[i].pattern[0], rs.regions[j].pattern[0])) == 1}
    assert {tuple(sorted(e)) for e in graph.edges} == expected
    for i, r in enumerate(rs):
        assert graph.degree[i] == len(r.facets())


@pytest.mark.parametrize("seed", range(len(ACTS)))
def test_every_facet_has_a_neighbour(seed):
    # on R^2 every facet of a region is shared with at least one other region; a neighbour shares
    # exactly one facet with it (two convex sets with disjoint interiors), so degree >= facets.
    # In a box the facets on the box's boundary have no neighbour.
    spec, net = net_2d(seed, ACTS[seed])
    rs = enumerate_regions(net)
    graph = rs.dual_graph()
    assert all(graph.degree[i] >= len(r.facets()) for i, r in enumerate(rs))
    import networkx as nx
    assert nx.is_connected(graph)
    dom = box([-2, -2], [2, 2])
    rs = enumerate_regions(net, dom)
    graph = rs.dual_graph()
    for i, r in enumerate(rs):
        inner = [f for f in r.facets() if f not in dom.region.forms]
        assert graph.degree[i] >= len(inner)
    assert nx.is_connected(graph)


# --- linear and bounded regions against the brute force ---------------------------------------

MIXED = [
    (2, [4, 3], ["relu", "relu"]),
    (2, [3, 3], ["leaky_relu:1/2", "hardtanh"]),
    (2, [4, 2], ["maxout:2", "abs"]),
    (3, [3, 3], ["relu", "leaky_relu:1"]),
    (1, [3, 3, 2], ["relu", "abs", "relu"]),
]


@pytest.mark.parametrize("case", range(len(MIXED)))
def test_linear_and_bounded_regions_against_brute_force(case):
    # brute force: the activation regions of naive.brute_force_regions, joined when their exact maps
    # agree and their closures meet in dimension n - 1 (cdd's implicit linearities); a region is
    # bounded when its recession cone is {0}
    n0, widths, acts = MIXED[case]
    rng = random.Random(440 + case)
    spec = naive.random_spec(rng, n0, widths, acts, size=2, outputs=2)
    for row in spec[-1][0]:  # some output weights 0, so that neighbours share maps
        for j in range(len(row)):
            if rng.random() < 0.4:
                row[j] = F(0)
    net = naive.build(spec)
    rs = enumerate_regions(net)
    assert rs.linear_regions == naive.brute_force_linear_regions(spec)
    assert rs.bounded_regions == naive.brute_force_bounded(spec)
    lo, hi = [-1] * n0, [F(3, 2)] * n0
    in_box = enumerate_regions(net, box(lo, hi))
    assert in_box.linear_regions == naive.brute_force_linear_regions(spec, naive.box_forms(lo, hi))
