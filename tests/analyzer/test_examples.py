"""examples/: every script runs with --fast and exits 0, writing its figures where --out says.

Each runs in a fresh interpreter (the test's own, so the same environment), from the project root.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.py") if not p.name.startswith("_"))


def test_the_examples_are_found():
    names = {p.stem for p in EXAMPLES}
    assert {"layered_partition", "hanin_rolnick_lines", "one_dimensional_pieces", "constructions_meet_bounds",
            "before_after_training"} <= names


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_fast(script, tmp_path):
    source = script.read_text()
    assert source.lstrip().startswith('"""'), f"{script.name} needs a module docstring"
    out = tmp_path / "out"
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, str(script), "--fast", "--out", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{script.name} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert done.stdout.strip(), f"{script.name} printed nothing"
    if "--out" in source and "torch is not installed" not in done.stdout:
        written = [p for p in out.rglob("*") if p.is_file()]
        assert written and all(p.stat().st_size > 0 for p in written), f"{script.name} wrote no files to --out"
