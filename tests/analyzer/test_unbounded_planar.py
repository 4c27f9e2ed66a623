"""Unbounded 2-D domains through exact polygons with generators at infinity (the four quadrants of
two first-layer hyperplanes), against the general engine with exact LPs (`exact=True`) and against
hand counts."""
import numpy as np
import pytest

from analyzer.domain import plane_slice, polytope
from analyzer.enumerate import enumerate_regions
from analyzer.network import he_initialised, layer, network


def same(net, domain=None):
    fast, slow = enumerate_regions(net, domain), enumerate_regions(net, domain, exact=True)
    assert [r.pattern for r in fast] == [r.pattern for r in slow]
    assert fast.per_layer == slow.per_layer
    assert fast.bounded_regions == slow.bounded_regions
    assert fast.linear_regions == slow.linear_regions
    return fast


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("activation", ["relu", "leaky_relu:1/3", "abs"])
def test_random_small_integer_nets_over_the_plane(seed, activation):
    """Small integers make duplicate, parallel and concurrent hyperplanes common."""
    rng = np.random.default_rng(seed)
    layers = [layer(rng.integers(-2, 3, (5, 2)), rng.integers(-2, 3, 5), activation),
              layer(rng.integers(-2, 3, (4, 5)), rng.integers(-2, 3, 4), "relu"),
              layer(rng.integers(-2, 3, (1, 4)), [0], "identity")]
    same(network(layers))


def test_he_initialised_net_over_the_plane_and_a_half_plane_and_a_slice():
    net = he_initialised([2, 10, 10, 1], 5)
    same(net)
    same(net, polytope([(1, 1, -2)]))                   # the half-plane x - 2y >= -1: unbounded
    same(he_initialised([3, 8, 8, 1], 5), plane_slice([0, 0, 0], [1, 2, 0], [0, 1, 1]))


def test_hand_count_two_lines_and_a_parallel():
    """x = 0, y = 0, x = 1: 6 regions, none bounded (the strip 0 < x < 1 is cut by y = 0 into two
    unbounded halves)."""
    net = network([layer([[1, 0], [0, 1], [1, 0]], [0, 0, -1], "relu"), layer([[1, 1, 1]], [0], "identity")])
    regions = same(net)
    assert (regions.activation_regions, regions.bounded_regions) == (6, 0)


def test_parallel_first_layer_falls_back_and_agrees():
    """All first-layer hyperplanes parallel: no pointed quadrants; the LP engine takes over."""
    net = network([layer([[1, 1], [2, 2], [1, 1]], [0, -1, 3], "relu"), layer([[1, -1, 1]], [0], "identity")])
    regions = same(net)
    assert regions.activation_regions == 4  # x + y = 0, 1/2, -3: three parallel lines
