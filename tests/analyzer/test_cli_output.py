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
    assert len(row["network_sha256"]) == 64 and row["lp"] == "certified-float"


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
