"""analyzer/parametric.py: polynomial strings by hand, clear errors, npz/JSON files, substitution, and
the pattern algebra against tests/analyzer/naive.py's exact forward pass at rational parameters."""
from __future__ import annotations

import json
import random
from fractions import Fraction as F

import flint
import numpy as np
import pytest

import naive
from analyzer.domain import box, plane_slice
from analyzer.errors import ModelFileError, ParameterError, ShapeError
from analyzer.parametric import (
    apply_states,
    domain_rows,
    embedding_rows,
    load_parametric,
    parametric_network,
    piece_rows,
    polynomial,
    preactivations,
)


@pytest.mark.parametrize("text, coefficients", [
    ("1/2 + t", (F(1, 2), 1)),
    ("t**2 - 1", (-1, 0, 1)),
    ("3t/4", (0, F(3, 4))),
    ("(t - 1)^2", (1, -2, 1)),
    ("0.1*t", (0, F(1, 10))),       # decimals are read exactly
    ("-(t - 1)*(t + 1)", (1, 0, -1)),
    ("2", (2,)),
    ("t - t", (0,)),
])
def test_polynomials_by_hand(text, coefficients):
    assert polynomial(text) == tuple(F(c) for c in coefficients)


def test_numbers_and_other_names():
    assert polynomial(0.5) == (F(1, 2),) and polynomial(3) == (3,)
    assert polynomial("s**2 + 1", "s") == (1, 0, 1)


@pytest.mark.parametrize("text, message", [
    ("x + t", "uses 'x'"),
    ("__import__('os')", "uses '__import__'"),
    ("t/t", "division by a non-constant"),
    ("1/0", "division by a non-constant or zero"),
    ("t**-1", "exponents must be integers"),
    ("t**(1/2)", "exponents must be integers"),
    ("(t + 1", "parenthesis is not closed"),
    ("t +", "ends too early"),
    ("t $ 2", "unexpected '$ 2'"),
])
def test_bad_polynomials_are_named(text, message):
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace("$", r"\$")):
        polynomial(text)


def test_network_errors():
    with pytest.raises(ParameterError, match="layer 2: 'y' uses 'y'"):
        parametric_network([([[1]], [0], "relu"), ([["y"]], [0], "identity")])
    with pytest.raises(ShapeError):
        parametric_network([([[1, "t"]], [0, 1], "relu")])
    with pytest.raises(ParameterError, match="identifier"):
        parametric_network([([[1]], [0], "relu")], parameter="2t")


def test_substitution_and_degree():
    net = parametric_network([([[1, "t"], ["t**2", 0]], ["1/2 + t", 0], "relu"), ([[1, "-t"]], [0], "identity")])
    assert net.degree == 2 and net.input_dim == 2
    at = net.at(F(1, 3))
    assert at.layers[0].weights == ((1, F(1, 3)), (F(1, 9), 0))
    assert at.layers[0].bias == (F(5, 6), 0) and at.layers[1].weights == ((1, F(-1, 3)),)


def test_files(tmp_path):
    spec = {"layers": [{"weights": [[1, 0], [0, 1], [1, 1]], "bias": [0, 0, "-t"], "activation": "relu"},
                       {"weights": [[1, -1, 2]], "bias": [0], "activation": "identity"}]}
    (tmp_path / "net.json").write_text(json.dumps(spec))
    from_json = load_parametric(tmp_path / "net.json")
    np.savez(tmp_path / "net.npz", W1=np.array([["1", "0"], ["0", "1"], ["1", "1"]]), b1=np.array(["0", "0", "-t"]),
             W2=np.array([[1, -1, 2]]), b2=np.array([0]))
    from_npz = load_parametric(tmp_path / "net.npz")
    assert from_json == from_npz
    assert from_json.at(F(2)).layers[0].bias == (0, 0, -2)
    with pytest.raises(ModelFileError, match="does not exist"):
        load_parametric(tmp_path / "missing.json")
    (tmp_path / "net.onnx").write_text("")
    with pytest.raises(ModelFileError, match="from .npz or .json"):
        load_parametric(tmp_path / "net.onnx")


def random_parametric(rng, n0, widths, acts):
    """Entries c or c + d t with small integers (the spec's semantics at t = tau is naive's at net.at(tau))."""
    def entry():
        c = rng.randint(-2, 2)
        return f"{c} + {rng.randint(-2, 2)}*t" if rng.random() < 0.4 else c
    layers, n = [], n0
    for w, act in zip(widths, acts):
        k = int(act.split(":")[1]) if act.startswith("maxout") else 1
        layers.append(([[entry() for _ in range(n)] for _ in range(w)], [entry() for _ in range(w)], act))
        n = w // k
    layers.append(([[entry() for _ in range(n)]], [entry()], "identity"))
    return parametric_network(layers)


def spec_of(net):
    return [([list(r) for r in lay.weights], list(lay.bias), str(lay.activation)) for lay in net.layers]


def value(form, tau, u):
    point = flint.fmpq(tau.numerator, tau.denominator)
    at = [F(int(c(point).p), int(c(point).q)) for c in form]
    return at[0] + sum(a * x for a, x in zip(at[1:], u))


@pytest.mark.parametrize("acts", [["relu", "hardtanh"], ["leaky_relu:1/3", "abs"], ["maxout:2", "relu"]])
def test_pattern_algebra_against_the_forward_pass(acts):
    """Along the pattern naive.forward finds at a random point, the map gives the output and every
    piece form is positive there (the point lies in its region)."""
    rng = random.Random(len(acts[0]))
    net = random_parametric(rng, 2, [4, 3], acts)
    domain = plane_slice([0, 0], [1, 0], [F(1, 2), 1])     # u, v with x = (u + v/2, v)
    checked = 0
    for _ in range(20):
        tau = F(rng.randint(-6, 6), rng.randint(1, 3))
        u = (F(rng.randint(-9, 9), 7), F(rng.randint(-9, 9), 5))
        spec = spec_of(net.at(tau))
        output, pattern, pres = naive.forward(spec, domain.embed(u))
        if any(z == 0 for layer_z in pres for z in layer_z):
            continue  # on a boundary: pieces are open
        forms, rows = domain_rows(domain), embedding_rows(domain)
        for lay, states in zip(net.layers, pattern):
            pre = preactivations(lay, rows)
            forms += piece_rows(lay, pre, states)
            rows = apply_states(lay, pre, states)
        # a unit constant at tau (all of z's coefficients zero) has a constant piece form, >= 0
        assert all(value(f, tau, u) > 0 or (value(f, tau, u) == 0 and value(f, tau, (7, 3)) == 0) for f in forms)
        assert tuple(value(r, tau, u) for r in rows) == output
        checked += 1
    assert checked >= 10
    assert domain_rows(box([0], [1])) and len(embedding_rows(box([0, 0], [1, 1]))) == 2
