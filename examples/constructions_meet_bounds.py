"""The Montufar et al. and Arora et al. constructions, counted exactly beside the bounds they attain.

Two families of networks with exact rational weights (``analyzer.constructions``), each at growing
depth:

* Montufar, Pascanu, Cho, Bengio 2014 (Thm 4): hidden widths [4, ..., 4, 3] with n0 = 2; folding
  layers and a final generic arrangement give prod_{l<L} floor(n_l/n0)^n0 * gp(n_L, n0) linear
  regions on the unit square (and at least as many over R^2): their lower bound, attained exactly.
* Arora, Basu, Mianjy, Mukherjee 2018: widths [2m, w, ..., w] (here m = w = 3) over R^2; a
  zonotope layer and zigzag layers give at least 2 sum_{j<n0} C(m-1, j) w^(L-1) linear regions.

Both theorems count linear regions (pieces of the function), so each construction is checked in
linear regions (``Construction.counts``); the activation regions are printed beside them. Each
count is compared with the bounds of ``analyzer.bounds.architecture_bounds`` for its architecture
(input, hidden widths, output 1), each bound with the count of what it counts: the construction's
own lower bound, which the count meets, and the upper bounds of Serra et al. 2018 and Montufar 2017
(on activation regions, hence on linear regions), which it must not exceed. The script writes, with
provenance (network hash, domain, version, LP path, time, date): a CSV and a LaTeX table of all
counts, a CSV of every bound check per construction, and a figure of counts against depth.

Run:  .venv/bin/python examples/constructions_meet_bounds.py [--fast] [--out DIR]
"""
from __future__ import annotations

import re
import time

from _example_args import example_arguments

from analyzer.bounds import RegionKind, architecture_bounds, check, violations
from analyzer.constructions import arora, montufar
from analyzer.enumerate import enumerate_regions
from analyzer.plot import new_figure, plot_counts_vs, save
from analyzer.provenance import provenance
from analyzer.report import checks_csv, counts_table_csv, counts_table_latex

UPPER = ("Serra et al. 2018 upper bound", "Montufar 2017 upper bound")


def bound_values(arch, names):
    by_name = {b.name: b for b in architecture_bounds(arch)}
    return [by_name[n].value for n in names]


def main(argv: list[str] | None = None) -> int:
    args, out = example_arguments(__doc__, "constructions", argv)

    folds = range(1, 3) if args.fast else range(1, 4)
    depths = range(2, 4) if args.fast else range(2, 6)
    families = {
        "Montufar et al. 2014": ("Montufar et al. 2014 lower bound",
                                 [montufar(2, [4] * k + [3]) for k in folds]),
        "Arora et al. 2018": ("Arora et al. 2018 zonotope family",
                              [arora(2, 3, 3, depth) for depth in depths]),
    }
    rows, failures = [], 0
    fig = new_figure(10.0, 4.0)
    axes = fig.subplots(1, len(families))
    for ax, (family, (lower_name, made)) in zip(axes, families.items()):
        print(f"{family}: exact counts on the construction's domain vs bounds for its architecture")
        print(f"{'architecture':16s} {'domain':14s} {'activation':>10s} {'linear':>7s} {'lower bound':>11s} "
              f"{'Serra upper':>12s} {'Montufar17 upper':>16s}  verdict")
        depths_seen, counts, series = [], [], {lower_name: [], **{n: [] for n in UPPER}}
        for c in made:
            started = time.perf_counter()
            regions = enumerate_regions(c.network, c.domain)
            seconds = time.perf_counter() - started
            arch = list(c.network.architecture)
            lower, *uppers = bound_values(arch, [lower_name, *UPPER])
            activation, linear = regions.activation_regions, regions.linear_regions
            counted = linear if c.counts is RegionKind.LINEAR else activation
            checks = check(architecture_bounds(arch), activation, regions.per_layer, linear)
            meets = counted == c.expected_regions if c.relation == "==" else counted >= c.expected_regions
            ok = meets and lower is not None and counted >= lower and not violations(checks)
            failures += not ok
            verdict = f"meets the lower bound in {c.counts.value}, within the upper bounds" if ok else "MISMATCH"
            print(f"{'-'.join(map(str, arch)):16s} {c.domain.description:14s} {activation:10d} {linear:7d} "
                  f"{lower:11d} {uppers[0]:12d} {uppers[1]:16d}  {verdict}")
            prov = provenance(c.network, c.domain, exact=False, seconds=seconds)
            rows.append((regions.to_json(), prov))
            slug = re.sub(r"[^A-Za-z0-9]+", "_", c.name).strip("_")
            (out / f"checks_{slug}.csv").write_text(checks_csv(checks, prov))
            depths_seen.append(len(regions.per_layer))
            counts.append(counted)
            for name, value in zip(series, (lower, *uppers)):
                series[name].append(value)
        plot_counts_vs(depths_seen, counts, series, "hidden layers", ax=ax, count_label=f"exact {made[0].counts.value}")
        ax.set_title(family)
        print()
    (out / "counts.csv").write_text(counts_table_csv(rows))
    (out / "counts.tex").write_text(counts_table_latex(
        rows, "Exact region counts of the Montufar et al. (2014) and Arora et al. (2018) constructions."))
    path = save(fig, out / "constructions_meet_bounds.pdf")
    print(f"wrote {out / 'counts.csv'}, {out / 'counts.tex'}, checks_*.csv and {path}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
