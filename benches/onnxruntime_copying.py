"""onnxruntime on the DCR cases of benches/copying.rs, single-threaded.

Times ONNX's DepthToSpace and SpaceToDepth (mode DCR, the default) in
onnxruntime's CPU provider with one thread (`intra_op_num_threads = 1`), on
the channels-first shapes of benches/copying.rs (onnxruntime's tensors are
NCHW), as the median of many runs together with a numpy memcpy of the same
bytes, and prints a table. With `--criterion DIR` it prints the crate's
criterion medians (channels-first and channels-last) beside them:

    RUSTFLAGS="-C target-cpu=native" cargo bench --manifest-path benches/Cargo.toml --bench copying -- _dcr_
    /work/venv/bin/python benches/onnxruntime_copying.py --criterion target/criterion
"""

import argparse

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper

from timing import criterion_median, median_ms, ort_session

# (op, input shape, blocksize): the DCR cases of benches/copying.rs.
CASES = [
    ("depth_to_space", (1, 256, 128, 128), 2),
    ("space_to_depth", (1, 64, 256, 256), 2),
    ("depth_to_space", (1, 64, 32, 32), 2),
    ("space_to_depth", (1, 16, 64, 64), 2),
    ("depth_to_space", (1, 12, 128, 128), 2),
    ("space_to_depth", (1, 3, 256, 256), 2),
]




def session(op, blocksize):
    onnx_op = {"depth_to_space": "DepthToSpace", "space_to_depth": "SpaceToDepth"}[op]
    attrs = {"blocksize": blocksize}
    if onnx_op == "DepthToSpace":
        attrs["mode"] = "DCR"
    node = helper.make_node(onnx_op, ["x"], ["y"], **attrs)
    graph = helper.make_graph(
        [node],
        onnx_op,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, None)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
    )
    return ort_session(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]))




def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--criterion", help="criterion's output directory")
    args = parser.parse_args()
    print(f"onnxruntime {ort.__version__}, one thread")
    header = (f"{'case':44} {'ort ms':>8} {'np memcpy':>9} {'ort/mc':>7}"
              f" | {'crate CF':>8} {'crate CL':>8} {'memcpy':>8} {'CF/mc':>6} {'CL/mc':>6} {'ort/CF':>7}")
    print(header)
    print("-" * len(header))
    for op, shape, r in CASES:
        x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
        s = session(op, r)
        ort_ms = median_ms(lambda: s.run(None, {"x": x}))
        dst = np.empty_like(x)
        memcpy_ms = median_ms(lambda: np.copyto(dst, x))
        name = f"{op}_dcr_x{r}_{'x'.join(map(str, shape))}"
        crate = ""
        if args.criterion:
            cf = criterion_median(args.criterion, f"{name}_cf", "upsample")
            cl = criterion_median(args.criterion, f"{name}_cl", "upsample")
            mc = criterion_median(args.criterion, f"{name}_cf", "memcpy")
            if None not in (cf, cl, mc):
                crate = (f" | {cf:8.4f} {cl:8.4f} {mc:8.4f} {cf / mc:6.2f} {cl / mc:6.2f}"
                         f" {ort_ms / cf:6.1f}x")
        print(f"{name:44} {ort_ms:8.4f} {memcpy_ms:9.4f} {ort_ms / memcpy_ms:7.2f}{crate}")


if __name__ == "__main__":
    main()
