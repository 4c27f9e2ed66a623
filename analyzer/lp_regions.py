"""The float path's regions in any dimension: certified LP regions (:mod:`geometry.certified_lp`).

A region is an :class:`~geometry.certified_lp.LPRegion`: float forms with radii in the domain's
parameters, a certified interior point, and the domain's bounding box (rounded outwards, the
splitter's prefilter) when it has one. The root is the domain itself: its own forms (none for all
of R^n; the LPs see unboundedness through rays, so no orthants are needed). A layer cuts a region
through :func:`geometry.certified_lp.split`.

Floats cannot certify a multiplier that is exactly 0, which is common: on a region where the
network's map has rank below n, every later form is constant along a direction in which the region
is unbounded. So the splitter is given the exact pre-activations of each node and the exact forms
of each region's rows, as functions it calls only where floats leave a decision open:
:class:`ExactForms` makes the pre-activations from the node's float states (the exact map of the
pattern prefix, composed layer by layer with :func:`analyzer.maps.next_map`, kept for recent
prefixes), and the splitter derives each piece's rows from its parent's and those.

:class:`LPPieces` holds the pieces of a region as a stack entry's block keeps them: each piece is
handed out as a copy (its warm starts its own, so that refining it twice, after Ctrl-C, or in
another process gives the same floats), and a pickled block (a checkpoint) computes and keeps its
pieces' exact forms, so that it needs nothing of the run that made it.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from analyzer.domain import Domain
from analyzer.maps import embedding, next_map
from analyzer.network import Network, unit_groups
from geometry.certified_lp import LPRegion, Pieces, boundedness, lp_region
from geometry.exact import AffineForm, cartesian, homogeneous_from_floats, is_strictly_inside
from geometry.polyhedron import interior_point_homogeneous

_KEPT_PREFIXES = 512


class NoFloatStart(Exception):
    """No float point strictly inside the domain could be found (it is too thin for floats)."""


def root_region(domain: Domain) -> LPRegion:
    """The domain as an LP region: its forms, the centre of its bounding box (when it has one and
    the centre's float is inside, else an exact interior point rounded to floats), and the box."""
    forms, dim = domain.region.forms, domain.dim
    bounds = bounding_box(forms, dim)
    box, point = None, np.zeros(dim)
    if bounds is not None:
        lower, upper = bounds
        box = (np.array([_rounded(v, -1) for v in lower]), np.array([_rounded(v, 1) for v in upper]))
        point = np.array([float((a + b) / 2) for a, b in zip(lower, upper)])
    if not is_strictly_inside(forms, homogeneous_from_floats(point)):
        inner = interior_point_homogeneous(domain.region)
        point = np.zeros(dim) if inner is None else np.array([float(v) for v in cartesian(inner)])
        if inner is None or not is_strictly_inside(forms, homogeneous_from_floats(point)):
            raise NoFloatStart(f"no float point strictly inside the domain {domain.description}")
    return lp_region(forms, point, box=box)


def bounding_box(forms: Sequence[AffineForm], dim: int) -> tuple[list[Fraction], list[Fraction]] | None:
    """``(lower, upper)`` corners of a box containing ``{forms >= 0}``, read from the forms with
    one nonzero coefficient (``b + a x_i >= 0``), or None when some coordinate is not bounded both
    ways by such forms."""
    lower: dict[int, Fraction] = {}
    upper: dict[int, Fraction] = {}
    for b, *a in forms:
        nonzero = [i for i, v in enumerate(a) if v]
        if len(nonzero) != 1:
            continue
        i = nonzero[0]
        bound = Fraction(-b, a[i])
        if a[i] > 0:
            lower[i] = max(lower.get(i, bound), bound)
        else:
            upper[i] = min(upper.get(i, bound), bound)
    if len(lower) < dim or len(upper) < dim:
        return None
    return [lower[i] for i in range(dim)], [upper[i] for i in range(dim)]


def _rounded(value: Fraction, direction: int) -> float:
    """The float nearest ``value``, moved one step down (``direction`` -1) or up (+1) when it is
    on the wrong side of it."""
    out = float(value)
    if direction * (Fraction(out) - value) < 0:
        out = math.nextafter(out, direction * math.inf)
    return out


class LPPieces:
    """The pieces of a region under one layer (:class:`geometry.certified_lp.Pieces`, or a list of
    regions), as a block keeps them (see the module docstring)."""

    def __init__(self, pieces):
        self.pieces = pieces

    def __len__(self) -> int:
        return len(self.pieces)

    def __getitem__(self, j: int) -> LPRegion:
        return self.pieces[j].copy()

    def points(self) -> np.ndarray:
        """The pieces' certified interior points, one row each."""
        if isinstance(self.pieces, Pieces):
            return self.pieces.points()
        return np.array([piece.point for piece in self.pieces]).reshape(len(self.pieces), -1)

    def bounded(self) -> np.ndarray:
        """The pieces' certified boundedness (int8: 1, 0, or -1 where it is not certified;
        :func:`geometry.certified_lp.boundedness`)."""
        if isinstance(self.pieces, Pieces):
            return self.pieces.boundedness()
        return np.array([boundedness(piece) for piece in self.pieces], np.int8)

    def __getstate__(self) -> list[LPRegion]:
        kept = []
        for j in range(len(self.pieces)):
            region = self[j]
            region.exact_forms()  # computed now, kept as integers
            kept.append(region)
        return kept

    def __setstate__(self, kept: list[LPRegion]) -> None:
        self.pieces = kept


class ExactForms:
    """The exact pre-activations of a node of the float traversal, from its float states.

    ``offsets[d]`` is where layer d's states start in a float prefix (the states of the splitting
    layers side by side); the pre-activations of the most recent
    ``_KEPT_PREFIXES`` prefixes are kept."""

    def __init__(self, network: Network, domain: Domain):
        self.network, self.domain = network, domain
        self.groups = [unit_groups(layer) for layer in network.layers]
        self.offsets = [0]
        for layer in network.layers:
            self.offsets.append(self.offsets[-1] + (layer.out_dim if layer.activation.splits else 0))
        self.kept: dict = {}

    def pre_activations(self, depth: int, prefix: np.ndarray):
        """Layer ``depth``'s pre-activations as a homogeneous integer map (``layer.lifted * P``,
        see :mod:`analyzer.maps`) on the regions whose layers 1..depth have the float states
        ``prefix``."""
        key = (depth, prefix.tobytes())
        pre = self.kept.get(key)
        if pre is None:
            if depth == 0:
                P = embedding(self.domain)
            else:
                layer, start = self.network.layers[depth - 1], self.offsets[depth - 1]
                states = prefix[start:].tolist()
                if not layer.activation.splits:
                    states = [0] * len(self.groups[depth - 1])
                P = next_map(layer, self.groups[depth - 1], states, self.pre_activations(depth - 1, prefix[:start]))
            pre = self.network.layers[depth].lifted * P
            if len(self.kept) >= _KEPT_PREFIXES:
                del self.kept[next(iter(self.kept))]
            self.kept[key] = pre
        return pre

    def rows(self, depth: int, prefix: np.ndarray) -> list[AffineForm]:
        """Layer ``depth``'s pre-activations, exactly (integers at one common positive scale, so
        that differences of rows are multiples of differences of forms: maxout's comparisons)."""
        return [tuple(int(v) for v in row) for row in self.pre_activations(depth, prefix).tolist()[1:]]

    def candidates(self, depth: int, prefix: np.ndarray) -> list[AffineForm]:
        """The forms that cut layer ``depth``'s regions, exactly (positive multiples of the float
        path's rows): ``z + t`` of each unit for its activation's cuts t (relu-like: ``z``;
        hard-tanh: ``z + 1`` and ``z - 1``)."""
        scale, *rows = [tuple(int(v) for v in row) for row in self.pre_activations(depth, prefix).tolist()]
        cuts = self.network.layers[depth].activation.cuts
        if cuts == (0,):
            return rows
        d = scale[0]
        return [(row[0] + t * d, *row[1:]) for row in rows for t in cuts]
