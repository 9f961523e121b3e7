#!/usr/bin/env python3
"""QEMU boot with tracing on: trace a known workload and check the trace.

    boot_check.py QEMU.PY TRACE.PY KERNEL INITRD SMP

Boots `trace=1 init=threads` (three threads printing and exiting with 1, 2
and 3), then requires: exit status 0; `tools/trace.py check` finds no
violated invariant (switch-ins matched by switch-outs on the same hart,
busy time within wall time, thread run times summing to busy time, no
corrupt or missing records); and the summary lists exactly the threads
1:0 to 1:3, with 1:1, 1:2, 1:3 exited with codes 1, 2, 3. Prints TAP."""
import os
import re
import subprocess
import sys
import tempfile


def main():
    qemu_py, trace_py, kernel, initrd, smp = sys.argv[1:6]
    results = []

    def check(ok, name, detail=""):
        results.append(ok)
        print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}")
        if not ok and detail:
            for line in detail.rstrip().splitlines()[-30:]:
                print(f"# {line}")

    print("TAP version 13")
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "boot.log")
        boot = subprocess.run([sys.executable, qemu_py, "--kernel", kernel, "--initrd", initrd,
                               "--smp", smp, "--timeout", "60", "--trace-log", log,
                               "--append", "trace=1 init=threads"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        check(boot.returncode == 0, f"traced boot exits 0 (got {boot.returncode})", boot.stdout)
        chk = subprocess.run([sys.executable, trace_py, "check", log],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        check(chk.returncode == 0, "trace.py check: no violated invariant", chk.stdout)
        out = os.path.join(tmp, "t")
        dec = subprocess.run([sys.executable, trace_py, "decode", log, out],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        check(dec.returncode == 0, "trace.py decode succeeds", dec.stdout)
        summary = dec.stdout
        threads = dict(re.findall(r"^(1:\d+) threads .*?(\S+(?: \(\d+\))?)\s*$", summary, re.M))
        check(sorted(threads) == ["1:0", "1:1", "1:2", "1:3"],
              f"threads in the summary are 1:0..1:3 (got {sorted(threads)})", summary)
        for tid in (1, 2, 3):
            check(threads.get(f"1:{tid}") == f"exited ({tid})",
                  f"thread 1:{tid} exited with {tid} (got {threads.get(f'1:{tid}')})")
        for name in ("json", "svg", "txt"):
            check(os.path.getsize(f"{out}.{name}") > 0, f"decode wrote a non-empty .{name}")
    print(f"1..{len(results)}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
