"""numba kernels of the certified LP splitter (:mod:`geometry.certified_lp`).

Arrays only. A form array ``F`` (rows ``(b, a_1, ..., a_n)``) with a radius array ``RF`` stands for
exact forms within ``RF`` of ``F`` entrywise, each some positive multiple of the form meant (as in
:mod:`geometry.kernels`); a point is a float vector, i.e. the exact binary rational it denotes.

Three parts:

* :func:`minimise`, a dense active-set simplex for ``min c.x`` subject to ``b + A x >= 0`` from a
  feasible point. Its answer is a hint: its tolerances only steer the search, never a claim.
* certificates checked in floats with rigorous error bounds: :func:`inside` (a point strictly
  inside forms), :func:`verified_solve` (an enclosure of the exact solution of a square system
  with enclosed data, which also proves the exact matrix nonsingular), and the dual and Farkas
  checks built on it;
* :func:`classify_units` and :func:`pieces_met`, which run both for many forms or pieces of one
  region in one call, and :func:`boundedness` of one region.

Error bounds follow :mod:`geometry.kernels`: a float sum of ``k`` nonnegative terms is inflated
by :func:`geometry.kernels._upper`; ``gamma_k = k u / (1 - k u)`` bounds the relative error of a
float dot product of length ``k`` (Higham, 2nd ed., §3.1). Nothing that is not certified is
reported as certified.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from geometry.kernels import _gamma, _upper

OPTIMAL, UNBOUNDED, FAILED = 0, 1, 2
UNKNOWN, NONEMPTY, EMPTY = 0, 1, 2  # what is known of one side {s g > 0} of a form, or of a piece
UNDECIDED, POSITIVE, NEGATIVE, CUTS = 0, 1, 2, 3
_PRICE = 1e-11  # simplex hints: relative size of a multiplier or pivot that counts as nonzero
_BLAND_AFTER = 12  # degenerate steps in a row before Bland's rule (no cycling)


# --- small dense linear algebra (hints) ------------------------------------------------------------

@njit(cache=True)
def _lu(M: np.ndarray):
    """LU factors with partial pivoting of a square matrix (``M[perm] = L U``), and False when a
    pivot is zero or negligible (a near-singular matrix: the caller gives up)."""
    n = M.shape[0]
    A = M.copy()
    perm = np.arange(n)
    scale = 0.0
    for i in range(n):
        for j in range(n):
            scale = max(scale, abs(A[i, j]))
    for k in range(n):
        piv, best = k, abs(A[k, k])
        for i in range(k + 1, n):
            if abs(A[i, k]) > best:
                piv, best = i, abs(A[i, k])
        if not best > 1e-13 * scale:
            return A, perm, False
        if piv != k:
            for j in range(n):
                A[k, j], A[piv, j] = A[piv, j], A[k, j]
            perm[k], perm[piv] = perm[piv], perm[k]
        for i in range(k + 1, n):
            A[i, k] /= A[k, k]
            f = A[i, k]
            if f != 0.0:
                for j in range(k + 1, n):
                    A[i, j] -= f * A[k, j]
    return A, perm, True


@njit(cache=True)
def _solve(LU: np.ndarray, perm: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``x`` with ``M x = r`` from :func:`_lu` of M."""
    n = LU.shape[0]
    x = np.empty(n)
    for i in range(n):
        x[i] = r[perm[i]]
    for i in range(n):
        for j in range(i):
            x[i] -= LU[i, j] * x[j]
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, n):
            x[i] -= LU[i, j] * x[j]
        x[i] /= LU[i, i]
    return x


@njit(cache=True)
def _solve_transposed(LU: np.ndarray, perm: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``y`` with ``M^T y = r`` from :func:`_lu` of M (``M^T = U^T L^T P``)."""
    n = LU.shape[0]
    z = r.copy()
    for i in range(n):
        for j in range(i):
            z[i] -= LU[j, i] * z[j]
        z[i] /= LU[i, i]
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, n):
            z[i] -= LU[j, i] * z[j]
    y = np.empty(n)
    for i in range(n):
        y[perm[i]] = z[i]
    return y


# --- the simplex (a hint) ----------------------------------------------------------------------------

@njit(cache=True)
def minimise(A: np.ndarray, b: np.ndarray, norms: np.ndarray, c: np.ndarray, x0: np.ndarray,
             basis0: np.ndarray):
    """``min c.x`` subject to ``b + A x >= 0`` (row norms ``norms``), from a feasible ``x0``.

    A basis is n entries: a row index ``i >= 0`` (the row is active) or ``-1 - j``, the pseudo-row
    ``e_j`` of a free direction not yet blocked (so every basis is a square matrix; the start may be
    all pseudo-rows at an interior point). Each step prices the basis's multipliers
    ``B^T lam = c``: a pseudo-row with ``lam != 0`` or an active row with ``lam < 0`` leaves, the
    iterate moves along ``B^{-1} e_k`` (sign chosen downhill) until a row blocks, which enters.
    Dantzig pricing, then Bland's rule after a run of degenerate steps.

    Returns ``(status, x, basis, direction)``: OPTIMAL (``direction`` unused; the basis may still
    hold pseudo-rows when the optimum is a face with no vertex), UNBOUNDED (``direction`` a ray
    along which ``c.x`` falls and no row blocks), or FAILED (a singular basis or too many steps)."""
    m, n = A.shape
    x = x0.copy()
    basis = basis0.copy()
    active = np.zeros(m, np.bool_)
    for k in range(n):
        if basis[k] >= 0:
            active[basis[k]] = True
    cnorm = 0.0
    for j in range(n):
        cnorm += c[j] * c[j]
    cnorm = np.sqrt(cnorm)
    B = np.empty((n, n))
    unit = np.zeros(n)
    degenerate = 0
    for _ in range(60 + 4 * (m + n)):
        for k in range(n):
            if basis[k] >= 0:
                B[k] = A[basis[k]]
            else:
                B[k] = 0.0
                B[k, -1 - basis[k]] = 1.0
        LU, perm, ok = _lu(B)
        if not ok:
            return FAILED, x, basis, unit
        lam = _solve_transposed(LU, perm, c)
        leave, best, bland = -1, _PRICE * cnorm, degenerate >= _BLAND_AFTER
        for k in range(n):  # free directions first: they can never be part of a vertex optimum
            if basis[k] < 0 and abs(lam[k]) > best:
                leave, best = k, abs(lam[k])
        if leave < 0:
            for k in range(n):
                if basis[k] >= 0:
                    score = -lam[k] * norms[basis[k]]
                    if score > best and (not bland or leave < 0 or basis[k] < basis[leave]):
                        leave = k
                        if not bland:
                            best = score
        if leave < 0:  # the vertex afresh from its basis: no drift from the steps
            rhs = x.copy()
            for k in range(n):
                rhs[k] = -b[basis[k]] if basis[k] >= 0 else x[-1 - basis[k]]
            return OPTIMAL, _solve(LU, perm, rhs), basis, unit
        unit[:] = 0.0
        unit[leave] = 1.0
        s = _solve(LU, perm, unit)
        if basis[leave] < 0 and lam[leave] > 0.0:
            s = -s
        snorm = 0.0
        for j in range(n):
            snorm += s[j] * s[j]
        snorm = np.sqrt(snorm)
        enter, step, pivot = -1, np.inf, 0.0
        for i in range(m):
            if active[i]:
                continue
            As = 0.0
            value = b[i]
            for j in range(n):
                As += A[i, j] * s[j]
                value += A[i, j] * x[j]
            if As < -_PRICE * norms[i] * snorm:
                t = max(value, 0.0) / -As
                if t < step or (t == step and (i < enter if bland else -As / norms[i] > pivot)):
                    enter, step, pivot = i, t, -As / norms[i]
        if enter < 0:
            unit[:] = s
            return UNBOUNDED, x, basis, unit
        for j in range(n):
            x[j] += step * s[j]
        if basis[leave] >= 0:
            active[basis[leave]] = False
        basis[leave] = enter
        active[enter] = True
        degenerate = degenerate + 1 if step * snorm <= 1e-14 * (1.0 + np.abs(x).max()) else 0
    return FAILED, x, basis, unit


# --- certified checks ----------------------------------------------------------------------------------

@njit(cache=True)
def value_bound(f: np.ndarray, rf: np.ndarray, q: np.ndarray) -> tuple[float, float]:
    """``(v, e)``: the float value of a form at a point and a bound on its distance to the exact
    form's value there (radii, rounding of the products and the sum)."""
    n = q.shape[0]
    v = f[0]
    data = rf[0]
    products = abs(f[0])
    for j in range(n):
        p = f[j + 1] * q[j]
        v += p
        data += rf[j + 1] * abs(q[j])
        products += abs(p)
    return v, _upper(data + _gamma(n + 1) * products, 2 * n + 4)


@njit(cache=True)
def inside(F: np.ndarray, RF: np.ndarray, q: np.ndarray) -> bool:
    """True when every exact form is certified strictly positive at ``q`` (False: not certified)."""
    for i in range(F.shape[0]):
        v, e = value_bound(F[i], RF[i], q)
        if not v > e:
            return False
    return True


@njit(cache=True)
def certified_sign(f: np.ndarray, rf: np.ndarray, q: np.ndarray) -> int:
    """+1 or -1 when the exact form's sign at ``q`` is certified, else 0."""
    v, e = value_bound(f, rf, q)
    return _sign(v, e)


@njit(cache=True)
def _sign(v: float, e: float) -> int:
    """+1 or -1 when every number within ``e`` of ``v`` has that sign, else 0."""
    if v > e:
        return 1
    if -v > e:
        return -1
    return 0


@njit(cache=True)
def verified_solve(M: np.ndarray, RM: np.ndarray, r: np.ndarray, Rr: np.ndarray):
    """``(ok, y, rho)``: every exact system ``M' y = r'`` with ``|M' - M| <= RM`` and
    ``|r' - r| <= Rr`` has exactly one solution, and it is within ``rho`` of ``y`` componentwise.

    With ``X`` an approximate inverse of M: ``y' - y = X (r' - M' y) + (I - X M')(y' - y)``; if the
    bound ``eta`` of ``||I - X M'||_inf`` (computed products, their rounding, ``|X| RM``) is below 1,
    ``X M'`` and so ``M'`` are nonsingular and ``||y' - y|| <= ||delta|| / (1 - eta)`` with
    ``delta >= |X| |r' - M' y|`` (Rump's verification of linear systems; Neumaier, *Interval
    methods for systems of equations*, 1990, §4.1)."""
    n = M.shape[0]
    y = np.zeros(n)
    rho = np.zeros(n)
    LU, perm, ok = _lu(M)
    if not ok:
        return False, y, rho
    X = np.empty((n, n))
    unit = np.zeros(n)
    for j in range(n):
        unit[:] = 0.0
        unit[j] = 1.0
        X[:, j] = _solve(LU, perm, unit)
    g = _gamma(n + 1)
    for i in range(n):
        t = 0.0
        for j in range(n):
            t += X[i, j] * r[j]
        y[i] = t
    residual = np.empty(n)  # bounds |r' - M' y|
    for i in range(n):
        v = r[i]
        data = Rr[i]
        products = abs(r[i])
        for j in range(n):
            p = M[i, j] * y[j]
            v -= p
            data += RM[i, j] * abs(y[j])
            products += abs(p)
        residual[i] = _upper(abs(v) + data + g * products, 2 * n + 4)
    delta = np.empty(n)
    for i in range(n):
        t = 0.0
        for j in range(n):
            t += abs(X[i, j]) * residual[j]
        delta[i] = _upper(t, n)
    rows = np.empty(n)  # row sums of a bound on |I - X M'|
    for i in range(n):
        total = 0.0
        for j in range(n):
            v = 1.0 if i == j else 0.0
            data = 0.0
            products = abs(v)
            for k in range(n):
                p = X[i, k] * M[k, j]
                v -= p
                data += abs(X[i, k]) * RM[k, j]
                products += abs(p)
            total += abs(v) + data + g * products
        rows[i] = _upper(total, 4 * n * n + 4)
    eta = rows.max()
    if not eta < 1.0:
        return False, y, rho
    spread = _upper(delta.max() / (1.0 - eta), 4)
    for i in range(n):
        rho[i] = _upper(delta[i] + rows[i] * spread, 4)
    ok = np.isfinite(rho).all() and np.isfinite(y).all()
    return ok, y, rho


@njit(cache=True)
def _enclosed_combination(F: np.ndarray, RF: np.ndarray, rows: np.ndarray, weights: np.ndarray,
                          target: np.ndarray, rtarget: np.ndarray):
    """:func:`verified_solve` of ``sum_t y_t a_t = target[:n]`` over the normals of ``F[rows]``
    and, when ``weights`` is not empty, ``sum_t y_t w_t = target[n]`` (exact float weights).
    Equations whose data are all exact zeros (zero entries, zero radii) hold for every y and are
    left out; the others must be as many as the rows."""
    n = F.shape[1] - 1
    k = rows.shape[0]
    total = n + (1 if weights.shape[0] else 0)
    keep = np.empty(total, np.int64)
    e = 0
    for j in range(total):
        nonzero = j == n or target[j] != 0.0 or rtarget[j] != 0.0
        for t in range(k):
            if j < n:
                nonzero |= F[rows[t], j + 1] != 0.0 or RF[rows[t], j + 1] != 0.0
        if nonzero:
            keep[e] = j
            e += 1
    if e != k:
        return False, np.zeros(k), np.zeros(k)
    M = np.empty((k, k))
    RM = np.zeros((k, k))
    r = np.empty(k)
    rr = np.empty(k)
    for i in range(k):
        j = keep[i]
        r[i], rr[i] = target[j], rtarget[j]
        for t in range(k):
            if j < n:
                M[i, t], RM[i, t] = F[rows[t], j + 1], RF[rows[t], j + 1]
            else:
                M[i, t] = weights[rows[t]]
    return verified_solve(M, RM, r, rr)


@njit(cache=True)
def nonnegative_combination(F: np.ndarray, RF: np.ndarray, rows: np.ndarray, weights: np.ndarray,
                            target: np.ndarray, rtarget: np.ndarray):
    """``(ok, support, y, rho)``: exact multipliers ``y >= 0`` (within ``rho`` of ``y``) on the rows
    ``support`` of ``F`` solving the system of :func:`_enclosed_combination` are certified to
    exist. Tried on ``rows``, then, when some multipliers there may be 0 (structural zeros that
    floats cannot sign) and none is certified negative, once more on the rows whose multipliers
    are certified positive."""
    ok, y, rho = _enclosed_combination(F, RF, rows, weights, target, rtarget)
    if not ok:
        return False, rows, y, rho
    positive = 0
    for t in range(rows.shape[0]):
        if -y[t] > rho[t]:
            return False, rows, y, rho
        positive += y[t] >= rho[t]
    if positive == rows.shape[0]:
        return True, rows, y, rho
    if positive == 0:
        return False, rows, y, rho
    support = np.empty(positive, np.int64)
    i = 0
    for t in range(rows.shape[0]):
        if y[t] >= rho[t]:
            support[i] = rows[t]
            i += 1
    ok, y, rho = _enclosed_combination(F, RF, support, weights, target, rtarget)
    for t in range(support.shape[0]):
        ok &= y[t] >= rho[t]
    return ok, support, y, rho


@njit(cache=True)
def dual_certified(F: np.ndarray, RF: np.ndarray, g: np.ndarray, rg: np.ndarray, rows: np.ndarray) -> bool:
    """True when it is certified that ``g = l0 + sum_t y_t F[t]`` identically for exact ``y >= 0``
    on some of ``rows`` and ``l0 >= 0`` (so ``g >= 0`` wherever the forms are): the multipliers by
    :func:`nonnegative_combination` of ``sum_t y_t a_t = c``, and ``l0 = g_0 - sum_t y_t b_t``
    certified positive by interval arithmetic."""
    ok, support, y, rho = nonnegative_combination(F, RF, rows, np.empty(0), g[1:], rg[1:])
    if not ok:
        return False
    k = support.shape[0]
    v = g[0]
    data = rg[0]
    products = abs(g[0])
    for t in range(k):
        b, rb = F[support[t], 0], RF[support[t], 0]
        p = y[t] * b
        v -= p
        data += abs(b) * rho[t] + rb * (abs(y[t]) + rho[t])
        products += abs(p)
    return v > _upper(data + _gamma(k + 1) * products, 4 * k + 4)


@njit(cache=True)
def farkas_certified(F: np.ndarray, RF: np.ndarray, weights: np.ndarray, rows: np.ndarray) -> bool:
    """True when it is certified that exact ``y >= 0`` exist on some of ``rows`` with
    ``sum_t y_t a_t = 0``, ``sum_t y_t w_t = 1`` (the exact float weights ``w``) and
    ``sum_t y_t b_t <= 0``: then ``sum_t y_t f_t`` is a constant <= 0, so the forms are never all
    positive (Farkas). The sum is certified negative by its error bound, or is exactly 0 when every
    ``b_t`` is an exact 0."""
    n = F.shape[1] - 1
    rhs = np.zeros(n + 1)
    rhs[n] = 1.0
    ok, support, y, rho = nonnegative_combination(F, RF, rows, weights, rhs, np.zeros(n + 1))
    if not ok:
        return False
    k = support.shape[0]
    v = 0.0
    data = 0.0
    products = 0.0
    for t in range(k):
        b, rb = F[support[t], 0], RF[support[t], 0]
        p = y[t] * b
        v += p
        data += abs(b) * rho[t] + rb * (abs(y[t]) + rho[t])
        products += abs(p)
    if products == 0.0 and data == 0.0:  # every b_t is exactly 0: the sum is exactly 0
        return True
    return -v > _upper(data + _gamma(k) * products, 4 * k + 4)


# --- one region, many forms ------------------------------------------------------------------------------

@njit(cache=True)
def row_norms(F: np.ndarray) -> np.ndarray:
    """Euclidean norms of the rows' normals (hints for the simplex)."""
    m = F.shape[0]
    out = np.empty(m)
    for i in range(m):
        t = 0.0
        for j in range(1, F.shape[1]):
            t += F[i, j] * F[i, j]
        out[i] = np.sqrt(t) if t > 0.0 else 1.0
    return out


@njit(cache=True)
def _form_value(f: np.ndarray, q: np.ndarray) -> float:
    v = f[0]
    for j in range(q.shape[0]):
        v += f[j + 1] * q[j]
    return v


@njit(cache=True)
def _witness(F: np.ndarray, RF: np.ndarray, g: np.ndarray, rg: np.ndarray, s: float, v: np.ndarray,
             p: np.ndarray) -> tuple[bool, np.ndarray]:
    """A point certified strictly inside the forms with ``s g > 0``: ``v`` itself if it is one,
    else ``v`` (a boundary point with ``s g(v) > 0``) pulled towards ``p``, at the fractions 1/2,
    3/4, 7/8 of the way to where ``s g`` would vanish (all the way to p when ``s g(p) >= 0``);
    False if none certifies, with the last point tried."""
    if inside(F, RF, v) and certified_sign(g, rg, v) == s:
        return True, v
    gv, gp = s * _form_value(g, v), s * _form_value(g, p)
    reach = 1.0 if gp >= 0.0 else gv / (gv - gp)
    q = v
    for fraction in (0.5, 0.75, 0.875):
        q = v + (fraction * reach) * (p - v)
        if certified_sign(g, rg, q) != s:
            break
        if inside(F, RF, q):
            return True, q
    return False, q


@njit(cache=True)
def _box_sign(g: np.ndarray, rg: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> int:
    """+1 or -1 when the exact form has that sign on the whole box ``lo <= x <= hi``, else 0."""
    n = lo.shape[0]
    mid = np.empty(n)
    half = np.empty(n)
    for j in range(n):
        mid[j] = 0.5 * lo[j] + 0.5 * hi[j]
        half[j] = _upper(max(hi[j] - mid[j], mid[j] - lo[j]), 2)
    v, e = value_bound(g, rg, mid)
    spread = 0.0
    for j in range(n):
        spread += (abs(g[j + 1]) + rg[j + 1]) * half[j]
    return _sign(v, _upper(e + spread, n + 2))


@njit(cache=True)
def _real(basis: np.ndarray) -> np.ndarray:
    """The row indices of a basis (without its pseudo-rows)."""
    return basis[basis >= 0].copy()


@njit(cache=True)
def _remember(CX: np.ndarray, CB: np.ndarray, cloud: np.ndarray, x: np.ndarray, basis: np.ndarray) -> None:
    """Keep a vertex (with its basis) in the region's ring of known vertices."""
    slot = cloud[1]
    CX[slot] = x
    CB[slot] = basis
    cloud[0] = min(cloud[0] + 1, CX.shape[0])
    cloud[1] = (slot + 1) % CX.shape[0]


@njit(cache=True)
def extended(F: np.ndarray, RF: np.ndarray, g: np.ndarray, rg: np.ndarray, side: float, CX: np.ndarray,
             CB: np.ndarray, cloud: np.ndarray):
    """The arrays of a region cut by ``side * g > 0``: its forms and radii with that row added, and
    its known vertices on that side (with their bases, whose row indices stay valid)."""
    m, w = F.shape
    F2 = np.empty((m + 1, w))
    RF2 = np.empty((m + 1, w))
    F2[:m] = F
    RF2[:m] = RF
    F2[m] = side * g
    RF2[m] = rg
    CX2 = np.empty_like(CX)
    CB2 = np.empty_like(CB)
    kept = 0
    for v in range(cloud[0]):
        if side * _form_value(g, CX[v]) > 0.0:
            CX2[kept] = CX[v]
            CB2[kept] = CB[v]
            kept += 1
    cloud2 = np.zeros(2, np.int64)
    cloud2[0], cloud2[1] = kept, kept % CX.shape[0]
    return F2, RF2, CX2, CB2, cloud2


@njit(cache=True)
def classify_units(F: np.ndarray, RF: np.ndarray, p: np.ndarray, G: np.ndarray, RG: np.ndarray,
                   lo: np.ndarray, hi: np.ndarray, CX: np.ndarray, CB: np.ndarray, cloud: np.ndarray):
    """How each form ``G[u]`` meets the region ``{F > 0}`` with interior point ``p``.

    For each side ``s g > 0`` (s = +1 is side 0, s = -1 side 1) it finds a certified point, or a
    certificate that the side is empty (``-s g >= 0`` on the region, :func:`dual_certified`), or
    neither. In order: the box ``lo <= x <= hi`` containing the region (when ``lo`` is not empty),
    the sign at ``p``, the known vertices (``CX``, their bases ``CB``, ``cloud = (count, next)``),
    then :func:`minimise` of ``-s g`` warm-started from the known vertex best for it. Optimal
    vertices join the known ones.

    Returns ``(outcome, sides, points, bases)``: ``outcome[u]`` POSITIVE (g > 0 on the region),
    NEGATIVE, CUTS (``points[u, 0]`` and ``points[u, 1]`` certified inside with g > 0 and g < 0)
    or UNDECIDED; ``sides[u, s, 0]`` UNKNOWN, NONEMPTY or EMPTY, and for an unknown side whether
    ``points[u, s]`` (``sides[u, s, 1]``) and ``bases[u, s]`` (``sides[u, s, 2]``) hold a candidate
    point and basis that exact arithmetic may still check."""
    k, n = G.shape[0], p.shape[0]
    A = np.ascontiguousarray(F[:, 1:])
    b = np.ascontiguousarray(F[:, 0])
    norms = row_norms(F)
    outcome = np.zeros(k, np.int8)
    sides = np.zeros((k, 2, 3), np.int8)
    points = np.zeros((k, 2, n))
    bases = np.zeros((k, 2, n), np.int64)
    free = np.empty(n, np.int64)
    for j in range(n):
        free[j] = -1 - j
    use_box = lo.shape[0] == n
    p_inside = inside(F, RF, p)  # the sign at p proves a side nonempty only if p is certified inside
    for u in range(k):
        g, rg = G[u], RG[u]
        constant = True
        for j in range(1, n + 1):
            constant &= g[j] == 0.0 and rg[j] == 0.0
        if constant:  # exactly constant: its sign, if certified, holds everywhere
            if g[0] > rg[0]:
                outcome[u], sides[u, 1, 0] = POSITIVE, EMPTY
            elif -g[0] > rg[0]:
                outcome[u], sides[u, 0, 0] = NEGATIVE, EMPTY
            continue
        if use_box:
            side = _box_sign(g, rg, lo, hi)
            if side != 0:
                outcome[u] = POSITIVE if side > 0 else NEGATIVE
                sides[u, 1 if side > 0 else 0, 0] = EMPTY
                continue
        sp = certified_sign(g, rg, p) if p_inside else 0
        if sp != 0:
            t = 0 if sp > 0 else 1
            sides[u, t, 0] = NONEMPTY
            points[u, t] = p
            sides[u, t, 1] = 1
        for t in range(2):
            if sides[u, t, 0] != UNKNOWN or sides[u, 1 - t, 0] == EMPTY:
                continue
            s = 1.0 if t == 0 else -1.0
            best, start = -np.inf, -1
            for v in range(cloud[0]):
                value = s * _form_value(g, CX[v])
                if value > best:
                    best, start = value, v
            if best > 0.0:
                ok, q = _witness(F, RF, g, rg, s, CX[start], p)
                if ok:
                    sides[u, t, 0] = NONEMPTY
                    points[u, t] = q
                    sides[u, t, 1] = 1
                    continue
            c = -s * g[1:]
            if start >= 0:
                status, x, basis, ray = minimise(A, b, norms, c, CX[start], CB[start])
            else:
                status, x, basis, ray = minimise(A, b, norms, c, p, free)
            if status == FAILED:
                continue
            if status == UNBOUNDED:
                slope = 0.0
                for j in range(n):
                    slope += s * g[j + 1] * ray[j]
                gp = s * _form_value(g, p)
                step = max(2.0 * abs(gp) / slope, (1.0 + np.abs(p).max()) / np.abs(ray).max())
                q = p.copy()
                for _ in range(8):  # a ray a little off the region: come back towards p
                    q = p + step * ray
                    if inside(F, RF, q) and certified_sign(g, rg, q) == s:
                        sides[u, t, 0] = NONEMPTY
                        break
                    step *= 0.5
                points[u, t] = q
                sides[u, t, 1] = 1
                bases[u, t] = basis  # if the ray is an artefact (a multiplier that is 0 exactly)
                sides[u, t, 2] = 1
                continue
            vertex = True
            for j in range(n):
                vertex &= basis[j] >= 0
            if vertex and not (start >= 0 and (basis == CB[start]).all()):
                _remember(CX, CB, cloud, x, basis)
            bases[u, t] = basis
            sides[u, t, 2] = 1
            if s * _form_value(g, x) > 0.0:
                ok, q = _witness(F, RF, g, rg, s, x, p)
                points[u, t] = q
                sides[u, t, 1] = 1
                if ok:
                    sides[u, t, 0] = NONEMPTY
                    continue
            if dual_certified(F, RF, -s * g, rg, _real(basis)):
                sides[u, t, 0] = EMPTY
        if sides[u, 1, 0] == EMPTY:
            outcome[u] = POSITIVE
        elif sides[u, 0, 0] == EMPTY:
            outcome[u] = NEGATIVE
        elif sides[u, 0, 0] == NONEMPTY and sides[u, 1, 0] == NONEMPTY:
            outcome[u] = CUTS
    return outcome, sides, points, bases


# --- boundedness of one region ---------------------------------------------------------------------------

BOUNDED, UNBOUNDED_REGION, UNKNOWN_BOUNDEDNESS = 1, 0, -1  # as the leaves' hints


@njit(cache=True)
def recedes(F: np.ndarray, RF: np.ndarray, r: np.ndarray) -> bool:
    """True when ``r`` is not 0 and ``a . r >= 0`` is certified for the normal ``a`` of every exact
    row: ``r`` is then a direction of the recession cone ``{A r >= 0}``, so a nonempty region
    ``{F > 0}`` is unbounded. A product whose data are exact zeros (a zero entry and radius, or
    ``r_j = 0``) is exactly 0, so a row exactly orthogonal to ``r`` passes; any other row must have
    its float value at least its error bound."""
    n = r.shape[0]
    if not (r != 0.0).any():
        return False
    g = _gamma(n + 1)
    for i in range(F.shape[0]):
        v, data, products, exact = 0.0, 0.0, 0.0, True
        for j in range(n):
            p = F[i, j + 1] * r[j]
            v += p
            data += RF[i, j + 1] * abs(r[j])
            products += abs(p)
            exact &= r[j] == 0.0 or (F[i, j + 1] == 0.0 and RF[i, j + 1] == 0.0)
        if not exact and not v >= _upper(data + g * products, 2 * n + 2):
            return False
    return True


@njit(cache=True)
def _independent(F: np.ndarray, RF: np.ndarray, rows: np.ndarray) -> bool:
    """True when the exact normals of the n rows ``rows`` are certified linearly independent (the
    verified solve of a system with their matrix proves it nonsingular)."""
    n = rows.shape[0]
    M = np.empty((n, n))
    RM = np.empty((n, n))
    for t in range(n):
        for j in range(n):
            M[j, t], RM[j, t] = F[rows[t], j + 1], RF[rows[t], j + 1]
    ok, _, _ = verified_solve(M, RM, np.zeros(n), np.zeros(n))
    return ok


@njit(cache=True)
def _holds_line(A: np.ndarray, F: np.ndarray, RF: np.ndarray, basis: np.ndarray) -> bool:
    """True when, for a basis holding a pseudo-row ``e_j`` (slot k), the direction ``d`` with
    ``B d = e_k`` (along which the basis's rows are constant) or ``-d`` is certified a recession
    direction (:func:`recedes`; exact zeros settle a line parallel to exact rows)."""
    n = basis.shape[0]
    B = np.zeros((n, n))
    for k in range(n):
        if basis[k] >= 0:
            B[k] = A[basis[k]]
        else:
            B[k, -1 - basis[k]] = 1.0
    LU, perm, ok = _lu(B)
    if not ok:
        return False
    unit = np.zeros(n)
    for k in range(n):
        if basis[k] < 0:
            unit[:] = 0.0
            unit[k] = 1.0
            d = _solve(LU, perm, unit)
            if recedes(F, RF, d) or recedes(F, RF, -d):
                return True
    return False


@njit(cache=True)
def _interior_ray(A: np.ndarray, norms: np.ndarray, s: np.ndarray) -> np.ndarray:
    """A float direction deep inside the recession cone ``{A r >= 0}`` (a hint): the optimum of
    ``max t`` subject to ``a_i . r >= |a_i| t``, ``|r_j| <= 1`` and ``t <= 1``, from the ray ``s``
    scaled into the box; the zero vector when the optimum is ``t <= 0`` (the cone has no interior)."""
    m, n = A.shape
    rows = m + 2 * n + 1
    C = np.zeros((rows, n + 1))
    d = np.ones(rows)
    C[:m, :n] = A
    C[:m, n] = -norms
    d[:m] = 0.0
    for j in range(n):
        C[m + 2 * j, j], C[m + 2 * j + 1, j] = -1.0, 1.0
    C[rows - 1, n] = -1.0
    x0 = np.zeros(n + 1)
    top = np.abs(s).max()
    if top > 0.0:
        x0[:n] = s / (2.0 * top)
    t0 = 0.0
    for i in range(m):
        t0 = min(t0, (A[i] * x0[:n]).sum() / norms[i])
    x0[n] = t0 - 1.0  # strictly inside every row
    cnorms = np.empty(rows)
    for i in range(rows):
        cnorms[i] = np.sqrt((C[i] * C[i]).sum())
    free = np.empty(n + 1, np.int64)
    for j in range(n + 1):
        free[j] = -1 - j
    c = np.zeros(n + 1)
    c[n] = -1.0
    status, x, _, _ = minimise(C, d, cnorms, c, x0, free)
    if status == OPTIMAL and x[n] > 0.0:
        return x[:n].copy()
    return np.zeros(n)


@njit(cache=True)
def boundedness(F: np.ndarray, RF: np.ndarray, p: np.ndarray, CX: np.ndarray, CB: np.ndarray,
                cloud: np.ndarray) -> tuple[int, np.ndarray, int]:
    """Whether the region ``{F > 0}`` (interior point ``p``; known vertices ``CX``, bases ``CB``,
    ``cloud``, warm starts only) is bounded: BOUNDED, UNBOUNDED_REGION, or UNKNOWN_BOUNDEDNESS
    when nothing is certified.

    A nonempty region is bounded exactly when its rows' normals positively span R^n. Certificate:
    n rows B whose normals are certified independent, and ``-k``, ``k = sum_{i in B} w_i a_i``
    (fixed unequal weights ``w_i > 0``, so that symmetry does not make -k parallel to a face), a
    nonnegative combination of rows (multipliers enclosed by :func:`nonnegative_combination`):
    the cone of the normals then holds the open cone of B, which contains k, and -k, so it is all
    of R^n. B is a known vertex's basis, or the vertex reached by minimising
    ``sum_i w_i a_i`` (positive weights: bounded below on every region); the combination's rows are the optimal
    basis of ``min -k . x``, which is bounded exactly when the region is. When that LP is
    unbounded, its ray, else a ray deep inside the recession cone (:func:`_interior_ray`), is
    checked by :func:`recedes`. At most n rows never span positively: unbounded. A recession cone
    of lower dimension (a slab) has no float proof unless its rows are exact: unknown.

    Returns ``(state, basis, slot)``: for an unknown state, a basis B (the last of an unbounded
    LP, or one holding a pseudo-row) and a slot k such that ``B r = e_k`` should be a recession
    direction, up to sign (the LP's ray, or the line along which the basis's rows are constant),
    for exact arithmetic to solve and check; else ``slot = -1``."""
    m, n = F.shape[0], p.shape[0]
    none = np.full(n, -1, np.int64)
    if m <= n:
        return UNBOUNDED_REGION, none, -1
    A = np.ascontiguousarray(F[:, 1:])
    b = np.ascontiguousarray(F[:, 0])
    norms = row_norms(F)
    start = -1
    for v in range(cloud[0]):
        if start < 0 and (CB[v] >= 0).all():
            start = v
    if start >= 0:
        x, basis = CX[start].copy(), CB[start].copy()
    else:
        c = np.zeros(n)
        for i in range(m):
            c += A[i] * ((1.0 + i / m) / norms[i])  # unequal weights: opposite rows do not cancel
        free = np.empty(n, np.int64)
        for j in range(n):
            free[j] = -1 - j
        status, x, basis, _ = minimise(A, b, norms, c, p, free)
        if status != OPTIMAL:
            return UNKNOWN_BOUNDEDNESS, none, -1
        if not (basis >= 0).all():  # an optimal face without a vertex: the region holds a line
            if _holds_line(A, F, RF, basis):
                return UNBOUNDED_REGION, none, -1
            return UNKNOWN_BOUNDEDNESS, basis, int(np.argmin(basis))
    basis = basis.copy()
    target = np.zeros(n)  # -k, with a bound on its distance to the exact -k
    size = np.zeros(n)
    radius = np.zeros(n)
    for t in range(n):
        w = 1.0 + (t + 1.0) / (2 * n + 3)  # unequal weights: -k is not parallel to a face by symmetry
        for j in range(n):
            target[j] -= w * A[basis[t], j]
            size[j] += abs(w * A[basis[t], j])
            radius[j] += w * RF[basis[t], j + 1]
    for j in range(n):
        radius[j] = _upper(radius[j] + _gamma(n + 1) * size[j], 2 * n + 2)
    best = 0.0
    for j in range(n):
        best += target[j] * x[j]
    for v in range(cloud[0]):  # warm start: the known vertex lowest for -k
        value = 0.0
        for j in range(n):
            value += target[j] * CX[v, j]
        if value < best and (CB[v] >= 0).all():
            best, x, start = value, CX[v].copy(), v
    status, _, last, ray = minimise(A, b, norms, target, x, CB[start].copy() if start >= 0 else basis)
    if status == OPTIMAL:
        if _independent(F, RF, basis) and nonnegative_combination(F, RF, _real(last), np.empty(0), target,
                                                                  radius)[0]:
            return BOUNDED, none, -1
        return UNKNOWN_BOUNDEDNESS, none, -1
    if status != UNBOUNDED:
        return UNKNOWN_BOUNDEDNESS, none, -1
    if recedes(F, RF, ray) or recedes(F, RF, _interior_ray(A, norms, ray)):
        return UNBOUNDED_REGION, none, -1
    moved = np.empty(n)  # the ray leaves one row (or pseudo-row) of the basis: B ray = t e_k
    for k in range(n):
        moved[k] = (A[last[k]] * ray).sum() if last[k] >= 0 else ray[-1 - last[k]]
    return UNKNOWN_BOUNDEDNESS, last, int(np.argmax(np.abs(moved)))


@njit(cache=True)
def packed_boundedness(offsets: np.ndarray, forms: np.ndarray, radii: np.ndarray, points: np.ndarray,
                       vertices: np.ndarray, bases: np.ndarray, rings: np.ndarray, which: np.ndarray):
    """:func:`boundedness` of the pieces ``which`` of a :func:`split_region` result (its first
    seven arrays), in one call: their states, bases and slots, one row each."""
    k, n = which.shape[0], points.shape[1]
    states = np.empty(k, np.int8)
    out = np.empty((k, n), np.int64)
    slots = np.empty(k, np.int64)
    for t in range(k):
        i = which[t]
        rows = slice(offsets[i], offsets[i + 1])
        states[t], out[t], slots[t] = boundedness(forms[rows], radii[rows], points[i], vertices[i], bases[i], rings[i])
    return states, out, slots


@njit(cache=True)
def pieces_met(F: np.ndarray, RF: np.ndarray, p: np.ndarray, H: np.ndarray, RH: np.ndarray,
               offsets: np.ndarray):
    """Whether each open piece ``{H[offsets[j]:offsets[j+1]] > 0}`` meets the region ``{F > 0}``.

    A piece containing ``p`` (certified) meets it. Otherwise :func:`minimise` solves the
    Chebyshev-type LP ``max t`` subject to ``f(x) - |a_f| t >= 0`` for the region's and the piece's
    forms and ``t <= 1``, from ``(p, t_0)``: at ``t* > 0`` its point (the centre of a largest ball
    in both, nearly) is certified strictly inside; at ``t* <= 0`` the optimal basis's multipliers
    are checked as a Farkas vector (:func:`farkas_certified`).

    Returns ``(state, points, has_point, bases, size)``: ``state[j]`` NONEMPTY (``points[j]``
    certified), EMPTY or UNKNOWN; for an unknown piece a candidate point and the rows (indices
    into ``F`` then the piece's forms, ``size[j]`` of them in ``bases[j]``) of a candidate Farkas
    vector, for exact arithmetic to check."""
    pieces, n = offsets.shape[0] - 1, p.shape[0]
    m = F.shape[0]
    state = np.zeros(pieces, np.int8)
    points = np.zeros((pieces, n))
    has_point = np.zeros(pieces, np.bool_)
    bases = np.full((pieces, n + 1), -1, np.int64)
    size = np.zeros(pieces, np.int64)
    for j in range(pieces):
        start, stop = offsets[j], offsets[j + 1]
        if inside(H[start:stop], RH[start:stop], p) and inside(F, RF, p):
            state[j] = NONEMPTY
            points[j] = p
            has_point[j] = True
            continue
        rows = m + stop - start
        E = np.empty((rows, n + 1))  # the region's forms, then the piece's
        RE = np.empty((rows, n + 1))
        E[:m], RE[:m] = F, RF
        E[m:], RE[m:] = H[start:stop], RH[start:stop]
        weights = row_norms(E)
        A = np.zeros((rows + 1, n + 1))
        bb = np.empty(rows + 1)
        A[:rows, :n] = E[:, 1:]
        A[:rows, n] = -weights
        bb[:rows] = E[:, 0]
        A[rows, n], bb[rows] = -1.0, 1.0  # t <= 1
        t0 = 1.0
        for i in range(rows):
            t0 = min(t0, _form_value(E[i], p) / weights[i])
        x0 = np.empty(n + 1)
        x0[:n], x0[n] = p, t0
        free = np.empty(n + 1, np.int64)
        for i in range(n + 1):
            free[i] = -1 - i
        c = np.zeros(n + 1)
        c[n] = -1.0
        norms = np.empty(rows + 1)
        for i in range(rows + 1):
            norms[i] = np.sqrt((A[i] * A[i]).sum())
        status, x, basis, _ = minimise(A, bb, norms, c, x0, free)
        if status != OPTIMAL:
            continue
        if x[n] > 0.0:
            q = x[:n].copy()
            points[j] = q
            has_point[j] = True
            if inside(E, RE, q):
                state[j] = NONEMPTY
            continue
        support = 0
        for i in range(n + 1):
            if 0 <= basis[i] < rows:
                bases[j, support] = basis[i]
                support += 1
        size[j] = support
        if farkas_certified(E, RE, weights, bases[j, :support].copy()):
            state[j] = EMPTY
    return state, points, has_point, bases, size


@njit(cache=True)
def split_region(F: np.ndarray, RF: np.ndarray, p: np.ndarray, CX: np.ndarray, CB: np.ndarray, cloud: np.ndarray,
                 G: np.ndarray, RG: np.ndarray, lo: np.ndarray, hi: np.ndarray, known: np.ndarray):
    """The pieces of the region ``{F > 0}`` (point ``p``, known vertices ``CX, CB, cloud``) cut by
    the forms ``G``: each piece has one sign for every form (state 1 where ``G[u] > 0``, 0 where
    ``G[u] < 0``). Units with ``known[u] >= 0`` have that state already. Depth first: a piece's
    open units are classified (:func:`classify_units`), the decided ones fixed, the first cutting
    one splits it into two pieces (its certified points are theirs), which classify the other
    cutting units again.

    Returns the pieces packed: rows ``offsets[j]:offsets[j+1]`` of ``forms``/``radii``, ``points``,
    ``vertices``, ``bases``, ``rings`` (their known vertices), ``states``, ``order`` (the forms
    added to F, in order, one per extra row) and ``open``: a piece where some unit stayed undecided
    is returned as it is, with state -1 for the units not yet fixed, for exact arithmetic to go on."""
    k, n = G.shape[0], p.shape[0]
    stack = [(F, RF, p, CX, CB, cloud, known.copy(), np.full(k, -1, np.int64))]
    out = [stack[0]]
    out.pop()
    flags = []
    while stack:
        F_, RF_, p_, CX_, CB_, cloud_, states, order = stack.pop()
        units = np.flatnonzero(states < 0)
        if units.shape[0] == 0:
            out.append((F_, RF_, p_, CX_, CB_, cloud_, states, order))
            flags.append(False)
            continue
        outcome, _, points, _ = classify_units(F_, RF_, p_, G[units], RG[units], lo, hi, CX_, CB_, cloud_)
        if (outcome == UNDECIDED).any():
            out.append((F_, RF_, p_, CX_, CB_, cloud_, states, order))
            flags.append(True)
            continue
        first = -1
        for i in range(units.shape[0]):
            if outcome[i] == POSITIVE:
                states[units[i]] = 1
            elif outcome[i] == NEGATIVE:
                states[units[i]] = 0
            elif first < 0:
                first = i
        if first < 0:
            out.append((F_, RF_, p_, CX_, CB_, cloud_, states, order))
            flags.append(False)
            continue
        u = units[first]
        added = F_.shape[0] - F.shape[0]
        for t in range(2):
            side = 1.0 if t == 0 else -1.0
            F2, RF2, CX2, CB2, cloud2 = extended(F_, RF_, G[u], RG[u], side, CX_, CB_, cloud_)
            states2 = states.copy()
            states2[u] = 1 - t
            order2 = order.copy()
            order2[added] = u
            stack.append((F2, RF2, points[first, t].copy(), CX2, CB2, cloud2, states2, order2))
    pieces = len(out)
    offsets = np.zeros(pieces + 1, np.int64)
    for j in range(pieces):
        offsets[j + 1] = offsets[j] + out[j][0].shape[0]
    forms = np.empty((offsets[pieces], n + 1))
    radii = np.empty((offsets[pieces], n + 1))
    points = np.empty((pieces, n))
    vertices = np.empty((pieces,) + CX.shape)
    bases = np.empty((pieces,) + CB.shape, np.int64)
    rings = np.empty((pieces, 2), np.int64)
    states = np.empty((pieces, k), np.int8)
    order = np.empty((pieces, k), np.int64)
    open_ = np.empty(pieces, np.bool_)
    for j in range(pieces):
        F_, RF_, p_, CX_, CB_, cloud_, st, od = out[j]
        forms[offsets[j]:offsets[j + 1]] = F_
        radii[offsets[j]:offsets[j + 1]] = RF_
        points[j], vertices[j], bases[j], rings[j], states[j], order[j] = p_, CX_, CB_, cloud_, st, od
        open_[j] = flags[j]
    return offsets, forms, radii, points, vertices, bases, rings, states, order, open_
