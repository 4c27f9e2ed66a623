"""analyzer/network.py: exact layers, the forward pass, and the errors for malformed layers."""
from __future__ import annotations

import math
import random
from fractions import Fraction as F

import pytest

import naive
from analyzer.errors import ShapeError, UnsupportedLayerError
from analyzer.network import forward, layer, network

ACTS = ["relu", "leaky_relu:1/10", "abs", "hardtanh", "maxout:3", "identity"]


@pytest.mark.parametrize("act", ACTS)
def test_forward_matches_the_written_out_semantics(act):
    rng = random.Random(ACTS.index(act))
    width = 6 if act.startswith("maxout") else 4
    spec = naive.random_spec(rng, 2, [width, width], [act, act], outputs=2, rational=True)
    net = naive.build(spec)
    points = [(F(rng.randint(-9, 9), rng.randint(1, 4)), F(rng.randint(-9, 9), rng.randint(1, 4))) for _ in range(40)]
    points += [(F(0), F(0)), (F(1), F(-1)), (F(1, 2), F(1, 3))]
    for x in points:
        out, pattern = forward(net, x)
        ref_out, ref_pattern, _ = naive.forward(spec, x)
        assert out == ref_out and pattern == ref_pattern, (act, x)
        assert all(isinstance(v, F) for v in out)


def test_boundary_states_follow_the_stated_conventions():
    # relu/abs/leaky: z = 0 is off; hard-tanh: z = -1 is low, z = 1 is high; maxout: lowest tied index
    net = network([layer([[1]], [0], "relu")])
    assert forward(net, [0]) == ((F(0),), ((0,),))
    net = network([layer([[1], [1]], [1, -1], "hardtanh")])  # z = x + 1, x - 1
    assert forward(net, [0])[1] == ((1, -1),)
    assert forward(net, [F(1, 2)])[0] == (F(1), F(-1, 2))
    net = network([layer([[1], [0], [1]], [0, 0, 0], "maxout:3")])  # max(x, 0, x)
    assert forward(net, [0])[1] == ((0,),)
    assert forward(net, [-1]) == ((F(0),), ((1,),))
    assert forward(net, [2]) == ((F(2),), ((0,),))
    net = network([layer([[1]], [0], "leaky_relu:1/10")])
    assert forward(net, [-5]) == ((F(-1, 2),), ((0,),))
    net = network([layer([[1]], [0], "abs")])
    assert forward(net, [F(-3, 7)]) == ((F(3, 7),), ((0,),))


def test_weights_are_taken_exactly():
    # 0.1 is the binary rational nearest 1/10, not 1/10; "1/3" and Fractions are exact
    lay = layer([[0.1, "1/3", F(2, 7)]], ["-0.5"], "relu")
    assert lay.weights[0] == (F(0.1), F(1, 3), F(2, 7))
    assert F(0.1) != F(1, 10)
    assert lay.bias == (F(-1, 2),)
    net = network([lay])
    assert forward(net, [10, 3, 7])[0] == (F(0.1) * 10 + 1 + 2 - F(1, 2),)


def test_maxout_layer_width_and_architecture():
    net = network([layer([[1, 0]] * 6, [0] * 6, "maxout:3"), layer([[1, 1]], [0], "identity")])
    assert net.widths == (2, 1)
    assert net.architecture == (2, 2, 1)


# --- errors: one clear ValueError subclass each ------------------------------------------------

def test_weights_and_bias_of_different_lengths():
    with pytest.raises(ShapeError, match=r"3 rows but bias has 2"):
        layer([[1], [2], [3]], [0, 0])


def test_ragged_weight_rows():
    with pytest.raises(ShapeError, match="lengths"):
        layer([[1, 2], [3]], [0, 0])


def test_consecutive_layers_that_do_not_fit():
    with pytest.raises(ShapeError, match=r"layer 2 takes 3 inputs but layer 1 gives 2"):
        network([layer([[1, 0], [0, 1]], [0, 0]), layer([[1, 1, 1]], [0], "identity")])


def test_maxout_after_width_mismatch():
    # maxout:2 of 4 pre-activations gives 2 outputs, not 4
    with pytest.raises(ShapeError, match="takes 4 inputs"):
        network([layer([[1]] * 4, [0] * 4, "maxout:2"), layer([[1, 1, 1, 1]], [0], "identity")])


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "nan", "inf"])
def test_non_finite_weights(bad):
    with pytest.raises(ValueError, match="not finite"):
        layer([[1, bad]], [0])
    with pytest.raises(ValueError, match="not finite"):
        layer([[1, 2]], [bad])


def test_unreadable_weight():
    with pytest.raises(ValueError, match="rational"):
        layer([["one"]], [0])
    with pytest.raises(ValueError, match="rational"):
        layer([["1/0"]], [0])


def test_unknown_activation():
    with pytest.raises(UnsupportedLayerError, match="sigmoid"):
        layer([[1]], [0], "sigmoid")


def test_maxout_group_must_divide_the_width():
    with pytest.raises(ShapeError, match=r"maxout:3 needs a multiple of 3 pre-activations, got 4"):
        layer([[1]] * 4, [0] * 4, "maxout:3")


def test_maxout_group_size_must_be_a_positive_integer():
    with pytest.raises(UnsupportedLayerError, match="maxout"):
        layer([[1]] * 3, [0] * 3, "maxout:x")
    with pytest.raises(UnsupportedLayerError, match="at least 1"):
        layer([[1]] * 3, [0] * 3, "maxout:0")


def test_empty_layer_and_empty_network():
    with pytest.raises(ShapeError, match="no rows"):
        layer([], [])
    with pytest.raises(ShapeError, match="at least one layer"):
        network([])


def test_forward_rejects_a_point_of_the_wrong_size():
    net = network([layer([[1, 2]], [0])])
    with pytest.raises(ShapeError, match="takes 2 inputs"):
        forward(net, [1, 2, 3])


def test_errors_are_value_errors():
    for exc in (ShapeError, UnsupportedLayerError):
        assert issubclass(exc, ValueError)
