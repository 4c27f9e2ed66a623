"""numba's on-disk cache must serve the kernels to every new process: a kernel defined inside a
function (a closure over other kernels) gets a fresh cache key in each process (its closure's
dispatchers pickle with a per-process id), so it was compiled again every time (~10 s before a
process's first 3-D count). And it must not serve stale code: see geometry/kernel_cache.py."""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import json
import numpy as np
from geometry import kernels, polytope_kernels as pk
from geometry.polyhedron import box
square = np.array([[1, 0, 1], [1, -1, 0], [1, 0, -1], [1, 1, 0]], float)
plane = np.array([[0.25, 1.0, 0.5]]), np.zeros((1, 3))
assert kernels.split_polygon(square, np.zeros_like(square), *plane, -np.ones(1, np.int64))[0]
cube = pk.float_polyhedron(box([-1] * 3, [1] * 3))
space = np.array([[0.25, 1.0, 0.5, 0.125]]), np.zeros((1, 4))
assert pk.split_polytope(*cube, *space, -np.ones(1, np.int64))[0]
stats = {f.__name__: (sum(f.stats.cache_hits.values()), sum(f.stats.cache_misses.values()))
         for f in (kernels.split_polygon, pk.split_polytope)}
print(json.dumps(stats))
"""


def test_no_kernel_is_defined_inside_a_function():
    for path in sorted((ROOT / "geometry").glob("*.py")) + sorted((ROOT / "analyzer").glob("*.py")):
        assert not re.search(r"^[ \t]+@(numba\.)?n?jit", path.read_text(), re.M), path.name


def test_a_second_process_loads_the_kernels_from_the_cache():
    """The first child compiles whatever the cache lacks (and writes it); the second must only load."""
    runs = [json.loads(subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, check=True, capture_output=True,
                                      text=True).stdout) for _ in range(2)]
    assert all(hits >= 1 and misses == 0 for hits, misses in runs[1].values()), runs


STAMP = """
import json
from geometry import certified_lp_kernels, kernels, polytope_kernels
print(json.dumps([f._cache._impl.locator.get_source_stamp()[1] for f in
                  (kernels.sign_at, polytope_kernels.split_polytope, certified_lp_kernels.minimise)]))
"""


def test_an_edit_of_any_kernel_file_restamps_every_kernel(tmp_path):
    """numba stamps a cached kernel with its own file; the polyhedron kernels have kernels.sign_at
    compiled in, so geometry.kernel_cache adds the digest of every kernel file (read in a copy of
    geometry/, without compiling anything)."""
    shutil.copytree(ROOT / "geometry", tmp_path / "geometry", ignore=shutil.ignore_patterns("__pycache__"))

    def stamps():
        out = subprocess.run([sys.executable, "-c", STAMP], cwd=tmp_path, check=True, capture_output=True, text=True)
        return json.loads(out.stdout)

    before = stamps()
    assert before == stamps() and len(set(before)) == 1
    with open(tmp_path / "geometry" / "kernels.py", "a") as f:
        f.write("\n# edited\n")
    after = stamps()
    assert len(set(after)) == 1 and after != before
