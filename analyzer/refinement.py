"""The exact engine: a network's activation regions in a domain refined layer by layer, exactly.

Each region of layers 1..l carries its geometry and the exact affine map from parameter coordinates
to layer l's outputs. Maps are homogeneous integer matrices ``P`` of shape (n + 1) x (k + 1): row 0
is ``(D, 0, ..., 0)`` and row i + 1 holds ``D`` times (constant, coefficients) of output i as an
affine function of the parameters; ``layer.lifted * P`` (see :attr:`analyzer.network.Layer.lifted`)
is the pre-activations' map at a larger scale, so no fraction appears and the sign of a form is
the sign of its integer row. Layer l+1's pre-activations pulled back through
that map are affine forms on the region; each unit proposes the open convex pieces of its states
(ReLU-like: ``z > 0`` and ``z < 0``; hard-tanh: ``z < -1``, ``-1 < z < 1``, ``z > 1``; maxout: the
open argmax cells ``z_a > z_b``), and :func:`geometry.partition.meeting_pieces` keeps those that meet
the region, with a witness point. A unit constant on a region proposes one piece, its state read
from the constant (:meth:`analyzer.activations.Activation.state_at`).

This module splits one node into its children (:meth:`Refinement.children`); the depth-first
traversal that drives it, alone or below the certified float path's nodes, is
:mod:`analyzer.traversal`.
"""
from __future__ import annotations

import types
from typing import Any, NamedTuple

import flint

from analyzer.domain import Domain
from analyzer.maps import as_rational_map, embedding, first_layer_orthants, next_map, unit_pieces
from analyzer.network import Layer, Network, unit_groups
from analyzer.regions import Region
from geometry import interval as interval_geometry, planar as planar_geometry
from geometry.exact import cartesian, is_constant
from geometry.partition import meeting_pieces
from geometry.polyhedron import require_full_dimensional


class ExactNode(NamedTuple):
    """A node of the exact refinement: a region of layers 1..``depth``, its ``pattern`` (one tuple
    of unit states per layer), its ``geometry`` (see :class:`Refinement`) and its homogeneous
    integer map ``P`` (a flint matrix; pickled as plain integers, so nodes can be saved in a
    checkpoint or sent to a worker)."""

    depth: int
    pattern: tuple
    geometry: Any
    P: flint.fmpz_mat

    def __reduce__(self):
        P = self.P
        return _node, (self.depth, self.pattern, self.geometry, P.nrows(), P.ncols(), [int(v) for v in P.entries()])


def _node(depth: int, pattern: tuple, geometry: object, rows: int, cols: int, entries: list[int]) -> ExactNode:
    return ExactNode(depth, pattern, geometry, flint.fmpz_mat(rows, cols, entries))


class Refinement:
    """How one network's regions in one domain are refined. A node is an :class:`ExactNode`: a
    region of layers 1..depth with its geometry and its homogeneous integer map.

    Geometry: an exact interval or polygon on bounded 1-D and 2-D domains (:mod:`geometry.interval`,
    :mod:`geometry.planar`); on unbounded 2-D domains also a polygon, with generators at infinity,
    when the first layer is ReLU-like with two non-parallel units: the plane is cut into the four
    pointed quadrants of those two units, which are boundaries of the partition anyway; otherwise
    ``(forms, interior point)``, split by certified LPs."""

    def __init__(self, network: Network, domain: Domain, exact: bool):
        self.network, self.domain, self.dim = network, domain, domain.dim
        start = require_full_dimensional(domain.region)
        self.weights = [layer.lifted for layer in network.layers]
        self.quadrants = None if exact or self.dim != 2 or domain.bounded else self._quadrants()
        self.shaped = (self.dim in (1, 2) and domain.bounded and not exact) or self.quadrants is not None
        self.split: _ShapeSplitter | _LPSplitter
        self.start: object
        self.module: types.ModuleType | None = None  # the exact shapes' module (intervals or polygons), or None: LPs
        if self.shaped:
            self.module = module = interval_geometry if self.dim == 1 else planar_geometry
            self.split = _ShapeSplitter(module)
            if self.quadrants is not None:
                self.start = None
            else:
                self.start = module.interval(domain.region) if self.dim == 1 else module.polygon(domain.region)
        else:
            self.split, self.start = _LPSplitter(self.dim, exact), (list(domain.region.forms), start)

    def _quadrants(self) -> list | None:
        """The four quadrants of two first-layer hyperplanes with independent normals, cut to the
        domain (None when there are none: see :func:`analyzer.maps.first_layer_orthants`)."""
        orthants = first_layer_orthants(self.network, self.domain, 2)
        if orthants is None:
            return None
        shapes = []
        for (u, v), _ in orthants:
            shape: planar_geometry.Polygon | None = planar_geometry.quadrant(u, v)
            for f in self.domain.region.forms:
                shape = None if shape is None else planar_geometry.clip(shape, f)
            if shape is not None:
                shapes.append(shape)
        return shapes

    def root(self) -> ExactNode:
        return ExactNode(0, (), self.start, embedding(self.domain))

    def is_leaf(self, node: ExactNode) -> bool:
        return node.depth == len(self.network.layers)

    def children(self, node: ExactNode, per_layer: list[int]) -> list[ExactNode]:
        """The node's pieces under its next layer (counted in ``per_layer``)."""
        depth, pattern, geometry, P = node
        layer = self.network.layers[depth]
        if not layer.activation.splits:  # an affine layer: same region, composed map
            per_layer[depth] += 1
            return [ExactNode(depth + 1, (*pattern, ()), geometry, self.weights[depth] * P)]
        shapes = (self.quadrants or []) if geometry is None else [geometry]  # the root of a quadrant-split plane
        pieces = [piece for shape in shapes for piece in _split_layer(layer, self.weights[depth], shape, P, self.split)]
        per_layer[depth] += len(pieces)
        return [ExactNode(depth + 1, (*pattern, states), child, P2) for states, child, P2 in pieces]

    def region(self, node: ExactNode) -> Region:
        _, pattern, geometry, P = node
        if self.module is not None:
            forms = [f for f in geometry.edges if not is_constant(f)]  # not the line at infinity
            point = self.module.interior_point(geometry)
            bounded = self.dim == 1 or planar_geometry.is_bounded(geometry)
        else:
            (forms, point), bounded = geometry, False
        return Region(pattern, tuple(sorted(set(forms))), cartesian(point), as_rational_map(P), self.dim,
                      geometry if self.shaped and bounded else None)


class _LPSplitter:
    """Regions as ``(forms, interior point)``, split by certified LPs."""

    def __init__(self, dim: int, exact: bool):
        self.dim, self.exact = dim, exact

    def __call__(self, region, candidate_forms):
        """Pieces that meet the region; a piece that is the whole region keeps its forms."""
        forms, point = region
        met = meeting_pieces(forms, point, candidate_forms, self.dim, exact=self.exact)
        if len(met) == 1:
            return [(met[0][0], (forms, met[0][1]))]
        return [(index, ([*forms, *candidate_forms[index]], witness)) for index, witness in met]

    @staticmethod
    def sides(region, forms):
        return [0] * len(forms)  # unknown here: each unit is decided by its own LPs


class _ShapeSplitter:
    """Regions as exact intervals (1-D) or polygons (2-D), split by clipping (see those modules)."""

    def __init__(self, module):
        self.module = module

    def __call__(self, shape, candidate_forms):
        return self.module.split(shape, candidate_forms)

    def sides(self, shape, forms):
        return self.module.sides(shape, forms)


def _split_layer(layer: Layer, lifted, region, P, split):
    """The full-dimensional pieces of one region under one layer, each with its new affine map.

    Every unit is first tested against the whole region: a unit with one piece there keeps that
    state in every child, so only the units that cut the region are tested again on the pieces."""
    pre = lifted * P
    head, *rows = [[int(v) for v in row] for row in pre.tolist()]
    scale = head[0]
    groups = unit_groups(layer)
    fixed: dict[int, int] = {}
    cutting = []
    if layer.activation.splits_at_zero:
        # the splitter's batch sign pass (exact shapes: all vertices in one filtered product; the LP
        # splitter knows nothing yet and leaves every unit to its own LPs): on where z >= 0, off where z <= 0
        moving = [u for u in range(len(groups)) if any(rows[u][1:])]
        for u, side in zip(moving, split.sides(region, [rows[u] for u in moving])):
            if side:
                fixed[u] = 1 if side > 0 else 0
    for u, group in enumerate(groups):
        if u in fixed:
            continue
        candidates = unit_pieces(layer, [rows[i] for i in group], scale)
        if len(candidates) > 1:
            candidate_forms = [[g for _, g in tagged] for _, tagged in candidates]
            met = split(region, candidate_forms)
            if len(met) > 1:
                cutting.append((u, candidates, candidate_forms, met))
                continue
            candidates = [candidates[met[0][0]]]
            region = met[0][1]
        fixed[u] = candidates[0][0]
    pieces: list[tuple[dict[int, int], object]] = [({}, region)]
    for position, (u, candidates, candidate_forms, met_on_region) in enumerate(cutting):
        refined: list[tuple[dict[int, int], object]] = []
        for states, piece in pieces:
            met = met_on_region if position == 0 else split(piece, candidate_forms)
            refined.extend(({**states, u: candidates[index][0]}, child) for index, child in met)
        pieces = refined
    out = []
    for states, piece in pieces:
        ordered = tuple(states[u] if u in states else fixed[u] for u in range(len(groups)))
        out.append((ordered, piece, next_map(layer, groups, ordered, pre)))
    return out
