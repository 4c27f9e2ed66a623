"""The certified float path on LP regions (5-D and up: analyzer.lp_regions, geometry.certified_lp)
against the exact engine with exact LPs (``exact=True``), Sage's arrangement counts, the
general-position closed form and a brute force over patterns (tests/analyzer/naive.py); checkpoints
and workers change nothing."""
import json
import math
from pathlib import Path

import numpy as np
import pytest

import naive
from float_checks import assert_same_as_exact

from analyzer import filtered
from analyzer.domain import all_space, ball, box, polytope
from analyzer.enumerate import Budget, count_regions, enumerate_regions
from analyzer.leaves import DeferredRegions
from analyzer.network import he_initialised, layer, network
from analyzer.regions import RunStatus

DATA = Path(__file__).resolve().parents[1] / "data" / "arrangements.json"


def random_net(rng, dim, widths, activation):
    sizes = [dim, *widths]
    layers = [layer(rng.normal(size=(n, m)), rng.normal(size=n) * 0.3, activation if i == 0 else "relu")
              for i, (m, n) in enumerate(zip(sizes, sizes[1:]))]
    return network([*layers, layer(rng.normal(size=(1, sizes[-1])), [0], "identity")])


@pytest.mark.parametrize("dim", [5, 6])
@pytest.mark.parametrize("activation", ["relu", "leaky_relu:1/3", "abs", "hardtanh"])
def test_random_nets_on_boxes_and_all_of_space(dim, activation, fallbacks):
    """Float weights: the LPs decide every unit (with exact forms where a multiplier is exactly
    0, as on rank-deficient regions over R^n), so no subtree goes to the exact engine."""
    rng = np.random.default_rng(dim)
    widths = [3, 3] if activation == "hardtanh" else [4, 3]
    net = random_net(rng, dim, widths, activation)
    assert_same_as_exact(net, box([-1] * dim, [1] * dim))
    assert_same_as_exact(net, all_space(dim) if activation != "hardtanh" else box([-2] * dim, [3] * dim))
    assert fallbacks == []


def test_rank_deficient_regions_over_space_need_no_exact_subtree(fallbacks):
    """[5, 7, 7, 1] over R^5: most layer-1 regions have fewer than 5 active units, where floats
    alone cannot certify that a later unit does not cut (its multipliers are exactly 0); the exact
    forms handed to the splitter decide them. The count is the exact engine's."""
    net = he_initialised([5, 7, 7, 1], 0)
    assert count_regions(net) == count_regions(net, exact=True)
    assert fallbacks == []


@pytest.mark.parametrize("seed", range(4))
def test_degenerate_small_integer_nets(seed):
    """Small integers: coincident, parallel and concurrent hyperplanes, units constant (or 0) on
    regions, equal output maps on adjacent regions."""
    rng = np.random.default_rng(40 + seed)
    dim = 5 + seed % 2
    acts = ["relu", "abs" if seed % 2 else "leaky_relu:1/2"]
    sizes = [dim, 5, 3]
    net = network([*(layer(rng.integers(-2, 3, (n, m)), rng.integers(-1, 2, n), act)
                     for m, n, act in zip(sizes, sizes[1:], acts)), layer(rng.integers(-2, 3, (1, 3)), [0], "identity")])
    assert_same_as_exact(net, all_space(dim) if seed < 2 else box([-1] * dim, [1] * dim))


def test_degenerate_net_against_brute_force():
    """Duplicate, opposite and zero first-layer units and a hard-tanh second layer in R^5, against
    the brute force over patterns (one exact LP per partial pattern, no geometry code)."""
    W1 = [[1, 0, 0, 0, 1], [1, 0, 0, 0, 1], [-1, 0, 0, 0, -1], [0, 0, 0, 0, 0], [0, 1, -1, 0, 0], [1, 1, 1, 1, 1]]
    spec = [naive.spec_layer(W1, [0, 0, 0, 1, 0, -1], "relu"),
            naive.spec_layer([[1, -1, 1, 0, 2, 1], [0, 1, 0, 3, -1, 1]], [0, "1/2"], "hardtanh"),
            naive.spec_layer([[1, 1]], [0], "identity")]
    net = naive.build(spec)
    for domain, forms in ((all_space(5), ()), (box([-1] * 5, [2] * 5), naive.box_forms([-1] * 5, [2] * 5))):
        expected, per_layer = naive.brute_force_patterns(spec, forms)
        regions = enumerate_regions(net, domain)
        assert isinstance(regions.regions, DeferredRegions)
        assert [r.pattern for r in regions] == sorted(expected)
        assert count_regions(net, domain) == (len(expected), per_layer)


@pytest.mark.parametrize("n, dim", [(8, 5), (7, 6)])
def test_generic_hyperplanes_closed_form(n, dim):
    """n hyperplanes in general position in R^d (random normals and offsets) cut R^d into
    sum_{j <= d} C(n, j) regions (Zaslavsky; Buck 1943)."""
    rng = np.random.default_rng(n)
    net = network([layer(rng.normal(size=(n, dim)), rng.normal(size=n), "relu"), layer([[1] * n], [0], "identity")])
    expected = sum(math.comb(n, j) for j in range(dim + 1))
    assert count_regions(net) == (expected, (expected,))


@pytest.mark.parametrize("case", [c for c in json.loads(DATA.read_text())["cases"] if c["dim"] == 5],
                         ids=lambda c: c["name"])
def test_sage_arrangements_in_five_dimensions(case):
    """One ReLU layer with Sage's rows as (bias, weights): Sage's region count over R^5 (random
    small-integer arrangements with concurrencies and zero rows; the braid arrangement)."""
    rows = case["rows"]
    net = network([layer([r[1:] for r in rows], [r[0] for r in rows], "relu"), layer([[1] * len(rows)], [0], "identity")])
    assert count_regions(net)[0] == case["regions"]


def test_polytope_and_ball_domains():
    """A simplex (no bounding box read from its forms: the root starts at an exact interior point)
    and an L-infinity ball."""
    net = random_net(np.random.default_rng(3), 5, [6, 4], "relu")
    simplex = polytope([(0, 1, 0, 0, 0, 0), (0, 0, 1, 0, 0, 0), (0, 0, 0, 1, 0, 0), (0, 0, 0, 0, 1, 0),
                        (0, 0, 0, 0, 0, 1), (2, -1, -1, -1, -1, -1)])
    for domain in (simplex, ball([0.1, 0, 0, 0, -0.2], "1/2")):
        assert count_regions(net, domain) == count_regions(net, domain, exact=True)


@pytest.mark.parametrize("activation", ["relu", "hardtanh"])
def test_four_dimensional_counts_as_lp_regions(activation, fallbacks):
    """In 4-D, counts and enumerations run on LP regions (boxes and all of R^4; a hard-tanh
    first layer, which has no orthants to start simple polyhedra from, too), with no exact
    subtree; the RegionSets (bounded counts from certified boundedness over R^4) are the exact
    engine's."""
    net = random_net(np.random.default_rng(8), 4, [5, 4], activation)
    assert filtered.uses_lp_regions(all_space(4))
    assert filtered.uses_lp_regions(box([-1] * 4, [1] * 4))
    assert not filtered.uses_lp_regions(box([-1] * 3, [1] * 3))
    for domain in (box([-1] * 4, [2] * 4), all_space(4)):
        found = assert_same_as_exact(net, domain)
        assert fallbacks == []
        assert found.activation_regions > 1
        fallbacks.clear()


@pytest.mark.parametrize("task", ["count", "enumerate"])
def test_checkpoint_and_resume(tmp_path, task):
    """A run stopped by a budget saves its stack (LP regions with their exact forms, pickled); the
    resumed run ends with the uninterrupted counts and regions."""
    net, domain = he_initialised([5, 6, 6, 1], 2), box([-1] * 5, [1] * 5)
    run = count_regions if task == "count" else enumerate_regions
    path = str(tmp_path / "run.ckpt")
    full = run(net, domain)
    total = full[0] if task == "count" else full.activation_regions
    stopped = run(net, domain, budget=Budget(max_regions=total // 3), checkpoint=path)
    assert stopped.status is RunStatus.MAX_REGIONS
    resumed = run(net, domain, checkpoint=path, resume=True)
    if task == "count":
        assert resumed == full and resumed.status is RunStatus.COMPLETE
    else:
        assert [r.pattern for r in resumed] == [r.pattern for r in full]
        assert resumed.per_layer == full.per_layer
        assert [r.point for r in resumed] == [r.point for r in full]


@pytest.mark.parametrize("domain", [all_space(6), box([-1] * 6, [1] * 6)])
def test_workers_change_nothing(domain):
    net = he_initialised([6, 7, 7, 1], 4)
    serial = count_regions(net, domain)
    assert count_regions(net, domain, workers=2) == serial
    regions = enumerate_regions(net, domain)
    parallel = enumerate_regions(net, domain, workers=2)
    assert [r.pattern for r in parallel] == [r.pattern for r in regions]
    assert [r.point for r in parallel] == [r.point for r in regions]
    assert (regions.activation_regions, regions.per_layer) == tuple(serial)
