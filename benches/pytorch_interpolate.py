"""Times benches/interpolate.rs's cases in PyTorch, one thread.

    /work/venv/bin/python benches/pytorch_interpolate.py

Per case: the median of F.interpolate, and in the same run the median of a
memcpy (`dst.copy_(src)`) of max(input, output) bytes; prints ms and the
ratio to that memcpy.
"""
import statistics
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)

BIG = (1, 64, 128, 128)
SMALL = (1, 16, 32, 32)
CUBE = (1, 16, 32, 32, 32)

CASES = [
    ("nearest_x2", "nearest", BIG, 2.0, None, False),
    ("nearest-exact_x2", "nearest-exact", BIG, 2.0, None, False),
    ("bilinear_x2", "bilinear", BIG, 2.0, False, False),
    ("bilinear_x2_ac", "bilinear", BIG, 2.0, True, False),
    ("bicubic_x2", "bicubic", BIG, 2.0, False, False),
    ("bilinear_x1.7", "bilinear", BIG, 1.7, False, False),
    ("bilinear_aa_x0.5", "bilinear", BIG, 0.5, False, True),
    ("bicubic_aa_x0.5", "bicubic", BIG, 0.5, False, True),
    ("lanczos_x0.5", "lanczos", BIG, 0.5, None, True),
    ("trilinear_x2", "trilinear", CUBE, 2.0, False, False),
    ("small_nearest_x2", "nearest", SMALL, 2.0, None, False),
    ("small_bilinear_x2", "bilinear", SMALL, 2.0, False, False),
]


def median_ms(fn, min_time=1.0, min_reps=20):
    fn()
    fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main():
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(f"{'case':<26}{'ms':>10}{'memcpy ms':>12}{'ratio':>8}")
    for name, mode, shape, scale, align_corners, antialias in CASES:
        for tag in ("cf", "cl"):
            x = torch.rand(shape)
            if tag == "cl":
                fmt = torch.channels_last if len(shape) == 4 else torch.channels_last_3d
                x = x.contiguous(memory_format=fmt)
            kwargs = dict(scale_factor=scale, mode=mode, antialias=antialias)
            if align_corners is not None:
                kwargs["align_corners"] = align_corners
            out = F.interpolate(x, **kwargs)
            n = max(x.numel(), out.numel())
            src, dst = torch.rand(n), torch.empty(n)
            t = median_ms(lambda: F.interpolate(x, **kwargs))
            m = median_ms(lambda: dst.copy_(src))
            print(f"{name + '_' + tag:<26}{t:>10.3f}{m:>12.3f}{t / m:>8.2f}")


if __name__ == "__main__":
    main()
