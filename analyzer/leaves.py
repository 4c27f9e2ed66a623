"""The leaves of the certified float traversal, kept as arrays; exact regions built from them on demand.

The float path (:mod:`analyzer.filtered`) hands every leaf it finds to a :class:`LeafStore`: its
activation pattern (one row of small integers, the states of every splitting layer
side by side), the root it came from, a float point meant to lie inside it, whether it is bounded
(1, 0, or -1 when floats could not tell) and its output map as floats with rigorous radii. Leaves
of subtrees that floats could not decide come from the exact engine as ready :class:`Region` s
(their boundedness certified from their exact forms as LP regions').

:meth:`LeafStore.region_set` sorts the leaves by pattern and returns a :class:`RegionSet` whose
regions are *deferred*: a region's exact data is built the first time it is asked for, from its
pattern through the one pull-back (:func:`analyzer.maps.pull_back`):

* forms: the domain's forms and the pattern's constraints; on 1-D and 2-D domains the exact
  interval or polygon (the root clipped by the constraints), whose edges are the forms;
* output map: the pattern's exact map;
* point: the float point taken exactly, when it makes every form strictly positive (checked in
  integers); else the exact shape's interior point, or one from an exact LP.

Counts, per-layer counts, bounded regions (where the floats told) and linear regions (whose float
maps tell most regions apart without any exact map; see :meth:`Hints.possibly_equal_maps`) need
none of that work.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from analyzer.maps import as_rational_map, pull_back
from analyzer.network import Network
from analyzer.regions import Hints, Path, Region, RegionSet, RunStatus
from geometry import planar
from geometry.certified_lp import boundedness, lp_region
from geometry.errors import DimensionMismatchError
from geometry.exact import cartesian, float_enclosure, is_constant
from geometry.polyhedron import from_forms, interior_point_homogeneous


class LeafStore:
    """Leaves of one float traversal of ``network`` on ``domain`` (see the module docstring);
    ``counter`` is the :class:`~analyzer.filtered.FilteredCount` that finds them (it knows the
    roots' exact shapes and the exact engine's shape module)."""

    def __init__(self, network: Network, domain, counter):
        self.network, self.domain, self.counter = network, domain, counter
        self.splitting = [layer for layer in network.layers if layer.activation.splits]
        self.widths = [layer.out_dim for layer in self.splitting]
        self.rows: list[np.ndarray] = []
        self.roots: list[np.ndarray] = []
        self.points: list[np.ndarray] = []
        self.bounded: list[np.ndarray] = []
        self.maps: list[np.ndarray] = []
        self.radii: list[np.ndarray] = []
        self.exact: dict[int, Region] = {}  # leaf number -> a region of the exact engine
        self.size = 0
        self.memo: dict = {}

    def add(self, root: int, prefix: np.ndarray, states: np.ndarray, hints: tuple[np.ndarray, np.ndarray],
            maps: np.ndarray, radii: np.ndarray) -> None:
        """Leaves sharing the states ``prefix`` of the layers above, one per row of ``states``."""
        m, k = len(maps), len(prefix)
        rows = np.empty((m, k + states.shape[1]), np.int8)
        rows[:, :k] = prefix
        rows[:, k:] = states
        self.rows.append(rows)
        self.roots.append(np.full(m, root, np.int32))
        self.points.append(hints[0])
        self.bounded.append(hints[1])
        cols = self.domain.dim + 1  # a 1-D domain's float forms have a column for the strip's y: zero
        self.maps.append(maps[:, :, :cols].reshape(m, -1))
        self.radii.append(radii[:, :, :cols].reshape(m, -1))
        self.size += m

    def add_region(self, region: Region) -> None:
        """A leaf of a subtree the exact engine refined."""
        row = [s for p, layer in zip(region.pattern, self.network.layers) if layer.activation.splits for s in p]
        M, c = region.output_map
        flat = [v for i in range(len(c)) for v in (c[i], *M[i])]
        try:
            maps, radii = float_enclosure(flat)
        except OverflowError:  # beyond the float range: [-inf, inf] encloses it, so only exact maps compare
            maps, radii = np.zeros(len(flat)), np.full(len(flat), np.inf)
        self.exact[self.size] = region
        self.rows.append(np.array([row], np.int8).reshape(1, sum(self.widths)))
        self.roots.append(np.full(1, -1, np.int32))
        self.points.append(np.full((1, self.domain.dim), np.nan))
        self.bounded.append(np.full(1, 1 if self.domain.bounded else _certified_bounded(region), np.int8))
        self.maps.append(maps.reshape(1, -1))
        self.radii.append(radii.reshape(1, -1))
        self.size += 1

    def mark(self) -> tuple[int, int]:
        """A moment of the store, to :meth:`rollback` to."""
        return len(self.rows), self.size

    def rollback(self, mark: tuple[int, int]) -> None:
        """Forget the leaves added since ``mark``."""
        parts, size = mark
        for key in ("rows", "roots", "points", "bounded", "maps", "radii"):
            del getattr(self, key)[parts:]
        for leaf in [leaf for leaf in self.exact if leaf >= size]:
            del self.exact[leaf]
        self.size = size

    def payload(self) -> dict:
        """The leaves as picklable arrays and exact regions, for :meth:`merge`."""
        out = {key: getattr(self, key) for key in ("rows", "roots", "points", "bounded", "maps", "radii")}
        return {**out, "exact": self.exact, "size": self.size}

    def merge(self, payload: dict) -> None:
        """Add the leaves of another store's :meth:`payload` (order does not matter: the
        regions are sorted by pattern)."""
        for key in ("rows", "roots", "points", "bounded", "maps", "radii"):
            getattr(self, key).extend(payload[key])
        self.exact.update({self.size + leaf: region for leaf, region in payload["exact"].items()})
        self.size += payload["size"]

    def region_set(self, per_layer: tuple[int, ...], status: RunStatus) -> RegionSet:
        """The leaves as a :class:`RegionSet`, sorted by pattern, with their float hints."""
        cols = sum(self.widths)
        rows = np.vstack(self.rows) if self.rows else np.empty((0, cols), np.int8)
        order = np.lexsort(rows.T[::-1]) if cols else np.arange(len(rows))
        width = self.maps[0].shape[1] if self.maps else 0

        def stacked(parts, shape, dtype):
            return np.concatenate(parts)[order] if parts else np.empty(shape, dtype)

        self.sorted_rows = rows[order]
        self.sorted_roots = stacked(self.roots, 0, np.int32)
        self.sorted_points = stacked(self.points, (0, self.domain.dim), float)
        self.sorted_exact = {int(position): self.exact[int(leaf)] for position, leaf in enumerate(order)
                             if int(leaf) in self.exact}
        hints = Hints(stacked(self.maps, (0, width), float), stacked(self.radii, (0, width), float),
                      stacked(self.bounded, 0, np.int8))
        return RegionSet(DeferredRegions(self), per_layer, self.domain.bounded, False, status, hints, Path.FLOAT,
                         network=self.network, domain=self.domain)

    def pattern(self, i: int) -> tuple[tuple[int, ...], ...]:
        """Sorted leaf ``i``'s pattern, as the engine writes patterns."""
        row, start, out = self.sorted_rows[i].tolist(), 0, []
        splitting = iter(self.widths)
        for layer in self.network.layers:
            if not layer.activation.splits:
                out.append(())
                continue
            width = next(splitting)
            states = row[start:start + width]
            start += width
            out.append(tuple(states))
        return tuple(out)

    def build(self, i: int, pattern) -> tuple:
        """Sorted leaf ``i``'s exact ``(forms, point, output_map, shape)`` (see the module docstring)."""
        constraints, P = pull_back(self.network, self.domain, pattern, self.memo)
        pulled = list(dict.fromkeys(form for _, form in constraints if not is_constant(form)))  # in pull_back's order
        shape = None
        if self.domain.dim <= 2:
            shapes = self.counter.shapes
            shape = self.counter.root_shape(int(self.sorted_roots[i]))
            if self.domain.dim == 2:  # exact clips by the forms floats cannot prove >= 0 only
                shape = planar.clip_all(shape, pulled, self.sorted_points[i])
            else:
                for form in pulled:
                    shape = shape if shape is None else shapes.clip(shape, form)
            if shape is None:
                raise AssertionError(f"the float path's region {pattern} is empty in exact arithmetic")
            kept = [f for f in shape.edges if not is_constant(f)]  # not the line at infinity
        else:
            kept = [*self.domain.region.forms, *pulled]
        forms = tuple(sorted(set(kept)))
        point = _checked_point(self.sorted_points[i], forms)
        if point is None:
            inside = shapes.interior_point(shape) if shape is not None else interior_point_homogeneous(
                from_forms(forms, self.domain.dim))
            if inside is None:
                raise AssertionError(f"the float path's region {pattern} has no interior in exact arithmetic")
            point = cartesian(inside)
        if shape is not None and self.domain.dim == 2 and not planar.is_bounded(shape):
            shape = None  # as the exact engine: unbounded polygons are not kept as shapes
        return forms, point, as_rational_map(P), shape


class ExactLeaves:
    """The leaves of a traversal that the exact engine refines alone (``exact=True``, maxout, a
    domain the float path cannot start on): ready exact regions, with the sink interface of
    :class:`LeafStore` (``add_region``, ``mark``, ``rollback``, ``payload``, ``merge``,
    ``region_set``)."""

    def __init__(self, network: Network, domain, exact: bool, path: Path):
        self.network, self.domain, self.exact, self.path = network, domain, exact, path
        self.regions: list[Region] = []

    def add_region(self, region: Region) -> None:
        self.regions.append(region)

    def mark(self) -> int:
        return len(self.regions)

    def rollback(self, mark: int) -> None:
        del self.regions[mark:]

    def payload(self) -> dict:
        return {"regions": self.regions}

    def merge(self, payload: dict) -> None:
        self.regions.extend(payload["regions"])

    def region_set(self, per_layer: tuple[int, ...], status: RunStatus) -> RegionSet:
        """The regions as a :class:`RegionSet`, sorted by pattern."""
        regions = sorted(self.regions, key=lambda r: r.pattern)
        return RegionSet(regions, per_layer, self.domain.bounded, self.exact, status, path=self.path,
                         network=self.network, domain=self.domain)


def _certified_bounded(region: Region) -> int:
    """An exact region's boundedness certified as an LP region's (1, 0, or -1 where it is not:
    :func:`geometry.certified_lp.boundedness`), from its exact forms and its point rounded to
    floats; -1 when that float is not strictly inside."""
    forms = [f for f in region.forms if not is_constant(f)]
    try:
        return boundedness(lp_region(forms, np.array([float(v) for v in region.point])))
    except DimensionMismatchError:
        return -1


def _checked_point(hint: np.ndarray, forms) -> tuple[Fraction, ...] | None:
    """The float point taken exactly, when every form is strictly positive there (integer test on
    the point's common binary denominator), else None."""
    if not np.all(np.isfinite(hint)):
        return None
    exact = [Fraction(float(v)) for v in hint]
    scale = math.lcm(*(v.denominator for v in exact))
    X = [scale, *(int(v * scale) for v in exact)]
    if all(sum(f * x for f, x in zip(form, X)) > 0 for form in forms):
        return tuple(exact)
    return None


class DeferredRegions(Sequence):
    """The regions of a :class:`LeafStore`, in pattern order, made when first indexed."""

    def __init__(self, store: LeafStore):
        self.store = store
        self.made: list[Region | None] = [None] * len(store.sorted_rows)

    def __len__(self) -> int:
        return len(self.made)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = range(len(self))[i]
        region = self.made[i]
        if region is None:
            store = self.store
            region = store.sorted_exact.get(i)
            if region is None:
                pattern = store.pattern(i)
                region = Region.deferred(pattern, store.domain.dim, lambda: store.build(i, pattern))
            self.made[i] = region
        return region
