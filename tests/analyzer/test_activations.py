"""Leaky ReLU, hard-tanh, maxout and abs: small examples counted by hand (each count explained), and
the activation objects of analyzer/activations.py against hand-computed states, outputs and pieces."""
from __future__ import annotations

import pickle
from fractions import Fraction as F

import flint
import numpy as np
import pytest

import naive
from analyzer.activations import Activation, Kind, activation, unit_form
from analyzer.domain import box
from analyzer.errors import UnsupportedLayerError
from analyzer.enumerate import enumerate_regions
from analyzer.maps import next_map
from analyzer.network import layer, network, unit_groups
from geometry import kernels


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


# --- the activation objects (analyzer/activations.py), against values worked out by hand ---------

REFERENCE_OUTPUT = {  # the textbook formulas, written here independently of the objects
    "relu": lambda z: max(z[0], 0),
    "leaky_relu:1/4": lambda z: z[0] if z[0] > 0 else z[0] / 4,
    "abs": lambda z: abs(z[0]),
    "hardtanh": lambda z: max(F(-1), min(F(1), z[0])),
    "maxout:3": lambda z: max(z),
    "identity": lambda z: z[0],
}


def test_parsing_and_printing_round_trip():
    for spec, printed in [("relu", "relu"), (" ReLU ", "relu"), ("leaky_relu", "leaky_relu:1/100"),
                          ("leakyrelu:0.5", "leaky_relu:1/2"), ("leaky_relu:1/100", "leaky_relu:1/100"),
                          ("abs", "abs"), ("hard_tanh", "hardtanh"), ("maxout:3", "maxout:3"),
                          ("linear", "identity"), ("none", "identity"), ("identity", "identity")]:
        act = activation(spec)
        assert str(act) == printed, spec
        assert activation(printed) == act and hash(activation(printed)) == hash(act)
        assert activation(act) is act
        assert pickle.loads(pickle.dumps(act)) == act
    assert activation("leaky_relu:1/3") != activation("leaky_relu:1/4") != activation("relu")
    assert activation("maxout:2") != activation("maxout:3")


@pytest.mark.parametrize("spec", ["tanh", "maxout", "maxout:x", "maxout:0", "relu:2", "abs:1"])
def test_bad_specs_raise_one_clear_error(spec):
    with pytest.raises(UnsupportedLayerError, match=spec.partition(":")[0]):
        activation(spec)


def test_the_network_module_exports_the_same_objects():
    from analyzer.network import Activation as NetworkActivation, Kind as NetworkKind, activation as network_activation
    assert NetworkActivation is Activation and network_activation is activation and NetworkKind is Kind
    assert layer([[1]], [0], "hardtanh").activation == activation("hardtanh")


def test_states_pieces_and_splitting_per_kind():
    # the number of open pieces a unit can be in: 2 on either side of z = 0; hard-tanh's 3 intervals
    # cut at -1 and 1; maxout's k argmax cells; the identity has one piece and no state
    counts = {"relu": 2, "leaky_relu:1/4": 2, "abs": 2, "hardtanh": 3, "maxout:3": 3, "maxout:5": 5, "identity": 1}
    for spec, count in counts.items():
        act = activation(spec)
        assert len(act.states) == count == len(set(act.states)), spec
        assert sorted(act.tie_order) == sorted(act.states)
        assert act.splits is (spec != "identity")
        assert act.splits_at_zero is (spec in ("relu", "leaky_relu:1/4", "abs"))
    assert activation("maxout:5").k == 5 and activation("hardtanh").k == 1
    assert activation("hardtanh").states == (-1, 0, 1) and activation("relu").states == (1, 0)


def test_states_at_chosen_points_with_the_tie_conventions():
    relu, hardtanh, maxout = activation("relu"), activation("hardtanh"), activation("maxout:3")
    # relu-like: on only where z > 0; at z = 0 off
    for spec in ("relu", "leaky_relu:1/4", "abs"):
        act = activation(spec)
        assert [act.state_at([F(v)]) for v in (-2, 0, F(1, 5))] == [0, 0, 1], spec
    assert relu.state_at([F(-1, 10**9)]) == 0
    # hard-tanh: low at z <= -1 (z = -1 included), high at z >= 1 (z = 1 included), else linear
    assert [hardtanh.state_at([F(v)]) for v in (-3, -1, F(-99, 100), 0, F(99, 100), 1, 7)] == [-1, -1, 0, 0, 0, 1, 1]
    # maxout: the argmax, the lowest index among tied maxima
    assert maxout.state_at([F(1), F(3), F(3)]) == 1
    assert maxout.state_at([F(2), F(2), F(2)]) == 0
    assert maxout.state_at([F(-1), F(-5), F(0)]) == 2
    assert activation("identity").state_at([F(-4)]) == 0
    # the same values at a scale: z = -3/3 = -1 is low, 3/3 = 1 high, 0 at scale 7 off
    assert hardtanh.state_at([-3], 3) == -1 and hardtanh.state_at([3], 3) == 1 and relu.state_at([0], 7) == 0


def test_outputs_match_the_formulas_at_many_points():
    points = [F(v, 4) for v in range(-12, 13)]  # includes the ties -1, 0, 1
    for spec, formula in REFERENCE_OUTPUT.items():
        act = activation(spec)
        for z in points:
            values = [z, -z / 2, F(1, 3)] if act.k == 3 else [z]
            assert act.output_value(act.state_at(values), values) == formula(values), (spec, z)
    # hand values: leaky slope 1/4 at z = -2 is -1/2; abs at -3 is 3; hard-tanh's constant pieces
    assert activation("leaky_relu:1/4").output_value(0, [F(-2)]) == F(-1, 2)
    assert activation("abs").output_value(0, [F(-3)]) == 3
    assert [activation("hardtanh").output_value(s, [F(1, 2)]) for s in (-1, 0, 1)] == [-1, F(1, 2), 1]
    assert activation("maxout:3").output_value(2, [F(1), F(2), F(3)]) == 3


def test_pieces_on_integer_rows():
    # z = 2 + 4x at scale 2 (z = 1 + 2x): relu on where 2 + 4x > 0; the forms are not made primitive here
    assert activation("relu").pieces([[2, 4]], [2, 0]) == [(1, [(None, [2, 4])]), (0, [(None, [-2, -4])])]
    # hard-tanh of z = x at scale 1: low where -1 - x > 0, linear where 1 + x > 0 and 1 - x > 0, high where x - 1 > 0
    assert activation("hardtanh").pieces([[0, 1]], [1, 0]) == [
        (-1, [(-1, [-1, -1])]), (0, [(-1, [1, 1]), (1, [1, -1])]), (1, [(1, [-1, 1])])]
    # constants: z = 6/3 = 2 is high; z = 3/3 = 1 is high (tie); z = 0 relu off
    assert activation("hardtanh").pieces([[6, 0]], [3, 0]) == [(1, [])]
    assert activation("hardtanh").pieces([[3, 0]], [3, 0]) == [(1, [])]
    assert activation("abs").pieces([[0, 0, 0]], [5, 0, 0]) == [(0, [])]
    # maxout(x, 1 - x, x): the third is the first's twin; cells x > 1/2 (state 0) and x < 1/2 (state 1)
    maxout = activation("maxout:3")
    rows = [[0, 1], [1, -1], [0, 1]]
    assert maxout.pieces(rows, [1, 0]) == [(0, [(1, [-1, 2])]), (1, [(0, [1, -2])])]
    # pull-backs name every competitor the cell beats: the twin 2 gives the same form as 0
    assert maxout.sources(1, [(0, [1, -2])], rows) == [(0, [1, -2]), (2, [1, -2])]
    assert activation("identity").pieces([[0, 1]], [1, 0]) == [(0, [])]


def test_thresholds_and_the_float_path_tables():
    # hard-tanh is cut by z + 1 and z - 1, in that order (as geometry.kernels.thresholds makes them)
    ht = activation("hardtanh")
    assert ht.thresholds == ((1, 1), (-1, 1)) and ht.cuts == (1, -1)
    G = np.array([[0.5, 2.0, 0.0]])
    Z, _ = kernels.thresholds(G, np.zeros_like(G))
    assert Z.tolist() == [unit_form(t, [[0.5, 2.0, 0.0]], [1.0, 0.0, 0.0]) for t in ht.thresholds]
    assert activation("relu").thresholds == ((0, 1),)
    # maxout:3 compares z0 - z1, z0 - z2, z1 - z2
    assert activation("maxout:3").thresholds == ((0, 1, -1, 0), (0, 1, 0, -1), (0, 0, 1, -1))
    # tables indexed by the engine's states (-1 counted from the end): hard-tanh's output is
    # -1 (slope 0), z (slope 1), 1 (slope 0) in states -1, 0, 1
    rows, slopes, offsets = ht.output_table()
    assert [(slopes[s], offsets[s]) for s in (-1, 0, 1)] == [(0, -1), (1, 0), (0, 1)] and rows == (0, 0, 0)
    assert activation("leaky_relu:2/5").output_table() == ((0, 0), (F(2, 5), 1), (0, 0))
    assert activation("abs").output_table()[1] == (-1, 1)
    assert activation("maxout:3").output_table() == ((0, 1, 2), (1, 1, 1), (0, 0, 0))  # the argmax row, as is
    # states from the signs of the cut forms: hard-tanh counts its positive thresholds from -1
    positive = np.array([[0, 0, 1, 0], [1, 1, 1, 0]], np.int8)  # two units per row
    assert ht.states_from_cuts(positive).tolist() == [[-1, 0], [1, 0]]
    assert activation("relu").states_from_cuts(positive).tolist() == positive.tolist()


def test_next_map_rows_for_leaky_and_hardtanh():
    # pre-activations z1 = x, z2 = 1 - x (homogeneous rows (1, 0), (0, 1), (1, -1))
    pre = flint.fmpz_mat([[1, 0], [0, 1], [1, -1]])
    leaky = layer([[1], [-1]], [0, 1], "leaky_relu:2/5")
    # states (1, 0): outputs x and (2/5)(1 - x), over the common denominator 5: 5x and 2 - 2x
    assert next_map(leaky, unit_groups(leaky), (1, 0), pre).tolist() == [[5, 0], [0, 5], [2, -2]]
    ht = layer([[1], [-1]], [0, 1], "hardtanh")
    # states (0, 1) and (-1, 0): outputs (x, 1) and (-1, 1 - x)
    assert next_map(ht, unit_groups(ht), (0, 1), pre).tolist() == [[1, 0], [0, 1], [1, 0]]
    assert next_map(ht, unit_groups(ht), (-1, 0), pre).tolist() == [[1, 0], [-1, 0], [1, -1]]


# --- the float path carries the engine's states (hard-tanh -1, 0, 1) everywhere ------------------

@pytest.mark.parametrize("dim, acts", [(2, ["hardtanh", "hardtanh"]), (2, ["relu", "hardtanh"]),
                                       (3, ["hardtanh", "leaky_relu:1/3"]), (5, ["hardtanh", "hardtanh"])])
def test_hardtanh_layers_on_the_float_path_agree_with_the_exact_engine(dim, acts):
    # hard-tanh in the last splitting layer (its states index the output tables) and before another
    # layer (they index the next layer's pre-activations); 5-D runs as LP regions
    from test_fast_regions import assert_same_region_sets
    rng = np.random.default_rng(dim)
    widths = {2: [5, 4], 3: [4, 3], 5: [3, 3]}[dim]
    sizes = [dim, *widths]
    layers = [layer(rng.normal(size=(n, m)) * 1.5, rng.normal(size=n) * 0.5, act) for m, n, act in zip(sizes, sizes[1:], acts)]
    net = network([*layers, layer(rng.normal(size=(1, widths[-1])), [0], "identity")])
    fast = assert_same_region_sets(net, box([-2] * dim, [2] * dim))
    seen = {s for r in fast for act, states in zip(acts, r.pattern) if act == "hardtanh" for s in states}
    assert seen == {-1, 0, 1}  # the low and high pieces occur, not only the linear one


def test_a_hardtanh_count_resumes_from_its_checkpoint(tmp_path):
    # the checkpoint holds the float stack, whose states are the engine's: the resumed count is the
    # uninterrupted one
    from analyzer.enumerate import Budget, count_regions
    from analyzer.regions import RunStatus
    rng = np.random.default_rng(7)
    net = network([layer(rng.normal(size=(12, 2)) * 2, rng.normal(size=12), "hardtanh"),
                   layer(rng.normal(size=(8, 12)), rng.normal(size=8), "hardtanh"),
                   layer(rng.normal(size=(1, 8)), [0], "identity")])
    square = box([-1, -1], [1, 1])
    full = count_regions(net, square)
    part = count_regions(net, square, budget=Budget(max_regions=full[0] // 3), checkpoint=tmp_path / "run.ckpt")
    assert part.status is RunStatus.MAX_REGIONS and part[0] < full[0]
    assert count_regions(net, square, checkpoint=tmp_path / "run.ckpt", resume=True) == full
    assert full == count_regions(net, square, exact=True)
