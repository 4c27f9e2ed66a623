"""geometry/lp.py: strict feasibility with exact certificates, float path versus exact path.

Every answer is checked here with Fractions, by the definitions (not with the library's own checker),
and its feasibility is compared with the reference LP in tests/reference.py.
"""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

import reference
from geometry.exact import affine_form
from geometry.lp import is_farkas_certificate, solve_strict

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True, database=None)


def check_answer(forms, dim, answer):
    """Assert the answer carries exactly one valid certificate; return its feasibility."""
    assert (answer.point is None) != (answer.farkas is None), answer
    if answer.point is not None:
        d, *X = answer.point
        assert len(X) == dim and d > 0
        x = [Fraction(v, d) for v in X]
        for f in forms:
            assert f[0] + sum(Fraction(a) * xi for a, xi in zip(f[1:], x)) > 0, (f, x)
        assert answer.feasible
        return True
    y = [Fraction(v) for v in answer.farkas]
    assert len(y) == len(forms)
    assert all(v >= 0 for v in y) and any(v != 0 for v in y), y
    for j in range(1, dim + 1):
        assert sum(yi * f[j] for yi, f in zip(y, forms)) == 0, (y, j)
    assert sum(yi * f[0] for yi, f in zip(y, forms)) <= 0, y
    assert not answer.feasible
    return False


def both_paths(forms, dim):
    """Solve on the float-filtered and on the exact path; check both; return the common answer."""
    fast = check_answer(forms, dim, solve_strict(forms, dim))
    exact = check_answer(forms, dim, solve_strict(forms, dim, exact=True))
    assert fast == exact
    expected = reference.strictly_feasible(forms, dim) is not None
    assert fast == expected
    return fast


# --- hand examples --------------------------------------------------------------------------------

@pytest.mark.parametrize("forms, dim, feasible", [
    ([], 2, True),                                     # R^2
    ([(0, 1)], 1, True),                               # x > 0
    ([(0, 1), (0, -1)], 1, False),                     # x > 0 and x < 0 (optimum t* = 0 exactly)
    ([(0, 1), (1, -1)], 1, True),                      # 0 < x < 1
    ([(-1, 1), (1, -1)], 1, False),                    # x > 1 and x < 1: a single point, no interior
    ([(0, 1, 0), (0, 0, 1), (-1, -1, -1)], 2, False),  # x, y > 0 and x + y < -1
    ([(0, 1, 0), (0, 0, 1), (1, -1, -1)], 2, True),    # open triangle
    ([(1, 0, 0), (0, 1, 0)], 2, True),                 # a positive constant is no constraint
    ([(0, 0, 0), (0, 1, 0)], 2, False),                # the constant 0 is never > 0
    ([(-1, 0), (0, 1)], 1, False),                     # a negative constant
    ([(0, 1, -1), (0, -1, 1)], 2, False),              # x > y and y > x
    ([(0, 1, -1, 0), (0, 0, 1, -1), (0, -1, 0, 1)], 3, False),  # x > y > z > x
])
def test_hand_examples(forms, dim, feasible):
    assert both_paths(forms, dim) is feasible


def test_one_ulp_wide_interval():
    # x > 2^52 / (2^52 + 1) and x < 1: an interval of width about 2^-52
    forms = [affine_form(-1, [1 + 2 ** -52]), (1, -1)]
    assert both_paths(forms, 1) is True
    # x > 1 and x < 2^52 / (2^52 + 1): empty by about 2^-52
    forms = [(-1, 1), affine_form(1, [-(1 + 2 ** -52)])]
    assert both_paths(forms, 1) is False


def test_slopes_one_ulp_apart():
    # y > 0, y < x and y > (1 + e) x with e = 2^-52: the last two need (1 + e) x < x, so x < 0 and then
    # y < x < 0 contradicts y > 0: empty
    forms = [(0, 0, 1), affine_form(0, [1, -1]), affine_form(0, [-(1 + 2 ** -52), 1])]
    assert both_paths(forms, 2) is False
    # x < y < (1 + e) x with x > 0: the thin open wedge between the two lines is nonempty
    forms = [affine_form(0, [-1, 1]), affine_form(0, [1 + 2 ** -52, -1]), (0, 1, 0)]
    assert both_paths(forms, 2) is True


@pytest.mark.parametrize("forms, dim, feasible", [
    # x < -10^30 and x < -10^30 - 1 (both -10^30 and -10^30 - 1 round to the same double)
    ([(-10 ** 30, -1), (-10 ** 30 - 1, -1)], 1, True),
    ([(-2 ** 53, -1), (-2 ** 53 - 1, -1)], 1, True),   # the smallest such pair: x < -2^53 - 1
    ([(10 ** 30, 1, 0), (-10 ** 30 - 1, -1, 0)], 2, False),
    ([(-10 ** 30, -1, 0), (-10 ** 30 - 1, -1, 0), (0, 0, 1)], 2, True),
    ([(10 ** 400, 1), (0, -1)], 1, True),          # 10^400 overflows a double
    ([(-10 ** 400, 1), (10 ** 400 - 1, -1)], 1, False),
    ([(1, 10 ** 20, 0), (1, -10 ** 20, 0), (0, 0, 1)], 2, True),
], ids=["huge-parallel", "two-to-the-53", "huge-gap-1", "huge-with-transversal", "overflow", "overflow-empty", "thin-slab"])
def test_huge_coefficients(forms, dim, feasible):
    assert both_paths(forms, dim) is feasible


# --- random systems -------------------------------------------------------------------------------

@st.composite
def systems(draw):
    """Random integer systems, with forced infeasible and degenerate ones (t* = 0)."""
    dim = draw(st.integers(1, 4))
    coefficient = st.integers(-4, 4)
    forms = draw(st.lists(st.tuples(*[coefficient] * (dim + 1)), min_size=1, max_size=6))
    forms = [tuple(f) for f in forms]
    kind = draw(st.sampled_from(["plain", "opposite", "negative_combination", "scaled_copy"]))
    if kind == "opposite":  # f > 0 and -f > 0
        f = draw(st.sampled_from(forms))
        forms.append(tuple(-v for v in f))
    elif kind == "negative_combination":  # -(sum c_i f_i) - k: Farkas with y = (c, 1)
        cs = draw(st.lists(st.integers(0, 3), min_size=len(forms), max_size=len(forms)))
        k = draw(st.integers(0, 2))
        combo = [sum(c * f[j] for c, f in zip(cs, forms)) for j in range(dim + 1)]
        forms.append(tuple([-combo[0] - k] + [-v for v in combo[1:]]))
    elif kind == "scaled_copy":
        f = draw(st.sampled_from(forms))
        forms.append(tuple(3 * v for v in f))
    order = draw(st.permutations(range(len(forms))))
    return [forms[i] for i in order], dim


@SETTINGS
@given(systems())
def test_random_systems_agree_with_reference_and_certificates_check(system):
    forms, dim = system
    both_paths(forms, dim)


@SETTINGS
@given(systems())
def test_random_primitive_systems(system):
    forms, dim = system
    both_paths([affine_form(f[0], f[1:]) for f in forms], dim)


# --- the public checker ---------------------------------------------------------------------------

def test_is_farkas_certificate_hand_examples():
    forms = [(0, 1), (0, -1)]               # x > 0, -x > 0
    assert is_farkas_certificate(forms, [1, 1])
    assert is_farkas_certificate(forms, [2, 2])
    assert not is_farkas_certificate(forms, [1, 2])   # sum y a = -1 != 0
    assert not is_farkas_certificate(forms, [0, 0])   # y = 0 proves nothing
    assert not is_farkas_certificate(forms, [-1, -1])  # y must be >= 0
    assert not is_farkas_certificate([(1, 1), (1, -1)], [1, 1])  # sum y b = 2 > 0: 0 < ... is feasible
    assert is_farkas_certificate([(-1, 1), (1, -1)], [1, 1])     # sum y b = 0 <= 0
