"""analyzer/plot.py (needs the plot extra: skipped without matplotlib).

Figures are checked by what they hold, not by pixels: one polygon per region, one colour per
linear region, breakpoints where the exact function bends, new boundaries where a layer adds them.
"""
from __future__ import annotations

import random
from fractions import Fraction as F

import pytest

pytest.importorskip("matplotlib")

from analyzer import plot  # noqa: E402
from analyzer.constructions import sawtooth  # noqa: E402
from analyzer.domain import all_space, box, plane_slice, segment  # noqa: E402
from analyzer.enumerate import enumerate_regions  # noqa: E402
from analyzer.errors import AnalyzerError, ShapeError  # noqa: E402
from analyzer.network import layer, network  # noqa: E402

SQUARE = box([-1, -1], [1, 1])


def random_net(seed: int, widths=(4, 4), n0: int = 2):
    """Small exact rational weights (p/4), so that every count is reproducible."""
    rng = random.Random(seed)
    sizes = [n0, *widths, 1]
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        W = [[F(rng.randint(-8, 8), 4) for _ in range(a)] for _ in range(b)]
        bias = [F(rng.randint(-4, 4), 4) for _ in range(b)]
        layers.append(layer(W, bias, "relu" if i < len(sizes) - 2 else "identity", index=i + 1))
    return network(layers)


def half_dead_net():
    """relu(x), relu(y), output relu(x): 4 activation regions (quadrants), 2 linear regions (x < 0
    where the output is 0, x > 0 where it is x)."""
    return network([layer([[1, 0], [0, 1]], [0, 0], "relu"), layer([[1, 0]], [0], "identity")])


def face_colors(ax):
    (collection,) = plot.region_polygons(ax)
    return collection, {tuple(c) for c in collection.get_facecolors()}


# --- partitions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("domain", [SQUARE, all_space(2), plane_slice([0, 0, 1], [1, 0, 0], [0, 1, 0])],
                         ids=["box", "plane", "slice"])
def test_one_polygon_and_one_colour_per_region(domain):
    net = random_net(1) if domain.input_dim == 2 else random_net(1, n0=3)
    regions = enumerate_regions(net, domain)
    ax = plot.plot_partition(regions, domain)
    collection, colours = face_colors(ax)
    assert len(collection.get_paths()) == regions.activation_regions > 4
    assert len(colours) == regions.activation_regions


def test_linear_colouring_has_one_colour_per_linear_region():
    for net, domain in ((half_dead_net(), SQUARE), (half_dead_net(), all_space(2)), (random_net(2), SQUARE)):
        regions = enumerate_regions(net, domain)
        ax = plot.plot_partition(regions, domain, color_by="linear")
        collection, colours = face_colors(ax)
        assert len(collection.get_paths()) == regions.activation_regions
        assert len(colours) == regions.linear_regions
    regions = enumerate_regions(half_dead_net(), SQUARE)
    assert (regions.activation_regions, regions.linear_regions) == (4, 2)


def test_a_smaller_window_leaves_out_the_regions_that_miss_it():
    regions = enumerate_regions(half_dead_net(), all_space(2))
    ax = plot.plot_partition(regions, all_space(2), window=((F(1), F(2)), (F(-1), F(2))))
    collection, _ = face_colors(ax)
    assert len(collection.get_paths()) == 2  # the quadrants with x > 0
    assert ax.get_xlim() == (1.0, 2.0)


def test_partition_rejects_other_dimensions_and_options():
    net = network([layer([[1]], [0], "relu"), layer([[1]], [0], "identity")])
    regions = enumerate_regions(net, box([0], [1]))
    with pytest.raises(ShapeError):
        plot.plot_partition(regions, box([0], [1]))
    with pytest.raises(AnalyzerError):
        plot.plot_partition(enumerate_regions(half_dead_net(), SQUARE), SQUARE, color_by="volume")


# --- layered picture ------------------------------------------------------------------------------

def test_layers_panels_match_the_truncated_networks(tmp_path):
    net = random_net(4, widths=(3, 3, 3))
    path = tmp_path / "layers.png"
    fig = plot.plot_layers(net, SQUARE, path)
    assert path.exists() and path.stat().st_size > 0
    assert len(fig.axes) == 3
    for ax, (l, rs) in zip(fig.axes, plot.layer_partitions(net, SQUARE)):
        (collection,) = plot.region_polygons(ax)
        assert len(collection.get_paths()) == rs.activation_regions
        assert rs.activation_regions == enumerate_regions(net, SQUARE).per_layer[l - 1]


def test_new_boundaries_are_exactly_the_ones_a_layer_adds():
    # layer 1 cuts along x = 0 and y = 0; layer 2's unit relu(u1 - 1/2) cuts along x = 1/2, where
    # u1 = relu(x) is not constant, and nowhere else; its unit relu(u2) repeats y = 0 and adds nothing
    net = network([layer([[1, 0], [0, 1]], [0, 0], "relu"),
                   layer([[1, 0], [0, 1]], [F(-1, 2), 0], "relu"),
                   layer([[1, 1]], [0], "identity")])
    (_, first), (_, second) = plot.layer_partitions(net, SQUARE)
    new1, old1 = plot.new_edges(first, None, SQUARE, None)
    assert old1 == [] and {frozenset(e) for e in new1} == {
        frozenset({(F(0), F(-1)), (F(0), F(0))}), frozenset({(F(0), F(0)), (F(0), F(1))}),
        frozenset({(F(-1), F(0)), (F(0), F(0))}), frozenset({(F(0), F(0)), (F(1), F(0))})}
    new2, old2 = plot.new_edges(second, first, SQUARE, None)
    assert new2 and all(a[0] == b[0] == F(1, 2) for a, b in new2)
    assert old2 and all(a[0] == b[0] == 0 or a[1] == b[1] == 0 for a, b in old2)


def test_layers_on_the_whole_plane_share_one_window(tmp_path):
    fig = plot.plot_layers(random_net(5), all_space(2), tmp_path / "plane.svg")
    limits = {(ax.get_xlim(), ax.get_ylim()) for ax in fig.axes}
    assert len(limits) == 1
    assert (tmp_path / "plane.svg").stat().st_size > 0


def test_layers_draw_into_given_axes():
    fig = plot.new_figure()
    axes = fig.subplots(1, 2)
    assert plot.plot_layers(random_net(5), SQUARE, axes) is fig
    assert all(len(plot.region_polygons(ax)) == 1 for ax in axes)
    with pytest.raises(ShapeError, match="2 axes"):
        plot.plot_layers(random_net(5), SQUARE, axes[:1])


# --- 1-D functions and count plots ----------------------------------------------------------------

def test_function_1d_marks_every_bend_of_the_sawtooth():
    made = sawtooth(3)
    ax = plot.plot_function_1d(made.network, made.domain)
    assert len(ax.lines) == 8  # one segment per piece
    marked = sum(len(c.get_offsets()) for c in ax.collections)
    assert marked == 7
    xs = sorted(float(c.get_offsets()[0][0]) for c in ax.collections)
    assert xs == [k / 8 for k in range(1, 8)]


def test_function_1d_along_a_segment_and_with_a_window():
    net = random_net(6, n0=3)
    dom = segment([-2, 1, 0], [2, -1, 1])
    regions = enumerate_regions(net, dom)
    ax = plot.plot_function_1d(net, dom, regions=regions)
    assert len(ax.lines) == regions.activation_regions
    assert ax.get_xlim() == (0.0, 1.0)
    line = network([layer([[1]], [0], "relu"), layer([[1]], [0], "identity")])
    ax = plot.plot_function_1d(line, all_space(1), window=("-1/2", 2))
    assert ax.get_xlim() == (-0.5, 2.0)
    with pytest.raises(ShapeError):
        plot.plot_function_1d(net, box([0, 0, 0], [1, 1, 1]))


def test_counts_vs_depth_on_a_log_scale():
    ax = plot.plot_counts_vs([1, 2, 3], [7, 28, 112], {"upper": [77, 847, 9317], "lower": [7, None, 112],
                                                     "huge": [10 ** 400, 2, 3]}, "depth")
    assert ax.get_yscale() == "log" and len(ax.lines) == 4
    assert len(ax.lines[1].get_xdata()) == 2 and len(ax.lines[2].get_xdata()) == 2
    with pytest.raises(ShapeError):
        plot.plot_counts_vs([1, 2], [1], {}, "depth")


@pytest.mark.parametrize("suffix", [".png", ".pdf", ".svg"])
def test_save_by_extension(tmp_path, suffix):
    ax = plot.plot_partition(enumerate_regions(half_dead_net(), SQUARE), SQUARE)
    path = plot.save(ax.figure, tmp_path / "sub" / f"figure{suffix}")
    data = path.read_bytes()
    assert len(data) > 0
    assert data.startswith({".png": b"\x89PNG", ".pdf": b"%PDF", ".svg": b"<?xml"}[suffix])


def test_save_rejects_unknown_extensions(tmp_path):
    with pytest.raises(AnalyzerError, match="png"):
        plot.save(plot.new_figure(), tmp_path / "figure.jpg")


def test_distinct_colours_are_distinct():
    for n in (1, 2, 7, 64, 1000):
        assert len(set(plot.distinct_colors(n))) == n


# --- readable figures -----------------------------------------------------------------------------

def tick_label_boxes(fig):
    """Window extents of every tick label drawn (ticks inside the view limits, with text), at the
    resolution plot.save writes (150 dpi)."""
    fig.set_dpi(150)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = []
    for ax in fig.axes:
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                label = tick.label1
                if lo <= tick.get_loc() <= hi and label.get_visible() and label.get_text():
                    boxes.append((name, label.get_text(), label.get_window_extent(renderer)))
    return boxes


def assert_tick_labels_fit(fig):
    """No two tick labels overlap, labels of x axes (of y axes) are at least 0.1 inch apart from each
    other, and every label lies inside the figure (none cut at an edge)."""
    boxes = tick_label_boxes(fig)
    assert boxes
    width, height = fig.canvas.get_width_height(physical=True)
    margin = 0.05 * fig.dpi
    for _, text, extent in boxes:
        assert extent.x0 >= 0 and extent.y0 >= 0 and extent.x1 <= width and extent.y1 <= height, (text, extent)
    for i, (axis_a, text_a, a) in enumerate(boxes):
        for axis_b, text_b, b in boxes[i + 1:]:
            pad = margin if axis_a == axis_b else 0
            assert not a.padded(pad).overlaps(b.padded(pad)), (text_a, a, text_b, b)


@pytest.mark.parametrize("domain", [SQUARE, all_space(2)], ids=["box", "plane"])
def test_layer_panels_keep_their_tick_labels_apart(tmp_path, domain):
    """Three panels side by side: the x labels at the panels' edges (1.0 and -1.0 on the box) must
    not run into each other, and the right panel's last label must stay in the figure."""
    fig = plot.plot_layers(random_net(4, widths=(3, 3, 3)), domain, tmp_path / "layers.png")
    assert_tick_labels_fit(fig)
    assert [ax.yaxis.get_label_text() for ax in fig.axes] == ["$x_2$", "", ""]


def test_partition_tick_labels_fit():
    ax = plot.plot_partition(enumerate_regions(random_net(3), all_space(2)), all_space(2))
    assert_tick_labels_fit(ax.figure)


def test_counts_vs_depth_has_integer_ticks_and_bounds_over_the_count():
    """Two panels as in examples/constructions_meet_bounds.py: depths 2..5 get the ticks 2, 3, 4, 5
    (no 2.25), and a lower bound equal to the count is drawn over it (higher zorder), so it shows."""
    fig = plot.new_figure(10.0, 4.0)
    left, right = fig.subplots(1, 2)
    plot.plot_counts_vs([2, 3, 4], [28, 112, 448], {"lower": [28, 112, 448], "upper": [77, 847, 9317]},
                        "hidden layers", ax=left)
    plot.plot_counts_vs([2, 3, 4, 5], [18, 54, 162, 486], {"lower": [18, 54, 162, 486]}, "hidden layers", ax=right)
    for ax, depths in ((left, [2, 3, 4]), (right, [2, 3, 4, 5])):
        lo, hi = ax.get_xlim()
        assert [t for t in ax.get_xticks() if lo <= t <= hi] == depths
        *bounds, count = ax.lines
        assert all(b.get_zorder() > count.get_zorder() for b in bounds)
        assert len({b.get_marker() for b in bounds}) == len(bounds)
    assert_tick_labels_fit(fig)
