"""geometry/fourier_motzkin.py against tests/reference.py's exact LP on random systems, and by hand."""
from __future__ import annotations

import random
from fractions import Fraction as F

import pytest

from geometry.fourier_motzkin import is_strictly_feasible
from reference import strictly_feasible


def sign(v) -> int:
    return (v > 0) - (v < 0)


def test_by_hand():
    assert is_strictly_feasible([], sign)
    assert is_strictly_feasible([[0, 1], [1, -1]], sign)           # 0 < x < 1
    assert not is_strictly_feasible([[0, 1], [0, -1]], sign)       # x > 0 and x < 0
    assert not is_strictly_feasible([[0, 1, 0], [0, -1, 0], [5, 0, 1]], sign)
    assert not is_strictly_feasible([[0, 0, 0]], sign)             # 0 > 0
    assert is_strictly_feasible([[1, 0, 0]], sign)                 # 1 > 0 everywhere
    # the triangle x, y > 0, x + y < 1 and the line x + y > 1: disjoint
    assert not is_strictly_feasible([[0, 1, 0], [0, 0, 1], [1, -1, -1], [-1, 1, 1]], sign)


@pytest.mark.parametrize("dim", [1, 2, 3])
def test_random_systems_against_the_exact_lp(dim):
    rng = random.Random(dim)
    feasible = 0
    for _ in range(60):
        forms = [[F(rng.randint(-3, 3)) for _ in range(dim + 1)] for _ in range(rng.randint(1, 6))]
        expected = strictly_feasible(forms, dim) is not None
        assert is_strictly_feasible(forms, sign) == expected, forms
        feasible += expected
    assert 5 < feasible < 55   # both answers occur
