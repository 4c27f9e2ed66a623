"""Regions from the certified float path (analyzer.leaves): the same RegionSet as the exact engine's
(``enumerate_regions(exact=True)``: exact LPs everywhere), and linear regions against independent
answers (a unit with zero outgoing weights; brute force; exact 1-D pieces)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import naive

from analyzer.domain import box, segment
from analyzer.enumerate import count_regions, enumerate_regions
from analyzer.leaves import DeferredRegions
from analyzer.network import forward, he_initialised, layer, network


def assert_same_region_sets(net, domain):
    """Fast and exact enumerations agree on everything a RegionSet reports; every fast region's
    exact point has the region's pattern (strict signs are checked where the point is made)."""
    fast = enumerate_regions(net, domain)
    assert isinstance(fast.regions, DeferredRegions)  # the float path was taken
    exact = enumerate_regions(net, domain, exact=True)
    assert [r.pattern for r in fast] == [r.pattern for r in exact]
    assert fast.per_layer == exact.per_layer
    assert [r.output_map for r in fast] == [r.output_map for r in exact]
    assert fast.linear_region_labels == exact.linear_region_labels
    assert fast.bounded_regions == exact.bounded_regions
    for region in fast:
        assert forward(net, region.point)[1] == region.pattern
        assert set(region.facets()) == set(exact.regions[[r.pattern for r in exact].index(region.pattern)].facets())
    return fast


def integer_net(rng, dim, widths, activations, low=-2, high=3):
    sizes = [dim, *widths]
    layers = [layer(rng.integers(low, high, (n, m)), rng.integers(low, high, n), act)
              for m, n, act in zip(sizes, sizes[1:], activations)]
    return network([*layers, layer(rng.integers(low, high, (1, sizes[-1])), [0], "identity")])


DOMAINS = {1: [box([-2], [2]), segment([-1], [3])], 2: [box([-2, -2], [2, 2]), None], 3: [box([-1] * 3, [1] * 3), None],
           4: [box([-1] * 4, [1] * 4), None]}


# The float path takes bounded 1-D domains only, and unbounded ones through a ReLU-like first layer.
CASES = [(dim, bounded, activation) for dim in (1, 2, 3, 4) for bounded in (True, False)
         for activation in ("relu", "leaky_relu:1/3", "abs", "hardtanh")
         if (bounded or dim > 1) and (bounded or activation != "hardtanh")]


@pytest.mark.parametrize("dim, bounded, activation", CASES)
def test_random_nets(dim, bounded, activation):
    widths = {1: [6, 5], 2: [6, 5], 3: [5, 4], 4: [4, 4]}[dim]
    rng = np.random.default_rng(dim * 10 + bounded)
    net = network([layer(rng.normal(size=(widths[0], dim)), rng.normal(size=widths[0]) * 0.3, activation),
                   layer(rng.normal(size=(widths[1], widths[0])), rng.normal(size=widths[1]) * 0.3, "relu"),
                   layer(rng.normal(size=(1, widths[1])), [0], "identity")])
    assert_same_region_sets(net, DOMAINS[dim][0 if bounded else 1])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("dim", [2, 3])
def test_degenerate_small_integer_nets(seed, dim):
    """Small integers: concurrent, parallel and coincident boundaries, units constant on regions,
    equal output maps on adjacent regions (so linear regions are fewer than activation regions)."""
    rng = np.random.default_rng(seed)
    acts = ["relu", "abs" if seed % 2 else "relu"]
    net = integer_net(rng, dim, [5, 3] if dim == 2 else [4, 3], acts)
    assert_same_region_sets(net, DOMAINS[dim][seed % 2])


def test_a_unit_without_outgoing_weights_splits_no_linear_region():
    """Unit 0 of the first layer feeds nothing: the net's linear regions are the activation
    regions of the net without that unit. (Leaky ReLU, so that no unit's gain to the output is
    zeroed on a region: adjacent regions of the smaller net, which differ in one unit u, have maps
    differing by a nonzero multiple of z_u for generic weights.) Its activation regions are more."""
    rng = np.random.default_rng(5)
    W1, b1 = rng.normal(size=(7, 2)), rng.normal(size=7) * 0.3
    W2, b2 = rng.normal(size=(5, 7)), rng.normal(size=5) * 0.3
    W2[:, 0] = 0
    W3 = rng.normal(size=(1, 5))
    leaky = "leaky_relu:1/10"
    net = network([layer(W1, b1, leaky), layer(W2, b2, leaky), layer(W3, [0], "identity")])
    reduced = network([layer(W1[1:], b1[1:], leaky), layer(W2[:, 1:], b2, leaky), layer(W3, [0], "identity")])
    for domain in (box([-1, -1], [1, 1]), None):
        regions = enumerate_regions(net, domain)
        assert regions.linear_regions == count_regions(reduced, domain, exact=True)[0]
        assert regions.activation_regions > regions.linear_regions


@pytest.mark.parametrize("seed", range(4))
def test_one_dimensional_linear_regions_against_exact_pieces(seed):
    rng = np.random.default_rng(seed)
    spec = [(rng.integers(-3, 4, (6, 1)).tolist(), rng.integers(-3, 4, 6).tolist(), "relu"),
            (rng.integers(-2, 3, (4, 6)).tolist(), rng.integers(-2, 3, 4).tolist(), "relu"),
            (rng.integers(-2, 3, (1, 4)).tolist(), [0], "identity")]
    net = naive.build(spec)
    regions = enumerate_regions(net, box([-3], [3]))
    pieces = naive.pieces_1d(spec, [0], [1], -3, 3)
    assert isinstance(regions.regions, DeferredRegions)
    assert regions.activation_regions == len(pieces)
    assert regions.linear_regions == naive.linear_pieces_1d(pieces)


@pytest.mark.parametrize("seed", range(3))
def test_two_dimensional_linear_regions_against_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    spec = [(rng.integers(-2, 3, (4, 2)).tolist(), rng.integers(-1, 2, 4).tolist(), "relu"),
            (rng.integers(-2, 3, (2, 4)).tolist(), rng.integers(-1, 2, 2).tolist(), "relu"),
            (rng.integers(-1, 2, (1, 2)).tolist(), [0], "identity")]
    regions = enumerate_regions(naive.build(spec), box([-2, -2], [2, 2]))
    assert regions.linear_regions == naive.brute_force_linear_regions(spec, naive.box_forms([-2, -2], [2, 2]))


@pytest.mark.parametrize("domain", [box([-1, -1], [1, 1]), None, box([-1] * 3, [1] * 3)])
def test_workers_give_the_same_regions_and_points(domain):
    net = he_initialised([domain.input_dim if domain else 2, 10, 10, 1], 3)
    serial = enumerate_regions(net, domain)
    parallel = enumerate_regions(net, domain, workers=2)
    assert [r.pattern for r in parallel] == [r.pattern for r in serial]
    assert [r.point for r in parallel] == [r.point for r in serial]
    assert parallel.linear_regions == serial.linear_regions


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2 ** 32 - 1), st.sampled_from(["relu", "leaky_relu:1/2", "abs", "hardtanh"]))
def test_property_small_integer_nets_on_a_box(seed, activation):
    net = integer_net(np.random.default_rng(seed), 2, [4, 3], [activation, "relu"], -2, 3)
    assert_same_region_sets(net, box([-1, -1], [1, 1]))


def test_each_run_says_which_path_decided():
    from analyzer.regions import Path
    net = he_initialised([2, 6, 1], 0)
    square = box([-1, -1], [1, 1])
    assert enumerate_regions(net, square).path is Path.FLOAT and count_regions(net, square).path is Path.FLOAT
    assert enumerate_regions(net, square, exact=True).path is Path.EXACT_LP
    assert count_regions(net, square, exact=True).path is Path.EXACT_LP
    line = network([layer([[1], [-1], [2]], [0, 1, "1/2"]), layer([[1, 1, 1]], [0], "identity")])
    assert count_regions(line, None).path is Path.EXACT_ENGINE  # the float path takes bounded 1-D domains only
