"""The engine: a network's activation regions in a domain, layer by layer, exactly.

Each region of layers 1..l carries its defining forms, an exact interior point and the exact affine
map from parameter coordinates to layer l's outputs. Layer l+1's pre-activations pulled back through
that map are affine forms on the region; each unit proposes the open convex pieces of its states
(ReLU-like: ``z > 0`` and ``z < 0``; hard-tanh: ``z < -1``, ``-1 < z < 1``, ``z > 1``; maxout: the
open argmax cells ``z_a > z_b``), and :func:`geometry.partition.meeting_pieces` keeps those that meet
the region, with a witness point. A unit constant on a region proposes one piece, its state read
from the constant (:func:`analyzer.network.unit_state`). Traversal is depth first, so only one
path of the refinement tree is held at a time.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction

import flint

from analyzer.domain import Domain, all_space
from analyzer.errors import ShapeError
from analyzer.network import Kind, Layer, Network, unit_groups, unit_state
from analyzer.regions import Region, RegionSet, RunStatus
from geometry.exact import AffineForm, cartesian, is_constant, negate, primitive
from geometry.partition import meeting_pieces
from geometry.polyhedron import require_full_dimensional


@dataclass(frozen=True)
class Budget:
    """Limits on a run: stop after ``max_regions`` regions or ``seconds`` of wall time."""

    max_regions: int | None = None
    seconds: float | None = None


def enumerate_regions(network: Network, domain: Domain | None = None, *, exact: bool = False,
                      budget: Budget | None = None, progress: Callable[[int], None] | None = None) -> RegionSet:
    """Every activation region of ``network`` in ``domain`` (default all of R^n), exactly.

    ``exact=True`` decides every LP in rational arithmetic instead of certifying float solutions;
    the regions are the same. A ``budget`` or Ctrl-C stops the run cleanly: the regions found so far
    are returned with a status saying the counts are partial. ``progress`` is called with the number
    of regions found, every 256 regions.
    """
    domain = _checked_domain(network, domain)
    per_layer = [0] * len(network.layers)
    found, status = _collect(_walk(network, domain, per_layer, exact), budget or Budget(), progress)
    regions = sorted(found, key=lambda r: r.pattern)
    return RegionSet(regions, _reported_layers(network, per_layer), domain.bounded, exact, status)


def _collect(walk: Iterator[Region], budget: Budget, progress) -> tuple[list[Region], RunStatus]:
    started = time.monotonic()
    found: list[Region] = []
    try:
        for region in walk:
            if budget.max_regions is not None and len(found) >= budget.max_regions:
                return found, RunStatus.MAX_REGIONS
            found.append(region)
            if progress is not None and len(found) % 256 == 0:
                progress(len(found))
            if budget.seconds is not None and time.monotonic() - started > budget.seconds:
                return found, RunStatus.TIME_LIMIT
    except KeyboardInterrupt:
        return found, RunStatus.INTERRUPTED
    return found, RunStatus.COMPLETE


def count_regions(network: Network, domain: Domain | None = None, *, exact: bool = False) -> tuple[int, tuple[int, ...]]:
    """``(activation regions, per-layer counts)`` without keeping the regions (memory O(depth x width))."""
    domain = _checked_domain(network, domain)
    per_layer = [0] * len(network.layers)
    total = sum(1 for _ in _walk(network, domain, per_layer, exact))
    return total, _reported_layers(network, per_layer)


def _reported_layers(network: Network, per_layer: list[int]) -> tuple[int, ...]:
    """Counts after each layer, leaving out a final affine (identity) layer, which adds no regions."""
    keep = len(per_layer) - (1 if network.layers[-1].activation.kind is Kind.IDENTITY and len(per_layer) > 1 else 0)
    return tuple(per_layer[:keep])


def _checked_domain(network: Network, domain: Domain | None) -> Domain:
    domain = all_space(network.input_dim) if domain is None else domain
    if domain.input_dim != network.input_dim:
        raise ShapeError(f"the domain lives in R^{domain.input_dim} but the network takes {network.input_dim} inputs")
    return domain


def _walk(network: Network, domain: Domain, per_layer: list[int], exact: bool) -> Iterator[Region]:
    dim = domain.dim
    start = require_full_dimensional(domain.region)
    A, c = _embedding(domain)
    weights = [_as_matrices(layer) for layer in network.layers]
    stack = [(0, (), list(domain.region.forms), start, A, c)]
    while stack:
        depth, pattern, forms, point, A, c = stack.pop()
        if depth == len(network.layers):
            yield Region(pattern, tuple(sorted(set(forms))), cartesian(point), _as_map(A, c, dim), dim)
            continue
        layer = network.layers[depth]
        children = _split_layer(layer, weights[depth], forms, point, A, c, dim, exact)
        per_layer[depth] += len(children)
        for states, child_forms, witness, A2, c2 in reversed(children):
            stack.append((depth + 1, (*pattern, states if layer.activation.splits else ()), child_forms, witness, A2, c2))


def _embedding(domain: Domain):
    n, k = domain.input_dim, domain.dim
    if domain.origin is None:
        return flint.fmpq_mat(n, n, [int(i == j) for i in range(n) for j in range(n)]), flint.fmpq_mat(n, 1)
    entries = [_fmpq(domain.basis[j][i]) for i in range(n) for j in range(k)]
    return flint.fmpq_mat(n, k, entries), flint.fmpq_mat(n, 1, [_fmpq(v) for v in domain.origin])


def _fmpq(value: Fraction) -> flint.fmpq:
    return flint.fmpq(value.numerator, value.denominator)


def _as_matrices(layer: Layer):
    rows, cols = layer.pre_dim, layer.in_dim
    W = flint.fmpq_mat(rows, cols, [_fmpq(v) for row in layer.weights for v in row])
    b = flint.fmpq_mat(rows, 1, [_fmpq(v) for v in layer.bias])
    return W, b


def _as_map(A, c, dim: int):
    def frac(q):
        return Fraction(int(q.p), int(q.q))
    return (tuple(tuple(frac(A[i, j]) for j in range(dim)) for i in range(A.nrows())),
            tuple(frac(c[i, 0]) for i in range(c.nrows())))


def _split_layer(layer: Layer, matrices, forms, point, A, c, dim: int, exact: bool):
    """The full-dimensional pieces of one region under one layer, each with its new affine map.

    Every unit is first tested against the whole region: a unit with one piece there keeps that
    state in every child, so only the units that cut the region are tested again on the pieces."""
    W, b = matrices
    Z, z0 = W * A, W * c + b
    rows = [(z0[i, 0], [Z[i, j] for j in range(dim)]) for i in range(Z.nrows())]
    groups = unit_groups(layer)
    fixed: dict[int, int] = {}
    cutting = []
    for u, group in enumerate(groups):
        candidates = _unit_pieces(layer, [rows[i] for i in group])
        if len(candidates) > 1:
            candidate_forms = [[g for _, g in tagged] for _, tagged in candidates]
            met = meeting_pieces(forms, point, candidate_forms, dim, exact=exact)
            if len(met) > 1:
                cutting.append((u, candidates, candidate_forms, met))
                continue
            candidates = [candidates[met[0][0]]]
        fixed[u] = candidates[0][0]
    pieces = [({}, list(forms), point)]
    for position, (u, candidates, candidate_forms, met_on_region) in enumerate(cutting):
        refined = []
        for states, piece_forms, p in pieces:
            met = met_on_region if position == 0 else meeting_pieces(piece_forms, p, candidate_forms, dim, exact=exact)
            if len(met) == 1:
                index, witness = met[0]
                refined.append(({**states, u: candidates[index][0]}, piece_forms, witness))
                continue
            for index, witness in met:
                state, tagged = candidates[index]
                refined.append(({**states, u: state}, [*piece_forms, *(g for _, g in tagged)], witness))
        pieces = refined
    out = []
    for states, piece_forms, p in pieces:
        ordered = tuple(states[u] if u in states else fixed[u] for u in range(len(groups)))
        out.append((ordered, piece_forms, p, *_next_map(layer, groups, ordered, Z, z0)))
    return out


def _form(constant: flint.fmpq, coefficients: list[flint.fmpq]) -> AffineForm:
    return primitive([Fraction(int(q.p), int(q.q)) for q in (constant, *coefficients)])


def _unit_pieces(layer: Layer, rows) -> list[tuple[int, list[tuple[int | None, AffineForm]]]]:
    """``(state, [(tag, form), ...])`` for each open piece of one unit: the piece is ``{forms > 0}``.

    Tags name where a form comes from: None for the unit's own pre-activation (ReLU-like units), the
    threshold -1 or +1 of a hard-tanh unit, or the competitor b of a maxout argmax cell (z_a - z_b)."""
    act = layer.activation
    kind = act.kind
    if kind is Kind.IDENTITY:
        return [(0, [])]
    if kind is Kind.MAXOUT:
        return _maxout_pieces(rows)
    (constant, coefficients), = rows
    if not any(coefficients):
        return [(unit_state(act, [Fraction(int(constant.p), int(constant.q))]), [])]
    z = _form(constant, coefficients)
    if kind is Kind.HARDTANH:
        negated = [-q for q in coefficients]
        return [
            (-1, [(-1, _form(-1 - constant, negated))]),
            (0, [(-1, _form(constant + 1, coefficients)), (1, _form(1 - constant, negated))]),
            (1, [(1, _form(constant - 1, coefficients))]),
        ]
    return [(1, [(None, z)]), (0, [(None, negate(z))])]


def _maxout_pieces(rows) -> list[tuple[int, list[tuple[int | None, AffineForm]]]]:
    """Argmax cells of ``max_a z_a``; of identical z's only the lowest index can be the argmax."""
    kept = []
    for a, row in enumerate(rows):
        if all(row[0] != rows[b][0] or row[1] != rows[b][1] for b in kept):
            kept.append(a)
    pieces = []
    for a in kept:
        forms = []
        for b in kept:
            if b != a:
                difference = _form(rows[a][0] - rows[b][0], [x - y for x, y in zip(rows[a][1], rows[b][1])])
                if not is_constant(difference):
                    forms.append((b, difference))
                elif difference[0] <= 0:
                    break
        else:
            pieces.append((a, forms))
    return pieces


def _next_map(layer: Layer, groups, states, Z, z0):
    """The layer's outputs as an affine map of the parameters, given every unit's state."""
    act = layer.activation
    n_out, n_pre = len(groups), Z.nrows()
    S = flint.fmpq_mat(n_out, n_pre)
    e = flint.fmpq_mat(n_out, 1)
    for u, (group, state) in enumerate(zip(groups, states)):
        kind = act.kind
        if kind is Kind.MAXOUT:
            S[u, group[state]] = 1
        elif kind is Kind.RELU:
            S[u, group[0]] = 1 if state else 0
        elif kind is Kind.LEAKY_RELU:
            S[u, group[0]] = 1 if state else _fmpq(act.alpha)
        elif kind is Kind.ABS:
            S[u, group[0]] = 1 if state else -1
        elif kind is Kind.HARDTANH:
            if state:
                e[u, 0] = state
            else:
                S[u, group[0]] = 1
        else:
            S[u, group[0]] = 1
    return S * Z, S * z0 + e


def pattern_constraints(network: Network, domain: Domain, pattern) -> list[tuple[tuple[int, int, int | None], AffineForm]]:
    """The forms that define a pattern's region, each with its source ``(layer, unit, tag)`` (1-based
    layer, 0-based unit, tag as in :func:`_unit_pieces`): the region is where all are >= 0, within the
    domain. Raises ValueError when a unit constant under the pattern has another state."""
    dim = domain.dim
    A, c = _embedding(domain)
    constraints = []
    for depth, (layer, matrices) in enumerate(zip(network.layers, (_as_matrices(l) for l in network.layers))):
        W, b = matrices
        Z, z0 = W * A, W * c + b
        rows = [(z0[i, 0], [Z[i, j] for j in range(dim)]) for i in range(Z.nrows())]
        groups = unit_groups(layer)
        states = pattern[depth] if layer.activation.splits else tuple(0 for _ in groups)
        for u, (group, state) in enumerate(zip(groups, states)):
            tagged = dict(_unit_pieces(layer, [rows[i] for i in group])).get(state)
            if tagged is None:
                raise ShapeError(f"layer {depth + 1} unit {u} cannot be in state {state} on this region")
            constraints.extend(((depth + 1, u, tag), g) for tag, g in tagged)
        A, c = _next_map(layer, groups, states, Z, z0)
    return constraints
