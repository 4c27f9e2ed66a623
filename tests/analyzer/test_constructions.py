"""analyzer/constructions.py: each construction counted exactly by the engine on its stated domain.

Expected numbers come from the closed forms of shared/reference/bounds.md, computed here (the
construction's own ``expected_regions`` is compared with them, not trusted), or from hand counts
explained in comments. Every count also goes through the upper-bound check (bounds_check.py).
"""
from __future__ import annotations

from fractions import Fraction as F
from math import comb, prod

import pytest

from bounds_check import assert_no_upper_bound_violated
from analyzer import constructions
from analyzer.bounds import architecture_bounds
from analyzer.cli import main
from analyzer.domain import DomainKind, all_space, box
from analyzer.enumerate import count_regions
from analyzer.errors import AnalyzerError
from analyzer.loaders import load


def gp(n: int, d: int) -> int:
    """Regions of n generic hyperplanes in R^d (bounds.md), written out again here."""
    return sum(comb(n, j) for j in range(min(n, d) + 1))


def bound_value(arch, key):
    hits = [b for b in architecture_bounds(arch) if key in b.name]
    assert len(hits) == 1
    return hits[0].value


def is_unit_cube(domain, n0):
    return domain.kind is DomainKind.BOX and domain.description == box([0] * n0, [1] * n0).description


# --- Telgarsky's sawtooth -------------------------------------------------------------------------

@pytest.mark.parametrize("depth", range(1, 7))
def test_sawtooth_on_the_unit_interval(depth):
    c = constructions.sawtooth(depth)
    assert is_unit_cube(c.domain, 1)
    assert c.expected_regions == 2 ** depth and c.relation == "=="
    total, per_layer = count_regions(c.network, c.domain)
    # t^l has 2^l linear pieces on [0, 1]; each layer's units switch exactly at those breakpoints
    assert total == 2 ** depth
    assert per_layer == tuple(2 ** l for l in range(1, depth + 1))
    assert_no_upper_bound_violated(c.network, (total, per_layer))


@pytest.mark.parametrize("depth", range(1, 6))
def test_sawtooth_over_the_real_line(depth):
    """By hand: t(y) = 2 relu(y) - 4 relu(y - 1/2) is 0 for y <= 0 and 2 - 2y < 0 for y > 1. On [0, 1]
    the pieces are the 2^L intervals [k/2^L, (k+1)/2^L]. Left of 0 every layer is constant (t = 0, all
    units off): one more region. Right of 1: layer 1 has units relu(x) on, relu(x - 1/2) on for all
    x > 1/2, so for L = 1 the last piece (1/2, inf) just continues; for L >= 2 layer 2 sees t(x) < 0
    for x > 1 (units off) but t(x) > 0 just left of 1 - a new breakpoint at x = 1, and every later
    layer sees t = 0 there (constant). So 2^L + 1 regions for L = 1 (3: x < 0, (0, 1/2), x > 1/2) and
    2^L + 2 for L >= 2."""
    c = constructions.sawtooth(depth)
    expected = 3 if depth == 1 else 2 ** depth + 2
    counts = count_regions(c.network, all_space(1))
    assert counts[0] == expected
    assert_no_upper_bound_violated(c.network, counts)


# --- Montufar, Pascanu, Cho, Bengio 2014 ----------------------------------------------------------

MONTUFAR = [(1, [2, 2]), (1, [3, 3]), (1, [2, 3, 2]), (1, [4, 1]), (1, [3, 2, 4]),
            (2, [2, 3]), (2, [4, 2]), (2, [4, 3]), (2, [5, 3]), (2, [4, 4, 2]), (2, [6, 4]),
            (3, [3, 3]), (3, [6, 3])]


@pytest.mark.parametrize("n0, widths", MONTUFAR)
def test_montufar_on_the_unit_cube(n0, widths):
    # e.g. n0 = 2, widths [4, 3]: (4 // 2)^2 * gp(3, 2) = 4 * (1 + 3 + 3) = 28
    expected = prod((n // n0) ** n0 for n in widths[:-1]) * gp(widths[-1], n0)
    c = constructions.montufar(n0, widths)
    assert c.expected_regions == expected and c.relation == "=="
    assert is_unit_cube(c.domain, n0)
    assert c.network.architecture == (n0, *widths, 1)
    counts = count_regions(c.network, c.domain)
    assert counts[0] == expected
    assert_no_upper_bound_violated(c.network, counts)


@pytest.mark.parametrize("n0, widths", [(1, [2, 2]), (1, [2, 3, 2]), (2, [4, 3]), (2, [4, 4, 2]), (3, [3, 3])])
def test_montufar_over_all_space_meets_the_lower_bound(n0, widths):
    """Every region in the cube is (the part in the cube of) a distinct region of R^n0, so the count
    over R^n0 is at least the cube's, hence at least Montufar et al.'s lower bound."""
    lower = bound_value([n0, *widths, 1], "Montufar et al. 2014 lower bound")
    assert lower == prod((n // n0) ** n0 for n in widths[:-1]) * gp(widths[-1], n0)
    c = constructions.montufar(n0, widths)
    counts = count_regions(c.network, all_space(n0))
    assert counts[0] >= lower
    assert counts[0] >= count_regions(c.network, c.domain)[0]
    assert_no_upper_bound_violated(c.network, counts)


# --- Arora, Basu, Mianjy, Mukherjee 2018 ----------------------------------------------------------

ARORA = [(1, 1, 2, 2), (1, 2, 3, 3), (1, 3, 4, 3), (2, 2, 2, 2), (2, 3, 2, 2), (2, 3, 3, 2),
         (2, 3, 2, 3), (2, 4, 3, 3), (3, 3, 2, 2), (3, 4, 2, 2)]


@pytest.mark.parametrize("n0, m, w, depth", ARORA)
def test_arora_over_all_space(n0, m, w, depth):
    # e.g. n0 = 2, m = 3, w = 2, depth = 3: 2 (C(2,0) + C(2,1)) * 2^2 = 2 * 3 * 4 = 24
    expected = 2 * sum(comb(m - 1, j) for j in range(n0)) * w ** (depth - 1)
    c = constructions.arora(n0, m, w, depth)
    assert c.expected_regions == expected and c.relation == ">="
    assert c.domain.kind is DomainKind.ALL and c.domain.input_dim == n0
    assert c.network.architecture == (n0, 2 * m, *[w] * (depth - 1), 1)
    assert bound_value([n0, 2 * m, *[w] * (depth - 1), 1], "Arora") == expected
    counts = count_regions(c.network, c.domain)
    assert counts[0] >= expected
    # the first layer alone: m central generic hyperplanes in R^n0 (each unit's +- pair shares one)
    # cut 2 sum_{j < n0} C(m - 1, j) cones (bounds.md, central general position)
    assert counts[1][0] == 2 * sum(comb(m - 1, j) for j in range(n0))
    assert_no_upper_bound_violated(c.network, counts)


def test_arora_smallest_case_by_hand():
    """n0 = 1, m = 1, w = 2, depth 2: z = relu(x) + relu(-x) = |x| (2 cones); layer 2 has units
    relu(z) and relu(z - 1) (zigzag offsets 0, -1), switching where |x| = 1: pieces (-inf, -1),
    (-1, 0), (0, 1), (1, inf) - exactly 4 = 2 * 1 * 2^1."""
    c = constructions.arora(1, 1, 2, 2)
    assert count_regions(c.network, all_space(1)) == (4, (2, 4))


# --- Serra, Tjandraatmadja, Ramalingam 2018, n0 = 1 -----------------------------------------------

@pytest.mark.parametrize("widths", [[3], [4], [5], [8], [3, 3], [4, 3], [5, 4], [3, 4, 3], [6, 7]])
def test_serra_1d_over_the_real_line(widths):
    expected = prod(n + 1 for n in widths)          # e.g. [3, 4, 3]: 4 * 5 * 4 = 80
    c = constructions.serra_1d(widths)
    assert c.expected_regions == expected and c.relation == "=="
    assert c.domain.kind is DomainKind.ALL and c.domain.input_dim == 1
    counts = count_regions(c.network, c.domain)
    assert counts[0] == expected
    assert counts[1] == tuple(prod(n + 1 for n in widths[: l + 1]) for l in range(len(widths)))
    # it attains Serra's upper bound, which is the maximum for n0 = 1
    assert bound_value([1, *widths, 1], "exact maximum for n0 = 1") == expected
    assert_no_upper_bound_violated(c.network, counts)


def test_constructions_reject_bad_parameters():
    for make in (lambda: constructions.sawtooth(0),
                 lambda: constructions.montufar(2, [1, 3]),
                 lambda: constructions.montufar(0, [2]),
                 lambda: constructions.arora(2, 1, 2, 2),
                 lambda: constructions.arora(1, 2, 1, 2),
                 lambda: constructions.arora(1, 2, 2, 1),
                 lambda: constructions.serra_1d([2, 3]),
                 lambda: constructions.serra_1d([])):
        with pytest.raises(AnalyzerError):
            make()


# --- exact weights survive the file round trip ---------------------------------------------------

CLI_CASES = [
    (["sawtooth", "--depth", "4"], lambda: constructions.sawtooth(4), 2 ** 4),
    (["montufar", "--n0", "2", "--widths", "4,3"], lambda: constructions.montufar(2, [4, 3]), 4 * 7),
    (["arora", "--n0", "2", "--m", "3", "--w", "2", "--depth", "3"], lambda: constructions.arora(2, 3, 2, 3), None),
    (["serra1d", "--widths", "4,3"], lambda: constructions.serra_1d([4, 3]), 5 * 4),
]


@pytest.mark.parametrize("suffix", ["npz", "json"])
@pytest.mark.parametrize("argv, make, closed_form", CLI_CASES, ids=[c[0][0] for c in CLI_CASES])
def test_construct_writes_exact_weights(tmp_path, capsys, suffix, argv, make, closed_form):
    path = tmp_path / f"x.{suffix}"
    assert main(["construct", *argv, "-o", str(path)]) == 0
    assert "wrote" in capsys.readouterr().out
    direct = make()
    loaded = load(path)
    assert len(loaded.layers) == len(direct.network.layers)
    for a, b in zip(loaded.layers, direct.network.layers):
        assert a.weights == b.weights and a.bias == b.bias and a.activation == b.activation
        assert all(isinstance(v, F) for row in a.weights for v in row)
    counts = count_regions(loaded, direct.domain)
    assert counts == count_regions(direct.network, direct.domain)
    if closed_form is not None:
        assert counts[0] == closed_form
    else:
        assert counts[0] >= 2 * (comb(2, 0) + comb(2, 1)) * 2 ** 2
    assert_no_upper_bound_violated(loaded, counts)


def test_serra_1d_weights_are_not_binary_fractions(tmp_path):
    """Breakpoints k / (n + 1) = k/5 have no exact float: the npz must carry them as rationals."""
    path = tmp_path / "s.npz"
    assert main(["construct", "serra1d", "--widths", "4,3", "-o", str(path)]) == 0
    values = [v for lay in load(path).layers for v in (*lay.bias, *(x for row in lay.weights for x in row))]
    assert any(v.denominator % 5 == 0 for v in values)
