"""The command line's figure and table outputs: `regionscope plot`, `count --csv`, `count --latex`."""
import csv
import io
import json
from pathlib import Path

import pytest

from analyzer.cli import main

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "networks" / "small_relu.json")


def _json_count(capsys, domain):
    assert main(["count", EXAMPLE, "--json", "--domain", domain]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("domain, extra", [("box:-2,2", []), ("box:-2,2", ["--color", "linear"]),
                                           ("box:-2,2", ["--layers"]), ("segment:-2,-1;2,1", []),
                                           ("all", [])])
def test_plot_writes_a_figure(tmp_path, capsys, domain, extra):
    out = tmp_path / "figure.png"
    assert main(["plot", EXAMPLE, "--domain", domain, "-o", str(out), *extra]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 1000


def test_plot_refuses_a_three_dimensional_domain(tmp_path, capsys):
    assert main(["plot", EXAMPLE, "--domain", "all", "-o", str(tmp_path / "x.png")]) == 0  # 2-D input: fine
    net = tmp_path / "net3.json"
    net.write_text(json.dumps({"layers": [{"weights": [[1, 0, 0]], "bias": [0], "activation": "relu"}]}))
    assert main(["plot", str(net), "-o", str(tmp_path / "y.png")]) == 2
    assert "3-D" in capsys.readouterr().err


def test_csv_matches_the_json_counts(capsys):
    expected = _json_count(capsys, "box:-1,1")
    assert main(["count", EXAMPLE, "--csv", "--domain", "box:-1,1"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 1
    row = rows[0]
    for key in ("activation_regions", "linear_regions", "bounded_regions"):
        assert int(row[key]) == expected[key]
    assert [int(row[f"per_layer_{i}"]) for i in (1, 2)] == expected["per_layer"]
    assert len(row["network_sha256"]) == 64 and row["decided_by"].startswith("certified float path")
    assert main(["count", EXAMPLE, "--csv", "--domain", "box:-1,1", "--exact"]) == 0
    exact_row = next(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert exact_row["decided_by"] == "exact engine, every LP in rational arithmetic"


def test_latex_table_is_balanced_and_carries_the_counts(capsys):
    expected = _json_count(capsys, "all")
    assert main(["count", EXAMPLE, "--latex"]) == 0
    text = capsys.readouterr().out
    assert text.count(r"\begin{") == text.count(r"\end{")
    assert r"\toprule" in text and r"\midrule" in text and r"\bottomrule" in text
    assert f"Activation regions & {expected['activation_regions']}" in text


def test_polyline_pieces_match_a_hand_count():
    """One ReLU unit relu(x): the path (-1,0) -> (1,0) -> (1,1) -> (-1,1) crosses x = 0 twice, so it
    has 3 pieces (x<0, then x>0 along two segments joined at a corner, then x<0 again); a path that
    turns back at (1,0) without crossing again, (-1,0) -> (1,0) -> (2,0), has 2."""
    from analyzer.enumerate import count_along_polyline
    from analyzer.network import layer, network
    net = network([layer([[1, 0]], [0], "relu"), layer([[1]], [0], "identity")])
    assert count_along_polyline(net, [(-1, 0), (1, 0), (1, 1), (-1, 1)]) == 3
    assert count_along_polyline(net, [(-1, 0), (1, 0), (2, 0)]) == 2


def test_numpy_corners_are_accepted_and_scalars_rejected():
    import numpy as np

    from analyzer.domain import ball, box
    from analyzer.errors import DomainError
    assert box(np.zeros(2), np.ones(2)).description == "box:0:1,0:1"
    assert ball(np.zeros(2), 1).description == "ball:0,0;1"
    for bad in (lambda: box(0, 1), lambda: ball(0, 1), lambda: box([], [])):
        with pytest.raises(DomainError):
            bad()


# --- refusals: exit 2, one line naming the problem --------------------------------------------------

def assert_refused(capsys, argv, *words):
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    message = captured.err.strip()
    assert len(message.splitlines()) == 1, message
    for word in words:
        assert word in message, (word, message)


@pytest.mark.parametrize("formats", [["--json", "--csv"], ["--csv", "--latex"], ["--json", "--latex"],
                                     ["--json", "--csv", "--latex"]])
def test_count_refuses_two_output_formats(capsys, formats):
    assert_refused(capsys, ["count", EXAMPLE, *formats], *formats, "one output format")


def test_bounds_refuses_two_output_formats(capsys):
    assert_refused(capsys, ["bounds", "2-8-8-1", "--json", "--latex"], "--json", "--latex")


@pytest.mark.parametrize("limit", ["nan", "inf", "-inf", "-1", "0"])
def test_count_refuses_a_time_limit_that_is_no_duration(capsys, limit):
    assert_refused(capsys, ["count", EXAMPLE, f"--time-limit={limit}"], "--time-limit", limit.lstrip("-"))


@pytest.mark.parametrize("option, value", [("--max-regions", "0"), ("--max-regions", "-3"), ("--workers", "0")])
def test_count_refuses_other_limits_below_one(capsys, option, value):
    assert_refused(capsys, ["count", EXAMPLE, option, value], option, value)


def test_unreachable_scheduler_is_one_error(capsys, monkeypatch):
    """Port 1 on the loopback has no listener: the connection is refused until the timeout."""
    from analyzer import cluster
    monkeypatch.setattr(cluster.check_scheduler, "__defaults__", (2.0,))
    assert_refused(capsys, ["count", EXAMPLE, "--scheduler", "tcp://127.0.0.1:1"], "cannot reach", "127.0.0.1:1")


def test_scheduler_without_workers_is_one_error(capsys, monkeypatch):
    distributed = pytest.importorskip("distributed")
    from analyzer import cluster
    monkeypatch.setattr(cluster.check_scheduler, "__defaults__", (1.0,))
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as empty:
        capsys.readouterr()  # what starting the cluster printed (e.g. a warning about a busy port) is not ours
        assert_refused(capsys, ["count", EXAMPLE, "--scheduler", empty.scheduler_address], "no workers")


# --- construct and count report in the theorem's unit ----------------------------------------------

def test_construct_prints_the_file_it_wrote(tmp_path, capsys):
    """numpy adds .npz to a name without it: the message names that file."""
    target = tmp_path / "s.txt"
    assert main(["construct", "montufar", "-o", str(target)]) == 0
    out = capsys.readouterr().out
    written = tmp_path / "s.txt.npz"
    assert written.exists() and not target.exists()
    assert f"wrote montufar(n0=2, widths=[4, 4, 3]) to {written}:" in out
    # the default [4, 4, 3] with n0 = 2: (4 // 2)^2 (4 // 2)^2 gp(3, 2) = 16 * 7 = 112, in linear regions
    assert "expected linear regions == 112" in out


def test_count_compares_montufar_lower_bound_with_the_linear_count(tmp_path, capsys):
    model = tmp_path / "m.json"
    assert main(["construct", "montufar", "--widths", "4,3", "-o", str(model)]) == 0
    capsys.readouterr()
    assert main(["count", str(model), "--domain", "box:0,1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    row = next(r for r in data["bounds"] if r["name"] == "Montufar et al. 2014 lower bound")
    # (4 // 2)^2 gp(3, 2) = 4 * 7 = 28 linear regions, attained on the unit square
    assert (row["value"], row["counts"], row["compared_counts"], row["compared_with"]) == \
        (28, "linear regions", "linear regions", 28)
    assert data["linear_regions"] == 28
    assert main(["count", str(model), "--domain", "box:0,1", "--json", "--count-only"]) == 0
    data = json.loads(capsys.readouterr().out)
    row = next(r for r in data["bounds"] if r["name"] == "Montufar et al. 2014 lower bound")
    assert row["compared_with"] is None and "not counted" in row["verdict"]
