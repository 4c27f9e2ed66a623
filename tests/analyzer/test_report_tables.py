"""analyzer/report.py: the text, CSV and LaTeX tables of counts and bounds.

Tables are checked by parsing them back (csv) against the values they were made from, by their
structure (LaTeX: no TeX here), and on hand-made bounds whose verdicts are known.
"""
from __future__ import annotations

import csv
import io
import re
from fractions import Fraction as F

import pytest

from analyzer.bounds import Bound, BoundKind, architecture_bounds, check
from analyzer.domain import box
from analyzer.enumerate import enumerate_regions
from analyzer.errors import AnalyzerError
from analyzer.network import layer, network
from analyzer.provenance import provenance
from analyzer.report import (bound_dicts, bounds_latex, bounds_text, check_dicts, checks_csv, checks_text,
                             counts_csv, counts_latex, counts_table_csv, counts_table_latex, latex_escape)

SQUARE = box([-1, -1], [1, 1])


def two_layer_net():
    return network([layer([[1, 0], [0, 1], [1, 1]], [0, 0, "-1/2"], "relu"), layer([[1, -1, 1]], [0], "relu"),
                    layer([[1]], [0], "identity")])


@pytest.fixture(scope="module")
def counted():
    net = two_layer_net()
    regions = enumerate_regions(net, SQUARE)
    return net, regions, provenance(net, SQUARE, exact=False, seconds=0.5)


def test_counts_csv_round_trips_the_integers(counted):
    net, regions, prov = counted
    (row,) = list(csv.DictReader(io.StringIO(counts_csv(regions.to_json(), prov))))
    assert int(row["activation_regions"]) == regions.activation_regions
    assert int(row["linear_regions"]) == regions.linear_regions
    assert int(row["bounded_regions"]) == regions.bounded_regions
    assert [int(row[f"per_layer_{i + 1}"]) for i in range(len(regions.per_layer))] == list(regions.per_layer)
    assert row["status"] == "complete" and row["network_sha256"] == prov["network_sha256"]
    assert row["domain"] == "box:-1:1,-1:1"  # the comma inside is quoted
    huge = {"activation_regions": 3 ** 200, "per_layer": [2 ** 70, 3 ** 200], "complete": False}
    (row,) = list(csv.DictReader(io.StringIO(counts_csv(huge, prov))))
    assert int(row["activation_regions"]) == 3 ** 200 and int(row["per_layer_1"]) == 2 ** 70
    assert row["status"] == "partial"


def test_counts_table_csv_takes_the_union_of_columns(counted):
    _, regions, prov = counted
    shallow = {"activation_regions": 5, "per_layer": [5]}
    rows = list(csv.DictReader(io.StringIO(counts_table_csv([(shallow, prov), (regions.to_json(), prov)]))))
    assert [int(r["activation_regions"]) for r in rows] == [5, regions.activation_regions]
    assert rows[0]["per_layer_2"] == "" and int(rows[1]["per_layer_2"]) == regions.per_layer[1]


def test_checks_csv_round_trips_values_and_exact_ratios(counted):
    net, regions, prov = counted
    checks = check(architecture_bounds(net.architecture), regions.activation_regions, regions.per_layer)
    rows = list(csv.DictReader(io.StringIO(checks_csv(checks, prov))))
    assert len(rows) == len(checks)
    for row, c in zip(rows, checks):
        assert row["name"] == c.bound.name
        assert (int(row["value"]) if row["value"] else None) == c.bound.value
        assert (F(row["ratio"]) if row["ratio"] else None) == c.ratio
        assert row["holds"] == {True: "true", False: "false", None: ""}[c.holds]
        assert row["decided_by"] == prov["decided_by"]


def assert_compile_ready(tex: str) -> None:
    """Environments balanced and nested, booktabs rules in order, no unescaped specials outside
    comments and commands, one row per line with as many cells as the column spec says."""
    stack = []
    for kind, name in re.findall(r"\\(begin|end)\{(\w+)\}", tex):
        if kind == "begin":
            stack.append(name)
        else:
            assert stack and stack.pop() == name, f"\\end{{{name}}} closes nothing"
    assert not stack, f"unclosed {stack}"
    lines = [ln for ln in tex.splitlines() if not ln.startswith("%")]
    rules = [ln for ln in lines if ln in (r"\toprule", r"\midrule", r"\bottomrule")]
    assert rules == [r"\toprule", r"\midrule", r"\bottomrule"]
    columns = len(re.search(r"\\begin\{tabular\}\{(\w+)\}", tex).group(1))
    body = lines[lines.index(r"\toprule") + 1: lines.index(r"\bottomrule")]
    for ln in body:
        if ln == r"\midrule":
            continue
        assert ln.endswith(r"\\")
        assert len(re.findall(r"(?<!\\)&", ln)) == columns - 1
    caption = next(ln for ln in lines if ln.startswith(r"\caption{"))
    inner = re.sub(r"(?<!\\)\$[^$]*(?<!\\)\$", "", caption[len(r"\caption{"):-1])  # math mode is LaTeX
    assert not re.search(r"(?<!\\)[%&$#_^~]", inner.replace(r"\textasciicircum{}", "").replace(
        r"\textasciitilde{}", "")), caption


def test_counts_latex_is_compile_ready_and_escaped(counted):
    _, regions, prov = counted
    tex = counts_latex(regions.to_json(), prov, caption="Regions of net_1: 50% & more, cost $5 #1 ~x^2")
    assert_compile_ready(tex)
    assert r"net\_1: 50\% \& more, cost \$5 \#1 \textasciitilde{}x\textasciicircum{}2" in tex
    assert f"% network_sha256: {prov['network_sha256']}" in tex
    assert f"Activation regions & {regions.activation_regions} \\\\" in tex
    assert "PARTIAL" not in tex
    partial = counts_latex({"activation_regions": 9, "status": "stopped at the time limit"}, prov)
    assert_compile_ready(partial)
    assert "PARTIAL" in partial
    plane = counts_latex({"activation_regions": 9}, {**prov, "domain": "all"})
    assert r"all of $\mathbb{R}^2$" in plane and "textasciicircum" not in plane
    assert_compile_ready(plane)


def test_counts_table_latex_is_compile_ready(counted):
    _, regions, prov = counted
    odd = {**prov, "architecture": "2-4_4-1", "domain": "polytope:3 rows & more"}
    tex = counts_table_latex([(regions.to_json(), prov), ({"activation_regions": 3, "complete": False}, odd)],
                             "Counts, 100% exact")
    assert_compile_ready(tex)
    assert r"2-4\_4-1" in tex and r"3* & -- & --" in tex and "Partial count" in tex
    assert sum(ln.startswith("% tool: regionscope") for ln in tex.splitlines()) == 2


# --- hand-made bounds: verdicts and text tables ------------------------------------------------------

HAND = [Bound("upper that holds", "A 2020", BoundKind.UPPER, 10),
        Bound("upper that fails", "B 2021", BoundKind.UPPER, 3),
        Bound("a lower bound", "C 2022", BoundKind.LOWER, 2),
        Bound("does not apply", "D 2023", BoundKind.UPPER, None, reason="needs relu"),
        Bound("after layer 1", "E 2024", BoundKind.UPPER, 4, layer=1)]


def test_check_dicts_carry_the_verdicts_and_exact_slack():
    """Count 5, first layer 4: 10 holds (slack 5, ratio 2), 3 fails (-2, 3/5), the lower bound has
    no verdict, the bound without a value is not compared (no count), the layer-1 bound meets 4
    exactly. Ratios are exact "p/q" strings, as in the CSV."""
    rows = check_dicts(check(HAND, 5, [4, 5]))
    assert [r["holds"] for r in rows] == [True, False, None, None, True]
    assert [r["difference"] for r in rows] == [5, -2, -3, None, 0]
    assert [r["ratio"] for r in rows] == ["2", "3/5", "2/5", None, "1"]
    assert [r["compared_with"] for r in rows] == [5, 5, 5, None, 4]
    assert rows[3]["applies"] is False and rows[3]["reason"] == "needs relu"
    assert [r["name"] for r in bound_dicts(HAND)] == [b.name for b in HAND]


def test_checks_text_has_a_line_per_bound_and_names_the_violation():
    lines = checks_text(check(HAND, 5, [4, 5])).splitlines()
    assert len(lines) == 1 + len(HAND)
    verdicts = [ln.rsplit("  ", 1)[-1] for ln in lines[1:]]
    assert verdicts == ["holds", "VIOLATED", "(lower bound on the maximum)", "n/a: needs relu", "holds"]
    assert "x2" in lines[1] and "x0.6" in lines[2]


def test_bounds_text_and_latex_list_what_applies():
    text = bounds_text(HAND).splitlines()
    assert len(text) == 1 + len(HAND) and text[4].split()[-2:] == ["needs", "relu"]
    tex = bounds_latex(HAND, "Bounds for 2-8-1 & more")
    assert_compile_ready(tex)
    assert tex.count(r" \\") == 1 + 4  # the header and the four bounds with a value
    assert "does not apply" not in tex and r"2-8-1 \& more" in tex


@pytest.mark.parametrize("text,escaped", [
    ("50%", r"50\%"), ("a_b", r"a\_b"), ("{x}", r"\{x\}"), ("x^2~y", r"x\textasciicircum{}2\textasciitilde{}y"),
    ("back\\slash", r"back\textbackslash{}slash"), ("R&D $5 #1", r"R\&D \$5 \#1"), ("plain", "plain")])
def test_latex_escape(text, escaped):
    assert latex_escape(text) == escaped


def test_a_count_without_activation_regions_is_refused():
    with pytest.raises(AnalyzerError, match="activation_regions"):
        counts_csv({"linear_regions": 3}, {})


def test_provenance_may_not_overwrite_a_count():
    with pytest.raises(AnalyzerError, match="activation_regions"):
        counts_csv({"activation_regions": 3}, {"activation_regions": "7"})
    with pytest.raises(AnalyzerError, match="holds"):
        checks_csv(check(HAND, 5, [4, 5]), {"holds": "yes"})


def test_checks_csv_without_checks_is_a_header():
    (header,) = checks_csv([], {"tool": "regionscope"}).splitlines()
    assert header.split(",")[0] == "name" and header.split(",")[-1] == "tool"


def test_tables_mark_only_the_counts_not_proved_exact(counted):
    """A run whose merging stopped (the CLI's keys): the activation count is exact, no star, no
    PARTIAL note; a stopped enumeration marks its counts. CSV keeps the keys."""
    _, _, prov = counted
    merged_stopped = {"activation_regions": 9, "linear_regions": None, "bounded_regions": None, "per_layer": [9],
                      "status": "stopped at the time limit", "activation_complete": True,
                      "linear_complete": False, "bounded_complete": False}
    table = counts_table_latex([(merged_stopped, prov)], "Counts.")
    assert " & 9 & -- & -- \\\\" in table and "9*" not in table and "Partial" not in table
    tex = counts_latex(merged_stopped, prov)
    assert "PARTIAL" not in tex and "Activation regions & 9" in tex
    assert prov["decided_by"] in tex and " LPs)" not in tex
    stopped = {**merged_stopped, "linear_regions": 4, "activation_complete": False}
    table = counts_table_latex([(stopped, prov)], "Counts.")
    assert " & 9* & 4* & -- \\\\" in table and "Partial count" in table
    assert "PARTIAL (stopped at the time limit): the activation regions and linear regions are not exact" in \
        counts_latex(stopped, prov)
    (row,) = list(csv.DictReader(io.StringIO(counts_csv(merged_stopped, prov))))
    assert (row["activation_complete"], row["linear_complete"], row["bounded_complete"]) == ("true", "false", "false")
