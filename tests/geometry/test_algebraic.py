"""geometry/algebraic.py: roots against sympy's exact real roots, signs at sqrt(2) against the exact
test ``A + B sqrt(2)`` (compare A^2 with 2 B^2), orderings against high-precision values of sympy's
CRootOf, rationals between, and the strings sympy reads back.
"""
from __future__ import annotations

import random
from fractions import Fraction as F

import flint
import pytest
import sympy

from geometry.algebraic import (
    RealAlgebraic,
    compare,
    enclosure,
    polynomial_text,
    rational_between,
    real_roots,
    sign_at,
    simplest_between,
    sorted_roots,
)

T = sympy.Symbol("t")


def as_sympy(q: flint.fmpq_poly):
    return sum(sympy.Rational(int(c.p), int(c.q)) * T ** e for e, c in enumerate(q.coeffs()))


def numeric(value, digits=40):
    """The value to ``digits`` digits (sympy's CRootOf evaluation is certified)."""
    return sympy.Rational(value.numerator, value.denominator) if isinstance(value, F) else \
        value.to_sympy("t").evalf(digits)


def test_roots_of_a_product_by_hand():
    # (2t - 1)(t^2 - 2)(t^3 - 3): -sqrt(2) < 1/2 < sqrt(2) < 3^(1/3)
    q = flint.fmpq_poly([-1, 2]) * flint.fmpq_poly([-2, 0, 1]) * flint.fmpq_poly([-3, 0, 0, 1])
    roots = real_roots(q, F(-5), F(5))
    assert roots[1] == F(1, 2)
    assert [r.text("t") for r in (roots[0], roots[2], roots[3])] == \
        ["CRootOf(t**2 - 2, 0)", "CRootOf(t**2 - 2, 1)", "CRootOf(t**3 - 3, 0)"]
    assert sympy.sympify(roots[2].text("t")) == sympy.CRootOf(T ** 2 - 2, 1, radicals=False)
    assert abs(sympy.sympify(roots[2].text("t")).evalf(30) - sympy.sqrt(2).evalf(30)) < sympy.Rational(1, 10 ** 25)
    for r in (roots[0], roots[2]):
        lo, hi = enclosure(r.refined(F(1, 1000)))
        assert hi - lo <= F(1, 1000) and min(lo * lo, hi * hi) < 2 < max(lo * lo, hi * hi)  # |root| = sqrt(2)
    assert real_roots(q, F(0), F(1)) == [F(1, 2)]
    assert real_roots(q, F(1, 2), F(1, 2)) == [F(1, 2)]  # closed interval


@pytest.mark.parametrize("seed", range(12))
def test_random_polynomials_against_sympy(seed):
    rng = random.Random(seed)
    q = flint.fmpq_poly([1])
    for _ in range(rng.randint(1, 3)):
        q *= flint.fmpq_poly([rng.randint(-4, 4) for _ in range(rng.randint(2, 4))] + [rng.choice([-2, -1, 1, 3])])
    roots = real_roots(q, F(-4), F(4))
    expected = sorted({r for r in sympy.real_roots(sympy.Poly(as_sympy(q), T)) if -4 <= r.evalf(50) <= 4},
                      key=lambda r: r.evalf(50))
    assert len(roots) == len(expected)
    for mine, theirs in zip(roots, expected):
        assert abs(numeric(mine) - theirs.evalf(40)) < sympy.Rational(1, 10 ** 30)
        lo, hi = enclosure(mine)
        assert lo <= theirs.evalf(50) <= hi


@pytest.mark.parametrize("seed", range(20))
def test_sign_at_sqrt2_against_the_norm(seed):
    """q(sqrt 2) = A + B sqrt 2 with q mod (t^2 - 2) = A + B t; its sign is sign(A) when it agrees
    with sign(B) or B = 0, and otherwise the sign of whichever of A^2, 2 B^2 is larger."""
    rng = random.Random(seed)
    root = real_roots(flint.fmpq_poly([-2, 0, 1]), F(0), F(2))[0]
    q = flint.fmpq_poly([flint.fmpq(rng.randint(-30, 30), rng.randint(1, 5)) for _ in range(rng.randint(1, 6))])
    if seed == 0:
        q = flint.fmpq_poly([-2, 0, 1]) * flint.fmpq_poly([1, 1])   # a multiple: zero at sqrt 2
    r = q % flint.fmpq_poly([-2, 0, 1])
    a, b = (F(int(c.p), int(c.q)) for c in (r[0], r[1]))
    sa, sb = (a > 0) - (a < 0), (b > 0) - (b < 0)
    expected = sa if sb in (0, sa) else (sb if sa == 0 else (sa if a * a > 2 * b * b else sb))
    assert sign_at(q, root) == expected


def test_ordering_against_numeric_values():
    values = [*real_roots(flint.fmpq_poly([-2, 0, 1]), F(-3), F(3)), *real_roots(flint.fmpq_poly([-3, 0, 1]), F(-3), F(3)),
              *real_roots(flint.fmpq_poly([-1, -1, 1]), F(-3), F(3)), F(7, 5), F(-17, 12), F(3, 2), F(0)]
    ordered = sorted_roots(values + values[:3])   # duplicates are removed
    assert len(ordered) == len(values)
    numbers = [numeric(v) for v in ordered]
    assert numbers == sorted(numbers)
    number = dict(zip(map(id, values), (numeric(v) for v in values)))
    for a in values:
        for b in values:
            assert compare(a, b) == bool(number[id(a)] > number[id(b)]) - bool(number[id(a)] < number[id(b)])


def test_the_same_root_given_twice_is_equal():
    p = flint.fmpz_poly([-2, 0, 1])
    assert compare(RealAlgebraic(p, F(1), F(2)), RealAlgebraic(p, F(0), F(3, 2))) == 0
    assert RealAlgebraic(p, F(1), F(2)).index == 1 and RealAlgebraic(p, F(-2), F(-1)).index == 0


def test_rationals_between():
    r2, r3 = (real_roots(flint.fmpq_poly([-n, 0, 1]), F(0), F(2))[0] for n in (2, 3))
    for a, b in ((r2, r3), (F(7, 5), r2), (r2, F(3, 2)), (None, r2), (r3, None), (F(1, 3), F(1, 2)), (None, None)):
        x = rational_between(a, b)
        assert a is None or compare(a, x) < 0
        assert b is None or compare(x, b) < 0
    minus, plus = real_roots(flint.fmpq_poly([-2, 0, 1]), F(-2), F(2))
    assert rational_between(minus, plus) == 0
    assert simplest_between(F(1, 3), F(1, 2)) == F(2, 5)    # Stern-Brocot: the mediant of 1/3 and 1/2
    assert simplest_between(F(3), F(4)) == F(7, 2)
    assert simplest_between(F(0), F(1, 2)) == F(1, 3)
    assert simplest_between(F(5, 2), None) == 3
    with pytest.raises(ValueError):
        simplest_between(F(1), F(1))


def test_polynomial_text_reads_back():
    q = flint.fmpq_poly([flint.fmpq(1, 4), flint.fmpq(3, 2), 0, -1])
    assert polynomial_text(q, "t") == "-t**3 + 3*t/2 + 1/4"
    assert sympy.sympify(polynomial_text(q, "t")) == as_sympy(q)
    assert polynomial_text(flint.fmpq_poly([0]), "s") == "0"
    with pytest.raises(ValueError):
        real_roots(flint.fmpq_poly([0]), F(0), F(1))
