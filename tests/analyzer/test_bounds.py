"""analyzer/bounds.py: every bound against hand computations, a brute force over Serra's index set,
consistency between bounds, applicability, the check table, and the ``bounds``/``count`` commands.

Formulas: shared/reference/bounds.md. Every expected number below is worked out in a comment or
computed by a second algorithm written here (never copied from the code's output).
"""
from __future__ import annotations

import itertools
import json
import re
from fractions import Fraction as F
from math import comb, prod

import pytest

from bounds_check import assert_no_upper_bound_violated
from analyzer import bounds as bounds_module, cli
from analyzer.bounds import (
    Bound,
    BoundKind,
    RegionKind,
    architecture_bounds,
    check,
    gp,
    hinz_van_de_geer,
    network_bounds,
    serra_upper,
    violations,
)
from analyzer.enumerate import count_regions, enumerate_regions
from analyzer.loaders import save_json
from analyzer.network import layer, network


# --- helpers --------------------------------------------------------------------------------------

def find(bounds, key: str) -> Bound:
    """The one bound whose name contains ``key``."""
    hits = [b for b in bounds if key in b.name]
    assert len(hits) == 1, (key, [b.name for b in bounds])
    return hits[0]


def value(bounds, key: str):
    return find(bounds, key).value


def gp_by_definition(n: int, d: int) -> int:
    """Regions of n generic hyperplanes in R^d, by the recursion r(n, d) = r(n-1, d) + r(n-1, d-1)
    (adding a hyperplane splits one region per region of the (d-1)-dimensional arrangement it carries),
    r(0, d) = 1, r(n, 0) = 1."""
    if n == 0 or d == 0:
        return 1
    return gp_by_definition(n - 1, d) + gp_by_definition(n - 1, d - 1)


def serra_by_index_set(n0: int, widths, ranks=None) -> int:
    """Serra, Tjandraatmadja, Ramalingam 2018, Thm 1, literally: the sum over (j_1..j_L) in
    J = {0 <= j_l <= min(n0, n_1 - j_1, ..., n_{l-1} - j_{l-1}, n_l)} of prod_l C(n_l, j_l)
    (bounds.md), enumerated over all tuples. With ``ranks``, also j_l <= rank(W_i) for i <= l: each
    layer's hyperplanes live in the row space of its weights, so the image dimension that layer l and
    every later layer see is capped by every earlier rank (the docstring of serra_upper)."""
    total = 0
    for js in itertools.product(*(range(n + 1) for n in widths)):
        ok = True
        for l, j in enumerate(js):
            caps = [n0, widths[l], *(widths[i] - js[i] for i in range(l))]
            if ranks is not None:
                caps += list(ranks[: l + 1])
            if j > min(caps):
                ok = False
                break
        if ok:
            total += prod(comb(n, j) for n, j in zip(widths, js))
    return total


def small_architectures(max_n0=4, max_depth=3, max_width=5, min_first=1):
    for n0 in range(1, max_n0 + 1):
        for depth in range(1, max_depth + 1):
            for widths in itertools.product(range(1, max_width + 1), repeat=depth):
                if widths[0] >= min_first:
                    yield n0, widths


UPPER_TOTAL = lambda bounds: [b for b in bounds if b.applies and b.kind is BoundKind.UPPER and b.layer is None]  # noqa: E731
LOWER = lambda bounds: [b for b in bounds if b.applies and b.kind is BoundKind.LOWER]  # noqa: E731


# --- gp and the Serra recursion -------------------------------------------------------------------

def test_gp_hand_values():
    assert gp(8, 2) == 1 + 8 + 28 == 37
    assert gp(5, 2) == 16           # bounds.md: 5 generic lines -> 16 regions
    assert gp(3, 3) == 1 + 3 + 3 + 1 == 8
    assert gp(2, 5) == 4            # fewer hyperplanes than dimensions: 2^n
    assert gp(0, 3) == 1
    for n in range(9):
        for d in range(6):
            assert gp(n, d) == gp_by_definition(n, d)


@pytest.mark.parametrize("n0, widths, expected", [
    # L = 1 is tight: gp(n_1, n0)
    (2, [8], 37),
    (3, [3], 8),
    # n0 = 1, widths 3, 3: each layer j = 0 keeps d = 1, j = 1 (3 ways) keeps d = min(1, 2) = 1:
    # (1 + 3)(1 + 3) = 16, the exact maximum prod(n_l + 1)
    (1, [3, 3], 16),
    # n0 = 1, widths 1, 3: j_1 = 0 -> R(2, 1) = gp(3, 1) = 4; j_1 = 1 -> d = min(1, 0) = 0 -> 1: total 5
    (1, [1, 3], 5),
    # n0 = 2, widths 2, 2: j_1 = 0: 1 * gp(2, 2) = 4; j_1 = 1: 2 * gp(2, 1) = 6; j_1 = 2: 1 * gp(2, 0) = 1
    (2, [2, 2], 11),
    # n0 = 3, widths 3, 3: 1 * gp(3,3) + 3 * gp(3,2) + 3 * gp(3,1) + 1 * gp(3,0) = 8 + 21 + 12 + 1
    (3, [3, 3], 42),
    # n0 = 2, widths 8, 8: every j_1 <= 2 leaves n_1 - j_1 >= 6 >= 2, so d stays 2: gp(8,2)^2 = 37^2
    (2, [8, 8], 1369),
])
def test_serra_hand_values(n0, widths, expected):
    assert serra_upper(n0, widths) == expected
    assert hinz_van_de_geer(n0, widths) == expected
    assert serra_by_index_set(n0, widths) == expected


def test_serra_recursion_equals_the_index_set_sum_and_hinz_van_de_geer():
    checked = 0
    for n0, widths in small_architectures():
        expected = serra_by_index_set(n0, widths)
        assert serra_upper(n0, widths) == expected, (n0, widths)
        assert hinz_van_de_geer(n0, widths) == expected, (n0, widths)
        checked += 1
    assert checked == 4 * (5 + 25 + 125)


def test_serra_is_tight_for_one_layer():
    for n0 in range(1, 6):
        for n in range(1, 9):
            assert serra_upper(n0, [n]) == gp(n, n0)


def test_rank_refined_serra_against_the_index_set():
    for n0, widths in small_architectures(max_n0=3, max_depth=2, max_width=4):
        inputs = [n0, *widths[:-1]]
        for ranks in itertools.product(*(range(min(n, m) + 1) for n, m in zip(widths, inputs))):
            assert serra_upper(n0, widths, ranks) == serra_by_index_set(n0, widths, ranks), (n0, widths, ranks)
            assert serra_upper(n0, widths, ranks) <= serra_upper(n0, widths)
        # full rank: no refinement
        full = [min(n, m) for n, m in zip(widths, inputs)]
        assert serra_upper(n0, widths, full) == serra_upper(n0, widths)


# --- every bound of one architecture, by hand -----------------------------------------------------

def test_relu_2_8_8_1_by_hand():
    b = architecture_bounds([2, 8, 8, 1], "relu")
    assert value(b, "trivial") == 2 ** 16
    assert value(b, "Zaslavsky, one layer") == 37 and find(b, "Zaslavsky, one layer").layer == 1
    assert value(b, "Montufar 2017") == 37 * 37             # d_1 = d_2 = min(2, 8) = 2
    assert value(b, "Raghu et al. 2017, explicit") == 37 * 37
    assert value(b, "Serra et al. 2018 upper bound") == 1369
    assert value(b, "Hinz") == 1369
    assert value(b, "Montufar et al. 2014 lower bound") == (8 // 2) ** 2 * 37 == 592
    assert value(b, "Pascanu") == (8 // 2) * 37 == 148
    assert value(b, "Serra et al. 2018 lower bound") == (8 // 2 + 1) ** 2 * 37 == 925   # 8 >= 3 * 2
    # Arora: [2m, w] = [8, 8], m = 4 >= n0 = 2: 2 (C(3,0) + C(3,1)) * 8^(2-1) = 2 * 4 * 8
    assert value(b, "Arora") == 64
    assert find(b, "Hanin").kind is BoundKind.SCALE and value(b, "Hanin") == 16 ** 2 // 2
    for key in ("exact maximum for n0 = 1", "n0 = 1 maximum", "hard-tanh", "Serra et al. 2018, maxout",
                "Montufar, Ren, Zhang", "Montufar et al. 2014, maxout"):
        assert value(b, key) is None and find(b, key).reason


def test_serra_beats_montufar_2017_on_a_narrow_net():
    b = architecture_bounds([3, 3, 3, 1])
    assert value(b, "Serra et al. 2018 upper bound") == 42          # hand sum in test_serra_hand_values
    assert value(b, "Montufar 2017") == gp(3, 3) ** 2 == 64
    assert value(b, "Raghu et al. 2017, explicit") == 64
    assert value(b, "trivial") == 64


def test_n0_1_exact_maximum():
    b = architecture_bounds([1, 3, 3, 1])
    assert value(b, "exact maximum for n0 = 1") == 16                # (3 + 1)(3 + 1)
    assert find(b, "exact maximum for n0 = 1").kind is BoundKind.UPPER
    assert value(b, "n0 = 1 maximum (attained)") == 16
    assert find(b, "n0 = 1 maximum (attained)").kind is BoundKind.LOWER
    assert value(b, "Serra et al. 2018 upper bound") == 16
    b = architecture_bounds([1, 3, 5, 4, 1])
    assert value(b, "exact maximum for n0 = 1") == 4 * 6 * 5


@pytest.mark.parametrize("arch, expected", [
    ([2, 6, 4, 4, 1], 2 * (comb(2, 0) + comb(2, 1)) * 4 ** 2),   # m = 3, w = 4, L = 3: 2 * 3 * 16 = 96
    ([1, 2, 3, 1], 2 * comb(0, 0) * 3),                           # m = 1, n0 = 1, w = 3: 6
    ([3, 8, 2, 1], 2 * (comb(3, 0) + comb(3, 1) + comb(3, 2)) * 2),  # m = 4: 2 * 7 * 2 = 28
])
def test_arora_hand_values(arch, expected):
    assert value(architecture_bounds(arch), "Arora") == expected


def test_trivial_bounds_by_activation():
    # 2 states per ReLU-like unit, 3 per hard-tanh unit, k per rank-k maxout unit; N = 3 + 4 units
    assert value(architecture_bounds([2, 3, 4, 1], "relu"), "trivial") == 2 ** 7
    assert value(architecture_bounds([2, 3, 4, 1], "leaky_relu:1/10"), "trivial") == 2 ** 7
    assert value(architecture_bounds([2, 3, 4, 1], "abs"), "trivial") == 2 ** 7
    assert value(architecture_bounds([2, 3, 4, 1], "hardtanh"), "trivial") == 3 ** 7
    assert value(architecture_bounds([2, 3, 4, 1], "maxout:3"), "trivial") == 3 ** 7


def test_hard_tanh_bounds_by_hand():
    # per layer sum_{j <= n0} C(n, j) 2^j: n = 3, n0 = 2: 1 + 3*2 + 3*4 = 19; n = 2: 1 + 2*2 + 1*4 = 9
    b = architecture_bounds([2, 3, 1], "hardtanh")
    assert value(b, "hard-tanh") == 19
    b = architecture_bounds([2, 3, 2, 1], "hardtanh")
    assert value(b, "hard-tanh") == 19 * 9
    assert value(b, "trivial") == 3 ** 5
    for key in ("Zaslavsky, one layer", "Montufar 2017", "Raghu et al. 2017, explicit", "Serra et al. 2018 upper"):
        assert value(b, key) is None


def test_maxout_bounds_by_hand():
    # one layer of 2 rank-3 maxout units in R^2: Serra: gp(3*2/2 * 2, 2) = gp(6, 2) = 1 + 6 + 15 = 22;
    # Montufar-Ren-Zhang: sum_{j<=2} C(2, j) 2^j = 1 + 4 + 4 = 9; Montufar 2014: 3^0 * 3^2 = 9; 3^2 = 9
    b = architecture_bounds([2, 2, 1], "maxout:3")
    assert value(b, "Serra et al. 2018, maxout") == 22
    assert value(b, "Montufar, Ren, Zhang") == 9
    assert value(b, "Montufar et al. 2014, maxout") == 9
    assert value(b, "trivial") == 9
    # two layers of 2 rank-2 units: k(k-1)/2 = 1, gp(2, 2)^2 = 16; MRZ is for one layer only;
    # Montufar 2014: k^(L-1) k^n0 = 2 * 4 = 8
    b = architecture_bounds([2, 2, 2, 1], "maxout:2")
    assert value(b, "Serra et al. 2018, maxout") == 16
    assert value(b, "Montufar, Ren, Zhang") is None
    assert value(b, "Montufar et al. 2014, maxout") == 8
    assert value(b, "trivial") == 16
    for key in ("Serra et al. 2018 upper", "Montufar 2017", "Montufar et al. 2014 lower bound"):
        assert value(b, key) is None


def test_hanin_rolnick_is_a_scale():
    b = architecture_bounds([3, 4, 1])
    assert find(b, "Hanin").kind is BoundKind.SCALE
    assert value(b, "Hanin") == 4 ** 3 // 6          # N^n0 / n0! = 64 / 6, rounded down: 10


# --- consistency over many architectures ----------------------------------------------------------

def test_relu_upper_bounds_are_ordered():
    # Serra refines Montufar 2017 (it also tracks the lost dimensions), which uses d_l <= n0 where
    # Raghu's explicit form uses n0, and gp(n, d) <= 2^n.
    # (First widths >= 2 only: see test_bounds_with_a_one_unit_first_layer for width 1.)
    for n0, widths in small_architectures(min_first=2):
        b = architecture_bounds([n0, *widths, 1])
        serra, montufar = value(b, "Serra et al. 2018 upper"), value(b, "Montufar 2017")
        raghu, trivial = value(b, "Raghu et al. 2017, explicit"), value(b, "trivial")
        assert serra <= montufar <= raghu <= trivial == 2 ** sum(widths), (n0, widths)
        assert value(b, "Hinz") == serra
        # the hand formula of Montufar 2017, d_l = min(n0, n_1, ..., n_l)
        assert montufar == prod(gp(n, min(n0, *widths[: l + 1])) for l, n in enumerate(widths))
        assert value(b, "Zaslavsky, one layer") == gp(widths[0], n0)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu:1/4", "abs", "hardtanh", "maxout:2", "maxout:3"])
def test_lower_bounds_below_upper_bounds(activation):
    """A lower bound bounds the maximum over weights from below; the maximum is at most every valid
    upper bound, so lower <= upper for every pair that applies."""
    compared = 0
    for n0, widths in small_architectures(max_n0=3, max_width=6 if activation == "relu" else 4, min_first=2):
        b = architecture_bounds([n0, *widths, 1], activation)
        for low in LOWER(b):
            for up in UPPER_TOTAL(b):
                assert low.value <= up.value, (n0, widths, low.name, low.value, up.name, up.value)
                compared += 1
    if activation in ("relu", "maxout:2", "maxout:3"):
        assert compared > 100
    else:
        assert compared == 0    # every lower bound of the reference is for ReLU or maxout


# --- applicability --------------------------------------------------------------------------------

@pytest.mark.parametrize("activation", ["leaky_relu:1/100", "abs"])
def test_serra_does_not_apply_to_leaky_relu_or_abs(activation):
    b = architecture_bounds([2, 4, 4, 1], activation)
    for key in ("Serra et al. 2018 upper bound", "Hinz"):
        assert not find(b, key).applies and value(b, key) is None
        assert "relu" in find(b, key).reason.lower()
    # n0 = 1 and widths >= 3, but not ReLU: Serra's exact maximum does not apply either
    b1 = architecture_bounds([1, 3, 3, 1], activation)
    for key in ("exact maximum for n0 = 1", "n0 = 1 maximum (attained)", "Serra et al. 2018 upper bound"):
        assert value(b1, key) is None and find(b1, key).reason
    # bounds.md: the Montufar-2017 product does apply (and the one-layer count, and Raghu's form)
    assert value(b, "Montufar 2017") == gp(4, 2) ** 2 == 121
    assert value(b, "Raghu et al. 2017, explicit") == 121
    assert value(b, "Zaslavsky, one layer") == 11
    assert LOWER(b) == []


def test_width_conditions():
    b = architecture_bounds([3, 2, 5, 1])                 # n_1 = 2 < n0 = 3
    for key in ("Montufar et al. 2014 lower bound", "Pascanu", "Serra et al. 2018 lower bound"):
        assert value(b, key) is None and find(b, key).reason
    b = architecture_bounds([2, 5, 5, 1])                 # n_l >= n0 but 5 < 3 n0 = 6
    assert value(b, "Montufar et al. 2014 lower bound") == (5 // 2) ** 2 * gp(5, 2) == 4 * 16
    assert value(b, "Serra et al. 2018 lower bound") is None
    b = architecture_bounds([2, 6, 6, 1])                 # 6 >= 6: (3 + 1)^2 * gp(6, 2) = 16 * 22
    assert value(b, "Serra et al. 2018 lower bound") == 352
    for arch in ([1, 2, 3, 1], [2, 3, 3, 1]):              # n0 = 1 and all n_l >= 3 needed
        assert value(architecture_bounds(arch), "exact maximum for n0 = 1") is None
    for arch in ([2, 5, 3, 1], [2, 2, 3, 1], [2, 6, 3, 4, 1], [2, 6, 1], [2, 4, 1, 1]):
        # odd first width; m = 1 < n0; unequal later widths; one layer; w = 1
        assert value(architecture_bounds(arch), "Arora") is None, arch
    b = architecture_bounds([3, 2, 2, 1], "maxout:2")     # widths below n0
    assert value(b, "Montufar et al. 2014, maxout") is None


def test_every_bound_that_does_not_apply_says_why():
    for activation in ("relu", "leaky_relu", "abs", "hardtanh", "maxout:3"):
        for arch in ([1, 3, 3, 1], [2, 8, 8, 1], [3, 2, 5, 1], [2, 4, 1]):
            for bound in architecture_bounds(arch, activation):
                assert bound.applies == (bound.value is not None)
                assert bool(bound.reason) == (not bound.applies), (activation, arch, bound)
                assert isinstance(bound.value, (int, type(None))) and not isinstance(bound.value, bool)


# --- bounds read from a network's weights ---------------------------------------------------------

def test_network_bounds_use_ranks_and_the_first_layer_arrangement():
    # Layer 1: rows x + y, 2x + 2y + 1, -x - y + 2 (rank 1): three distinct parallel lines x + y = 0,
    # -1/2, 2 -> 4 regions (Zaslavsky count of this network's first layer).
    # Rank-refined Serra: layer 1 sees d = min(2, rank 1) = 1: j = 0 (1 way) and j = 1 (3 ways) both
    # leave d = 1; layer 2 (2 units, rank 2) in d = 1: 1 + 2 = 3 -> (1 + 3) * 3 = 12.
    # Plain Serra(2, [3, 2]): j_1 <= min(n0, n_1) = 2: 1 * gp(2,2) + 3 * gp(2,2) + 3 * gp(2,1) = 4 + 12 + 9 = 25.
    net = network([layer([[1, 1], [2, 2], [-1, -1]], [0, 1, 2], "relu"),
                   layer([[1, 0, 1], [0, 1, -1]], [0, -1], "relu"),
                   layer([[1, 1]], [0], "identity")])
    b = network_bounds(net)
    assert value(b, "rank-refined") == 12
    assert value(b, "Serra et al. 2018 upper bound") == 25
    assert value(b, "this network's first layer") == 4 and find(b, "this network's first layer").layer == 1
    regions = enumerate_regions(net)
    assert regions.per_layer[0] == 4
    assert_no_upper_bound_violated(net, regions)


def test_network_bounds_of_hard_tanh_first_layer():
    # units x and y with thresholds +-1: lines x = +-1, y = +-1, a 3 x 3 grid: 9 regions
    net = network([layer([[1, 0], [0, 1]], [0, 0], "hardtanh"), layer([[1, 1]], [0], "identity")])
    b = network_bounds(net)
    assert value(b, "this network's first layer") == 9
    assert value(b, "hard-tanh") == (1 + 2 * 2 + 1 * 4) == 9
    assert value(b, "trivial") == 9
    counts = count_regions(net)
    assert counts[0] == 9
    assert_no_upper_bound_violated(net, counts)


def test_network_bounds_count_maxout_units_not_pieces():
    # 2 rank-3 maxout units in R^2 (6 pre-activations, 2 outputs): the bounds of architecture 2-2-1
    net = network([layer([[1, 0], [0, 1], [-1, -1], [1, 1], [2, -1], [0, 0]], [0, 0, 0, 0, 1, -1], "maxout:3"),
                   layer([[1, 1]], [0], "identity")])
    b = network_bounds(net)
    assert value(b, "Montufar, Ren, Zhang") == 9 and value(b, "Serra et al. 2018, maxout") == 22
    assert_no_upper_bound_violated(net, enumerate_regions(net))


# --- check() and violations() ---------------------------------------------------------------------

def test_check_reports_violated_upper_bounds_only():
    bounds = [
        Bound("tiny upper", "", BoundKind.UPPER, 3),
        Bound("big upper", "", BoundKind.UPPER, 100),
        Bound("equal upper", "", BoundKind.UPPER, 5),
        Bound("high lower", "", BoundKind.LOWER, 1000),   # above the count: fine, it bounds the maximum
        Bound("low lower", "", BoundKind.LOWER, 2),
        Bound("scale", "", BoundKind.SCALE, 1),
        Bound("n/a", "", BoundKind.UPPER, None, "does not apply"),
        Bound("layer-1 upper", "", BoundKind.UPPER, 2, layer=1),
        Bound("layer-9 upper", "", BoundKind.UPPER, 1, layer=9),
    ]
    checks = check(bounds, 5, (3, 5))
    by = {c.bound.name: c for c in checks}
    assert by["tiny upper"].holds is False and by["tiny upper"].difference == -2 and by["tiny upper"].count == 5
    assert by["big upper"].holds is True and by["big upper"].difference == 95 and by["big upper"].ratio == F(100, 5)
    assert by["equal upper"].holds is True
    assert by["high lower"].holds is None and by["low lower"].holds is None
    assert by["scale"].holds is None
    assert by["n/a"].holds is None
    assert by["layer-1 upper"].count == 3 and by["layer-1 upper"].holds is False
    assert by["layer-9 upper"].count is None and by["layer-9 upper"].holds is None
    assert [c.bound.name for c in violations(checks)] == ["tiny upper", "layer-1 upper"]


def test_each_bound_says_what_it_counts_and_where():
    """Upper bounds count activation regions (so linear ones too) on any domain; Montufar's and
    Pascanu's lower bounds count linear regions only where the construction attains them in linear
    regions (n_L > n0, or no folding), activation regions otherwise; Arora's counts pieces."""
    for arch, activation in [([2, 8, 8, 1], "relu"), ([1, 4, 4, 1], "relu"), ([3, 5, 1], "hardtanh"),
                             ([2, 4, 4, 1], "maxout:3"), ([2, 3, 3, 1], "leaky_relu")]:
        for b in architecture_bounds(arch, activation):
            if b.kind is BoundKind.UPPER:
                assert b.counts is RegionKind.ACTIVATION and b.over == "any domain", b.name
            else:
                assert b.over != "any domain", b.name
    counts = lambda arch, key: find(architecture_bounds(arch), key).counts  # noqa: E731
    assert counts([2, 4, 4, 3, 1], "Montufar et al. 2014 lower") is RegionKind.LINEAR    # n_L = 3 > n0 = 2
    assert counts([2, 4, 4, 3, 1], "Pascanu") is RegionKind.LINEAR
    assert counts([2, 6, 6, 2, 1], "Montufar et al. 2014 lower") is RegionKind.ACTIVATION  # n_L = n0, folded
    assert counts([3, 3, 3, 1], "Montufar et al. 2014 lower") is RegionKind.LINEAR       # n_L = n0, no fold
    # 1-6-1-1: the bound is 6 * 2 = 12, but v relu(h) + c with h of at most 7 pieces has at most 7 + 4
    # linear pieces (module docstring): in linear regions the statement would be false
    assert value(architecture_bounds([1, 6, 1, 1]), "Montufar et al. 2014 lower") == 12
    assert counts([1, 6, 1, 1], "Montufar et al. 2014 lower") is RegionKind.ACTIVATION
    assert counts([2, 6, 3, 1], "Arora") is RegionKind.LINEAR
    assert counts([2, 6, 6, 1], "Serra et al. 2018 lower") is RegionKind.ACTIVATION


def test_check_compares_each_bound_with_the_count_of_its_kind():
    lin, act = RegionKind.LINEAR, RegionKind.ACTIVATION
    bounds = [
        Bound("act upper", "", BoundKind.UPPER, 6),
        Bound("lin upper", "", BoundKind.UPPER, 4, counts=lin),
        Bound("lin upper, tight", "", BoundKind.UPPER, 2, counts=lin),
        Bound("lin lower", "", BoundKind.LOWER, 100, counts=lin),
        Bound("act lower", "", BoundKind.LOWER, 100),
    ]
    # both counted: 5 activation regions, 3 linear regions
    by = {c.bound.name: c for c in check(bounds, 5, (5,), linear=3)}
    assert (by["act upper"].count, by["act upper"].compared, by["act upper"].holds) == (5, act, True)
    assert (by["lin upper"].count, by["lin upper"].compared, by["lin upper"].holds) == (3, lin, True)
    assert by["lin upper, tight"].holds is False
    assert (by["lin lower"].count, by["lin lower"].compared, by["lin lower"].holds) == (3, lin, None)
    assert (by["act lower"].count, by["act lower"].compared) == (5, act)
    # linear regions not counted (--count-only): linear <= activation decides a linear upper bound
    # only when the activation count is at most it; a linear lower bound is not compared at all
    by = {c.bound.name: c for c in check(bounds, 3, (3,))}
    assert (by["lin upper"].count, by["lin upper"].compared, by["lin upper"].holds) == (3, act, True)
    assert (by["lin upper, tight"].count, by["lin upper, tight"].holds) == (3, None)
    assert (by["lin lower"].count, by["lin lower"].holds) == (None, None)
    assert violations(check(bounds, 3, (3,))) == []


def test_real_bounds_hold_on_real_counts():
    # units x, y, x + y - 1: 3 generic lines, 7 regions (gp(3, 2)) - every upper bound >= 7
    net = network([layer([[1, 0], [0, 1], [1, 1]], [0, 0, -1], "relu"), layer([[1, 1, 1]], [0], "identity")])
    regions = enumerate_regions(net)
    assert regions.activation_regions == 7
    checks = check(network_bounds(net), 7, regions.per_layer)
    assert violations(checks) == []
    assert value(network_bounds(net), "this network's first layer") == 7
    assert_no_upper_bound_violated(net, regions)


# --- command line ---------------------------------------------------------------------------------

def write_model(tmp_path, net, name="net.json"):
    path = tmp_path / name
    save_json(net, path)
    return str(path)


def small_net():
    return network([layer([[1, 0], [0, 1], [1, 1]], [0, 0, -1], "relu"), layer([[1, 1, 0]], [0], "identity")])


def test_count_exit_code_3_when_an_upper_bound_is_violated(tmp_path, capsys, monkeypatch):
    """A test of the reporting path: the real bounds hold, so a fake tiny upper bound stands in for a
    broken bound (or a broken count)."""
    model = write_model(tmp_path, small_net())
    assert cli.main(["count", model, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["activation_regions"] == 7
    assert all(row["holds"] is not False for row in out["bounds"])

    fake = [Bound("fake tiny upper bound", "test", BoundKind.UPPER, 1)]
    monkeypatch.setattr(bounds_module, "network_bounds", lambda net: fake)  # the CLI imports it when it runs
    assert cli.main(["count", model, "--json"]) == 3
    captured = capsys.readouterr()
    assert "fake tiny upper bound" in captured.err and "BUG" in captured.err
    out = json.loads(captured.out)
    (row,) = out["bounds"]
    assert row["holds"] is False and row["value"] == 1 and row["compared_with"] == 7
    assert cli.main(["count", model]) == 3
    captured = capsys.readouterr()
    assert "VIOLATED" in captured.out and "fake tiny upper bound" in captured.err


def test_bounds_json(capsys):
    assert cli.main(["bounds", "2-8-8-1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert isinstance(rows, list) and rows
    for row in rows:
        assert isinstance(row["name"], str) and row["name"]
        assert row["kind"] in {"upper", "lower", "scale"}
        assert row["value"] is None or (isinstance(row["value"], int) and not isinstance(row["value"], bool))
    by = {row["name"]: row for row in rows}
    assert by[find(architecture_bounds([2, 8, 8, 1]), "Montufar et al. 2014 lower").name]["value"] == 592
    assert {row["kind"] for row in rows} == {"upper", "lower", "scale"}
    assert any(row["value"] is None for row in rows)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
def test_bounds_latex(capsys, activation):
    assert cli.main(["bounds", "2-8-8-1", "--latex", "--activation", activation]) == 0
    text = capsys.readouterr().out
    begins = re.findall(r"\\begin\{(\w+)\}", text)
    ends = re.findall(r"\\end\{(\w+)\}", text)
    assert sorted(begins) == sorted(ends) and "tabular" in begins and "table" in begins
    lines = text.splitlines()
    top, mid, bottom = lines.index(r"\toprule"), lines.index(r"\midrule"), lines.index(r"\bottomrule")
    assert top < mid < bottom
    rows = lines[mid + 1: bottom]
    applicable = [b for b in architecture_bounds([2, 8, 8, 1], activation) if b.applies]
    assert len(rows) == len(applicable)
    for row in rows:
        assert row.endswith(r"\\")
        cells = re.split(r"(?<!\\)&", row[: -2])
        assert len(cells) == 4, row                       # only the three column separators are raw '&'
        name = re.sub(r"\$[^$]*\$", "", cells[0])            # math such as $s^N$ is LaTeX, not text
        unescaped = name.replace(r"\_", "").replace(r"\&", "")
        assert "^" not in unescaped and "_" not in unescaped and "&" not in unescaped, name
        assert cells[1].strip() in {"upper", "lower", "scale"}
        assert cells[2].strip() in {"activation regions", "linear regions"}
        assert re.fullmatch(r"\s*\d+\s*", cells[3]), row
    assert r"trivial: $s^N$" in text and "textasciicircum" not in text
    if activation == "relu":
        assert r"Hinz \& van de Geer" in text
    else:
        assert r"leaky\_relu" in text and "leaky_relu" not in text


# --- regressions------------------------------------------------------------------------------------

def test_bounds_with_a_one_unit_first_layer(tmp_path, capsys):
    """A hidden layer of one unit is an ordinary architecture. Expected (by hand, n0 = 2, widths [1]):
    trivial 2^1 = 2, one-layer gp(1, 2) = 2, Serra 2 (j = 0 or 1, one way each), Arora n/a.
    Regression (found while writing these tests, since fixed): ValueError 'n must be a non-negative
    integer' - the Arora value 2 sum C(m - 1, j) was computed before its applicability test, and
    m = n_1 // 2 = 0 made comb(-1, j) raise (also in 'regionscope count', exit 2 after counting)."""
    b = architecture_bounds([2, 1, 1])
    assert value(b, "trivial") == 2 and value(b, "Zaslavsky, one layer") == 2
    assert value(b, "Serra et al. 2018 upper") == 2 and value(b, "Arora") is None
    b = architecture_bounds([1, 1, 3, 1])
    assert value(b, "Serra et al. 2018 upper") == 5       # hand sum in test_serra_hand_values
    assert cli.main(["bounds", "2-1-1"]) == 0
    net = network([layer([[1, 1]], [0], "relu"), layer([[1]], [0], "identity")])  # one line: 2 regions
    model = write_model(tmp_path, net)
    capsys.readouterr()
    assert cli.main(["count", model, "--json"]) == 0       # got 2 (error) after counting
    assert json.loads(capsys.readouterr().out)["activation_regions"] == 2
    assert_no_upper_bound_violated(net, enumerate_regions(net))


def test_maxout_layers_of_different_ranks():
    """Maxout layers of rank 2 and then rank 3 in R^1 (units: max(x, 0), max(-x + 1, 2x - 1); then
    one rank-3 unit of those two). Each unit has at most k states, so the trivial bound is
    2^2 * 3^1 = 12 >= any count. Regression (found while writing these tests, since fixed): _hidden
    returned k = 0 when the ranks differed, so the trivial bound s^N was max(0, 1)^3 = 1 and
    'Serra et al. 2018, maxout' gp(0, 1) = 1, both reported as violated by the exact count 5 (by hand:
    breakpoints 0, 1/2, 2/3, 1), and 'regionscope count' exited 3 with 'BUG'."""
    net = network([layer([[1], [0], [-1], [2]], [0, 0, 1, -1], "maxout:2"),
                   layer([[1, 0], [0, 1], [1, 1]], [0, 0, -1], "maxout:3"),
                   layer([[1]], [0], "identity")])
    regions = enumerate_regions(net)
    b = network_bounds(net)
    assert value(b, "trivial") == 12
    # Serra's maxout bound layer by layer with each layer's own k: layer 1, k = 2, 2 units, d = 1:
    # gp(1 * 2, 1) = 3; layer 2, k = 3, 1 unit, d = 1: gp(3 * 1, 1) = 4; product 12
    assert value(b, "Serra et al. 2018, maxout") == 12
    assert_no_upper_bound_violated(net, regions)


@pytest.mark.parametrize("bias", [0, 1, -1])
def test_zero_rows_of_the_first_layer_cut_nothing(bias):
    # a zero row (constant unit) and the lines x = 0, y = 0: 4 quadrants; the weight matrix has rank 2
    # so the rank-refined Serra bound is Serra(2, [3]) = gp(3, 2) = 7
    net = network([layer([[0, 0], [1, 0], [0, 1]], [bias, 0, 0], "relu"), layer([[1, 1, 1]], [0], "identity")])
    b = network_bounds(net)
    assert value(b, "this network's first layer") == 4
    assert value(b, "rank-refined") == 7
    counts = count_regions(net)
    assert counts[0] == 4
    assert_no_upper_bound_violated(net, counts)


def test_the_first_layer_zaslavsky_row_is_skipped_when_its_poset_is_too_large():
    """12 generic planes in R^3: 1 + 12 + 66 + 220 = 299 regions (general position). 50 in R^5 may
    have 2,369,936 flats: the row says it was not computed instead of running for minutes."""
    import time

    from analyzer.bounds import network_bounds
    from analyzer.network import he_initialised

    def row(net):
        return next(b for b in network_bounds(net) if b.name == "Zaslavsky, this network's first layer")
    assert row(he_initialised([3, 12, 1], 0)).value == 299
    started = time.process_time()
    skipped = row(he_initialised([5, 50, 50, 1], 0))
    assert skipped.value is None and "2,369,936 flats" in skipped.reason
    assert time.process_time() - started < 5
