"""analyzer/sweep.py: families counted by hand (three lines with x + y = t; two units coinciding at
t = 1/2; the sawtooth with a first fold of height t; concurrency at t = +-sqrt 2), and on random
families every interval's count at a rational point other than the sweep's own sample, and every
rational critical value's count, equal count_regions / enumerate_regions on the substituted net.
"""
from __future__ import annotations

import json
import random
from fractions import Fraction as F

import pytest
import sympy

from analyzer.cli import main
from analyzer.domain import all_space, box, segment
from analyzer.enumerate import count_regions, enumerate_regions
from analyzer.errors import ParameterError
from analyzer.parametric import parametric_network
from analyzer.sweep import sweep
from geometry.algebraic import RealAlgebraic, compare, rational_between
from test_parametric import random_parametric

# ReLU units x, y, x + y - t, output x - y + 2 relu(x + y - t): the output's gradient
# (s1 + 2 s3, -s2 + 2 s3) differs between any two patterns, so linear = activation regions.
# t != 0: three lines in general position, 1 + 3 + 3 = 7 regions; t = 0: three lines through the
# origin, 6 sectors.
THREE_LINES = [([[1, 0], [0, 1], [1, 1]], [0, 0, "-t"], "relu"), ([[1, -1, 2]], [0], "identity")]

# Units x + y - 1/2, x + y - t (parallel to it) and x - y: t != 1/2, two parallel lines crossed by a
# third, 6 regions; t = 1/2 the first two coincide: two crossing lines, 4. Output weights 1, 2, 4
# make every pattern's map different.
COINCIDING = [([[1, 1], [1, 1], [1, -1]], ["-1/2", "-t", 0], "relu"), ([[1, 2, 4]], [0], "identity")]

# Telgarsky's depth-2 sawtooth on [0, 1] with the first tent of height t: h = t (2 relu(x) -
# 4 relu(x - 1/2)) peaks at t, and the second fold relu(h - 1/2) is reached when t > 1/2:
#   t < 0: h < 0, both second-layer units off: 2 activation regions (x < 1/2, x > 1/2), output 0: 1 linear;
#   t = 0: h = 0, the same;
#   0 < t <= 1/2: relu(h) on, relu(h - 1/2) off: 2 activation regions, output 2h with slopes 4t, -4t: 2 linear;
#   t > 1/2: each half split where h = 1/2: 4 activation regions, slopes 4t, -4t, 4t, -4t: 4 linear.
TALL_SAWTOOTH = [([[1], [1]], [0, "-1/2"], "relu"), ([["2t", "-4t"], ["2t", "-4t"]], [0, "-1/2"], "relu"),
                 ([[2, -4]], [0], "identity")]


def counts_on(result):
    return [(i.activation_regions, i.linear_regions) for i in result.intervals]


def counts_at(result):
    return [(c.activation_regions, c.linear_regions) for c in result.at_critical]


def test_three_lines_by_hand():
    result = sweep(parametric_network(THREE_LINES), all_space(2), -1, 1)
    assert result.critical_values == (F(0),)
    assert counts_on(result) == [(7, 7), (7, 7)] and counts_at(result) == [(6, 6)]
    assert [(i.lo, i.hi) for i in result.intervals] == [(-1, 0), (0, 1)]


def test_two_units_coinciding_by_hand():
    result = sweep(parametric_network(COINCIDING), all_space(2), 0, 1)
    assert result.critical_values == (F(1, 2),)
    assert counts_on(result) == [(6, 6), (6, 6)] and counts_at(result) == [(4, 4)]


def test_tall_sawtooth_by_hand():
    result = sweep(parametric_network(TALL_SAWTOOTH), box([0], [1]), -1, 2)
    assert result.critical_values == (F(0), F(1, 2))
    assert counts_on(result) == [(2, 1), (2, 2), (4, 4)]
    assert counts_at(result) == [(2, 1), (2, 2)]


def test_concurrent_at_sqrt2_by_hand():
    """x + y = t^2 - 2 passes through the origin at t = +-sqrt 2."""
    lines = [([[1, 0], [0, 1], [1, 1]], [0, 0, "2 - t**2"], "relu"), ([[1, -1, 2]], [0], "identity")]
    result = sweep(parametric_network(lines), all_space(2), -2, 2)
    assert all(isinstance(v, RealAlgebraic) for v in result.critical_values)
    assert [result.text_of(v) for v in result.critical_values] == ["CRootOf(t**2 - 2, 0)", "CRootOf(t**2 - 2, 1)"]
    assert counts_on(result) == [(7, 7)] * 3 and counts_at(result) == [(6, 6)] * 2
    data = result.to_json()
    for entry, sign in zip(data["critical_values"], (-1, 1)):
        lo, hi = (F(v) for v in entry["enclosure"])
        assert 0 < hi - lo <= F(1, 2 ** 30)
        assert min(lo * lo, hi * hi) < 2 < max(lo * lo, hi * hi)
        assert abs(sympy.sympify(entry["value"]).evalf(30) - sign * sympy.sqrt(2).evalf(30)) < 1e-25


def test_the_json_keys():
    data = sweep(parametric_network(THREE_LINES), all_space(2), -1, 1).to_json()
    assert {"parameter", "critical_values", "intervals", "at_critical"} <= set(data)
    assert data["parameter"] == "t"
    assert data["critical_values"] == [{"value": "0", "enclosure": ["0", "0"]}]
    assert set(data["intervals"][0]) >= {"lo", "hi", "activation_regions", "linear_regions"}
    assert data["at_critical"] == [{"value": "0", "activation_regions": 6, "linear_regions": 6}]


@pytest.mark.parametrize("seed, n0, widths, acts, domain", [
    (0, 2, [3, 2], ["relu", "relu"], box([-1, -1], [1, 1])),
    (1, 2, [3], ["hardtanh"], all_space(2)),
    (2, 1, [3, 3], ["relu", "abs"], all_space(1)),
    (3, 2, [2, 2], ["maxout:2", "relu"], box([-1, -1], [1, 1])),
    (4, 3, [3, 2], ["relu", "leaky_relu:1/2"], segment([0, -1, 1], [1, 1, -1])),
])
def test_every_interval_against_the_engine(seed, n0, widths, acts, domain):
    """Each interval counted again at another rational point inside it, each rational critical value
    again, by the engine on the substituted network; merging keeps only values where a count changes."""
    rng = random.Random(seed)
    net = random_parametric(rng, n0, widths, acts)
    everything = sweep(net, domain, -1, 1, merge=False)
    result = everything.merged()
    assert all(any(compare(v, w) == 0 for w in everything.critical_values) for v in result.critical_values)
    for interval in result.intervals:
        x = rational_between(interval.sample, interval.hi)
        at = net.at(x)
        assert count_regions(at, domain)[0] == interval.activation_regions, x
        assert enumerate_regions(at, domain).linear_regions == interval.linear_regions, x
    for c in result.at_critical:
        if isinstance(c.value, F):
            regions = enumerate_regions(net.at(c.value), domain)
            assert (regions.activation_regions, regions.linear_regions) == (c.activation_regions, c.linear_regions)
    # a reported critical value differs in some count from an interval beside it
    ends = [result.intervals[0].lo, *(i.hi for i in result.intervals)]
    for c in result.at_critical:
        beside = [i for i, (a, b) in enumerate(zip(ends, ends[1:])) if compare(a, c.value) == 0 or compare(b, c.value) == 0]
        assert any((c.activation_regions, c.linear_regions) != counts_on(result)[i] for i in beside)
    # the intervals tile the range, the critical values between them
    assert result.intervals[0].lo == -1 and result.intervals[-1].hi == 1 and everything.candidates >= 1
    for left, right in zip(result.intervals, result.intervals[1:]):
        assert compare(left.hi, right.lo) == 0


def test_range_errors():
    net = parametric_network(THREE_LINES)
    with pytest.raises(ParameterError, match=r"\[1, 0\] is empty"):
        sweep(net, all_space(2), 1, 0)
    with pytest.raises(ParameterError, match="cannot read the parameter range"):
        sweep(net, all_space(2), "a", 1)


def test_cli_sweep(tmp_path, capsys):
    path = tmp_path / "lines.json"
    path.write_text(json.dumps({"layers": [{"weights": W, "bias": b, "activation": a} for W, b, a in THREE_LINES]}))
    assert main(["sweep", str(path), "--range=-1:1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["value"] for c in data["critical_values"]] == ["0"]
    assert [(i["lo"], i["hi"], i["activation_regions"]) for i in data["intervals"]] == [("-1", "0", 7), ("0", "1", 7)]
    assert main(["sweep", str(path), "--range", "0:1", "--domain", "box:-1,1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("t in [0, 1], domain box:-1:1,-1:1")
    assert main(["sweep", str(path), "--range", "1"]) == 2
    assert "use LO:HI" in capsys.readouterr().err
    assert main(["sweep", str(path), "--range", "0:1", "--param", "s"]) == 2
    assert "only symbol allowed is the parameter 's'" in capsys.readouterr().err
