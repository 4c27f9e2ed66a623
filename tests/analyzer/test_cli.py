"""analyzer/cli.py: the ``regionscope count`` command."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

import naive
from analyzer.cli import main
from analyzer.loaders import save_json, save_npz

# ReLU units x, y, x + y - 1 and output h1 + h2 (weight 0 on the third unit).
# Over R^2: 3 generic lines, 7 regions, 1 bounded (the triangle x, y > 0, x + y < 1); the output
# ignores the third line, so the linear regions are the 4 quadrants.
# In [-1, 1]^2: x = 0 and y = 0 make 4 quadrant squares; x + y = 1 runs from (1, 0) to (0, 1) and cuts
# only the square [0, 1]^2, in two: 5 regions, all bounded, 4 linear regions.
SPEC = [naive.spec_layer([[1, 0], [0, 1], [1, 1]], [0, 0, -1], "relu"),
        naive.spec_layer([[1, 1, 0]], [0], "identity")]


@pytest.fixture
def model_files(tmp_path):
    net = naive.build(SPEC)
    paths = {"npz": tmp_path / "net.npz", "json": tmp_path / "net.json"}
    save_npz(net, paths["npz"])
    save_json(net, paths["json"])
    return paths


def run_json(capsys, argv):
    code = main(argv)
    out = capsys.readouterr().out
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


@pytest.mark.parametrize("kind", ["npz", "json"])
def test_count_json_in_a_box(capsys, model_files, kind):
    result = run_json(capsys, ["count", str(model_files[kind]), "--json", "--domain", "box:-1,1"])
    for key in ("activation_regions", "linear_regions", "bounded_regions", "input_dim"):
        assert type(result[key]) is int, key
    assert isinstance(result["per_layer"], list)
    assert isinstance(result["domain"], str) and result["domain"].startswith("box")
    assert result["activation_regions"] == 5
    assert result["linear_regions"] == 4
    assert result["bounded_regions"] == 5
    assert result["per_layer"] == [5]
    assert result["input_dim"] == 2


def test_count_json_over_the_plane_and_file_formats_agree(capsys, model_files):
    a = run_json(capsys, ["count", str(model_files["npz"]), "--json"])
    b = run_json(capsys, ["count", str(model_files["json"]), "--json", "--exact"])
    for result in (a, b):
        assert (result["activation_regions"], result["linear_regions"], result["bounded_regions"]) == (7, 4, 1)
        assert result["per_layer"] == [7]
        assert result["domain"] == "all"
    keys = ("activation_regions", "linear_regions", "bounded_regions", "per_layer", "input_dim", "domain")
    assert {k: a[k] for k in keys} == {k: b[k] for k in keys}


def test_count_other_domains(capsys, model_files):
    path = str(model_files["json"])
    # the segment from (-1, 1/2) to (1, 1/2) crosses x = 0 and x + y = 1 (at x = 1/2): 3 pieces
    assert run_json(capsys, ["count", path, "--json", "--domain", "segment:-1,1/2;1,1/2"])["activation_regions"] == 3
    # the slice through (0,0), (1,0), (0,1) is the plane itself
    assert run_json(capsys, ["count", path, "--json", "--domain", "slice:0,0;1,0;0,1"])["activation_regions"] == 7
    # the ball of radius 1/4 around (1/4, 1/4) is [0, 1/2]^2: its interior has x, y > 0 and
    # x + y < 1 (x + y = 1 only at the corner (1/2, 1/2)): one region
    assert run_json(capsys, ["count", path, "--json", "--domain", "ball:1/4,1/4;1/4"])["activation_regions"] == 1


def test_count_text_output(capsys, model_files):
    assert main(["count", str(model_files["npz"]), "--per-layer"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"activation regions\s+7\b", out), out
    assert re.search(r"linear regions\s+4\b", out), out
    assert re.search(r"layer 1\D+7\b", out), out


def assert_fails(capsys, argv, *words):
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    message = captured.err.strip()
    assert len(message.splitlines()) == 1, message
    for word in words:
        assert word in message, (word, message)


def test_missing_model_file(capsys, tmp_path):
    assert_fails(capsys, ["count", str(tmp_path / "absent.npz")], "does not exist")


def test_bad_domain(capsys, model_files):
    assert_fails(capsys, ["count", str(model_files["npz"]), "--domain", "box:1,0"], "box")
    assert_fails(capsys, ["count", str(model_files["npz"]), "--domain", "ball:0,0,0;1"], "2 inputs")
    assert_fails(capsys, ["count", str(model_files["npz"]), "--domain", "slice:0,0;1,1;2,2"], "collinear")
    assert_fails(capsys, ["count", str(model_files["npz"]), "--domain", "donut:1"], "unknown domain")


def test_bad_model_files(capsys, tmp_path):
    path = tmp_path / "broken.npz"
    np.savez(path, W1=np.ones((2, 2)), b1=np.zeros(2), W2=np.ones((1, 2)))
    assert_fails(capsys, ["count", str(path)], "b2")
    path = tmp_path / "nan.json"
    path.write_text('{"layers": [{"weights": [[1, NaN]], "bias": [0]}]}')
    assert_fails(capsys, ["count", str(path)], "not finite")
    path = tmp_path / "shape.json"
    path.write_text(json.dumps({"layers": [{"weights": [[1, 2]], "bias": [0, 1]}]}))
    assert_fails(capsys, ["count", str(path)], "bias")


def test_count_only_in_a_box_and_along_a_segment(capsys, model_files):
    """The hand counts above: 5 regions in [-1, 1]^2 (x = 0 and y = 0 first: 4); along the segment
    from (-1, -1/2) to (1, 1/2) the lines x = 0 and y = 0 meet at the origin and x + y = 1 at
    x = 2/3: 3 pieces."""
    data = run_json(capsys, ["count", str(model_files["npz"]), "--domain", "box:-1,1", "--count-only", "--json"])
    assert (data["activation_regions"], data["per_layer"], data["complete"]) == (5, [5], True)
    assert data["linear_regions"] is None and data["bounded_regions"] is None
    data = run_json(capsys, ["count", str(model_files["npz"]), "--domain", "segment:-1,-1/2;1,1/2", "--count-only",
                             "--json", "--workers", "2"])
    assert data["activation_regions"] == 3
    assert main(["count", str(model_files["npz"]), "--domain", "box:-1,1", "--count-only"]) == 0
    assert "not counted (--count-only)" in capsys.readouterr().out


def test_count_only_refuses_what_needs_the_regions(capsys, model_files, tmp_path):
    assert_fails(capsys, ["count", str(model_files["npz"]), "--count-only", "--certificate", str(tmp_path / "c.json")],
                 "--certificate", "--count-only")


def test_count_only_partial(capsys, model_files):
    code = main(["count", str(model_files["npz"]), "--domain", "box:-1,1", "--count-only", "--max-regions", "1", "--json"])
    assert code == 4
    captured = capsys.readouterr()
    assert json.loads(captured.out)["complete"] is False and "PARTIAL" in captured.err


def dead_layer_model(tmp_path):
    """2-40-2-1 with a second layer off on [-1, 1]^2 (bias -100): hundreds of activation regions,
    one linear region (the output is the constant 0)."""
    rng = np.random.default_rng(4)
    path = tmp_path / "dead.npz"
    np.savez(path, W1=rng.normal(size=(40, 2)), b1=rng.normal(size=40) * 0.3, W2=rng.normal(size=(2, 40)),
             b2=np.array([-100.0, -100.0]), W3=rng.normal(size=(1, 2)), b3=np.zeros(1))
    return path


def test_the_time_limit_stops_the_merging_into_linear_regions(capsys, tmp_path, monkeypatch):
    """Each facet test made to take 0.3 s, the merging needs minutes; the run stops at the limit
    (plus the test in progress), keeps the activation counts (equal to --count-only's) and says
    the linear and bounded regions are not counted."""
    import time

    import analyzer.adjacency
    path = dead_layer_model(tmp_path)
    data = run_json(capsys, ["count", str(path), "--domain", "box:-1,1", "--json"])
    assert (data["linear_regions"], data["linear_complete"], data["complete"]) == (1, True, True)
    counted = run_json(capsys, ["count", str(path), "--domain", "box:-1,1", "--count-only", "--json"])
    assert counted["linear_complete"] is False and counted["activation_complete"] is True

    witness = analyzer.adjacency.facet_witness
    monkeypatch.setattr(analyzer.adjacency, "facet_witness", lambda *a, **k: time.sleep(0.3) or witness(*a, **k))
    started = time.monotonic()
    code = main(["count", str(path), "--domain", "box:-1,1", "--json", "--time-limit", "8"])
    assert time.monotonic() - started < 8 + 5
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert code == 4 and "after the enumeration" in captured.err and "Traceback" not in captured.err
    assert data["activation_regions"] == counted["activation_regions"] > 256
    assert data["per_layer"] == counted["per_layer"]
    assert (data["activation_complete"], data["linear_complete"], data["bounded_complete"], data["complete"]) == (
        True, False, False, False)
    assert data["linear_regions"] is None and data["bounded_regions"] is None
    assert data["status"] == "stopped at the time limit"


def test_ctrl_c_while_merging_keeps_the_activation_counts(capsys, tmp_path, monkeypatch):
    import analyzer.adjacency

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt
    path = dead_layer_model(tmp_path)
    monkeypatch.setattr(analyzer.adjacency, "facet_witness", interrupt)
    code = main(["count", str(path), "--domain", "box:-1,1"])
    captured = capsys.readouterr()
    assert code == 4 and "Traceback" not in captured.err
    assert "PARTIAL: interrupted (after the enumeration; the activation counts are complete)" in captured.out
    assert "linear regions      unknown: not counted (interrupted)" in captured.out
    expected = main(["count", str(path), "--domain", "box:-1,1", "--count-only", "--json"])
    assert expected == 0
    activation = json.loads(capsys.readouterr().out)["activation_regions"]
    assert f"activation regions  {activation}\n" in captured.out


def test_ctrl_c_while_checking_the_bounds_keeps_the_counts(capsys, model_files, monkeypatch):
    """The hand counts of SPEC in [-1, 1]^2 (5 regions, 4 linear, 5 bounded) stand; no bound is checked."""
    import analyzer.bounds

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(analyzer.bounds, "network_bounds", interrupt)
    code = main(["count", str(model_files["npz"]), "--domain", "box:-1,1", "--json"])
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert code == 4 and "Traceback" not in captured.err and "bounds" in captured.err
    assert (data["activation_regions"], data["linear_regions"], data["bounded_regions"], data["bounds"]) == (
        5, 4, 5, None)
    assert data["complete"] is True
    assert main(["count", str(model_files["npz"]), "--domain", "box:-1,1"]) == 4
    out = capsys.readouterr().out
    assert "activation regions  5" in out and "bounds         not checked (interrupted)" in out


def _on_a_terminal(argv: list[str]) -> str:
    """What a CLI child writes when its stdout and stderr are a terminal (a pseudo-terminal)."""
    import os
    import pty
    import select
    import subprocess
    import sys
    from pathlib import Path
    leader, follower = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "analyzer.cli", *argv], stdout=follower, stderr=follower,
                             cwd=Path(__file__).resolve().parents[2])
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 300)
        try:
            chunk = os.read(leader, 65536) if ready else b""
        except OSError:  # the child closed the terminal
            chunk = b""
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert child.wait(timeout=300) == 0
    return seen.decode(errors="replace")


def test_the_progress_line_shows_the_frontier_on_a_terminal_unless_quiet(tmp_path):
    from analyzer.network import he_initialised
    model = tmp_path / "net.npz"
    save_npz(he_initialised([2, 128, 128, 128, 1], 0), model)
    argv = ["count", str(model), "--domain", "box:-1,1", "--count-only"]
    shown = _on_a_terminal(argv)
    assert re.search(r"\d+ regions found, \d+ regions/s, \d+ subtrees waiting", shown), shown[-2000:]
    assert "subtrees waiting" not in _on_a_terminal([*argv, "--quiet"])


def test_the_issue_dead_layer_net_within_a_time_limit(capsys, tmp_path):
    """Issue 16's 3-24-2-1 net whose second layer is off on the cube: one linear region (the output
    is constant), activation regions as --count-only counts them; with --time-limit 1 the run ends
    within the limit (plus slack for a loaded machine), PARTIAL or complete, cleanly."""
    import time
    rng = np.random.default_rng(0)
    path = tmp_path / "dead24.npz"
    np.savez(path, W1=rng.normal(size=(24, 3)), b1=rng.normal(size=24) * 0.3, W2=rng.normal(size=(2, 24)),
             b2=np.array([-100.0, -100.0]), W3=rng.normal(size=(1, 2)), b3=np.zeros(1))
    counted = run_json(capsys, ["count", str(path), "--domain", "box:-1,1", "--count-only", "--json"])
    full = run_json(capsys, ["count", str(path), "--domain", "box:-1,1", "--json"])
    assert (full["activation_regions"], full["linear_regions"]) == (counted["activation_regions"], 1)
    started = time.monotonic()
    code = main(["count", str(path), "--domain", "box:-1,1", "--json", "--time-limit", "1"])
    assert time.monotonic() - started < 1 + 10
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert "Traceback" not in captured.err
    if data["complete"]:
        assert code == 0 and data["linear_regions"] == 1
    else:
        assert code == 4 and ("PARTIAL" in captured.err or "not counted" in captured.err)
        assert data["linear_regions"] in (None, 1) and data["linear_complete"] is (data["linear_regions"] == 1)
