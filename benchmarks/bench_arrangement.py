"""Cell enumeration of m generic hyperplanes in R^3 inside a box: exact LPs against certified float LPs.

Run: .venv/bin/python benchmarks/bench_arrangement.py [m] [repeats]
Prints cells, seconds and cells/s per path, and the ratio measured in the same run. The expected
count is the general-position formula restricted to the box, which the script does not assume: it
checks that both paths return the same sign vectors.
"""
import sys
import time

import numpy as np

from geometry.arrangement import cells
from geometry.polyhedron import box


def generic_planes(m: int, seed: int = 0) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    return [[int(v) for v in rng.integers(-50, 51, size=4)] for _ in range(m)]


def main() -> None:
    m = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rows = generic_planes(m)
    domain = box([-2, -2, -2], [2, 2, 2])
    timings, results = {}, {}
    for label, exact in (("exact (cdd.gmp LPs)", True), ("filtered (float LP + exact certificate)", False)):
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            found = cells(rows, domain, exact=exact)
            best = min(best, time.perf_counter() - start)
        timings[label], results[label] = best, [c.signs for c in found]
        print(f"{label:42s} {len(found):6d} cells  {best:8.3f} s  {len(found) / best:9.0f} cells/s")
    exact_signs, filtered_signs = results.values()
    assert exact_signs == filtered_signs, "exact and filtered paths disagree"
    ratio = timings["exact (cdd.gmp LPs)"] / timings["filtered (float LP + exact certificate)"]
    print(f"{m} planes in R^3, box [-2,2]^3: same cells on both paths; filtered is {ratio:.1f}x faster")


if __name__ == "__main__":
    main()
