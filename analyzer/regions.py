"""Regions of a network and the set of them.

An *activation region* is the interior of the closure of ``{x in D : pattern(x) = s}``, counted when
it is full-dimensional in the domain's parameter space; it is a convex polyhedron on which the
network is one affine map. A *linear region* is a maximal connected union of activation regions whose
exact affine output maps agree; two activation regions are joined when they share an
(n-1)-dimensional face. Per-layer counts are the activation regions of layers 1..l.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from geometry import interval, planar
from geometry.errors import UnboundedError
from geometry.exact import AffineForm
from geometry.interval import Interval
from geometry.planar import Polygon
from geometry.polyhedron import (
    HPolyhedron,
    faces,
    facets,
    from_forms,
    generators,
    is_bounded,
    volume,
)

if TYPE_CHECKING:
    import networkx as nx

    from analyzer.domain import Domain
    from analyzer.network import Network


@dataclass(frozen=True)
class FVector:
    """Faces per dimension (vertices first), their Euler characteristic, and whether it is 1."""

    counts: tuple[int, ...]
    euler_characteristic: int
    face_to_face: bool


AffineMap = tuple[tuple[tuple[Fraction, ...], ...], tuple[Fraction, ...]]


class Region:
    """One activation region, in the domain's parameter coordinates.

    ``forms`` define it as ``{f >= 0}`` (possibly with redundant forms; :meth:`facets` gives the
    irredundant ones); ``point`` is an exact interior point; ``output_map`` is ``(M, c)`` with network
    output ``M u + c`` on the region. ``shape`` is the exact interval or polygon of the 1-D/2-D fast
    path (:mod:`geometry.interval`, :mod:`geometry.planar`), whose edges are exactly its facets.

    A region found on the certified float path is *deferred*: it knows its pattern, and its exact
    data (forms, point, map, shape) are built from the pattern the first time one is asked for
    (see :mod:`analyzer.leaves`)."""

    def __init__(self, pattern: tuple[tuple[int, ...], ...], forms: tuple[AffineForm, ...],
                 point: tuple[Fraction, ...], output_map: AffineMap, dim: int,
                 shape: Interval | Polygon | None = None):
        self.pattern, self.dim = pattern, dim
        self._exact: tuple | None = (forms, point, output_map, shape)
        self._build: Callable[[], tuple] | None = None

    @classmethod
    def deferred(cls, pattern: tuple[tuple[int, ...], ...], dim: int, build: Callable[[], tuple]) -> "Region":
        """A region whose ``(forms, point, output_map, shape)`` ``build()`` makes when first needed."""
        region = cls.__new__(cls)
        region.pattern, region.dim, region._exact, region._build = pattern, dim, None, build
        return region

    def _data(self) -> tuple:
        if self._exact is None:
            assert self._build is not None  # a deferred region keeps its builder until it is used
            self._exact, self._build = self._build(), None
        return self._exact

    @property
    def forms(self) -> tuple[AffineForm, ...]:
        return self._data()[0]

    @property
    def point(self) -> tuple[Fraction, ...]:
        return self._data()[1]

    @property
    def output_map(self) -> AffineMap:
        return self._data()[2]

    @property
    def shape(self) -> Interval | Polygon | None:
        return self._data()[3]

    def __repr__(self) -> str:
        return f"Region(pattern={self.pattern!r}, dim={self.dim})"

    @cached_property
    def polyhedron(self) -> HPolyhedron:
        return from_forms(self.forms, self.dim)

    def facets(self) -> tuple[AffineForm, ...]:
        """The irredundant forms (one per facet)."""
        return self.forms if self.shape is not None else facets(self.polyhedron)

    def is_bounded(self) -> bool:
        return is_bounded(self.polyhedron)

    def vertices(self) -> tuple[tuple[Fraction, ...], ...]:
        return generators(self.polyhedron).vertices

    def volume(self) -> Fraction:
        """Exact volume (the region must be bounded)."""
        if isinstance(self.shape, Polygon):
            return planar.area(self.shape)
        if isinstance(self.shape, Interval):
            return interval.length(self.shape)
        return volume(self.polyhedron)


class RunStatus(Enum):
    """How an enumeration ended; anything but COMPLETE means the counts are partial (lower bounds)."""

    COMPLETE = "complete"
    MAX_REGIONS = "stopped at the region budget"
    TIME_LIMIT = "stopped at the time limit"
    INTERRUPTED = "interrupted"


class Path(Enum):
    """Which arithmetic decided a run's regions (every path gives the exact answer)."""

    FLOAT = "certified float path (exact arithmetic where floats could not decide)"
    EXACT_ENGINE = "exact engine (integer polygons and intervals, certified LPs)"
    EXACT_LP = "exact engine, every LP in rational arithmetic"


@dataclass(frozen=True)
class Hints:
    """What the certified float path knows of each region, in the order of the regions: its
    output map as floats ``maps`` (one row per region, the map's entries flattened) with radii
    ``radii`` bounding the distance to the exact entries, and ``bounded`` (1 bounded, 0 unbounded,
    -1 not known)."""

    maps: np.ndarray
    radii: np.ndarray
    bounded: np.ndarray

    def possibly_equal_maps(self) -> list[np.ndarray]:
        """Clusters of regions (arrays of indices, each of two or more) such that regions in
        different clusters, or in none, have different exact maps: their enclosures
        ``[map - radius, map + radius]``, rounded outwards, are disjoint in some entry. Found one
        entry at a time, by sorting a cluster's intervals and cutting it where no interval reaches
        past the gap (O(n log n) per entry)."""
        lo = np.nextafter(self.maps - self.radii, -np.inf)
        hi = np.nextafter(self.maps + self.radii, np.inf)
        clusters = [np.arange(len(self.maps))]
        for entry in range(self.maps.shape[1]):
            refined: list[np.ndarray] = []
            for cluster in clusters:
                order = cluster[np.argsort(lo[cluster, entry], kind="stable")]
                reach = np.maximum.accumulate(hi[order, entry])
                gaps = np.flatnonzero(lo[order[1:], entry] > reach[:-1]) + 1
                refined.extend(part for part in np.split(order, gaps) if len(part) > 1)
            clusters = refined
        return clusters


@dataclass
class RegionSet:
    """All activation regions of a network in a domain, with per-layer counts (or, when ``status`` is
    not COMPLETE, the regions found before the run stopped). ``network`` and ``domain``, when
    given, let :mod:`analyzer.adjacency` find each region's neighbours by pattern lookup."""

    regions: Sequence[Region]
    per_layer: tuple[int, ...]
    domain_bounded: bool
    exact: bool = False
    status: RunStatus = RunStatus.COMPLETE
    hints: Hints | None = field(default=None, repr=False)
    path: Path = Path.EXACT_ENGINE
    _graph: nx.Graph | None = field(default=None, repr=False)
    network: Network | None = field(default=None, repr=False)
    domain: Domain | None = field(default=None, repr=False)

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
        count = self.count_bounded()
        assert count is not None  # no deadline
        return count

    def count_bounded(self, deadline: float | None = None) -> int | None:
        """:attr:`bounded_regions`, or None when ``deadline`` (a :func:`time.monotonic` value)
        passes first. Regions whose floats did not tell (``hints``) are decided exactly, one by one."""
        if "bounded_regions" in self.__dict__:
            return self.__dict__["bounded_regions"]
        count = len(self.regions)
        if not self.domain_bounded:
            undecided = range(len(self.regions)) if self.hints is None else np.flatnonzero(self.hints.bounded < 0)
            count = 0 if self.hints is None else int((self.hints.bounded == 1).sum())
            for i in undecided:
                if deadline is not None and time.monotonic() > deadline:
                    return None
                count += self.regions[int(i)].is_bounded()
        self.__dict__["bounded_regions"] = count
        return count

    def adjacency(self) -> nx.Graph:
        """Regions (by index) joined when they share an (n-1)-dimensional face: candidates by
        pattern lookup, each decided by an exact or certified LP (:mod:`analyzer.adjacency`)."""
        from analyzer.adjacency import adjacency_graph
        return adjacency_graph(self)

    def dual_graph(self) -> nx.Graph:
        """The dual graph: a node per activation region, an edge per shared facet (cached)."""
        if self._graph is None:
            self._graph = self.adjacency()
        return self._graph

    @cached_property
    def linear_region_labels(self) -> tuple[int, ...]:
        """For each activation region, the index of its linear region (0, 1, ... in order of first region)."""
        labels = self.merge_linear_regions()
        assert labels is not None  # no deadline
        return labels

    def merge_linear_regions(self, deadline: float | None = None,
                             progress: Callable[[int], None] | None = None) -> tuple[int, ...] | None:
        """:attr:`linear_region_labels`, or None when ``deadline`` (a :func:`time.monotonic` value)
        passes first; ``progress`` is called with the number of regions done in each pass, every 256
        (:func:`analyzer.adjacency.linear_region_labels`)."""
        if "linear_region_labels" in self.__dict__:
            return self.__dict__["linear_region_labels"]
        from analyzer.adjacency import linear_region_labels
        labels = linear_region_labels(self, deadline=deadline, progress=progress)
        if labels is not None:
            self.__dict__["linear_region_labels"] = labels
        return labels

    def f_vector(self) -> FVector:
        """Numbers of faces of each dimension of the subdivision of a bounded domain into regions.

        Faces are those of the regions, identified by their exact vertex sets. The Euler
        characteristic ``sum (-1)^k f_k`` of a face-to-face subdivision of a convex domain is 1;
        when it is not, some region's face meets a neighbour's face in part only (a T-junction, as
        where a unit is constant on one side of a boundary and not on the other), and the numbers
        count the regions' own faces."""
        if not self.domain_bounded:
            raise UnboundedError("the f-vector is computed on bounded domains only")
        seen: set[frozenset] = set()
        counts = [0] * (self.regions[0].dim + 1 if self.regions else 1)
        for region in self.regions:
            for dimension, vertex_set in faces(region.polyhedron):
                if vertex_set not in seen:
                    seen.add(vertex_set)
                    counts[dimension] += 1
        euler = sum((-1) ** k * f for k, f in enumerate(counts))
        return FVector(tuple(counts), euler, euler == 1)

    def to_json(self) -> dict:
        """Counts and every region (pattern, exact interior point, defining forms, output map), with
        rationals as "p/q" strings."""
        return {
            "activation_regions": self.activation_regions,
            "linear_regions": self.linear_regions,
            "bounded_regions": self.bounded_regions,
            "per_layer": list(self.per_layer),
            "status": self.status.value,
            "regions": [{
                "pattern": [list(s) for s in r.pattern],
                "point": [str(v) for v in r.point],
                "forms": [list(map(str, f)) for f in r.forms],
                "output_map": {"matrix": [[str(v) for v in row] for row in r.output_map[0]],
                               "offset": [str(v) for v in r.output_map[1]]},
                "linear_region": label,
            } for r, label in zip(self.regions, self.linear_region_labels)],
        }

    @property
    def linear_regions(self) -> int:
        return len(set(self.linear_region_labels)) if self.regions else 0

    def to_shapely(self, *, linear: bool = False) -> list:
        """shapely polygons of a 2-D partition (:func:`analyzer.geojson.to_shapely`)."""
        from analyzer.geojson import to_shapely
        return to_shapely(self, linear=linear)
