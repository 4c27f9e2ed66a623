"""Hyperplane arrangements: their cells inside a domain, and Zaslavsky's invariants.

An arrangement is a finite list of affine forms ``f_i = b_i + a_i . x`` (rows ``(b, a_1, ..., a_n)``,
constant first); its hyperplanes are ``{f_i = 0}``. Rows that differ by a nonzero factor are the same
hyperplane (equal or opposite) and count once; rows with zero normal are not hyperplanes and never cut.

A *cell* inside a full-dimensional domain D is a connected component of D minus the hyperplanes,
i.e. a nonempty open set ``{x in int D : sign f_i(x) = s_i}``. Its sign vector ``s`` is reported per
input row, in the row's own orientation (+1: the row is positive on the cell; a zero-normal row gets
the sign of its constant). Each cell comes with an exact interior point and its irredundant closed
H-representation.

Zaslavsky (Stanley, *An introduction to hyperplane arrangements*, Thm 2.5): with the intersection
poset L(A) (nonempty intersections of hyperplanes, ordered by reverse inclusion, bottom R^n) and its
Möbius function mu, ``chi(t) = sum_x mu(x) t^dim(x)``; R^n has ``(-1)^n chi(-1)`` regions, of which
``(-1)^rank chi(1)`` are relatively bounded (bounded modulo the lineality space, the directions along
which every hyperplane is constant).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from geometry.errors import DimensionMismatchError
from geometry.exact import (
    AffineForm,
    HomogeneousPoint,
    cartesian,
    form_of_row,
    hyperplane_key,
    is_constant,
    negate,
    primitive_ints,
    value_times_denominator,
)
from geometry.partition import meeting_pieces
from geometry.polyhedron import (
    HPolyhedron,
    from_forms,
    is_bounded,
    is_facet,
    is_relatively_bounded,
    require_full_dimensional,
    whole_space,
)

if TYPE_CHECKING:
    import sympy


@dataclass(frozen=True)
class Arrangement:
    """Distinct hyperplanes of some rows: ``hyperplanes[k]`` is a canonical form (see
    :func:`geometry.exact.hyperplane_key`); row i is ``orientation[i] * hyperplanes[index[i]]``, or
    has zero normal (``index[i] is None``) and is the constant ``rows[i][0]``."""

    dim: int
    rows: tuple[AffineForm, ...]
    hyperplanes: tuple[AffineForm, ...]
    index: tuple[int | None, ...]
    orientation: tuple[int, ...]


def arrangement(rows: Iterable[Sequence[object]], dim: int | None = None) -> Arrangement:
    """Read rows ``(b, a_1, ..., a_n)`` of exact numbers as an arrangement in R^n."""
    forms = [form_of_row(r) for r in rows]
    if dim is None:
        if not forms:
            raise DimensionMismatchError("the dimension of an arrangement with no rows must be given")
        dim = len(forms[0]) - 1
    keys: dict[AffineForm, int] = {}
    index: list[int | None] = []
    orientation: list[int] = []
    for i, f in enumerate(forms):
        if len(f) != dim + 1:
            raise DimensionMismatchError(f"row {i} has {len(f)} entries; rows in R^{dim} need {dim + 1}")
        if is_constant(f):
            index.append(None)
            orientation.append(1)
            continue
        key, sign = hyperplane_key(f)
        index.append(keys.setdefault(key, len(keys)))
        orientation.append(sign)
    return Arrangement(dim, tuple(forms), tuple(keys), tuple(index), tuple(orientation))


@dataclass(frozen=True)
class Cell:
    """A full-dimensional cell: signs per input row, an exact interior point, irredundant facets."""

    signs: tuple[int, ...]
    point: tuple[Fraction, ...]
    polyhedron: HPolyhedron

    def is_bounded(self) -> bool:
        return is_bounded(self.polyhedron)

    def is_relatively_bounded(self) -> bool:
        return is_relatively_bounded(self.polyhedron)


def cells(
    rows: Iterable[Sequence[object]] | Arrangement,
    domain: HPolyhedron | None = None,
    *,
    exact: bool = False,
) -> list[Cell]:
    """All cells of the arrangement inside ``domain`` (default R^n), sorted by sign vector.

    Incremental refinement: each cell carries an exact interior point p; a hyperplane h with
    ``h(p) = s != 0`` cuts the cell exactly when the cell meets ``{s h < 0}`` in an open set, decided
    by one certified LP (:func:`geometry.lp.solve_strict`); when ``h(p) = 0`` it cuts, and one LP per
    side finds that side's interior point. Facets: a
    hyperplane is a facet of a cell exactly when flipping that one sign gives another cell (the segment
    between their interior points crosses no other hyperplane); a domain form is tested by LP.
    ``exact=True`` solves every LP in rational arithmetic; the cells are the same.
    """
    A, domain, pieces = _refined(rows, domain, exact)
    by_signs = {signs: (forms, point) for signs, forms, point in pieces}
    result = []
    for signs, (forms, point) in sorted(by_signs.items()):
        facet_forms = [f for f in domain.forms if is_facet(forms, f, A.dim, exact=exact)]
        for k, h in enumerate(A.hyperplanes):
            flipped = signs[:k] + (-signs[k],) + signs[k + 1:]
            if flipped in by_signs:
                facet_forms.append(h if signs[k] > 0 else negate(h))
        result.append(Cell(_row_signs(A, signs), cartesian(point), from_forms(facet_forms, A.dim)))
    return result


def _refine(A: Arrangement, domain_forms: list[AffineForm], start: HomogeneousPoint, exact: bool):
    """(signs per distinct hyperplane, defining forms, interior point) of every cell."""
    pieces: list[tuple[tuple[int, ...], list[AffineForm], HomogeneousPoint]] = [((), domain_forms, start)]
    for h in A.hyperplanes:
        sides = ((1, h), (-1, negate(h)))
        refined = []
        for signs, forms, point in pieces:
            met = meeting_pieces(forms, point, [[g] for _, g in sides], A.dim, exact=exact)
            if len(met) == 1:
                refined.append(((*signs, sides[met[0][0]][0]), forms, met[0][1]))
                continue
            for index, witness in met:
                sign, g = sides[index]
                refined.append(((*signs, sign), [*forms, g], witness))
        pieces = refined
    return pieces


def _row_signs(A: Arrangement, signs: tuple[int, ...]) -> tuple[int, ...]:
    out = []
    for row, k, o in zip(A.rows, A.index, A.orientation):
        out.append((row[0] > 0) - (row[0] < 0) if k is None else o * signs[k])
    return tuple(out)


def count_cells(rows: Iterable[Sequence[object]] | Arrangement, domain: HPolyhedron | None = None,
                *, exact: bool = False) -> int:
    """The number of cells inside ``domain`` (default R^n), by enumeration."""
    return len(_refined(rows, domain, exact)[2])


def _refined(rows, domain: HPolyhedron | None, exact: bool):
    """The arrangement, the domain (R^n by default) and the refinement's pieces (see :func:`_refine`)."""
    A = rows if isinstance(rows, Arrangement) else arrangement(rows, None if domain is None else domain.dim)
    domain = whole_space(A.dim) if domain is None else domain
    if domain.dim != A.dim:
        raise DimensionMismatchError(f"arrangement in R^{A.dim}, domain in R^{domain.dim}")
    return A, domain, _refine(A, list(domain.forms), require_full_dimensional(domain), exact)


# --- Zaslavsky: the intersection poset and the characteristic polynomial -----------------------------

@dataclass(frozen=True)
class Flat:
    """A nonempty intersection of hyperplanes: the hyperplanes containing it (a closed set of indices),
    its codimension, and its Möbius value mu(R^n, flat)."""

    hyperplanes: frozenset[int]
    rank: int
    mobius: int


def intersection_poset(rows: Iterable[Sequence[object]] | Arrangement, dim: int | None = None) -> list[Flat]:
    """Every flat of L(A), rank by rank, with its Möbius value.

    A flat X is carried as an integer homogeneous point ``P = (q, q x)`` on it (q > 0), an integer
    basis D of its directions and the set of hyperplanes containing it. On X, a hyperplane h not
    containing it is the affine form ``(q h(x), q (a . D))`` of X's parameters: zero slopes when h is
    parallel to X, and two hyperplanes cut X in the same flat exactly when these forms are
    proportional. So X's children (its covers) are the classes of the other hyperplanes under
    proportional restricted forms, each child's hyperplanes are X's plus its class, and the flat is
    computed once per child (fraction-free elimination); every test is exact integer arithmetic.
    ``mu(R^n) = 1`` and ``mu(x) = -sum of mu(y)`` over the flats y strictly containing x: the
    ancestors of x, the union of its parents' ancestors and the parents themselves (in a geometric
    lattice, a chain from y down to x passes through a parent of x).
    """
    A = rows if isinstance(rows, Arrangement) else arrangement(rows, dim)
    n, H = A.dim, A.hyperplanes
    whole = ((1,) + (0,) * n, [tuple(int(i == j) for j in range(n)) for i in range(n)])
    flats = [Flat(frozenset(), 0, 1)]
    ancestors: list[set[int]] = [set()]
    level: dict[frozenset[int], tuple[Any, list[int]]] = {frozenset(): (whole, [])}
    for rank in range(1, n + 1):
        ids = range(len(flats) - len(level), len(flats))
        nxt: dict[frozenset[int], tuple[Any, list[int]]] = {}
        for parent, (key, (flat, _)) in zip(ids, level.items()):
            point, directions = flat
            classes: dict[AffineForm, list[int]] = {}
            for i, h in enumerate(H):
                if i in key:
                    continue
                slopes = [point[0] * sum(a * d for a, d in zip(h[1:], direction)) for direction in directions]
                if any(slopes):
                    restricted, _ = hyperplane_key(primitive_ints([value_times_denominator(h, point), *slopes]))
                    classes.setdefault(restricted, []).append(i)
            for members in classes.values():
                child = key.union(members)
                if child not in nxt:  # a point (rank n) has no children: no need to compute it
                    nxt[child] = (_meet(flat, H[members[0]]) if rank < n else None, [])
                nxt[child][1].append(parent)
        if not nxt:
            break
        for key, (_, parents) in nxt.items():
            above = set(parents).union(*(ancestors[p] for p in parents))
            if rank < n:
                ancestors.append(above)
            flats.append(Flat(key, rank, -sum(flats[y].mobius for y in above)))
        level = nxt
    return flats


def _meet(flat, h: AffineForm):
    """The flat intersected with ``{h = 0}``, for h neither parallel to it nor containing it."""
    point, directions = flat
    slopes = [sum(a * d for a, d in zip(h[1:], direction)) for direction in directions]
    k = min((j for j, s in enumerate(slopes) if s), key=lambda j: abs(slopes[j]))
    alpha, pivot = slopes[k], directions[k]
    value = value_times_denominator(h, point)
    new_point = [alpha * point[0]] + [alpha * x - value * d for x, d in zip(point[1:], pivot)]
    new_directions = []
    for j, direction in enumerate(directions):
        if j != k:
            new_directions.append(primitive_ints([alpha * d - slopes[j] * p for d, p in zip(direction, pivot)]))
    if new_point[0] < 0:  # keep the homogeneous coordinate d positive
        new_point = [-v for v in new_point]
    return primitive_ints(new_point), new_directions


def characteristic_coefficients(rows: Iterable[Sequence[object]] | Arrangement, dim: int | None = None) -> list[int]:
    """The coefficients of ``chi_A``, by power of t: ``[c_0, ..., c_n]``, ``chi = sum_k c_k t^k``.

    Two cases need no poset. In the plane, with n distinct lines and ``m_p`` of them through each
    intersection point p (Möbius value ``m_p - 1``: the point's interval is R^2, its m_p lines and
    itself), ``chi = t^2 - n t + sum_p (m_p - 1)``; the points are found pairwise, O(n^2), as primitive
    integer homogeneous coordinates. In R^n, m hyperplanes with linearly independent normals meet in
    every subset (a subset S is a flat of codimension ``len(S)``, Möbius value ``(-1)^len(S)``), so ``chi = t^(n - m) (t - 1)^m``
    (this covers a first layer narrower than its input, where the poset would have 2^m flats). Every
    other arrangement goes through :func:`intersection_poset`.
    """
    A = rows if isinstance(rows, Arrangement) else arrangement(rows, dim)
    n, H = A.dim, A.hyperplanes
    coefficients = [0] * (n + 1)
    if n == 2:
        coefficients[2], coefficients[1] = 1, -len(H)
        pairs: dict[HomogeneousPoint, int] = {}
        for i, g in enumerate(H):
            for h in H[i + 1:]:
                X = (g[1] * h[2] - g[2] * h[1], g[2] * h[0] - g[0] * h[2], g[0] * h[1] - g[1] * h[0])
                if X[0]:
                    key = primitive_ints(X if X[0] > 0 else tuple(-x for x in X))
                    pairs[key] = pairs.get(key, 0) + 1
        # C(m_p, 2) pairs meet at p: m_p = (1 + sqrt(1 + 8 pairs)) / 2
        coefficients[0] = sum((1 + math.isqrt(1 + 8 * c)) // 2 - 1 for c in pairs.values())
    elif len(H) <= n and _independent_normals(H, n):
        m = len(H)
        for k in range(m + 1):
            coefficients[n - k] = (-1) ** k * math.comb(m, k)
    else:
        for flat in intersection_poset(A):
            coefficients[n - flat.rank] += flat.mobius
    return coefficients


def _independent_normals(H: Sequence[AffineForm], n: int) -> bool:
    import flint
    return not H or flint.fmpz_mat(len(H), n, [a for h in H for a in h[1:]]).rank() == len(H)


def characteristic_polynomial(rows: Iterable[Sequence[object]] | Arrangement, dim: int | None = None) -> sympy.Poly:
    """``chi_A(t) = sum over flats x of mu(x) t^dim(x)``, exactly, as a sympy polynomial in t
    (sympy is imported here, not when the module loads; see :func:`characteristic_coefficients`)."""
    import sympy
    coefficients = characteristic_coefficients(rows, dim)
    return sympy.Poly(list(reversed(coefficients)), sympy.Symbol("t"), domain=sympy.ZZ)


def zaslavsky_counts(rows: Iterable[Sequence[object]] | Arrangement, dim: int | None = None) -> tuple[int, int]:
    """``(regions, relatively bounded regions) = ((-1)^n chi(-1), (-1)^rank chi(1))``, where the
    rank is n minus the lowest power of t in chi.

    Three lines of the plane through one point, and three in general position (rows ``(b, a_1, a_2)``):

    >>> zaslavsky_counts([(0, 1, 0), (0, 0, 1), (0, 1, 1)])
    (6, 0)
    >>> zaslavsky_counts([(0, 1, 0), (0, 0, 1), (-1, 1, 1)])
    (7, 1)
    """
    A = rows if isinstance(rows, Arrangement) else arrangement(rows, dim)
    chi = characteristic_coefficients(A)
    rank = A.dim - next(k for k, c in enumerate(chi) if c)
    return (-1) ** A.dim * sum(c * (-1) ** k for k, c in enumerate(chi)), (-1) ** rank * sum(chi)
