"""Exact homogeneous integer maps of a network restricted to an activation pattern.

A map is an integer matrix ``P`` of shape (n + 1) x (k + 1): row 0 is ``(D, 0, ..., 0)`` and row
i + 1 holds ``D`` times (constant, coefficients) of output i as an affine function of the domain's
parameters, so no fraction appears and the sign of a form is the sign of its integer row.
``layer.lifted * P`` is the next layer's pre-activations at a larger scale; :func:`next_map` applies
the units' states.
"""
from __future__ import annotations

import itertools
import math
from fractions import Fraction

import flint

from analyzer.domain import Domain
from analyzer.errors import PatternError
from analyzer.network import Layer, Network, unit_groups
from geometry.exact import AffineForm, negate, primitive_ints


def embedding(domain: Domain) -> flint.fmpz_mat:
    """The input as a homogeneous integer map of the parameters u (see :attr:`analyzer.network.Layer.lifted`)."""
    n, k = domain.input_dim, domain.dim
    origin = domain.origin if domain.origin is not None else (Fraction(0),) * n
    basis = domain.basis if domain.basis is not None else tuple(
        tuple(Fraction(int(i == j)) for i in range(n)) for j in range(n))
    rows = [[Fraction(1)] + [Fraction(0)] * k] + [[origin[i], *(basis[j][i] for j in range(k))] for i in range(n)]
    scale = math.lcm(*(v.denominator for row in rows for v in row))
    return flint.fmpz_mat(n + 1, k + 1, [int(v * scale) for row in rows for v in row])


def as_rational_map(P: flint.fmpz_mat):
    """``(matrix, offset)`` in rationals from a homogeneous integer map."""
    rows = P.tolist()
    scale = int(rows[0][0])
    return (tuple(tuple(Fraction(int(v), scale) for v in row[1:]) for row in rows[1:]),
            tuple(Fraction(int(row[0]), scale) for row in rows[1:]))


def unit_pieces(layer: Layer, rows: list[list[int]], scale: int) -> list[tuple[int, list[tuple[int | None, AffineForm]]]]:
    """``(state, [(tag, form), ...])`` for each open piece of one unit: the piece is ``{forms > 0}``.

    ``rows`` are the unit's pre-activations times ``scale > 0`` (constant first); the pieces, tags
    and the state of a constant unit are the activation's (:meth:`analyzer.activations.Activation.pieces`),
    each form primitive."""
    one = [scale] + [0] * (len(rows[0]) - 1)
    return [(state, [(tag, primitive_ints(form)) for tag, form in tagged])
            for state, tagged in layer.activation.pieces(rows, one)]


def next_map(layer: Layer, groups, states, pre: flint.fmpz_mat) -> flint.fmpz_mat:
    """The layer's outputs as a homogeneous integer map, given every unit's state: ``S * pre``, row u
    of S the unit's output form in its state (:meth:`analyzer.activations.Activation.output`: a
    selected pre-activation times a slope, plus an offset) at the scale ``q`` of the outputs'
    common denominator (a leaky slope p/q scales all by q)."""
    act = layer.activation
    q = act.output_denominator
    S = flint.fmpz_mat(len(groups) + 1, pre.nrows())
    S[0, 0] = q
    for u, (group, state) in enumerate(zip(groups, states), start=1):
        c, *a = act.output(state)
        if c:
            S[u, 0] = int(c * q)
        for i, v in zip(group, a):
            if v:
                S[u, i + 1] = int(v * q)
    return S * pre


def pattern_constraints(network: Network, domain: Domain, pattern,
                        memo: dict | None = None) -> list[tuple[tuple[int, int, int | None], AffineForm]]:
    """The forms that define a (whole) pattern's region, each with its source (see :func:`pull_back`)."""
    if len(pattern) != len(network.layers):
        raise PatternError(f"a pattern of {len(pattern)} layers for a network of {len(network.layers)}")
    return pull_back(network, domain, pattern, memo)[0]


def pull_back(network: Network, domain: Domain, prefix, memo: dict | None = None
              ) -> tuple[list[tuple[tuple[int, int, int | None], AffineForm]], flint.fmpz_mat]:
    """A pattern prefix (the states of layers 1..l) pulled back to the domain's parameters:
    ``(constraints, P)``, the forms that define its region of layers 1..l, each with its source
    ``(layer, unit, tag)`` (1-based layer, 0-based unit, tag as in :func:`unit_pieces`; the region is
    where all are > 0, within the domain), and the homogeneous integer map ``P`` of layers 1..l.

    This is the one pull-back of the project: the engine's exact fallback and the regions built
    from the float path use it. Raises :class:`~analyzer.errors.PatternError` when a unit constant
    under the prefix has another state. ``memo`` (a dict kept across calls) reuses each layer's
    pre-activations and maps per prefix."""
    memo = {} if memo is None else memo
    if len(prefix) > len(network.layers):
        raise PatternError(f"a pattern of {len(prefix)} layers for a network of {len(network.layers)}")
    if "embedding" not in memo:
        memo["embedding"] = embedding(domain)
    P = memo["embedding"]
    constraints: list[tuple[tuple[int, int, int | None], AffineForm]] = []
    for depth, layer in enumerate(network.layers[:len(prefix)]):
        head = tuple(prefix[:depth])
        if head not in memo:
            memo[head] = _layer_constraints(layer, depth, P)
        pre, groups, tables = memo[head]
        states = prefix[depth] if layer.activation.splits else tuple(0 for _ in groups)
        if len(states) != len(groups):
            raise PatternError(f"layer {depth + 1} has {len(groups)} units but the pattern gives {len(states)} states")
        for u, state in enumerate(states):
            found = tables[u].get(state)
            if found is None:
                raise PatternError(f"layer {depth + 1} unit {u} cannot be in state {state} on this region")
            constraints += found
        key = ("map", tuple(prefix[:depth + 1]))
        if key not in memo:
            memo[key] = next_map(layer, groups, states, pre)
        P = memo[key]
    return constraints, P


def _layer_constraints(layer: Layer, depth: int, P: flint.fmpz_mat) -> tuple:
    """Layer ``depth + 1`` (0-based ``depth``) on the map ``P`` of the layers before: its
    pre-activations, its unit groups, and per unit ``{state: [((layer, unit, tag), form), ...]}``
    (:func:`unit_pieces` with the activation's sources), kept per prefix by :func:`pull_back`."""
    groups = unit_groups(layer)
    pre = layer.lifted * P
    scale, *rows = [[int(v) for v in row] for row in pre.tolist()]
    tables = []
    for u, group in enumerate(groups):
        unit_rows = [rows[i] for i in group]
        tables.append({state: [((depth + 1, u, tag), g) for tag, g in layer.activation.sources(state, tagged, unit_rows)]
                       for state, tagged in unit_pieces(layer, unit_rows, scale[0])})
    return pre, groups, tables


def first_layer_orthants(network: Network, domain: Domain, k: int) -> list[tuple[list[AffineForm], dict[int, int]]] | None:
    """The ``2^k`` orthants of ``k`` first-layer units with linearly independent normals (the first
    such units, in order), as ``(forms, states)``: the units' primitive forms in the domain's
    parameters, each negated where its state is 0. A ReLU-like first layer's hyperplanes bound its
    regions, so no region crosses an orthant's boundary, and an unbounded domain's parts in the
    orthants are pointed. None when the first layer is not ReLU-like or has no k such units."""
    first = network.layers[0]
    if not first.activation.splits_at_zero:
        return None
    rows = [primitive_ints([int(v) for v in row]) for row in (first.lifted * embedding(domain)).tolist()[1:]]
    chosen: list[int] = []
    for u in range(len(rows)):
        if len(chosen) < k and flint.fmpz_mat([rows[v][1:] for v in (*chosen, u)]).rank() == len(chosen) + 1:
            chosen.append(u)
    if len(chosen) < k:
        return None
    orthants = []
    for states in itertools.product((1, 0), repeat=k):
        forms = [rows[u] if state else negate(rows[u]) for u, state in zip(chosen, states)]
        orthants.append((forms, dict(zip(chosen, states))))
    return orthants
