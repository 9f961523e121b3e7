#!/usr/bin/env python3
"""Dakota beside Linux: the same static glibc benchmark (bench/lbench.c) on
both kernels, under the same QEMU command line.

    vslinux.py run [--smp 1,2,4] [--icount-smp LIST] [--wall-smp LIST]
                   [--runs N] [--wall-runs N] [--timeout S] [--qemu PATH]
                   [--firmware PATH] [--build DIR] [--linux IMAGE] -o results.json
    vslinux.py table [--summary] results.json
    vslinux.py svg results.json -o chart.svg

run     boots each kernel with lbench as its first program, with the QEMU
        command line that tools/qemu.py builds for Dakota's --icount runs
        (virt, OpenSBI fw_dynamic, -smp N, 512 MiB): Dakota with
        `init=lbench`, Linux (the Debian riscv64 kernel from
        tools/linux-kernel.sh) with lbench as /init. At every hart count of
        --icount-smp, a -icount shift=0 boot gives the nine per-operation
        costs and the two workloads in guest instructions (one guest
        instruction is one nanosecond of CLOCK_MONOTONIC); at every hart
        count of --wall-smp, a boot without -icount gives the two workloads
        in host nanoseconds. Each figure is the median of --runs (icount) or
        --wall-runs (wall) boots, both kernels in the same run. The
        workloads run one thread per hart.
        --qemu and --firmware replace the QEMU binary and the OpenSBI
        firmware (default: what tools/qemu.py uses). Every boot is killed
        after --timeout seconds: QEMU 7.2 with OpenSBI 1.1 livelocks in
        OpenSBI's remote fence when Linux runs with more than one hart under
        -icount (QEMU 10 with OpenSBI 1.5 does not), and a boot that times
        out is recorded as such (the rest of that cell is skipped) so the
        table says so instead of the run hanging.
table   prints one table per hart count, metric by metric: Dakota, Linux,
        their ratio, and at 1 hart the target (Dakota at or below 0.6 x
        Linux on every path that enters the kernel; the uncontended mutex
        never does and must stay equal); and which kernel package, QEMU and
        OpenSBI produced the Linux column. --summary: one table with the
        1-hart figures and the ratio at every hart count (README's).
svg     draws the ratio of every metric at every hart count as a bar chart.

Only the Python 3 standard library is used.
"""

import argparse
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import mkcpio  # noqa: E402
import qemu as qemu_py  # noqa: E402

MEM = "512M"                 # Linux needs more than Dakota's default 128M
LINE = re.compile(r"^lbench (\w+) ([0-9.]+) (\d+)\s*$")
OPENSBI_BANNER = re.compile(r"^OpenSBI (v\S+)", re.M)
KERNELS = ("dakota", "linux")

# name: (what it measures, target ratio at 1 hart or None)
METRICS = {
    "null_syscall": ("null system call (getppid)", 0.6),
    "futex_wake": ("futex wake, no waiter", 0.6),
    "mutex": ("uncontended pthread mutex lock+unlock", 1.0),
    "yield": ("sched_yield round trip, two threads pinned to one hart", 0.6),
    "pipe": ("pipe ping-pong round trip between two processes", 0.6),
    "semaphore": ("semaphore ping-pong between two threads", 0.6),
    "create_join": ("pthread_create + pthread_join", 0.6),
    "fork_exit_wait": ("fork + exit + wait", 0.6),
    "fork_exec_wait": ("fork + execve + wait", 0.6),
    "parallel": ("CPU-bound, one thread per hart (whole run)", None),
    "lock_heavy": ("one pthread mutex, one thread per hart (per increment)", None),
}
PER_OP = [m for m in METRICS if m not in ("parallel", "lock_heavy")]
WORKLOADS = ["parallel", "lock_heavy"]
UNIT = {"icount": "instructions", "wall": "host ns"}


def linux_initrd(lbench, path):
    entries = [mkcpio.Entry("dev", mkcpio.S_IFDIR | 0o755, nlink=2),
               mkcpio.Entry("dev/console", 0o020600, rdevmajor=5, rdevminor=1),
               mkcpio.Entry("init", mkcpio.S_IFREG | 0o755, open(lbench, "rb").read()),
               mkcpio.Entry(mkcpio.TRAILER, 0)]
    blob = b"".join(mkcpio.encode(e, 0 if e.name == mkcpio.TRAILER else i)
                    for i, e in enumerate(entries, 1))
    with open(path, "wb") as f:
        f.write(blob + b"\0" * (-len(blob) % 512))


def dakota_initrd(base, lbench, path):
    with open(path, "wb") as f:
        f.write(mkcpio.build(base, [lbench]))


def qemu_command(qemu, firmware, kernel, initrd, append, smp, icount):
    """tools/qemu.py's command line for a non-interactive boot, with the
    QEMU binary and the firmware replaced when they are given."""
    ns = types.SimpleNamespace(kernel=kernel, initrd=initrd, smp=smp, mem=MEM, append=append,
                               interactive=False, icount=icount, gdb=False)
    cmd = qemu_py.qemu_command(ns)
    if qemu:
        cmd[0] = qemu
    if firmware:
        cmd[cmd.index("-bios") + 1] = firmware
    return cmd


class BootFailed(Exception):
    def __init__(self, why, timed_out=False):
        super().__init__(why)
        self.timed_out = timed_out


def run_qemu(cmd, timeout):
    """Runs QEMU (its own process group, killed on timeout); returns its
    console output."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=qemu_py.die_with_parent)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        raise BootFailed("no result after %g s" % timeout, timed_out=True) from None
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return out.decode("utf-8", "replace").replace("\r", ""), proc.returncode


def boot(cmd, metrics, timeout):
    """Boots once; returns ({metric: value}, OpenSBI version)."""
    out, status = run_qemu(cmd, timeout)
    values, iters = {}, {}
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            values[m.group(1)] = float(m.group(2))
            iters[m.group(1)] = int(m.group(3))
    if not re.search(r"^lbench done\s*$", out, re.M):
        sys.stderr.write(out[-3000:])
        raise BootFailed("lbench did not finish (QEMU status %d)" % status)
    lost = [m for m in metrics if m not in values]
    if lost:
        sys.stderr.write(out[-3000:])
        raise BootFailed("no well-formed line for %s" % ", ".join(lost))
    sbi = OPENSBI_BANNER.search(out)
    return values, iters, sbi.group(1) if sbi else "?"


class Kernels:
    def __init__(self, args):
        build = os.path.join(ROOT, args.build)
        self.qemu, self.firmware = args.qemu, args.firmware
        self.lbench = os.path.join(build, "bench", "lbench")
        self.dakota = os.path.join(build, "kernel", "dakota.elf")
        self.linux = args.linux or subprocess.run(
            [os.path.join(HERE, "linux-kernel.sh")], check=True, stdout=subprocess.PIPE,
            text=True).stdout.strip()
        self.tmp = tempfile.mkdtemp(prefix="vslinux.")
        self.dakota_rd = os.path.join(self.tmp, "dakota.cpio")
        self.linux_rd = os.path.join(self.tmp, "linux.cpio")
        dakota_initrd(os.path.join(build, "user", "initrd.cpio"), self.lbench, self.dakota_rd)
        linux_initrd(self.lbench, self.linux_rd)
        self.opensbi = "?"

    def command(self, which, metrics, smp, icount, scale=1):
        args = " ".join((["--iters-scale", str(scale)] if scale != 1 else []) + metrics)
        if which == "dakota":
            return qemu_command(self.qemu, self.firmware, self.dakota, self.dakota_rd,
                                "init=lbench " + args, smp, icount)
        return qemu_command(self.qemu, self.firmware, self.linux, self.linux_rd,
                            "console=ttyS0 quiet panic=-1 -- " + args, smp, icount)


def measure(kernels, metrics, smp, icount, runs, timeout, scale=1):
    """One hart count in one mode, both kernels: the median of `runs` boots
    each, or why there is none. The kernels take turns boot by boot, so a
    change in host load falls on both."""
    cmds = {w: kernels.command(w, metrics, smp, icount, scale) for w in KERNELS}
    samples = {w: {} for w in KERNELS}
    cells = {w: {"command": cmds[w]} for w in KERNELS}
    for i in range(runs):
        for which in KERNELS:
            if "failed" in cells[which]:
                continue            # a hung configuration is not retried
            try:
                values, iters, kernels.opensbi = boot(cmds[which], metrics, timeout)
            except BootFailed as e:
                print("vslinux: %s, %d hart(s), %s: boot %d: %s"
                      % (which, smp, "icount" if icount else "wall", i + 1, e), file=sys.stderr)
                cells[which].update(failed=str(e), timed_out=e.timed_out, boots_done=i)
                continue
            for k, v in values.items():
                samples[which].setdefault(k, {"values": [], "iterations": iters[k]})
                samples[which][k]["values"].append(v)
    for which in KERNELS:
        if "failed" not in cells[which]:
            for k, fig in samples[which].items():
                cells[which][k] = dict(fig, median=statistics.median(fig["values"]))
    return cells


def first_line(cmd):
    try:
        out = subprocess.run(cmd, stdout=subprocess.PIPE, text=True).stdout.strip()
        return out.splitlines()[0] if out else "?"
    except OSError:
        return "?"


def provenance(kernels, sample_cmd):
    pkg_file = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(kernels.linux))),
                            "PACKAGE")
    firmware = sample_cmd[sample_cmd.index("-bios") + 1]
    return {
        "linux_package": (open(pkg_file).read().strip() if os.path.exists(pkg_file)
                          else kernels.linux),
        "qemu": first_line([sample_cmd[0], "--version"]),
        "qemu_binary": sample_cmd[0],
        "opensbi": kernels.opensbi,
        "firmware": os.path.realpath(firmware) if os.path.exists(firmware) else firmware,
    }


def hart_list(text):
    return [int(s) for s in text.split(",") if s]


def cmd_run(args):
    kernels = Kernels(args)
    out = {"icount": {}, "wall": {}}
    plan = [("icount", smp, PER_OP + WORKLOADS, args.runs, 1)
            for smp in hart_list(args.icount_smp if args.icount_smp is not None else args.smp)]
    plan += [("wall", smp, WORKLOADS, args.wall_runs, args.wall_scale)
             for smp in hart_list(args.wall_smp if args.wall_smp is not None else args.smp)]
    failed = False
    for mode, smp, metrics, runs, scale in plan:
        cells = measure(kernels, metrics, smp, mode == "icount", runs, args.timeout, scale)
        out[mode][str(smp)] = cells
        for which, cell in cells.items():
            failed |= "failed" in cell and not cell["timed_out"]
            print("vslinux: %s smp %d %s %s" % (mode, smp, which,
                                                 cell.get("failed", "done")), file=sys.stderr)
        with open(args.output, "w") as f:          # partial results survive an interrupt
            json.dump(dict(out, about=provenance(kernels, cells["linux"]["command"]),
                           timeout=args.timeout, wall_scale=args.wall_scale,
                           host_cpus=os.cpu_count()), f, indent=1)
    shutil.rmtree(kernels.tmp)
    return 1 if failed else 0


def fmt(v):
    if v is None:
        return "—"
    return "{:,.0f}".format(v) if v >= 100 else "%.1f" % v


def short(v):
    for div, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if v >= div:
            return "%.3g%s" % (v / div, suffix)
    return "%.3g" % v


def fmt_cell(mode, figure):
    """The median; by wall clock also the range, which host load widens."""
    v = figure.get("median")
    values = figure.get("values", [])
    if mode != "wall" or v is None or len(values) < 2:
        return fmt(v)
    return "%s (%s–%s)" % (fmt(v), short(min(values)), short(max(values)))


def cells(results):
    """(mode, smp, dakota cell, linux cell) in table order."""
    for mode in ("icount", "wall"):
        for smp, both in sorted(results.get(mode, {}).items(), key=lambda kv: int(kv[0])):
            yield mode, int(smp), both.get("dakota", {}), both.get("linux", {})


def rows(results):
    """(mode, metric, smp, dakota, linux) for every figure both kernels gave."""
    for mode, smp, d, l in cells(results):
        for m in (PER_OP + WORKLOADS if mode == "icount" else WORKLOADS):
            dv, lv = d.get(m, {}).get("median"), l.get(m, {}).get("median")
            if dv is not None or lv is not None:
                yield mode, m, smp, dv, lv


def verdict(m, smp, ratio):
    target = METRICS[m][1]
    if smp != 1 or target is None:
        return ""
    if ratio is None:
        return "no data"
    if m == "mutex":
        return "equal: %s" % ("met" if abs(ratio - 1) < 0.05 else "NOT met")
    return "≤ %.1f: %s" % (target, "met" if ratio <= target else "NOT met")


def missing(cell, timeout, mode, smp):
    if "failed" not in cell:
        return None
    if not cell.get("timed_out"):
        return "no result: %s" % cell["failed"]
    why = "no result: boot %d did not finish within %g s" % (cell.get("boots_done", 0) + 1,
                                                             timeout or 0)
    if mode == "icount" and smp > 1:
        why += (" (QEMU 7.2 with OpenSBI 1.1 livelocks in OpenSBI's remote fence at more than "
                "one hart under -icount; QEMU 10 with OpenSBI 1.5 does not)")
    return why


NOTES = """\
Figures are medians of the boots given per cell (wall figures: with the
range). Under -icount (shift=0) one
guest instruction is one nanosecond of CLOCK_MONOTONIC, so per-operation
figures are guest instructions. With more than one hart, QEMU runs the harts
round-robin in one host thread and the virtual clock counts the instructions
of every hart: a figure that crosses harts (a wakeup, a pipe or semaphore
partner, a child on another hart) includes what the other harts execute
meanwhile, idle loops and spinning included, and the wait until the woken
hart's turn comes. The workloads run one thread per hart, so under -icount
they count the work of all threads; by wall clock (no -icount, one host
thread per hart) `parallel` ideally stays flat as harts are added."""


def cmd_summary(results):
    """One table for the README: the 1-hart figures and the ratio at every
    hart count."""
    smps = sorted({smp for _, smp, _, _ in cells(results)})
    ratios = {(mode, m, smp): (d / l if d and l else None)
              for mode, m, smp, d, l in rows(results)}
    one = {(mode, m): (d, l) for mode, m, smp, d, l in rows(results) if smp == 1}
    print("| metric | unit | Dakota, 1 hart | Linux, 1 hart | %s | target (1 hart) |"
          % " | ".join("Dakota / Linux, %d hart%s" % (n, "" if n == 1 else "s") for n in smps))
    print("| --- | --- | ---: | ---: | %s | --- |" % " | ".join("---:" for _ in smps))
    for mode in ("icount", "wall"):
        for m in (PER_OP + WORKLOADS if mode == "icount" else WORKLOADS):
            rs = [ratios.get((mode, m, n)) for n in smps]
            if all(r is None for r in rs):
                continue
            d, l = one.get((mode, m), (None, None))
            print("| %s | %s | %s | %s | %s | %s |"
                  % (METRICS[m][0], UNIT[mode], fmt(d), fmt(l),
                     " | ".join("%.2f" % r if r else "—" for r in rs),
                     verdict(m, 1, ratios.get((mode, m, 1))) if mode == "icount" else ""))
    return 0


def cmd_table(args):
    results = json.load(open(args.results))
    if args.summary:
        return cmd_summary(results)
    a = results.get("about", {})
    print("Linux column: %s; %s (%s); OpenSBI %s (%s)\n"
          % (a.get("linux_package"), a.get("qemu"), a.get("qemu_binary"),
             a.get("opensbi"), a.get("firmware")))
    print(NOTES)
    if results.get("wall"):
        print("Wall-clock boots run the workloads with lbench --iters-scale %s; the host had %s "
              "CPUs, shared with other work, so wall figures cannot scale past that many harts."
              % (results.get("wall_scale", 1), results.get("host_cpus", "?")))
    print()
    by_smp = {}
    for mode, smp, d, l in cells(results):
        by_smp.setdefault(smp, []).append((mode, d, l))
    for smp in sorted(by_smp):
        print("### %d hart%s\n" % (smp, "" if smp == 1 else "s"))
        print("| metric | unit | Dakota | Linux | Dakota / Linux |%s" %
              (" target |" if smp == 1 else ""))
        print("| --- | --- | ---: | ---: | ---: |%s" % (" --- |" if smp == 1 else ""))
        for mode, d, l in by_smp[smp]:
            for which, cell in (("Dakota", d), ("Linux", l)):
                why = missing(cell, results.get("timeout"), mode, smp)
                if why:
                    print("| %s, %s | | | | %s |%s" % (which, mode, why, " |" if smp == 1 else ""))
            for m in (PER_OP + WORKLOADS if mode == "icount" else WORKLOADS):
                dv, lv = d.get(m, {}).get("median"), l.get(m, {}).get("median")
                if dv is None and lv is None:
                    continue
                ratio = dv / lv if dv and lv else None
                print("| %s | %s | %s | %s | %s |%s"
                      % (METRICS[m][0], UNIT[mode], fmt_cell(mode, d.get(m, {})),
                         fmt_cell(mode, l.get(m, {})),
                         "%.2f" % ratio if ratio else "—",
                         " %s |" % verdict(m, smp, ratio) if smp == 1 else ""))
        print()
    return 0


HART_COLOURS = {1: "#3b75af", 2: "#e08a2c", 4: "#4a9a5a"}


def svg_bars(results):
    """(label, harts, ratio) grouped by metric: instructions, then wall time."""
    rs = list(rows(results))
    for mode in ("icount", "wall"):
        for m in METRICS:
            for r_mode, r_m, smp, d, l in rs:
                if r_mode == mode and r_m == m and d and l:
                    yield "%s (%s)" % (METRICS[m][0], UNIT[mode]), smp, d / l


def cmd_svg(args):
    """Dakota / Linux on a log scale around 1: bars to the left are
    metrics where Dakota is cheaper, to the right where it is dearer."""
    results = json.load(open(args.results))
    bars = list(svg_bars(results))
    width, left, bar_h, gap = 980, 430, 12, 2
    lo = 2.0 ** math.floor(math.log2(min([0.125] + [r for _, _, r in bars])))
    hi = 2.0 ** math.ceil(math.log2(max([8.0] + [r for _, _, r in bars])))
    span = math.log2(hi) - math.log2(lo)
    scale = (width - left - 50) / span
    x_of = lambda r: left + (math.log2(r) - math.log2(lo)) * scale  # noqa: E731
    labels = [lab for i, (lab, _, _) in enumerate(bars) if i == 0 or bars[i - 1][0] != lab]
    height = 70 + len(bars) * (bar_h + gap) + len(labels) * 8 + 40
    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'font-family="sans-serif" font-size="11">' % (width, height),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="10" y="20" font-size="14" font-weight="bold">Dakota / Linux, same glibc '
         'binary, same QEMU (log scale; left of 1: Dakota cheaper)</text>']
    for i, (smp, colour) in enumerate(sorted(HART_COLOURS.items())):
        o.append('<rect x="%d" y="30" width="10" height="10" fill="%s"/>' % (10 + i * 80, colour))
        o.append('<text x="%d" y="39">%d hart%s</text>' % (24 + i * 80, smp, "" if smp == 1 else "s"))
    tick = lo
    while tick <= hi * 1.001:
        x = x_of(tick)
        o.append('<line x1="%.1f" y1="50" x2="%.1f" y2="%d" stroke="%s"%s/>'
                 % (x, x, height - 25, "#444" if tick == 1 else "#ccc",
                    "" if tick == 1 else ' stroke-dasharray="3,3"'))
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%g</text>' % (x, height - 10, tick))
        tick *= 2
    x = x_of(0.6)
    o.append('<line x1="%.1f" y1="50" x2="%.1f" y2="%d" stroke="#3a9a4a" stroke-dasharray="5,3"/>'
             % (x, x, height - 25))
    o.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#3a9a4a">0.6 target</text>'
             % (x, 52))
    y, prev = 58, None
    for label, smp, r in bars:
        if label != prev:
            y += 8
            o.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                     % (left - 8, y + bar_h - 2, label.replace("&", "&amp;").replace("<", "&lt;")))
            prev = label
        x0, x1 = sorted((x_of(1.0), x_of(r)))
        o.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>'
                 % (x0, y, max(x1 - x0, 1), bar_h, HART_COLOURS.get(smp, "#888")))
        o.append('<text x="%.1f" y="%d" font-size="9">%.2f</text>' % (x1 + 3, y + bar_h - 2, r))
        y += bar_h + gap
    o.append("</svg>")
    with open(args.output, "w") as f:
        f.write("\n".join(o) + "\n")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(prog="vslinux.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run")
    p.add_argument("--smp", default="1,2,4", help="hart counts for both modes (default 1,2,4)")
    p.add_argument("--icount-smp", help="hart counts of the -icount boots (default --smp)")
    p.add_argument("--wall-smp", help="hart counts of the wall-clock boots (default --smp; "
                   "'' for none)")
    p.add_argument("--runs", type=int, default=5, help="-icount boots per cell (default 5)")
    p.add_argument("--wall-runs", type=int, default=5, help="wall boots per cell (default 5)")
    p.add_argument("--wall-scale", type=int, default=10,
                   help="lbench --iters-scale of the wall boots, so that a run lasts long "
                   "enough to time (default 10)")
    p.add_argument("--build", default="build")
    p.add_argument("--linux", help="a Linux kernel image (default: tools/linux-kernel.sh)")
    p.add_argument("--qemu", help="QEMU binary (default: tools/qemu.py's)")
    p.add_argument("--firmware", help="OpenSBI fw_dynamic.bin (default: tools/qemu.py's)")
    p.add_argument("--timeout", type=float, default=300,
                   help="seconds before a boot counts as hung (default 300)")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("table")
    p.add_argument("results")
    p.add_argument("--summary", action="store_true",
                   help="one table: 1-hart figures and the ratio at every hart count")
    p.set_defaults(func=cmd_table)
    p = sub.add_parser("svg")
    p.add_argument("results")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_svg)
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
