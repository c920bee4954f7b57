"""Prints the README's interpolation table from scripts/bench-interpolate.sh's
output directory: per cell the median over rounds of the criterion median
(crate) or of the PyTorch script's median; ratio columns the median of each
round's ratio. Then each round's ratios, and the alignment table.

    python3 scripts/interpolate_table.py OUT_DIR
"""
import json
import os
import statistics
import sys

CASES = [
    ("nearest_x2", "nearest x2"),
    ("nearest-exact_x2", "nearest-exact x2"),
    ("bilinear_x2", "bilinear x2"),
    ("bilinear_x2_ac", "bilinear x2, align_corners"),
    ("bicubic_x2", "bicubic x2"),
    ("bilinear_x1.7", "bilinear x1.7"),
    ("bilinear_aa_x0.5", "bilinear antialias to 0.5x"),
    ("bicubic_aa_x0.5", "bicubic antialias to 0.5x"),
    ("lanczos_x0.5", "lanczos to 0.5x"),
    ("trilinear_x2", "trilinear x2, 1x16x32x32x32"),
    ("small_nearest_x2", "nearest x2, 1x16x32x32"),
    ("small_bilinear_x2", "bilinear x2, 1x16x32x32"),
]
LAYOUTS = ("cf", "cl")


def crit(home, group, bench):
    """Criterion's median estimate, in ms."""
    path = os.path.join(home, group, bench, "new", "estimates.json")
    with open(path) as f:
        return json.load(f)["median"]["point_estimate"] / 1e6


def torch_log(path):
    """{case_layout: (ms, memcpy ms)} from pytorch_interpolate.py's output."""
    rows = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4 and parts[0][-3:] in ("_cf", "_cl"):
                rows[parts[0]] = (float(parts[1]), float(parts[2]))
    return rows


def ms(v):
    if v < 0.1:
        return f"{v * 1e3:.3g} us"
    return f"{v:.3g}"


def main():
    out = sys.argv[1]
    rounds = sorted(
        int(d[4:]) for d in os.listdir(out) if d.startswith("nat-") and not d.endswith(".log")
    )
    med = statistics.median
    rows = []
    detail = []
    over2 = []
    for key, label in CASES:
        cells = {c: [] for c in ("nat", "natr", "pt", "ptr", "sse", "sser")}
        for lay in LAYOUTS:
            g = f"{key}_{lay}"
            nat, natr, pt, ptr, sse, sser = [], [], [], [], [], []
            for r in rounds:
                n = crit(f"{out}/nat-{r}", g, "crate")
                nm = crit(f"{out}/nat-{r}", g, "memcpy")
                s = crit(f"{out}/sse-{r}", g, "crate")
                p, pm = torch_log(f"{out}/pt-{r}.log")[g]
                nat.append(n)
                natr.append(n / nm)
                pt.append(p)
                ptr.append(p / pm)
                sse.append(s)
                sser.append(s / n)
            for c, v in zip(cells, (nat, natr, pt, ptr, sse, sser)):
                cells[c].append(med(v))
            detail.append(
                f"{g:<24} native/memcpy {' '.join(f'{x:.2f}' for x in natr)}"
                f"  native ms {' '.join(ms(x) for x in nat)}"
                f"  PyTorch ms {' '.join(ms(x) for x in pt)}"
                f"  SSE2/native {' '.join(f'{x:.2f}' for x in sser)}"
            )
            if med(sser) > 2.0:
                over2.append(g)
        fmt = {
            "nat": ms, "pt": ms, "sse": ms,
            "natr": lambda v: f"{v:.2f}", "ptr": lambda v: f"{v:.2f}", "sser": lambda v: f"{v:.2f}",
        }
        rows.append(
            f"| {label} | "
            + " | ".join(" / ".join(fmt[c](v) for v in cells[c]) for c in cells)
            + " |"
        )
    print("| case | upsample ms | upsample / memcpy | PyTorch ms | PyTorch / its memcpy "
          "| SSE2 build ms | SSE2 / native |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print("\n".join(detail))
    print()
    print(f"SSE2 over 2x native ({len(over2)} of {2 * len(CASES)}): {', '.join(over2)}")
    print()
    print("| case (native) | 64-byte aligned output | output 16 bytes past a line |")
    print("|---|---|---|")
    for key, label in (("nearest_x2", "nearest x2"), ("bilinear_x2", "bilinear x2")):
        a, ar, b, br = [], [], [], []
        for lay in LAYOUTS:
            g = f"{key}_{lay}"
            x = [crit(f"{out}/nat-{r}", g, "crate") for r in rounds]
            y = [crit(f"{out}/nat-{r}", g, "crate_out+16B") for r in rounds]
            m = [crit(f"{out}/nat-{r}", g, "memcpy") for r in rounds]
            a.append(med(x))
            b.append(med(y))
            ar.append(med([p / q for p, q in zip(x, m)]))
            br.append(med([p / q for p, q in zip(y, m)]))
        print(
            f"| {label}, CF / CL | {ms(a[0])} / {ms(a[1])} ms ({ar[0]:.2f} / {ar[1]:.2f}x) "
            f"| {ms(b[0])} / {ms(b[1])} ms ({br[0]:.2f} / {br[1]:.2f}x) |"
        )


if __name__ == "__main__":
    main()
