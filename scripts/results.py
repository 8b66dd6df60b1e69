#!/usr/bin/env python3
"""Turn a guest run into a verdict.

    results.py OUTDIR [--guest-rc N] [--expect PROG ...]

Reads OUTDIR/tap.log (each program's output between '### begin NAME' and
'### end NAME rc=N' markers) and OUTDIR/console.log (the kernel log).
Prints each failure with its reason and, alone on the last line,
'N passed, N failed' (', N skipped' when any).  Exits 1 on any failure: a
failed or missing test, a short or missing TAP plan, a non-zero exit, a guest
that did not finish, or a kernel splat anywhere in the log.
"""
import argparse
import os
import re
import sys

# Lines in the kernel log that mean something went wrong in the kernel.
SPLAT = re.compile(
    r"(BUG:|WARNING:|Oops|general protection fault|Kernel panic|kernel BUG"
    r"|KASAN|UBSAN|possible circular locking|possible recursive locking"
    r"|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked"
    r"|blocked for more than|soft lockup|hard LOCKUP|kmemleak: \d+ new suspected"
    r"|unreferenced object|Call Trace:|refcount_t:|list_(add|del) corruption)")
TEST_LINE = re.compile(r"^(not ok|ok)\s+(\d+)\s*-?\s*(.*)$")
PLAN = re.compile(r"^1\.\.(\d+)")


def parse_tap(text):
    """Split the suite log into {program: (lines, rc)} in run order."""
    progs, order, cur, done = {}, [], None, False
    for line in text.splitlines():
        line = line.rstrip("\r")
        m = re.match(r"^### begin (\S+)", line)
        if m:
            cur = m.group(1)
            progs[cur] = ([], None)
            order.append(cur)
            continue
        m = re.match(r"^### end (\S+) rc=(\d+)", line)
        if m and m.group(1) in progs:
            progs[m.group(1)] = (progs[m.group(1)][0], int(m.group(2)))
            cur = None
            continue
        if line.startswith("### suite done"):
            done = True
            continue
        if cur:
            progs[cur][0].append(line)
    return order, progs, done


def judge_program(name, lines, rc):
    """Return (passed, failed, skipped, [reasons])."""
    passed = failed = skipped = 0
    reasons = []
    plan = None
    seen = 0
    for line in lines:
        # Only top-level TAP lines count (subtests are indented).
        m = PLAN.match(line)
        if m and plan is None:
            plan = int(m.group(1))
            continue
        m = TEST_LINE.match(line)
        if not m:
            continue
        seen += 1
        status, desc = m.group(1), m.group(3)
        if status == "ok" and re.search(r"#\s*SKIP", desc, re.I):
            skipped += 1
            reasons.append(f"skip {name}: {desc}")
        elif re.search(r"#\s*TODO", desc, re.I):
            # a known gap, listed with its reason: neither passed nor failed
            # while it fails, and worth a note once it passes
            if status == "ok":
                passed += 1
                reasons.append(f"note {name}: {desc}")
            else:
                skipped += 1
                reasons.append(f"todo {name}: {desc}")
        elif status == "ok":
            passed += 1
        else:
            failed += 1
            reasons.append(f"FAIL {name}: {line}")
    if rc is None:
        failed += 1
        reasons.append(f"FAIL {name}: did not finish (crash or hang)")
    elif plan is None:
        failed += 1
        reasons.append(f"FAIL {name}: no TAP plan (exit status {rc})")
    elif seen < plan:
        failed += 1
        reasons.append(f"FAIL {name}: plan 1..{plan}, only {seen} results")
    elif rc not in (0, 4) or (rc == 4 and passed):
        # kselftest exits 4 when everything skipped.
        if not any(r.startswith(f"FAIL {name}") for r in reasons):
            failed += 1
            reasons.append(f"FAIL {name}: exit status {rc}")
    return passed, failed, skipped, reasons


def scan_console(path):
    if not os.path.exists(path):
        return ["FAIL kernel: no console log"]
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    bad = []
    for i, line in enumerate(lines):
        # the command line names debug options; it is not a report
        if "ommand line" in line:
            continue
        if SPLAT.search(line):
            ctx = "\n    ".join(lines[max(0, i - 2):i + 12])
            bad.append(f"FAIL kernel log line {i + 1}:\n    {ctx}")
            if len(bad) >= 5:
                break
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--guest-rc", type=int, default=0)
    ap.add_argument("--expect", nargs="*", default=[],
                    help="programs that must have run")
    ap.add_argument("--quiet", action="store_true", help="print only the verdict")
    args = ap.parse_args()

    tap_path = os.path.join(args.outdir, "tap.log")
    text = open(tap_path, errors="replace").read() if os.path.exists(tap_path) else ""
    order, progs, done = parse_tap(text)
    passed = failed = skipped = 0
    report = []
    for name in order:
        lines, rc = progs[name]
        p, f, s, why = judge_program(name, lines, rc)
        passed, failed, skipped = passed + p, failed + f, skipped + s
        report += why
        if f:
            report.append("    --- output of %s ---\n    %s" %
                          (name, "\n    ".join(lines[-40:])))
    for name in args.expect:
        if name not in progs:
            failed += 1
            report.append(f"FAIL {name}: never ran")
    if args.guest_rc == 124:
        failed += 1
        report.append("FAIL guest: hung; killed by the wall-clock guard")
    if not done:
        failed += 1
        report.append("FAIL guest: the suite did not finish (panic, crash or hang);"
                      f" see {args.outdir}/console.log")
    splats = scan_console(os.path.join(args.outdir, "console.log"))
    failed += len(splats)
    report += splats
    if splats or not done:
        with open(os.path.join(args.outdir, "console.log"), errors="replace") as f:
            tail = f.read().splitlines()[-25:]
        report.append("    --- end of the kernel log ---\n    " + "\n    ".join(tail))

    if passed + failed + skipped == 0:
        failed += 1
        report.append("FAIL: no test results at all")
    for line in report:
        if not args.quiet or line.startswith("FAIL"):
            print(line)
    verdict = f"{passed} passed, {failed} failed"
    if skipped:
        verdict += f", {skipped} skipped"
    print(verdict)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
