#!/usr/bin/env python3
"""Boot strace_demo with and without the `strace` boot option and check what
the console shows, decoded by tools/strace.

    check.py exact --expected FILE BOOT...   every decoded call line, exactly
    check.py names BOOT...                   strace=strace_demo under sh
    check.py off BOOT...                     no records; same output as traced
    check.py smp --append 'init=...' [--smp N] BOOT...
                                             a traced multithreaded program passes
                                             and every record is whole
    BOOT: --qemu QEMU.PY --decoder TOOLS/STRACE --kernel ELF --initrd CPIO
"""
import argparse
import importlib.machinery
import importlib.util
import io
import re
import subprocess
import sys


def load_decoder(path):
    loader = importlib.machinery.SourceFileLoader("strace_decoder", path)
    spec = importlib.util.spec_from_loader("strace_decoder", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def boot(args, append, smp, icount=False):
    cmd = [sys.executable, args.qemu, "--kernel", args.kernel, "--initrd", args.initrd,
           "--smp", str(smp), "--timeout", "60", "--append", append]
    if icount:
        cmd.append("--icount")
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors="replace")
    return proc.returncode, proc.stdout.splitlines()


def decode(mod, lines):
    out = io.StringIO()
    dec = mod.Decoder(out)
    for line in lines:
        dec.line(line)
    dec.finish()
    return out.getvalue().splitlines()


def calls(lines):
    return [line for line in lines if line.startswith("[pid ")]


def demo_output(lines):
    return [line for line in lines if line.startswith(("demo:", "tab\t"))]


def fail(problems, raw):
    for p in problems:
        print("FAIL:", p)
    print("--- console ---")
    print("\n".join(raw))
    return 1


def check_exact(args, mod):
    status, raw = boot(args, "strace init=strace_demo", 1, icount=True)
    got = calls(decode(mod, raw))
    with open(args.expected) as f:
        want = [line.rstrip("\n") for line in f if line.startswith("[pid ")]
    problems = [] if status == 0 else [f"status {status}, expected 0"]
    if got != want:
        problems.append("decoded trace differs from " + args.expected)
        for i in range(max(len(got), len(want))):
            g = got[i] if i < len(got) else "(none)"
            w = want[i] if i < len(want) else "(none)"
            if g != w:
                problems.append(f"line {i + 1}:\n  got  {g}\n  want {w}")
    return fail(problems, raw) if problems else 0


def check_names(args, mod):
    status, raw = boot(args, "strace=strace_demo init=sh -c strace_demo", 2)
    got = calls(decode(mod, raw))
    problems = [] if status == 0 else [f"status {status}, expected 0"]
    if any(line.startswith("[pid 1 ") for line in got):
        problems.append("the shell (pid 1) was traced")
    if not got or not re.match(r'\[pid 2 tid 0 hart \d\] execve\("strace_demo", 0x[0-9a-f]+, '
                               r'0x[0-9a-f]+\) = 0$', got[0]):
        problems.append("the first line is not the execve of strace_demo")
    child = [line for line in got if line.startswith("[pid 3 ")]
    if not any(re.search(r"\] exit_group\(5\) = \?$", line) for line in child):
        problems.append("the fork child (pid 3) was not followed to its exit_group(5)")
    if not any(re.search(r"\] exit_group\(0\) = \?$", line) for line in got):
        problems.append("no exit_group(0) of strace_demo")
    return fail(problems, raw) if problems else 0


def check_off(args, mod):
    status_off, raw_off = boot(args, "init=strace_demo", 2)
    status_on, raw_on = boot(args, "strace init=strace_demo", 2)
    problems = []
    if status_off != 0 or status_on != 0:
        problems.append(f"status {status_off} without strace, {status_on} with; expected 0")
    if any("#SC" in line for line in raw_off):
        problems.append("a trace record without the strace option")
    if not any("#SC" in line for line in raw_on):
        problems.append("no trace record with the strace option")
    out_off, out_on = demo_output(raw_off), sorted(demo_output(decode(mod, raw_on)))
    if sorted(out_off) != out_on or "demo: ok" not in out_off:
        problems.append(f"program output without strace {out_off}, with {out_on}")
    return fail(problems, raw_off + ["--- traced ---"] + raw_on) if problems else 0


def check_smp(args, mod):
    """Many threads on every hart, traced: the program still passes, and
    the trace is whole (every record on a line of its own and well formed,
    every exit after its own entry)."""
    status, raw = boot(args, "strace " + args.append, args.smp)
    problems = [] if status == 0 else [f"status {status}, expected 0"]
    open_calls, records, threads = {}, 0, set()
    for line in raw:
        at = line.find("#SC")
        if at < 0:
            continue
        m = mod.RECORD.match(line, at)
        if at != 0 or not m:
            problems.append(f"a damaged or cut record: {line!r}")
            continue
        records += 1
        key, nr = m.group(2, 3), m.group(6)
        threads.add(key)
        if m.group(1) == ">":
            open_calls[key] = nr
        elif open_calls.pop(key, None) != nr:
            problems.append(f"an exit without its entry: {line!r}")
    if records < 100 or len(threads) < 4:
        problems.append(f"{records} records from {len(threads)} threads: expected many of several")
    return fail(problems, raw) if problems else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["exact", "names", "off", "smp"])
    ap.add_argument("--expected")
    ap.add_argument("--append", help="smp: the rest of the command line (init=...)")
    ap.add_argument("--smp", type=int, default=4)
    for opt in ("--qemu", "--decoder", "--kernel", "--initrd"):
        ap.add_argument(opt, required=True)
    args = ap.parse_args()
    mod = load_decoder(args.decoder)
    modes = {"exact": check_exact, "names": check_names, "off": check_off, "smp": check_smp}
    return modes[args.mode](args, mod)


if __name__ == "__main__":
    sys.exit(main())
