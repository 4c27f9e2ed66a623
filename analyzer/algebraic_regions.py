"""Regions of a parametrised network at one exact parameter value, rational or real algebraic.

At a value ``tau`` of the parameter the weights lie in ``Q(tau)``, where the engine (rational
arithmetic) does not apply when ``tau`` is irrational. Here the regions are found as
:mod:`analyzer.regions` defines them, with every sign decided exactly by
:func:`geometry.algebraic.sign_at` and every question "does this open piece meet the region" by
Fourier-Motzkin elimination over ``Q(tau)`` (:mod:`geometry.fourier_motzkin`): depth first through
the layers and, within a layer, unit by unit, each unit's open pieces (ReLU-like ``z > 0`` and
``z < 0``; hard-tanh ``z < -1``, ``-1 < z < 1``, ``z > 1``; maxout the argmax cells, of identical
competitors only the lowest index) kept when they meet the region. A unit whose pre-activation is
constant takes the state its constant gives (:meth:`analyzer.activations.Activation.state_at`).

Linear regions: regions with equal output maps are joined when they share a facet, that is when a
form ``f`` of one has a negative multiple among the other's forms and the two regions' other forms
are all positive somewhere on ``{f = 0}`` (one coordinate eliminated along ``f``); the linear regions
are the connected components.

Brute force, exponential in the domain's dimension: for the 1-D and 2-D sweeps of small networks
(:mod:`analyzer.sweep`), where it counts at irrational critical values.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import flint

from analyzer.domain import Domain
from analyzer.network import unit_groups
from analyzer.parametric import (
    Form,
    ParametricLayer,
    ParametricNetwork,
    apply_states,
    constant,
    domain_rows,
    embedding_rows,
    preactivations,
)
from geometry.algebraic import RealAlgebraic, SignAt
from geometry.fourier_motzkin import is_strictly_feasible


@dataclass(frozen=True, eq=False)
class AlgebraicRegion:
    """An activation region ``{every form > 0}`` (entries reduced at the value) and its output map."""

    pattern: tuple[tuple[int, ...], ...]
    forms: tuple[Form, ...]
    output: tuple[Form, ...]


def regions_at(net: ParametricNetwork, domain: Domain, value: Fraction | RealAlgebraic) -> list[AlgebraicRegion]:
    """Every activation region of ``net`` at the parameter ``value`` in ``domain``."""
    sign = _signer(value)
    reduce = _reducer(value)
    stack: list[tuple[int, tuple[tuple[int, ...], ...], list[Form], list[Form]]] = [
        (0, (), [reduce(f) for f in domain_rows(domain)], embedding_rows(domain))]
    found = []
    while stack:
        depth, pattern, forms, rows = stack.pop()
        if depth == len(net.layers):
            found.append(AlgebraicRegion(pattern, tuple(forms), tuple(rows)))
            continue
        lay = net.layers[depth]
        pre = [reduce(f) for f in preactivations(lay, rows)]
        if not lay.activation.splits:
            stack.append((depth + 1, (*pattern, ()), forms, pre))
            continue
        partial: list[tuple[tuple[int, ...], list[Form]]] = [((), forms)]
        for group in unit_groups(lay):
            pieces = _pieces(lay, [pre[i] for i in group], sign)
            partial = [((*states, state), [*fs, *extra]) for states, fs in partial for state, extra in pieces
                       if not extra or is_strictly_feasible([*fs, *extra], sign)]
        for states, fs in reversed(partial):
            stack.append((depth + 1, (*pattern, states), fs, [reduce(f) for f in apply_states(lay, pre, states)]))
    return sorted(found, key=lambda r: r.pattern)


def count_at(net: ParametricNetwork, domain: Domain, value: Fraction | RealAlgebraic) -> tuple[int, int]:
    """``(activation regions, linear regions)`` at the parameter ``value``."""
    regions = regions_at(net, domain, value)
    return len(regions), linear_region_count(regions, value)


def linear_region_count(regions: list[AlgebraicRegion], value: Fraction | RealAlgebraic) -> int:
    """Connected components of the regions with equal output maps that share a facet."""
    sign = _signer(value)
    parent = list(range(len(regions)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(regions):
        for j in range(i + 1, len(regions)):
            b = regions[j]
            if root(i) != root(j) and _same_map(a.output, b.output) and _share_facet(a.forms, b.forms, sign):
                parent[root(i)] = root(j)
    return sum(root(i) == i for i in range(len(regions)))


def _signer(value):
    return SignAt(value)


def _reducer(value):
    """Each entry of a form replaced by an equal one of low degree: its value (rational ``value``)
    or its remainder modulo the minimal polynomial."""
    if isinstance(value, Fraction):
        point = flint.fmpq(value.numerator, value.denominator)
        return lambda form: [flint.fmpq_poly([q(point)]) for q in form]
    modulus = flint.fmpq_poly(value.p)
    return lambda form: [q % modulus for q in form]


def _is_constant(form: Form, sign) -> bool:
    return not any(sign(c) for c in form[1:])


def _pieces(lay: ParametricLayer, rows: list[Form], sign) -> list[tuple[int, list[Form]]]:
    """``(state, forms)`` of each open piece of one unit (:meth:`analyzer.activations.Activation.pieces`,
    every sign decided at the parameter value)."""
    one = [constant(1)] + [constant(0)] * (len(rows[0]) - 1)
    return [(state, [form for _, form in tagged]) for state, tagged in lay.activation.pieces(rows, one, sign)]


def _same_map(p: tuple[Form, ...], q: tuple[Form, ...]) -> bool:
    """Entries are reduced (values, or remainders modulo the minimal polynomial): equal maps are equal entries."""
    return all(x == y for f, g in zip(p, q) for x, y in zip(f, g))


def _opposite(f: Form, g: Form, sign) -> bool:
    """``g`` a negative multiple of the nonconstant form ``f``."""
    i = next((i for i in range(1, len(f)) if sign(f[i])), None)
    if i is None or sign(g[i]) != -sign(f[i]):
        return False
    return all(not sign(f[a] * g[b] - f[b] * g[a]) for a in range(len(f)) for b in range(a + 1, len(f)))


def _share_facet(forms_a, forms_b, sign) -> bool:
    for f in forms_a:
        if _is_constant(f, sign) or not any(_opposite(f, g, sign) for g in forms_b):
            continue
        j = next(i for i in range(1, len(f)) if sign(f[i]))
        s = sign(f[j])
        restricted = []
        for h in (*forms_a, *forms_b):
            r = [s * (f[j] * h[i] - h[j] * f[i]) for i in range(len(f)) if i != j]
            if any(sign(c) for c in r):  # forms vanishing on {f = 0} (f and its multiples) drop out
                restricted.append(r)
        if is_strictly_feasible(restricted, sign):
            return True
    return False
