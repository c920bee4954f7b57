#!/usr/bin/env python3
"""Generate the PyTorch autograd golden cases of the backward ops that
`tests/golden.rs` checks the crate against.

Usage
-----
    VENV/bin/python scripts/gen_golden_backward.py [--out DIR] [--seed N]

Beside `gen_golden.py`, whose case lists, layouts, writer and format it
reuses: for the forward calls of that script's cases, each case runs the
forward on PyTorch's CPU (one thread) with `requires_grad`, draws a random
output gradient (standard normal; NaN, +-inf, subnormals and values near
f32::MAX in the `special` cases) in the forward output's memory format, and
stores what `torch.autograd.grad` returns. Before writing it deletes the
`*.safetensors` files in the backward op folders (`DIR/<op>_backward/`).

Case format: as `gen_golden.py`'s, with `op` the forward op's name plus
`_backward` (`interpolate_backward`, `pixel_shuffle_backward`,
`pixel_unshuffle_backward`, `max_pool_backward`, `max_unpool_backward`,
`avg_unpool_backward`, `conv_transpose_backward`), `params` exactly as the
forward case's, and tensors in physical order: `grad_output` (the given
gradient) and `grad_input` (expected), plus `indices` (max_pool: the
forward's; max_unpool: its input), `input` and `weight` (conv_transpose), and
`grad_weight` and, where the forward has a bias, `grad_bias` (expected,
conv_transpose).

Tolerances: 0/0 for pixel (un)shuffle, max_pool and max_unpool (copies, and
max_pool's sums in ATen's output order); 1e-5/1e-5 for interpolate (nearest
modes included: their gradients are sums too) and avg_unpool; 1e-4/1e-4 for
conv_transpose as its forward. PyTorch sums each gradient element in its own
order (a scatter over the output); the crate gathers, so the sums differ by
rounding only. A missed or wrong tap moves an element by `|w * g|` with
`g ~ N(0, 1)`, above these bounds unless its weight is below about 1e-4.
The interpolate cases whose output gradient holds values near f32::MAX
take rtol = max(1e-5, 4 x PyTorch's own relative rounding of its elements
of 1e30 or more), measured against the float64 gradient (`rounding_of`):
sums of such terms partly cancel, and their last bits depend on the order
of the additions.
"""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

import gen_golden as fw
from gen_golden import CF, CL, CONV, EXACT, in_memory_format, physical, short, special_input

GRAD_SMOOTH = ("1e-5", "1e-5")
OPS = tuple(f"{op}_backward" for op in fw.OPS)


def grad_for(w, name, shape, special=False, huge=True):
    rng = w.rng(name + "/grad")
    if special:
        return torch.from_numpy(special_input(rng, shape, huge))
    return torch.from_numpy(rng.standard_normal(shape).astype(np.float32))


def interpolate_case(w, name, x, params, layout, special=False, huge=True, rounding=False):
    """One interpolate_backward case: `x` logical, `params` the F.interpolate
    kwargs; `rounding`: the tolerance of an output gradient near f32::MAX
    (`rounding_of`)."""
    xm = in_memory_format(x, layout).requires_grad_(True)
    y = F.interpolate(xm, **params)
    g = in_memory_format(grad_for(w, name, tuple(y.shape), special, huge), layout)
    (gi,) = torch.autograd.grad(y, xm, g)
    tol = GRAD_SMOOTH
    if rounding:
        tol = (GRAD_SMOOTH[0], f"{max(1e-5, 4 * rounding_of(params, xm, g, gi)):.3g}")
    w.save("interpolate_backward", name,
           {"grad_output": physical(g, layout), "grad_input": physical(gi, layout)},
           dict(params, layout=layout), tol)


def interpolate_cases(w):
    counter = 0
    for mode, ranks, acs, aas in fw.INTERP_MODES:
        for rank in ranks:
            for spatial, spec, tag in fw.INTERP_SPECS[rank]:
                for ac in acs:
                    for aa in aas:
                        layout = (CF, CL)[counter % 2]
                        n, c = fw.BATCH_CHANNELS[counter % len(fw.BATCH_CHANNELS)]
                        counter += 1
                        params = dict(mode=mode, size=spec.get("size"),
                                      scale_factor=spec.get("scale_factor"), align_corners=ac,
                                      recompute_scale_factor=spec.get("recompute_scale_factor"),
                                      antialias=aa)
                        name = f"{mode}_{rank}d_{short(layout)}_{tag}_ac{fw.slug(ac)}{'_aa' if aa else ''}"
                        x = torch.from_numpy(w.rng(name).standard_normal((n, c, *spatial)).astype(np.float32))
                        interpolate_case(w, name, x, params, layout)


def rounding_of(params, xm, g, gi):
    """PyTorch's own relative rounding in `gi`, the float32 gradient of a
    case whose output gradient holds values near f32::MAX: the largest
    relative distance from the float64 gradient over the elements of 1e30
    or more (both finite). Terms of 1e38 that partly cancel leave a sum
    whose last bits depend on the order of the additions, which differs
    between PyTorch's scatter and the crate's gather by this much; a wrong
    or missing tap moves an element by a whole term, far more, and the
    elements of ordinary size keep the bound of the other cases."""
    x64 = xm.detach().double().requires_grad_(True)
    (gi64,) = torch.autograd.grad(F.interpolate(x64, **params), x64, g.double())
    big = torch.isfinite(gi) & torch.isfinite(gi64) & (gi64.abs() >= 1e30)
    if not big.any():
        return 0.0
    return float(((gi.double() - gi64)[big] / gi64[big]).abs().max())


def interpolate_more_cases(w):
    """gen_golden.py's special-value cases (the special values in the output
    gradient), and its rows thousands wide (one layout each, alternating)."""
    for mode, shape, spec, ac, aa, tag in fw.SPECIAL_INTERP:
        for huge in (False, True):
            for layout in (CF, CL):
                params = dict(mode=mode, size=spec.get("size"), scale_factor=spec.get("scale_factor"),
                              align_corners=ac, recompute_scale_factor=None, antialias=aa)
                name = f"special_{mode}_{tag}{'_huge' if huge else ''}_{short(layout)}"
                x = torch.from_numpy(w.rng(name).standard_normal(shape).astype(np.float32))
                interpolate_case(w, name, x, params, layout, special=True, huge=huge, rounding=huge)
    for k, (mode, shape, spec, ac, aa, tag) in enumerate(fw.WIDE_INTERP):
        layout = (CF, CL)[k % 2]
        params = dict(mode=mode, size=spec.get("size"), scale_factor=spec.get("scale_factor"),
                      align_corners=ac, recompute_scale_factor=spec.get("recompute_scale_factor"),
                      antialias=aa)
        name = f"wide_{mode}_{tag}_{short(layout)}"
        x = torch.from_numpy(w.rng(name).uniform(0.0, 1.0, shape).astype(np.float32))
        interpolate_case(w, name, x, params, layout)


def interpolate_channel_cases(w):
    """Channels-last calls of many channels, where the crate scatters as
    PyTorch does (1-d and area calls of 16 channels or more, any call of
    256 or more), a vector tail in every count; every other one with NaN,
    +-inf and subnormals in the output gradient, and three with values near
    f32::MAX as well."""
    cases = [
        # (mode, shape, spec, align_corners, antialias, tag)
        ("linear", (2, 19, 37), dict(scale_factor=2.0), False, False, "x2"),
        ("linear", (1, 33, 50), dict(size=31), True, False, "to31"),
        ("nearest", (2, 19, 37), dict(scale_factor=2.0), None, False, "x2"),
        ("nearest-exact", (1, 17, 40), dict(size=61), None, False, "to61"),
        ("area", (1, 19, 41), dict(size=12), None, False, "to12"),
        ("area", (2, 17, 9, 11), dict(size=(4, 5)), None, False, "to4x5"),
        ("area", (1, 16, 5, 6, 7), dict(size=(2, 3, 3)), None, False, "to2x3x3"),
        ("bilinear", (1, 259, 4, 5), dict(scale_factor=2.0), False, False, "x2"),
        ("bilinear", (1, 256, 5, 4), dict(size=(7, 9)), True, False, "to7x9"),
        ("bicubic", (1, 259, 4, 5), dict(scale_factor=1.7), False, False, "x1.7"),
        ("nearest", (1, 256, 4, 5), dict(scale_factor=2.0), None, False, "x2"),
        ("trilinear", (1, 259, 3, 3, 4), dict(scale_factor=2.0), False, False, "x2"),
        ("bilinear", (1, 259, 8, 9), dict(scale_factor=0.5), False, True, "x0.5"),
        ("bicubic", (1, 256, 9, 8), dict(size=(4, 3)), False, True, "to4x3"),
        ("area", (1, 259, 8, 9), dict(size=(3, 4)), None, False, "to3x4"),
    ]
    for k, (mode, shape, spec, ac, aa, tag) in enumerate(cases):
        params = dict(mode=mode, size=spec.get("size"), scale_factor=spec.get("scale_factor"),
                      align_corners=ac, recompute_scale_factor=None, antialias=aa)
        name = f"channels_{mode}_{len(shape) - 2}d_c{shape[1]}_{tag}_{short(CL)}"
        x = torch.from_numpy(w.rng(name).standard_normal(shape).astype(np.float32))
        interpolate_case(w, name, x, params, CL, special=(k % 2 == 1), huge=False)
    # Values near f32::MAX among the special ones, on a call of each kind
    # that scatters (1-d, area, 256+ channels).
    for mode, shape, spec, ac, aa, tag in [cases[0], cases[5], cases[7]]:
        params = dict(mode=mode, size=spec.get("size"), scale_factor=spec.get("scale_factor"),
                      align_corners=ac, recompute_scale_factor=None, antialias=aa)
        name = f"channels_{mode}_{len(shape) - 2}d_c{shape[1]}_{tag}_huge_{short(CL)}"
        x = torch.from_numpy(w.rng(name).standard_normal(shape).astype(np.float32))
        interpolate_case(w, name, x, params, CL, special=True, huge=True, rounding=True)


def pixel_cases(w):
    shapes = [(1, 1, 1, 1), (2, 2, 3, 4), (1, 3, 2, 5)]
    for r in (1, 2, 3):
        for n, c, h, wd in shapes:
            for layout in (CF, CL):
                for op, shape, fn, key in [
                    ("pixel_shuffle", (n, c * r * r, h, wd), F.pixel_shuffle, "upscale_factor"),
                    ("pixel_unshuffle", (n, c, h * r, wd * r), F.pixel_unshuffle, "downscale_factor"),
                ]:
                    name = f"{op}_r{r}_{short(layout)}_n{n}c{c}h{h}w{wd}"
                    x = torch.from_numpy(w.rng(name).standard_normal(shape).astype(np.float32))
                    xm = in_memory_format(x, layout).requires_grad_(True)
                    y = fn(xm, r)
                    g = in_memory_format(grad_for(w, name, tuple(y.shape), special=(c == 3)), layout)
                    (gi,) = torch.autograd.grad(y, xm, g)
                    w.save(f"{op}_backward", name,
                           {"grad_output": physical(g, layout), "grad_input": physical(gi, layout)},
                           {key: r, "layout": layout}, EXACT)


def max_pool_cases(w):
    kinds = ["randn", "ties", "special"]
    counter = 0
    for spatial, kw, tag in fw.MAX_POOL_CONFIGS:
        rank = len(spatial)
        for kind in kinds:
            layout = (CF, CL)[counter % 2]
            n, c = fw.BATCH_CHANNELS[counter % len(fw.BATCH_CHANNELS)]
            counter += 1
            name = f"max_pool_{rank}d_{short(layout)}_{tag}_{kind}"
            shape = (n, c, *spatial)
            x = torch.from_numpy(fw.pool_input(w.rng(name), shape, kind))
            xm = in_memory_format(x, layout).requires_grad_(True)
            y, idx = fw.POOL_FNS[rank](xm, return_indices=True, **kw)
            g = in_memory_format(grad_for(w, name, tuple(y.shape), special=(kind == "special")), layout)
            (gi,) = torch.autograd.grad(y, xm, g)
            w.save("max_pool_backward", name,
                   {"grad_output": physical(g, layout), "indices": physical(idx, layout),
                    "grad_input": physical(gi, layout)},
                   dict(kw, layout=layout), EXACT)


def unpool_cases(w):
    counter = 0
    for pooled_from, pkw, tag in [
        ((8,), dict(kernel_size=2), "k2"),
        ((7,), dict(kernel_size=3, stride=2, padding=1), "k3s2p1"),
        ((6,), dict(kernel_size=3, stride=1, padding=1), "k3s1p1_overlap"),
        ((4, 6), dict(kernel_size=2), "k2"),
        ((6, 6), dict(kernel_size=3, stride=2, padding=1), "k3s2p1"),
        ((6, 5), dict(kernel_size=[2, 3], stride=[2, 1], padding=[1, 1]), "axes"),
        ((4, 4, 4), dict(kernel_size=2), "k2"),
        ((4, 6, 4), dict(kernel_size=3, stride=2, padding=1), "k3s2p1"),
    ]:
        rank = len(pooled_from)
        for layout in (CF, CL):
            n, c = fw.BATCH_CHANNELS[counter % len(fw.BATCH_CHANNELS)]
            counter += 1
            name = f"max_unpool_{rank}d_{short(layout)}_{tag}"
            rng = w.rng(name)
            src = torch.from_numpy(rng.standard_normal((n, c, *pooled_from)).astype(np.float32))
            pool_args = dict(kernel_size=pkw["kernel_size"], stride=pkw.get("stride"),
                             padding=pkw.get("padding", 0))
            x, idx = fw.POOL_FNS[rank](src, return_indices=True, **pool_args)
            kw = fw.unpool_kw(**pool_args)
            default, _, _, _ = fw.unpool_default(list(x.shape[2:]), kw)
            if default != list(pooled_from):
                kw["output_size"] = list(pooled_from)
            xm = in_memory_format(x.detach(), layout).requires_grad_(True)
            y = fw.UNPOOL_FNS[rank](xm, in_memory_format(idx, layout), **kw)
            g = in_memory_format(grad_for(w, name, tuple(y.shape), special=(counter % 3 == 0)), layout)
            (gi,) = torch.autograd.grad(y, xm, g)
            w.save("max_unpool_backward", name,
                   {"grad_output": physical(g, layout), "indices": physical(idx, layout),
                    "grad_input": physical(gi, layout)},
                   dict(kw, layout=layout), EXACT)
    # Random indices with duplicates: each reads the same gradient.
    for in_spatial, kw, tag in [((6,), fw.unpool_kw(2), "k2"), ((3, 4), fw.unpool_kw(2), "k2"),
                                ((2, 5), fw.unpool_kw(3, stride=2, padding=1), "k3s2p1")]:
        rank = len(in_spatial)
        for layout in (CF, CL):
            name = f"max_unpool_{rank}d_{short(layout)}_random_{tag}"
            rng = w.rng(name)
            default, _, _, _ = fw.unpool_default(list(in_spatial), kw)
            plane = int(np.prod(default))
            shape = (2, 3, *in_spatial)
            x = torch.from_numpy(rng.standard_normal(shape).astype(np.float32))
            idx = torch.from_numpy(rng.choice(min(plane, 4), size=shape).astype(np.int64))
            xm = in_memory_format(x, layout).requires_grad_(True)
            y = fw.UNPOOL_FNS[rank](xm, in_memory_format(idx, layout), **kw)
            g = in_memory_format(grad_for(w, name, tuple(y.shape)), layout)
            (gi,) = torch.autograd.grad(y, xm, g)
            w.save("max_unpool_backward", name,
                   {"grad_output": physical(g, layout), "indices": physical(idx, layout),
                    "grad_input": physical(gi, layout)},
                   dict(kw, layout=layout), EXACT)
    counter = 0
    for in_spatial, kw, tag in fw.AVG_UNPOOL_CONFIGS:
        rank = len(in_spatial)
        layout = (CF, CL)[counter % 2]
        n, c = fw.BATCH_CHANNELS[counter % len(fw.BATCH_CHANNELS)]
        counter += 1
        kw = dict(kw)
        if kw["output_size"] is not None and len(kw["output_size"]) == rank + 2:
            kw["output_size"] = [n, c, *kw["output_size"][2:]]
        name = f"avg_unpool_{rank}d_{short(layout)}_{tag}"
        x = torch.from_numpy(w.rng(name).standard_normal((n, c, *in_spatial)).astype(np.float32))
        x.requires_grad_(True)
        y = fw.avg_unpool_torch(x, kw)
        g = grad_for(w, name, tuple(y.shape), special=(counter % 4 == 0), huge=False)
        (gi,) = torch.autograd.grad(y, x, g)
        w.save("avg_unpool_backward", name,
               {"grad_output": physical(g, layout), "grad_input": physical(gi, layout)},
               dict(kw, layout=layout), GRAD_SMOOTH)


def conv_transpose_cases(w):
    counter = 0
    for spatial, cfg, tag in fw.CONV_T_CONFIGS:
        rank = len(spatial)
        for layout in (CF, CL):
            with_bias = (layout == CL) == (counter % 4 < 2)
            n = (1, 2, 2, 1)[counter % 4]
            counter += 1
            kw = dict(cfg["kw"])
            if rank > 1 and counter % 3 == 0:
                for key in ("stride", "padding", "output_padding", "dilation"):
                    kw[key] = fw.as_list(kw[key], rank)
            name = f"conv_transpose_{rank}d_{short(layout)}_{tag}{'_bias' if with_bias else ''}"
            rng = w.rng(name)
            k = fw.as_list(cfg["k"], rank)
            cin, cout_g, groups = cfg["cin"], cfg["cout_g"], kw["groups"]
            x = torch.from_numpy(rng.uniform(-1, 1, (n, cin, *spatial)).astype(np.float32))
            weight = torch.from_numpy(rng.uniform(-1, 1, (cin, cout_g, *k)).astype(np.float32))
            weight.requires_grad_(True)
            bias = None
            if with_bias:
                bias = torch.from_numpy(rng.uniform(-1, 1, (cout_g * groups,)).astype(np.float32))
                bias.requires_grad_(True)
            xm = in_memory_format(x, layout).requires_grad_(True)
            y = fw.CONVT_FNS[rank](xm, weight, bias, **kw)
            g = in_memory_format(
                torch.from_numpy(w.rng(name + "/grad").uniform(-1, 1, tuple(y.shape)).astype(np.float32)),
                layout)
            wrt = [xm, weight] + ([bias] if bias is not None else [])
            grads = torch.autograd.grad(y, wrt, g)
            tensors = {"grad_output": physical(g, layout), "input": physical(x, layout),
                       "weight": weight.detach().numpy().copy(),
                       "grad_input": physical(grads[0], layout),
                       "grad_weight": grads[1].numpy().copy()}
            if bias is not None:
                tensors["grad_bias"] = grads[2].numpy().copy()
            w.save("conv_transpose_backward", name, tensors, dict(kw, layout=layout), CONV)


def conv_transpose_special_cases(w):
    """gen_golden.py's special-value geometries: NaN, +-inf and subnormals in
    the input and the output gradient (weights and bias in [-1, 1])."""
    for spatial, cfg, tag in [
        ((7,), fw.ct(3, 2, 4, stride=2, padding=1), "k4s2p1"),
        ((5, 6), fw.ct(4, 3, 3, stride=2, padding=1, output_padding=1), "k3s2p1op1"),
        ((6, 5), fw.ct(3, 1, 4, stride=2, padding=1, groups=3), "depthwise"),
        ((3, 4, 3), fw.ct(2, 2, 2, stride=2), "k2s2"),
    ]:
        rank = len(spatial)
        for layout in (CF, CL):
            name = f"conv_transpose_special_{rank}d_{short(layout)}_{tag}"
            rng = w.rng(name)
            k = fw.as_list(cfg["k"], rank)
            kw = dict(cfg["kw"])
            cin, cout_g, groups = cfg["cin"], cfg["cout_g"], kw["groups"]
            x = torch.from_numpy(special_input(rng, (2, cin, *spatial), huge=False))
            weight = torch.from_numpy(rng.uniform(-1, 1, (cin, cout_g, *k)).astype(np.float32))
            bias = torch.from_numpy(rng.uniform(-1, 1, (cout_g * groups,)).astype(np.float32))
            weight.requires_grad_(True)
            bias.requires_grad_(True)
            xm = in_memory_format(x, layout).requires_grad_(True)
            y = fw.CONVT_FNS[rank](xm, weight, bias, **kw)
            g = in_memory_format(grad_for(w, name, tuple(y.shape), special=True, huge=False), layout)
            gi, gw, gb = torch.autograd.grad(y, [xm, weight, bias], g)
            w.save("conv_transpose_backward", name,
                   {"grad_output": physical(g, layout), "input": physical(x, layout),
                    "weight": weight.detach().numpy().copy(), "grad_input": physical(gi, layout),
                    "grad_weight": gw.numpy().copy(), "grad_bias": gb.numpy().copy()},
                   dict(kw, layout=layout), CONV)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(here, "..", "tests", "golden"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    out = os.path.normpath(args.out)
    fw.OPS = OPS  # the writer accepts these ops
    for op in OPS:
        folder = os.path.join(out, op)
        if os.path.isdir(folder):
            for entry in os.listdir(folder):
                if entry.endswith(".safetensors"):
                    os.remove(os.path.join(folder, entry))
    w = fw.Writer(out, args.seed)
    interpolate_cases(w)
    interpolate_more_cases(w)
    interpolate_channel_cases(w)
    pixel_cases(w)
    max_pool_cases(w)
    unpool_cases(w)
    conv_transpose_cases(w)
    conv_transpose_special_cases(w)
    for op in OPS:
        print(f"{op}: {w.counts[op]} cases")
    total = sum(w.counts.values())
    print(f"{total} cases, {w.bytes / 1e6:.2f} MB in {out} (torch {torch.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
