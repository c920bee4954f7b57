"""PyTorch on the cases of benches/copying.rs, single-threaded.

Times each case as the median of many runs, together with a memcpy
(`dst.copy_(src)`) of max(input, output) bytes in the same run, and prints a
table: case, PyTorch ms, memcpy ms, ratio to memcpy.

With `--criterion DIR` (criterion's output, e.g. target/criterion) it also
reads the medians criterion stored for the crate (`upsample`), its memcpy and
fill baselines, and prints them beside PyTorch's:

    RUSTFLAGS="-C target-cpu=native" cargo bench --manifest-path benches/Cargo.toml --bench copying
    /work/venv/bin/python benches/pytorch_copying.py --criterion target/criterion

PyTorch has no average unpooling: `kernel == stride` is timed as
`F.interpolate(mode="nearest")` (the same values), overlapping windows as the
golden cases build it (`conv_transpose` with a ones kernel, over the count).
"""

import argparse
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)


def median_ms(fn, min_runs=30, min_seconds=1.0):
    """Median wall time of `fn` in ms, after a warm-up."""
    for _ in range(5):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_runs or time.perf_counter() - start < min_seconds:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def layout(x, cl):
    return x.contiguous(memory_format=torch.channels_last) if cl else x.contiguous()


def dims(shape):
    return "x".join(str(d) for d in shape)


def cases():
    """(name, op, bytes of input, bytes of output) for every case."""
    out = []
    for cl in (False, True):
        tag = "cl" if cl else "cf"
        for big in (True, False):
            ps2 = (1, 256, 128, 128) if big else (1, 64, 32, 32)
            pu2 = (1, 64, 256, 256) if big else (1, 16, 64, 64)
            ps3 = (1, 576, 64, 64) if big else (1, 144, 22, 22)
            full = (1, 64, 256, 256) if big else (1, 16, 64, 64)

            x = layout(torch.randn(ps2), cl)
            out.append((f"pixel_shuffle_x2_{dims(ps2)}_{tag}", lambda x=x: F.pixel_shuffle(x, 2), x.nbytes, x.nbytes))
            x = layout(torch.randn(pu2), cl)
            out.append((f"pixel_unshuffle_x2_{dims(pu2)}_{tag}", lambda x=x: F.pixel_unshuffle(x, 2), x.nbytes, x.nbytes))
            x = layout(torch.randn(ps3), cl)
            out.append((f"pixel_shuffle_x3_{dims(ps3)}_{tag}", lambda x=x: F.pixel_shuffle(x, 3), x.nbytes, x.nbytes))

            x = layout(torch.randn(full), cl)
            pooled, idx = F.max_pool2d(x, 2, 2, return_indices=True)
            out.append((
                f"max_pool_2x2s2_{dims(full)}_{tag}",
                lambda x=x: F.max_pool2d(x, 2, 2, return_indices=True),
                x.nbytes,
                pooled.nbytes + idx.nbytes,
            ))
            out.append((
                f"max_unpool_2x2s2_{dims(full)}_{tag}",
                lambda p=pooled, i=idx, s=full: F.max_unpool2d(p, i, 2, 2, output_size=s[2:]),
                pooled.nbytes + idx.nbytes,
                x.nbytes,
            ))

            small = layout(torch.randn(pooled.shape), cl)
            out.append((
                f"avg_unpool_k2s2p0_{dims(full)}_{tag}",
                lambda v=small: F.interpolate(v, scale_factor=2, mode="nearest"),
                small.nbytes,
                x.nbytes,
            ))
            c = full[1]
            ones = torch.ones(c, 1, 3, 3)
            count = F.conv_transpose2d(torch.ones(1, 1, *small.shape[2:]), torch.ones(1, 1, 3, 3),
                                       stride=2, padding=1, output_padding=1)
            out.append((
                f"avg_unpool_k3s2p1_{dims(full)}_{tag}",
                lambda v=small, w=ones, n=count, c=c: F.conv_transpose2d(
                    v, w, stride=2, padding=1, output_padding=1, groups=c) / n,
                small.nbytes,
                x.nbytes,
            ))
    for cl in (False, True):
        tag = "cl" if cl else "cf"
        for full in ((1, 64, 128, 128), (1, 64, 256, 256)):
            x = layout(torch.randn(full), cl)
            pooled, idx = F.max_pool2d(x, 2, 2, return_indices=True)
            small = layout(torch.randn(pooled.shape), cl)
            large = layout(torch.randn(full), cl)
            name = f"{dims(full)}_{tag}"
            out.append((
                f"max_pool_backward_2x2s2_{name}",
                lambda g=small, x=x, i=idx: torch.ops.aten.max_pool2d_with_indices_backward(
                    g, x, [2, 2], [2, 2], [0, 0], [1, 1], False, i),
                3 * small.nbytes,
                x.nbytes,
            ))
            # max_unpool's derivative: a gather of the gradient at the indices.
            out.append((
                f"max_unpool_backward_2x2s2_{name}",
                lambda g=large, i=idx: g.flatten(2).gather(2, i.flatten(2)).view_as(i),
                large.nbytes,
                3 * small.nbytes,
            ))
            # avg_unpool k2s2 is nearest x2; k3s2p1 the conv_transpose construction,
            # whose input gradient is a convolution of the gradient over the count.
            out.append((
                f"avg_unpool_backward_k2s2p0_{name}",
                lambda g=large, s=pooled.shape: torch.ops.aten.upsample_nearest2d_backward(
                    g, list(g.shape[2:]), list(s), None, None),
                large.nbytes,
                small.nbytes,
            ))
            c = full[1]
            ones = torch.ones(c, 1, 3, 3)
            count = F.conv_transpose2d(torch.ones(1, 1, *pooled.shape[2:]), torch.ones(1, 1, 3, 3),
                                       stride=2, padding=1, output_padding=1)
            out.append((
                f"avg_unpool_backward_k3s2p1_{name}",
                lambda g=large, w=ones, n=count, c=c: F.conv2d(g / n, w, stride=2, padding=1, groups=c),
                large.nbytes,
                small.nbytes,
            ))
            out.append((
                f"pixel_shuffle_backward_x2_{name}",
                lambda g=large: F.pixel_unshuffle(g, 2),
                large.nbytes,
                large.nbytes,
            ))
    return out


def criterion_median(root, group, bench):
    path = os.path.join(root, group, bench, "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"] / 1e6
    except OSError:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--criterion", help="criterion's output directory, to print the crate beside PyTorch")
    parser.add_argument("--filter", help="only the cases whose name holds this")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    rows = []
    for name, fn, in_bytes, out_bytes in cases():
        if args.filter and args.filter not in name:
            continue
        n = max(in_bytes, out_bytes) // 4
        src, dst = torch.randn(n), torch.empty(n)
        torch_ms = median_ms(fn)
        memcpy_ms = median_ms(lambda: dst.copy_(src))
        rows.append((name, torch_ms, memcpy_ms))

    if not args.criterion:
        print(f"{'case':42} {'torch ms':>10} {'memcpy ms':>10} {'ratio':>7}")
        for name, t, m in rows:
            print(f"{name:42} {t:10.4f} {m:10.4f} {t / m:7.2f}")
        return

    header = (f"{'case':42} {'crate ms':>9} {'memcpy':>8} {'fill':>8} {'crate/mc':>8} {'fill/mc':>7}"
              f" | {'torch ms':>9} {'t.memcpy':>8} {'torch/mc':>8} {'torch/crate':>11}")
    print(header)
    print("-" * len(header))
    for name, t, tm in rows:
        u = criterion_median(args.criterion, name, "upsample")
        m = criterion_median(args.criterion, name, "memcpy")
        f = criterion_median(args.criterion, name, "fill")
        if None in (u, m, f):
            crate = f"{'-':>9} {'-':>8} {'-':>8} {'-':>8} {'-':>7}"
            speedup = "-"
        else:
            crate = f"{u:9.4f} {m:8.4f} {f:8.4f} {u / m:8.2f} {f / m:7.2f}"
            speedup = f"{t / u:.1f}x"
        print(f"{name:42} {crate} | {t:9.4f} {tm:8.4f} {t / tm:8.2f} {speedup:>11}")


if __name__ == "__main__":
    main()
