"""analyzer/constructions.py: each construction counted exactly by the engine on its stated domain.

Expected numbers come from the closed forms of shared/reference/bounds.md, computed here (the
construction's own ``expected_regions`` is compared with them, not trusted), or from hand counts
explained in comments. Every count also goes through the upper-bound check (bounds_check.py).
Linear regions are counted twice: by the engine (RegionSet) and by naive.brute_force_linear_regions,
which joins brute-force regions with equal maps by exact LPs, independently of RegionSet.
"""
from __future__ import annotations

from fractions import Fraction as F
from math import comb, prod

import pytest

import naive
from bounds_check import assert_no_upper_bound_violated
from analyzer import constructions
from analyzer.bounds import RegionKind, architecture_bounds
from analyzer.cli import main
from analyzer.domain import DomainKind, all_space, box
from analyzer.enumerate import count_regions, enumerate_regions
from analyzer.errors import AnalyzerError
from analyzer.loaders import load


def gp(n: int, d: int) -> int:
    """Regions of n generic hyperplanes in R^d (bounds.md), written out again here."""
    return sum(comb(n, j) for j in range(min(n, d) + 1))


def find_bound(arch, key):
    hits = [b for b in architecture_bounds(arch) if key in b.name]
    assert len(hits) == 1
    return hits[0]


def bound_value(arch, key):
    return find_bound(arch, key).value


def spec_of(net):
    return [naive.spec_layer(lay.weights, lay.bias, str(lay.activation)) for lay in net.layers]


def brute_force_linear(c, domain=None):
    """Linear regions by naive.py on the construction's domain (a box) or, with ``domain="all"``, R^n0."""
    if domain == "all":
        return naive.brute_force_linear_regions(spec_of(c.network))
    n0 = c.network.input_dim
    return naive.brute_force_linear_regions(spec_of(c.network), naive.box_forms([0] * n0, [1] * n0))


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


# Linear regions. The theorem counts linear regions. Why the construction has that many when
# n_L > n0 (the docstring of constructions.montufar): every last-layer unit i contributes r_i(F(x))
# when on, with r_i's normal positive in every entry, and some unit is on everywhere (the simplex
# orientation); so across a fold the coefficient of the reflected coordinate changes sign and across
# a last-layer hyperplane the map changes by r_i(F(x)): no two neighbours share a map, and the
# linear regions are the activation regions, prod p^n0 * gp(n_L, n0). Sizes of the issue:
# n0 = 2, [4, 4, 3]: 2^2 * 2^2 * gp(3, 2) = 16 * 7 = 112; n0 = 1, [3, 3, 3]: 3 * 3 * 4 = 36.
MONTUFAR_LINEAR = [(1, [3, 3, 3]), (2, [4, 4, 3]), (1, [2, 2]), (1, [3, 2, 4]), (2, [4, 3]), (2, [6, 4]),
                   (3, [6, 4]), (2, [6, 6, 3]), (3, [3, 3])]


@pytest.mark.parametrize("n0, widths", MONTUFAR_LINEAR)
def test_montufar_linear_regions_equal_the_bound_on_the_unit_cube(n0, widths):
    expected = prod((n // n0) ** n0 for n in widths[:-1]) * gp(widths[-1], n0)
    c = constructions.montufar(n0, widths)
    assert c.counts is RegionKind.LINEAR and c.expected_regions == expected
    assert find_bound([n0, *widths, 1], "Montufar et al. 2014 lower").counts is RegionKind.LINEAR
    regions = enumerate_regions(c.network, c.domain)
    assert regions.activation_regions == expected
    assert regions.linear_regions == expected
    assert brute_force_linear(c) == expected


@pytest.mark.parametrize("n0, widths", [(1, [3, 3, 3]), (2, [4, 3]), (2, [4, 4, 3]), (3, [3, 3])])
def test_montufar_linear_regions_over_all_space_reach_the_bound(n0, widths):
    """The bound is about the maximum over R^n0: outside the cube a folded coordinate is constant or
    continues a cell's last piece, so every cube region stays a linear region of its own there."""
    c = constructions.montufar(n0, widths)
    linear = enumerate_regions(c.network, all_space(n0)).linear_regions
    assert linear >= c.expected_regions
    if (n0, widths) == (2, [4, 3]):
        assert brute_force_linear(c, "all") == linear


def test_montufar_with_n_L_equal_n0_counts_activation_regions():
    """n_L = n0 with folding: in each folded cell the all-off region of the last layer is a cone that
    reaches the cell's boundary, and there it meets the neighbour's all-off region (the output is the
    same constant on both), so the linear regions fall short. By hand for n0 = 1, widths [4, 1]: the
    zigzag F has 4 pieces on [0, 1] meeting at F = 1, 0, 1; the unit relu(a F + b) is off below its
    breakpoint c in (0, 1), so each piece has an off part (F < c) and an on part, 8 activation regions;
    at the meeting point where F = 0 the two off parts join: 7 linear regions. For the issue's
    2-6-6-2-1 net: 9^2 cells, 324 activation regions, fewer linear ones."""
    c = constructions.montufar(1, [4, 1])
    assert c.counts is RegionKind.ACTIVATION and c.expected_regions == 8
    regions = enumerate_regions(c.network, c.domain)
    assert (regions.activation_regions, regions.linear_regions) == (8, 7)
    assert brute_force_linear(c) == 7
    big = constructions.montufar(2, [6, 6, 2])
    assert big.counts is RegionKind.ACTIVATION and big.expected_regions == 9 * 9 * 4
    assert find_bound([2, 6, 6, 2, 1], "Montufar et al. 2014 lower").counts is RegionKind.ACTIVATION
    regions = enumerate_regions(big.network, big.domain)
    assert regions.activation_regions == 324 and regions.linear_regions < 324
    assert brute_force_linear(big) == regions.linear_regions


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


@pytest.mark.parametrize("make, counts, relation", [
    (lambda: constructions.sawtooth(4), RegionKind.LINEAR, "=="),        # 16 pieces, slopes +-16 alternate
    (lambda: constructions.serra_1d([3, 4]), RegionKind.ACTIVATION, "=="),  # Serra et al. count patterns
    (lambda: constructions.arora(1, 2, 3, 3), RegionKind.LINEAR, ">="),
    (lambda: constructions.arora(2, 3, 2, 3), RegionKind.LINEAR, ">="),
], ids=["sawtooth", "serra1d", "arora-1d", "arora-2d"])
def test_each_construction_meets_its_number_in_its_unit(make, counts, relation):
    """Checked in the unit the construction names, by the engine and by the brute force. sawtooth:
    t^4 has 16 pieces on [0, 1] with slopes +16 and -16 alternating, so 16 linear regions. serra_1d
    [3, 4]: (3 + 1)(4 + 1) = 20, and its linear regions are as many (every breakpoint is a kink of one
    layer where the others are affine). arora(2, 3, 2, 3): 2 (C(2, 0) + C(2, 1)) 2^2 = 24 linear
    regions at least (its activation regions are more: some units switch where the output does not
    bend)."""
    c = make()
    assert c.counts is counts and c.relation == relation
    regions = enumerate_regions(c.network, c.domain)
    brute = brute_force_linear(c, "all" if c.domain.kind is DomainKind.ALL else None)
    assert regions.linear_regions == brute
    counted = regions.linear_regions if counts is RegionKind.LINEAR else regions.activation_regions
    assert counted == c.expected_regions if relation == "==" else counted >= c.expected_regions
    if c.name.startswith("serra_1d"):
        assert regions.linear_regions == regions.activation_regions == 20


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
