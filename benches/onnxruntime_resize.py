"""onnxruntime's CPU Resize, one thread, on the cases of benches/resize.rs.

Times each case as the median of many runs, channels-first and
channels-last (the NHWC tensor, with scales, sizes and roi permuted to
match; "cannot" where onnxruntime rejects the combination) and, with
`--criterion DIR`, prints the crate's medians from the same machine's
criterion run beside it (`resize` in both layouts, `interpolate` where
PyTorch has the same call, and memcpy):

    RUSTFLAGS="-C target-cpu=native" cargo bench --manifest-path benches/Cargo.toml --bench resize
    /work/venv/bin/python benches/onnxruntime_resize.py --criterion target/criterion
"""

import argparse

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from timing import criterion_median, median_ms, ort_session

SHAPE = (1, 64, 128, 128)
X2 = [1.0, 1.0, 2.0, 2.0]
HALF = [1.0, 1.0, 0.5, 0.5]
ROI = [0.0, 0.0, 0.1, 0.2, 1.0, 1.0, 0.9, 0.7]

# name: (attributes, scales, sizes, roi): benches/resize.rs's cases.
CASES = {
    "nearest_asymmetric_floor_x2": (
        {"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"},
        X2, None, None),
    "nearest_x2": ({"mode": "nearest"}, X2, None, None),
    "linear_x2": ({"mode": "linear"}, X2, None, None),
    "linear_align_corners_x2": (
        {"mode": "linear", "coordinate_transformation_mode": "align_corners"}, X2, None, None),
    "cubic_x2": ({"mode": "cubic"}, X2, None, None),
    "cubic_a-0.5_exclude_x2": (
        {"mode": "cubic", "cubic_coeff_a": -0.5, "exclude_outside": 1}, X2, None, None),
    "linear_to_217": ({"mode": "linear"}, None, [1, 64, 217, 217], None),
    "linear_antialias_x0.5": ({"mode": "linear", "antialias": 1}, HALF, None, None),
    "cubic_antialias_x0.5": ({"mode": "cubic", "antialias": 1}, HALF, None, None),
    "linear_tf_crop_x2": (
        {"mode": "linear", "coordinate_transformation_mode": "tf_crop_and_resize"}, X2, None, ROI),
}


def session(attrs, scales, sizes, roi):
    names, init = ["x", "", "", ""], []
    if roi is not None:
        init.append(numpy_helper.from_array(np.array(roi, np.float32), "roi"))
        names[1] = "roi"
    if scales is not None:
        init.append(numpy_helper.from_array(np.array(scales, np.float32), "scales"))
        names[2] = "scales"
    if sizes is not None:
        init.append(numpy_helper.from_array(np.array(sizes, np.int64), "sizes"))
        names[3] = "sizes"
    while names[-1] == "":
        names.pop()
    node = helper.make_node("Resize", names, ["y"], **attrs)
    graph = helper.make_graph(
        [node], "Resize",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, None)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=init,
    )
    return ort_session(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)]))






NHWC = [0, 2, 3, 1]


def channels_last(scales, sizes, roi):
    """The case's scales, sizes and roi for the NHWC tensor."""
    pick = lambda v: None if v is None else [v[a] for a in NHWC]  # noqa: E731
    roi = None if roi is None else pick(roi[:4]) + pick(roi[4:])
    return pick(scales), pick(sizes), roi


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--criterion", help="criterion's output directory")
    parser.add_argument("filter", nargs="?", default="", help="only the cases whose name holds this")
    args = parser.parse_args()
    print(f"onnxruntime {ort.__version__}, one thread; 1x64x128x128 f32, ms")
    print("| case | onnxruntime CF | resize CF | onnxruntime CL | resize CL | interpolate CF "
          "| memcpy | onnxruntime / resize CF | onnxruntime / resize CL | resize / interpolate CF |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    x = np.random.default_rng(0).standard_normal(SHAPE).astype(np.float32)
    x_cl = np.ascontiguousarray(x.transpose(NHWC))
    fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
    ratio = lambda a, b: "-" if None in (a, b) else f"{a / b:.1f}x"  # noqa: E731
    for name, (attrs, scales, sizes, roi) in CASES.items():
        if args.filter not in name:
            continue
        s = session(attrs, scales, sizes, roi)
        ort_cf = median_ms(lambda: s.run(None, {"x": x}))
        try:
            s_cl = session(attrs, *channels_last(scales, sizes, roi))
            s_cl.run(None, {"x": x_cl})
            ort_cl = median_ms(lambda: s_cl.run(None, {"x": x_cl}))
        except Exception:
            ort_cl = None
        cf = cl = interp = mc = None
        if args.criterion:
            cf = criterion_median(args.criterion, f"resize_{name}_cf", "resize")
            cl = criterion_median(args.criterion, f"resize_{name}_cl", "resize")
            interp = criterion_median(args.criterion, f"resize_{name}_cf", "interpolate")
            mc = criterion_median(args.criterion, f"resize_{name}_cf", "memcpy")
        same = "-" if None in (cf, interp) else f"{cf / interp:.2f}"
        ort_cl_text = "cannot" if ort_cl is None else fmt(ort_cl)
        print(f"| {name} | {fmt(ort_cf)} | {fmt(cf)} | {ort_cl_text} | {fmt(cl)} | {fmt(interp)} "
              f"| {fmt(mc)} | {ratio(ort_cf, cf)} | {ratio(ort_cl, cl)} | {same} |")


if __name__ == "__main__":
    main()
