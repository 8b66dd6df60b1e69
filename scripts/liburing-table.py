#!/usr/bin/env python3
"""liburing's suite on two kernels, side by side.

    liburing-table.py RUNDIR [--stock FILE] [--save FILE]

Reads the TAP that tests/clients/liburing.sh wrote in RUNDIR/tap.log and
prints how many programs passed, failed and skipped, next to stock 6.1's
result in FILE (default tests/clients/liburing-stock.txt, one "NAME VERDICT"
per line), then each program whose verdict differs.  --save writes this
run's verdicts in that same format (make liburing-stock uses it).
"""
import argparse
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINE = re.compile(r"^(not ok|ok) \d+ (\S+)(.*)$")


def verdicts_from_tap(path):
    """{program: pass|fail|skip} from the liburing section of a run."""
    out, inside = {}, False
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("### begin "):
                inside = line.split()[2] == "liburing.sh"
                continue
            m = LINE.match(line) if inside else None
            if not m:
                continue
            status, name, rest = m.groups()
            if status == "not ok" or "fails on stock" in rest:
                out[name] = "fail"
            elif "# SKIP" in rest:
                out[name] = "skip"
            else:
                out[name] = "pass"
    return out


def read_list(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            f = line.split()
            if len(f) >= 2 and not line.startswith("#"):
                out[f[0]] = f[1]
    return out


def counts(v):
    return [sum(1 for x in v.values() if x == k) for k in ("pass", "fail", "skip")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rundir")
    ap.add_argument("--stock", default=os.path.join(TOP, "tests/clients/liburing-stock.txt"))
    ap.add_argument("--save")
    args = ap.parse_args()

    tap = os.path.join(args.rundir, "tap.log")
    if not os.path.exists(tap):
        sys.exit(f"error: {tap}: no run to report")
    ours = verdicts_from_tap(tap)
    if not ours:
        sys.exit(f"error: {tap}: liburing's suite did not run")
    if args.save:
        with open(args.save, "w") as f:
            f.write("# liburing 2.3's suite on stock 6.1 (make liburing-stock)\n")
            for name in sorted(ours):
                f.write(f"{name} {ours[name]}\n")
        print(f"wrote {args.save}")
    stock = read_list(args.stock)

    print("| kernel | passed | failed | skipped |")
    print("|---|---:|---:|---:|")
    print("| this run | %d | %d | %d |" % tuple(counts(ours)))
    if stock:
        print("| stock 6.1 | %d | %d | %d |" % tuple(counts(stock)))
        worse = [n for n in sorted(ours) if stock.get(n) == "pass" and ours[n] != "pass"]
        better = [n for n in sorted(ours) if ours[n] == "pass" and stock.get(n) != "pass"]
        print(f"\npass on stock, not here ({len(worse)}): " + " ".join(
            f"{n}({ours[n]})" for n in worse))
        if better:
            print(f"pass here, not on stock ({len(better)}): " + " ".join(better))
    return 0


if __name__ == "__main__":
    sys.exit(main())
