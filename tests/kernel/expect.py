#!/usr/bin/env python3
"""Boot Dakota and require an exact exit status and console lines.

    expect.py --status N [--line REGEX ...] [--count REGEX N ...] [--repeat K]
              -- QEMU.PY-ARGS...

For boots that must end badly on purpose (a kernel panic is status 255):
passes when tools/qemu.py exits with status N and every REGEX matches some
console line (re.search), in the order given. --count REGEX N: exactly N
console lines match REGEX (a message that must appear once per event, not
once per thread). --repeat K: K boots, each of which must pass (for an
outcome that a race decides, such as which write reaches the exit device
first). Prints the console log of the first boot that fails."""
import argparse
import re
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--status", type=int, required=True)
    ap.add_argument("--line", action="append", default=[], metavar="REGEX")
    ap.add_argument("--count", action="append", nargs=2, default=[], metavar=("REGEX", "N"))
    ap.add_argument("--repeat", type=int, default=1, metavar="K")
    ap.add_argument("qemu", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.qemu[1:] if args.qemu[:1] == ["--"] else args.qemu
    for boot in range(1, args.repeat + 1):
        if not check_boot(args, cmd):
            if args.repeat > 1:
                print(f"expect.py: boot {boot} of {args.repeat} failed")
            return 1
    print(f"expect.py: status {args.status}, {len(args.line)} expected lines, "
          f"{len(args.count)} exact counts" +
          (f", {args.repeat} boots" if args.repeat > 1 else ""))
    return 0


def check_boot(args, cmd):
    """One boot: True if it passed, else prints its log and the problems."""
    proc = subprocess.run([sys.executable] + cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace")
    lines = proc.stdout.splitlines()
    problems = []
    if proc.returncode != args.status:
        problems.append(f"exit status {proc.returncode}, expected {args.status}")
    at = 0
    for pattern in args.line:
        rx = re.compile(pattern)
        while at < len(lines) and not rx.search(lines[at]):
            at += 1
        if at == len(lines):
            problems.append(f"no console line matches {pattern!r} (in order)")
            break
        at += 1
    for pattern, want in args.count:
        rx = re.compile(pattern)
        got = sum(1 for line in lines if rx.search(line))
        if got != int(want):
            problems.append(f"{got} console lines match {pattern!r}, expected {want}")
    if problems:
        sys.stdout.write(proc.stdout)
        for p in problems:
            print(f"expect.py: {p}")
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
