#!/usr/bin/env python3
"""Ctrl-C at the shell: boots Dakota with the shell as init and a console on a
pipe, starts `spin 600000` in the foreground, sends 0x03 and expects the
shell to report "[killed by signal 2]", then starts `spin` in the
background, sends Ctrl-C again (the background job ignores SIGINT), and
ends with `exit 7`, so that the run exits with status 7.

    ctrlc.py --kernel ELF --initrd CPIO [--smp N]
"""
import argparse
import importlib.util
import os
import selectors
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "dakota_qemu", os.path.join(HERE, "..", "..", "tools", "qemu.py"))
qemu = importlib.util.module_from_spec(spec)
spec.loader.exec_module(qemu)

TIMEOUT = 60


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--smp", type=int, default=4)
    a = ap.parse_args()
    args = argparse.Namespace(kernel=a.kernel, initrd=a.initrd, smp=a.smp, mem="128M",
                              append="init=sh", interactive=False, icount=False, gdb=False)
    proc = subprocess.Popen(qemu.qemu_command(args), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    out = b""
    deadline = time.monotonic() + TIMEOUT

    def wait_for(text, start, within=None):
        nonlocal out
        until = deadline if within is None else min(deadline, time.monotonic() + within)
        while text not in out[start:]:
            left = until - time.monotonic()
            if left <= 0 or not sel.select(left):
                raise TimeoutError(text)
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                raise EOFError(text)
            out += chunk
        return out.index(text, start) + len(text)

    def send(data):
        proc.stdin.write(data)
        proc.stdin.flush()

    try:
        pos = wait_for(b"dakota$ ", 0)
        send(b"spin 600000\n")
        pos = wait_for(b"spin 600000", pos)       # echoed: the shell has it
        # A Ctrl-C before spin has its SIGINT back at SIG_DFL is ignored:
        # send it again until spin is killed (a hang guard, not a timing).
        while True:
            send(b"\x03")
            try:
                pos = wait_for(b"[killed by signal 2]", pos, within=1.0)
                break
            except TimeoutError:
                if time.monotonic() >= deadline:
                    raise
        pos = wait_for(b"dakota$ ", pos)
        send(b"spin 2000 &\n")
        pos = wait_for(b"dakota$ ", pos)
        send(b"\x03")
        pos = wait_for(b"^C", pos)
        send(b"wait\n")
        pos = wait_for(b"exit 0]", pos)           # the background spin survived
        send(b"exit 7\n")
        proc.wait(timeout=max(1, deadline - time.monotonic()))
    except (TimeoutError, EOFError, subprocess.TimeoutExpired) as e:
        proc.kill()
        sys.stdout.write(out.decode(errors="replace")[-3000:])
        print(f"\nctrlc.py: did not see {e!s}")
        return 1
    sys.stdout.write(out.decode(errors="replace")[-2000:])
    print(f"\nctrlc.py: exit status {proc.returncode}")
    return 0 if proc.returncode == 7 else 1


if __name__ == "__main__":
    sys.exit(main())
