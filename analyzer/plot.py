"""Figures of partitions, pieces and counts (matplotlib, imported only inside these functions).

Geometry is exact up to the last step: every polygon drawn is the exact V-representation
(``cdd.gmp``) of a region, clipped to a rational window when the domain is unbounded, and every
breakpoint of a 1-D plot is an exact rational; coordinates become floats only when handed to
matplotlib. Which edges a panel of :func:`plot_layers` shows as new is decided exactly too.

Conventions:

* Plots are drawn in the domain's *parameter* coordinates (``u`` for a segment, ``(u, v)`` for a
  slice; input coordinates when the domain lives in R^n itself).
* A domain that is unbounded (all of R^2, a half-plane, a whole plane slice) is drawn inside a
  *window*: the bounding box of every region's exact interior point and exact vertices, enlarged by a
  quarter of its larger side. Every region meets the window (its interior point lies strictly
  inside), so the number of polygons drawn is the number of regions, and every bounded region is
  drawn whole. Unbounded regions are cut at the window's edge.
* Figures are :class:`matplotlib.figure.Figure` objects on the Agg canvas, made without pyplot, so
  no global backend state is touched; :func:`save` writes png, pdf or svg by extension.
"""
from __future__ import annotations

import colorsys
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path

from analyzer.domain import Domain, DomainKind
from analyzer.errors import AnalyzerError, ShapeError
from analyzer.network import Network, network as make_network
from analyzer.polygons import Point2, Window, clipped_or_none, clipped_polygon, exact_value, window_forms, window_of
from analyzer.regions import Region, RegionSet
from geometry.exact import AffineForm, rational

_EDGE_OLD = "0.3"
_EDGE_NEW = "#d62728"
_GID = "regions"  # gid of the PolyCollection holding one polygon per region


# --- figure plumbing ------------------------------------------------------------------------------

def new_figure(width: float = 5.0, height: float = 4.5):
    """A Figure on the Agg canvas (no pyplot, no global backend)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise AnalyzerError("drawing needs matplotlib: pip install 'regionscope[plot]'") from None

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _axes(ax, width: float = 5.0, height: float = 4.5):
    return ax if ax is not None else new_figure(width, height).add_subplot()


_FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}


def save(fig, path: str | Path) -> Path:
    """Write the figure as png, pdf or svg, chosen by the extension; parent folders are created.

    pdf and svg are written without a creation date, so the same figure gives the same file. The
    saved area is the figure's drawn content plus a small margin (``bbox_inches="tight"``), so no
    tick label at a figure edge is cut."""
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise AnalyzerError(f"cannot save a figure as {path.suffix!r} ({str(path)!r}): use .png, .pdf or .svg")
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"pdf": {"CreationDate": None}, "svg": {"Date": None}}.get(fmt)
    fig.savefig(path, format=fmt, dpi=150, metadata=metadata, bbox_inches="tight", pad_inches=0.08)
    return path


def distinct_colors(n: int) -> list[tuple[float, float, float, float]]:
    """``n`` pairwise different RGBA colours, neighbours in the list far apart in hue.

    Hues ``((i * step) mod n) / n`` with ``step`` coprime to n are n different hues; at fixed
    saturation and value the HSV -> RGB map is injective, so the colours differ."""
    if n <= 0:
        return []
    step = max(1, round(n * 0.381966))  # golden-ratio stride through the hue circle
    while math.gcd(step, n) != 1:
        step += 1
    colors = []
    for i in range(n):
        r, g, b = colorsys.hsv_to_rgb(((i * step) % n) / n, 0.45, 0.95)
        colors.append((r, g, b, 1.0))
    return colors


# --- exact polygons -------------------------------------------------------------------------------

def _require_planar(domain: Domain) -> None:
    if domain.dim != 2:
        raise ShapeError(f"a partition plot needs a 2-D domain (a box or all of R^2 for a 2-input network, or a "
                         f"slice), got a {domain.dim}-D domain ({domain.description})")


def _floats(points: Sequence[Sequence[Fraction]]) -> list[tuple[float, ...]]:
    return [tuple(float(c) for c in p) for p in points]


def _axis_labels(ax, domain: Domain) -> None:
    if domain.origin is None:
        names = [f"$x_{i + 1}$" for i in range(domain.dim)]
    else:
        names = ["$u$", "$v$"][: domain.dim]
    ax.set_xlabel(names[0])
    if domain.dim == 2:
        ax.set_ylabel(names[1])


def _few_ticks(ax) -> None:
    """At most 5 ticks an axis, so that labels such as -0.75 do not run into each other on a narrow panel."""
    from matplotlib.ticker import MaxNLocator
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))


def _limits(ax, polygons: Sequence[Sequence[Point2]], window: Window | None) -> None:
    if window is not None:
        (x0, x1), (y0, y1) = window
    else:
        xs = [p[0] for poly in polygons for p in poly]
        ys = [p[1] for poly in polygons for p in poly]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    ax.set_xlim(float(x0), float(x1))
    ax.set_ylim(float(y0), float(y1))
    ax.set_aspect("equal")
    _few_ticks(ax)


# --- public plots ---------------------------------------------------------------------------------

def plot_partition(regionset: RegionSet, domain: Domain, ax=None, color_by: str = "pattern",
                   *, window: Window | None = None, title: str | None = None):
    """The 2-D partition of ``domain`` into ``regionset``'s activation regions, one filled polygon each.

    ``color_by="pattern"`` gives every activation region its own colour; ``color_by="linear"`` gives
    each linear region one colour (regions with one colour share an affine output map and are
    joined through shared edges), so the number of colours is ``regionset.linear_regions``.
    The polygons are one PolyCollection with gid ``"regions"``. Unbounded domains are drawn in
    ``window`` (default :func:`window_of`, which every region meets; regions that miss a smaller
    window given here are left out). Returns the Axes.
    """
    _require_planar(domain)
    if color_by not in ("pattern", "linear"):
        raise AnalyzerError(f"color_by must be 'pattern' or 'linear', got {color_by!r}")
    from matplotlib.collections import PolyCollection

    ax = _axes(ax)
    if window is None:
        window = window_of([regionset], domain)
    if color_by == "linear":
        labels = regionset.linear_region_labels
        palette = distinct_colors(len(set(labels)))
        colors = [palette[label] for label in labels]
    else:
        colors = distinct_colors(len(regionset.regions))
    drawn = [(p, c) for p, c in zip((clipped_or_none(r, window) for r in regionset.regions), colors) if p is not None]
    polygons = [p for p, _ in drawn]
    faces = [c for _, c in drawn]
    collection = PolyCollection([_floats(p) for p in polygons], facecolors=faces, edgecolors=_EDGE_OLD,
                                linewidths=0.4)
    collection.set_gid(_GID)
    ax.add_collection(collection)
    _limits(ax, polygons, window)
    _axis_labels(ax, domain)
    if title is None:
        count = regionset.linear_regions if color_by == "linear" else regionset.activation_regions
        what = "linear" if color_by == "linear" else "activation"
        title = f"{count} {what} regions" + ("" if regionset.complete else " (partial)")
    ax.set_title(title)
    return ax


def region_polygons(ax) -> list:
    """The region PolyCollections drawn on ``ax`` by :func:`plot_partition` or :func:`plot_layers`."""
    return [c for c in ax.collections if c.get_gid() == _GID]


def _splitting_depths(net: Network) -> list[int]:
    """1-based numbers of the layers that can split regions (all but identity layers)."""
    return [i + 1 for i, lay in enumerate(net.layers) if lay.activation.splits]


def layer_partitions(net: Network, domain: Domain, *, exact: bool = False) -> list[tuple[int, RegionSet]]:
    """``(l, regions of layers 1..l)`` for every layer l that splits, each from the truncated network."""
    from analyzer.enumerate import enumerate_regions

    return [(l, enumerate_regions(make_network(net.layers[:l]), domain, exact=exact)) for l in _splitting_depths(net)]


def new_edges(child: RegionSet, parent: RegionSet | None, domain: Domain, window: Window | None):
    """Edges of ``child``'s regions split into ``(new, old)``: an edge is new when its exact midpoint
    lies strictly inside its region's parent (the ``parent`` region whose pattern is a prefix of its
    own; the whole domain when ``parent`` is None), old when it lies on the parent's boundary.
    Edges on the boundary of the domain or window are in neither list."""
    outer = (*domain.region.forms, *window_forms(window))
    parents = {} if parent is None else {r.pattern: r for r in parent.regions}
    new: list[tuple[Point2, Point2]] = []
    old: list[tuple[Point2, Point2]] = []
    seen = set()
    for region in child.regions:
        if clipped_or_none(region, window) is None:
            continue
        _, edges = clipped_polygon(region, window)
        if parent is None:
            bounding: Sequence[AffineForm] = outer
        else:
            try:
                bounding = (*parents[region.pattern[:-1]].forms, *outer)
            except KeyError:
                raise ShapeError(f"region {region.pattern} has no parent among the previous layer's regions") from None
        for a, b in edges:
            key = frozenset((a, b))
            if key in seen:
                continue
            seen.add(key)
            mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
            if any(exact_value(f, mid) == 0 for f in outer):
                continue
            (new if all(exact_value(f, mid) > 0 for f in bounding) else old).append((a, b))
    return new, old


def plot_layers(net: Network, domain: Domain, out, *, exact: bool = False, window: Window | None = None):
    """Raghu et al.'s layered picture: panel l shows the partition after layers 1..l, boundaries new
    in layer l drawn in red, older ones in grey.

    ``out`` is a path (the figure is saved there, format by extension) or a sequence of Axes, one per
    splitting layer. Each panel's regions come from enumerating the network truncated after layer l.
    Unbounded domains share one window across panels (``window``, default :func:`window_of` over
    every panel's regions; a smaller window shows the middle of a far-reaching partition, with
    regions that miss it left out). Returns the Figure."""
    _require_planar(domain)
    from matplotlib.collections import LineCollection, PolyCollection

    partitions = layer_partitions(net, domain, exact=exact)
    if isinstance(out, (str, Path)):
        fig = new_figure(3.4 * len(partitions), 3.6)
        axes = fig.subplots(1, len(partitions), squeeze=False, sharey=True)[0]  # y ticks on the first panel only
        fig.get_layout_engine().set(wspace=0.12)  # room between panels for the x tick labels at their edges
        path = Path(out)
    else:
        axes = list(out)
        if len(axes) != len(partitions):
            raise ShapeError(f"plot_layers needs {len(partitions)} axes (one per splitting layer), got {len(axes)}")
        fig, path = axes[0].figure, None
    if window is None:
        window = window_of([rs for _, rs in partitions], domain)
    parent = None
    for ax, (l, rs) in zip(axes, partitions):
        polygons = [p for p in (clipped_or_none(r, window) for r in rs.regions) if p is not None]
        faces = [(*c[:3], 0.55) for c in distinct_colors(len(polygons))]
        fill = PolyCollection([_floats(p) for p in polygons], facecolors=faces, edgecolors="none")
        fill.set_gid(_GID)
        ax.add_collection(fill)
        new, old = new_edges(rs, parent, domain, window)
        ax.add_collection(LineCollection([_floats(e) for e in old], colors=_EDGE_OLD, linewidths=0.7))
        ax.add_collection(LineCollection([_floats(e) for e in new], colors=_EDGE_NEW, linewidths=1.3))
        _limits(ax, polygons, window)
        _axis_labels(ax, domain)
        if path is not None and ax is not axes[0]:
            ax.set_ylabel("")
        ax.set_title(f"after layer {l}: {rs.activation_regions} regions")
        parent = rs
    if path is not None:
        save(fig, path)
    return fig


def interval(region: Region) -> tuple[Fraction | None, Fraction | None]:
    """Exact ends ``(lo, hi)`` of a 1-D region from its forms ``b + a u >= 0`` (None: unbounded)."""
    lo = hi = None
    for b, a in region.forms:
        if a > 0:
            end = Fraction(-b, a)
            lo = end if lo is None or end > lo else lo
        elif a < 0:
            end = Fraction(-b, a)
            hi = end if hi is None or end < hi else hi
    return lo, hi


def _output(region: Region, u: Fraction) -> list[Fraction]:
    M, c = region.output_map
    return [row[0] * u + ci for row, ci in zip(M, c)]


def plot_function_1d(net: Network, segment_domain: Domain, ax=None, *, regions: RegionSet | None = None,
                     exact: bool = False, window: tuple[object, object] | None = None):
    """The network's exact piecewise-linear output along a 1-D domain (a segment, or a box or all of R
    for a 1-input network), one line per output, with the breakpoints marked.

    Each piece is drawn between its exact interval ends (:func:`interval`). Breakpoints where the
    affine map changes are filled dots; breakpoints between activation regions with one map (no
    kink in the output) are hollow. On an unbounded domain the first and last pieces are cut at a
    window around every finite end; ``window=(lo, hi)`` (exact numbers) draws only that range
    instead. The title counts the pieces in the whole domain. Returns the Axes."""
    if segment_domain.dim != 1:
        raise ShapeError(f"plot_function_1d needs a 1-D domain, got a {segment_domain.dim}-D one "
                         f"({segment_domain.description})")
    if regions is None:
        from analyzer.enumerate import enumerate_regions
        regions = enumerate_regions(net, segment_domain, exact=exact)
    ax = _axes(ax, 6.0, 3.6)
    ends = [interval(r) for r in regions.regions]
    finite = [e for pair in ends for e in pair if e is not None] + [r.point[0] for r in regions.regions]
    span = max(finite) - min(finite)
    pad = span / 4 if span > 0 else Fraction(1)
    left, right = min(finite) - pad, max(finite) + pad
    if window is not None:
        left, right = (rational(v) for v in window)
        if not left < right:
            raise ShapeError(f"plot window [{left}, {right}] is empty")
    order = sorted(range(len(ends)), key=lambda i: regions.regions[i].point[0])
    n_out = len(regions.regions[0].output_map[1]) if regions.regions else 0
    colors = ["C0", "C1", "C2", "C3", "C4", "C5"]
    kinks: list[tuple[Fraction, list[Fraction]]] = []
    flat: list[tuple[Fraction, list[Fraction]]] = []
    for position, i in enumerate(order):
        region = regions.regions[i]
        lo, hi = ends[i]
        a, b = (left if lo is None else max(lo, left)), (right if hi is None else min(hi, right))
        if a >= b:
            continue
        ya, yb = _output(region, a), _output(region, b)
        for k in range(n_out):
            ax.plot([float(a), float(b)], [float(ya[k]), float(yb[k])], color=colors[k % len(colors)], lw=1.4,
                    label=f"output {k + 1}" if position == 0 and n_out > 1 else None)
        if position + 1 < len(order) and hi is not None and hi < right:
            following = regions.regions[order[position + 1]]
            (kinks if following.output_map != region.output_map else flat).append((hi, yb))
    for points, style in ((kinks, dict(color="k", s=14, zorder=3)),
                          (flat, dict(facecolors="none", edgecolors="k", s=18, zorder=3))):
        for u, ys in points:
            ax.scatter([float(u)] * n_out, [float(y) for y in ys], **style)
    if window is None:
        left = left if any(lo is None for lo, _ in ends) else min(finite)
        right = right if any(hi is None for _, hi in ends) else max(finite)
    ax.set_xlim(float(left), float(right))
    if segment_domain.kind is DomainKind.SEGMENT:
        ax.set_xlabel("$u$ (position along the segment, 0 to 1)")
    else:
        _axis_labels(ax, segment_domain)
    ax.set_ylabel("network output")
    ax.set_title(f"{regions.linear_regions} linear pieces, {regions.activation_regions} activation regions")
    if n_out > 1:
        ax.legend(fontsize="small")
    return ax


def plot_counts_vs(values: Sequence[object], counts: Sequence[int | None],
                   bounds_by_name: Mapping[str, Sequence[int | None]], xlabel: str, ax=None,
                   *, count_label: str = "exact count"):
    """Counts against depth or width (or any parameter) beside bounds, on a log scale.

    ``counts[i]`` and every ``bounds_by_name[name][i]`` belong to ``values[i]``; None entries (a
    bound that does not apply there) and values too large for a float are left out. The count is a
    thick grey line under the bounds, each bound drawn over it with its own hollow marker, so a bound
    that the count attains (or that equals another bound) stays visible; integer ``values`` get
    integer ticks. Returns the Axes."""
    from matplotlib.ticker import MaxNLocator

    for name, series in bounds_by_name.items():
        if len(series) != len(values):
            raise ShapeError(f"bound {name!r} has {len(series)} values for {len(values)} x values")
    if len(counts) != len(values):
        raise ShapeError(f"{len(counts)} counts for {len(values)} x values")
    ax = _axes(ax, 5.5, 4.0)

    def finite(series):
        pairs = [(x, y) for x, y in zip(values, series) if y is not None and 0 < y < 1e300]
        return [float(x) for x, _ in pairs], [float(y) for _, y in pairs]

    styles = ["--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1))]
    markers = ["o", "s", "^", "v", "D"]
    for index, (name, series) in enumerate(bounds_by_name.items()):
        xs, ys = finite(series)
        ax.plot(xs, ys, linestyle=styles[index % len(styles)], marker=markers[index % len(markers)],
                ms=9 - 1.5 * (index % len(markers)), mfc="none", mew=1.3, lw=1.3, label=name, zorder=3)
    xs, ys = finite(counts)
    ax.plot(xs, ys, "-", color="0.55", lw=4, marker="o", ms=4, mfc="k", mec="k", label=count_label, zorder=2)
    ax.set_yscale("log")
    if all(isinstance(v, int) for v in values):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("regions")
    ax.legend(fontsize="small")
    return ax
