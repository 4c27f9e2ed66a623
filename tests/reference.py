"""Slow, obviously correct references for the geometry tests.

Nothing here imports ``geometry``: numbers are ``fractions.Fraction``, subsets come from ``itertools``
and the only solver is ``cdd.gmp`` (exact rational LP), called directly. Every function is the
textbook definition written out, meant for tiny inputs (a brute force over all 2^k sign vectors is
fine up to about 10 hyperplanes).

Conventions (the same as geometry/, but restated here so this file stands alone):

* a row ``(b, a_1, ..., a_n)`` is the affine form ``f(x) = b + a . x``; its halfspace is ``{f >= 0}``
  and its hyperplane ``{f = 0}`` when ``a != 0``;
* a sign vector of a cell has one entry per *input row*: the sign of that row on the cell; a row with
  zero normal is constant and gets the sign of its constant ``b``.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from fractions import Fraction

import cdd
import cdd.gmp

Row = tuple[Fraction, ...]


# --- numbers ------------------------------------------------------------------------------------

def to_fraction(value: object) -> Fraction:
    """The exact rational of an int, float (its binary value), Fraction, 'p/q' string or numbers.Rational."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not finite")
    return Fraction(value)


def fraction_rows(rows: Iterable[Sequence[object]]) -> list[Row]:
    return [tuple(to_fraction(v) for v in row) for row in rows]


def sign(value: Fraction | int) -> int:
    return (value > 0) - (value < 0)


def evaluate(row: Sequence[Fraction], point: Sequence[Fraction]) -> Fraction:
    """``b + a . x`` in exact arithmetic."""
    assert len(row) == len(point) + 1, (row, point)
    return row[0] + sum(a * x for a, x in zip(row[1:], point))


def row_signs(rows: Sequence[Sequence[object]], point: Sequence[object]) -> tuple[int, ...]:
    """The sign of every row at a point, in exact arithmetic."""
    p = [to_fraction(x) for x in point]
    return tuple(sign(evaluate(r, p)) for r in fraction_rows(rows))


# --- linear algebra by the definitions ----------------------------------------------------------

def det(matrix: Sequence[Sequence[object]]) -> Fraction:
    """Leibniz formula: sum over permutations of sign * product."""
    n = len(matrix)
    m = [[to_fraction(v) for v in row] for row in matrix]
    total = Fraction(0)
    for perm in itertools.permutations(range(n)):
        inversions = sum(1 for i, j in itertools.combinations(range(n), 2) if perm[i] > perm[j])
        term = Fraction(-1 if inversions % 2 else 1)
        for i in range(n):
            term *= m[i][perm[i]]
        total += term
    return total


def rank(matrix: Sequence[Sequence[object]]) -> int:
    """Rank by Gaussian elimination over the rationals."""
    m = [[to_fraction(v) for v in row] for row in matrix]
    if not m:
        return 0
    r = 0
    for c in range(len(m[0])):
        pivot = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if pivot is None:
            continue
        m[r], m[pivot] = m[pivot], m[r]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                factor = m[i][c] / m[r][c]
                m[i] = [x - factor * y for x, y in zip(m[i], m[r])]
        r += 1
    return r


def inverse(matrix: Sequence[Sequence[object]]) -> list[list[Fraction]]:
    """Cramer's rule: inv[i][j] = (-1)^(i+j) det(minor(j, i)) / det."""
    n = len(matrix)
    m = [[to_fraction(v) for v in row] for row in matrix]
    d = det(m)
    if d == 0:
        raise ZeroDivisionError("singular matrix")
    inv = [[Fraction(0)] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            minor = [[m[r][c] for c in range(n) if c != i] for r in range(n) if r != j]
            inv[i][j] = (-1) ** (i + j) * (det(minor) if minor else Fraction(1)) / d
    return inv


# --- hyperplanes ----------------------------------------------------------------------------------

def normalised(row: Sequence[object]) -> tuple[Row, int] | None:
    """(row scaled so its first nonzero normal entry is 1, sign of that entry); None for a zero normal.

    Two rows define the same hyperplane exactly when their normalised rows are equal; the second
    value then says whether they have the same (+1, +1) or opposite orientation.
    """
    r = tuple(to_fraction(v) for v in row)
    lead = next((a for a in r[1:] if a != 0), None)
    if lead is None:
        return None
    return tuple(v / lead for v in r), sign(lead)


def distinct_hyperplanes(rows: Sequence[Sequence[object]]) -> tuple[list[Row], list[tuple[int | None, int]]]:
    """The distinct hyperplanes of the rows (normalised), and for each row (index or None, orientation)."""
    hyperplanes: list[Row] = []
    where: list[tuple[int | None, int]] = []
    for row in rows:
        n = normalised(row)
        if n is None:
            where.append((None, 1))
            continue
        key, orientation = n
        if key not in hyperplanes:
            hyperplanes.append(key)
        where.append((hyperplanes.index(key), orientation))
    return hyperplanes, where


def same_halfspace(f: Sequence[object], g: Sequence[object]) -> bool:
    """True when f = c g for some c > 0 (both with a nonzero normal)."""
    nf, ng = normalised(f), normalised(g)
    return nf is not None and nf == ng


def is_generic(rows: Sequence[Sequence[object]]) -> bool:
    """General position in R^d: any k <= d normals are independent, and no d + 1 hyperplanes meet."""
    r = fraction_rows(rows)
    d = len(r[0]) - 1
    for k in range(1, min(d, len(r)) + 1):
        for subset in itertools.combinations(r, k):
            if rank([row[1:] for row in subset]) < k:
                return False
    for subset in itertools.combinations(r, d + 1):
        if rank(subset) < d + 1:  # [b | a] of rank d: the d + 1 hyperplanes share a point
            return False
    return True


# --- exact LPs ------------------------------------------------------------------------------------

def strictly_feasible(forms: Sequence[Sequence[object]], dim: int) -> tuple[Fraction, ...] | None:
    """A point where every form is > 0, or None: one exact LP ``max t: f_i(x) - t >= 0, t <= 1``.

    The optimum is positive exactly when the strict system has a solution (the forms need not be
    normalised: any positive t works). The empty system is strictly feasible (the origin).
    """
    array = [[*(to_fraction(v) for v in f), Fraction(-1)] for f in forms]
    for f in forms:
        assert len(f) == dim + 1, (f, dim)
    array.append([Fraction(1)] + [Fraction(0)] * dim + [Fraction(-1)])  # 1 - t >= 0
    array.append([Fraction(0)] + [Fraction(0)] * dim + [Fraction(1)])  # objective: t
    lp = cdd.gmp.linprog_from_array(array, cdd.LPObjType.MAX)
    cdd.gmp.linprog_solve(lp, cdd.LPSolverType.CRISS_CROSS)  # libcdd 0.94m's dual simplex can corrupt the heap
    assert lp.status == cdd.LPStatusType.OPTIMAL, lp.status  # always feasible (t -> -oo), bounded (t <= 1)
    if lp.obj_value > 0:
        point = tuple(Fraction(v) for v in lp.primal_solution[:dim])
        assert all(evaluate([to_fraction(v) for v in f], point) > 0 for f in forms)
        return point
    return None


def brute_force_cell_points(rows: Sequence[Sequence[object]], domain_rows: Sequence[Sequence[object]] = ()
                            ) -> dict[tuple[int, ...], tuple[Fraction, ...]]:
    """Every cell of the arrangement inside the interior of ``{domain rows >= 0}``: sign vector -> point.

    For each sign vector s over the distinct hyperplanes, one exact LP decides whether
    ``{x : s_k h_k(x) > 0 for all k, g(x) > 0 for the domain rows g}`` is nonempty. The keys are
    expanded to one sign per input row (see the module docstring).
    """
    rows = fraction_rows(rows)
    domain = fraction_rows(domain_rows)
    dim = len(rows[0]) - 1 if rows else len(domain[0]) - 1
    hyperplanes, where = distinct_hyperplanes(rows)
    assert len(hyperplanes) <= 12, "brute force is for tiny arrangements"
    found = {}
    for signs in itertools.product((1, -1), repeat=len(hyperplanes)):
        forms = [tuple(s * v for v in h) for s, h in zip(signs, hyperplanes)] + domain
        point = strictly_feasible(forms, dim)
        if point is None:
            continue
        per_row = tuple(sign(row[0]) if k is None else o * signs[k] for row, (k, o) in zip(rows, where))
        found[per_row] = point
    return found


def brute_force_cells(rows: Sequence[Sequence[object]], domain_rows: Sequence[Sequence[object]] = ()
                      ) -> set[tuple[int, ...]]:
    """The set of sign vectors (one sign per input row) of the cells; see :func:`brute_force_cell_points`."""
    return set(brute_force_cell_points(rows, domain_rows))


def is_irredundant(forms: Sequence[Sequence[object]], index: int, dim: int) -> bool:
    """True when removing ``forms[index]`` changes ``{f >= 0 for all forms}`` (full-dimensional case):
    some point has the other forms > 0 and this one < 0."""
    others = [f for i, f in enumerate(forms) if i != index]
    flipped = [-to_fraction(v) for v in forms[index]]
    return strictly_feasible([*others, flipped], dim) is not None


def box_rows(lower: Sequence[object], upper: Sequence[object]) -> list[Row]:
    """Rows of the box prod [lower_i, upper_i]: x_i - lower_i >= 0 and upper_i - x_i >= 0."""
    n = len(lower)
    rows = []
    for i, (lo, hi) in enumerate(zip(lower, upper)):
        unit = [Fraction(int(j == i)) for j in range(n)]
        rows.append((-to_fraction(lo), *unit))
        rows.append((to_fraction(hi), *(-u for u in unit)))
    return rows


def solve_linear(matrix: Sequence[Sequence[object]], rhs: Sequence[object]) -> list[Fraction]:
    """The unique solution of ``matrix x = rhs`` (square, nonsingular) by Cramer's rule."""
    inv = inverse(matrix)
    r = [to_fraction(v) for v in rhs]
    return [sum(a * b for a, b in zip(row, r)) for row in inv]


def brute_force_vertices(rows: Sequence[Sequence[object]]) -> set[tuple[Fraction, ...]]:
    """Vertices of ``{rows >= 0}``: points where n rows with independent normals are tight and every row
    holds (the definition of a basic feasible solution)."""
    r = fraction_rows(rows)
    n = len(r[0]) - 1
    found = set()
    for subset in itertools.combinations(r, n):
        normals = [row[1:] for row in subset]
        if rank(normals) < n:
            continue
        x = tuple(solve_linear(normals, [-row[0] for row in subset]))
        if all(evaluate(row, x) >= 0 for row in r):
            found.add(x)
    return found
