"""Certificates of many regions: time to write one and to verify it independently.

Run: .venv/bin/python benchmarks/bench_certificate.py [ARCH ...] (default 2-64-64-1; each a
He-initialised net with seed 0 on the box [-1,1]^n, n its input width)
Prints, per net: regions, seconds to enumerate, to build and write the certificate and for
`analyzer.verifier` to check it (it recomputes every region's constraints from the weights and
checks them at the region's vertices, or its implications where it has no vertex list, its volume,
the covering of each facet by the regions listed across it, and the claimed counts), each as wall
and CPU seconds (time.process_time) with regions per wall second, and the certificate's size.
"""
import os
import sys
import tempfile
import time

from analyzer.certificate import write_certificate
from analyzer.domain import box
from analyzer.enumerate import enumerate_regions
from analyzer.network import he_initialised
from analyzer.verifier import verify_file


def timed(task):
    """``(result, wall seconds, CPU seconds)`` of ``task()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = task()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def run(text: str) -> None:
    arch = [int(v) for v in text.split("-")]
    net = he_initialised(arch, 0)
    domain = box([-1] * arch[0], [1] * arch[0])
    regions, enumerated, enumerated_cpu = timed(lambda: enumerate_regions(net, domain))
    path = os.path.join(tempfile.mkdtemp(), "certificate.json")
    _, written, written_cpu = timed(lambda: write_certificate(net, domain, regions, path))
    result, verified, verified_cpu = timed(lambda: verify_file(path))
    assert result["activation_regions"] == len(regions)
    n = len(regions)
    print(f"{text} on [-1,1]^{arch[0]}: {n} regions; enumerated {enumerated:.2f} s (CPU {enumerated_cpu:.2f} s); "
          f"written {written:.2f} s (CPU {written_cpu:.2f} s, {n / written:,.0f} regions/s, "
          f"{os.path.getsize(path) / 1e6:.1f} MB); VERIFIED {verified:.2f} s (CPU {verified_cpu:.2f} s, "
          f"{n / verified:,.0f} regions/s)", flush=True)


def main() -> None:
    for text in sys.argv[1:] or ["2-64-64-1"]:
        run(text)


if __name__ == "__main__":
    main()
