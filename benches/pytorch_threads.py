"""Times benches/threads.rs's cases in PyTorch with 1 and 2 threads.

    /work/venv/bin/python benches/pytorch_threads.py [FILTER]

Per case, in alternating rounds: the op with torch.set_num_threads(1) and
with set_num_threads(2), and a memcpy (`dst.copy_(src)`) of the same bytes
(max(input, output)) with each; prints the medians in ms and the speed-ups.
"""
import statistics
import sys
import time

import torch
import torch.nn.functional as F

ROUNDS = 7


def ms(fn, min_seconds=0.05):
    fn()
    n, start = 0, time.perf_counter()
    while n < 2 or time.perf_counter() - start < min_seconds:
        fn()
        n += 1
    return (time.perf_counter() - start) / n * 1e3


def layout(x, tag):
    if tag == "cf":
        return x.contiguous()
    fmt = torch.channels_last if x.dim() == 4 else torch.channels_last_3d
    return x.contiguous(memory_format=fmt)


def cases():
    big, cube, small = (1, 64, 128, 128), (1, 16, 32, 32, 32), (1, 16, 32, 32)
    interp = [
        ("nearest_x2", "nearest", big, 2.0, None, False),
        ("nearest-exact_x2", "nearest-exact", big, 2.0, None, False),
        ("bilinear_x2", "bilinear", big, 2.0, False, False),
        ("bilinear_x2_ac", "bilinear", big, 2.0, True, False),
        ("bicubic_x2", "bicubic", big, 2.0, False, False),
        ("bilinear_x1.7", "bilinear", big, 1.7, False, False),
        ("bilinear_aa_x0.5", "bilinear", big, 0.5, False, True),
        ("bicubic_aa_x0.5", "bicubic", big, 0.5, False, True),
        ("lanczos_x0.5", "lanczos", big, 0.5, None, True),
        ("trilinear_x2", "trilinear", cube, 2.0, False, False),
        ("small_nearest_x2", "nearest", small, 2.0, None, False),
        ("small_bilinear_x2", "bilinear", small, 2.0, False, False),
    ]
    for name, mode, shape, sf, ac, aa in interp:
        for tag in ("cf", "cl"):
            x = layout(torch.rand(shape), tag)
            kw = dict(scale_factor=sf, mode=mode, antialias=aa)
            if ac is not None:
                kw["align_corners"] = ac
            out = F.interpolate(x, **kw)
            yield f"{name}_{tag}", (lambda x=x, kw=kw: F.interpolate(x, **kw)), max(x.numel(), out.numel())
    for tag in ("cf", "cl"):
        x = layout(torch.rand(1, 256, 128, 128), tag)
        yield f"pixel_shuffle_x2_1x256x128x128_{tag}", (lambda x=x: F.pixel_shuffle(x, 2)), x.numel()
        full = layout(torch.rand(1, 64, 256, 256), tag)
        yield f"max_pool_2x2s2_1x64x256x256_{tag}", (lambda x=full: F.max_pool2d(x, 2, return_indices=True)), full.numel()
        pooled, idx = F.max_pool2d(full, 2, return_indices=True)
        yield (
            f"max_unpool_2x2s2_to_1x64x256x256_{tag}",
            (lambda p=pooled, i=idx: F.max_unpool2d(p, i, 2, output_size=(256, 256))),
            full.numel(),
        )
    conv = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
    for name, shape, wshape, stride, padding, output_padding, groups in [
        ("2d_k4s2p1_64to32_128", (1, 64, 128, 128), (64, 32, 4, 4), 2, 1, 0, 1),
        ("2d_unet_k2s2_256to128_32", (1, 256, 32, 32), (256, 128, 2, 2), 2, 0, 0, 1),
        ("2d_k3s2p1op1_128to64_64", (1, 128, 64, 64), (128, 64, 3, 3), 2, 1, 1, 1),
        ("2d_firmware_k4s2p1_16to8_32", (1, 16, 32, 32), (16, 8, 4, 4), 2, 1, 0, 1),
        ("2d_depthwise64_k4s2p1_128", (1, 64, 128, 128), (64, 1, 4, 4), 2, 1, 0, 64),
        ("1d_vocoder_k16s8p4_512to256_256", (1, 512, 256), (512, 256, 16), 8, 4, 0, 1),
        ("3d_k2s2_64to32_16", (1, 64, 16, 16, 16), (64, 32, 2, 2, 2), 2, 0, 0, 1),
        ("2d_k4s2p1_64to32_128_n4", (4, 64, 64, 64), (64, 32, 4, 4), 2, 1, 0, 1),
    ]:
        for tag in ("cf", "cl"):
            if len(shape) == 3 and tag == "cl":
                # (N, L, C) memory, as the crate's channels-last 1-d.
                x = torch.rand(shape[0], shape[2], shape[1]).transpose(1, 2)
            else:
                x = layout(torch.rand(shape), tag)
            w, f = torch.rand(wshape), conv[len(shape) - 2]
            kw = dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups)
            out = f(x, w, **kw)
            yield (
                f"conv_transpose_{name}_{tag}",
                (lambda x=x, w=w, f=f, kw=kw: f(x, w, **kw)),
                max(x.numel(), out.numel()),
            )


def main():
    flt = sys.argv[1] if len(sys.argv) > 1 else ""
    print(f"torch {torch.__version__}")
    for name, fn, n in cases():
        if flt not in name:
            continue
        src, dst = torch.rand(n), torch.empty(n)
        t = {1: [], 2: []}
        m = {1: [], 2: []}
        with torch.no_grad():
            for _ in range(ROUNDS):
                for threads in (1, 2):
                    torch.set_num_threads(threads)
                    t[threads].append(ms(fn))
                    m[threads].append(ms(lambda: dst.copy_(src)))
        a, b = statistics.median(t[1]), statistics.median(t[2])
        c, d = statistics.median(m[1]), statistics.median(m[2])
        print(f"{name:<44} 1t {a:8.3f} ms  2t {b:8.3f} ms  x{a / b:<5.2f}  memcpy 1t {c:7.3f} 2t {d:7.3f}  x{c / d:<5.2f}")


if __name__ == "__main__":
    main()
