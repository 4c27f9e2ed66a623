"""Leaky ReLU, hard-tanh, maxout and abs: small examples counted by hand (each count explained)."""
from __future__ import annotations

from fractions import Fraction as F

import naive
from analyzer.domain import box
from analyzer.enumerate import enumerate_regions


def net_of(*layers):
    return naive.build([naive.spec_layer(*lay) for lay in layers])


def patterns(rs):
    return sorted(r.pattern for r in rs)


# --- hard-tanh ---------------------------------------------------------------------------------

def test_hardtanh_single_unit():
    # clip(x, -1, 1): x < -1 (low, output -1), -1 < x < 1 (linear, output x), x > 1 (high, output 1)
    rs = enumerate_regions(net_of(([[1]], [0], "hardtanh")))
    assert rs.activation_regions == 3
    assert patterns(rs) == [((-1,),), ((0,),), ((1,),)]
    assert rs.linear_regions == 3  # maps -1, x, 1: neighbours differ
    assert rs.bounded_regions == 1  # only (-1, 1)
    in_box = enumerate_regions(net_of(([[1]], [0], "hardtanh")), box([-3], [3]))
    assert sorted(r.volume() for r in in_box) == [2, 2, 2]  # [-3, -1], [-1, 1], [1, 3]


def test_hardtanh_constant_on_the_domain():
    # z = 2x + 1 on [0, 2] is in [1, 5]: high everywhere (z = 1 only at the end x = 0): one region
    rs = enumerate_regions(net_of(([[2]], [1], "hardtanh")), box([0], [2]))
    assert patterns(rs) == [((1,),)]


def test_hardtanh_two_units_in_the_plane():
    # z1 = x, z2 = y: each unit gives two parallel lines, 3 x 3 = 9 regions, only the middle square
    # bounded; output h1 + h2 is a sum of one of {-1, x, 1} and one of {-1, y, 1}: 9 distinct maps
    net = net_of(([[1, 0], [0, 1]], [0, 0], "hardtanh"), ([[1, 1]], [0], "identity"))
    rs = enumerate_regions(net)
    assert rs.activation_regions == 9
    assert rs.bounded_regions == 1
    assert rs.linear_regions == 9
    # two identical units z1 = z2 = x: the same two lines x = -1, 1: 3 regions
    net = net_of(([[1, 0], [1, 0]], [0, 0], "hardtanh"),)
    assert enumerate_regions(net).activation_regions == 3
    # z1 = x, z2 = 2x: lines x = -1, 1 and x = -1/2, 1/2, but states (low, low), (linear, low),
    # (linear, linear), (linear, high), (high, high): 5 regions
    net = net_of(([[1, 0], [2, 0]], [0, 0], "hardtanh"),)
    assert enumerate_regions(net).activation_regions == 5


def test_hardtanh_composed():
    # h = clip(x, -1, 1), then clip(2h, -1, 1): for x < -1 the second unit sees -2 (constant, low),
    # for x > 1 it sees 2 (high), on (-1, 1) it sees 2x and switches at x = -1/2 and 1/2:
    # breakpoints -1, -1/2, 1/2, 1 -> 5 regions; the output is -1, -1, 2x, 1, 1: 3 linear regions
    net = net_of(([[1]], [0], "hardtanh"), ([[2]], [0], "hardtanh"))
    rs = enumerate_regions(net)
    assert rs.activation_regions == 5
    assert rs.per_layer == (3, 5)
    assert rs.linear_regions == 3


# --- maxout ------------------------------------------------------------------------------------

def test_maxout_of_three_generic_functions():
    # max(x, y, -x - y): each of the three is the maximum on an open sector around the origin
    # (x is max at (1, 0), y at (0, 1), -x - y at (-1, -1)): 3 regions, all unbounded
    net = net_of(([[1, 0], [0, 1], [-1, -1]], [0, 0, 0], "maxout:3"))
    rs = enumerate_regions(net)
    assert patterns(rs) == [((0,),), ((1,),), ((2,),)]
    assert rs.bounded_regions == 0
    assert rs.linear_regions == 3


def test_maxout_argmax_cells_are_not_arrangement_cells():
    # max(x, -x, -1) = |x| >= 0 > -1: the constant is never the maximum: 2 regions, although the
    # three comparison points (x = -x at 0, x = -1 at -1, -x = -1 at 1) cut R into 4 cells
    rs = enumerate_regions(net_of(([[1], [-1], [0]], [0, 0, -1], "maxout:3")))
    assert patterns(rs) == [((0,),), ((1,),)]
    # max(x, -x, 1/2): -x for x < -1/2, the constant on (-1/2, 1/2), x for x > 1/2: 3 regions
    rs = enumerate_regions(net_of(([[1], [-1], [0]], [0, 0, F(1, 2)], "maxout:3")))
    assert patterns(rs) == [((0,),), ((1,),), ((2,),)]
    assert rs.bounded_regions == 1


def test_maxout_with_identical_pieces():
    # max(x, x, -x): pieces 0 and 1 tie everywhere, the lowest index wins: state 0 for x > 0,
    # state 2 for x < 0, never state 1: 2 regions
    rs = enumerate_regions(net_of(([[1], [1], [-1]], [0, 0, 0], "maxout:3")))
    assert patterns(rs) == [((0,),), ((2,),)]
    # max(x, x): one region, state 0
    assert patterns(enumerate_regions(net_of(([[1], [1]], [0, 0], "maxout:2")))) == [((0,),)]
    # max(y, y + 1) in R^2: the second is always larger: one region, state 1
    assert patterns(enumerate_regions(net_of(([[0, 1], [0, 1]], [0, 1], "maxout:2")))) == [((1,),)]


def test_two_maxout_units_in_the_plane():
    # max(x, -x) and max(y, -y): the signs of x and y, 4 quadrants; output |x| + |y|: 4 maps
    net = net_of(([[1, 0], [-1, 0], [0, 1], [0, -1]], [0, 0, 0, 0], "maxout:2"), ([[1, 1]], [0], "identity"))
    rs = enumerate_regions(net)
    assert rs.activation_regions == 4 and rs.linear_regions == 4


# --- abs --------------------------------------------------------------------------------------

def test_abs():
    # |x|: x < 0 and x > 0, maps -x and x
    rs = enumerate_regions(net_of(([[1]], [0], "abs")))
    assert (rs.activation_regions, rs.linear_regions) == (2, 2)
    # | |x| - 1 |: the first unit switches at 0, the second (z = |x| - 1) at x = -1 and 1: 4 regions,
    # with maps -x - 1, x + 1, 1 - x, x - 1 from left to right, all different: 4 linear regions
    rs = enumerate_regions(net_of(([[1]], [0], "abs"), ([[1]], [-1], "abs")))
    assert (rs.activation_regions, rs.linear_regions) == (4, 4)
    assert rs.per_layer == (2, 4)


# --- leaky ReLU ---------------------------------------------------------------------------------

LINES = ([[1, 0], [0, 1], [1, 1]], [0, 0, -1])  # x, y, x + y - 1: three generic lines, 7 regions


def test_leaky_relu_has_the_relu_activation_regions():
    relu = enumerate_regions(net_of((*LINES, "relu"), ([[1, 2, 3]], [0], "identity")))
    leaky = enumerate_regions(net_of((*LINES, "leaky_relu:1/10"), ([[1, 2, 3]], [0], "identity")))
    assert relu.activation_regions == leaky.activation_regions == 7
    assert patterns(relu) == patterns(leaky)
    # crossing unit i's line changes the map by c_i (1 - alpha) z_i != 0: 7 linear regions
    assert leaky.linear_regions == 7


def test_leaky_relu_with_slope_one_is_affine():
    # leaky_relu with alpha = 1 is the identity: the activation regions are still the 7 sign cells,
    # but the output is one affine map everywhere: 1 linear region
    rs = enumerate_regions(net_of((*LINES, "leaky_relu:1"), ([[1, 2, 3]], [0], "identity")))
    assert rs.activation_regions == 7
    assert rs.linear_regions == 1
    assert len({r.output_map for r in rs}) == 1


def test_leaky_relu_two_layers_is_not_relu():
    # layer 1: leaky(x) with alpha 1/2; layer 2: relu(h + 1). For x < 0, h = x / 2 and h + 1 > 0
    # exactly when x > -2; for x > 0, h + 1 > 0: breakpoints -2 and 0 -> 3 regions. With relu in
    # layer 1 the second unit would see h = 0 for x < 0 (constant 1 > 0, on): 2 regions.
    leaky = enumerate_regions(net_of(([[1]], [0], "leaky_relu:1/2"), ([[1]], [1], "relu")))
    relu = enumerate_regions(net_of(([[1]], [0], "relu"), ([[1]], [1], "relu")))
    assert leaky.activation_regions == 3
    assert relu.activation_regions == 2


# --- identity ------------------------------------------------------------------------------------

def test_identity_hidden_layer_does_not_split():
    # (x + y, x - y) then relu of both: the lines x = -y and x = y: 4 regions, and the identity
    # layer adds nothing to the per-layer counts (1 region after it)
    rs = enumerate_regions(net_of(([[1, 1], [1, -1]], [0, 0], "identity"), ([[1, 0], [0, 1]], [0, 0], "relu")))
    assert rs.activation_regions == 4
    assert rs.per_layer == (1, 4)
    assert all(r.pattern[0] == () for r in rs)


# --- a unit constant on a region: its state is read from the constant (design, "What a region is") --

def test_constant_units_follow_the_tie_conventions():
    # layer 1 relu(x). On x < 0, h = 0, so every second-layer unit below is constant there.
    # hard-tanh(h + 1): z = 1 on x < 0 (high, z >= 1) and x + 1 > 1 on x > 0 (high): 2 regions
    rs = enumerate_regions(net_of(([[1]], [0], "relu"), ([[1]], [1], "hardtanh")))
    assert patterns(rs) == [((0,), (1,)), ((1,), (1,))]
    # hard-tanh(h - 1): z = -1 on x < 0 (low); x - 1 on x > 0 is linear on (0, 2), high after 2
    rs = enumerate_regions(net_of(([[1]], [0], "relu"), ([[1]], [-1], "hardtanh")))
    assert patterns(rs) == [((0,), (-1,)), ((1,), (0,)), ((1,), (1,))]
    # relu(h): z = 0 on x < 0 (off); relu(-h): also off there; on x > 0 on and off
    rs = enumerate_regions(net_of(([[1]], [0], "relu"), ([[1], [-1]], [0, 0], "relu")))
    assert patterns(rs) == [((0,), (0, 0)), ((1,), (1, 0))]
    # maxout(h, 0): tie 0 = 0 on x < 0, the lowest index wins (state 0); h > 0 on x > 0 (state 0)
    rs = enumerate_regions(net_of(([[1]], [0], "relu"), ([[1], [0]], [0, 0], "maxout:2")))
    assert patterns(rs) == [((0,), (0,)), ((1,), (0,))]
    # maxout(0, h): state 0 on x < 0 (tie), state 1 on x > 0
    rs = enumerate_regions(net_of(([[1]], [0], "relu"), ([[0], [1]], [0, 0], "maxout:2")))
    assert patterns(rs) == [((0,), (0,)), ((1,), (1,))]


def test_dead_layer():
    # layer 1 relu(x), relu(-x); layer 2 relu(-h1 - h2 - 1) = relu(-|x| - 1) is never on: it splits
    # nothing, and the hard-tanh layer after it sees the constants (0, 1) (states linear and high):
    # 2 regions after every layer
    net = net_of(([[1], [-1]], [0, 0], "relu"), ([[-1, -1]], [-1], "relu"), ([[1], [-1]], [0, 1], "hardtanh"))
    rs = enumerate_regions(net)
    assert rs.per_layer == (2, 2, 2)
    assert patterns(rs) == [((0, 1), (0,), (0, 1)), ((1, 0), (0,), (0, 1))]
    assert rs.linear_regions == 1  # the output is the constant (0, 1) everywhere
