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
  printed with the combination, and stops the run.

Before writing it deletes the `*.safetensors` files in the operator folders
it writes (`DIR/<OpType>/`), and nothing else. It prints the cases per
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

Operators converted so far: DepthToSpace, SpaceToDepth. The node tests of
Resize, Upsample, MaxPool, MaxUnpool and ConvTranspose are counted and
listed as not converted yet.
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


CONVERTERS = {"DepthToSpace": depth_space, "SpaceToDepth": depth_space}
NOT_YET = ("Resize", "Upsample", "MaxPool", "MaxUnpool", "ConvTranspose")


def to_layout(tensors, layout):
    """NCHW tensors as a `layout` case stores them."""
    if layout == CF:
        return tensors
    return {k: np.ascontiguousarray(np.moveaxis(v, 1, -1)) for k, v in tensors.items()}


def convert(node, inputs, outputs):
    """The params and tensors of one test data set, or Unsupported."""
    if node.op_type not in CONVERTERS:
        raise Unsupported(f"operator {node.op_type} is not converted")
    for a in list(inputs) + list(outputs):
        if a.dtype != np.float32:
            raise Unsupported(f"{node.op_type}: dtype {a.dtype}, not float32")
    return CONVERTERS[node.op_type](node, inputs, outputs)


class Writer:
    def __init__(self, out):
        self.out = out
        self.counts = Counter()
        self.names = set()

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
                skipped.append(f"{name}: {e}")
                continue
            w.save(node.op_type, name, params, tensors)
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
                w.save(node.op_type, case, params, tensors)
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
    parser.add_argument("--random", type=int, default=60, help="random cases per operator")
    parser.add_argument("--from-dir", help="convert a folder of ONNX node tests instead")
    args = parser.parse_args()
    out = os.path.normpath(args.out)
    w = Writer(out)

    if args.from_dir:
        from_dir(args.from_dir, w)
        for op, count in sorted(w.counts.items()):
            print(f"{op}: {count} cases")
        return 0

    for op in CONVERTERS:
        folder = os.path.join(out, op)
        if os.path.isdir(folder):
            for entry in os.listdir(folder):
                if entry.endswith(".safetensors"):
                    os.remove(os.path.join(folder, entry))
    skipped, not_yet = node_tests(w)
    node_counts = Counter(w.counts)
    disagreements = random_depth_space(w, args.seed, args.random)
    for op in CONVERTERS:
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
