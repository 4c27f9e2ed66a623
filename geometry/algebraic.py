"""Real algebraic numbers, exactly: the real roots of rational polynomials and signs of polynomials there.

Polynomials are python-flint ``fmpq_poly`` (or ``fmpz_poly``) in one variable. A real root is either a
``Fraction`` or a :class:`RealAlgebraic` ``(p, lo, hi)``: ``p`` an irreducible integer polynomial of
degree >= 2 (primitive, positive leading coefficient), ``lo < hi`` rationals with exactly one root of
``p`` in the open interval ``(lo, hi)``. An irreducible polynomial of degree >= 2 has no rational
root and only simple roots, so ``p(lo)`` and ``p(hi)`` are nonzero with opposite signs, and ``p`` is
nonzero at every rational point: bisection by the sign of ``p`` at the midpoint never stalls.

Decisions are exact. Roots are isolated with Sturm sequences (the number of distinct roots in
``(a, b]`` is ``V(a) - V(b)``, V counting sign changes). The sign of ``q`` at a root ``alpha`` of ``p``
is 0 exactly when ``p`` divides ``q`` (``p`` irreducible); otherwise ``r = q mod p`` has
``r(alpha) = q(alpha) != 0``, and the isolating interval is bisected until rational interval
arithmetic bounds ``r`` away from 0 on it. Two roots of different irreducible polynomials differ, so
comparing them refines both intervals until they are disjoint; roots of the same polynomial are
compared by their index (how many real roots lie below).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property, cmp_to_key

import flint


def _fmpq(v: Fraction) -> flint.fmpq:
    return flint.fmpq(v.numerator, v.denominator)


def _fraction(v) -> Fraction:
    return Fraction(int(v.p), int(v.q))


def _as_fmpq_poly(q) -> flint.fmpq_poly:
    return q if isinstance(q, flint.fmpq_poly) else flint.fmpq_poly(q)


def _sign(v) -> int:
    return (v > 0) - (v < 0)


def primitive_integer(q) -> flint.fmpz_poly:
    """``q`` scaled to a primitive integer polynomial with positive leading coefficient."""
    coeffs = [int(c) for c in _as_fmpq_poly(q).numer().coeffs()]
    g = math.gcd(*coeffs)
    g = -g if coeffs[-1] < 0 else g
    return flint.fmpz_poly([c // g for c in coeffs])


def _sturm(p: flint.fmpq_poly) -> list[flint.fmpq_poly]:
    chain = [p, p.derivative()]
    while chain[-1].degree() > 0:
        chain.append(-(chain[-2] % chain[-1]))
    return chain


def _variations(chain: Sequence[flint.fmpq_poly], x: Fraction | None, at_infinity: int = 0) -> int:
    """Sign changes of the chain at x (or at +infinity / -infinity when x is None: ``at_infinity`` +-1)."""
    if x is None:
        signs = [_sign(c.coeffs()[-1]) * (at_infinity ** c.degree()) for c in chain if not c.is_zero()]
    else:
        point = _fmpq(x)
        signs = [_sign(c(point)) for c in chain]
    signs = [s for s in signs if s]
    return sum(a != b for a, b in zip(signs, signs[1:]))


@dataclass(frozen=True, eq=False)
class RealAlgebraic:
    """The unique root of the irreducible ``p`` (degree >= 2) in the open interval ``(lo, hi)``."""

    p: flint.fmpz_poly
    lo: Fraction
    hi: Fraction

    @cached_property
    def _q(self) -> flint.fmpq_poly:
        return flint.fmpq_poly(self.p)

    @cached_property
    def _ends(self) -> tuple[flint.fmpq, flint.fmpq]:
        return _fmpq(self.lo), _fmpq(self.hi)

    @cached_property
    def _lo_sign(self) -> int:
        return _sign(self._q(_fmpq(self.lo)))

    @cached_property
    def index(self) -> int:
        """How many real roots of ``p`` lie below this one (sympy's ``CRootOf`` index)."""
        chain = _sturm(self._q)
        return _variations(chain, None, -1) - _variations(chain, self.lo)

    @cached_property
    def key(self) -> tuple:
        """Identifies the number: the coefficients of ``p`` and the root's index."""
        return tuple(int(c) for c in self.p.coeffs()), self.index

    def bisected(self) -> RealAlgebraic:
        """The same root with an interval half as wide."""
        mid = (self.lo + self.hi) / 2
        if _sign(self._q(_fmpq(mid))) == self._lo_sign:
            return RealAlgebraic(self.p, mid, self.hi)
        return RealAlgebraic(self.p, self.lo, mid)

    def refined(self, width: Fraction) -> RealAlgebraic:
        """The same root with an interval no wider than ``width``."""
        value = self
        while value.hi - value.lo > width:
            value = value.bisected()
        return value

    def compare_rational(self, r: Fraction) -> int:
        """-1, 0 or 1 as this number is below, at (never: it is irrational) or above r."""
        if r <= self.lo:
            return 1
        if r >= self.hi:
            return -1
        # p keeps the sign of p(lo) on (lo, alpha) and has the other sign on (alpha, hi)
        return 1 if _sign(self._q(_fmpq(r))) == self._lo_sign else -1

    def polynomial_text(self, variable: str) -> str:
        return polynomial_text(self.p, variable)

    def text(self, variable: str) -> str:
        """``CRootOf(poly, index)``, a string sympy parses to this number."""
        return f"CRootOf({self.polynomial_text(variable)}, {self.index})"

    def to_sympy(self, variable: str = "t"):
        import sympy
        return sympy.CRootOf(sympy.sympify(self.polynomial_text(variable)), self.index, radicals=False)


def polynomial_text(q, variable: str) -> str:
    """``q`` as a string sympy parses, e.g. ``t**2 - 2`` or ``3*t/2 + 1/4``."""
    terms = []
    for e, entry in reversed(list(enumerate(_as_fmpq_poly(q).coeffs()))):
        c = _fraction(entry)
        if c == 0:
            continue
        power = "" if e == 0 else (variable if e == 1 else f"{variable}**{e}")
        magnitude = abs(c)
        if not power:
            body = str(magnitude)
        elif magnitude == 1:
            body = power
        elif magnitude.denominator == 1:
            body = f"{magnitude}*{power}"
        else:
            body = f"{magnitude.numerator}*{power}/{magnitude.denominator}"
        terms.append(("-" if c < 0 else "+", body))
    if not terms:
        return "0"
    text = ("-" if terms[0][0] == "-" else "") + terms[0][1]
    return text + "".join(f" {s} {b}" for s, b in terms[1:])


def real_roots(q, lo: Fraction, hi: Fraction) -> list[Fraction | RealAlgebraic]:
    """The distinct real roots of the nonzero polynomial ``q`` in the closed interval ``[lo, hi]``,
    in increasing order."""
    q = _as_fmpq_poly(q)
    if q.is_zero():
        raise ValueError("the zero polynomial has every number as a root")
    roots: list[Fraction | RealAlgebraic] = []
    _, factors = q.factor()
    for factor, _ in factors:
        if factor.degree() == 1:
            b, a = (_fraction(c) for c in factor.coeffs())
            r = -b / a
            if lo <= r <= hi:
                roots.append(r)
        elif factor.degree() > 1:
            roots.extend(_isolate(primitive_integer(factor), lo, hi))
    return sorted_roots(roots)


def _isolate(p: flint.fmpz_poly, lo: Fraction, hi: Fraction) -> list[RealAlgebraic]:
    """Isolating intervals of the roots of the irreducible p (degree >= 2) in (lo, hi)."""
    chain = _sturm(flint.fmpq_poly(p))
    out, pending = [], [(lo, hi, _variations(chain, lo), _variations(chain, hi))]
    while pending:
        a, b, va, vb = pending.pop()
        count = va - vb
        if count == 1:
            out.append(RealAlgebraic(p, a, b))
        elif count > 1:
            mid = (a + b) / 2
            vm = _variations(chain, mid)
            pending += [(a, mid, va, vm), (mid, b, vm, vb)]
    return out


def compare(a: Fraction | RealAlgebraic, b: Fraction | RealAlgebraic) -> int:
    """-1, 0 or 1 as a < b, a = b, a > b, exactly."""
    if isinstance(a, Fraction):
        return _sign(a - b) if isinstance(b, Fraction) else -b.compare_rational(a)
    if isinstance(b, Fraction):
        return a.compare_rational(b)
    if a.key == b.key:
        return 0
    if a.key[0] == b.key[0]:
        return _sign(a.index - b.index)
    while not (a.hi <= b.lo or b.hi <= a.lo):  # different irreducible polynomials: different roots
        a, b = (a.bisected(), b) if a.hi - a.lo >= b.hi - b.lo else (a, b.bisected())
    return -1 if a.hi <= b.lo else 1


def sorted_roots(values: Sequence[Fraction | RealAlgebraic]) -> list[Fraction | RealAlgebraic]:
    """Distinct values in increasing order."""
    ordered = sorted(values, key=cmp_to_key(compare))
    out: list[Fraction | RealAlgebraic] = []
    for v in ordered:
        if not out or compare(out[-1], v) != 0:
            out.append(v)
    return out


def enclosure(value: Fraction | RealAlgebraic) -> tuple[Fraction, Fraction]:
    """Rationals ``lo <= value <= hi`` (equal for a rational; an isolating interval otherwise)."""
    return (value, value) if isinstance(value, Fraction) else (value.lo, value.hi)


def rational_between(a: Fraction | RealAlgebraic | None, b: Fraction | RealAlgebraic | None) -> Fraction:
    """A rational strictly between ``a < b`` (None: unbounded on that side), as simple as the
    continued-fraction descent finds (0 when it fits)."""
    zero = Fraction(0)
    if (a is None or compare(a, zero) < 0) and (b is None or compare(zero, b) < 0):
        return zero
    a, b = _narrowed(a), _narrowed(b)  # for simpler samples
    while True:
        lo = None if a is None else (a if isinstance(a, Fraction) else a.hi)
        hi = None if b is None else (b if isinstance(b, Fraction) else b.lo)
        if lo is None or hi is None or lo < hi:
            break
        # a < b, so at least one end is irrational: narrow it (the wider one when both are)
        if isinstance(a, RealAlgebraic) and (not isinstance(b, RealAlgebraic) or a.hi - a.lo >= b.hi - b.lo):
            a = a.bisected()
        elif isinstance(b, RealAlgebraic):
            b = b.bisected()
    if lo is None:
        assert hi is not None  # both ends unbounded returned 0 above
        return -simplest_between(-hi, None)
    return simplest_between(lo, hi)


def _narrowed(end):
    while isinstance(end, RealAlgebraic) and end.hi - end.lo > max(1, abs(end.lo)) / 16:
        end = end.bisected()
    return end


def simplest_between(lo: Fraction, hi: Fraction | None) -> Fraction:
    """The simplest rational in the open interval ``(lo, hi)`` (``hi`` None: unbounded), by the
    continued-fraction descent: the least integer above ``lo`` if it is below ``hi``, else
    ``f + 1 / y`` with ``f = floor(lo)`` and ``y`` the simplest in ``(1 / (hi - f), 1 / (lo - f))``."""
    if hi is not None and not lo < hi:
        raise ValueError(f"empty interval ({lo}, {hi})")
    n = math.floor(lo) + 1
    if hi is None or n < hi:
        return Fraction(n)
    f = n - 1
    return f + 1 / simplest_between(1 / (hi - f), None if lo == f else 1 / (lo - f))


def sign_at(q, value: Fraction | RealAlgebraic) -> int:
    """The sign of the polynomial ``q`` at ``value``, exactly."""
    return SignAt(value)(q)


class SignAt:
    """Signs of polynomials at one value, exactly (as :func:`sign_at`); an irrational value's
    isolating interval is kept as narrow as the signs so far needed it, so later signs start there."""

    def __init__(self, value: Fraction | RealAlgebraic):
        self.value = value
        self.point = _fmpq(value) if isinstance(value, Fraction) else None

    def __call__(self, q) -> int:
        q = _as_fmpq_poly(q)
        if self.point is not None:
            return _sign(q(self.point))
        value = self.value
        assert isinstance(value, RealAlgebraic)
        r = q % value._q
        if r.is_zero():
            return 0
        coeffs = r.coeffs()
        while True:
            low, high = _interval_horner(coeffs, *value._ends)
            if low > 0 or high < 0:
                self.value = value
                return 1 if low > 0 else -1
            value = value.bisected()


def _interval_horner(coeffs: Sequence, lo, hi) -> tuple:
    """Bounds of the polynomial with these coefficients (constant first) over [lo, hi]."""
    a = b = coeffs[-1]
    for c in reversed(coeffs[:-1]):
        products = (a * lo, a * hi, b * lo, b * hi)
        a, b = min(products) + c, max(products) + c
    return a, b
