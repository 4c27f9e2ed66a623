"""geometry/lp.py: strict feasibility with exact certificates, float path versus exact path.

Every answer is checked here with Fractions, by the definitions (not with the library's own checker),
and its feasibility is compared with the reference LP in tests/reference.py.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import reference
from geometry.exact import affine_form
from geometry.lp import StrictFeasibility, is_farkas_certificate, solve_strict

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


CRASH_LP = Path(__file__).resolve().parents[1] / "data" / "cdd_crash_lp.json"
CHILD = """
import json, sys
from geometry.lp import solve_exact_lp, solve_strict
rows = [[int(v) for v in row] for row in json.load(open(sys.argv[1]))]
lp = solve_exact_lp(rows)
answer = solve_strict([tuple(row[:-1]) for row in rows[:-2]], len(rows[0]) - 2, exact=True)
print(json.dumps({"status": lp.status.name, "value": str(lp.value), "primal": [str(v) for v in lp.primal],
                  "duals": {i: str(y) for i, y in lp.duals.items()}, "point": answer.point, "farkas": answer.farkas}))
"""


def test_lp_that_corrupted_the_heap_in_cdd_dual_simplex():
    """tests/data/cdd_crash_lp.json is the Chebyshev LP (module docstring of geometry.lp) of four forms
    in R^4 of rank 2, entries from 1 to 10^33, whose float phase in cdd.gmp's dual simplex pivots on
    column 0 and corrupts the heap (a segfault every time, libcdd 0.94m). Solved in a child process, so
    that a crash fails this test instead of ending the test run. The answer is checked by LP duality:
    x is feasible, y >= 0 with sum_i y_i a_i = -c, and c . (1, x) = c_0 + sum_i y_i b_i, so x is optimal."""
    root = Path(__file__).resolve().parents[2]
    child = subprocess.run([sys.executable, "-c", CHILD, str(CRASH_LP)], cwd=root, capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(root)}, timeout=120)
    assert child.returncode == 0, child.stderr
    out = json.loads(child.stdout)
    rows = [[int(v) for v in row] for row in json.loads(CRASH_LP.read_text())]
    constraints, objective = rows[:-1], rows[-1]
    x = [Fraction(v) for v in out["primal"]]
    y = {int(i): Fraction(v) for i, v in out["duals"].items()}
    assert out["status"] == "OPTIMAL"
    assert all(r[0] + sum(a * v for a, v in zip(r[1:], x)) >= 0 for r in constraints)
    assert all(v >= 0 for v in y.values())
    for j in range(1, len(objective)):
        assert sum(v * constraints[i][j] for i, v in y.items()) == -objective[j]
    value = Fraction(out["value"])
    assert value == objective[0] + sum(a * v for a, v in zip(objective[1:], x))
    assert value == objective[0] + sum(v * constraints[i][0] for i, v in y.items())
    assert value > 0  # so the four forms are strictly feasible, and solve_strict must find a point
    forms = [tuple(row[:-1]) for row in rows[:-2]]
    answer = StrictFeasibility(tuple(out["point"]) if out["point"] else None,
                               tuple(out["farkas"]) if out["farkas"] else None, True)
    assert check_answer(forms, 4, answer)
