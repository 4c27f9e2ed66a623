"""numba kernels: simple polyhedra of R^d (d = 3, 4) split in float64 with rigorous error bounds.

Conventions as in :mod:`geometry.kernels` (forms with radii, certified signs, ``UNDECIDED`` where
floats cannot decide). A pointed polyhedron of R^d is taken in homogeneous coordinates
``X = (X_0, x)``: its planes are forms ``F`` with ``F . X >= 0`` on it (an unbounded one also has
the plane at infinity ``(1, 0, ..., 0)``), and its generators are its vertices (``X_0 > 0``) and
rays (``X_0 = 0``): the cone over it is pointed, so it is combinatorially a d-polytope.

It must be *simple*: each generator lies on exactly d planes and is stored as those plane indices
with an orientation ``s``, ``X = s meet(F_a, ...)`` (the generalised cross product of
:func:`meet`); each edge joins two generators that share d - 1 planes. A form has one sign on the
polyhedron when it has it at every generator, and ``{Z > 0}`` has interior exactly when ``Z . X > 0``
at some generator. Cutting by ``Z`` keeps the generators of one sign, and puts a new generator
``(S, Z)`` on each edge ``S`` (its d - 1 planes) whose ends have opposite signs. Two new generators
are joined by a new edge exactly when they lie on a common 2-face of the old polyhedron (they share
d - 2 old planes): a 2-face is a polygon, which ``Z`` cuts in exactly two points. The new polyhedron
is simple again whenever no generator lies on ``Z``, which is what the certified signs assert;
anything else (including a 2-face met once or three times) is reported as undecided.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
from numba import njit, types
from numba.typed import Dict

from geometry import kernel_cache  # noqa: F401  (stamps the cached kernels; before the first njit)
from geometry.exact import float_enclosure
from geometry.kernels import (MIXED, UNDECIDED, _gamma, _grown, _maxout_state, _upper, classify_units,
                              maxout_differences, side_at_vertices, sign_at, vertex_signs)
from geometry.polyhedron import HPolyhedron, facets, generators

def _permutations(d: int) -> tuple[np.ndarray, np.ndarray]:
    """All permutations of range(d) (rows) and their signs."""
    perms = list(itertools.permutations(range(d)))
    signs = [(-1) ** sum(p[i] > p[j] for i in range(d) for j in range(i + 1, d)) for p in perms]
    return np.array(perms, np.int64), np.array(signs, np.float64)


# (permutations, signs) of range(d) for d <= 4, numba constants indexed by d
_PERMUTATIONS = tuple(_permutations(d)[0] for d in range(5))
_PERMUTATION_SIGNS = tuple(_permutations(d)[1] for d in range(5))


@njit(cache=True)
def meet(rows: np.ndarray, radii: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``X`` with ``X . F = 0`` for the d rows ``F`` (d = 3, 4), with componentwise error bounds
    (see :func:`_meet`)."""
    if rows.shape[1] == 4:
        return _meet(rows, radii, 4)
    if rows.shape[1] == 5:
        return _meet(rows, radii, 5)
    raise ValueError("the polyhedron kernels are compiled for R^3 and R^4 only")


@njit(cache=True)
def generator_points(planes: np.ndarray, radii: np.ndarray, gens: np.ndarray, orient: np.ndarray):
    """Homogeneous coordinates of every generator, with error bounds."""
    if planes.shape[1] == 4:
        return _generator_points(planes, radii, gens, orient, 4)
    if planes.shape[1] == 5:
        return _generator_points(planes, radii, gens, orient, 5)
    raise ValueError("the polyhedron kernels are compiled for R^3 and R^4 only")


@njit(cache=True)
def split_polytope(planes: np.ndarray, radii: np.ndarray, gens: np.ndarray, orient: np.ndarray, edges: np.ndarray,
                   Z: np.ndarray, RZ: np.ndarray, known: np.ndarray):
    """The pieces of a simple polyhedron of R^3 or R^4 under forms ``Z`` (see :func:`_split`)."""
    if planes.shape[1] == 4:
        return _split(planes, radii, gens, orient, edges, Z, RZ, known, 4)
    if planes.shape[1] == 5:
        return _split(planes, radii, gens, orient, edges, Z, RZ, known, 5)
    raise ValueError("the polyhedron kernels are compiled for R^3 and R^4 only")


# The kernels below take k = d + 1 (homogeneous coordinates) as a compile-time constant: the
# entry points above pass it as a literal, so that the loops unroll, and no kernel is a closure,
# so that numba's on-disk cache reuses them in every process.

@njit(cache=True)
def _meet(rows: np.ndarray, radii: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``X`` with ``X . F = 0`` for the d = k - 1 rows ``F``: ``X_m = (-1)^m det`` of the rows
    without column m (Laplace: ``F . X = det[F; rows] = 0``), with componentwise error bounds. Each
    product of the determinant is bounded by ``prod(|x| + r) - prod |x|``, written as a sum of
    nonnegative terms (``sum_i r_i prod_{j<i} |x_j| prod_{j>i} (|x_j| + r_j)``), plus the
    rounding of the products and the sum."""
    d = k - 1
    perms, perm_signs = _PERMUTATIONS[d], _PERMUTATION_SIGNS[d]
    gamma = _gamma(d + 4 * perms.shape[0])
    X = np.empty(d + 1)
    E = np.empty(d + 1)
    cols = np.empty(d, np.int64)
    for m in range(d + 1):
        t = 0
        for j in range(d + 1):
            if j != m:
                cols[t] = j
                t += 1
        value = 0.0
        data = 0.0
        products = 0.0
        for q in range(perms.shape[0]):
            term = perm_signs[q]
            for i in range(d):
                term *= rows[i, cols[perms[q, i]]]
            value += term
            products += abs(term)
            for i in range(d):  # the error of the product, from its i-th factor on
                bound = radii[i, cols[perms[q, i]]]
                for j in range(d):
                    if j != i:
                        x = abs(rows[j, cols[perms[q, j]]])
                        bound *= x if j < i else x + radii[j, cols[perms[q, j]]]
                data += bound
        X[m] = value if m % 2 == 0 else -value
        E[m] = _upper(data + gamma * products, 2 * d * perms.shape[0])
    return X, E


@njit(cache=True)
def _generator_points(planes, radii, gens, orient, k):
    g = gens.shape[0]
    X = np.empty((g, k))
    E = np.empty((g, k))
    for t in range(g):
        x, e = _meet(planes[gens[t]], radii[gens[t]], k)
        X[t] = orient[t] * x
        E[t] = e
    return X, E


@njit(cache=True)
def _cut(planes, radii, gens, orient, edges, signs, z, rz, s, k):
    """The piece ``{s Z > 0}`` of a simple polyhedron whose generator signs under ``Z`` are
    certified and mixed (see the module docstring); ``ok`` False when the new generators do
    not pair up on the old 2-faces as a simple polyhedron's must."""
    d = k - 1
    p = planes.shape[0]
    if p >= 63:
        return False, planes, radii, gens, orient, edges  # 2-faces are keyed by 64-bit plane sets
    new_planes = np.empty((p + 1, d + 1))
    new_radii = np.empty((p + 1, d + 1))
    new_planes[:p] = planes
    new_radii[:p] = radii
    new_planes[p] = s * z
    new_radii[p] = rz
    index = -np.ones(gens.shape[0], np.int64)
    kept = 0
    for t in range(gens.shape[0]):
        if signs[t] == s:
            index[t] = kept
            kept += 1
    crossing = 0
    for e in range(edges.shape[0]):
        if (index[edges[e, 0]] >= 0) != (index[edges[e, 1]] >= 0):
            crossing += 1
    out_gens = np.empty((kept + crossing, d), np.int64)
    out_orient = np.empty(kept + crossing, np.int64)
    out_edges = np.empty((edges.shape[0] + crossing * d, 2), np.int64)
    n_edges = 0
    for t in range(gens.shape[0]):
        if index[t] >= 0:
            out_gens[index[t]] = gens[t]
            out_orient[index[t]] = orient[t]
    first_on_face = Dict.empty(key_type=types.int64, value_type=types.int64)
    paired = Dict.empty(key_type=types.int64, value_type=types.int64)
    made = kept
    for e in range(edges.shape[0]):
        u, v = edges[e, 0], edges[e, 1]
        if index[u] >= 0 and index[v] >= 0:
            out_edges[n_edges] = (index[u], index[v])
            n_edges += 1
            continue
        if index[u] < 0 and index[v] < 0:
            continue
        if index[u] < 0:
            u, v = v, u  # u is the kept end
        shared = np.empty(d, np.int64)
        n_shared = 0
        c = -1
        for q in gens[u]:
            if q in gens[v]:
                shared[n_shared] = q
                n_shared += 1
            else:
                c = q
        if n_shared != d - 1:
            return False, new_planes, new_radii, out_gens, out_orient, out_edges
        shared[d - 1] = p
        x, err = _meet(new_planes[shared], new_radii[shared], k)
        o = sign_at(new_planes[c], new_radii[c], x, err, k)  # the new generator is off u's other plane
        if o == UNDECIDED:
            return False, new_planes, new_radii, out_gens, out_orient, out_edges
        out_gens[made] = shared
        out_orient[made] = o
        out_edges[n_edges] = (index[u], made)
        n_edges += 1
        edge_set = 0
        for i in range(d - 1):
            edge_set |= np.int64(1) << shared[i]
        for i in range(d - 1):  # the 2-faces through this edge: drop one of its planes
            face = edge_set & ~(np.int64(1) << shared[i])
            if face in paired:
                return False, new_planes, new_radii, out_gens, out_orient, out_edges
            if face in first_on_face:
                out_edges[n_edges] = (first_on_face[face], made)
                n_edges += 1
                paired[face] = made
            else:
                first_on_face[face] = made
        made += 1
    for face in first_on_face:
        if face not in paired:
            return False, new_planes, new_radii, out_gens, out_orient, out_edges
    return True, new_planes, new_radii, out_gens, out_orient, out_edges[:n_edges]


@njit(cache=True)
def _split(planes, radii, gens, orient, edges, Z, RZ, known, k):
    """The pieces of a simple polyhedron under forms ``Z`` (radii ``RZ``), as
    :func:`geometry.kernels.split_polygon` does for polygons: unit u splits it into
    ``{Z_u > 0}`` (state 1) and ``{Z_u < 0}`` (state 0); units with ``known[u] >= 0`` have that
    state already (their plane bounds the polyhedron) and are not tested.

    Returns ``(ok, pieces, states)``: ``pieces`` a list of (planes, radii, gens, orient,
    edges); ``ok`` is False when some sign could not be certified."""
    n = Z.shape[0]
    X, E = _generator_points(planes, radii, gens, orient, k)
    no_box = np.zeros(3)  # classify_units tries no bounding square outside the plane
    ok, base, cutting = classify_units(Z, RZ, known, X, E, no_box, k)
    if not ok:
        return False, [(planes, radii, gens, orient, edges)], np.empty((0, n), np.int8)
    c = cutting.shape[0]
    out = [(planes, radii, gens, orient, edges)]
    out_states = np.empty((4, n), np.int8)
    out.pop()
    stack = [(planes, radii, gens, orient, edges, X, E, base, 0)]
    while stack:
        planes_p, radii_p, gens_p, orient_p, edges_p, X_p, E_p, states, j = stack.pop()
        signs = np.empty(0, np.int64)
        while j < c:
            u = cutting[j]
            side = side_at_vertices(Z[u], RZ[u], X_p, E_p, k)
            if side == UNDECIDED:
                return False, out, out_states[:0]
            if side == MIXED:
                signs = vertex_signs(Z[u], RZ[u], X_p, E_p, k)
                break
            states[u] = 1 if side > 0 else 0
            j += 1
        if j < c:
            u = cutting[j]
            for s in (1, -1):
                ok, cp, cr, cg, co, ce, Xc, Ec = _cut_piece(planes_p, radii_p, gens_p, orient_p, edges_p, signs, Z[u],
                                                            RZ[u], s, k)
                if not ok:
                    return False, out, out_states[:0]
                child_states = states.copy()
                child_states[u] = 1 if s > 0 else 0
                stack.append((cp, cr, cg, co, ce, Xc, Ec, child_states, j + 1))
            continue
        out_states = _grown(out_states, len(out) + 1)
        out_states[len(out)] = states
        out.append((planes_p, radii_p, gens_p, orient_p, edges_p))
    return True, out, out_states[:len(out)]


@njit(cache=True)
def _cut_piece(planes, radii, gens, orient, edges, signs, z, rz, s, k):
    """:func:`_cut`, compacted, with the generators' points: ``(ok, planes, radii, gens, orient,
    edges, X, E)``."""
    ok, cp, cr, cg, co, ce = _cut(planes, radii, gens, orient, edges, signs, z, rz, s, k)
    if not ok:
        return False, cp, cr, cg, co, ce, np.empty((0, k)), np.empty((0, k))
    cp, cr, cg = _compact(cp, cr, cg)
    Xc, Ec = _generator_points(cp, cr, cg, co, k)
    return True, cp, cr, cg, co, ce, Xc, Ec


@njit(cache=True)
def split_polytope_maxout(planes: np.ndarray, radii: np.ndarray, gens: np.ndarray, orient: np.ndarray,
                          edges: np.ndarray, Z: np.ndarray, RZ: np.ndarray, group: int, ties: np.ndarray):
    """The pieces of a simple polyhedron of R^3 or R^4 under a maxout layer (see :func:`_split_maxout`)."""
    if planes.shape[1] == 4:
        return _split_maxout(planes, radii, gens, orient, edges, Z, RZ, group, ties, 4)
    if planes.shape[1] == 5:
        return _split_maxout(planes, radii, gens, orient, edges, Z, RZ, group, ties, 5)
    raise ValueError("the polyhedron kernels are compiled for R^3 and R^4 only")


@njit(cache=True)
def _argmax_cell(planes, radii, gens, orient, edges, X, E, D, RD, group, ties, u, j, k):
    """Cell j of maxout unit u in a simple polyhedron, as :func:`geometry.kernels._argmax_cell`
    makes it in a polygon: ``(ok, has_interior, planes, radii, gens, orient, edges, X, E)``."""
    row = (u * group + j) * group
    pending = np.empty(group, np.int64)
    sides = np.empty(group, np.int64)
    p = 0
    for i in range(group):
        if i == j or ties[row + i] > 0:
            continue
        side = -1 if ties[row + i] < 0 else side_at_vertices(D[row + i], RD[row + i], X, E, k)
        if side == -1:
            return True, False, planes, radii, gens, orient, edges, X, E
        if side != 1:
            pending[p], sides[p] = i, side
            p += 1
    changed = False
    for q in range(p):
        i = pending[q]
        side = side_at_vertices(D[row + i], RD[row + i], X, E, k) if changed else sides[q]
        if side == -1:
            return True, False, planes, radii, gens, orient, edges, X, E
        if side == UNDECIDED:
            return False, False, planes, radii, gens, orient, edges, X, E
        if side == MIXED:
            signs = vertex_signs(D[row + i], RD[row + i], X, E, k)
            ok, planes, radii, gens, orient, edges, X, E = _cut_piece(planes, radii, gens, orient, edges, signs,
                                                                      D[row + i], RD[row + i], 1, k)
            if not ok:
                return False, False, planes, radii, gens, orient, edges, X, E
            changed = True
    return True, True, planes, radii, gens, orient, edges, X, E


@njit(cache=True)
def _split_maxout(planes, radii, gens, orient, edges, Z, RZ, group, ties, k):
    """The pieces of a simple polyhedron under a maxout layer of ``group`` rows a unit, as
    :func:`geometry.kernels.split_polygon_maxout` cuts a polygon (``ties`` as there): unit u in
    state j on its argmax cell, kept when certified to have interior. Returns ``(ok, pieces,
    states)`` as :func:`_split` does."""
    n = Z.shape[0] // group
    D, RD = maxout_differences(Z, RZ, group)
    X, E = _generator_points(planes, radii, gens, orient, k)
    no_box = np.zeros(3)  # no bounding square outside the plane
    base = np.zeros(n, np.int8)
    cutting = np.empty(n, np.int64)
    c = 0
    for u in range(n):
        s = _maxout_state(D, RD, group, ties, u, X, E, no_box, k)
        if s >= 0:
            base[u] = s
        else:
            cutting[c] = u
            c += 1
    out = [(planes, radii, gens, orient, edges)]
    out_states = np.empty((4, n), np.int8)
    out.pop()
    stack = [(planes, radii, gens, orient, edges, X, E, base, 0)]
    while stack:
        planes_p, radii_p, gens_p, orient_p, edges_p, X_p, E_p, states, j = stack.pop()
        while j < c:
            s = _maxout_state(D, RD, group, ties, cutting[j], X_p, E_p, no_box, k)
            if s < 0:
                break
            states[cutting[j]] = s
            j += 1
        if j < c:
            u = cutting[j]
            for cell in range(group - 1, -1, -1):
                ok, inner, cp, cr, cg, co, ce, Xc, Ec = _argmax_cell(planes_p, radii_p, gens_p, orient_p, edges_p, X_p,
                                                                     E_p, D, RD, group, ties, u, cell, k)
                if not ok:
                    return False, out, out_states[:0]
                if inner:
                    child_states = states.copy()
                    child_states[u] = cell
                    stack.append((cp, cr, cg, co, ce, Xc, Ec, child_states, j + 1))
            continue
        out_states = _grown(out_states, len(out) + 1)
        out_states[len(out)] = states
        out.append((planes_p, radii_p, gens_p, orient_p, edges_p))
    return True, out, out_states[:len(out)]


@njit(cache=True)
def _compact(planes, radii, gens):
    """Drop the planes no generator lies on (they are no longer facets); renumber the rest."""
    used = np.zeros(planes.shape[0], np.bool_)
    for t in range(gens.shape[0]):
        for q in gens[t]:
            used[q] = True
    number = np.cumsum(used) - 1
    new_gens = np.empty_like(gens)
    for t in range(gens.shape[0]):
        for k in range(gens.shape[1]):
            new_gens[t, k] = number[gens[t, k]]
    return planes[used], radii[used], new_gens



def float_polyhedron(P: HPolyhedron) -> tuple | None:
    """The kernels' form ``(planes, radii, gens, orient, edges)`` of a full-dimensional pointed
    polyhedron of R^d, from its exact facets and generators (``cdd.gmp``); None when it is not
    simple or not pointed. Orientations are exact: ``s`` is the sign of ``meet(F_a, ...) . X``
    for the exact generator X."""
    found = generators(P)
    d = P.dim
    if found.lines:
        return None
    planes = [tuple(f) for f in facets(P)] + ([(1,) + (0,) * d] if found.rays else [])
    points = [_homogeneous_integers(v) for v in found.vertices] + [(0, *r) for r in found.rays]
    gens, orient = [], []
    for X in points:
        tight = [q for q, F in enumerate(planes) if sum(f * x for f, x in zip(F, X)) == 0]
        if len(tight) != d:
            return None
        crossed = _exact_meet(*(planes[q] for q in tight))
        gens.append(tight)
        orient.append(1 if sum(c * x for c, x in zip(crossed, X)) > 0 else -1)
    edges = [(s, t) for s in range(len(gens)) for t in range(s + 1, len(gens))
             if len(set(gens[s]) & set(gens[t])) == d - 1]
    values, radii = float_enclosure([v for F in planes for v in F])
    return (values.reshape(-1, d + 1), radii.reshape(-1, d + 1), np.array(gens, np.int64),
            np.array(orient, np.int64), np.array(edges, np.int64).reshape(-1, 2))


def _homogeneous_integers(point) -> tuple[int, ...]:
    d = math.lcm(*(v.denominator for v in point))
    return (d, *(int(v * d) for v in point))


def _exact_meet(*rows) -> tuple[int, ...]:
    """The generalised cross product of :func:`meet`, in integers."""
    d = len(rows)
    perms, signs = _permutations(d)
    out = []
    for m in range(d + 1):
        cols = [j for j in range(d + 1) if j != m]
        det = sum(int(sign) * math.prod(rows[i][cols[p[i]]] for i in range(d)) for p, sign in zip(perms.tolist(), signs))
        out.append(det if m % 2 == 0 else -det)
    return tuple(out)
