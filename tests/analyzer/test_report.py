"""analyzer/report.py: long integers in tables, what each bound is compared with, LaTeX math.

Expected digits come from Python's decimal module (its own big-number arithmetic and formatting,
not int -> str), hand-rounded values are worked out in comments, and LaTeX is checked by structure
(balanced braces and environments, no text-mode carets), since there is no TeX here.
"""
from __future__ import annotations

import decimal as dec
import json
import re

import pytest

from analyzer import cli
from analyzer.bounds import Bound, BoundKind, RegionKind, check
from analyzer.report import (bounds_latex, bounds_text, check_dicts, checks_csv, checks_text, decimal,
                             json_integer, latex_text, short)


def digits_by_decimal_module(n: int) -> str:
    """n's decimal digits through decimal.Decimal arithmetic (exact at this precision)."""
    with dec.localcontext() as ctx:
        ctx.prec = 10_000
        return format(dec.Decimal(2) ** 20000 if n == 2 ** 20000 else dec.Decimal(n), "f")


def assert_latex_balanced(tex: str) -> None:
    """Braces balance outside escapes and comments, environments nest, math dollars pair up, and no
    caret is written as text (``\\textasciicircum``): powers are in math mode."""
    assert "textasciicircum" not in tex
    stack = []
    for kind, name in re.findall(r"\\(begin|end)\{(\w+)\}", tex):
        if kind == "begin":
            stack.append(name)
        else:
            assert stack and stack.pop() == name, name
    assert not stack, stack
    for line in tex.splitlines():
        if line.startswith("%"):
            continue
        body = re.sub(r"\\[{}$&%#_]", "", line)
        depth = 0
        for ch in body:
            depth += {"{": 1, "}": -1}.get(ch, 0)
            assert depth >= 0, line
        assert depth == 0, line
        assert body.count("$") % 2 == 0, line
        assert "^" not in re.sub(r"\$[^$]*\$", "", body), line  # a caret only inside math


# --- long integers ------------------------------------------------------------------------------

def test_short_keeps_15_digits_and_rounds_longer_ones():
    assert short(10 ** 15 - 1) == "999999999999999"         # 15 digits: in full
    assert short(10 ** 15) == "1.000e+15"
    assert short(12345 * 10 ** 20) == "1.235e+24"            # 1.2345e24: the half rounds up
    assert short(12344999 * 10 ** 20) == "1.234e+27"         # 1.2344999e27 rounds down
    assert short(99995 * 10 ** 20) == "1.000e+25"            # 9.9995e24 rounds up to the next power
    assert short(-(10 ** 20)) == "-1.000e+20"
    # 2^20000 = 3.98027...e6020 (decimal module), more digits than Python's int -> str limit
    expected = digits_by_decimal_module(2 ** 20000)
    assert len(expected) == 6021 and expected.startswith("398027")
    assert short(2 ** 20000) == "3.980e+6020"


def test_decimal_and_json_integer_pass_the_int_str_limit():
    expected = digits_by_decimal_module(2 ** 20000)
    assert decimal(2 ** 20000) == expected
    assert json_integer(2 ** 20000) == expected                  # a string: readers refuse the number
    assert json_integer(10 ** 4299) == 10 ** 4299                # 4300 digits: still a JSON number
    assert json.loads(json.dumps({"v": json_integer(2 ** 20000)}))["v"] == expected
    assert json_integer(None) is None and json_integer(0) == 0


def test_bounds_of_a_very_wide_layer_print_everywhere(capsys):
    """2-20000-1: the trivial bound is 2^20000 (6021 digits). Text rounds it, JSON keeps every digit
    as a string, LaTeX rounds it in math mode with every digit in a comment."""
    expected = digits_by_decimal_module(2 ** 20000)
    assert cli.main(["bounds", "2-20000-1"]) == 0
    out = capsys.readouterr().out
    assert "3.980e+6020" in out
    assert cli.main(["bounds", "2-20000-1", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["trivial: s^N"]["value"] == expected
    # gp(20000, 2) = 1 + 20000 + 20000 * 19999 / 2 = 200010001, a JSON number
    assert rows["Zaslavsky, one layer in general position"]["value"] == 200010001
    assert cli.main(["bounds", "2-20000-1", "--latex"]) == 0
    tex = capsys.readouterr().out
    assert_latex_balanced(tex)
    assert r"$3.980\times 10^{6020}$" in tex and f"exactly {expected}" in tex


def test_a_231_digit_bound_keeps_the_text_table_aligned():
    """2-765-1: the trivial bound 2^765 has floor(765 log10 2) + 1 = 231 digits."""
    bounds = [Bound("trivial: s^N", "", BoundKind.UPPER, 2 ** 765), Bound("small", "", BoundKind.UPPER, 7)]
    assert len(digits_by_decimal_module(2 ** 765)) == 231
    for table in (bounds_text(bounds), checks_text(check(bounds, 5, (5,)))):
        # the value column is the 11 characters after name (44), kind (5) and counts (6), one space apart
        values = [line[58:69] for line in table.splitlines()[1:]]
        assert [v.strip() for v in values] == ["1.941e+230", "7"]
        assert all(line[69] == " " for line in table.splitlines()[1:]), table
    (row, _) = check_dicts(check(bounds, 5, (5,)))
    assert row["value"] == 2 ** 765 and row["difference"] == 2 ** 765 - 5
    assert row["ratio"] == f"{2 ** 765}/5"
    assert str(2 ** 765) in checks_csv(check(bounds, 5, (5,)), {"tool": "regionscope"})


# --- units in the tables ------------------------------------------------------------------------

def test_tables_say_what_each_bound_counts_and_what_it_was_compared_with():
    bounds = [Bound("an upper bound", "", BoundKind.UPPER, 10),
              Bound("a linear lower bound", "", BoundKind.LOWER, 8, counts=RegionKind.LINEAR)]
    counted = {r["name"]: r for r in check_dicts(check(bounds, 6, (6,), linear=4))}
    assert counted["an upper bound"]["counts"] == "activation regions"
    assert counted["an upper bound"]["over"] == "any domain"
    assert (counted["a linear lower bound"]["compared_with"], counted["a linear lower bound"]["compared_counts"]) \
        == (4, "linear regions")
    text = checks_text(check(bounds, 6, (6,)))   # linear regions not counted
    lower = next(line for line in text.splitlines() if line.startswith("a linear lower bound"))
    assert " lin " in lower and "linear regions not counted" in lower
    upper = next(line for line in text.splitlines() if line.startswith("an upper bound"))
    assert "6 act" in upper and "holds" in upper


# --- LaTeX ----------------------------------------------------------------------------------------

def test_latex_text_puts_powers_in_math_mode():
    assert latex_text("trivial: s^N") == "trivial: $s^N$"
    assert latex_text("all of R^2.") == r"all of $\mathbb{R}^2$."
    assert latex_text("over R^n0") == r"over $\mathbb{R}^{n_0}$"
    assert latex_text("Hinz & van de Geer, 50%_x") == r"Hinz \& van de Geer, 50\%\_x"


@pytest.mark.parametrize("argv", [["bounds", "2-8-8-1", "--latex"], ["bounds", "2-6-6-1", "--latex", "--activation",
                                                                        "maxout:3"],
                                  ["bounds", "2-5-1", "--latex", "--symbolic"]])
def test_bounds_latex_is_compile_ready(capsys, argv):
    assert cli.main(argv) == 0
    tex = capsys.readouterr().out
    assert_latex_balanced(tex)
    assert "trivial: $s^N$" in tex


def test_count_latex_over_the_plane_names_r2_in_math(tmp_path, capsys):
    from analyzer.loaders import save_json
    from analyzer.network import layer, network
    model = tmp_path / "net.json"
    save_json(network([layer([[1, 0], [0, 1]], [0, 0], "relu"), layer([[1, 1]], [0], "identity")]), model)
    assert cli.main(["count", str(model), "--latex"]) == 0
    tex = capsys.readouterr().out
    assert_latex_balanced(tex)
    assert r"all of $\mathbb{R}^2$" in tex


def test_bounds_latex_rounds_long_values_and_keeps_their_digits():
    tex = bounds_latex([Bound("trivial: s^N", "", BoundKind.UPPER, 2 ** 765)], "A caption with R^2.")
    assert_latex_balanced(tex)
    assert r"$1.941\times 10^{230}$" in tex                      # 2^765 = 1.9405...e230
    assert f"% trivial: s^N: exactly {2 ** 765}" in tex
    assert r"\caption{A caption with $\mathbb{R}^2$.}" in tex
