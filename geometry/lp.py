"""Small linear programs with exact answers: is ``{x : f_i(x) > 0 for all i}`` nonempty?

Every answer carries an exact certificate that is checked before it is returned:

* nonempty: a rational point ``p`` with ``f_i(p) > 0`` for every form (integer arithmetic);
* empty: a Farkas vector ``y >= 0``, ``y != 0``, with ``sum y_i a_i = 0`` and ``sum y_i b_i <= 0``
  (nonnegative integers: any positive multiple of a certificate is one).
  Then ``sum y_i f_i(x) = sum y_i b_i <= 0`` for every x, so the forms cannot all be positive
  (Motzkin's transposition theorem: one of the two certificates always exists).

Both come from the LP  ``max t  s.t.  f_i(x) - w_i t >= 0,  t <= 1``  with integer weights
``w_i = |a_i|_1`` (so exact and float programs are the same program): the optimum is positive exactly
when the strict system is feasible, and at an optimum ``t* <= 0`` the row duals are a Farkas vector.

The filtered path solves the LP in floats with cdd (microseconds), then tries to turn the float answer
into a certificate: the float optimum is an exact binary rational point to check, and the support of
the float dual gives a small linear system whose exact solution is checked as a Farkas vector. Only
when neither checks is the LP solved again in exact rational arithmetic (``cdd.gmp``). No tolerance
decides anything: a float result is only ever a candidate.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from collections.abc import Sequence
from typing import NamedTuple

import cdd
import cdd.gmp
import flint
import numpy as np

from geometry.errors import CertificateError, EmptyDomainError
from geometry.exact import (
    AffineForm,
    HomogeneousPoint,
    homogeneous,
    homogeneous_from_floats,
    is_constant,
    is_strictly_inside,
    negate,
)


@dataclass(frozen=True)
class StrictFeasibility:
    """Outcome of :func:`solve_strict`: exactly one of ``point`` and ``farkas`` is set, and it checks."""

    point: HomogeneousPoint | None
    farkas: tuple[int, ...] | None
    exact_solve: bool  # True when the exact LP was needed

    @property
    def feasible(self) -> bool:
        return self.point is not None


def is_farkas_certificate(forms: Sequence[AffineForm], y: Sequence[int]) -> bool:
    """Check exactly that ``y`` proves ``{f_i > 0 for all i}`` empty (see the module docstring)."""
    if len(y) != len(forms) or any(v < 0 for v in y) or not any(y):
        return False
    support = [(v, f) for v, f in zip(y, forms) if v]
    width = len(support[0][1])
    combined = [sum(v * f[j] for v, f in support) for j in range(width)]
    return all(c == 0 for c in combined[1:]) and combined[0] <= 0


def solve_strict(forms: Sequence[AffineForm], dim: int, *, exact: bool = False) -> StrictFeasibility:
    """Decide exactly whether some point makes every form strictly positive.

    ``exact=True`` skips the float solve (the exact path); the answer is the same either way.
    """
    forms = list(forms)
    for i, f in enumerate(forms):
        if is_constant(f) and f[0] <= 0:
            return StrictFeasibility(None, _unit(len(forms), i), False)
    active = [i for i, f in enumerate(forms) if not is_constant(f)]
    if not active:
        return StrictFeasibility((1,) + (0,) * dim, None, False)
    rows = [forms[i] for i in active]
    array = _chebyshev_lp(rows, dim)
    if not exact:
        candidate = _float_attempt(rows, dim, array)
        if candidate is not None:
            return _lift(candidate, active, len(forms), exact_solve=False)
    return _lift(_exact_solve(rows, dim, array), active, len(forms), exact_solve=True)


def _unit(length: int, index: int) -> tuple[int, ...]:
    return tuple(int(i == index) for i in range(length))


def _integer_multiple(y: dict[int, Fraction], length: int) -> list[int]:
    """The vector with entries ``y`` (on the given indices, zero elsewhere) times the lcm of its denominators."""
    scale = math.lcm(*(v.denominator for v in y.values())) if y else 1
    out = [0] * length
    for i, v in y.items():
        out[i] = int(v * scale)
    return out


def _lift(answer, active: list[int], length: int, *, exact_solve: bool) -> StrictFeasibility:
    """Re-index a Farkas vector on the nonconstant rows to all rows."""
    kind, value = answer
    if kind == "point":
        return StrictFeasibility(value, None, exact_solve)
    y = [0] * length
    for i, v in zip(active, value):
        y[i] = v
    return StrictFeasibility(None, tuple(y), exact_solve)


def _chebyshev_lp(rows: list[AffineForm], dim: int) -> list[list[int]]:
    """cdd array of ``max t: f_i(x) - |a_i|_1 t >= 0, 1 - t >= 0`` in the variables (x, t)."""
    array = [[*f, -sum(abs(a) for a in f[1:])] for f in rows]
    array.append([1] + [0] * dim + [-1])
    array.append([0] + [0] * dim + [1])
    return array


def _float_attempt(rows: list[AffineForm], dim: int, array: list[list[int]]):
    """Certificates from a float solve of the same LP, each row scaled to unit weight (a candidate only)."""
    try:
        matrix = np.array(array, dtype=float)
        matrix[:-2] /= -matrix[:-2, -1:]
        lp = cdd.linprog_from_array(matrix, cdd.LPObjType.MAX)  # type: ignore[arg-type]  # an array of floats
        cdd.linprog_solve(lp, cdd.LPSolverType.CRISS_CROSS)  # float cdd has the same dual simplex: see solve_exact_lp
    except (OverflowError, RuntimeError):  # too large for floats, or float cdd gave up: decide exactly
        return None
    if lp.status != cdd.LPStatusType.OPTIMAL:
        return None
    if lp.obj_value > 0:
        point = homogeneous_from_floats(lp.primal_solution[:dim])
        if is_strictly_inside(rows, point):
            return "point", point
        return None
    support = [i for i, v in lp.dual_solution if v != 0]
    if not support or max(support) >= len(rows):
        return None
    y = _farkas_on_support(rows, dim, support)
    if y is not None and is_farkas_certificate(rows, y):
        return "farkas", y
    return None


def _farkas_on_support(rows: list[AffineForm], dim: int, support: list[int]):
    """A nonnegative integer multiple of the unique y on ``support`` with ``sum y_i a_i = 0`` and
    ``sum y_i |a_i|_1 = 1``, if that y is unique (Cramer's rule in integers when the system is square)."""
    k = len(support)
    columns = [[*rows[i][1:], sum(abs(a) for a in rows[i][1:])] for i in support]
    if k == dim + 1:
        matrix = [[columns[c][r] for c in range(k)] for r in range(k)]
        det = _determinant(matrix)
        if det == 0:
            return None
        y = [0] * len(rows)
        for c, i in enumerate(support):  # Cramer: replace column c by the right-hand side e_last
            replaced = [[(int(r == k - 1) if cc == c else matrix[r][cc]) for cc in range(k)] for r in range(k)]
            y[i] = _determinant(replaced) * (1 if det > 0 else -1)
        return y
    entries: list[int] = []
    for r in range(dim + 1):
        entries.extend(columns[c][r] for c in range(k))
        entries.append(int(r == dim))
    reduced, rank = flint.fmpq_mat(dim + 1, k + 1, entries).rref()
    if rank != k or any(reduced[r, r] != 1 for r in range(k)):  # not unique, or inconsistent
        return None
    return _integer_multiple({i: Fraction(int(reduced[r, k].p), int(reduced[r, k].q)) for r, i in enumerate(support)},
                             len(rows))


def _determinant(matrix: list[list[int]]) -> int:
    """Determinant of a square integer matrix by fraction-free (Bareiss) elimination."""
    a = [row[:] for row in matrix]
    n, sign, previous = len(a), 1, 1
    for k in range(n - 1):
        if a[k][k] == 0:
            swap = next((r for r in range(k + 1, n) if a[r][k] != 0), None)
            if swap is None:
                return 0
            a[k], a[swap] = a[swap], a[k]
            sign = -sign
        for i in range(k + 1, n):
            for j in range(k + 1, n):
                a[i][j] = (a[i][j] * a[k][k] - a[i][k] * a[k][j]) // previous
        previous = a[k][k]
    return sign * a[n - 1][n - 1]


class ExactLP(NamedTuple):
    """A solved exact LP: cdd's status, the optimum, an optimal x and the row duals ``{row: y}``."""

    status: cdd.LPStatusType
    value: Fraction
    primal: tuple[Fraction, ...]
    duals: dict[int, Fraction]


def solve_exact_lp(array: Sequence[Sequence[int]]) -> ExactLP:
    """``max c . (1, x)`` subject to ``r . (1, x) >= 0``, exactly (``cdd.gmp``), where ``c`` is the
    last row of the integer array and the other rows are the ``r``.

    Each constraint row is divided by a power of two near its largest entry first: the same feasible
    set and optimum, and a row's dual is the scaled row's dual divided by that power. The criss-cross
    method is used, never cdd's dual simplex: before the rational solve, ``dd_LPSolve`` runs a
    float solve, and there (libcdd 0.94m) rank-deficient rows of very different sizes leave float
    residues where the tableau is zero, the dual simplex's lexicographic tie-break then runs out of
    reference rows and still reports a pivot, in column 0, and that pivot writes outside the
    tableau: heap corruption ("realloc(): invalid next size", segfaults; the LP saved in
    tests/data/cdd_crash_lp.json). A criss-cross pivot's column is always that of a nonbasic row.
    The scaling keeps the float solve's basis right more often, which makes up for criss-cross.
    """
    scales = [1 << max(max(abs(v) for v in row).bit_length() - 1, 0) for row in array[:-1]]
    scaled: list[list] = [[flint.fmpq(v, s) for v in row] for row, s in zip(array[:-1], scales)]
    lp = cdd.gmp.linprog_from_array([*scaled, list(array[-1])], cdd.LPObjType.MAX)
    cdd.gmp.linprog_solve(lp, cdd.LPSolverType.CRISS_CROSS)
    if lp.status != cdd.LPStatusType.OPTIMAL:
        return ExactLP(lp.status, Fraction(0), (), {})
    duals = {i: Fraction(v) / scales[i] for i, v in lp.dual_solution if v != 0}
    return ExactLP(lp.status, Fraction(lp.obj_value), tuple(lp.primal_solution), duals)


def _exact_solve(rows: list[AffineForm], dim: int, array: list[list[int]]):
    lp = solve_exact_lp(array)
    if lp.status != cdd.LPStatusType.OPTIMAL:
        raise CertificateError(f"exact LP ended with status {lp.status!r}; it is always feasible and bounded")
    if lp.value > 0:
        point = homogeneous(lp.primal[:dim])
        if not is_strictly_inside(rows, point):
            raise CertificateError("exact LP optimum is not strictly inside its constraints")
        return "point", point
    y = _integer_multiple({i: v for i, v in lp.duals.items() if i < len(rows)}, len(rows))
    if not is_farkas_certificate(rows, y):
        raise CertificateError("exact LP dual is not a Farkas certificate")
    return "farkas", tuple(y)


def implication_certificate(forms: Sequence[AffineForm], form: AffineForm, dim: int,
                            *, exact: bool = False) -> tuple[Fraction, tuple[Fraction, ...]] | None:
    """``(l0, l)`` with ``l0 >= 0``, ``l >= 0`` and ``form = l0 + sum_i l_i forms_i`` identically, proving
    ``form >= 0`` wherever every ``forms_i >= 0`` (affine Farkas lemma); None when ``form`` is negative
    somewhere on that full-dimensional polyhedron.

    From a Farkas vector y of ``{forms > 0, -form > 0}``: ``sum y_i f_i - y_g g`` is a constant c <= 0,
    so ``g = (sum y_i f_i - c) / y_g``; ``y_g > 0`` because the forms alone are strictly feasible.
    """
    farkas = solve_strict([*forms, negate(form)], dim, exact=exact).farkas
    if farkas is None:
        return None
    *y, y_g = farkas
    if y_g == 0:
        raise EmptyDomainError("the polyhedron given to implication_certificate has no interior point")
    constant = sum(yi * f[0] for yi, f in zip(y, forms) if yi) - y_g * form[0]
    return Fraction(-constant, y_g), tuple(Fraction(yi, y_g) for yi in y)
