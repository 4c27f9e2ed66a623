"""Bounded regions on the float path's LP regions (analyzer.filtered's hints from
geometry.certified_lp.boundedness) over unbounded 5-D and 6-D domains: every certified hint is the
exact answer (cdd's generators: ``Region.is_bounded``), bounded counts equal the exact engine's,
Sage's and the closed form for generic arrangements, and the rank-deficient regions of
[5,7,7,1] over R^5 are all decided without exact regions."""
import json
import math
from pathlib import Path

import numpy as np
import pytest

from analyzer.domain import all_space, polytope
from analyzer.enumerate import enumerate_regions
from analyzer.leaves import DeferredRegions
from analyzer.network import he_initialised, layer, network

DATA = Path(__file__).resolve().parents[1] / "data" / "arrangements.json"


def assert_hints_exact(net, domain):
    """Every hint that is not -1 is the exact boundedness of its region; the bounded count equals
    the exact engine's (exact LPs, exact regions). Returns the hints and the RegionSet."""
    regions = enumerate_regions(net, domain)
    assert isinstance(regions.regions, DeferredRegions)  # the float path was taken
    hints = regions.hints.bounded
    for i in np.flatnonzero(hints >= 0):
        assert hints[i] == regions.regions[int(i)].is_bounded(), (i, regions.regions[int(i)].pattern)
    assert regions.bounded_regions == enumerate_regions(net, domain, exact=True).bounded_regions
    return hints, regions


def small_integer_net(seed, dim, widths):
    rng = np.random.default_rng(seed)
    sizes = [dim, *widths]
    layers = [layer(rng.integers(-2, 3, (n, m)), rng.integers(-1, 2, n), "relu") for m, n in zip(sizes, sizes[1:])]
    return network([*layers, layer(rng.integers(-2, 3, (1, sizes[-1])), [0], "identity")])


@pytest.mark.parametrize("dim", [5, 6])
def test_random_nets_over_space_and_polyhedral_domains(dim):
    """He-initialised nets (float weights, many rank-deficient regions) over R^d, a half-space
    and a polyhedral cone x_1 > 0, x_2 > 0 (unbounded domains whose forms are rows of every
    region); floats and the exact ray of an LP's basis leave nothing undecided."""
    net = he_initialised([dim, 6, 3, 1], dim)
    half = polytope([(1, 1, *[0] * (dim - 1))])
    cone = polytope([(0, 1, *[0] * (dim - 1)), (0, 0, 1, *[0] * (dim - 2))])
    for domain in (all_space(dim), half, cone):
        hints, _ = assert_hints_exact(net, domain)
        assert (hints >= 0).all()


@pytest.mark.parametrize("seed", range(4))
def test_degenerate_small_integer_nets(seed):
    """Small integers: duplicate, parallel and concurrent hyperplanes, units constant on regions,
    slabs and lower-dimensional recession cones; certified hints are exact, whatever is left is
    decided exactly, and the bounded count is the exact engine's. Some subtrees go to the exact
    engine; their leaves' hints are certified from their exact forms too (none is -1 here)."""
    dim = 5 + seed % 2
    net = small_integer_net(60 + seed, dim, [6, 3])
    domain = all_space(dim) if seed < 2 else polytope([(2, *[1] * dim)])
    hints, regions = assert_hints_exact(net, domain)
    if seed < 2:
        exact_leaves = list(regions.regions.store.sorted_exact)
        assert exact_leaves and (hints[exact_leaves] >= 0).all()


def test_rank_deficient_regions_are_all_decided():
    """[5, 7, 7, 1] over R^5: 1,686 of its 2,377 regions are unbounded, most of them with a
    recession cone of lower dimension (a second-layer unit bounds the directions of the active
    first-layer units); the exact ray of the float LP's basis decides those, so no hint is -1 and
    bounded_regions builds no exact region. A sample of the hints is checked against cdd."""
    net = he_initialised([5, 7, 7, 1], 0)
    regions = enumerate_regions(net)
    hints = regions.hints.bounded
    assert (hints >= 0).all()
    regions.bounded_regions
    assert all(made is None for made in regions.regions.made)  # no exact region was built
    for i in range(0, len(regions), 23):  # a sample of ~100, against cdd
        assert hints[i] == regions.regions[i].is_bounded(), i


@pytest.mark.parametrize("case", [c for c in json.loads(DATA.read_text())["cases"] if c["dim"] == 5],
                         ids=lambda c: c["name"])
def test_sage_bounded_regions_in_five_dimensions(case):
    """One ReLU layer with Sage's rows: Sage's relatively bounded regions are the bounded ones when
    the normals span R^5 (no lineality space); when they do not, every region holds a line and
    none is bounded."""
    rows = case["rows"]
    net = network([layer([r[1:] for r in rows], [r[0] for r in rows], "relu"), layer([[1] * len(rows)], [0], "identity")])
    essential = np.linalg.matrix_rank(np.array([r[1:] for r in rows], dtype=float)) == 5
    assert enumerate_regions(net).bounded_regions == (case["bounded_regions"] if essential else 0)


@pytest.mark.parametrize("n, dim", [(9, 5), (8, 6)])
def test_generic_arrangement_closed_form(n, dim):
    """n hyperplanes in general position in R^d have C(n - 1, d) bounded regions (Zaslavsky)."""
    rng = np.random.default_rng(n + dim)
    net = network([layer(rng.normal(size=(n, dim)), rng.normal(size=n), "relu"), layer([[1] * n], [0], "identity")])
    regions = enumerate_regions(net)
    assert (regions.hints.bounded >= 0).all()
    assert regions.bounded_regions == math.comb(n - 1, dim)
