"""Prints scripts/bench-ab.sh's comparison: per criterion group, the median
over rounds of the old and new medians of the op ("crate" or "upsample";
in a group without a memcpy, each function) in ms, and the median over
rounds of (new / new memcpy) / (old / old memcpy), the change in the ratio
to memcpy timed in the same run; then the cases more than 5% slower.

    python3 scripts/bench_ab_table.py OUT_DIR
"""
import json
import os
import statistics
import sys


def estimates(home):
    """{group: {function: median ns}} from a CRITERION_HOME."""
    found = {}
    if not os.path.isdir(home):
        return found
    for group in os.listdir(home):
        if not os.path.isdir(os.path.join(home, group)):
            continue
        for fn in os.listdir(os.path.join(home, group)):
            path = os.path.join(home, group, fn, "new", "estimates.json")
            if not os.path.exists(path):
                continue
            with open(path) as f:
                t = json.load(f)["median"]["point_estimate"]
            if fn in ("crate", "upsample"):
                found.setdefault(group, {})["crate"] = t
            elif fn == "memcpy":
                found.setdefault(group, {})["memcpy"] = t
            elif fn != "fill":
                # A bench without a memcpy (conv_transpose): each function a case.
                found.setdefault(f"{group}/{fn}", {})["crate"] = t
    return found


def main():
    out = sys.argv[1]
    rounds = sorted({int(d.split("-")[1]) for d in os.listdir(out)
                     if d.startswith(("old-", "new-")) and not d.endswith(".log")})
    per = {side: [estimates(os.path.join(out, f"{side}-{r}")) for r in rounds] for side in ("old", "new")}
    groups = sorted(set().union(*(e.keys() for e in per["new"])))
    med = statistics.median
    slower = []
    print(f"{'case':40} {'old ms':>9} {'new ms':>9} {'new/old':>8} {'ratio/memcpy new/old':>21}")
    for g in groups:
        olds = [e[g]["crate"] for e in per["old"] if g in e and "crate" in e[g]]
        news = [e[g]["crate"] for e in per["new"] if g in e and "crate" in e[g]]
        if not olds or not news:
            continue
        rel = []
        for eo, en in zip(per["old"], per["new"]):
            if g in eo and g in en and "memcpy" in eo[g] and "memcpy" in en[g]:
                rel.append((en[g]["crate"] / en[g]["memcpy"]) / (eo[g]["crate"] / eo[g]["memcpy"]))
        o, n = med(olds) / 1e6, med(news) / 1e6
        r = med(rel) if rel else float("nan")
        print(f"{g:40} {o:9.4f} {n:9.4f} {n / o:8.3f} {r:21.3f}")
        if n / o > 1.05 and (not rel or r > 1.05):
            slower.append((g, n / o, r))
    print()
    if slower:
        print("more than 5% slower (in ms and in the ratio to memcpy):")
        for g, t, r in slower:
            print(f"  {g}: {t:.3f}x, ratio {r:.3f}x")
    else:
        print("no case more than 5% slower (in ms and in the ratio to memcpy)")


if __name__ == "__main__":
    main()
