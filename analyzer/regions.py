"""Regions of a network and the set of them.

An *activation region* is the interior of the closure of ``{x in D : pattern(x) = s}``, counted when
it is full-dimensional in the domain's parameter space; it is a convex polyhedron on which the
network is one affine map. A *linear region* is a maximal connected union of activation regions whose
exact affine output maps agree; two activation regions are joined when they share an
(n-1)-dimensional face. Per-layer counts are the activation regions of layers 1..l.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction
from functools import cached_property

import networkx as nx

from geometry.exact import AffineForm, negate
from geometry.polyhedron import (
    HPolyhedron,
    common_facet,
    facets,
    from_forms,
    generators,
    is_bounded,
    volume,
)

AffineMap = tuple[tuple[tuple[Fraction, ...], ...], tuple[Fraction, ...]]


@dataclass(frozen=True, eq=False)
class Region:
    """One activation region, in the domain's parameter coordinates.

    ``forms`` define it as ``{f >= 0}`` (possibly with redundant forms; :meth:`facets` gives the
    irredundant ones); ``point`` is an exact interior point; ``output_map`` is ``(M, c)`` with network
    output ``M u + c`` on the region."""

    pattern: tuple[tuple[int, ...], ...]
    forms: tuple[AffineForm, ...]
    point: tuple[Fraction, ...]
    output_map: AffineMap
    dim: int

    @cached_property
    def polyhedron(self) -> HPolyhedron:
        return from_forms(self.forms, self.dim)

    def facets(self) -> tuple[AffineForm, ...]:
        """The irredundant forms (one per facet)."""
        return facets(self.polyhedron)

    def is_bounded(self) -> bool:
        return is_bounded(self.polyhedron)

    def vertices(self) -> tuple[tuple[Fraction, ...], ...]:
        return generators(self.polyhedron).vertices

    def volume(self) -> Fraction:
        """Exact volume (the region must be bounded)."""
        return volume(self.polyhedron)


class RunStatus(Enum):
    """How an enumeration ended; anything but COMPLETE means the counts are partial (lower bounds)."""

    COMPLETE = "complete"
    MAX_REGIONS = "stopped at the region budget"
    TIME_LIMIT = "stopped at the time limit"
    INTERRUPTED = "interrupted"


@dataclass
class RegionSet:
    """All activation regions of a network in a domain, with per-layer counts (or, when ``status`` is
    not COMPLETE, the regions found before the run stopped)."""

    regions: list[Region]
    per_layer: tuple[int, ...]
    domain_bounded: bool
    exact: bool = False
    status: RunStatus = RunStatus.COMPLETE
    _graph: nx.Graph | None = field(default=None, repr=False)

    @property
    def complete(self) -> bool:
        return self.status is RunStatus.COMPLETE

    def __len__(self) -> int:
        return len(self.regions)

    def __iter__(self):
        return iter(self.regions)

    @property
    def activation_regions(self) -> int:
        return len(self.regions)

    @cached_property
    def bounded_regions(self) -> int:
        if self.domain_bounded:
            return len(self.regions)
        return sum(r.is_bounded() for r in self.regions)

    def adjacency(self, same_map_only: bool = False) -> nx.Graph:
        """Regions (by index) joined when they share an (n-1)-dimensional face.

        Candidate pairs are regions with a form and its negation among their defining forms (every
        common facet is such a pair); each candidate is decided by one certified LP in the hyperplane.
        ``same_map_only`` restricts to pairs with equal output maps (what linear regions need)."""
        graph = nx.Graph()
        graph.add_nodes_from(range(len(self.regions)))
        groups: dict[object, list[int]] = defaultdict(list)
        for i, r in enumerate(self.regions):
            groups[r.output_map if same_map_only else None].append(i)
        for members in groups.values():
            holders: dict[AffineForm, list[int]] = defaultdict(list)
            for i in members:
                for f in self.regions[i].forms:
                    holders[f].append(i)
            tested = set()
            for i in members:
                for f in self.regions[i].forms:
                    for j in holders.get(negate(f), ()):
                        pair = (min(i, j), max(i, j))
                        if pair in tested:
                            continue
                        tested.add(pair)
                        a, b = self.regions[pair[0]], self.regions[pair[1]]
                        if common_facet(a.forms, b.forms, a.dim, exact=self.exact) is not None:
                            graph.add_edge(*pair)
        return graph

    def dual_graph(self) -> nx.Graph:
        """The dual graph: a node per activation region, an edge per shared facet (cached)."""
        if self._graph is None:
            self._graph = self.adjacency()
        return self._graph

    @cached_property
    def linear_region_labels(self) -> tuple[int, ...]:
        """For each activation region, the index of its linear region (0, 1, ... in order of first region)."""
        graph = self.adjacency(same_map_only=True)
        labels = [0] * len(self.regions)
        components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: c[0])
        for label, component in enumerate(components):
            for i in component:
                labels[i] = label
        return tuple(labels)

    @property
    def linear_regions(self) -> int:
        return len(set(self.linear_region_labels)) if self.regions else 0
