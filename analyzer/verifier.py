"""An independent checker of region-count certificates (see :mod:`analyzer.certificate`).

It imports nothing from regionscope: the standard library and exact rationals only, so that it can be
read and audited on its own (and run by path, without the package). In particular it keeps its own
copy of each activation's rules (states, tie conventions, pieces, outputs) on purpose, instead of
using :mod:`analyzer.activations`: it must not trust the analyzer's code. It re-derives, from the network's
weights and each region's pattern, every constraint that defines the region (pre-activation forms
pulled back along the pattern, as integer forms at a positive scale) and checks:

1. an exact forward pass at the interior point gives the pattern (units that are constant under the
   pattern are in the state their constant dictates), and the point lies strictly inside every row
   and domain row, hence (with 3) inside every constraint: a nonzero affine form that is >= 0 on a
   polyhedron is > 0 at the polyhedron's interior points (constraints are never constant);
2. every H-row is a positive multiple of the constraint or domain row its tag names;
3. the polyhedron P of the rows *is* the pattern's region: every constraint and domain row holds on P,
   either (a) because it is >= 0 at every listed vertex and P is the convex hull of the vertices
   (see below), or (b) by an implication (affine Farkas: nonnegative multipliers reproduce a positive
   multiple of it exactly);
4. the affine output map is the network's map on the region; the patterns are distinct;
5. each region's volume, recomputed here, is the claimed one when the region is bounded (from listed
   vertices: length, or area by the shoelace formula; otherwise vertices by brute force and a pulling
   triangulation), and null when it is unbounded (decided exactly, see :func:`_is_bounded`); on a
   bounded domain the volumes add up to the domain's;
6. each neighbour listed across a facet has the opposite row, and a point on the facet's hyperplane
   strictly inside both regions' other rows: the two share a (d-1)-dimensional face;
7. each facet not on the domain's boundary (its row is not a domain row) is covered by the regions
   listed across it, checked in one dimension less (:func:`_uncovered`, by the lemma below);
8. the domain's rows, dimension, embedding, boundedness and volume are those of its description; the
   counts claimed (activation regions, per layer, and linear and bounded regions when given) are the
   ones these regions give; with a model, the network is the model's, number by number.

Distinct patterns with the constant-unit rule give regions with disjoint interiors; with 3 each
listed polyhedron is the closure of its region; so 7 (or, on a bounded domain, 5) proves that no
region is missing, on bounded and unbounded domains alike. Usage: ``regionscope verify CERT.json
[--model MODEL]``.

Covering lemma (7). Let X be a full-dimensional polyhedron of R^k, k >= 1, and Q_1, ..., Q_m
full-dimensional polyhedra with pairwise disjoint interiors (not necessarily inside X). If (i) some
Q_j meets the interior of X, and (ii) for every facet E of every Q_i whose relative interior meets
the interior of X, E n X lies in the union of the Q_l (l != i) on the other side of E's hyperplane,
then X lies in the union of the Q_j. Proof: otherwise pick y in int X n int Q_j and x in int X outside
the (closed) union, generically, so that the segment [y, x] meets no face of dimension <= k - 2 of any
Q. Let z be its last point in the union: z is in int X and on the boundary of some Q_i, hence in the
relative interior of a facet E of Q_i, and by (ii) in some Q_l across E; z is in the relative interior
of a facet of Q_l too, on the same hyperplane, so Q_i and Q_l together hold a ball around z, and the
segment goes on inside the union beyond z: a contradiction. Conversely, when X is covered, (i) and
(ii) hold (at a generic point of E n X the other side is covered, by pieces across E; the union is
closed). Condition (ii) is a covering problem of the same kind one dimension lower: X' = E n X, the
pieces Q_l n H for the Q_l across E that meet the hyperplane H in a (k-1)-dimensional set (they lie on
one side of H, so their relative interiors are disjoint). In dimension 1 it is an interval covered by
intervals, in dimension 0 a point lying in some piece. Applied to X = the domain D and Q = the listed
regions (inside D), a facet on the domain's boundary has no part in int D; every other facet E (its
relative interior meets int D) must lie in the union of the regions across it, and it suffices that
it lies in the union of the neighbours listed for it (a subset), which is what 7 checks. As those
neighbours cover E and have disjoint relative interiors on H, no other region shares a
(d-1)-dimensional face with E: the listed neighbours are all of them, and the linear regions (classes
of regions with equal output maps joined across shared facets) are counted from them exactly.
Interior points in dimension >= 2 are found by Fourier-Motzkin elimination (:func:`_interior_point`).

Vertex lists (3a). A polygon lists vertices V_0, ..., V_{k-1} and rows r_0, ..., r_{k-1} (indices
mod k); the checks are: k >= 3, the V_i are distinct and turn left at every vertex
(det(V_{i-1}, V_i, V_{i+1}) > 0 in homogeneous coordinates), every constraint (hence every row) is
>= 0 at every vertex, and r_i vanishes at V_i and V_{i+1}. Then P = conv(V):

- conv(V) is in P, as P is convex and holds every V_j;
- each r_i is a nonzero form (2) vanishing at two distinct points, so {r_i = 0} is the line through
  V_i and V_{i+1}, and it supports conv(V). Two of these lines, distinct as the turn at V_i is
  strict, meet at V_i; a boundary point of a convex polygon on two supporting lines is a corner, so
  the V_i are exactly the k vertices of conv(V), which has k edges. The face {r_i = 0} of conv(V)
  holds the vertices V_i and V_{i+1}, so it is the edge between them; for k >= 3 these k edges are
  distinct, hence all of them, and conv(V), the intersection of its edges' half-planes
  {r_i >= 0}, is P.

An interval lists its ends V_0 < V_1 and r_i vanishes at V_i: r_i is nonzero and >= 0 at the other
end, so {r_0 >= 0} = [V_0, oo), {r_1 >= 0} = (-oo, V_1] and P = [V_0, V_1]. A form is >= 0 on conv(V)
iff it is >= 0 at every V_j, so P lies in the region, which lies in P (its rows are among its
constraints). The counterclockwise cycle makes the shoelace sum the area. A form whose minimum over
the vertices' bounding box is >= 0 is >= 0 at every vertex: most forms are settled by that one value.

Speed. Consecutive regions (depth first, as written) share most of their patterns: each layer's
pre-activation forms are kept from one region to the next and updated over the inputs that changed,
and the forward pass reads the states off those forms at the point (exact, see _forward_pattern).
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from fractions import Fraction
from itertools import combinations
from math import factorial, gcd
from operator import mul


FORMAT = "regionscope-certificate/3"
OLDER_FORMATS = ("regionscope-certificate/1", "regionscope-certificate/2")


class Rejected(Exception):
    """The certificate fails a check; the message names the first failure."""


def _q(text: str) -> Fraction:
    """A rational from its string "p/q" or "p"."""
    if type(text) is not str:
        raise Rejected(f"the number {json.dumps(text)} is {_kind(text)}, not a string \"p/q\" or \"p\"")
    if not _RATIONAL.fullmatch(text):
        raise Rejected(f"{text!r} is not an exact number \"p/q\" or \"p\"")
    numerator, _, denominator = text.partition("/")
    return Fraction(int(numerator), int(denominator or 1))


_RATIONAL = re.compile(r"-?[0-9]+(/[0-9]*[1-9][0-9]*)?")  # as docs/certificate.schema.json


def _integers(texts, what: str) -> list[int]:
    if type(texts) is not list or not all(type(t) is str and re.fullmatch(r"-?[0-9]+", t) for t in texts):
        raise Rejected(f"{what} is not a vector of integers")
    return [int(text) for text in texts]


def _homogeneous(point) -> list[int]:
    """``(d, X_1, ..., X_n)`` with ``point = X / d``, d > 0: a form's sign there is an integer's."""
    d = 1
    for v in point:
        d = d * v.denominator // gcd(d, v.denominator)
    return [d, *(int(v * d) for v in point)]


def _dot(form, homogeneous_point) -> int:
    """A form's value at a homogeneous point, times its (positive) denominator: the same sign."""
    return sum(map(mul, form, homogeneous_point))


def _direction(form) -> tuple[int, ...]:
    """The primitive integer vector on the ray of a nonzero rational vector: two vectors are
    positive multiples of each other exactly when their directions are equal."""
    if all(isinstance(v, int) for v in form):
        integers = list(form)
    else:
        scale = 1
        for v in form:
            scale = scale * v.denominator // gcd(scale, v.denominator)
        integers = [int(v * scale) for v in form]
    common = 0
    for v in integers:
        common = gcd(common, v)
    return tuple(v // common for v in integers) if common else tuple(integers)


def _is_positive_multiple(row, form) -> bool:
    """row = t * form for some t > 0."""
    return any(v != 0 for v in form) and _direction(row) == _direction(form)


def _activation(spec: str):
    name, _, parameter = spec.partition(":")
    if name not in ("relu", "leaky_relu", "abs", "hardtanh", "maxout", "identity"):
        raise Rejected(f"unknown activation {spec!r}")
    return name, (Fraction(parameter) if name == "leaky_relu" else int(parameter) if name == "maxout" else None)


def _integer_layer(weights, bias):
    """A layer as integers: ``(W, b, s)`` with ``z = (W y + b) / s`` (s the lcm of the denominators)."""
    s = 1
    for v in [*bias, *(w for row in weights for w in row)]:
        s = s * v.denominator // gcd(s, v.denominator)
    return [[int(w * s) for w in row] for row in weights], [int(v * s) for v in bias], s


def _is_constant(form) -> bool:
    return not any(form[1:])


def _minus(f, g) -> list[int]:
    return [a - b for a, b in zip(f, g)]


def _unit_constraints(kind, state, zs, scale):
    """Constraint forms (tag -> form, all >= 0 on the region) and the output form of one unit.

    ``zs``: the unit's pre-activation forms (one, or k for maxout) as integer lists (constant first)
    that are ``scale`` times the true forms; constraints are returned at that scale (only their
    direction matters), the output too (None for a leaky unit that is off: the caller scales it)."""
    if kind == "maxout":
        if not 0 <= state < len(zs):
            raise Rejected(f"maxout state {state} out of range")
        found = {}
        for b, zb in enumerate(zs):
            if b == state:
                continue
            d = _minus(zs[state], zb)
            if _is_constant(d):
                # ties go to the lowest index: a beats b < a only strictly
                if d[0] < 0 or (d[0] == 0 and b < state):
                    raise Rejected(f"maxout piece {b} is never below piece {state}, state is wrong")
                continue
            found[b] = d
        return found, zs[state]
    (z,) = zs
    if kind == "identity":
        return {}, z
    if kind == "hardtanh":
        level = z if state == 0 else [state * scale] + [0] * (len(z) - 1)
        if _is_constant(z):
            expected = -1 if z[0] <= -scale else (1 if z[0] >= scale else 0)
            if state != expected:
                raise Rejected(f"constant hard-tanh input {Fraction(z[0], scale)} means state {expected}, "
                               f"not {state}")
            return {}, level
        one = [scale] + [0] * (len(z) - 1)
        pieces = {-1: {-1: _minus([-v for v in z], one)},
                  0: {-1: [z[0] + scale, *z[1:]], 1: _minus(one, z)},
                  1: {1: _minus(z, one)}}
        if state not in pieces:
            raise Rejected(f"hard-tanh state {state} is not -1, 0 or 1")
        return pieces[state], level
    if state not in (0, 1):
        raise Rejected(f"state {state} is not 0 or 1")
    if _is_constant(z):
        if state != int(z[0] > 0):
            raise Rejected(f"constant pre-activation {Fraction(z[0], scale)} means state {int(z[0] > 0)}, "
                           f"not {state}")
        found = {}
    else:
        found = {None: z if state else [-v for v in z]}
    if state:
        return found, z
    if kind == "relu":
        return found, [0] * len(z)
    return found, None if kind == "leaky_relu" else [-v for v in z]  # abs: -z


def _pre_activations(W, b, inputs, scale, last):
    """A layer's pre-activation forms ``W y + b`` (at scale s * scale), y its inputs as forms at ``scale``.

    ``last``: the last pattern's ``(inputs, pre-activations)``, or None. Consecutive regions differ in
    a few units, so the result is updated: W y' + b = (W y + b) + W (y' - y), over the inputs that
    changed; without a last pattern, from y = 0, where W y + b is b."""
    if last is None:
        width = len(inputs[0])
        last = ([[0] * width for _ in inputs], [[bk * scale] + [0] * (width - 1) for bk in b])
    before, pre = last
    changed = [u for u, (new, old) in enumerate(zip(inputs, before)) if new != old]
    if not changed:
        return pre
    deltas = [[inputs[u][j] - before[u][j] for u in changed] for j in range(len(pre[0]))]  # per coordinate
    return [[p + sum(map(mul, weights, delta)) for p, delta in zip(form, deltas)]
            for form, weights in zip(pre, ([row[u] for u in changed] for row in W))]


def _layer_constraints(l, kind, parameter, pre, scale, states, where, last=None):
    """Layer l in the given states, its pre-activation forms at ``scale``: its constraints
    {(l, unit, tag): form} and its outputs as forms (a leaky layer's, slope p/q, at scale * q).

    ``last``: ``(states, (constraints, outputs))`` of the same pre-activation forms in other states,
    or None: then only the units whose state differs are made again (consecutive regions differ in
    a few units), the other units' forms are those already made."""
    size = parameter if kind == "maxout" else 1
    groups = [pre[k:k + size] for k in range(0, len(pre), size)]
    states = [0] * len(groups) if kind == "identity" else states
    if len(states) != len(groups):
        raise Rejected(f"{where}: layer {l} has {len(groups)} units, the pattern {len(states)} states")
    slope = parameter if kind == "leaky_relu" else Fraction(1)
    if last is None:
        constraints, outputs, units = {}, [None] * len(groups), range(len(groups))
    else:
        before, (made, made_outputs) = last
        constraints, outputs = dict(made), list(made_outputs)
        units = [u for u, (state, old) in enumerate(zip(states, before)) if state != old]
    for u in units:
        zs, state = groups[u], states[u]
        if last is not None:  # the unit's constraints in its old state go
            for tag in _unit_constraints(kind, before[u], zs, scale)[0]:
                del constraints[(l, u, tag)]
        try:
            found, output = _unit_constraints(kind, state, zs, scale)
        except Rejected as failure:
            raise Rejected(f"{where}, layer {l} unit {u}: {failure}") from None
        for tag, form in found.items():
            constraints[(l, u, tag)] = form
        # on q z, off p z
        outputs[u] = ([slope.numerator * v for v in zs[0]] if output is None
                      else output if slope.denominator == 1 else [slope.denominator * v for v in output])
    return constraints, outputs


def _pull_back(network, start, pattern, where, kept):
    """A pattern's constraints {(layer, unit, tag): integer form} in parameter coordinates (each a
    positive multiple of the true form), its pre-activation forms per layer and its output map, each
    as ``(integer forms, scale)``.

    ``start`` is the input as integer forms over a common scale. ``kept`` carries each layer's last
    ``(inputs, pre-activations, states, constraints and outputs)`` from one pattern to the next: the
    pre-activations are updated (:func:`_pre_activations`, which returns the same list when no input
    changed), the rest reused when they and the states are the same, and made again only for the
    units whose state changed when only states changed."""
    if len(pattern) != len(network):
        raise Rejected(f"{where}: pattern has {len(pattern)} layers, the network {len(network)}")
    inputs, scale = start
    constraints, layers = {}, []
    for l, (W, b, s, (kind, parameter)) in enumerate(network, start=1):
        if l > len(kept):
            kept.append(None)
        last, states = kept[l - 1], pattern[l - 1]
        pre = _pre_activations(W, b, inputs, scale, last and last[:2])
        if last is not None and last[1] is pre and last[2] == states:
            found, outputs = last[3]
        else:
            same = last is not None and last[1] is pre and len(last[2]) == len(states)
            found, outputs = _layer_constraints(l, kind, parameter, pre, s * scale, states, where,
                                                (last[2], last[3]) if same else None)
        kept[l - 1] = (inputs, pre, states, (found, outputs))
        constraints.update(found)
        layers.append((pre, s * scale))
        inputs, scale = outputs, s * scale * (parameter.denominator if kind == "leaky_relu" else 1)
    return constraints, layers, (inputs, scale)


def _forward_pattern(network, layers, point) -> list[list[int]]:
    """The pattern of an exact forward pass at a homogeneous point, run through a pattern's own
    pre-activation forms (``layers``, from :func:`_pull_back`): while the states found agree with that
    pattern, the next layer's pre-activations at the point are its forms there (times a positive
    scale), so the result is that pattern exactly when the network's forward pass gives it."""
    pattern = []
    for (_, _, _, (kind, parameter)), (pre, scale) in zip(network, layers):
        if len(point) == 3:  # the plane, written out: every form of every layer at one point
            d, x, y = point
            z = [c * d + a * x + b * y for c, a, b in pre]
        else:
            z = [_dot(form, point) for form in pre]
        one = scale * point[0]  # the value 1 at this scale
        if kind == "maxout":
            states = [g.index(max(g)) for g in (z[k:k + parameter] for k in range(0, len(z), parameter))]
        elif kind == "hardtanh":
            states = [-1 if v <= -one else (1 if v >= one else 0) for v in z]
        elif kind == "identity":
            states = []
        else:
            states = [int(v > 0) for v in z]
        pattern.append(states)
    return pattern


def _rank(vectors) -> int:
    rows = [[Fraction(x) for x in v] for v in vectors]  # exact: / on two ints would be a float
    rank, width = 0, len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                factor = rows[r][col] / rows[rank][col]
                rows[r] = [a - factor * c for a, c in zip(rows[r], rows[rank])]
        rank += 1
    return rank


def polytope_volume(rows, dim) -> Fraction:
    """Volume of the bounded polytope {row >= 0}: its vertices are the feasible unique solutions of
    dim tight rows; a pulling triangulation (cone from one vertex over the faces not containing it)
    splits it into simplices of volume ``|det| / dim!``. The solution of dim rows is found in
    integers (:func:`_null_vector`), as a homogeneous point, and kept when every row is >= 0 there."""
    rows = [list(_direction(r)) for r in rows]  # primitive integers: the same halfspaces
    points, seen = [], set()
    for chosen in combinations(rows, dim):
        X = _null_vector(chosen)
        if X[0] == 0:
            continue  # the rows' normals are dependent: no unique solution
        if X[0] < 0:
            X = [-v for v in X]
        key = _direction(X)
        if key not in seen and all(_dot(r, X) >= 0 for r in rows):
            seen.add(key)
            points.append(X)
    if len(points) <= dim:
        return Fraction(0)
    tight = [frozenset(k for k, r in enumerate(rows) if _dot(r, X) == 0) for X in points]

    def affine_dim(face):  # of the vertices: the rank of their homogeneous coordinates, less one
        return _integer_rank([points[i] for i in face]) - 1

    def simplices(face, d):
        if d == 0:
            yield [face[0]]
            return
        seen = set()
        for k in range(len(rows)):
            sub = tuple(i for i in face if k in tight[i])
            if face[0] in sub or len(sub) < d or sub in seen:
                continue
            seen.add(sub)
            if affine_dim(sub) == d - 1:
                for s in simplices(sub, d - 1):
                    yield [face[0], *s]

    if affine_dim(tuple(range(len(points)))) < dim:
        return Fraction(0)
    total = Fraction(0)
    for s in simplices(tuple(range(len(points))), dim):
        # det(v_i - v_0) = det of the rows (1, v_i) = det of the homogeneous rows X_i / prod X_i0
        scale = 1
        for i in s:
            scale *= points[i][0]
        total += Fraction(abs(_integer_determinant([points[i] for i in s])), scale)
    return total / factorial(dim)


def _null_vector(rows) -> list[int]:
    """For n integer rows of length n + 1: X with r . X = 0 for every row, X_j = (-1)^j times the
    determinant of the rows without entry j (expand the (n + 1) x (n + 1) matrix with a row
    repeated); X_0 is the determinant of the rows' last n entries, nonzero exactly when r . X = 0
    has a unique solution with X_0 = 1."""
    return [(-1) ** j * _integer_determinant([r[:j] + r[j + 1:] for r in rows]) for j in range(len(rows) + 1)]


def _integer_rank(vectors) -> int:
    """The rank of integer vectors, by elimination that stays in integers."""
    rows = [list(v) for v in vectors]
    rank = 0
    for col in range(len(rows[0]) if rows else 0):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        top = rows[rank]
        for r in range(rank + 1, len(rows)):
            if rows[r][col]:
                factor = rows[r][col]
                rows[r] = [top[col] * a - factor * b for a, b in zip(rows[r], top)]
        rank += 1
    return rank


def _integer_determinant(matrix) -> int:
    """The determinant of an integer matrix by fraction-free (Bareiss) elimination: every division
    is exact."""
    m = [list(r) for r in matrix]
    n, sign, previous = len(m), 1, 1
    for k in range(n - 1):
        if m[k][k] == 0:
            swap = next((i for i in range(k + 1, n) if m[i][k] != 0), None)
            if swap is None:
                return 0
            m[k], m[swap] = m[swap], m[k]
            sign = -sign
        for i in range(k + 1, n):
            for j in range(k + 1, n):
                m[i][j] = (m[i][j] * m[k][k] - m[i][k] * m[k][j]) // previous
        previous = m[k][k]
    return sign * m[n - 1][n - 1] if n else 1


def _determinant(matrix) -> Fraction:
    rows = [[Fraction(x) for x in r] for r in matrix]  # exact: / on two ints would be a float
    n, det = len(rows), Fraction(1)
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            return Fraction(0)
        if pivot != col:
            rows[col], rows[pivot] = rows[pivot], rows[col]
            det = -det
        det *= rows[col][col]
        for r in range(col + 1, n):
            factor = rows[r][col] / rows[col][col]
            rows[r] = [a - factor * c for a, c in zip(rows[r], rows[col])]
    return det


def _check_cycle(vertices, rows, dim, where) -> None:
    """The vertices are an interval's ends, low first, or a polygon's corners counterclockwise (each
    turn strictly left, all distinct), one row per facet; vertices in homogeneous coordinates."""
    k = len(vertices)
    if any(len(v) != dim + 1 for v in vertices):
        raise Rejected(f"{where}: its vertices do not all have {dim} coordinates")
    if dim not in (1, 2) or len(rows) != k or k < dim + 1 or (dim == 1 and k != 2):
        raise Rejected(f"{where}: {k} vertices and {len(rows)} rows do not make an interval or a polygon "
                       "(two ends and two rows, or k >= 3 corners and k edge rows)")
    if len({tuple(v) for v in vertices}) < k:
        raise Rejected(f"{where}: two of its vertices coincide")
    if dim == 1:
        (d0, x0), (d1, x1) = vertices
        if d0 * x1 - d1 * x0 <= 0:
            raise Rejected(f"{where}: its ends are not listed low end first")
        return
    for i in range(k):
        if _determinant3(vertices[i - 1], vertices[i], vertices[(i + 1) % k]) <= 0:
            raise Rejected(f"{where}: its vertices do not turn left at vertex {i}: not a convex polygon "
                           "listed counterclockwise")


def _check_edges(vertices, rows, dim, where) -> None:
    """Row i vanishes at the interval's end i, or on the polygon's edge from vertex i to vertex i + 1."""
    k = len(vertices)
    for i, row in enumerate(rows):
        for j in ((i,) if dim == 1 else (i, (i + 1) % k)):
            if _dot(row, vertices[j]) != 0:
                raise Rejected(f"{where}: row {i} is not 0 at vertex {j}: it is not the line of its "
                               f"{'end' if dim == 1 else 'edge'} {i}")


def _bounding_box(points):
    """The smallest box holding the points, as its lower and upper corners in homogeneous coordinates
    over one denominator: ``([D, L_1, ..., L_n], [D, H_1, ..., H_n])``."""
    n = len(points[0])
    common = _homogeneous([*(min(c) for c in zip(*points)), *(max(c) for c in zip(*points))])
    return [common[0], *common[1:n + 1]], [common[0], *common[n + 1:]]


def _box_minima(forms, low, high) -> list[int]:
    """Each form's minimum over a box (corners from :func:`_bounding_box`), times D: each coefficient
    takes the side of the box where it is smallest."""
    if len(low) == 3:  # the plane, written out: the hot loop of vertex lists
        d, l1, l2 = low
        _, h1, h2 = high
        return [c * d + a * (l1 if a >= 0 else h1) + b * (l2 if b >= 0 else h2) for c, a, b in forms]
    return [sum(map(mul, form, [lo if a >= 0 else hi for a, lo, hi in zip(form, low, high)])) for form in forms]


def _determinant3(a, b, c):
    return (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0])
            + a[2] * (b[0] * c[1] - b[1] * c[0]))


def _measure(vertices) -> Fraction:
    """The length of an interval (ends low first) or the area of a counterclockwise polygon (shoelace),
    from homogeneous vertices."""
    if len(vertices[0]) == 2:
        (d0, x0), (d1, x1) = vertices
        return Fraction(x1, d1) - Fraction(x0, d0)
    twice = sum((Fraction(x0 * y1 - x1 * y0, d0 * d1)
                 for (d0, x0, y0), (d1, x1, y1) in zip(vertices, vertices[1:] + vertices[:1])), Fraction(0))
    return twice / 2


def _check_implications(entries, rows, forms, dim, where) -> None:
    """Each form that is not a row follows from the rows: its entry's constant and multipliers (all
    >= 0, stored sparsely as {row index: value}) combine the rows into a positive multiple of it."""
    row_directions = {_direction(row) for row in rows}
    implied = {json.dumps(e["source"], sort_keys=True): e for e in entries}
    used = set()
    for key, form in forms:
        if _direction(form) in row_directions:
            continue
        source = _source(key)
        used.add(json.dumps(source, sort_keys=True))
        entry = implied.get(json.dumps(source, sort_keys=True))
        if entry is None:
            raise Rejected(f"{where}: constraint {source} is neither a row nor shown to follow from the rows")
        constant = _q(entry["constant"])
        multipliers = [Fraction(0)] * len(rows)
        for k, v in entry["multipliers"].items():
            if not 0 <= int(k) < len(rows):
                raise Rejected(f"{where}: the multipliers for constraint {source} name row {k}, which is not there")
            multipliers[int(k)] = _q(v)
        if constant < 0 or any(m < 0 for m in multipliers):
            raise Rejected(f"{where}: the multipliers for constraint {source} do not prove it")
        # constant + sum m_k row_k, times the common denominator L of the multipliers
        common = 1
        for v in (constant, *multipliers):
            common = common * v.denominator // gcd(common, v.denominator)
        combined = [int(constant * common)] + [0] * dim
        for m, row in zip(multipliers, rows):
            if m:
                factor = int(m * common)
                combined = [c + factor * r for c, r in zip(combined, row)]
        if not _is_positive_multiple(combined, form):
            raise Rejected(f"{where}: the multipliers for constraint {source} do not prove it")
    if len(entries) != len(used):
        extra = next((e["source"] for e in entries if json.dumps(e["source"], sort_keys=True) not in used), None)
        raise Rejected(f"{where}: it lists an implication for {extra if extra is not None else 'a constraint twice'}, "
                       "which is no other constraint of its pattern")


def verify(certificate: dict, model: dict | None = None) -> dict:
    """Check a certificate; return what it proves, or raise :class:`Rejected` naming the first failure.

    ``model``: a network in the certificate's JSON form (``{"layers": [{"weights": ..., "bias": ...,
    "activation": ...}, ...]}``); the certificate's network must then be exactly that network.

    The result: ``activation_regions``, ``per_layer``, ``linear_regions``, ``bounded_regions`` (all
    re-derived here, and equal to the certificate's claims), ``domain`` (its description, checked
    against its rows), ``bounded``, ``volume`` (the domain's, a string, or None when unbounded),
    ``network_sha256`` and ``architecture`` of the network checked, and ``model_checked``."""
    if not isinstance(certificate, dict):
        raise Rejected(f"a certificate is a JSON object, not {_kind(certificate)}")
    try:
        return _verify(certificate, model)
    except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError, AttributeError) as exc:
        raise Rejected(f"malformed certificate: {type(exc).__name__}: {exc}") from None


_KINDS = {int: "an integer", float: "a float", bool: "true or false", str: "a string", list: "a list",
          dict: "an object"}


def _kind(value) -> str:
    return "null" if value is None else _KINDS.get(type(value), type(value).__name__)


def _field(obj, key: str, kind, where: str, *, nullable: bool = False):
    """``obj[key]``, which must have the JSON type ``kind`` exactly (an integer is not a string, and
    true is not an integer), or be null when ``nullable``."""
    if not isinstance(obj, dict):
        raise Rejected(f"{where} is {_kind(obj)}, not an object")
    if key not in obj:
        raise Rejected(f"{where} has no {key!r}")
    value = obj[key]
    if (value is None and nullable) or type(value) is kind:
        return value
    raise Rejected(f"{where}.{key} is {json.dumps(value)}, {_kind(value)}, not {_KINDS[kind]}"
                   + (" or null" if nullable else ""))


def _only(obj: dict, keys, where: str, optional=()) -> None:
    """``obj`` is an object with the keys, and maybe the optional ones: every claim is checked, so a
    key this verifier does not know is refused, and so is a missing one."""
    if not isinstance(obj, dict):
        raise Rejected(f"{where} is {_kind(obj)}, not an object")
    unknown = sorted(set(obj) - set(keys) - set(optional))
    if unknown:
        raise Rejected(f"{where} has {', '.join(map(repr, unknown))}, which this verifier does not check")
    missing = [k for k in keys if k not in obj]
    if missing:
        raise Rejected(f"{where} has no {', '.join(map(repr, missing))}")


def _integer(value, what: str) -> int:
    if type(value) is not int:
        raise Rejected(f"{what} is {json.dumps(value)}, {_kind(value)}, not an integer")
    return value


def _check_format(certificate: dict) -> None:
    found = certificate.get("format")
    if found == FORMAT:
        return
    if "format" not in certificate:
        raise Rejected("it has no 'format': it is not a regionscope certificate"
                       + (" (it looks like a network file, which 'verify --model' takes)" if "layers" in certificate else ""))
    if found in OLDER_FORMATS:
        raise Rejected(f"certificate format {found} is no longer verified: it lists one region across each facet, "
                       f"and {FORMAT}'s proof that no region is missing needs all of them; write the certificate "
                       "again with 'regionscope count MODEL --domain ... --certificate OUT.json'")
    raise Rejected(f"unknown certificate format {json.dumps(found)}: this verifier reads {FORMAT}")


def _verify(certificate: dict, model) -> dict:
    _check_format(certificate)
    _only(certificate, ("format", "network", "domain", "counts", "regions"), "the certificate")
    network, canonical = _read_network(_field(_field(certificate, "network", dict, "the certificate"),
                                              "layers", list, "network"))
    if model is not None:
        _check_model(canonical, model)
    n_in = len(network[0][0][0])
    domain = _read_domain(_field(certificate, "domain", dict, "the certificate"), n_in)
    start, domain_rows, dim, bounded = domain["start"], domain["rows"], domain["dim"], domain["bounded"]
    claims = _read_counts(_field(certificate, "counts", dict, "the certificate"))
    regions = _field(certificate, "regions", list, "the certificate")
    if not regions:
        raise Rejected("the certificate lists no regions, but every domain has at least one")
    patterns: dict[tuple, int] = {}
    total, checked, maps, bounded_count = Fraction(0), [], [], 0
    kept: list[tuple | None] = []  # each layer's last pre-activations (see _pull_back)
    for i, region in enumerate(regions):
        where = f"region {i}"
        _only(region, REGION_KEYS, where, optional=("vertices", "implied"))
        pattern = tuple(tuple(states) for states in _field(region, "pattern", list, where))
        if pattern in patterns:
            raise Rejected(f"{where}: its pattern is listed twice (also region {patterns[pattern]})")
        patterns[pattern] = i
        rows, volume, output_map = _check_region(region, network, start, domain_rows, dim, bounded, kept, where)
        checked.append(rows)
        maps.append(output_map)
        if volume is not None:
            bounded_count += 1
            total += volume
    pairs = _check_facets(regions, checked, {_direction(r) for r in domain_rows})
    if bounded and total != domain["volume"]:
        raise Rejected(f"the regions' volumes add up to {total}, the domain's is {domain['volume']}: a region is missing")
    derived = {
        "activation_regions": len(regions),
        "per_layer": _per_layer(network, patterns),
        "linear_regions": _linear_regions(len(regions), pairs, maps),
        "bounded_regions": bounded_count,
    }
    _check_claims(claims, derived)
    digest = hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()
    widths = [len(W) // (parameter if kind == "maxout" else 1) for W, _, _, (kind, parameter) in network]
    return {**derived, "domain": domain["description"], "dim": dim, "bounded": bounded,
            "volume": None if not bounded else str(total), "network_sha256": digest,
            "architecture": "-".join(map(str, [n_in, *widths])), "model_checked": model is not None}


REGION_KEYS = ("pattern", "point", "rows", "output_map", "volume", "neighbours")
COUNT_CLAIMS = ("activation_regions", "per_layer")
OPTIONAL_CLAIMS = ("linear_regions", "bounded_regions")


def _read_counts(counts: dict) -> dict:
    """The certificate's claims, each of its JSON type: integers, and a list of integers per layer."""
    _only(counts, COUNT_CLAIMS, "counts", optional=OPTIONAL_CLAIMS)
    claims: dict[str, object] = {key: _integer(counts[key], f"counts.{key}") for key in (*COUNT_CLAIMS, *OPTIONAL_CLAIMS)
                                 if key in counts and key != "per_layer"}
    per_layer = _field(counts, "per_layer", list, "counts")
    claims["per_layer"] = [_integer(v, f"counts.per_layer[{l}]") for l, v in enumerate(per_layer)]
    return claims


def _check_claims(claims: dict, derived: dict) -> None:
    why = {"activation_regions": "regions listed, each proved an activation region, none missing",
           "per_layer": "distinct patterns of layers 1..l among the regions",
           "linear_regions": "classes of regions with equal output maps joined across shared facets",
           "bounded_regions": "regions proved bounded"}
    for key, claimed in claims.items():
        if claimed != derived[key]:
            raise Rejected(f"counts.{key} claims {claimed}, the certificate proves {derived[key]} ({why[key]})")


def _per_layer(network, patterns) -> list[int]:
    """The regions of layers 1..l, for each l but a last affine layer (which adds none): the distinct
    prefixes of the patterns, as every region of layers 1..l holds at least one listed region."""
    layers = len(network) - (1 if network[-1][3][0] == "identity" and len(network) > 1 else 0)
    return [len({pattern[:l] for pattern in patterns}) for l in range(1, layers + 1)]


def _linear_regions(n: int, pairs, maps) -> int:
    """Connected classes of regions with equal output maps, joined across shared facets (union-find)."""
    parent = list(range(n))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        if maps[i] == maps[j]:
            parent[root(i)] = root(j)
    return len({root(i) for i in range(n)})


def _canonical_activation(spec) -> str:
    if type(spec) is not str:
        raise Rejected(f"an activation is {_kind(spec)}, not a string such as 'relu'")
    kind, parameter = _activation(spec)
    return kind if parameter is None else f"{kind}:{parameter}"


def _canonical_network(layers, where: str) -> dict:
    """The network with every number as its reduced "p/q" (or "p") and every activation spelled one way:
    two networks are equal exactly when these are (and its SHA-256, with sorted keys, is regionscope's
    ``network_sha256``)."""
    if type(layers) is not list or not layers:
        raise Rejected(f"{where} has no layers")
    canonical = []
    for l, spec in enumerate(layers, start=1):
        at = f"{where} layer {l}"
        _only(spec, ("weights", "bias", "activation"), at)
        weights = _field(spec, "weights", list, at)
        if not weights or any(type(row) is not list for row in weights):
            raise Rejected(f"{at}: its weights are not a nonempty matrix")
        canonical.append({"weights": [[str(_q(v)) for v in row] for row in weights],
                          "bias": [str(_q(v)) for v in _field(spec, "bias", list, at)],
                          "activation": _canonical_activation(spec["activation"])})
    return {"layers": canonical}


def _read_network(layers) -> tuple[list, dict]:
    """Each layer as ``(W, b, s, (activation, parameter))`` (see :func:`_integer_layer`), its weights a
    matrix as wide as the layer before has units; and the canonical network."""
    canonical = _canonical_network(layers, "network")
    network, width = [], None
    for l, spec in enumerate(canonical["layers"], start=1):
        W, b, s = _integer_layer([[_q(v) for v in row] for row in spec["weights"]], [_q(v) for v in spec["bias"]])
        kind, parameter = _activation(spec["activation"])
        width = len(W[0]) if width is None else width
        if len(b) != len(W) or any(len(row) != width for row in W) or (kind == "maxout" and len(W) % parameter):
            raise Rejected(f"layer {l}: its weights and bias do not fit the layer before or its activation")
        network.append((W, b, s, (kind, parameter)))
        width = len(W) // parameter if kind == "maxout" else len(W)
    return network, canonical


def _check_model(canonical: dict, model) -> None:
    """The certificate's network is the model's, number by number."""
    given = _canonical_network(model.get("layers") if isinstance(model, dict) else None, "the model")["layers"]
    ours = canonical["layers"]
    if len(given) != len(ours):
        raise Rejected(f"the certificate's network has {len(ours)} layers, the model {len(given)}: "
                       "it is a certificate of another network")
    for l, (a, b) in enumerate(zip(ours, given), start=1):
        for key in ("activation", "weights", "bias"):
            if a[key] == b[key]:
                continue
            if key == "activation" or len(a[key]) != len(b[key]) or \
                    (key == "weights" and any(len(x) != len(y) for x, y in zip(a[key], b[key]))):
                raise Rejected(f"layer {l}: the certificate's network has {key} {_shape(a[key])}, the model "
                               f"{_shape(b[key])}: it is a certificate of another network")
            cells = ([(f"[{r}][{c}]", x, y) for r, (xs, ys) in enumerate(zip(a[key], b[key]))
                      for c, (x, y) in enumerate(zip(xs, ys))] if key == "weights" else
                     [(f"[{r}]", x, y) for r, (x, y) in enumerate(zip(a[key], b[key]))])
            at, x, y = next(cell for cell in cells if cell[1] != cell[2])
            raise Rejected(f"layer {l}: the certificate's network has {key}{at} = {x}, the model {y}: "
                           "it is a certificate of another network")


def _shape(value) -> str:
    if isinstance(value, str):
        return repr(value)
    return f"{len(value)} x {len(value[0])}" if value and isinstance(value[0], list) else f"of length {len(value)}"


DOMAIN_KEYS = ("description", "dim", "rows", "origin", "basis", "bounded", "volume")


def _read_domain(dom: dict, n_in: int) -> dict:
    """The domain's claims checked against each other and against its description: the input as
    integer forms of the parameters over a common scale (``start``), its rows as primitive integer
    vectors, ``dim``, ``bounded``, ``description`` and ``volume`` (exact, None when unbounded)."""
    _only(dom, DOMAIN_KEYS, "domain")
    description = _field(dom, "description", str, "domain")
    dim = _field(dom, "dim", int, "domain")
    claimed_rows = _field(dom, "rows", list, "domain")
    origin = [_q(v) for v in _field(dom, "origin", list, "domain", nullable=True) or []] or None
    basis = _field(dom, "basis", list, "domain", nullable=True)
    basis = None if basis is None else [[_q(v) for v in b] for b in basis]
    bounded = _field(dom, "bounded", bool, "domain")
    volume = _field(dom, "volume", str, "domain", nullable=True)
    rows = [_direction([_q(v) for v in r]) for r in claimed_rows]
    if any(len(r) != dim + 1 for r in rows) or any(_is_constant(r) for r in rows):
        raise Rejected(f"the domain's rows are not all nonconstant affine forms of {dim} parameters")
    expected = _described(description, n_in)
    for key, value in (("dim", dim), ("origin", origin), ("basis", basis)):
        if expected[key] != value:
            raise Rejected(f"the domain's description {description!r} means {key} {_show(expected[key])}, the "
                           f"certificate's domain has {_show(value)}")
    if expected["rows"] is None:  # a polytope: its rows are its description, counted there
        if expected["count"] != len(set(rows)):
            raise Rejected(f"the domain's description {description!r} says {expected['count']} rows, the certificate's "
                           f"domain has {len(set(rows))}")
    elif set(rows) != expected["rows"]:
        raise Rejected(f"the domain's description {description!r} is not the polyhedron of its rows "
                       f"{[[str(v) for v in r] for r in rows]}")
    derived = _is_bounded(rows, dim) if rows else False
    if bounded != derived:
        raise Rejected(f"the domain claims bounded = {json.dumps(bounded)}, its rows make it "
                       f"{'bounded' if derived else 'unbounded'}")
    exact = polytope_volume(rows, dim) if bounded else None
    if bounded and (volume is None or _q(volume) != exact):
        raise Rejected(f"the domain's volume is {exact}, the certificate says {volume}")
    if not bounded and volume is not None:
        raise Rejected(f"the domain is unbounded, the certificate gives it the volume {volume}")
    origin_values = origin if origin is not None else [Fraction(0)] * n_in
    basis_values = basis if basis is not None else [[Fraction(int(i == j)) for i in range(n_in)] for j in range(n_in)]
    if len(origin_values) != n_in or len(basis_values) != dim or any(len(b) != n_in for b in basis_values):
        raise Rejected(f"the domain's origin, basis or rows do not fit {dim} parameters and {n_in} inputs")
    scale = 1
    for v in [*origin_values, *(c for b in basis_values for c in b)]:
        scale = scale * v.denominator // gcd(scale, v.denominator)
    start = ([[int(origin_values[i] * scale)] + [int(b[i] * scale) for b in basis_values] for i in range(n_in)], scale)
    return {"start": start, "rows": rows, "dim": dim, "bounded": bounded, "description": description, "volume": exact}


def _show(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    return str(value)


def _described(text: str, n_in: int) -> dict:
    """What a domain description (as regionscope writes them, or the command line's ``box:LO,HI``)
    says: ``dim``, ``origin`` and ``basis`` (None for the identity embedding), and ``rows`` as a set of
    primitive integer vectors (None for ``polytope:N rows``, whose rows are only counted: ``count``)."""
    name, _, rest = text.partition(":")
    try:
        if text == "all":
            return {"dim": n_in, "origin": None, "basis": None, "rows": set()}
        if name == "box":
            sides = [side.split(":") for side in rest.split(",")]
            if len(sides) == 2 and all(len(side) == 1 for side in sides):
                sides = [[sides[0][0], sides[1][0]]] * n_in
            if any(len(side) != 2 for side in sides):
                raise ValueError("not LO,HI nor LO1:HI1,LO2:HI2,...")
            return _box_domain([(_q(lo), _q(hi)) for lo, hi in sides])
        if name == "ball":
            centre, radius = rest.split(";")
            r = _q(radius)
            return _box_domain([(c - r, c + r) for c in map(_q, centre.split(","))])
        if name == "polytope" and rest.endswith(" rows"):
            return {"dim": n_in, "origin": None, "basis": None, "rows": None, "count": int(rest[:-len(" rows")])}
        if name in ("segment", "slice"):
            listed, _, polygon = rest.partition(" polygon:")
            points = [[_q(v) for v in p.split(",")] for p in listed.split(";")]
            if len(points) != (2 if name == "segment" else 3) or any(len(p) != n_in for p in points):
                raise ValueError(f"not {2 if name == 'segment' else 3} points of R^{n_in}")
            basis = [[b - a for a, b in zip(points[0], p)] for p in points[1:]]
            if name == "segment":
                return {"dim": 1, "origin": points[0], "basis": basis, "rows": {(0, 1), (1, -1)}}
            if polygon:
                if not polygon.endswith(" rows"):
                    raise ValueError("its polygon is not 'polygon:K rows'")
                return {"dim": 2, "origin": points[0], "basis": basis, "rows": None,
                        "count": int(polygon[:-len(" rows")])}
            return {"dim": 2, "origin": points[0], "basis": basis, "rows": set()}
    except (ValueError, ZeroDivisionError, Rejected) as exc:
        raise Rejected(f"the domain's description {text!r} cannot be read: {exc}") from None
    raise Rejected(f"the domain's description {text!r} names no domain this verifier knows "
                   "(all, box, ball, polytope, segment, slice)")


def _box_domain(sides) -> dict:
    rows = set()
    for i, (lo, hi) in enumerate(sides):
        if not lo < hi:
            raise ValueError(f"its side [{lo}, {hi}] is empty")
        unit = [0] * len(sides)
        unit[i] = 1
        rows.add(_direction([-lo, *unit]))
        rows.add(_direction([hi, *(-u for u in unit)]))
    return {"dim": len(sides), "origin": None, "basis": None, "rows": rows}


def _is_bounded(rows, dim: int) -> bool:
    """Whether the nonempty polyhedron {row >= 0} is bounded: its recession cone {v : a.v >= 0 for
    every row (b, a)} is {0}. That cone is pointed when the normals a have rank dim, and a pointed
    cone other than {0} has an extreme ray, a nonzero v on which dim - 1 normals of rank dim - 1
    vanish (v spans their kernel, from their (dim - 1)-minors) with every a.v >= 0, or -v does."""
    normals = [r[1:] for r in rows]
    if _rank(normals) < dim:
        return False
    for chosen in combinations(normals, dim - 1):
        v = [(-1) ** j * _determinant([[a for c, a in enumerate(n) if c != j] for n in chosen]) for j in range(dim)]
        if any(v):
            signs = {(x > 0) - (x < 0) for x in (sum(map(mul, n, v)) for n in normals)}
            if not {-1, 1} <= signs:
                return False
    return True


def _source(key) -> dict:
    """A constraint's key ``(layer, unit, tag)`` or ``("domain", k)`` as the certificate writes it."""
    return {key[0]: key[1]} if key[0] == "domain" else dict(zip(("layer", "unit", "tag"), key))


def _check_region(region, network, start, domain_rows, dim, bounded_domain, kept, where):
    """Checks 1 to 5 of one region: its rows ``[(row, direction, source key)]``, its volume when it
    is bounded (else None) and its output map."""
    pattern = [list(states) for states in region["pattern"]]
    constraints, layers, (output, output_scale) = _pull_back(network, start, pattern, where, kept)
    inside = _homogeneous([_q(v) for v in _field(region, "point", list, where)])
    if len(inside) != dim + 1:
        raise Rejected(f"{where}: its point does not have {dim} coordinates")
    if _forward_pattern(network, layers, inside) != pattern:
        raise Rejected(f"{where}: the forward pass at its point does not give its pattern")
    domain_forms = [(("domain", k), r) for k, r in enumerate(domain_rows)]
    forms = [*constraints.items(), *domain_forms]
    rows = []
    for entry in _field(region, "rows", list, where):
        _only(entry, ("row", "source"), f"{where} row")
        source = _field(entry, "source", dict, f"{where} row")
        _only(source, ("domain",) if "domain" in source else ("layer", "unit", "tag"), f"{where} row source")
        row = _integers(entry["row"], f"{where}: row {entry['row']}")
        key = ("domain", source["domain"]) if "domain" in source else (source["layer"], source["unit"], source["tag"])
        expected = (domain_rows[key[1]] if type(key[1]) is int and 0 <= key[1] < len(domain_rows) else None) \
            if key[0] == "domain" else constraints.get(key)
        if expected is None or not _is_positive_multiple(row, expected):
            raise Rejected(f"{where}: row {entry['row']} is not the constraint its tag {source} names")
        rows.append((row, _direction(row), key))
    row_forms = [row for row, _, _ in rows]
    for key, form in [*((key, row) for row, _, key in rows), *domain_forms]:
        if _dot(form, inside) <= 0:
            raise Rejected(f"{where}: its point is not strictly inside constraint {key}")
    if "vertices" in region:
        points = [[_q(v) for v in p] for p in region["vertices"]]
        vertices = [_homogeneous(p) for p in points]
        _check_cycle(vertices, rows, dim, where)
        for (key, form), minimum in zip(forms, _box_minima([f for _, f in forms], *_bounding_box(points))):
            if minimum < 0:  # else >= 0 on the box, which holds every vertex
                for j, vertex in enumerate(vertices):
                    if _dot(form, vertex) < 0:
                        raise Rejected(f"{where}: vertex {j} is outside constraint {_source(key)}")
        _check_edges(vertices, row_forms, dim, where)
        volume = _measure(vertices)
    else:
        _check_implications(_field(region, "implied", list, where), row_forms, forms, dim, where)
        volume = polytope_volume(row_forms, dim) if bounded_domain or _is_bounded(row_forms, dim) else None
    matrix = [[_q(v) for v in row] for row in region["output_map"]["matrix"]]
    offset = [_q(v) for v in region["output_map"]["offset"]]
    if [Fraction(f[0], output_scale) for f in output] != offset or \
            [[Fraction(v, output_scale) for v in f[1:]] for f in output] != matrix:
        raise Rejected(f"{where}: the output map is not the network's map on the region")
    claimed = _field(region, "volume", str, where, nullable=True)
    if volume is None and claimed is not None:
        raise Rejected(f"{where}: it is unbounded, the certificate gives it the volume {claimed}")
    if volume is not None and (claimed is None or _q(claimed) != volume):
        raise Rejected(f"{where}: its volume is {volume}, the certificate says {claimed}")
    return rows, volume, (tuple(map(tuple, matrix)), tuple(offset))


def _check_facets(regions, checked, domain_directions) -> set[tuple[int, int]]:
    """Checks 6 and 7: every listed neighbour lies across its facet, with a point strictly inside
    both regions' other rows on the facet's hyperplane; and every facet not on the domain's boundary
    is covered by the regions listed across it. The pairs of regions that share a facet."""
    pairs = set()
    for i, region in enumerate(regions):
        where, rows = f"region {i}", checked[i]
        across_facet: dict[int, list[int]] = {}
        for entry in _field(region, "neighbours", list, where):
            _only(entry, ("facet", "region", "point"), f"{where} neighbour")
            k = _field(entry, "facet", int, f"{where} neighbour")
            j = _field(entry, "region", int, f"{where} neighbour")
            if not 0 <= k < len(rows):
                raise Rejected(f"{where}: a neighbour is listed across facet {k}, but it has {len(rows)} rows")
            if not 0 <= j < len(regions) or j == i:
                raise Rejected(f"{where}: the neighbour listed across facet {k} is region {j}, which is not another "
                               f"region of the certificate (it lists regions 0 to {len(regions) - 1})")
            row, direction, _ = rows[k]
            point = _homogeneous([_q(v) for v in _field(entry, "point", list, f"{where} neighbour")])
            across = tuple(-v for v in direction)
            if len(point) != len(row) or _dot(row, point) != 0 or not any(d == across for _, d, _ in checked[j]):
                raise Rejected(f"{where}: neighbour {j} does not lie across facet {k}")
            if any(_dot(r, point) <= 0 for m, (r, _, _) in enumerate(rows) if m != k) or \
                    any(_dot(r, point) <= 0 for r, d, _ in checked[j] if d != across):
                raise Rejected(f"{where}: the point shared with neighbour {j} is not inside both facets")
            across_facet.setdefault(k, []).append(j)
            pairs.add((min(i, j), max(i, j)))
        for k, (row, direction, key) in enumerate(rows):
            if direction in domain_directions:
                continue  # on the domain's boundary
            listed = across_facet.get(k, [])
            if not listed:
                raise Rejected(f"{where}: facet {k} ({_describe(key)}) has no region listed across it")
            gap = _facet_gap(rows, k, [checked[j] for j in listed])
            if gap is not None:
                raise Rejected(f"{where}: facet {k} ({_describe(key)}) is not covered by the regions listed across it "
                               f"({', '.join(map(str, listed))}): they leave out a part of it next to "
                               f"({', '.join(map(str, gap))})")
    return pairs


def _describe(key) -> str:
    return f"layer {key[0]} unit {key[1]}" + ("" if key[2] is None else f" piece {key[2]}")


# --- covering a facet, one dimension at a time ----------------------------------------------------

def _facet_gap(rows, k: int, neighbours):
    """None when facet k of the region with these rows lies in the union of the neighbours (each a
    list of checked rows, across it); else a point of the facet next to which part of it lies in no
    neighbour."""
    r = rows[k][0]
    p = next(q for q in range(1, len(r)) if r[q])
    space = _on_hyperplane([row for m, (row, _, _) in enumerate(rows) if m != k], r, p)
    pieces = [_on_hyperplane([row for row, _, _ in other], r, p) for other in neighbours]
    gap = _uncovered(space, [piece for piece in pieces if piece is not None], len(r) - 2)
    return None if gap is None else _lift(gap, r, p)


def _restrict(form, s, p: int, primitive: bool = True) -> tuple[int, ...]:
    """``form`` on the hyperplane {s = 0}, in the coordinates other than x_p (s_p != 0): there
    x_p = -(s_0 + sum_{q != p} s_q x_q) / s_p, and |s_p| form - sign(s_p) form_p s, entry p dropped, is
    |s_p| times form; made primitive (its direction) unless ``primitive`` is false (on a line, where
    only the interval matters)."""
    a, sign = abs(s[p]), (1 if s[p] > 0 else -1)
    g = [a * f - sign * form[p] * t for f, t in zip(form, s)]
    del g[p]
    return _direction(g) if primitive else tuple(g)


def _on_hyperplane(forms, s, p: int):
    """The forms on {s = 0} (see :func:`_restrict`), leaving out those that are positive constants
    there or vanish there (multiples of s); None when one is a negative constant (nothing of the
    polyhedron lies on the hyperplane)."""
    kept, primitive = [], len(s) > 3
    for form in forms:
        g = _restrict(form, s, p, primitive)
        if _is_constant(g):
            if g[0] < 0:
                return None
            continue
        kept.append(g)
    return kept


def _lift(point, s, p: int) -> tuple[Fraction, ...]:
    """The point of {s = 0} with the coordinates ``point`` other than x_p."""
    x = [Fraction(v) for v in point]
    x.insert(p - 1, Fraction(0))
    x[p - 1] = -Fraction(s[0] + sum(c * v for c, v in zip(s[1:], x)), s[p])
    return tuple(x)


def _uncovered(space, pieces, k: int):
    """None when the polyhedron X = {f >= 0 : f in space} of R^k (full-dimensional) lies in the union
    of the pieces (full-dimensional polyhedra with pairwise disjoint interiors, lists of forms); else
    a point of X next to which part of X lies in no piece. For k >= 2 by the lemma of the module
    docstring: some piece meets the interior of X, and every facet of every piece that meets the
    interior of X has its part in X covered by the other pieces across it, in one dimension less."""
    if k == 0:
        return None if pieces else ()
    if k == 1:
        return _interval_gap(space, pieces)
    if all(_interior_point([*space, *piece], k) is None for piece in pieces):
        return _interior_point(space, k)
    for l, piece in enumerate(pieces):
        for s in piece:
            p = next(q for q in range(1, k + 1) if s[q])
            face = _on_hyperplane([*space, *(f for f in piece if f is not s)], s, p)
            if face is None or any(not any(_restrict(f, s, p, False)) for f in space) or \
                    _interior_point(face, k - 1) is None:
                continue  # this facet does not meet the interior of X
            across = tuple(-v for v in s)
            others = []
            for m, other in enumerate(pieces):
                if m != l and across in other:
                    restricted = _on_hyperplane(other, s, p)
                    if restricted is not None and _interior_point(restricted, k - 1) is not None:
                        others.append(restricted)
            gap = _uncovered(face, others, k - 1)
            if gap is not None:
                return _lift(gap, s, p)
    return None


def _span(forms):
    """The interval {t : c + a t >= 0 for every (c, a)} as (low, high), +-inf for no end; None if empty."""
    low = high = None  # the tightest (numerator, denominator > 0) so far, compared crosswise
    for c, a in forms:
        if a > 0:
            if low is None or -c * low[1] > low[0] * a:
                low = (-c, a)
        elif a < 0:
            if high is None or c * high[1] < high[0] * -a:
                high = (c, -a)
        elif c < 0:
            return None
    lo = -math.inf if low is None else Fraction(*low)
    hi = math.inf if high is None else Fraction(*high)
    return (lo, hi) if lo <= hi else None


def _interval_gap(space, pieces):
    """None when the interval X of ``space`` lies in the union of the pieces' intervals, else a point
    of X next to which part of X lies in none (the end of the covered part, or a point of the gap)."""
    low, high = _span(space)
    reach, gap_end = low, high
    for a, b in sorted(s for s in map(_span, pieces) if s is not None and s[0] < s[1]):
        if reach >= high:
            return None
        if a > reach:
            gap_end = min(a, high)
            break
        reach = max(reach, b)
    if reach >= high:
        return None
    if reach > -math.inf:
        return (reach,)
    return (gap_end - 1,) if gap_end < math.inf else (Fraction(0),)


def _interior_point(forms, k: int):
    """A point u of R^k with f(u) > 0 for every form f (integer lists, constant first), or None when
    there is none: Fourier-Motzkin elimination, exact for strict inequalities (a lower and an upper
    bound on the last coordinate combine with positive multipliers into a strict inequality of the
    others), keeping per direction only the tightest form; then back-substitution, each coordinate
    strictly between its bounds."""
    levels = []
    for var in range(k, 0, -1):
        forms = _tightest(forms)
        if forms is None:
            return None
        levels.append(forms)
        lower = [f for f in forms if f[var] > 0]
        upper = [f for f in forms if f[var] < 0]
        forms = [f[:var] for f in forms if f[var] == 0] + \
                [tuple(-u[var] * a + l[var] * b for a, b in zip(l[:var], u[:var])) for l in lower for u in upper]
    if any(f[0] <= 0 for f in forms):
        return None
    point: list[Fraction] = []
    for var, level in enumerate(reversed(levels), start=1):
        low: Fraction | None = None  # None: unbounded
        high: Fraction | None = None
        for f in level:
            value = f[0] + sum(map(mul, f[1:var], point))
            if f[var] > 0:
                bound = Fraction(-value, f[var])
                low = bound if low is None else max(low, bound)
            elif f[var] < 0:
                bound = Fraction(value, -f[var])
                high = bound if high is None else min(high, bound)
        if low is not None:
            point.append((low + high) / 2 if high is not None else low + 1)
        else:
            point.append(high - 1 if high is not None else Fraction(0))
    return tuple(point)


def _tightest(forms):
    """The strict system {f > 0} without positive constants and with one form per direction of the
    linear part (the tightest); None when a constant is <= 0."""
    best = {}
    for f in forms:
        common = 0
        for v in f[1:]:
            common = gcd(common, v)
        if not common:
            if f[0] <= 0:
                return None
            continue
        key = tuple(v // common for v in f[1:])
        constant = Fraction(f[0], common)
        if key not in best or constant < best[key][0]:
            best[key] = (constant, f)
    return [f for _, f in best.values()]


def verify_file(path: str, model: dict | None = None) -> dict:
    with open(path) as handle:
        return verify(json.load(handle), model)
