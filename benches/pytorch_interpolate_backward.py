"""Times benches/interpolate_backward.rs's cases in PyTorch, one thread.

    /work/venv/bin/python benches/pytorch_interpolate_backward.py

Per case: the median of the backward op alone
(`torch.ops.aten.upsample_bilinear2d_backward` and friends, called with the
forward's output and input sizes), and in the same run the median of a
memcpy (`dst.copy_(src)`) of max(grad_input, grad_output) bytes; prints ms
and the ratio to that memcpy. Channels-last cases pass a channels-last
grad_output (`.contiguous(memory_format=torch.channels_last)`).
"""
import torch

from timing import median_ms

torch.set_num_threads(1)
aten = torch.ops.aten

BIG = (1, 64, 128, 128)
CUBE = (1, 16, 32, 32, 32)

LINE = (2, 64, 4096)
DEEP = (1, 256, 64, 64)

# (name, op, forward input shape, scale, takes align_corners); area's op
# takes the forward's input instead of sizes. 1-d tensors have no
# channels-last format: their "cl" row times PyTorch's one layout.
CASES = [
    ("bilinear_x2", aten.upsample_bilinear2d_backward, BIG, 2.0, True),
    ("bicubic_x2", aten.upsample_bicubic2d_backward, BIG, 2.0, True),
    ("nearest_x2", aten.upsample_nearest2d_backward, BIG, 2.0, False),
    ("trilinear_x2", aten.upsample_trilinear3d_backward, CUBE, 2.0, True),
    ("bilinear_aa_x0.5", aten._upsample_bilinear2d_aa_backward, BIG, 0.5, True),
    ("linear_1d_x2", aten.upsample_linear1d_backward, LINE, 2.0, True),
    ("area_x0.5", aten._adaptive_avg_pool2d_backward, BIG, 0.5, False),
    ("bilinear_x2_c256", aten.upsample_bilinear2d_backward, DEEP, 2.0, True),
]


def main():
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(f"{'case':<28}{'ms':>10}{'memcpy ms':>12}{'ratio':>8}")
    for name, op, shape, scale, takes_align in CASES:
        spatial = len(shape) - 2
        out_size = [int(s * scale) for s in shape[2:]]
        scales = [scale] * spatial
        for tag in ("cf", "cl"):
            g = torch.rand(shape[:2] + tuple(out_size))
            fmt = None
            if tag == "cl" and spatial > 1:
                fmt = torch.channels_last if spatial == 2 else torch.channels_last_3d
                g = g.contiguous(memory_format=fmt)
            if op == aten._adaptive_avg_pool2d_backward:
                x = torch.rand(shape)
                args = [g, x if fmt is None else x.contiguous(memory_format=fmt)]
            else:
                args = [g, out_size, list(shape)]
                if takes_align:
                    args.append(False)
                args.extend(scales)
            fn = lambda: op(*args)
            n = max(g.numel(), torch.Size(shape).numel())
            src, dst = torch.rand(n), torch.empty(n)
            ms = median_ms(fn)
            copy_ms = median_ms(lambda: dst.copy_(src))
            print(f"{name + '_' + tag:<28}{ms:>10.3f}{copy_ms:>12.3f}{ms / copy_ms:>8.1f}")


if __name__ == "__main__":
    main()
