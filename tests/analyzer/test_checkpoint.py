"""analyzer/checkpoint.py: runs stopped (budget, Ctrl-C, SIGTERM, SIGKILL) and resumed give exactly
the counts of an uninterrupted run; checkpoints of other runs, and broken files, are refused."""
import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analyzer.checkpoint import CheckpointError
from analyzer.domain import box
from analyzer.enumerate import Budget, count_regions, enumerate_regions
from analyzer.loaders import save_npz
from analyzer.network import he_initialised, layer, network
from analyzer.regions import RunStatus

ROOT = Path(__file__).resolve().parents[2]
SQUARE = box([-1, -1], [1, 1])


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("stop_at", [1, 250, 1500])
def test_count_stopped_by_a_budget_then_resumed(tmp_path, workers, stop_at):
    net = he_initialised([2, 24, 24, 24, 1], 1)
    full = count_regions(net, SQUARE)
    path = tmp_path / "run.ckpt"
    part = count_regions(net, SQUARE, budget=Budget(max_regions=stop_at), checkpoint=path, workers=workers)
    assert part.status is RunStatus.MAX_REGIONS and part[0] < full[0]
    resumed = count_regions(net, SQUARE, checkpoint=path, resume=True, workers=workers)
    assert resumed == full and resumed.status is RunStatus.COMPLETE
    again = count_regions(net, SQUARE, checkpoint=path, resume=True)  # a finished run's checkpoint
    assert again == full


def test_enumeration_resumed_gives_the_same_regions(tmp_path):
    net = he_initialised([2, 16, 16, 1], 2)
    full = enumerate_regions(net, None)
    path = tmp_path / "run.ckpt"
    part = enumerate_regions(net, None, budget=Budget(max_regions=100), checkpoint=path)
    assert part.status is RunStatus.MAX_REGIONS
    resumed = enumerate_regions(net, None, checkpoint=path, resume=True)
    assert [r.pattern for r in resumed] == [r.pattern for r in full]
    assert (resumed.linear_regions, resumed.bounded_regions) == (full.linear_regions, full.bounded_regions)
    assert [r.point for r in resumed] == [r.point for r in full]


def test_stopped_inside_a_subtree_of_the_exact_engine(tmp_path):
    """Four lines through the origin: the float path hands the whole square to exact arithmetic;
    a budget stops it inside that subtree; the checkpoint resumes before it: 8 sectors in all."""
    net = network([layer([[1, 0], [0, 1], [1, 1], [1, -1]], [0, 0, 0, 0]), layer([[1, 1, 1, 1]], [0], "identity")])
    path = tmp_path / "run.ckpt"
    part = count_regions(net, SQUARE, budget=Budget(max_regions=3), checkpoint=path)
    assert part[0] == 3
    assert count_regions(net, SQUARE, checkpoint=path, resume=True) == (8, (8,))


def test_a_checkpoint_of_another_run_is_refused(tmp_path):
    path = tmp_path / "run.ckpt"
    count_regions(he_initialised([2, 8, 1], 0), SQUARE, checkpoint=path)
    with pytest.raises(CheckpointError, match="another network"):
        count_regions(he_initialised([2, 8, 1], 1), SQUARE, checkpoint=path, resume=True)
    with pytest.raises(CheckpointError, match="another network"):  # same net, other task
        enumerate_regions(he_initialised([2, 8, 1], 0), SQUARE, checkpoint=path, resume=True)
    with pytest.raises(CheckpointError, match="another network"):  # same net, other domain
        count_regions(he_initialised([2, 8, 1], 0), box([-1, -1], [2, 2]), checkpoint=path, resume=True)


def test_broken_files_are_refused(tmp_path):
    net = he_initialised([2, 8, 1], 0)
    path = tmp_path / "run.ckpt"
    with pytest.raises(CheckpointError, match="cannot read"):
        count_regions(net, SQUARE, checkpoint=path, resume=True)
    path.write_text("{}")
    with pytest.raises(CheckpointError, match="not a regionscope checkpoint"):
        count_regions(net, SQUARE, checkpoint=path, resume=True)
    count_regions(net, SQUARE, checkpoint=path)
    older = tmp_path / "older.ckpt"
    older.write_bytes(path.read_bytes().replace(b"regionscope-checkpoint/", b"regionscope-checkpoint/0", 1))
    with pytest.raises(CheckpointError, match="another version"):
        count_regions(net, SQUARE, checkpoint=older, resume=True)
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(CheckpointError, match="truncated or corrupt"):
        count_regions(net, SQUARE, checkpoint=path, resume=True)
    with pytest.raises(CheckpointError, match="does not exist"):
        count_regions(net, SQUARE, checkpoint=tmp_path / "missing" / "run.ckpt")


@pytest.mark.parametrize("workers", [1, 2])
def test_the_exact_engine_resumes_too(tmp_path, workers):
    """``exact=True`` runs on the same traversal, stopped at 5 and 20 regions and resumed. Eight lines,
    no two parallel, with two triple points (lines 0, 2, 7 and 1, 4, 7) and 22 simple ones: a line
    arrangement has 1 + n + sum over its points of (lines through it - 1) regions, 1 + 8 + 22 + 2 * 2."""
    lines = [[1, 2], [3, -1], [-2, 5], [4, 1], [1, -3], [-5, 2], [2, 7], [7, -4]]
    net = network([layer(lines, [1, -2, 3, 0, 2, -1, 5, -3]), layer([[1] * 8], [0], "identity")])
    path = tmp_path / "run.ckpt"
    part = count_regions(net, None, exact=True, budget=Budget(max_regions=5), checkpoint=path, workers=workers)
    assert part.status is RunStatus.MAX_REGIONS and part[0] < 35
    part = count_regions(net, None, exact=True, budget=Budget(max_regions=20), checkpoint=path, resume=True)
    assert part.status is RunStatus.MAX_REGIONS and part[0] < 35
    assert count_regions(net, None, exact=True, checkpoint=path, resume=True, workers=workers) == (35, (35,))
    with pytest.raises(CheckpointError, match="another network"):  # an exact run's stack is not the float path's
        count_regions(net, None, checkpoint=path, resume=True)


def test_a_maxout_enumeration_resumes_to_the_same_regions(tmp_path):
    """A maxout enumeration stopped and resumed has the regions (and points) of an uninterrupted one."""
    net = network([layer([[1, 0], [0, 1], [-1, -1], [2, 1], [-1, 3], [1, -2]], [0, 1, 2, -1, 0, 1], "maxout:3"),
                   layer([[1, -1]], [0], "identity")])
    full = enumerate_regions(net, SQUARE)
    path = tmp_path / "run.ckpt"
    part = enumerate_regions(net, SQUARE, budget=Budget(max_regions=2), checkpoint=path)
    assert part.status is RunStatus.MAX_REGIONS
    resumed = enumerate_regions(net, SQUARE, checkpoint=path, resume=True)
    assert [r.pattern for r in resumed] == [r.pattern for r in full] and resumed.complete
    assert [r.point for r in resumed] == [r.point for r in full]


def run_cli(*args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "analyzer.cli", "count", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


@pytest.mark.slow
@pytest.mark.parametrize("how, mode, arch", [
    (signal.SIGKILL, ["--count-only"], [2, 96, 96, 96, 1]), (signal.SIGINT, [], [2, 96, 96, 96, 1]),
    (signal.SIGTERM, ["--count-only", "--workers", "2"], [2, 96, 96, 96, 1]), (signal.SIGKILL, [], [2, 96, 96, 96, 1]),
    (signal.SIGKILL, ["--exact"], [2, 16, 16, 1]),  # the exact engine, every LP in rationals
    (signal.SIGINT, ["--exact", "--count-only", "--workers", "2"], [2, 16, 16, 1])])
def test_a_killed_cli_run_resumes_to_the_uninterrupted_counts(tmp_path, how, mode, arch):
    """A child process counting is killed at a random moment after its first checkpoint, then
    resumed (by a kill again, maybe, until it finishes); the counts equal the uninterrupted run's."""
    model = tmp_path / "net.npz"
    save_npz(he_initialised(arch, 4), model)
    args = [str(model), "--domain", "box:-1,1", "--json", *mode]
    whole = run_cli(*args)
    expected = json.loads(whole.communicate(timeout=600)[0])
    path = tmp_path / "run.ckpt"
    rng = random.Random(f"{how} {mode}")
    child = run_cli(*args, "--checkpoint", str(path), "--checkpoint-every", "0.05")
    for attempt in range(3):
        started, before = time.monotonic(), path.stat().st_mtime_ns if path.exists() else None
        while child.poll() is None and time.monotonic() - started < 120 and (
                not path.exists() or path.stat().st_mtime_ns == before):  # until this child has saved once
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.6))
        if child.poll() is None:
            child.send_signal(how)
        out, err = child.communicate(timeout=600)
        if child.returncode == 0:
            break
        # 4: stopped cleanly during the count (PARTIAL); 130: stopped after it (bounds table); or killed,
        # by SIGKILL, or by SIGINT/SIGTERM landing during the interpreter's shutdown, after Python has
        # given the signals back their default action (the run had ended; its checkpoint is saved)
        assert child.returncode in (4, 130, -signal.SIGKILL, -how), (child.returncode, err)
        child = run_cli(*args, "--resume", str(path), "--checkpoint-every", "0.05")
    else:
        out, err = child.communicate(timeout=600)
    assert child.returncode == 0, err
    got = json.loads(out)
    for key in ("activation_regions", "linear_regions", "bounded_regions", "per_layer"):
        assert got[key] == expected[key], key
