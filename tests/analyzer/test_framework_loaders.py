"""analyzer/framework_loaders.py: PyTorch and ONNX models -> exact Network.

Every loader is checked against the framework's own forward pass (torch in float64, eval mode;
onnx.reference.ReferenceEvaluator on double tensors) at random points: the outputs, the
pre-activation of every splitting layer (read in torch through forward pre-hooks, in ONNX as
intermediate tensors), and the activation pattern that ``analyzer.network.forward`` reports. The
tolerance (1e-9 relative) is the test's, for the frameworks' float rounding; the library is exact.
"""
from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from onnx.reference import ReferenceEvaluator  # noqa: E402
from torch import nn  # noqa: E402

from analyzer.enumerate import enumerate_regions  # noqa: E402
from analyzer.errors import ModelFileError, ShapeError, UnsupportedLayerError  # noqa: E402
from analyzer.framework_loaders import onnx_to_network, torch_to_network  # noqa: E402
from analyzer.loaders import load  # noqa: E402
from analyzer.network import Kind, forward, layer, network  # noqa: E402

RTOL, ATOL = 1e-9, 1e-12


# --- shared checks ------------------------------------------------------------------------------

def floats(values) -> np.ndarray:
    return np.array([float(v) for v in values])


def exact_preactivations(net, x) -> list[tuple[F, ...]]:
    """Pre-activations of every layer at x: the net cut after layer k, its activation replaced by identity."""
    out = []
    for k, lay in enumerate(net.layers):
        cut = network([*net.layers[:k], layer(lay.weights, lay.bias, "identity")])
        out.append(forward(cut, x)[0])
    return out


def reference_states(kind: Kind, z: np.ndarray) -> tuple[int, ...]:
    """The documented unit states, read off the framework's own pre-activations."""
    if kind is Kind.HARDTANH:
        return tuple(int(s) for s in np.where(z <= -1, -1, np.where(z >= 1, 1, 0)))
    return tuple(int(s) for s in (z > 0))


def assert_agrees(net, X: np.ndarray, ref_out: np.ndarray, ref_pre: list[np.ndarray], activations: list[str]):
    """``net`` reproduces the framework at the rows of X: outputs, pre-activations and pattern.

    ``ref_pre[i]`` (points x units) feeds the i-th activation; ``activations`` are the expected
    activation strings of the net's layers."""
    assert [str(lay.activation) for lay in net.layers] == activations
    splitting = [k for k, lay in enumerate(net.layers) if lay.activation.splits]
    assert len(splitting) == len(ref_pre)
    for p, x in enumerate(X):
        point = x.tolist()
        out, pattern = forward(net, point)
        np.testing.assert_allclose(floats(out), ref_out[p], rtol=RTOL, atol=ATOL)
        pre = exact_preactivations(net, point)
        for k, z_ref in zip(splitting, ref_pre):
            np.testing.assert_allclose(floats(pre[k]), z_ref[p], rtol=RTOL, atol=ATOL)
            assert pattern[k] == reference_states(net.layers[k].activation.kind, z_ref[p]), (p, k)
        assert all(pattern[k] == () for k in range(len(net.layers)) if k not in splitting)


# --- PyTorch ------------------------------------------------------------------------------------

TORCH_ACTIVATIONS = (nn.ReLU, nn.LeakyReLU, nn.Hardtanh)


def torch_activation_name(m) -> str:
    if isinstance(m, nn.LeakyReLU):
        return f"leaky_relu:{F(m.negative_slope)}"
    return "hardtanh" if isinstance(m, nn.Hardtanh) else "relu"


def randomize_batchnorm(model, seed: int) -> None:
    """Non-trivial running statistics and affine parameters (eval mode uses them)."""
    gen = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            with torch.no_grad():
                m.running_mean.copy_(torch.rand(m.num_features, generator=gen, dtype=m.running_mean.dtype) * 2 - 1)
                m.running_var.copy_(torch.rand(m.num_features, generator=gen, dtype=m.running_var.dtype) * 3 + 0.25)
                if m.weight is not None:
                    m.weight.copy_(torch.rand(m.num_features, generator=gen, dtype=m.weight.dtype) * 4 - 2)
                    m.bias.copy_(torch.rand(m.num_features, generator=gen, dtype=m.bias.dtype) * 2 - 1)


def prepared(factory, seed: int = 0):
    torch.manual_seed(seed)
    model, shape = factory()
    randomize_batchnorm(model, seed + 1)
    return model.double().eval(), tuple(shape)


def torch_reference(model, X: np.ndarray, shape: tuple[int, ...]):
    """Outputs and the inputs of every activation module (in execution order), flattened per point."""
    acts = [m for m in model.modules() if isinstance(m, TORCH_ACTIVATIONS)]
    seen: dict[int, np.ndarray] = {}

    def grab(module, args):
        seen[id(module)] = args[0].detach().reshape(args[0].shape[0], -1).clone().numpy()

    hooks = [m.register_forward_pre_hook(grab) for m in acts]
    try:
        with torch.no_grad():
            out = model(torch.from_numpy(X.reshape(len(X), *shape)))
    finally:
        for h in hooks:
            h.remove()
    return out.reshape(len(X), -1).numpy(), [seen[id(m)] for m in acts], acts


def check_torch(model, shape, net, *, points: int = 6, scale: float = 1.0, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((points, int(np.prod(shape)))) * scale
    ref_out, ref_pre, acts = torch_reference(model, X, shape)
    names = [torch_activation_name(m) for m in acts]
    trailing = [] if len(net.layers) == len(acts) else ["identity"]
    assert_agrees(net, X, ref_out, ref_pre, names + trailing)
    return X, ref_pre


def widened(model, index: int, factor: float = 6.0):
    """Scale the Linear before a Hardtanh so that its pre-activations leave [-1, 1] often."""
    with torch.no_grad():
        model[index].weight.mul_(factor)
    return model


def mlp():
    return widened(nn.Sequential(
        nn.Linear(3, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Dropout(0.5),
        nn.Sequential(nn.Linear(6, 5), nn.LeakyReLU(0.1)), nn.Identity(),
        nn.Linear(5, 4), nn.Hardtanh(), nn.Linear(4, 2)), 6, 12.0), (3,)


def cnn():
    return widened(nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
        nn.Sequential(nn.Conv2d(4, 4, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2),
                      nn.LeakyReLU(0.1)),
        nn.AvgPool2d(2, stride=1), nn.Flatten(), nn.Dropout(0.2),
        nn.Linear(16, 5), nn.Hardtanh(), nn.Linear(5, 2)), 7), (2, 5, 5)


def activation_first():
    return nn.Sequential(nn.ReLU(), nn.Linear(3, 4), nn.ReLU(), nn.ReLU(), nn.Linear(4, 2)), (3,)


def affine_only():
    return nn.Sequential(nn.Flatten(), nn.Linear(4, 3), nn.Identity(), nn.Linear(3, 2)), (1, 2, 2)


def ends_with_activation():
    return nn.Sequential(nn.Linear(3, 4), nn.Hardtanh()), (3,)


def bn1d_on_sequence():
    return nn.Sequential(nn.BatchNorm1d(2, eps=1e-3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3), nn.ReLU()), (2, 4)


def bn1d_without_affine():
    return nn.Sequential(nn.Linear(3, 5), nn.BatchNorm1d(5, affine=False), nn.LeakyReLU(0.1), nn.Linear(5, 1)), (3,)


def bn2d_after_conv():
    return nn.Sequential(nn.Conv2d(2, 3, 2, bias=False), nn.BatchNorm2d(3, eps=0.01), nn.ReLU()), (2, 4, 4)


MODELS = {f.__name__: f for f in (mlp, cnn, activation_first, affine_only, ends_with_activation,
                                   bn1d_on_sequence, bn1d_without_affine, bn2d_after_conv)}


@pytest.mark.parametrize("name", MODELS)
def test_torch_model_agrees_with_torch(name):
    model, shape = prepared(MODELS[name])
    net = torch_to_network(model, shape)
    assert net.input_dim == int(np.prod(shape))
    check_torch(model, shape, net, points=6, scale=2.0)


def test_torch_layer_structure_of_the_folded_chain():
    """Affine pieces between activations are composed: one layer per activation, plus a final affine."""
    shapes = {}
    for name in MODELS:
        model, shape = prepared(MODELS[name])
        net = torch_to_network(model, shape)
        shapes[name] = (net.architecture, [str(lay.activation) for lay in net.layers])
    leaky = f"leaky_relu:{F(0.1)}"
    assert shapes["mlp"] == ((3, 6, 5, 4, 2), ["relu", leaky, "hardtanh", "identity"])
    assert shapes["cnn"] == ((50, 100, 36, 5, 2), ["relu", leaky, "hardtanh", "identity"])
    assert shapes["activation_first"] == ((3, 3, 4, 4, 2), ["relu", "relu", "relu", "identity"])
    assert shapes["affine_only"] == ((4, 2), ["identity"])
    assert shapes["ends_with_activation"] == ((3, 4), ["hardtanh"])


def test_torch_pattern_covers_every_state():
    """The mlp check above is not vacuous: on many points every state of every unit kind occurs."""
    model, shape = prepared(mlp)
    net = torch_to_network(model, shape)
    X, ref_pre = check_torch(model, shape, net, points=40, scale=3.0, seed=5)
    relu_states = set(reference_states(Kind.RELU, ref_pre[0].reshape(-1)))
    hardtanh_states = set(reference_states(Kind.HARDTANH, ref_pre[2].reshape(-1)))
    assert relu_states == {0, 1}
    assert hardtanh_states == {-1, 0, 1}


CONVS = [
    lambda: nn.Conv2d(2, 3, 3),
    lambda: nn.Conv2d(2, 3, 3, stride=2),
    lambda: nn.Conv2d(2, 3, 3, padding=2),
    lambda: nn.Conv2d(2, 3, 2, dilation=2),
    lambda: nn.Conv2d(2, 4, 3, groups=2, bias=False),
    lambda: nn.Conv2d(2, 2, (3, 1), stride=(1, 2), padding=(0, 1), groups=2),
    lambda: nn.Conv2d(2, 4, (2, 3), stride=(2, 3), padding=(1, 2), dilation=(2, 1), groups=2),
    lambda: nn.Conv2d(2, 6, 3, stride=(1, 2), padding=(2, 1), dilation=(2, 2), groups=2),
]


@pytest.mark.parametrize("index", range(len(CONVS)))
def test_torch_conv2d_agrees_with_torch(index):
    model, shape = prepared(lambda: (nn.Sequential(CONVS[index](), nn.ReLU()), (2, 6, 6)), seed=index)
    net = torch_to_network(model, shape)
    with torch.no_grad():
        out_units = model(torch.zeros(1, *shape, dtype=torch.float64)).numel()
    assert net.architecture == (72, out_units)
    check_torch(model, shape, net, points=4, seed=index)


@pytest.mark.parametrize("pool", [lambda: nn.AvgPool2d(2), lambda: nn.AvgPool2d(3, stride=1),
                                  lambda: nn.AvgPool2d((2, 3), stride=(2, 1)), lambda: nn.AvgPool2d((3, 2))])
def test_torch_avgpool_agrees_with_torch(pool):
    model, shape = prepared(lambda: (nn.Sequential(nn.Conv2d(2, 2, 1), pool(), nn.ReLU(), nn.Flatten()), (2, 6, 6)))
    net = torch_to_network(model, shape)
    check_torch(model, shape, net, points=4)


def test_torch_nested_sequential_equals_flat():
    model, shape = prepared(mlp)
    flat = nn.Sequential(*[m for m in model.modules() if not isinstance(m, nn.Sequential)])
    assert torch_to_network(model, shape) == torch_to_network(flat, shape)


def test_torch_input_shape_inferred_from_a_leading_linear():
    model, _ = prepared(mlp)
    assert torch_to_network(model) == torch_to_network(model, (3,))


def test_torch_bare_linear_module():
    torch.manual_seed(3)
    model = nn.Linear(3, 2).double()
    net = torch_to_network(model)
    check_torch(model, (3,), net, points=3)


# --- through files --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["mlp", "cnn", "bn2d_after_conv", "affine_only"])
@pytest.mark.parametrize("suffix", [".pt", ".pth"])
def test_torch_save_whole_model_round_trip(tmp_path, name, suffix):
    model, shape = prepared(MODELS[name])
    path = tmp_path / f"model{suffix}"
    torch.save(model, path)
    input_shape = ",".join(str(s) for s in shape) if len(shape) > 1 else None
    net = load(path, input_shape=input_shape)
    assert net == torch_to_network(model, shape)
    check_torch(model, shape, net, points=3, seed=1)


def test_torch_file_of_a_conv_model_needs_the_input_shape(tmp_path):
    model, _ = prepared(cnn)
    path = tmp_path / "cnn.pt"
    torch.save(model, path)
    with pytest.raises(ShapeError, match="input shape"):
        load(path)


def test_torch_state_dict_with_arch(tmp_path):
    torch.manual_seed(4)
    model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2)).double().eval()
    path = tmp_path / "weights.pt"
    torch.save(model.state_dict(), path)
    net = load(path, arch="linear,relu,linear")
    assert net == torch_to_network(model)
    check_torch(model, (3,), net, points=5)


def test_torch_state_dict_with_arch_hardtanh_and_no_bias(tmp_path):
    torch.manual_seed(5)
    model = nn.Sequential(nn.Linear(2, 4, bias=False), nn.Hardtanh(), nn.Linear(4, 3), nn.ReLU(),
                          nn.Linear(3, 1)).double().eval()
    path = tmp_path / "weights.pth"
    torch.save(model.state_dict(), path)
    net = load(path, arch=" linear, hardtanh, linear, relu, linear ")
    assert net == torch_to_network(model)
    assert net.layers[0].bias == (0, 0, 0, 0)
    check_torch(model, (2,), net, points=5, scale=3.0)


def test_torch_state_dict_arch_with_wrong_number_of_linears(tmp_path):
    model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))
    path = tmp_path / "weights.pt"
    torch.save(model.state_dict(), path)
    with pytest.raises(ShapeError, match="linear"):
        load(path, arch="linear,relu")


def test_torch_state_dict_without_arch(tmp_path):
    model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))
    path = tmp_path / "weights.pt"
    torch.save(model.state_dict(), path)
    with pytest.raises(ModelFileError, match="state_dict") as info:
        load(path)
    assert "arch" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_torch_file_holding_something_else(tmp_path):
    path = tmp_path / "list.pt"
    torch.save([1, 2, 3], path)
    with pytest.raises(ModelFileError, match="list"):
        load(path)


# --- exactness ------------------------------------------------------------------------------------

def test_float32_linear_weights_load_as_their_exact_binary_rationals(tmp_path):
    torch.manual_seed(6)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))  # float32, as trained models are
    with torch.no_grad():
        model[0].weight[0, 0] = 0.1  # float32(0.1) = 13421773/134217728, not 1/10
    path = tmp_path / "f32.pt"
    torch.save(model, path)
    net = load(path)
    for lay, lin in zip(net.layers, (model[0], model[2])):
        W, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
        assert W.dtype == np.float32
        assert lay.weights == tuple(tuple(F(float(w)) for w in row) for row in W)
        assert lay.bias == tuple(F(float(v)) for v in b)
        assert all(isinstance(w, F) for row in lay.weights for w in row)
    assert net.layers[0].weights[0][0] == F(13421773, 134217728) != F(1, 10)


def test_consecutive_linears_compose_exactly():
    torch.manual_seed(7)
    first, second = nn.Linear(3, 4), nn.Linear(4, 2)
    net = torch_to_network(nn.Sequential(first, nn.Dropout(), second))
    W1 = [[F(float(w)) for w in row] for row in first.weight.detach().numpy()]
    b1 = [F(float(v)) for v in first.bias.detach().numpy()]
    W2 = [[F(float(w)) for w in row] for row in second.weight.detach().numpy()]
    b2 = [F(float(v)) for v in second.bias.detach().numpy()]
    (lay,) = net.layers
    assert lay.weights == tuple(tuple(sum(W2[i][k] * W1[k][j] for k in range(4)) for j in range(3)) for i in range(2))
    assert lay.bias == tuple(sum(W2[i][k] * b1[k] for k in range(4)) + b2[i] for i in range(2))


@pytest.mark.parametrize("kernel,stride", [((2, 3), (2, 3)), ((3, 3), (1, 1)), ((2, 2), (1, 2))])
def test_torch_avgpool_entries_are_exactly_one_over_the_window(kernel, stride):
    shape = (2, 4, 6)
    net = torch_to_network(nn.Sequential(nn.AvgPool2d(kernel, stride=stride)), shape)
    (lay,) = net.layers
    C, H, W = shape
    OH, OW = (H - kernel[0]) // stride[0] + 1, (W - kernel[1]) // stride[1] + 1
    assert net.architecture == (C * H * W, C * OH * OW)
    window = F(1, kernel[0] * kernel[1])
    for c in range(C):
        for i in range(OH):
            for j in range(OW):
                row = lay.weights[(c * OH + i) * OW + j]
                expected = {(c * H + i * stride[0] + a) * W + j * stride[1] + b
                            for a in range(kernel[0]) for b in range(kernel[1])}
                assert {k for k, v in enumerate(row) if v} == expected
                assert all(row[k] == window for k in expected)
                assert type(row[min(expected)]) is F
    assert all(v == 0 for v in lay.bias)


def test_torch_conv_entries_are_single_exact_kernel_weights():
    torch.manual_seed(8)
    conv = nn.Conv2d(2, 2, 2, stride=(1, 2), padding=(1, 0))  # float32 weights
    net = torch_to_network(nn.Sequential(conv), (2, 3, 4))
    (lay,) = net.layers
    K = conv.weight.detach().numpy()
    bias = conv.bias.detach().numpy()
    OH, OW = 4, 2
    for co in range(2):
        for i in range(OH):
            for j in range(OW):
                row = lay.weights[(co * OH + i) * OW + j]
                expected = [0] * 24
                for ci in range(2):
                    for a in range(2):
                        for b in range(2):
                            y, x = i - 1 + a, 2 * j + b
                            if 0 <= y < 3 and 0 <= x < 4:
                                expected[(ci * 3 + y) * 4 + x] = F(float(K[co, ci, a, b]))
                assert list(row) == expected
                assert lay.bias[(co * OH + i) * OW + j] == F(float(bias[co]))


def test_leaky_relu_slope_is_the_exact_double():
    net = torch_to_network(nn.Sequential(nn.Linear(2, 2), nn.LeakyReLU(0.1)))
    assert net.layers[0].activation.alpha == F(0.1) != F(1, 10)
    net = torch_to_network(nn.Sequential(nn.Linear(2, 2), nn.LeakyReLU()))
    assert net.layers[0].activation.alpha == F(0.01)


def test_batchnorm_scale_is_its_float64_value():
    """Documented: gamma / sqrt(var + eps) is irrational in general and taken as its float64 value."""
    model, shape = prepared(lambda: (nn.Sequential(nn.BatchNorm1d(3, eps=1e-3)), (3,)))
    (lay,) = torch_to_network(model, shape).layers
    bn = model[0]
    g, b, m, v = (t.detach().numpy() for t in (bn.weight, bn.bias, bn.running_mean, bn.running_var))
    scale = g / np.sqrt(v + 1e-3)
    for i in range(3):
        assert lay.weights[i] == tuple(F(float(scale[i])) if j == i else 0 for j in range(3))
        assert lay.bias[i] == F(float(b[i])) - F(float(scale[i])) * F(float(m[i]))


# --- region counting end to end -------------------------------------------------------------------

W1 = [["1", "0"], ["0", "1"], ["1", "1"], ["1", "-1"]]
B1 = ["0", "0", "-1", "1/2"]
W2 = [["1", "-1/2", "1/4", "2"], ["1/2", "1", "-1", "0"]]
B2 = ["1/4", "-1/2"]
W3 = [["1", "-3/4"]]
B3 = ["1/8"]


def hand_network(acts=("relu", "relu")):
    def q(rows):
        return [[F(v) for v in row] for row in rows]
    return network([layer(q(W1), [F(v) for v in B1], acts[0]),
                    layer(q(W2), [F(v) for v in B2], acts[1]),
                    layer(q(W3), [F(v) for v in B3], "identity")])


def tiny_torch(act1=nn.ReLU, act2=nn.ReLU):
    model = nn.Sequential(nn.Linear(2, 4), act1(), nn.Linear(4, 2), act2(), nn.Linear(2, 1))
    with torch.no_grad():
        for lin, W, b in zip((model[0], model[2], model[4]), (W1, W2, W3), (B1, B2, B3)):
            lin.weight.copy_(torch.tensor([[float(F(v)) for v in row] for row in W]))
            lin.bias.copy_(torch.tensor([float(F(v)) for v in b]))
    return model.eval()


def summary(net):
    rs = enumerate_regions(net)
    return rs.activation_regions, rs.linear_regions, rs.per_layer, [r.pattern for r in rs]


def test_region_count_of_a_saved_torch_model_matches_the_hand_written_network(tmp_path):
    path = tmp_path / "tiny.pt"
    torch.save(tiny_torch(), path)
    loaded, hand = load(path), hand_network()
    assert loaded == hand
    got = summary(loaded)
    assert got == summary(hand)
    assert got[2][0] == 11  # four lines in general position cut the plane into 1 + 4 + 6 pieces
    assert got[0] >= 11


def test_region_count_with_leaky_relu_and_hardtanh(tmp_path):
    path = tmp_path / "tiny.pt"
    torch.save(tiny_torch(lambda: nn.LeakyReLU(0.25), nn.Hardtanh), path)
    loaded, hand = load(path), hand_network(("leaky_relu:1/4", "hardtanh"))
    assert loaded == hand
    assert summary(loaded) == summary(hand)


def test_region_count_through_a_state_dict(tmp_path):
    path = tmp_path / "tiny_state.pt"
    torch.save(tiny_torch().state_dict(), path)
    loaded = load(path, arch="linear,relu,linear,relu,linear")
    assert summary(loaded) == summary(hand_network())


def test_region_count_of_a_conv_model_matches_the_hand_written_matrix(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 2, 2), nn.ReLU(), nn.Flatten(), nn.Linear(4, 1))
    kernels = [[["1", "-1/2"], ["1/4", "2"]], [["-1", "3/8"], ["0", "1"]]]
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[[[float(F(v)) for v in r] for r in k]] for k in kernels]))
        model[0].bias.copy_(torch.tensor([0.5, -0.25]))
        model[3].weight.copy_(torch.tensor([[1.0, -2.0, 0.5, 1.0]]))
        model[3].bias.zero_()
    path = tmp_path / "conv.pt"
    torch.save(model, path)
    loaded = load(path, input_shape="1,2,3")
    # input (1, 2, 3) flattened as [x00 x01 x02 x10 x11 x12]; output (2, 1, 2) as [c0j0 c0j1 c1j0 c1j1]
    rows = []
    for k in kernels:
        (a, b), (c, d) = [[F(v) for v in r] for r in k]
        rows.append([a, b, 0, c, d, 0])
        rows.append([0, a, b, 0, c, d])
    hand = network([layer(rows, [F(1, 2), F(1, 2), F(-1, 4), F(-1, 4)], "relu"),
                    layer([[1, -2, F(1, 2), 1]], [0], "identity")])
    assert loaded == hand
    assert summary(loaded) == summary(hand)


# --- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("module,name", [(nn.Sigmoid(), "Sigmoid"), (nn.MaxPool2d(2), "MaxPool2d"),
                                         (nn.Tanh(), "Tanh"), (nn.Dropout2d(), "Dropout2d"),
                                         (nn.Conv1d(1, 1, 1), "Conv1d")])
def test_unsupported_torch_module(module, name):
    model = nn.Sequential(nn.Conv2d(1, 1, 1), nn.Sequential(nn.ReLU(), module), nn.Flatten())
    with pytest.raises(UnsupportedLayerError, match=name) as info:
        torch_to_network(model, (1, 4, 4))
    assert isinstance(info.value, ValueError)


def test_unsupported_torch_module_through_a_file(tmp_path):
    path = tmp_path / "sigmoid.pt"
    torch.save(nn.Sequential(nn.Linear(2, 2), nn.Sigmoid()), path)
    with pytest.raises(UnsupportedLayerError, match="Sigmoid"):
        load(path)


@pytest.mark.parametrize("module", [nn.Hardtanh(-2, 2), nn.Hardtanh(-1, 2), nn.ReLU6()])
def test_hardtanh_outside_minus_one_one_is_rejected(module):
    with pytest.raises(UnsupportedLayerError, match="Hardtanh") as info:
        torch_to_network(nn.Sequential(nn.Linear(2, 2), module))
    assert "[-1, 1]" in str(info.value)


@pytest.mark.parametrize("module", [nn.Conv2d(1, 1, 3, padding="same"),
                                    nn.Conv2d(1, 1, 3, padding=1, padding_mode="reflect"),
                                    nn.AvgPool2d(2, padding=1), nn.AvgPool2d(3, ceil_mode=True)])
def test_unsupported_conv_and_pool_options(module):
    with pytest.raises(UnsupportedLayerError):
        torch_to_network(nn.Sequential(module), (1, 5, 5))


def test_torch_shape_mismatches():
    with pytest.raises(ShapeError, match="Linear"):
        torch_to_network(nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(5, 2)))
    with pytest.raises(ShapeError, match="input shape"):
        torch_to_network(nn.Sequential(nn.Conv2d(1, 1, 2)))
    with pytest.raises(ShapeError, match="Conv2d"):
        torch_to_network(nn.Sequential(nn.Linear(4, 4), nn.Conv2d(1, 1, 2)))
    with pytest.raises(ShapeError):
        torch_to_network(nn.Sequential(nn.Conv2d(1, 1, 5)), (1, 3, 3))


@pytest.mark.parametrize("content", [b"", b"not a torch file \x00\x01\x02", b"PK\x03\x04 truncated zip"])
def test_corrupt_torch_file(tmp_path, content):
    path = tmp_path / "broken.pt"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match="broken.pt"):
        load(path)


def test_truncated_torch_file(tmp_path):
    good = tmp_path / "good.pt"
    torch.save(nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)), good)
    path = tmp_path / "truncated.pt"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ModelFileError, match="truncated.pt"):
        load(path)


# --- bugs found while writing these tests (each fails until the loader is fixed) -------------------

def test_avgpool_divisor_override_is_honoured_or_rejected():
    """nn.AvgPool2d(2, divisor_override=3) divides by 3, not 4; the loader must not silently use 1/4."""
    model = nn.Sequential(nn.AvgPool2d(2, divisor_override=3)).double().eval()
    try:
        net = torch_to_network(model, (1, 4, 4))
    except UnsupportedLayerError:
        return
    check_torch(model, (1, 4, 4), net, points=3)


def test_batchnorm_without_running_stats_is_rejected_cleanly():
    """BatchNorm2d(track_running_stats=False) normalises by batch statistics even in eval mode: no fixed
    affine map exists, so the loader should raise UnsupportedLayerError (it raised AttributeError)."""
    model = nn.Sequential(nn.Conv2d(1, 2, 1), nn.BatchNorm2d(2, track_running_stats=False)).eval()
    with pytest.raises(UnsupportedLayerError, match="BatchNorm"):
        torch_to_network(model, (1, 3, 3))


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


def test_missing_model_file(tmp_path):
    for name in ("absent.pt", "absent.onnx"):
        with pytest.raises(ModelFileError, match="does not exist"):
            load(tmp_path / name)


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
