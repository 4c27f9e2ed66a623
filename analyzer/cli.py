"""The ``regionscope`` command: parse, call the API, print.

Each subcommand imports the library where it runs, so that ``regionscope --help`` and argument
errors answer without loading numpy, numba or the engine."""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import sys
import time

from analyzer.arguments import Parser, architecture, writable_file

DOMAIN_HELP = """domain to count in (default: all):
  all                        all of R^n
  box:LO,HI                  the cube [LO,HI]^n
  box:LO1:HI1,LO2:HI2,...    a box, one LO:HI per coordinate
  ball:C1,C2,...;R           L-infinity ball of radius R around C
  slice:P0;P1;P2             the plane through three points (regions counted in the plane)
  segment:A;B                the segment from A to B (pieces along it)
  FILE.vnnlib                the input box of a VNN-LIB property (constraints without inputs ignored)
  input-box                  a .nnet model's input box [min, max], normalised like its inputs
numbers are integers, decimals or p/q rationals; decimals are read exactly (0.1 is 1/10)"""


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="regionscope",
        description="Exact linear-region counts of piecewise-linear networks (ReLU, leaky ReLU, hard-tanh, abs, maxout).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    count = sub.add_parser("count", help="count the activation and linear regions of a network",
                           formatter_class=argparse.RawDescriptionHelpFormatter,
                           description="Count a network's activation and linear regions exactly.\n\n" + DOMAIN_HELP)
    count.add_argument("model", help="network file: .npz, .json, .pt/.pth (torch), .onnx or .nnet (counted in its "
                                     "normalised inputs)")
    count.add_argument("--domain", default="all", help="where to count (see above)")
    count.add_argument("--json", action="store_true", help="print one JSON object")
    count.add_argument("--per-layer", action="store_true", help="also print the count after each hidden layer")
    count.add_argument("--exact", action="store_true", help="solve every LP in rational arithmetic (same answer, slower)")
    count.add_argument("--arch", help="for a torch state_dict: the layer list, e.g. 'linear,relu,linear'")
    count.add_argument("--input-shape", help="for torch models with Conv2d/AvgPool2d: C,H,W of one input")
    count.add_argument("--count-only", action="store_true",
                       help="only activation regions and per-layer counts, without keeping the regions (much faster on "
                            "bounded 1-D and 2-D domains; no linear or bounded counts, no certificate)")
    count.add_argument("--workers", type=int, default=1, help="processes refining independent subtrees (default 1)")
    count.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="refine subtrees on a Dask distributed cluster instead (needs the dask extra)")
    count.add_argument("--max-regions", type=int, help="stop after this many regions (counts are then partial)")
    count.add_argument("--time-limit", type=float, metavar="SECONDS", help="stop after this long (counts are then partial)")
    count.add_argument("--csv", action="store_true", help="print the counts as CSV, with provenance")
    count.add_argument("--latex", action="store_true", help="print the counts as a booktabs table, with provenance")
    count.add_argument("--checkpoint", metavar="RUN.ckpt",
                       help="save the run's state there every 5 s and when it stops, so that --resume can continue it")
    count.add_argument("--resume", metavar="RUN.ckpt",
                       help="continue the run saved there (same model, domain and --count-only), and keep saving to it")
    count.add_argument("--checkpoint-every", type=float, default=5.0, metavar="SECONDS",
                       help="seconds between checkpoints (default 5)")
    count.add_argument("--quiet", action="store_true", help="no progress line (there is none either when stdout or "
                                                            "stderr is not a terminal)")
    count.add_argument("--certificate", metavar="OUT.json", type=writable_file,
                       help="also write a certificate that 'regionscope verify' checks independently")
    plot = sub.add_parser("plot", help="draw the partition (2-D domains) or the function (1-D domains)",
                          formatter_class=argparse.RawDescriptionHelpFormatter,
                          description="Draw a network's regions: the partition of a 2-D domain (inputs in R^2, or a "
                                      "slice), or the piecewise-linear function along a 1-D domain.\n\n" + DOMAIN_HELP)
    plot.add_argument("model", help="network file: .npz, .json, .pt/.pth, .onnx or .nnet")
    plot.add_argument("--domain", default="all", help="where to draw (see above)")
    plot.add_argument("-o", "--output", required=True,
                      help="figure file: .png, .pdf or .svg; or .geojson for the polygons of a 2-D partition "
                           "(regions, or linear regions with --color linear)")
    plot.add_argument("--color", choices=["pattern", "linear"], default="pattern",
                      help="one colour per activation region, or per linear region")
    plot.add_argument("--layers", action="store_true", help="one panel per layer, new boundaries highlighted")
    plot.add_argument("--arch", help="for a torch state_dict: the layer list")
    plot.add_argument("--input-shape", help="for torch conv models: C,H,W")
    verify = sub.add_parser("verify", help="check a certificate written by 'count --certificate'",
                            description="Check a certificate with an independent exact checker: each listed region "
                                        "is an activation region of the certificate's network, none is missing, and "
                                        "its counts, domain and format are what the regions give. Prints VERIFIED "
                                        "and what was proved, exit code 0; or NOT VERIFIED and the first failure, "
                                        "exit code 1.")
    verify.add_argument("certificate", help="certificate JSON file")
    verify.add_argument("--model", help="model file the certificate must be of: its exact weights are compared")
    bounds = sub.add_parser("bounds", help="print every theoretical bound for an architecture",
                            description="Every bound of the reference for an architecture such as 2-8-8-1 "
                                        "(input, hidden widths, output).")
    bounds.add_argument("arch", type=architecture, help="architecture: input-hidden-...-output, e.g. 2-8-8-1")
    bounds.add_argument("--activation", default="relu", help="relu, leaky_relu, abs, hardtanh or maxout:K")
    bounds.add_argument("--json", action="store_true", help="print a JSON list")
    bounds.add_argument("--latex", action="store_true", help="print a booktabs table")
    bounds.add_argument("--symbolic", action="store_true",
                        help="also give each bound's closed form in n_0, n_1, ..., n_L (sympy; LaTeX with --latex)")
    formula = sub.add_parser("formula", help="print the network's function as an exact piecewise formula",
                             formatter_class=argparse.RawDescriptionHelpFormatter,
                             description="The network's function on the domain, one exact affine expression per "
                                         "linear region with its inequalities (irredundant where the region is "
                                         "convex).\n\n" + DOMAIN_HELP)
    formula.add_argument("model", help="network file: .npz, .json, .pt/.pth or .onnx")
    formula.add_argument("--domain", default="all", help="where (see above)")
    formula.add_argument("--latex", action="store_true", help="print a LaTeX cases environment")
    formula.add_argument("--json", action="store_true", help="print one JSON object (strings sympy parses)")
    formula.add_argument("--max-regions", type=int,
                         help="refuse networks with more activation regions than this (default 256)")
    sweep = sub.add_parser("sweep", help="count a one-parameter family of networks exactly over a range",
                           formatter_class=argparse.RawDescriptionHelpFormatter,
                           description="Weights may be polynomials in one parameter (strings such as '1/2 + t' or "
                                       "'t**2 - 1' in the .npz or .json file). Finds every parameter value in the "
                                       "range where the activation or linear region count changes (exact: rationals "
                                       "and real algebraic numbers as CRootOf(polynomial, index) with rational "
                                       "enclosures) and the counts between and at them. A range with a negative "
                                       "lower end is written --range=-1:1.\n\n" + DOMAIN_HELP)
    sweep.add_argument("model", help="network file: .npz or .json")
    sweep.add_argument("--param", default="t", help="the parameter's name in the weights (default t)")
    sweep.add_argument("--range", required=True, metavar="LO:HI",
                       help="the parameter range, e.g. 0:1 (--range=-1:1 for a negative lower end)")
    sweep.add_argument("--domain", default="all", help="where to count (see above)")
    sweep.add_argument("--json", action="store_true", help="print one JSON object")
    sweep.add_argument("--all-candidates", action="store_true",
                       help="report every value examined, also those where no count changes")
    construct = sub.add_parser(
        "construct", help="write a network that attains a bound",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write a construction with exact rational weights (npz with rational strings, or .json).\n\n"
                    "names and options:\n"
                    "  sawtooth  --depth L                    Telgarsky: 2^L regions on [0,1]\n"
                    "  montufar  --n0 N --widths 4,4,3        Montufar et al. 2014: their lower bound on [0,1]^N\n"
                    "  arora     --n0 N --m M --w W --depth L Arora et al. 2018 zonotope construction over R^N\n"
                    "  serra1d   --widths 3,4,3               Serra et al. 2018: prod(n_l + 1) regions over R")
    construct.add_argument("name", choices=["sawtooth", "montufar", "arora", "serra1d"])
    construct.add_argument("-o", "--output", required=True, help="output file (.npz or .json)")
    construct.add_argument("--depth", type=int, default=3)
    construct.add_argument("--n0", type=int, default=2)
    construct.add_argument("--widths", default="4,4,3", help="hidden widths, comma-separated")
    construct.add_argument("--m", type=int, default=3)
    construct.add_argument("--w", type=int, default=3)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or an argument error (already printed on one line)
        return exc.code if isinstance(exc.code, int) else 0
    try:
        commands = {"count": _count, "bounds": _bounds, "construct": _construct, "verify": _verify, "plot": _plot,
                    "formula": _formula, "sweep": _sweep}
        with _terminate_as_interrupt():
            code = commands[args.command](args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except KeyboardInterrupt:  # outside a count (which reports PARTIAL counts itself)
        print("regionscope: interrupted", file=sys.stderr)
        return INTERRUPTED
    except ValueError as exc:  # every input error of the library is a ValueError subclass
        print(f"regionscope: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        return PIPE_CLOSED


INTERRUPTED = 130  # as a program stopped by SIGINT (128 + 2)
PIPE_CLOSED = 141  # as a program stopped by SIGPIPE (128 + 13): the reader of the output (e.g. head) has gone


NNET_INPUTS = "normalised by the .nnet header: (x - mean) / range (same counts as the raw inputs on [min, max])"


def _model_and_domain(args):
    """The network, the domain, what the inputs are (None: the model's own) and where the domain came from."""
    from analyzer.domain import parse_domain
    from analyzer.errors import DomainError
    from analyzer.loaders import load
    from analyzer.nnet import read_nnet
    nnet = read_nnet(args.model) if args.model.lower().endswith(".nnet") else None
    net = nnet.network if nnet else load(args.model, arch=args.arch, input_shape=args.input_shape)
    text = args.domain.strip()
    if text.lower() == "input-box":
        if nnet is None:
            raise DomainError(f"--domain input-box is the input box of a .nnet model; {args.model!r} has none")
        source = f"{args.model}: its input box [min, max], normalised"
        return net, nnet.input_box(), NNET_INPUTS, source
    domain = parse_domain(text, net.input_dim)
    source = None
    if text.lower().endswith(".vnnlib"):
        from analyzer.vnnlib import read_vnnlib
        source = f"{text}: its input box; {read_vnnlib(text).ignored} constraint(s) without inputs ignored"
    return net, domain, NNET_INPUTS if nnet else None, source


def _count(args) -> int:
    from analyzer.bounds import check, network_bounds, violations
    from analyzer.certificate import write_certificate
    from analyzer.enumerate import Budget, count_regions, enumerate_regions
    from analyzer.provenance import number_reading, provenance
    from analyzer.regions import RunStatus
    from analyzer.report import LEGEND, check_dicts, checks_text, counts_csv, counts_latex
    _one_format(args, ("json", "csv", "latex"))
    _check_limits(args)
    net, domain, inputs, source = _model_and_domain(args)
    if args.scheduler:
        from analyzer.cluster import check_scheduler
        check_scheduler(args.scheduler)
    started, clock = time.perf_counter(), time.monotonic()
    budget = Budget(args.max_regions, args.time_limit)
    if args.count_only:
        if args.certificate:
            raise ValueError("--certificate needs the regions themselves: drop --count-only")
        with _progress_display(args.quiet) as progress:
            counts = count_regions(net, domain, exact=args.exact, budget=budget, progress=progress, workers=args.workers,
                                   scheduler=args.scheduler, **_checkpointing(args))
        activation, per_layer, status, path = counts[0], counts[1], counts.status, counts.path
        linear = bounded = None
        merged = RunStatus.COMPLETE  # nothing to merge
    else:
        with _progress_display(args.quiet) as progress:
            regions = enumerate_regions(net, domain, exact=args.exact, budget=budget, progress=progress,
                                        workers=args.workers, scheduler=args.scheduler, **_checkpointing(args))
            activation, per_layer, status, path = (regions.activation_regions, regions.per_layer, regions.status,
                                                   regions.path)
            linear = bounded = None
            merged = RunStatus.COMPLETE
            try:  # linear and bounded regions, within what is left of the time limit
                deadline = None if args.time_limit is None else clock + args.time_limit
                if regions.merge_linear_regions(deadline, progress and (lambda n: progress(n, phase="merging"))) is not None:
                    linear = regions.linear_regions
                    bounded = regions.count_bounded(deadline)
                if bounded is None:
                    merged = RunStatus.TIME_LIMIT
            except KeyboardInterrupt:  # the activation counts stand; the rest is not counted
                merged = RunStatus.INTERRUPTED
    activation_complete = status is RunStatus.COMPLETE
    complete = activation_complete and merged is RunStatus.COMPLETE
    stopped = status if not activation_complete else merged
    seconds = time.perf_counter() - started
    if args.certificate and complete:
        write_certificate(net, domain, regions, args.certificate)
    try:
        checks: list | None = check(network_bounds(net), activation, per_layer, linear)
    except KeyboardInterrupt:  # the counts stand; the bounds are not checked
        checks = None
        print("regionscope: interrupted while checking the bounds: the counts stand, no bound is checked",
              file=sys.stderr)
    broken = violations(checks or [])
    result = {
        "model": args.model,
        "architecture": list(net.architecture),
        "input_dim": net.input_dim,
        "domain": domain.description,
        "activation_regions": activation,
        "linear_regions": linear,
        "bounded_regions": bounded,
        "per_layer": list(per_layer),
        "exact_lp": args.exact,
        "seconds": round(seconds, 4),
        "complete": complete,
        "activation_complete": activation_complete,
        "linear_complete": activation_complete and linear is not None,
        "bounded_complete": activation_complete and bounded is not None,
        "status": stopped.value,
        "bounds": None if checks is None else check_dicts(checks),
    }
    if not activation_complete:
        print(f"regionscope: {status.value}: the counts are PARTIAL (regions found so far)"
              + ("; no certificate written" if args.certificate else ""), file=sys.stderr)
    elif not complete:
        print(f"regionscope: {merged.value} after the enumeration: the activation counts are complete, "
              + ("the bounded regions are" if linear is not None else "linear and bounded regions are")
              + " not counted" + ("; no certificate written" if args.certificate else ""), file=sys.stderr)
    if broken:
        names = ", ".join(c.bound.name for c in broken)
        print(f"regionscope: BUG: the exact count exceeds the upper bound(s) {names}; "
              "either the count or the bound is wrong. Please report this network.", file=sys.stderr)
    code = 3 if broken else (0 if complete and checks is not None else 4)
    if args.json or args.csv or args.latex:
        origin = provenance(net, domain, args.exact, seconds, inputs=inputs, domain_source=source, path=path,
                            numbers=number_reading(args.model))
        if args.json:
            print(json.dumps({**result, "provenance": origin}))
        elif args.csv:
            print(counts_csv(result, origin), end="")
        else:
            print(counts_latex(result, origin))
        return code
    print(f"model          {args.model}  ({'-'.join(map(str, net.architecture))})")
    print(f"domain         {domain.description}")
    if source:
        print(f"domain from    {source}")
    if inputs:
        print(f"inputs         {inputs}")
    if not complete:
        print(f"status         PARTIAL: {stopped.value}" + ("" if not activation_complete else
                                                           " (after the enumeration; the activation counts are complete)"))
    print(f"activation regions  {result['activation_regions']}")
    not_counted = "not counted (--count-only)" if args.count_only else f"unknown: not counted ({stopped.value})"
    print(f"linear regions      {not_counted if linear is None else linear}")
    print(f"bounded regions     {not_counted if bounded is None else bounded}")
    if args.per_layer:
        for i, n in enumerate(per_layer, start=1):
            print(f"  after layer {i}: {n}")
    print(f"time           {result['seconds']} s")
    print()
    if checks is None:
        print("bounds         not checked (interrupted)")
        return code
    print(checks_text(checks))
    print(LEGEND)
    return code


def _one_format(args, names: tuple[str, ...]) -> None:
    chosen = [f"--{name}" for name in names if getattr(args, name)]
    if len(chosen) > 1:
        raise ValueError(f"{' and '.join(chosen)} together: choose one output format")


def _check_limits(args) -> None:
    if args.time_limit is not None and not (math.isfinite(args.time_limit) and args.time_limit > 0):
        raise ValueError(f"--time-limit must be a positive, finite number of seconds, got {args.time_limit}")
    if args.max_regions is not None and args.max_regions < 1:
        raise ValueError(f"--max-regions must be at least 1, got {args.max_regions}")
    if args.workers < 1:
        raise ValueError(f"--workers must be at least 1, got {args.workers}")


def _checkpointing(args) -> dict:
    """``checkpoint=`` and ``resume=`` for the counting functions: ``--resume FILE`` continues from
    FILE and keeps saving there; ``--checkpoint FILE`` starts afresh and saves there."""
    if args.resume and args.checkpoint:
        raise ValueError("give --checkpoint FILE (start and save) or --resume FILE (continue and save), not both")
    path = args.resume or args.checkpoint
    if path is None:
        return {}
    if not args.checkpoint_every > 0:
        raise ValueError(f"--checkpoint-every must be a positive number of seconds, got {args.checkpoint_every}")
    return {"checkpoint": path, "resume": bool(args.resume), "checkpoint_every": args.checkpoint_every}


@contextlib.contextmanager
def _terminate_as_interrupt():
    """SIGTERM stops a command as Ctrl-C does: a count stops cleanly (counts PARTIAL, a checkpoint
    saved), anything else with exit code 130."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _progress_display(quiet: bool = False):
    """A live line on stderr: regions found, their rate and the subtrees waiting to be refined (the
    frontier); none when ``quiet`` or when stdout or stderr is not a terminal."""
    if quiet or not (sys.stdout.isatty() and sys.stderr.isatty()):
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.console import Console
    columns = (SpinnerColumn(), TextColumn("{task.completed} regions {task.description}"), TimeElapsedColumn())
    started = time.perf_counter()
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def show(n: int, waiting: int | None = None, phase: str | None = None) -> None:
            """``n`` regions found and ``waiting`` subtrees waiting to be refined, or (``phase="merging"``)
            ``n`` done in a pass of the merging into linear regions."""
            rate = f"found, {n / max(time.perf_counter() - started, 1e-9):.0f} regions/s, {waiting} subtrees waiting"
            bar.update(task, completed=n, description=rate if phase is None else f"{phase} into linear regions")
        yield show


def _plot(args) -> int:
    from analyzer import plot
    from analyzer.enumerate import enumerate_regions
    net, domain = _model_and_domain(args)[:2]
    if args.output.lower().endswith(".geojson") and not args.layers:
        from analyzer.geojson import write_geojson
        write_geojson(enumerate_regions(net, domain), args.output, linear=args.color == "linear")
    elif args.layers:
        plot.plot_layers(net, domain, args.output)
    elif domain.dim == 1:
        ax = plot.plot_function_1d(net, domain)
        plot.save(ax.figure, args.output)
    elif domain.dim == 2:
        regions = enumerate_regions(net, domain)
        ax = plot.plot_partition(regions, domain, color_by=args.color)
        plot.save(ax.figure, args.output)
    else:
        raise ValueError(f"plot draws 1-D and 2-D domains; this one is {domain.dim}-D: use a slice:P0;P1;P2 "
                         "or segment:A;B domain")
    print(f"wrote {args.output}")
    return 0


def _verify(args) -> int:
    from analyzer.verifier import Rejected, verify_file
    model = None
    if args.model:
        from analyzer.loaders import load, to_json_dict
        model = to_json_dict(load(args.model))
    try:
        result = verify_file(args.certificate, model)
    except OSError as exc:
        print(f"regionscope: error: cannot read {args.certificate!r}: {exc}", file=sys.stderr)
        return 2
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:  # not JSON text at all (e.g. an npz)
        print(f"NOT VERIFIED: {args.certificate} is not JSON: {exc}")
        return 1
    except Rejected as exc:
        print(f"NOT VERIFIED: {exc}")
        return 1
    which = (f"exactly the network of {args.model}" if result["model_checked"] else
             "as the certificate gives it; --model MODEL checks that it is a model file's")
    print(f"VERIFIED: {result['activation_regions']} activation regions in {result['domain']} of the network "
          f"sha256 {result['network_sha256']} ({result['architecture']}, {which})")
    print(f"  per layer {', '.join(map(str, result['per_layer']))}; linear regions {result['linear_regions']}, "
          f"bounded regions {result['bounded_regions']}")
    print("  each region: an exact interior point with its pattern, its exact constraints and output map; "
          "no pattern twice")
    facets = "every facet inside the domain is covered by the regions listed across it"
    print(f"  complete: the regions' exact volumes add up to the domain's, {result['volume']}, and {facets}"
          if result["bounded"] else f"  complete: {facets}, which proves that the regions cover the whole domain")
    return 0


def _construct(args) -> int:
    from analyzer import constructions
    from analyzer.loaders import save_json, save_npz
    widths = [int(v) for v in args.widths.split(",") if v.strip()]
    made = {
        "sawtooth": lambda: constructions.sawtooth(args.depth),
        "montufar": lambda: constructions.montufar(args.n0, widths),
        "arora": lambda: constructions.arora(args.n0, args.m, args.w, args.depth),
        "serra1d": lambda: constructions.serra_1d(widths),
    }[args.name]()
    if args.output.endswith(".json"):
        save_json(made.network, args.output)
        written = args.output
    else:
        written = save_npz(made.network, args.output)
    print(f"wrote {made.name} to {written}: expected {made.counts.value} {made.relation} "
          f"{made.expected_regions} on {made.domain.description} ({made.source})")
    return 0


def _formula(args) -> int:
    from analyzer.domain import parse_domain
    from analyzer.formula import MAX_REGIONS, network_formula
    from analyzer.loaders import load
    net = load(args.model)
    limit = MAX_REGIONS if args.max_regions is None else args.max_regions
    found = network_formula(net, parse_domain(args.domain, net.input_dim), max_regions=limit)
    if args.json:
        print(json.dumps(found.to_json()))
    elif args.latex:
        print(found.latex())
    else:
        print(f"{found.activation_regions} activation regions, {found.linear_regions} linear regions on "
              f"{found.domain.description}; variables {', '.join(found.variables)}")
        print(found.text())
    return 0


def _sweep(args) -> int:
    from analyzer.domain import parse_domain
    from analyzer.errors import ParameterError
    from analyzer.parametric import load_parametric
    from analyzer.sweep import sweep
    lo, colon, hi = args.range.partition(":")
    if not colon:
        raise ParameterError(f"cannot read the range {args.range!r}: use LO:HI, e.g. 0:1 or --range=-1:1")
    net = load_parametric(args.model, args.param)
    result = sweep(net, parse_domain(args.domain, net.input_dim), lo, hi, merge=not args.all_candidates)
    print(json.dumps(result.to_json()) if args.json else result.text())
    return 0


def _bounds(args) -> int:
    from analyzer.bounds import architecture_bounds
    from analyzer.report import LEGEND, bound_dicts, bounds_latex, bounds_text
    _one_format(args, ("json", "latex"))
    arch, name = args.arch, "-".join(map(str, args.arch))
    if args.symbolic:
        from analyzer import bounds_formulas as formulas
        found = formulas.bound_formulas(arch, args.activation)
        if args.json:
            print(json.dumps(formulas.formula_dicts(found)))
        elif args.latex:
            print(formulas.formulas_latex(found, f"Bounds on the number of regions of a {name} {args.activation} "
                                                 "network, with their closed forms."))
        else:
            print(formulas.formulas_text(found))
        return 0
    bounds = architecture_bounds(arch, args.activation)
    if args.json:
        print(json.dumps(bound_dicts(bounds)))
    elif args.latex:
        print(bounds_latex(bounds, f"Bounds on the number of regions of a {name} {args.activation} network."))
    else:
        print(bounds_text(bounds))
        print(LEGEND)
    return 0


if __name__ == "__main__":
    sys.exit(main())
