"""Every bad input answered (issue 14): one test per row of the issue's table.

At the command line a bad input is exit code 2 and one line on stderr naming the problem and the
offending value, nothing on stdout, no traceback (``assert_fails`` of test_cli.py). In Python it is
one ``ValueError`` subclass from analyzer/errors.py or geometry/errors.py. Inputs that are not bad,
only extreme (weights of 1e308, subnormal weights), must be counted exactly.
"""
from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import naive
from analyzer.cli import PIPE_CLOSED, main
from analyzer.domain import ball, box, parse_domain, plane_slice, segment
from analyzer.enumerate import count_regions, enumerate_regions
from analyzer.errors import AnalyzerError, DomainError, ModelFileError, ShapeError, UnsupportedLayerError
from analyzer.loaders import load, save_npz
from geometry.errors import GeometryError, NonFiniteError
from test_cli import SPEC, assert_fails

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "net.npz"
    save_npz(naive.build(SPEC), path)
    return path


def test_empty_npz(capsys, tmp_path):
    path = tmp_path / "empty.npz"
    np.savez(path)
    with pytest.raises(ModelFileError, match="empty"):
        load(path)
    assert_fails(capsys, ["count", str(path)], "empty", "empty.npz")


def unwritable_folder(tmp_path) -> str | None:
    """A folder where no file can be created: a read-only one, or /sys when we are root (who writes
    anywhere else); None when there is none."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    for candidate in (str(folder), "/sys"):
        try:
            with tempfile.NamedTemporaryFile(dir=candidate):
                pass
        except OSError:
            return candidate
    return None


def test_certificate_into_a_missing_or_unwritable_folder(capsys, model, tmp_path):
    assert_fails(capsys, ["count", str(model), "--certificate", str(tmp_path / "absent" / "c.json")],
                 "--certificate", "absent", "does not exist")
    (tmp_path / "file").write_text("")
    assert_fails(capsys, ["count", str(model), "--certificate", str(tmp_path / "file" / "c.json")],
                 "--certificate", "does not exist")
    assert_fails(capsys, ["count", str(model), "--certificate", str(tmp_path)], "--certificate", "is a folder")
    # checked before anything else: a model that does not exist is not even opened
    assert_fails(capsys, ["count", str(tmp_path / "no-model.npz"), "--certificate", str(tmp_path / "absent" / "c")],
                 "--certificate")
    folder = unwritable_folder(tmp_path)
    if folder is None:
        pytest.skip("no folder here refuses new files")
    assert_fails(capsys, ["count", str(model), "--certificate", os.path.join(folder, "c.json")],
                 "--certificate", "takes no new file", folder)


@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_workers_zero_or_negative(capsys, model, value):
    assert_fails(capsys, ["count", str(model), "--workers", value], "--workers", value)


def test_truncated_or_corrupt_npz_json_of_wrong_types_and_a_folder_as_model(capsys, tmp_path):
    good = tmp_path / "good.npz"
    np.savez(good, W1=np.ones((2, 2)), b1=np.zeros(2))
    raw = good.read_bytes()
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(raw[:len(raw) // 2])
    corrupt = tmp_path / "corrupt.npz"  # a byte of W1's data flipped: the zip's CRC-32 no longer matches
    corrupt.write_bytes(raw[:100] + bytes([raw[100] ^ 0xFF]) + raw[101:])
    plain = tmp_path / "plain.npz"  # a .npy array under an npz name
    np.save(tmp_path / "plain.npy", np.ones(3))
    plain.write_bytes((tmp_path / "plain.npy").read_bytes())
    for path, words in [(truncated, ["not a zip archive"]), (corrupt, ["CRC"]), (plain, ["not a zip archive"])]:
        with pytest.raises(ModelFileError):
            load(path)
        assert_fails(capsys, ["count", str(path)], path.name, *words)
    wrong = {
        "list.json": ([1, 2], "holds a list"),
        "nolayers.json": ({"net": []}, "no 'layers'"),
        "layer-number.json": ({"layers": [7]}, "layer 1 is 7"),
        "string-weights.json": ({"layers": [{"weights": "abc", "bias": [0]}]}, "'abc'"),
        "string-bias.json": ({"layers": [{"weights": [[1]], "bias": "0"}]}, "'0'"),
        "null-weights.json": ({"layers": [{"weights": None, "bias": [0]}]}, "NoneType"),
        "nested.json": ({"layers": [{"weights": [[1, [2]]], "bias": [0]}]}, "[2]"),
        "boolean.json": ({"layers": [{"weights": [[True]], "bias": [0]}]}, "True"),
        "activation.json": ({"layers": [{"weights": [[1]], "bias": [0], "activation": 3}]}, "3"),
    }
    for name, (data, word) in wrong.items():
        (tmp_path / name).write_text(json.dumps(data))
        with pytest.raises((AnalyzerError, GeometryError)):  # the project's errors, ValueErrors both
            load(tmp_path / name)
        assert_fails(capsys, ["count", str(tmp_path / name)], word)
    (tmp_path / "binary.json").write_bytes(b"\x9b\xff\x00")
    assert_fails(capsys, ["count", str(tmp_path / "binary.json")], "binary.json", "utf-8")
    for folder in (tmp_path / "folder", tmp_path / "folder.npz"):
        folder.mkdir()
        with pytest.raises(ModelFileError, match="folder"):
            load(folder)
        assert_fails(capsys, ["count", str(folder)], folder.name, "is a folder")


def test_nan_inf_weights_mismatched_shapes_unknown_activation_maxout_rows(capsys, tmp_path):
    for value in (np.nan, np.inf, -np.inf):
        path = tmp_path / "nonfinite.npz"
        np.savez(path, W1=np.array([[1.0, value]]), b1=np.zeros(1))
        with pytest.raises(NonFiniteError):
            load(path)
        assert_fails(capsys, ["count", str(path)], "not finite", str(value))
    cases = [
        ({"layers": [{"weights": [[1, 2]], "bias": [0, 1]}]}, ShapeError, ["1 rows", "2 entries"]),
        ({"layers": [{"weights": [[1, 2], [3]], "bias": [0, 1]}]}, ShapeError, ["lengths 2 and 1"]),
        ({"layers": [{"weights": [[1, 2]], "bias": [0]}, {"weights": [[1, 2, 3]], "bias": [0]}]}, ShapeError,
         ["layer 2 takes 3 inputs", "layer 1 gives 1"]),
        ({"layers": [{"weights": [[1, 2]], "bias": [0], "activation": "swish"}]}, UnsupportedLayerError,
         ["'swish'"]),
        ({"layers": [{"weights": [[1, 2]] * 3, "bias": [0] * 3, "activation": "maxout:2"}]}, ShapeError,
         ["maxout:2", "got 3"]),
    ]
    for data, error, words in cases:
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(data))
        with pytest.raises(error):
            load(path)
        assert_fails(capsys, ["count", str(path)], *words)


def test_bad_boxes_wrong_dimension_and_malformed_domains(capsys, model):
    for lower, upper in [([1, 0], [0, 1]), ([0, 0], [0, 1])]:
        with pytest.raises(DomainError, match="lower end must be below"):
            box(lower, upper)
    with pytest.raises(DomainError, match="3 inputs"):
        parse_domain("box:0:1,0:1", 3)
    cases = {"box:1,0": "[1, 0]", "box:0,0": "[0, 0]", "box:0:1": "R^1", "ball:0,0,0;1": "R^3",
             "box:0:1:2,0:1": "box:0:1:2,0:1", "box:a,b": "'a'", "ball:0,0": "ball:0,0", "segment:0,0": "two points",
             "slice:0,0;1,0": "three points", "donut": "unknown domain", "": "unknown domain"}
    for text, word in cases.items():
        with pytest.raises(DomainError):
            parse_domain(text, 2)
        assert_fails(capsys, ["count", str(model), "--domain", text], word)


def test_segment_with_equal_ends_collinear_slice_and_ball_radius(capsys, model):
    with pytest.raises(DomainError, match="coincide"):
        segment([1, 2], [1, 2])
    with pytest.raises(DomainError, match="collinear"):
        plane_slice([0, 0, 0], [1, 1, 1], [2, 2, 2])
    for radius in (0, -1):
        with pytest.raises(DomainError, match=f"got {radius}"):
            ball([0, 0], radius)
    assert_fails(capsys, ["count", str(model), "--domain", "segment:1,2;1,2"], "coincide")
    assert_fails(capsys, ["count", str(model), "--domain", "slice:0,0;1,1;2,2"], "collinear")
    assert_fails(capsys, ["count", str(model), "--domain", "ball:0,0;0"], "positive", "got 0")
    assert_fails(capsys, ["count", str(model), "--domain", "ball:0,0;-1/2"], "got -1/2")


@pytest.mark.parametrize("flag, value", [("--max-regions", "0"), ("--max-regions", "-5"), ("--time-limit", "-1"),
                                         ("--time-limit", "nan"), ("--time-limit", "soon")])
def test_budgets_zero_or_negative(capsys, model, flag, value):
    assert_fails(capsys, ["count", str(model), flag, value], flag, value)


def test_verify_given_a_network_or_another_programs_json(capsys, model, tmp_path):
    """The verifier's verdict is its own (tests/analyzer/test_certificate.py); here: one line, no
    traceback, and not VERIFIED."""
    network_json = tmp_path / "net.json"
    main(["construct", "sawtooth", "--depth", "2", "-o", str(network_json)])
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"name": "another program", "version": 3, "data": [1, 2]}))
    capsys.readouterr()
    for path in (model, network_json, other):
        code = main(["verify", str(path)])
        captured = capsys.readouterr()
        lines = (captured.out + captured.err).strip().splitlines()
        assert code in (1, 2) and len(lines) == 1 and not lines[0].startswith("VERIFIED"), lines


@pytest.mark.parametrize("arch, word", [("2-x-3", "cannot read"), ("2--3", "cannot read"), ("", "cannot read"),
                                        ("2-3", "hidden width"), ("2-0-1", "at least 1")])
def test_architecture_strings_for_bounds(capsys, arch, word):
    assert_fails(capsys, ["bounds", arch], "architecture", repr(arch), word)


# --- extreme but valid weights ------------------------------------------------------------------
# A positive factor c on a ReLU layer's weights and bias scales its pre-activations by c, and ReLU
# is positively homogeneous (relu(c z) = c relu(z)); with zero biases after the first layer, the
# factors multiply through every later layer. So the scaled net has exactly the activation patterns
# and linear regions of the unscaled one, whose counts come from tests/analyzer/naive.py's brute
# force. Weights are -1, 0 or 1 times 1e308 or 5e-324 (= 2^-1074, the least subnormal), all exact.

NETS = {
    2: ([[1, 0], [0, 1], [1, 1], [1, -1]], [0, 0, -1, 1], [[1, -1, 1, 0], [0, 1, -1, 1], [-1, 0, 1, 1]]),
    3: ([[1, 0, 0], [0, 1, -1], [1, 1, 1], [0, 1, 1]], [0, 1, -1, 0], [[1, -1, 1, 0], [0, 1, -1, 1]]),
    1: ([[1], [-1], [1], [1]], [0, 1, 1, -1], [[1, -1, 1, 0], [0, 1, -1, 1], [1, 1, 0, -1]]),
}


def scaled_spec(n0: int, factors: tuple[float, float, float]):
    W1, b1, W2 = NETS[n0]
    c1, c2, c3 = factors
    return [naive.spec_layer([[w * c1 for w in row] for row in W1], [b * c1 for b in b1], "relu"),
            naive.spec_layer([[w * c2 for w in row] for row in W2], [0.0] * len(W2), "relu"),
            naive.spec_layer([[c3] * len(W2)], [0.0], "identity")]


@functools.lru_cache(maxsize=None)
def expected(n0: int, bounded: bool):
    """Patterns, per-layer counts and linear regions of the unscaled net (naive brute force), over
    all of R^n0 or in the box [-2, 2]^n0."""
    forms = naive.box_forms([-2] * n0, [2] * n0) if bounded else ()
    unscaled = scaled_spec(n0, (1.0, 1.0, 1.0))
    patterns, per_layer = naive.brute_force_patterns(unscaled, forms)
    return set(patterns), per_layer, naive.brute_force_linear_regions(unscaled, forms)


@pytest.mark.parametrize("factors", [(1e308, 1e308, 1e308), (5e-324, 5e-324, 5e-324), (1e308, 5e-324, 1e308),
                                     (5e-324, 1e308, 5e-324)])
@pytest.mark.parametrize("n0", [1, 2, 3])
def test_weights_of_1e308_and_subnormal_weights_count_exactly(n0, factors):
    spec = scaled_spec(n0, factors)
    assert all(Fraction(w) == Fraction(v) * Fraction(c)  # the scaled weights are exact: no rounding
               for (W, _, _), (V, _, _), c in zip(spec, scaled_spec(n0, (1.0, 1.0, 1.0)), factors)
               for row, raw in zip(W, V) for w, v in zip(row, raw))
    net = naive.build(spec)
    for bounded in (False, True):
        domain = box([-2] * n0, [2] * n0) if bounded else None
        patterns, per_layer, linear = expected(n0, bounded)
        for exact in (False, True):
            assert count_regions(net, domain, exact=exact) == (len(patterns), per_layer)
            regions = enumerate_regions(net, domain, exact=exact)
            assert {r.pattern for r in regions} == patterns
            assert regions.linear_regions == linear


def test_weights_of_1e308_at_the_command_line(capsys, tmp_path):
    path = tmp_path / "huge.npz"
    W1, b1, W2 = NETS[2]
    np.savez(path, W1=np.array(W1) * 1e308, b1=np.array(b1) * 1e308, W2=np.array(W2) * 1e308, b2=np.zeros(3),
             W3=np.ones((1, 3)) * 1e308, b3=np.zeros(1), activations=np.array(["relu", "relu", "identity"]))
    patterns, _, _ = expected(2, False)
    for extra in ([], ["--count-only"], ["--exact"]):
        assert main(["count", str(path), "--json", *extra]) == 0
        assert json.loads(capsys.readouterr().out)["activation_regions"] == len(patterns)


@pytest.mark.parametrize("argv", [["bounds", "2-8-8-1"], ["construct", "sawtooth", "--depth", "2", "-o", "{tmp}/s.json"]])
def test_output_into_a_closed_pipe_stops_quietly(argv, tmp_path):
    """As ``regionscope ... | head`` once head has read its lines: the read end is closed before the
    command writes anything, so its first write fails (EPIPE) for certain."""
    read, write = os.pipe()
    os.close(read)
    try:
        child = subprocess.run([sys.executable, "-m", "analyzer.cli", *(a.format(tmp=tmp_path) for a in argv)],
                               cwd=ROOT, stdout=write, stderr=subprocess.PIPE, timeout=120,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        os.close(write)
    assert child.stderr == b""
    assert child.returncode == PIPE_CLOSED
