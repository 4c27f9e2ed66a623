"""Maxout on the certified float path (analyzer.filtered, geometry.kernels.split_polygon_maxout)
against the exact engine with exact LPs (``exact=True``) and hand counts; the comparisons that
a layer's exact weights settle (equal rows, rows differing by a constant) need no exact subtree."""
import numpy as np
import pytest
from float_checks import assert_same_as_exact

from analyzer import filtered
from analyzer.domain import all_space, box, segment
from analyzer.enumerate import count_regions
from analyzer.network import layer, network


def integer_net(rng, dim, units, activations, low=-2, high=3):
    """Small-integer layers (``units[i]`` units of ``activations[i]``; maxout:k has k rows a unit)
    and an affine output: coincident, parallel and concurrent boundaries and ties are common."""
    layers, width = [], dim
    for n, act in zip(units, activations):
        rows = n * (int(act.split(":")[1]) if act.startswith("maxout") else 1)
        layers.append(layer(rng.integers(low, high, (rows, width)), rng.integers(low, high, rows), act))
        width = n
    return network([*layers, layer(rng.integers(low, high, (1, width)), [0], "identity")])


def random_net(rng, dim, units, activations):
    layers, width = [], dim
    for n, act in zip(units, activations):
        rows = n * (int(act.split(":")[1]) if act.startswith("maxout") else 1)
        layers.append(layer(rng.normal(size=(rows, width)), rng.normal(size=rows) * 0.3, act))
        width = n
    return network([*layers, layer(rng.normal(size=(1, width)), [0], "identity")])


DOMAINS = {dim: box([-2] * dim, [2] * dim) for dim in range(1, 6)}


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("dim", [1, 2])
def test_random_maxout_nets_take_no_exact_subtree(dim, k, fallbacks):
    rng = np.random.default_rng(10 * dim + k)
    net = random_net(rng, dim, [5, 4], [f"maxout:{k}", f"maxout:{k}"])
    assert_same_as_exact(net, DOMAINS[dim])
    assert fallbacks == []


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("dim", [1, 2])
def test_small_integer_maxout_nets(dim, k, seed):
    """Equal rows, rows differing by a constant, differences through vertices, units constant on
    regions: where floats cannot sign a difference, the exact engine takes the subtree."""
    rng = np.random.default_rng(seed)
    net = integer_net(rng, dim, [4, 3], [f"maxout:{k}", f"maxout:{k}"])
    assert_same_as_exact(net, DOMAINS[dim] if seed % 2 else segment([-1] * dim, [2] * dim))


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("dim", [3, 4, 5])
def test_random_maxout_nets_in_higher_dimensions(dim, k, fallbacks):
    """3-D and up, on a box and over all of R^n: simple polyhedra (3-D boxes:
    geometry.polytope_kernels.split_polytope_maxout) and LP regions (4-D and up, and R^3 with a
    maxout first layer, which has no orthants to start polyhedra: geometry.certified_lp.split_argmax)
    split into argmax cells."""
    rng = np.random.default_rng(10 * dim + k)
    net = random_net(rng, dim, [4, 3], [f"maxout:{k}", f"maxout:{k}"])
    assert_same_as_exact(net, DOMAINS[dim])
    assert_same_as_exact(net, all_space(dim))
    assert fallbacks == []


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("dim", [3, 4, 5])
def test_small_integer_maxout_nets_in_higher_dimensions(dim, seed):
    rng = np.random.default_rng(seed)
    k = 2 + seed % 2
    net = integer_net(rng, dim, [3, 3], [f"maxout:{k}", "relu" if seed % 2 else f"maxout:{k}"])
    assert_same_as_exact(net, DOMAINS[dim] if seed % 2 else all_space(dim))


def test_maxout_after_relu_on_simple_polyhedra(fallbacks, monkeypatch):
    """A ReLU first layer gives pointed polyhedra over R^3 (its orthants), so the enumeration splits
    simple polyhedra into argmax cells (geometry.polytope_kernels.split_polytope_maxout), as it
    does on a 3-D box (4-D: LP regions). Over R^3, a region where few first-layer units are on has
    a ray along which the map is constant, so every difference vanishes there: floats cannot sign
    it, and the exact engine takes those subtrees (as for ReLU layers)."""
    calls = []
    split = filtered.polytope_kernels.split_polytope_maxout
    monkeypatch.setattr(filtered.polytope_kernels, "split_polytope_maxout", lambda *a: calls.append(1) or split(*a))
    net = random_net(np.random.default_rng(3), 3, [5, 3], ["relu", "maxout:3"])
    assert_same_as_exact(net, all_space(3))
    assert calls
    del calls[:], fallbacks[:]
    assert_same_as_exact(net, DOMAINS[3])
    assert calls and fallbacks == []


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("acts", [("maxout:2", "relu"), ("relu", "maxout:3"), ("hardtanh", "maxout:2"),
                                  ("maxout:3", "abs"), ("maxout:2", "identity", "maxout:2")])
def test_mixed_nets(acts, seed):
    rng = np.random.default_rng(seed)
    units = [4, 3, 3][:len(acts)]
    assert_same_as_exact(random_net(rng, 2, units, list(acts)), DOMAINS[2])
    assert_same_as_exact(integer_net(rng, 2, units, list(acts)), DOMAINS[2])


def test_ties_settled_by_the_weights_need_no_exact_subtree(fallbacks):
    """Unit 0 has two equal rows (one cell, the lower index: state 0), unit 1 two rows differing
    by a constant (the larger one, state 1, everywhere), unit 2 rows x and y + 1/3 (cells either
    side of a line that misses the box's corners): 2 regions."""
    net = network([layer([[1, 2], [1, 2], [1, -1], [1, -1], [1, 0], [0, 1]], [1, 1, 0, 3, 0, "1/3"], "maxout:2"),
                   layer([[1, 1, 1]], [0], "identity")])
    fast = assert_same_as_exact(net, box([-1, -1], [1, 1]))
    assert sorted(r.pattern[0] for r in fast) == [(0, 1, 0), (0, 1, 1)]
    # rows x + y, x + y + 1 and x - y: the first never wins; x + y + 1 > x - y where y > -1/2
    three = network([layer([[1, 1], [1, 1], [1, -1]], [0, 1, 0], "maxout:3"), layer([[1]], [0], "identity")])
    fast = assert_same_as_exact(three, box([-1, -1], [1, 1]))
    assert sorted(r.pattern[0] for r in fast) == [(1,), (2,)]
    assert fallbacks == []


def test_hand_counts(fallbacks):
    # max(x, -x) = |x| on [-1, 1]: two regions, two linear regions
    absolute = network([layer([[1], [-1]], [0, 0], "maxout:2"), layer([[1]], [0], "identity")])
    fast = assert_same_as_exact(absolute, box([-1], [1]))
    assert (fast.activation_regions, fast.linear_regions) == (2, 2)
    # max(x, y + 1/4, 1/4 - x - y): the three are equal only at (1/6, -1/12), inside the box, so
    # each is the largest on one sector around it: 3 cells (no two are equal at a corner)
    three = network([layer([[1, 0], [0, 1], [-1, -1]], [0, "1/4", "1/4"], "maxout:3"), layer([[1]], [0], "identity")])
    assert assert_same_as_exact(three, box([-1, -1], [1, 1])).activation_regions == 3
    # the same unit with its third function far below the others on the box: x > y + 1/4 or not, 2 cells
    far = network([layer([[1, 0], [0, 1], [-1, -1]], [0, "1/4", -10], "maxout:3"), layer([[1]], [0], "identity")])
    assert assert_same_as_exact(far, box([-1, -1], [1, 1])).activation_regions == 2
    assert fallbacks == []
    # two identical rows: one cell, state the lower index
    twins = network([layer([[1, 2], [1, 2]], [1, 1], "maxout:2"), layer([[1]], [0], "identity")])
    assert [r.pattern for r in assert_same_as_exact(twins, box([-1, -1], [1, 1]))] == [((0,), ())]


def test_where_maxout_runs_on_the_float_path():
    unit = network([layer([[1, 0, 0], [0, 1, 0]], [0, 0], "maxout:2"), layer([[1]], [0], "identity")])
    assert filtered.applies(unit, box([-1] * 3, [1] * 3)) and filtered.applies(unit, all_space(3))
    wide = network([layer([[1]] * 128, [0] * 128, "maxout:128"), layer([[1]], [0], "identity")])
    assert not filtered.applies(wide, box([-1], [1]))  # states beyond int8
    assert count_regions(wide, box([-1], [1]))[0] == 1  # 128 equal rows: one cell (the exact engine)
