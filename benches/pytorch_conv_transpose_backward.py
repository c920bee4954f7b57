"""Times the cases of benches/conv_transpose_backward.rs in PyTorch, single-threaded.

aten::convolution_backward for the transposed convolution, with output_mask
[True, False, False] (input gradient) and [False, True, False] (weight
gradient) timed apart. Prints the median ms and GFLOP/s per case, FLOPs =
2 * input elements * C_out/groups * kernel volume (as the Rust bench). Run
with /work/venv/bin/python (optionally under `taskset -c 1`).
"""
import statistics
import sys
import time

import torch

torch.set_num_threads(1)

CASES = [
    # name, input shape, weight shape, stride, padding, output_padding, groups
    ("2d_k4s2p1_64to32_128", (1, 64, 128, 128), (64, 32, 4, 4), 2, 1, 0, 1),
    ("2d_unet_k2s2_256to128_32", (1, 256, 32, 32), (256, 128, 2, 2), 2, 0, 0, 1),
    ("2d_k3s2p1op1_128to64_64", (1, 128, 64, 64), (128, 64, 3, 3), 2, 1, 1, 1),
    ("2d_firmware_k4s2p1_16to8_32", (1, 16, 32, 32), (16, 8, 4, 4), 2, 1, 0, 1),
    ("2d_depthwise64_k4s2p1_128", (1, 64, 128, 128), (64, 1, 4, 4), 2, 1, 0, 64),
    ("1d_vocoder_k16s8p4_512to256_256", (1, 512, 256), (512, 256, 16), 8, 4, 0, 1),
    ("3d_k2s2_64to32_16", (1, 64, 16, 16, 16), (64, 32, 2, 2, 2), 2, 0, 0, 1),
]


def bench(fn, min_time=1.0, min_runs=10):
    fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_runs or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    for name, shape, wshape, s, p, op, g in CASES:
        if only not in name:
            continue
        rank = len(shape) - 2
        x = torch.rand(shape) * 2 - 1
        w = torch.rand(wshape) * 2 - 1
        kvol = 1
        for k in wshape[2:]:
            kvol *= k
        flops = 2 * x.numel() * wshape[1] * kvol
        formats = [("cf", torch.contiguous_format)]
        if rank == 2:
            formats.append(("cl", torch.channels_last))
        elif rank == 3:
            formats.append(("cl", torch.channels_last_3d))
        for tag, fmt in formats:
            xf = x.contiguous(memory_format=fmt)
            wf = w.contiguous(memory_format=fmt)
            with torch.no_grad():
                y = torch.ops.aten.convolution(
                    xf, wf, None, [s] * rank, [p] * rank, [1] * rank, True, [op] * rank, g
                )
            gy = (torch.rand(y.shape) * 2 - 1).contiguous(memory_format=fmt)
            for which, mask in (("input", [True, False, False]), ("weight", [False, True, False])):
                def run():
                    torch.ops.aten.convolution_backward(
                        gy, xf, wf, None, [s] * rank, [p] * rank, [1] * rank, True,
                        [op] * rank, g, mask,
                    )
                t = bench(run)
                print(f"{name}_{tag}_{which:6} {flops / t / 1e9:8.2f} GFLOP/s  ({t * 1e3:.3f} ms)")


if __name__ == "__main__":
    main()
