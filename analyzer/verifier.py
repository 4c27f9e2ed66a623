"""An independent checker of region-count certificates (see :mod:`analyzer.certificate`).

It imports nothing from regionscope: the standard library and exact rationals only, so that it can be
read and audited on its own. It re-derives, from the network's weights and each region's pattern,
every constraint that defines the region (pre-activation forms pulled back along the pattern) and checks:

1. the interior point lies strictly inside every constraint, and an exact forward pass there gives
   the pattern; units that are constant under the pattern are in the state their constant dictates;
2. every H-row is a positive multiple of the constraint or domain row its tag names;
3. every other constraint and domain row is implied by the rows (affine Farkas: nonnegative
   multipliers reproduce a positive multiple of it exactly), so the polyhedron of the rows *is* the
   pattern's region;
4. the affine output map is the network's map on the region; the patterns are distinct;
5. each region's volume, recomputed here (vertices by brute force, pulling triangulation), is the
   claimed one, and the volumes add up to the domain's (or, for an unbounded domain, the given box's);
6. each facet that comes from a unit has a region across it, with a point strictly inside both
   regions' other rows on the facet's hyperplane.

Distinct patterns with the constant-unit rule give regions with disjoint interiors; with 3 each
listed polyhedron is the closure of its region; so 5 proves that no region is missing (for an
unbounded domain: none that meets the box). Usage: ``regionscope verify CERT.json``.
"""
from __future__ import annotations

import json
from fractions import Fraction
from itertools import combinations
from math import factorial, gcd


class Rejected(Exception):
    """The certificate fails a check; the message names the first failure."""


def _q(text) -> Fraction:
    return Fraction(text)


def _homogeneous(point) -> list[int]:
    """``(d, X_1, ..., X_n)`` with ``point = X / d``, d > 0: a form's sign there is an integer's."""
    d = 1
    for v in point:
        d = d * v.denominator // gcd(d, v.denominator)
    return [d, *(int(v * d) for v in point)]


def _dot(form, homogeneous_point) -> Fraction | int:
    """A form's value at a homogeneous point, times its (positive) denominator: the same sign."""
    return sum(f * v for f, v in zip(form, homogeneous_point))


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


def _unit_constraints(kind, state, zs, scale, where):
    """Constraint forms (tag -> form, all >= 0 on the region) and the output form of one unit.

    ``zs``: the unit's pre-activation forms (one, or k for maxout) as integer lists (constant first)
    that are ``scale`` times the true forms; constraints are returned at that scale (only their
    direction matters), the output too (None for a leaky unit that is off: the caller scales it)."""
    def constant(f):
        return not any(f[1:])

    def minus(f, g):
        return [a - b for a, b in zip(f, g)]

    if kind == "maxout":
        if not 0 <= state < len(zs):
            raise Rejected(f"{where}: maxout state {state} out of range")
        found = {}
        for b, zb in enumerate(zs):
            if b == state:
                continue
            d = minus(zs[state], zb)
            if constant(d):
                # ties go to the lowest index: a beats b < a only strictly
                if d[0] < 0 or (d[0] == 0 and b < state):
                    raise Rejected(f"{where}: maxout piece {b} is never below piece {state}, state is wrong")
                continue
            found[b] = d
        return found, zs[state]
    (z,) = zs
    one = [scale] + [0] * (len(z) - 1)
    if kind == "identity":
        return {}, z
    if kind == "hardtanh":
        if constant(z):
            expected = -1 if z[0] <= -scale else (1 if z[0] >= scale else 0)
            if state != expected:
                raise Rejected(f"{where}: constant hard-tanh input {Fraction(z[0], scale)} means state {expected}, "
                               f"not {state}")
            return {}, (z if state == 0 else [state * scale] + [0] * (len(z) - 1))
        pieces = {-1: {-1: minus([-v for v in z], one)},
                  0: {-1: [z[0] + scale, *z[1:]], 1: minus(one, z)},
                  1: {1: minus(z, one)}}
        if state not in pieces:
            raise Rejected(f"{where}: hard-tanh state {state} is not -1, 0 or 1")
        return pieces[state], (z if state == 0 else [state * scale] + [0] * (len(z) - 1))
    if state not in (0, 1):
        raise Rejected(f"{where}: state {state} is not 0 or 1")
    if constant(z):
        if state != (1 if z[0] > 0 else 0):
            raise Rejected(f"{where}: constant pre-activation {Fraction(z[0], scale)} means state {int(z[0] > 0)}, "
                           f"not {state}")
        found = {}
    else:
        found = {None: z if state else [-v for v in z]}
    return found, z if state else {"relu": [0] * len(z), "leaky_relu": None, "abs": [-v for v in z]}[kind]


def _pull_back(network, start, pattern, where, memo):
    """Constraints {(layer, unit, tag): integer form} of a pattern, in parameter coordinates (each a
    positive multiple of the true form), and the output map as ``(integer rows, scale)``.

    ``start`` is the input as integer rows over a common scale. Layer l's pre-activation forms depend
    only on the states of the layers before it, so ``memo`` keeps them per pattern prefix."""
    if len(pattern) != len(network):
        raise Rejected(f"{where}: pattern has {len(pattern)} layers, the network {len(network)}")
    current, scale = start
    constraints = {}
    for l, (W, b, s, (kind, parameter)) in enumerate(network, start=1):
        key = json.dumps(pattern[:l - 1])
        if key not in memo:
            width = len(current[0])
            memo[key] = ([[bk * scale + sum(w * f[0] for w, f in zip(row, current))] +
                          [sum(w * f[j] for w, f in zip(row, current)) for j in range(1, width)]
                          for row, bk in zip(W, b)], s * scale)
        pre, pre_scale = memo[key]
        size = parameter if kind == "maxout" else 1
        groups = [pre[k:k + size] for k in range(0, len(pre), size)]
        states = pattern[l - 1] if kind != "identity" else [0] * len(groups)
        if len(states) != len(groups):
            raise Rejected(f"{where}: layer {l} has {len(groups)} units, the pattern {len(states)} states")
        outputs = []
        slope = parameter if kind == "leaky_relu" else Fraction(1)
        for u, (zs, state) in enumerate(zip(groups, states)):
            found, output = _unit_constraints(kind, state, zs, pre_scale, f"{where}, layer {l} unit {u}")
            for tag, form in found.items():
                constraints[(l, u, tag)] = form
            # a leaky layer's outputs are kept at scale pre_scale * q (slope p/q): on q z, off p z
            outputs.append([slope.numerator * v for v in zs[0]] if output is None
                           else [slope.denominator * v for v in output])
        current, scale = outputs, pre_scale * slope.denominator
    return constraints, (current, scale)


def _forward_pattern(network, x):
    """The pattern of an exact forward pass at x, in integers: values are kept as integers over
    a common scale."""
    scale = 1
    for v in x:
        scale = scale * v.denominator // gcd(scale, v.denominator)
    values = [int(v * scale) for v in x]
    pattern = []
    for W, b, s, (kind, parameter) in network:
        z = [bk * scale + sum(w * v for w, v in zip(row, values)) for row, bk in zip(W, b)]
        scale *= s
        if kind == "maxout":
            groups = [z[k:k + parameter] for k in range(0, len(z), parameter)]
            states = [g.index(max(g)) for g in groups]
            values = [max(g) for g in groups]
        elif kind == "hardtanh":
            states = [-1 if v <= -scale else (1 if v >= scale else 0) for v in z]
            values = [min(max(v, -scale), scale) for v in z]
        elif kind == "identity":
            states, values = [], z
        else:
            states = [int(v > 0) for v in z]
            slope = {"relu": Fraction(0), "leaky_relu": parameter, "abs": Fraction(-1)}[kind]
            values = [v * slope.denominator if v > 0 else v * slope.numerator for v in z]
            scale *= slope.denominator
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
    splits it into simplices of volume |det| / dim!."""
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


def verify(certificate: dict) -> dict:
    """Check a certificate; return its counts, or raise :class:`Rejected` naming the first failure."""
    try:
        return _verify(certificate)
    except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError, AttributeError) as exc:
        raise Rejected(f"malformed certificate: {type(exc).__name__}: {exc}") from None


def _verify(certificate: dict) -> dict:
    if certificate.get("format") != "regionscope-certificate/1":
        raise Rejected(f"unknown certificate format {certificate.get('format')!r}")
    network = []
    for spec in certificate["network"]["layers"]:
        W, b, s = _integer_layer([[_q(v) for v in row] for row in spec["weights"]], [_q(v) for v in spec["bias"]])
        network.append((W, b, s, _activation(spec["activation"])))
    dom = certificate["domain"]
    dim = dom["dim"]
    n_in = len(network[0][0][0])
    origin = [_q(v) for v in dom["origin"]] if dom["origin"] is not None else [Fraction(0)] * n_in
    basis = [[_q(v) for v in b] for b in dom["basis"]] if dom["basis"] is not None else \
        [[Fraction(int(i == j)) for i in range(n_in)] for j in range(n_in)]
    domain_rows = [[_q(v) for v in r] for r in dom["rows"]]
    box_rows = [[_q(v) for v in r] for r in dom["volume_box"]]
    if dom["bounded"] == bool(box_rows):
        raise Rejected("a bounded domain needs no volume box, an unbounded one needs one")
    start_scale = 1
    for v in [*origin, *(c for b in basis for c in b)]:
        start_scale = start_scale * v.denominator // gcd(start_scale, v.denominator)
    start = ([[int(origin[i] * start_scale)] + [int(b[i] * start_scale) for b in basis] for i in range(n_in)],
             start_scale)
    regions = certificate["regions"]
    patterns, total, memo = set(), Fraction(0), {}
    for i, region in enumerate(regions):
        where = f"region {i}"
        pattern = [list(states) for states in region["pattern"]]
        key = json.dumps(pattern)
        if key in patterns:
            raise Rejected(f"{where}: its pattern is listed twice")
        patterns.add(key)
        point = [_q(v) for v in region["point"]]
        x = [o + sum(p * b[k] for p, b in zip(point, basis)) for k, o in enumerate(origin)]
        if _forward_pattern(network, x) != [list(s) if k != "identity" else [] for s, (_, _, _, (k, _)) in
                                            zip(pattern, network)]:
            raise Rejected(f"{where}: the forward pass at its point does not give its pattern")
        constraints, (output, output_scale) = _pull_back(network, start, pattern, where, memo)
        inside = _homogeneous(point)
        for source, form in [*constraints.items(), *((("domain", k), r) for k, r in enumerate(domain_rows))]:
            if _dot(form, inside) <= 0:
                raise Rejected(f"{where}: its point is not strictly inside constraint {source}")
        rows = []
        for entry in region["rows"]:
            row, source = [_q(v) for v in entry["row"]], entry["source"]
            if any(v.denominator != 1 for v in row):
                raise Rejected(f"{where}: row {entry['row']} is not a vector of integers")
            row = [int(v) for v in row]
            expected = domain_rows[source["domain"]] if "domain" in source else \
                constraints.get((source["layer"], source["unit"], source["tag"]))
            if expected is None or not _is_positive_multiple(row, expected):
                raise Rejected(f"{where}: row {entry['row']} is not the constraint its tag {source} names")
            rows.append(row)
        row_directions = {_direction(row) for row in rows}
        implied = {json.dumps(e["source"], sort_keys=True): e for e in region["implied"]}
        for source, form in [*(({"layer": l, "unit": u, "tag": t}, f) for (l, u, t), f in constraints.items()),
                             *(({"domain": k}, r) for k, r in enumerate(domain_rows))]:
            if _direction(form) in row_directions:
                continue
            entry = implied.get(json.dumps(source, sort_keys=True))
            if entry is None:
                raise Rejected(f"{where}: constraint {source} is neither a row nor shown to follow from the rows")
            constant = _q(entry["constant"])
            multipliers = [Fraction(0)] * len(rows)  # stored sparsely: {row index: value}
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
        matrix = [[_q(v) for v in row] for row in region["output_map"]["matrix"]]
        offset = [_q(v) for v in region["output_map"]["offset"]]
        if [Fraction(f[0], output_scale) for f in output] != offset or \
                [[Fraction(v, output_scale) for v in f[1:]] for f in output] != matrix:
            raise Rejected(f"{where}: the output map is not the network's map on the region")
        vol = polytope_volume(rows + box_rows, dim)
        if vol != _q(region["volume"]):
            raise Rejected(f"{where}: its volume is {vol}, the certificate says {region['volume']}")
        total += vol
        for entry in region["neighbours"]:
            j, row = entry["region"], rows[entry["facet"]]
            q = _homogeneous([_q(v) for v in entry["point"]])
            other = [[_q(v) for v in e["row"]] for e in regions[j]["rows"]]
            across = _direction([-v for v in row])
            if _dot(row, q) != 0 or not any(_direction(r) == across for r in other):
                raise Rejected(f"{where}: neighbour {j} does not lie across facet {entry['facet']}")
            if any(_dot(r, q) <= 0 for r in rows if r is not row) or \
                    any(_dot(r, q) <= 0 for r in other if _direction(r) != across):
                raise Rejected(f"{where}: the point shared with neighbour {j} is not inside both facets")
        covered = {e["facet"] for e in region["neighbours"]}
        for k, entry in enumerate(region["rows"]):
            if "domain" not in entry["source"] and k not in covered:
                raise Rejected(f"{where}: facet {k} from a unit has no region across it")
    domain_volume = polytope_volume(domain_rows + box_rows, dim)
    if domain_volume != _q(dom["volume"]):
        raise Rejected(f"the domain's volume is {domain_volume}, the certificate says {dom['volume']}")
    if total != domain_volume:
        raise Rejected(f"the regions' volumes add up to {total}, the domain's is {domain_volume}: a region is missing")
    return {"activation_regions": len(regions), "domain": dom["description"], "volume": str(total)}


def verify_file(path: str) -> dict:
    with open(path) as handle:
        return verify(json.load(handle))
