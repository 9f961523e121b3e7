#!/usr/bin/env python3
"""tools/vslinux.py without booting anything: the QEMU command line it
builds, a boot that hangs (killed at the time limit and recorded, not
waited for), a boot whose output lost a line, and the table and chart made
from a results file with a hung cell. Prints TAP."""

import io
import json
import os
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET
from contextlib import redirect_stdout, redirect_stderr

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir)
sys.path.insert(0, os.path.join(ROOT, "tools"))
import vslinux  # noqa: E402

results = []


def check(ok, what):
    results.append((bool(ok), what))


def fake_qemu(script):
    """A command that behaves like QEMU printing `script`'s output."""
    return [sys.executable, "-c", script]


def test_command():
    cmd = vslinux.qemu_command("/opt/q10", "/opt/fw.bin", "k.elf", "r.cpio", "init=lbench",
                               2, True)
    check(cmd[0] == "/opt/q10" and cmd[cmd.index("-bios") + 1] == "/opt/fw.bin",
          "--qemu and --firmware replace the binary and the firmware")
    check(cmd[cmd.index("-smp") + 1] == "2" and cmd[cmd.index("-m") + 1] == "512M"
          and cmd[cmd.index("-append") + 1] == "init=lbench"
          and cmd[cmd.index("-icount") + 1] == "shift=0",
          "the command line has the harts, 512M, the append string and -icount shift=0")
    plain = vslinux.qemu_command(None, None, "k.elf", "r.cpio", "x", 1, False)
    check("-icount" not in plain and plain[0] == cmd_default()[0],
          "without --qemu the binary is tools/qemu.py's, and wall boots have no -icount")


def cmd_default():
    return vslinux.qemu_py.qemu_command(type("A", (), dict(
        kernel="k", initrd="r", smp=1, mem="1M", append=None, interactive=False,
        icount=False, gdb=False))())


def boot_error(script, metrics, timeout):
    try:
        with redirect_stderr(io.StringIO()):
            vslinux.boot(fake_qemu(script), metrics, timeout)
    except vslinux.BootFailed as e:
        return e
    return None


def test_boot():
    good = ("print('OpenSBI v1.5\\nlbench start cpus=1\\nlbench pipe 4672.3 2000\\n"
            "lbench done')")
    values, iters, sbi = vslinux.boot(fake_qemu(good), ["pipe"], 30)
    check(values == {"pipe": 4672.3} and iters == {"pipe": 2000} and sbi == "v1.5",
          "a boot's lbench lines and the OpenSBI banner are read")
    e = boot_error("print('lbench pipe 4672.3 2000[    4.9] Kernel panic\\nlbench done')",
                   ["pipe"], 30)
    check(e is not None and not e.timed_out and "no well-formed line for pipe" in str(e),
          "a metric line cut by other console output fails the boot")
    e = boot_error("import time\nprint('OpenSBI v1.1', flush=True)\ntime.sleep(60)",
                   ["pipe"], 0.5)
    check(e is not None and e.timed_out, "a hung boot is killed at the time limit")


RESULTS = {
    "about": {"linux_package": "linux-image-X riscv64 1", "qemu": "QEMU emulator version 10.0.2",
              "qemu_binary": "/q", "opensbi": "v1.5", "firmware": "/fw"},
    "timeout": 300, "wall_scale": 10, "host_cpus": 2,
    "icount": {
        "1": {"dakota": {"null_syscall": {"median": 252.0}, "mutex": {"median": 66.0},
                         "fork_exit_wait": {"median": 300000.0}},
              "linux": {"null_syscall": {"median": 441.0}, "mutex": {"median": 66.0},
                        "fork_exit_wait": {"median": 200000.0}}},
        "2": {"dakota": {"pipe": {"median": 5000.0}},
              "linux": {"failed": "no result after 300 s", "timed_out": True, "boots_done": 0}},
    },
    "wall": {"4": {"dakota": {"parallel": {"median": 5.0e7}},
                   "linux": {"parallel": {"median": 4.0e7}}}},
}


def test_table_and_chart():
    tmp = tempfile.mkdtemp(prefix="vslinux-test.")
    path = os.path.join(tmp, "r.json")
    with open(path, "w") as f:
        json.dump(RESULTS, f)
    out = io.StringIO()
    with redirect_stdout(out):
        vslinux.main(["table", path])
    lines = out.getvalue().splitlines()
    check(lines[0] == "Linux column: linux-image-X riscv64 1; QEMU emulator version 10.0.2 "
          "(/q); OpenSBI v1.5 (/fw)", "the table names the kernel package, QEMU and OpenSBI")
    check("| null system call (getppid) | instructions | 252 | 441 | 0.57 | ≤ 0.6: met |" in lines
          and "| uncontended pthread mutex lock+unlock | instructions | 66.0 | 66.0 | 1.00 "
          "| equal: met |" in lines
          and "| fork + exit + wait | instructions | 300,000 | 200,000 | 1.50 | ≤ 0.6: NOT met |"
          in lines, "1 hart: Dakota, Linux, ratio and the target, metric by metric")
    check("| Linux, icount | | | | no result: boot 1 did not finish within 300 s (QEMU 7.2 "
          "with OpenSBI 1.1 livelocks in OpenSBI's remote fence at more than one hart under "
          "-icount; QEMU 10 with OpenSBI 1.5 does not) |" in lines
          and "| pipe ping-pong round trip between two processes | instructions | 5,000 | — | — |"
          in lines, "a hung cell is reported as such in its hart count's table")
    check("### 4 harts" in lines and "| CPU-bound, one thread per hart (whole run) | host ns | "
          "50,000,000 | 40,000,000 | 1.25 |" in lines
          and any("cross" in ln and "harts" in ln for ln in lines),
          "wall figures per hart count, and the note on cross-hart -icount figures")
    out = io.StringIO()
    with redirect_stdout(out):
        vslinux.main(["table", "--summary", path])
    check("| null system call (getppid) | instructions | 252 | 441 | 0.57 | — | — | ≤ 0.6: met |"
          in out.getvalue().splitlines(),
          "--summary: the 1-hart figures and a ratio per hart count in one table")
    svg = os.path.join(tmp, "c.svg")
    vslinux.main(["svg", path, "-o", svg])
    tree = ET.parse(svg)
    bars = [r for r in tree.iter("{http://www.w3.org/2000/svg}rect")
            if r.get("height") == "12"]
    check(len(bars) == 4, "the chart has one bar per figure both kernels gave (4)")
    shutil.rmtree(tmp)


def main():
    test_command()
    test_boot()
    test_table_and_chart()
    print("TAP version 13")
    for i, (ok, what) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
    print("1..%d" % len(results))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
