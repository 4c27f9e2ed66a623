"""Shared checks of the framework loader tests (tests/analyzer/test_framework_loaders_*.py).

Nothing here imports torch or onnx, so the torch tests need only torch and the ONNX tests only onnx.
A loaded network is compared with the framework's own forward pass at random points: the outputs,
the pre-activation of every splitting layer, and the activation pattern that
``analyzer.network.forward`` reports. The tolerance (1e-9 relative) is the test's, for the
frameworks' float rounding; the library is exact.
"""
from __future__ import annotations

from fractions import Fraction as F

import numpy as np

from analyzer.enumerate import enumerate_regions
from analyzer.network import Kind, forward, layer, network

RTOL, ATOL = 1e-9, 1e-12


def floats(values) -> np.ndarray:
    return np.array([float(v) for v in values])


def exact_preactivations(net, x) -> list[tuple[F, ...]]:
    """Pre-activations of every layer at x: the net cut after layer k, its activation replaced by identity."""
    out = []
    for k, lay in enumerate(net.layers):
        cut = network([*net.layers[:k], layer(lay.weights, lay.bias, "identity")])
        out.append(forward(cut, x)[0])
    return out


def reference_states(kind: Kind, z: np.ndarray) -> tuple[int, ...]:
    """The documented unit states, read off the framework's own pre-activations."""
    if kind is Kind.HARDTANH:
        return tuple(int(s) for s in np.where(z <= -1, -1, np.where(z >= 1, 1, 0)))
    return tuple(int(s) for s in (z > 0))


def assert_agrees(net, X: np.ndarray, ref_out: np.ndarray, ref_pre: list[np.ndarray], activations: list[str]):
    """``net`` reproduces the framework at the rows of X: outputs, pre-activations and pattern.

    ``ref_pre[i]`` (points x units) feeds the i-th activation; ``activations`` are the expected
    activation strings of the net's layers."""
    assert [str(lay.activation) for lay in net.layers] == activations
    splitting = [k for k, lay in enumerate(net.layers) if lay.activation.splits]
    assert len(splitting) == len(ref_pre)
    for p, x in enumerate(X):
        point = x.tolist()
        out, pattern = forward(net, point)
        np.testing.assert_allclose(floats(out), ref_out[p], rtol=RTOL, atol=ATOL)
        pre = exact_preactivations(net, point)
        for k, z_ref in zip(splitting, ref_pre):
            np.testing.assert_allclose(floats(pre[k]), z_ref[p], rtol=RTOL, atol=ATOL)
            assert pattern[k] == reference_states(net.layers[k].activation.kind, z_ref[p]), (p, k)
        assert all(pattern[k] == () for k in range(len(net.layers)) if k not in splitting)


# --- a hand-written network that the torch and ONNX models reproduce --------------------------------

W1 = [["1", "0"], ["0", "1"], ["1", "1"], ["1", "-1"]]
B1 = ["0", "0", "-1", "1/2"]
W2 = [["1", "-1/2", "1/4", "2"], ["1/2", "1", "-1", "0"]]
B2 = ["1/4", "-1/2"]
W3 = [["1", "-3/4"]]
B3 = ["1/8"]


def hand_network(acts=("relu", "relu")):
    def q(rows):
        return [[F(v) for v in row] for row in rows]
    return network([layer(q(W1), [F(v) for v in B1], acts[0]),
                    layer(q(W2), [F(v) for v in B2], acts[1]),
                    layer(q(W3), [F(v) for v in B3], "identity")])


def summary(net):
    rs = enumerate_regions(net)
    return rs.activation_regions, rs.linear_regions, rs.per_layer, [r.pattern for r in rs]
