#!/usr/bin/env python3
"""Boot time: from starting QEMU to Dakota's first console line.

    tools/boottime.py [--smp 1,4] [--runs 5] [--build build]

For each hart count, boots `init=true` RUNS times and prints the median,
min and max of (a) host wall time from QEMU's start to the line
"dakota: booting ...", and (b) the guest time the kernel prints in that
line (time CSR since reset; includes OpenSBI). Standard library only."""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BOOT_LINE = re.compile(rb"dakota: booting on hart \d+ of \d+ at ([0-9.]+) ms after reset")


def one_boot(build, smp):
    cmd = [sys.executable, os.path.join(ROOT, "tools", "qemu.py"),
           "--kernel", os.path.join(build, "kernel", "dakota.elf"),
           "--initrd", os.path.join(build, "user", "initrd.cpio"),
           "--smp", str(smp), "--timeout", "60", "--append", "init=true"]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wall = guest = None
    for line in proc.stdout:
        m = BOOT_LINE.search(line)
        if m and wall is None:
            wall = (time.monotonic() - start) * 1000
            guest = float(m.group(1))
    proc.wait()
    if wall is None:
        raise SystemExit(f"boottime: no boot line at --smp {smp}")
    return wall, guest


def summary(values):
    return f"median {statistics.median(values):8.1f}  min {min(values):8.1f}  max {max(values):8.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smp", default="1,4")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = ap.parse_args()
    for smp in [int(x) for x in args.smp.split(",")]:
        runs = [one_boot(args.build, smp) for _ in range(args.runs)]
        print(f"--smp {smp}: host wall ms to first kernel line: {summary([w for w, _ in runs])}")
        print(f"--smp {smp}: guest ms after reset (time CSR):    {summary([g for _, g in runs])}")


if __name__ == "__main__":
    main()
