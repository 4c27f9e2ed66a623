"""Which activation regions share a facet: candidates found by pattern lookup, decided exactly.

Two activation regions R and R' are *adjacent* when their closures meet in an (n-1)-dimensional
set G. Then G lies in one hyperplane H = {h = 0}, h a form of R and -h a form of R' (every facet of
a region lies on one of its forms). Adjacent regions with equal exact output maps make up the linear
regions (:class:`analyzer.regions.RegionSet`).

A unit's *threshold forms* are the affine functions whose sign gives its state
(:attr:`analyzer.activations.Activation.thresholds`: ``z`` for ReLU, leaky ReLU and abs, ``z + 1``
and ``z - 1`` for hard-tanh, ``z_a - z_b`` (a < b) for maxout), computed under a region's pattern.
A unit is *free at H* (for a region) when one of its threshold forms vanishes on all of H: it is
zero, or a nonzero multiple of h. Otherwise it is *pinned*.

Lemma (the regions across a facet). If R and R' are adjacent across H, the two give the same free
units at H, and every pinned unit has the same state in R and in R'.

Proof: every pre-activation is a continuous function of the input; on closure(R) it is the affine
function of R's pattern, on closure(R') that of R''s, so the two agree on G, and G being open in
H, their restrictions to H are equal. Whether a threshold form vanishes on H is read off that
restriction, so the free units agree. A pinned unit's threshold forms are nonzero on H off finitely
many lower-dimensional sets; at a point x of G off all of them, every such form is nonzero, and the
points of R and of R' near x see the same signs, hence the same state (maxout: distinct values, one
argmax). QED.

Also, some unit of R has a threshold form that is a nonzero multiple of h: in the first layer where
R and R' differ, the units' pre-activations are one affine function for both (same states above),
and a unit whose state differs has a threshold form that is not zero (a zero form leaves the state to
the tie order, the same for both) and is positive on one of R, R' and not on the other: it is zero
on G, a nonzero multiple of h. A hyperplane of R without such a unit borders no other region.

So the key ``(H, pattern with the free units masked)`` is the same for R (with h) and R' (with -h),
and every adjacent pair is in one bucket of that key. No neighbour is picked per facet: every
region of the bucket across H is a candidate, so the edge set is complete whatever the facets'
shapes (T-junctions, where a facet of R would meet several regions across H, included). Each
candidate pair is decided by :func:`geometry.polyhedron.facet_witness` (an LP on H, certified or in
rational arithmetic): no tolerance decides an edge.

Cost: per region, its forms times its units to make the keys (threshold forms are computed once
per pattern prefix), and an LP per candidate pair; for generic nets that is one candidate per
facet. A region set that does not know its network (``network=None``) has every unit free: the
candidates are then all pairs holding h and -h, quadratic in the worst case.

Linear regions compare only regions whose exact maps are equal (those the float maps could not
already tell apart, :meth:`analyzer.regions.Hints.possibly_equal_maps`) and skip pairs already
joined; a ``deadline`` (a :func:`time.monotonic` value) stops the merging, and ``progress`` is
called every 256 regions with the number done in each of the two passes (exact maps compared,
then facets keyed and decided).
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from analyzer.activations import unit_form
from analyzer.maps import pull_back
from analyzer.network import Network, unit_groups
from geometry.exact import AffineForm, hyperplane_key, is_constant, primitive_ints
from geometry.polyhedron import facet_witness

if TYPE_CHECKING:
    import networkx as nx

    from analyzer.domain import Domain
    from analyzer.regions import Region, RegionSet


class DeadlinePassed(Exception):
    """The merging's deadline passed before it was done (caught by the callers in this module)."""


def adjacency_graph(regions: RegionSet) -> nx.Graph:
    """Regions (by index) joined when they share an (n-1)-dimensional face (see the module docstring)."""
    import networkx as nx
    graph = nx.Graph()
    graph.add_nodes_from(range(len(regions)))
    graph.add_edges_from(_edges(regions, [range(len(regions))], joined=None, deadline=None, progress=None))
    return graph


def linear_region_labels(regions: RegionSet, *, deadline: float | None = None,
                         progress: Callable[[int], None] | None = None) -> tuple[int, ...] | None:
    """For each activation region, the index of its linear region (0, 1, ... in order of first
    region), or None when ``deadline`` passes first."""
    n = len(regions)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def joined(i: int, j: int) -> bool:
        return find(i) == find(j)

    try:
        for i, j in _edges(regions, _equal_map_groups(regions, deadline, progress), joined, deadline, progress):
            parent[find(i)] = find(j)
    except DeadlinePassed:
        return None
    labels: dict[int, int] = {}
    return tuple(labels.setdefault(find(i), len(labels)) for i in range(n))


def _check(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise DeadlinePassed


def _equal_map_groups(regions: RegionSet, deadline: float | None,
                      progress: Callable[[int], None] | None) -> list[list[int]]:
    """Groups of two or more regions with equal exact output maps; any two regions with equal maps
    are in one group. The exact maps compared are those of regions whose float maps do not prove
    them different from every other region's."""
    clusters = [range(len(regions))] if regions.hints is None else regions.hints.possibly_equal_maps()
    groups: list[list[int]] = []
    done = 0
    for cluster in clusters:
        by_map: dict[object, list[int]] = defaultdict(list)
        for i in cluster:
            _check(deadline)
            by_map[regions.regions[i].output_map].append(int(i))
            done += 1
            if progress is not None and done % 256 == 0:
                progress(done)
        groups.extend(members for members in by_map.values() if len(members) > 1)
    return groups


def _edges(regions: RegionSet, groups, joined: Callable[[int, int], bool] | None, deadline: float | None,
           progress: Callable[[int], None] | None) -> Iterator[tuple[int, int]]:
    """Adjacent pairs within each group, each decided when the later of the two is reached;
    ``joined(i, j)`` True skips a pair (its regions are already connected)."""
    network, domain = regions.network, regions.domain
    prefixes: dict = {}
    memo: dict = {}
    done = 0
    for group in groups:
        sides: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))
        for i in group:
            _check(deadline)
            region = regions.regions[i]
            for h, masked, orientation, form in _facet_keys(region, network, domain, prefixes, memo):
                mine, across = sides[h, masked] if orientation > 0 else sides[h, masked][::-1]
                for j in across:
                    if joined is not None and joined(i, j):
                        continue
                    _check(deadline)
                    other = regions.regions[j]
                    if facet_witness(region.forms, other.forms, form, region.dim, exact=regions.exact) is not None:
                        yield j, i
                mine.append(i)
            done += 1
            if progress is not None and done % 256 == 0:
                progress(done)


def _facet_keys(region: Region, network: Network | None, domain: Domain | None, prefixes: dict, memo: dict
                ) -> Iterator[tuple[AffineForm, tuple | None, int, AffineForm]]:
    """``(hyperplane key h, masked pattern, orientation, form)`` for each form of the region that
    can be a facet shared with another region (see the module docstring); the masked pattern is
    None without a network (every unit free)."""
    if network is None or domain is None:
        for form in region.forms:
            if not is_constant(form):
                h, orientation = hyperplane_key(form)
                yield h, None, orientation, form
        return
    flat = [s for states in region.pattern for s in states]
    zero: set[int] = set()
    planes: dict[AffineForm, set[int]] = defaultdict(set)
    offset = 0
    for depth, states in enumerate(region.pattern):
        if not network.layers[depth].activation.splits:
            continue
        head = region.pattern[:depth]
        if head not in prefixes:
            prefixes[head] = _threshold_planes(network, domain, head, memo)
        zeros, layer_planes = prefixes[head]
        zero.update(offset + u for u in zeros)
        for h, u in layer_planes:
            planes[h].add(offset + u)
        offset += len(states)
    for form in region.forms:
        if is_constant(form):
            continue
        h, orientation = hyperplane_key(form)
        units = planes.get(h)
        if units is None:  # no region across H (see the module docstring)
            continue
        free = zero | units
        yield h, tuple(None if k in free else s for k, s in enumerate(flat)), orientation, form


def _threshold_planes(network: Network, domain: Domain, head, memo: dict
                      ) -> tuple[tuple[int, ...], tuple[tuple[AffineForm, int], ...]]:
    """Layer ``len(head) + 1`` under the states ``head`` of the layers above: the units with a
    threshold form that is zero, and ``(hyperplane key, unit)`` for each nonconstant threshold form."""
    layer = network.layers[len(head)]
    P = pull_back(network, domain, head, memo)[1]
    one, *rows = [[int(v) for v in row] for row in (layer.lifted * P).tolist()]  # row 0: the constant 1, scaled
    zeros: list[int] = []
    planes: list[tuple[AffineForm, int]] = []
    for u, group in enumerate(unit_groups(layer)):
        for threshold in layer.activation.thresholds:
            form = unit_form(threshold, [rows[i] for i in group], one)
            if not any(form):
                zeros.append(u)
            elif any(form[1:]):
                planes.append((hyperplane_key(primitive_ints(form))[0], u))
    return tuple(zeros), tuple(planes)
