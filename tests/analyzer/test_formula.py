"""analyzer/formula.py: the Piecewise is the network (compared with tests/analyzer/naive.py's exact
forward pass at random rational points, boundaries included); 1-D breakpoints and slopes against hand
counts and naive.pieces_1d; merged linear regions, convex and not, against hand-drawn pictures; the
size limit; the ``formula`` command.
"""
from __future__ import annotations

import json
import random
from fractions import Fraction as F

import pytest
import sympy

import naive
from analyzer.cli import main
from analyzer.constructions import sawtooth
from analyzer.domain import all_space, box, plane_slice, segment
from analyzer.formula import FormulaTooLargeError, network_formula, network_piecewise
from analyzer.loaders import save_json

# ReLU units x, y, x + y - 1/2 with output x - y + 2 relu(x + y - 1/2): three generic lines, 7 regions
# over R^2 (Zaslavsky: 1 + 3 + 3), all with different maps, so 7 linear regions. Facets by hand: the
# bounded triangle x, y >= 0, x + y <= 1/2 has 3; the three regions across its edges 3 each; the three
# at its vertices 2 each: 3 + 9 + 6 = 18.
THREE_LINES = [naive.spec_layer([[1, 0], [0, 1], [1, 1]], [0, 0, F(-1, 2)]),
               naive.spec_layer([[1, -1, 2]], [0], "identity")]

# relu(1 - relu(x) - relu(y)): 0 on {relu(x) + relu(y) >= 1} = {x >= 1, y <= 0} u {y >= 1, x <= 0} u
# {x, y >= 0, x + y >= 1}, three activation regions forming one connected, non-convex linear region
# (it holds (2, -5) and (-5, 2) but not their midpoint).
L_SHAPE = [naive.spec_layer([[1, 0], [0, 1]], [0, 0]), naive.spec_layer([[-1, -1]], [1]),
           naive.spec_layer([[1]], [0], "identity")]

# relu(x), relu(y), output relu(x): the linear regions are the half-planes x <= 0 and x >= 0, each
# the union of two quadrants (convex, one inequality each).
HALF_PLANES = [naive.spec_layer([[1, 0], [0, 1]], [0, 0]), naive.spec_layer([[1, 0]], [0], "identity")]


def value_at(expression, symbols, point):
    """The Piecewise (or Matrix of them) at an exact point, as a tuple of Fractions."""
    result = expression.subs(dict(zip(symbols, (sympy.Rational(v.numerator, v.denominator) for v in point))))
    values = list(result) if isinstance(result, sympy.MatrixBase) else [result]
    assert all(v.is_Rational for v in values), (point, result)
    return tuple(F(int(v.p), int(v.q)) for v in values)


def random_points(rng, dim, lo=-3, hi=3, count=12):
    """Random rationals with small denominators (so points on the boundaries 0, 1/2, ... occur)."""
    return [tuple(F(rng.randint(lo * 4, hi * 4), 4) for _ in range(dim)) for _ in range(count)]


@pytest.mark.parametrize("spec, domain, dim", [
    (THREE_LINES, all_space(2), 2),
    (THREE_LINES, box([-1, -1], [1, 1]), 2),
    (L_SHAPE, all_space(2), 2),
    (HALF_PLANES, all_space(2), 2),
])
def test_piecewise_is_the_forward_pass(spec, domain, dim):
    net = naive.build(spec)
    found = network_formula(net, domain)
    u = found.symbols()
    rng = random.Random(7)
    lo, hi = (-1, 1) if domain.bounded else (-3, 3)
    for linear in (True, False):
        pw = found.piecewise(linear=linear)
        for point in random_points(rng, dim, lo, hi):
            assert value_at(pw, u, point) == naive.forward(spec, point)[0], point


@pytest.mark.parametrize("seed", range(2))
def test_random_nets_with_two_outputs(seed):
    rng = random.Random(seed)
    spec = naive.random_spec(rng, 2, [3, 2], outputs=2, rational=True)
    found = network_formula(naive.build(spec), box([-2, -2], [2, 2]))
    pw = found.piecewise()
    assert pw.shape == (2, 1)
    for point in random_points(rng, 2, -2, 2, count=10):
        assert value_at(pw, found.symbols(), point) == naive.forward(spec, point)[0]
    # outside the box the function is not given
    assert pw.subs(dict(zip(found.symbols(), (3, 0))))[0] is sympy.nan


def test_slice_and_segment_are_in_their_parameters():
    spec = naive.random_spec(random.Random(3), 3, [4, 3], rational=True)
    net = naive.build(spec)
    plane = plane_slice([0, 0, 0], [1, 0, 1], [0, 1, F(1, 2)])
    found = network_formula(net, plane)
    assert found.variables == ("u", "v")
    rng = random.Random(1)
    pw = found.piecewise()
    for point in random_points(rng, 2, -2, 2, count=8):
        assert value_at(pw, found.symbols(), point) == naive.forward(spec, plane.embed(point))[0]
    line = segment([-1, 0, 1], [2, 1, -1])
    found = network_formula(net, line)
    assert found.variables == ("s",)
    for k in range(9):
        s = (F(k, 8),)
        assert value_at(found.piecewise(), found.symbols(), s) == naive.forward(spec, line.embed(s))[0]


def test_sawtooth_depth_2_breakpoints_and_slopes_by_hand():
    """t(t(x)) on [0, 1]: t doubles x up to 1/2 and folds back, so t(t(x)) rises and falls on each
    quarter: breakpoints 1/4, 1/2, 3/4, slopes 4, -4, 4, -4, values 4x, 2 - 4x, 4x - 2, 4 - 4x."""
    c = sawtooth(2)
    found = network_formula(c.network, c.domain)
    assert found.breakpoints() == [F(1, 4), F(1, 2), F(3, 4)]
    assert [p.matrix[0][0] for p in found.pieces] == [4, -4, 4, -4]
    assert [p.offset[0] for p in found.pieces] == [0, 2, -2, 4]
    assert found.intervals() == [(0, F(1, 4)), (F(1, 4), F(1, 2)), (F(1, 2), F(3, 4)), (F(3, 4), 1)]
    tex = found.latex()
    assert tex.startswith(r"f(x) = \begin{cases}") and tex.endswith(r"\end{cases}")
    assert r"2 - 4 x & \text{if } \frac{1}{4} \le x \le \frac{1}{2} \\" in tex


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("acts", [["relu", "abs", "hardtanh"], ["relu", "leaky_relu:1/3", "abs"]])
def test_1d_breakpoints_against_naive_pieces(seed, acts):
    """Over all of R: the linear pieces of naive.pieces_1d (exact roots, layer by layer). These nets
    have 8 to 20 activation regions and 1 to 13 linear regions (merged ones among them)."""
    rng = random.Random(seed)
    spec = naive.random_spec(rng, 1, [4, 3, 3], acts=acts, rational=True, size=4)
    found = network_formula(naive.build(spec), all_space(1))
    merged = []
    for s, e, _, omap in naive.pieces_1d(spec, [0], [1]):
        if merged and merged[-1][2] == omap:
            merged[-1] = (merged[-1][0], e, omap)
        else:
            merged.append((s, e, omap))
    assert found.intervals() == [(s, e) for s, e, _ in merged]
    assert found.breakpoints() == [e for _, e, _ in merged[:-1]]
    assert [(p.matrix[0][0], p.offset[0]) for p in found.pieces] == [omap[0] for _, _, omap in merged]


def test_three_lines_irredundant_facets_by_hand():
    found = network_formula(naive.build(THREE_LINES))
    assert found.activation_regions == found.linear_regions == 7
    assert sorted(len(p.system) for p in found.pieces) == [2, 2, 2, 3, 3, 3, 3]
    x, y = found.symbols()
    triangle = next(p for p in found.pieces if p.matrix == ((3, 1),))   # x - y + 2(x + y - 1/2)
    assert triangle.offset == (-1,)
    assert {found.inequality(f) for f in triangle.system} == {x >= 0, y >= 0, sympy.Ge(2 * x + 2 * y, 1)}


def test_merged_regions_convex_and_not():
    found = network_formula(naive.build(HALF_PLANES))
    assert (found.activation_regions, found.linear_regions) == (4, 2)
    x, _ = found.symbols()
    assert {(p.matrix, tuple(found.inequality(f) for f in p.system)) for p in found.pieces} == {
        (((0, 0),), (x <= 0,)), (((1, 0),), (x >= 0,))}
    found = network_formula(naive.build(L_SHAPE))
    zero = next(p for p in found.pieces if p.matrix == ((0, 0),) and p.offset == (0,))
    assert len(zero.systems) == 3 and zero.system is None
    tex = found.latex()
    assert tex.count(r"\;\text{or}\;") == 2
    data = found.to_json()
    entry = next(e for e in data["pieces"] if e["expression"] == ["0"])
    assert entry["convex"] is False and entry["inequalities"] is None and len(entry["activation_regions"]) == 3


def test_too_many_regions_is_one_clear_error():
    c = sawtooth(5)                       # 32 pieces on [0, 1]
    with pytest.raises(FormulaTooLargeError, match="more than 16 activation regions in box:0:1"):
        network_formula(c.network, c.domain, max_regions=16)
    assert network_formula(c.network, c.domain, max_regions=32).linear_regions == 32


def test_docstring_example():
    net = naive.build([naive.spec_layer([[1], [1]], [0, -1]), naive.spec_layer([[1, -2]], [0], "identity")])
    x = sympy.Symbol("x", real=True)
    assert network_piecewise(net) == sympy.Piecewise((0, x <= 0), (x, (x >= 0) & (x <= 1)), (2 - x, x >= 1))


def test_cli_formula(tmp_path, capsys):
    path = tmp_path / "saw.json"
    save_json(sawtooth(2).network, path)
    assert main(["formula", str(path), "--domain", "box:0,1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["breakpoints"] == ["1/4", "1/2", "3/4"]
    assert data["variables"] == ["x"] and data["linear_regions"] == 4
    x = sympy.Symbol("x")
    assert [sympy.sympify(p["expression"][0]).subs(x, sympy.Rational(1, 8)) for p in data["pieces"]] == \
        [sympy.Rational(1, 2), sympy.Rational(3, 2), sympy.Rational(-3, 2), sympy.Rational(7, 2)]
    assert main(["formula", str(path), "--domain", "box:0,1", "--latex"]) == 0
    assert r"4 x - 2 & \text{if } \frac{1}{2} \le x \le \frac{3}{4}" in capsys.readouterr().out
    assert main(["formula", str(path), "--domain", "box:0,1"]) == 0
    assert capsys.readouterr().out.startswith("4 activation regions, 4 linear regions on box:0:1; variables x")
    assert main(["formula", str(path), "--domain", "box:0,1", "--max-regions", "3"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "FormulaTooLargeError" in err[0] and "more than 3" in err[0]
