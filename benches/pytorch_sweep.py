"""Times the cases of benches/sweep.rs in PyTorch, one thread.

    VENV/bin/python benches/pytorch_sweep.py [--cases LIST] [--json OUT] [FILTER...]

The cases come from `cargo bench --manifest-path benches/Cargo.toml --bench sweep -- --list` (one `id<TAB>JSON`
line per case): from the file `--cases LIST` (what scripts/sweep.sh writes),
or else by running that command. Each case runs as a PyTorch user would run
it: the same logical shapes, channels-last through
`.contiguous(memory_format=torch.channels_last / channels_last_3d)` (for 1-d,
an `(N, L, C)` buffer viewed as `(N, C, L)`), `torch.inference_mode()`.

Timing is the Rust bench's: a warm-up call, then calls until `--time`
seconds (0.2) or `--reps` calls (1000), at least 3 unless the warm-up took
over a quarter of the budget, the warm-up alone when it took over the whole
budget; the median per call in ns, beside the median of a `dst.copy_(src)`
of max(input, output) bytes (half the budget).

How each op is called (as benches/pytorch_copying.py does):
- `max_unpool`: `F.max_unpoolNd` on the values and indices of
  `F.max_poolNd(return_indices=True)` of a random tensor of the full size;
- `avg_unpool` (no PyTorch op): `F.interpolate(mode="nearest")` when the
  kernel equals the stride with no padding and the output is the input times
  the kernel; otherwise `F.conv_transposeNd` with a ones kernel (groups = C,
  the pooling's stride and padding, `output_padding` to grow to the output
  size, a crop to shrink) over the count of covering windows;
- `conv_transpose`: `F.conv_transposeNd` with random weights and bias (the
  weight in the input's memory format).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_cases(path, filters):
    if path:
        with open(path) as f:
            text = f.read()
    else:
        text = subprocess.run(
            ["cargo", "bench", "--manifest-path", "benches/Cargo.toml", "--bench", "sweep", "--", "--list"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout
    cases = []
    for line in text.splitlines():
        if "\t" not in line:
            continue
        case_id, desc = line.split("\t", 1)
        if filters and not any(f in case_id for f in filters):
            continue
        cases.append(json.loads(desc))
    return cases


def in_layout(x, layout):
    """The logical tensor `x` stored in `layout` (as scripts/gen_golden.py)."""
    if layout == "cf":
        return x.contiguous()
    if x.dim() == 4:
        return x.contiguous(memory_format=torch.channels_last)
    if x.dim() == 5:
        return x.contiguous(memory_format=torch.channels_last_3d)
    return x.permute(0, 2, 1).contiguous().permute(0, 2, 1)


def median_ns(fn, budget, max_calls):
    """The Rust bench's `time`: median ns per call and the number of calls."""
    t = time.perf_counter_ns()
    fn()
    warm = time.perf_counter_ns() - t
    if warm > budget * 1e9:
        return float(warm), 1
    min_calls = min(1 if warm * 4 > budget * 1e9 else 3, max(max_calls, 1))
    times = []
    start = time.perf_counter_ns()
    end = start + budget * 1e9
    while len(times) < min_calls or (len(times) < max_calls and time.perf_counter_ns() < end):
        t = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - t)
    return float(statistics.median(times)), len(times)


def one(v):
    """A per-axis list of one value as PyTorch's scalar, else a tuple."""
    return v[0] if len(v) == 1 else tuple(v)


def make(case, gen):
    """A closure running the case in PyTorch."""
    op, layout = case["op"], case["layout"]
    shape = case["shape"]
    rank = len(shape) - 2

    def rand(s):
        return torch.rand(s, generator=gen) * 2 - 1

    if op == "interpolate":
        x = in_layout(rand(shape), layout)
        kwargs = {"mode": case["mode"]}
        if case["size"] is not None:
            kwargs["size"] = one(case["size"])
        else:
            kwargs["scale_factor"] = one(case["scale_factor"])
        if case["align_corners"] is not None:
            kwargs["align_corners"] = case["align_corners"]
        if case["antialias"]:
            kwargs["antialias"] = True
        return lambda: F.interpolate(x, **kwargs)
    if op == "pixel_shuffle":
        x, r = in_layout(rand(shape), layout), case["factor"]
        return lambda: F.pixel_shuffle(x, r)
    if op == "pixel_unshuffle":
        x, r = in_layout(rand(shape), layout), case["factor"]
        return lambda: F.pixel_unshuffle(x, r)

    if op == "conv_transpose":
        x = in_layout(rand(shape), layout)
        w = rand(case["weight_shape"])
        if rank > 1:
            w = in_layout(w, layout)
        b = rand([case["out_shape"][1]])
        conv = getattr(F, f"conv_transpose{rank}d")
        kw = dict(stride=case["stride"], padding=case["padding"],
                  output_padding=case["output_padding"], groups=case["groups"])
        return lambda: conv(x, w, b, **kw)

    k, s, p = case["kernel_size"][0], case["stride"][0], case["padding"][0]
    pool = getattr(F, f"max_pool{rank}d")
    if op == "max_pool":
        x = in_layout(rand(shape), layout)
        return lambda: pool(x, k, s, p, return_indices=True)
    if op == "max_unpool":
        full = shape[:2] + case["output_size"]
        source = in_layout(rand(full), layout)
        values, indices = pool(source, k, s, p, return_indices=True)
        assert list(values.shape) == shape, (values.shape, shape)
        unpool = getattr(F, f"max_unpool{rank}d")
        size = case["output_size"]
        return lambda: unpool(values, indices, k, s, p, output_size=size)
    if op == "avg_unpool":
        x = in_layout(rand(shape), layout)
        size = case["output_size"]
        if k == s and p == 0 and all(o == i * k for i, o in zip(shape[2:], size)):
            return lambda: F.interpolate(x, scale_factor=k, mode="nearest")
        conv = getattr(F, f"conv_transpose{rank}d")
        default = [(i - 1) * s - 2 * p + k for i in shape[2:]]
        output_padding = tuple(max(o - d, 0) for o, d in zip(size, default))
        crop = (slice(None), slice(None)) + tuple(slice(0, o) for o in size)
        c = shape[1]
        ones = torch.ones([c, 1] + [k] * rank)
        if rank > 1:
            ones = in_layout(ones, layout)
        count = conv(torch.ones([1, 1] + shape[2:]), torch.ones([1, 1] + [k] * rank),
                     stride=s, padding=p, output_padding=output_padding)[crop].clamp(min=1)
        return lambda: conv(x, ones, stride=s, padding=p, output_padding=output_padding,
                            groups=c)[crop] / count
    raise ValueError(f"unknown op {op!r} in {case['id']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("filters", nargs="*", help="run the ids containing any of these")
    parser.add_argument("--cases", help="the output of `cargo bench --manifest-path benches/Cargo.toml --bench sweep -- --list`")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--reps", type=int, default=1000, help="at most this many calls a case")
    parser.add_argument("--time", type=float, default=0.2, help="seconds a case (0.2)")
    args = parser.parse_args()

    cases = load_cases(args.cases, args.filters)
    print(f"pytorch_sweep: {len(cases)} cases, torch {torch.__version__}, "
          f"threads {torch.get_num_threads()}, at most {args.reps} calls or {args.time} s a case",
          file=sys.stderr)
    gen = torch.Generator().manual_seed(0)
    results = []
    started = time.perf_counter()
    with torch.inference_mode():
        for case in cases:
            fn = make(case, gen)
            out = fn()
            got = list((out[0] if isinstance(out, tuple) else out).shape)
            assert got == case["out_shape"], (case["id"], got, case["out_shape"])
            del out
            ns, calls = median_ns(fn, args.time, args.reps)
            n = (max(case["in_bytes"], case["out_bytes"]) + 3) // 4
            src, dst = torch.rand(n, generator=gen), torch.zeros(n)
            memcpy_ns, memcpy_calls = median_ns(lambda: dst.copy_(src), args.time / 2, args.reps)
            del src, dst, fn
            print(f"{case['id']:<62} {ns / 1e6:10.3f} ms  memcpy {memcpy_ns / 1e6:8.3f} ms"
                  f" ({ns / memcpy_ns:5.2f}x)", flush=True)
            results.append({
                "id": case["id"], "family": case["family"], "ns": ns, "calls": calls,
                "memcpy_ns": memcpy_ns, "memcpy_calls": memcpy_calls,
                "in_bytes": case["in_bytes"], "out_bytes": case["out_bytes"],
            })
    print(f"pytorch_sweep: {len(results)} cases in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    if args.json:
        doc = {"torch": torch.__version__, "threads": torch.get_num_threads(),
               "reps": args.reps, "time_s": args.time, "results": results}
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
