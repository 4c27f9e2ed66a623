"""Certificates of ~10^4 regions: time to write one and to verify it independently.

Run: .venv/bin/python benchmarks/bench_certificate.py [ARCH] (default 2-64-64-1 on [-1,1]^2)
Prints regions, seconds to enumerate, to build and write the certificate, its size, and seconds
for `analyzer.verifier` to check it (it recomputes every region's constraints from the weights and
checks them at the region's vertices, or its implications where it has no vertex list, its volume,
the covering of each facet by the regions listed across it, and the claimed counts).
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


def main() -> None:
    arch = [int(v) for v in (sys.argv[1] if len(sys.argv) > 1 else "2-64-64-1").split("-")]
    net = he_initialised(arch, 0)
    domain = box([-1] * arch[0], [1] * arch[0])
    start = time.perf_counter()
    regions = enumerate_regions(net, domain)
    enumerated = time.perf_counter() - start
    path = os.path.join(tempfile.mkdtemp(), "certificate.json")
    start = time.perf_counter()
    write_certificate(net, domain, regions, path)
    written = time.perf_counter() - start
    start = time.perf_counter()
    result = verify_file(path)
    verified = time.perf_counter() - start
    assert result["activation_regions"] == len(regions)
    print(f"{'-'.join(map(str, arch))} on [-1,1]^{arch[0]}: {len(regions)} regions, enumerated in {enumerated:.2f} s; "
          f"certificate written in {written:.2f} s ({os.path.getsize(path) / 1e6:.1f} MB); "
          f"VERIFIED in {verified:.2f} s")


if __name__ == "__main__":
    main()
