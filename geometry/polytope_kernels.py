"""numba kernels: simple 3-polyhedra split in float64 with rigorous error bounds (a filter).

Conventions as in :mod:`geometry.kernels` (forms with radii, certified signs, ``UNDECIDED`` where
floats cannot decide). A pointed polyhedron of R^3 is taken in homogeneous coordinates
``X = (X_0, x)``: its planes are forms ``F`` with ``F . X >= 0`` on it (an unbounded one also has
the plane at infinity ``(1, 0, 0, 0)``), and its generators are its vertices (``X_0 > 0``) and
rays (``X_0 = 0``): the cone over it is pointed, so it is combinatorially a 3-polytope.

It must be *simple*: each generator lies on exactly three planes and is stored as those three
plane indices with an orientation ``s``, ``X = s (F_a x F_b x F_c)`` (the generalised cross product
of :func:`meet`); each edge joins two generators that share two planes. A form has one sign on the
polyhedron when it has it at every generator, and ``{Z > 0}`` has interior exactly when ``Z . X > 0``
at some generator. Cutting by ``Z`` keeps the generators of one sign, and puts a new generator
``(a, b, Z)`` on each edge ``{a, b}`` whose ends have opposite signs; the new generators on one old
plane (a polygon cut by a line) are exactly two, and they make the new edge on ``Z``. The new
polyhedron is simple again whenever no generator lies on ``Z``, which is what the certified signs
assert; anything else is reported as undecided.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from geometry.exact import float_enclosure
from geometry.kernels import MIXED, UNDECIDED, _gamma, _grown, _upper, sign_tests
from geometry.polyhedron import HPolyhedron, facets, generators

_MINORS = ((1, 2, 3), (0, 2, 3), (0, 1, 3), (0, 1, 2))
_NO_BOX = np.zeros(3)  # classify_units tries no bounding square in space
sign_at, vertex_signs, side_at_vertices, classify_units = sign_tests(4)


@njit(cache=True)
def _det3(a, ra, b, rb, c, rc, i, j, k):
    """The 3x3 determinant of columns (i, j, k) of rows a, b, c, and a bound on its error:
    for each of its six products, ``(|x|+rx)(|y|+ry)(|z|+rz) - |x||y||z|`` written as a sum of
    nonnegative terms, plus the rounding of the products and the sum."""
    cols = (i, j, k)
    value = 0.0
    data = 0.0
    products = 0.0
    for p in range(6):
        if p == 0:
            x, y, z, sign = cols[0], cols[1], cols[2], 1.0
        elif p == 1:
            x, y, z, sign = cols[1], cols[2], cols[0], 1.0
        elif p == 2:
            x, y, z, sign = cols[2], cols[0], cols[1], 1.0
        elif p == 3:
            x, y, z, sign = cols[0], cols[2], cols[1], -1.0
        elif p == 4:
            x, y, z, sign = cols[1], cols[0], cols[2], -1.0
        else:
            x, y, z, sign = cols[2], cols[1], cols[0], -1.0
        A, B, C = abs(a[x]), abs(b[y]), abs(c[z])
        term = a[x] * b[y] * c[z]
        value += sign * term
        data += ra[x] * (B + rb[y]) * (C + rc[z]) + A * rb[y] * (C + rc[z]) + A * B * rc[z]
        products += abs(term)
    return value, _upper(data + _gamma(8) * products, 30)


@njit(cache=True)
def meet(a, ra, b, rb, c, rc):
    """``X`` with ``X . a = X . b = X . c = 0``: ``X_m = (-1)^m det`` of the three rows without
    column m (Laplace: ``a . X = det[a; a; b; c] = 0``), with componentwise error bounds."""
    X = np.empty(4)
    E = np.empty(4)
    for m in range(4):
        i, j, k = _MINORS[m]
        value, bound = _det3(a, ra, b, rb, c, rc, i, j, k)
        X[m] = value if m % 2 == 0 else -value
        E[m] = bound
    return X, E


@njit(cache=True)
def generator_points(planes, radii, gens, orient):
    """Homogeneous coordinates of every generator, with error bounds."""
    g = gens.shape[0]
    X = np.empty((g, 4))
    E = np.empty((g, 4))
    for t in range(g):
        a, b, c = gens[t]
        x, e = meet(planes[a], radii[a], planes[b], radii[b], planes[c], radii[c])
        X[t] = orient[t] * x
        E[t] = e
    return X, E


@njit(cache=True)
def _cut(planes, radii, gens, orient, edges, signs, z, rz, s):
    """The piece ``{s Z > 0}`` of a simple polyhedron whose generator signs under ``Z`` are
    certified and mixed (see the module docstring); ``ok`` False when the new generators do not
    pair up on the old planes as a simple polyhedron's must."""
    p = planes.shape[0]
    new_planes = np.empty((p + 1, 4))
    new_radii = np.empty((p + 1, 4))
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
        if (signs[edges[e, 0]] == s) != (signs[edges[e, 1]] == s):
            crossing += 1
    out_gens = np.empty((kept + crossing, 3), np.int64)
    out_orient = np.empty(kept + crossing, np.int64)
    out_edges = np.empty((edges.shape[0] + crossing, 2), np.int64)
    n_edges = 0
    for t in range(gens.shape[0]):
        if index[t] >= 0:
            out_gens[index[t]] = gens[t]
            out_orient[index[t]] = orient[t]
    on_plane = -np.ones((p, 2), np.int64)  # the (at most two) new generators on each old plane
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
        shared = np.empty(3, np.int64)
        n_shared = 0
        c = -1
        for q in gens[u]:
            if q == gens[v][0] or q == gens[v][1] or q == gens[v][2]:
                shared[n_shared] = q
                n_shared += 1
            else:
                c = q
        if n_shared != 2:
            return False, new_planes, new_radii, out_gens, out_orient, out_edges
        a, b = shared[0], shared[1]
        x, err = meet(new_planes[a], new_radii[a], new_planes[b], new_radii[b], new_planes[p], new_radii[p])
        o = sign_at(new_planes[c], new_radii[c], x, err)  # the new generator is off u's third plane
        if o == UNDECIDED:
            return False, new_planes, new_radii, out_gens, out_orient, out_edges
        out_gens[made] = (a, b, p)
        out_orient[made] = o
        out_edges[n_edges] = (index[u], made)
        n_edges += 1
        for q in (a, b):
            slot = 0 if on_plane[q, 0] < 0 else 1
            if on_plane[q, slot] >= 0:
                return False, new_planes, new_radii, out_gens, out_orient, out_edges
            on_plane[q, slot] = made
        made += 1
    for q in range(p):
        if (on_plane[q, 0] >= 0) != (on_plane[q, 1] >= 0):
            return False, new_planes, new_radii, out_gens, out_orient, out_edges
        if on_plane[q, 0] >= 0:
            out_edges[n_edges] = (on_plane[q, 0], on_plane[q, 1])
            n_edges += 1
    return True, new_planes, new_radii, out_gens, out_orient, out_edges[:n_edges]


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
        for k in range(3):
            new_gens[t, k] = number[gens[t, k]]
    return planes[used], radii[used], new_gens


@njit(cache=True)
def split_polytope(planes, radii, gens, orient, edges, Z, RZ, known):
    """The pieces of a simple polyhedron under forms ``Z`` (radii ``RZ``), as
    :func:`geometry.kernels.split_polygon` does for polygons: unit u splits it into ``{Z_u > 0}``
    (state 1) and ``{Z_u < 0}`` (state 0); units with ``known[u] >= 0`` have that state already
    (their plane bounds the polyhedron) and are not tested.

    Returns ``(ok, pieces, states)``: ``pieces`` a list of (planes, radii, gens, orient, edges);
    ``ok`` is False when some sign could not be certified."""
    n = Z.shape[0]
    X, E = generator_points(planes, radii, gens, orient)
    ok, base, cutting = classify_units(Z, RZ, known, X, E, _NO_BOX)
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
            side = side_at_vertices(Z[u], RZ[u], X_p, E_p)
            if side == UNDECIDED:
                return False, out, out_states[:0]
            if side == MIXED:
                signs = vertex_signs(Z[u], RZ[u], X_p, E_p)
                break
            states[u] = 1 if side > 0 else 0
            j += 1
        if j < c:
            u = cutting[j]
            for s in (1, -1):
                ok, cp, cr, cg, co, ce = _cut(planes_p, radii_p, gens_p, orient_p, edges_p, signs, Z[u], RZ[u], s)
                if not ok:
                    return False, out, out_states[:0]
                cp, cr, cg = _compact(cp, cr, cg)
                Xc, Ec = generator_points(cp, cr, cg, co)
                child_states = states.copy()
                child_states[u] = 1 if s > 0 else 0
                stack.append((cp, cr, cg, co, ce, Xc, Ec, child_states, j + 1))
            continue
        out_states = _grown(out_states, len(out) + 1)
        out_states[len(out)] = states
        out.append((planes_p, radii_p, gens_p, orient_p, edges_p))
    return True, out, out_states[:len(out)]


def float_polyhedron(P: HPolyhedron) -> tuple | None:
    """The kernels' form ``(planes, radii, gens, orient, edges)`` of a full-dimensional pointed
    polyhedron of R^3, from its exact facets and generators (``cdd.gmp``); None when it is not
    simple or not pointed. Orientations are exact: ``s`` is the sign of ``(F_a x F_b x F_c) . X``
    for the exact generator X."""
    found = generators(P)
    if found.lines or P.dim != 3:
        return None
    planes = [tuple(f) for f in facets(P)] + ([(1, 0, 0, 0)] if found.rays else [])
    points = [_homogeneous_integers(v) for v in found.vertices] + [(0, *r) for r in found.rays]
    gens, orient = [], []
    for X in points:
        tight = [q for q, F in enumerate(planes) if sum(f * x for f, x in zip(F, X)) == 0]
        if len(tight) != 3:
            return None
        crossed = _exact_meet(*(planes[q] for q in tight))
        gens.append(tight)
        orient.append(1 if sum(c * x for c, x in zip(crossed, X)) > 0 else -1)
    edges = [(s, t) for s in range(len(gens)) for t in range(s + 1, len(gens)) if len(set(gens[s]) & set(gens[t])) == 2]
    values, radii = float_enclosure([v for F in planes for v in F])
    return (values.reshape(-1, 4), radii.reshape(-1, 4), np.array(gens, np.int64), np.array(orient, np.int64),
            np.array(edges, np.int64).reshape(-1, 2))


def _homogeneous_integers(point) -> tuple[int, ...]:
    d = math.lcm(*(v.denominator for v in point))
    return (d, *(int(v * d) for v in point))


def _exact_meet(a, b, c) -> tuple[int, ...]:
    """The generalised cross product of :func:`meet`, in integers."""
    def det(i, j, k):
        return (a[i] * (b[j] * c[k] - b[k] * c[j]) - a[j] * (b[i] * c[k] - b[k] * c[i])
                + a[k] * (b[i] * c[j] - b[j] * c[i]))
    return tuple((-1) ** m * det(*_MINORS[m]) for m in range(4))
