"""The certified LP splitter: how forms and pieces meet a polyhedral region, in any dimension.

A *region* (:class:`LPRegion`) is the open polyhedron ``R = {x in R^n : f(x) > 0 for every f}``,
full-dimensional, given by

* ``forms`` and ``radii``: float arrays of shape (m, n + 1), rows ``(b, a_1, ..., a_n)`` with the
  value ``b + a . x`` (constant first, as everywhere in geometry/); the exact form meant by row i
  is some positive multiple of it within ``radii[i]`` of ``forms[i]`` entrywise (a positive
  multiple has the same halfspace, so each row may be scaled freely);
* ``point``: a float vector strictly inside R (an exact binary rational);
* optionally ``exact``, the exact integer forms (:mod:`geometry.exact`) those rows enclose, or a
  function of no arguments returning them (called only when floats leave a decision open, which
  is then tried once more in exact arithmetic);
* optionally ``box``, float vectors ``(lo, hi)`` with ``lo <= x <= hi`` on all of R (the input
  domain's box, rounded outwards): it is the cheap prefilter;
* a private ring of vertices of R met by earlier LPs, with their bases: warm starts, never proofs.

:func:`classify` says, for each *candidate* form g (float rows with radii, the same convention,
optionally exact), exactly one of

* ``POSITIVE``: ``g >= 0`` on the closure of R (so g > 0 on R when g is not constant): the unit
  does not cut R; proved by the box, or by a *dual certificate* ``g = l0 + sum_i y_i f_i``
  identically with ``y >= 0``, ``l0 >= 0``;
* ``NEGATIVE``: the same for ``-g``;
* ``CUTS``: two points certified strictly inside R with ``g > 0`` at the first and ``g < 0`` at
  the second (returned: the pieces' interior points);
* ``UNDECIDED``: nothing certified; the caller decides exactly (:func:`geometry.partition.meeting_pieces`
  with ``exact=True``, or :mod:`geometry.lp`). A candidate that is exactly zero has no sides and
  is always undecided (a constant unit's state is read from its constant).

How: a side ``{s g > 0}`` is known nonempty from the sign at the point (when the point itself
is certified inside), a known vertex pulled towards the point, or the optimum of the float LP
``max s g`` over ``{F >= 0}`` (a dense active-set simplex in numba, warm-started from the known
vertex best for that objective, so most LPs take a pivot or two), pulled inside; an unbounded LP
gives a ray, and a point far enough along it. A side is known empty from the box, or from the
optimal basis of that LP: the exact multipliers on its rows are enclosed by a verified solve
(which also proves the exact rows independent) and certified nonnegative, and ``l0`` positive,
in floats with rigorous error bounds. Points are checked form by form with float error bounds.
No tolerance decides anything: the simplex's tolerances only steer it.

Floats cannot certify a multiplier that is exactly 0, nor ``l0 = 0``: a form touching R along a
face, a form parallel to a facet, and above all the structural case of networks, a region on
which the map has rank below n, so that every later form is constant along a direction in which
R is unbounded. (Such a claim does not survive perturbing g within its radii, so no float
certificate of it exists.) Multipliers that may be 0 are dropped once and the rest solved again,
leaving out the equations that are exact zeros; that settles coordinate-aligned cases. Otherwise,
when exact forms are given, the same candidate point is evaluated in integers and the same
basis's multipliers are solved in rationals (fraction-free, python-flint), which decides them.

The LP is a small numba simplex rather than HiGHS: a highspy ``run()`` costs 0.13-0.16 ms here
even on an LP already at its optimum, several times the whole per-candidate budget.

:func:`child` makes the region on one side of a cutting form, keeping the warm starts, and
:func:`split` cuts a region by all of a layer's forms at once, ``(pieces, states)`` as the float
polygon splitters give them: the cascade runs in one numba call, and only pieces where floats
leave a unit open come back to Python for the exact forms. :func:`pieces_met` decides open pieces
given by several forms (a maxout unit's argmax cells, a hard-tanh unit's middle piece): a
certified point in R and the piece, a certified Farkas vector, or undecided; :func:`argmax_cells`
gives a maxout unit's argmax cells that meet R (its pairwise differences classified first, then
the cells those leave open met or missed), and :func:`split_argmax` cuts a region by a whole
maxout layer, unit by unit, as :func:`split` does for one form per unit. :func:`boundedness`
says whether a region is bounded (certified both ways, or unknown).
"""
from __future__ import annotations

import enum
import functools
import math
from collections.abc import Callable, Sequence
from typing import Any
from dataclasses import dataclass

import flint
import numpy as np

from geometry import certified_lp_kernels as kernels, kernels as float_kernels
from geometry.errors import DimensionMismatchError
from geometry.exact import (AffineForm, homogeneous_from_floats, is_strictly_inside, negate,
                            value_times_denominator)
from geometry.lp import is_farkas_certificate

_VERTICES = 24  # warm starts kept per region
_U = 2.0 ** -53
_NO_BOX = np.empty(0)


class Outcome(enum.IntEnum):
    """How a candidate form meets a region (see the module docstring)."""

    UNDECIDED = kernels.UNDECIDED
    POSITIVE = kernels.POSITIVE
    NEGATIVE = kernels.NEGATIVE
    CUTS = kernels.CUTS


class Meets(enum.IntEnum):
    """Whether an open piece meets a region: MEETS with a certified point, MISSES with a certified
    Farkas vector, or UNDECIDED."""

    UNDECIDED = kernels.UNKNOWN
    MEETS = kernels.NONEMPTY
    MISSES = kernels.EMPTY


class LPRegion:
    """A region for the splitter (see the module docstring for every argument's convention)."""

    __slots__ = ("forms", "radii", "point", "exact", "lo", "hi", "_vertices", "_bases", "_ring")

    def __init__(self, forms: np.ndarray, radii: np.ndarray, point: np.ndarray, *,
                 exact: Sequence[AffineForm] | Callable[[], Sequence[AffineForm]] | None = None,
                 box: tuple[np.ndarray, np.ndarray] | None = None):
        self.point = np.ascontiguousarray(point, dtype=float)
        n = self.point.shape[0]
        self.forms = np.ascontiguousarray(forms, dtype=float).reshape(-1, n + 1)
        self.radii = np.ascontiguousarray(radii, dtype=float).reshape(-1, n + 1)
        if self.radii.shape != self.forms.shape:
            raise DimensionMismatchError(f"radii of shape {self.radii.shape} for forms of shape {self.forms.shape}")
        self.exact = exact if exact is None or callable(exact) else _resolved(exact)
        if self.exact is not None and not callable(self.exact) and len(self.exact) != len(self.forms):
            raise DimensionMismatchError(f"{len(self.exact)} exact forms for {len(self.forms)} float rows")
        self.lo = self.hi = _NO_BOX
        if box is not None:
            self.lo, self.hi = (np.ascontiguousarray(v, dtype=float) for v in box)
            if self.lo.shape != (n,) or self.hi.shape != (n,):
                raise DimensionMismatchError(f"a box of shapes {self.lo.shape}, {self.hi.shape} in R^{n}")
        self._vertices = np.empty((_VERTICES, n))
        self._bases = np.empty((_VERTICES, n), np.int64)
        self._ring = np.zeros(2, np.int64)

    @property
    def box(self) -> tuple[np.ndarray, np.ndarray] | None:
        return None if self.lo.shape[0] == 0 else (self.lo, self.hi)

    @property
    def dim(self) -> int:
        return self.point.shape[0]

    def copy(self) -> LPRegion:
        """The same region with its own copy of the known vertices (classifying against it leaves
        this one's warm starts as they are; the arrays of forms are shared, never written)."""
        out = object.__new__(LPRegion)
        out.forms, out.radii, out.point, out.exact, out.lo, out.hi = (
            self.forms, self.radii, self.point, self.exact, self.lo, self.hi)
        out._vertices, out._bases, out._ring = self._vertices.copy(), self._bases.copy(), self._ring.copy()
        return out

    def exact_forms(self) -> tuple[AffineForm, ...] | None:
        """The exact forms (computed now if they were given as a function), or None."""
        if callable(self.exact):
            forms = self.exact() if isinstance(self.exact, _Derived) else _resolved(self.exact)
            if len(forms) != len(self.forms):
                raise DimensionMismatchError(f"{len(forms)} exact forms for {len(self.forms)} float rows")
            self.exact = forms
        return self.exact


class _Derived:
    """The exact forms of a region made here from its parent's: a function returning them as they
    are (tuples of ints already, so nothing is converted again)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], tuple[AffineForm, ...]]):
        self.make = make

    def __call__(self) -> tuple[AffineForm, ...]:
        return self.make()


def _resolved(value) -> tuple[AffineForm, ...]:
    """Forms given directly, or as a function of no arguments that computes them."""
    return tuple(tuple(int(v) for v in f) for f in (value() if callable(value) else value))


def enclosure(forms: Sequence[AffineForm]) -> tuple[np.ndarray, np.ndarray]:
    """Float rows and radii enclosing positive multiples of exact integer forms: each form is
    scaled by a power of two to largest entry in [1, 2), its entries rounded (shifted to 62 bits,
    then to the nearest float) and the radii bound both roundings and any underflow."""
    forms = list(forms)
    width = len(forms[0]) if forms else 1
    F, R = np.zeros((len(forms), width)), np.zeros((len(forms), width))
    for i, form in enumerate(forms):
        top = max(abs(v) for v in form).bit_length()
        if top == 0:
            continue
        shift = max(0, top - 62)
        exponent = min(top, 62) - 1  # entries / 2^(shift + exponent) are below 2 in magnitude
        for j, v in enumerate(form):
            w = v >> shift if shift else v  # floor: |v / 2^shift - w| < 1
            approx = float(w)
            value = math.ldexp(approx, -exponent)
            radius = (1.0 if shift else 0.0) + (2 * _U * abs(approx) if int(approx) != w else 0.0)
            radius = math.ldexp(radius, -exponent) * (1 + 2.0 ** -50)
            if w and abs(value) < 2.0 ** -1021:
                radius += 2.0 ** -1073
            F[i, j], R[i, j] = value, radius
    return F, R


def lp_region(forms: Sequence[AffineForm], point: Sequence[float] | np.ndarray, *,
              box: tuple[np.ndarray, np.ndarray] | None = None) -> LPRegion:
    """The region ``{forms > 0}`` of exact integer forms, with a float point strictly inside it
    (checked exactly) and an optional box containing it."""
    exact = _resolved(forms)
    x = np.asarray(point, dtype=float)
    if any(len(f) != x.shape[0] + 1 for f in exact):
        raise DimensionMismatchError(f"forms of lengths {sorted({len(f) for f in exact})} for a point in R^{x.shape[0]}")
    if not is_strictly_inside(exact, homogeneous_from_floats(x)):
        raise DimensionMismatchError(f"the point {x.tolist()} is not strictly inside the region")
    F, R = enclosure(exact) if exact else (np.zeros((0, x.shape[0] + 1)),) * 2
    return LPRegion(F, R, x, exact=exact, box=box)


@dataclass(frozen=True)
class Classification:
    """:func:`classify`'s answer: ``outcomes[u]`` (an :class:`Outcome` value, in an int8 array)
    for candidate u and, for a cutting one, ``points[u, 0]`` (g > 0) and ``points[u, 1]``
    (g < 0), certified strictly inside the region."""

    outcomes: np.ndarray
    points: np.ndarray


def classify(region: LPRegion, G: np.ndarray, RG: np.ndarray,
             exact: Sequence[AffineForm] | Callable[[], Sequence[AffineForm]] | None = None) -> Classification:
    """How each candidate form (rows ``G`` with radii ``RG``; ``exact`` the integer forms they
    enclose, or a function returning them, used only when floats do not decide) meets the region
    (see the module docstring)."""
    n = region.dim
    G = np.ascontiguousarray(G, dtype=float).reshape(-1, n + 1)
    RG = np.ascontiguousarray(RG, dtype=float).reshape(-1, n + 1)
    if RG.shape != G.shape:
        raise DimensionMismatchError(f"radii of shape {RG.shape} for candidates of shape {G.shape}")
    outcomes, sides, points, bases = kernels.classify_units(
        region.forms, region.radii, region.point, G, RG, region.lo, region.hi, region._vertices, region._bases,
        region._ring)
    if region.exact is not None and exact is not None:
        open_units = np.flatnonzero(outcomes == kernels.UNDECIDED).tolist()
        if open_units:
            forms, exact = region.exact_forms(), exact() if callable(exact) else exact
            for u in open_units:
                outcomes[u] = _exact_outcome(forms, tuple(int(v) for v in exact[u]), sides[u], points[u], bases[u])
    return Classification(outcomes, points)


def _exact_outcome(forms, g, sides, points, bases) -> Outcome:
    """The float pass's candidate points and bases for a form's unknown sides, checked exactly."""
    if not any(g[1:]):
        return Outcome.UNDECIDED if g[0] == 0 else (Outcome.POSITIVE if g[0] > 0 else Outcome.NEGATIVE)
    known = [int(v) for v in sides[:, 0]]
    for t, s in ((0, 1), (1, -1)):
        if known[t] != kernels.UNKNOWN or known[1 - t] == kernels.EMPTY:
            continue
        if sides[t, 1] and _exact_witness(forms, g, s, points[t]):
            known[t] = kernels.NONEMPTY
        elif sides[t, 2] and _exact_dual(forms, negate(g) if s > 0 else g, bases[t]):
            known[t] = kernels.EMPTY
    if known[1] == kernels.EMPTY:
        return Outcome.POSITIVE
    if known[0] == kernels.EMPTY:
        return Outcome.NEGATIVE
    return Outcome.CUTS if known == [kernels.NONEMPTY] * 2 else Outcome.UNDECIDED


def _exact_witness(forms, g: AffineForm, s: int, point: np.ndarray) -> bool:
    h = homogeneous_from_floats(point)
    return is_strictly_inside(forms, h) and s * value_times_denominator(g, h) > 0


def _exact_dual(forms, g: AffineForm, basis) -> bool:
    """Exactly: ``g = l0 + sum y_i f_i`` with y >= 0 on the basis's rows and ``l0 >= 0``."""
    rows = [forms[i] for i in basis.tolist() if i >= 0]
    n = len(g) - 1
    y = _solution(flint.fmpz_mat(n, len(rows), [f[j] for j in range(1, n + 1) for f in rows]),
                  flint.fmpz_mat(n, 1, list(g[1:])))
    if y is None or any(y[t, 0] < 0 for t in range(len(rows))):
        return False
    return g[0] - sum((y[t, 0] * f[0] for t, f in enumerate(rows)), flint.fmpq(0)) >= 0


def _solution(A: Any, c: Any) -> Any:
    """The unique rational ``y`` with ``A y = c`` exactly, or None when there is none or more than
    one: a square A is solved directly, a tall one through ``A^T A y = A^T c`` and then checked."""
    n, k = A.nrows(), A.ncols()
    if k == 0:
        return flint.fmpq_mat(0, 1) if all(c[i, 0] == 0 for i in range(n)) else None
    try:
        if k == n:
            return A.solve(c)
        T = A.transpose()
        y = (T * A).solve(T * c)
    except ZeroDivisionError:  # singular: the columns are dependent
        return None
    return y if flint.fmpq_mat(A) * y == flint.fmpq_mat(c) else None


def child(region: LPRegion, g: np.ndarray, rg: np.ndarray, side: int, point: np.ndarray,
          exact: AffineForm | Callable[[], AffineForm] | None = None) -> LPRegion:
    """The region ``R ∩ {side * g > 0}`` (side +1 or -1) with the interior point ``point``
    (certified by :func:`classify`); the known vertices of R on that side are kept as warm starts."""
    out = object.__new__(LPRegion)
    out.forms, out.radii, out._vertices, out._bases, out._ring = kernels.extended(
        region.forms, region.radii, g, rg, float(side), region._vertices, region._bases, region._ring)
    out.point, out.lo, out.hi, out.exact = point, region.lo, region.hi, None
    if region.exact is not None and exact is not None:
        def forms() -> tuple[AffineForm, ...]:
            new = tuple(int(v) for v in (exact() if callable(exact) else exact))
            return (*(region.exact_forms() or ()), new if side > 0 else negate(new))
        out.exact = _Derived(forms)
    return out


class Pieces:
    """The pieces of a region under k forms (:func:`split`): ``len(pieces)`` of them, ``states[j, u]``
    1 where form u is positive on piece j and 0 where it is negative, and ``pieces[j]`` the
    :class:`LPRegion` of piece j (made when asked, with its exact forms when the split had them)."""

    def __init__(self, entries: list, states: np.ndarray, exact):
        self._entries, self.states, self._exact = entries, states, exact

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, j: int) -> LPRegion:
        parent, pack, i = self._entries[j]
        return parent if pack is None else _packed_piece(parent, pack, i, self._exact)

    def points(self) -> np.ndarray:
        """The pieces' certified interior points, one row each (no region is made)."""
        return np.array([parent.point if pack is None else pack[3][i] for parent, pack, i in self._entries]).reshape(
            len(self._entries), -1)

    def boundedness(self) -> np.ndarray:
        """Each piece's :func:`boundedness` (int8: 1, 0, -1), the pieces of one numba split in one
        call; a region is made only for a piece that exact arithmetic may still decide."""
        out = np.empty(len(self._entries), np.int8)
        packs: dict[int, tuple[Any, list[int], list[int]]] = {}
        for j, (parent, pack, i) in enumerate(self._entries):
            if pack is None:
                out[j] = boundedness(parent)
                continue
            _, pieces, which = packs.setdefault(id(pack), (pack, [], []))
            pieces.append(j)
            which.append(i)
        for pack, pieces, which in packs.values():
            states, bases, slots = kernels.packed_boundedness(*pack[:7], np.array(which, np.int64))
            out[pieces] = states
            for t in np.flatnonzero((states < 0) & (slots >= 0)).tolist():
                out[pieces[t]] = _decided(self[pieces[t]], -1, bases[t], int(slots[t]))
        return out


def _packed_piece(parent: LPRegion, pack, i: int, exact) -> LPRegion:
    """Piece i of a :func:`geometry.certified_lp_kernels.split_region` result, as a region."""
    offsets, forms, radii, points, vertices, bases, rings, states, order, _ = pack
    out = object.__new__(LPRegion)
    out.forms, out.radii = forms[offsets[i]:offsets[i + 1]], radii[offsets[i]:offsets[i + 1]]
    out.point, out._vertices, out._bases, out._ring = points[i], vertices[i], bases[i], rings[i]
    out.lo, out.hi, out.exact = parent.lo, parent.hi, None
    if parent.exact is not None and exact is not None:
        added = [(int(u), int(states[i, u])) for u in order[i, :len(out.forms) - len(parent.forms)]]

        def forms_of_piece() -> tuple[AffineForm, ...]:
            candidates = exact()
            signed = (candidates[u] if state else negate(candidates[u]) for u, state in added)
            return (*(parent.exact_forms() or ()), *signed)
        out.exact = _Derived(forms_of_piece)
    return out


def _once(exact) -> Callable[[], list[AffineForm]]:
    """Candidate forms given directly or by a function, as a function computing them once."""
    kept: list = []

    def candidates() -> list[AffineForm]:
        if not kept:
            kept.append([tuple(int(v) for v in f) for f in (exact() if callable(exact) else exact)])
        return kept[0]
    return candidates


def _subset(candidates: Callable[[], list[AffineForm]], units: list[int]) -> list[AffineForm]:
    return [candidates()[u] for u in units]


def _one(candidates: Callable[[], list[AffineForm]], unit: int) -> AffineForm:
    return candidates()[unit]


def split(region: LPRegion, G: np.ndarray, RG: np.ndarray, known: np.ndarray | None = None,
          exact: Sequence[AffineForm] | Callable[[], Sequence[AffineForm]] | None = None) -> Pieces | None:
    """The full-dimensional pieces of the region cut by every candidate form (rows ``G``, radii
    ``RG``; ``known[u]`` 1 or 0 for a unit whose sign is known already, -1 to decide), or None
    when some cut stays undecided even in exact arithmetic (the caller then splits exactly).

    The cascade runs in one numba call (:func:`geometry.certified_lp_kernels.split_region`); a
    piece where floats leave a unit open comes back, is classified with the exact forms (a thunk
    is only called then), cut once more here, and its pieces go back to numba."""
    k = G.shape[0]
    G = np.ascontiguousarray(G, dtype=float)
    RG = np.ascontiguousarray(RG, dtype=float)
    start = np.full(k, -1, np.int8) if known is None else np.asarray(known, dtype=np.int8)
    exact = None if exact is None else _once(exact)
    entries: list = []
    states: list = []
    pending = [(region, start)]
    while pending:
        piece, known_states = pending.pop()
        pack = kernels.split_region(piece.forms, piece.radii, piece.point, piece._vertices, piece._bases,
                                    piece._ring, G, RG, piece.lo, piece.hi, known_states)
        piece_states, is_open = pack[7], pack[9]
        for i in range(len(is_open)):
            if not is_open[i]:
                entries.append((piece, pack, i))
                states.append(piece_states[i])
                continue
            sub = _packed_piece(piece, pack, i, exact)
            fixed = piece_states[i].copy()
            units = np.flatnonzero(fixed < 0)
            answer = classify(sub, G[units], RG[units],
                              None if exact is None else functools.partial(_subset, exact, units.tolist()))
            outcomes = answer.outcomes
            if (outcomes == Outcome.UNDECIDED).any():
                return None
            fixed[units] = np.where(outcomes == Outcome.POSITIVE, 1, np.where(outcomes == Outcome.NEGATIVE, 0, -1))
            cutting = np.flatnonzero(outcomes == Outcome.CUTS)
            if not len(cutting):
                entries.append((sub, None, None))
                states.append(fixed)
                continue
            where = cutting[0]
            u = int(units[where])
            for t, side in ((0, 1), (1, -1)):
                kid = child(sub, G[u], RG[u], side, answer.points[where, t].copy(),
                            None if exact is None else functools.partial(_one, exact, u))
                kid_states = fixed.copy()
                kid_states[u] = 1 - t
                pending.append((kid, kid_states))
    return Pieces(entries, np.array(states, dtype=np.int8).reshape(-1, k), exact)


def boundedness(region: LPRegion) -> int:
    """1 when the region is certified bounded (its rows' normals positively span R^n: a dual
    certificate), 0 when certified unbounded (a recession direction checked by interval
    arithmetic, or at most n rows), -1 when that is not certified; see
    :func:`geometry.certified_lp_kernels.boundedness`. A recession cone of lower dimension (rows
    that vanish on it exactly: a slab, or a region on which the network's map has rank below n)
    has no float proof; when the region has exact forms, the ray of the float LP's last basis is
    then solved and checked in rationals. Warm starts are read, not changed."""
    state, basis, slot = kernels.boundedness(region.forms, region.radii, region.point, region._vertices,
                                             region._bases, region._ring)
    return _decided(region, int(state), basis, int(slot))


def _decided(region: LPRegion, state: int, basis: np.ndarray, slot: int) -> int:
    """The kernel's answer, or 0 when it left a candidate direction that checks exactly."""
    if state < 0 and slot >= 0 and region.exact is not None:
        forms = region.exact_forms()
        if forms is not None and _exact_ray(forms, basis.tolist(), slot):
            return 0
    return state


def _exact_ray(forms: Sequence[AffineForm], basis: list[int], slot: int) -> bool:
    """Exactly: the direction r with ``B r = e_slot`` (B the basis's rows' normals and pseudo-rows
    ``e_j``, written ``-1 - j``), or -r, is a recession direction of ``{forms > 0}``: ``a . r``
    has one sign (or is 0) for every form's normal a. (r is not 0: B is nonsingular.)"""
    n = len(forms[0]) - 1
    entries = [v for i in basis for v in (forms[i][1:] if i >= 0 else [int(j == -1 - i) for j in range(n)])]
    try:
        r: Any = flint.fmpz_mat(n, n, entries).solve(flint.fmpz_mat(n, 1, [int(k == slot) for k in range(n)]))
    except ZeroDivisionError:  # singular: no such direction
        return False
    values = flint.fmpq_mat(flint.fmpz_mat(len(forms), n, [v for f in forms for v in f[1:]])) * r
    signs = {(values[i, 0] > 0) - (values[i, 0] < 0) for i in range(len(forms))}
    return not (1 in signs and -1 in signs)


def pieces_met(region: LPRegion, pieces: Sequence[tuple[np.ndarray, np.ndarray, Sequence[AffineForm]
                                                       | Callable[[], Sequence[AffineForm]] | None]]
               ) -> list[tuple[Meets, np.ndarray | None]]:
    """For each open piece ``{h > 0 for its forms}`` (float rows, radii, optional exact forms or a
    function returning them, called only when floats leave the piece undecided):
    ``(MEETS, point)`` with a point certified strictly inside the region and the piece,
    ``(MISSES, None)`` with a Farkas certificate checked, or ``(UNDECIDED, None)``."""
    n = region.dim
    rows = [np.asarray(H, dtype=float).reshape(-1, n + 1) for H, _, _ in pieces]
    radii = [np.asarray(R, dtype=float).reshape(-1, n + 1) for _, R, _ in pieces]
    offsets = np.cumsum([0] + [len(H) for H in rows]).astype(np.int64)
    H = np.vstack(rows) if rows else np.zeros((0, n + 1))
    RH = np.vstack(radii) if radii else np.zeros((0, n + 1))
    state, points, has_point, bases, size = kernels.pieces_met(region.forms, region.radii, region.point, H, RH,
                                                              offsets)
    out = []
    for j, (_, _, exact) in enumerate(pieces):
        meets = Meets(int(state[j]))
        if meets is Meets.UNDECIDED and region.exact is not None and exact is not None:
            forms = (*(region.exact_forms() or ()), *_resolved(exact))
            if has_point[j] and is_strictly_inside(forms, homogeneous_from_floats(points[j])):
                meets = Meets.MEETS
            elif size[j] and _exact_farkas(forms, bases[j, :size[j]].tolist()):
                meets = Meets.MISSES
        out.append((meets, points[j].copy() if meets is Meets.MEETS else None))
    return out


def _exact_farkas(forms, support: list[int]) -> bool:
    """Exactly: a Farkas vector of ``{forms > 0}`` on the given rows (unique with
    ``sum y_i a_i = 0`` and ``sum y_i |a_i|_1 = 1``), checked by :func:`geometry.lp.is_farkas_certificate`."""
    n = len(forms[0]) - 1
    columns = [(*forms[i][1:], sum(abs(a) for a in forms[i][1:])) for i in support]
    y = _solution(flint.fmpz_mat(n + 1, len(support), [col[r] for r in range(n + 1) for col in columns]),
                  flint.fmpz_mat(n + 1, 1, [0] * n + [1]))
    if y is None:
        return False
    scale = math.lcm(*(int(y[t, 0].q) for t in range(len(support))))
    full = [0] * len(forms)
    for t, i in enumerate(support):
        full[i] += int(y[t, 0].p) * (scale // int(y[t, 0].q))
    return is_farkas_certificate(forms, full)


def argmax_cells(region: LPRegion, Z: np.ndarray, RZ: np.ndarray,
                 exact: Sequence[AffineForm] | Callable[[], Sequence[AffineForm]] | None = None,
                 ties: np.ndarray | None = None) -> list[tuple[int, np.ndarray]] | None:
    """The argmax cells ``{z_a > z_b for every b != a}`` of a maxout unit that meet the region, as
    ``(a, point)`` with a certified point in each, or None when one is undecided.

    ``Z`` (radii ``RZ``) are the unit's k pre-activations, enclosures of the forms themselves (one
    common positive multiple, so that differences of rows enclose differences of forms); ``exact``
    the same forms exactly (integers at that common scale), or a function returning them, called
    only where floats leave a decision open. ``ties[a k + b]`` (optional) settles comparisons
    known from elsewhere: 1 where ``z_a`` beats ``z_b`` everywhere (a positive constant difference,
    or equal forms with ``a < b``: the lowest index wins a tie), -1 where it never does, 0 to
    decide here. A difference that is constant on the region and not settled by ``ties`` (equal
    forms: a tie) is undecided."""
    Z = np.ascontiguousarray(Z, dtype=float)
    k = Z.shape[0]
    D, RD = float_kernels.maxout_differences(Z, np.ascontiguousarray(RZ, dtype=float), k)
    settled = np.zeros(k * k, np.int8) if ties is None else np.asarray(ties, dtype=np.int8)
    cells = _argmax_cells(region, D, RD, k, settled, None if exact is None else _once(exact))
    return None if cells is None else [(a, point) for a, point, _ in cells]


def _argmax_cells(region: LPRegion, D: np.ndarray, RD: np.ndarray, k: int, ties: np.ndarray,
                  exact: Callable[[], list[AffineForm]] | None) -> list[tuple[int, np.ndarray, list[int]]] | None:
    """``(a, point, cutting)`` for each argmax cell of one maxout unit that meets the region, or
    None when one is undecided; ``D`` (radii ``RD``) are the unit's differences, row ``a k + b``
    being ``z_a - z_b`` (:func:`geometry.kernels.maxout_differences`), ``exact`` a function
    returning the unit's exact pre-activations. The cell of a is the region cut by the
    differences ``z_a - z_b`` for b in ``cutting``: the others are positive on the whole region.

    Each pair is classified first (:func:`classify`, with its warm starts and box): a difference
    of one sign on the region settles the pair, so a unit that one pre-activation dominates
    (the common case) needs no more; a cell with one cutting difference has the point
    :func:`classify` certified on that side; the others go to :func:`pieces_met` (which also
    settles the pairs classify left open: a difference touching the region's closure at a face)."""
    pairs = [(a, b) for a in range(k) for b in range(a + 1, k) if ties[a * k + b] == 0]
    beats = {}  # (a, b) -> an Outcome of z_a - z_b on the region
    for a in range(k):
        for b in range(k):
            if ties[a * k + b]:
                beats[a, b] = Outcome.POSITIVE if ties[a * k + b] > 0 else Outcome.NEGATIVE
    points: dict[tuple[int, int], np.ndarray] = {}
    if pairs:
        rows = [a * k + b for a, b in pairs]
        answer = classify(region, D[rows], RD[rows],
                          None if exact is None else functools.partial(_exact_differences, exact, pairs))
        for (a, b), outcome, sides in zip(pairs, answer.outcomes, answer.points):
            outcome = Outcome(int(outcome))
            beats[a, b] = outcome
            beats[b, a] = {Outcome.POSITIVE: Outcome.NEGATIVE, Outcome.NEGATIVE: Outcome.POSITIVE}.get(outcome, outcome)
            if outcome is Outcome.CUTS:
                points[a, b], points[b, a] = sides[0], sides[1]
    candidates = []
    for a in range(k):
        others = [beats[a, b] for b in range(k) if b != a]
        if Outcome.NEGATIVE in others:
            continue  # some z_b exceeds z_a on the whole region
        cutting = [b for b in range(k) if b != a and beats[a, b] in (Outcome.CUTS, Outcome.UNDECIDED)]
        if not cutting:
            return [(a, region.point, [])]  # z_a is the largest on the whole region
        candidates.append((a, cutting))
    cells, pending = [], []
    for a, cutting in candidates:
        if len(cutting) == 1 and (a, cutting[0]) in points:
            cells.append((a, points[a, cutting[0]], cutting))
        else:
            pending.append((a, cutting))
    if pending:
        met = pieces_met(region, [(D[[a * k + b for b in cutting]], RD[[a * k + b for b in cutting]],
                                   None if exact is None else functools.partial(_exact_differences, exact,
                                                                                [(a, b) for b in cutting]))
                                  for a, cutting in pending])
        for (a, cutting), (meets, point) in zip(pending, met):
            if meets is Meets.UNDECIDED:
                return None
            if meets is Meets.MEETS and point is not None:
                cells.append((a, point, cutting))
    return sorted(cells, key=lambda cell: cell[0]) if cells else None


def _exact_differences(exact: Callable[[], list[AffineForm]], pairs: list[tuple[int, int]]) -> list[AffineForm]:
    rows = exact()
    return [tuple(x - y for x, y in zip(rows[a], rows[b])) for a, b in pairs]


def split_argmax(region: LPRegion, Z: np.ndarray, RZ: np.ndarray, k: int, ties: np.ndarray | None = None,
                 exact: Sequence[AffineForm] | Callable[[], Sequence[AffineForm]] | None = None) -> Pieces | None:
    """The full-dimensional pieces of the region under a maxout:k layer, as :func:`split` gives
    them: unit u's pre-activations are rows ``u k .. u k + k - 1`` of ``Z`` (radii ``RZ``; the
    forms themselves, see :func:`argmax_cells`), ``states[j, u]`` its argmax on piece j; ``ties``
    (length ``n k k``, unit u's entries from ``u k k``) as for :func:`argmax_cells`; ``exact`` the
    exact pre-activations (integers at one common scale) or a function returning them, called only
    where floats leave a decision open. None when a cell stays undecided (the caller then splits
    exactly). Units one pre-activation dominates on the whole region are found first, in one
    :func:`classify` call; the others are taken one at a time: each piece is cut into the cells of
    the next unit that meet it, by the differences that cross it."""
    Z = np.ascontiguousarray(Z, dtype=float)
    n = Z.shape[0] // k
    D, RD = float_kernels.maxout_differences(Z, np.ascontiguousarray(RZ, dtype=float), k)
    ties = np.zeros(n * k * k, np.int8) if ties is None else np.asarray(ties, dtype=np.int8)
    exact = None if exact is None else _once(exact)
    fixed = _dominated_units(region, D, RD, k, n, ties, exact)
    pieces = [(region, np.zeros(n, np.int8))]
    for u in range(n):
        if u in fixed:  # one pre-activation is the largest on the whole region, so on every piece
            for _, states in pieces:
                states[u] = fixed[u]
            continue
        rows = slice(u * k * k, (u + 1) * k * k)
        unit_exact = None if exact is None else functools.partial(_rows, exact, u * k, u * k + k)
        refined = []
        for piece, states in pieces:
            cells = _argmax_cells(piece, D[rows], RD[rows], k, ties[rows], unit_exact)
            if cells is None:
                return None
            for a, point, cutting in cells:
                kid = piece
                for b in cutting if len(cells) > 1 else ():
                    row = u * k * k + a * k + b
                    kid = child(kid, D[row], RD[row], 1, point.copy(),
                                None if unit_exact is None else functools.partial(_difference, unit_exact, a, b))
                kid_states = states.copy()
                kid_states[u] = a
                refined.append((kid, kid_states))
        pieces = refined
    return Pieces([(piece, None, None) for piece, _ in pieces],
                  np.array([states for _, states in pieces], dtype=np.int8).reshape(-1, n), exact)


def _dominated_units(region: LPRegion, D: np.ndarray, RD: np.ndarray, k: int, n: int, ties: np.ndarray,
                     exact: Callable[[], list[AffineForm]] | None) -> dict[int, int]:
    """``{u: a}`` for the units of which one pre-activation ``z_a`` exceeds the others on the whole
    region (every pair classified in one :func:`classify` call; ``ties`` settle pairs without it)."""
    pairs = [(u, a, b) for u in range(n) for a in range(k) for b in range(a + 1, k) if ties[(u * k + a) * k + b] == 0]
    outcomes: dict[tuple[int, int, int], int] = {}
    if pairs:
        answer = classify(region, D[[(u * k + a) * k + b for u, a, b in pairs]],
                          RD[[(u * k + a) * k + b for u, a, b in pairs]],
                          None if exact is None else functools.partial(
                              _exact_differences, exact, [(u * k + a, u * k + b) for u, a, b in pairs]))
        outcomes = dict(zip(pairs, answer.outcomes.tolist()))
    fixed = {}
    for u in range(n):
        for a in range(k):
            def beats(b: int) -> bool:
                settled = ties[(u * k + a) * k + b]
                if settled:
                    return settled > 0
                lo, hi = min(a, b), max(a, b)
                return outcomes[u, lo, hi] == (Outcome.POSITIVE if a < b else Outcome.NEGATIVE)
            if all(beats(b) for b in range(k) if b != a):
                fixed[u] = a
                break
    return fixed


def _rows(candidates: Callable[[], list[AffineForm]], start: int, stop: int) -> list[AffineForm]:
    return candidates()[start:stop]


def _difference(rows: Callable[[], list[AffineForm]], a: int, b: int) -> AffineForm:
    return _exact_differences(rows, [(a, b)])[0]
