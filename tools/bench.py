#!/usr/bin/env python3
"""Run Dakota's benchmark program and report on the results.

    bench.py run [--mode icount|wall] [--smp 1,2,4,8] [--runs N] [--quick]
                 [--ops NAME,...] [--build DIR | --kernel ELF --initrd CPIO]
                 [--timeout S] [--logs DIR] [--merge] -o results.json
    bench.py table results.json... [--smp N]
    bench.py svg results.json... -o chart.svg [--smp N]
    bench.py compare before.json after.json
    bench.py idle [--smp N] [--seconds S] [--settle S] [--init PROG] [--build DIR]

run     boots QEMU (through tools/qemu.py) once per run and hart count with
        `init=bench`, reads its "BENCH name=... value=..." lines and stores,
        per hart count and operation, every value with the median, minimum
        and maximum. --mode icount (the default) adds QEMU's -icount shift=0,
        where one guest instruction is one nanosecond of virtual time, so the
        figures are guest instructions; --mode wall measures nanoseconds of
        real time (parallel speedup shows only there). --merge keeps the
        other modes and hart counts already in the output file. The exit
        status is 1 if a boot failed, printed no results or reported an error,
        whatever the numbers.
table   prints Markdown tables: per-operation cost beside its target (at
        --smp, default 4), every hart count, and the parallel speedup.
svg     draws the speedup against the ideal line and the per-operation cost
        against its target.
compare prints after/before ratios for every figure found in both files.
idle    boots the shell (init=sh, stdin held open but silent; --init to
        choose another program) and measures
        QEMU's host CPU time over --seconds from /proc/PID/stat, as a
        percentage of one host core.

Only the Python 3 standard library is used.
"""

import argparse
import datetime
import importlib.util
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
QEMU_PY = os.path.join(HERE, "qemu.py")

# Targets in guest instructions (icount), lower is better.
TARGETS = {
    "null_syscall": 300,
    "yield_switch": 700,
    "pipe_roundtrip": 6000,
    "thread_create_join": 25000,
    "clone_create_join": 25000,
    "fork_exit_wait": 120000,
    "mutex_blocking": 400,
    "mutex_spinning": 400,
    "mutex_fast": 400,
    "sem_pingpong": 3000,
    "signal_self": 2500,        # issue 20, item 8 (1 hart)
}
# xv6-riscv reference figures (guest instructions).
XV6 = {
    "null_syscall": 1130,       # getpid
    "pipe_roundtrip": 96000,
    "fork_exit_wait": 475000,
}
SPEEDUP_TARGETS = {2: 1.8}
IDLE_TARGET_PERCENT = 5.0

# Display order and descriptions; unknown operations follow in name order.
OPERATIONS = [
    ("null_syscall", "null system call (getppid)"),
    ("yield_switch", "thread yield-switch (per yield)"),
    ("signal_self", "kill(self) to a handler: deliver + sigreturn"),
    ("pipe_roundtrip", "process switch: pipe round trip"),
    ("thread_create_join", "thread create + join"),
    ("clone_create_join", "clone thread create + join (pthread shape)"),
    ("fork_exit_wait", "fork + exit + wait"),
    ("fork_exec_wait", "fork + exec `true` + wait"),
    ("mutex_blocking", "uncontended mutex, blocking"),
    ("mutex_spinning", "uncontended mutex, spinning"),
    ("mutex_contended", "contended mutex, blocking (4 threads)"),
    ("mutex_contended_spin", "contended mutex, spinning (4 threads)"),
    ("mutex_fast", "uncontended mutex, user-space fast path (fmutex)"),
    ("mutex_fast_contended", "contended fmutex, futex slow path (4 threads)"),
    ("sem_pingpong", "semaphore round trip"),
    ("wake_latency", "wake-to-run latency"),
    ("parallel", "parallel workload (total)"),
    ("parallel4", "parallel workload, 4 threads (total)"),
]
DESCRIPTIONS = dict(OPERATIONS)
PARALLEL = "parallel"
# The parallel workloads: operation name -> threads sharing the work.
PARALLEL_OPS = {"parallel": 8, "parallel4": 4}

BENCH_LINE = re.compile(r"^BENCH(-INFO|-END)? (.*)$")


def die(msg):
    print(f"bench.py: {msg}", file=sys.stderr)
    sys.exit(2)


def fields(text):
    """'a=1 b=x' -> {'a': '1', 'b': 'x'}."""
    out = {}
    for word in text.split():
        key, sep, value = word.partition("=")
        if sep:
            out[key] = value
    return out


def number(text):
    try:
        return float(text)
    except ValueError:
        return text


# ---- run ----

class Boot:
    """The BENCH lines of one boot."""

    def __init__(self):
        self.info = {}
        self.end = None
        self.results = {}      # name -> {'value': float, 'unit': str, ...}
        self.errors = {}       # name -> error code

    def feed(self, line):
        m = BENCH_LINE.match(line.strip())
        if not m:
            return
        f = fields(m.group(2))
        if m.group(1) == "-INFO":
            self.info = {k: number(v) for k, v in f.items()}
        elif m.group(1) == "-END":
            self.end = {k: number(v) for k, v in f.items()}
        elif "name" in f:
            name = f.pop("name")
            if "error" in f:
                self.errors[name] = f["error"]
            elif "value" in f:
                self.results[name] = {k: number(v) for k, v in f.items()}


def artefacts(args):
    kernel = args.kernel or os.path.join(args.build, "kernel", "dakota.elf")
    initrd = args.initrd or os.path.join(args.build, "user", "initrd.cpio")
    for path in (kernel, initrd):
        if not os.path.isfile(path):
            die(f"{path}: no such file (build first, or give --build / --kernel --initrd)")
    return kernel, initrd


def boot_once(args, kernel, initrd, smp, index):
    """One QEMU boot running bench; returns (Boot, status, seconds, console)."""
    words = ["bench"]
    if args.mode == "icount":
        words.append("--icount")
    if args.quick:
        words.append("--quick")
    words += args.ops
    cmd = [sys.executable, QEMU_PY, "--kernel", kernel, "--initrd", initrd,
           "--smp", str(smp), "--timeout", str(args.timeout),
           "--append", " ".join(args.cmdline + ["init=" + " ".join(words)])]
    if args.mode == "icount":
        cmd.append("--icount")
    t0 = time.monotonic()
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    seconds = time.monotonic() - t0
    console = proc.stdout.decode("utf-8", "replace")
    boot = Boot()
    for line in console.splitlines():
        boot.feed(line)
    if args.logs:
        os.makedirs(args.logs, exist_ok=True)
        name = f"{args.mode}-smp{smp}-run{index + 1}.log"
        with open(os.path.join(args.logs, name), "w") as f:
            f.write("$ " + shlex.join(cmd) + "\n" + console)
    return boot, proc.returncode, seconds, console


def summarize(values):
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "values": values,
    }


def collect(boots):
    """Per-operation statistics over the boots of one hart count."""
    per_op = {}
    for boot in boots:
        for name, r in boot.results.items():
            per_op.setdefault(name, []).append(r)
    ops = {}
    for name, rs in per_op.items():
        entry = summarize([r["value"] for r in rs])
        entry["unit"] = rs[0].get("unit", "")
        entry["iters"] = rs[0].get("iters")
        extra = {k: v for k, v in rs[0].items() if k not in ("value", "unit", "iters")}
        if extra:
            entry["extra"] = [{k: v for k, v in r.items()
                               if k not in ("value", "unit", "iters")} for r in rs]
        ops[name] = entry
    return ops


def host_info():
    info = {"nproc": os.cpu_count()}
    try:
        with open("/proc/loadavg") as f:
            info["loadavg"] = [float(x) for x in f.read().split()[:3]]
    except OSError:
        pass
    try:
        qemu = os.environ.get("DAKOTA_QEMU", "qemu-system-riscv64")
        out = subprocess.run([qemu, "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=10)
        info["qemu"] = out.stdout.decode().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        pass
    return info


def load(paths):
    """Reads and merges result files: later files win per mode and hart count."""
    merged = {"version": 1, "modes": {}}
    for path in paths:
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            die(f"{path}: {e}")
        if "modes" not in data:
            die(f"{path}: not a bench.py results file")
        for mode, m in data["modes"].items():
            dst = merged["modes"].setdefault(mode, {"smp": {}})
            for key in m:
                if key != "smp":
                    dst[key] = m[key]
            dst["smp"].update(m.get("smp", {}))
    return merged


def cmd_run(args):
    kernel, initrd = artefacts(args)
    try:
        smps = [int(x) for x in args.smp.split(",") if x.strip()]
    except ValueError:
        die(f"--smp {args.smp}: give hart counts like 1,2,4,8")
    if not smps or any(not 1 <= n <= 8 for n in smps):
        die("--smp: hart counts from 1 to 8")
    args.ops = [x for x in args.ops.split(",") if x] if args.ops else []

    data = {"version": 1, "modes": {}}
    if args.merge and os.path.exists(args.output):
        data = load([args.output])
    mode = data["modes"].setdefault(args.mode, {"smp": {}})
    mode.update({
        "unit": "instr" if args.mode == "icount" else "ns",
        "created": datetime.datetime.now().isoformat(timespec="seconds"),
        "kernel": os.path.abspath(kernel),
        "quick": args.quick,
        "runs": args.runs,
        "host": host_info(),
    })

    failed = False
    for smp in smps:
        boots, problems = [], []
        for i in range(args.runs):
            boot, status, seconds, console = boot_once(args, kernel, initrd, smp, i)
            what = f"{args.mode} smp{smp} run {i + 1}/{args.runs}"
            bad = []
            if status != 0:
                bad.append(f"exit status {status}")
            if not boot.results:
                bad.append("no results")
            if boot.end is None:
                bad.append("no BENCH-END line")
            for name, err in boot.errors.items():
                bad.append(f"{name}: error {err}")
            print(f"bench.py: {what}: {len(boot.results)} results in {seconds:.1f} s"
                  + (f"; FAILED: {', '.join(bad)}" if bad else ""), file=sys.stderr)
            if bad:
                failed = True
                problems.append(f"run {i + 1}: " + ", ".join(bad))
                tail = console.splitlines()[-15:]
                print("  last console lines:\n    " + "\n    ".join(tail), file=sys.stderr)
            if boot.results:
                boots.append(boot)
        entry = {"runs_ok": sum(1 for b in boots), "problems": problems,
                 "info": boots[0].info if boots else {}, "ops": collect(boots)}
        mode["smp"][str(smp)] = entry

    with open(args.output, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    print(render_tables(data, preferred_smp(data, 4)))
    return 1 if failed else 0


# ---- tables ----

def ordered_ops(names):
    known = [n for n, _ in OPERATIONS if n in names]
    return known + sorted(n for n in names if n not in DESCRIPTIONS)


def fmt_num(x, decimals=0):
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    if decimals == 0:
        return f"{x:,.0f}"
    return f"{x:,.{decimals}f}"


def preferred_smp(data, want):
    """want if the per-operation mode has it, else the largest hart count."""
    mode = cost_mode(data)
    if not mode:
        return want
    counts = sorted(int(k) for k, v in data["modes"][mode]["smp"].items() if v.get("ops"))
    if not counts:
        return want
    return want if want in counts else counts[-1]


def cost_mode(data):
    """The mode whose per-operation figures are tabulated: icount if it has
    any besides the parallel workload, else wall."""
    for mode in ("icount", "wall"):
        for entry in data["modes"].get(mode, {}).get("smp", {}).values():
            if any(name not in PARALLEL_OPS for name in entry.get("ops", {})):
                return mode
    return None


def verdict(value, target):
    if target is None or value is None:
        return ""
    ratio = value / target
    return "pass" if value <= target else f"miss ({ratio:.2f}× target)"


def cost_table(data, smp):
    mode = cost_mode(data)
    if mode is None:
        return "No per-operation results (only the parallel workload, or none).\n"
    m = data["modes"][mode]
    entry = m["smp"].get(str(smp))
    if not entry or not entry.get("ops"):
        return f"No {mode} results at {smp} harts.\n"
    unit = "guest instructions" if mode == "icount" else "ns of real time"
    runs = entry.get("runs_ok", 0)
    out = [f"### Per-operation cost at {smp} harts ({mode}: {unit}; "
           f"median of {runs} boot{'s' if runs != 1 else ''})", ""]
    comparable = mode == "icount"
    if not comparable:
        out += ["Targets are in guest instructions; these wall-clock figures are not "
                "compared with them.", ""]
    out += ["| Operation | Median | Min – max | Target | Result | xv6-riscv |",
            "| --- | ---: | ---: | ---: | --- | ---: |"]
    for name in ordered_ops(entry["ops"]):
        if name in PARALLEL_OPS:
            continue
        op = entry["ops"][name]
        target = TARGETS.get(name)
        out.append("| {} | {} | {} – {} | {} | {} | {} |".format(
            DESCRIPTIONS.get(name, name), fmt_num(op["median"], 1),
            fmt_num(op["min"], 1), fmt_num(op["max"], 1), fmt_num(target),
            verdict(op["median"], target) if comparable else "n/a",
            fmt_num(XV6.get(name))))
    for problem in entry.get("problems", []):
        out.append(f"\nProblem at {smp} harts: {problem}")
    return "\n".join(out) + "\n"


def matrix_table(data):
    mode = cost_mode(data)
    if mode is None:
        return ""
    smps = sorted((int(k) for k, v in data["modes"][mode]["smp"].items() if v.get("ops")))
    if len(smps) < 2:
        return ""
    names = set()
    for n in smps:
        names |= set(data["modes"][mode]["smp"][str(n)]["ops"])
    out = [f"### Medians at every hart count ({mode})", "",
           "| Operation | " + " | ".join(f"{n} hart{'s' if n > 1 else ''}" for n in smps) + " | Target |",
           "| --- | " + " | ".join("---:" for _ in smps) + " | ---: |"]
    for name in ordered_ops(names):
        cells = []
        for n in smps:
            op = data["modes"][mode]["smp"][str(n)]["ops"].get(name)
            cells.append(fmt_num(op["median"], 1) if op else "—")
        out.append(f"| {DESCRIPTIONS.get(name, name)} | " + " | ".join(cells)
                   + f" | {fmt_num(TARGETS.get(name))} |")
    return "\n".join(out) + "\n"


def speedups(data, workload=PARALLEL):
    """[(harts, median ns, speedup, low, high, best)] from wall-mode runs of
    one parallel workload, or None when there is no 1-hart baseline. speedup divides medians;
    low and high divide the extremes; best divides the fastest runs."""
    m = data["modes"].get("wall")
    if not m:
        return None
    times = {}
    for k, entry in m["smp"].items():
        op = entry.get("ops", {}).get(workload)
        if op:
            times[int(k)] = op
    if 1 not in times:
        return None
    base = times[1]
    rows = []
    for n in sorted(times):
        t = times[n]
        rows.append((n, t["median"], base["median"] / t["median"],
                     base["min"] / t["max"], base["max"] / t["min"],
                     base["min"] / t["min"]))
    return rows


def speedup_table(data):
    tables = [speedup_table_of(data, name) for name in PARALLEL_OPS
              if name == PARALLEL or speedups(data, name)]
    return "\n".join(tables)


def speedup_table_of(data, workload):
    rows = speedups(data, workload)
    out = [f"### Parallel speedup (wall clock: {PARALLEL_OPS[workload]} threads share "
           "fixed integer work)", ""]
    if rows is None:
        out.append(f"No wall-mode `{workload}` results with a 1-hart baseline "
                   "(`bench.py run --mode wall --smp 1,2,4,8`). Under icount all harts "
                   "share one host thread, so speedup cannot show there.")
        return "\n".join(out) + "\n"
    out += ["| Harts | Time (ms) | Speedup | Range | Best of runs | Ideal | Target | Result |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for n, t, s, lo, hi, best in rows:
        target = SPEEDUP_TARGETS.get(n)
        result = "" if target is None else ("pass" if s >= target else "miss")
        out.append(f"| {n} | {t / 1e6:,.1f} | {s:.2f} | {lo:.2f} – {hi:.2f} | {best:.2f} | "
                   f"{n} | {'≥ %.1f' % target if target else ''} | {result} |")
    host = data["modes"]["wall"].get("host", {})
    if host:
        load = host.get("loadavg")
        out.append("")
        out.append(f"Host: {host.get('nproc')} cores"
                   + (f", load average {load[0]:.2f} when the runs were written" if load else "")
                   + ". QEMU runs each hart on its own host thread, so the speedup "
                     "cannot exceed the free host cores.")
    return "\n".join(out) + "\n"


def render_tables(data, smp):
    parts = [cost_table(data, smp), matrix_table(data), speedup_table(data)]
    return "\n".join(p for p in parts if p)


def cmd_table(args):
    data = load(args.results)
    print(render_tables(data, preferred_smp(data, args.smp)))
    return 0


# ---- svg ----

def svg_escape(s):
    return (str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


class Svg:
    def __init__(self, width, height):
        self.width, self.height = width, height
        self.parts = []

    def add(self, s):
        self.parts.append(s)

    def line(self, x1, y1, x2, y2, color="#000", width=1, dash=None):
        d = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                 f'stroke="{color}" stroke-width="{width}"{d}/>')

    def text(self, x, y, s, size=12, anchor="start", color="#000", bold=False):
        w = ' font-weight="bold"' if bold else ""
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" '
                 f'text-anchor="{anchor}" fill="{color}"{w}>{svg_escape(s)}</text>')

    def rect(self, x, y, w, h, color, opacity=1.0):
        self.add(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" '
                 f'height="{max(h, 0):.1f}" fill="{color}" fill-opacity="{opacity}"/>')

    def circle(self, x, y, r, color):
        self.add(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{color}"/>')

    def render(self):
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" '
                f'height="{self.height}" viewBox="0 0 {self.width} {self.height}" '
                'font-family="sans-serif">\n'
                f'<rect width="{self.width}" height="{self.height}" fill="#fff"/>\n'
                + "\n".join(self.parts) + "\n</svg>\n")


def draw_speedup(svg, data, x0, y0, w, h):
    svg.text(x0 + w / 2, y0 - 12, "Parallel speedup (wall clock)", 14, "middle", bold=True)
    series = [(name, speedups(data, name)) for name in PARALLEL_OPS]
    series = [(name, rows) for name, rows in series if rows]
    every = [r for _, rows in series for r in rows]
    max_h = max([8] + [r[0] for r in every])
    max_s = max([float(max_h)] + [r[4] for r in every])
    sx = lambda n: x0 + (n - 1) / (max_h - 1) * w
    sy = lambda s: y0 + h - s / max_s * h
    svg.line(x0, y0 + h, x0 + w, y0 + h)
    svg.line(x0, y0, x0, y0 + h)
    for n in range(1, max_h + 1):
        svg.line(sx(n), y0 + h, sx(n), y0 + h + 4)
        svg.text(sx(n), y0 + h + 17, n, 11, "middle")
    for s in range(0, int(max_s) + 1):
        svg.line(x0 - 4, sy(s), x0, sy(s))
        svg.line(x0, sy(s), x0 + w, sy(s), "#eee")
        svg.text(x0 - 7, sy(s) + 4, s, 11, "end")
    svg.text(x0 + w / 2, y0 + h + 34, "harts", 12, "middle")
    svg.add(f'<text transform="translate({x0 - 30},{y0 + h / 2}) rotate(-90)" '
            'font-size="12" text-anchor="middle">speedup over 1 hart</text>')
    svg.line(sx(1), sy(1), sx(max_h), sy(max_h), "#888", 1.5, "6,4")
    svg.text(sx(max_h) - 4, sy(max_h) + 16, "ideal", 11, "end", "#666")
    for n, target in SPEEDUP_TARGETS.items():
        svg.line(sx(n) - 8, sy(target), sx(n) + 8, sy(target), "#d08000", 2)
        svg.text(sx(n) + 11, sy(target) + 14, f"target ≥ {target}", 10, "start", "#d08000")
    if not series:
        svg.text(x0 + w / 2, y0 + h / 2, "no wall-mode parallel results", 12, "middle", "#a00")
        return
    colors = ["#1f5fbf", "#2a9d4b"]
    for i, (name, rows) in enumerate(series):
        color = colors[i % len(colors)]
        pts = " ".join(f"{sx(n):.1f},{sy(s):.1f}" for n, _, s, _, _, _ in rows)
        svg.add(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2"/>')
        for n, _, s, lo, hi, _ in rows:
            svg.line(sx(n), sy(lo), sx(n), sy(hi), color, 1)
            svg.circle(sx(n), sy(s), 4, color)
            svg.text(sx(n) + 6, sy(s) - 6 + 14 * i, f"{s:.2f}", 10, "start", color)
        svg.text(x0 + 8, y0 + 14 + 14 * i, f"{PARALLEL_OPS[name]} threads", 11, "start", color)


def draw_costs(svg, data, smp, x0, y0, w, h):
    mode = cost_mode(data)
    entry = data["modes"][mode]["smp"].get(str(smp)) if mode else None
    title = f"Cost per operation at {smp} harts ({'guest instructions' if mode == 'icount' else 'ns'})"
    svg.text(x0 + w / 2, y0 - 12, title, 14, "middle", bold=True)
    if not entry or not entry.get("ops"):
        svg.text(x0 + w / 2, y0 + h / 2, "no results", 12, "middle", "#a00")
        return
    names = [n for n in ordered_ops(entry["ops"]) if n not in PARALLEL_OPS]
    vals = [entry["ops"][n]["median"] for n in names] + \
           [TARGETS[n] for n in names if n in TARGETS] + [XV6[n] for n in names if n in XV6]
    import math
    lo = 10 ** math.floor(math.log10(max(min(v for v in vals if v > 0), 1)))
    hi = 10 ** math.ceil(math.log10(max(vals)))
    label_w = 210
    bx, bw = x0 + label_w, w - label_w
    sx = lambda v: bx + (math.log10(max(v, lo)) - math.log10(lo)) / \
        (math.log10(hi) - math.log10(lo)) * bw
    row = h / max(len(names), 1)
    d = lo
    while d <= hi:
        svg.line(sx(d), y0, sx(d), y0 + h, "#eee")
        svg.text(sx(d), y0 + h + 15, f"{d:,.0f}", 10, "middle")
        d *= 10
    svg.text(bx + bw / 2, y0 + h + 32, "log scale; bar: median, whisker: min–max", 11, "middle")
    for i, name in enumerate(names):
        op = entry["ops"][name]
        y = y0 + i * row
        target = TARGETS.get(name) if mode == "icount" else None
        color = "#7a7a7a" if target is None else ("#2e8b3e" if op["median"] <= target else "#c0392b")
        svg.text(bx - 6, y + row * 0.62, DESCRIPTIONS.get(name, name), 11, "end")
        svg.rect(bx, y + row * 0.2, sx(op["median"]) - bx, row * 0.6, color, 0.85)
        svg.line(sx(op["min"]), y + row * 0.5, sx(op["max"]), y + row * 0.5, "#000", 1)
        svg.text(sx(op["median"]) + 4, y + row * 0.62, fmt_num(op["median"]), 10)
        if target is not None:
            svg.line(sx(target), y + row * 0.05, sx(target), y + row * 0.95, "#d08000", 2.5)
        if mode == "icount" and name in XV6:
            svg.line(sx(XV6[name]), y + row * 0.1, sx(XV6[name]), y + row * 0.9, "#555", 1.5, "3,2")
    ly = y0 + h + 48
    svg.rect(bx, ly - 9, 12, 10, "#2e8b3e")
    svg.text(bx + 16, ly, "meets target", 10)
    svg.rect(bx + 100, ly - 9, 12, 10, "#c0392b")
    svg.text(bx + 116, ly, "misses target", 10)
    svg.line(bx + 200, ly - 10, bx + 200, ly + 2, "#d08000", 2.5)
    svg.text(bx + 205, ly, "target", 10)
    svg.line(bx + 260, ly - 10, bx + 260, ly + 2, "#555", 1.5, "3,2")
    svg.text(bx + 265, ly, "xv6-riscv", 10)


def cmd_svg(args):
    data = load(args.results)
    smp = preferred_smp(data, args.smp)
    svg = Svg(1200, 520)
    draw_speedup(svg, data, 70, 50, 330, 380)
    draw_costs(svg, data, smp, 470, 50, 700, 380)
    with open(args.output, "w") as f:
        f.write(svg.render())
    print(f"bench.py: wrote {args.output}", file=sys.stderr)
    return 0


# ---- compare ----

def cmd_compare(args):
    before, after = load([args.before]), load([args.after])
    out = ["| Mode | Harts | Operation | Before | After | After / before |",
           "| --- | ---: | --- | ---: | ---: | ---: |"]
    found = 0
    for mode in sorted(set(before["modes"]) & set(after["modes"])):
        b_smp, a_smp = before["modes"][mode]["smp"], after["modes"][mode]["smp"]
        for smp in sorted(set(b_smp) & set(a_smp), key=int):
            b_ops, a_ops = b_smp[smp].get("ops", {}), a_smp[smp].get("ops", {})
            for name in ordered_ops(set(b_ops) & set(a_ops)):
                b, a = b_ops[name]["median"], a_ops[name]["median"]
                ratio = a / b if b else float("inf")
                tag = "same" if abs(ratio - 1) < 0.0005 else "faster" if ratio < 1 else "slower"
                if b_ops[name].get("iters") != a_ops[name].get("iters"):
                    tag += "; iterations differ"
                out.append(f"| {mode} | {smp} | {DESCRIPTIONS.get(name, name)} | "
                           f"{fmt_num(b, 1)} | {fmt_num(a, 1)} | {ratio:.3f} ({tag}) |")
                found += 1
    if not found:
        print("bench.py: the two files share no mode, hart count and operation", file=sys.stderr)
        return 1
    rows_b, rows_a = speedups(before), speedups(after)
    if rows_b and rows_a:
        sb = {n: s for n, _, s, _, _, _ in rows_b}
        out += ["", "| Harts | Speedup before | Speedup after |", "| ---: | ---: | ---: |"]
        for n, _, s, _, _, _ in rows_a:
            if n in sb:
                out.append(f"| {n} | {sb[n]:.2f} | {s:.2f} |")
    print("\n".join(out))
    return 0


# ---- idle ----

def load_qemu_module():
    spec = importlib.util.spec_from_file_location("dakota_qemu", QEMU_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    # The command name may hold spaces; the fields after it are fixed.
    rest = stat[stat.rindex(")") + 2:].split()
    utime, stime = int(rest[11]), int(rest[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def cmd_idle(args):
    kernel, initrd = artefacts(args)
    qemu = load_qemu_module()
    ns = argparse.Namespace(kernel=kernel, initrd=initrd, smp=args.smp, mem="128M",
                            append="init=" + args.init, interactive=False, icount=False, gdb=False)
    cmd = qemu.qemu_command(ns)
    # stdin is a pipe that stays open and silent: the shell waits for input.
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    console = []
    ready = threading.Event()

    def reader():
        for raw in iter(proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            console.append(line)
            if "harts online" in line:
                ready.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        if not ready.wait(args.boot_timeout):
            print("bench.py: idle: the kernel did not report its harts online", file=sys.stderr)
            print("\n".join(console[-20:]), file=sys.stderr)
            return 1
        time.sleep(args.settle)
        if proc.poll() is not None:
            print(f"bench.py: idle: QEMU exited early (status {proc.returncode})", file=sys.stderr)
            print("\n".join(console[-20:]), file=sys.stderr)
            return 1
        c0, t0 = cpu_seconds(proc.pid), time.monotonic()
        time.sleep(args.seconds)
        c1, t1 = cpu_seconds(proc.pid), time.monotonic()
        alive = proc.poll() is None
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    percent = (c1 - c0) / (t1 - t0) * 100
    last = [line for line in console if line.strip()][-2:]
    print("bench.py: idle: the guest console ended with: " + " | ".join(last), file=sys.stderr)
    verdict_text = "pass" if percent < IDLE_TARGET_PERCENT else "miss"
    print(f"| Idle `{args.init}`, {args.smp} harts | QEMU host CPU | Target | Result |")
    print("| --- | ---: | ---: | --- |")
    print(f"| {t1 - t0:.1f} s after a {args.settle:g} s settle | {percent:.2f}% of one core | "
          f"< {IDLE_TARGET_PERCENT:g}% | {verdict_text} |")
    if not alive:
        print("bench.py: idle: QEMU exited during the measurement", file=sys.stderr)
        return 1
    if args.output:
        result = {"smp": args.smp, "seconds": t1 - t0, "cpu_seconds": c1 - c0,
                  "percent_of_one_core": percent, "target_percent": IDLE_TARGET_PERCENT}
        with open(args.output, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
    return 0


# ---- main ----

def main(argv=None):
    ap = argparse.ArgumentParser(description="Dakota benchmarks: run, tabulate, chart, compare.",
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)

    def add_build(p):
        p.add_argument("--build", default=os.path.join(os.path.dirname(HERE), "build"),
                       help="build directory holding kernel/dakota.elf and user/initrd.cpio")
        p.add_argument("--kernel", help="kernel ELF (default: BUILD/kernel/dakota.elf)")
        p.add_argument("--initrd", help="initramfs (default: BUILD/user/initrd.cpio)")

    p = sub.add_parser("run", help="boot QEMU running bench and store the results")
    p.add_argument("--mode", choices=["icount", "wall"], default="icount")
    p.add_argument("--smp", default="1,2,4,8", help="hart counts, comma-separated")
    p.add_argument("--runs", type=int, default=3, help="boots per hart count")
    p.add_argument("--quick", action="store_true", help="bench --quick: fewer iterations")
    p.add_argument("--ops", default="", help="operations to run, comma-separated (default all)")
    p.add_argument("--timeout", type=float, default=900, help="seconds per boot")
    p.add_argument("--cmdline", action="append", default=[], metavar="WORD",
                   help="extra kernel command-line word before init= (e.g. trace=1); repeatable")
    p.add_argument("--logs", metavar="DIR", help="save each boot's console log in DIR")
    p.add_argument("--merge", action="store_true",
                   help="keep other modes and hart counts already in the output file")
    p.add_argument("-o", "--output", required=True)
    add_build(p)
    p.set_defaults(fn=cmd_run)

    p = sub.add_parser("table", help="Markdown tables with targets")
    p.add_argument("results", nargs="+")
    p.add_argument("--smp", type=int, default=4, help="hart count of the main table")
    p.set_defaults(fn=cmd_table)

    p = sub.add_parser("svg", help="SVG chart")
    p.add_argument("results", nargs="+")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--smp", type=int, default=4, help="hart count of the cost bars")
    p.set_defaults(fn=cmd_svg)

    p = sub.add_parser("compare", help="after/before ratios")
    p.add_argument("before")
    p.add_argument("after")
    p.set_defaults(fn=cmd_compare)

    p = sub.add_parser("idle", help="host CPU use of an idle guest")
    p.add_argument("--smp", type=int, default=4)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--settle", type=float, default=2, help="wait after boot before measuring")
    p.add_argument("--boot-timeout", type=float, default=60)
    p.add_argument("--init", default="sh",
                   help="first program and its arguments (default: the shell)")
    p.add_argument("-o", "--output", help="also write the figure as JSON")
    add_build(p)
    p.set_defaults(fn=cmd_idle)

    args = ap.parse_args(argv)
    if args.command == "run" and args.runs < 1:
        ap.error("--runs must be at least 1")
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
