"""analyzer/nnet.py: .nnet files read exactly, their normalisation, their input box, and bad files.

Expected values are computed by hand in the comments (the forward pass of the tiny network, the
normalised box, its regions), or by a second route (the normalisation folded into the first layer by
hand, counted on the raw box).
"""
from __future__ import annotations

from fractions import Fraction as F

import pytest

from analyzer.cli import main
from analyzer.domain import box
from analyzer.enumerate import count_regions, enumerate_regions
from analyzer.errors import DomainError, ModelFileError
from analyzer.loaders import load
from analyzer.network import forward, layer, network
from analyzer.nnet import NNet, read_nnet

# 2 inputs, a hidden ReLU layer of 3, one output. Raw inputs x; the network sees
# x' = ((x1 - 1) / 2, (x2 + 2) / 4); its output y' is de-normalised as 10 y' + 5.
TINY = """\
// a tiny network for the tests
// second header line
2,2,1,3,
2,3,1,
0,
-1,-6,
3,2,
1,-2,5,
2,4,10,
1,2,
3,-1,
0.5,2.5e-01,
1,
0,
-1,
1,1,-1,
0.5,
"""


def write(tmp_path, text: str, name: str = "net.nnet"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_tiny_file_is_read_exactly(tmp_path):
    nnet = read_nnet(write(tmp_path, TINY))
    first, last = nnet.network.layers
    assert first.weights == ((1, 2), (3, -1), (F(1, 2), F(1, 4)))  # 2.5e-01 is exactly 1/4
    assert first.bias == (1, 0, -1) and str(first.activation) == "relu"
    assert last.weights == ((1, 1, -1),) and last.bias == (F(1, 2),) and str(last.activation) == "identity"
    assert (nnet.input_min, nnet.input_max) == ((-1, -6), (3, 2))
    assert (nnet.input_mean, nnet.input_range) == ((1, -2), (2, 4))
    assert (nnet.output_mean, nnet.output_range) == (5, 10)
    assert nnet.header == ("a tiny network for the tests", "second header line")
    assert load(tmp_path / "net.nnet") == nnet.network


def test_decimals_are_exact_rationals_not_doubles(tmp_path):
    text = TINY.replace("0.5,2.5e-01,", "0.1,1e-3,")
    (first, _) = read_nnet(write(tmp_path, text)).network.layers
    assert first.weights[2] == (F(1, 10), F(1, 1000))
    assert F(1, 10) != F(0.1)  # the double 0.1 is another number


def test_forward_pass_by_hand(tmp_path):
    # x = (3, 2): x' = ((3 - 1)/2, (2 + 2)/4) = (1, 1);
    # z = (1 + 1 + 2, 0 + 3 - 1, -1 + 1/2 + 1/4) = (4, 2, -1/4), ReLU (4, 2, 0);
    # y' = 4 + 2 - 0 + 1/2 = 13/2, raw output 10 * 13/2 + 5 = 70.
    nnet = read_nnet(write(tmp_path, TINY))
    x = nnet.normalise([3, 2])
    assert x == (1, 1)
    out, pattern = forward(nnet.network, x)
    assert out == (F(13, 2),) and pattern == ((1, 1, 0), ())
    assert nnet.denormalise(out) == (70,)
    # x = (0, -1/2): x' = (-1/2, 3/8); z = (1 - 1/2 + 3/4, -3/2 - 3/8, -1 - 1/4 + 3/32) = (5/4, -15/8, -37/32);
    # y' = 5/4 + 1/2 = 7/4, raw 10 * 7/4 + 5 = 45/2.
    x = nnet.normalise([0, F(-1, 2)])
    assert x == (F(-1, 2), F(3, 8))
    out, pattern = forward(nnet.network, x)
    assert out == (F(7, 4),) and pattern == ((1, 0, 0), ()) and nnet.denormalise(out) == (F(45, 2),)


def test_input_box_is_the_normalised_min_max_box(tmp_path):
    nnet = read_nnet(write(tmp_path, TINY))
    # [-1, 3] -> [(-1 - 1)/2, (3 - 1)/2] = [-1, 1]; [-6, 2] -> [(-6 + 2)/4, (2 + 2)/4] = [-1, 1]
    assert nnet.input_box().region == box([-1, -1], [1, 1]).region
    assert nnet.input_box().description == "box:-1:1,-1:1"
    # a negative range flips the interval: [0, 4] with mean 1, range -2 -> [(4 - 1)/-2, (0 - 1)/-2] = [-3/2, 1/2]
    flipped = NNet(nnet.network, (0, 0), (4, 1), (1, 0), (-2, 1), F(0), F(1))
    assert flipped.input_box().region == box([F(-3, 2), 0], [F(1, 2), 1]).region


def test_count_on_the_input_box_by_hand_and_in_raw_coordinates(tmp_path):
    nnet = read_nnet(write(tmp_path, TINY))
    # On [-1, 1]^2 (normalised): z1 = 1 + x1 + 2 x2 and z2 = 3 x1 - x2 both cross the square and meet at
    # (-1/7, -3/7) inside it; z3 = -1 + x1/2 + x2/4 <= -1/4 there (never on). So 4 regions.
    assert count_regions(nnet.network, nnet.input_box())[0] == 4
    # The same network on raw inputs, normalisation folded into the first layer by hand:
    # z = W ((x - m) / r) + b = (W / r) x + (b - W m / r), with m = (1, -2), r = (2, 4).
    raw_first = layer([[F(1, 2), F(1, 2)], [F(3, 2), F(-1, 4)], [F(1, 4), F(1, 16)]],
                      [1 - F(1, 2) + 1, 0 - F(3, 2) - F(1, 2), -1 - F(1, 4) + F(1, 8)], "relu")
    raw = network([raw_first, nnet.network.layers[1]])
    for x in ([3, 2], [0, F(-1, 2)], [F(7, 3), F(-5, 2)]):
        assert forward(raw, x) == forward(nnet.network, nnet.normalise(x))
    raw_regions = enumerate_regions(raw, box(nnet.input_min, nnet.input_max))
    normalised = enumerate_regions(nnet.network, nnet.input_box())
    assert (raw_regions.activation_regions, raw_regions.linear_regions) == (4, 4)
    assert sorted(r.pattern for r in raw_regions) == sorted(r.pattern for r in normalised)


def test_cli_counts_in_normalised_inputs_and_says_so(tmp_path, capsys):
    import json
    path = write(tmp_path, TINY)
    assert main(["count", str(path), "--domain", "input-box", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["activation_regions"] == 4 and result["domain"] == "box:-1:1,-1:1"
    assert "normalised" in result["provenance"]["inputs"]
    assert "input box" in result["provenance"]["domain_source"]
    assert main(["count", str(path), "--domain", "box:-1,1"]) == 0
    out = capsys.readouterr().out
    assert "normalised" in out and "activation regions  4" in out


def test_cli_input_box_needs_a_nnet_model(tmp_path, capsys):
    from analyzer.loaders import save_json
    save_json(read_nnet(write(tmp_path, TINY)).network, tmp_path / "net.json")
    assert main(["count", str(tmp_path / "net.json"), "--domain", "input-box"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "input-box" in err[0] and "net.json" in err[0]


def lines_replaced(number: int, new: str | None) -> str:
    """TINY with its line ``number`` (1-based) replaced (None: removed)."""
    lines = TINY.splitlines()
    if new is None:
        del lines[number - 1]
    else:
        lines[number - 1] = new
    return "\n".join(lines) + "\n"


BAD = {
    "truncated": ("\n".join(TINY.splitlines()[:-1]) + "\n", r"ends after line 16, before bias 1 of the 1 of layer 2"),
    "empty": ("", r"ends after line 0, before the sizes line"),
    "header only": ("// nothing\n", r"ends after line 1, before the sizes line"),
    "row too long": (lines_replaced(10, "1,2,7,"), r"line 10 has 3 values, expected 2 \(row 1 of the 3 x 2 weights"),
    "row too short": (lines_replaced(16, "1,1,"), r"line 16 has 2 values, expected 3 \(row 1 of the 1 x 3 weights of layer 2"),
    "too few means": (lines_replaced(8, "1,-2,"), r"line 8 has 2 values, expected 3 \(the 3 means"),
    "trailing numbers": (TINY + "7,\n", r"line 18 follows the last bias"),
    "non-numeric weight": (lines_replaced(11, "3,abc,"), r"line 11: 'abc' is not a finite number"),
    "nan weight": (lines_replaced(11, "3,nan,"), r"line 11: 'nan' is not a finite number"),
    "non-integer size": (lines_replaced(4, "2,3.5,1,"), r"line 4: 7/2 is not an integer"),
    "sizes disagree": (lines_replaced(4, "3,3,1,"), r"layer sizes \[3, 3, 1\] do not run from the 2 inputs"),
    "no layers": (lines_replaced(3, "0,2,1,3,"), r"at least one layer, got 0"),
    "zero range": (lines_replaced(9, "2,0,10,"), r"the range of input 1 is 0"),
    "zero output range": (lines_replaced(9, "2,4,0,"), r"the range of the outputs is 0"),
    "min above max": (lines_replaced(7, "3,-7,"), r"input 1 has minimum -6 above its maximum -7"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_files_get_one_clear_error(tmp_path, case):
    text, message = BAD[case]
    path = write(tmp_path, text, "bad.nnet")
    with pytest.raises(ModelFileError, match=message) as info:
        read_nnet(path)
    assert "bad.nnet" in str(info.value) and isinstance(info.value, ValueError)


def test_bad_file_at_the_cli_is_one_line_and_exit_2(tmp_path, capsys):
    path = write(tmp_path, BAD["row too long"][0], "bad.nnet")
    assert main(["count", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "ModelFileError" in err[0] and "line 10" in err[0]


def test_missing_file(tmp_path):
    with pytest.raises(ModelFileError, match="absent.nnet"):
        read_nnet(tmp_path / "absent.nnet")
    with pytest.raises(ModelFileError, match="does not exist"):
        load(tmp_path / "absent.nnet")


def test_degenerate_input_box_is_a_domain_error(tmp_path):
    nnet = read_nnet(write(tmp_path, lines_replaced(7, "-1,2,")))  # min = max = -1 for input 0
    with pytest.raises(DomainError, match="side 0"):
        nnet.input_box()
