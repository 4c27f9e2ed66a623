"""Counting regions with certified float64 polygons, polyhedra and LP regions.

The same refinement as the exact engine's, with every number a float carrying a rigorous error
radius: a region is a polygon (:mod:`geometry.kernels`, 1-D and 2-D domains), a simple
polyhedron (:mod:`geometry.polytope_kernels`, 3-D domains) or an LP region (float forms and a
certified interior point, split by certified LPs: :mod:`analyzer.lp_regions`; 4-D and up, see
:func:`uses_lp_regions`),
and its layer map a float matrix of affine forms in the domain's parameters. Each sign that
decides whether a unit cuts a region is certified by its error bound (LP regions: by certified
points and dual certificates, checked exactly where floats cannot prove them). Where one is not
(a boundary through a vertex, a unit constant at 0, coincident boundaries, a non-simple
polyhedron: the degenerate cases), that node's whole subtree is refined by the exact engine,
rebuilt from the node's pattern. The counts are therefore exactly the exact engine's; random
weights rarely need the fallback, degenerate ones do.

Applies to relu, leaky_relu, abs, hard-tanh and maxout layers (identity layers anywhere); a
maxout unit splits a region into its argmax cells, each certified to have interior, with the
comparisons that the layer's exact weights settle everywhere (equal rows, rows differing by a
constant: :func:`maxout_ties`) left out of the floats (k <= 127: states are int8). Unbounded
domains start from orthants of ReLU-like first-layer units as polygons and polyhedra, and as
themselves as LP regions (so in 3-D without such orthants, e.g. a maxout first layer over R^3;
in 2-D that case goes to the exact engine).
"""
from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

import numpy as np

from analyzer.domain import Domain
from analyzer.lp_regions import ExactForms, LPPieces, NoFloatStart, root_region
from analyzer.maps import embedding, first_layer_orthants, pull_back
from analyzer.network import Activation, Kind, Layer, Network
from analyzer.refinement import ExactNode
from geometry import certified_lp, kernels, planar, polytope_kernels
from geometry.exact import float_enclosure
from geometry.polyhedron import from_forms, interior_point_homogeneous, is_full_dimensional

_THRESHOLDS = (1, -1)  # the cuts z + 1 and z - 1 that kernels.thresholds makes of each unit (hard-tanh's)
_FRESH_EVERY = 16
_MAX_GROUP = 127  # the float path keeps states as int8


class NotApplicable(Exception):
    """The float path cannot start on this domain (a non-simple polyhedron, or no d independent
    ReLU-like first-layer hyperplanes to cut an unbounded one into pointed pieces)."""


def applies(network: Network, domain: Domain) -> bool:
    """Whether the certified float path can count this network on this domain (it may still
    raise :class:`NotApplicable` when it starts)."""
    return (domain.dim == 1 and domain.bounded or domain.dim >= 2) and all(
        layer.activation.cuts in ((0,), _THRESHOLDS) or not layer.activation.splits
        or layer.activation.kind is Kind.MAXOUT and layer.activation.k <= _MAX_GROUP for layer in network.layers)


def uses_lp_regions(domain: Domain) -> bool:
    """Whether the float path refines ``domain`` as LP regions: from 4-D on (measured in 4-D over
    R^4, counts and enumerations with linear and bounded regions: 1.3-2x faster than simple
    polyhedra on [4,12,2] to [4,10,10,10,2], and faster on [4,10,10,10,10,2]; a leaf's boundedness
    is certified by :func:`geometry.certified_lp.boundedness`). Simple polyhedra are faster in
    3-D (where an unbounded domain without ReLU-like first-layer orthants starts as an LP region)."""
    return domain.dim >= 4


def _float_layer(layer: Layer, cols: int) -> tuple:
    """A layer's arguments of :func:`geometry.kernels.affine_image`: ``W, |W|, EW, EW == 0, C, RC``
    (weights as floats with radii; the bias as forms ``C = b e_0`` with ``cols`` columns, with
    radii), then a unit's output on each of its pieces, ``slope z + offset``: the slopes (floats,
    radii) and the offsets (small integers, exact in floats), indexed by the unit's state (hard-tanh's
    -1 counted from the end; :meth:`analyzer.activations.Activation.output_table`), and the group
    size (maxout's k, whose state s selects the unit's row s; else 1)."""
    W, EW, b, Eb = layer.float_enclosure
    _, exact_slopes, exact_offsets = layer.activation.output_table()
    slopes, slope_errors = float_enclosure(exact_slopes)
    offsets = np.array([float(v) for v in exact_offsets])
    C, RC = np.zeros((len(b), cols)), np.zeros((len(b), cols))
    C[:, 0], RC[:, 0] = b, Eb
    return W, np.abs(W), EW, not EW.any(), C, RC, slopes, slope_errors, offsets, layer.activation.k


def maxout_ties(layer: Layer) -> np.ndarray:
    """The comparisons of a maxout layer that its exact weights settle on every input: entry
    ``(u k + j) k + i`` is 1 where ``z_j - z_i`` of unit u is a positive constant (equal weight
    rows, larger bias) or identically 0 with ``j < i`` (the lowest index wins a tie), -1 where
    it is a negative constant or identically 0 with ``j > i`` (cell j is empty), 0 elsewhere
    (compared in floats: :func:`geometry.kernels.split_polygon_maxout`)."""
    k = layer.activation.k
    ties = np.zeros(layer.pre_dim * k, np.int8)
    for u in range(layer.out_dim):
        for j in range(k):
            for i in range(k):
                a, b = u * k + j, u * k + i
                if i != j and layer.weights[a] == layer.weights[b]:
                    c = layer.bias[a] - layer.bias[b]
                    ties[a * k + i] = 1 if c > 0 or c == 0 and j < i else -1
    return ties


class _Polygons:
    """The pieces returned by :func:`geometry.kernels.split_polygon`, indexable by piece."""

    def __init__(self, offsets: np.ndarray, lines: np.ndarray, radii: np.ndarray):
        self.offsets, self.lines, self.radii = offsets, lines, radii

    def __getitem__(self, p: int) -> tuple[np.ndarray, np.ndarray]:
        piece = slice(self.offsets[p], self.offsets[p + 1])
        return self.lines[piece], self.radii[piece]

    def __len__(self) -> int:
        return len(self.offsets) - 1


class FilteredCount:
    """Region counts of a network on the float path (see the module docstring).

    ``exact_engine`` is the exact engine's :class:`~analyzer.refinement.Refinement` of the same
    network and domain (its ``start`` is the domain's exact polygon or interval in 1-D and 2-D);
    the traversal (:mod:`analyzer.traversal`) gives the exact engine the nodes where floats do not
    decide. Raises OverflowError when a weight or the domain is beyond the float range,
    :class:`NotApplicable` when the domain cannot be started on."""

    def __init__(self, exact_engine):
        self.network, self.domain, self.exact_engine = exact_engine.network, exact_engine.domain, exact_engine
        self.ties = [maxout_ties(layer) if layer.activation.kind is Kind.MAXOUT else None for layer in self.network.layers]
        self.solid = self.domain.dim >= 3
        self.lp = uses_lp_regions(self.domain) or self.solid and not self.domain.bounded and (
            first_layer_orthants(self.network, self.domain, self.domain.dim) is None)  # no pointed polyhedra to start
        cols = self.domain.dim + 1 if self.solid else 3
        self.layers = [_float_layer(layer, cols) for layer in self.network.layers]
        self.unknown = [-np.ones(layer.out_dim, np.int64) for layer in self.network.layers]
        self.embedding = embedding(self.domain)
        rows = self.embedding.tolist()
        scale = int(rows[0][0])
        padding = [0] * (cols - len(rows[0]))  # no y in a 1-D domain's map
        H, RH = float_enclosure([Fraction(int(v), scale) for row in rows[1:] for v in [*row, *padding]])
        self.input_forms = H.reshape(-1, cols), RH.reshape(-1, cols)
        if self.lp:
            try:
                self.roots, self.root_forms = [(root_region(self.domain), self.unknown[0])], [[]]
            except NoFloatStart as exc:
                raise NotApplicable(str(exc)) from None
            self.exact_forms = ExactForms(self.network, self.domain)
        elif self.solid:
            self.roots = self._solid_roots()
        else:
            self.shapes = getattr(exact_engine.split, "module", None)  # exact intervals or polygons
            if self.shapes is None:
                raise NotApplicable("the exact engine refines this domain with LPs, not polygons")
            if self.domain.bounded:  # the exact engine starts on the exact polygon, or interval in 1-D
                self.root_shapes = [exact_engine.start]
                self.roots = [(self._float_polygon(exact_engine.start), self.unknown[0])]
            else:
                self.roots = self._planar_roots()

    def _solid_roots(self) -> list:
        """A 3-D or 4-D domain as simple polyhedra, each with the first-layer states it fixes: the
        domain itself when bounded, else its parts in the orthants of d first-layer units."""
        if self.domain.bounded:
            found = polytope_kernels.float_polyhedron(self.domain.region)
            if found is None:
                raise NotApplicable("the domain is not a simple polyhedron")
            self.root_forms = [[]]
            return [(found, self.unknown[0])]
        roots, self.root_forms = [], []
        for orthant, known in self._orthants(self.domain.dim):
            P = from_forms([*orthant, *self.domain.region.forms], self.domain.dim)
            if not is_full_dimensional(P):
                continue
            found = polytope_kernels.float_polyhedron(P)
            if found is None:
                raise NotApplicable("an orthant of the domain is not a simple polyhedron")
            roots.append((found, known))
            self.root_forms.append(orthant)
        return roots

    def _planar_roots(self) -> list:
        """An unbounded 2-D domain as pointed polygons (generators at infinity), each with the
        first-layer states it fixes: its parts in the quadrants of two first-layer units."""
        self.root_shapes, roots = [], []
        for (first, second), known in self._orthants(2):
            shape: planar.Polygon | None = planar.quadrant(first, second)
            for form in self.domain.region.forms:
                shape = None if shape is None else planar.clip(shape, form)
            if shape is not None:
                self.root_shapes.append(shape)
                roots.append((self._float_polygon(shape), known))
        return roots

    def _orthants(self, k: int):
        """The orthants of ``k`` first-layer units (:func:`analyzer.maps.first_layer_orthants`) as
        their forms and the first-layer states they fix."""
        orthants = first_layer_orthants(self.network, self.domain, k)
        if orthants is None:
            raise NotApplicable(f"no {k} ReLU-like first-layer hyperplanes with independent normals")
        for forms, states in orthants:
            known = self.unknown[0].copy()
            known[list(states)] = list(states.values())
            yield forms, known

    def _float_polygon(self, shape):
        """An exact polygon (or interval) as float lines in cyclic order, oriented so that every
        generator ``L_k x L_{k+1}`` is on the inner side of the other lines.

        A 1-D domain (an interval of t) becomes the strip ``interval x [0, 1]`` of the (t, y) plane,
        on which every form is constant in y: the strip's regions are the interval's pieces times
        [0, 1], one for one, so the polygon kernels count them."""
        if self.domain.dim == 1:
            (b_lo, a_lo), (b_hi, a_hi) = shape.lo_form, shape.hi_form
            edges = [(0, 0, 1), (b_hi, a_hi, 0), (1, 0, -1), (b_lo, a_lo, 0)]  # y >= 0, t <= hi, y <= 1, t >= lo
        else:
            edges = list(shape.edges)
        g, h, f = edges[0], edges[1], edges[2]
        generator = (g[1] * h[2] - g[2] * h[1], g[2] * h[0] - g[0] * h[2], g[0] * h[1] - g[1] * h[0])
        if sum(a * x for a, x in zip(f, generator)) < 0:  # edges[2] does not pass through edges[0] x edges[1]
            edges.reverse()
        lines, radii = float_enclosure([v for e in edges for v in e])
        return lines.reshape(-1, 3), radii.reshape(-1, 3)

    def start(self) -> list:
        """The stack entries of the whole domain (one per root shape)."""
        shapes, known = self._kept([shape for shape, _ in self.roots]), [known for _, known in self.roots]
        root = (shapes, None, *self.input_forms, [], known, np.empty(0, np.int8), -1)
        return [(0, root, i) for i in reversed(range(len(shapes)))]

    def refine(self, entry, stack: list, per_layer: list[int], leaves) -> int:
        """Refine one stack entry ``(depth, block, piece)``: push its pieces, or count them when
        they are leaves (and hand them to the ``leaves`` sink unless it is None); or, where floats
        cannot decide, push the exact engine's node for the piece. Returns the leaves counted.

        The pieces of one region under one layer are kept together as one block ``(shapes,
        states, F, RF, last, known, prefix, root)``: their shapes and states, the layer's
        pre-activations ``F`` (their output forms are made from those when each is refined), the
        next layer's pre-activations of the piece last refined, the states known on the pieces
        (None: none), the float states of the layers above, and the root they lie in. An entry is
        self-contained (it can be sent to a worker, or saved), and a level of the stack costs a
        few bytes per piece beyond the block's arrays. Consecutive siblings are close and differ
        in a few units' states, so a piece's pre-activations are usually updated from the
        previous sibling's, and computed afresh at least every ``_FRESH_EVERY`` pieces so that the
        radii stay small (:meth:`_piece_image`)."""
        layers, depth_total = self.network.layers, len(self.network.layers)
        depth, block, p = entry
        shapes, piece_states, F, RF, last, known, prefix, root = block
        shape = shapes[p]
        root = p if root < 0 else root
        if piece_states is not None:  # this piece's states of the layers above
            prefix = np.concatenate((prefix, piece_states[p]))
        layer = self.layers[depth]
        if piece_states is None:
            G, RG = kernels.affine_image(*layer[:6], F, RF)
        else:
            G, RG = self._piece_image(depth, block, p)
        if not layers[depth].activation.splits:
            per_layer[depth] += 1
            if depth + 1 == depth_total:
                if leaves is not None:
                    leaves.add(root, prefix, prefix[None, :0], self._hints(self._kept([shape])), G[None], RG[None])
                return 1
            stack.append((depth + 1, (self._kept([shape]), None, G, RG, [], None, prefix, root), 0))
            return 0
        ok, pieces, piece_states = self._split(shape, G, RG, self.unknown[depth] if known is None else known[p],
                                               layers[depth].activation, depth, prefix)
        if not ok:
            stack.append(self._exact_node(depth, prefix, root))
            return 0
        per_layer[depth] += len(pieces)
        if depth + 1 == depth_total or (depth + 2 == depth_total and not layers[depth + 1].activation.splits):
            if depth + 1 < depth_total:
                per_layer[depth + 1] += len(pieces)  # a final affine layer: each piece is one region
            if leaves is not None:
                slopes = self.layers[depth][6:]
                if depth + 1 < depth_total:
                    maps = kernels.piece_outputs(*self.layers[depth + 1][:6], G, RG, *slopes, piece_states)
                else:
                    maps = kernels.piece_rows(G, RG, *slopes, piece_states)
                leaves.add(root, prefix, piece_states, self._hints(pieces), *maps)
            return len(pieces)
        child_block: tuple = (pieces, piece_states, G, RG, [], None, prefix, root)
        stack.extend((depth + 1, child_block, q) for q in range(len(pieces)))
        return 0

    def _piece_image(self, depth: int, block, p: int) -> tuple[np.ndarray, np.ndarray]:
        """Layer ``depth``'s pre-activations on piece ``p`` of ``block``, with radii. Piece p's
        are computed afresh when ``(n - 1 - p) % _FRESH_EVERY == 0`` (n pieces), else updated from
        piece p + 1's (:func:`kernels.piece_image`): a function of the piece alone, whichever
        pieces were refined before, so that every worker finds the floats one process finds. The
        stack refines pieces in the order n - 1, ..., 0, so one update suffices (the block keeps
        the last image made); a worker that did not refine piece p + 1 redoes the short chain."""
        _, states, F, RF, last, *_ = block
        start = p + (len(states) - 1 - p) % _FRESH_EVERY
        if last and p < last[0] <= start:
            q, G, RG = last
        else:
            q, G, RG = start + 1, F[:0], F[:0]
        layer, slopes = self.layers[depth], self.layers[depth - 1][6:]
        while q > p:
            q -= 1
            base = states[q + 1] if G.shape[0] else states[q]
            G, RG, _ = kernels.piece_image(*layer[:6], F, RF, *slopes, states[q], base, G, RG)
        last[:] = p, G, RG
        return G, RG

    def _kept(self, shapes: list):
        """Shapes as a block keeps them (LP regions: see :class:`analyzer.lp_regions.LPPieces`)."""
        return LPPieces(shapes) if self.lp else shapes

    def _split(self, shape, G: np.ndarray, RG: np.ndarray, known: np.ndarray, act: Activation, depth: int,
               prefix: np.ndarray):
        """``(ok, pieces, states)`` of a shape of layers 1..``depth`` (their states ``prefix``)
        under layer ``depth``'s pre-activations, its units' activation ``act``. A unit is cut by
        ``z + t`` for its cuts t (hard-tanh: ``z + 1`` and ``z - 1``), and its state follows from how
        many are positive (:meth:`analyzer.activations.Activation.states_from_cuts`); maxout's
        pieces are its argmax cells (:meth:`_split_argmax`)."""
        ties = self.ties[depth]
        if ties is not None:
            return self._split_argmax(shape, G, RG, act.k, ties, depth, prefix)
        if act.cuts == _THRESHOLDS:
            G, RG = kernels.thresholds(G, RG)
            known = np.repeat(known, len(_THRESHOLDS))
        pieces: Any
        if self.lp:
            exact = functools.partial(self.exact_forms.candidates, depth, prefix)
            found = certified_lp.split(shape, G, RG, known, exact=exact)
            if found is None:
                return False, None, None
            ok, pieces, states = True, LPPieces(found), found.states
        elif self.solid:
            ok, pieces, states = polytope_kernels.split_polytope(*shape, G, RG, known)
        else:
            ok, lines, radii, offsets, states = kernels.split_polygon(*shape, G, RG, known)
            pieces = _Polygons(offsets, lines, radii)
        return ok, pieces, act.states_from_cuts(states)

    def _split_argmax(self, shape, G: np.ndarray, RG: np.ndarray, k: int, ties: np.ndarray, depth: int,
                      prefix: np.ndarray):
        """:meth:`_split` for a maxout:k layer (its settled comparisons ``ties``): a unit's pieces
        are its argmax cells, its state the argmax."""
        if self.lp:
            found = certified_lp.split_argmax(shape, G, RG, k, ties,
                                              exact=functools.partial(self.exact_forms.rows, depth, prefix))
            return (False, None, None) if found is None else (True, LPPieces(found), found.states)
        if self.solid:
            return polytope_kernels.split_polytope_maxout(*shape, G, RG, k, ties)
        ok, lines, radii, offsets, states = kernels.split_polygon_maxout(*shape, G, RG, k, ties)
        return ok, _Polygons(offsets, lines, radii), states

    def _hints(self, pieces) -> tuple[np.ndarray, np.ndarray]:
        """Float points meant to lie inside the pieces (in the domain's parameters) and whether
        each is bounded (1, 0, or -1 when floats cannot tell; see :func:`kernels.polygon_hints`).
        An LP region is bounded in a bounded domain, else certified either way or unknown
        (:func:`geometry.certified_lp.boundedness`)."""
        if self.lp:
            return pieces.points(), np.ones(len(pieces), np.int8) if self.domain.bounded else pieces.bounded()
        if self.solid:
            points, bounded = np.empty((len(pieces), self.domain.dim)), np.empty(len(pieces), np.int8)
            for q, piece in enumerate(pieces):
                points[q], finite = kernels.generator_hint(*polytope_kernels.generator_points(*piece[:4]))
                bounded[q] = 1 if finite else (0 if kernels.has_plane_at_infinity(*piece[:2]) else -1)
            return points, bounded
        if isinstance(pieces, _Polygons):
            points, bounded = kernels.polygon_hints(pieces.lines, pieces.radii, pieces.offsets)
        else:  # one polygon
            (lines, radii), = pieces
            points, bounded = kernels.polygon_hints(lines, radii, np.array([0, len(lines)]))
        return (points[:, :1] if self.domain.dim == 1 else points), bounded

    def root_shape(self, root: int):
        """The exact shape of root ``root`` (1-D and 2-D domains), or None in 3-D and 4-D."""
        return None if self.solid else self.root_shapes[root]

    def _exact_node(self, depth: int, prefix: np.ndarray, root: int) -> ExactNode:
        """The exact engine's node for a region of layers 1..``depth`` (its float states
        ``prefix``, from root ``root``): its pattern prefix's forms (the root's polygon clipped by
        them, or in 3-D and 4-D the forms with an exact interior point), and its exact map."""
        states, layers = iter(prefix.tolist()), []
        for layer in self.network.layers[:depth]:
            width = layer.out_dim if layer.activation.splits else 0
            layers.append(tuple(next(states) for _ in range(width)))
        pattern = tuple(layers)
        constraints, P = pull_back(self.network, self.domain, pattern)
        forms = [form for _, form in constraints]
        if self.solid:  # the root's own forms (an orthant) bound it too
            forms = [*self.domain.region.forms, *self.root_forms[root], *forms]
            return ExactNode(depth, pattern, (forms, interior_point_homogeneous(from_forms(forms, self.domain.dim))), P)
        shape = self.root_shapes[root]
        for form in forms:
            shape = self.shapes.clip(shape, form)
        return ExactNode(depth, pattern, shape, P)

