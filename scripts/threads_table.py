"""Merges benches/threads.rs and benches/pytorch_threads.py runs into one
markdown table: per case, the medians over the runs of each column.

    python3 scripts/threads_table.py UPSAMPLE_RUN... -- PYTORCH_RUN...
"""
import re
import statistics
import sys

LINE = re.compile(
    r"^(\S+)\s+1t\s+([\d.]+) ms\s+2t\s+([\d.]+) ms\s+x([\d.]+)\s+memcpy 1t\s+([\d.]+)\s+2t\s+([\d.]+)\s+x([\d.]+)"
)


def read(paths):
    rows = {}
    for path in paths:
        for line in open(path):
            m = LINE.match(line)
            if m:
                rows.setdefault(m.group(1), []).append([float(v) for v in m.groups()[1:]])
    return {k: [statistics.median(c) for c in zip(*v)] for k, v in rows.items()}


def main():
    args = sys.argv[1:]
    cut = args.index("--")
    ours, theirs = read(args[:cut]), read(args[cut + 1 :])
    print("| case | upsample 1t ms | 2t ms | 2t / 1t | memcpy 2t / 1t | PyTorch 2t ms | PyTorch 2t / 1t | upsample 2t faster than PyTorch 2t |")
    print("|---|---|---|---|---|---|---|---|")
    for case, (a, b, _, c, d, _) in ours.items():
        p = theirs.get(case)
        pt = f"{p[1]:.3f} | {p[0] / p[1]:.2f}" if p else "- | -"
        faster = f"{p[1] / b:.2f}x" if p else "-"
        print(f"| {case} | {a:.3f} | {b:.3f} | {a / b:.2f} | {c / d:.2f} | {pt} | {faster} |")


if __name__ == "__main__":
    main()
