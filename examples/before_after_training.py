"""A small PyTorch net's regions on a box, before and after training on a toy 2-D task.

A 2-16-16-1 ReLU ``nn.Sequential`` (torch's default initialisation, seed fixed, CPU) is trained for
a few hundred Adam steps to tell the points inside the circle of radius 0.6 from those outside it
in [-1, 1]^2 (logistic loss). Its regions on the box are counted exactly before and after
training: ``analyzer.framework_loaders.torch_to_network`` reads the float32 weights as exact
rationals, so the counts are those of the very network torch evaluates. Training moves the
boundaries towards the decision boundary; a figure shows both partitions coloured by linear region,
with the circle drawn for reference. Without torch the script says so and exits 0.

Run:  .venv/bin/python examples/before_after_training.py [--fast] [--out DIR] [--steps N]
"""
from __future__ import annotations

import time

from _example_args import example_arguments

from analyzer.domain import box
from analyzer.enumerate import enumerate_regions
from analyzer.plot import new_figure, plot_partition, save
from analyzer.provenance import provenance
from analyzer.report import counts_table_csv

RADIUS = 0.6


def main(argv: list[str] | None = None) -> int:
    def extra(parser):
        parser.add_argument("--steps", type=int, default=None, help="training steps (default 400, 40 with --fast)")
        parser.add_argument("--seed", type=int, default=0)

    args, out = example_arguments(__doc__, "training", argv, extra)
    try:
        import torch
    except ImportError:
        print("torch is not installed: pip install 'regionscope[torch]' to run this example")
        return 0
    from analyzer.framework_loaders import torch_to_network

    width = 6 if args.fast else 16
    steps = args.steps if args.steps is not None else (40 if args.fast else 400)

    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    model = torch.nn.Sequential(torch.nn.Linear(2, width), torch.nn.ReLU(), torch.nn.Linear(width, width),
                                torch.nn.ReLU(), torch.nn.Linear(width, 1))
    x = torch.rand(2048, 2) * 2 - 1
    y = ((x ** 2).sum(dim=1) < RADIUS ** 2).float().unsqueeze(1)
    domain = box([-1, -1], [1, 1])

    def snapshot(label: str):
        net = torch_to_network(model)
        started = time.perf_counter()
        regions = enumerate_regions(net, domain)
        seconds = time.perf_counter() - started
        with torch.no_grad():
            accuracy = ((model(x) > 0).float() == y).float().mean().item()
        print(f"{label:15s} {regions.activation_regions:6d} activation regions, {regions.linear_regions:6d} linear "
              f"regions on [-1,1]^2 (per layer {list(regions.per_layer)}); training accuracy {accuracy:.1%}")
        return net, regions, provenance(net, domain, exact=False, seconds=seconds)

    arch = f"2-{width}-{width}-1"
    print(f"{arch} ReLU net, seed {args.seed}, {steps} Adam steps on 'inside the circle of radius {RADIUS}'")
    before = snapshot("before training")
    optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    for _ in range(steps):
        batch = torch.randint(0, len(x), (256,))
        optimiser.zero_grad()
        loss = loss_fn(model(x[batch]), y[batch])
        loss.backward()
        optimiser.step()
    after = snapshot(f"after {steps} steps")

    fig = new_figure(9.0, 4.4)
    for ax, (label, (_, regions, _)) in zip(fig.subplots(1, 2), (("before", before), ("after", after))):
        plot_partition(regions, domain, ax=ax, color_by="linear",
                       title=f"{label}: {regions.activation_regions} regions, {regions.linear_regions} linear")
        from matplotlib.patches import Circle
        ax.add_patch(Circle((0, 0), RADIUS, fill=False, color="k", lw=1.2, ls="--"))
    path = save(fig, out / "before_after_training.png")
    (out / "counts.csv").write_text(counts_table_csv([(before[1].to_json(), before[2]), (after[1].to_json(), after[2])]))
    print(f"wrote {path} and {out / 'counts.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
