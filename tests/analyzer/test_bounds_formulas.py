"""analyzer/bounds_formulas.py: each closed form, evaluated at an architecture, equals the integer
analyzer/bounds.py computes there (by its own recursions and loops, a different route); the forms are
genuinely symbolic (a formula taken at one architecture and evaluated at another gives the other's
value; one-layer forms reduce to the polynomials worked out by hand); the ``bounds --symbolic`` command.
"""
from __future__ import annotations

import itertools
import json
import subprocess
import sys

import pytest
import sympy

from analyzer import cli
from analyzer.bounds import architecture_bounds
from analyzer.bounds_formulas import architecture_symbols, bound_formulas, evaluate

ACTIVATIONS = ("relu", "abs", "hardtanh", "maxout:2", "maxout:3")


def architectures():
    """n0 in 1..3; depth 1 and 2 with widths from {1, 2, 3, 4, 6}, depth 3 with widths from {2, 6}:
    3 * (5 + 25 + 8) of them, one output each."""
    for n0 in (1, 2, 3):
        for depth, choices in ((1, (1, 2, 3, 4, 6)), (2, (1, 2, 3, 4, 6)), (3, (2, 6))):
            for widths in itertools.product(choices, repeat=depth):
                yield [n0, *widths, 1]


def test_every_applicable_bound_has_a_formula_that_evaluates_to_its_value():
    checked = set()
    count = 0
    for arch in architectures():
        for act in ACTIVATIONS if len(arch) <= 3 else ("relu", "maxout:2"):
            for f in bound_formulas(arch, act):
                assert (f.expression is None) == (not f.bound.applies), (arch, act, f.bound.name)
                if f.expression is not None:
                    assert f.evaluate() == f.bound.value, (arch, act, f.bound.name, f.expression)
                    checked.add(f.bound.name)
                    count += 1
    # every bound of the module is applicable somewhere above, so every formula was checked
    every = {b.name for arch in ([1, 3, 3, 1], [2, 4, 1], [2, 6, 4, 4, 1]) for act in ACTIVATIONS
             for b in architecture_bounds(arch, act)}
    assert checked == every
    assert count > 1000


@pytest.mark.parametrize("source, target, act", [
    ([2, 8, 8, 1], [3, 6, 2, 1], "relu"),
    ([1, 3, 5, 4, 1], [1, 4, 3, 6, 1], "relu"),
    ([2, 6, 4, 4, 1], [3, 8, 5, 5, 1], "relu"),
    ([2, 3, 4, 1], [4, 6, 2, 1], "hardtanh"),
    ([2, 3, 4, 1], [3, 5, 5, 1], "maxout:3"),
])
def test_a_formula_is_the_bound_at_other_widths_too(source, target, act):
    """Take the expressions of one architecture, substitute another of the same depth."""
    expected = {b.name: b.value for b in architecture_bounds(target, act)}
    n0, ns = architecture_symbols(len(target) - 2)
    values = {n0: target[0], **dict(zip(ns, target[1:-1])), sympy.Symbol("k", integer=True, positive=True): 3}
    compared = 0
    for f in bound_formulas(source, act):
        if f.expression is not None and expected[f.bound.name] is not None:
            assert evaluate(f.expression, values) == expected[f.bound.name], f.bound.name
            compared += 1
    assert compared >= 3


def test_one_layer_forms_are_the_hand_polynomials():
    """gp(n, 2) = 1 + n + n(n-1)/2; Raghu's hard-tanh layer: 1 + 2n + 4 n(n-1)/2; Montufar-Ren-Zhang
    with k = 3 in R^2: 1 + 2n + 4 n(n-1)/2 as well (sympy's own doit over the numeric limits)."""
    n = sympy.Symbol("n_1", integer=True, positive=True)
    forms = {f.bound.name: f.expression for f in bound_formulas([2, 5, 1], "relu")}
    n0 = architecture_symbols(1)[0]
    zas = forms["Zaslavsky, one layer in general position"].subs(n0, 2).doit()
    assert sympy.expand(sympy.expand_func(zas) - (1 + n + n * (n - 1) / 2)) == 0
    ht = {f.bound.name: f.expression for f in bound_formulas([2, 5, 1], "hardtanh")}["Raghu et al. 2017, hard-tanh"]
    assert sympy.expand(sympy.expand_func(ht.subs(n0, 2).doit()) - (1 + 2 * n + 2 * n * (n - 1))) == 0
    mx = {f.bound.name: f.expression for f in bound_formulas([2, 5, 1], "maxout:3")}
    mrz = mx["Montufar, Ren, Zhang 2022, one maxout layer"].subs({n0: 2, sympy.Symbol("k", integer=True, positive=True): 3})
    assert sympy.expand(sympy.expand_func(mrz.doit()) - (1 + 2 * n + 2 * n * (n - 1))) == 0
    # the trivial bound is 2^(n_1): states per unit to the number of units
    assert forms["trivial: s^N"] == 2 ** n


def test_serra_formula_is_the_index_set_sum():
    """L = 2: sum_{j1 <= min(n0, n1)} sum_{j2 <= min(n0, n1 - j1, n2)} C(n1, j1) C(n2, j2), written out."""
    n0, (n1, n2) = architecture_symbols(2)
    j1, j2 = sympy.symbols("j_1:3", integer=True, nonnegative=True)
    hand = sympy.Sum(sympy.binomial(n1, j1) * sympy.binomial(n2, j2),
                     (j2, 0, sympy.Min(n0, n1 - j1, n2)), (j1, 0, sympy.Min(n0, n1)))
    forms = {f.bound.name: f.expression for f in bound_formulas([2, 8, 8, 1])}
    assert forms["Serra et al. 2018 upper bound"] == hand


def test_evaluate_names_a_missing_symbol():
    n0, (n1,) = architecture_symbols(1)
    f = next(f for f in bound_formulas([2, 5, 1]) if f.bound.name.startswith("Zaslavsky"))
    with pytest.raises(ValueError, match="not numbers"):
        evaluate(f.expression, {n1: 5})


def test_cli_symbolic_json_formulas_parse_and_evaluate(capsys):
    assert cli.main(["bounds", "2-6-4-4-1", "--symbolic", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    evaluated = 0
    for row in rows:
        assert set(row) >= {"name", "value", "formula", "formula_latex", "symbols"}
        if row["applies"]:
            expression = sympy.sympify(row["formula"])
            values = {sympy.Symbol(s): v for s, v in row["symbols"].items()}
            assert evaluate(expression, values) == row["value"], row["name"]
            evaluated += 1
        else:
            assert row["formula"] is None
    assert evaluated >= 8


def test_cli_symbolic_text_and_latex(capsys):
    assert cli.main(["bounds", "1-3-3-1", "--symbolic"]) == 0
    out = capsys.readouterr().out
    assert "n_0 = 1, n_1 = 3, n_2 = 3" in out
    assert "= (n_1 + 1)*(n_2 + 1)" in out
    assert cli.main(["bounds", "1-3-3-1", "--symbolic", "--latex"]) == 0
    out = capsys.readouterr().out
    assert r"\left(n_{1} + 1\right) \left(n_{2} + 1\right)$ & 16 \\" in out
    assert cli.main(["bounds", "2-x-1", "--symbolic"]) == 2
    assert "cannot read architecture '2-x-1'" in capsys.readouterr().err


def test_importing_the_module_does_not_import_sympy():
    code = "import sys, analyzer.bounds_formulas; assert 'sympy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
