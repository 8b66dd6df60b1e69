#!/usr/bin/env python3
"""Where a kernel spends its instructions on one benchmark row.

    scripts/tb-profile.py KERNEL [ROWS] [SECONDS]      (make bench first)

KERNEL is ours or stock (build/obj-KERNEL), or the NAME of any
build/obj-NAME that holds a bzImage, System.map and vmlinux (a copy of
an older build, to compare with), ROWS a BENCH_ROWS group of
tests/bench/bench.sh (default nop), or one row of a group, as GROUP/ROW
(nullb/uring-qd32-hipri): tracing then starts when that row does, not
the group's first.  The guest boots as `make bench
BENCH_MODE=icount` boots it (one vCPU, -icount), and once the row has
started QEMU logs every translation block it executes (-d exec,nochain,
switched on and off through the monitor) for SECONDS of host time
(default 0.5).  Each block's instructions are counted from vmlinux (up to
its first branch; a rep-prefixed instruction is one per iteration, as
icount counts it), and the sums are printed per kernel function, per
call of io_issue_sqe (one per request on both kernels).  Two runs, ours
and stock, show where the difference per request lies.

TB_TOP=N prints N functions (default 30); TB_REUSE=1 counts the trace the
last run left in build/profile/KERNEL again, without booting.
"""
import bisect
import collections
import os
import re
import socket
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(TOP, "build")


def die(msg):
    sys.exit(f"tb-profile: {msg}")


def run_guest(kernel, rows, secs, work):
    group, _, row = rows.partition("/")
    start = re.compile(rf"^# {re.escape(rows)}:" if row else r"^# [a-z]+/", re.M)
    mon, log = f"{work}/monitor", f"{work}/exec.log"
    initrd = f"{BUILD}/guest/initrd-bench.cpio.gz"
    image = f"{BUILD}/obj-{kernel}/arch/x86/boot/bzImage"
    for f in (image, initrd):
        if not os.path.exists(f):
            die(f"{f} is missing: run make bench (or BENCH_KERNELS={kernel}) first")
    env = dict(os.environ, GUEST_SMP="1",
               GUEST_ACCEL=f"-accel tcg,thread=single -icount shift=0,sleep=off -cpu max "
                           f"-monitor unix:{mon},server,nowait -D {log}",
               GUEST_APPEND=f"iou_bench_mode=icount iou_bench_s=4 iou_bench_rows={group} "
                            "null_blk.irqmode=0")
    print(f"==> booting {kernel}, waiting for {rows}", flush=True)
    p = subprocess.Popen([f"{TOP}/scripts/run-guest.sh", image, initrd, "bench", work, "300"],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tap = f"{work}/tap.log"
    while True:
        time.sleep(0.2)
        if p.poll() is not None:
            die(f"the guest ended before the row started (logs in {work})")
        if os.path.exists(tap) and start.search(open(tap).read()):
            break
    time.sleep(1.0)
    s = socket.socket(socket.AF_UNIX)
    s.connect(mon)
    s.sendall(b"log exec,nochain\n")
    time.sleep(secs)
    s.sendall(b"log none\n")
    s.close()
    print("==> traced; waiting for the guest to end", flush=True)
    p.wait()
    return log


def main():
    # any build/obj-NAME with a bzImage, System.map and vmlinux will do:
    # a copy of an older build of ours, say, to see where it changed
    if len(sys.argv) < 2 or not os.path.isdir(f"{BUILD}/obj-{sys.argv[1]}"):
        die("usage: tb-profile.py ours|stock|NAME (build/obj-NAME) [ROWS] [SECONDS]")
    kernel = sys.argv[1]
    rows = sys.argv[2] if len(sys.argv) > 2 else "nop"
    secs = float(sys.argv[3]) if len(sys.argv) > 3 else 0.5
    work = f"{BUILD}/profile/{kernel}"
    os.makedirs(work, exist_ok=True)
    if os.environ.get("TB_REUSE"):
        log = f"{work}/exec.log"
    else:
        log = run_guest(kernel, rows, secs, work)

    syms = []
    for line in open(f"{BUILD}/obj-{kernel}/System.map"):
        addr, kind, name = line.split()[:3]
        if kind in "tTwW":
            syms.append((int(addr, 16), name))
    syms.sort()
    addrs = [a for a, _ in syms]
    pcs = collections.Counter()
    rx = re.compile(r"\[[0-9a-f]+/([0-9a-f]+)/")
    for line in open(log, errors="replace"):
        m = rx.search(line)
        if m:
            pcs[int(m.group(1), 16)] += 1
    if not pcs:
        die(f"no blocks logged in {log}")
    print(f"==> counting the instructions of {len(pcs)} blocks", flush=True)
    branch = re.compile(r"\t(j[a-z]+|call|ret|iret|sysret|syscall|rep[a-z]*|ud2|hlt|int3|lret)\b")
    vmlinux = f"{BUILD}/obj-{kernel}/vmlinux"
    per_fn, calls, user = collections.Counter(), collections.Counter(), 0
    for pc, count in pcs.items():
        if pc < 0xffff800000000000:
            user += count
            continue
        out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", f"--start-address={pc}",
                              f"--stop-address={pc + 160}", vmlinux],
                             capture_output=True, text=True).stdout
        n = 0
        for line in out.splitlines():
            if re.match(r"^ *[0-9a-f]+:\t", line):
                n += 1
                if branch.search(line):
                    break
        i = bisect.bisect_right(addrs, pc) - 1
        name = syms[i][1] if i >= 0 else "?"
        per_fn[name] += count * max(n, 1)
        if i >= 0 and syms[i][0] == pc:
            calls[name] += count
    reqs = calls["io_issue_sqe"]
    if not reqs:
        die("io_issue_sqe was never called while tracing")
    total = sum(per_fn.values())
    print(f"{kernel}: {reqs} requests traced; kernel instructions per request "
          f"~{total / reqs:.0f} (user-space blocks: {user / reqs:.1f} per request)")
    for name, n in per_fn.most_common(int(os.environ.get("TB_TOP", "30"))):
        print(f"{n / reqs:8.1f}  {name}")


main()
