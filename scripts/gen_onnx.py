#!/usr/bin/env python3
"""Generate the ONNX golden cases that `tests/golden.rs` checks the crate against.

Usage
-----
    python3 -m venv VENV && VENV/bin/pip install numpy onnx onnxruntime safetensors
    VENV/bin/python scripts/gen_onnx.py [--out DIR] [--seed N]
    VENV/bin/python scripts/gen_onnx.py --from-dir DIR --out OUT

The first form writes, under `--out` (default `tests/golden/onnx/`):

* every f32 case of ONNX's own backend node tests for the operators this
  script converts (`onnx.backend.test.case.node.collect_testcases`, the
  generators the onnx package ships), one file per test data set, named
  after the test;
* random attribute combinations per operator, with NaN, infinities,
  subnormals and values near `f32::MAX` among the inputs, half of them
  channels-last. Their expected outputs come from onnxruntime (CPU, one
  thread) and must agree with `onnx.reference.ReferenceEvaluator` on the
  same model: bit for bit for the copying operators. Any disagreement is
  printed with the combination, and stops the run. For MaxPool, MaxUnpool
  and ConvTranspose a disagreement is written to `<Op>/disagreements.md`
  with the answer stored (the one that follows the specification; see
  each generator's docstring and docs/onnx.md).

Before writing it deletes the `*.safetensors` files in the operator folders
it writes (`DIR/<OpType>/`) but `interop_*` (scripts/check_interop.py's),
and nothing else. It prints the cases per
operator and the node tests skipped for another dtype.

The second form converts a folder of tests in the layout of ONNX's backend
node tests (`<case>/model.onnx` with one node,
`<case>/test_data_set_<k>/input_<i>.pb` and `output_<i>.pb`) into one case
per test data set under OUT, so that `UPSAMPLE_GOLDEN_DIR=OUT cargo test
--test golden` runs any further ONNX suite. A folder it cannot convert (an
operator it does not know, another dtype, more than one node) is an error
that names it.

Case format
-----------
As `gen_golden.py`'s, with `op` the ONNX operator type (`DepthToSpace`,
`SpaceToDepth`) and `params` its attributes as ONNX names them (defaults
filled in: `mode` is `"DCR"` unless given) plus `"layout"`. Tensors are
stored in physical order; a channels-last case holds the NCHW tensors
transposed to NHWC, which is how a runtime with NHWC buffers calls the
crate. Tolerances are 0/0 for the copying operators.

Operators converted: DepthToSpace, SpaceToDepth, Resize, Upsample (stored
as Resize), MaxPool (params: kernel_shape, strides, pads, dilations,
auto_pad, ceil_mode, storage_order; tensors input, output and, where the
test has it, indices) and MaxUnpool (params: kernel_shape, strides, pads,
output_shape; tensors input, indices, output) and ConvTranspose (params:
kernel_shape, strides, pads, dilations, output_padding, output_shape (empty
lists for ONNX's defaults), group, auto_pad; tensors input, weight, optional
bias, output; the weight and bias in ONNX's layout in both layouts). Their
node tests are stored in both layouts. `--ops A,B` rewrites only those
operators' folders.
"""

import argparse
import glob
import json
import os
import sys
import warnings
import zlib
from collections import Counter

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator
from onnx.reference.ops import op_resize

from golden_format import check_file, write_safetensors

CF, CL = "channels_first", "channels_last"
EXACT = ("0", "0")
# ONNX opset of the random cases' models: the first with SpaceToDepth's mode.
OPSET = 28


class Unsupported(Exception):
    """A test this script cannot turn into a case, and why."""


# --------------------------------------------------------------------------
# Converting one node and its tensors into cases
# --------------------------------------------------------------------------


def attributes(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def text(value):
    return value.decode() if isinstance(value, bytes) else value


def depth_space(node, inputs, outputs):
    """DepthToSpace / SpaceToDepth: the attributes with defaults filled in."""
    attrs = attributes(node)
    unknown = set(attrs) - {"blocksize", "mode"}
    if unknown:
        raise Unsupported(f"{node.op_type}: unknown attributes {sorted(unknown)}")
    if "blocksize" not in attrs:
        raise Unsupported(f"{node.op_type}: no blocksize")
    mode = text(attrs.get("mode", "DCR"))
    if mode not in ("DCR", "CRD"):
        raise Unsupported(f"{node.op_type}: mode {mode!r}")
    (x,), (y,) = inputs, outputs
    if x.ndim != 4:
        raise Unsupported(f"{node.op_type}: a {x.ndim}-d input")
    return {"blocksize": int(attrs["blocksize"]), "mode": mode}, {"input": x, "output": y}


RESIZE_DEFAULTS = {
    "mode": "nearest",
    "coordinate_transformation_mode": "half_pixel",
    "nearest_mode": "round_prefer_floor",
    "cubic_coeff_a": -0.75,
    "exclude_outside": 0,
    "extrapolation_value": 0.0,
    "antialias": 0,
    "axes": None,
    "keep_aspect_ratio_policy": "stretch",
}
SMOOTH = ("1e-5", "1.3e-6")


def resize(node, inputs, outputs):
    """Resize (opset 11 and later: X, roi, scales, sizes) and the deprecated
    Upsample (X, scales; asymmetric coordinates, nearest rounding down):
    the attributes with defaults filled in and the roi, scales and sizes
    inputs as params. A roi given to another coordinate mode than
    tf_crop_and_resize is dropped (ONNX ignores it; the crate rejects it)."""
    attrs = {k: text(v) for k, v in attributes(node).items()}
    names = list(node.input)
    given = dict(zip([n for n in names if n], inputs))
    if node.op_type == "Upsample":
        unknown = set(attrs) - {"mode"}
        if unknown:
            raise Unsupported(f"Upsample: unknown attributes {sorted(unknown)}")
        params = dict(RESIZE_DEFAULTS, mode=attrs.get("mode", "nearest"))
        params.update(coordinate_transformation_mode="asymmetric", nearest_mode="floor")
        slots = {"scales": names[1] if len(names) > 1 else ""}
        roi = None
    else:
        unknown = set(attrs) - set(RESIZE_DEFAULTS)
        if unknown:
            raise Unsupported(f"Resize: unknown attributes {sorted(unknown)}")
        params = dict(RESIZE_DEFAULTS, **attrs)
        slots = {
            "roi": names[1] if len(names) > 1 else "",
            "scales": names[2] if len(names) > 2 else "",
            "sizes": names[3] if len(names) > 3 else "",
        }
        roi = given.get(slots["roi"])
    x = inputs[0]
    if x.ndim not in (3, 4, 5):
        raise Unsupported(f"{node.op_type}: a {x.ndim}-d input")
    scales = given.get(slots.get("scales", ""))
    sizes = given.get(slots.get("sizes", ""))
    params["scales"] = None if scales is None or scales.size == 0 else [float(v) for v in scales]
    params["sizes"] = None if sizes is None or sizes.size == 0 else [int(v) for v in sizes]
    tf_crop = params["coordinate_transformation_mode"] == "tf_crop_and_resize"
    params["roi"] = [float(v) for v in roi] if tf_crop and roi is not None else None
    params["axes"] = None if params["axes"] is None else [int(a) for a in params["axes"]]
    for key in ("exclude_outside", "antialias"):
        params[key] = bool(params[key])
    for key in ("cubic_coeff_a", "extrapolation_value"):
        params[key] = float(params[key])
    (y,) = outputs
    return params, {"input": x, "output": y}


AUTO_PADS = ("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID")


def max_pool(node, inputs, outputs):
    """MaxPool: the attributes with ONNX's defaults filled in; the Indices
    output when the test has it."""
    attrs = attributes(node)
    known = {"kernel_shape", "strides", "pads", "dilations", "auto_pad", "ceil_mode",
             "storage_order"}
    unknown = set(attrs) - known
    if unknown:
        raise Unsupported(f"MaxPool: unknown attributes {sorted(unknown)}")
    (x,) = inputs
    if x.ndim not in (3, 4, 5):
        raise Unsupported(f"MaxPool: a {x.ndim}-d input")
    rank = x.ndim - 2
    params = {
        "kernel_shape": [int(v) for v in attrs["kernel_shape"]],
        "strides": [int(v) for v in attrs.get("strides", [1] * rank)],
        "pads": [int(v) for v in attrs.get("pads", [0] * 2 * rank)],
        "dilations": [int(v) for v in attrs.get("dilations", [1] * rank)],
        "auto_pad": text(attrs.get("auto_pad", "NOTSET")),
        "ceil_mode": bool(attrs.get("ceil_mode", 0)),
        "storage_order": int(attrs.get("storage_order", 0)),
    }
    tensors = {"input": x, "output": outputs[0]}
    if len(outputs) > 1:
        tensors["indices"] = outputs[1]
    return params, tensors


def max_unpool(node, inputs, outputs):
    """MaxUnpool: the attributes with ONNX's defaults filled in and the
    output_shape input as a param."""
    attrs = attributes(node)
    unknown = set(attrs) - {"kernel_shape", "strides", "pads"}
    if unknown:
        raise Unsupported(f"MaxUnpool: unknown attributes {sorted(unknown)}")
    x, indices = inputs[0], inputs[1]
    if x.ndim not in (3, 4, 5):
        raise Unsupported(f"MaxUnpool: a {x.ndim}-d input")
    rank = x.ndim - 2
    shape = inputs[2] if len(inputs) > 2 else None
    params = {
        "kernel_shape": [int(v) for v in attrs["kernel_shape"]],
        "strides": [int(v) for v in attrs.get("strides", [1] * rank)],
        "pads": [int(v) for v in attrs.get("pads", [0] * 2 * rank)],
        "output_shape": None if shape is None else [int(v) for v in shape],
    }
    return params, {"input": x, "indices": indices.astype(np.int64), "output": outputs[0]}


CONV_TOL = ("1e-4", "1e-4")


def conv_transpose(node, inputs, outputs):
    """ConvTranspose: the attributes with ONNX's defaults filled in (lists
    empty where ONNX's default applies: kernel_shape from the weight)."""
    attrs = attributes(node)
    known = {"kernel_shape", "strides", "pads", "dilations", "output_padding", "output_shape",
             "group", "auto_pad"}
    unknown = set(attrs) - known
    if unknown:
        raise Unsupported(f"ConvTranspose: unknown attributes {sorted(unknown)}")
    x, wt = inputs[0], inputs[1]
    if x.ndim not in (3, 4, 5):
        raise Unsupported(f"ConvTranspose: a {x.ndim}-d input")
    for a in inputs[1:]:
        if a.dtype != np.float32:
            raise Unsupported(f"ConvTranspose: dtype {a.dtype}, not float32")
    params = {k: [int(v) for v in attrs.get(k, [])] for k in
              ("kernel_shape", "strides", "pads", "dilations", "output_padding", "output_shape")}
    params["group"] = int(attrs.get("group", 1))
    params["auto_pad"] = text(attrs.get("auto_pad", "NOTSET"))
    tensors = {"input": x, "weight": wt, "output": outputs[0]}
    if len(inputs) > 2:
        tensors["bias"] = inputs[2]
    return params, tensors


CONVERTERS = {
    "DepthToSpace": depth_space,
    "SpaceToDepth": depth_space,
    "Resize": resize,
    "Upsample": resize,
    "MaxPool": max_pool,
    "MaxUnpool": max_unpool,
    "ConvTranspose": conv_transpose,
}
# The op each converter's cases are stored as.
STORED_AS = {"Upsample": "Resize"}
NOT_YET = ()
# Node tests also stored channels-last (the earlier operators' are not).
BOTH_LAYOUTS = ("MaxPool", "MaxUnpool", "ConvTranspose")


def tolerance(op, params):
    """Exact for copies; linear and cubic within the float32 tolerance."""
    if op in ("Resize", "Upsample") and params["mode"] != "nearest":
        return SMOOTH
    if op == "ConvTranspose":
        return CONV_TOL
    return EXACT


def to_layout(tensors, layout):
    """NCHW tensors as a `layout` case stores them."""
    if layout == CF:
        return tensors
    # A weight and a bias keep their own layout (ONNX's, PyTorch's).
    return {
        k: v if k in ("weight", "bias") else np.ascontiguousarray(np.moveaxis(v, 1, -1))
        for k, v in tensors.items()
    }


def convert(node, inputs, outputs):
    """The params and tensors of one test data set, or Unsupported."""
    if node.op_type not in CONVERTERS:
        raise Unsupported(f"operator {node.op_type} is not converted")
    # The data tensors; roi, scales and sizes have their own types.
    for a in list(inputs[:1]) + list(outputs[:1]):
        if a.dtype != np.float32:
            raise Unsupported(f"{node.op_type}: dtype {a.dtype}, not float32")
    return CONVERTERS[node.op_type](node, inputs, outputs)


class Writer:
    def __init__(self, out):
        self.out = out
        self.counts = Counter()
        self.names = set()
        self.only = None

    def save(self, op, name, params, tensors, layout=CF, tol=EXACT):
        assert name not in self.names, f"duplicate case name {name}"
        self.names.add(name)
        folder = os.path.join(self.out, op)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{name}.safetensors")
        params = dict(params, layout=layout)
        metadata = {
            "op": op,
            "params": json.dumps(params, sort_keys=True),
            "atol": tol[0],
            "rtol": tol[1],
        }
        tensors = to_layout(tensors, layout)
        write_safetensors(path, tensors, metadata)
        check_file(path, tensors, metadata)
        self.counts[op] += 1


# --------------------------------------------------------------------------
# ONNX's node tests
# --------------------------------------------------------------------------


def node_tests(w):
    from onnx.backend.test.case.node import collect_testcases

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases = collect_testcases(None)
    skipped, not_yet = [], Counter()
    for case in cases:
        if case.kind != "node" or len(case.model.graph.node) != 1:
            continue
        node = case.model.graph.node[0]
        if node.op_type in NOT_YET:
            not_yet[node.op_type] += 1
            continue
        if node.op_type not in CONVERTERS:
            continue
        for k, (inputs, outputs) in enumerate(case.data_sets):
            name = case.name if len(case.data_sets) == 1 else f"{case.name}_{k}"
            try:
                params, tensors = convert(node, inputs, outputs)
            except Unsupported as e:
                if not w.only or STORED_AS.get(node.op_type, node.op_type) in w.only:
                    skipped.append(f"{name}: {e}")
                continue
            op = STORED_AS.get(node.op_type, node.op_type)
            if w.only and op not in w.only:
                continue
            w.save(op, name, params, tensors, tol=tolerance(op, params))
            # The 3-d default test's 98304-element input is stored once.
            if op in BOTH_LAYOUTS and tensors["input"].size <= 1 << 16:
                w.save(op, f"{name}_channels_last", params, tensors, CL, tolerance(op, params))
    return skipped, not_yet


# --------------------------------------------------------------------------
# Random combinations, answered by onnxruntime and checked by ONNX's
# reference implementation
# --------------------------------------------------------------------------


def model(op, attrs):
    node = helper.make_node(op, ["x"], ["y"], **attrs)
    graph = helper.make_graph(
        [node],
        op,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, None)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])


def run_both(m, x):
    """onnxruntime's output (CPU, one thread) and the reference's."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(
        m.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    return session.run(None, {"x": x})[0], ReferenceEvaluator(m).run(None, {"x": x})[0]


def special_input(rng, shape):
    """Uniform in [-1, 1) with what users bring: NaN, +-inf, subnormals,
    values near f32::MAX."""
    x = rng.uniform(-1, 1, shape).astype(np.float32)
    kind = rng.integers(0, 100, shape)
    x[kind < 3] = np.nan
    x[(kind >= 3) & (kind < 6)] = np.inf
    x[(kind >= 6) & (kind < 9)] = -np.inf
    x[(kind >= 9) & (kind < 11)] = np.float32(1e-40)
    x[(kind >= 11) & (kind < 13)] = np.float32(3e38)
    return x


def same_bits(a, b):
    return a.shape == b.shape and np.array_equal(a.view(np.uint32), b.view(np.uint32))


def random_depth_space(w, seed, count):
    disagreements = []
    for op in ("DepthToSpace", "SpaceToDepth"):
        rng = np.random.default_rng([seed, zlib.crc32(op.encode())])
        for k in range(count):
            r = int(rng.integers(1, 5))
            mode = ["DCR", "CRD"][k % 2]
            n, c = int(rng.integers(1, 3)), int(rng.integers(1, 7))
            h, wd = int(rng.integers(1, 6)), int(rng.integers(1, 12))
            if op == "DepthToSpace":
                shape = (n, c * r * r, h, wd)
            else:
                shape = (n, c, h * r, wd * r)
            attrs = {"blocksize": r, "mode": mode}
            x = special_input(rng, shape)
            got, ref = run_both(model(op, attrs), x)
            if not same_bits(got, ref):
                disagreements.append(f"{op} {attrs} {shape}")
                continue
            layout = [CF, CL][(k // 2) % 2]
            name = f"random_{k:03d}_{mode.lower()}_r{r}_{'x'.join(map(str, shape))}_{layout}"
            w.save(op, name, attrs, {"input": x, "output": got}, layout)
    return disagreements


def resize_model(params, rank):
    """A Resize-19 node with `params` (as a case stores them)."""
    attrs = {
        k: params[k]
        for k in RESIZE_DEFAULTS
        if params[k] is not None and k not in ("exclude_outside", "antialias")
    }
    attrs["exclude_outside"] = int(params["exclude_outside"])
    attrs["antialias"] = int(params["antialias"])
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, None)]
    names = ["x", "", "", ""]
    init = []
    if params["roi"] is not None:
        init.append(numpy_helper.from_array(np.array(params["roi"], np.float32), "roi"))
        names[1] = "roi"
    if params["scales"] is not None:
        init.append(numpy_helper.from_array(np.array(params["scales"], np.float32), "scales"))
        names[2] = "scales"
    if params["sizes"] is not None:
        init.append(numpy_helper.from_array(np.array(params["sizes"], np.int64), "sizes"))
        names[3] = "sizes"
    while names[-1] == "":
        names.pop()
    node = helper.make_node("Resize", names, ["y"], **attrs)
    graph = helper.make_graph(
        [node],
        "Resize",
        inputs,
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=init,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])


def random_resize_params(rng, shape):
    """Random Resize attributes for an input of `shape` (N, C, spatial...)."""
    r = len(shape)
    pick = lambda options: options[int(rng.integers(0, len(options)))]  # noqa: E731
    mode = pick(["nearest", "linear", "cubic"])
    params = dict(RESIZE_DEFAULTS, mode=mode, scales=None, sizes=None, roi=None,
                  exclude_outside=False, antialias=False)
    params["coordinate_transformation_mode"] = pick([
        "half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
        "asymmetric", "tf_crop_and_resize",
    ])
    if mode == "nearest":
        params["nearest_mode"] = pick(["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"])
    else:
        params["antialias"] = bool(rng.integers(0, 2))
        params["exclude_outside"] = bool(rng.integers(0, 3) == 0)
    if mode == "cubic":
        params["cubic_coeff_a"] = float(np.float32(pick([-0.75, -0.5, rng.uniform(-1.0, -0.3)])))
    spatial = list(range(2, r))
    axes = None
    if rng.integers(0, 2):
        axes = list(rng.permutation(spatial)[: int(rng.integers(1, len(spatial) + 1))])
        axes = [int(a) - r if rng.integers(0, 2) else int(a) for a in axes]
        params["axes"] = axes
    which = axes if axes is not None else list(range(r))
    resized = [a % r for a in which]
    if rng.integers(0, 2):
        choices = [0.5, 0.6, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0]
        params["scales"] = [
            float(np.float32(pick(choices))) if a >= 2 else 1.0 for a in resized
        ]
    else:
        params["sizes"] = [
            int(rng.integers(1, 2 * shape[a] + 2)) if a >= 2 else shape[a] for a in resized
        ]
        if axes is not None:
            params["keep_aspect_ratio_policy"] = pick(["stretch", "not_larger", "not_smaller"])
    if params["coordinate_transformation_mode"] == "tf_crop_and_resize":
        starts = [float(np.float32(rng.uniform(-0.2, 0.4))) if a >= 2 else 0.0 for a in resized]
        ends = [float(np.float32(rng.uniform(0.6, 1.2))) if a >= 2 else 1.0 for a in resized]
        params["roi"] = starts + ends
        params["extrapolation_value"] = float(np.float32(rng.uniform(-2, 2)))
    return params


def run_ort(m, x):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 4
    session = ort.InferenceSession(
        m.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    return session.run(None, {"x": x})[0]


def random_resize_call(rng):
    """A random input shape (N, C and 1-3 spatial axes) and Resize
    attributes for it."""
    rank = int(rng.integers(1, 4))
    shape = [int(rng.integers(1, 3)), int(rng.integers(1, 4))]
    shape += [int(rng.integers(1, [40, 10, 6][rank - 1])) for _ in range(rank)]
    return shape, random_resize_params(rng, shape)


def reference_resize(params, x, new_ops=None):
    """ONNX's reference implementation's Resize of `x`. It takes no
    negative axes (its transpose fails): the same axes are given counted
    from the front."""
    normal = dict(params)
    if normal["axes"] is not None:
        normal["axes"] = [a % x.ndim for a in normal["axes"]]
    evaluator = ReferenceEvaluator(resize_model(normal, x.ndim), new_ops=new_ops)
    return evaluator.run(None, {"x": x})[0]


def random_resize(w, seed, count):
    """Random Resize cases. The expected output is onnxruntime's where it
    runs the combination and agrees with ONNX's reference implementation
    (within the float32 tolerance; exactly for nearest), else the
    reference implementation's: the crate follows the specification, whose
    executable form it is. Every such case is listed in the report.
    Inputs are finite here: `random_resize_special` adds the special
    values."""
    rng = np.random.default_rng([seed, zlib.crc32(b"Resize")])
    report, k = [], 0
    while k < count:
        shape, params = random_resize_call(rng)
        x = rng.uniform(-1, 1, shape).astype(np.float32)
        ref = reference_resize(params, x)
        if ref.size == 0:
            continue  # an axis rounds to no output: the crate's EmptyOutput
        try:
            got = run_ort(resize_model(params, len(shape)), x)
            failure = None
        except Exception as e:
            got, failure = None, str(e).split("Status Message:")[-1].strip().splitlines()[0]
            failure = failure.split("UpsampleBase(const KernelInfoType&)")[-1].strip()[:100]
        atol, rtol = (0, 0) if params["mode"] == "nearest" else (1e-5, 1.3e-6)
        layout = [CF, CL][k % 2]
        name = f"random_{k:03d}_{params['mode']}_{'x'.join(map(str, shape))}_{layout}"
        if got is not None and got.shape == ref.shape and np.allclose(got, ref, rtol=rtol, atol=atol):
            expected = got
        else:
            expected = ref
            if got is None:
                why = f"onnxruntime cannot run it ({failure})"
            elif got.shape != ref.shape:
                why = f"onnxruntime's output is {list(got.shape)}, the reference's {list(ref.shape)}"
            else:
                worst = float(np.abs(got - ref).max())
                why = f"onnxruntime differs by up to {worst:.3g}"
            report.append((name, why, params))
        w.save("Resize", name, params, {"input": x, "output": expected.astype(np.float32)}, layout,
               tol=tolerance("Resize", params))
        k += 1
    return report


FLT_MAX = np.float32(np.finfo(np.float32).max)


def crate_semantics(ref, got, nearest):
    """The reference implementation's answer `ref` with the crate's two
    stated differences (src/reference/resize.rs, docs/onnx.md) applied:
    it clips the sum to +-f32::MAX where the crate casts it (an infinite
    input, or an overflow, stays infinite), and its nearest multiplies the
    neighbours it does not pick by 0, so a NaN or infinity there spreads
    where the crate (and onnxruntime, `got`) copy the picked value. None
    where that needs onnxruntime's answer and there is none."""
    want = ref.copy()
    clipped = np.abs(want) == FLT_MAX
    want[clipped] = np.copysign(np.float32(np.inf), want[clipped])
    if nearest:
        if got is None or got.shape != want.shape:
            return None
        spread = ~np.isfinite(want) & ~same_value(want, got)
        want[spread] = got[spread]
    return want


def same_value(a, b):
    """Elementwise: equal, or both NaN."""
    return (a == b) | (np.isnan(a) & np.isnan(b))


class ResizeInFloat64(op_resize.Resize):
    """ONNX's reference Resize with `cubic_coeff_a` and `roi` in float64.
    The reference implementation gets them as float32 (a FLOAT attribute, a
    float32 roi tensor) and NumPy 2 keeps float32 arithmetic with them, so
    its cubic coefficients and tf_crop_and_resize coordinates are rounded
    to float32 while the rest of it runs in float64; the crate computes
    them in float64. With inputs near f32::MAX that rounding moves an
    output by up to ~1e-5 of itself, beyond the float32 tolerance."""

    op_domain = ""

    def _run(self, X, roi, *args, cubic_coeff_a=None, **kwargs):
        if roi is not None:
            roi = np.asarray(roi, np.float64)
        if cubic_coeff_a is not None:
            cubic_coeff_a = float(cubic_coeff_a)
        return super()._run(X, roi, *args, cubic_coeff_a=cubic_coeff_a, **kwargs)


# ReferenceEvaluator's new_ops finds an operator by its class name.
ResizeInFloat64.__name__ = "Resize"


def random_resize_special(w, seed, count):
    """Random Resize cases whose inputs hold NaN, +-inf, subnormals and
    values near f32::MAX. The expected output is the reference
    implementation's, run with its float32 parameters in float64
    (`ResizeInFloat64`), with the crate's stated differences applied
    (`crate_semantics`). Where onnxruntime runs the combination and
    differs from that, the case is kept and listed in the report with how
    they differ."""
    rng = np.random.default_rng([seed, zlib.crc32(b"Resize special values")])
    report, k = [], 0
    while k < count:
        shape, params = random_resize_call(rng)
        x = special_input(rng, shape)
        with np.errstate(all="ignore"):
            ref = reference_resize(params, x, new_ops=[ResizeInFloat64])
        if ref.size == 0:
            continue
        try:
            got = run_ort(resize_model(params, len(shape)), x)
        except Exception:
            got = None
        nearest = params["mode"] == "nearest"
        want = crate_semantics(ref, got, nearest)
        if want is None:
            continue
        layout = [CF, CL][k % 2]
        name = f"special_{k:03d}_{params['mode']}_{'x'.join(map(str, shape))}_{layout}"
        atol, rtol = (0, 0) if nearest else (1e-5, 1.3e-6)
        if got is None:
            report.append((name, "onnxruntime cannot run it", params))
        elif got.shape != want.shape:
            report.append((name, "onnxruntime gives another shape", params))
        else:
            off = ~np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
            if off.any():
                kinds = Counter()
                for g, v in zip(got[off], want[off]):
                    kinds[f"onnxruntime {kind_of(g)} where the crate gives {kind_of(v)}"] += 1
                why = "; ".join(f"{n} x {k}" for k, n in sorted(kinds.items()))
                report.append((name, f"{int(off.sum())} of {off.size} elements: {why}", params))
        w.save("Resize", name, params, {"input": x, "output": want.astype(np.float32)}, layout,
               tol=tolerance("Resize", params))
        k += 1
    return report


def kind_of(v):
    if np.isnan(v):
        return "NaN"
    if np.isinf(v):
        return "inf"
    return "a finite value"


def write_resize_table(path, title, preamble, column, report):
    """A markdown list of random Resize cases: name, `column`, and the
    attributes that differ from the defaults."""
    keys = ("mode", "coordinate_transformation_mode", "nearest_mode", "antialias",
            "exclude_outside", "cubic_coeff_a", "axes", "keep_aspect_ratio_policy",
            "scales", "sizes", "roi")
    with open(path, "w") as f:
        f.write(f"# {title}\n\nWritten by scripts/gen_onnx.py. {preamble}\n\n")
        f.write(f"| case | {column} | attributes |\n|---|---|---|\n")
        for name, why, params in report:
            shown = {k: params[k] for k in keys if params[k] != RESIZE_DEFAULTS.get(k, None)}
            f.write(f"| {name} | {why} | `{json.dumps(shown, sort_keys=True)}` |\n")


def write_special_report(path, report):
    """The random special-value Resize cases where onnxruntime's answer is
    not the crate's, and how."""
    write_resize_table(
        path,
        "Random Resize cases with special values that onnxruntime answers otherwise",
        "The expected output of every special_* case\n"
        "is ONNX's reference implementation's, with the crate's two stated differences\n"
        "(infinities are not clipped to f32::MAX; nearest copies the picked input);\n"
        "the cases below are where onnxruntime gives something else, or cannot run.",
        "how", report)


def write_report(path, report):
    """The random Resize cases whose answer is the reference
    implementation's, and why."""
    write_resize_table(
        path,
        "Random Resize cases answered by ONNX's reference implementation",
        "Every other random case is onnxruntime's\n"
        "answer, which the reference implementation's matched.",
        "why", report)


# --------------------------------------------------------------------------
# Random MaxPool and MaxUnpool
# --------------------------------------------------------------------------

POOL_OPSET = 22


def pool_model(op, attrs, inputs, outputs):
    """A one-node model; inputs and outputs are (name, TensorProto type)."""
    node = helper.make_node(op, [n for n, _ in inputs], [n for n, _ in outputs], **attrs)
    vi = helper.make_tensor_value_info
    graph = helper.make_graph(
        [node], op, [vi(n, t, None) for n, t in inputs], [vi(n, t, None) for n, t in outputs]
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", POOL_OPSET)])


def ort_run(m, feeds):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 4
    session = ort.InferenceSession(
        m.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    return session.run(None, feeds)


def pool_attrs(rng, rank, shape, *, unpool=False):
    """Random MaxPool attributes (the ONNX defaults written out)."""
    kernel = [int(rng.integers(1, 4)) for _ in range(rank)]
    strides = [int(rng.integers(1, 4)) for _ in range(rank)]
    dil = [1] * rank if unpool else [int(rng.integers(1, 3)) for _ in range(rank)]
    auto_pad = "NOTSET"
    if not unpool and rng.integers(0, 3) == 0:
        auto_pad = AUTO_PADS[int(rng.integers(1, 4))]
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        # onnxruntime leaves the dilation out of SAME's padding, which the
        # specification's formula includes: the two differ, and the
        # reference implementation gets SAME_LOWER wrong, so no answer here
        # would be the specification's.
        dil = [1] * rank
    if auto_pad == "NOTSET":
        pads = [int(rng.integers(0, k)) for k in kernel * 2]
    else:
        pads = [0] * 2 * rank
    # Every axis must keep an output.
    for a in range(rank):
        span = (kernel[a] - 1) * dil[a] + 1
        while shape[a + 2] + pads[a] + pads[a + rank] < span:
            shape[a + 2] += 1
    attrs = {"kernel_shape": kernel, "strides": strides, "pads": pads}
    if not unpool:
        attrs.update(dilations=dil, auto_pad=auto_pad, ceil_mode=int(rng.integers(0, 2)),
                     storage_order=int(rng.integers(0, 2)))
    return attrs


def pool_params(attrs):
    """A MaxPool case's params from the model's attributes."""
    return {
        "kernel_shape": attrs["kernel_shape"],
        "strides": attrs["strides"],
        "pads": attrs["pads"],
        "dilations": attrs["dilations"],
        "auto_pad": attrs["auto_pad"],
        "ceil_mode": bool(attrs["ceil_mode"]),
        "storage_order": attrs["storage_order"],
    }


def random_max_pool(w, seed, count):
    """Random MaxPool cases with both outputs. Inputs hold -inf, +inf, values
    near f32::MAX and subnormals; every fourth case holds exactly one NaN
    and no +inf instead. The crate lets a NaN win its window wherever it is
    (PyTorch's rule) while onnxruntime and ONNX's reference take it only as
    the window's first element, so a NaN case's answer is onnxruntime's on
    the input with the NaN as +inf, with that +inf put back as NaN (the only
    +inf, so the index is the NaN's). The expected answer is onnxruntime's
    where it agrees with the reference implementation; where not, the
    specification's: onnxruntime's for SAME_LOWER (the reference's output
    size and padding contradict the specification's formulas, and for a
    SAME_UPPER total padding below 0 it pads by -1), the reference's for
    VALID with ceil_mode (the specification's VALID output size ignores
    ceil_mode; onnxruntime applies it). SAME cases have dilations 1
    (onnxruntime leaves the dilation out of SAME's padding). Each
    disagreement is reported."""
    rng = np.random.default_rng([seed, zlib.crc32(b"MaxPool")])
    report = []
    for k in range(count):
        rank = int(rng.integers(1, 4))
        shape = [int(rng.integers(1, 3)), int(rng.integers(1, 5))]
        shape += [int(rng.integers(1, [12, 8, 5][rank - 1])) for _ in range(rank)]
        attrs = pool_attrs(rng, rank, shape)
        nan_case = k % 4 == 3
        x = special_input(rng, shape)
        if nan_case:
            x[np.isnan(x) | np.isposinf(x)] = np.float32(0.5)
            x.flat[int(rng.integers(0, x.size))] = np.inf
        else:
            x[np.isnan(x)] = np.float32(-0.25)
        m = pool_model("MaxPool", attrs, [("x", TensorProto.FLOAT)],
                       [("y", TensorProto.FLOAT), ("i", TensorProto.INT64)])
        got = ort_run(m, {"x": x})
        ref = ReferenceEvaluator(m).run(None, {"x": x})
        agree = all(a.shape == b.shape for a, b in zip(got, ref)) and same_bits(
            got[0], ref[0].astype(np.float32)) and np.array_equal(got[1], ref[1])
        expected = got
        layout = [CF, CL][(k // 2) % 2]
        name = f"random_{k:03d}_{rank}d_{'x'.join(map(str, shape))}_{layout}"
        if not agree:
            spec = "reference" if attrs["auto_pad"] == "VALID" and attrs["ceil_mode"] else "onnxruntime"
            if spec == "reference":
                expected = [ref[0].astype(np.float32), ref[1].astype(np.int64)]
            shapes = f"onnxruntime {list(got[0].shape)}, reference {list(ref[0].shape)}"
            report.append((name, f"{shapes}; stored: {spec}'s", attrs))
        y, i = expected
        if nan_case:
            x[np.isposinf(x)] = np.nan
            y = y.copy()
            y[np.isposinf(y)] = np.nan
        w.save("MaxPool", name, pool_params(attrs),
               {"input": x, "output": y, "indices": i.astype(np.int64)}, layout)
    return report


def random_max_unpool(w, seed, count):
    """Random MaxUnpool cases whose indices come from onnxruntime's MaxPool
    of a random tensor. Half give output_shape as the pooled tensor's shape.
    onnxruntime reads the indices as flat in output_shape; ONNX's reference
    (and its node test maxunpool_export_with_output_shape, which is the
    specification's example) as flat in the inferred shape, placed at the
    same coordinates of the larger output. Where the two differ the case
    stores the reference's answer, and it is reported; where the reference
    cannot run it (an index past the inferred tensor) the case is left out."""
    rng = np.random.default_rng([seed, zlib.crc32(b"MaxUnpool")])
    report, k, tries = [], 0, 0
    while k < count and tries < 20 * count:
        tries += 1
        rank = int(rng.integers(1, 4))
        shape = [int(rng.integers(1, 3)), int(rng.integers(1, 5))]
        shape += [int(rng.integers(1, [12, 8, 5][rank - 1])) for _ in range(rank)]
        attrs = pool_attrs(rng, rank, shape, unpool=True)
        x0 = rng.uniform(-1, 1, shape).astype(np.float32)
        pool = pool_model("MaxPool", attrs, [("x", TensorProto.FLOAT)],
                          [("y", TensorProto.FLOAT), ("i", TensorProto.INT64)])
        y, idx = ort_run(pool, {"x": x0})
        with_shape = bool(rng.integers(0, 2))
        feeds = {"x": y, "i": idx}
        inputs = [("x", TensorProto.FLOAT), ("i", TensorProto.INT64)]
        if with_shape:
            feeds["s"] = np.array(shape, np.int64)
            inputs.append(("s", TensorProto.INT64))
        m = pool_model("MaxUnpool", attrs, inputs, [("z", TensorProto.FLOAT)])
        try:
            got = ort_run(m, feeds)[0]
            ref = ReferenceEvaluator(m).run(None, feeds)[0]
        except Exception:
            continue  # an empty inferred axis, or an index past the inferred tensor
        layout = [CF, CL][(k // 2) % 2]
        name = f"random_{k:03d}_{rank}d_{'x'.join(map(str, y.shape))}_{layout}"
        expected = got
        if got.shape != ref.shape or not same_bits(got, ref.astype(np.float32)):
            expected = ref.astype(np.float32)
            report.append((name, "onnxruntime reads the indices in output_shape; stored: "
                           "the reference's", attrs))
        params = {"kernel_shape": attrs["kernel_shape"], "strides": attrs["strides"],
                  "pads": attrs["pads"], "output_shape": shape if with_shape else None}
        w.save("MaxUnpool", name, params, {"input": y, "indices": idx.astype(np.int64),
                                           "output": expected}, layout)
        k += 1
    return report


def random_conv_transpose(w, seed, count):
    """Random ConvTranspose calls (1-3 spatial axes, groups, asymmetric
    pads, dilations, output_padding, every auto_pad, output_shape), inputs,
    weights and biases in [-1, 1]. The expected output is onnxruntime's
    where the reference implementation agrees within the tolerance, else the
    reference implementation's (reported). With group > 1 the reference
    implementation's answer is its group-1 answers on each group's
    channels, concatenated (its own grouped answer is wrong)."""
    rng = np.random.default_rng([seed, zlib.crc32(b"ConvTranspose")])
    report, k, tries = [], 0, 0
    skipped_negative, grouped_wrong = [0], [0]
    while k < count and tries < 20 * count:
        tries += 1
        rank = int(rng.integers(1, 4))
        group = int(rng.integers(1, 4))
        c_in = group * int(rng.integers(1, 3))
        m = int(rng.integers(1, 3))
        shape = [int(rng.integers(1, 3)), c_in] + [
            int(rng.integers(1, [9, 6, 4][rank - 1])) for _ in range(rank)]
        kernel = [int(rng.integers(1, 4)) for _ in range(rank)]
        strides = [int(rng.integers(1, 4)) for _ in range(rank)]
        dil = [int(rng.integers(1, 3)) for _ in range(rank)]
        out_pad = [int(rng.integers(0, s)) for s in strides]
        attrs = {"strides": strides, "dilations": dil, "group": group}
        if rng.integers(0, 2):
            attrs["output_padding"] = out_pad
        mode = int(rng.integers(0, 6))
        if mode == 0:
            attrs["auto_pad"] = "SAME_UPPER"
        elif mode == 1:
            attrs["auto_pad"] = "SAME_LOWER"
        elif mode == 2:
            attrs["auto_pad"] = "VALID"
        elif mode == 3:
            natural = [(shape[2 + a] - 1) * strides[a] + attrs.get("output_padding", [0] * rank)[a]
                       + (kernel[a] - 1) * dil[a] + 1 for a in range(rank)]
            attrs["output_shape"] = [max(1, v + int(rng.integers(-2, 2))) for v in natural]
        else:
            attrs["pads"] = [int(rng.integers(0, 3)) for _ in range(2 * rank)]
        x = rng.uniform(-1, 1, shape).astype(np.float32)
        wt = rng.uniform(-1, 1, [c_in, m] + kernel).astype(np.float32)
        with_bias = bool(rng.integers(0, 2))
        feeds = {"x": x, "w": wt}
        inputs = [("x", TensorProto.FLOAT), ("w", TensorProto.FLOAT)]
        if with_bias:
            feeds["b"] = rng.uniform(-1, 1, [group * m]).astype(np.float32)
            inputs.append(("b", TensorProto.FLOAT))
        # The crate takes no negative begin pad (an output_shape, or SAME's
        # in * stride, beyond what the input reaches by more than the end
        # can absorb): such calls are counted and left out.
        span = [(kernel[a] - 1) * dil[a] + 1 for a in range(rank)]
        natural = [(shape[2 + a] - 1) * strides[a] + attrs.get("output_padding", [0] * rank)[a]
                   + span[a] for a in range(rank)]
        target = attrs.get("output_shape")
        if attrs.get("auto_pad") in ("SAME_UPPER", "SAME_LOWER"):
            target = [shape[2 + a] * strides[a] for a in range(rank)]
        if target is not None:
            totals = [natural[a] - target[a] for a in range(rank)]
            upper = attrs.get("auto_pad") == "SAME_UPPER"
            begins = [t // 2 if upper else t - t // 2 for t in totals]
            if min(begins) < 0:
                skipped_negative[0] += 1
                continue
        mdl = pool_model("ConvTranspose", attrs, inputs, [("y", TensorProto.FLOAT)])
        try:
            ref = ReferenceEvaluator(mdl).run(None, feeds)[0]
        except Exception:
            continue
        if group > 1:
            # ONNX's reference implementation mishandles group > 1: its
            # answer is taken group by group (group 1 on each slice of
            # channels) and concatenated.
            one = dict(attrs, group=1)
            parts = []
            for gi in range(group):
                kin = c_in // group
                f = {"x": x[:, gi * kin:(gi + 1) * kin], "w": wt[gi * kin:(gi + 1) * kin]}
                if with_bias:
                    f["b"] = feeds["b"][gi * m:(gi + 1) * m]
                m1 = pool_model("ConvTranspose", one, inputs, [("y", TensorProto.FLOAT)])
                parts.append(ReferenceEvaluator(m1).run(None, f)[0])
            whole = ref
            ref = np.concatenate(parts, axis=1)
            if whole.shape != ref.shape or not np.allclose(whole, ref, rtol=1e-4, atol=1e-4):
                grouped_wrong[0] += 1
        if ref.size == 0 or min(ref.shape) < 1:
            continue
        try:
            got = ort_run(mdl, feeds)[0]
            failure = None
        except Exception as e:
            got, failure = None, str(e).split("Status Message:")[-1].strip()[:120]
        layout = [CF, CL][(k // 2) % 2]
        name = f"random_{k:03d}_{rank}d_{'x'.join(map(str, shape))}_{layout}"
        # With output_shape and no auto_pad the reference implementation
        # pads by 0 instead of the specification's total - total // 2 at the
        # beginning; onnxruntime follows the specification there.
        prefer_ort = "output_shape" in attrs and "auto_pad" not in attrs
        if got is not None and got.shape == ref.shape and np.allclose(got, ref, rtol=1e-4, atol=1e-4):
            expected = got
        elif prefer_ort and got is not None:
            expected = got
            report.append((name, "the reference pads output_shape's total by 0; stored: "
                           "onnxruntime's", attrs))
        else:
            expected = ref.astype(np.float32)
            if got is None:
                why = f"onnxruntime cannot run it ({failure})"
            elif got.shape != ref.shape:
                why = f"onnxruntime {list(got.shape)}, reference {list(ref.shape)}"
            else:
                why = f"onnxruntime differs by up to {float(np.abs(got - ref).max()):.3g}"
            report.append((name, why + "; stored: the reference's", attrs))
        params = {
            "kernel_shape": [], "strides": strides, "pads": attrs.get("pads", []),
            "dilations": dil, "output_padding": attrs.get("output_padding", []),
            "output_shape": attrs.get("output_shape", []), "group": group,
            "auto_pad": attrs.get("auto_pad", "NOTSET"),
        }
        tensors = {"input": x, "weight": wt, "output": expected}
        if with_bias:
            tensors["bias"] = feeds["b"]
        w.save("ConvTranspose", name, params, tensors, layout, CONV_TOL)
        k += 1
    print(f"ConvTranspose: {skipped_negative[0]} random calls left out (a negative begin pad); "
          f"the reference's group > 1 answer differed from its group-by-group one on "
          f"{grouped_wrong[0]} kept calls")
    return report


def write_pool_report(path, op, report):
    with open(path, "w") as f:
        f.write(f"# Random {op} cases where onnxruntime and ONNX's reference disagree\n\n")
        f.write("Written by scripts/gen_onnx.py; which answer is stored, and why, is in\n")
        f.write("docs/onnx.md. Every other random case is onnxruntime's answer, which the\n")
        f.write("reference implementation's matched (bit for bit; ConvTranspose within\n")
        f.write("atol 1e-4 + rtol 1e-4).\n\n")
        f.write("| case | outputs | attributes |\n|---|---|---|\n")
        for name, why, attrs in report:
            f.write(f"| {name} | {why} | `{json.dumps(attrs, sort_keys=True)}` |\n")



# --------------------------------------------------------------------------
# A folder of node tests
# --------------------------------------------------------------------------


def load_tensors(folder, prefix):
    paths = sorted(
        glob.glob(os.path.join(folder, f"{prefix}_*.pb")),
        key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0]),
    )
    return [numpy_helper.to_array(onnx.load_tensor(p)) for p in paths]


def from_dir(src, w):
    folders = sorted(
        d for d in os.listdir(src) if os.path.isfile(os.path.join(src, d, "model.onnx"))
    )
    if not folders:
        raise SystemExit(f"{src}: no <case>/model.onnx folders")
    for name in folders:
        folder = os.path.join(src, name)
        try:
            m = onnx.load(os.path.join(folder, "model.onnx"))
            if len(m.graph.node) != 1:
                raise Unsupported(f"{len(m.graph.node)} nodes, not one")
            node = m.graph.node[0]
            sets = sorted(glob.glob(os.path.join(folder, "test_data_set_*")))
            if not sets:
                raise Unsupported("no test_data_set_* folder")
            for k, data in enumerate(sets):
                inputs, outputs = load_tensors(data, "input"), load_tensors(data, "output")
                params, tensors = convert(node, inputs, outputs)
                case = name if len(sets) == 1 else f"{name}_{k}"
                op = STORED_AS.get(node.op_type, node.op_type)
                w.save(op, case, params, tensors, tol=tolerance(op, params))
        except (Unsupported, onnx.onnx_cpp2py_export.checker.ValidationError, OSError) as e:
            raise SystemExit(f"{folder}: cannot convert: {e}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        default=os.path.join(here, "..", "tests", "golden", "onnx"),
        help="output folder (default: tests/golden/onnx)",
    )
    parser.add_argument("--seed", type=int, default=0, help="base seed (default: 0)")
    parser.add_argument("--random", type=int, default=60, help="random cases per copying operator")
    parser.add_argument("--random-resize", type=int, default=200, help="random Resize cases")
    parser.add_argument("--random-resize-special", type=int, default=60,
                        help="random Resize cases with NaN, infinities and huge values")
    parser.add_argument("--random-pool", type=int, default=48,
                        help="random MaxPool and MaxUnpool cases each")
    parser.add_argument("--ops", help="comma-separated operators to (re)write; default all")
    parser.add_argument("--from-dir", help="convert a folder of ONNX node tests instead")
    args = parser.parse_args()
    out = os.path.normpath(args.out)
    w = Writer(out)

    if args.from_dir:
        from_dir(args.from_dir, w)
        for op, count in sorted(w.counts.items()):
            print(f"{op}: {count} cases")
        return 0

    stored = sorted(set(STORED_AS.get(op, op) for op in CONVERTERS))
    if args.ops:
        w.only = set(args.ops.split(","))
        unknown = w.only - set(stored)
        if unknown:
            raise SystemExit(f"--ops: unknown operators {sorted(unknown)}")
        stored = [op for op in stored if op in w.only]
    for op in stored:
        folder = os.path.join(out, op)
        if os.path.isdir(folder):
            for entry in os.listdir(folder):
                # interop_* cases are scripts/check_interop.py's.
                if entry.endswith(".safetensors") and not entry.startswith("interop_"):
                    os.remove(os.path.join(folder, entry))
    skipped, not_yet = node_tests(w)
    node_counts = Counter(w.counts)
    disagreements = []
    if "DepthToSpace" in stored:
        disagreements = random_depth_space(w, args.seed, args.random)
    if "Resize" in stored:
        report = random_resize(w, args.seed, args.random_resize)
        write_report(os.path.join(out, "Resize", "reference-answers.md"), report)
        print(f"Resize: {len(report)} random cases answered by ONNX's reference implementation "
              "(listed in Resize/reference-answers.md)")
        special = random_resize_special(w, args.seed, args.random_resize_special)
        write_special_report(os.path.join(out, "Resize", "special-values.md"), special)
        print(f"Resize: {args.random_resize_special} random cases with special values, "
              f"{len(special)} where onnxruntime differs or cannot run "
              "(listed in Resize/special-values.md)")
    makers = (("MaxPool", random_max_pool), ("MaxUnpool", random_max_unpool),
              ("ConvTranspose", random_conv_transpose))
    for op, make in makers:
        if op in stored:
            report = make(w, args.seed, args.random_pool)
            write_pool_report(os.path.join(out, op, "disagreements.md"), op, report)
            print(f"{op}: onnxruntime and the reference disagree on {len(report)} random cases "
                  f"(listed in {op}/disagreements.md)")
    for op in stored:
        print(f"{op}: {node_counts[op]} node-test cases, {w.counts[op] - node_counts[op]} random")
    for line in skipped:
        print(f"skipped (not f32 or not convertible): {line}")
    for op, count in sorted(not_yet.items()):
        print(f"not converted yet: {op}, {count} node tests")
    print(
        f"{sum(w.counts.values())} cases in {out} "
        f"(onnx {onnx.__version__}, onnxruntime {ort.__version__})"
    )
    for line in disagreements:
        print(f"onnxruntime and ONNX's reference disagree: {line}")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
