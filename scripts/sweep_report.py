"""The outliers of a shape sweep (scripts/sweep.sh OUT).

    python3 scripts/sweep_report.py OUT [--pytorch-margin 1.0] [--isa-margin 1.1]

Reads OUT/{sse2,avx2,native,reference,pytorch}.json (any may be missing) and
prints only what needs looking at:

  (a) cases slower than PyTorch, per build (SSE2, AVX2, native): time /
      PyTorch's time above --pytorch-margin (1.0);
  (b) cases where the AVX2 or the native build is more than 10% slower than
      the SSE2 build (--isa-margin 1.1): a wider vector that loses;
  (c) cases where the SSE2 build is slower than the scalar reference
      (timed in the same run);
  (d) the geometric mean of the speed-up over PyTorch (PyTorch's time / the
      build's) per build, over all cases and per op family, with the
      number of cases.

Each outlier line: the id, the times, the ratio; worst first. In (a) and
(b) a last column, "per memcpy", is the same ratio with each time first
divided by the memcpy of the same bytes timed beside it in its own run:
where the ratio is large but this is near 1, the host was slower during
one run (noise), not the code. Also writes
OUT/report.md (the same as markdown tables) and OUT/all.csv (every case,
every column: times in ns, each run's memcpy, the ratios) for
benches/record/. Times are single medians on a shared machine: a ratio
within a few percent of a margin is noise until a second run repeats it.
Standard library only.
"""

import argparse
import csv
import json
import math
import os
import sys

BUILDS = ("sse2", "avx2", "native")
RUNS = BUILDS + ("reference", "pytorch")
LABEL = {"sse2": "SSE2", "avx2": "AVX2", "native": "native", "reference": "reference",
         "pytorch": "PyTorch"}


def load(out):
    runs, meta = {}, {}
    for name in RUNS:
        path = os.path.join(out, f"{name}.json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            doc = json.load(f)
        runs[name] = {r["id"]: r for r in doc["results"]}
        meta[name] = {k: v for k, v in doc.items() if k != "results"}
    return runs, meta


def fmt(ns):
    if ns is None:
        return "-"
    if ns >= 1e6:
        return f"{ns / 1e6:.3f} ms"
    return f"{ns / 1e3:.1f} us"


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


class Report:
    """Prints to stdout and collects the same as markdown."""

    def __init__(self):
        self.md = []

    def heading(self, text):
        print(f"\n== {text}")
        self.md.append(f"\n## {text}\n")

    def note(self, text):
        print(text)
        self.md.append(f"{text}\n")

    def table(self, header, rows, widths):
        if not rows:
            self.note("(none)")
            return
        line = "  ".join(f"{h:<{w}}" if i == 0 else f"{h:>{w}}" for i, (h, w) in enumerate(zip(header, widths)))
        print(line)
        for row in rows:
            print("  ".join(f"{c:<{w}}" if i == 0 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(row, widths))))
        self.md.append("| " + " | ".join(header) + " |")
        self.md.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
        for row in rows:
            cells = [f"`{row[0]}`"] + list(row[1:])
            self.md.append("| " + " | ".join(cells) + " |")
        self.md.append("")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the directory scripts/sweep.sh wrote")
    parser.add_argument("--pytorch-margin", type=float, default=1.0,
                        help="list a case in (a) when its time / PyTorch's exceeds this (1.0)")
    parser.add_argument("--isa-margin", type=float, default=1.1,
                        help="list a case in (b) when AVX2's or native's time / SSE2's exceeds this (1.1)")
    args = parser.parse_args()

    runs, meta = load(args.out)
    if not runs:
        sys.exit(f"no results in {args.out}")
    ids = []
    for name in RUNS:
        for case_id in runs.get(name, {}):
            if case_id not in ids:
                ids.append(case_id)

    def ns(name, case_id):
        r = runs.get(name, {}).get(case_id)
        return r["ns"] if r else None

    def per_memcpy(name, case_id):
        """The time over the same run's memcpy of the same bytes."""
        r = runs.get(name, {}).get(case_id)
        return r["ns"] / r["memcpy_ns"] if r and r.get("memcpy_ns") else None

    def normalized(a, b, case_id):
        """a / b, each time first divided by its own run's memcpy: near 1
        where the host, not the code, was slower for one of the runs."""
        x, y = per_memcpy(a, case_id), per_memcpy(b, case_id)
        return f"{x / y:.2f}" if x and y else "-"

    def family(case_id):
        for name in RUNS:
            r = runs.get(name, {}).get(case_id)
            if r:
                return r["family"]
        return "?"

    rep = Report()
    header_lines = []
    machine = os.path.join(args.out, "machine.txt")
    if os.path.exists(machine):
        with open(machine) as f:
            header_lines = [line.rstrip() for line in f if line.strip()]
    rep.md.append(f"# Shape sweep: {os.path.basename(os.path.abspath(args.out))}\n")
    for line in header_lines:
        rep.md.append(f"- {line}")
    for name in RUNS:
        if name in meta:
            m = meta[name]
            what = m.get("build") or {"torch": m.get("torch"), "threads": m.get("threads")}
            rep.md.append(f"- {LABEL[name]}: {len(runs[name])} cases, {json.dumps(what)}")
    missing = [LABEL[n] for n in RUNS if n not in runs]
    print(f"sweep report: {len(ids)} cases; runs: {', '.join(LABEL[n] for n in RUNS if n in runs)}"
          + (f"; missing: {', '.join(missing)}" if missing else ""))

    # (a) slower than PyTorch.
    rep.heading(f"(a) slower than PyTorch (time / PyTorch > {args.pytorch_margin:g})")
    if "pytorch" not in runs:
        rep.note("(no pytorch.json)")
    for build in BUILDS:
        if build not in runs or "pytorch" not in runs:
            continue
        rows = []
        for case_id in ids:
            t, p = ns(build, case_id), ns("pytorch", case_id)
            if t and p and t / p > args.pytorch_margin:
                rows.append((t / p, case_id, t, p))
        rows.sort(reverse=True)
        rep.note(f"\n{LABEL[build]}: {len(rows)} of {len(runs[build])}")
        rep.table(["id", LABEL[build], "PyTorch", f"{LABEL[build]}/PyTorch", "per memcpy"],
                  [(i, fmt(t), fmt(p), f"{r:.2f}", normalized(build, "pytorch", i))
                   for r, i, t, p in rows], [62, 11, 11, 8, 10])

    # (b) a wider vector that loses.
    rep.heading(f"(b) AVX2 or native slower than SSE2 (time / SSE2 > {args.isa_margin:g})")
    for build in ("avx2", "native"):
        if build not in runs or "sse2" not in runs:
            continue
        rows = []
        for case_id in ids:
            t, s = ns(build, case_id), ns("sse2", case_id)
            if t and s and t / s > args.isa_margin:
                rows.append((t / s, case_id, t, s))
        rows.sort(reverse=True)
        rep.note(f"\n{LABEL[build]}: {len(rows)} of {len(runs[build])}")
        rep.table(["id", LABEL[build], "SSE2", f"{LABEL[build]}/SSE2", "per memcpy"],
                  [(i, fmt(t), fmt(s), f"{r:.2f}", normalized(build, "sse2", i))
                   for r, i, t, s in rows], [62, 11, 11, 8, 10])

    # (c) slower than the scalar reference.
    rep.heading("(c) SSE2 slower than the scalar reference (same run)")
    if "reference" in runs and "sse2" in runs:
        rows = []
        for case_id in ids:
            t, r = ns("sse2", case_id), ns("reference", case_id)
            if t and r and t > r:
                rows.append((t / r, case_id, t, r))
        rows.sort(reverse=True)
        rep.note(f"{len(rows)} of {len(runs['reference'])}")
        rep.table(["id", "SSE2", "reference", "SSE2/reference"],
                  [(i, fmt(t), fmt(r), f"{q:.2f}") for q, i, t, r in rows], [62, 11, 11, 8])
    else:
        rep.note("(no reference.json)")

    # (d) geometric-mean speed-up over PyTorch.
    rep.heading("(d) geometric-mean speed-up over PyTorch (PyTorch time / build time)")
    if "pytorch" in runs:
        builds = [b for b in BUILDS if b in runs]
        families = sorted({family(i) for i in ids})
        rows = []
        for fam in ["all"] + families:
            row, count = [fam], 0
            for build in builds:
                speedups = [ns("pytorch", i) / ns(build, i) for i in ids
                            if (fam == "all" or family(i) == fam) and ns(build, i) and ns("pytorch", i)]
                g = geomean(speedups)
                row.append(f"{g:.2f}x" if g else "-")
                count = max(count, len(speedups))
            row.append(str(count))
            rows.append(row)
        rep.table(["family"] + [LABEL[b] for b in builds] + ["cases"], rows,
                  [26] + [9] * len(builds) + [5])
    else:
        rep.note("(no pytorch.json)")

    with open(os.path.join(args.out, "report.md"), "w") as f:
        f.write("\n".join(rep.md) + "\n")

    # Every case, every column.
    columns = ["id", "family", "in_bytes", "out_bytes"]
    for name in RUNS:
        columns += [f"{name}_ns", f"{name}_calls"]
        if name != "reference":
            columns.append(f"{name}_memcpy_ns")
    columns += ["pytorch_over_sse2", "pytorch_over_avx2", "pytorch_over_native",
                "avx2_over_sse2", "native_over_sse2", "reference_over_sse2"]
    with open(os.path.join(args.out, "all.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for case_id in ids:
            first = next(runs[n][case_id] for n in RUNS if case_id in runs.get(n, {}))
            row = {"id": case_id, "family": family(case_id),
                   "in_bytes": first.get("in_bytes"), "out_bytes": first.get("out_bytes")}
            for name in RUNS:
                r = runs.get(name, {}).get(case_id, {})
                row[f"{name}_ns"] = r.get("ns")
                row[f"{name}_calls"] = r.get("calls")
                if name != "reference":
                    row[f"{name}_memcpy_ns"] = r.get("memcpy_ns")

            def ratio(a, b):
                x, y = ns(a, case_id), ns(b, case_id)
                return f"{x / y:.4f}" if x and y else None

            row.update(pytorch_over_sse2=ratio("pytorch", "sse2"),
                       pytorch_over_avx2=ratio("pytorch", "avx2"),
                       pytorch_over_native=ratio("pytorch", "native"),
                       avx2_over_sse2=ratio("avx2", "sse2"),
                       native_over_sse2=ratio("native", "sse2"),
                       reference_over_sse2=ratio("reference", "sse2"))
            w.writerow([row[c] if row[c] is not None else "" for c in columns])
    print(f"\nwrote {os.path.join(args.out, 'report.md')} and {os.path.join(args.out, 'all.csv')}")


if __name__ == "__main__":
    main()
