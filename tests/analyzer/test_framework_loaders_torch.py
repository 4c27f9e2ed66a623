"""analyzer/framework_loaders.py, PyTorch: models -> exact Network.

Every loader is checked against torch's own forward pass (float64, eval mode) at random points: the
outputs, the pre-activation of every splitting layer (read through forward pre-hooks), and the
activation pattern (framework_checks.assert_agrees). Skipped as a whole when torch is not installed.
"""
from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402

from framework_checks import (B1, B2, B3, W1, W2, W3, assert_agrees, hand_network, reference_states,  # noqa: E402
                              summary)
from analyzer.errors import ModelFileError, ShapeError, UnsupportedLayerError  # noqa: E402
from analyzer.framework_loaders import torch_to_network  # noqa: E402
from analyzer.loaders import load  # noqa: E402
from analyzer.network import Kind, layer, network  # noqa: E402


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

def tiny_torch(act1=nn.ReLU, act2=nn.ReLU):
    model = nn.Sequential(nn.Linear(2, 4), act1(), nn.Linear(4, 2), act2(), nn.Linear(2, 1))
    with torch.no_grad():
        for lin, W, b in zip((model[0], model[2], model[4]), (W1, W2, W3), (B1, B2, B3)):
            lin.weight.copy_(torch.tensor([[float(F(v)) for v in row] for row in W]))
            lin.bias.copy_(torch.tensor([float(F(v)) for v in b]))
    return model.eval()


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
