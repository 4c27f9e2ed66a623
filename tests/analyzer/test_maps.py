"""analyzer/maps.py: the exact integer maps of a network under a pattern, and the pieces of a unit.

Maps are compared with tests/analyzer/naive.py (a rational forward pass, and the affine functions of
a pattern built in Fractions one unit at a time); the pieces of one unit with hand-written forms.
"""
from __future__ import annotations

import random
from fractions import Fraction as F

import pytest

import naive
from analyzer.domain import all_space, box, plane_slice, segment
from analyzer.errors import PatternError
from analyzer.maps import (as_rational_map, embedding, first_layer_orthants, next_map,
                           pattern_constraints, unit_pieces)
from analyzer.network import layer, network, unit_groups
from geometry.exact import value_times_denominator

ACTS = [("relu", "relu"), ("leaky_relu:1/3", "abs"), ("hardtanh", "relu"), ("maxout:2", "leaky_relu:2/5")]


def compose(net, domain, pattern):
    """The output map under ``pattern``: embedding, then layer by layer ``next_map``."""
    P = embedding(domain)
    for lay, states in zip(net.layers, pattern):
        groups = unit_groups(lay)
        P = next_map(lay, groups, states if lay.activation.splits else (0,) * len(groups), lay.lifted * P)
    return P


# --- embedding and rational maps ---------------------------------------------------------------------

def test_embedding_of_a_segment_is_start_plus_s_times_the_direction():
    """From (1/2, 0) to (1, 3): x = 1/2 + s/2, y = 3s; over the common denominator 2."""
    P = embedding(segment(["1/2", 0], [1, 3]))
    assert P.tolist() == [[2, 0], [1, 1], [0, 6]]
    assert as_rational_map(P) == (((F(1, 2),), (F(3),)), (F(1, 2), F(0)))


def test_embedding_of_the_whole_space_is_the_identity():
    assert embedding(all_space(3)).tolist() == [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    assert embedding(box([0, 0], [1, 1])).tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]


# --- the pieces of one unit ----------------------------------------------------------------------------

RELU = layer([[1, 0]], [0], "relu")
HARDTANH = layer([[1, 0]], [0], "hardtanh")


def test_relu_pieces_are_the_two_sides():
    """z = (3 + 6x - 9y) / 3 at scale 3: on where 1 + 2x - 3y > 0, off on the other side."""
    assert unit_pieces(RELU, [[3, 6, -9]], 3) == [(1, [(None, (1, 2, -3))]), (0, [(None, (-1, -2, 3))])]


def test_a_constant_unit_has_one_piece_read_from_its_value():
    """z = -2/3 everywhere: off; z = 0: off (z <= 0 is off); z = 5: on. No forms."""
    assert unit_pieces(RELU, [[-2, 0, 0]], 3) == [(0, [])]
    assert unit_pieces(RELU, [[0, 0, 0]], 3) == [(0, [])]
    assert unit_pieces(RELU, [[5, 0, 0]], 1) == [(1, [])]
    assert unit_pieces(HARDTANH, [[-3, 0, 0]], 3) == [(-1, [])]  # z = -1 exactly: low


def test_hardtanh_pieces_are_cut_at_minus_one_and_one():
    """z = x/2 at scale 2 (row (0, 1, 0)): low where -1 - x/2 > 0 (-2 - x > 0), linear where
    2 + x > 0 and 2 - x > 0, high where x - 2 > 0."""
    assert unit_pieces(HARDTANH, [[0, 1, 0]], 2) == [
        (-1, [(-1, (-2, -1, 0))]),
        (0, [(-1, (2, 1, 0)), (1, (2, -1, 0))]),
        (1, [(1, (-2, 1, 0))]),
    ]


def test_maxout_pieces_drop_twins_and_dominated_rows():
    """z = (x, y, x): the third is a twin of the first, which alone can win; two cells, split by x = y.
    (1, 0): the constant 1 beats 0 everywhere, so only the first wins, and nothing cuts."""
    three, two = layer([[1, 0]] * 3, [0] * 3, "maxout:3"), layer([[1, 0]] * 2, [0] * 2, "maxout:2")
    assert unit_pieces(three, [[0, 1, 0], [0, 0, 1], [0, 1, 0]], 1) == [(0, [(1, (0, 1, -1))]), (1, [(0, (0, -1, 1))])]
    assert unit_pieces(two, [[1, 0, 0], [0, 0, 0]], 1) == [(0, [])]
    assert unit_pieces(two, [[0, 0, 0], [0, 0, 0]], 1) == [(0, [])]  # a tie: the lowest index


def test_identity_layers_have_one_piece():
    assert unit_pieces(layer([[1, 0]], [0], "identity"), [[0, 1, 0]], 1) == [(0, [])]


# --- the maps under a pattern, against the naive reference ---------------------------------------------

@pytest.mark.parametrize("seed", range(len(ACTS)))
def test_output_map_and_constraints_agree_with_the_naive_forward_pass(seed):
    """At random points of a slice of R^3: the pattern of the exact forward pass (naive.forward),
    the output map of that pattern here and in naive.affine_under_pattern, the output itself, and
    every constraint of the pattern, nonnegative at the point."""
    rng = random.Random(seed)
    acts = ACTS[seed]
    widths = [6 if a.startswith("maxout") else 3 for a in acts]
    spec = naive.random_spec(rng, 3, widths, list(acts), size=3)
    net = naive.build(spec)
    p0, p1, p2 = [1, 0, "1/2"], [0, 2, -1], ["-1/3", 1, 1]
    domain = plane_slice(p0, p1, p2)
    origin, basis = domain.origin, domain.basis
    for _ in range(8):
        u = (F(rng.randint(-9, 9), rng.randint(1, 4)), F(rng.randint(-9, 9), rng.randint(1, 4)))
        x = domain.embed(u)
        out, pattern, _ = naive.forward(spec, x)
        matrix, offset = as_rational_map(compose(net, domain, pattern))
        assert tuple(c + sum(a * v for a, v in zip(row, u)) for row, c in zip(matrix, offset)) == out
        _, reference = naive.affine_under_pattern(spec, pattern, origin, basis)
        assert offset == tuple(f[0] for f in reference)
        assert matrix == tuple(f[1] for f in reference)
        point = (u[0].denominator * u[1].denominator, u[0].numerator * u[1].denominator,
                 u[1].numerator * u[0].denominator)
        for _, form in pattern_constraints(net, domain, pattern):
            assert value_times_denominator(form, point) >= 0


def test_pattern_constraints_of_two_relus_are_the_quadrant():
    """relu(x), relu(y) with pattern (1, 0): x >= 0 and -y >= 0, tagged (layer 1, unit u, None)."""
    net = network([layer([[1, 0], [0, 1]], [0, 0], "relu"), layer([[1, 1]], [0], "identity")])
    assert pattern_constraints(net, all_space(2), ((1, 0), ())) == [((1, 0, None), (0, 1, 0)),
                                                                    ((1, 1, None), (0, 0, -1))]


def test_impossible_patterns_are_refused():
    """A unit with constant pre-activation 1 on the domain cannot be off; a pattern for another depth."""
    net = network([layer([[0, 0]], [1], "relu"), layer([[1]], [0], "identity")])
    with pytest.raises(PatternError, match="state 0"):
        pattern_constraints(net, all_space(2), ((0,), ()))
    with pytest.raises(PatternError, match="3 layers"):
        pattern_constraints(net, all_space(2), ((1,), (), ()))


# --- first-layer orthants ------------------------------------------------------------------------------

def test_first_layer_orthants_pick_independent_units():
    """Units x, 2x (parallel to the first), x + y: the chosen are units 0 and 2; four orthants."""
    net = network([layer([[1, 0], [2, 0], [1, 1]], [0, 0, -1], "relu"), layer([[1, 1, 1]], [0], "identity")])
    orthants = first_layer_orthants(net, all_space(2), 2)
    assert [states for _, states in orthants] == [{0: 1, 2: 1}, {0: 1, 2: 0}, {0: 0, 2: 1}, {0: 0, 2: 0}]
    assert orthants[1][0] == [(0, 1, 0), (1, -1, -1)]  # x >= 0 and 1 - x - y >= 0
    assert first_layer_orthants(net, all_space(2), 3) is None  # only two independent normals in R^2


def test_first_layer_orthants_need_a_relu_like_first_layer():
    net = network([layer([[1, 0], [0, 1]], [0, 0], "hardtanh"), layer([[1, 1]], [0], "identity")])
    assert first_layer_orthants(net, all_space(2), 2) is None
