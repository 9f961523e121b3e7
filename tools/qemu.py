#!/usr/bin/env python3
"""Boot Dakota under QEMU: the one wrapper used by tools/run and every meson test.

    qemu.py --kernel ELF --initrd CPIO [--smp N] [--mem M] [--append STR]
            [--icount] [--gdb] [--interactive] [--tap] [--timeout SECONDS]
            [--log FILE] [--trace-log FILE]

Runs qemu-system-riscv64 on the `virt` machine with Debian's OpenSBI
(fw_dynamic) and -no-reboot. The exit status is QEMU's own: the guest powers
off through the virt test device with its status (255 on a kernel panic).

Non-interactive (the default): stdin is /dev/null, the serial port is QEMU's
stdout, the monitor is off, and the console goes to stdout line by line with
any '\\r' removed.

--interactive   console on the terminal (-serial mon:stdio): the user types
                to the guest, Ctrl-A X quits QEMU, Ctrl-A C is the monitor.
--tap           TAP lines (TAP version, ok, not ok, 1.., #, Bail out!) go to
                stdout, every other console line to stderr, because meson
                1.0's TAP parser rejects non-TAP lines once TAP has started.
                A non-zero exit before any plan line adds
                "Bail out! guest exited with status N".
--timeout S     kill QEMU after S seconds: prints "Bail out! timeout after S s"
                (stdout with --tap, else stderr), then the last 40 console
                lines on stderr, and exits 124. Non-interactive runs without
                --gdb default to 600 s, so the wrapper never hangs.
--log FILE      also write every console line (unfiltered, '\\r' removed).
--trace-log F   like --log, and trace frames ("#TR..." to the end of the
                line, see kernel/trace/trace.c) are kept off the terminal /
                stdout: tools/trace.py reads them from F. (Interactive runs
                hide only lines that start with #TR.)
--icount        -icount shift=0: deterministic instruction counting.
--gdb           -s -S: QEMU waits for a debugger on tcp::1234.

A QEMU killed by signal N gives status 128 + N.

Environment (for trying another QEMU and OpenSBI, e.g. unpacked from
bookworm-backports with `dpkg -x` into a private directory):
DAKOTA_QEMU     the qemu-system-riscv64 binary to run (default: the one on
                PATH). If it needs libraries of its own, set LD_LIBRARY_PATH.
DAKOTA_OPENSBI  the firmware for -bios, e.g. .../opensbi/generic/fw_dynamic.bin
                (default: Debian's, OPENSBI below, or QEMU's own "default"
                firmware where that file is missing).
"""

import argparse
import collections
import os
import re
import selectors
import signal
import subprocess
import sys
import time

OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
DEFAULT_TIMEOUT = 600
TAIL_LINES = 40
TIMEOUT_STATUS = 124

TAP_LINE = re.compile(r"^(TAP version |(ok|not ok)( |$)|1\.\.|#( |$)|Bail out!)")
PLAN_LINE = re.compile(r"^1\.\.\d+")
TRACE_PREFIX = b"#TR"


def firmware():
    """The -bios argument: DAKOTA_OPENSBI, else Debian's OpenSBI, else QEMU's own."""
    chosen = os.environ.get("DAKOTA_OPENSBI")
    if chosen:
        return chosen
    return OPENSBI if os.path.exists(OPENSBI) else "default"


def qemu_command(args):
    cmd = [os.environ.get("DAKOTA_QEMU") or "qemu-system-riscv64",
           "-machine", "virt",
           "-bios", firmware(),
           "-kernel", args.kernel,
           "-initrd", args.initrd,
           "-smp", str(args.smp),
           "-m", args.mem,
           "-nographic", "-no-reboot"]
    if args.append is not None:
        cmd += ["-append", args.append]
    if args.interactive:
        cmd += ["-serial", "mon:stdio"]
    else:
        cmd += ["-monitor", "none", "-serial", "stdio"]
    if args.icount:
        cmd += ["-icount", "shift=0"]
    if args.gdb:
        cmd += ["-s", "-S"]
    return cmd


def die_with_parent():
    """Runs in the child before exec: QEMU gets SIGKILL if this wrapper dies,
    even by SIGKILL (meson's own timeout), so no QEMU outlives its test."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def status_of(returncode):
    return 128 - returncode if returncode < 0 else returncode


class TraceFilter:
    """Passes console bytes through, except whole lines that start with #TR.
    Works on a byte stream (an interactive prompt has no newline), holding
    back at most the first three bytes of a line until they decide."""

    def __init__(self, out):
        self.out = out
        self.at_line_start = True
        self.held = b""
        self.dropping = False

    def feed(self, data):
        out = bytearray()
        for b in data:
            c = bytes((b,))
            if self.dropping:
                if c == b"\n":
                    self.dropping = False
                    self.at_line_start = True
                continue
            if self.at_line_start:
                self.held += c
                if self.held == TRACE_PREFIX:
                    self.held = b""
                    self.dropping = True
                    continue
                if TRACE_PREFIX.startswith(self.held):
                    continue
                out += self.held
                self.at_line_start = self.held.endswith(b"\n")
                self.held = b""
                continue
            out += c
            if c == b"\n":
                self.at_line_start = True
        if out:
            self.out(bytes(out))

    def flush(self):
        if self.held:
            self.out(self.held)
            self.held = b""


class Console:
    """Where the serial output of a non-interactive run goes."""

    def __init__(self, args, log):
        self.tap = args.tap
        self.hide_trace = args.trace_log is not None
        self.log = log
        self.tail = collections.deque(maxlen=TAIL_LINES)
        self.partial = b""
        self.plan_seen = False

    def feed(self, data):
        data = data.replace(b"\r", b"")
        if self.log:
            self.log.write(data)
            self.log.flush()
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()
        for raw in lines:
            self.line(raw.decode("utf-8", "replace"))

    def flush(self):
        if self.partial:
            self.line(self.partial.decode("utf-8", "replace"))
            self.partial = b""

    def line(self, text):
        self.tail.append(text)
        if self.hide_trace and "#TR" in text:
            # A trace marker may follow console text on the same line.
            text = text[:text.index("#TR")]
            if not text.strip():
                return
        if self.tap:
            if TAP_LINE.match(text):
                if PLAN_LINE.match(text):
                    self.plan_seen = True
                emit(sys.stdout, text)
            else:
                emit(sys.stderr, text)
        else:
            emit(sys.stdout, text)


def emit(stream, text):
    try:
        stream.write(text + "\n")
        stream.flush()
    except BrokenPipeError:
        pass


def kill_group(proc):
    """Kills QEMU (its own process group) and reaps it."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            proc.kill()
        except ProcessLookupError:
            pass
    proc.wait()


class Interrupted(Exception):
    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def on_signal(signum, _frame):
    raise Interrupted(signum)


def run_batch(args, cmd, log):
    console = Console(args, log)
    timeout = args.timeout
    if timeout is None and not args.gdb:
        timeout = DEFAULT_TIMEOUT
    deadline = None if timeout is None else time.monotonic() + timeout

    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, on_signal)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            start_new_session=True, preexec_fn=die_with_parent)
    try:
        fd = proc.stdout.fileno()
        os.set_blocking(fd, False)
        sel = selectors.DefaultSelector()
        sel.register(fd, selectors.EVENT_READ)
        timed_out = False
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                timed_out = True
                break
            if not sel.select(left):
                continue
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                continue
            if not data:
                break
            console.feed(data)
        console.flush()
        if not timed_out:
            # The pipe closed: QEMU is exiting. Still bounded by the deadline.
            try:
                left = None if deadline is None else max(deadline - time.monotonic(), 0.1)
                proc.wait(left)
            except subprocess.TimeoutExpired:
                timed_out = True
        if timed_out:
            kill_group(proc)
            emit(sys.stdout if args.tap else sys.stderr, f"Bail out! timeout after {timeout:g} s")
            emit(sys.stderr, f"--- last {TAIL_LINES} console lines ---")
            for text in console.tail:
                emit(sys.stderr, text)
            return TIMEOUT_STATUS
        status = status_of(proc.returncode)
        if args.tap and status != 0 and not console.plan_seen:
            emit(sys.stdout, f"Bail out! guest exited with status {status}")
        return status
    except Interrupted as e:
        kill_group(proc)
        console.flush()
        emit(sys.stderr, f"qemu.py: stopped by signal {e.signum}")
        return 128 + e.signum
    finally:
        kill_group(proc)


def run_interactive(args, cmd, log):
    """QEMU owns the terminal (it puts it in raw mode and restores it). It
    stays in our process group so that it may read the terminal."""
    if log is None and args.timeout is None:
        return status_of(subprocess.call(cmd, preexec_fn=die_with_parent))
    out = sys.stdout.buffer

    def write(data):
        out.write(data)
        out.flush()

    screen = TraceFilter(write) if args.trace_log is not None else None
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if log else None,
                            preexec_fn=die_with_parent)
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    try:
        if log:
            fd = proc.stdout.fileno()
            sel = selectors.DefaultSelector()
            sel.register(fd, selectors.EVENT_READ)
            while True:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                if not sel.select(left):
                    continue
                data = os.read(fd, 65536)
                if not data:
                    break
                log.write(data.replace(b"\r", b""))
                log.flush()
                if screen:
                    screen.feed(data)
                else:
                    write(data)
            if screen:
                screen.flush()
        left = None if deadline is None else max(deadline - time.monotonic(), 0)
        try:
            proc.wait(left)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            emit(sys.stderr, f"\nBail out! timeout after {args.timeout:g} s")
            return TIMEOUT_STATUS
        return status_of(proc.returncode)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Boot Dakota under qemu-system-riscv64 (virt, OpenSBI).",
        epilog="environment: DAKOTA_QEMU=BINARY runs another qemu-system-riscv64; "
        "DAKOTA_OPENSBI=FILE passes another firmware to -bios (default " + OPENSBI + ").")
    ap.add_argument("--kernel", required=True, metavar="ELF")
    ap.add_argument("--initrd", required=True, metavar="CPIO")
    ap.add_argument("--smp", type=int, default=4, metavar="N")
    ap.add_argument("--mem", default="128M", metavar="M")
    ap.add_argument("--append", metavar="STR", help="kernel command line")
    ap.add_argument("--icount", action="store_true", help="-icount shift=0")
    ap.add_argument("--gdb", action="store_true", help="-s -S: wait for gdb on tcp::1234")
    ap.add_argument("--interactive", action="store_true", help="console on the terminal")
    ap.add_argument("--tap", action="store_true", help="TAP lines to stdout, the rest to stderr")
    ap.add_argument("--timeout", type=float, metavar="SECONDS")
    ap.add_argument("--log", metavar="FILE", help="save the console output")
    ap.add_argument("--trace-log", metavar="FILE",
                    help="save the console output; keep #TR trace lines off the screen")
    args = ap.parse_args(argv)
    if not 1 <= args.smp <= 8:
        ap.error("--smp must be between 1 and 8")
    if args.interactive and args.tap:
        ap.error("--interactive and --tap do not mix")
    if args.log and args.trace_log:
        ap.error("give --log or --trace-log, not both")
    for path in (args.kernel, args.initrd):
        if not os.path.isfile(path):
            ap.error(f"{path}: no such file")
    if os.environ.get("DAKOTA_OPENSBI") and not os.path.isfile(os.environ["DAKOTA_OPENSBI"]):
        ap.error(f"DAKOTA_OPENSBI={os.environ['DAKOTA_OPENSBI']}: no such file")

    cmd = qemu_command(args)
    if args.gdb:
        emit(sys.stderr, "qemu.py: QEMU waits for a debugger on tcp::1234. In another terminal:\n"
             f"  gdb-multiarch {args.kernel} -ex 'target remote :1234'")
    log_path = args.trace_log or args.log
    log = open(log_path, "wb") if log_path else None
    try:
        if args.interactive:
            return run_interactive(args, cmd, log)
        return run_batch(args, cmd, log)
    finally:
        if log:
            log.close()


if __name__ == "__main__":
    sys.exit(main())
