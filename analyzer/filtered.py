"""Counting regions on bounded 1-D and 2-D domains with certified float64 polygons.

The same refinement as the engine's exact polygon path, with every number a float carrying a
rigorous error radius (:mod:`geometry.kernels`): a region is the counter-clockwise list of its edge
lines, and its layer map is a float matrix of affine forms in the domain's two parameters. Each
sign that decides whether a unit cuts a region is certified by its error bound. Where one is not
(a line through a vertex, a unit constant at 0, coincident boundaries: the degenerate cases), that
node's whole subtree is refined by the exact engine, rebuilt from the node's pattern. The counts are
therefore exactly the exact engine's; random weights never need the fallback, degenerate ones do.

Applies to ReLU-like networks (relu, leaky_relu, abs; identity layers anywhere).
"""
from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np

from analyzer.domain import Domain
from analyzer.maps import embedding, next_map, unit_pieces
from analyzer.network import Kind, Layer, Network, unit_groups
from analyzer.regions import RunStatus
from geometry import kernels
from geometry.exact import float_enclosure, primitive_ints

_RELU_LIKE = (Kind.RELU, Kind.LEAKY_RELU, Kind.ABS)
_FRESH_EVERY = 16
_NO_BASE = (np.zeros(0, np.int8), np.zeros((0, 3)), np.zeros((0, 3)), 0)


def applies(network: Network, domain: Domain) -> bool:
    """Whether the certified float path can count this network on this domain."""
    return domain.dim in (1, 2) and domain.bounded and all(
        layer.activation.kind in _RELU_LIKE or not layer.activation.splits for layer in network.layers)


def _float_layer(layer: Layer) -> tuple:
    """A layer's arguments of :func:`geometry.kernels.affine_image`: ``W, |W|, EW, EW == 0, C, RC``
    (weights as floats with radii; the bias as forms ``C = b e_0`` with radii) and the unit slopes
    per state (floats, radii)."""
    W, EW, b, Eb = layer.float_enclosure
    act = layer.activation
    exact_slopes = {Kind.RELU: (0, 1), Kind.ABS: (-1, 1), Kind.LEAKY_RELU: (act.alpha, 1)}.get(act.kind, (1, 1))
    slopes, slope_errors = float_enclosure(exact_slopes)
    C, RC = np.zeros((len(b), 3)), np.zeros((len(b), 3))
    C[:, 0], RC[:, 0] = b, Eb
    return W, np.abs(W), EW, not EW.any(), C, RC, slopes, slope_errors


class FilteredPlanarCount:
    """Region counts of a ReLU-like network on a bounded 2-D domain (see the module docstring).

    ``exact_engine`` is the engine's exact polygon refinement: its ``start`` is the domain's exact
    polygon, and its ``descend([node], per_layer)`` refines a node ``(depth, pattern, polygon, map)``
    exactly; it takes the subtrees where floats do not decide. Raises OverflowError when a weight
    or the domain is beyond the float range (then only the exact engine applies)."""

    def __init__(self, exact_engine):
        self.network, self.domain, self.exact_engine = exact_engine.network, exact_engine.domain, exact_engine
        self.layers = [_float_layer(layer) for layer in self.network.layers]
        self.polygon = exact_engine.start  # an exact polygon, or an exact interval in 1-D
        self.shapes = exact_engine.split.module
        self.embedding = embedding(self.domain)
        self.root = self._root()

    def _root(self):
        """The domain's polygon as counter-clockwise float lines, and its input map as float forms.

        A 1-D domain (an interval of t) becomes the strip ``interval x [0, 1]`` of the (t, y) plane,
        on which every form is constant in y: the strip's regions are the interval's pieces times
        [0, 1], one for one, so the polygon kernels count them."""
        if self.domain.dim == 1:
            (b_lo, a_lo), (b_hi, a_hi) = self.polygon.lo_form, self.polygon.hi_form
            edges = [(0, 0, 1), (b_hi, a_hi, 0), (1, 0, -1), (b_lo, a_lo, 0)]  # y >= 0, t <= hi, y <= 1, t >= lo
        else:
            edges = list(self.polygon.edges)
        g, h = edges[0], edges[1]
        if g[1] * h[2] - g[2] * h[1] < 0:  # vertex 1 = edges[0] x edges[1] must have X_0 > 0
            edges.reverse()
        lines, radii = float_enclosure([v for e in edges for v in e])
        rows = self.embedding.tolist()
        scale = int(rows[0][0])
        padding = [0] * (3 - len(rows[0]))  # no y in a 1-D domain's map
        H, RH = float_enclosure([Fraction(int(v), scale) for row in rows[1:] for v in [*row, *padding]])
        return lines.reshape(-1, 3), radii.reshape(-1, 3), H.reshape(-1, 3), RH.reshape(-1, 3)

    def start(self) -> tuple:
        """The stack entry of the whole domain."""
        lines, radii, H, RH = self.root
        return 0, (np.array([0, len(lines)]), lines, radii, None, H, RH, None, []), 0

    def frontier(self, per_layer: list[int], size: int) -> tuple[int, list]:
        """Refine from the whole domain until at least ``size`` regions wait to be refined (or none
        does): the regions counted so far, and the waiting stack entries, independent subtrees."""
        stack = [self.start()]
        return self.descend(stack, per_layer, size), stack

    def descend(self, stack: list, per_layer: list[int], until: int | None = None,
                stop: Callable[[int], bool] | None = None) -> int:
        """Depth first from the entries on ``stack`` (stopping early once it holds ``until``
        entries, or when ``stop(regions so far)`` says so; Ctrl-C stops it too, and ``status`` says
        why it stopped): the number of regions found; ``per_layer[d]`` gains the regions of
        layers 1..d+1.

        The pieces of one region under one layer are kept together as one block: their lines,
        their states, the layer's pre-activations ``F`` (their output forms are made from those
        when each is refined), the parent, and the next layer's pre-activations of the piece last
        refined. A stack entry is ``(depth, block, piece)``, so a level of the stack costs a few
        bytes per piece beyond the block's arrays. Consecutive siblings are close and differ in a
        few units' states, so a piece's pre-activations are usually updated from the previous
        sibling's (:func:`kernels.piece_image`), and computed afresh at least every
        ``_FRESH_EVERY`` pieces so that the radii stay small."""
        self.status = RunStatus.COMPLETE
        total = 0
        try:
            while stack and (until is None or len(stack) < until) and not (stop is not None and stop(total)):
                found = self._refine(stack.pop(), stack, per_layer)
                if isinstance(found, int):
                    total += found
                    continue
                for _ in self.exact_engine.descend([found], per_layer):  # a subtree floats cannot decide
                    if stop is not None and stop(total):
                        return total
                    total += 1
        except KeyboardInterrupt:
            self.status = RunStatus.INTERRUPTED
        return total

    def _refine(self, entry, stack: list, per_layer: list[int]):
        """Refine one stack entry: push its pieces, or count them when they are leaves (the count
        is returned); or, where floats cannot decide, return the exact engine's node for it."""
        layers, depth_total = self.network.layers, len(self.network.layers)
        depth, block, p = entry
        offsets, piece_lines, piece_radii, piece_states, F, RF, _, last = block
        lines, radii = piece_lines[offsets[p]:offsets[p + 1]], piece_radii[offsets[p]:offsets[p + 1]]
        layer = self.layers[depth]
        if piece_states is None:
            G, RG = kernels.affine_image(*layer[:6], F, RF)
        else:
            base_states, base, base_radii, updates = last if last and last[3] < _FRESH_EVERY else _NO_BASE
            G, RG, afresh = kernels.piece_image(*layer[:6], F, RF, *self.layers[depth - 1][6:], piece_states[p],
                                                base_states, base, base_radii)
            last[:] = piece_states[p], G, RG, 0 if afresh else updates + 1
        if not layers[depth].activation.splits:
            per_layer[depth] += 1
            if depth + 1 == depth_total:
                return 1
            single = (offsets[p:p + 2] - offsets[p], lines, radii, None, G, RG, (block, p), [])
            stack.append((depth + 1, single, 0))
            return 0
        ok, piece_lines, piece_radii, offsets, piece_states = kernels.split_polygon(lines, radii, G, RG)
        if not ok:
            return self._exact_node(depth, (block, p))
        pieces = len(offsets) - 1
        per_layer[depth] += pieces
        if depth + 1 == depth_total or (depth + 2 == depth_total and not layers[depth + 1].activation.splits):
            if depth + 1 < depth_total:
                per_layer[depth + 1] += pieces  # a final affine layer: each piece is one region
            return pieces
        child_block = (offsets, piece_lines, piece_radii, piece_states, G, RG, (block, p), [])
        stack.extend((depth + 1, child_block, q) for q in range(pieces))
        return 0

    def _exact_node(self, depth: int, where):
        """The exact engine's node for the region ``where = (block, piece)`` at ``depth``: the
        domain's polygon clipped by every form of its pattern prefix's unit pieces, and the exact
        map of layers 1..depth."""
        prefix = []
        while where is not None:
            (_, _, _, states, _, _, parent, _), p = where
            prefix.append(() if states is None else tuple(int(s) for s in states[p]))
            where = parent
        prefix.reverse()
        prefix = prefix[1:]  # the root block has no states
        shape, P = self.polygon, self.embedding
        for layer, states in zip(self.network.layers, prefix):
            pre = layer.lifted * P
            if not layer.activation.splits:
                P = pre
                continue
            scale, *rows = [[int(v) for v in row] for row in pre.tolist()]
            groups = unit_groups(layer)
            for group, state in zip(groups, states):
                for _, form in dict(unit_pieces(layer, [rows[i] for i in group], scale[0]))[state]:
                    shape = self.shapes.clip(shape, primitive_ints(form))
            P = next_map(layer, groups, states, pre)
        return depth, tuple(prefix), shape, P
