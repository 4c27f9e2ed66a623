"""Counting a one-parameter family of networks exactly: where the regions can change, and the counts.

For a :class:`analyzer.parametric.ParametricNetwork` on a domain of dimension k and a range
``[lo, hi]`` of the parameter t, :func:`sweep` finds finitely many *candidates* (rationals and real
algebraic numbers, exact: :mod:`geometry.algebraic`) between which the counts cannot change, counts
the activation and linear regions at each candidate (with the engine when it is rational, with
:mod:`analyzer.algebraic_regions` over ``Q(t)`` when it is irrational) and on each open interval
between them (with the engine at a rational point inside), and reports as *critical values* the
candidates where a count changes.

Why the counts are constant between the candidates. Under a fixed pattern prefix the region of
layers 1..l-1 is ``{its facet forms > 0}``, and layer l's forms (the pre-activations, hard-tanh's
``z +- 1``, maxout's ``z_a - z_b``) are affine on the domain's parameters with coefficients
polynomial in t. Which of layer l's pieces meet the region, which units are constant there, and
which forms are facets of the pieces depend only on the oriented matroid of these forms' vectors
``(b, a_1, ..., a_k)`` together with ``e_0 = (1, 0, ..., 0)`` (a strict system with ``x_0 = 1 > 0``
is a sign condition on covectors). Let r be the rank of that configuration over Q(t) and C a set of r
columns on which some r x r minor is not identically zero: away from the roots of all r x r minors on
C the rank is r and their signs are the chirotope up to one global sign, which fixes the oriented
matroid. By induction over the layers: if on an interval J the realized prefixes of length l-1 and
their facet forms are constant, then between the roots in J of these minors (for each realized
prefix) the prefixes of length l and their facet forms are constant. The linear regions change in
addition only where two realized regions' polynomial output maps become equal (the roots of the gcd
of the differences) or, for maps equal for every t, where the two closures start or stop sharing a
facet (the minors of their facet forms together). The candidates are all those roots in
``[lo, hi]``; the counts at each and at a rational point of each interval between them give the
counts at every t. Candidates where no count changes are then merged away (:meth:`Sweep.merged`).

Scaling: per realized prefix and interval, ``C(m + 1, k + 1)`` determinants of polynomial matrices
(m: the region's facets plus the next layer's forms, typically tens), each factored over Q; the engine
enumerates the patterns once per interval and layer, and the intervals multiply with the candidates;
the counts at irrational candidates come from the Fourier-Motzkin brute force of
:mod:`analyzer.algebraic_regions`, exponential in the dimension. Meant for 1-D and 2-D domains and
small networks (tens of units, low degrees in t).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import flint

from analyzer.domain import Domain, all_space
from analyzer.errors import ParameterError
from analyzer.parametric import (
    Form,
    ParametricNetwork,
    apply_states,
    domain_rows,
    embedding_rows,
    piece_rows,
    preactivations,
    unit_rows,
)
from geometry.algebraic import (
    RealAlgebraic,
    compare,
    enclosure,
    primitive_integer,
    rational_between,
    real_roots,
    sorted_roots,
)
from geometry.exact import is_constant, primitive

if TYPE_CHECKING:
    from analyzer.regions import RegionSet

@dataclass(frozen=True)
class IntervalCount:
    """Counts on the open interval ``(lo, hi)``, counted at the rational ``sample`` inside."""

    lo: Fraction | RealAlgebraic
    hi: Fraction | RealAlgebraic
    sample: Fraction
    activation_regions: int
    linear_regions: int


@dataclass(frozen=True)
class CriticalCount:
    """Counts at one critical value."""

    value: Fraction | RealAlgebraic
    activation_regions: int
    linear_regions: int


@dataclass(frozen=True)
class Sweep:
    """The result of :func:`sweep`: the open intervals tiling ``[lo, hi]`` and the critical values
    between them (and at the ends), in increasing order."""

    parameter: str
    lo: Fraction
    hi: Fraction
    domain: Domain
    intervals: tuple[IntervalCount, ...]
    at_critical: tuple[CriticalCount, ...]
    candidates: int  # values examined (where the oriented matroid of some forms can change)

    @property
    def critical_values(self) -> tuple[Fraction | RealAlgebraic, ...]:
        return tuple(c.value for c in self.at_critical)

    def text_of(self, value: Fraction | RealAlgebraic) -> str:
        """A string sympy parses: ``p/q`` or ``CRootOf(poly, index)``."""
        return str(value) if isinstance(value, Fraction) else value.text(self.parameter)

    def to_json(self, enclosure_width: Fraction = Fraction(1, 2 ** 30)) -> dict:
        """``parameter``, ``range``, ``domain``, ``critical_values`` (``value`` a string sympy parses,
        ``enclosure`` rationals ``[lo, hi]`` around it no wider than ``enclosure_width``),
        ``intervals`` (``lo``, ``hi``, ``sample``, ``activation_regions``, ``linear_regions``) and
        ``at_critical`` (``value``, ``activation_regions``, ``linear_regions``)."""
        return {
            "parameter": self.parameter,
            "range": [str(self.lo), str(self.hi)],
            "domain": self.domain.description,
            "candidates": self.candidates,
            "critical_values": [{"value": self.text_of(v), "enclosure": [str(e) for e in _enclosure(v, enclosure_width)]}
                                for v in self.critical_values],
            "intervals": [{"lo": self.text_of(i.lo), "hi": self.text_of(i.hi), "sample": str(i.sample),
                           "activation_regions": i.activation_regions, "linear_regions": i.linear_regions}
                          for i in self.intervals],
            "at_critical": [{"value": self.text_of(c.value), "activation_regions": c.activation_regions,
                             "linear_regions": c.linear_regions} for c in self.at_critical],
        }

    def merged(self) -> Sweep:
        """The same sweep without the critical values where no count changes: such a value's counts
        equal those of the intervals on both sides (one side at a range end), and those intervals
        are joined (keeping the left one's sample)."""
        first, last = self.intervals[0], self.intervals[-1]
        intervals, critical, following = [first], [], 0
        for c in self.at_critical:
            if compare(c.value, first.lo) == 0 or compare(c.value, last.hi) == 0:
                if _counts(c) != _counts(first if compare(c.value, first.lo) == 0 else last):
                    critical.append(c)
                continue
            following += 1
            left, right = intervals[-1], self.intervals[following]
            if _counts(c) == _counts(left) == _counts(right):
                intervals[-1] = IntervalCount(left.lo, right.hi, left.sample, *_counts(left))
            else:
                critical.append(c)
                intervals.append(right)
        return Sweep(self.parameter, self.lo, self.hi, self.domain, tuple(intervals), tuple(critical), self.candidates)

    def text(self) -> str:
        """One line per interval and critical value, in increasing order."""
        t = self.parameter
        lines = [f"{t} in [{self.lo}, {self.hi}], domain {self.domain.description}: "
                 f"{len(self.critical_values)} critical value(s)"]
        critical = iter(self.at_critical)
        pending = next(critical, None)
        for interval in self.intervals:
            while pending is not None and compare(pending.value, interval.lo) <= 0:
                lines.append(_critical_line(self, pending))
                pending = next(critical, None)
            lines.append(f"  {t} in ({self.text_of(interval.lo)}, {self.text_of(interval.hi)}): "
                         f"{_counts_text(interval)} (counted at {t} = {interval.sample})")
        while pending is not None:
            lines.append(_critical_line(self, pending))
            pending = next(critical, None)
        return "\n".join(lines)


def _critical_line(result: Sweep, c: CriticalCount) -> str:
    value = result.text_of(c.value)
    if isinstance(c.value, RealAlgebraic):
        lo, hi = _enclosure(c.value, Fraction(1, 10 ** 10))
        value += f" in [{_decimal(lo, -1)}, {_decimal(hi, 1)}]"
    return f"  {result.parameter} = {value}: {_counts_text(c)}"


def _counts_text(x) -> str:
    return f"activation regions {x.activation_regions}, linear regions {x.linear_regions}"


def _decimal(v: Fraction, direction: int, digits: int = 10) -> str:
    """v rounded down (direction -1) or up (+1) to ``digits`` decimals, so enclosures stay enclosures."""
    scaled = v * 10 ** digits
    n = scaled.__floor__() if direction < 0 else scaled.__ceil__()
    sign, n = ("-" if n < 0 else ""), abs(n)
    return f"{sign}{n // 10 ** digits}.{n % 10 ** digits:0{digits}d}"


def _enclosure(value, width: Fraction) -> tuple[Fraction, Fraction]:
    return enclosure(value if isinstance(value, Fraction) else value.refined(width))


def sweep(net: ParametricNetwork, domain: Domain | None = None, lo: object = -1, hi: object = 1, *,
          merge: bool = True) -> Sweep:
    """The counts of ``net``'s regions for every parameter value in ``[lo, hi]``, exactly.

    The candidates of :func:`critical_values` are counted at, and between them on the open intervals
    at a rational point. With ``merge`` (the default) a candidate where neither count differs from
    the intervals on its two sides is dropped and those intervals are joined, so the critical values
    reported are exactly where a count changes (:meth:`Sweep.merged`); ``merge=False`` keeps every
    candidate."""
    from analyzer.algebraic_regions import count_at
    domain = all_space(net.input_dim) if domain is None else domain
    lo, hi = _range(lo, hi)
    engine = _Engine(net, domain)
    candidates = critical_values(net, domain, lo, hi, engine)
    ends = _ends(lo, hi, candidates)
    intervals = []
    for a, b in zip(ends[:-1], ends[1:]):
        sample = rational_between(a, b)
        regions = engine.regions(sample)
        intervals.append(IntervalCount(a, b, sample, regions.activation_regions, regions.linear_regions))
    at_critical = []
    for c in candidates:
        if isinstance(c, Fraction):
            regions = engine.regions(c)
            counts = regions.activation_regions, regions.linear_regions
        else:
            counts = count_at(net, domain, c)
        at_critical.append(CriticalCount(c, *counts))
    result = Sweep(net.parameter, lo, hi, domain, tuple(intervals), tuple(at_critical), len(candidates))
    return result.merged() if merge else result


def _counts(x) -> tuple[int, int]:
    return x.activation_regions, x.linear_regions


def _range(lo: object, hi: object) -> tuple[Fraction, Fraction]:
    from geometry.exact import rational
    try:
        lo, hi = rational(lo), rational(hi)
    except ValueError as exc:
        raise ParameterError(f"cannot read the parameter range: {exc}") from None
    if not lo < hi:
        raise ParameterError(f"the parameter range [{lo}, {hi}] is empty or a point: the lower end must be below the upper")
    return lo, hi


def _ends(lo: Fraction, hi: Fraction, critical) -> list:
    """lo, the critical values strictly inside, hi: consecutive pairs are the open intervals."""
    inside = [c for c in critical if compare(c, lo) > 0 and compare(c, hi) < 0]
    return [lo, *inside, hi]


class _Engine:
    """The engine's regions of the network at rational parameter values (each value computed once)."""

    def __init__(self, net: ParametricNetwork, domain: Domain):
        self.net, self.domain = net, domain
        self.cache: dict[Fraction, RegionSet] = {}

    def regions(self, value: Fraction):
        from analyzer.enumerate import enumerate_regions
        if value not in self.cache:
            self.cache[value] = enumerate_regions(self.net.at(value), self.domain)
        return self.cache[value]

    def patterns(self, value: Fraction) -> list[tuple[tuple[int, ...], ...]]:
        return [r.pattern for r in self.regions(value)]


def critical_values(net: ParametricNetwork, domain: Domain, lo: Fraction, hi: Fraction,
                    engine: _Engine | None = None) -> list[Fraction | RealAlgebraic]:
    """Every t in ``[lo, hi]`` where the counts can change (see the module docstring), increasing."""
    engine = _Engine(net, domain) if engine is None else engine
    algebra = _PatternAlgebra(net, domain, lo, hi)
    critical: list = []
    for depth, lay in enumerate(net.layers):
        if not lay.activation.splits:
            continue
        found = []
        ends = _ends(lo, hi, critical)
        for a, b in zip(ends[:-1], ends[1:]):
            sample = rational_between(a, b)
            for prefix in sorted({p[:depth] for p in engine.patterns(sample)}):
                found += algebra.roots_in(algebra.layer_minors(prefix, sample), a, b)
        critical = sorted_roots([*critical, *found])
    found = []
    ends = _ends(lo, hi, critical)
    for a, b in zip(ends[:-1], ends[1:]):
        sample = rational_between(a, b)
        found += algebra.roots_in(algebra.map_polynomials(engine.patterns(sample), sample), a, b)
    return sorted_roots([*critical, *found])


class _PatternAlgebra:
    """Forms and maps along patterns as polynomials in t, their minors, and the roots of those."""

    def __init__(self, net: ParametricNetwork, domain: Domain, lo: Fraction, hi: Fraction):
        self.net, self.domain, self.lo, self.hi = net, domain, lo, hi
        self.k = domain.dim
        self.walked: dict[tuple, tuple[list[Form], list[Form]]] = {(): (domain_rows(domain), embedding_rows(domain))}
        self.minors: dict[tuple, set[tuple[int, ...]]] = {}
        self.facet_memo: dict[tuple, tuple[int, ...]] = {}
        self.factor_roots: dict[tuple[int, ...], list] = {}

    def along(self, prefix: tuple) -> tuple[list[Form], list[Form]]:
        """``(forms, map)`` after the layers of ``prefix``: the region's forms (the domain's and each
        unit's piece, positive inside) and the last layer's outputs."""
        if prefix not in self.walked:
            forms, rows = self.along(prefix[:-1])
            lay = self.net.layers[len(prefix) - 1]
            pre = preactivations(lay, rows)
            self.walked[prefix] = ([*forms, *piece_rows(lay, pre, prefix[-1])], apply_states(lay, pre, prefix[-1]))
        return self.walked[prefix]

    def facets(self, prefix: tuple, sample: Fraction) -> tuple[int, ...]:
        """Indices of the region's forms that are facets at ``sample`` (so on the whole interval of
        constant oriented matroid around it)."""
        from geometry.polyhedron import facets, from_forms
        if (prefix, sample) not in self.facet_memo:
            point = flint.fmpq(sample.numerator, sample.denominator)
            at = [primitive([Fraction(int(v.p), int(v.q)) for v in (c(point) for c in f)]) for f in self.along(prefix)[0]]
            kept = set(facets(from_forms([f for f in at if not is_constant(f)], self.k)))
            self.facet_memo[prefix, sample] = tuple(i for i, g in enumerate(at) if g in kept)
        return self.facet_memo[prefix, sample]

    def layer_minors(self, prefix: tuple, sample: Fraction) -> set[tuple[int, ...]]:
        """The minors of the region's facet forms and the next layer's unit forms under ``prefix``."""
        key = prefix, self.facets(prefix, sample)
        if key not in self.minors:
            forms, rows = self.along(prefix)
            lay = self.net.layers[len(prefix)]
            new = [f for unit in unit_rows(lay, preactivations(lay, rows)) for f in unit]
            self.minors[key] = self._minors([*(forms[i] for i in key[1]), *new])
        return self.minors[key]

    def map_polynomials(self, patterns, sample: Fraction) -> set[tuple[int, ...]]:
        """For the realized patterns: the gcd of the differences of two output maps (where they become
        equal), and for maps equal for every t the minors of the two regions' facet forms together."""
        out: set[tuple[int, ...]] = set()
        for p, q in itertools.combinations(patterns, 2):
            g = flint.fmpq_poly([0])
            for f, h in zip(self.along(p)[1], self.along(q)[1]):
                for x, y in zip(f, h):
                    d = x - y
                    if not d.is_zero():
                        g = d if g.is_zero() else g.gcd(d)
            if not g.is_zero():
                if g.degree() > 0:
                    out.add(_poly_key(g))
                continue
            key = p, q, self.facets(p, sample), self.facets(q, sample)
            if key not in self.minors:
                forms_p, forms_q = self.along(p)[0], self.along(q)[0]
                self.minors[key] = self._minors([*(forms_p[i] for i in key[2]), *(forms_q[i] for i in key[3])])
            out |= self.minors[key]
        return out

    def _minors(self, forms: list[Form]) -> set[tuple[int, ...]]:
        """The nonconstant r x r minors, on one set C of r columns, of the forms and the form 1
        (``e_0``), r the rank of that configuration over Q(t) and C columns on which it is attained:
        away from their roots the rank stays r and their signs give the chirotope, so the oriented
        matroid is fixed (see the module docstring), as polynomial keys."""
        rows = [*forms, [flint.fmpq_poly([1])] + [flint.fmpq_poly([0])] * self.k]
        for size in range(self.k + 1, 0, -1):
            for columns in itertools.combinations(range(self.k + 1), size):
                minors = [_determinant([[rows[r][c] for c in columns] for r in chosen])
                          for chosen in itertools.combinations(range(len(rows)), size)]
                if any(not d.is_zero() for d in minors):
                    return {_poly_key(d) for d in minors if d.degree() > 0}
        return set()

    def roots_in(self, keys, a, b) -> list:
        """The real roots of the polynomials (keys) in the closed interval between a and b."""
        out = []
        for key in keys:
            if key not in self.factor_roots:
                self.factor_roots[key] = real_roots(flint.fmpq_poly(list(key)), self.lo, self.hi)
            out += [r for r in self.factor_roots[key] if compare(r, a) >= 0 and compare(r, b) <= 0]
        return out


def _poly_key(q: flint.fmpq_poly) -> tuple[int, ...]:
    """The same key for polynomials with the same roots up to a constant factor."""
    return tuple(int(c) for c in primitive_integer(q).coeffs())


def _determinant(matrix: list[list[flint.fmpq_poly]]) -> flint.fmpq_poly:
    """Laplace expansion along the first row (sizes up to 4 here)."""
    if len(matrix) == 1:
        return matrix[0][0]
    total = flint.fmpq_poly([0])
    for j, entry in enumerate(matrix[0]):
        if not entry.is_zero():
            minor = _determinant([row[:j] + row[j + 1:] for row in matrix[1:]])
            total = total + entry * minor if j % 2 == 0 else total - entry * minor
    return total
