"""Times the cases of benches/conv_transpose_backward.rs in PyTorch, single-threaded.

aten::convolution_backward for the transposed convolution, with output_mask
[True, False, False] (input gradient) and [False, True, False] (weight
gradient) timed apart. Prints the median ms and GFLOP/s per case, FLOPs =
2 * input elements * C_out/groups * kernel volume (as the Rust bench). Run
with /work/venv/bin/python (optionally under `taskset -c 1`).
"""
import sys

import torch

# The forward script's cases (those of benches/common/conv_cases.rs) and timer.
from pytorch_conv_transpose import CASES, bench

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
