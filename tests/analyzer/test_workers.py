"""Refining subtrees in worker processes gives exactly the serial result."""
import pytest

from analyzer.domain import box, segment
from analyzer.enumerate import enumerate_regions
from analyzer.network import he_initialised, layer, network


@pytest.mark.parametrize("arch, domain", [
    ([2, 8, 8, 1], None),                          # certified LPs over R^2
    ([2, 10, 10, 1], box([-1, -1], [1, 1])),       # exact polygons
    ([3, 5, 5, 1], box([-1, -1, -1], [1, 1, 1])),  # LPs in a box
    ([4, 6, 6, 1], segment([0, 0, 0, 0], [1, 2, -1, 3])),  # exact intervals
])
@pytest.mark.parametrize("workers", [2, 3])
def test_workers_change_nothing(arch, domain, workers):
    net = he_initialised(arch, 7)
    serial = enumerate_regions(net, domain)
    parallel = enumerate_regions(net, domain, workers=workers)
    assert [r.pattern for r in parallel] == [r.pattern for r in serial]
    assert [r.point for r in parallel] == [r.point for r in serial]
    assert parallel.per_layer == serial.per_layer
    assert parallel.linear_regions == serial.linear_regions


def test_workers_on_a_degenerate_net():
    """Duplicate, opposite and zero units with a hard-tanh layer: the same regions either way."""
    net = network([layer([[1, 0], [1, 0], [-1, 0], [0, 0], [1, 1]], [0, 0, 0, 1, -1], "relu"),
                   layer([[1, -1, 1, 0, 1], [0, 1, 0, 2, -1]], [0, "1/2"], "hardtanh"),
                   layer([[1, 1]], [0], "identity")])
    serial = enumerate_regions(net)
    assert [r.pattern for r in enumerate_regions(net, workers=2)] == [r.pattern for r in serial]
