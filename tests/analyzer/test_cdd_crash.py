"""The network whose exact count crashed in libcdd (issue 14): tests/data/cdd_crash_net.npz.

A 4-2-4-2 net (relu, hardtanh, maxout:2; the third layer has two opposite units) drawn by a fuzz of
small degenerate nets. ``count_regions(..., exact=True)`` aborted in cdd.gmp's dual simplex with
"realloc(): invalid next size"; see geometry.lp.solve_exact_lp for the cause. The count runs in a child
process, so that a crash fails this test instead of ending the test run; the expected counts come from
the brute force of tests/analyzer/naive.py.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

import naive

NET = Path(__file__).resolve().parents[1] / "data" / "cdd_crash_net.npz"
CHILD = """
import json, sys
from analyzer.enumerate import count_regions, enumerate_regions
from analyzer.loaders import load
net = load(sys.argv[1])
counts = count_regions(net, exact=True)
regions = enumerate_regions(net, exact=True)
print(json.dumps({"count": counts[0], "per_layer": counts[1], "activation": regions.activation_regions,
                  "linear": regions.linear_regions, "patterns": sorted(map(repr, (r.pattern for r in regions)))}))
"""


def test_exact_count_of_the_network_that_crashed_cdd():
    with np.load(NET) as data:
        spec = [naive.spec_layer(data[f"W{i}"].tolist(), data[f"b{i}"].tolist(), str(data["activations"][i - 1]))
                for i in (1, 2, 3)]
    patterns, per_layer = naive.brute_force_patterns(spec)
    root = Path(__file__).resolve().parents[2]
    child = subprocess.run([sys.executable, "-c", CHILD, str(NET)], cwd=root, capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(root)}, timeout=300)
    assert child.returncode == 0, child.stderr
    out = json.loads(child.stdout)
    assert out["count"] == out["activation"] == len(patterns) == 32
    assert tuple(out["per_layer"]) == tuple(per_layer)
    assert out["patterns"] == sorted(map(repr, patterns))
    assert out["linear"] == naive.brute_force_linear_regions(spec) == 30
