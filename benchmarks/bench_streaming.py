"""Count-only streaming: many regions, memory O(depth x width).

Run: .venv/bin/python benchmarks/bench_streaming.py [ARCH [R]]  (default 2-96-96-96-1 on [-1,1]^2;
R = 2 counts on [-2,2]^2). `count_regions` walks the refinement tree depth first and keeps no
region, so the peak RSS should stay near the interpreter's own whatever the count. The script
first counts a tiny net (to load the compiled kernels), then prints regions, seconds, regions/s and
the peak RSS before and after the big count.
"""
import resource
import sys
import time

from analyzer.domain import box
from analyzer.enumerate import count_regions
from analyzer.network import he_initialised


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    arch = [int(v) for v in (sys.argv[1] if len(sys.argv) > 1 else "2-96-96-96-1").split("-")]
    r = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    count_regions(he_initialised([arch[0], 4, 4, 1], 0), box([-1] * arch[0], [1] * arch[0]))
    net = he_initialised(arch, 0)
    before = peak_mb()
    start = time.perf_counter()
    total, per_layer = count_regions(net, box([-r] * arch[0], [r] * arch[0]))
    seconds = time.perf_counter() - start
    print(f"{'-'.join(map(str, arch))} on [-{r},{r}]^{arch[0]}: {total} regions (per layer {list(per_layer)}) in "
          f"{seconds:.1f} s, {total / seconds:.0f} regions/s; peak RSS {before:.0f} MB before, {peak_mb():.0f} MB after")
