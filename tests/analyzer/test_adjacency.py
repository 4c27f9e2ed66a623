"""analyzer/adjacency.py: neighbours found by pattern lookup against testing every pair; linear
regions of degenerate nets (dead layers, units feeding nothing) against independent values; the
merging's deadline and progress."""
import dataclasses
import itertools
import time

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import naive

from analyzer.domain import box
from analyzer.enumerate import count_regions, enumerate_regions
from analyzer.network import layer, network
from geometry.polyhedron import common_facet


def all_pairs_edges(regions):
    """The dual graph by its definition: every pair of regions tested for a common facet."""
    return {(i, j) for i, j in itertools.combinations(range(len(regions)), 2)
            if common_facet(regions.regions[i].forms, regions.regions[j].forms, regions.regions[i].dim) is not None}


def dead_layer_net(rng, dim, width, first="relu", zero_weights=False):
    """``dim-width-2-1``: a second ReLU layer that is off everywhere (bias -100 against He-sized
    weights on [-1, 1]^dim, or zero weights and bias -1 on all of R^dim), so the output is the
    constant 0 and the whole domain is one linear region."""
    pre = 2 * width if first.startswith("maxout") else width
    W2 = np.zeros((2, width)) if zero_weights else rng.normal(size=(2, width))
    return network([layer(rng.normal(size=(pre, dim)), rng.normal(size=pre) * 0.3, first),
                    layer(W2, [-1 if zero_weights else -100] * 2, "relu"),
                    layer(rng.normal(size=(1, 2)), [0], "identity")])


@pytest.mark.parametrize("first", ["relu", "abs", "hardtanh", "maxout:2"])
def test_a_dead_last_hidden_layer_makes_one_linear_region(first):
    net = dead_layer_net(np.random.default_rng(1), 3, 8, first)
    regions = enumerate_regions(net, box([-1] * 3, [1] * 3))
    assert regions.activation_regions > 20  # the first layer cuts the cube; the constant output joins it all
    assert regions.linear_regions == 1


@pytest.mark.parametrize("exact", [False, True])
def test_a_dead_layer_on_all_of_space(exact):
    """Zero weights: the second layer is off on all of R^3 too. A region set without its network
    has every pair holding a form and its negation as candidates: same answer."""
    net = dead_layer_net(np.random.default_rng(2), 3, 6, zero_weights=True)
    regions = enumerate_regions(net, None, exact=exact)
    # 6 generic planes through R^3: sum_{k <= 3} C(6, k) = 1 + 6 + 15 + 20 = 42 regions (Zaslavsky)
    assert (regions.activation_regions, regions.linear_regions) == (42, 1)
    blind = dataclasses.replace(enumerate_regions(net, None, exact=exact), network=None, domain=None)
    assert blind.linear_regions == 1 and set(blind.dual_graph().edges) == set(regions.dual_graph().edges)


@pytest.mark.parametrize("domain", [box([-1] * 3, [1] * 3), None])
def test_a_unit_without_outgoing_weights_in_three_dimensions(domain):
    """Unit 0 of the first layer feeds nothing: the linear regions are the activation regions of
    the net without it (leaky ReLU keeps every other unit's gain nonzero; see
    tests/analyzer/test_fast_regions.py for the same identity in 2-D)."""
    rng = np.random.default_rng(7)
    W1, b1 = rng.normal(size=(6, 3)), rng.normal(size=6) * 0.3
    W2, b2 = rng.normal(size=(4, 6)), rng.normal(size=4) * 0.3
    W2[:, 0] = 0
    W3 = rng.normal(size=(1, 4))
    leaky = "leaky_relu:1/10"
    net = network([layer(W1, b1, leaky), layer(W2, b2, leaky), layer(W3, [0], "identity")])
    reduced = network([layer(W1[1:], b1[1:], leaky), layer(W2[:, 1:], b2, leaky), layer(W3, [0], "identity")])
    regions = enumerate_regions(net, domain)
    assert regions.linear_regions == count_regions(reduced, domain, exact=True)[0] < regions.activation_regions


def integer_spec(seed, dim, widths, acts):
    rng = np.random.default_rng(seed)
    sizes = [dim, *widths]
    spec = []
    for m, n, act in zip(sizes, sizes[1:], acts):
        pre = 2 * n if act.startswith("maxout") else n
        spec.append((rng.integers(-2, 3, (pre, m)).tolist(), rng.integers(-1, 2, pre).tolist(), act))
    spec.append((rng.integers(-1, 2, (1, sizes[-1])).tolist(), [0], "identity"))
    return spec


DEGENERATE = [(seed, 2, [4, 3], acts) for seed, acts in enumerate(
    [("relu", "relu"), ("abs", "relu"), ("hardtanh", "relu"), ("relu", "maxout:2"), ("relu", "relu"), ("abs", "relu")])] \
    + [(seed, 3, [3, 2], ("relu", "relu")) for seed in range(10, 13)]


@pytest.mark.parametrize("seed, dim, widths, acts", DEGENERATE)
def test_small_integer_nets_against_the_brute_force(seed, dim, widths, acts):
    """Small integers: coincident, parallel and concurrent boundaries, units constant or zero on
    regions, equal maps on neighbours. Linear regions against tests/analyzer/naive.py's brute force
    (sign vectors, exact maps, a pairwise dimension test); the dual graph against all pairs."""
    spec = integer_spec(seed, dim, widths, acts)
    domain_forms = naive.box_forms([-2] * dim, [2] * dim)
    regions = enumerate_regions(naive.build(spec), box([-2] * dim, [2] * dim))
    assert regions.linear_regions == naive.brute_force_linear_regions(spec, domain_forms)
    assert set(regions.dual_graph().edges) == all_pairs_edges(regions)


def test_the_deadline_stops_the_merging_and_a_later_merge_finishes():
    net = dead_layer_net(np.random.default_rng(3), 2, 40)
    regions = enumerate_regions(net, box([-1] * 2, [1] * 2))
    assert regions.activation_regions > 512
    assert regions.merge_linear_regions(deadline=time.monotonic() - 1) is None
    seen = []
    labels = regions.merge_linear_regions(progress=seen.append)
    assert labels == (0,) * regions.activation_regions
    assert seen == list(range(256, regions.activation_regions + 1, 256)) * 2  # exact maps, then facets
    assert regions.linear_regions == 1


def test_the_deadline_stops_the_bounded_count():
    """Lines x = 0, y = 0, x + y = 1 over R^2: 7 regions, 1 bounded (the triangle); the exact
    engine's regions carry no float hints, so each region is decided when counted."""
    net = network([layer([[1, 0], [0, 1], [1, 1]], [0, 0, -1], "relu"), layer([[1, 1, 1]], [0], "identity")])
    regions = enumerate_regions(net, None, exact=True)
    assert regions.count_bounded(deadline=time.monotonic() - 1) is None
    assert (regions.activation_regions, regions.count_bounded(), regions.bounded_regions) == (7, 1, 1)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2 ** 32 - 1), st.sampled_from(["relu", "leaky_relu:1/2", "abs", "hardtanh", "maxout:2"]),
       st.booleans())
def test_property_small_integer_nets(seed, activation, on_the_plane):
    """Random small-integer nets, on [-2, 2]^2 or all of R^2: the dual graph equals testing all
    pairs, and the linear regions the brute force's."""
    spec = integer_spec(seed, 2, [3, 3], (activation, "relu"))
    domain_forms = () if on_the_plane else naive.box_forms([-2, -2], [2, 2])
    regions = enumerate_regions(naive.build(spec), None if on_the_plane else box([-2, -2], [2, 2]))
    assert regions.linear_regions == naive.brute_force_linear_regions(spec, domain_forms)
    assert set(regions.dual_graph().edges) == all_pairs_edges(regions)
