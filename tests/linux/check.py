#!/usr/bin/env python3
"""Run one linux-suite program and compare its TAP with the expected file.

    check.py --expected FILE [--pty] [--timeout S] -- COMMAND [ARGS...]

COMMAND is either tools/qemu.py --tap ... (the program on Dakota, booted
through linuxrun) or qemu-riscv64 PROG (the same program under user-mode
QEMU, the Linux reference). Both must print the same result lines: every
stdout line except "# " diagnostics, "TAP version" and blank lines is
compared, in order, with FILE's. An argument @NPROC@ in COMMAND becomes
the number of CPUs this process may run on (the hart count the reference
run expects).

--pty       stdout is a pseudo-terminal (stdin /dev/null), as the console
            is on Dakota, so isatty and fstat of stdout agree
--timeout S kill COMMAND after S seconds (default 120)

Prints COMMAND's stdout; exits 0 only if COMMAND exited 0 and the lines
match, else prints the difference and exits 1. Python standard library.
"""

import argparse
import difflib
import os
import pty
import select
import signal
import subprocess
import sys
import time


def run_plain(cmd, timeout):
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return (e.stdout or b""), None
    return p.stdout, p.returncode


def run_pty(cmd, timeout):
    """Runs cmd with its stdout on a new pseudo-terminal; (output, status)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=slave)
    os.close(slave)
    out = bytearray()
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            p.kill()
            p.wait()
            os.close(master)
            return bytes(out), None
        ready, _, _ = select.select([master], [], [], min(left, 1.0))
        if not ready:
            continue
        try:
            data = os.read(master, 65536)
        except OSError:         # EIO: every writer has closed the terminal
            data = b""
        if not data:
            break
        out += data
    os.close(master)
    return bytes(out).replace(b"\r\n", b"\n"), p.wait()


def result_lines(text):
    keep = []
    for line in text.splitlines():
        line = line.rstrip("\r")
        if not line.strip() or line.startswith("#") or line.startswith("TAP version"):
            continue
        keep.append(line)
    return keep


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--expected", required=True)
    ap.add_argument("--pty", action="store_true")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        ap.error("no COMMAND")
    nproc = str(len(os.sched_getaffinity(0)))
    cmd = [nproc if a == "@NPROC@" else a for a in cmd]

    run = run_pty if args.pty else run_plain
    raw, status = run(cmd, args.timeout)
    text = raw.decode("utf-8", "replace")
    sys.stdout.write(text)
    sys.stdout.flush()

    with open(args.expected) as f:
        want = result_lines(f.read())
    got = result_lines(text)
    ok = True
    if status is None:
        print(f"check.py: killed after {args.timeout:g} s: {' '.join(cmd)}", file=sys.stderr)
        ok = False
    elif status != 0:
        how = f"signal {-status}" if status < 0 else f"status {status}"
        print(f"check.py: {os.path.basename(cmd[0])} exited with {how}", file=sys.stderr)
        ok = False
    if got != want:
        print(f"check.py: output differs from {args.expected}:", file=sys.stderr)
        sys.stderr.writelines(line + "\n" for line in difflib.unified_diff(
            want, got, "expected", "got", lineterm=""))
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.exit(main())
