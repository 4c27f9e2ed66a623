"""Slow, obviously correct references for the analyzer tests.

Nothing here imports ``analyzer`` or ``geometry``. A network is a plain *spec*: a list of layers
``(W, b, act)`` with ``W`` a list of rows of Fractions (shape ``(n_pre, n_in)``), ``b`` a list of
Fractions and ``act`` one of ``relu``, ``leaky_relu:p/q``, ``abs``, ``hardtanh``, ``maxout:k`` or
``identity``. The semantics are written out again from the design document:

* relu / leaky / abs: state 1 where ``z > 0``, 0 where ``z <= 0``;
* hardtanh: -1 where ``z <= -1``, 1 where ``z >= 1``, 0 in between; output ``clip(z, -1, 1)``;
* maxout:k: consecutive groups of k, state = the lowest index among the tied maxima;
* identity: no state (the pattern entry of the layer is ``()``).

References:

* :func:`forward` - exact forward pass, with every layer's pre-activations;
* :func:`brute_force_patterns` - every activation region as the set of patterns ``s`` whose set
  ``{x in int D : pattern(x) = s}`` has an interior point; decided by a depth-first search over the
  units, one exact ``cdd.gmp`` LP per partial pattern (no witness shortcuts, no floats);
* :func:`pieces_1d` - pieces of a network along a line, by exact root finding, layer by layer;
* :func:`serra_bound` - the Serra-Tjandraatmadja-Ramalingam (2018) upper bound R(l, d).
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache

import cdd
import cdd.gmp

from reference import rank  # one exact rank for every slow reference

F = Fraction


# --- specs -------------------------------------------------------------------------------------

def fr(v) -> Fraction:
    return v if isinstance(v, Fraction) else Fraction(v)


def spec_layer(W, b, act="relu"):
    return ([[fr(v) for v in row] for row in W], [fr(v) for v in b], act)


def kind_of(act: str) -> tuple[str, object]:
    name, _, param = act.partition(":")
    if name == "leaky_relu":
        return name, Fraction(param) if param else Fraction(1, 100)
    if name == "maxout":
        return name, int(param)
    return name, None


def build(spec):
    """The engine's Network for a spec (the only place that touches analyzer)."""
    from analyzer.network import layer, network
    return network([layer(W, b, act, index=i + 1) for i, (W, b, act) in enumerate(spec)])


def groups(n_pre: int, act: str) -> list[list[int]]:
    name, param = kind_of(act)
    k = param if name == "maxout" else 1
    return [list(range(j, j + k)) for j in range(0, n_pre, k)]


# --- exact forward pass ----------------------------------------------------------------------------

def state_of(act: str, values: Sequence[Fraction]) -> int:
    name, _ = kind_of(act)
    if name == "maxout":
        best = max(values)
        return min(i for i, v in enumerate(values) if v == best)
    (z,) = values
    if name == "hardtanh":
        if z <= -1:
            return -1
        if z >= 1:
            return 1
        return 0
    if name == "identity":
        return 0
    return 1 if z > 0 else 0


def output_of(act: str, values: Sequence[Fraction]) -> Fraction:
    name, param = kind_of(act)
    if name == "maxout":
        return max(values)
    (z,) = values
    if name == "relu":
        return max(z, Fraction(0))
    if name == "leaky_relu":
        return z if z > 0 else param * z
    if name == "abs":
        return abs(z)
    if name == "hardtanh":
        return min(max(z, Fraction(-1)), Fraction(1))
    return z


def forward(spec, x):
    """``(output, pattern, pre-activations per layer)``, exactly."""
    y = [fr(v) for v in x]
    pattern, pres = [], []
    for W, b, act in spec:
        assert all(len(row) == len(y) for row in W)
        z = [bi + sum(w * v for w, v in zip(row, y)) for row, bi in zip(W, b)]
        pres.append(z)
        gs = groups(len(z), act)
        states = tuple(state_of(act, [z[i] for i in g]) for g in gs)
        pattern.append(() if act == "identity" else states)
        y = [output_of(act, [z[i] for i in g]) for g in gs]
    return tuple(y), tuple(pattern), pres


# --- affine maps under a fixed pattern ----------------------------------------------------------

# An affine function of parameters u in R^k is (c, (a_1, ..., a_k)) with value c + a . u.

def _apply_layer_affine(W, b, inputs):
    """Pre-activations as affine functions, given the layer's inputs as affine functions."""
    k = len(inputs[0][1]) if inputs else 0
    out = []
    for row, bi in zip(W, b):
        c = bi + sum(w * f[0] for w, f in zip(row, inputs))
        a = tuple(sum(w * f[1][j] for w, f in zip(row, inputs)) for j in range(k))
        out.append((c, a))
    return out


def _unit_affine(act: str, state: int, zs):
    name, param = kind_of(act)
    k = len(zs[0][1])
    if name == "maxout":
        return zs[state]
    (z,) = zs
    if name == "relu":
        return z if state else (F(0), (F(0),) * k)
    if name == "leaky_relu":
        return z if state else (param * z[0], tuple(param * a for a in z[1]))
    if name == "abs":
        return z if state else (-z[0], tuple(-a for a in z[1]))
    if name == "hardtanh":
        return (F(state), (F(0),) * k) if state else z
    return z


def identity_inputs(origin, basis):
    """The input x = origin + sum_j u_j basis[j] as affine functions of u."""
    n = len(origin)
    return [(fr(origin[i]), tuple(fr(b[i]) for b in basis)) for i in range(n)]


def affine_under_pattern(spec, pattern, origin, basis):
    """``(pre-activations per layer, outputs)`` as affine functions of u, assuming ``pattern``."""
    y = identity_inputs(origin, basis)
    pres = []
    for (W, b, act), states in zip(spec, pattern):
        z = _apply_layer_affine(W, b, y)
        pres.append(z)
        gs = groups(len(z), act)
        if act == "identity":
            y = z
        else:
            y = [_unit_affine(act, s, [z[i] for i in g]) for s, g in zip(states, gs)]
    return pres, y


def is_const(f) -> bool:
    return not any(f[1])


def value(f, u) -> Fraction:
    return f[0] + sum(a * x for a, x in zip(f[1], u))


def sub(f, g):
    return (f[0] - g[0], tuple(x - y for x, y in zip(f[1], g[1])))


def shift(f, c):
    return (f[0] + c, f[1])


def neg(f):
    return (-f[0], tuple(-a for a in f[1]))


# --- exact LP ------------------------------------------------------------------------------------

def strict_point(forms, k: int):
    """A rational point u with every affine function of ``forms`` strictly positive, or None.

    One exact LP: max t subject to f(u) - t >= 0, t <= 1 (always feasible, bounded)."""
    if not forms:
        return (F(0),) * k
    array = [[f[0], *f[1], F(-1)] for f in forms]
    array.append([F(1)] + [F(0)] * k + [F(-1)])
    array.append([F(0)] + [F(0)] * k + [F(1)])
    lp = cdd.gmp.linprog_from_array(array, cdd.LPObjType.MAX)
    cdd.gmp.linprog_solve(lp, cdd.LPSolverType.CRISS_CROSS)  # libcdd 0.94m's dual simplex can corrupt the heap
    assert lp.status == cdd.LPStatusType.OPTIMAL, lp.status
    if lp.obj_value > 0:
        u = tuple(Fraction(v) for v in lp.primal_solution[:k])
        assert all(value(f, u) > 0 for f in forms)
        return u
    return None


# --- brute force over patterns ------------------------------------------------------------------

def _unit_options(act: str, zs):
    """For one unit with pre-activation(s) ``zs`` (affine functions): list of (state, strict forms)
    for every state whose set can have interior. A constant condition is decided on the spot."""
    name, _ = kind_of(act)
    options = []
    if name == "maxout":
        for i in range(len(zs)):
            forms, ok = [], True
            for j in range(len(zs)):
                if j == i:
                    continue
                d = sub(zs[i], zs[j])  # need d > 0 for j < i, d >= 0 for j > i
                if is_const(d):
                    if d[0] < 0 or (d[0] == 0 and j < i):
                        ok = False
                        break
                else:
                    forms.append(d)
            if ok:
                options.append((i, forms))
        return options
    (z,) = zs
    if name == "hardtanh":
        if is_const(z):
            return [(state_of(act, [z[0]]), [])]
        return [(-1, [neg(shift(z, 1))]), (0, [shift(z, 1), neg(shift(z, -1))]), (1, [shift(z, -1)])]
    if is_const(z):
        return [(1 if z[0] > 0 else 0, [])]
    return [(1, [z]), (0, [neg(z)])]


def brute_force_patterns(spec, domain_forms=(), origin=None, basis=None):
    """``{pattern: interior point u}`` for every activation region, plus per-layer counts.

    ``domain_forms`` are affine functions of u (``(c, a)``, domain = {f >= 0}); the network input is
    ``origin + sum u_j basis[j]`` (default: the identity on R^n)."""
    regions, per_layer = brute_force_regions(spec, domain_forms, origin, basis)
    return {p: point for p, (point, _) in regions.items()}, per_layer


def brute_force_regions(spec, domain_forms=(), origin=None, basis=None):
    """``{pattern: (interior point, forms)}`` and per-layer counts; the region's closure is
    ``{f >= 0 for f in forms}`` (its interior is where they are all > 0)."""
    origin, basis = identity_embedding(spec, origin, basis)
    k = len(basis)
    found: dict = {}
    per_layer = [0] * len(spec)

    def layer_dfs(depth, pattern, forms, inputs):
        if depth == len(spec):
            point = strict_point(forms, k)
            assert point is not None
            found[tuple(pattern)] = (point, list(forms))
            return
        W, b, act = spec[depth]
        z = _apply_layer_affine(W, b, inputs)
        gs = groups(len(z), act)
        if act == "identity":
            per_layer[depth] += 1
            layer_dfs(depth + 1, [*pattern, ()], forms, z)
            return

        def unit_dfs(u, states, forms_now):
            if u == len(gs):
                per_layer[depth] += 1
                outs = [_unit_affine(act, s, [z[i] for i in g]) for s, g in zip(states, gs)]
                layer_dfs(depth + 1, [*pattern, tuple(states)], forms_now, outs)
                return
            for state, extra in _unit_options(act, [z[i] for i in gs[u]]):
                new = [*forms_now, *extra]
                if extra and strict_point(new, k) is None:
                    continue
                unit_dfs(u + 1, [*states, state], new)

        unit_dfs(0, [], forms)

    if strict_point(list(domain_forms), k) is None:
        raise AssertionError("domain has no interior")
    layer_dfs(0, [], list(domain_forms), identity_inputs(origin, basis))
    return found, reported_per_layer(spec, per_layer)


def polyhedron_dim(forms, k: int) -> int:
    """Dimension of ``{u in R^k : f(u) >= 0 for f in forms}`` (-1 when empty): exact LP for emptiness,
    then cdd's implicit linearities, k minus the rank of their normals."""
    if not forms:
        return k
    rows = [[f[0], *f[1]] for f in forms]
    lp = cdd.gmp.linprog_from_array(rows + [[F(0)] * (k + 1)], cdd.LPObjType.MAX)
    cdd.gmp.linprog_solve(lp, cdd.LPSolverType.CRISS_CROSS)  # libcdd 0.94m's dual simplex can corrupt the heap
    if lp.status != cdd.LPStatusType.OPTIMAL:
        return -1
    mat = cdd.gmp.matrix_from_array(rows, rep_type=cdd.RepType.INEQUALITY)
    cdd.gmp.matrix_canonicalize(mat)
    equalities = [list(mat.array[i][1:]) for i in mat.lin_set]
    return k - (rank(equalities) if equalities else 0)


def identity_embedding(spec, origin, basis):
    """The given embedding, or the identity of the network's input space when none is given."""
    if origin is not None:
        return origin, basis
    n = len(spec[0][0][0])
    return [F(0)] * n, [[F(int(i == j)) for i in range(n)] for j in range(n)]


def brute_force_linear_regions(spec, domain_forms=(), origin=None, basis=None) -> int:
    """Linear regions: activation regions (from :func:`brute_force_regions`) joined when their exact
    output maps (under their patterns) are equal and their closures meet in a set of dimension k - 1
    (a common facet); the number of connected components."""
    origin, basis = identity_embedding(spec, origin, basis)
    k = len(basis)
    regions, _ = brute_force_regions(spec, domain_forms, origin, basis)
    keys = list(regions)
    maps = {p: tuple(affine_under_pattern(spec, p, origin, basis)[1]) for p in keys}
    parent = {p: p for p in keys}

    def find(p):
        while parent[p] != p:
            p = parent[p]
        return p

    for a, b in itertools.combinations(keys, 2):
        if maps[a] == maps[b] and find(a) != find(b):
            if polyhedron_dim(regions[a][1] + regions[b][1], k) == k - 1:
                parent[find(a)] = find(b)
    return len({find(p) for p in keys})


def reported_per_layer(spec, per_layer):
    if len(spec) > 1 and spec[-1][2] == "identity":
        return tuple(per_layer[:-1])
    return tuple(per_layer)


def box_forms(lo, hi):
    """Affine functions (c, a) of the box prod [lo_i, hi_i] as {f >= 0}."""
    n = len(lo)
    forms = []
    for i in range(n):
        e = tuple(F(int(i == j)) for j in range(n))
        forms.append((-fr(lo[i]), e))
        forms.append((fr(hi[i]), tuple(-v for v in e)))
    return forms


# --- one dimension: pieces along a line by exact root finding ----------------------------------

def _interior_points(s, e):
    """Two distinct rational points strictly inside (s, e); s may be None (-inf), e None (+inf)."""
    if s is None and e is None:
        return F(0), F(1)
    if s is None:
        return e - 2, e - 1
    if e is None:
        return s + 1, s + 2
    return s + (e - s) / 3, s + 2 * (e - s) / 3


def _midpoint(s, e):
    if s is None and e is None:
        return F(0)
    if s is None:
        return e - 1
    if e is None:
        return s + 1
    return (s + e) / 2


def pieces_1d(spec, origin, direction, lo=None, hi=None):
    """Pieces of the network on the line ``x = origin + t direction`` for t in (lo, hi) (None: infinite).

    Layer by layer: between consecutive breakpoints found so far, every pre-activation of the next
    layer is affine in t (the earlier layers do not change state there); each unit's switching points
    (relu/leaky/abs: z = 0, hardtanh: z = +-1, maxout: z_a = z_b in a group) strictly inside the
    interval are found exactly and added. At the end the pattern is read at the middle of every
    elementary interval and consecutive intervals with equal patterns are joined (the joins only
    undo maxout comparisons that are not argmax changes).

    Returns a list of ``(start, end, pattern, output_map)``, output_map one ``(slope, intercept)``
    per output in t."""
    origin = [fr(v) for v in origin]
    direction = [fr(v) for v in direction]
    lo = None if lo is None else fr(lo)
    hi = None if hi is None else fr(hi)

    def at(t):
        return [o + t * d for o, d in zip(origin, direction)]

    breaks: set[Fraction] = set()
    for depth, (W, b, act) in enumerate(spec):
        name, _ = kind_of(act)
        if name == "identity":
            continue
        ends = [lo, *sorted(breaks), hi]
        new = set()
        for s, e in zip(ends[:-1], ends[1:]):
            p, q = _interior_points(s, e)
            zp = forward(spec[: depth + 1], at(p))[2][depth]
            zq = forward(spec[: depth + 1], at(q))[2][depth]
            lines = [((zq[i] - zp[i]) / (q - p), zp[i] - (zq[i] - zp[i]) / (q - p) * p) for i in range(len(zp))]
            targets = []  # (slope, intercept, level): root of slope t + intercept = level
            for g in groups(len(zp), act):
                if name == "maxout":
                    for a, c in itertools.combinations(g, 2):
                        targets.append((lines[a][0] - lines[c][0], lines[a][1] - lines[c][1], F(0)))
                elif name == "hardtanh":
                    targets += [(*lines[g[0]], F(1)), (*lines[g[0]], F(-1))]
                else:
                    targets.append((*lines[g[0]], F(0)))
            for slope, intercept, level in targets:
                if slope != 0:
                    t = (level - intercept) / slope
                    if (s is None or t > s) and (e is None or t < e):
                        new.add(t)
        breaks |= new
    ends = [lo, *sorted(breaks), hi]
    pieces = []
    for s, e in zip(ends[:-1], ends[1:]):
        m = _midpoint(s, e)
        out, pattern, _ = forward(spec, at(m))
        p, q = _interior_points(s, e)
        op, oq = forward(spec, at(p))[0], forward(spec, at(q))[0]
        omap = tuple(((b - a) / (q - p), a - (b - a) / (q - p) * p) for a, b in zip(op, oq))
        if pieces and pieces[-1][2] == pattern:
            assert pieces[-1][3] == omap
            pieces[-1] = (pieces[-1][0], e, pattern, omap)
        else:
            pieces.append((s, e, pattern, omap))
    return pieces


def linear_pieces_1d(pieces) -> int:
    """Linear regions along a line: consecutive pieces with the same output map joined."""
    count = 0
    previous = None
    for _, _, _, omap in pieces:
        if omap != previous:
            count += 1
        previous = omap
    return count


# --- bounds -------------------------------------------------------------------------------------

def serra_bound(n0: int, widths: Sequence[int]) -> int:
    """Serra, Tjandraatmadja, Ramalingam (ICML 2018): sum over j in J of prod C(n_l, j_l), as the
    recursion R(l, d) = sum_{j <= min(d, n_l)} C(n_l, j) R(l + 1, min(d, n_l - j)), R(L+1, .) = 1,
    started at d = n0 (see ../shared/reference/bounds.md)."""
    widths = tuple(widths)

    @lru_cache(maxsize=None)
    def R(l: int, d: int) -> int:
        if l == len(widths):
            return 1
        n = widths[l]
        return sum(math.comb(n, j) * R(l + 1, min(d, n - j)) for j in range(min(d, n) + 1))

    return R(0, n0)


def assert_within_relu_bounds(net, count: int) -> None:
    """``count`` (activation regions over R^n0) is at most Serra's bound, for a ReLU net whose layers
    are all ReLU except possibly an affine last layer."""
    acts = [str(lay.activation) for lay in net.layers]
    hidden = acts[:-1] if acts[-1] == "identity" and len(acts) > 1 else acts
    assert all(a == "relu" for a in hidden), acts
    widths = [lay.out_dim for lay in net.layers[: len(hidden)]]
    bound = serra_bound(net.input_dim, widths)
    assert count <= bound, f"{count} regions exceed Serra's bound {bound} for {net.input_dim}-{widths}"
    assert count <= 2 ** sum(widths)


def gp(n: int, d: int) -> int:
    """Regions of n hyperplanes in general position in R^d."""
    return sum(math.comb(n, i) for i in range(min(n, d) + 1))


# --- exact linear algebra --------------------------------------------------------------------------

def in_general_position(rows, d: int) -> bool:
    """Rows (b, a): every k <= d normals independent and no d + 1 hyperplanes through one point."""
    for k in range(1, min(d, len(rows)) + 1):
        for subset in itertools.combinations(rows, k):
            if rank([r[1:] for r in subset]) < k:
                return False
    for subset in itertools.combinations(rows, d + 1):
        if rank(subset) < d + 1:
            return False
    return True


# --- random specs (inputs for the tests, not references) -----------------------------------------

def random_number(rng, size: int = 3, rational: bool = False) -> Fraction:
    if rational:
        return Fraction(rng.randint(-4 * size, 4 * size), rng.choice([1, 2, 3, 4, 5, 7]))
    return Fraction(rng.randint(-size, size))


def random_spec(rng, n0: int, widths: Sequence[int], acts: Sequence[str] | None = None, *,
                outputs: int = 1, size: int = 3, rational: bool = False):
    """Hidden layers of the given widths (pre-activation counts), then an affine output layer."""
    acts = list(acts) if acts is not None else ["relu"] * len(widths)
    spec, n_in = [], n0
    for width, act in zip(widths, acts):
        W = [[random_number(rng, size, rational) for _ in range(n_in)] for _ in range(width)]
        b = [random_number(rng, size, rational) for _ in range(width)]
        spec.append((W, b, act))
        name, param = kind_of(act)
        n_in = width // param if name == "maxout" else width
    W = [[random_number(rng, size, rational) for _ in range(n_in)] for _ in range(outputs)]
    b = [random_number(rng, size, rational) for _ in range(outputs)]
    spec.append((W, b, "identity"))
    return spec


# --- checks of an engine result (duck-typed: regions with pattern, point, forms, output_map) -------

def switching_quantities(act: str, state: int, zs):
    """Affine functions that must be nonzero at a point strictly inside the unit's state set:
    z (relu-like), z + 1 and z - 1 (hard-tanh), z_state - z_b (maxout)."""
    name, _ = kind_of(act)
    if name == "identity":
        return []
    if name == "maxout":
        return [sub(zs[state], zs[b]) for b in range(len(zs)) if b != state]
    (z,) = zs
    if name == "hardtanh":
        return [shift(z, 1), shift(z, -1)]
    return [z]


def check_region_witnesses(rs, spec, origin, basis):
    """Every region's point, embedded by x = origin + basis u, has the region's pattern under the exact
    forward pass, with strict signs for every unit that is not constant on the region (design,
    exactness contract 3); the point is strictly inside the region's forms; the output map is the
    network's affine map under the pattern. Returns the smallest margin data for ball tests."""
    k = len(basis)
    for r in rs:
        u = tuple(r.point)
        assert len(u) == k
        x = [o + sum(ui * b[i] for ui, b in zip(u, basis)) for i, o in enumerate(origin)]
        _, pattern, _ = forward(spec, x)
        assert pattern == r.pattern, (u, pattern, r.pattern)
        for c, *a in r.forms:
            assert c + sum(ai * ui for ai, ui in zip(a, u)) > 0, ("point not strictly inside", r.forms, u)
        pres, outs = affine_under_pattern(spec, r.pattern, origin, basis)
        for (W, b, act), z, states in zip(spec, pres, r.pattern):
            if act == "identity":
                continue
            for state, g in zip(states, groups(len(z), act)):
                for f in switching_quantities(act, state, [z[i] for i in g]):
                    if not is_const(f):
                        assert value(f, u) != 0, ("a nonconstant unit is not strict at the point", act, r.pattern)
        M, c = r.output_map
        assert tuple(c) == tuple(f[0] for f in outs)
        assert tuple(tuple(row) for row in M) == tuple(tuple(f[1]) for f in outs)


def margin_radius(spec, pattern, origin, basis, u):
    """An L-infinity radius eps > 0 such that every x within eps of u (in parameter coordinates) has
    the pattern: half the smallest |f(u)| / ||grad f||_1 over the nonconstant switching quantities.
    Layer by layer: if no quantity of layers 1..l changes sign in the ball, layer l+1's inputs are
    the same affine functions throughout, so its quantities are the affine ones computed here."""
    pres, _ = affine_under_pattern(spec, pattern, origin, basis)
    best = None
    for (W, b, act), z, states in zip(spec, pres, pattern):
        if act == "identity":
            continue
        for state, g in zip(states, groups(len(z), act)):
            for f in switching_quantities(act, state, [z[i] for i in g]):
                if is_const(f):
                    continue
                r = abs(value(f, u)) / sum(abs(a) for a in f[1])
                best = r if best is None else min(best, r)
    return (best or F(1)) / 2


def brute_force_bounded(spec, domain_forms=(), origin=None, basis=None) -> int:
    """Bounded activation regions: a nonempty polyhedron {f >= 0} is bounded exactly when its
    recession cone {d : a . d >= 0 for every form (c, a)} is the single point 0 (dimension 0)."""
    origin, basis = identity_embedding(spec, origin, basis)
    k = len(basis)
    regions, _ = brute_force_regions(spec, domain_forms, origin, basis)
    return sum(polyhedron_dim([(F(0), f[1]) for f in forms], k) == 0 for _, forms in regions.values())
