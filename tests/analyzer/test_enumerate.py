"""analyzer/enumerate.py: activation-region counts against independent references.

References: Zaslavsky's theorem (geometry.arrangement.zaslavsky_counts) and Sage's counts in
tests/data/arrangements.json for one layer; the general-position formula; Telgarsky's sawtooth
counted by hand; exact 1-D root finding and a brute force over patterns with exact LPs
(tests/analyzer/naive.py) for deeper networks.
"""
from __future__ import annotations

import json
import math
import random
from fractions import Fraction as F
from pathlib import Path

import pytest

import naive
from analyzer.domain import all_space, box, plane_slice, segment
from analyzer.enumerate import count_regions, enumerate_regions
from geometry.arrangement import cells, zaslavsky_counts

DATA = Path(__file__).resolve().parents[1] / "data" / "arrangements.json"


def one_layer_net(rows, rng=None, outputs=1):
    """ReLU layer with rows (b, a) as (bias, weights), then a random affine output."""
    rng = rng or random.Random(0)
    W1 = [list(r[1:]) for r in rows]
    b1 = [r[0] for r in rows]
    W2 = [[rng.randint(-3, 3) or 1 for _ in rows] for _ in range(outputs)]
    spec = [naive.spec_layer(W1, b1, "relu"), naive.spec_layer(W2, [rng.randint(-2, 2)] * outputs, "identity")]
    return spec, naive.build(spec)


def relu_states(signs):
    """Sign of a row on a cell -> ReLU state (z > 0 on, z <= 0 off; a zero row with b = 0 is off)."""
    return tuple(1 if s > 0 else 0 for s in signs)


# --- 1. one hidden layer = a hyperplane arrangement ---------------------------------------------------

def degenerate_rows(rng, d):
    """Random small-integer rows with duplicates, opposite rows, a zero row, a parallel row and
    (d >= 2) three hyperplanes through one point."""
    def vec():
        return [rng.randint(-3, 3) for _ in range(d)]
    rows = []
    for _ in range(3):
        rows.append([rng.randint(-3, 3), *vec()])
    base = rows[0] if any(rows[0][1:]) else [1] + [1] * d
    rows.append([2 * v for v in base])                      # duplicate unit (positive multiple)
    rows.append([-3 * v for v in rows[1]])                  # opposite unit
    rows.append([rng.choice([-1, 0, 2])] + [0] * d)         # zero row: constant, never cuts
    rows.append([base[0] + rng.choice([-2, 5]), *base[1:]])  # parallel to the first
    if d >= 2:
        p = [rng.randint(-2, 2) for _ in range(d)]
        for _ in range(3):                                  # three hyperplanes through p
            a = vec()
            rows.append([-sum(x * y for x, y in zip(a, p)), *a])
    rng.shuffle(rows)
    return rows


@pytest.mark.parametrize("d", [1, 2, 3])
@pytest.mark.parametrize("seed", range(6))
def test_one_layer_is_zaslavsky(d, seed):
    rng = random.Random(100 * d + seed)
    rows = degenerate_rows(rng, d)
    spec, net = one_layer_net(rows, rng)
    rs = enumerate_regions(net)
    regions, relatively_bounded = zaslavsky_counts(rows, d)
    assert rs.activation_regions == regions
    assert rs.per_layer == (regions,)
    assert count_regions(net) == (regions, (regions,))
    arrangement_cells = cells(rows)
    assert len(arrangement_cells) == regions
    bounded_cells = sum(c.is_bounded() for c in arrangement_cells)
    assert rs.bounded_regions == bounded_cells
    # Truly bounded regions exist only when the normals span R^d; then they are Zaslavsky's
    # relatively bounded ones, otherwise every region contains a line.
    essential = naive.rank([r[1:] for r in rows]) == d
    assert bounded_cells == (relatively_bounded if essential else 0)
    assert {r.pattern[0] for r in rs} == {relu_states(c.signs) for c in arrangement_cells}
    assert all(r.pattern[1] == () for r in rs)
    naive.assert_within_relu_bounds(net, rs.activation_regions)


def sage_cases():
    return json.loads(DATA.read_text())["cases"]


@pytest.mark.parametrize("case", sage_cases(), ids=lambda c: c["name"])
def test_one_layer_against_sage(case):
    """A single ReLU layer with Sage's rows as (bias, weights) has Sage's region count over R^d."""
    rows, d = case["rows"], case["dim"]
    net = naive.build([naive.spec_layer([r[1:] for r in rows], [r[0] for r in rows], "relu")])
    rs = enumerate_regions(net)
    assert rs.activation_regions == case["regions"]
    essential = naive.rank([r[1:] for r in rows]) == d
    assert rs.bounded_regions == (case["bounded_regions"] if essential else 0)
    naive.assert_within_relu_bounds(net, rs.activation_regions)


# --- 2. a generic layer: sum_{i <= d} C(n, i) -------------------------------------------------------

def generic_rows(rng, n, d):
    while True:
        rows = [[rng.randint(-20, 20) for _ in range(d + 1)] for _ in range(n)]
        if naive.in_general_position(rows, d):
            return rows


@pytest.mark.parametrize("d,n", [(1, 1), (1, 4), (2, 1), (2, 2), (2, 3), (2, 6), (3, 2), (3, 4), (3, 7),
                                 (4, 3), (4, 5), (4, 7)])
def test_generic_layer(d, n):
    rng = random.Random(10 * d + n)
    rows = generic_rows(rng, n, d)
    spec, net = one_layer_net(rows, rng)
    rs = enumerate_regions(net)
    expected = sum(math.comb(n, i) for i in range(d + 1))
    assert rs.activation_regions == expected
    # n generic hyperplanes in R^d have C(n-1, d) bounded regions (0 when n <= d: not essential)
    assert rs.bounded_regions == math.comb(n - 1, d)
    # one generic layer attains Serra's bound (it is tight for L = 1)
    assert naive.serra_bound(d, [n]) == expected
    naive.assert_within_relu_bounds(net, rs.activation_regions)


# --- 3. Telgarsky's sawtooth ------------------------------------------------------------------------

def sawtooth(L):
    """t(x) = 2 relu(x) - 4 relu(x - 1/2) composed L times: L hidden layers of the two units
    relu(y), relu(y - 1/2), where y is the previous composition (x for the first layer, 2 h1 - 4 h2
    after), and an affine output 2 h1 - 4 h2."""
    spec = [naive.spec_layer([[1], [1]], [0, F(-1, 2)], "relu")]
    for _ in range(L - 1):
        spec.append(naive.spec_layer([[2, -4], [2, -4]], [0, F(-1, 2)], "relu"))
    spec.append(naive.spec_layer([[2, -4]], [0], "identity"))
    return spec


@pytest.mark.parametrize("L", [1, 2, 3, 4, 5])
def test_sawtooth_on_the_unit_interval(L):
    # t maps [0, 1/2] and [1/2, 1] linearly onto [0, 1], so t^l has 2^l monotone pieces on [0, 1],
    # each onto [0, 1]; the next layer splits each piece once (where t^l = 1/2). Per layer 2^l.
    spec = sawtooth(L)
    net = naive.build(spec)
    rs = enumerate_regions(net, box([0], [1]))
    assert rs.activation_regions == 2 ** L
    assert rs.per_layer == tuple(2 ** l for l in range(1, L + 1))
    # adjacent pieces have slopes +2^L and -2^L: no two merge
    assert rs.linear_regions == 2 ** L
    assert rs.bounded_regions == 2 ** L
    for r in rs:
        (M, c) = r.output_map
        assert abs(M[0][0]) == 2 ** L
    assert sum(r.volume() for r in rs) == 1


def sawtooth_on_the_line(L):
    """Hand count on all of R. t(x) = 0 for x <= 0, 2x on [0, 1/2], 2 - 2x for x >= 1/2.
    * x < 0: every layer sees y = 0 (relu(0) is off, relu(-1/2) off): one region, pattern all off.
    * [0, 1]: 2^L pieces as on the unit interval.
    * x > 1: layer 1 is in state (1, 1) with y1 = 2 - 2x < 0, so for L >= 2 layer 2 is all off and
      every later layer sees y = 0: one region; the point x = 1 (y1 = 0) separates it from the last
      piece of [0, 1] only when there is a second layer. For L = 1 the piece (1/2, oo) is one region.
    So 3 regions for L = 1 and 2^L + 2 for L >= 2, and the same per layer."""
    return 3 if L == 1 else 2 ** L + 2


@pytest.mark.parametrize("L", [1, 2, 3, 4, 5])
def test_sawtooth_on_the_line(L):
    spec = sawtooth(L)
    net = naive.build(spec)
    rs = enumerate_regions(net)
    assert rs.activation_regions == sawtooth_on_the_line(L)
    assert rs.per_layer == tuple(sawtooth_on_the_line(l) for l in range(1, L + 1))
    # the two outer regions have output 0 (for L = 1 the right one has 2 - 2x) but are not adjacent;
    # every other neighbour pair has different slopes: no merging
    assert rs.linear_regions == sawtooth_on_the_line(L)
    assert rs.bounded_regions == sawtooth_on_the_line(L) - 2
    assert len(naive.pieces_1d(spec, [0], [1])) == sawtooth_on_the_line(L)
    # on x < 0 every unit after the first layer sees exactly 0 or -1/2 (constant): exempt from strictness
    naive.check_region_witnesses(rs, spec, [F(0)], [[F(1)]])
    naive.assert_within_relu_bounds(net, rs.activation_regions)


# --- the network is the one given: floats are binary rationals, strings are exact ----------------------

def test_floats_are_their_binary_values():
    # x = 0.1, y = 0.2, x + y = 0.3: concurrent for the decimals (6 regions, none bounded), but the
    # binary doubles have 0.1 + 0.2 != 0.3, so as floats the three lines make a tiny triangle
    # (7 regions, 1 bounded)
    assert F(0.1) + F(0.2) != F(0.3)
    W = [[1, 0], [0, 1], [1, 1]]
    as_floats = enumerate_regions(naive.build([naive.spec_layer(W, [-0.1, -0.2, -0.3])]))
    as_decimals = enumerate_regions(naive.build([(W, [F("-0.1"), F("-0.2"), F("-0.3")], "relu")]))
    assert (as_floats.activation_regions, as_floats.bounded_regions) == (7, 1)
    assert (as_decimals.activation_regions, as_decimals.bounded_regions) == (6, 0)


@pytest.mark.parametrize("k", [30, 60, 1100])
def test_nearly_concurrent_lines(k):
    # x = 1, y = 1, x + y = 2 + 2^-k: a triangle of legs 2^-k, found for any k (no tolerance);
    # in the box [1 - 2^-k, 1 + 2^-k]^2 the third line cuts only the upper-right quarter: 5 regions
    e = F(1, 2 ** k)
    W = [[1, 0], [0, 1], [1, 1]]
    net = naive.build([naive.spec_layer(W, [-1, -1, -(2 + e)])])
    rs = enumerate_regions(net)
    assert (rs.activation_regions, rs.bounded_regions) == (7, 1)
    triangle = [r for r in rs if r.pattern == ((1, 1, 0),)]
    assert len(triangle) == 1 and triangle[0].volume() == e * e / 2
    assert count_regions(net, box([1 - e, 1 - e], [1 + e, 1 + e]))[0] == 5
    net = naive.build([naive.spec_layer(W, [-1, -1, -2])])
    assert enumerate_regions(net).activation_regions == 6


# --- 4. one-dimensional networks against exact root finding -------------------------------------------

def interval_of(region):
    """(start, end) of a 1-D region in parameter coordinates (None for an infinite end)."""
    lo = hi = None
    for c, a in region.forms:  # c + a t >= 0
        t = F(-c, a)
        if a > 0:
            lo = t if lo is None else max(lo, t)
        else:
            hi = t if hi is None else min(hi, t)
    return lo, hi


def assert_matches_1d(net, spec, domain, origin, direction, lo, hi):
    pieces = naive.pieces_1d(spec, origin, direction, lo, hi)
    rs = enumerate_regions(net, domain)
    assert len({p[2] for p in pieces}) == len(pieces)  # every pattern is one interval
    assert rs.activation_regions == len(pieces)
    got = {r.pattern: interval_of(r) for r in rs}
    want = {pattern: (s, e) for s, e, pattern, _ in pieces}
    assert got == want
    assert rs.linear_regions == naive.linear_pieces_1d(pieces)
    assert rs.linear_regions <= rs.activation_regions
    hidden = len(rs.per_layer)
    assert rs.per_layer == tuple(len(naive.pieces_1d(spec[: l + 1], origin, direction, lo, hi))
                                 for l in range(hidden))
    return rs


@pytest.mark.parametrize("seed", range(8))
def test_one_dimensional_relu_nets(seed):
    rng = random.Random(seed)
    depth = 2 + seed % 2
    widths = [rng.randint(2, 4) for _ in range(depth)]
    spec = naive.random_spec(rng, 1, widths, rational=True)
    net = naive.build(spec)
    rs = assert_matches_1d(net, spec, all_space(1), [0], [1], None, None)
    naive.assert_within_relu_bounds(net, rs.activation_regions)
    a, b = F(rng.randint(-12, -1), 3), F(rng.randint(1, 12), 5)
    assert_matches_1d(net, spec, box([a], [b]), [0], [1], a, b)  # a box keeps x as its coordinate
    assert_matches_1d(net, spec, segment([a], [b]), [a], [b - a], 0, 1)


@pytest.mark.parametrize("act", ["leaky_relu:1/3", "abs", "hardtanh", "maxout:2", "maxout:3"])
def test_one_dimensional_other_activations(act):
    rng = random.Random(len(act))
    k = naive.kind_of(act)[1] if act.startswith("maxout") else 1
    spec = naive.random_spec(rng, 1, [3 * k, 2 * k], [act, act], rational=True)
    net = naive.build(spec)
    assert_matches_1d(net, spec, all_space(1), [0], [1], None, None)
    assert_matches_1d(net, spec, box([-2], [3]), [0], [1], -2, 3)


def test_one_dimensional_degenerate():
    # relu(x), relu(2x), relu(-x), relu(x - 1): three units switch at 0; the second layer's
    # relu(h1 - h3) = relu(x) switches at 0 again and relu(h2 + h3 - 2) = relu(2x - 2 or -x - 2) at 1 and -2
    spec = [naive.spec_layer([[1], [2], [-1], [1]], [0, 0, 0, -1], "relu"),
            naive.spec_layer([[1, 0, -1, 0], [0, 1, 1, 0]], [0, -2], "relu"),
            naive.spec_layer([[1, 1]], [0], "identity")]
    net = naive.build(spec)
    rs = assert_matches_1d(net, spec, all_space(1), [0], [1], None, None)
    # breakpoints -2, 0, 1: 4 pieces
    assert rs.activation_regions == 4


@pytest.mark.parametrize("seed", range(4))
def test_segment_in_the_plane(seed):
    rng = random.Random(50 + seed)
    spec = naive.random_spec(rng, 2, [4, 3], rational=True)
    net = naive.build(spec)
    a = [F(rng.randint(-9, 9), 4) for _ in range(2)]
    b = [F(rng.randint(-9, 9), 3) for _ in range(2)]
    assert_matches_1d(net, spec, segment(a, b), a, [y - x for x, y in zip(a, b)], 0, 1)


# --- brute force over patterns: deeper nets, every activation ----------------------------------------

def assert_matches_brute_force(net, spec, domain=None, domain_forms=()):
    rs = enumerate_regions(net, domain)
    found, per_layer = naive.brute_force_patterns(spec, domain_forms)
    assert {r.pattern for r in rs} == set(found)
    assert rs.activation_regions == len(found)
    assert rs.per_layer == per_layer
    assert len({r.pattern for r in rs}) == len(rs)
    assert count_regions(net, domain) == (len(found), per_layer)
    return rs


BRUTE = [
    (2, [4, 3], ["relu", "relu"]),
    (2, [3, 3, 2], ["relu", "relu", "relu"]),
    (3, [4, 3], ["relu", "relu"]),
    (2, [3, 2], ["hardtanh", "relu"]),
    (2, [6, 4], ["maxout:3", "maxout:2"]),
    (2, [3, 3], ["abs", "leaky_relu:1/2"]),
    (2, [3, 3], ["relu", "hardtanh"]),
]


@pytest.mark.parametrize("case", range(len(BRUTE)))
def test_against_brute_force_over_patterns(case):
    n0, widths, acts = BRUTE[case]
    rng = random.Random(200 + case)
    spec = naive.random_spec(rng, n0, widths, acts, size=2)
    net = naive.build(spec)
    rs = assert_matches_brute_force(net, spec)
    if all(a == "relu" for a in acts):
        naive.assert_within_relu_bounds(net, rs.activation_regions)
    lo, hi = [-1] * n0, [2] * n0
    assert_matches_brute_force(net, spec, box(lo, hi), naive.box_forms(lo, hi))


def test_degenerate_deep_net_against_brute_force():
    # duplicate and opposite units, a zero row, a dead unit, three lines through the origin, and a
    # second layer whose boundaries coincide with the first layer's (relu(h1) with h1 = relu(x))
    spec = [naive.spec_layer([[1, 0], [2, 0], [-1, 0], [0, 0], [0, 1], [1, 1], [1, -1]],
                             [0, 0, 0, 1, 0, 0, 0], "relu"),
            naive.spec_layer([[1, 0, 0, 0, 0, 0, 0], [1, -1, 1, 0, 1, 0, 0], [0, 0, 0, -1, 0, 0, 0],
                              [0, 0, 0, 0, 1, -1, 1]], [0, 0, 0, 0], "relu"),
            naive.spec_layer([[1, 1, 1, 1]], [0], "identity")]
    net = naive.build(spec)
    rs = assert_matches_brute_force(net, spec)
    naive.assert_within_relu_bounds(net, rs.activation_regions)
    assert_matches_brute_force(net, spec, box([-1, -1], [1, 1]), naive.box_forms([-1, -1], [1, 1]))


# --- 10. the exact path gives the same regions ------------------------------------------------------

EXACT_CASES = [
    ("generic", lambda rng: naive.random_spec(rng, 2, [4, 3])),
    ("degenerate-one-layer", lambda rng: one_layer_net(degenerate_rows(rng, 2), rng)[0]),
    ("degenerate-3d", lambda rng: one_layer_net(degenerate_rows(rng, 3), rng)[0]),
    ("hardtanh-maxout", lambda rng: naive.random_spec(rng, 2, [3, 4], ["hardtanh", "maxout:2"], size=2)),
    ("sawtooth", lambda rng: sawtooth(3)),
]


@pytest.mark.parametrize("name", [c[0] for c in EXACT_CASES])
def test_exact_path_gives_the_same_regions(name):
    make = dict(EXACT_CASES)[name]
    spec = make(random.Random(7))
    net = naive.build(spec)
    n = net.input_dim
    for domain in (None, box([-1] * n, [1] * n)):
        fast = enumerate_regions(net, domain)
        exact = enumerate_regions(net, domain, exact=True)
        assert [r.pattern for r in fast] == [r.pattern for r in exact]
        assert fast.per_layer == exact.per_layer
        assert fast.linear_regions == exact.linear_regions
        assert fast.bounded_regions == exact.bounded_regions
        assert count_regions(net, domain, exact=True) == (len(fast), fast.per_layer)


# --- 9. invariances -----------------------------------------------------------------------------

def permuted(spec, layer_index, perm):
    """Hidden units of one (non-maxout) layer reordered: its rows and bias, and the next layer's columns."""
    W, b, act = spec[layer_index]
    Wn, bn, actn = spec[layer_index + 1]
    out = list(spec)
    out[layer_index] = ([W[p] for p in perm], [b[p] for p in perm], act)
    out[layer_index + 1] = ([[row[p] for p in perm] for row in Wn], bn, actn)
    return out


def rescaled(spec, layer_index, unit, factor):
    """Unit's incoming weights and bias times factor > 0, its outgoing weights divided by it.
    relu, leaky relu and abs are positively homogeneous: the network's function is unchanged."""
    W, b, act = spec[layer_index]
    Wn, bn, actn = spec[layer_index + 1]
    out = list(spec)
    out[layer_index] = ([[v * factor for v in row] if i == unit else row for i, row in enumerate(W)],
                        [v * factor if i == unit else v for i, v in enumerate(b)], act)
    out[layer_index + 1] = ([[v / factor if j == unit else v for j, v in enumerate(row)] for row in Wn], bn, actn)
    return out


def summary(spec, domain=None):
    rs = enumerate_regions(naive.build(spec), domain)
    return rs.activation_regions, rs.linear_regions, rs.per_layer, rs


@pytest.mark.parametrize("acts", [("relu", "relu"), ("leaky_relu:1/3", "abs"), ("relu", "hardtanh")])
def test_permuting_and_rescaling_hidden_units(acts):
    rng = random.Random(600 + len(acts[0]) + len(acts[1]))
    spec = naive.random_spec(rng, 2, [4, 3], list(acts), size=3)
    a, lin, per, base = summary(spec)
    perm = [2, 0, 3, 1]
    p_spec = permuted(spec, 0, perm)
    pa, plin, pper, prs = summary(p_spec)
    assert (pa, plin, pper) == (a, lin, per)
    # the patterns are the permuted patterns, the maps unchanged
    moved = {(tuple(r.pattern[0][p] for p in perm), *r.pattern[1:]): r.output_map for r in base}
    assert {r.pattern: r.output_map for r in prs} == moved
    p_spec2 = permuted(spec, 1, [2, 0, 1])
    assert summary(p_spec2)[:3] == (a, lin, per)
    if acts[0] != "hardtanh":
        for unit, factor in [(0, F(3)), (2, F(2, 7)), (3, F(5, 4))]:
            s_spec = rescaled(spec, 0, unit, factor)
            sa, slin, sper, srs = summary(s_spec)
            assert (sa, slin, sper) == (a, lin, per)
            assert {r.pattern: r.output_map for r in srs} == {r.pattern: r.output_map for r in base}
    if acts[1] != "hardtanh":
        assert summary(rescaled(spec, 1, 1, F(7, 3)))[:3] == (a, lin, per)
    if acts == ("relu", "relu"):
        naive.assert_within_relu_bounds(naive.build(spec), a)
    # in a box too
    dom = box([-1, -1], [2, 1])
    assert summary(p_spec, dom)[:3] == summary(spec, dom)[:3]


# --- 14. the reference bound itself ---------------------------------------------------------------

def test_serra_bound_closed_forms():
    # one layer: the general-position count, the bound is tight for L = 1
    for n0, n in [(1, 3), (2, 5), (3, 2), (4, 7)]:
        assert naive.serra_bound(n0, [n]) == naive.gp(n, n0)
    # n0 = 1: R(l, 1) = R(l+1, 1) + n_l R(l+1, 1) when n_l >= 2, so prod (n_l + 1)
    assert naive.serra_bound(1, [3, 4, 2]) == 4 * 5 * 3
    # one layer no wider than the input: every pattern, 2^n
    assert naive.serra_bound(6, [5]) == 2 ** 5
    # [2, 3] in R^6: with j units of layer 1 active the image has dimension <= 2 - j, so
    # R(1, 2) + 2 R(1, 1) + R(1, 0) = gp(3, 2) + 2 gp(3, 1) + 1 = 7 + 8 + 1 = 16 < 2^5
    assert naive.serra_bound(6, [2, 3]) == 16
    # a bottleneck of width 1 caps the dimension: [2, 1, 2] in R^2 is at most
    # sum_j C(2, j) R(2, min(2, 2 - j)) by hand: R(2, 2) = R(2, 1) = C(1,0) R(3, 1) + C(1,1) R(3, 0)
    # = 3 + 1 = 4 and R(2, 0) = R(3, 0) = 1, so 4 + 2 * 4 + 1 * 1 = 13
    assert naive.serra_bound(2, [2, 1, 2]) == 13


# --- random networks of every kind against the brute force, on every kind of domain ----------------

KINDS = ["relu", "relu", "leaky_relu:1/3", "abs", "hardtanh", "maxout:2", "maxout:3", "identity"]


@pytest.mark.parametrize("seed", range(40))
def test_random_networks_against_brute_force(seed):
    rng = random.Random(900 + seed)
    n0 = rng.choice([1, 2, 2, 3])
    acts = [rng.choice(KINDS) for _ in range(rng.choice([1, 2, 2, 3]))]
    widths = [(naive.kind_of(a)[1] if a.startswith("maxout") else 1) * rng.randint(1, 3) for a in acts]
    spec = naive.random_spec(rng, n0, widths, acts, size=rng.choice([1, 2]))
    for W, b, act in spec[:-1]:  # a duplicate or opposite unit now and then
        if rng.random() < 0.5 and len(W) > 1 and not act.startswith("maxout"):
            i, j, c = rng.randrange(len(W)), rng.randrange(len(W)), F(rng.choice([1, 2, -1]))
            W[j], b[j] = [v * c for v in W[i]], b[i] * c
    net = naive.build(spec)
    identity = ([F(0)] * n0, [[F(int(i == j)) for i in range(n0)] for j in range(n0)])
    choice = seed % 4
    if choice == 0:
        domain, forms, (origin, basis) = None, (), identity
    elif choice == 1:
        lo = [F(rng.randint(-3, 0)) for _ in range(n0)]
        hi = [F(rng.randint(1, 3), rng.choice([1, 2])) for _ in range(n0)]
        domain, forms, (origin, basis) = box(lo, hi), naive.box_forms(lo, hi), identity
    elif choice == 2 and n0 >= 2:
        pts = [[F(rng.randint(-2, 2), rng.choice([1, 3])) for _ in range(n0)] for _ in range(3)]
        while naive.rank([[y - x for x, y in zip(pts[0], p)] for p in pts[1:]]) < 2:
            pts[2] = [v + rng.randint(-1, 1) for v in pts[2]]
        domain, forms = plane_slice(*pts), ()
        origin, basis = pts[0], [[y - x for x, y in zip(pts[0], p)] for p in pts[1:]]
    else:
        a = [F(rng.randint(-3, 3), 2) for _ in range(n0)]
        b = [v + rng.choice([-2, 1, 3]) for v in a]
        domain, forms = segment(a, b), naive.box_forms([0], [1])
        origin, basis = a, [[y - x for x, y in zip(a, b)]]
    rs = enumerate_regions(net, domain)
    found, per_layer = naive.brute_force_patterns(spec, forms, origin, basis)
    assert {r.pattern for r in rs} == set(found)
    assert len(rs) == len(found)
    assert rs.per_layer == per_layer
    naive.check_region_witnesses(rs, spec, origin, basis)
    assert rs.linear_regions <= rs.activation_regions
    if seed % 3 == 0:
        assert [r.pattern for r in enumerate_regions(net, domain, exact=True)] == [r.pattern for r in rs]
    if domain is None and all(a == "relu" for a in acts):
        naive.assert_within_relu_bounds(net, rs.activation_regions)
