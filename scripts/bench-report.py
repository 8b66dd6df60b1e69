#!/usr/bin/env python3
"""Summarise a benchmark run (scripts/bench.sh): medians, spreads, ratios.

    bench-report.py DIR

Reads DIR/raw.csv (mode,kernel,rep,row,value,unit) and writes
DIR/summary.csv, DIR/results.md and, when gnuplot is there, DIR/chart.png.
Prints the Markdown table.  Per row: the median of each kernel, its spread
((max - min) / median), ours/stock, and for io_uring rows io_uring/libaio at
the same depth on the same device (both on our kernel).
"""
import csv
import os
import statistics
import subprocess
import sys

KERNELS = ("ours", "stock")


def load(path):
    data, units, fails, mode = {}, {}, [], "?"
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            mode = r["mode"]
            if r["value"] == "FAIL":
                fails.append(f"{r['kernel']} round {r['rep']}: {r['row']} ({r['unit']})")
                continue
            data.setdefault(r["row"], {}).setdefault(r["kernel"], []).append(float(r["value"]))
            units[r["row"]] = r["unit"]
    return mode, data, units, fails


def libaio_peer(row):
    """The libaio row an io_uring row is compared with, or None."""
    dev, _, work = row.partition("/")
    if not work.startswith("uring-qd"):
        return None
    depth = work[len("uring-"):].split("-")[0]
    return f"{dev}/libaio-{depth}"


def summarise(data):
    out = []
    for row in data:
        s = {"row": row}
        for k in KERNELS:
            vals = data[row].get(k, [])
            if vals:
                med = statistics.median(vals)
                s[k] = med
                s[k + "_n"] = len(vals)
                s[k + "_spread"] = (max(vals) - min(vals)) / med if med else 0.0
        if s.get("ours") and s.get("stock"):
            s["ours_over_stock"] = s["ours"] / s["stock"]
        peer = libaio_peer(row)
        if peer and peer in data and data[peer].get("ours") and s.get("ours"):
            s["uring_over_libaio"] = s["ours"] / statistics.median(data[peer]["ours"])
        out.append(s)
    return out


def fmt(v, unit):
    if v is None:
        return "—"
    if unit == "IOPS":
        return f"{v:,.0f}"
    return f"{v:,.0f} {unit}"


def pct(v):
    return "—" if v is None else f"±{v * 50:.0f} %"


def ratio(v):
    return "—" if v is None else f"{v:.2f}×"


def markdown(mode, summary, units, fails):
    lines = [
        f"Mode: **{mode}**. Medians over the rounds; spread is (max − min) / median / 2. "
        "io_uring/libaio compares, on our kernel, the io_uring row with libaio at the "
        "same depth on the same device. Memory rows: lower is better.",
        "",
        "| row | ours | spread | stock 6.1 | spread | ours/stock | io_uring/libaio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in summary:
        u = units[s["row"]]
        lines.append(
            f"| {s['row']} | {fmt(s.get('ours'), u)} | {pct(s.get('ours_spread'))} | "
            f"{fmt(s.get('stock'), u)} | {pct(s.get('stock_spread'))} | "
            f"{ratio(s.get('ours_over_stock'))} | {ratio(s.get('uring_over_libaio'))} |")
    lines += ["", "Targets (reported, never asserted):", ""]
    uring = [s for s in summary if "/uring-" in s["row"] and s.get("ours_over_stock") is not None]
    short = [f"{s['row']} {s['ours_over_stock']:.2f}×" for s in uring if s["ours_over_stock"] < 1.0]
    lines.append(f"- ours ≥ 1.00× stock on every io_uring row: "
                 f"{'met' if not short else 'missed on ' + ', '.join(short)} "
                 f"({len(uring)} rows)")
    for s in summary:
        if s["row"].endswith("/uring-qd32-hipri") and s.get("uring_over_libaio") is not None:
            verdict = "met" if s["uring_over_libaio"] >= 2.0 else "missed"
            lines.append(f"- {s['row']} ≥ 2× libaio QD32: {s['uring_over_libaio']:.2f}× ({verdict})")
    if fails:
        lines += ["", "Rows that failed:", ""] + [f"- {f}" for f in fails]
    return "\n".join(lines) + "\n"


def write_csv(path, summary, units):
    cols = ["row", "unit", "ours", "ours_n", "ours_spread", "stock", "stock_n",
            "stock_spread", "ours_over_stock", "uring_over_libaio"]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for s in summary:
            w.writerow([units[s["row"]] if c == "unit" else
                        (f"{s[c]:.4f}" if isinstance(s.get(c), float) else s.get(c, ""))
                        for c in cols])


def chart(out_dir, mode, summary, units):
    rows = [s for s in summary if units[s["row"]] == "IOPS" and s.get("ours") and s.get("stock")]
    if not rows:
        return None
    dat = os.path.join(out_dir, "chart.dat")
    with open(dat, "w") as f:
        for s in rows:
            f.write(f"\"{s['row']}\" {s['ours']:.0f} {s['stock']:.0f}\n")
    png = os.path.join(out_dir, "chart.png")
    script = f"""
set terminal pngcairo size 1400,700 font ",10" noenhanced
set output "{png}"
set title "4 KiB reads, IOPS ({mode} mode, median): our io_uring vs stock 6.1"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel "IOPS (log scale)"
set xtics rotate by -40 scale 0
set key top right
set bmargin 9
set rmargin 10
set grid ytics
plot "{dat}" using 2:xtic(1) title "ours", "" using 3 title "stock 6.1"
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"==> no chart: gnuplot failed ({e})", file=sys.stderr)
        return None
    return png


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench-report.py DIR")
    out_dir = sys.argv[1]
    mode, data, units, fails = load(os.path.join(out_dir, "raw.csv"))
    if not data:
        sys.exit(f"error: no figures in {out_dir}/raw.csv")
    summary = summarise(data)
    write_csv(os.path.join(out_dir, "summary.csv"), summary, units)
    md = markdown(mode, summary, units, fails)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write(md)
    png = chart(out_dir, mode, summary, units)
    print(md, end="")
    print(f"\n==> {out_dir}: raw.csv summary.csv results.md" + (" chart.png" if png else ""),
          file=sys.stderr)


if __name__ == "__main__":
    main()
