"""analyzer/provenance.py: where a count came from.

The hashes are compared with each other (same exact network, same hash; any change, a new one),
the version with pyproject.toml, the date with the clock around the call.
"""
from __future__ import annotations

import re
import tomllib
from datetime import datetime, timedelta, timezone
from fractions import Fraction as F
from pathlib import Path

from analyzer.domain import box, polytope, segment
from analyzer.network import layer, network
from analyzer.provenance import domain_sha256, network_sha256, provenance, tool_version

ROOT = Path(__file__).resolve().parents[2]
SQUARE = box([-1, -1], [1, 1])


def test_provenance_hash_follows_the_exact_weights():
    base = network([layer([[1, "1/2"], [0, -1]], [0, "1/3"], "relu"), layer([[1, 1]], [0], "identity")])
    same = network([layer([[1.0, 0.5], [F(0), -1]], [0, F(1, 3)], "relu"), layer([[1, 1]], ["0"], "identity")])
    nudged = network([layer([[1, "1/2"], [0, -1]], [0, "1/3"], "relu"), layer([[1, "1000001/1000000"]], [0],
                                                                               "identity")])
    other_act = network([layer([[1, "1/2"], [0, -1]], [0, "1/3"], "abs"), layer([[1, 1]], [0], "identity")])
    assert network_sha256(base) == network_sha256(same)
    assert len({network_sha256(n) for n in (base, nudged, other_act)}) == 3
    p = provenance(base, SQUARE, exact=False, seconds=0.25)
    q = provenance(same, SQUARE, exact=True, seconds=1)
    assert p["network_sha256"] == q["network_sha256"] and re.fullmatch("[0-9a-f]{64}", p["network_sha256"])
    assert provenance(nudged, SQUARE, False, 0)["network_sha256"] != p["network_sha256"]
    assert "default engine" in p["decided_by"] and "rational arithmetic" in q["decided_by"]
    from analyzer.regions import Path
    assert provenance(base, SQUARE, False, 0, path=Path.FLOAT)["decided_by"].startswith("certified float path")
    assert p["domain"] == SQUARE.description and p["architecture"] == "2-2-1" and p["seconds"] == 0.25
    assert p["tool"] == "regionscope"
    assert provenance(base, box([-1, -1], [1, 2]), False, 0)["domain_sha256"] != p["domain_sha256"]


def test_a_float_weight_hashes_as_its_binary_rational_not_its_decimal():
    """0.1 is the double 3602879701896397 / 2^55, not 1/10: two different networks, two hashes."""
    as_float = network([layer([[0.1]], [0], "relu")])
    as_text = network([layer([["1/10"]], [0], "relu")])
    as_binary = network([layer([[F(3602879701896397, 2 ** 55)]], [0], "relu")])
    assert network_sha256(as_float) == network_sha256(as_binary) != network_sha256(as_text)


def test_domains_with_one_description_hash_apart():
    """Two triangles both described as 'polytope:3 rows': the description cannot tell them apart,
    the hash of their exact forms does."""
    a = polytope([[0, 1, 0], [0, 0, 1], [1, -1, -1]])
    b = polytope([[0, 1, 0], [0, 0, 1], [2, -1, -1]])
    assert a.description == b.description
    assert domain_sha256(a) != domain_sha256(b)
    assert domain_sha256(a) == domain_sha256(polytope([[0, 2, 0], [0, 0, 3], ["1/2", "-1/2", "-1/2"]]))


def test_a_segment_hashes_by_its_ends():
    assert domain_sha256(segment([0, 0], [1, 1])) != domain_sha256(segment([0, 0], [1, 2]))
    assert domain_sha256(segment([0, 0], [1, 1])) == domain_sha256(segment([0, 0], ["1", "1.0"]))


def test_version_is_the_distribution_version():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert tool_version() == declared


def test_date_is_utc_now_and_seconds_are_rounded():
    before = datetime.now(timezone.utc).replace(microsecond=0)
    p = provenance(network([layer([[1]], [0], "relu")]), box([0], [1]), exact=False, seconds=1 / 3)
    after = datetime.now(timezone.utc)
    stamp = datetime.fromisoformat(p["date"])
    assert p["date"].endswith("Z") and stamp.utcoffset() == timedelta(0)
    assert before <= stamp <= after
    assert p["seconds"] == 0.333333
    assert p["domain_kind"] == box([0], [1]).kind.value


def test_the_provenance_says_how_the_model_numbers_were_read(tmp_path, capsys):
    """docs/formats.md, Numbers: a JSON number 0.1 is a binary float, the string "0.1" is 1/10.
    Each file below is written with the kinds of entries named in its expected value."""
    import json

    import numpy as np

    from analyzer.cli import main
    from analyzer.loaders import save_npz
    from analyzer.provenance import number_reading

    def json_model(name, w, b):
        path = tmp_path / name
        path.write_text(json.dumps({"layers": [{"weights": [[w, 1]], "bias": [b]}]}))
        return path
    assert number_reading(json_model("floats.json", 0.1, 0)) == "binary floats"
    assert number_reading(json_model("strings.json", "0.1", 0)) == "decimal strings"
    assert number_reading(json_model("both.json", 0.1, "1/3")) == "binary floats and decimal strings"
    assert number_reading(json_model("ints.json", 2, -1)) == "integers"
    np.savez(tmp_path / "floats.npz", W1=np.array([[0.5, 0.1]]), b1=np.array([0.0]))
    assert number_reading(tmp_path / "floats.npz") == "binary floats"
    save_npz(network([layer([["1/3", 1]], [0], "relu")]), tmp_path / "strings.npz")  # rational strings
    assert number_reading(tmp_path / "strings.npz") == "decimal strings"
    np.savez(tmp_path / "ints.npz", W1=np.array([[1, 2]]), b1=np.array([3]))
    assert number_reading(tmp_path / "ints.npz") == "integers"
    assert number_reading("acas.nnet") == "decimal strings"  # decimal text, by the format
    assert number_reading("model.onnx") == "binary floats"
    assert "numbers" not in provenance(network([layer([[1]], [0], "relu")]), SQUARE, False, 0)

    assert main(["count", str(json_model("cli.json", 0.1, "0.1")), "--domain", "box:-1,1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["provenance"]["numbers"] == "binary floats and decimal strings"
