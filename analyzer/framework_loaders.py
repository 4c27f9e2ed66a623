"""PyTorch and ONNX models -> :class:`Network`, folding affine pieces into exact affine maps.

A model is read as a chain of operations on one tensor, flattened in C order: affine operations
(Linear/Gemm/MatMul/Add, Conv, average pooling, batch norm in inference mode, Flatten/Reshape) and
activations (ReLU, LeakyReLU, Hardtanh/Clip(-1, 1)). Consecutive affine operations are composed
exactly; each activation closes a layer; trailing affine operations make the final identity layer.

Exactness: weights are the exact binary rationals of the stored floats; convolution and pooling
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
from analyzer.network import Network, layer, network
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


def _fold(ops: list, in_dim: int) -> Network:
    """Compose affine ops, close a layer at each activation (a string understood by analyzer.network)."""
    identity = flint.fmpq_mat(in_dim, in_dim, [int(i == j) for i in range(in_dim) for j in range(in_dim)])
    pending = _Affine(identity, flint.fmpq_mat(in_dim, 1))
    layers, touched = [], False
    for op in ops:
        if isinstance(op, _Affine):
            if op.M.ncols() != pending.M.nrows():
                raise ShapeError(f"an affine step takes {op.M.ncols()} inputs but receives {pending.M.nrows()}")
            pending = _Affine(op.M * pending.M, op.M * pending.v + op.v)
            touched = True
            continue
        layers.append(_layer_of(pending, op, len(layers)))
        n = pending.M.nrows()
        pending = _Affine(flint.fmpq_mat(n, n, [int(i == j) for i in range(n) for j in range(n)]), flint.fmpq_mat(n, 1))
        touched = False
    if touched or not layers:
        layers.append(_layer_of(pending, "identity", len(layers)))
    return network(layers)


def _layer_of(a: _Affine, act: str, index: int):
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
    return (value, value) if isinstance(value, int) else tuple(int(v) for v in value)


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
    shape, ops = tuple(input_shape), []
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
    ops, it = [], iter(weights)
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


def onnx_to_network(model) -> Network:
    """A chain-shaped ONNX graph as an exact Network."""
    from onnx import numpy_helper

    graph = model.graph
    constants = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    inputs = [i for i in graph.input if i.name not in constants]
    if len(inputs) != 1:
        raise UnsupportedLayerError(f"the ONNX graph has {len(inputs)} data inputs; one is supported")
    dims = [d.dim_value for d in inputs[0].type.tensor_type.shape.dim][1:]
    if not dims or any(d <= 0 for d in dims):
        raise ShapeError(f"the ONNX input needs fixed non-batch dimensions, got {dims}")
    shape, current, ops = tuple(dims), inputs[0].name, []
    for node in graph.node:
        if node.op_type == "Constant":
            constants[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
            continue
        if current not in node.input:
            raise UnsupportedLayerError(f"ONNX node {node.op_type} ({node.name}) is off the main chain")
        attrs = {a.name: _attribute(a) for a in node.attribute}
        shape = _onnx_node(node, attrs, constants, current, shape, ops)
        current = node.output[0]
    return _fold(ops, int(np.prod(dims)))


def _no_auto_pad(op: str, attrs: dict) -> None:
    mode = attrs.get("auto_pad", b"NOTSET")
    mode = mode.decode() if isinstance(mode, bytes) else str(mode)
    if mode not in ("NOTSET", ""):
        raise UnsupportedLayerError(f"{op} with auto_pad={mode}: give explicit pads")


def _attribute(a):
    from onnx import helper
    return helper.get_attribute_value(a)


def _onnx_node(node, attrs, constants, current, shape, ops):
    op = node.op_type
    n = int(np.prod(shape))
    others = [constants.get(i) for i in node.input if i != current and i]
    if op in ("Relu",):
        ops.append("relu")
    elif op == "LeakyRelu":
        ops.append(f"leaky_relu:{Fraction(float(attrs.get('alpha', np.float32(0.01))))}")  # schema default
    elif op == "Clip":
        low = attrs.get("min", others[0] if len(others) > 0 else None)
        high = attrs.get("max", others[1] if len(others) > 1 else None)
        if low is None or high is None or (float(low), float(high)) != (-1.0, 1.0):
            raise UnsupportedLayerError(f"Clip({low}, {high}): only Clip(-1, 1) (hard-tanh) is supported")
        ops.append("hardtanh")
    elif op == "Flatten":
        if attrs.get("axis", 1) != 1:
            raise UnsupportedLayerError(f"Flatten with axis {attrs['axis']}: only axis 1 (keep the batch) is supported")
        return (n,)
    elif op == "Reshape":
        target = [int(v) for v in np.asarray(others[0]).reshape(-1)]
        if len(target) != 2 or target[1] not in (-1, n):
            raise UnsupportedLayerError(f"Reshape to {target}: only flattening to (batch, {n}) is supported")
        return (n,)
    elif op in ("Identity", "Dropout"):
        return shape
    elif op == "Gemm":
        if attrs.get("transA", 0):
            raise UnsupportedLayerError("Gemm with transA=1 is not supported")
        B = others[0]
        M = (B if attrs.get("transB", 0) else B.T).astype(np.float64)
        alpha, beta = Fraction(float(attrs.get("alpha", 1.0))), Fraction(float(attrs.get("beta", 1.0)))
        matrix = np.array([[alpha * Fraction(float(x)) for x in row] for row in M], dtype=object)
        bias = None if len(others) < 2 else [beta * Fraction(float(x)) for x in
                                             np.broadcast_to(np.asarray(others[1]).reshape(-1), (M.shape[0],))]
        ops.append(_affine(matrix, bias))
        return (M.shape[0],)
    elif op == "MatMul":
        if node.input[0] != current:
            raise UnsupportedLayerError("MatMul with the data on the right is not supported")
        M = others[0].astype(np.float64).T
        ops.append(_affine(M))
        return (M.shape[0],)
    elif op in ("Add", "Sub"):
        constant = np.asarray(others[0], dtype=np.float64)
        try:
            c = np.broadcast_to(constant, (1, *shape)).reshape(-1)
        except ValueError:
            raise ShapeError(f"{op} of a constant of shape {constant.shape} to a tensor of shape {shape}") from None
        if op == "Sub" and node.input[0] != current:
            raise UnsupportedLayerError("Sub with the data as subtrahend is not supported")
        sign = -1 if op == "Sub" else 1
        ops.append(_affine(np.eye(n, dtype=np.float64), sign * c))
    elif op == "Conv":
        _no_auto_pad(op, attrs)
        if len(shape) != 3:
            raise ShapeError(f"Conv needs a (C, H, W) input, got shape {shape}")
        pads = tuple(attrs.get("pads", (0, 0, 0, 0)))
        M, out = conv2d_matrix(others[0].astype(np.float64), shape, tuple(attrs.get("strides", (1, 1))),
                               (pads[0], pads[1], pads[2], pads[3]), tuple(attrs.get("dilations", (1, 1))),
                               int(attrs.get("group", 1)))
        bias = None if len(others) < 2 else np.repeat(others[1].astype(np.float64), out[1] * out[2])
        ops.append(_affine(M, bias))
        return out
    elif op == "AveragePool":
        _no_auto_pad(op, attrs)
        if any(attrs.get("pads", (0,))) or attrs.get("ceil_mode", 0):
            raise UnsupportedLayerError("AveragePool with padding or ceil_mode is not supported")
        kernel = tuple(attrs["kernel_shape"])
        M, out = avgpool2d_matrix(shape, kernel, tuple(attrs.get("strides", (1, 1))))  # ONNX default stride 1
        ops.append(_affine(M))
        return out
    elif op == "BatchNormalization":
        gamma, beta, mean, var = others[:4]
        ops.append(batchnorm_affine(shape, gamma, beta, mean, var, float(attrs.get("epsilon", np.float32(1e-5)))))
    else:
        raise UnsupportedLayerError(f"ONNX operator {op} is not supported")
    return shape
