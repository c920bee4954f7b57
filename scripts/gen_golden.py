#!/usr/bin/env python3
"""Generate the PyTorch golden cases that `tests/golden.rs` checks the crate against.

Usage
-----
    python3 -m venv VENV && VENV/bin/pip install torch safetensors numpy
    VENV/bin/python scripts/gen_golden.py [--out DIR] [--seed N]

`--out` defaults to `tests/golden/` beside this script's repository; `--seed`
defaults to 0. The script runs real PyTorch on the CPU with one thread and
per-case seeds, so a rerun with the same PyTorch on the same CPU gives
byte-identical files (conv_transpose's outputs move by an ulp or so with the
oneDNN kernel PyTorch picks for the CPU; the committed ones were made on an
earlier machine).
Before writing it deletes the `*.safetensors` files in the op folders it
writes (`DIR/<op>/`), and nothing else. It prints the number of cases per op.

Case format (fixed; `tests/golden.rs` also runs cases from elsewhere through
`UPSAMPLE_GOLDEN_DIR`)
-----------------------------------------------------------------------------
One case is one `.safetensors` file:

* tensors: `input` and `output` (F32); `indices` (I64) for `max_pool` (an
  expected output) and `max_unpool` (an input); `weight` and optional `bias`
  (F32) for `conv_transpose`. Tensors are stored in PHYSICAL order: a
  channels-last case stores `(N, spatial..., C)`, and its `indices` likewise.
  An index is the flat position within its `(n, c)` plane's spatial extent, as
  PyTorch gives it. `weight` is PyTorch's `(C_in, C_out / groups, k...)`
  whatever the layout.
* string metadata: `op` (`interpolate`, `pixel_shuffle`, `pixel_unshuffle`,
  `max_pool`, `max_unpool`, `avg_unpool`, `conv_transpose`); `params`, a JSON
  object of the functional call's keyword arguments exactly as `F.*` takes
  them (ints or per-dimension lists, `null` where unset) plus `"layout"`:
  `"channels_first"` or `"channels_last"`; `atol` and `rtol`, decimal strings.
  A case passes when every element has `|got - want| <= atol + rtol * |want|`,
  NaN matching NaN.

Channels-last cases run PyTorch on a channels-last tensor
(`torch.channels_last` / `torch.channels_last_3d`; for 1-d, an `(N, L, C)`
buffer viewed as `(N, C, L)`), so PyTorch's own channels-last kernels produce
the answer.

Tolerances (`atol`/`rtol`): 0/0 for the copying ops (nearest, nearest-exact,
pixel (un)shuffle, max_pool, max_unpool); 1e-5/1.3e-6 for the other
interpolate modes and avg_unpool; 1e-4/1e-4 for conv_transpose, whose inputs,
weights and biases are drawn from [-1, 1].

Every channels-last answer is checked against PyTorch's channels-first one
for the same logical input (exactly for the copying ops). One known
disagreement: for a 3-d max_pool window holding nothing but -inf, PyTorch's
channels-last kernel reports an index without the window's depth offset
(outside the window for any window past the first depth). The cases keep
PyTorch's answer, which the crate reproduces, and the script prints a note.

`max_unpool` cases use indices from `F.max_poolNd(return_indices=True)` and
random in-range indices with many duplicates; each output is also checked
against a serial scatter in which later writes win, as PyTorch's CPU loop does.

`avg_unpool` has no PyTorch op; it is built as sum / count with
`F.conv_transpose{1,2,3}d` on a ones kernel (channels folded into batch) using
the pooling's stride and padding, with `output_padding` to grow to a larger
`output_size` and a crop for a smaller one; 0 where the count is 0. Each
result is also checked against a direct element-by-element evaluation of the
definition (output `o` is covered by window `i` when
`i*stride <= o + padding < i*stride + kernel_size`; value = mean of covering
inputs).
"""

import argparse
import itertools
import json
import os
import sys
import zlib
from collections import Counter

import numpy as np
import torch
import torch.nn.functional as F

from golden_format import check_file, write_safetensors

CF, CL = "channels_first", "channels_last"
EXACT = ("0", "0")
SMOOTH = ("1e-5", "1.3e-6")
CONV = ("1e-4", "1e-4")
OPS = (
    "interpolate",
    "pixel_shuffle",
    "pixel_unshuffle",
    "max_pool",
    "max_unpool",
    "avg_unpool",
    "conv_transpose",
)

NAN, INF = float("nan"), float("inf")


# --------------------------------------------------------------------------
# Layouts
# --------------------------------------------------------------------------


def in_memory_format(x, layout):
    """The logical tensor `x` stored in `layout`, for PyTorch to run on."""
    if layout == CF:
        return x.contiguous()
    if x.dim() == 4:
        return x.contiguous(memory_format=torch.channels_last)
    if x.dim() == 5:
        return x.contiguous(memory_format=torch.channels_last_3d)
    if x.dim() == 3:
        return x.permute(0, 2, 1).contiguous().permute(0, 2, 1)
    raise ValueError(f"no channels-last form for a {x.dim()}-d tensor")


def physical(x, layout):
    """`x` (logical `(N, C, spatial...)`) as the array a case stores."""
    x = x.detach()
    if layout == CL:
        x = x.permute(0, *range(2, x.dim()), 1)
    return x.contiguous().numpy().copy()


# --------------------------------------------------------------------------
# Writing cases
# --------------------------------------------------------------------------


class Writer:
    def __init__(self, out, seed):
        self.out = out
        self.seed = seed
        self.counts = Counter()
        self.names = set()
        self.bytes = 0

    def rng(self, name):
        return np.random.default_rng([self.seed, zlib.crc32(name.encode())])

    def save(self, op, name, tensors, params, tol):
        assert op in OPS
        assert name not in self.names, f"duplicate case name {name}"
        self.names.add(name)
        assert params["layout"] in (CF, CL)
        index = self.counts[op]
        self.counts[op] += 1
        folder = os.path.join(self.out, op)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{index:03d}_{name}.safetensors")
        metadata = {
            "op": op,
            "params": json.dumps(params, sort_keys=True),
            "atol": tol[0],
            "rtol": tol[1],
        }
        for key, value in tensors.items():
            if key == "indices":
                assert value.dtype == np.int64, (name, key)
            else:
                assert value.dtype == np.float32, (name, key)
        write_safetensors(path, tensors, metadata)
        check_file(path, tensors, metadata)
        self.bytes += os.path.getsize(path)


def slug(value):
    """A short file-name form of a parameter value."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (list, tuple)):
        return "x".join(slug(v) for v in value)
    if isinstance(value, float):
        return f"{value:.4g}".replace(".", "p").replace("-", "m")
    return str(value)


def short(layout):
    return "cf" if layout == CF else "cl"


def as_list(value, rank):
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        assert len(value) == rank
        return list(value)
    return [value] * rank


def same_exact(a, b):
    """Exact equality, NaN matching NaN (for PyTorch self-consistency checks)."""
    return a.shape == b.shape and torch.equal(
        torch.nan_to_num(a, nan=1234.5), torch.nan_to_num(b, nan=1234.5)
    ) and torch.equal(a.isnan(), b.isnan())


# --------------------------------------------------------------------------
# interpolate
# --------------------------------------------------------------------------

# (spatial input size, {size | scale_factor [, recompute_scale_factor]}, tag)
INTERP_SPECS = {
    1: [
        ((5,), dict(size=8), "up"),
        ((8,), dict(size=3), "down"),
        ((4,), dict(scale_factor=2.0), "sf2"),
        ((6,), dict(scale_factor=0.5), "sf0p5"),
        ((5,), dict(scale_factor=1.7), "sf1p7"),
        ((5,), dict(scale_factor=1.7, recompute_scale_factor=True), "sf1p7_rc"),
        ((7,), dict(scale_factor=0.7, recompute_scale_factor=False), "sf0p7_norc"),
        ((1,), dict(size=5), "in1"),
        ((6,), dict(size=1), "out1"),
        ((10,), dict(scale_factor=0.3), "sf0p3"),
        ((3,), dict(size=[7]), "sizelist"),
        ((5,), dict(scale_factor=[2.2]), "sflist"),
        # Float32 source indices (ATen computes them in float): nearest maps
        # dst 23 of 14 -> 46 to 6, not floor(23 * 14 / 46) = 7; dst 11 of
        # 26 -> 22 to 12, not 13; with scale_factor 1.6 (kernel scale
        # 1/1.6 = 0.625f) dst 8 to 5, where double arithmetic gives 4.
        ((14,), dict(size=46), "fround_up"),
        ((26,), dict(size=22), "fround_down"),
        ((6,), dict(scale_factor=1.6), "fround_sf1p6"),
    ],
    2: [
        ((4, 5), dict(size=[7, 9]), "up"),
        ((8, 7), dict(size=[3, 2]), "down"),
        ((3, 4), dict(size=6), "sizeint"),
        ((4, 3), dict(scale_factor=2.0), "sf2"),
        ((5, 4), dict(scale_factor=[1.5, 0.6]), "sfaxes"),
        ((5, 4), dict(scale_factor=[1.5, 0.6], recompute_scale_factor=True), "sfaxes_rc"),
        ((6, 8), dict(scale_factor=0.5), "sf0p5"),
        ((5, 7), dict(scale_factor=1.7, recompute_scale_factor=False), "sf1p7_norc"),
        ((9, 6), dict(scale_factor=1.0 / 3.0), "sfthird"),
        ((1, 1), dict(size=[4, 3]), "in1x1"),
        ((1, 5), dict(size=[3, 8]), "in1x5"),
        ((5, 4), dict(size=[1, 1]), "out1x1"),
        ((6, 5), dict(size=[1, 3], recompute_scale_factor=False), "out1x3"),
        ((4, 4), dict(size=[4, 4]), "same"),
        ((7, 9), dict(scale_factor=[0.45, 2.5]), "sfmixed"),
        ((12, 10), dict(size=[5, 4]), "down2p4"),
        ((26, 7), dict(size=[22, 11]), "fround"),
        ((6, 8), dict(scale_factor=[1.6, 0.8]), "fround_sf"),
    ],
    3: [
        ((2, 3, 4), dict(size=[4, 5, 6]), "up"),
        ((4, 5, 3), dict(size=[2, 3, 2]), "down"),
        ((2, 2, 3), dict(scale_factor=2.0), "sf2"),
        ((3, 4, 5), dict(scale_factor=[1.5, 0.5, 1.2]), "sfaxes"),
        ((3, 4, 5), dict(scale_factor=[1.5, 0.5, 1.2], recompute_scale_factor=True), "sfaxes_rc"),
        ((1, 1, 1), dict(size=[2, 3, 2]), "in1"),
        ((3, 4, 2), dict(size=[1, 1, 1]), "out1"),
        ((4, 4, 4), dict(scale_factor=0.75, recompute_scale_factor=False), "sf0p75_norc"),
        ((26, 2, 3), dict(size=[22, 3, 2]), "fround"),
    ],
}

BATCH_CHANNELS = [(1, 3), (2, 2), (1, 1), (2, 3), (1, 4)]


# mode, ranks, align_corners options, antialias options
INTERP_MODES = [
    ("nearest", (1, 2, 3), [None], [False]),
    ("nearest-exact", (1, 2, 3), [None], [False]),
    ("area", (1, 2, 3), [None], [False]),
    ("linear", (1,), [None, False, True], [False]),
    ("bilinear", (2,), [None, False, True], [False, True]),
    ("bicubic", (2,), [None, False, True], [False, True]),
    ("trilinear", (3,), [None, False, True], [False]),
    ("lanczos", (2,), [None, False], [True]),
]


def interpolate_cases(w):
    counter = 0
    for mode, ranks, acs, aas in INTERP_MODES:
        tol = EXACT if mode in ("nearest", "nearest-exact") else SMOOTH
        for rank in ranks:
            for spatial, spec, tag in INTERP_SPECS[rank]:
                for ac in acs:
                    for aa in aas:
                        layout = (CF, CL)[counter % 2]
                        n, c = BATCH_CHANNELS[counter % len(BATCH_CHANNELS)]
                        counter += 1
                        params = dict(
                            mode=mode,
                            size=spec.get("size"),
                            scale_factor=spec.get("scale_factor"),
                            align_corners=ac,
                            recompute_scale_factor=spec.get("recompute_scale_factor"),
                            antialias=aa,
                        )
                        name = (
                            f"{mode}_{rank}d_{short(layout)}_{tag}"
                            f"_ac{slug(ac)}{'_aa' if aa else ''}"
                        )
                        rng = w.rng(name)
                        shape = (n, c, *spatial)
                        if counter % 4 == 0:  # image-like data
                            x = rng.uniform(0.0, 1.0, shape)
                        else:
                            x = rng.standard_normal(shape)
                        x = torch.from_numpy(x.astype(np.float32))
                        y = F.interpolate(in_memory_format(x, layout), **params)
                        y_cf = F.interpolate(x, **params)
                        if tol == EXACT:
                            assert same_exact(y, y_cf), name
                        else:
                            # PyTorch's channels-last and channels-first kernels
                            # must agree within the tolerance the case claims.
                            assert torch.allclose(y, y_cf, atol=1e-5, rtol=1.3e-6), name
                        params["layout"] = layout
                        w.save(
                            "interpolate",
                            name,
                            {"input": physical(x, layout), "output": physical(y, layout)},
                            params,
                            tol,
                        )


def interpolate_corner_cases(w):
    """PyTorch's odd corners, each kept as PyTorch answers in each layout
    (no channels-first/channels-last agreement is asserted here):

    * antialiased resampling to a one-pixel-wide output repeats row 0's value
      down every row, except channels-last with C > 1;
    * very large downscales (every input tap in one output);
    * an axis whose size does not change although its scale_factor is not 1
      (the antialiased kernels skip it; linear copies it);
    * 2-d nearest/bilinear run PyTorch's channels-last kernel for small
      outputs and for C == 3, whose nearest shortcuts differ from the generic
      formula when a scale_factor is given;
    * area to a 1x1 output (PyTorch takes the mean of the plane).
    """
    cases = [
        # (shape, params, tag)
        ((1, 1, 9, 1), dict(mode="bilinear", size=[4, 1], antialias=True), "aa_w1_c1"),
        ((1, 3, 9, 5), dict(mode="bicubic", size=[4, 1], antialias=True), "aa_w1_c3"),
        ((2, 2, 7, 7), dict(mode="lanczos", size=[2, 1], antialias=True), "aa_w1_lanczos"),
        ((1, 2, 3, 300), dict(mode="bilinear", size=[1, 1], antialias=True), "aa_300_to_1"),
        ((1, 2, 3, 300), dict(mode="bicubic", size=[2, 1], antialias=True), "aa_300_to_1_bicubic"),
        ((1, 1, 200, 2), dict(mode="lanczos", size=[3, 2], antialias=True), "aa_200_to_3_lanczos"),
        ((1, 2, 5, 8), dict(mode="bilinear", scale_factor=[1.1, 0.5], antialias=True), "aa_unchanged_axis"),
        ((1, 2, 5, 8), dict(mode="bicubic", scale_factor=[1.1, 0.5], antialias=True), "aa_unchanged_axis_bicubic"),
        ((1, 2, 5, 8), dict(mode="lanczos", scale_factor=[1.1, 2.3], antialias=True), "lanczos_unchanged_axis_up"),
        ((1, 3, 4, 6), dict(mode="lanczos", scale_factor=[2.3, 1.7], antialias=True,
                            recompute_scale_factor=False), "lanczos_up_scale"),
        ((1, 2, 9, 9), dict(mode="nearest", scale_factor=1.05), "nearest_9_sf1.05"),
        ((1, 5, 9, 7), dict(mode="nearest", scale_factor=[1.05, 2.05]), "nearest_small_out_c5"),
        ((1, 5, 40, 50), dict(mode="nearest", scale_factor=[1.02, 2.0]), "nearest_large_out_c5"),
        ((1, 5, 40, 50), dict(mode="nearest-exact", scale_factor=[1.02, 1.3]), "nearest_exact_large_out_c5"),
        ((1, 3, 9, 9), dict(mode="bilinear", scale_factor=1.05, align_corners=False), "bilinear_c3_sf1.05"),
        ((1, 5, 40, 50), dict(mode="bilinear", scale_factor=[1.3, 0.7], align_corners=False), "bilinear_large_out_c5"),
        ((1, 4, 9, 9, 9), dict(mode="trilinear", scale_factor=1.7, align_corners=False), "trilinear_c4"),
        ((2, 3, 17, 13), dict(mode="area", size=[1, 1]), "area_global_mean"),
        ((1, 2, 5, 6, 7), dict(mode="area", size=[1, 1, 1]), "area_global_mean_3d"),
        ((1, 2, 31), dict(mode="linear", scale_factor=1.01, align_corners=False), "linear_unchanged_sf1.01"),
        ((1, 2, 7, 7), dict(mode="bicubic", scale_factor=1.01, align_corners=False), "bicubic_unchanged_sf1.01"),
    ]
    for shape, kw, tag in cases:
        for layout in (CF, CL):
            params = dict(mode=kw["mode"], size=kw.get("size"), scale_factor=kw.get("scale_factor"),
                          align_corners=kw.get("align_corners"),
                          recompute_scale_factor=kw.get("recompute_scale_factor"),
                          antialias=kw.get("antialias", False))
            name = f"corner_{tag}_{short(layout)}"
            rng = w.rng(name)
            x = torch.from_numpy(rng.standard_normal(shape).astype(np.float32))
            y = F.interpolate(in_memory_format(x, layout), **params)
            tol = EXACT if params["mode"] in ("nearest", "nearest-exact") else SMOOTH
            params["layout"] = layout
            w.save("interpolate", name, {"input": physical(x, layout), "output": physical(y, layout)},
                   params, tol)


# --------------------------------------------------------------------------
# What users bring: special values, and rows thousands wide
# --------------------------------------------------------------------------

# Values near f32::MAX: sums of two or more of them, weighted by an
# interpolation's taps, overflow.
HUGE = (3.0e38, -3.0e38, 3.4028235e38, -3.4028235e38, 2.5e38, -2.5e38)
SUBNORMAL = (1e-40, -1e-40, 1.4e-45, -1.4e-45, 1e-39)


def special_input(rng, shape, huge=True):
    """Standard-normal data with 3% NaN, 3% +inf and 3% -inf, 2% subnormals
    and (`huge`) 2% values near f32::MAX."""
    x = rng.standard_normal(shape).astype(np.float32)
    u = rng.uniform(size=shape)
    x[u < 0.03] = np.nan
    x[(u >= 0.03) & (u < 0.06)] = np.inf
    x[(u >= 0.06) & (u < 0.09)] = -np.inf
    sub = (u >= 0.09) & (u < 0.11)
    x[sub] = rng.choice(np.array(SUBNORMAL, dtype=np.float32), size=int(sub.sum()))
    if huge:
        big = (u >= 0.11) & (u < 0.13)
        x[big] = rng.choice(np.array(HUGE, dtype=np.float32), size=int(big.sum()))
    return x


# (mode, shape, spec, align_corners, antialias, tag): every smooth mode in
# up-, down- and x2 sampling, and the nearest modes.
SPECIAL_INTERP = [
    ("linear", (2, 3, 17), dict(size=29), None, False, "up"),
    ("linear", (1, 2, 23), dict(scale_factor=0.6), True, False, "down_ac"),
    ("bilinear", (1, 3, 9, 11), dict(scale_factor=2.0), False, False, "x2"),
    ("bilinear", (2, 4, 7, 10), dict(size=[13, 17]), True, False, "up_ac"),
    ("bilinear", (1, 5, 12, 15), dict(size=[7, 8]), False, False, "down"),
    ("bilinear", (1, 3, 16, 20), dict(size=[7, 9]), False, True, "aa_down"),
    ("bicubic", (1, 3, 9, 11), dict(scale_factor=2.0), False, False, "x2"),
    ("bicubic", (2, 4, 8, 7), dict(size=[15, 11]), True, False, "up_ac"),
    ("bicubic", (1, 5, 14, 13), dict(size=[6, 9]), False, False, "down"),
    ("bicubic", (1, 3, 16, 20), dict(size=[7, 9]), False, True, "aa_down"),
    ("lanczos", (1, 3, 18, 17), dict(size=[8, 7]), None, True, "down"),
    ("lanczos", (1, 2, 6, 7), dict(size=[13, 11]), None, True, "up"),
    ("trilinear", (1, 4, 5, 6, 7), dict(scale_factor=2.0), False, False, "x2"),
    ("trilinear", (1, 3, 6, 5, 7), dict(size=[4, 9, 5]), True, False, "mixed_ac"),
    ("area", (1, 3, 17), dict(size=6), None, False, "1d"),
    ("area", (2, 3, 13, 16), dict(size=[5, 7]), None, False, "2d"),
    ("area", (1, 4, 9, 8, 10), dict(size=[4, 3, 6]), None, False, "3d"),
    ("nearest", (1, 3, 9, 11), dict(scale_factor=[2.0, 1.7]), None, False, "2d"),
    ("nearest-exact", (1, 3, 9, 11), dict(size=[5, 23]), None, False, "2d"),
]


def interpolate_special_cases(w):
    """Every smooth mode (and nearest) on inputs holding NaN, +-inf,
    subnormals and values near f32::MAX, both layouts: each output NaN,
    infinite or finite as PyTorch's."""
    for mode, shape, spec, ac, aa, tag in SPECIAL_INTERP:
        for huge in (False, True):
            for layout in (CF, CL):
                params = dict(mode=mode, size=spec.get("size"), scale_factor=spec.get("scale_factor"),
                              align_corners=ac, recompute_scale_factor=None, antialias=aa)
                name = f"special_{mode}_{tag}{'_huge' if huge else ''}_{short(layout)}"
                x = torch.from_numpy(special_input(w.rng(name), shape, huge))
                y = F.interpolate(in_memory_format(x, layout), **params)
                tol = EXACT if mode in ("nearest", "nearest-exact") else SMOOTH
                params["layout"] = layout
                w.save("interpolate", name, {"input": physical(x, layout), "output": physical(y, layout)},
                       params, tol)


# (mode, shape, spec, align_corners, antialias, tag): rows 129 to 3218 wide
# at non-integer scales and sizes, where a source coordinate computed in
# another order than PyTorch's drifts past the tolerance; the other axes
# short, to keep the cases small.
WIDE_INTERP = [
    ("bilinear", (1, 3, 3, 1477), dict(size=[12, 3218]), False, False, "1477_to_3218"),
    ("bilinear", (1, 4, 3, 555), dict(size=[13, 511]), False, False, "555_to_511"),
    ("bilinear", (1, 1, 6, 1236), dict(scale_factor=0.6, recompute_scale_factor=True), False, False, "1236_sf0p6_rc"),
    ("bilinear", (1, 3, 2, 449), dict(scale_factor=1.5), False, False, "449_sf1p5"),
    ("bilinear", (1, 4, 2, 311), dict(scale_factor=1.5), False, False, "311_sf1p5"),
    ("bilinear", (1, 2, 2, 1023), dict(size=[3, 2979]), True, False, "1023_to_2979_ac"),
    ("bilinear", (1, 3, 2, 2011), dict(size=[2, 733]), False, True, "aa_2011_to_733"),
    ("linear", (1, 2, 1999), dict(scale_factor=1.37), False, False, "1999_sf1p37"),
    ("linear", (1, 3, 2500), dict(size=1313), True, False, "2500_to_1313_ac"),
    ("bicubic", (1, 3, 2, 1501), dict(scale_factor=1.7), False, False, "1501_sf1p7"),
    ("bicubic", (1, 4, 3, 777), dict(size=[4, 2047]), True, False, "777_to_2047_ac"),
    ("bicubic", (1, 3, 2, 1777), dict(size=[2, 401]), False, True, "aa_1777_to_401"),
    ("lanczos", (1, 3, 2, 1313), dict(size=[2, 517]), None, True, "1313_to_517"),
    ("trilinear", (1, 2, 2, 2, 1203), dict(size=[3, 3, 2999]), False, False, "1203_to_2999"),
    ("area", (1, 3, 2, 2999), dict(size=[2, 1201]), None, False, "2999_to_1201"),
    ("nearest", (1, 3, 2, 1999), dict(size=[3, 3007]), None, False, "1999_to_3007"),
    ("nearest-exact", (1, 3, 2, 1999), dict(size=[3, 2875]), None, False, "1999_to_2875"),
]


def interpolate_wide_cases(w):
    """Every mode on rows thousands wide, both layouts."""
    for mode, shape, spec, ac, aa, tag in WIDE_INTERP:
        for layout in (CF, CL):
            params = dict(mode=mode, size=spec.get("size"), scale_factor=spec.get("scale_factor"),
                          align_corners=ac, recompute_scale_factor=spec.get("recompute_scale_factor"),
                          antialias=aa)
            name = f"wide_{mode}_{tag}_{short(layout)}"
            rng = w.rng(name)
            x = torch.from_numpy(rng.uniform(0.0, 1.0, shape).astype(np.float32))
            y = F.interpolate(in_memory_format(x, layout), **params)
            tol = EXACT if mode in ("nearest", "nearest-exact") else SMOOTH
            params["layout"] = layout
            w.save("interpolate", name, {"input": physical(x, layout), "output": physical(y, layout)},
                   params, tol)


# --------------------------------------------------------------------------
# pixel_shuffle / pixel_unshuffle
# --------------------------------------------------------------------------


def pixel_cases(w):
    # (N, C_out, H, W) of the shuffled (large-channel-count-free) side, in units of r.
    shapes = [(1, 1, 1, 1), (2, 2, 3, 4), (1, 3, 2, 5), (2, 1, 4, 1)]
    for r in (1, 2, 3, 4):
        for n, c, h, wd in shapes:
            for layout in (CF, CL):
                # pixel_shuffle: (N, C*r*r, H, W) -> (N, C, H*r, W*r)
                name = f"pixel_shuffle_r{r}_{short(layout)}_n{n}c{c}h{h}w{wd}"
                x = torch.from_numpy(
                    w.rng(name).standard_normal((n, c * r * r, h, wd)).astype(np.float32)
                )
                y = F.pixel_shuffle(in_memory_format(x, layout), upscale_factor=r)
                assert same_exact(y, F.pixel_shuffle(x, r)), name
                w.save(
                    "pixel_shuffle",
                    name,
                    {"input": physical(x, layout), "output": physical(y, layout)},
                    {"upscale_factor": r, "layout": layout},
                    EXACT,
                )
                # pixel_unshuffle: (N, C, H*r, W*r) -> (N, C*r*r, H, W)
                name = f"pixel_unshuffle_r{r}_{short(layout)}_n{n}c{c}h{h}w{wd}"
                x = torch.from_numpy(
                    w.rng(name).standard_normal((n, c, h * r, wd * r)).astype(np.float32)
                )
                y = F.pixel_unshuffle(in_memory_format(x, layout), downscale_factor=r)
                assert same_exact(y, F.pixel_unshuffle(x, r)), name
                w.save(
                    "pixel_unshuffle",
                    name,
                    {"input": physical(x, layout), "output": physical(y, layout)},
                    {"downscale_factor": r, "layout": layout},
                    EXACT,
                )


# --------------------------------------------------------------------------
# max_pool
# --------------------------------------------------------------------------

POOL_FNS = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
UNPOOL_FNS = {1: F.max_unpool1d, 2: F.max_unpool2d, 3: F.max_unpool3d}
CONVT_FNS = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def pool_kw(kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return dict(
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        ceil_mode=ceil_mode,
    )


# (spatial input size, F.max_poolNd keyword arguments, tag)
MAX_POOL_CONFIGS = [
    ((8,), pool_kw(2), "k2"),
    ((7,), pool_kw(3, stride=1, padding=1), "k3s1p1"),
    ((8,), pool_kw(3, stride=2, padding=1, ceil_mode=True), "k3s2p1_ceil"),
    ((5,), pool_kw(2, stride=2, padding=1, ceil_mode=True), "k2s2p1_ceil_dropped"),
    ((6,), pool_kw(2, stride=2, padding=1, ceil_mode=True), "k2s2p1_ceil_kept"),
    ((9,), pool_kw(3, stride=2, padding=1, dilation=2), "k3s2p1d2"),
    ((9,), pool_kw(4, stride=3, ceil_mode=True), "k4s3_ceil"),
    ((5,), pool_kw(1, stride=1), "k1"),
    ((5,), pool_kw(5), "k5_out1"),
    ((1,), pool_kw(1), "in1"),
    ((10,), pool_kw([3], stride=[1], padding=[1], dilation=[3], ceil_mode=True), "lists_d3_ceil"),
    ((4, 6), pool_kw(2), "k2"),
    ((5, 7), pool_kw([2, 3], stride=[1, 2], padding=[1, 1]), "axes"),
    ((6, 7), pool_kw(3, stride=2, padding=1, ceil_mode=True), "k3s2p1_ceil"),
    ((7, 6), pool_kw(3, stride=1, padding=1, dilation=2), "k3s1p1d2"),
    ((7, 8), pool_kw([3, 2], stride=[2, 1], padding=[0, 1], dilation=[1, 2], ceil_mode=True), "axes_d_ceil"),
    ((5, 5), pool_kw(2, stride=2, padding=1, ceil_mode=True), "k2s2p1_ceil_dropped"),
    ((4, 4), pool_kw(4), "k4_out1"),
    ((1, 1), pool_kw(1), "in1x1"),
    ((7, 8), pool_kw(3, stride=3, ceil_mode=True), "k3s3_ceil"),
    ((4, 5), pool_kw([1, 3], stride=1, padding=[0, 1]), "k1x3"),
    ((1, 6), pool_kw([1, 2], stride=[1, 2]), "in1x6"),
    ((4, 4, 4), pool_kw(2), "k2"),
    ((4, 5, 4), pool_kw([2, 3, 2], stride=[1, 2, 2], padding=[1, 1, 0]), "axes"),
    ((5, 5, 5), pool_kw(3, stride=2, padding=1, ceil_mode=True), "k3s2p1_ceil"),
    ((5, 4, 5), pool_kw(2, stride=1, dilation=2), "k2s1d2"),
    ((5, 3, 6), pool_kw([3, 1, 2], stride=[2, 1, 1], dilation=[1, 1, 2], ceil_mode=True), "axes_d_ceil"),
    ((1, 1, 1), pool_kw(1), "in1"),
]


def pool_input(rng, shape, kind):
    if kind == "randn":
        return rng.standard_normal(shape).astype(np.float32)
    # Small integers: many ties.
    x = rng.integers(-2, 3, shape).astype(np.float32)
    if kind == "special":
        u = rng.uniform(size=shape)
        x[u < 0.12] = NAN
        x[(u >= 0.12) & (u < 0.3)] = -INF
        x[(u >= 0.3) & (u < 0.34)] = INF
    return x


def max_pool_case(w, name, shape, kw, layout, x_np):
    rank = len(shape) - 2
    x = torch.from_numpy(x_np)
    y, idx = POOL_FNS[rank](in_memory_format(x, layout), return_indices=True, **kw)
    y_cf, idx_cf = POOL_FNS[rank](x, return_indices=True, **kw)
    assert same_exact(y, y_cf), name
    if not torch.equal(idx, idx_cf):
        # PyTorch's 3-d channels-last kernel starts a window's index without
        # the depth offset, so a window of nothing but -inf reports an index
        # outside the window. That is PyTorch's answer, and the crate matches
        # it: the case keeps PyTorch's channels-last indices.
        differs = idx != idx_cf
        assert rank == 3 and layout == CL, name
        assert torch.all(y_cf[differs] == -INF), name
        print(f"note: {name}: PyTorch's channels-last 3-d indices for all -inf windows "
              "omit the depth offset; kept as PyTorch gives them")
    params = dict(kw, layout=layout)
    w.save(
        "max_pool",
        name,
        {
            "input": physical(x, layout),
            "output": physical(y, layout),
            "indices": physical(idx, layout),
        },
        params,
        EXACT,
    )


def max_pool_cases(w):
    kinds = ["randn", "ties", "special"]
    counter = 0
    for spatial, kw, tag in MAX_POOL_CONFIGS:
        rank = len(spatial)
        for kind in kinds:
            layout = (CF, CL)[counter % 2]
            n, c = BATCH_CHANNELS[counter % len(BATCH_CHANNELS)]
            counter += 1
            name = f"max_pool_{rank}d_{short(layout)}_{tag}_{kind}"
            shape = (n, c, *spatial)
            max_pool_case(w, name, shape, kw, layout, pool_input(w.rng(name), shape, kind))
    # Whole windows of -inf, all-equal planes, NaN everywhere.
    specials = [
        ((1, 3, 6, 5), pool_kw(3, stride=2, padding=1), "allneginf", lambda s: np.full(s, -INF)),
        ((2, 2, 7), pool_kw(2, stride=1, padding=1, dilation=2, ceil_mode=True), "allneginf", lambda s: np.full(s, -INF)),
        ((1, 2, 4, 3, 4), pool_kw(2, padding=1), "allneginf", lambda s: np.full(s, -INF)),
        ((2, 3, 5, 6), pool_kw([2, 3], stride=[2, 1], padding=1), "allequal", lambda s: np.full(s, 1.5)),
        ((1, 2, 9), pool_kw(3, stride=2, padding=1), "allnan", lambda s: np.full(s, NAN)),
    ]
    for shape, kw, tag, fill in specials:
        rank = len(shape) - 2
        for layout in (CF, CL):
            name = f"max_pool_{rank}d_{short(layout)}_{tag}"
            max_pool_case(w, name, shape, kw, layout, fill(shape).astype(np.float32))
    # -inf halves and NaN at window edges (first and last element of a window).
    shape = (1, 2, 6, 6)
    x = np.full(shape, -INF, dtype=np.float32)
    x[:, :, 3:, :] = 0.0
    x[0, 0, 0, 0] = NAN
    x[0, 0, 1, 1] = NAN
    x[0, 1, 2, 5] = NAN
    x[0, 1, 4, 4] = 7.0
    x[0, 1, 5, 5] = 7.0
    for layout in (CF, CL):
        name = f"max_pool_2d_{short(layout)}_edges_nan_neginf"
        max_pool_case(w, name, shape, pool_kw(2, stride=1, padding=1), layout, x)


# --------------------------------------------------------------------------
# max_unpool
# --------------------------------------------------------------------------


def unpool_kw(kernel_size, stride=None, padding=0, output_size=None):
    return dict(kernel_size=kernel_size, stride=stride, padding=padding, output_size=output_size)


def unpool_default(in_spatial, kw):
    rank = len(in_spatial)
    k = as_list(kw["kernel_size"], rank)
    s = as_list(kw["stride"], rank) if kw["stride"] is not None else k
    p = as_list(kw["padding"], rank)
    return [(in_spatial[a] - 1) * s[a] - 2 * p[a] + k[a] for a in range(rank)], k, s, p


def serial_unpool(x, idx, out_spatial):
    """The serial scatter PyTorch's CPU loop does: later writes win."""
    n, c = x.shape[:2]
    plane = int(np.prod(out_spatial))
    out = np.zeros((n, c, plane), dtype=np.float32)
    xf = x.reshape(n, c, -1)
    jf = idx.reshape(n, c, -1)
    for i in range(n):
        for j in range(c):
            for k in range(xf.shape[2]):
                out[i, j, jf[i, j, k]] = xf[i, j, k]
    return out.reshape(n, c, *out_spatial)


def max_unpool_save(w, name, x, idx, kw, layout):
    rank = x.dim() - 2
    y = UNPOOL_FNS[rank](in_memory_format(x, layout), in_memory_format(idx, layout), **kw)
    y_cf = UNPOOL_FNS[rank](x, idx, **kw)
    assert same_exact(y, y_cf), name
    serial = serial_unpool(x.numpy(), idx.numpy(), list(y.shape[2:]))
    assert np.array_equal(serial, y.numpy(), equal_nan=True), name
    w.save(
        "max_unpool",
        name,
        {
            "input": physical(x, layout),
            "indices": physical(idx, layout),
            "output": physical(y, layout),
        },
        dict(kw, layout=layout),
        EXACT,
    )


def max_unpool_cases(w):
    # Realistic: indices from F.max_poolNd over an input of `pooled_from`
    # spatial size; unpool to that size when PyTorch allows it
    # (`output_size`: "spatial" or "full" with N, C), else to the default.
    realistic = [
        ((8,), dict(kernel_size=2), None, "k2"),
        ((9,), dict(kernel_size=2), "spatial", "k2_odd_outsize"),
        ((7,), dict(kernel_size=3, stride=2, padding=1), "full", "k3s2p1_outsize_full"),
        ((6,), dict(kernel_size=3, stride=1, padding=1), None, "k3s1p1_overlap"),
        ((4, 6), dict(kernel_size=2), None, "k2"),
        ((5, 7), dict(kernel_size=2), "spatial", "k2_odd_outsize"),
        ((5, 7), dict(kernel_size=[2, 2], stride=[2, 2]), "full", "k2_outsize_full"),
        ((6, 6), dict(kernel_size=3, stride=2, padding=1), "spatial", "k3s2p1_outsize"),
        ((6, 5), dict(kernel_size=[2, 3], stride=[2, 1], padding=[1, 1]), "spatial", "axes"),
        ((1, 1), dict(kernel_size=1), None, "in1x1"),
        ((4, 4), dict(kernel_size=4), None, "k4_in1"),
        ((4, 4, 4), dict(kernel_size=2), None, "k2"),
        ((5, 4, 3), dict(kernel_size=[2, 2, 3]), "spatial", "axes_outsize"),
        ((4, 6, 4), dict(kernel_size=3, stride=2, padding=1), "full", "k3s2p1_outsize_full"),
    ]
    counter = 0
    for pooled_from, pkw, outsize, tag in realistic:
        rank = len(pooled_from)
        for layout in (CF, CL):
            n, c = BATCH_CHANNELS[counter % len(BATCH_CHANNELS)]
            counter += 1
            name = f"max_unpool_{rank}d_{short(layout)}_{tag}"
            rng = w.rng(name)
            src_shape = (n, c, *pooled_from)
            if counter % 3 == 0:  # ties
                src = rng.integers(-2, 3, src_shape).astype(np.float32)
            else:
                src = rng.standard_normal(src_shape).astype(np.float32)
            pool_args = dict(
                kernel_size=pkw["kernel_size"],
                stride=pkw.get("stride"),
                padding=pkw.get("padding", 0),
            )
            x, idx = POOL_FNS[rank](torch.from_numpy(src), return_indices=True, **pool_args)
            kw = unpool_kw(**pool_args)
            default, _, s, _ = unpool_default(list(x.shape[2:]), kw)
            if outsize is not None:
                ok = all(default[a] - s[a] < pooled_from[a] < default[a] + s[a] for a in range(rank))
                assert ok, f"{name}: output_size {pooled_from} out of range of {default}"
                sizes = list(pooled_from)
                kw["output_size"] = sizes if outsize == "spatial" else [n, c, *sizes]
            else:
                assert default == list(pooled_from), f"{name}: default {default} != {pooled_from}"
            max_unpool_save(w, name, x, idx, kw, layout)

    # Random in-range indices with many duplicates (later wins).
    random_cfgs = [
        ((6,), unpool_kw(2), "k2"),
        ((4,), unpool_kw(3, stride=2, padding=1, output_size=[8]), "outsize_up"),
        ((5,), unpool_kw(2, stride=3, output_size=[1, 1, 12]), "outsize_full_down"),
        ((3, 4), unpool_kw(2), "k2"),
        ((3, 3), unpool_kw([2, 3], stride=[2, 2], padding=[0, 1], output_size=[7, 6]), "axes_outsize"),
        ((2, 5), unpool_kw(3, stride=2, padding=1), "k3s2p1"),
        ((1, 1), unpool_kw(3, stride=2), "in1x1"),
        ((2, 3, 2), unpool_kw(2), "k2"),
        ((3, 2, 2), unpool_kw([2, 3, 2], stride=[1, 2, 2], output_size=[4, 5, 3]), "axes_outsize"),
        ((2, 2, 3), unpool_kw(2, output_size=[2, 2, 5, 4, 7]), "outsize_full"),
    ]
    for in_spatial, kw, tag in random_cfgs:
        rank = len(in_spatial)
        for layout in (CF, CL):
            n, c = BATCH_CHANNELS[counter % len(BATCH_CHANNELS)]
            counter += 1
            kw = dict(kw)
            if kw["output_size"] is not None and len(kw["output_size"]) == rank + 2:
                kw["output_size"] = [n, c, *kw["output_size"][2:]]
            name = f"max_unpool_{rank}d_{short(layout)}_random_{tag}"
            rng = w.rng(name)
            default, _, _, _ = unpool_default(list(in_spatial), kw)
            out_spatial = default if kw["output_size"] is None else kw["output_size"][-rank:]
            plane = int(np.prod(out_spatial))
            shape = (n, c, *in_spatial)
            x = torch.from_numpy(rng.standard_normal(shape).astype(np.float32))
            # Draw from a few positions so that duplicates are common, and
            # always include the plane's first and last positions.
            pool = rng.choice(plane, size=min(plane, 4), replace=False)
            idx = rng.choice(np.concatenate([pool, [0, plane - 1]]), size=shape)
            max_unpool_save(w, name, x, torch.from_numpy(idx.astype(np.int64)), kw, layout)


# --------------------------------------------------------------------------
# avg_unpool
# --------------------------------------------------------------------------


def avg_unpool_torch(x, kw):
    """Average unpooling as sum / count from conv_transpose with a ones kernel."""
    rank = x.dim() - 2
    n, c = x.shape[:2]
    in_spatial = list(x.shape[2:])
    default, k, s, p = unpool_default(in_spatial, kw)
    req = kw["output_size"]
    if req is None:
        req = default
    elif len(req) == rank + 2:
        req = req[2:]
    req = list(req)
    for a in range(rank):
        assert default[a] - s[a] < req[a] < default[a] + s[a], (req, default)
    grow = [max(0, req[a] - default[a]) for a in range(rank)]
    ones_k = torch.ones((1, 1, *k), dtype=torch.float32)
    conv = CONVT_FNS[rank]
    folded = x.reshape(n * c, 1, *in_spatial)
    total = conv(folded, ones_k, stride=s, padding=p, output_padding=grow)
    count = conv(torch.ones_like(folded), ones_k, stride=s, padding=p, output_padding=grow)
    crop = tuple([slice(None), slice(None)] + [slice(0, req[a]) for a in range(rank)])
    total, count = total[crop], count[crop]
    out = torch.where(count > 0, total / count.clamp(min=1), torch.zeros_like(total))
    return out.reshape(n, c, *req)


def avg_unpool_brute(x, kw, out_spatial):
    """The crate's definition, element by element (a check of the construction)."""
    rank = x.ndim - 2
    _, k, s, p = unpool_default(list(x.shape[2:]), kw)
    out = np.zeros(x.shape[:2] + tuple(out_spatial), dtype=np.float64)
    for o in np.ndindex(*out_spatial):
        covering = [
            [i for i in range(x.shape[2 + a]) if i * s[a] <= o[a] + p[a] < i * s[a] + k[a]]
            for a in range(rank)
        ]
        windows = list(itertools.product(*covering))
        if windows:
            acc = sum(x[(slice(None), slice(None), *t)] for t in windows)
            out[(slice(None), slice(None), *o)] = acc / len(windows)
    return out


AVG_UNPOOL_CONFIGS = [
    ((4,), unpool_kw(2), "k2_nearest"),
    ((5,), unpool_kw(3, stride=2, padding=1), "k3s2p1_overlap"),
    ((5,), unpool_kw(3, stride=1, padding=1), "k3s1p1"),
    ((4,), unpool_kw(2, stride=3), "k2s3_gaps"),
    ((4,), unpool_kw(2, output_size=[9]), "outsize_up"),
    ((4,), unpool_kw(3, stride=2, output_size=[1, 1, 8]), "outsize_full_down"),
    ((1,), unpool_kw(3, stride=2), "in1"),
    ((5,), unpool_kw(1, stride=2, output_size=[10]), "k1s2"),
    ((3, 4), unpool_kw(2), "k2_nearest"),
    ((4, 3), unpool_kw(3, stride=2, padding=1), "k3s2p1_overlap"),
    ((3, 5), unpool_kw([2, 3], stride=[1, 2], padding=[0, 1]), "axes"),
    ((3, 3), unpool_kw(2, stride=3), "k2s3_gaps"),
    ((3, 3), unpool_kw(4, stride=2, padding=2), "k4s2p2"),
    ((3, 4), unpool_kw(2, output_size=[7, 8]), "outsize_up"),
    ((4, 4), unpool_kw(3, stride=2, padding=1, output_size=[1, 1, 6, 8]), "outsize_full_mixed"),
    ((1, 1), unpool_kw(2), "in1x1"),
    ((2, 5), unpool_kw([3, 1], stride=[2, 1], padding=[1, 0]), "k3x1"),
    ((2, 3, 2), unpool_kw(2), "k2_nearest"),
    ((3, 2, 3), unpool_kw(3, stride=2, padding=1), "k3s2p1_overlap"),
    ((2, 3, 2), unpool_kw([2, 3, 2], stride=[1, 2, 3], padding=[0, 1, 0]), "axes_gaps"),
    ((2, 2, 2), unpool_kw(2, output_size=[5, 3, 4]), "outsize_mixed"),
    ((1, 1, 1), unpool_kw(3, stride=2, padding=1), "in1"),
]


def avg_unpool_cases(w):
    counter = 0
    for in_spatial, kw, tag in AVG_UNPOOL_CONFIGS:
        rank = len(in_spatial)
        for layout in (CF, CL):
            n, c = BATCH_CHANNELS[counter % len(BATCH_CHANNELS)]
            counter += 1
            kw = dict(kw)
            if kw["output_size"] is not None and len(kw["output_size"]) == rank + 2:
                kw["output_size"] = [n, c, *kw["output_size"][2:]]
            name = f"avg_unpool_{rank}d_{short(layout)}_{tag}"
            x = torch.from_numpy(
                w.rng(name).standard_normal((n, c, *in_spatial)).astype(np.float32)
            )
            y = avg_unpool_torch(x, kw)
            brute = avg_unpool_brute(x.numpy().astype(np.float64), kw, list(y.shape[2:]))
            assert np.allclose(y.numpy(), brute, atol=1e-6, rtol=1e-6), name
            w.save(
                "avg_unpool",
                name,
                {"input": physical(x, layout), "output": physical(y, layout)},
                dict(kw, layout=layout),
                SMOOTH,
            )


def avg_unpool_special_cases(w):
    """avg_unpool on inputs holding NaN, +-inf and subnormals (overlapping
    windows sum them), both layouts. No values near f32::MAX: avg_unpool has
    no PyTorch op, and where a sum of them overflows depends on the order of
    the conv_transpose this construction runs, not on a definition."""
    for in_spatial, kw, tag in [
        ((5,), unpool_kw(3, stride=2, padding=1), "k3s2p1"),
        ((6, 5), unpool_kw(3, stride=2, padding=1), "k3s2p1"),
        ((5, 6), unpool_kw(2), "k2"),
        ((4, 3, 5), unpool_kw(3, stride=1, padding=1), "k3s1p1"),
    ]:
        rank = len(in_spatial)
        for layout in (CF, CL):
            name = f"avg_unpool_special_{rank}d_{short(layout)}_{tag}"
            x = torch.from_numpy(special_input(w.rng(name), (2, 3, *in_spatial), huge=False))
            y = avg_unpool_torch(x, kw)
            brute = avg_unpool_brute(x.numpy().astype(np.float64), kw, list(y.shape[2:]))
            assert np.allclose(y.numpy(), brute.astype(np.float32), atol=1e-6, rtol=1e-6,
                               equal_nan=True), name
            w.save("avg_unpool", name, {"input": physical(x, layout), "output": physical(y, layout)},
                   dict(kw, layout=layout), SMOOTH)


# --------------------------------------------------------------------------
# conv_transpose
# --------------------------------------------------------------------------


def ct(cin, cout_g, k, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return dict(
        cin=cin,
        cout_g=cout_g,
        k=k,
        kw=dict(
            stride=stride,
            padding=padding,
            output_padding=output_padding,
            groups=groups,
            dilation=dilation,
        ),
    )


# (spatial input size, config, tag)
CONV_T_CONFIGS = [
    ((5,), ct(2, 3, 3), "k3"),
    ((6,), ct(4, 2, 4, stride=2, padding=1), "k4s2p1"),
    ((5,), ct(3, 2, 3, stride=2, padding=1, output_padding=1), "k3s2p1op1"),
    ((4,), ct(4, 3, 3, stride=3, output_padding=2, groups=2, dilation=2), "g2s3op2d2"),
    ((6,), ct(4, 1, 5, stride=2, padding=2, output_padding=1, groups=4), "depthwise"),
    ((5,), ct(2, 1, 2, stride=1, output_padding=2, dilation=3), "op_lt_dilation"),
    ((1,), ct(2, 2, 3, stride=2), "in1"),
    ((4,), ct(3, 2, 2, stride=3, padding=2), "p_gt_k"),
    ((7,), ct(1, 1, 1), "k1"),
    ((3, 4), ct(3, 2, 3, padding=1), "k3p1"),
    ((4, 4), ct(4, 4, 4, stride=2, padding=1), "k4s2p1"),
    ((3, 5), ct(2, 3, [3, 2], stride=[2, 1], padding=[1, 0], output_padding=[1, 0]), "axes_op"),
    ((4, 3), ct(4, 2, 3, stride=2, padding=1, output_padding=1, groups=2), "g2"),
    ((4, 4), ct(3, 1, 3, stride=2, groups=3), "depthwise"),
    ((3, 3), ct(2, 3, 3, stride=1, padding=1, groups=2), "depthwise_mult3"),
    ((3, 4), ct(2, 2, 3, stride=2, padding=2, output_padding=1, dilation=[2, 1]), "dil_axes"),
    ((4, 3), ct(2, 2, [2, 3], stride=1, output_padding=[0, 1], dilation=2), "op_lt_dilation"),
    ((1, 1), ct(3, 2, 2, stride=2), "in1x1"),
    ((3, 3), ct(2, 2, 1, stride=2, output_padding=1), "k1s2"),
    ((5, 2), ct(6, 2, [1, 3], stride=[1, 3], padding=[0, 1], groups=3, dilation=[1, 2]), "g3_axes"),
    ((2, 3, 2), ct(2, 2, 3, padding=1), "k3p1"),
    ((2, 2, 2), ct(2, 3, 2, stride=2), "k2s2"),
    ((2, 3, 2), ct(4, 1, [3, 2, 2], stride=[2, 1, 2], padding=[1, 0, 0], output_padding=[1, 0, 1], groups=2, dilation=[1, 2, 1]), "mixed"),
    ((2, 2, 3), ct(3, 1, 3, stride=2, padding=1, output_padding=1, groups=3), "depthwise"),
    ((1, 1, 1), ct(2, 2, 2, stride=3), "in1"),
    ((3, 2, 2), ct(2, 2, [1, 2, 3], stride=[1, 2, 1], dilation=[1, 1, 2], output_padding=[0, 1, 1]), "op_axes"),
]


def conv_transpose_cases(w):
    counter = 0
    for spatial, cfg, tag in CONV_T_CONFIGS:
        rank = len(spatial)
        for layout in (CF, CL):
            # Each config runs once per layout, with a bias in one of the two.
            with_bias = (layout == CL) == (counter % 4 < 2)
            n = (1, 2, 2, 1)[counter % 4]
            counter += 1
            kw = dict(cfg["kw"])
            # Mix scalar and per-dimension list spellings.
            if rank > 1 and counter % 3 == 0:
                for key in ("stride", "padding", "output_padding", "dilation"):
                    kw[key] = as_list(kw[key], rank)
            name = f"conv_transpose_{rank}d_{short(layout)}_{tag}{'_bias' if with_bias else ''}"
            rng = w.rng(name)
            k = as_list(cfg["k"], rank)
            cin, cout_g, groups = cfg["cin"], cfg["cout_g"], kw["groups"]
            x = torch.from_numpy(rng.uniform(-1, 1, (n, cin, *spatial)).astype(np.float32))
            weight = torch.from_numpy(rng.uniform(-1, 1, (cin, cout_g, *k)).astype(np.float32))
            bias = None
            if with_bias:
                bias = torch.from_numpy(rng.uniform(-1, 1, (cout_g * groups,)).astype(np.float32))
            fn = CONVT_FNS[rank]
            y = fn(in_memory_format(x, layout), weight, bias, **kw)
            y_cf = fn(x, weight, bias, **kw)
            assert torch.allclose(y, y_cf, atol=1e-5, rtol=1e-5), name
            tensors = {
                "input": physical(x, layout),
                "weight": weight.numpy().copy(),
                "output": physical(y, layout),
            }
            if bias is not None:
                tensors["bias"] = bias.numpy().copy()
            w.save("conv_transpose", name, tensors, dict(kw, layout=layout), CONV)


# --------------------------------------------------------------------------


def conv_transpose_special_cases(w):
    """conv_transpose on inputs holding NaN, +-inf and subnormals (weights
    and bias in [-1, 1]), both layouts."""
    for spatial, cfg, tag in [
        ((7,), ct(3, 2, 4, stride=2, padding=1), "k4s2p1"),
        ((5, 6), ct(4, 3, 3, stride=2, padding=1, output_padding=1), "k3s2p1op1"),
        ((6, 5), ct(3, 1, 4, stride=2, padding=1, groups=3), "depthwise"),
        ((3, 4, 3), ct(2, 2, 2, stride=2), "k2s2"),
        # Rows past two vectors of 16 lanes with few output channels: the
        # kernel with lanes over positions (src/conv_transpose/positions.rs).
        ((3, 40), ct(3, 3, 4, stride=2, padding=1), "rgb_wide"),
        ((3, 37), ct(16, 1, 4, stride=2, padding=1), "16to1_wide"),
        ((4, 33), ct(3, 1, 4, stride=2, padding=1, groups=3), "depthwise_wide"),
        ((41,), ct(2, 3, 5, stride=3, padding=1, dilation=2), "s3d2_wide"),
    ]:
        rank = len(spatial)
        for layout in (CF, CL):
            name = f"conv_transpose_special_{rank}d_{short(layout)}_{tag}"
            rng = w.rng(name)
            k = as_list(cfg["k"], rank)
            kw = dict(cfg["kw"])
            cin, cout_g, groups = cfg["cin"], cfg["cout_g"], kw["groups"]
            x = torch.from_numpy(special_input(rng, (2, cin, *spatial), huge=False))
            weight = torch.from_numpy(rng.uniform(-1, 1, (cin, cout_g, *k)).astype(np.float32))
            bias = torch.from_numpy(rng.uniform(-1, 1, (cout_g * groups,)).astype(np.float32))
            y = CONVT_FNS[rank](in_memory_format(x, layout), weight, bias, **kw)
            tensors = {"input": physical(x, layout), "weight": weight.numpy().copy(),
                       "bias": bias.numpy().copy(), "output": physical(y, layout)}
            w.save("conv_transpose", name, tensors, dict(kw, layout=layout), CONV)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        default=os.path.join(here, "..", "tests", "golden"),
        help="output folder (default: tests/golden)",
    )
    parser.add_argument("--seed", type=int, default=0, help="base seed (default: 0)")
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    out = os.path.normpath(args.out)
    for op in OPS:
        folder = os.path.join(out, op)
        if os.path.isdir(folder):
            for entry in os.listdir(folder):
                if entry.endswith(".safetensors"):
                    os.remove(os.path.join(folder, entry))

    w = Writer(out, args.seed)
    interpolate_cases(w)
    interpolate_corner_cases(w)
    interpolate_special_cases(w)
    interpolate_wide_cases(w)
    pixel_cases(w)
    max_pool_cases(w)
    max_unpool_cases(w)
    avg_unpool_cases(w)
    avg_unpool_special_cases(w)
    conv_transpose_cases(w)
    conv_transpose_special_cases(w)

    total = sum(w.counts.values())
    for op in OPS:
        print(f"{op}: {w.counts[op]} cases")
    print(f"{total} cases, {w.bytes / 1e6:.2f} MB in {out} (torch {torch.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
