#!/usr/bin/env python3
"""Check docs/onnx.md's "Other libraries, mapped" table by running the libraries.

Usage
-----
    /work/venv/bin/pip install opencv-python-headless pillow tensorflow-cpu
    /work/venv/bin/python scripts/check_interop.py [--golden OUT]

For each library call of the table it resizes random float32 images (one
and three channels, odd sizes, upscale and downscale) with the library and
with onnxruntime's Resize (CPU, one thread) given the mapped attributes,
and prints the largest absolute difference and a verdict: `exact` (bit
equal), `within X` (at most X = 1e-5 of the data range, float32 rounding)
or `differs` (with where: borders, downscale, interior). Where the mapping
does not match, it also tries the other ONNX settings for the same mode
(coordinate modes, nearest modes, cubic_coeff_a, exclude_outside,
antialias) and prints the closest. The crate's `resize` matches
onnxruntime (the golden suite checks that), so a row that matches here
holds for the crate. Deterministic (fixed seeds), single-threaded. CI never
runs it.

With `--golden OUT` it also writes, for each row that matches exactly or
within float32 rounding, the library's own outputs as ONNX Resize golden
cases (`OUT/interop_*.safetensors`, the format of scripts/gen_onnx.py),
which `cargo test --test golden` then runs against the crate.
NOTE: scripts/gen_onnx.py deletes the Resize folder's cases before writing;
rerun this script with `--golden tests/golden/onnx/Resize` after it.
"""

import argparse
import itertools
import json
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# (input H, W, C) -> (output H, W): odd sizes, up and down, 1 and 3 channels.
SHAPES = [
    ((5, 7, 1), (12, 17)),
    ((48, 64, 3), (24, 32)),
    ((21, 33, 1), (63, 99)),
    ((13, 11, 3), (29, 6)),
    ((30, 30, 1), (11, 13)),
]
LO, HI = -1.0, 1.0
REL = 1e-5  # float32 rounding, relative to the data range
TOL = REL * (HI - LO)

DEFAULTS = {
    "coordinate_transformation_mode": "half_pixel",
    "nearest_mode": "round_prefer_floor",
    "cubic_coeff_a": -0.75,
    "exclude_outside": 0,
    "antialias": 0,
}


# --------------------------------------------------------------------------
# onnxruntime's Resize
# --------------------------------------------------------------------------

_sessions = {}


def ort_resize(x, out_hw, opts):
    """x (H, W, C) float32 -> onnxruntime Resize with `opts` to (OH, OW, C)."""
    h, w, c = x.shape
    key = tuple(sorted(opts.items())) + (c,) + tuple(out_hw)
    if key not in _sessions:
        attrs = dict(DEFAULTS, **{k: v for k, v in opts.items() if k != "mode"})
        sizes = numpy_helper.from_array(np.array([1, c, *out_hw], np.int64), "sizes")
        node = helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], mode=opts["mode"], **attrs)
        graph = helper.make_graph(
            [node], "Resize",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, None)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
            initializer=[sizes],
        )
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        so.log_severity_level = 4
        _sessions[key] = ort.InferenceSession(m.SerializeToString(), so,
                                              providers=["CPUExecutionProvider"])
    y = _sessions[key].run(None, {"x": np.ascontiguousarray(x.transpose(2, 0, 1)[None])})[0]
    return y[0].transpose(1, 2, 0)


# --------------------------------------------------------------------------
# The libraries
# --------------------------------------------------------------------------


def cv_call(flag):
    import cv2

    cv2.setNumThreads(1)

    def run(x, out_hw):
        y = cv2.resize(x, (out_hw[1], out_hw[0]), interpolation=getattr(cv2, flag))
        return y.reshape(out_hw[0], out_hw[1], x.shape[2])

    return run


def pil_call(name):
    from PIL import Image

    f = getattr(Image.Resampling, name)

    def run(x, out_hw):
        chans = []
        for k in range(x.shape[2]):
            im = Image.fromarray(np.ascontiguousarray(x[:, :, k]))
            assert im.mode == "F"
            chans.append(np.asarray(im.resize((out_hw[1], out_hw[0]), f), np.float32))
        return np.stack(chans, axis=2)

    return run


def tf_call(kind, **kw):
    def run(x, out_hw):
        import tensorflow as tf

        t = tf.constant(x[None])
        if kind == "resize":
            y = tf.image.resize(t, out_hw, **kw)
        else:
            y = getattr(tf.compat.v1.image, kind)(t, out_hw, **kw)
        return np.asarray(y, np.float32)[0]

    return run


def tf_setup():
    try:
        import tensorflow as tf
    except ImportError:
        return None
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    return tf.__version__


# --------------------------------------------------------------------------
# The table: library call, documented mapping, checked mapping
# --------------------------------------------------------------------------

N, L, C = "nearest", "linear", "cubic"


def o(mode, ctm="half_pixel", **kw):
    return dict(mode=mode, coordinate_transformation_mode=ctm, **kw)


# (label, library, call, mapping the docs gave before this check (None: no
# row), mapping this script finds). Both are checked and printed.
ROWS = [
    ("tf.image.resize(method='bilinear')", "tf", lambda: tf_call("resize", method="bilinear"),
     o(L), o(L)),
    ("tf.image.resize(method='nearest')", "tf", lambda: tf_call("resize", method="nearest"),
     None, o(N, nearest_mode="round_prefer_ceil")),
    ("tf.image.resize(method='bicubic')", "tf", lambda: tf_call("resize", method="bicubic"),
     o(C, cubic_coeff_a=-0.5), o(C, cubic_coeff_a=-0.5, exclude_outside=1)),
    ("tf.image.resize(method='bilinear', antialias=True)", "tf",
     lambda: tf_call("resize", method="bilinear", antialias=True),
     None, o(L, antialias=1, exclude_outside=1)),
    ("tf.compat.v1.image.resize_bilinear(align_corners=True)", "tf",
     lambda: tf_call("resize_bilinear", align_corners=True), o(L, "align_corners"),
     o(L, "align_corners")),
    ("tf.compat.v1.image.resize_bilinear()  (TF1 default)", "tf",
     lambda: tf_call("resize_bilinear"), o(L, "asymmetric"), o(L, "asymmetric")),
    ("tf.compat.v1.image.resize_nearest_neighbor()  (TF1 default)", "tf",
     lambda: tf_call("resize_nearest_neighbor"), o(N, "asymmetric", nearest_mode="floor"),
     o(N, "asymmetric", nearest_mode="floor")),
    ("tf.compat.v1.image.resize_nearest_neighbor(align_corners=True)", "tf",
     lambda: tf_call("resize_nearest_neighbor", align_corners=True), None,
     o(N, "align_corners", nearest_mode="round_prefer_ceil")),
    ("tf.compat.v1.image.resize_bicubic()  (TF1 default)", "tf",
     lambda: tf_call("resize_bicubic"), None, o(C, "asymmetric")),
    ("cv2.resize(INTER_NEAREST)", "cv2", lambda: cv_call("INTER_NEAREST"),
     o(N, "asymmetric", nearest_mode="floor"), o(N, "asymmetric", nearest_mode="floor")),
    ("cv2.resize(INTER_NEAREST_EXACT)", "cv2", lambda: cv_call("INTER_NEAREST_EXACT"),
     None, o(N, nearest_mode="round_prefer_ceil")),
    ("cv2.resize(INTER_LINEAR)", "cv2", lambda: cv_call("INTER_LINEAR"), o(L), o(L)),
    ("cv2.resize(INTER_CUBIC)", "cv2", lambda: cv_call("INTER_CUBIC"), o(C), o(C)),
    # No ONNX setting: the closest tried is printed.
    ("cv2.resize(INTER_AREA)", "cv2", lambda: cv_call("INTER_AREA"), None, o(L, antialias=1)),
    ("PIL resize(NEAREST), mode F", "pil", lambda: pil_call("NEAREST"), None,
     o(N, nearest_mode="round_prefer_ceil")),
    ("PIL resize(BILINEAR), mode F", "pil", lambda: pil_call("BILINEAR"),
     o(L, antialias=1), o(L, antialias=1, exclude_outside=1)),
    ("PIL resize(BICUBIC), mode F", "pil", lambda: pil_call("BICUBIC"),
     o(C, cubic_coeff_a=-0.5, antialias=1),
     o(C, cubic_coeff_a=-0.5, antialias=1, exclude_outside=1)),
    # No ONNX setting (Lanczos-3 has no ONNX mode): the closest is printed.
    ("PIL resize(LANCZOS), mode F", "pil", lambda: pil_call("LANCZOS"), None,
     o(C, cubic_coeff_a=-0.5, antialias=1, exclude_outside=1)),
]

CTMS = ["half_pixel", "pytorch_half_pixel", "half_pixel_symmetric", "align_corners",
        "asymmetric"]


def alternatives(mode):
    """Every ONNX setting tried for a mode when the mapping does not match."""
    if mode == N:
        for ctm, nm in itertools.product(CTMS, ["round_prefer_floor", "round_prefer_ceil",
                                                "floor", "ceil"]):
            yield o(N, ctm, nearest_mode=nm)
        return
    coeffs = [-0.75] if mode == L else [-0.75, -0.5]
    for ctm, a, ex, aa in itertools.product(CTMS, coeffs, [0, 1], [0, 1]):
        opts = o(mode, ctm, exclude_outside=ex, antialias=aa)
        if mode == C:
            opts["cubic_coeff_a"] = a
        yield opts


def inputs():
    rng = np.random.default_rng(20261205)
    return [(rng.uniform(LO, HI, shp).astype(np.float32), out) for shp, out in SHAPES]


def describe(opts):
    if opts is None:
        return "-"
    s = [opts["mode"], opts["coordinate_transformation_mode"]]
    for k in ("nearest_mode", "cubic_coeff_a", "exclude_outside", "antialias"):
        if k in opts and not (k == "nearest_mode" and opts["mode"] != N):
            v = opts[k]
            if k in ("exclude_outside", "antialias"):
                if v:
                    s.append(k)
            else:
                s.append(f"{k}={v}" if k != "nearest_mode" else v)
    return ", ".join(s)


def where(got, want, tol):
    """Which kind of places differ: border (first/last row or column),
    interior."""
    bad = np.abs(got - want) > tol
    if not bad.any():
        return ""
    inner = bad[1:-1, 1:-1]
    if inner.size and inner.any():
        return "interior"
    return "borders only"


def compare(call, opts, cases):
    """Per case: (max abs diff, bit equal, where)."""
    out = []
    for x, hw in cases:
        got = call(x, hw)
        want = ort_resize(x, hw, opts)
        if got.shape != want.shape:
            out.append((np.inf, False, f"shape {got.shape} vs {want.shape}"))
            continue
        d = float(np.abs(got.astype(np.float64) - want).max())
        out.append((d, np.array_equal(got.view(np.uint32), want.view(np.uint32)),
                    where(got, want, TOL)))
    return out


def worst_of(call, opts, cases):
    """The largest difference, or inf where onnxruntime refuses the setting."""
    try:
        return max(r[0] for r in compare(call, opts, cases))
    except Exception:  # e.g. exclude_outside with linear and no antialias
        return np.inf


def verdict(res, cases):
    worst = max(r[0] for r in res)
    if all(r[1] for r in res):
        return worst, "exact"
    if worst <= TOL:
        return worst, f"within {TOL:.0e}"
    parts = []
    for (d, _, wh), (x, hw) in zip(res, cases):
        if d > TOL:
            kind = "up" if hw[0] * hw[1] >= x.shape[0] * x.shape[1] else "down"
            parts.append(f"{x.shape[0]}x{x.shape[1]}->{hw[0]}x{hw[1]} ({kind}) {d:.2g} {wh}")
    return worst, "differs: " + "; ".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--golden", help="write interop_* Resize cases into this folder")
    args = ap.parse_args()
    import cv2
    import PIL

    tfv = tf_setup()
    print(f"onnxruntime {ort.__version__}, onnx {onnx.__version__}, numpy {np.__version__}, "
          f"opencv {cv2.__version__}, Pillow {PIL.__version__}, "
          f"tensorflow {tfv or 'not installed'}")
    print(f"inputs uniform [{LO}, {HI}); within = max abs diff <= {TOL:.0e}\n")
    cases = inputs()
    results = []
    for label, lib, make, doc, mapped in ROWS:
        if lib == "tf" and tfv is None:
            results.append((label, describe(mapped), None, "unchecked (no tensorflow)"))
            continue
        call = make()
        res = compare(call, mapped, cases)
        worst, v = verdict(res, cases)
        line = (label, describe(mapped), worst, v)
        if doc is not None and doc != mapped:
            dw, dv = verdict(compare(call, doc, cases), cases)
            line += (f"documented before ({describe(doc)}): {dw:.3g} {dv}",)
        if not v.startswith(("exact", "within")):
            # The closest other ONNX setting, by the largest difference.
            best = min(((worst_of(call, alt, cases), describe(alt))
                        for alt in alternatives(mapped["mode"])), key=lambda t: t[0])
            line += (f"closest ONNX setting: {best[1]} ({best[0]:.3g})",)
        results.append(line)
        # Cases only where the library is within the cases' own atol (1e-5).
        if args.golden and v.startswith(("exact", "within")) and worst <= 1e-5:
            write_golden(args.golden, label, mapped, call, cases, v)
    w = max(len(r[0]) for r in results)
    m = max(len(r[1]) for r in results)
    print(f"{'library call':<{w}} | {'mapped ONNX Resize':<{m}} | max abs diff | verdict")
    for r in results:
        d = "-" if r[2] is None else f"{r[2]:.3g}"
        print(f"{r[0]:<{w}} | {r[1]:<{m}} | {d:>12} | {r[3]}")
        for extra in r[4:]:
            print(f"{'':<{w}} |   {extra}")


def write_golden(folder, label, mapped, call, cases, v):
    """The library's outputs for the first up- and downscale inputs as
    Resize cases (tolerance: exact for nearest, else scripts/gen_onnx.py's
    float32 tolerance for linear and cubic)."""
    from gen_onnx import EXACT, RESIZE_DEFAULTS, SMOOTH, resize_model
    from onnx.reference import ReferenceEvaluator
    from golden_format import check_file, write_safetensors

    os.makedirs(folder, exist_ok=True)
    slug = "".join(ch if ch.isalnum() else "_" for ch in label.split("  ")[0].lower())
    slug = "_".join(p for p in slug.split("_") if p)
    for k, (x, hw) in enumerate(cases[:3]):
        y = call(x, hw)
        h, w, c = x.shape
        params = dict(RESIZE_DEFAULTS, **{k2: v2 for k2, v2 in mapped.items()})
        params.update(scales=None, sizes=[1, c, *hw], roi=None,
                      exclude_outside=bool(params["exclude_outside"]),
                      antialias=bool(params["antialias"]),
                      cubic_coeff_a=float(params["cubic_coeff_a"]),
                      extrapolation_value=0.0, layout="channels_first")
        tol = EXACT if mapped["mode"] == N and v == "exact" else SMOOTH
        name = f"interop_{slug}_{h}x{w}x{c}_to_{hw[0]}x{hw[1]}"
        tensors = {"input": np.ascontiguousarray(x.transpose(2, 0, 1)[None]),
                   "output": np.ascontiguousarray(y.transpose(2, 0, 1)[None])}
        # The crate follows ONNX's reference implementation operation for
        # operation; where that differs from onnxruntime and the library
        # (see docs/onnx.md), no case is written.
        ref = ReferenceEvaluator(resize_model(params, 4)).run(None, {"x": tensors["input"]})[0]
        if not np.allclose(ref, tensors["output"], atol=float(tol[0]), rtol=float(tol[1])):
            worst = float(np.abs(ref - tensors["output"]).max())
            print(f"no golden case {name}: ONNX's reference implementation differs by {worst:.3g}")
            continue
        metadata = {"op": "Resize", "params": json.dumps(params, sort_keys=True),
                    "atol": tol[0], "rtol": tol[1]}
        path = os.path.join(folder, f"{name}.safetensors")
        write_safetensors(path, tensors, metadata)
        check_file(path, tensors, metadata)


if __name__ == "__main__":
    main()
