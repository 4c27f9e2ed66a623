"""An independent checker of region-count certificates (see :mod:`analyzer.certificate`).

It imports nothing from regionscope: the standard library and exact rationals only, so that it can be
read and audited on its own. It re-derives, from the network's weights and each region's pattern,
every constraint that defines the region (pre-activation forms pulled back along the pattern, as
integer forms at a positive scale) and checks:

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
5. each region's volume, recomputed here, is the claimed one (from listed vertices: length, or area
   by the shoelace formula; otherwise vertices by brute force and a pulling triangulation), and the
   volumes add up to the domain's (or, for an unbounded domain, the given box's);
6. each facet that comes from a unit has a region across it, with a point strictly inside both
   regions' other rows on the facet's hyperplane.

Distinct patterns with the constant-unit rule give regions with disjoint interiors; with 3 each
listed polyhedron is the closure of its region; so 5 proves that no region is missing (for an
unbounded domain: none that meets the box). Usage: ``regionscope verify CERT.json``.

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

import json
from fractions import Fraction
from itertools import combinations
from math import factorial, gcd
from operator import mul


FORMATS = ("regionscope-certificate/1", "regionscope-certificate/2")  # 2 adds vertex lists


class Rejected(Exception):
    """The certificate fails a check; the message names the first failure."""


def _q(text: str) -> Fraction:
    """A rational from its string "p/q" or "p"."""
    numerator, _, denominator = text.partition("/")
    return Fraction(int(numerator), int(denominator or 1))


def _integers(texts, what: str) -> list[int]:
    try:
        return [int(text) for text in texts]
    except ValueError:
        raise Rejected(f"{what} is not a vector of integers") from None


def _homogeneous(point) -> list[int]:
    """``(d, X_1, ..., X_n)`` with ``point = X / d``, d > 0: a form's sign there is an integer's."""
    d = 1
    for v in point:
        d = d * v.denominator // gcd(d, v.denominator)
    return [d, *(int(v * d) for v in point)]


def _dot(form, homogeneous_point) -> int:
    """A form's value at a homogeneous point, times its (positive) denominator: the same sign."""
    return sum(map(mul, form, homogeneous_point))


def _value(form, point) -> Fraction:
    return form[0] + sum(a * x for a, x in zip(form[1:], point))


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


def _layer_constraints(l, kind, parameter, pre, scale, states, where):
    """Layer l in the given states, its pre-activation forms at ``scale``: its constraints
    {(l, unit, tag): form} and its outputs as forms (a leaky layer's, slope p/q, at scale * q)."""
    size = parameter if kind == "maxout" else 1
    groups = [pre[k:k + size] for k in range(0, len(pre), size)]
    states = [0] * len(groups) if kind == "identity" else states
    if len(states) != len(groups):
        raise Rejected(f"{where}: layer {l} has {len(groups)} units, the pattern {len(states)} states")
    slope = parameter if kind == "leaky_relu" else Fraction(1)
    constraints, outputs = {}, []
    for u, (zs, state) in enumerate(zip(groups, states)):
        try:
            found, output = _unit_constraints(kind, state, zs, scale)
        except Rejected as failure:
            raise Rejected(f"{where}, layer {l} unit {u}: {failure}") from None
        for tag, form in found.items():
            constraints[(l, u, tag)] = form
        # on q z, off p z
        outputs.append([slope.numerator * v for v in zs[0]] if output is None
                       else output if slope.denominator == 1 else [slope.denominator * v for v in output])
    return constraints, outputs


def _pull_back(network, start, pattern, where, kept):
    """A pattern's constraints {(layer, unit, tag): integer form} in parameter coordinates (each a
    positive multiple of the true form), its pre-activation forms per layer and its output map, each
    as ``(integer forms, scale)``.

    ``start`` is the input as integer forms over a common scale. ``kept`` carries each layer's last
    ``(inputs, pre-activations, states, constraints and outputs)`` from one pattern to the next: the
    pre-activations are updated (:func:`_pre_activations`), the rest reused when they and the states
    are the same."""
    if len(pattern) != len(network):
        raise Rejected(f"{where}: pattern has {len(pattern)} layers, the network {len(network)}")
    inputs, scale = start
    constraints, layers = {}, []
    for l, (W, b, s, (kind, parameter)) in enumerate(network, start=1):
        if l > len(kept):
            kept.append(None)
        last, states = kept[l - 1], pattern[l - 1]
        pre = _pre_activations(W, b, inputs, scale, last and last[:2])
        if last is not None and last[1] == pre and last[2] == states:
            found, outputs = last[3]
        else:
            found, outputs = _layer_constraints(l, kind, parameter, pre, s * scale, states, where)
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
        z, one = [_dot(form, point) for form in pre], scale * point[0]  # one: the value 1 at this scale
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


def _solve(matrix, rhs):
    """The unique solution of a square system, or None (Gaussian elimination in rationals)."""
    n = len(matrix)
    rows = [list(r) + [v] for r, v in zip(matrix, rhs)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * c for a, c in zip(rows[r], rows[col])]
    return [rows[i][n] / rows[i][i] for i in range(n)]


def _rank(vectors) -> int:
    rows = [list(v) for v in vectors]
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
    splits it into simplices of volume ``|det| / dim!``."""
    rows = [[Fraction(v) for v in r] for r in rows]
    vertices = []
    for chosen in combinations(rows, dim):
        point = _solve([r[1:] for r in chosen], [-r[0] for r in chosen])
        if point is not None and all(_value(r, point) >= 0 for r in rows) and point not in vertices:
            vertices.append(point)
    if len(vertices) <= dim:
        return Fraction(0)
    tight = [frozenset(k for k, r in enumerate(rows) if _value(r, v) == 0) for v in vertices]

    def affine_dim(face):
        return _rank([[a - b for a, b in zip(vertices[i], vertices[face[0]])] for i in face[1:]]) if len(face) > 1 else 0

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

    if affine_dim(tuple(range(len(vertices)))) < dim:
        return Fraction(0)
    total = Fraction(0)
    for s in simplices(tuple(range(len(vertices))), dim):
        edges = [[a - b for a, b in zip(vertices[i], vertices[s[0]])] for i in s[1:]]
        total += abs(_determinant(edges))
    return total / factorial(dim)


def _determinant(matrix) -> Fraction:
    rows = [list(r) for r in matrix]
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
    twice = sum(Fraction(x0 * y1 - x1 * y0, d0 * d1)
                for (d0, x0, y0), (d1, x1, y1) in zip(vertices, vertices[1:] + vertices[:1]))
    return twice / 2


def _check_implications(entries, rows, forms, dim, where) -> None:
    """Each form that is not a row follows from the rows: its entry's constant and multipliers (all
    >= 0, stored sparsely as {row index: value}) combine the rows into a positive multiple of it."""
    row_directions = {_direction(row) for row in rows}
    implied = {json.dumps(e["source"], sort_keys=True): e for e in entries}
    for key, form in forms:
        if _direction(form) in row_directions:
            continue
        source = _source(key)
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


def verify(certificate: dict) -> dict:
    """Check a certificate; return its counts, or raise :class:`Rejected` naming the first failure."""
    try:
        return _verify(certificate)
    except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError, AttributeError) as exc:
        raise Rejected(f"malformed certificate: {type(exc).__name__}: {exc}") from None


def _verify(certificate: dict) -> dict:
    if certificate.get("format") not in FORMATS:
        raise Rejected(f"unknown certificate format {certificate.get('format')!r}")
    network = _read_network(certificate["network"]["layers"])
    dom = certificate["domain"]
    dim = dom["dim"]
    start, domain_rows, box_rows = _read_domain(dom, len(network[0][0][0]))
    regions = certificate["regions"]
    patterns, total, kept, facets = set(), Fraction(0), [], []
    for i, region in enumerate(regions):
        where = f"region {i}"
        pattern = tuple(tuple(states) for states in region["pattern"])
        if pattern in patterns:
            raise Rejected(f"{where}: its pattern is listed twice")
        patterns.add(pattern)
        rows, volume = _check_region(region, network, start, domain_rows, box_rows, dim, kept, where)
        facets.append(rows)
        total += volume
    for i, region in enumerate(regions):
        _check_neighbours(region, i, facets)
    domain_volume = polytope_volume(domain_rows + box_rows, dim)
    if domain_volume != _q(dom["volume"]):
        raise Rejected(f"the domain's volume is {domain_volume}, the certificate says {dom['volume']}")
    if total != domain_volume:
        raise Rejected(f"the regions' volumes add up to {total}, the domain's is {domain_volume}: a region is missing")
    return {"activation_regions": len(regions), "domain": dom["description"], "volume": str(total)}


def _read_network(layers) -> list:
    """Each layer as ``(W, b, s, (activation, parameter))`` (see :func:`_integer_layer`), its weights a
    matrix as wide as the layer before has units."""
    network, width = [], None
    for l, spec in enumerate(layers, start=1):
        W, b, s = _integer_layer([[_q(v) for v in row] for row in spec["weights"]], [_q(v) for v in spec["bias"]])
        kind, parameter = _activation(spec["activation"])
        width = len(W[0]) if width is None else width
        if len(b) != len(W) or any(len(row) != width for row in W) or (kind == "maxout" and len(W) % parameter):
            raise Rejected(f"layer {l}: its weights and bias do not fit the layer before or its activation")
        network.append((W, b, s, (kind, parameter)))
        width = len(W) // parameter if kind == "maxout" else len(W)
    return network


def _read_domain(dom, n_in: int):
    """The input as integer forms of the domain's parameters over a common scale, and the domain and
    volume-box rows as primitive integer vectors (the same half-spaces)."""
    dim = dom["dim"]
    origin = [_q(v) for v in dom["origin"]] if dom["origin"] is not None else [Fraction(0)] * n_in
    basis = [[_q(v) for v in b] for b in dom["basis"]] if dom["basis"] is not None else \
        [[Fraction(int(i == j)) for i in range(n_in)] for j in range(n_in)]
    domain_rows = [_direction([_q(v) for v in r]) for r in dom["rows"]]
    box_rows = [_direction([_q(v) for v in r]) for r in dom["volume_box"]]
    if len(origin) != n_in or len(basis) != dim or any(len(b) != n_in for b in basis) or \
            any(len(r) != dim + 1 for r in domain_rows + box_rows):
        raise Rejected(f"the domain's origin, basis or rows do not fit {dim} parameters and {n_in} inputs")
    if dom["bounded"] == bool(box_rows):
        raise Rejected("a bounded domain needs no volume box, an unbounded one needs one")
    scale = 1
    for v in [*origin, *(c for b in basis for c in b)]:
        scale = scale * v.denominator // gcd(scale, v.denominator)
    return ([[int(origin[i] * scale)] + [int(b[i] * scale) for b in basis] for i in range(n_in)], scale), \
        domain_rows, box_rows


def _source(key) -> dict:
    """A constraint's key ``(layer, unit, tag)``, ``("domain", k)`` or ``("box", k)`` as the
    certificate writes it."""
    return {key[0]: key[1]} if key[0] in ("domain", "box") else dict(zip(("layer", "unit", "tag"), key))


def _check_region(region, network, start, domain_rows, box_rows, dim, kept, where):
    """Checks 1 to 5 of one region; its rows ``[(row, direction, source key)]`` and its volume."""
    pattern = [list(states) for states in region["pattern"]]
    constraints, layers, (output, output_scale) = _pull_back(network, start, pattern, where, kept)
    inside = _homogeneous([_q(v) for v in region["point"]])
    if len(inside) != dim + 1:
        raise Rejected(f"{where}: its point does not have {dim} coordinates")
    if _forward_pattern(network, layers, inside) != pattern:
        raise Rejected(f"{where}: the forward pass at its point does not give its pattern")
    domain_forms = [(("domain", k), r) for k, r in enumerate(domain_rows)]
    forms = [*constraints.items(), *domain_forms]
    rows = []
    for entry in region["rows"]:
        source = entry["source"]
        row = _integers(entry["row"], f"{where}: row {entry['row']}")
        key = ("domain", source["domain"]) if "domain" in source else (source["layer"], source["unit"], source["tag"])
        expected = domain_rows[key[1]] if key[0] == "domain" else constraints.get(key)
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
        every = [*forms, *((("box", k), r) for k, r in enumerate(box_rows))]
        for (key, form), minimum in zip(every, _box_minima([f for _, f in every], *_bounding_box(points))):
            if minimum < 0:  # else >= 0 on the box, which holds every vertex
                for j, vertex in enumerate(vertices):
                    if _dot(form, vertex) < 0:
                        raise Rejected(f"{where}: vertex {j} is outside constraint {_source(key)}")
        _check_edges(vertices, row_forms, dim, where)
        volume = _measure(vertices)
    else:
        _check_implications(region["implied"], row_forms, forms, dim, where)
        volume = polytope_volume(row_forms + box_rows, dim)
    matrix = [[_q(v) for v in row] for row in region["output_map"]["matrix"]]
    offset = [_q(v) for v in region["output_map"]["offset"]]
    if [Fraction(f[0], output_scale) for f in output] != offset or \
            [[Fraction(v, output_scale) for v in f[1:]] for f in output] != matrix:
        raise Rejected(f"{where}: the output map is not the network's map on the region")
    if volume != _q(region["volume"]):
        raise Rejected(f"{where}: its volume is {volume}, the certificate says {region['volume']}")
    return rows, volume


def _check_neighbours(region, i, facets) -> None:
    """Check 6: each facet from a unit has a region across it, sharing a point strictly inside both
    regions' other rows on the facet's hyperplane (``facets``: every region's checked rows)."""
    where, rows = f"region {i}", facets[i]
    for entry in region["neighbours"]:
        j, k = entry["region"], entry["facet"]
        row, direction, _ = rows[k]
        point = _homogeneous([_q(v) for v in entry["point"]])
        across = tuple(-v for v in direction)
        if len(point) != len(row) or _dot(row, point) != 0 or not any(d == across for _, d, _ in facets[j]):
            raise Rejected(f"{where}: neighbour {j} does not lie across facet {k}")
        if any(_dot(r, point) <= 0 for m, (r, _, _) in enumerate(rows) if m != k) or \
                any(_dot(r, point) <= 0 for r, d, _ in facets[j] if d != across):
            raise Rejected(f"{where}: the point shared with neighbour {j} is not inside both facets")
    covered = {e["facet"] for e in region["neighbours"]}
    for k, (_, _, key) in enumerate(rows):
        if key[0] != "domain" and k not in covered:
            raise Rejected(f"{where}: facet {k} from a unit has no region across it")


def verify_file(path: str) -> dict:
    with open(path) as handle:
        return verify(json.load(handle))
