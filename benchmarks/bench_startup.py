"""A fresh process's first count: how long numba's kernels take to load (or compile).

Run: .venv/bin/python benchmarks/bench_startup.py [--cold] [--repeat N]
Each row is a new child process (the project's own interpreter, cwd the project root) timing its
first ``count_regions`` (or ``enumerate_regions``) call on a seeded He-initialised ReLU net in 2-D,
3-D and 4-D, wall and CPU seconds (``time.process_time()`` in the child), and whole
``regionscope count --count-only`` runs (``python -m analyzer.cli``; wall, and the child's CPU
seconds from ``os.times``). 2-D runs polygons, 3-D simple polyhedra, 4-D LP regions, except 4-D
enumerations over R^4, which keep the polyhedra (:mod:`analyzer.filtered`).
Rows are repeated N times (default 2): with a warm on-disk cache (``geometry/__pycache__``) every
repetition should load the kernels instead of compiling them. --cold first empties numba's cache
into a temporary ``NUMBA_CACHE_DIR``, so that the first repetition shows a fresh clone's (or CI's)
compile time and the later ones that the cache it wrote is reused.
"""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import time
wall, cpu = time.perf_counter(), time.process_time()
from analyzer.domain import box
from analyzer.enumerate import count_regions, enumerate_regions
from analyzer.network import he_initialised
d, arch, bounded, enumerate = {d}, {arch}, {bounded}, {enumerate}
domain = box([-1] * d, [1] * d) if bounded else None
net = he_initialised(arch, 0)
total = len(enumerate_regions(net, domain)) if enumerate else count_regions(net, domain)[0]
print(total, time.perf_counter() - wall, time.process_time() - cpu)
"""

CASES = [(2, [2, 32, 32, 1], True, False), (3, [3, 10, 10, 1], True, False), (4, [4, 10, 10, 1], True, False),
         (4, [4, 12, 2], False, False), (4, [4, 8, 8, 1], False, True)]
CLI = [("[3,10,10,1] on [-1,1]^3", [3, 10, 10, 1], ["--domain", "box:-1,1"]), ("[4,12,2] over R^4", [4, 12, 2], [])]


def first_count(d: int, arch: list, bounded: bool, enumerate: bool, env: dict) -> None:
    code = CHILD.format(d=d, arch=arch, bounded=bounded, enumerate=enumerate)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    total, wall, cpu = int(out[0]), float(out[1]), float(out[2])
    where = "on [-1,1]^%d" % d if bounded else "over R^%d" % d
    what = "enumeration" if enumerate else "count"
    print(f"first {what:11s} {str(arch):16s} {where:12s} {total:6d} regions  in-process {wall:7.2f} s "
          f"({cpu:7.2f} CPU)  process {time.perf_counter() - start:7.2f} s")


def cli_count_only(label: str, model: Path, options: list, env: dict) -> None:
    start = time.perf_counter()
    before = os.times()
    subprocess.run([sys.executable, "-m", "analyzer.cli", "count", str(model), "--count-only", *options], cwd=ROOT,
                   env=env, check=True, capture_output=True)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    print(f"regionscope count --count-only {label:24s} {time.perf_counter() - start:7.2f} s ({cpu:7.2f} CPU)")


if __name__ == "__main__":
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 2
    env = dict(os.environ)
    scratch = tempfile.TemporaryDirectory()
    if "--cold" in sys.argv:
        env["NUMBA_CACHE_DIR"] = scratch.name
        print(f"cold start: numba's cache in the empty {scratch.name}")
    sys.path.insert(0, str(ROOT))
    from analyzer.loaders import save_npz
    from analyzer.network import he_initialised
    models = [(label, save_npz(he_initialised(arch, 0), Path(scratch.name) / f"net{i}.npz"), options)
              for i, (label, arch, options) in enumerate(CLI)]
    for r in range(repeat):
        print(f"-- repetition {r + 1}")
        for case in CASES:
            first_count(*case, env)
        for label, model, options in models:
            cli_count_only(label, model, options, env)
    scratch.cleanup()
