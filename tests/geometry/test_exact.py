"""geometry/exact.py: exact numbers, primitive affine forms, hyperplane keys, homogeneous points."""
from __future__ import annotations

import decimal
import math
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from geometry.errors import GeometryError, NonFiniteError, NotANumberError
from geometry.exact import (
    affine_form,
    cartesian,
    homogeneous,
    homogeneous_from_floats,
    hyperplane_key,
    is_constant,
    is_strictly_inside,
    negate,
    primitive,
    rational,
    side,
    value_times_denominator,
)

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None)


# --- numbers ------------------------------------------------------------------------------------

def test_float_is_its_exact_binary_rational():
    assert rational(0.1) != Fraction(1, 10)
    assert rational(0.1) == Fraction(0.1)
    # 0.1 rounds to the nearest multiple of 2^-56 in [2^-4, 2^-3): 3602879701896397 / 2^55
    assert rational(0.1) == Fraction(3602879701896397, 2 ** 55)
    assert rational(1 + 2 ** -52) == 1 + Fraction(1, 2 ** 52)
    assert rational(5e-324) == Fraction(1, 2 ** 1074)
    assert rational(-0.0) == 0
    assert rational(1e308) == Fraction(int(1e308))


@pytest.mark.parametrize("text, expected", [
    ("3/7", Fraction(3, 7)),
    (" -2/4 ", Fraction(-1, 2)),
    ("0.1", Fraction(1, 10)),  # a decimal string is the decimal number, not the double
    ("1e-30", Fraction(1, 10 ** 30)),
    ("12", Fraction(12)),
])
def test_strings_are_taken_as_written(text, expected):
    assert rational(text) == expected


def test_ints_fractions_and_sympy_rationals_are_exact():
    assert rational(10 ** 40 + 1) == 10 ** 40 + 1
    assert rational(Fraction(-5, 3)) == Fraction(-5, 3)
    assert rational(sympy.Rational(2, 6)) == Fraction(1, 3)
    assert rational(sympy.Integer(-9)) == -9
    assert rational(sympy.Rational(10 ** 30 + 1, 3)) == Fraction(10 ** 30 + 1, 3)


@pytest.mark.parametrize("value, expected", [
    (np.float64(0.1), Fraction(0.1)),
    (np.float32(0.1), Fraction(float(np.float32(0.1)))),  # float32 -> float64 is exact
    (np.float16(0.1), Fraction(float(np.float16(0.1)))),
    (np.int64(-7), Fraction(-7)),
    (np.int8(5), Fraction(5)),
    (np.uint64(2 ** 63 + 1), Fraction(2 ** 63 + 1)),
])
def test_numpy_scalars_are_exact(value, expected):
    assert rational(value) == expected


@pytest.mark.parametrize("value", [
    float("nan"), float("inf"), -float("inf"), np.float64("nan"), np.float32("inf"),
    "nan", "inf", "-inf", "Infinity", "+NaN",
])
def test_non_finite_values_raise_non_finite_error(value):
    assert issubclass(NonFiniteError, ValueError)
    with pytest.raises(NonFiniteError, match="not finite"):
        rational(value)
    with pytest.raises(NonFiniteError):
        affine_form(1, [value, 2])
    with pytest.raises(NonFiniteError):
        affine_form(value, [1])


@pytest.mark.parametrize("value", [sympy.oo, -sympy.oo, sympy.nan], ids=["sympy.oo", "-sympy.oo", "sympy.nan"])
def test_sympy_infinities_are_non_finite(value):
    """exact.py: "NaN and infinities are rejected"; errors.py: NonFiniteError is the error for "a
    coefficient [that] is NaN or infinite". sympy's oo and nan are exactly that."""
    with pytest.raises(NonFiniteError):
        rational(value)


@pytest.mark.parametrize("value", ["abc", "1/0", "", None, 1j, [1], True, sympy.Symbol("x"), sympy.sqrt(2)])
def test_non_numbers_raise_a_geometry_error(value):
    with pytest.raises(NotANumberError):
        rational(value)


@pytest.mark.parametrize("value, exact", [
    (decimal.Decimal("0.1"), Fraction(1, 10)),
    (decimal.Decimal("1e-400"), Fraction(1, 10 ** 400)),
    (np.longdouble(1) / np.longdouble(3), Fraction(*(np.longdouble(1) / np.longdouble(3)).as_integer_ratio())),
    (sympy.Float("0.1", 50), Fraction(int(sympy.Rational(sympy.Float("0.1", 50)).p),
                                      int(sympy.Rational(sympy.Float("0.1", 50)).q))),
], ids=["Decimal(0.1)", "Decimal(1e-400)", "longdouble(1/3)", "sympy.Float(0.1, 50 digits)"])
def test_wider_than_double_numbers_are_exact_or_rejected(value, exact):
    """The exactness contract: a number is taken as it is. A Decimal, a long double or a 50-digit sympy
    Float is not a double; silently rounding it to one (Decimal('1e-400') becomes 0) changes the input.
    Either its exact value or a clear GeometryError is acceptable."""
    if exact == Fraction(float(exact)):
        pytest.skip("this platform's value is a double anyway")
    try:
        got = rational(value)
    except GeometryError:
        return
    assert got == exact


# --- forms --------------------------------------------------------------------------------------

def test_affine_form_is_primitive_and_positively_scaled():
    assert affine_form(0.5, [1.5, -2]) == (1, 3, -4)
    assert affine_form(-1, [-2]) == (-1, -2)  # never flipped: {f >= 0} is kept
    assert affine_form("2/3", [Fraction(4, 9), 0]) == (3, 2, 0)
    assert affine_form(0, [0, 0]) == (0, 0, 0)
    assert affine_form(6, [0, 0]) == (1, 0, 0)
    assert affine_form(-6, [0]) == (-1, 0)
    assert affine_form(10 ** 30, [2 * 10 ** 30]) == (1, 2)
    assert affine_form(0.1, [1]) == (3602879701896397, 2 ** 55)


@SETTINGS
@given(st.lists(st.fractions(max_denominator=50), min_size=2, max_size=5),
       st.fractions(min_value=Fraction(1, 100), max_value=100))
def test_affine_form_is_invariant_under_positive_scaling(values, scale):
    form = affine_form(values[0], values[1:])
    assert affine_form(values[0] * scale, [v * scale for v in values[1:]]) == form
    assert math.gcd(*form) in (0, 1)
    assert all(isinstance(v, int) for v in form)
    # the same halfspace: form = c * values with c > 0
    nonzero = [(f, v) for f, v in zip(form, values) if v]
    assert all(f == 0 for f, v in zip(form, values) if not v)
    if nonzero:
        c = Fraction(nonzero[0][0]) / nonzero[0][1]
        assert c > 0 and all(Fraction(f) == c * v for f, v in nonzero)


def test_primitive_keeps_zero_and_sign():
    assert primitive([0, 0, 0]) == (0, 0, 0)
    assert primitive([Fraction(-1, 2), Fraction(1, 3)]) == (-3, 2)
    assert primitive([4, -6, 8]) == (2, -3, 4)


@SETTINGS
@given(st.lists(st.integers(-6, 6), min_size=2, max_size=5).filter(lambda r: any(r[1:])),
       st.integers(1, 5))
def test_hyperplane_key_equal_and_opposite_rows(row, k):
    form = affine_form(row[0], row[1:])
    same = affine_form(k * row[0], [k * a for a in row[1:]])
    opposite = affine_form(-k * row[0], [-k * a for a in row[1:]])
    key, o = hyperplane_key(form)
    key_same, o_same = hyperplane_key(same)
    key_opp, o_opp = hyperplane_key(opposite)
    assert key == key_same == key_opp
    assert o_same == o and o_opp == -o
    assert tuple(o * v for v in key) == form  # the orientation recovers the given form
    lead = next(a for a in key[1:] if a)
    assert lead > 0
    # the orientation is the sign of the first nonzero normal coefficient of the input row
    assert o == (1 if next(a for a in row[1:] if a) > 0 else -1)


def test_hyperplane_key_of_constant_and_hand_examples():
    assert hyperplane_key((3, -2, 1)) == ((-3, 2, -1), -1)
    assert hyperplane_key((3, 0, 1)) == ((3, 0, 1), 1)
    assert hyperplane_key((-1, 0, 0)) == ((-1, 0, 0), 1)
    assert is_constant((-1, 0, 0)) and not is_constant((0, 0, 1))
    assert negate((1, -2, 0)) == (-1, 2, 0)


# --- homogeneous points and predicates ----------------------------------------------------------

@SETTINGS
@given(st.lists(st.fractions(max_denominator=30), min_size=1, max_size=4))
def test_homogeneous_round_trip(point):
    h = homogeneous(point)
    assert h[0] > 0 and all(isinstance(v, int) for v in h)
    assert cartesian(h) == tuple(point)


def test_homogeneous_from_floats_is_exact():
    xs = [0.1, -3.0, 2 ** -60, 1e20]
    h = homogeneous_from_floats(xs)
    assert h[0] > 0
    assert cartesian(h) == tuple(Fraction(x) for x in xs)


@SETTINGS
@given(st.lists(st.integers(-5, 5), min_size=3, max_size=3),
       st.lists(st.fractions(max_denominator=7), min_size=2, max_size=2))
def test_side_is_the_exact_sign(form, point):
    value = form[0] + sum(a * x for a, x in zip(form[1:], point))  # Fractions, by hand
    expected = (value > 0) - (value < 0)
    h = homogeneous(point)
    assert side(tuple(form), h) == expected
    assert Fraction(value_times_denominator(tuple(form), h), h[0]) == value
    assert is_strictly_inside([tuple(form)], h) == (expected == 1)


def test_side_separates_one_ulp():
    # x = 1 versus the form (1 + 2^-52) x - 1 = 0 in R^1: at x = 1 the form is 2^-52 > 0
    form = affine_form(-1, [1 + 2 ** -52])
    assert side(form, homogeneous([1])) == 1
    assert side(form, homogeneous([Fraction(2 ** 52, 2 ** 52 + 1)])) == 0
    # just below the root 1/(1 + 2^-52) = 1 - 2^-52 + 2^-104 - ...: (1 + e)(1 - 2e) - 1 = -e - 2e^2 < 0
    assert side(form, homogeneous([1 - 2 ** -51])) == -1


def test_float_enclosure_radii_contain_the_rounding():
    from geometry.exact import float_enclosure
    rng = np.random.default_rng(0)
    values = [Fraction(int(rng.integers(-10**12, 10**12)), int(rng.integers(1, 10**12))) for _ in range(500)]
    values += [Fraction(1, 2**1075), Fraction(3, 2**1076), Fraction(2**53 + 1), Fraction(2**53 + 1, 2**1074), 10**300 + 1]
    approx, radii = float_enclosure(values)
    for v, a, r in zip(values, approx.tolist(), radii.tolist()):
        assert abs(Fraction(a) - v) <= Fraction(r)
        assert r > 0 or Fraction(a) == v
    exact, zero = float_enclosure([Fraction(5, 4), -3, Fraction(1, 2**1074), 0.1])
    assert exact.tolist() == [1.25, -3.0, 2.0**-1074, 0.1] and not zero.any()
