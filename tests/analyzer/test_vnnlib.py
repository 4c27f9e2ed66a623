"""analyzer/vnnlib.py: VNN-LIB input boxes as domains, and unsupported or malformed properties.

Every expected box is read off the file text in the test; the counts compare with the hand count of
tests/analyzer/test_cli.py's network.
"""
from __future__ import annotations

import json
from fractions import Fraction as F

import pytest

import naive
from analyzer.cli import main
from analyzer.domain import DomainKind, box, parse_domain
from analyzer.errors import DomainError
from analyzer.loaders import save_json
from analyzer.vnnlib import read_vnnlib, vnnlib_domain

HEADER = """\
; a property in the style of VNN-COMP's ACAS Xu
(declare-const X_0 Real)
(declare-const X_1 Real)
(declare-const Y_0 Real)
(declare-const Y_1 Real)
"""

PROPERTY = HEADER + """
(assert (<= X_0 0.5))   ; upper bound of X_0
(assert (>= X_0 -0.5))
(assert (>= X_0 -0.75)) ; looser: the tighter -1/2 stays
(assert (and (<= X_1 1e-1) (and (>= X_1 (- 0.25)))))
; unsafe if Y_0 is minimal
(assert (<= Y_0 Y_1))
(assert (or (and (>= Y_0 3)) (and (<= Y_1 Y_0))))
"""


def write(tmp_path, text: str, name: str = "prop.vnnlib"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_box_bounds_intersect_and_output_constraints_are_ignored(tmp_path):
    found = read_vnnlib(write(tmp_path, PROPERTY))
    assert found.lower == (F(-1, 2), F(-1, 4))
    assert found.upper == (F(1, 2), F(1, 10))  # 1e-1 is exactly 1/10
    assert found.ignored == 2


def test_parse_domain_reads_a_vnnlib_path(tmp_path):
    path = write(tmp_path, PROPERTY)
    dom = parse_domain(str(path), 2)
    assert dom.kind is DomainKind.BOX
    assert dom.region == box([F(-1, 2), F(-1, 4)], [F(1, 2), F(1, 10)]).region
    assert dom.description == "box:-1/2:1/2,-1/4:1/10"
    assert vnnlib_domain(path, 2) == dom


@pytest.mark.parametrize("body", [
    "(assert (<= X_0 1)) (assert (>= X_0 -1)) (assert (<= X_1 1)) (assert (>= X_1 -1))",
    "(assert (and (< X_0 1) (> X_0 -1) (< X_1 1) (> X_1 -1)))",  # strict: same domain
    "(assert (<= -1 X_0 1)) (assert (>= 1 X_1 -1))",  # chained, constants on either side
    # VNN-COMP's single-branch disjunction mixing input and output conjuncts
    "(assert (or (and (>= X_0 -1) (<= X_0 1) (>= X_1 -1.0) (<= X_1 1.0) (>= Y_0 Y_1))))",
])
def test_forms_of_the_same_box(tmp_path, body):
    found = read_vnnlib(write(tmp_path, HEADER + body))
    assert (found.lower, found.upper) == ((-1, -1), (1, 1))


def test_counting_on_a_vnnlib_box_at_the_cli(tmp_path, capsys):
    # test_cli.py's network: ReLU units x, y, x + y - 1; in [-1, 1]^2 they make 5 regions (hand count there).
    net = naive.build([naive.spec_layer([[1, 0], [0, 1], [1, 1]], [0, 0, -1], "relu"),
                       naive.spec_layer([[1, 1, 0]], [0], "identity")])
    save_json(net, tmp_path / "net.json")
    prop = write(tmp_path, HEADER.replace("(declare-const Y_1 Real)\n", "")
                 + "(assert (<= -1 X_0 1)) (assert (<= -1 X_1 1)) (assert (>= Y_0 0))")
    assert main(["count", str(tmp_path / "net.json"), "--domain", str(prop), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["activation_regions"], result["domain"]) == (5, "box:-1:1,-1:1")
    assert "1 constraint(s) without inputs ignored" in result["provenance"]["domain_source"]
    assert main(["count", str(tmp_path / "net.json"), "--domain", str(prop)]) == 0
    assert "ignored" in capsys.readouterr().out


BAD = {
    "disjunction over inputs": ("(assert (or (and (<= X_0 1) (>= X_0 0)) (and (<= X_0 -1) (>= X_0 -2))))",
                                r"a disjunction over inputs \(or \(and"),
    "linear constraint": ("(assert (<= (+ X_0 X_1) 1))", r"compares \(\+ X_0 X_1\) with 1"),
    "two inputs": ("(assert (<= X_0 X_1))", r"compares X_0 with X_1"),
    "not a comparison": ("(assert (distinct X_0 1))", r"constraint \(distinct X_0 1\) is not a box bound"),
    "mixed": ("(assert (<= X_0 Y_0))", r"\(<= X_0 Y_0\) mixes inputs and outputs"),
    "symbolic constant": ("(assert (<= X_0 abc))", r"abc in \(<= X_0 abc\) is not a constant"),
    "undeclared": ("(assert (<= X_7 1))", r"X_7 is used but not declared"),
    "missing bound": ("(assert (<= -1 X_0 1)) (assert (<= X_1 1))", r"X_1 has no lower bound"),
    "unbalanced": ("(assert (<= X_0 1)", r"1 parenthesis\(es\) left open"),
    "extra close": ("(assert (<= X_0 1)))", r"unbalanced '\)'"),
    "unknown command": ("(define-fun f () Real 1)", r"unsupported command \(define-fun f \(\) Real 1\)"),
}


@pytest.mark.parametrize("case", BAD)
def test_unsupported_or_malformed_properties_get_one_clear_error(tmp_path, case):
    body, message = BAD[case]
    path = write(tmp_path, HEADER + body, "bad.vnnlib")
    with pytest.raises(DomainError, match=message) as info:
        read_vnnlib(path)
    assert "bad.vnnlib" in str(info.value)


def test_bad_declarations(tmp_path):
    with pytest.raises(DomainError, match=r"inputs must be X_0 \.\.\. X_\(n-1\), got \['X_0', 'X_2'\]"):
        read_vnnlib(write(tmp_path, "(declare-const X_0 Real)(declare-const X_2 Real)"))
    with pytest.raises(DomainError, match=r"declare-const Z_0"):
        read_vnnlib(write(tmp_path, "(declare-const Z_0 Real)"))
    with pytest.raises(DomainError, match=r"declare-const X_0 .*sort Real"):
        read_vnnlib(write(tmp_path, "(declare-const X_0 Int)"))


def test_empty_side_and_dimension_mismatch(tmp_path):
    flat = write(tmp_path, HEADER + "(assert (= X_0 0)) (assert (<= -1 X_1 1))")
    assert read_vnnlib(flat).lower == (0, -1)
    with pytest.raises(DomainError, match=r"box side 0 is \[0, 0\]"):
        parse_domain(str(flat), 2)
    with pytest.raises(DomainError, match=r"declares 2 inputs X_i but the network takes 3"):
        parse_domain(str(write(tmp_path, PROPERTY)), 3)
    with pytest.raises(DomainError, match=r"cannot read VNN-LIB file .*absent.vnnlib"):
        parse_domain(str(tmp_path / "absent.vnnlib"), 2)


def test_bad_property_at_the_cli_is_one_line_and_exit_2(tmp_path, capsys):
    net = naive.build([naive.spec_layer([[1, 0], [0, 1]], [0, 0], "relu")])
    save_json(net, tmp_path / "net.json")
    path = write(tmp_path, HEADER + BAD["disjunction over inputs"][0], "bad.vnnlib")
    assert main(["count", str(tmp_path / "net.json"), "--domain", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "DomainError" in err[0] and "disjunction" in err[0]
