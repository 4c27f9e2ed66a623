"""PyTorch and ONNX models -> :class:`Network`, folding affine pieces into exact affine maps.

A model is read as affine operations (Linear/Gemm/MatMul, Add/Sub/Mul/Div by constants, Conv, average
pooling, batch norm in inference mode, Flatten/Reshape) and activations (ReLU, LeakyReLU,
Hardtanh/Clip(-1, 1)) on tensors flattened in C order. Consecutive affine operations are composed
exactly; each activation closes a layer; trailing affine operations make the final identity layer.
A torch model is a chain of modules. An ONNX graph is read node by node: every tensor is an affine map
of the current layer's input, so constant normalisations fold in and a residual Add of two tensors
folds when both are affine in the same layer input (see :func:`onnx_to_network`).

Exactness: weights are the exact binary rationals of the stored floats (a division by a constant c is
the exact multiplication by 1/c, not the framework's rounded quotient); convolution and pooling
matrices are built entry by entry (each entry one kernel weight, or exactly ``1/(kh kw)``). Batch
norm's scale ``gamma / sqrt(var + eps)`` is irrational in general: it is taken as its float64 value,
the rounding the framework itself makes, and stated here so that nobody is surprised.
torch and onnx are imported only by these loaders.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import flint
import numpy as np

from analyzer.errors import ModelFileError, ShapeError, UnsupportedLayerError
from analyzer.network import Layer, Network, layer, network
from geometry.exact import rational


@dataclass
class _Affine:
    """``y = M x + v`` on flattened tensors; ``M`` an fmpq_mat (out x in), ``v`` an fmpq_mat column."""

    M: flint.fmpq_mat
    v: flint.fmpq_mat


def _q(value) -> flint.fmpq:
    f = rational(value)
    return flint.fmpq(f.numerator, f.denominator)


def _affine(matrix: np.ndarray | list, bias=None) -> _Affine:
    matrix = np.asarray(matrix, dtype=object) if not isinstance(matrix, np.ndarray) else matrix
    rows, cols = matrix.shape
    M = flint.fmpq_mat(rows, cols, [_q(x) for x in matrix.reshape(-1).tolist()])
    v = flint.fmpq_mat(rows, 1, [_q(x) for x in (np.zeros(rows) if bias is None else np.asarray(bias).reshape(-1)).tolist()])
    return _Affine(M, v)


def _identity(n: int) -> flint.fmpq_mat:
    return flint.fmpq_mat(n, n, [int(i == j) for i in range(n) for j in range(n)])


def _fold(ops: list, in_dim: int) -> Network:
    """Compose affine ops, close a layer at each activation (a string understood by analyzer.network)."""
    pending = _Affine(_identity(in_dim), flint.fmpq_mat(in_dim, 1))
    layers: list[Layer] = []
    touched = False
    for op in ops:
        if isinstance(op, _Affine):
            if op.M.ncols() != pending.M.nrows():
                raise ShapeError(f"an affine step takes {op.M.ncols()} inputs but receives {pending.M.nrows()}")
            pending = _Affine(op.M * pending.M, op.M * pending.v + op.v)
            touched = True
            continue
        layers.append(_layer_of(pending, op, len(layers)))
        n = pending.M.nrows()
        pending = _Affine(_identity(n), flint.fmpq_mat(n, 1))
        touched = False
    if touched or not layers:
        layers.append(_layer_of(pending, "identity", len(layers)))
    return network(layers)


def _layer_of(a: _Affine, act: str, index: int) -> Layer:
    def frac(q):
        return Fraction(int(q.p), int(q.q))
    W = [[frac(a.M[i, j]) for j in range(a.M.ncols())] for i in range(a.M.nrows())]
    b = [frac(a.v[i, 0]) for i in range(a.v.nrows())]
    return layer(W, b, act, index=index + 1)


def conv2d_matrix(weight: np.ndarray, in_shape: tuple[int, int, int], stride=(1, 1), pads=(0, 0, 0, 0),
                  dilation=(1, 1), groups: int = 1) -> tuple[np.ndarray, tuple[int, int, int]]:
    """The (out x in) matrix of a 2-D convolution without bias; pads are (top, left, bottom, right).

    Entries are single kernel weights (object array, exact)."""
    C, H, W = in_shape
    CO, CI_g, KH, KW = weight.shape
    if CI_g * groups != C:
        raise ShapeError(f"convolution expects {CI_g * groups} input channels, the tensor has {C}")
    OH = (H + pads[0] + pads[2] - dilation[0] * (KH - 1) - 1) // stride[0] + 1
    OW = (W + pads[1] + pads[3] - dilation[1] * (KW - 1) - 1) // stride[1] + 1
    if OH < 1 or OW < 1:
        raise ShapeError(f"convolution kernel {KH}x{KW} does not fit the input {H}x{W}")
    M = np.zeros((CO * OH * OW, C * H * W), dtype=object)
    M[:] = 0
    co_per_group = CO // groups
    for co in range(CO):
        g = co // co_per_group
        for i in range(OH):
            for j in range(OW):
                row = (co * OH + i) * OW + j
                for ci in range(CI_g):
                    c_in = g * CI_g + ci
                    for ki in range(KH):
                        y = i * stride[0] - pads[0] + ki * dilation[0]
                        if not 0 <= y < H:
                            continue
                        for kj in range(KW):
                            x = j * stride[1] - pads[1] + kj * dilation[1]
                            if 0 <= x < W:
                                M[row, (c_in * H + y) * W + x] += Fraction(float(weight[co, ci, ki, kj]))
    return M, (CO, OH, OW)


def avgpool2d_matrix(in_shape: tuple[int, int, int], kernel, stride) -> tuple[np.ndarray, tuple[int, int, int]]:
    """Average pooling without padding: each output is exactly the mean of its kh x kw window."""
    C, H, W = in_shape
    KH, KW = kernel
    OH, OW = (H - KH) // stride[0] + 1, (W - KW) // stride[1] + 1
    if OH < 1 or OW < 1:
        raise ShapeError(f"pooling window {KH}x{KW} does not fit the input {H}x{W}")
    M = np.zeros((C * OH * OW, C * H * W), dtype=object)
    M[:] = 0
    weight = Fraction(1, KH * KW)
    for c in range(C):
        for i in range(OH):
            for j in range(OW):
                row = (c * OH + i) * OW + j
                for ki in range(KH):
                    for kj in range(KW):
                        M[row, (c * H + i * stride[0] + ki) * W + j * stride[1] + kj] = weight
    return M, (C, OH, OW)


def batchnorm_affine(shape: tuple[int, ...], gamma, beta, mean, var, eps: float) -> _Affine:
    """Inference-mode batch norm on a (C,) or (C, H, W) tensor, per channel ``s x + (beta - s mean)``."""
    gamma, beta, mean, var = (np.asarray(a, dtype=np.float64) for a in (gamma, beta, mean, var))
    scale = gamma / np.sqrt(var + np.float64(eps))  # float64: see the module docstring
    per_channel = int(np.prod(shape[1:])) if len(shape) > 1 else 1
    n = int(np.prod(shape))
    diag = [Fraction(float(scale[i // per_channel])) for i in range(n)]
    shift = [Fraction(float(beta[i // per_channel])) - diag[i] * Fraction(float(mean[i // per_channel])) for i in range(n)]
    M = flint.fmpq_mat(n, n)
    for i in range(n):
        M[i, i] = _q(diag[i])
    return _Affine(M, flint.fmpq_mat(n, 1, [_q(s) for s in shift]))


def _pair(value) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    h, w = value
    return int(h), int(w)


# --- PyTorch --------------------------------------------------------------------------------------

def load_torch(path: str | Path, *, arch: str | None = None, input_shape: str | None = None) -> Network:
    """A pickled ``nn.Sequential`` (``torch.save(model)``), or a state_dict of Linear layers with
    ``arch`` naming the chain, e.g. ``"linear,relu,linear"``."""
    try:
        import torch
    except ImportError:
        raise UnsupportedLayerError("reading .pt files needs torch: pip install 'regionscope[torch]'") from None
    try:
        obj = torch.load(str(path), map_location="cpu", weights_only=False)
    except Exception as exc:  # torch raises many types for a corrupt file
        raise ModelFileError(f"cannot read torch file {str(path)!r}: {exc}") from None
    if isinstance(obj, dict):
        if not arch:
            raise ModelFileError(f"{str(path)!r} holds a state_dict: give --arch, e.g. 'linear,relu,linear'")
        return _torch_state_dict(obj, arch)
    if not isinstance(obj, torch.nn.Module):
        raise ModelFileError(f"{str(path)!r} holds a {type(obj).__name__}, not an nn.Module or state_dict")
    shape = tuple(int(s) for s in input_shape.split(",")) if input_shape else None
    return torch_to_network(obj, shape)


def torch_to_network(model, input_shape: tuple[int, ...] | None = None) -> Network:
    """An ``nn.Sequential`` (nested ones allowed) as an exact Network."""
    import torch.nn as nn

    modules = list(_flatten_sequential(model))
    if input_shape is None:
        first = next((m for m in modules if not isinstance(m, (nn.Flatten, nn.Dropout, nn.Identity))), None)
        if not isinstance(first, nn.Linear):
            raise ShapeError("give the input shape (C,H,W) for a model that does not start with Linear")
        input_shape = (first.in_features,)
    shape = tuple(input_shape)
    ops: list[_Affine | str] = []
    for m in modules:
        shape = _torch_module(m, shape, ops)
    return _fold(ops, int(np.prod(input_shape)))


def _flatten_sequential(model):
    import torch.nn as nn
    if isinstance(model, nn.Sequential):
        for m in model:
            yield from _flatten_sequential(m)
    else:
        yield model


def _np(t) -> np.ndarray:
    return t.detach().cpu().double().numpy()


def _torch_module(m, shape: tuple[int, ...], ops: list) -> tuple[int, ...]:
    import torch.nn as nn
    n = int(np.prod(shape))
    if isinstance(m, nn.Linear):
        if m.in_features != n:
            raise ShapeError(f"Linear({m.in_features}, {m.out_features}) receives {n} values")
        ops.append(_affine(_np(m.weight), None if m.bias is None else _np(m.bias)))
        return (m.out_features,)
    if isinstance(m, nn.ReLU):
        ops.append("relu")
    elif isinstance(m, nn.LeakyReLU):
        ops.append(f"leaky_relu:{Fraction(float(m.negative_slope))}")
    elif isinstance(m, nn.Hardtanh):
        if (m.min_val, m.max_val) != (-1.0, 1.0):
            raise UnsupportedLayerError(f"Hardtanh({m.min_val}, {m.max_val}): only the range [-1, 1] is supported")
        ops.append("hardtanh")
    elif isinstance(m, (nn.Identity, nn.Dropout, nn.Flatten)):
        return (n,) if isinstance(m, nn.Flatten) else shape
    elif isinstance(m, nn.Conv2d):
        if m.padding_mode != "zeros" or isinstance(m.padding, str):
            raise UnsupportedLayerError(f"Conv2d with padding {m.padding!r}/{m.padding_mode!r}: give explicit zero padding")
        if len(shape) != 3:
            raise ShapeError(f"Conv2d needs a (C, H, W) input, got shape {shape}; pass --input-shape")
        ph, pw = _pair(m.padding)
        M, out = conv2d_matrix(_np(m.weight), shape, _pair(m.stride), (ph, pw, ph, pw), _pair(m.dilation), m.groups)
        bias = None if m.bias is None else np.repeat(_np(m.bias), out[1] * out[2])
        ops.append(_affine(M, bias))
        return out
    elif isinstance(m, nn.AvgPool2d):
        if _pair(m.padding) != (0, 0) or m.ceil_mode or m.divisor_override is not None:
            raise UnsupportedLayerError("AvgPool2d with padding, ceil_mode or divisor_override is not supported")
        if len(shape) != 3:
            raise ShapeError(f"AvgPool2d needs a (C, H, W) input, got shape {shape}")
        kernel = _pair(m.kernel_size)
        M, out = avgpool2d_matrix(shape, kernel, _pair(m.stride if m.stride is not None else m.kernel_size))
        ops.append(_affine(M))
        return out
    elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
        if m.running_mean is None or m.running_var is None:
            raise UnsupportedLayerError(f"{type(m).__name__} without running statistics is not an affine map")
        gamma = _np(m.weight) if m.weight is not None else np.ones(m.num_features)
        beta = _np(m.bias) if m.bias is not None else np.zeros(m.num_features)
        ops.append(batchnorm_affine(shape, gamma, beta, _np(m.running_mean), _np(m.running_var), m.eps))
    else:
        raise UnsupportedLayerError(f"torch module {type(m).__name__} is not supported")
    return shape


def _torch_state_dict(state: dict, arch: str) -> Network:
    tokens = [t.strip() for t in arch.split(",") if t.strip()]
    weights = [k for k in state if k.endswith("weight") and getattr(state[k], "ndim", 0) == 2]
    if sum(t == "linear" for t in tokens) != len(weights):
        raise ShapeError(f"--arch names {sum(t == 'linear' for t in tokens)} linear layers, the state_dict has {len(weights)}")
    ops: list[_Affine | str] = []
    it = iter(weights)
    for t in tokens:
        if t == "linear":
            key = next(it)
            bias = state.get(key[: -len("weight")] + "bias")
            ops.append(_affine(_np(state[key]), None if bias is None else _np(bias)))
        else:
            ops.append(t)
    return _fold(ops, int(state[weights[0]].shape[1]))


# --- ONNX -----------------------------------------------------------------------------------------

def load_onnx(path: str | Path) -> Network:
    try:
        import onnx
    except ImportError:
        raise UnsupportedLayerError("reading .onnx files needs onnx: pip install 'regionscope[onnx]'") from None
    try:
        model = onnx.load(str(path))
    except Exception as exc:
        raise ModelFileError(f"cannot read ONNX file {str(path)!r}: {exc}") from None
    if not model.graph.node and not model.graph.input:
        raise ModelFileError(f"{str(path)!r} holds no ONNX graph")
    return onnx_to_network(model)


@dataclass
class _Tensor:
    """A data tensor of the graph: its shape (without the batch axis) and its value, an affine map of the
    input of layer ``stage + 1`` (the graph input, or the output of the last activation); ``None`` is
    that input itself."""

    shape: tuple[int, ...]
    stage: int
    affine: _Affine | None


@dataclass
class _Graph:
    """What the nodes read and write while the graph is folded into layers."""

    batched: bool  # the input's first axis is the batch (inputs of rank 1 have none)
    constants: dict
    values: dict
    layers: list


def onnx_to_network(model) -> Network:
    """An ONNX graph as an exact Network.

    Nodes are read in their (topological) order. Every tensor computed from the data is kept as an exact
    affine map of the current layer's input, so constant normalisations (Sub, Div, Mul, Add of constants)
    fold into the next affine map, and Add/Sub of two tensors folds when both are affine maps of the same
    layer input (a residual connection inside one affine block). An activation closes a layer; a node
    that reads a tensor from before the last activation (a skip across an activation) is not a layered
    network and raises :class:`UnsupportedLayerError` naming the node."""
    from onnx import numpy_helper

    graph = model.graph
    constants = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    inputs = [i for i in graph.input if i.name not in constants]
    if len(inputs) != 1:
        raise UnsupportedLayerError(f"the ONNX graph has {len(inputs)} data inputs; one is supported")
    dims = [d.dim_value for d in inputs[0].type.tensor_type.shape.dim]
    batched = len(dims) > 1
    shape = tuple(dims[1:] if batched else dims)
    if not shape or any(d <= 0 for d in shape):
        raise ShapeError(f"the ONNX input needs fixed non-batch dimensions, got {list(shape)}")
    g = _Graph(batched, constants, {inputs[0].name: _Tensor(shape, 0, None)}, [])
    for node in graph.node:
        if node.op_type == "Constant":
            constants[node.output[0]] = _constant_value(node)
        else:
            g.values[node.output[0]] = _onnx_node(node, g)
    if len(graph.output) != 1:
        raise UnsupportedLayerError(f"the ONNX graph has {len(graph.output)} outputs; one is supported")
    out = g.values.get(graph.output[0].name)
    if out is None or out.stage != len(g.layers):
        raise UnsupportedLayerError(f"the ONNX graph output {graph.output[0].name!r} is off the main chain "
                                    "(not computed from the last activation)")
    if out.affine is not None or not g.layers:
        g.layers.append(_layer_of(_explicit(out), "identity", len(g.layers)))
    return network(g.layers)


def _constant_value(node) -> np.ndarray:
    from onnx import numpy_helper
    value = _attribute(node.attribute[0])
    return numpy_helper.to_array(value) if hasattr(value, "dims") else np.asarray(value)


def _no_auto_pad(op: str, attrs: dict) -> None:
    mode = attrs.get("auto_pad", b"NOTSET")
    mode = mode.decode() if isinstance(mode, bytes) else str(mode)
    if mode not in ("NOTSET", ""):
        raise UnsupportedLayerError(f"{op} with auto_pad={mode}: give explicit pads")


def _attribute(a):
    from onnx import helper
    return helper.get_attribute_value(a)


def _label(node) -> str:
    return f"ONNX node {node.op_type} ({node.name or node.output[0]})"


def _explicit(t: _Tensor) -> _Affine:
    """The tensor's affine map, the identity written out when it is the layer input itself."""
    if t.affine is not None:
        return t.affine
    n = int(np.prod(t.shape))
    return _Affine(_identity(n), flint.fmpq_mat(n, 1))


def _then(t: _Tensor, step: _Affine, shape: tuple[int, ...], label: str) -> _Tensor:
    """The tensor ``step(t)`` of the given shape."""
    if step.M.ncols() != int(np.prod(t.shape)):
        raise ShapeError(f"{label} takes {step.M.ncols()} inputs but receives a tensor of shape {t.shape}")
    a = t.affine
    return _Tensor(shape, t.stage, step if a is None else _Affine(step.M * a.M, step.M * a.v + step.v))


def _shifted(t: _Tensor, c: list) -> _Tensor:
    a = _explicit(t)
    return _Tensor(t.shape, t.stage, _Affine(a.M, a.v + flint.fmpq_mat(len(c), 1, [_q(x) for x in c])))


def _scaled(t: _Tensor, d: list) -> _Tensor:
    """Row i of the tensor's map times ``d[i]`` (exact)."""
    d = [_q(x) for x in d]
    if t.affine is None:
        M = flint.fmpq_mat(len(d), len(d))
        for i, x in enumerate(d):
            M[i, i] = x
        return _Tensor(t.shape, t.stage, _Affine(M, flint.fmpq_mat(len(d), 1)))
    M, v, cols = t.affine.M, t.affine.v, t.affine.M.ncols()
    entries = M.entries()
    scaled = [entries[k] * d[k // cols] for k in range(len(entries))]
    return _Tensor(t.shape, t.stage, _Affine(flint.fmpq_mat(len(d), cols, scaled),
                                             flint.fmpq_mat(len(d), 1, [v[i, 0] * d[i] for i in range(len(d))])))


def _onnx_node(node, g: _Graph) -> _Tensor:
    """The tensor a node computes; an activation node also closes a layer."""
    label = _label(node)
    args: list = []
    for name in node.input:
        if not name:
            args.append(None)  # an omitted optional input
        elif name in g.values:
            if g.values[name].stage != len(g.layers):
                raise UnsupportedLayerError(
                    f"{label} reads {name!r} from before the activation that closed layer {g.values[name].stage + 1}: "
                    "it is off the main chain (a connection across an activation is not a layered network)")
            args.append(g.values[name])
        elif name in g.constants:
            args.append(g.constants[name])
        else:
            raise UnsupportedLayerError(f"{label} reads {name!r}, which no earlier node computes")
    if not any(isinstance(a, _Tensor) for a in args):
        raise UnsupportedLayerError(f"{label} computes from constants only and is off the main chain: "
                                    "fold constant subgraphs first (e.g. with onnx-simplifier)")
    attrs = {a.name: _attribute(a) for a in node.attribute}
    if node.op_type in ("Add", "Sub", "Mul", "Div"):
        return _elementwise(node.op_type, args, g, label)
    if node.op_type == "MatMul":
        return _matmul(args, g, label)
    x = args[0]
    if not isinstance(x, _Tensor):
        raise UnsupportedLayerError(f"{label} takes a constant as its first input and the data later: not supported")
    act = _activation(node.op_type, attrs, args, label)
    if act is not None:
        g.layers.append(_layer_of(_explicit(x), act, len(g.layers)))
        return _Tensor(x.shape, len(g.layers), None)
    return _affine_node(node.op_type, attrs, args, g, label)


def _activation(op: str, attrs: dict, args: list, label: str) -> str | None:
    """The activation string of an activation node, None for any other node."""
    if op == "Relu":
        return "relu"
    if op == "LeakyRelu":
        return f"leaky_relu:{Fraction(float(attrs.get('alpha', np.float32(0.01))))}"  # schema default
    if op == "Clip":
        if any(isinstance(a, _Tensor) for a in args[1:]):
            raise UnsupportedLayerError(f"{label}: Clip bounds computed from the data are not supported")
        low = attrs.get("min", args[1] if len(args) > 1 else None)
        high = attrs.get("max", args[2] if len(args) > 2 else None)
        if low is None or high is None or (float(low), float(high)) != (-1.0, 1.0):
            raise UnsupportedLayerError(f"{label}: Clip({low}, {high}): only Clip(-1, 1) (hard-tanh) is supported")
        return "hardtanh"
    return None


def _elementwise(op: str, args: list, g: _Graph, label: str) -> _Tensor:
    """Add, Sub, Mul, Div of a tensor and a constant (either order), or Add, Sub of two tensors."""
    if len(args) != 2:
        raise UnsupportedLayerError(f"{label} has {len(args)} inputs, expected 2")
    a, b = args
    if isinstance(a, _Tensor) and isinstance(b, _Tensor):
        if op in ("Mul", "Div"):
            raise UnsupportedLayerError(f"{label}: a {op} of two data tensors is not an affine map")
        if a.shape != b.shape:
            raise ShapeError(f"{label} of tensors of shapes {a.shape} and {b.shape}: only equal shapes are supported")
        ma, mb = _explicit(a), _explicit(b)
        if op == "Add":
            return _Tensor(a.shape, a.stage, _Affine(ma.M + mb.M, ma.v + mb.v))
        return _Tensor(a.shape, a.stage, _Affine(ma.M - mb.M, ma.v - mb.v))
    t, c, data_first = (a, b, True) if isinstance(a, _Tensor) else (b, a, False)
    c = _broadcast(c, t, g, label)
    if op == "Add":
        return _shifted(t, c)
    if op == "Sub":
        return _shifted(t, [-x for x in c]) if data_first else _shifted(_scaled(t, [-1] * len(c)), c)
    if op == "Mul":
        return _scaled(t, c)
    if not data_first:
        raise UnsupportedLayerError(f"{label}: dividing a constant by the data is not an affine map")
    zero = next((i for i, x in enumerate(c) if x == 0), None)
    if zero is not None:
        raise ModelFileError(f"{label} divides entry {zero} of the tensor by 0")
    return _scaled(t, [1 / rational(x) for x in c])


def _broadcast(c, t: _Tensor, g: _Graph, label: str) -> list:
    """The constant broadcast to the tensor's shape (numpy rules, the tensor's shape unchanged), flattened."""
    c = np.asarray(c)
    target = (1, *t.shape) if g.batched else t.shape
    try:
        return np.broadcast_to(c, target).reshape(-1).tolist()
    except ValueError:
        raise ShapeError(f"{label} of a constant of shape {c.shape} to a tensor of shape {t.shape}") from None


def _reshaped(target: list[int], t: _Tensor, g: _Graph, label: str) -> tuple[int, ...]:
    """The shape after Reshape(target), the batch axis (taken as one) kept first and alone."""
    full = (1, *t.shape) if g.batched else t.shape
    out = [full[i] if v == 0 and i < len(full) else v for i, v in enumerate(target)]
    n, known = int(np.prod(t.shape)), int(np.prod([v for v in out if v != -1]))
    if out.count(-1) > 1 or any(v < -1 or v == 0 for v in out) or not known or n % known:
        raise ShapeError(f"{label}: cannot reshape a tensor of shape {t.shape} to {target}")
    out = [n // known if v == -1 else v for v in out]
    if int(np.prod(out)) != n or (g.batched and out[0] != 1):
        raise UnsupportedLayerError(f"{label}: Reshape of shape {t.shape} to {target} does not keep the batch axis "
                                    "first and alone")
    return tuple(out[1:] if g.batched else out)


def _matmul(args: list, g: _Graph, label: str) -> _Tensor:
    """``x W`` for a constant matrix W (on the last axis, as numpy's matmul), or ``W x`` for an input
    vector without a batch axis."""
    if len(args) != 2 or all(isinstance(a, _Tensor) for a in args):
        raise UnsupportedLayerError(f"{label}: MatMul of two data tensors is not an affine map")
    (x, W), data_left = (args, True) if isinstance(args[0], _Tensor) else (args[::-1], False)
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2:
        raise UnsupportedLayerError(f"{label}: MatMul with a constant of shape {W.shape}: only matrices are supported")
    n = int(np.prod(x.shape))
    if not data_left:
        if g.batched or W.shape[1] != n:
            raise UnsupportedLayerError(f"{label}: MatMul with the data on the right is only supported for an "
                                        "input vector without a batch axis")
        return _then(x, _affine(W), (W.shape[0],), label)
    if W.shape[0] != x.shape[-1]:
        raise ShapeError(f"{label}: MatMul of a tensor of shape {x.shape} with a matrix of shape {W.shape}")
    return _then(x, _affine(np.kron(np.eye(n // x.shape[-1]), W.T)), (*x.shape[:-1], W.shape[1]), label)


def _affine_node(op: str, attrs: dict, args: list, g: _Graph, label: str) -> _Tensor:
    x, shape = args[0], args[0].shape
    n = int(np.prod(shape))
    constant = [a for a in args[1:] if a is not None]
    if any(isinstance(a, _Tensor) for a in constant):
        raise UnsupportedLayerError(f"{label}: {op} with more than one data input is not supported (not affine)")
    if not g.batched and op not in ("Identity", "Dropout"):
        raise UnsupportedLayerError(f"{label}: {op} on an input without a batch axis is not supported; "
                                    "give the input a batch axis (shape [N, ...])")
    if op in ("Identity", "Dropout"):
        return x
    if op == "Flatten":
        axis = attrs.get("axis", 1)
        if axis % (len(shape) + 1) != 1:  # a negative axis counts from the end
            raise UnsupportedLayerError(f"{label}: Flatten with axis {axis}: only axis 1 (keep the batch) is supported")
        return _Tensor((n,), x.stage, x.affine)
    if op == "Reshape":
        if attrs.get("allowzero", 0):
            raise UnsupportedLayerError(f"{label}: Reshape with allowzero=1 is not supported")
        return _Tensor(_reshaped([int(v) for v in np.asarray(constant[0]).reshape(-1)], x, g, label), x.stage, x.affine)
    if op == "Gemm":
        if attrs.get("transA", 0):
            raise UnsupportedLayerError(f"{label}: Gemm with transA=1 is not supported")
        B = constant[0]
        M = (B if attrs.get("transB", 0) else B.T).astype(np.float64)
        alpha, beta = Fraction(float(attrs.get("alpha", 1.0))), Fraction(float(attrs.get("beta", 1.0)))
        matrix = np.array([[alpha * Fraction(float(v)) for v in row] for row in M], dtype=object)
        bias = None if len(constant) < 2 else [beta * Fraction(float(v)) for v in
                                               np.broadcast_to(np.asarray(constant[1]).reshape(-1), (M.shape[0],))]
        return _then(x, _affine(matrix, bias), (M.shape[0],), label)
    if op == "Conv":
        _no_auto_pad(op, attrs)
        if len(shape) != 3:
            raise ShapeError(f"{label}: Conv needs a (C, H, W) input, got shape {shape}")
        pads = tuple(attrs.get("pads", (0, 0, 0, 0)))
        M, out = conv2d_matrix(constant[0].astype(np.float64), shape, tuple(attrs.get("strides", (1, 1))),
                               (pads[0], pads[1], pads[2], pads[3]), tuple(attrs.get("dilations", (1, 1))),
                               int(attrs.get("group", 1)))
        shift = None if len(constant) < 2 else np.repeat(constant[1].astype(np.float64), out[1] * out[2])
        return _then(x, _affine(M, shift), out, label)
    if op == "AveragePool":
        _no_auto_pad(op, attrs)
        if any(attrs.get("pads", (0,))) or attrs.get("ceil_mode", 0):
            raise UnsupportedLayerError(f"{label}: AveragePool with padding or ceil_mode is not supported")
        M, out = avgpool2d_matrix(shape, tuple(attrs["kernel_shape"]), tuple(attrs.get("strides", (1, 1))))
        return _then(x, _affine(M), out, label)  # ONNX's default stride is 1
    if op == "BatchNormalization":
        gamma, beta, mean, var = constant[:4]
        step = batchnorm_affine(shape, gamma, beta, mean, var, float(attrs.get("epsilon", np.float32(1e-5))))
        return _then(x, step, shape, label)
    raise UnsupportedLayerError(f"ONNX operator {op} is not supported ({label})")
