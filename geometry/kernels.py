"""numba kernels: convex polygons split in float64 with rigorous error bounds (a filter).

Every float quantity here comes with a radius: a row ``f`` of a form array with the row ``r`` of
its radius array stands for an exact form ``F`` (a line ``F0 + F1 x + F2 y`` of the plane) with
``|F_i - f_i| <= r_i``. Only signs of exact forms matter, so ``F`` may be any positive multiple of
the line meant, as long as the radii refer to that multiple.

A polygon is the cyclic list of its edge lines, each nonnegative on the polygon, oriented so that
generator ``k``, where lines ``k`` and ``k + 1`` meet, has the homogeneous coordinates
``X = L_k x L_{k+1}`` on the inner side of every line (counter-clockwise order gives ``X_0 > 0`` at
a vertex; an unbounded polygon also has the line at infinity ``(1, 0, 0)`` and generators at
infinity, ``X_0 = 0``). The sign of a form ``Z`` there is the sign of ``Z . X``. That sign is
trusted only when ``|Z . X|`` computed in floats exceeds a bound on its error (the radii propagated
through the products, plus the rounding of every operation); otherwise the kernel reports that it
cannot decide, and the caller decides in exact arithmetic instead. No tolerance ever decides a sign.

Bounds are float sums of ``k`` nonnegative terms. :func:`_upper` inflates such a sum by
``1 + 4 (k + 2) u`` (u = 2^-53), which covers the rounding of the sum itself (Higham, *Accuracy
and Stability of Numerical Algorithms*, 2nd ed., §3.1-3.5: a computed sum of products of
nonnegative numbers is within ``gamma_k = k u / (1 - k u)`` of the exact one), and adds 2^-1000 for
underflow: more than ``k + 2`` smallest subnormals for any ``k < 2^70``, and a normal number, so
that no arithmetic on subnormals slows the kernels. An infinite or NaN value or bound never
certifies anything.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from geometry import kernel_cache  # noqa: F401  (stamps the cached kernels; before the first njit)

U = 2.0 ** -53
_UNDERFLOW = 2.0 ** -1000
UNDECIDED = 0
MIXED = 2


@njit(cache=True)
def _gamma(k: int) -> float:
    return k * U / (1.0 - k * U)


@njit(cache=True)
def _upper(total: float, k: int) -> float:
    """An upper bound on the exact value of a float-computed sum of ``k`` nonnegative terms."""
    return total * (1.0 + 4.0 * (k + 2) * U) + _UNDERFLOW


@njit(cache=True)
def vertices(lines: np.ndarray, radii: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Homogeneous vertices ``X_k = L_k x L_{k+1}`` of a polygon, with componentwise error bounds."""
    m = lines.shape[0]
    X = np.empty((m, 3))
    E = np.empty((m, 3))
    for k in range(m):
        g, rg = lines[k], radii[k]
        h, rh = lines[(k + 1) % m], radii[(k + 1) % m]
        for c in range(3):
            i, j = (c + 1) % 3, (c + 2) % 3  # X_c = g_i h_j - g_j h_i
            p, q = g[i] * h[j], g[j] * h[i]
            X[k, c] = p - q
            data = (abs(g[i]) * rh[j] + rg[i] * abs(h[j]) + rg[i] * rh[j]
                    + abs(g[j]) * rh[i] + rg[j] * abs(h[i]) + rg[j] * rh[i])
            E[k, c] = _upper(data + _gamma(2) * (abs(p) + abs(q)), 8)
    return X, E


@njit(cache=True)
def enclosing_box(X: np.ndarray, E: np.ndarray) -> np.ndarray:
    """``(cx, cy, rho)``: every vertex, hence the polygon, lies within ``rho`` of the float point
    ``(cx, cy)`` in each coordinate; rho is infinite when some ``X_0`` is not certified positive.

    A vertex is ``x = X_1 / X_0``; with ``|X_i - X_hat_i| <= E_i`` and ``X_hat_0 > E_0``,
    ``|x - X_hat_1 / X_hat_0| <= (E_1 + |X_hat_1 / X_hat_0| E_0) / (X_hat_0 - E_0)`` plus rounding."""
    m = X.shape[0]
    xs = np.empty(m)
    ys = np.empty(m)
    errors = np.empty(m)
    for k in range(m):
        d = X[k, 0] - E[k, 0]
        if not d > 0.0:
            return np.array([0.0, 0.0, np.inf])
        xs[k] = X[k, 1] / X[k, 0]
        ys[k] = X[k, 2] / X[k, 0]
        errors[k] = _upper((max(E[k, 1] + abs(xs[k]) * E[k, 0], E[k, 2] + abs(ys[k]) * E[k, 0])) / d
                           + U * max(abs(xs[k]), abs(ys[k])), 6)
    cx = 0.5 * (xs.min() + xs.max())
    cy = 0.5 * (ys.min() + ys.max())
    rho = 0.0
    for k in range(m):
        rho = max(rho, max(abs(xs[k] - cx), abs(ys[k] - cy)) + errors[k])
    return np.array([cx, cy, _upper(rho, 4)])


@njit(cache=True)
def side_on_box(z: np.ndarray, rz: np.ndarray, box: np.ndarray) -> int:
    """+1 or -1 when the exact form has that sign on the whole square ``box`` (see
    :func:`enclosing_box`), else ``UNDECIDED``: ``|Z(c) - Z_hat(c)| <= rz . (1, |c|)`` plus
    rounding, and Z varies by at most ``(|z_1| + rz_1 + |z_2| + rz_2) rho`` over the square."""
    cx, cy, rho = box[0], box[1], box[2]
    value = z[0] + z[1] * cx + z[2] * cy
    spread = _upper(rz[0] + rz[1] * abs(cx) + rz[2] * abs(cy) + _gamma(2) * (abs(z[0]) + abs(z[1] * cx) + abs(z[2] * cy))
                    + (abs(z[1]) + rz[1] + abs(z[2]) + rz[2]) * rho, 10)
    if value > spread:
        return 1
    if -value > spread:
        return -1
    return UNDECIDED


@njit(cache=True)
def _run(signs: np.ndarray, lines: np.ndarray, radii: np.ndarray, z: np.ndarray, rz: np.ndarray,
         s: int) -> tuple[np.ndarray, np.ndarray]:
    """The piece ``{s Z > 0}`` of a polygon whose vertex signs are certified and mixed. Its vertices
    form one cyclic run ``a..b``; the piece keeps lines ``a..b+1`` and closes with ``s Z``, still
    counter-clockwise."""
    m = lines.shape[0]
    a = 0
    while not (signs[a] == s and signs[(a - 1) % m] != s):
        a += 1
    run = 0
    while signs[(a + run) % m] == s:
        run += 1
    piece = np.empty((run + 2, 3))
    piece_r = np.empty((run + 2, 3))
    for t in range(run + 1):
        piece[t] = lines[(a + t) % m]
        piece_r[t] = radii[(a + t) % m]
    piece[run + 1] = s * z
    piece_r[run + 1] = rz
    return piece, piece_r


@njit(cache=True)
def sign_at(z: np.ndarray, rz: np.ndarray, X: np.ndarray, E: np.ndarray, k: int = 3) -> int:
    """The certified sign (+1 or -1) of ``Z . X`` for an exact form ``Z`` and an exact homogeneous
    point ``X`` of ``k`` coordinates (a vertex with ``X_0 > 0`` has the form's sign there), or 0 when
    floats cannot decide it.

    The sign tests take ``k`` (3: the plane, the default; 4 or 5: space) as a compile-time constant
    (a literal or the default, so that their loops unroll: a run-time k makes them several times
    slower); being module-level functions, numba's on-disk cache reuses them in every process."""
    gamma = k * U / (1.0 - k * U)
    value = 0.0
    data = 0.0
    products = 0.0
    for c in range(k):
        value += z[c] * X[c]
        data += abs(z[c]) * E[c] + rz[c] * abs(X[c]) + rz[c] * E[c]
        products += abs(z[c] * X[c])
    bound = _upper(data + gamma * products, 4 * k)
    if value > bound:
        return 1
    if -value > bound:
        return -1
    return UNDECIDED


@njit(cache=True)
def vertex_signs(z: np.ndarray, rz: np.ndarray, X: np.ndarray, E: np.ndarray, k: int = 3) -> np.ndarray:
    """:func:`sign_at` at every vertex."""
    signs = np.empty(X.shape[0], np.int64)
    for t in range(X.shape[0]):
        signs[t] = sign_at(z, rz, X[t], E[t], k)
    return signs


@njit(cache=True)
def side_at_vertices(z: np.ndarray, rz: np.ndarray, X: np.ndarray, E: np.ndarray, k: int = 3) -> int:
    """+1 when a form is positive at every vertex, -1 when negative at every vertex, ``MIXED``
    when it takes both signs, ``UNDECIDED`` when some vertex's sign is not certified."""
    positive = negative = False
    for t in range(X.shape[0]):
        s = sign_at(z, rz, X[t], E[t], k)
        if s == UNDECIDED:
            return UNDECIDED
        positive |= s > 0
        negative |= s < 0
    if positive and negative:
        return MIXED
    return 1 if positive else -1


@njit(cache=True)
def classify_units(Z: np.ndarray, RZ: np.ndarray, known: np.ndarray, X: np.ndarray, E: np.ndarray,
                   box: np.ndarray, k: int = 3):
    """Each unit's state on a whole shape with generators ``X``, or the units that cut it:
    ``(ok, states, cutting)``, ``ok`` False when a sign is not certified. Units with
    ``known[u] >= 0`` keep that state untested. In the plane (k = 3), the bounding square ``box``
    (:func:`enclosing_box`) is tried before the vertices."""
    n = Z.shape[0]
    states = np.zeros(n, np.int8)
    cutting = np.empty(n, np.int64)
    c = 0
    for u in range(n):
        if known[u] >= 0:
            states[u] = known[u]
            continue
        side = side_on_box(Z[u], RZ[u], box) if k == 3 else UNDECIDED
        if side == UNDECIDED:
            side = side_at_vertices(Z[u], RZ[u], X, E, k)
        if side == UNDECIDED:
            return False, states, cutting[:0]
        if side == MIXED:
            cutting[c] = u
            c += 1
        else:
            states[u] = 1 if side > 0 else 0
    return True, states, cutting[:c]


@njit(cache=True)
def _grown(a: np.ndarray, rows: int) -> np.ndarray:
    if rows <= a.shape[0]:
        return a
    bigger = np.empty((max(rows, 2 * a.shape[0]),) + a.shape[1:], a.dtype)
    bigger[:a.shape[0]] = a
    return bigger


@njit(cache=True)
def split_polygon(lines: np.ndarray, radii: np.ndarray, Z: np.ndarray, RZ: np.ndarray, known: np.ndarray):
    """The pieces of a polygon under forms ``Z`` (rows, with radii ``RZ``), each unit splitting it
    into ``{Z_u > 0}`` (state 1) and ``{Z_u < 0}`` (state 0); pieces without interior are dropped
    (a piece has interior exactly when the form has that sign at some vertex). Units with
    ``known[u] >= 0`` have that state already (their line bounds the polygon) and are not tested.

    Generators at infinity (``X_0 = 0``, next to the line at infinity ``(1, 0, 0)``) are
    generators like the others: the polygon is a cross-section of a pointed cone, whose edges in
    cyclic order give consistently oriented generators ``L_k x L_{k+1}``.

    Only the units that cut the whole polygon can cut a piece. The pieces are made depth first
    over those units, so the work in progress is one piece per cutting unit.

    Returns ``(ok, lines, radii, offsets, states)``: piece p has edge lines
    ``lines[offsets[p]:offsets[p+1]]`` and unit states ``states[p]``; ``ok`` is False (and the rest
    empty) when some sign could not be certified, so that the caller decides exactly instead."""
    n = Z.shape[0]
    X, E = vertices(lines, radii)
    box = enclosing_box(X, E)
    ok, base, cutting = classify_units(Z, RZ, known, X, E, box)
    if not ok:
        return _failed(n)
    c = cutting.shape[0]
    out_lines = np.empty((4 * lines.shape[0], 3))
    out_radii = np.empty((4 * lines.shape[0], 3))
    offsets = np.zeros(5, np.int64)
    out_states = np.empty((4, n), np.int8)
    count = 0
    stack = [(lines, radii, X, E, box, base, 0)]
    while stack:
        lines_p, radii_p, X_p, E_p, box_p, states, j = stack.pop()
        signs = np.empty(0, np.int64)
        while j < c:
            u = cutting[j]
            side = side_on_box(Z[u], RZ[u], box_p)
            if side == UNDECIDED:
                side = side_at_vertices(Z[u], RZ[u], X_p, E_p)
            if side == MIXED:
                signs = vertex_signs(Z[u], RZ[u], X_p, E_p)
                break
            if side == UNDECIDED:
                return _failed(n)
            states[u] = 1 if side > 0 else 0
            j += 1
        if j < c:
            u = cutting[j]
            for s in (1, -1):
                child, child_r = _run(signs, lines_p, radii_p, Z[u], RZ[u], s)
                child_states = states.copy()
                child_states[u] = 1 if s > 0 else 0
                Xc, Ec = vertices(child, child_r)
                stack.append((child, child_r, Xc, Ec, enclosing_box(Xc, Ec), child_states, j + 1))
            continue
        out_lines, out_radii, offsets, out_states = _emitted(out_lines, out_radii, offsets, out_states, count,
                                                             lines_p, radii_p, states)
        count += 1
    return True, out_lines[:offsets[count]], out_radii[:offsets[count]], offsets[:count + 1], out_states[:count]


@njit(cache=True)
def _emitted(out_lines, out_radii, offsets, out_states, count, lines, radii, states):
    """The output arrays of a polygon split with piece ``count`` (``lines``, ``radii``, ``states``)
    appended (grown when full)."""
    start, stop = offsets[count], offsets[count] + lines.shape[0]
    out_lines = _grown(out_lines, stop)
    out_radii = _grown(out_radii, stop)
    out_lines[start:stop] = lines
    out_radii[start:stop] = radii
    out_states = _grown(out_states, count + 1)
    out_states[count] = states
    offsets = _grown(offsets, count + 2)
    offsets[count + 1] = stop
    return out_lines, out_radii, offsets, out_states


@njit(cache=True)
def _failed(n: int):
    return False, np.empty((0, 3)), np.empty((0, 3)), np.zeros(1, np.int64), np.empty((0, n), np.int8)


@njit(cache=True)
def _difference(a: float, b: float, ra: float, rb: float) -> tuple[float, float]:
    """``a - b`` in floats and a bound on its distance to ``A - B`` for exact A, B within ``ra``,
    ``rb`` of a, b. The rounding error of the subtraction is found exactly (Knuth's TwoSum, which
    round-to-nearest and no fastmath make error-free), so an exact difference of exact values has
    radius 0."""
    d = a - b
    t = d - a
    error = (a - (d - t)) + (-b - t)  # exactly (a - b) - d
    if ra == 0.0 and rb == 0.0 and error == 0.0:
        return d, 0.0
    return d, _upper(ra + rb + abs(error), 3)


@njit(cache=True)
def maxout_differences(Z: np.ndarray, RZ: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The differences of a maxout layer's pre-activations within each unit, with radii
    (:func:`_difference`): row ``(u k + j) k + i`` is ``z_j - z_i`` of unit u, whose pre-activations
    are rows ``u k .. u k + k - 1`` of ``Z`` (enclosing the exact forms themselves, not multiples)."""
    n, cols = Z.shape[0] // k, Z.shape[1]
    D = np.empty((n * k * k, cols))
    RD = np.empty((n * k * k, cols))
    for u in range(n):
        for j in range(k):
            a = u * k + j
            for i in range(k):
                b = u * k + i
                row = a * k + i
                for c in range(cols):
                    D[row, c], RD[row, c] = _difference(Z[a, c], Z[b, c], RZ[a, c], RZ[b, c])
    return D, RD


@njit(cache=True)
def _side(z: np.ndarray, rz: np.ndarray, X: np.ndarray, E: np.ndarray, box: np.ndarray, k: int = 3) -> int:
    """:func:`side_at_vertices` of a shape with generators ``X`` of ``k`` coordinates, tried first
    on the bounding square ``box`` in the plane (``k = 3``)."""
    side = side_on_box(z, rz, box) if k == 3 else UNDECIDED
    return side_at_vertices(z, rz, X, E, k) if side == UNDECIDED else side


@njit(cache=True)
def _maxout_hint(D: np.ndarray, k: int, u: int, X: np.ndarray) -> int:
    """The cell of maxout unit u whose pre-activation is largest in floats at the first generator
    (only a guess at the unit's state on a shape, which the caller then certifies)."""
    best, value = 0, 0.0
    for j in range(1, k):
        z = D[(u * k + j) * k]  # z_j - z_0
        v = 0.0
        for c in range(X.shape[1]):
            v += z[c] * X[0, c]
        if v > value:
            best, value = j, v
    return best


@njit(cache=True)
def _maxout_state(D: np.ndarray, RD: np.ndarray, k: int, ties: np.ndarray, u: int, X: np.ndarray, E: np.ndarray,
                  box: np.ndarray, coordinates: int = 3) -> int:
    """The state of maxout unit u when it is certified constant on a shape with generators ``X``
    of ``coordinates`` coordinates (``z_j - z_i > 0`` there for every compared i: see
    :func:`split_polygon_maxout`), else -1."""
    j = _maxout_hint(D, k, u, X)
    row = (u * k + j) * k
    for i in range(k):
        if i == j or ties[row + i] > 0:
            continue
        if ties[row + i] < 0 or _side(D[row + i], RD[row + i], X, E, box, coordinates) != 1:
            return -1
    return j


@njit(cache=True)
def _argmax_cell(lines, radii, X, E, box, D, RD, k, ties, u, j):
    """Cell j of maxout unit u in a polygon, ``{z_j - z_i > 0 for every compared i}``:
    ``(ok, has_interior, lines, radii, X, E, box)`` of the polygon cut by the differences that
    cross it; ``ok`` False when a sign is not certified. A difference negative on the polygon
    empties the cell, so all are tried on the whole polygon first; the rest cut it in turn."""
    row = (u * k + j) * k
    pending = np.empty(k, np.int64)
    sides = np.empty(k, np.int64)
    p = 0
    for i in range(k):
        if i == j or ties[row + i] > 0:
            continue
        side = -1 if ties[row + i] < 0 else _side(D[row + i], RD[row + i], X, E, box)
        if side == -1:
            return True, False, lines, radii, X, E, box
        if side != 1:
            pending[p], sides[p] = i, side
            p += 1
    changed = False
    for q in range(p):
        i = pending[q]
        side = _side(D[row + i], RD[row + i], X, E, box) if changed else sides[q]
        if side == -1:
            return True, False, lines, radii, X, E, box
        if side == UNDECIDED:
            return False, False, lines, radii, X, E, box
        if side == MIXED:
            signs = vertex_signs(D[row + i], RD[row + i], X, E)
            lines, radii = _run(signs, lines, radii, D[row + i], RD[row + i], 1)
            X, E = vertices(lines, radii)
            box = enclosing_box(X, E)
            changed = True
    return True, True, lines, radii, X, E, box


@njit(cache=True)
def split_polygon_maxout(lines: np.ndarray, radii: np.ndarray, Z: np.ndarray, RZ: np.ndarray, k: int,
                         ties: np.ndarray):
    """The pieces of a polygon under a maxout:k layer's pre-activations ``Z`` (radii ``RZ``; unit u's
    are rows ``u k .. u k + k - 1``, enclosing the exact forms themselves): unit u in state j on
    the argmax cell ``{z_j > z_i for every i != j}``, kept when it has interior.

    ``ties`` (length ``n k k``, index ``(u k + j) k + i``) says which comparisons the layer's exact
    weights settle everywhere: 1 where ``z_j - z_i`` is a positive constant, or ``z_j = z_i``
    identically with ``j < i`` (the lowest index wins a tie), so the comparison is left out; -1
    where it is a negative constant, or the same tie with ``j > i``, so cell j is empty; 0 where
    it is compared in floats. A difference that floats cannot sign makes the split undecided.

    Units certified constant on the whole polygon keep their state; the others cut it, depth
    first as in :func:`split_polygon`. Returns ``(ok, lines, radii, offsets, states)`` as
    :func:`split_polygon` does."""
    n = Z.shape[0] // k
    D, RD = maxout_differences(Z, RZ, k)
    X, E = vertices(lines, radii)
    box = enclosing_box(X, E)
    base = np.zeros(n, np.int8)
    cutting = np.empty(n, np.int64)
    c = 0
    for u in range(n):
        s = _maxout_state(D, RD, k, ties, u, X, E, box)
        if s >= 0:
            base[u] = s
        else:
            cutting[c] = u
            c += 1
    out_lines = np.empty((4 * lines.shape[0], 3))
    out_radii = np.empty((4 * lines.shape[0], 3))
    offsets = np.zeros(5, np.int64)
    out_states = np.empty((4, n), np.int8)
    count = 0
    stack = [(lines, radii, X, E, box, base, 0)]
    while stack:
        lines_p, radii_p, X_p, E_p, box_p, states, j = stack.pop()
        while j < c:
            s = _maxout_state(D, RD, k, ties, cutting[j], X_p, E_p, box_p)
            if s < 0:
                break
            states[cutting[j]] = s
            j += 1
        if j < c:
            u = cutting[j]
            for cell in range(k - 1, -1, -1):
                ok, inner, cl, cr, Xc, Ec, bc = _argmax_cell(lines_p, radii_p, X_p, E_p, box_p, D, RD, k, ties, u,
                                                             cell)
                if not ok:
                    return _failed(n)
                if inner:
                    child_states = states.copy()
                    child_states[u] = cell
                    stack.append((cl, cr, Xc, Ec, bc, child_states, j + 1))
            continue
        out_lines, out_radii, offsets, out_states = _emitted(out_lines, out_radii, offsets, out_states, count,
                                                             lines_p, radii_p, states)
        count += 1
    return True, out_lines[:offsets[count]], out_radii[:offsets[count]], offsets[:count + 1], out_states[:count]


@njit(cache=True, fastmath={"reassoc", "contract"})
def affine_image(W: np.ndarray, absW: np.ndarray, EW: np.ndarray, exact_weights: bool, C: np.ndarray,
                 RC: np.ndarray, H: np.ndarray, RH: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``F = W H + C`` with radii: the forms ``H`` (rows, radii ``RH``) pushed through ``W``
    (exact entries within ``EW`` of the floats; ``absW = |W|``; ``exact_weights`` when ``EW`` is all
    zero), plus the forms ``C`` (radii ``RC``; a layer's bias is ``C = b e_0``).

    ``|F - F_hat| <= EW (|H| + RH) + |W| (RH + g |H|) + RC + g |C|`` with ``g = gamma_{n+1}``: each
    entry of ``F`` is one float sum of the ``n`` products and ``C``, and Higham's bound
    ``|fl(sum t_k) - sum t_k| <= gamma_{n+1} sum |t_k|`` holds for every order of evaluation and with
    fused multiply-adds. So the compiler may reassociate the whole sum, ``C`` included, and
    vectorise it (the ``reassoc`` and ``contract`` flags below); nothing else in this kernel is
    reassociated in a way the bound does not cover (the bound is itself a sum of nonnegative terms,
    inflated by :func:`_upper`, which holds in any order)."""
    n_out, n_in = W.shape
    cols = H.shape[1]
    g = _gamma(n_in + 1)
    HT = np.empty((cols, n_in))  # columns contiguous, so that each sum over k vectorises
    A = np.empty((cols, n_in))
    B = np.empty((cols, n_in))
    for k in range(n_in):
        for j in range(cols):
            HT[j, k] = H[k, j]
            A[j, k] = abs(H[k, j]) + RH[k, j]
            B[j, k] = RH[k, j] + g * abs(H[k, j])
    F = np.empty((n_out, cols))
    R = np.empty((n_out, cols))
    for i in range(n_out):
        w, a = W[i], absW[i]
        for j in range(cols):
            value = 0.0
            bound = 0.0
            for k in range(n_in):
                value += w[k] * HT[j, k]
                bound += a[k] * B[j, k]
            if not exact_weights:
                for k in range(n_in):
                    bound += EW[i, k] * A[j, k]
            value += C[i, j]
            bound += RC[i, j] + g * abs(C[i, j])
            F[i, j] = value
            R[i, j] = _upper(bound, 4 * n_in + 4)
    return F, R


@njit(cache=True)
def scaled_rows(F: np.ndarray, RF: np.ndarray, slopes: np.ndarray, slope_errors: np.ndarray, offsets: np.ndarray,
                group: int, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's output on its piece, with radii: row u of ``F`` times ``slopes[states[u]]``, plus
    ``offsets[states[u]]`` in column 0 (ReLU's slopes (0, 1); hard-tanh's slopes (1, 0, 0) and
    offsets (0, 1, -1), its state -1 indexing from the end); ``slope_errors`` bound the distance of
    the float slopes to the exact ones; the offsets are exact. A maxout layer (``group = k > 1``,
    slopes 1, offsets 0) selects row ``u k + states[u]``, its argmax, exactly."""
    n, cols = F.shape[0] // group, F.shape[1]
    H = np.empty((n, cols))
    R = np.empty((n, cols))
    for u in range(n):
        row = group * u + (states[u] if group > 1 else 0)
        s = slopes[states[u]]
        es = slope_errors[states[u]]
        for j in range(cols):
            H[u, j] = s * F[row, j]
            if es == 0.0 and (s == 0.0 or abs(s) == 1.0):
                R[u, j] = abs(s) * RF[row, j]  # exact scaling
            else:
                R[u, j] = _upper((abs(s) + es) * RF[row, j] + es * abs(F[row, j]) + U * abs(H[u, j]), 4)
        o = offsets[states[u]]
        if o != 0.0:
            exact = H[u, 0] == 0.0
            H[u, 0] += o
            if not exact:
                R[u, 0] = _upper(R[u, 0] + U * abs(H[u, 0]), 2)
    return H, R


@njit(cache=True)
def thresholds(G: np.ndarray, RG: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The forms ``z_u + 1`` and ``z_u - 1`` of each row (rows 2u and 2u + 1), with radii: a
    hard-tanh unit's pieces are cut by them."""
    n, cols = G.shape
    Z = np.empty((2 * n, cols))
    R = np.empty((2 * n, cols))
    for u in range(n):
        for t in range(2):
            Z[2 * u + t] = G[u]
            R[2 * u + t] = RG[u]
            Z[2 * u + t, 0] += 1.0 if t == 0 else -1.0
            R[2 * u + t, 0] = _upper(RG[u, 0] + U * abs(Z[2 * u + t, 0]), 2)
    return Z, R


@njit(cache=True)
def piece_image(W: np.ndarray, absW: np.ndarray, EW: np.ndarray, exact_weights: bool, C: np.ndarray, RC: np.ndarray,
                F: np.ndarray, RF: np.ndarray, slopes: np.ndarray, slope_errors: np.ndarray, offsets: np.ndarray,
                group: int, states: np.ndarray, base_states: np.ndarray, G: np.ndarray, RG: np.ndarray):
    """The next layer's pre-activations ``W H + C`` of a piece, with radii, ``H`` the units'
    outputs on it (:func:`scaled_rows`).

    Pieces of one region share its pre-activations ``F`` and differ only in some units' states.
    With ``G`` the image for a sibling's ``base_states``, the image for ``states`` is
    ``G + W[:, D] (Delta slope * F + Delta offset e_0)[D]`` over the units D whose state differs (:func:`affine_image`
    with ``G`` as the added forms; the float slope difference is within ``e_s + e_s0 + u |d|`` of
    the exact one; a maxout unit's change is the difference of its two selected rows). That
    update is used when fewer than a quarter of the units changed state; else (or when ``G`` is
    empty) the image is computed afresh. Returns ``(G, RG, afresh)``."""
    n = F.shape[0] // group
    changed = np.flatnonzero(states != base_states) if G.shape[0] else np.arange(n)
    if 4 * changed.shape[0] < n:
        G2, RG2 = _updated_image(W, absW, EW, exact_weights, F, RF, slopes, slope_errors, offsets, group,
                                 base_states, states, G, RG, changed)
        return G2, RG2, False
    H, RH = scaled_rows(F, RF, slopes, slope_errors, offsets, group, states)
    G2, RG2 = affine_image(W, absW, EW, exact_weights, C, RC, H, RH)
    return G2, RG2, True


@njit(cache=True)
def _updated_image(W, absW, EW, exact_weights, F, RF, slopes, slope_errors, offsets, group, base_states, states, G,
                   RG, changed):
    """``G + W[:, changed] (Delta slope * F + Delta offset e_0)[changed]`` with radii (see
    :func:`piece_image`)."""
    c, cols = changed.shape[0], F.shape[1]
    dH = np.empty((c, cols))
    dR = np.empty((c, cols))
    for t in range(c):
        u = changed[t]
        if group > 1:  # maxout: the newly selected row minus the old one (slopes 1, offsets 0)
            a, b = group * u + states[u], group * u + base_states[u]
            for j in range(cols):
                dH[t, j], dR[t, j] = _difference(F[a, j], F[b, j], RF[a, j], RF[b, j])
            continue
        d = slopes[states[u]] - slopes[base_states[u]]
        ed = slope_errors[states[u]] + slope_errors[base_states[u]]
        ed = _upper(ed + U * abs(d), 3) if ed > 0.0 or not (abs(d) == 1.0 or d == 0.0) else 0.0
        for j in range(cols):
            dH[t, j] = d * F[u, j]
            dR[t, j] = abs(d) * RF[u, j] if ed == 0.0 else _upper(
                (abs(d) + ed) * RF[u, j] + ed * abs(F[u, j]) + U * abs(dH[t, j]), 4)
        do = offsets[states[u]] - offsets[base_states[u]]  # exact: the offsets are small integers
        if do != 0.0:
            exact = dH[t, 0] == 0.0
            dH[t, 0] += do
            if not exact:
                dR[t, 0] = _upper(dR[t, 0] + U * abs(dH[t, 0]), 2)
    n_out = W.shape[0]
    Wc = np.empty((n_out, c))
    absWc = np.empty((n_out, c))
    EWc = np.empty((n_out, c))
    for i in range(n_out):
        for t in range(c):
            Wc[i, t] = W[i, changed[t]]
            absWc[i, t] = absW[i, changed[t]]
            EWc[i, t] = EW[i, changed[t]]
    return affine_image(Wc, absWc, EWc, exact_weights, G, RG, dH, dR)


@njit(cache=True)
def piece_outputs(W: np.ndarray, absW: np.ndarray, EW: np.ndarray, exact_weights: bool, C: np.ndarray,
                  RC: np.ndarray, F: np.ndarray, RF: np.ndarray, slopes: np.ndarray, slope_errors: np.ndarray,
                  offsets: np.ndarray, group: int, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`piece_image` for every row of ``states`` (pieces of one region, whose
    pre-activations are ``F``): arrays of shape (pieces, n_out, cols) with radii. Each piece is
    updated from the previous one's image, and computed afresh at least every 16 pieces."""
    m, cols = states.shape[0], F.shape[1]
    out = np.empty((m, W.shape[0], cols))
    out_r = np.empty((m, W.shape[0], cols))
    G = np.empty((0, cols))
    RG = np.empty((0, cols))
    base = states[0] if m else np.empty(0, states.dtype)
    updates = 0
    for p in range(m):
        if updates >= 16:
            G, RG, updates = G[:0], RG[:0], 0
        G, RG, afresh = piece_image(W, absW, EW, exact_weights, C, RC, F, RF, slopes, slope_errors, offsets, group,
                                    states[p], base, G, RG)
        out[p], out_r[p] = G, RG
        base = states[p]
        updates = 0 if afresh else updates + 1
    return out, out_r


@njit(cache=True)
def piece_rows(F: np.ndarray, RF: np.ndarray, slopes: np.ndarray, slope_errors: np.ndarray, offsets: np.ndarray,
               group: int, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`scaled_rows` for every row of ``states``: a last layer's outputs on each piece,
    arrays of shape (pieces, units, cols) with radii."""
    m, n, cols = states.shape[0], F.shape[0] // group, F.shape[1]
    out = np.empty((m, n, cols))
    out_r = np.empty((m, n, cols))
    for p in range(m):
        out[p], out_r[p] = scaled_rows(F, RF, slopes, slope_errors, offsets, group, states[p])
    return out, out_r


@njit(cache=True)
def generator_hint(X: np.ndarray, E: np.ndarray) -> tuple[np.ndarray, bool]:
    """A float point meant to lie inside the pointed polyhedron with homogeneous generators ``X``
    (radii ``E``), and whether every generator is certified finite (``X_0 > E_0``: the polyhedron
    is bounded).

    The point is ``S[1:] / S[0]`` for ``S`` the sum of the generators scaled to unit 1-norm: a
    positive combination of all generators, so inside in exact arithmetic; in floats it is only a
    hint (NaN when ``S_0 <= 0``), which the caller checks exactly."""
    k = X.shape[1]
    S = np.zeros(k)
    finite = True
    for t in range(X.shape[0]):
        norm = 0.0
        for c in range(k):
            norm += abs(X[t, c])
        for c in range(k):
            S[c] += X[t, c] / norm
        finite &= X[t, 0] - E[t, 0] > 0.0
    point = np.full(k - 1, np.nan)
    if S[0] > 0.0:
        for c in range(1, k):
            point[c - 1] = S[c] / S[0]
    return point, finite


@njit(cache=True)
def has_plane_at_infinity(planes: np.ndarray, radii: np.ndarray) -> bool:
    """Whether one of the planes is exactly the plane at infinity ``(1, 0, ..., 0)`` (radius 0).
    Every plane of a piece holds a generator, so a piece with it has a ray: it is unbounded."""
    for q in range(planes.shape[0]):
        if planes[q, 0] > 0.0 and radii[q, 0] == 0.0:
            exact_infinity = True
            for c in range(1, planes.shape[1]):
                exact_infinity &= planes[q, c] == 0.0 and radii[q, c] == 0.0
            if exact_infinity:
                return True
    return False


@njit(cache=True)
def polygon_hints(lines: np.ndarray, radii: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each piece returned by :func:`split_polygon`: a float point meant to lie inside
    (:func:`generator_hint`), and 1 when it is certified bounded, 0 certified unbounded, -1 when
    floats cannot tell."""
    m = offsets.shape[0] - 1
    points = np.empty((m, 2))
    bounded = np.empty(m, np.int8)
    for p in range(m):
        L, R = lines[offsets[p]:offsets[p + 1]], radii[offsets[p]:offsets[p + 1]]
        X, E = vertices(L, R)
        points[p], finite = generator_hint(X, E)
        bounded[p] = 1 if finite else (0 if has_plane_at_infinity(L, R) else -1)
    return points, bounded
