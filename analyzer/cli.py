"""The ``regionscope`` command: parse, call the API, print."""
from __future__ import annotations

import argparse
import json
import sys
import time

from analyzer.domain import parse_domain
from analyzer.enumerate import enumerate_regions
from analyzer.loaders import load

DOMAIN_HELP = """domain to count in (default: all):
  all                        all of R^n
  box:LO,HI                  the cube [LO,HI]^n
  box:LO1:HI1,LO2:HI2,...    a box, one LO:HI per coordinate
  ball:C1,C2,...;R           L-infinity ball of radius R around C
  slice:P0;P1;P2             the plane through three points (regions counted in the plane)
  segment:A;B                the segment from A to B (pieces along it)
numbers are integers, decimals or p/q rationals; decimals are read exactly (0.1 is 1/10)"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="regionscope",
        description="Exact linear-region counts of piecewise-linear networks (ReLU, leaky ReLU, hard-tanh, abs, maxout).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    count = sub.add_parser("count", help="count the activation and linear regions of a network",
                           formatter_class=argparse.RawDescriptionHelpFormatter,
                           description="Count a network's activation and linear regions exactly.\n\n" + DOMAIN_HELP)
    count.add_argument("model", help="network file: .npz, .json, .pt/.pth (torch) or .onnx")
    count.add_argument("--domain", default="all", help="where to count (see above)")
    count.add_argument("--json", action="store_true", help="print one JSON object")
    count.add_argument("--per-layer", action="store_true", help="also print the count after each hidden layer")
    count.add_argument("--exact", action="store_true", help="solve every LP in rational arithmetic (same answer, slower)")
    count.add_argument("--arch", help="for a torch state_dict: the layer list, e.g. 'linear,relu,linear'")
    count.add_argument("--input-shape", help="for torch models with Conv2d/AvgPool2d: C,H,W of one input")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return {"count": _count}[args.command](args)
    except ValueError as exc:  # every input error of the library is a ValueError subclass
        print(f"regionscope: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


def _count(args) -> int:
    net = load(args.model, arch=args.arch, input_shape=args.input_shape)
    domain = parse_domain(args.domain, net.input_dim)
    started = time.perf_counter()
    regions = enumerate_regions(net, domain, exact=args.exact)
    result = {
        "model": args.model,
        "architecture": list(net.architecture),
        "input_dim": net.input_dim,
        "domain": domain.description,
        "activation_regions": regions.activation_regions,
        "linear_regions": regions.linear_regions,
        "bounded_regions": regions.bounded_regions,
        "per_layer": list(regions.per_layer),
        "exact_lp": args.exact,
        "seconds": round(time.perf_counter() - started, 4),
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"model          {args.model}  ({'-'.join(map(str, net.architecture))})")
    print(f"domain         {domain.description}")
    print(f"activation regions  {result['activation_regions']}")
    print(f"linear regions      {result['linear_regions']}")
    print(f"bounded regions     {result['bounded_regions']}")
    if args.per_layer:
        for i, n in enumerate(regions.per_layer, start=1):
            print(f"  after layer {i}: {n}")
    print(f"time           {result['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
