"""analyzer/framework_loaders.py, ONNX: models -> exact Network.

Every loader is checked against onnx.reference.ReferenceEvaluator on double tensors at random
points: the outputs, the pre-activation of every splitting layer (as intermediate tensors), and the
activation pattern (framework_checks.assert_agrees). Skipped as a whole when onnx is not installed.
"""
from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from onnx.reference import ReferenceEvaluator  # noqa: E402

from framework_checks import B1, B2, B3, W1, W2, W3, assert_agrees, floats, hand_network, summary  # noqa: E402
from analyzer.errors import ModelFileError, ShapeError, UnsupportedLayerError  # noqa: E402
from analyzer.framework_loaders import onnx_to_network  # noqa: E402
from analyzer.loaders import load  # noqa: E402
from analyzer.network import forward  # noqa: E402


# --- ONNX -----------------------------------------------------------------------------------------

def onnx_model(nodes, inits: dict, in_shape, *, opset: int = 17, dtype=np.float64):
    elem = TensorProto.DOUBLE if dtype == np.float64 else TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, "chain", [helper.make_tensor_value_info("x", elem, ["N", *in_shape])],
        [helper.make_tensor_value_info("y", elem, None)],
        [numpy_helper.from_array(np.asarray(a), name) for name, a in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model = onnx.shape_inference.infer_shapes(model, strict_mode=True)  # fills in the output's shape
    onnx.checker.check_model(model)  # every graph here, the failing ones included, is valid ONNX
    return model


def check_onnx(tmp_path, model, in_shape, preacts: list[str], activations: list[str], *,
               points: int = 5, scale: float = 1.0, seed: int = 0, dtype=np.float64):
    path = tmp_path / "model.onnx"
    onnx.save(model, path)
    net = load(path)
    assert net == onnx_to_network(model)
    rng = np.random.default_rng(seed)
    X = (rng.standard_normal((points, int(np.prod(in_shape)))) * scale).astype(dtype)
    results = ReferenceEvaluator(model).run(["y", *preacts], {"x": X.reshape(points, *in_shape)})
    flat = [np.asarray(r, dtype=np.float64).reshape(points, -1) for r in results]
    assert_agrees(net, X.astype(np.float64), flat[0], flat[1:], activations)
    return net


def rand(rng, *shape):
    return rng.standard_normal(shape)


def test_onnx_gemm_transb_alpha_beta(tmp_path):
    rng = np.random.default_rng(10)
    nodes = [helper.make_node("Gemm", ["x", "B1", "C1"], ["z1"], transB=0, alpha=0.5, beta=-2.0),
             helper.make_node("Relu", ["z1"], ["h1"]),
             helper.make_node("Gemm", ["h1", "B2", "C2"], ["z2"], transB=1, alpha=0.3, beta=1.7),
             helper.make_node("LeakyRelu", ["z2"], ["h2"], alpha=0.2),
             helper.make_node("Gemm", ["h2", "B3", "C3"], ["y"], transB=1)]
    inits = {"B1": rand(rng, 4, 5), "C1": rand(rng, 5), "B2": rand(rng, 3, 5), "C2": rand(rng),  # scalar C
             "B3": rand(rng, 2, 3), "C3": rand(rng, 2)}
    net = check_onnx(tmp_path, onnx_model(nodes, inits, (4,)), (4,), ["z1", "z2"],
                     ["relu", f"leaky_relu:{F(float(np.float32(0.2)))}", "identity"], points=8)
    assert net.architecture == (4, 5, 3, 2)


def test_onnx_gemm_without_bias_and_float32(tmp_path):
    rng = np.random.default_rng(11)
    B = rand(rng, 3, 2).astype(np.float32)
    B[0, 0] = np.float32(0.1)
    model = onnx_model([helper.make_node("Gemm", ["x", "B"], ["z"]), helper.make_node("Relu", ["z"], ["y"])],
                       {"B": B}, (3,), dtype=np.float32)
    path = tmp_path / "f32.onnx"
    onnx.save(model, path)
    net = load(path)
    (lay,) = net.layers
    assert lay.weights == tuple(tuple(F(float(B[i, j])) for i in range(3)) for j in range(2))
    assert lay.weights[0][0] == F(float(np.float32(0.1))) != F(1, 10)
    assert lay.bias == (0, 0)


def test_onnx_matmul_add_sub_leaky_clip_inputs(tmp_path):
    rng = np.random.default_rng(12)
    bias2 = numpy_helper.from_array(rand(rng, 3), "k")
    nodes = [helper.make_node("MatMul", ["x", "M1"], ["m1"]),
             helper.make_node("Add", ["m1", "c1"], ["z1"]),
             helper.make_node("LeakyRelu", ["z1"], ["h1"], alpha=0.05),
             helper.make_node("MatMul", ["h1", "M2"], ["m2"]),
             helper.make_node("Constant", [], ["k"], value=bias2),
             helper.make_node("Add", ["k", "m2"], ["a2"]),  # data on the right of a commutative Add
             helper.make_node("Sub", ["a2", "c2"], ["z2"]),
             helper.make_node("Clip", ["z2", "lo", "hi"], ["h2"]),
             helper.make_node("MatMul", ["h2", "M3"], ["y"])]
    inits = {"M1": rand(rng, 4, 6), "c1": rand(rng, 6), "M2": rand(rng, 6, 3), "c2": rand(rng, 3),
             "lo": np.array(-1.0), "hi": np.array(1.0), "M3": rand(rng, 3, 2)}
    check_onnx(tmp_path, onnx_model(nodes, inits, (4,), opset=13), (4,), ["z1", "z2"],
               [f"leaky_relu:{F(float(np.float32(0.05)))}", "hardtanh", "identity"], points=8, scale=2.0)


@pytest.mark.parametrize("opset", [11, 13, 17])
def test_onnx_clip_with_min_max_inputs(tmp_path, opset):
    rng = np.random.default_rng(13)
    nodes = [helper.make_node("Gemm", ["x", "B"], ["z"], transB=1),
             helper.make_node("Clip", ["z", "lo", "hi"], ["y"])]
    inits = {"B": rand(rng, 6, 3), "lo": np.array(-1.0), "hi": np.array(1.0)}
    check_onnx(tmp_path, onnx_model(nodes, inits, (3,), opset=opset), (3,), ["z"], ["hardtanh"], scale=2.0)


def test_onnx_clip_with_attributes_opset_6(tmp_path):
    rng = np.random.default_rng(14)
    nodes = [helper.make_node("MatMul", ["x", "B"], ["z"]),
             helper.make_node("Clip", ["z"], ["y"], min=-1.0, max=1.0)]
    check_onnx(tmp_path, onnx_model(nodes, {"B": rand(rng, 3, 6)}, (3,), opset=6), (3,), ["z"], ["hardtanh"],
               scale=2.0)


def test_onnx_conv_batchnorm_pool_flatten(tmp_path):
    rng = np.random.default_rng(15)
    nodes = [helper.make_node("Conv", ["x", "K1", "k1"], ["c1"], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
             helper.make_node("BatchNormalization", ["c1", "g", "b", "m", "v"], ["z1"], epsilon=1e-3),
             helper.make_node("Relu", ["z1"], ["h1"]),
             helper.make_node("Conv", ["h1", "K2"], ["z2"], strides=[2, 2], group=2),
             helper.make_node("LeakyRelu", ["z2"], ["h2"], alpha=0.1),
             helper.make_node("AveragePool", ["h2"], ["p"], kernel_shape=[2, 2], strides=[1, 1]),
             helper.make_node("Flatten", ["p"], ["f"]),
             helper.make_node("Gemm", ["f", "B", "C"], ["y"], transB=1)]
    inits = {"K1": rand(rng, 4, 2, 3, 3), "k1": rand(rng, 4), "g": rand(rng, 4), "b": rand(rng, 4),
             "m": rand(rng, 4), "v": rng.uniform(0.25, 3, 4), "K2": rand(rng, 4, 2, 2, 2),
             "B": rand(rng, 3, 16), "C": rand(rng, 3)}
    net = check_onnx(tmp_path, onnx_model(nodes, inits, (2, 6, 6)), (2, 6, 6), ["z1", "z2"],
                     ["relu", f"leaky_relu:{F(float(np.float32(0.1)))}", "identity"], points=3)
    assert net.architecture == (72, 144, 36, 3)


@pytest.mark.parametrize("attrs", [dict(pads=[1, 0, 0, 2], strides=[2, 1], dilations=[1, 2]),
                                   dict(pads=[0, 2, 1, 0], dilations=[2, 1], group=2),
                                   dict(strides=[1, 3], group=2)])
def test_onnx_conv_options(tmp_path, attrs):
    rng = np.random.default_rng(16)
    groups = attrs.get("group", 1)
    nodes = [helper.make_node("Conv", ["x", "K"], ["z"], **attrs), helper.make_node("Relu", ["z"], ["y"])]
    check_onnx(tmp_path, onnx_model(nodes, {"K": rand(rng, 4, 2 // groups, 3, 2)}, (2, 5, 6)), (2, 5, 6),
               ["z"], ["relu"], points=3)


def test_onnx_reshape_and_batchnorm_on_vectors(tmp_path):
    rng = np.random.default_rng(17)
    nodes = [helper.make_node("Reshape", ["x", "s"], ["r"]),
             helper.make_node("BatchNormalization", ["r", "g", "b", "m", "v"], ["z"]),
             helper.make_node("Relu", ["z"], ["h"]),
             helper.make_node("Dropout", ["h"], ["d"]),
             helper.make_node("Identity", ["d"], ["i"]),
             helper.make_node("MatMul", ["i", "M"], ["y"])]
    inits = {"s": np.array([-1, 12], dtype=np.int64), "g": rand(rng, 12), "b": rand(rng, 12), "m": rand(rng, 12),
             "v": rng.uniform(0.25, 3, 12), "M": rand(rng, 12, 2)}
    check_onnx(tmp_path, onnx_model(nodes, inits, (3, 2, 2)), (3, 2, 2), ["z"], ["relu", "identity"])


def test_onnx_avgpool_entries_are_exactly_one_over_the_window(tmp_path):
    model = onnx_model([helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], strides=[3, 3])],
                       {}, (1, 3, 6))
    path = tmp_path / "pool.onnx"
    onnx.save(model, path)
    (lay,) = load(path).layers
    assert [[k for k, v in enumerate(row) if v] for row in lay.weights] == [[0, 1, 2, 6, 7, 8, 12, 13, 14],
                                                                           [3, 4, 5, 9, 10, 11, 15, 16, 17]]
    assert all(v == F(1, 9) for row in lay.weights for v in row if v)


def test_onnx_region_count_matches_the_hand_written_network(tmp_path):
    def arr(rows):
        return np.array([[float(F(v)) for v in row] for row in rows])
    nodes = [helper.make_node("Gemm", ["x", "B1", "C1"], ["z1"], transB=1),
             helper.make_node("Relu", ["z1"], ["h1"]),
             helper.make_node("MatMul", ["h1", "M2"], ["m2"]),
             helper.make_node("Add", ["m2", "C2"], ["z2"]),
             helper.make_node("Relu", ["z2"], ["h2"]),
             helper.make_node("Gemm", ["h2", "B3", "C3"], ["y"], transB=0)]
    inits = {"B1": arr(W1), "C1": arr([B1])[0], "M2": arr(W2).T, "C2": arr([B2])[0], "B3": arr(W3).T,
             "C3": arr([B3])[0]}
    path = tmp_path / "tiny.onnx"
    onnx.save(onnx_model(nodes, inits, (2,)), path)
    loaded = load(path)
    assert loaded == hand_network()
    assert summary(loaded) == summary(hand_network())


@pytest.mark.parametrize("op,attrs", [("MaxPool", dict(kernel_shape=[2, 2])), ("Sigmoid", {}), ("Tanh", {}),
                                      ("Softmax", {}), ("GlobalAveragePool", {})])
def test_onnx_unsupported_operator(tmp_path, op, attrs):
    nodes = [helper.make_node("Relu", ["x"], ["h"]), helper.make_node(op, ["h"], ["y"], **attrs)]
    path = tmp_path / "bad.onnx"
    onnx.save(onnx_model(nodes, {}, (1, 4, 4)), path)
    with pytest.raises(UnsupportedLayerError, match=op) as info:
        load(path)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("low,high", [(-2.0, 2.0), (0.0, 1.0), (-1.0, 6.0)])
def test_onnx_clip_outside_minus_one_one_is_rejected(low, high):
    nodes = [helper.make_node("Clip", ["x", "lo", "hi"], ["y"])]
    model = onnx_model(nodes, {"lo": np.array(low), "hi": np.array(high)}, (3,))
    with pytest.raises(UnsupportedLayerError, match="Clip"):
        onnx_to_network(model)


def test_onnx_clip_without_max_is_rejected():
    model = onnx_model([helper.make_node("Clip", ["x", "lo"], ["y"])], {"lo": np.array(-1.0)}, (3,))
    with pytest.raises(UnsupportedLayerError, match="Clip"):
        onnx_to_network(model)


def test_onnx_unsupported_graph_shapes():
    rng = np.random.default_rng(18)
    gemm_a = onnx_model([helper.make_node("Gemm", ["x", "B"], ["y"], transA=1)], {"B": rand(rng, 1, 2)}, (1,))
    with pytest.raises(UnsupportedLayerError, match="transA"):
        onnx_to_network(gemm_a)
    right = onnx_model([helper.make_node("MatMul", ["M", "x"], ["y"])], {"M": rand(rng, 3, 1)}, (1,))
    with pytest.raises(UnsupportedLayerError, match="MatMul"):
        onnx_to_network(right)
    branch = onnx_model([helper.make_node("Relu", ["x"], ["h"]), helper.make_node("Relu", ["x"], ["h2"]),
                         helper.make_node("Add", ["h", "h2"], ["y"])], {}, (3,))
    with pytest.raises(UnsupportedLayerError, match="main chain"):
        onnx_to_network(branch)


@pytest.mark.parametrize("content", [b"\xff\xff\xff\xff not protobuf \x00\x01", b"hello, this is not an onnx model"])
def test_corrupt_onnx_file(tmp_path, content):
    path = tmp_path / "broken.onnx"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match="broken.onnx"):
        load(path)


def test_truncated_onnx_file(tmp_path):
    rng = np.random.default_rng(19)
    good = tmp_path / "good.onnx"
    onnx.save(onnx_model([helper.make_node("Gemm", ["x", "B"], ["y"])], {"B": rand(rng, 4, 3)}, (4,)), good)
    path = tmp_path / "truncated.onnx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ModelFileError, match="truncated.onnx"):
        load(path)


# --- ONNX bugs found while writing these tests (each fails until the loader is fixed) -------------

def test_onnx_averagepool_strides_default_to_one(tmp_path):
    """ONNX AveragePool: 'If not present, the stride defaults to 1 along each spatial axis' (unlike
    torch, where it defaults to the kernel). On a 1x4x4 input kernel 2x2 gives 3x3 = 9 outputs."""
    model = onnx_model([helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[2, 2])], {}, (1, 4, 4))
    net = check_onnx(tmp_path, model, (1, 4, 4), [], ["identity"], points=3)
    assert net.architecture == (16, 9)


def test_onnx_empty_file_is_a_model_file_error(tmp_path):
    """An empty .onnx file parses as an empty ModelProto; it is a corrupt file, not a graph with 0 inputs."""
    path = tmp_path / "empty.onnx"
    path.write_bytes(b"")
    with pytest.raises(ModelFileError, match="empty.onnx"):
        load(path)


def test_onnx_gemm_bias_of_shape_1_by_n(tmp_path):
    """Gemm's C broadcasts unidirectionally to (M, N); C of shape (1, N) is valid ONNX."""
    rng = np.random.default_rng(20)
    nodes = [helper.make_node("Gemm", ["x", "B", "C"], ["z"], transB=1), helper.make_node("Relu", ["z"], ["y"])]
    check_onnx(tmp_path, onnx_model(nodes, {"B": rand(rng, 3, 4), "C": rand(rng, 1, 3)}, (4,)), (4,), ["z"], ["relu"])


def test_onnx_per_channel_add(tmp_path):
    """Add of a (C, 1, 1) constant to a (C, H, W) tensor: a per-channel bias, valid numpy-style broadcast."""
    rng = np.random.default_rng(21)
    nodes = [helper.make_node("Conv", ["x", "K"], ["c"]), helper.make_node("Add", ["c", "k"], ["z"]),
             helper.make_node("Relu", ["z"], ["y"])]
    check_onnx(tmp_path, onnx_model(nodes, {"K": rand(rng, 2, 1, 2, 2), "k": rand(rng, 2, 1, 1)}, (1, 3, 3)),
               (1, 3, 3), ["z"], ["relu"])


def test_onnx_conv_auto_pad_is_honoured_or_rejected(tmp_path):
    """auto_pad=SAME_UPPER pads to keep 4x4; the loader ignored the attribute (no padding, 2x2 output)."""
    rng = np.random.default_rng(22)
    nodes = [helper.make_node("Conv", ["x", "K"], ["z"], auto_pad="SAME_UPPER"), helper.make_node("Relu", ["z"], ["y"])]
    model = onnx_model(nodes, {"K": rand(rng, 2, 1, 3, 3)}, (1, 4, 4))
    try:
        onnx_to_network(model)
    except UnsupportedLayerError:
        return
    check_onnx(tmp_path, model, (1, 4, 4), ["z"], ["relu"], points=3)


def test_onnx_leaky_relu_default_alpha_is_the_float32_default():
    """ONNX attributes are float32: LeakyRelu's default alpha is float32(0.01) = 0.00999999977...
    (onnx.defs schema default; the reference evaluator and runtimes use it). The loader took the double
    0.01 when the attribute is absent, so an omitted and an explicit alpha=0.01 load differently."""
    B = np.random.default_rng(23).standard_normal((4, 3))
    gemm = helper.make_node("Gemm", ["x", "B"], ["z"], transB=1)
    omitted = onnx_model([gemm, helper.make_node("LeakyRelu", ["z"], ["y"])], {"B": B}, (3,))
    explicit = onnx_model([gemm, helper.make_node("LeakyRelu", ["z"], ["y"], alpha=0.01)], {"B": B}, (3,))
    default = onnx.defs.get_schema("LeakyRelu", 17).attributes["alpha"].default_value.f
    assert F(default) == F(float(np.float32(0.01)))
    assert onnx_to_network(explicit).layers[0].activation.alpha == F(default)
    assert onnx_to_network(omitted).layers[0].activation.alpha == F(default)


def test_onnx_batchnorm_default_epsilon_is_the_float32_default():
    """Same as above for BatchNormalization's epsilon: the schema default is float32(1e-5); an omitted
    epsilon loaded as the double 1e-5, so the (float64) scale differs from an explicit epsilon=1e-5."""
    rng = np.random.default_rng(24)
    inits = {"g": rand(rng, 3), "b": rand(rng, 3), "m": rand(rng, 3), "v": rng.uniform(0.5, 2, 3)}
    omitted = onnx_model([helper.make_node("BatchNormalization", ["x", "g", "b", "m", "v"], ["y"])], inits, (3,))
    explicit = onnx_model([helper.make_node("BatchNormalization", ["x", "g", "b", "m", "v"], ["y"], epsilon=1e-5)],
                          inits, (3,))
    default = onnx.defs.get_schema("BatchNormalization", 15).attributes["epsilon"].default_value.f
    assert default == float(np.float32(1e-5))
    assert onnx_to_network(omitted) == onnx_to_network(explicit)


# --- ONNX graphs of VNN-COMP: constant normalisation, residual Add, shapes ---------------------------

def test_onnx_normalisation_folds_exactly(tmp_path):
    """Sub(mean) then Div(std) then MatMul/Add/Relu: the first layer is exactly W diag(1/std) with bias
    b - W (mean/std), computed here in Fractions (std = 3 makes 1/3 non-binary: a float fold would differ)."""
    rng = np.random.default_rng(30)
    mean, std = np.array([0.5, -1.25, 2.0]), np.array([3.0, 0.5, 1.5])
    W, b, W2 = rand(rng, 3, 4), rand(rng, 4), rand(rng, 4, 2)  # MatMul weights: (in, out)
    W[0, 0] = 1.0  # its folded weight is exactly 1/3
    nodes = [helper.make_node("Sub", ["x", "mean"], ["s"]), helper.make_node("Div", ["s", "std"], ["n"]),
             helper.make_node("MatMul", ["n", "W"], ["m"]), helper.make_node("Add", ["m", "b"], ["z"]),
             helper.make_node("Relu", ["z"], ["h"]), helper.make_node("MatMul", ["h", "W2"], ["y"])]
    net = check_onnx(tmp_path, onnx_model(nodes, {"mean": mean, "std": std, "W": W, "b": b, "W2": W2}, (3,)),
                     (3,), ["z"], ["relu", "identity"])
    first = net.layers[0]
    for i in range(4):
        assert first.weights[i] == tuple(F(W[j, i]) / F(std[j]) for j in range(3))
        assert first.bias[i] == F(b[i]) - sum(F(W[j, i]) * F(mean[j]) / F(std[j]) for j in range(3))
    assert first.weights[0][0] == F(1, 3) != F(1.0 / 3.0)


def test_onnx_mul_and_constant_minus_data(tmp_path):
    rng = np.random.default_rng(31)
    nodes = [helper.make_node("Mul", ["k", "x"], ["a"]), helper.make_node("Sub", ["c", "a"], ["s"]),
             helper.make_node("Gemm", ["s", "B"], ["z"], transB=1), helper.make_node("Relu", ["z"], ["y"])]
    inits = {"k": np.array([2.0, -0.5, 0.25]), "c": np.array(1.5), "B": rand(rng, 5, 3)}
    net = check_onnx(tmp_path, onnx_model(nodes, inits, (3,)), (3,), ["z"], ["relu"], points=8)
    # z = B (c - k x) = -B diag(k) x + c B 1: row 0 exactly
    B = inits["B"]
    assert net.layers[0].weights[0] == tuple(-F(B[0, j]) * F(inits["k"][j]) for j in range(3))
    assert net.layers[0].bias[0] == F(1.5) * sum(F(B[0, j]) for j in range(3))


def test_onnx_residual_add_of_two_tensors_folds(tmp_path):
    """Issue 16: Add of two data tensors gave 'NonFiniteError: coefficient nan'. Here both summands are
    affine in the first layer's output h (M2 h and h itself), so the block folds: z2 = (M2^T + I) h + c."""
    rng = np.random.default_rng(32)
    nodes = [helper.make_node("Gemm", ["x", "B1", "C1"], ["z1"], transB=1), helper.make_node("Relu", ["z1"], ["h"]),
             helper.make_node("MatMul", ["h", "M2"], ["m"]), helper.make_node("Add", ["m", "c2"], ["g"]),
             helper.make_node("Add", ["g", "h"], ["z2"], name="residual"), helper.make_node("Relu", ["z2"], ["h2"]),
             helper.make_node("Mul", ["h2", "two"], ["h2s"]),
             helper.make_node("Sub", ["h2", "h2s"], ["d"]),  # h2 - 2 h2 = -h2: a Sub of two tensors
             helper.make_node("Gemm", ["d", "B3"], ["y"], transB=1)]
    inits = {"B1": rand(rng, 4, 3), "C1": rand(rng, 4), "M2": rand(rng, 4, 4), "c2": rand(rng, 4),
             "two": np.array(2.0), "B3": rand(rng, 2, 4)}
    net = check_onnx(tmp_path, onnx_model(nodes, inits, (3,)), (3,), ["z1", "z2"], ["relu", "relu", "identity"],
                     points=10)
    M2 = inits["M2"]
    assert net.layers[1].weights == tuple(tuple(F(M2[j, i]) + (i == j) for j in range(4)) for i in range(4))
    # the output layer is -B3 (h2 - 2 h2 = -h2)
    assert net.layers[2].weights == tuple(tuple(-F(v) for v in row) for row in inits["B3"])


def test_onnx_add_across_an_activation_names_the_node():
    """A skip connection over a ReLU (z + W relu(z)) is no layered network: one clear error, naming the node."""
    rng = np.random.default_rng(33)
    nodes = [helper.make_node("Gemm", ["x", "B1"], ["z"], transB=1), helper.make_node("Relu", ["z"], ["h"]),
             helper.make_node("Gemm", ["h", "B2"], ["g"], transB=1),
             helper.make_node("Add", ["g", "z"], ["s"], name="skip_block1"), helper.make_node("Relu", ["s"], ["y"])]
    model = onnx_model(nodes, {"B1": rand(rng, 3, 3), "B2": rand(rng, 3, 3)}, (3,))
    with pytest.raises(UnsupportedLayerError, match=r"ONNX node Add \(skip_block1\) reads 'z' from before the "
                                                    r"activation that closed layer 1"):
        onnx_to_network(model)
    nodes[3] = helper.make_node("Add", ["x", "g"], ["s"])  # the graph input itself, unnamed node
    with pytest.raises(UnsupportedLayerError, match=r"ONNX node Add \(s\) reads 'x'"):
        onnx_to_network(onnx_model(nodes, {"B1": rand(rng, 3, 3), "B2": rand(rng, 3, 3)}, (3,)))


@pytest.mark.parametrize("op,inputs,message", [
    ("Mul", ["h", "g"], "Mul of two data tensors is not an affine map"),
    ("Div", ["k", "h"], "dividing a constant by the data is not an affine map"),
    ("MatMul", ["h", "g"], "MatMul of two data tensors is not an affine map"),
    ("Div", ["h", "zero"], r"divides entry 1 of the tensor by 0"),
])
def test_onnx_non_affine_elementwise_nodes(op, inputs, message):
    rng = np.random.default_rng(34)
    nodes = [helper.make_node("Gemm", ["x", "B"], ["h"], transB=1), helper.make_node("Identity", ["h"], ["g"]),
             helper.make_node(op, inputs, ["y"])]
    inits = {"B": rand(rng, 3, 3), "k": np.array(2.0), "zero": np.array([1.0, 0.0, 2.0])}
    error = ModelFileError if op == "Div" and "zero" in inputs else UnsupportedLayerError
    with pytest.raises(error, match=message):
        onnx_to_network(onnx_model(nodes, inits, (3,)))


def test_onnx_vnncomp_style_input_of_shape_1_1_5(tmp_path):
    """VNN-COMP's ACAS Xu graphs take a [N, 1, 1, 5] input: normalisation constants of shape (1, 1, 1, 5),
    MatMul on the last axis, a Reshape to [-1, 5] (the batch kept first) and Flatten."""
    rng = np.random.default_rng(35)
    nodes = [helper.make_node("Sub", ["x", "mean"], ["s"]), helper.make_node("Div", ["s", "range"], ["n"]),
             helper.make_node("MatMul", ["n", "W1"], ["m1"]), helper.make_node("Add", ["m1", "b1"], ["z1"]),
             helper.make_node("Relu", ["z1"], ["h1"]), helper.make_node("Reshape", ["h1", "shape"], ["r"]),
             helper.make_node("Gemm", ["r", "W2", "b2"], ["z2"], transB=1), helper.make_node("Relu", ["z2"], ["h2"]),
             helper.make_node("Flatten", ["h2"], ["f"]), helper.make_node("MatMul", ["f", "W3"], ["y"])]
    inits = {"mean": rand(rng, 1, 1, 1, 5), "range": rng.uniform(0.5, 4, (1, 1, 1, 5)), "W1": rand(rng, 5, 6),
             "b1": rand(rng, 6), "shape": np.array([-1, 6], dtype=np.int64), "W2": rand(rng, 4, 6), "b2": rand(rng, 4),
             "W3": rand(rng, 4, 3)}
    net = check_onnx(tmp_path, onnx_model(nodes, inits, (1, 1, 5)), (1, 1, 5), ["z1", "z2"],
                     ["relu", "relu", "identity"], points=8)
    assert net.architecture == (5, 6, 4, 3)


def test_onnx_matmul_on_the_last_axis_of_a_matrix_input(tmp_path):
    """MatMul of a (2, 3) tensor by a (3, 4) matrix acts on each row: a block-diagonal map."""
    rng = np.random.default_rng(36)
    nodes = [helper.make_node("MatMul", ["x", "W"], ["z"]), helper.make_node("Relu", ["z"], ["y"])]
    net = check_onnx(tmp_path, onnx_model(nodes, {"W": rand(rng, 3, 4)}, (2, 3)), (2, 3), ["z"], ["relu"])
    assert net.architecture == (6, 8)
    assert all(w == 0 for w in net.layers[0].weights[0][3:])  # output (0, 0) reads only row 0 of x


@pytest.mark.parametrize("target,message", [([-1], "does not keep the batch axis"),
                                            ([2, 3], "does not keep the batch axis"),
                                            ([1, 4], "cannot reshape"), ([0, 4], "cannot reshape")])
def test_onnx_reshape_that_moves_the_batch_is_rejected(target, message):
    nodes = [helper.make_node("Relu", ["x"], ["h"]), helper.make_node("Reshape", ["h", "s"], ["y"])]
    model = onnx_model(nodes, {"s": np.array(target, dtype=np.int64)}, (6,))
    with pytest.raises((UnsupportedLayerError, ShapeError), match=message):
        onnx_to_network(model)


def nnet_style_graph(weights, biases):
    """The graph NNet's converter writes: an input of shape [n] (no batch axis), MatMul(W, x), Add, Relu."""
    nodes, inits, current = [], [], "x"
    for k, (W, b) in enumerate(zip(weights, biases)):
        out = "y" if k == len(weights) - 1 else f"z{k}"
        nodes += [helper.make_node("MatMul", [f"W{k}", current], [f"m{k}"]), helper.make_node("Add", [f"m{k}", f"b{k}"], [out])]
        inits += [numpy_helper.from_array(np.asarray(W, dtype=np.float32), f"W{k}"),
                  numpy_helper.from_array(np.asarray(b, dtype=np.float32), f"b{k}")]
        if k < len(weights) - 1:
            nodes.append(helper.make_node("Relu", [out], [f"h{k}"]))
            current = f"h{k}"
    graph = helper.make_graph(nodes, "nnet", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [len(weights[0][0])])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [len(biases[-1])])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    return model


def test_onnx_unbatched_nnet_style_graph_equals_the_nnet_file(tmp_path):
    """The same network as an .nnet file and as the unbatched ONNX graph NNet's converter writes: with
    weights that are binary fractions (exact in float32), both readers give the same exact network."""
    from analyzer.nnet import read_nnet
    W1, b1, W2, b2 = [[1, 2], [3, -1], [0.5, 0.25]], [1, 0, -1], [[1, 1, -1]], [0.5]
    path = tmp_path / "tiny.nnet"
    path.write_text("2,2,1,3,\n2,3,1,\n0,\n-1,-1,\n1,1,\n0,0,0,\n1,1,1,\n"
                    + "".join(",".join(map(str, r)) + ",\n" for r in W1) + "".join(f"{v},\n" for v in b1)
                    + "".join(",".join(map(str, r)) + ",\n" for r in W2) + "".join(f"{v},\n" for v in b2))
    model = nnet_style_graph([W1, W2], [b1, b2])
    net = onnx_to_network(model)
    assert net == read_nnet(path).network
    evaluator = ReferenceEvaluator(model)
    for x in ([0.3, -0.7], [-0.9, 0.2]):
        (ref,) = evaluator.run(["y"], {"x": np.array(x, dtype=np.float32)})
        np.testing.assert_allclose(floats(forward(net, x)[0]), ref, rtol=1e-6)


def test_onnx_unbatched_graph_rejects_batch_operators():
    model = nnet_style_graph([[[1, 2], [3, 4]]], [[0, 0]])
    model.graph.node.append(helper.make_node("Flatten", ["y"], ["f"]))
    model.graph.output[0].name = "f"
    with pytest.raises(UnsupportedLayerError, match="Flatten on an input without a batch axis"):
        onnx_to_network(model)
