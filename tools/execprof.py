#!/usr/bin/env python3
"""Where one `bench` operation's guest instructions go, per symbol.

    tools/execprof.py [--build DIR] [--iters N1,N2] [--annotate SYM,...] OP

Boots `bench --icount --iters N OP` at 1 hart twice (N1 and N2 iterations)
under QEMU with one instruction per translation block and `-d exec,nochain`,
so the log has one line per executed guest instruction. Each PC is mapped to
its symbol (kernel ELF, the user `bench` ELF, the trampoline page), and the
difference of the two boots, divided by the operations it adds, is printed
per symbol: boot, warm-up and exit cancel out. bench runs N/10 warm-up
operations first, so the divisor is 1.1 x (N2 - N1); for `yield_switch`
that counts one round trip of two yields. --annotate prints the named
functions' disassembly with each instruction's count per operation.

The logs are large (about 1 GB for 10 M instructions) and go to a temporary
directory that is removed afterwards; a boot takes tens of seconds."""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAMPOLINE = (1 << 38) - 4096      # kernel/mm/layout.h
OBJDUMP = "riscv64-linux-gnu-objdump"


def boot(build, op, iters, log, tmp):
    wrapper = os.path.join(tmp, "qemu-exec.sh")
    with open(wrapper, "w") as f:
        f.write('#!/bin/sh\nexec "${EXECPROF_QEMU:-qemu-system-riscv64}" "$@" '
                '-accel tcg,one-insn-per-tb=on -d exec,nochain -D "$EXECPROF_LOG"\n')
    os.chmod(wrapper, 0o755)
    env = dict(os.environ, DAKOTA_QEMU=wrapper, EXECPROF_LOG=log)
    if os.environ.get("DAKOTA_QEMU"):
        env["EXECPROF_QEMU"] = os.environ["DAKOTA_QEMU"]
    cmd = [sys.executable, os.path.join(ROOT, "tools", "qemu.py"),
           "--kernel", os.path.join(build, "kernel", "dakota.elf"),
           "--initrd", os.path.join(build, "user", "initrd.cpio"),
           "--smp", "1", "--icount",
           "--append", "init=bench --icount --iters %d %s" % (iters, op)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True).stdout
    line = [l for l in out.splitlines() if l.startswith("BENCH name=")]
    if not line or "error=" in line[0]:
        sys.exit("execprof: boot with --iters %d gave no result:\n%s" % (iters, out[-2000:]))
    print("execprof:", line[0], file=sys.stderr)


def count_pcs(log):
    counts = collections.Counter()
    with open(log, "rb") as f:
        for line in f:
            if line.startswith(b"Trace"):
                i = line.index(b"/") + 1
                counts[int(line[i:i + 16], 16)] += 1
    return counts


def symbols(elf):
    out = subprocess.run(["nm", "-n", elf], capture_output=True, text=True).stdout
    syms = []
    for l in out.splitlines():
        p = l.split()
        if len(p) == 3 and p[1] in "tTwW" and not p[2].startswith("$"):
            syms.append((int(p[0], 16), p[2]))
    return syms


def namer(build):
    syms = sorted(symbols(os.path.join(build, "kernel", "dakota.elf")) +
                  symbols(os.path.join(build, "user", "bench")))
    addrs = [a for a, _ in syms]

    def name(pc):
        if TRAMPOLINE <= pc < TRAMPOLINE + 4096:
            return "TRAMPOLINE"
        i = bisect.bisect_right(addrs, pc) - 1
        return syms[i][1] if i >= 0 else "?%x" % pc
    return name


def annotate(build, delta, per, names):
    dis = subprocess.run([OBJDUMP, "-d", "--no-show-raw-insn",
                          os.path.join(build, "kernel", "dakota.elf")],
                         capture_output=True, text=True).stdout
    for sym in names:
        inside = False
        for l in dis.splitlines():
            if re.match(r"^[0-9a-f]+ <%s>:" % re.escape(sym), l):
                inside = True
                print(l)
                continue
            if inside:
                if not l.strip():
                    break
                m = re.match(r"\s*([0-9a-f]+):", l)
                if m:
                    print("%7.2f %s" % (delta.get(int(m.group(1), 16), 0) / per, l))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("op", help="a bench operation (bench --list)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--iters", default="50,100", help="N1,N2 (default 50,100)")
    ap.add_argument("--annotate", default="", help="kernel functions to annotate, comma-separated")
    args = ap.parse_args()
    n1, n2 = (int(x) for x in args.iters.split(","))
    if n2 <= n1:
        sys.exit("execprof: --iters needs N1 < N2")
    per = 1.1 * (n2 - n1)
    with tempfile.TemporaryDirectory(prefix="execprof-") as tmp:
        logs = []
        for n in (n1, n2):
            log = os.path.join(tmp, "exec-%d.log" % n)
            boot(args.build, args.op, n, log, tmp)
            logs.append(count_pcs(log))
            os.unlink(log)
    delta = {pc: logs[1][pc] - logs[0][pc] for pc in set(logs[0]) | set(logs[1])}
    name = namer(args.build)
    by_sym = collections.Counter()
    for pc, d in delta.items():
        if d:
            by_sym[name(pc)] += d
    print("%s: %.1f instructions per operation" % (args.op, sum(by_sym.values()) / per))
    for sym, d in by_sym.most_common():
        if abs(d / per) >= 0.5:
            print("%8.1f %s" % (d / per, sym))
    if args.annotate:
        annotate(args.build, delta, per, args.annotate.split(","))


if __name__ == "__main__":
    main()
